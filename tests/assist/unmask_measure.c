// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Test material and measures for tests/assist/test_unmask.sh:
//
//   unmask_measure tones OUT.wav SECONDS RATE
//       the "masked" track: a sequence of harmonic notes (110, 131, 147,
//       165 Hz; harmonics up to 6 kHz at 1/√k) 0.5 s on, 1 s off, mono,
//       peak −6 dBFS
//   unmask_measure noiseband OUT.wav SECONDS RATE CENTRE_HZ SEED HIGH_DB
//       the masker: Gaussian noise a third of an octave wide around
//       CENTRE_HZ (brick-wall in the spectrum of the whole file) and a
//       second one at 14 kHz, HIGH_DB relative to it, mono, RMS −20 dBFS,
//       seeded
//   unmask_measure spearman X1,X2,… Y1,Y2,…
//       the rank correlation of two lists (mean ranks for ties)
//
// Everything is printed on stdout; exit 1 on failure.

#include <fftw3.h>
#include <math.h>
#include <sndfile.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
write_mono(const char* path, const float* x, size_t n, int rate)
{
  SF_INFO info = {.samplerate = rate, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT};
  SNDFILE* f   = sf_open(path, SFM_WRITE, &info);
  if (!f) {
    fprintf(stderr, "%s: %s\n", path, sf_strerror(NULL));
    return 1;
  }
  const sf_count_t done = sf_writef_float(f, x, (sf_count_t)n);
  sf_close(f);
  return done == (sf_count_t)n ? 0 : 1;
}

static int
tones(const char* path, double seconds, int rate)
{
  static const double notes_hz[] = {110.0, 131.0, 147.0, 165.0};
  const size_t        n          = (size_t)(seconds * rate);
  float*              x          = calloc(n, sizeof *x);
  if (!x) {
    return 1;
  }
  const double on_s = 0.5, period_s = 1.5, fade_s = 0.01;
  double       peak = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const double t    = (double)i / rate;
    const size_t note = (size_t)(t / period_s);
    const double in   = t - note * period_s;
    if (in >= on_s) {
      continue;
    }
    const double f0  = notes_hz[note % 4U];
    const double env = fmin(1.0, fmin(in / fade_s, (on_s - in) / fade_s));
    double       s   = 0.0;
    for (int k = 1; k * f0 < 6000.0; ++k) {
      s += sin(2.0 * M_PI * k * f0 * in + 0.7 * k * k) / sqrt(k);
    }
    x[i] = (float)(env * s);
    peak = fmax(peak, fabs(x[i]));
  }
  for (size_t i = 0; i < n; ++i) {
    x[i] = (float)(x[i] * 0.5 / peak);
  }
  const int rc = write_mono(path, x, n, rate);
  free(x);
  return rc;
}

// A Gaussian number (Box–Muller) from a small seeded generator.
static double
gauss(uint64_t* state)
{
  double u[2];
  for (int i = 0; i < 2; ++i) {
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    u[i]   = ((double)(*state >> 11) + 0.5) / 9007199254740992.0;
  }
  return sqrt(-2.0 * log(u[0])) * cos(2.0 * M_PI * u[1]);
}

