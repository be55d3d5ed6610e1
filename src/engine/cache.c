// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "engine/cache.h"

#include "io/file_budget.h"

#include <xxhash.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

// File layout: a fixed header (magic, shape, the frames' checksum,
// extras, then the header's own checksum), then the frames, block by
// block as written, each block one plane per channel.  The frames'
// checksum is XXH3-64 of every frame byte in file order, taken as they are
// written and checked before a hit is used; the header's is XXH3-64 of
// the header bytes before it, checked whenever a header is read.  A file
// damaged on disk, cut short or zeroed is a miss counted as damaged, one
// of an older layout ("MDCACHE2", "MDCACHE3") a plain miss: never audio
// or a meter.
//
// A folder may be shared by many processes on many machines (shared
// storage), with no locks: a file under its final name is never written
// again.  It is written whole under a temporary name of its own (host,
// process, a counter and random bits: two writers of one key never share
// one) and renamed into place, which replaces whatever is there in one
// step; new levels go into a small file beside it (KEY.mdl, also renamed
// into place, bound to the frames by their checksum); a damaged file is
// never removed by the reader that found it (another process may have
// just renamed a good one into its place), only replaced by a fresh one.
#define MAGIC "MDCACHE4"
#define NOTE_BYTES 200U
// A hit is read 128 KiB at a time: 16 stereo blocks, few system calls,
// and no page mapping (which costs more than the copy).
#define CHUNK_FLOATS (32U * 1024U)
// Written through a buffer of our own (glibc's setvbuf() ignores the size
// when given none, and keeps 4 KiB).
#define WRITE_BUFFER_BYTES (1024U * 1024U)
// The levels file beside a track's: magic, the frames' checksum of the
// file it belongs to, the levels block, its checksum.
#define LEVELS_MAGIC "MDLEVEL1"

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
  char*         levels_path; ///< Levels stored after the file (md_cache_update_levels())
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

// The header ends with the levels (a flag, the two gains they were taken
// at, the levels), then the header's checksum.
#define LEVELS_BYTES (4U + 8U + sizeof(MixdownLevels))
#define SUM_BYTES    8U

static size_t
header_bytes(uint32_t n_meters)
{
  return 8U + 4U + 4U + 8U + 8U + 8U + NOTE_BYTES + 8U * (size_t)n_meters + LEVELS_BYTES + SUM_BYTES;
}

static uint64_t
file_bytes(const MdCacheFile* f)
{
  return header_bytes(f->extras.n_meters) + f->frames * f->channels * sizeof(float);
}

static unsigned char*
put(unsigned char* at, const void* value, size_t bytes)
{
  memcpy(at, value, bytes);
  return at + bytes;
}

static const unsigned char*
get(const unsigned char* at, void* value, size_t bytes)
{
  memcpy(value, at, bytes);
  return at + bytes;
}

static unsigned char*
put_levels(unsigned char* at, const MdCacheExtras* extras)
{
  const uint32_t has_levels = extras->has_levels ? 1U : 0U;
  at                        = put(at, &has_levels, 4U);
  at                        = put(at, extras->level_gains, 8U);
  return put(at, &extras->levels, sizeof(MixdownLevels));
}

static const unsigned char*
get_levels(const unsigned char* at, MdCacheExtras* extras)
{
  uint32_t has_levels = 0U;
  at                  = get(at, &has_levels, 4U);
  at                  = get(at, extras->level_gains, 8U);
  at                  = get(at, &extras->levels, sizeof(MixdownLevels));
  extras->has_levels  = has_levels == 1U;
  return at;
}

#define LEVELS_FILE_BYTES (8U + 8U + LEVELS_BYTES + SUM_BYTES)

