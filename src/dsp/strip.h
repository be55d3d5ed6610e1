// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The channel strip every track and bus has — fader, pan (or balance), pan
// law, mute, solo, polarity — and the values of its sends, of clips and
// the keys every insert has (bypass).
// Each value is declared here once, in the same table form as a
// processor's parameters (name, unit, range, default, kind, choices, and
// the flags: whether a session may automate it, whether it may move while
// playing).  The session validator (session/keys.h lists which keys each
// mapping holds), live control, the recorder and `mixdown describe` all
// read these tables.  The pan law's gains are here too, in one place.
//
// Thread: the tables are constant data (any thread); md_pan_*() may run
// on the audio thread (the engine's fader stage).

#ifndef MD_STRIP_H
#define MD_STRIP_H

#include "dsp/processor.h"

/// The strip's values, in the order `mixdown describe strip` lists them.
enum {
  MD_STRIP_GAIN_DB,
  MD_STRIP_PAN,
  MD_STRIP_PAN_LAW,
  MD_STRIP_MUTE,
  MD_STRIP_SOLO,
  MD_STRIP_INVERT,
  MD_STRIP_N_PARAMS
};

/// gain_db, pan: numbers, automatable, live.  pan_law: a choice (one of
/// md_pan_law_choices), fixed while playing.  mute: a switch a session may
/// also give as an envelope of 0 open … 1 muted (what a recorded live mute
/// becomes; values between fade).  solo, invert: switches, live, never
/// automated.
extern const MdParam md_strip_params[MD_STRIP_N_PARAMS];

/// A send's values (`sends:` items), in the order of its keys.
enum { MD_SEND_TO, MD_SEND_LEVEL_DB, MD_SEND_PRE_FADER, MD_SEND_N_PARAMS };
extern const MdParam md_send_params[MD_SEND_N_PARAMS];

/// The keys every insert has besides its type's parameters (`inserts:`
/// items), in the order of their keys: `bypass` passes the input through
/// unprocessed, delayed by the insert's own latency (so latency
/// compensation and alignment do not change); a switch, live, never
/// automated (a take writes its last value: live/record_tree.c).
enum { MD_INSERT_BYPASS, MD_INSERT_N_PARAMS };
extern const MdParam md_insert_params[MD_INSERT_N_PARAMS];

/// A clip's values (`clips:` items), in the order of its keys; all
/// constants.  `start` is a time: seconds, or BAR:BEAT at the tempo.
enum {
  MD_CLIP_FILE,
  MD_CLIP_START_S,
  MD_CLIP_OFFSET_S,
  MD_CLIP_LENGTH_S,
  MD_CLIP_GAIN_DB,
  MD_CLIP_FADE_IN_S,
  MD_CLIP_FADE_OUT_S,
  MD_CLIP_N_PARAMS
};
extern const MdParam md_clip_params[MD_CLIP_N_PARAMS];

/* The pan law ------------------------------------------------------------ */

/// The attenuation of a mono source at the centre.  The enumerators are the
/// indices of `pan_law:`'s choices (md_pan_law_choices).
///
/// -3 dB is the constant-power sine/cosine law; -6 dB is the linear
/// (constant-voltage) law; 0 dB keeps the centre at unity and attenuates only
/// the far side; -4.5 dB is the geometric mean of the -3 and -6 dB laws.
typedef enum {
  MD_PAN_LAW_0_DB,
  MD_PAN_LAW_MINUS_3_DB,
  MD_PAN_LAW_MINUS_4_5_DB,
  MD_PAN_LAW_MINUS_6_DB,
  MD_PAN_LAW_COUNT
} MdPanLaw;

/// The session's names of the laws, by MdPanLaw, NULL-terminated.
extern const char* const md_pan_law_choices[MD_PAN_LAW_COUNT + 1];

/// The default law (the strip table's default): -3 dB.
#define MD_PAN_LAW_DEFAULT MD_PAN_LAW_MINUS_3_DB

/// The law's centre attenuation in dB (0, -3, -4.5, -6).  Any thread.
MD_REALTIME double md_pan_law_centre_db(MdPanLaw law);

/// Left and right gains for a mono source at `pan` (-1…1) under `law`.
MD_REALTIME void md_pan_mono(double pan, MdPanLaw law, double* left, double* right);

/// Left and right gains for a stereo source at balance `pan`: the far
/// channel is attenuated linearly, the near one stays at unity, so the
/// centre is bit-exact.
MD_REALTIME void md_pan_balance(double pan, double* left, double* right);

/// Left and right gains that spread a mono source over a stereo pair so
/// that md_pan_balance() at the same `pan` then gives it exactly
/// md_pan_mono()'s gains: how a mono clip sits on a track that also holds
/// stereo clips (whose pan is a balance), at the level it has on a track
/// of its own.  At the centre both are the law's centre gain.
MD_REALTIME void md_pan_spread(double pan, MdPanLaw law, double* left, double* right);

#endif
