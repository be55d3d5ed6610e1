// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Session text → a tree of nodes with their lines and columns (yamltree.h):
// the text checked (yaml_text.c), libyaml's events read into nodes here,
// anchors, aliases and merge keys resolved as they come (yaml_anchors.c).
// Thread: the one that parses.

#include "session/yaml_reader.h"
#include "session/yaml_text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static MdYNode*
node_new(MdYNodeKind kind, const yaml_mark_t mark)
{
  MdYNode* node = calloc(1U, sizeof(MdYNode));
  if (node) {
    node->kind   = kind;
    node->line   = (unsigned)mark.line + 1U;
    node->column = (unsigned)mark.column + 1U;
  }
  return node;
}

void
md_ynode_free(MdYNode* node)
{
  if (!node) {
    return;
  }
  for (size_t i = 0U; i < node->n_items * (node->kind == MD_YNODE_MAPPING ? 2U : 1U); ++i) {
    md_ynode_free(node->items[i]);
  }
  free(node->items);
  free(node->text);
  free(node);
}

void
md_yaml_reader_fail(MdYamlReader* r, const char* message, const yaml_mark_t mark)
{
  if (r->error[0]) {
    return; // keep the first error
  }
  snprintf(r->error, r->error_size, "%s", message);
  *r->error_line   = (unsigned)mark.line + 1U;
  *r->error_column = (unsigned)mark.column + 1U;
}

// libyaml's marks count characters (code points; \r\n as two), the text
// is UTF-8 (checked before): the cursor walks from the last mark to this
// one, which is near, so that a whole parse walks the text about once.
size_t
md_yaml_reader_byte(MdYamlReader* r, size_t index)
{
  if (!r->spans) {
    return 0U;
  }
  const unsigned char* t = (const unsigned char*)r->text;
  while (r->cursor_char < index && r->cursor_byte < r->length) {
    const unsigned char b = t[r->cursor_byte];
    r->cursor_byte += b < 0x80U ? 1U : (b & 0xE0U) == 0xC0U ? 2U : (b & 0xF0U) == 0xE0U ? 3U : 4U;
    ++r->cursor_char;
  }
  while (r->cursor_char > index && r->cursor_byte > 0U) {
    do {
      --r->cursor_byte;
    } while (r->cursor_byte > 0U && (t[r->cursor_byte] & 0xC0U) == 0x80U);
    --r->cursor_char;
  }
  return r->cursor_byte < r->length ? r->cursor_byte : r->length;
}

// Where an empty value is written: libyaml marks it at the next token
// (maybe lines below); it belongs just after the `:` or `-` that follows
// the node read last (over blanks, line breaks and comments).
static size_t
empty_value_place(const MdYamlReader* r)
{
  size_t at = r->last_end;
  while (at < r->length) {
    const char c = r->text[at];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++at;
    } else if (c == '#') {
      while (at < r->length && r->text[at] != '\n') {
        ++at;
      }
    } else {
      break;
    }
  }
  return at < r->length && (r->text[at] == ':' || r->text[at] == '-' || r->text[at] == '?') ? at + 1U : r->last_end;
}

// The column (1-based) of the first tab in the indentation of line `line`
// (1-based), when libyaml stopped at that tab; 0 otherwise.  libyaml's own
// words for it ("found character that cannot start any token") do not say
// what is wrong.  Indentation is ASCII, so its columns are its bytes.
static unsigned
indentation_tab(const MdYamlReader* r, const yaml_mark_t mark)
{
  const char* p   = r->text;
  const char* end = r->text + r->length;
  for (size_t line = 0U; line < mark.line && p < end; ++p) {
    line += *p == '\n';
  }
  unsigned first_tab = 0U;
  for (size_t column = 0U; column <= mark.column; ++column) {
    if (p + column >= end || (p[column] != ' ' && p[column] != '\t')) {
      return 0U; // the stop is past the indentation
    }
    if (p[column] == '\t' && !first_tab) {
      first_tab = (unsigned)column + 1U;
    }
  }
  return p[mark.column] == '\t' ? first_tab : 0U;
}

static bool
next_event(MdYamlReader* r, yaml_event_t* event)
{
  if (yaml_parser_parse(&r->parser, event)) {
    return true;
  }
  const unsigned tab_column = indentation_tab(r, r->parser.problem_mark);
  if (tab_column) {
    yaml_mark_t at = r->parser.problem_mark;
    at.column      = tab_column - 1U;
    md_yaml_reader_fail(r, "tabs are not allowed for indentation; use spaces", at);
    return false;
  }
  const char* problem = r->parser.problem ? r->parser.problem : "syntax error";
  char        message[256];
  if (r->parser.context) {
    snprintf(message, sizeof message, "%s %s", problem, r->parser.context);
  } else {
    snprintf(message, sizeof message, "%s", problem);
  }
  md_yaml_reader_fail(r, message, r->parser.problem_mark);
  return false;
}

