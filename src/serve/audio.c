// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The render-ahead thread and the PCM packets (audio.h).
//
// One mutex and one condition variable guard the accounting (generation,
// fill, the wall clock when nobody listens, the stats); the thread holds
// the mutex only to decide and to count, never while the engine renders.
// The periods travel to the server thread through a lock-free queue of
// fixed-size items (live/queue.h), one item per stretch of a period that
// is contiguous on the timeline (a loop's wrap splits a period, so does
// the silence after the end).

#define _GNU_SOURCE // pthread_setname_np()

#include "serve/audio.h"

#include "live/queue.h"
#include "platform/clock.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define QUEUE_PERIODS 64U // 16384 frames: four times the largest fill
#define MD_SERVE_AUDIO_RT_PRIORITY 40 // SCHED_FIFO, below JACK's usual 70–95 and above the desktop

typedef struct {
  uint32_t frames;
  uint32_t generation;
  uint32_t flags;
  int64_t  position_frame;
  float    samples[2U * MD_SERVE_AUDIO_PERIOD]; ///< L R interleaved
} Packet;

struct MdServeAudio {
  MdPlayer* player;
  uint32_t  rate_hz;
  uint32_t  base_target_frames; ///< As asked for (clamped)
  MdQueue   packets; ///< Packet: render-ahead thread → server thread

  pthread_t       thread;
  bool            thread_started;
  pthread_mutex_t lock;
  pthread_cond_t  wake;

  // Under `lock`.
  bool     stop;
  bool     listening;
  uint32_t generation;
  int64_t  fill_frames;     ///< Listening: rendered − credited in this generation
  uint32_t target_frames;   ///< The fill aimed at: base_target_frames, grown after underruns
  uint64_t underruns_seen;  ///< The listener's underrun count at its last credit
  uint64_t clean_frames;    ///< Frames credited since the target last moved or the page underran
  uint64_t heard_frames;    ///< Frames credited since this listener came
  uint64_t clock_start_ns;  ///< Not listening: the wall clock's credits count from here…
  uint64_t clock_frames;    ///< …and the frames rendered since
  MdServeAudioStats stats;

  // Render-ahead thread only.
  float  left[MD_SERVE_AUDIO_PERIOD];
  float  right[MD_SERVE_AUDIO_PERIOD];
  Packet out;

  // Server thread only: a period popped that did not join the last packet.
  Packet pending;
  bool   has_pending;
};

/* ------------------------------------------------------------------------ */
/* The render-ahead thread                                                   */

static uint64_t
thread_cpu_ns(void)
{
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return (uint64_t)t.tv_sec * 1000000000U + (uint64_t)t.tv_nsec;
}

// Frames the wall clock has played since clock_start_ns (not listening).
static uint64_t
clock_played_frames(const MdServeAudio* a, uint64_t now_ns)
{
  return (uint64_t)((double)(now_ns - a->clock_start_ns) * 1e-9 * a->rate_hz);
}

// Under the lock: should a period be rendered now?  If not, *wait_ns is
// how long the wall clock needs before one is due (0: wait for a credit).
static bool
period_due(const MdServeAudio* a, uint64_t* wait_ns)
{
  *wait_ns = 0U;
  if (a->listening) {
    return a->fill_frames < (int64_t)a->target_frames;
  }
  const uint64_t now    = md_clock_ns();
  const uint64_t played = clock_played_frames(a, now);
  if (a->clock_frames < played + a->target_frames) {
    return true;
  }
  const uint64_t ahead = a->clock_frames - played - a->target_frames + 1U;
  *wait_ns             = (uint64_t)((double)ahead * 1e9 / a->rate_hz);
  return false;
}

static void
wait_locked(MdServeAudio* a, uint64_t wait_ns)
{
  if (!wait_ns) {
    pthread_cond_wait(&a->wake, &a->lock);
    return;
  }
  struct timespec until;
  clock_gettime(CLOCK_MONOTONIC, &until);
  const uint64_t ns = (uint64_t)until.tv_nsec + wait_ns;
  until.tv_sec += (time_t)(ns / 1000000000U);
  until.tv_nsec = (long)(ns % 1000000000U);
  pthread_cond_timedwait(&a->wake, &a->lock, &until);
}

