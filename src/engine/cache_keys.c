// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The render cache as the engine uses it (cache.c is the file format): a
// track's recipe and key, the build's identity, opening, restoring a hit,
// checking hits, the partial sums' keys, and committing at the end.
// Offline only.  Thread: control, except md_engine_commit_cache() (in the
// last pull, on the calling thread).

#include "engine/engine_internal.h"

#include "source_hash.h" // generated: MD_SOURCE_HASH, MD_BUILD_FLAVOUR

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define MD_CACHE_MAX_METERS 64U
#define MD_STRINGIFY_(x) #x
#define MD_STRINGIFY(x)  MD_STRINGIFY_(x)
#define MD_BUILD_ID \
  MD_STRINGIFY(MIXDOWN_VERSION_MAJOR) "." MD_STRINGIFY(MIXDOWN_VERSION_MINOR) "." MD_STRINGIFY(MIXDOWN_VERSION_MICRO)

static void
describe_value(MdRecipe* r, const MdValue* v)
{
  md_recipe_add(r, " %a", v->value);
  for (size_t k = 0U; v->envelope && k < v->envelope->n_points; ++k) {
    md_recipe_add(r, " [%a %a %d]", v->envelope->points[k].time_s, v->envelope->points[k].value,
                  (int)v->envelope->curve);
  }
}

// Everything in the session that shapes a track's signal up to its
// inserts' output (not pan, fader or sends), for the render cache's key.
// Floats in hex: exact.
void
md_engine_describe_track(MdRecipe* r, const MdNode* model)
{
  md_recipe_add(r, "track invert %d\n", (int)model->invert);
  if (md_clip_spreads_mono(model)) {
    // Its mono clips are spread before the inserts at gains set by the pan.
    md_recipe_add(r, "spread %a", md_pan_law_centre_db(model->pan_law));
    describe_value(r, &model->pan);
    md_recipe_add(r, "\n");
  }
  for (size_t i = 0U; i < model->n_clips; ++i) {
    const MdClip* c = &model->clips[i];
    md_recipe_add_file(r, c->path);
    md_recipe_add(r, "clip %a %a %a %a %a %a %u %u %lld\n", c->start_s, c->offset_s, c->length_s, c->gain_db,
                  c->fade_in_s, c->fade_out_s, c->channels, c->rate, (long long)c->frames);
  }
  for (size_t i = 0U; i < model->n_inserts; ++i) {
    const MdInsert* ins = &model->inserts[i];
    md_recipe_add(r, "insert %s", ins->cls->name);
    for (uint32_t p = 0U; p < md_processor_value_count(ins->cls); ++p) {
      describe_value(r, &ins->values[p]);
    }
    if (ins->bypass) {
      md_recipe_add(r, " bypass"); // only then: the keys of sessions without one stay as they were
    }
    md_recipe_add(r, "\n");
    if (ins->file) {
      md_recipe_add_file(r, ins->file);
    }
  }
}

static uint32_t
count_meters(const MdEngineNode* node)
{
  uint32_t n = 0U;
  for (size_t j = 0U; j < node->n_inserts; ++j) {
    n += node->inserts[j].cls->n_meters;
  }
  return n < MD_CACHE_MAX_METERS ? n : MD_CACHE_MAX_METERS;
}

// Cache files of this render: in its folder, as long as the render.  A
// track and a partial sum above it may be written at once: their write
// buffers share 64 MiB (at most 1 MiB, at least 16 KiB each).
static MdCacheSpec
cache_spec(const MixdownEngine* e)
{
  const size_t writers = 2U * (e->n_parallel ? e->n_parallel : 1U);
  size_t       bytes   = (64U << 20U) / writers;
  bytes                = bytes > (1U << 20U) ? (1U << 20U) : bytes < (16U << 10U) ? (16U << 10U) : bytes;
  return (MdCacheSpec){.dir = e->cache_dir, .frames = e->length_frames + e->latency_frames, .write_on_miss = true,
                       .write_buffer_bytes = bytes, .damaged = (uint32_t*)&e->cache_damaged};
}

