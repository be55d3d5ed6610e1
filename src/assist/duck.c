// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// mixdown assist duck: the bed (music, ambience) down under speech.
//
// The session is rendered once with stems (without an earlier run's duck,
// so the bed is heard as the user left it).  The key tracks' stems, summed,
// go to the speech detector (speech.c: energy and voicing in the speech
// band); the bed's stem to a loudness meter, 10 ms frames on the same grid.
// Speech frames are joined into spans across pauses shorter than the hold,
// and across pauses too short for the bed to come fully up and go down
// again (a half-way release is pumping).  The depth is what is asked, or
// what the speech needs to stand `--clearance` LU above the bed (the median
// over 400 ms windows of speech, as the test measures it).
//
// What is written: one `gain` insert at the end of the bed's chain whose
// `gain_db` is an envelope, linear in dB, with the corners only: per span,
// down from 0 to -depth ending `--lookahead` before the onset (so the bed
// is fully down *by* the onset: the analysis looks ahead, as no compressor
// can), held to the span's end plus the hold, back up over `--ramp-up`.
// The bed's fader stays the user's.  A re-run finds the insert as the
// bed's last (assist_own_insert) and removes it before listening.

#include "assist.h"

#include "bands.h"
#include "dsp/biquad.h"
#include "speech.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const MixdownParamInfo duck_options[] = {
  {"bed", "", "What goes down under speech (music, ambience): a track or bus", MIXDOWN_PARAM_NODE, 0.0, 0.0, 0.0,
   NULL},
  {"key", "", "The speech tracks whose speech ducks the bed (comma-separated)", MIXDOWN_PARAM_NODE, 0.0, 0.0, 0.0,
   NULL},
  {"depth", "dB", "How far the bed goes down under speech; auto: as far as --clearance needs", MIXDOWN_PARAM_NUMBER,
   0.0, 40.0, NAN, NULL},
  {"clearance", "LU",
   "With auto depth: speech this far above the bed (median of 400 ms windows over speech; Torcoli et al. 2019: "
   "at least 10 LU over music, 15 over ambience)",
   MIXDOWN_PARAM_NUMBER, 0.0, 30.0, 12.0, NULL},
  {"max-depth", "dB", "With auto depth: never deeper than this (the report says when the clearance is not reached)",
   MIXDOWN_PARAM_NUMBER, 0.0, 40.0, 24.0, NULL},
  {"lookahead", "ms", "The bed is fully down this long before each speech onset", MIXDOWN_PARAM_NUMBER, 0.0, 1000.0,
   100.0, NULL},
  {"ramp-down", "ms", "How long the bed takes to go down (ending --lookahead before the onset)",
   MIXDOWN_PARAM_NUMBER, 10.0, 5000.0, 300.0, NULL},
  {"hold", "ms", "The bed stays down this long after speech: pauses shorter than this never release it",
   MIXDOWN_PARAM_NUMBER, 0.0, 10000.0, 1000.0, NULL},
  {"ramp-up", "ms", "How long the bed takes to come back up after the hold", MIXDOWN_PARAM_NUMBER, 10.0, 10000.0,
   800.0, NULL},
  {"min-speech", "ms", "Speech shorter than this (a cough, a click) does not duck the bed", MIXDOWN_PARAM_NUMBER, 0.0,
   2000.0, 150.0, NULL},
};

/* --- the bed's loudness, 10 ms frames ------------------------------------ */

/// BS.1770 loudness per 10 ms frame (frame i: samples floor(i·rate/100) …
/// floor((i+1)·rate/100) - 1), on the grid speech.c uses.
typedef struct {
  uint32_t      rate;
  MdBiquadCoefs shelf, hp;
  MdBiquadState state[2][2];
  double        sum;
  uint64_t      n_in, frame_end;
  float*        power; ///< Per frame: the channels' K-weighted mean squares, summed
  size_t        n, capacity;
} LoudnessFrames;

static void
loudness_init(LoudnessFrames* m, uint32_t rate)
{
  double shelf[5], hp[5];
  assist_k_weight_biquads(rate, shelf, hp);
  *m           = (LoudnessFrames){.rate = rate, .frame_end = rate / 100U};
  m->shelf     = (MdBiquadCoefs){shelf[0], shelf[1], shelf[2], shelf[3], shelf[4]};
  m->hp        = (MdBiquadCoefs){hp[0], hp[1], hp[2], hp[3], hp[4]};
}

