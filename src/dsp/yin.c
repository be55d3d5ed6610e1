// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "dsp/yin.h"

#include <fftw3.h>
#include <stdlib.h>
#include <string.h>

#define YIN_THRESHOLD 0.15 // cumulative-mean-normalised dip that counts as periodic
#define SILENCE_POWER 1e-7 // mean square below −70 dBFS: no pitch to find

struct MdYin {
  uint32_t       min_lag_frames, max_lag_frames, fft_size;
  float*         time;     ///< FFT input/output, fft_size
  fftwf_complex* spectrum; ///< The window's spectrum
  fftwf_complex* head;     ///< The spectrum of its first half (the reference)
  fftwf_plan     forward, forward_head, inverse;
  double*        energy;   ///< Running Σ x² of the window, 2·max_lag + 1
  double*        cmnd;     ///< Normalised difference per lag, max_lag + 1
};

void
md_yin_destroy(MdYin* self)
{
  if (self) {
    if (self->forward) {
      fftwf_destroy_plan(self->forward);
    }
    if (self->forward_head) {
      fftwf_destroy_plan(self->forward_head);
    }
    if (self->inverse) {
      fftwf_destroy_plan(self->inverse);
    }
    fftwf_free(self->time);
    fftwf_free(self->spectrum);
    fftwf_free(self->head);
    free(self->energy);
    free(self->cmnd);
    free(self);
  }
}

MdYin*
md_yin_create(uint32_t min_lag_frames, uint32_t max_lag_frames)
{
  MdYin* self = calloc(1U, sizeof(MdYin));
  if (!self) {
    return NULL;
  }
  self->min_lag_frames = min_lag_frames < 2U ? 2U : min_lag_frames;
  self->max_lag_frames = max_lag_frames;
  self->fft_size       = 1U;
  while (self->fft_size < 3U * max_lag_frames) { // no circular wrap of the lags we read
    self->fft_size <<= 1U;
  }
  const uint32_t bins = self->fft_size / 2U + 1U;
  self->time          = fftwf_alloc_real(self->fft_size);
  self->spectrum      = fftwf_alloc_complex(bins);
  self->head          = fftwf_alloc_complex(bins);
  self->energy        = calloc(2U * max_lag_frames + 1U, sizeof(double));
  self->cmnd          = calloc(max_lag_frames + 1U, sizeof(double));
  if (!self->time || !self->spectrum || !self->head || !self->energy || !self->cmnd) {
    md_yin_destroy(self);
    return NULL;
  }
  const int n         = (int)self->fft_size;
  self->forward       = fftwf_plan_dft_r2c_1d(n, self->time, self->spectrum, FFTW_ESTIMATE);
  self->forward_head  = fftwf_plan_dft_r2c_1d(n, self->time, self->head, FFTW_ESTIMATE);
  self->inverse       = fftwf_plan_dft_c2r_1d(n, self->spectrum, self->time, FFTW_ESTIMATE);
  if (!self->forward || !self->forward_head || !self->inverse) {
    md_yin_destroy(self);
    return NULL;
  }
  return self;
}

/// r(τ) = Σ_{j<W} x[j]·x[j+τ] for τ = 0 … W into self->time: the window's
/// spectrum times the conjugate spectrum of its first half.
static void
cross_correlate(MdYin* self, const float* window)
{
  const uint32_t width = self->max_lag_frames;
  memset(self->time, 0, self->fft_size * sizeof(float));
  memcpy(self->time, window, width * sizeof(float));
  fftwf_execute(self->forward_head);
  memcpy(self->time + width, window + width, width * sizeof(float));
  fftwf_execute(self->forward);
  const float scale = 1.0f / (float)self->fft_size;
  for (uint32_t k = 0U; k <= self->fft_size / 2U; ++k) {
    const float re = self->spectrum[k][0], im = self->spectrum[k][1];
    const float hr = self->head[k][0], hi = self->head[k][1];
    self->spectrum[k][0] = (re * hr + im * hi) * scale;
    self->spectrum[k][1] = (im * hr - re * hi) * scale;
  }
  fftwf_execute(self->inverse);
}

bool
md_yin_period(MdYin* self, const float* window, double* period_frames)
{
  const uint32_t width = self->max_lag_frames;
  self->energy[0]      = 0.0;
  for (uint32_t j = 0U; j < 2U * width; ++j) {
    self->energy[j + 1U] = self->energy[j] + (double)window[j] * window[j];
  }
  if (self->energy[2U * width] / (2.0 * width) < SILENCE_POWER) {
    return false;
  }
  cross_correlate(self, window);
  // d(τ) = Σ (x[j] − x[j+τ])², then its cumulative-mean normalisation,
  // which removes the dip at lag 0 and makes one threshold work at any level.
  const double reference = self->energy[width];
  double       running   = 0.0;
  self->cmnd[0]          = 1.0;
  for (uint32_t lag = 1U; lag <= self->max_lag_frames; ++lag) {
    const double shifted = self->energy[lag + width] - self->energy[lag];
    double       diff    = reference + shifted - 2.0 * self->time[lag];
    diff                 = diff > 0.0 ? diff : 0.0; // rounding near a perfect period
    running += diff;
    self->cmnd[lag] = running > 0.0 ? diff * lag / running : 1.0;
  }
  // The first dip under the threshold, followed to its bottom: the first,
  // not the deepest, so that a period's multiples do not win.
  uint32_t best = 0U;
  for (uint32_t lag = self->min_lag_frames; lag < self->max_lag_frames; ++lag) {
    if (self->cmnd[lag] < YIN_THRESHOLD) {
      while (lag + 1U < self->max_lag_frames && self->cmnd[lag + 1U] < self->cmnd[lag]) {
        ++lag;
      }
      best = lag;
      break;
    }
  }
  if (best == 0U) {
    return false;
  }
  const double left = self->cmnd[best - 1U], centre = self->cmnd[best], right = self->cmnd[best + 1U];
  const double curve = left - 2.0 * centre + right;
  double       shift = curve > 0.0 ? 0.5 * (left - right) / curve : 0.0;
  shift              = shift < -0.5 ? -0.5 : (shift > 0.5 ? 0.5 : shift);
  *period_frames     = best + shift;
  return true;
}
