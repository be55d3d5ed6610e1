// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The editable session's save (issue 18) through the public API: a file
// changed on disk between open and save is never written over (the save is
// refused and the file keeps the bytes someone else wrote); an unchanged
// file is saved, and saved again after the editor's own save; a refused
// edit leaves the editor's text as it was; save keeps the file's mode.

#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char session_text[] = "# a session someone keeps in git\n"
                                   "mixdown: 1\n"
                                   "tracks:\n"
                                   "  - name: vocal\n"
                                   "    file: race-vocal.wav   # the take\n"
                                   "    gain_db: -3\n";

// Errors the editor reported, kept for the checks.
typedef struct {
  unsigned errors;
  unsigned line;
  char     message[512];
} Reported;

static void
collect(void* user, const MixdownDiagnostic* d)
{
  Reported* r = user;
  if (d->severity == MIXDOWN_SEVERITY_ERROR) {
    if (!r->errors++) {
      r->line = d->line;
      snprintf(r->message, sizeof r->message, "%s", d->message);
    }
  }
}

static void
write_bytes(const char* path, const char* text, size_t length)
{
  FILE* f = fopen(path, "wb");
  CHECK(f && fwrite(text, 1, length, f) == length);
  if (f) {
    CHECK(fclose(f) == 0);
  }
}

// A fresh session file `name` beside a one-second tone it reads.
static const char*
fresh_session(const char* name)
{
  static float tone[48000];
  for (size_t i = 0; i < 48000U; ++i) {
    tone[i] = (float)(0.25 * ((i / 24U) % 2U ? 1.0 : -1.0));
  }
  test_write_wav(test_path("race-vocal.wav"), tone, 48000U, 1U, 48000U);
  const char* path = test_path(name);
  write_bytes(path, session_text, strlen(session_text));
  return path;
}

static bool
file_is(const char* path, const char* want)
{
  size_t length = 0U;
  char*  got    = test_read_file(path, &length);
  bool   same   = got && length == strlen(want) && !memcmp(got, want, length);
  free(got);
  return same;
}

static void
test_changed_on_disk_is_not_overwritten(void)
{
  const char*    path   = fresh_session("race.yaml");
  Reported       r      = {0};
  MixdownEditor* editor = NULL;
  CHECK(mixdown_editor_open(path, collect, &r, &editor) == MIXDOWN_SUCCESS && editor);
  if (!editor) {
    return;
  }
  CHECK(mixdown_editor_set(editor, "/track/vocal/gain_db", "-4") == MIXDOWN_SUCCESS);

  // Someone else saves the file meanwhile (an editor, git checkout …).
  static const char theirs[] = "# a session someone keeps in git\n"
                               "mixdown: 1\n"
                               "tracks:\n"
                               "  - name: vocal\n"
                               "    file: race-vocal.wav   # the take\n"
                               "    gain_db: -3\n"
                               "    pan: 0.5               # their change\n";
  write_bytes(path, theirs, strlen(theirs));

  r = (Reported){0};
  CHECK(mixdown_editor_save(editor, NULL) != MIXDOWN_SUCCESS);
  CHECK_MSG(file_is(path, theirs), "the file changed on disk was written over");
  CHECK_MSG(r.errors >= 1U, "a refused save reports why (%u errors)", r.errors);
  mixdown_editor_free(editor);
}

static void
test_same_length_change_is_seen(void)
{
  // Their change has exactly the bytes' count of the original: only the
  // contents tell that the file is not the one read.
  const char*    path   = fresh_session("race-same-length.yaml");
  Reported       r      = {0};
  MixdownEditor* editor = NULL;
  CHECK(mixdown_editor_open(path, collect, &r, &editor) == MIXDOWN_SUCCESS && editor);
  if (!editor) {
    return;
  }
  CHECK(mixdown_editor_set(editor, "/track/vocal/gain_db", "-5") == MIXDOWN_SUCCESS);
  char theirs[sizeof session_text];
  memcpy(theirs, session_text, sizeof session_text);
  char* gain = strstr(theirs, "gain_db: -3");
  CHECK(gain != NULL);
  if (gain) {
    gain[10] = '6'; // -3 → -6, same length
  }
  write_bytes(path, theirs, strlen(theirs));
  CHECK(mixdown_editor_save(editor, NULL) != MIXDOWN_SUCCESS);
  CHECK_MSG(file_is(path, theirs), "a same-length change on disk was written over");
  mixdown_editor_free(editor);
}

static void
test_removed_file_is_not_recreated_silently(void)
{
  const char*    path   = fresh_session("race-removed.yaml");
  MixdownEditor* editor = NULL;
  CHECK(mixdown_editor_open(path, NULL, NULL, &editor) == MIXDOWN_SUCCESS && editor);
  if (!editor) {
    return;
  }
  CHECK(mixdown_editor_set(editor, "/track/vocal/gain_db", "-4") == MIXDOWN_SUCCESS);
  CHECK(remove(path) == 0);
  CHECK(mixdown_editor_save(editor, NULL) != MIXDOWN_SUCCESS);
  struct stat st;
  CHECK_MSG(stat(path, &st) != 0, "a session removed on disk was written again");
  mixdown_editor_free(editor);
}

