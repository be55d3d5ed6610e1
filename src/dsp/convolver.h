// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Uniformly partitioned convolution (overlap-save, FFTW single precision):
// the impulse response is cut into partitions of B frames, each kept as its
// spectrum (FFT size 2B); every B input frames one forward FFT, a
// multiply-accumulate over a frequency-domain delay line of the last P input
// spectra, and one inverse FFT.  Cost per frame is O(P) complex products;
// the latency is exactly B frames.
//
// Thread: md_convolver_new/free control (they allocate and plan FFTs);
// md_convolver_process/reset on the audio thread (MD_REALTIME).

#ifndef MD_CONVOLVER_H
#define MD_CONVOLVER_H

#include "util/realtime.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct MdConvolver MdConvolver;

/// A convolver of `ir` (`frames` long) with partitions of `block` frames
/// (a power of two).  NULL when out of memory.  Control thread (plans FFTs).
MdConvolver* md_convolver_new(const float* ir, uint64_t frames, uint32_t block_frames);
void         md_convolver_free(MdConvolver* convolver);

/// Audio: convolves `n` frames; the output is the input's convolution
/// delayed by `block` frames.  `in` and `out` may be the same buffer.
MD_REALTIME void md_convolver_process(MdConvolver* convolver, const float* in, float* out, uint32_t n);

/// Audio: clears the history.
MD_REALTIME void md_convolver_reset(MdConvolver* convolver);

#endif