static bool
loudness_end_frame(LoudnessFrames* m, uint64_t samples)
{
  if (m->n == m->capacity) {
    const size_t cap  = m->capacity ? 2U * m->capacity : 4096U;
    float*       more = realloc(m->power, cap * sizeof *more);
    if (!more) {
      return false;
    }
    m->power    = more;
    m->capacity = cap;
  }
  m->power[m->n++] = samples ? (float)(m->sum / (double)samples) : 0.0F;
  m->sum           = 0.0;
  m->frame_end     = (uint64_t)(m->n + 1U) * m->rate / 100U;
  return true;
}

/// Two doubles side by side (GCC's vector extension): the left and right
/// channels' K filters in one register, each lane the same IEEE operations
/// as the scalar code (no contraction: ISO C's default), so the same bits.
typedef double Both __attribute__((vector_size(16)));

static inline Both
tick_both(const MdBiquadCoefs* c, Both* s1, Both* s2, Both x)
{
  const Both y = c->b0 * x + *s1;
  *s1          = c->b1 * x - c->a1 * y + *s2;
  *s2          = c->b2 * x - c->a2 * y;
  return y;
}

// `n` samples through the K filter into the running sum, the filters'
// state in locals (registers) for the run, left and right side by side:
// the same operations in the same order as a sample at a time through the
// struct, so the same bits.
static double
loudness_run(LoudnessFrames* m, const float* left, const float* right, uint32_t n, double sum)
{
  const MdBiquadCoefs shelf = m->shelf, hp = m->hp;
  Both shelf_s1 = {m->state[0][0].s1, m->state[1][0].s1}, shelf_s2 = {m->state[0][0].s2, m->state[1][0].s2};
  Both hp_s1 = {m->state[0][1].s1, m->state[1][1].s1}, hp_s2 = {m->state[0][1].s2, m->state[1][1].s2};
  for (uint32_t i = 0; i < n; ++i) {
    const Both k  = tick_both(&hp, &hp_s1, &hp_s2, tick_both(&shelf, &shelf_s1, &shelf_s2, (Both){left[i], right[i]}));
    const Both k2 = k * k;
    sum += k2[0] + k2[1];
  }
  for (int c = 0; c < 2; ++c) {
    m->state[c][0] = (MdBiquadState){shelf_s1[c], shelf_s2[c]};
    m->state[c][1] = (MdBiquadState){hp_s1[c], hp_s2[c]};
  }
  return sum;
}

static bool
loudness_feed(LoudnessFrames* m, const float* left, const float* right, uint32_t frames)
{
  // runs up to each frame's end
  for (uint32_t i = 0; i < frames;) {
    const uint64_t to_end = m->frame_end - m->n_in;
    const uint32_t n      = (uint64_t)(frames - i) < to_end ? frames - i : (uint32_t)to_end;
    m->sum                = loudness_run(m, left + i, right + i, n, m->sum);
    m->n_in += n;
    i += n;
    if (m->n_in == m->frame_end) {
      const uint64_t first = (uint64_t)m->n * m->rate / 100U;
      if (!loudness_end_frame(m, m->frame_end - first)) {
        return false;
      }
    }
  }
  for (int c = 0; c < 2; ++c) {
    md_biquad_flush(&m->state[c][0]);
    md_biquad_flush(&m->state[c][1]);
  }
  return true;
}

/* --- listening ----------------------------------------------------------- */

typedef struct {
  AssistContext* ctx;
  uint32_t       bed_stem;
  uint32_t*      key_stems;
  size_t         n_keys;
  uint32_t       rate;
  AssistSpeech*  speech;
  LoudnessFrames bed;
  float*         key_left; ///< The keys' sum, one block
  float*         key_right;
  uint32_t       key_capacity;
} Listen;

static MixdownStatus
listen_begin(void* user_data, const AssistRenderInfo* info)
{
  Listen* l = user_data;
  l->rate   = info->rate;
  l->speech = assist_speech_new(info->rate);
  loudness_init(&l->bed, info->rate);
  return l->speech ? MIXDOWN_SUCCESS : MIXDOWN_ERR_NO_MEM;
}

