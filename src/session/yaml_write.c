// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Writing new values in the style of where they go: see yaml_write.h.

#include "session/yaml_write.h"

#include "session/yaml_access.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The buffer ------------------------------------------------------------- */

void
md_ybuf_add(MdYBuffer* b, const char* text, size_t length)
{
  if (b->failed) {
    return;
  }
  if (b->length + length + 1U > b->capacity) {
    size_t bigger = b->capacity ? 2U * b->capacity : 256U;
    while (bigger < b->length + length + 1U) {
      bigger *= 2U;
    }
    char* grown = realloc(b->data, bigger);
    if (!grown) {
      b->failed = true;
      return;
    }
    b->data     = grown;
    b->capacity = bigger;
  }
  memcpy(b->data + b->length, text, length);
  b->length += length;
  b->data[b->length] = '\0';
}

void
md_ybuf_puts(MdYBuffer* b, const char* text)
{
  md_ybuf_add(b, text, strlen(text));
}

void
md_ybuf_spaces(MdYBuffer* b, size_t count)
{
  static const char spaces[] = "                                ";
  for (; count > 0U; count -= count < 32U ? count : 32U) {
    md_ybuf_add(b, spaces, count < 32U ? count : 32U);
  }
}

void
md_ybuf_free(MdYBuffer* b)
{
  free(b->data);
  *b = (MdYBuffer){0};
}

/* What a scalar is ------------------------------------------------------- */

static bool
is_switch_word(const char* text, bool* value)
{
  static const char* const yes[] = {"true", "yes", "on"};
  static const char* const no[]  = {"false", "no", "off"};
  for (size_t i = 0U; i < 3U; ++i) {
    if (!strcasecmp(text, yes[i]) || !strcasecmp(text, no[i])) {
      *value = !strcasecmp(text, yes[i]);
      return true;
    }
  }
  return false;
}

static bool
is_null_text(const char* text)
{
  return !text[0] || !strcmp(text, "~") || !strcasecmp(text, "null");
}

// Any text strtod reads whole (the reader's numbers, and `nan`, `inf`,
// which would not read back as strings either).
static bool
is_number_text(const char* text)
{
  char* end = NULL;
  strtod(text, &end);
  return text[0] && end != text && !*end;
}

bool
md_yaml_scalar_is_special(const MdYNode* s)
{
  bool on = false;
  return s->kind == MD_YNODE_SCALAR && !s->quoted &&
         (is_number_text(s->text) || is_switch_word(s->text, &on) || is_null_text(s->text));
}

// Written without quotes, a string that reads back as itself: letters,
// digits, `_ . / + -`, spaces inside, non-ASCII; not a number, switch or
// null; starting with a letter, digit, `_`, `.`, `/` or non-ASCII.
static bool
bare_string_ok(const char* text)
{
  bool on = false;
  if (!text[0] || is_number_text(text) || is_switch_word(text, &on) || is_null_text(text)) {
    return false;
  }
  const unsigned char first = (unsigned char)text[0];
  if (!(isalnum(first) || first == '_' || first == '.' || first == '/' || first >= 0x80U)) {
    return false;
  }
  size_t n = 0U;
  for (const unsigned char* p = (const unsigned char*)text; *p; ++p, ++n) {
    if (!(isalnum(*p) || strchr("_./+- ", *p) || *p >= 0x80U)) {
      return false;
    }
  }
  return text[n - 1U] != ' ';
}

/* Writing scalars ------------------------------------------------------- */

static void
write_double_quoted(MdYBuffer* b, const char* text)
{
  md_ybuf_add(b, "\"", 1U);
  for (const unsigned char* p = (const unsigned char*)text; *p; ++p) {
    char escaped[8];
    if (*p == '"' || *p == '\\') {
      snprintf(escaped, sizeof escaped, "\\%c", *p);
    } else if (*p == '\n' || *p == '\t') {
      snprintf(escaped, sizeof escaped, "\\%c", *p == '\n' ? 'n' : 't');
    } else if (*p < 0x20U || *p == 0x7FU) {
      snprintf(escaped, sizeof escaped, "\\u%04x", *p);
    } else {
      md_ybuf_add(b, (const char*)p, 1U);
      continue;
    }
    md_ybuf_puts(b, escaped);
  }
  md_ybuf_add(b, "\"", 1U);
}

static void
write_single_quoted(MdYBuffer* b, const char* text)
{
  md_ybuf_add(b, "'", 1U);
  for (const char* p = text; *p; ++p) {
    md_ybuf_add(b, p, 1U);
    if (*p == '\'') {
      md_ybuf_add(b, "'", 1U); // '' is a quote inside
    }
  }
  md_ybuf_add(b, "'", 1U);
}

