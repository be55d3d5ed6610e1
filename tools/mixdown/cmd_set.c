// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `mixdown set SESSION ADDRESS VALUE [ADDRESS VALUE…]`: edits of a
// session by address through the editor of mixdown.h, all or nothing —
// every edit is validated as it is applied, and the file is written once,
// atomically, only when all were kept.  Each ADDRESS is followed by its
// VALUE, or by `--append ITEM` or `--remove N|NAME` for a list address;
// a VALUE is taken as it is (`-4` and `-inf` are values, not options).

#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
  "usage: mixdown set SESSION ADDRESS VALUE [ADDRESS VALUE…] [-o OUT] [--dry-run] [--quiet]\n"
  "       mixdown set SESSION LIST_ADDRESS --append ITEM | --remove N|NAME …\n"
  "Change values of SESSION by address (as `mixdown get` and OSC name them) and write\n"
  "the file with only those bytes changed: comments, layout and quoting are kept.\n"
  "A VALUE is YAML: a number, a word, a quoted string, an envelope\n"
  "  '{points: [[0, -6], [\"17:1\", 0]], curve: smooth}'.\n"
  "List addresses (/track/NAME/inserts, …/sends, …/clips, …/insert/N/bands,\n"
  "…/PARAM/points) take --append ITEM or --remove N|NAME (from 1, or an insert's\n"
  "type, a send's bus):\n"
  "  mixdown set s.yaml /track/vox/inserts --append '{type: eq, bands: [{type: bell, freq: 3000, gain_db: 2}]}'\n"
  "Every edit is validated; if one is refused nothing is written.\n"
  "  -o OUT      write the edited session to OUT instead (relative paths rewritten\n"
  "              for OUT's folder); SESSION is left as it is\n"
  "  --dry-run   print the unified diff of the edit on stdout; write nothing\n"
  "  --quiet     do not print what was changed (on stderr)\n"
  "Exit code 0 when written, 2 for a refused edit, a usage or session error, or a\n"
  "session changed on disk since it was read (nothing written), 1 when writing failed.\n";

typedef enum { EDIT_SET, EDIT_APPEND, EDIT_REMOVE } EditKind;

typedef struct {
  EditKind    kind;
  const char* address;
  const char* value; ///< The value, the item appended, or which item is removed
} Edit;

typedef struct {
  const char* session;
  const char* out;
  bool        dry_run;
  bool        quiet;
  Edit*       edits;
  size_t      n_edits;
} SetArgs;

static bool
usage_error(const char* fmt, const char* arg)
{
  fputs("mixdown set: ", stderr);
  fprintf(stderr, fmt, arg);
  fputs("\n", stderr);
  fputs(usage, stderr);
  return false;
}

// Reads the arguments: options where an address could go, each address
// followed by its value (or --append/--remove and theirs).
static bool
parse_args(int argc, char** argv, SetArgs* a)
{
  for (int i = 1; i < argc; ++i) {
    const char* arg = argv[i];
    if (!strcmp(arg, "-o") || !strcmp(arg, "--output")) {
      if (i + 1 >= argc) {
        return usage_error("`%s` needs a file", arg);
      }
      a->out = argv[++i];
    } else if (!strcmp(arg, "--dry-run") || !strcmp(arg, "-n")) {
      a->dry_run = true;
    } else if (!strcmp(arg, "--quiet") || !strcmp(arg, "-q")) {
      a->quiet = true;
    } else if (!strcmp(arg, "--append") || !strcmp(arg, "--remove")) {
      return usage_error("`%s` follows a list address (/track/NAME/inserts --append ITEM)", arg);
    } else if (arg[0] == '-' && arg[1]) {
      return usage_error("unknown option `%s`", arg);
    } else if (!a->session) {
      a->session = arg;
    } else if (arg[0] != '/') {
      return usage_error("`%s` is not an address (addresses start with `/`: /track/NAME/gain_db)", arg);
    } else if (i + 1 >= argc) {
      return usage_error("`%s` needs a value (or --append ITEM, --remove N|NAME)", arg);
    } else {
      Edit* e    = &a->edits[a->n_edits++];
      e->address = arg;
      e->kind    = !strcmp(argv[i + 1], "--append") ? EDIT_APPEND
                   : !strcmp(argv[i + 1], "--remove") ? EDIT_REMOVE
                                                      : EDIT_SET;
      i += e->kind != EDIT_SET;
      if (i + 1 >= argc) {
        return usage_error("`%s` needs an item", argv[i]);
      }
      e->value = argv[++i];
    }
  }
  if (!a->session) {
    return usage_error("%s", "which session?");
  }
  if (!a->n_edits) {
    return usage_error("%s", "nothing to set: give ADDRESS VALUE");
  }
  return true;
}

