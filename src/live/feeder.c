// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "live/feeder.h"

#include "engine/clip.h"
#include "engine/engine.h"
#include "live/ring.h"
#include "platform/clock.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHUNK_FRAMES        1024U  // the disk thread plays clips in chunks of this
#define DEFAULT_RING_FRAMES 16384U // ≈ 0.34 s at 48 kHz

typedef struct {
  MdClipPlayer*    clips;
  size_t           n_clips;
  uint32_t         channels;       ///< Planes in the ring: 1 or 2, or 3 when spread_mono
  bool             spread_mono;    ///< Mono clips go to a third plane (md_clip_spreads_mono())
  uint32_t         latency_frames; ///< md_engine_input_latency()
  MdRing           ring;
  _Atomic uint32_t gen;       ///< Generation the ring now holds (disk thread writes)
  _Atomic uint64_t gen_start; ///< …from this ring position
  // Disk thread only:
  int64_t          next_frame;    ///< Timeline frame of the next chunk
  int64_t          wrap_at_frame; ///< Where the loop wraps, or INT64_MAX
  int64_t          wrap_to_frame;
  // Audio thread only:
  uint32_t         reader_gen;
  uint64_t         want_frame; ///< Ring position of the next frame to read
} MdFeedTrack;

struct MdFeeder {
  MdFeedTrack*     tracks;
  size_t           n_tracks;
  double           rate_hz;
  uint32_t         master_latency_frames;
  MdFeederOptions  options;
  pthread_t        thread;
  bool             started;
  sem_t            wake;
  _Atomic bool     quit;
  _Atomic int64_t  locate_frame; ///< Written before locate_gen…
  _Atomic bool     loop;         ///< …and so is the loop the new generation plays
  _Atomic int64_t  loop_from_frame;
  _Atomic int64_t  loop_to_frame;
  _Atomic uint32_t locate_gen;
  uint32_t         audio_gen;    ///< The generation the audio thread wants
  bool             stalled;      ///< The test stall has happened
  float*           chunk[3];
  float*           scratch[2];
  _Atomic bool     failed;
  char             error[512];
};

MdFeeder*
md_feeder_new(const MixdownSession* s, const MixdownEngine* engine, const MdFeederOptions* options, char* message,
              size_t message_size)
{
  MdFeeder* f = calloc(1U, sizeof *f);
  if (!f || sem_init(&f->wake, 0, 0)) {
    free(f);
    snprintf(message, message_size, "out of memory");
    return NULL;
  }
  f->options        = *options;
  atomic_init(&f->loop, options->loop);
  atomic_init(&f->loop_from_frame, options->loop_from_frame);
  atomic_init(&f->loop_to_frame, options->loop_to_frame);
  f->rate_hz               = s->sample_rate;
  f->master_latency_frames = mixdown_engine_latency(engine);
  f->n_tracks              = s->n_tracks;
  f->tracks                = calloc(s->n_tracks ? s->n_tracks : 1U, sizeof(MdFeedTrack));
  bool ok                  = f->tracks != NULL;
  for (int c = 0; c < 2 && ok; ++c) {
    ok = (f->chunk[c] = calloc(CHUNK_FRAMES, sizeof(float))) && (f->scratch[c] = calloc(CHUNK_FRAMES, sizeof(float)));
  }
  ok = ok && (f->chunk[2] = calloc(CHUNK_FRAMES, sizeof(float)));
  const uint32_t ring_frames = options->ring_frames ? options->ring_frames : DEFAULT_RING_FRAMES;
  for (size_t k = 0U; ok && k < s->n_tracks; ++k) {
    const MdNode* model = &s->nodes[k];
    MdFeedTrack*  t     = &f->tracks[k];
    t->channels         = 1U;
    t->latency_frames   = md_engine_input_latency(engine, (uint32_t)k);
    t->reader_gen       = UINT32_MAX;
    atomic_init(&t->gen, UINT32_MAX);
    t->spread_mono = md_clip_spreads_mono(model);
    ok = md_ring_init_planes(&t->ring, ring_frames, t->spread_mono ? 3U : 2U) &&
         (t->clips = calloc(model->n_clips + 1U, sizeof(MdClipPlayer)));
    for (size_t j = 0U; ok && j < model->n_clips; ++j) {
      ok = md_clip_init(&t->clips[j], &model->clips[j], f->rate_hz) == MIXDOWN_SUCCESS;
      t->n_clips += ok;
      t->channels = model->clips[j].channels > t->channels ? model->clips[j].channels : t->channels;
    }
    t->channels += t->spread_mono ? 1U : 0U;
  }
  if (!ok) {
    snprintf(message, message_size, "out of memory");
    md_feeder_free(f);
    return NULL;
  }
  return f;
}

