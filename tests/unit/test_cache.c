// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The render cache (src/engine/cache.c, through engine/cache.h): a file
// written and read back gives the same frames and extras to the bit; a
// damaged file is found by its checksum and is a miss; the wrong shape is
// a miss; and a track's key changes when anything that shapes its signal
// before the fader changes (measured through renders: hits and misses),
// but not when its fader does.

#include "engine/cache.h"
#include "support.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FRAMES 5000U

static void
fill(float* left, float* right)
{
  uint32_t seed = 3U;
  for (uint32_t i = 0U; i < FRAMES; ++i) {
    left[i]  = (float)test_noise(&seed);
    right[i] = (float)test_noise(&seed);
  }
}

static MdCacheSpec
spec_for(const char* dir, bool write_on_miss)
{
  return (MdCacheSpec){.dir = dir, .kind = MD_CACHE_TRACK, .channels = 2U, .frames = FRAMES, .n_meters = 2U,
                       .write_on_miss = write_on_miss, .write_buffer_bytes = 4096U};
}

// Writes FRAMES stereo frames in blocks of 777 under `key`; true when committed.
static bool
write_file(const char* dir, const char* key, const float* left, const float* right)
{
  bool              hit  = true;
  char              message[300] = "";
  const MdCacheSpec spec = spec_for(dir, true);
  MdCacheFile*      f    = md_cache_open(&spec, key, &hit, message, sizeof message);
  CHECK_MSG(f && !hit, "open for writing: %s", message);
  if (!f) {
    return false;
  }
  bool ok = true;
  for (uint32_t at = 0U; at < FRAMES; at += 777U) {
    const uint32_t     n         = FRAMES - at < 777U ? FRAMES - at : 777U;
    const float* const planes[2] = {left + at, right + at};
    ok                           = ok && md_cache_write(f, planes, n) == MIXDOWN_SUCCESS;
  }
  double        meters[2] = {-3.5, 12.25};
  MdCacheExtras extras    = {.non_finite = 7U, .n_meters = 2U, .meters = meters, .has_levels = true,
                             .level_gains = {0.5f, 0.25f}};
  snprintf(extras.note, sizeof extras.note, "`t`, insert 1 at 0.5 s");
  extras.levels.peak_dbfs = -1.5;
  extras.levels.clipped   = 3U;
  ok                      = ok && md_cache_commit(f, &extras) == MIXDOWN_SUCCESS;
  md_cache_close(f);
  CHECK(ok);
  return ok;
}

static void
test_round_trip_is_exact(void)
{
  const char* dir = test_dir();
  float*      l   = malloc(FRAMES * sizeof(float));
  float*      r   = malloc(FRAMES * sizeof(float));
  fill(l, r);
  const char* key = "00112233445566778899aabbccddeeff";
  if (write_file(dir, key, l, r)) {
    // In place under its final name only, of the size the layout gives.
    struct stat st;
    char        path[700];
    snprintf(path, sizeof path, "%s/%s%s", dir, key, MD_CACHE_TRACK);
    CHECK(stat(path, &st) == 0 && st.st_size > (off_t)(2U * FRAMES * sizeof(float)));
    bool              hit  = false;
    char              message[300] = "";
    MdCacheSpec       spec = spec_for(dir, false);
    spec.verify            = true;
    MdCacheFile* f         = md_cache_open(&spec, key, &hit, message, sizeof message);
    CHECK_MSG(f && hit, "reopen: %s", message);
    if (f) {
      const MdCacheExtras* x = md_cache_extras(f);
      CHECK(x->non_finite == 7U && !strcmp(x->note, "`t`, insert 1 at 0.5 s"));
      CHECK(x->n_meters == 2U && x->meters[0] == -3.5 && x->meters[1] == 12.25);
      CHECK(x->has_levels && x->level_gains[0] == 0.5f && x->level_gains[1] == 0.25f);
      CHECK(x->levels.peak_dbfs == -1.5 && x->levels.clipped == 3U);
      // Read in the blocks written (the layout is block by block, a plane
      // per channel): the same frames, to the bit.
      uint32_t differ = 0U;
      for (uint32_t at = 0U; at < FRAMES; at += 777U) {
        const uint32_t n         = FRAMES - at < 777U ? FRAMES - at : 777U;
        const float*   planes[2] = {NULL, NULL};
        CHECK(md_cache_view(f, planes, n) == MIXDOWN_SUCCESS);
        if (planes[0] && planes[1]) {
          differ += memcmp(planes[0], l + at, n * sizeof(float)) != 0;
          differ += memcmp(planes[1], r + at, n * sizeof(float)) != 0;
        }
      }
      CHECK_MSG(differ == 0U, "%u blocks differ", differ);
      // Past the end: an error, not stale frames.
      const float* planes[2] = {NULL, NULL};
      CHECK(md_cache_view(f, planes, 1U) == MIXDOWN_ERR_IO);
      md_cache_close(f);
    }
  }
  free(l);
  free(r);
}

