// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `mixdown assist balance`: static track faders fitted so the mix matches a
// reference mix (--ref) or puts each named track at a loudness relative to
// the mix (--targets).  Both hear every track's post-fader stem in
// K-weighted third-octave bands (bands.h), left and right apart so that
// the powers are those a loudness meter adds up (BS.1770 sums channels).
//
// --ref: the reference is played through a one-track session at the
// session's rate (the engine resamples it), its band envelopes are
// cross-correlated with the mix's to find the offset, and the power gains
// g_k ≥ 0 with Σ g_k·E_k(band, time) ≈ E_ref(band, time) are found by
// non-negative least squares (nnls.h), reweighted so that every row's
// error counts relative to its level (a quiet verse weighs as much as the
// chorus).  Energies of uncorrelated stems add; that is the model.  When
// the envelopes do not line up (another arrangement, another length), the
// fit uses each band's long-term energy alone.
//
// --targets: the gains that put each named track's integrated loudness
// (BS.1770 gating, on the frames' powers) the given LU under the mix's,
// with the unnamed tracks as they are; when every track is named, the mix
// keeps its loudness.
//
// Writes each fitted track's `gain_db` (its fader), only where it moves by
// more than 0.05 dB; an envelope fader is moved as a whole (every point).

#include "assist.h"
#include "bands.h"
#include "nnls.h"

#include "session/model.h"

#include <errno.h>
#include <fftw3.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  BALANCE_MAX_BANDS = 40,
  BALANCE_IRLS_ROUNDS = 12,
  BALANCE_TARGET_ROUNDS = 60,
};

static const double balance_frame_s       = 0.17;  ///< FFT frame: 8192 samples at 48 kHz (hop 85 ms)
static const double balance_segment_s     = 0.17;  ///< Frames summed into one row of the fit
static const double balance_onset_frame_s = 0.02;  ///< The alignment's frames: 1024 samples at 48 kHz
static const double balance_min_change_db = 0.05;  ///< Smaller changes are not written
static const double balance_min_correlation = 0.3; ///< Below: the envelopes are not taken as aligned
static const double balance_lufs_offset   = -0.691; ///< BS.1770's constant
static const double balance_block_s       = 0.4;   ///< BS.1770's gating block

static const char* const level_choices[] = {"ref", "keep", NULL};

static const MixdownParamInfo balance_options[] = {
  {"ref", "", "A reference mix (audio file, any rate, mono or stereo): faders fitted so the mix's band energies match it",
   MIXDOWN_PARAM_FILE, 0.0, 0.0, 0.0, NULL},
  {"targets", "",
   "Each track's loudness relative to the mix in LU (-60 to 0): vocal=-3,drums=-6; tracks not named keep their faders",
   MIXDOWN_PARAM_TEXT, 0.0, 0.0, 0.0, NULL},
  {"level", "",
   "With --ref: ref matches the reference's level too; keep moves the faders together so the mix keeps its loudness",
   MIXDOWN_PARAM_CHOICE, 0.0, 1.0, 0.0, level_choices},
  {"align", "s", "With --ref: the largest offset searched between the reference and the mix (0: fit long-term spectra)",
   MIXDOWN_PARAM_NUMBER, 0.0, 600.0, 30.0, NULL},
  {"sample", "min", "A longer session is heard in 20 s windows spread over it, this many minutes in all (0: all of it)",
   MIXDOWN_PARAM_NUMBER, 0.0, 600.0, 10.0, NULL},
};

/* --- measuring -------------------------------------------------------------- */

/// Band powers of one signal, left and right apart.
typedef struct {
  AssistBands* left;
  AssistBands* right;
} Pair;

typedef struct {
  uint32_t rate;
  uint32_t fft_size;
  double   edges[BALANCE_MAX_BANDS + 1];
  uint32_t n_bands; ///< Two catch-alls (below 22 Hz, above 18 kHz) around the third octaves
  uint32_t n_fit;   ///< The third octaves: bands 1 … n_fit, those the --ref fit compares
  uint32_t n_tracks;
  Pair*    tracks;
  Pair     ref;
  // onsets for the alignment: the mix and the reference in octave bands,
  // every 10 ms or so
  uint32_t     onset_fft_size;
  double       onset_edges[16];
  uint32_t     n_onset_bands;
  AssistBands* onset_mix;
  AssistBands* onset_ref;
  uint64_t     onset_limit_frames; ///< The mix's onsets are taken from its start to here
  // a long session is heard in windows spread over it (--sample): frames
  // [k·period, k·period + window) of the mix's time; period 0: all of it
  double   sample_s;
  uint64_t window_frames;
  uint64_t period_frames;
  uint64_t length_frames;
} Measure;

static const double balance_onset_limit_s = 300.0; ///< Alignment from the first five minutes
static const double balance_window_s      = 20.0;  ///< --sample's windows

static bool
pair_new(const Measure* m, Pair* p)
{
  p->left  = assist_bands_new(m->rate, m->fft_size, m->edges, m->n_bands, true);
  p->right = assist_bands_new(m->rate, m->fft_size, m->edges, m->n_bands, true);
  return p->left && p->right;
}

static void
pair_free(Pair* p)
{
  assist_bands_free(p->left);
  assist_bands_free(p->right);
  p->left = p->right = NULL;
}

static uint64_t
pair_frames(const Pair* p)
{
  const uint64_t l = assist_bands_frames(p->left);
  const uint64_t r = assist_bands_frames(p->right);
  return l < r ? l : r;
}

/// K-weighted power (left + right) of band `b` in frame `i`.
static double
pair_energy(const Pair* p, uint64_t i, uint32_t b)
{
  return (double)assist_bands_frame(p->left, i)[b] + (double)assist_bands_frame(p->right, i)[b];
}

static uint32_t
fft_size_for(double seconds, uint32_t rate)
{
  uint32_t size = 256U;
  while (size < 65536U && (double)size * 1.41 < seconds * rate) {
    size *= 2U;
  }
  return size;
}

static void
measure_setup(Measure* m, uint32_t rate)
{
  m->rate           = rate;
  m->fft_size       = fft_size_for(balance_frame_s, rate);
  m->onset_fft_size = fft_size_for(balance_onset_frame_s, rate);
  m->n_onset_bands  = 0;
  m->onset_edges[0] = 44.2; // octaves around 62.5 Hz … 8 kHz
  while (m->n_onset_bands < 15U && m->onset_edges[m->n_onset_bands] * 2.0 < 0.5 * rate) {
    m->onset_edges[m->n_onset_bands + 1U] = 2.0 * m->onset_edges[m->n_onset_bands];
    ++m->n_onset_bands;
  }
  // ISO third octaves 25 Hz … 16 kHz (up to 18 kHz: what a 44.1 kHz or a
  // lossy reference still holds), those below Nyquist, for the fit; and a
  // band either side, so the loudness of --targets hears everything (hi-hats
  // have much of theirs above 18 kHz)
  uint32_t n = assist_third_octave_edges(25.0, 16000.0, m->edges + 1, NULL, BALANCE_MAX_BANDS - 1);
  while (n > 1U && m->edges[n + 1U] > 0.5 * rate) {
    --n;
  }
  m->edges[0]      = 5.0;
  m->edges[n + 2U] = 0.5 * rate;
  m->n_fit         = n;
  m->n_bands       = n + 2U;
}

static void
measure_free(Measure* m)
{
  for (uint32_t k = 0; m->tracks && k < m->n_tracks; ++k) {
    pair_free(&m->tracks[k]);
  }
  free(m->tracks);
  pair_free(&m->ref);
  assist_bands_free(m->onset_mix);
  assist_bands_free(m->onset_ref);
}

