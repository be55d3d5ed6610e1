// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// libFuzzer harness: arbitrary bytes as an audio file (WAV, FLAC, Ogg, …
// whatever libsndfile recognises).  Stream it through the source path —
// decode, convert to 48 kHz with soxr, guard non-finite samples — for at
// most two seconds, then analyse it.

#include "io/source.h"
#include "mixdown.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char path[256];

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  if (!path[0]) {
    snprintf(path, sizeof path, "%s/mixdown-fuzz-source-%d", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
             (int)getpid());
  }
  FILE* f = fopen(path, "wb");
  if (!f) {
    return 0;
  }
  fwrite(data, 1U, size, f);
  fclose(f);
  char      message[256];
  MdSource* source = md_source_open(path, 0, 48000.0, message, sizeof message);
  if (source) {
    static float   left[4096];
    static float   right[4096];
    float* const   out[2]     = {left, right};
    uint64_t       non_finite = 0U;
    for (int block = 0; block < 24; ++block) {
      if (md_source_read(source, out, 4096U, &non_finite, NULL, message, sizeof message) != MIXDOWN_SUCCESS) {
        break;
      }
      for (uint32_t c = 0U; c < md_source_channels(source) && c < 2U; ++c) {
        for (uint32_t i = 0U; i < 4096U; ++i) {
          if (!isfinite(out[c][i])) {
            abort(); // sources promise finite samples
          }
        }
      }
    }
    md_source_close(source);
  }
  MixdownAnalysis analysis = {.size = sizeof analysis};
  (void)mixdown_analyze_file(path, &analysis, message, sizeof message);
  unlink(path);
  return 0;
}
