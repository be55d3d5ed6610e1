// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Streams one clip from disk at the session rate: libsndfile decodes, soxr
// (very high quality) converts the rate when the source's differs.  Memory
// is a fixed chunk whatever the file's length.  A source keeps its file
// open if the process's file budget (io/file_budget.h) has a slot for it;
// otherwise it opens the file by name for each 64 KiB it reads (checking
// it is the same file) and closes it again: a thousand sources can play at
// once under a limit of 1024 open files, with the same audio.  A file cut
// short, replaced or failing while it plays is an error, never silence.
// Thread: one at a time per source (any thread).

#ifndef MD_SOURCE_H
#define MD_SOURCE_H

#include "mixdown.h"

#include <stdint.h>

typedef struct MdSource MdSource;

/// The most channels a source may have (mono or stereo).
#define MD_SOURCE_MAX_CHANNELS 2U

/// Opens `path` at source frame `offset_frames` for output at `out_rate`.
/// On failure (including more than MD_SOURCE_MAX_CHANNELS channels) returns
/// NULL and writes why to `message`.
MdSource* md_source_open(const char* path, int64_t offset_frames, double out_rate,
                         char* message, size_t message_size);
/// md_source_open() that says why it failed: MIXDOWN_ERR_NO_MEM when memory
/// ran out, MIXDOWN_ERR_DECODE for anything about the file (`message` says
/// what); *source is NULL then.
MixdownStatus md_source_open_status(const char* path, int64_t offset_frames, double out_rate, MdSource** source,
                                    char* message, size_t message_size);
void      md_source_close(MdSource* source);

/// Channels of the source (1 or 2).
uint32_t md_source_channels(const MdSource* source);
/// Frames the source gives at the output rate, from its offset to its end
/// (rounded up).
uint64_t md_source_length(const MdSource* source);
/// Frames of the whole file at its own rate, as its header says.
int64_t md_source_file_frames(const MdSource* source);
/// Frames of audio md_source_read() has given so far (at the output rate;
/// not the silence after the end): where the audio ran out after a failure.
uint64_t md_source_delivered(const MdSource* source);

/// Reads `frames` frames at the session rate into `out` (planar, one buffer
/// per source channel).  Past the end of the file the rest is silence.
/// Non-finite samples are replaced with silence and counted in `non_finite`;
/// `first_bad` (may be NULL) gets the frame of the first one, or UINT32_MAX.
/// MIXDOWN_ERR_DECODE (and why in `message`) when the file fails to
/// decode, fails to read, or was truncated or replaced since it was opened.
MixdownStatus md_source_read(MdSource* source, float* const* out, uint32_t frames,
                             uint64_t* non_finite, uint32_t* first_bad, char* message,
                             size_t message_size);

#endif
