// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// src/util/checked_number.c: numbers from outside are refused when NaN,
// infinite or out of range, with the reason; times become frame counts
// only within [0, 24 h].

#include "support.h"

#include "util/checked_number.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

static bool
reason_is(const char* got, const char* expected)
{
  return got == expected || (got && expected && !strcmp(got, expected));
}

static void
test_checked_finite_and_range(void)
{
  CHECK(md_checked_number_finite(0.0) == NULL);
  CHECK(md_checked_number_finite(-1e308) == NULL);
  CHECK(reason_is(md_checked_number_finite(NAN), "not a number"));
  CHECK(reason_is(md_checked_number_finite(-NAN), "not a number"));
  CHECK(reason_is(md_checked_number_finite(INFINITY), "infinite"));
  CHECK(reason_is(md_checked_number_finite(-INFINITY), "infinite"));
  // The range check that NaN passed (NaN < min and NaN > max are false).
  CHECK(reason_is(md_checked_number_in_range(NAN, -144.0, 24.0), "not a number"));
  CHECK(reason_is(md_checked_number_in_range(INFINITY, -144.0, 24.0), "infinite"));
  CHECK(reason_is(md_checked_number_in_range(-INFINITY, -144.0, 24.0), "infinite"));
  CHECK(reason_is(md_checked_number_in_range(-144.001, -144.0, 24.0), "below the valid range"));
  CHECK(reason_is(md_checked_number_in_range(24.001, -144.0, 24.0), "above the valid range"));
  CHECK(md_checked_number_in_range(-144.0, -144.0, 24.0) == NULL);
  CHECK(md_checked_number_in_range(24.0, -144.0, 24.0) == NULL);
  CHECK(md_checked_number_in_range(0x1p-1074, 0.0, 1.0) == NULL); // a denormal is a number
}

static void
test_checked_seconds_to_frames(void)
{
  int64_t frames = -7;
  CHECK(md_checked_number_frames(1.5, 48000.0, MD_CHECKED_MAX_TIME_S, &frames) == NULL && frames == 72000);
  CHECK(md_checked_number_frames(0.0, 48000.0, MD_CHECKED_MAX_TIME_S, &frames) == NULL && frames == 0);
  CHECK(md_checked_number_frames(1.0 / 96000.0, 48000.0, MD_CHECKED_MAX_TIME_S, &frames) == NULL && frames == 1);
  CHECK(md_checked_number_frames(86400.0, 384000.0, MD_CHECKED_MAX_TIME_S, &frames) == NULL &&
        frames == INT64_C(33177600000));
  // What killed mixdown play: llround() of these is INT64_MIN or overflows.
  frames = 5;
  const double hostile[] = {NAN, INFINITY, -INFINITY, 1e15, 86400.0001, -0.0001, -1e300, 1e300};
  const char*  reasons[] = {"not a number",          "infinite",
                            "infinite",              "above the valid range",
                            "above the valid range", "below the valid range",
                            "below the valid range", "above the valid range"};
  for (size_t i = 0U; i < sizeof hostile / sizeof hostile[0]; ++i) {
    const char* why = md_checked_number_frames(hostile[i], 48000.0, MD_CHECKED_MAX_TIME_S, &frames);
    CHECK_MSG(reason_is(why, reasons[i]), "%g s: %s, expected %s", hostile[i], why ? why : "accepted", reasons[i]);
  }
  CHECK(frames == 5); // untouched when refused
  // A tighter limit is honoured; a looser or NaN one is capped at 24 h.
  CHECK(reason_is(md_checked_number_frames(11.0, 48000.0, 10.0, &frames), "above the valid range"));
  CHECK(reason_is(md_checked_number_frames(90000.0, 48000.0, 1e9, &frames), "above the valid range"));
  CHECK(reason_is(md_checked_number_frames(90000.0, 48000.0, NAN, &frames), "above the valid range"));
  // A rate that is no rate is refused, not multiplied.
  CHECK(md_checked_number_frames(1.0, NAN, 10.0, &frames) != NULL);
  CHECK(md_checked_number_frames(1.0, 0.0, 10.0, &frames) != NULL);
  CHECK(md_checked_number_frames(1.0, INFINITY, 10.0, &frames) != NULL);
  CHECK(frames == 5);
}

const TestCase checked_number_tests[] = {
  {"checked number: NaN and infinities are refused before the range check", test_checked_finite_and_range},
  {"checked number: seconds become frames only within 0 … 24 h", test_checked_seconds_to_frames},
  {NULL, NULL},
};
