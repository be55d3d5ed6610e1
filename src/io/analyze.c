// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `mixdown analyze FILE`: every level of io/measure.c over a whole file.

#include "io/measure.h"
#include "mixdown.h"

#include <sndfile.h>

#include <math.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MD_ANALYZE_CHUNK 8192U

MixdownStatus
md_analyze_file_measure(const char* path, MixdownAnalysis* a, bool keep_series, MdMeasure** kept,
                        char* message, size_t message_size);

// NaN and infinity (a float file may hold them) are counted and measured
// as silence: the meters take finite samples only.
static uint64_t
silence_non_finite(float* x, size_t n)
{
  uint32_t any = 0U;
  for (size_t i = 0U; i < n; ++i) {
    uint32_t bits;
    memcpy(&bits, &x[i], sizeof bits);
    any |= (bits & 0x7f800000U) == 0x7f800000U;
  }
  uint64_t bad = 0U;
  for (size_t i = 0U; any && i < n; ++i) {
    if (!isfinite(x[i])) {
      x[i] = 0.0f;
      ++bad;
    }
  }
  return bad;
}

MixdownStatus
md_analyze_file_measure(const char* path, MixdownAnalysis* a, bool keep_series, MdMeasure** kept,
                        char* message, size_t message_size)
{
  const uint32_t size = a->size;
  memset(a, 0, sizeof *a);
  a->size       = size;
  SF_INFO  info = {0};
  SNDFILE* file = sf_open(path, SFM_READ, &info);
  if (!file) {
    snprintf(message, message_size, "cannot open `%s`: %s", path, sf_strerror(NULL));
    return MIXDOWN_ERR_IO;
  }
  // Loudness has no standard weighting past 5.1; beyond 8 channels the
  // first 8 are measured.
  const uint32_t channels = (uint32_t)info.channels;
  const uint32_t measured = channels < MD_MEASURE_MAX_CHANNELS ? channels : MD_MEASURE_MAX_CHANNELS;
  MdMeasure*     m        = md_measure_new(measured, info.samplerate, keep_series ? MD_MEASURE_SERIES : MD_MEASURE_FULL);
  float*         buffer   = malloc(MD_ANALYZE_CHUNK * channels * sizeof(float));
  float*         packed   = malloc(MD_ANALYZE_CHUNK * measured * sizeof(float));
  if (!m || !buffer || !packed) {
    snprintf(message, message_size, "out of memory");
    sf_close(file);
    md_measure_free(m);
    free(buffer);
    free(packed);
    return MIXDOWN_ERR_NO_MEM;
  }
  sf_count_t got        = 0;
  uint64_t   non_finite = 0U;
  while ((got = sf_readf_float(file, buffer, MD_ANALYZE_CHUNK)) > 0) {
    non_finite += silence_non_finite(buffer, (size_t)got * channels);
    const float* x = buffer;
    if (measured != channels) {
      for (sf_count_t i = 0; i < got; ++i) {
        memcpy(packed + i * measured, buffer + i * channels, measured * sizeof(float));
      }
      x = packed;
    }
    md_measure_add_interleaved(m, x, (uint32_t)got);
  }
  const bool failed = sf_error(file) != SF_ERR_NO_ERROR;
  if (failed) {
    snprintf(message, message_size, "decoding `%s` failed: %s", path, sf_strerror(file));
  }
  sf_close(file);
  a->sample_rate = (uint32_t)info.samplerate;
  a->channels    = channels;
  a->frames      = md_measure_frames(m);
  md_measure_levels(m, &a->levels);
  for (uint32_t c = 0U; c < measured; ++c) {
    md_measure_channel(m, c, &a->peak_dbfs[c], &a->rms_dbfs[c]);
  }
  a->peak_dbfs_max     = a->levels.peak_dbfs;
  a->integrated_lufs   = a->levels.integrated_lufs;
  a->loudness_range_lu = a->levels.loudness_range_lu;
  a->true_peak_dbtp    = a->levels.true_peak_dbtp;
  if (size >= offsetof(MixdownAnalysis, non_finite) + sizeof a->non_finite) {
    a->non_finite = non_finite;
  }
  if (kept) {
    *kept = m;
  } else {
    md_measure_free(m);
  }
  free(buffer);
  free(packed);
  return failed ? MIXDOWN_ERR_DECODE : MIXDOWN_SUCCESS;
}

MixdownStatus
mixdown_analyze_file(const char* path, MixdownAnalysis* a, char* message, size_t message_size)
{
  char scratch[8];
  if (!message) {
    message      = scratch;
    message_size = sizeof scratch;
  }
  if (!path || !a) {
    snprintf(message, message_size, "invalid argument");
    return MIXDOWN_ERR_BAD_ARG;
  }
  return md_analyze_file_measure(path, a, false, NULL, message, message_size);
}
