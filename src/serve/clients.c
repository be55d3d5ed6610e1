// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Each page's send queue and receive buffer (clients.h).  Thread: the
// server thread only.

#include "serve/clients.h"

#include <stdlib.h>
#include <string.h>

struct MdServeMessage {
  MdServeMessage* next;
  size_t          headroom;
  size_t          length;
  unsigned char   bytes[]; ///< headroom, then the text, then a NUL
};

static MdServeMessage*
message_new(const char* text, size_t length, size_t headroom)
{
  MdServeMessage* m = malloc(sizeof *m + headroom + length + 1U);
  if (!m) {
    return NULL;
  }
  m->next     = NULL;
  m->headroom = headroom;
  m->length   = length;
  memcpy(m->bytes + headroom, text, length);
  m->bytes[headroom + length] = '\0';
  return m;
}

void
md_serve_message_free(MdServeMessage* message)
{
  free(message);
}

bool
md_serve_client_push(MdServeClient* client, MdServeSlot slot, const char* text, size_t length, size_t headroom)
{
  if (client->overflowed) {
    return false;
  }
  if (slot == MD_SERVE_QUEUE && client->queued_bytes + length > MD_SERVE_QUEUE_BYTES) {
    client->overflowed = true; // far behind: it is closed and will resynchronise when it returns
    return false;
  }
  MdServeMessage* m = message_new(text, length, headroom);
  if (!m) {
    return false;
  }
  if (slot != MD_SERVE_QUEUE) {
    MdServeMessage** latest = slot == MD_SERVE_LATEST_METERS ? &client->meters : &client->transport;
    free(*latest); // the older one, never written: only the newest matters
    *latest = m;
    return true;
  }
  if (client->last) {
    client->last->next = m;
  } else {
    client->first = m;
  }
  client->last = m;
  client->queued_bytes += length;
  return true;
}

MdServeMessage*
md_serve_client_next(MdServeClient* client, unsigned char** text, size_t* length)
{
  MdServeMessage* m = client->first;
  if (m) {
    client->first = m->next;
    if (!client->first) {
      client->last = NULL;
    }
    client->queued_bytes -= m->length;
  } else if ((m = client->transport)) {
    client->transport = NULL;
  } else if ((m = client->meters)) {
    client->meters = NULL;
  } else {
    return NULL;
  }
  *text   = m->bytes + m->headroom;
  *length = m->length;
  return m;
}

bool
md_serve_client_has_pending(const MdServeClient* client)
{
  return client->first || client->transport || client->meters;
}

bool
md_serve_client_receive(MdServeClient* client, const void* data, size_t length, bool first, bool final,
                        bool* too_long)
{
  *too_long = false;
  if (first) {
    client->in_length   = 0U;
    client->in_too_long = false;
  }
  if (!client->in_too_long && client->in_length + length > MD_SERVE_MESSAGE_BYTES) {
    client->in_too_long = true;
  }
  if (!client->in_too_long) {
    if (!client->in && !(client->in = malloc(MD_SERVE_MESSAGE_BYTES + 1U))) {
      client->in_too_long = true; // out of memory: dropped as if too long
    } else {
      memcpy(client->in + client->in_length, data, length);
      client->in_length += length;
      client->in[client->in_length] = '\0';
    }
  }
  if (!final) {
    return false;
  }
  *too_long = client->in_too_long;
  return !client->in_too_long;
}

void
md_serve_client_received(MdServeClient* client)
{
  client->in_length = 0U;
}

void
md_serve_client_clear(MdServeClient* client)
{
  while (client->first) {
    MdServeMessage* next = client->first->next;
    free(client->first);
    client->first = next;
  }
  client->last         = NULL;
  client->queued_bytes = 0U;
  free(client->meters);
  free(client->transport);
  free(client->in);
  client->meters = client->transport = NULL;
  client->in                         = NULL;
}

MdServeSlot
md_serve_slot_of(const char* json)
{
  static const char transport[] = "{\"type\":\"transport\"";
  return !strncmp(json, transport, sizeof transport - 1U) ? MD_SERVE_LATEST_TRANSPORT : MD_SERVE_QUEUE;
}
