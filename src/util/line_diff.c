// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Unified diff of two texts (line_diff.h).  The two texts are cut into
// lines (each with its hash, so most comparisons are one integer), the
// changed lines of each side are marked by Myers' linear-space algorithm
// (E. Myers, "An O(ND) Difference Algorithm and Its Variations", 1986,
// section 4b: find the middle snake of the shortest edit script, recurse
// on both sides of it), and the marks are walked once to write hunks.

#include "util/line_diff.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const char* start;
  size_t      length; ///< With its line end, if it has one
  uint64_t    hash;
} Line;

typedef struct {
  Line*  lines;
  size_t n;
  bool*  changed; ///< Removed (old side) or added (new side)
} Side;

typedef struct {
  const Side* a;
  const Side* b;
  long*       forward;  ///< Furthest x reached on each diagonal k (forward search)
  long*       backward; ///< Furthest y reached on each diagonal c (backward search)
  long        offset;   ///< Index of diagonal 0 in both
} Search;

// A box's edit distance past which the search stops looking for the
// fewest changes (see line_diff.h): the forward and backward searches of
// a box cost about size × d comparisons.
#define MD_DIFF_WORK_LIMIT 40000000L

static uint64_t
hash_bytes(const char* p, size_t n)
{
  uint64_t h = 1469598103934665603ULL; // FNV-1a
  for (size_t i = 0U; i < n; ++i) {
    h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
  }
  return h;
}

static bool
split_lines(const char* text, size_t length, Side* side)
{
  size_t n = 0U;
  for (size_t i = 0U; i < length; ++i) {
    n += text[i] == '\n';
  }
  n += length && text[length - 1U] != '\n';
  side->n       = n;
  side->lines   = calloc(n ? n : 1U, sizeof(Line));
  side->changed = calloc(n ? n : 1U, sizeof(bool));
  if (!side->lines || !side->changed) {
    return false;
  }
  size_t from = 0U;
  for (size_t k = 0U; k < n; ++k) {
    const char* nl  = memchr(text + from, '\n', length - from);
    const size_t to = nl ? (size_t)(nl - text) + 1U : length;
    side->lines[k]  = (Line){text + from, to - from, hash_bytes(text + from, to - from)};
    from            = to;
  }
  return true;
}

static bool
same_line(const Search* s, long x, long y)
{
  const Line* p = &s->a->lines[x];
  const Line* q = &s->b->lines[y];
  return p->hash == q->hash && p->length == q->length && !memcmp(p->start, q->start, p->length);
}

typedef struct {
  long left, top, right, bottom; ///< Old lines [left, right), new lines [top, bottom)
} Box;

typedef struct {
  long x0, y0, x1, y1; ///< A path piece: at most one edit, then equal lines (or equal lines, then one edit)
  bool found;
} Snake;

// One step d of the forward search; a snake when it meets the backward one.
static Snake
forward_step(const Search* s, const Box* box, long d)
{
  const long delta = (box->right - box->left) - (box->bottom - box->top);
  long*      vf    = s->forward + s->offset;
  const long* vb   = s->backward + s->offset;
  for (long k = d; k >= -d; k -= 2) {
    long x  = 0;
    long px = 0;
    if (k == -d || (k != d && vf[k - 1] < vf[k + 1])) {
      px = x = vf[k + 1];
    } else {
      px = vf[k - 1];
      x  = px + 1;
    }
    long       y  = box->top + (x - box->left) - k;
    const long py = (d == 0 || x != px) ? y : y - 1;
    while (x < box->right && y < box->bottom && same_line(s, x, y)) {
      ++x;
      ++y;
    }
    vf[k]        = x;
    const long c = k - delta;
    if ((delta & 1) && c >= -(d - 1) && c <= d - 1 && y >= vb[c]) {
      return (Snake){px, py, x, y, true};
    }
  }
  return (Snake){0};
}

