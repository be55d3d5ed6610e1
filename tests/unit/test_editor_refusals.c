// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The editable session through the public API: a name the file does not
// have is refused at the place where the names are (`tracks:`, the strip,
// `inserts:`, the insert, the root) in block YAML, JSON and CR LF files;
// an output pointed at a file the session reads is refused at once, as a
// render would refuse it; values are given as YAML that reads back the
// same (a musical time quoted, without the seconds' unit); a track's own
// `file:` is set in place; a save waits for another save of the same file
// between its check and its rename, and then refuses.

#include "support.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>


static MixdownEditor*
open_text(const char* text, TestSaid* said)
{
  test_write_sine(test_path("a.wav"), 440.0, 0.25, 0.5, 1U, 48000U);
  MixdownEditor*      ed = NULL;
  const MixdownStatus st = mixdown_editor_open_string(text, strlen(text), "s.yaml", test_dir(), test_said_error, said, &ed);
  CHECK_MSG(st == MIXDOWN_SUCCESS, "open: %s (%s)", mixdown_strerror(st), said->message);
  return ed;
}

// What the editors opened here said (their diagnostic callback's data).
static TestSaid said_here;

// Setting `address` is refused at `line`:`column`, the message naming the
// address and `words`; the text stays as it was.
static void
refused(MixdownEditor* ed, const char* address, unsigned line, unsigned column, const char* words)
{
  size_t      before = 0U;
  char*       copy   = strdup(mixdown_editor_text(ed, &before));
  said_here          = (TestSaid){0};
  CHECK_MSG(mixdown_editor_set(ed, address, "1") != MIXDOWN_SUCCESS, "%s: accepted", address);
  size_t      after = 0U;
  const char* now   = mixdown_editor_text(ed, &after);
  CHECK_MSG(copy && after == before && !memcmp(now, copy, after), "%s: the text changed", address);
  free(copy);
  CHECK_MSG(said_here.count >= 1U && said_here.line == line && said_here.column == column,
            "%s: said at %u:%u, expected %u:%u (`%s`)", address, said_here.line, said_here.column, line, column,
            said_here.message);
  CHECK_MSG(strstr(said_here.message, address) && strstr(said_here.message, words), "%s: said `%s`", address,
            said_here.message);
}

static const char block_text[] = "mixdown: 1\n"
                                 "tracks:\n"
                                 "  - name: a\n"
                                 "    file: a.wav\n"
                                 "    inserts:\n"
                                 "      - {type: compressor, ratio: 2}\n"
                                 "  - name: b\n"
                                 "    file: a.wav\n";

static void
test_unknown_names_said_where_the_names_are(void)
{
  MixdownEditor* ed = open_text(block_text, &said_here);
  if (!ed) {
    return;
  }
  refused(ed, "/track/aa/gain_db", 2U, 1U, "did you mean `a`");             // the `tracks:` key
  refused(ed, "/track/a/gain", 3U, 5U, "did you mean `gain_db`");           // the strip
  refused(ed, "/track/a/insert/compresser/ratio", 5U, 5U, "`compressor`"); // `inserts:`
  refused(ed, "/track/a/insert/3/ratio", 5U, 5U, "1 insert: 3");           // `inserts:`
  refused(ed, "/track/a/insert/1/rattio", 6U, 9U, "`ratio`");              // the insert
  refused(ed, "/track/b/insert/1/ratio", 7U, 5U, "0 inserts");             // no `inserts:`: the strip
  refused(ed, "/tempoo", 1U, 1U, "`tempo`");                               // the root
  mixdown_editor_free(ed);

  // JSON, one line: the `"tracks"` key and the insert's `{`.
  static const char json[] = "{\"mixdown\":1,\"tracks\":[{\"name\":\"a\",\"file\":\"a.wav\","
                             "\"inserts\":[{\"type\":\"gain\",\"gain_db\":1}]}]}";
  if (!(ed = open_text(json, &said_here))) {
    return;
  }
  refused(ed, "/track/aa/gain_db", 1U, 14U, "`a`");
  refused(ed, "/track/a/insert/1/gain", 1U, 62U, "`gain_db`");
  refused(ed, "/track/a/insert/2/gain_db", 1U, 51U, "1 insert: 2");
  mixdown_editor_free(ed);

  // CR LF: the same places as LF.
  char crlf[sizeof block_text * 2U];
  size_t n = 0U;
  for (const char* p = block_text; *p; ++p) {
    if (*p == '\n') {
      crlf[n++] = '\r';
    }
    crlf[n++] = *p;
  }
  crlf[n] = '\0';
  if (!(ed = open_text(crlf, &said_here))) {
    return;
  }
  refused(ed, "/track/aa/gain_db", 2U, 1U, "`a`");
  refused(ed, "/track/a/insert/1/rattio", 6U, 9U, "`ratio`");
  mixdown_editor_free(ed);
}

