// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The speech-activity detector (see speech.h).  Three measures per 10 ms
// frame, taken while the signal is fed:
//
//   - its loudness: BS.1770's K filter at the signal's rate, the channels'
//     mean squares summed (so a frame reads in LUFS, as a meter would);
//   - its speech-band energy: the mono mean band-passed 100 Hz … ~3.6 kHz and
//     decimated to about 8 kHz (the band-pass is the decimator's anti-alias
//     filter), mean square over the frame;
//   - its voicing: the peak of the normalised autocorrelation over the pitch
//     lags of 70 … 400 Hz, on a 32 ms window of the decimated signal centred
//     on the frame (by FFT: an hour is ~360 000 windows).
//
// Only these are kept, not the audio.  The judgement waits for the end
// (assist_speech_finish): the floor is a low percentile of the whole
// signal's frames, a frame must stand well above it, voiced stretches of a
// plausible length for syllables are speech (a held chord is voiced for
// seconds on end, and an instrument holds each note's pitch to the cent:
// music, not speech), and unvoiced energy right next to them is speech too
// (the consonants that open and close syllables).

#include "speech.h"

#include "bands.h"
#include "dsp/biquad.h"

#include <fftw3.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum {
  RING_SIZE = 4096, ///< Decimated samples kept (a window is ~256 of them)
};

/// The decimated rate aimed at: the speech band fits below its Nyquist.
static const double TARGET_RATE_HZ = 8000.0;
static const double BAND_LOW_HZ    = 100.0;
static const double BAND_HIGH_HZ   = 3600.0;
static const double HOP_S          = 0.010;
static const double WINDOW_S       = 0.032;
static const double PITCH_MIN_HZ   = 70.0;
static const double PITCH_MAX_HZ   = 400.0;

/// Judgement.  A frame is energetic when its band energy stands FLOOR_MARGIN
/// above the floor (the FLOOR_PERCENTILE of all frames) and within
/// RANGE_DB of the loud frames (LOUD_PERCENTILE), and above an absolute
/// ABSOLUTE_GATE (a silent track has no speech, however quiet its floor).
static const double FLOOR_PERCENTILE = 0.10;
static const double LOUD_PERCENTILE  = 0.95;
static const double FLOOR_MARGIN_DB  = 10.0;
static const double RANGE_DB         = 45.0;
static const double ABSOLUTE_GATE_DB = -85.0;
static const double SILENCE_DB       = -120.0; ///< Where digital silence counts in percentiles
/// Voiced: normalised autocorrelation at least this (noise reads ~0.2 on a
/// 32 ms window, voiced speech 0.6 … 0.95).
static const double VOICED_NACF = 0.5;
/// A voiced stretch is a syllable's when it lasts MIN … MAX frames; longer
/// is a held tone (music, hum), shorter a chance peak of noise.
static const size_t VOICED_MIN_FRAMES = 4;
static const size_t VOICED_MAX_FRAMES = 250;
/// Syllables are separated by dips of DIP_DB below their peak within
/// DIP_REACH frames either side.
static const double    DIP_DB    = 12.0;
static const ptrdiff_t DIP_REACH = 25;
/// A stretch whose pitch holds within STEADY_CENTS frame to frame for more
/// than STEADY_MAX of its frames is an instrument's note.
static const double STEADY_CENTS = 3.0;
static const double STEADY_MAX   = 0.75; // espeak-ng's voices: at most 0.5; a synth lead's note: 1
/// Unvoiced energy adjoining a voiced stretch is speech up to this far out.
static const size_t CONSONANT_FRAMES = 20;

struct AssistSpeech {
  uint32_t rate;
  uint32_t decim;  ///< Input samples per decimated sample
  double   rate_d; ///< rate / decim

  // the K filter, per channel, and the band-pass on the mono mean
  MdBiquadCoefs k_shelf, k_hp;
  MdBiquadState k_state[2][2];
  MdBiquadCoefs band[3];
  MdBiquadState band_state[3];
  uint32_t      decim_phase;

