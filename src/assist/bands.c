// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Short-time band energies (see bands.h).  Frames overlap by half; a band's
// power is the mean square its bins carry, scaled so that a full-scale sine
// in a band reads 0.5 (its mean square), whatever the frame size.

#include "bands.h"

#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct AssistBands {
  uint32_t   rate;
  uint32_t   size;    ///< FFT size
  uint32_t   hop;     ///< size / 2
  uint32_t   n_bands;
  uint32_t*  first_bin; ///< n_bands + 1: band b covers bins first_bin[b] … first_bin[b + 1] - 1
  float*     weight;    ///< Per bin: window normalisation × K weight
  float*     window;
  float*     input;     ///< The frame being filled (size): two halves, one `hop` each
  float*     half[2];   ///< The older half of the frame, then the newer (they swap at each frame)
  uint32_t   filled;
  float*     fft_in;
  fftwf_complex* fft_out;
  double*    bin_power; ///< Per bin, the last frame's weighted power (size / 2 + 1)
  fftwf_plan plan;
  float*     powers;     ///< n_frames × n_bands
  uint64_t   n_frames;
  uint64_t   capacity;
};

static uint32_t
bin_of(double hz, uint32_t size, uint32_t rate)
{
  const double b = ceil(hz * size / rate);
  return b < 0.0 ? 0U : b > size / 2U + 1U ? size / 2U + 1U : (uint32_t)b;
}

static bool
setup_bins(AssistBands* b, const double* edges_hz, bool k_weighted)
{
  for (uint32_t k = 0; k <= b->n_bands; ++k) {
    b->first_bin[k] = bin_of(edges_hz[k], b->size, b->rate);
  }
  // Parseval with a Hann window: Σ|X|² over a sine's bins = (N·A/2)²·Σw²/N …
  // normalise so a sine's mean square (A²/2) comes out, one-sided spectrum.
  double sum_w2 = 0.0;
  for (uint32_t i = 0; i < b->size; ++i) {
    b->window[i] = (float)(0.5 - 0.5 * cos(2.0 * M_PI * i / b->size));
    sum_w2 += (double)b->window[i] * b->window[i];
  }
  for (uint32_t k = 0; k <= b->size / 2U; ++k) {
    const double one_sided = (k == 0U || k == b->size / 2U) ? 1.0 : 2.0;
    const double hz        = (double)k * b->rate / b->size;
    const double kw        = k_weighted ? assist_k_weight_power(hz, b->rate) : 1.0;
    b->weight[k]           = (float)(one_sided / (sum_w2 * b->size) * kw);
  }
  return true;
}

AssistBands*
assist_bands_new(uint32_t rate, uint32_t fft_size, const double* edges_hz, uint32_t n_bands, bool k_weighted)
{
  if (rate == 0U || fft_size < 256U || fft_size > 65536U || (fft_size & (fft_size - 1U)) || n_bands == 0U) {
    return NULL;
  }
  AssistBands* b = calloc(1, sizeof *b);
  if (!b) {
    return NULL;
  }
  b->rate      = rate;
  b->size      = fft_size;
  b->hop       = fft_size / 2U;
  b->n_bands   = n_bands;
  b->first_bin = calloc(n_bands + 1U, sizeof *b->first_bin);
  b->weight    = calloc(fft_size / 2U + 1U, sizeof *b->weight);
  b->window    = calloc(fft_size, sizeof *b->window);
  b->input     = calloc(fft_size, sizeof *b->input);
  b->half[0]   = b->input;
  b->half[1]   = b->input ? b->input + fft_size / 2U : NULL;
  b->bin_power = calloc(fft_size / 2U + 1U, sizeof *b->bin_power);
  b->fft_in    = fftwf_alloc_real(fft_size);
  b->fft_out   = fftwf_alloc_complex(fft_size / 2U + 1U);
  if (!b->first_bin || !b->weight || !b->window || !b->input || !b->bin_power || !b->fft_in || !b->fft_out) {
    assist_bands_free(b);
    return NULL;
  }
  // FFTW's planner is not thread-safe; ESTIMATE plans are cheap and the
  // assistants plan on the control thread only.
  b->plan = fftwf_plan_dft_r2c_1d((int)fft_size, b->fft_in, b->fft_out, FFTW_ESTIMATE);
  if (!b->plan || !setup_bins(b, edges_hz, k_weighted)) {
    assist_bands_free(b);
    return NULL;
  }
  return b;
}