static MixdownStatus
listen_block(void* user_data, uint64_t first_frame, const float* mix_left, const float* mix_right,
             const float* const* stems, uint32_t frames)
{
  (void)first_frame;
  (void)mix_left;
  (void)mix_right;
  Listen* l = user_data;
  if (frames > l->key_capacity) {
    free(l->key_left);
    free(l->key_right);
    l->key_left     = malloc(frames * sizeof *l->key_left);
    l->key_right    = malloc(frames * sizeof *l->key_right);
    l->key_capacity = l->key_left && l->key_right ? frames : 0U;
    if (!l->key_capacity) {
      return MIXDOWN_ERR_NO_MEM;
    }
  }
  memset(l->key_left, 0, frames * sizeof *l->key_left);
  memset(l->key_right, 0, frames * sizeof *l->key_right);
  for (size_t k = 0; k < l->n_keys; ++k) {
    const float* left  = stems[2U * l->key_stems[k]];
    const float* right = stems[2U * l->key_stems[k] + 1U];
    for (uint32_t i = 0; i < frames; ++i) {
      l->key_left[i] += left[i];
      l->key_right[i] += right[i];
    }
  }
  const MixdownStatus st = assist_speech_feed(l->speech, l->key_left, l->key_right, frames);
  if (st != MIXDOWN_SUCCESS) {
    return st;
  }
  const bool ok = loudness_feed(&l->bed, stems[2U * l->bed_stem], stems[2U * l->bed_stem + 1U], frames);
  return ok ? MIXDOWN_SUCCESS : MIXDOWN_ERR_NO_MEM;
}

/* --- the envelope -------------------------------------------------------- */

typedef struct {
  double depth_db;
  double lookahead_s, ramp_down_s, hold_s, ramp_up_s;
} Shape;

/// The `gain` processor glides to each new value over 20 ms (its
/// smoothing, processors.md): the envelope lands that much earlier so the
/// bed is heard fully down `--lookahead` before the onset.
static const double GAIN_GLIDE_S = 0.020;

/// Joins spans whose pause is too short for the bed to come fully up after
/// the hold and go down again before the next onset (in place; returns the
/// new count).
static size_t
join_short_releases(AssistSpan* spans, size_t n, const Shape* shape)
{
  if (n == 0U) {
    return 0;
  }
  const double needed = shape->hold_s + shape->ramp_up_s + shape->ramp_down_s + shape->lookahead_s + GAIN_GLIDE_S;
  size_t       kept   = 0;
  for (size_t i = 1; i < n; ++i) {
    if (spans[i].start_s - spans[kept].end_s < needed) {
      spans[kept].end_s = spans[i].end_s;
    } else {
      spans[++kept] = spans[i];
    }
  }
  return kept + 1U;
}

/// The envelope's corners (at most 4 per span); returns the count.
static size_t
shape_points(const AssistSpan* spans, size_t n, const Shape* s, AssistPoint* points)
{
  size_t count = 0;
  for (size_t i = 0; i < n; ++i) {
    const double down_end   = spans[i].start_s - s->lookahead_s - GAIN_GLIDE_S;
    const double down_start = down_end - s->ramp_down_s;
    const double up_start   = spans[i].end_s + s->hold_s;
    if (down_start >= 0.0) {
      points[count++] = (AssistPoint){down_start, 0.0};
      points[count++] = (AssistPoint){down_end, -s->depth_db};
    } else if (down_end > 0.0) { // the ramp started before the timeline: its value at 0
      points[count++] = (AssistPoint){0.0, -s->depth_db * (0.0 - down_start) / s->ramp_down_s};
      points[count++] = (AssistPoint){down_end, -s->depth_db};
    } else {
      points[count++] = (AssistPoint){0.0, -s->depth_db};
    }
    points[count++] = (AssistPoint){up_start, -s->depth_db};
    points[count++] = (AssistPoint){up_start + s->ramp_up_s, 0.0};
  }
  return count;
}

