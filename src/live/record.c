// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "live/record.h"

#include "engine/automation.h"
#include "live/control.h"
#include "session/emit.h"
#include "session/yaml_access.h"

#include <sndfile.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

// The last kept move of each parameter, by open addressing on the target.
typedef struct {
  MdLiveChange target; ///< value unused
  size_t       index;  ///< In `moves`
  bool         used;
} MdLastMove;

struct MdRecorder {
  MdAppliedMove* moves;
  size_t         n_moves;
  size_t         capacity;
  int64_t        grid_frames;
  size_t         folded;
  size_t         dropped;
  MdLastMove*    last;    ///< A power of two of slots, at most half used
  size_t         n_slots;
  size_t         n_last;
  char*          session_text;   ///< The session file as played (md_recorder_keep_session())
  size_t         session_length;
};

MdRecorder*
md_recorder_new(double rate)
{
  MdRecorder* r = calloc(1U, sizeof(MdRecorder));
  if (r) {
    r->grid_frames = llround(MD_RECORDER_GRID_S * (rate > 0.0 && rate < 1e7 ? rate : 48000.0));
  }
  return r;
}

void
md_recorder_free(MdRecorder* r)
{
  if (r) {
    free(r->moves);
    free(r->last);
    free(r->session_text);
    free(r);
  }
}

static bool
same_target(const MdLiveChange* a, const MdLiveChange* b)
{
  return a->kind == b->kind && a->node == b->node && a->index == b->index && a->slot == b->slot;
}

static size_t
target_hash(const MdLiveChange* c)
{
  uint64_t h = (uint64_t)c->kind * 0x9E3779B97F4A7C15ULL;
  h          = (h ^ c->node) * 0xBF58476D1CE4E5B9ULL;
  h          = (h ^ c->index) * 0x94D049BB133111EBULL;
  h          = (h ^ c->slot) * 0x9E3779B97F4A7C15ULL;
  return (size_t)(h ^ (h >> 31));
}

// The slot of `target` (found, or free for it).
static MdLastMove*
last_slot(MdLastMove* table, size_t n_slots, const MdLiveChange* target)
{
  size_t i = target_hash(target) & (n_slots - 1U);
  while (table[i].used && !same_target(&table[i].target, target)) {
    i = (i + 1U) & (n_slots - 1U);
  }
  return &table[i];
}

static bool
grow_last(MdRecorder* r)
{
  const size_t n     = r->n_slots ? 2U * r->n_slots : 64U;
  MdLastMove*  table = calloc(n, sizeof *table);
  if (!table) {
    return false;
  }
  for (size_t i = 0U; i < r->n_slots; ++i) {
    if (r->last[i].used) {
      *last_slot(table, n, &r->last[i].target) = r->last[i];
    }
  }
  free(r->last);
  r->last    = table;
  r->n_slots = n;
  return true;
}

bool
md_recorder_add(MdRecorder* r, const MdAppliedMove* move)
{
  if (2U * (r->n_last + 1U) > r->n_slots && !grow_last(r)) {
    ++r->dropped;
    return false;
  }
  MdLastMove* last = last_slot(r->last, r->n_slots, &move->change);
  if (last->used) {
    MdAppliedMove* kept = &r->moves[last->index];
    const int64_t  gap  = move->frame - kept->frame;
    if (gap >= 0 && gap < r->grid_frames) {
      kept->change.value = move->change.value; // within the grid: one move, the last value
      ++r->folded;
      return true;
    }
  }
  if (r->n_moves == MD_RECORDER_MAX_MOVES) {
    ++r->dropped;
    return false;
  }
  if (r->n_moves == r->capacity) {
    const size_t   capacity = r->capacity ? 2U * r->capacity : 256U;
    MdAppliedMove* moves    = realloc(r->moves, capacity * sizeof *moves);
    if (!moves) {
      ++r->dropped;
      return false;
    }
    r->moves    = moves;
    r->capacity = capacity;
  }
  if (!last->used) {
    last->used   = true;
    last->target = move->change;
    ++r->n_last;
  }
  last->index            = r->n_moves;
  r->moves[r->n_moves++] = *move;
  return true;
}

size_t
md_recorder_count(const MdRecorder* r)
{
  return r->n_moves;
}

size_t
md_recorder_folded(const MdRecorder* r)
{
  return r->folded;
}

size_t
md_recorder_dropped(const MdRecorder* r)
{
  return r->dropped;
}

/* ------------------------------------------------------------------------ */
/* Building the tree                                                         */

