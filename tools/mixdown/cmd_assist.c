// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `mixdown assist KIND SESSION [--OPTION VALUE…] [-o OUT] [--dry-run]
// [--json]`: one mix assistant run on a session through the editor of
// mixdown.h (mixdown_assist()): it analyses, reports what it measured and
// writes plain session values into the file (only their lines change), a
// copy (-o), or nowhere (--dry-run prints the diff).  Options come from
// each assistant's table (mixdown_assistant_option()).

#include "cli.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
  "usage: mixdown assist KIND SESSION [--OPTION VALUE…] [-o OUT] [--dry-run] [--json] [--quiet]\n"
  "       mixdown assist KIND --help       (KIND's options: units, ranges, defaults)\n"
  "Analyse SESSION's sources and write the result as plain values of the session\n"
  "(envelopes, insert settings, gains) that you can read, move, delete or re-run.\n"
  "  -o OUT      write the result to OUT; SESSION is left as it is\n"
  "  --dry-run   print the unified diff on stdout (the report on stderr); write nothing\n"
  "  --json      print the report as one JSON object (with the diff under \"diff\")\n"
  "  --quiet     no report, no progress bar\n"
  "  --threads N threads for the analysis (default: the render on one, the measuring\n"
  "              beside it; the result is the same with any number)\n"
  "Exit code 0 when written, 2 for a usage error, a bad option or a refused value\n"
  "(nothing written), 1 when analysing or writing failed.\n"
  "Assistants (docs/assistants.md):\n";

typedef struct {
  const char*       kind;
  uint32_t          kind_index;
  const char*       session;
  const char*       out;
  bool              dry_run;
  bool              json;
  bool              quiet;
  uint32_t          threads;
  MixdownAssistArg* args;
  uint32_t          n_args;
} AssistArgs;

static void
print_kinds(FILE* to)
{
  for (uint32_t i = 0; i < mixdown_assistant_count(); ++i) {
    fprintf(to, "  %-9s %s\n", mixdown_assistant_name(i), mixdown_assistant_description(i));
  }
}

static void
print_options(uint32_t kind, bool markdown)
{
  if (markdown) {
    printf("| option | valid values | default | meaning |\n|---|---|---|---|\n");
  } else {
    printf("mixdown assist %s SESSION [options] — %s\n", mixdown_assistant_name(kind),
           mixdown_assistant_description(kind));
  }
  for (uint32_t o = 0; o < mixdown_assistant_option_count(kind); ++o) {
    if (markdown) {
      cli_print_param_markdown(mixdown_assistant_option(kind, o), "--");
    } else {
      cli_print_param_text(mixdown_assistant_option(kind, o), "  --");
    }
  }
}

static int
usage_error(const char* what, const char* arg)
{
  fprintf(stderr, "mixdown assist: %s%s%s\n", what, arg ? " " : "", arg ? arg : "");
  fputs(usage, stderr);
  print_kinds(stderr);
  return CLI_USAGE;
}

static bool
find_kind(const char* name, uint32_t* index)
{
  for (uint32_t i = 0; i < mixdown_assistant_count(); ++i) {
    if (strcmp(mixdown_assistant_name(i), name) == 0) {
      *index = i;
      return true;
    }
  }
  return false;
}

static const MixdownParamInfo*
option_named(uint32_t kind, const char* name)
{
  for (uint32_t o = 0; o < mixdown_assistant_option_count(kind); ++o) {
    if (strcmp(mixdown_assistant_option(kind, o)->name, name) == 0) {
      return mixdown_assistant_option(kind, o);
    }
  }
  return NULL;
}

// One `--NAME [VALUE]` of the assistant's own: a switch takes no value
// (`--fix`, or `--fix=false`); any other option the next argument, taken as
// it is (`--target -16` is a value, not an option).
static int
read_option(AssistArgs* a, int argc, char** argv, int* i)
{
  const char* name  = argv[*i] + 2;
  const char* eq    = strchr(name, '=');
  char*       owned = eq ? strndup(name, (size_t)(eq - name)) : NULL;
  const char* key   = owned ? owned : name;
  const MixdownParamInfo* info = option_named(a->kind_index, key);
  MixdownAssistArg*       arg  = &a->args[a->n_args++];
  arg->name                    = key; // an unknown name is the library's to report, with the nearest
  if (eq) {
    arg->value = eq + 1;
  } else if (info && info->kind == MIXDOWN_PARAM_BOOL) {
    arg->value = NULL;
  } else if (*i + 1 < argc) {
    arg->value = argv[++*i];
  } else {
    return usage_error("needs a value:", argv[*i]);
  }
  return CLI_OK; // `owned` lives as long as the process: the args point into it
}

