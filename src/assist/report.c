// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// An assistant's report: lines of text for people, one JSON object for
// programs (`mixdown assist … --json`).

#include "assist.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
assist_say(AssistContext* ctx, const char* fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char      line[1024];
  const int n = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (n < 0) {
    return;
  }
  const size_t len  = strlen(line);
  char*        grow = realloc(ctx->text, ctx->text_length + len + 2U);
  if (!grow) {
    return; // the report is shorter; the values written stand
  }
  ctx->text = grow;
  memcpy(ctx->text + ctx->text_length, line, len);
  ctx->text_length += len;
  ctx->text[ctx->text_length++] = '\n';
  ctx->text[ctx->text_length]   = '\0';
}

void
assist_report_set(AssistContext* ctx, const char* key, json_t* value)
{
  if (value) {
    json_object_set_new(ctx->report, key, value);
  }
}

json_t*
assist_json_number(double value, int digits)
{
  if (!isfinite(value)) {
    return json_null();
  }
  const double scale = pow(10.0, digits);
  const double r     = round(value * scale) / scale;
  return json_real(r == 0.0 ? 0.0 : r); // no -0
}
