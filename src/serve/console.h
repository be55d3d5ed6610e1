// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The console of `mixdown serve`: what every page shows and moves, kept in
// one place on the server so that every page (and OSC) sees one mix.
//
//   - the state a page starts from (md_console_state_json()): a strip per
//     track, bus and the master in the player's node order (the meters'
//     order), each value with its parameter's name, unit, range, default
//     and description exactly as the tables give them (`mixdown describe`
//     reads the same), its value now and whether it may move while playing;
//   - a page's move: checked and sent to the live player (live/control.h,
//     the gate OSC uses too), shown on every page at once, and kept in the
//     session's text (the editor) when its gesture ends: one undo step per
//     gesture (a fader drag); moves from OSC, read back from the player,
//     are shown and kept the same way (one step per burst, 300 ms apart);
//   - undo and redo, shared by every page: each step is the editor's whole
//     text before it, so an undo gives back the exact bytes; the values an
//     undo changes move live too;
//   - save (over the session file, only the changed values' lines differ;
//     refused when the file changed on disk) and save as (a copy beside it);
//   - the transport (play, stop, locate, loop) and its position ~20 times a
//     second while playing, once a second while stopped (so that a page
//     always hears from the server); the curves of EQ and dynamics inserts
//     after their values move.
//
// Messages are the wire's (docs/serve-protocol.md), sent through `send`
// (client < 0: every page).
//
// Thread: the server thread only (the player's control side: it sends
// commands and reads the applied moves back).

#ifndef MD_SERVE_CONSOLE_H
#define MD_SERVE_CONSOLE_H

#include "live/player.h"
#include "mixdown.h"
#include "serve/protocol.h"

#include <stdbool.h>
#include <stddef.h>

/// Sends `json` to page `client` (< 0: every page).
typedef void (*MdServeSendFunc)(void* user, int client, const char* json);

typedef struct MdConsole MdConsole;

/// The console of `editor` (owned from here on: freed by md_console_free(),
/// also on failure) opened from `session_path`, driving `player` (built
/// from the same text, with options.record: the console reads every
/// applied move back).  The editor's reports go on to the callback it was
/// opened with, and a page whose edit or save is refused is told why.
/// NULL when out of memory (why in `message`).
MdConsole* md_console_new(MixdownEditor* editor, const char* session_path, MdPlayer* player, char* message,
                          size_t size);
void       md_console_free(MdConsole* c);

/// The `state` message for page `client` (malloc'd; NULL when out of
/// memory).  It starts exactly `{"type":"state"`.
char* md_console_state_json(MdConsole* c, int client);

/// A request of page `client` (never CREDIT or LISTEN: the server's).
void md_console_handle(MdConsole* c, int client, const MdServeRequest* r, MdServeSendFunc send, void* user);
/// Page `client` went away: its open gesture is kept as a step.
void md_console_client_gone(MdConsole* c, int client, MdServeSendFunc send, void* user);
/// Every pass of the server's loop: the moves the player applied that no
/// page made (OSC), a burst of them kept as a step once it pauses, the
/// transport when due, the curves of inserts whose values moved.
void md_console_poll(MdConsole* c, MdServeSendFunc send, void* user);
/// Changes not saved (the text differs from the file as read or last saved).
bool md_console_dirty(const MdConsole* c);

#endif
