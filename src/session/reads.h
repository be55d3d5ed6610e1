// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Every file a session reads — the session file itself, each clip's
// source, each insert's file (an impulse response) — for whoever must not
// write over them (render, recorded takes).  Thread: control.

#ifndef MD_SESSION_READS_H
#define MD_SESSION_READS_H

#include "mixdown.h"

#include <stdbool.h>

/// Calls `visit` with each path and what it is ("source of track `vocal`")
/// until it returns false; returns false then.
bool md_session_for_each_read(const MixdownSession* session,
                              bool (*visit)(void* user_data, const char* path, const char* what),
                              void* user_data);

#endif