/* What changed, for the line on stderr ----------------------------------- */

typedef struct {
  char*  text;
  size_t length;
  size_t capacity;
} Summary;

static void
summary_add(Summary* s, const char* piece)
{
  const size_t n = strlen(piece);
  if (s->length + n + 1U > s->capacity) {
    const size_t bigger = (s->length + n + 1U) * 2U;
    char*        grown  = realloc(s->text, bigger);
    if (!grown) {
      return; // the summary is shorter; the edit stands
    }
    s->text     = grown;
    s->capacity = bigger;
  }
  memcpy(s->text + s->length, piece, n + 1U);
  s->length += n;
}

// Diagnostics go to stderr, but not those of looking up the value an
// edit replaces (the edit itself then says what is wrong, once).
static bool looking_up = false;

static void
print_diagnostic(void* user_data, const MixdownDiagnostic* diagnostic)
{
  if (!looking_up) {
    cli_print_diagnostic(user_data, diagnostic);
  }
}

// The value at `address` now (NULL when there is none to show).
static char*
value_now(MixdownEditor* editor, const char* address, const char** unit)
{
  char* value = NULL;
  *unit       = "";
  looking_up  = true;
  const MixdownStatus st = mixdown_editor_get(editor, address, &value, unit);
  looking_up             = false;
  return st ? NULL : value;
}

// `ADDRESS OLD → NEW UNIT`; each with its own unit when they differ
// (`/length 2 s → "3:1"`: a musical time has none).
static void
describe_set(Summary* s, const char* address, const char* before, const char* before_unit, const char* after,
             const char* unit)
{
  summary_add(s, s->length ? ", " : "");
  summary_add(s, address);
  summary_add(s, " ");
  summary_add(s, before ? before : "?");
  if (before && strcmp(before_unit, unit) && before_unit[0]) {
    summary_add(s, " ");
    summary_add(s, before_unit);
  }
  summary_add(s, " → ");
  summary_add(s, after ? after : "?");
  if (unit[0]) {
    summary_add(s, " ");
    summary_add(s, unit);
  }
}

static void
describe_list(Summary* s, const Edit* e)
{
  summary_add(s, s->length ? ", " : "");
  summary_add(s, e->address);
  summary_add(s, e->kind == EDIT_APPEND ? " + " : " − ");
  summary_add(s, e->value);
}

// Applies one edit; its description goes to `s`.  The editor reports a
// refusal (FILE:LINE:COLUMN: error: ADDRESS: …).
static MixdownStatus
apply(MixdownEditor* editor, const Edit* e, Summary* s)
{
  if (e->kind == EDIT_APPEND || e->kind == EDIT_REMOVE) {
    const MixdownStatus st = e->kind == EDIT_APPEND ? mixdown_editor_append(editor, e->address, e->value)
                                                    : mixdown_editor_remove(editor, e->address, e->value);
    if (!st) {
      describe_list(s, e);
    }
    return st;
  }
  const char* before_unit = "";
  const char* unit        = "";
  char*       before      = value_now(editor, e->address, &before_unit);
  const MixdownStatus st = mixdown_editor_set(editor, e->address, e->value);
  if (!st) {
    char* after = value_now(editor, e->address, &unit);
    describe_set(s, e->address, before, before_unit, after, unit);
    free(after);
  }
  free(before);
  return st;
}

