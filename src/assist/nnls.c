// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Lawson–Hanson NNLS on the normal equations (nnls.h).  The columns are
// scaled to a unit diagonal first, so the tolerances are relative and a
// quiet track weighs as much in the pivoting as a loud one.

#include "nnls.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { NNLS_MAX_ROUNDS = 200 };

// Solves the passive set's system G_PP z = h_P by Gaussian elimination with
// partial pivoting (n is small); `work` holds |P|·(|P|+1) values.
static bool
solve_passive(const double* g, const double* h, size_t n, const bool* passive, double* z, double* work,
              size_t* index)
{
  size_t m = 0;
  for (size_t j = 0; j < n; ++j) {
    if (passive[j]) {
      index[m++] = j;
    }
  }
  const size_t cols = m + 1U;
  for (size_t r = 0; r < m; ++r) {
    for (size_t c = 0; c < m; ++c) {
      work[r * cols + c] = g[index[r] * n + index[c]];
    }
    work[r * cols + m] = h[index[r]];
  }
  for (size_t c = 0; c < m; ++c) {
    size_t best = c;
    for (size_t r = c + 1U; r < m; ++r) {
      if (fabs(work[r * cols + c]) > fabs(work[best * cols + c])) {
        best = r;
      }
    }
    if (fabs(work[best * cols + c]) < 1e-12) {
      return false; // dependent columns: the caller drops the newest one
    }
    if (best != c) {
      for (size_t k = 0; k < cols; ++k) {
        const double t      = work[c * cols + k];
        work[c * cols + k]    = work[best * cols + k];
        work[best * cols + k] = t;
      }
    }
    for (size_t r = c + 1U; r < m; ++r) {
      const double f = work[r * cols + c] / work[c * cols + c];
      for (size_t k = c; k < cols; ++k) {
        work[r * cols + k] -= f * work[c * cols + k];
      }
    }
  }
  memset(z, 0, n * sizeof *z);
  for (size_t r = m; r-- > 0;) {
    double s = work[r * cols + m];
    for (size_t k = r + 1U; k < m; ++k) {
      s -= work[r * cols + k] * z[index[k]];
    }
    z[index[r]] = s / work[r * cols + r];
  }
  return true;
}

// The gradient's negative, w = h − G x.
static void
gradient(const double* g, const double* h, const double* x, size_t n, double* w)
{
  for (size_t i = 0; i < n; ++i) {
    double s = h[i];
    for (size_t j = 0; j < n; ++j) {
      s -= g[i * n + j] * x[j];
    }
    w[i] = s;
  }
}

// Lawson–Hanson's inner loop: from a feasible x, move towards the passive
// set's unconstrained solution, dropping variables that reach zero, until
// that solution is positive.
static bool
inner_loop(const double* g, const double* h, size_t n, bool* passive, double* x, double* z, double* work,
           size_t* index)
{
  for (size_t round = 0; round < NNLS_MAX_ROUNDS; ++round) {
    if (!solve_passive(g, h, n, passive, z, work, index)) {
      return false;
    }
    double alpha = 1.0;
    bool   clear = true;
    for (size_t j = 0; j < n; ++j) {
      if (passive[j] && z[j] <= 0.0) {
        clear            = false;
        const double a   = x[j] / (x[j] - z[j]);
        alpha            = a < alpha ? a : alpha;
      }
    }
    if (clear) {
      memcpy(x, z, n * sizeof *x);
      return true;
    }
    for (size_t j = 0; j < n; ++j) {
      if (passive[j]) {
        x[j] += alpha * (z[j] - x[j]);
        if (x[j] <= 1e-15) {
          x[j]       = 0.0;
          passive[j] = false;
        }
      }
    }
  }
  return true;
}

bool
assist_nnls(const double* gram, const double* rhs, size_t n, double* x)
{
  double* g       = malloc(n * n * sizeof *g);
  double* h       = malloc(n * sizeof *h);
  double* scale   = malloc(n * sizeof *scale);
  double* w       = malloc(n * sizeof *w);
  double* z       = malloc(n * sizeof *z);
  double* work    = malloc(n * (n + 1U) * sizeof *work + sizeof *work);
  size_t* index   = malloc(n * sizeof *index + sizeof *index);
  bool*   passive = calloc(n + 1U, sizeof *passive);
  bool*   tried   = calloc(n + 1U, sizeof *tried);
  const bool ok   = g && h && scale && w && z && work && index && passive && tried;
  if (ok) {
    for (size_t i = 0; i < n; ++i) {
      scale[i] = gram[i * n + i] > 0.0 ? 1.0 / sqrt(gram[i * n + i]) : 0.0;
      x[i]     = 0.0;
    }
    for (size_t i = 0; i < n; ++i) {
      h[i] = rhs[i] * scale[i];
      for (size_t j = 0; j < n; ++j) {
        g[i * n + j] = gram[i * n + j] * scale[i] * scale[j];
      }
    }
    double h_max = 0.0;
    for (size_t i = 0; i < n; ++i) {
      h_max = fmax(h_max, fabs(h[i]));
    }
    const double tolerance = 1e-10 * (h_max > 0.0 ? h_max : 1.0);
    for (size_t outer = 0; outer < 3U * n + 3U; ++outer) {
      gradient(g, h, x, n, w);
      size_t best = n;
      for (size_t j = 0; j < n; ++j) {
        if (!passive[j] && !tried[j] && scale[j] > 0.0 && w[j] > tolerance && (best == n || w[j] > w[best])) {
          best = j;
        }
      }
      if (best == n) {
        break;
      }
      passive[best] = true;
      if (!inner_loop(g, h, n, passive, x, z, work, index)) {
        passive[best] = false; // dependent on the passive set (a copy of a track): leave it at zero
        x[best]       = 0.0;
        tried[best]   = true;
      } else if (!passive[best]) {
        tried[best] = true; // it went straight back to zero: do not cycle on it
      } else {
        memset(tried, 0, n * sizeof *tried);
      }
    }
    for (size_t i = 0; i < n; ++i) {
      x[i] *= scale[i];
    }
  }
  free(g);
  free(h);
  free(scale);
  free(w);
  free(z);
  free(work);
  free(index);
  free(passive);
  free(tried);
  return ok;
}
