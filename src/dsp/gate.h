// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#ifndef MD_GATE_H
#define MD_GATE_H

#include "dsp/processor.h"

extern const MdProcessorClass md_gate_class;

#endif
