// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Session parsing and validation: every error names its line and column and
// the valid range or the nearest valid name.

#include "support.h"

#include "session/session.h"
#include "session/yamltree.h"

#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char first[1024];

static void
write_sources(void)
{
  test_write_sine(test_path("a.wav"), 1000.0, 0.5, 0.5, 1U, 48000U);
}

// Opens `yaml`, expecting an error whose first message starts with `where`
// ("LINE:COL") and contains `text`.
static void
expect_error(const char* yaml, const char* where, const char* text)
{
  unsigned            count = 0U;
  const MixdownStatus st    = test_open_errors(yaml, first, sizeof first, &count);
  CHECK_MSG(st == MIXDOWN_ERR_SESSION, "status %s for:\n%s", mixdown_strerror(st), yaml);
  CHECK_MSG(!strncmp(first, where, strlen(where)) && first[strlen(where)] == ':',
            "error at `%s`, expected at %s", first, where);
  CHECK_MSG(strstr(first, text) != NULL, "error `%s` lacks `%s`", first, text);
}

static void
test_valid_yaml_and_json_agree(void)
{
  write_sources();
  const char* yaml = "mixdown: 1\nsample_rate: 48000\ntracks:\n"
                     "  - {name: a, file: a.wav, gain_db: -6, pan: 0.25}\n";
  const char* json = "{\"mixdown\": 1, \"sample_rate\": 48000, \"tracks\": [\n"
                     "  {\"name\": \"a\", \"file\": \"a.wav\", \"gain_db\": -6, \"pan\": 0.25}]}\n";
  TestMix y;
  TestMix j;
  CHECK(test_render_yaml(yaml, &y));
  CHECK(test_render_yaml(json, &j));
  CHECK(y.frames == 24000U && j.frames == y.frames);
  CHECK(y.frames && !memcmp(y.left, j.left, y.frames * sizeof(float)) &&
        !memcmp(y.right, j.right, y.frames * sizeof(float)));
  test_mix_free(&y);
  test_mix_free(&j);
}

static void
test_unknown_key_suggests_nearest(void)
{
  write_sources();
  expect_error("mixdown: 1\ntracks:\n  - name: a\n    file: a.wav\n    gain_bd: -3\n", "5:5",
               "did you mean `gain_db`?");
  expect_error("mixdown: 1\nsample_rat: 44100\ntracks:\n  - {name: a, file: a.wav}\n", "2:1",
               "did you mean `sample_rate`?");
  expect_error("mixdown: 1\ntracks:\n  - {name: a, file: a.wav, inserts: [{type: gain, gain: -3}]}\n",
               "3:51", "did you mean `gain_db`?");
}

static void
test_out_of_range_names_range(void)
{
  write_sources();
  expect_error("mixdown: 1\ntracks:\n  - {name: a, file: a.wav, pan: 2}\n", "3:33",
               "valid range is -1 … 1");
  expect_error("mixdown: 1\ntracks:\n  - {name: a, file: a.wav, gain_db: 40}\n", "3:37",
               "valid range is -144 … 24 dB");
  expect_error("mixdown: 1\nsample_rate: 1000\ntracks:\n  - {name: a, file: a.wav}\n", "2:14",
               "8000 … 384000 Hz");
  expect_error("mixdown: 1\ntracks:\n  - {name: a, file: a.wav, inserts: [{type: stereo, width: 3}]}\n",
               "3:60", "valid range is 0 … 2");
}

static void
test_wrong_types(void)
{
  write_sources();
  expect_error("mixdown: 1\ntracks:\n  - {name: a, file: a.wav, gain_db: loud}\n", "3:37",
               "must be a number");
  expect_error("mixdown: 1\ntracks:\n  - {name: a, file: a.wav, mute: maybe}\n", "3:34",
               "true or false");
  expect_error("mixdown: 1\ntracks: {name: a}\n", "2:9", "must be a list");
  expect_error("mixdown: 1\ntracks:\n  - {name: a, file: a.wav, gain_db: \"-3\"}\n", "3:37",
               "must be a number");
}

static void
test_unknown_names_suggest(void)
{
  write_sources();
  expect_error("mixdown: 1\ntracks:\n  - {name: a, file: a.wav, output: drumz}\n"
               "buses:\n  - {name: drums}\n",
               "3:36", "did you mean `drums`?");
  expect_error("mixdown: 1\ntracks:\n  - {name: a, file: a.wav, sends: [{to: verbb}]}\n"
               "buses:\n  - {name: verb}\n",
               "3:41", "did you mean `verb`?");
  expect_error("mixdown: 1\ntracks:\n  - {name: a, file: a.wav, inserts: [{type: gian}]}\n", "3:45",
               "did you mean `gain`?");
}

