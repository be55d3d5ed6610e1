// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The pages connected over the WebSocket: each one's id, its queue of
// text messages waiting for its socket to be writable, and the newest
// meters and transport messages (a slow page gets the latest of those,
// never a backlog).  The queue is bounded: a page that falls more than
// MD_SERVE_QUEUE_BYTES behind is disconnected (it says so, reconnects and
// resynchronises) instead of growing the server's memory without end.
//
// Nothing here touches the network: http.c writes what md_serve_client_next()
// gives.  Thread: the server thread only.

#ifndef MD_SERVE_CLIENTS_H
#define MD_SERVE_CLIENTS_H

#include <stdbool.h>
#include <stddef.h>

#define MD_SERVE_QUEUE_BYTES   (8U << 20) ///< Text a page may be behind before it is dropped
#define MD_SERVE_MESSAGE_BYTES (64U << 10) ///< The longest message a page may send

/// One message ready to write: `head` bytes of headroom (the socket
/// library's), then the text.
typedef struct MdServeMessage MdServeMessage;

typedef struct {
  int             id;
  void*           wsi;        ///< The connection (struct lws*)
  MdServeMessage* first;      ///< Queued text, oldest first
  MdServeMessage* last;
  size_t          queued_bytes;
  MdServeMessage* meters;     ///< The newest meters message not sent yet
  MdServeMessage* transport;  ///< The newest transport message not sent yet
  bool            overflowed; ///< Fell too far behind: close it
  char*           in;         ///< A message being received in fragments
  size_t          in_length;
  bool            in_too_long; ///< The one being received is over MD_SERVE_MESSAGE_BYTES: dropped
} MdServeClient;

typedef enum { MD_SERVE_QUEUE, MD_SERVE_LATEST_METERS, MD_SERVE_LATEST_TRANSPORT } MdServeSlot;

/// Copies `text` (with `headroom` bytes before it) for `client`: queued,
/// or replacing the slot's older message.  False when out of memory or
/// the queue is over its bound (the client is then marked overflowed).
bool md_serve_client_push(MdServeClient* client, MdServeSlot slot, const char* text, size_t length, size_t headroom);

/// The next message to write (queued text first, then transport, then
/// meters), taken off the client: its text at *text, `*length` bytes, with
/// the headroom before it.  NULL when nothing waits.  Free with
/// md_serve_message_free() once written.
MdServeMessage* md_serve_client_next(MdServeClient* client, unsigned char** text, size_t* length);
void            md_serve_message_free(MdServeMessage* message);
bool            md_serve_client_has_pending(const MdServeClient* client);

/// Appends a received fragment; true when `final` completes a message
/// (NUL-terminated at client->in, client->in_length bytes) — unless it was
/// too long, which is then reported by *too_long and dropped.
bool md_serve_client_receive(MdServeClient* client, const void* data, size_t length, bool first, bool final,
                             bool* too_long);
/// Forgets the message received (after it is handled).
void md_serve_client_received(MdServeClient* client);

/// Frees everything the client holds (not the client).
void md_serve_client_clear(MdServeClient* client);

/// The slot a message of the console goes to: its "type" decides
/// (`{"type":"transport"…` is merged; the rest is queued in order).
MdServeSlot md_serve_slot_of(const char* json);

#endif
