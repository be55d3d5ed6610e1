// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// match's EQ fit.  The EQ is designed with the eq processor's own response
// (md_eq_response_db: the same prototypes and matched coefficients the
// insert plays), averaged in power over each third octave as the
// measurement averages the spectrum, so the fitted curve is the one heard.
// The bands are chosen greedily (the candidate shelf or bell that, with
// those chosen before, leaves the least squared residual, gains solved by
// linear least squares) and then refined together (Levenberg–Marquardt on
// gain, frequency and Q).  A free constant is fitted beside them: the EQ
// matches the shape, the loudness target the level.

#include "match.h"

#include "dsp/eq.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MATCH_GOOD_DB 0.1  // greedy placement stops when no band is further off than this
#define MATCH_RIDGE   1e-3 // keeps overlapping bands from fighting (dB² per dB² of gain)


const char* const match_shape_names[N_SHAPES] = {"lowshelf", "highshelf", "bell"};

bool
match_eq_layout(EqLayout* lay)
{
  uint32_t eq = UINT32_MAX;
  for (uint32_t i = 0; i < mixdown_processor_count(); ++i) {
    if (strcmp(mixdown_processor_name(i), "eq") == 0) {
      eq = i;
    }
  }
  uint32_t max_items = 0;
  lay->n_fields      = eq == UINT32_MAX ? 0U : mixdown_processor_param_field_count(eq, 0, &max_items);
  lay->type = lay->freq = lay->gain = lay->q = lay->slope = -1;
  for (uint32_t f = 0; f < lay->n_fields; ++f) {
    const MixdownParamInfo* info = mixdown_processor_param_field(eq, 0, f);
    int* const slot = strcmp(info->name, "type") == 0      ? &lay->type
                      : strcmp(info->name, "freq") == 0    ? &lay->freq
                      : strcmp(info->name, "gain_db") == 0 ? &lay->gain
                      : strcmp(info->name, "q") == 0       ? &lay->q
                      : strcmp(info->name, "slope") == 0   ? &lay->slope
                                                           : NULL;
    if (slot) {
      *slot = (int)f;
    }
    if (slot == &lay->slope) {
      lay->slope_default = info->default_value;
    }
    for (uint32_t s = 0; slot == &lay->type && s < N_SHAPES; ++s) {
      lay->shape_index[s] = -1.0;
      for (uint32_t c = 0; info->choices && info->choices[c]; ++c) {
        if (strcmp(info->choices[c], match_shape_names[s]) == 0) {
          lay->shape_index[s] = (double)c;
        }
      }
    }
  }
  return lay->type >= 0 && lay->freq >= 0 && lay->gain >= 0 && lay->q >= 0 && lay->slope >= 0 &&
         lay->shape_index[SHAPE_BELL] >= 0.0 && lay->shape_index[SHAPE_LOWSHELF] >= 0.0 &&
         lay->shape_index[SHAPE_HIGHSHELF] >= 0.0 && lay->n_fields <= 16U;
}

// One band's response in dB at every grid point (the processor's own design).
static void
band_response(const Grid* g, const Band* b, double* out_db)
{
  double values[1U + 16U] = {0};
  values[0]                                      = 1.0;
  values[1 + g->layout->type]                    = g->layout->shape_index[b->shape];
  values[1 + g->layout->freq]                    = b->freq_hz;
  values[1 + g->layout->gain]                    = b->gain_db;
  values[1 + g->layout->q]                       = b->q;
  values[1 + g->layout->slope]                   = g->layout->slope_default;
  md_eq_response_db(values, g->rate_hz, g->freqs_hz, g->n_points, out_db);
}

// Per third octave, the power mean of the summed dB responses over its points.
static void
thirds_response(const Grid* g, const double* point_db, double* third_db)
{
  for (uint32_t t = 0; t < g->n_thirds; ++t) {
    double power = 0.0;
    for (uint32_t j = 0; j < MATCH_SUBPOINTS; ++j) {
      power += pow(10.0, point_db[t * MATCH_SUBPOINTS + j] / 10.0);
    }
    third_db[t] = 10.0 * log10(power / MATCH_SUBPOINTS);
  }
}

