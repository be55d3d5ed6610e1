// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Our loudness meter (io/loudness.c, through io/measure.c) against
// libebur128, the reference: integrated loudness within 0.05 LU, loudness
// range within 0.1 LU, true peak within 0.1 dB, the momentary and
// short-term maxima and the 100 ms series within 0.05 LU — on sines, noise
// and music-like material with silences, at 44.1, 48 and 96 kHz, 1, 2 and 6
// channels.  The K-weighting is the standard's at 48 kHz.  And what the
// summary needs it for: a strip's meter takes a few KiB that do not grow
// with the length, and costs a fraction of libebur128's.

#include "support.h"

#include "dsp/kernels/kernels.h"
#include "io/loudness.h"
#include "io/measure.h"

#include <ebur128.h>

#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Signals ---------------------------------------------------------------- */

typedef struct {
  uint32_t channels;
  uint32_t rate;
  uint32_t frames;
  float*   x[8]; ///< Planar
} Signal;

static Signal
signal_new(uint32_t channels, uint32_t rate, double seconds)
{
  Signal s = {.channels = channels, .rate = rate, .frames = (uint32_t)(seconds * rate)};
  for (uint32_t c = 0U; c < channels; ++c) {
    s.x[c] = calloc(s.frames, sizeof(float));
  }
  return s;
}

static void
signal_free(Signal* s)
{
  for (uint32_t c = 0U; c < s->channels; ++c) {
    free(s->x[c]);
  }
}

static Signal
sine(uint32_t channels, uint32_t rate, double seconds, double freq, double dbfs)
{
  Signal       s = signal_new(channels, rate, seconds);
  const double a = pow(10.0, dbfs / 20.0);
  for (uint32_t c = 0U; c < channels; ++c) {
    for (uint32_t i = 0U; i < s.frames; ++i) {
      s.x[c][i] = (float)(a * sin(2.0 * M_PI * freq * i / rate + c * 0.3));
    }
  }
  return s;
}

static Signal
noise(uint32_t channels, uint32_t rate, double seconds, double dbfs)
{
  Signal       s    = signal_new(channels, rate, seconds);
  const double a    = pow(10.0, dbfs / 20.0) * sqrt(3.0); // RMS of uniform noise is 1/√3
  uint32_t     seed = 12345U;
  for (uint32_t c = 0U; c < channels; ++c) {
    for (uint32_t i = 0U; i < s.frames; ++i) {
      s.x[c][i] = (float)(a * test_noise(&seed));
    }
  }
  return s;
}

// Sections of chords (a new chord every half second, decaying notes, a
// breath of noise) at different levels, with digital silence between:
// the gates have something to do and the range is wide.
static Signal
music(uint32_t channels, uint32_t rate, double seconds)
{
  static const struct {
    double start_s, end_s, dbfs;
  } sections[] = {{0.0, 9.0, -16.0}, {12.0, 19.0, -31.0}, {19.0, 24.0, -22.0}, {26.5, 40.0, -9.0}};
  Signal   s    = signal_new(channels, rate, seconds);
  uint32_t seed = 777U;
  for (size_t k = 0U; k < sizeof sections / sizeof sections[0]; ++k) {
    const double a = pow(10.0, sections[k].dbfs / 20.0);
    for (uint32_t i = (uint32_t)(sections[k].start_s * rate); i < (uint32_t)(sections[k].end_s * rate) && i < s.frames;
         ++i) {
      const double t     = (double)i / rate;
      const int    chord = (int)(t * 2.0);
      const double since = t - chord * 0.5;
      const double env   = exp(-since * 3.0) * (0.6 + 0.4 * sin(t * 0.7));
      for (uint32_t c = 0U; c < channels; ++c) {
        double v = 0.0;
        for (int note = 0; note < 3; ++note) {
          const double f = 110.0 * pow(2.0, ((chord * 5 + note * 4 + (int)c) % 24) / 12.0);
          v += sin(2.0 * M_PI * f * t) / (note + 1.0) + 0.3 * sin(2.0 * M_PI * 3.0 * f * t) / (note + 1.0);
        }
        s.x[c][i] = (float)(a * (env * v * 0.5 + 0.05 * test_noise(&seed)));
      }
    }
  }
  return s;
}

/* The two meters --------------------------------------------------------- */

typedef struct {
  double integrated, range, true_peak_db, momentary_max, short_term_max;
  size_t n_series;
  double momentary[1024], short_term[1024];
} Reading;

