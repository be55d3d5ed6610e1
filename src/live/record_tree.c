// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// A take's values: each moved parameter's envelope (the same glide the
// engine played), or the last value of a choice or switch, set by its
// address in the editable session (src/edit): the session's text with
// only those values changed, each edit validated as any edit is.  An edit
// refused costs itself alone (said in the report's note).  Control thread.

#include "live/record_internal.h"

#include "engine/automation.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Envelopes                                                                 */

// The session's value of what `c` sets (constant or envelope); false for
// a strip's value its table says a session cannot automate (solo,
// polarity).  An insert's settings that are not numbers, and its bypass,
// are written as constants (place_moves()).
static bool
session_value(const MixdownSession* s, const MdLiveChange* c, MdValue* out)
{
  const MdNode* node = &s->nodes[c->node];
  if (c->kind != MD_LIVE_INSERT && c->kind != MD_LIVE_BYPASS && !md_param_automatable(md_control_param(s, c))) {
    return false;
  }
  switch (c->kind) {
  case MD_LIVE_GAIN_DB: *out = node->gain_db; return true;
  case MD_LIVE_PAN: *out = node->pan; return true;
  case MD_LIVE_SEND_DB: *out = node->sends[c->index].level_db; return true;
  case MD_LIVE_INSERT: *out = node->inserts[c->index].values[c->slot]; return true;
  case MD_LIVE_BYPASS: *out = (MdValue){.value = node->inserts[c->index].bypass ? 1.0 : 0.0}; return true;
  case MD_LIVE_MUTE:
    *out = node->mute;
    return true;
  default: return false;
  }
}

static bool
add_point(MdYNode* points, double time_s, double value)
{
  MdYNode* pair = md_ynode_new(MD_YNODE_SEQUENCE);
  if (!pair || !md_ynode_append(pair, md_ynode_new_number(time_s), NULL) ||
      !md_ynode_append(pair, md_ynode_new_number(value), NULL)) {
    md_ynode_free(pair);
    return false;
  }
  return md_ynode_append(points, pair, NULL);
}

// The envelope of one parameter: the session's value until the first
// move, then every move as the audio thread played it — the engine's glide
// (engine/live.c): from the value where the move found it, straight to
// its value over `glide_s`.  A move during a glide starts from where that
// glide had got to, which ends there.
static MdYNode*
envelope(const MdValue* original, const MdAppliedMove* moves, size_t n, double rate, double glide_s)
{
  MdYNode* env    = md_ynode_new(MD_YNODE_MAPPING);
  MdYNode* points = md_ynode_new(MD_YNODE_SEQUENCE);
  if (!env || !points || !md_ynode_set(env, "points", points) ||
      !md_ynode_set(env, "curve", md_ynode_new_scalar("linear", true))) {
    md_ynode_free(env);
    return NULL;
  }
  const double first_s = (double)moves[0].frame / rate;
  double       value   = original->value;
  double       last_s  = 0.0;
  if (original->envelope) {
    MdAutomation* a = md_automation_new(original->envelope);
    for (size_t i = 0U; i < original->envelope->n_points && original->envelope->points[i].time_s < first_s; ++i) {
      last_s = original->envelope->points[i].time_s;
      if (!add_point(points, last_s, original->envelope->points[i].value)) {
        md_automation_free(a);
        md_ynode_free(env);
        return NULL;
      }
    }
    value = a ? md_automation_value(a, first_s) : value;
    md_automation_free(a);
  }
  bool   ok        = points->n_items || add_point(points, 0.0, value);
  double glide_s0  = 0.0; // the last glide: from (glide_s0, glide_v0) to (last_s, value)
  double glide_v0  = value;
  bool   glided    = false;
  for (size_t i = 0U; ok && i < n; ++i) {
    const double t     = (double)moves[i].frame / rate;
    const double end_s = (double)(moves[i].frame + llround(glide_s * rate)) / rate; // a frame's time, as the engine's
    if (!glided || t >= last_s) {
      ok = (t <= last_s || add_point(points, t, value)) && add_point(points, end_s, moves[i].change.value);
      glide_s0 = t > last_s ? t : last_s;
      glide_v0 = value;
    } else {
      // A move during the last glide: that glide stops where it had got
      // to (its last point moves there), and this one starts from it.
      const double at = md_curve_interpolate(MD_CURVE_LINEAR, glide_v0, value, (t - glide_s0) / (last_s - glide_s0));
      MdYNode* pair = points->items[points->n_items - 1U];
      md_ynode_free(pair->items[0]);
      md_ynode_free(pair->items[1]);
      pair->items[0] = md_ynode_new_number(t);
      pair->items[1] = md_ynode_new_number(at);
      ok             = pair->items[0] && pair->items[1] && add_point(points, end_s, moves[i].change.value);
      glide_s0       = t;
      glide_v0       = at;
    }
    glided = true;
    last_s = end_s;
    value  = moves[i].change.value;
  }
  if (!ok) {
    md_ynode_free(env);
    return NULL;
  }
  return env;
}

/* ------------------------------------------------------------------------ */
/* Writing                                                                   */

static int
by_target_then_time(const void* pa, const void* pb)
{
  const MdAppliedMove* a = pa;
  const MdAppliedMove* b = pb;
  const uint64_t ka = (uint64_t)a->change.kind << 48 | (uint64_t)a->change.node << 24 | a->change.index;
  const uint64_t kb = (uint64_t)b->change.kind << 48 | (uint64_t)b->change.node << 24 | b->change.index;
  if (ka != kb) {
    return ka < kb ? -1 : 1;
  }
  if (a->change.slot != b->change.slot) {
    return a->change.slot < b->change.slot ? -1 : 1;
  }
  return a->frame < b->frame ? -1 : a->frame > b->frame ? 1 : 0;
}