static void
test_routing_cycle_is_named(void)
{
  write_sources();
  expect_error("mixdown: 1\ntracks:\n  - {name: a, file: a.wav, output: x}\n"
               "buses:\n  - {name: x, output: y}\n  - {name: y, output: x}\n",
               "6:23", "routing cycle: x → y → x");
  expect_error("mixdown: 1\ntracks:\n  - {name: a, file: a.wav}\n"
               "buses:\n  - {name: x, sends: [{to: x}]}\n",
               "5:28", "cannot feed itself");
}

static void
test_missing_file(void)
{
  expect_error("mixdown: 1\ntracks:\n  - {name: a, file: nowhere.wav}\n", "3:21",
               "cannot open source `nowhere.wav`");
}

static void
test_musical_time_needs_tempo(void)
{
  write_sources();
  expect_error("mixdown: 1\ntracks:\n  - {name: a, clips: [{file: a.wav, start: \"2:1\"}]}\n", "3:44",
               "needs a `tempo`");
  expect_error("mixdown: 1\ntempo: 120\ntracks:\n  - {name: a, clips: [{file: a.wav, start: \"2:5\"}]}\n",
               "4:44", "beats from 1 to 4");
}

static void
test_all_errors_reported(void)
{
  write_sources();
  unsigned count = 0U;
  test_open_errors("mixdown: 1\ntracks:\n  - {name: a, file: a.wav, pan: 5, gain_db: x, mute: 3}\n",
                   first, sizeof first, &count);
  CHECK_MSG(count == 3U, "%u errors reported, expected 3", count);
}

static void
test_syntax_error_has_position(void)
{
  unsigned count = 0U;
  const MixdownStatus st = test_open_errors("mixdown: 1\ntracks: [\n  {name: a\n", first, sizeof first, &count);
  CHECK(st == MIXDOWN_ERR_SESSION);
  CHECK_MSG(first[0] >= '1' && first[0] <= '9', "no line number in `%s`", first);
}

static void
test_envelope_parsed_with_musical_times(void)
{
  write_sources();
  MixdownSession* s    = NULL;
  const char*     yaml = "mixdown: 1\ntempo: 120\ntime_signature: 3/4\ntracks:\n"
                         "  - name: a\n    file: a.wav\n"
                         "    gain_db: {points: [[0, -60], [\"2:1\", -3], [\"3:2.5\", 0]], curve: smooth}\n";
  CHECK(mixdown_session_open_string(yaml, strlen(yaml), "<t>", test_dir(), NULL, NULL, &s) == 0);
  if (s) {
    const MdEnvelope* env = s->nodes[0].gain_db.envelope;
    CHECK(env && env->n_points == 3U && env->curve == MD_CURVE_SMOOTH);
    if (env) {
      CHECK_NEAR(env->points[1].time_s, 1.5, 1e-12);  // bar 2 of 3/4 at 120 BPM
      CHECK_NEAR(env->points[2].time_s, 3.75, 1e-12); // 3 + 1.5 beats → 7.5 beats
    }
    mixdown_session_free(s);
  }
}

static void
test_envelope_out_of_order(void)
{
  write_sources();
  expect_error("mixdown: 1\ntracks:\n  - name: a\n    file: a.wav\n"
               "    pan: {points: [[1, 0], [0.5, 1]]}\n",
               "5:29", "in time order");
}

static void
test_duplicate_names(void)
{
  write_sources();
  expect_error("mixdown: 1\ntracks:\n  - {name: a, file: a.wav}\n  - {name: a, file: a.wav}\n", "4:12",
               "used twice");
}

/* ---- Messages: tabs, line order, nearest file, booleans (issue 15.13) ---- */

// Every diagnostic of an open, in the order given.
typedef struct {
  unsigned        n;
  unsigned        n_errors;
  unsigned        line[64];
  unsigned        column[64];
  MixdownSeverity severity[64];
  char            message[64][256];
} Diagnostics;

static void
collect_all(void* user, const MixdownDiagnostic* d)
{
  Diagnostics* all = user;
  all->n_errors += d->severity == MIXDOWN_SEVERITY_ERROR;
  if (all->n < 64U) {
    all->line[all->n]     = d->line;
    all->column[all->n]   = d->column;
    all->severity[all->n] = d->severity;
    snprintf(all->message[all->n], sizeof all->message[0], "%s", d->message);
    ++all->n;
  }
}

