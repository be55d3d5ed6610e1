// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The list of processor types.  Adding a processor: one line in registry.c.
//
// Thread: any (a static table; nothing here runs per block).

#ifndef MD_REGISTRY_H
#define MD_REGISTRY_H

#include "dsp/processor.h"

uint32_t                md_registry_count(void);
const MdProcessorClass* md_registry_at(uint32_t index);
const MdProcessorClass* md_registry_find(const char* name);

#endif
