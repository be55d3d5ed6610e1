// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// How a document lays out what it already holds, so that what an edit adds
// looks like its neighbours (yaml_edit_impl.h): the separators of flow
// entries (`, ` or `,`, `": "` or `":"`), the indentation step of block
// levels (two columns, four…), where a list's `-` goes under its key
// (indented or flush), the gap after a `-`, and whether the siblings of a
// new collection are written in block style.  Read from the collection
// being edited first, then from the whole document; defaults where the
// document has no example.  Thread: as yaml_edit.h.

#include "session/yaml_edit_impl.h"

#include <stdint.h>
#include <string.h>

typedef struct {
  const MdYamlDoc* doc;
  MdYLayout*       out;
  bool             comma, colon, map_step, seq_step, dash_gap; // found
} Probe;

// Columns (code points) from the start of the line of `at` to `at`.
static size_t
column_at(const MdYamlDoc* d, size_t at)
{
  size_t start = at;
  while (start > 0U && d->text[start - 1U] != '\n') {
    --start;
  }
  return md_yaml_columns(d->text + start, at - start);
}

// Only spaces and tabs in [from, to).
static bool
blanks_only(const MdYamlDoc* d, size_t from, size_t to)
{
  for (size_t p = from; p < to; ++p) {
    if (d->text[p] != ' ' && d->text[p] != '\t') {
      return false;
    }
  }
  return true;
}

// Whether anything is written in the span of `n` (an alias copy's span
// and an empty value's are not where they seem).
static bool
written(const MdYamlDoc* d, const MdYNode* n)
{
  return !n->copied && n->end > n->start && n->end <= d->length;
}

// After the entry ending at `end`: the gap between its `,` and the next
// entry at `next`, when both are on one line.
static void
probe_comma(Probe* p, size_t end, size_t next)
{
  const MdYamlDoc* d = p->doc;
  size_t           at = end;
  while (at < next && (d->text[at] == ' ' || d->text[at] == '\t')) {
    ++at;
  }
  if (at < next && d->text[at] == ',' && blanks_only(d, at + 1U, next)) {
    p->out->comma = at + 1U == next ? "," : ", ";
    p->comma      = true;
  }
}

// The gap between a flow key and its value (`"a": 1`, `"a":1`).
static void
probe_colon(Probe* p, const MdYNode* key, const MdYNode* value)
{
  const MdYamlDoc* d  = p->doc;
  size_t           at = key->end;
  while (at < value->start && (d->text[at] == ' ' || d->text[at] == '\t')) {
    ++at;
  }
  if (at < value->start && d->text[at] == ':' && blanks_only(d, at + 1U, value->start)) {
    p->out->colon = at + 1U == value->start ? ":" : ": ";
    p->colon      = true;
  }
}

static void
probe_flow(Probe* p, const MdYNode* c)
{
  const bool   map = c->kind == MD_YNODE_MAPPING;
  const size_t per = map ? 2U : 1U;
  for (size_t i = 0U; i < c->n_items; ++i) {
    const MdYNode* first = c->items[per * i];
    const MdYNode* last  = c->items[per * i + per - 1U];
    if (!written(p->doc, first) || !written(p->doc, last)) {
      continue;
    }
    if (map && !p->colon) {
      probe_colon(p, first, last);
    }
    const MdYNode* next = i + 1U < c->n_items ? c->items[per * (i + 1U)] : NULL;
    if (!p->comma && next && written(p->doc, next) && next->start > last->end) {
      probe_comma(p, last->end, next->start);
    }
  }
}

// The `-` before a block item starting at `start`, on its line; SIZE_MAX if none.
static size_t
dash_on_line(const MdYamlDoc* d, size_t start)
{
  size_t at = start;
  while (at > 0U && (d->text[at - 1U] == ' ' || d->text[at - 1U] == '\t')) {
    --at;
  }
  return at > 0U && d->text[at - 1U] == '-' ? at - 1U : SIZE_MAX;
}

// The `-` of a block list's first item, over line breaks; SIZE_MAX if none.
static size_t
first_dash(const MdYamlDoc* d, const MdYNode* seq)
{
  if (!seq->n_items || seq->items[0]->copied) {
    return SIZE_MAX;
  }
  size_t at = seq->items[0]->start;
  while (at > 0U && strchr(" \t\r\n", d->text[at - 1U])) {
    --at;
  }
  return at > 0U && d->text[at - 1U] == '-' ? at - 1U : SIZE_MAX;
}

