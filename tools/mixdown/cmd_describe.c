// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `mixdown describe`: every processor and its parameters, read from the
// parameter tables through the public API.

#include "cli.h"

#include <stdio.h>
#include <string.h>

static void
print_param(const MixdownParamInfo* p, const char* indent)
{
  char range[128];
  switch (p->kind) {
  case MIXDOWN_PARAM_NUMBER:
    snprintf(range, sizeof range, "%g … %g%s%s, default %g", p->min, p->max, p->unit[0] ? " " : "",
             p->unit, p->default_value);
    break;
  case MIXDOWN_PARAM_BOOL:
    snprintf(range, sizeof range, "true|false, default %s", p->default_value != 0.0 ? "true" : "false");
    break;
  case MIXDOWN_PARAM_CHOICE: {
    size_t used = 0U;
    range[0]    = '\0';
    for (size_t i = 0U; p->choices[i] && used < sizeof range - 32U; ++i) {
      used += (size_t)snprintf(range + used, sizeof range - used, "%s%s", i ? "|" : "", p->choices[i]);
    }
    snprintf(range + used, sizeof range - used, ", default %s", p->choices[(size_t)p->default_value]);
    break;
  }
  case MIXDOWN_PARAM_LIST:
    snprintf(range, sizeof range, "list of up to %g items:", p->max);
    break;
  case MIXDOWN_PARAM_NODE:
    snprintf(range, sizeof range, "a track or bus name");
    break;
  }
  // Pad by characters, not bytes: the range holds a UTF-8 ellipsis.
  size_t width = 0U;
  for (const char* c = range; *c; ++c) {
    width += ((unsigned char)*c & 0xC0U) != 0x80U;
  }
  printf("%s%-14s %s%*s %s\n", indent, p->name, range, width < 40U ? (int)(40U - width) : 0, "", p->description);
}

static void
print_processor(uint32_t index)
{
  printf("%s — %s\n", mixdown_processor_name(index), mixdown_processor_description(index));
  for (uint32_t p = 0U; p < mixdown_processor_param_count(index); ++p) {
    print_param(mixdown_processor_param(index, p), "    ");
    for (uint32_t f = 0U; f < mixdown_processor_param_field_count(index, p, NULL); ++f) {
      print_param(mixdown_processor_param_field(index, p, f), "      - ");
    }
  }
  for (uint32_t m = 0U; m < mixdown_processor_meter_count(index); ++m) {
    printf("    meter: %s\n", mixdown_processor_meter_name(index, m));
  }
}

int
cmd_describe(int argc, char** argv)
{
  if (argc > 2 || (argc == 2 && cli_is_help(argv[1]))) {
    fputs("usage: mixdown describe [TYPE]\n"
          "List every insert type and its parameters (unit, range, default).\n"
          "Numeric parameters may be constants or automation envelopes.\n",
          argc > 2 ? stderr : stdout);
    return argc > 2 ? CLI_USAGE : CLI_OK;
  }
  const uint32_t n = mixdown_processor_count();
  if (argc == 2) {
    for (uint32_t i = 0U; i < n; ++i) {
      if (!strcmp(mixdown_processor_name(i), argv[1])) {
        print_processor(i);
        return CLI_OK;
      }
    }
    fprintf(stderr, "mixdown describe: no processor type `%s`; available:", argv[1]);
    for (uint32_t i = 0U; i < n; ++i) {
      fprintf(stderr, " %s", mixdown_processor_name(i));
    }
    fputs("\n", stderr);
    return CLI_USAGE;
  }
  printf("track and bus strip — every track and bus has these\n");
  for (uint32_t p = 0U; p < mixdown_strip_param_count(); ++p) {
    print_param(mixdown_strip_param(p), "    ");
  }
  printf("\ninsert types (inserts: [{type: NAME, …}]):\n\n");
  for (uint32_t i = 0U; i < n; ++i) {
    print_processor(i);
    if (i + 1U < n) {
      putchar('\n');
    }
  }
  return CLI_OK;
}