  // 10 ms frames at the input rate: frame i is samples
  // floor(i·rate/100) … floor((i+1)·rate/100) - 1
  uint64_t n_in;
  uint64_t frame_end; ///< First sample of the next frame
  double   k_sum;     ///< Σ of the channels' K-weighted squares in the frame
  uint32_t k_count;
  size_t   n_level;   ///< Frames whose level is complete

  // the decimated signal (a ring) and the voicing measure
  float*         ring;
  uint64_t       n_dec;
  uint32_t       window;  ///< Decimated samples per voicing window
  uint32_t       fft_size;
  uint32_t       lag_min, lag_max;
  float*         fft_in;
  fftwf_complex* fft_out;
  float*         acf;
  double*        prefix; ///< window + 1 running sums of squares
  fftwf_plan     forward, inverse;
  size_t         n_voice; ///< Frames whose voicing and band energy are done

  // per frame
  float*   level_db;
  float*   band_db;
  float*   nacf;
  float*   lag;    ///< The pitch period, decimated samples (interpolated); 0 when none
  uint8_t* active;
  size_t   capacity;

  double floor_db;
  bool   finished;
};

double
assist_speech_hop_s(void)
{
  return HOP_S;
}

static void
design_filters(AssistSpeech* s)
{
  double shelf[5], hp[5];
  assist_k_weight_biquads(s->rate, shelf, hp);
  s->k_shelf = (MdBiquadCoefs){shelf[0], shelf[1], shelf[2], shelf[3], shelf[4]};
  s->k_hp    = (MdBiquadCoefs){hp[0], hp[1], hp[2], hp[3], hp[4]};
  // 2nd-order high-pass at 100 Hz, 4th-order Butterworth low-pass (two
  // sections, Q 0.5412 and 1.3066) below the decimated Nyquist.
  const double high = fmin(BAND_HIGH_HZ, 0.45 * s->rate_d);
  s->band[0]        = md_biquad_highpass(s->rate, BAND_LOW_HZ, M_SQRT1_2);
  s->band[1]        = md_biquad_lowpass(s->rate, high, 0.5411961);
  s->band[2]        = md_biquad_lowpass(s->rate, high, 1.3065630);
}

static bool
setup_voicing(AssistSpeech* s)
{
  s->window   = (uint32_t)lround(WINDOW_S * s->rate_d);
  s->fft_size = 1;
  while (s->fft_size < 2U * s->window) {
    s->fft_size *= 2U;
  }
  s->lag_min = (uint32_t)floor(s->rate_d / PITCH_MAX_HZ);
  s->lag_max = (uint32_t)ceil(s->rate_d / PITCH_MIN_HZ);
  if (s->lag_max >= s->window / 2U) { // a lag needs half a window of overlap at least
    s->lag_max = s->window / 2U;
  }
  s->ring    = calloc(RING_SIZE, sizeof *s->ring);
  s->fft_in  = fftwf_alloc_real(s->fft_size);
  s->fft_out = fftwf_alloc_complex(s->fft_size / 2U + 1U);
  s->acf     = fftwf_alloc_real(s->fft_size);
  s->prefix  = calloc(s->window + 1U, sizeof *s->prefix);
  if (!s->ring || !s->fft_in || !s->fft_out || !s->acf || !s->prefix) {
    return false;
  }
  // FFTW's planner is not thread-safe; the assistants plan on the control
  // thread only (as bands.c does).
  s->forward = fftwf_plan_dft_r2c_1d((int)s->fft_size, s->fft_in, s->fft_out, FFTW_ESTIMATE);
  s->inverse = fftwf_plan_dft_c2r_1d((int)s->fft_size, s->fft_out, s->acf, FFTW_ESTIMATE);
  return s->forward && s->inverse;
}

AssistSpeech*
assist_speech_new(uint32_t rate)
{
  if (rate < 8000U) {
    return NULL;
  }
  AssistSpeech* s = calloc(1, sizeof *s);
  if (!s) {
    return NULL;
  }
  s->rate      = rate;
  s->decim     = (uint32_t)floor(rate / TARGET_RATE_HZ);
  s->rate_d    = (double)rate / s->decim;
  s->frame_end = (uint64_t)rate / 100U;
  s->floor_db  = SILENCE_DB;
  design_filters(s);
  if (!setup_voicing(s)) {
    assist_speech_free(s);
    return NULL;
  }
  return s;
}

