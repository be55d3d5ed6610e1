// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The engine's entry points are the public mixdown_engine_* functions.

#ifndef MD_ENGINE_H
#define MD_ENGINE_H

#include "mixdown.h"
#include "session/model.h"

#endif