// --sample: windows spread evenly over the session, `sample_s` in all;
// every block meets one window at most (the gaps are longer than a block).
static void
plan_windows(Measure* m, uint64_t length_frames)
{
  m->length_frames      = length_frames;
  m->onset_limit_frames = (uint64_t)(balance_onset_limit_s * m->rate);
  m->period_frames      = 0;
  const double length_s = (double)length_frames / m->rate;
  if (m->sample_s <= 0.0 || length_s <= m->sample_s) {
    return;
  }
  const double   window_s  = fmin(balance_window_s, m->sample_s / 4.0);
  const uint64_t n_windows = (uint64_t)fmax(1.0, floor(m->sample_s / window_s));
  m->window_frames         = (uint64_t)(window_s * m->rate);
  m->period_frames         = length_frames / n_windows;
  if (m->period_frames < m->window_frames + 16384U) {
    m->period_frames = 0; // hardly any gap: hear it all
  }
}

// The part of the mix's frames [first, first + frames) that is heard:
// `*from` into the block, `*count` frames (0: none).
static void
heard_part(const Measure* m, int64_t first, uint32_t frames, uint32_t* from, uint32_t* count)
{
  const int64_t end = first + (int64_t)frames;
  int64_t       lo  = first < 0 ? 0 : first;
  int64_t       hi  = end;
  if (m->period_frames) {
    const int64_t period = (int64_t)m->period_frames;
    int64_t       start  = lo / period * period;
    if (lo >= start + (int64_t)m->window_frames) {
      start += period;
    }
    lo = lo > start ? lo : start;
    hi = hi < start + (int64_t)m->window_frames ? hi : start + (int64_t)m->window_frames;
  }
  *from  = hi > lo ? (uint32_t)(lo - first) : 0U;
  *count = hi > lo ? (uint32_t)(hi - lo) : 0U;
}

static MixdownStatus
stems_begin(void* user_data, const AssistRenderInfo* info)
{
  Measure* m = user_data;
  plan_windows(m, info->length_frames);
  if (info->n_stems < m->n_tracks) {
    return MIXDOWN_ERR_NO_MEM; // the engine gives every track a stem; anything else is a broken frame
  }
  m->tracks    = calloc(m->n_tracks ? m->n_tracks : 1U, sizeof *m->tracks);
  m->onset_mix = assist_bands_new(m->rate, m->onset_fft_size, m->onset_edges, m->n_onset_bands, true);
  if (!m->tracks || !m->onset_mix) {
    return MIXDOWN_ERR_NO_MEM;
  }
  for (uint32_t k = 0; k < m->n_tracks; ++k) {
    if (!pair_new(m, &m->tracks[k])) {
      return MIXDOWN_ERR_NO_MEM;
    }
  }
  return MIXDOWN_SUCCESS;
}

static MixdownStatus
stems_block(void* user_data, uint64_t first_frame, const float* mix_left, const float* mix_right,
            const float* const* stems, uint32_t frames)
{
  Measure* m = user_data;
  if (first_frame < m->onset_limit_frames &&
      assist_bands_feed(m->onset_mix, mix_left, mix_right, frames) != MIXDOWN_SUCCESS) {
    return MIXDOWN_ERR_NO_MEM;
  }
  uint32_t from, count;
  heard_part(m, (int64_t)first_frame, frames, &from, &count);
  for (uint32_t k = 0; k < m->n_tracks && count; ++k) {
    if (assist_bands_feed(m->tracks[k].left, stems[2U * k] + from, NULL, count) != MIXDOWN_SUCCESS ||
        assist_bands_feed(m->tracks[k].right, stems[2U * k + 1U] + from, NULL, count) != MIXDOWN_SUCCESS) {
      return MIXDOWN_ERR_NO_MEM;
    }
  }
  return MIXDOWN_SUCCESS;
}

// The reference is heard twice: once for its onsets (the alignment), then
// in bands with its start moved by the offset found, so that its frames
// fall where the mix's do.
static MixdownStatus
onset_begin(void* user_data, const AssistRenderInfo* info)
{
  (void)info;
  Measure* m   = user_data;
  m->onset_ref = assist_bands_new(m->rate, m->onset_fft_size, m->onset_edges, m->n_onset_bands, true);
  return m->onset_ref ? MIXDOWN_SUCCESS : MIXDOWN_ERR_NO_MEM;
}

static MixdownStatus
onset_block(void* user_data, uint64_t first_frame, const float* mix_left, const float* mix_right,
            const float* const* stems, uint32_t frames)
{
  (void)first_frame;
  (void)stems;
  Measure* m = user_data;
  return assist_bands_feed(m->onset_ref, mix_left, mix_right, frames);
}

typedef struct {
  Measure* m;
  int64_t  skip_frames; ///< > 0: the reference's first samples dropped; < 0: silence put before it
} RefFeed;

static MixdownStatus
ref_begin(void* user_data, const AssistRenderInfo* info)
{
  (void)info;
  RefFeed* feed = user_data;
  if (!pair_new(feed->m, &feed->m->ref)) {
    return MIXDOWN_ERR_NO_MEM;
  }
  // a reference that starts later than the mix: silence where the mix has already begun
  static const float silence[1024] = {0};
  for (int64_t at = 0; at < -feed->skip_frames; at += 1024) {
    uint32_t from, count;
    heard_part(feed->m, at, (uint32_t)(-feed->skip_frames - at < 1024 ? -feed->skip_frames - at : 1024), &from,
               &count);
    if (count && (assist_bands_feed(feed->m->ref.left, silence, NULL, count) != MIXDOWN_SUCCESS ||
                  assist_bands_feed(feed->m->ref.right, silence, NULL, count) != MIXDOWN_SUCCESS)) {
      return MIXDOWN_ERR_NO_MEM;
    }
  }
  return MIXDOWN_SUCCESS;
}

static MixdownStatus
ref_block(void* user_data, uint64_t first_frame, const float* mix_left, const float* mix_right,
          const float* const* stems, uint32_t frames)
{
  (void)stems;
  RefFeed* feed = user_data;
  uint32_t from, count; // the reference's frame j is the mix's j − skip
  heard_part(feed->m, (int64_t)first_frame - feed->skip_frames, frames, &from, &count);
  if (count && (assist_bands_feed(feed->m->ref.left, mix_left + from, NULL, count) != MIXDOWN_SUCCESS ||
                assist_bands_feed(feed->m->ref.right, mix_right + from, NULL, count) != MIXDOWN_SUCCESS)) {
    return MIXDOWN_ERR_NO_MEM;
  }
  return MIXDOWN_SUCCESS;
}

/* --- the reference ---------------------------------------------------------- */

typedef struct {
  char text[400];
} FirstDiagnostic;

static void
keep_first(void* user_data, const MixdownDiagnostic* d)
{
  FirstDiagnostic* first = user_data;
  if (!first->text[0] && d->severity == MIXDOWN_SEVERITY_ERROR) {
    snprintf(first->text, sizeof first->text, "%s", d->message);
  }
}

