// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The HTTP and WebSocket server of mixdown_serve() on libwebsockets: every
// request is checked (security.h: Host, token, path; Origin on upgrades)
// before anything is answered; the page's files come from memory
// (assets.h); the pages' WebSocket frames go to serve.c and what serve.c
// and the console send goes out through each page's queue (clients.h),
// one frame per writable socket, so the loop never waits on a slow page.
//
// Thread: the server thread only (libwebsockets' service loop runs on it).

#include "serve/serve_internal.h"

#include "util/note.h"

#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_BYTES 16384 ///< Of a file per writable socket

typedef struct {
  const MdAsset* asset; ///< Being sent, or NULL
  size_t         sent;
} HttpConnection;

typedef struct {
  MdServeClient* client;
} PageConnection;

typedef struct {
  lws_sorted_usec_list_t sul; // first: the timer is the struct
  MdServe*               server;
} Tick;

static MdServe*
server_of(struct lws* wsi)
{
  return lws_context_user(lws_get_context(wsi));
}

static MdServeClient*
find_client(MdServe* s, int id)
{
  for (int i = 0; i < MD_SERVE_MAX_CLIENTS; ++i) {
    if (s->clients[i] && s->clients[i]->id == id) {
      return s->clients[i];
    }
  }
  return NULL;
}

/* Answers ----------------------------------------------------------------- */

static bool
add_header(struct lws* wsi, const char* name, const char* value, unsigned char** p, unsigned char* end)
{
  return !lws_add_http_header_by_name(wsi, (const unsigned char*)name, (const unsigned char*)value,
                                      (int)strlen(value), p, end);
}

// The headers of every answer (docs/serve.md): the page may load only its
// own files and talk only to its own socket; nothing is cached, sniffed,
// framed or sent on as a referrer; no CORS header ever.
static bool
add_security_headers(MdServe* s, struct lws* wsi, const char* host, unsigned char** p, unsigned char* end)
{
  char fallback[64];
  if (!host) {
    snprintf(fallback, sizeof fallback, "127.0.0.1:%d", s->host.port);
    host = fallback;
  }
  char csp[512];
  snprintf(csp, sizeof csp,
           "default-src 'self'; connect-src 'self' ws://%s; frame-ancestors 'none'; base-uri 'none'; "
           "form-action 'none'",
           host);
  return add_header(wsi, "content-security-policy:", csp, p, end) &&
         add_header(wsi, "x-content-type-options:", "nosniff", p, end) &&
         add_header(wsi, "cache-control:", "no-store", p, end) &&
         add_header(wsi, "referrer-policy:", "no-referrer", p, end) &&
         add_header(wsi, "x-frame-options:", "DENY", p, end) &&
         add_header(wsi, "cross-origin-resource-policy:", "same-origin", p, end);
}

// A status with a one-line body and nothing else (no hint of what would
// have been accepted).  Returns what the callback returns.
static int
answer_status(MdServe* s, struct lws* wsi, unsigned status, const char* body, bool upgrade)
{
  unsigned char  buf[LWS_PRE + 2048];
  unsigned char* start = buf + LWS_PRE;
  unsigned char* p     = start;
  unsigned char* end   = buf + sizeof buf - 1;
  const size_t   n     = strlen(body);
  if (lws_add_http_common_headers(wsi, status, "text/plain; charset=utf-8", n, &p, end) ||
      !add_security_headers(s, wsi, NULL, &p, end) || lws_finalize_http_header(wsi, &p, end) ||
      (size_t)(end - p) < n) {
    return -1;
  }
  memcpy(p, body, n);
  p += n;
  if (lws_write(wsi, start, (size_t)(p - start), LWS_WRITE_HTTP_HEADERS) != (int)(p - start)) {
    return -1;
  }
  if (upgrade) {
    return 1; // a refused upgrade: lws ends the transaction (LWS_CALLBACK_HTTP_CONFIRM_UPGRADE)
  }
  return lws_http_transaction_completed(wsi) ? -1 : 0;
}

/* Who may ask ------------------------------------------------------------- */

typedef enum { REFUSED, BY_COOKIE, BY_QUERY } Authorized;

// Host allowed, and the token in the query or the cookie.  `host` receives
// the Host header (valid only when authorized).
static Authorized
authorize(MdServe* s, struct lws* wsi, char* host, int host_size)
{
  if (lws_hdr_copy(wsi, host, host_size, WSI_TOKEN_HOST) <= 0 || !md_serve_host_allowed(&s->host, host)) {
    return REFUSED;
  }
  char        arg[256];
  const char* query = lws_get_urlarg_by_name(wsi, "token=", arg, (int)sizeof arg);
  if (query && md_serve_token_equal(s->token, query, strlen(query))) {
    return BY_QUERY;
  }
  char   cookie[256];
  size_t length = sizeof cookie;
  if (!lws_http_cookie_get(wsi, s->cookie_name, cookie, &length) && md_serve_token_equal(s->token, cookie, length)) {
    return BY_COOKIE;
  }
  return REFUSED;
}

