// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The server's checks (src/serve/security.h): the token, its comparison,
// Host, Origin, the request path, the URL and the cookie's name — the
// bundled page's table (src/serve/assets.h), and each page's send queue
// and receive buffer (src/serve/clients.h): bounded, merged, in order.

#include "support.h"

#include "serve/clients.h"
#include "serve/security.h"

#include <stdio.h>
#include <string.h>

static void
test_tokens_are_64_hex_digits_and_new_each_time(void)
{
  char a[MD_SERVE_TOKEN_CHARS + 1];
  char b[MD_SERVE_TOKEN_CHARS + 1];
  char why[128] = "";
  CHECK(md_serve_token_new(a, why, sizeof why));
  CHECK(md_serve_token_new(b, why, sizeof why));
  CHECK(strlen(a) == 64U && strlen(b) == 64U);
  CHECK(strspn(a, "0123456789abcdef") == 64U);
  CHECK_MSG(strcmp(a, b) != 0, "two tokens are the same: %s", a);
  // 256 random bits: every hex digit value shows up among 128 digits
  // unless the generator is broken (the chance of a miss is below 1e-3).
  char both[129];
  snprintf(both, sizeof both, "%s%s", a, b);
  int kinds = 0;
  for (const char* d = "0123456789abcdef"; *d; ++d) {
    kinds += strchr(both, *d) != NULL;
  }
  CHECK_MSG(kinds >= 12, "only %d different hex digits in %s", kinds, both);
}

static void
test_token_comparison_needs_every_byte_and_the_length(void)
{
  char token[MD_SERVE_TOKEN_CHARS + 1];
  char why[128] = "";
  CHECK(md_serve_token_new(token, why, sizeof why));
  char given[200];
  snprintf(given, sizeof given, "%s", token);
  CHECK(md_serve_token_equal(token, given, 64U));
  given[0] = given[0] == 'a' ? 'b' : 'a'; // the first byte wrong
  CHECK(!md_serve_token_equal(token, given, 64U));
  snprintf(given, sizeof given, "%s", token);
  given[63] = given[63] == 'a' ? 'b' : 'a'; // the last byte wrong
  CHECK(!md_serve_token_equal(token, given, 64U));
  snprintf(given, sizeof given, "%s", token);
  CHECK(!md_serve_token_equal(token, given, 63U)); // a prefix
  CHECK(!md_serve_token_equal(token, given, 1U));
  CHECK(!md_serve_token_equal(token, "", 0U));
  snprintf(given, sizeof given, "%s0", token); // one byte more
  CHECK(!md_serve_token_equal(token, given, 65U));
  snprintf(given, sizeof given, "%s%s", token, token); // twice: every byte it reads matches
  CHECK(!md_serve_token_equal(token, given, 128U));
  snprintf(given, sizeof given, "%.32s", token); // half, read round twice, matches no byte pair
  CHECK(!md_serve_token_equal(token, given, 32U));
  CHECK(!md_serve_token_equal("", "", 0U)); // no token accepts nothing
  // Upper case is another token (the comparison is of bytes).
  snprintf(given, sizeof given, "%s", token);
  for (char* c = given; *c; ++c) {
    *c = (char)(*c >= 'a' && *c <= 'f' ? *c - 32 : *c);
  }
  CHECK(strcmp(given, token) == 0 || !md_serve_token_equal(token, given, 64U));
}

static void
test_host_must_be_loopback_or_the_bound_address_with_the_port(void)
{
  MdServeHost h;
  md_serve_host_init(&h, NULL, 8123);
  CHECK(md_serve_host_allowed(&h, "127.0.0.1:8123"));
  CHECK(md_serve_host_allowed(&h, "localhost:8123"));
  CHECK(md_serve_host_allowed(&h, "LocalHost:8123"));
  CHECK(md_serve_host_allowed(&h, "[::1]:8123"));
  CHECK(!md_serve_host_allowed(&h, "127.0.0.1")); // no port (only port 80 may leave it out)
  CHECK(!md_serve_host_allowed(&h, "127.0.0.1:8124"));
  CHECK(!md_serve_host_allowed(&h, "127.0.0.1:81230"));
  CHECK(!md_serve_host_allowed(&h, "127.0.0.1:8123 "));
  CHECK(!md_serve_host_allowed(&h, "evil.example:8123")); // DNS rebinding: another site's name
  CHECK(!md_serve_host_allowed(&h, "127.0.0.1.evil.example:8123"));
  CHECK(!md_serve_host_allowed(&h, "localhost.:8123"));
  CHECK(!md_serve_host_allowed(&h, "0.0.0.0:8123"));
  CHECK(!md_serve_host_allowed(&h, ""));
  CHECK(!md_serve_host_allowed(&h, NULL));
  md_serve_host_init(&h, "127.0.0.1", 80);
  CHECK(md_serve_host_allowed(&h, "127.0.0.1"));
  CHECK(md_serve_host_allowed(&h, "localhost:80"));
  md_serve_host_init(&h, "192.168.1.5", 9000);
  CHECK(md_serve_host_allowed(&h, "192.168.1.5:9000"));
  CHECK(md_serve_host_allowed(&h, "127.0.0.1:9000"));
  CHECK(!md_serve_host_allowed(&h, "192.168.1.6:9000"));
  md_serve_host_init(&h, "fe80::1", 9000);
  CHECK(md_serve_host_allowed(&h, "[fe80::1]:9000"));
  CHECK(!md_serve_host_allowed(&h, "fe80::1:9000"));
  md_serve_host_init(&h, "0.0.0.0", 9000); // every address: the loopback names only
  CHECK(md_serve_host_allowed(&h, "127.0.0.1:9000"));
  CHECK(!md_serve_host_allowed(&h, "0.0.0.0:9000"));
  CHECK(!md_serve_host_allowed(&h, "192.168.1.5:9000"));
}

