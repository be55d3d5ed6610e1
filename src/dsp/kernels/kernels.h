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
//
// Thread: md_kernels() and md_kernels_all() any (the first md_kernels()
// call makes the choice once, under pthread_once: call it at create or
// prepare, not per block); every function in the table is real-time.

#ifndef MD_KERNELS_H
#define MD_KERNELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/// One filter section as a state-space update of two states s = (s1, s2):
///   s' = A s + B x,   y = C·s + D x
/// (svf.h's md_svf_state_space() gives it for a state-variable filter
/// section, whose integrator states these are).  Nine multiply-adds a
/// sample, and the state's own recursion is two deep.
typedef struct {
  double a11, a12, a21, a22, b1, b2, c1, c2, d;
} MdSvfStateSpace;

typedef struct {
  const char* name; ///< "c", "avx2", …

  /// out[i] = scale · ln(max(x[i], floor)).  With scale 20/ln 10 (or
  /// 10/ln 10 for power) this is a level in dB.  Relative error < 1e-12.
  void (*log_scaled)(const double* x, double* out, uint32_t n, double scale, double floor);

  /// out[i] = exp(x[i] / scale): the linear gain of x[i] dB when scale is
  /// 20/ln 10.  exp(0) is exactly 1.  Relative error < 1e-13.
  void (*exp_scaled)(const double* x, double* out, uint32_t n, double scale);

  /// Two channels through the same cascade of sections, both at once,
  /// in place: `left` and `right` hold `n` frames; state[4s + 2c] and
  /// state[4s + 2c + 1] are section s's two states for channel c.
  void (*svf_cascade_stereo)(const MdSvfStateSpace* sections, uint32_t n_sections, double* state, float* left,
                             float* right, uint32_t n);

  /// A level meter's pass over two channels: left and right through the
  /// same two biquads in cascade (transposed direct form II; coefs: b0 b1
  /// b2 a1 a2 of each, a0 = 1), adding the energy of the output to
  /// sums[c] (Σ y², instead of writing y), the input's to sums[2 + c]
  /// (Σ x²), and raising peaks[c] to the input's largest |x| (NaNs passed
  /// over).  A loudness meter's K-weighting in half the operations of the
  /// state-space cascade, with the sample peak and RMS in the same pass.
  /// state[4s + 2c + j]: section s's j-th state for channel c.  `right`
  /// may be `left`.
  void (*biquads_energy_stereo)(const double* coefs, double* state, const float* left, const float* right,
                                uint32_t n, double* sums, double* peaks);

  /// Attack/release smoothing of a gain change, in place: x[i] holds the
  /// wanted value and becomes the smoothed one, y ← want + coef·(y - want)
  /// with coef `attack` when want < y (more reduction), else `release`;
  /// *y carries the state between calls.  The recursion is the compressor's
  /// critical path: the FMA variant shortens it to one fused step.
  void (*attack_release)(double* x, uint32_t n, double* y, double attack, double release);

  /// dst[i] += gain · src[i].
  void (*mix_add)(float* dst, const float* src, float gain, uint32_t n);

  /// dst[i] += level · (gain · src[i]), rounding as scale() then mix_add().
  void (*mix_add_scaled)(float* dst, const float* src, float gain, float level, uint32_t n);

  /// dst[i] = gain · src[i] (in place allowed).
  void (*scale)(float* dst, const float* src, float gain, uint32_t n);
  /// dst[i] += (float)(src[i] · gain), the product in double: a clip's
  /// gain.  Every variant rounds as the reference, to the bit.
  void (*mix_add_f64_gain)(float* dst, const float* src, double gain, uint32_t n);
  /// True when no x[i] is NaN or infinite (exponent bits all ones).
  bool (*all_finite)(const float* x, uint32_t n);

  /// Format conversion to integer PCM: q = ⌊x[i]·full_scale + noise[i] +
  /// ½⌋ (noise: dither, or NULL), clipped to [-full_scale, full_scale - 1],
  /// stored shifted left by `shift` bits (libsndfile's left-aligned int).
  /// Returns the number of samples clipped.
  uint64_t (*quantize)(const float* x, const double* noise, int32_t* out, uint32_t n, double full_scale,
                       uint32_t shift);
} MdKernels;

/// Sections a kernel keeps in registers at once; longer cascades run
/// through in groups (a cascade is sequential, so this is the same thing).
#define MD_KERNEL_SVF_GROUP 8U

/// The variant chosen for this process: the fastest this CPU runs, or the
/// reference when mixdown_set_kernels() asked for it before the first call
/// (the `mixdown` command does when MIXDOWN_KERNELS=c).  Any thread.
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