void
assist_speech_free(AssistSpeech* s)
{
  if (!s) {
    return;
  }
  if (s->forward) {
    fftwf_destroy_plan(s->forward);
  }
  if (s->inverse) {
    fftwf_destroy_plan(s->inverse);
  }
  fftwf_free(s->fft_in);
  fftwf_free(s->fft_out);
  fftwf_free(s->acf);
  free(s->prefix);
  free(s->ring);
  free(s->level_db);
  free(s->band_db);
  free(s->nacf);
  free(s->lag);
  free(s->active);
  free(s);
}

static bool
grow(AssistSpeech* s, size_t frames)
{
  if (frames <= s->capacity) {
    return true;
  }
  size_t cap = s->capacity ? s->capacity : 4096U;
  while (cap < frames) {
    cap *= 2U;
  }
  float* level = realloc(s->level_db, cap * sizeof *level);
  if (level) {
    s->level_db = level;
  }
  float* band = realloc(s->band_db, cap * sizeof *band);
  if (band) {
    s->band_db = band;
  }
  float* nacf = realloc(s->nacf, cap * sizeof *nacf);
  if (nacf) {
    s->nacf = nacf;
  }
  float* lag = realloc(s->lag, cap * sizeof *lag);
  if (lag) {
    s->lag = lag;
  }
  uint8_t* active = realloc(s->active, cap * sizeof *active);
  if (active) {
    s->active = active;
  }
  if (!level || !band || !nacf || !lag || !active) {
    return false;
  }
  s->capacity = cap;
  return true;
}

/// The decimated sample `n` (0 outside what was fed: before the start,
/// after the end).
static float
ring_at(const AssistSpeech* s, int64_t n)
{
  return (n < 0 || (uint64_t)n >= s->n_dec) ? 0.0F : s->ring[(uint64_t)n % RING_SIZE];
}

/// The normalised autocorrelation r(τ) / √(E[0, N-τ) · E[τ, N)) at `lag`.
static double
nacf_at(const AssistSpeech* s, uint32_t lag)
{
  const uint32_t n   = s->window;
  const double   e1  = s->prefix[n - lag];
  const double   e2  = s->prefix[n] - s->prefix[lag];
  const double   den = sqrt(e1 * e2);
  return den > 1e-12 ? s->acf[lag] / s->fft_size / den : 0.0;
}

/// The peak normalised autocorrelation of the window starting at decimated
/// sample `start` over the pitch lags, and the period: the shortest lag
/// whose peak comes within 10 % of the best (not a multiple of the
/// period), refined between its neighbours by a parabola.
static float
voicing(AssistSpeech* s, int64_t start, float* period)
{
  const uint32_t n = s->window;
  *period          = 0.0F;
  s->prefix[0]     = 0.0;
  for (uint32_t i = 0; i < n; ++i) {
    const float x    = ring_at(s, start + i);
    s->fft_in[i]     = x;
    s->prefix[i + 1] = s->prefix[i] + (double)x * x;
  }
  // below -100 dB per sample there is nothing to judge (and FFT noise
  // would make the ratio meaningless)
  if (s->prefix[n] < 1e-10 * n) {
    return 0.0F;
  }
  memset(s->fft_in + n, 0, (s->fft_size - n) * sizeof *s->fft_in);
  fftwf_execute(s->forward);
  for (uint32_t k = 0; k <= s->fft_size / 2U; ++k) {
    const float re   = s->fft_out[k][0];
    const float im   = s->fft_out[k][1];
    s->fft_out[k][0] = re * re + im * im;
    s->fft_out[k][1] = 0.0F;
  }
  fftwf_execute(s->inverse); // acf[τ] = fft_size · Σ x[i] x[i+τ]
  double best = 0.0;
  for (uint32_t lag = s->lag_min; lag <= s->lag_max; ++lag) {
    best = fmax(best, nacf_at(s, lag));
  }
  for (uint32_t lag = s->lag_min + 1U; lag < s->lag_max && best > 0.0; ++lag) {
    const double here = nacf_at(s, lag), before = nacf_at(s, lag - 1U), after = nacf_at(s, lag + 1U);
    if (here >= 0.9 * best && here >= before && here >= after) {
      const double curve = before - 2.0 * here + after;
      *period            = (float)(lag + (curve < 0.0 ? 0.5 * (before - after) / curve : 0.0));
      break;
    }
  }
  return (float)best;
}

