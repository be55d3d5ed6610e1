// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Everything an assistant writes goes through the editor here, and is
// listed in its report: so the session differs from its input only in the
// values the report names.

#include "assist.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
record(AssistContext* ctx, const char* what, const char* address, const char* value)
{
  json_t* writes = json_object_get(ctx->report, "writes");
  json_t* item   = json_pack("{s:s, s:s, s:s}", "edit", what, "address", address, "value", value ? value : "");
  if (writes && item) {
    json_array_append_new(writes, item);
  } else {
    json_decref(item);
  }
  // Long values (envelopes) are shortened in the text; the JSON has them whole.
  const size_t len = value ? strlen(value) : 0U;
  if (len > 96U) {
    assist_say(ctx, "  %s %s = %.80s… (%zu characters)", what, address, value, len);
  } else {
    assist_say(ctx, "  %s %s%s%s", what, address, value ? " = " : "", value ? value : "");
  }
}

static MixdownStatus
refused(AssistContext* ctx, MixdownStatus st, const char* address)
{
  return assist_fail(ctx, st, "the editor refused a value at %s (%s)", address, mixdown_strerror(st));
}

MixdownStatus
assist_set(AssistContext* ctx, const char* address, const char* yaml_value)
{
  const MixdownStatus st = mixdown_editor_set(ctx->editor, address, yaml_value);
  if (st != MIXDOWN_SUCCESS) {
    return refused(ctx, st, address);
  }
  record(ctx, "set", address, yaml_value);
  return MIXDOWN_SUCCESS;
}

MixdownStatus
assist_set_number(AssistContext* ctx, const char* address, double value, int digits)
{
  char text[64];
  snprintf(text, sizeof text, "%.*f", digits, value);
  // "-0.0" reads as a negative zero: write 0
  if (strtod(text, NULL) == 0.0) {
    snprintf(text, sizeof text, "0");
  }
  return assist_set(ctx, address, text);
}

MixdownStatus
assist_append(AssistContext* ctx, const char* list_address, const char* yaml_item)
{
  const MixdownStatus st = mixdown_editor_append(ctx->editor, list_address, yaml_item);
  if (st != MIXDOWN_SUCCESS) {
    return refused(ctx, st, list_address);
  }
  record(ctx, "append", list_address, yaml_item);
  return MIXDOWN_SUCCESS;
}

MixdownStatus
assist_remove(AssistContext* ctx, const char* list_address, uint32_t item)
{
  char which[16];
  snprintf(which, sizeof which, "%u", item);
  const MixdownStatus st = mixdown_editor_remove(ctx->editor, list_address, which);
  if (st != MIXDOWN_SUCCESS) {
    return refused(ctx, st, list_address);
  }
  record(ctx, "remove", list_address, which);
  return MIXDOWN_SUCCESS;
}

// A number in the fewest characters at `digits` decimals ("-12", "0.25").
static int
put_number(char* out, size_t size, double value, int digits)
{
  char text[64];
  snprintf(text, sizeof text, "%.*f", digits, value);
  if (strchr(text, '.')) {
    char* end = text + strlen(text) - 1;
    while (*end == '0') {
      *end-- = '\0';
    }
    if (*end == '.') {
      *end = '\0';
    }
  }
  if (strcmp(text, "-0") == 0) {
    snprintf(text, sizeof text, "0");
  }
  return snprintf(out, size, "%s", text);
}

char*
assist_envelope_yaml(const AssistPoint* points, size_t n, int time_digits, int value_digits)
{
  // Each number is at most 64 characters here (put_number writes into a
  // 64-byte buffer and reports what it wrote); the text grows as needed.
  char*  out  = NULL;
  size_t size = 0;
  FILE*  f    = open_memstream(&out, &size);
  if (!f) {
    return NULL;
  }
  fputs("{points: [", f);
  for (size_t i = 0; i < n; ++i) {
    char t[64], v[64];
    put_number(t, sizeof t, points[i].time_s, time_digits);
    put_number(v, sizeof v, points[i].value, value_digits);
    fprintf(f, "%s[%s, %s]", i ? ", " : "", t, v);
  }
  fputs("], curve: linear}", f);
  if (fclose(f) != 0) {
    free(out);
    return NULL;
  }
  return out;
}

json_t*
assist_inserts(AssistContext* ctx, const char* strip_address)
{
  char* address = malloc(strlen(strip_address) + sizeof "/inserts");
  if (!address) {
    return NULL;
  }
  sprintf(address, "%s/inserts", strip_address);
  char*       text = NULL;
  const char* unit = NULL;
  json_t*     list = NULL;
  if (mixdown_editor_get_json(ctx->editor, address, &text, &unit) == MIXDOWN_SUCCESS) {
    list = json_loads(text, JSON_DECODE_ANY, NULL);
  }
  free(text);
  free(address);
  if (list && !json_is_array(list)) {
    json_decref(list);
    list = json_array();
  }
  return list ? list : json_array();
}

uint32_t
assist_own_insert(AssistContext* ctx, const char* strip_address, const char* type, const char* enveloped)
{
  json_t*      list = assist_inserts(ctx, strip_address);
  const size_t n    = list ? json_array_size(list) : 0U;
  uint32_t     own  = 0;
  if (n) {
    json_t*     last = json_array_get(list, n - 1U);
    const char* t    = json_string_value(json_object_get(last, "type"));
    if (t && strcmp(t, type) == 0) {
      own = (uint32_t)n;
      if (enveloped && !json_is_object(json_object_get(last, enveloped))) {
        own = 0; // a constant: the user's own insert, not an assistant's envelope
      }
    }
  }
  json_decref(list);
  return own;
}