// A file not committed leaves nothing behind.
static void
test_uncommitted_file_leaves_nothing(void)
{
  char dir[600];
  snprintf(dir, sizeof dir, "%s", test_path("uncommitted"));
  CHECK(mkdir(dir, 0700) == 0);
  bool              hit  = true;
  char              message[300] = "";
  const MdCacheSpec spec = spec_for(dir, true);
  MdCacheFile*      f    = md_cache_open(&spec, "k", &hit, message, sizeof message);
  CHECK(f && !hit);
  if (f) {
    const float        zero[16]  = {0};
    const float* const planes[2] = {zero, zero};
    CHECK(md_cache_write(f, planes, 16U) == MIXDOWN_SUCCESS);
    md_cache_close(f);
  }
  char command[700];
  snprintf(command, sizeof command, "test -z \"$(ls -A '%s')\"", dir);
  CHECK_MSG(system(command) == 0, "files left in %s", dir);
}

// Flips one bit of the last frame of the file at `path`.
static void
damage(const char* path)
{
  const int fd = open(path, O_RDWR);
  struct stat st;
  unsigned char byte = 0U;
  CHECK(fd >= 0 && fstat(fd, &st) == 0);
  if (fd >= 0) {
    CHECK(pread(fd, &byte, 1U, st.st_size - 1) == 1);
    byte ^= 0x01U;
    CHECK(pwrite(fd, &byte, 1U, st.st_size - 1) == 1);
    close(fd);
  }
}

static void
test_damage_is_found_by_the_checksum(void)
{
  const char* dir = test_dir();
  float*      l   = malloc(FRAMES * sizeof(float));
  float*      r   = malloc(FRAMES * sizeof(float));
  fill(l, r);
  const char* key = "damaged";
  char        path[700];
  snprintf(path, sizeof path, "%s/%s%s", dir, key, MD_CACHE_TRACK);
  if (write_file(dir, key, l, r)) {
    damage(path);
    // Unverified, it opens as a hit; md_cache_verify() tells.
    bool         hit  = false;
    char         message[300] = "";
    MdCacheSpec  spec = spec_for(dir, false);
    MdCacheFile* f    = md_cache_open(&spec, key, &hit, message, sizeof message);
    CHECK(f && hit);
    if (f) {
      CHECK(!md_cache_verify(f));
      md_cache_close(f);
    }
    // Verified on opening: a miss, counted; the file left in place (it
    // may be another process's good one by now), never removed first.
    uint32_t damaged = 0U;
    spec.verify      = true;
    spec.damaged     = &damaged;
    f                = md_cache_open(&spec, key, &hit, message, sizeof message);
    CHECK(!f && !hit && damaged == 1U);
    md_cache_close(f);
    struct stat st;
    CHECK_MSG(stat(path, &st) == 0, "the damaged file was removed by its reader");
    // Written on a miss: the fresh file is renamed over the damaged one.
    spec.write_on_miss = true;
    f                  = md_cache_open(&spec, key, &hit, message, sizeof message);
    CHECK(f && !hit && damaged == 2U);
    if (f) {
      const float* const planes[2] = {l, r};
      double             meters[2] = {0.0, 0.0};
      const MdCacheExtras extras   = {.n_meters = 2U, .meters = meters};
      CHECK(md_cache_write(f, planes, FRAMES) == MIXDOWN_SUCCESS && md_cache_commit(f, &extras) == MIXDOWN_SUCCESS);
      md_cache_close(f);
    }
    f = md_cache_open(&spec, key, &hit, message, sizeof message);
    CHECK(f && hit && damaged == 2U);
    md_cache_close(f);
    unlink(path);
  }
  // An undamaged file verifies.
  if (write_file(dir, key, l, r)) {
    bool         hit  = false;
    char         message[300] = "";
    MdCacheSpec  spec = spec_for(dir, false);
    MdCacheFile* f    = md_cache_open(&spec, key, &hit, message, sizeof message);
    CHECK(f && hit && md_cache_verify(f));
    md_cache_close(f);
    // Another shape (frames, channels, meters) under the same key: a miss.
    spec.frames = FRAMES + 1U;
    CHECK(!md_cache_open(&spec, key, &hit, message, sizeof message) && !hit);
    spec        = spec_for(dir, false);
    spec.n_meters = 1U;
    CHECK(!md_cache_open(&spec, key, &hit, message, sizeof message) && !hit);
    // A truncated file: a miss.
    CHECK(truncate(path, 100) == 0);
    spec = spec_for(dir, false);
    CHECK(!md_cache_open(&spec, key, &hit, message, sizeof message) && !hit);
  }
  free(l);
  free(r);
}

