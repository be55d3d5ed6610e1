// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
cli_print_diagnostic(void* user_data, const MixdownDiagnostic* d)
{
  (void)user_data;
  const char* kind = d->severity == MIXDOWN_SEVERITY_WARNING ? "warning" : "error";
  if (d->line) {
    fprintf(stderr, "%s:%u:%u: %s: %s\n", d->file, d->line, d->column, kind, d->message);
  } else {
    fprintf(stderr, "%s: %s: %s\n", d->file, kind, d->message);
  }
}

int
cli_open_session(const char* path, MixdownSession** session)
{
  const MixdownStatus st = mixdown_session_open_file(path, cli_print_diagnostic, NULL, session);
  if (st == MIXDOWN_SUCCESS) {
    return CLI_OK;
  }
  if (st != MIXDOWN_ERR_SESSION && st != MIXDOWN_ERR_IO) {
    fprintf(stderr, "%s: error: %s\n", path, mixdown_strerror(st));
  }
  return CLI_USAGE;
}

static bool
takes_value(const char* option, const char* const* value_options)
{
  for (size_t i = 0U; value_options && value_options[i]; ++i) {
    if (!strcmp(option, value_options[i])) {
      return true;
    }
  }
  return false;
}

static bool
is_session_name(const char* arg)
{
  const char* dot = strrchr(arg, '.');
  return dot && (!strcasecmp(dot, ".yaml") || !strcasecmp(dot, ".yml") || !strcasecmp(dot, ".json"));
}

bool
cli_one_session(const char* command, int argc, char** argv, const char* const* value_options)
{
  const char* first = NULL;
  for (int i = 1; i < argc; ++i) {
    if (argv[i][0] == '-' && argv[i][1]) {
      i += takes_value(argv[i], value_options); // its value is not a session
      continue;
    }
    if (!first) {
      first = argv[i];
      continue;
    }
    const bool sessions = is_session_name(first) || is_session_name(argv[i]);
    fprintf(stderr, "mixdown %s: one %s at a time (`%s` is a second one, after `%s`); run %s once for each\n",
            command, sessions ? "session" : "file", argv[i], first, command);
    return false;
  }
  return true;
}

bool
cli_parse_number(const char* text, double min, double max, double* out)
{
  char*        end = NULL;
  const double x   = text ? strtod(text, &end) : NAN;
  if (!text || !text[0] || *end || !isfinite(x) || x < min || x > max) {
    return false;
  }
  *out = x;
  return true;
}

bool
cli_is_help(const char* arg)
{
  return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

const char*
cli_db(double db, char* buffer, unsigned size)
{
  if (!isfinite(db) || db < -999.0) {
    snprintf(buffer, size, "-inf");
  } else {
    snprintf(buffer, size, "%.2f", db);
  }
  return buffer;
}

void
cli_collect_levels(void* user_data, const MixdownNodeLevels* levels)
{
  CliLevels* all = user_data;
  if (all->n == all->capacity) {
    const uint32_t     bigger = all->capacity ? 2U * all->capacity : 16U;
    MixdownNodeLevels* grown  = realloc(all->items, bigger * sizeof(MixdownNodeLevels));
    if (!grown) {
      return;
    }
    all->items    = grown;
    all->capacity = bigger;
  }
  all->items[all->n]      = *levels;
  all->items[all->n].name = strdup(levels->name);
  ++all->n;
}

void
cli_collect_meter(void* user_data, const MixdownMeterReport* meter)
{
  CliLevels* all = user_data;
  if (all->n_meters < MIXDOWN_MAX_METER_REPORTS) {
    all->meters[all->n_meters++] = *meter;
  }
}

void
cli_levels_free(CliLevels* levels)
{
  for (uint32_t i = 0U; i < levels->n; ++i) {
    free((char*)levels->items[i].name);
  }
  free(levels->items);
  memset(levels, 0, sizeof *levels);
}

void
cli_print_levels_table(const CliLevels* all, bool pre_and_post)
{
  char a[32], b[32], c[32], d[32];
  if (pre_and_post) {
    printf("  %-16s %-6s %9s %9s %10s %10s %8s %8s\n", "strip", "", "pre peak", "post peak", "pre LUFS",
           "post LUFS", "clipped", "max GR");
  } else {
    printf("  %-16s %-6s %9s %10s %8s %8s\n", "strip", "", "peak", "LUFS", "clipped", "max GR");
  }
  for (uint32_t i = 0U; i < all->n; ++i) {
    const MixdownNodeLevels* l    = &all->items[i];
    const char*              kind = l->is_bus == 0 ? "track" : l->is_bus == 1 ? "bus" : "master";
    if (pre_and_post) {
      printf("  %-16.16s %-6s %9s %9s %10s %10s %8llu %8.1f\n", l->name, kind,
             cli_db(l->pre_fader.peak_dbfs, a, sizeof a), cli_db(l->post_fader.peak_dbfs, b, sizeof b),
             cli_db(l->pre_fader.integrated_lufs, c, sizeof c), cli_db(l->post_fader.integrated_lufs, d, sizeof d),
             (unsigned long long)l->post_fader.clipped, l->max_gain_reduction_db);
    } else {
      printf("  %-16.16s %-6s %9s %10s %8llu %8.1f%s\n", l->name, kind, cli_db(l->post_fader.peak_dbfs, a, sizeof a),
             cli_db(l->post_fader.integrated_lufs, b, sizeof b), (unsigned long long)l->post_fader.clipped,
             l->max_gain_reduction_db, l->post_fader.clipped ? "  warning: clips" : "");
    }
  }
}

void
cli_print_json_string(const char* text)
{
  putchar('"');
  for (const unsigned char* p = (const unsigned char*)text; *p; ++p) {
    if (*p == '"' || *p == '\\') {
      printf("\\%c", *p);
    } else if (*p < 0x20U) {
      printf("\\u%04x", *p);
    } else {
      putchar(*p);
    }
  }
  putchar('"');
}
