// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// balance's fits.  --ref: non-negative least squares (nnls.h) for the power
// gains g_k ≥ 0 with Σ g_k·E_k(band, segment) ≈ E_ref(band, segment),
// reweighted so each row's error counts relative to its level.  --targets:
// the named faders moved by their error in LU until each track's
// integrated loudness (BS.1770 gating on the frames' powers) sits at its
// distance from the mix's.  Everything here is estimated from the analysis
// (the stems' powers added as uncorrelated), not measured on a render.

#include "balance.h"
#include "nnls.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  BALANCE_IRLS_ROUNDS   = 12,
  BALANCE_TARGET_ROUNDS = 60,
};

static const double balance_lufs_offset = -0.691; ///< BS.1770's constant
static const double balance_block_s     = 0.4;    ///< BS.1770's gating block

/* --- loudness of a power series --------------------------------------------- */

// BS.1770 integrated loudness of per-frame K-weighted powers (left + right):
// blocks of 400 ms every frame, absolute gate −70 LUFS, relative gate −10
// LU.  -HUGE_VAL when nothing passes the gates.
static double
gated_loudness(const double* power, size_t n, double hop_s)
{
  size_t block = (size_t)lround(balance_block_s / hop_s);
  block        = block < 1U ? 1U : block;
  if (n < block) {
    block = n;
  }
  if (block == 0U) {
    return -HUGE_VAL;
  }
  const size_t n_blocks = n - block + 1U;
  double       window   = 0.0;
  for (size_t i = 0; i < block; ++i) {
    window += power[i];
  }
  double   sum_abs = 0.0;
  size_t   n_abs   = 0;
  const double abs_gate = pow(10.0, (-70.0 - balance_lufs_offset) / 10.0);
  // two passes: the absolute gate's mean sets the relative gate
  for (int pass = 0; pass < 2; ++pass) {
    double w        = window;
    double rel_gate = n_abs ? 0.1 * sum_abs / (double)n_abs : 0.0;
    double sum      = 0.0;
    size_t count    = 0;
    for (size_t j = 0; j < n_blocks; ++j) {
      if (j) {
        w += power[j + block - 1U] - power[j - 1U];
      }
      const double z = w / (double)block;
      if (z > abs_gate && (pass == 0 || z > rel_gate)) {
        sum += z;
        ++count;
      }
    }
    if (count == 0U) {
      return -HUGE_VAL;
    }
    if (pass == 0) {
      sum_abs = sum;
      n_abs   = count;
    } else {
      return balance_lufs_offset + 10.0 * log10(sum / (double)count);
    }
  }
  return -HUGE_VAL;
}

/// The model's mix power per frame with the tracks' gains (`gains` NULL: all 1).
static void
mix_power(const Balance* b, const double* gains, double* out)
{
  for (uint64_t i = 0; i < b->n_frames; ++i) {
    double s = 0.0;
    for (uint32_t k = 0; k < b->n_tracks; ++k) {
      if (b->tracks[k].active) {
        s += (gains ? gains[k] : 1.0) * b->tracks[k].power[i];
      }
    }
    out[i] = s;
  }
}

/* --- the fit ---------------------------------------------------------------- */

/// The fit's rows: y ≈ Σ_k A[k]·g_k, one row per band and segment (or per
/// band alone, for long-term spectra).
typedef struct {
  size_t  n_rows;
  size_t  n_cols;  ///< Active tracks
  double* a;       ///< n_rows × n_cols
  double* y;
  double* floor;   ///< Per row: its band's floor (30 dB under the band's mean)
  double* band_mean; ///< Per row: its band's mean reference energy
  uint32_t* col_track;
} Rows;

static void
rows_free(Rows* r)
{
  free(r->a);
  free(r->y);
  free(r->floor);
  free(r->band_mean);
  free(r->col_track);
}

