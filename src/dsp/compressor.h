// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Thread: the class is static data (any thread); its entry points follow
// dsp/processor.h (create/prepare/destroy control; process, set_param,
// reset and meters on the audio thread).

#ifndef MD_COMPRESSOR_H
#define MD_COMPRESSOR_H

#include "dsp/processor.h"

extern const MdProcessorClass md_compressor_class;

/// The static curve: the output level in dB of a steady input whose
/// detector level (peak, or RMS with the RMS detector) is `in_db`, with
/// value slots `values` — the gain computer process() runs (the knee, the
/// ratio, makeup and auto makeup, the dry/wet mix), settled.  Any thread.
double md_compressor_static_db(const double* values, double in_db);

#endif