static int
serve_file(MdServe* s, struct lws* wsi, HttpConnection* h)
{
  char             host[256];
  const Authorized who = authorize(s, wsi, host, (int)sizeof host);
  if (who == REFUSED) {
    return answer_status(s, wsi, HTTP_STATUS_FORBIDDEN, "forbidden\n", false);
  }
  if (lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) <= 0) {
    return answer_status(s, wsi, HTTP_STATUS_METHOD_NOT_ALLOWED, "method not allowed\n", false);
  }
  // The path as lws decoded it (%-escapes, `.` and `..` segments resolved),
  // with its length: a decoded NUL stays visible to the check (a C string
  // would end there and "/%00" would read as "/").
  char      path[1024];
  const int path_length = lws_hdr_copy(wsi, path, (int)sizeof path, WSI_TOKEN_GET_URI);
  if (path_length <= 0) {
    return answer_status(s, wsi, HTTP_STATUS_FORBIDDEN, "forbidden\n", false);
  }
  const MdAsset*    asset   = NULL;
  const MdServePath verdict = md_serve_path_check(path, (size_t)path_length, md_assets, md_asset_count, &asset);
  if (verdict != MD_SERVE_PATH_ASSET) {
    return verdict == MD_SERVE_PATH_FORBIDDEN ? answer_status(s, wsi, HTTP_STATUS_FORBIDDEN, "forbidden\n", false)
                                              : answer_status(s, wsi, HTTP_STATUS_NOT_FOUND, "not found\n", false);
  }
  unsigned char  buf[LWS_PRE + 2048];
  unsigned char* start = buf + LWS_PRE;
  unsigned char* p     = start;
  unsigned char* end   = buf + sizeof buf - 1;
  if (lws_add_http_common_headers(wsi, HTTP_STATUS_OK, asset->mime, asset->size, &p, end) ||
      !add_security_headers(s, wsi, host, &p, end)) {
    return -1;
  }
  if (who == BY_QUERY) {
    // The assets the page loads then carry the token without it in their URLs.
    char cookie[160];
    snprintf(cookie, sizeof cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict", s->cookie_name, s->token);
    if (!add_header(wsi, "set-cookie:", cookie, &p, end)) {
      return -1;
    }
  }
  if (lws_finalize_write_http_header(wsi, start, &p, end)) {
    return -1;
  }
  h->asset = asset;
  h->sent  = 0U;
  lws_callback_on_writable(wsi);
  return 0;
}

static int
send_chunk(struct lws* wsi, HttpConnection* h)
{
  if (!h->asset) {
    return 0;
  }
  unsigned char buf[LWS_PRE + CHUNK_BYTES];
  const size_t  left = h->asset->size - h->sent;
  const size_t  n    = left < CHUNK_BYTES ? left : CHUNK_BYTES;
  const bool    last = n == left;
  memcpy(buf + LWS_PRE, h->asset->bytes + h->sent, n);
  if (lws_write(wsi, buf + LWS_PRE, n, last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) != (int)n) {
    return -1;
  }
  h->sent += n;
  if (!last) {
    lws_callback_on_writable(wsi);
    return 0;
  }
  h->asset = NULL;
  return lws_http_transaction_completed(wsi) ? -1 : 0;
}

// True when the comma-separated Sec-WebSocket-Protocol list names ours.
static bool
asks_mixdown(struct lws* wsi)
{
  char list[256];
  if (lws_hdr_copy(wsi, list, (int)sizeof list, WSI_TOKEN_PROTOCOL) <= 0) {
    return false;
  }
  for (char* item = strtok(list, ","); item; item = strtok(NULL, ",")) {
    item += strspn(item, " \t");
    const size_t n = strcspn(item, " \t");
    if (n == 7U && !strncmp(item, "mixdown", 7U)) {
      return true;
    }
  }
  return false;
}

