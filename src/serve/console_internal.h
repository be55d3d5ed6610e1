// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The console (console.h), private to its files:
//
//   console.c          life, the requests of pages, the poll (moves read
//                      back, transport, curves)
//   console_state.c    the values of a session as the console shows them
//                      (from md_address_list and the parameter tables):
//                      the state message, the values an undo changed
//   console_history.c  moves kept as steps (gestures), undo/redo of exact
//                      texts, save and save as
//
// Thread: the server thread only.

#ifndef MD_SERVE_CONSOLE_INTERNAL_H
#define MD_SERVE_CONSOLE_INTERNAL_H

#include "serve/console.h"

#include "session/address.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MD_CONSOLE_ADDRESS_MAX 512 ///< As MdServeRequest.address
#define MD_CONSOLE_OSC         (-2) ///< The owner of moves no page made (OSC)
#define MD_CONSOLE_OSC_STEP_S  0.3  ///< A pause this long ends a burst of OSC moves (one step)
#define MD_CONSOLE_UNDO_MAX    500U ///< Steps kept (the oldest go first)
#define MD_CONSOLE_SENT_MAX    1024U ///< Page moves awaiting their read-back from the player
#define MD_CONSOLE_TRANSPORT_S 0.05 ///< The transport message's period while playing (20 a second)
#define MD_CONSOLE_HEARTBEAT_S 1.0  ///< …and while stopped (every page hears from the server this often)
#define MD_CONSOLE_CURVE_S     (1.0 / 30.0) ///< An insert's curve at most this often

/// A move shown and playing but not kept in the text yet: its gesture
/// has not ended.
typedef struct {
  char   address[MD_CONSOLE_ADDRESS_MAX];
  double value;
  int    owner; ///< The page (client id), or MD_CONSOLE_OSC
} MdPendingMove;

/// A page's gesture in progress.
typedef struct {
  int  client;
  char gesture[64];
} MdOpenGesture;

/// An editor text (an undo or redo step).
typedef struct {
  char*  text;
  size_t length;
} MdTextStep;

typedef struct {
  MdTextStep* items;
  size_t      count;
  size_t      capacity;
} MdTextSteps;

/// An insert whose curve the pages draw.
typedef struct {
  char   address[MD_CONSOLE_ADDRESS_MAX];
  bool   due;         ///< A value of it moved since its last curve
  double sent_at_s;   ///< When its last curve went
} MdCurveInsert;

struct MdConsole {
  MixdownEditor* editor;
  MdPlayer*      player;
  char*          session_path;
  char           session_name[256]; ///< Its file name (the pages' title)
  char*          folder;            ///< Where save as writes (the session's folder)
  double         rate_hz;
  double         length_s;

  MixdownDiagnosticFunc pass_on; ///< The editor's callback at open (the command line's stderr)
  void*                 pass_on_user;
  char                  refusal[1024]; ///< The editor's last report, as FILE:LINE:COLUMN: error: …

  MdPendingMove* pending;
  size_t         n_pending, pending_capacity;
  MdOpenGesture* gestures;
  size_t         n_gestures, gesture_capacity;
  double         last_osc_move_s;

  MdLiveChange sent[MD_CONSOLE_SENT_MAX]; ///< Page moves sent, oldest first (a ring)
  size_t       sent_first, n_sent;

  MdTextSteps undo, redo;
  char*       saved_text; ///< The file as read or last saved
  size_t      saved_length;
  char**      copies;     ///< Files save as wrote in this run (it may write them again)
  size_t      n_copies;

  MdCurveInsert* curves;
  size_t         n_curves, curves_capacity;

  bool     loop_on;
  double   loop_from_s, loop_to_s;
  uint64_t loop_changes_seen; ///< The player's loop_changes last shown (a loop set over OSC shows too)
  bool     was_playing;
  double   next_transport_s;
};

/* console_state.c */

/// The latest pending move of `address` (any owner), or NULL.
const MdPendingMove* md_console_pending_at(const MdConsole* c, const char* address);

/// The value the console shows at `address` now: a pending move's, else
/// the editor's (an envelope at the transport's position).  False when
/// it names no number, switch or choice.  *automated (may be NULL): the
/// value is an envelope's.
bool md_console_value_now(MdConsole* c, const char* address, double* value, bool* automated);

/// Every number, switch and choice of the session as edited, at
/// `position_s` (pending moves not applied): `visit` gets its canonical
/// address, value and whether an envelope gives it.
void md_console_each_value(MdConsole* c, double position_s,
                           void (*visit)(void* user, const char* address, double value, bool automated), void* user);

/// The insert address (`/track/NAME/insert/N`) a value address lies in,
/// or false.
bool md_console_insert_of(const char* address, char* out, size_t size);

/* console_history.c */

/// Keeps the pending moves of `owner` in the text as one undo step (none
/// when they change nothing) and tells every page the history.
void md_console_commit(MdConsole* c, int owner, MdServeSendFunc send, void* user);
/// md_console_commit() for every owner (before an undo, a save).
void md_console_commit_all(MdConsole* c, MdServeSendFunc send, void* user);
/// Undo (`forward` false) or redo the last step.
void md_console_undo(MdConsole* c, int client, bool forward, MdServeSendFunc send, void* user);
/// Save over the session file (`path` NULL) or save as a copy.
void md_console_save(MdConsole* c, int client, const char* path, MdServeSendFunc send, void* user);
/// The `history` message to every page.
void md_console_send_history(MdConsole* c, MdServeSendFunc send, void* user);
void md_console_steps_free(MdTextSteps* steps);

/* console.c */

/// Moves `address` to *value on the live player (checked by
/// md_control_parse: *value becomes what the player takes, clamped into
/// the range); the move is read back later and recognised as a page's.
/// False with why.
bool md_console_move_live(MdConsole* c, const char* address, double* value, char* why, size_t why_size);
/// The session's envelope of `address` (its value now: `value`, which
/// only names the move to the gate) plays again on the live player (an
/// undo put it back in the text: md_engine_live_resume()); nothing when a
/// move never took it over.  Not read back (not a move).
void md_console_resume_live(MdConsole* c, const char* address, double value);
/// Every page is told `address` is now `value` (moved by `client`, < 0:
/// none; `automated`: an envelope's value, given back), and the curve of
/// its insert becomes due.
void md_console_tell_value(MdConsole* c, const char* address, double value, int client, bool automated,
                           MdServeSendFunc send, void* user);
/// Room for one more item in the array `items` (`count` used of *capacity,
/// each `item_size` bytes): the array, grown to twice (or `first`) when
/// full.  NULL when out of memory (the array as it was).
void* md_console_grow(void* items, size_t* capacity, size_t count, size_t item_size, size_t first);
/// Sends a message built by protocol.h's encoders (freed here).
void md_console_send_owned(MdServeSendFunc send, void* user, int client, char* json);

#endif
