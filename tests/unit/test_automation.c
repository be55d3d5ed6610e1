// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Envelope curves against their definitions.

#include "support.h"

#include "engine/automation.h"

#include <math.h>
#include <stdlib.h>

static MdAutomation*
make(MdCurve curve, const MdEnvPoint* points, size_t n)
{
  MdEnvelope env = {(MdEnvPoint*)points, n, curve};
  return md_automation_new(&env);
}

static void
test_linear_hits_breakpoints(void)
{
  const MdEnvPoint points[] = {{0.0, -60.0}, {2.0, -3.0}, {32.0, -3.0}, {33.0, 0.0}};
  MdAutomation*    a        = make(MD_CURVE_LINEAR, points, 4U);
  CHECK_NEAR(md_automation_value(a, -1.0), -60.0, 0.0);
  CHECK_NEAR(md_automation_value(a, 0.0), -60.0, 0.0);
  CHECK_NEAR(md_automation_value(a, 1.0), -31.5, 1e-12);
  CHECK_NEAR(md_automation_value(a, 2.0), -3.0, 1e-12);
  CHECK_NEAR(md_automation_value(a, 32.5), -1.5, 1e-12);
  CHECK_NEAR(md_automation_value(a, 40.0), 0.0, 0.0);
  CHECK_NEAR(md_automation_value(a, 0.5), -45.75, 1e-12); // going back in time restarts the cursor
  md_automation_free(a);
}

static void
test_curve_shapes(void)
{
  CHECK_NEAR(md_curve_interpolate(MD_CURVE_SMOOTH, 0.0, 1.0, 0.5), 0.5, 1e-12);
  CHECK_NEAR(md_curve_interpolate(MD_CURVE_SMOOTH, 0.0, 1.0, 0.25), 0.15625, 1e-12);
  CHECK_NEAR(md_curve_interpolate(MD_CURVE_STEP, 3.0, 9.0, 0.99), 3.0, 0.0);
  CHECK_NEAR(md_curve_interpolate(MD_CURVE_EXPONENTIAL, 100.0, 10000.0, 0.5), 1000.0, 1e-9);
  CHECK_NEAR(md_curve_interpolate(MD_CURVE_EXPONENTIAL, -60.0, 0.0, 1.0), 0.0, 1e-12);
  CHECK_NEAR(md_curve_interpolate(MD_CURVE_EXPONENTIAL, -60.0, 0.0, 0.0), -60.0, 1e-12);
  const double half = md_curve_interpolate(MD_CURVE_EXPONENTIAL, -60.0, 0.0, 0.5);
  CHECK_MSG(half > -30.0 && half < 0.0, "exponential ease at half way: %g", half);
}

static void
test_step_holds_until_next_point(void)
{
  const MdEnvPoint points[] = {{1.0, 0.2}, {2.0, 0.8}};
  MdAutomation*    a        = make(MD_CURVE_STEP, points, 2U);
  CHECK_NEAR(md_automation_value(a, 1.999), 0.2, 0.0);
  CHECK_NEAR(md_automation_value(a, 2.0), 0.8, 0.0);
  md_automation_free(a);
}

static void
test_render_matches_value(void)
{
  const MdEnvPoint points[] = {{0.0, 0.0}, {0.01, 1.0}};
  MdAutomation*    a        = make(MD_CURVE_LINEAR, points, 2U);
  double           values[1000];
  md_automation_render(a, 0, 48000.0, 1000U, values);
  CHECK_NEAR(values[0], 0.0, 0.0);
  CHECK_NEAR(values[240], 0.5, 1e-12);
  CHECK_NEAR(values[480], 1.0, 1e-12);
  CHECK_NEAR(values[999], 1.0, 0.0);
  md_automation_free(a);
}

const TestCase automation_tests[] = {
  {"automation: linear hits its breakpoints", test_linear_hits_breakpoints},
  {"automation: curve shapes", test_curve_shapes},
  {"automation: step holds", test_step_holds_until_next_point},
  {"automation: per-frame render", test_render_matches_value},
  {NULL, NULL},
};
