// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Real LV2 plugins from Debian's swh-lv2 and x42-plugins (installed by make
// test through scripts/install-deps.sh), hosted through lilv and measured:
// an EQ's boost at its frequency, a compressor's reduction, a lookahead
// limiter's latency compensated against a dry path, automation of a plugin
// parameter, and clear errors.  Skipped, saying so, when they are absent.
// Then our own test plugins (tests/lv2/mixdown-test.lv2, built with the
// tests): hostile metadata, failing instantiation, atom buffer sizes,
// stepped integer ports, and plugins that crash.

#include "support.h"

#include "host/lv2.h"

#include <float.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define RATE 48000U
#define SWH  "http://plugin.org.uk/swh-plugins/"

static void
require_swh(void)
{
  if (access("/usr/lib/lv2/single_para-swh.lv2/manifest.ttl", R_OK) != 0 &&
      access("/usr/local/lib/lv2/single_para-swh.lv2/manifest.ttl", R_OK) != 0) {
    test_skip("swh-lv2 is not installed (scripts/install-deps.sh installs it)");
  }
}

// Gain in dB that a one-insert track applies to a sine at `freq`.
static double
gain_at(const char* insert, double freq, uint32_t channels)
{
  test_write_sine(test_path("in.wav"), freq, 0.25, 1.0, channels, RATE);
  char yaml[1024];
  snprintf(yaml, sizeof yaml, "mixdown: 1\ntracks:\n  - {name: t, file: in.wav, pan_law: 0, inserts: [%s]}\n", insert);
  TestMix m;
  double  gain = NAN;
  if (test_render_yaml(yaml, &m)) {
    gain = test_rms_db(m.left + RATE / 2U, RATE / 2U) - test_db(0.25 / sqrt(2.0));
    if (channels == 2U) {
      CHECK_NEAR(test_rms_db(m.right + RATE / 2U, RATE / 2U) - test_db(0.25 / sqrt(2.0)), gain, 0.05);
    }
    test_mix_free(&m);
  }
  return gain;
}

static void
test_eq_plugin_magnitude(void)
{
  require_swh();
  const char* eq = "{type: lv2, uri: \"" SWH "singlePara\", params: {gain: 12, fc: 1000, bw: 1}}";
  CHECK_NEAR(gain_at(eq, 1000.0, 1U), 12.0, 0.3);
  CHECK_NEAR(gain_at(eq, 100.0, 1U), 0.0, 0.3);
  // A mono plugin on a stereo track runs once per channel.
  CHECK_NEAR(gain_at(eq, 1000.0, 2U), 12.0, 0.3);
  const char* cut = "{type: lv2, uri: \"" SWH "singlePara\", params: {gain: -9, fc: 3000, bw: 0.5}}";
  CHECK_NEAR(gain_at(cut, 3000.0, 1U), -9.0, 0.3);
}

static void
test_compressor_plugin_reduces_gain(void)
{
  require_swh();
  const char* comp = "{type: lv2, uri: \"" SWH "sc1\", params: {attack: 2, release: 50, threshold: -30,"
                     " ratio: 4, knee: 1, makeup_gain: 0}}";
  const double gain = gain_at(comp, 1000.0, 1U);
  CHECK_MSG(gain < -8.0 && gain > -24.0, "sc1 on a -12 dBFS sine: %.1f dB", gain);
}

// The limiter delays its input by its lookahead and says so through its
// latency port; the engine delays the dry path to match, so the two null.
static void
test_plugin_latency_is_compensated(void)
{
  require_swh();
  test_write_sine(test_path("l.wav"), 440.0, 0.1, 1.0, 2U, RATE);
  TestMix m;
  if (!test_render_yaml("mixdown: 1\ntracks:\n"
                        "  - {name: wet, file: l.wav, output: bus,\n"
                        "     inserts: [{type: lv2, uri: \"" SWH "lookaheadLimiter\", params: {limit: 0}}]}\n"
                        "  - {name: dry, file: l.wav, invert: true}\n"
                        "buses:\n  - {name: bus}\n", &m)) {
    return;
  }
  CHECK_MSG(m.latency > 0U, "the limiter reported no latency");
  const double residual = test_rms_db(m.left + 4800, m.frames - 9600U) - test_db(0.1 / sqrt(2.0));
  CHECK_MSG(residual < -60.0, "wet and dry null only to %.1f dB (latency %u)", residual, m.latency);
  test_mix_free(&m);
}

