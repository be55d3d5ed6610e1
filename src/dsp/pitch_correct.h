// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#ifndef MD_PITCH_CORRECT_H
#define MD_PITCH_CORRECT_H

#include "dsp/processor.h"

extern const MdProcessorClass md_pitch_correct_class;

#endif