static void
reference(const Signal* s, Reading* r)
{
  ebur128_state* st = ebur128_init(s->channels, s->rate,
                                   EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_TRUE_PEAK | EBUR128_MODE_M |
                                     EBUR128_MODE_S);
  float* frames = malloc(sizeof(float) * s->channels * (s->rate / 10U));
  memset(r, 0, sizeof *r);
  r->momentary_max = r->short_term_max = -HUGE_VAL;
  const uint32_t step = (s->rate + 5U) / 10U;
  for (uint32_t at = 0U; at + step <= s->frames; at += step) {
    for (uint32_t i = 0U; i < step; ++i) {
      for (uint32_t c = 0U; c < s->channels; ++c) {
        frames[(size_t)i * s->channels + c] = s->x[c][at + i];
      }
    }
    ebur128_add_frames_float(st, frames, step);
    double m, st_l;
    ebur128_loudness_momentary(st, &m);
    ebur128_loudness_shortterm(st, &st_l);
    if (r->n_series < 1024U) {
      r->momentary[r->n_series]  = m;
      r->short_term[r->n_series] = st_l;
      r->n_series++;
    }
    if (at + step >= 4U * step) {
      r->momentary_max = fmax(r->momentary_max, m);
    }
    if (at + step >= 30U * step) {
      r->short_term_max = fmax(r->short_term_max, st_l);
    }
  }
  ebur128_loudness_global(st, &r->integrated);
  ebur128_loudness_range(st, &r->range);
  double tp = 0.0;
  for (uint32_t c = 0U; c < s->channels; ++c) {
    double p;
    ebur128_true_peak(st, c, &p);
    tp = fmax(tp, p);
  }
  r->true_peak_db = 20.0 * log10(tp);
  ebur128_destroy(&st);
  free(frames);
}

// Ours, fed in uneven pieces (so that chunks straddle the 100 ms marks).
static void
ours(const Signal* s, Reading* r)
{
  MdMeasure*     m      = md_measure_new(s->channels, s->rate, MD_MEASURE_SERIES);
  const uint32_t pieces[] = {1U, 7U, 1000U, 4096U, 333U, 12000U};
  uint32_t       k        = 0U;
  for (uint32_t at = 0U; at < s->frames;) {
    uint32_t n = pieces[k++ % 6U];
    n          = n < s->frames - at ? n : s->frames - at;
    const float* x[8];
    for (uint32_t c = 0U; c < s->channels; ++c) {
      x[c] = s->x[c] + at;
    }
    md_measure_add_planar(m, x, n);
    at += n;
  }
  MixdownLevels l;
  md_measure_levels(m, &l);
  r->integrated     = l.integrated_lufs;
  r->range          = l.loudness_range_lu;
  r->true_peak_db   = l.true_peak_dbtp;
  r->momentary_max  = l.momentary_max_lufs;
  r->short_term_max = l.short_term_max_lufs;
  size_t        n   = 0U;
  const double* mom = md_measure_momentary(m, &n);
  const double* sho = md_measure_short_term(m, &n);
  r->n_series       = n < 1024U ? n : 1024U;
  memcpy(r->momentary, mom, r->n_series * sizeof(double));
  memcpy(r->short_term, sho, r->n_series * sizeof(double));
  md_measure_free(m);
}

// Two series agree where the reference reads above the absolute gate (in
// near-silence both read very low, where hundredths of an LU mean nothing).
static double
worst_series_lu(const double* a, const double* b, size_t n)
{
  double worst = 0.0;
  for (size_t i = 0U; i < n; ++i) {
    if (b[i] > -70.0) {
      worst = fmax(worst, fabs(a[i] - b[i]));
    } else if (a[i] > -69.0) {
      worst = fmax(worst, 99.0);
    }
  }
  return worst;
}

