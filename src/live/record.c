// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "live/record.h"

#include "engine/automation.h"
#include "live/control.h"
#include "session/yamltree.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

struct MdRecorder {
  MdAppliedMove* moves;
  size_t         n_moves;
  size_t         capacity;
};

MdRecorder*
md_recorder_new(void)
{
  return calloc(1U, sizeof(MdRecorder));
}

void
md_recorder_free(MdRecorder* r)
{
  if (r) {
    free(r->moves);
    free(r);
  }
}

bool
md_recorder_add(MdRecorder* r, const MdAppliedMove* move)
{
  if (r->n_moves == r->capacity) {
    const size_t   capacity = r->capacity ? 2U * r->capacity : 256U;
    MdAppliedMove* moves    = realloc(r->moves, capacity * sizeof *moves);
    if (!moves) {
      return false;
    }
    r->moves    = moves;
    r->capacity = capacity;
  }
  r->moves[r->n_moves++] = *move;
  return true;
}

size_t
md_recorder_count(const MdRecorder* r)
{
  return r->n_moves;
}

/* ------------------------------------------------------------------------ */
/* Building the tree                                                         */

static MdYNode*
new_node(MdYNodeKind kind)
{
  MdYNode* n = calloc(1U, sizeof *n);
  if (n) {
    n->kind = kind;
  }
  return n;
}

static MdYNode*
new_scalar(const char* text, bool quoted)
{
  MdYNode* n = new_node(MD_YNODE_SCALAR);
  if (n && !(n->text = strdup(text))) {
    free(n);
    return NULL;
  }
  if (n) {
    n->quoted = quoted;
  }
  return n;
}

static MdYNode*
new_number(double value)
{
  char text[40];
  snprintf(text, sizeof text, "%.10g", value);
  return new_scalar(text, false);
}

// Appends to a sequence (one item) or a mapping (a key and its value).
static bool
append(MdYNode* parent, MdYNode* a, MdYNode* b)
{
  const size_t per   = parent->kind == MD_YNODE_MAPPING ? 2U : 1U;
  MdYNode**    items = realloc(parent->items, (parent->n_items + 1U) * per * sizeof(MdYNode*));
  if (!items || !a || (per == 2U && !b)) {
    if (items) {
      parent->items = items;
    }
    md_ynode_free(a);
    md_ynode_free(b);
    return false;
  }
  parent->items                        = items;
  parent->items[parent->n_items * per] = a;
  if (per == 2U) {
    parent->items[parent->n_items * 2U + 1U] = b;
  }
  ++parent->n_items;
  return true;
}

static MdYNode*
map_get(const MdYNode* map, const char* key)
{
  for (size_t i = 0U; map && map->kind == MD_YNODE_MAPPING && i < map->n_items; ++i) {
    if (!strcmp(map->items[2U * i]->text, key)) {
      return map->items[2U * i + 1U];
    }
  }
  return NULL;
}

// Sets `key` of `map` to `value` (replacing what was there).
static bool
map_set(MdYNode* map, const char* key, MdYNode* value)
{
  for (size_t i = 0U; i < map->n_items; ++i) {
    if (!strcmp(map->items[2U * i]->text, key)) {
      md_ynode_free(map->items[2U * i + 1U]);
      map->items[2U * i + 1U] = value;
      return true;
    }
  }
  return append(map, new_scalar(key, false), value);
}

static MdYNode*
seq_get(const MdYNode* seq, size_t index)
{
  return seq && seq->kind == MD_YNODE_SEQUENCE && index < seq->n_items ? seq->items[index] : NULL;
}