static MixdownStatus
open_collecting(const char* yaml, Diagnostics* all)
{
  memset(all, 0, sizeof *all);
  MixdownSession*     s  = NULL;
  const MixdownStatus st = mixdown_session_open_string(yaml, strlen(yaml), "<t>", test_dir(), collect_all, all, &s);
  mixdown_session_free(s);
  return st;
}

static void
test_tab_indentation(void)
{
  write_sources();
  expect_error("mixdown: 1\ntracks:\n\t- {name: a, file: a.wav}\n", "3:1",
               "tabs are not allowed for indentation; use spaces");
  expect_error("mixdown: 1\ntracks:\n  - name: a\n  \t file: a.wav\n", "4:3",
               "tabs are not allowed for indentation; use spaces");
  expect_error("mixdown: 1\ntracks:\n  - name: a\n    file: a.wav\n    gain_db:\n\t-3\n", "6:1",
               "tabs are not allowed for indentation; use spaces");
  // Tabs are fine where YAML allows them: between tokens, and JSON's indentation.
  const char* json = "{\n\t\"mixdown\": 1,\n\t\"tracks\": [\n\t\t{\"name\": \"a\", \"file\": \"a.wav\"}\n\t]\n}\n";
  MixdownSession* s = test_open_yaml(json);
  CHECK(s != NULL);
  mixdown_session_free(s);
  s = test_open_yaml("mixdown: 1\ntracks:\n  - name: a\n    file:\ta.wav\n");
  CHECK(s != NULL);
  mixdown_session_free(s);
}

// Validation reads the top level first, then tracks, then buses; the
// messages come in the file's order, warnings among them.
static void
test_errors_in_line_order(void)
{
  write_sources();
  Diagnostics all;
  open_collecting("mixdown: 1\n"
                  "buses:\n"
                  "  - {name: b, gain_db: loud}\n"
                  "tracks:\n"
                  "  - {name: a, clips: [{file: a.wav, length: 10}], output: b}\n"
                  "  - {name: c, file: a.wav, pan: 9}\n"
                  "sample_rate: 5\n",
                  &all);
  CHECK_MSG(all.n == 4U, "%u diagnostics, expected 4", all.n);
  const unsigned lines[] = {3U, 5U, 6U, 7U};
  for (unsigned i = 0U; i < all.n && i < 4U; ++i) {
    CHECK_MSG(all.line[i] == lines[i], "diagnostic %u at line %u, expected %u (%s)", i, all.line[i], lines[i],
              all.message[i]);
  }
  CHECK(all.n == 4U && all.severity[1] == MIXDOWN_SEVERITY_WARNING && all.severity[0] == MIXDOWN_SEVERITY_ERROR);
  // On one line, by column.
  open_collecting("mixdown: 1\ntracks:\n  - {name: a, file: a.wav, pan: 9, gain_db: x, mute: 3}\n", &all);
  CHECK(all.n == 3U && all.column[0] < all.column[1] && all.column[1] < all.column[2]);
}

static void
test_missing_source_nearest_file(void)
{
  write_sources();
  mkdir(test_path("stems"), 0755);
  test_write_sine(test_path("stems/Vocal.wav"), 440.0, 0.5, 0.1, 1U, 48000U);
  test_write_sine(test_path("stems/drums.flac"), 440.0, 0.5, 0.1, 1U, 48000U);
  const struct {
    const char* written;
    const char* meant;
  } cases[] = {
    {"stems/vocals.wav", "stems/Vocal.wav"}, // a typo
    {"stems/VOCAL.WAV", "stems/Vocal.wav"},  // another case
    {"stems/drums.wav", "stems/drums.flac"}, // another extension
    {"stem/vocal.wav", "stems/Vocal.wav"},   // the folder mistyped
    {"aa.wav", "a.wav"},                     // beside the session
  };
  for (size_t i = 0U; i < sizeof cases / sizeof cases[0]; ++i) {
    char yaml[256];
    char want[128];
    snprintf(yaml, sizeof yaml, "mixdown: 1\ntracks:\n  - {name: t, file: %s}\n", cases[i].written);
    snprintf(want, sizeof want, "(did you mean `%s`?)", cases[i].meant);
    expect_error(yaml, "3:21", want);
  }
  // Nothing near: no guess.
  unsigned count = 0U;
  test_open_errors("mixdown: 1\ntracks:\n  - {name: t, file: stems/zzzzzz.wav}\n", first, sizeof first, &count);
  CHECK_MSG(strstr(first, "cannot open source") && !strstr(first, "did you mean"), "%s", first);
}

