// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Thread: the class is static data (any thread); its entry points follow
// dsp/processor.h (create/prepare/destroy control; process, set_param,
// reset and meters on the audio thread).

#ifndef MD_LIMITER_H
#define MD_LIMITER_H

#include "dsp/processor.h"

extern const MdProcessorClass md_limiter_class;

/// The static curve: the output level in dB of a steady input at `in_db`
/// (its peak), with value slots `values`: nothing above the ceiling.  Any
/// thread.
double md_limiter_static_db(const double* values, double in_db);

#endif
