// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// session/yaml_access.c: a tree read and changed in memory (the value
// trees the editor writes are built with it; yaml_edit.c writes them
// into a session's text).

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

const TestCase yaml_access_tests[] = {
  {"yaml_access: md_ynode_get/at/number read a tree; set, append and new change it", test_tree_read_and_changed},
  {NULL, NULL},
};
