// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The token, Host, Origin and path checks of the server (security.h).
// Thread: any.

#include "serve/security.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

bool
md_serve_token_new(char token[MD_SERVE_TOKEN_CHARS + 1], char* why, size_t why_size)
{
  unsigned char random[MD_SERVE_TOKEN_BYTES];
  size_t        have = 0U;
  while (have < sizeof random) {
    // getrandom() blocks only until the kernel's pool is first seeded (at boot), then never.
    const ssize_t got = getrandom(random + have, sizeof random - have, 0);
    if (got < 0 && errno != EINTR) {
      snprintf(why, why_size, "no random token: getrandom: %s", strerror(errno));
      return false;
    }
    have += got > 0 ? (size_t)got : 0U;
  }
  static const char hex[] = "0123456789abcdef";
  for (size_t i = 0U; i < sizeof random; ++i) {
    token[2 * i]     = hex[random[i] >> 4];
    token[2 * i + 1] = hex[random[i] & 15U];
  }
  token[MD_SERVE_TOKEN_CHARS] = '\0';
  memset(random, 0, sizeof random);
  return true;
}

bool
md_serve_token_equal(const char* expected, const char* given, size_t given_length)
{
  const size_t n = strlen(expected);
  // Every byte of the expected token is compared, whatever the given one
  // holds: the loop's length and its work depend on the lengths only (a
  // given token shorter than it is read round and round, so no index
  // depends on where a byte differs).
  unsigned diff = (unsigned)(n != given_length) | (unsigned)(n == 0U);
  for (size_t i = 0U; i < n; ++i) {
    const unsigned char g = given_length ? (unsigned char)given[i % given_length] : 0U;
    diff |= (unsigned)((unsigned char)expected[i] ^ g);
  }
  return diff == 0U;
}

void
md_serve_host_init(MdServeHost* host, const char* bound_address, int port)
{
  const char* a = bound_address ? bound_address : "127.0.0.1";
  host->port    = port;
  host->bound[0] = '\0';
  if (!strcmp(a, "0.0.0.0") || !strcmp(a, "::") || !strcmp(a, "[::]")) {
    return; // every address: only the loopback names are known to be ours
  }
  if (strchr(a, ':') && a[0] != '[') {
    snprintf(host->bound, sizeof host->bound, "[%s]", a); // an IPv6 address in a Host header is bracketed
  } else {
    snprintf(host->bound, sizeof host->bound, "%s", a);
  }
}

bool
md_serve_url(const MdServeHost* host, const char* token, char* url, size_t size)
{
  const bool  loopback = !host->bound[0] || !strcmp(host->bound, "127.0.0.1") || !strcasecmp(host->bound, "localhost");
  const char* name     = loopback ? "127.0.0.1" : host->bound;
  const int   n        = snprintf(url, size, "http://%s:%d/?token=%s", name, host->port, token);
  return n > 0 && (size_t)n < size;
}

// `name`:`port` (or `name` alone on port 80) equals the `length` bytes of `text`.
static bool
names_host(const char* text, size_t length, const char* name, int port)
{
  const size_t name_length = strlen(name);
  if (length < name_length || strncasecmp(text, name, name_length)) {
    return false;
  }
  char with_port[16];
  snprintf(with_port, sizeof with_port, ":%d", port);
  const char*  rest        = text + name_length;
  const size_t rest_length = length - name_length;
  return (rest_length == strlen(with_port) && !memcmp(rest, with_port, rest_length)) ||
         (rest_length == 0U && port == 80);
}

static bool
host_allowed(const MdServeHost* host, const char* text, size_t length)
{
  static const char* const loopback[] = {"127.0.0.1", "localhost", "[::1]"};
  for (size_t i = 0U; i < sizeof loopback / sizeof loopback[0]; ++i) {
    if (names_host(text, length, loopback[i], host->port)) {
      return true;
    }
  }
  return host->bound[0] && names_host(text, length, host->bound, host->port);
}

bool
md_serve_host_allowed(const MdServeHost* host, const char* host_header)
{
  return host_header && host_allowed(host, host_header, strlen(host_header));
}

bool
md_serve_origin_allowed(const MdServeHost* host, const char* origin, const char* host_header)
{
  static const char scheme[] = "http://";
  if (!origin || !md_serve_host_allowed(host, host_header) || strncasecmp(origin, scheme, sizeof scheme - 1U)) {
    return false;
  }
  // The page's own origin: the very host (and port) this request was sent to.
  return !strcasecmp(origin + sizeof scheme - 1U, host_header);
}

MdServePath
md_serve_path_check(const char* path, size_t length, const MdAsset* table, size_t count, const MdAsset** asset)
{
  *asset = NULL;
  if (!length || path[0] != '/') {
    return MD_SERVE_PATH_FORBIDDEN;
  }
  for (size_t i = 0U; i < length; ++i) {
    const unsigned char c = (unsigned char)path[i];
    // No bundled name has a %-escape, a backslash or a control character:
    // each of them can only be an attempt to name something else.
    if (c == '%' || c == '\\' || c < 0x20U || c == 0x7fU || (c == '.' && i + 1U < length && path[i + 1U] == '.')) {
      return MD_SERVE_PATH_FORBIDDEN;
    }
  }
  if (length == 1U) {
    path   = "/index.html";
    length = strlen(path);
  }
  *asset = md_asset_find(table, count, path, length);
  return *asset ? MD_SERVE_PATH_ASSET : MD_SERVE_PATH_UNKNOWN;
}

void
md_serve_cookie_name(int port, char* name, size_t size)
{
  snprintf(name, size, "mixdown_token_%d", port);
}
