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
#include <stdint.h>

typedef struct {
  const char* extension;   ///< With the dot, lower case: ".wav"
  const char* name;        ///< For messages: "WAV"
  int         container;   ///< libsndfile major format (SF_FORMAT_*)
  bool        lossy;       ///< Encoded (MP3, Vorbis, Opus): `bits` does not apply, `quality` does
  unsigned    bits_mask;   ///< Sample formats a lossless container holds: 1 << MIXDOWN_FORMAT_*
  int         codec;       ///< Lossy: libsndfile subtype (SF_FORMAT_VORBIS, …); lossless: 0 (from the bits)
  /// Lossy: the quality (0 smallest … 1 best) when none is given, chosen so
  /// that every codec lands near 160–190 kbit/s for stereo, where each is
  /// transparent to most listeners on most music.
  double          default_quality;
  const uint32_t* rates;   ///< Lossy: the rates the codec takes, 0-terminated; NULL: any
  uint32_t        max_rate; ///< The highest rate the encoder takes (0: any mixdown renders)
  /// Past this rate only multiples of `step_above` Hz are written (FLAC's
  /// frame headers code a rate above 65535 Hz in tens of Hz); 0: none.
  uint32_t        plain_up_to;
  uint32_t        step_above;
} MdFileFormat;

/// The format for `path`'s extension (case-insensitive), or NULL.
const MdFileFormat* md_file_format_for_path(const char* path);

/// Every supported extension, for messages: ".wav, .rf64, .flac, …".
const char* md_file_format_list(void);

/// Does `format` hold `sample_format` (MIXDOWN_FORMAT_DEFAULT always)?
bool md_file_format_holds(const MdFileFormat* format, MixdownSampleFormat sample_format);

/// The rate `format` is written at when the mix is at `rate` Hz: `rate`
/// itself when the codec takes it; otherwise the lowest rate it takes
/// above `rate` (44.1 kHz Opus → 48 kHz, the rate Opus runs at inside), or
/// its highest (96 kHz MP3 → 48 kHz).
uint32_t md_file_format_rate(const MdFileFormat* format, uint32_t rate);

/// Can `format` be written at `rate` Hz (after md_file_format_rate())?  When
/// not, writes what it takes ("FLAC takes any rate up to 65535 Hz and
/// multiples of 10 Hz above it (nearest: 384000 Hz)") into `valid`.
bool md_file_format_rate_ok(const MdFileFormat* format, uint32_t rate, char* valid, size_t size);

/// "16, 24, 32 or float" for `format`, for messages.
void md_file_format_bits_list(const MdFileFormat* format, char* out, size_t size);

#endif