// The mapping of node `index` of the session in the file's tree.
static MdYNode*
strip_map(MdYNode* root, const MixdownSession* s, uint32_t index)
{
  const MdNode* node = &s->nodes[index];
  if (node->kind == MD_NODE_MASTER) {
    MdYNode* master = map_get(root, "master");
    if (!master) {
      master = new_node(MD_YNODE_MAPPING);
      if (!master || !map_set(root, "master", master)) {
        return NULL;
      }
    }
    return master->kind == MD_YNODE_MAPPING ? master : NULL;
  }
  return node->kind == MD_NODE_TRACK ? seq_get(map_get(root, "tracks"), index)
                                     : seq_get(map_get(root, "buses"), index - s->n_tracks);
}

// The mapping holding what `c` sets, and its key there.
static MdYNode*
target_map(MdYNode* root, const MixdownSession* s, const MdLiveChange* c, const char** key)
{
  MdYNode* strip = strip_map(root, s, c->node);
  *key           = md_control_param(s, c)->info.name;
  switch (c->kind) {
  case MD_LIVE_SEND_DB:
    return seq_get(map_get(strip, "sends"), c->index);
  case MD_LIVE_INSERT: {
    MdYNode*                insert = seq_get(map_get(strip, "inserts"), c->index);
    const MdProcessorClass* cls    = s->nodes[c->node].inserts[c->index].cls;
    for (uint32_t k = 0U; k < cls->n_params; ++k) {
      const uint32_t first = md_processor_value_offset(cls, k);
      const MdParam* table = &cls->params[k];
      if (table->info.kind == MIXDOWN_PARAM_LIST && c->slot > first &&
          c->slot <= first + table->max_items * table->n_fields) {
        return seq_get(map_get(insert, table->info.name), (c->slot - first - 1U) / table->n_fields);
      }
    }
    return insert;
  }
  default:
    return strip;
  }
}

// The session's value of what `c` sets (constant or envelope); false for
// what a session cannot automate (solo, polarity).
static bool
session_value(const MixdownSession* s, const MdLiveChange* c, MdValue* out)
{
  const MdNode* node = &s->nodes[c->node];
  switch (c->kind) {
  case MD_LIVE_GAIN_DB: *out = node->gain_db; return true;
  case MD_LIVE_PAN: *out = node->pan; return true;
  case MD_LIVE_SEND_DB: *out = node->sends[c->index].level_db; return true;
  case MD_LIVE_INSERT: *out = node->inserts[c->index].values[c->slot]; return true;
  case MD_LIVE_MUTE:
    *out = node->mute;
    return true;
  default: return false;
  }
}

static bool
add_point(MdYNode* points, double time_s, double value)
{
  MdYNode* pair = new_node(MD_YNODE_SEQUENCE);
  if (!pair || !append(pair, new_number(time_s), NULL) || !append(pair, new_number(value), NULL)) {
    md_ynode_free(pair);
    return false;
  }
  return append(points, pair, NULL);
}

// The envelope of one parameter: the session's value until the first
// move, then every move as the audio thread played it — a glide from the
// value before it.  Moves closer than a glide replace the glide's end.
static MdYNode*
envelope(const MdValue* original, const MdAppliedMove* moves, size_t n, double rate, double glide_s)
{
  MdYNode* env    = new_node(MD_YNODE_MAPPING);
  MdYNode* points = new_node(MD_YNODE_SEQUENCE);
  if (!env || !points || !map_set(env, "points", points) || !map_set(env, "curve", new_scalar("linear", true))) {
    md_ynode_free(env);
    return NULL;
  }
  const double first_s = (double)moves[0].frame / rate;
  double       value   = original->value;
  double       last_s  = 0.0;
  if (original->envelope) {
    MdAutomation* a = md_automation_new(original->envelope);
    for (size_t i = 0U; i < original->envelope->n_points && original->envelope->points[i].time_s < first_s; ++i) {
      last_s = original->envelope->points[i].time_s;
      if (!add_point(points, last_s, original->envelope->points[i].value)) {
        md_automation_free(a);
        md_ynode_free(env);
        return NULL;
      }
    }
    value = a ? md_automation_value(a, first_s) : value;
    md_automation_free(a);
  }
  bool ok = points->n_items || add_point(points, 0.0, value);
  for (size_t i = 0U; ok && i < n; ++i) {
    const double t     = (double)moves[i].frame / rate;
    const double end_s = t + glide_s;
    if (t >= last_s || points->n_items < 2U) {
      ok = (t <= last_s || add_point(points, t, value)) && add_point(points, end_s, moves[i].change.value);
    } else {
      // A move during the last glide: that glide now ends here, at this value.
      MdYNode* pair = points->items[points->n_items - 1U];
      md_ynode_free(pair->items[0]);
      md_ynode_free(pair->items[1]);
      pair->items[0] = new_number(end_s);
      pair->items[1] = new_number(moves[i].change.value);
      ok             = pair->items[0] && pair->items[1];
    }
    last_s = end_s;
    value  = moves[i].change.value;
  }
  if (!ok) {
    md_ynode_free(env);
    return NULL;
  }
  return env;
}

