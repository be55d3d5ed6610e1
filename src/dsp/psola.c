// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Streaming TD-PSOLA (see psola.h).  Time runs on one absolute frame count
// `written`; the output lags it by `latency` frames.  Every `hop` frames
// YIN measures the period of the last 2·max_lag frames and the owner turns
// it into a ratio; both are kept in a short track, indexed by hop, so that
// a grain placed at frame t uses the measurement centred nearest t.
//
// Grains: a synthesis mark s advances by period/ratio; the grain laid at s
// is 2·period of input, Hann-windowed, centred on the analysis mark nearest
// s (analysis marks advance by the period, so they stay pitch-synchronous).
// The overlap-add is divided by the sum of the windows, which keeps the
// level whatever the overlap and makes unvoiced stretches (grains laid back
// in place) reproduce the input exactly.
//
// Latency: a grain at s is laid when the output reaches s − max_lag and
// reads input up to s + 1.5·max_lag, whose track entry ends hop/2 later:
// 2.5·max_lag + hop frames (47 ms at 48 kHz with a 60 Hz floor).

#include "dsp/psola.h"

#include "dsp/yin.h"

#include <math.h>
#include <stdlib.h>

#define TRACK_SIZE 64U // hops of pitch history kept (≥ latency / hop + 2)

typedef struct {
  MdPitchFrame frame;
  double       ratio;
} TrackEntry;

struct MdPsola {
  uint32_t       channels;
  uint32_t       min_lag_frames, max_lag_frames, hop_frames, latency_frames;
  uint32_t       mask;   ///< ring size − 1
  float**        input;  ///< Per channel ring of input
  float*         mono;   ///< Ring of the channel average, for the tracker
  float**        ola;    ///< Per channel overlap-add accumulators
  double*        weight; ///< Sum of windows per output frame
  float*         window; ///< Tracker window, contiguous
  MdYin*         yin;
  TrackEntry     track[TRACK_SIZE];
  int64_t        written;        ///< Frames written so far (with a head start, see reset)
  int64_t        latest_hop;     ///< Index of the newest track entry
  double         synthesis_mark; ///< Centre of the next grain, output time
  double         analysis_mark;  ///< Pitch mark of the input nearest it
  MdPsolaRatioFn ratio_fn;
  void*          owner;
};

static uint32_t
next_power_of_two(uint32_t n)
{
  uint32_t size = 1U;
  while (size < n) {
    size <<= 1U;
  }
  return size;
}

static void
free_rings(float** rings, uint32_t channels)
{
  if (rings) {
    for (uint32_t c = 0U; c < channels; ++c) {
      free(rings[c]);
    }
    free(rings);
  }
}

static float**
alloc_rings(uint32_t channels, uint32_t size)
{
  float** rings = calloc(channels, sizeof(float*));
  for (uint32_t c = 0U; rings && c < channels; ++c) {
    rings[c] = calloc(size, sizeof(float));
    if (!rings[c]) {
      free_rings(rings, channels);
      return NULL;
    }
  }
  return rings;
}

void
md_psola_destroy(MdPsola* self)
{
  if (self) {
    free_rings(self->input, self->channels);
    free_rings(self->ola, self->channels);
    free(self->mono);
    free(self->weight);
    free(self->window);
    md_yin_destroy(self->yin);
    free(self);
  }
}

MdPsola*
md_psola_create(uint32_t channels, double sample_rate_hz, double min_hz, double max_hz,
                MdPsolaRatioFn ratio_fn, void* owner)
{
  MdPsola* self = calloc(1U, sizeof(MdPsola));
  if (!self) {
    return NULL;
  }
  self->channels       = channels;
  self->ratio_fn       = ratio_fn;
  self->owner          = owner;
  self->max_lag_frames = (uint32_t)ceil(sample_rate_hz / min_hz);
  self->min_lag_frames = (uint32_t)fmax(2.0, floor(sample_rate_hz / max_hz));
  self->hop_frames     = (uint32_t)fmax(32.0, round(sample_rate_hz * 0.005)); // 5 ms
  self->latency_frames = (uint32_t)ceil(2.5 * self->max_lag_frames) + self->hop_frames + 2U;
  const uint32_t size = next_power_of_two(self->latency_frames + 4U * self->max_lag_frames + 4U);
  self->mask          = size - 1U;
  self->input         = alloc_rings(channels, size);
  self->ola           = alloc_rings(channels, size);
  self->mono          = calloc(size, sizeof(float));
  self->weight        = calloc(size, sizeof(double));
  self->window        = calloc(2U * self->max_lag_frames, sizeof(float));
  self->yin           = md_yin_create(self->min_lag_frames, self->max_lag_frames);
  if (!self->input || !self->ola || !self->mono || !self->weight || !self->window ||
      !self->yin) {
    md_psola_destroy(self);
    return NULL;
  }
  md_psola_reset(self);
  return self;
}

void
md_psola_reset(MdPsola* self)
{
  const uint32_t size = self->mask + 1U;
  for (uint32_t c = 0U; c < self->channels; ++c) {
    for (uint32_t i = 0U; i < size; ++i) {
      self->input[c][i] = 0.0f;
      self->ola[c][i]   = 0.0f;
    }
  }
  for (uint32_t i = 0U; i < size; ++i) {
    self->mono[i]   = 0.0f;
    self->weight[i] = 0.0;
  }
  for (uint32_t k = 0U; k < TRACK_SIZE; ++k) {
    self->track[k] = (TrackEntry){.frame = {false, 0.0}, .ratio = 1.0};
  }
  // A head start of whole hops, so that every index below is positive and
  // the history before the first frame reads as silence.
  self->written        = (int64_t)self->hop_frames * (int64_t)(TRACK_SIZE + size / self->hop_frames + 1U);
  self->latest_hop     = self->written / self->hop_frames - 1;
  // The first grain starts at the first output frame: none may reach back
  // into frames already emitted, where nothing would clear it.
  self->synthesis_mark = (double)(self->written - self->latency_frames + self->hop_frames);
  self->analysis_mark  = self->synthesis_mark;
}