// A track's cache file under its key: *hit when it holds the track already
// (NULL when it can be neither read nor written: the track renders uncached).
// `rewrite`: no hit wanted, a fresh file (the one there is damaged).
static MdCacheFile*
open_track_cache(const MixdownEngine* e, const MdEngineNode* node, bool rewrite, bool* hit)
{
  MdCacheSpec spec = cache_spec(e);
  spec.rewrite     = rewrite;
  spec.kind        = MD_CACHE_TRACK;
  spec.channels    = node->channels;
  spec.n_meters    = count_meters(node);
  char why[256];
  return md_cache_open(&spec, node->cache.key, hit, why, sizeof why);
}

// A hit brings back what the track's render left besides audio.
static void
restore_from_cache(MixdownEngine* e, MdEngineNode* node)
{
  const MdCacheExtras* extras = md_cache_extras(node->cache.file);
  e->non_finite += extras->non_finite;
  snprintf(node->notes[0], sizeof node->notes[0], "%s", extras->note); // merged with block 0
  uint32_t m = 0U;
  for (size_t j = 0U; j < node->n_inserts; ++j) {
    for (uint32_t k = 0U; k < node->inserts[j].cls->n_meters && m < extras->n_meters; ++k) {
      node->inserts[j].meter_extreme[k] = extras->meters[m++];
    }
  }
  node->cache.has_stored_levels = extras->has_levels;
  memcpy(node->cache.stored_level_gains, extras->level_gains, sizeof node->cache.stored_level_gains);
  node->cache.stored_levels = extras->levels;
}

MixdownStatus
mixdown_engine_set_cache(MixdownEngine* e, const char* dir)
{
  if (!e || !dir || e->position_frame != 0) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  if (mkdir(dir, 0777) && errno != EEXIST) {
    md_engine_set_message(e, "cannot create the cache folder `%s`: %s", dir, strerror(errno));
    return MIXDOWN_ERR_IO;
  }
  free(e->cache_dir);
  if (!(e->cache_dir = strdup(dir))) {
    md_engine_set_message(e, "out of memory");
    return MIXDOWN_ERR_NO_MEM;
  }
  // File times come from the kernel's coarse clock: a second's margin.
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  e->cache_since_ns = ((int64_t)now.tv_sec - 1) * 1000000000 + now.tv_nsec;
  for (size_t k = 0U; k < e->n_parallel; ++k) {
    MdEngineNode* node = &e->nodes[e->parallel[k]];
    if (node->cache.file) {
      continue;
    }
    // The rest of the key: where the track sits on the timeline, how long
    // the render is, and what computes it.
    MdRecipe* r = &node->cache.recipe;
    md_recipe_add(r, "rate %a frames %llu latency_in %u block %u kernels %s build %s %s %s\n", e->rate_hz,
                  (unsigned long long)(e->length_frames + e->latency_frames), node->latency_in_frames, MD_BLOCK_FRAMES,
                  e->kernels->name, MD_BUILD_ID, MD_SOURCE_HASH, MD_BUILD_FLAVOUR);
    if (r->failed) {
      continue; // a source cannot be looked at: render this track every time
    }
    md_cache_key(r, node->cache.key);
    bool hit = false;
    // A hit is checked later, only if it is read (verify_track_hits()).
    node->cache.file = open_track_cache(e, node, false, &hit);
    if (!node->cache.file) {
      continue; // cannot be written (no file slot, a read-only folder): rendered uncached
    }
    node->cache.hit = hit;
    ++e->cache_tracks;
    if (hit) {
      ++e->cache_hits;
      restore_from_cache(e, node);
    }
  }
  return MIXDOWN_SUCCESS;
}

void
mixdown_engine_cache_hits(const MixdownEngine* e, uint32_t* hits, uint32_t* tracks)
{
  *hits   = e ? e->cache_hits : 0U;
  *tracks = e ? e->cache_tracks : 0U;
}