void
assist_bands_free(AssistBands* b)
{
  if (!b) {
    return;
  }
  if (b->plan) {
    fftwf_destroy_plan(b->plan);
  }
  fftwf_free(b->fft_in);
  fftwf_free(b->fft_out);
  free(b->first_bin);
  free(b->weight);
  free(b->window);
  free(b->input);
  free(b->bin_power);
  free(b->powers);
  free(b);
}

static bool
grow(AssistBands* b)
{
  if (b->n_frames < b->capacity) {
    return true;
  }
  const uint64_t cap  = b->capacity ? b->capacity * 2U : 1024U;
  float*         more = realloc(b->powers, cap * b->n_bands * sizeof *more);
  if (!more) {
    return false;
  }
  b->powers   = more;
  b->capacity = cap;
  return true;
}

static void
frame_done(AssistBands* b)
{
  ++b->n_frames;
  // keep the newer half as the next frame's older one: frames overlap by half
  float* older = b->half[0];
  b->half[0]   = b->half[1];
  b->half[1]   = older;
  b->filled    = b->hop;
}

// The window applied to both halves; false when the windowed frame is
// all zeros (either sign), tested on the bits in the same loop, which
// vectorises.
static bool
window_half(float* restrict in, const float* restrict input, const float* restrict window, uint32_t n)
{
  uint32_t any = 0;
  for (uint32_t i = 0; i < n; ++i) {
    in[i] = input[i] * window[i];
    uint32_t bits;
    memcpy(&bits, &in[i], sizeof bits);
    any |= bits & 0x7FFFFFFFU;
  }
  return any != 0U;
}

static bool
window_frame(AssistBands* b)
{
  const bool older = window_half(b->fft_in, b->half[0], b->window, b->hop);
  const bool newer = window_half(b->fft_in + b->hop, b->half[1], b->window + b->hop, b->hop);
  return older || newer;
}

// Each band's weighted power: the bins' powers (in double, as one sum
// did) first, then the sums four bands at a time.  Every band's sum adds
// its bins in order from 0.0; a band that has run out adds +0.0, which
// leaves a sum of non-negative powers as it is — the same bits as one band
// at a time, with four additions in flight instead of one.
static void
band_powers(AssistBands* b, float* out)
{
  const uint32_t top = b->size / 2U + 1U; // bins 0 … size/2
  double* restrict p = b->bin_power;
  for (uint32_t i = 0; i < top; ++i) {
    const double re = b->fft_out[i][0];
    const double im = b->fft_out[i][1];
    p[i]            = (re * re + im * im) * b->weight[i];
  }
  for (uint32_t k = 0; k < b->n_bands; k += 4U) {
    uint32_t first[4] = {0}, len[4] = {0}, longest = 0;
    for (uint32_t q = 0; q < 4U && k + q < b->n_bands; ++q) {
      const uint32_t lo = b->first_bin[k + q];
      const uint32_t hi = b->first_bin[k + q + 1U] < top ? b->first_bin[k + q + 1U] : top;
      first[q]          = lo < top ? lo : 0U;
      len[q]            = hi > lo ? hi - lo : 0U;
      longest           = len[q] > longest ? len[q] : longest;
    }
    double sum[4] = {0.0, 0.0, 0.0, 0.0};
    for (uint32_t j = 0; j < longest; ++j) {
      for (uint32_t q = 0; q < 4U; ++q) {
        const bool in = j < len[q];
        sum[q] += in ? p[first[q] + (in ? j : 0U)] : 0.0;
      }
    }
    for (uint32_t q = 0; q < 4U && k + q < b->n_bands; ++q) {
      out[k + q] = (float)sum[q];
    }
  }
}

