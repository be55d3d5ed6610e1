// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The hot inner loops, as a table of functions: a plain-C reference
// (reference.c) and SIMD variants (avx2.c), one of which is chosen once, at
// start-up, from the CPU's features.  Every variant computes the same
// thing as the reference; tests/unit/test_kernels.c holds them to it on odd
// lengths and unaligned buffers.
//
// Processors call md_kernels()->… on whole blocks; none of these allocate,
// lock or keep state.

#ifndef MD_KERNELS_H
#define MD_KERNELS_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  const char* name; ///< "c", "avx2", …

  /// out[i] = scale · ln(max(x[i], floor)).  With scale 20/ln 10 (or
  /// 10/ln 10 for power) this is a level in dB.  Relative error < 1e-12.
  void (*log_scaled)(const double* x, double* out, uint32_t n, double scale, double floor);

  /// out[i] = exp(x[i] / scale): the linear gain of x[i] dB when scale is
  /// 20/ln 10.  exp(0) is exactly 1.  Relative error < 1e-13.
  void (*exp_scaled)(const double* x, double* out, uint32_t n, double scale);

  /// Two channels through the same cascade of second-order state-variable
  /// sections (svf.h), both channels at once: x/y hold `n` frames of
  /// left and right; state[2·s + c] is section s's (ic1, ic2) pair for
  /// channel c.  In place allowed.
  void (*svf2_cascade_stereo)(const double* coefs, uint32_t n_sections, double* state, float* left,
                              float* right, uint32_t n);

  /// dst[i] += gain · src[i].
  void (*mix_add)(float* dst, const float* src, float gain, uint32_t n);

  /// dst[i] = gain · src[i] (in place allowed).
  void (*scale)(float* dst, const float* src, float gain, uint32_t n);

  /// Format conversion to integer PCM: q = ⌊x[i]·full_scale + noise[i] +
  /// ½⌋ (noise: dither, or NULL), clipped to [-full_scale, full_scale - 1],
  /// stored shifted left by `shift` bits (libsndfile's left-aligned int).
  /// Returns the number of samples clipped.
  uint64_t (*quantize)(const float* x, const double* noise, int32_t* out, uint32_t n, double full_scale,
                       uint32_t shift);
} MdKernels;

/// Coefficients of one second-order section in md_kernels' layout:
/// a1, a2, a3, m0, m1, m2 (svf.h's solved SVF).
#define MD_KERNEL_SVF_COEFS 6U

/// The same section as a state-space update of the SVF's two integrator
/// states s = (ic1, ic2), multiplied out so that a sample costs nine
/// multiply-adds and the state's own recursion is two deep:
///   s' = A s + B x,   y = C·s + D x
/// with A = [[2a1 - 1, -2a2], [2a2, 1 - 2a3]], B = (2a2, 2a3),
/// C = (m1 a1 + m2 a2, m2 (1 - a3) - m1 a2), D = m0 + m1 a2 + m2 a3.
/// The states keep their meaning, so coefficient changes stay smooth.
typedef struct {
  double a11, a12, a21, a22, b1, b2, c1, c2, d;
} MdSvfStateSpace;

/// Sections a kernel keeps in registers at once; longer cascades run
/// through in groups (a cascade is sequential, so this is the same thing).
#define MD_KERNEL_SVF_GROUP 8U

static inline MdSvfStateSpace
md_svf_state_space(const double* k)
{
  const double a1 = k[0], a2 = k[1], a3 = k[2], m0 = k[3], m1 = k[4], m2 = k[5];
  return (MdSvfStateSpace){2.0 * a1 - 1.0,      -2.0 * a2, 2.0 * a2, 1.0 - 2.0 * a3, 2.0 * a2, 2.0 * a3,
                           m1 * a1 + m2 * a2, m2 * (1.0 - a3) - m1 * a2, m0 + m1 * a2 + m2 * a3};
}

/// The variant chosen for this machine (the environment variable
/// MIXDOWN_KERNELS=c forces the reference).
const MdKernels* md_kernels(void);

/// Every variant built into this library that this CPU can run, the
/// reference first.  For tests and benchmarks.
const MdKernels* const* md_kernels_all(size_t* count);

extern const MdKernels md_kernels_reference;
#if defined(__x86_64__) && defined(__GNUC__)
#define MD_KERNELS_HAVE_AVX2 1
extern const MdKernels md_kernels_avx2;
#endif

#endif
