// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// balance's test material and measures:
//   balance_measure stems DIR SECONDS RATE SEED
//     five stems of distinct spectra and rhythms into DIR: kick.wav (pitch-
//     dropping sine pulses), bass.wav (a saw-like line), pad.wav (a detuned
//     stereo chord), hats.wav (high-passed noise bursts, stereo), lead.wav (a
//     square-ish melody with vibrato and rests); float WAV, seeded noise.
//   balance_measure loudness FILE…
//     each file's BS.1770 integrated loudness (libebur128), "FILE LUFS".

#include <ebur128.h>
#include <math.h>
#include <sndfile.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 1;

static double
noise(void)
{
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return (double)(rng_state >> 11) / 9007199254740992.0 * 2.0 - 1.0;
}

typedef struct {
  const char* name;
  int         channels;
  void (*make)(float* out, size_t n, int rate); // interleaved
} Stem;

static void
make_kick(float* out, size_t n, int rate)
{
  const size_t beat  = (size_t)(0.5 * rate);
  double       phase = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const double t    = (double)(i % beat) / rate;
    const double freq = 45.0 + 80.0 * exp(-t / 0.03);
    phase += 2.0 * M_PI * freq / rate;
    out[i] = (float)(0.8 * exp(-t / 0.15) * sin(phase));
  }
}

static void
make_bass(float* out, size_t n, int rate)
{
  static const double notes[] = {55.0, 65.41, 73.42, 49.0, 55.0, 82.41, 73.42, 61.74};
  const size_t        step    = (size_t)(0.5 * rate);
  double              phase   = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const double t    = (double)(i % step) / rate;
    const double freq = notes[(i / step) % 8U];
    phase += 2.0 * M_PI * freq / rate;
    double s = 0.0;
    for (int h = 1; h <= 6; ++h) { // a saw's first harmonics, rolled off
      s += sin(h * phase) / (h * h);
    }
    out[i] = (float)(0.35 * s * (1.0 - exp(-t / 0.005)) * exp(-t / 0.6));
  }
}

static void
make_pad(float* out, size_t n, int rate)
{
  static const double chord[] = {220.0, 277.18, 329.63, 440.0, 554.37};
  for (size_t i = 0; i < n; ++i) {
    const double t     = (double)i / rate;
    const double swell = 0.6 + 0.4 * sin(2.0 * M_PI * t / 4.0);
    for (int c = 0; c < 2; ++c) {
      double s = 0.0;
      for (int k = 0; k < 5; ++k) {
        const double detune = 1.0 + (c ? 0.003 : -0.003) * (k + 1);
        s += sin(2.0 * M_PI * chord[k] * detune * t + c * 1.3 * k);
      }
      out[2 * i + (size_t)c] = (float)(0.08 * swell * s);
    }
  }
}

static void
make_hats(float* out, size_t n, int rate)
{
  const size_t step = (size_t)(0.25 * rate);
  double       prev[2][2] = {{0}};
  for (size_t i = 0; i < n; ++i) {
    const double t   = (double)(i % step) / rate;
    const double env = exp(-t / 0.03);
    for (int c = 0; c < 2; ++c) {
      const double x = noise();
      // a second difference: +12 dB/octave, the energy above 5 kHz
      const double y = x - 2.0 * prev[c][0] + prev[c][1];
      prev[c][1]     = prev[c][0];
      prev[c][0]     = x;
      out[2 * i + (size_t)c] = (float)(0.15 * env * y);
    }
  }
}

static void
make_lead(float* out, size_t n, int rate)
{
  static const double notes[] = {659.25, 587.33, 523.25, 0.0, 783.99, 659.25, 880.0, 0.0, 523.25, 587.33};
  const size_t        step    = (size_t)(0.375 * rate);
  double              phase   = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const double t    = (double)i / rate;
    const double tn   = (double)(i % step) / rate;
    const double freq = notes[(i / step) % 10U];
    if (freq == 0.0) {
      out[i] = 0.0f;
      continue;
    }
    phase += 2.0 * M_PI * freq * (1.0 + 0.004 * sin(2.0 * M_PI * 5.5 * t)) / rate;
    const double s = sin(phase) + sin(3.0 * phase) / 3.0 + sin(5.0 * phase) / 5.0;
    out[i]         = (float)(0.25 * s * (1.0 - exp(-tn / 0.01)) * exp(-tn / 0.8));
  }
}

static int
write_stem(const char* dir, const Stem* stem, double seconds, int rate)
{
  const size_t n   = (size_t)(seconds * rate);
  float*       buf = calloc(n * (size_t)stem->channels, sizeof *buf);
  if (!buf) {
    return 1;
  }
  stem->make(buf, n, rate);
  char path[4096];
  snprintf(path, sizeof path, "%s/%s.wav", dir, stem->name);
  SF_INFO info = {.samplerate = rate, .channels = stem->channels, .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT};
  SNDFILE* f   = sf_open(path, SFM_WRITE, &info);
  if (!f) {
    fprintf(stderr, "balance_measure: %s: %s\n", path, sf_strerror(NULL));
    free(buf);
    return 1;
  }
  const sf_count_t w = sf_writef_float(f, buf, (sf_count_t)n);
  sf_close(f);
  free(buf);
  return w == (sf_count_t)n ? 0 : 1;
}

static int
stems(const char* dir, double seconds, int rate, uint64_t seed)
{
  static const Stem list[] = {
    {"kick", 1, make_kick}, {"bass", 1, make_bass}, {"pad", 2, make_pad},
    {"hats", 2, make_hats}, {"lead", 1, make_lead},
  };
  rng_state = seed * 2654435761ULL + 1ULL;
  for (size_t i = 0; i < sizeof list / sizeof list[0]; ++i) {
    if (write_stem(dir, &list[i], seconds, rate)) {
      return 1;
    }
  }
  return 0;
}

static int
loudness(const char* path)
{
  SF_INFO  info = {0};
  SNDFILE* f    = sf_open(path, SFM_READ, &info);
  if (!f) {
    fprintf(stderr, "balance_measure: %s: %s\n", path, sf_strerror(NULL));
    return 1;
  }
  ebur128_state* st = ebur128_init((unsigned)info.channels, (unsigned long)info.samplerate, EBUR128_MODE_I);
  float          buf[4096 * 2];
  const sf_count_t per = 4096; // frames; at most two channels
  sf_count_t       got;
  while (st && info.channels <= 2 && (got = sf_readf_float(f, buf, per)) > 0) {
    ebur128_add_frames_float(st, buf, (size_t)got);
  }
  double lufs = -HUGE_VAL;
  if (st) {
    ebur128_loudness_global(st, &lufs);
    ebur128_destroy(&st);
  }
  sf_close(f);
  printf("%s %.3f\n", path, lufs);
  return 0;
}

int
main(int argc, char** argv)
{
  if (argc == 6 && strcmp(argv[1], "stems") == 0) {
    return stems(argv[2], atof(argv[3]), atoi(argv[4]), strtoull(argv[5], NULL, 10));
  }
  if (argc >= 3 && strcmp(argv[1], "loudness") == 0) {
    int bad = 0;
    for (int i = 2; i < argc; ++i) {
      bad |= loudness(argv[i]);
    }
    return bad;
  }
  fprintf(stderr, "usage: balance_measure stems DIR SECONDS RATE SEED | loudness FILE…\n");
  return 2;
}
