// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Value trees for the editor: following an address's document path
// (creating the mappings missing on the way: `master:` absent, a key
// absent), copies of trees, a user's value text parsed, and a tree written
// as one line of YAML flow or JSON (what `mixdown get` prints).
// Thread: control (edit_internal.h).

#include "edit/edit_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Following a path --------------------------------------------------------- */

MdYNode*
md_edit_find(const MdYamlDoc* doc, const MdYPathStep* path, size_t depth)
{
  MdYNode* node = md_ynode_find(doc->root, path, depth);
  if (!node && depth >= 2U && !path[depth - 2U].key && path[depth - 1U].key) {
    // A list of one field may write its items bare (`notes: [A, C]`):
    // the item is the field (session/address.h).
    MdYNode* item = md_ynode_find(doc->root, path, depth - 1U);
    if (item && item->kind == MD_YNODE_SCALAR && !md_ynode_is_null(item)) {
      return item;
    }
  }
  return node;
}

// How many steps of `path` are written in `doc` (0: only the root).
static size_t
written_depth(const MdYamlDoc* doc, const MdYPathStep* path, size_t depth)
{
  size_t k = 0U;
  while (k < depth && md_ynode_find(doc->root, path, k + 1U)) {
    ++k;
  }
  return k;
}

void
md_edit_place(const MdYamlDoc* doc, const MdYPathStep* path, size_t depth, unsigned* line, unsigned* column)
{
  const MdYNode* node = md_edit_find(doc, path, depth);
  if (!node) {
    node = md_ynode_find(doc->root, path, written_depth(doc, path, depth));
  }
  *line   = node ? node->line : 0U;
  *column = node ? node->column : 0U;
}

void
md_edit_place_names(const MdYamlDoc* doc, const MdYPathStep* path, size_t depth, unsigned* line, unsigned* column)
{
  const size_t   have = written_depth(doc, path, depth);
  const MdYNode* node = md_ynode_find(doc->root, path, have);
  if (have > 0U && path[have - 1U].key) {
    // `tracks:`, `inserts:`: the key names the list better than its first item.
    const MdYNode* map = md_ynode_find(doc->root, path, have - 1U);
    for (size_t i = 0U; map && map->kind == MD_YNODE_MAPPING && i < map->n_items; ++i) {
      const MdYNode* key = map->items[2U * i];
      if (map->items[2U * i + 1U] == node && key->kind == MD_YNODE_SCALAR) {
        node = key;
        break;
      }
    }
  }
  *line   = node ? node->line : 0U;
  *column = node ? node->column : 0U;
}

/* Copies -------------------------------------------------------------------- */

MdYNode*
md_edit_clone(const MdYNode* node)
{
  MdYNode* copy = node->kind == MD_YNODE_SCALAR ? md_ynode_new_scalar(node->text ? node->text : "", node->quoted)
                                                : md_ynode_new(node->kind);
  if (!copy) {
    return NULL;
  }
  copy->style = node->style;
  for (size_t i = 0U; node->kind != MD_YNODE_SCALAR && i < node->n_items; ++i) {
    bool added = false;
    if (node->kind == MD_YNODE_SEQUENCE) {
      added = md_ynode_append(copy, md_edit_clone(node->items[i]), NULL);
    } else {
      MdYNode* key   = md_edit_clone(node->items[2U * i]);
      MdYNode* value = key ? md_edit_clone(node->items[2U * i + 1U]) : NULL;
      if (!value) {
        md_ynode_free(key);
      }
      added = value && md_ynode_append(copy, key, value);
    }
    if (!added) {
      md_ynode_free(copy);
      return NULL;
    }
  }
  return copy;
}

