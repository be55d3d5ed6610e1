// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Writes the benchmark's stems: N stereo 24-bit 48 kHz WAV files of
// SECONDS each, deterministic (the same bytes on every machine).  Each
// track is a chord of a few harmonics at its own pitch, pulsed at its own
// rate, with a breath of noise: busy enough for the compressors to work.
//
//   bench-gen-stems DIR N SECONDS

#include <math.h>
#include <sndfile.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define RATE 48000

static double
noise(uint32_t* seed)
{
  uint32_t x = *seed;
  x ^= x << 13U;
  x ^= x >> 17U;
  x ^= x << 5U;
  *seed = x;
  return (double)x / 2147483648.0 - 1.0;
}

static int
write_stem(const char* path, int track, int seconds)
{
  SF_INFO info = {.samplerate = RATE, .channels = 2, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_24};
  SNDFILE* file = sf_open(path, SFM_WRITE, &info);
  if (!file) {
    fprintf(stderr, "bench-gen-stems: %s: %s\n", path, sf_strerror(NULL));
    return 1;
  }
  const double f0        = 55.0 * pow(2.0, (track * 7 % 36) / 12.0);
  const double pulse_hz  = 1.0 + (track % 5) * 0.5;
  uint32_t     seed      = 1U + (uint32_t)track * 7919U;
  float        block[2 * 4800];
  double       phase     = 0.0;
  for (int64_t done = 0; done < (int64_t)seconds * RATE; done += 4800) {
    for (int i = 0; i < 4800; ++i) {
      const double t        = (double)(done + i) / RATE;
      const double envelope = 0.5 + 0.5 * sin(2.0 * M_PI * pulse_hz * t);
      double       tone     = sin(phase) + 0.5 * sin(2.0 * phase) + 0.25 * sin(3.0 * phase);
      phase += 2.0 * M_PI * f0 / RATE;
      if (phase > 2.0 * M_PI) {
        phase -= 2.0 * M_PI;
      }
      const double breath = 0.05 * noise(&seed);
      block[2 * i]        = (float)(0.25 * envelope * tone + breath);
      block[2 * i + 1]    = (float)(0.25 * envelope * tone * 0.9 + 0.05 * noise(&seed));
    }
    sf_writef_float(file, block, 4800);
  }
  return sf_close(file) != 0;
}

int
main(int argc, char** argv)
{
  if (argc != 4) {
    fprintf(stderr, "usage: bench-gen-stems DIR N SECONDS\n");
    return 2;
  }
  const int n = atoi(argv[2]), seconds = atoi(argv[3]);
  for (int k = 0; k < n; ++k) {
    char path[4096];
    snprintf(path, sizeof path, "%s/track%03d.wav", argv[1], k);
    if (write_stem(path, k, seconds)) {
      return 1;
    }
  }
  return 0;
}
