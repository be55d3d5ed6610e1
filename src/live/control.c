// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Live control addresses: the transport's own, and every other through
// the one resolver of addresses (session/address.h, its live scope); here
// only what is live: whether the table lets the value move while playing,
// the clamp of a value to its range (with a note), and the MdLiveChange.

#include "live/control.h"

#include "dsp/strip.h"
#include "session/address.h"
#include "util/checked_number.h"
#include "util/suggest.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

// The verbs of /transport/VERB.
static const char* const transport_verbs[] = {"play", "stop", "locate", "loop"};

static void
suggest(char* note, size_t size, const char* what, const char* word, const char* const* names, size_t n)
{
  const char* near = md_suggest(word, names, n);
  if (near) {
    snprintf(note, size, "unknown %s `%s` (did you mean `%s`?)", what, word, near);
  } else {
    snprintf(note, size, "unknown %s `%s`", what, word);
  }
}

// The number a value slot takes (md_param_fit(), the range check the
// validator uses, under its clamping policy): 0/1 for a switch, a whole
// index for a choice, clamped to the table's range (and `note` says so).
// NaN and infinities are refused (false, `note` says why): `NaN < min` is
// false, so a plain clamp would pass them to the mix.
static bool
fit_value(const MdParam* p, double value, const char* address, double* out, char* note, size_t size)
{
  const MixdownParamInfo* info = &p->info;
  const char*             unit = info->unit;
  switch (md_param_fit(p, value, MD_RANGE_CLAMP, out)) {
  case MD_RANGE_NOT_FINITE:
    snprintf(note, size, "%g refused: %s (valid range %g…%g%s%s)", value, md_checked_number_finite(value), info->min,
             info->max, unit[0] ? " " : "", unit);
    return false;
  case MD_RANGE_CLAMPED:
    snprintf(note, size, "%s %g is out of range %g…%g%s%s: %g used", address, value, info->min, info->max,
             unit[0] ? " " : "", unit, *out);
    return true;
  case MD_RANGE_INSIDE:
  case MD_RANGE_OUTSIDE: break; // never under MD_RANGE_CLAMP
  }
  return true;
}

// A value the table fixes while playing (MD_PARAM_FIXED_WHILE_PLAYING, or
// a kind no move can set: a list, a file, a sidechain key): a move would
// be heard as nothing and recorded as a change the render would make, so
// it is refused on arrival with the table's reason.  False, with the note.
static bool
refuse_fixed(const MdParam* p, char* note, size_t size)
{
  const char* why = p->fixed_why;
  snprintf(note, size, "`%s` is fixed while playing%s%s", p->info.name, why ? ": " : "", why ? why : "");
  return false;
}

// A time from the network as frames at the session's rate, or false with
// why in `note`.
static bool
time_frames(const MixdownSession* s, const char* what, double seconds, int64_t* frames, char* note, size_t size)
{
  const char* why = md_checked_number_frames(seconds, (double)mixdown_session_sample_rate(s), MD_CHECKED_MAX_TIME_S,
                                             frames);
  if (why) {
    snprintf(note, size, "%s %g s refused: %s (valid range 0 … %g s)", what, seconds, why, MD_CHECKED_MAX_TIME_S);
  }
  return !why;
}

// /transport/VERB: `verb` is what follows /transport/ ("" when nothing does).
static bool
parse_transport(const MixdownSession* s, const char* verb, const double* values, uint32_t n_values,
                MdCommand* cmd, char* note, size_t size)
{
  if (!strcmp(verb, "play")) {
    cmd->kind = MD_COMMAND_PLAY;
    return true;
  }
  if (!strcmp(verb, "stop")) {
    cmd->kind = MD_COMMAND_STOP;
    return true;
  }
  if (!strcmp(verb, "locate")) {
    if (n_values < 1U) {
      snprintf(note, size, "/transport/locate takes a time in seconds (0 or more)");
      return false;
    }
    cmd->kind = MD_COMMAND_LOCATE;
    return time_frames(s, "a time of", values[0], &cmd->frame, note, size);
  }
  if (!strcmp(verb, "loop")) {
    cmd->kind = MD_COMMAND_LOOP;
    if (n_values == 0U) {
      return true; // loop off
    }
    if (n_values != 2U) {
      snprintf(note, size, "/transport/loop takes two times A < B in seconds, or nothing (loop off)");
      return false;
    }
    if (!time_frames(s, "a loop from", values[0], &cmd->frame, note, size) ||
        !time_frames(s, "a loop to", values[1], &cmd->until_frame, note, size)) {
      return false;
    }
    if (cmd->until_frame <= cmd->frame) {
      snprintf(note, size, "/transport/loop takes two times A < B in seconds, or nothing (loop off)");
      return false;
    }
    return true;
  }
  suggest(note, size, "transport command", verb, transport_verbs, 4U);
  return false;
}

