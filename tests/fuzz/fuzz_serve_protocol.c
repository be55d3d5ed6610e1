// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// libFuzzer harness: arbitrary bytes as a text message a page sends to
// `mixdown serve` (src/serve/protocol.h, the one decoder of them).
// Checked for every input:
//   - a refusal says why, and leaves the request zeroed;
//   - an accepted request's strings are NUL-terminated within their
//     fields, addresses start with `/`, every number is finite and in its
//     range (times 0 … 24 h, a loop's end after its start, a credit at
//     most MD_SERVE_CREDIT_MAX frames);
//   - the encoders turn what was read back into JSON that reads again.

#include "serve/protocol.h"
#include "util/checked_number.h"

#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
terminated(const char* s, size_t size)
{
  return memchr(s, '\0', size) != NULL;
}

static bool
all_zero(const MdServeRequest* r)
{
  static const MdServeRequest zero;
  return !memcmp(r, &zero, sizeof zero);
}

static bool
time_ok(double t)
{
  return isfinite(t) && t >= 0.0 && t <= MD_CHECKED_MAX_TIME_S;
}

static bool
request_ok(const MdServeRequest* r)
{
  if (!terminated(r->address, sizeof r->address) || !terminated(r->gesture, sizeof r->gesture) ||
      !terminated(r->path, sizeof r->path)) {
    return false;
  }
  switch (r->kind) {
  case MD_REQ_SET: return r->address[0] == '/' && isfinite(r->value);
  case MD_REQ_CURVE: return r->address[0] == '/';
  case MD_REQ_END: return r->gesture[0] != '\0';
  case MD_REQ_SAVE_AS: return r->path[0] != '\0';
  case MD_REQ_CREDIT: return r->frames <= MD_SERVE_CREDIT_MAX;
  case MD_REQ_TRANSPORT:
    if (r->action == MD_TRANSPORT_LOCATE) {
      return time_ok(r->position_s);
    }
    return r->action != MD_TRANSPORT_LOOP || !r->loop_on ||
           (time_ok(r->from_s) && time_ok(r->to_s) && r->from_s < r->to_s);
  default: return true;
  }
}

static void
encoders_ok(const MdServeRequest* r)
{
  char* texts[] = {md_serve_value_json(r->address, r->value, 1, r->loop_on), md_serve_error_json(r->path, r->address),
                   md_serve_transport_json(true, r->position_s, r->loop_on, r->from_s, r->to_s)};
  for (size_t k = 0U; k < sizeof texts / sizeof texts[0]; ++k) {
    // JSON that reads again (jansson refuses NaN and Infinity), `type` first.
    json_t* back = texts[k] ? json_loads(texts[k], JSON_REJECT_DUPLICATES, NULL) : NULL;
    if (texts[k] && (!back || strncmp(texts[k], "{\"type\":\"", 9U))) {
      fprintf(stderr, "encoder %zu wrote %s\n", k, texts[k]);
      abort();
    }
    json_decref(back);
    free(texts[k]);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  MdServeRequest r;
  char           why[512];
  why[0]        = '\0';
  const bool ok = md_serve_request_parse((const char*)data, size, &r, why, sizeof why);
  if (!ok && (!why[0] || !all_zero(&r))) {
    fprintf(stderr, "refused without a reason, or half read\n");
    abort();
  }
  if (ok && !request_ok(&r)) {
    fprintf(stderr, "accepted a request out of its bounds (kind %d)\n", (int)r.kind);
    abort();
  }
  if (ok) {
    encoders_ok(&r);
  }
  return 0;
}