// Queues frames [from, to) of the period just rendered as one packet item.
static void
queue_stretch(MdServeAudio* a, uint32_t from, uint32_t to, int64_t position_frame, uint32_t flags,
              uint32_t generation, uint64_t* dropped)
{
  if (from >= to) {
    return;
  }
  Packet* p         = &a->out;
  p->frames         = to - from;
  p->generation     = generation;
  p->flags          = flags;
  p->position_frame = position_frame;
  for (uint32_t i = from; i < to; ++i) {
    p->samples[2U * (i - from)]      = a->left[i];
    p->samples[2U * (i - from) + 1U] = a->right[i];
  }
  if (!md_queue_push(&a->packets, p)) {
    ++*dropped; // nobody takes them (no listener): the newest are lost, not the thread's time
  }
}

// One period through the player, queued as packets of `generation`.
static void
render_period(MdServeAudio* a, uint32_t generation, uint64_t* dropped)
{
  md_player_process(a->player, a->left, a->right, MD_SERVE_AUDIO_PERIOD);
  MdPlayerPeriod period;
  md_player_last_period(a->player, &period);
  queue_stretch(a, 0U, period.wrap_at, period.first_frame, MD_SERVE_PCM_PLAYING, generation, dropped);
  queue_stretch(a, period.wrap_at, period.rolled_frames, period.wrap_frame, MD_SERVE_PCM_PLAYING, generation,
                dropped);
  queue_stretch(a, period.rolled_frames, MD_SERVE_AUDIO_PERIOD, -1, 0U, generation, dropped);
}

static void*
run(void* arg)
{
  MdServeAudio* a = arg;
  pthread_setname_np(pthread_self(), MD_SERVE_AUDIO_THREAD_NAME); // bench/serve.sh finds its CPU time by it
  // A real-time thread when the system lets us (root, or an rtprio limit, as
  // JACK's audio thread is): the page's browser and everything else on the
  // machine then cannot hold up the mix past its fill.  Refused: it runs as
  // any thread does.
  const struct sched_param realtime = {.sched_priority = MD_SERVE_AUDIO_RT_PRIORITY};
  pthread_setschedparam(pthread_self(), SCHED_FIFO, &realtime);
  pthread_mutex_lock(&a->lock);
  while (!a->stop) {
    uint64_t wait_ns = 0U;
    if (!period_due(a, &wait_ns)) {
      wait_locked(a, wait_ns);
      continue;
    }
    const uint32_t generation = a->generation;
    pthread_mutex_unlock(&a->lock);
    uint64_t dropped = 0U;
    render_period(a, generation, &dropped);
    const uint64_t cpu_ns = thread_cpu_ns();
    pthread_mutex_lock(&a->lock);
    a->stats.rendered_frames += MD_SERVE_AUDIO_PERIOD;
    a->stats.dropped_packets += dropped;
    a->stats.render_cpu_s = (double)cpu_ns * 1e-9;
    a->clock_frames += MD_SERVE_AUDIO_PERIOD;
    if (generation == a->generation) { // else restarted meanwhile: these packets are dropped
      a->fill_frames += MD_SERVE_AUDIO_PERIOD;
      if (a->listening && a->fill_frames > a->stats.fill_max_frames) {
        a->stats.fill_max_frames = a->fill_frames;
      }
    }
  }
  pthread_mutex_unlock(&a->lock);
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* The server thread                                                         */

static void
reset_band(MdServeAudio* a)
{
  a->stats.fill_min_frames   = INT64_MAX;
  a->stats.fill_max_frames   = INT64_MIN;
  a->stats.page_buffered_min = UINT64_MAX;
  a->stats.page_buffered_max = 0U;
  a->stats.credits           = 0U;
}

MdServeAudio*
md_serve_audio_new(MdPlayer* player, uint32_t rate_hz, uint32_t target_frames)
{
  MdServeAudio* a = calloc(1U, sizeof *a);
  if (!a) {
    return NULL;
  }
  target_frames    = target_frames ? target_frames : MD_SERVE_FILL_DEFAULT;
  target_frames    = target_frames < MD_SERVE_FILL_MIN ? MD_SERVE_FILL_MIN : target_frames;
  a->player        = player;
  a->rate_hz       = rate_hz;
  a->base_target_frames = target_frames > MD_SERVE_FILL_MAX ? MD_SERVE_FILL_MAX : target_frames;
  a->target_frames      = a->base_target_frames;
  a->clock_start_ns = md_clock_ns();
  reset_band(a);
  pthread_condattr_t attr;
  bool               ok = md_queue_init(&a->packets, sizeof(Packet), QUEUE_PERIODS) &&
            !pthread_mutex_init(&a->lock, NULL) && !pthread_condattr_init(&attr);
  if (ok) {
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC); // the timed wait counts in the clock md_clock_ns() reads
    ok = !pthread_cond_init(&a->wake, &attr);
    pthread_condattr_destroy(&attr);
  }
  a->thread_started = ok && !pthread_create(&a->thread, NULL, run, a);
  if (!a->thread_started) {
    md_serve_audio_free(a);
    return NULL;
  }
  return a;
}

