// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The mix streamed to the listening page (mixdown serve without --jack).
//
// The player is headless (live/player.h: options.headless) and this file's
// render-ahead thread is its audio thread: it calls md_player_process() in
// periods of MD_SERVE_AUDIO_PERIOD frames and queues each as PCM packets
// (the wire format below) for the server thread, which sends them to the
// listener.  The browser's clock is the master: the page's worklet credits
// the frames it played (md_serve_audio_credit()), and the thread keeps
// `fill` = frames rendered − frames credited at the target (2048 frames by
// default, 1024 … 4096), sleeping on a condition variable in between.  It
// streams all the time (silence while the transport is stopped, flagged
// so), so the credits never stop and a move is heard within one fill.
//
// Without a listener (md_serve_audio_listen(false), the state it starts
// in) the wall clock grants the credits instead: the transport and the
// meters go on at real time, and packets nobody takes are dropped when
// the queue is full.
//
// PCM packet, little-endian: u32 magic MD_SERVE_PCM_MAGIC ('MDPC'), u32
// frames, u32 generation, u32 flags (MD_SERVE_PCM_PLAYING), i64
// position_frame (timeline frame of the first frame, -1 when not
// playing), then frames × 2 float32, L R interleaved: the engine's output
// bit for bit (no dither, no conversion).  A new generation
// (md_serve_audio_restart(): a locate, a new listener) tells the page to
// drop what it holds; packets of an older one still queued are never sent.
//
// Threads: md_serve_audio_new/_free/_listen/_restart/_credit/_take_packet/
// _stats are the server thread's (one thread); the render-ahead thread
// is internal.  While rendering it never allocates, logs or does I/O.

#ifndef MD_SERVE_AUDIO_H
#define MD_SERVE_AUDIO_H

#include "live/player.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MD_SERVE_PCM_MAGIC        0x4D445043U ///< 'MDPC'
#define MD_SERVE_PCM_HEADER_BYTES 24U
#define MD_SERVE_PCM_PLAYING      1U          ///< flags: the frames are the transport playing
#define MD_SERVE_AUDIO_PERIOD     256U        ///< Frames per md_player_process() call (≤ the player's headless_period)
#define MD_SERVE_FILL_DEFAULT     2048U       ///< Target fill, frames (≈ 43 ms at 48 kHz)
#define MD_SERVE_FILL_MIN         1024U       ///< The target's range (md_serve_audio_new clamps to it)
#define MD_SERVE_FILL_MAX         4096U
// A page that underruns has a consumer slower to wake than the fill
// allows (a busy browser): each underrun it reports raises the target by
// a step, up to the ceiling; a clean stretch lowers it again, a step at a
// time, down to the target it started with (a jitter buffer's way).
#define MD_SERVE_FILL_STEP        1024U       ///< Frames added per underrun reported
#define MD_SERVE_FILL_CEILING     8192U       ///< The most it grows to (≈ 171 ms at 48 kHz; the page's ring holds 16384)
#define MD_SERVE_FILL_GRACE_S     2.0         ///< A new listener's first seconds credited: its underruns do not count
                                              ///< (a page still loading: an underrun 0.1-1.3 s in, in most runs on a
                                              ///< busy 2-core machine, then none for many seconds)
#define MD_SERVE_FILL_RELAX_S     120.0       ///< Seconds credited without an underrun before a step down
                                              ///< (a browser that hiccuped once will again: at 30 s, a
                                              ///< test's busy chromium underran again after each step down)
#define MD_SERVE_AUDIO_THREAD_NAME "mixdown-audio" ///< The render-ahead thread's name (/proc/PID/task/TID/comm)

typedef struct MdServeAudio MdServeAudio;

/// Starts the render-ahead thread on `headless_player` (started, headless,
/// its headless_period at least MD_SERVE_AUDIO_PERIOD) at `rate_hz`, keeping
/// `target_frames` rendered ahead (0: MD_SERVE_FILL_DEFAULT; clamped to
/// MD_SERVE_FILL_MIN … MD_SERVE_FILL_MAX).  Not listening yet.  NULL when
/// out of memory or the thread cannot start.
MdServeAudio* md_serve_audio_new(MdPlayer* headless_player, uint32_t rate_hz, uint32_t target_frames);
/// Stops the thread and frees everything (the player is the caller's).
void md_serve_audio_free(MdServeAudio* a);

/// A page listens (true: its credits drive the stream from now, a new
/// generation as md_serve_audio_restart()) or none does any more (false:
/// the wall clock drives it).
void md_serve_audio_listen(MdServeAudio* a, bool listening);
/// A new generation: a locate (call it after sending the locate to the
/// player) or a new listener.  Queued packets of the old one are dropped
/// and the fill counts from zero: the page drops what it holds.
void md_serve_audio_restart(MdServeAudio* a);
/// The listener's credit message: `frames` played since its last credit,
/// its underruns so far and the frames it holds now.  More underruns than
/// its last credit said raise the target fill (MD_SERVE_FILL_STEP).
/// Returns the target fill after it (frames).
uint32_t md_serve_audio_credit(MdServeAudio* a, uint64_t frames, uint64_t underruns, uint64_t buffered);

/// The next PCM packet (consecutive periods joined while they fit in
/// `capacity` bytes) written at `out`, its size in *length; false when no
/// packet is ready (or `capacity` cannot hold one period).
bool md_serve_audio_take_packet(MdServeAudio* a, unsigned char* out, size_t capacity, size_t* length);

typedef struct {
  uint32_t rate_hz;
  uint32_t target_frames;   ///< The fill aimed at now (grown after underruns)
  uint32_t base_target_frames; ///< …and the one it started at (md_serve_audio_new)
  uint32_t generation;
  bool     listening;
  uint64_t rendered_frames; ///< Since md_serve_audio_new()
  uint64_t credited_frames; ///< Credits received (listening)
  int64_t  fill_frames;     ///< Rendered − credited in this generation, now
  int64_t  fill_min_frames; ///< Lowest fill after a credit since the last reset (after the first credit)
  int64_t  fill_max_frames; ///< Highest fill after a render since the last reset
  uint64_t page_underruns;  ///< As the page reports them
  uint64_t page_buffered_min, page_buffered_max; ///< Frames the page said it held (since the last reset)
  uint64_t credits;         ///< Credit messages since the last reset
  uint64_t dropped_packets; ///< Periods lost because the queue was full (nobody taking them)
  double   render_cpu_s;    ///< CPU time of the render-ahead thread (CLOCK_THREAD_CPUTIME_ID)
} MdServeAudioStats;

/// The figures so far; `reset` starts the min/max band over afterwards.
void md_serve_audio_stats(MdServeAudio* a, MdServeAudioStats* stats, bool reset);

#endif
