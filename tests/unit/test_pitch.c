// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Pitch correction and shifting, measured in cents by a tracker of our own
// that shares nothing with the processor's YIN: a harmonic-sum spectral
// peak (Hann window, DFT evaluated on a 1-cent grid, parabolic refinement).
//
// The test voice: a glottal-like pulse train (harmonics at 1/k up to 8 kHz)
// through three formant resonators (an "ah": 700, 1220, 2600 Hz), notes
// with soft attacks and breathy noise between them.

#include "support.h"

#include "dsp/pitch_correct.h"
#include "dsp/pitch_shift.h"
#include "dsp/yin.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATE 48000U
#define NOTE_FRAMES (RATE / 2U) // 500 ms per note
#define GAP_FRAMES (RATE / 10U) // 100 ms of breath between notes

static double
hz_of_note(double note)
{
  return 440.0 * exp2((note - 69.0) / 12.0);
}

/// A two-pole resonator at `hz` with bandwidth `bw_hz`, unity peak gain.
typedef struct {
  double a1, a2, gain, y1, y2;
} Resonator;

static Resonator
resonator(double hz, double bw_hz)
{
  const double r = exp(-M_PI * bw_hz / RATE);
  Resonator    f = {.a1 = 2.0 * r * cos(2.0 * M_PI * hz / RATE), .a2 = -r * r};
  f.gain         = 1.0 - r;
  return f;
}

static double
resonate(Resonator* f, double x)
{
  const double y = f->gain * x + f->a1 * f->y1 + f->a2 * f->y2;
  f->y2          = f->y1;
  f->y1          = y;
  return y;
}

/// Vowel-like voice singing `notes` (fractional MIDI numbers) with breaths
/// between them.  Returns the frame count; note k starts at k·(NOTE+GAP).
static uint32_t
sing(const double* notes, uint32_t n_notes, float** out)
{
  const uint32_t total = n_notes * (NOTE_FRAMES + GAP_FRAMES) + RATE / 4U;
  float*         x     = calloc(total, sizeof(float));
  Resonator      formants[3] = {resonator(700.0, 110.0), resonator(1220.0, 120.0),
                                resonator(2600.0, 160.0)};
  uint32_t       seed  = 7U;
  double         phase = 0.0;
  for (uint32_t k = 0U; k < n_notes; ++k) {
    const double   f0    = hz_of_note(notes[k]);
    const uint32_t start = k * (NOTE_FRAMES + GAP_FRAMES);
    const int      harmonics = (int)(8000.0 / f0);
    for (uint32_t i = 0U; i < NOTE_FRAMES; ++i) {
      const double t        = (double)i / RATE;
      const double envelope = fmin(1.0, fmin(t / 0.03, (0.5 - t) / 0.03));
      double       source   = 0.0;
      for (int h = 1; h <= harmonics; ++h) {
        source += sin(h * phase) / h;
      }
      phase += 2.0 * M_PI * f0 / RATE;
      double voice = 0.0;
      for (int r = 0; r < 3; ++r) {
        voice += resonate(&formants[r], source) * (r == 0 ? 1.0 : 0.5);
      }
      x[start + i] = (float)(0.3 * envelope * voice);
    }
    for (uint32_t i = 0U; i < GAP_FRAMES; ++i) { // breath: unvoiced noise
      x[start + NOTE_FRAMES + i] = (float)(0.02 * test_noise(&seed));
    }
  }
  *out = x;
  return total;
}

/// Magnitude of the Hann-windowed DFT of x[0, n) at `hz`.
static double
dft_magnitude(const float* x, uint32_t n, double hz)
{
  double re = 0.0, im = 0.0;
  for (uint32_t i = 0U; i < n; ++i) {
    const double w = 0.5 - 0.5 * cos(2.0 * M_PI * i / n);
    re += w * x[i] * cos(2.0 * M_PI * hz * i / RATE);
    im += w * x[i] * sin(2.0 * M_PI * hz * i / RATE);
  }
  return sqrt(re * re + im * im);
}

