// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// LV2 plugins as processors (lilv).  A plugin becomes an MdProcessorClass
// built at run time: its control input ports are the parameter table (by
// symbol, with the plugin's ranges and defaults), its control output ports
// the meters, its latency port the reported latency.  So validation,
// automation and `describe`-style listings work for it as for a built-in
// processor, and the engine runs it through the same interface.

#ifndef MD_LV2_H
#define MD_LV2_H

#include "dsp/processor.h"

typedef struct MdLv2World MdLv2World;

/// Loads every installed plugin's description.  Control thread.
MdLv2World* md_lv2_world_new(void);
/// Drops a reference (the classes built from a world keep it alive).
void md_lv2_world_unref(MdLv2World* world);

/// The class of plugin `uri` at `rate`, with a reference for the caller
/// (release it with cls->release).  On failure returns NULL and writes why,
/// with the nearest installed URI when there is one.
const MdProcessorClass* md_lv2_class_new(MdLv2World* world, const char* uri, double rate,
                                         char* message, size_t message_size);

/// Port values of preset `name` (its label or URI) for the class's
/// parameters, written into `values` (one per parameter).  False with a
/// message listing the presets when there is no such preset.
bool md_lv2_apply_preset(const MdProcessorClass* cls, const char* name, double* values, char* message,
                         size_t message_size);

/// Calls `visit` for every installed plugin (URI, name, audio inputs, audio outputs).
void md_lv2_list(MdLv2World* world,
                 void (*visit)(void* user, const char* uri, const char* name, uint32_t ins, uint32_t outs),
                 void* user);

#endif