// `value` under the keys path[from … depth): {k1: {k2: value}}.
static MdYNode*
nest(const MdYPathStep* path, size_t from, size_t depth, const MdYNode* value, char* error, size_t error_size)
{
  MdYNode* inner = md_edit_clone(value);
  for (size_t k = depth; inner && k-- > from;) {
    if (!path[k].key) {
      snprintf(error, error_size, "item %zu is not written (append it to its list first)", path[k].index + 1U);
      md_ynode_free(inner);
      return NULL;
    }
    MdYNode* map = md_ynode_new(MD_YNODE_MAPPING);
    MdYNode* key = md_ynode_new_scalar(path[k].key, false);
    if (!map || !key || !md_ynode_append(map, key, inner)) {
      md_ynode_free(map);
      inner = NULL;
      break;
    }
    inner = map;
  }
  if (!inner && !error[0]) {
    snprintf(error, error_size, "%s", MD_YAML_OUT_OF_MEMORY);
  }
  return inner;
}

bool
md_edit_put(MdYamlDoc* doc, const MdYPathStep* path, size_t depth, const MdYNode* value, char* error,
            size_t error_size)
{
  error[0]             = '\0';
  const MdYNode* found = md_edit_find(doc, path, depth);
  if (found) {
    return md_yaml_doc_replace(doc, found, value, error, error_size);
  }
  const size_t   have   = written_depth(doc, path, depth);
  const MdYNode* parent = md_ynode_find(doc->root, path, have);
  if (have > 0U && md_ynode_is_null(parent)) {
    // `master:` with nothing after it: the value becomes the mapping.
    MdYNode* tree = nest(path, have, depth, value, error, error_size);
    const bool ok = tree && md_yaml_doc_replace(doc, parent, tree, error, error_size);
    md_ynode_free(tree);
    return ok;
  }
  if (!path[have].key) {
    snprintf(error, error_size, "item %zu is not written (append it to its list first)", path[have].index + 1U);
    return false;
  }
  if (parent->kind != MD_YNODE_MAPPING) {
    snprintf(error, error_size, "`%s` cannot be added here: %s holds it", path[have].key, md_ynode_kind_name(parent));
    return false;
  }
  MdYNode* tree = nest(path, have + 1U, depth, value, error, error_size);
  const bool ok = tree && md_yaml_doc_set_key(doc, parent, path[have].key, tree, error, error_size);
  md_ynode_free(tree);
  return ok;
}

/* The file: shorthand ------------------------------------------------------ */

bool
md_edit_expand_shorthand(MdYamlDoc* doc, const MdAddress* a, char* error, size_t error_size)
{
  if (!a->shorthand || a->depth < 3U || !a->path[2].key || strcmp(a->path[2].key, "clips")) {
    return true; // not a clip's key, or the track's own `file:` (address.h)
  }
  const MdYNode* track = md_ynode_find(doc->root, a->path, 2U); // tracks/I
  const MdYNode* file  = md_ynode_get(track, "file");
  if (!track || !file || md_ynode_get(track, "clips")) {
    return true; // written out already (or nothing to expand: the validator says)
  }
  MdYNode* clips = md_ynode_new(MD_YNODE_SEQUENCE);
  MdYNode* clip  = md_ynode_new(MD_YNODE_MAPPING);
  MdYNode* path  = md_edit_clone(file);
  if (!clips || !clip || !path || !md_ynode_set(clip, "file", path) || !md_ynode_append(clips, clip, NULL)) {
    md_ynode_free(clips);
    md_ynode_free(clip);
    snprintf(error, error_size, "%s", MD_YAML_OUT_OF_MEMORY);
    return false;
  }
  bool ok = md_yaml_doc_set_key(doc, track, "clips", clips, error, error_size);
  md_ynode_free(clips);
  track = md_ynode_find(doc->root, a->path, 2U);
  return ok && md_yaml_doc_remove_key(doc, track, "file", error, error_size);
}

/* The loudness preset ------------------------------------------------------ */

