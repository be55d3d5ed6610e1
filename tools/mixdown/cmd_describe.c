// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `mixdown describe`: every processor and its parameters, read from the
// parameter tables through the public API.  `--markdown` prints the same as
// the tables of docs/processors.md (which a test keeps in step).

#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

// The valid values of `p` ("-144 … 24 dB", "peak|rms", …).
static void
format_range(const MixdownParamInfo* p, char* out, size_t size)
{
  size_t used = 0U;
  out[0]      = '\0';
  switch (p->kind) {
  case MIXDOWN_PARAM_NUMBER:
    snprintf(out, size, "%g … %g%s%s", p->min, p->max, p->unit[0] ? " " : "", p->unit);
    break;
  case MIXDOWN_PARAM_BOOL: snprintf(out, size, "true|false"); break;
  case MIXDOWN_PARAM_CHOICE:
    for (size_t i = 0U; p->choices[i] && used + 32U < size; ++i) {
      used += (size_t)snprintf(out + used, size - used, "%s%s", i ? "|" : "", p->choices[i]);
    }
    break;
  case MIXDOWN_PARAM_LIST: snprintf(out, size, "list of up to %g", p->max); break;
  case MIXDOWN_PARAM_NODE: snprintf(out, size, "a track or bus"); break;
  case MIXDOWN_PARAM_NOTE: snprintf(out, size, "a note value: 1/8, 1/8. or 1/8t"); break;
  case MIXDOWN_PARAM_FILE: snprintf(out, size, "an audio file (mono or stereo)"); break;
  case MIXDOWN_PARAM_TEXT: snprintf(out, size, "text"); break;
  }
}

static void
format_default(const MixdownParamInfo* p, char* out, size_t size)
{
  switch (p->kind) {
  // NaN: no fixed default, the owner computes one (an assistant's "auto")
  case MIXDOWN_PARAM_NUMBER: snprintf(out, size, isnan(p->default_value) ? "auto" : "%g", p->default_value); break;
  case MIXDOWN_PARAM_BOOL: snprintf(out, size, "%s", p->default_value != 0.0 ? "true" : "false"); break;
  case MIXDOWN_PARAM_CHOICE: snprintf(out, size, "%s", p->choices[(size_t)p->default_value]); break;
  case MIXDOWN_PARAM_LIST:
  case MIXDOWN_PARAM_NODE:
  case MIXDOWN_PARAM_NOTE:
  case MIXDOWN_PARAM_FILE:
  case MIXDOWN_PARAM_TEXT: snprintf(out, size, "—"); break;
  }
}

void
cli_print_param_text(const MixdownParamInfo* p, const char* indent)
{
  char range[160];
  char def[48];
  char both[220];
  format_range(p, range, sizeof range);
  format_default(p, def, sizeof def);
  snprintf(both, sizeof both, "%s%s%s", range, p->kind == MIXDOWN_PARAM_LIST ? ":" : ", default ",
           p->kind == MIXDOWN_PARAM_LIST || p->kind == MIXDOWN_PARAM_NODE ? "" : def);
  if (p->kind == MIXDOWN_PARAM_NODE || p->kind == MIXDOWN_PARAM_NOTE || p->kind == MIXDOWN_PARAM_FILE ||
      p->kind == MIXDOWN_PARAM_TEXT) {
    snprintf(both, sizeof both, "%s", range);
  }
  // Pad by characters, not bytes: the range holds a UTF-8 ellipsis.
  size_t width = 0U;
  for (const char* c = both; *c; ++c) {
    width += ((unsigned char)*c & 0xC0U) != 0x80U;
  }
  printf("%s%-14s %s%*s %s\n", indent, p->name, both, width < 40U ? (int)(40U - width) : 0, "", p->description);
}

// Prints `text` for a Markdown table cell: a `|` would end the cell.
static void
print_cell(const char* text)
{
  for (const char* c = text; *c; ++c) {
    if (*c == '|') {
      putchar('\\');
    }
    putchar(*c);
  }
}

void
cli_print_param_markdown(const MixdownParamInfo* p, const char* prefix)
{
  char range[160];
  char def[48];
  format_range(p, range, sizeof range);
  format_default(p, def, sizeof def);
  printf("| `%s%s` | ", prefix, p->name);
  print_cell(range);
  printf(" | %s | ", def);
  print_cell(p->description);
  printf(" |\n");
}