static void
test_plugin_parameter_automation(void)
{
  require_swh();
  test_write_sine(test_path("a.wav"), 1000.0, 0.1, 2.0, 1U, RATE);
  TestMix m;
  if (!test_render_yaml("mixdown: 1\ntracks:\n  - name: t\n    file: a.wav\n    pan_law: 0\n"
                        "    inserts: [{type: lv2, uri: \"" SWH "singlePara\",\n"
                        "               params: {fc: 1000, bw: 1, gain: {points: [[0.25, 0], [1.5, 12]]}}}]\n", &m)) {
    return;
  }
  const double early = test_rms_db(m.left + 2400, 4800U);
  const double late  = test_rms_db(m.left + RATE * 3U / 2U + 4800U, 4800U);
  CHECK_NEAR(late - early, 12.0, 0.5);
  test_mix_free(&m);
}

static void
test_plugin_errors(void)
{
  require_swh();
  test_write_sine(test_path("e.wav"), 440.0, 0.1, 0.2, 1U, RATE);
  char     first[1024];
  unsigned count = 0U;
  test_open_errors("mixdown: 1\ntracks:\n  - {name: t, file: e.wav, inserts: [{type: lv2, uri: \"" SWH "singlePar\"}]}\n",
                   first, sizeof first, &count);
  CHECK_MSG(strstr(first, "did you mean <" SWH "singlePara>?") != NULL, "%s", first);
  test_open_errors("mixdown: 1\ntracks:\n  - {name: t, file: e.wav,\n"
                   "     inserts: [{type: lv2, uri: \"" SWH "singlePara\", params: {gian: 3}}]}\n",
                   first, sizeof first, &count);
  CHECK_MSG(strstr(first, "did you mean `gain`?") != NULL, "%s", first);
  test_open_errors("mixdown: 1\ntracks:\n  - {name: t, file: e.wav,\n"
                   "     inserts: [{type: lv2, uri: \"" SWH "singlePara\", params: {gain: 50}}]}\n",
                   first, sizeof first, &count);
  CHECK_MSG(strstr(first, "valid range is -70 … 30") != NULL, "%s", first);
  test_open_errors("mixdown: 1\ntracks:\n  - {name: t, file: e.wav,\n"
                   "     inserts: [{type: lv2, uri: \"" SWH "singlePara\", preset: warm}]}\n",
                   first, sizeof first, &count);
  CHECK_MSG(strstr(first, "no preset `warm`") != NULL, "%s", first);
  test_open_errors("mixdown: 1\ntracks:\n  - {name: t, file: e.wav, inserts: [{type: lv2}]}\n", first, sizeof first,
                   &count);
  CHECK_MSG(strstr(first, "needs `uri:`") != NULL, "%s", first);
}

static void
test_plugin_meter_reaches_the_report(void)
{
  require_swh();
  test_write_sine(test_path("r.wav"), 440.0, 0.9, 1.0, 2U, RATE);
  MixdownSession* s = test_open_yaml("mixdown: 1\ntracks:\n  - {name: t, file: r.wav,\n"
                                     "     inserts: [{type: lv2, uri: \"" SWH "sc4\",\n"
                                     "                params: {threshold: -30, ratio: 8, attack: 5, release: 100}}]}\n");
  if (!s) {
    return;
  }
  MixdownRenderOptions opt = {.size = sizeof opt, .output_path = test_path("r-out.wav")};
  MixdownRenderReport  r   = {.size = sizeof r};
  CHECK(mixdown_render(s, &opt, &r) == MIXDOWN_SUCCESS);
  mixdown_session_free(s);
  // sc4's control outputs: amplitude and gain_red (its gain reduction, dB).
  const MixdownMeterReport* gr = NULL;
  for (uint32_t k = 0U; k < r.n_meters; ++k) {
    gr = !strcmp(r.meters[k].meter, "gain_red") ? &r.meters[k] : gr;
  }
  CHECK_MSG(gr && !strcmp(gr->processor, "lv2") && fabs(gr->extreme) > 10.0, "gain_red %.1f", gr ? gr->extreme : 0.0);
  CHECK_MSG(r.loudness_lufs < -10.0, "%.1f LUFS through an 8:1 compressor", r.loudness_lufs); // in: about -1 LUFS
}

/* ------------------------------------------------------------------------ */
/* Our test plugins                                                          */

#define TEST_URI "urn:mixdown:test#"

// Only our bundle on the LV2 path (each test runs in its own process).
static void
use_test_plugins(void)
{
  setenv("LV2_PATH", MD_TEST_LV2_PATH, 1);
}

