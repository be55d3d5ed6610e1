// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The console's history (console_internal.h): moves kept in the session's
// text as undo steps, undo and redo of exact texts (edit/history.h), save
// and save as through the editor.
//
// Thread: the server thread.

#include "serve/console_internal.h"

#include "edit/history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Steps -------------------------------------------------------------------- */

static void
steps_clear(MdTextSteps* steps)
{
  for (size_t k = 0U; k < steps->count; ++k) {
    free(steps->items[k].text);
  }
  steps->count = 0U;
}

void
md_console_steps_free(MdTextSteps* steps)
{
  steps_clear(steps);
  free(steps->items);
  *steps = (MdTextSteps){0};
}

// Pushes a copy of `text`; the oldest step goes beyond MD_CONSOLE_UNDO_MAX.
static bool
steps_push(MdTextSteps* steps, const char* text, size_t length)
{
  if (steps->count == MD_CONSOLE_UNDO_MAX) {
    free(steps->items[0].text);
    memmove(steps->items, steps->items + 1, (steps->count - 1U) * sizeof *steps->items);
    --steps->count;
  }
  char*       copy  = malloc(length + 1U);
  MdTextStep* grown = copy ? md_console_grow(steps->items, &steps->capacity, steps->count, sizeof *grown, 16U) : NULL;
  if (!grown) {
    free(copy);
    return false;
  }
  steps->items = grown;
  memcpy(copy, text, length);
  copy[length]                   = '\0';
  steps->items[steps->count++] = (MdTextStep){copy, length};
  return true;
}

/* History messages ----------------------------------------------------------- */

void
md_console_send_history(MdConsole* c, MdServeSendFunc send, void* user)
{
  md_console_send_owned(send, user, -1,
                        md_serve_history_json(md_console_dirty(c), c->undo.count > 0U, c->redo.count > 0U));
}

static void
send_error(MdConsole* c, int client, const char* address, MdServeSendFunc send, void* user)
{
  md_console_send_owned(send, user, client,
                        md_serve_error_json(c->refusal[0] ? c->refusal : "refused (no reason given)", address));
}

/* Keeping moves ------------------------------------------------------------------ */

// Writes `value` at `address` the way the file writes its kind: a number
// in the fewest digits, a switch `true`/`false`, a choice its name.
static MixdownStatus
write_value(MdConsole* c, const char* address, double value)
{
  const MixdownSession* s = mixdown_editor_session(c->editor);
  MdAddress             a;
  char                  note[256];
  if (!md_address_resolve(s, address, &a, note, sizeof note) || !a.param) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  const MixdownParamInfo* info = &a.param->info;
  if (info->kind == MIXDOWN_PARAM_BOOL) {
    return mixdown_editor_set(c->editor, address, value >= 0.5 ? "true" : "false");
  }
  if (info->kind == MIXDOWN_PARAM_CHOICE && info->choices) {
    const long index = (long)(value + 0.5);
    for (long k = 0; info->choices[k]; ++k) {
      if (k == index) {
        return mixdown_editor_set(c->editor, address, info->choices[k]);
      }
    }
    return MIXDOWN_ERR_BAD_ARG;
  }
  return mixdown_editor_set_number(c->editor, address, value);
}

// Takes the pending moves of `owner` out of the list: into `out` (the
// last value of each address only).
static size_t
take_pending(MdConsole* c, int owner, MdPendingMove* out)
{
  size_t n = 0U, kept = 0U;
  for (size_t k = 0U; k < c->n_pending; ++k) {
    const MdPendingMove* p = &c->pending[k];
    if (p->owner != owner) {
      c->pending[kept++] = *p;
      continue;
    }
    size_t j = 0U;
    while (j < n && strcmp(out[j].address, p->address)) {
      ++j;
    }
    out[j] = *p;
    n += j == n;
  }
  c->n_pending = kept;
  return n;
}

// The text's value of `address` played again: its envelope given back, or
// its constant moved to.
static void
put_back_live(MdConsole* c, const char* address, double value, bool automated)
{
  char why[256];
  if (automated) {
    md_console_resume_live(c, address, value);
  } else {
    md_console_move_live(c, address, &value, why, sizeof why); // a value fixed while playing: the text's only
  }
}