/* ------------------------------------------------------------------------ */
/* Writing                                                                   */

static bool
same_target(const MdLiveChange* a, const MdLiveChange* b)
{
  return a->kind == b->kind && a->node == b->node && a->index == b->index && a->slot == b->slot;
}

static int
by_target_then_time(const void* pa, const void* pb)
{
  const MdAppliedMove* a = pa;
  const MdAppliedMove* b = pb;
  const uint64_t ka = (uint64_t)a->change.kind << 48 | (uint64_t)a->change.node << 24 | a->change.index;
  const uint64_t kb = (uint64_t)b->change.kind << 48 | (uint64_t)b->change.node << 24 | b->change.index;
  if (ka != kb) {
    return ka < kb ? -1 : 1;
  }
  if (a->change.slot != b->change.slot) {
    return a->change.slot < b->change.slot ? -1 : 1;
  }
  return a->frame < b->frame ? -1 : a->frame > b->frame ? 1 : 0;
}

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

// Paths in the copy: as written, or absolute from the session's folder
// when the copy lives elsewhere.
typedef struct {
  const char* base; ///< The session's folder, or NULL: keep paths
} MdPathFix;

static void
write_node(FILE* out, const MdYNode* n, int depth, const MdPathFix* fix, bool is_path)
{
  if (n->kind == MD_YNODE_SCALAR) {
    if (is_path && fix->base && n->text[0] != '/') {
      char full[PATH_MAX + 256];
      snprintf(full, sizeof full, "%s/%s", fix->base, n->text);
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
      write_node(out, n->items[2U * i + 1U], depth + 1, fix, !strcmp(key, "file") || !strcmp(key, "impulse"));
    } else {
      write_node(out, n->items[i], depth + 1, fix, false);
    }
  }
  if (flat) {
    fputc(']', out);
  } else {
    fprintf(out, "\n%*s%c", 2 * depth, "", map ? '}' : ']');
  }
}

static char*
read_text(const char* path, size_t* length)
{
  FILE* f = fopen(path, "rb");
  if (!f) {
    return NULL;
  }
  char*  text = NULL;
  size_t size = 0U;
  char   chunk[65536];
  size_t got;
  while ((got = fread(chunk, 1U, sizeof chunk, f)) > 0U) {
    char* more = realloc(text, size + got + 1U);
    if (!more) {
      free(text);
      fclose(f);
      return NULL;
    }
    text = more;
    memcpy(text + size, chunk, got);
    size += got;
  }
  fclose(f);
  if (text) {
    text[size] = '\0';
  }
  *length = size;
  return text;
}

// The folder of `path`, resolved (NULL when it cannot be).
static char*
folder_of(const char* path)
{
  char* copy = strdup(path);
  char* real = copy ? realpath(dirname(copy), NULL) : NULL;
  free(copy);
  return real;
}

