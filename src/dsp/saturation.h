// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#ifndef MD_SATURATION_H
#define MD_SATURATION_H

#include "dsp/processor.h"

extern const MdProcessorClass md_saturation_class;

#endif
