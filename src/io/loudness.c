// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "io/loudness.h"

#include "dsp/kernels/kernels.h"
#include "dsp/true_peak.h"
#include "dsp/block_stats.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define STEPS_BLOCK 4U  ///< 100 ms sub-blocks in a gating block (400 ms)
#define STEPS_SHORT 30U ///< …in a short-term window (3 s)
#define STEPS_RANGE 10U ///< Sub-blocks between two short-term readings for the range (1 s)

// Histograms span the absolute gate to +10 LUFS; louder blocks go to the
// top bin (their energy still counts exactly in the integrated sum; only a
// gate above +10 LUFS, a mean above +20, would need them placed).
#define GATE_ABSOLUTE_LUFS (-70.0)
#define BLOCK_BIN_LU       0.05
#define BLOCK_BINS         1600U
#define RANGE_BIN_LU       0.05
#define RANGE_BINS         1600U
#define GATE_RELATIVE_LU   (-10.0) // integrated (BS.1770-4)
#define GATE_RANGE_LU      (-20.0) // loudness range (EBU Tech 3342)

#define CHUNK    1024U // frames taken at a time
#define TP_CARRY (MD_TRUE_PEAK_TAPS - 1) // frames each interval needs beyond it

#define MAX_PAIRS ((MD_LOUDNESS_MAX_CHANNELS + 1U) / 2U)

struct MdLoudness {
  uint32_t         channels;
  double           weight[MD_LOUDNESS_MAX_CHANNELS];
  const MdKernels* kernels;
  double           k_weighting[10];     ///< The two biquads, as the kernel takes them
  double           state[MAX_PAIRS][8]; ///< Filter states, two channels (a kernel's pair) at a time
  double           peak[MD_LOUDNESS_MAX_CHANNELS];        ///< Sample peaks (the kernel's pass gives them)
  double           sum_squares[MD_LOUDNESS_MAX_CHANNELS]; ///< …and Σ x²
  uint32_t         step_frames;         ///< Frames in a 100 ms sub-block
  uint32_t         in_step_frames;      ///< Frames of the current sub-block so far
  double           step_sum;            ///< Its weighted Σ y² so far
  double           ring[STEPS_SHORT];   ///< Weighted Σ y² of the last sub-blocks, oldest at steps % 30
  uint64_t         steps;               ///< Sub-blocks completed
  double           momentary_max;       ///< Mean squares (-1: none yet)
  double           short_term_max;
  double           gate_energy;         ///< The absolute gate as a mean square
  // Integrated: gating blocks at or above the absolute gate.
  double   block_energy; ///< Σ of their mean squares
  uint64_t blocks;
  uint32_t block_hist[BLOCK_BINS];
  // Range: short-term readings at or above the absolute gate (NULL: not measured).
  uint32_t* range_hist;
  double    range_energy;
  uint64_t  range_blocks;
  // True peak (without MD_LOUDNESS_TRUE_PEAK: never fed).
  bool   true_peak;
  MdTruePeakScan tp_scan;
  double tp_peak_linear[MD_LOUDNESS_MAX_CHANNELS];
  float  tp_carry[MD_LOUDNESS_MAX_CHANNELS][TP_CARRY]; ///< The last frames of each channel
  double tp_carry_peak[MD_LOUDNESS_MAX_CHANNELS];       ///< …and their peak
  // md_loudness_scaled(): a meter of `twin_gain` times this one's signal,
  // fed by this one, never filtering itself.
  MdLoudness* twin;
  double      twin_gain;
};

/* K-weighting ------------------------------------------------------------ */

// BS.1770-4 gives the two filters as 48 kHz coefficients.  They are the
// bilinear transforms (with the cut-off pre-warped) of these analog
// sections, whose parameters reproduce the standard's coefficients to
// ~1e-14; designing from them gives the same response at any rate.
#define SHELF_HZ       1681.974450955533
#define SHELF_GAIN_DB  3.999843853973347
#define SHELF_Q        0.7071752369554196
#define SHELF_MID_EXP  0.4996667741545416 // the mid-band gain is Vh^this
#define HIGHPASS_HZ    38.13547087602444
#define HIGHPASS_Q     0.5003270373238773

