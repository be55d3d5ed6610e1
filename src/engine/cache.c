// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "engine/cache.h"

#include "io/file_budget.h"

#include <xxhash.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

// File layout: a fixed header (magic, shape, the frames' checksum,
// extras), then the frames, block by block as written, each block one
// plane per channel.  The checksum is XXH3-64 of every frame byte in file
// order, taken as they are written and checked before a hit is used: a
// file damaged on disk is a miss, never audio.  Files of the layout
// before checksums ("MDCACHE2") are misses.
#define MAGIC "MDCACHE3"
#define NOTE_BYTES 200U
// A hit is read 128 KiB at a time: 16 stereo blocks, few system calls,
// and no page mapping (which costs more than the copy).
#define CHUNK_FLOATS (32U * 1024U)
// Written through a buffer of our own (glibc's setvbuf() ignores the size
// when given none, and keeps 4 KiB).
#define WRITE_BUFFER_BYTES (1024U * 1024U)

struct MdCacheFile {
  FILE*         file;      ///< While writing…
  char*         write_buffer; ///< …through this
  int           fd;        ///< A hit: read in large chunks (cheaper than mapping its pages)
  float*        chunks[2]; ///< CHUNK_FLOATS read ahead, alternately: a view stays valid
                           ///< while the next block is read (the engine reads one block ahead)
  float*        chunk;     ///< The one in use
  size_t        chunk_len; ///< Floats in `chunk`
  size_t        chunk_pos; ///< Next float of `chunk` to hand out
  uint64_t      file_pos;  ///< Byte offset of the next read
  bool          writing;
  uint32_t      channels;
  uint64_t      frames;
  char*         path;      ///< Final name
  char*         temp_path; ///< Name while writing
  MdCacheExtras extras;
  XXH3_state_t* hashing;   ///< While writing: the checksum of the frames so far
  uint64_t      checksum;  ///< A hit: the checksum its header holds
  bool          has_slot;  ///< Holds a slot of the file budget (io/file_budget.h)
};

void
md_recipe_add(MdRecipe* r, const char* fmt, ...)
{
  if (r->failed) {
    return;
  }
  for (;;) {
    va_list args;
    va_start(args, fmt);
    const int n = vsnprintf(r->text ? r->text + r->length : NULL, r->text ? r->capacity - r->length : 0U, fmt,
                            args);
    va_end(args);
    if (n < 0) {
      r->failed = true;
      return;
    }
    if (r->text && r->length + (size_t)n < r->capacity) {
      r->length += (size_t)n;
      return;
    }
    const size_t bigger = 2U * (r->capacity + (size_t)n + 64U);
    char*        text   = realloc(r->text, bigger);
    if (!text) {
      r->failed = true;
      return;
    }
    r->text     = text;
    r->capacity = bigger;
  }
}

void
md_recipe_add_file(MdRecipe* r, const char* path)
{
  struct stat st;
  if (stat(path, &st)) {
    r->failed = true; // cannot tell whether it changed: do not cache
    return;
  }
  md_recipe_add(r, "file %s %lld %lld.%09ld\n", path, (long long)st.st_size, (long long)st.st_mtim.tv_sec,
                st.st_mtim.tv_nsec);
}

void
md_recipe_free(MdRecipe* r)
{
  free(r->text);
  memset(r, 0, sizeof *r);
}

// FNV-1a, and a multiply-xorshift hash: independent enough that a clash of
// both is out of reach.
void
md_cache_key(const MdRecipe* r, char key[MD_CACHE_KEY_CHARS])
{
  uint64_t fnv = 0xcbf29ce484222325ULL;
  uint64_t mix = 0x9e3779b97f4a7c15ULL;
  for (size_t i = 0U; i < r->length; ++i) {
    const uint8_t byte = (uint8_t)r->text[i];
    fnv                = (fnv ^ byte) * 0x100000001b3ULL;
    mix                = (mix ^ byte) * 0xff51afd7ed558ccdULL;
    mix ^= mix >> 29U;
  }
  snprintf(key, MD_CACHE_KEY_CHARS, "%016llx%016llx", (unsigned long long)fnv, (unsigned long long)mix);
}

