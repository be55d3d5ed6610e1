// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "live/osc_decode.h"

#include <string.h>

#define MAX_BUNDLE_DEPTH 8

// The leading arguments that are numbers, up to `max`; returns how many.
static uint32_t
leading_numbers(lo_message m, double* values, uint32_t max)
{
  const char* types = lo_message_get_types(m);
  lo_arg**    argv  = lo_message_get_argv(m);
  uint32_t    n     = 0U;
  for (; types && types[n] && n < max; ++n) {
    if (types[n] == LO_TRUE || types[n] == LO_FALSE) {
      values[n] = types[n] == LO_TRUE;
    } else if (lo_is_numerical_type((lo_type)types[n])) {
      values[n] = (double)lo_hires_val((lo_type)types[n], argv[n]);
    } else {
      break;
    }
  }
  return n;
}

static uint32_t
read_be32(const unsigned char* p)
{
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t
decode(unsigned char* data, size_t size, MdOscVisit visit, void* user, uint32_t* rejected, int depth)
{
  if (size >= 16U && !memcmp(data, "#bundle", 8U)) {
    // "#bundle\0", a time tag (not honoured: moves apply on arrival), then
    // elements, each after its size.
    uint32_t visited = 0U;
    size_t   at      = 16U;
    while (at + 4U <= size && depth < MAX_BUNDLE_DEPTH) {
      const uint32_t n = read_be32(data + at);
      at += 4U;
      if (n > size - at) {
        ++*rejected; // a size past the end: the rest is not trusted
        break;
      }
      visited += decode(data + at, n, visit, user, rejected, depth + 1);
      at += n;
    }
    return visited;
  }
  const char* path   = size ? lo_get_path(data, (ssize_t)size) : NULL;
  int         result = 0;
  lo_message  m      = path ? lo_message_deserialise(data, size, &result) : NULL;
  if (!m) {
    ++*rejected;
    return 0U;
  }
  double         values[MD_OSC_MAX_VALUES];
  const uint32_t n_values = leading_numbers(m, values, MD_OSC_MAX_VALUES);
  visit(user, path, values, n_values, m);
  lo_message_free(m);
  return 1U;
}

uint32_t
md_osc_decode(void* data, size_t size, MdOscVisit visit, void* user, uint32_t* rejected)
{
  *rejected = 0U;
  return decode(data, size, visit, user, rejected, 0);
}
