// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "io/path_guard.h"

#include <sndfile.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
  dev_t dev;
  ino_t ino;
  char* path;
  char* what;
} MdGuardedFile;

typedef struct {
  MdGuardedFile* items;
  size_t         n, capacity;
} MdGuardedList;

struct MdPathGuard {
  MdGuardedList reads;   ///< dev/ino of what the session reads
  MdGuardedList claims;  ///< canonical paths (and dev/ino when they exist) of the outputs
  char**        created; ///< folders made, in creation order
  size_t        n_created;
};

static bool
list_add(MdGuardedList* list, dev_t dev, ino_t ino, const char* path, const char* what)
{
  if (list->n == list->capacity) {
    const size_t   capacity = list->capacity ? 2U * list->capacity : 16U;
    MdGuardedFile* items    = realloc(list->items, capacity * sizeof *items);
    if (!items) {
      return false;
    }
    list->items    = items;
    list->capacity = capacity;
  }
  MdGuardedFile* f = &list->items[list->n];
  *f               = (MdGuardedFile){dev, ino, strdup(path), strdup(what)};
  if (!f->path || !f->what) {
    free(f->path);
    free(f->what);
    return false;
  }
  ++list->n;
  return true;
}

static void
list_free(MdGuardedList* list)
{
  for (size_t i = 0U; i < list->n; ++i) {
    free(list->items[i].path);
    free(list->items[i].what);
  }
  free(list->items);
}

MdPathGuard*
md_path_guard_new(void)
{
  return calloc(1U, sizeof(MdPathGuard));
}

void
md_path_guard_free(MdPathGuard* g)
{
  if (!g) {
    return;
  }
  list_free(&g->reads);
  list_free(&g->claims);
  for (size_t i = 0U; i < g->n_created; ++i) {
    free(g->created[i]);
  }
  free(g->created);
  free(g);
}

bool
md_path_guard_add_read(MdPathGuard* g, const char* path, const char* what)
{
  struct stat st;
  if (!path || stat(path, &st) != 0) {
    return true; // nothing there to protect
  }
  return list_add(&g->reads, st.st_dev, st.st_ino, path, what);
}