MixdownStatus
mixdown_engine_set_cache_limit(MixdownEngine* e, uint64_t bytes)
{
  if (!e) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  e->cache_limit_bytes = bytes;
  return MIXDOWN_SUCCESS;
}

uint32_t
mixdown_engine_cache_removed(const MixdownEngine* e)
{
  return e ? e->cache_removed : 0U;
}

uint32_t
mixdown_engine_cache_damaged(const MixdownEngine* e)
{
  return e ? e->cache_damaged : 0U;
}

void
mixdown_engine_cache_sums(const MixdownEngine* e, uint32_t* sums_read, uint32_t* tracks_skipped)
{
  *sums_read = *tracks_skipped = 0U;
  for (size_t i = 0U; e && i < e->n_nodes; ++i) {
    const MdEngineNode* node = &e->nodes[i];
    uint32_t            sums = 0U, covered = 0U;
    if (node->prefix.tree) {
      md_sum_tree_cache_stats(node->prefix.tree, &sums, &covered);
    }
    *sums_read += sums;
    *tracks_skipped += node->cache.covered ? 1U : 0U;
  }
}

// The whole timeline is rendered: the tracks written to the cache are kept,
// with their meters and non-finite tally.
void
md_engine_commit_cache(MixdownEngine* e)
{
  for (size_t k = 0U; k < e->n_parallel; ++k) {
    MdEngineNode* node = &e->nodes[e->parallel[k]];
    if (!node->cache.file) {
      continue;
    }
    MdCacheExtras extras = {.non_finite = node->non_finite};
    if (node->lazy.active && node->levels.post && !node->cache.levels_stored) {
      extras.has_levels = true;
      memcpy(extras.level_gains, node->lazy.gain_linear, sizeof extras.level_gains);
      md_measure_levels(node->levels.post, &extras.levels);
    }
    if (node->cache.hit) {
      // Read, but measured afresh (its file had no levels at these gains):
      // kept for the next render (a failure costs the cache, not the render).
      if (extras.has_levels) {
        md_cache_update_levels(node->cache.file, &extras);
      }
      continue;
    }
    snprintf(extras.note, sizeof extras.note, "%s", node->first_note);
    double meters[64];
    for (size_t j = 0U; j < node->n_inserts; ++j) {
      for (uint32_t m = 0U; m < node->inserts[j].cls->n_meters && extras.n_meters < 64U; ++m) {
        meters[extras.n_meters++] = node->inserts[j].meter_extreme[m];
      }
    }
    extras.meters = meters;
    md_cache_commit(node->cache.file, &extras); // a failure costs the cache, not the render
    md_cache_close(node->cache.file);
    node->cache.file = NULL;
  }
  for (size_t i = 0U; i < e->n_nodes; ++i) {
    if (e->nodes[i].prefix.tree) {
      md_sum_tree_commit(e->nodes[i].prefix.tree);
    }
  }
  if (e->cache_dir) {
    e->cache_removed = md_cache_prune(e->cache_dir, e->cache_limit_bytes, e->cache_since_ns);
  }
}

