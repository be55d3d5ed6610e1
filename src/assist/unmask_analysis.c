// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// mixdown assist unmask, the analysis: every analysed track's post-fader
// stem in critical bands frame by frame (sub-bands for the tonality), what
// each track lends each band as a masker (offset by tonality, spread over
// the Bark scale), and the counts of present and masked cells per pair and
// band.  See unmask.c for the model.

#include "unmask_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const double UNMASK_TONAL_SFM_DB = -20.0; ///< Flatness at which a band counts as a pure tone
static const double UNMASK_NOISE_SFM_DB = -3.0;  ///< … and as noise (four sub-bands of noise read about −2.5 dB)

static MixdownStatus wait_feeding(Unmask* u);

void
unmask_free(Unmask* u)
{
  wait_feeding(u); // a render that failed may leave a chunk being fed
  for (uint32_t k = 0; u->feeders && k < u->n_tracks; ++k) {
    assist_bands_free(u->feeders[k]);
  }
  free(u->feeders);
  free(u->chunk[0]);
  free(u->chunk[1]);
  free(u->track);
  free(u->energy);
  free(u->lend);
  free(u->present);
  free(u->masked_by);
  assist_strips_free(u->strips, u->n_strips);
}

const char*
unmask_track_name(const Unmask* u, uint32_t k)
{
  return u->strips[u->track[k]].name;
}

// Schroeder, Atal & Hall (1979): the spreading of masking over dz Bark
// (dz > 0: the masked band above the masker), in dB.
static double
schroeder_db(double dz)
{
  const double x = dz + 0.474;
  return 15.81 + 7.5 * x - 17.5 * sqrt(1.0 + x * x);
}

// The FFT size for frames of 50 … 100 ms (85 ms at 48 kHz, 93 ms at
// 44.1 kHz): long enough for the lowest critical band to hold several
// bins, short enough to follow notes.
static uint32_t
fft_size_for(uint32_t rate)
{
  uint32_t size = 256;
  while (size < 65536U && (double)size * 2.0 / rate <= 0.1) {
    size *= 2U;
  }
  return size;
}

// The sub-band edges: each critical band split into up to four runs of
// whole FFT bins, so that no sub-band is empty.
static uint32_t
sub_edges(Unmask* u, double* sub_hz)
{
  const double bin_hz = (double)u->rate / u->fft_size;
  uint32_t     n      = 0;
  for (uint32_t b = 0; b < u->n_bands; ++b) {
    // the bins bands.c gives this band: ceil(edge / bin_hz) …
    const uint32_t lo  = (uint32_t)ceil(u->edges_hz[b] / bin_hz);
    uint32_t       hi  = (uint32_t)ceil(u->edges_hz[b + 1] / bin_hz);
    hi                 = hi > u->fft_size / 2U + 1U ? u->fft_size / 2U + 1U : hi;
    const uint32_t bins = hi > lo ? hi - lo : 1U;
    const uint32_t subs = bins < UNMASK_SUBBANDS ? bins : UNMASK_SUBBANDS;
    u->sub_first[b]     = n;
    for (uint32_t s = 0; s < subs; ++s) {
      const uint32_t first = lo + (uint32_t)((uint64_t)s * bins / subs);
      sub_hz[n++]          = (first - 0.5) * bin_hz; // rounds up to `first`
    }
  }
  u->sub_first[u->n_bands] = n;
  sub_hz[n]                = u->edges_hz[u->n_bands];
  sub_hz[0]                = u->edges_hz[0];
  return n;
}

static void
setup_spread(Unmask* u)
{
  for (uint32_t b = 0; b < u->n_bands; ++b) {
    u->bark[b] = 0.5 * (assist_hz_to_bark(u->edges_hz[b]) + assist_hz_to_bark(u->edges_hz[b + 1]));
  }
  for (uint32_t j = 0; j < u->n_bands; ++j) {
    for (uint32_t z = 0; z < u->n_bands; ++z) {
      u->spread[j][z] = pow(10.0, schroeder_db(u->bark[z] - u->bark[j]) / 10.0);
    }
  }
}

// The analysis frames the feeders hold after `samples` samples: the first
// when a whole FFT frame is in, then one every hop (bands.c).
static uint64_t
frames_after(const Unmask* u, uint64_t samples)
{
  return samples >= u->fft_size ? (samples - u->fft_size) / (u->fft_size / 2U) + 1U : 0U;
}