static bool
has_control(const char* text)
{
  for (const unsigned char* p = (const unsigned char*)text; *p; ++p) {
    if (*p < 0x20U || *p == 0x7FU) {
      return true;
    }
  }
  return false;
}

// JSON's number syntax: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
static bool
is_json_number(const char* t)
{
  t += *t == '-';
  if (!isdigit((unsigned char)*t) || (t[0] == '0' && isdigit((unsigned char)t[1]))) {
    return false;
  }
  while (isdigit((unsigned char)*t)) {
    ++t;
  }
  if (*t == '.') {
    if (!isdigit((unsigned char)*++t)) {
      return false;
    }
    while (isdigit((unsigned char)*t)) {
      ++t;
    }
  }
  if (*t == 'e' || *t == 'E') {
    t += t[1] == '+' || t[1] == '-' ? 2 : 1;
    if (!isdigit((unsigned char)*t)) {
      return false;
    }
    while (isdigit((unsigned char)*t)) {
      ++t;
    }
  }
  return !*t;
}

// A number, switch or null in JSON's words: the text as it is when JSON
// reads it, else the number rewritten, `true`/`false`, `null`.
static void
write_json_special(MdYBuffer* b, const char* text)
{
  bool on = false;
  if (is_number_text(text)) {
    if (is_json_number(text)) {
      md_ybuf_puts(b, text);
      return;
    }
    const double x = strtod(text, NULL);
    char         number[40];
    md_yaml_format_number(isfinite(x) ? x : 0.0, number, sizeof number);
    md_ybuf_puts(b, isfinite(x) ? number : "null");
  } else if (is_switch_word(text, &on)) {
    md_ybuf_puts(b, on ? "true" : "false");
  } else {
    md_ybuf_puts(b, "null");
  }
}

void
md_yaml_write_scalar(MdYBuffer* b, const MdYNode* s, bool json, MdYStyle quote)
{
  if (md_yaml_scalar_is_special(s)) {
    if (json) {
      write_json_special(b, s->text);
    } else {
      md_ybuf_puts(b, s->text[0] ? s->text : "null");
    }
  } else if (json || quote == MD_YSTYLE_DOUBLE || (quote == MD_YSTYLE_SINGLE && has_control(s->text))) {
    write_double_quoted(b, s->text);
  } else if (quote == MD_YSTYLE_SINGLE) {
    write_single_quoted(b, s->text);
  } else if (bare_string_ok(s->text)) {
    md_ybuf_puts(b, s->text);
  } else {
    write_double_quoted(b, s->text);
  }
}

void
md_yaml_write_key(MdYBuffer* b, const char* key, bool json)
{
  if (!json && bare_string_ok(key)) {
    md_ybuf_puts(b, key);
  } else {
    write_double_quoted(b, key);
  }
}

/* Writing collections --------------------------------------------------- */

const MdYLayout md_yaml_layout_default = {", ", ": ", 2U, 2U, 2U, "\n", 100U, false};

void
md_yaml_write_flow_in(MdYBuffer* b, const MdYNode* node, bool json, MdYStyle quote, const MdYLayout* layout)
{
  if (node->kind == MD_YNODE_SCALAR) {
    md_yaml_write_scalar(b, node, json, quote);
    return;
  }
  const bool map = node->kind == MD_YNODE_MAPPING;
  md_ybuf_add(b, map ? "{" : "[", 1U);
  for (size_t i = 0U; i < node->n_items; ++i) {
    md_ybuf_puts(b, i ? layout->comma : "");
    if (map) {
      md_yaml_write_key(b, node->items[2U * i]->text, json);
      md_ybuf_puts(b, json ? layout->colon : ": "); // a bare YAML key needs its space
      md_yaml_write_flow_in(b, node->items[2U * i + 1U], json, MD_YSTYLE_PLAIN, layout);
    } else {
      md_yaml_write_flow_in(b, node->items[i], json, MD_YSTYLE_PLAIN, layout);
    }
  }
  md_ybuf_add(b, map ? "}" : "]", 1U);
}

void
md_yaml_write_flow(MdYBuffer* b, const MdYNode* node, bool json, MdYStyle quote)
{
  md_yaml_write_flow_in(b, node, json, quote, &md_yaml_layout_default);
}

// The columns of `node` written as one flow line.
static size_t
flow_columns(const MdYNode* node)
{
  MdYBuffer line = {0};
  md_yaml_write_flow(&line, node, false, MD_YSTYLE_PLAIN);
  const size_t columns = line.failed ? SIZE_MAX : md_yaml_columns(line.data ? line.data : "", line.length);
  md_ybuf_free(&line);
  return columns;
}