// The reference as a session of one track at `rate`: the engine decodes
// and resamples it as it would a clip.  A mono file plays at 0 dB on both
// sides (pan law 0), as a mono mix is heard.
static MixdownStatus
open_reference(AssistContext* ctx, const char* path, uint32_t rate, double length_s, MixdownSession** session)
{
  FILE* probe = fopen(path, "rb");
  if (!probe) {
    return assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--ref %s: cannot read it (%s)", path, strerror(errno));
  }
  fclose(probe);
  json_t* doc = json_pack("{s:i, s:i, s:[{s:s, s:s, s:i}]}", "mixdown", 1, "sample_rate", (int)rate, "tracks",
                          "name", "reference", "file", path, "pan_law", 0);
  if (doc && length_s > 0.0) {
    json_object_set_new(doc, "length", json_real(length_s));
  }
  char* text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
  json_decref(doc);
  if (!text) {
    return assist_fail(ctx, MIXDOWN_ERR_NO_MEM, "out of memory");
  }
  FirstDiagnostic     first = {.text = ""};
  const MixdownStatus st =
    mixdown_session_open_string(text, strlen(text), "--ref", NULL, keep_first, &first, session);
  free(text);
  if (st == MIXDOWN_ERR_NO_MEM) {
    return assist_fail(ctx, st, "out of memory");
  }
  if (st != MIXDOWN_SUCCESS) {
    return assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--ref %s: not an audio file mixdown can read%s%s%s", path,
                       first.text[0] ? " (" : "", first.text, first.text[0] ? ")" : "");
  }
  return MIXDOWN_SUCCESS;
}

/* --- loudness of a power series --------------------------------------------- */

// BS.1770 integrated loudness of per-frame K-weighted powers (left + right):
// blocks of 400 ms every frame, absolute gate −70 LUFS, relative gate −10
// LU.  -HUGE_VAL when nothing passes the gates.
static double
gated_loudness(const double* power, size_t n, double hop_s)
{
  size_t block = (size_t)lround(balance_block_s / hop_s);
  block        = block < 1U ? 1U : block;
  if (n < block) {
    block = n;
  }
  if (block == 0U) {
    return -HUGE_VAL;
  }
  const size_t n_blocks = n - block + 1U;
  double       window   = 0.0;
  for (size_t i = 0; i < block; ++i) {
    window += power[i];
  }
  double   sum_abs = 0.0;
  size_t   n_abs   = 0;
  const double abs_gate = pow(10.0, (-70.0 - balance_lufs_offset) / 10.0);
  // two passes: the absolute gate's mean sets the relative gate
  for (int pass = 0; pass < 2; ++pass) {
    double w        = window;
    double rel_gate = n_abs ? 0.1 * sum_abs / (double)n_abs : 0.0;
    double sum      = 0.0;
    size_t count    = 0;
    for (size_t j = 0; j < n_blocks; ++j) {
      if (j) {
        w += power[j + block - 1U] - power[j - 1U];
      }
      const double z = w / (double)block;
      if (z > abs_gate && (pass == 0 || z > rel_gate)) {
        sum += z;
        ++count;
      }
    }
    if (count == 0U) {
      return -HUGE_VAL;
    }
    if (pass == 0) {
      sum_abs = sum;
      n_abs   = count;
    } else {
      return balance_lufs_offset + 10.0 * log10(sum / (double)count);
    }
  }
  return -HUGE_VAL;
}

/* --- the fit's context ------------------------------------------------------ */

typedef struct {
  char*    name;
  char*    address;
  bool     active;     ///< Heard in the render
  bool     targeted;   ///< --targets names it
  bool     targeted_mode; ///< --targets was given (names it or not)
  double   target_lu;
  double   gain;       ///< Fitted power gain
  double   residual_db;
  double   achieved_lu; ///< --targets: relative loudness after the fit (model)
  double*  power;      ///< Per frame, summed over bands
} Track;

typedef struct {
  AssistContext* ctx;
  Measure        m;
  Track*         tracks;
  uint32_t       n_tracks;
  uint64_t       n_frames;
  double         hop_s;
} Balance;

static void
balance_free(Balance* b)
{
  for (uint32_t k = 0; b->tracks && k < b->n_tracks; ++k) {
    free(b->tracks[k].name);
    free(b->tracks[k].address);
    free(b->tracks[k].power);
  }
  free(b->tracks);
  measure_free(&b->m);
}

/// The model's mix power per frame with the tracks' gains (`gains` NULL: all 1).
static void
mix_power(const Balance* b, const double* gains, double* out)
{
  for (uint64_t i = 0; i < b->n_frames; ++i) {
    double s = 0.0;
    for (uint32_t k = 0; k < b->n_tracks; ++k) {
      if (b->tracks[k].active) {
        s += (gains ? gains[k] : 1.0) * b->tracks[k].power[i];
      }
    }
    out[i] = s;
  }
}

// The session's tracks, by name and address, before anything is heard
// (so a wrong name is refused before the render).
static MixdownStatus
tracks_init(Balance* b)
{
  AssistContext*        ctx = b->ctx;
  const MixdownSession* s   = mixdown_editor_session(ctx->editor);
  b->n_tracks               = (uint32_t)s->n_tracks;
  if (b->n_tracks == 0U) {
    return assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "the session has no tracks");
  }
  b->tracks = calloc(b->n_tracks, sizeof *b->tracks);
  if (!b->tracks) {
    return MIXDOWN_ERR_NO_MEM;
  }
  AssistStrip* strips  = NULL;
  const size_t n_strip = assist_all_strips(ctx, &strips);
  if (n_strip < b->n_tracks) {
    assist_strips_free(strips, n_strip);
    return MIXDOWN_ERR_NO_MEM;
  }
  for (uint32_t k = 0; k < b->n_tracks; ++k) {
    b->tracks[k].name    = strips[k].name;
    b->tracks[k].address = strips[k].address;
    b->tracks[k].gain    = 1.0;
    strips[k].name = strips[k].address = NULL;
  }
  assist_strips_free(strips, n_strip);
  return MIXDOWN_SUCCESS;
}

// Renders the session with stems and keeps each track's band powers and
// per-frame power.
static MixdownStatus
measure_session(Balance* b)
{
  AssistContext* ctx = b->ctx;
  measure_setup(&b->m, mixdown_session_sample_rate(mixdown_editor_session(ctx->editor)));
  b->m.sample_s    = 60.0 * assist_number(ctx, "sample");
  b->m.n_tracks    = b->n_tracks;
  MixdownStatus st = assist_render(ctx, NULL, true, "listening", stems_begin, stems_block, &b->m);
  if (st != MIXDOWN_SUCCESS) {
    return st;
  }
  b->n_frames = pair_frames(&b->m.tracks[0]);
  b->hop_s    = assist_bands_hop_s(b->m.tracks[0].left);
  for (uint32_t k = 0; k < b->n_tracks; ++k) {
    Track* t = &b->tracks[k];
    t->power = calloc(b->n_frames ? b->n_frames : 1U, sizeof *t->power);
    if (!t->power) {
      return MIXDOWN_ERR_NO_MEM;
    }
    double total = 0.0;
    for (uint64_t i = 0; i < b->n_frames; ++i) {
      double p = 0.0;
      for (uint32_t band = 0; band < b->m.n_bands; ++band) {
        p += pair_energy(&b->m.tracks[k], i, band);
      }
      t->power[i] = p;
      total += p;
    }
    t->active = total > 1e-12 * (double)(b->n_frames ? b->n_frames : 1U); // above −120 dB
  }
  return MIXDOWN_SUCCESS;
}

/* --- alignment -------------------------------------------------------------- */

