// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `mixdown render` and `mixdown demo`: options, the render, the exit status.
// What is printed after a render: cmd_render_print.c.

#include "cmd_render_print.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
  "usage: mixdown render SESSION [options]\n"
  "\n"
  "Render SESSION to a stereo file (written to a temporary file and renamed\n"
  "into place when complete: a failure never leaves a partial mix).\n"
  "\n"
  "options:\n"
  "  -o, --output FILE     output file (.wav, .rf64, .flac, .mp3, .ogg, .opus); overrides\n"
  "                        output.file / outputs (one file, with output's settings)\n"
  "  --bits 16|24|32|float sample format; overrides output.bits\n"
  "  --rate HZ             output sample rate (converted with soxr before dither)\n"
  "  --normalize TARGET    loudness target: LUFS (e.g. -14) or a preset: streaming,\n"
  "                        apple, podcast, ebu-r128, atsc-a85; overrides master.loudness\n"
  "  --true-peak DB        true-peak ceiling (dBTP): with --normalize (default -1, or the\n"
  "                        preset's), or alone: a true-peak limit on the mix as it is\n"
  "  --quality Q           lossy outputs (.mp3, .ogg, .opus): 0 (smallest) … 1 (best)\n"
  "  --stems DIR           also write every track and bus, post-fader and aligned with the\n"
  "                        mix, to DIR/NAME.wav (before normalisation; DIR is created)\n"
  "  --stems-bits B        the stems' format: 16, 24, 32 or float (default float: a stem\n"
  "                        louder than full scale keeps its peaks)\n"
  "  --from TIME, --to TIME  write only this part of the mix (seconds or BAR:BEAT; effects\n"
  "                        carry in from before, as they would)\n"
  "  --solo NAME, --mute NAME  solo or mute a track or bus for this render (repeatable)\n"
  "  --threads N           worker threads (default 0: one per core); the mix is the\n"
  "                        same to the bit with any number\n"
  "  --stats               also print where the render time went, per processor type\n"
  "  --cache DIR           keep each track's processed signal, and partial sums of the\n"
  "                        tracks feeding each bus, in DIR and reuse them when nothing\n"
  "                        that shapes them changed (the mix is the same to the bit)\n"
  "  --cache-limit SIZE    keep DIR under SIZE (bytes, or with K, M, G, T; default 8G;\n"
  "                        0: no limit) by removing the least recently used files\n"
  "  -q, --quiet           no progress bar, no summary\n"
  "  -h, --help            this help\n"
  "\n"
  "Nothing is written over a file the session reads (sources, impulse responses, the\n"
  "session itself), a file that is not audio, or another output of the same render.\n"
  "Normalising keeps a float premaster in $TMPDIR (about 23 MB per minute at 48 kHz).\n"
  "-o may name a device or a FIFO (/dev/null, /dev/stdout, mkfifo): it is written\n"
  "through, never replaced; without an extension it takes output.file's format.\n"
  "FLAC and Ogg stream down a FIFO as they are written; WAV, RF64, MP3 and a\n"
  "normalised mix reach it whole at the end (held in $TMPDIR until then).\n"
  "Exit codes: 0 done, 1 the render failed, 2 a usage or session error, 128+N\n"
  "stopped by signal N (130: Ctrl-C); nothing partial is left behind.\n";

static volatile int interrupted = 0;
static volatile sig_atomic_t stopped_by = 0;

static void
on_signal(int signum)
{
  stopped_by  = signum;
  interrupted = 1;
}

// Every signal whose default is to end the process stops the render
// between blocks instead: the writers drop what they wrote, the previous
// files stay as they were, and the exit code is 128 + N as a shell
// expects.  (Were the process killed anyway, the files being written have
// no name: io/atomic_file.h.)  A signal the caller set to be ignored
// (nohup: SIGHUP) stays ignored, but for SIGINT and SIGTERM: a shell
// starts background jobs with SIGINT ignored, and `kill -INT` of one
// has always stopped it.  A file-size limit must give a write
// error, not kill the process mid-write.
static void
catch_stop_signals(void)
{
  static const int signals[] = {SIGHUP,  SIGINT,    SIGTERM, SIGPIPE, SIGALRM, SIGUSR1,
                                SIGUSR2, SIGVTALRM, SIGPROF, SIGPOLL, SIGXCPU};
  struct sigaction action = {0};
  action.sa_handler       = on_signal;
  sigemptyset(&action.sa_mask);
  for (size_t i = 0U; i < sizeof signals / sizeof signals[0]; ++i) {
    struct sigaction previous;
    const bool always = signals[i] == SIGINT || signals[i] == SIGTERM; // as before: a script's kill -INT stops a background render
    if (always || (sigaction(signals[i], NULL, &previous) == 0 && previous.sa_handler != SIG_IGN)) {
      sigaction(signals[i], &action, NULL);
    }
  }
  signal(SIGXFSZ, SIG_IGN);
}