static MixdownStatus
rows_alloc(Rows* r, size_t n_rows, size_t n_cols)
{
  r->n_rows = n_rows;
  r->n_cols = n_cols;
  r->a      = calloc(n_rows * n_cols + 1U, sizeof *r->a);
  r->y      = calloc(n_rows + 1U, sizeof *r->y);
  r->floor  = calloc(n_rows + 1U, sizeof *r->floor);
  r->band_mean = calloc(n_rows + 1U, sizeof *r->band_mean);
  return r->a && r->y && r->floor && r->band_mean ? MIXDOWN_SUCCESS : MIXDOWN_ERR_NO_MEM;
}

// Each row's floor: 30 dB under its band's mean reference energy, so rows
// of silence neither explode nor vanish from the relative weighting.
static void
rows_floors(Rows* r, uint32_t n_bands)
{
  for (uint32_t band = 0; band < n_bands; ++band) {
    double sum = 0.0;
    size_t n   = 0;
    for (size_t row = band; row < r->n_rows; row += n_bands) {
      sum += r->y[row];
      ++n;
    }
    const double mean  = sum / (double)(n ? n : 1U);
    const double floor = 1e-3 * mean + 1e-20;
    for (size_t row = band; row < r->n_rows; row += n_bands) {
      r->floor[row]     = floor;
      r->band_mean[row] = mean;
    }
  }
}

// Rows of segments of the mix's frames against the reference's, which
// starts where the mix does (moved by the alignment).  Row: segment ·
// n_bands + band.
static MixdownStatus
rows_aligned(const Balance* b, size_t n_ref, Rows* r)
{
  const size_t seg   = (size_t)fmax(1.0, round(BALANCE_SEGMENT_S / b->hop_s));
  const size_t n     = b->n_frames < n_ref ? b->n_frames : n_ref;
  const size_t n_seg = n / seg;
  if (n_seg < 2U) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  const uint32_t nb = b->m.n_fit;
  if (rows_alloc(r, n_seg * nb, r->n_cols) != MIXDOWN_SUCCESS) {
    return MIXDOWN_ERR_NO_MEM;
  }
  for (size_t s = 0; s < n_seg; ++s) {
    for (size_t f = 0; f < seg; ++f) {
      const uint64_t i = s * seg + f;
      for (uint32_t band = 0; band < nb; ++band) {
        const size_t row = s * nb + band;
        r->y[row] += balance_pair_energy(&b->m.ref, i, 1U + band);
        for (size_t c = 0; c < r->n_cols; ++c) {
          r->a[row * r->n_cols + c] += balance_pair_energy(&b->m.tracks[r->col_track[c]], i, 1U + band);
        }
      }
    }
  }
  rows_floors(r, nb);
  return MIXDOWN_SUCCESS;
}

// Rows of long-term spectra: each band's mean energy over the whole of
// each (the reference's length may differ from the mix's).
static MixdownStatus
rows_long_term(const Balance* b, size_t n_ref, Rows* r)
{
  const uint32_t nb = b->m.n_fit;
  if (rows_alloc(r, nb, r->n_cols) != MIXDOWN_SUCCESS) {
    return MIXDOWN_ERR_NO_MEM;
  }
  for (uint32_t band = 0; band < nb; ++band) {
    for (size_t i = 0; i < n_ref; ++i) {
      r->y[band] += balance_pair_energy(&b->m.ref, i, 1U + band) / (double)n_ref;
    }
    for (size_t c = 0; c < r->n_cols; ++c) {
      double s = 0.0;
      for (uint64_t i = 0; i < b->n_frames; ++i) {
        s += balance_pair_energy(&b->m.tracks[r->col_track[c]], i, 1U + band);
      }
      r->a[band * r->n_cols + c] = s / (double)(b->n_frames ? b->n_frames : 1U);
    }
  }
  rows_floors(r, nb);
  return MIXDOWN_SUCCESS;
}

static double
row_model(const Rows* r, size_t row, const double* x)
{
  double s = 0.0;
  for (size_t c = 0; c < r->n_cols; ++c) {
    s += r->a[row * r->n_cols + c] * x[c];
  }
  return s;
}