// Onset strength of one band's envelope: the rise of its log energy
// (floored 30 dB under the band's mean), smoothed over ±2 frames (so an
// offset that falls between frames still lines up), minus its mean.  Gains
// do not change it, so the mix at wrong faders still lines up with the
// reference.  `energy` is overwritten.
static void
onsets(double* energy, size_t n, float* out)
{
  double mean = 0.0;
  for (size_t i = 0; i < n; ++i) {
    mean += energy[i];
  }
  mean              = mean / (double)(n ? n : 1U);
  const double floor = 1e-3 * mean + 1e-20;
  double       prev  = log(energy[0] + floor);
  for (size_t i = 0; i < n; ++i) {
    const double x = log(energy[i] + floor);
    const double d = x - prev;
    energy[i]      = d > 0.0 ? d : 0.0;
    prev           = x;
  }
  static const double kernel[5] = {1.0 / 9.0, 2.0 / 9.0, 3.0 / 9.0, 2.0 / 9.0, 1.0 / 9.0};
  double              sum       = 0.0;
  for (size_t i = 0; i < n; ++i) {
    double s = 0.0;
    for (size_t k = 0; k < 5U; ++k) {
      if (i + k >= 2U && i + k - 2U < n) {
        s += kernel[k] * energy[i + k - 2U];
      }
    }
    out[i] = (float)s;
    sum += s;
  }
  const float avg = (float)(sum / (double)(n ? n : 1U));
  for (size_t i = 0; i < n; ++i) {
    out[i] -= avg;
  }
}

typedef struct {
  bool   aligned;
  double offset_s;    ///< The reference's time = the mix's + offset_s
  double correlation; ///< Normalised, at the offset found
} Alignment;

static size_t
next_pow2(size_t n)
{
  size_t p = 1;
  while (p < n) {
    p *= 2U;
  }
  return p;
}

// Cross-correlates the mix's and the reference's onset envelopes, band by
// band (their cross-spectra summed, one inverse FFT), within ±max_offset_s.
static MixdownStatus
align(const Balance* b, double max_offset_s, Alignment* out)
{
  const AssistBands* mix   = b->m.onset_mix;
  const AssistBands* ref   = b->m.onset_ref;
  const size_t       n_mix = assist_bands_frames(mix);
  const size_t       n_ref = assist_bands_frames(ref);
  const double       hop_s = assist_bands_hop_s(mix);
  const long max_lag = (long)ceil(max_offset_s / hop_s);
  if (n_mix < 2U || n_ref < 2U) {
    out->aligned = false;
    return MIXDOWN_SUCCESS;
  }
  const size_t size  = next_pow2(n_mix + n_ref + 1U);
  const size_t bins  = size / 2U + 1U;
  float*         a     = fftwf_alloc_real(size);
  float*         r     = fftwf_alloc_real(size);
  fftwf_complex* fa    = fftwf_alloc_complex(bins);
  fftwf_complex* fr    = fftwf_alloc_complex(bins);
  fftwf_complex* acc   = fftwf_alloc_complex(bins);
  double*        e     = malloc((n_mix > n_ref ? n_mix : n_ref) * sizeof *e + sizeof *e);
  MixdownStatus  st    = MIXDOWN_ERR_NO_MEM;
  fftwf_plan     pa = NULL, pr = NULL, back = NULL;
  if (a && r && fa && fr && acc && e) {
    pa   = fftwf_plan_dft_r2c_1d((int)size, a, fa, FFTW_ESTIMATE);
    pr   = fftwf_plan_dft_r2c_1d((int)size, r, fr, FFTW_ESTIMATE);
    back = fftwf_plan_dft_c2r_1d((int)size, acc, a, FFTW_ESTIMATE);
  }
  if (pa && pr && back) {
    memset(acc, 0, bins * sizeof *acc);
    double energy_mix = 0.0, energy_ref = 0.0;
    for (uint32_t band = 0; band < b->m.n_onset_bands; ++band) {
      memset(a, 0, size * sizeof *a);
      memset(r, 0, size * sizeof *r);
      for (size_t i = 0; i < n_mix; ++i) {
        e[i] = assist_bands_frame(mix, i)[band];
      }
      onsets(e, n_mix, a);
      for (size_t i = 0; i < n_ref; ++i) {
        e[i] = assist_bands_frame(ref, i)[band];
      }
      onsets(e, n_ref, r);
      for (size_t i = 0; i < size; ++i) {
        energy_mix += (double)a[i] * a[i];
        energy_ref += (double)r[i] * r[i];
      }
      fftwf_execute(pa);
      fftwf_execute(pr);
      for (size_t i = 0; i < bins; ++i) { // R · conj(A): lag of r against a
        acc[i][0] += fr[i][0] * fa[i][0] + fr[i][1] * fa[i][1];
        acc[i][1] += fr[i][1] * fa[i][0] - fr[i][0] * fa[i][1];
      }
    }
    fftwf_execute(back);
    const double norm = sqrt(energy_mix * energy_ref) * (double)size;
    out->correlation  = -1.0;
    long best         = 0;
    for (long lag = -max_lag; lag <= max_lag; ++lag) {
      const double c = norm > 0.0 ? a[lag >= 0 ? (size_t)lag : size - (size_t)(-lag)] / norm : 0.0;
      if (c > out->correlation) {
        out->correlation = c;
        best             = lag;
      }
    }
    // the peak between frames: a parabola through it and its neighbours
    const double c0 = a[best - 1 >= 0 ? (size_t)(best - 1) : size - (size_t)(1 - best)];
    const double c1 = a[best >= 0 ? (size_t)best : size - (size_t)(-best)];
    const double c2 = a[best + 1 >= 0 ? (size_t)(best + 1) : size - (size_t)(-1 - best)];
    const double curve = c0 - 2.0 * c1 + c2;
    const double shift = curve < 0.0 ? fmax(-0.5, fmin(0.5, 0.5 * (c0 - c2) / curve)) : 0.0;
    out->offset_s      = ((double)best + shift) * hop_s;
    out->aligned = out->correlation >= balance_min_correlation;
    st           = MIXDOWN_SUCCESS;
  }
  if (pa) fftwf_destroy_plan(pa);
  if (pr) fftwf_destroy_plan(pr);
  if (back) fftwf_destroy_plan(back);
  fftwf_free(a);
  fftwf_free(r);
  fftwf_free(fa);
  fftwf_free(fr);
  fftwf_free(acc);
  free(e);
  return st;
}

/* --- the fit ---------------------------------------------------------------- */

/// The fit's rows: y ≈ Σ_k A[k]·g_k, one row per band and segment (or per
/// band alone, for long-term spectra).
typedef struct {
  size_t  n_rows;
  size_t  n_cols;  ///< Active tracks
  double* a;       ///< n_rows × n_cols
  double* y;
  double* floor;   ///< Per row: its band's floor (30 dB under the band's mean)
  double* band_mean; ///< Per row: its band's mean reference energy
  uint32_t* col_track;
} Rows;

static void
rows_free(Rows* r)
{
  free(r->a);
  free(r->y);
  free(r->floor);
  free(r->band_mean);
  free(r->col_track);
}

static MixdownStatus
rows_alloc(Rows* r, size_t n_rows, size_t n_cols)
{
  r->n_rows = n_rows;
  r->n_cols = n_cols;
  r->a      = calloc(n_rows * n_cols + 1U, sizeof *r->a);
  r->y      = calloc(n_rows + 1U, sizeof *r->y);
  r->floor  = calloc(n_rows + 1U, sizeof *r->floor);
  r->band_mean = calloc(n_rows + 1U, sizeof *r->band_mean);
  return r->a && r->y && r->floor && r->band_mean ? MIXDOWN_SUCCESS : MIXDOWN_ERR_NO_MEM;
}

