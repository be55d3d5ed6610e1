// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "session/yamltree.h"

#include "util/name_index.h"

#include <yaml.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Nesting deeper than this is refused rather than risking the C stack.
#define MD_YAML_MAX_DEPTH 64U

// An anchor (&name) and the node it names.  The node stays in the tree (or,
// when a merge takes it out, in `retired`) until the whole tree is freed.
typedef struct {
  char*    name;
  MdYNode* node;
} MdAnchor;

typedef struct {
  yaml_parser_t parser;
  const char*   text; ///< The document, to look at the line of a syntax error
  size_t        length;
  char*         error;
  size_t        error_size;
  unsigned*     error_line;
  unsigned*     error_column;
  unsigned      depth;
  MdAnchor*     anchors;
  size_t        n_anchors;
  size_t        anchors_capacity;
  MdNameIndex   anchor_index; ///< Anchor name → index into `anchors`
  size_t        copy_budget;  ///< Nodes that aliases and merges may still copy
  size_t        node_budget;  ///< Nodes the document may still hold as written
  MdYNode**     retired;      ///< Anchored nodes a merge took out of the tree
  size_t        n_retired;
  size_t        retired_capacity;
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

/* ------------------------------------------------------------------------ */
/* The text itself                                                           */

// libyaml checks encodings and characters as it reads, but reports a bad
// byte at its offset only (its marks say 1:1).  So the text is checked
// here first, and a problem is given at its line and column as libyaml
// counts them: columns in characters, a line broken by \n, \r\n, \r, NEL,
// LS or PS.  The characters allowed are libyaml's (YAML 1.1's printable set).

typedef struct {
  unsigned line;
  unsigned column;
} MdTextPlace;

static bool
is_printable(uint32_t c)
{
  return c == 0x09U || c == 0x0AU || c == 0x0DU || (c >= 0x20U && c <= 0x7EU) || c == 0x85U ||
         (c >= 0xA0U && c <= 0xD7FFU) || (c >= 0xE000U && c <= 0xFFFDU) || (c >= 0x10000U && c <= 0x10FFFFU);
}

// Moves `at` past character `c`; `next` is the character after it (a
// \r\n pair breaks the line once, at the \n).
static void
advance(MdTextPlace* at, uint32_t c, uint32_t next)
{
  if (c == '\n' || (c == '\r' && next != '\n') || c == 0x85U || c == 0x2028U || c == 0x2029U) {
    ++at->line;
    at->column = 1U;
  } else if (c != '\r') {
    ++at->column;
  }
}

// One UTF-8 character at `p` (`left` bytes): its value and length, or a
// length of 0 when the bytes are not UTF-8 (overlong forms and surrogates
// included).
static size_t
utf8_decode(const unsigned char* p, size_t left, uint32_t* value)
{
  const unsigned char b = p[0];
  size_t              n = b < 0x80U ? 1U : (b & 0xE0U) == 0xC0U ? 2U : (b & 0xF0U) == 0xE0U ? 3U : (b & 0xF8U) == 0xF0U ? 4U : 0U;
  if (!n || n > left) {
    return 0U;
  }
  uint32_t c = n == 1U ? b : n == 2U ? b & 0x1FU : n == 3U ? b & 0x0FU : b & 0x07U;
  for (size_t i = 1U; i < n; ++i) {
    if ((p[i] & 0xC0U) != 0x80U) {
      return 0U;
    }
    c = (c << 6) | (p[i] & 0x3FU);
  }
  static const uint32_t smallest[5] = {0U, 0U, 0x80U, 0x800U, 0x10000U};
  if (c < smallest[n] || c > 0x10FFFFU || (c >= 0xD800U && c <= 0xDFFFU)) {
    return 0U;
  }
  *value = c;
  return n;
}

// One UTF-16 character (`big`-endian or little) at `p`: its length in
// bytes, or 0 for an unpaired surrogate or an odd byte at the end.
static size_t
utf16_decode(const unsigned char* p, size_t left, bool big, uint32_t* value)
{
  if (left < 2U) {
    return 0U;
  }
  const uint32_t u = big ? (uint32_t)(p[0] << 8 | p[1]) : (uint32_t)(p[1] << 8 | p[0]);
  if (u < 0xD800U || u > 0xDFFFU) {
    *value = u;
    return 2U;
  }
  if (u > 0xDBFFU || left < 4U) {
    return 0U;
  }
  const uint32_t low = big ? (uint32_t)(p[2] << 8 | p[3]) : (uint32_t)(p[3] << 8 | p[2]);
  if (low < 0xDC00U || low > 0xDFFFU) {
    return 0U;
  }
  *value = 0x10000U + ((u - 0xD800U) << 10) + (low - 0xDC00U);
  return 4U;
}

typedef enum { MD_TEXT_UTF8, MD_TEXT_UTF16LE, MD_TEXT_UTF16BE } MdTextEncoding;

static size_t
decode(MdTextEncoding encoding, const unsigned char* p, size_t left, uint32_t* value)
{
  return encoding == MD_TEXT_UTF8 ? utf8_decode(p, left, value) : utf16_decode(p, left, encoding == MD_TEXT_UTF16BE, value);
}

// Checks that the text is UTF-8 (or UTF-16 with its byte-order mark, which
// libyaml reads too) of printable characters; otherwise writes the problem
// and its place.
static bool
check_text(const char* text, size_t length, char* error, size_t error_size, MdTextPlace* place)
{
  const unsigned char* p   = (const unsigned char*)text;
  const unsigned char* end = p + length;
  *place                   = (MdTextPlace){1U, 1U};
  if (length >= 4U && ((p[0] == 0xFFU && p[1] == 0xFEU && !p[2] && !p[3]) ||
                       (!p[0] && !p[1] && p[2] == 0xFEU && p[3] == 0xFFU))) {
    snprintf(error, error_size, "the session is UTF-32 text; mixdown reads UTF-8 (and UTF-16): save it as UTF-8");
    return false;
  }
  MdTextEncoding encoding = MD_TEXT_UTF8;
  if (length >= 2U && ((p[0] == 0xFFU && p[1] == 0xFEU) || (p[0] == 0xFEU && p[1] == 0xFFU))) {
    encoding = p[0] == 0xFFU ? MD_TEXT_UTF16LE : MD_TEXT_UTF16BE;
    p += 2;
  } else if (length >= 3U && p[0] == 0xEFU && p[1] == 0xBBU && p[2] == 0xBFU) {
    p += 3; // a UTF-8 byte-order mark, which libyaml skips too
  }
  uint32_t c = 0U;
  size_t   n = p < end ? decode(encoding, p, (size_t)(end - p), &c) : 0U;
  while (p < end) {
    if (!n) {
      if (encoding == MD_TEXT_UTF8) {
        snprintf(error, error_size, "invalid UTF-8 (byte 0x%02X); session files are UTF-8 text: save this one as UTF-8",
                 *p);
      } else {
        snprintf(error, error_size, "invalid UTF-16 (an unpaired surrogate or an odd byte at the end)");
      }
      return false;
    }
    if (c == 0U) {
      snprintf(error, error_size,
               "a NUL byte is not allowed in a session file (is it UTF-16 or UTF-32 without a byte-order mark, "
               "or not text at all?)");
      return false;
    }
    if (!is_printable(c)) {
      snprintf(error, error_size, "control character U+%04X is not allowed in a session file", (unsigned)c);
      return false;
    }
    p += n;
    uint32_t next = 0U;
    n             = p < end ? decode(encoding, p, (size_t)(end - p), &next) : 0U;
    advance(place, c, n ? next : 0U);
    c = next;
  }
  return true;
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
    reader_fail(r, "tabs are not allowed for indentation; use spaces", at);
    return false;
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

/* ------------------------------------------------------------------------ */
/* Anchors and aliases                                                       */

// Rebuilds the name index with room for twice the anchors it holds.
static bool
grow_anchor_index(MdYamlReader* r)
{
  MdNameIndex bigger = {0};
  if (!md_name_index_init(&bigger, 2U * r->anchors_capacity)) {
    md_name_index_free(&bigger);
    return false;
  }
  for (size_t i = 0U; i < r->n_anchors; ++i) {
    md_name_index_add(&bigger, r->anchors[i].name, (uint32_t)i);
  }
  md_name_index_free(&r->anchor_index);
  r->anchor_index = bigger;
  return true;
}

// Names `node` `name`.  A name given again names the new node from here on,
// as YAML says.  False when out of memory.
static bool
anchor_add(MdYamlReader* r, const char* name, MdYNode* node)
{
  node->anchored     = true;
  const uint32_t old = md_name_index_find(&r->anchor_index, name);
  if (old != MD_NAME_NONE) {
    r->anchors[old].node = node;
    return true;
  }
  if (r->n_anchors == r->anchors_capacity) {
    const size_t bigger = r->anchors_capacity ? 2U * r->anchors_capacity : 16U;
    MdAnchor*    grown  = realloc(r->anchors, bigger * sizeof(MdAnchor));
    if (!grown) {
      return false;
    }
    r->anchors          = grown;
    r->anchors_capacity = bigger;
    if (!grow_anchor_index(r)) {
      return false;
    }
  }
  char* copy = strdup(name);
  if (!copy) {
    return false;
  }
  r->anchors[r->n_anchors] = (MdAnchor){copy, node};
  md_name_index_add(&r->anchor_index, copy, (uint32_t)r->n_anchors);
  ++r->n_anchors;
  return true;
}

static void
anchors_free(MdYamlReader* r)
{
  for (size_t i = 0U; i < r->n_anchors; ++i) {
    free(r->anchors[i].name);
  }
  free(r->anchors);
  md_name_index_free(&r->anchor_index);
  for (size_t i = 0U; i < r->n_retired; ++i) {
    md_ynode_free(r->retired[i]);
  }
  free(r->retired);
}

// Keeps an anchored node that a merge took out of the tree: a later alias
// may still copy it.  False when out of memory (the node is then freed, and
// the parse fails, so no alias will look for it).
static bool
retire(MdYamlReader* r, MdYNode* node)
{
  if (!push_slot(&r->retired, &r->n_retired, &r->retired_capacity, node)) {
    md_ynode_free(node);
    return false;
  }
  return true;
}

// A deep copy of `node` placed inside `depth` containers, keeping its lines
// and columns.  Fails (error at `at`, the alias) past the copy budget or
// the nesting limit.
static MdYNode*
copy_node(MdYamlReader* r, const MdYNode* node, unsigned depth, const yaml_mark_t at)
{
  if (!r->copy_budget) {
    char message[160];
    snprintf(message, sizeof message,
             "aliases expand to more than %u nodes; refused (do anchors alias each other over and over?)",
             MD_YAML_MAX_COPIED_NODES);
    reader_fail(r, message, at);
    return NULL;
  }
  if (node->kind != MD_YNODE_SCALAR && depth + 1U > MD_YAML_MAX_DEPTH) {
    reader_fail(r, "nesting is too deep (more than 64 levels) where the alias is expanded", at);
    return NULL;
  }
  --r->copy_budget;
  MdYNode* copy = calloc(1U, sizeof(MdYNode));
  if (!copy) {
    reader_fail(r, "out of memory", at);
    return NULL;
  }
  *copy          = *node;
  copy->anchored = false;
  copy->items    = NULL;
  copy->text     = NULL;
  copy->n_items  = 0U;
  if (node->kind == MD_YNODE_SCALAR) {
    if (!(copy->text = strdup(node->text))) {
      reader_fail(r, "out of memory", at);
      md_ynode_free(copy);
      return NULL;
    }
    return copy;
  }
  const size_t n_slots = node->n_items * (node->kind == MD_YNODE_MAPPING ? 2U : 1U);
  if (n_slots && !(copy->items = calloc(n_slots, sizeof(MdYNode*)))) {
    reader_fail(r, "out of memory", at);
    md_ynode_free(copy);
    return NULL;
  }
  copy->n_items = node->n_items; // empty slots are NULL, which md_ynode_free() skips
  for (size_t i = 0U; i < n_slots; ++i) {
    if (!(copy->items[i] = copy_node(r, node->items[i], depth + 1U, at))) {
      md_ynode_free(copy);
      return NULL;
    }
  }
  return copy;
}

// An alias: a copy of the node its anchor names.
static MdYNode*
read_alias(MdYamlReader* r, const yaml_event_t* event)
{
  const char*    name  = (const char*)event->data.alias.anchor;
  const uint32_t found = md_name_index_find(&r->anchor_index, name);
  if (found == MD_NAME_NONE) {
    char message[256];
    snprintf(message, sizeof message, "unknown alias `*%.100s` (an anchor `&%.100s` must come before it)", name,
             name);
    reader_fail(r, message, event->start_mark);
    return NULL;
  }
  return copy_node(r, r->anchors[found].node, r->depth, event->start_mark);
}

/* ------------------------------------------------------------------------ */
/* Merge keys                                                                */

static bool
is_merge_key(const MdYNode* key)
{
  return key->kind == MD_YNODE_SCALAR && !key->quoted && !strcmp(key->text, "<<");
}

// A merge value is a mapping or a list of mappings.  The error points at
// the `<<`: an alias's copy has its anchor's line, which may be fine.
static bool
check_merge_value(MdYamlReader* r, const MdYNode* key, const MdYNode* value)
{
  bool ok = value->kind == MD_YNODE_MAPPING;
  if (value->kind == MD_YNODE_SEQUENCE) {
    ok = true;
    for (size_t i = 0U; i < value->n_items && ok; ++i) {
      ok = value->items[i]->kind == MD_YNODE_MAPPING;
    }
  }
  if (!ok) {
    char message[200];
    snprintf(message, sizeof message,
             "`<<` merges a mapping or a list of mappings (`<<: *defaults`, `<<: [*a, *b]`), not %s",
             value->kind == MD_YNODE_SEQUENCE ? "a list of other things" : md_ynode_kind_name(value));
    const yaml_mark_t at = {.line = key->line - 1U, .column = key->column - 1U};
    reader_fail(r, message, at);
  }
  return ok;
}

typedef struct {
  MdYNode**   slots; ///< The merged mapping's keys and values, in pairs
  size_t      n_slots;
  size_t      capacity;
  MdNameIndex keys; ///< Scalar keys already in `slots`
} MdMerge;

// Adds a merged pair unless its key is there already.  The pair is moved out of
// `from` or, when `from` must stay as it is (`keep`), copied.
static bool
merge_pair(MdYamlReader* r, MdMerge* m, MdYNode* from, size_t pair, bool keep)
{
  MdYNode* key = from->items[2U * pair];
  if (key->kind == MD_YNODE_SCALAR && md_name_index_find(&m->keys, key->text) != MD_NAME_NONE) {
    return true; // given by the mapping itself or by an earlier merge: that one wins
  }
  const yaml_mark_t at    = {.line = key->line - 1U, .column = key->column - 1U};
  MdYNode*          k     = keep ? copy_node(r, key, r->depth, at) : key;
  MdYNode*          value = from->items[2U * pair + 1U];
  MdYNode*          v     = !k ? NULL : keep ? copy_node(r, value, r->depth, at) : value;
  if (!k || !v) {
    if (keep) {
      md_ynode_free(k);
    }
    return false;
  }
  if (!keep) {
    from->items[2U * pair] = from->items[2U * pair + 1U] = NULL;
  }
  if (!push_slot(&m->slots, &m->n_slots, &m->capacity, k) || !push_slot(&m->slots, &m->n_slots, &m->capacity, v)) {
    if (m->n_slots % 2U) {
      --m->n_slots; // `k` went in; free it with `v` below
    }
    md_ynode_free(k);
    md_ynode_free(v);
    reader_fail(r, "out of memory", at);
    return false;
  }
  if (k->kind == MD_YNODE_SCALAR) {
    md_name_index_add(&m->keys, k->text, 0U);
  }
  return true;
}

// Merges every pair of the mapping `from` whose key is not there yet,
// copying them when `from` must stay whole (an anchor's node, or in one).
static bool
merge_mapping(MdYamlReader* r, MdMerge* m, MdYNode* from, bool keep)
{
  bool ok = true;
  for (size_t i = 0U; i < from->n_items && ok; ++i) {
    ok = merge_pair(r, m, from, i, keep || from->anchored);
  }
  return ok;
}

static bool
holds_anchor(const MdYNode* node)
{
  if (!node || node->anchored) {
    return node != NULL;
  }
  const size_t n_slots = node->n_items * (node->kind == MD_YNODE_MAPPING ? 2U : 1U);
  for (size_t i = 0U; node->kind != MD_YNODE_SCALAR && i < n_slots; ++i) {
    if (holds_anchor(node->items[i])) {
      return true;
    }
  }
  return false;
}

// Disposes of a merge key or value once merged: freed, unless an anchor in
// it may still be aliased.
static bool
dispose_merged(MdYamlReader* r, MdYNode* node)
{
  if (holds_anchor(node)) {
    return retire(r, node);
  }
  md_ynode_free(node);
  return true;
}

static size_t
count_merge_pairs(const MdYNode* map)
{
  size_t n = map->n_items;
  for (size_t i = 0U; i < map->n_items; ++i) {
    const MdYNode* value = map->items[2U * i + 1U];
    if (is_merge_key(map->items[2U * i])) {
      n += value->kind == MD_YNODE_MAPPING ? value->n_items : 0U;
      for (size_t j = 0U; value->kind == MD_YNODE_SEQUENCE && j < value->n_items; ++j) {
        n += value->items[j]->n_items;
      }
    }
  }
  return n;
}

// Resolves the merge keys of a complete mapping: its own pairs first, in
// their order, then those of the merged mappings that it lacks.
static bool
resolve_merges(MdYamlReader* r, MdYNode* map)
{
  bool any = false;
  for (size_t i = 0U; i < map->n_items && !any; ++i) {
    any = is_merge_key(map->items[2U * i]);
  }
  if (!any) {
    return true;
  }
  for (size_t i = 0U; i < map->n_items; ++i) {
    if (is_merge_key(map->items[2U * i]) && !check_merge_value(r, map->items[2U * i], map->items[2U * i + 1U])) {
      return false;
    }
  }
  MdMerge m = {0};
  if (!md_name_index_init(&m.keys, count_merge_pairs(map))) {
    md_name_index_free(&m.keys);
    reader_fail(r, "out of memory", (yaml_mark_t){.line = map->line - 1U, .column = map->column - 1U});
    return false;
  }
  // The mapping's own pairs all stay, a key given twice too: the validator
  // reports that.
  bool ok = true;
  for (size_t i = 0U; i < map->n_items && ok; ++i) {
    MdYNode* key = map->items[2U * i];
    if (is_merge_key(key)) {
      continue;
    }
    ok = push_slot(&m.slots, &m.n_slots, &m.capacity, key) &&
         push_slot(&m.slots, &m.n_slots, &m.capacity, map->items[2U * i + 1U]);
    if (!ok) {
      m.n_slots -= m.n_slots % 2U; // the old slots still own the pair
      reader_fail(r, "out of memory", (yaml_mark_t){.line = key->line - 1U, .column = key->column - 1U});
      break;
    }
    map->items[2U * i] = map->items[2U * i + 1U] = NULL;
    if (key->kind == MD_YNODE_SCALAR) {
      md_name_index_add(&m.keys, key->text, 0U);
    }
  }
  for (size_t i = 0U; i < map->n_items && ok; ++i) {
    MdYNode* value = map->items[2U * i + 1U];
    if (!value || !is_merge_key(map->items[2U * i])) {
      continue;
    }
    if (value->kind == MD_YNODE_MAPPING) {
      ok = merge_mapping(r, &m, value, false);
    }
    for (size_t j = 0U; value->kind == MD_YNODE_SEQUENCE && j < value->n_items && ok; ++j) {
      ok = merge_mapping(r, &m, value->items[j], value->anchored);
    }
    const bool key_kept = dispose_merged(r, map->items[2U * i]);
    const bool value_kept = dispose_merged(r, value);
    map->items[2U * i] = map->items[2U * i + 1U] = NULL;
    ok = ok && key_kept && value_kept;
  }
  md_name_index_free(&m.keys);
  // What was not moved (all of it, after an error) is freed with the old slots.
  MdYNode** old   = map->items;
  const size_t n_old = map->n_items;
  map->items      = m.slots;
  map->n_items    = m.n_slots / 2U;
  for (size_t i = 0U; i < 2U * n_old; ++i) {
    md_ynode_free(old[i]);
  }
  free(old);
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
    reader_fail(r, "a string cannot hold a NUL character (written \"\\0\", \"\\x00\" or \"\\u0000\")",
                event->start_mark);
    return NULL;
  }
  if (control) {
    char message[128];
    snprintf(message, sizeof message, "a string cannot hold control character U+%04X", control);
    reader_fail(r, message, event->start_mark);
    return NULL;
  }
  MdYNode* node = node_new(MD_YNODE_SCALAR, event->start_mark);
  if (node) {
    node->text   = strdup(value);
    node->quoted = event->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
    if (!node->text) {
      md_ynode_free(node);
      node = NULL;
    }
  }
  if (!node) {
    reader_fail(r, "out of memory", event->start_mark);
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
  reader_fail(r, message, event->start_mark);
  return false;
}

// A list or a mapping, up to its end event; a mapping's merge keys resolved.
static MdYNode*
read_collection(MdYamlReader* r, const yaml_event_t* first)
{
  const bool is_map = first->type == YAML_MAPPING_START_EVENT;
  if (r->depth + 1U > MD_YAML_MAX_DEPTH) {
    reader_fail(r, "nesting is too deep (more than 64 levels)", first->start_mark);
    return NULL;
  }
  ++r->depth;
  MdYNode* node = node_new(is_map ? MD_YNODE_MAPPING : MD_YNODE_SEQUENCE, first->start_mark);
  if (!node) {
    reader_fail(r, "out of memory", first->start_mark);
  } else if (!read_children(r, node, is_map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT) ||
             (is_map && !resolve_merges(r, node))) {
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
    reader_fail(r, message, first->start_mark);
    return NULL;
  }
  switch (first->type) {
  case YAML_SCALAR_EVENT: node = read_scalar(r, first); break;
  case YAML_SEQUENCE_START_EVENT:
  case YAML_MAPPING_START_EVENT: node = read_collection(r, first); break;
  case YAML_ALIAS_EVENT: return read_alias(r, first); // a copy: the anchor was registered
  default: reader_fail(r, "unexpected YAML event", first->start_mark); return NULL;
  }
  const char* anchor = event_anchor(first);
  if (node && anchor && !anchor_add(r, anchor, node)) {
    reader_fail(r, "out of memory", first->start_mark);
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
  error[0]       = '\0';
  *error_line = *error_column = 0U;
  MdTextPlace bad = {0U, 0U};
  if (!check_text(text, length, error, error_size, &bad)) {
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
  anchors_free(&r);
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