typedef struct {
  const char*         output;
  MixdownSampleFormat format;
  MixdownSampleFormat stems_format;
  uint32_t            rate;
  uint32_t            threads;
  bool                quiet;
  bool                stats;
  const char*         cache;
  uint64_t            cache_limit_bytes; ///< 0: the default; UINT64_MAX: none
  bool                normalize;
  double              target_lufs;
  double              true_peak_db;
  bool                true_peak_given;
  bool                quality_given;
  double              quality;
  const char*         stems;
  const char*         from;
  const char*         to;
  const char*         solo[64];
  uint32_t            n_solo;
  const char*         mute[64];
  uint32_t            n_mute;
} RenderArgs;

// `--normalize -14` or `--normalize streaming`.
static bool
parse_target(const char* text, RenderArgs* args)
{
  char*        end  = NULL;
  double       lufs = strtod(text, &end);
  if (text[0] && !*end) {
    if (!cli_parse_number(text, -70.0, -5.0, &lufs)) {
      return false; // nan and inf too
    }
    args->target_lufs = lufs;
    if (!args->true_peak_given) {
      args->true_peak_db = -1.0;
    }
  } else {
    double tp = 0.0;
    if (mixdown_loudness_preset(text, &args->target_lufs, &tp) != MIXDOWN_SUCCESS) {
      return false;
    }
    if (!args->true_peak_given) {
      args->true_peak_db = tp;
    }
  }
  args->normalize = true;
  return true;
}

static bool
parse_format(const char* text, MixdownSampleFormat* format)
{
  static const struct {
    const char*         name;
    MixdownSampleFormat format;
  } names[] = {{"16", MIXDOWN_FORMAT_PCM_16}, {"24", MIXDOWN_FORMAT_PCM_24},
               {"32", MIXDOWN_FORMAT_PCM_32}, {"float", MIXDOWN_FORMAT_FLOAT}};
  for (size_t i = 0U; i < sizeof names / sizeof names[0]; ++i) {
    if (!strcmp(text, names[i].name)) {
      *format = names[i].format;
      return true;
    }
  }
  return false;
}

static bool
parse_uint(const char* text, unsigned long min, unsigned long max, uint32_t* out)
{
  char*               end = NULL;
  const unsigned long x   = strtoul(text, &end, 10);
  if (!text[0] || *end || x < min || x > max) {
    return false;
  }
  *out = (uint32_t)x;
  return true;
}

// A size in bytes, with an optional K, M, G or T (powers of 1024); "0" is
// no limit (UINT64_MAX).
static bool
parse_size(const char* text, uint64_t* bytes)
{
  static const char units[] = "KMGT";
  char*             end     = NULL;
  errno                     = 0;
  const double value        = strtod(text, &end);
  const char*  unit         = end && *end && !end[1] ? strchr(units, toupper((unsigned char)*end)) : NULL;
  const double scale        = unit ? pow(1024.0, (double)(unit - units + 1)) : 1.0;
  end += unit ? 1 : 0;
  if (end == text || *end || errno || !(value >= 0.0) || value * scale >= 1.8e19) {
    return false;
  }
  *bytes = value == 0.0 ? UINT64_MAX : (uint64_t)(value * scale);
  return true;
}