// One step d of the backward search (from the box's end).
static Snake
backward_step(const Search* s, const Box* box, long d)
{
  const long  delta = (box->right - box->left) - (box->bottom - box->top);
  const long* vf    = s->forward + s->offset;
  long*       vb    = s->backward + s->offset;
  for (long c = d; c >= -d; c -= 2) {
    const long k  = c + delta;
    long       y  = 0;
    long       py = 0;
    if (c == -d || (c != d && vb[c - 1] > vb[c + 1])) {
      py = y = vb[c + 1];
    } else {
      py = vb[c - 1];
      y  = py - 1;
    }
    long       x  = box->left + (y - box->top) + k;
    const long px = (d == 0 || y != py) ? x : x + 1;
    while (x > box->left && y > box->top && same_line(s, x - 1, y - 1)) {
      --x;
      --y;
    }
    vb[c] = y;
    if (!(delta & 1) && k >= -d && k <= d && x <= vf[k]) {
      return (Snake){x, y, px, py, true};
    }
  }
  return (Snake){0};
}

// The middle snake of `box`, or none when the search is given up (too
// much work: the caller marks the whole box changed).
static Snake
middle_snake(const Search* s, const Box* box)
{
  const long size = (box->right - box->left) + (box->bottom - box->top);
  const long max  = (size + 1) / 2;
  s->forward[s->offset + 1]  = box->left;
  s->backward[s->offset + 1] = box->bottom;
  for (long d = 0; d <= max; ++d) {
    if (d > 64 && d * size > MD_DIFF_WORK_LIMIT) {
      break;
    }
    Snake snake = forward_step(s, box, d);
    if (snake.found) {
      return snake;
    }
    snake = backward_step(s, box, d);
    if (snake.found) {
      return snake;
    }
  }
  return (Snake){0};
}

static void
mark_range(const Side* side, long from, long to)
{
  for (long i = from; i < to; ++i) {
    side->changed[i] = true;
  }
}

// Marks the changed lines of `box` (recursing on both sides of its
// middle snake; the snake's own edit, if any, is marked here).
static void
compare(const Search* s, Box box)
{
  while (box.left < box.right && box.top < box.bottom && same_line(s, box.left, box.top)) {
    ++box.left;
    ++box.top;
  }
  while (box.left < box.right && box.top < box.bottom && same_line(s, box.right - 1, box.bottom - 1)) {
    --box.right;
    --box.bottom;
  }
  if (box.left == box.right || box.top == box.bottom) {
    mark_range(s->a, box.left, box.right);
    mark_range(s->b, box.top, box.bottom);
    return;
  }
  const Snake snake = middle_snake(s, &box);
  if (!snake.found) {
    mark_range(s->a, box.left, box.right);
    mark_range(s->b, box.top, box.bottom);
    return;
  }
  // The snake holds at most one edit besides equal lines: the recursion
  // on its inside finds it (a box one line wide or tall is marked whole).
  compare(s, (Box){box.left, box.top, snake.x0, snake.y0});
  compare(s, (Box){snake.x0, snake.y0, snake.x1, snake.y1});
  compare(s, (Box){snake.x1, snake.y1, box.right, box.bottom});
}

/* Writing ---------------------------------------------------------------- */

typedef struct {
  char*  text;
  size_t length;
  size_t capacity;
  bool   failed;
} Out;

static void
put(Out* o, const char* p, size_t n)
{
  if (o->failed) {
    return;
  }
  if (o->length + n + 1U > o->capacity) {
    size_t bigger = o->capacity ? o->capacity : 256U;
    while (o->length + n + 1U > bigger) {
      bigger *= 2U;
    }
    char* grown = realloc(o->text, bigger);
    if (!grown) {
      o->failed = true;
      return;
    }
    o->text     = grown;
    o->capacity = bigger;
  }
  memcpy(o->text + o->length, p, n);
  o->length += n;
  o->text[o->length] = '\0';
}

static void
put_text(Out* o, const char* text)
{
  put(o, text, strlen(text));
}

