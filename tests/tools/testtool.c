// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Makes test audio for the command-line tests, deterministically.
//   mixdown-testtool sine PATH SECONDS FREQ CHANNELS RATE   16-bit sine at -6 dBFS
//   mixdown-testtool peak PATH                              prints the sample peak in dBFS

#include <sndfile.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
write_sine(const char* path, double seconds, double freq, int channels, int rate)
{
  SF_INFO  info = {.samplerate = rate, .channels = channels, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
  SNDFILE* f    = sf_open(path, SFM_WRITE, &info);
  if (!f) {
    fprintf(stderr, "testtool: %s: %s\n", path, sf_strerror(NULL));
    return 1;
  }
  enum { CHUNK = 4096 };
  static float   buf[CHUNK * 8];
  const long long total = llround(seconds * rate);
  for (long long done = 0; done < total; done += CHUNK) {
    const int n = total - done < CHUNK ? (int)(total - done) : CHUNK;
    for (int i = 0; i < n; ++i) {
      const float x = (float)(0.5 * sin(2.0 * M_PI * freq * (double)(done + i) / rate));
      for (int c = 0; c < channels; ++c) {
        buf[i * channels + c] = x;
      }
    }
    sf_writef_float(f, buf, n);
  }
  sf_close(f);
  return 0;
}

static int
print_peak(const char* path)
{
  SF_INFO  info = {0};
  SNDFILE* f    = sf_open(path, SFM_READ, &info);
  if (!f) {
    fprintf(stderr, "testtool: %s: %s\n", path, sf_strerror(NULL));
    return 1;
  }
  static float buf[4096 * 8];
  double       peak = 0.0;
  sf_count_t   got  = 0;
  while ((got = sf_readf_float(f, buf, 4096 / info.channels * 1)) > 0) {
    for (sf_count_t i = 0; i < got * info.channels; ++i) {
      peak = fabs(buf[i]) > peak ? fabs(buf[i]) : peak;
    }
  }
  sf_close(f);
  printf("%.2f\n", peak > 0.0 ? 20.0 * log10(peak) : -999.0);
  return 0;
}

int
main(int argc, char** argv)
{
  if (argc == 7 && !strcmp(argv[1], "sine")) {
    return write_sine(argv[2], atof(argv[3]), atof(argv[4]), atoi(argv[5]), atoi(argv[6]));
  }
  if (argc == 3 && !strcmp(argv[1], "peak")) {
    return print_peak(argv[2]);
  }
  fprintf(stderr, "usage: mixdown-testtool sine PATH SECONDS FREQ CHANNELS RATE | peak PATH\n");
  return 2;
}
