// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// A recorded take keeps the user's file (issue 18.5): md_recorder_write()
// sets each moved parameter by its address through the editor, so the
// take is the session's text with only the moved values' lines changed —
// comments, blank lines, key order, quoting, block and flow, JSON and CR LF
// kept.  Each take is compared byte for byte with the text it must be, and
// opened as `mixdown check` opens it.  An edit the editor refuses (an
// anchored value, a value out of range) costs its own moves alone and is
// said in the take's note.  The envelope math is live/record_tree.c's,
// measured by test_live.c and tests/cli/test_take.sh.

#include "support.h"

#include "dsp/processor.h"
#include "live/control.h"
#include "live/record.h"
#include "session/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define RATE    48000U
#define GLIDE_S (256.0 / RATE)

// The first line (from 1) where `a` and `b` differ, for a failure's message.
static unsigned
first_different_line(const char* a, const char* b)
{
  unsigned line = 1U;
  for (; *a && *a == *b; ++a, ++b) {
    line += *a == '\n';
  }
  return line;
}

// Records `moves` over the session `text` (written to `name` in the test
// folder) and writes the take to `take`: returns the report; `*session`
// is the session played (the caller frees it), NULL on failure.
static MdRecordReport
record(const char* name, const char* text, const MdAppliedMove* moves, size_t n_moves, const char* take,
       MixdownSession** session)
{
  MdRecordReport report = {0};
  test_write_text(test_path(name), text);
  *session = NULL;
  CHECK(mixdown_session_open_file(test_path(name), NULL, NULL, session) == MIXDOWN_SUCCESS);
  if (!*session) {
    return report;
  }
  MdRecorder* rec = md_recorder_new(RATE);
  char        why[512];
  CHECK_MSG(md_recorder_keep_session(rec, *session, why, sizeof why) == MIXDOWN_SUCCESS, "%s", why);
  for (size_t k = 0U; k < n_moves; ++k) {
    CHECK(md_recorder_add(rec, &moves[k]));
  }
  CHECK_MSG(md_recorder_write(rec, *session, RATE, GLIDE_S, take, &report, why, sizeof why) == MIXDOWN_SUCCESS, "%s",
            why);
  md_recorder_free(rec);
  return report;
}

// The take at `path` is `expected`, byte for byte, and opens as a session.
static void
check_take(const char* path, const char* expected)
{
  char* text = test_read_file(path, NULL);
  CHECK_MSG(text && !strcmp(text, expected), "the take differs from line %u:\n%s\nexpected:\n%s",
            text ? first_different_line(text, expected) : 0U, text ? text : "(none)", expected);
  free(text);
  MixdownSession* take = NULL;
  CHECK_MSG(mixdown_session_open_file(path, NULL, NULL, &take) == MIXDOWN_SUCCESS, "the take does not load");
  mixdown_session_free(take);
}

// The value slot of `param` (field `field` of item 1 when it is a list).
static uint32_t
slot_of(const MdProcessorClass* cls, const char* param, const char* field)
{
  const uint32_t index = (uint32_t)md_processor_param_index(cls, param);
  uint32_t       slot  = md_processor_value_offset(cls, index);
  if (field) {
    const MdParam* list = &cls->params[index];
    uint32_t       f    = 0U;
    while (strcmp(list->fields[f].info.name, field)) {
      ++f;
    }
    slot += 1U + f; // the count, then item 1's fields
  }
  return slot;
}

/* ------------------------------------------------------------------------ */
/* A commented, hand-formatted block session                                 */

static const char block_session[] =
  "# my song: the take test\n"
  "mixdown: 1\n"
  "sample_rate: 48000   # studio rate\n"
  "\n"
  "tracks:\n"
  "  - name: a        # lead\n"
  "    file: r.wav\n"
  "    gain_db: -3   # lead vocal\n"
  "    sends:\n"
  "      - to: fx\n"
  "        level_db: -10  # verb\n"
  "    inserts:\n"
  "      - type: eq\n"
  "        bands: [{type: bell, freq: 1000, gain_db: 0}]   # presence\n"
  "      - {type: saturation, mode: soft}\n"
  "  - name: b\n"
  "    file: 'r.wav'\n"
  "    pan: 0\n"
  "\n"
  "buses:\n"
  "  - {name: fx, pan: {points: [[0, -1], [2, 1]]}}   # the room\n";

