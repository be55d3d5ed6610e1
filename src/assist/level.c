// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `mixdown assist level`: evens out speakers and phrases.  Each speech
// track gets a gain envelope as the last insert of its chain (`{type:
// gain, gain_db: {points: …}}`, so the fader stays the user's): one
// constant gain per phrase that brings the phrase to the target loudness,
// limited to ±max-gain, and short linear ramps (in dB) inside the pauses.
//
// Phrases are the speech spans of speech.h (speech frames joined across
// pauses shorter than `hold`).  A phrase's loudness is what a loudness
// meter integrates over it (BS.1770 on the track's stem: 400 ms blocks,
// gated), from the detector's 10 ms levels.
//
// Pauses are frozen: the gain in a pause is held from a phrase beside it
// and moves only inside one ramp.  The ramp sits where it raises no noise:
// a rise ends just before the next onset, a fall starts soon after the
// phrase's last word has decayed, so a pause keeps the lower of its two
// phrases' gains.
//
// A re-run finds its own insert (assist_own_insert: the last insert, a
// gain with an enveloped gain_db), removes it first and analyses the track
// without it: it replaces, never stacks.

#include "assist.h"
#include "speech.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- options ------------------------------------------------------------ */

static const MixdownParamInfo level_options[] = {
  {"tracks", "", "Speech tracks (or buses) to level, comma-separated: vox,guest (required)", MIXDOWN_PARAM_NODE, 0,
   0, 0, NULL},
  {"target", "LUFS", "Loudness each phrase is brought to (K-weighted, over its speech)", MIXDOWN_PARAM_NUMBER, -40,
   -10, -20, NULL},
  {"max-gain", "dB", "Largest cut or boost written (the gain stays within ±this)", MIXDOWN_PARAM_NUMBER, 0, 24, 12,
   NULL},
  {"hold", "ms", "Pauses shorter than this stay inside a phrase (breaths, gaps between words)",
   MIXDOWN_PARAM_NUMBER, 50, 2000, 350, NULL},
  {"min-phrase", "ms", "Bursts of speech shorter than this are not phrases (they keep the gain around them)",
   MIXDOWN_PARAM_NUMBER, 50, 5000, 250, NULL},
  {"ramp", "ms", "Length of the linear (dB) ramp between two phrases' gains, inside the pause",
   MIXDOWN_PARAM_NUMBER, 5, 1000, 60, NULL},
};

// A ramp keeps this far from the phrase it leads into or out of: the
// detector's onsets and ends are 10 ms frames, and a word's decay outlasts
// the frame that ends it.
static const double guard_s = 0.03;
// A fall waits longer when the pause has room: the last word's decay (and
// the room's) keeps the gain of its phrase.
static const double tail_s = 0.1;

// Short-term loudness as EBU Tech 3342 takes it for the loudness range:
// 3 s windows every 100 ms, gated at -70 LUFS and 20 LU below their mean,
// the range from the 10th to the 95th percentile.
static const double short_term_s = 3.0;
static const double short_hop_s  = 0.1;

// A span this far under the track's mean phrase loudness is not taken as
// a phrase of the track's voice (drop_quiet()).
static const double quiet_gate_lu = 20.0;

/* --- one track ------------------------------------------------------------ */

typedef struct {
  AssistStrip   strip;
  bool          replaced;  ///< An earlier run's insert was removed
  AssistSpeech* speech;
  double*       energy;    ///< K-weighted mean square per 10 ms frame, channels summed
  AssistSpan*   spans;     ///< The phrases
  size_t        n_spans;
  double*       loudness;  ///< Per phrase, LUFS
  double*       gain_db;   ///< Per phrase
  size_t        n_quiet;   ///< Spans dropped as too quiet to be this voice
  AssistPoint*  points;
  size_t        n_points;
} LevelTrack;

typedef struct {
  AssistContext* ctx;
  LevelTrack*    tracks;
  size_t         n_tracks;
} Level;

static void
track_free(LevelTrack* t)
{
  assist_strip_free(&t->strip);
  assist_speech_free(t->speech);
  free(t->energy);
  free(t->spans);
  free(t->loudness);
  free(t->gain_db);
  free(t->points);
}