static void
put_line(Out* o, char mark, const Line* line)
{
  put(o, &mark, 1U);
  put(o, line->start, line->length);
  if (!line->length || line->start[line->length - 1U] != '\n') {
    put_text(o, "\n\\ No newline at end of file\n");
  }
}

// `-l,n` as diff writes it: `l` alone for one line, the line before for none.
static void
put_range(Out* o, char sign, size_t first, size_t count)
{
  char range[64];
  if (count == 1U) {
    snprintf(range, sizeof range, "%c%zu", sign, first + 1U);
  } else {
    snprintf(range, sizeof range, "%c%zu,%zu", sign, count ? first + 1U : first, count);
  }
  put_text(o, range);
}

// Writes the hunk of old lines [i0, i1) and new lines [j0, j1).
static void
put_hunk(Out* o, const Side* a, const Side* b, size_t i0, size_t i1, size_t j0, size_t j1)
{
  put_text(o, "@@ ");
  put_range(o, '-', i0, i1 - i0);
  put_text(o, " ");
  put_range(o, '+', j0, j1 - j0);
  put_text(o, " @@\n");
  size_t i = i0;
  size_t j = j0;
  while (i < i1 || j < j1) {
    if (i < i1 && a->changed[i]) {
      put_line(o, '-', &a->lines[i++]);
    } else if (j < j1 && b->changed[j]) {
      put_line(o, '+', &b->lines[j++]);
    } else {
      put_line(o, ' ', &a->lines[i++]);
      ++j;
    }
  }
}

// Walks both sides' marks: each hunk runs from `context` lines before a
// change to `context` after the last change closer than 2 × context.
static void
put_hunks(Out* o, const Side* a, const Side* b, size_t context)
{
  size_t i = 0U;
  size_t j = 0U;
  while (i < a->n || j < b->n) {
    if ((i < a->n && a->changed[i]) || (j < b->n && b->changed[j])) {
      const size_t before = i < context ? i : context;
      const size_t i0 = i - before, j0 = j - before;
      size_t       equal_run = 0U; // unchanged lines since the last change
      while ((i < a->n || j < b->n) && equal_run <= 2U * context) {
        if (i < a->n && a->changed[i]) {
          ++i;
          equal_run = 0U;
        } else if (j < b->n && b->changed[j]) {
          ++j;
          equal_run = 0U;
        } else {
          ++i;
          ++j;
          ++equal_run;
        }
      }
      const size_t trailing = equal_run > context ? equal_run - context : 0U;
      put_hunk(o, a, b, i0, i - trailing, j0, j - trailing);
      continue;
    }
    ++i;
    ++j;
  }
}

char*
md_line_diff_unified(const char* old_text, size_t old_length, const char* new_text, size_t new_length,
                     const char* name, unsigned context)
{
  Side   a = {0}, b = {0};
  Out    o = {0};
  Search s = {0};
  put_text(&o, "");
  if (!split_lines(old_text, old_length, &a) || !split_lines(new_text, new_length, &b)) {
    o.failed = true;
  } else if (old_length != new_length || memcmp(old_text, new_text, old_length)) {
    const size_t size = a.n + b.n;
    s                 = (Search){&a, &b, calloc(size + 4U, sizeof(long)), calloc(size + 4U, sizeof(long)),
                                 (long)(size / 2U) + 2};
    if (!s.forward || !s.backward) {
      o.failed = true;
    } else {
      compare(&s, (Box){0, 0, (long)a.n, (long)b.n});
      put_text(&o, "--- a/");
      put_text(&o, name);
      put_text(&o, "\n+++ b/");
      put_text(&o, name);
      put_text(&o, "\n");
      put_hunks(&o, &a, &b, context);
    }
  }
  free(s.forward);
  free(s.backward);
  free(a.lines);
  free(a.changed);
  free(b.lines);
  free(b.changed);
  if (o.failed) {
    free(o.text);
    return NULL;
  }
  return o.text;
}