static MdYNode* read_node(MdYamlReader* r, yaml_event_t* first);

static MdYStyle
scalar_style(yaml_scalar_style_t style)
{
  switch (style) {
  case YAML_SINGLE_QUOTED_SCALAR_STYLE: return MD_YSTYLE_SINGLE;
  case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return MD_YSTYLE_DOUBLE;
  case YAML_LITERAL_SCALAR_STYLE: return MD_YSTYLE_LITERAL;
  case YAML_FOLDED_SCALAR_STYLE: return MD_YSTYLE_FOLDED;
  default: return MD_YSTYLE_PLAIN;
  }
}

// A scalar's span: its marks as bytes; an empty plain value just after its
// `:` or `-`; a block scalar (| or >) without the line breaks that end it,
// so that what follows it on its last line is where a new line goes.
static void
set_scalar_span(MdYamlReader* r, MdYNode* node, const yaml_event_t* event)
{
  node->style = scalar_style(event->data.scalar.style);
  node->start = md_yaml_reader_byte(r, event->start_mark.index);
  node->end   = md_yaml_reader_byte(r, event->end_mark.index);
  if (!r->spans) {
    return;
  }
  if (node->style == MD_YSTYLE_PLAIN && !event->data.scalar.length) {
    node->start = node->end = empty_value_place(r);
  }
  if (node->style == MD_YSTYLE_LITERAL || node->style == MD_YSTYLE_FOLDED) {
    while (node->end > node->start + 1U && strchr(" \t\r\n", r->text[node->end - 1U])) {
      --node->end;
    }
  }
  r->last_end = node->end;
}

bool
md_yaml_push_slot(MdYNode*** slots, size_t* n_slots, size_t* capacity, MdYNode* item)
{
  if (*n_slots == *capacity) {
    const size_t bigger = *capacity ? *capacity * 2U : 8U;
    MdYNode**    grown  = realloc(*slots, bigger * sizeof(MdYNode*));
    if (!grown) {
      return false;
    }
    *slots    = grown;
    *capacity = bigger;
  }
  (*slots)[(*n_slots)++] = item;
  return true;
}

// Sets the item count from the slots used; an unpaired mapping key (left by
// an error) is freed so that md_ynode_free() sees only whole pairs.
static void
set_item_count(MdYNode* node, size_t n_slots)
{
  if (node->kind == MD_YNODE_MAPPING && (n_slots % 2U)) {
    md_ynode_free(node->items[--n_slots]);
  }
  node->n_items = node->kind == MD_YNODE_MAPPING ? n_slots / 2U : n_slots;
}

// Reads items up to the matching end event into `node`; sets its end: a
// flow collection's closing bracket, a block one's last child.
static bool
read_children(MdYamlReader* r, MdYNode* node, yaml_event_type_t end_type)
{
  size_t n_slots  = 0U;
  size_t capacity = 0U;
  bool   ok       = true;
  for (;;) {
    yaml_event_t event;
    if (!next_event(r, &event)) {
      ok = false;
      break;
    }
    if (event.type == end_type) {
      if (node->style == MD_YSTYLE_FLOW) {
        r->last_end = md_yaml_reader_byte(r, event.end_mark.index);
      }
      node->end = r->last_end; // a block end's mark is at the next token: not the extent
      yaml_event_delete(&event);
      break;
    }
    MdYNode* child = read_node(r, &event);
    yaml_event_delete(&event);
    if (!child || !md_yaml_push_slot(&node->items, &n_slots, &capacity, child)) {
      if (child) { // read_node() reported its own failure; this one is the slot's
        md_yaml_reader_fail(r, MD_YAML_OUT_OF_MEMORY,
                            (yaml_mark_t){.line = child->line - 1U, .column = child->column - 1U});
      }
      md_ynode_free(child);
      ok = false;
      break;
    }
  }
  set_item_count(node, n_slots);
  return ok;
}


// The anchor (&name) on a node's first event, or NULL.
static const char*
event_anchor(const yaml_event_t* event)
{
  switch (event->type) {
  case YAML_SCALAR_EVENT: return (const char*)event->data.scalar.anchor;
  case YAML_SEQUENCE_START_EVENT: return (const char*)event->data.sequence_start.anchor;
  case YAML_MAPPING_START_EVENT: return (const char*)event->data.mapping_start.anchor;
  default: return NULL;
  }
}

