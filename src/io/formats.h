// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The output file formats mixdown writes, declared once: session
// validation (`output.file`, `outputs:`), `render -o`, `--stems` and the
// writer all read this table, so a format is added here or nowhere.
// Pure data; any thread.

#ifndef MD_FORMATS_H
#define MD_FORMATS_H

#include "mixdown.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct {
  const char* extension;   ///< With the dot, lower case: ".wav"
  const char* name;        ///< For messages: "WAV"
  int         container;   ///< libsndfile major format (SF_FORMAT_*)
  bool        lossy;       ///< Encoded (MP3, Vorbis, Opus): `bits` does not apply, `quality` does
  unsigned    bits_mask;   ///< Sample formats a lossless container holds: 1 << MIXDOWN_FORMAT_*
} MdFileFormat;

/// The format for `path`'s extension (case-insensitive), or NULL.
const MdFileFormat* md_file_format_for_path(const char* path);

/// Every supported extension, for messages: ".wav, .rf64, .flac, …".
const char* md_file_format_list(void);

/// Does `format` hold `sample_format` (MIXDOWN_FORMAT_DEFAULT always)?
bool md_file_format_holds(const MdFileFormat* format, MixdownSampleFormat sample_format);

/// "16, 24, 32 or float" for `format`, for messages.
void md_file_format_bits_list(const MdFileFormat* format, char* out, size_t size);

#endif