// The value at `address` is `want` with unit `unit`.
static void
check_get(MixdownEditor* ed, const char* address, const char* want, const char* unit)
{
  char*       value = NULL;
  const char* u     = NULL;
  CHECK_MSG(mixdown_editor_get(ed, address, &value, &u) == MIXDOWN_SUCCESS, "get %s", address);
  CHECK_MSG(value && !strcmp(value, want), "get %s = `%s`, expected `%s`", address, value ? value : "(null)", want);
  CHECK_MSG(u && !strcmp(u, unit), "get %s: unit `%s`, expected `%s`", address, u ? u : "(null)", unit);
  free(value);
}

static void
test_values_read_back_the_same(void)
{
  MixdownEditor* ed = open_text("mixdown: 1\n"
                                "tempo: 120\n"
                                "length: \"2:1\"\n"
                                "tracks:\n"
                                "  - name: a\n"
                                "    file: a.wav\n"
                                "    gain_db: {points: [[0, -6], [\"1:3\", 0]]}\n"
                                "    inserts: [{type: delay, time: \"1/8\"}]\n",
                                &said_here);
  if (!ed) {
    return;
  }
  check_get(ed, "/length", "\"2:1\"", ""); // bars and beats: no seconds
  check_get(ed, "/track/a/gain_db", "{points: [[0, -6], [\"1:3\", 0]]}", "dB");
  check_get(ed, "/track/a/insert/1/time", "\"1/8\"", "");
  CHECK(mixdown_editor_set(ed, "/length", "2.5") == MIXDOWN_SUCCESS);
  check_get(ed, "/length", "2.5", "s");
  // A track's own `file:` is set where it is (not written out as `clips:`).
  CHECK(mixdown_editor_set(ed, "/track/a/file", "a.wav") == MIXDOWN_SUCCESS);
  CHECK_MSG(said_here.count == 0U, "said `%s`", said_here.message);
  mixdown_editor_free(ed);
}

static void
test_output_over_a_source_refused(void)
{
  static const char text[] = "mixdown: 1\n"
                             "tracks:\n"
                             "  - name: a\n"
                             "    file: a.wav\n"
                             "output: {file: mix.wav}\n";
  MixdownEditor* ed = open_text(text, &said_here);
  if (!ed) {
    return;
  }
  char source[600];
  snprintf(source, sizeof source, "%s", test_path("a.wav"));
  said_here = (TestSaid){0};
  CHECK(mixdown_editor_set(ed, "/output/file", source) == MIXDOWN_ERR_SESSION);
  CHECK_MSG(said_here.line == 5U && said_here.column == 16U && strstr(said_here.message, "/output/file: ") &&
              strstr(said_here.message, "source of track `a`"),
            "said %u:%u `%s`", said_here.line, said_here.column, said_here.message);
  size_t length = 0U;
  CHECK(!strcmp(mixdown_editor_text(ed, &length), text));
  CHECK(mixdown_editor_set(ed, "/output/file", "other.wav") == MIXDOWN_SUCCESS);
  mixdown_editor_free(ed);

  // Two outputs to one file.
  if (!(ed = open_text("mixdown: 1\n"
                       "tracks: [{name: a, file: a.wav}]\n"
                       "outputs: [{file: x.wav}, {file: y.flac}]\n",
                       &said_here))) {
    return;
  }
  said_here = (TestSaid){0};
  CHECK(mixdown_editor_set(ed, "/outputs/2/file", "x.wav") == MIXDOWN_ERR_SESSION);
  CHECK_MSG(strstr(said_here.message, "/outputs/2/file: output 1 of 2 and output 2 of 2"), "said `%s`",
            said_here.message);
  mixdown_editor_free(ed);
}

