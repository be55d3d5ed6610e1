// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "live/osc.h"

#include "dsp/db.h"
#include "live/control.h"
#include "live/osc_decode.h"
#include "live/subscribers.h"
#include "platform/clock.h"
#include "util/note.h"
#include "util/rate_limit.h"

#include <arpa/inet.h>
#include <ebur128.h>
#include <errno.h>
#include <lo/lo.h>
#include <math.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_DATAGRAM    65536
#define DEFAULT_METER_HZ 10.0
#define NOTES_PER_S      10U // warnings a sender can cause, at most, a second

struct MdOsc {
  const MixdownSession* session;
  MdPlayer*             player;
  MdNoteFunc             note;
  void*                 user;
  int                   fd;
  int                   port;
  pthread_t             thread;
  bool                  started;
  _Atomic bool          quit;
  _Atomic uint64_t      messages;
  MdSubscribers         subscribers;
  MdRateLimit           notes;     ///< The OSC thread's warnings
  ebur128_state*        loudness;  ///< The master's momentary loudness
  float*                snapshot;  ///< 2 × nodes
  float*                peak;      ///< Since the last send: per node
  double*               sum;
  uint32_t              snapshots;
  float*                master;    ///< Interleaved scratch for loudness
  unsigned char         datagram[MAX_DATAGRAM];
};

/* ------------------------------------------------------------------------ */
/* Meters                                                                    */

// A warning for the user, at most NOTES_PER_S a second (a sender on the
// network can cause them at will); the rest are counted and the count
// given when the second is over.
static void MD_PRINTF(2, 3)
osc_note(MdOsc* osc, const char* fmt, ...)
{
  uint32_t suppressed = 0U;
  const bool allowed  = md_rate_limit_allow(&osc->notes, md_clock_seconds(), &suppressed);
  if (suppressed) {
    md_notef(osc->note, osc->user, "osc: … %u more warnings suppressed (at most %u a second)", suppressed,
             NOTES_PER_S);
  }
  if (allowed) {
    char    line[800];
    va_list args;
    va_start(args, fmt);
    vsnprintf(line, sizeof line, fmt, args);
    va_end(args);
    md_notef(osc->note, osc->user, "%s", line);
  }
}

// The count of a flood that has stopped (`final`: at the end, whatever it is).
static void
flush_notes(MdOsc* osc, bool final)
{
  const uint32_t suppressed = md_rate_limit_flush(&osc->notes, md_clock_seconds(), final);
  if (suppressed) {
    md_notef(osc->note, osc->user, "osc: … %u more warnings suppressed (at most %u a second)", suppressed,
             NOTES_PER_S);
  }
}

static void
expire_subscriptions(MdOsc* osc)
{
  struct sockaddr_storage first;
  const int               expired = md_subscribers_expire(&osc->subscribers, md_clock_seconds(), &first);
  if (expired) {
    char name[80];
    md_subscribers_name(&first, name, sizeof name);
    osc_note(osc, "osc: meters to %s%s stopped: not renewed for %g s (send /meters/subscribe again within %g s)",
             name, expired > 1 ? " and others" : "", MD_SUBSCRIPTION_S, MD_SUBSCRIPTION_S);
  }
}

static void
send_message(MdOsc* osc, const MdSubscriber* s, const char* path, lo_message m)
{
  size_t size = sizeof osc->datagram;
  if (lo_message_length(m, path) <= size && lo_message_serialise(m, path, osc->datagram, &size)) {
    sendto(osc->fd, osc->datagram, size, 0, (const struct sockaddr*)&s->address, s->length);
  }
}

static void
send_levels(MdOsc* osc, const MdSubscriber* s, const char* path, float peak, double mean_square)
{
  lo_message m = lo_message_new();
  if (!m) {
    return;
  }
  // Silence reads -144 dB, as a fader's floor: some clients choke on -inf.
  lo_message_add_float(m, (float)(peak > 6.3e-8F ? md_gain_to_db(peak) : -144.0));
  lo_message_add_float(m, (float)(mean_square > 4e-15 ? 10.0 * log10(mean_square) : -144.0));
  send_message(osc, s, path, m);
  lo_message_free(m);
}

// Takes what the audio thread measured since last time (peaks: the
// highest; energy: the mean) and feeds the master to the loudness meter.
static void
gather_meters(MdOsc* osc)
{
  const size_t nodes = osc->session->n_nodes;
  while (md_player_take_meters(osc->player, MD_METERS_OSC, osc->snapshot)) {
    for (size_t i = 0U; i < nodes; ++i) {
      osc->peak[i] = osc->snapshot[i] > osc->peak[i] ? osc->snapshot[i] : osc->peak[i];
      osc->sum[i] += osc->snapshot[nodes + i];
    }
    ++osc->snapshots;
  }
  uint32_t frames = 0U;
  do {
    md_player_take_master(osc->player, MD_METERS_OSC, osc->master, 4096U, &frames);
    if (frames && osc->loudness) {
      ebur128_add_frames_float(osc->loudness, osc->master, frames);
    }
  } while (frames == 4096U);
}

