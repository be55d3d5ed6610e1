// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Helpers of the text-editing tests (yaml_edit_support.h).

#include "yaml_edit_support.h"

#include "session/yaml_access.h"
#include "session/yaml_write.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char ye_block_session[] = "# A session, hand-formatted\n"
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


bool
ye_open(MdYamlDoc* doc, const char* text)
{
  char     error[300];
  unsigned line = 0U, column = 0U;
  const bool ok = md_yaml_doc_open(doc, text, strlen(text), error, sizeof error, &line, &column);
  CHECK_MSG(ok, "%u:%u: %s", line, column, error);
  return ok;
}

// A node by a path like "tracks/0/gain_db" (numbers are list indices).
const MdYNode*
ye_node(const MdYamlDoc* doc, const char* path)
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
MdYNode*
ye_value(const char* yaml)
{
  char     error[300];
  unsigned line = 0U, column = 0U;
  MdYNode* node = md_yaml_parse(yaml, strlen(yaml), error, sizeof error, &line, &column);
  CHECK_MSG(node != NULL, "%s: %s", yaml, error);
  return node;
}

// The node at `path` reads back as `yaml`.
void
ye_check_reads(const MdYamlDoc* doc, const char* path, const char* yaml)
{
  const MdYNode* node = ye_node(doc, path);
  MdYNode*       want = ye_value(yaml);
  if (node && want) {
    CHECK_MSG(md_yaml_node_equal(node, want), "%s does not read back as %s", path, yaml);
  }
  md_ynode_free(want);
}

// Replaces the value at `path` with `yaml`; true when done.
bool
ye_replace(MdYamlDoc* doc, const char* path, const char* yaml, char* error, size_t size)
{
  MdYNode*   v  = ye_value(yaml);
  const bool ok = v && md_yaml_doc_replace(doc, ye_node(doc, path), v, error, size);
  md_ynode_free(v);
  return ok;
}

bool
ye_set_key(MdYamlDoc* doc, const char* path, const char* key, const char* yaml, char* error, size_t size)
{
  MdYNode*   v  = ye_value(yaml);
  const bool ok = v && md_yaml_doc_set_key(doc, ye_node(doc, path), key, v, error, size);
  md_ynode_free(v);
  return ok;
}

bool
ye_insert_item(MdYamlDoc* doc, const char* path, size_t index, const char* yaml, char* error, size_t size)
{
  MdYNode*   v  = ye_value(yaml);
  const bool ok = v && md_yaml_doc_insert_item(doc, ye_node(doc, path), index, v, error, size);
  md_ynode_free(v);
  return ok;
}

