// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "live/player.h"

#include "engine/engine.h"
#include "live/feeder.h"
#include "live/queue.h"
#include "live/ring.h"
#include "util/checked_number.h"
#include "platform/clock.h"

#include <jack/jack.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define COMMANDS_PER_CYCLE 256U // the rest wait for the next period
#define QUEUE_ITEMS        4096U
#define METER_SNAPSHOTS    64U
#define MASTER_RING_FRAMES 65536U

typedef enum { MD_STOPPED, MD_PREROLL, MD_PLAYING } MdTransport;

struct MdPlayer {
  const MixdownSession* session;
  MdPlayerOptions       options;
  jack_client_t*        client;
  jack_port_t*          out[2];
  MixdownEngine*        engine;
  MdFeeder*             feeder;
  double                rate_hz;
  uint32_t              period_frames;
  int64_t               length_frames;   ///< Frames of mix
  int64_t               from_frame;      ///< Where playback starts
  int64_t               latency_frames;  ///< The master path's
  bool                  loop;            ///< Audio thread (once started): looping [loop_from, loop_to)
  int64_t               loop_from_frame;
  int64_t               loop_to_frame;
  /// The loop as the audio thread plays it, for the control threads (a
  /// loop set over OSC shows in mixdown serve's pages): to -1 for none.
  /// `loop_changes` is their sequence lock (show_loop): odd while they
  /// change, twice the number of loops applied.
  _Atomic int64_t       loop_shown_from_frame;
  _Atomic int64_t       loop_shown_to_frame;
  _Atomic uint64_t      loop_changes;
  bool                  active;
  bool                  locked;      ///< Memory locked (mlockall)

  MdQueue commands; ///< MdCommand: control → audio
  /// The command queue has one producer; `mixdown serve --osc` has two
  /// control threads sending (the console and OSC), so they take turns on
  /// this lock.  Only senders take it: never the audio thread (the consumer).
  pthread_mutex_t send_lock;
  MdQueue moves;    ///< MdAppliedMove: audio → control (options.record)
  // Per meter reader (MdMeterReader): audio → that reader's thread.
  MdQueue  meters[MD_METER_READERS];        ///< 2 × nodes floats
  MdQueue  insert_meters[MD_METER_READERS]; ///< n_insert_meters floats (at least 1)
  MdRing   master[MD_METER_READERS];        ///< The master's output (loudness)
  uint64_t master_read_frames[MD_METER_READERS];
  uint32_t n_insert_meters;

  // Audio thread only.
  MdTransport transport;
  float*      snapshot;     ///< Peak, then mean square, per node
  float*      insert_snapshot; ///< Each insert read-out (md_engine_live_insert_meters())
  float*      acc_peak;
  double*     acc_sum;
  uint64_t*   acc_frames;
  uint64_t    meter_frames;       ///< Frames since the last snapshot
  uint64_t    meter_every_frames; ///< …frames between snapshots (0: none)
  MdPlayerPeriod period;           ///< What the last period put out (md_player_last_period())

  // Read by any thread.
  _Atomic bool     start;        ///< Set once the outputs are connected: start playing
  _Atomic bool     playing;
  _Atomic bool     finished;
  _Atomic bool     failed;
  _Atomic int64_t  position_frame;
  _Atomic uint64_t xruns;
  _Atomic int64_t  first_xrun_frame; ///< Transport frame at the first xrun (-1: none)
  _Atomic uint64_t late_blocks;
  _Atomic uint64_t cycles;
  _Atomic uint64_t busy_ns;      ///< Audio thread time, all cycles
  _Atomic uint64_t busy_max_ns;
  _Atomic uint64_t gap_max_ns;    ///< Longest time between two periods' starts
  uint64_t         last_start_ns; ///< Audio thread only
  char             message[512];  ///< Written once, before `failed`
};

/* ------------------------------------------------------------------------ */
/* The audio thread                                                          */

static void
fail(MdPlayer* p, const char* why)
{
  if (!atomic_load(&p->failed)) {
    snprintf(p->message, sizeof p->message, "%s", why); // truncating copy, no allocation
    atomic_store(&p->failed, true);
  }
  p->transport = MD_STOPPED;
}

