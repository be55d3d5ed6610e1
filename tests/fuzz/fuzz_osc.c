// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// libFuzzer harness: arbitrary bytes as an OSC datagram reaching
// `mixdown play --osc` — the bundle framing, liblo's message decoding, the
// address resolution and number checks against a session, and then the
// real player: every accepted message is sent to a headless MdPlayer (the
// one `mixdown play` runs, with its disk thread and live engine; no JACK)
// and a period is played after it.  Checked for every message:
//   - an accepted move names itself back (its address resolves to it);
//   - its value is finite, within the parameter's range; times are frames
//     within 0 … 24 h;
//   - a refusal says why;
//   - the player has not failed and every sample it plays is finite.

#include "live/control.h"
#include "live/osc_decode.h"
#include "live/player.h"
#include "mixdown.h"
#include "util/checked_number.h"

#include <sndfile.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PERIOD 64U

static char            dir[256];
static MixdownSession* session;
static MdPlayer*       player;

static const char session_yaml[] =
  "mixdown: 1\nsample_rate: 48000\n"
  "tracks:\n"
  // vox plays 0.1 s only: its saturation (8× oversampled, slow under the
  // fuzzer's instrumentation) then rests, and its moves are still read.
  "  - {name: vox, clips: [{file: a.wav, length: 0.1}], sends: [{to: verb, level_db: -12}],\n"
  "     inserts: [{type: eq, bands: [{type: highpass, freq: 80}, {type: bell, freq: 3000, gain_db: 2}]},\n"
  "               {type: saturation}, {type: compressor, threshold_db: -20}, {type: delay}]}\n"
  "  - {name: gtr, file: a.wav, mute: {points: [[0, 0], [1, 1]]}}\n"
  "buses:\n  - {name: verb, inserts: [{type: reverb}]}\n"
  "master: {inserts: [{type: limiter}]}\n";

static void
setup(void)
{
  if (session) {
    return;
  }
  snprintf(dir, sizeof dir, "%s/mixdown-fuzz-osc-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  if (!mkdtemp(dir)) {
    abort();
  }
  char path[512];
  snprintf(path, sizeof path, "%s/a.wav", dir);
  SF_INFO  info = {.samplerate = 48000, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
  SNDFILE* f    = sf_open(path, SFM_WRITE, &info);
  float    buf[4800];
  for (int i = 0; i < 4800; ++i) {
    buf[i] = (float)(0.5 * sin(i * 0.05));
  }
  for (int k = 0; k < 20; ++k) { // 2 s
    sf_writef_float(f, buf, 4800);
  }
  sf_close(f);
  if (mixdown_session_open_string(session_yaml, sizeof session_yaml - 1U, "<fuzz-osc>", dir, NULL, NULL,
                                  &session) != MIXDOWN_SUCCESS) {
    abort();
  }
  const MdPlayerOptions options = {.client_name = "fuzz", .record = true, .meter_hz = 50.0, .headless = true,
                                   .headless_period = PERIOD};
  MixdownStatus st = MIXDOWN_SUCCESS;
  char          why[512];
  player = md_player_new(session, &options, &st, why, sizeof why);
  if (!player || md_player_start(player, why, sizeof why)) {
    fprintf(stderr, "fuzz-osc: no headless player: %s\n", why);
    abort();
  }
}

// One period of the player, as JACK would run it; every sample finite.
static void
play_period(void)
{
  float left[PERIOD], right[PERIOD];
  md_player_process(player, left, right, PERIOD);
  for (uint32_t i = 0U; i < PERIOD; ++i) {
    if (!isfinite(left[i]) || !isfinite(right[i])) {
      fprintf(stderr, "fuzz-osc: sample %u of a period is not finite\n", i);
      abort();
    }
  }
  MdPlayerStatus status;
  md_player_status(player, &status);
  if (status.failed) {
    fprintf(stderr, "fuzz-osc: the player failed: %s\n", status.message);
    abort();
  }
  // What the control thread would take; the queues are bounded anyway.
  MdAppliedMove move;
  while (md_player_take_move(player, &move)) {
  }
}

static void
check_accepted(const MdCommand* cmd)
{
  const int64_t day = (int64_t)(MD_CHECKED_MAX_TIME_S * 48000.0);
  switch (cmd->kind) {
  case MD_COMMAND_LOCATE:
    if (cmd->frame < 0 || cmd->frame > day) {
      abort();
    }
    return;
  case MD_COMMAND_LOOP:
    if (cmd->frame < 0 || cmd->until_frame > day || (cmd->until_frame && cmd->until_frame <= cmd->frame)) {
      abort();
    }
    return;
  case MD_COMMAND_LIVE: break;
  default: return;
  }
  const MdParam* param = md_control_param(session, &cmd->change);
  if (!param || md_checked_number_in_range(cmd->change.value, param->info.min, param->info.max)) {
    abort(); // a value the parameter cannot take reached the player
  }
  char address[400];
  md_control_address(session, &cmd->change, address, sizeof address);
  MdCommand    back;
  char         note[400];
  const double value = cmd->change.value;
  if (!md_control_parse(session, address, &value, 1U, &back, note, sizeof note) ||
      back.change.kind != cmd->change.kind || back.change.node != cmd->change.node ||
      back.change.index != cmd->change.index || back.change.slot != cmd->change.slot ||
      back.change.value != value) {
    abort(); // an address that does not name what it set
  }
}

static void
visit(void* user, const char* path, const double* values, uint32_t n_values, lo_message message)
{
  (void)user;
  (void)message;
  MdCommand cmd;
  char      note[400];
  if (!md_control_parse(session, path, values, n_values, &cmd, note, sizeof note)) {
    if (!note[0]) {
      abort(); // refused without a reason
    }
    return;
  }
  check_accepted(&cmd);
  md_player_send(player, &cmd); // a full queue drops it, as live
  play_period();
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  setup();
  unsigned char* copy = malloc(size ? size : 1U); // liblo reads (and may swap) in place
  if (!copy) {
    return 0;
  }
  memcpy(copy, data, size);
  uint32_t rejected = 0U;
  md_osc_decode(copy, size, visit, NULL, &rejected);
  free(copy);
  play_period();
  return 0;
}