// H(s) = (n2 s² + n1 s + n0) / (s² + s/q + 1), s normalised to 2π·freq,
// through s = (1 - z⁻¹) / (K (1 + z⁻¹)), K = tan(π·freq/rate).
static MdDigital
bilinear(double freq, double q, double rate, double n2, double n1, double n0)
{
  const double k  = tan(M_PI * freq / rate);
  const double k2 = k * k;
  const double a0 = 1.0 + k / q + k2;
  return (MdDigital){
    .b0 = (n2 + n1 * k + n0 * k2) / a0,
    .b1 = 2.0 * (n0 * k2 - n2) / a0,
    .b2 = (n2 - n1 * k + n0 * k2) / a0,
    .a1 = 2.0 * (k2 - 1.0) / a0,
    .a2 = (1.0 - k / q + k2) / a0,
  };
}

void
md_loudness_k_weighting(double rate, MdDigital filters[2])
{
  const double high = pow(10.0, SHELF_GAIN_DB / 20.0);
  const double mid  = pow(high, SHELF_MID_EXP);
  filters[0]        = bilinear(SHELF_HZ, SHELF_Q, rate, high, mid / SHELF_Q, 1.0);
  filters[1]        = bilinear(HIGHPASS_HZ, HIGHPASS_Q, rate, 1.0, 0.0, 0.0);
  // The standard's RLB numerator is (1 - z⁻¹)², not the transform's
  // (1 - z⁻¹)²/a0: 0.04 dB more at every frequency, which the scale's
  // −0.691 dB was calibrated with (a 997 Hz sine at full scale in one
  // channel reads −3.01 LUFS).
  filters[1].b0 = 1.0;
  filters[1].b1 = -2.0;
  filters[1].b2 = 1.0;
}

/* Channels, levels ------------------------------------------------------- */

// BS.1770's weights in libebur128's default channel orders: surrounds
// count 1.41, the LFE (and any channel past the sixth) not at all.
static double
channel_weight(uint32_t channels, uint32_t c)
{
  static const double five[5]  = {1.0, 1.0, 1.0, 1.41, 1.41}; // L R C Ls Rs
  static const double four[4]  = {1.0, 1.0, 1.41, 1.41};      // L R Ls Rs
  static const double other[6] = {1.0, 1.0, 1.0, 0.0, 1.41, 1.41};
  if (channels == 4U) {
    return four[c];
  }
  if (channels == 5U) {
    return five[c];
  }
  return c < 6U ? other[c] : 0.0;
}

static double
energy_to_lufs(double mean_square)
{
  return mean_square > 0.0 ? -0.691 + 10.0 * log10(mean_square) : -HUGE_VAL;
}

static double
lufs_to_energy(double lufs)
{
  return pow(10.0, (lufs + 0.691) / 10.0);
}

/* ------------------------------------------------------------------------ */

MdLoudness*
md_loudness_new(uint32_t channels, double rate, unsigned flags)
{
  if (channels < 1U || channels > MD_LOUDNESS_MAX_CHANNELS || !(rate >= 1000.0 && rate <= 1e6)) {
    return NULL;
  }
  MdLoudness* m = calloc(1U, sizeof(MdLoudness));
  if (!m) {
    return NULL;
  }
  if (flags & MD_LOUDNESS_RANGE && !(m->range_hist = calloc(RANGE_BINS, sizeof(uint32_t)))) {
    free(m);
    return NULL;
  }
  m->channels = channels;
  for (uint32_t c = 0U; c < channels; ++c) {
    m->weight[c] = channel_weight(channels, c);
  }
  m->kernels = md_kernels();
  MdDigital filters[2];
  md_loudness_k_weighting(rate, filters);
  for (int s = 0; s < 2; ++s) {
    const double k[5] = {filters[s].b0, filters[s].b1, filters[s].b2, filters[s].a1, filters[s].a2};
    memcpy(m->k_weighting + 5 * s, k, sizeof k);
  }
  m->step_frames    = (uint32_t)((rate + 5.0) / 10.0); // 100 ms, rounded as libebur128 does
  m->momentary_max  = -1.0;
  m->short_term_max = -1.0;
  m->gate_energy    = lufs_to_energy(GATE_ABSOLUTE_LUFS);
  m->true_peak      = flags & MD_LOUDNESS_TRUE_PEAK;
  if (m->true_peak) {
    md_true_peak_scan_init(&m->tp_scan);
  }
  return m;
}

