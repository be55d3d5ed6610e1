// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// What `mixdown render` prints after a render: the summary of strips and
// files, the --stats table of where the time went, and warnings on the
// levels.  Main thread.

#include "cmd_render_print.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Where the time went, largest share first: the engine's rows (per
// processor type, sources, mixing, cache) and the render's stages
// (writing, premaster, finishing, stems), which add up to the CPU time.
void
cli_render_print_stats(const MixdownRenderReport* r)
{
  double total = 0.0;
  bool   shown[MIXDOWN_MAX_TIME_REPORTS] = {false};
  for (uint32_t k = 0U; k < r->n_times; ++k) {
    total += r->times[k].seconds;
  }
  if (r->cache_tracks || r->cache_damaged) {
    printf("  cache: %u of %u tracks reused, %u damaged file%s rendered again\n", r->cache_hits, r->cache_tracks,
           r->cache_damaged, r->cache_damaged == 1U ? "" : "s");
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
  printf("  total %.3f s of work; the process used %.3f s of CPU in %.3f s (wall)\n", total, r->cpu_seconds,
         r->seconds_taken);
  printf("  the mix was rendered %s; %u file%s written from it\n", r->mix_passes == 1U ? "once" : "more than once",
         r->n_outputs, r->n_outputs == 1U ? "" : "s");
}

// One written file's figures: every number is of the file as written.
static void
print_output(const MixdownOutputReport* o, bool name_it, uint64_t non_finite)
{
  char peak[32], loud[32], tp[32];
  if (name_it) {
    printf("  %s\n", o->path);
  }
  if (o->note[0]) {
    printf("  note       %s\n", o->note);
  }
  printf("  peak       %s dBFS\n", cli_db(o->peak_dbfs, peak, sizeof peak));
  printf("  true peak  %s dBTP\n", cli_db(o->true_peak_dbtp, tp, sizeof tp));
  printf("  loudness   %s LUFS integrated\n", cli_db(o->loudness_lufs, loud, sizeof loud));
  printf("  stereo     correlation %.2f%s\n", o->correlation,
         o->correlation < 0.0 ? "  (warning: out of phase: the mix will cancel in mono)" : "");
  if ((o->normalized || o->limited) && isinf(o->shortfall_lu) && non_finite) {
    printf("  finishing  the mix is silent once its non-finite samples are silenced (see the warning): nothing "
           "to normalise\n");
  } else if ((o->normalized || o->limited) && isinf(o->shortfall_lu)) {
    printf("  finishing  the mix is silent: nothing to normalise\n");
  } else if (o->normalized || o->limited) {
    char target[64] = "";
    if (o->normalized) {
      snprintf(target, sizeof target, "to %.1f LUFS, ", o->target_lufs);
    }
    printf("  finishing  %s%+.2f dB of gain, then the true-peak limiter at %.1f dBTP: %.1f dB of reduction at most "
           "(%u pass%s)\n", target, o->gain_db, o->ceiling_db, o->limiter_db, o->passes, o->passes == 1U ? "" : "es");
    if (o->normalized && o->shortfall_lu > 0.3) {
      printf("  warning: the target was not reached without more than 20 dB of limiting: %.1f LU short\n",
             o->shortfall_lu);
    }
  }
  if (o->clipped) {
    printf("  warning: %llu samples clipped in the integer output (the mix peaks at %s dBFS)\n",
           (unsigned long long)o->clipped, cli_db(o->peak_dbfs, peak, sizeof peak));
  }
}

void
cli_render_print_summary(const char* stems, const MixdownRenderReport* r)
{
  char         loud[32];
  const double speed = r->seconds_taken > 0.0 ? r->length_s / r->seconds_taken : 0.0;
  for (uint32_t k = 0U; k < r->n_outputs; ++k) {
    printf("wrote %s\n", r->outputs[k].path);
  }
  if (stems) {
    const size_t n = strlen(stems);
    printf("  stems      %u in %.*s/\n", r->n_stems, (int)(n > 1U && stems[n - 1U] == '/' ? n - 1U : n), stems);
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
    if (r->cache_damaged) {
      printf("  warning: %u damaged cache file%s (checksum, size or header): ignored, their audio rendered again\n",
             r->cache_damaged, r->cache_damaged == 1U ? "" : "s");
    }
  }
  printf("  length     %.3f s (%llu frames at %u Hz)\n", r->length_s, (unsigned long long)r->frames,
         r->sample_rate);
  for (uint32_t k = 0U; k < r->n_outputs; ++k) {
    print_output(&r->outputs[k], r->n_outputs > 1U, r->non_finite_fixed);
  }
  if (r->outputs[0].normalized || r->outputs[0].limited) {
    printf("  mix        %s LUFS before finishing (the master row below)\n",
           cli_db(r->mix_loudness_lufs, loud, sizeof loud));
  }
  printf("  time       %.3f s (%.1f× real time)\n", r->seconds_taken, speed);
  bool heading = true;
  for (uint32_t m = 0U; m < r->n_meters; ++m) {
    const MixdownMeterReport* meter = &r->meters[m];
    if (meter->extreme != 0.0 || !strcmp(meter->meter, "gain_reduction_db")) {
      printf("  %-10s %s, insert %u (%s): %s %.1f\n", heading ? "meters" : "", meter->node, meter->insert + 1U,
             meter->processor, meter->meter, meter->extreme);
      heading = false;
    }
  }
  for (uint32_t k = 0U; k < r->n_stems_over && k < MIXDOWN_MAX_STEM_REPORTS; ++k) {
    const MixdownStemReport* st = &r->stems_over[k];
    if (st->clipped) {
      printf("  warning: stem %s clipped: %llu samples over full scale (peak %+.1f dBFS); try --stems-bits float\n",
             st->name, (unsigned long long)st->clipped, st->peak_dbfs);
    } else {
      printf("  warning: stem %s peaks at %+.1f dBFS: kept in float, it would clip as an integer file\n", st->name,
             st->peak_dbfs);
    }
  }
  if (r->n_stems_over > MIXDOWN_MAX_STEM_REPORTS) {
    printf("  warning: %u more stems go over full scale\n", r->n_stems_over - MIXDOWN_MAX_STEM_REPORTS);
  }
  if (r->non_finite_fixed) {
    printf("  warning: %llu non-finite samples (NaN/Inf) were replaced with silence; first: %s\n",
           (unsigned long long)r->non_finite_fixed, r->non_finite_where);
  }
}

// Below the strip table (whose master row is the mix before finishing):
// a row per written file, with the finishing limiter's reduction.
void
cli_render_print_file_rows(const MixdownRenderReport* r)
{
  char a[32], b[32];
  for (uint32_t k = 0U; k < r->n_outputs; ++k) {
    const MixdownOutputReport* o     = &r->outputs[k];
    const char*                slash = strrchr(o->path, '/');
    printf("  %-16.16s %-6s %9s %10s %8llu %8.1f%s\n", slash ? slash + 1 : o->path, "file",
           cli_db(o->peak_dbfs, a, sizeof a), cli_db(o->loudness_lufs, b, sizeof b), (unsigned long long)o->clipped,
           o->limiter_db, o->normalized || o->limited ? "  (after finishing)" : "");
  }
}

// auto_makeup adds the curve's whole reduction at 0 dBFS as gain: on a
// quiet source or a deep setting that is a lot, and the strip may clip.
#define CLI_LOUD_MAKEUP_DB 6.0

void
cli_render_warn_auto_makeup(const MixdownRenderReport* r, const CliLevels* levels)
{
  for (uint32_t m = 0U; m < r->n_meters; ++m) {
    const MixdownMeterReport* meter = &r->meters[m];
    if (strcmp(meter->meter, "auto_makeup_db") != 0) {
      continue;
    }
    uint64_t clipped = 0U;
    for (uint32_t k = 0U; k < levels->n; ++k) {
      if (!strcmp(levels->items[k].name, meter->node)) {
        clipped = levels->items[k].post_fader.clipped;
      }
    }
    if (meter->extreme >= CLI_LOUD_MAKEUP_DB || (clipped && meter->extreme > 0.0)) {
      printf("  warning: %s, insert %u (%s): auto_makeup adds %+.1f dB%s", meter->node, meter->insert + 1U,
             meter->processor, meter->extreme, clipped ? "" : "\n");
      if (clipped) {
        printf(" and the strip clips (%llu samples over full scale); lower makeup_db or turn auto_makeup off\n",
               (unsigned long long)clipped);
      }
    }
  }
}