static void
key_of(const char* text, char key[MD_CACHE_KEY_CHARS])
{
  MdRecipe r = {0};
  md_recipe_add(&r, "%s", text);
  CHECK(!r.failed);
  md_cache_key(&r, key);
  md_recipe_free(&r);
}

// Any one byte of a recipe changes its key; the same text gives the same key.
static void
test_key_follows_every_byte(void)
{
  char text[] = "track invert 0\nclip 0x0p+0 0x0p+0 0x1p+0 0x0p+0 0x0p+0 0x0p+0 2 48000 48000\n";
  char base[MD_CACHE_KEY_CHARS], again[MD_CACHE_KEY_CHARS], other[MD_CACHE_KEY_CHARS];
  key_of(text, base);
  key_of(text, again);
  CHECK(!strcmp(base, again) && strlen(base) == MD_CACHE_KEY_CHARS - 1U);
  unsigned same = 0U;
  for (size_t i = 0U; i + 1U < sizeof text; ++i) {
    text[i] ^= 0x01;
    key_of(text, other);
    same += !strcmp(other, base);
    text[i] ^= 0x01;
  }
  CHECK_MSG(same == 0U, "%u one-bit changes kept the key", same);
  // Built in pieces or at once: the same text, the same key.
  MdRecipe r = {0};
  for (size_t i = 0U; i + 1U < sizeof text; ++i) {
    md_recipe_add(&r, "%c", text[i]);
  }
  md_cache_key(&r, again);
  CHECK(!strcmp(base, again) && r.length == sizeof text - 1U);
  md_recipe_free(&r);
  // A source file: its size and modification time are in the recipe.
  test_write_dc(test_path("k.wav"), 0.5f, 0.1, 1U, 48000U);
  MdRecipe before = {0}, after = {0};
  md_recipe_add_file(&before, test_path("k.wav"));
  test_write_dc(test_path("k.wav"), 0.5f, 0.2, 1U, 48000U);
  md_recipe_add_file(&after, test_path("k.wav"));
  CHECK(!before.failed && !after.failed && strcmp(before.text, after.text));
  md_recipe_free(&after);
  md_recipe_add_file(&after, test_path("no-such.wav"));
  CHECK(after.failed); // cannot tell whether it changed: no key, no caching
  md_recipe_free(&before);
  md_recipe_free(&after);
}