static bool
analyse_frame(AssistBands* b)
{
  if (!grow(b)) {
    return false;
  }
  float* out = b->powers + b->n_frames * b->n_bands;
  if (window_frame(b)) {
    fftwf_execute(b->plan);
    band_powers(b, out);
  } else {
    // The transform of zeros is zeros (signed, squared to +0), so every
    // band reads +0 as it would through FFTW: a track silent between its
    // clips (a voice between phrases) costs no transform.
    memset(out, 0, b->n_bands * sizeof *out);
  }
  frame_done(b);
  return true;
}

// Copies the next `n` samples (the mean of left and right, or left) into
// the frame being filled: a loop without branches, vectorised, each sample
// computed as before (0.5F · (l + r) in float).
static void
fill(float* restrict to, const float* restrict left, const float* restrict right, uint32_t n)
{
  if (right) {
    for (uint32_t i = 0; i < n; ++i) {
      to[i] = 0.5F * (left[i] + right[i]);
    }
  } else {
    memcpy(to, left, n * sizeof *to);
  }
}

MixdownStatus
assist_bands_feed(AssistBands* b, const float* left, const float* right, uint32_t frames)
{
  uint32_t done = 0;
  while (done < frames) {
    // into the half being filled (the older one only before the first frame)
    const uint32_t in_half = b->filled < b->hop ? 0U : 1U;
    const uint32_t at      = b->filled - in_half * b->hop;
    const uint32_t room    = b->hop - at;
    const uint32_t n       = frames - done < room ? frames - done : room;
    fill(b->half[in_half] + at, left + done, right ? right + done : NULL, n);
    b->filled += n;
    done += n;
    if (b->filled == b->size && !analyse_frame(b)) {
      return MIXDOWN_ERR_NO_MEM;
    }
  }
  return MIXDOWN_SUCCESS;
}

uint64_t
assist_bands_frames(const AssistBands* b)
{
  return b->n_frames;
}

const float*
assist_bands_frame(const AssistBands* b, uint64_t frame)
{
  return frame < b->n_frames ? b->powers + frame * b->n_bands : NULL;
}

void
assist_bands_clear(AssistBands* b)
{
  b->n_frames = 0;
}

uint32_t
assist_bands_count(const AssistBands* b)
{
  return b->n_bands;
}

double
assist_bands_hop_s(const AssistBands* b)
{
  return (double)b->hop / b->rate;
}

double
assist_bands_time_s(const AssistBands* b, uint64_t frame)
{
  return ((double)frame * b->hop + 0.5 * b->size) / b->rate;
}

void
assist_bands_mean(const AssistBands* b, double* mean)
{
  for (uint32_t k = 0; k < b->n_bands; ++k) {
    mean[k] = 0.0;
  }
  for (uint64_t f = 0; f < b->n_frames; ++f) {
    const float* p = b->powers + f * b->n_bands;
    for (uint32_t k = 0; k < b->n_bands; ++k) {
      mean[k] += p[k];
    }
  }
  for (uint32_t k = 0; b->n_frames && k < b->n_bands; ++k) {
    mean[k] /= (double)b->n_frames;
  }
}

uint32_t
assist_third_octave_edges(double lo_hz, double hi_hz, double* edges, double* centres, uint32_t max_edges)
{
  uint32_t n = 0;
  for (int k = -20; k <= 14 && n + 1U < max_edges; ++k) { // 10 Hz … 25 kHz
    const double centre = 1000.0 * pow(2.0, k / 3.0);
    // nominal centres: 50 Hz is 49.6, 16 kHz is 16 000 (2 % either way)
    if (centre < lo_hz * 0.98 || centre > hi_hz * 1.02) {
      continue;
    }
    if (n == 0U) {
      edges[0] = centre * pow(2.0, -1.0 / 6.0);
    }
    if (centres) {
      centres[n] = centre;
    }
    edges[++n] = centre * pow(2.0, 1.0 / 6.0);
  }
  return n;
}

