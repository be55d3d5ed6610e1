// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The editable session through the public API (mixdown.h
// mixdown_editor_*): a set read back by get, the one line it changes, the
// exact diff, a refused edit that leaves the text byte for byte as it was
// (and says where and why), defaults of values not written, points in time
// order, removal by name, and saving: over the file (its mode kept),
// refused over a file changed on disk, a copy in another folder that
// renders the same mix.  The unified diff itself (util/line_diff.c) is
// checked against texts whose diff is known.

#include "support.h"
#include "util/line_diff.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char session_text[] = "mixdown: 1\n"
                                   "sample_rate: 48000\n"
                                   "\n"
                                   "# the band\n"
                                   "tracks:\n"
                                   "  - name: a\n"
                                   "    file: a.wav   # the tone\n"
                                   "    gain_db: -3\n"
                                   "  - name: b\n"
                                   "    file: a.wav\n"
                                   "    gain_db: -6   # quieter\n"
                                   "    pan: {points: [[0, -0.5], [1, 0.5]]}\n"
                                   "    inserts:\n"
                                   "      - {type: gain, gain_db: 1}\n"
                                   "      - {type: eq, bands: [{type: bell, freq: 1000, gain_db: 2}]}\n";


static MixdownEditor*
open_editor(TestSaid* said)
{
  test_write_sine(test_path("a.wav"), 440.0, 0.25, 0.5, 1U, 48000U);
  MixdownEditor*      ed = NULL;
  const MixdownStatus st =
    mixdown_editor_open_string(session_text, strlen(session_text), "s.yaml", test_dir(), test_said_error, said, &ed);
  CHECK_MSG(st == MIXDOWN_SUCCESS, "open: %s (%s)", mixdown_strerror(st), said->message);
  return ed;
}

// The value at `address` is `want` (with unit `unit`).
static void
check_get(MixdownEditor* ed, const char* address, const char* want, const char* unit)
{
  char*               value = NULL;
  const char*         u     = NULL;
  const MixdownStatus st    = mixdown_editor_get(ed, address, &value, &u);
  CHECK_MSG(st == MIXDOWN_SUCCESS, "get %s: %s", address, mixdown_strerror(st));
  CHECK_MSG(value && !strcmp(value, want), "get %s = `%s`, expected `%s`", address, value ? value : "(null)", want);
  CHECK_MSG(u && !strcmp(u, unit), "get %s: unit `%s`, expected `%s`", address, u ? u : "(null)", unit);
  free(value);
}

static void
check_text(const MixdownEditor* ed, const char* want)
{
  size_t      length = 0U;
  const char* text   = mixdown_editor_text(ed, &length);
  CHECK_MSG(text && length == strlen(want) && !memcmp(text, want, length), "text is\n%s\nexpected\n%s",
            text ? text : "(null)", want);
}

static void
check_diff(const MixdownEditor* ed, const char* want)
{
  char* diff = mixdown_editor_diff(ed);
  CHECK_MSG(diff && !strcmp(diff, want), "diff is\n%s\nexpected\n%s", diff ? diff : "(null)", want);
  free(diff);
}

static void
test_set_then_get(void)
{
  TestSaid           said = {0};
  MixdownEditor* ed   = open_editor(&said);
  if (!ed) {
    return;
  }
  check_get(ed, "/track/a/gain_db", "-3", "dB");
  CHECK(mixdown_editor_set(ed, "/track/a/gain_db", "-4") == MIXDOWN_SUCCESS);
  check_get(ed, "/track/a/gain_db", "-4", "dB");
  CHECK(mixdown_editor_set_number(ed, "/track/b/insert/gain/gain_db", 1.5) == MIXDOWN_SUCCESS);
  check_get(ed, "/track/b/insert/1/gain_db", "1.5", "dB");
  CHECK(mixdown_editor_set(ed, "/track/b/insert/2/bands/1/freq", "1200") == MIXDOWN_SUCCESS);
  check_get(ed, "/track/b/insert/eq/bands/1/freq", "1200", "Hz");
  // The model follows the text.
  const MixdownSession* s = mixdown_editor_session(ed);
  CHECK(s != NULL);
  CHECK(said.count == 0U);
  mixdown_editor_free(ed);
}

