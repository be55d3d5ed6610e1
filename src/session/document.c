// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Session files → the validated model: the public entry points
// (mixdown_session_open_file/_open_string/_free and the accessors), the
// reading of the file, and the document's top level (format version,
// sample rate, tempo, time signature, length) that the other parts of the
// validator read into (validator.h).  Every problem is reported with the
// line and column it was found at; validation goes on after an error so
// that one run shows them all.  Thread: control.

#include "session/validator.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

// More tracks and buses than this is a generated session gone wrong.
#define MD_MAX_NODES 100000U

static const char* const top_keys[] = {"mixdown", "sample_rate", "tempo", "time_signature", "length",
                                       "tracks",  "buses",       "master", "output", "outputs"};

static void
read_time_signature(MdValidator* v, const MdYNode* node)
{
  MixdownSession* s     = v->session;
  unsigned        num   = 0U;
  unsigned        den   = 0U;
  char            extra = 0;
  if (node->kind != MD_YNODE_SCALAR || sscanf(node->text, "%u/%u%c", &num, &den, &extra) != 2 ||
      num < 1U || num > 64U || (den != 1U && den != 2U && den != 4U && den != 8U && den != 16U && den != 32U)) {
    md_report_error(v, node, "`time_signature` must look like 4/4 or 6/8 (1 … 64 beats of 1, 2, 4, 8, 16 or 32)");
    return;
  }
  s->beats_per_bar = num;
  s->beat_unit     = den;
}

static void
read_top(MdValidator* v, const MdYNode* root)
{
  MixdownSession* s    = v->session;
  const MdYNode*  item = NULL;
  double          x    = 0.0;
  md_check_keys_of(v, root, "the session", top_keys, sizeof top_keys / sizeof top_keys[0], true);
  if (!(item = md_ynode_get(root, "mixdown"))) {
    md_report_error_at(v, root->line, root->column, "the session needs `mixdown: 1` (the format version) at the top");
  } else if (md_read_number(v, item, "mixdown", 1.0, 1.0, "", &x) && x != 1.0) {
    md_report_error(v, item, "unsupported format version %g (this mixdown reads version 1)", x);
  }
  s->sample_rate = 48000U;
  if ((item = md_ynode_get(root, "sample_rate")) && md_read_table_number(v, item, &md_session_params[MD_SESSION_SAMPLE_RATE], &x)) {
    if (x != floor(x)) {
      md_report_error(v, item, "`sample_rate` must be a whole number of Hz, not %g", x);
    }
    s->sample_rate = (uint32_t)x;
  }
  s->beats_per_bar = 4U;
  s->beat_unit     = 4U;
  if ((item = md_ynode_get(root, "time_signature"))) {
    read_time_signature(v, item);
  }
  if ((item = md_ynode_get(root, "tempo"))) {
    md_read_table_number(v, item, &md_session_params[MD_SESSION_TEMPO], &s->tempo_bpm);
  }
  s->length_s = -1.0;
  if ((item = md_ynode_get(root, "length")) &&
      !(item->kind == MD_YNODE_SCALAR && !strcmp(item->text, "auto"))) {
    if (md_ynode_number(item, &x)) {
      md_read_table_number(v, item, &md_session_params[MD_SESSION_LENGTH], &s->length_s);
    } else {
      md_read_time(v, item, "length", &s->length_s);
    }
  }
  md_read_output(v, md_ynode_get(root, "output"));
  md_read_outputs(v, root);
}