/// RMS over rows of the level error, dB (the floor keeps silence finite).
static double
rows_residual_db(const Rows* r, const double* x)
{
  double sum = 0.0;
  for (size_t row = 0; row < r->n_rows; ++row) {
    const double e = 10.0 * log10((row_model(r, row, x) + r->floor[row]) / (r->y[row] + r->floor[row]));
    sum += e * e;
  }
  return sqrt(sum / (double)(r->n_rows ? r->n_rows : 1U));
}

// Non-negative least squares, reweighted: each row's error is divided by
// the fitted level of the row (ŷ + floor; in the first round, its band's
// mean), so it counts relative to the row's level — about the error in dB —
// and loud frames and bands do not outvote quiet ones.  The weights come
// from the model, not from the reference: rows where the stems happen to
// cancel are not favoured, which would bias every gain low.
static MixdownStatus
rows_fit(const Rows* r, double* x)
{
  const size_t n    = r->n_cols;
  double*      gram = calloc(n * n + 1U, sizeof *gram);
  double*      rhs  = calloc(n + 1U, sizeof *rhs);
  double*      next = calloc(n + 1U, sizeof *next);
  if (!gram || !rhs || !next) {
    free(gram);
    free(rhs);
    free(next);
    return MIXDOWN_ERR_NO_MEM;
  }
  bool first = true;
  for (int round = 0; round < BALANCE_IRLS_ROUNDS; ++round) {
    memset(gram, 0, n * n * sizeof *gram);
    memset(rhs, 0, n * sizeof *rhs);
    for (size_t row = 0; row < r->n_rows; ++row) {
      const double  scale = (first ? r->band_mean[row] : row_model(r, row, x)) + r->floor[row];
      const double  w     = 1.0 / (scale * scale);
      const double* a     = &r->a[row * n];
      for (size_t i = 0; i < n; ++i) {
        rhs[i] += w * a[i] * r->y[row];
        for (size_t j = 0; j < n; ++j) {
          gram[i * n + j] += w * a[i] * a[j];
        }
      }
    }
    if (!assist_nnls(gram, rhs, n, next)) {
      free(gram);
      free(rhs);
      free(next);
      return MIXDOWN_ERR_NO_MEM;
    }
    double moved_db = first ? HUGE_VAL : 0.0;
    for (size_t i = 0; i < n && !first; ++i) {
      if (x[i] > 0.0 && next[i] > 0.0) {
        moved_db = fmax(moved_db, fabs(10.0 * log10(next[i] / x[i])));
      } else if ((x[i] > 0.0) != (next[i] > 0.0)) {
        moved_db = HUGE_VAL;
      }
    }
    memcpy(x, next, n * sizeof *x);
    first = false;
    if (moved_db < 0.001) {
      break;
    }
  }
  free(gram);
  free(rhs);
  free(next);
  return MIXDOWN_SUCCESS;
}

// Each track's residual: the RMS level error over the rows where its
// share of the fitted mix is at least half.
static void
track_residuals(Balance* b, const Rows* r, const double* x)
{
  for (size_t c = 0; c < r->n_cols; ++c) {
    double sum = 0.0;
    size_t n   = 0;
    for (size_t row = 0; row < r->n_rows; ++row) {
      const double model = row_model(r, row, x);
      if (model > r->floor[row] && r->a[row * r->n_cols + c] * x[c] >= 0.5 * model) {
        const double e = 10.0 * log10((model + r->floor[row]) / (r->y[row] + r->floor[row]));
        sum += e * e;
        ++n;
      }
    }
    b->tracks[r->col_track[c]].residual_db = n ? sqrt(sum / (double)n) : NAN;
  }
}

