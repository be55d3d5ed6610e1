// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The editable session: opening (the file's bytes and what the file was,
// its document, its model), the accessors, the diff, and the one way an
// edit is kept (md_edit_begin/commit: validated by the session validator
// on a scratch copy, swapped in only when valid).  Thread: control, one
// thread at a time per editor (edit_internal.h).

#include "edit/edit_internal.h"

#include "session/session.h"
#include "util/line_diff.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Reports ----------------------------------------------------------------- */

static void
report(const MixdownEditor* ed, unsigned line, unsigned column, const char* message)
{
  if (ed->on_diagnostic) {
    const MixdownDiagnostic d = {ed->name, line, column, message, MIXDOWN_SEVERITY_ERROR};
    ed->on_diagnostic(ed->user_data, &d);
  }
}

void
md_edit_report(const MixdownEditor* ed, unsigned line, unsigned column, const char* address, const char* fmt, ...)
{
  char    message[1024];
  va_list args;
  va_start(args, fmt);
  const int n = snprintf(message, sizeof message, "%s: ", address);
  vsnprintf(message + (n > 0 && (size_t)n < sizeof message ? (size_t)n : 0U),
            sizeof message - (n > 0 && (size_t)n < sizeof message ? (size_t)n : 0U), fmt, args);
  va_end(args);
  report(ed, line, column, message);
}

void
md_edit_report_file(const MixdownEditor* ed, const char* fmt, ...)
{
  char    message[1024];
  va_list args;
  va_start(args, fmt);
  vsnprintf(message, sizeof message, fmt, args);
  va_end(args);
  report(ed, 0U, 0U, message);
}

bool
md_edit_resolve(const MixdownEditor* ed, const char* address, MdAddress* out)
{
  char note[512] = "";
  if (!address || !md_address_resolve(ed->session, address, out, note, sizeof note)) {
    // Said where the names it was read among are written (address.h).
    unsigned line = 0U, column = 0U;
    md_edit_place_names(&ed->doc, out->path, address ? out->depth : 0U, &line, &column);
    md_edit_report(ed, line, column, address ? address : "(null)", "%s", note[0] ? note : "not an address");
    return false;
  }
  return true;
}

/* Opening ----------------------------------------------------------------- */

static void
editor_free(MixdownEditor* ed)
{
  if (!ed) {
    return;
  }
  md_yaml_doc_close(&ed->doc);
  mixdown_session_free(ed->session);
  free(ed->disk.bytes);
  free(ed->original);
  free(ed->base_dir);
  free(ed->path);
  free(ed->name);
  free(ed);
}

void
mixdown_editor_free(MixdownEditor* editor)
{
  editor_free(editor);
}

// Validates `text` and opens its document: the editor's state from a text.
static MixdownStatus
open_text(MixdownEditor* ed, const char* text, size_t length)
{
  if (!(ed->original = malloc(length + 1U))) {
    return MIXDOWN_ERR_NO_MEM;
  }
  memcpy(ed->original, text, length);
  ed->original[length] = '\0';
  ed->original_length  = length;
  const MixdownStatus st =
    mixdown_session_open_string(text, length, ed->name, ed->base_dir, ed->on_diagnostic, ed->user_data, &ed->session);
  if (st) {
    return st;
  }
  char     error[512] = "";
  unsigned line = 0U, column = 0U;
  if (!md_yaml_doc_open(&ed->doc, text, length, error, sizeof error, &line, &column)) {
    if (!strcmp(error, MD_YAML_OUT_OF_MEMORY)) {
      return MIXDOWN_ERR_NO_MEM;
    }
    char message[600];
    snprintf(message, sizeof message, "cannot edit this session: %s", error);
    report(ed, line, column, message);
    return MIXDOWN_ERR_SESSION;
  }
  return MIXDOWN_SUCCESS;
}

static MixdownEditor*
editor_new(const char* name, const char* base_dir, MixdownDiagnosticFunc on_diagnostic, void* user_data)
{
  MixdownEditor* ed = calloc(1U, sizeof *ed);
  if (!ed) {
    return NULL;
  }
  ed->on_diagnostic = on_diagnostic;
  ed->user_data     = user_data;
  ed->name          = strdup(name);
  ed->base_dir      = base_dir ? strdup(base_dir) : NULL;
  if (!ed->name || (base_dir && !ed->base_dir)) {
    editor_free(ed);
    return NULL;
  }
  return ed;
}