// Renders `yaml` with the cache in `dir`; the hits and cached tracks.
static bool
render_cached(const char* yaml, const char* dir, uint32_t* hits, uint32_t* tracks)
{
  MixdownSession* s = test_open_yaml(yaml);
  if (!s) {
    return false;
  }
  MixdownEngine* e = NULL;
  char           message[300];
  bool           ok = mixdown_engine_new(s, &e, message, sizeof message) == MIXDOWN_SUCCESS &&
            mixdown_engine_set_cache(e, dir) == MIXDOWN_SUCCESS;
  const uint64_t length = ok ? mixdown_engine_length(e) : 0U;
  float*         l      = calloc(length + 1U, sizeof(float));
  float*         r      = calloc(length + 1U, sizeof(float));
  for (uint64_t done = 0U; ok && done < length;) {
    uint32_t got = 0U;
    ok           = mixdown_engine_pull(e, l + done, r + done, 1000U, &got) == MIXDOWN_SUCCESS && got > 0U;
    done += got;
  }
  CHECK_MSG(ok, "render: %s", e ? mixdown_engine_message(e) : message);
  if (e) {
    mixdown_engine_cache_hits(e, hits, tracks);
  }
  mixdown_engine_free(e);
  mixdown_session_free(s);
  free(l);
  free(r);
  return ok;
}

// The base session: track a (a mono clip, an EQ whose gain may be
// automated) and track b (stereo, longer, so that a's changes do not move
// the session's length, which is in b's key too).
#define TRACK_A(file, clip, strip, eq_gain)                                                              \
  "  - name: a\n    clips: [{file: " file clip "}]\n" strip "    inserts: [{type: eq, bands: [{type: bell, " \
  "freq: 1000, gain_db: " eq_gain "}]}]\n"
#define SESSION(head, a) "mixdown: 1\n" head "tracks:\n" a "  - {name: b, file: cb.wav}\n"

typedef struct {
  const char* what;
  const char* yaml;
  bool        a_hits; ///< Track a is read from the cache
  bool        b_hits; ///< …and track b
} Variant;

static void
test_key_changes_with_every_recipe_element(void)
{
  test_write_sine(test_path("ca.wav"), 440.0, 0.3, 1.0, 1U, 48000U);
  test_write_sine(test_path("ca2.wav"), 440.0, 0.3, 1.0, 1U, 48000U); // the same audio, another file
  test_write_sine(test_path("cb.wav"), 660.0, 0.3, 2.0, 2U, 48000U);
  const char*   base       = SESSION("", TRACK_A("ca.wav", "", "", "3"));
  const Variant variants[] = {
    {"nothing", SESSION("", TRACK_A("ca.wav", "", "", "3")), true, true},
    {"the fader", SESSION("", TRACK_A("ca.wav", "", "    gain_db: -6\n", "3")), true, true},
    {"the pan", SESSION("", TRACK_A("ca.wav", "", "    pan: 0.5\n", "3")), true, true},
    {"clip start", SESSION("", TRACK_A("ca.wav", ", start: 0.01", "", "3")), false, true},
    {"clip offset", SESSION("", TRACK_A("ca.wav", ", offset: 0.01", "", "3")), false, true},
    {"clip length", SESSION("", TRACK_A("ca.wav", ", length: 0.5", "", "3")), false, true},
    {"clip gain", SESSION("", TRACK_A("ca.wav", ", gain_db: -1", "", "3")), false, true},
    {"clip fade in", SESSION("", TRACK_A("ca.wav", ", fade_in: 0.1", "", "3")), false, true},
    {"clip fade out", SESSION("", TRACK_A("ca.wav", ", fade_out: 0.1", "", "3")), false, true},
    {"the source file", SESSION("", TRACK_A("ca2.wav", "", "", "3")), false, true},
    {"polarity", SESSION("", TRACK_A("ca.wav", "", "    invert: true\n", "3")), false, true},
    {"an insert value", SESSION("", TRACK_A("ca.wav", "", "", "4")), false, true},
    {"an insert's automation", SESSION("", TRACK_A("ca.wav", "", "", "{points: [[0, 3], [0.5, 4]]}")), false, true},
    {"the rate", SESSION("sample_rate: 44100\n", TRACK_A("ca.wav", "", "", "3")), false, false},
    {"the length", SESSION("length: 1.5\n", TRACK_A("ca.wav", "", "", "3")), false, false},
  };
  for (size_t v = 0U; v < sizeof variants / sizeof variants[0]; ++v) {
    // A fresh folder holding the base render.
    char dir[600];
    snprintf(dir, sizeof dir, "%s/variant-%zu", test_dir(), v);
    uint32_t hits = 0U, tracks = 0U;
    if (!render_cached(base, dir, &hits, &tracks)) {
      continue;
    }
    CHECK(hits == 0U && tracks == 2U);
    if (!render_cached(variants[v].yaml, dir, &hits, &tracks)) {
      continue;
    }
    const uint32_t expected = (variants[v].a_hits ? 1U : 0U) + (variants[v].b_hits ? 1U : 0U);
    CHECK_MSG(hits == expected && tracks == 2U, "%s changed: %u of %u tracks read from the cache, expected %u",
              variants[v].what, hits, tracks, expected);
  }
}

