// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// mixdown assist unmask: which track hides which, where and when.
//
// Every track's post-fader stem is cut into short frames (about 85 ms,
// half overlapping) and critical bands (Zwicker's Bark bands).  Each
// track, as a masker, lends each band a masking power: its energy there
// lowered by an offset that depends on how tonal the band is (a tone masks
// less than noise: 14.5 + z dB for a tone, 5.5 dB for noise, Johnston
// 1988; tonality from the spectral flatness of the band's four sub-bands)
// and spread over the other bands with Schroeder's spreading function
// (1979; −25 dB/Bark downwards, −10 dB/Bark upwards).  A track's masking
// threshold in a cell is the sum of what every other track lends it
// there; a cell is *present* when the track's own energy there is above
// --floor, within --range of its loudest band in that frame and above what
// its own other bands mask there (not just the skirt of a neighbour), and
// *masked* when it is present and below the threshold.  The masker that
// lends the most is the one that masks it.  The figure of a pair
// (masker → masked) is the share of the masked track's present cells
// that this masker masks.
//
// --fix writes one EQ bell on the masker, centred on the pair's worst
// bands, whose gain is an envelope: a cut while the masked track is
// present there (as deep as it needs to uncover it, at most --max-cut),
// 0 dB elsewhere.  It is the masker's last insert, an `eq` with one bell
// whose gain is an envelope: that is how a re-run finds it and replaces it
// (it is removed before the analysis, so the new cut is measured on the
// mix without the old one).
//
// Speed: the stems are gathered in chunks and fed to the FFTs in a thread
// beside the render (the tracks shared over --threads workers), so the
// analysis mostly hides behind the render; a frame is judged in
// tracks × bands.  Memory: every frame's sub-bands are kept until the
// render ends, then its bands (about 600 bytes per track and frame at the
// peak: an hour of one track at 48 kHz is about 50 MB).

#include "assist.h"
#include "bands.h"
#include "unmask_plot.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
  UNMASK_SUBBANDS  = 4,  ///< Sub-bands per critical band, for its flatness
  UNMASK_MAX_BANDS = 24, ///< Zwicker's bands
  UNMASK_TIMES     = 3,  ///< Worst time ranges reported per pair
  UNMASK_MAX_TRACKS = 255, ///< Tracks analysed at once (a masker's number fits a byte)
  UNMASK_CLEAR      = 255, ///< masked_by of a cell nobody masks
  UNMASK_CHUNK_SAMPLES = 1 << 22, ///< Stems are gathered (16 MB of them, all tracks), then fed in a thread
                                  ///< beside the render: few meetings of the threads, which cost most on a
                                  ///< loaded machine
};

static const double UNMASK_RAMP_S      = 0.03; ///< The cut's ramps, outside the time it holds
static const double UNMASK_MERGE_S     = 0.2;  ///< Gaps this short between two present runs are bridged
static const double UNMASK_MARGIN_DB   = 3.0;  ///< A cut aims this far below the threshold
static const double UNMASK_TONAL_SFM_DB = -20.0; ///< Flatness at which a band counts as a pure tone
static const double UNMASK_NOISE_SFM_DB = -3.0;  ///< … and as noise (four sub-bands of noise read about −2.5 dB)

static const MixdownParamInfo unmask_options[] = {
  {"tracks", "", "Tracks to analyse, comma-separated (default: every track)", MIXDOWN_PARAM_TEXT, 0.0, 0.0, 0.0,
   NULL},
  {"top", "", "Pairs listed in the text report, worst first", MIXDOWN_PARAM_NUMBER, 1.0, 100.0, 5.0, NULL},
  {"floor", "dB", "A band of a track is present above this level (dBFS, the band's mean square)",
   MIXDOWN_PARAM_NUMBER, -120.0, -20.0, -70.0, NULL},
  {"range", "dB", "… and within this much of the track's loudest band in the same frame", MIXDOWN_PARAM_NUMBER,
   10.0, 80.0, 40.0, NULL},
  {"plot", "", "Draw the pair × band matrix into this PNG file", MIXDOWN_PARAM_TEXT, 0.0, 0.0, 0.0, NULL},
  {"fix", "", "Write one dynamic EQ cut on the masker of the worst pair (or --masker/--masked)",
   MIXDOWN_PARAM_BOOL, 0.0, 1.0, 0.0, NULL},
  {"max-cut", "dB", "Deepest cut --fix writes", MIXDOWN_PARAM_NUMBER, 0.5, 24.0, 6.0, NULL},
  {"masker", "", "The pair to fix: the track to cut (default: the worst pair's, or the worst masker of --masked)",
   MIXDOWN_PARAM_NODE, 0.0, 0.0, 0.0, NULL},
  {"masked", "", "The pair to fix: the track to uncover (default: the worst pair's, or the worst masked by --masker)",
   MIXDOWN_PARAM_NODE, 0.0, 0.0, 0.0, NULL},
};

/* --- the analysis -------------------------------------------------------- */

typedef struct Unmask Unmask;

/// A chunk of stems being fed to the feeders while the render goes on.
typedef struct {
  Unmask*       u;
  const float*  data;
  uint32_t      frames;
  MixdownStatus status;
  pthread_t     thread;
  bool          running;
} Feeding;

