// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// A whole audio file decoded into memory at a given rate: what a
// processor's load() gets (a convolution reverb's impulse response, any
// file parameter).  It streams the file through io/source.c (libsndfile
// decodes, soxr converts the rate), so a file loads with the same samples
// a clip of it would play; the engine calls this and never decodes itself.
//
// Thread: control (opens, reads and allocates).

#ifndef MD_IO_AUDIO_FILE_H
#define MD_IO_AUDIO_FILE_H

#include "mixdown.h"

#include <stddef.h>
#include <stdint.h>

/// Planes of a decoded file: md_audio_file_read() fills them.  Both planes
/// are allocated (`frames` + 1 floats each, zeroed past the audio) whatever
/// the channel count, so a stereo-only reader of a mono file reads silence.
typedef struct {
  float*   planes[2];
  uint32_t channels;     ///< 1 or 2
  uint64_t length_frames; ///< At the requested rate, rounded up
} MdAudioFile;

/// Decodes `path` whole at `rate_hz` into `file`.  On failure returns
/// MIXDOWN_ERR_DECODE or MIXDOWN_ERR_NO_MEM, leaves `file` empty and
/// writes why to `message`: the decoder's reason when the file cannot be
/// opened, "cannot load `PATH`" when reading or allocating fails.
MixdownStatus md_audio_file_read(const char* path, double rate_hz, MdAudioFile* file,
                                 char* message, size_t message_size);

/// Frees the planes (`file` may be empty or zeroed).
void md_audio_file_free(MdAudioFile* file);

#endif
