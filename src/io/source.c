// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "io/source.h"

#include <sndfile.h>
#include <soxr.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MD_SOURCE_CHUNK 1024U // frames decoded per read: small, so thousands of tracks stay cheap

struct MdSource {
  SNDFILE* file;
  uint32_t channels;
  soxr_t   resampler;     ///< NULL when the rates match
  float*   decoded;       ///< Interleaved chunk from the file
  size_t   decoded_have;  ///< Frames in `decoded` not yet given to soxr
  size_t   decoded_pos;   ///< First frame of `decoded` not yet used
  float*   converted;     ///< Interleaved output of soxr
  bool     may_be_non_finite; ///< Float or double samples (PCM is always finite)
  uint64_t length;        ///< Frames at the output rate, from the offset on
  bool     file_done;     ///< The file has no more frames
  bool     failed;        ///< Decoding failed (the file is damaged)
};

MdSource*
md_source_open(const char* path, int64_t offset_frames, double out_rate, char* message,
               size_t message_size)
{
  MdSource* s = calloc(1U, sizeof(MdSource));
  if (!s) {
    snprintf(message, message_size, "out of memory");
    return NULL;
  }
  SF_INFO info = {0};
  s->file      = sf_open(path, SFM_READ, &info);
  if (!s->file) {
    snprintf(message, message_size, "cannot open `%s`: %s", path, sf_strerror(NULL));
    free(s);
    return NULL;
  }
  if (info.channels < 1 || (uint32_t)info.channels > MD_SOURCE_MAX_CHANNELS || info.samplerate < 1) {
    snprintf(message, message_size, "`%s` has %d channels at %d Hz; mixdown takes mono or stereo sources",
             path, info.channels, info.samplerate);
    sf_close(s->file);
    free(s);
    return NULL;
  }
  s->channels  = (uint32_t)info.channels;
  const int sub = info.format & SF_FORMAT_SUBMASK;
  // Anything that is not plainly integer PCM is checked sample by sample.
  s->may_be_non_finite = !(sub == SF_FORMAT_PCM_S8 || sub == SF_FORMAT_PCM_U8 || sub == SF_FORMAT_PCM_16 ||
                           sub == SF_FORMAT_PCM_24 || sub == SF_FORMAT_PCM_32);
  s->decoded   = malloc(MD_SOURCE_CHUNK * s->channels * sizeof(float));
  s->converted = malloc(MD_SOURCE_CHUNK * s->channels * sizeof(float));
  if (!s->decoded || !s->converted) {
    snprintf(message, message_size, "out of memory");
    md_source_close(s);
    return NULL;
  }
  if (offset_frames > 0 && sf_seek(s->file, (sf_count_t)offset_frames, SEEK_SET) < 0) {
    snprintf(message, message_size, "cannot seek in `%s`: %s", path, sf_strerror(s->file));
    md_source_close(s);
    return NULL;
  }
  const int64_t left = info.frames - (offset_frames > 0 ? offset_frames : 0);
  s->length          = left > 0 ? (uint64_t)ceil((double)left * out_rate / info.samplerate) : 0U;
  if ((double)info.samplerate != out_rate) {
    soxr_error_t            error   = NULL;
    const soxr_io_spec_t    io      = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_VHQ, 0);
    s->resampler = soxr_create((double)info.samplerate, out_rate, s->channels, &error, &io, &quality, NULL);
    if (error) {
      snprintf(message, message_size, "cannot resample `%s`: %s", path, error);
      md_source_close(s);
      return NULL;
    }
  }
  return s;
}

void
md_source_close(MdSource* s)
{
  if (!s) {
    return;
  }
  if (s->file) {
    sf_close(s->file);
  }
  soxr_delete(s->resampler);
  free(s->decoded);
  free(s->converted);
  free(s);
}

uint32_t
md_source_channels(const MdSource* s)
{
  return s->channels;
}

uint64_t
md_source_length(const MdSource* s)
{
  return s->length;
}

