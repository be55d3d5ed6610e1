// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Live playback in a build without JACK (meson -Djack=disabled): the entry
// points of live/player.h and mixdown_play() exist and fail, saying that
// this build has no live playback, so callers need no #if.  The rest of
// live/ (control addresses, the recorder, the disk feeder, the rings) is
// built as usual.  Thread: as live/player.h and live/play_testing.h say.

#include "live/play_testing.h"
#include "live/player.h"

#include <stdio.h>
#include <string.h>

static const char no_jack[] = "this build of mixdown has no live playback (JACK): rebuild with meson -Djack=enabled";

MdPlayer*
md_player_new(const MixdownSession* session, const MdPlayerOptions* options, MixdownStatus* status,
              char* message, size_t message_size)
{
  (void)session;
  (void)options;
  *status = MIXDOWN_ERR_IO;
  snprintf(message, message_size, "%s", no_jack);
  return NULL;
}

MixdownStatus
md_player_start(MdPlayer* player, char* message, size_t message_size)
{
  (void)player;
  snprintf(message, message_size, "%s", no_jack);
  return MIXDOWN_ERR_IO;
}

void
md_player_halt(MdPlayer* player)
{
  (void)player;
}

void
md_player_free(MdPlayer* player)
{
  (void)player;
}

bool
md_player_send(MdPlayer* player, const MdCommand* command)
{
  (void)player;
  (void)command;
  return false;
}

void
md_player_process(MdPlayer* player, float* left, float* right, uint32_t frames)
{
  (void)player;
  memset(left, 0, frames * sizeof *left);
  memset(right, 0, frames * sizeof *right);
}

void
md_player_status(MdPlayer* player, MdPlayerStatus* status)
{
  (void)player;
  memset(status, 0, sizeof *status);
  status->failed = true;
  snprintf(status->message, sizeof status->message, "%s", no_jack);
}

bool
md_player_take_move(MdPlayer* player, MdAppliedMove* move)
{
  (void)player;
  (void)move;
  return false;
}

bool
md_player_take_meters(MdPlayer* player, MdMeterReader reader, float* snapshot)
{
  (void)player;
  (void)reader;
  (void)snapshot;
  return false;
}

uint32_t
md_player_insert_meter_count(const MdPlayer* player)
{
  (void)player;
  return 0U;
}

bool
md_player_insert_meter_info(const MdPlayer* player, uint32_t k, MdInsertMeterInfo* info)
{
  (void)player;
  (void)k;
  (void)info;
  return false;
}

bool
md_player_take_insert_meters(MdPlayer* player, MdMeterReader reader, float* values)
{
  (void)player;
  (void)reader;
  (void)values;
  return false;
}

void
md_player_take_master(MdPlayer* player, MdMeterReader reader, float* interleaved, uint32_t max_frames,
                      uint32_t* frames)
{
  (void)player;
  (void)reader;
  (void)interleaved;
  (void)max_frames;
  *frames = 0U;
}

MixdownStatus
md_play_with_test_hooks(const MixdownSession* session, const MixdownPlayOptions* options,
                        const MdPlayTestHooks* hooks, MixdownPlayReport* report)
{
  (void)session;
  (void)options;
  (void)hooks;
  if (report) {
    memset(report, 0, sizeof *report);
    report->size = sizeof *report;
    snprintf(report->message, sizeof report->message, "%s", no_jack);
  }
  return MIXDOWN_ERR_IO;
}

MixdownStatus
mixdown_play(const MixdownSession* session, const MixdownPlayOptions* options, MixdownPlayReport* report)
{
  return md_play_with_test_hooks(session, options, NULL, report);
}