static double
power_db(double power)
{
  return power > 0.0 ? -0.691 + 10.0 * log10(power) : -INFINITY;
}

/* --- rendering ------------------------------------------------------------ */

static MixdownStatus
on_begin(void* user_data, const AssistRenderInfo* info)
{
  Level* lv = user_data;
  for (size_t i = 0; i < lv->n_tracks; ++i) {
    LevelTrack* t = &lv->tracks[i];
    if (t->strip.stem >= info->n_stems) {
      return assist_fail(lv->ctx, MIXDOWN_ERR_BAD_ARG, "no stem for %s", t->strip.name);
    }
    t->speech = assist_speech_new(info->rate);
    if (!t->speech) {
      return MIXDOWN_ERR_NO_MEM;
    }
  }
  return MIXDOWN_SUCCESS;
}

static MixdownStatus
on_block(void* user_data, uint64_t first_frame, const float* mix_left, const float* mix_right,
         const float* const* stems, uint32_t frames)
{
  (void)first_frame;
  (void)mix_left;
  (void)mix_right;
  Level* lv = user_data;
  for (size_t i = 0; i < lv->n_tracks; ++i) {
    LevelTrack*         t  = &lv->tracks[i];
    const uint32_t      s  = t->strip.stem;
    const MixdownStatus st = assist_speech_feed(t->speech, stems[2U * s], stems[2U * s + 1U], frames);
    if (st != MIXDOWN_SUCCESS) {
      return st;
    }
  }
  return MIXDOWN_SUCCESS;
}

/* --- phrases and their gains ---------------------------------------------- */

static size_t
hop_at(double time_s, size_t n_hops)
{
  const double k = floor(time_s / assist_speech_hop_s());
  return k <= 0.0 ? 0U : (size_t)k >= n_hops ? n_hops : (size_t)k;
}

// The mean power of the 400 ms block at hop `b` (`gain`: a power gain per
// hop, or NULL).
static double
block_power(const double* energy, const double* gain, size_t b, size_t block)
{
  double power = 0.0;
  for (size_t k = b; k < b + block; ++k) {
    power += gain ? energy[k] * gain[k] : energy[k];
  }
  return power / (double)block;
}

// Loudness as a meter integrates it (BS.1770) over the phrases `spans`:
// 400 ms blocks every 100 ms inside each phrase, gated at -70 LUFS and 10
// LU under their mean, so the pauses and soft ends inside a phrase count
// as they count on any meter.  A phrase shorter than a block is one block
// of its own length.  `gain`: a power gain per hop, or NULL.
static double
gated_loudness(const double* energy, const double* gain, const AssistSpan* spans, size_t n_spans, size_t n_hops)
{
  const size_t block = 40U, step = 10U; // hops of 10 ms
  double       gate_lufs = -70.0;
  double       loudness  = -INFINITY;
  for (int pass = 0; pass < 2; ++pass) { // the absolute gate, then the relative one
    double sum = 0.0;
    size_t n   = 0;
    for (size_t i = 0; i < n_spans; ++i) {
      const size_t from = hop_at(spans[i].start_s, n_hops), to = hop_at(spans[i].end_s, n_hops);
      const size_t len  = to - from < block ? to - from : block;
      for (size_t b = from; len && b + len <= to; b += step) {
        const double power = block_power(energy, gain, b, len);
        if (power_db(power) > gate_lufs) {
          sum += power;
          ++n;
        }
      }
    }
    loudness  = n ? power_db(sum / (double)n) : -INFINITY;
    gate_lufs = loudness - 10.0;
  }
  return loudness;
}

static double
clamp(double x, double lo, double hi)
{
  return x < lo ? lo : x > hi ? hi : x;
}

// Spans far below the track's speech are not this voice: another
// speaker's bleed into the microphone, a noise the detector let through.
// Raised to the target they would be the loudest thing in the pause, so
// they are no phrases: the gain around them holds.  Returns how many.
static size_t
drop_quiet(LevelTrack* t)
{
  double power = 0.0;
  for (size_t i = 0; i < t->n_spans; ++i) {
    power += isfinite(t->loudness[i]) ? pow(10.0, t->loudness[i] / 10.0) : 0.0;
  }
  const double gate_lufs = 10.0 * log10(power / (double)t->n_spans + 1e-30) - quiet_gate_lu;
  size_t       kept      = 0;
  for (size_t i = 0; i < t->n_spans; ++i) {
    if (t->loudness[i] >= gate_lufs) {
      t->spans[kept]    = t->spans[i];
      t->loudness[kept] = t->loudness[i];
      ++kept;
    }
  }
  const size_t dropped = t->n_spans - kept;
  t->n_spans           = kept;
  return dropped;
}

