// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "dsp/filter_design.h"

#include <math.h>

double
md_analog_magnitude(const MdAnalog* h, double x)
{
  const double nr = h->n0 - h->n2 * x * x;
  const double ni = h->n1 * x;
  const double dr = h->d0 - h->d2 * x * x;
  const double di = h->d1 * x;
  return sqrt((nr * nr + ni * ni) / (dr * dr + di * di));
}

double
md_digital_magnitude(const MdDigital* h, double omega)
{
  // Evaluate at z⁻¹ = e^(-jω).
  const double c1 = cos(omega);
  const double s1 = sin(omega);
  const double c2 = cos(2.0 * omega);
  const double s2 = sin(2.0 * omega);
  const double nr = h->b0 + h->b1 * c1 + h->b2 * c2;
  const double ni = -(h->b1 * s1 + h->b2 * s2);
  const double dr = 1.0 + h->a1 * c1 + h->a2 * c2;
  const double di = -(h->a1 * s1 + h->a2 * s2);
  return sqrt((nr * nr + ni * ni) / (dr * dr + di * di));
}

static bool   fit_numerator(const MdAnalog* h, double freq_hz, double rate_hz, const double A[3],
                            const bool use[3], double B[3]);
static double worst_error_db(const MdAnalog* h, const MdDigital* d, double freq_hz, double rate_hz);

// Poles stay a little below Nyquist: impulse invariance folds anything above.
#define MD_MAX_POLE_OMEGA (0.97 * M_PI)

// The best one-pole numerator for pole -a1 (fitted, or matched at DC and
// Nyquist), and its worst error.
static MdDigital
first_order_with_pole(const MdAnalog* h, double freq_hz, double rate_hz, double a1, double* error_db)
{
  const double    sum    = md_analog_magnitude(h, 0.0) * (1.0 + a1);
  const double    diff   = md_analog_magnitude(h, rate_hz / (2.0 * freq_hz)) * (1.0 - a1);
  const MdDigital ends   = {0.5 * (sum + diff), 0.5 * (sum - diff), 0.0, a1, 0.0};
  const double    A[3]   = {(1.0 + a1) * (1.0 + a1), (1.0 - a1) * (1.0 - a1), 0.0};
  const bool      use[3] = {sum > 0.0, true, false};
  double          B[3];
  *error_db = worst_error_db(h, &ends, freq_hz, rate_hz);
  if (fit_numerator(h, freq_hz, rate_hz, A, use, B)) {
    const MdDigital fitted = {0.5 * (sqrt(B[0]) + sqrt(B[1])), 0.5 * (sqrt(B[0]) - sqrt(B[1])), 0.0, a1, 0.0};
    const double    e      = worst_error_db(h, &fitted, freq_hz, rate_hz);
    if (e < *error_db) {
      *error_db = e;
      return fitted;
    }
  }
  return ends;
}

// One pole cannot follow an analog pole's magnitude all the way to Nyquist
// with the pole mapped exactly, so the pole is searched too (golden
// section on its frequency, ±40 % around the exact map) with the numerator
// refitted each time: about 25 small fits.
static MdDigital
match_first_order(const MdAnalog* h, double freq_hz, double rate_hz)
{
  const double omega = fmin(2.0 * M_PI * freq_hz / rate_hz * (h->d0 / h->d1), MD_MAX_POLE_OMEGA);
  const double gold  = 0.5 * (sqrt(5.0) - 1.0);
  double       lo    = log(0.6 * omega);
  double       hi    = log(fmin(1.4 * omega, MD_MAX_POLE_OMEGA));
  double       x1    = hi - gold * (hi - lo);
  double       x2    = lo + gold * (hi - lo);
  double       e1    = 0.0;
  double       e2    = 0.0;
  first_order_with_pole(h, freq_hz, rate_hz, -exp(-exp(x1)), &e1);
  first_order_with_pole(h, freq_hz, rate_hz, -exp(-exp(x2)), &e2);
  for (int i = 0; i < 24; ++i) {
    if (e1 < e2) {
      hi = x2, x2 = x1, e2 = e1;
      x1 = hi - gold * (hi - lo);
      first_order_with_pole(h, freq_hz, rate_hz, -exp(-exp(x1)), &e1);
    } else {
      lo = x1, x1 = x2, e1 = e2;
      x2 = lo + gold * (hi - lo);
      first_order_with_pole(h, freq_hz, rate_hz, -exp(-exp(x2)), &e2);
    }
  }
  double          exact_error = 0.0;
  const MdDigital exact       = first_order_with_pole(h, freq_hz, rate_hz, -exp(-omega), &exact_error);
  double          best_error  = 0.0;
  const MdDigital best        = first_order_with_pole(h, freq_hz, rate_hz, -exp(-exp(0.5 * (lo + hi))), &best_error);
  return best_error < exact_error ? best : exact;
}

