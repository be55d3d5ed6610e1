// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Reading and changing a YAML tree: see yaml_access.h.

#include "session/yaml_access.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reading ---------------------------------------------------------------- */

// The index of the pair whose key is `key`, or SIZE_MAX.
static size_t
pair_of(const MdYNode* map, const char* key)
{
  if (!map || map->kind != MD_YNODE_MAPPING) {
    return SIZE_MAX;
  }
  for (size_t i = 0U; i < map->n_items; ++i) {
    const MdYNode* k = map->items[2U * i];
    if (k->kind == MD_YNODE_SCALAR && !strcmp(k->text, key)) {
      return i;
    }
  }
  return SIZE_MAX;
}

MdYNode*
md_ynode_get(const MdYNode* map, const char* key)
{
  const size_t i = pair_of(map, key);
  return i == SIZE_MAX ? NULL : map->items[2U * i + 1U];
}

MdYNode*
md_ynode_at(const MdYNode* seq, size_t index)
{
  return seq && seq->kind == MD_YNODE_SEQUENCE && index < seq->n_items ? seq->items[index] : NULL;
}

bool
md_ynode_is_null(const MdYNode* node)
{
  return node->kind == MD_YNODE_SCALAR && !node->quoted &&
         (!strcmp(node->text, "null") || !strcmp(node->text, "~") || !node->text[0]);
}

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

/* Changing --------------------------------------------------------------- */

MdYNode*
md_ynode_new(MdYNodeKind kind)
{
  MdYNode* n = calloc(1U, sizeof *n);
  if (n) {
    n->kind = kind;
  }
  return n;
}

MdYNode*
md_ynode_new_scalar(const char* text, bool quoted)
{
  MdYNode* n = md_ynode_new(MD_YNODE_SCALAR);
  if (n && !(n->text = strdup(text))) {
    free(n);
    return NULL;
  }
  if (n) {
    n->quoted = quoted;
  }
  return n;
}

MdYNode*
md_ynode_new_number(double value)
{
  char text[40];
  snprintf(text, sizeof text, "%.10g", value);
  return md_ynode_new_scalar(text, false);
}

void
md_yaml_format_number(double value, char* out, size_t size)
{
  int digits = 1;
  for (; digits < 17; ++digits) {
    snprintf(out, size, "%.*g", digits, value);
    if (strtod(out, NULL) == value) {
      break;
    }
  }
  snprintf(out, size, "%.*g", digits, value);
  const double magnitude = fabs(value);
  if (strchr(out, 'e') && magnitude >= 1e-5 && magnitude < 1e16) {
    const int exponent = (int)floor(log10(magnitude));
    const int decimals = digits - 1 - exponent;
    snprintf(out, size, "%.*f", decimals > 0 ? decimals : 0, value);
  }
  if (!strcmp(out, "-0")) {
    snprintf(out, size, "0"); // -0 reads as 0 anyway; "-0" looks like a slip
  }
}

MdYNode*
md_ynode_new_number_exact(double value)
{
  char text[48];
  md_yaml_format_number(value, text, sizeof text);
  return md_ynode_new_scalar(text, false);
}

bool
md_ynode_append(MdYNode* parent, MdYNode* a, MdYNode* b)
{
  const size_t per   = parent->kind == MD_YNODE_MAPPING ? 2U : 1U;
  MdYNode**    items = realloc(parent->items, (parent->n_items + 1U) * per * sizeof(MdYNode*));
  if (!items || !a || (per == 2U && !b)) {
    if (items) {
      parent->items = items;
    }
    md_ynode_free(a);
    md_ynode_free(b);
    return false;
  }
  parent->items                        = items;
  parent->items[parent->n_items * per] = a;
  if (per == 2U) {
    parent->items[parent->n_items * 2U + 1U] = b;
  }
  ++parent->n_items;
  return true;
}

bool
md_ynode_set(MdYNode* map, const char* key, MdYNode* value)
{
  const size_t i = pair_of(map, key);
  if (i != SIZE_MAX) {
    md_ynode_free(map->items[2U * i + 1U]);
    map->items[2U * i + 1U] = value;
    return true;
  }
  return md_ynode_append(map, md_ynode_new_scalar(key, false), value);
}

MdYNode*
md_ynode_find(const MdYNode* root, const MdYPathStep* path, size_t depth)
{
  MdYNode* node = (MdYNode*)root; // the caller's tree: as md_ynode_get()
  for (size_t i = 0U; node && i < depth; ++i) {
    node = path[i].key ? md_ynode_get(node, path[i].key) : md_ynode_at(node, path[i].index);
  }
  return node;
}