// Lines 8, 11, 14, 15, 18 and 21 change (the comment of line 8 moves to
// its key's line); the master, not written, is added at the end.
static const char block_take[] =
  "# my song: the take test\n"
  "mixdown: 1\n"
  "sample_rate: 48000   # studio rate\n"
  "\n"
  "tracks:\n"
  "  - name: a        # lead\n"
  "    file: r.wav\n"
  "    gain_db:   # lead vocal\n"
  "      points:\n"
  "        - [0, -3]\n"
  "        - [0.5, -3]\n"
  "        - [0.5053333333, -10]\n"
  "        - [1, -10]\n"
  "        - [1.005333333, -20]\n"
  "      curve: linear\n"
  "    sends:\n"
  "      - to: fx\n"
  "        level_db: {points: [[0, -10], [0.25, -10], [0.2553333333, 0]], curve: linear}  # verb\n"
  "    inserts:\n"
  "      - type: eq\n"
  "        bands: [{type: bell, freq: 1000, gain_db: {points: [[0, 0], [0.75, 0], [0.7553333333, 6]], curve: linear}}]   # presence\n"
  "      - {type: saturation, mode: hard}\n"
  "  - name: b\n"
  "    file: 'r.wav'\n"
  "    pan: {points: [[0, 0], [1, 0], [1.005333333, 0.5]], curve: linear}\n"
  "\n"
  "buses:\n"
  "  - {name: fx, pan: {points: [[0, -1], [1, 0], [1.005333333, 0.5]], curve: linear}}   # the room\n"
  "master: {gain_db: {points: [[0, 0], [0.5, 0], [0.5053333333, -6]], curve: linear}}\n";

static void
test_block_session_keeps_every_other_byte(void)
{
  test_write_dc(test_path("r.wav"), 0.5f, 2.0, 1U, RATE);
  MixdownSession* s = NULL;
  test_write_text(test_path("block.yaml"), block_session);
  CHECK(mixdown_session_open_file(test_path("block.yaml"), NULL, NULL, &s) == MIXDOWN_SUCCESS);
  if (!s) {
    return;
  }
  const uint32_t band_gain = slot_of(s->nodes[0].inserts[0].cls, "bands", "gain_db");
  const uint32_t mode      = slot_of(s->nodes[0].inserts[1].cls, "mode", NULL);
  const uint32_t master    = s->n_nodes - 1U;
  mixdown_session_free(s);
  const MdAppliedMove moves[] = {
    {{MD_LIVE_GAIN_DB, 0U, 0U, 0U, -10.0}, 24000},      {{MD_LIVE_GAIN_DB, 0U, 0U, 0U, -20.0}, 48000},
    {{MD_LIVE_SEND_DB, 0U, 0U, 0U, 0.0}, 12000},        {{MD_LIVE_INSERT, 0U, 0U, band_gain, 6.0}, 36000},
    {{MD_LIVE_INSERT, 0U, 1U, mode, 3.0}, 40000},       {{MD_LIVE_PAN, 1U, 0U, 0U, 0.5}, 48000},
    {{MD_LIVE_SOLO, 1U, 0U, 0U, 1.0}, 50000},           {{MD_LIVE_PAN, 2U, 0U, 0U, 0.5}, 48000},
    {{MD_LIVE_GAIN_DB, master, 0U, 0U, -6.0}, 24000},
  };
  const MdRecordReport report =
    record("block.yaml", block_session, moves, sizeof moves / sizeof moves[0], test_path("block-take.yaml"), &s);
  CHECK_MSG(report.envelopes == 6U && report.moves == 7U && report.constants == 1U && report.switches == 1U &&
              report.unplaced == 0U && report.refused == 0U,
            "envelopes %zu moves %zu constants %zu switches %zu unplaced %zu refused %zu", report.envelopes,
            report.moves, report.constants, report.switches, report.unplaced, report.refused);
  CHECK_MSG(!strcmp(report.note, "/track/a/insert/2/mode moved 1 time: written as its last value, hard, from the start"),
            "%s", report.note);
  check_take(test_path("block-take.yaml"), block_take);
  mixdown_session_free(s);
}

/* ------------------------------------------------------------------------ */
/* JSON, CR LF, another folder                                               */

// Track a's fader twice, its send once, track b's pan once.
static const MdAppliedMove strip_moves[] = {
  {{MD_LIVE_GAIN_DB, 0U, 0U, 0U, -10.0}, 24000}, {{MD_LIVE_GAIN_DB, 0U, 0U, 0U, -20.0}, 48000},
  {{MD_LIVE_SEND_DB, 0U, 0U, 0U, 0.0}, 12000},   {{MD_LIVE_PAN, 1U, 0U, 0U, 0.5}, 48000},
};
#define N_STRIP_MOVES (sizeof strip_moves / sizeof strip_moves[0])

