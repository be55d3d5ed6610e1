// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// How many files mixdown keeps open for long: the process's open-file
// limit (RLIMIT_NOFILE, often 1024) is shared by every source that plays,
// every render-cache file and everything else the process opens, so a
// session of a thousand tracks playing at once cannot keep a descriptor
// each.  Sources and cache files take a slot before they keep a file open
// past the call that opened it; without one, a source opens its file for
// each read and closes it again (io/source.c), and a track goes uncached
// (engine/cache.c).  The slots are the soft limit less a reserve (64 and
// an eighth of the limit) for outputs, stems, plugins and short-lived
// opens.  Process-wide, as the limit is.  Thread: any.

#ifndef MD_FILE_BUDGET_H
#define MD_FILE_BUDGET_H

#include <stdbool.h>

/// Takes a slot: true when one was free (give it back with
/// md_file_budget_give()).
bool md_file_budget_take(void);
/// Gives back a slot taken by md_file_budget_take().
void md_file_budget_give(void);

#endif