static void
compare(const char* what, const Signal* s)
{
  static Reading want, got;
  reference(s, &want);
  ours(s, &got);
  CHECK_MSG(fabs(got.integrated - want.integrated) <= 0.05, "%s: integrated %.4f LUFS, libebur128 %.4f", what,
            got.integrated, want.integrated);
  CHECK_MSG(fabs(got.range - want.range) <= 0.1, "%s: range %.4f LU, libebur128 %.4f", what, got.range, want.range);
  CHECK_MSG(fabs(got.true_peak_db - want.true_peak_db) <= 0.1, "%s: true peak %.4f dBTP, libebur128 %.4f", what,
            got.true_peak_db, want.true_peak_db);
  CHECK_MSG(fabs(got.momentary_max - want.momentary_max) <= 0.05, "%s: momentary max %.4f, libebur128 %.4f", what,
            got.momentary_max, want.momentary_max);
  CHECK_MSG(fabs(got.short_term_max - want.short_term_max) <= 0.05 ||
              (isinf(got.short_term_max) && isinf(want.short_term_max)),
            "%s: short-term max %.4f, libebur128 %.4f", what, got.short_term_max, want.short_term_max);
  CHECK_MSG(got.n_series == want.n_series, "%s: %zu points in the series, libebur128 %zu", what, got.n_series,
            want.n_series);
  const size_t n = got.n_series < want.n_series ? got.n_series : want.n_series;
  const double m = worst_series_lu(got.momentary, want.momentary, n);
  const double t = worst_series_lu(got.short_term, want.short_term, n);
  CHECK_MSG(m <= 0.05 && t <= 0.05, "%s: series off by %.4f (momentary), %.4f (short-term) LU", what, m, t);
  printf("    %-28s I %+.4f LU, LRA %+.3f LU, TP %+.3f dB, M max %+.4f, series %.4f/%.4f LU off libebur128\n", what,
         got.integrated - want.integrated, got.range - want.range, got.true_peak_db - want.true_peak_db,
         got.momentary_max - want.momentary_max, m, t);
}

/* Tests ------------------------------------------------------------------ */

// BS.1770-4, tables 1 and 2: the 48 kHz coefficients.
static void
test_k_weighting_is_the_standards(void)
{
  MdDigital f[2];
  md_loudness_k_weighting(48000.0, f);
  CHECK_NEAR(f[0].b0, 1.53512485958697, 1e-10);
  CHECK_NEAR(f[0].b1, -2.69169618940638, 1e-10);
  CHECK_NEAR(f[0].b2, 1.19839281085285, 1e-10);
  CHECK_NEAR(f[0].a1, -1.69065929318241, 1e-10);
  CHECK_NEAR(f[0].a2, 0.73248077421585, 1e-10);
  CHECK_NEAR(f[1].b0, 1.0, 1e-12);
  CHECK_NEAR(f[1].b1, -2.0, 1e-12);
  CHECK_NEAR(f[1].b2, 1.0, 1e-12);
  CHECK_NEAR(f[1].a1, -1.99004745483398, 1e-10);
  CHECK_NEAR(f[1].a2, 0.99007225036621, 1e-10);
}

// The meter's kernel: every variant gives the reference's energies, input
// energies, peaks and states (odd lengths, calls in a row, unaligned,
// right = left), and the peaks and input energies are the samples'.
static void
test_kernel_variants_match_reference(void)
{
  MdDigital f[2];
  md_loudness_k_weighting(44100.0, f);
  const double coefs[10] = {f[0].b0, f[0].b1, f[0].b2, f[0].a1, f[0].a2, f[1].b0, f[1].b1, f[1].b2, f[1].a1, f[1].a2};
  Signal       s         = music(2U, 44100U, 2.0);
  size_t                  count = 0U;
  const MdKernels* const* all   = md_kernels_all(&count);
  for (size_t v = 0U; v < count; ++v) {
    double   want_state[8] = {0.0}, got_state[8] = {0.0};
    double   want[4] = {0.0}, got[4] = {0.0}, want_peaks[2] = {0.0}, got_peaks[2] = {0.0};
    double   peaks[2] = {0.0}, energy[2] = {0.0};
    uint32_t at       = 1U; // unaligned
    for (uint32_t n = 1U; at + n <= 4999U; at += n, n = n * 3U + 1U) {
      const float* right = n % 2U ? s.x[1] + at : s.x[0] + at;
      md_kernels_reference.biquads_energy_stereo(coefs, want_state, s.x[0] + at, right, n, want, want_peaks);
      all[v]->biquads_energy_stereo(coefs, got_state, s.x[0] + at, right, n, got, got_peaks);
      for (uint32_t i = 0U; i < n; ++i) {
        for (int c = 0; c < 2; ++c) {
          const double x = c ? right[i] : s.x[0][at + i];
          peaks[c]       = fmax(peaks[c], fabs(x));
          energy[c] += x * x;
        }
      }
    }
    double worst = 0.0;
    for (int j = 0; j < 4; ++j) {
      worst = fmax(worst, fabs(got[j] / want[j] - 1.0));
    }
    for (int j = 0; j < 8; ++j) {
      worst = fmax(worst, fabs(got_state[j] - want_state[j]) / (fabs(want_state[j]) + 1e-3));
    }
    CHECK_MSG(want[0] > 1.0 && worst < 1e-9, "%s: energies %.12g %.12g, reference %.12g %.12g (worst %.3g)",
              all[v]->name, got[0], got[1], want[0], want[1], worst);
    CHECK_MSG(got_peaks[0] == peaks[0] && got_peaks[1] == peaks[1] && want_peaks[0] == peaks[0],
              "%s: peaks %g %g, samples %g %g", all[v]->name, got_peaks[0], got_peaks[1], peaks[0], peaks[1]);
    CHECK_MSG(fabs(got[2] / energy[0] - 1.0) < 1e-12 && fabs(got[3] / energy[1] - 1.0) < 1e-12,
              "%s: input energies %.12g %.12g, samples %.12g %.12g", all[v]->name, got[2], got[3], energy[0],
              energy[1]);
  }
  signal_free(&s);
}