static void
test_unchanged_file_saves_twice(void)
{
  const char* path = fresh_session("race-twice.yaml");
  CHECK(chmod(path, 0640) == 0);
  MixdownEditor* editor = NULL;
  CHECK(mixdown_editor_open(path, NULL, NULL, &editor) == MIXDOWN_SUCCESS && editor);
  if (!editor) {
    return;
  }
  CHECK(mixdown_editor_set(editor, "/track/vocal/gain_db", "-4") == MIXDOWN_SUCCESS);
  CHECK(mixdown_editor_save(editor, NULL) == MIXDOWN_SUCCESS);
  size_t      length = 0U;
  const char* text   = mixdown_editor_text(editor, &length);
  CHECK(text && file_is(path, text));
  CHECK(strstr(text ? text : "", "    gain_db: -4\n") != NULL);
  struct stat st;
  CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0640);

  // The editor's own save is what it now expects on disk: a second edit saves.
  CHECK(mixdown_editor_set(editor, "/track/vocal/gain_db", "-5") == MIXDOWN_SUCCESS);
  CHECK(mixdown_editor_save(editor, NULL) == MIXDOWN_SUCCESS);
  CHECK(file_is(path,
                "# a session someone keeps in git\n"
                "mixdown: 1\n"
                "tracks:\n"
                "  - name: vocal\n"
                "    file: race-vocal.wav   # the take\n"
                "    gain_db: -5\n"));
  mixdown_editor_free(editor);
}

static void
test_refused_edit_keeps_the_text(void)
{
  const char*    path   = fresh_session("race-refused.yaml");
  Reported       r      = {0};
  MixdownEditor* editor = NULL;
  CHECK(mixdown_editor_open(path, collect, &r, &editor) == MIXDOWN_SUCCESS && editor);
  if (!editor) {
    return;
  }
  r = (Reported){0};
  CHECK(mixdown_editor_set(editor, "/track/vocal/gain_db", "30") != MIXDOWN_SUCCESS);
  CHECK_MSG(r.errors >= 1U && r.line == 6U, "the refusal is reported at the value (line %u: %s)", r.line,
            r.message);
  CHECK_MSG(strstr(r.message, "/track/vocal/gain_db") && strstr(r.message, "24"),
            "the message names the address and the range: %s", r.message);
  CHECK(mixdown_editor_set_number(editor, "/track/vocal/gain_db", NAN) != MIXDOWN_SUCCESS);
  CHECK(mixdown_editor_append(editor, "/track/vocal/inserts", "{type: compresser}") != MIXDOWN_SUCCESS);
  CHECK(mixdown_editor_remove(editor, "/track/vocal/inserts", "3") != MIXDOWN_SUCCESS);
  size_t      length = 0U;
  const char* text   = mixdown_editor_text(editor, &length);
  CHECK(text && length == strlen(session_text) && !memcmp(text, session_text, length));
  char* diff = mixdown_editor_diff(editor);
  CHECK(diff && diff[0] == '\0');
  free(diff);
  CHECK(file_is(path, session_text));
  mixdown_editor_free(editor);
}

static void
test_diff_and_model_follow_the_edit(void)
{
  const char*    path   = fresh_session("race-diff.yaml");
  MixdownEditor* editor = NULL;
  CHECK(mixdown_editor_open(path, NULL, NULL, &editor) == MIXDOWN_SUCCESS && editor);
  if (!editor) {
    return;
  }
  CHECK(mixdown_editor_set_number(editor, "/track/vocal/gain_db", -4.5) == MIXDOWN_SUCCESS);
  char* diff = mixdown_editor_diff(editor);
  CHECK(diff && strstr(diff, "\n-    gain_db: -3\n") && strstr(diff, "\n+    gain_db: -4.5\n"));
  free(diff);
  char*       value = NULL;
  const char* unit  = NULL;
  CHECK(mixdown_editor_get(editor, "/track/vocal/gain_db", &value, &unit) == MIXDOWN_SUCCESS);
  CHECK(value && !strcmp(value, "-4.5") && unit && !strcmp(unit, "dB"));
  free(value);
  CHECK(mixdown_editor_session(editor) != NULL);
  CHECK(file_is(path, session_text)); // nothing written before save
  mixdown_editor_free(editor);
}

const TestCase editor_race_tests[] = {
  {"editor: a file changed on disk is not overwritten", test_changed_on_disk_is_not_overwritten},
  {"editor: a same-length change on disk is seen", test_same_length_change_is_seen},
  {"editor: a file removed on disk is not written again", test_removed_file_is_not_recreated_silently},
  {"editor: an unchanged file saves, twice, keeping its mode", test_unchanged_file_saves_twice},
  {"editor: a refused edit keeps the text", test_refused_edit_keeps_the_text},
  {"editor: diff, get and nothing written before save", test_diff_and_model_follow_the_edit},
  {NULL, NULL},
};