static bool
fit_numerator(const MdAnalog* h, double freq_hz, double rate_hz, const double A[3], const bool use[3],
              double B[3])
{
  int    idx[3];
  int    n = 0;
  for (int k = 0; k < 3; ++k) {
    B[k] = 0.0;
    if (use[k]) {
      idx[n++] = k;
    }
  }
  double m[3][3] = {{0.0}};
  double r[3]    = {0.0};
  const double lo = log(fmax(freq_hz / 1000.0, 1.0));
  const double hi = log(0.4999 * rate_hz);
  enum { POINTS = 128 };
  for (int i = 0; i < POINTS; ++i) {
    const double f      = exp(lo + (hi - lo) * i / (POINTS - 1));
    const double omega  = 2.0 * M_PI * f / rate_hz;
    const double phi1   = sin(0.5 * omega) * sin(0.5 * omega);
    const double phi[3] = {1.0 - phi1, phi1, 4.0 * (1.0 - phi1) * phi1};
    const double den    = A[0] * phi[0] + A[1] * phi[1] + A[2] * phi[2];
    const double g      = md_analog_magnitude(h, f / freq_hz);
    const double target = g * g * den;
    if (g < 0.01) {
      continue; // below -40 dB a relative fit only fights the stop band
    }
    // Above 0.22·rate the fit matters less (see worst_error_db()).
    const double w2 = f > 0.22 * rate_hz ? 0.0625 : 1.0;
    for (int j = 0; j < n; ++j) {
      for (int k = 0; k < n; ++k) {
        m[j][k] += w2 * phi[idx[j]] * phi[idx[k]] / (target * target);
      }
      r[j] += w2 * phi[idx[j]] / target;
    }
  }
  // Gaussian elimination with partial pivoting on the n×n normal equations.
  for (int c = 0; c < n; ++c) {
    int pivot = c;
    for (int j = c + 1; j < n; ++j) {
      pivot = fabs(m[j][c]) > fabs(m[pivot][c]) ? j : pivot;
    }
    if (fabs(m[pivot][c]) < 1e-300) {
      return false;
    }
    for (int k = 0; k < n; ++k) {
      const double t = m[c][k];
      m[c][k]        = m[pivot][k];
      m[pivot][k]    = t;
    }
    const double t = r[c];
    r[c]           = r[pivot];
    r[pivot]       = t;
    for (int j = c + 1; j < n; ++j) {
      const double f = m[j][c] / m[c][c];
      for (int k = c; k < n; ++k) {
        m[j][k] -= f * m[c][k];
      }
      r[j] -= f * r[c];
    }
  }
  double x[3] = {0.0};
  for (int c = n - 1; c >= 0; --c) {
    double v = r[c];
    for (int k = c + 1; k < n; ++k) {
      v -= m[c][k] * x[k];
    }
    x[c] = v / m[c][c];
  }
  for (int j = 0; j < n; ++j) {
    B[idx[j]] = x[j];
  }
  const double w = 0.5 * (sqrt(fmax(B[0], 0.0)) + sqrt(fmax(B[1], 0.0)));
  return B[0] >= 0.0 && B[1] >= 0.0 && w * w + B[2] >= 0.0;
}

// Back from |N|² to a numerator: √B0 = b0+b1+b2, √B1 = b0-b1+b2, B2 = -4 b0 b2.
static MdDigital
numerator_from(const double B[3], double a1, double a2)
{
  const double root0 = sqrt(fmax(B[0], 0.0));
  const double root1 = sqrt(fmax(B[1], 0.0));
  const double w     = 0.5 * (root0 + root1);
  const double b0    = 0.5 * (w + sqrt(fmax(0.0, w * w + B[2])));
  const double b1    = 0.5 * (root0 - root1);
  const double b2    = b0 != 0.0 ? -B[2] / (4.0 * b0) : 0.0;
  const MdDigital d  = {b0, b1, b2, a1, a2};
  return d;
}