static void
read_session(MdValidator* v, const MdYNode* root)
{
  MixdownSession* s = v->session;
  if (md_ynode_is_null(root)) { // `---` alone, or `~`
    md_report_error(v, root, "the session is empty");
    return;
  }
  if (root->kind != MD_YNODE_MAPPING) {
    md_report_error(v, root, "a session is a mapping (mixdown: 1, tracks: …), not %s", md_ynode_kind_name(root));
    return;
  }
  read_top(v, root);
  const MdYNode* tracks = md_ynode_get(root, "tracks");
  const MdYNode* buses  = md_ynode_get(root, "buses");
  if (tracks && !md_expect_kind(v, tracks, MD_YNODE_SEQUENCE, "of tracks", "tracks")) {
    tracks = NULL;
  }
  if (buses && !md_expect_kind(v, buses, MD_YNODE_SEQUENCE, "of buses", "buses")) {
    buses = NULL;
  }
  if (!md_ynode_get(root, "tracks") || (tracks && tracks->n_items == 0U)) {
    // (`tracks` that is not a list has had its error, at its own line)
    md_report_error(v, tracks ? tracks : root, "the session has no tracks (add `tracks:` with at least one track)");
  }
  const size_t n_tracks = tracks ? tracks->n_items : 0U;
  const size_t n_buses  = buses ? buses->n_items : 0U;
  s->n_tracks           = n_tracks;
  s->n_nodes            = n_tracks + n_buses + 1U;
  if (s->n_nodes > MD_MAX_NODES) { // before the nodes are allocated
    md_report_error(v, root, "the session has %zu tracks and buses; mixdown takes at most %u", s->n_nodes - 1U,
                    MD_MAX_NODES);
    s->n_nodes = 0U;
    return;
  }
  s->nodes              = calloc(s->n_nodes, sizeof(MdNode));
  const MdYNode** entries = calloc(s->n_nodes, sizeof(MdYNode*));
  if (!s->nodes || !entries) {
    free(entries);
    md_report_out_of_memory(v, root);
    s->n_nodes = 0U;
    return;
  }
  if (!md_name_index_init(&v->names, s->n_nodes)) {
    md_report_out_of_memory(v, root);
    free(entries);
    return;
  }
  size_t next = 0U;
  md_declare_nodes(v, tracks, MD_NODE_TRACK, &next);
  md_declare_nodes(v, buses, MD_NODE_BUS, &next);
  md_read_master(v, md_ynode_get(root, "master"));
  if (s->nodes[md_session_master(s)].name) { // NULL: out of memory, reported
    md_name_index_add(&v->names, s->nodes[md_session_master(s)].name, (uint32_t)md_session_master(s));
  }
  entries[md_session_master(s)] = md_ynode_get(root, "master") ? md_ynode_get(root, "master") : root;
  for (size_t i = 0U; i < n_tracks; ++i) {
    entries[i] = tracks->items[i];
    md_read_node(v, tracks->items[i], (uint32_t)i);
  }
  for (size_t i = 0U; i < n_buses; ++i) {
    entries[n_tracks + i] = buses->items[i];
    md_read_node(v, buses->items[i], (uint32_t)(n_tracks + i));
  }
  if (!v->n_errors) {
    md_check_routing(v, entries);
  }
  free(entries);
  md_name_index_free(&v->names);
  md_plugin_catalog_close(v->plugins); // the plugin classes keep what they need
}

static void
free_value(MdValue* value)
{
  if (value->envelope) {
    free(value->envelope->points);
    free(value->envelope);
  }
}

void
mixdown_session_free(MixdownSession* s)
{
  if (!s) {
    return;
  }
  for (size_t i = 0U; i < s->n_nodes; ++i) {
    MdNode* n = &s->nodes[i];
    for (size_t j = 0U; j < n->n_clips; ++j) {
      free(n->clips[j].path);
    }
    for (size_t j = 0U; j < n->n_inserts; ++j) {
      for (uint32_t k = 0U; n->inserts[j].values && k < md_processor_value_count(n->inserts[j].cls); ++k) {
        free_value(&n->inserts[j].values[k]);
      }
      free(n->inserts[j].values);
      free(n->inserts[j].file);
      if (n->inserts[j].cls && n->inserts[j].cls->release) {
        n->inserts[j].cls->release(n->inserts[j].cls);
      }
    }
    for (size_t j = 0U; j < n->n_sends; ++j) {
      free_value(&n->sends[j].level_db);
    }
    free_value(&n->gain_db);
    free_value(&n->pan);
    free_value(&n->mute);
    free(n->clips);
    free(n->inserts);
    free(n->sends);
    free(n->name);
  }
  free(s->nodes);
  for (size_t o = 0U; o <= s->n_outputs; ++o) {
    MdOutput* out = o < s->n_outputs ? &s->outputs[o] : &s->output;
    free(out->path);
    for (size_t t = 0U; t < MD_N_TAGS; ++t) {
      free(out->tags[t]);
    }
  }
  free(s->outputs);
  free(s->file_name);
  free(s);
}

