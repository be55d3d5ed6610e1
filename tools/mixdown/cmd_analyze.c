// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
  "usage: mixdown analyze FILE|SESSION [--json] [--plot FILE.png [--target LUFS]]\n"
  "Sample peak and RMS per channel, integrated loudness, loudness range, highest\n"
  "momentary and short-term loudness, true peak (ITU-R BS.1770-4, EBU R128), DC\n"
  "offset, stereo correlation and clipped samples of an audio file.  For a session\n"
  "(.yaml, .yml, .json) the mix is rendered without being written and every track\n"
  "and bus is measured too, before and after its fader, with the deepest gain\n"
  "reduction of its dynamics.  --plot draws the report as a PNG: waveform,\n"
  "loudness over time against the target (the session's master.loudness, else\n"
  "--target, else -14 LUFS), 1/3-octave spectrum and a level chart.\n";


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
json_levels(const char* key, const MixdownLevels* l, bool last)
{
  printf("      \"%s\": {", key);
  const struct {
    const char* name;
    double      value;
  } items[] = {{"peak_dbfs", l->peak_dbfs},           {"rms_dbfs", l->rms_dbfs},
               {"integrated_lufs", l->integrated_lufs}, {"loudness_range_lu", l->loudness_range_lu},
               {"momentary_max_lufs", l->momentary_max_lufs}, {"short_term_max_lufs", l->short_term_max_lufs},
               {"true_peak_dbtp", l->true_peak_dbtp},   {"dc_offset", l->dc_offset},
               {"correlation", l->correlation}};
  for (size_t i = 0U; i < sizeof items / sizeof items[0]; ++i) {
    if (isfinite(items[i].value)) {
      printf("\"%s\": %.4f, ", items[i].name, items[i].value);
    } else {
      printf("\"%s\": null, ", items[i].name);
    }
  }
  printf("\"clipped_samples\": %llu}%s\n", (unsigned long long)l->clipped, last ? "" : ",");
}

static void
print_strips_json(const CliLevels* strips)
{
  printf(",\n  \"strips\": [\n");
  for (uint32_t i = 0U; i < strips->n; ++i) {
    const MixdownNodeLevels* l = &strips->items[i];
    printf("    {\"name\": ");
    cli_print_json_string(l->name);
    printf(", \"kind\": \"%s\", \"max_gain_reduction_db\": %.2f,\n",
           l->is_bus == 0 ? "track" : l->is_bus == 1 ? "bus" : "master", l->max_gain_reduction_db);
    json_levels("pre_fader", &l->pre_fader, false);
    json_levels("post_fader", &l->post_fader, true);
    printf("    }%s\n", i + 1U < strips->n ? "," : "");
  }
  printf("  ]");
}

static void
print_dynamics_json(const CliLevels* strips)
{
  printf(",\n  \"dynamics\": [");
  for (uint32_t m = 0U; m < strips->n_meters; ++m) {
    const MixdownMeterReport* r = &strips->meters[m];
    printf("%s\n    {\"strip\": ", m ? "," : "");
    cli_print_json_string(r->node);
    printf(", \"insert\": %u, \"processor\": \"%s\", \"%s\": %.2f}", r->insert + 1U, r->processor, r->meter,
           r->extreme);
  }
  printf("\n  ]");
}

