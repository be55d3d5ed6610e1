// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `mixdown play`: real-time playback through JACK, live control over OSC.

#include "cli.h"
// The one internal header the command includes: the disk-stall test hook.
#include "../../src/live/play_testing.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
  "usage: mixdown play SESSION [options]\n"
  "\n"
  "Play SESSION in real time through JACK (client `mixdown`, ports left and\n"
  "right, connected to the system playback ports).  What it plays is what\n"
  "`mixdown render` writes.  Ends at the end of the session, or on Ctrl-C.\n"
  "\n"
  "options:\n"
  "  --from SECONDS        start here\n"
  "  --loop A B            loop from A to B seconds (until Ctrl-C)\n"
  "  --name NAME           JACK client name (default mixdown)\n"
  "  --connect PORT[,PORT] connect left and right to these JACK ports instead\n"
  "  --osc PORT            take live control over OSC on this UDP port (and play\n"
  "                        on after the end until Ctrl-C): /track/NAME/gain_db f,\n"
  "                        …/pan f, …/mute i, …/solo i, …/send/BUS/level_db f,\n"
  "                        …/insert/N/PARAM f, /bus/NAME/…, /master/…,\n"
  "                        /transport/play, /transport/stop, /transport/locate f;\n"
  "                        NaN and infinities are refused, other values clamped;\n"
  "                        /meters/subscribe [PORT] [HZ] sends meters back for\n"
  "                        10 s (send it again to renew); /meters/unsubscribe [PORT]\n"
  "  --osc-host ADDRESS    listen on this address (default 127.0.0.1: this machine only)\n"
  "  --record-automation FILE\n"
  "                        write a copy of the session with the live moves as\n"
  "                        envelopes to FILE (render it to hear the performance);\n"
  "                        checked before playing: never a source, an audio file\n"
  "                        or a device\n"
  "  --stay                play on after the end, waiting for OSC, until Ctrl-C\n"
  "  -q, --quiet           no summary\n"
  "  -h, --help            this help\n";

static volatile int stop_requested = 0;

static void
on_signal(int signum)
{
  (void)signum;
  stop_requested = 1;
}

typedef struct {
  MixdownPlayOptions options;
  const char*        connect[2];
  char               connect_buf[512];
  bool               quiet;
  bool               status_shown; ///< The status line is on screen
} PlayArgs;

// A time: finite, 0 … 24 hours (the longest a session may be).
static bool
parse_seconds(const char* text, double* out)
{
  char*        end = NULL;
  const double x   = strtod(text, &end);
  if (!text[0] || *end || !(x >= 0.0) || x > 86400.0) {
    return false;
  }
  *out = x;
  return true;
}

static int
bad_value(const char* option, const char* what, const char* value)
{
  fprintf(stderr, "mixdown play: %s takes %s, not `%s`\n", option, what, value);
  return CLI_USAGE;
}

static int
parse_options(int argc, char** argv, PlayArgs* args)
{
  MixdownPlayOptions* o = &args->options;
  for (int i = 2; i < argc; ++i) {
    const char* a     = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      args->quiet = true;
      continue;
    }
    if (!strcmp(a, "--stay")) {
      o->stay = 1;
      continue;
    }
    static const char* const with_value[] = {"--from", "--loop", "--name", "--connect", "--osc", "--osc-host",
                                             "--record-automation"};
    bool known = false;
    for (size_t k = 0U; k < sizeof with_value / sizeof with_value[0]; ++k) {
      known = known || !strcmp(a, with_value[k]);
    }
    if (!known) {
      fprintf(stderr, "mixdown play: unknown option `%s` (see mixdown play --help)\n", a);
      return CLI_USAGE;
    }
    if (!value || (!strcmp(a, "--loop") && i + 2 >= argc)) {
      fprintf(stderr, "mixdown play: %s needs %s\n", a, !strcmp(a, "--loop") ? "two times, A and B" : "a value");
      return CLI_USAGE;
    }
    ++i;
    if (!strcmp(a, "--from") && !parse_seconds(value, &o->from_s)) {
      return bad_value(a, "a time in seconds (0 … 86400)", value);
    }
    if (!strcmp(a, "--loop")) {
      const char* to = argv[++i];
      if (!parse_seconds(value, &o->loop_from_s) || !parse_seconds(to, &o->loop_to_s) ||
          o->loop_to_s <= o->loop_from_s) {
        fprintf(stderr, "mixdown play: --loop takes two times A < B in seconds (0 … 86400), not `%s %s`\n", value, to);
        return CLI_USAGE;
      }
      o->loop = 1;
    }
    if (!strcmp(a, "--name")) {
      o->client_name = value;
    }
    if (!strcmp(a, "--osc")) {
      char*        end  = NULL;
      const long   port = strtol(value, &end, 10);
      if (!value[0] || *end || port < 1 || port > 65535) {
        return bad_value(a, "a UDP port, 1 … 65535", value);
      }
      o->osc_port = (int)port;
      o->stay     = 1;
    }
    if (!strcmp(a, "--osc-host")) {
      o->osc_host = value;
    }
    if (!strcmp(a, "--record-automation")) {
      o->record_path = value;
    }
    if (!strcmp(a, "--connect")) {
      snprintf(args->connect_buf, sizeof args->connect_buf, "%s", value);
      char* comma      = strchr(args->connect_buf, ',');
      args->connect[0] = args->connect_buf;
      args->connect[1] = comma ? comma + 1 : args->connect_buf;
      if (comma) {
        *comma = '\0';
      }
      o->connect   = args->connect;
      o->n_connect = 2U;
    }
  }
  if (o->osc_host && !o->osc_port) {
    fprintf(stderr, "mixdown play: --osc-host needs --osc PORT\n");
    return CLI_USAGE;
  }
  return CLI_OK;
}