// The whole EQ's response per third octave.
void
match_eq_response(const Grid* g, const Band* bands, uint32_t n, double* third_db)
{
  double sum[MATCH_MAX_THIRDS * MATCH_SUBPOINTS] = {0};
  double one[MATCH_MAX_THIRDS * MATCH_SUBPOINTS];
  for (uint32_t i = 0; i < n; ++i) {
    band_response(g, &bands[i], one);
    for (uint32_t k = 0; k < g->n_points; ++k) {
      sum[k] += one[k];
    }
  }
  thirds_response(g, sum, third_db);
}

void
match_grid_init(Grid* grid, const EqLayout* layout, double rate_hz, const Thirds* thirds)
{
  *grid = (Grid){.layout = layout, .rate_hz = rate_hz, .n_thirds = thirds->n_thirds};
  for (uint32_t t = 0; t < thirds->n_thirds; ++t) {
    const double lo = log2(thirds->edges_hz[t]), hi = log2(thirds->edges_hz[t + 1U]);
    for (uint32_t j = 0; j < MATCH_SUBPOINTS; ++j) {
      grid->freqs_hz[grid->n_points++] = exp2(lo + (hi - lo) * (j + 0.5) / MATCH_SUBPOINTS);
    }
  }
}


/* --- fitting ------------------------------------------------------------- */

// Solves the n×n system a·x = b in place (Gaussian elimination, partial
// pivoting); false when singular.
static bool
solve(double* a, double* b, uint32_t n)
{
  for (uint32_t c = 0; c < n; ++c) {
    uint32_t p = c;
    for (uint32_t r = c + 1U; r < n; ++r) {
      if (fabs(a[r * n + c]) > fabs(a[p * n + c])) {
        p = r;
      }
    }
    if (fabs(a[p * n + c]) < 1e-12) {
      return false;
    }
    for (uint32_t k = 0; k < n; ++k) {
      const double t = a[c * n + k];
      a[c * n + k]   = a[p * n + k];
      a[p * n + k]   = t;
    }
    const double t = b[c];
    b[c]           = b[p];
    b[p]           = t;
    for (uint32_t r = c + 1U; r < n; ++r) {
      const double f = a[r * n + c] / a[c * n + c];
      for (uint32_t k = c; k < n; ++k) {
        a[r * n + k] -= f * a[c * n + k];
      }
      b[r] -= f * b[c];
    }
  }
  for (uint32_t c = n; c-- > 0U;) {
    for (uint32_t k = c + 1U; k < n; ++k) {
      b[c] -= a[c * n + k] * b[k];
    }
    b[c] /= a[c * n + c];
  }
  return true;
}

/// A candidate band and its response per third octave per dB of gain.
typedef struct {
  Band   band;
  double per_db[MATCH_MAX_THIRDS];
} Candidate;

#define MATCH_MAX_CANDIDATES 256U

// The linear least-squares gains of `chosen` candidates plus a constant for
// `target`; returns the squared residual (ridge included).
static double
linear_fit(const Candidate* cands, const uint32_t* chosen, uint32_t n, const double* target, uint32_t n_thirds,
           double max_gain_db, double* gains)
{
  const uint32_t m = n + 1U; // the gains, then the constant
  double         a[(MATCH_MAX_BANDS + 1U) * (MATCH_MAX_BANDS + 1U)] = {0};
  double         b[MATCH_MAX_BANDS + 1U]                             = {0};
  for (uint32_t t = 0; t < n_thirds; ++t) {
    double row[MATCH_MAX_BANDS + 1U];
    for (uint32_t i = 0; i < n; ++i) {
      row[i] = cands[chosen[i]].per_db[t];
    }
    row[n] = 1.0;
    for (uint32_t i = 0; i < m; ++i) {
      for (uint32_t k = 0; k < m; ++k) {
        a[i * m + k] += row[i] * row[k];
      }
      b[i] += row[i] * target[t];
    }
  }
  for (uint32_t i = 0; i < n; ++i) {
    a[i * m + i] += MATCH_RIDGE;
  }
  if (!solve(a, b, m)) {
    return HUGE_VAL;
  }
  double cost = 0.0;
  for (uint32_t i = 0; i < n; ++i) {
    gains[i] = fmax(-max_gain_db, fmin(max_gain_db, b[i]));
    cost += MATCH_RIDGE * gains[i] * gains[i];
  }
  double worst = 0.0;
  for (uint32_t t = 0; t < n_thirds; ++t) {
    double e = target[t] - b[n];
    for (uint32_t i = 0; i < n; ++i) {
      e -= gains[i] * cands[chosen[i]].per_db[t];
    }
    cost += e * e;
    worst = fmax(worst, fabs(e));
  }
  gains[n] = worst;
  return cost;
}

