// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// session/yaml_edit_layout.c: what an edit adds looks like what the file
// already has — the separators of compact JSON and flow YAML, the file's
// indentation step (four columns, lists flush with their key, `-   a`),
// block mappings among block siblings — and a block value replaced by a
// scalar keeps the comments of its key's line and its last line apart.

#include "session/yaml_edit.h"
#include "yaml_edit_support.h"

#include <stdio.h>
#include <string.h>

// New keys and items in compact JSON and compact flow YAML: no spaces
// after `,` and `:` when the siblings have none (also inside a new value).
static void
test_yaml_layout_compact_separators(void)
{
  MdYamlDoc doc = {0};
  if (!ye_open(&doc, "{\"tracks\":[{\"name\":\"a\",\"gain_db\":-1,\"inserts\":[{\"type\":\"gain\"}]}],\"x\":[1,2]}")) {
    return;
  }
  EDIT(ye_set_key(&doc, "tracks/0", "pan", "-0.3", E));
  EDIT(ye_insert_item(&doc, "tracks/0/inserts", 1U, "{type: eq, bands: [{freq: 100, q: 1}]}", E));
  EDIT(ye_insert_item(&doc, "x", 0U, "0", E)); // before the first item
  CHECK_TEXT(&doc, "{\"tracks\":[{\"name\":\"a\",\"gain_db\":-1,\"inserts\":[{\"type\":\"gain\"},"
                   "{\"type\":\"eq\",\"bands\":[{\"freq\":100,\"q\":1}]}],\"pan\":-0.3}],\"x\":[0,1,2]}");
  md_yaml_doc_close(&doc);

  // Pretty JSON keeps its `": "` and `, `.
  if (!ye_open(&doc, "{\"a\": {\"b\": 1, \"c\": [1, 2]}}")) {
    return;
  }
  EDIT(ye_set_key(&doc, "a", "d", "{e: [3, 4]}", E));
  CHECK_TEXT(&doc, "{\"a\": {\"b\": 1, \"c\": [1, 2], \"d\": {\"e\": [3, 4]}}}");
  md_yaml_doc_close(&doc);

  // Flow YAML without spaces after commas: none added (a bare key keeps `: `).
  if (!ye_open(&doc, "points: [[0,-6],[1,0]]\nout: {file: a.wav,bits: 24}\n")) {
    return;
  }
  EDIT(ye_insert_item(&doc, "points", 2U, "[2, -3]", E));
  EDIT(ye_set_key(&doc, "out", "dither", "tpdf", E));
  CHECK_TEXT(&doc, "points: [[0,-6],[1,0],[2,-3]]\nout: {file: a.wav,bits: 24,dither: tpdf}\n");
  md_yaml_doc_close(&doc);
}

// A file indented by four, lists flush with their key, items `-   a`: new
// block values follow (not two columns in).
static void
test_yaml_layout_indent_four(void)
{
  MdYamlDoc doc = {0};
  if (!ye_open(&doc, "tracks:\n"
                      "-   name: bass\n"
                      "    inserts:\n"
                      "    -   type: compressor\n"
                      "        ratio: 4\n"
                      "master:\n"
                      "    gain_db: -1\n")) {
    return;
  }
  EDIT(ye_set_key(&doc, "tracks/0", "gain_db",
                  "{points: [[0, -60], [0.25, -6], [0.5, -6], [0.75, 0], [1.0, -3], [1.5, -4], [1.75, -8]], "
                  "curve: smooth}",
                  E));
  EDIT(ye_insert_item(&doc, "tracks/0/inserts", 1U, "{type: eq, bands: [{freq: 100}]}", E));
  EDIT(ye_insert_item(&doc, "tracks", 1U, "{name: drums, file: d.wav}", E));
  CHECK_TEXT(&doc, "tracks:\n"
                   "-   name: bass\n"
                   "    inserts:\n"
                   "    -   type: compressor\n"
                   "        ratio: 4\n"
                   "    -   type: eq\n"
                   "        bands: [{freq: 100}]\n"
                   "    gain_db:\n"
                   "        points:\n"
                   "        -   [0, -60]\n"
                   "        -   [0.25, -6]\n"
                   "        -   [0.5, -6]\n"
                   "        -   [0.75, 0]\n"
                   "        -   [1.0, -3]\n"
                   "        -   [1.5, -4]\n"
                   "        -   [1.75, -8]\n"
                   "        curve: smooth\n"
                   "-   name: drums\n"
                   "    file: d.wav\n"
                   "master:\n"
                   "    gain_db: -1\n");
  md_yaml_doc_close(&doc);
}

// EQ bands written as block mappings: a new band is one too, key per line.
static void
test_yaml_layout_block_siblings(void)
{
  MdYamlDoc doc = {0};
  if (!ye_open(&doc, "bands:\r\n"
                      "  - type: bell\r\n"
                      "    freq: 3000\r\n"
                      "flow:\r\n"
                      "  - {type: bell, freq: 100}\r\n")) {
    return;
  }
  EDIT(ye_insert_item(&doc, "bands", 1U, "{type: notch, freq: 60, q: 8}", E));
  EDIT(ye_insert_item(&doc, "flow", 1U, "{type: notch, freq: 60}", E)); // flow siblings: a flow line
  CHECK_TEXT(&doc, "bands:\r\n"
                   "  - type: bell\r\n"
                   "    freq: 3000\r\n"
                   "  - type: notch\r\n"
                   "    freq: 60\r\n"
                   "    q: 8\r\n"
                   "flow:\r\n"
                   "  - {type: bell, freq: 100}\r\n"
                   "  - {type: notch, freq: 60}\r\n");
  md_yaml_doc_close(&doc);
}

// A block envelope replaced by a number: the key line's comment follows
// the number; the last line's comment stays on a line of its own.
static void
test_yaml_layout_block_to_scalar_comments(void)
{
  MdYamlDoc doc = {0};
  if (!ye_open(&doc, "a:\n"
                      "  gain_db:   # ride\n"
                      "    points:\n"
                      "      - [0, -6]   # low\n"
                      "      - [1, 0]\n"
                      "    curve: linear   # end\n"
                      "  pan: 0\n"
                      "b:\n"
                      "  gain_db:\n"
                      "    points: [[0, 1]]   # only this one\n")) {
    return;
  }
  EDIT(ye_replace(&doc, "a/gain_db", "-3", E));
  EDIT(ye_replace(&doc, "b/gain_db", "-2", E));
  CHECK_TEXT(&doc, "a:\n"
                   "  gain_db: -3   # ride\n"
                   "  # end\n"
                   "  pan: 0\n"
                   "b:\n"
                   "  gain_db: -2   # only this one\n");
  md_yaml_doc_close(&doc);
}

const TestCase yaml_edit_layout_tests[] = {
  {"yaml_layout_compact_separators", test_yaml_layout_compact_separators},
  {"yaml_layout_indent_four", test_yaml_layout_indent_four},
  {"yaml_layout_block_siblings", test_yaml_layout_block_siblings},
  {"yaml_layout_block_to_scalar_comments", test_yaml_layout_block_to_scalar_comments},
  {NULL, NULL},
};