static int
parse(AssistArgs* a, int argc, char** argv)
{
  a->args = calloc((size_t)argc, sizeof *a->args);
  if (!a->args) {
    return CLI_FAILED;
  }
  for (int i = 2; i < argc; ++i) {
    const char* s = argv[i];
    if (!strcmp(s, "-o") || !strcmp(s, "--output")) {
      if (i + 1 >= argc) {
        return usage_error("-o needs a file", NULL);
      }
      a->out = argv[++i];
    } else if (!strcmp(s, "--dry-run")) {
      a->dry_run = true;
    } else if (!strcmp(s, "--json")) {
      a->json = true;
    } else if (!strcmp(s, "--quiet") || !strcmp(s, "-q")) {
      a->quiet = true;
    } else if (!strcmp(s, "--threads")) {
      double n = 0.0;
      if (i + 1 >= argc || !cli_parse_number(argv[i + 1], 0.0, 256.0, &n)) {
        return usage_error("--threads takes 0 … 256", NULL);
      }
      a->threads = (uint32_t)n;
      ++i;
    } else if (!strncmp(s, "--", 2) && s[2]) {
      const int code = read_option(a, argc, argv, &i);
      if (code != CLI_OK) {
        return code;
      }
    } else if (s[0] == '-' && s[1]) {
      return usage_error("unknown option", s);
    } else if (a->session) {
      return usage_error("one session at a time; a second one:", s);
    } else {
      a->session = s;
    }
  }
  return a->session ? CLI_OK : usage_error("needs a SESSION", NULL);
}

static void
print_diagnostic(void* user_data, const MixdownDiagnostic* diagnostic)
{
  cli_print_diagnostic(user_data, diagnostic);
}

static void
show_progress(void* user_data, const char* stage, double fraction)
{
  cli_show_progress(user_data, stage, fraction);
}

// The report: the text, or the JSON with the diff beside it.
static void
print_report(const AssistArgs* a, const char* text, const char* json, const char* diff)
{
  if (a->json) {
    json_t* root = json_loads(json ? json : "{}", 0, NULL);
    if (root && a->dry_run) {
      json_object_set_new(root, "diff", json_string(diff ? diff : ""));
    }
    char* out = root ? json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10)) : NULL;
    puts(out ? out : "{}");
    free(out);
    json_decref(root);
    return;
  }
  if (!a->quiet && text) {
    fputs(text, a->dry_run ? stderr : stdout);
  }
  if (a->dry_run && diff) {
    fputs(diff, stdout);
  }
}

static int
write_result(MixdownEditor* editor, const AssistArgs* a, bool changed)
{
  fflush(stdout); // the report before the line that says what was written
  if (a->dry_run) {
    if (!a->quiet) {
      fprintf(stderr, "assist %s: %s: dry run: nothing written\n", a->kind, a->session);
    }
    return CLI_OK;
  }
  if (!changed && !a->out) {
    if (!a->quiet) {
      fprintf(stderr, "assist %s: %s: nothing to change\n", a->kind, a->session);
    }
    return CLI_OK;
  }
  const MixdownStatus st = mixdown_editor_save(editor, a->out);
  if (st != MIXDOWN_SUCCESS) {
    fprintf(stderr, "mixdown assist: %s: nothing written (%s)\n", a->out ? a->out : a->session, mixdown_strerror(st));
    return st == MIXDOWN_ERR_IO || st == MIXDOWN_ERR_NO_MEM ? CLI_FAILED : CLI_USAGE;
  }
  if (!a->quiet) {
    fprintf(stderr, "assist %s: wrote %s\n", a->kind, a->out ? a->out : a->session);
  }
  return CLI_OK;
}

// The option of this assistant named `name` is a file it reads (--ref).
static bool
reads_file(const AssistArgs* a, const char* name)
{
  for (uint32_t j = 0; j < mixdown_assistant_option_count(a->kind_index); ++j) {
    const MixdownParamInfo* o = mixdown_assistant_option(a->kind_index, j);
    if (!strcmp(o->name, name)) {
      return o->kind == MIXDOWN_PARAM_FILE;
    }
  }
  return false;
}

