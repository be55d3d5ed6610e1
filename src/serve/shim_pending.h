// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// TEMPORARY (helper "server", issue 19): the declarations serve.c and
// pages.c use from protocol.h and console.h (helper "console"), as
// /work/notes/interfaces19.md gives them, until their headers land on
// main.  shim_pending.c stands in for them (no console).  Both files go as
// soon as the real ones land.
// Thread: the server thread.

#ifndef MD_SERVE_SHIM_PENDING_H
#define MD_SERVE_SHIM_PENDING_H

#include "live/player.h"
#include "mixdown.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { MD_REQ_HELLO, MD_REQ_SET, MD_REQ_END, MD_REQ_TRANSPORT, MD_REQ_UNDO, MD_REQ_REDO,
               MD_REQ_SAVE, MD_REQ_SAVE_AS, MD_REQ_CREDIT, MD_REQ_LISTEN, MD_REQ_CURVE } MdServeRequestKind;
typedef enum { MD_TRANSPORT_PLAY, MD_TRANSPORT_STOP, MD_TRANSPORT_LOCATE, MD_TRANSPORT_LOOP } MdServeTransport;
typedef struct {
  MdServeRequestKind kind;
  char               address[512];
  double             value;
  char               gesture[64];
  MdServeTransport   action;
  double             position_s, from_s, to_s;
  bool               loop_on;
  char               path[1024];
  uint64_t           frames, underruns, buffered;
  bool               audio, tap;
} MdServeRequest;
bool md_serve_request_parse(const char* text, size_t length, MdServeRequest* out, char* why, size_t why_size);

typedef void (*MdServeSendFunc)(void* user, int client, const char* json);
typedef struct MdConsole MdConsole;
MdConsole* md_console_new(MixdownEditor* editor, const char* session_path, MdPlayer* player, char* message,
                          size_t size);
char*      md_console_state_json(MdConsole* c, int client);
void       md_console_handle(MdConsole* c, int client, const MdServeRequest* r, MdServeSendFunc send, void* user);
void       md_console_client_gone(MdConsole* c, int client, MdServeSendFunc send, void* user);
void       md_console_poll(MdConsole* c, MdServeSendFunc send, void* user);
bool       md_console_dirty(const MdConsole* c);
void       md_console_free(MdConsole* c);

#endif
