// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `mixdown assist balance`: static track faders fitted so the mix matches a
// reference mix (--ref) or puts each named track at a loudness relative to
// the mix (--targets).  Both hear every track's post-fader stem in
// K-weighted third-octave bands (bands.h), left and right apart so that
// the powers are those a loudness meter adds up (BS.1770 sums channels).
//
// --ref: the reference is played through a one-track session at the
// session's rate (the engine resamples it), its onsets are
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
//
// This file: the options, the run, the report and the writes;
// balance_listen.c hears, balance_fit.c fits (balance.h).

#include "balance.h"

#include "session/model.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double balance_min_change_db = 0.05; ///< Smaller changes are not written

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
      assist_say(ctx, "  %-12s kept (not named)  %+.1f LU to the mix, estimated", t->name, t->achieved_lu);
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
      snprintf(extra, sizeof extra, "  %+.1f LU to the mix, estimated (target %+.1f)", t->achieved_lu, t->target_lu);
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

static MixdownStatus
fit_reference(Balance* b, const char* path)
{
  AssistContext* ctx          = b->ctx;
  const double   max_offset_s = assist_number(ctx, "align");
  Alignment      al           = {0};
  BalanceFit     fit          = {0};
  MixdownStatus  st           = balance_hear_reference(b, path, max_offset_s, &al);
  if (st == MIXDOWN_SUCCESS) {
    st = balance_fit_reference(b, &al.aligned, &fit);
  }
  if (st != MIXDOWN_SUCCESS) {
    return st;
  }
  const double residual = fit.residual_db, residual_was = fit.residual_before_db;
  const size_t n_rows   = fit.n_rows;
  double shift_db = 0.0;
  const bool keep = assist_number(ctx, "level") == 1.0;
  if (keep && (st = balance_keep_level(b, &shift_db)) != MIXDOWN_SUCCESS) {
    return st;
  }
  // the report
  const double offset_s = al.offset_s;
  assist_say(ctx, "balance: %u track%s fitted to %s on %u third-octave bands", (unsigned)b->n_tracks,
             b->n_tracks == 1U ? "" : "s", path, b->m.n_fit);
  balance_say_sampling(b);
  if (al.aligned) {
    assist_say(ctx, "aligned: the reference is %.2f s %s than the mix (onset correlation %.2f); %zu rows of %.2f s",
               fabs(offset_s), offset_s >= 0.0 ? "later" : "earlier", al.correlation, n_rows / b->m.n_fit,
               fmax(1.0, round(BALANCE_SEGMENT_S / b->hop_s)) * b->hop_s);
  } else if (max_offset_s > 0.0) {
    assist_say(ctx, "not aligned (best onset correlation %.2f < %.2f within ±%.0f s): fitted on long-term spectra",
               al.correlation, BALANCE_MIN_CORRELATION, max_offset_s);
  } else {
    assist_say(ctx, "--align 0: fitted on long-term spectra");
  }
  assist_say(ctx, "residual, estimated from the analysis: %.2f dB RMS over bands and times (%.2f dB before)", residual,
             residual_was);
  if (keep) {
    assist_say(ctx, "--level keep: every fader moved %+.2f dB more so the mix keeps its loudness (estimated)", shift_db);
  }
  json_t* alignment = json_object();
  json_object_set_new(alignment, "method", json_string(al.aligned ? "aligned" : "long-term spectra"));
  json_object_set_new(alignment, "offset_s", al.aligned ? assist_json_number(offset_s, 3) : json_null());
  json_object_set_new(alignment, "correlation", assist_json_number(al.correlation, 3));
  assist_report_set(ctx, "mode", json_string("ref"));
  assist_report_set(ctx, "basis", json_string("estimated from the analysis: the stems' band powers added as uncorrelated, not a render of the written session"));
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
  st = balance_tracks_init(&b);
  if (st == MIXDOWN_SUCCESS && targets) {
    st = read_targets(&b, targets);
  }
  if (st == MIXDOWN_SUCCESS) {
    st = balance_listen(&b);
  }
  if (st == MIXDOWN_SUCCESS) {
    st = ref ? fit_reference(&b, ref) : balance_fit_targets(&b);
  }
  if (st == MIXDOWN_SUCCESS) {
    note_routing(&b);
    json_t* list = json_array();
    st           = list ? write_gains(&b, list) : MIXDOWN_ERR_NO_MEM;
    assist_report_set(ctx, "tracks", list);
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

