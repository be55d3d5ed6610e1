// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// LV2 presets applied to a class's parameter values, the listing of
// installed plugins, and the public API over both.  Control thread.

#include "host/lv2_internal.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Presets and listing                                                       */

typedef struct {
  const MdLv2Class* cls;
  double*           values;
} PresetTarget;

static void
set_preset_value(const char* symbol, void* user, const void* value, uint32_t size, uint32_t type)
{
  PresetTarget*     t = user;
  const MdLv2Class* c = t->cls;
  float             x = 0.0f;
  if (type == md_lv2_map_uri(c->world, LV2_ATOM__Float) && size == sizeof(float)) {
    x = *(const float*)value;
  } else if (type == md_lv2_map_uri(c->world, LV2_ATOM__Double) && size == sizeof(double)) {
    x = (float)*(const double*)value;
  } else if (type == md_lv2_map_uri(c->world, LV2_ATOM__Int) && size == sizeof(int32_t)) {
    x = (float)*(const int32_t*)value;
  } else {
    return;
  }
  for (uint32_t k = 0U; k < c->base.n_params; ++k) {
    if (!strcmp(c->params[k].info.name, symbol)) {
      t->values[k] = x;
    }
  }
}

bool
md_lv2_apply_preset(const MdProcessorClass* cls, const char* name, double* values, char* message, size_t size)
{
  const MdLv2Class* c       = (const MdLv2Class*)cls;
  MdLv2World*       w       = c->world;
  LilvNodes*        presets = lilv_plugin_get_related(c->plugin, w->preset_class);
  char              list[512] = "";
  size_t            used      = 0U;
  bool              found     = false;
  LILV_FOREACH (nodes, i, presets) {
    const LilvNode* preset = lilv_nodes_get(presets, i);
    lilv_world_load_resource(w->lilv, preset);
    LilvNode*   label = lilv_world_get(w->lilv, preset, w->label, NULL);
    const char* text  = label ? lilv_node_as_string(label) : "";
    if (!found && (!strcmp(text, name) || !strcmp(lilv_node_as_uri(preset), name))) {
      LilvState* state = lilv_state_new_from_world(w->lilv, &w->map, preset);
      if (state) {
        PresetTarget t = {c, values};
        lilv_state_emit_port_values(state, set_preset_value, &t);
        lilv_state_free(state);
        found = true;
      }
    }
    if (used + strlen(text) + 4U < sizeof list) {
      used += (size_t)snprintf(list + used, sizeof list - used, "%s`%s`", used ? ", " : "", text);
    }
    lilv_node_free(label);
  }
  lilv_nodes_free(presets);
  if (!found) {
    snprintf(message, size, "no preset `%s` for this plugin (presets: %s)", name, used ? list : "none");
  }
  return found;
}

void
md_lv2_list(MdLv2World* w,
            void (*visit)(void* user, const char* uri, const char* name, uint32_t ins, uint32_t outs), void* user)
{
  const LilvPlugins* all = lilv_world_get_all_plugins(w->lilv);
  LILV_FOREACH (plugins, i, all) {
    const LilvPlugin* p    = lilv_plugins_get(all, i);
    LilvNode*         name = lilv_plugin_get_name(p);
    const uint32_t    ins  = lilv_plugin_get_num_ports_of_class(p, w->audio_port, w->input_port, NULL);
    const uint32_t    outs = lilv_plugin_get_num_ports_of_class(p, w->audio_port, w->output_port, NULL);
    visit(user, lilv_node_as_uri(lilv_plugin_get_uri(p)), name ? lilv_node_as_string(name) : "", ins, outs);
    lilv_node_free(name);
  }
}

/* ------------------------------------------------------------------------ */
/* Public API                                                                */

typedef struct {
  void (*visit)(void* user, const MixdownPluginInfo* plugin);
  void* user;
} ListAdapter;

static void
list_adapter(void* user, const char* uri, const char* name, uint32_t ins, uint32_t outs)
{
  const ListAdapter*      a    = user;
  const MixdownPluginInfo info = {uri, name, ins, outs};
  a->visit(a->user, &info);
}

MixdownStatus
mixdown_plugins_list(void (*visit)(void* user_data, const MixdownPluginInfo* plugin), void* user_data)
{
  if (!visit) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  MdLv2World* w = md_lv2_world_new();
  if (!w) {
    return MIXDOWN_ERR_NO_MEM;
  }
  ListAdapter a = {visit, user_data};
  md_lv2_list(w, list_adapter, &a);
  md_lv2_world_unref(w);
  return MIXDOWN_SUCCESS;
}

MixdownStatus
mixdown_plugin_describe(const char* uri, double sample_rate,
                        void (*param)(void* user_data, const MixdownParamInfo* info),
                        void (*meter)(void* user_data, const char* name), void* user_data, char* name,
                        size_t name_size, char* message, size_t message_size)
{
  if (!uri || sample_rate <= 0.0) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  MdLv2World* w = md_lv2_world_new();
  if (!w) {
    return MIXDOWN_ERR_NO_MEM;
  }
  const MdProcessorClass* cls = md_lv2_class_new(w, uri, sample_rate, message, message_size);
  md_lv2_world_unref(w);
  if (!cls) {
    return MIXDOWN_ERR_BAD_ARG;
  }
  if (name && name_size) {
    snprintf(name, name_size, "%s", cls->description);
  }
  for (uint32_t k = 0U; param && k < cls->n_params; ++k) {
    param(user_data, &cls->params[k].info);
  }
  for (uint32_t k = 0U; meter && k < cls->n_meters; ++k) {
    meter(user_data, cls->meters[k].name);
  }
  cls->release(cls);
  return MIXDOWN_SUCCESS;
}
