// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// mixdown assist unmask, the report: the pairs worst first with their worst
// band and times (text and JSON), and the pair × band matrix for --plot.

#include "unmask_internal.h"
#include "unmask_plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double UNMASK_MERGE_S     = 0.2;  ///< Gaps this short between two present runs are bridged

/* --- when: runs of frames ------------------------------------------------ */

// Runs of frames where `hit` is set, bridged over gaps up to UNMASK_MERGE_S.
size_t
unmask_find_runs(const Unmask* u, const uint8_t* hit, Run** runs)
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

double
unmask_run_start_s(const Unmask* u, const Run* r)
{
  const double t = ((double)r->first + 1.0) * u->hop_s - 0.5 * u->hop_s; // the frame's centre, less half a hop
  return t < 0.0 ? 0.0 : t;
}

double
unmask_run_end_s(const Unmask* u, const Run* r)
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
  size_t   n    = hit ? unmask_find_runs(u, hit, &runs) : 0U;
  text[0]       = '\0';
  if (runs) {
    qsort(runs, n, sizeof *runs, more_hits_first);
  }
  size_t used = 0;
  for (size_t i = 0; i < n && i < UNMASK_TIMES; ++i) {
    const double a = unmask_run_start_s(u, &runs[i]), b = unmask_run_end_s(u, &runs[i]);
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
  return present ? 100.0 * (double)c->masked[unmask_pair_index(u, p->masker, p->masked, z)] / (double)present : 0.0;
}

static json_t*
pair_json(const Unmask* u, const Counts* c, const Pair* p, json_t* times)
{
  json_t* bands = json_array();
  for (uint32_t z = 0; z < u->n_bands; ++z) {
    json_array_append_new(bands, assist_json_number(band_percent(u, c, p, z), 2));
  }
  json_t* o = json_object();
  json_object_set_new(o, "masker", json_string(unmask_track_name(u, p->masker)));
  json_object_set_new(o, "masked", json_string(unmask_track_name(u, p->masked)));
  json_object_set_new(o, "masked_percent", assist_json_number(p->percent, 3));
  json_object_set_new(o, "masked_cells", json_integer((json_int_t)p->cells));
  json_object_set_new(o, "present_cells", json_integer((json_int_t)p->present));
  json_object_set_new(o, "mean_depth_db", assist_json_number(p->cells ? p->depth_db / (double)p->cells : 0.0, 2));
  json_object_set_new(o, "worst_band_hz", p->cells ? band_json(u, p->worst_band) : json_null());
  json_object_set_new(o, "worst_times_s", times ? times : json_array());
  json_object_set_new(o, "band_percent", bands);
  return o;
}

void
unmask_report(const Unmask* u, const Counts* c, const Pair* pairs, size_t n_pairs)
{
  AssistContext* ctx = u->ctx;
  assist_say(ctx, "unmask: %u tracks, %u critical bands (%.0f Hz … %.0f Hz), %llu frames of %.0f ms every %.0f ms",
             u->n_tracks, u->n_bands, u->edges_hz[0], u->edges_hz[u->n_bands], (unsigned long long)u->n_frames,
             1000.0 * u->fft_size / u->rate, 1000.0 * u->hop_s);
  // every figure below is measured on this render, none estimated; what a
  // --fix changes is measured by running the report on the written session
  assist_say(ctx, "measured on the session's stems as rendered for this analysis%s",
             assist_flag(ctx, "fix") ? " (without an earlier unmask cut)" : "");
  assist_report_set(ctx, "basis", json_string(assist_flag(ctx, "fix")
                                                ? "measured: the session's stems rendered for analysis, without an "
                                                  "earlier unmask cut, before this run's cut"
                                                : "measured: the session's stems rendered for analysis"));
  json_t* names = json_array();
  for (uint32_t k = 0; k < u->n_tracks; ++k) {
    json_array_append_new(names, json_string(unmask_track_name(u, k)));
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
                 unmask_track_name(u, p->masker), unmask_track_name(u, p->masked), p->percent, (unsigned long long)p->cells,
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

MixdownStatus
unmask_draw(const Unmask* u, const Counts* c, const Pair* pairs, size_t n_pairs)
{
  const char* path = assist_text(u->ctx, "plot");
  if (!path) {
    return MIXDOWN_SUCCESS;
  }
  size_t rows = 0;
  while (rows < n_pairs && rows < 40U && pairs[rows].cells) {
    ++rows;
  }
  if (u->ctx->dry_run) {
    assist_say(u->ctx, "plot: %s not drawn (a dry run writes nothing)", path);
    return MIXDOWN_SUCCESS;
  }
  char**  labels  = calloc(rows ? rows : 1U, sizeof *labels);
  double* percent = calloc((rows ? rows : 1U) * u->n_bands, sizeof *percent);
  MixdownStatus st = labels && percent ? MIXDOWN_SUCCESS : MIXDOWN_ERR_NO_MEM;
  for (size_t r = 0; st == MIXDOWN_SUCCESS && r < rows; ++r) {
    const char* a = unmask_track_name(u, pairs[r].masker);
    const char* b = unmask_track_name(u, pairs[r].masked);
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
