// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Reading a YAML tree: see yaml_access.h.

#include "session/yaml_access.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const MdYNode*
md_ynode_get(const MdYNode* map, const char* key)
{
  if (!map || map->kind != MD_YNODE_MAPPING) {
    return NULL;
  }
  for (size_t i = 0U; i < map->n_items; ++i) {
    const MdYNode* k = map->items[2U * i];
    if (k->kind == MD_YNODE_SCALAR && !strcmp(k->text, key)) {
      return map->items[2U * i + 1U];
    }
  }
  return NULL;
}

bool
md_ynode_is_null(const MdYNode* node)
{
  return node->kind == MD_YNODE_SCALAR && !node->quoted &&
         (!strcmp(node->text, "null") || !strcmp(node->text, "~") || !node->text[0]);
}

// Strict number syntax: the whole scalar, finite, unquoted.
bool
md_ynode_number(const MdYNode* node, double* out)
{
  if (node->kind != MD_YNODE_SCALAR || node->quoted || !node->text[0]) {
    return false;
  }
  char* end = NULL;
  errno     = 0;
  double x  = strtod(node->text, &end);
  if (*end || errno == ERANGE || !isfinite(x)) {
    return false;
  }
  *out = x;
  return true;
}