static void
test_float_metadata_as_written(void)
{
  CHECK(md_lv2_float_value(1.4f) == 1.4);
  CHECK(md_lv2_float_value(0.001f) == 0.001);
  CHECK(md_lv2_float_value(0.1f) == 0.1);
  CHECK(md_lv2_float_value(-70.0f) == -70.0);
  CHECK(md_lv2_float_value(1.0f / 3.0f) == 0.33333334);
  CHECK(md_lv2_float_value(FLT_MAX) == 3.4028235e38);
  CHECK(md_lv2_float_value(FLT_TRUE_MIN) == 1e-45);
  CHECK(md_lv2_float_value(16777216.0f) == 16777216.0);
  CHECK(isinf(md_lv2_float_value(INFINITY)) && isnan(md_lv2_float_value(NAN)));
  // Every float comes back as itself, whatever the digits.
  for (float x = 1e-7f; x < 1e7f; x *= 1.37f) {
    CHECK_MSG((float)md_lv2_float_value(x) == x, "%.9g", (double)x);
  }
}

// fraction: 0.1 … 1.4 in single precision: both ends are valid values.
static void
test_single_precision_range_ends_are_valid(void)
{
  use_test_plugins();
  test_write_sine(test_path("s.wav"), 440.0, 0.1, 0.1, 1U, RATE);
  char     first[1024] = "";
  unsigned count       = 0U;
  test_open_errors("mixdown: 1\ntracks:\n  - {name: t, file: s.wav,\n"
                   "     inserts: [{type: lv2, uri: \"" TEST_URI "odd\", params: {fraction: 1.4}}]}\n",
                   first, sizeof first, &count);
  CHECK_MSG(count == 0U, "1.4 refused: %s", first);
  test_open_errors("mixdown: 1\ntracks:\n  - {name: t, file: s.wav,\n"
                   "     inserts: [{type: lv2, uri: \"" TEST_URI "odd\", params: {fraction: 0.1}}]}\n",
                   first, sizeof first, &count);
  CHECK_MSG(count == 0U, "0.1 refused: %s", first);
  test_open_errors("mixdown: 1\ntracks:\n  - {name: t, file: s.wav,\n"
                   "     inserts: [{type: lv2, uri: \"" TEST_URI "odd\", params: {fraction: 1.41}}]}\n",
                   first, sizeof first, &count);
  CHECK_MSG(strstr(first, "`fraction` is 1.41, out of range: valid range is 0.1 … 1.4") != NULL, "%s", first);
}

static const MixdownParamInfo*
find_param(const MdProcessorClass* cls, const char* name)
{
  const int k = md_processor_param_index(cls, name);
  return k >= 0 ? &cls->params[k].info : NULL;
}

// NaN, infinite, inverted, missing and enormous ranges and defaults, a port
// with no name, an enumeration: every one a usable, finite parameter.
static void
test_hostile_metadata_is_tamed(void)
{
  use_test_plugins();
  MdLv2World* w = md_lv2_world_new();
  char        message[512] = "";
  const MdProcessorClass* cls = md_lv2_class_new(w, TEST_URI "odd", 48000.0, message, sizeof message);
  md_lv2_world_unref(w);
  CHECK_MSG(cls != NULL, "%s", message);
  if (!cls) {
    return;
  }
  static const struct {
    const char* name;
    double      min, max, def;
  } want[] = {
    {"nan_default", 0.0, 1.0, 0.0},   // NaN default: the minimum
    {"inverted", 1.0, 10.0, 5.0},     // minimum 10, maximum 1: turned round
    {"unranged", -1e9, 1e9, 0.0},     // no range, no default
    {"huge", -1e38, 1e38, 0.0},       // enormous but finite: kept
    {"infinite", -1e9, 1e9, 1e9},     // ±1e39 is ±inf in a float: as if missing
    {"nameless", 0.0, 1.0, 0.5},      // no name: the symbol stands in
    {"mode", 0.0, 5.0, 0.0},          // enumeration: the default 1 is not a value; the nearest (0) is
    {"fraction", 0.1, 1.4, 0.3},      // single precision, as written
    {"big_default", 0.0, 1.0, 1.0},   // default 1e30 above the maximum: clamped
  };
  for (size_t i = 0U; i < sizeof want / sizeof want[0]; ++i) {
    const MixdownParamInfo* p = find_param(cls, want[i].name);
    CHECK_MSG(p && p->min == want[i].min && p->max == want[i].max && p->default_value == want[i].def,
              "%s: %g … %g, default %g", want[i].name, p ? p->min : NAN, p ? p->max : NAN,
              p ? p->default_value : NAN);
  }
  const MixdownParamInfo* nameless = find_param(cls, "nameless");
  CHECK(nameless && !strcmp(nameless->description, "nameless"));
  const MixdownParamInfo* mode = find_param(cls, "mode");
  CHECK_MSG(mode && strstr(mode->description, "2 half"), "%s", mode ? mode->description : "");
  cls->release(cls);

  // And it renders: the plugin passes its input through.
  test_write_sine(test_path("o.wav"), 440.0, 0.25, 0.5, 1U, RATE);
  TestMix m;
  if (test_render_yaml("mixdown: 1\ntracks:\n  - {name: t, file: o.wav, pan_law: 0,\n"
                       "     inserts: [{type: lv2, uri: \"" TEST_URI "odd\", params: {unranged: 3}}]}\n", &m)) {
    CHECK_NEAR(test_rms_db(m.left, m.frames), test_db(0.25 / sqrt(2.0)), 0.01);
    test_mix_free(&m);
  }
}

