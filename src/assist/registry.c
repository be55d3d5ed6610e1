// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The list of assistants, and the public entry points that read it
// (names, descriptions, option tables) and run one (mixdown_assist()).

#include "assist.h"

#include "util/suggest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Each assistant's file defines its kind; the order is the one `mixdown
// assist` and docs/assistants.md list them in.  NULL ends the list.
const AssistKind* const assist_kinds[] = {
  &assist_duck, // duck

  &assist_level, // level

  &assist_balance, // balance

  &assist_unmask, // unmask

  &assist_match, // match

  NULL,
};
const uint32_t assist_kind_count = sizeof assist_kinds / sizeof assist_kinds[0] - 1U;

uint32_t
mixdown_assistant_count(void)
{
  return assist_kind_count;
}

const char*
mixdown_assistant_name(uint32_t index)
{
  return index < assist_kind_count ? assist_kinds[index]->name : NULL;
}

const char*
mixdown_assistant_description(uint32_t index)
{
  return index < assist_kind_count ? assist_kinds[index]->description : NULL;
}

uint32_t
mixdown_assistant_option_count(uint32_t index)
{
  return index < assist_kind_count ? assist_kinds[index]->n_options : 0U;
}

const MixdownParamInfo*
mixdown_assistant_option(uint32_t index, uint32_t option)
{
  if (index >= assist_kind_count || option >= assist_kinds[index]->n_options) {
    return NULL;
  }
  return &assist_kinds[index]->options[option];
}

const AssistKind*
assist_kind_named(const char* name)
{
  for (uint32_t i = 0; i < assist_kind_count; ++i) {
    if (strcmp(assist_kinds[i]->name, name) == 0) {
      return assist_kinds[i];
    }
  }
  return NULL;
}

const char*
assist_kind_nearest(const char* name)
{
  const char* names[16] = {NULL};
  uint32_t    n = 0;
  for (uint32_t i = 0; i < assist_kind_count && n < 16U; ++i) {
    names[n++] = assist_kinds[i]->name;
  }
  return md_suggest(name, names, n);
}
