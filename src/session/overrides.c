// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Changes to an open session from the command line (`render --solo NAME`,
// `--mute NAME`): by track or bus name, with the nearest name when one is
// mistyped.  Thread: control.

#include "mixdown.h"
#include "session/session.h"
#include "util/suggest.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Digits from `p`; their count.
static size_t
digits(const char* p)
{
  size_t n = 0U;
  while (isdigit((unsigned char)p[n])) {
    ++n;
  }
  return n;
}

MdPositionStatus
md_position_parse(const char* text, unsigned beats_per_bar, double* beats)
{
  const size_t n_bar = digits(text);
  if (!n_bar || text[n_bar] != ':') {
    return MD_POSITION_NOT_POSITION;
  }
  const char* beat_text = text + n_bar + 1U;
  size_t      n_beat    = digits(beat_text);
  if (n_beat && beat_text[n_beat] == '.') {
    const size_t n_fraction = digits(beat_text + n_beat + 1U);
    n_beat += n_fraction ? 1U + n_fraction : 0U;
  }
  if (!n_beat || beat_text[n_beat]) {
    return MD_POSITION_NOT_POSITION;
  }
  // Only digits got here: strtoul saturates, strtod gives at most +inf.
  const unsigned long bar  = strtoul(text, NULL, 10);
  const double        beat = strtod(beat_text, NULL);
  if (bar < 1UL || bar > 1000000UL || !(beat >= 1.0 && beat < (double)beats_per_bar + 1.0)) {
    return MD_POSITION_OUT_OF_RANGE;
  }
  *beats = (double)(bar - 1UL) * beats_per_bar + (beat - 1.0);
  return MD_POSITION_OK;
}

MixdownStatus
mixdown_session_set_switch(MixdownSession* session, const char* name, MixdownSwitch which, int on,
                           char* message, size_t message_size)
{
  if (!session || !name) {
    snprintf(message, message_size, "invalid argument");
    return MIXDOWN_ERR_BAD_ARG;
  }
  const size_t n_strips = session->n_nodes ? session->n_nodes - 1U : 0U; // not the master
  for (size_t i = 0U; i < n_strips; ++i) {
    MdNode* node = &session->nodes[i];
    if (strcmp(node->name, name) != 0) {
      continue;
    }
    if (which == MIXDOWN_SWITCH_SOLO) {
      node->solo = on != 0;
    } else {
      free(node->mute.envelope ? node->mute.envelope->points : NULL);
      free(node->mute.envelope);
      node->mute.envelope = NULL;
      node->mute.value    = on ? 1.0 : 0.0;
    }
    return MIXDOWN_SUCCESS;
  }
  const char** names = malloc((n_strips + 1U) * sizeof(char*));
  for (size_t i = 0U; names && i < n_strips; ++i) {
    names[i] = session->nodes[i].name;
  }
  const char* near = names ? md_suggest(name, names, n_strips) : NULL;
  snprintf(message, message_size, "no track or bus is named `%s`%s%s%s", name, near ? "; did you mean `" : "",
           near ? near : "", near ? "`?" : "");
  free(names);
  return MIXDOWN_ERR_BAD_ARG;
}

MixdownStatus
mixdown_session_parse_time(const MixdownSession* session, const char* text, double* seconds, char* message,
                           size_t message_size)
{
  char*        end = NULL;
  const double x   = strtod(text, &end);
  if (end != text && !*end) {
    if (!(x >= 0.0 && x <= MD_SESSION_MAX_TIME_S)) {
      snprintf(message, message_size, "`%s` is out of range: 0 … %g s", text, MD_SESSION_MAX_TIME_S);
      return MIXDOWN_ERR_BAD_ARG;
    }
    *seconds = x;
    return MIXDOWN_SUCCESS;
  }
  double                 beats  = 0.0;
  const MdPositionStatus status = md_position_parse(text, session->beats_per_bar, &beats);
  if (status == MD_POSITION_NOT_POSITION) {
    snprintf(message, message_size, "`%s` is not a time: seconds (12.5) or BAR:BEAT (\"17:1\", \"17:2.5\")", text);
    return MIXDOWN_ERR_BAD_ARG;
  }
  if (session->tempo_bpm <= 0.0) {
    snprintf(message, message_size, "the musical position `%s` needs a `tempo` in the session", text);
    return MIXDOWN_ERR_BAD_ARG;
  }
  const double at = beats * 60.0 / session->tempo_bpm;
  if (status == MD_POSITION_OUT_OF_RANGE || at > MD_SESSION_MAX_TIME_S) {
    snprintf(message, message_size, "`%s` is out of range: bars count from 1, beats from 1 to %u.999, up to %g s", text,
             session->beats_per_bar, MD_SESSION_MAX_TIME_S);
    return MIXDOWN_ERR_BAD_ARG;
  }
  *seconds = at;
  return MIXDOWN_SUCCESS;
}
