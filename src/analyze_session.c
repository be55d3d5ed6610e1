// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// mixdown_analyze_session(): renders a session into meters only (the mix
// and every strip, pre and post fader) and writes nothing.

#include "io/measure.h"
#include "mixdown.h"
#include "session/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MD_ANALYZE_FRAMES 4096U

MixdownStatus
mixdown_analyze_session(const MixdownSession* session, MixdownAnalysis* analysis,
                        void (*node_levels)(void* user_data, const MixdownNodeLevels* levels),
                        void (*meter)(void* user_data, const MixdownMeterReport* meter),
                        void* user_data, char* message, size_t message_size)
{
  char scratch[8];
  if (!message) {
    message      = scratch;
    message_size = sizeof scratch;
  }
  if (!session || !analysis) {
    snprintf(message, message_size, "invalid argument");
    return MIXDOWN_ERR_BAD_ARG;
  }
  MixdownEngine* engine = NULL;
  MixdownStatus  st     = mixdown_engine_new(session, &engine, message, message_size);
  if (st) {
    return st;
  }
  MdMeasure* mix   = md_measure_new(2U, session->sample_rate, MD_MEASURE_FULL);
  float*     left  = malloc(MD_ANALYZE_FRAMES * sizeof(float));
  float*     right = malloc(MD_ANALYZE_FRAMES * sizeof(float));
  if (!mix || !left || !right || (st = mixdown_engine_enable_levels(engine, MIXDOWN_LEVELS_FULL))) {
    snprintf(message, message_size, "out of memory");
    st = MIXDOWN_ERR_NO_MEM;
  }
  for (uint32_t got = 1U; !st && got;) {
    st = mixdown_engine_pull(engine, left, right, MD_ANALYZE_FRAMES, &got);
    const float* const planar[2] = {left, right};
    if (!st) {
      md_measure_add_planar(mix, planar, got);
    } else {
      snprintf(message, message_size, "%s", mixdown_engine_message(engine));
    }
  }
  if (!st) {
    const uint32_t size = analysis->size;
    memset(analysis, 0, sizeof *analysis);
    analysis->size        = size;
    analysis->sample_rate = session->sample_rate;
    analysis->channels    = 2U;
    analysis->frames      = md_measure_frames(mix);
    md_measure_levels(mix, &analysis->levels);
    for (uint32_t c = 0U; c < 2U; ++c) {
      md_measure_channel(mix, c, &analysis->peak_dbfs[c], &analysis->rms_dbfs[c]);
    }
    analysis->peak_dbfs_max     = analysis->levels.peak_dbfs;
    analysis->integrated_lufs   = analysis->levels.integrated_lufs;
    analysis->loudness_range_lu = analysis->levels.loudness_range_lu;
    analysis->true_peak_dbtp    = analysis->levels.true_peak_dbtp;
    for (uint32_t k = 0U; node_levels && k < mixdown_engine_node_count(engine); ++k) {
      MixdownNodeLevels levels;
      if (mixdown_engine_node_levels(engine, k, &levels) == MIXDOWN_SUCCESS) {
        node_levels(user_data, &levels);
      }
    }
    for (uint32_t k = 0U; meter && k < mixdown_engine_meter_count(engine); ++k) {
      MixdownMeterReport report;
      if (mixdown_engine_meter(engine, k, &report) == MIXDOWN_SUCCESS) {
        meter(user_data, &report);
      }
    }
  }
  md_measure_free(mix);
  free(left);
  free(right);
  mixdown_engine_free(engine);
  return st;
}
