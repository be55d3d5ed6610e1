// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// OSC control in a build with JACK but without liblo (meson -Dosc=disabled):
// live/osc.h's entry points exist, and starting a server fails saying that
// this build has no OSC control, so mixdown_play() needs no #if.
// Thread: control, as live/osc.h says.

#include "live/osc.h"

#include <stdio.h>

MdOsc*
md_osc_start(const char* host, int port, MdPlayer* player, const MixdownSession* session, MdNoteFunc note,
             void* user, char* message, size_t message_size)
{
  (void)host;
  (void)port;
  (void)player;
  (void)session;
  (void)note;
  (void)user;
  snprintf(message, message_size, "this build of mixdown has no OSC control (liblo): rebuild with meson -Dosc=enabled");
  return NULL;
}

int
md_osc_port(const MdOsc* osc)
{
  (void)osc;
  return 0;
}

uint64_t
md_osc_messages(const MdOsc* osc)
{
  (void)osc;
  return 0U;
}

void
md_osc_stop(MdOsc* osc)
{
  (void)osc;
}