static void
test_json_session_stays_json(void)
{
  test_write_dc(test_path("r.wav"), 0.5f, 2.0, 1U, RATE);
  static const char session[] = "{\n"
                                "  \"mixdown\": 1,\n"
                                "  \"sample_rate\": 48000,\n"
                                "  \"tracks\": [\n"
                                "    {\"name\": \"a\", \"file\": \"r.wav\", \"gain_db\": -3,\n"
                                "     \"sends\": [{\"to\": \"fx\", \"level_db\": -10}]},\n"
                                "    {\"name\": \"b\", \"file\": \"r.wav\"}\n"
                                "  ],\n"
                                "  \"buses\": [{\"name\": \"fx\"}]\n"
                                "}\n";
  static const char expected[] =
    "{\n"
    "  \"mixdown\": 1,\n"
    "  \"sample_rate\": 48000,\n"
    "  \"tracks\": [\n"
    "    {\"name\": \"a\", \"file\": \"r.wav\", \"gain_db\": {\"points\": [[0, -3], [0.5, -3], [0.5053333333, -10], "
    "[1, -10], [1.005333333, -20]], \"curve\": \"linear\"},\n"
    "     \"sends\": [{\"to\": \"fx\", \"level_db\": {\"points\": [[0, -10], [0.25, -10], [0.2553333333, 0]], "
    "\"curve\": \"linear\"}}]},\n"
    "    {\"name\": \"b\", \"file\": \"r.wav\", \"pan\": {\"points\": [[0, 0], [1, 0], [1.005333333, 0.5]], "
    "\"curve\": \"linear\"}}\n"
    "  ],\n"
    "  \"buses\": [{\"name\": \"fx\"}]\n"
    "}\n";
  MixdownSession*      s      = NULL;
  const MdRecordReport report = record("json.json", session, strip_moves, N_STRIP_MOVES, test_path("json-take.json"), &s);
  CHECK(report.envelopes == 3U && report.moves == 4U && !report.note[0]);
  check_take(test_path("json-take.json"), expected);
  mixdown_session_free(s);
}

static void
test_crlf_session_keeps_its_line_ends(void)
{
  test_write_dc(test_path("r.wav"), 0.5f, 2.0, 1U, RATE);
  static const char session[] = "mixdown: 1\r\n"
                                "# windows line ends\r\n"
                                "tracks:\r\n"
                                "  - name: a\r\n"
                                "    file: r.wav\r\n"
                                "    gain_db: -3\r\n"
                                "    sends:\r\n"
                                "      - {to: fx, level_db: -10}\r\n"
                                "  - name: b\r\n"
                                "    file: r.wav\r\n"
                                "buses:\r\n"
                                "  - name: fx\r\n";
  static const char expected[] =
    "mixdown: 1\r\n"
    "# windows line ends\r\n"
    "tracks:\r\n"
    "  - name: a\r\n"
    "    file: r.wav\r\n"
    "    gain_db:\r\n"
    "      points:\r\n"
    "        - [0, -3]\r\n"
    "        - [0.5, -3]\r\n"
    "        - [0.5053333333, -10]\r\n"
    "        - [1, -10]\r\n"
    "        - [1.005333333, -20]\r\n"
    "      curve: linear\r\n"
    "    sends:\r\n"
    "      - {to: fx, level_db: {points: [[0, -10], [0.25, -10], [0.2553333333, 0]], curve: linear}}\r\n"
    "  - name: b\r\n"
    "    file: r.wav\r\n"
    "    pan: {points: [[0, 0], [1, 0], [1.005333333, 0.5]], curve: linear}\r\n"
    "buses:\r\n"
    "  - name: fx\r\n";
  MixdownSession*      s      = NULL;
  const MdRecordReport report = record("crlf.yaml", session, strip_moves, N_STRIP_MOVES, test_path("crlf-take.yaml"), &s);
  CHECK(report.envelopes == 3U && report.moves == 4U && !report.note[0]);
  check_take(test_path("crlf-take.yaml"), expected);
  mixdown_session_free(s);
}

