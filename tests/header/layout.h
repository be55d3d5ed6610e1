// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The public types whose layout a C and a C++ caller must agree on: the
// header test (main.cc) compares the sizes and alignments C gives them
// (layout.c) with its own.  Add a struct or enum of include/mixdown.h here.

#ifndef MD_HEADER_TEST_LAYOUT_H
#define MD_HEADER_TEST_LAYOUT_H

#include <stddef.h>

#define MD_PUBLIC_TYPES(X)                                                                          \
  X(MixdownStatus)                                                                                 \
  X(MixdownFeature)                                                                                \
  X(MixdownKernels)                                                                                \
  X(MixdownSeverity)                                                                               \
  X(MixdownDiagnostic)                                                                             \
  X(MixdownLevels)                                                                                 \
  X(MixdownNodeLevels)                                                                             \
  X(MixdownSampleFormat)                                                                           \
  X(MixdownRenderOptions)                                                                          \
  X(MixdownOutputReport)                                                                           \
  X(MixdownStemReport)                                                                             \
  X(MixdownMeterReport)                                                                            \
  X(MixdownTimeReport)                                                                             \
  X(MixdownRenderReport)                                                                           \
  X(MixdownPlayStatus)                                                                             \
  X(MixdownPlayOptions)                                                                            \
  X(MixdownPlayReport)                                                                             \
  X(MixdownLevelDetail)                                                                            \
  X(MixdownGraphNode)                                                                              \
  X(MixdownGraphEdge)                                                                              \
  X(MixdownGraphInsert)                                                                            \
  X(MixdownAnalysis)                                                                               \
  X(MixdownAnalyzeOptions)                                                                         \
  X(MixdownPlotOptions)                                                                            \
  X(MixdownParamKind)                                                                              \
  X(MixdownParamInfo)                                                                              \
  X(MixdownPluginInfo)

#ifdef __cplusplus
extern "C" {
#endif

/// Size and alignment of every type of MD_PUBLIC_TYPES as C sees them, in
/// its order: sizes[k], aligns[k].  Returns how many.
size_t md_header_c_layout(size_t* sizes, size_t* aligns, size_t capacity);

#ifdef __cplusplus
}
#endif

#endif