// The value a constant (a choice or a switch) is written as: the choice's
// name, or true/false.
static MdYNode*
constant_node(const MdParam* param, double value)
{
  if (param->info.kind == MIXDOWN_PARAM_BOOL) {
    return md_ynode_new_scalar(value != 0.0 ? "true" : "false", false);
  }
  size_t n = 0U;
  while (param->info.choices && param->info.choices[n]) {
    ++n;
  }
  const double index = floor(value + 0.5);
  return index >= 0.0 && index < (double)n ? md_ynode_new_scalar(param->info.choices[(size_t)index], false) : NULL;
}

// Appends "; " and a formatted line to `note` while it fits.
static void
add_note(char* note, size_t size, const char* line)
{
  const size_t used = strlen(note);
  if (used + strlen(line) + 3U < size) {
    snprintf(note + used, size - used, "%s%s", used ? "; " : "", line);
  }
}

// The last move of a target in the order they were applied (after a
// locate, time order is not that order).
static const MdAppliedMove*
last_applied(const MdRecorder* r, const MdLiveChange* target)
{
  const MdAppliedMove* last = NULL;
  for (size_t i = 0U; i < r->n_moves; ++i) {
    last = md_record_same_target(&r->moves[i].change, target) ? &r->moves[i] : last;
  }
  return last;
}

// Sets what `address` names to `value` in the take (md_edit_set_tree():
// validated as any edit).  False only when out of memory; a refused edit
// (`*kept` false) is said in the note and costs these `n` moves alone.
static bool
set_value(MdTake* take, const char* address, const MdYNode* value, size_t n, MdRecordReport* report, bool* kept)
{
  take->error[0]         = '\0';
  const MixdownStatus st = md_edit_set_tree(take->editor, address, value);
  *kept                  = st == MIXDOWN_SUCCESS;
  if (st == MIXDOWN_ERR_NO_MEM) {
    return false;
  }
  if (!*kept) {
    char line[600];
    snprintf(line, sizeof line, "%s; %zu move%s not written", take->error[0] ? take->error : address, n,
             n == 1U ? "" : "s");
    add_note(report->note, sizeof report->note, line);
    report->refused += n;
  }
  return true;
}

// One parameter's moves (`n` of them, in time order) into the take.
// False only when out of memory: a move with no place, or whose edit is
// refused, costs itself alone.
static bool
place_moves(MdTake* take, const MdRecorder* r, const MixdownSession* s, const MdAppliedMove* moves, size_t n,
            double rate, double glide_s, MdRecordReport* report)
{
  const MdLiveChange* c = &moves[0].change;
  char                address[400];
  char                line[600];
  md_control_address(s, c, address, sizeof address);
  MdValue original;
  if (!session_value(s, c, &original)) {
    report->switches += n;
    return true;
  }
  const MdParam* param = md_control_param(s, c);
  MdAddress      place;
  char           why[400];
  if (!param || !md_address_resolve(mixdown_editor_session(take->editor), address, &place, why, sizeof why)) {
    snprintf(line, sizeof line, "%s: no place for it in the session file, %zu move%s not written", address, n,
             n == 1U ? "" : "s");
    if (!report->unplaced) {
      add_note(report->note, sizeof report->note, line);
    }
    report->unplaced += n;
    return true;
  }
  bool kept = false;
  if ((c->kind == MD_LIVE_INSERT || c->kind == MD_LIVE_BYPASS) && param->info.kind != MIXDOWN_PARAM_NUMBER) {
    // A session has envelopes for numbers only: the setting it ended on
    // (a bypass too: a session's `bypass` is a constant).
    const MdAppliedMove* last  = last_applied(r, c);
    MdYNode*             value = constant_node(param, last->change.value);
    if (!value) {
      report->unplaced += n;
      return true;
    }
    const bool ok = set_value(take, address, value, n, report, &kept);
    if (ok && kept) {
      snprintf(line, sizeof line, "%s moved %zu time%s: written as its last value, %s, from the start", address, n,
               n == 1U ? "" : "s", value->text);
      add_note(report->note, sizeof report->note, line);
      ++report->constants;
    }
    md_ynode_free(value);
    return ok;
  }
  MdYNode* env = envelope(&original, moves, n, rate, glide_s);
  if (!env) {
    return false;
  }
  const bool ok = set_value(take, address, env, n, report, &kept);
  md_ynode_free(env);
  if (ok && kept) {
    ++report->envelopes;
    report->moves += n;
  }
  return ok;
}

MixdownStatus
md_record_apply_moves(MdTake* take, const MdRecorder* r, const MixdownSession* s, double rate, double glide_s,
                      MdRecordReport* report)
{
  MdAppliedMove* moves = malloc((r->n_moves ? r->n_moves : 1U) * sizeof *moves);
  if (!moves) {
    return MIXDOWN_ERR_NO_MEM;
  }
  if (r->n_moves) { // memcpy and qsort take no NULL, even for no moves
    memcpy(moves, r->moves, r->n_moves * sizeof *moves);
    qsort(moves, r->n_moves, sizeof *moves, by_target_then_time);
  }
  MixdownStatus st = MIXDOWN_SUCCESS;
  for (size_t i = 0U; i < r->n_moves && !st;) {
    size_t j = i + 1U;
    while (j < r->n_moves && md_record_same_target(&moves[j].change, &moves[i].change)) {
      ++j;
    }
    st = place_moves(take, r, s, moves + i, j - i, rate, glide_s, report) ? MIXDOWN_SUCCESS : MIXDOWN_ERR_NO_MEM;
    i  = j;
  }
  free(moves);
  return st;
}
