// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `mixdown batch SUBCOMMAND …`: thousands of renders on the schedulers
// people already run (Slurm arrays, GNU parallel, Kubernetes Indexed
// Jobs); mixdown itself schedules nothing beyond --jobs.  docs/batch.md.

#include "batch.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
  "usage: mixdown batch SUBCOMMAND [ARGS]\n"
  "\n"
  "  plan SPEC -o MANIFEST [--seed S]       a manifest (JSON Lines) from a spec (YAML)\n"
  "  run MANIFEST (--index I | --shard K/N | --range A:B | --all) [--jobs J] [--cache DIR] [--out DIR]\n"
  "                                         render a slice; reruns do only what is missing\n"
  "  status MANIFEST --shards N [--json]    done / missing / failed, and the shards to rerun\n"
  "  collect MANIFEST [-o RESULTS]          every sidecar as one JSON Lines file\n"
  "\n"
  "Run `mixdown batch SUBCOMMAND --help` for its options; docs/batch.md for the formats.\n";

typedef struct {
  const char* name;
  int (*run)(int argc, char** argv);
} Subcommand;

static const Subcommand subcommands[] = {
  {"plan", cmd_batch_plan},
  {"run", cmd_batch_run},
  {"status", cmd_batch_status},
  {"collect", cmd_batch_collect},
};

int
cmd_batch(int argc, char** argv)
{
  if (argc < 2 || cli_is_help(argv[1])) {
    fputs(usage, argc < 2 ? stderr : stdout);
    return argc < 2 ? CLI_USAGE : CLI_OK;
  }
  for (size_t i = 0U; i < sizeof subcommands / sizeof subcommands[0]; ++i) {
    if (!strcmp(argv[1], subcommands[i].name)) {
      return subcommands[i].run(argc - 1, argv + 1);
    }
  }
  fprintf(stderr, "mixdown batch: unknown subcommand `%s`\n\n%s", argv[1], usage);
  return CLI_USAGE;
}