// Every boolean key takes 1 and 0 as it takes true and false.
static void
test_booleans_take_1_and_0(void)
{
  write_sources();
  MixdownSession* s = test_open_yaml("mixdown: 1\ntracks:\n"
                                     "  - {name: a, file: a.wav, mute: 1, solo: 1, invert: 1,"
                                     " sends: [{to: b, pre_fader: 1}]}\n"
                                     "  - {name: c, file: a.wav, mute: 0, solo: 0, invert: 0, sends: [{to: b, pre_fader: 0}]}\n"
                                     "  - {name: d, file: a.wav, mute: True, solo: off, invert: YES}\n"
                                     "buses:\n  - {name: b}\n");
  CHECK(s != NULL);
  if (s) {
    const MdNode* a = &s->nodes[0];
    const MdNode* c = &s->nodes[1];
    const MdNode* d = &s->nodes[2];
    CHECK(md_node_muted(a) && a->solo && a->invert && a->n_sends == 1U && a->sends[0].pre_fader);
    CHECK(!md_node_muted(c) && !c->solo && !c->invert && c->n_sends == 1U && !c->sends[0].pre_fader);
    CHECK(md_node_muted(d) && !d->solo && d->invert);
    mixdown_session_free(s);
  }
  // `mute: 1` silences the track as `mute: true` does.
  TestMix muted;
  if (test_render_yaml("mixdown: 1\ntracks:\n  - {name: a, file: a.wav, mute: 1}\n", &muted)) {
    CHECK(muted.frames > 0U && test_peak_db(muted.left, muted.frames) < -200.0);
    test_mix_free(&muted);
  }
  expect_error("mixdown: 1\ntracks:\n  - {name: a, file: a.wav, mute: 2}\n", "3:34", "true or false (or 1 or 0)");
  expect_error("mixdown: 1\ntracks:\n  - {name: a, file: a.wav, solo: \"1\"}\n", "3:34", "true or false");
  expect_error("mixdown: 1\ntracks:\n  - {name: a, file: a.wav, invert: 0.5}\n", "3:36", "true or false");
}

/* ---- YAML anchors, aliases and merge keys (issue 15.15) ---------------- */

static void
test_alias_reuses_insert_chain(void)
{
  write_sources();
  const char* aliased = "mixdown: 1\n"
                        "x-vocal-chain: &vox\n"
                        "  - {type: eq, bands: [{type: highpass, freq: 80}]}\n"
                        "  - {type: compressor, threshold_db: -30, ratio: 4}\n"
                        "  - {type: gain, gain_db: -3}\n"
                        "tracks:\n"
                        "  - {name: a, file: a.wav, pan: -0.5, inserts: *vox}\n"
                        "  - {name: b, file: a.wav, pan: 0.5, inserts: *vox}\n";
  const char* written = "mixdown: 1\n"
                        "tracks:\n"
                        "  - {name: a, file: a.wav, pan: -0.5, inserts: [{type: eq, bands: [{type: highpass, freq: 80}]},"
                        " {type: compressor, threshold_db: -30, ratio: 4}, {type: gain, gain_db: -3}]}\n"
                        "  - {name: b, file: a.wav, pan: 0.5, inserts: [{type: eq, bands: [{type: highpass, freq: 80}]},"
                        " {type: compressor, threshold_db: -30, ratio: 4}, {type: gain, gain_db: -3}]}\n";
  MixdownSession* s = test_open_yaml(aliased);
  CHECK(s && s->nodes[0].n_inserts == 3U && s->nodes[1].n_inserts == 3U);
  mixdown_session_free(s);
  TestMix x;
  TestMix y;
  if (test_render_yaml(aliased, &x)) {
    if (test_render_yaml(written, &y)) {
      CHECK(x.frames > 0U && x.frames == y.frames);
      CHECK(x.frames == y.frames && !memcmp(x.left, y.left, x.frames * sizeof(float)) &&
            !memcmp(x.right, y.right, x.frames * sizeof(float)));
      CHECK(test_peak_db(x.left, x.frames) > -20.0); // not silence that happens to match
      test_mix_free(&y);
    }
    test_mix_free(&x);
  }
}

