// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Synthesises the demo's stems, deterministically (fixed seeds, no clocks):
// 8 bars at 120 BPM in A minor — drums (stereo), bass (mono), chords
// (stereo), lead (mono).  Usage: mixdown-synth OUT_DIR STAMP_FILE

#include <sndfile.h>

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define RATE      48000
#define BPM       120.0
#define BARS      8
#define BEAT_S    (60.0 / BPM)
#define LENGTH_S  (BARS * 4 * BEAT_S)
#define FRAMES    ((int)(LENGTH_S * RATE))

static uint32_t noise_state = 0x12345678U;

static double
noise(void)
{
  noise_state ^= noise_state << 13U;
  noise_state ^= noise_state >> 17U;
  noise_state ^= noise_state << 5U;
  return (double)noise_state / 2147483648.0 - 1.0;
}

static double
midi_hz(int note)
{
  return 440.0 * pow(2.0, (note - 69) / 12.0);
}

static int
write_stem(const char* dir, const char* name, const float* data, int channels)
{
  char path[4096];
  snprintf(path, sizeof path, "%s/stems/%s.wav", dir, name);
  SF_INFO  info = {.samplerate = RATE, .channels = channels, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_24};
  SNDFILE* f    = sf_open(path, SFM_WRITE, &info);
  if (!f) {
    fprintf(stderr, "mixdown-synth: cannot write %s: %s\n", path, sf_strerror(NULL));
    return 1;
  }
  sf_writef_float(f, data, FRAMES);
  sf_close(f);
  return 0;
}

static void
drums(float* out)
{
  for (int beat = 0; beat < BARS * 4; ++beat) {
    const int start = (int)(beat * BEAT_S * RATE);
    // Kick on every beat: a sine sweeping 120 → 45 Hz with a fast decay.
    double phase = 0.0;
    for (int i = 0; i < RATE / 3 && start + i < FRAMES; ++i) {
      const double t = (double)i / RATE;
      phase += 2.0 * M_PI * (45.0 + 75.0 * exp(-t * 30.0)) / RATE;
      const double k = sin(phase) * exp(-t * 9.0) * 0.8;
      out[2 * (start + i)] += (float)k;
      out[2 * (start + i) + 1] += (float)k;
    }
    // Snare on 2 and 4: noise and a 190 Hz body.
    if (beat % 2 == 1) {
      for (int i = 0; i < RATE / 4 && start + i < FRAMES; ++i) {
        const double t = (double)i / RATE;
        const double s = (noise() * 0.5 * exp(-t * 18.0) + sin(2.0 * M_PI * 190.0 * t) * 0.3 * exp(-t * 25.0));
        out[2 * (start + i)] += (float)(s * 0.9);
        out[2 * (start + i) + 1] += (float)(s * 0.9);
      }
    }
    // Hats on eighths, a little to the right.
    for (int half = 0; half < 2; ++half) {
      const int hs = start + (int)(half * BEAT_S * 0.5 * RATE);
      double    prev = 0.0;
      for (int i = 0; i < RATE / 20 && hs + i < FRAMES; ++i) {
        const double n = noise();
        const double h = (n - prev) * 0.15 * exp(-(double)i / RATE * 60.0); // first difference: bright
        prev           = n;
        out[2 * (hs + i)] += (float)(h * 0.6);
        out[2 * (hs + i) + 1] += (float)h;
      }
    }
  }
}

static const int progression[4][3] = {{57, 60, 64}, {53, 57, 60}, {48, 52, 55}, {55, 59, 62}}; // Am F C G

static void
bass(float* out)
{
  for (int beat = 0; beat < BARS * 4; ++beat) {
    const int    root  = progression[(beat / 4) % 4][0] - 24;
    const double f     = midi_hz(beat % 4 == 3 ? root + 12 : root);
    const int    start = (int)(beat * BEAT_S * RATE);
    for (int i = 0; i < (int)(BEAT_S * RATE) && start + i < FRAMES; ++i) {
      const double t   = (double)i / RATE;
      const double env = fmin(1.0, t * 200.0) * exp(-t * 3.0);
      // A few harmonics of a saw, rolled off: round, not buzzy.
      double s = 0.0;
      for (int h = 1; h <= 6; ++h) {
        s += sin(2.0 * M_PI * f * h * t) / (h * h);
      }
      out[start + i] = (float)(s * env * 0.5);
    }
  }
}