// Each row's floor: 30 dB under its band's mean reference energy, so rows
// of silence neither explode nor vanish from the relative weighting.
static void
rows_floors(Rows* r, uint32_t n_bands)
{
  for (uint32_t band = 0; band < n_bands; ++band) {
    double sum = 0.0;
    size_t n   = 0;
    for (size_t row = band; row < r->n_rows; row += n_bands) {
      sum += r->y[row];
      ++n;
    }
    const double mean  = sum / (double)(n ? n : 1U);
    const double floor = 1e-3 * mean + 1e-20;
    for (size_t row = band; row < r->n_rows; row += n_bands) {
      r->floor[row]     = floor;
      r->band_mean[row] = mean;
    }
  }
}

// Rows of segments of the mix's frames against the reference's, which
// starts where the mix does (moved by the alignment).  Row: segment ·
// n_bands + band.
static MixdownStatus
rows_aligned(const Balance* b, size_t n_ref, Rows* r)
{
  const size_t seg   = (size_t)fmax(1.0, round(balance_segment_s / b->hop_s));
  const size_t n     = b->n_frames < n_ref ? b->n_frames : n_ref;
  const size_t n_seg = n / seg;
  if (n_seg < 2U) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  const uint32_t nb = b->m.n_fit;
  if (rows_alloc(r, n_seg * nb, r->n_cols) != MIXDOWN_SUCCESS) {
    return MIXDOWN_ERR_NO_MEM;
  }
  for (size_t s = 0; s < n_seg; ++s) {
    for (size_t f = 0; f < seg; ++f) {
      const uint64_t i = s * seg + f;
      for (uint32_t band = 0; band < nb; ++band) {
        const size_t row = s * nb + band;
        r->y[row] += pair_energy(&b->m.ref, i, 1U + band);
        for (size_t c = 0; c < r->n_cols; ++c) {
          r->a[row * r->n_cols + c] += pair_energy(&b->m.tracks[r->col_track[c]], i, 1U + band);
        }
      }
    }
  }
  rows_floors(r, nb);
  return MIXDOWN_SUCCESS;
}

// Rows of long-term spectra: each band's mean energy over the whole of
// each (the reference's length may differ from the mix's).
static MixdownStatus
rows_long_term(const Balance* b, size_t n_ref, Rows* r)
{
  const uint32_t nb = b->m.n_fit;
  if (rows_alloc(r, nb, r->n_cols) != MIXDOWN_SUCCESS) {
    return MIXDOWN_ERR_NO_MEM;
  }
  for (uint32_t band = 0; band < nb; ++band) {
    for (size_t i = 0; i < n_ref; ++i) {
      r->y[band] += pair_energy(&b->m.ref, i, 1U + band) / (double)n_ref;
    }
    for (size_t c = 0; c < r->n_cols; ++c) {
      double s = 0.0;
      for (uint64_t i = 0; i < b->n_frames; ++i) {
        s += pair_energy(&b->m.tracks[r->col_track[c]], i, 1U + band);
      }
      r->a[band * r->n_cols + c] = s / (double)(b->n_frames ? b->n_frames : 1U);
    }
  }
  rows_floors(r, nb);
  return MIXDOWN_SUCCESS;
}

static double
row_model(const Rows* r, size_t row, const double* x)
{
  double s = 0.0;
  for (size_t c = 0; c < r->n_cols; ++c) {
    s += r->a[row * r->n_cols + c] * x[c];
  }
  return s;
}

/// RMS over rows of the level error, dB (the floor keeps silence finite).
static double
rows_residual_db(const Rows* r, const double* x)
{
  double sum = 0.0;
  for (size_t row = 0; row < r->n_rows; ++row) {
    const double e = 10.0 * log10((row_model(r, row, x) + r->floor[row]) / (r->y[row] + r->floor[row]));
    sum += e * e;
  }
  return sqrt(sum / (double)(r->n_rows ? r->n_rows : 1U));
}

// Non-negative least squares, reweighted: each row's error is divided by
// the fitted level of the row (ŷ + floor; in the first round, its band's
// mean), so it counts relative to the row's level — about the error in dB —
// and loud frames and bands do not outvote quiet ones.  The weights come
// from the model, not from the reference: rows where the stems happen to
// cancel are not favoured, which would bias every gain low.
static MixdownStatus
rows_fit(const Rows* r, double* x)
{
  const size_t n    = r->n_cols;
  double*      gram = calloc(n * n + 1U, sizeof *gram);
  double*      rhs  = calloc(n + 1U, sizeof *rhs);
  double*      next = calloc(n + 1U, sizeof *next);
  if (!gram || !rhs || !next) {
    free(gram);
    free(rhs);
    free(next);
    return MIXDOWN_ERR_NO_MEM;
  }
  bool first = true;
  for (int round = 0; round < BALANCE_IRLS_ROUNDS; ++round) {
    memset(gram, 0, n * n * sizeof *gram);
    memset(rhs, 0, n * sizeof *rhs);
    for (size_t row = 0; row < r->n_rows; ++row) {
      const double  scale = (first ? r->band_mean[row] : row_model(r, row, x)) + r->floor[row];
      const double  w     = 1.0 / (scale * scale);
      const double* a     = &r->a[row * n];
      for (size_t i = 0; i < n; ++i) {
        rhs[i] += w * a[i] * r->y[row];
        for (size_t j = 0; j < n; ++j) {
          gram[i * n + j] += w * a[i] * a[j];
        }
      }
    }
    if (!assist_nnls(gram, rhs, n, next)) {
      free(gram);
      free(rhs);
      free(next);
      return MIXDOWN_ERR_NO_MEM;
    }
    double moved_db = first ? HUGE_VAL : 0.0;
    for (size_t i = 0; i < n && !first; ++i) {
      if (x[i] > 0.0 && next[i] > 0.0) {
        moved_db = fmax(moved_db, fabs(10.0 * log10(next[i] / x[i])));
      } else if ((x[i] > 0.0) != (next[i] > 0.0)) {
        moved_db = HUGE_VAL;
      }
    }
    memcpy(x, next, n * sizeof *x);
    first = false;
    if (moved_db < 0.001) {
      break;
    }
  }
  free(gram);
  free(rhs);
  free(next);
  return MIXDOWN_SUCCESS;
}

// Each track's residual: the RMS level error over the rows where its
// share of the fitted mix is at least half.
static void
track_residuals(Balance* b, const Rows* r, const double* x)
{
  for (size_t c = 0; c < r->n_cols; ++c) {
    double sum = 0.0;
    size_t n   = 0;
    for (size_t row = 0; row < r->n_rows; ++row) {
      const double model = row_model(r, row, x);
      if (model > r->floor[row] && r->a[row * r->n_cols + c] * x[c] >= 0.5 * model) {
        const double e = 10.0 * log10((model + r->floor[row]) / (r->y[row] + r->floor[row]));
        sum += e * e;
        ++n;
      }
    }
    b->tracks[r->col_track[c]].residual_db = n ? sqrt(sum / (double)n) : NAN;
  }
}

/* --- writing ---------------------------------------------------------------- */

static void
fader_range(double* lo, double* hi)
{
  *lo = -144.0;
  *hi = 24.0;
  for (uint32_t i = 0; i < mixdown_strip_param_count(); ++i) {
    const MixdownParamInfo* p = mixdown_strip_param(i);
    if (p && strcmp(p->name, "gain_db") == 0) {
      *lo = p->min;
      *hi = p->max;
    }
  }
}

