// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// A build without LV2 (meson -Dlv2=disabled; test_lv2.c otherwise): the
// library says so, a session with an `lv2` insert is an error at its
// `uri:`, and the plugin calls fail saying how to get plugins.

#include "support.h"

#include <string.h>

static void
test_lv2_inserts_are_session_errors(void)
{
  CHECK(!mixdown_has_feature(MIXDOWN_FEATURE_LV2));
  test_write_sine(test_path("l.wav"), 440.0, 0.5, 0.5, 1U, 48000U);
  char     first[512] = "";
  unsigned count      = 0U;
  const MixdownStatus st =
    test_open_errors("mixdown: 1\nsample_rate: 48000\ntracks:\n  - name: a\n    file: l.wav\n"
                     "    inserts:\n      - {type: lv2, uri: \"http://plugin.org.uk/swh-plugins/singlePara\"}\n",
                     first, sizeof first, &count);
  CHECK(st == MIXDOWN_ERR_SESSION);
  CHECK_MSG(count == 1U, "%u errors", count);
  CHECK_MSG(!strncmp(first, "7:", 2) && strstr(first, "no LV2 plugins") && strstr(first, "-Dlv2=enabled"),
            "first: %s", first);
}

static void
test_plugin_calls_fail_with_a_reason(void)
{
  char name[64]     = "x";
  char message[256] = "";
  CHECK(mixdown_plugin_describe("http://plugin.org.uk/swh-plugins/singlePara", 48000.0, NULL, NULL, NULL, name,
                                sizeof name, message, sizeof message) == MIXDOWN_ERR_BAD_ARG);
  CHECK(name[0] == '\0');
  CHECK_MSG(strstr(message, "-Dlv2=enabled"), "message: %s", message);
  CHECK(mixdown_plugins_list(NULL, NULL) == MIXDOWN_ERR_BAD_ARG);
}

const TestCase lv2_tests[] = {
  {"lv2: a build without LV2 refuses an lv2 insert at its uri", test_lv2_inserts_are_session_errors},
  {"lv2: a build without LV2 refuses the plugin calls, saying so", test_plugin_calls_fail_with_a_reason},
  {NULL, NULL},
};
