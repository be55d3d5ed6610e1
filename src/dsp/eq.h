// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#ifndef MD_EQ_H
#define MD_EQ_H

#include "dsp/processor.h"

extern const MdProcessorClass md_eq_class;

#endif