static void
locate(MdPlayer* p, int64_t frame)
{
  // Commands come checked (md_control_parse(): 0 … 24 h); within the mix
  // here, whatever a caller sends.
  frame = frame < 0 ? 0 : frame > p->length_frames ? p->length_frames : frame;
  md_engine_locate(p->engine, frame);
  const bool before_wrap = p->loop && frame < p->loop_to_frame;
  md_engine_set_render_limit(p->engine, before_wrap ? p->loop_to_frame + p->latency_frames : INT64_MAX);
  md_feeder_locate(p->feeder, frame);
  atomic_store(&p->finished, false);
  if (p->transport == MD_PLAYING) {
    p->transport = MD_PREROLL; // until the disk has caught up with the new place
  }
}

// A sequence lock: `loop_changes` is odd while the two frames change.
static void
show_loop(MdPlayer* p)
{
  atomic_fetch_add_explicit(&p->loop_changes, 1U, memory_order_relaxed);
  atomic_thread_fence(memory_order_release);
  atomic_store_explicit(&p->loop_shown_from_frame, p->loop ? p->loop_from_frame : 0, memory_order_relaxed);
  atomic_store_explicit(&p->loop_shown_to_frame, p->loop ? p->loop_to_frame : -1, memory_order_relaxed);
  atomic_fetch_add_explicit(&p->loop_changes, 1U, memory_order_release);
}

// A new loop (or none) from here on: the disk thread refills from where
// the transport is, so that its streams wrap where the engine will.
static void
set_loop(MdPlayer* p, bool loop, int64_t from, int64_t to)
{
  to = to < p->length_frames ? to : p->length_frames; // a loop ends at the session's end at the latest
  if (loop && from >= to) {
    return; // nothing to loop: the request is dropped (the control thread checked A < B)
  }
  p->loop            = loop;
  p->loop_from_frame = from;
  p->loop_to_frame   = to;
  show_loop(p);
  md_feeder_set_loop(p->feeder, loop, from, to);
  locate(p, (int64_t)md_engine_position(p->engine));
}

static void
run_command(MdPlayer* p, const MdCommand* cmd)
{
  switch (cmd->kind) {
  case MD_COMMAND_LIVE:
    md_engine_live_set(p->engine, &cmd->change);
    if (p->options.record) {
      // Where the engine glides it from: the take glides there too.
      const MdAppliedMove move = {cmd->change, md_engine_live_move_frame(p->engine, &cmd->change)};
      md_queue_push(&p->moves, &move); // a full queue loses the move, not the audio
    }
    break;
  case MD_COMMAND_PLAY:
    if (p->transport == MD_STOPPED && !atomic_load(&p->failed)) {
      if ((int64_t)md_engine_position(p->engine) >= p->length_frames) {
        locate(p, 0); // at the end: from the top
      }
      p->transport = MD_PREROLL;
    }
    break;
  case MD_COMMAND_STOP:
    p->transport = MD_STOPPED;
    break;
  case MD_COMMAND_LOCATE:
    locate(p, cmd->frame);
    break;
  case MD_COMMAND_LOOP:
    set_loop(p, cmd->until_frame > 0, cmd->frame < 0 ? 0 : cmd->frame, cmd->until_frame);
    break;
  case MD_COMMAND_RESUME:
    md_engine_live_resume(p->engine, &cmd->change);
    break;
  }
}

// Pulls `n` frames of mix; returns how many it got (fewer at the end).
static uint32_t
play(MdPlayer* p, float* left, float* right, uint32_t n)
{
  uint32_t done = 0U;
  while (done < n) {
    uint32_t            got = 0U;
    const MixdownStatus st  = mixdown_engine_pull(p->engine, left + done, right + done, n - done, &got);
    done += got;
    if (st) {
      fail(p, mixdown_engine_message(p->engine));
      break;
    }
    if (done == n) {
      break;
    }
    const int64_t at = (int64_t)md_engine_position(p->engine);
    if (p->loop && at >= p->loop_to_frame && at - p->loop_to_frame < (int64_t)n) {
      // The loop's end: the disk thread has wrapped every track's stream
      // at the same frame, so the next lap follows without a gap.
      md_engine_locate(p->engine, p->loop_from_frame);
      p->period.wrap_at    = done;
      p->period.wrap_frame = p->loop_from_frame;
      continue;
    }
    p->transport = MD_STOPPED;
    atomic_store(&p->finished, true);
    break;
  }
  return done;
}