// A full-scale 997 Hz sine in one channel (the front left) reads −3.01 LUFS
// (BS.1770-4's check), at every rate (at 96 kHz 0.02 LU higher: the RLB
// numerator is the standard's (1 - z⁻¹)² at every rate, as libebur128's).
static void
test_reference_sine_reads_minus_3(void)
{
  const uint32_t rates[] = {44100U, 48000U, 96000U};
  for (size_t k = 0U; k < 3U; ++k) {
    Signal     s = sine(1U, rates[k], 10.0, 997.0, 0.0);
    MdLoudness* m = md_loudness_new(1U, rates[k], 0U);
    md_loudness_add(m, (const float* const*)s.x, s.frames);
    CHECK_MSG(fabs(md_loudness_integrated(m) + 3.01) < (rates[k] > 48000U ? 0.025 : 0.01), "%u Hz: %.4f LUFS", rates[k], md_loudness_integrated(m));
    md_loudness_free(m);
    signal_free(&s);
  }
}

static void
test_sines_match_libebur128(void)
{
  const uint32_t rates[] = {44100U, 48000U, 96000U};
  const double   freqs[] = {60.0, 997.0, 12000.0};
  for (size_t k = 0U; k < 3U; ++k) {
    for (size_t f = 0U; f < 3U; ++f) {
      char what[64];
      snprintf(what, sizeof what, "sine %.0f Hz at %u Hz", freqs[f], rates[k]);
      Signal s = sine(2U, rates[k], 8.0, freqs[f], -18.0 + 4.0 * f);
      compare(what, &s);
      signal_free(&s);
    }
  }
}

// Two RBJ low-pass sections (24 dB/octave) at `freq`, in place.
static void
low_pass(Signal* s, double freq)
{
  const double w = 2.0 * M_PI * freq / s->rate, alpha = sin(w) / (2.0 * M_SQRT1_2), a0 = 1.0 + alpha;
  const double b0 = (1.0 - cos(w)) / 2.0 / a0, b1 = (1.0 - cos(w)) / a0, a1 = -2.0 * cos(w) / a0;
  const double a2 = (1.0 - alpha) / a0;
  for (uint32_t c = 0U; c < s->channels; ++c) {
    for (int pass = 0; pass < 2; ++pass) {
      double x1 = 0.0, x2 = 0.0, y1 = 0.0, y2 = 0.0;
      for (uint32_t i = 0U; i < s->frames; ++i) {
        const double x = s->x[c][i];
        const double y = b0 * x + b1 * x1 + b0 * x2 - a1 * y1 - a2 * y2;
        x2 = x1, x1 = x, y2 = y1, y1 = y;
        s->x[c][i] = (float)y;
      }
    }
  }
}

// White noise at 44.1 and 48 kHz; at 96 kHz, noise up to 20 kHz (what a
// recording at that rate holds).  White noise up to 48 kHz at 96 kHz
// reads about 1 dB less true peak than libebur128, which oversamples 2×
// there through a longer filter than our 4× one (the limiter's).
static void
test_noise_matches_libebur128(void)
{
  const uint32_t rates[] = {44100U, 48000U, 96000U};
  for (size_t k = 0U; k < 3U; ++k) {
    char what[64];
    snprintf(what, sizeof what, "noise at %u Hz", rates[k]);
    Signal s = noise(2U, rates[k], 12.0, -20.0);
    if (rates[k] > 48000U) {
      low_pass(&s, 20000.0);
    }
    compare(what, &s);
    signal_free(&s);
  }
}