// The worst |dB| difference from the analog response where it is above
// -40 dB, from f/100 to 0.47·rate.  Above 0.22·rate (10.5 kHz at
// 48 kHz) errors count a quarter: there the goal is the shape, below it
// the exact level.
static double
worst_error_db(const MdAnalog* h, const MdDigital* d, double freq_hz, double rate_hz)
{
  enum { POINTS = 96 };
  const double lo    = log(fmax(freq_hz / 100.0, 10.0));
  const double hi    = log(0.47 * rate_hz);
  double       worst = 0.0;
  for (int i = 0; i < POINTS; ++i) {
    const double f = exp(lo + (hi - lo) * i / (POINTS - 1));
    const double g = md_analog_magnitude(h, f / freq_hz);
    if (g >= 0.01) {
      const double weight = f > 0.22 * rate_hz ? 0.25 : 1.0;
      worst = fmax(worst, weight * fabs(20.0 * log10(md_digital_magnitude(d, 2.0 * M_PI * f / rate_hz) / g)));
    }
  }
  return worst;
}

// The best numerator for digital poles at ω_p and Q_p (see md_match()).
static MdDigital
match_with_poles(const MdAnalog* h, double freq_hz, double rate_hz, double omega, double q_p,
                 MdMatchQuality quality, double* error_db)
{
  omega              = fmin(omega, MD_MAX_POLE_OMEGA);
  const double decay = exp(-omega / (2.0 * q_p));
  double       a1    = 0.0;
  if (q_p > 0.5) {
    a1 = -2.0 * decay * cos(omega / (2.0 * q_p) * sqrt(4.0 * q_p * q_p - 1.0));
  } else {
    a1 = -2.0 * decay * cosh(omega / (2.0 * q_p) * sqrt(1.0 - 4.0 * q_p * q_p));
  }
  const double a2 = exp(-omega / q_p);

  // |H|² of a biquad in the basis φ0 = cos²(ω/2), φ1 = sin²(ω/2),
  // φ2 = 4 φ0 φ1:  (B0 φ0 + B1 φ1 + B2 φ2) / (A0 φ0 + A1 φ1 + A2 φ2).
  const double A[3]  = {(1.0 + a1 + a2) * (1.0 + a1 + a2), (1.0 - a1 + a2) * (1.0 - a1 + a2), -4.0 * a2};
  const double g_dc  = md_analog_magnitude(h, 0.0);
  const double g_nyq = md_analog_magnitude(h, rate_hz / (2.0 * freq_hz));
  const double g_mid = md_analog_magnitude(h, 1.0);
  // Vicanek's three points: DC, Nyquist and the design frequency (where
  // bells peak and shelves and filters pass their mid point).
  const double omega_m = fmin(2.0 * M_PI * freq_hz / rate_hz, 0.95 * M_PI);
  const double phi1    = sin(0.5 * omega_m) * sin(0.5 * omega_m);
  const double phi[3]  = {1.0 - phi1, phi1, 4.0 * (1.0 - phi1) * phi1};
  const double B3[3]   = {g_dc * g_dc * A[0], g_nyq * g_nyq * A[1],
                          (g_mid * g_mid * (A[0] * phi[0] + A[1] * phi[1] + A[2] * phi[2]) -
                           g_dc * g_dc * A[0] * phi[0] - g_nyq * g_nyq * A[1] * phi[1]) / phi[2]};
  const MdDigital three_point = numerator_from(B3, a1, a2);
  if (quality == MD_MATCH_FAST) {
    *error_db = 0.0;
    return three_point;
  }
  const double three_error = worst_error_db(h, &three_point, freq_hz, rate_hz);
  // A least-squares fit over the whole band (keeping an exact zero at DC
  // for highpass shapes) usually does better; keep whichever is closer.
  const bool use[3] = {g_dc > 0.0, true, true};
  double     fit[3];
  if (fit_numerator(h, freq_hz, rate_hz, A, use, fit)) {
    const MdDigital fitted    = numerator_from(fit, a1, a2);
    const double    fit_error = worst_error_db(h, &fitted, freq_hz, rate_hz);
    if (fit_error < three_error) {
      *error_db = fit_error;
      return fitted;
    }
  }
  *error_db = three_error;
  return three_point;
}

