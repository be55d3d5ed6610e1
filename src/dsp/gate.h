// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Thread: the class is static data (any thread); its entry points follow
// dsp/processor.h (create/prepare/destroy control; process, set_param,
// reset and meters on the audio thread).

#ifndef MD_GATE_H
#define MD_GATE_H

#include "dsp/processor.h"

extern const MdProcessorClass md_gate_class;

/// The static curve: the output level in dB of a steady input at `in_db`
/// (its peak) reached from below (the gate closed: with hysteresis it
/// stays open down to threshold - hysteresis once opened), with value
/// slots `values`: the expander curve process() follows.  -HUGE_VAL where
/// the gain is -120 dB or less (process() puts out silence).  Any thread.
double md_gate_static_db(const double* values, double in_db);

#endif
