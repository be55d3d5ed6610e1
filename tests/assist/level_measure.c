// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The measuring tool of tests/assist/test_level.sh: makes a noise floor,
// finds where a spoken phrase file speaks, and measures a rendered file
// against the known phrase times (libebur128 for loudness, libsndfile).
//
//   level_measure noise OUT.wav SECONDS RATE LEVEL_DBFS SEED
//       pink-ish noise (three one-pole low passes of white noise summed:
//       about -3 dB per octave from 50 Hz to 5 kHz), RMS LEVEL_DBFS, mono float
//   level_measure span FILE
//       "START END" in seconds: where FILE rises above 60 dB under its peak
//   level_measure measure FILE PHRASES [BEFORE]
//       PHRASES: lines "SPEAKER START END" (seconds, in time order).  Prints
//       key=value lines:
//         speaker_SPEAKER_lufs   integrated loudness over that speaker's phrases
//         speaker_gap_lu         loudest speaker minus quietest
//         phrase_spread_lu       per speaker: loudest phrase minus quietest (the largest)
//         speech_lra_lu          loudness range (EBU Tech 3342: 10th to 95th
//                                percentile of short-term loudness, gated) over the
//                                3 s windows centred in a phrase
//         file_lra_lu            libebur128's loudness range of the whole file
//       and with BEFORE (the same material before processing), for each
//       pause between two phrases (80 ms in from either side):
//         noise_raise_max_db / _median_db   the pause's gain (RMS after - before)
//                                minus the gain of the phrase before it (its
//                                loudness after - before)
//         noise_raise_neighbour_max_db   the same against the larger gain
//                                of the two phrases around the pause
//         pauses                 how many pauses were measured

#include <ebur128.h>
#include <math.h>
#include <stdbool.h>
#include <sndfile.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  float*   data; // interleaved
  sf_count_t frames;
  int      channels;
  int      rate;
} Audio;

typedef struct {
  char   speaker[32];
  double start_s, end_s;
} Phrase;

static int
read_audio(const char* path, Audio* a)
{
  SF_INFO  info = {0};
  SNDFILE* f    = sf_open(path, SFM_READ, &info);
  if (!f) {
    fprintf(stderr, "level_measure: %s: %s\n", path, sf_strerror(NULL));
    return -1;
  }
  a->frames   = info.frames;
  a->channels = info.channels;
  a->rate     = info.samplerate;
  a->data     = malloc((size_t)(info.frames * info.channels + 1) * sizeof *a->data);
  if (!a->data || sf_readf_float(f, a->data, info.frames) != info.frames) {
    fprintf(stderr, "level_measure: %s: short read\n", path);
    sf_close(f);
    return -1;
  }
  sf_close(f);
  return 0;
}

static double
uniform(uint64_t* state)
{
  *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(*state >> 11) / 9007199254740992.0 * 2.0 - 1.0;
}

static int
make_noise(const char* path, double seconds, int rate, double level_dbfs, uint64_t seed)
{
  const sf_count_t n = (sf_count_t)(seconds * rate);
  float*           x = malloc((size_t)n * sizeof *x);
  if (!x) {
    return 1;
  }
  // Three one-pole low passes (corners ~50 Hz, ~500 Hz, ~5 kHz) at gains
  // that fall with the corner: a slope near -3 dB per octave in between.
  const double corners[3] = {50.0, 500.0, 5000.0};
  const double gains[3]   = {1.0, 0.32, 0.1};
  double       state[3]   = {0.0, 0.0, 0.0};
  double       coef[3];
  for (int k = 0; k < 3; ++k) {
    coef[k] = exp(-2.0 * 3.14159265358979 * corners[k] / rate);
  }
  double power = 0.0;
  for (sf_count_t i = 0; i < n; ++i) {
    double y = 0.0;
    for (int k = 0; k < 3; ++k) {
      state[k] = coef[k] * state[k] + (1.0 - coef[k]) * uniform(&seed);
      y += gains[k] * state[k] / sqrt((1.0 - coef[k]) / (1.0 + coef[k]));
    }
    x[i] = (float)y;
    power += y * y;
  }
  const double scale = pow(10.0, level_dbfs / 20.0) / sqrt(power / (double)n);
  for (sf_count_t i = 0; i < n; ++i) {
    x[i] = (float)(x[i] * scale);
  }
  SF_INFO  info = {.samplerate = rate, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT};
  SNDFILE* f    = sf_open(path, SFM_WRITE, &info);
  if (!f || sf_writef_float(f, x, n) != n) {
    fprintf(stderr, "level_measure: cannot write %s\n", path);
    free(x);
    return 1;
  }
  sf_close(f);
  free(x);
  return 0;
}