// Plants `bytes` (NULL: zeros) of `size` at `path`.
static void
plant(const char* path, const void* bytes, size_t size)
{
  unsigned char* data = calloc(size ? size : 1U, 1U);
  if (bytes) {
    memcpy(data, bytes, size);
  }
  FILE* file = fopen(path, "wb");
  CHECK(file && fwrite(data, 1U, size, file) == size);
  if (file) {
    fclose(file);
  }
  free(data);
}

static size_t
file_size(const char* path)
{
  struct stat st;
  return stat(path, &st) ? 0U : (size_t)st.st_size;
}

static unsigned char*
slurp(const char* path, size_t* size)
{
  *size               = file_size(path);
  unsigned char* data = malloc(*size ? *size : 1U);
  FILE*          file = fopen(path, "rb");
  CHECK(file && fread(data, 1U, *size, file) == *size);
  if (file) {
    fclose(file);
  }
  return data;
}

// Whether `key` opens as a hit (unverified: only the header and size
// judged), and how many damaged files were counted.
static bool
opens_as_hit(const char* dir, const char* key, uint32_t* damaged)
{
  bool         hit          = false;
  char         message[300] = "";
  MdCacheSpec  spec         = spec_for(dir, false);
  spec.damaged              = damaged;
  MdCacheFile* f            = md_cache_open(&spec, key, &hit, message, sizeof message);
  md_cache_close(f);
  return hit;
}

// Every way a file under a final name can be unusable without a flipped
// frame: cut short, zero-filled at its full size, its magic or a header
// byte (an extra, not the frames) changed, a byte too long, empty.  Each
// is a miss, counted as damaged, never a hit; the file stays in place.
static void
test_broken_files_are_misses(void)
{
  char dir[600];
  snprintf(dir, sizeof dir, "%s", test_path("broken"));
  CHECK(mkdir(dir, 0700) == 0);
  float* l = malloc(FRAMES * sizeof(float));
  float* r = malloc(FRAMES * sizeof(float));
  fill(l, r);
  const char* key = "0123456789abcdef0123456789abcdef";
  char        path[700];
  snprintf(path, sizeof path, "%s/%s%s", dir, key, MD_CACHE_TRACK);
  if (write_file(dir, key, l, r)) {
    size_t         size = 0U;
    unsigned char* good = slurp(path, &size);
    uint32_t       damaged = 0U;
    CHECK(opens_as_hit(dir, key, &damaged) && damaged == 0U);
    unsigned char* bad = malloc(size + 1U);
    struct {
      const char* what;
      size_t      at;   ///< A byte flipped there (SIZE_MAX: none)
      size_t      size; ///< Planted bytes
      bool        zero;
    } cases[] = {
      {"cut short", SIZE_MAX, size / 2U, false},    {"cut to its header", SIZE_MAX, 300U, false},
      {"zero-filled", SIZE_MAX, size, true},        {"its magic", 0U, size, false},
      {"its note (an extra)", 40U, size, false},    {"a byte too long", SIZE_MAX, size + 1U, false},
      {"empty", SIZE_MAX, 0U, false},
    };
    for (size_t c = 0U; c < sizeof cases / sizeof cases[0]; ++c) {
      memcpy(bad, good, size);
      bad[size] = 0U;
      if (cases[c].at != SIZE_MAX) {
        bad[cases[c].at] ^= 0x20U;
      }
      plant(path, cases[c].zero ? NULL : bad, cases[c].size);
      const uint32_t before = damaged;
      CHECK_MSG(!opens_as_hit(dir, key, &damaged), "%s: a hit", cases[c].what);
      CHECK_MSG(damaged == before + 1U, "%s: not counted as damaged", cases[c].what);
      CHECK_MSG(file_size(path) == cases[c].size, "%s: the file was touched", cases[c].what);
    }
    // An older layout ("MDCACHE3"): a plain miss, not damage.
    memcpy(bad, good, size);
    bad[7] = '3';
    plant(path, bad, size);
    uint32_t was = damaged;
    CHECK(!opens_as_hit(dir, key, &damaged) && damaged == was);
    // Absent: a plain miss, not damage.
    unlink(path);
    const uint32_t before = damaged;
    CHECK(!opens_as_hit(dir, key, &damaged) && damaged == before);
    free(bad);
    free(good);
  }
  free(l);
  free(r);
}

