// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "live/subscribers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

static bool
same_address(const struct sockaddr_storage* a, socklen_t length, const MdSubscriber* s)
{
  return s->length == length && !memcmp(&s->address, a, length);
}

static int
port_of(const struct sockaddr_storage* a)
{
  return ntohs(a->ss_family == AF_INET6 ? ((const struct sockaddr_in6*)a)->sin6_port
                                        : ((const struct sockaddr_in*)a)->sin_port);
}

static bool
same_host(const struct sockaddr_storage* a, const struct sockaddr_storage* b)
{
  if (a->ss_family != b->ss_family) {
    return false;
  }
  if (a->ss_family == AF_INET6) {
    return !memcmp(&((const struct sockaddr_in6*)a)->sin6_addr, &((const struct sockaddr_in6*)b)->sin6_addr,
                   sizeof(struct in6_addr));
  }
  return ((const struct sockaddr_in*)a)->sin_addr.s_addr == ((const struct sockaddr_in*)b)->sin_addr.s_addr;
}

MdSubscribeResult
md_subscribers_add(MdSubscribers* s, const struct sockaddr_storage* to, socklen_t length, double rate_hz,
                   double default_hz, double now_s)
{
  MdSubscriber*     sub    = NULL;
  MdSubscribeResult result = MD_SUBSCRIBE_RENEWED;
  for (int k = 0; k < s->n && !sub; ++k) {
    sub = same_address(to, length, &s->items[k]) ? &s->items[k] : NULL;
  }
  if (!sub) {
    if (s->n == MD_SUBSCRIBERS_MAX) {
      return MD_SUBSCRIBE_FULL;
    }
    sub         = &s->items[s->n++];
    sub->next_s = now_s;
    result      = MD_SUBSCRIBE_NEW;
  }
  sub->address    = *to;
  sub->length     = length;
  sub->interval_s = 1.0 / (rate_hz > 0.0 && rate_hz <= 100.0 ? rate_hz : default_hz);
  sub->expires_s  = now_s + MD_SUBSCRIPTION_S;
  return result;
}

int
md_subscribers_remove(MdSubscribers* s, const struct sockaddr_storage* from, int port)
{
  int removed = 0;
  for (int k = 0; k < s->n;) {
    const MdSubscriber* sub = &s->items[k];
    if (same_host(&sub->address, from) && (port < 1 || port > 65535 || port_of(&sub->address) == port)) {
      s->items[k] = s->items[--s->n];
      ++removed;
    } else {
      ++k;
    }
  }
  return removed;
}

int
md_subscribers_expire(MdSubscribers* s, double now_s, struct sockaddr_storage* first)
{
  int expired = 0;
  for (int k = 0; k < s->n;) {
    if (now_s >= s->items[k].expires_s) {
      if (!expired && first) {
        *first = s->items[k].address;
      }
      s->items[k] = s->items[--s->n];
      ++expired;
    } else {
      ++k;
    }
  }
  return expired;
}

void
md_subscribers_name(const struct sockaddr_storage* a, char* out, size_t size)
{
  char host[INET6_ADDRSTRLEN] = "?";
  if (a->ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &((const struct sockaddr_in6*)a)->sin6_addr, host, sizeof host);
  } else {
    inet_ntop(AF_INET, &((const struct sockaddr_in*)a)->sin_addr, host, sizeof host);
  }
  snprintf(out, size, a->ss_family == AF_INET6 ? "[%s]:%d" : "%s:%d", host, port_of(a));
}