static int
check_upgrade(MdServe* s, struct lws* wsi, const char* to)
{
  char host[256];
  char origin[300];
  char uri[64];
  if (strcmp(to, "websocket") || authorize(s, wsi, host, (int)sizeof host) == REFUSED ||
      lws_hdr_copy(wsi, origin, (int)sizeof origin, WSI_TOKEN_ORIGIN) <= 0 ||
      !md_serve_origin_allowed(&s->host, origin, host) ||
      lws_hdr_copy(wsi, uri, (int)sizeof uri, WSI_TOKEN_GET_URI) <= 0 || strcmp(uri, "/ws") || !asks_mixdown(wsi)) {
    return answer_status(s, wsi, HTTP_STATUS_FORBIDDEN, "forbidden\n", true);
  }
  int pages = 0;
  for (int i = 0; i < MD_SERVE_MAX_CLIENTS; ++i) {
    pages += s->clients[i] != NULL;
  }
  if (pages == MD_SERVE_MAX_CLIENTS) {
    return answer_status(s, wsi, HTTP_STATUS_SERVICE_UNAVAILABLE, "too many pages\n", true);
  }
  return 0;
}

static int
on_http(struct lws* wsi, enum lws_callback_reasons reason, void* user, void* in, size_t len)
{
  MdServe*        s = server_of(wsi);
  HttpConnection* h = user;
  switch (reason) {
  case LWS_CALLBACK_HTTP: return serve_file(s, wsi, h);
  case LWS_CALLBACK_HTTP_WRITEABLE: return send_chunk(wsi, h);
  case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE: return check_upgrade(s, wsi, in);
  default: return lws_callback_http_dummy(wsi, reason, user, in, len);
  }
}

/* Pages over the WebSocket ------------------------------------------------ */

static int
page_came(MdServe* s, struct lws* wsi, PageConnection* page)
{
  int slot = 0;
  while (slot < MD_SERVE_MAX_CLIENTS && s->clients[slot]) {
    ++slot;
  }
  MdServeClient* c = slot < MD_SERVE_MAX_CLIENTS ? calloc(1U, sizeof *c) : NULL;
  if (!c) {
    return -1;
  }
  c->id            = ++s->next_client_id;
  c->wsi           = wsi;
  s->clients[slot] = c;
  page->client     = c;
  md_serve_page_came(s, c->id);
  return 0;
}

static void
page_went(MdServe* s, PageConnection* page)
{
  MdServeClient* c = page->client;
  if (!c) {
    return;
  }
  for (int i = 0; i < MD_SERVE_MAX_CLIENTS; ++i) {
    if (s->clients[i] == c) {
      s->clients[i] = NULL;
    }
  }
  page->client = NULL;
  md_serve_page_went(s, c->id);
  md_serve_client_clear(c);
  free(c);
}

static int
page_said(MdServe* s, struct lws* wsi, MdServeClient* c, const void* in, size_t len)
{
  if (lws_frame_is_binary(wsi)) {
    return 0; // pages send text only; a binary frame is ignored
  }
  bool too_long = false;
  if (md_serve_client_receive(c, in, len, lws_is_first_fragment(wsi), lws_is_final_fragment(wsi), &too_long)) {
    md_serve_page_said(s, c->id, c->in, c->in_length);
    md_serve_client_received(c);
  } else if (too_long) {
    md_serve_send(s, c->id, "{\"type\":\"error\",\"message\":\"a message over 64 KiB: dropped\",\"address\":null}");
  }
  return 0;
}

// One frame per writable socket: queued text first (moves, state), then
// the listener's PCM, then the newest transport and meters.
static int
page_writable(MdServe* s, struct lws* wsi, MdServeClient* c)
{
  if (c->overflowed) {
    static const char why[] = "too far behind";
    lws_close_reason(wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION, (unsigned char*)why, sizeof why - 1U);
    return -1;
  }
  unsigned char*  text    = NULL;
  size_t          length  = 0U;
  MdServeMessage* message = NULL;
  const bool      pcm     = !c->first && c->id == s->listener &&
                            md_serve_take_pcm(s, s->pcm + LWS_PRE, s->pcm_capacity, &length);
  if (!pcm) {
    length  = 0U;
    message = md_serve_client_next(c, &text, &length);
  }
  int written = 0;
  if (message) {
    written = lws_write(wsi, text, length, LWS_WRITE_TEXT);
    md_serve_message_free(message);
  } else if (pcm) {
    written = lws_write(wsi, s->pcm + LWS_PRE, length, LWS_WRITE_BINARY);
  }
  if (written < (int)length) {
    return -1;
  }
  if (md_serve_client_has_pending(c) || pcm) {
    lws_callback_on_writable(wsi); // more waits (or more PCM may)
  }
  return 0;
}

