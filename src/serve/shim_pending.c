// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// TEMPORARY (helper "server", issue 19): stand-ins for the console's and
// the console's part (shim_pending.h says why) — a hello gets a bare state,
// everything else an error.  Removed when they land.
// Thread: the server thread.

#include "serve/shim_pending.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool
md_serve_request_parse(const char* text, size_t length, MdServeRequest* out, char* why, size_t why_size)
{
  memset(out, 0, sizeof *out);
  json_error_t error;
  json_t*      root = json_loadb(text, length, 0, &error);
  const char*  type = root ? json_string_value(json_object_get(root, "type")) : NULL;
  bool         ok   = type != NULL;
  if (ok && !strcmp(type, "hello")) {
    out->kind  = MD_REQ_HELLO;
    out->audio = json_is_true(json_object_get(root, "audio"));
  } else if (ok && !strcmp(type, "listen")) {
    out->kind = MD_REQ_LISTEN;
  } else if (ok && !strcmp(type, "credit")) {
    out->kind   = MD_REQ_CREDIT;
    out->frames = (uint64_t)json_integer_value(json_object_get(root, "frames"));
  } else {
    ok = false;
  }
  if (!ok) {
    snprintf(why, why_size, "not understood (the console is not built yet)");
  }
  json_decref(root);
  return ok;
}

struct MdConsole {
  MixdownEditor* editor;
};

MdConsole*
md_console_new(MixdownEditor* editor, const char* session_path, MdPlayer* player, char* message, size_t size)
{
  (void)session_path;
  (void)player;
  MdConsole* c = calloc(1U, sizeof *c);
  if (!c) {
    snprintf(message, size, "out of memory");
    return NULL;
  }
  c->editor = editor;
  return c;
}

char*
md_console_state_json(MdConsole* c, int client)
{
  (void)c;
  char buf[160];
  snprintf(buf, sizeof buf, "{\"type\":\"state\",\"client\":%d,\"strips\":[]}", client);
  return strdup(buf);
}

void
md_console_handle(MdConsole* c, int client, const MdServeRequest* r, MdServeSendFunc send, void* user)
{
  if (r->kind == MD_REQ_HELLO) {
    char* state = md_console_state_json(c, client);
    if (state) {
      send(user, client, state);
    }
    free(state);
  }
}

void
md_console_client_gone(MdConsole* c, int client, MdServeSendFunc send, void* user)
{
  (void)c;
  (void)client;
  (void)send;
  (void)user;
}

void
md_console_poll(MdConsole* c, MdServeSendFunc send, void* user)
{
  (void)c;
  (void)send;
  (void)user;
}

bool
md_console_dirty(const MdConsole* c)
{
  (void)c;
  return false;
}

void
md_console_free(MdConsole* c)
{
  if (c) {
    mixdown_editor_free(c->editor);
    free(c);
  }
}
