// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "engine/automation.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

MdAutomation*
md_automation_new(const MdEnvelope* env)
{
  MdAutomation* a = calloc(1U, sizeof(MdAutomation));
  if (!a) {
    return NULL;
  }
  a->envelope        = *env;
  a->envelope.points = malloc(env->n_points * sizeof(MdEnvPoint));
  if (!a->envelope.points) {
    free(a);
    return NULL;
  }
  memcpy(a->envelope.points, env->points, env->n_points * sizeof(MdEnvPoint));
  return a;
}

MdAutomation*
md_automation_new_line(void)
{
  MdEnvPoint       points[2] = {{0.0, 0.0}, {0.0, 0.0}};
  const MdEnvelope line      = {.points = points, .n_points = 2U, .curve = MD_CURVE_LINEAR};
  return md_automation_new(&line);
}

void
md_automation_set_line(MdAutomation* line, double from_s, double from, double to_s, double to)
{
  line->envelope.points[0] = (MdEnvPoint){.time_s = from_s, .value = from};
  line->envelope.points[1] = (MdEnvPoint){.time_s = to_s, .value = to};
  line->segment            = 0U;
}

void
md_automation_free(MdAutomation* automation)
{
  if (automation) {
    free(automation->envelope.points);
    free(automation);
  }
}

double
md_curve_interpolate(MdCurve curve, double a, double b, double t)
{
  switch (curve) {
  case MD_CURVE_LINEAR: break;
  case MD_CURVE_STEP: return a;
  case MD_CURVE_SMOOTH: t = t * t * (3.0 - 2.0 * t); break; // smoothstep: zero slope at both ends
  case MD_CURVE_EXPONENTIAL:
    // Constant ratio per second (geometric) when both ends are positive:
    // natural for frequencies and times.  dB values are already logarithmic,
    // so for them (or a sign change) it is an exponential ease-out,
    // 1 - e^(-4t) normalised to land exactly on the end point.
    if (a > 0.0 && b > 0.0) {
      return a * pow(b / a, t);
    }
    t = (1.0 - exp(-4.0 * t)) / (1.0 - exp(-4.0));
    break;
  }
  return a + (b - a) * t;
}

double
md_automation_value(MdAutomation* automation, double time_s)
{
  const MdEnvelope* env = &automation->envelope;
  const MdEnvPoint* p   = env->points;
  const size_t      n   = env->n_points;
  if (time_s <= p[0].time_s) {
    automation->segment = 0U;
    return p[0].value;
  }
  if (time_s >= p[n - 1U].time_s) {
    automation->segment = n - 1U;
    return p[n - 1U].value;
  }
  size_t i = automation->segment < n ? automation->segment : 0U;
  if (p[i].time_s > time_s) {
    i = 0U; // time went backwards: start over
  }
  while (i + 1U < n && p[i + 1U].time_s <= time_s) {
    ++i;
  }
  automation->segment = i;
  const double span   = p[i + 1U].time_s - p[i].time_s;
  const double t      = span > 0.0 ? (time_s - p[i].time_s) / span : 1.0;
  return md_curve_interpolate(env->curve, p[i].value, p[i + 1U].value, t);
}

void
md_automation_render(MdAutomation* automation, int64_t first_frame, double rate_hz, uint32_t n, double* values)
{
  for (uint32_t i = 0U; i < n; ++i) {
    values[i] = md_automation_value(automation, (double)(first_frame + (int64_t)i) / rate_hz);
  }
}
