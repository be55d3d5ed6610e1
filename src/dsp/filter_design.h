// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Filter design: analog prototypes and their "matched" digital versions.
//
// The plain bilinear transform cramps every response towards Nyquist: a
// 16 kHz bell at 48 kHz comes out narrow and lopsided.  Instead, following
// M. Vicanek, "Matched Second Order Digital Filters" (2016), the digital
// poles are the analog poles mapped exactly (impulse invariance,
// z = e^(sT)), and the zeros are chosen so that the digital magnitude
// follows the analog one: Vicanek matches it at DC, Nyquist and the band's
// frequency; we fit |N|² by least squares (relative error, so ≈ dB) over a
// log grid up to Nyquist, which is linear in the three numerator terms and
// halves the worst error, and fall back to the three points when the fit
// is not realisable.  No cramping near Nyquist.
//
// Everything here is double precision and runs on the control side (or
// once per 16 frames while a parameter glides).
//
// Thread: any; every function is real-time (MD_REALTIME: arithmetic only,
// no allocation): processors redesign on the audio thread when a
// frequency, gain or Q moves.

#ifndef MD_FILTER_DESIGN_H
#define MD_FILTER_DESIGN_H

#include "util/realtime.h"

#include <stdbool.h>

/// An analog second-order section, s normalised to the design frequency:
///   H(s) = (n2 s² + n1 s + n0) / (d2 s² + d1 s + d0)
/// A first-order section has n2 = d2 = 0.
typedef struct {
  double n2, n1, n0;
  double d2, d1, d0;
} MdAnalog;

/// Digital biquad, a0 = 1: H(z) = (b0 + b1 z⁻¹ + b2 z⁻²) / (1 + a1 z⁻¹ + a2 z⁻²).
/// A first-order section has b2 = a2 = 0.
typedef struct {
  double b0, b1, b2, a1, a2;
} MdDigital;

/// |H(j·x)| of an analog section at x = f / f_design.
MD_REALTIME double md_analog_magnitude(const MdAnalog* h, double x);

/// |H(e^jω)| of a digital section at ω = 2π f / rate.
MD_REALTIME double md_digital_magnitude(const MdDigital* h, double omega);

/// How hard md_match() works.
typedef enum {
  MD_MATCH_FAST, ///< Closed forms only (a few µs): for every step of a glide
  MD_MATCH_BEST, ///< Least-squares fits and searches (tens of µs): settled bands
} MdMatchQuality;

/// The matched digital version of `h` designed at `freq_hz` for `rate`.
MD_REALTIME MdDigital md_match(const MdAnalog* h, double freq_hz, double rate_hz, MdMatchQuality quality);

/* Analog prototypes (RBJ "cookbook" forms, analog). `gain_db` for bells
   and shelves; `q` as in the cookbook (shelves: 0.7071 is the steepest
   slope without overshoot). */
MD_REALTIME MdAnalog md_proto_lowpass2(double q);
MD_REALTIME MdAnalog md_proto_highpass2(double q);
MD_REALTIME MdAnalog md_proto_lowpass1(void);
MD_REALTIME MdAnalog md_proto_highpass1(void);
MD_REALTIME MdAnalog md_proto_bell(double gain_db, double q);
MD_REALTIME MdAnalog md_proto_lowshelf(double gain_db, double q);
MD_REALTIME MdAnalog md_proto_highshelf(double gain_db, double q);
MD_REALTIME MdAnalog md_proto_notch(double q);
MD_REALTIME MdAnalog md_proto_bandpass(double q);

/// Q of section `k` (0-based) of an order-`order` Butterworth filter made of
/// second-order sections (and one first-order section first when `order` is
/// odd, which takes no Q).  `k` counts the second-order sections.
MD_REALTIME double md_butterworth_q(unsigned order, unsigned k);

#endif
