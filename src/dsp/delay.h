// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#ifndef MD_DELAY_H
#define MD_DELAY_H

#include "dsp/processor.h"

extern const MdProcessorClass md_delay_class;

#endif
