// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "cli.h"

#include <stdio.h>

static const char usage[] = "usage: mixdown check SESSION\n"
                            "Validate SESSION: every problem is printed as FILE:LINE:COLUMN: error: …\n"
                            "Nothing is written.  Exit code 0 when valid, 2 when not.\n";

int
cmd_check(int argc, char** argv)
{
  if (argc == 2 && cli_is_help(argv[1])) {
    fputs(usage, stdout);
    return CLI_OK;
  }
  if (!cli_one_session("check", argc, argv, NULL)) {
    return CLI_USAGE;
  }
  if (argc != 2 || argv[1][0] == '-') {
    fputs(usage, stderr);
    return CLI_USAGE;
  }
  MixdownSession* session = NULL;
  const int       code    = cli_open_session(argv[1], &session);
  if (code) {
    return code;
  }
  MixdownEngine* engine = NULL;
  char           message[512];
  if (mixdown_engine_new(session, &engine, message, sizeof message)) {
    fprintf(stderr, "%s: error: %s\n", argv[1], message);
    mixdown_session_free(session);
    return CLI_USAGE;
  }
  const double rate = mixdown_session_sample_rate(session);
  printf("%s: ok — %.3f s at %u Hz, latency %u frames\n", argv[1],
         (double)mixdown_engine_length(engine) / rate, (unsigned)rate, mixdown_engine_latency(engine));
  mixdown_engine_free(engine);
  mixdown_session_free(session);
  return CLI_OK;
}
