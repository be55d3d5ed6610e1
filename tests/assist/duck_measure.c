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
//       chord, 4 s of silence, 10 s of pink-ish noise, 4 s of silence, 8 s
//       of a synth lead line (fading in from -40 dB over its first second,
//       a note every half second with 40 ms between notes)
//   duck_measure speech FILE [HOLD_MS]
//       the speech detector (src/assist/speech.c) on FILE: frames, floor,
//       seconds of speech, spans
//   duck_measure figures BED_DUCKED BED_DRY CLIPS DEPTH_DB|auto HOLD_MS BEFORE_S AFTER_S KEY…
//       the figures of the issue, measured on rendered stems (libebur128
//       for loudness, our code for nothing): the speech-to-bed loudness
//       difference in 400 ms windows every 100 ms whose centre is in a clip
//       and holds speech (median, 10th percentile); the bed's gain (ducked
//       against dry, 10 ms frames, less its median away from speech) at
//       each onset (a clip's start: within 1 dB of the depth?), in each
//       pause shorter than the hold (a release: more than 1 dB above the
//       depth), away from speech (more than BEFORE_S before an onset and
//       AFTER_S after speech ends: its largest deviation), and under
//       speech (median: the depth heard; standard deviation: pumping).
//       CLIPS: "START END" lines (seconds), the voices' clips in time order;
//       DEPTH auto: the median gain under speech (for a compressor)
//   duck_measure sum OUT IN…
//       the sum of stereo files (the key for ffmpeg's sidechain)
//   duck_measure length FILE
//       its length in seconds
//   duck_measure split PLUS MINUS BED_OUT VOICE_OUT
//       the bed and the voices out of two mixes through the same master
//       chain, the voices' polarity inverted in MINUS: (P + M) / 2, (P - M) / 2
//
// Prints "name value" lines for the script to read.

#include "assist/speech.h"

