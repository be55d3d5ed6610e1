// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// What an audio file holds, from its header, and whether its end decodes:
// what session validation checks a clip's source and an insert's file
// (an impulse response) with, so that the session never opens audio
// itself (it asks io/ through this).
//
// Thread: control (opens and reads the file).

#ifndef MD_IO_PROBE_H
#define MD_IO_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
  int     channels; ///< As the header says (any count)
  int     rate_hz;  ///< As the header says (any rate)
  int64_t frames;   ///< As the header says (an estimate for MP3)
  /// False when a mono or stereo file's last frames, which the header
  /// promises, do not decode (a FLAC or Ogg file cut short).  Not checked
  /// (true) for other channel counts, MP3, or a file that cannot seek.
  bool end_decodes;
} MdSourceProbe;

/// Opens `path` as audio and reads what it holds.  False when it cannot
/// be opened as audio: `message` then holds the decoder's reason.
bool md_source_probe(const char* path, MdSourceProbe* probe, char* message, size_t message_size);

#endif
