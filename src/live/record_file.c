// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// A take's files: the session read as played, and the temporary file
// md_recorder_check_path() tries in the take's folder before playing (a
// file no one can predict or plant).  The take itself is written by the
// editor's save (src/edit/save.c, io/atomic_file.h).  Control thread.

#include "live/record_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
  t->name[0] = '\0';
#ifdef O_TMPFILE
  t->fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
  if (t->fd >= 0) {
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