// Room in energy, lend and present for `needed` frames per track, the
// `valid` frames reduced so far of each track moved to their new rows.
// Control thread, no feeding running.  The first room is the session's
// length, so this grows only if the render is longer than it said.
static MixdownStatus
grow_rows(Unmask* u, uint64_t needed, uint64_t valid)
{
  if (needed <= u->capacity_frames && u->energy) {
    return MIXDOWN_SUCCESS;
  }
  uint64_t cap = u->capacity_frames * 2U;
  cap          = cap < needed ? needed : cap;
  cap          = cap ? cap : 1U;
  const size_t cells   = (size_t)u->n_tracks * cap * u->n_bands;
  float*       energy  = malloc(cells * sizeof *energy);
  float*       lend    = malloc(cells * sizeof *lend);
  uint8_t*     present = malloc(cells * sizeof *present);
  if (!energy || !lend || !present) {
    free(energy);
    free(lend);
    free(present);
    return MIXDOWN_ERR_NO_MEM;
  }
  const size_t from = (size_t)u->capacity_frames * u->n_bands, to = (size_t)cap * u->n_bands;
  const size_t rows = (size_t)valid * u->n_bands;
  for (uint32_t k = 0; rows && k < u->n_tracks; ++k) {
    memcpy(energy + k * to, u->energy + k * from, rows * sizeof *energy);
    memcpy(lend + k * to, u->lend + k * from, rows * sizeof *lend);
    memcpy(present + k * to, u->present + k * from, rows * sizeof *present);
  }
  free(u->energy);
  free(u->lend);
  free(u->present);
  u->energy          = energy;
  u->lend            = lend;
  u->present         = present;
  u->capacity_frames = cap;
  return MIXDOWN_SUCCESS;
}

static MixdownStatus
on_begin(void* user_data, const AssistRenderInfo* info)
{
  Unmask* u = user_data;
  u->rate   = info->rate;
  u->fft_size = fft_size_for(info->rate);
  u->n_bands  = assist_bark_edges(info->rate, u->edges_hz, UNMASK_MAX_BANDS + 1U);
  if (u->n_bands == 0U) {
    return assist_fail(u->ctx, MIXDOWN_ERR_BAD_ARG, "a sample rate of %u Hz has no critical bands", info->rate);
  }
  double sub_hz[UNMASK_MAX_BANDS * UNMASK_SUBBANDS + 1];
  u->n_sub = sub_edges(u, sub_hz);
  setup_spread(u);
  u->floor_power = pow(10.0, assist_number(u->ctx, "floor") / 10.0);
  u->range_ratio = pow(10.0, -assist_number(u->ctx, "range") / 10.0);
  if (grow_rows(u, frames_after(u, info->length_frames), 0U) != MIXDOWN_SUCCESS) {
    return MIXDOWN_ERR_NO_MEM;
  }
  u->feeders = calloc(u->n_tracks, sizeof *u->feeders);
  u->chunk_size = UNMASK_CHUNK_SAMPLES / u->n_tracks;
  u->chunk_size = u->chunk_size > (1U << 20) ? 1U << 20 : u->chunk_size < 8192U ? 8192U : u->chunk_size;
  u->chunk[0]   = malloc((size_t)u->n_tracks * u->chunk_size * sizeof *u->chunk[0]);
  u->chunk[1]   = malloc((size_t)u->n_tracks * u->chunk_size * sizeof *u->chunk[1]);
  if (!u->feeders || !u->chunk[0] || !u->chunk[1]) {
    return MIXDOWN_ERR_NO_MEM;
  }
  for (uint32_t k = 0; k < u->n_tracks; ++k) {
    if (u->strips[u->track[k]].stem >= info->n_stems) {
      return assist_fail(u->ctx, MIXDOWN_ERR_BAD_ARG, "track %s has no stem", unmask_track_name(u, k));
    }
    u->feeders[k] = assist_bands_new(info->rate, u->fft_size, sub_hz, u->n_sub, false);
    if (!u->feeders[k]) {
      return MIXDOWN_ERR_NO_MEM;
    }
  }
  return MIXDOWN_SUCCESS;
}

/* --- the tracks shared out over threads ---------------------------------- */

/// One worker's share: tracks first, first + step, … of `u`.
typedef struct {
  Unmask*       u;
  uint32_t      first;
  uint32_t      step;
  void          (*work)(Unmask* u, uint32_t k, void* arg);
  void*         arg;
  MixdownStatus status;
} Share;