uint32_t
md_psola_latency(const MdPsola* self)
{
  return self->latency_frames;
}

MdPitchFrame
md_psola_last_frame(const MdPsola* self)
{
  return self->track[(uint64_t)self->latest_hop % TRACK_SIZE].frame;
}

/// The track entry measured nearest frame `t`.  Hop k covers the frames up
/// to (k + 1)·hop, its window centred max_lag before that.
static const TrackEntry*
track_at(const MdPsola* self, double t)
{
  int64_t k = (int64_t)floor((t + self->max_lag_frames) / self->hop_frames + 0.5) - 1;
  if (k > self->latest_hop) {
    k = self->latest_hop;
  }
  if (k <= self->latest_hop - (int64_t)TRACK_SIZE) {
    k = self->latest_hop - (int64_t)TRACK_SIZE + 1;
  }
  return &self->track[(uint64_t)k % TRACK_SIZE];
}

static void
analyse_hop(MdPsola* self)
{
  const uint32_t length = 2U * self->max_lag_frames;
  const int64_t  start  = self->written - length;
  for (uint32_t j = 0U; j < length; ++j) {
    self->window[j] = self->mono[(uint64_t)(start + j) & self->mask];
  }
  TrackEntry entry = {.frame = {false, 0.0}, .ratio = 1.0};
  entry.frame.voiced =
    md_yin_period(self->yin, self->window, &entry.frame.period_frames);
  entry.ratio = self->ratio_fn(self->owner, &entry.frame);
  if (!(entry.ratio >= 0.25 && entry.ratio <= 4.0)) {
    entry.ratio = 1.0;
  }
  self->latest_hop                                  = self->written / self->hop_frames - 1;
  self->track[(uint64_t)self->latest_hop % TRACK_SIZE] = entry;
}

/// Lay one grain: input around `source` (an integer frame), windowed over
/// ±half_width, added centred on the fractional output frame `centre`.
static void
lay_grain(MdPsola* self, double centre, int64_t source, double half_width)
{
  const int64_t first  = (int64_t)ceil(centre - half_width);
  const int64_t last   = (int64_t)floor(centre + half_width);
  const int64_t offset = source - (int64_t)llround(centre);
  const double  scale  = M_PI / half_width;
  for (int64_t j = first; j <= last; ++j) {
    const double   w   = 0.5 + 0.5 * cos(scale * ((double)j - centre));
    const uint64_t out = (uint64_t)j & self->mask;
    const uint64_t in  = (uint64_t)(j + offset) & self->mask;
    for (uint32_t c = 0U; c < self->channels; ++c) {
      self->ola[c][out] += (float)(w * self->input[c][in]);
    }
    self->weight[out] += w;
  }
}

/// Lay every grain that starts before output frame `now` + max_lag.
static void
lay_due_grains(MdPsola* self, int64_t now)
{
  while (self->synthesis_mark - self->max_lag_frames <= (double)now) {
    const double      s     = self->synthesis_mark;
    const TrackEntry* entry = track_at(self, s);
    if (!entry->frame.voiced) {
      // Unvoiced: lay the input back where it was.
      const double spacing = self->hop_frames;
      lay_grain(self, s, (int64_t)llround(s), spacing);
      self->synthesis_mark = s + spacing;
      self->analysis_mark  = s;
      continue;
    }
    // Keep the analysis marks a period apart and the nearest one to s.
    for (const TrackEntry* at = track_at(self, self->analysis_mark);
         self->analysis_mark + 0.5 * at->frame.period_frames < s; at = track_at(self, self->analysis_mark)) {
      self->analysis_mark += at->frame.voiced ? at->frame.period_frames : entry->frame.period_frames;
    }
    const double period = fmin(entry->frame.period_frames, (double)self->max_lag_frames);
    lay_grain(self, s, (int64_t)llround(self->analysis_mark), period);
    self->synthesis_mark = s + period / entry->ratio;
  }
}

void
md_psola_process(MdPsola* self, const float* const* in, float* const* out, uint32_t frames)
{
  const float inv_channels = 1.0f / (float)self->channels;
  for (uint32_t i = 0U; i < frames; ++i) {
    const uint64_t slot = (uint64_t)self->written & self->mask;
    float          sum  = 0.0f;
    for (uint32_t c = 0U; c < self->channels; ++c) {
      self->input[c][slot] = in[c][i];
      sum += in[c][i];
    }
    self->mono[slot] = sum * inv_channels;
    ++self->written;
    if (self->written % self->hop_frames == 0) {
      analyse_hop(self);
    }
    const int64_t now = self->written - 1 - self->latency_frames;
    lay_due_grains(self, now);
    const uint64_t at     = (uint64_t)now & self->mask;
    const double   weight = self->weight[at];
    for (uint32_t c = 0U; c < self->channels; ++c) {
      // The windows' weighted average; where no grain reached (never, in
      // practice), the dry input of that frame.
      out[c][i]        = weight > 1e-6 ? (float)(self->ola[c][at] / weight) : self->input[c][at];
      self->ola[c][at] = 0.0f;
    }
    self->weight[at] = 0.0;
  }
}