// The header ends with the levels: a flag, the two gains they were taken
// at, the levels — one block, written whole at commit and rewritten in
// place by md_cache_update_levels().
#define LEVELS_BYTES (4U + 8U + sizeof(MixdownLevels))

static size_t
header_bytes(uint32_t n_meters)
{
  return 8U + 4U + 4U + 8U + 8U + 8U + NOTE_BYTES + 8U * (size_t)n_meters + LEVELS_BYTES;
}

static void
pack_levels(const MdCacheExtras* extras, unsigned char block[LEVELS_BYTES])
{
  const uint32_t has_levels = extras->has_levels ? 1U : 0U;
  memcpy(block, &has_levels, 4U);
  memcpy(block + 4U, extras->level_gains, 8U);
  memcpy(block + 12U, &extras->levels, sizeof(MixdownLevels));
}

static void
unpack_levels(const unsigned char block[LEVELS_BYTES], MdCacheExtras* extras)
{
  uint32_t has_levels = 0U;
  memcpy(&has_levels, block, 4U);
  memcpy(extras->level_gains, block + 4U, 8U);
  memcpy(&extras->levels, block + 12U, sizeof(MixdownLevels));
  extras->has_levels = has_levels == 1U;
}

static bool
read_header(MdCacheFile* f, uint32_t n_meters)
{
  char          magic[8];
  uint32_t      channels = 0U, meters = 0U;
  uint64_t      frames   = 0U;
  unsigned char levels[LEVELS_BYTES];
  if (fread(magic, 1U, 8U, f->file) != 8U || memcmp(magic, MAGIC, 8U) || fread(&channels, 4U, 1U, f->file) != 1U ||
      fread(&meters, 4U, 1U, f->file) != 1U || fread(&frames, 8U, 1U, f->file) != 1U ||
      channels != f->channels || meters != n_meters || frames != f->frames ||
      fread(&f->checksum, 8U, 1U, f->file) != 1U || fread(&f->extras.non_finite, 8U, 1U, f->file) != 1U ||
      fread(f->extras.note, 1U, NOTE_BYTES, f->file) != NOTE_BYTES ||
      (n_meters && fread(f->extras.meters, 8U, n_meters, f->file) != n_meters) ||
      fread(levels, 1U, LEVELS_BYTES, f->file) != LEVELS_BYTES) {
    return false;
  }
  unpack_levels(levels, &f->extras);
  f->extras.note[NOTE_BYTES - 1U] = '\0';
  return true;
}

static char*
join(const char* dir, const char* key, const char* kind, const char* suffix)
{
  const size_t n    = strlen(dir) + strlen(key) + strlen(kind) + strlen(suffix) + 2U;
  char*        path = malloc(n);
  if (path) {
    snprintf(path, n, "%s/%s%s%s", dir, key, kind, suffix);
  }
  return path;
}

// An existing, complete file of the right shape: its header read, its
// descriptor kept for the frames.
static bool
open_hit(MdCacheFile* f, uint32_t n_meters)
{
  struct stat st;
  const size_t size = header_bytes(n_meters) + f->frames * f->channels * sizeof(float);
  if (stat(f->path, &st) || (size_t)st.st_size != size || !(f->file = fopen(f->path, "rb"))) {
    return false;
  }
  bool ok = read_header(f, n_meters) && (f->chunks[0] = malloc(CHUNK_FLOATS * sizeof(float))) &&
            (f->chunks[1] = malloc(CHUNK_FLOATS * sizeof(float))) && (f->fd = dup(fileno(f->file))) >= 0;
  f->chunk = f->chunks[0];
  f->file_pos = header_bytes(n_meters);
  fclose(f->file);
  f->file = NULL;
  return ok;
}

