// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Which bytes an edit replaces, and with what, in the layout around them
// (yaml_edit_impl.h; the layout itself is read by yaml_edit_layout.c).  Positions are byte offsets into doc->text; a node's
// span is [start, end) (yamltree.h).  Block layout is found from the text
// around a node: its key's `:`, its item's `-`, the indentation of its line.
// Anything else than the text it expects makes a step fail with a message;
// what a step writes is checked afterwards by re-parsing (yaml_edit.c).

#include "session/yaml_edit_impl.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Lines ------------------------------------------------------------------ */

static size_t
line_start(const MdYamlDoc* d, size_t at)
{
  while (at > 0U && d->text[at - 1U] != '\n') {
    --at;
  }
  return at;
}

// Where the line of `at` breaks (its \r of a \r\n, or its \n), or the end.
static size_t
line_end(const MdYamlDoc* d, size_t at)
{
  const size_t from = at;
  while (at < d->length && d->text[at] != '\n') {
    ++at;
  }
  return at > from && d->text[at - 1U] == '\r' ? at - 1U : at;
}

// Just past the line break at `eol` (a line_end()), or the end of the text.
static size_t
after_break(const MdYamlDoc* d, size_t eol)
{
  if (eol < d->length && d->text[eol] == '\r') {
    return eol + 2U <= d->length ? eol + 2U : d->length;
  }
  return eol < d->length ? eol + 1U : eol;
}

// Nothing but spaces between the start of its line and `at`.
static bool
first_on_line(const MdYamlDoc* d, size_t at)
{
  for (size_t p = line_start(d, at); p < at; ++p) {
    if (d->text[p] != ' ' && d->text[p] != '\t') {
      return false;
    }
  }
  return true;
}

