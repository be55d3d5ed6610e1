// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Reading OSC datagrams: a message, or a bundle of messages and bundles.
// liblo decodes each message; the bundle framing (sizes from the network)
// is read here, bounds-checked.  Pure: no sockets, no threads — the OSC
// server uses it, and so does the fuzzer (tests/fuzz/fuzz_osc.c).

#ifndef MD_OSC_DECODE_H
#define MD_OSC_DECODE_H

#include <lo/lo.h>
#include <stddef.h>
#include <stdint.h>

/// The most numeric arguments passed on to a visitor.
#define MD_OSC_MAX_VALUES 4U

/// One message: its address, its leading numeric arguments (any numeric
/// OSC type, or true/false), and the message itself for anything else.
typedef void (*MdOscVisit)(void* user, const char* path, const double* values, uint32_t n_values,
                           lo_message message);

/// Visits every message in `data`; returns how many.  Parts that are not
/// OSC are skipped and counted in *rejected.
uint32_t md_osc_decode(void* data, size_t size, MdOscVisit visit, void* user, uint32_t* rejected);

#endif
