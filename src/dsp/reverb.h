// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#ifndef MD_REVERB_H
#define MD_REVERB_H

#include "dsp/processor.h"

extern const MdProcessorClass md_reverb_class;

#endif
