// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// libFuzzer harness: arbitrary bytes as a session file.  Parse and validate;
// when valid, build the engine and render one block (bounded work whatever
// length the session asks for), then free everything.  Sources named
// a.wav (mono) and b.wav (stereo, 44.1 kHz) exist beside it.

#include "mixdown.h"

#include <sndfile.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[256];

static void
write_source(const char* name, int channels, int rate)
{
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  SF_INFO  info = {.samplerate = rate, .channels = channels, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
  SNDFILE* f    = sf_open(path, SFM_WRITE, &info);
  float    buf[2 * 4800];
  for (int i = 0; i < 4800 * channels; ++i) {
    buf[i] = (float)(0.5 * sin(i * 0.05));
  }
  sf_writef_float(f, buf, 4800);
  sf_close(f);
}

static void
setup(void)
{
  if (dir[0]) {
    return;
  }
  snprintf(dir, sizeof dir, "%s/mixdown-fuzz-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  if (!mkdtemp(dir)) {
    abort();
  }
  write_source("a.wav", 1, 48000);
  write_source("b.wav", 2, 44100);
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  setup();
  MixdownSession* session = NULL;
  if (mixdown_session_open_string((const char*)data, size, "<fuzz>", dir, NULL, NULL, &session) ==
      MIXDOWN_SUCCESS) {
    MixdownEngine* engine = NULL;
    char           message[256];
    if (mixdown_engine_new(session, &engine, message, sizeof message) == MIXDOWN_SUCCESS) {
      static float left[2048];
      static float right[2048];
      uint32_t     got = 0U;
      (void)mixdown_engine_pull(engine, left, right, 2048U, &got);
      for (uint32_t i = 0U; i < got; ++i) {
        if (!isfinite(left[i]) || !isfinite(right[i])) {
          abort(); // the engine promises finite output
        }
      }
      mixdown_engine_free(engine);
    }
  }
  mixdown_session_free(session);
  return 0;
}