static int
span(const char* path)
{
  Audio a = {0};
  if (read_audio(path, &a)) {
    return 1;
  }
  double peak = 0.0;
  for (sf_count_t i = 0; i < a.frames * a.channels; ++i) {
    peak = fmax(peak, fabs(a.data[i]));
  }
  const double threshold = peak * 1e-3; // -60 dB
  sf_count_t   first = -1, last = -1;
  for (sf_count_t i = 0; i < a.frames * a.channels; ++i) {
    if (fabs(a.data[i]) > threshold) {
      if (first < 0) {
        first = i / a.channels;
      }
      last = i / a.channels;
    }
  }
  printf("%.4f %.4f\n", first < 0 ? 0.0 : (double)first / a.rate, last < 0 ? 0.0 : (double)(last + 1) / a.rate);
  free(a.data);
  return 0;
}

static size_t
read_phrases(const char* path, Phrase** out)
{
  FILE* f = fopen(path, "r");
  if (!f) {
    return 0;
  }
  size_t  n = 0, cap = 16;
  Phrase* p = malloc(cap * sizeof *p);
  Phrase  one;
  while (p && fscanf(f, "%31s %lf %lf", one.speaker, &one.start_s, &one.end_s) == 3) {
    if (n == cap) {
      cap *= 2;
      Phrase* grow = realloc(p, cap * sizeof *p);
      if (!grow) {
        break;
      }
      p = grow;
    }
    p[n++] = one;
  }
  fclose(f);
  *out = p;
  return n;
}

static sf_count_t
frame_at(const Audio* a, double t)
{
  sf_count_t k = (sf_count_t)llround(t * a->rate);
  return k < 0 ? 0 : k > a->frames ? a->frames : k;
}

static ebur128_state*
meter(const Audio* a, int mode)
{
  ebur128_state* st = ebur128_init((unsigned)a->channels, (unsigned long)a->rate, mode);
  if (st && a->channels == 1) {
    ebur128_set_channel(st, 0, EBUR128_DUAL_MONO); // a mono file heard on both sides
  }
  return st;
}

// Integrated loudness of the stretches [from, to) fed one after the other.
static double
loudness_of(const Audio* a, const Phrase* p, size_t n, const char* speaker)
{
  ebur128_state* st = meter(a, EBUR128_MODE_I);
  for (size_t i = 0; i < n; ++i) {
    if (speaker && strcmp(p[i].speaker, speaker) != 0) {
      continue;
    }
    const sf_count_t from = frame_at(a, p[i].start_s), to = frame_at(a, p[i].end_s);
    if (to > from) {
      ebur128_add_frames_float(st, a->data + from * a->channels, (size_t)(to - from));
    }
  }
  double l = -HUGE_VAL;
  ebur128_loudness_global(st, &l);
  ebur128_destroy(&st);
  return l;
}

static double
mean_square_db(const Audio* a, double from_s, double to_s)
{
  const sf_count_t from = frame_at(a, from_s), to = frame_at(a, to_s);
  double           sum  = 0.0;
  for (sf_count_t i = from * a->channels; i < to * a->channels; ++i) {
    sum += (double)a->data[i] * a->data[i];
  }
  return to > from ? 10.0 * log10(sum / (double)(to - from) + 1e-30) : NAN;
}

static int
compare_double(const void* x, const void* y)
{
  const double a = *(const double*)x, b = *(const double*)y;
  return (a > b) - (a < b);
}

static double
percentile(const double* sorted, size_t n, double p)
{
  return sorted[(size_t)llround(p * (double)(n - 1))];
}

static bool
in_phrase(const Phrase* p, size_t n, double t)
{
  for (size_t i = 0; i < n; ++i) {
    if (t >= p[i].start_s && t < p[i].end_s) {
      return true;
    }
  }
  return false;
}

// Short-term loudness every 100 ms; the windows centred in a phrase, gated
// at -70 LUFS and 20 LU under their mean; P95 - P10.
static double
speech_lra(const Audio* a, const Phrase* p, size_t n)
{
  ebur128_state* st   = meter(a, EBUR128_MODE_S);
  const size_t   step = (size_t)a->rate / 10U;
  size_t         cap  = (size_t)(a->frames / (sf_count_t)step) + 1U, m = 0;
  double*        v    = malloc(cap * sizeof *v);
  for (sf_count_t at = 0; at + (sf_count_t)step <= a->frames; at += (sf_count_t)step) {
    ebur128_add_frames_float(st, a->data + at * a->channels, step);
    const double end_s = (double)(at + (sf_count_t)step) / a->rate;
    double       l     = -HUGE_VAL;
    if (end_s >= 3.0 && ebur128_loudness_shortterm(st, &l) == EBUR128_SUCCESS && l > -70.0 &&
        in_phrase(p, n, end_s - 1.5)) {
      v[m++] = l;
    }
  }
  ebur128_destroy(&st);
  double power = 0.0;
  for (size_t i = 0; i < m; ++i) {
    power += pow(10.0, v[i] / 10.0);
  }
  const double gate = m ? 10.0 * log10(power / (double)m) - 20.0 : 0.0;
  size_t       k    = 0;
  for (size_t i = 0; i < m; ++i) {
    if (v[i] > gate) {
      v[k++] = v[i];
    }
  }
  qsort(v, k, sizeof *v, compare_double);
  const double lra = k ? percentile(v, k, 0.95) - percentile(v, k, 0.10) : NAN;
  free(v);
  return lra;
}

