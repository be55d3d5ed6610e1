// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Thread: any; no allocation (the nearest name, for messages).

#ifndef MD_SUGGEST_H
#define MD_SUGGEST_H

#include <stddef.h>

/// The candidate closest to `word` by edit distance, or NULL when none is
/// close enough to be a plausible typo.
const char* md_suggest(const char* word, const char* const* candidates, size_t n_candidates);

#endif