void
md_loudness_free(MdLoudness* m)
{
  if (m) {
    md_loudness_free(m->twin);
    free(m->range_hist);
    free(m);
  }
}

MdLoudness*
md_loudness_scaled(MdLoudness* m, double gain)
{
  if (!m->twin) {
    const unsigned flags = (m->range_hist ? MD_LOUDNESS_RANGE : 0U) | (m->true_peak ? MD_LOUDNESS_TRUE_PEAK : 0U);
    if ((m->twin = md_loudness_new(m->channels, 10.0 * m->step_frames, flags))) {
      m->twin->step_frames = m->step_frames;
    }
  }
  m->twin_gain = gain;
  return m->twin;
}

uint32_t
md_loudness_until_step(const MdLoudness* m)
{
  return m->step_frames - m->in_step_frames;
}

/* Adding frames ---------------------------------------------------------- */

static bool
all_zero(const float* x, uint32_t n)
{
  for (uint32_t i = 0U; i < n; ++i) {
    if (x[i] != 0.0f) {
      return false;
    }
  }
  return true;
}

static bool
at_rest(const double* state)
{
  for (int j = 0; j < 8; ++j) {
    if (state[j] != 0.0) {
      return false;
    }
  }
  return true;
}

// K-weights `n` frames (from `offset`) of each channel, adds their
// weighted energy to the current sub-block, and keeps their peak and
// Σ x² on the way; `peaks` receives the peak of each channel's `n` frames.
// Silence into filters at rest stays silence: skipped.
static void
k_weight(MdLoudness* m, const float* const* x, uint32_t offset, uint32_t n, double* peaks)
{
  for (uint32_t c = 0U; c < m->channels; c += 2U) {
    double*      state  = m->state[c / 2U];
    const bool   paired = c + 1U < m->channels;
    const float* left   = x[c] + offset;
    const float* right  = paired ? x[c + 1U] + offset : left; // an odd channel out: its own twin, not counted
    double       sums[4] = {0.0, 0.0, 0.0, 0.0}, top[2] = {0.0, 0.0};
    if (!at_rest(state) || !all_zero(left, n) || (paired && !all_zero(right, n))) {
      m->kernels->biquads_energy_stereo(m->k_weighting, state, left, right, n, sums, top);
    }
    for (uint32_t j = 0U; j < (paired ? 2U : 1U); ++j) {
      m->step_sum += m->weight[c + j] * sums[j];
      m->sum_squares[c + j] += sums[2U + j];
      m->peak[c + j] = top[j] > m->peak[c + j] ? top[j] : m->peak[c + j];
      peaks[c + j]   = top[j];
    }
  }
}

// True peaks of `n` frames (from `offset`) whose peaks are `peaks`: the
// intervals up to the newest frames that have their context, i.e. each
// interval once, a few frames late.  Frames that, times the
// interpolator's bound, cannot beat the peak so far are not interpolated.
static void
find_true_peaks(MdLoudness* m, const float* const* x, uint32_t offset, uint32_t n, const double* peaks)
{
  for (uint32_t c = 0U; c < m->channels; ++c) {
    const float* in    = x[c] + offset;
    double       peak  = m->tp_peak_linear[c] > m->peak[c] ? m->tp_peak_linear[c] : m->peak[c]; // the samples too
    const double reach = (peaks[c] > m->tp_carry_peak[c] ? peaks[c] : m->tp_carry_peak[c]) * m->tp_scan.bound;
    // The first intervals need the frames carried over, the rest have
    // their context in `in`.
    const uint32_t lead = n < TP_CARRY ? n : TP_CARRY;
    float          head[2 * TP_CARRY];
    memcpy(head, m->tp_carry[c], sizeof m->tp_carry[c]);
    memcpy(head + TP_CARRY, in, lead * sizeof(float));
    if (reach > peak) {
      peak = md_true_peak_scan(&m->tp_scan, head, lead, peak);
      if (n > TP_CARRY) {
        peak = md_true_peak_scan(&m->tp_scan, in, n - TP_CARRY, peak);
      }
    }
    m->tp_peak_linear[c] = peak;
    memcpy(m->tp_carry[c], n < TP_CARRY ? head + n : in + n - TP_CARRY, sizeof m->tp_carry[c]);
    m->tp_carry_peak[c] = md_block_max_abs(m->tp_carry[c], TP_CARRY);
  }
}