/// Band energy and voicing of frame `i` (all the decimated samples it needs
/// have been fed, or the signal has ended).
static void
analyse_frame(AssistSpeech* s, size_t i)
{
  const int64_t first  = (int64_t)floor((double)i * HOP_S * s->rate_d);
  const int64_t last   = (int64_t)floor((double)(i + 1U) * HOP_S * s->rate_d);
  double        sum_sq = 0.0;
  for (int64_t n = first; n < last; ++n) {
    const float x = ring_at(s, n);
    sum_sq += (double)x * x;
  }
  const double ms = last > first ? sum_sq / (double)(last - first) : 0.0;
  s->band_db[i]   = ms > 1e-20 ? (float)(10.0 * log10(ms)) : -INFINITY;
  const double centre = ((double)i + 0.5) * HOP_S * s->rate_d;
  s->nacf[i]          = voicing(s, (int64_t)lround(centre) - (int64_t)(s->window / 2U), &s->lag[i]);
}

/// The decimated sample that frame `i`'s window ends before.
static uint64_t
window_end(const AssistSpeech* s, size_t i)
{
  const double centre = ((double)i + 0.5) * HOP_S * s->rate_d;
  return (uint64_t)(lround(centre) - (long)(s->window / 2U) + (long)s->window);
}

static bool
end_level_frame(AssistSpeech* s)
{
  if (!grow(s, s->n_level + 1U)) {
    return false;
  }
  const double ms          = s->k_count ? s->k_sum / s->k_count : 0.0;
  s->level_db[s->n_level] = ms > 1e-20 ? (float)(-0.691 + 10.0 * log10(ms)) : -INFINITY;
  ++s->n_level;
  s->k_sum     = 0.0;
  s->k_count   = 0;
  s->frame_end = (uint64_t)(s->n_level + 1U) * s->rate / 100U;
  return true;
}

static bool
push_decimated(AssistSpeech* s, float x)
{
  s->ring[s->n_dec % RING_SIZE] = x;
  ++s->n_dec;
  while (s->n_voice < s->n_level + 1U && window_end(s, s->n_voice) <= s->n_dec) {
    if (!grow(s, s->n_voice + 1U)) {
      return false;
    }
    analyse_frame(s, s->n_voice);
    ++s->n_voice;
  }
  return true;
}

/// Two doubles side by side (GCC's vector extension): the left and right
/// channels' K filters in one register, each lane the same IEEE operations
/// as the scalar code (no contraction: ISO C's default), so the same bits.
typedef double Both __attribute__((vector_size(16)));

/// The filters' state for a run of samples, in locals (registers): the
/// same operations in the same order as through the struct, so the same bits.
typedef struct {
  Both          shelf_s1, shelf_s2, hp_s1, hp_s2; ///< The K filters' state, left and right
  MdBiquadState band[3];
  double        k_sum;
  bool          at_rest; ///< Every state is zero (the block began so and nothing has been computed)
} Run;

static inline Both
tick_both(const MdBiquadCoefs* c, Both* s1, Both* s2, Both x)
{
  const Both y = c->b0 * x + *s1;
  *s1          = c->b1 * x - c->a1 * y + *s2;
  *s2          = c->b2 * x - c->a2 * y;
  return y;
}

static bool
zeros(const float* x, uint32_t n)
{
  bool all = true;
  for (uint32_t i = 0; x && i < n; ++i) {
    all &= x[i] == 0.0F;
  }
  return all;
}