static void
chords(float* out)
{
  const int bar_frames = (int)(4 * BEAT_S * RATE);
  for (int bar = 0; bar < BARS; ++bar) {
    const int* notes = progression[bar % 4];
    for (int i = 0; i < bar_frames && bar * bar_frames + i < FRAMES; ++i) {
      const double t   = (double)i / RATE;
      const double env = fmin(1.0, t * 8.0) * fmin(1.0, (4 * BEAT_S - t) * 8.0);
      double       l = 0.0;
      double       r = 0.0;
      for (int n = 0; n < 3; ++n) {
        const double f = midi_hz(notes[n]);
        // Two slightly detuned voices per note, one per side: a wide pad.
        l += sin(2.0 * M_PI * f * 0.998 * t) + 0.3 * sin(2.0 * M_PI * f * 2.0 * t);
        r += sin(2.0 * M_PI * f * 1.002 * t) + 0.3 * sin(2.0 * M_PI * f * 2.0 * t + 0.5);
      }
      out[2 * (bar * bar_frames + i)]     = (float)(l * env * 0.08);
      out[2 * (bar * bar_frames + i) + 1] = (float)(r * env * 0.08);
    }
  }
}

static void
lead(float* out)
{
  static const int melody[16] = {69, 72, 76, 74, 72, 69, 67, 69, 72, 74, 76, 79, 76, 74, 72, 69};
  const int        note_frames = (int)(2 * BEAT_S * RATE);
  double           phase       = 0.0;
  for (int n = 0; n < 16; ++n) {
    const double f = midi_hz(melody[n]);
    for (int i = 0; i < note_frames && n * note_frames + i < FRAMES; ++i) {
      const double t       = (double)i / RATE;
      const double vibrato = 1.0 + 0.004 * sin(2.0 * M_PI * 5.5 * t) * fmin(1.0, t);
      phase += 2.0 * M_PI * f * vibrato / RATE;
      const double env = fmin(1.0, t * 40.0) * fmin(1.0, (2 * BEAT_S - t) * 20.0);
      const double s   = sin(phase) + 0.25 * sin(2.0 * phase) + 0.1 * sin(3.0 * phase);
      out[n * note_frames + i] = (float)(s * env * 0.35);
    }
  }
}

int
main(int argc, char** argv)
{
  if (argc != 3) {
    fprintf(stderr, "usage: mixdown-synth OUT_DIR STAMP_FILE\n");
    return 2;
  }
  char stems[4096];
  snprintf(stems, sizeof stems, "%s/stems", argv[1]);
  mkdir(argv[1], 0777);
  if (mkdir(stems, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "mixdown-synth: cannot create %s: %s\n", stems, strerror(errno));
    return 1;
  }
  float* stereo = calloc((size_t)FRAMES * 2U, sizeof(float));
  float* mono   = calloc((size_t)FRAMES, sizeof(float));
  if (!stereo || !mono) {
    return 1;
  }
  int failed = 0;
  drums(stereo);
  failed |= write_stem(argv[1], "drums", stereo, 2);
  memset(stereo, 0, (size_t)FRAMES * 2U * sizeof(float));
  chords(stereo);
  failed |= write_stem(argv[1], "chords", stereo, 2);
  bass(mono);
  failed |= write_stem(argv[1], "bass", mono, 1);
  memset(mono, 0, (size_t)FRAMES * sizeof(float));
  lead(mono);
  failed |= write_stem(argv[1], "lead", mono, 1);
  free(stereo);
  free(mono);
  FILE* stamp = fopen(argv[2], "w");
  if (stamp) {
    fputs("stems written\n", stamp);
    fclose(stamp);
  }
  return failed;
}
