// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `mixdown serve`: the mixing console in the browser (mixdown_serve()).

#include "cli.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
  "usage: mixdown serve SESSION [options]\n"
  "\n"
  "Serve the mixing console of SESSION to your web browser: a strip per\n"
  "track, bus and the master, the mix heard in the page as you move it,\n"
  "undo and redo, and save back into SESSION (only the changed lines).\n"
  "Prints the page's address, with its secret token, as the first line;\n"
  "open it in a browser.  Serves until Ctrl-C.\n"
  "\n"
  "options:\n"
  "  --port P      listen on this TCP port (default 0: any free port)\n"
  "  --host ADDR   listen on this address (default 127.0.0.1: this machine\n"
  "                only; any other is reachable from the network: a warning)\n"
  "  --jack        play through JACK as `mixdown play` does, not in the page\n"
  "  --osc PORT    also take OSC control on this UDP port, as `mixdown play\n"
  "                --osc` (a move from OSC shows in the pages)\n"
  "  -h, --help    this help\n";

static volatile int stop_requested = 0;

static void
on_signal(int signum)
{
  (void)signum;
  stop_requested = 1;
}

static bool
parse_port(const char* option, const char* text, int min, int* port)
{
  double x = 0.0;
  if (!cli_parse_number(text, min, 65535.0, &x) || x != (double)(int)x) {
    fprintf(stderr, "mixdown serve: %s takes a port, %d … 65535, not `%s`\n", option, min, text ? text : "");
    return false;
  }
  *port = (int)x;
  return true;
}

static bool
is_loopback(const char* host)
{
  return !strcmp(host, "localhost") || !strcmp(host, "::1") || !strncmp(host, "127.", 4U);
}

static int
parse_options(int argc, char** argv, MixdownServeOptions* o)
{
  static const char* const with_value[] = {"--port", "--host", "--osc", NULL};
  if (!cli_one_session("serve", argc, argv, with_value)) {
    return CLI_USAGE;
  }
  for (int i = 2; i < argc; ++i) {
    const char* a     = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--jack")) {
      o->jack = 1;
      continue;
    }
    if (strcmp(a, "--port") && strcmp(a, "--host") && strcmp(a, "--osc")) {
      fprintf(stderr, "mixdown serve: unknown option `%s` (see mixdown serve --help)\n", a);
      return CLI_USAGE;
    }
    if (!value) {
      fprintf(stderr, "mixdown serve: %s needs a value\n", a);
      return CLI_USAGE;
    }
    ++i;
    if ((!strcmp(a, "--port") && !parse_port(a, value, 0, &o->port)) ||
        (!strcmp(a, "--osc") && !parse_port(a, value, 1, &o->osc_port))) {
      return CLI_USAGE;
    }
    if (!strcmp(a, "--host")) {
      o->host = strcmp(value, "localhost") ? value : "127.0.0.1";
    }
  }
  if (argv[1][0] == '-') {
    fprintf(stderr, "mixdown serve: the session comes first: mixdown serve SESSION [options]\n");
    return CLI_USAGE;
  }
  return CLI_OK;
}

static void
print_note(void* user_data, const char* text)
{
  (void)user_data;
  fprintf(stderr, "mixdown serve: %s\n", text);
}

// The URL is the first line on stdout, flushed at once: scripts (and the
// tests) read it to find the port and the token.
static void
print_ready(void* user_data, const char* url, int osc_port)
{
  const MixdownServeOptions* o = user_data;
  printf("%s\n", url);
  fflush(stdout);
  fprintf(stderr, "mixdown serve: open the address above in a browser%s", o->jack ? "; playing through JACK" : "");
  if (osc_port) {
    fprintf(stderr, "; OSC on 127.0.0.1:%d", osc_port);
  }
  fputs(" (Ctrl-C stops)\n", stderr);
}

int
cmd_serve(int argc, char** argv)
{
  if (argc < 2 || cli_is_help(argv[1])) {
    fputs(usage, argc < 2 ? stderr : stdout);
    return argc < 2 ? CLI_USAGE : CLI_OK;
  }
  // LV2 plugins run in mixdown's own process while playing, as in `play`.
  if (!getenv("MIXDOWN_LV2_ISOLATION")) {
    mixdown_set_plugin_isolation(0);
  }
  MixdownServeOptions options = {.size = sizeof options};
  int                 code    = parse_options(argc, argv, &options);
  if (code) {
    return code;
  }
  if (cli_lacks("serve", MIXDOWN_FEATURE_SERVE, "console in the browser (libwebsockets, jansson)")) {
    return CLI_USAGE;
  }
  if (options.host && !is_loopback(options.host)) {
    fprintf(stderr,
            "mixdown serve: warning: listening on %s, not only this machine: anyone who can reach it and has the "
            "address's token can change and save the session, and the connection is not encrypted\n",
            options.host);
  }
  options.stop          = &stop_requested;
  options.on_diagnostic = cli_print_diagnostic;
  options.note          = print_note;
  options.ready         = print_ready;
  options.user_data     = &options;
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  signal(SIGPIPE, SIG_IGN); // a reader of the URL that went away must not end the server
  char                message[512] = "";
  const MixdownStatus st           = mixdown_serve(argv[1], &options, message, sizeof message);
  if (st == MIXDOWN_ERR_SESSION) {
    return CLI_USAGE; // the diagnostics said where (FILE:LINE:COLUMN)
  }
  if (st) {
    fprintf(stderr, "mixdown serve: %s\n", message[0] ? message : mixdown_strerror(st));
    return st == MIXDOWN_ERR_BAD_ARG ? CLI_USAGE : CLI_FAILED;
  }
  fputs("mixdown serve: stopped\n", stderr);
  return CLI_OK;
}