static int
noiseband(const char* path, double seconds, int rate, double centre_hz, unsigned seed, double high_db)
{
  const size_t   n    = (size_t)(seconds * rate) & ~(size_t)1;
  float*         x    = fftwf_alloc_real(n);
  fftwf_complex* spec = fftwf_alloc_complex(n / 2U + 1U);
  if (!x || !spec) {
    return 1;
  }
  fftwf_plan   plan = fftwf_plan_dft_c2r_1d((int)n, spec, x, FFTW_ESTIMATE);
  uint64_t     st   = 0x9E3779B97F4A7C15ULL ^ seed;
  const double lo = centre_hz * pow(2.0, -1.0 / 6.0), hi = centre_hz * pow(2.0, 1.0 / 6.0);
  // a second band a third of an octave wide at 14 kHz, above everything
  // the notes hold, its power high_db relative to the first: the masker's
  // loudness does not all sit where it masks (as in real instruments)
  const double high_lo = 14000.0 * pow(2.0, -1.0 / 6.0), high_hi = 14000.0 * pow(2.0, 1.0 / 6.0);
  const double high    = sqrt(pow(10.0, high_db / 10.0) * (hi - lo) / (high_hi - high_lo));
  for (size_t k = 0; k <= n / 2U; ++k) {
    const double hz   = (double)k * rate / n;
    const double a    = gauss(&st), b = gauss(&st);
    const double gain = hz >= lo && hz <= hi ? 1.0 : hz >= high_lo && hz <= high_hi ? high : 0.0;
    spec[k][0]        = (float)(a * gain);
    spec[k][1]        = (float)(b * gain);
  }
  fftwf_execute(plan);
  double sum = 0.0;
  for (size_t i = 0; i < n; ++i) {
    sum += (double)x[i] * x[i];
  }
  const double gain = 0.1 / sqrt(sum / n); // RMS −20 dBFS
  for (size_t i = 0; i < n; ++i) {
    x[i] = (float)(x[i] * gain);
  }
  const int rc = write_mono(path, x, n, rate);
  fftwf_destroy_plan(plan);
  fftwf_free(x);
  fftwf_free(spec);
  return rc;
}

static size_t
parse_list(const char* text, double* out, size_t max)
{
  size_t n = 0;
  char*  end;
  while (*text && n < max) {
    out[n++] = strtod(text, &end);
    if (end == text) {
      return 0;
    }
    text = *end == ',' ? end + 1 : end;
  }
  return n;
}

static void
ranks(const double* x, double* r, size_t n)
{
  for (size_t i = 0; i < n; ++i) {
    double below = 0.0, equal = 0.0;
    for (size_t j = 0; j < n; ++j) {
      below += x[j] < x[i];
      equal += x[j] == x[i];
    }
    r[i] = below + (equal + 1.0) / 2.0;
  }
}

static int
spearman(const char* a, const char* b)
{
  double x[64], y[64], rx[64], ry[64];
  const size_t n = parse_list(a, x, 64);
  if (n < 2U || parse_list(b, y, 64) != n) {
    fprintf(stderr, "spearman: two lists of the same length, two or more numbers\n");
    return 1;
  }
  ranks(x, rx, n);
  ranks(y, ry, n);
  double mx = 0.0, my = 0.0;
  for (size_t i = 0; i < n; ++i) {
    mx += rx[i] / n;
    my += ry[i] / n;
  }
  double sxy = 0.0, sxx = 0.0, syy = 0.0;
  for (size_t i = 0; i < n; ++i) {
    sxy += (rx[i] - mx) * (ry[i] - my);
    sxx += (rx[i] - mx) * (rx[i] - mx);
    syy += (ry[i] - my) * (ry[i] - my);
  }
  printf("%.4f\n", sxx > 0.0 && syy > 0.0 ? sxy / sqrt(sxx * syy) : 0.0);
  return 0;
}

int
main(int argc, char** argv)
{
  if (argc == 5 && !strcmp(argv[1], "tones")) {
    return tones(argv[2], atof(argv[3]), atoi(argv[4]));
  }
  if (argc == 8 && !strcmp(argv[1], "noiseband")) {
    return noiseband(argv[2], atof(argv[3]), atoi(argv[4]), atof(argv[5]), (unsigned)atoi(argv[6]), atof(argv[7]));
  }
  if (argc == 4 && !strcmp(argv[1], "spearman")) {
    return spearman(argv[2], argv[3]);
  }
  fprintf(stderr, "usage: unmask_measure tones OUT.wav SECONDS RATE\n"
                  "       unmask_measure noiseband OUT.wav SECONDS RATE CENTRE_HZ SEED HIGH_DB\n"
                  "       unmask_measure spearman X1,X2,… Y1,Y2,…\n");
  return 1;
}
