// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Changes to an open session from the command line (`render --solo NAME`,
// `--mute NAME`): by track or bus name, with the nearest name when one is
// mistyped.  Thread: control.

#include "mixdown.h"
#include "session/model.h"
#include "util/suggest.h"

#define MD_MAX_TIME_S 86400.0 // as session.c: 24 hours

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    if (!(x >= 0.0 && x <= MD_MAX_TIME_S)) {
      snprintf(message, message_size, "`%s` is out of range: 0 … %g s", text, MD_MAX_TIME_S);
      return MIXDOWN_ERR_BAD_ARG;
    }
    *seconds = x;
    return MIXDOWN_SUCCESS;
  }
  const unsigned long bar       = strtoul(text, &end, 10);
  const char*         beat_text = end + 1;
  const double        beat      = end != text && *end == ':' ? strtod(beat_text, &end) : 0.0;
  if (end == beat_text || *end || beat == 0.0) {
    snprintf(message, message_size, "`%s` is not a time: seconds (12.5) or BAR:BEAT (\"17:1\", \"17:2.5\")", text);
    return MIXDOWN_ERR_BAD_ARG;
  }
  if (session->tempo_bpm <= 0.0) {
    snprintf(message, message_size, "the musical position `%s` needs a `tempo` in the session", text);
    return MIXDOWN_ERR_BAD_ARG;
  }
  if (bar < 1UL || bar > 1000000UL || beat < 1.0 || beat >= (double)session->beats_per_bar + 1.0) {
    snprintf(message, message_size, "`%s` is out of range: bars count from 1, beats from 1 to %u.999", text,
             session->beats_per_bar);
    return MIXDOWN_ERR_BAD_ARG;
  }
  *seconds = ((double)(bar - 1UL) * session->beats_per_bar + (beat - 1.0)) * 60.0 / session->tempo_bpm;
  return MIXDOWN_SUCCESS;
}
