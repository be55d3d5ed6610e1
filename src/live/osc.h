// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Live control over OSC: a UDP socket of our own (so it binds to the host
// asked for: 127.0.0.1 unless told otherwise), messages read and written
// by liblo, addresses resolved by live/control.h and queued to the player.
// Meters go back to subscribed clients:
//
//   /meters/subscribe [PORT] [RATE_HZ]   from the client: send meters to my
//                                 address (or PORT on my host) for 10 s;
//                                 sent again within 10 s, it renews
//   /meters/unsubscribe [PORT]    cancel the subscriptions to my host (to PORT)
//   /meters/track/NAME  PEAK_DB RMS_DB     (and /meters/bus/NAME, /meters/master)
//   /meters/master/loudness  LUFS          (momentary, EBU R128)
//   /transport/position  SECONDS PLAYING   (with every round of meters)
//
// Thread: md_osc_start/stop control; the OSC thread they start reads
// the socket and queues commands to the player (never the audio thread).

#ifndef MD_OSC_H
#define MD_OSC_H

#include "live/player.h"
#include "mixdown.h"
#include "util/note.h"

typedef struct MdOsc MdOsc;

/// Binds `host`:`port` (port 0: any free port) and starts the OSC thread;
/// `note` gets a line for the user on the OSC thread (an unknown address,
/// a clamped value), at most 10 a second (then a count of the rest).
/// NULL on failure with why in `message`.
MdOsc* md_osc_start(const char* host, int port, MdPlayer* player, const MixdownSession* session,
                    MdNoteFunc note, void* user, char* message, size_t message_size);
/// The port bound (useful with port 0).
int md_osc_port(const MdOsc* osc);
/// Messages handled so far (applied or refused).
uint64_t md_osc_messages(const MdOsc* osc);
void md_osc_stop(MdOsc* osc);

#endif
