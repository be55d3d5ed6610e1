// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// An assistant's options, read against its table: numbers in their range
// (a unit written after the number, `12dB`, `60%`, is allowed when it is
// the option's), switches, choices, names and files; unknown names get the
// nearest one.

#include "assist_args.h"

#include "util/suggest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int
option_index(const AssistKind* kind, const char* name)
{
  for (uint32_t i = 0; i < kind->n_options; ++i) {
    if (strcmp(kind->options[i].name, name) == 0) {
      return (int)i;
    }
  }
  return -1;
}

static const char*
nearest_option(const AssistKind* kind, const char* name)
{
  const char* names[64];
  uint32_t    n = 0;
  for (uint32_t i = 0; i < kind->n_options && n < 64U; ++i) {
    names[n++] = kind->options[i].name;
  }
  return md_suggest(name, names, n);
}

// The number of `text`, with the option's unit allowed after it.
static bool
read_number(const MixdownParamInfo* info, const char* text, double* out)
{
  char*        end = NULL;
  const double x   = strtod(text, &end);
  if (end == text || !isfinite(x)) {
    return false;
  }
  while (*end == ' ') {
    ++end;
  }
  if (*end && !(info->unit[0] && strcasecmp(end, info->unit) == 0)) {
    return false;
  }
  *out = x;
  return true;
}

static bool
read_switch(const char* text, double* out)
{
  static const char* const on[]  = {"true", "yes", "on", "1"};
  static const char* const off[] = {"false", "no", "off", "0"};
  for (size_t i = 0; i < 4; ++i) {
    if (strcasecmp(text, on[i]) == 0) {
      *out = 1.0;
      return true;
    }
    if (strcasecmp(text, off[i]) == 0) {
      *out = 0.0;
      return true;
    }
  }
  return false;
}

static bool
read_choice(const MixdownParamInfo* info, const char* text, double* out)
{
  for (uint32_t i = 0; info->choices && info->choices[i]; ++i) {
    if (strcmp(info->choices[i], text) == 0) {
      *out = (double)i;
      return true;
    }
  }
  return false;
}

static MixdownStatus
bad_value(AssistContext* ctx, const MixdownParamInfo* info, const char* text)
{
  switch (info->kind) {
  case MIXDOWN_PARAM_NUMBER:
    return assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--%s %s: not a number from %g to %g%s%s", info->name, text,
                       info->min, info->max, info->unit[0] ? " " : "", info->unit);
  case MIXDOWN_PARAM_BOOL:
    return assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--%s %s: a switch is true or false", info->name, text);
  default: {
    char   list[256] = "";
    size_t used      = 0;
    for (uint32_t i = 0; info->choices && info->choices[i] && used < sizeof list; ++i) {
      int n = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", info->choices[i]);
      used += n > 0 ? (size_t)n : 0U;
    }
    size_t n_choices = 0;
    while (info->choices && info->choices[n_choices]) {
      ++n_choices;
    }
    const char* near = n_choices ? md_suggest(text, info->choices, n_choices) : NULL;
    return assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--%s %s: not one of %s%s%s%s", info->name, text, list,
                       near ? " (did you mean " : "", near ? near : "", near ? "?)" : "");
  }
  }
}

static MixdownStatus
read_value(AssistContext* ctx, const MixdownParamInfo* info, const char* text, AssistValue* v)
{
  v->given = true;
  v->text  = text;
  switch (info->kind) {
  case MIXDOWN_PARAM_NUMBER:
    if (!text || !read_number(info, text, &v->number) || v->number < info->min || v->number > info->max) {
      return bad_value(ctx, info, text ? text : "");
    }
    return MIXDOWN_SUCCESS;
  case MIXDOWN_PARAM_BOOL:
    if (!text) {
      v->number = 1.0;
      return MIXDOWN_SUCCESS;
    }
    return read_switch(text, &v->number) ? MIXDOWN_SUCCESS : bad_value(ctx, info, text);
  case MIXDOWN_PARAM_CHOICE:
    return text && read_choice(info, text, &v->number) ? MIXDOWN_SUCCESS : bad_value(ctx, info, text ? text : "");
  default: // names, files and text are read by the assistant
    if (!text || !text[0]) {
      return assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--%s needs a value", info->name);
    }
    return MIXDOWN_SUCCESS;
  }
}

MixdownStatus
assist_read_args(AssistContext* ctx, const MixdownAssistArg* args, uint32_t n_args)
{
  const AssistKind* kind = ctx->kind;
  for (uint32_t i = 0; i < kind->n_options; ++i) {
    ctx->values[i].number = kind->options[i].default_value;
  }
  for (uint32_t a = 0; a < n_args; ++a) {
    const char* name = args[a].name ? args[a].name : "";
    const int   i    = option_index(kind, name);
    if (i < 0) {
      const char* near = nearest_option(kind, name);
      return assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "no option --%s%s%s%s (mixdown assist %s --help lists them)", name,
                         near ? "; did you mean --" : "", near ? near : "", near ? "?" : "", kind->name);
    }
    if (ctx->values[i].given) {
      return assist_fail(ctx, MIXDOWN_ERR_BAD_ARG, "--%s given twice", name);
    }
    const MixdownStatus st = read_value(ctx, &kind->options[i], args[a].value, &ctx->values[i]);
    if (st != MIXDOWN_SUCCESS) {
      return st;
    }
  }
  return MIXDOWN_SUCCESS;
}

static const AssistValue*
value_of(const AssistContext* ctx, const char* name)
{
  const int i = option_index(ctx->kind, name);
  if (i < 0) {
    fprintf(stderr, "assist %s: no option %s in its table\n", ctx->kind->name, name);
    abort(); // a programming error: the assistant reads an option it did not declare
  }
  return &ctx->values[i];
}

double
assist_number(const AssistContext* ctx, const char* name)
{
  return value_of(ctx, name)->number;
}

bool
assist_flag(const AssistContext* ctx, const char* name)
{
  return value_of(ctx, name)->number != 0.0;
}

const char*
assist_text(const AssistContext* ctx, const char* name)
{
  return value_of(ctx, name)->text;
}

bool
assist_given(const AssistContext* ctx, const char* name)
{
  return value_of(ctx, name)->given;
}

size_t
assist_split_list(const char* text, char*** items)
{
  *items = NULL;
  if (!text || !text[0]) {
    return 0;
  }
  size_t n = 1;
  for (const char* p = text; *p; ++p) {
    n += *p == ',';
  }
  char** out = calloc(n, sizeof *out);
  if (!out) {
    return 0;
  }
  size_t      count = 0;
  const char* start = text;
  for (const char* p = text;; ++p) {
    if (*p == ',' || !*p) {
      const size_t len = (size_t)(p - start);
      if (len) {
        out[count] = strndup(start, len);
        if (!out[count]) {
          assist_free_list(out, count);
          return 0;
        }
        ++count;
      }
      if (!*p) {
        break;
      }
      start = p + 1;
    }
  }
  *items = out;
  return count;
}

void
assist_free_list(char** items, size_t n)
{
  for (size_t i = 0; i < n; ++i) {
    free(items[i]);
  }
  free(items);
}