static uint32_t
bin_of(double lufs, double bin_lu, uint32_t bins)
{
  const double at = floor((lufs - GATE_ABSOLUTE_LUFS) / bin_lu);
  return at <= 0.0 ? 0U : at >= (double)(bins - 1U) ? bins - 1U : (uint32_t)at;
}

// Mean square of the last `steps` sub-blocks (those before the start: silence).
static double
window_energy(const MdLoudness* m, uint32_t steps)
{
  double sum = 0.0;
  for (uint32_t k = 1U; k <= steps; ++k) {
    sum += m->ring[(m->steps + STEPS_SHORT - k) % STEPS_SHORT];
  }
  return sum / ((double)steps * m->step_frames);
}

// A sub-block whose weighted Σ y² is `sum` is complete: the gating block
// (and every second, the short-term reading for the range) that ends
// with it.
static void
end_step(MdLoudness* m, double sum)
{
  m->ring[m->steps % STEPS_SHORT] = sum;
  m->steps++;
  m->step_sum       = 0.0;
  m->in_step_frames = 0U;
  if (m->twin) {
    end_step(m->twin, sum * m->twin_gain * m->twin_gain); // K-weighting is linear
  }
  if (m->steps >= STEPS_BLOCK) {
    const double e   = window_energy(m, STEPS_BLOCK);
    m->momentary_max = fmax(m->momentary_max, e);
    if (e >= m->gate_energy) {
      m->block_energy += e;
      m->blocks++;
      m->block_hist[bin_of(energy_to_lufs(e), BLOCK_BIN_LU, BLOCK_BINS)]++;
    }
  }
  if (m->steps >= STEPS_SHORT) {
    const double e    = window_energy(m, STEPS_SHORT);
    m->short_term_max = fmax(m->short_term_max, e);
    if (m->range_hist && (m->steps - STEPS_SHORT) % STEPS_RANGE == 0U && e >= m->gate_energy) {
      m->range_energy += e;
      m->range_blocks++;
      m->range_hist[bin_of(energy_to_lufs(e), RANGE_BIN_LU, RANGE_BINS)]++;
    }
  }
}

// A twin's peaks and Σ x²: its source's, scaled.
static void
copy_scaled(MdLoudness* twin, const MdLoudness* m, double gain)
{
  for (uint32_t c = 0U; c < m->channels; ++c) {
    twin->peak[c]           = m->peak[c] * fabs(gain);
    twin->sum_squares[c]    = m->sum_squares[c] * gain * gain;
    twin->tp_peak_linear[c] = m->tp_peak_linear[c] * fabs(gain);
  }
}

void
md_loudness_add(MdLoudness* m, const float* const* x, uint32_t n)
{
  for (uint32_t done = 0U; done < n;) {
    uint32_t len = n - done < CHUNK ? n - done : CHUNK;
    len          = len < m->step_frames - m->in_step_frames ? len : m->step_frames - m->in_step_frames;
    double peaks[MD_LOUDNESS_MAX_CHANNELS];
    k_weight(m, x, done, len, peaks);
    if (m->true_peak) {
      find_true_peaks(m, x, done, len, peaks);
    }
    if (m->twin) {
      copy_scaled(m->twin, m, m->twin_gain);
    }
    m->in_step_frames += len;
    done += len;
    if (m->in_step_frames == m->step_frames) {
      end_step(m, m->step_sum);
    }
  }
}

/* Results ---------------------------------------------------------------- */

