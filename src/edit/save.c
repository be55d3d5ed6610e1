// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Saving an editor's text: atomically (io/atomic_file.h: a temporary file
// in the target's folder, synced, linked or renamed into place; a
// replaced file keeps its mode and owner), never through a file changed
// on disk since it was read (its bytes compared with those read, under a
// lock of the file that saves of it by other editors also take), never
// over a file the session reads (io/path_guard.h).  A copy in another
// folder has the session's relative paths (`file:` of clips and outputs,
// a processor's file parameter such as an impulse) rewritten through the
// same text edits, so that it reads the same files.
// Thread: control (edit_internal.h).

#include "edit/edit_internal.h"

#include "dsp/registry.h"
#include "io/atomic_file.h"
#include "io/path_guard.h"
#include "session/reads.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* Writing ------------------------------------------------------------------- */

static MixdownStatus
write_text(const MixdownEditor* ed, const char* path, const char* text, size_t length)
{
  char          message[600] = "";
  MdAtomicFile* file         = NULL;
  MixdownStatus st           = md_atomic_open(path, 0U, NULL, &file, message, sizeof message);
  if (st) {
    md_edit_report_file(ed, "%s", message);
    return st;
  }
  const int fd = md_atomic_fd(file);
  for (size_t done = 0U; done < length;) {
    const ssize_t n = write(fd, text + done, length - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      md_edit_report_file(ed, "cannot write `%s`: %s; nothing written", path, strerror(errno));
      md_atomic_abort(file);
      return MIXDOWN_ERR_IO;
    }
    done += (size_t)n;
  }
  st = md_atomic_commit(file, message, sizeof message);
  if (st) {
    md_edit_report_file(ed, "%s", message);
  }
  return st;
}

/* The file as it was read ------------------------------------------------------ */

// True when the file at `path` holds the bytes `disk` remembers.
static bool
unchanged_on_disk(const char* path, const MdDiskState* disk)
{
  FILE* f = fopen(path, "rb");
  if (!f) {
    return false;
  }
  bool   same = true;
  size_t at   = 0U;
  char   chunk[65536];
  size_t got;
  while (same && (got = fread(chunk, 1U, sizeof chunk, f)) > 0U) {
    same = at + got <= disk->length && !memcmp(chunk, disk->bytes + at, got);
    at += got;
  }
  same = same && !ferror(f) && at == disk->length;
  fclose(f);
  return same;
}

// After a save over the file: what it now is.
static MixdownStatus
remember_saved(MixdownEditor* ed)
{
  char* bytes = malloc(ed->doc.length + 1U);
  if (!bytes) {
    return MIXDOWN_ERR_NO_MEM;
  }
  memcpy(bytes, ed->doc.text, ed->doc.length + 1U);
  struct stat st;
  if (!stat(ed->path, &st)) {
    ed->disk.device   = st.st_dev;
    ed->disk.inode    = st.st_ino;
    ed->disk.size     = st.st_size;
    ed->disk.mtime_s  = (long)st.st_mtim.tv_sec;
    ed->disk.mtime_ns = (long)st.st_mtim.tv_nsec;
  }
  free(ed->disk.bytes);
  ed->disk.bytes  = bytes;
  ed->disk.length = ed->doc.length;
  return MIXDOWN_SUCCESS;
}

// Locks the file now at `path` (flock, exclusive) for the check and the
// rename of a save over it: two saves of one file then run one after the
// other, and the second sees the first's bytes and refuses, instead of
// both passing the check and one rename losing the other's edit.  A file
// renamed over between open and lock is opened again.  -1 when it cannot
// be opened (the check then refuses).
static int
lock_file(const char* path)
{
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return -1;
    }
    struct stat locked, now;
    int         r = 0;
    while ((r = flock(fd, LOCK_EX)) != 0 && errno == EINTR) {
    }
    if (r != 0) {
      return fd; // no locks here (some network folders): the check alone
    }
    if (!fstat(fd, &locked) && !stat(path, &now) && locked.st_dev == now.st_dev && locked.st_ino == now.st_ino) {
      return fd;
    }
    close(fd); // replaced while waiting: lock the file there now
  }
  return -1;
}