// With a cache: a bus's prefix tree opens its partial sums, keyed by each
// input's track key and gains; the edges under sums read from the cache
// are covered.
MixdownStatus
md_engine_open_prefix_cache(MixdownEngine* e, MdEngineNode* bus)
{
  MdSumInput* inputs = calloc(bus->prefix.n_edges, sizeof *inputs);
  if (!inputs) {
    return MIXDOWN_ERR_NO_MEM;
  }
  for (uint32_t j = 0U; j < bus->prefix.n_edges; ++j) {
    const MdEdge*       ed  = &e->edges[bus->prefix.edges[j]];
    const MdEngineNode* src = &e->nodes[ed->from];
    inputs[j].reused        = src->cache.hit;
    if (!src->cache.key[0]) {
      continue;
    }
    MdRecipe recipe = {0};
    md_recipe_add(&recipe, "input %s channels %u gains %a %a level %a\n", src->cache.key, src->channels,
                  (double)src->lazy.gain_linear[0], (double)src->lazy.gain_linear[1], (double)(float)ed->level_linear);
    if (!recipe.failed) {
      md_cache_key(&recipe, inputs[j].key);
    }
    md_recipe_free(&recipe);
  }
  const MdCacheSpec spec = cache_spec(e);
  md_sum_tree_open_cache(bus->prefix.tree, &spec, inputs);
  free(inputs);
  for (uint32_t j = 0U; j < bus->prefix.n_edges; ++j) {
    e->edges[bus->prefix.edges[j]].covered = md_sum_tree_covered(bus->prefix.tree, j);
  }
  return MIXDOWN_SUCCESS;
}

// A lazy track whose every edge is covered by cached sums, which keys no
// sidechain, and whose levels (if the summary wants them) its cache file
// kept at the same gains, is not needed: its own cache file is let go,
// and it is not rendered.  Hits whose audio or levels are read are marked
// used.
static void
skip_covered_tracks(MixdownEngine* e)
{
  for (size_t k = 0U; k < e->n_parallel; ++k) {
    MdEngineNode* node = &e->nodes[e->parallel[k]];
    // A cache file keeps a track's levels but not its loudness series.
    node->cache.levels_stored = node->lazy.active && node->levels.post && node->cache.has_stored_levels && !e->level_series &&
                          !memcmp(node->cache.stored_level_gains, node->lazy.gain_linear, sizeof node->lazy.gain_linear);
    bool covered = node->lazy.active && !node->is_key && node->n_edges && (!node->levels.post || node->cache.levels_stored);
    for (size_t j = 0U; covered && j < node->n_edges; ++j) {
      covered = e->edges[node->first_edge + j].covered;
    }
    if (node->cache.hit && (!covered || node->cache.levels_stored)) {
      md_cache_touch(node->cache.file); // read, or its levels were: recently used
    }
    if (covered) {
      node->cache.covered = true;
      e->cache_hits += node->cache.hit ? 0U : 1U; // its own file was gone: reused all the same
      md_cache_close(node->cache.file);
      node->cache.file = NULL;
    }
  }
}

// A hit found damaged: what restore_from_cache() brought back is taken
// back, and the track rendered afresh, written under a temporary name and
// renamed over the damaged file (never removed first: another process may
// have just renamed a good one into its place).
static void
unrestore_damaged(MixdownEngine* e, MdEngineNode* node)
{
  const MdCacheExtras* extras = md_cache_extras(node->cache.file);
  e->non_finite -= extras->non_finite;
  node->notes[0][0] = '\0';
  for (size_t j = 0U; j < node->n_inserts; ++j) {
    memset(node->inserts[j].meter_extreme, 0, node->inserts[j].cls->n_meters * sizeof(double));
  }
  node->cache.has_stored_levels = false;
  node->cache.levels_stored     = false;
  md_cache_discard(node->cache.file);
  node->cache.file     = NULL;
  node->cache.hit = false;
  --e->cache_hits;
  ++e->cache_damaged;
  bool hit   = false;
  node->cache.file = open_track_cache(e, node, true, &hit);
}

// The hits that will be read (not covered by cached sums) are checked
// against their checksums before the first block: a damaged file is a
// miss, never audio.  Covered ones are never read, so never checked.
static void
verify_track_hits(MixdownEngine* e)
{
  for (size_t k = 0U; k < e->n_parallel; ++k) {
    MdEngineNode* node = &e->nodes[e->parallel[k]];
    if (node->cache.hit && !node->cache.covered && !md_cache_verify(node->cache.file)) {
      unrestore_damaged(e, node);
    }
  }
}

void
md_engine_check_cached_tracks(MixdownEngine* e)
{
  skip_covered_tracks(e);
  verify_track_hits(e);
}
