// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "engine/clip.h"

#include "dsp/db.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

MixdownStatus
md_clip_init(MdClipPlayer* clip, const MdClip* model, double rate_hz)
{
  memset(clip, 0, sizeof *clip);
  clip->path = strdup(model->path);
  if (!clip->path) {
    return MIXDOWN_ERR_NO_MEM;
  }
  clip->start           = llround(model->start_s * rate_hz);
  clip->end             = clip->start + llround(model->length_s * rate_hz);
  clip->offset      = llround(model->offset_s * model->rate);
  clip->source_rate_hz  = model->rate;
  clip->gain_linear     = md_db_to_gain(model->gain_db);
  clip->fade_in_frames  = llround(model->fade_in_s * rate_hz);
  clip->fade_out_frames = llround(model->fade_out_s * rate_hz);
  clip->channels    = model->channels;
  clip->source_frames = model->frames;
  clip->kernels       = md_kernels();
  return MIXDOWN_SUCCESS;
}

bool
md_clip_spreads_mono(const MdNode* track)
{
  bool mono   = false;
  bool stereo = false;
  for (size_t i = 0U; i < track->n_clips; ++i) {
    mono   = mono || track->clips[i].channels == 1U;
    stereo = stereo || track->clips[i].channels == 2U;
  }
  return mono && stereo;
}

void
md_clip_free(MdClipPlayer* clip)
{
  md_source_close(clip->source);
  clip->source = NULL;
  free(clip->path);
  clip->path = NULL;
}

// Raised-cosine fade gain at `pos` frames into a fade of `len` frames.
static double
fade_gain(int64_t pos, int64_t len)
{
  if (pos <= 0) {
    return 0.0;
  }
  if (pos >= len) {
    return 1.0;
  }
  return 0.5 - 0.5 * cos(M_PI * (double)pos / (double)len);
}

// Opens the source where timeline frame `from` falls in the clip.
static MixdownStatus
open_at(MdClipPlayer* clip, double rate_hz, int64_t from, char* message, size_t message_size)
{
  md_source_close(clip->source);
  const int64_t into   = from - clip->start;
  const int64_t offset       = clip->offset + llround((double)into * clip->source_rate_hz / rate_hz);
  const MixdownStatus opened = md_source_open_status(clip->path, offset, rate_hz, &clip->source, message, message_size);
  if (opened) {
    return opened; // out of memory, or the file (MIXDOWN_ERR_DECODE)
  }
  if (md_source_channels(clip->source) != clip->channels) {
    snprintf(message, message_size, "`%s` changed on disk since the session was checked (%u channels, not %u)",
             clip->path, md_source_channels(clip->source), clip->channels);
    md_source_close(clip->source);
    clip->source = NULL;
    return MIXDOWN_ERR_DECODE;
  }
  if (md_source_file_frames(clip->source) != clip->source_frames) {
    snprintf(message, message_size,
             "`%s` changed on disk since the session was checked (%lld frames, not %lld): at %.3f s, where its "
             "clip plays", clip->path, (long long)md_source_file_frames(clip->source),
             (long long)clip->source_frames, (double)from / rate_hz);
    md_source_close(clip->source);
    clip->source = NULL;
    return MIXDOWN_ERR_DECODE;
  }
  clip->opened_at_frame = from;
  clip->next_frame      = from;
  return MIXDOWN_SUCCESS;
}

// out += x × gain, with the fades where they fall.  Frames [steady_from,
// steady_to) are clear of both fades: there the gain is constant and a
// kernel adds them (the same rounding as the loop here).
static void
add_faded(const MdClipPlayer* clip, const float* x, float* out, int64_t first, uint32_t count)
{
  const int64_t  fade_out_at = clip->end - clip->start - clip->fade_out_frames;
  const uint32_t steady_from = (uint32_t)(clip->fade_in_frames > first ? (clip->fade_in_frames - first < count ? clip->fade_in_frames - first : count) : 0);
  const uint32_t steady_to   = (uint32_t)(fade_out_at > first ? (fade_out_at - first < count ? fade_out_at - first : count) : 0);
  for (uint32_t i = 0U; i < count; ++i) {
    if (i == steady_from && steady_from < steady_to) {
      clip->kernels->mix_add_f64_gain(out + i, x + i, clip->gain_linear, steady_to - i);
      i = steady_to;
      if (i == count) {
        break;
      }
    }
    const int64_t pos  = first + (int64_t)i;
    double        gain = clip->gain_linear;
    if (pos < clip->fade_in_frames) {
      gain *= fade_gain(pos, clip->fade_in_frames);
    }
    if (clip->end - clip->start - pos <= clip->fade_out_frames) {
      gain *= fade_gain(clip->end - clip->start - pos - 1, clip->fade_out_frames);
    }
    out[i] += (float)(x[i] * gain);
  }
}

MixdownStatus
md_clip_play(MdClipPlayer* clip, double rate_hz, int64_t t0, uint32_t n, float* const* out, uint32_t out_channels,
             float* const* scratch, MdClipScrub* scrub, char* message, size_t message_size)
{
  const int64_t from = clip->start > t0 ? clip->start : t0;
  const int64_t to   = clip->end < t0 + n ? clip->end : t0 + (int64_t)n;
  if (from >= to) {
    return MIXDOWN_SUCCESS;
  }
  if (!clip->source || clip->next_frame != from) {
    const MixdownStatus st = open_at(clip, rate_hz, from, message, message_size);
    if (st) {
      return st;
    }
  }
  const uint32_t      count = (uint32_t)(to - from);
  uint32_t            bad   = UINT32_MAX;
  const MixdownStatus st    = md_source_read(clip->source, scratch, count, &scrub->non_finite, &bad, message,
                                             message_size);
  if (bad != UINT32_MAX && scrub->first_bad == UINT32_MAX) {
    scrub->first_bad = (uint32_t)(from - t0) + bad;
  }
  if (st) {
    // Where its audio ran out, on the timeline.
    const size_t used = strlen(message);
    snprintf(message + used, message_size - used, " at %.3f s",
             (double)(clip->opened_at_frame + (int64_t)md_source_delivered(clip->source)) / rate_hz);
    return st;
  }
  clip->next_frame  = to;
  const uint32_t at = (uint32_t)(from - t0);
  for (uint32_t c = 0U; c < out_channels; ++c) {
    add_faded(clip, scratch[clip->channels == 2U ? c : 0U], out[c] + at, from - clip->start, count);
  }
  if (to == clip->end) {
    md_source_close(clip->source); // keep file handles to the clips playing now
    clip->source = NULL;
  }
  return MIXDOWN_SUCCESS;
}
