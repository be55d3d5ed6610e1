// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The curves the console draws (the `curve` message of the wire): an EQ
// insert's magnitude response and a dynamics insert's static curve,
// computed with the engine's own design — dsp/eq.h's md_eq_response_db()
// (the coefficients the EQ runs), the compressor's, gate's and limiter's
// gain computers (md_compressor_static_db() …) — so what is drawn is what
// is heard.  tests/unit/test_serve_curves.c measures the real processors
// against them.
//
//   eq        MD_SERVE_CURVE_POINTS points [Hz, dB], log-spaced from 10 Hz
//             to 0.95 × Nyquist
//   dynamics  MD_SERVE_CURVE_POINTS points [input dB, output dB] from
//             MD_SERVE_CURVE_IN_MIN_DB to MD_SERVE_CURVE_IN_MAX_DB (input:
//             the detector's level — the peak, or the RMS with an RMS
//             detector); an output of silence reads -200
//
// Thread: any (the server thread calls them); no state.

#ifndef MD_SERVE_CURVES_H
#define MD_SERVE_CURVES_H

#include "dsp/processor.h"
#include "mixdown.h"

#include <stdbool.h>
#include <stdint.h>

#define MD_SERVE_CURVE_POINTS    256U
#define MD_SERVE_CURVE_LOW_HZ    10.0
#define MD_SERVE_CURVE_HIGH_OF_NYQUIST 0.95
#define MD_SERVE_CURVE_IN_MIN_DB (-96.0)
#define MD_SERVE_CURVE_IN_MAX_DB 6.0

typedef enum { MD_SERVE_CURVE_NONE, MD_SERVE_CURVE_EQ, MD_SERVE_CURVE_DYNAMICS } MdServeCurveKind;

/// Which curve an insert of class `cls` has.
MdServeCurveKind md_serve_curve_kind(const MdProcessorClass* cls);
/// "eq", "dynamics", or NULL (the state's `curve` field of an insert).
const char* md_serve_curve_kind_name(MdServeCurveKind kind);

/// The curve of an insert of class `cls` with value slots `values` at
/// `rate_hz` into `points` (MD_SERVE_CURVE_POINTS pairs); false when the
/// class has none.
bool md_serve_curve_points(const MdProcessorClass* cls, const double* values, double rate_hz,
                           double points[][2]);

/// The `curve` message of insert `address` (as the page names it) for
/// those values (malloc'd), or NULL when the class has none (or out of memory).
char* md_serve_curve_message(const char* address, const MdProcessorClass* cls, const double* values,
                             double rate_hz);

/// A live value the console knows for `address` (a value of the insert:
/// `/track/NAME/insert/N/PARAM`, `…/bands/K/FIELD`), or false: the session's.
typedef bool (*MdServeLiveValue)(void* user, const char* address, double* value);

/// The `curve` message of insert `insert_address` (`/track/NAME/insert/N`,
/// `/bus/…`, `/master/insert/N`) of `session`: its values as the session
/// holds them (an envelope at `position_s`), each replaced by what `live`
/// says when it knows one (NULL: none).  NULL with why in `why` when the
/// address names no insert or the insert has no curve.
char* md_serve_curve_json(const MixdownSession* session, const char* insert_address, double position_s,
                          MdServeLiveValue live, void* user, char* why, size_t why_size);

#endif
