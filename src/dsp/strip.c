// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "dsp/strip.h"

#include "util/checked_number.h"

#include <math.h>

const char* const md_pan_law_choices[MD_PAN_LAW_COUNT + 1] = {
  [MD_PAN_LAW_0_DB] = "0", [MD_PAN_LAW_MINUS_3_DB] = "-3", [MD_PAN_LAW_MINUS_4_5_DB] = "-4.5",
  [MD_PAN_LAW_MINUS_6_DB] = "-6", [MD_PAN_LAW_COUNT] = NULL};

const MdParam md_strip_params[MD_STRIP_N_PARAMS] = {
  [MD_STRIP_GAIN_DB] = MD_NUMBER("gain_db", "dB", "Fader level (-144 dB is silence)", -144.0, 24.0, 0.0, 0.0f),
  [MD_STRIP_PAN]     = MD_NUMBER("pan", "", "Pan (mono source) or balance (stereo): -1 left … +1 right",
                                 -1.0, 1.0, 0.0, 0.0f),
  [MD_STRIP_PAN_LAW] = MD_FIXED_CHOICE("pan_law", "dB", "Centre attenuation of the pan law", md_pan_law_choices,
                                       MD_PAN_LAW_COUNT, MD_PAN_LAW_DEFAULT, NULL),
  // A switch that a session may also give as an envelope (0 … 1).
  [MD_STRIP_MUTE]    = {.info  = {"mute", "", "Silence the channel and its sends", MIXDOWN_PARAM_BOOL, 0.0, 1.0, 0.0, NULL},
                        .flags = MD_PARAM_SWITCH_ENVELOPE},
  [MD_STRIP_SOLO]    = MD_BOOL("solo", "Solo in place", 0.0),
  [MD_STRIP_INVERT]  = MD_BOOL("invert", "Invert polarity", 0.0),
};

const MdParam md_send_params[MD_SEND_N_PARAMS] = {
  [MD_SEND_TO]        = MD_NODE("to", "The bus the send feeds"),
  [MD_SEND_LEVEL_DB]  = MD_NUMBER("level_db", "dB", "Send level", -144.0, 24.0, 0.0, 0.0f),
  [MD_SEND_PRE_FADER] = MD_FIXED_BOOL("pre_fader", "Send before the fader (and pan)", 0.0, NULL),
};

const MdParam md_insert_params[MD_INSERT_N_PARAMS] = {
  [MD_INSERT_BYPASS] = MD_BOOL("bypass", "Pass the input through unprocessed, delayed by the insert's latency", 0.0),
};

// Clips are constants: a session gives each one number, never an envelope.
#define MD_CLIP_NUMBER(name, unit, desc, min, max)                                                 \
  {.info = {name, unit, desc, MIXDOWN_PARAM_NUMBER, min, max, 0.0, NULL}, .flags = MD_PARAM_CONSTANT}

const MdParam md_clip_params[MD_CLIP_N_PARAMS] = {
  [MD_CLIP_FILE]       = MD_FILE("file", "The source: a mono or stereo audio file"),
  [MD_CLIP_START_S]    = MD_CLIP_NUMBER("start", "s", "Where the clip starts on the timeline (or BAR:BEAT)", 0.0,
                                        MD_CHECKED_MAX_TIME_S),
  [MD_CLIP_OFFSET_S]   = MD_CLIP_NUMBER("offset", "s", "Where in the source the clip starts", 0.0, 1e9),
  [MD_CLIP_LENGTH_S]   = MD_CLIP_NUMBER("length", "s", "Clip length (default: the rest of the source)", 0.0,
                                        MD_CHECKED_MAX_TIME_S),
  [MD_CLIP_GAIN_DB]    = MD_CLIP_NUMBER("gain_db", "dB", "Clip gain", -144.0, 24.0),
  [MD_CLIP_FADE_IN_S]  = MD_CLIP_NUMBER("fade_in", "s", "Fade-in length", 0.0, 3600.0),
  [MD_CLIP_FADE_OUT_S] = MD_CLIP_NUMBER("fade_out", "s", "Fade-out length", 0.0, 3600.0),
};

