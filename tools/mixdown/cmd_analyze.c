// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char usage[] = "usage: mixdown analyze FILE [--json]\n"
                            "Sample peak and RMS per channel, integrated loudness, loudness range\n"
                            "and true peak (ITU-R BS.1770-4, EBU R128) of an audio file.\n";

// JSON has no infinity: silence is null.
static void
json_number(const char* key, double value, bool last)
{
  if (isfinite(value)) {
    printf("  \"%s\": %.4f%s\n", key, value, last ? "" : ",");
  } else {
    printf("  \"%s\": null%s\n", key, last ? "" : ",");
  }
}

static void
json_array(const char* key, const double* values, uint32_t n)
{
  printf("  \"%s\": [", key);
  for (uint32_t c = 0U; c < n; ++c) {
    if (isfinite(values[c])) {
      printf("%s%.4f", c ? ", " : "", values[c]);
    } else {
      printf("%snull", c ? ", " : "");
    }
  }
  printf("],\n");
}

static void
print_json(const char* path, const MixdownAnalysis* a)
{
  const uint32_t n = a->channels < 8U ? a->channels : 8U;
  printf("{\n  \"file\": \"");
  for (const char* p = path; *p; ++p) {
    if (*p == '"' || *p == '\\') {
      putchar('\\');
    }
    putchar(*p);
  }
  printf("\",\n  \"sample_rate\": %u,\n  \"channels\": %u,\n  \"frames\": %llu,\n", a->sample_rate,
         a->channels, (unsigned long long)a->frames);
  json_number("length_s", a->sample_rate ? (double)a->frames / a->sample_rate : 0.0, false);
  json_array("peak_dbfs", a->peak_dbfs, n);
  json_array("rms_dbfs", a->rms_dbfs, n);
  json_number("peak_dbfs_max", a->peak_dbfs_max, false);
  json_number("true_peak_dbtp", a->true_peak_dbtp, false);
  json_number("integrated_lufs", a->integrated_lufs, false);
  json_number("loudness_range_lu", a->loudness_range_lu, true);
  printf("}\n");
}

static void
print_table(const char* path, const MixdownAnalysis* a)
{
  char b1[32];
  char b2[32];
  printf("%s\n", path);
  printf("  format           %u Hz, %u channel%s, %.3f s\n", a->sample_rate, a->channels,
         a->channels == 1U ? "" : "s", a->sample_rate ? (double)a->frames / a->sample_rate : 0.0);
  for (uint32_t c = 0U; c < a->channels && c < 8U; ++c) {
    printf("  channel %u        peak %s dBFS, RMS %s dBFS\n", c + 1U, cli_db(a->peak_dbfs[c], b1, sizeof b1),
           cli_db(a->rms_dbfs[c], b2, sizeof b2));
  }
  printf("  true peak        %s dBTP\n", cli_db(a->true_peak_dbtp, b1, sizeof b1));
  printf("  integrated       %s LUFS\n", cli_db(a->integrated_lufs, b1, sizeof b1));
  printf("  loudness range   %.1f LU\n", a->loudness_range_lu);
}

int
cmd_analyze(int argc, char** argv)
{
  const char* path = NULL;
  bool        json = false;
  for (int i = 1; i < argc; ++i) {
    if (cli_is_help(argv[i])) {
      fputs(usage, stdout);
      return CLI_OK;
    }
    if (!strcmp(argv[i], "--json")) {
      json = true;
    } else if (argv[i][0] == '-' || path) {
      fprintf(stderr, "mixdown analyze: unexpected argument `%s`\n%s", argv[i], usage);
      return CLI_USAGE;
    } else {
      path = argv[i];
    }
  }
  if (!path) {
    fputs(usage, stderr);
    return CLI_USAGE;
  }
  MixdownAnalysis a = {.size = sizeof a};
  char            message[512];
  const MixdownStatus st = mixdown_analyze_file(path, &a, message, sizeof message);
  if (st) {
    fprintf(stderr, "%s: error: %s\n", path, message);
    return CLI_FAILED;
  }
  if (json) {
    print_json(path, &a);
  } else {
    print_table(path, &a);
  }
  return CLI_OK;
}
