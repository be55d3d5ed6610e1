// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The match test's material and measuring stick, independent of the
// assistant's own analysis (src/assist/bands.c is not used here):
//
//   match_measure stems DIR SECONDS
//     writes a broadband little song's stems into DIR (48 kHz, float):
//     kick.wav, bass.wav, keys.wav (mono), hats.wav, pad.wav (stereo, the
//     two sides independent so the mix has width).  Seeded: the same bytes
//     every run.
//
//   match_measure compare A.wav B.wav
//     third-octave long-term spectra (50 Hz … 16 kHz; power of both
//     channels, (L² + R²) / 2, Hann frames of 16384 every 8192, FFTW) of
//     both files, one line per third:  third HZ A_DB B_DB B−A
//     then  sidemid A_DB B_DB  (side-to-mid energy, 50 Hz … 16 kHz)
//     and   loudness A_LUFS B_LUFS  (libebur128, integrated).

#include <ebur128.h>
#include <fftw3.h>
#include <math.h>
#include <sndfile.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATE       48000
#define FFT_SIZE   16384
#define N_THIRDS   26 // 50 Hz … 16 kHz

/* --- material ------------------------------------------------------------ */

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static double
noise(void) // uniform −1 … 1
{
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return (double)(rng_state >> 11) / (double)(1ULL << 52) - 1.0;
}

static int
write_wav(const char* dir, const char* name, const float* data, long frames, int channels)
{
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  SF_INFO  info = {.samplerate = RATE, .channels = channels, .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT};
  SNDFILE* f    = sf_open(path, SFM_WRITE, &info);
  if (!f) {
    fprintf(stderr, "%s: %s\n", path, sf_strerror(NULL));
    return 1;
  }
  sf_writef_float(f, data, frames);
  sf_close(f);
  return 0;
}

// A band-limited sawtooth (harmonics 1/n up to `top_hz`).
static double
saw(double phase_cycles, double f0, double top_hz)
{
  double s = 0.0;
  for (int n = 1; n * f0 < top_hz; ++n) {
    s += sin(2.0 * M_PI * n * phase_cycles) / n;
  }
  return s;
}

static int
make_stems(const char* dir, double seconds)
{
  const long n     = (long)(seconds * RATE);
  float*     mono  = calloc((size_t)n, sizeof *mono);
  float*     st    = calloc((size_t)n * 2U, sizeof *st);
  int        fails = 0;
  if (!mono || !st) {
    return 1;
  }
  // kick: a sweep 150 → 45 Hz every half second, and a click
  double kick_phase = 0.0;
  for (long i = 0; i < n; ++i) {
    const double t = fmod((double)i / RATE, 0.5);
    const double f = 45.0 + 105.0 * exp(-t / 0.03);
    kick_phase += f / RATE;
    mono[i] = (float)(0.5 * exp(-t / 0.2) * sin(2.0 * M_PI * kick_phase) + (t < 0.002 ? 0.2 * noise() : 0.0));
  }
  fails += write_wav(dir, "kick.wav", mono, n, 1);
  // bass: a sawtooth line, a note every 2 s
  static const double bass_hz[] = {55.0, 73.42, 82.41, 49.0};
  double              phase     = 0.0;
  for (long i = 0; i < n; ++i) {
    const double t  = (double)i / RATE;
    const double f0 = bass_hz[(long)(t / 2.0) % 4];
    phase += f0 / RATE;
    mono[i] = (float)(0.12 * saw(phase, f0, 3000.0) * (0.6 + 0.4 * exp(-fmod(t, 0.5) / 0.15)));
  }
  fails += write_wav(dir, "bass.wav", mono, n, 1);
  // keys: three-note chords, bright (harmonics to 10 kHz), a new one every second
  static const double chord_hz[4][3] = {{220.0, 277.18, 329.63}, {293.66, 369.99, 440.0},
                                        {329.63, 415.3, 493.88}, {196.0, 246.94, 293.66}};
  double              ph[3]          = {0};
  for (long i = 0; i < n; ++i) {
    const double t   = (double)i / RATE;
    const int    c   = (int)(t) % 4;
    double       s   = 0.0;
    for (int k = 0; k < 3; ++k) {
      const double f0 = chord_hz[c][k];
      ph[k] += f0 / RATE;
      for (int h = 1; h * f0 < 10000.0; ++h) {
        s += sin(2.0 * M_PI * h * ph[k]) / (h * sqrt(h));
      }
    }
    mono[i] = (float)(0.06 * s * (0.3 + 0.7 * exp(-fmod(t, 1.0) / 0.4)));
  }
  fails += write_wav(dir, "keys.wav", mono, n, 1);
  // hats: highpassed noise bursts every eighth, independent on each side
  double prev[2] = {0}, hp[2] = {0};
  for (long i = 0; i < n; ++i) {
    const double t = fmod((double)i / RATE, 0.125);
    for (int c = 0; c < 2; ++c) {
      const double x = noise();
      hp[c]          = 0.6 * (hp[c] + x - prev[c]); // a first-order highpass near 4 kHz
      prev[c]        = x;
      st[2 * i + c]  = (float)(0.4 * exp(-t / 0.03) * hp[c]);
    }
  }
  fails += write_wav(dir, "hats.wav", st, n, 2);
  // pad: pink noise (Kellet's filter), independent on each side: every third octave has something
  double b[2][7] = {{0}};
  for (long i = 0; i < n; ++i) {
    for (int c = 0; c < 2; ++c) {
      const double w = noise();
      double*      k = b[c];
      k[0]           = 0.99886 * k[0] + w * 0.0555179;
      k[1]           = 0.99332 * k[1] + w * 0.0750759;
      k[2]           = 0.96900 * k[2] + w * 0.1538520;
      k[3]           = 0.86650 * k[3] + w * 0.3104856;
      k[4]           = 0.55000 * k[4] + w * 0.5329522;
      k[5]           = -0.7616 * k[5] - w * 0.0168980;
      const double p = k[0] + k[1] + k[2] + k[3] + k[4] + k[5] + k[6] + w * 0.5362;
      k[6]           = w * 0.115926;
      st[2 * i + c]  = (float)(0.02 * p);
    }
  }
  fails += write_wav(dir, "pad.wav", st, n, 2);
  free(mono);
  free(st);
  return fails ? 1 : 0;
}

