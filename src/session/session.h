// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Parsing and validation of session files (YAML or JSON) into the model.
// The entry points are the public mixdown_session_* functions.

#ifndef MD_SESSION_H
#define MD_SESSION_H

#include "session/model.h"

#endif
