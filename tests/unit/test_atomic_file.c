// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// io/atomic_file.c: an output has no name in its folder until it is
// committed (or a locked `.NAME.partial-PID-XXXXXX` one where O_TMPFILE is
// missing); commit replaces the previous file keeping its mode; a dead
// run's temporaries are removed, a locked one is not; devices and FIFOs
// are written through (directly or spooled), never replaced.

#include "io/atomic_file.h"
#include "support.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

// Entries of `dir` (without . and ..), and the first one's name in `first`.
static unsigned
count_entries(const char* dir, char* first, size_t size)
{
  DIR*     d = opendir(dir);
  unsigned n = 0U;
  for (struct dirent* e = d ? readdir(d) : NULL; e; e = readdir(d)) {
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
      if (!n++ && first) {
        snprintf(first, size, "%s", e->d_name);
      }
    }
  }
  if (d) {
    closedir(d);
  }
  return n;
}

static const char*
fresh_dir(const char* name)
{
  const char* dir = test_path(name);
  mkdir(dir, 0777);
  return dir;
}

static void
write_text(const char* path, const char* text, mode_t mode)
{
  FILE* f = fopen(path, "w");
  CHECK(f && fputs(text, f) >= 0 && fclose(f) == 0);
  chmod(path, mode);
}

static bool
file_is(const char* path, const char* text)
{
  char  buffer[64] = "";
  FILE* f          = fopen(path, "r");
  const size_t n   = f ? fread(buffer, 1U, sizeof buffer - 1U, f) : 0U;
  if (f) {
    fclose(f);
  }
  buffer[n] = '\0';
  return !strcmp(buffer, text);
}

static void
write_fd(int fd, const char* text)
{
  CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
}

// Writing, then replacing a file of mode 0640: no name in the folder
// until commit, then the new content with the old mode.
static void
replace_and_check(bool unnamed)
{
  char        message[512];
  char        name[256] = "";
  const char* dir       = fresh_dir(unnamed ? "unnamed" : "named");
  char        path[600];
  snprintf(path, sizeof path, "%s/mix.wav", dir);
  write_text(path, "old", 0640);
  md_atomic_use_unnamed(unnamed);
  MdAtomicFile* f = NULL;
  CHECK(md_atomic_open(path, 0U, NULL, &f, message, sizeof message) == MIXDOWN_SUCCESS);
  CHECK(md_atomic_kind(f) == (unnamed ? MD_ATOMIC_UNNAMED : MD_ATOMIC_NAMED));
  write_fd(md_atomic_fd(f), "new");
  const unsigned while_writing = count_entries(dir, name, sizeof name);
  if (unnamed) {
    CHECK_MSG(while_writing == 1U, "%u entries while writing (want only mix.wav)", while_writing);
  } else {
    CHECK_MSG(while_writing == 2U, "%u entries while writing (want mix.wav and the temporary)", while_writing);
  }
  CHECK(file_is(path, "old"));
  CHECK(md_atomic_commit(f, message, sizeof message) == MIXDOWN_SUCCESS);
  struct stat st;
  CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640);
  CHECK(file_is(path, "new"));
  CHECK_MSG(count_entries(dir, NULL, 0U) == 1U, "a temporary is left beside the file");
  // Dropped: nothing changes, nothing is left.
  CHECK(md_atomic_open(path, 0U, NULL, &f, message, sizeof message) == MIXDOWN_SUCCESS);
  write_fd(md_atomic_fd(f), "dropped");
  md_atomic_abort(f);
  CHECK(file_is(path, "new") && count_entries(dir, NULL, 0U) == 1U);
  md_atomic_use_unnamed(true);
}

static void
test_unnamed_until_commit(void)
{
  replace_and_check(true);
}

static void
test_named_fallback(void)
{
  replace_and_check(false);
}

// A new file: 0666 less the umask, as any program's.
static void
test_new_file_mode(void)
{
  char          message[512];
  const char*   path = test_path("new.wav");
  MdAtomicFile* f    = NULL;
  const mode_t  mask = umask(022);
  CHECK(md_atomic_open(path, 0U, NULL, &f, message, sizeof message) == MIXDOWN_SUCCESS);
  CHECK(md_atomic_commit(f, message, sizeof message) == MIXDOWN_SUCCESS);
  struct stat st;
  CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644);
  umask(mask);
}

// The folder removed while writing: commit fails, naming the file.
static void
test_commit_failure_names_the_file(void)
{
  char          message[512] = "";
  const char*   dir          = fresh_dir("gone");
  char          path[600];
  MdAtomicFile* f = NULL;
  snprintf(path, sizeof path, "%s/mix.wav", dir);
  CHECK(md_atomic_open(path, 0U, NULL, &f, message, sizeof message) == MIXDOWN_SUCCESS);
  CHECK(rmdir(dir) == 0);
  CHECK(md_atomic_commit(f, message, sizeof message) == MIXDOWN_ERR_IO);
  CHECK_MSG(strstr(message, "mix.wav") != NULL, "message: %s", message);
}