// The first control character in a scalar's value (escapes make them:
// "\e", "\x1b", "\u009b"), other than tab and line breaks; 0 if none.
// `value` is UTF-8 (libyaml's output), C1 controls are C2 80 … C2 9F.
static unsigned
control_in(const unsigned char* value, size_t length)
{
  for (size_t i = 0U; i < length; ++i) {
    const unsigned char c = value[i];
    if ((c < 0x20U && c != '\t' && c != '\n' && c != '\r') || c == 0x7FU) {
      return c ? c : 0x100U; // NUL as 0x100, so that 0 says none
    }
    if (c == 0xC2U && i + 1U < length && value[i + 1U] >= 0x80U && value[i + 1U] <= 0x9FU && value[i + 1U] != 0x85U) {
      return value[i + 1U];
    }
  }
  return 0U;
}

// A scalar.  A NUL character (an escape: "\0", "\x00", "\u0000") is
// refused: C strings would end there, cutting a name or a path short; so
// are other control characters, which names and paths carry into messages
// and file names (an escape sequence would reach the terminal).
static MdYNode*
read_scalar(MdYamlReader* r, const yaml_event_t* event)
{
  const char*    value   = (const char*)event->data.scalar.value;
  const size_t   length  = event->data.scalar.length;
  const unsigned control = control_in((const unsigned char*)value, length);
  if (control == 0x100U) {
    md_yaml_reader_fail(r, "a string cannot hold a NUL character (written \"\\0\", \"\\x00\" or \"\\u0000\")",
                        event->start_mark);
    return NULL;
  }
  if (control) {
    char message[128];
    snprintf(message, sizeof message, "a string cannot hold control character U+%04X", control);
    md_yaml_reader_fail(r, message, event->start_mark);
    return NULL;
  }
  MdYNode* node = node_new(MD_YNODE_SCALAR, event->start_mark);
  if (node) {
    node->text   = strdup(value);
    node->quoted = event->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
    set_scalar_span(r, node, event);
    if (!node->text) {
      md_ynode_free(node);
      node = NULL;
    }
  }
  if (!node) {
    md_yaml_reader_fail(r, "out of memory", event->start_mark);
  }
  return node;
}

// The tag (`!!str`, `!local`) on a node's first event, or NULL.
static const char*
event_tag(const yaml_event_t* event)
{
  switch (event->type) {
  case YAML_SCALAR_EVENT: return (const char*)event->data.scalar.tag;
  case YAML_SEQUENCE_START_EVENT: return (const char*)event->data.sequence_start.tag;
  case YAML_MAPPING_START_EVENT: return (const char*)event->data.mapping_start.tag;
  default: return NULL;
  }
}

// Tags are refused: the validator reads a value by where it is, and a tag
// that changed its type (`!!str -3`) would be silently ignored.  The error
// is at the node's properties (its anchor, when one comes first).
static bool
refuse_tag(MdYamlReader* r, const yaml_event_t* event)
{
  const char* tag = event_tag(event);
  if (!tag) {
    return true;
  }
  static const char core[] = "tag:yaml.org,2002:"; // what libyaml makes of `!!`
  const bool        is_core = !strncmp(tag, core, sizeof core - 1U);
  char              message[256];
  snprintf(message, sizeof message,
           "YAML tags are not supported: `%s%.100s` (write the value alone; quote text that must stay text)",
           is_core ? "!!" : "", is_core ? tag + sizeof core - 1U : tag);
  md_yaml_reader_fail(r, message, event->start_mark);
  return false;
}

// A list or a mapping, up to its end event; a mapping's merge keys resolved.
static MdYNode*
read_collection(MdYamlReader* r, const yaml_event_t* first)
{
  const bool is_map = first->type == YAML_MAPPING_START_EVENT;
  if (r->depth + 1U > MD_YAML_MAX_DEPTH) {
    md_yaml_reader_fail(r, "nesting is too deep (more than 64 levels)", first->start_mark);
    return NULL;
  }
  ++r->depth;
  MdYNode* node = node_new(is_map ? MD_YNODE_MAPPING : MD_YNODE_SEQUENCE, first->start_mark);
  if (node) {
    const bool flow = is_map ? first->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                             : first->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
    node->style = flow ? MD_YSTYLE_FLOW : MD_YSTYLE_BLOCK;
    node->start = md_yaml_reader_byte(r, first->start_mark.index);
    r->last_end = node->start; // an empty first item is found from here
  }
  if (!node) {
    md_yaml_reader_fail(r, "out of memory", first->start_mark);
  } else if (!read_children(r, node, is_map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT) ||
             (is_map && !md_yaml_resolve_merges(r, node))) {
    md_ynode_free(node);
    node = NULL;
  }
  --r->depth;
  return node;
}