/* --- measuring ----------------------------------------------------------- */

typedef struct {
  double power[N_THIRDS]; ///< (L² + R²) / 2 per third
  double mid, side;       ///< 50 Hz … 16 kHz
  double lufs;
} Spectrum;

static int
measure(const char* path, Spectrum* out)
{
  SF_INFO  info = {0};
  SNDFILE* f    = sf_open(path, SFM_READ, &info);
  if (!f) {
    fprintf(stderr, "%s: %s\n", path, sf_strerror(NULL));
    return 1;
  }
  const int   ch   = info.channels;
  const long  n    = (long)info.frames;
  float*      data = malloc((size_t)n * (size_t)ch * sizeof *data);
  float*      in   = fftwf_malloc(FFT_SIZE * sizeof *in);
  fftwf_complex* spec = fftwf_malloc((FFT_SIZE / 2 + 1) * sizeof *spec);
  double*     bins[4];
  for (int k = 0; k < 4; ++k) {
    bins[k] = calloc(FFT_SIZE / 2 + 1, sizeof(double));
  }
  sf_readf_float(f, data, n);
  sf_close(f);
  fftwf_plan plan = fftwf_plan_dft_r2c_1d(FFT_SIZE, in, spec, FFTW_ESTIMATE);
  long       frames = 0;
  // signals: 0 left, 1 right, 2 mid, 3 side
  for (long at = 0; at + FFT_SIZE <= n; at += FFT_SIZE / 2, ++frames) {
    for (int s = 0; s < 4; ++s) {
      for (int i = 0; i < FFT_SIZE; ++i) {
        const double l = data[(at + i) * ch], r = data[(at + i) * ch + ch - 1];
        const double x = s == 0 ? l : s == 1 ? r : s == 2 ? 0.5 * (l + r) : 0.5 * (l - r);
        in[i]          = (float)(x * (0.5 - 0.5 * cos(2.0 * M_PI * i / FFT_SIZE)));
      }
      fftwf_execute(plan);
      for (int k = 0; k <= FFT_SIZE / 2; ++k) {
        bins[s][k] += (double)spec[k][0] * spec[k][0] + (double)spec[k][1] * spec[k][1];
      }
    }
  }
  memset(out, 0, sizeof *out);
  for (int t = 0; t < N_THIRDS; ++t) {
    const double centre = 1000.0 * pow(2.0, (t - 13) / 3.0);
    const double lo = centre * pow(2.0, -1.0 / 6.0), hi = centre * pow(2.0, 1.0 / 6.0);
    for (int k = 1; k <= FFT_SIZE / 2; ++k) {
      const double hz = (double)k * info.samplerate / FFT_SIZE;
      if (hz >= lo && hz < hi) {
        out->power[t] += 0.5 * (bins[0][k] + bins[1][k]) / (frames ? frames : 1);
        out->mid += bins[2][k];
        out->side += bins[3][k];
      }
    }
  }
  ebur128_state* meter = ebur128_init((unsigned)ch, (unsigned long)info.samplerate, EBUR128_MODE_I);
  ebur128_add_frames_float(meter, data, (size_t)n);
  ebur128_loudness_global(meter, &out->lufs);
  ebur128_destroy(&meter);
  fftwf_destroy_plan(plan);
  fftwf_free(in);
  fftwf_free(spec);
  for (int k = 0; k < 4; ++k) {
    free(bins[k]);
  }
  free(data);
  return 0;
}

static double
db(double power)
{
  return 10.0 * log10(power > 1e-30 ? power : 1e-30);
}

static int
compare(const char* a, const char* b)
{
  Spectrum sa, sb;
  if (measure(a, &sa) || measure(b, &sb)) {
    return 1;
  }
  for (int t = 0; t < N_THIRDS; ++t) {
    const double centre = 1000.0 * pow(2.0, (t - 13) / 3.0);
    printf("third %.1f %.3f %.3f %.3f\n", centre, db(sa.power[t]), db(sb.power[t]),
           db(sb.power[t]) - db(sa.power[t]));
  }
  printf("sidemid %.3f %.3f\n", db(sa.side / sa.mid), db(sb.side / sb.mid));
  printf("loudness %.3f %.3f\n", sa.lufs, sb.lufs);
  fftwf_cleanup();
  return 0;
}

int
main(int argc, char** argv)
{
  if (argc == 4 && strcmp(argv[1], "stems") == 0) {
    return make_stems(argv[2], atof(argv[3]));
  }
  if (argc == 4 && strcmp(argv[1], "compare") == 0) {
    return compare(argv[2], argv[3]);
  }
  fprintf(stderr, "usage: match_measure stems DIR SECONDS | compare A.wav B.wav\n");
  return 2;
}
