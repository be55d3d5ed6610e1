// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Test hooks of mixdown_play(), kept out of the public API (include/
// mixdown.h): a disk thread that stalls once, to show that a late disk
// plays silence and is counted instead of stalling the audio thread.  The
// unit tests drive the feeder directly (live/feeder.h); the command line's
// MIXDOWN_TEST_DISK_STALL=AT,FOR (tests/cli/test_live.sh) comes here
// through tools/mixdown/cmd_play.c, which includes this one internal
// header and so needs the static library (the symbol is hidden).
//
// Thread: control (md_play_with_test_hooks blocks as mixdown_play does).

#ifndef MD_PLAY_TESTING_H
#define MD_PLAY_TESTING_H

#include "mixdown.h"

typedef struct {
  double stall_at_s;  ///< The disk thread stalls once, at this time…
  double stall_for_s; ///< …for this long (0: never)
} MdPlayTestHooks;

/// mixdown_play() with `hooks` (NULL: none, which is mixdown_play()).
MixdownStatus md_play_with_test_hooks(const MixdownSession* session, const MixdownPlayOptions* options,
                                      const MdPlayTestHooks* hooks, MixdownPlayReport* report);

#endif
