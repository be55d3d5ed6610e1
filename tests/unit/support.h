// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// A small test harness: each test is a function; a failed check records
// where and why and the test goes on, so one run shows every failure.
// Measurements on audio (levels in dB, frequency, nulls) live here too.

#ifndef MD_TEST_SUPPORT_H
#define MD_TEST_SUPPORT_H

#include "mixdown.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
  const char* name;
  void (*run)(void);
} TestCase;

extern unsigned test_failures;

/// Ends the current test as skipped, saying why (exit code 77 of its process).
void test_skip(const char* why) __attribute__((noreturn));

void test_fail(const char* file, int line, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      test_fail(__FILE__, __LINE__, "%s", #cond);                                                  \
    }                                                                                              \
  } while (0)

#define CHECK_MSG(cond, ...)                                                                       \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      test_fail(__FILE__, __LINE__, __VA_ARGS__);                                                  \
    }                                                                                              \
  } while (0)

#define CHECK_NEAR(actual, expected, tolerance)                                                    \
  do {                                                                                             \
    const double check_a_ = (actual);                                                              \
    const double check_e_ = (expected);                                                            \
    if (!(fabs(check_a_ - check_e_) <= (tolerance))) {                                             \
      test_fail(__FILE__, __LINE__, "%s = %.6f, expected %.6f ± %g", #actual, check_a_, check_e_,  \
                (double)(tolerance));                                                              \
    }                                                                                              \
  } while (0)

/// A scratch folder for this test run (created once, removed at exit).
const char* test_dir(void);
/// `test_dir()/name` in a static buffer rotated between 8 slots.
const char* test_path(const char* name);

/// Writes a float WAV (interleaved `data`, `frames` frames).
void test_write_wav(const char* path, const float* data, uint32_t frames, uint32_t channels,
                    uint32_t rate);
/// A sine of `freq` Hz at `amplitude`, `seconds` long.
void test_write_sine(const char* path, double freq, double amplitude, double seconds,
                     uint32_t channels, uint32_t rate);
/// Constant `value` (DC), handy to read gains straight off the output.
void test_write_dc(const char* path, float value, double seconds, uint32_t channels, uint32_t rate);

/// Rendered stereo audio.
typedef struct {
  float*   left;
  float*   right;
  uint64_t frames;
  uint32_t latency;    ///< Reported master latency (already removed)
  uint64_t non_finite; ///< Non-finite samples the engine replaced
  char     non_finite_where[200];
} TestMix;

/// Opens `yaml` (sources relative to test_dir()); NULL (and a recorded
/// failure) when it is rejected.
MixdownSession* test_open_yaml(const char* yaml);

/// Renders all of `session` through the pull API, in odd-sized pulls.
/// Returns false (and records a failure) on error.
bool test_render_session(const MixdownSession* session, TestMix* mix);

/// The test running now (for the render log of tests/tools/render-hashes.sh).
extern const char* test_current_name;

/// test_open_yaml() then test_render_session().
bool test_render_yaml(const char* yaml, TestMix* mix);
void test_mix_free(TestMix* mix);

/// Error diagnostics of opening `yaml`; returns the status, fills `first`
/// with the first message (`LINE:COL: message`).
MixdownStatus test_open_errors(const char* yaml, char* first, size_t size, unsigned* count);

double test_rms_db(const float* x, uint64_t n);
double test_peak_db(const float* x, uint64_t n);
double test_db(double linear);
/// Deterministic white noise in [-1, 1) (xorshift32; `seed` is the state).
double test_noise(uint32_t* seed);

/// Frequency by zero crossings with linear interpolation (pure tones).
double test_frequency(const float* x, uint64_t n, double rate);

#endif

/* ---- Running one processor directly (no session, no engine) ---------- */

#include "dsp/processor.h"

/// A processor instance with its values (defaults until set).
typedef struct {
  const MdProcessorClass* cls;
  void*                   state;
  double                  values[512];
  uint32_t                channels;
} TestProc;

/// Starts `p` with the defaults of `cls`.
void test_proc_defaults(TestProc* p, const MdProcessorClass* cls, uint32_t channels);
/// Sets plain parameter `name` (not a list field) before test_proc_prepare().
void test_proc_set(TestProc* p, const char* name, double value);
/// Creates and prepares the instance at `rate`.
bool test_proc_prepare(TestProc* p, double rate);
/// Processes `frames` frames in blocks of `block` (in-place on `io`), with
/// an optional key (`key_channels` 0 for none).
void test_proc_run(TestProc* p, float* const* io, uint32_t frames, uint32_t block,
                   const float* const* key, uint32_t key_channels);
void test_proc_free(TestProc* p);

/// Gain in dB of `out` over `in` (RMS ratio) for frames [from, to).
double test_gain_db(const float* in, const float* out, uint64_t from, uint64_t to);

/* ---- Files and diagnostics (the editing tests) ------------------------- */

#include "mixdown.h"

#include <stddef.h>

/// The whole of `path`, NUL-terminated (the caller frees it), and its
/// length in `*length` when `length` is not NULL; NULL when the file
/// cannot be read or is empty.
char* test_read_file(const char* path, size_t* length);

/// Writes `text` to `path` (replacing it); a failure shows as the test's
/// own (the file is not there, or not what was written).
void test_write_text(const char* path, const char* text);

/// The first error a session or an editor reported, and how many.
typedef struct {
  char     message[600];
  unsigned line, column;
  unsigned count;
} TestSaid;

/// A MixdownDiagnosticFunc that keeps the first error in the TestSaid
/// given as `user_data` and counts them.
void test_said_error(void* user_data, const MixdownDiagnostic* d);