struct Unmask {
  AssistContext* ctx;
  AssistStrip*   strips;   ///< The session's tracks and buses
  size_t         n_strips;
  uint32_t*      track;    ///< Analysed tracks: indices into strips
  uint32_t       n_tracks;
  uint32_t       rate;
  uint32_t       fft_size;
  uint32_t       n_bands;
  double         edges_hz[UNMASK_MAX_BANDS + 1];
  double         bark[UNMASK_MAX_BANDS];       ///< Each band's centre on the Bark scale
  uint32_t       sub_first[UNMASK_MAX_BANDS + 1]; ///< Band b: sub-bands sub_first[b] … sub_first[b + 1] − 1
  uint32_t       n_sub;
  double         spread[UNMASK_MAX_BANDS][UNMASK_MAX_BANDS]; ///< Power ratio from masker band j to band z
  AssistBands**  feeders;  ///< One per analysed track (sub-bands)
  float*         chunk[2]; ///< n_tracks × chunk_size each: one filled by the render, one being fed
  uint32_t       filling;  ///< The one the render fills
  uint32_t       chunk_size;
  uint32_t       chunk_frames;
  Feeding        feeding;  ///< The other one's feeding, in a thread of its own
  uint32_t       workers;  ///< Threads that feed and reduce (the tracks shared out)
  uint64_t       n_frames;
  double         hop_s;
  float*         energy;   ///< n_tracks × n_frames × n_bands: power (mean square)
  float*         lend;     ///< The same: masking power lent, offset applied, before spreading
  uint8_t*       present;  ///< The same: 1 when present
  uint8_t*       masked_by; ///< The same: the dominant masker of a masked cell, UNMASK_CLEAR otherwise
};

/// Counts over all frames.
typedef struct {
  uint64_t* present;   ///< n_tracks × n_bands: present cells
  uint64_t* masked;    ///< masker × masked × band: masked cells
  double*   depth_db;  ///< the same: Σ (threshold − energy) over them, dB
} Counts;

/// A pair, ranked.
typedef struct {
  uint32_t masker;
  uint32_t masked;
  uint64_t cells;      ///< Masked cells
  uint64_t present;    ///< The masked track's present cells
  double   percent;
  double   depth_db;   ///< Σ depth
  uint32_t worst_band;
} Pair;

static MixdownStatus wait_feeding(Unmask* u);

static void
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

static const char*
track_name(const Unmask* u, uint32_t k)
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

