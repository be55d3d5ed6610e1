// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Named loudness targets, for `master.loudness: NAME` and `--normalize NAME`.

#include "mixdown.h"

#include <string.h>

static const struct {
  const char* name;
  double      target_lufs;
  double      true_peak_db;
} presets[] = {
  {"streaming", -14.0, -1.0}, // Spotify, YouTube, Tidal, Amazon
  {"apple", -16.0, -1.0},     // Apple Music (Sound Check)
  {"podcast", -16.0, -1.0},   // Apple Podcasts and most podcast hosts
  {"ebu-r128", -23.0, -1.0},  // EBU R 128 broadcast
  {"atsc-a85", -24.0, -2.0},  // ATSC A/85 (US broadcast)
};

#define N_PRESETS (sizeof presets / sizeof presets[0])

MixdownStatus
mixdown_loudness_preset(const char* name, double* target_lufs, double* true_peak_db)
{
  for (size_t i = 0U; name && i < N_PRESETS; ++i) {
    if (!strcmp(presets[i].name, name)) {
      if (target_lufs) {
        *target_lufs = presets[i].target_lufs;
      }
      if (true_peak_db) {
        *true_peak_db = presets[i].true_peak_db;
      }
      return MIXDOWN_SUCCESS;
    }
  }
  return MIXDOWN_ERR_BAD_ARG;
}

const char*
mixdown_loudness_preset_name(uint32_t index)
{
  return index < N_PRESETS ? presets[index].name : NULL;
}
