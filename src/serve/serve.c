// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// mixdown_serve(): opens the session for editing, starts the player
// (headless, its audio pulled by the pages, or through JACK), OSC if asked,
// and the HTTP/WebSocket server (http.c), then runs the server's loop on
// the calling thread until the caller says stop.
//
// Threads: the caller's thread is the server thread (the loop, the pages,
// the console); the player's audio thread and the OSC thread are started
// here and reached only through the player's queues.

#include "serve/serve_internal.h"

#include "serve/audio.h"
#include "serve/meters.h"
#include "serve/console.h"
#include "serve/protocol.h"
#include "util/note.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
options_valid(const char* session_path, const MixdownServeOptions* o, char* message, size_t message_size)
{
  if (!session_path || !o || o->size < sizeof *o) {
    snprintf(message, message_size, "mixdown_serve: no session path, or options of an older size");
    return false;
  }
  if (o->port < 0 || o->port > 65535 || o->osc_port < -1 || o->osc_port > 65535) {
    snprintf(message, message_size, "a TCP port is 0 … 65535 (0: any free port), not %d", o->port);
    return false;
  }
  return true;
}

// The player's own copy of the session as opened: the editor's session
// changes with every edit, the player's structure does not while serving.
static MixdownStatus
open_sessions(MdServe* s, const char* path, char* message, size_t message_size)
{
  const MixdownServeOptions* o  = s->options;
  MixdownStatus              st = mixdown_editor_open(path, o->on_diagnostic, o->user_data, &s->editor);
  if (st == MIXDOWN_ERR_IO || st == MIXDOWN_ERR_SESSION) {
    return MIXDOWN_ERR_SESSION; // unreadable or invalid: on_diagnostic said where and why
  }
  if (st) {
    snprintf(message, message_size, "%s: %s", path, mixdown_strerror(st));
    return st;
  }
  char        folder[4096];
  const char* slash = strrchr(path, '/');
  snprintf(folder, sizeof folder, "%.*s", slash ? (int)(slash - path + (slash == path)) : 1, slash ? path : ".");
  size_t      length = 0U;
  const char* text   = mixdown_editor_text(s->editor, &length);
  st = mixdown_session_open_string(text, length, path, folder, NULL, NULL, &s->session);
  if (st) {
    snprintf(message, message_size, "%s: %s", path, mixdown_strerror(st));
  }
  return st;
}

static MixdownStatus
start_player(MdServe* s, char* message, size_t message_size)
{
  const MixdownServeOptions* o       = s->options;
  const MdPlayerOptions      options = {
         .client_name     = o->client_name ? o->client_name : "mixdown",
         .record          = true, // the console reads back every applied move (pages and OSC)
         .meter_hz        = MD_SERVE_METER_HZ,
         .start_stopped   = true, // a page's play starts the transport
         .headless        = !o->jack,
         .headless_period = 1024U,
  };
  MixdownStatus st = MIXDOWN_SUCCESS;
  s->player        = md_player_new(s->session, &options, &st, message, message_size);
  if (!s->player) {
    return st ? st : MIXDOWN_ERR_IO;
  }
  st = md_player_start(s->player, message, message_size);
  if (st) {
    return st;
  }
  if (o->osc_port) {
    s->osc = md_osc_start("127.0.0.1", o->osc_port < 0 ? 0 : o->osc_port, s->player, s->session, o->note,
                          o->user_data, message, message_size);
    if (!s->osc) {
      return MIXDOWN_ERR_IO;
    }
  }
  return MIXDOWN_SUCCESS;
}

