// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "session/yamltree.h"

#include <yaml.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Nesting deeper than this is refused rather than risking the C stack.
#define MD_YAML_MAX_DEPTH 64U

typedef struct {
  yaml_parser_t parser;
  char*         error;
  size_t        error_size;
  unsigned*     error_line;
  unsigned*     error_column;
  unsigned      depth;
} MdYamlReader;

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

static void
reader_fail(MdYamlReader* r, const char* message, const yaml_mark_t mark)
{
  if (r->error[0]) {
    return; // keep the first error
  }
  snprintf(r->error, r->error_size, "%s", message);
  *r->error_line   = (unsigned)mark.line + 1U;
  *r->error_column = (unsigned)mark.column + 1U;
}

static bool
next_event(MdYamlReader* r, yaml_event_t* event)
{
  if (yaml_parser_parse(&r->parser, event)) {
    return true;
  }
  const char* problem = r->parser.problem ? r->parser.problem : "syntax error";
  char        message[256];
  if (r->parser.context) {
    snprintf(message, sizeof message, "%s %s", problem, r->parser.context);
  } else {
    snprintf(message, sizeof message, "%s", problem);
  }
  reader_fail(r, message, r->parser.problem_mark);
  return false;
}

static MdYNode* read_node(MdYamlReader* r, yaml_event_t* first);

static bool
push_slot(MdYNode*** slots, size_t* n_slots, size_t* capacity, MdYNode* item)
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

// Reads items up to the matching end event into `node`.
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
      yaml_event_delete(&event);
      break;
    }
    MdYNode* child = read_node(r, &event);
    yaml_event_delete(&event);
    if (!child || !push_slot(&node->items, &n_slots, &capacity, child)) {
      md_ynode_free(child);
      ok = false;
      break;
    }
  }
  set_item_count(node, n_slots);
  return ok;
}

// Builds the node that starts with `first` (which the caller deletes).
static MdYNode*
read_node(MdYamlReader* r, yaml_event_t* first)
{
  MdYNode* node = NULL;
  switch (first->type) {
  case YAML_SCALAR_EVENT:
    node = node_new(MD_YNODE_SCALAR, first->start_mark);
    if (node) {
      node->text   = strdup((const char*)first->data.scalar.value);
      node->quoted = first->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
      if (!node->text) {
        md_ynode_free(node);
        node = NULL;
      }
    }
    break;
  case YAML_SEQUENCE_START_EVENT:
  case YAML_MAPPING_START_EVENT: {
    const bool is_map = first->type == YAML_MAPPING_START_EVENT;
    if (++r->depth > MD_YAML_MAX_DEPTH) {
      reader_fail(r, "nesting is too deep (more than 64 levels)", first->start_mark);
      return NULL;
    }
    node = node_new(is_map ? MD_YNODE_MAPPING : MD_YNODE_SEQUENCE, first->start_mark);
    if (node && !read_children(r, node, is_map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT)) {
      md_ynode_free(node);
      node = NULL;
    }
    --r->depth;
    break;
  }
  case YAML_ALIAS_EVENT:
    reader_fail(r, "YAML aliases (*name) are not supported in sessions", first->start_mark);
    return NULL;
  default:
    reader_fail(r, "unexpected YAML event", first->start_mark);
    return NULL;
  }
  if (!node) {
    reader_fail(r, "out of memory", first->start_mark);
  }
  return node;
}

MdYNode*
md_yaml_parse(const char* text, size_t length, char* error, size_t error_size,
              unsigned* error_line, unsigned* error_column)
{
  MdYamlReader r = {.error = error, .error_size = error_size, .error_line = error_line,
                    .error_column = error_column};
  error[0]       = '\0';
  *error_line = *error_column = 0U;
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
        reader_fail(&r, "a session file holds one document only", event.start_mark);
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
