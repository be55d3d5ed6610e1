// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// What balance hears: every track's post-fader stem in K-weighted
// third-octave bands, left and right apart (BS.1770 adds channel powers),
// frames of 170 ms every 85 ms; the mix's and the reference's onsets in
// octave bands every 10 ms, cross-correlated for the offset; then the
// reference in bands, moved by that offset so its frames fall on the mix's.
// A long session is heard in windows spread over it (--sample), the
// reference in the same windows of the mix's time.

#include "balance.h"

#include "session/model.h"

#include <errno.h>
#include <fftw3.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double balance_frame_s         = 0.17;  ///< FFT frame: 8192 samples at 48 kHz (hop 85 ms)
static const double balance_onset_frame_s   = 0.02;  ///< The alignment's frames: 1024 samples at 48 kHz
static const double balance_onset_limit_s   = 300.0; ///< Alignment from the first five minutes
static const double balance_window_s        = 20.0;  ///< --sample's windows

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

void
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

// The session's tracks, by name and address, before anything is heard
// (so a wrong name is refused before the render).
MixdownStatus
balance_tracks_init(Balance* b)
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
MixdownStatus
balance_listen(Balance* b)
{
  AssistContext* ctx = b->ctx;
  measure_setup(&b->m, mixdown_session_sample_rate(mixdown_editor_session(ctx->editor)));
  b->m.sample_s    = 60.0 * assist_number(ctx, "sample");
  b->m.n_tracks    = b->n_tracks;
  MixdownStatus st = assist_render(ctx, NULL, true, "listening", stems_begin, stems_block, &b->m);
  if (st != MIXDOWN_SUCCESS) {
    return st;
  }
  b->n_frames = balance_pair_frames(&b->m.tracks[0]);
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
        p += balance_pair_energy(&b->m.tracks[k], i, band);
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

static size_t
next_pow2(size_t n)
{
  size_t p = 1;
  while (p < n) {
    p *= 2U;
  }
  return p;
}

// The index of lag `lag` in a circular correlation of `size` (|lag| < size).
static size_t
circular(long lag, size_t size)
{
  return lag >= 0 ? (size_t)lag % size : size - (size_t)(-lag) % size;
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
    // Only the lags the two envelopes can overlap at (|lag| < size holds
    // for them, so the circular index below stays inside the buffer).
    const long lowest  = -max_lag > -(long)(n_mix - 1U) ? -max_lag : -(long)(n_mix - 1U);
    const long highest = max_lag < (long)(n_ref - 1U) ? max_lag : (long)(n_ref - 1U);
    for (long lag = lowest; lag <= highest; ++lag) {
      const double c = norm > 0.0 ? a[circular(lag, size)] / norm : 0.0;
      if (c > out->correlation) {
        out->correlation = c;
        best             = lag;
      }
    }
    // the peak between frames: a parabola through it and its neighbours
    const double c0 = a[circular(best - 1, size)];
    const double c1 = a[circular(best, size)];
    const double c2 = a[circular(best + 1, size)];
    const double curve = c0 - 2.0 * c1 + c2;
    const double shift = curve < 0.0 ? fmax(-0.5, fmin(0.5, 0.5 * (c0 - c2) / curve)) : 0.0;
    out->offset_s      = ((double)best + shift) * hop_s;
    out->aligned = out->correlation >= BALANCE_MIN_CORRELATION;
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

/* --- the reference, heard ---------------------------------------------------- */

// The reference heard: its onsets first (from its head when it is long),
// the offset found, then its band powers with its start moved by it.
MixdownStatus
balance_hear_reference(Balance* b, const char* path, double max_offset_s, Alignment* al)
{
  AssistContext* ctx = b->ctx;
  memset(al, 0, sizeof *al);
  MixdownSession* ref    = NULL;
  MixdownStatus   st     = open_reference(ctx, path, b->m.rate, 0.0, &ref);
  if (st != MIXDOWN_SUCCESS) {
    return st;
  }
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
      st = align(b, max_offset_s, al);
    }
  }
  RefFeed feed = {.m = &b->m, .skip_frames = al->aligned ? (int64_t)llround(al->offset_s * b->m.rate) : 0};
  if (st == MIXDOWN_SUCCESS) {
    st = assist_render(ctx, ref, false, "reference", ref_begin, ref_block, &feed);
  }
  mixdown_session_free(ref);
  return st;
}

void
balance_say_sampling(Balance* b)
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
