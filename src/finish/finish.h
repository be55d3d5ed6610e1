// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The finishing stage of a loudness-normalised render.
//
// Pass 1 renders the mix once into a float "premaster" file beside the
// output and measures its loudness.  Each finishing pass reads it back,
// applies a gain, runs a true-peak limiter at the ceiling and hands the
// result to the writer (rate conversion, dither), which measures what it
// writes; render.c repeats the pass with a corrected gain until the
// written file lands on the target.  The mix itself is rendered once.

#ifndef MD_FINISH_H
#define MD_FINISH_H

#include "io/writer.h"
#include "mixdown.h"

typedef struct MdPremaster MdPremaster;

/// A new premaster file at `rate` beside `output_path` (the same disk).
MixdownStatus md_premaster_open(const char* output_path, double rate, MdPremaster** premaster,
                                char* message, size_t message_size);
MixdownStatus md_premaster_write(MdPremaster* premaster, const float* left, const float* right,
                                 uint32_t n, char* message, size_t message_size);
/// Integrated loudness of everything written so far (LUFS, -HUGE_VAL for silence).
double md_premaster_loudness(MdPremaster* premaster);
/// Deletes the file and frees `premaster` (NULL is ignored).
void md_premaster_free(MdPremaster* premaster);

/// One finishing pass: premaster × gain → true-peak limiter at `ceiling_db`
/// → `writer`.  Returns the limiter's deepest reduction in `reduction_db`.
MixdownStatus md_finish_pass(MdPremaster* premaster, double gain_db, double ceiling_db,
                             MdWriter* writer, volatile int* cancel, double* reduction_db,
                             char* message, size_t message_size);

#endif
