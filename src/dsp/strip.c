// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "dsp/strip.h"

#include <math.h>

static const char* const pan_law_choices[] = {"0", "-3", "-4.5", "-6", NULL};

const MdParam md_strip_params[MD_STRIP_N_PARAMS] = {
  [MD_STRIP_GAIN_DB] = MD_NUMBER("gain_db", "dB", "Fader level (-144 dB is silence)", -144.0, 24.0, 0.0, 0.0f),
  [MD_STRIP_PAN]     = MD_NUMBER("pan", "", "Pan (mono source) or balance (stereo): -1 left … +1 right",
                                 -1.0, 1.0, 0.0, 0.0f),
  [MD_STRIP_PAN_LAW] = MD_CHOICE("pan_law", "dB", "Centre attenuation of the pan law", pan_law_choices, 4, 1.0),
  [MD_STRIP_MUTE]    = MD_BOOL("mute", "Silence the channel and its sends", 0.0),
  [MD_STRIP_SOLO]    = MD_BOOL("solo", "Solo in place", 0.0),
  [MD_STRIP_INVERT]  = MD_BOOL("invert", "Invert polarity", 0.0),
};

const MdParam md_send_level_param = MD_NUMBER("level_db", "dB", "Send level", -144.0, 24.0, 0.0, 0.0f);

const MdParam md_mute_envelope_param =
  MD_NUMBER("mute", "", "Mute as an envelope: 0 open … 1 muted (values between fade)", 0.0, 1.0, 0.0, 0.0f);
const MdParam md_clip_gain_param = MD_NUMBER("gain_db", "dB", "Clip gain", -144.0, 24.0, 0.0, 0.0f);

void
md_pan_mono(double pan, double centre_db, double* left, double* right)
{
  const double position = (pan + 1.0) * 0.5; // 0 left … 1 right
  // Every law is g = law(position), normalised so that the centre sits at
  // centre_db: constant power (sin/cos) for -3, linear for -6, and their
  // geometric mean for -4.5.  0 dB: the power law scaled by +3 dB, capped at
  // unity, so the near side stays at 0 dB.
  const double l_power = cos(position * M_PI_2);
  const double r_power = sin(position * M_PI_2);
  if (centre_db <= -5.9) {
    *left  = 1.0 - position;
    *right = position;
  } else if (centre_db <= -4.4) {
    *left  = sqrt(l_power * (1.0 - position));
    *right = sqrt(r_power * position);
  } else if (centre_db <= -2.9) {
    *left  = l_power;
    *right = r_power;
  } else {
    *left  = fmin(1.0, l_power * M_SQRT2);
    *right = fmin(1.0, r_power * M_SQRT2);
  }
}

void
md_pan_balance(double pan, double* left, double* right)
{
  *left  = pan > 0.0 ? 1.0 - pan : 1.0;
  *right = pan < 0.0 ? 1.0 + pan : 1.0;
}

void
md_pan_spread(double pan, double centre_db, double* left, double* right)
{
  // The balance leaves the near side at unity, so there the spread is the
  // law's own gain.  It turns the far side down to u = 1 - |pan|, so there
  // the spread is law / u.  Every law's far gain is a function of u alone:
  // sin(π/4 · u) for the power law, u / 2 for the linear one, the square
  // root of their product for -4.5, √2 · sin(π/4 · u) for 0 dB.  Divided by
  // u they are finite at u → 0 (hard pan, where the balance mutes that side
  // anyway), written with q = sin(π/4 · u) / u, which tends to π/4.
  md_pan_mono(pan, centre_db, left, right);
  if (pan == 0.0) {
    return; // balance is unity on both sides
  }
  const double u = 1.0 - fabs(pan);
  const double q = u > 0.0 ? sin(M_PI_4 * u) / u : M_PI_4;
  double       far;
  if (centre_db <= -5.9) {
    far = 0.5;
  } else if (centre_db <= -4.4) {
    far = sqrt(0.5 * q);
  } else if (centre_db <= -2.9) {
    far = q;
  } else {
    far = M_SQRT2 * q; // sqrt(2) · sin(π/4 · u) never reaches the 0 dB law's cap of 1 when u < 1
  }
  if (pan > 0.0) {
    *left = far;
  } else {
    *right = far;
  }
}
