// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// State-variable filters with trapezoidal integrators (A. Simper, "Linear
// Trapezoidal Integrated SVF", Cytomic 2013), in double precision.  Unlike a
// direct-form biquad, the state is two integrator memories that keep their
// meaning when the coefficients change, so filters can be swept fast
// without clicks or blow-ups.
//
// Any stable digital biquad is realised exactly: its poles give the SVF's g
// and k (the inverse of the bilinear map), and its numerator becomes the
// mix m0·input + m1·band + m2·low.  So a matched design (filter_design.h)
// runs on a modulation-safe structure.
//
// Thread: any; every function is real-time (MD_REALTIME).

#ifndef MD_SVF_H
#define MD_SVF_H

#include "util/realtime.h"

#include "dsp/filter_design.h"
#include "dsp/kernels/kernels.h"

#include <math.h>

/// Coefficients of one section: second order (`order` 2) or first (1).
typedef struct {
  int    order;
  double a1, a2, a3;     ///< Second order: the SVF's solved coefficients
  double g1;             ///< First order: g / (1 + g)
  double m0, m1, m2;     ///< Output mix (first order: m0·x + m1·low)
} MdSvfCoefs;

typedef struct {
  double ic1, ic2; ///< Integrator states (first order uses ic1 only)
} MdSvfState;

/// The SVF realising `d` exactly.
MD_REALTIME static inline MdSvfCoefs
md_svf_from_digital(const MdDigital* d)
{
  MdSvfCoefs c = {0};
  if (d->a2 == 0.0 && d->b2 == 0.0) {
    // One pole: z⁻¹ = (1 - g s)/(1 + g s) turns 1 + a1 z⁻¹ into (1+a1)(1 + s)
    // with g = (1 + a1)/(1 - a1); the numerator becomes n0 + n1 s.
    const double g  = (1.0 + d->a1) / (1.0 - d->a1);
    const double n0 = (d->b0 + d->b1) / (1.0 + d->a1);
    const double n1 = g * (d->b0 - d->b1) / (1.0 + d->a1);
    c.order = 1;
    c.g1    = g / (1.0 + g);
    // y = n0·low + n1·high = n1·x + (n0 - n1)·low
    c.m0 = n1;
    c.m1 = n0 - n1;
    return c;
  }
  // Denominator under z⁻¹ = (1 - g s)/(1 + g s):
  //   g²(1 - a1 + a2) s² + 2g(1 - a2) s + (1 + a1 + a2)  ∝  s² + k s + 1
  const double sum  = 1.0 + d->a1 + d->a2;
  const double diff = 1.0 - d->a1 + d->a2;
  const double g    = sqrt(sum / diff);
  const double k    = 2.0 * g * (1.0 - d->a2) / sum;
  // Numerator: g²(b0 - b1 + b2) s² + 2g(b0 - b2) s + (b0 + b1 + b2), over
  // the same (1 + a1 + a2), matched to m0 s² + (m0 k + m1) s + (m0 + m2).
  c.order = 2;
  c.m0    = g * g * (d->b0 - d->b1 + d->b2) / sum;
  c.m1    = 2.0 * g * (d->b0 - d->b2) / sum - c.m0 * k;
  c.m2    = (d->b0 + d->b1 + d->b2) / sum - c.m0;
  c.a1    = 1.0 / (1.0 + g * (g + k));
  c.a2    = g * c.a1;
  c.a3    = g * c.a2;
  return c;
}

MD_REALTIME static inline double
md_svf_tick(const MdSvfCoefs* c, MdSvfState* s, double x)
{
  if (c->order == 1) {
    const double v   = (x - s->ic1) * c->g1;
    const double low = v + s->ic1;
    s->ic1           = low + v;
    return c->m0 * x + c->m1 * low;
  }
  const double v3 = x - s->ic2;
  const double v1 = c->a1 * s->ic1 + c->a2 * v3;
  const double v2 = s->ic2 + c->a2 * s->ic1 + c->a3 * v3;
  s->ic1          = 2.0 * v1 - s->ic1;
  s->ic2          = 2.0 * v2 - s->ic2;
  return c->m0 * x + c->m1 * v1 + c->m2 * v2;
}

/// The section `c` as a state-space update of its integrator states (for
/// the vector kernels): multiplied out from md_svf_tick(),
///   second order: A = [[2a1 - 1, -2a2], [2a2, 1 - 2a3]], B = (2a2, 2a3),
///                 C = (m1 a1 + m2 a2, m2 (1 - a3) - m1 a2), D = m0 + m1 a2 + m2 a3;
///   first order:  s1' = (1 - 2g) s1 + 2g x, y = m1 (1 - g) s1 + (m0 + m1 g) x
///                 (s2 stays 0).
/// The states keep their meaning, so a band can move between this and
/// md_svf_tick() from one block to the next.
MD_REALTIME static inline MdSvfStateSpace
md_svf_state_space(const MdSvfCoefs* c)
{
  if (c->order == 1) {
    const double g = c->g1;
    return (MdSvfStateSpace){1.0 - 2.0 * g, 0.0, 0.0, 0.0, 2.0 * g, 0.0, c->m1 * (1.0 - g), 0.0, c->m0 + c->m1 * g};
  }
  return (MdSvfStateSpace){2.0 * c->a1 - 1.0,
                           -2.0 * c->a2,
                           2.0 * c->a2,
                           1.0 - 2.0 * c->a3,
                           2.0 * c->a2,
                           2.0 * c->a3,
                           c->m1 * c->a1 + c->m2 * c->a2,
                           c->m2 * (1.0 - c->a3) - c->m1 * c->a2,
                           c->m0 + c->m1 * c->a2 + c->m2 * c->a3};
}

/// Flush decayed state to exact zero so it never turns subnormal.
MD_REALTIME static inline void
md_svf_flush(MdSvfState* s)
{
  if (fabs(s->ic1) < 1e-20) {
    s->ic1 = 0.0;
  }
  if (fabs(s->ic2) < 1e-20) {
    s->ic2 = 0.0;
  }
}

#endif