static double
file_lra(const Audio* a)
{
  ebur128_state* st = meter(a, EBUR128_MODE_LRA);
  ebur128_add_frames_float(st, a->data, (size_t)a->frames);
  double lra = NAN;
  ebur128_loudness_range(st, &lra);
  ebur128_destroy(&st);
  return lra;
}

static void
speakers(const Audio* a, const Phrase* p, size_t n)
{
  double lo = HUGE_VAL, hi = -HUGE_VAL, spread = 0.0;
  for (size_t i = 0; i < n; ++i) {
    bool seen = false;
    for (size_t j = 0; j < i; ++j) {
      seen = seen || strcmp(p[j].speaker, p[i].speaker) == 0;
    }
    if (seen) {
      continue;
    }
    const double l = loudness_of(a, p, n, p[i].speaker);
    printf("speaker_%s_lufs=%.2f\n", p[i].speaker, l);
    lo = fmin(lo, l);
    hi = fmax(hi, l);
    double plo = HUGE_VAL, phi = -HUGE_VAL;
    for (size_t j = i; j < n; ++j) {
      if (strcmp(p[j].speaker, p[i].speaker) == 0) {
        const double pl = loudness_of(a, &p[j], 1, NULL);
        plo             = fmin(plo, pl);
        phi             = fmax(phi, pl);
      }
    }
    spread = fmax(spread, phi - plo);
  }
  printf("speaker_gap_lu=%.2f\nphrase_spread_lu=%.2f\n", hi - lo, spread);
}

static void
pauses(const Audio* after, const Audio* before, const Phrase* p, size_t n)
{
  const double margin_s = 0.08;
  double*      raise    = malloc((n + 1U) * sizeof *raise);
  double       worst_neighbour = -HUGE_VAL;
  size_t       m        = 0;
  for (size_t i = 0; i + 1U < n; ++i) {
    const double from = p[i].end_s + margin_s, to = p[i + 1U].start_s - margin_s;
    if (to - from < 0.2) {
      continue;
    }
    const double noise_gain = mean_square_db(after, from, to) - mean_square_db(before, from, to);
    const double gain_prev  = loudness_of(after, &p[i], 1, NULL) - loudness_of(before, &p[i], 1, NULL);
    const double gain_next  = loudness_of(after, &p[i + 1U], 1, NULL) - loudness_of(before, &p[i + 1U], 1, NULL);
    raise[m++]              = noise_gain - gain_prev;
    worst_neighbour         = fmax(worst_neighbour, noise_gain - fmax(gain_prev, gain_next));
  }
  double worst = -HUGE_VAL;
  for (size_t i = 0; i < m; ++i) {
    worst = fmax(worst, raise[i]);
  }
  qsort(raise, m, sizeof *raise, compare_double);
  printf("pauses=%zu\n", m);
  if (m) {
    printf("noise_raise_max_db=%.2f\nnoise_raise_median_db=%.2f\nnoise_raise_neighbour_max_db=%.2f\n", worst,
           m % 2U ? raise[m / 2U] : 0.5 * (raise[m / 2U - 1U] + raise[m / 2U]), worst_neighbour);
  }
  free(raise);
}

static int
measure(const char* path, const char* phrases_path, const char* before_path)
{
  Audio   a = {0}, b = {0};
  Phrase* p = NULL;
  size_t  n = read_phrases(phrases_path, &p);
  if (!n || read_audio(path, &a) || (before_path && read_audio(before_path, &b))) {
    fprintf(stderr, "level_measure: cannot read the phrases or the audio\n");
    return 1;
  }
  speakers(&a, p, n);
  printf("speech_lra_lu=%.2f\nfile_lra_lu=%.2f\n", speech_lra(&a, p, n), file_lra(&a));
  if (before_path) {
    if (b.rate != a.rate || b.channels != a.channels) {
      fprintf(stderr, "level_measure: %s and %s differ in rate or channels\n", path, before_path);
      return 1;
    }
    pauses(&a, &b, p, n);
  }
  free(a.data);
  free(b.data);
  free(p);
  return 0;
}

int
main(int argc, char** argv)
{
  if (argc == 7 && strcmp(argv[1], "noise") == 0) {
    return make_noise(argv[2], atof(argv[3]), atoi(argv[4]), atof(argv[5]), strtoull(argv[6], NULL, 10));
  }
  if (argc == 3 && strcmp(argv[1], "span") == 0) {
    return span(argv[2]);
  }
  if ((argc == 4 || argc == 5) && strcmp(argv[1], "measure") == 0) {
    return measure(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
  }
  fprintf(stderr, "usage: level_measure noise OUT.wav SECONDS RATE LEVEL_DBFS SEED\n"
                  "       level_measure span FILE\n"
                  "       level_measure measure FILE PHRASES [BEFORE]\n");
  return 2;
}
