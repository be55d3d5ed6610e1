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

/* Plugins ---------------------------------------------------------------- */

// Processor classes built at run time from installed plugins (LV2), found
// by their URI.  Declared here and defined by the plugin host
// (src/host/plugin_catalog.c), so that session validation asks the
// registry for a plugin as for a built-in processor and never loads one
// itself.  Thread: control (the catalog reads every plugin's description;
// a class follows dsp/processor.h).

typedef struct MdPluginCatalog MdPluginCatalog;

/// The installed plugins' descriptions; NULL when they cannot be loaded.
MdPluginCatalog* md_plugin_catalog_open(void);
/// Closes the catalog; the classes built from it stay valid (each holds
/// what it needs until its cls->release).
void md_plugin_catalog_close(MdPluginCatalog* catalog);

/// The class of the plugin `uri` at `rate_hz`, with a reference for the
/// caller (release it with cls->release).  On failure returns NULL and
/// writes why, with the nearest installed URI when there is one.
const MdProcessorClass* md_plugin_class_new(MdPluginCatalog* catalog, const char* uri, double rate_hz,
                                            char* message, size_t message_size);

/// The parameter values of the plugin preset `name` (its label or URI),
/// one per parameter of `cls`, into `values`.  False with a message
/// listing the presets when there is no such preset.
bool md_plugin_apply_preset(const MdProcessorClass* cls, const char* name, double* values, char* message,
                            size_t message_size);

#endif
