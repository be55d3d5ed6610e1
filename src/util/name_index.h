// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// A hash index from names to numbers (open addressing, FNV-1a), so that a
// session with a hundred thousand tracks and buses resolves its routing in
// linear time.  The names are borrowed: they must outlive the index.
//
// Thread: control (allocates).

#ifndef MD_NAME_INDEX_H
#define MD_NAME_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MD_NAME_NONE UINT32_MAX

typedef struct {
  const char** names;
  uint32_t*    values;
  size_t       capacity; ///< A power of two, at least twice the entries
} MdNameIndex;

/// Room for `expected` names; false when out of memory.
bool md_name_index_init(MdNameIndex* index, size_t expected);
void md_name_index_free(MdNameIndex* index);

/// Adds `name` → `value`.  Returns MD_NAME_NONE, or the value already held
/// by that name (which is kept).
uint32_t md_name_index_add(MdNameIndex* index, const char* name, uint32_t value);

/// The value of `name`, or MD_NAME_NONE.
uint32_t md_name_index_find(const MdNameIndex* index, const char* name);

#endif
