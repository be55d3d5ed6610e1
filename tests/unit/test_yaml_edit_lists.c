// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// session/yaml_edit.c: lists (items inserted and removed in block and flow
// style), and what is refused — anchors, merges, UTF-16, stale nodes, an
// edit that would not read back — with the text left byte-identical.

#include "session/yaml_access.h"
#include "session/yaml_edit.h"
#include "session/yaml_write.h"
#include "yaml_edit_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
test_yaml_items_block(void)
{
  MdYamlDoc doc = {0};
  if (!ye_open(&doc, "inserts:\r\n"
                      "  - type: eq      # one\r\n"
                      "    bands: []\r\n"
                      "  - type: limiter\r\n"
                      "points:\r\n"
                      "- [0, 1]\r\n"
                      "last: [1]")) {
    return;
  }
  EDIT(ye_insert_item(&doc, "inserts", 2U, "{type: compressor, threshold_db: -20}", E));
  EDIT(ye_insert_item(&doc, "inserts", 0U, "{type: gate}", E));
  EDIT(ye_insert_item(&doc, "points", 1U, "[2, 0]", E)); // an indentless list
  EDIT(ye_insert_item(&doc, "inserts/1/bands", 0U, "{freq: 80}", E));
  CHECK_TEXT(&doc, "inserts:\r\n" // new mappings in block style, as their siblings
                   "  - type: gate\r\n"
                   "  - type: eq      # one\r\n"
                   "    bands: [{freq: 80}]\r\n"
                   "  - type: limiter\r\n"
                   "  - type: compressor\r\n"
                   "    threshold_db: -20\r\n"
                   "points:\r\n"
                   "- [0, 1]\r\n"
                   "- [2, 0]\r\n"
                   "last: [1]");
  EDIT(md_yaml_doc_remove_item(&doc, ye_node(&doc, "inserts"), 1U, E)); // its whole lines
  EDIT(md_yaml_doc_remove_item(&doc, ye_node(&doc, "inserts"), 2U, E)); // the last
  EDIT(md_yaml_doc_remove_item(&doc, ye_node(&doc, "points"), 0U, E));
  EDIT(md_yaml_doc_remove_item(&doc, ye_node(&doc, "points"), 0U, E)); // the only one: []
  EDIT(md_yaml_doc_remove_item(&doc, ye_node(&doc, "last"), 0U, E));
  CHECK_TEXT(&doc, "inserts:\r\n"
                   "  - type: gate\r\n"
                   "  - type: limiter\r\n"
                   "points: []\r\n"
                   "last: []");
  char error[400] = "";
  CHECK(!md_yaml_doc_remove_item(&doc, ye_node(&doc, "last"), 0U, error, sizeof error));
  CHECK_MSG(!strcmp(error, "no item 1 in a list of 0"), "%s", error);
  md_yaml_doc_close(&doc);
}

static void
test_yaml_items_flow(void)
{
  MdYamlDoc doc = {0};
  if (!ye_open(&doc, "a: []\n"
                      "b: [1, 2, 3]   # three\n"
                      "c: [\n"
                      "  x,\n"
                      "  y\n"
                      "]\n")) {
    return;
  }
  EDIT(ye_insert_item(&doc, "a", 0U, "[0, -6]", E)); // into []
  EDIT(ye_insert_item(&doc, "a", 1U, "[1, 0]", E));
  EDIT(ye_insert_item(&doc, "b", 1U, "1.5", E));
  EDIT(ye_insert_item(&doc, "c", 2U, "z", E));
  EDIT(ye_insert_item(&doc, "c", 0U, "w", E));
  CHECK_TEXT(&doc, "a: [[0, -6], [1, 0]]\n"
                   "b: [1, 1.5, 2, 3]   # three\n"
                   "c: [\n"
                   "  w,\n"
                   "  x,\n"
                   "  y,\n"
                   "  z\n"
                   "]\n");
  EDIT(md_yaml_doc_remove_item(&doc, ye_node(&doc, "b"), 0U, E));
  EDIT(md_yaml_doc_remove_item(&doc, ye_node(&doc, "b"), 2U, E));
  EDIT(md_yaml_doc_remove_item(&doc, ye_node(&doc, "c"), 3U, E));
  EDIT(md_yaml_doc_remove_item(&doc, ye_node(&doc, "c"), 1U, E));
  EDIT(md_yaml_doc_remove_item(&doc, ye_node(&doc, "a"), 1U, E));
  EDIT(md_yaml_doc_remove_item(&doc, ye_node(&doc, "a"), 0U, E));
  CHECK_TEXT(&doc, "a: []\n"
                   "b: [1.5, 2]   # three\n"
                   "c: [\n"
                   "  w,\n"
                   "  y\n"
                   "]\n");
  md_yaml_doc_close(&doc);
}