// Shelves at the low and high thirds (two slopes), bells at every third (five widths).
static uint32_t
make_candidates(const Grid* g, const Thirds* thirds, Candidate* cands)
{
  static const double bell_q[]  = {0.5, 0.8, 1.2, 2.0, 3.5};
  static const double shelf_q[] = {0.5, 0.7071};
  uint32_t            n         = 0;
  for (uint32_t t = 0; t < thirds->n_thirds; ++t) {
    const double hz = thirds->centres_hz[t];
    for (size_t q = 0; q < sizeof bell_q / sizeof *bell_q && n < MATCH_MAX_CANDIDATES; ++q) {
      cands[n++].band = (Band){SHAPE_BELL, hz, 6.0, bell_q[q]};
    }
    for (size_t q = 0; q < sizeof shelf_q / sizeof *shelf_q && n + 1U < MATCH_MAX_CANDIDATES; ++q) {
      if (hz <= 600.0) {
        cands[n++].band = (Band){SHAPE_LOWSHELF, hz, 6.0, shelf_q[q]};
      }
      if (hz >= 1500.0) {
        cands[n++].band = (Band){SHAPE_HIGHSHELF, hz, 6.0, shelf_q[q]};
      }
    }
  }
  for (uint32_t c = 0; c < n; ++c) {
    match_eq_response(g, &cands[c].band, 1U, cands[c].per_db);
    for (uint32_t t = 0; t < thirds->n_thirds; ++t) {
      cands[c].per_db[t] /= 6.0;
    }
  }
  return n;
}

/// The parameters the refinement moves: per band gain (dB), log2 frequency
/// and ln Q, then the constant.
enum { PARAMS_PER_BAND = 3 };

static void
bands_from_params(const double* p, const Band* shapes, uint32_t n, double rate_hz, double max_gain_db, Band* out)
{
  for (uint32_t i = 0; i < n; ++i) {
    out[i]         = shapes[i];
    out[i].gain_db = fmax(-max_gain_db, fmin(max_gain_db, p[PARAMS_PER_BAND * i]));
    out[i].freq_hz = fmax(20.0, fmin(fmin(20000.0, 0.45 * rate_hz), exp2(p[PARAMS_PER_BAND * i + 1U])));
    out[i].q       = fmax(0.3, fmin(6.0, exp(p[PARAMS_PER_BAND * i + 2U])));
  }
}

// Residuals (target − constant − response) per third and the cost with the ridge.
static double
residuals(const Grid* g, const double* p, const Band* shapes, uint32_t n, const double* target, double max_gain_db,
          double* e)
{
  Band bands[MATCH_MAX_BANDS];
  bands_from_params(p, shapes, n, g->rate_hz, max_gain_db, bands);
  double response[MATCH_MAX_THIRDS];
  match_eq_response(g, bands, n, response);
  const double c    = p[PARAMS_PER_BAND * n];
  double       cost = 0.0;
  for (uint32_t t = 0; t < g->n_thirds; ++t) {
    e[t] = target[t] - c - response[t];
    cost += e[t] * e[t];
  }
  for (uint32_t i = 0; i < n; ++i) {
    cost += MATCH_RIDGE * bands[i].gain_db * bands[i].gain_db;
  }
  return cost;
}

