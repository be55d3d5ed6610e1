// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Writing a YAML tree as flow YAML: see emit.h.

#include "session/emit.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool
is_number(const char* text)
{
  char* end = NULL;
  strtod(text, &end);
  return end != text && !*end && strcasecmp(text, "nan") && strcasecmp(text, "inf") && strcasecmp(text, "infinity");
}

static bool
is_plain_word(const char* text)
{
  static const char* const words[] = {"true", "false", "yes", "no", "on", "off", "null", "~"};
  for (size_t i = 0U; i < sizeof words / sizeof words[0]; ++i) {
    if (!strcasecmp(text, words[i])) {
      return true;
    }
  }
  return false;
}

static bool
is_path_key(const MdEmitOptions* options, const char* key)
{
  for (size_t i = 0U; options->path_keys && options->path_keys[i]; ++i) {
    if (!strcmp(key, options->path_keys[i])) {
      return true;
    }
  }
  return false;
}

static void
write_string(FILE* out, const char* text)
{
  fputc('"', out);
  for (const unsigned char* p = (const unsigned char*)text; *p; ++p) {
    if (*p == '"' || *p == '\\') {
      fprintf(out, "\\%c", *p);
    } else if (*p < 0x20U) {
      fprintf(out, "\\u%04x", *p);
    } else {
      fputc(*p, out);
    }
  }
  fputc('"', out);
}

static void
write_node(FILE* out, const MdYNode* n, int depth, const MdEmitOptions* options, bool is_path)
{
  if (n->kind == MD_YNODE_SCALAR) {
    if (is_path && options->path_base && n->text[0] != '/') {
      char full[PATH_MAX + 256];
      snprintf(full, sizeof full, "%s/%s", options->path_base, n->text);
      write_string(out, full);
    } else if (!n->quoted && (is_number(n->text) || is_plain_word(n->text))) {
      fputs(n->text, out);
    } else {
      write_string(out, n->text);
    }
    return;
  }
  const bool map = n->kind == MD_YNODE_MAPPING;
  // A list of plain values (an envelope point, a pair) stays on one line.
  bool flat = !map;
  for (size_t i = 0U; flat && i < n->n_items; ++i) {
    flat = n->items[i]->kind == MD_YNODE_SCALAR;
  }
  fputc(map ? '{' : '[', out);
  for (size_t i = 0U; i < n->n_items; ++i) {
    if (flat) {
      fputs(i ? ", " : "", out);
    } else {
      fprintf(out, "%s\n%*s", i ? "," : "", 2 * (depth + 1), "");
    }
    if (map) {
      const char* key = n->items[2U * i]->text;
      write_string(out, key);
      fputs(": ", out);
      write_node(out, n->items[2U * i + 1U], depth + 1, options, is_path_key(options, key));
    } else {
      write_node(out, n->items[i], depth + 1, options, false);
    }
  }
  if (flat) {
    fputc(']', out);
  } else {
    fprintf(out, "\n%*s%c", 2 * depth, "", map ? '}' : ']');
  }
}

void
md_yaml_emit(FILE* out, const MdYNode* root, const MdEmitOptions* options)
{
  write_node(out, root, 0, options, false);
}
