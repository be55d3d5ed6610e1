// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Tools for the live-playback tests (tests/cli/test_live.sh):
//   mixdown-livetool stem PATH SECONDS SEED CHANNELS RATE
//       a deterministic test stem: plucked notes (decaying tones with a
//       noisy attack) at a tempo of its own, so dynamics have work to do
//   mixdown-livetool capture PATH SECONDS
//       a JACK client `capture` (ports left, right) writing what reaches it
//       to PATH (float WAV) until SECONDS are in or SIGTERM; prints
//       "xruns N"
//   mixdown-livetool null A B [A_FROM B_FROM SECONDS]
//       peak of A − B in dBFS ("residual_db X"), each file's time counted
//       from its first sound (|x| > 1e-5)
//   mixdown-livetool level PATH FROM TO [FREQ]
//       RMS in dBFS over [FROM, TO) s from the first sound, or the
//       amplitude of a sine at FREQ there (dBFS)

#include <jack/jack.h>
#include <sndfile.h>

#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SOUND_THRESHOLD 1e-5

/* ------------------------------------------------------------------------ */
/* stem                                                                      */

static uint64_t
next_random(uint64_t* state)
{
  uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
  z          = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z          = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

static double
uniform(uint64_t* state)
{
  return (double)(next_random(state) >> 11) / 9007199254740992.0;
}

static int
write_stem(const char* path, double seconds, unsigned seed, int channels, int rate)
{
  SF_INFO  info = {.samplerate = rate, .channels = channels, .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT};
  SNDFILE* f    = sf_open(path, SFM_WRITE, &info);
  if (!f) {
    fprintf(stderr, "livetool: %s: %s\n", path, sf_strerror(NULL));
    return 1;
  }
  uint64_t     state    = seed * 7919ULL + 1ULL;
  const double note_s   = 0.12 + 0.05 * (seed % 5);
  const double base_hz  = 55.0 * pow(2.0, (seed % 24) / 12.0);
  const long   total    = lround(seconds * rate);
  double       freq     = base_hz;
  double       phase    = 0.0;
  long         note_at  = 0;
  for (long i = 0; i < total; ++i) {
    if (i - note_at >= lround(note_s * rate)) {
      note_at = i;
      freq    = base_hz * pow(2.0, floor(uniform(&state) * 12.0) / 12.0 + floor(uniform(&state) * 3.0));
    }
    const double t     = (double)(i - note_at) / rate;
    const double decay = exp(-t / (0.3 * note_s));
    phase += 2.0 * M_PI * freq / rate;
    const double noise = (uniform(&state) * 2.0 - 1.0) * exp(-t / 0.004);
    const double x     = 0.45 * decay * sin(phase) + 0.3 * noise;
    float        frame[2];
    frame[0] = (float)x;
    frame[1] = (float)(0.8 * x + 0.1 * noise);
    sf_writef_float(f, frame, 1);
  }
  sf_close(f);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* capture                                                                   */

typedef struct {
  jack_port_t*     in[2];
  float*           frames; ///< Interleaved
  uint64_t         capacity;
  _Atomic uint64_t done;
  _Atomic uint64_t xruns;
} Capture;

static volatile sig_atomic_t stop_capture = 0;

static void
on_stop(int signum)
{
  (void)signum;
  stop_capture = 1;
}

static int
capture_process(jack_nframes_t n, void* arg)
{
  Capture*       c    = arg;
  const float*   l    = jack_port_get_buffer(c->in[0], n);
  const float*   r    = jack_port_get_buffer(c->in[1], n);
  const uint64_t done = atomic_load(&c->done);
  const uint64_t k    = c->capacity - done < n ? c->capacity - done : n;
  for (uint64_t i = 0; i < k; ++i) {
    c->frames[2 * (done + i)]     = l[i];
    c->frames[2 * (done + i) + 1] = r[i];
  }
  atomic_store(&c->done, done + k);
  return 0;
}

static int
capture_xrun(void* arg)
{
  Capture* c = arg;
  atomic_fetch_add(&c->xruns, 1U);
  return 0;
}

static int
capture(const char* path, double seconds)
{
  jack_client_t* client = jack_client_open("capture", JackNoStartServer | JackUseExactName, NULL);
  if (!client) {
    fprintf(stderr, "livetool: no JACK server\n");
    return 1;
  }
  Capture c  = {0};
  c.capacity = (uint64_t)llround(seconds * jack_get_sample_rate(client));
  c.frames   = calloc(2U * c.capacity, sizeof(float));
  c.in[0]    = jack_port_register(client, "left", JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
  c.in[1]    = jack_port_register(client, "right", JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
  if (!c.frames || !c.in[0] || !c.in[1]) {
    fprintf(stderr, "livetool: cannot set up the capture client\n");
    return 1;
  }
  jack_set_process_callback(client, capture_process, &c);
  jack_set_xrun_callback(client, capture_xrun, &c);
  signal(SIGTERM, on_stop);
  signal(SIGINT, on_stop);
  if (jack_activate(client)) {
    fprintf(stderr, "livetool: cannot activate\n");
    return 1;
  }
  fprintf(stderr, "capture: ready\n");
  while (!stop_capture && atomic_load(&c.done) < c.capacity) {
    usleep(10000);
  }
  jack_deactivate(client);
  SF_INFO  info = {.samplerate = (int)jack_get_sample_rate(client), .channels = 2,
                   .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT};
  jack_client_close(client);
  SNDFILE* f = sf_open(path, SFM_WRITE, &info);
  if (!f) {
    fprintf(stderr, "livetool: %s: %s\n", path, sf_strerror(NULL));
    return 1;
  }
  sf_writef_float(f, c.frames, (sf_count_t)atomic_load(&c.done));
  sf_close(f);
  printf("xruns %llu\n", (unsigned long long)atomic_load(&c.xruns));
  free(c.frames);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Measuring                                                                 */

typedef struct {
  float*   frames; ///< Interleaved stereo
  uint64_t n;
  int      rate;
  uint64_t first; ///< The first frame with sound
} Audio;

static int
load(const char* path, Audio* a)
{
  SF_INFO  info = {0};
  SNDFILE* f    = sf_open(path, SFM_READ, &info);
  if (!f || info.channels != 2) {
    fprintf(stderr, "livetool: %s: not a stereo file\n", path);
    return 1;
  }
  a->n      = (uint64_t)info.frames;
  a->rate   = info.samplerate;
  a->frames = calloc(2U * a->n + 2U, sizeof(float));
  sf_readf_float(f, a->frames, info.frames);
  sf_close(f);
  a->first = a->n;
  for (uint64_t i = 0; i < 2U * a->n; ++i) {
    if (fabsf(a->frames[i]) > SOUND_THRESHOLD) {
      a->first = i / 2U;
      break;
    }
  }
  return 0;
}

// Where two files stop nulling, whether they null again a few periods
// shifted: that tells audio dropped or repeated (a period the server did
// not wait for) from a difference in the sound itself.  From the first
// frame that differs by more than -90 dB, prints "shifted_from_s T" and
// "shifted_by_frames L" (B's frame i + L is A's frame i) for the first lag
// within ±8192 frames at which 0.1 s, a period after that frame, nulls to
// -90 dB; or nothing.
static void
print_null_shift(const Audio* a, uint64_t a_from, const Audio* b, uint64_t b_from, uint64_t n)
{
  const double   loud     = 3.16e-5; // -90 dBFS
  const uint64_t compared = (uint64_t)a->rate / 10U;
  uint64_t       at       = 0U;
  while (at < 2U * n && fabs((double)a->frames[2U * a_from + at] - (double)b->frames[2U * b_from + at]) <= loud) {
    ++at;
  }
  const uint64_t from = at / 2U + 4096U; // a period or so on, whatever the period
  if (at == 2U * n || from + compared > n) {
    return;
  }
  for (int64_t lag = -8192; lag <= 8192; ++lag) {
    const int64_t b_at = (int64_t)(b_from + from) + lag;
    if (lag == 0 || b_at < 0 || (uint64_t)b_at + compared > b->n) {
      continue;
    }
    uint64_t i = 0U;
    while (i < 2U * compared &&
           fabs((double)a->frames[2U * (a_from + from) + i] - (double)b->frames[2U * (uint64_t)b_at + i]) <= loud) {
      ++i;
    }
    if (i == 2U * compared) {
      printf("shifted_from_s %.6f\nshifted_by_frames %lld\n", (double)(at / 2U) / a->rate, (long long)lag);
      return;
    }
  }
}

static int
null_test(int argc, char** argv)
{
  Audio a, b;
  if (load(argv[2], &a) || load(argv[3], &b)) {
    return 1;
  }
  const uint64_t a_from = a.first + (argc > 4 ? (uint64_t)llround(atof(argv[4]) * a.rate) : 0U);
  const uint64_t b_from = b.first + (argc > 5 ? (uint64_t)llround(atof(argv[5]) * b.rate) : 0U);
  uint64_t       n      = argc > 6 ? (uint64_t)llround(atof(argv[6]) * a.rate) : a.n - a.first;
  if (a_from + n > a.n || b_from + n > b.n) {
    fprintf(stderr, "livetool: the files are too short to compare %llu frames\n", (unsigned long long)n);
    return 1;
  }
  double   worst = 0.0;
  uint64_t first = UINT64_MAX; // where the files first differ
  for (uint64_t i = 0; i < 2U * n; ++i) {
    const double d = fabs((double)a.frames[2U * a_from + i] - (double)b.frames[2U * b_from + i]);
    worst          = d > worst ? d : worst;
    first          = d > 0.0 && first == UINT64_MAX ? i / 2U : first;
  }
  printf("residual_db %.1f\nframes %llu\n", worst > 0.0 ? 20.0 * log10(worst) : -999.0, (unsigned long long)n);
  if (first != UINT64_MAX) {
    printf("first_difference_s %.6f\n", (double)first / a.rate);
    print_null_shift(&a, a_from, &b, b_from, n);
  }
  free(a.frames);
  free(b.frames);
  return 0;
}

static int
level(int argc, char** argv)
{
  Audio a;
  if (load(argv[2], &a)) {
    return 1;
  }
  const uint64_t from = a.first + (uint64_t)llround(atof(argv[3]) * a.rate);
  uint64_t       to   = a.first + (uint64_t)llround(atof(argv[4]) * a.rate);
  to                  = to < a.n ? to : a.n;
  if (from >= to) {
    fprintf(stderr, "livetool: nothing in that window\n");
    return 1;
  }
  double result = 0.0;
  if (argc > 5) {
    // Amplitude of the sine at FREQ: correlation with a quadrature pair,
    // each channel, the larger.
    const double w = 2.0 * M_PI * atof(argv[5]) / a.rate;
    for (int c = 0; c < 2; ++c) {
      double re = 0.0, im = 0.0;
      for (uint64_t i = from; i < to; ++i) {
        re += a.frames[2U * i + c] * cos(w * (double)i);
        im += a.frames[2U * i + c] * sin(w * (double)i);
      }
      const double amplitude = 2.0 * sqrt(re * re + im * im) / (double)(to - from);
      result                 = amplitude > result ? amplitude : result;
    }
  } else {
    double sum = 0.0;
    for (uint64_t i = 2U * from; i < 2U * to; ++i) {
      sum += (double)a.frames[i] * a.frames[i];
    }
    result = sqrt(sum / (double)(2U * (to - from)));
  }
  printf("%.2f\n", result > 0.0 ? 20.0 * log10(result) : -999.0);
  free(a.frames);
  return 0;
}

// Counts the samples of a capture that are NaN or infinite (issue 16: what
// play sends to JACK must always be finite).
static int
finite_test(const char* path)
{
  Audio a;
  if (load(path, &a)) {
    return 1;
  }
  uint64_t bad = 0U;
  for (uint64_t i = 0; i < 2U * a.n; ++i) {
    bad += !isfinite(a.frames[i]);
  }
  printf("frames %llu non_finite %llu\n", (unsigned long long)a.n, (unsigned long long)bad);
  free(a.frames);
  return 0;
}

int
main(int argc, char** argv)
{
  if (argc == 3 && !strcmp(argv[1], "finite")) {
    return finite_test(argv[2]);
  }
  if (argc == 7 && !strcmp(argv[1], "stem")) {
    return write_stem(argv[2], atof(argv[3]), (unsigned)atoi(argv[4]), atoi(argv[5]), atoi(argv[6]));
  }
  if (argc == 4 && !strcmp(argv[1], "capture")) {
    return capture(argv[2], atof(argv[3]));
  }
  if ((argc == 4 || argc == 7) && !strcmp(argv[1], "null")) {
    return null_test(argc, argv);
  }
  if ((argc == 5 || argc == 6) && !strcmp(argv[1], "level")) {
    return level(argc, argv);
  }
  fprintf(stderr, "usage: mixdown-livetool stem PATH SECONDS SEED CHANNELS RATE | capture PATH SECONDS |\n"
                  "       null A B [A_FROM B_FROM SECONDS] | level PATH FROM TO [FREQ] | finite PATH\n");
  return 2;
}