static void*
run_share(void* data)
{
  Share* s = data;
  for (uint32_t k = s->first; k < s->u->n_tracks; k += s->step) {
    s->work(s->u, k, s->arg);
  }
  return NULL;
}

// Calls work(u, k, arg) for every analysed track, the tracks shared out
// over u->workers threads (the caller's one of them).  The feeders and
// their FFTW plans are each used by one thread at a time.
static void
for_each_track(Unmask* u, void (*work)(Unmask* u, uint32_t k, void* arg), void* arg)
{
  enum { MAX_WORKERS = 64 };
  const uint32_t workers = u->workers < 1U ? 1U : u->workers > MAX_WORKERS ? MAX_WORKERS : u->workers;
  Share          shares[MAX_WORKERS];
  pthread_t      threads[MAX_WORKERS];
  bool           started[MAX_WORKERS] = {false};
  for (uint32_t w = 0; w < workers; ++w) {
    shares[w] = (Share){.u = u, .first = w, .step = workers, .work = work, .arg = arg};
  }
  for (uint32_t w = 1; w < workers; ++w) {
    started[w] = pthread_create(&threads[w], NULL, run_share, &shares[w]) == 0;
  }
  run_share(&shares[0]);
  for (uint32_t w = 1; w < workers; ++w) {
    if (started[w]) {
      pthread_join(threads[w], NULL);
    } else {
      run_share(&shares[w]); // no thread: do its share here
    }
  }
}

static void reduce_track(Unmask* u, uint32_t k, uint64_t first, uint64_t n);

// Feeds track k its part of the chunk and reduces the frames that made
// right away (they depend on nothing later), so the feeder holds a chunk's
// sub-bands, not the whole session's (four times its bands).
static void
feed_track(Unmask* u, uint32_t k, void* arg)
{
  Feeding* f = arg;
  if (assist_bands_feed(u->feeders[k], f->data + (size_t)k * u->chunk_size, NULL, f->frames) != MIXDOWN_SUCCESS) {
    // any worker may say so (they all say the same), so the store is atomic;
    // it is read after the workers are joined
    __atomic_store_n(&f->status, MIXDOWN_ERR_NO_MEM, __ATOMIC_RELAXED);
    return;
  }
  reduce_track(u, k, f->first_frame, assist_bands_frames(u->feeders[k]));
  assist_bands_clear(u->feeders[k]);
}

static void*
feed_all(void* arg)
{
  Feeding* f = arg;
  for_each_track(f->u, feed_track, f);
  return NULL;
}

static MixdownStatus
wait_feeding(Unmask* u)
{
  if (u->feeding.running) {
    pthread_join(u->feeding.thread, NULL);
    u->feeding.running = false;
  }
  return u->feeding.status;
}

// Hands the filled chunk to a thread that feeds it to every track's feeder
// while the render fills the other one (the last one is fed here and now).
static MixdownStatus
flush_chunk(Unmask* u, bool last)
{
  const MixdownStatus st = wait_feeding(u);
  if (st != MIXDOWN_SUCCESS || u->chunk_frames == 0U) {
    return st;
  }
  // room for the frames this chunk makes, before any worker writes them
  const uint64_t first = frames_after(u, u->fed_samples);
  if (grow_rows(u, frames_after(u, u->fed_samples + u->chunk_frames), first) != MIXDOWN_SUCCESS) {
    return MIXDOWN_ERR_NO_MEM;
  }
  u->fed_samples += u->chunk_frames;
  u->feeding      = (Feeding){.u = u, .data = u->chunk[u->filling], .frames = u->chunk_frames, .first_frame = first};
  u->filling      = 1U - u->filling;
  u->chunk_frames = 0;
  if (last || pthread_create(&u->feeding.thread, NULL, feed_all, &u->feeding) != 0) {
    feed_all(&u->feeding);
    return u->feeding.status;
  }
  u->feeding.running = true;
  return MIXDOWN_SUCCESS;
}