// An edit whose text would not read back as intended is refused, and the
// document is as it was (here a flow key without a value: `{a}`).
static void
test_yaml_unreadable_edit_refused(void)
{
  const char* text = "m: {a, b: 1}   # keep\n";
  MdYamlDoc   doc  = {0};
  if (!ye_open(&doc, text)) {
    return;
  }
  char error[400] = "";
  CHECK(!ye_replace(&doc, "m/a", "5", error, sizeof error));
  CHECK_MSG(strstr(error, "would not read back") != NULL, "%s", error);
  CHECK_TEXT(&doc, text);
  EDIT(ye_replace(&doc, "m/b", "2", E)); // the document still edits
  CHECK_TEXT(&doc, "m: {a, b: 2}   # keep\n");
  md_yaml_doc_close(&doc);
}

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
  if (!ye_open(&doc, text)) {
    return;
  }
  char error[400] = "";
  CHECK(!ye_replace(&doc, "defaults/gain_db", "-4", error, sizeof error));
  CHECK_MSG(strstr(error, "at line 2 carries an anchor (&defaults)") != NULL, "%s", error);
  CHECK(!ye_replace(&doc, "tracks/0/gain_db", "-4", error, sizeof error)); // merged from the anchor
  CHECK_MSG(strstr(error, "of the anchored value at line 3") != NULL, "%s", error);
  CHECK(!ye_replace(&doc, "tracks/1/gain_db", "-4", error, sizeof error)); // an alias
  CHECK_MSG(strstr(error, "at line 9 is a copy") && strstr(error, "anchored value at line 1"), "%s", error);
  CHECK(!ye_replace(&doc, "level", "3", error, sizeof error));
  CHECK(!md_yaml_doc_remove_key(&doc, ye_node(&doc, "tracks/0"), "pan", error, sizeof error));
  CHECK_MSG(strstr(error, "merge key") != NULL, "%s", error);
  CHECK_TEXT(&doc, text); // all refused: byte-identical
  // Beside them: a key a merge gives is overridden by one written in the
  // mapping; the pair with an alias value can go.
  EDIT(ye_set_key(&doc, "tracks/0", "gain_db", "-6", E));
  EDIT(md_yaml_doc_remove_key(&doc, ye_node(&doc, "tracks/1"), "gain_db", E));
  EDIT(ye_replace(&doc, "tracks/1/name", "c", E));
  CHECK_TEXT(&doc, "level: &level 2\n"
                   "defaults: &defaults\n"
                   "  gain_db: -3\n"
                   "  pan: 0\n"
                   "tracks:\n"
                   "  - <<: *defaults\n"
                   "    name: a\n"
                   "    gain_db: -6\n"
                   "  - name: c\n");
  ye_check_reads(&doc, "tracks/0/gain_db", "-6");
  ye_check_reads(&doc, "tracks/0/pan", "0");
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
  if (!ye_open(&doc, ye_block_session)) {
    return;
  }
  // A stale node, a key, a wrong kind, an index past the end.
  MdYNode* stale = ye_value("{a: 1}");
  MdYNode* v     = ye_value("1");
  CHECK(stale && v && !md_yaml_doc_replace(&doc, stale, v, error, sizeof error));
  CHECK_MSG(strstr(error, "not in this document") != NULL, "%s", error);
  const MdYNode* track = ye_node(&doc, "tracks/0");
  CHECK(!md_yaml_doc_replace(&doc, track->items[0], v, error, sizeof error));
  CHECK(!md_yaml_doc_set_key(&doc, ye_node(&doc, "tracks"), "x", v, error, sizeof error));
  CHECK_MSG(!strcmp(error, "a list is not a mapping"), "%s", error);
  CHECK(!md_yaml_doc_insert_item(&doc, ye_node(&doc, "tracks"), 3U, v, error, sizeof error));
  CHECK_MSG(!strcmp(error, "item 4 is past the end of a list of 2"), "%s", error);
  CHECK_TEXT(&doc, ye_block_session);
  md_ynode_free(stale);
  md_ynode_free(v);
  md_yaml_doc_close(&doc);
}

const TestCase yaml_edit_list_tests[] = {
  {"yaml_items_block", test_yaml_items_block},
  {"yaml_items_flow", test_yaml_items_flow},
  {"yaml_unreadable_edit_refused", test_yaml_unreadable_edit_refused},
  {"yaml_anchors_refused", test_yaml_anchors_refused},
  {"yaml_refusals_keep_text", test_yaml_refusals_keep_text},
  {NULL, NULL},
};
