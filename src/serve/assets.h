// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The page's files, bundled into the library: scripts/embed-assets.py
// turns every file under web/ into this table (web_assets.c, generated at
// build time), and the server serves these bytes from memory and nothing
// else — no file system is read to answer a request.
//
// Thread: any (constant data).

#ifndef MD_SERVE_ASSETS_H
#define MD_SERVE_ASSETS_H

#include <stddef.h>

typedef struct {
  const char*          path;  ///< URL path: "/index.html", "/app.js", "/panels/eq.js"
  const char*          mime;  ///< Content-Type, from the file's extension
  const unsigned char* bytes; ///< The file's content (followed by a NUL not counted in size)
  size_t               size;  ///< Bytes
} MdAsset;

/// The table, sorted by path (generated).
extern const MdAsset md_assets[];
extern const size_t  md_asset_count;

/// The asset at exactly `path` (`length` bytes), or NULL.
const MdAsset* md_asset_find(const MdAsset* table, size_t count, const char* path, size_t length);

#endif
