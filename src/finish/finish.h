// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The finishing stage: loudness normalisation and true-peak limiting of
// the rendered mix, for each file a render writes.
//
// The mix is rendered once into a float "premaster" in the temporary
// folder the caller names (the CLI passes $TMPDIR; default /tmp) (unlinked
// at once: a killed run leaves nothing behind) while its loudness is
// measured.  Each finishing pass reads it back, applies a gain, runs a
// true-peak limiter at the ceiling and hands the result to a sink (the
// writer: rate conversion, dither, encoding; or a meter, for analyze),
// which measures what it received at the end of the pass.  md_finish()
// repeats the pass with a corrected gain until the output lands on the
// target, keeps that pass and drops the others: only one output exists
// at a time.  Thread: control (one caller at a time per premaster).

#ifndef MD_FINISH_H
#define MD_FINISH_H

#include "mixdown.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct MdPremaster MdPremaster;

/// A new premaster for about `expected_frames` frames at `rate`, in
/// `temp_dir` (NULL or "": /tmp).  Refuses up front, naming the space
/// needed, when that folder has less room free.
MixdownStatus md_premaster_open(const char* temp_dir, double rate, uint64_t expected_frames,
                                MdPremaster** premaster, char* message, size_t message_size);
MixdownStatus md_premaster_write(MdPremaster* premaster, const float* left, const float* right,
                                 uint32_t n, char* message, size_t message_size);
/// Integrated loudness of everything written so far (LUFS, -HUGE_VAL for silence).
double md_premaster_loudness(MdPremaster* premaster);
/// Bytes the premaster takes per frame (for the docs and messages).
uint64_t md_premaster_bytes(uint64_t frames);
/// Closes (and so deletes) the file and frees `premaster` (NULL is ignored).
void md_premaster_free(MdPremaster* premaster);

/// Where the passes of one output go: each pass begins a fresh output,
/// writes to it, ends it with its measurement, and is then kept (the
/// last) or dropped.
typedef struct {
  MixdownStatus (*begin)(void* ctx, char* message, size_t message_size);
  MixdownStatus (*write)(void* ctx, const float* left, const float* right, uint32_t n, char* message,
                         size_t message_size);
  /// Ends the pass: integrated loudness (LUFS) and true peak (dBTP) of
  /// what was output.
  MixdownStatus (*end)(void* ctx, double* loudness_lufs, double* true_peak_db, char* message,
                       size_t message_size);
  /// The pass is final (NULL: nothing to do; render commits its files together at the end).
  MixdownStatus (*keep)(void* ctx, char* message, size_t message_size);
  void (*drop)(void* ctx);
  void* ctx;
} MdFinishSink;

/// What one output must meet.
typedef struct {
  bool   normalize;   ///< Reach `target_lufs` (within 0.1 LU)
  double target_lufs;
  bool   limit;       ///< Keep true peaks at or below `ceiling_db`
  double ceiling_db;
} MdFinishGoal;

/// What the finishing did.
typedef struct {
  double   gain_db;       ///< Gain before the limiter
  double   limiter_db;    ///< Deepest gain reduction of the limiter (≤ 0; 0: it never acted)
  double   shortfall_lu;  ///< How far below the target the output stayed (0: reached; inf: silent mix)
  double   loudness_lufs; ///< Of the kept output
  double   true_peak_db;  ///< Of the kept output
  uint32_t passes;        ///< Passes over the premaster
} MdFinishResult;

/// Progress within the finishing of one output: pass (0-based) and the
/// fraction of that pass done.
typedef void (*MdFinishProgress)(void* user_data, uint32_t pass, double fraction);

/// Finishes the premaster into `sink` to meet `goal`; the kept pass's
/// figures in `result`.
MixdownStatus md_finish(MdPremaster* premaster, const MdFinishGoal* goal, const MdFinishSink* sink,
                        volatile int* cancel, MdFinishProgress progress, void* user_data,
                        MdFinishResult* result, char* message, size_t message_size);

#endif