static void
decode_more(MdSource* s)
{
  if (s->file_done || s->decoded_pos < s->decoded_have) {
    return;
  }
  const sf_count_t got = sf_readf_float(s->file, s->decoded, MD_SOURCE_CHUNK);
  s->decoded_have      = got > 0 ? (size_t)got : 0U;
  s->decoded_pos       = 0U;
  if (got < (sf_count_t)MD_SOURCE_CHUNK) {
    s->file_done = true; // short read: end of file, or damage
    s->failed    = sf_error(s->file) != SF_ERR_NO_ERROR;
  }
}

// Produces up to `want` interleaved frames at the output rate: in `dst`,
// or (without resampling) straight from the decoded chunk, through *frames.
static size_t
produce(MdSource* s, float* dst, size_t want, const float** frames)
{
  *frames = dst;
  if (!s->resampler) {
    decode_more(s);
    size_t n = s->decoded_have - s->decoded_pos;
    n        = n < want ? n : want;
    *frames  = s->decoded + s->decoded_pos * s->channels;
    s->decoded_pos += n;
    return n;
  }
  size_t made = 0U;
  while (made < want) {
    decode_more(s);
    size_t in_used = 0U;
    size_t out_got = 0U;
    const size_t in_have = s->decoded_have - s->decoded_pos;
    if (in_have == 0U && s->file_done) {
      // No input left: a NULL input tells soxr to drain what it holds.
      soxr_process(s->resampler, NULL, 0U, NULL, dst + made * s->channels, want - made, &out_got);
      made += out_got;
      if (out_got == 0U) {
        break;
      }
      continue;
    }
    soxr_process(s->resampler, s->decoded + s->decoded_pos * s->channels, in_have, &in_used,
                 dst + made * s->channels, want - made, &out_got);
    s->decoded_pos += in_used;
    made += out_got;
  }
  return made;
}

// Planar copy of interleaved frames, replacing NaN and infinity (only float
// files can hold them) with silence: they must not poison the mix.
static void
deinterleave_checked(const float* in, uint32_t channels, float* const* out, uint32_t at, size_t n,
                     uint64_t* non_finite, uint32_t* bad)
{
  for (size_t i = 0U; i < n; ++i) {
    for (uint32_t c = 0U; c < channels; ++c) {
      float x = in[i * channels + c];
      if (!isfinite(x)) {
        x = 0.0f;
        ++*non_finite;
        *bad = *bad == UINT32_MAX ? at + (uint32_t)i : *bad;
      }
      out[c][at + i] = x;
    }
  }
}

MixdownStatus
md_source_read(MdSource* s, float* const* out, uint32_t frames, uint64_t* non_finite, uint32_t* first_bad,
               char* message, size_t message_size)
{
  uint32_t done = 0U;
  uint32_t bad  = UINT32_MAX;
  while (done < frames) {
    size_t want = frames - done;
    want        = want < MD_SOURCE_CHUNK ? want : MD_SOURCE_CHUNK;
    const float* in  = NULL;
    const size_t got = produce(s, s->converted, want, &in);
    if (s->may_be_non_finite) {
      deinterleave_checked(in, s->channels, out, done, got, non_finite, &bad);
    } else if (s->channels == 2U) {
      float* const left  = out[0] + done;
      float* const right = out[1] + done;
      for (size_t i = 0U; i < got; ++i) {
        left[i]  = in[2U * i];
        right[i] = in[2U * i + 1U];
      }
    } else {
      memcpy(out[0] + done, in, got * sizeof(float));
    }
    done += (uint32_t)got;
    if (got == 0U) {
      break;
    }
  }
  for (uint32_t c = 0U; c < s->channels; ++c) {
    for (uint32_t i = done; i < frames; ++i) {
      out[c][i] = 0.0f;
    }
  }
  if (first_bad) {
    *first_bad = bad;
  }
  if (s->failed) {
    snprintf(message, message_size, "decoding failed: %s", sf_strerror(s->file));
    return MIXDOWN_ERR_DECODE;
  }
  return MIXDOWN_SUCCESS;
}
