// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// session/yaml_edit.c: edits of a session's text that keep every byte that
// did not change.  Each test checks the WHOLE text after the edit against
// the expected text, byte for byte, that it reads back with the values
// intended, and that a refused edit leaves the text byte-identical.

#include "session/yaml_access.h"
#include "session/yaml_edit.h"
#include "session/yaml_write.h"
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Helpers ---------------------------------------------------------------- */

static bool
doc_open(MdYamlDoc* doc, const char* text)
{
  char     error[300];
  unsigned line = 0U, column = 0U;
  const bool ok = md_yaml_doc_open(doc, text, strlen(text), error, sizeof error, &line, &column);
  CHECK_MSG(ok, "%u:%u: %s", line, column, error);
  return ok;
}

// A node by a path like "tracks/0/gain_db" (numbers are list indices).
static const MdYNode*
node_at(const MdYamlDoc* doc, const char* path)
{
  const MdYNode* node = doc->root;
  char           copy[200];
  snprintf(copy, sizeof copy, "%s", path);
  for (char* step = strtok(copy, "/"); node && step; step = strtok(NULL, "/")) {
    char*               end   = NULL;
    const unsigned long index = strtoul(step, &end, 10);
    node = *end ? md_ynode_get(node, step) : md_ynode_at(node, index);
  }
  CHECK_MSG(node != NULL, "no node at %s", path);
  return node;
}

// A value from YAML text (the test frees it).
static MdYNode*
value(const char* yaml)
{
  char     error[300];
  unsigned line = 0U, column = 0U;
  MdYNode* node = md_yaml_parse(yaml, strlen(yaml), error, sizeof error, &line, &column);
  CHECK_MSG(node != NULL, "%s: %s", yaml, error);
  return node;
}

#define CHECK_TEXT(doc, expected)                                                                  \
  CHECK_MSG(!strcmp((doc)->text, (expected)) && (doc)->length == strlen(expected),               \
            "text:\n%s\n---- expected:\n%s\n----", (doc)->text, (expected))

// The node at `path` reads back as `yaml`.
static void
check_reads(const MdYamlDoc* doc, const char* path, const char* yaml)
{
  const MdYNode* node = node_at(doc, path);
  MdYNode*       want = value(yaml);
  if (node && want) {
    CHECK_MSG(md_yaml_node_equal(node, want), "%s does not read back as %s", path, yaml);
  }
  md_ynode_free(want);
}

// Replaces the value at `path` with `yaml`; true when done.
static bool
replace(MdYamlDoc* doc, const char* path, const char* yaml, char* error, size_t size)
{
  MdYNode*   v  = value(yaml);
  const bool ok = v && md_yaml_doc_replace(doc, node_at(doc, path), v, error, size);
  md_ynode_free(v);
  return ok;
}

static bool
set_key(MdYamlDoc* doc, const char* path, const char* key, const char* yaml, char* error, size_t size)
{
  MdYNode*   v  = value(yaml);
  const bool ok = v && md_yaml_doc_set_key(doc, node_at(doc, path), key, v, error, size);
  md_ynode_free(v);
  return ok;
}

static bool
insert_item(MdYamlDoc* doc, const char* path, size_t index, const char* yaml, char* error, size_t size)
{
  MdYNode*   v  = value(yaml);
  const bool ok = v && md_yaml_doc_insert_item(doc, node_at(doc, path), index, v, error, size);
  md_ynode_free(v);
  return ok;
}