void
md_serve_audio_free(MdServeAudio* a)
{
  if (!a) {
    return;
  }
  if (a->thread_started) {
    pthread_mutex_lock(&a->lock);
    a->stop = true;
    pthread_cond_signal(&a->wake);
    pthread_mutex_unlock(&a->lock);
    pthread_join(a->thread, NULL);
    pthread_cond_destroy(&a->wake);
    pthread_mutex_destroy(&a->lock);
  }
  md_queue_free(&a->packets);
  free(a);
}

// Under the lock: a new generation, counted from zero.
static void
restart_locked(MdServeAudio* a)
{
  ++a->generation;
  a->fill_frames    = 0;
  a->clock_start_ns = md_clock_ns();
  a->clock_frames   = 0U;
  pthread_cond_signal(&a->wake);
}

void
md_serve_audio_listen(MdServeAudio* a, bool listening)
{
  pthread_mutex_lock(&a->lock);
  a->listening = listening;
  // A new listener is a new browser: its underruns count from zero and
  // its fill starts where every page's does.
  a->target_frames  = a->base_target_frames;
  a->underruns_seen = 0U;
  a->clean_frames   = 0U;
  a->heard_frames   = 0U;
  restart_locked(a);
  pthread_mutex_unlock(&a->lock);
}

void
md_serve_audio_restart(MdServeAudio* a)
{
  pthread_mutex_lock(&a->lock);
  restart_locked(a);
  pthread_mutex_unlock(&a->lock);
}

// Under the lock: the target fill after a credit of `frames` from a page
// that has underrun `underruns` times so far.  Grows a step per new
// underrun, up to the ceiling; after MD_SERVE_FILL_RELAX_S of clean
// credits, a step back down towards the base.
static void
adapt_target_locked(MdServeAudio* a, uint64_t frames, uint64_t underruns)
{
  a->heard_frames += frames;
  if (a->heard_frames < (uint64_t)(MD_SERVE_FILL_GRACE_S * a->rate_hz)) {
    a->underruns_seen = underruns; // the page's audio output starting, not its pace
    return;
  }
  if (underruns > a->underruns_seen) {
    const uint64_t steps = underruns - a->underruns_seen; // a page may say anything up to 2^53
    const uint64_t room  = (MD_SERVE_FILL_CEILING - a->target_frames) / MD_SERVE_FILL_STEP;
    a->target_frames     = steps > room ? MD_SERVE_FILL_CEILING : a->target_frames + (uint32_t)steps * MD_SERVE_FILL_STEP;
    a->clean_frames      = 0U;
  } else {
    a->clean_frames += frames;
    if (a->clean_frames >= (uint64_t)(MD_SERVE_FILL_RELAX_S * a->rate_hz) && a->target_frames > a->base_target_frames) {
      const uint32_t lower = a->target_frames - MD_SERVE_FILL_STEP;
      a->target_frames     = lower < a->base_target_frames ? a->base_target_frames : lower;
      a->clean_frames      = 0U;
    }
  }
  a->underruns_seen = underruns; // a page's count starts again when its worklet does
}