/// Samples `first` … `first + n - 1` of the signal through the K filters
/// and the band-pass; only the band-pass output of the last one is
/// returned (the decimator takes one sample in `decim`).
static inline double
run_samples(const AssistSpeech* s, Run* r, const float* left, const float* right, uint32_t n)
{
  // Silence into filters at rest (a voice between phrases: the state is
  // flushed to zero after each block) gives zeros and leaves them at rest;
  // computed, the zeros could carry a sign, which every use squares away
  // (k_sum, the band energy, the voicing's prefix and spectrum).
  if (r->at_rest && zeros(left, n) && zeros(right, n)) {
    return 0.0;
  }
  r->at_rest = false;
  const MdBiquadCoefs shelf = s->k_shelf, hp = s->k_hp, b0 = s->band[0], b1 = s->band[1], b2 = s->band[2];
  double              y = 0.0;
  for (uint32_t i = 0; i < n; ++i) {
    double mono;
    if (right) {
      const Both k = tick_both(&hp, &r->hp_s1, &r->hp_s2,
                               tick_both(&shelf, &r->shelf_s1, &r->shelf_s2, (Both){left[i], right[i]}));
      const Both k2 = k * k;
      r->k_sum += k2[0] + k2[1];
      mono = 0.5 * ((double)left[i] + right[i]);
    } else {
      const Both k = tick_both(&hp, &r->hp_s1, &r->hp_s2,
                               tick_both(&shelf, &r->shelf_s1, &r->shelf_s2, (Both){left[i], 0.0}));
      r->k_sum += k[0] * k[0];
      mono = left[i];
    }
    y = md_biquad_tick(&b0, &r->band[0], mono);
    y = md_biquad_tick(&b1, &r->band[1], y);
    y = md_biquad_tick(&b2, &r->band[2], y);
  }
  return y;
}

static Run
run_begin(const AssistSpeech* s)
{
  const MdBiquadState(*k)[2] = s->k_state;
  Run r = {.shelf_s1 = {k[0][0].s1, k[1][0].s1},
           .shelf_s2 = {k[0][0].s2, k[1][0].s2},
           .hp_s1    = {k[0][1].s1, k[1][1].s1},
           .hp_s2    = {k[0][1].s2, k[1][1].s2},
           .band     = {s->band_state[0], s->band_state[1], s->band_state[2]},
           .k_sum    = s->k_sum,
           .at_rest  = true};
  for (int c = 0; c < 2; ++c) {
    for (int j = 0; j < 2; ++j) {
      r.at_rest &= k[c][j].s1 == 0.0 && k[c][j].s2 == 0.0;
    }
  }
  for (int b = 0; b < 3; ++b) {
    r.at_rest &= s->band_state[b].s1 == 0.0 && s->band_state[b].s2 == 0.0;
  }
  return r;
}

static void
run_end(AssistSpeech* s, const Run* r)
{
  s->k_sum = r->k_sum;
  for (int c = 0; c < 2; ++c) {
    s->k_state[c][0] = (MdBiquadState){r->shelf_s1[c], r->shelf_s2[c]};
    s->k_state[c][1] = (MdBiquadState){r->hp_s1[c], r->hp_s2[c]};
  }
  for (int b = 0; b < 3; ++b) {
    s->band_state[b] = r->band[b];
  }
}

MixdownStatus
assist_speech_feed(AssistSpeech* s, const float* left, const float* right, uint32_t frames)
{
  if (s->finished) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  Run r = run_begin(s);
  // runs up to the next decimated sample or the next frame's end, whichever comes first
  for (uint32_t i = 0; i < frames;) {
    const uint64_t to_frame = s->frame_end - s->n_in;
    const uint32_t to_decim = s->decim - s->decim_phase;
    uint32_t       n        = frames - i < to_decim ? frames - i : to_decim;
    n                       = (uint64_t)n < to_frame ? n : (uint32_t)to_frame;
    const double y = run_samples(s, &r, left + i, right ? right + i : NULL, n);
    s->k_count += n;
    s->n_in += n;
    s->decim_phase += n;
    i += n;
    if (s->decim_phase == s->decim) {
      s->decim_phase = 0;
      if (!push_decimated(s, (float)y)) {
        return MIXDOWN_ERR_NO_MEM;
      }
    }
    if (s->n_in == s->frame_end) {
      s->k_sum = r.k_sum;
      if (!end_level_frame(s)) {
        return MIXDOWN_ERR_NO_MEM;
      }
      r.k_sum = s->k_sum;
    }
  }
  run_end(s, &r);
  // state that decayed to nothing must not turn subnormal in silences
  for (int c = 0; c < 2; ++c) {
    md_biquad_flush(&s->k_state[c][0]);
    md_biquad_flush(&s->k_state[c][1]);
  }
  for (int b = 0; b < 3; ++b) {
    md_biquad_flush(&s->band_state[b]);
  }
  return MIXDOWN_SUCCESS;
}

