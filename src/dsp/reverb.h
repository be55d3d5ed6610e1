// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Thread: the class is static data (any thread); its entry points follow
// dsp/processor.h (create/prepare/destroy control; process, set_param,
// reset and meters on the audio thread).

#ifndef MD_REVERB_H
#define MD_REVERB_H

#include "dsp/processor.h"

extern const MdProcessorClass md_reverb_class;

#endif