double
md_loudness_integrated(const MdLoudness* m)
{
  if (!m->blocks) {
    return -HUGE_VAL;
  }
  // The relative gate, exact: a tenth of the mean of the blocks above the
  // absolute gate.  The blocks under it are taken out at their bins'
  // loudness; the bin the gate falls in is split in proportion.
  const double gate  = m->block_energy / (double)m->blocks * pow(10.0, GATE_RELATIVE_LU / 10.0);
  const double at    = (energy_to_lufs(gate) - GATE_ABSOLUTE_LUFS) / BLOCK_BIN_LU;
  double       count = 0.0, energy = 0.0;
  for (uint32_t b = 0U; b < BLOCK_BINS && (double)b < at; ++b) {
    const double share = at - b >= 1.0 ? 1.0 : at - b; // of this bin under the gate
    const double lufs  = GATE_ABSOLUTE_LUFS + (b + share / 2.0) * BLOCK_BIN_LU;
    count += share * m->block_hist[b];
    energy += share * m->block_hist[b] * lufs_to_energy(lufs);
  }
  const double kept_count  = (double)m->blocks - count;
  const double kept_energy = m->block_energy - energy;
  if (kept_count < 0.5 || kept_energy <= 0.0) {
    return energy_to_lufs(gate / pow(10.0, GATE_RELATIVE_LU / 10.0)); // cannot happen: the loudest block passes
  }
  return energy_to_lufs(kept_energy / kept_count);
}

double
md_loudness_range(const MdLoudness* m)
{
  if (!m->range_hist || !m->range_blocks) {
    return 0.0;
  }
  // Bins whose middle is at or above the relative gate take part.
  const double gate  = m->range_energy / (double)m->range_blocks * pow(10.0, GATE_RANGE_LU / 10.0);
  const double at    = (energy_to_lufs(gate) - GATE_ABSOLUTE_LUFS) / RANGE_BIN_LU - 0.5;
  uint32_t     first = at <= 0.0 ? 0U : at >= RANGE_BINS ? RANGE_BINS : (uint32_t)ceil(at);
  uint64_t     n     = 0U;
  for (uint32_t b = first; b < RANGE_BINS; ++b) {
    n += m->range_hist[b];
  }
  if (!n) {
    return 0.0;
  }
  // EBU Tech 3342's 10th and 95th percentiles, indexed as libebur128 does.
  const uint64_t low  = (uint64_t)((double)(n - 1U) * 0.10 + 0.5);
  const uint64_t high = (uint64_t)((double)(n - 1U) * 0.95 + 0.5);
  uint64_t       seen = 0U;
  uint32_t       b    = first;
  for (; seen + m->range_hist[b] <= low; ++b) {
    seen += m->range_hist[b];
  }
  const uint32_t low_bin = b;
  for (; seen + m->range_hist[b] <= high; ++b) {
    seen += m->range_hist[b];
  }
  return (b - low_bin) * RANGE_BIN_LU;
}

double
md_loudness_momentary(const MdLoudness* m)
{
  return energy_to_lufs(window_energy(m, STEPS_BLOCK));
}

double
md_loudness_short_term(const MdLoudness* m)
{
  return energy_to_lufs(window_energy(m, STEPS_SHORT));
}

double
md_loudness_momentary_max(const MdLoudness* m)
{
  return m->momentary_max < 0.0 ? -HUGE_VAL : energy_to_lufs(m->momentary_max);
}

double
md_loudness_short_term_max(const MdLoudness* m)
{
  return m->short_term_max < 0.0 ? -HUGE_VAL : energy_to_lufs(m->short_term_max);
}

double
md_loudness_sample_peak(const MdLoudness* m, uint32_t c)
{
  return c < m->channels ? m->peak[c] : 0.0;
}

double
md_loudness_sum_squares(const MdLoudness* m, uint32_t c)
{
  return c < m->channels ? m->sum_squares[c] : 0.0;
}

double
md_loudness_true_peak(const MdLoudness* m, uint32_t c)
{
  return c < m->channels ? m->tp_peak_linear[c] : 0.0;
}