static void
test_music_with_silences_matches_libebur128(void)
{
  const uint32_t rates[]    = {44100U, 48000U, 96000U};
  const uint32_t channels[] = {2U, 1U, 2U};
  for (size_t k = 0U; k < 3U; ++k) {
    char what[64];
    snprintf(what, sizeof what, "music, %u channels at %u Hz", channels[k], rates[k]);
    Signal s = music(channels[k], rates[k], 42.0);
    compare(what, &s);
    signal_free(&s);
  }
}

// 5.1: the LFE does not count, the surrounds count 1.41 (as libebur128).
static void
test_surround_matches_libebur128(void)
{
  Signal s = music(6U, 48000U, 20.0);
  for (uint32_t i = 0U; i < s.frames; ++i) {
    s.x[3][i] *= 4.0f; // a loud LFE changes nothing
  }
  compare("music, 5.1 at 48 kHz", &s);
  signal_free(&s);
}

// fs/4 at 45°: every sample is ±0.707 of the peak between them (+3 dB).
static void
test_true_peak_between_samples(void)
{
  Signal s = signal_new(2U, 48000U, 2.0);
  for (uint32_t i = 0U; i < s.frames; ++i) {
    s.x[0][i] = s.x[1][i] = (float)(0.5 * sin(M_PI / 2.0 * i + M_PI / 4.0));
  }
  MdMeasure* m = md_measure_new(2U, 48000.0, MD_MEASURE_FULL);
  md_measure_add_planar(m, (const float* const*)s.x, s.frames);
  MixdownLevels l;
  md_measure_levels(m, &l);
  CHECK_NEAR(l.peak_dbfs, 20.0 * log10(0.5 * sqrt(0.5)), 1e-4);
  CHECK_NEAR(l.true_peak_dbtp, 20.0 * log10(0.5), 0.1);
  md_measure_free(m);
  compare("fs/4 at 45°", &s);
  signal_free(&s);
}

// A steady tone has no range; two sections 12 LU apart have about 12.
static void
test_range_of_steady_and_stepped(void)
{
  Signal s = sine(2U, 48000U, 30.0, 440.0, -20.0);
  for (uint32_t i = s.frames / 2U; i < s.frames; ++i) {
    s.x[0][i] *= 0.25f;
    s.x[1][i] *= 0.25f;
  }
  MdLoudness* m = md_loudness_new(2U, 48000.0, MD_LOUDNESS_RANGE);
  md_loudness_add(m, (const float* const*)s.x, s.frames / 2U);
  CHECK_NEAR(md_loudness_range(m), 0.0, 1e-9);
  const float* rest[2] = {s.x[0] + s.frames / 2U, s.x[1] + s.frames / 2U};
  md_loudness_add(m, rest, s.frames - s.frames / 2U);
  CHECK_NEAR(md_loudness_range(m), 20.0 * log10(4.0), 0.1);
  md_loudness_free(m);
  compare("a sine, then 12 dB lower", &s);
  signal_free(&s);
}

// A scaled twin (a constant fader after the meter) reads what a meter of
// the scaled signal reads: every level, within rounding — though the
// absolute gate is not scale-invariant (the quiet section falls under it
// at -40 dB), and the boosted signal clips.
static void
test_scaled_twin_reads_the_scaled_signal(void)
{
  const double gains[] = {0.5, 8.0, 0.01, 0.0};
  Signal       s       = music(2U, 48000U, 30.0);
  Signal       scaled  = signal_new(2U, 48000U, 30.0);
  for (size_t k = 0U; k < sizeof gains / sizeof gains[0]; ++k) {
    for (uint32_t c = 0U; c < 2U; ++c) {
      for (uint32_t i = 0U; i < s.frames; ++i) {
        scaled.x[c][i] = (float)(s.x[c][i] * gains[k]);
      }
    }
    MdMeasure* direct = md_measure_new(2U, 48000.0, MD_MEASURE_FULL);
    MdMeasure* source = md_measure_new(2U, 48000.0, MD_MEASURE_FULL);
    MdMeasure* twin   = md_measure_scaled(source, gains[k]);
    CHECK(twin && !md_measure_scaled(source, 1.0));
    for (uint32_t at = 0U; at < s.frames; at += 1000U) {
      const uint32_t n    = s.frames - at < 1000U ? s.frames - at : 1000U;
      const float*   a[2] = {scaled.x[0] + at, scaled.x[1] + at};
      const float*   b[2] = {s.x[0] + at, s.x[1] + at};
      md_measure_add_planar(direct, a, n);
      md_measure_add_planar(source, b, n);
    }
    MixdownLevels want, got;
    md_measure_levels(direct, &want);
    md_measure_levels(twin, &got);
    const double* w[] = {&want.peak_dbfs, &want.rms_dbfs, &want.integrated_lufs, &want.loudness_range_lu,
                         &want.momentary_max_lufs, &want.short_term_max_lufs, &want.true_peak_dbtp,
                         &want.dc_offset, &want.correlation};
    const double* g[] = {&got.peak_dbfs, &got.rms_dbfs, &got.integrated_lufs, &got.loudness_range_lu,
                         &got.momentary_max_lufs, &got.short_term_max_lufs, &got.true_peak_dbtp,
                         &got.dc_offset, &got.correlation};
    for (size_t j = 0U; j < sizeof w / sizeof w[0]; ++j) {
      CHECK_MSG(*g[j] == *w[j] || fabs(*g[j] - *w[j]) < 1e-4, "gain %g, level %zu: %.6f, measured %.6f", gains[k],
                j, *g[j], *w[j]);
    }
    CHECK_MSG(got.clipped == want.clipped, "gain %g: %llu clipped, measured %llu", gains[k],
              (unsigned long long)got.clipped, (unsigned long long)want.clipped);
    if (gains[k] == 8.0) {
      CHECK(want.clipped > 0U);
    }
    md_measure_free(direct);
    md_measure_free(source); // and its twin
  }
  signal_free(&scaled);
  signal_free(&s);
}

