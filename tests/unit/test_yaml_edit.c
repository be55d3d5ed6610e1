// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// session/yaml_edit.c: edits of a session's text that keep every byte that
// did not change — spans, numbers, replacing values, keys.  Each test checks
// the WHOLE text after its edits against the expected text, byte for byte,
// and that it reads back with the values intended.  (Lists and refusals:
// test_yaml_edit_lists.c.)

#include "session/yaml_access.h"
#include "session/yaml_edit.h"
#include "session/yaml_write.h"
#include "yaml_edit_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// The bytes a node spans.
static bool
span_is(const MdYamlDoc* doc, const MdYNode* node, const char* expected)
{
  const size_t n = strlen(expected);
  return node && node->end - node->start == n && !memcmp(doc->text + node->start, expected, n);
}

static const char json_session[] = "{\n"
                                   "  \"mixdown\": 1,\n"
                                   "  \"tracks\": [\n"
                                   "    {\n"
                                   "      \"name\": \"kick\",\n"
                                   "      \"gain_db\": -3\n"
                                   "    }\n"
                                   "  ],\n"
                                   "  \"buses\": []\n"
                                   "}\n";

static void
test_yaml_spans_are_bytes(void)
{
  // UTF-8 before the values (code points ≠ bytes), \r\n, a tab in a comment.
  const char* text = "name: \"Überlaut ✓\"\r\n"
                     "tracks:\r\n"
                     "  - name: Grüße   # a comment\twith a tab\r\n"
                     "    gain_db: -3.5\r\n"
                     "    pan: {points: [[0, -1], [2, 1]], curve: linear}\r\n"
                     "    empty:\r\n"
                     "  - name: 'ß'\r\n";
  MdYamlDoc doc = {0};
  if (!ye_open(&doc, text)) {
    return;
  }
  CHECK(span_is(&doc, ye_node(&doc, "name"), "\"Überlaut ✓\""));
  CHECK(span_is(&doc, ye_node(&doc, "tracks/0/name"), "Grüße"));
  CHECK(span_is(&doc, ye_node(&doc, "tracks/0/gain_db"), "-3.5"));
  CHECK(span_is(&doc, ye_node(&doc, "tracks/0/pan"), "{points: [[0, -1], [2, 1]], curve: linear}"));
  CHECK(span_is(&doc, ye_node(&doc, "tracks/0/pan/points/1"), "[2, 1]"));
  CHECK(span_is(&doc, ye_node(&doc, "tracks/1/name"), "'ß'"));
  const MdYNode* track = ye_node(&doc, "tracks/0");
  CHECK(span_is(&doc, track->items[0], "name")); // a key has its span
  CHECK(track->style == MD_YSTYLE_BLOCK && ye_node(&doc, "tracks/0/pan")->style == MD_YSTYLE_FLOW);
  CHECK(ye_node(&doc, "name")->style == MD_YSTYLE_DOUBLE && ye_node(&doc, "tracks/1/name")->style == MD_YSTYLE_SINGLE);
  // A block mapping from its first key to the end of its last value; the
  // empty value just after its `:`.
  const char* block = "name: Grüße   # a comment\twith a tab\r\n"
                      "    gain_db: -3.5\r\n"
                      "    pan: {points: [[0, -1], [2, 1]], curve: linear}\r\n"
                      "    empty:";
  CHECK(span_is(&doc, track, block));
  const MdYNode* empty = ye_node(&doc, "tracks/0/empty");
  CHECK(empty && empty->start == empty->end && doc.text[empty->start - 1U] == ':');
  CHECK(span_is(&doc, ye_node(&doc, "tracks"), "- name: Grüße   # a comment\twith a tab\r\n"
                                                "    gain_db: -3.5\r\n"
                                                "    pan: {points: [[0, -1], [2, 1]], curve: linear}\r\n"
                                                "    empty:\r\n"
                                                "  - name: 'ß'"));
  CHECK(!strcmp(doc.newline, "\r\n") && !doc.json);
  md_yaml_doc_close(&doc);
}

