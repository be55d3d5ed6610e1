// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Session parsing and validation: every error names its line and column and
// the valid range or the nearest valid name.

#include "support.h"

#include "session/model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

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
  {NULL, NULL},
};
