// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// libFuzzer harness: arbitrary bytes as an OSC datagram reaching
// `mixdown play --osc` — the bundle framing, liblo's message decoding, and
// the address resolution against a session.  Every accepted move must name
// itself back: the address of the change it made resolves to that change.

#include "live/control.h"
#include "live/osc_decode.h"
#include "mixdown.h"

#include <sndfile.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char            dir[256];
static MixdownSession* session;

static const char session_yaml[] =
  "mixdown: 1\nsample_rate: 48000\n"
  "tracks:\n"
  "  - {name: vox, file: a.wav, sends: [{to: verb, level_db: -12}],\n"
  "     inserts: [{type: eq, bands: [{type: highpass, freq: 80}, {type: bell, freq: 3000, gain_db: 2}]},\n"
  "               {type: compressor, threshold_db: -20}, {type: delay}]}\n"
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
  float    buf[480];
  for (int i = 0; i < 480; ++i) {
    buf[i] = (float)(0.5 * sin(i * 0.05));
  }
  sf_writef_float(f, buf, 480);
  sf_close(f);
  if (mixdown_session_open_string(session_yaml, sizeof session_yaml - 1U, "<fuzz-osc>", dir, NULL, NULL,
                                  &session) != MIXDOWN_SUCCESS) {
    abort();
  }
}

static void
visit(void* user, const char* path, const double* values, uint32_t n_values, lo_message message)
{
  (void)user;
  (void)message;
  MdCommand cmd;
  char      note[400];
  if (!md_control_parse(session, path, values, n_values, &cmd, note, sizeof note) || cmd.kind != MD_COMMAND_LIVE) {
    return;
  }
  char address[400];
  md_control_address(session, &cmd.change, address, sizeof address);
  MdCommand      back;
  const double   value = cmd.change.value;
  if (!md_control_parse(session, address, &value, 1U, &back, note, sizeof note) ||
      back.change.kind != cmd.change.kind || back.change.node != cmd.change.node ||
      back.change.index != cmd.change.index || back.change.slot != cmd.change.slot ||
      !(back.change.value == value || (isnan(back.change.value) && isnan(value)))) {
    abort(); // an address that does not name what it set
  }
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
  return 0;
}
