// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `mixdown analyze`: sample peak and RMS per channel, and loudness (integrated,
// range, true peak) from libebur128.

#include "mixdown.h"

#include <ebur128.h>
#include <sndfile.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MD_ANALYZE_CHUNK 8192U

static double
to_db(double linear)
{
  return linear > 0.0 ? 20.0 * log10(linear) : -HUGE_VAL;
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
  const uint32_t size = a->size;
  memset(a, 0, sizeof *a);
  a->size      = size;
  SF_INFO  info = {0};
  SNDFILE* file = sf_open(path, SFM_READ, &info);
  if (!file) {
    snprintf(message, message_size, "cannot open `%s`: %s", path, sf_strerror(NULL));
    return MIXDOWN_ERR_IO;
  }
  const uint32_t channels = (uint32_t)info.channels;
  ebur128_state* meter = ebur128_init(channels, (unsigned long)info.samplerate,
                                      EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_TRUE_PEAK);
  float*  buffer = malloc(MD_ANALYZE_CHUNK * channels * sizeof(float));
  double* sum_sq = calloc(channels, sizeof(double));
  double* peak   = calloc(channels, sizeof(double));
  if (!meter || !buffer || !sum_sq || !peak) {
    snprintf(message, message_size, "out of memory");
    sf_close(file);
    if (meter) {
      ebur128_destroy(&meter);
    }
    free(buffer);
    free(sum_sq);
    free(peak);
    return MIXDOWN_ERR_NO_MEM;
  }
  // Multichannel files beyond 5.1 have no standard loudness weighting;
  // libebur128 weights the first five and ignores the rest.
  sf_count_t got = 0;
  uint64_t   frames = 0U;
  while ((got = sf_readf_float(file, buffer, MD_ANALYZE_CHUNK)) > 0) {
    for (sf_count_t i = 0; i < got; ++i) {
      for (uint32_t c = 0U; c < channels; ++c) {
        const double x = buffer[(size_t)i * channels + c];
        sum_sq[c] += x * x;
        if (fabs(x) > peak[c]) {
          peak[c] = fabs(x);
        }
      }
    }
    ebur128_add_frames_float(meter, buffer, (size_t)got);
    frames += (uint64_t)got;
  }
  const bool failed = sf_error(file) != SF_ERR_NO_ERROR;
  if (failed) {
    snprintf(message, message_size, "decoding `%s` failed: %s", path, sf_strerror(file));
  }
  sf_close(file);
  a->sample_rate     = (uint32_t)info.samplerate;
  a->channels        = channels;
  a->frames          = frames;
  a->peak_dbfs_max   = -HUGE_VAL;
  a->true_peak_dbtp  = -HUGE_VAL;
  for (uint32_t c = 0U; c < channels; ++c) {
    double tp = 0.0;
    ebur128_true_peak(meter, c, &tp);
    if (to_db(tp) > a->true_peak_dbtp) {
      a->true_peak_dbtp = to_db(tp);
    }
    if (to_db(peak[c]) > a->peak_dbfs_max) {
      a->peak_dbfs_max = to_db(peak[c]);
    }
    if (c < 8U) {
      a->peak_dbfs[c] = to_db(peak[c]);
      a->rms_dbfs[c]  = frames ? to_db(sqrt(sum_sq[c] / (double)frames)) : -HUGE_VAL;
    }
  }
  if (ebur128_loudness_global(meter, &a->integrated_lufs) != EBUR128_SUCCESS) {
    a->integrated_lufs = -HUGE_VAL;
  }
  if (ebur128_loudness_range(meter, &a->loudness_range_lu) != EBUR128_SUCCESS) {
    a->loudness_range_lu = 0.0;
  }
  ebur128_destroy(&meter);
  free(buffer);
  free(sum_sq);
  free(peak);
  return failed ? MIXDOWN_ERR_DECODE : MIXDOWN_SUCCESS;
}