// Whether the file `target` may be replaced by the edited text: not when
// it is read-only (its mode says so even to root, who may write anyway:
// the user made it so on purpose), nor when it has other names (hard
// links), which a rename would leave holding the old text.  False with
// the reason reported.
static bool
may_replace(const MixdownEditor* ed, const char* target)
{
  struct stat st;
  if (stat(target, &st)) {
    return true; // gone: the changed-on-disk check says so
  }
  if (!(st.st_mode & 0222) || access(target, W_OK)) {
    md_edit_report_file(ed, "%s is read-only: nothing written (make it writable, or write a copy with -o)", ed->name);
    return false;
  }
  if (st.st_nlink > 1) {
    md_edit_report_file(ed,
                        "%s has %lu names (hard links): replacing it would leave the others with the old text; "
                        "nothing written (write a copy with -o)",
                        ed->name, (unsigned long)st.st_nlink);
    return false;
  }
  return true;
}

static MixdownStatus
save_in_place(MixdownEditor* ed)
{
  if (!ed->disk.known) {
    md_edit_report_file(ed, "`%s` is not a regular file: save the session to a path of its own", ed->name);
    return MIXDOWN_ERR_BAD_ARG;
  }
  // A symbolic link stays a link: the file it names is the one edited.
  char target[PATH_MAX];
  if (!realpath(ed->path, target)) {
    md_edit_report_file(ed, "%s changed on disk since it was read: nothing written", ed->name);
    return MIXDOWN_ERR_SESSION;
  }
  if (!may_replace(ed, target)) {
    return MIXDOWN_ERR_SESSION;
  }
  const int lock = lock_file(target);
  if (lock < 0 || !unchanged_on_disk(target, &ed->disk)) {
    if (lock >= 0) {
      close(lock);
    }
    md_edit_report_file(ed, "%s changed on disk since it was read: nothing written", ed->name);
    return MIXDOWN_ERR_SESSION;
  }
  const MixdownStatus st = write_text(ed, target, ed->doc.text, ed->doc.length);
  close(lock); // the lock goes with it, after the rename
  return st ? st : remember_saved(ed);
}

/* A copy in another folder ----------------------------------------------------- */