MdDigital
md_match(const MdAnalog* h, double freq_hz, double rate_hz, MdMatchQuality quality)
{
  double error = 0.0;
  if (h->d2 == 0.0) {
    // A one-pole digital section cannot follow an analog pole's magnitude
    // all the way to Nyquist.  Written as a second-order section with a
    // cancelling pole and zero just below Nyquist, (n1 s + n0)(s + c) /
    // ((d1 s + d0)(s + c)), it gets a third numerator term to fit with;
    // keep whichever of the two is closer.
    const double   c      = 0.45 * rate_hz / freq_hz;
    const MdAnalog padded = {h->n1, h->n1 * c + h->n0, h->n0 * c, h->d1, h->d1 * c + h->d0, h->d0 * c};
    const double   omega2 = 2.0 * M_PI * freq_hz / rate_hz * sqrt(padded.d0 / padded.d2);
    const double   q2     = sqrt(padded.d0 * padded.d2) / padded.d1;
    if (quality == MD_MATCH_FAST) {
      return match_with_poles(&padded, freq_hz, rate_hz, omega2, q2, quality, &error);
    }
    const MdDigital one_pole  = match_first_order(h, freq_hz, rate_hz);
    const double    one_error = worst_error_db(h, &one_pole, freq_hz, rate_hz);
    const MdDigital two_pole  = match_with_poles(&padded, freq_hz, rate_hz, omega2, q2, quality, &error);
    return error < one_error ? two_pole : one_pole;
  }
  // Poles: s² + (d1/d2)s + d0/d2, natural frequency ω_p and quality Q_p,
  // mapped exactly (impulse invariance).
  const double omega = 2.0 * M_PI * freq_hz / rate_hz * sqrt(h->d0 / h->d2);
  const double q_p   = sqrt(h->d0 * h->d2) / h->d1;
  return match_with_poles(h, freq_hz, rate_hz, omega, q_p, quality, &error);
}

MdAnalog
md_proto_lowpass2(double q)
{
  return (MdAnalog){0.0, 0.0, 1.0, 1.0, 1.0 / q, 1.0};
}

MdAnalog
md_proto_highpass2(double q)
{
  return (MdAnalog){1.0, 0.0, 0.0, 1.0, 1.0 / q, 1.0};
}

MdAnalog
md_proto_lowpass1(void)
{
  return (MdAnalog){0.0, 0.0, 1.0, 0.0, 1.0, 1.0};
}

MdAnalog
md_proto_highpass1(void)
{
  return (MdAnalog){0.0, 1.0, 0.0, 0.0, 1.0, 1.0};
}

MdAnalog
md_proto_bell(double gain_db, double q)
{
  const double a = pow(10.0, gain_db / 40.0);
  return (MdAnalog){1.0, a / q, 1.0, 1.0, 1.0 / (a * q), 1.0};
}

MdAnalog
md_proto_lowshelf(double gain_db, double q)
{
  const double a = pow(10.0, gain_db / 40.0);
  const double k = sqrt(a) / q;
  return (MdAnalog){a, a * k, a * a, a, k, 1.0};
}

MdAnalog
md_proto_highshelf(double gain_db, double q)
{
  const double a = pow(10.0, gain_db / 40.0);
  const double k = sqrt(a) / q;
  return (MdAnalog){a * a, a * k, a, 1.0, k, a};
}

MdAnalog
md_proto_notch(double q)
{
  return (MdAnalog){1.0, 0.0, 1.0, 1.0, 1.0 / q, 1.0};
}

MdAnalog
md_proto_bandpass(double q)
{
  return (MdAnalog){0.0, 1.0 / q, 0.0, 1.0, 1.0 / q, 1.0};
}

double
md_butterworth_q(unsigned order, unsigned k)
{
  // Pole angles of a Butterworth filter: the second-order sections pair
  // poles at θ, and Q = 1 / (2 cos θ).
  const double theta = order % 2U ? (double)(k + 1U) * M_PI / (double)order
                                  : (2.0 * k + 1.0) * M_PI / (2.0 * (double)order);
  return 1.0 / (2.0 * cos(theta));
}