// Counts the folder's names ending in `ending`.
static unsigned
count_ending(const char* dir, const char* ending)
{
  char command[800];
  snprintf(command, sizeof command, "ls -A '%s' | grep -c -- '%s$'", dir, ending);
  FILE*    pipe = popen(command, "r");
  unsigned n    = 0U;
  CHECK(pipe && fscanf(pipe, "%u", &n) == 1);
  if (pipe) {
    pclose(pipe);
  }
  return n;
}

// Two writers of one key at once (two renders, two threads, two machines
// of one name and process id alike): each has a temporary file of its
// own, named with the host, the process, a counter and random bits; the
// first committed is a whole file, the second replaces it whole.
static void
test_writers_of_one_key_never_share_a_file(void)
{
  char dir[600];
  snprintf(dir, sizeof dir, "%s", test_path("writers"));
  CHECK(mkdir(dir, 0700) == 0);
  const char*        key       = "writers";
  bool               hit       = true;
  char               message[300] = "";
  const MdCacheSpec  spec      = spec_for(dir, true);
  MdCacheFile*       a         = md_cache_open(&spec, key, &hit, message, sizeof message);
  MdCacheFile*       b         = md_cache_open(&spec, key, &hit, message, sizeof message);
  CHECK(a && b && count_ending(dir, ".partial") == 2U);
  char host[80] = "";
  gethostname(host, sizeof host - 1U);
  char command[900];
  snprintf(command, sizeof command, "ls -A '%s' | grep -qE -- '-%ld-[0-9]+-[0-9a-f]{16}[.]partial$'", dir,
           (long)getpid());
  CHECK_MSG(system(command) == 0, "temporary names lack the process, counter and random bits");
  float left[FRAMES], right[FRAMES];
  fill(left, right);
  const float* const planes[2] = {left, right};
  double             meters[2] = {1.0, 2.0};
  MdCacheExtras      extras    = {.n_meters = 2U, .meters = meters};
  if (a && b) {
    CHECK(md_cache_write(a, planes, FRAMES) == MIXDOWN_SUCCESS && md_cache_write(b, planes, FRAMES) == MIXDOWN_SUCCESS);
    CHECK(md_cache_commit(a, &extras) == MIXDOWN_SUCCESS);
    uint32_t damaged = 0U;
    CHECK(opens_as_hit(dir, key, &damaged) && damaged == 0U);
    CHECK(md_cache_commit(b, &extras) == MIXDOWN_SUCCESS);
    CHECK(opens_as_hit(dir, key, &damaged) && damaged == 0U);
  }
  md_cache_close(a);
  md_cache_close(b);
  CHECK(count_ending(dir, ".partial") == 0U && count_ending(dir, MD_CACHE_TRACK) == 1U);
}