// Levels stored after `f` was written (md_cache_update_levels()), if a
// whole levels file for its frames is there: they replace the header's.
static void
read_stored_levels(MdCacheFile* f)
{
  const int     fd = open(f->levels_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  unsigned char block[LEVELS_FILE_BYTES];
  struct stat   st;
  uint64_t      checksum = 0U, sum = 0U;
  if (fd < 0) {
    return;
  }
  const bool whole = !fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size == (off_t)sizeof block &&
                     pread(fd, block, sizeof block, 0) == (ssize_t)sizeof block;
  close(fd);
  memcpy(&checksum, block + 8U, 8U);
  memcpy(&sum, block + sizeof block - SUM_BYTES, SUM_BYTES);
  if (whole && !memcmp(block, LEVELS_MAGIC, 8U) && checksum == f->checksum &&
      XXH3_64bits(block, sizeof block - SUM_BYTES) == sum) {
    get_levels(block + 16U, &f->extras);
  }
}

// The header of `f` (its shape, `checksum` of the frames) with `extras`'
// note, non-finite tally and levels, and as many of its meters as the
// layout of `f` holds (the rest 0), in header_bytes(f->extras.n_meters).
static void
pack_header(const MdCacheFile* f, uint64_t checksum, const MdCacheExtras* extras, unsigned char* header)
{
  const uint32_t n_meters = f->extras.n_meters;
  char           note[NOTE_BYTES] = {0};
  snprintf(note, sizeof note, "%s", extras->note);
  unsigned char* at = put(header, MAGIC, 8U);
  at                = put(at, &f->channels, 4U);
  at                = put(at, &n_meters, 4U);
  at                = put(at, &f->frames, 8U);
  at                = put(at, &checksum, 8U);
  at                = put(at, &extras->non_finite, 8U);
  at                = put(at, note, NOTE_BYTES);
  for (uint32_t m = 0U; m < n_meters; ++m) {
    const double meter = m < extras->n_meters && extras->meters ? extras->meters[m] : 0.0;
    at                 = put(at, &meter, 8U);
  }
  at                 = put_levels(at, extras);
  const uint64_t sum = XXH3_64bits(header, (size_t)(at - header));
  put(at, &sum, SUM_BYTES);
}

// True when `header` is whole (its checksum) and of the shape of `f`:
// then the frames' checksum and the extras are taken from it.
static bool
unpack_header(MdCacheFile* f, const unsigned char* header)
{
  const uint32_t n_meters = f->extras.n_meters;
  const size_t   bytes    = header_bytes(n_meters) - SUM_BYTES;
  uint64_t       sum = 0U, frames = 0U;
  uint32_t       channels = 0U, meters = 0U;
  memcpy(&sum, header + bytes, SUM_BYTES);
  const unsigned char* at = header + 8U;
  at                      = get(at, &channels, 4U);
  at                      = get(at, &meters, 4U);
  at                      = get(at, &frames, 8U);
  if (memcmp(header, MAGIC, 8U) || XXH3_64bits(header, bytes) != sum || channels != f->channels ||
      meters != n_meters || frames != f->frames) {
    return false;
  }
  at = get(at, &f->checksum, 8U);
  at = get(at, &f->extras.non_finite, 8U);
  at = get(at, f->extras.note, NOTE_BYTES);
  for (uint32_t m = 0U; m < n_meters; ++m) {
    at = get(at, &f->extras.meters[m], 8U);
  }
  get_levels(at, &f->extras);
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

static atomic_uint_fast64_t temp_counter;

// `final_path` with an ending no other writer anywhere uses:
// ".HOST-PID-N-RANDOM.partial" (the host name in letters, digits and
// dashes; N counts this process's temporary files; 64 random bits in case
// two hosts share a name and a process id, as containers do).
static char*
temp_name(const char* final_path)
{
  char host[65] = "";
  if (gethostname(host, sizeof host - 1U)) {
    host[0] = '\0';
  }
  host[sizeof host - 1U] = '\0';
  for (char* c = host; *c; ++c) {
    *c = isalnum((unsigned char)*c) ? *c : '-';
  }
  uint64_t random = 0U;
  if (getrandom(&random, sizeof random, GRND_NONBLOCK) != (ssize_t)sizeof random) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    random = ((uint64_t)now.tv_sec << 30U) ^ (uint64_t)now.tv_nsec ^ (uint64_t)(uintptr_t)&random;
  }
  const uint64_t n = (uint64_t)atomic_fetch_add(&temp_counter, 1U);
  char           suffix[160];
  snprintf(suffix, sizeof suffix, ".%s-%ld-%" PRIu64 "-%016" PRIx64 ".partial", host[0] ? host : "host",
           (long)getpid(), n, random);
  const size_t bytes = strlen(final_path) + strlen(suffix) + 1U;
  char*        path  = malloc(bytes);
  if (path) {
    snprintf(path, bytes, "%s%s", final_path, suffix);
  }
  return path;
}

typedef enum {
  ENTRY_ABSENT, ///< No file under the name (or none this process may read, or of an older layout)
  ENTRY_WHOLE,  ///< Of the right size, its header whole and of this shape
  ENTRY_BAD,    ///< A file there, but cut short, too long, zeroed, of another layout
} EntryState;

// Opens the file under its final name first, then judges the descriptor
// it holds (not the name, which another process may replace meanwhile):
// a whole one keeps the descriptor for the frames.  A descriptor outlives
// the name: a file removed (--cache-limit) or replaced after this is read
// all the same.
static EntryState
open_hit(MdCacheFile* f)
{
  const int fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK); // a FIFO planted there does not block
  if (fd < 0) {
    return ENTRY_ABSENT;
  }
  const size_t   bytes  = header_bytes(f->extras.n_meters);
  unsigned char* header = malloc(bytes);
  struct stat    st;
  const bool     regular = header && !fstat(fd, &st) && S_ISREG(st.st_mode);
  const bool     older   = regular && pread(fd, header, 8U, 0) == 8 && !memcmp(header, MAGIC, 7U) &&
                     header[7] != (unsigned char)MAGIC[7]; // "MDCACHE2": an older layout, not damage
  const bool     whole   = regular && !older && (uint64_t)st.st_size == file_bytes(f) &&
                     pread(fd, header, bytes, 0) == (ssize_t)bytes && unpack_header(f, header);
  free(header);
  if (!whole) {
    close(fd);
    return older || !header ? ENTRY_ABSENT : ENTRY_BAD;
  }
  if (!(f->chunks[0] = malloc(CHUNK_FLOATS * sizeof(float))) || !(f->chunks[1] = malloc(CHUNK_FLOATS * sizeof(float)))) {
    close(fd);
    return ENTRY_ABSENT; // out of memory: a miss (and the file is good)
  }
  f->fd       = fd;
  f->chunk    = f->chunks[0];
  f->file_pos = bytes;
  read_stored_levels(f);
  return ENTRY_WHOLE;
}

