// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#ifndef MD_STEREO_H
#define MD_STEREO_H

#include "dsp/processor.h"

extern const MdProcessorClass md_stereo_class;

#endif