uint32_t
assist_bark_edges(uint32_t rate, double* edges, uint32_t max_edges)
{
  static const double zwicker[25] = {20,   100,  200,  300,  400,  510,  630,  770,  920,
                                     1080, 1270, 1480, 1720, 2000, 2320, 2700, 3150, 3700,
                                     4400, 5300, 6400, 7700, 9500, 12000, 15500};
  const double nyquist = 0.5 * rate;
  uint32_t     n_edges = 0;
  for (uint32_t k = 0; k < 25U && n_edges < max_edges && zwicker[k] < nyquist; ++k) {
    edges[n_edges++] = zwicker[k];
  }
  // Below 31 kHz the top band is cut at Nyquist rather than left out.
  if (n_edges < 25U && n_edges < max_edges && n_edges >= 1U) {
    edges[n_edges++] = nyquist;
  }
  return n_edges ? n_edges - 1U : 0U;
}

double
assist_hz_to_bark(double hz)
{
  return 13.0 * atan(0.00076 * hz) + 3.5 * atan((hz / 7500.0) * (hz / 7500.0));
}

// |H(e^jw)|² of a biquad b0..b2, a1, a2 (a0 = 1) at normalised angle w.
static double
biquad_power(const double* bq, double w)
{
  const double c1 = cos(w), s1 = sin(w), c2 = cos(2.0 * w), s2 = sin(2.0 * w);
  const double nr = bq[0] + bq[1] * c1 + bq[2] * c2, ni = -(bq[1] * s1 + bq[2] * s2);
  const double dr = 1.0 + bq[3] * c1 + bq[4] * c2, di = -(bq[3] * s1 + bq[4] * s2);
  return (nr * nr + ni * ni) / (dr * dr + di * di);
}

void
assist_k_weight_biquads(uint32_t rate, double shelf[5], double hp[5])
{
  // The two stages of BS.1770's K filter, designed for `rate` from their
  // analogue parameters (shelf: 1681.97 Hz, +4 dB, Q 0.7072; high-pass:
  // 38.14 Hz, Q 0.5003), as libebur128 designs them.
  const double fs = rate;
  double       f0 = 1681.974450955533, g = 3.999843853973347, q = 0.7071752369554196;
  double       k = tan(M_PI * f0 / fs), vh = pow(10.0, g / 20.0), vb = pow(vh, 0.4996667741545416);
  double       a0 = 1.0 + k / q + k * k;
  shelf[0]        = (vh + vb * k / q + k * k) / a0;
  shelf[1]        = 2.0 * (k * k - vh) / a0;
  shelf[2]        = (vh - vb * k / q + k * k) / a0;
  shelf[3]        = 2.0 * (k * k - 1.0) / a0;
  shelf[4]        = (1.0 - k / q + k * k) / a0;
  f0              = 38.13547087602444;
  q               = 0.5003270373238773;
  k               = tan(M_PI * f0 / fs);
  a0              = 1.0 + k / q + k * k;
  hp[0]           = 1.0;
  hp[1]           = -2.0;
  hp[2]           = 1.0;
  hp[3]           = 2.0 * (k * k - 1.0) / a0;
  hp[4]           = (1.0 - k / q + k * k) / a0;
}

double
assist_k_weight_power(double hz, uint32_t rate)
{
  double shelf[5], hp[5];
  assist_k_weight_biquads(rate, shelf, hp);
  const double w = 2.0 * M_PI * hz / rate;
  return biquad_power(shelf, w) * biquad_power(hp, w);
}
