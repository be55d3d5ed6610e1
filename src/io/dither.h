// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Types only (any thread).  MdDither lives in util/dither.h, below both the
// session model (which chooses it) and the writer (which applies it).

#ifndef MD_DITHER_H
#define MD_DITHER_H

#include "util/dither.h"

#endif