// Levenberg–Marquardt on every band's gain, frequency and Q together, from
// the greedy placement, with the real (not linearised) response.
static void
refine_bands(const Grid* g, Band* bands, uint32_t n, const double* target, double max_gain_db)
{
  if (!n) {
    return;
  }
  enum { MAX_P = MATCH_MAX_BANDS * PARAMS_PER_BAND + 1 };
  const uint32_t np = PARAMS_PER_BAND * n + 1U;
  double         p[MAX_P];
  for (uint32_t i = 0; i < n; ++i) {
    p[PARAMS_PER_BAND * i]      = bands[i].gain_db;
    p[PARAMS_PER_BAND * i + 1U] = log2(bands[i].freq_hz);
    p[PARAMS_PER_BAND * i + 2U] = log(bands[i].q);
  }
  p[np - 1U] = 0.0;
  double e[MATCH_MAX_THIRDS];
  residuals(g, p, bands, n, target, max_gain_db, e);
  double mean = 0.0;
  for (uint32_t t = 0; t < g->n_thirds; ++t) {
    mean += e[t] / g->n_thirds;
  }
  p[np - 1U]  = mean;
  double cost = residuals(g, p, bands, n, target, max_gain_db, e);
  double mu   = 1e-2;
  static const double step[PARAMS_PER_BAND] = {0.05, 0.005, 0.005};
  for (int iter = 0; iter < 40; ++iter) {
    double jac[MAX_P][MATCH_MAX_THIRDS];
    for (uint32_t k = 0; k < np; ++k) {
      double       q[MAX_P], ek[MATCH_MAX_THIRDS];
      const double h = k + 1U == np ? 0.05 : step[k % PARAMS_PER_BAND];
      memcpy(q, p, sizeof q);
      q[k] += h;
      residuals(g, q, bands, n, target, max_gain_db, ek);
      for (uint32_t t = 0; t < g->n_thirds; ++t) {
        jac[k][t] = (e[t] - ek[t]) / h; // d(response + c)/dp
      }
    }
    double a[MAX_P * MAX_P], b[MAX_P];
    for (uint32_t i = 0; i < np; ++i) {
      b[i] = 0.0;
      for (uint32_t t = 0; t < g->n_thirds; ++t) {
        b[i] += jac[i][t] * e[t];
      }
      if (i + 1U < np && i % PARAMS_PER_BAND == 0U) {
        b[i] -= MATCH_RIDGE * p[i];
      }
      for (uint32_t k = 0; k < np; ++k) {
        double s = 0.0;
        for (uint32_t t = 0; t < g->n_thirds; ++t) {
          s += jac[i][t] * jac[k][t];
        }
        a[i * np + k] = s;
      }
      if (i + 1U < np && i % PARAMS_PER_BAND == 0U) {
        a[i * np + i] += MATCH_RIDGE;
      }
      a[i * np + i] += mu * (a[i * np + i] + 1e-6);
    }
    if (!solve(a, b, np)) {
      break;
    }
    double trial[MAX_P], e_trial[MATCH_MAX_THIRDS];
    for (uint32_t i = 0; i < np; ++i) {
      trial[i] = p[i] + b[i];
    }
    const double trial_cost = residuals(g, trial, bands, n, target, max_gain_db, e_trial);
    if (trial_cost < cost) {
      const bool settled = cost - trial_cost < 1e-7 * (1.0 + cost);
      memcpy(p, trial, sizeof p);
      memcpy(e, e_trial, sizeof e);
      cost = trial_cost;
      mu   = fmax(mu / 3.0, 1e-7);
      if (settled) {
        break;
      }
    } else {
      mu *= 4.0;
      if (mu > 1e6) {
        break;
      }
    }
  }
  Band out[MATCH_MAX_BANDS];
  bands_from_params(p, bands, n, g->rate_hz, max_gain_db, out);
  memcpy(bands, out, n * sizeof *bands);
}

// The real residual of `bands` with the constant at its best: the squared
// sum, and the worst third into `worst`.
static double
fit_cost(const Grid* g, const Band* bands, uint32_t n, const double* target, double* worst)
{
  double response[MATCH_MAX_THIRDS], mean = 0.0, cost = 0.0;
  match_eq_response(g, bands, n, response);
  for (uint32_t t = 0; t < g->n_thirds; ++t) {
    mean += (target[t] - response[t]) / g->n_thirds;
  }
  *worst = 0.0;
  for (uint32_t t = 0; t < g->n_thirds; ++t) {
    const double e = target[t] - response[t] - mean;
    cost += e * e;
    *worst = fmax(*worst, fabs(e));
  }
  return cost;
}