bool
md_edit_expand_preset(MdYamlDoc* doc, const MdAddress* a, char* error, size_t error_size)
{
  if (a->owner != MD_OWNER_LOUDNESS || a->depth < 2U) {
    return true;
  }
  const MdYNode* loudness = md_edit_find(doc, a->path, a->depth - 1U);
  if (!loudness || loudness->kind != MD_YNODE_SCALAR) {
    return true; // written out already, or not written (md_edit_put adds it)
  }
  // `loudness: podcast` → `loudness: {preset: podcast}`: the value set
  // beside it overrides the preset's, as the format reads it.
  return md_edit_wrap(doc, loudness, "preset", loudness, error, error_size);
}

bool
md_edit_wrap(MdYamlDoc* doc, const MdYNode* holder, const char* key, const MdYNode* value, char* error,
             size_t error_size)
{
  MdYNode* map  = md_ynode_new(MD_YNODE_MAPPING);
  MdYNode* copy = md_edit_clone(value);
  if (!map || !copy) {
    md_ynode_free(map);
    md_ynode_free(copy);
    snprintf(error, error_size, "%s", MD_YAML_OUT_OF_MEMORY);
    return false;
  }
  if (!md_ynode_set(map, key, copy)) { // it has freed `copy`
    md_ynode_free(map);
    snprintf(error, error_size, "%s", MD_YAML_OUT_OF_MEMORY);
    return false;
  }
  const bool ok = md_yaml_doc_replace(doc, holder, map, error, error_size);
  md_ynode_free(map);
  return ok;
}

/* A user's value ----------------------------------------------------------- */

MdYNode*
md_edit_parse_value(const char* text, char* error, size_t error_size)
{
  const char* p = text;
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
    ++p;
  }
  if (!*p) {
    snprintf(error, error_size, "no value given");
    return NULL;
  }
  unsigned line = 0U, column = 0U;
  char     why[400];
  MdYNode* node = md_yaml_parse(text, strlen(text), why, sizeof why, &line, &column);
  if (!node) {
    snprintf(error, error_size, "`%s` is not a YAML value: %s (column %u)", text, why, column);
  }
  return node;
}

/* Writing a value on one line ------------------------------------------------ */

typedef struct {
  char*  text;
  size_t length;
  size_t capacity;
  bool   failed;
} Buffer;

static void
put(Buffer* b, const char* p, size_t n)
{
  if (b->failed) {
    return;
  }
  if (b->length + n + 1U > b->capacity) {
    size_t bigger = b->capacity ? b->capacity : 64U;
    while (b->length + n + 1U > bigger) {
      bigger *= 2U;
    }
    char* grown = realloc(b->text, bigger);
    if (!grown) {
      b->failed = true;
      return;
    }
    b->text     = grown;
    b->capacity = bigger;
  }
  memcpy(b->text + b->length, p, n);
  b->length += n;
  b->text[b->length] = '\0';
}

static void
puts_(Buffer* b, const char* s)
{
  put(b, s, strlen(s));
}

static void
put_quoted(Buffer* b, const char* s)
{
  puts_(b, "\"");
  for (const unsigned char* p = (const unsigned char*)s; *p; ++p) {
    char esc[8];
    if (*p == '"' || *p == '\\') {
      snprintf(esc, sizeof esc, "\\%c", *p);
    } else if (*p < 0x20U || *p == 0x7FU) {
      snprintf(esc, sizeof esc, "\\u%04x", *p);
    } else {
      esc[0] = (char)*p;
      esc[1] = '\0';
    }
    puts_(b, esc);
  }
  puts_(b, "\"");
}

// JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
static bool
json_number_text(const char* s)
{
  s += *s == '-';
  if (!isdigit((unsigned char)*s)) {
    return false;
  }
  if (*s == '0') {
    ++s;
  } else {
    while (isdigit((unsigned char)*s)) {
      ++s;
    }
  }
  if (*s == '.') {
    if (!isdigit((unsigned char)*++s)) {
      return false;
    }
    while (isdigit((unsigned char)*s)) {
      ++s;
    }
  }
  if (*s == 'e' || *s == 'E') {
    s += s[1] == '+' || s[1] == '-';
    if (!isdigit((unsigned char)*++s)) {
      return false;
    }
    while (isdigit((unsigned char)*s)) {
      ++s;
    }
  }
  return !*s;
}