static void
test_yaml_numbers_shortest_exact(void)
{
  char text[48];
  md_yaml_format_number(-4.0, text, sizeof text);
  CHECK_MSG(!strcmp(text, "-4"), "%s", text);
  md_yaml_format_number(0.1, text, sizeof text);
  CHECK_MSG(!strcmp(text, "0.1"), "%s", text);
  md_yaml_format_number(100000.0, text, sizeof text);
  CHECK_MSG(!strcmp(text, "100000"), "%s", text);
  md_yaml_format_number(1.0 / 3.0, text, sizeof text);
  CHECK_MSG(!strcmp(text, "0.3333333333333333") && strtod(text, NULL) == 1.0 / 3.0, "%s", text);
  md_yaml_format_number(-12.25, text, sizeof text);
  CHECK_MSG(!strcmp(text, "-12.25"), "%s", text);
  md_yaml_format_number(-0.0, text, sizeof text);
  CHECK_MSG(!strcmp(text, "0"), "%s", text);
}

static void
test_yaml_replace_number_in_place(void)
{
  MdYamlDoc doc = {0};
  if (!ye_open(&doc, ye_block_session)) {
    return;
  }
  MdYNode* v = md_ynode_new_number_exact(-4.0);
  EDIT(md_yaml_doc_replace(&doc, ye_node(&doc, "tracks/0/gain_db"), v, E));
  md_ynode_free(v);
  CHECK_TEXT(&doc, "# A session, hand-formatted\n"
                   "mixdown: 1\n"
                   "\n"
                   "tracks:\n"
                   "  - name: Grüße          # UTF-8 before the value\n"
                   "    file: 'kick.wav'\n"
                   "    gain_db: -4    # trim\tafter the tab\n"
                   "    pan: \"0.25\"\n"
                   "\n"
                   "  - name: \"Snare\"\n"
                   "    gain_db: 2.5\n");
  // A longer number on the line with a comment: only the number changes.
  EDIT(ye_replace(&doc, "tracks/0/gain_db", "-12.125", E));
  CHECK(strstr(doc.text, "    gain_db: -12.125    # trim\tafter the tab\n") != NULL);
  EDIT(ye_replace(&doc, "tracks/1/gain_db", "0.1", E));
  CHECK(strstr(doc.text, "    gain_db: 0.1\n") != NULL);
  ye_check_reads(&doc, "tracks/0/gain_db", "-12.125");
  ye_check_reads(&doc, "tracks/1/gain_db", "0.1");
  md_yaml_doc_close(&doc);
}

static void
test_yaml_replace_string_keeps_quotes(void)
{
  MdYamlDoc doc = {0};
  if (!ye_open(&doc, ye_block_session)) {
    return;
  }
  EDIT(ye_replace(&doc, "tracks/0/file", "snare.wav", E));  // was 'single'
  EDIT(ye_replace(&doc, "tracks/1/name", "Snare 2", E));    // was "double"
  EDIT(ye_replace(&doc, "tracks/0/name", "Bass DI", E));    // was bare: stays bare
  EDIT(ye_replace(&doc, "mixdown", "'17:1'", E));           // a string that needs quotes
  CHECK_TEXT(&doc, "# A session, hand-formatted\n"
                   "mixdown: \"17:1\"\n"
                   "\n"
                   "tracks:\n"
                   "  - name: Bass DI          # UTF-8 before the value\n"
                   "    file: 'snare.wav'\n"
                   "    gain_db: -3    # trim\tafter the tab\n"
                   "    pan: \"0.25\"\n"
                   "\n"
                   "  - name: \"Snare 2\"\n"
                   "    gain_db: 2.5\n");
  // A string that would read as a switch or a number is quoted.
  EDIT(ye_replace(&doc, "tracks/0/name", "\"true\"", E));
  CHECK(strstr(doc.text, "  - name: \"true\"          #") != NULL);
  ye_check_reads(&doc, "tracks/0/name", "\"true\"");
  md_yaml_doc_close(&doc);
}

