// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// src/assist's frame: options read against a table (ranges, units, switches,
// choices, nearest names), band energies (a sine's mean square in its band,
// the K filter's known gains), band edges, envelopes written for the editor,
// the assistant's own insert found for a re-run, and every write listed in
// the report.

#include "support.h"

#include "assist/assist.h"
#include "assist/assist_args.h"
#include "assist/bands.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char* const modes[] = {"fast", "slow", NULL};

static const MixdownParamInfo test_options[] = {
  {"depth", "dB", "How far down", MIXDOWN_PARAM_NUMBER, 0.0, 40.0, 12.0, NULL},
  {"fix", "", "Write the fix", MIXDOWN_PARAM_BOOL, 0.0, 1.0, 0.0, NULL},
  {"mode", "", "How", MIXDOWN_PARAM_CHOICE, 0.0, 1.0, 0.0, modes},
  {"bed", "", "The bed", MIXDOWN_PARAM_NODE, 0.0, 0.0, 0.0, NULL},
};

static MixdownStatus
run_nothing(AssistContext* ctx)
{
  (void)ctx;
  return MIXDOWN_SUCCESS;
}

static const AssistKind test_kind = {"test", "A table to read", test_options, 4U, run_nothing};

static MixdownStatus
read_args(AssistValue* values, const MixdownAssistArg* args, uint32_t n, char* message, size_t size)
{
  memset(values, 0, 4U * sizeof *values);
  AssistContext ctx = {.kind = &test_kind, .values = values, .message = message, .message_size = size};
  message[0]        = '\0';
  return assist_read_args(&ctx, args, n);
}

static void
test_assist_options(void)
{
  AssistValue values[4];
  char        message[256];
  // Defaults first, then what is given; a unit after the number is allowed.
  CHECK(read_args(values, NULL, 0, message, sizeof message) == MIXDOWN_SUCCESS);
  CHECK(values[0].number == 12.0 && !values[0].given && values[1].number == 0.0);
  const MixdownAssistArg good[] = {{"depth", "18dB"}, {"fix", NULL}, {"mode", "slow"}, {"bed", "music"}};
  CHECK(read_args(values, good, 4, message, sizeof message) == MIXDOWN_SUCCESS);
  CHECK(values[0].number == 18.0 && values[1].number == 1.0 && values[2].number == 1.0);
  CHECK(values[3].given && !strcmp(values[3].text, "music"));
  // Out of range, not a number, NaN, a wrong unit: refused with the range.
  const char* bad[] = {"41", "-1", "deep", "nan", "inf", "12 Hz", ""};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
    const MixdownAssistArg a = {"depth", bad[i]};
    CHECK_MSG(read_args(values, &a, 1, message, sizeof message) == MIXDOWN_ERR_BAD_ARG, "%s accepted", bad[i]);
    CHECK_MSG(strstr(message, "from 0 to 40 dB") != NULL, "%s: %s", bad[i], message);
  }
  // An unknown option or choice gets the nearest name; twice is refused.
  const MixdownAssistArg typo = {"dpeth", "3"};
  CHECK(read_args(values, &typo, 1, message, sizeof message) == MIXDOWN_ERR_BAD_ARG);
  CHECK_MSG(strstr(message, "did you mean --depth?") != NULL, "%s", message);
  const MixdownAssistArg choice = {"mode", "slwo"};
  CHECK(read_args(values, &choice, 1, message, sizeof message) == MIXDOWN_ERR_BAD_ARG);
  CHECK_MSG(strstr(message, "fast, slow") && strstr(message, "did you mean slow?"), "%s", message);
  const MixdownAssistArg twice[] = {{"depth", "3"}, {"depth", "4"}};
  CHECK(read_args(values, twice, 2, message, sizeof message) == MIXDOWN_ERR_BAD_ARG);
  const MixdownAssistArg sw = {"fix", "maybe"};
  CHECK(read_args(values, &sw, 1, message, sizeof message) == MIXDOWN_ERR_BAD_ARG);
  // Lists of names.
  char**       items = NULL;
  const size_t n     = assist_split_list("vox,,guest,", &items);
  CHECK(n == 2U && !strcmp(items[0], "vox") && !strcmp(items[1], "guest"));
  assist_free_list(items, n);
  CHECK(assist_split_list("", &items) == 0U && items == NULL);
}

