// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The tables of session_params.h.  Names, units and ranges are the ones
// the validator's messages have always given ("valid range is 8000 …
// 384000 Hz"): it reads them from here.

#include "session/session_params.h"

#include "session/session.h"

// The session reads these once, when it opens: a live move of one would
// be heard as nothing.
#define SESSION_FLAGS (MD_PARAM_CONSTANT | MD_PARAM_FIXED_WHILE_PLAYING)
#define SESSION_WHY   "it is read when the session opens"

#define SESSION_NUMBER(name, unit, desc, min, max, def)                                           \
  {.info = {name, unit, desc, MIXDOWN_PARAM_NUMBER, min, max, def, NULL}, .flags = SESSION_FLAGS,  \
   .fixed_why = SESSION_WHY}
#define SESSION_CHOICE(name, desc, choices, n, def)                                                \
  {.info = {name, "", desc, MIXDOWN_PARAM_CHOICE, 0.0, (n) - 1.0, def, choices},                   \
   .flags = SESSION_FLAGS, .fixed_why = SESSION_WHY}
#define SESSION_TEXT(name, desc)                                                                   \
  {.info = {name, "", desc, MIXDOWN_PARAM_FILE, 0.0, 1.0, 0.0, NULL},                              \
   .flags = SESSION_FLAGS | MD_PARAM_TEXT, .fixed_why = SESSION_WHY}

const MdParam md_session_params[MD_SESSION_N_PARAMS] = {
  [MD_SESSION_SAMPLE_RATE]    = SESSION_NUMBER("sample_rate", "Hz", "Render rate (a whole number of Hz)", 8000.0,
                                               384000.0, 48000.0),
  [MD_SESSION_TEMPO]          = SESSION_NUMBER("tempo", "BPM", "Tempo, for BAR:BEAT times and note values", 10.0,
                                               999.0, 120.0),
  [MD_SESSION_TIME_SIGNATURE] = SESSION_TEXT("time_signature", "Beats per bar / beat unit, as 4/4 or 6/8 (default 4/4)"),
  [MD_SESSION_LENGTH]         = SESSION_NUMBER("length", "s", "Length of the mix (default auto: to the last clip's end)",
                                               0.001, MD_SESSION_MAX_TIME_S, 0.0),
};

const char* const md_output_bits_choices[]   = {"16", "24", "32", "float", NULL};
const char* const md_output_dither_choices[] = {"tpdf", "shaped", "none", NULL};

const MdParam md_output_params[MD_OUTPUT_N_PARAMS] = {
  [MD_OUTPUT_FILE]    = {.info      = {"file", "", "The file written (its extension names the format)", MIXDOWN_PARAM_FILE,
                                       0.0, 1.0, 0.0, NULL},
                         .flags     = SESSION_FLAGS,
                         .fixed_why = SESSION_WHY},
  [MD_OUTPUT_BITS]    = SESSION_CHOICE("bits", "Sample format", md_output_bits_choices, 4, 1.0),
  [MD_OUTPUT_DITHER]  = SESSION_CHOICE("dither", "Dither to integer formats", md_output_dither_choices, 3, 0.0),
  [MD_OUTPUT_RATE]    = SESSION_NUMBER("rate", "Hz", "Output rate (default: the session's)", 8000.0, 384000.0, 0.0),
  [MD_OUTPUT_QUALITY] = SESSION_NUMBER("quality", "", "Lossy formats: 0 (smallest) … 1 (best)", 0.0, 1.0, 0.0),
  [MD_OUTPUT_TAG + MD_TAG_TITLE]     = SESSION_TEXT("title", "Tag: title"),
  [MD_OUTPUT_TAG + MD_TAG_ARTIST]    = SESSION_TEXT("artist", "Tag: artist"),
  [MD_OUTPUT_TAG + MD_TAG_ALBUM]     = SESSION_TEXT("album", "Tag: album"),
  [MD_OUTPUT_TAG + MD_TAG_DATE]      = SESSION_TEXT("date", "Tag: date"),
  [MD_OUTPUT_TAG + MD_TAG_GENRE]     = SESSION_TEXT("genre", "Tag: genre"),
  [MD_OUTPUT_TAG + MD_TAG_COMMENT]   = SESSION_TEXT("comment", "Tag: comment"),
  [MD_OUTPUT_TAG + MD_TAG_COPYRIGHT] = SESSION_TEXT("copyright", "Tag: copyright"),
  [MD_OUTPUT_TAG + MD_TAG_TRACK]     = SESSION_TEXT("track", "Tag: track number"),
};

const MdParam md_loudness_params[MD_LOUDNESS_N_PARAMS] = {
  [MD_LOUDNESS_TARGET_LUFS]  = SESSION_NUMBER("target_lufs", "LUFS", "Integrated loudness target", -70.0, -5.0, -14.0),
  [MD_LOUDNESS_TRUE_PEAK_DB] = SESSION_NUMBER("true_peak_db", "dBTP", "True-peak ceiling", -20.0, 0.0, -1.0),
};

const MdParam md_route_param = {
  .info      = {"output", "", "The bus this strip feeds (default: master)", MIXDOWN_PARAM_NODE, 0.0, 1.0, 0.0, NULL},
  .flags     = MD_PARAM_FIXED_WHILE_PLAYING,
  .fixed_why = "routing is built when the session opens",
};

bool
md_param_is_text(const MdParam* p)
{
  return (p->flags & MD_PARAM_TEXT) != 0U;
}
