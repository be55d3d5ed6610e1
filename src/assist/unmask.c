// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// mixdown assist unmask: which track hides which, where and when.
//
// Every track's post-fader stem is cut into short frames (about 85 ms,
// half overlapping) and critical bands (Zwicker's Bark bands).  Each
// track, as a masker, lends each band a masking power: its energy there
// lowered by an offset that depends on how tonal the band is (a tone masks
// less than noise: 14.5 + z dB for a tone, 5.5 dB for noise, Johnston
// 1988; tonality from the spectral flatness of the band's four sub-bands)
// and spread over the other bands with Schroeder's spreading function
// (1979; −25 dB/Bark downwards, −10 dB/Bark upwards).  A track's masking
// threshold in a cell is the sum of what every other track lends it
// there; a cell is *present* when the track's own energy there is above
// --floor, within --range of its loudest band in that frame and above what
// its own other bands mask there (not just the skirt of a neighbour), and
// *masked* when it is present and below the threshold.  The masker that
// lends the most is the one that masks it.  The figure of a pair
// (masker → masked) is the share of the masked track's present cells
// that this masker masks.
//
// --fix writes one EQ bell on the masker, centred on the pair's worst
// bands, whose gain is an envelope: a cut while the masked track is
// present there (as deep as it needs to uncover it, at most --max-cut),
// 0 dB elsewhere.  It is the masker's last insert, an `eq` with one bell
// whose gain is an envelope: that is how a re-run finds it and replaces it
// (it is removed before the analysis, so the new cut is measured on the
// mix without the old one).
//
// Speed: the stems are gathered in chunks and fed to the FFTs in a thread
// beside the render (the tracks shared over --threads workers), so the
// analysis mostly hides behind the render; a frame is judged in
// tracks × bands.  Memory: every frame's sub-bands are kept until the
// render ends, then its bands (about 600 bytes per track and frame at the
// peak: an hour of one track at 48 kHz is about 50 MB).

#include "unmask_internal.h"
#include "unmask_plot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const MixdownParamInfo unmask_options[] = {
  {"tracks", "", "Tracks to analyse, comma-separated (default: every track)", MIXDOWN_PARAM_TEXT, 0.0, 0.0, 0.0,
   NULL},
  {"top", "", "Pairs listed in the text report, worst first", MIXDOWN_PARAM_NUMBER, 1.0, 100.0, 5.0, NULL},
  {"floor", "dB", "A band of a track is present above this level (dBFS, the band's mean square)",
   MIXDOWN_PARAM_NUMBER, -120.0, -20.0, -70.0, NULL},
  {"range", "dB", "… and within this much of the track's loudest band in the same frame", MIXDOWN_PARAM_NUMBER,
   10.0, 80.0, 40.0, NULL},
  {"plot", "", "Draw the pair × band matrix into this PNG file", MIXDOWN_PARAM_TEXT, 0.0, 0.0, 0.0, NULL},
  {"fix", "", "Write one dynamic EQ cut on the masker of the worst pair (or --masker/--masked)",
   MIXDOWN_PARAM_BOOL, 0.0, 1.0, 0.0, NULL},
  {"max-cut", "dB", "Deepest cut --fix writes", MIXDOWN_PARAM_NUMBER, 0.5, 24.0, 6.0, NULL},
  {"masker", "", "The pair to fix: the track to cut (default: the worst pair's, or the worst masker of --masked)",
   MIXDOWN_PARAM_NODE, 0.0, 0.0, 0.0, NULL},
  {"masked", "", "The pair to fix: the track to uncover (default: the worst pair's, or the worst masked by --masker)",
   MIXDOWN_PARAM_NODE, 0.0, 0.0, 0.0, NULL},
};

/* --- options and the run ------------------------------------------------- */

// The analysed tracks: --tracks, else every track.
static MixdownStatus
choose_tracks(Unmask* u)
{
  AssistContext* ctx = u->ctx;
  u->n_strips        = assist_all_strips(ctx, &u->strips);
  u->track           = calloc(u->n_strips ? u->n_strips : 1U, sizeof *u->track);
  if (!u->strips || !u->track) {
    return assist_fail(ctx, MIXDOWN_ERR_NO_MEM, "out of memory");
  }
  char**       names = NULL;
  const size_t given = assist_split_list(assist_text(ctx, "tracks"), &names);
  for (size_t i = 0; i < u->n_strips; ++i) {
    bool chosen = u->strips[i].kind == ASSIST_TRACK && !given;
    for (size_t g = 0; g < given; ++g) {
      chosen = chosen || strcmp(names[g], u->strips[i].name) == 0;
    }
    if (chosen) {
      u->track[u->n_tracks++] = (uint32_t)i;
    }
  }
  MixdownStatus st = MIXDOWN_SUCCESS;
  for (size_t g = 0; g < given && st == MIXDOWN_SUCCESS; ++g) {
    AssistStrip s;
    if (!assist_find_strip(ctx, "tracks", names[g], &s)) {
      st = MIXDOWN_ERR_BAD_ARG;
    } else if (s.kind != ASSIST_TRACK) {
      st = assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--tracks %s: a bus or the master; unmask compares tracks", names[g]);
    }
    assist_strip_free(&s);
  }
  assist_free_list(names, given);
  if (st == MIXDOWN_SUCCESS && u->n_tracks > UNMASK_MAX_TRACKS) {
    st = assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "compares at most %d tracks at once (%u here): choose with --tracks",
                     UNMASK_MAX_TRACKS, u->n_tracks);
  }
  if (st == MIXDOWN_SUCCESS && u->n_tracks < 2U) {
    st = assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "needs two tracks or more to compare (%s has %u)",
                     given ? "--tracks" : "the session", u->n_tracks);
  }
  return st;
}

