// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Who gets meters over OSC (live/osc.c): at most MD_SUBSCRIBERS_MAX
// destinations, each for MD_SUBSCRIPTION_S seconds unless renewed — as
// Behringer's X32 and X-Air renew /xremote — so that a forgotten or forged
// subscription (UDP senders are not authenticated: a 32-byte datagram
// started ~290 datagrams a second with no end, a reflector when bound
// beyond loopback) stops by itself.  Pure: the caller passes the time.
// Thread: the OSC thread only.

#ifndef MD_SUBSCRIBERS_H
#define MD_SUBSCRIBERS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#define MD_SUBSCRIBERS_MAX 8
#define MD_SUBSCRIPTION_S  10.0

typedef struct {
  struct sockaddr_storage address;    ///< Where meters go
  socklen_t               length;
  double                  interval_s; ///< Between meter messages
  double                  next_s;     ///< When the next are due
  double                  expires_s;  ///< Unless renewed before
} MdSubscriber;

typedef struct {
  MdSubscriber items[MD_SUBSCRIBERS_MAX];
  int          n;
} MdSubscribers;

typedef enum { MD_SUBSCRIBE_NEW, MD_SUBSCRIBE_RENEWED, MD_SUBSCRIBE_FULL } MdSubscribeResult;

/// Meters to `to` every 1 / rate_hz s (out of 0 … 100 Hz: the default
/// rate) until now_s + MD_SUBSCRIPTION_S; the same destination again
/// renews it (and takes the new rate).
MdSubscribeResult md_subscribers_add(MdSubscribers* s, const struct sockaddr_storage* to, socklen_t length,
                                     double rate_hz, double default_hz, double now_s);

/// Cancels the subscriptions to `from`'s host (any port, or only `port`
/// when it is 1 … 65535); returns how many.  A client that subscribed
/// with a reply port cancels with that port, or with none: UDP senders
/// (oscsend) use a new port every time, so the sender's own port names
/// nothing.
int md_subscribers_remove(MdSubscribers* s, const struct sockaddr_storage* from, int port);

/// Drops the subscriptions not renewed by `now_s`; returns how many, the
/// first one's address in *first (when not NULL).
int md_subscribers_expire(MdSubscribers* s, double now_s, struct sockaddr_storage* first);

/// `address` as "HOST:PORT" (for messages).
void md_subscribers_name(const struct sockaddr_storage* address, char* out, size_t size);

#endif