// A take in another folder reads the same files: its relative paths (the
// clips, the output) are rewritten, absolute ones kept, nothing else
// changed but the moves.
static void
test_take_in_another_folder_keeps_its_paths_working(void)
{
  test_write_dc(test_path("r.wav"), 0.5f, 2.0, 1U, RATE);
  char absolute[512];
  snprintf(absolute, sizeof absolute, "%s", test_path("r.wav"));
  CHECK(absolute[0] == '/');
  char session[1024], expected[2048];
  snprintf(session, sizeof session,
           "mixdown: 1\n"
           "tracks:\n"
           "  - name: a\n"
           "    file: r.wav   # the source\n"
           "    gain_db: -3\n"
           "    sends: [{to: fx}]\n"
           "  - {name: b, file: \"%s\", mute: true}\n"
           "buses:\n"
           "  - {name: fx}\n"
           "output: {file: mix.wav}\n",
           absolute);
  snprintf(expected, sizeof expected,
           "mixdown: 1\n"
           "tracks:\n"
           "  - name: a\n"
           "    file: ../r.wav   # the source\n"
           "    gain_db:\n"
           "      points:\n"
           "        - [0, -3]\n"
           "        - [0.5, -3]\n"
           "        - [0.5053333333, -10]\n"
           "        - [1, -10]\n"
           "        - [1.005333333, -20]\n"
           "      curve: linear\n"
           "    sends: [{to: fx, level_db: {points: [[0, 0], [0.25, 0], [0.2553333333, 0]], curve: linear}}]\n"
           "  - {name: b, file: \"%s\", mute: true, pan: {points: [[0, 0], [1, 0], [1.005333333, 0.5]], curve: linear}}\n"
           "buses:\n"
           "  - {name: fx}\n"
           "output: {file: ../mix.wav}\n",
           absolute);
  mkdir(test_path("takes"), 0755);
  char take[600];
  snprintf(take, sizeof take, "%s/moved.yaml", test_path("takes"));
  MixdownSession*      s      = NULL;
  const MdRecordReport report = record("here.yaml", session, strip_moves, N_STRIP_MOVES, take, &s);
  CHECK(report.envelopes == 3U && report.moves == 4U && !report.note[0]);
  check_take(take, expected);
  mixdown_session_free(s);
}

/* ------------------------------------------------------------------------ */
/* Refused edits                                                             */

// An anchored value (its edit would change every copy) and a value the
// validator refuses (out of range: impossible live, where moves are
// clamped, but a take must never hold one): each costs its own moves, is
// said in the note with why, and the take is written, valid, with the
// other moves; the refused values' lines are as they were.
static void
test_refused_edits_cost_themselves_only(void)
{
  test_write_dc(test_path("r.wav"), 0.5f, 2.0, 1U, RATE);
  static const char session[] = "mixdown: 1\n"
                                "tracks:\n"
                                "  - {name: a, file: r.wav, gain_db: &level -6, sends: [{to: fx}]}\n"
                                "  - {name: b, file: r.wav, pan: 0.25}\n"
                                "buses:\n"
                                "  - {name: fx, gain_db: *level}\n";
  static const char expected[] =
    "mixdown: 1\n"
    "tracks:\n"
    "  - {name: a, file: r.wav, gain_db: &level -6, sends: [{to: fx, level_db: {points: [[0, 0], [0.25, 0], "
    "[0.2553333333, 0]], curve: linear}}]}\n"
    "  - {name: b, file: r.wav, pan: 0.25}\n"
    "buses:\n"
    "  - {name: fx, gain_db: *level}\n";
  const MdAppliedMove moves[] = {
    {{MD_LIVE_GAIN_DB, 0U, 0U, 0U, -10.0}, 24000}, {{MD_LIVE_GAIN_DB, 0U, 0U, 0U, -20.0}, 48000}, // anchored
    {{MD_LIVE_GAIN_DB, 2U, 0U, 0U, -1.0}, 24000},                                                // a copy
    {{MD_LIVE_PAN, 1U, 0U, 0U, 5.0}, 48000},                                                     // out of range
    {{MD_LIVE_SEND_DB, 0U, 0U, 0U, 0.0}, 12000},
  };
  MixdownSession*      s      = NULL;
  const MdRecordReport report =
    record("anchored.yaml", session, moves, sizeof moves / sizeof moves[0], test_path("anchored-take.yaml"), &s);
  CHECK_MSG(report.envelopes == 1U && report.moves == 1U && report.refused == 4U && report.unplaced == 0U,
            "envelopes %zu moves %zu refused %zu unplaced %zu", report.envelopes, report.moves, report.refused,
            report.unplaced);
  CHECK_MSG(strstr(report.note, "/track/a/gain_db: the value at line 3 carries an anchor (&level)") &&
              strstr(report.note, "2 moves not written") && strstr(report.note, "/bus/fx/gain_db: ") &&
              strstr(report.note, "/track/b/pan: `pan` is 5, out of range: valid range is -1 … 1; 1 move not written"),
            "%s", report.note);
  check_take(test_path("anchored-take.yaml"), expected);
  mixdown_session_free(s);
}

const TestCase take_tests[] = {
  {"take: a commented block session: only the moved values' lines change, byte for byte; it loads",
   test_block_session_keeps_every_other_byte},
  {"take: a JSON session stays JSON, its layout kept; only the moved values change", test_json_session_stays_json},
  {"take: a CR LF session keeps its line ends, the envelopes' new lines too", test_crlf_session_keeps_its_line_ends},
  {"take: in another folder, relative paths rewritten to read the same files, absolute ones kept",
   test_take_in_another_folder_keeps_its_paths_working},
  {"take: an anchored value and one out of range are refused, each costing its own moves, said why; the take is valid",
   test_refused_edits_cost_themselves_only},
  {NULL, NULL},
};
