// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// mixdown_play(): the player, OSC and the recorder, run together until the
// session ends or the caller says stop.

#include "live/osc.h"
#include "live/play_testing.h"
#include "live/player.h"
#include "live/record.h"
#include "platform/clock.h"
#include "session/model.h"
#include "session/reads.h"
#include "io/path_guard.h"
#include "util/note.h"

#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define POLL_MS 10

static void
keep_moves(MdPlayer* player, MdRecorder* recorder, bool* lost)
{
  MdAppliedMove move;
  while (md_player_take_move(player, &move)) {
    if (recorder && !md_recorder_add(recorder, &move)) {
      *lost = true;
    }
  }
}

// Audio thread time over period time (0…1) between two statuses.
static double
dsp_load(const MdPlayerStatus* now, const MdPlayerStatus* before)
{
  const uint64_t cycles = now->cycles - before->cycles;
  const double   period = (double)now->period_frames / now->sample_rate_hz;
  return cycles ? (now->busy_s - before->busy_s) / (double)cycles / period : 0.0;
}

// The status display: where, and the DSP load since the last one.
static void
show_status(const MixdownPlayOptions* o, const MdPlayerStatus* s, MdPlayerStatus* last)
{
  const MixdownPlayStatus shown = {
    .position_s = s->position_s,
    .length_s   = s->length_s,
    .playing    = s->playing,
    .dsp_load   = dsp_load(s, last),
    .xruns      = s->xruns,
  };
  o->status(o->user_data, &shown);
  *last = *s;
}

// Watches the player until it is done; says what the user should hear of.
static MixdownStatus
watch(MdPlayer* player, MdRecorder* recorder, const MixdownPlayOptions* o, MixdownPlayReport* report)
{
  uint64_t late_told  = 0U;
  bool     disk_told  = false;
  bool     lost       = false;
  double   next_late  = 0.0;
  MdPlayerStatus last = {0};
  for (unsigned tick = 1U;; ++tick) {
    md_sleep_seconds(POLL_MS / 1000.0);
    keep_moves(player, recorder, &lost);
    MdPlayerStatus s;
    md_player_status(player, &s);
    if (o->status && tick % 10U == 0U) {
      show_status(o, &s, &last);
    }
    if (s.failed) {
      snprintf(report->message, sizeof report->message, "%s", s.message);
      return MIXDOWN_ERR_IO;
    }
    if (s.message[0] && !disk_told) {
      md_notef(o->note, o->user_data, "warning: %s (it plays as silence)", s.message);
      disk_told = true;
    }
    const double now = md_clock_seconds();
    if (s.late_blocks > late_told && now >= next_late) {
      md_notef(o->note, o->user_data,
               "warning: the disk did not keep up at %.2f s: %llu track block%s played as silence", s.position_s,
               (unsigned long long)(s.late_blocks - late_told), s.late_blocks - late_told == 1U ? "" : "s");
      late_told = s.late_blocks;
      next_late = now + 1.0; // at most one such line a second
    }
    if ((s.finished && !o->stay && !o->loop) || (o->stop && *o->stop)) {
      break;
    }
  }
  if (lost) {
    md_notef(o->note, o->user_data, "warning: out of memory: some live moves were not recorded");
  }
  return MIXDOWN_SUCCESS;
}

static void
fill_report(MdPlayer* player, MixdownPlayReport* report)
{
  MdPlayerStatus s;
  md_player_status(player, &s);
  report->sample_rate   = s.sample_rate_hz;
  report->period_frames = s.period_frames;
  report->played_s      = s.position_s;
  report->xruns         = s.xruns;
  report->first_xrun_s  = s.first_xrun_s;
  report->late_blocks   = s.late_blocks;
  report->dsp_load_mean = dsp_load(&s, &(MdPlayerStatus){.cycles = 0U, .busy_s = 0.0});
  report->dsp_load_max  = s.dsp_load_max;
  report->longest_gap_ms = s.longest_gap_ms;
  report->jack_cpu_load = s.jack_cpu_load;
}

static MixdownStatus
write_recording(const MdRecorder* recorder, const MixdownSession* session, const MixdownPlayOptions* o,
                MixdownPlayReport* report)
{
  MdRecordReport written;
  // A live move glides over one engine block: the period, at most the engine's largest block.
  const uint32_t glide_frames =
    report->period_frames < MD_ENGINE_MAX_BLOCK_FRAMES ? report->period_frames : MD_ENGINE_MAX_BLOCK_FRAMES;
  const double glide_s = (double)glide_frames / report->sample_rate;
  const MixdownStatus st = md_recorder_write(recorder, session, report->sample_rate, glide_s, o->record_path,
                                             &written, report->message, sizeof report->message);
  report->moves_recorded     = written.moves;
  report->moves_unrecordable = written.switches + written.unplaced + written.refused;
  if (st) {
    return st;
  }
  if (written.switches) {
    md_notef(o->note, o->user_data, "warning: %zu solo or polarity move%s not recorded: a session cannot automate them",
             written.switches, written.switches == 1U ? " was" : "s were");
  }
  if (written.constants || written.unplaced || written.refused) {
    md_notef(o->note, o->user_data, "note: the take: %s", written.note);
  }
  if (md_recorder_folded(recorder)) {
    md_notef(o->note, o->user_data, "note: the take: %zu moves less than %g ms after the one before on the same "
             "parameter were kept as one (its last value)", md_recorder_folded(recorder), MD_RECORDER_GRID_S * 1000.0);
  }
  if (md_recorder_dropped(recorder)) {
    md_notef(o->note, o->user_data, "warning: the take: %zu moves were not recorded (it keeps at most %u)",
             md_recorder_dropped(recorder), MD_RECORDER_MAX_MOVES);
  }
  return MIXDOWN_SUCCESS;
}

