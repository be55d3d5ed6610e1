// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// mixdown_analyze_session(): renders a session into meters only (the mix
// and every strip, pre and post fader) and writes nothing.  A session
// with a loudness target is finished as render finishes it (premaster,
// gain, true-peak limiter), so that the figures are those of the file
// render would write.

#include "finish/finish.h"
#include "io/measure.h"
#include "mixdown.h"
#include "session/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MD_ANALYZE_FRAMES 4096U


/* The finishing passes measure instead of writing. ------------------------ */

typedef struct {
  double     rate;
  MdMeasure* pass; ///< The pass being measured, then the one kept
  const MixdownAnalyzeOptions* opt;
  char       stage[64];
} MdMeterSink;

static MixdownStatus
meter_begin(void* ctx, char* message, size_t message_size)
{
  MdMeterSink* m = ctx;
  md_measure_free(m->pass);
  if (!(m->pass = md_measure_new(2U, m->rate, MD_MEASURE_FULL))) {
    snprintf(message, message_size, "out of memory");
    return MIXDOWN_ERR_NO_MEM;
  }
  return MIXDOWN_SUCCESS;
}

static MixdownStatus
meter_write(void* ctx, const float* left, const float* right, uint32_t n, char* message, size_t message_size)
{
  (void)message;
  (void)message_size;
  MdMeterSink*       m         = ctx;
  const float* const planar[2] = {left, right};
  md_measure_add_planar(m->pass, planar, n);
  return MIXDOWN_SUCCESS;
}

static MixdownStatus
meter_end(void* ctx, double* loudness_lufs, double* true_peak_db, char* message, size_t message_size)
{
  (void)message;
  (void)message_size;
  MdMeterSink*  m = ctx;
  MixdownLevels levels;
  md_measure_levels(m->pass, &levels);
  *loudness_lufs = levels.integrated_lufs;
  *true_peak_db  = levels.true_peak_dbtp;
  return MIXDOWN_SUCCESS;
}

static void
meter_drop(void* ctx)
{
  MdMeterSink* m = ctx;
  md_measure_free(m->pass);
  m->pass = NULL;
}

static void
meter_progress(void* user_data, uint32_t pass, double fraction)
{
  MdMeterSink* m = user_data;
  if (m->opt->progress_stage) {
    snprintf(m->stage, sizeof m->stage, "finishing as render would, pass %u", pass + 1U);
    // The mix pass is 80 %; passes share the rest, each half what is left.
    m->opt->progress_stage(m->opt->user_data, m->stage, 1.0 - 0.2 * pow(0.5, pass + fraction));
  }
}

/* ------------------------------------------------------------------------ */

static void
fill_analysis(MixdownAnalysis* analysis, const MdMeasure* mix, uint32_t rate)
{
  const uint32_t size = analysis->size;
  memset(analysis, 0, sizeof *analysis);
  analysis->size        = size;
  analysis->sample_rate = rate;
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
}

// The mix pass: every block into the mix meter (and the premaster).
static MixdownStatus
measure_mix(MixdownEngine* engine, MdMeasure* mix, MdPremaster* premaster, const MixdownAnalyzeOptions* opt,
            double share, char* message, size_t message_size)
{
  float*         left  = malloc(MD_ANALYZE_FRAMES * sizeof(float));
  float*         right = malloc(MD_ANALYZE_FRAMES * sizeof(float));
  const uint64_t total = mixdown_engine_length(engine);
  uint64_t       done  = 0U;
  MixdownStatus  st    = MIXDOWN_SUCCESS;
  if (!left || !right) {
    snprintf(message, message_size, "out of memory");
    st = MIXDOWN_ERR_NO_MEM;
  }
  for (uint32_t got = 1U; !st && got;) {
    if (opt->cancel && *opt->cancel) {
      snprintf(message, message_size, "interrupted: the analysis was stopped");
      st = MIXDOWN_ERR_INTERRUPTED;
      break;
    }
    if ((st = mixdown_engine_pull(engine, left, right, MD_ANALYZE_FRAMES, &got))) {
      snprintf(message, message_size, "%s", mixdown_engine_message(engine));
      break;
    }
    const float* const planar[2] = {left, right};
    md_measure_add_planar(mix, planar, got);
    if (premaster && got) {
      st = md_premaster_write(premaster, left, right, got, message, message_size);
    }
    done += got;
    if (opt->progress_stage && total) {
      opt->progress_stage(opt->user_data, "mixing", share * (double)done / (double)total);
    }
  }
  free(left);
  free(right);
  return st;
}