// Whether /proc/locks shows process `pid` waiting for a lock.
static bool
waiting_for_a_lock(pid_t pid)
{
  FILE* f = fopen("/proc/locks", "r");
  if (!f) {
    return false;
  }
  char line[256];
  char want[32];
  snprintf(want, sizeof want, " %ld ", (long)pid);
  bool waiting = false;
  while (!waiting && fgets(line, sizeof line, f)) {
    waiting = strstr(line, " -> ") && strstr(line, want);
  }
  fclose(f);
  return waiting;
}

// Another save of the file holds it (as between its check and its
// rename): this save waits, then sees the other's bytes and refuses —
// never both kept, one edit silently lost.
static void
test_concurrent_saves_do_not_lose_an_edit(void)
{
  static const char text[] = "mixdown: 1\ntracks:\n  - name: a\n    file: a.wav\n    gain_db: -3\n";
  static const char other[] = "mixdown: 1\ntracks:\n  - name: a\n    file: a.wav\n    gain_db: -9\n";
  test_write_sine(test_path("a.wav"), 440.0, 0.25, 0.5, 1U, 48000U);
  char path[600];
  snprintf(path, sizeof path, "%s", test_path("race.yaml"));
  FILE* f = fopen(path, "wb");
  CHECK(f && fwrite(text, 1U, strlen(text), f) == strlen(text));
  if (f) {
    fclose(f);
  }
  MixdownEditor* ed = NULL;
  said_here         = (TestSaid){0};
  if (mixdown_editor_open(path, test_said_error, &said_here, &ed) != MIXDOWN_SUCCESS) {
    CHECK_MSG(false, "open: %s", said_here.message);
    return;
  }
  CHECK(mixdown_editor_set(ed, "/track/a/gain_db", "-4") == MIXDOWN_SUCCESS);
  const int held = open(path, O_RDONLY);
  CHECK(held >= 0 && flock(held, LOCK_EX) == 0);
  const pid_t child = fork();
  if (child == 0) {
    close(held); // the other save's lock is not this one's
    const MixdownStatus st = mixdown_editor_save(ed, NULL);
    _exit(st == MIXDOWN_SUCCESS ? 0 : st == MIXDOWN_ERR_SESSION ? 3 : 4);
  }
  // Until the child either waits for the lock or is done (polled, bounded).
  int  status = 0;
  bool done   = false;
  for (int polls = 0; polls < 30000 && !done && !waiting_for_a_lock(child); ++polls) {
    done = waitpid(child, &status, WNOHANG) == child;
    usleep(1000);
  }
  CHECK_MSG(!done, "the save went ahead while another save held the file (exit %d)",
            WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  // The other save puts its bytes in place (temporary + rename), then lets go.
  char temp[620];
  snprintf(temp, sizeof temp, "%s.other", path);
  f = fopen(temp, "wb");
  CHECK(f && fwrite(other, 1U, strlen(other), f) == strlen(other));
  if (f) {
    fclose(f);
  }
  CHECK(rename(temp, path) == 0);
  close(held);
  if (!done) {
    CHECK(waitpid(child, &status, 0) == child);
    CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 3, "the waiting save: exit %d (3: refused)",
              WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  }
  char   got[200] = "";
  FILE*  in       = fopen(path, "rb");
  size_t n        = in ? fread(got, 1U, sizeof got - 1U, in) : 0U;
  got[n]          = '\0';
  if (in) {
    fclose(in);
  }
  CHECK_MSG(!strcmp(got, other), "the file holds\n%s", got);
  mixdown_editor_free(ed);
}

const TestCase editor_refusal_tests[] = {
  {"editor_concurrent_saves_do_not_lose_an_edit", test_concurrent_saves_do_not_lose_an_edit},
  {"editor_unknown_names_said_where_the_names_are", test_unknown_names_said_where_the_names_are},
  {"editor_values_read_back_the_same", test_values_read_back_the_same},
  {"editor_output_over_a_source_refused", test_output_over_a_source_refused},
  {NULL, NULL},
};
