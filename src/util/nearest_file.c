// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "util/nearest_file.h"

#include "util/suggest.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

// A folder is read only this far: a suggestion is a courtesy, not a search.
#define MD_NEAREST_MAX_ENTRIES 4096U

typedef struct {
  char** names;
  size_t n;
  size_t capacity;
} MdNames;

static void
names_free(MdNames* list)
{
  for (size_t i = 0U; i < list->n; ++i) {
    free(list->names[i]);
  }
  free(list->names);
}

static bool
names_push(MdNames* list, const char* name)
{
  if (list->n == list->capacity) {
    const size_t bigger = list->capacity ? 2U * list->capacity : 32U;
    char**       grown  = realloc(list->names, bigger * sizeof(char*));
    if (!grown) {
      return false;
    }
    list->names    = grown;
    list->capacity = bigger;
  }
  if (!(list->names[list->n] = strdup(name))) {
    return false;
  }
  ++list->n;
  return true;
}

// `a/b`, or `b` when `a` is empty; NULL when out of memory.
static char*
join(const char* a, const char* b)
{
  const size_t n   = strlen(a) + strlen(b) + 2U;
  char*        out = malloc(n);
  if (out) {
    snprintf(out, n, "%s%s%s", a, a[0] && a[strlen(a) - 1U] != '/' ? "/" : "", b);
  }
  return out;
}

static bool
is_kind(const char* dir, const char* name, bool want_dir)
{
  char*       path = join(dir, name);
  struct stat st;
  const bool  ok = path && stat(path, &st) == 0 && (want_dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode));
  free(path);
  return ok;
}

// The files (or folders) of `dir`, hidden ones only when `name` is hidden.
static bool
list_folder(const char* dir, const char* name, bool want_dir, MdNames* out)
{
  DIR* d = opendir(dir[0] ? dir : ".");
  if (!d) {
    return false;
  }
  const struct dirent* e = NULL;
  while (out->n < MD_NEAREST_MAX_ENTRIES && (e = readdir(d))) {
    if ((e->d_name[0] == '.' && name[0] != '.') || !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) {
      continue;
    }
    if (is_kind(dir, e->d_name, want_dir) && !names_push(out, e->d_name)) {
      break;
    }
  }
  closedir(d);
  return true;
}

// Length of a name without its extension.
static size_t
stem_length(const char* name)
{
  const char* dot = strrchr(name, '.');
  return dot && dot != name ? (size_t)(dot - name) : strlen(name);
}

// The entry of `dir` nearest to `name`: the same name in another case, the
// same name with another extension (vocal.wav for vocal.flac), or a typo
// away.  NULL when none is near or `dir` cannot be read.
static char*
nearest_entry(const char* dir, const char* name, bool want_dir)
{
  MdNames list = {0};
  if (!name[0] || !list_folder(dir, name, want_dir, &list)) {
    names_free(&list);
    return NULL;
  }
  const char*  found = NULL;
  const size_t stem  = stem_length(name);
  for (size_t i = 0U; i < list.n && !found; ++i) {
    found = !strcasecmp(list.names[i], name) ? list.names[i] : NULL;
  }
  for (size_t i = 0U; i < list.n && !found && !want_dir; ++i) {
    const bool same_stem = stem_length(list.names[i]) == stem && !strncasecmp(list.names[i], name, stem);
    found                = same_stem ? list.names[i] : NULL;
  }
  if (!found) {
    found = md_suggest(name, (const char* const*)list.names, list.n);
  }
  char* out = found ? strdup(found) : NULL;
  names_free(&list);
  return out;
}

// Splits `path` at its last slash: `dir` gets what is before (the slash
// kept), the result points at the name after it.
static const char*
split(const char* path, char** dir)
{
  const char*  slash = strrchr(path, '/');
  const size_t n     = slash ? (size_t)(slash - path) + 1U : 0U;
  if ((*dir = malloc(n + 1U))) {
    memcpy(*dir, path, n);
    (*dir)[n] = '\0';
  }
  return slash ? slash + 1 : path;
}

// The folder `dir` (as written) on disk.
static char*
on_disk(const char* base_dir, const char* dir)
{
  const bool here = !base_dir || !base_dir[0] || !strcmp(base_dir, ".") || dir[0] == '/';
  return here ? strdup(dir) : join(base_dir, dir);
}

// The user's folder is missing: look for the nearest folder beside it, and
// in it for `name` or its nearest.
static char*
nearest_in_nearest_folder(const char* base_dir, const char* dir, const char* name)
{
  char* trimmed = strdup(dir);
  if (!trimmed) {
    return NULL;
  }
  while (trimmed[0] && trimmed[strlen(trimmed) - 1U] == '/') {
    trimmed[strlen(trimmed) - 1U] = '\0';
  }
  char*       parent  = NULL;
  const char* folder  = split(trimmed, &parent);
  char*       fs_up   = parent ? on_disk(base_dir, parent) : NULL;
  char*       near    = fs_up && folder[0] ? nearest_entry(fs_up, folder, true) : NULL;
  char*       fs_dir  = near ? join(fs_up, near) : NULL;
  char*       file    = fs_dir ? nearest_entry(fs_dir, name, false) : NULL;
  char*       out     = NULL;
  if (file) {
    const size_t n = strlen(parent) + strlen(near) + strlen(file) + 2U;
    if ((out = malloc(n))) {
      snprintf(out, n, "%s%s/%s", parent, near, file);
    }
  }
  free(file);
  free(fs_dir);
  free(near);
  free(fs_up);
  free(parent);
  free(trimmed);
  return out;
}

char*
md_nearest_file(const char* base_dir, const char* path)
{
  char*       dir  = NULL;
  const char* name = split(path, &dir);
  char*       fs   = dir ? on_disk(base_dir, dir) : NULL;
  char*       out  = NULL;
  struct stat st;
  if (fs && stat(fs[0] ? fs : ".", &st) == 0 && S_ISDIR(st.st_mode)) {
    char* near = nearest_entry(fs, name, false);
    out        = near ? join(dir, near) : NULL;
    free(near);
  } else if (fs && dir[0]) {
    out = nearest_in_nearest_folder(base_dir, dir, name);
  }
  free(fs);
  free(dir);
  return out;
}