// Parses options after the session; returns CLI_OK or CLI_USAGE.
static int
parse_options(int argc, char** argv, int first, RenderArgs* args)
{
  for (int i = first; i < argc; ++i) {
    const char* a     = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      args->quiet = true;
      continue;
    }
    if (!strcmp(a, "--stats")) {
      args->stats = true;
      continue;
    }
    const bool takes_value = !strcmp(a, "-o") || !strcmp(a, "--output") || !strcmp(a, "--bits") ||
                             !strcmp(a, "--rate") || !strcmp(a, "--threads") || !strcmp(a, "--normalize") ||
                             !strcmp(a, "--true-peak") || !strcmp(a, "--stems") || !strcmp(a, "--cache") ||
                             !strcmp(a, "--cache-limit") || !strcmp(a, "--stems-bits") || !strcmp(a, "--quality") ||
                             !strcmp(a, "--from") || !strcmp(a, "--to") || !strcmp(a, "--solo") ||
                             !strcmp(a, "--mute");
    if (a[0] != '-') {
      fprintf(stderr, "mixdown render: one session at a time (`%s` is a second one); run render once for each\n",
              a);
      return CLI_USAGE;
    }
    if (!takes_value) {
      fprintf(stderr, "mixdown render: unknown option `%s` (see mixdown render --help)\n", a);
      return CLI_USAGE;
    }
    if (!value) {
      fprintf(stderr, "mixdown render: %s needs a value\n", a);
      return CLI_USAGE;
    }
    ++i;
    if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
      args->output = value;
    } else if (!strcmp(a, "--stems")) {
      args->stems = value;
    } else if (!strcmp(a, "--cache")) {
      args->cache = value;
    } else if (!strcmp(a, "--cache-limit") && !parse_size(value, &args->cache_limit_bytes)) {
      fprintf(stderr, "mixdown render: --cache-limit must be a size such as 500M, 8G or 0 (no limit), not `%s`\n",
              value);
      return CLI_USAGE;
    } else if (!strcmp(a, "--from")) {
      args->from = value;
    } else if (!strcmp(a, "--to")) {
      args->to = value;
    } else if (!strcmp(a, "--solo") || !strcmp(a, "--mute")) {
      const bool solo = !strcmp(a, "--solo");
      if ((solo ? args->n_solo : args->n_mute) >= 64U) {
        fprintf(stderr, "mixdown render: at most 64 of %s\n", a);
        return CLI_USAGE;
      }
      if (solo) {
        args->solo[args->n_solo++] = value;
      } else {
        args->mute[args->n_mute++] = value;
      }
    } else if (!strcmp(a, "--stems-bits") && !parse_format(value, &args->stems_format)) {
      fprintf(stderr, "mixdown render: --stems-bits must be 16, 24, 32 or float, not `%s`\n", value);
      return CLI_USAGE;
    } else if (!strcmp(a, "--quality")) {
      char* end        = NULL;
      args->quality    = strtod(value, &end);
      args->quality_given = true;
      if (!value[0] || *end || !(args->quality >= 0.0 && args->quality <= 1.0)) {
        fprintf(stderr, "mixdown render: --quality must be 0 (smallest) … 1 (best), not `%s`\n", value);
        return CLI_USAGE;
      }
    } else if (!strcmp(a, "--bits") && !parse_format(value, &args->format)) {
      fprintf(stderr, "mixdown render: --bits must be 16, 24, 32 or float, not `%s`\n", value);
      return CLI_USAGE;
    } else if (!strcmp(a, "--rate") && !parse_uint(value, 8000UL, 384000UL, &args->rate)) {
      fprintf(stderr, "mixdown render: --rate must be 8000 … 384000 Hz, not `%s`\n", value);
      return CLI_USAGE;
    } else if (!strcmp(a, "--threads") && !parse_uint(value, 0UL, 1024UL, &args->threads)) {
      fprintf(stderr, "mixdown render: --threads must be 0 … 1024, not `%s`\n", value);
      return CLI_USAGE;
    } else if (!strcmp(a, "--normalize") && !parse_target(value, args)) {
      fprintf(stderr, "mixdown render: --normalize takes -70 … -5 LUFS or a preset (streaming, apple, podcast, "
                      "ebu-r128, atsc-a85), not `%s`\n", value);
      return CLI_USAGE;
    } else if (!strcmp(a, "--true-peak")) {
      double tp = 0.0;
      if (!cli_parse_number(value, -20.0, 0.0, &tp)) {
        fprintf(stderr, "mixdown render: --true-peak must be -20 … 0 dBTP, not `%s`\n", value);
        return CLI_USAGE;
      }
      args->true_peak_db    = tp;
      args->true_peak_given = true;
    }
  }
  return CLI_OK;
}

// Applies --solo, --mute, --from and --to to the open session.
static int
apply_overrides(MixdownSession* session, const char* session_path, const RenderArgs* args,
                MixdownRenderOptions* options)
{
  char          message[300];
  MixdownStatus st = MIXDOWN_SUCCESS;
  for (uint32_t k = 0U; !st && k < args->n_solo; ++k) {
    st = mixdown_session_set_switch(session, args->solo[k], MIXDOWN_SWITCH_SOLO, 1, message, sizeof message);
  }
  for (uint32_t k = 0U; !st && k < args->n_mute; ++k) {
    st = mixdown_session_set_switch(session, args->mute[k], MIXDOWN_SWITCH_MUTE, 1, message, sizeof message);
  }
  if (!st && args->from) {
    st = mixdown_session_parse_time(session, args->from, &options->from_s, message, sizeof message);
  }
  if (!st && args->to) {
    st = mixdown_session_parse_time(session, args->to, &options->to_s, message, sizeof message);
  }
  if (st) {
    fprintf(stderr, "%s: error: %s\n", session_path, message);
    return CLI_USAGE;
  }
  return CLI_OK;
}