// A constant becomes an envelope (one flow line when it fits, the comment
// after it), a long one in block style one point a line, and back.
static void
test_yaml_replace_scalar_with_envelope_and_back(void)
{
  MdYamlDoc doc = {0};
  if (!ye_open(&doc, ye_block_session)) {
    return;
  }
  EDIT(ye_replace(&doc, "tracks/0/gain_db", "{points: [[0, -6], [\"17:1\", 0]], curve: smooth}", E));
  CHECK_TEXT(&doc, "# A session, hand-formatted\n"
                   "mixdown: 1\n"
                   "\n"
                   "tracks:\n"
                   "  - name: Grüße          # UTF-8 before the value\n"
                   "    file: 'kick.wav'\n"
                   "    gain_db: {points: [[0, -6], [\"17:1\", 0]], curve: smooth}    # trim\tafter the tab\n"
                   "    pan: \"0.25\"\n"
                   "\n"
                   "  - name: \"Snare\"\n"
                   "    gain_db: 2.5\n");
  ye_check_reads(&doc, "tracks/0/gain_db/points/1", "[\"17:1\", 0]");
  EDIT(ye_replace(&doc, "tracks/0/gain_db",
               "{points: [[0, -6], [\"17:1\", 0], [\"33:1\", -3.5], [\"49:1\", -12], [\"65:1\", 0]], curve: smooth}",
               E));
  CHECK_TEXT(&doc, "# A session, hand-formatted\n"
                   "mixdown: 1\n"
                   "\n"
                   "tracks:\n"
                   "  - name: Grüße          # UTF-8 before the value\n"
                   "    file: 'kick.wav'\n"
                   "    gain_db:    # trim\tafter the tab\n"
                   "      points:\n"
                   "        - [0, -6]\n"
                   "        - [\"17:1\", 0]\n"
                   "        - [\"33:1\", -3.5]\n"
                   "        - [\"49:1\", -12]\n"
                   "        - [\"65:1\", 0]\n"
                   "      curve: smooth\n"
                   "    pan: \"0.25\"\n"
                   "\n"
                   "  - name: \"Snare\"\n"
                   "    gain_db: 2.5\n");
  ye_check_reads(&doc, "tracks/0/gain_db/points/3", "[\"49:1\", -12]");
  EDIT(ye_replace(&doc, "tracks/0/gain_db", "-3", E)); // and back: on the key's line, the comment after it
  CHECK_TEXT(&doc, ye_block_session);
  md_yaml_doc_close(&doc);
}

// Empty values, a byte-order mark, a literal block, a list item replaced by
// a long mapping (block, its first key after the `-`).
static void
test_yaml_replace_odd_places(void)
{
  MdYamlDoc doc = {0};
  if (!ye_open(&doc, "\xEF\xBB\xBFnote: |\n"
                      "  two\n"
                      "  lines\n"
                      "gain_db:   # set me\n"
                      "pan:\n"
                      "inserts:\n"
                      "  - 5   # an item\n"
                      "  -\n")) {
    return;
  }
  EDIT(ye_replace(&doc, "gain_db", "-3", E));
  EDIT(ye_replace(&doc, "pan", "{points: [[0, -1], [1, 1]]}", E));
  EDIT(ye_replace(&doc, "note", "one line", E));
  EDIT(ye_replace(&doc, "inserts/1", "eq", E));
  EDIT(ye_replace(&doc, "inserts/0",
               "{type: compressor, threshold_db: -20, ratio: 4, attack_ms: 10, release_ms: 120, makeup_db: 3, knee_db: 6}",
               E));
  CHECK_TEXT(&doc, "\xEF\xBB\xBFnote: one line\n"
                   "gain_db: -3   # set me\n"
                   "pan: {points: [[0, -1], [1, 1]]}\n"
                   "inserts:\n"
                   "  - type: compressor   # an item\n"
                   "    threshold_db: -20\n"
                   "    ratio: 4\n"
                   "    attack_ms: 10\n"
                   "    release_ms: 120\n"
                   "    makeup_db: 3\n"
                   "    knee_db: 6\n"
                   "  - eq\n");
  ye_check_reads(&doc, "inserts/0/knee_db", "6");
  md_yaml_doc_close(&doc);
}

