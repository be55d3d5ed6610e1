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

// Short stereo sines in every container libsndfile writes here: seeds for
// the source fuzzer.  Formats this libsndfile cannot write are skipped.
static int
write_formats(const char* dir)
{
  static const struct {
    const char* name;
    int         format;
  } formats[] = {
    {"pcm16.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16},   {"pcm24.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_24},
    {"float.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT},    {"u8.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_U8},
    {"pcm16.rf64", SF_FORMAT_RF64 | SF_FORMAT_PCM_16}, {"pcm16.aiff", SF_FORMAT_AIFF | SF_FORMAT_PCM_16},
    {"pcm16.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16}, {"vorbis.ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS},
    {"opus.opus", SF_FORMAT_OGG | SF_FORMAT_OPUS},     {"ulaw.au", SF_FORMAT_AU | SF_FORMAT_ULAW},
    {"mp3.mp3", SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III},
  };
  float buf[2 * 2000];
  for (int i = 0; i < 2000; ++i) {
    buf[2 * i]     = (float)(0.5 * sin(i * 0.03));
    buf[2 * i + 1] = (float)(0.4 * sin(i * 0.11));
  }
  for (size_t k = 0U; k < sizeof formats / sizeof formats[0]; ++k) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, formats[k].name);
    SF_INFO  info = {.samplerate = formats[k].format == (SF_FORMAT_OGG | SF_FORMAT_OPUS) ? 48000 : 22050,
                     .channels   = 2,
                     .format     = formats[k].format};
    SNDFILE* f    = sf_open(path, SFM_WRITE, &info);
    if (f) {
      sf_writef_float(f, buf, 2000);
      sf_close(f);
    }
  }
  return 0;
}

// A second of float stereo with NaN, ±Inf and subnormal samples among a sine.
static int
write_hostile(const char* path)
{
  SF_INFO  info = {.samplerate = 48000, .channels = 2, .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT};
  SNDFILE* f    = sf_open(path, SFM_WRITE, &info);
  if (!f) {
    fprintf(stderr, "testtool: %s: %s\n", path, sf_strerror(NULL));
    return 1;
  }
  static float buf[2 * 48000];
  for (int i = 0; i < 48000; ++i) {
    buf[2 * i] = buf[2 * i + 1] = (float)(0.25 * sin(i * 0.05));
  }
  for (int i = 1000; i < 48000; i += 4999) {
    buf[2 * i]         = NAN;
    buf[2 * i + 1]     = INFINITY;
    buf[2 * i + 2]     = -INFINITY;
    buf[2 * i + 3]     = 1e-40f; // subnormal
    buf[2 * i + 4]     = -1e-42f;
  }
  sf_writef_float(f, buf, 48000);
  sf_close(f);
  return 0;
}

int
main(int argc, char** argv)
{
  if (argc == 3 && !strcmp(argv[1], "hostile")) {
    return write_hostile(argv[2]);
  }
  if (argc == 3 && !strcmp(argv[1], "formats")) {
    return write_formats(argv[2]);
  }
  if (argc == 7 && !strcmp(argv[1], "sine")) {
    return write_sine(argv[2], atof(argv[3]), atof(argv[4]), atoi(argv[5]), atoi(argv[6]));
  }
  if (argc == 3 && !strcmp(argv[1], "peak")) {
    return print_peak(argv[2]);
  }
  fprintf(stderr, "usage: mixdown-testtool sine PATH SECONDS FREQ CHANNELS RATE | peak PATH | formats DIR | hostile PATH\n");
  return 2;
}