static void
test_plugins_that_cannot_run_are_session_errors(void)
{
  use_test_plugins();
  test_write_sine(test_path("f.wav"), 440.0, 0.1, 0.1, 1U, RATE);
  static const struct {
    const char* uri;
    const char* message;
  } cases[] = {
    {TEST_URI "fails", "LV2 plugin <" TEST_URI "fails> cannot be instantiated at 48000 Hz"},
    {TEST_URI "nosuchlib", "LV2 plugin <" TEST_URI "nosuchlib> cannot be instantiated at 48000 Hz"},
    {TEST_URI "needs", "LV2 plugin <" TEST_URI "needs> requires the feature <" TEST_URI
                       "unobtainium>, which mixdown does not provide"},
    {TEST_URI "bigatom", "LV2 plugin <" TEST_URI "bigatom>: atom port `notify` asks for a "
                         "1000000000-byte buffer (mixdown gives at most 4194304)"},
  };
  for (size_t i = 0U; i < sizeof cases / sizeof cases[0]; ++i) {
    char yaml[512];
    snprintf(yaml, sizeof yaml, "mixdown: 1\ntracks:\n  - {name: t, file: f.wav, inserts: [{type: lv2, uri: \"%s\"}]}\n",
             cases[i].uri);
    char     first[1024] = "";
    unsigned count       = 0U;
    test_open_errors(yaml, first, sizeof first, &count);
    CHECK_MSG(strstr(first, cases[i].message) != NULL, "%s", first);
  }
}

// Twelve atom ports, one asking for 100 000 bytes: all connected, each as
// large as asked (the plugin's `ok` output says so, and gates its audio).
static void
test_atom_buffers_are_sized_from_the_plugin(void)
{
  use_test_plugins();
  test_write_sine(test_path("a.wav"), 440.0, 0.25, 0.5, 1U, RATE);
  MixdownSession* s = test_open_yaml("mixdown: 1\ntracks:\n  - {name: t, file: a.wav, pan_law: 0,\n"
                                     "     inserts: [{type: lv2, uri: \"" TEST_URI "atoms\"}]}\n");
  if (!s) {
    return;
  }
  MixdownRenderOptions opt = {.size = sizeof opt, .output_path = test_path("a-out.wav")};
  MixdownRenderReport  r   = {.size = sizeof r};
  CHECK(mixdown_render(s, &opt, &r) == MIXDOWN_SUCCESS);
  mixdown_session_free(s);
  const MixdownMeterReport* ok = NULL;
  for (uint32_t k = 0U; k < r.n_meters; ++k) {
    ok = !strcmp(r.meters[k].meter, "ok") ? &r.meters[k] : ok;
  }
  CHECK_MSG(ok && ok->extreme == 1.0, "ok: %g", ok ? ok->extreme : NAN);
  CHECK_NEAR(r.peak_dbfs, test_db(0.25), 0.05);
}