// Only the edited value's bytes change: its line keeps its comment.
static void
test_set_changes_one_line_and_the_diff_says_so(void)
{
  TestSaid           said = {0};
  MixdownEditor* ed   = open_editor(&said);
  if (!ed) {
    return;
  }
  check_diff(ed, "");
  CHECK(mixdown_editor_set(ed, "/track/b/gain_db", "-7.5") == MIXDOWN_SUCCESS);
  check_diff(ed, "--- a/s.yaml\n"
                 "+++ b/s.yaml\n"
                 "@@ -8,7 +8,7 @@\n"
                 "     gain_db: -3\n"
                 "   - name: b\n"
                 "     file: a.wav\n"
                 "-    gain_db: -6   # quieter\n"
                 "+    gain_db: -7.5   # quieter\n"
                 "     pan: {points: [[0, -0.5], [1, 0.5]]}\n"
                 "     inserts:\n"
                 "       - {type: gain, gain_db: 1}\n");
  mixdown_editor_free(ed);
}

// An edit the validator refuses leaves the text as it was, and is said
// at the value's place in the text as it was, with the address.
static void
test_refused_edit_leaves_the_text(void)
{
  TestSaid           said = {0};
  MixdownEditor* ed   = open_editor(&said);
  if (!ed) {
    return;
  }
  CHECK(mixdown_editor_set(ed, "/track/a/gain_db", "99") == MIXDOWN_ERR_SESSION);
  check_text(ed, session_text);
  CHECK_MSG(said.count >= 1U && said.line == 8U && said.column == 14U, "said at %u:%u", said.line, said.column);
  CHECK_MSG(!strncmp(said.message, "/track/a/gain_db: ", 18U) && strstr(said.message, "99"), "said `%s`",
            said.message);
  // An unknown name: the nearest one.
  said = (TestSaid){0};
  CHECK(mixdown_editor_set(ed, "/track/bb/gain_db", "1") == MIXDOWN_ERR_BAD_ARG);
  CHECK_MSG(strstr(said.message, "/track/bb/gain_db") && strstr(said.message, "`b`"), "said `%s`", said.message);
  // Not YAML, a wrong kind, an envelope out of order.
  CHECK(mixdown_editor_set(ed, "/track/a/gain_db", "[1, ") != MIXDOWN_SUCCESS);
  CHECK(mixdown_editor_set(ed, "/track/a/gain_db", "loud") == MIXDOWN_ERR_SESSION);
  CHECK(mixdown_editor_set(ed, "/track/b/pan", "{points: [[2, 0], [1, 0.5]]}") == MIXDOWN_ERR_SESSION);
  CHECK(mixdown_editor_append(ed, "/track/b/inserts", "{type: gian}") == MIXDOWN_ERR_SESSION);
  check_text(ed, session_text);
  check_diff(ed, "");
  mixdown_editor_free(ed);
}

static void
test_defaults_points_and_removal(void)
{
  TestSaid           said = {0};
  MixdownEditor* ed   = open_editor(&said);
  if (!ed) {
    return;
  }
  check_get(ed, "/track/a/pan", "0", "");
  check_get(ed, "/track/a/mute", "false", "");
  check_get(ed, "/track/b/pan", "{points: [[0, -0.5], [1, 0.5]]}", "");
  // A point between the two goes between them.
  CHECK(mixdown_editor_append(ed, "/track/b/pan/points", "[0.5, 0]") == MIXDOWN_SUCCESS);
  check_get(ed, "/track/b/pan/points", "[[0, -0.5], [0.5, 0], [1, 0.5]]", "");
  // A key not written is added; a removed insert by its type.
  CHECK(mixdown_editor_set(ed, "/track/a/pan", "0.25") == MIXDOWN_SUCCESS);
  check_get(ed, "/track/a/pan", "0.25", "");
  CHECK(mixdown_editor_remove(ed, "/track/b/inserts", "gain") == MIXDOWN_SUCCESS);
  check_get(ed, "/track/b/insert/1/bands/1/freq", "1000", "Hz");
  CHECK(mixdown_editor_remove(ed, "/track/b/inserts", "3") == MIXDOWN_ERR_SESSION);
  CHECK_MSG(strstr(said.message, "the list has 1 item: 3 is not one"), "said `%s`", said.message);
  mixdown_editor_free(ed);
}

