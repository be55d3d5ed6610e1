// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Energies of a signal in frequency bands, frame by frame: a Hann-windowed
// short-time power spectrum (FFTW) summed over each band, optionally
// K-weighted (ITU-R BS.1770's filter, so band energies add up to what a
// loudness meter hears).  The shared measuring stick of balance, unmask
// and match; band edges come from the helpers below (third octaves, Bark).
//
// Thread: control.  A feeder is used by one thread at a time.

#ifndef MD_ASSIST_BANDS_H
#define MD_ASSIST_BANDS_H

#include "mixdown.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct AssistBands AssistBands;

/// A feeder of `n_bands` bands between `edges_hz[0]` … `edges_hz[n_bands]`
/// (ascending), with frames of `fft_size` samples (a power of two, 256 …
/// 65536) every `fft_size / 2`.  `k_weighted`: each bin's power is weighted
/// by the K filter's.  NULL when out of memory or given nonsense.
AssistBands* assist_bands_new(uint32_t rate, uint32_t fft_size, const double* edges_hz, uint32_t n_bands,
                              bool k_weighted);
void         assist_bands_free(AssistBands* bands);

/// Feeds the next `frames` samples (the mean of `left` and `right`; `right`
/// may be NULL for mono).  Complete frames are analysed as they fill.
MixdownStatus assist_bands_feed(AssistBands* bands, const float* left, const float* right, uint32_t frames);

/// Frames analysed so far; the band powers (mean square, linear) of one.
uint64_t     assist_bands_frames(const AssistBands* bands);
const float* assist_bands_frame(const AssistBands* bands, uint64_t frame);
uint32_t     assist_bands_count(const AssistBands* bands);
/// Seconds between frames, and the centre time of frame `frame`.
double assist_bands_hop_s(const AssistBands* bands);
double assist_bands_time_s(const AssistBands* bands, uint64_t frame);

/// Drops the frames analysed so far (their storage is kept for the next
/// ones; assist_bands_frames counts from zero again): for a caller that
/// reduces frames as they come instead of holding the whole signal's.
void assist_bands_clear(AssistBands* bands);

/// The mean power of each band over all frames into `mean` (n_bands).
void assist_bands_mean(const AssistBands* bands, double* mean);

/// Edges of the ISO third-octave bands whose nominal centres lie in lo_hz … hi_hz
/// (centres 1000 · 2^(k/3), edges a sixth of an octave either side), into
/// `edges` (at most `max_edges`); returns the number of bands.  `centres`
/// (may be NULL) receives each band's centre.
uint32_t assist_third_octave_edges(double lo_hz, double hi_hz, double* edges, double* centres, uint32_t max_edges);

/// Edges of the critical bands (Zwicker's 24 Bark bands, 20 Hz … 15.5 kHz;
/// below a 31 kHz rate the top one ends at Nyquist) into `edges` (25 at
/// most); returns the number of bands.
uint32_t assist_bark_edges(uint32_t rate, double* edges, uint32_t max_edges);

/// The Bark number of a frequency (Zwicker & Terhardt 1980).
double assist_hz_to_bark(double hz);

/// The power gain (|H|²) of the BS.1770 K-weighting filter at `hz` for
/// `rate` (its two biquads, designed for the rate as libebur128 does).
double assist_k_weight_power(double hz, uint32_t rate);

/// The K filter's two biquads for `rate` (b0, b1, b2, a1, a2; a0 = 1):
/// the shelf, then the high-pass (for time-domain meters such as speech.c).
void assist_k_weight_biquads(uint32_t rate, double shelf[5], double hp[5]);

#endif
