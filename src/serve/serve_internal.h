// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The server of mixdown_serve(), shared by serve.c (the session, the
// player, OSC, the console, the loop) and http.c (libwebsockets: the HTTP
// answers, the WebSocket pages).
//
// Threads: everything here belongs to the server thread (the caller of
// mixdown_serve()); the audio thread (audio.h) and the OSC thread
// (live/osc.h) reach the player only through its queues.

#ifndef MD_SERVE_INTERNAL_H
#define MD_SERVE_INTERNAL_H

#include "live/osc.h"
#include "live/player.h"
#include "mixdown.h"
#include "serve/clients.h"
#include "serve/security.h"

#include <stdbool.h>
#include <stdint.h>

#define MD_SERVE_TICK_MS    10   ///< The service loop's pass: moves, PCM and meters go out within it
#define MD_SERVE_METER_HZ   30.0 ///< Meters messages to every page, per second
#define MD_SERVE_MAX_CLIENTS 32  ///< Pages at once (more are refused with 503)
#define MD_SERVE_LOOP_RT_PRIORITY 30 ///< SCHED_FIFO of the loop when allowed (below the audio thread's)

struct lws_context;
struct lws_vhost;
struct MdConsole;
struct MdServeAudio;
struct MdServeMeters;

typedef struct MdServe {
  const MixdownServeOptions* options;
  MdServeHost                host;
  char                       token[MD_SERVE_TOKEN_CHARS + 1];
  char                       cookie_name[32];
  char                       url[300];

  struct lws_context* context;
  struct lws_vhost*   vhost;
  void*               tick;         ///< The loop's timer (lws_sorted_usec_list_t), http.c's
  MdServeClient*      clients[MD_SERVE_MAX_CLIENTS];
  int                 next_client_id;
  int                 listener;     ///< The page that hears the mix (client id), or -1
  uint32_t            fill_told;    ///< The target fill the listener was last told (frames)
  unsigned char*      pcm;          ///< A PCM packet being written (LWS_PRE bytes of headroom first)
  size_t              pcm_capacity; ///< …bytes after the headroom

  MixdownEditor*   editor;          ///< The session as edited, until the console owns it
  MixdownSession*  session;         ///< The player's copy of the session as opened (structure fixed while serving)
  uint32_t         rate_hz;         ///< The session's
  MdPlayer*        player;
  MdOsc*           osc;
  struct MdConsole*     console;    ///< The editor, undo, gestures, live values (console.h)
  struct MdServeAudio*  audio;      ///< The render-ahead audio thread (audio.h); NULL with JACK
  struct MdServeMeters* meters;     ///< Meters JSON from the player's snapshots (meters.h)
  double           next_meters_s;   ///< When the next meters message is due (monotonic clock)
  bool             failed;          ///< The loop must end (message says why)
  char             message[512];
} MdServe;

/// http.c: creates the context listening on options->host:options->port
/// (the port bound goes to s->host.port); false with why in `message`.
bool md_serve_http_start(MdServe* s, char* message, size_t message_size);
/// Runs the service loop until *options->stop or s->failed.
void md_serve_http_run(MdServe* s);
/// Closes every connection and the context.
void md_serve_http_stop(MdServe* s);

/// http.c: queues `json` to page `client` (<0: every page); the loop writes
/// it when the page's socket can take it.  An MdServeSendFunc.
void md_serve_send(void* server, int client, const char* json);
/// md_serve_send() into a slot that keeps only the newest (the meters).
void md_serve_send_latest(MdServe* s, int client, MdServeSlot slot, const char* json);
/// Asks to write to page `client` as soon as its socket can take it.
void md_serve_want_write(MdServe* s, int client);

/// pages.c: one pass of the loop's work (every MD_SERVE_TICK_MS): the
/// console's poll, the listener's PCM, meters when due.
void md_serve_tick(MdServe* s);
/// pages.c: a page sent a text message (NUL-terminated, `length` bytes).
void md_serve_page_said(MdServe* s, int client, const char* text, size_t length);
/// pages.c: a page connected (after its id is set) or went away.
void md_serve_page_came(MdServe* s, int client);
void md_serve_page_went(MdServe* s, int client);
/// pages.c: the listener's socket can take a binary frame: writes at most
/// `capacity` bytes of one PCM packet at `out`; false when none is ready.
bool md_serve_take_pcm(MdServe* s, unsigned char* out, size_t capacity, size_t* length);

#endif