static void
test_origin_must_be_the_page_s_own(void)
{
  MdServeHost h;
  md_serve_host_init(&h, NULL, 8123);
  CHECK(md_serve_origin_allowed(&h, "http://127.0.0.1:8123", "127.0.0.1:8123"));
  CHECK(md_serve_origin_allowed(&h, "http://localhost:8123", "localhost:8123"));
  CHECK(!md_serve_origin_allowed(&h, "http://localhost:8123", "127.0.0.1:8123")); // not the host asked
  CHECK(!md_serve_origin_allowed(&h, "http://evil.example:8123", "127.0.0.1:8123"));
  CHECK(!md_serve_origin_allowed(&h, "http://evil.example:8123", "evil.example:8123"));
  CHECK(!md_serve_origin_allowed(&h, "http://127.0.0.1:8124", "127.0.0.1:8123"));
  CHECK(!md_serve_origin_allowed(&h, "https://127.0.0.1:8123", "127.0.0.1:8123"));
  CHECK(!md_serve_origin_allowed(&h, "http://127.0.0.1:8123/", "127.0.0.1:8123"));
  CHECK(!md_serve_origin_allowed(&h, "null", "127.0.0.1:8123"));
  CHECK(!md_serve_origin_allowed(&h, "", "127.0.0.1:8123"));
  CHECK(!md_serve_origin_allowed(&h, NULL, "127.0.0.1:8123"));
  CHECK(!md_serve_origin_allowed(&h, "http://127.0.0.1:8123", NULL));
}

static const MdAsset table[] = {
  {"/app.js", "text/javascript; charset=utf-8", (const unsigned char*)"js", 2U},
  {"/index.html", "text/html; charset=utf-8", (const unsigned char*)"<p>", 3U},
  {"/panels/eq.js", "text/javascript; charset=utf-8", (const unsigned char*)"eq", 2U},
};

static MdServePath
judge(const char* path, size_t length, const MdAsset** asset)
{
  return md_serve_path_check(path, length, table, sizeof table / sizeof table[0], asset);
}

#define JUDGE(path, expected)                                                                                          \
  do {                                                                                                                 \
    const MdAsset*    asset_   = NULL;                                                                                 \
    const MdServePath verdict_ = judge(path, sizeof path - 1U, &asset_);                                               \
    CHECK_MSG(verdict_ == (expected), "%s: verdict %d, expected %d", path, (int)verdict_, (int)(expected));            \
    CHECK_MSG((verdict_ == MD_SERVE_PATH_ASSET) == (asset_ != NULL), "%s: asset %p", path, (const void*)asset_);       \
  } while (0)