static int
render_session(const char* session_path, const RenderArgs* args)
{
  MixdownSession* session = NULL;
  int             code    = cli_open_session(session_path, &session);
  if (code) {
    return code;
  }
  catch_stop_signals();

  CliProgress          progress = cli_progress_start();
  MixdownRenderOptions options  = {.size        = sizeof options,
                                   .output_path = args->output,
                                   .format      = args->format,
                                   .output_rate = args->rate,
                                   .threads     = args->threads,
                                   .cancel      = &interrupted,
                                   .normalize   = args->normalize,
                                   .target_lufs = args->target_lufs,
                                   .true_peak_db = args->true_peak_db,
                                   .limit_true_peak = args->true_peak_given,
                                   .stems_dir    = args->stems,
                                   .stems_format = args->stems_format,
                                   .quality_given = args->quality_given,
                                   .quality       = args->quality,
                                   .cache_dir    = args->cache,
                                   .temp_dir     = cli_temp_dir(),
                                   .skip_summary = args->quiet,
                                   .cache_limit_bytes = args->cache_limit_bytes};
  if ((code = apply_overrides(session, session_path, args, &options))) {
    mixdown_session_free(session);
    return code;
  }
  if (!args->quiet && isatty(STDERR_FILENO)) {
    options.progress_stage = cli_show_progress;
    options.user_data      = &progress;
  }
  CliLevels levels = {0};
  if (!args->quiet) {
    options.node_levels            = cli_collect_levels;
    options.node_levels_user_data = &levels;
  }
  MixdownRenderReport report = {.size = sizeof report};
  const MixdownStatus st     = mixdown_render(session, &options, &report);
  if (progress.shown) {
    fputs("\n", stderr);
  }
  const char* path = args->output ? args->output : mixdown_session_output_path(session);
  int         result = CLI_OK;
  if (st) {
    fprintf(stderr, "%s: error: %s\n", session_path, report.message[0] ? report.message : mixdown_strerror(st));
    // A file that could not be put in place after others were: the
    // message says what was written.
    const bool some_written = report.n_outputs || report.n_stems;
    if ((st == MIXDOWN_ERR_INTERRUPTED || st == MIXDOWN_ERR_IO) && !some_written) {
      fprintf(stderr, "%s: note: nothing was written; any previous `%s` is untouched\n", session_path,
              path ? path : "output");
    }
    result = st == MIXDOWN_ERR_BAD_ARG ? CLI_USAGE : st == MIXDOWN_ERR_INTERRUPTED && stopped_by ? 128 + stopped_by // as shells expect: 130 for Ctrl-C
                                                                    : CLI_FAILED;
  } else if (!args->quiet) {
    cli_render_print_summary(args->stems, &report);
    cli_print_levels_table(&levels, false);
    cli_render_print_file_rows(&report);
    cli_render_warn_auto_makeup(&report, &levels);
  }
  if (st == MIXDOWN_SUCCESS && args->stats) {
    cli_render_print_stats(&report);
  }
  cli_levels_free(&levels);
  mixdown_session_free(session);
  return result;
}

int
cmd_render(int argc, char** argv)
{
  if (argc >= 2 && cli_is_help(argv[1])) {
    fputs(usage, stdout);
    return CLI_OK;
  }
  if (argc < 2 || argv[1][0] == '-') {
    fputs(usage, stderr);
    return CLI_USAGE;
  }
  RenderArgs args = {0};
  const int  code = parse_options(argc, argv, 2, &args);
  return code ? code : render_session(argv[1], &args);
}

#ifndef MIXDOWN_DEMO_SESSION
#  define MIXDOWN_DEMO_SESSION "demo/demo.yaml"
#endif

int
cmd_demo(int argc, char** argv)
{
  if (argc >= 2 && cli_is_help(argv[1])) {
    printf("usage: mixdown demo [-o OUT] [render options]\n"
           "Render the bundled demo session (%s).\n", MIXDOWN_DEMO_SESSION);
    return CLI_OK;
  }
  RenderArgs args = {0};
  const int  code = parse_options(argc, argv, 1, &args);
  if (code) {
    return code;
  }
  if (!args.quiet) {
    printf("rendering the demo session %s\n", MIXDOWN_DEMO_SESSION);
    fflush(stdout);
  }
  return render_session(MIXDOWN_DEMO_SESSION, &args);
}