// The console (it owns the editor from here on), the meters and, playing
// in the page, the audio thread that runs the headless player.
static MixdownStatus
start_console(MdServe* s, const char* session_path, char* message, size_t message_size)
{
  s->console = md_console_new(s->editor, session_path, s->player, message, message_size);
  s->editor  = NULL; // the console's now (freed with it, or already on failure)
  if (!s->console) {
    return MIXDOWN_ERR_NO_MEM;
  }
  s->meters = md_serve_meters_new(s->player, s->session, s->rate_hz);
  if (!s->options->jack) {
    s->audio = md_serve_audio_new(s->player, s->rate_hz, MD_SERVE_FILL_DEFAULT);
  }
  if (!s->meters || (!s->options->jack && !s->audio)) {
    snprintf(message, message_size, "out of memory");
    return MIXDOWN_ERR_NO_MEM;
  }
  return MIXDOWN_SUCCESS;
}

// The loop feeds the page's worklet from the audio thread's packets within
// the stream's fill (about 43 ms): on a busy machine (the page's browser
// beside it) a pass late by more than that is an underrun in the page.  So,
// when the system lets us (root, or an rtprio limit), the calling thread
// runs the loop at a real-time priority (below the audio thread's) and gets
// its own back after.
static void
run_loop(MdServe* s)
{
  int                policy = SCHED_OTHER;
  struct sched_param before = {0};
  const bool         saved  = !pthread_getschedparam(pthread_self(), &policy, &before);
  const struct sched_param loop = {.sched_priority = MD_SERVE_LOOP_RT_PRIORITY};
  const bool raised = saved && !pthread_setschedparam(pthread_self(), SCHED_FIFO, &loop);
  md_serve_http_run(s);
  if (raised) {
    pthread_setschedparam(pthread_self(), policy, &before);
  }
}

static void
serve_free(MdServe* s)
{
  md_serve_http_stop(s);
  if (s->osc) {
    md_osc_stop(s->osc);
  }
  if (s->audio) {
    md_serve_audio_free(s->audio); // stops the audio thread before the player goes
  }
  if (s->meters) {
    md_serve_meters_free(s->meters);
  }
  if (s->console) {
    md_console_free(s->console); // and the editor it owns
  }
  md_player_free(s->player);
  mixdown_session_free(s->session);
  mixdown_editor_free(s->editor);
  free(s);
}

MixdownStatus
mixdown_serve(const char* session_path, const MixdownServeOptions* options, char* message, size_t message_size)
{
  char ignored[8];
  if (!message || !message_size) {
    message      = ignored;
    message_size = sizeof ignored;
  }
  message[0] = '\0';
  if (!options_valid(session_path, options, message, message_size)) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  MdServe* s = calloc(1U, sizeof *s);
  if (!s) {
    return MIXDOWN_ERR_NO_MEM;
  }
  s->options        = options;
  s->listener       = -1;
  MixdownStatus st  = open_sessions(s, session_path, message, message_size);
  if (!st && !md_serve_token_new(s->token, message, message_size)) {
    st = MIXDOWN_ERR_IO;
  }
  if (!st) {
    s->rate_hz = mixdown_session_sample_rate(s->session);
    st         = start_player(s, message, message_size);
  }
  if (!st) {
    st = start_console(s, session_path, message, message_size);
  }
  if (!st && !md_serve_http_start(s, message, message_size)) {
    st = MIXDOWN_ERR_IO;
  }
  if (!st && !md_serve_url(&s->host, s->token, s->url, sizeof s->url)) {
    snprintf(message, message_size, "the address is too long for a URL");
    st = MIXDOWN_ERR_BAD_ARG;
  }
  if (!st) {
    if (options->ready) {
      options->ready(options->user_data, s->url, s->osc ? md_osc_port(s->osc) : 0);
    }
    run_loop(s);
    if (md_console_dirty(s->console) && options->note) {
      // The pages asked before leaving; the command line cannot: say it.
      md_notef(options->note, options->user_data, "stopped with unsaved changes: %s was not written", session_path);
    }
    if (s->failed) {
      snprintf(message, message_size, "%s", s->message);
      st = MIXDOWN_ERR_IO;
    }
  }
  serve_free(s);
  return st;
}
