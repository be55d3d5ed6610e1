// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// An isolated LV2 insert: the plugin's own process, forked at prepare,
// and the one-message-per-block protocol over a socket pair.  The parent
// side (call, lost, stop) runs on the thread that drives the instance.

#include "host/lv2_internal.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* ------------------------------------------------------------------------ */
/* The plugin in a process of its own                                        */
//
// An isolated instance lives in a child forked at prepare(): the child
// instantiates the plugin and runs it on request; audio, control values
// and meters travel through memory both processes map (alloc_buffers), and
// one small message each way per block through a socket pair — the
// round trip is the whole cost.  When the plugin dies (a signal, exit()),
// the parent's receive returns end-of-file: the render stops with a
// message naming the plugin and the signal instead of taking mixdown down.

typedef struct {
  uint32_t command; ///< ChildCommand
  uint32_t frames;  ///< CHILD_RUN: frames; CHILD_STARTED: latency
  uint32_t ok;      ///< CHILD_STARTED: instantiated
} ChildMessage;

static bool
send_message(int fd, ChildMessage m)
{
  ssize_t sent;
  do {
    sent = send(fd, &m, sizeof m, MSG_NOSIGNAL); // a dead peer is an error, not SIGPIPE
  } while (sent < 0 && errno == EINTR);
  return sent == (ssize_t)sizeof m;
}

static bool
receive_message(int fd, ChildMessage* m)
{
  ssize_t got;
  do {
    got = recv(fd, m, sizeof *m, 0);
  } while (got < 0 && errno == EINTR);
  return got == (ssize_t)sizeof *m;
}

// The child: start the instances, then serve until the parent closes its end.
static _Noreturn void
child_serve(MdLv2Proc* p, int fd, double rate_hz)
{
  // A fatal signal is the parent's to report: die of it plainly.
  static const int fatal[] = {SIGFPE, SIGSEGV, SIGBUS, SIGILL, SIGABRT, SIGTRAP, SIGSYS};
  for (size_t i = 0U; i < sizeof fatal / sizeof fatal[0]; ++i) {
    signal(fatal[i], SIG_DFL);
  }
  signal(SIGINT, SIG_IGN); // Ctrl-C is the parent's: it stops the render, then closes our socket
  signal(SIGTERM, SIG_DFL);
  prctl(PR_SET_PDEATHSIG, SIGKILL); // the parent killed: go too
  const bool ok = md_lv2_start_instances(p, rate_hz);
  if (!send_message(fd, (ChildMessage){CHILD_STARTED, p->latency_frames, ok}) || !ok) {
    _exit(0);
  }
  ChildMessage m;
  while (receive_message(fd, &m)) {
    if (m.command == CHILD_RUN && m.frames <= p->max_frames) {
      md_lv2_run_instances(p, m.frames);
    } else if (m.command == CHILD_RESET) {
      md_lv2_reset_instances(p);
    }
    if (!send_message(fd, m)) {
      break;
    }
  }
  _exit(0); // no atexit handlers, no stdio flush of the parent's buffers
}

// Why the child is gone, once: the signal that ended it, or its exit status.
static void
child_lost(MdLv2Proc* p, const char* doing)
{
  int status = 0;
  kill(p->child, SIGKILL); // if it is still there (it closed its socket): it is of no use now
  while (waitpid(p->child, &status, 0) < 0 && errno == EINTR) {
  }
  p->child = 0;
  close(p->socket);
  p->socket = -1;
  const char* uri = lilv_node_as_uri(lilv_plugin_get_uri(p->cls->plugin));
  if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL) {
    const int sig = WTERMSIG(status);
    snprintf(p->fault, sizeof p->fault, "LV2 plugin <%s> crashed with SIG%s (%s) %s", uri, md_lv2_signal_name(sig),
             strsignal(sig), doing);
  } else if (WIFEXITED(status)) {
    snprintf(p->fault, sizeof p->fault, "LV2 plugin <%s> ended its process (exit status %d) %s", uri,
             WEXITSTATUS(status), doing);
  } else {
    snprintf(p->fault, sizeof p->fault, "LV2 plugin <%s>: its process was killed %s", uri, doing);
  }
}

// One request to the child and its answer.  False when the child is gone.
bool
md_lv2_child_call(MdLv2Proc* p, ChildCommand command, uint32_t frames, const char* doing)
{
  ChildMessage m = {command, frames, 0U};
  if (p->socket < 0) {
    return false;
  }
  if (send_message(p->socket, m) && receive_message(p->socket, &m)) {
    return true;
  }
  child_lost(p, doing);
  return false;
}

MixdownStatus
md_lv2_child_start(MdLv2Proc* p, double rate_hz)
{
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0) {
    return MIXDOWN_ERR_NO_MEM;
  }
  fflush(NULL); // what stdio holds is written once, not once more by the child
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return MIXDOWN_ERR_NO_MEM;
  }
  if (pid == 0) {
    close(fds[0]);
    child_serve(p, fds[1], rate_hz);
  }
  close(fds[1]);
  p->child  = pid;
  p->socket = fds[0];
  ChildMessage started;
  if (!receive_message(p->socket, &started)) {
    child_lost(p, "while it was instantiated");
    return MIXDOWN_ERR_BAD_ARG;
  }
  if (started.command != CHILD_STARTED || !started.ok) {
    child_lost(p, "");
    return MIXDOWN_ERR_BAD_ARG;
  }
  p->latency_frames = started.frames;
  return MIXDOWN_SUCCESS;
}

void
md_lv2_child_stop(MdLv2Proc* p)
{
  if (p->child > 0) {
    close(p->socket); // the child reads end-of-file and leaves; SIGKILL in case it is stuck in the plugin
    kill(p->child, SIGKILL);
    while (waitpid(p->child, NULL, 0) < 0 && errno == EINTR) {
    }
  }
}