// New levels for a hit go into a small file beside it, renamed into
// place: the track's file stays byte for byte as it was (a reader of it
// reads it to its end), the next opener gets the new levels, and a levels
// file that does not belong to the frames (or is damaged) is ignored.
static void
test_new_levels_leave_the_file_as_it_was(void)
{
  char dir[600];
  snprintf(dir, sizeof dir, "%s", test_path("levels"));
  CHECK(mkdir(dir, 0700) == 0);
  float* l = malloc(FRAMES * sizeof(float));
  float* r = malloc(FRAMES * sizeof(float));
  fill(l, r);
  const char* key = "levels";
  char        path[700], levels_path[700];
  snprintf(path, sizeof path, "%s/%s%s", dir, key, MD_CACHE_TRACK);
  snprintf(levels_path, sizeof levels_path, "%s/%s%s", dir, key, MD_CACHE_LEVELS);
  if (write_file(dir, key, l, r)) {
    size_t         size_before = 0U, size_after = 0U;
    unsigned char* before      = slurp(path, &size_before);
    bool           hit          = false;
    char           message[300] = "";
    MdCacheSpec    spec         = spec_for(dir, false);
    MdCacheFile*   reader       = md_cache_open(&spec, key, &hit, message, sizeof message);
    MdCacheFile*   f            = md_cache_open(&spec, key, &hit, message, sizeof message);
    CHECK(reader && f && hit);
    if (reader && f) {
      MdCacheExtras levels    = {.has_levels = true, .level_gains = {0.125f, 1.0f}};
      levels.levels.peak_dbfs = -9.0;
      CHECK(md_cache_update_levels(f, &levels) == MIXDOWN_SUCCESS);
      unsigned char* after = slurp(path, &size_after);
      CHECK_MSG(size_after == size_before && !memcmp(before, after, size_before), "the track's file was written");
      free(after);
      CHECK(md_cache_verify(reader) && md_cache_extras(reader)->levels.peak_dbfs == -1.5);
      const float* planes[2] = {NULL, NULL};
      CHECK(md_cache_view(reader, planes, 777U) == MIXDOWN_SUCCESS && planes[0] &&
            !memcmp(planes[0], l, 777U * sizeof(float)));
    }
    md_cache_close(reader);
    md_cache_close(f);
    spec.verify = true;
    f           = md_cache_open(&spec, key, &hit, message, sizeof message);
    CHECK(f && hit && md_cache_extras(f)->levels.peak_dbfs == -9.0 && md_cache_extras(f)->level_gains[0] == 0.125f);
    CHECK(f && md_cache_extras(f)->meters[1] == 12.25 && md_cache_extras(f)->non_finite == 7U);
    md_cache_close(f);
    CHECK(count_ending(dir, ".partial") == 0U && count_ending(dir, MD_CACHE_LEVELS) == 1U);
    // One byte of the levels file changed: ignored, the header's levels.
    size_t         n     = 0U;
    unsigned char* block = slurp(levels_path, &n);
    block[20] ^= 0x01U;
    plant(levels_path, block, n);
    free(block);
    f = md_cache_open(&spec, key, &hit, message, sizeof message);
    CHECK(f && hit && md_cache_extras(f)->levels.peak_dbfs == -1.5 && md_cache_extras(f)->level_gains[0] == 0.5f);
    md_cache_close(f);
    free(before);
  }
  free(l);
  free(r);
}

static void
set_age(const char* path, int64_t seconds_ago)
{
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  const struct timespec times[2] = {{now.tv_sec - seconds_ago, 0}, {now.tv_sec - seconds_ago, 0}};
  CHECK(utimensat(AT_FDCWD, path, times, 0) == 0);
}

