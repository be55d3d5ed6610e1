// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The render cache (render --cache DIR).  A track that no sidechain keys
// depends only on its own clips and inserts; its signal after the inserts
// (before pan and fader) is kept, for a whole render, in DIR/KEY.mdc,
// where KEY hashes everything that shapes that signal: the source files
// (path, size, modification time), clip placement, every insert's type and
// values and automation, the track's latency alignment, the render's rate
// and length, the build (a hash of the library's sources, the compiler and
// the build type: scripts/source-hash.sh) and the kernel variant.  A later
// render whose track
// hashes the same reads the file instead of decoding and processing — bit
// for bit what it would have computed.  Files are written under a
// temporary name of their own (host, process, counter, random bits) and
// renamed into place only when the render completes; a file in place is
// never written again, so a folder may be shared by many processes and
// machines at once, without locks (cache.c tells how).
// Thread: opening, verifying, committing and pruning on the control thread
// (or the last pull); md_cache_view/_write/_release inside a pull, on the
// worker that renders the track (offline only: file I/O, never live).
// Each carries a checksum (XXH3-64) of its frames, checked before a hit
// is used (md_cache_verify()), and one of its header, checked whenever
// one is read: a damaged file (or one cut short, zeroed, of another
// layout) is a miss, counted, and a fresh one renamed over it.  Every open cache file holds a slot of the process's file
// budget (io/file_budget.h): with none left, md_cache_open() gives NULL
// and the track is rendered uncached.

#ifndef MD_CACHE_H
#define MD_CACHE_H

#include "mixdown.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/// A growing text that describes a track, for its key.
typedef struct {
  char*  text;
  size_t length;
  size_t capacity;
  bool   failed; ///< Out of memory: no key, no caching
} MdRecipe;

void md_recipe_add(MdRecipe* recipe, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
/// The file's path, size and modification time (nanoseconds).
void md_recipe_add_file(MdRecipe* recipe, const char* path);
void md_recipe_free(MdRecipe* recipe);

#define MD_CACHE_KEY_CHARS 33U // 128 bits in hex, and the terminator

/// The key of `recipe`: two independent 64-bit hashes, in hex.
void md_cache_key(const MdRecipe* recipe, char key[MD_CACHE_KEY_CHARS]);

typedef struct MdCacheFile MdCacheFile;

/// What a track's render leaves besides audio, kept with it.
typedef struct {
  uint64_t      non_finite;     ///< Non-finite samples replaced
  char          note[200];      ///< Where the first were
  uint32_t      n_meters;
  double*       meters;         ///< Extreme of every insert meter, in order
  bool          has_levels;     ///< The strip's post-fader levels (render summary), as measured…
  float         level_gains[2]; ///< …with these constant pan × fader gains
  MixdownLevels levels;
} MdCacheExtras;

/// File name endings: a track's signal, and a partial sum of a bus's
/// inputs (sum_tree.h).
#define MD_CACHE_TRACK ".mdc"
#define MD_CACHE_SUM   ".mds"
/// Levels stored with a track's file after it was written
/// (md_cache_update_levels()).
#define MD_CACHE_LEVELS ".mdl"

/// Where a cache file is and what it holds.
typedef struct {
  const char* dir;
  const char* kind;          ///< MD_CACHE_TRACK or MD_CACHE_SUM
  uint32_t    channels;
  uint64_t    frames;
  uint32_t    n_meters;
  bool        write_on_miss; ///< No hit: open it for writing (or give NULL)
  /// The write buffer (0: 1 MiB).  Writes of a few KiB cost a system call
  /// each; a render with thousands of tracks writes as many files at once
  /// and takes a smaller one.
  size_t      write_buffer_bytes;
  /// Check a hit's checksum at once (reading the whole file); a mismatch
  /// is a miss.
  bool        verify;
  /// Counts files found under the name but unusable (a checksum
  /// mismatch, the wrong size, a broken header) when not NULL.  They are
  /// left in place: a fresh file, if written, is renamed over them.
  uint32_t*   damaged;
  /// Do not look for a hit: write a fresh file (one found damaged later).
  bool        rewrite;
} MdCacheSpec;

/// Opens the cache file `dir`/`key``kind`: for reading (*hit) when a
/// complete one of this shape exists, otherwise for writing if asked.
/// NULL when there is no hit and no writing (a reason in `message` if
/// writing failed).
MdCacheFile* md_cache_open(const MdCacheSpec* spec, const char* key, bool* hit, char* message, size_t message_size);
/// Marks a hit as used now (its modification time): the last files a size
/// limit removes (md_cache_prune()).
void md_cache_touch(const MdCacheFile* file);
/// The extras stored with a hit.
const MdCacheExtras* md_cache_extras(const MdCacheFile* file);
/// The next `frames` frames of a hit: `planes` point into the file's read
/// buffers and stay valid through at least the next call.
MixdownStatus md_cache_view(MdCacheFile* file, const float** planes, uint32_t frames);
MixdownStatus md_cache_write(MdCacheFile* file, const float* const* planes, uint32_t frames);
/// Closes the file of a hit read to its end (its buffers stay until
/// md_cache_close()).
void md_cache_release(MdCacheFile* file);
/// True when a hit's frames match the checksum written with them (reads
/// the whole file, from the first frame; call before md_cache_view()).
bool md_cache_verify(const MdCacheFile* file);
/// Closes a hit found damaged.  Its file stays (another process may have
/// renamed a good one into its place since): a fresh one replaces it.
void md_cache_discard(MdCacheFile* file);

/// Completes a written file: the extras, then the rename into place.
MixdownStatus md_cache_commit(MdCacheFile* file, const MdCacheExtras* extras);
/// Stores new levels (has_levels, level_gains, levels of `extras`) with a
/// hit, for the next render that wants them: in a small file beside it
/// (`MD_CACHE_LEVELS`, renamed into place; the track's file is never
/// written), read with the hit by the next render that opens it.
MixdownStatus md_cache_update_levels(MdCacheFile* file, const MdCacheExtras* extras);
/// Closes; a written file not committed is removed.
void md_cache_close(MdCacheFile* file);

/// A temporary file not written for this long is a killed render's
/// (a render writes its files block by block).
#define MD_CACHE_STALE_TEMP_S (24LL * 3600LL)
/// A file used (written or touched by a hit) this recently may be being
/// read by another render, maybe on another machine: never removed for
/// the size limit.  On a local file system a reader's descriptor outlives
/// the name; on NFS another client's read of a removed file fails (ESTALE).
#define MD_CACHE_IN_USE_S (3600LL)

/// Keeps the cache files in `dir` under `limit_bytes` together: the least
/// recently used (written or read: a hit touches its file) are removed
/// first, and none used since `keep_since_ns` (CLOCK_REALTIME, by a render
/// still going or just done) or in the last MD_CACHE_IN_USE_S.  A file is
/// removed only if it is still the one listed, unused since (moved aside,
/// looked at, put back if not).  Temporary files not written for
/// MD_CACHE_STALE_TEMP_S are removed whatever the size.  Returns the number
/// of files removed.
uint32_t md_cache_prune(const char* dir, uint64_t limit_bytes, int64_t keep_since_ns);

#endif