static void
meter(MdPlayer* p, const float* left, const float* right, uint32_t n)
{
  const size_t nodes = p->session->n_nodes;
  for (size_t i = 0U; p->meter_every_frames && i < nodes; ++i) {
    float    peak;
    double   sum;
    uint64_t frames;
    md_engine_live_meter(p->engine, (uint32_t)i, &peak, &sum, &frames);
    p->acc_peak[i] = peak > p->acc_peak[i] ? peak : p->acc_peak[i];
    p->acc_sum[i] += sum;
    p->acc_frames[i] += frames;
  }
  p->meter_frames += n;
  if (p->meter_every_frames && p->meter_frames >= p->meter_every_frames) {
    for (size_t i = 0U; i < nodes; ++i) {
      p->snapshot[i]         = p->acc_peak[i];
      p->snapshot[nodes + i] = p->acc_frames[i] ? (float)(p->acc_sum[i] / (double)p->acc_frames[i]) : 0.0F;
      p->acc_peak[i]         = 0.0F;
      p->acc_sum[i]          = 0.0;
      p->acc_frames[i]       = 0U;
    }
    md_engine_live_insert_meters(p->engine, p->insert_snapshot, p->n_insert_meters);
    for (int r = 0; r < MD_METER_READERS; ++r) { // a reader not reading: its are dropped
      md_queue_push(&p->meters[r], p->snapshot);
      md_queue_push(&p->insert_meters[r], p->insert_snapshot);
    }
    p->meter_frames = 0U;
  }
  for (int r = 0; p->meter_every_frames && r < MD_METER_READERS; ++r) {
    const uint32_t space = md_ring_space(&p->master[r]);
    const float*   io[2] = {left, right};
    md_ring_write(&p->master[r], io, n < space ? n : space);
  }
}

void
md_player_process(MdPlayer* p, float* left, float* right, uint32_t nframes)
{
  const uint64_t start = md_clock_ns();
  // A period that starts late is the system's doing (an xrun with a light
  // DSP load is scheduling, not work): kept to tell the two apart.
  if (p->last_start_ns && start - p->last_start_ns > atomic_load(&p->gap_max_ns)) {
    atomic_store(&p->gap_max_ns, start - p->last_start_ns);
  }
  p->last_start_ns = start;
  MdCommand      cmd;
  for (uint32_t k = 0U; k < COMMANDS_PER_CYCLE && md_queue_pop(&p->commands, &cmd); ++k) {
    run_command(p, &cmd);
  }
  if (atomic_exchange_explicit(&p->start, false, memory_order_acquire)) {
    p->transport = MD_PREROLL;
  }
  if (p->transport == MD_PREROLL && md_feeder_ready(p->feeder)) {
    p->transport = MD_PLAYING;
  }
  uint32_t done = 0U;
  p->period     = (MdPlayerPeriod){.first_frame = -1, .wrap_at = UINT32_MAX, .wrap_frame = -1};
  if (p->transport == MD_PLAYING) {
    p->period.first_frame = (int64_t)md_engine_position(p->engine);
    done                  = play(p, left, right, nframes);
  }
  p->period.rolled_frames = done;
  p->period.wrap_at       = p->period.wrap_at == UINT32_MAX ? done : p->period.wrap_at;
  memset(left + done, 0, (nframes - done) * sizeof(float));
  memset(right + done, 0, (nframes - done) * sizeof(float));
  meter(p, left, right, nframes);
  atomic_store(&p->playing, p->transport != MD_STOPPED);
  atomic_store(&p->position_frame, (int64_t)md_engine_position(p->engine));
  atomic_store(&p->late_blocks, md_engine_feed_misses(p->engine));
  const uint64_t busy = md_clock_ns() - start;
  atomic_fetch_add(&p->busy_ns, busy);
  atomic_fetch_add(&p->cycles, 1U);
  if (busy > atomic_load(&p->busy_max_ns) && p->transport == MD_PLAYING) {
    atomic_store(&p->busy_max_ns, busy);
  }
}

void
md_player_last_period(const MdPlayer* p, MdPlayerPeriod* period)
{
  *period = p->period;
}