MdCacheFile*
md_cache_open(const MdCacheSpec* spec, const char* key, bool* hit, char* message, size_t message_size)
{
  MdCacheFile* f = calloc(1U, sizeof(MdCacheFile));
  if (!f) {
    snprintf(message, message_size, "out of memory");
    return NULL;
  }
  const size_t buffer_bytes = spec->write_buffer_bytes ? spec->write_buffer_bytes : WRITE_BUFFER_BYTES;
  f->fd               = -1;
  f->channels         = spec->channels;
  f->frames           = spec->frames;
  f->extras.n_meters  = spec->n_meters;
  f->extras.meters    = calloc(spec->n_meters ? spec->n_meters : 1U, sizeof(double));
  // The temporary name is this file's own: two renders (or two tracks
  // with the same key in one) never write into one file.
  char temp_suffix[64];
  snprintf(temp_suffix, sizeof temp_suffix, ".%ld-%" PRIxPTR ".partial", (long)getpid(), (uintptr_t)f);
  f->path             = join(spec->dir, key, spec->kind, "");
  f->temp_path        = join(spec->dir, key, spec->kind, temp_suffix);
  if (!f->extras.meters || !f->path || !f->temp_path) {
    snprintf(message, message_size, "out of memory");
    md_cache_close(f);
    return NULL;
  }
  // A hit keeps a descriptor until read to its end, a file being written
  // for the whole render: with no slot left, the track goes uncached.
  if (!(f->has_slot = md_file_budget_take())) {
    *hit = false;
    snprintf(message, message_size, "too many open files (raise `ulimit -n`)");
    md_cache_close(f);
    return NULL;
  }
  if ((*hit = open_hit(f, spec->n_meters))) {
    if (spec->verify && !md_cache_verify(f)) {
      *hit = false;
      if (spec->damaged) {
        ++*spec->damaged;
      }
      close(f->fd);
      f->fd = -1;
      unlink(f->path); // written again below, if writing
    } else {
      return f;
    }
  }
  if (!spec->write_on_miss) {
    md_cache_close(f);
    return NULL;
  }
  if (!(f->hashing = XXH3_createState()) || XXH3_64bits_reset(f->hashing) != XXH_OK) {
    snprintf(message, message_size, "out of memory");
    md_cache_close(f);
    return NULL;
  }
  if (!(f->write_buffer = malloc(buffer_bytes))) {
    snprintf(message, message_size, "out of memory");
    md_cache_close(f);
    return NULL;
  }
  f->writing = true;
  if (!(f->file = fopen(f->temp_path, "wb")) || setvbuf(f->file, f->write_buffer, _IOFBF, buffer_bytes) ||
      fseek(f->file, (long)header_bytes(spec->n_meters), SEEK_SET)) {
    snprintf(message, message_size, "cannot write the cache file `%s`: %s", f->temp_path, strerror(errno));
    md_cache_close(f);
    return NULL;
  }
  return f;
}

const MdCacheExtras*
md_cache_extras(const MdCacheFile* f)
{
  return &f->extras;
}

void
md_cache_touch(const MdCacheFile* f)
{
  utimensat(AT_FDCWD, f->path, NULL, 0);
}

MixdownStatus
md_cache_view(MdCacheFile* f, const float** planes, uint32_t frames)
{
  const size_t need = (size_t)frames * f->channels;
  if (f->fd < 0 || need > CHUNK_FLOATS) {
    return MIXDOWN_ERR_IO;
  }
  if (f->chunk_len - f->chunk_pos < need) {
    // Carry the unread tail over to the other buffer, then fill it up
    // from the file; the views into this one stay valid for a while.
    const size_t left = f->chunk_len - f->chunk_pos;
    float* const next = f->chunk == f->chunks[0] ? f->chunks[1] : f->chunks[0];
    memcpy(next, f->chunk + f->chunk_pos, left * sizeof(float));
    f->chunk     = next;
    f->chunk_len = left;
    f->chunk_pos = 0U;
    while (f->chunk_len < need) {
      const ssize_t got = pread(f->fd, f->chunk + f->chunk_len, (CHUNK_FLOATS - f->chunk_len) * sizeof(float),
                                (off_t)f->file_pos);
      if (got <= 0 || got % (ssize_t)sizeof(float)) {
        return MIXDOWN_ERR_IO;
      }
      f->file_pos += (uint64_t)got;
      f->chunk_len += (size_t)got / sizeof(float);
    }
  }
  for (uint32_t c = 0U; c < f->channels; ++c) {
    planes[c] = f->chunk + f->chunk_pos;
    f->chunk_pos += frames;
  }
  return MIXDOWN_SUCCESS;
}