// The breakpoints: the first phrase's gain from its start, then in each
// pause one ramp (rises late, falls early), the last phrase's gain to its
// end.  Times rounded to the millisecond as written.
static bool
build_points(LevelTrack* t, double ramp_s)
{
  t->points = calloc(2U * t->n_spans + 2U, sizeof *t->points);
  if (!t->points) {
    return false;
  }
  size_t n         = 0;
  t->points[n++]   = (AssistPoint){t->spans[0].start_s, t->gain_db[0]};
  for (size_t i = 0; i + 1U < t->n_spans; ++i) {
    const double g0 = t->gain_db[i], g1 = t->gain_db[i + 1U];
    if (fabs(g1 - g0) < 0.05) {
      continue; // the same gain when written: nothing moves
    }
    const double pause_start = t->spans[i].end_s, pause_end = t->spans[i + 1U].start_s;
    const double room        = pause_end - pause_start - 2.0 * guard_s;
    double       from, to;
    if (room >= 0.01) {
      const double r    = ramp_s < room ? ramp_s : room;
      const double tail = room - r >= tail_s - guard_s ? tail_s : guard_s;
      from              = g1 > g0 ? pause_end - guard_s - r : pause_start + tail;
      to                = from + r;
    } else { // a pause too short for the guards: the ramp takes all of it
      from = pause_start;
      to   = pause_end;
    }
    t->points[n++] = (AssistPoint){from, g0};
    t->points[n++] = (AssistPoint){to, g1};
  }
  const AssistSpan last = t->spans[t->n_spans - 1U];
  if (last.end_s > t->points[n - 1U].time_s + 0.001) {
    t->points[n++] = (AssistPoint){last.end_s, t->gain_db[t->n_spans - 1U]};
  }
  t->n_points = n;
  return true;
}

// The gain the envelope gives at `time_s` (linear between points, held
// before the first and after the last), dB.  `*from` is where the search
// starts and is left at the segment found: times asked in order cost one
// pass over the points in all.
static double
envelope_at(const AssistPoint* p, size_t n, double time_s, size_t* from)
{
  if (time_s <= p[0].time_s) {
    return p[0].value;
  }
  size_t i = *from > 0U ? *from : 1U;
  while (i < n && time_s >= p[i].time_s) {
    ++i;
  }
  *from = i;
  if (i == n) {
    return p[n - 1U].value;
  }
  const double f = (time_s - p[i - 1U].time_s) / (p[i].time_s - p[i - 1U].time_s);
  return p[i - 1U].value + f * (p[i].value - p[i - 1U].value);
}