static void
report_too_large(const char* path, MixdownDiagnosticFunc on_diagnostic, void* user_data)
{
  char message[160];
  snprintf(message, sizeof message, "the session is larger than %u MiB; a session file is text, far smaller",
           MD_SESSION_MAX_BYTES >> 20);
  if (on_diagnostic) {
    const MixdownDiagnostic d = {path, 0U, 0U, message, MIXDOWN_SEVERITY_ERROR};
    on_diagnostic(user_data, &d);
  }
}

MixdownStatus
mixdown_session_open_string(const char* text, size_t length, const char* name, const char* base_dir,
                            MixdownDiagnosticFunc on_diagnostic, void* user_data,
                            MixdownSession** session)
{
  if (!session) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  *session = NULL;
  if (!text) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  name               = name ? name : "<string>";
  if (length > MD_SESSION_MAX_BYTES) {
    report_too_large(name, on_diagnostic, user_data);
    return MIXDOWN_ERR_SESSION;
  }
  MdValidator v      = {.file_name = name, .base_dir = base_dir, .on_diagnostic = on_diagnostic, .user_data = user_data};
  char        error[512];
  unsigned    line   = 0U;
  unsigned    column = 0U;
  MdYNode*    root   = md_yaml_parse(text, length, error, sizeof error, &line, &column);
  if (!root) {
    md_report_error_at(&v, line, column, "%s", error);
    md_flush_diagnostics(&v);
    return strcmp(error, MD_YAML_OUT_OF_MEMORY) ? MIXDOWN_ERR_SESSION : MIXDOWN_ERR_NO_MEM;
  }
  v.session = calloc(1U, sizeof(MixdownSession));
  if (!v.session || !(v.session->file_name = strdup(name))) {
    free(v.session);
    md_ynode_free(root);
    return MIXDOWN_ERR_NO_MEM;
  }
  read_session(&v, root);
  md_ynode_free(root);
  md_flush_diagnostics(&v);
  if (v.n_errors) {
    mixdown_session_free(v.session);
    return v.out_of_memory ? MIXDOWN_ERR_NO_MEM : MIXDOWN_ERR_SESSION;
  }
  *session = v.session;
  return MIXDOWN_SUCCESS;
}

static void
report_file_error(const char* path, const char* what, MixdownDiagnosticFunc on_diagnostic, void* user_data)
{
  char message[256];
  snprintf(message, sizeof message, "%s: %s", what, strerror(errno));
  if (on_diagnostic) {
    const MixdownDiagnostic d = {path, 0U, 0U, message, MIXDOWN_SEVERITY_ERROR};
    on_diagnostic(user_data, &d);
  }
}