/* In the engine ----------------------------------------------------------- */

enum { MAX_STRIPS = 8 };

// Renders `yaml` with every strip measured in `detail` on `threads` threads.
static uint32_t
strip_levels(const char* yaml, MixdownLevelDetail detail, uint32_t threads, MixdownNodeLevels* levels)
{
  MixdownSession* session = test_open_yaml(yaml);
  MixdownEngine*  engine  = NULL;
  char            message[256];
  uint32_t        count   = 0U;
  if (session && mixdown_engine_new(session, &engine, message, sizeof message) == MIXDOWN_SUCCESS &&
      mixdown_engine_enable_levels(engine, detail) == MIXDOWN_SUCCESS &&
      mixdown_engine_set_threads(engine, threads) == MIXDOWN_SUCCESS) {
    static float left[4096], right[4096];
    uint32_t     got = 1U;
    while (got && mixdown_engine_pull(engine, left, right, 4096U, &got) == MIXDOWN_SUCCESS) {
    }
    static char names[MAX_STRIPS][32]; // the engine owns its names
    count = mixdown_engine_node_count(engine);
    for (uint32_t k = 0U; k < count && k < MAX_STRIPS; ++k) {
      CHECK(mixdown_engine_node_levels(engine, k, &levels[k]) == MIXDOWN_SUCCESS);
      snprintf(names[k], sizeof names[k], "%s", levels[k].name);
      levels[k].name = names[k];
    }
  } else {
    CHECK_MSG(false, "the session did not render");
  }
  mixdown_engine_free(engine);
  mixdown_session_free(session);
  return count;
}

