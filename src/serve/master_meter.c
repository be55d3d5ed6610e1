// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "serve/master_meter.h"

#include "io/loudness.h"

#include <math.h>
#include <stdlib.h>

struct MdServeMasterMeter {
  double      rate_hz;
  MdLoudness* loudness;
  float       planes[2][MD_SERVE_MASTER_CHUNK_FRAMES];
};

MdServeMasterMeter*
md_serve_master_meter_new(double rate_hz)
{
  MdServeMasterMeter* m = calloc(1U, sizeof *m);
  if (m) {
    m->rate_hz = rate_hz;
    if (!(m->loudness = md_loudness_new(2U, rate_hz, MD_LOUDNESS_TRUE_PEAK))) {
      free(m);
      m = NULL;
    }
  }
  return m;
}

void
md_serve_master_meter_free(MdServeMasterMeter* m)
{
  if (m) {
    md_loudness_free(m->loudness);
    free(m);
  }
}

bool
md_serve_master_meter_reset(MdServeMasterMeter* m)
{
  MdLoudness* fresh = md_loudness_new(2U, m->rate_hz, MD_LOUDNESS_TRUE_PEAK);
  if (!fresh) {
    return false;
  }
  md_loudness_free(m->loudness);
  m->loudness = fresh;
  return true;
}

void
md_serve_master_meter_add(MdServeMasterMeter* m, const float* interleaved, uint32_t frames)
{
  frames = frames < MD_SERVE_MASTER_CHUNK_FRAMES ? frames : MD_SERVE_MASTER_CHUNK_FRAMES;
  for (uint32_t i = 0U; i < frames; ++i) {
    m->planes[0][i] = interleaved[2U * i];
    m->planes[1][i] = interleaved[2U * i + 1U];
  }
  const float* const planes[2] = {m->planes[0], m->planes[1]};
  md_loudness_add(m->loudness, planes, frames);
}

void
md_serve_master_meter_read(const MdServeMasterMeter* m, MdServeMasterLoudness* out)
{
  const double true_peak = fmax(md_loudness_true_peak(m->loudness, 0U), md_loudness_true_peak(m->loudness, 1U));
  *out = (MdServeMasterLoudness){
    .momentary    = md_loudness_momentary(m->loudness),
    .short_term   = md_loudness_short_term(m->loudness),
    .integrated   = md_loudness_integrated(m->loudness),
    .true_peak_db = true_peak > 0.0 ? 20.0 * log10(true_peak) : -HUGE_VAL,
  };
}
