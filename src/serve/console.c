// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The console (console.h): its life, the requests of pages, and the poll —
// the moves the player applied that no page made (OSC), the transport, the
// curves.  The state is built in console_state.c, the history kept in
// console_history.c.
//
// Thread: the server thread.

#include "serve/console_internal.h"

#include "edit/history.h"
#include "live/control.h"
#include "platform/clock.h"
#include "serve/curves.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Messages ------------------------------------------------------------------- */

void*
md_console_grow(void* items, size_t* capacity, size_t count, size_t item_size, size_t first)
{
  if (items && count < *capacity) {
    return items;
  }
  const size_t grown_capacity = *capacity ? 2U * *capacity : first;
  void*        grown          = realloc(items, grown_capacity * item_size);
  if (grown) {
    *capacity = grown_capacity;
  }
  return grown;
}

void
md_console_send_owned(MdServeSendFunc send, void* user, int client, char* json)
{
  if (json) {
    send(user, client, json);
  }
  free(json);
}

// Every report of the editor (a refused edit, a save refused): passed on
// to the caller's callback (the command line prints it) and kept, as
// FILE:LINE:COLUMN: error: …, for the page that asked.
static void
on_report(void* user, const MixdownDiagnostic* d)
{
  MdConsole* c = user;
  if (c->pass_on) {
    c->pass_on(c->pass_on_user, d);
  }
  if (d->severity != MIXDOWN_SEVERITY_ERROR) {
    return;
  }
  if (d->line) {
    snprintf(c->refusal, sizeof c->refusal, "%s:%u:%u: error: %s", d->file ? d->file : c->session_name, d->line,
             d->column, d->message);
  } else {
    snprintf(c->refusal, sizeof c->refusal, "%s: error: %s", d->file ? d->file : c->session_name, d->message);
  }
}

/* Life ----------------------------------------------------------------------- */

static bool
console_names(MdConsole* c, const char* session_path)
{
  const char* slash = strrchr(session_path, '/');
  snprintf(c->session_name, sizeof c->session_name, "%s", slash ? slash + 1 : session_path);
  c->session_path = strdup(session_path);
  c->folder       = slash ? strndup(session_path, (size_t)(slash - session_path + (slash == session_path)))
                          : strdup(".");
  size_t      length = 0U;
  const char* text   = mixdown_editor_text(c->editor, &length);
  c->saved_text      = malloc(length + 1U);
  if (c->saved_text) {
    memcpy(c->saved_text, text, length + 1U);
    c->saved_length = length;
  }
  return c->session_path && c->folder && c->saved_text;
}

MdConsole*
md_console_new(MixdownEditor* editor, const char* session_path, MdPlayer* player, char* message, size_t size)
{
  MdConsole* c = calloc(1U, sizeof *c);
  if (!c) {
    mixdown_editor_free(editor);
    snprintf(message, size, "out of memory");
    return NULL;
  }
  c->editor = editor;
  c->player = player;
  if (!console_names(c, session_path)) {
    md_console_free(c);
    snprintf(message, size, "out of memory");
    return NULL;
  }
  md_editor_divert_diagnostics(editor, on_report, c, &c->pass_on, &c->pass_on_user);
  MdPlayerStatus status;
  md_player_status(player, &status);
  c->rate_hz  = mixdown_session_sample_rate(mixdown_editor_session(editor));
  c->length_s = status.length_s;
  return c;
}

void
md_console_free(MdConsole* c)
{
  if (!c) {
    return;
  }
  mixdown_editor_free(c->editor);
  md_console_steps_free(&c->undo);
  md_console_steps_free(&c->redo);
  for (size_t k = 0U; k < c->n_copies; ++k) {
    free(c->copies[k]);
  }
  free(c->copies);
  free(c->pending);
  free(c->gestures);
  free(c->curves);
  free(c->saved_text);
  free(c->folder);
  free(c->session_path);
  free(c);
}

bool
md_console_dirty(const MdConsole* c)
{
  size_t      length = 0U;
  const char* text   = mixdown_editor_text(c->editor, &length);
  return c->n_pending > 0U || length != c->saved_length || memcmp(text, c->saved_text, length);
}

/* Live moves ------------------------------------------------------------------- */

static bool
same_change(const MdLiveChange* a, const MdLiveChange* b)
{
  return a->kind == b->kind && a->node == b->node && a->index == b->index && a->slot == b->slot &&
         a->value == b->value;
}