static double
band_power_db(uint32_t rate, double freq, bool k_weighted)
{
  double       edges[2] = {freq / 1.5, freq * 1.5};
  AssistBands* b        = assist_bands_new(rate, 4096U, edges, 1U, k_weighted);
  if (!b) {
    return NAN;
  }
  enum { N = 48000 };
  static float x[N];
  for (uint32_t i = 0; i < N; ++i) {
    x[i] = (float)(0.5 * sin(2.0 * M_PI * freq * i / rate)); // −6.02 dBFS: mean square 0.125
  }
  assist_bands_feed(b, x, NULL, N);
  double mean = 0.0;
  assist_bands_mean(b, &mean);
  const uint64_t frames = assist_bands_frames(b);
  assist_bands_free(b);
  return frames ? 10.0 * log10(mean) : NAN;
}

static void
test_assist_bands(void)
{
  // A sine's mean square, whatever the rate and where it falls between bins.
  const double expected = 10.0 * log10(0.125);
  const double freqs[]  = {100.0, 997.0, 4321.0};
  for (size_t i = 0; i < 3; ++i) {
    const double got = band_power_db(48000U, freqs[i], false);
    CHECK_MSG(fabs(got - expected) < 0.05, "%g Hz: %.3f dB, expected %.3f", freqs[i], got, expected);
  }
  CHECK(fabs(band_power_db(44100U, 997.0, false) - expected) < 0.05);
  // The K filter: +0.69 dB at 1 kHz (why BS.1770 subtracts 0.691), about
  // +4 dB in the highs, and the high-pass far down at 10 Hz.
  const double k1k = 10.0 * log10(assist_k_weight_power(1000.0, 48000U));
  CHECK_MSG(fabs(k1k - 0.691) < 0.02, "K at 1 kHz: %.3f dB", k1k);
  const double k10k = 10.0 * log10(assist_k_weight_power(10000.0, 48000U));
  CHECK_MSG(k10k > 3.5 && k10k < 4.3, "K at 10 kHz: %.3f dB", k10k);
  CHECK(10.0 * log10(assist_k_weight_power(10.0, 48000U)) < -20.0);
  CHECK(fabs(10.0 * log10(assist_k_weight_power(1000.0, 96000U)) - 0.691) < 0.03);
  CHECK(fabs(band_power_db(48000U, 997.0, true) - expected - k1k) < 0.06);
  // Third octaves: ISO centres, adjacent edges; Bark: Zwicker's, cut at Nyquist.
  double       edges[40], centres[40];
  const uint32_t n = assist_third_octave_edges(50.0, 16000.0, edges, centres, 40U);
  CHECK_MSG(n == 26U, "%u third octaves from 50 Hz to 16 kHz", n);
  CHECK(fabs(centres[0] - 49.6) < 0.1 && fabs(centres[n - 1U] - 16000.0) < 30.0);
  CHECK(fabs(edges[1] / edges[0] - pow(2.0, 1.0 / 3.0)) < 1e-9);
  CHECK(assist_bark_edges(48000U, edges, 25U) == 24U && edges[24] == 15500.0);
  CHECK(assist_bark_edges(16000U, edges, 25U) == 22U && edges[22] == 8000.0);
  CHECK(fabs(assist_hz_to_bark(1000.0) - 8.5) < 0.1);
  CHECK(!assist_bands_new(48000U, 1000U, edges, 1U, false)); // not a power of two
}

static const char session_text[] = "mixdown: 1\n"
                                   "tracks:\n"
                                   "  - name: bed\n"
                                   "    inserts:\n"
                                   "      - {type: eq, bands: [{type: bell, freq: 200, gain_db: -2}]}\n"
                                   "      - {type: gain, gain_db: {points: [[0, 0], [1, -12]], curve: linear}}\n"
                                   "  - name: vox/lead\n"
                                   "    inserts: [{type: gain, gain_db: -3}]\n"
                                   "output: {file: mix.wav}\n";