// The size limit: only files unused for MD_CACHE_IN_USE_S go, least
// recently used first; a reader that opened one before keeps reading it
// to the end; a temporary file goes only when not written for
// MD_CACHE_STALE_TEMP_S.
static void
test_prune_spares_files_in_use(void)
{
  char dir[600];
  snprintf(dir, sizeof dir, "%s", test_path("prune"));
  CHECK(mkdir(dir, 0700) == 0);
  float* l = malloc(FRAMES * sizeof(float));
  float* r = malloc(FRAMES * sizeof(float));
  fill(l, r);
  const char* keys[3] = {"old", "older", "recent"};
  char        paths[3][700];
  for (int k = 0; k < 3; ++k) {
    snprintf(paths[k], sizeof paths[k], "%s/%s%s", dir, keys[k], MD_CACHE_TRACK);
    write_file(dir, keys[k], l, r);
  }
  set_age(paths[0], MD_CACHE_IN_USE_S + 60);
  set_age(paths[1], MD_CACHE_IN_USE_S + 120);
  set_age(paths[2], MD_CACHE_IN_USE_S - 600);
  char young[800], stale[800];
  snprintf(young, sizeof young, "%s.otherhost-7-0-0123456789abcdef.partial", paths[2]);
  snprintf(stale, sizeof stale, "%s.otherhost-7-1-0123456789abcdef.partial", paths[2]);
  plant(young, NULL, 100U);
  plant(stale, NULL, 100U);
  set_age(young, MD_CACHE_STALE_TEMP_S - 600);
  set_age(stale, MD_CACHE_STALE_TEMP_S + 60);
  // A reader holds the oldest open: it is removed under it, read to the end.
  bool         hit          = false;
  char         message[300] = "";
  MdCacheSpec  spec         = spec_for(dir, false);
  MdCacheFile* reader       = md_cache_open(&spec, keys[1], &hit, message, sizeof message);
  CHECK(reader && hit);
  const int64_t far_future = INT64_MAX; // keep_since: no render of this process holds any
  CHECK_MSG(md_cache_prune(dir, 0U, far_future) == 3U, "expected the stale temp and the two old files removed");
  struct stat st;
  CHECK(stat(paths[0], &st) != 0 && stat(paths[1], &st) != 0 && stat(paths[2], &st) == 0);
  CHECK(stat(young, &st) == 0 && stat(stale, &st) != 0);
  CHECK(count_ending(dir, ".partial") == 1U); // the young one only: nothing set aside is left
  if (reader) {
    CHECK(md_cache_verify(reader));
    uint32_t differ = 0U;
    for (uint32_t at = 0U; at < FRAMES; at += 777U) { // as written
      const uint32_t n         = FRAMES - at < 777U ? FRAMES - at : 777U;
      const float*   planes[2] = {NULL, NULL};
      CHECK(md_cache_view(reader, planes, n) == MIXDOWN_SUCCESS);
      differ += planes[0] && planes[1] && (memcmp(planes[0], l + at, n * sizeof(float)) || memcmp(planes[1], r + at, n * sizeof(float)));
    }
    CHECK(differ == 0U);
    md_cache_close(reader);
  }
  // Under the limit: nothing but stale temporary files goes.
  set_age(paths[2], MD_CACHE_IN_USE_S + 60);
  CHECK(md_cache_prune(dir, UINT64_MAX, far_future) == 0U && stat(paths[2], &st) == 0);
  free(l);
  free(r);
}

const TestCase cache_tests[] = {
  {"cache: frames and extras read back to the bit; nothing past the end", test_round_trip_is_exact},
  {"cache: a file not committed leaves nothing in the folder", test_uncommitted_file_leaves_nothing},
  {"cache: a flipped bit is found by the checksum (a miss, counted, replaced, never removed); another shape is a miss",
   test_damage_is_found_by_the_checksum},
  {"cache: a file cut short, zeroed, of a broken header, too long or empty is a miss, counted, left in place",
   test_broken_files_are_misses},
  {"cache: two writers of one key write two temporary files (host, process, counter, random) and rename whole",
   test_writers_of_one_key_never_share_a_file},
  {"cache: new levels go beside the file (renamed into place), the file unchanged; a damaged levels file is ignored",
   test_new_levels_leave_the_file_as_it_was},
  {"cache: the size limit spares files used in the last hour and young temporary files; a reader keeps reading",
   test_prune_spares_files_in_use},
  {"cache: a key follows every byte of its recipe, and a source file's size and time", test_key_follows_every_byte},
  {"cache: a track's key changes with each thing that shapes it before the fader, not with the fader",
   test_key_changes_with_every_recipe_element},
  {NULL, NULL},
};