/// The envelope's value at `t` (linear between points, held outside).
static double
envelope_at(const AssistPoint* points, size_t n, size_t* cursor, double t)
{
  if (n == 0U) {
    return 0.0;
  }
  while (*cursor + 1U < n && points[*cursor + 1U].time_s <= t) {
    ++*cursor;
  }
  const AssistPoint* a = &points[*cursor];
  if (t <= points[0].time_s) {
    return points[0].value;
  }
  if (*cursor + 1U >= n) {
    return a->value;
  }
  const AssistPoint* b    = a + 1;
  const double       span = b->time_s - a->time_s;
  return span > 0.0 ? a->value + (b->value - a->value) * (t - a->time_s) / span : b->value;
}

/* --- what the analysis measured ------------------------------------------ */

typedef struct {
  double speech_lufs;      ///< The keys over speech frames
  double bed_lufs;         ///< The bed over speech frames
  double median_lu, p10_lu; ///< Speech minus bed, 400 ms windows centred on speech, every 100 ms
  size_t n_windows;
} Figures;

static double
lufs_of(double power)
{
  return power > 0.0 ? -0.691 + 10.0 * log10(power) : -INFINITY;
}

static double
power_of(float level_db)
{
  return isfinite(level_db) ? pow(10.0, (level_db + 0.691) / 10.0) : 0.0;
}

static int
compare_double(const void* a, const void* b)
{
  const double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

enum { WINDOW_FRAMES = 40, WINDOW_STEP = 10 };

/// The figures, the bed's frames scaled by `gain` (per frame, linear power).
static bool
measure(const float* key_db, const float* bed_power, const double* bed_gain, const uint8_t* active, size_t n,
        Figures* f)
{
  double key_sum = 0.0, bed_sum = 0.0;
  size_t count = 0;
  for (size_t i = 0; i < n; ++i) {
    if (active[i]) {
      key_sum += power_of(key_db[i]);
      bed_sum += bed_power[i] * bed_gain[i];
      ++count;
    }
  }
  f->speech_lufs = count ? lufs_of(key_sum / (double)count) : -INFINITY;
  f->bed_lufs    = count ? lufs_of(bed_sum / (double)count) : -INFINITY;
  double* diffs  = malloc((n / WINDOW_STEP + 1U) * sizeof *diffs);
  if (!diffs) {
    return false;
  }
  size_t m = 0;
  for (size_t c = 0; c < n; c += WINDOW_STEP) {
    if (!active[c] || c < WINDOW_FRAMES / 2U || c + WINDOW_FRAMES / 2U > n) {
      continue;
    }
    double k = 0.0, b = 0.0;
    for (size_t i = c - WINDOW_FRAMES / 2U; i < c + WINDOW_FRAMES / 2U; ++i) {
      k += power_of(key_db[i]);
      b += bed_power[i] * bed_gain[i];
    }
    if (k > 0.0 && b > 0.0) {
      diffs[m++] = 10.0 * log10(k / b);
    }
  }
  qsort(diffs, m, sizeof *diffs, compare_double);
  f->n_windows = m;
  f->median_lu = m ? diffs[m / 2U] : NAN;
  f->p10_lu    = m ? diffs[m / 10U] : NAN;
  free(diffs);
  return true;
}

/* --- the run -------------------------------------------------------------- */

static bool
find_keys(AssistContext* ctx, const AssistStrip* bed, Listen* l, AssistStrip** keys, size_t* n_keys)
{
  char**       names = NULL;
  const size_t n     = assist_split_list(assist_text(ctx, "key"), &names);
  if (n == 0U) {
    assist_free_list(names, n);
    assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--key names the speech tracks (--key host,guest)");
    return false;
  }
  *keys        = calloc(n, sizeof **keys);
  *n_keys      = *keys ? n : 0U;
  l->key_stems = calloc(n, sizeof *l->key_stems);
  bool ok      = *keys && l->key_stems;
  for (size_t i = 0; ok && i < n; ++i) {
    ok = assist_find_strip(ctx, "key", names[i], &(*keys)[i]);
    if (ok && (*keys)[i].kind == ASSIST_MASTER) {
      ok = false;
      assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--key %s: the master cannot key a duck (name a track)", names[i]);
    } else if (ok && (*keys)[i].stem == bed->stem) {
      ok = false;
      assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--key %s: the bed cannot key itself", names[i]);
    } else if (ok && assist_strip_feeds(ctx, &(*keys)[i], bed)) {
      // the envelope would duck the voice with the bed
      ok = false;
      assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--key %s: it reaches the bed %s (by its output or a send), so ducking the "
                  "bed would duck the voice too; route it past the bed", names[i], bed->name);
    }
    for (size_t j = 0; ok && j < i; ++j) {
      if ((*keys)[j].stem == (*keys)[i].stem) {
        ok = false;
        assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--key %s is named twice", names[i]);
      }
    }
    if (ok) {
      l->key_stems[l->n_keys++] = (*keys)[i].stem;
    }
  }
  assist_free_list(names, n);
  return ok;
}

