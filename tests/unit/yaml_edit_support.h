// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Helpers of the text-editing tests (test_yaml_edit*.c): open a document,
// find a node by a path like "tracks/0/gain_db", edit with YAML text, and
// compare whole texts byte for byte.

#ifndef MD_TEST_YAML_EDIT_SUPPORT_H
#define MD_TEST_YAML_EDIT_SUPPORT_H

#include "session/yaml_edit.h"
#include "support.h"

#include <string.h>

/// A block session with comments, UTF-8, quotes, a tab and blank lines.
extern const char ye_block_session[];

bool           ye_open(MdYamlDoc* doc, const char* text);
/// The node at a path like "tracks/0/gain_db" (numbers are list indices; "" the root).
const MdYNode* ye_node(const MdYamlDoc* doc, const char* path);
/// A value from YAML text (the caller frees it).
MdYNode*       ye_value(const char* yaml);
/// The node at `path` reads back as `yaml`.
void           ye_check_reads(const MdYamlDoc* doc, const char* path, const char* yaml);
bool ye_replace(MdYamlDoc* doc, const char* path, const char* yaml, char* error, size_t size);
bool ye_set_key(MdYamlDoc* doc, const char* path, const char* key, const char* yaml, char* error, size_t size);
bool ye_insert_item(MdYamlDoc* doc, const char* path, size_t index, const char* yaml, char* error, size_t size);

#define CHECK_TEXT(doc, expected)                                                                  \
  CHECK_MSG(!strcmp((doc)->text, (expected)) && (doc)->length == strlen(expected),               \
            "text:\n%s\n---- expected:\n%s\n----", (doc)->text, (expected))

#define EDIT(call)                                                                                 \
  do {                                                                                             \
    char edit_error_[400] = "";                                                                    \
    CHECK_MSG(call, "%s: %s", #call, edit_error_);                                                 \
  } while (0)
#define E edit_error_, sizeof edit_error_


#endif