void
md_feeder_free(MdFeeder* f)
{
  if (!f) {
    return;
  }
  if (f->started) {
    atomic_store(&f->quit, true);
    sem_post(&f->wake);
    pthread_join(f->thread, NULL);
  }
  for (size_t k = 0U; f->tracks && k < f->n_tracks; ++k) {
    for (size_t j = 0U; j < f->tracks[k].n_clips; ++j) {
      md_clip_free(&f->tracks[k].clips[j]);
    }
    free(f->tracks[k].clips);
    md_ring_free(&f->tracks[k].ring);
  }
  for (int c = 0; c < 2; ++c) {
    free(f->chunk[c]);
    free(f->scratch[c]);
  }
  free(f->chunk[2]);
  free(f->tracks);
  sem_destroy(&f->wake);
  free(f);
}

/* ------------------------------------------------------------------------ */
/* The disk thread                                                           */

// Every track's stream restarts where the audio thread will ask for it:
// the engine asks track k for frame t − its input latency when the master
// renders t, and the master renders `latency` frames ahead of what it
// delivers.
static void
begin_generation(MdFeeder* f, uint32_t gen, int64_t frame)
{
  const int64_t loop_from_frame = atomic_load_explicit(&f->loop_from_frame, memory_order_relaxed);
  const int64_t loop_to_frame   = atomic_load_explicit(&f->loop_to_frame, memory_order_relaxed);
  const int64_t wrap            = atomic_load_explicit(&f->loop, memory_order_relaxed) && frame < loop_to_frame
                                      ? loop_to_frame + (int64_t)f->master_latency_frames : INT64_MAX;
  for (size_t k = 0U; k < f->n_tracks; ++k) {
    MdFeedTrack* t   = &f->tracks[k];
    t->next_frame    = frame - (int64_t)t->latency_frames;
    t->wrap_at_frame = wrap == INT64_MAX ? INT64_MAX : wrap - (int64_t)t->latency_frames;
    t->wrap_to_frame = loop_from_frame - (int64_t)t->latency_frames;
    atomic_store_explicit(&t->gen_start, atomic_load(&t->ring.written_frames), memory_order_relaxed);
    atomic_store_explicit(&t->gen, gen, memory_order_release); // after gen_start
  }
}

static void
note_error(MdFeeder* f, const char* track, const char* why)
{
  if (!atomic_load(&f->failed)) {
    snprintf(f->error, sizeof f->error, "track `%s`: %s", track, why);
    atomic_store(&f->failed, true);
  }
}

// One chunk of track k's clips into its ring.
static void
fill_chunk(MdFeeder* f, const MixdownSession* s, size_t k, uint32_t n)
{
  MdFeedTrack* t = &f->tracks[k];
  if (t->wrap_at_frame != INT64_MAX && t->next_frame < t->wrap_at_frame && t->wrap_at_frame - t->next_frame < n) {
    n = (uint32_t)(t->wrap_at_frame - t->next_frame); // the loop's end falls in this chunk: stop there
  }
  for (int c = 0; c < 3; ++c) {
    memset(f->chunk[c], 0, n * sizeof(float));
  }
  for (size_t j = 0U; j < t->n_clips; ++j) {
    char           why[400];
    MdClipScrub    scrub = {.non_finite = 0U, .first_bad = UINT32_MAX};
    // As the offline engine plays them (render_strip()): a spreading
    // track's mono clips into the third plane, the others onto the pair.
    const bool     apart = t->spread_mono && t->clips[j].channels == 1U;
    const uint32_t width = t->spread_mono ? 2U : t->channels;
    if (md_clip_play(&t->clips[j], f->rate_hz, t->next_frame, n, apart ? f->chunk + 2 : f->chunk, apart ? 1U : width,
                     f->scratch, &scrub, why, sizeof why)) {
      note_error(f, s->nodes[k].name, why);
    }
  }
  md_ring_write(&t->ring, (const float* const*)f->chunk, n);
  t->next_frame += n;
  if (t->next_frame == t->wrap_at_frame) {
    t->next_frame = t->wrap_to_frame;
  }
}

typedef struct {
  MdFeeder*             feeder;
  const MixdownSession* session;
} MdFeederStart;