static bool
find_bed(AssistContext* ctx, AssistStrip* bed)
{
  const char* name = assist_text(ctx, "bed");
  if (!name) {
    assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--bed names the track or bus to duck (--bed music)");
    return false;
  }
  if (!assist_find_strip(ctx, "bed", name, bed)) {
    return false;
  }
  if (bed->kind == ASSIST_MASTER) {
    assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--bed %s: the master cannot be ducked by a track it contains", name);
    return false;
  }
  return true;
}

/// Removes an earlier run's duck (the bed's last insert, a gain with an
/// enveloped gain_db) so the analysis hears the bed as the user left it.
static MixdownStatus
remove_earlier(AssistContext* ctx, const AssistStrip* bed, char* inserts, bool* removed)
{
  *removed            = false;
  const uint32_t own = assist_own_insert(ctx, bed->address, "gain", "gain_db");
  if (own == 0U) {
    return MIXDOWN_SUCCESS;
  }
  *removed = true;
  return assist_remove(ctx, inserts, own);
}

static json_t*
spans_json(const AssistSpan* spans, size_t n)
{
  json_t* list = json_array();
  for (size_t i = 0; list && i < n; ++i) {
    json_t* pair = json_array();
    json_array_append_new(pair, assist_json_number(spans[i].start_s, 2));
    json_array_append_new(pair, assist_json_number(spans[i].end_s, 2));
    json_array_append_new(list, pair);
  }
  return list;
}

static void
report_figures(AssistContext* ctx, const char* key, const Figures* f, const char* basis)
{
  json_t* o = json_object();
  json_object_set_new(o, "basis", json_string(basis));
  json_object_set_new(o, "speech_lufs", assist_json_number(f->speech_lufs, 1));
  json_object_set_new(o, "bed_lufs", assist_json_number(f->bed_lufs, 1));
  json_object_set_new(o, "median_lu", assist_json_number(f->median_lu, 1));
  json_object_set_new(o, "p10_lu", assist_json_number(f->p10_lu, 1));
  json_object_set_new(o, "windows", json_integer((json_int_t)f->n_windows));
  assist_report_set(ctx, key, o);
}

/// Decides the depth (given, or from the clearance, at most --max-depth);
/// `why` says which.
static double
decide_depth(AssistContext* ctx, const Figures* before, char* why, size_t size)
{
  if (assist_given(ctx, "depth")) {
    snprintf(why, size, "as given");
    return assist_number(ctx, "depth");
  }
  const double clearance = assist_number(ctx, "clearance");
  const double ceiling   = assist_number(ctx, "max-depth");
  const double needed    = clearance - before->median_lu;
  // half-dB steps, rounded up: the clearance is a floor
  const double depth = isfinite(needed) ? fmin(fmax(ceil(needed * 2.0) / 2.0, 0.0), ceiling) : 0.0;
  const int    used  = snprintf(why, size, "speech stood %.1f LU above the bed (median of 400 ms windows); %.1f LU wanted",
                                before->median_lu, clearance);
  if (isfinite(needed) && needed > ceiling && used > 0 && (size_t)used < size) {
    snprintf(why + used, size - (size_t)used, "; held at --max-depth %.1f dB: the clearance is not reached", ceiling);
  }
  return depth;
}

typedef struct {
  AssistStrip  bed;
  AssistStrip* keys;
  size_t       n_keys;
  Listen       listen;
  AssistSpan*  spans;
  AssistPoint* points;
  double*      gain;
  char*        inserts;
} Run;

