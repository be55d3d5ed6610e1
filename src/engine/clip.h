// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// One clip on the timeline: its source streamed from disk, its gain and
// fades.  The offline engine plays clips on its workers; live playback
// plays the same clips, with the same arithmetic, on its disk thread
// (live/feeder.h) — which is what makes play and render sound the same.
// Thread: md_clip_init()/_free() on the control thread; md_clip_play() on
// an offline worker or on live playback's disk thread (it reads files:
// never on the real-time audio thread).

#ifndef MD_CLIP_H
#define MD_CLIP_H

#include "dsp/kernels/kernels.h"
#include "io/source.h"
#include "mixdown.h"
#include "session/model.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct {
  char*     path;
  int64_t   start;       ///< Timeline frame of the first sample (test_clips.c reads these three)
  int64_t   end;         ///< Timeline frame after the last sample
  int64_t   offset;      ///< Source frame the clip starts at
  uint32_t  source_rate_hz; ///< Frames per second of the source file
  double    gain_linear; ///< The clip gain
  int64_t   fade_in_frames;
  int64_t   fade_out_frames;
  uint32_t  channels;
  int64_t   source_frames; ///< Frames of the source file when the session was checked
  MdSource* source;      ///< Open while the clip plays
  int64_t   opened_at_frame; ///< Timeline frame the open source started at
  int64_t   next_frame;  ///< Timeline frame the open source reads next
  const MdKernels* kernels; ///< The steady part of the clip gain (md_kernels(), from md_clip_init())
} MdClipPlayer;

/// What md_clip_play() found wrong with the audio it read.
typedef struct {
  uint64_t non_finite; ///< Samples replaced with silence (added to)
  uint32_t first_bad;  ///< Frame (from t0) of the first one, or UINT32_MAX (the feeder and test_clips.c read it)
} MdClipScrub;

/// True when `track` holds both mono and stereo clips.  Its pan is then a
/// balance (it is a stereo track), and its mono clips are summed apart and
/// spread onto the pair at md_pan_spread()'s gains, so that each sits where
/// the pan law would put it on a mono track: the offline engine and the
/// live disk thread both keep that sum as a third channel.
bool md_clip_spreads_mono(const MdNode* track);

/// Sets up `clip` from the session's `model` at the render rate `rate_hz`.
MixdownStatus md_clip_init(MdClipPlayer* clip, const MdClip* model, double rate_hz);
/// Closes the source and frees what md_clip_init() took.
void md_clip_free(MdClipPlayer* clip);

/// Adds what the clip plays in timeline frames [t0, t0 + n) to `out`
/// (`out_channels` buffers; a mono clip plays on both of a stereo pair).
/// `scratch` holds two buffers of `n` frames.  The source opens when the
/// clip starts and closes at its end; a jump in time (a locate, a loop)
/// reopens it where the clip now plays.  A source whose file changed since
/// the session was checked, or is cut short or replaced while it plays,
/// is MIXDOWN_ERR_DECODE with the file and the time in `message`.
MixdownStatus md_clip_play(MdClipPlayer* clip, double rate_hz, int64_t t0, uint32_t n, float* const* out,
                           uint32_t out_channels, float* const* scratch, MdClipScrub* scrub,
                           char* message, size_t message_size);

#endif