static void
print_note(void* user_data, const char* text)
{
  const PlayArgs* args = user_data;
  fprintf(stderr, "%smixdown play: %s\n", args->status_shown ? "\r\033[K" : "", text);
}

// On a terminal: one line, rewritten, with where playback is.
static void
print_status(void* user_data, const MixdownPlayStatus* s)
{
  PlayArgs* args = user_data;
  fprintf(stderr, "\r\033[K%s %d:%04.1f / %d:%04.1f   DSP %4.1f%%   xruns %llu", s->playing ? ">" : "=",
          (int)(s->position_s / 60.0), fmod(s->position_s, 60.0), (int)(s->length_s / 60.0), fmod(s->length_s, 60.0),
          100.0 * s->dsp_load, (unsigned long long)s->xruns);
  fflush(stderr);
  args->status_shown = true;
}

static void
print_ready(void* user_data, int osc_port)
{
  const PlayArgs* args = user_data;
  if (args->quiet) {
    return;
  }
  fprintf(stderr, "playing through JACK as `%s`", args->options.client_name ? args->options.client_name : "mixdown");
  if (osc_port) {
    fprintf(stderr, "; OSC on %s:%d", args->options.osc_host ? args->options.osc_host : "127.0.0.1", osc_port);
  }
  fputs(" (Ctrl-C stops)\n", stderr);
}

static void
print_summary(const PlayArgs* args, const MixdownPlayReport* r)
{
  printf("played to %.3f s at %u Hz, %u-frame periods\n", r->played_s, r->sample_rate, r->period_frames);
  printf("  xruns         %llu", (unsigned long long)r->xruns);
  if (r->xruns) {
    printf(" (the first at %.3f s; longest wait between periods %.1f ms)", r->first_xrun_s, r->longest_gap_ms);
  }
  putchar('\n');
  printf("  late disk     %llu track blocks of silence\n", (unsigned long long)r->late_blocks);
  printf("  DSP load      %.1f%% mean, %.1f%% worst period (JACK: %.1f%%)\n", 100.0 * r->dsp_load_mean,
         100.0 * r->dsp_load_max, r->jack_cpu_load);
  if (args->options.osc_port) {
    printf("  OSC           %llu messages\n", (unsigned long long)r->osc_messages);
  }
  if (args->options.record_path) {
    printf("  recorded      %llu moves to %s\n", (unsigned long long)r->moves_recorded, args->options.record_path);
  }
}

// Tests: MIXDOWN_TEST_DISK_STALL=AT,FOR stalls the disk thread once
// (a test hook, not public API: live/play_testing.h).
static void
read_test_stall(MdPlayTestHooks* hooks)
{
  const char* stall = getenv("MIXDOWN_TEST_DISK_STALL");
  if (stall && sscanf(stall, "%lf,%lf", &hooks->stall_at_s, &hooks->stall_for_s) != 2) {
    hooks->stall_at_s = hooks->stall_for_s = 0.0;
  }
}

int
cmd_play(int argc, char** argv)
{
  // LV2 plugins run in mixdown's own process while playing (unless
  // MIXDOWN_LV2_ISOLATION says otherwise: main.c applied it): isolated, the
  // audio thread would wait each period on a child process that has no
  // real-time priority.
  if (!getenv("MIXDOWN_LV2_ISOLATION")) {
    mixdown_set_plugin_isolation(0);
  }
  if (argc < 2 || cli_is_help(argv[1])) {
    fputs(usage, argc < 2 ? stderr : stdout);
    return argc < 2 ? CLI_USAGE : CLI_OK;
  }
  PlayArgs args          = {.options = {.size = sizeof(MixdownPlayOptions)}};
  args.options.stop      = &stop_requested;
  args.options.note      = print_note;
  args.options.ready     = print_ready;
  args.options.user_data = &args;
  int code               = parse_options(argc, argv, &args);
  if (code) {
    return code;
  }
  if (cli_lacks("play", MIXDOWN_FEATURE_JACK, "live playback (JACK)") ||
      (args.options.osc_port && cli_lacks("play", MIXDOWN_FEATURE_OSC, "OSC control (liblo)"))) {
    return CLI_USAGE;
  }
  MdPlayTestHooks hooks = {0.0, 0.0};
  read_test_stall(&hooks);
  if (!args.quiet && isatty(STDERR_FILENO)) {
    args.options.status = print_status;
  }
  MixdownSession* session = NULL;
  if ((code = cli_open_session(argv[1], &session))) {
    return code;
  }
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  MixdownPlayReport   report = {.size = sizeof report};
  const MixdownStatus st     = md_play_with_test_hooks(session, &args.options, &hooks, &report);
  mixdown_session_free(session);
  if (args.status_shown) {
    fputs("\r\033[K", stderr);
  }
  if (st) {
    fprintf(stderr, "mixdown play: %s\n", report.message[0] ? report.message : mixdown_strerror(st));
    return st == MIXDOWN_ERR_BAD_ARG ? CLI_USAGE : CLI_FAILED;
  }
  if (!args.quiet) {
    print_summary(&args, &report);
  }
  return CLI_OK;
}