// A process that dies mid-write with the named fallback leaves its
// temporary; the next run removes it.  A temporary named for a dead pid
// but locked by a live process (another pid namespace) is kept.
static void
test_stale_temporaries(void)
{
  char        message[512];
  const char* dir = fresh_dir("stale");
  char        path[600];
  snprintf(path, sizeof path, "%s/mix.wav", dir);
  const pid_t child = fork();
  if (child == 0) {
    md_atomic_use_unnamed(false);
    MdAtomicFile* f = NULL;
    if (md_atomic_open(path, 0U, NULL, &f, message, sizeof message) == MIXDOWN_SUCCESS) {
      write_fd(md_atomic_fd(f), "partial");
    }
    _exit(0); // dies without commit or abort
  }
  int status = 0;
  CHECK(child > 0 && waitpid(child, &status, 0) == child);
  char name[256] = "";
  CHECK_MSG(count_entries(dir, name, sizeof name) == 1U, "the dead child's temporary should be there");
  CHECK_MSG(strstr(name, ".partial-") != NULL, "entry %s", name);

  // A live holder of a dead-pid name.
  int ready[2], done[2];
  CHECK(pipe(ready) == 0 && pipe(done) == 0);
  char held[700];
  snprintf(held, sizeof held, "%s/.other.wav.partial-%ld-Abc123", dir, (long)child);
  const pid_t holder = fork();
  if (holder == 0) {
    close(done[1]); // so that the read below ends when the parent closes its end
    const int fd = open(held, O_CREAT | O_WRONLY, 0644);
    char      c  = 0;
    flock(fd, LOCK_EX);
    (void)!write(ready[1], "x", 1);
    (void)!read(done[0], &c, 1); // until the parent closes it
    _exit(0);
  }
  char c = 0;
  CHECK(read(ready[0], &c, 1) == 1);
  CHECK_MSG(md_atomic_clean_stale(dir) == 1U, "the dead run's temporary alone is removed");
  CHECK(access(held, F_OK) == 0);
  close(done[1]);
  CHECK(waitpid(holder, &status, 0) == holder);
  CHECK_MSG(md_atomic_clean_stale(dir) == 1U, "once its holder is gone, the other goes too");
  CHECK(count_entries(dir, NULL, 0U) == 0U);
  close(ready[0]);
  close(ready[1]);
  close(done[0]);
}

// A FIFO: a streaming format goes straight in; anything that may be
// dropped is spooled and reaches the reader only on commit.
static void
test_fifo_direct_and_spooled(void)
{
  char        message[512];
  const char* fifo = test_path("pipe.flac");
  CHECK(mkfifo(fifo, 0600) == 0);
  for (int spooled = 0; spooled < 2; ++spooled) {
    int ends[2];
    CHECK(pipe(ends) == 0);
    const pid_t reader = fork();
    if (reader == 0) {
      char      buffer[64] = "";
      const int fd         = open(fifo, O_RDONLY);
      ssize_t   n = 0, got = 0;
      while ((n = read(fd, buffer + got, sizeof buffer - 1U - (size_t)got)) > 0) {
        got += n;
      }
      (void)!write(ends[1], buffer, (size_t)got);
      _exit(0);
    }
    close(ends[1]);
    MdAtomicFile* f = NULL;
    const unsigned flags = MD_ATOMIC_STREAMS | (spooled ? MD_ATOMIC_MAY_DROP : 0U);
    if (spooled) { // a pass dropped first: the reader never sees it, nor its end
      CHECK(md_atomic_open(fifo, flags, NULL, &f, message, sizeof message) == MIXDOWN_SUCCESS);
      write_fd(md_atomic_fd(f), "dropped");
      md_atomic_abort(f);
    }
    CHECK(md_atomic_open(fifo, flags, NULL, &f, message, sizeof message) == MIXDOWN_SUCCESS);
    CHECK(md_atomic_kind(f) == (spooled ? MD_ATOMIC_SPOOL : MD_ATOMIC_DIRECT));
    write_fd(md_atomic_fd(f), "audio");
    CHECK(md_atomic_commit(f, message, sizeof message) == MIXDOWN_SUCCESS);
    char buffer[64] = "";
    CHECK(read(ends[0], buffer, sizeof buffer - 1U) == 5 && !strcmp(buffer, "audio"));
    close(ends[0]);
    int status = 0;
    waitpid(reader, &status, 0);
    struct stat st;
    CHECK(stat(fifo, &st) == 0 && S_ISFIFO(st.st_mode));
  }
}

// /dev/null: seekable, written directly, still the device after commit.
static void
test_dev_null_direct(void)
{
  char          message[512];
  MdAtomicFile* f = NULL;
  CHECK(md_atomic_open("/dev/null", 0U, NULL, &f, message, sizeof message) == MIXDOWN_SUCCESS);
  CHECK(md_atomic_kind(f) == MD_ATOMIC_DIRECT);
  write_fd(md_atomic_fd(f), "audio");
  CHECK(md_atomic_commit(f, message, sizeof message) == MIXDOWN_SUCCESS);
  struct stat st;
  CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode));
}

// Scratch space has no name from the start.
static void
test_scratch_is_unnamed(void)
{
  const char* dir = fresh_dir("scratch");
  const int   fd  = md_atomic_scratch(dir);
  CHECK(fd >= 0);
  write_fd(fd, "premaster");
  CHECK(count_entries(dir, NULL, 0U) == 0U);
  close(fd);
}

const TestCase atomic_file_tests[] = {
  {"atomic file: no name in the folder until commit; the replaced file's mode kept", test_unnamed_until_commit},
  {"atomic file: without O_TMPFILE, one locked .NAME.partial-PID- file, gone at commit", test_named_fallback},
  {"atomic file: a new file is 0666 less the umask", test_new_file_mode},
  {"atomic file: a commit that fails names the file", test_commit_failure_names_the_file},
  {"atomic file: a dead run's temporary is removed, a locked one kept", test_stale_temporaries},
  {"atomic file: a FIFO gets a stream directly; passes that may be dropped: only the kept one, on commit",
   test_fifo_direct_and_spooled},
  {"atomic file: /dev/null is written through, still the device", test_dev_null_direct},
  {"atomic file: scratch space never has a name", test_scratch_is_unnamed},
  {NULL, NULL},
};