static void
test_only_exact_bundled_paths_are_served(void)
{
  const MdAsset* asset = NULL;
  CHECK(judge("/", 1U, &asset) == MD_SERVE_PATH_ASSET && asset == &table[1]);
  CHECK(judge("/app.js", 7U, &asset) == MD_SERVE_PATH_ASSET && asset == &table[0]);
  CHECK(judge("/panels/eq.js", 13U, &asset) == MD_SERVE_PATH_ASSET && asset == &table[2]);
  JUDGE("/index.html", MD_SERVE_PATH_ASSET);
  JUDGE("/nothing.js", MD_SERVE_PATH_UNKNOWN);
  JUDGE("/APP.JS", MD_SERVE_PATH_UNKNOWN);
  JUDGE("/app.js/", MD_SERVE_PATH_UNKNOWN);
  JUDGE("/panels", MD_SERVE_PATH_UNKNOWN);
  JUDGE("/panels/", MD_SERVE_PATH_UNKNOWN);
  JUDGE("//app.js", MD_SERVE_PATH_UNKNOWN);
  JUDGE("/etc/passwd", MD_SERVE_PATH_UNKNOWN);
  // Anything that could climb out or name a file another way: 403.
  JUDGE("/../etc/passwd", MD_SERVE_PATH_FORBIDDEN);
  JUDGE("/panels/../app.js", MD_SERVE_PATH_FORBIDDEN);
  JUDGE("/..", MD_SERVE_PATH_FORBIDDEN);
  JUDGE("/%2e%2e/etc/passwd", MD_SERVE_PATH_FORBIDDEN);
  JUDGE("/%2E%2E/etc/passwd", MD_SERVE_PATH_FORBIDDEN);
  JUDGE("/panels%2feq.js", MD_SERVE_PATH_FORBIDDEN);
  JUDGE("/panels%2Feq.js", MD_SERVE_PATH_FORBIDDEN);
  JUDGE("/panels%5ceq.js", MD_SERVE_PATH_FORBIDDEN);
  JUDGE("/panels\\eq.js", MD_SERVE_PATH_FORBIDDEN);
  JUDGE("/app%2ejs", MD_SERVE_PATH_FORBIDDEN);
  JUDGE("/app.js\0.png", MD_SERVE_PATH_FORBIDDEN); // a NUL inside: the length counts it
  JUDGE("/app.js\n", MD_SERVE_PATH_FORBIDDEN);
  JUDGE("app.js", MD_SERVE_PATH_FORBIDDEN);
  JUDGE("", MD_SERVE_PATH_FORBIDDEN);
}

static void
test_url_and_cookie_name(void)
{
  MdServeHost h;
  char        url[200];
  md_serve_host_init(&h, NULL, 8123);
  CHECK(md_serve_url(&h, "abc", url, sizeof url));
  CHECK_MSG(!strcmp(url, "http://127.0.0.1:8123/?token=abc"), "%s", url);
  md_serve_host_init(&h, "0.0.0.0", 8123);
  CHECK(md_serve_url(&h, "abc", url, sizeof url) && !strcmp(url, "http://127.0.0.1:8123/?token=abc"));
  md_serve_host_init(&h, "::1", 8123);
  CHECK(md_serve_url(&h, "abc", url, sizeof url) && !strcmp(url, "http://[::1]:8123/?token=abc"));
  md_serve_host_init(&h, "192.168.1.5", 8123);
  CHECK(md_serve_url(&h, "abc", url, sizeof url) && !strcmp(url, "http://192.168.1.5:8123/?token=abc"));
  CHECK(!md_serve_url(&h, "abc", url, 10U)); // does not fit: refused, not cut
  char name[32];
  md_serve_cookie_name(8123, name, sizeof name);
  CHECK(!strcmp(name, "mixdown_token_8123"));
}

static void
test_the_bundled_page_is_a_sorted_table_with_an_index(void)
{
  const MdAsset* index = md_asset_find(md_assets, md_asset_count, "/index.html", 11U);
  CHECK(index && !strcmp(index->mime, "text/html; charset=utf-8") && index->size > 0U);
  CHECK(index && index->bytes[index->size] == '\0');
  for (size_t i = 0U; i < md_asset_count; ++i) {
    CHECK_MSG(md_assets[i].path[0] == '/' && !strstr(md_assets[i].path, ".."), "%s", md_assets[i].path);
    CHECK_MSG(i == 0U || strcmp(md_assets[i - 1U].path, md_assets[i].path) < 0, "not sorted at %s",
              md_assets[i].path);
  }
}

// Takes the next message's text off the client ("" when none).
static const char*
next_text(MdServeClient* c, char* buf, size_t size)
{
  unsigned char*  text   = NULL;
  size_t          length = 0U;
  MdServeMessage* m      = md_serve_client_next(c, &text, &length);
  snprintf(buf, size, "%.*s", m ? (int)length : 0, m ? (const char*)text : "");
  md_serve_message_free(m);
  return buf;
}

