// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `mixdown get SESSION [ADDRESS…] [--json]`: values of a session by
// address (the editor of mixdown.h reads them: as written, or the
// default), one `ADDRESS VALUE UNIT` line each, or one JSON array.

#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
  "usage: mixdown get SESSION [ADDRESS…] [--json]\n"
  "Print the value at each ADDRESS of SESSION, one `ADDRESS VALUE UNIT` line each:\n"
  "a number with its unit, a switch or a name, an envelope or a list as one line of\n"
  "YAML flow.  A value the file does not write is the default the session takes.\n"
  "With no ADDRESS, every address of the session.  Addresses are OSC's:\n"
  "  /track/NAME/gain_db  /bus/NAME/pan  /master/insert/limiter/ceiling_db\n"
  "  /track/NAME/insert/N/PARAM (N from 1, or the type)  /track/NAME/insert/N/bands/K/FIELD\n"
  "  /track/NAME/send/BUS/level_db  /tempo  /length  /output/file  /master/loudness/target_lufs\n"
  "  /track/NAME/inserts  /track/NAME/sends  /track/NAME/gain_db/points (lists)\n"
  "  --json   one JSON array of {\"address\", \"value\", \"unit\"} objects\n"
  "Nothing is written.  Exit code 0, or 2 for an unknown address or an invalid session.\n";

typedef struct {
  MixdownEditor* editor;
  bool           json;
  unsigned       printed;
  bool           failed;
} GetRun;

// Prints the value at `address`; false when the address names nothing
// (the editor reported it).
static bool
print_one(GetRun* run, const char* address)
{
  char*               value = NULL;
  const char*         unit  = "";
  const MixdownStatus st    = run->json ? mixdown_editor_get_json(run->editor, address, &value, &unit)
                                        : mixdown_editor_get(run->editor, address, &value, &unit);
  if (st) {
    if (st != MIXDOWN_ERR_BAD_ARG && st != MIXDOWN_ERR_SESSION) {
      fprintf(stderr, "mixdown get: %s: %s\n", address, mixdown_strerror(st));
    }
    run->failed = true;
    return false;
  }
  if (run->json) {
    fputs(run->printed ? ",\n  {\"address\": " : "\n  {\"address\": ", stdout);
    cli_print_json_string(address);
    printf(", \"value\": %s, \"unit\": ", value);
    cli_print_json_string(unit);
    putchar('}');
  } else {
    printf("%s %s%s%s\n", address, value, unit[0] ? " " : "", unit);
  }
  ++run->printed;
  free(value);
  return true;
}

static int
visit_address(void* user_data, const char* address)
{
  GetRun* run = user_data;
  print_one(run, address);
  return 0;
}

int
cmd_get(int argc, char** argv)
{
  const char* session = NULL;
  GetRun      run     = {0};
  for (int i = 1; i < argc; ++i) {
    if (cli_is_help(argv[i])) {
      fputs(usage, stdout);
      return CLI_OK;
    }
    if (!strcmp(argv[i], "--json")) {
      run.json = true;
    } else if (argv[i][0] == '-' && argv[i][1]) {
      fprintf(stderr, "mixdown get: unknown option `%s`\n%s", argv[i], usage);
      return CLI_USAGE;
    } else if (!session) {
      session = argv[i];
    } else if (argv[i][0] != '/') {
      fprintf(stderr, "mixdown get: `%s` is not an address (addresses start with `/`: /track/NAME/gain_db)\n",
              argv[i]);
      return CLI_USAGE;
    }
  }
  if (!session) {
    fputs(usage, stderr);
    return CLI_USAGE;
  }
  if (mixdown_editor_open(session, cli_print_diagnostic, NULL, &run.editor)) {
    return CLI_USAGE;
  }
  if (run.json) {
    putchar('[');
  }
  bool any_address = false;
  for (int i = 1; i < argc; ++i) {
    if (argv[i] != session && argv[i][0] == '/') {
      any_address = true;
      print_one(&run, argv[i]);
    }
  }
  if (!any_address) {
    mixdown_editor_addresses(run.editor, visit_address, &run);
  }
  if (run.json) {
    fputs(run.printed ? "\n]\n" : "]\n", stdout);
  }
  mixdown_editor_free(run.editor);
  return run.failed ? CLI_USAGE : CLI_OK;
}