void
md_cache_release(MdCacheFile* f)
{
  if (f->fd >= 0 && f->chunk_pos == f->chunk_len &&
      f->file_pos >= header_bytes(f->extras.n_meters) + f->frames * f->channels * sizeof(float)) {
    close(f->fd); // the buffers stay until md_cache_close(): the last views are still read
    f->fd = -1;
    if (f->has_slot) {
      md_file_budget_give();
      f->has_slot = false;
    }
  }
}

bool
md_cache_verify(const MdCacheFile* f)
{
  XXH3_state_t* state = XXH3_createState();
  float*        chunk = malloc(CHUNK_FLOATS * sizeof(float));
  bool          ok    = state && chunk && f->fd >= 0 && XXH3_64bits_reset(state) == XXH_OK;
  const uint64_t start = header_bytes(f->extras.n_meters);
  const uint64_t end   = start + f->frames * f->channels * sizeof(float);
  for (uint64_t at = start; ok && at < end;) {
    const size_t  want = end - at < CHUNK_FLOATS * sizeof(float) ? (size_t)(end - at) : CHUNK_FLOATS * sizeof(float);
    const ssize_t got  = pread(f->fd, chunk, want, (off_t)at);
    ok                 = got > 0 && XXH3_64bits_update(state, chunk, (size_t)got) == XXH_OK;
    at += got > 0 ? (uint64_t)got : 0U;
  }
  ok = ok && XXH3_64bits_digest(state) == f->checksum;
  XXH3_freeState(state);
  free(chunk);
  return ok;
}

void
md_cache_discard(MdCacheFile* f)
{
  if (f) {
    unlink(f->path);
    md_cache_close(f);
  }
}

MixdownStatus
md_cache_write(MdCacheFile* f, const float* const* planes, uint32_t frames)
{
  for (uint32_t c = 0U; c < f->channels; ++c) {
    if (fwrite(planes[c], sizeof(float), frames, f->file) != frames ||
        XXH3_64bits_update(f->hashing, planes[c], frames * sizeof(float)) != XXH_OK) {
      return MIXDOWN_ERR_IO;
    }
  }
  return MIXDOWN_SUCCESS;
}

MixdownStatus
md_cache_update_levels(MdCacheFile* f, const MdCacheExtras* extras)
{
  unsigned char block[LEVELS_BYTES];
  pack_levels(extras, block);
  const int  fd = f->writing ? -1 : open(f->path, O_WRONLY);
  const bool ok = fd >= 0 && pwrite(fd, block, sizeof block,
                                    (off_t)(header_bytes(f->extras.n_meters) - LEVELS_BYTES)) == (ssize_t)sizeof block;
  if (fd >= 0) {
    close(fd);
  }
  return ok ? MIXDOWN_SUCCESS : MIXDOWN_ERR_IO;
}

MixdownStatus
md_cache_commit(MdCacheFile* f, const MdCacheExtras* extras)
{
  char note[NOTE_BYTES] = {0};
  snprintf(note, sizeof note, "%s", extras->note);
  const uint32_t n_meters = extras->n_meters;
  unsigned char  levels[LEVELS_BYTES];
  pack_levels(extras, levels);
  const uint64_t checksum = f->hashing ? XXH3_64bits_digest(f->hashing) : 0U;
  bool ok = f->writing && !fseek(f->file, 0L, SEEK_SET) && fwrite(MAGIC, 1U, 8U, f->file) == 8U &&
            fwrite(&f->channels, 4U, 1U, f->file) == 1U && fwrite(&n_meters, 4U, 1U, f->file) == 1U &&
            fwrite(&f->frames, 8U, 1U, f->file) == 1U && fwrite(&checksum, 8U, 1U, f->file) == 1U &&
            fwrite(&extras->non_finite, 8U, 1U, f->file) == 1U &&
            fwrite(note, 1U, NOTE_BYTES, f->file) == NOTE_BYTES &&
            (!n_meters || fwrite(extras->meters, 8U, n_meters, f->file) == n_meters) &&
            fwrite(levels, 1U, LEVELS_BYTES, f->file) == LEVELS_BYTES;
  ok = !fclose(f->file) && ok;
  f->file = NULL;
  ok      = ok && !rename(f->temp_path, f->path);
  if (!ok) {
    unlink(f->temp_path);
  }
  f->writing = false;
  return ok ? MIXDOWN_SUCCESS : MIXDOWN_ERR_IO;
}