static void
run_free(Run* r)
{
  assist_strip_free(&r->bed);
  assist_strips_free(r->keys, r->n_keys);
  free(r->listen.key_stems);
  free(r->listen.key_left);
  free(r->listen.key_right);
  free(r->listen.bed.power);
  assist_speech_free(r->listen.speech);
  free(r->spans);
  free(r->points);
  free(r->gain);
  free(r->inserts);
}

static MixdownStatus
write_duck(AssistContext* ctx, Run* r, size_t n_points)
{
  char* envelope = assist_envelope_yaml(r->points, n_points, 3, 2);
  if (!envelope) {
    return MIXDOWN_ERR_NO_MEM;
  }
  char* item = malloc(strlen(envelope) + 64U);
  if (!item) {
    free(envelope);
    return MIXDOWN_ERR_NO_MEM;
  }
  sprintf(item, "{type: gain, gain_db: %s}", envelope);
  const MixdownStatus st = assist_append(ctx, r->inserts, item);
  free(item);
  free(envelope);
  return st;
}

static MixdownStatus
analyse_and_write(AssistContext* ctx, Run* r)
{
  const Shape base = {
    .lookahead_s = assist_number(ctx, "lookahead") / 1000.0,
    .ramp_down_s = assist_number(ctx, "ramp-down") / 1000.0,
    .hold_s      = assist_number(ctx, "hold") / 1000.0,
    .ramp_up_s   = assist_number(ctx, "ramp-up") / 1000.0,
  };
  AssistSpeech* speech = r->listen.speech;
  size_t        n_spans =
    assist_speech_spans(speech, assist_number(ctx, "hold"), assist_number(ctx, "min-speech"), &r->spans);
  const size_t n_found = n_spans;
  n_spans              = join_short_releases(r->spans, n_spans, &base);
  // the frames of both meters (the detector's may hold one more, partial)
  const size_t   n      = fmin(assist_speech_frames(speech), r->listen.bed.n);
  const float*   key_db = assist_speech_level_db(speech);
  const uint8_t* active = assist_speech_active(speech);
  r->gain               = malloc((n + 1U) * sizeof *r->gain);
  r->points             = malloc((4U * n_spans + 1U) * sizeof *r->points);
  if (!r->gain || !r->points) {
    return MIXDOWN_ERR_NO_MEM;
  }
  for (size_t i = 0; i < n; ++i) {
    r->gain[i] = 1.0;
  }
  if (n_spans == 0U) {
    assist_say(ctx, "no speech found on the key track%s (floor %.1f LUFS): nothing new to write (an earlier run's insert, if any, is removed: see the writes)",
               r->listen.n_keys == 1U ? "" : "s", assist_speech_floor_db(speech));
    assist_report_set(ctx, "spans", json_array());
    assist_report_set(ctx, "points", json_integer(0));
    return MIXDOWN_SUCCESS;
  }
  Figures before = {0}, after = {0};
  if (!measure(key_db, r->listen.bed.power, r->gain, active, n, &before)) {
    return MIXDOWN_ERR_NO_MEM;
  }
  if (!isfinite(before.median_lu)) {
    // no window under speech where the bed sounds: nothing to take down
    assist_say(ctx, "the bed is silent under the speech found (%zu spans): nothing new to write (an earlier run's insert, if any, is removed: see the writes)", n_spans);
    assist_report_set(ctx, "spans", spans_json(r->spans, n_spans));
    assist_report_set(ctx, "points", json_integer(0));
    return MIXDOWN_SUCCESS;
  }
  char        why[160];
  Shape       shape     = base;
  shape.depth_db        = decide_depth(ctx, &before, why, sizeof why);
  const size_t n_points = shape.depth_db > 0.0 ? shape_points(r->spans, n_spans, &shape, r->points) : 0U;
  size_t       cursor   = 0;
  for (size_t i = 0; i < n; ++i) {
    const double t = ((double)i + 0.5) * assist_speech_hop_s();
    r->gain[i]     = pow(10.0, envelope_at(r->points, n_points, &cursor, t) / 10.0);
  }
  if (!measure(key_db, r->listen.bed.power, r->gain, active, n, &after)) {
    return MIXDOWN_ERR_NO_MEM;
  }
  double speech_s = 0.0;
  for (size_t i = 0; i < n_spans; ++i) {
    speech_s += r->spans[i].end_s - r->spans[i].start_s;
  }
  assist_say(ctx, "speech on %zu key track%s: %zu spans (%zu before joining pauses the bed cannot rise in), %.1f s; "
                  "floor %.1f LUFS",
             r->listen.n_keys, r->listen.n_keys == 1U ? "" : "s", n_spans, n_found, speech_s,
             assist_speech_floor_db(speech));
  assist_say(ctx, "depth %.1f dB: %s", shape.depth_db, why);
  assist_say(ctx, "under speech, before (measured in the analysis render): speech %.1f LUFS, bed %.1f LUFS; speech "
                  "above bed: median %.1f LU, 10th percentile %.1f LU",
             before.speech_lufs, before.bed_lufs, before.median_lu, before.p10_lu);
  assist_say(ctx, "under speech, after (estimated: the analysis with the envelope applied, not a render): bed %.1f "
                  "LUFS; speech above bed: median %.1f LU, 10th percentile %.1f LU",
             after.bed_lufs, after.median_lu, after.p10_lu);
  assist_report_set(ctx, "spans", spans_json(r->spans, n_spans));
  assist_report_set(ctx, "spans_found", json_integer((json_int_t)n_found));
  assist_report_set(ctx, "speech_s", assist_json_number(speech_s, 2));
  assist_report_set(ctx, "speech_floor_lufs", assist_json_number(assist_speech_floor_db(speech), 1));
  assist_report_set(ctx, "depth_db", assist_json_number(shape.depth_db, 1));
  assist_report_set(ctx, "depth_from", json_string(assist_given(ctx, "depth") ? "given" : "clearance"));
  assist_report_set(ctx, "depth_why", json_string(why));
  report_figures(ctx, "before", &before, "measured: the analysis render, without the duck");
  report_figures(ctx, "after", &after, "estimated: the analysis render's 10 ms frames with the envelope applied");
  assist_report_set(ctx, "points", json_integer((json_int_t)n_points));
  if (n_points == 0U) {
    assist_say(ctx, "no depth needed: nothing new to write (an earlier run's insert, if any, is removed: see the writes)");
    return MIXDOWN_SUCCESS;
  }
  assist_say(ctx, "envelope: %zu points on %s (a gain insert at the end of its chain)", n_points, r->bed.address);
  return write_duck(ctx, r, n_points);
}

