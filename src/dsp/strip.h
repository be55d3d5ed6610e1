// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The channel strip every track and bus has: fader, pan (or balance) and
// sends.  Its parameters are declared here, in the same table form as a
// processor's, so the session validator and `describe` read them alike.

#ifndef MD_STRIP_H
#define MD_STRIP_H

#include "dsp/processor.h"

enum {
  MD_STRIP_GAIN_DB,
  MD_STRIP_PAN,
  MD_STRIP_PAN_LAW,
  MD_STRIP_MUTE,
  MD_STRIP_SOLO,
  MD_STRIP_INVERT,
  MD_STRIP_N_PARAMS
};

extern const MdParam md_strip_params[MD_STRIP_N_PARAMS];

/// Parameters of a send, and of a clip's gain.
extern const MdParam md_send_level_param;
extern const MdParam md_clip_gain_param;
/// `mute` given as an envelope rather than a switch (what a recorded live
/// mute becomes): 0 open … 1 muted.
extern const MdParam md_mute_envelope_param;

/// Left and right gains for a mono source at `pan` (-1…1) under a pan law
/// with `centre_db` attenuation at the centre (0, -3, -4.5, -6).
///
/// -3 dB is the constant-power sine/cosine law; -6 dB is the linear
/// (constant-voltage) law; 0 dB keeps the centre at unity and attenuates only
/// the far side; -4.5 dB is the geometric mean of the -3 and -6 dB laws.
void md_pan_mono(double pan, double centre_db, double* left, double* right);

/// Left and right gains for a stereo source at balance `pan`: the far
/// channel is attenuated linearly, the near one stays at unity, so the
/// centre is bit-exact.
void md_pan_balance(double pan, double* left, double* right);

/// Left and right gains that spread a mono source over a stereo pair so
/// that md_pan_balance() at the same `pan` then gives it exactly
/// md_pan_mono()'s gains: how a mono clip sits on a track that also holds
/// stereo clips (whose pan is a balance), at the level it has on a track
/// of its own.  At the centre both are the law's centre gain.
void md_pan_spread(double pan, double centre_db, double* left, double* right);

#endif