// --ref's fit: rows of aligned segments (or of long-term spectra when
// `*aligned` is false or the overlap is too short: then `*aligned` is set
// false), the reweighted NNLS, each track's gain and residual.
MixdownStatus
balance_fit_reference(Balance* b, bool* aligned, BalanceFit* fit)
{
  AssistContext* ctx = b->ctx;
  MixdownStatus  st  = MIXDOWN_SUCCESS;
  const size_t n_ref = balance_pair_frames(&b->m.ref);
  Rows         r     = {0};
  r.col_track        = calloc(b->n_tracks, sizeof *r.col_track);
  if (!r.col_track) {
    return MIXDOWN_ERR_NO_MEM;
  }
  for (uint32_t k = 0; k < b->n_tracks; ++k) {
    if (b->tracks[k].active) {
      r.col_track[r.n_cols++] = k;
    }
  }
  if (r.n_cols == 0U || n_ref == 0U) {
    rows_free(&r);
    return assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "%s", r.n_cols ? "--ref: the reference is silent or too short"
                                                                : "every track is silent: nothing to fit");
  }
  st = *aligned ? rows_aligned(b, n_ref, &r) : MIXDOWN_ERR_BAD_ARG;
  if (st == MIXDOWN_ERR_BAD_ARG) {
    *aligned = false;
    st         = rows_long_term(b, n_ref, &r);
  }
  double* x    = calloc(r.n_cols + 1U, sizeof *x);
  double* ones = calloc(r.n_cols + 1U, sizeof *ones);
  if (st != MIXDOWN_SUCCESS || !x || !ones) {
    free(x);
    free(ones);
    rows_free(&r);
    return MIXDOWN_ERR_NO_MEM;
  }
  for (size_t c = 0; c < r.n_cols; ++c) {
    ones[c] = 1.0;
  }
  st                         = rows_fit(&r, x);
  const double residual_was  = rows_residual_db(&r, ones);
  const double residual      = rows_residual_db(&r, x);
  for (size_t c = 0; c < r.n_cols && st == MIXDOWN_SUCCESS; ++c) {
    b->tracks[r.col_track[c]].gain = x[c];
  }
  track_residuals(b, &r, x);
  fit->n_rows             = r.n_rows;
  fit->residual_db        = residual;
  fit->residual_before_db = residual_was;
  rows_free(&r);
  free(x);
  free(ones);
  return st;
}

// --level keep: all gains times one factor so the model mix keeps its
// integrated loudness.
MixdownStatus
balance_keep_level(Balance* b, double* shift_db)
{
  double* before = malloc((b->n_frames + 1U) * sizeof *before);
  double* after  = malloc((b->n_frames + 1U) * sizeof *after);
  double* gains  = malloc(b->n_tracks * sizeof *gains);
  if (!before || !after || !gains) {
    free(before);
    free(after);
    free(gains);
    return MIXDOWN_ERR_NO_MEM;
  }
  for (uint32_t k = 0; k < b->n_tracks; ++k) {
    gains[k] = b->tracks[k].gain;
  }
  mix_power(b, NULL, before);
  mix_power(b, gains, after);
  const double l_before = gated_loudness(before, b->n_frames, b->hop_s);
  const double l_after  = gated_loudness(after, b->n_frames, b->hop_s);
  *shift_db             = isfinite(l_before) && isfinite(l_after) ? l_before - l_after : 0.0;
  for (uint32_t k = 0; k < b->n_tracks; ++k) {
    b->tracks[k].gain *= pow(10.0, *shift_db / 10.0);
  }
  free(before);
  free(after);
  free(gains);
  return MIXDOWN_SUCCESS;
}

