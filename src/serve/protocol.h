// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The console's wire (docs/serve-protocol.md), as C: THE decoder of what a
// page sends — one JSON object per text frame, read with jansson into an
// MdServeRequest — and the encoders of the small messages the console
// sends back.  The decoder is the gate between the network and the
// console: every field is checked here (its JSON type, its length, every
// number finite and in range through util/checked_number.h), and anything
// else — an unknown type or field, a missing one, a duplicate key — is
// refused with one sentence saying what was wrong and what is valid.
// Values of `set` are checked against their parameter by the console
// (live/control.h), which knows the session.
//
// Thread: any (no state; jansson only).

#ifndef MD_SERVE_PROTOCOL_H
#define MD_SERVE_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MD_SERVE_MESSAGE_MAX   65536U   ///< The longest page message (bytes)
#define MD_SERVE_CREDIT_MAX    (1U << 24) ///< The most frames one credit may grant
#define MD_SERVE_COUNTER_MAX   9007199254740992.0 ///< 2^53: a page's running counts (underruns, buffered)

typedef enum {
  MD_REQ_HELLO,     ///< audio, tap
  MD_REQ_SET,       ///< address, value, gesture ("" when none: a step of its own)
  MD_REQ_END,       ///< gesture
  MD_REQ_TRANSPORT, ///< action; position_s (locate); loop_on, from_s, to_s (loop)
  MD_REQ_UNDO,
  MD_REQ_REDO,
  MD_REQ_SAVE,
  MD_REQ_SAVE_AS,   ///< path (relative to the session's folder: the console checks it)
  MD_REQ_CREDIT,    ///< frames, underruns, buffered
  MD_REQ_LISTEN,
  MD_REQ_CURVE,     ///< address (an insert's)
} MdServeRequestKind;

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

/// Reads one page message (`length` bytes of `text`) into `out` (zeroed
/// first).  False when it is refused: `why` says why in one sentence.
bool md_serve_request_parse(const char* text, size_t length, MdServeRequest* out, char* why, size_t why_size);

/// The console's messages, as compact JSON with `type` first (malloc'd;
/// NULL when out of memory).  Numbers are finite (a caller's NaN or
/// infinity is written as 0: never sent to a page).
/// `automated`: the value is an envelope's at the transport's position
/// (an undo gave the envelope back), not a constant.
char* md_serve_value_json(const char* address, double value, int client /* < 0: null */, bool automated);
char* md_serve_history_json(bool dirty, bool can_undo, bool can_redo);
/// Starts exactly `{"type":"transport"` (the server keeps only the newest of these per page).
char* md_serve_transport_json(bool playing, double position_s, bool loop_on, double from_s, double to_s);
char* md_serve_error_json(const char* message, const char* address /* NULL: null */);
char* md_serve_note_json(const char* message);
char* md_serve_saved_json(const char* path);

#endif