bool
md_console_move_live(MdConsole* c, const char* address, double* value, char* why, size_t why_size)
{
  MdCommand             command;
  char                  note[512] = "";
  const MixdownSession* s         = mixdown_editor_session(c->editor);
  if (!md_control_parse(s, address, value, 1U, &command, note, sizeof note) || command.kind != MD_COMMAND_LIVE) {
    snprintf(why, why_size, "%s: %s", address, note[0] ? note : "not a value that moves");
    return false;
  }
  if (!md_player_send(c->player, &command)) {
    snprintf(why, why_size, "%s: the player is busy (its queue is full): move it again", address);
    return false;
  }
  // Read back from the player later (md_console_poll): recognised as ours.
  if (c->n_sent == MD_CONSOLE_SENT_MAX) {
    c->sent_first = (c->sent_first + 1U) % MD_CONSOLE_SENT_MAX;
    --c->n_sent;
  }
  c->sent[(c->sent_first + c->n_sent++) % MD_CONSOLE_SENT_MAX] = command.change;
  *value = command.change.value; // as the player took it (clamped into the range)
  return true;
}

void
md_console_resume_live(MdConsole* c, const char* address, double value)
{
  MdCommand command;
  char      note[512] = "";
  if (!md_control_parse(mixdown_editor_session(c->editor), address, &value, 1U, &command, note, sizeof note) ||
      command.kind != MD_COMMAND_LIVE) {
    return; // a value fixed while playing: the text's only
  }
  command.kind = MD_COMMAND_RESUME;
  md_player_send(c->player, &command); // a full queue (4096 commands waiting): the moved value plays on
}

// Whether `change`, read back from the player, is a move a page sent: the
// player applies them in order, so it is one of the oldest (those before
// it were dropped by a full read-back queue and are forgotten).
static bool
sent_by_a_page(MdConsole* c, const MdLiveChange* change)
{
  for (size_t k = 0U; k < c->n_sent; ++k) {
    if (same_change(&c->sent[(c->sent_first + k) % MD_CONSOLE_SENT_MAX], change)) {
      c->sent_first = (c->sent_first + k + 1U) % MD_CONSOLE_SENT_MAX;
      c->n_sent -= k + 1U;
      return true;
    }
  }
  return false;
}

static void
curve_due(MdConsole* c, const char* address)
{
  char insert[MD_CONSOLE_ADDRESS_MAX];
  if (!md_console_insert_of(address, insert, sizeof insert)) {
    return;
  }
  for (size_t k = 0U; k < c->n_curves; ++k) {
    if (!strcmp(c->curves[k].address, insert)) {
      c->curves[k].due = true;
      return;
    }
  }
  MdCurveInsert* grown = md_console_grow(c->curves, &c->curves_capacity, c->n_curves, sizeof *grown, 8U);
  if (grown) {
    c->curves = grown;
    snprintf(grown[c->n_curves].address, sizeof grown->address, "%s", insert);
    grown[c->n_curves].due       = true;
    grown[c->n_curves].sent_at_s = -1.0;
    ++c->n_curves;
  }
}

void
md_console_tell_value(MdConsole* c, const char* address, double value, int client, bool automated,
                      MdServeSendFunc send, void* user)
{
  md_console_send_owned(send, user, -1, md_serve_value_json(address, value, client, automated));
  curve_due(c, address);
}

// Keeps a move until its gesture ends (a later one of the same address
// and owner replaces it).
static bool
keep_pending(MdConsole* c, int owner, const char* address, double value)
{
  for (size_t k = 0U; k < c->n_pending; ++k) {
    MdPendingMove* p = &c->pending[k];
    if (p->owner == owner && !strcmp(p->address, address)) {
      p->value = value;
      return true;
    }
  }
  MdPendingMove* grown = md_console_grow(c->pending, &c->pending_capacity, c->n_pending, sizeof *grown, 32U);
  if (!grown) {
    return false;
  }
  c->pending = grown;
  MdPendingMove* p = &c->pending[c->n_pending++];
  snprintf(p->address, sizeof p->address, "%s", address);
  p->value = value;
  p->owner = owner;
  return true;
}

/* Gestures --------------------------------------------------------------------------- */

static MdOpenGesture*
open_gesture(MdConsole* c, int client)
{
  for (size_t k = 0U; k < c->n_gestures; ++k) {
    if (c->gestures[k].client == client) {
      return &c->gestures[k];
    }
  }
  return NULL;
}

// Page `client` moves in gesture `gesture` ("" : a move of its own): a
// gesture of it still open ends first.
static void
begin_gesture(MdConsole* c, int client, const char* gesture, MdServeSendFunc send, void* user)
{
  MdOpenGesture* open = open_gesture(c, client);
  if (open && strcmp(open->gesture, gesture)) {
    md_console_commit(c, client, send, user);
    open = NULL;
  }
  if (!open && gesture[0]) {
    MdOpenGesture* grown = md_console_grow(c->gestures, &c->gesture_capacity, c->n_gestures, sizeof *grown, 8U);
    if (!grown) {
      return;
    }
    c->gestures = grown;
    open         = &c->gestures[c->n_gestures++];
    open->client = client;
    snprintf(open->gesture, sizeof open->gesture, "%s", gesture);
  }
}

