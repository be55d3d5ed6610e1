// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#ifndef MD_DEESSER_H
#define MD_DEESSER_H

#include "dsp/processor.h"

extern const MdProcessorClass md_deesser_class;

#endif