static int
on_page(struct lws* wsi, enum lws_callback_reasons reason, void* user, void* in, size_t len)
{
  MdServe*        s    = server_of(wsi);
  PageConnection* page = user;
  switch (reason) {
  case LWS_CALLBACK_ESTABLISHED: return page_came(s, wsi, page);
  case LWS_CALLBACK_CLOSED: page_went(s, page); return 0;
  case LWS_CALLBACK_RECEIVE: return page->client ? page_said(s, wsi, page->client, in, len) : -1;
  case LWS_CALLBACK_SERVER_WRITEABLE: return page->client ? page_writable(s, wsi, page->client) : -1;
  default: return 0;
  }
}

static const struct lws_protocols protocols[] = {
  {"http", on_http, sizeof(HttpConnection), 0, 0, NULL, 0},
  {"mixdown", on_page, sizeof(PageConnection), 4096, 0, NULL, 0},
  {NULL, NULL, 0, 0, 0, NULL, 0},
};

/* Sending ----------------------------------------------------------------- */

void
md_serve_want_write(MdServe* s, int client)
{
  MdServeClient* c = find_client(s, client);
  if (c) {
    lws_callback_on_writable(c->wsi);
  }
}

void
md_serve_send_latest(MdServe* s, int client, MdServeSlot slot, const char* json)
{
  const size_t length = strlen(json);
  for (int i = 0; i < MD_SERVE_MAX_CLIENTS; ++i) {
    MdServeClient* c = s->clients[i];
    if (c && (client < 0 || c->id == client)) {
      md_serve_client_push(c, slot, json, length, LWS_PRE); // on overflow the page is closed at its next write
      lws_callback_on_writable(c->wsi);
    }
  }
}

void
md_serve_send(void* server, int client, const char* json)
{
  md_serve_send_latest(server, client, md_serve_slot_of(json), json);
}

/* The loop ---------------------------------------------------------------- */

static void
on_tick(lws_sorted_usec_list_t* sul)
{
  Tick* tick = (Tick*)sul;
  md_serve_tick(tick->server);
  lws_sul_schedule(tick->server->context, 0, sul, on_tick, MD_SERVE_TICK_MS * LWS_US_PER_MS);
}

bool
md_serve_http_start(MdServe* s, char* message, size_t message_size)
{
  // lws would log to stderr (process-wide): silent; what fails is said by
  // our own messages, through the caller's message buffer and notes.
  lws_set_log_level(0, NULL);
  const MixdownServeOptions* o = s->options;
  struct lws_context_creation_info info;
  memset(&info, 0, sizeof info);
  info.port                  = o->port;
  info.iface                 = o->host ? o->host : "127.0.0.1";
  info.protocols             = protocols;
  info.user                  = s;
  info.gid                   = -1;
  info.uid                   = -1;
  info.vhost_name            = "mixdown";
  info.max_http_header_data  = 4096;
  info.options               = LWS_SERVER_OPTION_VALIDATE_UTF8;
  if (!strchr(info.iface, ':')) {
    info.options |= LWS_SERVER_OPTION_DISABLE_IPV6;
  }
  s->pcm_capacity = 1U << 16;
  Tick* tick      = calloc(1U, sizeof *tick);
  s->pcm          = malloc(LWS_PRE + s->pcm_capacity);
  s->tick         = tick;
  if (!tick || !s->pcm) {
    snprintf(message, message_size, "out of memory");
    return false;
  }
  s->context = lws_create_context(&info);
  s->vhost   = s->context ? lws_get_vhost_by_name(s->context, "mixdown") : NULL;
  const int port = s->vhost ? lws_get_vhost_listen_port(s->vhost) : -1;
  if (port <= 0) {
    snprintf(message, message_size, "cannot listen on %s:%d (is the port taken, or the address not this machine's?)",
             info.iface, o->port);
    return false;
  }
  md_serve_host_init(&s->host, info.iface, port);
  md_serve_cookie_name(port, s->cookie_name, sizeof s->cookie_name);
  tick->server = s;
  lws_sul_schedule(s->context, 0, &tick->sul, on_tick, MD_SERVE_TICK_MS * LWS_US_PER_MS);
  return true;
}

void
md_serve_http_run(MdServe* s)
{
  while (!s->failed && !(s->options->stop && *s->options->stop)) {
    if (lws_service(s->context, 0) < 0) {
      snprintf(s->message, sizeof s->message, "the server's loop failed");
      s->failed = true;
    }
  }
}

void
md_serve_http_stop(MdServe* s)
{
  if (s->context) {
    if (s->tick) {
      lws_sul_cancel(&((Tick*)s->tick)->sul);
    }
    lws_context_destroy(s->context); // closes every page (LWS_CALLBACK_CLOSED: page_went)
    s->context = NULL;
  }
  free(s->tick);
  free(s->pcm);
  s->tick = NULL;
  s->pcm  = NULL;
}
