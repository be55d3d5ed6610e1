// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Non-negative least squares on the normal equations (Lawson & Hanson,
// "Solving Least Squares Problems", 1974, ch. 23): minimise |A x - y|²
// subject to x ≥ 0, given G = AᵀA and h = Aᵀy.  balance's fit has a
// column per track and a row per band and time: the rows are many, the
// columns few, so the normal equations (columns × columns) are all it
// keeps.
//
// Thread: any (no state).

#ifndef MD_ASSIST_NNLS_H
#define MD_ASSIST_NNLS_H

#include <stdbool.h>
#include <stddef.h>

/// Solves for `x` (n values) with `gram` (n × n, row-major, symmetric,
/// positive semi-definite) and `rhs` (n).  Columns with a zero diagonal get
/// x = 0.  Returns false when out of memory.
bool assist_nnls(const double* gram, const double* rhs, size_t n, double* x);

#endif