uint32_t
md_serve_audio_credit(MdServeAudio* a, uint64_t frames, uint64_t underruns, uint64_t buffered)
{
  pthread_mutex_lock(&a->lock);
  if (a->listening) {
    // A page's credits for frames of the generation before reach here
    // after a restart too: the fill may then dip below zero for a moment
    // (the page's own buffer is a little over the target until then).
    a->fill_frames -= frames > (uint64_t)INT32_MAX ? INT32_MAX : (int64_t)frames;
    a->stats.credited_frames += frames;
    a->stats.page_underruns = underruns;
    adapt_target_locked(a, frames, underruns);
    a->stats.fill_min_frames = a->fill_frames < a->stats.fill_min_frames ? a->fill_frames : a->stats.fill_min_frames;
    a->stats.page_buffered_min = buffered < a->stats.page_buffered_min ? buffered : a->stats.page_buffered_min;
    a->stats.page_buffered_max = buffered > a->stats.page_buffered_max ? buffered : a->stats.page_buffered_max;
    ++a->stats.credits;
    pthread_cond_signal(&a->wake);
  }
  const uint32_t target = a->target_frames;
  pthread_mutex_unlock(&a->lock);
  return target;
}

static void
put_u32(unsigned char* at, uint32_t v)
{
  for (int i = 0; i < 4; ++i) {
    at[i] = (unsigned char)(v >> (8 * i));
  }
}

static void
put_header(unsigned char* out, const Packet* first, uint32_t frames)
{
  put_u32(out, MD_SERVE_PCM_MAGIC);
  put_u32(out + 4, frames);
  put_u32(out + 8, first->generation);
  put_u32(out + 12, first->flags);
  const uint64_t position = (uint64_t)first->position_frame;
  put_u32(out + 16, (uint32_t)position);
  put_u32(out + 20, (uint32_t)(position >> 32));
}

// The samples of `p` at `out`, float32 little-endian.
static void
put_samples(unsigned char* out, const Packet* p)
{
  const size_t bytes = 2U * p->frames * sizeof(float);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  for (size_t i = 0U; i < 2U * p->frames; ++i) {
    uint32_t bits;
    memcpy(&bits, &p->samples[i], sizeof bits);
    put_u32(out + 4U * i, bits);
  }
  (void)bytes;
#else
  memcpy(out, p->samples, bytes);
#endif
}

// Does `next` continue the packet that starts with `first` and holds
// `frames` so far: the same flags and the next timeline frame?
static bool
continues(const Packet* first, uint32_t frames, const Packet* next)
{
  if (next->flags != first->flags) {
    return false;
  }
  return first->position_frame < 0 ? next->position_frame < 0
                                   : next->position_frame == first->position_frame + (int64_t)frames;
}

bool
md_serve_audio_take_packet(MdServeAudio* a, unsigned char* out, size_t capacity, size_t* length)
{
  pthread_mutex_lock(&a->lock);
  const uint32_t generation = a->generation;
  pthread_mutex_unlock(&a->lock);
  *length         = 0U;
  uint32_t frames = 0U;
  Packet   first  = {0};
  for (;;) {
    if (!a->has_pending && !md_queue_pop(&a->packets, &a->pending)) {
      break;
    }
    a->has_pending = true;
    if (a->pending.generation != generation) {
      a->has_pending = false; // from before a restart: the page must never hear it
      continue;
    }
    const size_t bytes = MD_SERVE_PCM_HEADER_BYTES + 2U * sizeof(float) * ((size_t)frames + a->pending.frames);
    if (bytes > capacity || (frames && !continues(&first, frames, &a->pending))) {
      break;
    }
    if (!frames) {
      first = a->pending;
    }
    put_samples(out + MD_SERVE_PCM_HEADER_BYTES + 2U * sizeof(float) * frames, &a->pending);
    frames += a->pending.frames;
    a->has_pending = false;
  }
  if (!frames) {
    return false;
  }
  put_header(out, &first, frames);
  *length = MD_SERVE_PCM_HEADER_BYTES + 2U * sizeof(float) * frames;
  return true;
}

void
md_serve_audio_stats(MdServeAudio* a, MdServeAudioStats* stats, bool reset)
{
  pthread_mutex_lock(&a->lock);
  *stats               = a->stats;
  stats->rate_hz       = a->rate_hz;
  stats->target_frames = a->target_frames;
  stats->base_target_frames = a->base_target_frames;
  stats->generation    = a->generation;
  stats->listening     = a->listening;
  stats->fill_frames   = a->fill_frames;
  if (reset) {
    reset_band(a);
  }
  pthread_mutex_unlock(&a->lock);
}
