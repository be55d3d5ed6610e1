// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "dsp/convolver.h"

#include <fftw3.h>

#include <stdlib.h>
#include <string.h>

struct MdConvolver {
  uint32_t       block_frames; ///< B
  uint32_t       bins;         ///< B + 1
  uint32_t       parts;        ///< P
  fftwf_complex* ir;           ///< P spectra of the partitions
  fftwf_complex* fdl;          ///< P input spectra, a ring
  uint32_t       fdl_pos;      ///< Slot of the newest input spectrum
  fftwf_complex* acc;          ///< Sum of products
  float*         time;         ///< 2B: FFT input / IFFT output
  float*         window;       ///< 2B: last B inputs then the new B
  float*         out;          ///< B: the output block being played
  uint32_t       fill_frames;  ///< Frames of the new block collected
  fftwf_plan     forward, inverse;
};

MdConvolver*
md_convolver_new(const float* ir, uint64_t frames, uint32_t block_frames)
{
  MdConvolver* c = calloc(1U, sizeof(MdConvolver));
  if (!c) {
    return NULL;
  }
  c->block_frames = block_frames;
  c->bins         = block_frames + 1U;
  c->parts        = (uint32_t)((frames + block_frames - 1U) / block_frames);
  if (c->parts == 0U) {
    c->parts = 1U;
  }
  c->ir     = fftwf_alloc_complex((size_t)c->parts * c->bins);
  c->fdl    = fftwf_alloc_complex((size_t)c->parts * c->bins);
  c->acc    = fftwf_alloc_complex(c->bins);
  c->time   = fftwf_alloc_real(2U * block_frames);
  c->window = calloc(2U * block_frames, sizeof(float));
  c->out    = calloc(block_frames, sizeof(float));
  if (!c->ir || !c->fdl || !c->acc || !c->time || !c->window || !c->out) {
    md_convolver_free(c);
    return NULL;
  }
  c->forward = fftwf_plan_dft_r2c_1d((int)(2U * block_frames), c->time, c->acc, FFTW_ESTIMATE);
  c->inverse = fftwf_plan_dft_c2r_1d((int)(2U * block_frames), c->acc, c->time, FFTW_ESTIMATE);
  if (!c->forward || !c->inverse) {
    md_convolver_free(c);
    return NULL;
  }
  // Partition p: ir[pB, pB + B) zero-padded to 2B, its spectrum scaled by
  // 1/2B so the inverse FFT needs no scaling.
  const float scale = 1.0f / (float)(2U * block_frames);
  for (uint32_t p = 0U; p < c->parts; ++p) {
    memset(c->time, 0, 2U * block_frames * sizeof(float));
    for (uint32_t i = 0U; i < block_frames && (uint64_t)p * block_frames + i < frames; ++i) {
      c->time[i] = ir[(uint64_t)p * block_frames + i] * scale;
    }
    fftwf_execute_dft_r2c(c->forward, c->time, c->ir + (size_t)p * c->bins);
  }
  md_convolver_reset(c);
  return c;
}

void
md_convolver_free(MdConvolver* c)
{
  if (!c) {
    return;
  }
  if (c->forward) {
    fftwf_destroy_plan(c->forward);
  }
  if (c->inverse) {
    fftwf_destroy_plan(c->inverse);
  }
  fftwf_free(c->ir);
  fftwf_free(c->fdl);
  fftwf_free(c->acc);
  fftwf_free(c->time);
  free(c->window);
  free(c->out);
  free(c);
}

void
md_convolver_reset(MdConvolver* c)
{
  memset(c->fdl, 0, (size_t)c->parts * c->bins * sizeof(fftwf_complex));
  memset(c->window, 0, 2U * c->block_frames * sizeof(float));
  memset(c->out, 0, c->block_frames * sizeof(float));
  c->fill_frames = 0U;
  c->fdl_pos     = 0U;
}

// One partition step: the new input block (window) → its spectrum into the
// delay line → Σ spectra × partitions → the next B output frames.
static void
convolve_block(MdConvolver* c)
{
  c->fdl_pos = c->fdl_pos == 0U ? c->parts - 1U : c->fdl_pos - 1U;
  memcpy(c->time, c->window, 2U * c->block_frames * sizeof(float));
  fftwf_execute_dft_r2c(c->forward, c->time, c->fdl + (size_t)c->fdl_pos * c->bins);
  memset(c->acc, 0, c->bins * sizeof(fftwf_complex));
  for (uint32_t p = 0U; p < c->parts; ++p) {
    fftwf_complex* x = c->fdl + (size_t)((c->fdl_pos + p) % c->parts) * c->bins;
    fftwf_complex* h = c->ir + (size_t)p * c->bins;
    for (uint32_t k = 0U; k < c->bins; ++k) {
      c->acc[k][0] += x[k][0] * h[k][0] - x[k][1] * h[k][1];
      c->acc[k][1] += x[k][0] * h[k][1] + x[k][1] * h[k][0];
    }
  }
  fftwf_execute_dft_c2r(c->inverse, c->acc, c->time);
  memcpy(c->out, c->time + c->block_frames, c->block_frames * sizeof(float)); // overlap-save: the second half is valid
  memmove(c->window, c->window + c->block_frames, c->block_frames * sizeof(float));
}

void
md_convolver_process(MdConvolver* c, const float* in, float* out, uint32_t n)
{
  for (uint32_t i = 0U; i < n; ++i) {
    const float x                               = in[i];
    out[i]                                      = c->out[c->fill_frames];
    c->window[c->block_frames + c->fill_frames] = x;
    if (++c->fill_frames == c->block_frames) {
      convolve_block(c);
      c->fill_frames = 0U;
    }
  }
}
