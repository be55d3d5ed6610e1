// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Runs every unit test, each in its own process so that a crash (or a
// sanitizer report) fails that test only.  Prints one line per test and a
// closing `unit: N passed, N failed` that tests/run.sh adds up.

#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern const TestCase session_tests[];
extern const TestCase automation_tests[];
extern const TestCase dsp_tests[];
extern const TestCase engine_tests[];
extern const TestCase eq_tests[];
extern const TestCase compressor_tests[];
extern const TestCase limiter_tests[];
extern const TestCase gate_tests[];
extern const TestCase deesser_tests[];
extern const TestCase sidechain_tests[];
extern const TestCase finish_tests[];
extern const TestCase plot_tests[];
extern const TestCase lv2_tests[];
extern const TestCase reverb_tests[];
extern const TestCase delay_tests[];
extern const TestCase chorus_tests[];
extern const TestCase saturation_tests[];
extern const TestCase pitch_tests[];
extern const TestCase kernel_tests[];
extern const TestCase live_tests[];
extern const TestCase sum_tree_tests[];
extern const TestCase writer_tests[];
extern const TestCase pan_law_tests[];
extern const TestCase loudness_tests[];
extern const TestCase checked_number_tests[];
extern const TestCase atomic_file_tests[];
extern const TestCase plan_tests[];
extern const TestCase cache_tests[];
extern const TestCase clip_tests[];
extern const TestCase source_tests[];
extern const TestCase control_tests[];
extern const TestCase yaml_access_tests[];
extern const TestCase take_tests[];
extern const TestCase keys_tests[];
extern const TestCase yaml_edit_tests[];
extern const TestCase yaml_edit_list_tests[];
extern const TestCase yaml_edit_layout_tests[];
extern const TestCase editor_refusal_tests[];
extern const TestCase editor_tests[];
extern const TestCase address_tests[];
extern const TestCase editor_race_tests[];
extern const TestCase serve_security_tests[];
extern const TestCase serve_audio_tests[];
extern const TestCase serve_meters_tests[];
extern const TestCase serve_curves_tests[];
extern const TestCase serve_console_tests[];
extern const TestCase serve_protocol_tests[];
extern const TestCase bypass_tests[];
extern const TestCase assist_frame_tests[];

static const TestCase* const suites[] = {session_tests, automation_tests, dsp_tests,        engine_tests,
                                         eq_tests,      compressor_tests, limiter_tests,    gate_tests,
                                         deesser_tests, sidechain_tests,  finish_tests,
                                         plot_tests,    lv2_tests,        reverb_tests,
                                         delay_tests,   chorus_tests,     saturation_tests, pitch_tests,
                                         kernel_tests,  live_tests,       sum_tree_tests,   writer_tests,
                                         pan_law_tests, loudness_tests, checked_number_tests,
                                         atomic_file_tests, plan_tests,   cache_tests,
                                         clip_tests,    source_tests,   control_tests,
                                         yaml_access_tests, take_tests, keys_tests,     yaml_edit_tests, yaml_edit_list_tests,
                                         yaml_edit_layout_tests, address_tests, editor_tests, editor_race_tests,
                                         editor_refusal_tests, serve_security_tests, serve_audio_tests,
                                         serve_meters_tests, serve_curves_tests, serve_console_tests, serve_protocol_tests,
                                         bypass_tests, assist_frame_tests};

static void
remove_test_dir(void)
{
  char command[700];
  snprintf(command, sizeof command, "rm -rf '%s'", test_dir());
  if (system(command) != 0) {
    fprintf(stderr, "could not remove %s\n", test_dir());
  }
}

enum { TEST_PASSED, TEST_FAILED, TEST_SKIPPED };

static int
run_one(const TestCase* t)
{
  fflush(stdout);
  fflush(stderr);
  test_current_name = t->name;
  const pid_t pid = fork();
  if (pid == 0) {
    t->run();
    fflush(stderr);
    exit(test_failures ? 1 : 0); // exit, not _exit: LeakSanitizer checks at exit
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) {
    fprintf(stderr, "    crashed with signal %d\n", WTERMSIG(status));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
    return TEST_SKIPPED;
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? TEST_PASSED : TEST_FAILED;
}

int
main(int argc, char** argv)
{
  const char* only = argc > 1 ? argv[1] : NULL;
  unsigned passed  = 0U;
  unsigned failed  = 0U;
  unsigned skipped = 0U;
  test_dir();
  for (size_t s = 0U; s < sizeof suites / sizeof suites[0]; ++s) {
    for (const TestCase* t = suites[s]; t->name; ++t) {
      if (only && !strstr(t->name, only)) {
        continue;
      }
      const int result = run_one(t);
      printf("%s %s\n", result == TEST_PASSED ? "ok  " : result == TEST_SKIPPED ? "skip" : "FAIL", t->name);
      result == TEST_PASSED ? ++passed : result == TEST_SKIPPED ? ++skipped : ++failed;
    }
  }
  remove_test_dir();
  printf("unit: %u passed, %u failed, %u skipped\n", passed, failed, skipped);
  return failed ? 1 : 0;
}