static double
clamp(double x, double lo, double hi)
{
  return x < lo ? lo : x > hi ? hi : x;
}

// Adds `change_db` to the fader of `t`: a number, or every point of an
// envelope (its curve and times kept).  `*written` is the new constant (NAN
// for an envelope); `*clamped` when the range cut it.
static MixdownStatus
move_fader(AssistContext* ctx, const Track* t, double change_db, double* written, bool* clamped)
{
  double lo, hi;
  fader_range(&lo, &hi);
  char address[1024];
  snprintf(address, sizeof address, "%s/gain_db", t->address);
  char*       text = NULL;
  const char* unit = NULL;
  MixdownStatus st = mixdown_editor_get_json(ctx->editor, address, &text, &unit);
  json_t*       value = st == MIXDOWN_SUCCESS ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
  free(text);
  *written = NAN;
  *clamped = false;
  if (json_is_number(value)) {
    const double now = json_number_value(value);
    *written         = clamp(now + change_db, lo, hi);
    *clamped         = *written != now + change_db;
    json_decref(value);
    return assist_set_number(ctx, address, *written, 2);
  }
  json_t* points = json_object_get(value, "points");
  if (!json_is_array(points)) {
    json_decref(value);
    return assist_fail(ctx, MIXDOWN_ERR_SESSION, "%s: cannot read the fader", address);
  }
  size_t  i;
  json_t* point;
  json_array_foreach(points, i, point) {
    json_t* v = json_array_get(point, 1);
    if (json_is_number(v)) {
      const double moved = clamp(json_number_value(v) + change_db, lo, hi);
      *clamped           = *clamped || moved != json_number_value(v) + change_db;
      json_array_set_new(point, 1, json_real(round(moved * 100.0) / 100.0));
    }
  }
  char* yaml = json_dumps(value, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(8));
  json_decref(value);
  if (!yaml) {
    return assist_fail(ctx, MIXDOWN_ERR_NO_MEM, "out of memory");
  }
  st = assist_set(ctx, address, yaml);
  free(yaml);
  return st;
}

// Writes every active track's change above the threshold and reports each.
static MixdownStatus
write_gains(Balance* b, json_t* list)
{
  AssistContext* ctx = b->ctx;
  for (uint32_t k = 0; k < b->n_tracks; ++k) {
    Track*  t    = &b->tracks[k];
    json_t* item = json_object();
    json_object_set_new(item, "track", json_string(t->name));
    json_array_append_new(list, item);
    if (!t->active) {
      json_object_set_new(item, "note", json_string("silent in the render: left as it is"));
      assist_say(ctx, "  %-12s silent in the render: left as it is", t->name);
      continue;
    }
    if (!(t->gain > 0.0)) {
      json_object_set_new(item, "note", json_string("not heard in the reference (fitted gain 0): left as it is"));
      assist_say(ctx, "  %-12s not heard in the reference (fitted gain 0): left as it is", t->name);
      continue;
    }
    if (t->targeted_mode && !t->targeted) {
      json_object_set_new(item, "relative_lu", assist_json_number(t->achieved_lu, 2));
      assist_say(ctx, "  %-12s kept (not named)  %+.1f LU to the mix", t->name, t->achieved_lu);
      continue;
    }
    const double change_db = 10.0 * log10(t->gain);
    json_object_set_new(item, "gain_change_db", assist_json_number(change_db, 2));
    if (isfinite(t->residual_db)) {
      json_object_set_new(item, "residual_db", assist_json_number(t->residual_db, 2));
    }
    if (t->targeted) {
      json_object_set_new(item, "target_lu", assist_json_number(t->target_lu, 2));
      json_object_set_new(item, "relative_lu", assist_json_number(t->achieved_lu, 2));
    }
    char extra[96] = "";
    if (t->targeted) {
      snprintf(extra, sizeof extra, "  %+.1f LU to the mix (target %+.1f)", t->achieved_lu, t->target_lu);
    } else if (isfinite(t->residual_db)) {
      snprintf(extra, sizeof extra, "  residual %.2f dB", t->residual_db);
    }
    if (fabs(change_db) <= balance_min_change_db) {
      json_object_set_new(item, "written", json_false());
      assist_say(ctx, "  %-12s %+6.2f dB (not written: within %.2f dB)%s", t->name, change_db, balance_min_change_db,
                 extra);
      continue;
    }
    double              now     = NAN;
    bool                clamped = false;
    const MixdownStatus st      = move_fader(ctx, t, change_db, &now, &clamped);
    if (st != MIXDOWN_SUCCESS) {
      return st;
    }
    json_object_set_new(item, "written", json_true());
    if (isfinite(now)) {
      json_object_set_new(item, "gain_db", assist_json_number(now, 2));
    } else {
      json_object_set_new(item, "note", json_string("an envelope fader: every point moved"));
    }
    if (clamped) {
      json_object_set_new(item, "clamped", json_true());
    }
    assist_say(ctx, "  %-12s %+6.2f dB%s%s", t->name, change_db, clamped ? " (clamped to the fader's range)" : "",
               extra);
  }
  return MIXDOWN_SUCCESS;
}

/* --- --ref ------------------------------------------------------------------ */

static void
say_sampling(Balance* b)
{
  const Measure* m = &b->m;
  if (m->period_frames) {
    const uint64_t n = m->length_frames / m->period_frames;
    assist_say(b->ctx, "heard %llu windows of %.1f s spread over the session: %.1f of its %.1f minutes (--sample)",
               (unsigned long long)n, (double)m->window_frames / m->rate,
               (double)(n * m->window_frames) / m->rate / 60.0, (double)m->length_frames / m->rate / 60.0);
  }
  assist_report_set(b->ctx, "heard_minutes",
                    assist_json_number((double)(m->period_frames ? m->length_frames / m->period_frames * m->window_frames
                                                                 : m->length_frames) / m->rate / 60.0, 2));
}

// --level keep: all gains times one factor so the model mix keeps its
// integrated loudness.
static MixdownStatus
keep_level(Balance* b, double* shift_db)
{
  double* before = malloc((b->n_frames + 1U) * sizeof *before);
  double* after  = malloc((b->n_frames + 1U) * sizeof *after);
  double* gains  = malloc(b->n_tracks * sizeof *gains);
  if (!before || !after || !gains) {
    free(before);
    free(after);
    free(gains);
    return MIXDOWN_ERR_NO_MEM;
  }
  for (uint32_t k = 0; k < b->n_tracks; ++k) {
    gains[k] = b->tracks[k].gain;
  }
  mix_power(b, NULL, before);
  mix_power(b, gains, after);
  const double l_before = gated_loudness(before, b->n_frames, b->hop_s);
  const double l_after  = gated_loudness(after, b->n_frames, b->hop_s);
  *shift_db             = isfinite(l_before) && isfinite(l_after) ? l_before - l_after : 0.0;
  for (uint32_t k = 0; k < b->n_tracks; ++k) {
    b->tracks[k].gain *= pow(10.0, *shift_db / 10.0);
  }
  free(before);
  free(after);
  free(gains);
  return MIXDOWN_SUCCESS;
}