static bool
is_blank(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// The leading spaces of the line of `at`.
static size_t
indentation(const MdYamlDoc* d, size_t at)
{
  size_t p = line_start(d, at);
  size_t n = 0U;
  while (p + n < d->length && d->text[p + n] == ' ') {
    ++n;
  }
  return n;
}

// The columns of `at` on its line (code points: a UTF-8 name before it).
static size_t
column_of(const MdYamlDoc* d, size_t at)
{
  const size_t start = line_start(d, at);
  return md_yaml_columns(d->text + start, at - start);
}

// The text after `end` to the end of its line, when it holds more than
// blanks (a comment): it moves with a value written differently.
static void
trailing_comment(const MdYamlDoc* d, size_t end, size_t* from, size_t* to)
{
  *from = end;
  *to   = line_end(d, end);
  for (size_t p = *from; p < *to; ++p) {
    if (!is_blank(d->text[p])) {
      return;
    }
  }
  *to = *from; // blanks only: none
}

static bool
fail(char* error, size_t size, const char* what)
{
  snprintf(error, size, "%s", what);
  return false;
}

/* Where a value hangs ---------------------------------------------------- */

// Just past the `:` of the key before the value in slot `slot` of `map`.
static bool
colon_after_key(const MdYamlDoc* d, const MdYNode* map, size_t slot, size_t* at)
{
  size_t p = map->items[slot - 1U]->end;
  while (p < d->length && (d->text[p] == ' ' || d->text[p] == '\t')) {
    ++p;
  }
  *at = p + 1U;
  return p < d->length && d->text[p] == ':';
}

// The `-` of a block item that starts at `start` (over blanks and breaks).
static bool
dash_before(const MdYamlDoc* d, size_t start, size_t* dash)
{
  size_t p = start;
  while (p > 0U && is_blank(d->text[p - 1U])) {
    --p;
  }
  if (p == 0U || d->text[p - 1U] != '-') {
    return false;
  }
  *dash = p - 1U;
  return true;
}

// A node's parent when it is a flow collection (or the file is JSON): new
// text there is one flow line.
static bool
in_flow(const MdYamlDoc* d, const MdYTrail* t)
{
  return d->json || (t->depth > 0U && t->nodes[t->depth - 1U]->style == MD_YSTYLE_FLOW);
}

/* Replacing a value ------------------------------------------------------ */

static bool
fits_on_line(const MdYNode* value, size_t column, const MdYLayout* layout)
{
  if (value->kind == MD_YNODE_SCALAR || !value->n_items) {
    return true;
  }
  MdYBuffer line = {0};
  md_yaml_write_flow_in(&line, value, false, MD_YSTYLE_PLAIN, layout);
  const bool fits = !line.failed && column + md_yaml_columns(line.data, line.length) <= layout->width;
  md_ybuf_free(&line);
  return fits;
}

// A value written where the old one was, on one line.
static bool
replace_inline(const MdYamlDoc* d, const MdYTrail* t, const MdYNode* value, MdYEdit* e, size_t head,
               const MdYLayout* layout)
{
  const MdYNode* node  = t->nodes[t->depth];
  const MdYStyle quote = node->kind == MD_YNODE_SCALAR ? node->style : MD_YSTYLE_PLAIN;
  if (node->style == MD_YSTYLE_BLOCK && head != SIZE_MAX) {
    // `key:  # comment` and the block below: `key: value  # comment`.
    // The block's lines go up to the end of its last one; a comment there
    // stays, on a line of its own at the key's column.
    e->from = head;
    e->to   = node->end;
    md_ybuf_add(&e->text, " ", 1U);
    md_yaml_write_flow_in(&e->text, value, d->json, quote, layout);
    size_t from = 0U, to = 0U, last_from = 0U, last_to = 0U;
    trailing_comment(d, head, &from, &to);
    if (to <= node->start) { // a comment, not the block's first line
      md_ybuf_add(&e->text, d->text + from, to - from);
    }
    trailing_comment(d, node->end, &last_from, &last_to);
    if (to > from && last_to > last_from && last_from > to) { // both: never one line
      while (is_blank(d->text[last_from])) {
        ++last_from;
      }
      md_ybuf_puts(&e->text, d->newline);
      md_ybuf_spaces(&e->text, indentation(d, head));
      md_ybuf_add(&e->text, d->text + last_from, last_to - last_from);
      e->to = last_to;
    }
    return true;
  }
  e->from = node->start;
  e->to   = node->end;
  if (node->start == node->end && node->start > 0U && strchr(":-", d->text[node->start - 1U])) {
    md_ybuf_add(&e->text, " ", 1U); // an empty value: `key:` becomes `key: value`
  }
  md_yaml_write_flow_in(&e->text, value, d->json, quote, layout);
  return true;
}

// A collection written in block style below its key (or after its `-`),
// two columns in; a comment after the old value moves to the first line.
static bool
replace_block(const MdYamlDoc* d, const MdYTrail* t, const MdYNode* value, MdYEdit* e, size_t head, size_t indent,
              bool after_dash, const MdYLayout* layout)
{
  const MdYNode* node          = t->nodes[t->depth];
  size_t         comment_from  = 0U;
  size_t         comment_to    = 0U;
  const bool     written_below = node->style == MD_YSTYLE_BLOCK;
  e->from                      = head;
  if (written_below && !after_dash) {
    e->from = line_end(d, head); // the key's line stays as it is, comment and all
    e->to   = node->end;
  } else if (written_below) {
    e->to = node->end;
  } else {
    trailing_comment(d, node->end, &comment_from, &comment_to);
    e->to = line_end(d, node->end);
  }
  MdYBuffer block = {0};
  md_yaml_write_block(&block, value, indent, after_dash, layout);
  if (block.failed) {
    md_ybuf_free(&block);
    return false;
  }
  const char*  first_break = strstr(block.data, d->newline);
  const size_t first_line  = first_break ? (size_t)(first_break - block.data) : block.length;
  md_ybuf_spaces(&e->text, after_dash ? layout->dash_gap - 1U : 0U);
  md_ybuf_add(&e->text, block.data, first_line);
  md_ybuf_add(&e->text, d->text + comment_from, comment_to - comment_from);
  md_ybuf_add(&e->text, block.data + first_line, block.length - first_line);
  md_ybuf_free(&block);
  return true;
}

bool
md_yedit_replace(const MdYamlDoc* d, const MdYTrail* t, const MdYNode* value, MdYEdit* e, char* error,
                 size_t error_size)
{
  const MdYNode* node   = t->nodes[t->depth];
  const MdYNode* parent = t->depth ? t->nodes[t->depth - 1U] : NULL;
  MdYLayout      layout;
  md_yedit_layout(d, parent ? parent : node, &layout);
  if (in_flow(d, t) || !parent) {
    if (!parent && value->kind != MD_YNODE_SCALAR && value->n_items && !fits_on_line(value, 0U, &layout) && !d->json) {
      e->from = node->start;
      e->to   = node->end;
      md_yaml_write_block(&e->text, value, 0U, true, &layout);
      return true;
    }
    return replace_inline(d, t, value, e, SIZE_MAX, &layout);
  }
  // Block context: find the `:` of its key or the `-` of its item.
  size_t head       = SIZE_MAX;
  size_t indent     = 0U;
  bool   after_dash = false;
  if (parent->kind == MD_YNODE_MAPPING) {
    const MdYNode* key = parent->items[t->slots[t->depth - 1U] - 1U];
    if (!colon_after_key(d, parent, t->slots[t->depth - 1U], &head)) {
      return fail(error, error_size, "cannot find the `:` after the key of the value to replace");
    }
    indent = column_of(d, key->start) + (value->kind == MD_YNODE_SEQUENCE ? layout.seq_step : layout.map_step);
  } else {
    size_t dash = 0U;
    if (!dash_before(d, node->start, &dash)) {
      return fail(error, error_size, "cannot find the `-` of the item to replace");
    }
    head       = dash + 1U;
    indent     = column_of(d, dash) + layout.dash_gap;
    after_dash = true;
  }
  const size_t column = node->style == MD_YSTYLE_BLOCK ? column_of(d, head) + 1U : column_of(d, node->start);
  if (fits_on_line(value, column, &layout)) {
    return replace_inline(d, t, value, e, head, &layout);
  }
  return replace_block(d, t, value, e, head, indent, after_dash, &layout);
}

/* Inserting ------------------------------------------------------------- */

// In a flow collection [open, close]: where its last entry ends (before
// blanks and a trailing comma), whether entries go one a line, and the
// indentation of the last one.
static void
flow_tail(const MdYamlDoc* d, const MdYNode* c, size_t* tail, bool* comma, bool* one_a_line, size_t* indent)
{
  size_t p = c->end - 1U; // the closing bracket
  while (p > c->start + 1U && is_blank(d->text[p - 1U])) {
    --p;
  }
  *comma = d->text[p - 1U] == ',';
  *tail  = p;
  *indent = indentation(d, p);
  *one_a_line = memchr(d->text + c->start, '\n', p - c->start) != NULL;
}

static bool
flow_brackets_ok(const MdYamlDoc* d, const MdYNode* c)
{
  const char open = c->kind == MD_YNODE_MAPPING ? '{' : '[';
  return c->end > c->start + 1U && d->text[c->start] == open && d->text[c->end - 1U] == (open == '{' ? '}' : ']');
}

// A new entry (`key: value`, or an item when `key` is NULL) at the end of a flow collection.
static bool
flow_append(const MdYamlDoc* d, const MdYNode* c, const char* key, const MdYNode* value, MdYEdit* e, char* error,
            size_t error_size)
{
  if (!flow_brackets_ok(d, c)) {
    return fail(error, error_size, "cannot find the brackets of the flow collection to insert into");
  }
  size_t tail       = 0U;
  bool   comma      = false;
  bool   one_a_line = false;
  size_t indent     = 0U;
  flow_tail(d, c, &tail, &comma, &one_a_line, &indent);
  MdYLayout layout;
  md_yedit_layout(d, c, &layout);
  e->from = e->to = tail;
  if (tail > c->start + 1U) { // after the entries there are
    if (one_a_line) {
      md_ybuf_puts(&e->text, comma ? "" : ",");
      md_ybuf_puts(&e->text, d->newline);
      md_ybuf_spaces(&e->text, indent);
    } else {
      md_ybuf_puts(&e->text, comma ? layout.comma + 1 : layout.comma); // `,` written: what follows it
    }
  }
  if (key) {
    md_yaml_write_key(&e->text, key, d->json);
    md_ybuf_puts(&e->text, layout.colon);
  }
  md_yaml_write_flow_in(&e->text, value, d->json, MD_YSTYLE_PLAIN, &layout);
  return true;
}

// A block entry at column `indent` (the caller wrote what comes before it
// on its line): `key: value` (or `- value` when `key` is NULL), the value
// one flow line when it fits and `block` is not asked for (its siblings
// are blocks), else a block the layout's step in.
static void
block_entry(const MdYLayout* layout, MdYBuffer* b, const char* key, const MdYNode* value, size_t indent, bool block)
{
  md_ybuf_spaces(b, indent);
  size_t column = indent + layout->dash_gap; // after `- `
  if (key) {
    const size_t before = b->length;
    md_yaml_write_key(b, key, false);
    md_ybuf_add(b, ":", 1U);
    column = b->failed ? indent : indent + md_yaml_columns(b->data + before, b->length - before) + 1U;
  } else {
    md_ybuf_add(b, "-", 1U);
  }
  const bool fits = fits_on_line(value, column, layout);
  if (!block && fits) {
    md_ybuf_add(b, " ", 1U);
    md_yaml_write_flow_in(b, value, false, MD_YSTYLE_PLAIN, layout);
    return;
  }
  MdYLayout as_siblings = *layout;
  as_siblings.nested_flow = fits; // a block for its siblings' sake: what fits inside stays on a line
  if (key) {
    const size_t step = value->kind == MD_YNODE_SEQUENCE ? layout->seq_step : layout->map_step;
    md_yaml_write_block(b, value, indent + step, false, &as_siblings);
  } else {
    md_ybuf_spaces(b, layout->dash_gap - 1U);
    md_yaml_write_block(b, value, indent + layout->dash_gap, true, &as_siblings);
  }
}

bool
md_yedit_insert_pair(const MdYamlDoc* d, const MdYNode* map, const char* key, const MdYNode* value, MdYEdit* e,
                     char* error, size_t error_size)
{
  if (map->style == MD_YSTYLE_FLOW) {
    return flow_append(d, map, key, value, e, error, error_size);
  }
  // Block: a line after the mapping's last (its extent ends with its last
  // pair as written, a nested block included), at its first key's column.
  MdYLayout layout;
  md_yedit_layout(d, map, &layout);
  e->from = e->to = line_end(d, map->end);
  md_ybuf_puts(&e->text, d->newline);
  block_entry(&layout, &e->text, key, value, column_of(d, map->start),
              md_yedit_siblings_block(map, map->n_items, value));
  return true;
}

bool
md_yedit_insert_item(const MdYamlDoc* d, const MdYTrail* t, size_t index, const MdYNode* item, MdYEdit* e,
                     char* error, size_t error_size)
{
  const MdYNode* seq   = t->nodes[t->depth];
  const MdYNode* there = index < seq->n_items ? seq->items[index] : NULL;
  MdYLayout      layout;
  md_yedit_layout(d, seq, &layout);
  const bool block = md_yedit_siblings_block(seq, index, item);
  if (seq->style == MD_YSTYLE_FLOW) {
    if (!there) {
      return flow_append(d, seq, NULL, item, e, error, error_size);
    }
    size_t tail = 0U, indent = 0U;
    bool   comma = false, one_a_line = false;
    flow_tail(d, seq, &tail, &comma, &one_a_line, &indent);
    e->from = e->to = there->start;
    md_yaml_write_flow_in(&e->text, item, d->json, MD_YSTYLE_PLAIN, &layout);
    if (one_a_line && first_on_line(d, there->start)) {
      md_ybuf_puts(&e->text, ",");
      md_ybuf_puts(&e->text, d->newline);
      md_ybuf_spaces(&e->text, indentation(d, there->start));
    } else {
      md_ybuf_puts(&e->text, layout.comma);
    }
    return true;
  }
  if (!there) { // a line after the last item, at the first item's column
    e->from = e->to = line_end(d, seq->end);
    md_ybuf_puts(&e->text, d->newline);
    block_entry(&layout, &e->text, NULL, item, column_of(d, seq->start), block);
    return true;
  }
  size_t dash = 0U;
  if (!dash_before(d, there->start, &dash)) {
    return fail(error, error_size, "cannot find the `-` of the item to insert before");
  }
  // At its `-`: the new item, a break, and the indentation the `-` had.
  const size_t column = column_of(d, dash);
  e->from = e->to = dash;
  MdYBuffer entry = {0};
  block_entry(&layout, &entry, NULL, item, column, block);
  md_ybuf_add(&e->text, entry.data ? entry.data + column : "", entry.length > column ? entry.length - column : 0U);
  e->text.failed = e->text.failed || entry.failed;
  md_ybuf_free(&entry);
  md_ybuf_puts(&e->text, d->newline);
  md_ybuf_spaces(&e->text, column);
  return true;
}

/* Removing -------------------------------------------------------------- */

// An entry [from, to) of a flow collection, with the comma that separates
// it: the one after it, else the one before it (the last entry).
static void
flow_remove(const MdYamlDoc* d, size_t from, size_t to, MdYEdit* e)
{
  size_t after = to;
  while (after < d->length && is_blank(d->text[after])) {
    ++after;
  }
  if (after < d->length && d->text[after] == ',') {
    ++after;
    while (after < d->length && is_blank(d->text[after])) {
      ++after;
    }
    e->from = from;
    e->to   = after;
    return;
  }
  size_t before = from;
  while (before > 0U && is_blank(d->text[before - 1U])) {
    --before;
  }
  e->from = before > 0U && d->text[before - 1U] == ',' ? before - 1U : from;
  e->to   = to;
}

// The whole lines from the one of `from` to the one of `to`, with the
// break that ends them (the last line of the text: the break before it).
static void
remove_lines(const MdYamlDoc* d, size_t from, size_t to, MdYEdit* e)
{
  e->from         = line_start(d, from);
  const size_t eol = line_end(d, to);
  e->to           = after_break(d, eol);
  if (e->to == eol && e->from > 0U) { // no break after: take the one before
    e->from -= e->from >= 2U && d->text[e->from - 2U] == '\r' ? 2U : 1U;
  }
}

// The only entry of a collection goes: `[]` or `{}` in its place.
static bool
make_empty(const MdYamlDoc* d, const MdYTrail* t, MdYEdit* e, char* error, size_t error_size)
{
  const MdYNode* c = t->nodes[t->depth];
  if (c->style == MD_YSTYLE_FLOW) {
    if (!flow_brackets_ok(d, c)) {
      return fail(error, error_size, "cannot find the brackets of the flow collection to remove from");
    }
    e->from = c->start + 1U;
    e->to   = c->end - 1U;
    return true;
  }
  MdYNode empty = {.kind = c->kind};
  return md_yedit_replace(d, t, &empty, e, error, error_size);
}

bool
md_yedit_remove_pair(const MdYamlDoc* d, const MdYTrail* t, size_t pair, MdYEdit* e, char* error,
                     size_t error_size)
{
  const MdYNode* map   = t->nodes[t->depth];
  const MdYNode* key   = map->items[2U * pair];
  const MdYNode* value = map->items[2U * pair + 1U];
  if (map->n_items == 1U) {
    return make_empty(d, t, e, error, error_size);
  }
  if (map->style == MD_YSTYLE_FLOW) {
    flow_remove(d, key->start, value->end, e);
    return true;
  }
  if (first_on_line(d, key->start)) {
    remove_lines(d, key->start, value->end, e);
    return true;
  }
  // The first key of a `- key: value` item: the next key takes its place.
  const MdYNode* next = pair + 1U < map->n_items ? map->items[2U * pair + 2U] : NULL;
  if (!next || next->copied) {
    return fail(error, error_size, "cannot remove a key that shares its line with another entry");
  }
  e->from = key->start;
  e->to   = next->start;
  return true;
}

bool
md_yedit_remove_item(const MdYamlDoc* d, const MdYTrail* t, size_t index, MdYEdit* e, char* error,
                     size_t error_size)
{
  const MdYNode* seq  = t->nodes[t->depth];
  const MdYNode* item = seq->items[index];
  if (seq->n_items == 1U) {
    return make_empty(d, t, e, error, error_size);
  }
  if (seq->style == MD_YSTYLE_FLOW) {
    flow_remove(d, item->start, item->end, e);
    return true;
  }
  size_t dash = 0U;
  if (!dash_before(d, item->start, &dash)) {
    return fail(error, error_size, "cannot find the `-` of the item to remove");
  }
  if (first_on_line(d, dash)) {
    remove_lines(d, dash, item->end, e);
    return true;
  }
  // `- - a` (the first item of a list in a list): the next item takes its place.
  size_t next_dash = 0U;
  if (index + 1U >= seq->n_items || !dash_before(d, seq->items[index + 1U]->start, &next_dash)) {
    return fail(error, error_size, "cannot remove an item that shares its line with another entry");
  }
  e->from = dash;
  e->to   = next_dash;
  return true;
}
