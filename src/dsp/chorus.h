// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#ifndef MD_CHORUS_H
#define MD_CHORUS_H

#include "dsp/processor.h"

extern const MdProcessorClass md_chorus_class;

#endif
