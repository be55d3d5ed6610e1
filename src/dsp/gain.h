// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#ifndef MD_GAIN_H
#define MD_GAIN_H

#include "dsp/processor.h"

extern const MdProcessorClass md_gain_class;

#endif