/* Requests --------------------------------------------------------------------------- */

static void
page_move(MdConsole* c, int client, const MdServeRequest* r, MdServeSendFunc send, void* user)
{
  char   why[1024];
  double value = r->value;
  begin_gesture(c, client, r->gesture, send, user);
  if (!md_console_move_live(c, r->address, &value, why, sizeof why)) {
    md_console_send_owned(send, user, client, md_serve_error_json(why, r->address));
    double now = 0.0;
    bool   automated = false;
    if (md_console_value_now(c, r->address, &now, &automated)) { // the page shows the value that plays again
      md_console_send_owned(send, user, client, md_serve_value_json(r->address, now, -1, automated));
    }
    return;
  }
  keep_pending(c, client, r->address, value);
  md_console_tell_value(c, r->address, value, client, false, send, user);
  if (!r->gesture[0]) {
    md_console_commit(c, client, send, user); // a move of its own is a step of its own
  }
}

static void
page_end(MdConsole* c, int client, const MdServeRequest* r, MdServeSendFunc send, void* user)
{
  const MdOpenGesture* open = open_gesture(c, client);
  if (open && !strcmp(open->gesture, r->gesture)) {
    md_console_commit(c, client, send, user);
  }
}

static void
send_transport(MdConsole* c, MdServeSendFunc send, void* user)
{
  MdPlayerStatus status;
  md_player_status(c->player, &status);
  md_console_send_owned(send, user, -1,
                        md_serve_transport_json(status.playing, status.position_s, c->loop_on, c->loop_from_s,
                                                c->loop_to_s));
  c->was_playing = status.playing;
}

// Play, stop, locate, loop: through the control gate as OSC's
// /transport/… (times checked, within the session).
static void
page_transport(MdConsole* c, int client, const MdServeRequest* r, MdServeSendFunc send, void* user)
{
  static const char* const addresses[] = {
    [MD_TRANSPORT_PLAY] = "/transport/play", [MD_TRANSPORT_STOP] = "/transport/stop",
    [MD_TRANSPORT_LOCATE] = "/transport/locate", [MD_TRANSPORT_LOOP] = "/transport/loop"};
  double   values[2] = {0.0, 0.0};
  uint32_t n_values  = 0U;
  if (r->action == MD_TRANSPORT_LOCATE) {
    values[n_values++] = r->position_s;
  } else if (r->action == MD_TRANSPORT_LOOP && r->loop_on) {
    values[n_values++] = r->from_s;
    values[n_values++] = r->to_s;
  }
  MdCommand command;
  char      note[512] = "";
  if (n_values && values[n_values - 1U] > c->length_s) { // a locate's or a loop end's time
    snprintf(note, sizeof note, "%g s is past the end of the session (%g s long)", values[n_values - 1U],
             c->length_s);
  }
  if (note[0] || !md_control_parse(mixdown_editor_session(c->editor), addresses[r->action], values, n_values,
                                   &command, note, sizeof note)) {
    char why[700];
    snprintf(why, sizeof why, "%s: %s", addresses[r->action], note);
    md_console_send_owned(send, user, client, md_serve_error_json(why, NULL));
    return;
  }
  if (!md_player_send(c->player, &command)) {
    md_console_send_owned(send, user, client, md_serve_error_json("the player is busy: try again", NULL));
    return;
  }
  if (r->action == MD_TRANSPORT_LOOP) {
    c->loop_on     = r->loop_on;
    c->loop_from_s = r->loop_on ? (double)command.frame / c->rate_hz : 0.0;
    c->loop_to_s   = r->loop_on ? (double)command.until_frame / c->rate_hz : 0.0;
  }
  // Said at once (the position follows as the player moves).
  MdPlayerStatus status;
  md_player_status(c->player, &status);
  const bool   playing  = r->action == MD_TRANSPORT_PLAY || (status.playing && r->action != MD_TRANSPORT_STOP);
  const double position = r->action == MD_TRANSPORT_LOCATE ? (double)command.frame / c->rate_hz : status.position_s;
  md_console_send_owned(send, user, -1,
                        md_serve_transport_json(playing, position, c->loop_on, c->loop_from_s, c->loop_to_s));
  c->next_transport_s = md_clock_seconds() + MD_CONSOLE_TRANSPORT_S;
}

static bool
live_value(void* user, const char* address, double* value)
{
  const MdPendingMove* p = md_console_pending_at(user, address);
  if (p) {
    *value = p->value;
  }
  return p != NULL;
}