static bool
add_read(void* guard, const char* path, const char* what)
{
  return md_path_guard_add_read(guard, path, what);
}

// The recording must not replace the session it was made from, nor any
// file it reads (however the path is spelled), nor an audio file or a
// device; and its folder must take it — all known before playing, so that
// a take is never lost at the end.
static MixdownStatus
check_record_path(const MixdownSession* session, const char* path, char* message, size_t message_size)
{
  MdPathGuard*  guard = md_path_guard_new();
  MixdownStatus st    = guard && md_session_for_each_read(session, add_read, guard) ? MIXDOWN_SUCCESS : MIXDOWN_ERR_NO_MEM;
  if (!st) {
    st = md_path_guard_claim(guard, path, "the recorded take (--record-automation)", MD_CLAIM_TEXT, message,
                             message_size);
  } else {
    snprintf(message, message_size, "out of memory");
  }
  md_path_guard_free(guard);
  return st ? st : md_recorder_check_path(path, message, message_size);
}

MixdownStatus
mixdown_play(const MixdownSession* session, const MixdownPlayOptions* options, MixdownPlayReport* report)
{
  return md_play_with_test_hooks(session, options, NULL, report);
}

MixdownStatus
md_play_with_test_hooks(const MixdownSession* session, const MixdownPlayOptions* options,
                        const MdPlayTestHooks* hooks, MixdownPlayReport* report)
{
  const MdPlayTestHooks no_hooks = {0.0, 0.0};
  hooks                          = hooks ? hooks : &no_hooks;
  MixdownPlayReport  scratch;
  MixdownPlayOptions defaults = {.size = sizeof defaults};
  const MixdownPlayOptions* o = options ? options : &defaults;
  report                      = report ? report : &scratch;
  memset(report, 0, sizeof *report);
  report->size = sizeof *report;
  if (!session || o->size != sizeof *o || (o->loop && o->loop_to_s <= o->loop_from_s) || o->from_s < 0.0) {
    snprintf(report->message, sizeof report->message, "bad arguments");
    return MIXDOWN_ERR_BAD_ARG;
  }
  MixdownStatus check = o->record_path ? check_record_path(session, o->record_path, report->message,
                                                          sizeof report->message)
                                       : MIXDOWN_SUCCESS;
  if (check) {
    return check;
  }
  MdRecorder* recorder = o->record_path ? md_recorder_new(mixdown_session_sample_rate(session)) : NULL;
  if (o->record_path && !recorder) {
    snprintf(report->message, sizeof report->message, "out of memory");
    return MIXDOWN_ERR_NO_MEM;
  }
  if (recorder && (check = md_recorder_keep_session(recorder, session, report->message, sizeof report->message))) {
    md_recorder_free(recorder);
    return check;
  }
  const MdPlayerOptions po = {.client_name = o->client_name ? o->client_name : "mixdown",
                              .from_s      = o->from_s,
                              .loop        = o->loop != 0,
                              .loop_from_s = o->loop_from_s,
                              .loop_to_s   = o->loop_to_s,
                              .connect     = o->connect,
                              .n_connect   = o->n_connect,
                              .record      = o->record_path != NULL,
                              .meter_hz    = o->osc_port ? 50.0 : 0.0,
                              .stall_at_s  = hooks->stall_at_s,
                              .stall_for_s = hooks->stall_for_s};
  MixdownStatus st     = MIXDOWN_SUCCESS;
  MdPlayer*     player = md_player_new(session, &po, &st, report->message, sizeof report->message);
  if (!player) {
    md_recorder_free(recorder);
    return st;
  }
  if (session->loudness.enabled) {
    md_notef(o->note, o->user_data,
             "note: master.loudness needs the whole mix: it is applied by render, not while playing");
  }
  MdOsc* osc = NULL;
  if (o->osc_port) {
    osc = md_osc_start(o->osc_host ? o->osc_host : "127.0.0.1", o->osc_port < 0 ? 0 : o->osc_port, player,
                       session, o->note, o->user_data, report->message, sizeof report->message);
  }
  st = o->osc_port && !osc ? MIXDOWN_ERR_IO : MIXDOWN_SUCCESS;
  char connect_note[512] = "";
  if (!st) {
    st = md_player_start(player, connect_note, sizeof connect_note);
    if (st) {
      snprintf(report->message, sizeof report->message, "%s", connect_note);
    } else if (connect_note[0]) {
      md_notef(o->note, o->user_data, "warning: %s", connect_note);
    }
  }
  if (!st && o->ready) {
    o->ready(o->user_data, osc ? md_osc_port(osc) : 0);
  }
  if (!st) {
    st = watch(player, recorder, o, report);
  }
  report->osc_messages = osc ? md_osc_messages(osc) : 0U;
  md_osc_stop(osc); // no more moves…
  md_player_halt(player); // …and none applied
  bool lost = false;
  keep_moves(player, recorder, &lost);
  fill_report(player, report);
  if (!st && recorder) {
    st = write_recording(recorder, session, o, report);
  }
  md_recorder_free(recorder);
  md_player_free(player);
  return st;
}