static void
test_yaml_set_key_block(void)
{
  MdYamlDoc doc = {0};
  if (!ye_open(&doc, "mixdown: 1\n"
                      "tracks:\n"
                      "  - name: a   # first\n"
                      "    inserts:\n"
                      "      - type: eq\n"
                      "        bands: [{freq: 100, gain_db: 3}]   # nested\n"
                      "\n"
                      "  # the next track\n"
                      "  - name: b\n")) {
    return;
  }
  // After a nested block value: at the outer indentation.
  EDIT(ye_set_key(&doc, "tracks/0", "gain_db", "-6", E));
  EDIT(ye_set_key(&doc, "tracks/1", "mute", "true", E));
  EDIT(ye_set_key(&doc, "", "tempo", "120", E));
  EDIT(ye_set_key(&doc, "tracks/0", "name", "'kick'", E)); // an existing key: replaced in place, bare as it was
  EDIT(ye_set_key(&doc, "tracks/1", "pan", "{points: [[0, -1], [\"2:1\", 1]], curve: smooth}", E)); // fits: one line
  EDIT(ye_insert_item(&doc, "tracks/0/inserts", 1U, "{type: eq, bands: [{freq: 80, gain_db: -2}]}", E));
  EDIT(ye_set_key(&doc, "tracks/1", "gain_db",
               "{points: [[0, -60], [\"1:1\", -6], [\"9:1\", -6], [\"17:1\", 0], [\"25:1\", -3]], curve: smooth}", E));
  EDIT(ye_insert_item(&doc, "tracks/0/inserts", 0U,
                   "{type: compressor, threshold_db: -18, ratio: 3, attack_ms: 5, release_ms: 80, knee_db: 6, makeup_db: 2}", E));
  CHECK_TEXT(&doc, "mixdown: 1\n"
                   "tracks:\n"
                   "  - name: kick   # first\n"
                   "    inserts:\n"
                   "      - type: compressor\n"
                   "        threshold_db: -18\n"
                   "        ratio: 3\n"
                   "        attack_ms: 5\n"
                   "        release_ms: 80\n"
                   "        knee_db: 6\n"
                   "        makeup_db: 2\n"
                   "      - type: eq\n"
                   "        bands: [{freq: 100, gain_db: 3}]   # nested\n"
                   "      - type: eq\n" // a block mapping as its siblings, what fits inside on a line
                   "        bands: [{freq: 80, gain_db: -2}]\n"
                   "    gain_db: -6\n"
                   "\n"
                   "  # the next track\n"
                   "  - name: b\n"
                   "    mute: true\n"
                   "    pan: {points: [[0, -1], [\"2:1\", 1]], curve: smooth}\n"
                   "    gain_db:\n"
                   "      points:\n"
                   "        - [0, -60]\n"
                   "        - [\"1:1\", -6]\n"
                   "        - [\"9:1\", -6]\n"
                   "        - [\"17:1\", 0]\n"
                   "        - [\"25:1\", -3]\n"
                   "      curve: smooth\n"
                   "tempo: 120\n");
  md_yaml_doc_close(&doc);
}

static void
test_yaml_set_key_flow_and_empty(void)
{
  MdYamlDoc doc = {0};
  if (!ye_open(&doc, "{mixdown: 1, tracks: [{name: a, gain_db: -3}, {}], output: {file: out.wav}}\n")) {
    return;
  }
  EDIT(ye_set_key(&doc, "tracks/0", "pan", "0.5", E));
  EDIT(ye_set_key(&doc, "tracks/1", "name", "b c", E));
  EDIT(ye_set_key(&doc, "tracks/0", "gain_db", "{points: [[0, -6], [4, 0]]}", E));
  CHECK_TEXT(&doc, "{mixdown: 1, tracks: [{name: a, gain_db: {points: [[0, -6], [4, 0]]}, pan: 0.5}, "
                   "{name: b c}], output: {file: out.wav}}\n");
  md_yaml_doc_close(&doc);
}

static void
test_yaml_json_stays_json(void)
{
  MdYamlDoc doc = {0};
  if (!ye_open(&doc, json_session)) {
    return;
  }
  CHECK(doc.json);
  EDIT(ye_set_key(&doc, "tracks/0", "mute", "on", E));
  EDIT(ye_set_key(&doc, "tracks/0", "pan", "{points: [[0, -1], ['1:1', .5]], curve: linear}", E));
  EDIT(ye_replace(&doc, "tracks/0/name", "snare", E));
  EDIT(ye_insert_item(&doc, "buses", 0U, "{name: verb}", E));
  CHECK_TEXT(&doc, "{\n"
                   "  \"mixdown\": 1,\n"
                   "  \"tracks\": [\n"
                   "    {\n"
                   "      \"name\": \"snare\",\n"
                   "      \"gain_db\": -3,\n"
                   "      \"mute\": true,\n"
                   "      \"pan\": {\"points\": [[0, -1], [\"1:1\", 0.5]], \"curve\": \"linear\"}\n"
                   "    }\n"
                   "  ],\n"
                   "  \"buses\": [{\"name\": \"verb\"}]\n"
                   "}\n");
  md_yaml_doc_close(&doc);
}

