// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// What the server does with the pages (serve_internal.h): their messages
// decoded (protocol.h) and handed to the console, the listener (the page
// that hears the mix) chosen and fed, and the loop's pass every
// MD_SERVE_TICK_MS: applied moves and transport from the console's poll,
// meters to every page at MD_SERVE_METER_HZ, the listener's PCM.
//
// Thread: the server thread only.

#include "serve/serve_internal.h"

#include "platform/clock.h"
#include "serve/audio.h"
#include "serve/meters.h"
#include "serve/console.h"
#include "serve/protocol.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Sends a JSON object built with jansson (stolen) to `client`.
static void
send_object(MdServe* s, int client, json_t* object)
{
  char* text = object ? json_dumps(object, JSON_COMPACT) : NULL;
  if (text) {
    md_serve_send(s, client, text);
  }
  free(text);
  json_decref(object);
}

static void
send_error(MdServe* s, int client, const char* message)
{
  send_object(s, client, json_pack("{s:s, s:s, s:n}", "type", "error", "message", message, "address"));
}

// Tells the listener what the PCM that follows is (before any of it: the
// queued text goes out before PCM).
static void
send_audio_format(MdServe* s, int client)
{
  MdServeAudioStats stats;
  md_serve_audio_stats(s->audio, &stats, false);
  send_object(s, client,
              json_pack("{s:s, s:i, s:i, s:i}", "type", "audio", "rate", (json_int_t)s->rate_hz, "channels", 2,
                        "target_frames", (json_int_t)stats.target_frames));
  s->fill_told = stats.target_frames;
  md_serve_want_write(s, client);
}

// `client` becomes the page that hears the mix: the one before is told it
// no longer does, the audio starts a new generation (the new page's
// worklet starts from what comes next) and the page is told the format.
static void
become_listener(MdServe* s, int client)
{
  if (!s->audio) {
    send_object(s, client, json_pack("{s:s, s:b}", "type", "listener", "listener", 0));
    return; // playing through JACK: no page hears the mix
  }
  const int before = s->listener;
  s->listener      = client;
  if (before >= 0 && before != client) {
    send_object(s, before, json_pack("{s:s, s:b}", "type", "listener", "listener", 0));
  }
  md_serve_audio_listen(s->audio, true); // its credits drive the stream, from a new generation
  send_audio_format(s, client);
}

// The console's messages to a page that said hello: its `state` gets the
// server's own facts, "listener" (this page hears the mix) and "jack".
typedef struct {
  MdServe* server;
  int      client;
} Hello;

static void
send_with_facts(void* user, int client, const char* json)
{
  const Hello* h = user;
  MdServe*     s = h->server;
  static const char state[] = "{\"type\":\"state\"";
  json_t* object = client == h->client && !strncmp(json, state, sizeof state - 1U) ? json_loads(json, 0, NULL) : NULL;
  if (!object) {
    md_serve_send(s, client, json);
    return;
  }
  json_object_set_new(object, "listener", json_boolean(s->listener == client));
  json_object_set_new(object, "jack", json_boolean(s->options->jack));
  send_object(s, client, object);
}

// The first message of a page (and of one that reconnects): it becomes
// the listener if it asks to hear the mix, then gets the state, then the
// audio format.
static void
hello(MdServe* s, int client, const MdServeRequest* request)
{
  const bool listens = request->audio && s->audio;
  if (listens && s->listener != client) {
    const int before = s->listener;
    s->listener      = client;
    if (before >= 0) {
      send_object(s, before, json_pack("{s:s, s:b}", "type", "listener", "listener", 0));
    }
    md_serve_audio_listen(s->audio, true);
  }
  Hello h = {s, client};
  md_console_handle(s->console, client, request, send_with_facts, &h);
  if (listens) {
    send_audio_format(s, client);
  }
}

void
md_serve_page_came(MdServe* s, int client)
{
  (void)s;
  (void)client; // it says hello first: the state is the answer
}

void
md_serve_page_went(MdServe* s, int client)
{
  md_console_client_gone(s->console, client, md_serve_send, s); // its open gesture is committed
  if (s->listener == client) {
    s->listener = -1;
    if (s->audio) {
      md_serve_audio_listen(s->audio, false); // the wall clock drives the transport and meters now
    }
  }
}

void
md_serve_page_said(MdServe* s, int client, const char* text, size_t length)
{
  MdServeRequest request;
  char           why[512];
  if (!md_serve_request_parse(text, length, &request, why, sizeof why)) {
    send_error(s, client, why);
    return;
  }
  switch (request.kind) {
  case MD_REQ_CREDIT:
    if (client == s->listener && s->audio) { // only the listener's clock drives the audio
      const uint32_t target = md_serve_audio_credit(s->audio, request.frames, request.underruns, request.buffered);
      if (target != s->fill_told) { // an underrun deepened it, or a clean stretch relaxed it
        send_object(s, client, json_pack("{s:s, s:I, s:I}", "type", "fill", "target_frames", (json_int_t)target,
                                         "underruns", (json_int_t)request.underruns));
        s->fill_told = target;
      }
    }
    return;
  case MD_REQ_LISTEN: become_listener(s, client); return;
  case MD_REQ_HELLO: hello(s, client, &request); return;
  case MD_REQ_TRANSPORT:
    md_console_handle(s->console, client, &request, md_serve_send, s);
    if (request.action == MD_TRANSPORT_LOCATE) {
      if (s->audio) {
        md_serve_audio_restart(s->audio); // after the locate is queued: the page drops what it holds
      }
      md_serve_meters_reset_loudness(s->meters); // integrated loudness and true peak start over there
    }
    return;
  default: md_console_handle(s->console, client, &request, md_serve_send, s); return;
  }
}

bool
md_serve_take_pcm(MdServe* s, unsigned char* out, size_t capacity, size_t* length)
{
  *length = 0U;
  return s->audio && md_serve_audio_take_packet(s->audio, out, capacity, length);
}

void
md_serve_tick(MdServe* s)
{
  MdPlayerStatus status;
  md_player_status(s->player, &status);
  if (status.failed) {
    snprintf(s->message, sizeof s->message, "%s", status.message);
    s->failed = true;
    return;
  }
  md_console_poll(s->console, md_serve_send, s);
  const double now = md_clock_seconds();
  if (now >= s->next_meters_s) {
    // The player's snapshots come as the audio thread renders, in bursts
    // of the page's credits: when none is new, the next pass asks again
    // rather than a whole meter period later.
    char* meters = md_serve_meters_json(s->meters);
    if (meters) {
      md_serve_send_latest(s, -1, MD_SERVE_LATEST_METERS, meters);
      // On the meter period's grid (a 10 ms pass would stretch each
      // period by up to a pass); after a pause, from now.
      const double period = 1.0 / MD_SERVE_METER_HZ;
      s->next_meters_s    = s->next_meters_s + period < now ? now + period : s->next_meters_s + period;
    }
    free(meters);
  }
  if (s->listener >= 0) {
    md_serve_want_write(s, s->listener); // PCM the audio thread rendered since the last pass
  } else if (s->audio) {
    // Nobody listens: the wall clock drives the audio thread, and what it
    // renders is dropped here.  Left in its queue, it would fill it, and
    // the first periods for a new listener would find no room.
    size_t length = 0U;
    while (md_serve_audio_take_packet(s->audio, s->pcm, s->pcm_capacity, &length)) {
    }
  }
}