static void
print_json(const char* path, const MixdownAnalysis* a, const CliLevels* strips)
{
  const uint32_t n = a->channels < 8U ? a->channels : 8U;
  printf("{\n  \"file\": ");
  cli_print_json_string(path);
  printf(",\n  \"sample_rate\": %u,\n  \"channels\": %u,\n  \"frames\": %llu,\n", a->sample_rate,
         a->channels, (unsigned long long)a->frames);
  json_number("length_s", a->sample_rate ? (double)a->frames / a->sample_rate : 0.0, false);
  json_array("peak_dbfs", a->peak_dbfs, n);
  json_array("rms_dbfs", a->rms_dbfs, n);
  json_number("peak_dbfs_max", a->peak_dbfs_max, false);
  json_number("true_peak_dbtp", a->true_peak_dbtp, false);
  json_number("integrated_lufs", a->integrated_lufs, false);
  json_number("loudness_range_lu", a->loudness_range_lu, false);
  json_number("momentary_max_lufs", a->levels.momentary_max_lufs, false);
  json_number("short_term_max_lufs", a->levels.short_term_max_lufs, false);
  json_number("rms_dbfs_all", a->levels.rms_dbfs, false);
  json_number("dc_offset", a->levels.dc_offset, false);
  json_number("correlation", a->levels.correlation, false);
  if (a->finished) {
    json_number("mix_integrated_lufs", a->mix_integrated_lufs, false);
    json_number("finish_gain_db", a->finish_gain_db, false);
    json_number("finish_limiter_db", a->finish_limiter_db, false);
    json_number("target_lufs", a->target_lufs, false);
  }
  printf("  \"finished\": %s,\n", a->finished ? "true" : "false");
  printf("  \"non_finite_samples\": %llu,\n", (unsigned long long)a->non_finite);
  printf("  \"clipped_samples\": %llu", (unsigned long long)a->levels.clipped);
  if (strips) {
    print_strips_json(strips);
    print_dynamics_json(strips);
  }
  printf("\n}\n");
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
  if (a->finished) {
    printf("  finished         as render does: %+.2f dB of gain to %.1f LUFS, then the true-peak limiter at "
           "%.1f dBTP (%.1f dB of reduction at most); the mix before finishing: %s LUFS (the master row)\n",
           a->finish_gain_db, a->target_lufs, a->ceiling_db, a->finish_limiter_db,
           cli_db(a->mix_integrated_lufs, b1, sizeof b1));
  }
  printf("  true peak        %s dBTP\n", cli_db(a->true_peak_dbtp, b1, sizeof b1));
  printf("  integrated       %s LUFS\n", cli_db(a->integrated_lufs, b1, sizeof b1));
  printf("  loudness range   %.1f LU\n", a->loudness_range_lu);
  printf("  momentary max    %s LUFS\n", cli_db(a->levels.momentary_max_lufs, b1, sizeof b1));
  printf("  short-term max   %s LUFS\n", cli_db(a->levels.short_term_max_lufs, b1, sizeof b1));
  printf("  DC offset        %.6f\n", a->levels.dc_offset);
  printf("  correlation      %.3f\n", a->levels.correlation);
  printf("  clipped samples  %llu%s\n", (unsigned long long)a->levels.clipped,
         a->levels.clipped ? "  (warning: the file clips)" : "");
  if (a->non_finite) {
    const uint64_t all = a->frames * a->channels;
    char           share[32];
    snprintf(share, sizeof share, "%.3g%% of them", all ? 100.0 * (double)a->non_finite / (double)all : 0.0);
    printf("  non-finite       %llu samples (NaN or infinite): %s, measured as silence  (warning: the file is "
           "damaged)\n", (unsigned long long)a->non_finite, a->non_finite == all ? "all of them" : share);
  }
}

// The strips collector carries the progress bar for the analysis.
static void
analyze_progress(void* user_data, const char* stage, double fraction)
{
  CliLevels* strips = user_data;
  cli_show_progress(strips->progress, stage, fraction);
}

