// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The private header of mixdown assist unmask (unmask.c: options and the
// run; unmask_analysis.c: the render, bands, thresholds and counts;
// unmask_report.c: the report, the worst times and the plot; unmask_fix.c:
// the dynamic cut).  Thread: control (the analysis shares tracks out over
// threads of its own).

#ifndef MD_ASSIST_UNMASK_INTERNAL_H
#define MD_ASSIST_UNMASK_INTERNAL_H

#include "assist.h"
#include "bands.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
  UNMASK_SUBBANDS  = 4,  ///< Sub-bands per critical band, for its flatness
  UNMASK_MAX_BANDS = 24, ///< Zwicker's bands
  UNMASK_TIMES     = 3,  ///< Worst time ranges reported per pair
  UNMASK_MAX_TRACKS = 255, ///< Tracks analysed at once (a masker's number fits a byte)
  UNMASK_CLEAR      = 255, ///< masked_by of a cell nobody masks
  UNMASK_CHUNK_SAMPLES = 1 << 22, ///< Stems are gathered (16 MB of them, all tracks), then fed in a thread
                                  ///< beside the render: few meetings of the threads, which cost most on a
                                  ///< loaded machine
};

typedef struct Unmask Unmask;

/// A chunk of stems being fed to the feeders while the render goes on.
typedef struct {
  Unmask*       u;
  const float*  data;
  uint32_t      frames;
  uint64_t      first_frame; ///< The analysis frame the feeders' first new frame is
  MixdownStatus status;
  pthread_t     thread;
  bool          running;
} Feeding;

struct Unmask {
  AssistContext* ctx;
  AssistStrip*   strips;   ///< The session's tracks and buses
  size_t         n_strips;
  uint32_t*      track;    ///< Analysed tracks: indices into strips
  uint32_t       n_tracks;
  uint32_t       rate;
  uint32_t       fft_size;
  uint32_t       n_bands;
  double         edges_hz[UNMASK_MAX_BANDS + 1];
  double         bark[UNMASK_MAX_BANDS];       ///< Each band's centre on the Bark scale
  uint32_t       sub_first[UNMASK_MAX_BANDS + 1]; ///< Band b: sub-bands sub_first[b] … sub_first[b + 1] − 1
  uint32_t       n_sub;
  double         spread[UNMASK_MAX_BANDS][UNMASK_MAX_BANDS]; ///< Power ratio from masker band j to band z
  AssistBands**  feeders;  ///< One per analysed track (sub-bands)
  float*         chunk[2]; ///< n_tracks × chunk_size each: one filled by the render, one being fed
  uint32_t       filling;  ///< The one the render fills
  uint32_t       chunk_size;
  uint32_t       chunk_frames;
  Feeding        feeding;  ///< The other one's feeding, in a thread of its own
  uint32_t       workers;  ///< Threads that feed and reduce (the tracks shared out)
  uint64_t       n_frames;
  double         hop_s;
  double         floor_power; ///< What makes a cell present (--floor, --range), as powers
  double         range_ratio;
  uint64_t       fed_samples;   ///< Samples handed to the feeders so far
  uint64_t       capacity_frames; ///< Frames energy, lend and present have room for per track (while
                                  ///< analysing; n_frames after)
  float*         energy;   ///< n_tracks × n_frames × n_bands: power (mean square)
  float*         lend;     ///< The same: masking power lent, offset applied, before spreading
  uint8_t*       present;  ///< The same: 1 when present
  uint8_t*       masked_by; ///< The same: the dominant masker of a masked cell, UNMASK_CLEAR otherwise
};

/// Counts over all frames.
typedef struct {
  uint64_t* present;   ///< n_tracks × n_bands: present cells
  uint64_t* masked;    ///< masker × masked × band: masked cells
  double*   depth_db;  ///< the same: Σ (threshold − energy) over them, dB
} Counts;

/// A pair, ranked.
typedef struct {
  uint32_t masker;
  uint32_t masked;
  uint64_t cells;      ///< Masked cells
  uint64_t present;    ///< The masked track's present cells
  double   percent;
  double   depth_db;   ///< Σ depth
  uint32_t worst_band;
} Pair;

/// Who lends band z the most in one frame: the sum over every track, and
/// the two largest lenders (so each track's threshold is the sum less its
/// own, and its masker the largest lender that is not itself: a frame costs
/// tracks × bands, not tracks² × bands).
typedef struct {
  double   total;
  double   first_lent, second_lent;
  uint32_t first, second;
} Lenders;

/// One cell of track t judged against the others: the threshold, who lends
/// the most, and that one's share.
typedef struct {
  double   threshold;
  double   lent;      ///< By the dominant masker
  uint32_t dominant;
} Cell;

/// A run of frames, first … last.
typedef struct {
  uint64_t first;
  uint64_t last;
  uint64_t hits; ///< Frames in it that count
  double   cut_db;
} Run;

/* --- the analysis (unmask_analysis.c) ------------------------------------ */

/// Renders the session (as edited so far) with stems, feeds every analysed
/// track's sub-bands and reduces them to its bands: energy, lent masking
/// power and presence per cell.
MixdownStatus unmask_analyse(Unmask* u);
/// Frees everything the analysis and the track choice hold.
void unmask_free(Unmask* u);
const char* unmask_track_name(const Unmask* u, uint32_t k);
/// The analysed track named `name`, or −1.
int unmask_track_index(const Unmask* u, const char* name);
/// Track k's row of frame f in one of the n_tracks × n_frames × n_bands arrays.
const float* unmask_row(const Unmask* u, const float* data, uint32_t k, uint64_t f);
/// What each track lends every band of frame f, spread: spread[k × n_bands + z].
void unmask_spread_frame(const Unmask* u, uint64_t f, double* spread);
void unmask_sum_lenders(const Unmask* u, const double* spread, Lenders* lenders);
Cell unmask_judge(const Unmask* u, const double* spread, const Lenders* lenders, uint32_t t, uint32_t z);
size_t unmask_pair_index(const Unmask* u, uint32_t masker, uint32_t masked, uint32_t band);
/// Counts present and masked cells over all frames (and fills masked_by).
MixdownStatus unmask_count(const Unmask* u, Counts* c);
void          unmask_counts_free(Counts* c);
double unmask_band_score(const Unmask* u, const Counts* c, uint32_t m, uint32_t t, uint32_t z);
/// Every ordered pair, worst first (malloc'd; NULL when out of memory).
Pair* unmask_rank_pairs(const Unmask* u, const Counts* c, size_t* n);

/* --- the report and the plot (unmask_report.c) --------------------------- */

/// Runs of frames where `hit` is set, gaps under 0.2 s bridged (malloc'd).
size_t unmask_find_runs(const Unmask* u, const uint8_t* hit, Run** runs);
double unmask_run_start_s(const Unmask* u, const Run* r);
double unmask_run_end_s(const Unmask* u, const Run* r);
/// The text and JSON report of the pairs.
void unmask_report(const Unmask* u, const Counts* c, const Pair* pairs, size_t n_pairs);
/// --plot: the pair × band matrix (nothing without --plot).
MixdownStatus unmask_draw(const Unmask* u, const Counts* c, const Pair* pairs, size_t n_pairs);

/* --- the fix (unmask_fix.c) ---------------------------------------------- */

/// Removes an earlier run's cut from every analysed track.
MixdownStatus unmask_remove_earlier_cuts(Unmask* u);
/// --fix: one dynamic bell on the chosen pair's masker.
MixdownStatus unmask_fix(Unmask* u, const Counts* c, const Pair* pairs, size_t n_pairs);

#endif