static void
test_assist_writes(void)
{
  MixdownEditor* editor = NULL;
  CHECK(mixdown_editor_open_string(session_text, sizeof session_text - 1U, "s.yaml", ".", NULL, NULL, &editor) ==
        MIXDOWN_SUCCESS);
  if (!editor) {
    return;
  }
  char          message[256] = "";
  AssistContext ctx          = {.editor = editor, .kind = &test_kind, .report = json_object(),
                                .message = message, .message_size = sizeof message};
  json_object_set_new(ctx.report, "writes", json_array());
  // A strip by name, with its escaped address and its stem; a typo's nearest.
  AssistStrip strip;
  CHECK(assist_find_strip(&ctx, "key", "vox/lead", &strip) && !strcmp(strip.address, "/track/vox%2Flead") &&
        strip.stem == 1U);
  assist_strip_free(&strip);
  CHECK(!assist_find_strip(&ctx, "bed", "bde", &strip) && strstr(message, "did you mean bed?"));
  CHECK(assist_find_strip(&ctx, "bed", "master", &strip) && strip.kind == ASSIST_MASTER);
  assist_strip_free(&strip);
  // The own insert: the last, of the type, enveloped; a constant gain is the user's.
  CHECK(assist_own_insert(&ctx, "/track/bed", "gain", "gain_db") == 2U);
  CHECK(assist_own_insert(&ctx, "/track/bed", "eq", NULL) == 0U);
  CHECK(assist_own_insert(&ctx, "/track/vox%2Flead", "gain", "gain_db") == 0U);
  CHECK(assist_own_insert(&ctx, "/track/vox%2Flead", "gain", NULL) == 1U);
  // An envelope in few characters; written, read back, listed in the report.
  const AssistPoint points[] = {{0.0, 0.0}, {1.25, -12.004}, {2.5, -12.0}, {3.0, -0.0}};
  char*             yaml     = assist_envelope_yaml(points, 4U, 3, 2);
  CHECK_MSG(yaml && !strcmp(yaml, "{points: [[0, 0], [1.25, -12], [2.5, -12], [3, 0]], curve: linear}"), "%s",
            yaml ? yaml : "NULL");
  CHECK(assist_set(&ctx, "/track/bed/insert/2/gain_db", yaml) == MIXDOWN_SUCCESS);
  free(yaml);
  CHECK(assist_set_number(&ctx, "/track/vox%2Flead/gain_db", -0.001, 2) == MIXDOWN_SUCCESS);
  CHECK(assist_append(&ctx, "/track/bed/inserts", "{type: gain, gain_db: 1}") == MIXDOWN_SUCCESS);
  CHECK(assist_set(&ctx, "/track/bed/gain_db", "99") == MIXDOWN_ERR_SESSION); // out of range: refused
  json_t* writes = json_object_get(ctx.report, "writes");
  CHECK(json_array_size(writes) == 3U);
  CHECK(!strcmp(json_string_value(json_object_get(json_array_get(writes, 1), "value")), "0"));
  char* diff = mixdown_editor_diff(editor);
  CHECK(diff && strstr(diff, "+      - {type: gain, gain_db: {points: [[0, 0], [1.25, -12]") != NULL);
  free(diff);
  json_decref(ctx.report);
  free(ctx.text);
  mixdown_editor_free(editor);
}

static void
test_assist_public_tables(void)
{
  // Every assistant's options are readable through the public API, and
  // an unknown assistant is refused with the nearest name.
  for (uint32_t i = 0; i < mixdown_assistant_count(); ++i) {
    CHECK(mixdown_assistant_name(i) && mixdown_assistant_description(i));
    for (uint32_t o = 0; o < mixdown_assistant_option_count(i); ++o) {
      const MixdownParamInfo* p = mixdown_assistant_option(i, o);
      CHECK(p && p->name && p->unit && p->description);
      // a NaN default is "auto": the assistant computes it (duck's --depth)
      CHECK(p->kind != MIXDOWN_PARAM_NUMBER || isnan(p->default_value) ||
            (p->min <= p->default_value && p->default_value <= p->max));
    }
    CHECK(mixdown_assistant_option(i, mixdown_assistant_option_count(i)) == NULL);
  }
  CHECK(mixdown_assistant_name(mixdown_assistant_count()) == NULL);
  char message[128];
  CHECK(mixdown_assist(NULL, "nosuch", NULL, NULL, NULL, message, sizeof message) == MIXDOWN_ERR_BAD_ARG);
  CHECK(strstr(message, "no assistant nosuch") != NULL);
}

const TestCase assist_frame_tests[] = {
  {"assist: options are read against their table, with ranges and nearest names", test_assist_options},
  {"assist: band energies measure a sine's mean square; the K filter's known gains", test_assist_bands},
  {"assist: strips by name, the own insert of a re-run, every write in the report", test_assist_writes},
  {"assist: the public tables of every assistant", test_assist_public_tables},
  {NULL, NULL},
};