// `path` made plain: `.`, `..` and doubled slashes resolved by its text.
static void
normalize(char* path)
{
  char* parts[PATH_MAX / 2];
  size_t n = 0U;
  for (char* save = NULL, *part = strtok_r(path, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
    if (!strcmp(part, ".")) {
      continue;
    }
    if (!strcmp(part, "..")) {
      n -= n > 0U;
      continue;
    }
    if (n < sizeof parts / sizeof parts[0]) {
      parts[n++] = part;
    }
  }
  char out[PATH_MAX] = "";
  size_t used        = 0U;
  for (size_t i = 0U; i < n; ++i) {
    const int w = snprintf(out + used, sizeof out - used, "/%s", parts[i]);
    used += w > 0 && (size_t)w < sizeof out - used ? (size_t)w : 0U;
  }
  snprintf(path, PATH_MAX, "%s", used ? out : "/");
}

// The path from folder `from` (absolute, plain) to file `to` (the same).
static void
relative_path(const char* from, const char* to, char* out, size_t size)
{
  size_t common = 0U; // length of the folders both start with
  for (size_t i = 0U;; ++i) {
    const bool from_end = from[i] == '\0' || from[i] == '/';
    const bool to_end   = to[i] == '/';
    if (from_end && to_end) {
      common = i;
    }
    if (from[i] == '\0' || from[i] != to[i]) {
      break;
    }
  }
  if (!strcmp(from, "/")) {
    snprintf(out, size, "%s", to + 1);
    return;
  }
  size_t used = 0U;
  out[0]      = '\0';
  for (const char* p = from + common; *p; ++p) { // one `..` per folder of `from` past the common part
    if (*p == '/') {
      const int w = snprintf(out + used, size - used, "../");
      used += w > 0 && (size_t)w < size - used ? (size_t)w : 0U;
    }
  }
  snprintf(out + used, size - used, "%s", to + common + 1U);
}

// The keys whose values are paths: `file`, and every processor's file
// parameter (an impulse response).
static bool
is_path_key(const char* key)
{
  if (!strcmp(key, "file")) {
    return true;
  }
  for (uint32_t c = 0U; c < md_registry_count(); ++c) {
    const MdProcessorClass* cls = md_registry_at(c);
    for (uint32_t p = 0U; cls && p < cls->n_params; ++p) {
      if (cls->params[p].info.kind == MIXDOWN_PARAM_FILE && !strcmp(cls->params[p].info.name, key)) {
        return true;
      }
    }
  }
  return false;
}

#define MD_SAVE_MAX_DEPTH 64U

typedef struct {
  MdYPathStep* steps; ///< One path per relative path found, MD_SAVE_MAX_DEPTH steps each
  size_t*      depths;
  char**       keys;  ///< The keys' copies (the tree changes under them)
  size_t       n_keys;
  size_t       n, capacity;
  bool         failed;
} Found;

static void
note_path(Found* f, const MdYPathStep* path, size_t depth)
{
  if (f->n == f->capacity) {
    const size_t bigger = f->capacity ? 2U * f->capacity : 16U;
    MdYPathStep* steps  = realloc(f->steps, bigger * MD_SAVE_MAX_DEPTH * sizeof *steps);
    f->steps            = steps ? steps : f->steps;
    size_t* depths      = realloc(f->depths, bigger * sizeof *depths);
    f->depths           = depths ? depths : f->depths;
    char** keys         = realloc(f->keys, bigger * MD_SAVE_MAX_DEPTH * sizeof *keys);
    f->keys             = keys ? keys : f->keys;
    if (!steps || !depths || !keys) {
      f->failed = true;
      return;
    }
    f->capacity = bigger;
  }
  MdYPathStep* to = f->steps + f->n * MD_SAVE_MAX_DEPTH;
  for (size_t k = 0U; k < depth; ++k) {
    to[k] = path[k];
    if (path[k].key) {
      char* copy = strdup(path[k].key);
      if (!copy) {
        f->failed = true;
        return;
      }
      f->keys[f->n_keys++] = copy;
      to[k].key            = copy;
    }
  }
  f->depths[f->n++] = depth;
}

// Every relative path under a path key of `node` (copies by aliases left
// to their anchors, which are written once).
static void
find_paths(Found* f, const MdYNode* node, MdYPathStep* path, size_t depth)
{
  if (f->failed || depth >= MD_SAVE_MAX_DEPTH || node->copied) {
    return;
  }
  for (size_t i = 0U; node->kind != MD_YNODE_SCALAR && i < node->n_items; ++i) {
    const MdYNode* child = node->kind == MD_YNODE_MAPPING ? node->items[2U * i + 1U] : node->items[i];
    if (node->kind == MD_YNODE_MAPPING) {
      const MdYNode* key = node->items[2U * i];
      if (key->kind != MD_YNODE_SCALAR) {
        continue;
      }
      path[depth] = (MdYPathStep){key->text, 0U};
      if (child->kind == MD_YNODE_SCALAR && !child->copied && is_path_key(key->text) && child->text[0] &&
          child->text[0] != '/' && !md_ynode_is_null(child)) {
        note_path(f, path, depth + 1U);
        continue;
      }
    } else {
      path[depth] = (MdYPathStep){NULL, i};
    }
    find_paths(f, child, path, depth + 1U);
  }
}

static void
found_free(Found* f)
{
  for (size_t i = 0U; i < f->n_keys; ++i) {
    free(f->keys[i]);
  }
  free(f->keys);
  free(f->steps);
  free(f->depths);
}

// Rewrites the relative paths of `doc` (read from folder `old_dir`) for
// folder `new_dir` (both absolute and plain).
static bool
rebase(MdYamlDoc* doc, const char* old_dir, const char* new_dir, char* error, size_t error_size)
{
  Found       found = {0};
  MdYPathStep path[MD_SAVE_MAX_DEPTH];
  find_paths(&found, doc->root, path, 0U);
  bool ok = !found.failed;
  if (!ok) {
    snprintf(error, error_size, "%s", MD_YAML_OUT_OF_MEMORY);
  }
  for (size_t i = 0U; ok && i < found.n; ++i) {
    const MdYPathStep* steps = found.steps + i * MD_SAVE_MAX_DEPTH;
    const MdYNode*     node  = md_ynode_find(doc->root, steps, found.depths[i]);
    char               target[PATH_MAX];
    char               moved[PATH_MAX];
    const int          n     = snprintf(target, sizeof target, "%s/%s", old_dir, node->text);
    if (n < 0 || (size_t)n >= sizeof target) {
      snprintf(error, error_size, "`%s` is too long a path", node->text);
      ok = false;
      break;
    }
    normalize(target);
    relative_path(new_dir, target, moved, sizeof moved);
    MdYNode* value = md_ynode_new_scalar(moved, true);
    ok             = value && md_yaml_doc_replace(doc, node, value, error, error_size);
    if (!value) {
      snprintf(error, error_size, "%s", MD_YAML_OUT_OF_MEMORY);
    }
    md_ynode_free(value);
  }
  found_free(&found);
  return ok;
}

// The absolute, plain folder of file `path` (which need not exist yet).
static bool
folder_of_file(const char* path, char* out)
{
  char        dir[PATH_MAX];
  const char* slash = strrchr(path, '/');
  snprintf(dir, sizeof dir, "%.*s", slash ? (slash == path ? 1 : (int)(slash - path)) : 1, slash ? path : ".");
  if (!realpath(dir, out)) {
    return false;
  }
  normalize(out);
  return true;
}

static bool
add_read(void* user_data, const char* path, const char* what)
{
  return md_path_guard_add_read(user_data, path, what);
}

MixdownStatus
md_edit_check_outputs(const MixdownSession* s, char* message, size_t message_size)
{
  MdPathGuard* guard = md_path_guard_new();
  if (!guard || !md_session_for_each_read(s, add_read, guard)) {
    md_path_guard_free(guard);
    return MIXDOWN_ERR_NO_MEM;
  }
  // As a render claims them (render_outputs.c), with its words.
  const size_t   n      = s->n_outputs ? s->n_outputs : 1U;
  MixdownStatus  st     = MIXDOWN_SUCCESS;
  char           what[64];
  for (size_t k = 0U; !st && k < n; ++k) {
    const char* path = s->n_outputs ? s->outputs[k].path : s->output.path;
    if (n == 1U) {
      snprintf(what, sizeof what, "the mix");
    } else {
      snprintf(what, sizeof what, "output %zu of %zu", k + 1U, n);
    }
    st = path ? md_path_guard_claim(guard, path, what, MD_CLAIM_AUDIO, message, message_size) : MIXDOWN_SUCCESS;
  }
  md_path_guard_free(guard);
  return st;
}

// The text of the copy for `path`: when the copy is in another folder,
// `moved` is the editor's text with its relative paths rewritten
// (`*rebased`); else the editor's text is the copy's.  Failures reported.
static MixdownStatus
copy_text(const MixdownEditor* ed, const char* path, MdYamlDoc* moved, bool* rebased)
{
  char old_dir[PATH_MAX], new_dir[PATH_MAX];
  *rebased = false;
  if (!realpath(ed->base_dir ? ed->base_dir : ".", old_dir) || !folder_of_file(path, new_dir)) {
    md_edit_report_file(ed, "cannot write `%s`: %s", path, strerror(errno));
    return MIXDOWN_ERR_IO;
  }
  normalize(old_dir);
  if (!strcmp(old_dir, new_dir)) {
    return MIXDOWN_SUCCESS;
  }
  char     error[512] = "";
  unsigned line = 0U, column = 0U;
  if (!md_yaml_doc_open(moved, ed->doc.text, ed->doc.length, error, sizeof error, &line, &column) ||
      !rebase(moved, old_dir, new_dir, error, sizeof error)) {
    md_yaml_doc_close(moved);
    if (!strcmp(error, MD_YAML_OUT_OF_MEMORY)) {
      return MIXDOWN_ERR_NO_MEM;
    }
    md_edit_report_file(ed, "cannot rewrite the session's paths for `%s`: %s; nothing written", path, error);
    return MIXDOWN_ERR_SESSION;
  }
  *rebased = true;
  return MIXDOWN_SUCCESS;
}

static bool
same_file(const char* a, const char* b)
{
  struct stat sa, sb;
  return a && b && !stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static MixdownStatus
save_copy(MixdownEditor* ed, const char* path)
{
  MdPathGuard* guard = md_path_guard_new();
  if (!guard || !md_session_for_each_read(ed->session, add_read, guard)) {
    md_path_guard_free(guard);
    return MIXDOWN_ERR_NO_MEM;
  }
  char          message[600] = "";
  MixdownStatus st = md_path_guard_claim(guard, path, "the edited session", MD_CLAIM_TEXT, message, sizeof message);
  if (!st) {
    st = md_path_guard_make_parent(guard, path, message, sizeof message);
  }
  if (st) {
    md_edit_report_file(ed, "%s; nothing written", message);
    md_path_guard_free(guard);
    return st;
  }
  MdYamlDoc moved   = {0};
  bool      rebased = false;
  st                = copy_text(ed, path, &moved, &rebased);
  if (!st) {
    st = rebased ? write_text(ed, path, moved.text, moved.length) : write_text(ed, path, ed->doc.text, ed->doc.length);
  }
  md_yaml_doc_close(&moved);
  if (st) {
    md_path_guard_remove_created(guard);
  }
  md_path_guard_free(guard);
  return st;
}

MixdownStatus
mixdown_editor_save(MixdownEditor* editor, const char* path)
{
  if (!editor) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  if (!path && !editor->path) {
    md_edit_report_file(editor, "a session edited from a string is saved to a path: nothing written");
    return MIXDOWN_ERR_BAD_ARG;
  }
  if (!path || (editor->disk.known && same_file(path, editor->path))) {
    return save_in_place(editor);
  }
  return save_copy(editor, path);
}
