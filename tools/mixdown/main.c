// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static const char usage[] =
  "usage: mixdown COMMAND [ARGS]\n"
  "\n"
  "Render multitrack sessions to a stereo mix.\n"
  "\n"
  "commands:\n"
  "  render SESSION [-o OUT]   render the session to a file\n"
  "  check SESSION             validate a session, write nothing\n"
  "  get SESSION [ADDRESS…]    values of a session by address (as OSC names them)\n"
  "  set SESSION ADDRESS VALUE change values, keeping the file's comments and layout\n"
  "  graph SESSION [--dot]     the routing: strips, inserts, sends, sidechains, latencies\n"
  "  analyze FILE [--json]     peak, RMS, loudness and true peak of a file\n"
  "  describe [TYPE]           processors and their parameters\n"
  "  play SESSION              play in real time through JACK; live control over OSC\n"
  "  serve SESSION             the mixing console in the browser: hear, move, save\n"
  "  batch SUBCOMMAND          plan, run, status, collect: many renders (docs/batch.md)\n"
  "  assist KIND SESSION       duck, level, balance, unmask, match: analyse, write editable values\n"
  "  demo [-o OUT]             render the bundled demo session\n"
  "  plugins [URI]             installed LV2 plugins, or one plugin's parameters\n"
  "  version                   print the version\n"
  "\n"
  "Run `mixdown COMMAND --help` for a command's options.\n"
  "Exit codes: 0 success, 1 a render failed, 2 usage or session error.\n";

typedef struct {
  const char* name;
  int (*run)(int argc, char** argv);
} Command;

static const Command commands[] = {
  {"render", cmd_render},   {"check", cmd_check}, {"analyze", cmd_analyze},
  {"describe", cmd_describe}, {"demo", cmd_demo}, {"plugins", cmd_plugins},
  {"play", cmd_play},       {"graph", cmd_graph}, {"get", cmd_get},
  {"set", cmd_set},        {"serve", cmd_serve}, {"batch", cmd_batch}, {"assist", cmd_assist},
};

// Every clip playing at once holds a file open: let a session with
// thousands of simultaneous tracks use all the descriptors it may.
static void
raise_file_limit(void)
{
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// The library reads no environment variable; the command does, and sets
// the library's options from it: MIXDOWN_KERNELS=c (the plain-C kernels),
// MIXDOWN_LV2_ISOLATION=0 (plugins in mixdown's own process; play's
// default, cmd_play.c), TMPDIR (cli_temp_dir()).
static void
apply_environment(void)
{
  const char* kernels = getenv("MIXDOWN_KERNELS");
  if (kernels && !strcmp(kernels, "c")) {
    mixdown_set_kernels(MIXDOWN_KERNELS_REFERENCE);
  }
  const char* isolation = getenv("MIXDOWN_LV2_ISOLATION");
  if (isolation) {
    mixdown_set_plugin_isolation(strcmp(isolation, "0") != 0);
  }
}

bool
cli_lacks(const char* command, MixdownFeature feature, const char* what)
{
  if (mixdown_has_feature(feature)) {
    return false;
  }
  fprintf(stderr, "mixdown %s: this build of mixdown has no %s: rebuild with meson -D%s=enabled\n", command, what,
          mixdown_feature_name(feature));
  return true;
}

// `mixdown version`: the version, then the optional parts this build has
// and lacks (meson_options.txt), as the tests of a build read them.
static void
print_version(void)
{
  printf("mixdown %s\n", mixdown_version_string());
  const MixdownFeature features[] = {MIXDOWN_FEATURE_JACK, MIXDOWN_FEATURE_OSC, MIXDOWN_FEATURE_LV2,
                                     MIXDOWN_FEATURE_REPORT, MIXDOWN_FEATURE_SERVE};
  const char* label[] = {"with:", "without:"};
  for (int lacking = 0; lacking < 2; ++lacking) {
    int n = 0;
    for (size_t k = 0U; k < sizeof features / sizeof features[0]; ++k) {
      if ((mixdown_has_feature(features[k]) == 0) == (lacking != 0)) {
        printf("%s %s", n++ ? "" : label[lacking], mixdown_feature_name(features[k]));
      }
    }
    if (n) {
      putchar('\n');
    }
  }
}

const char*
cli_temp_dir(void)
{
  const char* dir = getenv("TMPDIR");
  return dir && dir[0] ? dir : NULL;
}

int
main(int argc, char** argv)
{
  raise_file_limit();
  apply_environment();
  if (argc < 2 || cli_is_help(argv[1]) || !strcmp(argv[1], "help")) {
    fputs(usage, argc < 2 ? stderr : stdout);
    return argc < 2 ? CLI_USAGE : CLI_OK;
  }
  if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
    print_version();
    return CLI_OK;
  }
  for (size_t i = 0U; i < sizeof commands / sizeof commands[0]; ++i) {
    if (!strcmp(argv[1], commands[i].name)) {
      return commands[i].run(argc - 1, argv + 1);
    }
  }
  fprintf(stderr, "mixdown: unknown command `%s`\n\n%s", argv[1], usage);
  return CLI_USAGE;
}