void
md_console_commit(MdConsole* c, int owner, MdServeSendFunc send, void* user)
{
  for (size_t k = 0U; k < c->n_gestures; ++k) { // its gesture ends here
    if (c->gestures[k].client == owner) {
      c->gestures[k] = c->gestures[--c->n_gestures];
      break;
    }
  }
  MdPendingMove* moves = malloc((c->n_pending ? c->n_pending : 1U) * sizeof *moves);
  if (!moves) {
    return;
  }
  const size_t n = take_pending(c, owner, moves);
  if (!n) {
    free(moves);
    return;
  }
  size_t      length = 0U;
  const char* before = mixdown_editor_text(c->editor, &length);
  if (!steps_push(&c->undo, before, length)) {
    free(moves);
    return;
  }
  for (size_t k = 0U; k < n; ++k) {
    c->refusal[0] = '\0';
    if (write_value(c, moves[k].address, moves[k].value)) {
      // The player has it, the text could not (a value the checks let
      // through and the validator does not): the page is told and sees
      // the text's value again.
      send_error(c, owner >= 0 ? owner : -1, moves[k].address, send, user);
      double now       = 0.0;
      bool   automated = false;
      if (md_console_value_now(c, moves[k].address, &now, &automated)) {
        put_back_live(c, moves[k].address, now, automated);
        md_console_tell_value(c, moves[k].address, now, -1, automated, send, user);
      }
    }
  }
  free(moves);
  size_t      after_length = 0U;
  const char* after        = mixdown_editor_text(c->editor, &after_length);
  const MdTextStep* step   = &c->undo.items[c->undo.count - 1U];
  if (after_length == step->length && !memcmp(after, step->text, after_length)) {
    free(step->text); // nothing changed (moved and put back): no step
    --c->undo.count;
  } else {
    steps_clear(&c->redo);
  }
  md_console_send_history(c, send, user);
}

void
md_console_commit_all(MdConsole* c, MdServeSendFunc send, void* user)
{
  while (c->n_pending) {
    md_console_commit(c, c->pending[0].owner, send, user);
  }
  c->n_gestures = 0U;
}

/* Undo and redo -------------------------------------------------------------------- */

typedef struct {
  char   address[MD_CONSOLE_ADDRESS_MAX];
  double value;
  bool   automated; ///< An envelope's value
} NamedValue;

typedef struct {
  NamedValue* items;
  size_t      count, capacity;
} Values;

static void
collect_value(void* user, const char* address, double value, bool automated)
{
  Values*     v     = user;
  NamedValue* grown = md_console_grow(v->items, &v->capacity, v->count, sizeof *grown, 256U);
  if (!grown) {
    return;
  }
  v->items = grown;
  snprintf(v->items[v->count].address, sizeof v->items->address, "%s", address);
  v->items[v->count].automated = automated;
  v->items[v->count++].value    = value;
}

typedef struct {
  MdConsole*      console;
  const Values*   before;
  size_t          next;
  MdServeSendFunc send;
  void*           user;
} Changed;

// A value after the undo: played and shown when it differs from before, or
// an envelope gives it now and not before or the reverse (the lists are in
// the same order: the structure never changes).  An envelope back in the
// text plays again from where the transport is.
static void
move_changed(void* user, const char* address, double value, bool automated)
{
  Changed* ch = user;
  size_t   k  = ch->next;
  while (k < ch->before->count && strcmp(ch->before->items[k].address, address)) {
    ++k;
  }
  if (k == ch->before->count) {
    return;
  }
  ch->next = k + 1U;
  if (ch->before->items[k].value != value || ch->before->items[k].automated != automated) {
    put_back_live(ch->console, address, value, automated);
    md_console_tell_value(ch->console, address, value, -1, automated, ch->send, ch->user);
  }
}