// `<<: *base` gives a mapping the keys it lacks; its own keys win, and of
// several merged mappings the first wins.
static void
test_merge_keys(void)
{
  write_sources();
  MixdownSession* s = test_open_yaml("mixdown: 1\n"
                                     "x-defaults: &defaults {gain_db: -6, pan: 0.25, mute: true}\n"
                                     "x-loud: &loud {gain_db: -1, invert: true}\n"
                                     "tracks:\n"
                                     "  - <<: *defaults\n"
                                     "    name: a\n"
                                     "    file: a.wav\n"
                                     "    mute: false\n"
                                     "  - {name: b, file: a.wav, <<: [*loud, *defaults]}\n"
                                     "  - {<<: {pan: -1}, name: c, file: a.wav, pan: 1}\n");
  CHECK(s != NULL);
  if (s) {
    const MdNode* a = &s->nodes[0];
    const MdNode* b = &s->nodes[1];
    const MdNode* c = &s->nodes[2];
    CHECK_NEAR(a->gain_db.value, -6.0, 0.0);
    CHECK_NEAR(a->pan.value, 0.25, 0.0);
    CHECK(!md_node_muted(a));
    CHECK_NEAR(b->gain_db.value, -1.0, 0.0); // *loud comes first
    CHECK_NEAR(b->pan.value, 0.25, 0.0);
    CHECK(b->invert && md_node_muted(b));
    CHECK_NEAR(c->pan.value, 1.0, 0.0);
    mixdown_session_free(s);
  }
  expect_error("mixdown: 1\nx-g: &g -3\ntracks:\n  - {name: a, file: a.wav, <<: *g}\n", "4:28",
               "`<<` merges a mapping or a list of mappings");
  // A merged key is checked like any other, at the line it is written.
  expect_error("mixdown: 1\nx-d: &d {gain_bd: -3}\ntracks:\n  - {<<: *d, name: a, file: a.wav}\n", "2:10",
               "did you mean `gain_db`?");
  // A key given twice is still an error, merge or not.
  expect_error("mixdown: 1\nx-d: &d {pan: 0}\ntracks:\n  - {<<: *d, name: a, file: a.wav, pan: 1, pan: 0}\n", "4:44",
               "given twice");
}

// An error inside an anchored node points at the anchor's lines, once,
// however many times it is used.
static void
test_alias_errors_point_at_anchor(void)
{
  write_sources();
  Diagnostics all;
  open_collecting("mixdown: 1\n"
                  "x-chain: &c [{type: compressor, ratio: 500}]\n"
                  "tracks:\n"
                  "  - {name: a, file: a.wav, inserts: *c}\n"
                  "  - {name: b, file: a.wav, inserts: *c}\n"
                  "  - {name: d, file: a.wav, inserts: *c}\n",
                  &all);
  CHECK_MSG(all.n == 1U, "%u diagnostics, expected 1", all.n);
  CHECK(all.n >= 1U && all.line[0] == 2U && strstr(all.message[0], "ratio"));
  expect_error("mixdown: 1\ntracks:\n  - {name: a, file: a.wav, inserts: *nowhere}\n", "3:37",
               "unknown alias `*nowhere`");
  // An alias may not name the node it is in.
  expect_error("mixdown: 1\nx-a: &a [1, *a]\ntracks:\n  - {name: a, file: a.wav}\n", "2:13", "unknown alias `*a`");
}

// Billion laughs: ten aliases of ten aliases … stop at the copy budget,
// quickly and with a message.
static void
test_alias_bomb_is_refused(void)
{
  char   yaml[2048];
  size_t used = (size_t)snprintf(yaml, sizeof yaml, "mixdown: 1\nx-0: &l0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n");
  for (int level = 1; level <= 9; ++level) {
    used += (size_t)snprintf(yaml + used, sizeof yaml - used, "x-%d: &l%d [", level, level);
    for (int i = 0; i < 10; ++i) {
      used += (size_t)snprintf(yaml + used, sizeof yaml - used, "%s*l%d", i ? ", " : "", level - 1);
    }
    used += (size_t)snprintf(yaml + used, sizeof yaml - used, "]\n");
  }
  snprintf(yaml + used, sizeof yaml - used, "tracks:\n  - {name: a, file: a.wav}\n");
  const clock_t started = clock();
  expect_error(yaml, "7:16", "aliases expand to more than 250000 nodes");
  const double cpu_s = (double)(clock() - started) / CLOCKS_PER_SEC;
  CHECK_MSG(cpu_s < 2.0, "refusing took %.2f s", cpu_s);
}