/// The independent tracker: the fundamental within ±150 cents of
/// `expected_hz` that maximises the first three harmonics' summed magnitude.
static double
measure_hz(const float* x, uint32_t n, double expected_hz)
{
  double score[301];
  int    best = 0;
  for (int c = 0; c <= 300; ++c) {
    const double hz = expected_hz * exp2((c - 150) / 1200.0);
    score[c]        = 0.0;
    for (int h = 1; h <= 3; ++h) {
      score[c] += dft_magnitude(x, n, h * hz);
    }
    if (score[c] > score[best]) {
      best = c;
    }
  }
  double shift = 0.0;
  if (best > 0 && best < 300) {
    const double curve = score[best - 1] - 2.0 * score[best] + score[best + 1];
    shift              = curve < 0.0 ? 0.5 * (score[best - 1] - score[best + 1]) / curve : 0.0;
  }
  return expected_hz * exp2((best + shift - 150.0) / 1200.0);
}

static double
cents_between(double hz, double reference_hz)
{
  return 1200.0 * log2(hz / reference_hz);
}

static int
compare_doubles(const void* a, const void* b)
{
  const double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

static uint32_t
run_processor(TestProc* p, float* x, uint32_t n)
{
  if (!test_proc_prepare(p, RATE)) {
    return 0U;
  }
  const uint32_t latency = p->cls->latency(p->state);
  float*         io[1]   = {x};
  test_proc_run(p, io, n, 512U, NULL, 0U);
  return latency;
}

/// Error in cents of each note's middle (after the retune has settled)
/// against `reference` notes; returns the median of the absolute errors.
static double
median_error_cents(const float* y, uint32_t latency, const double* reference, uint32_t n_notes,
                   double* worst)
{
  double errors[16];
  *worst = 0.0;
  for (uint32_t k = 0U; k < n_notes; ++k) {
    const uint32_t from = k * (NOTE_FRAMES + GAP_FRAMES) + latency + RATE / 5U; // 200 ms in
    const double   want = hz_of_note(reference[k]);
    errors[k]           = fabs(cents_between(measure_hz(y + from, RATE / 4U, want), want));
    *worst              = fmax(*worst, errors[k]);
  }
  qsort(errors, n_notes, sizeof(double), compare_doubles);
  return n_notes % 2U ? errors[n_notes / 2U] : 0.5 * (errors[n_notes / 2U - 1U] + errors[n_notes / 2U]);
}

// Key C major; each note is a whole step below its upper neighbour in the
// scale, so +70 cents is still nearest the note meant.
static const double meant[] = {60, 62, 65, 67, 69, 62, 60, 55};
static const double detune_cents[] = {30, 40, 50, 60, 70, 35, 45, 65};
#define N_NOTES 8U

/// The line of `meant` notes, each detuned by `cents[k]` (if given) plus
/// `semitones`.
static uint32_t
sing_meant(const double* cents, double semitones, float** out)
{
  double sung[N_NOTES];
  for (uint32_t k = 0U; k < N_NOTES; ++k) {
    sung[k] = meant[k] + (cents ? cents[k] / 100.0 : 0.0) + semitones;
  }
  return sing(sung, N_NOTES, out);
}

static void
test_detuned_line_is_corrected(void)
{
  float*         x = NULL;
  const uint32_t n = sing_meant(detune_cents, 0.0, &x);
  double         worst_before = 0.0, worst_after = 0.0;
  const double   before = median_error_cents(x, 0U, meant, N_NOTES, &worst_before);
  TestProc       p;
  test_proc_defaults(&p, &md_pitch_correct_class, 1U);
  test_proc_set(&p, "scale", 1.0); // major
  test_proc_set(&p, "speed_ms", 20.0);
  const uint32_t latency = run_processor(&p, x, n);
  const double   after   = median_error_cents(x, latency, meant, N_NOTES, &worst_after);
  printf("    pitch_correct: median error %.1f cents before, %.2f after (worst %.2f), latency %u\n",
         before, after, worst_after, latency);
  CHECK(before > 45.0); // the tracker sees the detuning
  CHECK(after <= 5.0);
  CHECK(worst_after <= 10.0);
  test_proc_free(&p);
  free(x);
}

static void
test_amount_and_chromatic(void)
{
  // Half the correction leaves half the error; chromatic snaps to semitones.
  float*         x = NULL;
  const uint32_t n = sing_meant(NULL, 0.4, &x);
  TestProc       p;
  test_proc_defaults(&p, &md_pitch_correct_class, 1U);
  test_proc_set(&p, "amount", 0.5);
  const uint32_t latency = run_processor(&p, x, n);
  for (uint32_t k = 0U; k < N_NOTES; ++k) {
    const uint32_t from = k * (NOTE_FRAMES + GAP_FRAMES) + latency + RATE / 5U;
    const double   want = hz_of_note(meant[k]);
    CHECK_NEAR(cents_between(measure_hz(x + from, RATE / 4U, want), want), 20.0, 5.0);
  }
  test_proc_free(&p);
  free(x);
}

static void
test_breath_passes_untouched(void)
{
  // The unvoiced gaps come out as the input, delayed: a null test.
  float*         x   = NULL;
  const uint32_t n   = sing_meant(NULL, 0.5, &x);
  float*         dry = malloc(n * sizeof(float));
  memcpy(dry, x, n * sizeof(float));
  TestProc p;
  test_proc_defaults(&p, &md_pitch_correct_class, 1U);
  const uint32_t latency = run_processor(&p, x, n);
  double         worst   = -300.0;
  for (uint32_t k = 0U; k < N_NOTES; ++k) {
    // The middle of each breath, clear of the grains reaching in from the notes.
    const uint32_t from = k * (NOTE_FRAMES + GAP_FRAMES) + NOTE_FRAMES + GAP_FRAMES / 4U;
    const uint32_t len  = GAP_FRAMES / 2U;
    double         err = 0.0, ref = 0.0;
    for (uint32_t i = from; i < from + len; ++i) {
      err += pow(x[i + latency] - dry[i], 2.0);
      ref += pow(dry[i], 2.0);
    }
    worst = fmax(worst, 10.0 * log10(err / ref + 1e-30));
  }
  printf("    breath residual after correction: %.1f dB\n", worst);
  CHECK(worst < -60.0);
  test_proc_free(&p);
  free(x);
  free(dry);
}

static void
test_shift_keeps_formants(void)
{
  // +7 semitones: the pitch moves by 700 cents and the envelope stays: the
  // strongest harmonic (with the source's 1/f slope taken out) stays by the
  // 700 Hz formant instead of moving to 1050 Hz (chipmunk).
  const double note = 45.0; // A2, 110 Hz
  float*       x    = NULL;
  const uint32_t n  = sing(&note, 1U, &x);
  TestProc     p;
  test_proc_defaults(&p, &md_pitch_shift_class, 1U);
  test_proc_set(&p, "semitones", 7.0);
  const uint32_t latency = run_processor(&p, x, n);
  const float*   y       = x + latency + RATE / 10U;
  const double   want    = hz_of_note(note + 7.0);
  const double   got     = measure_hz(y, RATE / 4U, want);
  double         strongest_hz = 0.0, strongest = 0.0;
  for (int h = 1; h * got < 2000.0; ++h) {
    const double m = dft_magnitude(y, RATE / 4U, h * got) * h * got;
    if (m > strongest) {
      strongest    = m;
      strongest_hz = h * got;
    }
  }
  printf("    pitch_shift +7 st: %.2f cents off, strongest harmonic %.0f Hz (formant 700 Hz)\n",
         cents_between(got, want), strongest_hz);
  CHECK_NEAR(cents_between(got, want), 0.0, 5.0);
  CHECK_NEAR(strongest_hz, 700.0, 120.0);
  test_proc_free(&p);
  free(x);
}

static void
test_shift_cents_and_down(void)
{
  const double cases[][2] = {{-5.0, 0.0}, {0.0, 30.0}, {-12.0, 0.0}, {3.0, -50.0}};
  for (int k = 0; k < 4; ++k) {
    const double note = 57.0;
    float*       x    = NULL;
    const uint32_t n  = sing(&note, 1U, &x);
    TestProc     p;
    test_proc_defaults(&p, &md_pitch_shift_class, 1U);
    test_proc_set(&p, "semitones", cases[k][0]);
    test_proc_set(&p, "cents", cases[k][1]);
    const uint32_t latency = run_processor(&p, x, n);
    const double   want    = hz_of_note(note + cases[k][0] + cases[k][1] / 100.0);
    const double   got     = measure_hz(x + latency + RATE / 10U, RATE / 4U, want);
    printf("    pitch_shift %+g st %+g cents: %.2f cents off\n", cases[k][0], cases[k][1],
           cents_between(got, want));
    CHECK_NEAR(cents_between(got, want), 0.0, 5.0);
    test_proc_free(&p);
    free(x);
  }
}

static void
test_yin_on_its_own(void)
{
  // The detector alone, on clean tones across its range, to 0.1%.
  const uint32_t max_lag = RATE / 60U;
  float*         window  = malloc(2U * max_lag * sizeof(float));
  MdYin*         yin     = md_yin_create(RATE / 1000U, max_lag);
  const double   tones[] = {65.0, 110.0, 261.6, 440.0, 880.0};
  for (int k = 0; k < 5; ++k) {
    for (uint32_t i = 0U; i < 2U * max_lag; ++i) {
      window[i] = (float)(0.5 * sin(2.0 * M_PI * tones[k] * i / RATE) +
                          0.3 * sin(4.0 * M_PI * tones[k] * i / RATE));
    }
    double period = 0.0;
    CHECK(md_yin_period(yin, window, &period));
    CHECK_NEAR(RATE / period, tones[k], tones[k] * 1e-3);
  }
  uint32_t seed = 3U;
  for (uint32_t i = 0U; i < 2U * max_lag; ++i) {
    window[i] = (float)(0.3 * test_noise(&seed));
  }
  double period = 0.0;
  CHECK(!md_yin_period(yin, window, &period)); // noise: unvoiced
  free(window);
  md_yin_destroy(yin);
}

static void
test_latency_is_compensated_in_a_session(void)
{
  // A corrected track against its uncorrected, inverted copy: noise is
  // unvoiced, so it passes untouched, and the engine lines the two up.
  const uint32_t n     = RATE;
  float*         noise = malloc(n * sizeof(float));
  uint32_t       seed  = 11U;
  for (uint32_t i = 0U; i < n; ++i) {
    noise[i] = (float)(0.2 * test_noise(&seed));
  }
  test_write_wav(test_path("breath.wav"), noise, n, 1U, RATE);
  free(noise);
  TestMix m;
  if (test_render_yaml("mixdown: 1\ntracks:\n"
                       "  - {name: tuned, file: breath.wav, inserts: [{type: pitch_correct, key: A, scale: minor}]}\n"
                       "  - {name: plain, file: breath.wav, invert: true}\n",
                       &m)) {
    const double residual = test_rms_db(m.left, m.frames);
    printf("    latency %u frames compensated; residual %.1f dBFS\n", m.latency, residual);
    CHECK(m.latency > 2000U);
    CHECK(residual < -100.0);
    test_mix_free(&m);
  }
}

static void
check_session_snaps(const char* insert, const double* sung, const double* want, uint32_t n_notes)
{
  float*         x = NULL;
  const uint32_t n = sing(sung, n_notes, &x);
  test_write_wav(test_path("sung.wav"), x, n, 1U, RATE);
  free(x);
  char yaml[512];
  snprintf(yaml, sizeof yaml, "mixdown: 1\ntracks:\n  - {name: v, file: sung.wav, inserts: [%s]}\n", insert);
  TestMix m;
  if (test_render_yaml(yaml, &m)) {
    for (uint32_t k = 0U; k < n_notes; ++k) {
      const uint32_t from = k * (NOTE_FRAMES + GAP_FRAMES) + RATE / 5U;
      const double   hz   = hz_of_note(want[k]);
      const double   off  = cents_between(measure_hz(m.left + from, RATE / 4U, hz), hz);
      if (fabs(off) > 5.0) {
        printf("    %s: note %u sung %.2f, wanted %.0f, %.1f cents off\n", insert, k, sung[k], want[k], off);
      }
      CHECK_NEAR(off, 0.0, 5.0);
    }
    test_mix_free(&m);
  }
}

static void
test_note_list_and_key(void)
{
  // A note list overrides key and scale; a key moves the scale.
  const double sung_list[] = {62.3, 67.4, 59.2};
  const double want_list[] = {64.0, 69.0, 60.0}; // nearest of A, C, E
  check_session_snaps("{type: pitch_correct, notes: [A, C, E], speed_ms: 0}", sung_list, want_list, 3U);
  const double sung_key[] = {65.3, 60.4, 67.3};
  const double want_key[] = {66.0, 61.0, 67.0}; // D major: F#, C#, G
  check_session_snaps("{type: pitch_correct, key: D, scale: major, speed_ms: 10}", sung_key, want_key, 3U);
  char     first[256];
  unsigned count = 0U;
  CHECK(test_open_errors("mixdown: 1\ntracks:\n  - {name: v, file: sung.wav, inserts: "
                         "[{type: pitch_correct, notes: [A, H]}]}\n",
                         first, sizeof first, &count) == MIXDOWN_ERR_SESSION);
  CHECK(strstr(first, "H") != NULL && strstr(first, "A#") != NULL);
}

// Automating the transposition from 0 to +7 semitones over half a second
// bends the pitch and makes no click: no step bigger than twice the
// highest tone's own.
static void
test_automated_shift_is_click_free(void)
{
  TestProc p;
  test_proc_defaults(&p, &md_pitch_shift_class, 1U);
  const uint32_t n = 3U * RATE / 2U;
  float*         x = calloc(n, sizeof(float));
  for (uint32_t i = 0U; i < n; ++i) {
    x[i] = (float)(0.5 * sin(2.0 * M_PI * 220.0 * i / RATE));
  }
  const int semitones = md_processor_param_index(&md_pitch_shift_class, "semitones");
  if (test_proc_prepare(&p, RATE)) {
    for (uint32_t done = 0U; done < n; done += 32U) {
      const double t = (double)done / RATE;
      p.cls->set_param(p.state, (uint32_t)semitones, 7.0 * fmin(1.0, fmax(0.0, (t - 0.3) / 0.5)));
      float* io[1] = {x + done};
      test_proc_run(&p, io, 32U, 32U, NULL, 0U);
    }
  }
  const double top_step = 0.5 * 2.0 * M_PI * 220.0 * exp2(7.0 / 12.0) / RATE;
  double       worst    = 0.0;
  for (uint32_t i = 1U; i < n; ++i) {
    worst = fmax(worst, fabs(x[i] - x[i - 1U]));
  }
  CHECK_MSG(worst < 2.0 * top_step, "largest step %.4f (the top tone's own %.4f)", worst, top_step);
  const double got = measure_hz(x + n - RATE / 4U, RATE / 4U, 220.0 * exp2(7.0 / 12.0));
  CHECK_NEAR(cents_between(got, 220.0 * exp2(7.0 / 12.0)), 0.0, 5.0);
  test_proc_free(&p);
  free(x);
}

const TestCase pitch_tests[] = {
  {"pitch_shift: automating the transposition makes no click", test_automated_shift_is_click_free},
  {"pitch_correct: a note list, and a key other than C", test_note_list_and_key},
  {"pitch_correct: latency compensated by the engine (null test)", test_latency_is_compensated_in_a_session},
  {"pitch_correct: voice detuned +30…+70 cents corrected to ≤5 cents median", test_detuned_line_is_corrected},
  {"pitch_correct: amount 0.5 leaves half the error (chromatic)", test_amount_and_chromatic},
  {"pitch_correct: breath between notes passes untouched", test_breath_passes_untouched},
  {"pitch_shift: +7 semitones keeps the formant", test_shift_keeps_formants},
  {"pitch_shift: cents, down a fifth and an octave", test_shift_cents_and_down},
  {"pitch: YIN detector on tones and noise", test_yin_on_its_own},
  {NULL, NULL},
};
