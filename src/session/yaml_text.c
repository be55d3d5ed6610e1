// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The text of a session checked before libyaml reads it: see yaml_text.h.

#include "session/yaml_text.h"

#include <stdint.h>
#include <stdio.h>

static bool
is_printable(uint32_t c)
{
  return c == 0x09U || c == 0x0AU || c == 0x0DU || (c >= 0x20U && c <= 0x7EU) || c == 0x85U ||
         (c >= 0xA0U && c <= 0xD7FFU) || (c >= 0xE000U && c <= 0xFFFDU) || (c >= 0x10000U && c <= 0x10FFFFU);
}

// Moves `at` past character `c`; `next` is the character after it (a
// \r\n pair breaks the line once, at the \n).
static void
advance(MdTextPlace* at, uint32_t c, uint32_t next)
{
  if (c == '\n' || (c == '\r' && next != '\n') || c == 0x85U || c == 0x2028U || c == 0x2029U) {
    ++at->line;
    at->column = 1U;
  } else if (c != '\r') {
    ++at->column;
  }
}

// One UTF-8 character at `p` (`left` bytes): its value and length, or a
// length of 0 when the bytes are not UTF-8 (overlong forms and surrogates
// included).
static size_t
utf8_decode(const unsigned char* p, size_t left, uint32_t* value)
{
  const unsigned char b = p[0];
  size_t              n = b < 0x80U ? 1U : (b & 0xE0U) == 0xC0U ? 2U : (b & 0xF0U) == 0xE0U ? 3U : (b & 0xF8U) == 0xF0U ? 4U : 0U;
  if (!n || n > left) {
    return 0U;
  }
  uint32_t c = n == 1U ? b : n == 2U ? b & 0x1FU : n == 3U ? b & 0x0FU : b & 0x07U;
  for (size_t i = 1U; i < n; ++i) {
    if ((p[i] & 0xC0U) != 0x80U) {
      return 0U;
    }
    c = (c << 6) | (p[i] & 0x3FU);
  }
  static const uint32_t smallest[5] = {0U, 0U, 0x80U, 0x800U, 0x10000U};
  if (c < smallest[n] || c > 0x10FFFFU || (c >= 0xD800U && c <= 0xDFFFU)) {
    return 0U;
  }
  *value = c;
  return n;
}

// One UTF-16 character (`big`-endian or little) at `p`: its length in
// bytes, or 0 for an unpaired surrogate or an odd byte at the end.
static size_t
utf16_decode(const unsigned char* p, size_t left, bool big, uint32_t* value)
{
  if (left < 2U) {
    return 0U;
  }
  const uint32_t u = big ? (uint32_t)(p[0] << 8 | p[1]) : (uint32_t)(p[1] << 8 | p[0]);
  if (u < 0xD800U || u > 0xDFFFU) {
    *value = u;
    return 2U;
  }
  if (u > 0xDBFFU || left < 4U) {
    return 0U;
  }
  const uint32_t low = big ? (uint32_t)(p[2] << 8 | p[3]) : (uint32_t)(p[3] << 8 | p[2]);
  if (low < 0xDC00U || low > 0xDFFFU) {
    return 0U;
  }
  *value = 0x10000U + ((u - 0xD800U) << 10) + (low - 0xDC00U);
  return 4U;
}

typedef enum { MD_TEXT_UTF8, MD_TEXT_UTF16LE, MD_TEXT_UTF16BE } MdTextEncoding;

static size_t
decode(MdTextEncoding encoding, const unsigned char* p, size_t left, uint32_t* value)
{
  return encoding == MD_TEXT_UTF8 ? utf8_decode(p, left, value) : utf16_decode(p, left, encoding == MD_TEXT_UTF16BE, value);
}

// Checks that the text is UTF-8 (or UTF-16 with its byte-order mark, which
// libyaml reads too) of printable characters; otherwise writes the problem
// and its place.
bool
md_yaml_check_text(const char* text, size_t length, char* error, size_t error_size, MdTextPlace* place)
{
  const unsigned char* p   = (const unsigned char*)text;
  const unsigned char* end = p + length;
  *place                   = (MdTextPlace){1U, 1U};
  if (length >= 4U && ((p[0] == 0xFFU && p[1] == 0xFEU && !p[2] && !p[3]) ||
                       (!p[0] && !p[1] && p[2] == 0xFEU && p[3] == 0xFFU))) {
    snprintf(error, error_size, "the session is UTF-32 text; mixdown reads UTF-8 (and UTF-16): save it as UTF-8");
    return false;
  }
  MdTextEncoding encoding = MD_TEXT_UTF8;
  if (length >= 2U && ((p[0] == 0xFFU && p[1] == 0xFEU) || (p[0] == 0xFEU && p[1] == 0xFFU))) {
    encoding = p[0] == 0xFFU ? MD_TEXT_UTF16LE : MD_TEXT_UTF16BE;
    p += 2;
  } else if (length >= 3U && p[0] == 0xEFU && p[1] == 0xBBU && p[2] == 0xBFU) {
    p += 3; // a UTF-8 byte-order mark, which libyaml skips too
  }
  uint32_t c = 0U;
  size_t   n = p < end ? decode(encoding, p, (size_t)(end - p), &c) : 0U;
  while (p < end) {
    if (!n) {
      if (encoding == MD_TEXT_UTF8) {
        snprintf(error, error_size, "invalid UTF-8 (byte 0x%02X); session files are UTF-8 text: save this one as UTF-8",
                 *p);
      } else {
        snprintf(error, error_size, "invalid UTF-16 (an unpaired surrogate or an odd byte at the end)");
      }
      return false;
    }
    if (c == 0U) {
      snprintf(error, error_size,
               "a NUL byte is not allowed in a session file (is it UTF-16 or UTF-32 without a byte-order mark, "
               "or not text at all?)");
      return false;
    }
    if (!is_printable(c)) {
      snprintf(error, error_size, "control character U+%04X is not allowed in a session file", (unsigned)c);
      return false;
    }
    p += n;
    uint32_t next = 0U;
    n             = p < end ? decode(encoding, p, (size_t)(end - p), &next) : 0U;
    advance(place, c, n ? next : 0U);
    c = next;
  }
  return true;
}