// `count` is an lv2:integer port: automated from 0 to 10 it sees whole
// numbers only; `level` (a float port) takes the envelope's value at the
// start of every 32 frames and holds it between.
static void
test_automation_reaches_ports_in_steps(void)
{
  use_test_plugins();
  test_write_dc(test_path("z.wav"), 0.0f, 1.0, 1U, RATE);
  TestMix m;
  if (!test_render_yaml("mixdown: 1\ntracks:\n  - name: t\n    file: z.wav\n    pan_law: 0\n"
                        "    inserts: [{type: lv2, uri: \"" TEST_URI "probe\",\n"
                        "               params: {count: {points: [[0, 0], [1, 10]]}}}]\n", &m)) {
    return;
  }
  uint64_t fractional = 0U;
  for (uint64_t i = 0U; i < m.frames; ++i) {
    fractional += m.left[i] != nearbyintf(m.left[i]);
  }
  CHECK_MSG(fractional == 0U, "%llu samples off the integers", (unsigned long long)fractional);
  CHECK_NEAR(m.left[RATE / 2U + 100U], 5.0, 0.0); // 0.502 s: 5.02 rounds to 5
  CHECK_NEAR(m.left[m.frames - 1U], 10.0, 0.0);
  test_mix_free(&m);
  if (!test_render_yaml("mixdown: 1\ntracks:\n  - name: t\n    file: z.wav\n    pan_law: 0\n"
                        "    inserts: [{type: lv2, uri: \"" TEST_URI "probe\",\n"
                        "               params: {level: {points: [[0, -1], [1, 1]]}}}]\n", &m)) {
    return;
  }
  uint64_t changes_off_grid = 0U, changes = 0U;
  for (uint64_t i = 1U; i < m.frames; ++i) {
    if (m.left[i] != m.left[i - 1U]) {
      ++changes;
      changes_off_grid += i % 32U != 0U;
    }
  }
  CHECK_MSG(changes_off_grid == 0U && changes >= RATE / 32U - 2U, "%llu changes, %llu off the 32-frame grid",
            (unsigned long long)changes, (unsigned long long)changes_off_grid);
  test_mix_free(&m);
}

// A plugin that dies of a signal mid-render (isolated, the default): the
// render fails with a message naming it and the signal, nothing written.
static void
check_crash_fails_render(double crash, const char* signal_name)
{
  use_test_plugins();
  test_write_sine(test_path("c.wav"), 440.0, 0.25, 1.0, 1U, RATE);
  char yaml[512];
  snprintf(yaml, sizeof yaml,
           "mixdown: 1\ntracks:\n  - name: victim\n    file: c.wav\n"
           "    inserts: [{type: lv2, uri: \"" TEST_URI "probe\",\n"
           "               params: {crash: {points: [[0, 0], [0.5, 0], [0.5, %g]], curve: step}}}]\n",
           crash);
  MixdownSession* s = test_open_yaml(yaml);
  if (!s) {
    return;
  }
  const char*          out = test_path("crash-out.wav");
  MixdownRenderOptions opt = {.size = sizeof opt, .output_path = out};
  MixdownRenderReport  r   = {.size = sizeof r};
  const MixdownStatus  st  = mixdown_render(s, &opt, &r);
  mixdown_session_free(s);
  char want[256];
  snprintf(want, sizeof want, "track or bus `victim`, insert 1, in the block from 0.491 s: LV2 plugin <" TEST_URI
                              "probe> crashed with SIG%s",
           signal_name);
  CHECK_MSG(st == MIXDOWN_ERR_IO && strstr(r.message, want), "status %d: %s", (int)st, r.message);
  CHECK_MSG(access(out, F_OK) != 0, "%s was written", out);
}

static void
test_plugin_crash_fails_the_render(void)
{
  check_crash_fails_render(1.0, "FPE");
  check_crash_fails_render(2.0, "SEGV");
}

// The library reads no environment: MIXDOWN_LV2_ISOLATION=0 is the CLI's
// to apply (mixdown_set_plugin_isolation()), so a program that sets it and
// renders still has its plugins isolated: the crash fails the render
// instead of killing the program.  In a child, which may die if it is not so.
static void
test_isolation_ignores_the_environment(void)
{
  use_test_plugins();
  test_write_sine(test_path("e.wav"), 440.0, 0.25, 1.0, 1U, RATE);
  fflush(NULL);
  const pid_t pid = fork();
  if (pid == 0) {
    setenv("MIXDOWN_LV2_ISOLATION", "0", 1);
    static const char yaml[] = "mixdown: 1\ntracks:\n  - {name: t, file: e.wav,\n"
                               "     inserts: [{type: lv2, uri: \"" TEST_URI "probe\", params: {crash: 1}}]}\n";
    MixdownSession* s = NULL;
    mixdown_session_open_string(yaml, strlen(yaml), "<test>", test_dir(), NULL, NULL, &s);
    MixdownRenderOptions opt = {.size = sizeof opt, .output_path = test_path("e-out.wav")};
    MixdownRenderReport  r   = {.size = sizeof r};
    const MixdownStatus  st  = s ? mixdown_render(s, &opt, &r) : MIXDOWN_ERR_SESSION;
    _exit(st == MIXDOWN_ERR_IO && strstr(r.message, "crashed with SIGFPE") ? 0 : 3);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0,
            "status 0x%x: the render did not fail cleanly (the plugin ran in-process?)", status);
}