// `x-` keys at the top are the user's own: a place for anchors.
static void
test_extension_keys(void)
{
  write_sources();
  MixdownSession* s = test_open_yaml("mixdown: 1\nx-notes: mixed on a Tuesday\nx-gain: &g -3\n"
                                     "tracks:\n  - {name: a, file: a.wav, gain_db: *g}\n");
  CHECK(s && s->nodes[0].gain_db.value == -3.0);
  mixdown_session_free(s);
  expect_error("mixdown: 1\ntracks:\n  - {name: a, file: a.wav, x-note: hi}\n", "3:28", "unknown key `x-note`");
  expect_error("mixdown: 1\nchains: 1\ntracks:\n  - {name: a, file: a.wav}\n", "2:1", "x-… of your own");
}


// A chain of 50 000 buses (track → b0 → b1 → … → master) is validated on a
// thread with a 128 KiB stack (a musl thread's default): the routing check
// must not recurse once per bus.  A cycle through all of them is named.
enum { CHAIN_BUSES = 50000 };

typedef struct {
  char*           yaml;
  bool            cycle; ///< Expect errors: keep the first
  MixdownStatus   status;
  MixdownSession* session;
  char            first[1024];
} ChainJob;

static void*
open_chain(void* user)
{
  ChainJob* job = user;
  unsigned  count = 0U;
  if (job->cycle) {
    job->status = test_open_errors(job->yaml, job->first, sizeof job->first, &count);
  } else {
    job->status = mixdown_session_open_string(job->yaml, strlen(job->yaml), "<chain>", test_dir(), NULL, NULL,
                                              &job->session);
  }
  return NULL;
}

static char*
chain_yaml(bool cycle)
{
  const size_t size = 64U * CHAIN_BUSES + 256U;
  char*        yaml = malloc(size);
  size_t       used = (size_t)snprintf(yaml, size, "mixdown: 1\ntracks:\n  - {name: a, file: a.wav, output: b0}\nbuses:\n");
  for (int i = 0; i < CHAIN_BUSES; ++i) {
    if (i + 1 < CHAIN_BUSES) {
      used += (size_t)snprintf(yaml + used, size - used, "  - {name: b%d, output: b%d}\n", i, i + 1);
    } else {
      used += (size_t)snprintf(yaml + used, size - used, "  - {name: b%d, output: %s}\n", i, cycle ? "b0" : "master");
    }
  }
  return yaml;
}

static void
run_in_small_stack(ChainJob* job)
{
  pthread_attr_t attr;
  pthread_t      thread;
  pthread_attr_init(&attr);
  CHECK(pthread_attr_setstacksize(&attr, 128U * 1024U) == 0);
  CHECK(pthread_create(&thread, &attr, open_chain, job) == 0);
  pthread_join(thread, NULL);
  pthread_attr_destroy(&attr);
}

static void
test_long_bus_chain_small_stack(void)
{
  write_sources();
  ChainJob job = {.yaml = chain_yaml(false)};
  run_in_small_stack(&job);
  CHECK_MSG(job.status == MIXDOWN_SUCCESS, "status %s", mixdown_strerror(job.status));
  CHECK_MSG(job.session && job.session->n_nodes == CHAIN_BUSES + 2U, "%zu nodes", job.session ? job.session->n_nodes : 0U);
  mixdown_session_free(job.session);
  free(job.yaml);

  ChainJob loop = {.yaml = chain_yaml(true), .cycle = true};
  run_in_small_stack(&loop);
  CHECK(loop.status == MIXDOWN_ERR_SESSION);
  CHECK_MSG(strstr(loop.first, "routing cycle: b0 → b1 → b2") != NULL, "got `%s`", loop.first);
  free(loop.yaml);
}

// "BAR:BEAT" is digits only: no nan, inf, sign, space, exponent or hex,
// in a session and in a time given on the command line (--from, --to).
static void
test_positions_are_digits(void)
{
  write_sources();
  static const char* const bad[] = {"1:nan", "1:inf", "1:-1", "1: 2", "+1:1", "1:1e0", "1:0x1p1", "1:1.", "1:.5",
                                    ":1", "1:", "nan:1", "1:1:1"};
  MixdownSession* s = test_open_yaml("mixdown: 1\ntempo: 120\ntracks:\n  - {name: a, file: a.wav}\n");
  CHECK(s != NULL);
  for (size_t i = 0U; s && i < sizeof bad / sizeof bad[0]; ++i) {
    char   yaml[256];
    char   message[256] = "";
    double at           = -1.0;
    snprintf(yaml, sizeof yaml, "mixdown: 1\ntempo: 120\ntracks:\n  - {name: a, clips: [{file: a.wav, start: \"%s\"}]}\n",
             bad[i]);
    expect_error(yaml, "4:44", "is not a BAR:BEAT position");
    CHECK_MSG(mixdown_session_parse_time(s, bad[i], &at, message, sizeof message) == MIXDOWN_ERR_BAD_ARG,
              "`%s` read as %g s", bad[i], at);
  }
  double at      = 0.0;
  char   message[256];
  CHECK(s && mixdown_session_parse_time(s, "2:2.5", &at, message, sizeof message) == MIXDOWN_SUCCESS);
  CHECK_NEAR(at, 2.75, 1e-12); // 5.5 beats at 120 BPM
  CHECK(s && mixdown_session_parse_time(s, "1:5", &at, message, sizeof message) == MIXDOWN_ERR_BAD_ARG);
  mixdown_session_free(s);
}

