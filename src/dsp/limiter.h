// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#ifndef MD_LIMITER_H
#define MD_LIMITER_H

#include "dsp/processor.h"

extern const MdProcessorClass md_limiter_class;

#endif