// Builds the node that starts with `first` (which the caller deletes).
static MdYNode*
read_node(MdYamlReader* r, yaml_event_t* first)
{
  MdYNode* node = NULL;
  if (!refuse_tag(r, first)) {
    return NULL;
  }
  if (first->type != YAML_ALIAS_EVENT && !r->node_budget--) {
    char message[160];
    snprintf(message, sizeof message, "the session holds more than %u values; refused (is it generated wrongly?)",
             MD_YAML_MAX_NODES);
    md_yaml_reader_fail(r, message, first->start_mark);
    return NULL;
  }
  switch (first->type) {
  case YAML_SCALAR_EVENT: node = read_scalar(r, first); break;
  case YAML_SEQUENCE_START_EVENT:
  case YAML_MAPPING_START_EVENT: node = read_collection(r, first); break;
  case YAML_ALIAS_EVENT: { // a copy: the anchor was registered
    // The copy's span is the `*name` written here (its line and column, and
    // everything inside it, stay the anchor's).
    const size_t start = md_yaml_reader_byte(r, first->start_mark.index);
    r->last_end        = md_yaml_reader_byte(r, first->end_mark.index);
    node               = md_yaml_read_alias(r, first);
    if (node) {
      node->start = start;
      node->end   = r->last_end;
    }
    return node;
  }
  default: md_yaml_reader_fail(r, "unexpected YAML event", first->start_mark); return NULL;
  }
  const char* anchor = event_anchor(first);
  if (node && anchor && !md_yaml_anchor_add(r, anchor, node)) {
    md_yaml_reader_fail(r, "out of memory", first->start_mark);
    md_ynode_free(node);
    node = NULL;
  }
  return node;
}

MdYNode*
md_yaml_parse(const char* text, size_t length, char* error, size_t error_size,
              unsigned* error_line, unsigned* error_column)
{
  MdYamlReader r = {.text = text, .length = length, .error = error, .error_size = error_size,
                    .error_line = error_line, .error_column = error_column,
                    .copy_budget = MD_YAML_MAX_COPIED_NODES, .node_budget = MD_YAML_MAX_NODES};
  // UTF-16 text is read but its spans are not computed (editing needs UTF-8);
  // a UTF-8 byte-order mark is skipped by libyaml: its marks start after it.
  const unsigned char* bytes = (const unsigned char*)text;
  r.spans = !(length >= 2U && ((bytes[0] == 0xFFU && bytes[1] == 0xFEU) || (bytes[0] == 0xFEU && bytes[1] == 0xFFU)));
  r.cursor_byte = length >= 3U && bytes[0] == 0xEFU && bytes[1] == 0xBBU && bytes[2] == 0xBFU ? 3U : 0U;
  error[0]       = '\0';
  *error_line = *error_column = 0U;
  MdTextPlace bad = {0U, 0U};
  if (!md_yaml_check_text(text, length, error, error_size, &bad)) {
    *error_line   = bad.line;
    *error_column = bad.column;
    return NULL;
  }
  if (!yaml_parser_initialize(&r.parser)) {
    snprintf(error, error_size, "out of memory");
    return NULL;
  }
  yaml_parser_set_input_string(&r.parser, (const unsigned char*)text, length);

  MdYNode*     root = NULL;
  yaml_event_t event;
  bool         ok = true;
  // STREAM-START, DOCUMENT-START, root node, DOCUMENT-END; a second document
  // is an error: a session is one document.
  while (ok && next_event(&r, &event)) {
    const yaml_event_type_t type = event.type;
    if (type == YAML_STREAM_END_EVENT) {
      yaml_event_delete(&event);
      break;
    }
    if (type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT ||
        type == YAML_SCALAR_EVENT || type == YAML_ALIAS_EVENT) {
      if (root) {
        md_yaml_reader_fail(&r, "a session file holds one document only", event.start_mark);
        ok = false;
      } else {
        root = read_node(&r, &event);
        ok   = root != NULL;
      }
    }
    yaml_event_delete(&event);
  }
  if (error[0]) {
    md_ynode_free(root);
    root = NULL;
  } else if (!root) {
    snprintf(error, error_size, "the session is empty");
    *error_line = *error_column = 1U;
  }
  md_yaml_anchors_free(&r);
  yaml_parser_delete(&r.parser);
  return root;
}

const char*
md_ynode_kind_name(const MdYNode* node)
{
  switch (node->kind) {
  case MD_YNODE_SEQUENCE: return "a list";
  case MD_YNODE_MAPPING: return "a mapping";
  case MD_YNODE_SCALAR: break;
  }
  return node->quoted ? "a string" : "a value";
}