// --masker and --masked: analysed tracks, not the same one.
static MixdownStatus
check_pair_options(Unmask* u)
{
  const char* names[2] = {assist_text(u->ctx, "masker"), assist_text(u->ctx, "masked")};
  const char* which[2] = {"masker", "masked"};
  for (int i = 0; i < 2; ++i) {
    if (!names[i]) {
      continue;
    }
    AssistStrip s;
    if (!assist_find_strip(u->ctx, which[i], names[i], &s)) {
      return MIXDOWN_ERR_BAD_ARG;
    }
    assist_strip_free(&s);
    if (unmask_track_index(u, names[i]) < 0) {
      return assist_fail(u->ctx, MIXDOWN_ERR_BAD_ARG, "--%s %s: not one of the analysed tracks (--tracks)", which[i],
                         names[i]);
    }
  }
  if (names[0] && names[1] && strcmp(names[0], names[1]) == 0) {
    return assist_fail(u->ctx, MIXDOWN_ERR_BAD_ARG, "--masker and --masked name the same track (%s)", names[0]);
  }
  return MIXDOWN_SUCCESS;
}

// --plot: this build draws, and the path is not a file the session reads.
static MixdownStatus
check_plot_option(AssistContext* ctx)
{
  const char* path = assist_text(ctx, "plot");
  if (!path) {
    return MIXDOWN_SUCCESS;
  }
  char message[512] = "";
  if (!unmask_plot_available()) {
    unmask_plot_write(NULL, path, message, sizeof message);
    return assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--plot %s: %s", path, message);
  }
  const MixdownStatus st =
    mixdown_check_plot_path(mixdown_editor_session(ctx->editor), NULL, path, message, sizeof message);
  return st == MIXDOWN_SUCCESS ? st : assist_fail(ctx, st, "--plot %s", message);
}

static MixdownStatus
unmask_run(AssistContext* ctx)
{
  Unmask        u  = {.ctx = ctx};
  MixdownStatus st = choose_tracks(&u);
  if (st == MIXDOWN_SUCCESS) {
    st = check_pair_options(&u);
  }
  if (st == MIXDOWN_SUCCESS) {
    st = check_plot_option(ctx);
  }
  const bool fixing = assist_flag(ctx, "fix");
  if (st == MIXDOWN_SUCCESS && !fixing && (assist_given(ctx, "masker") || assist_given(ctx, "masked") ||
                                           assist_given(ctx, "max-cut"))) {
    st = assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--masker, --masked and --max-cut choose what --fix writes: add --fix");
  }
  if (st == MIXDOWN_SUCCESS && fixing) {
    st = unmask_remove_earlier_cuts(&u);
  }
  if (st == MIXDOWN_SUCCESS) {
    st = unmask_analyse(&u);
  }
  Counts counts  = {0};
  Pair*  pairs   = NULL;
  size_t n_pairs = 0;
  if (st == MIXDOWN_SUCCESS) {
    st = unmask_count(&u, &counts);
  }
  if (st == MIXDOWN_SUCCESS) {
    pairs = unmask_rank_pairs(&u, &counts, &n_pairs);
    st    = pairs ? MIXDOWN_SUCCESS : MIXDOWN_ERR_NO_MEM;
  }
  if (st == MIXDOWN_SUCCESS) {
    unmask_report(&u, &counts, pairs, n_pairs);
    st = unmask_draw(&u, &counts, pairs, n_pairs);
  }
  if (st == MIXDOWN_SUCCESS && fixing) {
    st = unmask_fix(&u, &counts, pairs, n_pairs);
  } else if (st == MIXDOWN_SUCCESS) {
    assist_say(ctx, "report only (no --fix): no values to write");
  }
  free(pairs);
  unmask_counts_free(&counts);
  unmask_free(&u);
  return st;
}

const AssistKind assist_unmask = {
  .name        = "unmask",
  .description = "which track masks which, in which critical bands and when; --fix: one dynamic EQ cut",
  .options     = unmask_options,
  .n_options   = sizeof unmask_options / sizeof unmask_options[0],
  .run         = unmask_run,
};