static void
test_yaml_remove_key(void)
{
  MdYamlDoc doc = {0};
  if (!ye_open(&doc, "tracks:\r\n"
                      "  - name: a\r\n"
                      "    gain_db: -3   # gone\r\n"
                      "    inserts:\r\n"
                      "      - type: eq\r\n"
                      "    pan: 0\r\n"
                      "  - {name: b, mute: true, pan: 1}\r\n"
                      "  - {solo: true}\r\n")) {
    return;
  }
  char error[400] = "";
  EDIT(md_yaml_doc_remove_key(&doc, ye_node(&doc, "tracks/0"), "gain_db", E));
  EDIT(md_yaml_doc_remove_key(&doc, ye_node(&doc, "tracks/0"), "inserts", E)); // a nested block: all its lines
  EDIT(md_yaml_doc_remove_key(&doc, ye_node(&doc, "tracks/0"), "name", E));    // the first key of a `- ` item
  EDIT(md_yaml_doc_remove_key(&doc, ye_node(&doc, "tracks/1"), "mute", E));
  EDIT(md_yaml_doc_remove_key(&doc, ye_node(&doc, "tracks/1"), "pan", E));     // the last: the comma before
  EDIT(md_yaml_doc_remove_key(&doc, ye_node(&doc, "tracks/2"), "solo", E));    // the only one: {}
  CHECK_TEXT(&doc, "tracks:\r\n"
                   "  - pan: 0\r\n"
                   "  - {name: b}\r\n"
                   "  - {}\r\n");
  CHECK(!md_yaml_doc_remove_key(&doc, ye_node(&doc, "tracks/1"), "nothing", error, sizeof error));
  CHECK_MSG(!strcmp(error, "no key `nothing` to remove"), "%s", error);
  md_yaml_doc_close(&doc);
}

// In JSON a long value stays one flow line (JSON has no block style); an
// empty object takes a first pair.
static void
test_yaml_json_long_and_empty(void)
{
  MdYamlDoc doc = {0};
  if (!ye_open(&doc, "{\"tracks\": [{\"name\": \"a\", \"gain_db\": -3}], \"output\": {}}")) {
    return;
  }
  const char* envelope = "{points: [[0, -6], [1, -5], [2, -4], [3, -3], [4, -2], [5, -1], [6, 0], [7, 1], [8, 2], "
                         "[9, 3], [10, 4]], curve: linear}";
  EDIT(ye_replace(&doc, "tracks/0/gain_db", envelope, E));
  EDIT(ye_set_key(&doc, "output", "file", "out.wav", E));
  CHECK_TEXT(&doc, "{\"tracks\": [{\"name\": \"a\", \"gain_db\": {\"points\": [[0, -6], [1, -5], [2, -4], "
                   "[3, -3], [4, -2], [5, -1], [6, 0], [7, 1], [8, 2], [9, 3], [10, 4]], \"curve\": \"linear\"}}], "
                   "\"output\": {\"file\": \"out.wav\"}}");
  md_yaml_doc_close(&doc);
}

const TestCase yaml_edit_tests[] = {
  {"yaml_spans_are_bytes", test_yaml_spans_are_bytes},
  {"yaml_numbers_shortest_exact", test_yaml_numbers_shortest_exact},
  {"yaml_replace_number_in_place", test_yaml_replace_number_in_place},
  {"yaml_replace_string_keeps_quotes", test_yaml_replace_string_keeps_quotes},
  {"yaml_replace_scalar_with_envelope_and_back", test_yaml_replace_scalar_with_envelope_and_back},
  {"yaml_replace_odd_places", test_yaml_replace_odd_places},
  {"yaml_set_key_block", test_yaml_set_key_block},
  {"yaml_set_key_flow_and_empty", test_yaml_set_key_flow_and_empty},
  {"yaml_json_stays_json", test_yaml_json_stays_json},
  {"yaml_remove_key", test_yaml_remove_key},
  {"yaml_json_long_and_empty", test_yaml_json_long_and_empty},
  {NULL, NULL},
};
