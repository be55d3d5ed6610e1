// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "util/name_index.h"

#include <stdlib.h>
#include <string.h>

static uint64_t
hash(const char* name)
{
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const unsigned char* c = (const unsigned char*)name; *c; ++c) {
    h = (h ^ *c) * 0x100000001b3ULL;
  }
  return h;
}

bool
md_name_index_init(MdNameIndex* index, size_t expected)
{
  size_t capacity = 16U;
  while (capacity < 2U * expected) {
    capacity *= 2U;
  }
  index->capacity = capacity;
  index->names    = calloc(capacity, sizeof(const char*));
  index->values   = calloc(capacity, sizeof(uint32_t));
  if (!index->names || !index->values) {
    md_name_index_free(index); // the one that was allocated too: the caller frees nothing on failure
    return false;
  }
  return true;
}

void
md_name_index_free(MdNameIndex* index)
{
  free(index->names);
  free(index->values);
  index->names    = NULL;
  index->values   = NULL;
  index->capacity = 0U;
}

// The slot holding `name`, or the empty slot where it would go.
static size_t
probe(const MdNameIndex* index, const char* name)
{
  const size_t mask = index->capacity - 1U;
  size_t       slot = (size_t)hash(name) & mask;
  while (index->names[slot] && strcmp(index->names[slot], name)) {
    slot = (slot + 1U) & mask;
  }
  return slot;
}

uint32_t
md_name_index_add(MdNameIndex* index, const char* name, uint32_t value)
{
  const size_t slot = probe(index, name);
  if (index->names[slot]) {
    return index->values[slot];
  }
  index->names[slot]  = name;
  index->values[slot] = value;
  return MD_NAME_NONE;
}

uint32_t
md_name_index_find(const MdNameIndex* index, const char* name)
{
  if (!index->capacity) {
    return MD_NAME_NONE;
  }
  const size_t slot = probe(index, name);
  return index->names[slot] ? index->values[slot] : MD_NAME_NONE;
}
