// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// mixdown assist unmask --fix: one bell on the masker whose gain is an
// envelope that cuts while the masked track is present in the pair's worst
// bands, as deep as it needs (at most --max-cut), and 0 dB elsewhere; an
// earlier run's cut removed first.

#include "unmask_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double UNMASK_RAMP_S      = 0.03; ///< The cut's ramps, outside the time it holds
static const double UNMASK_MARGIN_DB   = 3.0;  ///< A cut aims this far below the threshold

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
MixdownStatus
unmask_remove_earlier_cuts(Unmask* u)
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
    assist_say(u->ctx, "an earlier cut on %s is replaced (the mix is measured without it):", unmask_track_name(u, k));
    const MixdownStatus st = assist_remove(u->ctx, inserts, own);
    free(inserts);
    if (st != MIXDOWN_SUCCESS) {
      return st;
    }
  }
  return MIXDOWN_SUCCESS;
}

// The pair to fix: --masker/--masked, else the worst.
static const Pair*
pair_to_fix(const Unmask* u, const Pair* pairs, size_t n_pairs)
{
  const char* masker = assist_text(u->ctx, "masker");
  const char* masked = assist_text(u->ctx, "masked");
  const int   m      = masker ? unmask_track_index(u, masker) : -1;
  const int   t      = masked ? unmask_track_index(u, masked) : -1;
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
  const double worst = unmask_band_score(u, c, p->masker, p->masked, p->worst_band);
  *lo = *hi = p->worst_band;
  while (*lo > 0U && p->worst_band - *lo < 2U && unmask_band_score(u, c, p->masker, p->masked, *lo - 1U) >= worst / 3.0) {
    --*lo;
  }
  while (*hi + 1U < u->n_bands && *hi - p->worst_band < 2U &&
         unmask_band_score(u, c, p->masker, p->masked, *hi + 1U) >= worst / 3.0) {
    ++*hi;
  }
}

// How deep a cut of the masker uncovers frame f's masked cells in bands
// lo … hi (0 when nothing there is masked by it; at most max_cut).
static double
cut_needed_db(const Unmask* u, const double* spread, const Lenders* lenders, const Pair* p, uint64_t f, uint32_t lo,
              uint32_t hi, double max_cut)
{
  const float*   energy = unmask_row(u, u->energy, p->masked, f);
  const uint8_t* pres   = u->present + ((size_t)p->masked * u->n_frames + f) * u->n_bands;
  double         need   = 0.0;
  for (uint32_t z = lo; z <= hi; ++z) {
    const Cell c = unmask_judge(u, spread, lenders, p->masked, z);
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
    const double a = unmask_run_start_s(u, &runs[i]), b = unmask_run_end_s(u, &runs[i]);
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
        unmask_spread_frame(u, f, spread);
        unmask_sum_lenders(u, spread, lenders);
        need[f] = cut_needed_db(u, spread, lenders, p, f, lo, hi, max_cut);
      }
    }
    n = unmask_find_runs(u, hit, runs);
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

MixdownStatus
unmask_fix(Unmask* u, const Counts* c, const Pair* pairs, size_t n_pairs)
{
  AssistContext* ctx = u->ctx;
  const Pair*    p   = pair_to_fix(u, pairs, n_pairs);
  if (!p || !p->cells) {
    assist_say(ctx, "fix: nothing to cut (no masked cells for that pair): nothing new written (an earlier cut, if any, is removed: see the writes)");
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
    assist_say(ctx, "fix: %s is never masked deep enough in %.0f–%.0f Hz to cut: nothing new written (an earlier cut, if any, is removed: see the writes)",
               unmask_track_name(u, p->masked), f_lo, f_hi);
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
             unmask_track_name(u, p->masker), freq, q, f_lo, f_hi, deepest, cuts, unmask_track_name(u, p->masked));
  const MixdownStatus st = assist_append(ctx, list, item);
  json_t*             o  = json_object();
  json_object_set_new(o, "masker", json_string(unmask_track_name(u, p->masker)));
  json_object_set_new(o, "masked", json_string(unmask_track_name(u, p->masked)));
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