MixdownStatus
mixdown_editor_open_string(const char* text, size_t length, const char* name, const char* base_dir,
                           MixdownDiagnosticFunc on_diagnostic, void* user_data, MixdownEditor** editor)
{
  if (!editor) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  *editor = NULL;
  if (!text) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  MixdownEditor* ed = editor_new(name ? name : "<string>", base_dir, on_diagnostic, user_data);
  if (!ed) {
    return MIXDOWN_ERR_NO_MEM;
  }
  const MixdownStatus st = open_text(ed, text, length);
  if (st) {
    editor_free(ed);
    return st;
  }
  *editor = ed;
  return MIXDOWN_SUCCESS;
}

// Reads all of `file` (up to MD_SESSION_MAX_BYTES) into `disk`, with
// what the file is (`known` for a regular file).
static MixdownStatus
read_disk(FILE* file, MdDiskState* disk)
{
  struct stat st;
  if (fstat(fileno(file), &st)) {
    return MIXDOWN_ERR_IO;
  }
  if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > MD_SESSION_MAX_BYTES) {
    return MIXDOWN_ERR_SESSION;
  }
  size_t capacity = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1U : 65536U;
  char*  bytes    = malloc(capacity + 1U);
  size_t length   = 0U;
  size_t got      = 0U;
  while (bytes && (got = fread(bytes + length, 1U, capacity - length, file)) > 0U) {
    length += got;
    if (length == capacity) { // grew while read
      if (capacity > MD_SESSION_MAX_BYTES) {
        free(bytes);
        return MIXDOWN_ERR_SESSION;
      }
      capacity *= 2U;
      char* grown = realloc(bytes, capacity + 1U);
      if (!grown) {
        free(bytes);
        bytes = NULL;
      }
      bytes = grown;
    }
  }
  if (!bytes) {
    return MIXDOWN_ERR_NO_MEM;
  }
  if (ferror(file)) {
    free(bytes);
    return MIXDOWN_ERR_IO;
  }
  bytes[length]  = '\0';
  *disk          = (MdDiskState){S_ISREG(st.st_mode), st.st_dev, st.st_ino, st.st_size, (long)st.st_mtim.tv_sec,
                                 (long)st.st_mtim.tv_nsec, bytes, length};
  return MIXDOWN_SUCCESS;
}

// The folder relative paths of the session at `path` are taken from, as
// mixdown_session_open_file() takes it.
static char*
folder_of(const char* path)
{
  const char* slash = strrchr(path, '/');
  if (!slash) {
    return strdup(".");
  }
  return slash == path ? strdup("/") : strndup(path, (size_t)(slash - path));
}

MixdownStatus
mixdown_editor_open(const char* path, MixdownDiagnosticFunc on_diagnostic, void* user_data, MixdownEditor** editor)
{
  if (!editor) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  *editor = NULL;
  if (!path) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  char*          dir = folder_of(path);
  MixdownEditor* ed  = dir ? editor_new(path, dir, on_diagnostic, user_data) : NULL;
  free(dir);
  if (!ed || !(ed->path = strdup(path))) {
    editor_free(ed);
    return MIXDOWN_ERR_NO_MEM;
  }
  FILE* file = fopen(path, "rb");
  if (!file) {
    md_edit_report_file(ed, "cannot open session: %s", strerror(errno));
    editor_free(ed);
    return MIXDOWN_ERR_IO;
  }
  MixdownStatus status = read_disk(file, &ed->disk);
  fclose(file);
  // A session read from a pipe or through a descriptor's name has no
  // folder (as mixdown_session_open_file() reads it), and no file to save
  // over: only a copy (-o) may be written.
  if (!status && (!ed->disk.known || !strncmp(path, "/dev/", 5U) || !strncmp(path, "/proc/", 6U))) {
    ed->disk.known = false;
    free(ed->base_dir);
    if (!(ed->base_dir = strdup("."))) {
      status = MIXDOWN_ERR_NO_MEM;
    }
  }
  if (status == MIXDOWN_ERR_IO) {
    md_edit_report_file(ed, "cannot read session: %s", strerror(errno));
  } else if (status == MIXDOWN_ERR_SESSION) {
    md_edit_report_file(ed, "the session is larger than %u MiB; a session file is text, far smaller",
                        MD_SESSION_MAX_BYTES >> 20);
  }
  if (!status) {
    status = open_text(ed, ed->disk.bytes, ed->disk.length);
  }
  if (status) {
    editor_free(ed);
    return status;
  }
  *editor = ed;
  return MIXDOWN_SUCCESS;
}

