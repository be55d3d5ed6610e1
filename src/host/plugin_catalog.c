// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The plugin part of the processor registry (dsp/registry.h), given by
// the LV2 host: the session asks for a plugin by URI through the registry
// and never includes the host.  Thread: control.

#include "dsp/registry.h"
#include "host/lv2.h"

// A catalog is an LV2 world: the pointer is the same object.
MdPluginCatalog*
md_plugin_catalog_open(void)
{
  return (MdPluginCatalog*)md_lv2_world_new();
}

void
md_plugin_catalog_close(MdPluginCatalog* catalog)
{
  md_lv2_world_unref((MdLv2World*)catalog);
}

const MdProcessorClass*
md_plugin_class_new(MdPluginCatalog* catalog, const char* uri, double rate_hz, char* message, size_t message_size)
{
  return md_lv2_class_new((MdLv2World*)catalog, uri, rate_hz, message, message_size);
}

bool
md_plugin_apply_preset(const MdProcessorClass* cls, const char* name, double* values, char* message,
                       size_t message_size)
{
  return md_lv2_apply_preset(cls, name, values, message, message_size);
}