static void
print_processor(uint32_t index, bool markdown)
{
  if (markdown) {
    printf("| parameter | valid values | default | meaning |\n|---|---|---|---|\n");
  } else {
    printf("%s — %s\n", mixdown_processor_name(index), mixdown_processor_description(index));
  }
  for (uint32_t p = 0U; p < mixdown_processor_param_count(index); ++p) {
    const MixdownParamInfo* param = mixdown_processor_param(index, p);
    if (markdown) {
      cli_print_param_markdown(param, "");
    } else {
      cli_print_param_text(param, "    ");
    }
    for (uint32_t f = 0U; f < mixdown_processor_param_field_count(index, p, NULL); ++f) {
      const MixdownParamInfo* field = mixdown_processor_param_field(index, p, f);
      if (markdown) {
        char prefix[64];
        snprintf(prefix, sizeof prefix, "%s[].", param->name);
        cli_print_param_markdown(field, prefix);
      } else {
        cli_print_param_text(field, "      - ");
      }
    }
  }
  for (uint32_t m = 0U; m < mixdown_processor_meter_count(index); ++m) {
    if (markdown) {
      printf("\nMeter: `%s` (in the render summary and report).\n", mixdown_processor_meter_name(index, m));
    } else {
      printf("    meter: %s\n", mixdown_processor_meter_name(index, m));
    }
  }
}

static void
print_strip(bool markdown)
{
  if (markdown) {
    printf("| parameter | valid values | default | meaning |\n|---|---|---|---|\n");
  } else {
    printf("track and bus strip — every track and bus has these\n");
  }
  for (uint32_t p = 0U; p < mixdown_strip_param_count(); ++p) {
    if (markdown) {
      cli_print_param_markdown(mixdown_strip_param(p), "");
    } else {
      cli_print_param_text(mixdown_strip_param(p), "    ");
    }
  }
}

// The keys every insert has besides its type's (bypass).
static void
print_insert_keys(bool markdown)
{
  if (markdown) {
    printf("| parameter | valid values | default | meaning |\n|---|---|---|---|\n");
  } else {
    printf("every insert — whatever its type, besides its type's parameters\n");
  }
  for (uint32_t p = 0U; p < mixdown_insert_param_count(); ++p) {
    if (markdown) {
      cli_print_param_markdown(mixdown_insert_param(p), "");
    } else {
      cli_print_param_text(mixdown_insert_param(p), "    ");
    }
  }
}

static const char usage[] = "usage: mixdown describe [--markdown] [TYPE|strip|insert]\n"
                            "List every insert type and its parameters (unit, range, default);\n"
                            "`strip`: every track's and bus's; `insert`: every insert's (bypass).\n"
                            "Numeric parameters may be constants or automation envelopes.\n";

int
cmd_describe(int argc, char** argv)
{
  bool        markdown = false;
  const char* type     = NULL;
  for (int i = 1; i < argc; ++i) {
    if (cli_is_help(argv[i])) {
      fputs(usage, stdout);
      return CLI_OK;
    }
    if (!strcmp(argv[i], "--markdown")) {
      markdown = true;
    } else if (argv[i][0] == '-' || type) {
      fputs(usage, stderr);
      return CLI_USAGE;
    } else {
      type = argv[i];
    }
  }
  const uint32_t n = mixdown_processor_count();
  if (type && !strcmp(type, "strip")) {
    print_strip(markdown);
    return CLI_OK;
  }
  if (type && !strcmp(type, "insert")) {
    print_insert_keys(markdown);
    return CLI_OK;
  }
  if (type) {
    for (uint32_t i = 0U; i < n; ++i) {
      if (!strcmp(mixdown_processor_name(i), type)) {
        print_processor(i, markdown);
        return CLI_OK;
      }
    }
    fprintf(stderr, "mixdown describe: no processor type `%s`; available: strip, insert", type);
    for (uint32_t i = 0U; i < n; ++i) {
      fprintf(stderr, ", %s", mixdown_processor_name(i));
    }
    fputs("\n", stderr);
    return CLI_USAGE;
  }
  print_strip(markdown);
  // Headed as a type is, so that a reader of the tables (tests/edit/check.py) knows it.
  printf(markdown ? "\n### insert\n\n" : "\n");
  print_insert_keys(markdown);
  printf("\ninsert types (inserts: [{type: NAME, …}]):\n\n");
  for (uint32_t i = 0U; i < n; ++i) {
    if (markdown) {
      printf("### %s\n\n", mixdown_processor_name(i));
    }
    print_processor(i, markdown);
    if (i + 1U < n) {
      putchar('\n');
    }
  }
  return CLI_OK;
}
