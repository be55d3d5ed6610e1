// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// session/emit.c and session/yaml_access.c: a tree read, changed and
// written back, byte for byte (what a recorded take and `mixdown set`
// build on).

#include "session/emit.h"
#include "session/yaml_access.h"
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static MdYNode*
parse(const char* text)
{
  char     error[300];
  unsigned line = 0U, column = 0U;
  MdYNode* root = md_yaml_parse(text, strlen(text), error, sizeof error, &line, &column);
  CHECK_MSG(root != NULL, "%u:%u: %s", line, column, error);
  return root;
}

// The emitter's bytes for `root` (the caller frees them).
static char*
emit(const MdYNode* root, const MdEmitOptions* options)
{
  char*  text = NULL;
  size_t size = 0U;
  FILE*  out  = open_memstream(&text, &size);
  if (!out) {
    return NULL;
  }
  md_yaml_emit(out, root, options);
  fclose(out);
  return text;
}

static void
test_tree_written_as_flow_yaml(void)
{
  MdYNode* root = parse("mixdown: 1\n"
                        "tracks:\n"
                        "  - name: \"true\"      # a string that looks like a switch\n"
                        "    file: a.wav\n"
                        "    gain_db: -3.50\n"
                        "    mute: off\n"
                        "    pan: {points: [[0, -1], [2.5, 1]], curve: linear}\n"
                        "    note: \"say \\\"hi\\\"\\tnow\"\n"
                        "    empty: ~\n");
  if (!root) {
    return;
  }
  static const char* const path_keys[] = {"file", NULL};
  const MdEmitOptions      keep        = {NULL, path_keys};
  char*                    text        = emit(root, &keep);
  const char*              expected    = "{\n"
                                         "  \"mixdown\": 1,\n"
                                         "  \"tracks\": [\n"
                                         "    {\n"
                                         "      \"name\": \"true\",\n"
                                         "      \"file\": \"a.wav\",\n"
                                         "      \"gain_db\": -3.50,\n"
                                         "      \"mute\": off,\n"
                                         "      \"pan\": {\n"
                                         "        \"points\": [\n"
                                         "          [0, -1],\n"
                                         "          [2.5, 1]\n"
                                         "        ],\n"
                                         "        \"curve\": \"linear\"\n"
                                         "      },\n"
                                         "      \"note\": \"say \\\"hi\\\"\\u0009now\",\n"
                                         "      \"empty\": ~\n"
                                         "    }\n"
                                         "  ]\n"
                                         "}";
  CHECK_MSG(text && !strcmp(text, expected), "emitted:\n%s\nexpected:\n%s", text ? text : "(null)", expected);
  free(text);
  // From another folder, relative paths under the path keys only.
  const MdEmitOptions moved = {"/music/song", path_keys};
  text                      = emit(root, &moved);
  CHECK_MSG(text && strstr(text, "\"file\": \"/music/song/a.wav\"") && strstr(text, "\"name\": \"true\""), "%s",
            text ? text : "(null)");
  free(text);
  md_ynode_free(root);
}

static void
test_tree_read_and_changed(void)
{
  MdYNode* root = parse("a: 1\n[x]: 2\nlist: [10, 20]\nq: \"5\"\n");
  if (!root) {
    return;
  }
  double x = 0.0;
  CHECK(md_ynode_get(root, "a") && md_ynode_number(md_ynode_get(root, "a"), &x) && x == 1.0);
  CHECK(!md_ynode_number(md_ynode_get(root, "q"), &x)); // quoted: a string
  CHECK(md_ynode_get(root, "x") == NULL);               // a key that is not a scalar never matches
  CHECK(md_ynode_at(md_ynode_get(root, "list"), 1U) && !strcmp(md_ynode_at(md_ynode_get(root, "list"), 1U)->text, "20"));
  CHECK(md_ynode_at(md_ynode_get(root, "list"), 2U) == NULL);
  CHECK(md_ynode_at(root, 0U) == NULL); // a mapping is not a list
  // Set replaces in place (order kept) or appends; append grows a list.
  CHECK(md_ynode_set(root, "a", md_ynode_new_number(0.1 + 0.2)));
  CHECK(md_ynode_set(root, "new", md_ynode_new_scalar("on", true)));
  CHECK(md_ynode_append(md_ynode_get(root, "list"), md_ynode_new_number(-1e-300), NULL));
  CHECK(!md_ynode_append(md_ynode_get(root, "list"), NULL, NULL)); // a failed new node: refused, list unchanged
  CHECK(md_ynode_get(root, "list")->n_items == 3U);
  CHECK(!strcmp(root->items[0]->text, "a") && !strcmp(md_ynode_get(root, "a")->text, "0.3")); // in place, %.10g
  CHECK(root->n_items == 5U && !strcmp(root->items[8]->text, "new") && md_ynode_get(root, "new")->quoted);
  CHECK(!strcmp(md_ynode_at(md_ynode_get(root, "list"), 2U)->text, "-1e-300"));
  md_ynode_free(root);
}

static void
test_changed_tree_bytes(void)
{
  MdYNode* root = parse("gain_db: -6\nsends: [{to: fx, level_db: -12}]\n");
  if (!root) {
    return;
  }
  MdYNode* env    = md_ynode_new(MD_YNODE_MAPPING);
  MdYNode* points = md_ynode_new(MD_YNODE_SEQUENCE);
  MdYNode* pair   = md_ynode_new(MD_YNODE_SEQUENCE);
  CHECK(env && points && pair);
  CHECK(md_ynode_append(pair, md_ynode_new_number(0.0), NULL) && md_ynode_append(pair, md_ynode_new_number(-6.0), NULL));
  CHECK(md_ynode_append(points, pair, NULL));
  CHECK(md_ynode_set(env, "points", points) && md_ynode_set(env, "curve", md_ynode_new_scalar("linear", true)));
  CHECK(md_ynode_set(root, "gain_db", env));
  CHECK(md_ynode_set(md_ynode_at(md_ynode_get(root, "sends"), 0U), "pre_fader", md_ynode_new_scalar("true", false)));
  const MdEmitOptions options  = {NULL, NULL};
  char*               text     = emit(root, &options);
  const char*         expected = "{\n"
                                 "  \"gain_db\": {\n"
                                 "    \"points\": [\n"
                                 "      [0, -6]\n"
                                 "    ],\n"
                                 "    \"curve\": \"linear\"\n"
                                 "  },\n"
                                 "  \"sends\": [\n"
                                 "    {\n"
                                 "      \"to\": \"fx\",\n"
                                 "      \"level_db\": -12,\n"
                                 "      \"pre_fader\": true\n"
                                 "    }\n"
                                 "  ]\n"
                                 "}";
  CHECK_MSG(text && !strcmp(text, expected), "emitted:\n%s\nexpected:\n%s", text ? text : "(null)", expected);
  // What was written reads back as the same tree.
  MdYNode* again = text ? parse(text) : NULL;
  char*    twice = again ? emit(again, &options) : NULL;
  CHECK(twice && text && !strcmp(twice, text));
  free(twice);
  md_ynode_free(again);
  free(text);
  md_ynode_free(root);
}

const TestCase emit_tests[] = {
  {"emit: a session tree written as flow YAML, byte for byte; paths from another folder", test_tree_written_as_flow_yaml},
  {"emit: md_ynode_get/at/number read a tree; set, append and new change it", test_tree_read_and_changed},
  {"emit: a changed tree (an envelope set, a key added) written and read back the same", test_changed_tree_bytes},
  {NULL, NULL},
};