static bool
is_word(const char* s, const char* const* words, size_t n)
{
  for (size_t i = 0U; i < n; ++i) {
    if (!strcmp(s, words[i])) {
      return true;
    }
  }
  return false;
}

static const char* const yes_words[] = {"true", "yes", "on"};
static const char* const no_words[]  = {"false", "no", "off"};

// May `n` be written bare in flow YAML and read back as it is?  A plain
// scalar of block context may hold what ends one in flow; a quoted one
// is bare only when it cannot be read as a number, switch or null.  A
// `:` is always quoted: `3:1` is a musical time here but a number
// (base 60) to YAML 1.1 readers, and a quoted string that starts as a
// number does (`2024-01-01`, `1_000`) stays quoted.
static bool
plain_safe(const MdYNode* n)
{
  const char* text = n->text ? n->text : "";
  const size_t length = strlen(text);
  if (strpbrk(text, ",[]{}#\"\t\n\r:")) {
    return false;
  }
  if (!n->quoted) {
    return true;
  }
  if (strchr("0123456789+-.", text[0])) {
    return false;
  }
  char* end = NULL;
  strtod(text, &end); // a number's text would read back as a number
  return length && end != text + length && !strchr("!&*?|>'\"%@`-: ", text[0]) && text[length - 1U] != ' ' &&
         !is_word(text, yes_words, 3U) && !is_word(text, no_words, 3U) && strcmp(text, "null") && strcmp(text, "~") &&
         strcasecmp(text, ".inf") && strcasecmp(text, "-.inf") && strcasecmp(text, ".nan");
}

static void
put_scalar(Buffer* b, const MdYNode* n, bool json)
{
  const char* text   = n->text ? n->text : "";
  double      number = 0.0;
  if (!json) {
    plain_safe(n) ? puts_(b, text[0] ? text : "null") : put_quoted(b, text);
  } else if (md_ynode_number(n, &number)) {
    char shortest[40];
    snprintf(shortest, sizeof shortest, "%.17g", number);
    puts_(b, json_number_text(text) ? text : shortest);
  } else if (!n->quoted && is_word(text, yes_words, 3U)) {
    puts_(b, "true");
  } else if (!n->quoted && is_word(text, no_words, 3U)) {
    puts_(b, "false");
  } else if (md_ynode_is_null(n)) {
    puts_(b, "null");
  } else {
    put_quoted(b, text);
  }
}

static void
put_node(Buffer* b, const MdYNode* n, bool json)
{
  if (n->kind == MD_YNODE_SCALAR) {
    put_scalar(b, n, json);
    return;
  }
  const bool map = n->kind == MD_YNODE_MAPPING;
  puts_(b, map ? "{" : "[");
  for (size_t i = 0U; i < n->n_items; ++i) {
    puts_(b, i ? ", " : "");
    if (map) {
      const MdYNode* key = n->items[2U * i];
      if (json || key->quoted) {
        put_quoted(b, key->kind == MD_YNODE_SCALAR && key->text ? key->text : "");
      } else {
        put_node(b, key, false);
      }
      puts_(b, ": ");
      put_node(b, n->items[2U * i + 1U], json);
    } else {
      put_node(b, n->items[i], json);
    }
  }
  puts_(b, map ? "}" : "]");
}

char*
md_edit_flow(const MdYNode* node, bool json)
{
  Buffer b = {0};
  puts_(&b, "");
  put_node(&b, node, json);
  if (b.failed) {
    free(b.text);
    return NULL;
  }
  return b.text;
}