static MixdownStatus
on_block(void* user_data, uint64_t first_frame, const float* mix_left, const float* mix_right,
         const float* const* stems, uint32_t frames)
{
  (void)first_frame;
  (void)mix_left;
  (void)mix_right;
  Unmask* u = user_data;
  if (u->chunk_frames + frames > u->chunk_size) {
    const MixdownStatus st = flush_chunk(u, false);
    if (st != MIXDOWN_SUCCESS) {
      return st;
    }
  }
  for (uint32_t k = 0; k < u->n_tracks; ++k) {
    const uint32_t stem  = u->strips[u->track[k]].stem;
    const float*   left  = stems[2U * stem];
    const float*   right = stems[2U * stem + 1U];
    float*         mono  = u->chunk[u->filling] + (size_t)k * u->chunk_size + u->chunk_frames;
    for (uint32_t i = 0; i < frames; ++i) {
      mono[i] = 0.5F * (left[i] + right[i]);
    }
  }
  u->chunk_frames += frames;
  return MIXDOWN_SUCCESS;
}

// How tonal a band is, 0 (noise) … 1 (a pure tone), from the flatness of
// its sub-bands' powers (geometric over arithmetic mean, in dB).
static double
tonality(const float* sub, uint32_t n)
{
  if (n < 2U) {
    return 0.5; // one bin: no way to tell
  }
  double sum = 0.0, sum_log = 0.0;
  for (uint32_t s = 0; s < n; ++s) {
    const double p = (double)sub[s] + 1e-20;
    sum += p;
    sum_log += log(p);
  }
  const double flatness_db = 10.0 * (sum_log / n - log(sum / n)) / log(10.0);
  const double alpha = (flatness_db - UNMASK_NOISE_SFM_DB) / (UNMASK_TONAL_SFM_DB - UNMASK_NOISE_SFM_DB);
  return alpha < 0.0 ? 0.0 : alpha > 1.0 ? 1.0 : alpha;
}

// Band energies, masking power lent and presence of track k, frame by
// frame, from the `n` frames its sub-band feeder holds, which are the
// session's frames first … first + n − 1.
static void
reduce_track(Unmask* u, uint32_t k, uint64_t first, uint64_t n)
{
  const double floor_power = u->floor_power, range_ratio = u->range_ratio;
  const size_t stride      = (size_t)u->capacity_frames * u->n_bands;
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t f      = first + i;
    const float*   sub    = assist_bands_frame(u->feeders[k], i);
    float*         energy = u->energy + k * stride + f * u->n_bands;
    float*         lend   = u->lend + k * stride + f * u->n_bands;
    uint8_t*       pres   = u->present + k * stride + f * u->n_bands;
    double       loudest = 0.0;
    for (uint32_t b = 0; b < u->n_bands; ++b) {
      double p = 0.0;
      for (uint32_t s = u->sub_first[b]; s < u->sub_first[b + 1U]; ++s) {
        p += sub[s];
      }
      energy[b] = (float)p;
      loudest   = p > loudest ? p : loudest;
      if (p == 0.0) { // silence lends nothing, whatever its tonality (0 × a finite offset)
        lend[b] = 0.0F;
        continue;
      }
      const double alpha     = tonality(sub + u->sub_first[b], u->sub_first[b + 1U] - u->sub_first[b]);
      const double offset_db = alpha * (14.5 + u->bark[b]) + (1.0 - alpha) * 5.5;
      lend[b]                = (float)(p * pow(10.0, -offset_db / 10.0));
    }
    // Present: above the floor, within the range of the loudest band, and
    // above what the track's own other bands mask there (a band that only
    // holds the skirts of its neighbours is not heard as itself).
    // Every band's sum runs over j in the same order as one band at a time
    // would (so the same bits), the bands side by side (vectorised).
    double self[UNMASK_MAX_BANDS] = {0.0};
    for (uint32_t j = 0; j < u->n_bands; ++j) {
      const double lent = lend[j];
      for (uint32_t b = 0; b < u->n_bands; ++b) {
        self[b] += j == b ? 0.0 : lent * u->spread[j][b];
      }
    }
    for (uint32_t b = 0; b < u->n_bands; ++b) {
      pres[b] = energy[b] >= floor_power && energy[b] >= loudest * range_ratio && energy[b] > self[b] &&
                energy[b] > 0.0F;
    }
  }
}