static int
compare_float(const void* a, const void* b)
{
  const float x = *(const float*)a, y = *(const float*)b;
  return (x > y) - (x < y);
}

/// The `p` quantile of `values` (n), -inf counted as SILENCE_DB.
static double
percentile(const float* values, size_t n, double p)
{
  if (n == 0U) {
    return SILENCE_DB;
  }
  float* sorted = malloc(n * sizeof *sorted);
  if (!sorted) {
    return SILENCE_DB;
  }
  for (size_t i = 0; i < n; ++i) {
    sorted[i] = fmaxf(values[i], (float)SILENCE_DB);
  }
  qsort(sorted, n, sizeof *sorted, compare_float);
  const double v = sorted[(size_t)floor(p * (double)(n - 1U))];
  free(sorted);
  return v;
}

/// The lowest band energy over frames lo … hi - 1 (clipped to the signal).
static double
lowest_band_db(const AssistSpeech* s, ptrdiff_t lo, ptrdiff_t hi)
{
  double lowest = INFINITY;
  for (ptrdiff_t i = lo < 0 ? 0 : lo; i < hi && i < (ptrdiff_t)s->n_level; ++i) {
    lowest = fmin(lowest, fmax(s->band_db[i], SILENCE_DB));
  }
  return lowest;
}

/// The fraction of the stretch's frames whose pitch stays within
/// STEADY_CENTS of the previous frame's: an instrument holds a note's pitch
/// exactly, a voice never does.
static double
steady_fraction(const AssistSpeech* s, size_t first, size_t end)
{
  size_t pairs = 0, steady = 0;
  for (size_t i = first + 1U; i < end; ++i) {
    if (s->lag[i] > 0.0F && s->lag[i - 1U] > 0.0F) {
      ++pairs;
      steady += fabs(1200.0 * log2((double)s->lag[i] / s->lag[i - 1U])) < STEADY_CENTS;
    }
  }
  return pairs ? (double)steady / (double)pairs : 0.0;
}

/// Is the voiced stretch `first` … `end` - 1 a syllable's?  Of a plausible
/// length, and the energy dips well below its peak on both sides within
/// DIP_REACH frames (the gaps and consonants between syllables): a held
/// or slowly swelling tone never dips so.
static bool
is_syllable(const AssistSpeech* s, size_t first, size_t end)
{
  const size_t length = end - first;
  if (length < VOICED_MIN_FRAMES || length > VOICED_MAX_FRAMES) {
    return false;
  }
  double peak = -INFINITY;
  for (size_t i = first; i < end; ++i) {
    peak = fmax(peak, s->band_db[i]);
  }
  if (steady_fraction(s, first, end) > STEADY_MAX) {
    return false;
  }
  const ptrdiff_t mid = (ptrdiff_t)(first + end) / 2;
  const double    left  = lowest_band_db(s, (ptrdiff_t)first - DIP_REACH, mid + 1);
  const double    right = lowest_band_db(s, mid, (ptrdiff_t)end + DIP_REACH);
  return left <= peak - DIP_DB && right <= peak - DIP_DB;
}

