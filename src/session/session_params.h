// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The values a session holds outside its strips, declared once in the
// table form of dsp/processor.h (name, unit, range, default, kind,
// choices, flags), as dsp/strip.h declares a strip's, a send's and a
// clip's: the session's top level (sample_rate, tempo, time_signature,
// length), an output file's keys (`output:` and each `outputs:` item:
// file, bits, dither, rate, quality and the tags), a loudness target's
// (`master.loudness`, an `outputs:` item's `loudness`) and a strip's
// routing (`output:` of a track or bus).  The validator reads its ranges
// and choices from these entries; session/address.h resolves addresses to
// them.  None of them is automatable or moves while playing: the session
// reads them once, when it opens.
//
// Thread: constant data; any thread.

#ifndef MD_SESSION_PARAMS_H
#define MD_SESSION_PARAMS_H

#include "dsp/processor.h"
#include "session/model.h"

#include <stdbool.h>

/// The session's top-level values, in the order the format documents them.
/// `time_signature` is text ("4/4"): see md_param_is_text().  `length` is
/// also `auto` (the default) or BAR:BEAT at the tempo.
enum {
  MD_SESSION_SAMPLE_RATE,
  MD_SESSION_TEMPO,
  MD_SESSION_TIME_SIGNATURE,
  MD_SESSION_LENGTH,
  MD_SESSION_N_PARAMS
};
extern const MdParam md_session_params[MD_SESSION_N_PARAMS];

/// The keys of an output file (`output:`, an `outputs:` item), in the
/// order the validator lists them; the tags follow in MD_TAG_* order
/// (MD_OUTPUT_TAG + MD_TAG_TITLE …).  `file` is a path (kind FILE), the
/// tags text.  An `outputs:` item also holds `loudness` (structure: see
/// md_loudness_params).
enum {
  MD_OUTPUT_FILE,
  MD_OUTPUT_BITS,
  MD_OUTPUT_DITHER,
  MD_OUTPUT_RATE,
  MD_OUTPUT_QUALITY,
  MD_OUTPUT_TAG,
  MD_OUTPUT_N_PARAMS = MD_OUTPUT_TAG + MD_N_TAGS
};
extern const MdParam md_output_params[MD_OUTPUT_N_PARAMS];

/// `bits:` choices in MixdownSampleFormat order from MIXDOWN_FORMAT_PCM_16,
/// `dither:` choices in MdDither order; both NULL-terminated.
extern const char* const md_output_bits_choices[];
extern const char* const md_output_dither_choices[];

/// A loudness target's numbers (`master.loudness`, an `outputs:` item's
/// `loudness`).  Its `preset` (a name from finish/) is not in this table.
enum { MD_LOUDNESS_TARGET_LUFS, MD_LOUDNESS_TRUE_PEAK_DB, MD_LOUDNESS_N_PARAMS };
extern const MdParam md_loudness_params[MD_LOUDNESS_N_PARAMS];

/// A track's or bus's `output:`: the bus (or `master`) it feeds.
extern const MdParam md_route_param;

/// True for an entry whose value the session writes as text, read by its
/// own reader (a tag, the time signature).  The public kinds have no text:
/// such an entry says MIXDOWN_PARAM_FILE (a string written as it is) and
/// carries MD_PARAM_TEXT.
bool md_param_is_text(const MdParam* p);

#endif