void
md_cache_close(MdCacheFile* f)
{
  if (!f) {
    return;
  }
  if (f->file) {
    fclose(f->file);
  }
  free(f->write_buffer); // after fclose(): the stream flushes from it
  if (f->fd >= 0) {
    close(f->fd);
  }
  free(f->chunks[0]);
  free(f->chunks[1]);
  if (f->writing && f->temp_path) {
    unlink(f->temp_path);
  }
  if (f->has_slot) {
    md_file_budget_give();
  }
  XXH3_freeState(f->hashing);
  free(f->extras.meters);
  free(f->path);
  free(f->temp_path);
  free(f);
}

typedef struct {
  char*    path;
  uint64_t bytes;
  int64_t  used_ns; ///< Modification time: written or last read
} MdCacheEntry;

static bool
ends_with(const char* name, const char* ending)
{
  const size_t n = strlen(name), e = strlen(ending);
  return n > e && !strcmp(name + n - e, ending);
}

// Least recently used first; by name when equal (the same choice every time).
static int
by_use(const void* a, const void* b)
{
  const MdCacheEntry* x = a;
  const MdCacheEntry* y = b;
  return x->used_ns != y->used_ns ? (x->used_ns < y->used_ns ? -1 : 1) : strcmp(x->path, y->path);
}

static int64_t
mtime_ns(const struct stat* st)
{
  return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

#define STALE_PARTIAL_NS (86400LL * 1000000000LL) // a day: no render takes that long

// The folder's cache files (and temporary files older than a day, left by
// a render that was killed), with their sizes and last use.
static MdCacheEntry*
list_entries(const char* dir, size_t* count, uint64_t* total, int64_t keep_since_ns)
{
  DIR*          d       = opendir(dir);
  MdCacheEntry* entries = NULL;
  size_t        n = 0U, capacity = 0U;
  *total                = 0U;
  for (struct dirent* entry; d && (entry = readdir(d));) {
    const bool partial = ends_with(entry->d_name, ".partial") &&
                         (strstr(entry->d_name, MD_CACHE_TRACK ".") || strstr(entry->d_name, MD_CACHE_SUM "."));
    struct stat st;
    char*       path = join(dir, entry->d_name, "", "");
    if (!path || (!partial && !ends_with(entry->d_name, MD_CACHE_TRACK) && !ends_with(entry->d_name, MD_CACHE_SUM)) ||
        stat(path, &st) || !S_ISREG(st.st_mode) ||
        (partial && mtime_ns(&st) > keep_since_ns - STALE_PARTIAL_NS)) {
      free(path);
      continue;
    }
    if (n == capacity) {
      capacity               = 2U * capacity + 16U;
      MdCacheEntry* bigger   = realloc(entries, capacity * sizeof(MdCacheEntry));
      if (!bigger) {
        free(path);
        break;
      }
      entries = bigger;
    }
    // A stale temporary file goes first, whatever the limit.
    entries[n++] = (MdCacheEntry){path, (uint64_t)st.st_size, partial ? INT64_MIN : mtime_ns(&st)};
    *total += (uint64_t)st.st_size;
  }
  if (d) {
    closedir(d);
  }
  *count = n;
  return entries;
}

uint32_t
md_cache_prune(const char* dir, uint64_t limit_bytes, int64_t keep_since_ns)
{
  size_t        n     = 0U;
  uint64_t      total = 0U;
  MdCacheEntry* list  = list_entries(dir, &n, &total, keep_since_ns);
  uint32_t      removed = 0U;
  if (list) {
    qsort(list, n, sizeof *list, by_use);
  }
  for (size_t i = 0U; i < n; ++i) {
    const bool stale = list[i].used_ns == INT64_MIN;
    if ((stale || (total > limit_bytes && list[i].used_ns < keep_since_ns)) && !unlink(list[i].path)) {
      total -= list[i].bytes;
      ++removed;
    }
    free(list[i].path);
  }
  free(list);
  return removed;
}