static int
compare_double(const void* a, const void* b)
{
  const double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

static double
percentile(double* sorted, size_t n, double p)
{
  if (!n) {
    return NAN;
  }
  const size_t i = (size_t)lround(p * (double)(n - 1U));
  return sorted[i];
}

/// What the track sounds like before and after the envelope, from its own
/// hops (an estimate: the render after is not made).
typedef struct {
  double lra_before_lu, lra_after_lu;
  double speech_before_lufs, speech_after_lufs;
} Estimate;

// The loudness range over speech: short-term windows centred in a phrase,
// with the envelope (`with_gain`) or without, gated and cut as Tech 3342.
static double
speech_lra(const LevelTrack* t, const double* gain, const uint8_t* in_phrase, size_t n_hops)
{
  const double hop_s   = assist_speech_hop_s();
  const size_t window  = (size_t)lround(short_term_s / hop_s);
  const size_t step    = (size_t)lround(short_hop_s / hop_s);
  const size_t n_max   = n_hops / step + 1U;
  double*      values  = malloc(n_max * sizeof *values);
  double*      powers  = malloc(n_max * sizeof *powers);
  double       lra     = NAN;
  if (!values || !powers || n_hops < window) {
    free(values);
    free(powers);
    return lra;
  }
  // A running sum over the window.
  double sum = 0.0;
  size_t n   = 0;
  for (size_t k = 0; k < n_hops; ++k) {
    sum += t->energy[k] * gain[k];
    if (k >= window) {
      sum -= t->energy[k - window] * gain[k - window];
    }
    if (k + 1U >= window && (k + 1U - window) % step == 0U && in_phrase[k + 1U - window / 2U]) {
      const double p = sum > 0.0 ? sum / (double)window : 0.0;
      if (power_db(p) > -70.0) {
        powers[n++] = p;
      }
    }
  }
  double mean = 0.0;
  for (size_t i = 0; i < n; ++i) {
    mean += powers[i];
  }
  const double gate_db = n ? power_db(mean / (double)n) - 20.0 : 0.0;
  size_t       m       = 0;
  for (size_t i = 0; i < n; ++i) {
    if (power_db(powers[i]) > gate_db) {
      values[m++] = power_db(powers[i]);
    }
  }
  qsort(values, m, sizeof *values, compare_double);
  if (m) {
    lra = percentile(values, m, 0.95) - percentile(values, m, 0.10);
  }
  free(values);
  free(powers);
  return lra;
}

static bool
estimate(const LevelTrack* t, size_t n_hops, Estimate* e)
{
  double*  unity     = malloc((n_hops + 1U) * sizeof *unity);
  double*  gain      = malloc((n_hops + 1U) * sizeof *gain);
  uint8_t* in_phrase = calloc(n_hops + 1U, 1U);
  if (!unity || !gain || !in_phrase) {
    free(unity);
    free(gain);
    free(in_phrase);
    return false;
  }
  const double hop_s = assist_speech_hop_s();
  size_t       at    = 0;
  for (size_t k = 0; k < n_hops; ++k) {
    unity[k] = 1.0;
    gain[k]  = pow(10.0, envelope_at(t->points, t->n_points, ((double)k + 0.5) * hop_s, &at) / 10.0);
  }
  for (size_t i = 0; i < t->n_spans; ++i) {
    for (size_t k = hop_at(t->spans[i].start_s, n_hops); k < hop_at(t->spans[i].end_s, n_hops); ++k) {
      in_phrase[k] = 1;
    }
  }
  e->lra_before_lu      = speech_lra(t, unity, in_phrase, n_hops);
  e->lra_after_lu       = speech_lra(t, gain, in_phrase, n_hops);
  e->speech_before_lufs = gated_loudness(t->energy, NULL, t->spans, t->n_spans, n_hops);
  e->speech_after_lufs  = gated_loudness(t->energy, gain, t->spans, t->n_spans, n_hops);
  free(unity);
  free(gain);
  free(in_phrase);
  return true;
}

/* --- writing and reporting ------------------------------------------------ */

static MixdownStatus
write_insert(AssistContext* ctx, const LevelTrack* t)
{
  char* envelope = assist_envelope_yaml(t->points, t->n_points, 3, 1);
  char* item     = envelope ? malloc(strlen(envelope) + 64U) : NULL;
  char* list     = malloc(strlen(t->strip.address) + sizeof "/inserts");
  if (!envelope || !item || !list) {
    free(envelope);
    free(item);
    free(list);
    return assist_fail(ctx, MIXDOWN_ERR_NO_MEM, "out of memory");
  }
  sprintf(item, "{type: gain, gain_db: %s}", envelope);
  sprintf(list, "%s/inserts", t->strip.address);
  const MixdownStatus st = assist_append(ctx, list, item);
  free(envelope);
  free(item);
  free(list);
  return st;
}

static json_t*
report_track(AssistContext* ctx, const LevelTrack* t, const Estimate* e, double floor_db, double target_lufs,
             double max_gain_db)
{
  json_t* o = json_object();
  json_object_set_new(o, "track", json_string(t->strip.name));
  json_object_set_new(o, "replaced", json_boolean(t->replaced));
  json_object_set_new(o, "phrases", json_integer((json_int_t)t->n_spans));
  json_object_set_new(o, "noise_floor_db", assist_json_number(floor_db, 1));
  if (!t->n_spans) {
    // A muted or silent track: its earlier insert is gone (it was removed
    // to hear the track without it) and none replaces it; say so.
    assist_say(ctx, "%s: no speech found: nothing written%s", t->strip.name,
               t->replaced ? " (its earlier level insert was removed; --dry-run first if the track is muted)" : "");
    return o;
  }
  double* sorted = malloc(t->n_spans * sizeof *sorted);
  if (!sorted) {
    return o;
  }
  memcpy(sorted, t->gain_db, t->n_spans * sizeof *sorted);
  qsort(sorted, t->n_spans, sizeof *sorted, compare_double);
  const double g_min = sorted[0], g_max = sorted[t->n_spans - 1U];
  const double g_med = t->n_spans % 2U ? sorted[t->n_spans / 2U]
                                       : 0.5 * (sorted[t->n_spans / 2U - 1U] + sorted[t->n_spans / 2U]);
  free(sorted);
  size_t limited = 0;
  for (size_t i = 0; i < t->n_spans; ++i) {
    limited += fabs(t->gain_db[i]) >= max_gain_db - 1e-9;
  }
  json_object_set_new(o, "speech_before_lufs", assist_json_number(e->speech_before_lufs, 1));
  json_object_set_new(o, "speech_after_estimated_lufs", assist_json_number(e->speech_after_lufs, 1));
  json_object_set_new(o, "lra_before_lu", assist_json_number(e->lra_before_lu, 1));
  json_object_set_new(o, "lra_after_estimated_lu", assist_json_number(e->lra_after_lu, 1));
  json_object_set_new(o, "basis", json_string("before: measured in the analysis render (10 ms BS.1770 frames); after: "
                                              "estimated from the same frames with the envelope applied, not a render"));
  json_object_set_new(o, "gain_min_db", assist_json_number(g_min, 1));
  json_object_set_new(o, "gain_median_db", assist_json_number(g_med, 1));
  json_object_set_new(o, "gain_max_db", assist_json_number(g_max, 1));
  json_object_set_new(o, "at_limit", json_integer((json_int_t)limited));
  json_object_set_new(o, "points", json_integer((json_int_t)t->n_points));
  json_object_set_new(o, "quiet_spans_skipped", json_integer((json_int_t)t->n_quiet));
  json_t* phrases = json_array();
  for (size_t i = 0; i < t->n_spans; ++i) {
    json_array_append_new(phrases, json_pack("{s:o, s:o, s:o, s:o}", "start_s",
                                             assist_json_number(t->spans[i].start_s, 3), "end_s",
                                             assist_json_number(t->spans[i].end_s, 3), "loudness_lufs",
                                             assist_json_number(t->loudness[i], 1), "gain_db",
                                             assist_json_number(t->gain_db[i], 1)));
  }
  json_object_set_new(o, "phrase_list", phrases);
  assist_say(ctx,
             "%s: %zu phrases; speech %.1f -> %.1f LUFS, loudness range %.1f -> %.1f LU (before: measured in the "
             "analysis render; after: estimated from it with the envelope, not rendered); "
             "gains %+.1f / %+.1f / %+.1f dB (min/median/max), %zu at the ±%g dB limit; %zu points; noise floor "
             "%.1f dB",
             t->strip.name, t->n_spans, e->speech_before_lufs, e->speech_after_lufs, e->lra_before_lu,
             e->lra_after_lu, g_min, g_med, g_max, limited, max_gain_db, t->n_points, floor_db);
  if (t->n_quiet) {
    assist_say(ctx, "%s: %zu stretches of speech more than %g LU under its phrases skipped (bleed or noise: the "
               "gain around them holds)", t->strip.name, t->n_quiet, quiet_gate_lu);
  }
  // The gains its phrases need, unlimited: when some need more than the
  // limit by more than half a dB, centring them on 0 dB with the fader
  // (the user's) lets a re-run reach every phrase it can.
  double* needed = malloc(t->n_spans * sizeof *needed);
  size_t  short_n = 0;
  for (size_t i = 0; needed && i < t->n_spans; ++i) {
    needed[i] = target_lufs - t->loudness[i];
    short_n += fabs(needed[i]) > max_gain_db + 0.5;
  }
  if (needed && short_n) {
    qsort(needed, t->n_spans, sizeof *needed, compare_double);
    assist_say(ctx,
               "%s: %zu of its %zu phrases need more than ±%g dB (%+.1f … %+.1f dB): move its fader by %+.1f dB (their "
               "median) and re-run, or allow more with --max-gain",
               t->strip.name, short_n, t->n_spans, max_gain_db, needed[0], needed[t->n_spans - 1U], needed[t->n_spans / 2U]);
    json_object_set_new(o, "fader_hint_db", assist_json_number(needed[t->n_spans / 2U], 1));
  }
  free(needed);
  return o;
}

/* --- the run -------------------------------------------------------------- */

// Finds the tracks named by --tracks (nearest name for a typo); nothing is
// written until all of them are known.
static MixdownStatus
find_tracks(AssistContext* ctx, Level* lv)
{
  char**       names = NULL;
  const size_t n     = assist_split_list(assist_text(ctx, "tracks"), &names);
  if (!n) {
    return assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--tracks: name at least one speech track (--tracks vox,guest)");
  }
  lv->tracks = calloc(n, sizeof *lv->tracks);
  if (!lv->tracks) {
    assist_free_list(names, n);
    return assist_fail(ctx, MIXDOWN_ERR_NO_MEM, "out of memory");
  }
  MixdownStatus st = MIXDOWN_SUCCESS;
  for (size_t i = 0; i < n && st == MIXDOWN_SUCCESS; ++i) {
    LevelTrack* t    = &lv->tracks[lv->n_tracks];
    char*       name = names[i];
    // "host, guest" as typed: the spaces around a name are not part of it
    while (*name == ' ') {
      ++name;
    }
    for (size_t end = strlen(name); end && name[end - 1U] == ' '; --end) {
      name[end - 1U] = '\0';
    }
    if (!assist_find_strip(ctx, "tracks", name, &t->strip)) {
      st = MIXDOWN_ERR_BAD_ARG;
      break;
    }
    ++lv->n_tracks;
    if (t->strip.kind == ASSIST_MASTER) {
      st = assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--tracks master: level speech tracks or buses, not the master");
    }
    for (size_t j = 0; j + 1U < lv->n_tracks && st == MIXDOWN_SUCCESS; ++j) {
      if (strcmp(lv->tracks[j].strip.name, t->strip.name) == 0) {
        st = assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--tracks %s: named twice", t->strip.name);
      }
    }
  }
  assist_free_list(names, n);
  return st;
}

// An earlier run's insert is removed before the analysis: the stem then
// is what the new insert will process.
static MixdownStatus
remove_own(AssistContext* ctx, Level* lv)
{
  for (size_t i = 0; i < lv->n_tracks; ++i) {
    LevelTrack*    t   = &lv->tracks[i];
    const uint32_t own = assist_own_insert(ctx, t->strip.address, "gain", "gain_db");
    if (own) {
      char* list = malloc(strlen(t->strip.address) + sizeof "/inserts");
      if (!list) {
        return assist_fail(ctx, MIXDOWN_ERR_NO_MEM, "out of memory");
      }
      sprintf(list, "%s/inserts", t->strip.address);
      const MixdownStatus st = assist_remove(ctx, list, own);
      free(list);
      if (st != MIXDOWN_SUCCESS) {
        return st;
      }
      t->replaced = true;
    }
  }
  return MIXDOWN_SUCCESS;
}

// The detector's levels are a loudness meter's over 10 ms (BS.1770's
// channel sum): their mean squares are what phrases are measured by.
static bool
load_energy(LevelTrack* t)
{
  const size_t n_hops   = assist_speech_frames(t->speech);
  const float* level_db = assist_speech_level_db(t->speech);
  t->energy             = malloc((n_hops + 1U) * sizeof *t->energy);
  if (!t->energy) {
    return false;
  }
  for (size_t k = 0; k < n_hops; ++k) {
    t->energy[k] = isfinite(level_db[k]) ? pow(10.0, (level_db[k] + 0.691) / 10.0) : 0.0;
  }
  return true;
}

// The phrases: the detector's spans, each with its loudness, the quiet
// ones dropped.
static bool
find_phrases(AssistContext* ctx, LevelTrack* t)
{
  const size_t n_hops = assist_speech_frames(t->speech);
  t->n_spans = assist_speech_spans(t->speech, assist_number(ctx, "hold"), assist_number(ctx, "min-phrase"), &t->spans);
  if (!t->n_spans) {
    return true;
  }
  t->loudness = malloc(t->n_spans * sizeof *t->loudness);
  t->gain_db  = malloc(t->n_spans * sizeof *t->gain_db);
  if (!t->loudness || !t->gain_db) {
    return false;
  }
  for (size_t i = 0; i < t->n_spans; ++i) {
    t->loudness[i] = gated_loudness(t->energy, NULL, &t->spans[i], 1U, n_hops);
  }
  t->n_quiet = drop_quiet(t);
  return true;
}

// One track after the render: its phrases, their gains, the envelope.
static MixdownStatus
level_track(AssistContext* ctx, LevelTrack* t, json_t* out)
{
  const double target_lufs = assist_number(ctx, "target");
  const double max_gain_db = assist_number(ctx, "max-gain");
  MixdownStatus st = assist_speech_finish(t->speech);
  if (st != MIXDOWN_SUCCESS) {
    return assist_fail(ctx, st, "speech detection on %s failed", t->strip.name);
  }
  if (!load_energy(t) || !find_phrases(ctx, t)) {
    return assist_fail(ctx, MIXDOWN_ERR_NO_MEM, "out of memory");
  }
  const size_t   n_hops = assist_speech_frames(t->speech);
  Estimate       e      = {NAN, NAN, -INFINITY, -INFINITY};
  if (t->n_spans) {
    for (size_t i = 0; i < t->n_spans; ++i) {
      // Written at 0.1 dB: the gain is rounded here so the report and the
      // estimate are what the file holds.
      const double g = isfinite(t->loudness[i]) ? clamp(target_lufs - t->loudness[i], -max_gain_db, max_gain_db) : 0.0;
      t->gain_db[i]  = round(g * 10.0) / 10.0;
    }
    if (!build_points(t, assist_number(ctx, "ramp") / 1000.0) || !estimate(t, n_hops, &e)) {
      return assist_fail(ctx, MIXDOWN_ERR_NO_MEM, "out of memory");
    }
    st = write_insert(ctx, t);
    if (st != MIXDOWN_SUCCESS) {
      return st;
    }
  }
  json_array_append_new(out, report_track(ctx, t, &e, assist_speech_floor_db(t->speech), target_lufs, max_gain_db));
  return MIXDOWN_SUCCESS;
}

static MixdownStatus
level_run(AssistContext* ctx)
{
  Level         lv = {.ctx = ctx};
  MixdownStatus st = find_tracks(ctx, &lv);
  if (st == MIXDOWN_SUCCESS) {
    st = remove_own(ctx, &lv);
  }
  if (st == MIXDOWN_SUCCESS) {
    st = assist_render(ctx, NULL, true, "analysing", on_begin, on_block, &lv);
  }
  if (st == MIXDOWN_SUCCESS) {
    assist_say(ctx, "target %.1f LUFS per phrase, gains within ±%g dB", assist_number(ctx, "target"),
               assist_number(ctx, "max-gain"));
    json_t* tracks = json_array();
    for (size_t i = 0; i < lv.n_tracks && st == MIXDOWN_SUCCESS; ++i) {
      st = level_track(ctx, &lv.tracks[i], tracks);
    }
    assist_report_set(ctx, "target_lufs", assist_json_number(assist_number(ctx, "target"), 1));
    assist_report_set(ctx, "max_gain_db", assist_json_number(assist_number(ctx, "max-gain"), 1));
    assist_report_set(ctx, "tracks", tracks);
  }
  for (size_t i = 0; i < lv.n_tracks; ++i) {
    track_free(&lv.tracks[i]);
  }
  free(lv.tracks);
  return st;
}

const AssistKind assist_level = {
  .name        = "level",
  .description = "Even out speakers and phrases: a gain envelope per speech track, frozen in pauses",
  .options     = level_options,
  .n_options   = sizeof level_options / sizeof level_options[0],
  .run         = level_run,
};