// Reads all of `file` into a NUL-terminated buffer (the caller frees
// *text), up to MD_SESSION_MAX_BYTES: MIXDOWN_ERR_SESSION past it.
// Reading stops early at a NUL byte in text that is not UTF-16 (which
// holds NULs), so that `check /dev/zero` ends at once: the parser then
// names the NUL's line and column.
static MixdownStatus
read_text(FILE* file, char** text, size_t* length)
{
  size_t capacity = 0U;
  bool   utf16    = false;
  *text           = NULL;
  *length         = 0U;
  for (;;) {
    if (*length + 65536U > capacity && capacity <= MD_SESSION_MAX_BYTES) {
      capacity = capacity ? capacity * 2U : 65536U;
      capacity = capacity > MD_SESSION_MAX_BYTES + 1U ? MD_SESSION_MAX_BYTES + 1U : capacity; // one byte past: too large
      char* grown = realloc(*text, capacity + 1U);
      if (!grown) {
        return MIXDOWN_ERR_NO_MEM;
      }
      *text = grown;
    }
    const size_t got  = fread(*text + *length, 1U, capacity - *length, file);
    const char*  from = *text + *length;
    *length += got;
    if (*length >= 2U) {
      const unsigned char* p = (const unsigned char*)*text;
      utf16                  = (p[0] == 0xFFU && p[1] == 0xFEU) || (p[0] == 0xFEU && p[1] == 0xFFU);
    }
    if (*length > MD_SESSION_MAX_BYTES) {
      return MIXDOWN_ERR_SESSION;
    }
    if (got == 0U || (!utf16 && memchr(from, '\0', got))) {
      break;
    }
  }
  (*text)[*length] = '\0';
  return ferror(file) ? MIXDOWN_ERR_IO : MIXDOWN_SUCCESS;
}

MixdownStatus
mixdown_session_open_file(const char* path, MixdownDiagnosticFunc on_diagnostic, void* user_data,
                          MixdownSession** session)
{
  if (!session) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  *session = NULL;
  if (!path) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  FILE* file = fopen(path, "rb");
  if (!file) {
    report_file_error(path, "cannot open session", on_diagnostic, user_data);
    return MIXDOWN_ERR_IO;
  }
  struct stat st;
  const bool  regular = fstat(fileno(file), &st) == 0 && S_ISREG(st.st_mode);
  if (regular && (uint64_t)st.st_size > MD_SESSION_MAX_BYTES) {
    fclose(file);
    report_too_large(path, on_diagnostic, user_data);
    return MIXDOWN_ERR_SESSION;
  }
  char*               text   = NULL;
  size_t              length = 0U;
  const MixdownStatus got    = read_text(file, &text, &length);
  if (got == MIXDOWN_ERR_IO) {
    report_file_error(path, "cannot read session", on_diagnostic, user_data);
  } else if (got == MIXDOWN_ERR_SESSION) {
    report_too_large(path, on_diagnostic, user_data);
  }
  fclose(file);
  if (got) {
    free(text);
    return got;
  }
  // Relative paths (sources, outputs) are taken from the session file's
  // folder; a session read from a pipe or through a descriptor's name
  // (/dev/stdin even when redirected from a file, /dev/fd/N, <(…),
  // /proc/self/fd/N) has none: from the current folder then, never /dev.
  const bool  stream = !regular || !strncmp(path, "/dev/", 5U) || !strncmp(path, "/proc/", 6U);
  char*       base   = strdup(path);
  char*       slash  = base && !stream ? strrchr(base, '/') : NULL;
  const char* dir   = ".";
  if (slash) {
    *slash = '\0';
    dir    = slash == base ? "/" : base;
  }
  const MixdownStatus status =
    base ? mixdown_session_open_string(text, length, path, dir, on_diagnostic, user_data, session)
         : MIXDOWN_ERR_NO_MEM;
  free(base);
  free(text);
  return status;
}

uint32_t
mixdown_session_sample_rate(const MixdownSession* session)
{
  return session ? session->sample_rate : 0U;
}

const char*
mixdown_session_output_path(const MixdownSession* session)
{
  return !session ? NULL : session->n_outputs ? session->outputs[0].path : session->output.path;
}

double
mixdown_session_loudness_target(const MixdownSession* session)
{
  return session && session->loudness.enabled ? session->loudness.target_lufs : NAN;
}
