// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// LV2 plugins as processors (lilv).  A plugin becomes an MdProcessorClass
// built at run time: its control input ports are the parameter table (by
// symbol, with the plugin's ranges and defaults), its control output ports
// the meters, its latency port the reported latency.  So validation,
// automation and `describe`-style listings work for it as for a built-in
// processor, and the engine runs it through the same interface.
//
// Thread: the world and classes control; an instance follows
// dsp/processor.h (its process runs on the audio thread, in-process or
// through its child).

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
const MdProcessorClass* md_lv2_class_new(MdLv2World* world, const char* uri, double rate_hz,
                                         char* message, size_t message_size);

/// Port values of preset `name` (its label or URI) for the class's
/// parameters, written into `values` (one per parameter).  False with a
/// message listing the presets when there is no such preset.
bool md_lv2_apply_preset(const MdProcessorClass* cls, const char* name, double* values, char* message,
                         size_t message_size);

/// `x` (a bound or default from a plugin's single-precision metadata) as
/// the shortest decimal that reads back as the same float: 1.4f gives 1.4,
/// not 1.399999976, so a session value of 1.4 is inside a range the plugin
/// gives as 1.4f, and `mixdown plugins` prints what the plugin's author
/// wrote.  Non-finite values come back as they are.  Any thread.
double md_lv2_float_value(float x);

/// Calls `visit` for every installed plugin (URI, name, audio inputs, audio outputs).
void md_lv2_list(MdLv2World* world,
                 void (*visit)(void* user, const char* uri, const char* name, uint32_t ins, uint32_t outs),
                 void* user);

#endif