static void
send_meters(MdOsc* osc)
{
  gather_meters(osc);
  const double now = md_clock_seconds();
  bool         sent = false;
  for (int k = 0; k < osc->subscribers.n; ++k) {
    MdSubscriber* s = &osc->subscribers.items[k];
    if (now < s->next_s || !osc->snapshots) {
      continue;
    }
    s->next_s = now + s->interval_s;
    sent      = true;
    for (size_t i = 0U; i < osc->session->n_nodes; ++i) {
      const MdNode* node = &osc->session->nodes[i];
      char          path[300];
      if (node->kind == MD_NODE_MASTER) {
        snprintf(path, sizeof path, "/meters/master");
      } else {
        snprintf(path, sizeof path, "/meters/%s/%s", node->kind == MD_NODE_TRACK ? "track" : "bus", node->name);
      }
      send_levels(osc, s, path, osc->peak[i], osc->sum[i] / osc->snapshots);
    }
    MdPlayerStatus status;
    md_player_status(osc->player, &status);
    lo_message where = lo_message_new();
    if (where) {
      lo_message_add_float(where, (float)status.position_s);
      lo_message_add_int32(where, status.playing ? 1 : 0);
      send_message(osc, s, "/transport/position", where);
      lo_message_free(where);
    }
    double lufs = -HUGE_VAL;
    if (osc->loudness && ebur128_loudness_momentary(osc->loudness, &lufs) == EBUR128_SUCCESS) {
      lo_message m = lo_message_new();
      if (m) {
        lo_message_add_float(m, isfinite(lufs) ? (float)lufs : -144.0F);
        send_message(osc, s, "/meters/master/loudness", m);
        lo_message_free(m);
      }
    }
  }
  if (sent) {
    memset(osc->peak, 0, osc->session->n_nodes * sizeof(float));
    memset(osc->sum, 0, osc->session->n_nodes * sizeof(double));
    osc->snapshots = 0U;
  }
}

/* ------------------------------------------------------------------------ */
/* Messages in                                                               */

// The reply port of /meters/subscribe and /meters/unsubscribe: the first
// int argument within 1 … 65535, or 0.
static int
reply_port(lo_message m)
{
  const char* types = lo_message_get_types(m);
  lo_arg**    argv  = lo_message_get_argv(m);
  for (int k = 0; types && types[k]; ++k) {
    if (types[k] == LO_INT32 && argv[k]->i > 0 && argv[k]->i < 65536) {
      return argv[k]->i;
    }
  }
  return 0;
}

// /meters/subscribe [PORT:int] [RATE_HZ:float]: meters to the sender, or
// to PORT on the sender's host (a client that listens on another port),
// for MD_SUBSCRIPTION_S seconds: sent again, it renews.
static void
subscribe_message(MdOsc* osc, lo_message m, const struct sockaddr_storage* from, socklen_t length)
{
  const char*             types = lo_message_get_types(m);
  lo_arg**                argv  = lo_message_get_argv(m);
  struct sockaddr_storage to    = *from;
  double                  rate  = DEFAULT_METER_HZ;
  const int               port  = reply_port(m);
  if (port) {
    const uint16_t net = htons((uint16_t)port);
    if (to.ss_family == AF_INET6) {
      ((struct sockaddr_in6*)&to)->sin6_port = net;
    } else {
      ((struct sockaddr_in*)&to)->sin_port = net;
    }
  }
  for (int k = 0; types && types[k]; ++k) {
    if (types[k] == LO_FLOAT || types[k] == LO_DOUBLE) {
      rate = (double)lo_hires_val((lo_type)types[k], argv[k]);
    }
  }
  if (md_subscribers_add(&osc->subscribers, &to, length, rate, DEFAULT_METER_HZ, md_clock_seconds()) ==
      MD_SUBSCRIBE_FULL) {
    osc_note(osc, "osc: too many meter subscribers (%d): one more refused", MD_SUBSCRIBERS_MAX);
  }
}

// Where a datagram came from, for the visitor.
typedef struct {
  MdOsc*                         osc;
  const struct sockaddr_storage* from;
  socklen_t                      length;
} MdOscSender;

