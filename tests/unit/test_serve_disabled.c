// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// A build without the console in the browser (meson -Dserve=disabled;
// test_serve_security.c otherwise): mixdown_serve() fails, saying how to
// build it, and listens on nothing.

#include "support.h"

#include <string.h>

static void
test_serve_is_refused_with_a_reason(void)
{
  CHECK(!mixdown_has_feature(MIXDOWN_FEATURE_SERVE));
  const MixdownServeOptions options = {.size = sizeof options};
  char                      message[256] = "";
  CHECK(mixdown_serve("song.yaml", &options, message, sizeof message) == MIXDOWN_ERR_IO);
  CHECK_MSG(strstr(message, "-Dserve=enabled"), "message: %s", message);
}

const TestCase serve_security_tests[] = {
  {"serve: a build without the console refuses it, saying so", test_serve_is_refused_with_a_reason},
  {NULL, NULL},
};