static char*
curve_json(MdConsole* c, const char* insert_address, char* why, size_t why_size)
{
  MdPlayerStatus status;
  md_player_status(c->player, &status);
  return md_serve_curve_json(mixdown_editor_session(c->editor), insert_address, status.position_s, live_value, c,
                             why, why_size);
}

static void
page_curve(MdConsole* c, int client, const MdServeRequest* r, MdServeSendFunc send, void* user)
{
  char  why[700];
  char* json = curve_json(c, r->address, why, sizeof why);
  md_console_send_owned(send, user, client, json ? json : md_serve_error_json(why, r->address));
}

void
md_console_handle(MdConsole* c, int client, const MdServeRequest* r, MdServeSendFunc send, void* user)
{
  switch (r->kind) {
  case MD_REQ_HELLO: md_console_send_owned(send, user, client, md_console_state_json(c, client)); return;
  case MD_REQ_SET: page_move(c, client, r, send, user); return;
  case MD_REQ_END: page_end(c, client, r, send, user); return;
  case MD_REQ_TRANSPORT: page_transport(c, client, r, send, user); return;
  case MD_REQ_UNDO: md_console_undo(c, client, false, send, user); return;
  case MD_REQ_REDO: md_console_undo(c, client, true, send, user); return;
  case MD_REQ_SAVE: md_console_save(c, client, NULL, send, user); return;
  case MD_REQ_SAVE_AS: md_console_save(c, client, r->path, send, user); return;
  case MD_REQ_CURVE: page_curve(c, client, r, send, user); return;
  case MD_REQ_CREDIT:
  case MD_REQ_LISTEN: return; // the server's
  }
}

void
md_console_client_gone(MdConsole* c, int client, MdServeSendFunc send, void* user)
{
  md_console_commit(c, client, send, user);
}

/* The poll ------------------------------------------------------------------------------ */

// Moves the player applied that no page sent (OSC): shown on every page
// (client null) and kept as one step once they pause.
static void
read_back_moves(MdConsole* c, double now_s, MdServeSendFunc send, void* user)
{
  MdAppliedMove move;
  while (md_player_take_move(c->player, &move)) {
    if (sent_by_a_page(c, &move.change)) {
      continue;
    }
    char address[MD_CONSOLE_ADDRESS_MAX];
    md_control_address(mixdown_editor_session(c->editor), &move.change, address, sizeof address);
    keep_pending(c, MD_CONSOLE_OSC, address, move.change.value);
    md_console_tell_value(c, address, move.change.value, -1, false, send, user);
    c->last_osc_move_s = now_s;
  }
  if (now_s - c->last_osc_move_s >= MD_CONSOLE_OSC_STEP_S) {
    for (size_t k = 0U; k < c->n_pending; ++k) {
      if (c->pending[k].owner == MD_CONSOLE_OSC) {
        md_console_commit(c, MD_CONSOLE_OSC, send, user);
        break;
      }
    }
  }
}

static void
send_due_curves(MdConsole* c, double now_s, MdServeSendFunc send, void* user)
{
  for (size_t k = 0U; k < c->n_curves; ++k) {
    MdCurveInsert* curve = &c->curves[k];
    if (!curve->due || now_s - curve->sent_at_s < MD_CONSOLE_CURVE_S) {
      continue;
    }
    char  why[700];
    char* json       = curve_json(c, curve->address, why, sizeof why);
    curve->due       = false;
    curve->sent_at_s = now_s;
    md_console_send_owned(send, user, -1, json); // none: an insert with no curve
  }
}

void
md_console_poll(MdConsole* c, MdServeSendFunc send, void* user)
{
  const double now_s = md_clock_seconds();
  read_back_moves(c, now_s, send, user);
  MdPlayerStatus status;
  md_player_status(c->player, &status);
  if (status.loop_changes != c->loop_changes_seen) { // a loop applied: a page's, or one over OSC
    c->loop_changes_seen = status.loop_changes;
    c->loop_on           = status.loop;
    c->loop_from_s       = status.loop_from_s;
    c->loop_to_s         = status.loop_to_s;
    c->next_transport_s  = now_s; // said now
  }
  // While playing 20 a second; stopped, once a second all the same: every
  // page hears from the server at least that often, even when nothing plays
  // and no meter moves (a page's link takes a silent connection for dead).
  if (status.playing != c->was_playing || now_s >= c->next_transport_s) {
    send_transport(c, send, user);
    c->next_transport_s = now_s + (status.playing ? MD_CONSOLE_TRANSPORT_S : MD_CONSOLE_HEARTBEAT_S);
  }
  send_due_curves(c, now_s, send, user);
}
