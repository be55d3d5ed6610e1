// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The session's strips by name, with their editing addresses and their
// stem numbers (tracks, then buses: the engine's stem order).

#include "assist.h"

#include "session/model.h"
#include "util/suggest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// "/track/NAME" with `/` and `%` written %2F and %25 (as addresses want).
static char*
address_of(const char* prefix, const char* name)
{
  size_t n = strlen(prefix) + 2U;
  for (const char* p = name; *p; ++p) {
    n += (*p == '/' || *p == '%') ? 3U : 1U;
  }
  char* out = malloc(n);
  if (!out) {
    return NULL;
  }
  char* w = out + sprintf(out, "%s/", prefix);
  for (const char* p = name; *p; ++p) {
    w += *p == '/' ? sprintf(w, "%%2F") : *p == '%' ? sprintf(w, "%%25") : sprintf(w, "%c", *p);
  }
  return out;
}

static bool
fill(const MixdownSession* s, size_t node, AssistStrip* strip)
{
  const MdNode* n = &s->nodes[node];
  memset(strip, 0, sizeof *strip);
  strip->kind = n->kind == MD_NODE_TRACK ? ASSIST_TRACK : n->kind == MD_NODE_BUS ? ASSIST_BUS : ASSIST_MASTER;
  strip->name = strdup(n->kind == MD_NODE_MASTER ? "master" : n->name);
  strip->address = n->kind == MD_NODE_MASTER ? strdup("/master")
                                             : address_of(n->kind == MD_NODE_TRACK ? "/track" : "/bus", n->name);
  strip->stem = n->kind == MD_NODE_MASTER ? UINT32_MAX : (uint32_t)node;
  if (!strip->name || !strip->address) {
    assist_strip_free(strip);
    return false;
  }
  return true;
}

bool
assist_find_strip(AssistContext* ctx, const char* option, const char* name, AssistStrip* strip)
{
  const MixdownSession* s = mixdown_editor_session(ctx->editor);
  memset(strip, 0, sizeof *strip);
  const char* names[512];
  size_t      n_names = 0;
  for (size_t i = 0; i < s->n_nodes; ++i) {
    const MdNode* n = &s->nodes[i];
    if (n->kind != MD_NODE_MASTER && strcmp(n->name, name) == 0) {
      if (!fill(s, i, strip)) {
        assist_fail(ctx, MIXDOWN_ERR_NO_MEM, "out of memory");
        return false;
      }
      return true;
    }
    if (n_names < 512U) {
      names[n_names++] = n->kind == MD_NODE_MASTER ? "master" : n->name;
    }
  }
  if (strcmp(name, "master") == 0) {
    if (!fill(s, s->n_nodes - 1U, strip)) {
      assist_fail(ctx, MIXDOWN_ERR_NO_MEM, "out of memory");
      return false;
    }
    return true;
  }
  const char* near = md_suggest(name, names, n_names);
  assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--%s %s: no track or bus of that name%s%s%s", option, name,
              near ? "; did you mean " : "", near ? near : "", near ? "?" : "");
  return false;
}

void
assist_strip_free(AssistStrip* strip)
{
  free(strip->name);
  free(strip->address);
  strip->name    = NULL;
  strip->address = NULL;
}

size_t
assist_all_strips(AssistContext* ctx, AssistStrip** strips)
{
  const MixdownSession* s = mixdown_editor_session(ctx->editor);
  const size_t          n = s->n_nodes - 1U; // all but the master
  *strips                 = calloc(n ? n : 1U, sizeof **strips);
  if (!*strips) {
    return 0;
  }
  for (size_t i = 0; i < n; ++i) {
    if (!fill(s, i, &(*strips)[i])) {
      assist_strips_free(*strips, i);
      *strips = NULL;
      return 0;
    }
  }
  return n;
}

void
assist_strips_free(AssistStrip* strips, size_t n)
{
  for (size_t i = 0; strips && i < n; ++i) {
    assist_strip_free(&strips[i]);
  }
  free(strips);
}

// Depth-first over outputs and sends; the routing has no cycles (the
// validator refuses them), so the walk ends.
static bool
reaches(const MixdownSession* s, size_t from, size_t to, unsigned depth)
{
  if (from == to) {
    return true;
  }
  if (from >= s->n_nodes || depth > s->n_nodes) {
    return false;
  }
  const MdNode* n = &s->nodes[from];
  if (n->output != MD_NO_NODE && reaches(s, n->output, to, depth + 1U)) {
    return true;
  }
  for (size_t i = 0; i < n->n_sends; ++i) {
    if (reaches(s, n->sends[i].target, to, depth + 1U)) {
      return true;
    }
  }
  return false;
}

bool
assist_strip_feeds(AssistContext* ctx, const AssistStrip* from, const AssistStrip* to)
{
  const MixdownSession* s = mixdown_editor_session(ctx->editor);
  if (from->stem == UINT32_MAX || to->stem == UINT32_MAX) {
    return to->stem == UINT32_MAX; // everything reaches the master; the master reaches nothing
  }
  return reaches(s, from->stem, to->stem, 0U);
}
