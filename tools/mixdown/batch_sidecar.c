// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The files of `mixdown batch` besides the renders: sidecars (OUTPUT.json,
// OUTPUT.failed.json) and collected results, each written to a temporary
// name in its own folder and renamed, so a reader (or a rerun after a
// kill) sees the old file or the new one, never half of one.

#define _GNU_SOURCE // O_TMPFILE

#include "batch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char*
batch_build(void)
{
  static char build[64];
  if (!build[0]) {
    snprintf(build, sizeof build, "mixdown %s", mixdown_version_string());
  }
  return build;
}

char*
batch_sidecar_path(const char* output_path, const char* suffix)
{
  const size_t n    = strlen(output_path) + strlen(suffix) + 1U;
  char*        path = malloc(n);
  if (path) {
    snprintf(path, n, "%s%s", output_path, suffix);
  }
  return path;
}

static bool
fail_with(char* message, size_t message_size, const char* what, const char* path)
{
  snprintf(message, message_size, "%s %s: %s", what, path, strerror(errno));
  return false;
}

// The whole of `text` to `fd`, synced: the rename must not publish a file
// whose bytes a crash could still lose.
static bool
write_all(int fd, const char* text)
{
  size_t left = strlen(text);
  while (left) {
    const ssize_t n = write(fd, text, left);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return false;
    }
    text += n;
    left -= (size_t)n;
  }
  return fsync(fd) == 0;
}

// The folder of `path` (for O_TMPFILE).
static void
folder_of(const char* path, char* folder, size_t size)
{
  const char* slash = strrchr(path, '/');
  if (!slash) {
    snprintf(folder, size, ".");
  } else {
    snprintf(folder, size, "%.*s", (int)(slash - path) + (slash == path), path);
  }
}

// Names the unnamed file `fd` as `temporary` (its XXXXXX made fresh) for
// the instant before the rename.
static bool
name_unnamed(int fd, char* temporary)
{
  char proc[64];
  snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
  char*          digits = temporary + strlen(temporary) - 6U;
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  unsigned seed = (unsigned)t.tv_nsec ^ ((unsigned)getpid() << 8U) ^ (unsigned)fd;
  for (unsigned attempt = 0U; attempt < 100U; ++attempt) {
    seed = seed * 1103515245U + 12345U;
    snprintf(digits, 7U, "%06x", (seed >> 8U) & 0xffffffU);
    if (linkat(AT_FDCWD, proc, AT_FDCWD, temporary, AT_SYMLINK_FOLLOW) == 0) {
      return true;
    }
    if (errno != EEXIST) {
      return false;
    }
  }
  return false;
}

// The bytes are written and synced with no name (O_TMPFILE), so a kill
// while writing leaves nothing; the file is named only for the instant
// before the rename.  Where the filesystem has no unnamed files, a named
// temporary (mkstemp) from the start.
bool
batch_write_atomic(const char* path, const char* text, char* message, size_t message_size)
{
  const size_t n         = strlen(path) + 16U;
  char*        temporary = malloc(n);
  char         folder[4096];
  if (!temporary) {
    snprintf(message, message_size, "out of memory");
    return false;
  }
  // A dot first: in the target's folder (the rename stays on one
  // filesystem) and hidden from `ls`.
  const char* slash = strrchr(path, '/');
  const int   head  = slash ? (int)(slash - path + 1) : 0;
  snprintf(temporary, n, "%.*s.%s.XXXXXX", head, path, path + head);
  folder_of(path, folder, sizeof folder);
  int  fd    = open(folder, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
  bool named = false; // a name of ours to remove on failure
  if (fd < 0 && (fd = mkstemp(temporary)) >= 0) {
    named = true;
    fchmod(fd, 0644);
  }
  bool ok = fd >= 0 || fail_with(message, message_size, "cannot create a file beside", path);
  if (fd >= 0) {
    ok = write_all(fd, text) || fail_with(message, message_size, "cannot write", path);
    if (ok && !named) {
      ok = named = name_unnamed(fd, temporary);
      ok = ok || fail_with(message, message_size, "cannot name a file beside", path);
    }
    ok = (close(fd) == 0 || fail_with(message, message_size, "cannot write", path)) && ok;
    ok = ok && (rename(temporary, path) == 0 || fail_with(message, message_size, "cannot rename onto", path));
    if (!ok && named) {
      unlink(temporary);
    }
  }
  free(temporary);
  return ok;
}

bool
batch_make_parents(const char* path, char* message, size_t message_size)
{
  char* folder = strdup(path);
  if (!folder) {
    snprintf(message, message_size, "out of memory");
    return false;
  }
  bool ok = true;
  for (char* p = strchr(folder + 1, '/'); p && ok; p = strchr(p + 1, '/')) {
    *p = '\0';
    ok = mkdir(folder, 0777) == 0 || errno == EEXIST || fail_with(message, message_size, "cannot create", folder);
    *p = '/';
  }
  free(folder);
  return ok;
}

json_t*
batch_sidecar_read(const char* path)
{
  json_t* sidecar = json_load_file(path, 0, NULL);
  if (sidecar && !json_is_object(sidecar)) {
    json_decref(sidecar);
    return NULL;
  }
  return sidecar;
}