static void
keep_first(void* user, const MixdownDiagnostic* d)
{
  char* first_error = user;
  if (!first_error[0]) {
    snprintf(first_error, 512U, "%u:%u: %s", d->line, d->column, d->message);
  }
}

// A file larger than the cap is refused at once, without reading it.
static void
test_session_size_cap(void)
{
  const char* path = test_path("huge.yaml");
  const int   fd   = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
  CHECK(fd >= 0 && ftruncate(fd, (off_t)MD_SESSION_MAX_BYTES + 1) == 0); // sparse: no disk used
  close(fd);
  char            first_error[512] = "";
  MixdownSession* s                = NULL;
  const clock_t   started          = clock();
  const MixdownStatus st           = mixdown_session_open_file(path, keep_first, first_error, &s);
  const double        cpu_s        = (double)(clock() - started) / CLOCKS_PER_SEC;
  CHECK(st == MIXDOWN_ERR_SESSION && !s);
  CHECK_MSG(strstr(first_error, "larger than 64 MiB") != NULL, "got `%s`", first_error);
  CHECK_MSG(cpu_s < 0.5, "refusing took %.2f s: was it read?", cpu_s);
  remove(path);
}

// A UTF-8 byte-order mark, CRLF line ends, and UTF-16 with its mark read
// as the same session; errors in them keep their lines and columns.
static void
test_bom_crlf_utf16(void)
{
  write_sources();
  static const char crlf[] = "\xEF\xBB\xBFmixdown: 1\r\ntracks:\r\n  - {name: a, file: a.wav, gain_db: -3}\r\n";
  MixdownSession*   s      = NULL;
  CHECK(mixdown_session_open_string(crlf, sizeof crlf - 1U, "<crlf>", test_dir(), NULL, NULL, &s) == MIXDOWN_SUCCESS);
  CHECK(s && s->nodes[0].gain_db.value == -3.0);
  mixdown_session_free(s);
  s = NULL;
  // The same text in UTF-16LE, with its mark.
  static const char ascii[] = "mixdown: 1\ntracks:\n  - {name: a, file: a.wav, gain_db: -3}\n";
  char              wide[2U * sizeof ascii + 2U];
  wide[0] = (char)0xFF;
  wide[1] = (char)0xFE;
  for (size_t i = 0U; i + 1U < sizeof ascii; ++i) {
    wide[2U + 2U * i]      = ascii[i];
    wide[2U + 2U * i + 1U] = 0;
  }
  CHECK(mixdown_session_open_string(wide, 2U * sizeof ascii, "<utf16>", test_dir(), NULL, NULL, &s) == MIXDOWN_SUCCESS);
  CHECK(s && s->nodes[0].gain_db.value == -3.0);
  mixdown_session_free(s);
  expect_error("mixdown: 1\r\ntracks:\r\n  - {name: a, file: a.wav, gain_db: 99}\r\n", "3:37", "out of range");
}

// `length: auto` ends the mix after the longest tail an insert may ring
// for: a reverb whose `decay_s` is automated from 0.1 s up to 3 s rings
// for the 3 s, not for the first value (the tail was cut at -39 dBFS).
static void
test_auto_length_takes_the_longest_tail(void)
{
  write_sources(); // a.wav: 0.5 s of 1 kHz at -6 dBFS
  TestMix mix;
  CHECK(test_render_yaml("mixdown: 1\nlength: auto\ntracks:\n  - name: a\n    file: a.wav\n"
                         "    inserts: [{type: reverb, mix: 1, decay_s: {points: [[0, 0.1], [0.3, 3]]}}]\n",
                         &mix));
  const uint64_t last = mix.frames / 20U; // the last 5 %
  CHECK_MSG(mix.frames >= (uint64_t)(3.0 * 48000.0), "the mix is %.3f s", (double)mix.frames / 48000.0);
  const double end_db = test_peak_db(mix.left + mix.frames - last, last);
  CHECK_MSG(end_db < -60.0, "the tail is cut at %.1f dBFS (%.3f s)", end_db, (double)mix.frames / 48000.0);
  test_mix_free(&mix);
}

