// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// balance's private parts (balance.c: the options, the run and the writes;
// balance_listen.c: what is heard — the stems, the reference, the
// alignment; balance_fit.c: the fits and the loudness they use).
//
// Thread: control.

#ifndef MD_ASSIST_BALANCE_H
#define MD_ASSIST_BALANCE_H

#include "assist.h"
#include "bands.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { BALANCE_MAX_BANDS = 40 };

/// The frames summed into one row of the --ref fit, seconds.
#define BALANCE_SEGMENT_S 0.17
/// Onset correlation below which the reference is not taken as aligned.
#define BALANCE_MIN_CORRELATION 0.3

/// Band powers of one signal, left and right apart.
typedef struct {
  AssistBands* left;
  AssistBands* right;
} Pair;

typedef struct {
  uint32_t rate;
  uint32_t fft_size;
  double   edges[BALANCE_MAX_BANDS + 1];
  uint32_t n_bands; ///< Two catch-alls (below 22 Hz, above 18 kHz) around the third octaves
  uint32_t n_fit;   ///< The third octaves: bands 1 … n_fit, those the --ref fit compares
  uint32_t n_tracks;
  Pair*    tracks;
  Pair     ref;
  // onsets for the alignment: the mix and the reference in octave bands,
  // every 10 ms or so
  uint32_t     onset_fft_size;
  double       onset_edges[16];
  uint32_t     n_onset_bands;
  AssistBands* onset_mix;
  AssistBands* onset_ref;
  uint64_t     onset_limit_frames; ///< The mix's onsets are taken from its start to here
  // a long session is heard in windows spread over it (--sample): frames
  // [k·period, k·period + window) of the mix's time; period 0: all of it
  double   sample_s;
  uint64_t window_frames;
  uint64_t period_frames;
  uint64_t length_frames;
} Measure;



static inline uint64_t
balance_pair_frames(const Pair* p)
{
  const uint64_t l = assist_bands_frames(p->left);
  const uint64_t r = assist_bands_frames(p->right);
  return l < r ? l : r;
}

/// K-weighted power (left + right) of band `b` in frame `i`.
static inline double
balance_pair_energy(const Pair* p, uint64_t i, uint32_t b)
{
  return (double)assist_bands_frame(p->left, i)[b] + (double)assist_bands_frame(p->right, i)[b];
}

typedef struct {
  char*    name;
  char*    address;
  bool     active;     ///< Heard in the render
  bool     targeted;   ///< --targets names it
  bool     targeted_mode; ///< --targets was given (names it or not)
  double   target_lu;
  double   gain;       ///< Fitted power gain
  double   residual_db;
  double   achieved_lu; ///< --targets: relative loudness after the fit (model)
  double*  power;      ///< Per frame, summed over bands
} Track;

typedef struct {
  AssistContext* ctx;
  Measure        m;
  Track*         tracks;
  uint32_t       n_tracks;
  uint64_t       n_frames;
  double         hop_s;
} Balance;


/// Where the reference lines up with the mix.
typedef struct {
  bool   aligned;
  double offset_s;    ///< The reference's time = the mix's + offset_s
  double correlation; ///< Normalised, at the offset found
} Alignment;

/// What the --ref fit found (estimated from the analysis, not a render).
typedef struct {
  double residual_db;        ///< RMS level error over rows, after the fit
  double residual_before_db; ///< The same with the faders as they were
  size_t n_rows;
} BalanceFit;

/* balance_listen.c */

/// The session's tracks by name and address, before anything is heard.
MixdownStatus balance_tracks_init(Balance* b);
/// Renders the session with stems; keeps each track's band powers and per-frame power.
MixdownStatus balance_listen(Balance* b);
/// Hears the reference: its onsets, the offset (within `max_offset_s`; 0: none),
/// then its band powers moved by that offset.
MixdownStatus balance_hear_reference(Balance* b, const char* path, double max_offset_s, Alignment* al);
/// Says (and reports) how much of the session was heard (--sample).
void balance_say_sampling(Balance* b);
void balance_free(Balance* b);

/* balance_fit.c */

/// --ref: the power gains of the heard tracks (b->tracks[k].gain) and each
/// one's residual, on aligned segments or (`*aligned` false, or set false
/// when the overlap is too short) long-term spectra.
MixdownStatus balance_fit_reference(Balance* b, bool* aligned, BalanceFit* fit);
/// --level keep: every gain times one factor so the mix keeps its loudness.
MixdownStatus balance_keep_level(Balance* b, double* shift_db);
/// --targets: the gains of the named tracks, and the report of the fit.
MixdownStatus balance_fit_targets(Balance* b);

#endif