static int
process(jack_nframes_t nframes, void* arg)
{
  MdPlayer* p = arg;
  md_player_process(p, jack_port_get_buffer(p->out[0], nframes), jack_port_get_buffer(p->out[1], nframes), nframes);
  return 0;
}

static int
on_xrun(void* arg)
{
  MdPlayer* p = arg;
  if (!atomic_fetch_add(&p->xruns, 1U)) {
    atomic_store(&p->first_xrun_frame, atomic_load(&p->position_frame));
  }
  return 0;
}

static void
on_shutdown(void* arg)
{
  MdPlayer* p = arg;
  fail(p, "the JACK server shut down");
}

/* ------------------------------------------------------------------------ */
/* Control                                                                   */

static bool
open_client(MdPlayer* p, char* message, size_t message_size)
{
  jack_status_t jack;
  p->client = jack_client_open(p->options.client_name, JackNoStartServer | JackUseExactName, &jack);
  if (!p->client) {
    snprintf(message, message_size, "%s",
             jack & JackNameNotUnique ? "a JACK client with that name is already running (try --name)"
             : jack & JackServerFailed ? "cannot reach a JACK server: start one first (jackd -d alsa, or -d dummy)"
                                         : "cannot open a JACK client");
    return false;
  }
  p->rate_hz       = jack_get_sample_rate(p->client);
  p->period_frames = jack_get_buffer_size(p->client);
  return true;
}