// The FFT size for about 85 ms frames (43 ms hops): long enough for the
// lowest critical band to hold several bins, short enough to follow notes.
static uint32_t
fft_size_for(uint32_t rate)
{
  uint32_t size = 256;
  while (size < 65536U && (double)size * 2.0 / rate <= 0.09) {
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
      return assist_fail(u->ctx, MIXDOWN_ERR_BAD_ARG, "track %s has no stem", track_name(u, k));
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

static void
feed_track(Unmask* u, uint32_t k, void* arg)
{
  Feeding* f = arg;
  if (assist_bands_feed(u->feeders[k], f->data + (size_t)k * u->chunk_size, NULL, f->frames) != MIXDOWN_SUCCESS) {
    f->status = MIXDOWN_ERR_NO_MEM; // any worker may say so: they all say the same
  }
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
  u->feeding      = (Feeding){.u = u, .data = u->chunk[u->filling], .frames = u->chunk_frames};
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
// frame, from its sub-band feeder (freed afterwards: an hour of sub-bands
// is four times the bands).
static void
reduce_track(Unmask* u, uint32_t k, double floor_power, double range_ratio)
{
  const size_t stride = (size_t)u->n_frames * u->n_bands;
  for (uint64_t f = 0; f < u->n_frames; ++f) {
    const float* sub    = assist_bands_frame(u->feeders[k], f);
    float*       energy = u->energy + k * stride + f * u->n_bands;
    float*       lend   = u->lend + k * stride + f * u->n_bands;
    uint8_t*     pres   = u->present + k * stride + f * u->n_bands;
    double       loudest = 0.0;
    for (uint32_t b = 0; b < u->n_bands; ++b) {
      double p = 0.0;
      for (uint32_t s = u->sub_first[b]; s < u->sub_first[b + 1U]; ++s) {
        p += sub[s];
      }
      energy[b] = (float)p;
      loudest   = p > loudest ? p : loudest;
      const double alpha     = tonality(sub + u->sub_first[b], u->sub_first[b + 1U] - u->sub_first[b]);
      const double offset_db = alpha * (14.5 + u->bark[b]) + (1.0 - alpha) * 5.5;
      lend[b]                = (float)(p * pow(10.0, -offset_db / 10.0));
    }
    // Present: above the floor, within the range of the loudest band, and
    // above what the track's own other bands mask there (a band that only
    // holds the skirts of its neighbours is not heard as itself).
    for (uint32_t b = 0; b < u->n_bands; ++b) {
      double self = 0.0;
      for (uint32_t j = 0; j < u->n_bands; ++j) {
        self += j == b ? 0.0 : lend[j] * u->spread[j][b];
      }
      pres[b] = energy[b] >= floor_power && energy[b] >= loudest * range_ratio && energy[b] > self &&
                energy[b] > 0.0F;
    }
  }
  assist_bands_free(u->feeders[k]);
  u->feeders[k] = NULL;
}

/// What makes a cell present (--floor, --range), as powers.
typedef struct {
  double floor_power;
  double range_ratio;
} Limits;

static void
reduce_one(Unmask* u, uint32_t k, void* arg)
{
  const Limits* limits = arg;
  reduce_track(u, k, limits->floor_power, limits->range_ratio);
}

static MixdownStatus
reduce(Unmask* u)
{
  u->n_frames = UINT64_MAX;
  for (uint32_t k = 0; k < u->n_tracks; ++k) {
    const uint64_t n = assist_bands_frames(u->feeders[k]);
    u->n_frames      = n < u->n_frames ? n : u->n_frames;
  }
  if (u->n_frames == 0U || u->n_frames == UINT64_MAX) {
    return assist_fail(u->ctx, MIXDOWN_ERR_BAD_ARG, "the session is shorter than one analysis frame (%.0f ms)",
                       1000.0 * u->fft_size / u->rate);
  }
  u->hop_s             = assist_bands_hop_s(u->feeders[0]);
  const size_t cells   = (size_t)u->n_tracks * u->n_frames * u->n_bands;
  u->energy            = malloc(cells * sizeof *u->energy);
  u->lend              = malloc(cells * sizeof *u->lend);
  u->present           = malloc(cells * sizeof *u->present);
  u->masked_by         = malloc(cells * sizeof *u->masked_by);
  if (!u->energy || !u->lend || !u->present || !u->masked_by) {
    return MIXDOWN_ERR_NO_MEM;
  }
  Limits limits = {.floor_power = pow(10.0, assist_number(u->ctx, "floor") / 10.0),
                   .range_ratio = pow(10.0, -assist_number(u->ctx, "range") / 10.0)};
  for_each_track(u, reduce_one, &limits);
  return MIXDOWN_SUCCESS;
}

static const float*
row_of(const Unmask* u, const float* data, uint32_t k, uint64_t f)
{
  return data + ((size_t)k * u->n_frames + f) * u->n_bands;
}

// What each track lends every band of frame f, spread: spread[k][z].
static void
spread_frame(const Unmask* u, uint64_t f, double* spread)
{
  for (uint32_t k = 0; k < u->n_tracks; ++k) {
    const float* lend = row_of(u, u->lend, k, f);
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

/// Who lends band z the most in one frame: the sum over every track, and
/// the two largest lenders (so each track's threshold is the sum less its
/// own, and its masker the largest lender that is not itself: a frame costs
/// tracks × bands, not tracks² × bands).
typedef struct {
  double   total;
  double   first_lent, second_lent;
  uint32_t first, second;
} Lenders;

static void
sum_lenders(const Unmask* u, const double* spread, Lenders* lenders)
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

/// One cell of track t judged against the others: the threshold, who lends
/// the most, and that one's share.
typedef struct {
  double   threshold;
  double   lent;      ///< By the dominant masker
  uint32_t dominant;
} Cell;

static Cell
judge(const Unmask* u, const double* spread, const Lenders* lenders, uint32_t t, uint32_t z)
{
  const Lenders* l    = &lenders[z];
  const double   own  = spread[(size_t)t * u->n_bands + z];
  const double   rest = l->total - own;
  Cell           c    = {.threshold = rest > 0.0 ? rest : 0.0};
  c.dominant          = l->first != t ? l->first : l->second;
  c.lent              = l->first != t ? l->first_lent : l->second_lent;
  return c;
}

static size_t
pair_index(const Unmask* u, uint32_t masker, uint32_t masked, uint32_t band)
{
  return ((size_t)masker * u->n_tracks + masked) * u->n_bands + band;
}

static MixdownStatus
count_all(const Unmask* u, Counts* c)
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
    spread_frame(u, f, spread);
    sum_lenders(u, spread, lenders);
    for (uint32_t t = 0; t < u->n_tracks; ++t) {
      const float*   energy = row_of(u, u->energy, t, f);
      const uint8_t* pres   = u->present + ((size_t)t * u->n_frames + f) * u->n_bands;
      uint8_t*       by     = u->masked_by + ((size_t)t * u->n_frames + f) * u->n_bands;
      for (uint32_t z = 0; z < u->n_bands; ++z) {
        by[z] = UNMASK_CLEAR;
        if (!pres[z]) {
          continue;
        }
        ++c->present[(size_t)t * u->n_bands + z];
        const Cell cell = judge(u, spread, lenders, t, z);
        if (cell.dominant != UINT32_MAX && energy[z] < cell.threshold) {
          const size_t i = pair_index(u, cell.dominant, t, z);
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

static void
counts_free(Counts* c)
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
static double
band_score(const Unmask* u, const Counts* c, uint32_t m, uint32_t t, uint32_t z)
{
  return (double)c->masked[pair_index(u, m, t, z)] / ((double)c->present[(size_t)t * u->n_bands + z] + 5.0);
}

// Every ordered pair, worst first.
static Pair*
rank_pairs(const Unmask* u, const Counts* c, size_t* n)
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
        const size_t j = pair_index(u, m, t, z);
        const size_t w = pair_index(u, m, t, q->worst_band);
        q->cells += c->masked[j];
        q->depth_db += c->depth_db[j];
        q->present += c->present[(size_t)t * u->n_bands + z];
        const double sj = band_score(u, c, m, t, z), sw = band_score(u, c, m, t, q->worst_band);
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

/* --- when: runs of frames ------------------------------------------------ */

/// A run of frames, first … last.
typedef struct {
  uint64_t first;
  uint64_t last;
  uint64_t hits; ///< Frames in it that count
  double   cut_db;
} Run;

// Runs of frames where `hit` is set, bridged over gaps up to UNMASK_MERGE_S.
static size_t
find_runs(const Unmask* u, const uint8_t* hit, Run** runs)
{
  const uint64_t bridge = (uint64_t)(UNMASK_MERGE_S / u->hop_s) + 1U;
  size_t         n = 0, cap = 0;
  *runs             = NULL;
  for (uint64_t f = 0; f < u->n_frames; ++f) {
    if (!hit[f]) {
      continue;
    }
    if (n && f - (*runs)[n - 1U].last <= bridge) {
      (*runs)[n - 1U].last = f;
      ++(*runs)[n - 1U].hits;
      continue;
    }
    if (n == cap) {
      cap       = cap ? 2U * cap : 64U;
      Run* more = realloc(*runs, cap * sizeof *more);
      if (!more) {
        return n;
      }
      *runs = more;
    }
    (*runs)[n++] = (Run){.first = f, .last = f, .hits = 1U, .cut_db = 0.0};
  }
  return n;
}

static double
run_start_s(const Unmask* u, const Run* r)
{
  const double t = ((double)r->first + 1.0) * u->hop_s - 0.5 * u->hop_s; // the frame's centre, less half a hop
  return t < 0.0 ? 0.0 : t;
}

static double
run_end_s(const Unmask* u, const Run* r)
{
  return ((double)r->last + 1.0) * u->hop_s + 0.5 * u->hop_s;
}

// Frames where pair (m → t) masks anything in bands lo … hi.
static uint8_t*
masked_frames(const Unmask* u, uint32_t m, uint32_t t, uint32_t lo, uint32_t hi)
{
  uint8_t* hit = calloc(u->n_frames ? u->n_frames : 1U, 1);
  for (uint64_t f = 0; hit && f < u->n_frames; ++f) {
    const uint8_t* by = u->masked_by + ((size_t)t * u->n_frames + f) * u->n_bands;
    for (uint32_t z = lo; z <= hi; ++z) {
      hit[f] |= by[z] == m;
    }
  }
  return hit;
}

static int
more_hits_first(const void* a, const void* b)
{
  const Run* x = a;
  const Run* y = b;
  return x->hits < y->hits ? 1 : x->hits > y->hits ? -1 : 0;
}

// The pair's worst time ranges (most masked frames in its worst band), as
// JSON [[start, end], …] and text.
static json_t*
worst_times(const Unmask* u, const Pair* p, char* text, size_t size)
{
  json_t*  list = json_array();
  uint8_t* hit  = masked_frames(u, p->masker, p->masked, p->worst_band, p->worst_band);
  Run*     runs = NULL;
  size_t   n    = hit ? find_runs(u, hit, &runs) : 0U;
  text[0]       = '\0';
  if (runs) {
    qsort(runs, n, sizeof *runs, more_hits_first);
  }
  size_t used = 0;
  for (size_t i = 0; i < n && i < UNMASK_TIMES; ++i) {
    const double a = run_start_s(u, &runs[i]), b = run_end_s(u, &runs[i]);
    json_t*      pair = json_array();
    json_array_append_new(pair, assist_json_number(a, 2));
    json_array_append_new(pair, assist_json_number(b, 2));
    json_array_append_new(list, pair);
    if (used < size) {
      used += (size_t)snprintf(text + used, size - used, "%s%.1f–%.1f s", i ? ", " : "", a, b);
    }
  }
  free(runs);
  free(hit);
  return list;
}

/* --- the report ---------------------------------------------------------- */

static json_t*
band_json(const Unmask* u, uint32_t b)
{
  json_t* band = json_array();
  json_array_append_new(band, assist_json_number(u->edges_hz[b], 0));
  json_array_append_new(band, assist_json_number(u->edges_hz[b + 1U], 0));
  return band;
}

static double
band_percent(const Unmask* u, const Counts* c, const Pair* p, uint32_t z)
{
  const uint64_t present = c->present[(size_t)p->masked * u->n_bands + z];
  return present ? 100.0 * (double)c->masked[pair_index(u, p->masker, p->masked, z)] / (double)present : 0.0;
}

static json_t*
pair_json(const Unmask* u, const Counts* c, const Pair* p, json_t* times)
{
  json_t* bands = json_array();
  for (uint32_t z = 0; z < u->n_bands; ++z) {
    json_array_append_new(bands, assist_json_number(band_percent(u, c, p, z), 2));
  }
  json_t* o = json_object();
  json_object_set_new(o, "masker", json_string(track_name(u, p->masker)));
  json_object_set_new(o, "masked", json_string(track_name(u, p->masked)));
  json_object_set_new(o, "masked_percent", assist_json_number(p->percent, 3));
  json_object_set_new(o, "masked_cells", json_integer((json_int_t)p->cells));
  json_object_set_new(o, "present_cells", json_integer((json_int_t)p->present));
  json_object_set_new(o, "mean_depth_db", assist_json_number(p->cells ? p->depth_db / (double)p->cells : 0.0, 2));
  json_object_set_new(o, "worst_band_hz", p->cells ? band_json(u, p->worst_band) : json_null());
  json_object_set_new(o, "worst_times_s", times ? times : json_array());
  json_object_set_new(o, "band_percent", bands);
  return o;
}

static void
report(const Unmask* u, const Counts* c, const Pair* pairs, size_t n_pairs)
{
  AssistContext* ctx = u->ctx;
  assist_say(ctx, "unmask: %u tracks, %u critical bands (%.0f Hz … %.0f Hz), %llu frames of %.0f ms every %.0f ms",
             u->n_tracks, u->n_bands, u->edges_hz[0], u->edges_hz[u->n_bands], (unsigned long long)u->n_frames,
             1000.0 * u->fft_size / u->rate, 1000.0 * u->hop_s);
  json_t* names = json_array();
  for (uint32_t k = 0; k < u->n_tracks; ++k) {
    json_array_append_new(names, json_string(track_name(u, k)));
  }
  json_t* bands = json_array();
  for (uint32_t b = 0; b < u->n_bands; ++b) {
    json_array_append_new(bands, band_json(u, b));
  }
  assist_report_set(ctx, "tracks", names);
  assist_report_set(ctx, "bands_hz", bands);
  assist_report_set(ctx, "frames", json_integer((json_int_t)u->n_frames));
  assist_report_set(ctx, "hop_s", assist_json_number(u->hop_s, 4));
  const size_t top = (size_t)assist_number(ctx, "top");
  json_t*      list = json_array();
  bool         any  = false;
  for (size_t i = 0; i < n_pairs; ++i) {
    const Pair* p = &pairs[i];
    char        when[256] = "";
    // worst times for the pairs people read (each costs a pass over the frames)
    json_t* times = p->cells && i < (top > 40U ? top : 40U) ? worst_times(u, p, when, sizeof when) : NULL;
    json_array_append_new(list, pair_json(u, c, p, times));
    if (i < top && p->cells) {
      if (!any) {
        assist_say(ctx, "worst pairs (masker → masked: the share of the masked track's present cells it masks):");
      }
      any = true;
      assist_say(ctx, "  %s → %s: %.1f %% (%llu of %llu cells, %.1f dB under on average); worst in %.0f–%.0f Hz "
                 "(%.0f %%), at %s",
                 track_name(u, p->masker), track_name(u, p->masked), p->percent, (unsigned long long)p->cells,
                 (unsigned long long)p->present, p->depth_db / (double)p->cells, u->edges_hz[p->worst_band],
                 u->edges_hz[p->worst_band + 1U], band_percent(u, c, p, p->worst_band), when);
    }
  }
  if (!any) {
    assist_say(ctx, "nothing masked: no track's present cells fall under the others' threshold");
  }
  assist_report_set(ctx, "pairs", list);
}

/* --- the plot ------------------------------------------------------------ */

static MixdownStatus
draw(const Unmask* u, const Counts* c, const Pair* pairs, size_t n_pairs)
{
  const char* path = assist_text(u->ctx, "plot");
  if (!path) {
    return MIXDOWN_SUCCESS;
  }
  size_t rows = 0;
  while (rows < n_pairs && rows < 40U && pairs[rows].cells) {
    ++rows;
  }
  char**  labels  = calloc(rows ? rows : 1U, sizeof *labels);
  double* percent = calloc((rows ? rows : 1U) * u->n_bands, sizeof *percent);
  MixdownStatus st = labels && percent ? MIXDOWN_SUCCESS : MIXDOWN_ERR_NO_MEM;
  for (size_t r = 0; st == MIXDOWN_SUCCESS && r < rows; ++r) {
    const char* a = track_name(u, pairs[r].masker);
    const char* b = track_name(u, pairs[r].masked);
    labels[r]     = malloc(strlen(a) + strlen(b) + 8U);
    if (!labels[r]) {
      st = MIXDOWN_ERR_NO_MEM;
      break;
    }
    sprintf(labels[r], "%s → %s", a, b);
    for (uint32_t z = 0; z < u->n_bands; ++z) {
      percent[r * u->n_bands + z] = band_percent(u, c, &pairs[r], z);
    }
  }
  if (st == MIXDOWN_SUCCESS) {
    const UnmaskPlot plot = {.n_rows = (uint32_t)rows, .row_labels = (const char* const*)labels,
                             .n_bands = u->n_bands, .edges_hz = u->edges_hz, .percent = percent,
                             .title = "mixdown assist unmask: masker → masked, by critical band"};
    char message[512] = "";
    st                = unmask_plot_write(&plot, path, message, sizeof message);
    if (st != MIXDOWN_SUCCESS) {
      assist_fail(u->ctx, st, "%s", message);
    } else {
      assist_say(u->ctx, "plot: %s (%zu pairs × %u bands)", path, rows, u->n_bands);
      assist_report_set(u->ctx, "plot", json_string(path));
    }
  }
  for (size_t r = 0; labels && r < rows; ++r) {
    free(labels[r]);
  }
  free(labels);
  free(percent);
  return st;
}

/* --- the fix ------------------------------------------------------------- */

// Is insert `item` (JSON) one unmask wrote: an eq of one bell whose gain is
// an envelope?
static bool
is_own_cut(json_t* item)
{
  json_t* bands = json_object_get(item, "bands");
  if (!json_is_array(bands) || json_array_size(bands) != 1U) {
    return false;
  }
  json_t*     band = json_array_get(bands, 0);
  const char* type = json_string_value(json_object_get(band, "type"));
  return type && strcmp(type, "bell") == 0 && json_is_object(json_object_get(band, "gain_db"));
}

// Removes an earlier run's cut from every analysed track, so that the mix
// is measured without it (the new cut replaces it).
static MixdownStatus
remove_earlier_cuts(Unmask* u)
{
  for (uint32_t k = 0; k < u->n_tracks; ++k) {
    const char*    address = u->strips[u->track[k]].address;
    const uint32_t own     = assist_own_insert(u->ctx, address, "eq", NULL);
    if (!own) {
      continue;
    }
    json_t*    list = assist_inserts(u->ctx, address);
    const bool ours = list && is_own_cut(json_array_get(list, own - 1U));
    json_decref(list);
    if (!ours) {
      continue;
    }
    char* inserts = malloc(strlen(address) + sizeof "/inserts");
    if (!inserts) {
      return MIXDOWN_ERR_NO_MEM;
    }
    sprintf(inserts, "%s/inserts", address);
    assist_say(u->ctx, "an earlier cut on %s is replaced (the mix is measured without it):", track_name(u, k));
    const MixdownStatus st = assist_remove(u->ctx, inserts, own);
    free(inserts);
    if (st != MIXDOWN_SUCCESS) {
      return st;
    }
  }
  return MIXDOWN_SUCCESS;
}

static int
analysed_index(const Unmask* u, const char* name)
{
  for (uint32_t k = 0; k < u->n_tracks; ++k) {
    if (strcmp(track_name(u, k), name) == 0) {
      return (int)k;
    }
  }
  return -1;
}

// The pair to fix: --masker/--masked, else the worst.
static const Pair*
pair_to_fix(const Unmask* u, const Pair* pairs, size_t n_pairs)
{
  const char* masker = assist_text(u->ctx, "masker");
  const char* masked = assist_text(u->ctx, "masked");
  const int   m      = masker ? analysed_index(u, masker) : -1;
  const int   t      = masked ? analysed_index(u, masked) : -1;
  for (size_t i = 0; i < n_pairs; ++i) { // worst first: the first that fits
    if ((!masker || (int)pairs[i].masker == m) && (!masked || (int)pairs[i].masked == t)) {
      return &pairs[i];
    }
  }
  return NULL;
}

// The bands the cut spans: the pair's worst, and its neighbours (up to two
// each side) whose share masked is at least a third of the worst one's.
static void
cut_span(const Unmask* u, const Counts* c, const Pair* p, uint32_t* lo, uint32_t* hi)
{
  const double worst = band_score(u, c, p->masker, p->masked, p->worst_band);
  *lo = *hi = p->worst_band;
  while (*lo > 0U && p->worst_band - *lo < 2U && band_score(u, c, p->masker, p->masked, *lo - 1U) >= worst / 3.0) {
    --*lo;
  }
  while (*hi + 1U < u->n_bands && *hi - p->worst_band < 2U &&
         band_score(u, c, p->masker, p->masked, *hi + 1U) >= worst / 3.0) {
    ++*hi;
  }
}

// How deep a cut of the masker uncovers frame f's masked cells in bands
// lo … hi (0 when nothing there is masked by it; at most max_cut).
static double
cut_needed_db(const Unmask* u, const double* spread, const Lenders* lenders, const Pair* p, uint64_t f, uint32_t lo,
              uint32_t hi, double max_cut)
{
  const float*   energy = row_of(u, u->energy, p->masked, f);
  const uint8_t* pres   = u->present + ((size_t)p->masked * u->n_frames + f) * u->n_bands;
  double         need   = 0.0;
  for (uint32_t z = lo; z <= hi; ++z) {
    const Cell c = judge(u, spread, lenders, p->masked, z);
    if (!pres[z] || c.dominant != p->masker || energy[z] >= c.threshold) {
      continue;
    }
    // cutting the masker by x dB lowers only its own share of the threshold
    const double others = c.threshold - c.lent;
    const double room   = energy[z] - others;
    const double x = room > 0.0 ? 10.0 * log10(c.lent / room) + UNMASK_MARGIN_DB : max_cut;
    need           = x > need ? x : need;
  }
  return need < max_cut ? need : max_cut;
}

// The cut's envelope: 0 dB, down to each run's depth UNMASK_RAMP_S before
// it, held, back to 0 dB UNMASK_RAMP_S after it.
static char*
cut_envelope(const Unmask* u, const Run* runs, size_t n, size_t* n_cuts, double* deepest)
{
  AssistPoint* pts = malloc((4U * n + 1U) * sizeof *pts);
  if (!pts) {
    return NULL;
  }
  size_t k    = 0;
  pts[k++]    = (AssistPoint){0.0, 0.0};
  *n_cuts     = 0;
  *deepest    = 0.0;
  double last = 0.0;
  for (size_t i = 0; i < n; ++i) {
    if (runs[i].cut_db <= 0.05) {
      continue;
    }
    const double a = run_start_s(u, &runs[i]), b = run_end_s(u, &runs[i]);
    const double down = fmax(a - UNMASK_RAMP_S, last);
    if (down > last) {
      pts[k++] = (AssistPoint){down, 0.0};
    }
    pts[k++] = (AssistPoint){fmax(a, down), -runs[i].cut_db};
    pts[k++] = (AssistPoint){fmax(b, down), -runs[i].cut_db};
    pts[k++] = (AssistPoint){fmax(b, down) + UNMASK_RAMP_S, 0.0};
    last     = fmax(b, down) + UNMASK_RAMP_S;
    ++*n_cuts;
    *deepest = fmax(*deepest, runs[i].cut_db);
  }
  char* yaml = *n_cuts ? assist_envelope_yaml(pts, k, 3, 1) : NULL;
  free(pts);
  return yaml;
}

// Runs of frames where the masked track is present in the span, each with
// the depth its masked frames need.
static size_t
present_runs(const Unmask* u, const Pair* p, uint32_t lo, uint32_t hi, double max_cut, Run** runs)
{
  uint8_t* hit    = calloc(u->n_frames, 1);
  double*  need   = calloc(u->n_frames, sizeof *need);
  double*  spread = malloc((size_t)u->n_tracks * u->n_bands * sizeof *spread);
  size_t   n      = 0;
  *runs           = NULL;
  if (hit && need && spread) {
    for (uint64_t f = 0; f < u->n_frames; ++f) {
      const uint8_t* pres = u->present + ((size_t)p->masked * u->n_frames + f) * u->n_bands;
      const uint8_t* by   = u->masked_by + ((size_t)p->masked * u->n_frames + f) * u->n_bands;
      bool           hide = false;
      for (uint32_t z = lo; z <= hi; ++z) {
        hit[f] |= pres[z];
        hide = hide || by[z] == p->masker;
      }
      if (hide) { // the threshold again, for this frame only
        Lenders lenders[UNMASK_MAX_BANDS];
        spread_frame(u, f, spread);
        sum_lenders(u, spread, lenders);
        need[f] = cut_needed_db(u, spread, lenders, p, f, lo, hi, max_cut);
      }
    }
    n = find_runs(u, hit, runs);
    for (size_t i = 0; i < n; ++i) {
      for (uint64_t f = (*runs)[i].first; f <= (*runs)[i].last; ++f) {
        (*runs)[i].cut_db = fmax((*runs)[i].cut_db, need[f]);
      }
      (*runs)[i].cut_db = round((*runs)[i].cut_db * 10.0) / 10.0;
    }
  }
  free(hit);
  free(need);
  free(spread);
  return n;
}

static MixdownStatus
fix(Unmask* u, const Counts* c, const Pair* pairs, size_t n_pairs)
{
  AssistContext* ctx = u->ctx;
  const Pair*    p   = pair_to_fix(u, pairs, n_pairs);
  if (!p || !p->cells) {
    assist_say(ctx, "fix: nothing to cut (no masked cells for that pair): nothing written");
    assist_report_set(ctx, "fix", json_null());
    return MIXDOWN_SUCCESS;
  }
  uint32_t lo = 0, hi = 0;
  cut_span(u, c, p, &lo, &hi);
  const double max_cut = assist_number(ctx, "max-cut");
  const double f_lo = u->edges_hz[lo], f_hi = u->edges_hz[hi + 1U];
  const double freq = round(sqrt(f_lo * f_hi));
  double       q    = freq / (f_hi - f_lo);
  q                 = round(fmin(fmax(q, 0.3), 12.0) * 100.0) / 100.0;
  Run*         runs = NULL;
  const size_t n    = present_runs(u, p, lo, hi, max_cut, &runs);
  size_t       cuts = 0;
  double       deepest = 0.0;
  char*        env  = n ? cut_envelope(u, runs, n, &cuts, &deepest) : NULL;
  free(runs);
  if (!env) {
    assist_say(ctx, "fix: %s is never masked deep enough in %.0f–%.0f Hz to cut: nothing written",
               track_name(u, p->masked), f_lo, f_hi);
    assist_report_set(ctx, "fix", json_null());
    return MIXDOWN_SUCCESS;
  }
  char* item = malloc(strlen(env) + 160U);
  char* list = malloc(strlen(u->strips[u->track[p->masker]].address) + sizeof "/inserts");
  if (!item || !list) {
    free(env);
    free(item);
    free(list);
    return MIXDOWN_ERR_NO_MEM;
  }
  sprintf(item, "{type: eq, bands: [{type: bell, freq: %.0f, q: %g, gain_db: %s}]}", freq, q, env);
  sprintf(list, "%s/inserts", u->strips[u->track[p->masker]].address);
  assist_say(ctx, "fix: a bell on %s at %.0f Hz (q %g, %.0f–%.0f Hz) that cuts up to %.1f dB in %zu places while "
             "%s is present there, 0 dB elsewhere:",
             track_name(u, p->masker), freq, q, f_lo, f_hi, deepest, cuts, track_name(u, p->masked));
  const MixdownStatus st = assist_append(ctx, list, item);
  json_t*             o  = json_object();
  json_object_set_new(o, "masker", json_string(track_name(u, p->masker)));
  json_object_set_new(o, "masked", json_string(track_name(u, p->masked)));
  json_object_set_new(o, "freq_hz", assist_json_number(freq, 0));
  json_object_set_new(o, "q", assist_json_number(q, 2));
  json_object_set_new(o, "band_hz", json_pack("[f, f]", f_lo, f_hi));
  json_object_set_new(o, "cuts", json_integer((json_int_t)cuts));
  json_object_set_new(o, "deepest_db", assist_json_number(-deepest, 1));
  json_object_set_new(o, "max_cut_db", assist_json_number(max_cut, 1));
  assist_report_set(ctx, "fix", o);
  free(env);
  free(item);
  free(list);
  return st;
}

/* --- options and the run ------------------------------------------------- */

// The analysed tracks: --tracks, else every track.
static MixdownStatus
choose_tracks(Unmask* u)
{
  AssistContext* ctx = u->ctx;
  u->n_strips        = assist_all_strips(ctx, &u->strips);
  u->track           = calloc(u->n_strips ? u->n_strips : 1U, sizeof *u->track);
  if (!u->strips || !u->track) {
    return assist_fail(ctx, MIXDOWN_ERR_NO_MEM, "out of memory");
  }
  char**       names = NULL;
  const size_t given = assist_split_list(assist_text(ctx, "tracks"), &names);
  for (size_t i = 0; i < u->n_strips; ++i) {
    bool chosen = u->strips[i].kind == ASSIST_TRACK && !given;
    for (size_t g = 0; g < given; ++g) {
      chosen = chosen || strcmp(names[g], u->strips[i].name) == 0;
    }
    if (chosen) {
      u->track[u->n_tracks++] = (uint32_t)i;
    }
  }
  MixdownStatus st = MIXDOWN_SUCCESS;
  for (size_t g = 0; g < given && st == MIXDOWN_SUCCESS; ++g) {
    AssistStrip s;
    if (!assist_find_strip(ctx, "tracks", names[g], &s)) {
      st = MIXDOWN_ERR_BAD_ARG;
    } else if (s.kind != ASSIST_TRACK) {
      st = assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--tracks %s: a bus or the master; unmask compares tracks", names[g]);
    }
    assist_strip_free(&s);
  }
  assist_free_list(names, given);
  if (st == MIXDOWN_SUCCESS && u->n_tracks > UNMASK_MAX_TRACKS) {
    st = assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "compares at most %d tracks at once (%u here): choose with --tracks",
                     UNMASK_MAX_TRACKS, u->n_tracks);
  }
  if (st == MIXDOWN_SUCCESS && u->n_tracks < 2U) {
    st = assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "needs two tracks or more to compare (%s has %u)",
                     given ? "--tracks" : "the session", u->n_tracks);
  }
  return st;
}

// --masker and --masked: analysed tracks, not the same one.
static MixdownStatus
check_pair_options(Unmask* u)
{
  const char* names[2] = {assist_text(u->ctx, "masker"), assist_text(u->ctx, "masked")};
  const char* which[2] = {"masker", "masked"};
  for (int i = 0; i < 2; ++i) {
    if (!names[i]) {
      continue;
    }
    AssistStrip s;
    if (!assist_find_strip(u->ctx, which[i], names[i], &s)) {
      return MIXDOWN_ERR_BAD_ARG;
    }
    assist_strip_free(&s);
    if (analysed_index(u, names[i]) < 0) {
      return assist_fail(u->ctx, MIXDOWN_ERR_BAD_ARG, "--%s %s: not one of the analysed tracks (--tracks)", which[i],
                         names[i]);
    }
  }
  if (names[0] && names[1] && strcmp(names[0], names[1]) == 0) {
    return assist_fail(u->ctx, MIXDOWN_ERR_BAD_ARG, "--masker and --masked name the same track (%s)", names[0]);
  }
  return MIXDOWN_SUCCESS;
}

// --plot: this build draws, and the path is not a file the session reads.
static MixdownStatus
check_plot_option(AssistContext* ctx)
{
  const char* path = assist_text(ctx, "plot");
  if (!path) {
    return MIXDOWN_SUCCESS;
  }
  char message[512] = "";
  if (!unmask_plot_available()) {
    unmask_plot_write(NULL, path, message, sizeof message);
    return assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--plot %s: %s", path, message);
  }
  const MixdownStatus st =
    mixdown_check_plot_path(mixdown_editor_session(ctx->editor), NULL, path, message, sizeof message);
  return st == MIXDOWN_SUCCESS ? st : assist_fail(ctx, st, "--plot %s", message);
}

static MixdownStatus
analyse(Unmask* u)
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

static MixdownStatus
unmask_run(AssistContext* ctx)
{
  Unmask        u  = {.ctx = ctx};
  MixdownStatus st = choose_tracks(&u);
  if (st == MIXDOWN_SUCCESS) {
    st = check_pair_options(&u);
  }
  if (st == MIXDOWN_SUCCESS) {
    st = check_plot_option(ctx);
  }
  const bool fixing = assist_flag(ctx, "fix");
  if (st == MIXDOWN_SUCCESS && !fixing && (assist_given(ctx, "masker") || assist_given(ctx, "masked") ||
                                           assist_given(ctx, "max-cut"))) {
    st = assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--masker, --masked and --max-cut choose what --fix writes: add --fix");
  }
  if (st == MIXDOWN_SUCCESS && fixing) {
    st = remove_earlier_cuts(&u);
  }
  if (st == MIXDOWN_SUCCESS) {
    st = analyse(&u);
  }
  Counts counts  = {0};
  Pair*  pairs   = NULL;
  size_t n_pairs = 0;
  if (st == MIXDOWN_SUCCESS) {
    st = count_all(&u, &counts);
  }
  if (st == MIXDOWN_SUCCESS) {
    pairs = rank_pairs(&u, &counts, &n_pairs);
    st    = pairs ? MIXDOWN_SUCCESS : MIXDOWN_ERR_NO_MEM;
  }
  if (st == MIXDOWN_SUCCESS) {
    report(&u, &counts, pairs, n_pairs);
    st = draw(&u, &counts, pairs, n_pairs);
  }
  if (st == MIXDOWN_SUCCESS && fixing) {
    st = fix(&u, &counts, pairs, n_pairs);
  } else if (st == MIXDOWN_SUCCESS) {
    assist_say(ctx, "report only (no --fix): nothing written");
  }
  if (st == MIXDOWN_ERR_NO_MEM && ctx->message && !ctx->message[0]) {
    assist_fail(ctx, st, "out of memory");
  }
  free(pairs);
  counts_free(&counts);
  unmask_free(&u);
  return st;
}

const AssistKind assist_unmask = {
  .name        = "unmask",
  .description = "which track masks which, in which critical bands and when; --fix: one dynamic EQ cut",
  .options     = unmask_options,
  .n_options   = sizeof unmask_options / sizeof unmask_options[0],
  .run         = unmask_run,
};
