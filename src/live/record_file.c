// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// A take's files: the session read as played, and the take written
// safely (a file no one can predict or plant, linked into place only
// once whole, its folder synced).  Control thread.

#include "live/record_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------------ */
/* The file                                                                  */

char*
md_record_read_text(const char* path, size_t* length)
{
  FILE* f = fopen(path, "rb");
  if (!f) {
    return NULL;
  }
  char*  text = NULL;
  size_t size = 0U;
  char   chunk[65536];
  size_t got;
  while ((got = fread(chunk, 1U, sizeof chunk, f)) > 0U) {
    char* more = realloc(text, size + got + 1U);
    if (!more) {
      free(text);
      fclose(f);
      return NULL;
    }
    text = more;
    memcpy(text + size, chunk, got);
    size += got;
  }
  fclose(f);
  if (text) {
    text[size] = '\0';
  }
  *length = size;
  return text;
}

// The folder of `path`, resolved (NULL when it cannot be).
char*
md_record_folder_of(const char* path)
{
  char* copy = strdup(path);
  char* real = copy ? realpath(dirname(copy), NULL) : NULL;
  free(copy);
  return real;
}

void
md_record_split_path(const char* path, char* dir, size_t dir_size, const char** base)
{
  const char* slash = strrchr(path, '/');
  *base             = slash ? slash + 1 : path;
  if (!slash) {
    snprintf(dir, dir_size, ".");
  } else {
    snprintf(dir, dir_size, "%.*s", slash == path ? 1 : (int)(slash - path), path);
  }
}

bool
md_record_temp_open(const char* path, MdTempFile* t)
{
  char        dir[PATH_MAX];
  const char* base = NULL;
  md_record_split_path(path, dir, sizeof dir, &base);
  t->name[0]   = '\0';
  t->anonymous = false;
#ifdef O_TMPFILE
  t->fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
  if (t->fd >= 0) {
    t->anonymous = true;
    return true;
  }
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL && errno != ENOENT) {
    return false; // the folder refuses files (permissions, read-only): so would mkstemp
  }
#endif
  const int length = snprintf(t->name, sizeof t->name, "%s/.%s.partial-XXXXXX", dir, base);
  if (length < 0 || (size_t)length >= sizeof t->name) {
    t->name[0] = '\0';
    errno      = ENAMETOOLONG;
    return false;
  }
  t->fd = mkstemp(t->name);
  if (t->fd < 0) {
    t->name[0] = '\0';
    return false;
  }
  // mkstemp makes the file private; a take gets ordinary permissions.
  const mode_t mask = umask(0);
  umask(mask);
  if (fchmod(t->fd, 0666 & ~mask)) {
    // It stays private: still a take.
  }
  return true;
}

void
md_record_temp_discard(MdTempFile* t)
{
  if (t->fd >= 0) {
    close(t->fd);
    t->fd = -1;
  }
  if (t->name[0]) {
    unlink(t->name);
    t->name[0] = '\0';
  }
}

// Gives the anonymous file a name no one can guess, in its folder.
static bool
temp_link(MdTempFile* t, const char* path)
{
  char        dir[PATH_MAX];
  const char* base = NULL;
  md_record_split_path(path, dir, sizeof dir, &base);
  char proc[64];
  snprintf(proc, sizeof proc, "/proc/self/fd/%d", t->fd);
  for (int attempt = 0; attempt < 16; ++attempt) {
    unsigned char bytes[6];
    if (getrandom(bytes, sizeof bytes, 0) != (ssize_t)sizeof bytes) {
      return false;
    }
    const int length = snprintf(t->name, sizeof t->name, "%s/.%s.partial-%02x%02x%02x%02x%02x%02x", dir, base,
                                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5]);
    if (length < 0 || (size_t)length >= sizeof t->name) {
      errno = ENAMETOOLONG;
      break;
    }
    if (!linkat(AT_FDCWD, proc, AT_FDCWD, t->name, AT_SYMLINK_FOLLOW)) {
      return true;
    }
    if (errno != EEXIST) {
      break;
    }
  }
  t->name[0] = '\0';
  return false;
}

// Syncs the folder of `path`, so the rename survives a power cut.
static void
sync_folder(const char* path)
{
  char        dir[PATH_MAX];
  const char* base = NULL;
  md_record_split_path(path, dir, sizeof dir, &base);
  const int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
}

MixdownStatus
md_record_write_take(const MdYNode* root, const MdEmitOptions* emit, const char* path, char* message, size_t message_size)
{
  MdTempFile t   = {.fd = -1};
  FILE*      out = NULL;
  if (!md_record_temp_open(path, &t) || !(out = fdopen(t.fd, "w"))) {
    snprintf(message, message_size, "cannot write `%s`: %s", path, strerror(errno));
    md_record_temp_discard(&t);
    return MIXDOWN_ERR_IO;
  }
  fputs("# mixdown play --record-automation: the session with the live moves as envelopes\n", out);
  md_yaml_emit(out, root, emit);
  fputc('\n', out);
  bool written = !ferror(out) && !fflush(out) && !fsync(t.fd);
  written      = written && (!t.anonymous || temp_link(&t, path)) && !rename(t.name, path);
  const int error = errno;
  t.fd            = -1;
  if (fclose(out)) {
    written = false;
  }
  if (!written) {
    snprintf(message, message_size, "cannot write `%s`: %s", path, strerror(error));
    md_record_temp_discard(&t);
    return MIXDOWN_ERR_IO;
  }
  sync_folder(path);
  return MIXDOWN_SUCCESS;
}