// After `key:` or an item's `-` and gap written at column `at`: the value
// on the same line (a scalar, an empty collection, or a flow line of
// scalars that fits), or below it (the block is written because the whole
// did not fit on a line: one point of an envelope a line).
static void
write_entry_value(MdYBuffer* b, const MdYNode* value, size_t indent, size_t at, bool after_dash,
                  const MdYLayout* layout)
{
  bool flat = true; // only scalars in it: one flow line (a point, a pair), nested ones a line each
  for (size_t i = 0U; value->kind != MD_YNODE_SCALAR && i < value->n_items * (value->kind == MD_YNODE_MAPPING ? 2U : 1U); ++i) {
    flat = flat && value->items[i]->kind == MD_YNODE_SCALAR;
  }
  if (value->kind == MD_YNODE_SCALAR || !value->n_items ||
      ((flat || layout->nested_flow) && at + 1U + flow_columns(value) <= layout->width)) {
    md_ybuf_puts(b, after_dash ? "" : " ");
    md_yaml_write_flow_in(b, value, false, MD_YSTYLE_PLAIN, layout);
  } else if (after_dash) {
    md_yaml_write_block(b, value, indent + layout->dash_gap, true, layout); // `- - a` / `- key: v`
  } else {
    const size_t step = value->kind == MD_YNODE_MAPPING ? layout->map_step : layout->seq_step;
    md_yaml_write_block(b, value, indent + step, false, layout);
  }
}

void
md_yaml_write_block(MdYBuffer* b, const MdYNode* node, size_t indent, bool first_inline, const MdYLayout* layout)
{
  const bool map = node->kind == MD_YNODE_MAPPING;
  for (size_t i = 0U; i < node->n_items; ++i) {
    if (i || !first_inline) {
      md_ybuf_puts(b, layout->newline);
      md_ybuf_spaces(b, indent);
    }
    if (map) {
      const size_t before = b->length;
      md_yaml_write_key(b, node->items[2U * i]->text, false);
      md_ybuf_add(b, ":", 1U);
      const size_t key_columns = b->failed ? 0U : md_yaml_columns(b->data + before, b->length - before);
      write_entry_value(b, node->items[2U * i + 1U], indent, indent + key_columns, false, layout);
    } else {
      md_ybuf_add(b, "-", 1U);
      md_ybuf_spaces(b, layout->dash_gap - 1U);
      write_entry_value(b, node->items[i], indent, indent + layout->dash_gap - 1U, true, layout);
    }
  }
}

size_t
md_yaml_columns(const char* text, size_t length)
{
  size_t columns = 0U;
  for (size_t i = 0U; i < length; ++i) {
    columns += ((unsigned char)text[i] & 0xC0U) != 0x80U;
  }
  return columns;
}

/* Comparing ------------------------------------------------------------- */

static bool
scalar_equal(const MdYNode* a, const MdYNode* b)
{
  const bool special_a = md_yaml_scalar_is_special(a);
  if (special_a != md_yaml_scalar_is_special(b)) {
    return false;
  }
  if (!special_a) {
    return !strcmp(a->text, b->text);
  }
  bool on_a = false;
  bool on_b = false;
  if (is_number_text(a->text) || is_number_text(b->text)) {
    return is_number_text(a->text) && is_number_text(b->text) && strtod(a->text, NULL) == strtod(b->text, NULL);
  }
  if (is_switch_word(a->text, &on_a) || is_switch_word(b->text, &on_b)) {
    return is_switch_word(a->text, &on_a) && is_switch_word(b->text, &on_b) && on_a == on_b;
  }
  return true; // both null
}

bool
md_yaml_node_equal(const MdYNode* a, const MdYNode* b)
{
  if (a->kind != b->kind) {
    return false;
  }
  if (a->kind == MD_YNODE_SCALAR) {
    return scalar_equal(a, b);
  }
  if (a->n_items != b->n_items) {
    return false;
  }
  const bool map = a->kind == MD_YNODE_MAPPING;
  for (size_t i = 0U; i < a->n_items; ++i) {
    if (map) {
      const MdYNode* ka = a->items[2U * i];
      const MdYNode* kb = b->items[2U * i];
      if (ka->kind != kb->kind || (ka->kind == MD_YNODE_SCALAR ? strcmp(ka->text, kb->text) != 0 : !md_yaml_node_equal(ka, kb)) ||
          !md_yaml_node_equal(a->items[2U * i + 1U], b->items[2U * i + 1U])) {
        return false;
      }
    } else if (!md_yaml_node_equal(a->items[i], b->items[i])) {
      return false;
    }
  }
  return true;
}