// The fixed point: each named track's gain moved by its error in LU until
// every one sits at its target (the unnamed tracks hold the level), or,
// when every heard track is named, until they sit at their targets'
// distances from each other with the mix at its old loudness.
MixdownStatus
balance_fit_targets(Balance* b)
{
  AssistContext* ctx    = b->ctx;
  double*        mix    = malloc((b->n_frames + 1U) * sizeof *mix);
  double*        gains  = malloc(b->n_tracks * sizeof *gains);
  double*        own_lu = malloc(b->n_tracks * sizeof *own_lu);
  if (!mix || !gains || !own_lu) {
    free(mix);
    free(gains);
    free(own_lu);
    return MIXDOWN_ERR_NO_MEM;
  }
  bool   others = false; // a heard track that is not named
  double sum    = 0.0;   // Σ 10^(target/10): the share of the mix the targets ask for
  for (uint32_t k = 0; k < b->n_tracks; ++k) {
    const Track* t = &b->tracks[k];
    gains[k]       = 1.0;
    own_lu[k]      = t->active ? gated_loudness(t->power, b->n_frames, b->hop_s) : -HUGE_VAL;
    others         = others || (t->active && !t->targeted);
    sum += t->targeted ? pow(10.0, t->target_lu / 10.0) : 0.0;
  }
  MixdownStatus st = MIXDOWN_SUCCESS;
  for (uint32_t k = 0; k < b->n_tracks && st == MIXDOWN_SUCCESS; ++k) {
    if (b->tracks[k].targeted && !isfinite(own_lu[k])) {
      st = assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--targets %s: the track is silent in the render", b->tracks[k].name);
    }
  }
  if (st == MIXDOWN_SUCCESS && others && sum >= 0.98) {
    st = assist_fail(ctx, MIXDOWN_ERR_BAD_ARG,
                     "--targets: the named tracks would be %.1f LU above the mix together (their powers add up to "
                     "%.0f %% of it); the other tracks leave no room",
                     10.0 * log10(sum), 100.0 * sum);
  }
  if (st != MIXDOWN_SUCCESS) {
    free(mix);
    free(gains);
    free(own_lu);
    return st;
  }
  mix_power(b, NULL, mix);
  const double mix_was = gated_loudness(mix, b->n_frames, b->hop_s);
  double       worst   = HUGE_VAL;
  for (int round = 0; round < BALANCE_TARGET_ROUNDS && worst > 0.005; ++round) {
    mix_power(b, gains, mix);
    const double mix_lu = gated_loudness(mix, b->n_frames, b->hop_s);
    worst               = 0.0;
    for (uint32_t k = 0; k < b->n_tracks; ++k) {
      if (b->tracks[k].targeted) {
        const double rel = 10.0 * log10(gains[k]) + own_lu[k] - mix_lu;
        const double err = b->tracks[k].target_lu - rel;
        worst            = fmax(worst, fabs(err));
        gains[k] *= pow(10.0, err / 10.0);
      }
    }
    if (!others) { // every track named: the scale is free, keep the mix's loudness
      mix_power(b, gains, mix);
      const double shift = mix_was - gated_loudness(mix, b->n_frames, b->hop_s);
      for (uint32_t k = 0; k < b->n_tracks; ++k) {
        gains[k] *= pow(10.0, shift / 10.0);
      }
    }
  }
  mix_power(b, gains, mix);
  const double mix_lu = gated_loudness(mix, b->n_frames, b->hop_s);
  for (uint32_t k = 0; k < b->n_tracks; ++k) {
    Track* t       = &b->tracks[k];
    t->gain          = t->targeted ? gains[k] : 1.0;
    t->targeted_mode = true;
    t->residual_db = NAN;
    t->achieved_lu = t->active ? 10.0 * log10(gains[k]) + own_lu[k] - mix_lu : NAN;
  }
  assist_say(ctx, "balance: %u track%s to loudness targets relative to the mix (BS.1770 gating, stems added as "
                  "uncorrelated)", (unsigned)b->n_tracks, b->n_tracks == 1U ? "" : "s");
  if (!others && fabs(10.0 * log10(sum)) > 0.1) {
    assist_say(ctx, "every track is named and the targets add up to %.1f LU, not 0: they are kept apart as asked, "
                    "the mix at its loudness (%.1f LUFS)",
               10.0 * log10(sum), mix_was);
  }
  balance_say_sampling(b);
  assist_say(ctx, "mix, estimated from the analysis: %.1f LUFS before, %.1f after", mix_was, mix_lu);
  assist_report_set(ctx, "mode", json_string("targets"));
  assist_report_set(ctx, "basis", json_string("estimated from the analysis: BS.1770 gating on the stems' frame powers added as uncorrelated, not a render of the written session"));
  assist_report_set(ctx, "mix_lufs_before", assist_json_number(mix_was, 2));
  assist_report_set(ctx, "mix_lufs", assist_json_number(mix_lu, 2));
  free(mix);
  free(gains);
  free(own_lu);
  return MIXDOWN_SUCCESS;
}