static void
handle_message(void* user, const char* path, const double* values, uint32_t n_values, lo_message m)
{
  const MdOscSender* sender = user;
  MdOsc*             osc    = sender->osc;
  atomic_fetch_add(&osc->messages, 1U);
  if (!strcmp(path, "/meters/subscribe")) {
    subscribe_message(osc, m, sender->from, sender->length);
    return;
  }
  if (!strcmp(path, "/meters/unsubscribe")) {
    md_subscribers_remove(&osc->subscribers, sender->from, reply_port(m));
    return;
  }
  MdCommand cmd;
  char      note[400];
  if (!md_control_parse(osc->session, path, values, n_values, &cmd, note, sizeof note)) {
    osc_note(osc, "osc: %s: %s", path, note);
    return;
  }
  if (note[0]) {
    osc_note(osc, "osc: %s", note);
  }
  if (!md_player_send(osc->player, &cmd)) {
    osc_note(osc, "osc: %s: the audio thread is not keeping up; move dropped", path);
  }
}

static void*
osc_main(void* arg)
{
  MdOsc* osc = arg;
  while (!atomic_load(&osc->quit)) {
    struct pollfd pfd = {osc->fd, POLLIN, 0};
    if (poll(&pfd, 1, 10) > 0) {
      struct sockaddr_storage from;
      socklen_t               length = sizeof from;
      const ssize_t           n      = recvfrom(osc->fd, osc->datagram, sizeof osc->datagram, 0,
                                                (struct sockaddr*)&from, &length);
      uint32_t          rejected = 0U;
      const MdOscSender sender   = {osc, &from, length};
      if (n > 0) {
        md_osc_decode(osc->datagram, (size_t)n, handle_message, (void*)&sender, &rejected);
      }
      if (rejected) {
        osc_note(osc, "osc: a datagram (or part of one) that is not OSC was ignored");
      }
    }
    expire_subscriptions(osc);
    send_meters(osc);
    flush_notes(osc, false);
  }
  flush_notes(osc, true);
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Start and stop                                                            */

static int
bind_socket(const char* host, int port, char* message, size_t message_size)
{
  char service[16];
  snprintf(service, sizeof service, "%d", port);
  struct addrinfo  hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM, .ai_flags = AI_PASSIVE};
  struct addrinfo* found = NULL;
  const int        gai   = getaddrinfo(host, service, &hints, &found);
  if (gai) {
    snprintf(message, message_size, "OSC host `%s`: %s", host, gai_strerror(gai));
    return -1;
  }
  int fd = -1;
  for (struct addrinfo* a = found; a && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd >= 0 && bind(fd, a->ai_addr, a->ai_addrlen)) {
      snprintf(message, message_size, "cannot listen for OSC on %s:%d: %s", host, port, strerror(errno));
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  return fd;
}

MdOsc*
md_osc_start(const char* host, int port, MdPlayer* player, const MixdownSession* session, MdNoteFunc note,
             void* user, char* message, size_t message_size)
{
  MdOsc* osc = calloc(1U, sizeof *osc);
  if (!osc) {
    snprintf(message, message_size, "out of memory");
    return NULL;
  }
  osc->session = session;
  osc->player  = player;
  osc->note    = note;
  osc->user    = user;
  osc->notes   = md_rate_limit_init(NOTES_PER_S);
  osc->fd      = bind_socket(host, port, message, message_size);
  const size_t nodes = session->n_nodes;
  osc->snapshot = calloc(2U * nodes, sizeof(float));
  osc->peak     = calloc(nodes, sizeof(float));
  osc->sum      = calloc(nodes, sizeof(double));
  osc->master   = calloc(2U * 4096U, sizeof(float));
  osc->loudness = ebur128_init(2U, mixdown_session_sample_rate(session), EBUR128_MODE_M);
  if (osc->fd < 0 || !osc->snapshot || !osc->peak || !osc->sum || !osc->master) {
    if (osc->fd >= 0) {
      snprintf(message, message_size, "out of memory");
    }
    md_osc_stop(osc);
    return NULL;
  }
  struct sockaddr_storage bound;
  socklen_t               length = sizeof bound;
  if (!getsockname(osc->fd, (struct sockaddr*)&bound, &length)) {
    osc->port = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6*)&bound)->sin6_port
                                                  : ((struct sockaddr_in*)&bound)->sin_port);
  }
  if (pthread_create(&osc->thread, NULL, osc_main, osc)) {
    snprintf(message, message_size, "cannot start the OSC thread");
    md_osc_stop(osc);
    return NULL;
  }
  osc->started = true;
  return osc;
}

int
md_osc_port(const MdOsc* osc)
{
  return osc->port;
}

uint64_t
md_osc_messages(const MdOsc* osc)
{
  return atomic_load(&((MdOsc*)osc)->messages);
}

void
md_osc_stop(MdOsc* osc)
{
  if (!osc) {
    return;
  }
  if (osc->started) {
    atomic_store(&osc->quit, true);
    pthread_join(osc->thread, NULL);
  }
  if (osc->fd >= 0) {
    close(osc->fd);
  }
  if (osc->loudness) {
    ebur128_destroy(&osc->loudness);
  }
  free(osc->snapshot);
  free(osc->peak);
  free(osc->sum);
  free(osc->master);
  free(osc);
}