// `path` made absolute and free of `.`, `..` and repeated slashes, with
// the part that exists resolved through its links: two spellings of one
// output give one string, whether or not its folder exists yet.
static bool
canonical(const char* path, char* out)
{
  char joined[PATH_MAX];
  char cwd[PATH_MAX];
  if (path[0] != '/' && !getcwd(cwd, sizeof cwd)) {
    return false;
  }
  const int n = path[0] == '/' ? snprintf(joined, sizeof joined, "%s", path)
                               : snprintf(joined, sizeof joined, "%s/%s", cwd, path);
  if (n < 0 || n >= (int)sizeof joined) {
    return false;
  }
  // Lexical clean-up, component by component.
  char   clean[PATH_MAX] = "";
  size_t len             = 0U;
  for (char* save = NULL, *part = strtok_r(joined, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
    if (!strcmp(part, ".")) {
      continue;
    }
    if (!strcmp(part, "..")) {
      char* slash = strrchr(clean, '/');
      len         = slash ? (size_t)(slash - clean) : 0U;
      clean[len]  = '\0';
      continue;
    }
    len += (size_t)snprintf(clean + len, sizeof clean - len, "/%s", part);
    if (len >= sizeof clean) {
      return false;
    }
  }
  if (!clean[0]) {
    snprintf(clean, sizeof clean, "/");
  }
  // The longest existing prefix through realpath(), the rest appended.
  char head[PATH_MAX];
  snprintf(head, sizeof head, "%s", clean);
  char* tail = NULL;
  char  resolved[PATH_MAX];
  while (!realpath(head, resolved)) {
    char* slash = strrchr(head, '/');
    if (!slash || slash == head) {
      snprintf(out, PATH_MAX, "%s", clean);
      return true;
    }
    *slash = '\0';
    tail   = clean + (slash - head);
  }
  return snprintf(out, PATH_MAX, "%s%s", strcmp(resolved, "/") ? resolved : "", tail ? tail : "") < PATH_MAX;
}

static bool
is_audio_file(const char* path)
{
  SF_INFO  info = {0};
  SNDFILE* file = sf_open(path, SFM_READ, &info);
  if (file) {
    sf_close(file);
  }
  return file != NULL;
}

static bool
is_png_file(const char* path)
{
  static const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  unsigned char                head[8]      = {0};
  FILE*                        f            = fopen(path, "rb");
  const bool                   png = f && fread(head, 1U, sizeof head, f) == sizeof head && !memcmp(head, signature, 8U);
  if (f) {
    fclose(f);
  }
  return png;
}

MixdownStatus
md_path_guard_claim(MdPathGuard* g, const char* path, const char* what, MdClaimKind kind, char* message,
                    size_t message_size)
{
  char canon[PATH_MAX];
  if (!canonical(path, canon)) {
    snprintf(message, message_size, "cannot write %s: the path `%.300s` is too long", what, path);
    return MIXDOWN_ERR_BAD_ARG;
  }
  struct stat st;
  const bool  exists = stat(path, &st) == 0;
  for (size_t i = 0U; exists && i < g->reads.n; ++i) {
    const MdGuardedFile* r = &g->reads.items[i];
    if (r->dev == st.st_dev && r->ino == st.st_ino) {
      snprintf(message, message_size,
               "refusing to write %s to `%.200s`: that is `%.200s`, the %s; nothing was written "
               "(choose another file or folder)",
               what, path, r->path, r->what);
      return MIXDOWN_ERR_BAD_ARG;
    }
  }
  for (size_t i = 0U; i < g->claims.n; ++i) {
    const MdGuardedFile* c    = &g->claims.items[i];
    const bool           same = !strcmp(c->path, canon) ||
                                (exists && c->ino == st.st_ino && c->dev == st.st_dev && c->ino != 0);
    if (same) {
      snprintf(message, message_size, "%s and %s would both be written to `%.300s`; give them different names",
               c->what, what, path);
      return MIXDOWN_ERR_BAD_ARG;
    }
  }
  if (exists && S_ISDIR(st.st_mode)) {
    snprintf(message, message_size, "cannot write %s: `%.300s` is a folder", what, path);
    return MIXDOWN_ERR_BAD_ARG;
  }
  if (exists && (S_ISBLK(st.st_mode) || S_ISSOCK(st.st_mode))) {
    snprintf(message, message_size, "refusing to write %s to `%.300s`: it is a %s", what, path,
             S_ISBLK(st.st_mode) ? "block device (a disk); write a file" : "socket");
    return MIXDOWN_ERR_BAD_ARG;
  }
  if (kind == MD_CLAIM_PICTURE && exists && S_ISREG(st.st_mode) && st.st_size > 0 && !is_png_file(path)) {
    snprintf(message, message_size, "refusing to replace `%.300s` with %s: it exists and is not a PNG picture", path,
             what);
    return MIXDOWN_ERR_BAD_ARG;
  }
  if (kind == MD_CLAIM_AUDIO && exists && S_ISREG(st.st_mode) && st.st_size > 0 && !is_audio_file(path)) {
    snprintf(message, message_size,
             "refusing to replace `%.300s` with %s: it exists and is not an audio file", path, what);
    return MIXDOWN_ERR_BAD_ARG;
  }
  if (!list_add(&g->claims, exists ? st.st_dev : 0, exists ? st.st_ino : 0, canon, what)) {
    snprintf(message, message_size, "out of memory");
    return MIXDOWN_ERR_NO_MEM;
  }
  return MIXDOWN_SUCCESS;
}

static bool
remember(MdPathGuard* g, const char* dir)
{
  char** created = realloc(g->created, (g->n_created + 1U) * sizeof *created);
  if (!created) {
    return false;
  }
  g->created = created;
  return (g->created[g->n_created] = strdup(dir)) && ++g->n_created;
}

MixdownStatus
md_path_guard_make_folder(MdPathGuard* g, const char* dir, char* message, size_t message_size)
{
  char path[PATH_MAX];
  if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
    snprintf(message, message_size, "the folder name `%.300s` is too long", dir);
    return MIXDOWN_ERR_BAD_ARG;
  }
  // Each level from the top: mkdir -p.
  for (char* p = path + 1; ; ++p) {
    const bool end = !*p;
    if (*p != '/' && !end) {
      continue;
    }
    *p = '\0';
    struct stat st;
    if (stat(path, &st) != 0) {
      if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        snprintf(message, message_size, "cannot create the folder `%.300s`: %s", path, strerror(errno));
        return MIXDOWN_ERR_IO;
      }
      if (!remember(g, path)) {
        snprintf(message, message_size, "out of memory");
        return MIXDOWN_ERR_NO_MEM;
      }
    } else if (!S_ISDIR(st.st_mode)) {
      snprintf(message, message_size, "cannot create the folder `%.300s`: `%.300s` is a file", dir, path);
      return MIXDOWN_ERR_BAD_ARG;
    }
    if (end) {
      break;
    }
    *p = '/';
  }
  return MIXDOWN_SUCCESS;
}

MixdownStatus
md_path_guard_make_parent(MdPathGuard* g, const char* path, char* message, size_t message_size)
{
  const char* slash = strrchr(path, '/');
  if (!slash || slash == path) {
    return MIXDOWN_SUCCESS;
  }
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
  return md_path_guard_make_folder(g, dir, message, message_size);
}

void
md_path_guard_remove_created(MdPathGuard* g)
{
  while (g->n_created) {
    --g->n_created;
    rmdir(g->created[g->n_created]); // only if empty: never anything of the user's
    free(g->created[g->n_created]);
  }
}