#include <ebur128.h>
#include <math.h>
#include <stdbool.h>
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
  const uint64_t frames = 36U * RATE;
  float*         data   = calloc(frames, sizeof *data);
  static const double melody[8] = {329.63, 392.00, 440.00, 392.00, 329.63, 293.66, 261.63, 293.66};
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
    } else if (t >= 28.0) {
      const double lt   = t - 28.0;
      const double note = fmod(lt, 0.5);
      const double fade = lt < 1.0 ? pow(10.0, -2.0 * (1.0 - lt)) : 1.0;
      x = note < 0.46 ? saw(melody[(int)(lt / 0.5) % 8] * lt) * 0.2 * fade : 0.0;
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

/* --- figures ------------------------------------------------------------ */

enum { FRAME = RATE / 100, STEP = RATE / 10 };

typedef struct {
  double start_s, end_s;
} Clip;

static size_t
read_clips(const char* path, Clip** clips)
{
  FILE* f = fopen(path, "r");
  if (!f) {
    return 0;
  }
  size_t n = 0, cap = 64;
  *clips   = malloc(cap * sizeof **clips);
  double a, b;
  while (*clips && fscanf(f, "%lf %lf", &a, &b) == 2) {
    if (n == cap) {
      cap *= 2U;
      Clip* more = realloc(*clips, cap * sizeof *more);
      if (!more) {
        break;
      }
      *clips = more;
    }
    (*clips)[n++] = (Clip){a, b};
  }
  fclose(f);
  return n;
}

static int
compare_double(const void* a, const void* b)
{
  const double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

static double
quantile(double* v, size_t n, double p)
{
  if (n == 0U) {
    return NAN;
  }
  qsort(v, n, sizeof *v, compare_double);
  return v[(size_t)floor(p * (double)(n - 1U))];
}

/// Mean square of both channels of frames first … first + count - 1.
static double
power(const Audio* a, uint64_t first, uint64_t count)
{
  double sum = 0.0;
  for (uint64_t i = first; i < first + count && i < a->frames; ++i) {
    for (int c = 0; c < a->channels; ++c) {
      const double x = a->data[i * (uint64_t)a->channels + (uint64_t)c];
      sum += x * x;
    }
  }
  return sum / (double)count;
}

/// The bed's gain per 10 ms frame, dB (ducked against dry).
static double*
gain_track(const Audio* ducked, const Audio* dry, size_t* n_frames)
{
  const size_t n = (size_t)(dry->frames / FRAME);
  double*      g = malloc((n + 1U) * sizeof *g);
  for (size_t i = 0; g && i < n; ++i) {
    const double d = power(dry, (uint64_t)i * FRAME, FRAME);
    const double w = power(ducked, (uint64_t)i * FRAME, FRAME);
    g[i]           = d > 1e-12 && w > 0.0 ? 10.0 * log10(w / d) : NAN;
  }
  *n_frames = n;
  return g;
}

/// The voices' K-weighted level per 10 ms frame is above -60 LUFS (speech,
/// not the silence around a phrase) — by libebur128, 10 ms at a time.
static uint8_t*
voiced_frames(const Audio* voice, size_t n)
{
  uint8_t* on = calloc(n + 1U, 1);
  for (size_t i = 0; on && i < n; ++i) {
    on[i] = power(voice, (uint64_t)i * FRAME, FRAME) > 2e-7; // about -60 LUFS for speech
  }
  return on;
}

static bool
in_clip(const Clip* clips, size_t n, double t)
{
  for (size_t i = 0; i < n; ++i) {
    if (t >= clips[i].start_s && t < clips[i].end_s) {
      return true;
    }
  }
  return false;
}

/// Speech-to-bed differences over 400 ms windows every 100 ms.
static void
loudness_windows(const Audio* voice, const Audio* bed, const Clip* clips, size_t n_clips)
{
  ebur128_state* v = ebur128_init(2, RATE, EBUR128_MODE_M);
  ebur128_state* b = ebur128_init(2, RATE, EBUR128_MODE_M);
  const size_t   n = (size_t)(voice->frames / STEP);
  double*        d = malloc((n + 1U) * sizeof *d);
  size_t         m = 0;
  for (size_t i = 0; d && i < n; ++i) {
    ebur128_add_frames_float(v, voice->data + (uint64_t)i * STEP * 2U, STEP);
    ebur128_add_frames_float(b, bed->data + (uint64_t)i * STEP * 2U, STEP);
    if (i < 3U) {
      continue;
    }
    const double centre = (double)(i + 1U) * 0.1 - 0.2;
    double       lv = -HUGE_VAL, lb = -HUGE_VAL;
    ebur128_loudness_window(v, 400, &lv);
    ebur128_loudness_window(b, 400, &lb);
    if (in_clip(clips, n_clips, centre) && lv > -50.0 && isfinite(lb)) {
      d[m++] = lv - lb;
    }
  }
  printf("windows %zu\nmedian_lu %.2f\np10_lu %.2f\n", m, quantile(d, m, 0.5), quantile(d, m, 0.1));
  free(d);
  ebur128_destroy(&v);
  ebur128_destroy(&b);
}

typedef struct {
  const double*  gain;
  const uint8_t* voiced;
  size_t         n;
  const Clip*    clips;
  size_t         n_clips;
} Track;

/// The last voiced frame of clip `k` (its speech's end), as a frame index.
static size_t
speech_end(const Track* t, size_t k)
{
  size_t end = (size_t)(t->clips[k].start_s * 100.0);
  for (size_t i = end; i < (size_t)(t->clips[k].end_s * 100.0) && i < t->n; ++i) {
    if (t->voiced[i]) {
      end = i + 1U;
    }
  }
  return end;
}

/// Frames away from speech: more than before_s before an onset, after_s
/// after a clip's speech ends.
static uint8_t*
away_frames(const Track* t, double before_s, double after_s)
{
  uint8_t* away = malloc(t->n + 1U);
  if (!away) {
    return NULL;
  }
  memset(away, 1, t->n);
  for (size_t k = 0; k < t->n_clips; ++k) {
    const double lo = t->clips[k].start_s - before_s;
    const double hi = (double)speech_end(t, k) / 100.0 + after_s;
    for (size_t i = lo > 0.0 ? (size_t)(lo * 100.0) : 0U; i < t->n && (double)i / 100.0 < hi; ++i) {
      away[i] = 0;
    }
  }
  return away;
}

static int
run_figures(int argc, char** argv)
{
  Audio ducked, dry;
  if (read_audio(argv[2], &ducked) || read_audio(argv[3], &dry)) {
    return 1;
  }
  Clip*        clips   = NULL;
  const size_t n_clips = read_clips(argv[4], &clips);
  const double hold_s = atof(argv[6]) / 1000.0, before_s = atof(argv[7]), after_s = atof(argv[8]);
  Audio        voice = {.frames = dry.frames, .channels = 2, .rate = RATE};
  voice.data         = calloc(dry.frames * 2U + 1U, sizeof *voice.data);
  for (int k = 9; k < argc; ++k) {
    Audio key;
    if (read_audio(argv[k], &key)) {
      return 1;
    }
    for (uint64_t i = 0; i < key.frames && i < voice.frames; ++i) {
      voice.data[2U * i] += key.data[i * (uint64_t)key.channels];
      voice.data[2U * i + 1U] += key.data[i * (uint64_t)key.channels + (key.channels > 1 ? 1U : 0U)];
    }
    free(key.data);
  }
  loudness_windows(&voice, &ducked, clips, n_clips);
  Track t = {.clips = clips, .n_clips = n_clips};
  double* gain = gain_track(&ducked, &dry, &t.n);
  t.gain       = gain;
  uint8_t* voiced = voiced_frames(&voice, t.n);
  t.voiced        = voiced;
  uint8_t* away   = away_frames(&t, before_s, after_s);
  // the gain away from speech is the reference (a loudness target moves it)
  double* v = malloc((t.n + 1U) * sizeof *v);
  size_t  m = 0;
  for (size_t i = 0; i < t.n; ++i) {
    if (away[i] && isfinite(gain[i])) {
      v[m++] = gain[i];
    }
  }
  const double offset = m ? quantile(v, m, 0.5) : 0.0;
  double       worst  = 0.0;
  for (size_t i = 0; i < t.n; ++i) {
    if (away[i] && isfinite(gain[i])) {
      worst = fmax(worst, fabs(gain[i] - offset));
    }
  }
  printf("away_frames %zu\naway_offset_db %.3f\naway_max_dev_db %.3f\n", m, offset, worst);
  // under speech: from each onset to its speech's end
  m           = 0;
  double mean = 0.0;
  for (size_t k = 0; k < n_clips; ++k) {
    for (size_t i = (size_t)(clips[k].start_s * 100.0); i < speech_end(&t, k) && i < t.n; ++i) {
      if (isfinite(gain[i])) {
        v[m++] = gain[i] - offset;
        mean += gain[i] - offset;
      }
    }
  }
  mean /= m ? (double)m : 1.0;
  double var = 0.0;
  for (size_t i = 0; i < m; ++i) {
    var += (v[i] - mean) * (v[i] - mean);
  }
  const double under = quantile(v, m, 0.5);
  const double depth = strcmp(argv[5], "auto") ? atof(argv[5]) : -under;
  printf("under_speech_gain_db %.2f\ngain_sd_db %.2f\ndepth_db %.2f\n", under, m ? sqrt(var / (double)m) : 0.0,
         depth);
  // onsets: the gain over the 20 ms around each clip's start
  size_t ducked_onsets = 0;
  double worst_onset   = -HUGE_VAL;
  for (size_t k = 0; k < n_clips; ++k) {
    const size_t i = (size_t)(clips[k].start_s * 100.0);
    const double g = fmax(gain[i > 0 ? i - 1U : 0U], gain[i]) - offset;
    worst_onset    = fmax(worst_onset, g + depth);
    if (g > -depth + 0.1) {
      printf("# onset at %.2f s: the bed at %.2f dB (depth %.2f)\n", clips[k].start_s, g, depth);
    }
    ducked_onsets += g <= -depth + 1.0;
  }
  printf("onsets %zu\nonsets_ducked %zu\nonset_worst_db %.2f\n", n_clips, ducked_onsets, worst_onset);
  // pauses shorter than the hold: from one clip's speech end to the next onset
  size_t short_pauses = 0, releases = 0;
  for (size_t k = 0; k + 1U < n_clips; ++k) {
    const size_t end  = speech_end(&t, k);
    const size_t next = (size_t)(clips[k + 1U].start_s * 100.0);
    if (next <= end || (double)(next - end) / 100.0 >= hold_s) {
      continue;
    }
    ++short_pauses;
    double highest = -HUGE_VAL;
    for (size_t i = end; i < next && i < t.n; ++i) {
      highest = fmax(highest, gain[i] - offset);
    }
    releases += highest > -depth + 1.0;
  }
  printf("short_pauses %zu\nshort_pause_releases %zu\n", short_pauses, releases);
  free(v);
  free(away);
  free(voiced);
  free(gain);
  free(clips);
  free(voice.data);
  free(ducked.data);
  free(dry.data);
  return 0;
}

static int
run_sum(int argc, char** argv)
{
  Audio first;
  if (read_audio(argv[3], &first) || first.channels != 2) {
    return 1;
  }
  for (int k = 4; k < argc; ++k) {
    Audio more;
    if (read_audio(argv[k], &more) || more.channels != 2) {
      return 1;
    }
    for (uint64_t i = 0; i < 2U * first.frames && i < 2U * more.frames; ++i) {
      first.data[i] += more.data[i];
    }
    free(more.data);
  }
  const int rc = write_audio(argv[2], first.data, first.frames, 2);
  free(first.data);
  return rc ? 1 : 0;
}

static int
run_split(char** argv)
{
  Audio plus, minus;
  if (read_audio(argv[2], &plus) || read_audio(argv[3], &minus) || plus.channels != 2 || minus.channels != 2) {
    return 1;
  }
  const uint64_t n   = plus.frames < minus.frames ? plus.frames : minus.frames;
  float*         bed = malloc(n * 2U * sizeof *bed);
  float*         voc = malloc(n * 2U * sizeof *voc);
  for (uint64_t i = 0; bed && voc && i < 2U * n; ++i) {
    bed[i] = 0.5F * (plus.data[i] + minus.data[i]);
    voc[i] = 0.5F * (plus.data[i] - minus.data[i]);
  }
  const int rc = bed && voc ? write_audio(argv[4], bed, n, 2) | write_audio(argv[5], voc, n, 2) : 1;
  free(bed);
  free(voc);
  free(plus.data);
  free(minus.data);
  return rc ? 1 : 0;
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
  if (argc >= 3 && !strcmp(argv[1], "length")) {
    SF_INFO  info = {0};
    SNDFILE* file = sf_open(argv[2], SFM_READ, &info);
    if (!file) {
      return 1;
    }
    printf("%.4f\n", (double)info.frames / info.samplerate);
    sf_close(file);
    return 0;
  }
  if (argc >= 10 && !strcmp(argv[1], "figures")) {
    return run_figures(argc, argv);
  }
  if (argc >= 4 && !strcmp(argv[1], "sum")) {
    return run_sum(argc, argv);
  }
  if (argc >= 6 && !strcmp(argv[1], "split")) {
    return run_split(argv);
  }
  fprintf(stderr, "usage: duck_measure bed OUT SECONDS LUFS | keymusic OUT | speech FILE [HOLD_MS] | figures …\n");
  return 2;
}