// The mapping of node `index` of the session in the file's tree.
static MdYNode*
strip_map(MdYNode* root, const MixdownSession* s, uint32_t index)
{
  const MdNode* node = &s->nodes[index];
  if (node->kind == MD_NODE_MASTER) {
    MdYNode* master = md_ynode_get(root, "master");
    if (!master) {
      master = md_ynode_new(MD_YNODE_MAPPING);
      if (!master || !md_ynode_set(root, "master", master)) {
        return NULL;
      }
    }
    return master->kind == MD_YNODE_MAPPING ? master : NULL;
  }
  return node->kind == MD_NODE_TRACK ? md_ynode_at(md_ynode_get(root, "tracks"), index)
                                     : md_ynode_at(md_ynode_get(root, "buses"), index - s->n_tracks);
}

// The mapping holding what `c` sets, and its key there.
static MdYNode*
target_map(MdYNode* root, const MixdownSession* s, const MdLiveChange* c, const char** key)
{
  MdYNode* strip = strip_map(root, s, c->node);
  *key           = md_control_param(s, c)->info.name;
  switch (c->kind) {
  case MD_LIVE_SEND_DB:
    return md_ynode_at(md_ynode_get(strip, "sends"), c->index);
  case MD_LIVE_INSERT: {
    MdYNode*                insert = md_ynode_at(md_ynode_get(strip, "inserts"), c->index);
    const MdProcessorClass* cls    = s->nodes[c->node].inserts[c->index].cls;
    MdSlotPlace             place  = {0};
    if (md_processor_slot_place(cls, c->slot, &place) && place.in_list) {
      return md_ynode_at(md_ynode_get(insert, cls->params[place.param].info.name), place.item); // the item's mapping
    }
    return insert;
  }
  default:
    return strip;
  }
}

// The session's value of what `c` sets (constant or envelope); false for
// a strip's value its table says a session cannot automate (solo,
// polarity).  An insert's settings that are not numbers are written as
// constants (place_moves()).
static bool
session_value(const MixdownSession* s, const MdLiveChange* c, MdValue* out)
{
  const MdNode* node = &s->nodes[c->node];
  if (c->kind != MD_LIVE_INSERT && !md_param_automatable(md_control_param(s, c))) {
    return false;
  }
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
  MdYNode* pair = md_ynode_new(MD_YNODE_SEQUENCE);
  if (!pair || !md_ynode_append(pair, md_ynode_new_number(time_s), NULL) ||
      !md_ynode_append(pair, md_ynode_new_number(value), NULL)) {
    md_ynode_free(pair);
    return false;
  }
  return md_ynode_append(points, pair, NULL);
}

