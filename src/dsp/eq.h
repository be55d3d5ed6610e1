// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Thread: the class is static data (any thread); its entry points follow
// dsp/processor.h (create/prepare/destroy control; process, set_param,
// reset and meters on the audio thread).

#ifndef MD_EQ_H
#define MD_EQ_H

#include "dsp/processor.h"

#include <stddef.h>

extern const MdProcessorClass md_eq_class;

/// The magnitude response in dB of an EQ with value slots `values` (the
/// class's layout: md_processor_value_count()) at `rate_hz`, at each of the
/// `n` frequencies `freqs_hz` into `out_db`: every band designed as the
/// processor designs it once settled (the same prototypes, the same
/// matched coefficients), so what a console draws is what it hears.  Any
/// thread; pure arithmetic.
void md_eq_response_db(const double* values, double rate_hz, const double* freqs_hz, size_t n, double* out_db);

#endif