static MixdownStatus
fit_reference(Balance* b, const char* path)
{
  AssistContext* ctx     = b->ctx;
  MixdownSession* ref    = NULL;
  MixdownStatus   st     = open_reference(ctx, path, b->m.rate, 0.0, &ref);
  if (st != MIXDOWN_SUCCESS) {
    return st;
  }
  // alignment: the reference's onsets against the mix's
  const double max_offset_s = assist_number(ctx, "align");
  Alignment    al           = {0};
  if (max_offset_s > 0.0) {
    // the reference's onsets as far as the mix's are taken, and the offsets searched
    const MdClip*   clip   = ref->nodes[0].n_clips ? &ref->nodes[0].clips[0] : NULL;
    const double    head_s = balance_onset_limit_s + max_offset_s;
    MixdownSession* head   = NULL;
    if (clip && clip->rate && (double)clip->frames / clip->rate > head_s) {
      st = open_reference(ctx, path, b->m.rate, head_s, &head);
    }
    if (st == MIXDOWN_SUCCESS) {
      st = assist_render(ctx, head ? head : ref, false, "reference onsets", onset_begin, onset_block, &b->m);
    }
    mixdown_session_free(head);
    if (st == MIXDOWN_SUCCESS) {
      st = align(b, max_offset_s, &al);
    }
  }
  RefFeed feed = {.m = &b->m, .skip_frames = al.aligned ? (int64_t)llround(al.offset_s * b->m.rate) : 0};
  if (st == MIXDOWN_SUCCESS) {
    st = assist_render(ctx, ref, false, "reference", ref_begin, ref_block, &feed);
  }
  mixdown_session_free(ref);
  if (st != MIXDOWN_SUCCESS) {
    return st;
  }
  const size_t n_ref = pair_frames(&b->m.ref);
  Rows         r     = {0};
  r.col_track        = calloc(b->n_tracks, sizeof *r.col_track);
  if (!r.col_track) {
    return MIXDOWN_ERR_NO_MEM;
  }
  for (uint32_t k = 0; k < b->n_tracks; ++k) {
    if (b->tracks[k].active) {
      r.col_track[r.n_cols++] = k;
    }
  }
  if (r.n_cols == 0U || n_ref == 0U) {
    rows_free(&r);
    return assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "%s", r.n_cols ? "--ref: the reference is silent or too short"
                                                                : "every track is silent: nothing to fit");
  }
  st = al.aligned ? rows_aligned(b, n_ref, &r) : MIXDOWN_ERR_BAD_ARG;
  if (st == MIXDOWN_ERR_BAD_ARG) {
    al.aligned = false;
    st         = rows_long_term(b, n_ref, &r);
  }
  double* x    = calloc(r.n_cols + 1U, sizeof *x);
  double* ones = calloc(r.n_cols + 1U, sizeof *ones);
  if (st != MIXDOWN_SUCCESS || !x || !ones) {
    free(x);
    free(ones);
    rows_free(&r);
    return MIXDOWN_ERR_NO_MEM;
  }
  for (size_t c = 0; c < r.n_cols; ++c) {
    ones[c] = 1.0;
  }
  st                         = rows_fit(&r, x);
  const double residual_was  = rows_residual_db(&r, ones);
  const double residual      = rows_residual_db(&r, x);
  for (size_t c = 0; c < r.n_cols && st == MIXDOWN_SUCCESS; ++c) {
    b->tracks[r.col_track[c]].gain = x[c];
  }
  track_residuals(b, &r, x);
  const size_t n_rows = r.n_rows;
  rows_free(&r);
  free(x);
  free(ones);
  if (st != MIXDOWN_SUCCESS) {
    return st;
  }
  double shift_db = 0.0;
  const bool keep = assist_number(ctx, "level") == 1.0;
  if (keep && (st = keep_level(b, &shift_db)) != MIXDOWN_SUCCESS) {
    return st;
  }
  // the report
  const double offset_s = al.offset_s;
  assist_say(ctx, "balance: %u track%s fitted to %s on %u third-octave bands", (unsigned)b->n_tracks,
             b->n_tracks == 1U ? "" : "s", path, b->m.n_fit);
  say_sampling(b);
  if (al.aligned) {
    assist_say(ctx, "aligned: the reference is %.2f s %s than the mix (onset correlation %.2f); %zu rows of %.2f s",
               fabs(offset_s), offset_s >= 0.0 ? "later" : "earlier", al.correlation, n_rows / b->m.n_fit,
               fmax(1.0, round(balance_segment_s / b->hop_s)) * b->hop_s);
  } else if (max_offset_s > 0.0) {
    assist_say(ctx, "not aligned (best onset correlation %.2f < %.2f within ±%.0f s): fitted on long-term spectra",
               al.correlation, balance_min_correlation, max_offset_s);
  } else {
    assist_say(ctx, "--align 0: fitted on long-term spectra");
  }
  assist_say(ctx, "residual: %.2f dB RMS over bands and times (%.2f dB before)", residual, residual_was);
  if (keep) {
    assist_say(ctx, "--level keep: every fader moved %+.2f dB more so the mix keeps its loudness", shift_db);
  }
  json_t* alignment = json_object();
  json_object_set_new(alignment, "method", json_string(al.aligned ? "aligned" : "long-term spectra"));
  json_object_set_new(alignment, "offset_s", al.aligned ? assist_json_number(offset_s, 3) : json_null());
  json_object_set_new(alignment, "correlation", assist_json_number(al.correlation, 3));
  assist_report_set(ctx, "mode", json_string("ref"));
  assist_report_set(ctx, "reference", json_string(path));
  assist_report_set(ctx, "alignment", alignment);
  assist_report_set(ctx, "residual_db", assist_json_number(residual, 3));
  assist_report_set(ctx, "residual_before_db", assist_json_number(residual_was, 3));
  assist_report_set(ctx, "level_shift_db", assist_json_number(shift_db, 3));
  return MIXDOWN_SUCCESS;
}

/* --- --targets -------------------------------------------------------------- */

static MixdownStatus
read_targets(Balance* b, const char* text)
{
  AssistContext* ctx     = b->ctx;
  char**         items   = NULL;
  const size_t   n_items = assist_split_list(text, &items);
  MixdownStatus  st      = n_items ? MIXDOWN_SUCCESS
                                   : assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--targets %s: no TRACK=LU in it", text);
  for (size_t i = 0; i < n_items && st == MIXDOWN_SUCCESS; ++i) {
    char* eq = strrchr(items[i], '=');
    if (!eq || eq == items[i]) {
      st = assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--targets %s: each item is TRACK=LU (vocal=-3)", items[i]);
      break;
    }
    *eq        = '\0';
    char*  end = NULL;
    double lu  = strtod(eq + 1, &end);
    while (end && *end == ' ') {
      ++end;
    }
    if (end == eq + 1 || (*end && strcmp(end, "LU") != 0 && strcmp(end, "dB") != 0) || !(lu >= -60.0 && lu <= 0.0)) {
      st = assist_fail(ctx, MIXDOWN_ERR_BAD_ARG,
                       "--targets %s=%s: the loudness relative to the mix is a number from -60 to 0 LU", items[i],
                       eq + 1);
      break;
    }
    AssistStrip strip;
    if (!assist_find_strip(ctx, "targets", items[i], &strip)) {
      st = MIXDOWN_ERR_BAD_ARG;
      break;
    }
    const uint32_t k    = strip.stem;
    const bool     bus  = strip.kind != ASSIST_TRACK;
    assist_strip_free(&strip);
    if (bus || k >= b->n_tracks) {
      st = assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--targets %s: a bus; targets are tracks", items[i]);
    } else if (b->tracks[k].targeted) {
      st = assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--targets %s: given twice", items[i]);
    } else {
      b->tracks[k].targeted  = true;
      b->tracks[k].target_lu = lu;
    }
  }
  assist_free_list(items, n_items);
  return st;
}