// A document of more values than MD_YAML_MAX_NODES stops there: 30
// million one-digit items (60 MB) cost 3.1 GB and 29 s before the cap.
static void
test_node_cap(void)
{
  const size_t n    = (size_t)MD_YAML_MAX_NODES + 1U;
  const size_t size = 2U * n + 128U;
  char*        yaml = malloc(size);
  CHECK(yaml != NULL);
  if (!yaml) {
    return;
  }
  size_t used = (size_t)snprintf(yaml, size, "mixdown: 1\nx-a: [");
  for (size_t i = 0U; i < n; ++i) {
    yaml[used++] = '1';
    yaml[used++] = ',';
  }
  snprintf(yaml + used - 1U, size - used + 1U, "]\ntracks:\n  - {name: a, file: a.wav}\n");
  // The root, `mixdown`, 1, `x-a` and the list are 5 nodes: item 3 999 996 is one too many.
  expect_error(yaml, "2:7999997", "the session holds more than 4000000 values");
  free(yaml);
}

// Solo in place through a chain whose buses are declared against the flow
// (a → b2 → b1 → b0, b0 soloed): the marks travel in run order, one pass
// each way, whatever the order the buses are written in.  A track that
// only reaches master is muted by the solo.
static void
test_solo_through_a_chain_declared_backwards(void)
{
  test_write_dc(test_path("dc.wav"), 0.25f, 0.2, 1U, 48000U);
  TestMix mix;
  CHECK(test_render_yaml("mixdown: 1\ntracks:\n  - {name: a, file: dc.wav, output: b2, pan_law: 0}\n"
                         "  - {name: c, file: dc.wav, pan_law: 0}\n"
                         "buses:\n  - {name: b0, solo: true}\n  - {name: b1, output: b0}\n  - {name: b2, output: b1}\n",
                         &mix));
  CHECK(mix.frames > 4800U);
  CHECK_NEAR(mix.left[4800], 0.25, 1e-4); // a alone: c is not heard
  test_mix_free(&mix);
}

const TestCase session_tests[] = {
  {"session: YAML and JSON render the same", test_valid_yaml_and_json_agree},
  {"session: unknown key suggests the nearest", test_unknown_key_suggests_nearest},
  {"session: out of range names the range", test_out_of_range_names_range},
  {"session: wrong types", test_wrong_types},
  {"session: unknown bus and type names suggest", test_unknown_names_suggest},
  {"session: routing cycle is named", test_routing_cycle_is_named},
  {"session: missing source file", test_missing_file},
  {"session: musical time needs a tempo", test_musical_time_needs_tempo},
  {"session: every error is reported", test_all_errors_reported},
  {"session: syntax error has a position", test_syntax_error_has_position},
  {"session: envelope with BAR:BEAT times", test_envelope_parsed_with_musical_times},
  {"session: envelope points out of order", test_envelope_out_of_order},
  {"session: duplicate names", test_duplicate_names},
  {"session: a tab in the indentation is named", test_tab_indentation},
  {"session: errors and warnings in line order", test_errors_in_line_order},
  {"session: a missing source suggests the nearest file", test_missing_source_nearest_file},
  {"session: booleans take 1 and 0", test_booleans_take_1_and_0},
  {"session: an alias reuses an insert chain", test_alias_reuses_insert_chain},
  {"session: merge keys with overrides", test_merge_keys},
  {"session: errors in an alias point at its anchor, once", test_alias_errors_point_at_anchor},
  {"session: an alias bomb is refused", test_alias_bomb_is_refused},
  {"session: x- keys at the top hold anchors", test_extension_keys},
  {"session: 50 000 chained buses in a 128 KiB stack", test_long_bus_chain_small_stack},
  {"session: BAR:BEAT positions are digits only", test_positions_are_digits},
  {"session: a file over the size cap is refused unread", test_session_size_cap},
  {"session: BOM, CRLF and UTF-16", test_bom_crlf_utf16},
  {"session: more values than the node cap are refused", test_node_cap},
  {"session: solo through a chain declared backwards", test_solo_through_a_chain_declared_backwards},
  {"session: length auto takes an automated reverb's longest tail", test_auto_length_takes_the_longest_tail},
  {NULL, NULL},
};