double
md_pan_law_centre_db(MdPanLaw law)
{
  switch (law) {
  case MD_PAN_LAW_0_DB: return 0.0;
  case MD_PAN_LAW_MINUS_3_DB: return -3.0;
  case MD_PAN_LAW_MINUS_4_5_DB: return -4.5;
  case MD_PAN_LAW_MINUS_6_DB: return -6.0;
  case MD_PAN_LAW_COUNT: break;
  }
  return -3.0;
}

void
md_pan_mono(double pan, MdPanLaw law, double* left, double* right)
{
  const double position = (pan + 1.0) * 0.5; // 0 left … 1 right
  // Every law is g = law(position), normalised so that the centre sits at
  // its centre attenuation: constant power (sin/cos) for -3, linear for -6,
  // and their geometric mean for -4.5.  0 dB: the power law scaled by
  // +3 dB, capped at unity, so the near side stays at 0 dB.
  const double l_power = cos(position * M_PI_2);
  const double r_power = sin(position * M_PI_2);
  switch (law) {
  case MD_PAN_LAW_MINUS_6_DB:
    *left  = 1.0 - position;
    *right = position;
    break;
  case MD_PAN_LAW_MINUS_4_5_DB:
    *left  = sqrt(l_power * (1.0 - position));
    *right = sqrt(r_power * position);
    break;
  case MD_PAN_LAW_MINUS_3_DB:
  case MD_PAN_LAW_COUNT: // not a law: the default's
    *left  = l_power;
    *right = r_power;
    break;
  case MD_PAN_LAW_0_DB:
    *left  = fmin(1.0, l_power * M_SQRT2);
    *right = fmin(1.0, r_power * M_SQRT2);
    break;
  }
}

void
md_pan_balance(double pan, double* left, double* right)
{
  *left  = pan > 0.0 ? 1.0 - pan : 1.0;
  *right = pan < 0.0 ? 1.0 + pan : 1.0;
}

// The spread's far gain, law / u, written with q = sin(π/4 · u) / u (see
// md_pan_spread()).
static double
spread_far_gain(MdPanLaw law, double q)
{
  switch (law) {
  case MD_PAN_LAW_MINUS_6_DB: return 0.5;
  case MD_PAN_LAW_MINUS_4_5_DB: return sqrt(0.5 * q);
  case MD_PAN_LAW_MINUS_3_DB:
  case MD_PAN_LAW_COUNT: return q;
  case MD_PAN_LAW_0_DB: break;
  }
  return M_SQRT2 * q; // sqrt(2) · sin(π/4 · u) never reaches the 0 dB law's cap of 1 when u < 1
}

void
md_pan_spread(double pan, MdPanLaw law, double* left, double* right)
{
  // The balance leaves the near side at unity, so there the spread is the
  // law's own gain.  It turns the far side down to u = 1 - |pan|, so there
  // the spread is law / u.  Every law's far gain is a function of u alone:
  // sin(π/4 · u) for the power law, u / 2 for the linear one, the square
  // root of their product for -4.5, √2 · sin(π/4 · u) for 0 dB.  Divided by
  // u they are finite at u → 0 (hard pan, where the balance mutes that side
  // anyway), written with q = sin(π/4 · u) / u, which tends to π/4.
  md_pan_mono(pan, law, left, right);
  if (pan == 0.0) {
    return; // balance is unity on both sides
  }
  const double u   = 1.0 - fabs(pan);
  const double q   = u > 0.0 ? sin(M_PI_4 * u) / u : M_PI_4;
  const double far = spread_far_gain(law, q);
  if (pan > 0.0) {
    *left = far;
  } else {
    *right = far;
  }
}