static MixdownStatus
duck_run(AssistContext* ctx)
{
  Run r = {0};
  if (!find_bed(ctx, &r.bed)) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  r.listen.ctx      = ctx;
  r.listen.bed_stem = r.bed.stem;
  MixdownStatus st  = find_keys(ctx, &r.bed, &r.listen, &r.keys, &r.n_keys) ? MIXDOWN_SUCCESS : MIXDOWN_ERR_BAD_ARG;
  r.inserts         = malloc(strlen(r.bed.address) + sizeof "/inserts");
  if (st == MIXDOWN_SUCCESS && !r.inserts) {
    st = MIXDOWN_ERR_NO_MEM;
  }
  bool removed = false;
  if (st == MIXDOWN_SUCCESS) {
    sprintf(r.inserts, "%s/inserts", r.bed.address);
    st = remove_earlier(ctx, &r.bed, r.inserts, &removed);
  }
  if (st == MIXDOWN_SUCCESS) {
    if (removed) {
      assist_say(ctx, "an earlier duck on %s removed: listening to the bed without it", r.bed.address);
    }
    st = assist_render(ctx, NULL, true, "listening", listen_begin, listen_block, &r.listen);
  }
  if (st == MIXDOWN_SUCCESS) {
    st = assist_speech_finish(r.listen.speech);
  }
  if (st == MIXDOWN_SUCCESS) {
    st = analyse_and_write(ctx, &r);
  }
  run_free(&r);
  return st;
}

const AssistKind assist_duck = {
  "duck",
  "The bed (music, ambience) down under speech: a gain envelope, down by each onset, up after the hold",
  duck_options,
  sizeof duck_options / sizeof duck_options[0],
  duck_run,
};