/// Marks the syllables and the energetic frames adjoining them.
/// `energetic` and `voiced` are per frame.
static void
judge(AssistSpeech* s, const uint8_t* energetic, const uint8_t* voiced)
{
  const size_t n = s->n_level;
  memset(s->active, 0, n);
  size_t i = 0;
  while (i < n) {
    if (!voiced[i]) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < n && voiced[end]) {
      ++end;
    }
    if (is_syllable(s, i, end)) {
      memset(s->active + i, 1, end - i);
      for (size_t k = 1; k <= CONSONANT_FRAMES && i >= k && energetic[i - k]; ++k) {
        s->active[i - k] = 1;
      }
      for (size_t k = end; k < end + CONSONANT_FRAMES && k < n && energetic[k]; ++k) {
        s->active[k] = 1;
      }
    }
    i = end;
  }
}

MixdownStatus
assist_speech_finish(AssistSpeech* s)
{
  if (s->finished) {
    return MIXDOWN_SUCCESS;
  }
  if (s->k_count > 0U && !end_level_frame(s)) {
    return MIXDOWN_ERR_NO_MEM;
  }
  // the windows of the last frames reach past the end: zeros there
  if (!grow(s, s->n_level + 1U)) {
    return MIXDOWN_ERR_NO_MEM;
  }
  while (s->n_voice < s->n_level) {
    analyse_frame(s, s->n_voice);
    ++s->n_voice;
  }
  s->finished     = true;
  const size_t n  = s->n_level;
  s->floor_db     = percentile(s->level_db, n, FLOOR_PERCENTILE);
  const double lo = percentile(s->band_db, n, FLOOR_PERCENTILE);
  const double hi = percentile(s->band_db, n, LOUD_PERCENTILE);
  const double gate = fmax(fmax(lo + FLOOR_MARGIN_DB, hi - RANGE_DB), ABSOLUTE_GATE_DB);
  uint8_t*     energetic = malloc(n + 1U);
  uint8_t*     voiced    = malloc(n + 1U);
  if (!energetic || !voiced) {
    free(energetic);
    free(voiced);
    return MIXDOWN_ERR_NO_MEM;
  }
  for (size_t i = 0; i < n; ++i) {
    energetic[i] = s->band_db[i] > gate;
    voiced[i]    = energetic[i] && s->nacf[i] >= VOICED_NACF;
  }
  judge(s, energetic, voiced);
  free(energetic);
  free(voiced);
  return MIXDOWN_SUCCESS;
}

size_t
assist_speech_frames(const AssistSpeech* s)
{
  return s->n_level;
}

const uint8_t*
assist_speech_active(const AssistSpeech* s)
{
  return s->finished ? s->active : NULL;
}

const float*
assist_speech_level_db(const AssistSpeech* s)
{
  return s->finished ? s->level_db : NULL;
}

double
assist_speech_floor_db(const AssistSpeech* s)
{
  return s->floor_db;
}

size_t
assist_speech_spans(const AssistSpeech* s, double hold_ms, double min_ms, AssistSpan** spans)
{
  *spans = NULL;
  if (!s->finished) {
    return 0;
  }
  const size_t   n        = s->n_level;
  const uint8_t* active   = s->active;
  size_t         count    = 0;
  size_t         capacity = 0;
  size_t         i        = 0;
  while (i < n) {
    if (!active[i]) {
      ++i;
      continue;
    }
    // a span: speech frames joined across gaps shorter than the hold
    size_t end = i;
    for (;;) {
      while (end < n && active[end]) {
        ++end;
      }
      size_t next = end;
      while (next < n && !active[next]) {
        ++next;
      }
      if (next < n && (double)(next - end) * HOP_S * 1000.0 < hold_ms) {
        end = next;
        continue;
      }
      break;
    }
    const AssistSpan span = {(double)i * HOP_S, (double)end * HOP_S};
    i                     = end;
    if ((span.end_s - span.start_s) * 1000.0 < min_ms) {
      continue;
    }
    if (count == capacity) {
      capacity         = capacity ? capacity * 2U : 64U;
      AssistSpan* more = realloc(*spans, capacity * sizeof *more);
      if (!more) {
        free(*spans);
        *spans = NULL;
        return 0;
      }
      *spans = more;
    }
    (*spans)[count++] = span;
  }
  return count;
}