/* Accessors --------------------------------------------------------------- */

const char*
mixdown_editor_text(const MixdownEditor* editor, size_t* length)
{
  if (!editor) {
    return NULL;
  }
  if (length) {
    *length = editor->doc.length;
  }
  return editor->doc.text;
}

const MixdownSession*
mixdown_editor_session(const MixdownEditor* editor)
{
  return editor ? editor->session : NULL;
}

char*
mixdown_editor_diff(const MixdownEditor* editor)
{
  if (!editor) {
    return NULL;
  }
  return md_line_diff_unified(editor->original, editor->original_length, editor->doc.text, editor->doc.length,
                              editor->name, 3U);
}

/* Keeping an edit --------------------------------------------------------- */

bool
md_edit_begin(MixdownEditor* ed, const char* address, MdEdit* edit)
{
  *edit = (MdEdit){.ed = ed, .address = address};
  char     error[256];
  unsigned line = 0U, column = 0U;
  // The editor's text opened before: only memory can fail here.
  if (!md_yaml_doc_open(&edit->scratch, ed->doc.text, ed->doc.length, error, sizeof error, &line, &column)) {
    md_edit_report(ed, 0U, 0U, address, "%s", error);
    return false;
  }
  return true;
}

void
md_edit_abort(MdEdit* edit)
{
  md_yaml_doc_close(&edit->scratch);
}

typedef struct {
  MdEdit*  edit;
  unsigned errors;
  bool     out_of_memory;
} Collected;

// Each error of the edited text, said at the edit's place as
// `ADDRESS: MESSAGE` (warnings were said when the session was opened).
static void
collect(void* user_data, const MixdownDiagnostic* d)
{
  Collected* c = user_data;
  if (d->severity != MIXDOWN_SEVERITY_ERROR) {
    return;
  }
  ++c->errors;
  c->out_of_memory = c->out_of_memory || !strcmp(d->message, MD_YAML_OUT_OF_MEMORY);
  md_edit_report(c->edit->ed, c->edit->line, c->edit->column, c->edit->address, "%s", d->message);
}

// A valid edit may still point an output at a file the session reads
// (`/output/file` set to a source): a render would refuse it, so the edit
// is refused now, with the path guard's message.  A session that had such
// a clash before the edit is not made uneditable by it.
static MixdownStatus
outputs_still_clear(MdEdit* edit, const MixdownSession* session)
{
  char          message[600] = "";
  MixdownStatus st           = md_edit_check_outputs(session, message, sizeof message);
  if (st == MIXDOWN_ERR_BAD_ARG) {
    char before[600] = "";
    const MixdownStatus was = md_edit_check_outputs(edit->ed->session, before, sizeof before);
    if (was == MIXDOWN_ERR_NO_MEM) {
      return was;
    }
    if (was == MIXDOWN_ERR_BAD_ARG) {
      return MIXDOWN_SUCCESS;
    }
    md_edit_report(edit->ed, edit->line, edit->column, edit->address, "%s", message);
  }
  return st;
}

MixdownStatus
md_edit_commit(MdEdit* edit)
{
  MixdownEditor*  ed      = edit->ed;
  MixdownSession* session = NULL;
  Collected       c       = {edit, 0U, false};
  MixdownStatus   st      = mixdown_session_open_string(edit->scratch.text, edit->scratch.length, ed->name,
                                                        ed->base_dir, collect, &c, &session);
  if (!st) {
    st = outputs_still_clear(edit, session);
  }
  if (st) {
    mixdown_session_free(session);
    md_yaml_doc_close(&edit->scratch);
    return st == MIXDOWN_ERR_NO_MEM ? st : MIXDOWN_ERR_SESSION;
  }
  md_yaml_doc_close(&ed->doc);
  mixdown_session_free(ed->session);
  ed->doc     = edit->scratch;
  ed->session = session;
  edit->scratch = (MdYamlDoc){0};
  return MIXDOWN_SUCCESS;
}