// The fixed point: each named track's gain moved by its error in LU until
// every one sits at its target (the unnamed tracks hold the level), or,
// when every heard track is named, until they sit at their targets'
// distances from each other with the mix at its old loudness.
static MixdownStatus
fit_targets(Balance* b)
{
  AssistContext* ctx    = b->ctx;
  double*        mix    = malloc((b->n_frames + 1U) * sizeof *mix);
  double*        gains  = malloc(b->n_tracks * sizeof *gains);
  double*        own_lu = malloc(b->n_tracks * sizeof *own_lu);
  if (!mix || !gains || !own_lu) {
    free(mix);
    free(gains);
    free(own_lu);
    return MIXDOWN_ERR_NO_MEM;
  }
  bool   others = false; // a heard track that is not named
  double sum    = 0.0;   // Σ 10^(target/10): the share of the mix the targets ask for
  for (uint32_t k = 0; k < b->n_tracks; ++k) {
    const Track* t = &b->tracks[k];
    gains[k]       = 1.0;
    own_lu[k]      = t->active ? gated_loudness(t->power, b->n_frames, b->hop_s) : -HUGE_VAL;
    others         = others || (t->active && !t->targeted);
    sum += t->targeted ? pow(10.0, t->target_lu / 10.0) : 0.0;
  }
  MixdownStatus st = MIXDOWN_SUCCESS;
  for (uint32_t k = 0; k < b->n_tracks && st == MIXDOWN_SUCCESS; ++k) {
    if (b->tracks[k].targeted && !isfinite(own_lu[k])) {
      st = assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--targets %s: the track is silent in the render", b->tracks[k].name);
    }
  }
  if (st == MIXDOWN_SUCCESS && others && sum >= 0.98) {
    st = assist_fail(ctx, MIXDOWN_ERR_BAD_ARG,
                     "--targets: the named tracks would be %.1f LU above the mix together (their powers add up to "
                     "%.0f %% of it); the other tracks leave no room",
                     10.0 * log10(sum), 100.0 * sum);
  }
  if (st != MIXDOWN_SUCCESS) {
    free(mix);
    free(gains);
    free(own_lu);
    return st;
  }
  mix_power(b, NULL, mix);
  const double mix_was = gated_loudness(mix, b->n_frames, b->hop_s);
  double       worst   = HUGE_VAL;
  for (int round = 0; round < BALANCE_TARGET_ROUNDS && worst > 0.005; ++round) {
    mix_power(b, gains, mix);
    const double mix_lu = gated_loudness(mix, b->n_frames, b->hop_s);
    worst               = 0.0;
    for (uint32_t k = 0; k < b->n_tracks; ++k) {
      if (b->tracks[k].targeted) {
        const double rel = 10.0 * log10(gains[k]) + own_lu[k] - mix_lu;
        const double err = b->tracks[k].target_lu - rel;
        worst            = fmax(worst, fabs(err));
        gains[k] *= pow(10.0, err / 10.0);
      }
    }
    if (!others) { // every track named: the scale is free, keep the mix's loudness
      mix_power(b, gains, mix);
      const double shift = mix_was - gated_loudness(mix, b->n_frames, b->hop_s);
      for (uint32_t k = 0; k < b->n_tracks; ++k) {
        gains[k] *= pow(10.0, shift / 10.0);
      }
    }
  }
  mix_power(b, gains, mix);
  const double mix_lu = gated_loudness(mix, b->n_frames, b->hop_s);
  for (uint32_t k = 0; k < b->n_tracks; ++k) {
    Track* t       = &b->tracks[k];
    t->gain          = t->targeted ? gains[k] : 1.0;
    t->targeted_mode = true;
    t->residual_db = NAN;
    t->achieved_lu = t->active ? 10.0 * log10(gains[k]) + own_lu[k] - mix_lu : NAN;
  }
  assist_say(ctx, "balance: %u track%s to loudness targets relative to the mix (BS.1770 gating, stems added as "
                  "uncorrelated)", (unsigned)b->n_tracks, b->n_tracks == 1U ? "" : "s");
  if (!others && fabs(10.0 * log10(sum)) > 0.1) {
    assist_say(ctx, "every track is named and the targets add up to %.1f LU, not 0: they are kept apart as asked, "
                    "the mix at its loudness (%.1f LUFS)",
               10.0 * log10(sum), mix_was);
  }
  say_sampling(b);
  assist_say(ctx, "mix: %.1f LUFS before, %.1f after (model)", mix_was, mix_lu);
  assist_report_set(ctx, "mode", json_string("targets"));
  assist_report_set(ctx, "mix_lufs_before", assist_json_number(mix_was, 2));
  assist_report_set(ctx, "mix_lufs", assist_json_number(mix_lu, 2));
  free(mix);
  free(gains);
  free(own_lu);
  return MIXDOWN_SUCCESS;
}

/* --- the assistant ---------------------------------------------------------- */

// A track whose stem is not what reaches the master (a bus on the way, or
// sends) is fitted all the same; the report says so.
static void
note_routing(Balance* b)
{
  const MixdownSession* s = mixdown_editor_session(b->ctx->editor);
  for (uint32_t k = 0; k < b->n_tracks; ++k) {
    const MdNode* n = &s->nodes[k];
    const bool via_bus = n->output != MD_NO_NODE && n->output < s->n_nodes && s->nodes[n->output].kind == MD_NODE_BUS;
    if (b->tracks[k].active && (via_bus || n->n_sends)) {
      assist_say(b->ctx, "note: %s %s: the fit takes its stem as it reaches the master", n->name,
                 via_bus ? "goes through a bus" : "has sends");
    }
  }
}

static MixdownStatus
balance_run(AssistContext* ctx)
{
  const char* ref     = assist_text(ctx, "ref");
  const char* targets = assist_text(ctx, "targets");
  if (!ref == !targets) {
    return assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "%s",
                       ref ? "give --ref or --targets, not both"
                           : "needs --ref FILE (a reference mix) or --targets TRACK=LU[,TRACK=LU…] (vocal=-3,drums=-6)");
  }
  if (targets && assist_given(ctx, "level")) {
    return assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--level is for --ref (with --targets the unnamed tracks hold it)");
  }
  Balance b = {.ctx = ctx};
  MixdownStatus st = MIXDOWN_SUCCESS;
  if (ref) {
    FILE* probe = fopen(ref, "rb"); // before the long render: a missing file is a usage error
    if (!probe) {
      return assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--ref %s: cannot read it (%s)", ref, strerror(errno));
    }
    fclose(probe);
  }
  st = tracks_init(&b);
  if (st == MIXDOWN_SUCCESS && targets) {
    st = read_targets(&b, targets);
  }
  if (st == MIXDOWN_SUCCESS) {
    st = measure_session(&b);
  }
  if (st == MIXDOWN_SUCCESS) {
    st = ref ? fit_reference(&b, ref) : fit_targets(&b);
  }
  if (st == MIXDOWN_SUCCESS) {
    note_routing(&b);
    json_t* list = json_array();
    st           = list ? write_gains(&b, list) : MIXDOWN_ERR_NO_MEM;
    assist_report_set(ctx, "tracks", list);
  }
  if (st == MIXDOWN_ERR_NO_MEM && ctx->message && !ctx->message[0]) {
    assist_fail(ctx, st, "out of memory");
  }
  balance_free(&b);
  return st;
}

const AssistKind assist_balance = {
  "balance",
  "Track faders fitted to a reference mix (--ref) or to loudness targets relative to the mix (--targets)",
  balance_options,
  sizeof balance_options / sizeof balance_options[0],
  balance_run,
};
