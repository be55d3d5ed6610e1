// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The plugin host in a build without lilv (meson -Dlv2=disabled): the
// registry's plugin catalog (dsp/registry.h) opens, and every plugin asked
// of it is refused saying that this build has no LV2 plugins — so a
// session with an `lv2` insert fails validation at the insert's `uri:`
// (FILE:LINE:COLUMN), as an unknown plugin does.  The public plugin calls
// fail with the same words.  Thread: control.

#include "dsp/registry.h"
#include "mixdown.h"

#include <stdio.h>

static const char no_lv2[] = "this build of mixdown has no LV2 plugins (lilv): rebuild with meson -Dlv2=enabled";

struct MdPluginCatalog {
  int unused;
};

static MdPluginCatalog empty_catalog;

MdPluginCatalog*
md_plugin_catalog_open(void)
{
  return &empty_catalog;
}

void
md_plugin_catalog_close(MdPluginCatalog* catalog)
{
  (void)catalog;
}

const MdProcessorClass*
md_plugin_class_new(MdPluginCatalog* catalog, const char* uri, double rate_hz, char* message, size_t message_size)
{
  (void)catalog;
  (void)uri;
  (void)rate_hz;
  snprintf(message, message_size, "%s", no_lv2);
  return NULL;
}

bool
md_plugin_apply_preset(const MdProcessorClass* cls, const char* name, double* values, char* message,
                       size_t message_size)
{
  (void)cls;
  (void)name;
  (void)values;
  snprintf(message, message_size, "%s", no_lv2);
  return false;
}

void
mixdown_set_plugin_isolation(int isolated)
{
  (void)isolated; // no plugins to isolate
}

MixdownStatus
mixdown_plugins_list(void (*visit)(void* user_data, const MixdownPluginInfo* plugin), void* user_data)
{
  (void)visit;
  (void)user_data;
  return MIXDOWN_ERR_BAD_ARG;
}

MixdownStatus
mixdown_plugin_describe(const char* uri, double sample_rate,
                        void (*param)(void* user_data, const MixdownParamInfo* info),
                        void (*meter)(void* user_data, const char* name), void* user_data, char* name,
                        size_t name_size, char* message, size_t message_size)
{
  (void)uri;
  (void)sample_rate;
  (void)param;
  (void)meter;
  (void)user_data;
  if (name && name_size) {
    name[0] = '\0';
  }
  if (message && message_size) {
    snprintf(message, message_size, "%s", no_lv2);
  }
  return MIXDOWN_ERR_BAD_ARG;
}