// The frames every track was reduced to, packed at n_frames a track (the
// layout unmask_row reads), and the feeders freed.
static MixdownStatus
reduce(Unmask* u)
{
  u->n_frames = frames_after(u, u->fed_samples);
  if (u->n_frames == 0U) {
    return assist_fail(u->ctx, MIXDOWN_ERR_BAD_ARG, "the session is shorter than one analysis frame (%.0f ms)",
                       1000.0 * u->fft_size / u->rate);
  }
  u->hop_s          = assist_bands_hop_s(u->feeders[0]);
  const size_t rows = (size_t)u->n_frames * u->n_bands, from = (size_t)u->capacity_frames * u->n_bands;
  for (uint32_t k = 1; k < u->n_tracks && rows != from; ++k) { // to lower addresses: in order
    memmove(u->energy + k * rows, u->energy + k * from, rows * sizeof *u->energy);
    memmove(u->lend + k * rows, u->lend + k * from, rows * sizeof *u->lend);
    memmove(u->present + k * rows, u->present + k * from, rows * sizeof *u->present);
  }
  u->capacity_frames = u->n_frames;
  u->masked_by       = malloc((size_t)u->n_tracks * rows * sizeof *u->masked_by);
  if (!u->masked_by) {
    return MIXDOWN_ERR_NO_MEM;
  }
  // The feeders' FFTW plans are destroyed here, on the calling thread: only
  // fftwf_execute may run on several threads at once, not the planner.
  for (uint32_t k = 0; k < u->n_tracks; ++k) {
    assist_bands_free(u->feeders[k]);
    u->feeders[k] = NULL;
  }
  return MIXDOWN_SUCCESS;
}

const float*
unmask_row(const Unmask* u, const float* data, uint32_t k, uint64_t f)
{
  return data + ((size_t)k * u->n_frames + f) * u->n_bands;
}

// What each track lends every band of frame f, spread: spread[k][z].
void
unmask_spread_frame(const Unmask* u, uint64_t f, double* spread)
{
  for (uint32_t k = 0; k < u->n_tracks; ++k) {
    const float* lend = unmask_row(u, u->lend, k, f);
    double*      out  = spread + (size_t)k * u->n_bands;
    for (uint32_t z = 0; z < u->n_bands; ++z) {
      out[z] = 0.0;
    }
    for (uint32_t j = 0; j < u->n_bands; ++j) {
      if (lend[j] <= 0.0F) {
        continue;
      }
      for (uint32_t z = 0; z < u->n_bands; ++z) {
        out[z] += lend[j] * u->spread[j][z];
      }
    }
  }
}

void
unmask_sum_lenders(const Unmask* u, const double* spread, Lenders* lenders)
{
  for (uint32_t z = 0; z < u->n_bands; ++z) {
    Lenders l = {.total = 0.0, .first_lent = -1.0, .second_lent = -1.0, .first = UINT32_MAX, .second = UINT32_MAX};
    for (uint32_t k = 0; k < u->n_tracks; ++k) {
      const double s = spread[(size_t)k * u->n_bands + z];
      l.total += s;
      if (s > l.first_lent) {
        l.second_lent = l.first_lent;
        l.second      = l.first;
        l.first_lent  = s;
        l.first       = k;
      } else if (s > l.second_lent) {
        l.second_lent = s;
        l.second      = k;
      }
    }
    lenders[z] = l;
  }
}

Cell
unmask_judge(const Unmask* u, const double* spread, const Lenders* lenders, uint32_t t, uint32_t z)
{
  const Lenders* l    = &lenders[z];
  const double   own  = spread[(size_t)t * u->n_bands + z];
  const double   rest = l->total - own;
  Cell           c    = {.threshold = rest > 0.0 ? rest : 0.0};
  c.dominant          = l->first != t ? l->first : l->second;
  c.lent              = l->first != t ? l->first_lent : l->second_lent;
  return c;
}

size_t
unmask_pair_index(const Unmask* u, uint32_t masker, uint32_t masked, uint32_t band)
{
  return ((size_t)masker * u->n_tracks + masked) * u->n_bands + band;
}

