// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// A build without the console in the browser (meson -Dserve=disabled) has
// no stream, meters or curves to test (test_serve_security.c's stand-in,
// test_serve_disabled.c, tests the refusal).

#include "support.h"

const TestCase serve_audio_tests[] = {
  {NULL, NULL},
};

const TestCase serve_meters_tests[] = {
  {NULL, NULL},
};

const TestCase serve_curves_tests[] = {
  {NULL, NULL},
};

const TestCase serve_console_tests[] = {
  {NULL, NULL},
};

const TestCase serve_protocol_tests[] = {
  {NULL, NULL},
};
