// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `mixdown render` and `mixdown demo`.

#include "cli.h"

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
  "  -o, --output FILE     output file (.wav, .rf64, .flac); overrides output.file\n"
  "  --bits 16|24|32|float sample format; overrides output.bits\n"
  "  --rate HZ             output sample rate (converted with soxr before dither)\n"
  "  --normalize TARGET    loudness target: LUFS (e.g. -14) or a preset: streaming,\n"
  "                        apple, podcast, ebu-r128, atsc-a85; overrides master.loudness\n"
  "  --true-peak DB        true-peak ceiling with --normalize (default -1, or the preset's)\n"
  "  --stems DIR           also write every track and bus, post-fader and aligned with the\n"
  "                        mix, to DIR/NAME.wav (same format; before normalisation)\n"
  "  --threads N           worker threads (default 0: one per core); the mix is the\n"
  "                        same to the bit with any number\n"
  "  --stats               also print where the render time went, per processor type\n"
  "  --cache DIR           keep each track's processed signal, and partial sums of the\n"
  "                        tracks feeding each bus, in DIR and reuse them when nothing\n"
  "                        that shapes them changed (the mix is the same to the bit)\n"
  "  --cache-limit SIZE    keep DIR under SIZE (bytes, or with K, M, G, T; default 8G;\n"
  "                        0: no limit) by removing the least recently used files\n"
  "  -q, --quiet           no progress bar, no summary\n"
  "  -h, --help            this help\n";

static volatile int interrupted = 0;

static void
on_signal(int signum)
{
  (void)signum;
  interrupted = 1;
}

typedef struct {
  int    last_percent;
  bool   shown;
} Progress;

static void
show_progress(void* user_data, double fraction)
{
  Progress* p       = user_data;
  const int percent = (int)(fraction * 100.0);
  if (percent == p->last_percent) {
    return;
  }
  p->last_percent = percent;
  p->shown        = true;
  char bar[41];
  const int filled = percent * 40 / 100;
  for (int i = 0; i < 40; ++i) {
    bar[i] = i < filled ? '#' : '.';
  }
  bar[40] = '\0';
  fprintf(stderr, "\r[%s] %3d%%", bar, percent);
  fflush(stderr);
}

typedef struct {
  const char*         output;
  MixdownSampleFormat format;
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
  const char*         stems;
} RenderArgs;

// `--normalize -14` or `--normalize streaming`.
static bool
parse_target(const char* text, RenderArgs* args)
{
  char*        end  = NULL;
  const double lufs = strtod(text, &end);
  if (text[0] && !*end) {
    if (lufs < -70.0 || lufs > -5.0) {
      return false;
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
                             !strcmp(a, "--cache-limit");
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
      char*        end = NULL;
      const double tp  = strtod(value, &end);
      if (!value[0] || *end || tp < -20.0 || tp > 0.0) {
        fprintf(stderr, "mixdown render: --true-peak must be -20 … 0 dBTP, not `%s`\n", value);
        return CLI_USAGE;
      }
      args->true_peak_db    = tp;
      args->true_peak_given = true;
    }
  }
  return CLI_OK;
}

// The time profile of the mix pass, largest share first.
static void
print_stats(const MixdownRenderReport* r)
{
  double total = 0.0;
  bool   shown[MIXDOWN_MAX_TIME_REPORTS] = {false};
  for (uint32_t k = 0U; k < r->n_times; ++k) {
    total += r->times[k].seconds;
  }
  printf("  %-22s %9s %9s %7s %8s\n", "time", "instances", "seconds", "share", "skipped");
  for (uint32_t row = 0U; row < r->n_times; ++row) {
    uint32_t best = UINT32_MAX;
    for (uint32_t k = 0U; k < r->n_times; ++k) {
      if (!shown[k] && (best == UINT32_MAX || r->times[k].seconds > r->times[best].seconds)) {
        best = k;
      }
    }
    shown[best] = true;
    const MixdownTimeReport* t = &r->times[best];
    // skipped: the share of blocks an insert sat out as silence (exactly).
    char skipped[16] = "-";
    if (t->blocks) {
      snprintf(skipped, sizeof skipped, "%.1f%%", 100.0 * (double)t->skipped / (double)t->blocks);
    }
    printf("  %-22s %9u %9.3f %6.1f%% %8s\n", t->what, t->instances, t->seconds,
           total > 0.0 ? 100.0 * t->seconds / total : 0.0, skipped);
  }
}