static void*
disk_main(void* arg)
{
  MdFeederStart start = *(MdFeederStart*)arg;
  free(arg);
  MdFeeder* f   = start.feeder;
  uint32_t  gen = UINT32_MAX;
  while (!atomic_load(&f->quit)) {
    const uint32_t wanted = atomic_load_explicit(&f->locate_gen, memory_order_acquire);
    if (wanted != gen) {
      gen = wanted;
      begin_generation(f, gen, atomic_load_explicit(&f->locate_frame, memory_order_relaxed));
    }
    bool worked = false;
    // A chunk per track per round, so that no track starves the others.
    for (size_t k = 0U; k < f->n_tracks && gen != UINT32_MAX; ++k) {
      if (md_ring_space(&f->tracks[k].ring) >= CHUNK_FRAMES) {
        fill_chunk(f, start.session, k, CHUNK_FRAMES);
        worked = true;
      }
    }
    if (f->options.stall_for_s > 0.0 && !f->stalled && f->n_tracks &&
        f->tracks[0].next_frame >= (int64_t)(f->options.stall_at_s * f->rate_hz)) {
      f->stalled = true;
      md_sleep_seconds(f->options.stall_for_s);
    }
    if (!worked) {
      // Woken by a locate; otherwise every 5 ms, far less than a ring lasts.
      struct timespec until;
      clock_gettime(CLOCK_REALTIME, &until);
      until.tv_nsec += 5000000L;
      if (until.tv_nsec >= 1000000000L) {
        until.tv_nsec -= 1000000000L;
        ++until.tv_sec;
      }
      while (sem_timedwait(&f->wake, &until) && errno == EINTR) {
      }
    }
  }
  return NULL;
}

MixdownStatus
md_feeder_start(MdFeeder* f, const MixdownSession* session)
{
  MdFeederStart* start = malloc(sizeof *start);
  if (!start) {
    return MIXDOWN_ERR_NO_MEM;
  }
  *start = (MdFeederStart){f, session};
  if (pthread_create(&f->thread, NULL, disk_main, start)) {
    free(start);
    return MIXDOWN_ERR_NO_MEM;
  }
  f->started = true;
  return MIXDOWN_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* The audio thread                                                          */

void
md_feeder_set_loop(MdFeeder* f, bool loop, int64_t from, int64_t to)
{
  atomic_store_explicit(&f->loop, loop, memory_order_relaxed);
  atomic_store_explicit(&f->loop_from_frame, from, memory_order_relaxed);
  atomic_store_explicit(&f->loop_to_frame, to, memory_order_relaxed); // published by the next locate
}

void
md_feeder_locate(MdFeeder* f, int64_t frame)
{
  ++f->audio_gen;
  if (f->audio_gen == UINT32_MAX) {
    f->audio_gen = 0U; // UINT32_MAX means "nothing yet"
  }
  atomic_store_explicit(&f->locate_frame, frame, memory_order_relaxed);
  atomic_store_explicit(&f->locate_gen, f->audio_gen, memory_order_release); // after the frame
  sem_post(&f->wake);
}

// The ring of track k holds the current generation from `want` on.
static bool
in_step(MdFeeder* f, MdFeedTrack* t)
{
  if (t->reader_gen == f->audio_gen) {
    return true;
  }
  if (atomic_load_explicit(&t->gen, memory_order_acquire) != f->audio_gen) {
    return false;
  }
  t->reader_gen = f->audio_gen;
  t->want_frame = atomic_load_explicit(&t->gen_start, memory_order_relaxed);
  md_ring_release(&t->ring, t->want_frame); // what an older generation left is dropped
  return true;
}

bool
md_feeder_ready(MdFeeder* f)
{
  for (size_t k = 0U; k < f->n_tracks; ++k) {
    MdFeedTrack* t = &f->tracks[k];
    if (!in_step(f, t)) {
      return false;
    }
    const uint64_t written_frames = atomic_load_explicit(&t->ring.written_frames, memory_order_acquire);
    // Half a ring is a comfortable start; the disk thread stops at a full one.
    if (written_frames < t->want_frame + t->ring.capacity / 2U) {
      return false;
    }
  }
  return true;
}

bool
md_feeder_read(void* user, uint32_t track, int64_t t_frame, uint32_t frames, float* const* out,
               uint32_t channels)
{
  (void)t_frame; // the ring is in timeline order already
  MdFeeder*    f = user;
  MdFeedTrack* t = &f->tracks[track];
  if (!in_step(f, t)) {
    return false;
  }
  const uint64_t written_frames = atomic_load_explicit(&t->ring.written_frames, memory_order_acquire);
  const bool     there          = written_frames >= t->want_frame + frames;
  if (there) {
    md_ring_peek(&t->ring, t->want_frame, out, channels < t->channels ? channels : t->channels, frames);
  }
  // Late frames are skipped when they come: the timeline moves on.
  t->want_frame += frames;
  md_ring_release(&t->ring, t->want_frame);
  return there;
}

const char*
md_feeder_error(MdFeeder* f)
{
  return atomic_load(&f->failed) ? f->error : "";
}