static void
test_a_page_queue_keeps_order_and_only_the_newest_meters(void)
{
  MdServeClient c = {.id = 1};
  char          buf[200];
  CHECK(md_serve_slot_of("{\"type\":\"transport\",\"playing\":true}") == MD_SERVE_LATEST_TRANSPORT);
  CHECK(md_serve_slot_of("{\"type\":\"value\",\"address\":\"/t\"}") == MD_SERVE_QUEUE);
  CHECK(md_serve_client_push(&c, MD_SERVE_LATEST_METERS, "m1", 2U, 16U));
  CHECK(md_serve_client_push(&c, MD_SERVE_QUEUE, "v1", 2U, 16U));
  CHECK(md_serve_client_push(&c, MD_SERVE_LATEST_TRANSPORT, "t1", 2U, 16U));
  CHECK(md_serve_client_push(&c, MD_SERVE_LATEST_METERS, "m2", 2U, 16U));
  CHECK(md_serve_client_push(&c, MD_SERVE_QUEUE, "v2", 2U, 16U));
  CHECK(md_serve_client_push(&c, MD_SERVE_LATEST_TRANSPORT, "t2", 2U, 16U));
  CHECK(c.queued_bytes == 4U);
  // Queued text in order first, then the newest transport and meters only.
  CHECK(!strcmp(next_text(&c, buf, sizeof buf), "v1"));
  CHECK(!strcmp(next_text(&c, buf, sizeof buf), "v2"));
  CHECK(!strcmp(next_text(&c, buf, sizeof buf), "t2"));
  CHECK(!strcmp(next_text(&c, buf, sizeof buf), "m2"));
  CHECK(!md_serve_client_has_pending(&c));
  CHECK(!strcmp(next_text(&c, buf, sizeof buf), ""));
  CHECK(c.queued_bytes == 0U);
  md_serve_client_clear(&c);
}

static void
test_a_page_too_far_behind_is_marked_not_grown(void)
{
  MdServeClient c     = {.id = 2};
  static char   big[1U << 20];
  memset(big, 'x', sizeof big);
  size_t pushed = 0U;
  while (md_serve_client_push(&c, MD_SERVE_QUEUE, big, sizeof big, 16U)) {
    ++pushed;
  }
  CHECK_MSG(pushed == MD_SERVE_QUEUE_BYTES / sizeof big, "%zu MiB queued", pushed);
  CHECK(c.overflowed);
  CHECK(c.queued_bytes <= MD_SERVE_QUEUE_BYTES);
  CHECK(!md_serve_client_push(&c, MD_SERVE_LATEST_METERS, "m", 1U, 16U)); // nothing more once overflowed
  md_serve_client_clear(&c);
  CHECK(c.queued_bytes == 0U && !c.first && !c.last);
}

static void
test_fragments_make_one_message_and_a_long_one_is_dropped(void)
{
  MdServeClient c        = {.id = 3};
  bool          too_long = false;
  CHECK(!md_serve_client_receive(&c, "{\"type\":", 8U, true, false, &too_long));
  CHECK(md_serve_client_receive(&c, "\"undo\"}", 7U, false, true, &too_long) && !too_long);
  CHECK(c.in_length == 15U && !strcmp(c.in, "{\"type\":\"undo\"}"));
  md_serve_client_received(&c);
  static char big[MD_SERVE_MESSAGE_BYTES];
  memset(big, ' ', sizeof big);
  CHECK(!md_serve_client_receive(&c, big, sizeof big, true, false, &too_long) && !too_long);
  CHECK(!md_serve_client_receive(&c, "{}", 2U, false, true, &too_long) && too_long);
  // The next message is whole again.
  CHECK(md_serve_client_receive(&c, "{}", 2U, true, true, &too_long) && !too_long && !strcmp(c.in, "{}"));
  md_serve_client_clear(&c);
}

const TestCase serve_security_tests[] = {
  {"serve security: tokens are 64 hex digits, new each time", test_tokens_are_64_hex_digits_and_new_each_time},
  {"serve security: a token matches only with every byte and its length",
   test_token_comparison_needs_every_byte_and_the_length},
  {"serve security: Host is a loopback name or the bound address, with the port",
   test_host_must_be_loopback_or_the_bound_address_with_the_port},
  {"serve security: a WebSocket Origin must be the page's own", test_origin_must_be_the_page_s_own},
  {"serve security: only exact bundled paths; climbing, escapes, backslash, NUL forbidden",
   test_only_exact_bundled_paths_are_served},
  {"serve security: the URL and the cookie's name", test_url_and_cookie_name},
  {"serve security: the bundled page is a sorted table with index.html",
   test_the_bundled_page_is_a_sorted_table_with_an_index},
  {"serve clients: a page's queue keeps order, and only the newest meters and transport",
   test_a_page_queue_keeps_order_and_only_the_newest_meters},
  {"serve clients: a page too far behind is marked for closing, not grown",
   test_a_page_too_far_behind_is_marked_not_grown},
  {"serve clients: fragments make one message; one over 64 KiB is dropped",
   test_fragments_make_one_message_and_a_long_one_is_dropped},
  {NULL, NULL},
};
