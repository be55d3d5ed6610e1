// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `mixdown plugins [URI]`: the installed LV2 plugins, or one plugin's
// parameters as a `type: lv2` insert takes them.

#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char usage[] = "usage: mixdown plugins [URI]\n"
                            "List the installed LV2 plugins (URI, audio inputs/outputs, name), or\n"
                            "show one plugin's parameters (by symbol, with ranges and defaults) and\n"
                            "meters.  Use one as {type: lv2, uri: URI, params: {SYMBOL: value}}.\n";

static void
print_plugin(void* user, const MixdownPluginInfo* p)
{
  unsigned* count = user;
  printf("%-64s %u→%u  %s\n", p->uri, p->audio_inputs, p->audio_outputs, p->name);
  ++*count;
}

static void
print_param(void* user, const MixdownParamInfo* p)
{
  (void)user;
  if (p->kind == MIXDOWN_PARAM_BOOL) {
    printf("    %-20s true|false, default %-10s %s\n", p->name, p->default_value != 0.0 ? "true" : "false",
           p->description);
  } else {
    // %.9g: the bounds are already the shortest decimals of the plugin's floats (1.4, not 1.399999976)
    printf("    %-20s %.9g … %.9g, default %-8.9g %s\n", p->name, p->min, p->max, p->default_value, p->description);
  }
}

static void
print_meter(void* user, const char* name)
{
  (void)user;
  printf("    meter: %s\n", name);
}

int
cmd_plugins(int argc, char** argv)
{
  if (argc > 2 || (argc == 2 && cli_is_help(argv[1]))) {
    fputs(usage, argc > 2 ? stderr : stdout);
    return argc > 2 ? CLI_USAGE : CLI_OK;
  }
  if (cli_lacks("plugins", MIXDOWN_FEATURE_LV2, "LV2 plugins (lilv)")) {
    return CLI_USAGE;
  }
  if (argc == 1) {
    unsigned count = 0U;
    if (mixdown_plugins_list(print_plugin, &count) != MIXDOWN_SUCCESS) {
      fprintf(stderr, "mixdown plugins: cannot load the LV2 plugin index\n");
      return CLI_FAILED;
    }
    fprintf(stderr, "%u LV2 plugins\n", count);
    return CLI_OK;
  }
  char name[256];
  char message[768];
  if (mixdown_plugin_describe(argv[1], 48000.0, NULL, NULL, NULL, name, sizeof name, message, sizeof message) !=
      MIXDOWN_SUCCESS) {
    fprintf(stderr, "mixdown plugins: %s\n", message);
    return CLI_USAGE;
  }
  printf("%s — %s (ranges at 48 kHz)\n", argv[1], name);
  fflush(stdout);
  mixdown_plugin_describe(argv[1], 48000.0, print_param, print_meter, NULL, NULL, 0U, message, sizeof message);
  return CLI_OK;
}