static MixdownStatus
apply_moves(MdYNode* root, const MdRecorder* r, const MixdownSession* s, double rate, double glide_s,
            MdRecordReport* report, char* message, size_t message_size)
{
  MdAppliedMove* moves = malloc((r->n_moves ? r->n_moves : 1U) * sizeof *moves);
  if (!moves) {
    return MIXDOWN_ERR_NO_MEM;
  }
  memcpy(moves, r->moves, r->n_moves * sizeof *moves);
  qsort(moves, r->n_moves, sizeof *moves, by_target_then_time);
  MixdownStatus st = MIXDOWN_SUCCESS;
  for (size_t i = 0U; i < r->n_moves && !st;) {
    size_t j = i + 1U;
    while (j < r->n_moves && same_target(&moves[j].change, &moves[i].change)) {
      ++j;
    }
    MdValue     original;
    const bool  automatable = session_value(s, &moves[i].change, &original);
    const char* key         = NULL;
    MdYNode*    map         = automatable ? target_map(root, s, &moves[i].change, &key) : NULL;
    if (!automatable) {
      report->switches += j - i;
    } else if (!map || map->kind != MD_YNODE_MAPPING) {
      char address[400];
      md_control_address(s, &moves[i].change, address, sizeof address);
      snprintf(message, message_size, "cannot find where %s is set in the session file", address);
      st = MIXDOWN_ERR_SESSION;
    } else {
      MdYNode* env = envelope(&original, moves + i, j - i, rate, glide_s);
      if (!env || !map_set(map, key, env)) {
        st = MIXDOWN_ERR_NO_MEM;
      }
      ++report->envelopes;
      report->moves += j - i;
    }
    i = j;
  }
  free(moves);
  return st;
}

MixdownStatus
md_recorder_write(const MdRecorder* r, const MixdownSession* s, double rate, double glide_s, const char* path,
                  MdRecordReport* report, char* message, size_t message_size)
{
  memset(report, 0, sizeof *report);
  message[0] = '\0';
  size_t length = 0U;
  char*  text   = read_text(s->file_name, &length);
  if (!text) {
    snprintf(message, message_size, "cannot read the session file `%s` again: %s", s->file_name, strerror(errno));
    return MIXDOWN_ERR_IO;
  }
  char     error[400];
  unsigned line = 0U, column = 0U;
  MdYNode* root = md_yaml_parse(text, length, error, sizeof error, &line, &column);
  free(text);
  if (!root || root->kind != MD_YNODE_MAPPING) {
    snprintf(message, message_size, "the session file `%s` changed since it was read", s->file_name);
    md_ynode_free(root);
    return MIXDOWN_ERR_SESSION;
  }
  MixdownStatus st = apply_moves(root, r, s, rate, glide_s, report, message, message_size);
  char*         from = folder_of(s->file_name);
  char*         to   = folder_of(path);
  const MdPathFix fix = {from && to && strcmp(from, to) ? from : NULL};
  char          temp[PATH_MAX + 32];
  snprintf(temp, sizeof temp, "%s.partial", path);
  FILE* out = st ? NULL : fopen(temp, "w");
  if (!st && !out) {
    snprintf(message, message_size, "cannot write `%s`: %s", path, strerror(errno));
    st = MIXDOWN_ERR_IO;
  }
  if (out) {
    fputs("# mixdown play --record-automation: the session with the live moves as envelopes\n", out);
    write_node(out, root, 0, &fix, false);
    fputc('\n', out);
    const bool written = !ferror(out) && !fflush(out) && !fsync(fileno(out));
    if (fclose(out) || !written || rename(temp, path)) {
      snprintf(message, message_size, "cannot write `%s`: %s", path, strerror(errno));
      unlink(temp);
      st = MIXDOWN_ERR_IO;
    }
  }
  if (st == MIXDOWN_ERR_NO_MEM && !message[0]) {
    snprintf(message, message_size, "out of memory");
  }
  free(from);
  free(to);
  md_ynode_free(root);
  return st;
}