static void
print_summary(const SetArgs* a, const char* file, const Summary* s)
{
  size_t counts[3] = {0U, 0U, 0U};
  for (size_t i = 0U; i < a->n_edits; ++i) {
    ++counts[a->edits[i].kind];
  }
  static const char* const one[]  = {"value changed", "item appended", "item removed"};
  static const char* const many[] = {"values changed", "items appended", "items removed"};
  fprintf(stderr, "set: %s: ", file);
  const char* comma = "";
  for (int k = 0; k < 3; ++k) {
    if (counts[k]) {
      fprintf(stderr, "%s%zu %s", comma, counts[k], counts[k] == 1U ? one[k] : many[k]);
      comma = ", ";
    }
  }
  fprintf(stderr, " (%s)%s\n", s->text ? s->text : "", a->dry_run ? "; dry run: nothing written" : "");
}

// The exit code of a refused or failed step (the library said why).
static int
exit_code(MixdownStatus st)
{
  return st == MIXDOWN_ERR_IO || st == MIXDOWN_ERR_NO_MEM ? CLI_FAILED : CLI_USAGE;
}

static int
finish(MixdownEditor* editor, const SetArgs* a, const Summary* s)
{
  char* diff = mixdown_editor_diff(editor);
  if (!diff) {
    fprintf(stderr, "mixdown set: %s\n", mixdown_strerror(MIXDOWN_ERR_NO_MEM));
    return CLI_FAILED;
  }
  const bool unchanged = !diff[0];
  if (a->dry_run) {
    fputs(diff, stdout);
  }
  free(diff);
  MixdownStatus st = MIXDOWN_SUCCESS;
  if (!a->dry_run && (a->out || !unchanged)) {
    st = mixdown_editor_save(editor, a->out);
  }
  if (st) {
    return exit_code(st);
  }
  if (!a->quiet) {
    if (unchanged && !a->out) {
      fprintf(stderr, "set: %s: nothing changed (%s)%s\n", a->session, s->text ? s->text : "",
              a->dry_run ? "; dry run: nothing written" : "; nothing written");
    } else {
      print_summary(a, a->out ? a->out : a->session, s);
    }
  }
  return CLI_OK;
}

int
cmd_set(int argc, char** argv)
{
  if (argc == 2 && cli_is_help(argv[1])) {
    fputs(usage, stdout);
    return CLI_OK;
  }
  for (int i = 1; i < argc; ++i) {
    if (cli_is_help(argv[i]) && (i == 1 || argv[i - 1][0] != '/')) {
      fputs(usage, stdout);
      return CLI_OK;
    }
  }
  SetArgs a = {.edits = calloc((size_t)argc, sizeof(Edit))};
  if (!a.edits) {
    return CLI_FAILED;
  }
  if (!parse_args(argc, argv, &a)) {
    free(a.edits);
    return CLI_USAGE;
  }
  MixdownEditor* editor = NULL;
  MixdownStatus  st     = mixdown_editor_open(a.session, print_diagnostic, NULL, &editor);
  if (st) {
    free(a.edits);
    return st == MIXDOWN_ERR_NO_MEM ? CLI_FAILED : CLI_USAGE;
  }
  Summary s    = {0};
  int     code = CLI_OK;
  for (size_t i = 0U; i < a.n_edits && !code; ++i) {
    st = apply(editor, &a.edits[i], &s);
    if (st) {
      if (st == MIXDOWN_ERR_NO_MEM) {
        fprintf(stderr, "mixdown set: %s\n", mixdown_strerror(st));
      }
      fprintf(stderr, "mixdown set: %s: nothing written\n", a.session);
      code = exit_code(st);
    }
  }
  if (!code) {
    code = finish(editor, &a, &s);
  }
  free(s.text);
  mixdown_editor_free(editor);
  free(a.edits);
  return code;
}