// The full detail (analyze) reads a strip behind a constant fader through
// its pre-fader meter, scaled: the post-fader levels are those the summary
// measures on the post-fader signal — for a fader cut, boosted into
// clipping, muted, automated, on a bus and the master, on 1 and 3 threads.
static void
test_full_detail_post_fader_is_measured(void)
{
  test_write_sine(test_path("tone.wav"), 440.0, 0.4, 6.0, 1U, 48000U);
  test_write_sine(test_path("wide.wav"), 3000.0, 0.3, 6.0, 2U, 48000U);
  const char* yaml = "mixdown: 1\nsample_rate: 48000\ntracks:\n"
                     "  - {name: cut, file: tone.wav, gain_db: -30, pan: 0.4, output: group}\n"
                     "  - {name: hot, file: wide.wav, gain_db: 12}\n"
                     "  - {name: muted, file: tone.wav, mute: true}\n"
                     "  - {name: ride, file: wide.wav, gain_db: {points: [[0, -40], [5, 0]], curve: linear}}\n"
                     "buses:\n  - {name: group, gain_db: 6}\n"
                     "master: {gain_db: -3}\n";
  MixdownNodeLevels full[MAX_STRIPS], summary[MAX_STRIPS];
  for (uint32_t threads = 1U; threads <= 3U; threads += 2U) {
    const uint32_t n = strip_levels(yaml, MIXDOWN_LEVELS_FULL, threads, full);
    CHECK(n == 6U && strip_levels(yaml, MIXDOWN_LEVELS_SUMMARY, threads, summary) == n);
    for (uint32_t k = 0U; k < n && k < MAX_STRIPS; ++k) {
      const MixdownLevels* f = &full[k].post_fader;
      const MixdownLevels* m = &summary[k].post_fader;
      const double         pairs[3][2] = {
        {f->peak_dbfs, m->peak_dbfs}, {f->rms_dbfs, m->rms_dbfs}, {f->integrated_lufs, m->integrated_lufs}};
      for (int j = 0; j < 3; ++j) {
        CHECK_MSG(pairs[j][0] == pairs[j][1] || fabs(pairs[j][0] - pairs[j][1]) < 1e-4,
                  "%s, level %d: %.5f in full, %.5f measured after the fader", full[k].name, j, pairs[j][0],
                  pairs[j][1]);
      }
      CHECK_MSG(f->clipped == m->clipped, "%s: %llu clipped in full, %llu measured", full[k].name,
                (unsigned long long)f->clipped, (unsigned long long)m->clipped);
      CHECK(isfinite(f->true_peak_dbtp) || !isfinite(m->peak_dbfs));
    }
    CHECK(!strcmp(full[1].name, "hot") && full[1].post_fader.clipped > 0U);
    CHECK(!strcmp(full[2].name, "muted") && isinf(full[2].post_fader.integrated_lufs));
    CHECK_NEAR(full[0].post_fader.integrated_lufs - full[0].pre_fader.integrated_lufs, -30.0, 1e-3);
  }
}

// Silence, and less than one block, read -inf (and the maxima say so).
static void
test_silence_and_short(void)
{
  Signal      s = signal_new(2U, 48000U, 5.0);
  MdLoudness* m = md_loudness_new(2U, 48000.0, MD_LOUDNESS_RANGE | MD_LOUDNESS_TRUE_PEAK);
  md_loudness_add(m, (const float* const*)s.x, s.frames);
  CHECK(isinf(md_loudness_integrated(m)) && md_loudness_integrated(m) < 0.0);
  CHECK(md_loudness_range(m) == 0.0);
  CHECK(md_loudness_true_peak(m, 0U) == 0.0);
  md_loudness_free(m);
  signal_free(&s);
  Signal      t = sine(2U, 48000U, 0.35, 1000.0, -6.0);
  MdLoudness* n = md_loudness_new(2U, 48000.0, 0U);
  md_loudness_add(n, (const float* const*)t.x, t.frames);
  CHECK(isinf(md_loudness_integrated(n)) && isinf(md_loudness_momentary_max(n)));
  md_loudness_free(n);
  signal_free(&t);
}

// Bytes the heap holds for `count` meters fed `seconds` of noise each.
static size_t
heap_bytes_per_meter(unsigned flags, double seconds)
{
  enum { COUNT = 16 };
  Signal       s = noise(2U, 48000U, 1.0, -20.0);
  const size_t before = mallinfo2().uordblks;
  MdMeasure*   m[COUNT];
  for (int k = 0; k < COUNT; ++k) {
    m[k] = md_measure_new(2U, 48000.0, flags);
    for (double t = 0.0; t < seconds; t += 1.0) {
      md_measure_add_planar(m[k], (const float* const*)s.x, s.frames);
    }
  }
  const size_t after = mallinfo2().uordblks;
  for (int k = 0; k < COUNT; ++k) {
    md_measure_free(m[k]);
  }
  signal_free(&s);
  return after > before ? (after - before) / COUNT : 0U;
}

// The render summary's meter (MIXDOWN_LEVELS_SUMMARY) takes a few KiB per
// strip, and no meter grows with the length (libebur128's took ~300 KiB
// for the summary and 2.4 MiB for everything, plus every block kept).
static void
test_a_strip_meter_takes_a_few_kib(void)
{
#if defined(__SANITIZE_ADDRESS__)
  test_skip("the sanitizer's allocator keeps no mallinfo");
#endif
  const size_t light_short = heap_bytes_per_meter(MD_MEASURE_LIGHT, 1.0);
  const size_t light_long  = heap_bytes_per_meter(MD_MEASURE_LIGHT, 240.0);
  const size_t full_short  = heap_bytes_per_meter(MD_MEASURE_FULL, 1.0);
  const size_t full_long   = heap_bytes_per_meter(MD_MEASURE_FULL, 240.0);
  printf("    a summary meter: %zu bytes (after 4 minutes: %zu); a full one: %zu (%zu)\n", light_short, light_long,
         full_short, full_long);
  CHECK_MSG(light_short <= 8U * 1024U, "a summary meter takes %zu bytes", light_short);
  CHECK_MSG(full_short <= 16U * 1024U, "a full meter takes %zu bytes", full_short);
  CHECK_MSG(light_long == light_short && full_long == full_short,
            "4 minutes grew the meters: %zu → %zu and %zu → %zu bytes", light_short, light_long, full_short, full_long);
}