/* Saving ---------------------------------------------------------------------- */

static char*
read_file(const char* path, size_t* length)
{
  FILE* f = fopen(path, "rb");
  if (!f) {
    return NULL;
  }
  char*  text = calloc(1U, 1U << 16);
  *length     = text ? fread(text, 1U, (1U << 16) - 1U, f) : 0U;
  fclose(f);
  return text;
}

static void
write_file(const char* path, const char* text)
{
  FILE* f = fopen(path, "wb");
  CHECK(f != NULL);
  if (f) {
    fputs(text, f);
    fclose(f);
  }
}

static void
test_save_over_the_file_keeps_its_mode(void)
{
  test_write_sine(test_path("a.wav"), 440.0, 0.25, 0.5, 1U, 48000U);
  const char* path = test_path("mode.yaml");
  write_file(path, session_text);
  CHECK(chmod(path, 0640) == 0);
  TestSaid           said = {0};
  MixdownEditor* ed   = NULL;
  CHECK(mixdown_editor_open(path, test_said_error, &said, &ed) == MIXDOWN_SUCCESS);
  if (!ed) {
    return;
  }
  CHECK(mixdown_editor_set(ed, "/track/a/gain_db", "-4") == MIXDOWN_SUCCESS);
  CHECK(mixdown_editor_save(ed, NULL) == MIXDOWN_SUCCESS);
  struct stat st;
  CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640);
  size_t      length = 0U, edited = 0U;
  char*       text   = read_file(path, &length);
  const char* want   = mixdown_editor_text(ed, &edited);
  CHECK(text && length == edited && !memcmp(text, want, length));
  // A second edit and save: the file saved is the one compared.
  CHECK(mixdown_editor_set(ed, "/track/a/gain_db", "-5") == MIXDOWN_SUCCESS);
  CHECK(mixdown_editor_save(ed, NULL) == MIXDOWN_SUCCESS);
  free(text);
  text = read_file(path, &length);
  CHECK(text && strstr(text, "gain_db: -5\n"));
  free(text);
  mixdown_editor_free(ed);
}

static void
test_save_refuses_a_file_changed_on_disk(void)
{
  test_write_sine(test_path("a.wav"), 440.0, 0.25, 0.5, 1U, 48000U);
  const char* path = test_path("changed.yaml");
  write_file(path, session_text);
  TestSaid           said = {0};
  MixdownEditor* ed   = NULL;
  CHECK(mixdown_editor_open(path, test_said_error, &said, &ed) == MIXDOWN_SUCCESS);
  if (!ed) {
    return;
  }
  CHECK(mixdown_editor_set(ed, "/track/a/gain_db", "-4") == MIXDOWN_SUCCESS);
  char* other = strdup(session_text);
  memcpy(strstr(other, "freq: 1000"), "freq: 1001", 10U); // the same size: only the bytes tell
  write_file(path, other);
  CHECK(mixdown_editor_save(ed, NULL) == MIXDOWN_ERR_SESSION);
  CHECK_MSG(strstr(said.message, "changed on disk since it was read: nothing written"), "said `%s`", said.message);
  size_t length = 0U;
  char*  text   = read_file(path, &length);
  CHECK(text && length == strlen(other) && !memcmp(text, other, length));
  free(text);
  free(other);
  mixdown_editor_free(ed);
}

static bool
same_mix(const TestMix* a, const TestMix* b)
{
  return a->frames == b->frames && a->frames > 0U && !memcmp(a->left, b->left, a->frames * sizeof(float)) &&
         !memcmp(a->right, b->right, a->frames * sizeof(float));
}