static void
probe_block(Probe* p, const MdYNode* c)
{
  const MdYamlDoc* d = p->doc;
  if (c->kind == MD_YNODE_SEQUENCE) {
    for (size_t i = 0U; i < c->n_items && !p->dash_gap; ++i) {
      const MdYNode* item = c->items[i];
      const size_t   dash = written(d, item) ? dash_on_line(d, item->start) : SIZE_MAX;
      const size_t   gap  = dash != SIZE_MAX ? column_at(d, item->start) - column_at(d, dash) : 0U;
      if (gap >= 2U && gap <= 8U) {
        p->out->dash_gap = gap;
        p->dash_gap      = true;
      }
    }
    return;
  }
  for (size_t i = 0U; i < c->n_items; ++i) {
    const MdYNode* key   = c->items[2U * i];
    const MdYNode* value = c->items[2U * i + 1U];
    if (key->copied || value->copied || value->style != MD_YSTYLE_BLOCK || !value->n_items) {
      continue;
    }
    const size_t key_column = column_at(d, key->start);
    if (value->kind == MD_YNODE_MAPPING && !p->map_step && !value->items[0]->copied) {
      const size_t column = column_at(d, value->items[0]->start);
      if (column > key_column && column - key_column <= 8U) {
        p->out->map_step = column - key_column;
        p->map_step      = true;
      }
    } else if (value->kind == MD_YNODE_SEQUENCE && !p->seq_step) {
      const size_t dash   = first_dash(d, value);
      const size_t column = dash != SIZE_MAX ? column_at(d, dash) : 0U;
      if (dash != SIZE_MAX && column >= key_column && column - key_column <= 8U) {
        p->out->seq_step = column - key_column;
        p->seq_step      = true;
      }
    }
  }
}

// `n` and what it holds, depth first, until every example is found.
static void
probe(Probe* p, const MdYNode* n, unsigned depth)
{
  if (!n || n->kind == MD_YNODE_SCALAR || n->copied || depth > MD_YTRAIL_MAX ||
      (p->comma && p->colon && p->map_step && p->seq_step && p->dash_gap)) {
    return;
  }
  if (n->style == MD_YSTYLE_FLOW) {
    probe_flow(p, n);
  } else {
    probe_block(p, n);
  }
  const size_t slots = n->n_items * (n->kind == MD_YNODE_MAPPING ? 2U : 1U);
  for (size_t i = n->kind == MD_YNODE_MAPPING ? 1U : 0U; i < slots; i += n->kind == MD_YNODE_MAPPING ? 2U : 1U) {
    probe(p, n->items[i], depth + 1U);
  }
}

void
md_yedit_layout(const MdYamlDoc* d, const MdYNode* near, MdYLayout* out)
{
  *out         = md_yaml_layout_default;
  out->newline = d->newline;
  out->width   = MD_YAML_EDIT_FLOW_COLUMNS;
  Probe p      = {.doc = d, .out = out};
  probe(&p, near, 0U);
  probe(&p, d->root, 0U);
  if (!p.seq_step && p.map_step) {
    out->seq_step = out->map_step; // no list below a key yet: the file's step
  }
  if (!d->json) {
    out->colon = ": ";
  }
}

bool
md_yedit_siblings_block(const MdYNode* c, size_t index, const MdYNode* value)
{
  if (value->kind == MD_YNODE_SCALAR || !value->n_items || c->style == MD_YSTYLE_FLOW) {
    return false;
  }
  const bool   map = c->kind == MD_YNODE_MAPPING;
  const size_t n   = c->n_items;
  // The nearest entry before `index`, then after it, holding a collection of the value's kind.
  for (size_t k = 0U; k < n; ++k) {
    const size_t   i       = k < index && index <= n ? index - 1U - k : k;
    const MdYNode* sibling = c->items[map ? 2U * i + 1U : i];
    if (sibling->kind == value->kind && sibling->n_items && !sibling->copied) {
      return sibling->style == MD_YSTYLE_BLOCK;
    }
  }
  return false;
}