#define EDIT(call)                                                                                 \
  do {                                                                                             \
    char edit_error_[400] = "";                                                                    \
    CHECK_MSG(call, "%s: %s", #call, edit_error_);                                                 \
  } while (0)
#define E edit_error_, sizeof edit_error_

/* Spans ------------------------------------------------------------------ */

// The bytes a node spans.
static bool
span_is(const MdYamlDoc* doc, const MdYNode* node, const char* expected)
{
  const size_t n = strlen(expected);
  return node && node->end - node->start == n && !memcmp(doc->text + node->start, expected, n);
}

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
  if (!doc_open(&doc, text)) {
    return;
  }
  CHECK(span_is(&doc, node_at(&doc, "name"), "\"Überlaut ✓\""));
  CHECK(span_is(&doc, node_at(&doc, "tracks/0/name"), "Grüße"));
  CHECK(span_is(&doc, node_at(&doc, "tracks/0/gain_db"), "-3.5"));
  CHECK(span_is(&doc, node_at(&doc, "tracks/0/pan"), "{points: [[0, -1], [2, 1]], curve: linear}"));
  CHECK(span_is(&doc, node_at(&doc, "tracks/0/pan/points/1"), "[2, 1]"));
  CHECK(span_is(&doc, node_at(&doc, "tracks/1/name"), "'ß'"));
  const MdYNode* track = node_at(&doc, "tracks/0");
  CHECK(span_is(&doc, track->items[0], "name")); // a key has its span
  CHECK(track->style == MD_YSTYLE_BLOCK && node_at(&doc, "tracks/0/pan")->style == MD_YSTYLE_FLOW);
  CHECK(node_at(&doc, "name")->style == MD_YSTYLE_DOUBLE && node_at(&doc, "tracks/1/name")->style == MD_YSTYLE_SINGLE);
  // A block mapping from its first key to the end of its last value; the
  // empty value just after its `:`.
  const char* block = "name: Grüße   # a comment\twith a tab\r\n"
                      "    gain_db: -3.5\r\n"
                      "    pan: {points: [[0, -1], [2, 1]], curve: linear}\r\n"
                      "    empty:";
  CHECK(span_is(&doc, track, block));
  const MdYNode* empty = node_at(&doc, "tracks/0/empty");
  CHECK(empty && empty->start == empty->end && doc.text[empty->start - 1U] == ':');
  CHECK(span_is(&doc, node_at(&doc, "tracks"), "- name: Grüße   # a comment\twith a tab\r\n"
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

/* Replacing values ------------------------------------------------------- */

static const char block_session[] = "# A session, hand-formatted\n"
                                    "mixdown: 1\n"
                                    "\n"
                                    "tracks:\n"
                                    "  - name: Grüße          # UTF-8 before the value\n"
                                    "    file: 'kick.wav'\n"
                                    "    gain_db: -3    # trim\tafter the tab\n"
                                    "    pan: \"0.25\"\n"
                                    "\n"
                                    "  - name: \"Snare\"\n"
                                    "    gain_db: 2.5\n";

static void
test_yaml_replace_number_in_place(void)
{
  MdYamlDoc doc = {0};
  if (!doc_open(&doc, block_session)) {
    return;
  }
  MdYNode* v = md_ynode_new_number_exact(-4.0);
  EDIT(md_yaml_doc_replace(&doc, node_at(&doc, "tracks/0/gain_db"), v, E));
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
  EDIT(replace(&doc, "tracks/0/gain_db", "-12.125", E));
  CHECK(strstr(doc.text, "    gain_db: -12.125    # trim\tafter the tab\n") != NULL);
  EDIT(replace(&doc, "tracks/1/gain_db", "0.1", E));
  CHECK(strstr(doc.text, "    gain_db: 0.1\n") != NULL);
  check_reads(&doc, "tracks/0/gain_db", "-12.125");
  check_reads(&doc, "tracks/1/gain_db", "0.1");
  md_yaml_doc_close(&doc);
}

static void
test_yaml_replace_string_keeps_quotes(void)
{
  MdYamlDoc doc = {0};
  if (!doc_open(&doc, block_session)) {
    return;
  }
  EDIT(replace(&doc, "tracks/0/file", "snare.wav", E));  // was 'single'
  EDIT(replace(&doc, "tracks/1/name", "Snare 2", E));    // was "double"
  EDIT(replace(&doc, "tracks/0/name", "Bass DI", E));    // was bare: stays bare
  EDIT(replace(&doc, "mixdown", "'17:1'", E));           // a string that needs quotes
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
  EDIT(replace(&doc, "tracks/0/name", "\"true\"", E));
  CHECK(strstr(doc.text, "  - name: \"true\"          #") != NULL);
  check_reads(&doc, "tracks/0/name", "\"true\"");
  md_yaml_doc_close(&doc);
}

// A constant becomes an envelope (one flow line when it fits, the comment
// after it), a long one in block style one point a line, and back.
static void
test_yaml_replace_scalar_with_envelope_and_back(void)
{
  MdYamlDoc doc = {0};
  if (!doc_open(&doc, block_session)) {
    return;
  }
  EDIT(replace(&doc, "tracks/0/gain_db", "{points: [[0, -6], [\"17:1\", 0]], curve: smooth}", E));
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
  check_reads(&doc, "tracks/0/gain_db/points/1", "[\"17:1\", 0]");
  EDIT(replace(&doc, "tracks/0/gain_db",
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
  check_reads(&doc, "tracks/0/gain_db/points/3", "[\"49:1\", -12]");
  EDIT(replace(&doc, "tracks/0/gain_db", "-3", E)); // and back: on the key's line, the comment after it
  CHECK_TEXT(&doc, block_session);
  md_yaml_doc_close(&doc);
}

/* Keys ------------------------------------------------------------------- */

static void
test_yaml_set_key_block(void)
{
  MdYamlDoc doc = {0};
  if (!doc_open(&doc, "mixdown: 1\n"
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
  EDIT(set_key(&doc, "tracks/0", "gain_db", "-6", E));
  EDIT(set_key(&doc, "tracks/1", "mute", "true", E));
  EDIT(set_key(&doc, "", "tempo", "120", E));
  EDIT(set_key(&doc, "tracks/0", "name", "'kick'", E)); // an existing key: replaced in place, bare as it was
  EDIT(set_key(&doc, "tracks/1", "pan", "{points: [[0, -1], [\"2:1\", 1]], curve: smooth}", E)); // fits: one line
  EDIT(insert_item(&doc, "tracks/0/inserts", 1U, "{type: eq, bands: [{freq: 80, gain_db: -2}]}", E));
  EDIT(set_key(&doc, "tracks/1", "gain_db",
               "{points: [[0, -60], [\"1:1\", -6], [\"9:1\", -6], [\"17:1\", 0], [\"25:1\", -3]], curve: smooth}", E));
  EDIT(insert_item(&doc, "tracks/0/inserts", 0U,
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
                   "      - {type: eq, bands: [{freq: 80, gain_db: -2}]}\n"
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
  if (!doc_open(&doc, "{mixdown: 1, tracks: [{name: a, gain_db: -3}, {}], output: {file: out.wav}}\n")) {
    return;
  }
  EDIT(set_key(&doc, "tracks/0", "pan", "0.5", E));
  EDIT(set_key(&doc, "tracks/1", "name", "b c", E));
  EDIT(set_key(&doc, "tracks/0", "gain_db", "{points: [[0, -6], [4, 0]]}", E));
  CHECK_TEXT(&doc, "{mixdown: 1, tracks: [{name: a, gain_db: {points: [[0, -6], [4, 0]]}, pan: 0.5}, "
                   "{name: b c}], output: {file: out.wav}}\n");
  md_yaml_doc_close(&doc);
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
test_yaml_json_stays_json(void)
{
  MdYamlDoc doc = {0};
  if (!doc_open(&doc, json_session)) {
    return;
  }
  CHECK(doc.json);
  EDIT(set_key(&doc, "tracks/0", "mute", "on", E));
  EDIT(set_key(&doc, "tracks/0", "pan", "{points: [[0, -1], ['1:1', .5]], curve: linear}", E));
  EDIT(replace(&doc, "tracks/0/name", "snare", E));
  EDIT(insert_item(&doc, "buses", 0U, "{name: verb}", E));
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
  if (!doc_open(&doc, "tracks:\r\n"
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
  EDIT(md_yaml_doc_remove_key(&doc, node_at(&doc, "tracks/0"), "gain_db", E));
  EDIT(md_yaml_doc_remove_key(&doc, node_at(&doc, "tracks/0"), "inserts", E)); // a nested block: all its lines
  EDIT(md_yaml_doc_remove_key(&doc, node_at(&doc, "tracks/0"), "name", E));    // the first key of a `- ` item
  EDIT(md_yaml_doc_remove_key(&doc, node_at(&doc, "tracks/1"), "mute", E));
  EDIT(md_yaml_doc_remove_key(&doc, node_at(&doc, "tracks/1"), "pan", E));     // the last: the comma before
  EDIT(md_yaml_doc_remove_key(&doc, node_at(&doc, "tracks/2"), "solo", E));    // the only one: {}
  CHECK_TEXT(&doc, "tracks:\r\n"
                   "  - pan: 0\r\n"
                   "  - {name: b}\r\n"
                   "  - {}\r\n");
  CHECK(!md_yaml_doc_remove_key(&doc, node_at(&doc, "tracks/1"), "nothing", error, sizeof error));
  CHECK_MSG(!strcmp(error, "no key `nothing` to remove"), "%s", error);
  md_yaml_doc_close(&doc);
}

/* Lists ------------------------------------------------------------------ */

static void
test_yaml_items_block(void)
{
  MdYamlDoc doc = {0};
  if (!doc_open(&doc, "inserts:\r\n"
                      "  - type: eq      # one\r\n"
                      "    bands: []\r\n"
                      "  - type: limiter\r\n"
                      "points:\r\n"
                      "- [0, 1]\r\n"
                      "last: [1]")) {
    return;
  }
  EDIT(insert_item(&doc, "inserts", 2U, "{type: compressor, threshold_db: -20}", E));
  EDIT(insert_item(&doc, "inserts", 0U, "{type: gate}", E));
  EDIT(insert_item(&doc, "points", 1U, "[2, 0]", E)); // an indentless list
  EDIT(insert_item(&doc, "inserts/1/bands", 0U, "{freq: 80}", E));
  CHECK_TEXT(&doc, "inserts:\r\n"
                   "  - {type: gate}\r\n"
                   "  - type: eq      # one\r\n"
                   "    bands: [{freq: 80}]\r\n"
                   "  - type: limiter\r\n"
                   "  - {type: compressor, threshold_db: -20}\r\n"
                   "points:\r\n"
                   "- [0, 1]\r\n"
                   "- [2, 0]\r\n"
                   "last: [1]");
  EDIT(md_yaml_doc_remove_item(&doc, node_at(&doc, "inserts"), 1U, E)); // its whole lines
  EDIT(md_yaml_doc_remove_item(&doc, node_at(&doc, "inserts"), 2U, E)); // the last
  EDIT(md_yaml_doc_remove_item(&doc, node_at(&doc, "points"), 0U, E));
  EDIT(md_yaml_doc_remove_item(&doc, node_at(&doc, "points"), 0U, E)); // the only one: []
  EDIT(md_yaml_doc_remove_item(&doc, node_at(&doc, "last"), 0U, E));
  CHECK_TEXT(&doc, "inserts:\r\n"
                   "  - {type: gate}\r\n"
                   "  - type: limiter\r\n"
                   "points: []\r\n"
                   "last: []");
  char error[400] = "";
  CHECK(!md_yaml_doc_remove_item(&doc, node_at(&doc, "last"), 0U, error, sizeof error));
  CHECK_MSG(!strcmp(error, "no item 1 in a list of 0"), "%s", error);
  md_yaml_doc_close(&doc);
}

static void
test_yaml_items_flow(void)
{
  MdYamlDoc doc = {0};
  if (!doc_open(&doc, "a: []\n"
                      "b: [1, 2, 3]   # three\n"
                      "c: [\n"
                      "  x,\n"
                      "  y\n"
                      "]\n")) {
    return;
  }
  EDIT(insert_item(&doc, "a", 0U, "[0, -6]", E)); // into []
  EDIT(insert_item(&doc, "a", 1U, "[1, 0]", E));
  EDIT(insert_item(&doc, "b", 1U, "1.5", E));
  EDIT(insert_item(&doc, "c", 2U, "z", E));
  EDIT(insert_item(&doc, "c", 0U, "w", E));
  CHECK_TEXT(&doc, "a: [[0, -6], [1, 0]]\n"
                   "b: [1, 1.5, 2, 3]   # three\n"
                   "c: [\n"
                   "  w,\n"
                   "  x,\n"
                   "  y,\n"
                   "  z\n"
                   "]\n");
  EDIT(md_yaml_doc_remove_item(&doc, node_at(&doc, "b"), 0U, E));
  EDIT(md_yaml_doc_remove_item(&doc, node_at(&doc, "b"), 2U, E));
  EDIT(md_yaml_doc_remove_item(&doc, node_at(&doc, "c"), 3U, E));
  EDIT(md_yaml_doc_remove_item(&doc, node_at(&doc, "c"), 1U, E));
  EDIT(md_yaml_doc_remove_item(&doc, node_at(&doc, "a"), 1U, E));
  EDIT(md_yaml_doc_remove_item(&doc, node_at(&doc, "a"), 0U, E));
  CHECK_TEXT(&doc, "a: []\n"
                   "b: [1.5, 2]   # three\n"
                   "c: [\n"
                   "  w,\n"
                   "  y\n"
                   "]\n");
  md_yaml_doc_close(&doc);
}


// Empty values, a byte-order mark, a literal block, a list item replaced by
// a long mapping (block, its first key after the `-`).
static void
test_yaml_replace_odd_places(void)
{
  MdYamlDoc doc = {0};
  if (!doc_open(&doc, "\xEF\xBB\xBFnote: |\n"
                      "  two\n"
                      "  lines\n"
                      "gain_db:   # set me\n"
                      "pan:\n"
                      "inserts:\n"
                      "  - 5   # an item\n"
                      "  -\n")) {
    return;
  }
  EDIT(replace(&doc, "gain_db", "-3", E));
  EDIT(replace(&doc, "pan", "{points: [[0, -1], [1, 1]]}", E));
  EDIT(replace(&doc, "note", "one line", E));
  EDIT(replace(&doc, "inserts/1", "eq", E));
  EDIT(replace(&doc, "inserts/0",
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
  check_reads(&doc, "inserts/0/knee_db", "6");
  md_yaml_doc_close(&doc);
}

// In JSON a long value stays one flow line (JSON has no block style); an
// empty object takes a first pair.
static void
test_yaml_json_long_and_empty(void)
{
  MdYamlDoc doc = {0};
  if (!doc_open(&doc, "{\"tracks\": [{\"name\": \"a\", \"gain_db\": -3}], \"output\": {}}")) {
    return;
  }
  const char* envelope = "{points: [[0, -6], [1, -5], [2, -4], [3, -3], [4, -2], [5, -1], [6, 0], [7, 1], [8, 2], "
                         "[9, 3], [10, 4]], curve: linear}";
  EDIT(replace(&doc, "tracks/0/gain_db", envelope, E));
  EDIT(set_key(&doc, "output", "file", "out.wav", E));
  CHECK_TEXT(&doc, "{\"tracks\": [{\"name\": \"a\", \"gain_db\": {\"points\": [[0, -6], [1, -5], [2, -4], "
                   "[3, -3], [4, -2], [5, -1], [6, 0], [7, 1], [8, 2], [9, 3], [10, 4]], \"curve\": \"linear\"}}], "
                   "\"output\": {\"file\": \"out.wav\"}}");
  md_yaml_doc_close(&doc);
}

// An edit whose text would not read back as intended is refused, and the
// document is as it was (here a flow key without a value: `{a}`).
static void
test_yaml_unreadable_edit_refused(void)
{
  const char* text = "m: {a, b: 1}   # keep\n";
  MdYamlDoc   doc  = {0};
  if (!doc_open(&doc, text)) {
    return;
  }
  char error[400] = "";
  CHECK(!replace(&doc, "m/a", "5", error, sizeof error));
  CHECK_MSG(strstr(error, "would not read back") != NULL, "%s", error);
  CHECK_TEXT(&doc, text);
  EDIT(replace(&doc, "m/b", "2", E)); // the document still edits
  CHECK_TEXT(&doc, "m: {a, b: 2}   # keep\n");
  md_yaml_doc_close(&doc);
}

/* Refusals --------------------------------------------------------------- */

static void
test_yaml_anchors_refused(void)
{
  const char* text = "level: &level 2\n"
                     "defaults: &defaults\n"
                     "  gain_db: -3\n"
                     "  pan: 0\n"
                     "tracks:\n"
                     "  - <<: *defaults\n"
                     "    name: a\n"
                     "  - name: b\n"
                     "    gain_db: *level   # an alias\n";
  MdYamlDoc doc = {0};
  if (!doc_open(&doc, text)) {
    return;
  }
  char error[400] = "";
  CHECK(!replace(&doc, "defaults/gain_db", "-4", error, sizeof error));
  CHECK_MSG(strstr(error, "at line 2 carries an anchor (&defaults)") != NULL, "%s", error);
  CHECK(!replace(&doc, "tracks/0/gain_db", "-4", error, sizeof error)); // merged from the anchor
  CHECK_MSG(strstr(error, "of the anchored value at line 3") != NULL, "%s", error);
  CHECK(!replace(&doc, "tracks/1/gain_db", "-4", error, sizeof error)); // an alias
  CHECK_MSG(strstr(error, "at line 9 is a copy") && strstr(error, "anchored value at line 1"), "%s", error);
  CHECK(!replace(&doc, "level", "3", error, sizeof error));
  CHECK(!md_yaml_doc_remove_key(&doc, node_at(&doc, "tracks/0"), "pan", error, sizeof error));
  CHECK_MSG(strstr(error, "merge key") != NULL, "%s", error);
  CHECK_TEXT(&doc, text); // all refused: byte-identical
  // Beside them: a key a merge gives is overridden by one written in the
  // mapping; the pair with an alias value can go.
  EDIT(set_key(&doc, "tracks/0", "gain_db", "-6", E));
  EDIT(md_yaml_doc_remove_key(&doc, node_at(&doc, "tracks/1"), "gain_db", E));
  EDIT(replace(&doc, "tracks/1/name", "c", E));
  CHECK_TEXT(&doc, "level: &level 2\n"
                   "defaults: &defaults\n"
                   "  gain_db: -3\n"
                   "  pan: 0\n"
                   "tracks:\n"
                   "  - <<: *defaults\n"
                   "    name: a\n"
                   "    gain_db: -6\n"
                   "  - name: c\n");
  check_reads(&doc, "tracks/0/gain_db", "-6");
  check_reads(&doc, "tracks/0/pan", "0");
  md_yaml_doc_close(&doc);
}

static void
test_yaml_refusals_keep_text(void)
{
  char      error[400] = "";
  unsigned  line = 0U, column = 0U;
  MdYamlDoc doc        = {0};
  // UTF-16 (with its byte-order mark) is read elsewhere, not edited.
  static const char utf16[] = "\xFF\xFEm\0:\0 \0\x31\0\n\0";
  CHECK(!md_yaml_doc_open(&doc, utf16, sizeof utf16 - 1U, error, sizeof error, &line, &column));
  CHECK_MSG(strstr(error, "UTF-16") && line == 1U && column == 1U, "%u:%u: %s", line, column, error);
  md_yaml_doc_close(&doc);
  if (!doc_open(&doc, block_session)) {
    return;
  }
  // A stale node, a key, a wrong kind, an index past the end.
  MdYNode* stale = value("{a: 1}");
  MdYNode* v     = value("1");
  CHECK(stale && v && !md_yaml_doc_replace(&doc, stale, v, error, sizeof error));
  CHECK_MSG(strstr(error, "not in this document") != NULL, "%s", error);
  const MdYNode* track = node_at(&doc, "tracks/0");
  CHECK(!md_yaml_doc_replace(&doc, track->items[0], v, error, sizeof error));
  CHECK(!md_yaml_doc_set_key(&doc, node_at(&doc, "tracks"), "x", v, error, sizeof error));
  CHECK_MSG(!strcmp(error, "a list is not a mapping"), "%s", error);
  CHECK(!md_yaml_doc_insert_item(&doc, node_at(&doc, "tracks"), 3U, v, error, sizeof error));
  CHECK_MSG(!strcmp(error, "item 4 is past the end of a list of 2"), "%s", error);
  CHECK_TEXT(&doc, block_session);
  md_ynode_free(stale);
  md_ynode_free(v);
  md_yaml_doc_close(&doc);
}

const TestCase yaml_edit_tests[] = {
  {"yaml_spans_are_bytes", test_yaml_spans_are_bytes},
  {"yaml_numbers_shortest_exact", test_yaml_numbers_shortest_exact},
  {"yaml_replace_number_in_place", test_yaml_replace_number_in_place},
  {"yaml_replace_string_keeps_quotes", test_yaml_replace_string_keeps_quotes},
  {"yaml_replace_scalar_with_envelope_and_back", test_yaml_replace_scalar_with_envelope_and_back},
  {"yaml_set_key_block", test_yaml_set_key_block},
  {"yaml_set_key_flow_and_empty", test_yaml_set_key_flow_and_empty},
  {"yaml_json_stays_json", test_yaml_json_stays_json},
  {"yaml_remove_key", test_yaml_remove_key},
  {"yaml_items_block", test_yaml_items_block},
  {"yaml_items_flow", test_yaml_items_flow},
  {"yaml_replace_odd_places", test_yaml_replace_odd_places},
  {"yaml_json_long_and_empty", test_yaml_json_long_and_empty},
  {"yaml_unreadable_edit_refused", test_yaml_unreadable_edit_refused},
  {"yaml_anchors_refused", test_yaml_anchors_refused},
  {"yaml_refusals_keep_text", test_yaml_refusals_keep_text},
  {NULL, NULL},
};