// The live move an address names (session/address.h, in its live scope):
// a strip's value, a send's level, an insert's value slot or its bypass.
static bool
live_change(const MdAddress* a, MdLiveChange* change, char* note, size_t size)
{
  static const MdLiveKind strip_kinds[MD_STRIP_N_PARAMS] = {
    [MD_STRIP_GAIN_DB] = MD_LIVE_GAIN_DB, [MD_STRIP_PAN] = MD_LIVE_PAN,   [MD_STRIP_PAN_LAW] = MD_LIVE_GAIN_DB,
    [MD_STRIP_MUTE] = MD_LIVE_MUTE,       [MD_STRIP_SOLO] = MD_LIVE_SOLO, [MD_STRIP_INVERT] = MD_LIVE_INVERT,
  };
  if (!md_param_live(a->param)) {
    return refuse_fixed(a->param, note, size); // the pan law, a send's pre_fader, a latency …
  }
  change->node  = a->node;
  change->index = a->index;
  change->slot  = a->slot;
  switch (a->owner) {
  case MD_OWNER_STRIP: change->kind = strip_kinds[a->param - md_strip_params]; return true;
  case MD_OWNER_SEND: change->kind = MD_LIVE_SEND_DB; return true; // its one live value: level_db
  case MD_OWNER_INSERT: change->kind = MD_LIVE_INSERT; return true;
  case MD_OWNER_INSERT_KEY: change->kind = MD_LIVE_BYPASS; return true; // md_insert_params: bypass alone
  default: break; // never in the live scope
  }
  snprintf(note, size, "unknown address: a strip takes PARAM, send/BUS/level_db or insert/N/PARAM");
  return false;
}

bool
md_control_parse(const MixdownSession* s, const char* address, const double* values, uint32_t n_values,
                 MdCommand* cmd, char* note, size_t size)
{
  note[0] = '\0';
  memset(cmd, 0, sizeof *cmd);
  const char* path = address[0] == '/' ? address + 1 : address;
  if (!strncmp(path, "transport", 9U) && (path[9] == '/' || path[9] == '\0')) {
    return parse_transport(s, path[9] ? path + 10 : "", values, n_values, cmd, note, size);
  }
  MdAddress a;
  if (!md_address_resolve_in(s, address, MD_ADDRESS_LIVE, &a, note, size)) {
    return false;
  }
  cmd->kind = MD_COMMAND_LIVE;
  if (!live_change(&a, &cmd->change, note, size)) {
    return false;
  }
  if (!n_values) {
    snprintf(note, size, "%s needs a value", address);
    return false;
  }
  return fit_value(a.param, values[0], address, &cmd->change.value, note, size);
}

void
md_control_address(const MixdownSession* s, const MdLiveChange* c, char* out, size_t size)
{
  // md_address_format() reads what an address names, never its path.
  const MdAddressOwner owner = c->kind == MD_LIVE_SEND_DB ? MD_OWNER_SEND
                               : c->kind == MD_LIVE_INSERT ? MD_OWNER_INSERT
                               : c->kind == MD_LIVE_BYPASS ? MD_OWNER_INSERT_KEY
                                                           : MD_OWNER_STRIP;
  const MdAddress      a     = {.kind  = MD_ADDRESS_VALUE,
                                .list  = MD_LIST_NONE,
                                .owner = owner,
                                .param = md_control_param(s, c),
                                .node  = c->node,
                                .index = c->index,
                                .slot  = c->slot};
  md_address_format(s, &a, out, size);
}

const MdParam*
md_control_param(const MixdownSession* s, const MdLiveChange* c)
{
  switch (c->kind) {
  case MD_LIVE_GAIN_DB: return &md_strip_params[MD_STRIP_GAIN_DB];
  case MD_LIVE_PAN: return &md_strip_params[MD_STRIP_PAN];
  case MD_LIVE_MUTE: return &md_strip_params[MD_STRIP_MUTE];
  case MD_LIVE_SOLO: return &md_strip_params[MD_STRIP_SOLO];
  case MD_LIVE_INVERT: return &md_strip_params[MD_STRIP_INVERT];
  case MD_LIVE_SEND_DB: return &md_send_params[MD_SEND_LEVEL_DB];
  case MD_LIVE_INSERT: return md_processor_slot_param(s->nodes[c->node].inserts[c->index].cls, c->slot);
  case MD_LIVE_BYPASS: return &md_insert_params[MD_INSERT_BYPASS];
  }
  return NULL;
}