void
md_console_undo(MdConsole* c, int client, bool forward, MdServeSendFunc send, void* user)
{
  md_console_commit_all(c, send, user);
  MdTextSteps* from = forward ? &c->redo : &c->undo;
  MdTextSteps* to   = forward ? &c->undo : &c->redo;
  if (!from->count) {
    md_console_send_owned(send, user, client, md_serve_note_json(forward ? "nothing to redo" : "nothing to undo"));
    return;
  }
  MdPlayerStatus status;
  md_player_status(c->player, &status);
  Values before = {0};
  md_console_each_value(c, status.position_s, collect_value, &before);
  size_t      length = 0U;
  const char* now    = mixdown_editor_text(c->editor, &length);
  MdTextStep  step   = from->items[from->count - 1U];
  c->refusal[0]      = '\0';
  if (!steps_push(to, now, length)) {
    md_console_send_owned(send, user, client, md_serve_error_json("out of memory: nothing undone", NULL));
  } else if (md_editor_restore_text(c->editor, step.text, step.length)) {
    free(to->items[--to->count].text); // not restored: the step stays where it was
    send_error(c, client, NULL, send, user);
  } else {
    free(step.text);
    --from->count;
    Changed changed = {c, &before, 0U, send, user};
    md_console_each_value(c, status.position_s, move_changed, &changed);
  }
  free(before.items);
  md_console_send_history(c, send, user);
}

/* Save --------------------------------------------------------------------------- */

// A copy's name: a file in the session's folder or below, never above it
// (`..`) nor elsewhere (an absolute path), named as a session is.
static bool
copy_name_valid(const char* path, char* why, size_t why_size)
{
  const char* dot = strrchr(path, '.');
  if (!path[0] || path[0] == '/' || strstr(path, "..") || strchr(path, '\\')) {
    snprintf(why, why_size, "save as `%s`: give a file name in the session's folder (no `/` first, no `..`)", path);
    return false;
  }
  if (!dot || (strcmp(dot, ".yaml") && strcmp(dot, ".yml") && strcmp(dot, ".json"))) {
    snprintf(why, why_size, "save as `%s`: a session's name ends in .yaml, .yml or .json", path);
    return false;
  }
  return true;
}

static bool
copy_written_before(const MdConsole* c, const char* full)
{
  for (size_t k = 0U; k < c->n_copies; ++k) {
    if (!strcmp(c->copies[k], full)) {
      return true;
    }
  }
  return false;
}

static void
remember_copy(MdConsole* c, const char* full)
{
  char** grown = copy_written_before(c, full) ? NULL : realloc(c->copies, (c->n_copies + 1U) * sizeof *grown);
  if (grown) {
    c->copies = grown;
    if ((c->copies[c->n_copies] = strdup(full))) {
      ++c->n_copies;
    }
  }
}

static void
save_copy(MdConsole* c, int client, const char* path, MdServeSendFunc send, void* user)
{
  char why[1200];
  char full[4096 + 1100];
  if (!copy_name_valid(path, why, sizeof why)) {
    md_console_send_owned(send, user, client, md_serve_error_json(why, NULL));
    return;
  }
  snprintf(full, sizeof full, "%s/%s", c->folder, path);
  // Another file already there is not ours to replace (a copy this run
  // wrote may be written again).
  if (!access(full, F_OK) && !copy_written_before(c, full)) {
    snprintf(why, sizeof why, "save as `%s`: a file of that name exists; choose another name", path);
    md_console_send_owned(send, user, client, md_serve_error_json(why, NULL));
    return;
  }
  c->refusal[0] = '\0';
  if (mixdown_editor_save(c->editor, full)) {
    send_error(c, client, NULL, send, user);
    return;
  }
  remember_copy(c, full);
  md_console_send_owned(send, user, client, md_serve_saved_json(path));
}

void
md_console_save(MdConsole* c, int client, const char* path, MdServeSendFunc send, void* user)
{
  md_console_commit_all(c, send, user);
  if (path) {
    save_copy(c, client, path, send, user);
    return;
  }
  c->refusal[0] = '\0';
  if (mixdown_editor_save(c->editor, NULL)) {
    send_error(c, client, NULL, send, user);
    return;
  }
  size_t      length = 0U;
  const char* text   = mixdown_editor_text(c->editor, &length);
  char*       copy   = malloc(length + 1U);
  if (copy) {
    memcpy(copy, text, length + 1U);
    free(c->saved_text);
    c->saved_text   = copy;
    c->saved_length = length;
  }
  md_console_send_owned(send, user, -1, md_serve_saved_json(c->session_name));
  md_console_send_history(c, send, user);
}
