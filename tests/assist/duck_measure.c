// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The duck test's tool (tests/assist/test_duck.sh):
//
//   duck_measure bed OUT.wav SECONDS LUFS
//       a music bed: a chord progression (detuned saws, low-passed) over a
//       bass and a kick-like pulse at 120 bpm, normalised to LUFS (48 kHz
//       stereo float)
//   duck_measure keymusic OUT.wav
//       what a key track must not read as speech: 10 s of a held synth
//       chord, 4 s of silence, 10 s of pink-ish noise, 4 s of silence
//   duck_measure speech FILE [HOLD_MS]
//       the speech detector (src/assist/speech.c) on FILE: frames, floor,
//       seconds of speech, spans
//   duck_measure figures BED_DUCKED BED_DRY KEY SPANS DEPTH_DB HOLD_MS
//       the figures of the issue, measured on rendered stems: speech-to-bed
//       loudness difference in 400 ms windows over speech (median, 10th
//       percentile), onsets already ducked to within 1 dB of the depth,
//       releases inside pauses shorter than the hold, the bed's level away
//       from speech; SPANS is a file of "START END" lines (seconds) where
//       speech is known to be (the clips' placements)
//
// Prints "name value" lines for the script to read.

#include "assist/speech.h"

#include <ebur128.h>
#include <math.h>
#include <sndfile.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { RATE = 48000 };

/* --- files -------------------------------------------------------------- */

typedef struct {
  float*   data; ///< interleaved
  uint64_t frames;
  int      channels;
  int      rate;
} Audio;

static int
read_audio(const char* path, Audio* audio)
{
  SF_INFO  info = {0};
  SNDFILE* file = sf_open(path, SFM_READ, &info);
  if (!file) {
    fprintf(stderr, "duck_measure: %s: %s\n", path, sf_strerror(NULL));
    return -1;
  }
  audio->frames   = (uint64_t)info.frames;
  audio->channels = info.channels;
  audio->rate     = info.samplerate;
  audio->data     = calloc(audio->frames * (uint64_t)info.channels + 1U, sizeof *audio->data);
  if (!audio->data) {
    sf_close(file);
    return -1;
  }
  sf_readf_float(file, audio->data, info.frames);
  sf_close(file);
  return 0;
}

static int
write_audio(const char* path, const float* data, uint64_t frames, int channels)
{
  SF_INFO  info = {.samplerate = RATE, .channels = channels, .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT};
  SNDFILE* file = sf_open(path, SFM_WRITE, &info);
  if (!file) {
    fprintf(stderr, "duck_measure: %s: %s\n", path, sf_strerror(NULL));
    return -1;
  }
  sf_writef_float(file, data, (sf_count_t)frames);
  sf_close(file);
  return 0;
}

static double
integrated_lufs(const float* data, uint64_t frames, int channels, int rate)
{
  ebur128_state* st = ebur128_init((unsigned)channels, (unsigned long)rate, EBUR128_MODE_I);
  ebur128_add_frames_float(st, data, frames);
  double lufs = -HUGE_VAL;
  ebur128_loudness_global(st, &lufs);
  ebur128_destroy(&st);
  return lufs;
}

/* --- generators --------------------------------------------------------- */

/// A deterministic noise (xorshift), uniform in [-1, 1).
static double
noise(uint32_t* state)
{
  *state ^= *state << 13;
  *state ^= *state >> 17;
  *state ^= *state << 5;
  return (double)*state / 2147483648.0 - 1.0;
}

static double
saw(double phase)
{
  return 2.0 * (phase - floor(phase)) - 1.0;
}

static int
make_bed(const char* path, double seconds, double lufs)
{
  const uint64_t frames = (uint64_t)(seconds * RATE);
  float*         data   = calloc(frames * 2U, sizeof *data);
  if (!data) {
    return 1;
  }
  // i – vi – IV – V in C, two bars each at 120 bpm (a chord every 4 s)
  static const double chords[4][3] = {{261.63, 329.63, 392.00},
                                      {220.00, 261.63, 329.63},
                                      {174.61, 220.00, 261.63},
                                      {196.00, 246.94, 293.66}};
  static const double bass[4]      = {65.41, 55.00, 43.65, 49.00};
  double              lp_l = 0.0, lp_r = 0.0;
  const double        lp_coef = 1.0 - exp(-2.0 * M_PI * 2500.0 / RATE);
  uint32_t            seed    = 12345U;
  for (uint64_t i = 0; i < frames; ++i) {
    const double t     = (double)i / RATE;
    const int    chord = (int)fmod(floor(t / 4.0), 4.0);
    double       left = 0.0, right = 0.0;
    for (int k = 0; k < 3; ++k) {
      const double f = chords[chord][k];
      left += saw(f * 1.003 * t + 0.1 * k) * 0.12;
      right += saw(f * 0.997 * t + 0.3 * k) * 0.12;
    }
    lp_l += lp_coef * (left - lp_l);
    lp_r += lp_coef * (right - lp_r);
    // a pulse every beat (0.5 s): a decaying low thump and a click of noise
    const double beat_t = fmod(t, 0.5);
    const double thump  = sin(2.0 * M_PI * 55.0 * beat_t) * exp(-beat_t * 18.0) * 0.5;
    const double click  = noise(&seed) * exp(-beat_t * 60.0) * 0.08;
    const double b      = sin(2.0 * M_PI * bass[chord] * t) * 0.25;
    data[2U * i]        = (float)(lp_l + thump + click + b);
    data[2U * i + 1U]   = (float)(lp_r + thump + click + b);
  }
  const double gain = pow(10.0, (lufs - integrated_lufs(data, frames, 2, RATE)) / 20.0);
  for (uint64_t i = 0; i < 2U * frames; ++i) {
    data[i] = (float)(data[i] * gain);
  }
  const int rc = write_audio(path, data, frames, 2);
  free(data);
  return rc ? 1 : 0;
}