MixdownStatus
unmask_count(const Unmask* u, Counts* c)
{
  const size_t pairs = (size_t)u->n_tracks * u->n_tracks * u->n_bands;
  c->present         = calloc((size_t)u->n_tracks * u->n_bands, sizeof *c->present);
  c->masked          = calloc(pairs, sizeof *c->masked);
  c->depth_db        = calloc(pairs, sizeof *c->depth_db);
  double* spread     = malloc((size_t)u->n_tracks * u->n_bands * sizeof *spread);
  if (!c->present || !c->masked || !c->depth_db || !spread) {
    free(spread);
    return MIXDOWN_ERR_NO_MEM;
  }
  Lenders lenders[UNMASK_MAX_BANDS];
  for (uint64_t f = 0; f < u->n_frames; ++f) {
    unmask_spread_frame(u, f, spread);
    unmask_sum_lenders(u, spread, lenders);
    for (uint32_t t = 0; t < u->n_tracks; ++t) {
      const float*   energy = unmask_row(u, u->energy, t, f);
      const uint8_t* pres   = u->present + ((size_t)t * u->n_frames + f) * u->n_bands;
      uint8_t*       by     = u->masked_by + ((size_t)t * u->n_frames + f) * u->n_bands;
      for (uint32_t z = 0; z < u->n_bands; ++z) {
        by[z] = UNMASK_CLEAR;
        if (!pres[z]) {
          continue;
        }
        ++c->present[(size_t)t * u->n_bands + z];
        const Cell cell = unmask_judge(u, spread, lenders, t, z);
        if (cell.dominant != UINT32_MAX && energy[z] < cell.threshold) {
          const size_t i = unmask_pair_index(u, cell.dominant, t, z);
          ++c->masked[i];
          c->depth_db[i] += 10.0 * log10(cell.threshold / energy[z]);
          by[z] = (uint8_t)cell.dominant;
        }
      }
    }
  }
  free(spread);
  return MIXDOWN_SUCCESS;
}

void
unmask_counts_free(Counts* c)
{
  free(c->present);
  free(c->masked);
  free(c->depth_db);
}

static int
worse_first(const void* a, const void* b)
{
  const Pair* x = a;
  const Pair* y = b;
  if (x->percent != y->percent) {
    return x->percent < y->percent ? 1 : -1;
  }
  return x->depth_db < y->depth_db ? 1 : x->depth_db > y->depth_db ? -1 : 0;
}

// How badly masker m masks track t in band z: the share of t's present
// cells there that m masks, with an allowance of a few cells so that a
// band where t is present twice and masked once does not top the list.
double
unmask_band_score(const Unmask* u, const Counts* c, uint32_t m, uint32_t t, uint32_t z)
{
  return (double)c->masked[unmask_pair_index(u, m, t, z)] / ((double)c->present[(size_t)t * u->n_bands + z] + 5.0);
}

// Every ordered pair, worst first.
Pair*
unmask_rank_pairs(const Unmask* u, const Counts* c, size_t* n)
{
  *n       = (size_t)u->n_tracks * (u->n_tracks - 1U);
  Pair* p  = calloc(*n ? *n : 1U, sizeof *p);
  size_t i = 0;
  for (uint32_t m = 0; p && m < u->n_tracks; ++m) {
    for (uint32_t t = 0; t < u->n_tracks; ++t) {
      if (m == t) {
        continue;
      }
      Pair* q   = &p[i++];
      q->masker = m;
      q->masked = t;
      // the worst band: the largest share masked, then the deepest
      for (uint32_t z = 0; z < u->n_bands; ++z) {
        const size_t j = unmask_pair_index(u, m, t, z);
        const size_t w = unmask_pair_index(u, m, t, q->worst_band);
        q->cells += c->masked[j];
        q->depth_db += c->depth_db[j];
        q->present += c->present[(size_t)t * u->n_bands + z];
        const double sj = unmask_band_score(u, c, m, t, z), sw = unmask_band_score(u, c, m, t, q->worst_band);
        if (sj > sw || (sj == sw && c->depth_db[j] > c->depth_db[w])) {
          q->worst_band = z;
        }
      }
      q->percent = q->present ? 100.0 * (double)q->cells / (double)q->present : 0.0;
    }
  }
  if (p) {
    qsort(p, *n, sizeof *p, worse_first);
  }
  return p;
}

int
unmask_track_index(const Unmask* u, const char* name)
{
  for (uint32_t k = 0; k < u->n_tracks; ++k) {
    if (strcmp(unmask_track_name(u, k), name) == 0) {
      return (int)k;
    }
  }
  return -1;
}

MixdownStatus
unmask_analyse(Unmask* u)
{
  const long cores = sysconf(_SC_NPROCESSORS_ONLN);
  u->workers       = u->ctx->threads ? u->ctx->threads : cores > 0 ? (uint32_t)cores : 1U;
  u->workers       = u->workers > u->n_tracks ? u->n_tracks : u->workers;
  MixdownStatus st = assist_render(u->ctx, NULL, true, "unmask: analysing", on_begin, on_block, u);
  if (st == MIXDOWN_SUCCESS) {
    st = flush_chunk(u, true);
  }
  return st == MIXDOWN_SUCCESS ? reduce(u) : st;
}