// The envelope of one parameter: the session's value until the first
// move, then every move as the audio thread played it — the engine's glide
// (engine/live.c): from the value where the move found it, straight to
// its value over `glide_s`.  A move during a glide starts from where that
// glide had got to, which ends there.
static MdYNode*
envelope(const MdValue* original, const MdAppliedMove* moves, size_t n, double rate, double glide_s)
{
  MdYNode* env    = md_ynode_new(MD_YNODE_MAPPING);
  MdYNode* points = md_ynode_new(MD_YNODE_SEQUENCE);
  if (!env || !points || !md_ynode_set(env, "points", points) ||
      !md_ynode_set(env, "curve", md_ynode_new_scalar("linear", true))) {
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
  bool   ok        = points->n_items || add_point(points, 0.0, value);
  double glide_s0  = 0.0; // the last glide: from (glide_s0, glide_v0) to (last_s, value)
  double glide_v0  = value;
  bool   glided    = false;
  for (size_t i = 0U; ok && i < n; ++i) {
    const double t     = (double)moves[i].frame / rate;
    const double end_s = (double)(moves[i].frame + llround(glide_s * rate)) / rate; // a frame's time, as the engine's
    if (!glided || t >= last_s) {
      ok = (t <= last_s || add_point(points, t, value)) && add_point(points, end_s, moves[i].change.value);
      glide_s0 = t > last_s ? t : last_s;
      glide_v0 = value;
    } else {
      // A move during the last glide: that glide stops where it had got
      // to (its last point moves there), and this one starts from it.
      const double at = md_curve_interpolate(MD_CURVE_LINEAR, glide_v0, value, (t - glide_s0) / (last_s - glide_s0));
      MdYNode* pair = points->items[points->n_items - 1U];
      md_ynode_free(pair->items[0]);
      md_ynode_free(pair->items[1]);
      pair->items[0] = md_ynode_new_number(t);
      pair->items[1] = md_ynode_new_number(at);
      ok             = pair->items[0] && pair->items[1] && add_point(points, end_s, moves[i].change.value);
      glide_s0       = t;
      glide_v0       = at;
    }
    glided = true;
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

// The value a constant (a choice or a switch) is written as: the choice's
// name, or true/false.
static MdYNode*
constant_node(const MdParam* param, double value)
{
  if (param->info.kind == MIXDOWN_PARAM_BOOL) {
    return md_ynode_new_scalar(value != 0.0 ? "true" : "false", false);
  }
  size_t n = 0U;
  while (param->info.choices && param->info.choices[n]) {
    ++n;
  }
  const double index = floor(value + 0.5);
  return index >= 0.0 && index < (double)n ? md_ynode_new_scalar(param->info.choices[(size_t)index], false) : NULL;
}

// Appends "; " and a formatted line to `note` while it fits.
static void
add_note(char* note, size_t size, const char* line)
{
  const size_t used = strlen(note);
  if (used + strlen(line) + 3U < size) {
    snprintf(note + used, size - used, "%s%s", used ? "; " : "", line);
  }
}

// The last move of a target in the order they were applied (after a
// locate, time order is not that order).
static const MdAppliedMove*
last_applied(const MdRecorder* r, const MdLiveChange* target)
{
  const MdAppliedMove* last = NULL;
  for (size_t i = 0U; i < r->n_moves; ++i) {
    last = same_target(&r->moves[i].change, target) ? &r->moves[i] : last;
  }
  return last;
}

// One parameter's moves (`n` of them, in time order) into the tree.
// False only when out of memory: a move with no place costs itself alone.
static bool
place_moves(MdYNode* root, const MdRecorder* r, const MixdownSession* s, const MdAppliedMove* moves, size_t n,
            double rate, double glide_s, MdRecordReport* report)
{
  const MdLiveChange* c = &moves[0].change;
  char                address[400];
  char                line[600];
  md_control_address(s, c, address, sizeof address);
  MdValue original;
  if (!session_value(s, c, &original)) {
    report->switches += n;
    return true;
  }
  const char*    key   = NULL;
  MdYNode*       map   = target_map(root, s, c, &key);
  const MdParam* param = md_control_param(s, c);
  if (!map || map->kind != MD_YNODE_MAPPING || !param) {
    snprintf(line, sizeof line, "%s: no place for it in the session file, %zu move%s not written", address, n,
             n == 1U ? "" : "s");
    if (!report->unplaced) {
      add_note(report->note, sizeof report->note, line);
    }
    report->unplaced += n;
    return true;
  }
  if (c->kind == MD_LIVE_INSERT && param->info.kind != MIXDOWN_PARAM_NUMBER) {
    // A session has envelopes for numbers only: the setting it ended on.
    const MdAppliedMove* last  = last_applied(r, c);
    MdYNode*             value = constant_node(param, last->change.value);
    if (!value) {
      report->unplaced += n;
      return true;
    }
    if (!md_ynode_set(map, key, value)) {
      return false;
    }
    snprintf(line, sizeof line, "%s moved %zu time%s: written as its last value, %s, from the start", address, n,
             n == 1U ? "" : "s", value->text);
    add_note(report->note, sizeof report->note, line);
    ++report->constants;
    return true;
  }
  MdYNode* env = envelope(&original, moves, n, rate, glide_s);
  if (!env || !md_ynode_set(map, key, env)) {
    return false;
  }
  ++report->envelopes;
  report->moves += n;
  return true;
}

static MixdownStatus
apply_moves(MdYNode* root, const MdRecorder* r, const MixdownSession* s, double rate, double glide_s,
            MdRecordReport* report)
{
  MdAppliedMove* moves = malloc((r->n_moves ? r->n_moves : 1U) * sizeof *moves);
  if (!moves) {
    return MIXDOWN_ERR_NO_MEM;
  }
  if (r->n_moves) { // memcpy and qsort take no NULL, even for no moves
    memcpy(moves, r->moves, r->n_moves * sizeof *moves);
    qsort(moves, r->n_moves, sizeof *moves, by_target_then_time);
  }
  MixdownStatus st = MIXDOWN_SUCCESS;
  for (size_t i = 0U; i < r->n_moves && !st;) {
    size_t j = i + 1U;
    while (j < r->n_moves && same_target(&moves[j].change, &moves[i].change)) {
      ++j;
    }
    st = place_moves(root, r, s, moves + i, j - i, rate, glide_s, report) ? MIXDOWN_SUCCESS : MIXDOWN_ERR_NO_MEM;
    i  = j;
  }
  free(moves);
  return st;
}

/* ------------------------------------------------------------------------ */
/* The file                                                                  */

// A new file in `dir` that no one can predict or plant: O_TMPFILE where
// the filesystem has it (no name at all until it is complete: a crash
// leaves nothing), else mkstemp's (O_CREAT | O_EXCL: never an existing
// file, never through a link).
typedef struct {
  int  fd;
  bool anonymous;       ///< O_TMPFILE: linked in at the end
  char name[PATH_MAX];  ///< mkstemp's file, or ""
} MdTempFile;

static void
split_path(const char* path, char* dir, size_t dir_size, const char** base)
{
  const char* slash = strrchr(path, '/');
  *base             = slash ? slash + 1 : path;
  if (!slash) {
    snprintf(dir, dir_size, ".");
  } else {
    snprintf(dir, dir_size, "%.*s", slash == path ? 1 : (int)(slash - path), path);
  }
}

static bool
temp_open(const char* path, MdTempFile* t)
{
  char        dir[PATH_MAX];
  const char* base = NULL;
  split_path(path, dir, sizeof dir, &base);
  t->name[0]   = '\0';
  t->anonymous = false;
#ifdef O_TMPFILE
  t->fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
  if (t->fd >= 0) {
    t->anonymous = true;
    return true;
  }
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL && errno != ENOENT) {
    return false; // the folder refuses files (permissions, read-only): so would mkstemp
  }
#endif
  const int length = snprintf(t->name, sizeof t->name, "%s/.%s.partial-XXXXXX", dir, base);
  if (length < 0 || (size_t)length >= sizeof t->name) {
    t->name[0] = '\0';
    errno      = ENAMETOOLONG;
    return false;
  }
  t->fd = mkstemp(t->name);
  if (t->fd < 0) {
    t->name[0] = '\0';
    return false;
  }
  // mkstemp makes the file private; a take gets ordinary permissions.
  const mode_t mask = umask(0);
  umask(mask);
  if (fchmod(t->fd, 0666 & ~mask)) {
    // It stays private: still a take.
  }
  return true;
}

static void
temp_discard(MdTempFile* t)
{
  if (t->fd >= 0) {
    close(t->fd);
    t->fd = -1;
  }
  if (t->name[0]) {
    unlink(t->name);
    t->name[0] = '\0';
  }
}

// Gives the anonymous file a name no one can guess, in its folder.
static bool
temp_link(MdTempFile* t, const char* path)
{
  char        dir[PATH_MAX];
  const char* base = NULL;
  split_path(path, dir, sizeof dir, &base);
  char proc[64];
  snprintf(proc, sizeof proc, "/proc/self/fd/%d", t->fd);
  for (int attempt = 0; attempt < 16; ++attempt) {
    unsigned char bytes[6];
    if (getrandom(bytes, sizeof bytes, 0) != (ssize_t)sizeof bytes) {
      return false;
    }
    const int length = snprintf(t->name, sizeof t->name, "%s/.%s.partial-%02x%02x%02x%02x%02x%02x", dir, base,
                                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5]);
    if (length < 0 || (size_t)length >= sizeof t->name) {
      errno = ENAMETOOLONG;
      break;
    }
    if (!linkat(AT_FDCWD, proc, AT_FDCWD, t->name, AT_SYMLINK_FOLLOW)) {
      return true;
    }
    if (errno != EEXIST) {
      break;
    }
  }
  t->name[0] = '\0';
  return false;
}

// Syncs the folder of `path`, so the rename survives a power cut.
static void
sync_folder(const char* path)
{
  char        dir[PATH_MAX];
  const char* base = NULL;
  split_path(path, dir, sizeof dir, &base);
  const int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
}

static MixdownStatus
write_take(const MdYNode* root, const MdEmitOptions* emit, const char* path, char* message, size_t message_size)
{
  MdTempFile t   = {.fd = -1};
  FILE*      out = NULL;
  if (!temp_open(path, &t) || !(out = fdopen(t.fd, "w"))) {
    snprintf(message, message_size, "cannot write `%s`: %s", path, strerror(errno));
    temp_discard(&t);
    return MIXDOWN_ERR_IO;
  }
  fputs("# mixdown play --record-automation: the session with the live moves as envelopes\n", out);
  md_yaml_emit(out, root, emit);
  fputc('\n', out);
  bool written = !ferror(out) && !fflush(out) && !fsync(t.fd);
  written      = written && (!t.anonymous || temp_link(&t, path)) && !rename(t.name, path);
  const int error = errno;
  t.fd            = -1;
  if (fclose(out)) {
    written = false;
  }
  if (!written) {
    snprintf(message, message_size, "cannot write `%s`: %s", path, strerror(error));
    temp_discard(&t);
    return MIXDOWN_ERR_IO;
  }
  sync_folder(path);
  return MIXDOWN_SUCCESS;
}

MixdownStatus
md_recorder_keep_session(MdRecorder* r, const MixdownSession* s, char* message, size_t message_size)
{
  free(r->session_text);
  r->session_text = read_text(s->file_name, &r->session_length);
  if (!r->session_text) {
    snprintf(message, message_size, "cannot read the session file `%s` again for the take: %s", s->file_name,
             strerror(errno));
    return MIXDOWN_ERR_IO;
  }
  return MIXDOWN_SUCCESS;
}

MixdownStatus
md_recorder_write(const MdRecorder* r, const MixdownSession* s, double rate, double glide_s, const char* path,
                  MdRecordReport* report, char* message, size_t message_size)
{
  memset(report, 0, sizeof *report);
  message[0]    = '\0';
  size_t length = r->session_length;
  char*  text   = r->session_text ? NULL : read_text(s->file_name, &length);
  if (!r->session_text && !text) {
    snprintf(message, message_size, "cannot read the session file `%s` again: %s", s->file_name, strerror(errno));
    return MIXDOWN_ERR_IO;
  }
  char     error[400];
  unsigned line = 0U, column = 0U;
  MdYNode* root = md_yaml_parse(r->session_text ? r->session_text : text, length, error, sizeof error, &line, &column);
  free(text);
  if (!root || root->kind != MD_YNODE_MAPPING) {
    snprintf(message, message_size, "the session file `%s` changed since it was read", s->file_name);
    md_ynode_free(root);
    return MIXDOWN_ERR_SESSION;
  }
  MixdownStatus   st   = apply_moves(root, r, s, rate, glide_s, report);
  char*           from = folder_of(s->file_name);
  char*           to   = folder_of(path);
  // Paths in the copy: as written, or absolute from the session's folder
  // when the copy lives elsewhere.
  static const char* const path_keys[] = {"file", "impulse", NULL};
  const MdEmitOptions      emit        = {from && to && strcmp(from, to) ? from : NULL, path_keys};
  if (!st) {
    st = write_take(root, &emit, path, message, message_size);
  }
  if (st == MIXDOWN_ERR_NO_MEM && !message[0]) {
    snprintf(message, message_size, "out of memory");
  }
  free(from);
  free(to);
  md_ynode_free(root);
  return st;
}

MixdownStatus
md_recorder_check_path(const char* path, char* message, size_t message_size)
{
  char        dir[PATH_MAX];
  const char* base = NULL;
  split_path(path, dir, sizeof dir, &base);
  struct stat st;
  const char* why = NULL;
  if (!base[0]) {
    why = "it names a folder, not a file";
  } else if (stat(dir, &st)) {
    why = errno == ENOENT ? "its folder does not exist" : strerror(errno);
  } else if (!S_ISDIR(st.st_mode)) {
    why = "its folder is not a folder";
  }
  if (why) {
    snprintf(message, message_size, "cannot write the take `%s`: %s", path, why);
    return MIXDOWN_ERR_BAD_ARG;
  }
  if (!stat(path, &st)) {
    if (!S_ISREG(st.st_mode)) {
      snprintf(message, message_size, "cannot write the take `%s`: it is %s, not a regular file", path,
               S_ISDIR(st.st_mode) ? "a folder" : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
               : S_ISFIFO(st.st_mode) ? "a FIFO" : "a special file");
      return MIXDOWN_ERR_BAD_ARG;
    }
    SF_INFO  info  = {0};
    SNDFILE* audio = sf_open(path, SFM_READ, &info);
    if (audio) {
      sf_close(audio);
      snprintf(message, message_size, "cannot write the take `%s`: it is an audio file, and a take never replaces one",
               path);
      return MIXDOWN_ERR_BAD_ARG;
    }
  }
  MdTempFile t = {.fd = -1};
  if (!temp_open(path, &t)) {
    snprintf(message, message_size, "cannot write the take in `%s`: %s", dir, strerror(errno));
    return MIXDOWN_ERR_BAD_ARG;
  }
  temp_discard(&t); // it could be written: the take will be
  return MIXDOWN_SUCCESS;
}