static void
print_summary(const char* path, const char* stems, const MixdownRenderReport* r)
{
  char peak[32];
  char loud[32];
  char tp[32];
  const double speed = r->seconds_taken > 0.0 ? r->length_s / r->seconds_taken : 0.0;
  printf("wrote %s\n", path);
  if (stems) {
    printf("  stems      in %s/\n", stems);
  }
  if (r->cache_tracks) {
    printf("  cache      %u of %u tracks reused", r->cache_hits, r->cache_tracks);
    if (r->cache_sums_read) {
      printf(" (%u of them through %u cached sum%s)", r->cache_tracks_skipped, r->cache_sums_read,
             r->cache_sums_read == 1U ? "" : "s");
    }
    printf("\n");
    if (r->cache_files_removed) {
      printf("             %u older cache file%s removed (--cache-limit)\n", r->cache_files_removed,
             r->cache_files_removed == 1U ? "" : "s");
    }
  }
  printf("  length     %.3f s (%llu frames at %u Hz)\n", r->length_s, (unsigned long long)r->frames,
         r->sample_rate);
  printf("  peak       %s dBFS\n", cli_db(r->peak_dbfs, peak, sizeof peak));
  printf("  true peak  %s dBTP\n", cli_db(r->true_peak_dbtp, tp, sizeof tp));
  printf("  loudness   %s LUFS integrated\n", cli_db(r->loudness_lufs, loud, sizeof loud));
  printf("  stereo     correlation %.2f%s\n", r->correlation,
         r->correlation < 0.0 ? "  (warning: out of phase: the mix will cancel in mono)" : "");
  printf("  time       %.3f s (%.1f× real time)\n", r->seconds_taken, speed);
  if (r->normalized && isinf(r->shortfall_lu)) {
    printf("  normalise  the mix is silent: nothing to normalise\n");
  } else if (r->normalized) {
    printf("  normalise  %+.2f dB of gain, then the true-peak limiter%s\n", r->gain_db,
           r->shortfall_lu > 0.3 ? "" : "; on target");
    if (r->shortfall_lu > 0.3) {
      printf("  warning: the target was not reached without more than 20 dB of limiting: %.1f LU short\n",
             r->shortfall_lu);
    }
  }
  for (uint32_t m = 0U; m < r->n_meters; ++m) {
    const MixdownMeterReport* meter = &r->meters[m];
    printf("  %-10s %s, insert %u (%s): %s %.1f\n", m == 0U ? "meters" : "", meter->node, meter->insert + 1U,
           meter->processor, meter->meter, meter->extreme);
  }
  if (r->peak_dbfs > 0.0) {
    printf("  warning: the mix peaks above 0 dBFS and was clipped in the integer output\n");
  }
  if (r->non_finite_fixed) {
    printf("  warning: %llu non-finite samples (NaN/Inf) were replaced with silence; first: %s\n",
           (unsigned long long)r->non_finite_fixed, r->non_finite_where);
  }
}

static int
render_session(const char* session_path, const RenderArgs* args)
{
  MixdownSession* session = NULL;
  const int       code    = cli_open_session(session_path, &session);
  if (code) {
    return code;
  }
  // An interrupt stops the render between blocks; the writer then removes
  // its temporary file and the previous mix stays as it was.  A file-size
  // limit must give a write error, not kill the process mid-write.
  struct sigaction action = {0};
  action.sa_handler       = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, NULL);
  sigaction(SIGTERM, &action, NULL);
  signal(SIGXFSZ, SIG_IGN);

  Progress             progress = {-1, false};
  MixdownRenderOptions options  = {.size        = sizeof options,
                                   .output_path = args->output,
                                   .format      = args->format,
                                   .output_rate = args->rate,
                                   .threads     = args->threads,
                                   .cancel      = &interrupted,
                                   .normalize   = args->normalize,
                                   .target_lufs = args->target_lufs,
                                   .true_peak_db = args->true_peak_db,
                                   .stems_dir    = args->stems,
                                   .cache_dir    = args->cache,
                                   .skip_summary = args->quiet,
                                   .cache_limit_bytes = args->cache_limit_bytes};
  if (!args->quiet && isatty(STDERR_FILENO)) {
    options.progress  = show_progress;
    options.user_data = &progress;
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
    if (st == MIXDOWN_ERR_INTERRUPTED || st == MIXDOWN_ERR_IO) {
      fprintf(stderr, "%s: note: nothing was written; any previous `%s` is untouched\n", session_path,
              path ? path : "output");
    }
    result = st == MIXDOWN_ERR_BAD_ARG ? CLI_USAGE : CLI_FAILED;
  } else if (!args->quiet) {
    print_summary(path, args->stems, &report);
    cli_print_levels_table(&levels, false);
  }
  if (st == MIXDOWN_SUCCESS && args->stats) {
    print_stats(&report);
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
