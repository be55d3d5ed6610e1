// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// What the server checks before it answers anything (docs/serve.md, the
// security model):
//
//   - the token: 32 bytes from getrandom() as 64 hex digits, new on every
//     run, required on every request and WebSocket upgrade (`?token=` or
//     the cookie mixdown_token_PORT), compared in constant time;
//   - Host: a loopback name (127.0.0.1, localhost, [::1]) or the address
//     bound, with the port bound — a page of another site whose name a DNS
//     rebinding points at 127.0.0.1 sends its own name and is refused;
//   - Origin (WebSocket upgrades): `http://` + the request's own allowed
//     Host — a page of another origin cannot open the console's socket;
//   - the path: exactly one of the bundled files (assets.h); anything that
//     could climb or escape (`..`, any %-escape, a backslash, a NUL, a
//     control character) is forbidden outright.
//
// Pure functions of their arguments (no lws): tests/unit/test_serve_security.c
// tests each.  Thread: any.

#ifndef MD_SERVE_SECURITY_H
#define MD_SERVE_SECURITY_H

#include "serve/assets.h"

#include <stdbool.h>
#include <stddef.h>

#define MD_SERVE_TOKEN_BYTES 32
#define MD_SERVE_TOKEN_CHARS (2 * MD_SERVE_TOKEN_BYTES)

/// A new token: MD_SERVE_TOKEN_BYTES from getrandom() as lower-case hex,
/// NUL-terminated.  False (with why) when the kernel gives no randomness.
bool md_serve_token_new(char token[MD_SERVE_TOKEN_CHARS + 1], char* why, size_t why_size);

/// True when `given` (`given_length` bytes) equals `expected` (a token,
/// NUL-terminated).  The time taken depends only on the lengths, never on
/// where the bytes differ: every byte of `expected` is compared.
bool md_serve_token_equal(const char* expected, const char* given, size_t given_length);

/// The names a request may give in Host (and Origin).
typedef struct {
  char bound[128]; ///< The address bound as a Host header writes it ("192.168.1.5", "[fe80::1]"), "" for a wildcard
  int  port;       ///< The port bound
} MdServeHost;

/// `bound_address` as given to listen on (NULL: 127.0.0.1); 0.0.0.0 and ::
/// (every address) add no name of their own.
void md_serve_host_init(MdServeHost* host, const char* bound_address, int port);

/// The URL a browser opens: http://ADDRESS:PORT/?token=TOKEN — ADDRESS the
/// bound one, or 127.0.0.1 for a loopback or wildcard bind.  False when it
/// does not fit in `size`.
bool md_serve_url(const MdServeHost* host, const char* token, char* url, size_t size);

/// Host header: 127.0.0.1:PORT, localhost:PORT, [::1]:PORT or BOUND:PORT
/// (the names compared without case; ":80" may be left out on port 80).
bool md_serve_host_allowed(const MdServeHost* host, const char* host_header);

/// Origin of a WebSocket upgrade: exactly http:// + `host_header`, which
/// must itself be allowed.  A missing Origin (NULL) or "null" is refused.
bool md_serve_origin_allowed(const MdServeHost* host, const char* origin, const char* host_header);

typedef enum {
  MD_SERVE_PATH_ASSET,     ///< One of the bundled files (200)
  MD_SERVE_PATH_FORBIDDEN, ///< Tries to climb or escape (403)
  MD_SERVE_PATH_UNKNOWN,   ///< Plain, but no such file (404)
} MdServePath;

/// Judges a request path (`length` bytes, without the query): "/" is
/// /index.html; a found file is set in *asset.
MdServePath md_serve_path_check(const char* path, size_t length, const MdAsset* table, size_t count,
                                const MdAsset** asset);

/// The name of the cookie that carries the token for `port`:
/// "mixdown_token_PORT" (a cookie belongs to a host, not a port: two
/// servers on one machine need two names).
void md_serve_cookie_name(int port, char* name, size_t size);

#endif
