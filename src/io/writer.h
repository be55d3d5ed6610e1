// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Writes the stereo mix: optional rate conversion (soxr), TPDF dither to
// integer formats, encoding (libsndfile: WAV, RF64, FLAC, and MP3, Ogg
// Vorbis and Opus, see io/formats.c), and loudness measured on what is
// written (libebur128) — for the lossy formats, on what goes into the
// encoder: the decoded file differs by the codec's error (well within
// 0.5 LU at the default qualities).  The file is written without a name
// (io/atomic_file.h: O_TMPFILE, or a temporary name beside the target)
// and put in place only by md_writer_commit(): a failure, an interruption
// or the death of the process never leaves a truncated mix or clobbers
// the previous one.  A device or FIFO is written through, never replaced.
//
// Thread: control, one thread per writer.

#ifndef MD_WRITER_H
#define MD_WRITER_H

#include "util/dither.h"
#include "io/formats.h"
#include "mixdown.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct MdWriter MdWriter;

typedef struct {
  uint64_t frames;        ///< Frames written
  double   peak;          ///< Highest |sample| before dither (linear)
  double   loudness_lufs; ///< Integrated loudness of what was written
  double   true_peak;     ///< Highest true peak (linear)
  uint64_t clipped;       ///< Samples clipped by an integer format (lossy: beyond full scale)
  uint32_t rate;          ///< Hz: the rate of the file (Opus and MP3 take only some: md_writer_note())
  double   sum_lr, sum_ll, sum_rr; ///< For the stereo correlation
} MdWriterStats;

/// Starts writing `path`, in the format its extension names (io/formats.h;
/// any other name is refused).  `expected_frames` (at the input rate)
/// picks RF64 for a .wav that would pass the 4 GiB limit of RIFF.  The
/// file is at `out_rate` (0: `in_rate`), or — when the codec does not take
/// that rate (Opus: 8, 12, 16, 24 or 48 kHz; MP3: up to 48 kHz) — at the
/// nearest rate above that it takes (md_writer_note() says so).  Lossy
/// formats take float, without dither (`format` and `dither` do not apply).
MixdownStatus md_writer_open(const char* path, MixdownSampleFormat format, MdDither dither,
                             double in_rate, uint32_t out_rate, uint64_t expected_frames,
                             MdWriter** writer, char* message, size_t message_size);

/// Where md_writer_open_to() writes, beyond the path.
typedef struct {
  const MdFileFormat* file_format; ///< NULL: from the path's extension (a device may have none)
  bool                may_drop;    ///< A pass that may be dropped: never sent to a device before commit
  const char*         temp_dir;    ///< Where a device's spool is held (NULL: /tmp; io/atomic_file.h)
} MdWriterTarget;

/// md_writer_open() with the format given and the pass marked (above).
MixdownStatus md_writer_open_to(const char* path, const MdWriterTarget* target, MixdownSampleFormat format,
                                MdDither dither, double in_rate, uint32_t out_rate, uint64_t expected_frames,
                                MdWriter** writer, char* message, size_t message_size);

/// Leaves loudness and true peak unmeasured (MdWriterStats reads -inf);
/// call before the first md_writer_write().
void md_writer_skip_loudness(MdWriter* writer);

/// Sets the quality of a lossy format, 0 (smallest) … 1 (best), on each
/// codec's own scale through libsndfile: MP3 is LAME's variable bit rate
/// -V(10 − 10 × quality), Vorbis -q(10 × quality), Opus 2 × (6 + 250 ×
/// quality) kbit/s.  Without a call, the format's default (about 160–190
/// kbit/s: io/formats.c).  Call before the first md_writer_write(); no-op
/// for lossless formats.  MIXDOWN_ERR_BAD_ARG outside 0 … 1 or too late.
MixdownStatus md_writer_set_quality(MdWriter* writer, double quality);

/// What the user should know about this file ("" when nothing): the rate
/// it is written at when that is not the one asked for.
const char* md_writer_note(const MdWriter* writer);

/// Sets the file's tags (NULL entries are skipped), in the order of
/// MD_TAG_* in session/model.h; call before the first md_writer_write().
/// WAV (LIST/INFO), FLAC, Vorbis and Opus (Vorbis comments) keep them all;
/// MP3 (ID3v2) all but the copyright.
void md_writer_set_tags(MdWriter* writer, char* const* tags);

/// Appends `n` stereo frames at the input rate.
MixdownStatus md_writer_write(MdWriter* writer, const float* left, const float* right, uint32_t n,
                              char* message, size_t message_size);

/// Ends the audio (drains the rate converter) and measures what was
/// written; the file is not in place yet: md_writer_commit() or
/// md_writer_abort() follows.  On failure the writer is freed (aborted).
MixdownStatus md_writer_finish(MdWriter* writer, MdWriterStats* stats, char* message,
                               size_t message_size);

/// Finishes the file (if md_writer_finish() was not called) and puts it
/// in place (io/atomic_file.h: fsynced, the previous file's mode and owner
/// kept, its folder fsynced); frees `writer` either way.  On failure the
/// previous file is as it was.
MixdownStatus md_writer_commit(MdWriter* writer, MdWriterStats* stats, char* message,
                               size_t message_size);

/// Drops what was written and frees `writer` (NULL is ignored).
void md_writer_abort(MdWriter* writer);

#endif