// -o must not replace a file the assistant reads (a --ref, one of several
// joined by commas): said before the analysis, nothing written.  The
// session's own files the editor's save refuses.
static bool
out_over_input(const AssistArgs* a)
{
  struct stat out;
  if (!a->out || stat(a->out, &out) != 0) {
    return false; // a new file replaces nothing
  }
  for (uint32_t k = 0; k < a->n_args; ++k) {
    if (!a->args[k].value || !reads_file(a, a->args[k].name)) {
      continue;
    }
    char* list = strdup(a->args[k].value);
    for (char *save = NULL, *path = list ? strtok_r(list, ",", &save) : NULL; path; path = strtok_r(NULL, ",", &save)) {
      struct stat in;
      if (stat(path, &in) == 0 && in.st_dev == out.st_dev && in.st_ino == out.st_ino) {
        fprintf(stderr, "mixdown assist: -o %s: that is `%s`, read by --%s: nothing written (choose another file)\n",
                a->out, path, a->args[k].name);
        free(list);
        return true;
      }
    }
    free(list);
  }
  return false;
}

static int
run(const AssistArgs* a)
{
  if (out_over_input(a)) {
    return CLI_USAGE;
  }
  MixdownEditor* editor = NULL;
  MixdownStatus  st     = mixdown_editor_open(a->session, print_diagnostic, NULL, &editor);
  if (st != MIXDOWN_SUCCESS) {
    if (st == MIXDOWN_ERR_NO_MEM || st == MIXDOWN_ERR_BAD_ARG) {
      fprintf(stderr, "mixdown assist: %s: %s\n", a->session, mixdown_strerror(st));
    }
    return st == MIXDOWN_ERR_NO_MEM ? CLI_FAILED : CLI_USAGE;
  }
  CliProgress                progress = cli_progress_start();
  const bool                 show     = !a->quiet && !a->json && isatty(STDERR_FILENO);
  const MixdownAssistOptions options  = {
     .args = a->args, .n_args = a->n_args, .threads = a->threads, .dry_run = a->dry_run,
     .progress = show ? show_progress : NULL, .user_data = &progress,
  };
  char*  text = NULL;
  char*  json = NULL;
  char   message[1024] = "";
  st                   = mixdown_assist(editor, a->kind, &options, &text, &json, message, sizeof message);
  if (progress.shown) {
    fputc('\n', stderr);
  }
  int code = CLI_OK;
  if (st != MIXDOWN_SUCCESS) {
    fprintf(stderr, "mixdown %s%s%s: nothing written\n", message[0] ? message : "assist: ",
            message[0] ? "" : mixdown_strerror(st), message[0] ? "" : "");
    code = st == MIXDOWN_ERR_BAD_ARG || st == MIXDOWN_ERR_SESSION ? CLI_USAGE : CLI_FAILED;
  } else {
    char* diff = mixdown_editor_diff(editor);
    print_report(a, text, json, diff);
    code = diff ? write_result(editor, a, diff[0] != '\0') : CLI_FAILED;
    free(diff);
  }
  free(text);
  free(json);
  mixdown_editor_free(editor);
  return code;
}

int
cmd_assist(int argc, char** argv)
{
  if (argc < 2 || cli_is_help(argv[1])) {
    FILE* to = argc < 2 ? stderr : stdout;
    fputs(usage, to);
    print_kinds(to);
    return argc < 2 ? CLI_USAGE : CLI_OK;
  }
  AssistArgs a = {.kind = argv[1]};
  if (!find_kind(a.kind, &a.kind_index)) {
    char message[256] = "";
    mixdown_assist(NULL, a.kind, NULL, NULL, NULL, message, sizeof message);
    return usage_error(message[0] ? message : "no such assistant:", message[0] ? NULL : a.kind);
  }
  for (int i = 2; i < argc; ++i) {
    if (cli_is_help(argv[i]) || !strcmp(argv[i], "--markdown")) {
      print_options(a.kind_index, !strcmp(argv[i], "--markdown"));
      return CLI_OK;
    }
  }
  int code = parse(&a, argc, argv);
  if (code == CLI_OK) {
    code = run(&a);
  }
  free(a.args);
  return code;
}