// A copy in another folder reads the same files: the same mix.
static void
test_copy_in_another_folder_renders_the_same(void)
{
  char dir[600];
  snprintf(dir, sizeof dir, "%s/song", test_dir());
  CHECK(mkdir(dir, 0755) == 0);
  char wav[700], path[700], copy[700];
  snprintf(wav, sizeof wav, "%s/a.wav", dir);
  snprintf(path, sizeof path, "%s/s.yaml", dir);
  snprintf(copy, sizeof copy, "%s/variations/one/s.yaml", test_dir());
  test_write_sine(wav, 440.0, 0.25, 0.5, 1U, 48000U);
  write_file(path, session_text);
  TestSaid           said = {0};
  MixdownEditor* ed   = NULL;
  CHECK(mixdown_editor_open(path, test_said_error, &said, &ed) == MIXDOWN_SUCCESS);
  if (!ed) {
    return;
  }
  CHECK(mixdown_editor_set(ed, "/track/a/gain_db", "-4") == MIXDOWN_SUCCESS);
  CHECK(mixdown_editor_save(ed, copy) == MIXDOWN_SUCCESS);
  size_t length = 0U;
  char*  text   = read_file(copy, &length);
  CHECK_MSG(text && strstr(text, "    file: ../../song/a.wav   # the tone\n"), "copy:\n%s", text ? text : "");
  free(text);
  // The file opened is as it was; the copy renders as the edited session.
  text = read_file(path, &length);
  CHECK(text && length == strlen(session_text) && !memcmp(text, session_text, length));
  free(text);
  MixdownSession* copied = NULL;
  CHECK(mixdown_session_open_file(copy, test_said_error, &said, &copied) == MIXDOWN_SUCCESS);
  TestMix a = {0}, b = {0};
  if (copied && test_render_session(mixdown_editor_session(ed), &a) && test_render_session(copied, &b)) {
    CHECK(same_mix(&a, &b));
  }
  test_mix_free(&a);
  test_mix_free(&b);
  mixdown_session_free(copied);
  // A copy may not replace a file the session reads.
  CHECK(mixdown_editor_save(ed, wav) == MIXDOWN_ERR_BAD_ARG);
  mixdown_editor_free(ed);
}

/* The diff ---------------------------------------------------------------------- */

static void
check_line_diff(const char* a, const char* b, const char* want)
{
  char* diff = md_line_diff_unified(a, strlen(a), b, strlen(b), "f", 3U);
  CHECK_MSG(diff && !strcmp(diff, want), "diff is\n%s\nexpected\n%s", diff ? diff : "(null)", want);
  free(diff);
}

static void
test_line_diff(void)
{
  check_line_diff("a\nb\n", "a\nb\n", "");
  // Two changes far apart: two hunks; close ones: one.
  check_line_diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", "1\nX\n3\n4\n5\n6\n7\n8\n9\n10\nY\n12\n",
                  "--- a/f\n+++ b/f\n"
                  "@@ -1,5 +1,5 @@\n 1\n-2\n+X\n 3\n 4\n 5\n"
                  "@@ -8,5 +8,5 @@\n 8\n 9\n 10\n-11\n+Y\n 12\n");
  check_line_diff("1\n2\n3\n4\n5\n6\n7\n8\n", "1\nX\n3\n4\n5\n6\nY\n8\n",
                  "--- a/f\n+++ b/f\n@@ -1,8 +1,8 @@\n 1\n-2\n+X\n 3\n 4\n 5\n 6\n-7\n+Y\n 8\n");
  // Added and removed lines; an empty side; CRLF kept; no final newline.
  check_line_diff("a\nb\nc\n", "a\nc\nd\n", "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n c\n+d\n");
  check_line_diff("", "x\n", "--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+x\n");
  check_line_diff("a\r\nb\r\n", "a\r\nc\r\n", "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\r\n-b\r\n+c\r\n");
  check_line_diff("a\nb", "a\nc", "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n"
                                  "+c\n\\ No newline at end of file\n");
}

const TestCase editor_tests[] = {
  {"editor_set_then_get", test_set_then_get},
  {"editor_set_changes_one_line", test_set_changes_one_line_and_the_diff_says_so},
  {"editor_refused_edit_leaves_the_text", test_refused_edit_leaves_the_text},
  {"editor_defaults_points_and_removal", test_defaults_points_and_removal},
  {"editor_save_keeps_mode", test_save_over_the_file_keeps_its_mode},
  {"editor_save_refuses_changed_on_disk", test_save_refuses_a_file_changed_on_disk},
  {"editor_copy_in_another_folder", test_copy_in_another_folder_renders_the_same},
  {"editor_line_diff", test_line_diff},
  {NULL, NULL},
};
