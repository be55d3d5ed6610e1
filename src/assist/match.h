// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `match`'s parts (private to src/assist/): match.c reads the options,
// decides and writes; match_listen.c hears the references and the mix
// (long-term third-octave spectra of mid and side, loudness);
// match_fit.c fits the EQ's bands with the eq processor's own response.
//
// Thread: control (match_listen() runs the references on a thread of its own).

#ifndef MD_ASSIST_MATCH_H
#define MD_ASSIST_MATCH_H

#include "assist.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MATCH_LOW_HZ     50.0
#define MATCH_HIGH_HZ    16000.0
#define MATCH_MAX_THIRDS 32U
#define MATCH_MAX_BANDS  8U
#define MATCH_MAX_REFS   16U
#define MATCH_SUBPOINTS  7U // frequencies per third octave the EQ's response is averaged over
// The K weights of the width are taken at one rate for every file (a file's
// own rate changes them by hundredths of a dB below 16 kHz).
#define MATCH_K_RATE 48000U


typedef struct {
  char*  path;
  double weight;
} Reference;

typedef struct {
  uint32_t n_thirds;
  double   edges_hz[MATCH_MAX_THIRDS + 1U];
  double   centres_hz[MATCH_MAX_THIRDS];
} Thirds;

/// What one signal measured: mid and side power per third octave (mean
/// square), integrated loudness.
typedef struct {
  double mid[MATCH_MAX_THIRDS];
  double side[MATCH_MAX_THIRDS];
  double loudness_lufs;
  double seconds;
} Measure;

/* --- listening (match_listen.c) ------------------------------------------ */

/// Hears the references (on a thread of their own while the mix renders,
/// unless ctx->threads is 1) and the mix as the editor holds it after
/// `before_mix` (which removes an earlier run's inserts).  A reference's
/// failure is reported over the mix's.  `rate`: the session's.
MixdownStatus match_listen(AssistContext* ctx, const Thirds* thirds, const Reference* refs, size_t n_refs,
                           MixdownStatus (*before_mix)(AssistContext* ctx), Measure* ref_measures, Measure* mix,
                           uint32_t* rate);

/// K-weighted side-to-mid energy over the thirds, each third's power scaled
/// by `gain_db` (an EQ's response; NULL: none).
double match_side_to_mid(const Thirds* thirds, const double* mid, const double* side, const double* gain_db);

/* --- fitting (match_fit.c) ------------------------------------------------ */


typedef enum { SHAPE_LOWSHELF, SHAPE_HIGHSHELF, SHAPE_BELL, N_SHAPES } Shape;

extern const char* const match_shape_names[N_SHAPES];


/// Where a band's fields sit in the eq processor's value slots, read from
/// its public parameter table (so a change of layout there is followed here).
typedef struct {
  uint32_t n_fields;
  int      type, freq, gain, q, slope;
  double   shape_index[N_SHAPES];
  double   slope_default;
} EqLayout;

typedef struct {
  Shape  shape;
  double freq_hz;
  double gain_db;
  double q;
} Band;

/// The frequencies the response is evaluated at: MATCH_SUBPOINTS per third
/// octave, evenly in log frequency across the band.
typedef struct {
  const EqLayout* layout;
  double          rate_hz;
  uint32_t        n_thirds;
  uint32_t        n_points;
  double          freqs_hz[MATCH_MAX_THIRDS * MATCH_SUBPOINTS];
} Grid;

/// The eq processor's slot layout, from its public parameter table; false
/// when it lacks what a band needs.
bool match_eq_layout(EqLayout* layout);

/// The grid of `thirds` at `rate_hz`.
void match_grid_init(Grid* grid, const EqLayout* layout, double rate_hz, const Thirds* thirds);

/// The response of `n` bands per third octave (dB, power-averaged over each).
void match_eq_response(const Grid* g, const Band* bands, uint32_t n, double* third_db);

/// Up to `max_bands` shelves and bells fitted to `target` (dB per third,
/// a free constant beside them), gains within ±max_gain_db; returns the count.
uint32_t match_fit_bands(const Grid* g, const Thirds* thirds, const double* target, uint32_t max_bands,
                         double max_gain_db, Band* bands);

/// A spectrum's shape: each third's share of the total power.
void match_normalise(const double* power, uint32_t n, double* shape);

/// Gaussian smoothing along log frequency, `width_oct` wide (twice σ; 0: none).
void match_smooth(const double* in, uint32_t n, double width_oct, double* out);

#endif
