// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The command line: a thin front end over the public API (mixdown.h).

#ifndef MIXDOWN_CLI_H
#define MIXDOWN_CLI_H

#include "mixdown.h"

#include <stdbool.h>

/// Exit codes (contract): 0 success, 1 a render failed, 2 usage or session error.
enum { CLI_OK = 0, CLI_FAILED = 1, CLI_USAGE = 2 };

int cmd_render(int argc, char** argv);
int cmd_demo(int argc, char** argv);
int cmd_check(int argc, char** argv);
int cmd_analyze(int argc, char** argv);
int cmd_describe(int argc, char** argv);
int cmd_plugins(int argc, char** argv);
int cmd_play(int argc, char** argv);
int cmd_graph(int argc, char** argv);
int cmd_get(int argc, char** argv);
int cmd_set(int argc, char** argv);
int cmd_serve(int argc, char** argv);
int cmd_batch(int argc, char** argv);
int cmd_assist(int argc, char** argv);

/// One parameter or option as `mixdown describe` prints it: a line of text
/// (`indent` first), or a row of a Markdown table (name after `prefix`).
void cli_print_param_text(const MixdownParamInfo* p, const char* indent);
void cli_print_param_markdown(const MixdownParamInfo* p, const char* prefix);

/// Prints `FILE:LINE:COLUMN: error: MESSAGE` on stderr.
void cli_print_diagnostic(void* user_data, const MixdownDiagnostic* diagnostic);

/// Opens a session, printing every diagnostic; returns the exit code to use
/// on failure (CLI_USAGE), or CLI_OK.
int cli_open_session(const char* path, MixdownSession** session);

/// True when the arguments after the command, `argv[1]` … `argv[argc - 1]`,
/// name at most one session (or file).  An argument names one when it does
/// not start with `-` and is not the value of the option before it (one of
/// `value_options`, a NULL-terminated list, or NULL when none takes a
/// value).  Otherwise prints "mixdown COMMAND: one session at a time (`B` is
/// a second one); …" and returns false: exit with CLI_USAGE.
bool cli_one_session(const char* command, int argc, char** argv, const char* const* value_options);

/// Reads an option's number: the whole of `text`, finite (never nan or
/// inf, which pass any range check made of comparisons), min ≤ x ≤ max.
bool cli_parse_number(const char* text, double min, double max, double* out);

/// True when `arg` is -h or --help.
bool cli_is_help(const char* arg);

/// Prints `text` on stdout as a JSON string, quoted and escaped (control
/// characters as \uXXXX): what `analyze --json` and `get --json` print.
void cli_print_json_string(const char* text);

/// Formats a dB value ("-inf" for silence).
const char* cli_db(double db, char* buffer, unsigned size);

/// The progress bar (render, analyze): stage, bar, percentage and ETA.
typedef struct {
  int    last_percent;
  char   last_stage[160];
  bool   shown; ///< Drawn at least once: end the line after
  double started_s;
} CliProgress;

CliProgress cli_progress_start(void);
/// A progress_stage callback; `user_data` is a CliProgress.
void cli_show_progress(void* user_data, const char* stage, double fraction);

/// Strip levels collected during a render or an analysis.
typedef struct {
  MixdownNodeLevels* items;
  uint32_t           n;
  uint32_t           capacity;
  MixdownMeterReport meters[MIXDOWN_MAX_METER_REPORTS]; ///< Dynamics read-outs
  uint32_t           n_meters;
  CliProgress*       progress; ///< analyze's progress bar (or NULL)
} CliLevels;

/// A meter callback appending to a CliLevels.
void cli_collect_meter(void* user_data, const MixdownMeterReport* meter);

/// A node_levels callback appending to a CliLevels (names are copied).
void cli_collect_levels(void* user_data, const MixdownNodeLevels* levels);
void cli_levels_free(CliLevels* levels);

/// Prints one line per strip: peak, loudness, clipped samples, gain reduction.
void cli_print_levels_table(const CliLevels* levels, bool pre_and_post);

/// $TMPDIR, or NULL when unset or empty (the library's default, /tmp):
/// the temp_dir option of renders, analyses and plots.
const char* cli_temp_dir(void);

/// When this build of the library lacks `feature` (meson_options.txt),
/// prints "mixdown COMMAND: this build of mixdown has no WHAT: rebuild with
/// meson -DFEATURE=enabled" and returns true: exit with CLI_USAGE.
bool cli_lacks(const char* command, MixdownFeature feature, const char* what);

#endif