static int
make_key_music(const char* path)
{
  const uint64_t frames = 28U * RATE;
  float*         data   = calloc(frames, sizeof *data);
  if (!data) {
    return 1;
  }
  static const double notes[4] = {130.81, 164.81, 196.00, 261.63};
  uint32_t            seed     = 777U;
  double              pink     = 0.0;
  for (uint64_t i = 0; i < frames; ++i) {
    const double t = (double)i / RATE;
    double       x = 0.0;
    if (t < 10.0) { // a held chord, with a slow swell so it is not a constant
      for (int k = 0; k < 4; ++k) {
        x += saw(notes[k] * t) * 0.08 * (0.8 + 0.2 * sin(2.0 * M_PI * 0.3 * t));
      }
    } else if (t >= 14.0 && t < 24.0) {
      pink += 0.05 * (noise(&seed) - pink);
      x = pink * 1.5 + noise(&seed) * 0.05;
    }
    data[i] = (float)x;
  }
  const int rc = write_audio(path, data, frames, 1);
  free(data);
  return rc ? 1 : 0;
}

/* --- the detector ------------------------------------------------------- */

static int
run_speech(const char* path, double hold_ms)
{
  Audio audio;
  if (read_audio(path, &audio)) {
    return 1;
  }
  AssistSpeech* speech = assist_speech_new((uint32_t)audio.rate);
  if (!speech) {
    return 1;
  }
  // fed in blocks, de-interleaved, as an assistant feeds a stem
  enum { BLOCK = 4096 };
  float left[BLOCK], right[BLOCK];
  for (uint64_t at = 0; at < audio.frames; at += BLOCK) {
    const uint32_t n = (uint32_t)(audio.frames - at < BLOCK ? audio.frames - at : BLOCK);
    for (uint32_t i = 0; i < n; ++i) {
      const float* frame = audio.data + (at + i) * (uint64_t)audio.channels;
      left[i]            = frame[0];
      right[i]           = frame[audio.channels > 1 ? 1 : 0];
    }
    assist_speech_feed(speech, left, audio.channels > 1 ? right : NULL, n);
  }
  assist_speech_finish(speech);
  const size_t   n      = assist_speech_frames(speech);
  const uint8_t* active = assist_speech_active(speech);
  size_t         count  = 0;
  for (size_t i = 0; i < n; ++i) {
    count += active[i];
  }
  printf("frames %zu\nfloor_db %.1f\nspeech_s %.2f\n", n, assist_speech_floor_db(speech),
         (double)count * assist_speech_hop_s());
  AssistSpan*  spans   = NULL;
  const size_t n_spans = assist_speech_spans(speech, hold_ms, 100.0, &spans);
  printf("spans %zu\n", n_spans);
  for (size_t i = 0; i < n_spans; ++i) {
    printf("span %.2f %.2f\n", spans[i].start_s, spans[i].end_s);
  }
  free(spans);
  assist_speech_free(speech);
  free(audio.data);
  return 0;
}

int
main(int argc, char** argv)
{
  if (argc >= 5 && !strcmp(argv[1], "bed")) {
    return make_bed(argv[2], atof(argv[3]), atof(argv[4]));
  }
  if (argc >= 3 && !strcmp(argv[1], "keymusic")) {
    return make_key_music(argv[2]);
  }
  if (argc >= 3 && !strcmp(argv[1], "speech")) {
    return run_speech(argv[2], argc > 3 ? atof(argv[3]) : 0.0);
  }
  fprintf(stderr, "usage: duck_measure bed OUT SECONDS LUFS | keymusic OUT | speech FILE [HOLD_MS] | figures …\n");
  return 2;
}