// Greedy placement: each new band is the candidate that, beside the bands
// already placed (at their refined places), leaves the least residual on the
// linear model; then all are refined together on the real response.  Stops
// at `max_bands`, when no third is further off than MATCH_GOOD_DB, or when a
// band no longer buys a hundredth of what is left.  Returns the band count.
uint32_t
match_fit_bands(const Grid* g, const Thirds* thirds, const double* target, uint32_t max_bands, double max_gain_db,
          Band* bands)
{
  Candidate* cands = malloc((MATCH_MAX_CANDIDATES + MATCH_MAX_BANDS) * sizeof *cands);
  if (!cands) {
    return 0;
  }
  const uint32_t n_cands = make_candidates(g, thirds, cands);
  uint32_t       n       = 0;
  double         worst   = 0.0;
  double         cost    = fit_cost(g, bands, 0U, target, &worst);
  while (n < max_bands && worst > MATCH_GOOD_DB) {
    uint32_t chosen[MATCH_MAX_BANDS];
    for (uint32_t i = 0; i < n; ++i) {
      Candidate* placed = &cands[n_cands + i];
      placed->band      = bands[i];
      placed->band.gain_db = 6.0;
      match_eq_response(g, &placed->band, 1U, placed->per_db);
      for (uint32_t t = 0; t < thirds->n_thirds; ++t) {
        placed->per_db[t] /= 6.0;
      }
      chosen[i] = n_cands + i;
    }
    uint32_t best      = UINT32_MAX;
    double   best_cost = HUGE_VAL;
    double   gains[MATCH_MAX_BANDS + 1U];
    for (uint32_t c = 0; c < n_cands; ++c) {
      chosen[n]      = c;
      const double k = linear_fit(cands, chosen, n + 1U, target, thirds->n_thirds, max_gain_db, gains);
      if (k < best_cost) {
        best      = c;
        best_cost = k;
      }
    }
    if (best == UINT32_MAX) {
      break;
    }
    chosen[n] = best;
    linear_fit(cands, chosen, n + 1U, target, thirds->n_thirds, max_gain_db, gains);
    Band trial[MATCH_MAX_BANDS];
    memcpy(trial, bands, n * sizeof *trial);
    trial[n] = cands[best].band;
    for (uint32_t i = 0; i <= n; ++i) {
      trial[i].gain_db = gains[i];
    }
    refine_bands(g, trial, n + 1U, target, max_gain_db);
    double       trial_worst = 0.0;
    const double trial_cost  = fit_cost(g, trial, n + 1U, target, &trial_worst);
    if (trial_cost > 0.99 * cost) {
      break;
    }
    memcpy(bands, trial, (n + 1U) * sizeof *bands);
    ++n;
    cost  = trial_cost;
    worst = trial_worst;
  }
  free(cands);
  return n;
}

/* --- the difference to fit ------------------------------------------------ */

// Each spectrum's shape: its power per third as a fraction of its total.
void
match_normalise(const double* power, uint32_t n, double* shape)
{
  double total = 0.0;
  for (uint32_t t = 0; t < n; ++t) {
    total += power[t];
  }
  for (uint32_t t = 0; t < n; ++t) {
    shape[t] = total > 0.0 ? power[t] / total : 0.0;
  }
}

// Gaussian smoothing along the log-frequency axis, `width_oct` wide (twice σ).
void
match_smooth(const double* in, uint32_t n, double width_oct, double* out)
{
  for (uint32_t t = 0; t < n; ++t) {
    if (width_oct <= 0.0) {
      out[t] = in[t];
      continue;
    }
    const double sigma_thirds = 1.5 * width_oct; // σ = width / 2 octaves, 3 thirds an octave
    double       sum = 0.0, weight = 0.0;
    for (uint32_t k = 0; k < n; ++k) {
      const double d = ((double)k - (double)t) / sigma_thirds;
      const double w = exp(-0.5 * d * d);
      sum += w * in[k];
      weight += w;
    }
    out[t] = sum / weight;
  }
}