// In mixdown's own process (mixdown_set_plugin_isolation(0), the CLI's
// MIXDOWN_LV2_ISOLATION=0) the crash is fatal, but its last words name the
// plugin, and it dies of the plugin's signal.
static void
test_in_process_crash_names_the_plugin(void)
{
  use_test_plugins();
  test_write_sine(test_path("i.wav"), 440.0, 0.25, 1.0, 1U, RATE);
  int pipe_fds[2];
  CHECK(pipe(pipe_fds) == 0);
  fflush(NULL);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(pipe_fds[1], STDERR_FILENO);
    mixdown_set_plugin_isolation(0); // in the child only: later tests keep the default
    static const char yaml[] = "mixdown: 1\ntracks:\n  - {name: t, file: i.wav,\n"
                               "     inserts: [{type: lv2, uri: \"" TEST_URI "probe\", params: {crash: 1}}]}\n";
    MixdownSession* s = NULL;
    mixdown_session_open_string(yaml, strlen(yaml), "<test>", test_dir(), NULL, NULL, &s);
    MixdownRenderOptions opt = {.size = sizeof opt, .output_path = test_path("i-out.wav")};
    _exit(s && mixdown_render(s, &opt, NULL) == MIXDOWN_SUCCESS ? 0 : 3);
  }
  close(pipe_fds[1]);
  char    said[1024] = "";
  ssize_t got        = 0, n;
  while ((n = read(pipe_fds[0], said + got, sizeof said - 1U - (size_t)got)) > 0) {
    got += n;
  }
  said[got > 0 ? got : 0] = '\0';
  close(pipe_fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
#if defined(__SANITIZE_ADDRESS__)
  // ASan's own handler, which ours hands the signal to, reports it and exits 1.
  CHECK_MSG(status != 0, "status 0x%x", status);
#else
  CHECK_MSG(WIFSIGNALED(status) && WTERMSIG(status) == SIGFPE, "status 0x%x", status);
#endif
  CHECK_MSG(strstr(said, "mixdown: LV2 plugin <" TEST_URI "probe> crashed with SIGFPE") != NULL, "%s", said);
}

const TestCase lv2_tests[] = {
  {"lv2: an EQ plugin's boost matches its parameters", test_eq_plugin_magnitude},
  {"lv2: a compressor plugin reduces gain", test_compressor_plugin_reduces_gain},
  {"lv2: a latent plugin stays aligned with a dry path", test_plugin_latency_is_compensated},
  {"lv2: automation of a plugin parameter is heard", test_plugin_parameter_automation},
  {"lv2: unknown URI, symbol, range and preset are clear errors", test_plugin_errors},
  {"lv2: a plugin's control output reaches the report", test_plugin_meter_reaches_the_report},
  {"lv2: single-precision metadata reads as written (1.4f is 1.4)", test_float_metadata_as_written},
  {"lv2: both ends of a single-precision range are valid values", test_single_precision_range_ends_are_valid},
  {"lv2: NaN, infinite, inverted and missing ranges become usable parameters", test_hostile_metadata_is_tamed},
  {"lv2: failing instantiation, missing library, features, huge atoms: session errors",
   test_plugins_that_cannot_run_are_session_errors},
  {"lv2: atom buffers as large as rsz:minimumSize asks, any number of ports", test_atom_buffers_are_sized_from_the_plugin},
  {"lv2: automation reaches ports every 32 frames, integer ports in whole steps", test_automation_reaches_ports_in_steps},
  {"lv2: a plugin's SIGFPE or SIGSEGV fails the render, naming it, nothing written", test_plugin_crash_fails_the_render},
  {"lv2: in mixdown's own process a plugin's crash still names the plugin", test_in_process_crash_names_the_plugin},
  {"lv2: MIXDOWN_LV2_ISOLATION in the environment does not reach the library", test_isolation_ignores_the_environment},
  {NULL, NULL},
};