static void
report_strips(MixdownEngine* engine, const MixdownAnalyzeOptions* opt)
{
  for (uint32_t k = 0U; opt->node_levels && k < mixdown_engine_node_count(engine); ++k) {
    MixdownNodeLevels levels;
    if (mixdown_engine_node_levels(engine, k, &levels) == MIXDOWN_SUCCESS) {
      opt->node_levels(opt->user_data, &levels);
    }
  }
  for (uint32_t k = 0U; opt->meter && k < mixdown_engine_meter_count(engine); ++k) {
    MixdownMeterReport report;
    if (mixdown_engine_meter(engine, k, &report) == MIXDOWN_SUCCESS) {
      opt->meter(opt->user_data, &report);
    }
  }
}

MixdownStatus
mixdown_analyze_session_with(const MixdownSession* session, const MixdownAnalyzeOptions* options,
                             MixdownAnalysis* analysis, char* message, size_t message_size)
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
  const MixdownAnalyzeOptions defaults = {.size = sizeof defaults};
  const MixdownAnalyzeOptions* opt     = options ? options : &defaults;
  const MdLoudness*            target  = md_session_finish_target(session);
  MixdownEngine*               engine  = NULL;
  MixdownStatus                st      = mixdown_engine_new(session, &engine, message, message_size);
  if (st) {
    return st;
  }
  MdMeasure*   mix       = md_measure_new(2U, session->sample_rate, MD_MEASURE_FULL);
  MdPremaster* premaster = NULL;
  if (!mix || (st = mixdown_engine_enable_levels(engine, MIXDOWN_LEVELS_FULL))) {
    snprintf(message, message_size, "out of memory");
    st = MIXDOWN_ERR_NO_MEM;
  } else if ((st = mixdown_engine_set_threads(engine, opt->threads))) {
    snprintf(message, message_size, "cannot start the worker threads");
  } else if (target) {
    st = md_premaster_open(opt->temp_dir, session->sample_rate, mixdown_engine_length(engine), &premaster, message,
                           message_size);
  }
  if (!st) {
    st = measure_mix(engine, mix, premaster, opt, premaster ? 0.8 : 1.0, message, message_size);
  }
  if (!st) {
    fill_analysis(analysis, mix, session->sample_rate);
    report_strips(engine, opt);
  }
  if (!st && premaster) {
    const MdFinishGoal goal  = {true, target->target_lufs, true, target->true_peak_db};
    MdMeterSink        meter = {.rate = session->sample_rate, .opt = opt};
    const MdFinishSink sink  = {meter_begin, meter_write, meter_end, NULL, meter_drop, &meter};
    MdFinishResult     result;
    const double       mix_lufs = analysis->integrated_lufs;
    st = md_finish(premaster, &goal, &sink, opt->cancel, meter_progress, &meter, &result, message, message_size);
    if (!st) {
      fill_analysis(analysis, meter.pass, session->sample_rate);
      analysis->finished            = 1;
      analysis->mix_integrated_lufs = mix_lufs;
      analysis->target_lufs         = goal.target_lufs;
      analysis->ceiling_db          = goal.ceiling_db;
      analysis->finish_gain_db      = result.gain_db;
      analysis->finish_limiter_db   = result.limiter_db;
    }
    md_measure_free(meter.pass);
  }
  if (!st && opt->progress_stage) {
    opt->progress_stage(opt->user_data, "done", 1.0);
  }
  md_premaster_free(premaster);
  md_measure_free(mix);
  mixdown_engine_free(engine);
  return st;
}

MixdownStatus
mixdown_analyze_session(const MixdownSession* session, MixdownAnalysis* analysis,
                        void (*node_levels)(void* user_data, const MixdownNodeLevels* levels),
                        void (*meter)(void* user_data, const MixdownMeterReport* meter),
                        void* user_data, char* message, size_t message_size)
{
  const MixdownAnalyzeOptions options = {.size        = sizeof options,
                                         .node_levels = node_levels,
                                         .meter       = meter,
                                         .user_data   = user_data};
  return mixdown_analyze_session_with(session, &options, analysis, message, message_size);
}
