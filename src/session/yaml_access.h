// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Reading a YAML tree (yamltree.h): a mapping's value by key, null, a
// strict number.  The validator reads the tree through these, so that
// what counts as a key, a null or a number is decided in one place.
// Any thread; no global state.

#ifndef MD_YAML_ACCESS_H
#define MD_YAML_ACCESS_H

#include "session/yamltree.h"

#include <stdbool.h>

/// The value of `key` in `map`; NULL when `map` is not a mapping or has no
/// such key (a key that is not a scalar never matches).  The first of a key
/// given twice.
const MdYNode* md_ynode_get(const MdYNode* map, const char* key);

/// True for a plain (unquoted) `null`, `~` or empty scalar.
bool md_ynode_is_null(const MdYNode* node);

/// Strict number syntax: the whole scalar, finite, unquoted.  False (and
/// `*out` untouched) for anything else.
bool md_ynode_number(const MdYNode* node, double* out);

#endif