// Opens `f->temp_path`, a name no one else uses (O_EXCL all the same).
static bool
create_temp(MdCacheFile* f, size_t buffer_bytes)
{
  const int fd = open(f->temp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) {
    return false;
  }
  if (!(f->file = fdopen(fd, "wb"))) {
    close(fd);
    unlink(f->temp_path);
    return false;
  }
  f->writing = true; // from here, md_cache_close() removes it
  return !setvbuf(f->file, f->write_buffer, _IOFBF, buffer_bytes) &&
         !fseek(f->file, (long)header_bytes(f->extras.n_meters), SEEK_SET);
}

MdCacheFile*
md_cache_open(const MdCacheSpec* spec, const char* key, bool* hit, char* message, size_t message_size)
{
  *hit           = false;
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
  f->path             = join(spec->dir, key, spec->kind, "");
  f->temp_path        = f->path ? temp_name(f->path) : NULL;
  f->levels_path      = join(spec->dir, key, MD_CACHE_LEVELS, "");
  if (!f->extras.meters || !f->path || !f->temp_path || !f->levels_path) {
    snprintf(message, message_size, "out of memory");
    md_cache_close(f);
    return NULL;
  }
  // A hit keeps a descriptor until read to its end, a file being written
  // for the whole render: with no slot left, the track goes uncached.
  if (!(f->has_slot = md_file_budget_take())) {
    snprintf(message, message_size, "too many open files (raise `ulimit -n`)");
    md_cache_close(f);
    return NULL;
  }
  EntryState state = spec->rewrite ? ENTRY_ABSENT : open_hit(f);
  if (state == ENTRY_WHOLE && spec->verify && !md_cache_verify(f)) {
    state = ENTRY_BAD;
    close(f->fd);
    f->fd = -1;
  }
  if (state == ENTRY_WHOLE) {
    *hit = true;
    return f;
  }
  if (state == ENTRY_BAD && spec->damaged) {
    ++*spec->damaged; // left in place: the fresh file written below is renamed over it
  }
  if (!spec->write_on_miss) {
    md_cache_close(f);
    return NULL;
  }
  if (!(f->hashing = XXH3_createState()) || XXH3_64bits_reset(f->hashing) != XXH_OK ||
      !(f->write_buffer = malloc(buffer_bytes))) {
    snprintf(message, message_size, "out of memory");
    md_cache_close(f);
    return NULL;
  }
  if (!create_temp(f, buffer_bytes)) {
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
  utimensat(AT_FDCWD, f->levels_path, NULL, 0); // its levels, if stored after it (none: no harm)
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
  if (f->fd >= 0 && f->chunk_pos == f->chunk_len && f->file_pos >= file_bytes(f)) {
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
  const uint64_t end   = file_bytes(f);
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
  md_cache_close(f); // the file stays: it may be another process's good one by now
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
  if (f->writing) {
    return MIXDOWN_ERR_IO;
  }
  // The file in place is never written: the levels go into a small file
  // beside it, written under a name of its own and renamed into place.
  unsigned char block[LEVELS_FILE_BYTES];
  unsigned char* at  = put(block, LEVELS_MAGIC, 8U);
  at                 = put(at, &f->checksum, 8U);
  at                 = put_levels(at, extras);
  const uint64_t sum = XXH3_64bits(block, (size_t)(at - block));
  put(at, &sum, SUM_BYTES);
  char*     temp = temp_name(f->levels_path);
  const int fd   = temp ? open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666) : -1;
  bool      ok   = fd >= 0 && write(fd, block, sizeof block) == (ssize_t)sizeof block;
  ok             = (fd < 0 || !close(fd)) && ok;
  ok             = ok && !rename(temp, f->levels_path);
  if (!ok && fd >= 0) {
    unlink(temp);
  }
  free(temp);
  return ok ? MIXDOWN_SUCCESS : MIXDOWN_ERR_IO;
}

MixdownStatus
md_cache_commit(MdCacheFile* f, const MdCacheExtras* extras)
{
  const size_t   bytes    = header_bytes(f->extras.n_meters);
  unsigned char* header   = malloc(bytes);
  const uint64_t checksum = f->hashing ? XXH3_64bits_digest(f->hashing) : 0U;
  if (header) {
    pack_header(f, checksum, extras, header);
  }
  bool ok = header && f->writing && !fseek(f->file, 0L, SEEK_SET) && fwrite(header, 1U, bytes, f->file) == bytes;
  free(header);
  if (f->file) {
    ok = !fclose(f->file) && ok;
  }
  f->file = NULL;
  // Into place in one step: over a damaged file, or over another
  // process's copy of the same key (the same frames).
  ok = ok && !rename(f->temp_path, f->path);
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
  free(f->levels_path);
  free(f);
}

typedef struct {
  char*    path;
  uint64_t bytes;
  int64_t  used_ns; ///< Modification time: written or last read
  dev_t    device;  ///< Which file it was when listed
  ino_t    inode;
  bool     stale;   ///< A temporary file left long ago
} MdCacheEntry;

static bool
ends_with(const char* name, const char* ending)
{
  const size_t n = strlen(name), e = strlen(ending);
  return n > e && !strcmp(name + n - e, ending);
}

// Stale temporary files first, then least recently used; by name when
// equal (the same choice every time).
static int
by_use(const void* a, const void* b)
{
  const MdCacheEntry* x = a;
  const MdCacheEntry* y = b;
  if (x->stale != y->stale) {
    return x->stale ? -1 : 1;
  }
  return x->used_ns != y->used_ns ? (x->used_ns < y->used_ns ? -1 : 1) : strcmp(x->path, y->path);
}

static int64_t
mtime_ns(const struct stat* st)
{
  return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

static int64_t
now_ns(void)
{
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

// The folder's cache files, and temporary files not written for
// MD_CACHE_STALE_TEMP_S (a killed render's: a render writes its files
// block by block, so a live one's change all the time), with their sizes
// and last use.
static MdCacheEntry*
list_entries(const char* dir, size_t* count, uint64_t* total, int64_t now)
{
  DIR*          d       = opendir(dir);
  MdCacheEntry* entries = NULL;
  size_t        n = 0U, capacity = 0U;
  *total                = 0U;
  for (struct dirent* entry; d && (entry = readdir(d));) {
    const bool partial = ends_with(entry->d_name, ".partial") &&
                         (strstr(entry->d_name, MD_CACHE_TRACK ".") || strstr(entry->d_name, MD_CACHE_SUM ".") ||
                          strstr(entry->d_name, MD_CACHE_LEVELS "."));
    struct stat st;
    char*       path = join(dir, entry->d_name, "", "");
    if (!path ||
        (!partial && !ends_with(entry->d_name, MD_CACHE_TRACK) && !ends_with(entry->d_name, MD_CACHE_SUM) &&
         !ends_with(entry->d_name, MD_CACHE_LEVELS)) ||
        stat(path, &st) || !S_ISREG(st.st_mode) ||
        (partial && mtime_ns(&st) > now - MD_CACHE_STALE_TEMP_S * 1000000000LL)) {
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
    entries[n++] = (MdCacheEntry){path, (uint64_t)st.st_size, mtime_ns(&st), st.st_dev, st.st_ino, partial};
    *total += (uint64_t)st.st_size;
  }
  if (d) {
    closedir(d);
  }
  *count = n;
  return entries;
}

// Removes the file listed as `e` if it is still that file, unused since:
// moved aside first (one step), then looked at under its new name — if
// another process renamed a fresh file into place or used this one since
// the listing, it goes back (link() puts it back only if no newer one took
// the name meanwhile).  A process reading it keeps its descriptor.
static bool
remove_if_unchanged(const MdCacheEntry* e)
{
  if (e->stale) {
    return !unlink(e->path);
  }
  char* aside = temp_name(e->path);
  if (!aside || rename(e->path, aside)) {
    free(aside);
    return false;
  }
  struct stat st;
  const bool  same = !stat(aside, &st) && st.st_dev == e->device && st.st_ino == e->inode && mtime_ns(&st) == e->used_ns;
  if (!same && link(aside, e->path) && errno != EEXIST) {
    rename(aside, e->path); // no hard links here: back, over whatever is there (the same key)
  }
  unlink(aside);
  free(aside);
  return same;
}

uint32_t
md_cache_prune(const char* dir, uint64_t limit_bytes, int64_t keep_since_ns)
{
  const int64_t now     = now_ns();
  const int64_t in_use  = now - MD_CACHE_IN_USE_S * 1000000000LL;
  const int64_t keep    = keep_since_ns < in_use ? keep_since_ns : in_use;
  size_t        n       = 0U;
  uint64_t      total   = 0U;
  MdCacheEntry* list    = list_entries(dir, &n, &total, now);
  uint32_t      removed = 0U;
  if (list) {
    qsort(list, n, sizeof *list, by_use);
  }
  for (size_t i = 0U; i < n; ++i) {
    if ((list[i].stale || (total > limit_bytes && list[i].used_ns < keep)) && remove_if_unchanged(&list[i])) {
      total -= list[i].bytes;
      ++removed;
    }
    free(list[i].path);
  }
  free(list);
  return removed;
}