int
cmd_analyze(int argc, char** argv)
{
  const char* path   = NULL;
  const char* plot   = NULL;
  double      target = NAN;
  bool        json   = false;
  static const char* const value_options[] = {"--plot", "--target", NULL};
  if (!cli_one_session("analyze", argc, argv, value_options)) {
    return CLI_USAGE;
  }
  for (int i = 1; i < argc; ++i) {
    if (cli_is_help(argv[i])) {
      fputs(usage, stdout);
      return CLI_OK;
    }
    if ((!strcmp(argv[i], "--plot") || !strcmp(argv[i], "--target")) && i + 1 >= argc) {
      fprintf(stderr, "mixdown analyze: %s needs a value\n", argv[i]);
      return CLI_USAGE;
    }
    if (!strcmp(argv[i], "--json")) {
      json = true;
    } else if (!strcmp(argv[i], "--plot")) {
      plot = argv[++i];
    } else if (!strcmp(argv[i], "--target")) {
      if (!cli_parse_number(argv[++i], -70.0, 0.0, &target)) {
        fprintf(stderr, "mixdown analyze: --target must be -70 … 0 LUFS, not `%s`\n", argv[i]);
        return CLI_USAGE;
      }
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
  if (plot && cli_lacks("analyze", MIXDOWN_FEATURE_REPORT, "plots (--plot; cairo)")) {
    return CLI_USAGE;
  }
  MixdownAnalysis a = {.size = sizeof a};
  char            message[512];
  CliLevels       strips  = {0};
  const char*     dot     = strrchr(path, '.');
  const bool      session = dot && (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml") || !strcmp(dot, ".json"));
  MixdownStatus   st      = MIXDOWN_SUCCESS;
  if (session) {
    MixdownSession* s    = NULL;
    const int       code = cli_open_session(path, &s);
    if (code) {
      return code;
    }
    // Before the analysis: the picture never replaces what is read.
    if (plot && mixdown_check_plot_path(s, NULL, plot, message, sizeof message)) {
      fprintf(stderr, "%s: error: %s\n", path, message);
      mixdown_session_free(s);
      return CLI_USAGE;
    }
    CliProgress           progress = cli_progress_start();
    MixdownAnalyzeOptions options  = {.size = sizeof options, .node_levels = cli_collect_levels,
                                      .meter = cli_collect_meter, .user_data = &strips,
                                      .temp_dir = cli_temp_dir()};
    if (isatty(STDERR_FILENO)) {
      options.progress_stage = analyze_progress;
      strips.progress        = &progress;
    }
    st = mixdown_analyze_session_with(s, &options, &a, message, sizeof message);
    if (progress.shown) {
      fputs("\n", stderr);
    }
    if (!st && plot) {
      const double             session_target = mixdown_session_loudness_target(s);
      const MixdownPlotOptions plot_options   = {
          .size        = sizeof plot_options,
          .target_lufs = isfinite(session_target) ? session_target : isfinite(target) ? target : -14.0,
          .temp_dir    = cli_temp_dir()};
      st = mixdown_plot_session_with(s, plot, &plot_options, message, sizeof message);
    }
    mixdown_session_free(s);
  } else {
    if (plot && mixdown_check_plot_path(NULL, path, plot, message, sizeof message)) {
      fprintf(stderr, "%s: error: %s\n", path, message);
      return CLI_USAGE;
    }
    st = mixdown_analyze_file(path, &a, message, sizeof message);
    if (!st && plot) {
      const MixdownPlotOptions plot_options = {
          .size = sizeof plot_options, .target_lufs = isfinite(target) ? target : -14.0, .temp_dir = cli_temp_dir()};
      st = mixdown_plot_file_with(path, plot, &plot_options, message, sizeof message);
    }
  }
  if (st) {
    fprintf(stderr, "%s: error: %s\n", path, message);
    cli_levels_free(&strips);
    return CLI_FAILED;
  }
  if (json) {
    print_json(path, &a, session ? &strips : NULL);
  } else {
    print_table(path, &a);
    if (session) {
      printf("\n");
      cli_print_levels_table(&strips, true);
      for (uint32_t m = 0U; m < strips.n_meters; ++m) {
        const MixdownMeterReport* meter = &strips.meters[m];
        if (!strcmp(meter->meter, "gain_reduction_db")) {
          printf("  %-16s %s, insert %u (%s): most gain reduction %.1f dB\n", m ? "" : "dynamics", meter->node,
                 meter->insert + 1U, meter->processor, meter->extreme);
        } else if (meter->extreme != 0.0) {
          printf("  %-16s %s, insert %u (%s): %s %+.1f\n", m ? "" : "dynamics", meter->node, meter->insert + 1U,
                 meter->processor, meter->meter, meter->extreme);
        }
      }
    }
  }
  cli_levels_free(&strips);
  return CLI_OK;
}
