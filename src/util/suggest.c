// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "util/suggest.h"

#include <ctype.h>
#include <string.h>

#define MD_SUGGEST_MAX_LEN 64U

// Optimal-string-alignment distance (Levenshtein plus adjacent swaps, the
// commonest typo), case-insensitive, three rolling rows.
static size_t
edit_distance(const char* a, const char* b)
{
  const size_t la = strlen(a);
  const size_t lb = strlen(b);
  if (la > MD_SUGGEST_MAX_LEN || lb > MD_SUGGEST_MAX_LEN) {
    return (size_t)-1;
  }
  size_t rows[3][MD_SUGGEST_MAX_LEN + 1U];
  size_t* before = rows[0];
  size_t* prev   = rows[1];
  size_t* cur    = rows[2];
  for (size_t j = 0U; j <= lb; ++j) {
    prev[j] = j;
  }
  for (size_t i = 1U; i <= la; ++i) {
    cur[0] = i;
    for (size_t j = 1U; j <= lb; ++j) {
      const int    ai   = tolower((unsigned char)a[i - 1U]);
      const int    bj   = tolower((unsigned char)b[j - 1U]);
      const size_t cost = ai == bj ? 0U : 1U;
      size_t       best = prev[j - 1U] + cost;
      if (prev[j] + 1U < best) {
        best = prev[j] + 1U;
      }
      if (cur[j - 1U] + 1U < best) {
        best = cur[j - 1U] + 1U;
      }
      if (i > 1U && j > 1U && ai == tolower((unsigned char)b[j - 2U]) &&
          tolower((unsigned char)a[i - 2U]) == bj && before[j - 2U] + 1U < best) {
        best = before[j - 2U] + 1U;
      }
      cur[j] = best;
    }
    size_t* recycled = before;
    before           = prev;
    prev             = cur;
    cur              = recycled;
  }
  return prev[lb];
}

const char*
md_suggest(const char* word, const char* const* candidates, size_t n_candidates)
{
  const char* best      = NULL;
  size_t      best_dist = (size_t)-1;
  for (size_t i = 0U; i < n_candidates; ++i) {
    if (!candidates[i]) {
      continue; // a name that could not be kept (out of memory)
    }
    const size_t d = edit_distance(word, candidates[i]);
    if (d < best_dist) {
      best_dist = d;
      best      = candidates[i];
    }
  }
  // A typo is a few edits away; anything further is a different word.
  const size_t len   = strlen(word);
  const size_t limit = len <= 4U ? 1U : len <= 8U ? 2U : 3U;
  // A word that is a prefix of a candidate ("threshold" → "threshold_db") is close too.
  for (size_t i = 0U; i < n_candidates; ++i) {
    if (len >= 3U && candidates[i] && !strncmp(candidates[i], word, len)) {
      return candidates[i];
    }
  }
  return best_dist <= limit ? best : NULL;
}