MdPlayer*
md_player_new(const MixdownSession* session, const MdPlayerOptions* options, MixdownStatus* status, char* message,
              size_t message_size)
{
  MdPlayer* p = calloc(1U, sizeof *p);
  *status     = MIXDOWN_ERR_NO_MEM;
  if (!p) {
    snprintf(message, message_size, "out of memory");
    return NULL;
  }
  pthread_mutex_init(&p->send_lock, NULL);
  *status = MIXDOWN_ERR_IO; // the usual trouble: no server, a name taken
  p->session = session;
  p->options = *options;
  atomic_init(&p->first_xrun_frame, -1);
  if (options->headless) {
    p->rate_hz       = mixdown_session_sample_rate(session);
    p->period_frames = options->headless_period ? options->headless_period : 256U;
  } else if (!open_client(p, message, message_size)) {
    md_player_free(p);
    return NULL;
  }
  if ((uint32_t)p->rate_hz != mixdown_session_sample_rate(session)) {
    snprintf(message, message_size, "the JACK server runs at %u Hz and the session at %u Hz: start jackd with -r %u",
             (unsigned)p->rate_hz, mixdown_session_sample_rate(session), mixdown_session_sample_rate(session));
    md_player_free(p);
    return NULL;
  }
  char            why[512] = "out of memory";
  MdFeederOptions feed     = {.ring_frames = options->disk_ring_frames, .loop = options->loop,
                              .stall_at_s = options->stall_at_s, .stall_for_s = options->stall_for_s};
  const char*     bad      = md_checked_number_frames(options->from_s, p->rate_hz, MD_CHECKED_MAX_TIME_S,
                                                      &p->from_frame);
  if (!bad && feed.loop) {
    bad = md_checked_number_frames(options->loop_from_s, p->rate_hz, MD_CHECKED_MAX_TIME_S,
                                   &feed.loop_from_frame);
    bad = bad ? bad
              : md_checked_number_frames(options->loop_to_s, p->rate_hz, MD_CHECKED_MAX_TIME_S, &feed.loop_to_frame);
  }
  if (bad) {
    snprintf(message, message_size, "a start or loop time refused: %s (valid range 0 … %g s)", bad,
             MD_CHECKED_MAX_TIME_S);
    *status = MIXDOWN_ERR_BAD_ARG;
    md_player_free(p);
    return NULL;
  }
  MixdownStatus st = mixdown_engine_new(session, &p->engine, why, sizeof why);
  if (!st && feed.loop) {
    // A loop ends at the session's end at the latest.
    const int64_t length_frames = (int64_t)mixdown_engine_length(p->engine);
    feed.loop_to_frame          = feed.loop_to_frame < length_frames ? feed.loop_to_frame : length_frames;
    if (feed.loop_from_frame >= feed.loop_to_frame) {
      snprintf(why, sizeof why, "the loop starts at or after the end of the session (%.3f s)",
               (double)length_frames / p->rate_hz);
      st = MIXDOWN_ERR_BAD_ARG;
    }
  }
  if (!st && !(p->feeder = md_feeder_new(session, p->engine, &feed, why, sizeof why))) {
    st = MIXDOWN_ERR_NO_MEM;
  }
  if (!st) {
    const uint32_t block_frames =
        p->period_frames < MD_ENGINE_MAX_BLOCK_FRAMES ? p->period_frames : MD_ENGINE_MAX_BLOCK_FRAMES;
    st = md_engine_go_live(p->engine, session, block_frames, md_feeder_read, p->feeder);
  }
  if (!st && options->meter_hz > 0.0) {
    md_engine_enable_live_meters(p->engine);
  }
  const size_t nodes = session->n_nodes;
  p->n_insert_meters = st ? 0U : md_engine_insert_meter_count(p->engine);
  const size_t insert_slots = p->n_insert_meters ? p->n_insert_meters : 1U;
  for (int r = 0; r < MD_METER_READERS; ++r) {
    if (!st && !(md_queue_init(&p->insert_meters[r], insert_slots * sizeof(float), METER_SNAPSHOTS) &&
                 md_queue_init(&p->meters[r], 2U * nodes * sizeof(float), METER_SNAPSHOTS) &&
                 md_ring_init(&p->master[r], MASTER_RING_FRAMES))) {
      st = MIXDOWN_ERR_NO_MEM;
    }
  }
  if (!st && !(p->insert_snapshot = calloc(insert_slots, sizeof(float)))) {
    st = MIXDOWN_ERR_NO_MEM;
  }
  if (!st && !(md_queue_init(&p->commands, sizeof(MdCommand), QUEUE_ITEMS) &&
               md_queue_init(&p->moves, sizeof(MdAppliedMove), QUEUE_ITEMS) &&
               (p->snapshot = calloc(2U * nodes, sizeof(float))) &&
               (p->acc_peak = calloc(nodes, sizeof(float))) && (p->acc_sum = calloc(nodes, sizeof(double))) &&
               (p->acc_frames = calloc(nodes, sizeof(uint64_t))))) {
    st = MIXDOWN_ERR_NO_MEM;
  }
  if (!st && p->client) {
    p->out[0] = jack_port_register(p->client, "left", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
    p->out[1] = jack_port_register(p->client, "right", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
  }
  if (!st && p->client && (!p->out[0] || !p->out[1])) {
    snprintf(why, sizeof why, "cannot register the JACK output ports");
    st = MIXDOWN_ERR_IO;
  }
  if (st) {
    snprintf(message, message_size, "%s", why);
    *status = st;
    md_player_free(p);
    return NULL;
  }
  p->length_frames      = (int64_t)mixdown_engine_length(p->engine);
  p->latency_frames     = mixdown_engine_latency(p->engine);
  p->loop               = feed.loop;
  p->loop_from_frame    = feed.loop_from_frame;
  p->loop_to_frame      = feed.loop_to_frame;
  show_loop(p);
  p->meter_every_frames = options->meter_hz > 0.0 ? (uint64_t)llround(p->rate_hz / options->meter_hz) : 0U;
  if (p->client) {
    jack_set_process_callback(p->client, process, p);
    jack_set_xrun_callback(p->client, on_xrun, p);
    jack_on_shutdown(p->client, on_shutdown, p);
  }
  *status = MIXDOWN_SUCCESS;
  return p;
}

// The outputs go to the ports asked for, or the first two physical playback ports.
static void
connect_outputs(MdPlayer* p, char* message, size_t message_size)
{
  const char** system = NULL;
  const char*  to[2]  = {NULL, NULL};
  if (p->options.n_connect) {
    to[0] = p->options.connect[0];
    to[1] = p->options.connect[p->options.n_connect > 1U ? 1 : 0];
  } else if ((system = jack_get_ports(p->client, NULL, JACK_DEFAULT_AUDIO_TYPE, JackPortIsPhysical | JackPortIsInput))) {
    to[0] = system[0];
    to[1] = system[1] ? system[1] : system[0];
  }
  for (int c = 0; c < 2; ++c) {
    if (to[c] && jack_connect(p->client, jack_port_name(p->out[c]), to[c]) && !message[0]) {
      snprintf(message, message_size, "cannot connect %s to %s", jack_port_name(p->out[c]), to[c]);
    }
  }
  if (!to[0] && !message[0]) {
    snprintf(message, message_size, "no system playback ports: %s and %s are not connected",
             jack_port_name(p->out[0]), jack_port_name(p->out[1]));
  }
  jack_free(system);
}

// A connection takes effect when the server begins its next cycle: the
// cycle running when jack_connect returns still has the old graph, and a
// first period played into it reaches no one (the listener misses the
// start; a capture of it no longer nulls against the render).  Two of our
// periods begun after the connection mean the cycle after it has started.
// A server that runs no cycles (stalled, freewheeling elsewhere) is waited
// for one second at most: then playback starts as before.
static void
await_connected_graph(MdPlayer* p)
{
  const uint64_t connected_at = atomic_load(&p->cycles);
  const uint64_t give_up_ns   = md_clock_ns() + 1000000000ULL;
  while (atomic_load(&p->cycles) < connected_at + 2U && md_clock_ns() < give_up_ns) {
    const struct timespec one_ms = {.tv_sec = 0, .tv_nsec = 1000000L};
    nanosleep(&one_ms, NULL);
  }
}

MixdownStatus
md_player_start(MdPlayer* p, char* message, size_t message_size)
{
  message[0] = '\0';
  // Where to start is set before the audio thread runs (nothing races it yet).
  locate(p, p->from_frame);
  p->transport = MD_STOPPED; // until the outputs are connected: nothing is cut off
  if (md_feeder_start(p->feeder, p->session)) {
    snprintf(message, message_size, "cannot start the disk thread");
    return MIXDOWN_ERR_NO_MEM;
  }
  // The first period starts the transport, unless a PLAY command is to
  // (mixdown serve: a page's play).
  const bool roll = !p->options.start_stopped;
  if (!p->client) { // headless: the caller runs the periods
    atomic_store_explicit(&p->start, roll, memory_order_release);
    return MIXDOWN_SUCCESS;
  }
  // Every page the audio thread will touch, touched and locked now: a page
  // fault in the first blocks costs more than a 64-frame period.  Without
  // the privilege (RLIMIT_MEMLOCK) playback goes on unlocked.
  p->locked = mlockall(MCL_CURRENT) == 0;
  if (jack_activate(p->client)) {
    snprintf(message, message_size, "cannot activate the JACK client");
    return MIXDOWN_ERR_IO;
  }
  p->active = true;
  connect_outputs(p, message, message_size);
  await_connected_graph(p);
  atomic_store_explicit(&p->start, roll, memory_order_release);
  return MIXDOWN_SUCCESS;
}

void
md_player_halt(MdPlayer* p)
{
  if (p->active) {
    jack_deactivate(p->client);
    p->active = false;
  }
}

void
md_player_free(MdPlayer* p)
{
  if (!p) {
    return;
  }
  if (p->client) {
    md_player_halt(p);
    jack_client_close(p->client);
  }
  if (p->locked) {
    munlockall();
  }
  md_feeder_free(p->feeder);
  mixdown_engine_free(p->engine);
  md_queue_free(&p->commands);
  pthread_mutex_destroy(&p->send_lock);
  md_queue_free(&p->moves);
  for (int r = 0; r < MD_METER_READERS; ++r) {
    md_queue_free(&p->meters[r]);
    md_queue_free(&p->insert_meters[r]);
    md_ring_free(&p->master[r]);
  }
  free(p->snapshot);
  free(p->insert_snapshot);
  free(p->acc_peak);
  free(p->acc_sum);
  free(p->acc_frames);
  free(p);
}

bool
md_player_send(MdPlayer* p, const MdCommand* command)
{
  pthread_mutex_lock(&p->send_lock);
  const bool queued = md_queue_push(&p->commands, command);
  pthread_mutex_unlock(&p->send_lock);
  return queued;
}

// The two frames of one loop (show_loop's sequence lock): read again
// while the audio thread is applying another.  It writes them in a few
// nanoseconds, at most once a period, so this ends at once.
static void
read_shown_loop(MdPlayer* p, MdPlayerStatus* s)
{
  for (;;) {
    const uint64_t before = atomic_load_explicit(&p->loop_changes, memory_order_acquire);
    const int64_t  from   = atomic_load_explicit(&p->loop_shown_from_frame, memory_order_relaxed);
    const int64_t  to     = atomic_load_explicit(&p->loop_shown_to_frame, memory_order_relaxed);
    atomic_thread_fence(memory_order_acquire);
    if (before % 2U == 0U && atomic_load_explicit(&p->loop_changes, memory_order_relaxed) == before) {
      s->loop_changes = before / 2U;
      s->loop         = to >= 0;
      s->loop_from_s  = s->loop ? (double)from / p->rate_hz : 0.0;
      s->loop_to_s    = s->loop ? (double)to / p->rate_hz : 0.0;
      return;
    }
    sched_yield(); // the audio thread was stopped between its two stores
  }
}

void
md_player_status(MdPlayer* p, MdPlayerStatus* s)
{
  memset(s, 0, sizeof *s);
  s->playing        = atomic_load(&p->playing);
  s->finished       = atomic_load(&p->finished);
  s->position_s     = (double)atomic_load(&p->position_frame) / p->rate_hz;
  s->length_s       = (double)p->length_frames / p->rate_hz;
  s->cycles         = atomic_load(&p->cycles);
  s->busy_s         = (double)atomic_load(&p->busy_ns) / 1e9;
  s->xruns          = atomic_load(&p->xruns);
  s->first_xrun_s   = (double)atomic_load(&p->first_xrun_frame) / p->rate_hz;
  read_shown_loop(p, s);
  s->late_blocks    = atomic_load(&p->late_blocks);
  const double   period_ns = 1e9 * p->period_frames / p->rate_hz;
  s->dsp_load_max   = (double)atomic_load(&p->busy_max_ns) / period_ns;
  s->longest_gap_ms = (double)atomic_load(&p->gap_max_ns) / 1e6;
  s->jack_cpu_load  = p->client ? jack_cpu_load(p->client) : 0.0;
  s->period_frames  = p->period_frames;
  s->sample_rate_hz = (uint32_t)p->rate_hz;
  s->failed         = atomic_load(&p->failed);
  snprintf(s->message, sizeof s->message, "%s", s->failed ? p->message : md_feeder_error(p->feeder));
}

bool
md_player_take_move(MdPlayer* p, MdAppliedMove* move)
{
  return md_queue_pop(&p->moves, move);
}

bool
md_player_take_meters(MdPlayer* p, MdMeterReader reader, float* snapshot)
{
  return md_queue_pop(&p->meters[reader], snapshot);
}

uint32_t
md_player_insert_meter_count(const MdPlayer* p)
{
  return p->n_insert_meters;
}

bool
md_player_insert_meter_info(const MdPlayer* p, uint32_t k, MdInsertMeterInfo* info)
{
  return k < p->n_insert_meters && md_engine_insert_meter_info(p->engine, k, info);
}

bool
md_player_take_insert_meters(MdPlayer* p, MdMeterReader reader, float* values)
{
  return p->n_insert_meters ? md_queue_pop(&p->insert_meters[reader], values) : false;
}

void
md_player_take_master(MdPlayer* p, MdMeterReader reader, float* interleaved, uint32_t max_frames, uint32_t* frames)
{
  const uint64_t written_frames = atomic_load_explicit(&p->master[reader].written_frames, memory_order_acquire);
  uint32_t       n              = (uint32_t)(written_frames - p->master_read_frames[reader]);
  n                             = n < max_frames ? n : max_frames;
  // Copied out through the stack in chunks of the engine's block (any
  // size would do; this one names where the 1024 came from).
  float  left[MD_ENGINE_MAX_BLOCK_FRAMES];
  float  right[MD_ENGINE_MAX_BLOCK_FRAMES];
  float* planes[2] = {left, right};
  for (uint32_t done = 0U; done < n;) {
    const uint32_t k = n - done < MD_ENGINE_MAX_BLOCK_FRAMES ? n - done : MD_ENGINE_MAX_BLOCK_FRAMES;
    md_ring_peek(&p->master[reader], p->master_read_frames[reader] + done, planes, 2U, k);
    for (uint32_t i = 0U; i < k; ++i) {
      interleaved[2U * (done + i)]      = left[i];
      interleaved[2U * (done + i) + 1U] = right[i];
    }
    done += k;
  }
  p->master_read_frames[reader] += n;
  md_ring_release(&p->master[reader], p->master_read_frames[reader]);
  *frames = n;
}
