// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#ifndef MD_COMPRESSOR_H
#define MD_COMPRESSOR_H

#include "dsp/processor.h"

extern const MdProcessorClass md_compressor_class;

#endif
