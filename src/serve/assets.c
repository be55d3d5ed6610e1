// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Finding a bundled file by its exact path (assets.h).  Thread: any.

#include "serve/assets.h"

#include <string.h>

const MdAsset*
md_asset_find(const MdAsset* table, size_t count, const char* path, size_t length)
{
  // A few dozen files: a linear scan of exact matches (no prefix, no case folding).
  for (size_t i = 0U; i < count; ++i) {
    if (strlen(table[i].path) == length && !memcmp(table[i].path, path, length)) {
      return &table[i];
    }
  }
  return NULL;
}
