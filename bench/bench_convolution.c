// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Times the convolution reverb on one core: a 10 s stereo impulse response
// at 48 kHz, 60 s of stereo noise, blocks of 1024 frames.  Prints × real
// time.  (A benchmark, not a test: run it by hand, `build/bench-convolution`.)

#include "dsp/reverb.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define RATE 48000U

int
main(void)
{
  const uint64_t ir_n = 10U * RATE;
  float*         ir[2] = {malloc(ir_n * sizeof(float)), malloc(ir_n * sizeof(float))};
  uint32_t       seed  = 1U;
  for (uint64_t i = 0U; i < ir_n; ++i) {
    for (int c = 0; c < 2; ++c) {
      seed ^= seed << 13U, seed ^= seed >> 17U, seed ^= seed << 5U;
      ir[c][i] = (float)(((double)seed / 4294967296.0 - 0.5) * exp(-(double)i / (2.0 * RATE)));
    }
  }
  const MdProcessorClass* cls    = &md_reverb_class;
  double                  v[7]   = {2.0, 0.0, 1.0, 0.5, 1.0, 1.0, 1.0};
  void*                   reverb = cls->create(cls, 2U, v);
  cls->load(reverb, (const float* const*)ir, 2U, ir_n);
  cls->prepare(reverb, RATE, 1024U);
  static float l[1024], r[1024];
  const uint32_t seconds = 60U;
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (uint32_t block = 0U; block < seconds * RATE / 1024U; ++block) {
    for (int i = 0; i < 1024; ++i) {
      seed ^= seed << 13U, seed ^= seed >> 17U, seed ^= seed << 5U;
      l[i] = r[i] = (float)((double)seed / 4294967296.0 - 0.5);
    }
    float* const  io[2] = {l, r};
    const MdBlock blk   = {(const float* const*)io, io, NULL, 0U, 1024U};
    cls->process(reverb, &blk);
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  const double took = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) * 1e-9;
  printf("convolution, 10 s stereo IR at 48 kHz: %u s of audio in %.3f s = %.1f× real time (one core)\n", seconds,
         took, seconds / took);
  cls->destroy(reverb);
  free(ir[0]);
  free(ir[1]);
  return 0;
}