static double
thread_seconds(void)
{
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

// A summary meter on a minute of stereo costs at most a third of what
// libebur128 needs for the integrated loudness alone (it was libebur128
// plus its own per-sample loop: more).  Best of three, in CPU time.
static void
test_a_strip_meter_is_cheap(void)
{
#if defined(__SANITIZE_ADDRESS__) || !defined(__OPTIMIZE__)
  test_skip("timings mean something only in an optimised build without sanitizers");
#endif
  Signal s      = music(2U, 48000U, 60.0);
  float* frames = malloc(sizeof(float) * 2U * s.frames);
  for (uint32_t i = 0U; i < s.frames; ++i) {
    frames[2U * i]      = s.x[0][i];
    frames[2U * i + 1U] = s.x[1][i];
  }
  double mine = HUGE_VAL, theirs = HUGE_VAL;
  for (int round = 0; round < 3; ++round) {
    double     t0 = thread_seconds();
    MdMeasure* m  = md_measure_new(2U, 48000.0, MD_MEASURE_LIGHT);
    for (uint32_t at = 0U; at < s.frames; at += 1024U) {
      const uint32_t n    = s.frames - at < 1024U ? s.frames - at : 1024U;
      const float*   x[2] = {s.x[0] + at, s.x[1] + at};
      md_measure_add_planar(m, x, n);
    }
    MixdownLevels l;
    md_measure_levels(m, &l);
    md_measure_free(m);
    mine           = fmin(mine, thread_seconds() - t0);
    t0             = thread_seconds();
    ebur128_state* st = ebur128_init(2U, 48000U, EBUR128_MODE_I);
    for (uint32_t at = 0U; at < s.frames; at += 1024U) {
      const uint32_t n = s.frames - at < 1024U ? s.frames - at : 1024U;
      ebur128_add_frames_float(st, frames + 2U * at, n);
    }
    double lufs;
    ebur128_loudness_global(st, &lufs);
    ebur128_destroy(&st);
    theirs = fmin(theirs, thread_seconds() - t0);
  }
  printf("    a minute of stereo: %.1f ms to meter for the summary, libebur128 %.1f ms for its loudness\n", mine * 1e3,
         theirs * 1e3);
  CHECK_MSG(mine * 3.0 <= theirs, "a minute of stereo: %.1f ms to meter, libebur128 %.1f ms for its loudness",
            mine * 1e3, theirs * 1e3);
  free(frames);
  signal_free(&s);
}

const TestCase loudness_tests[] = {
  {"loudness: K-weighting is BS.1770-4's at 48 kHz", test_k_weighting_is_the_standards},
  {"loudness: every kernel variant's K-weighted energy, peak and energy equal the reference",
   test_kernel_variants_match_reference},
  {"loudness: a full-scale 997 Hz sine reads -3.01 LUFS at 44.1/48/96 kHz", test_reference_sine_reads_minus_3},
  {"loudness: sines match libebur128 (44.1/48/96 kHz)", test_sines_match_libebur128},
  {"loudness: noise matches libebur128 (44.1/48/96 kHz)", test_noise_matches_libebur128},
  {"loudness: music with silences matches libebur128 (mono, stereo; 44.1/48/96 kHz)",
   test_music_with_silences_matches_libebur128},
  {"loudness: 5.1 matches libebur128", test_surround_matches_libebur128},
  {"loudness: true peak between samples", test_true_peak_between_samples},
  {"loudness: range of a steady and a stepped tone", test_range_of_steady_and_stepped},
  {"loudness: a scaled twin reads what a meter of the scaled signal reads", test_scaled_twin_reads_the_scaled_signal},
  {"loudness: analyze's post-fader levels are those measured after the fader (engine)",
   test_full_detail_post_fader_is_measured},
  {"loudness: silence and less than a block", test_silence_and_short},
  {"loudness: a strip's meter takes a few KiB, whatever the length", test_a_strip_meter_takes_a_few_kib},
  {"loudness: a strip's meter costs a third of libebur128's", test_a_strip_meter_is_cheap},
  {NULL, NULL},
};
