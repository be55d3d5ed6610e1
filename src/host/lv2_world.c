// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The LV2 world: lilv's index of installed plugins, the nodes mixdown
// asks it about, and the URID map shared by every class and instance.
// Control thread (map is also called at prepare, never in run()).

#include "host/lv2_internal.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* The world: lilv's plugin index and the URID map                           */

LV2_URID
md_lv2_map_uri(LV2_URID_Map_Handle handle, const char* uri)
{
  MdLv2World* w = handle;
  for (uint32_t i = 0U; i < w->n_uris; ++i) {
    if (!strcmp(w->uris[i], uri)) {
      return i + 1U;
    }
  }
  if (w->n_uris == w->capacity) {
    const uint32_t bigger = w->capacity ? 2U * w->capacity : 64U;
    char**         grown  = realloc(w->uris, bigger * sizeof(char*));
    if (!grown) {
      return 0U;
    }
    w->uris     = grown;
    w->capacity = bigger;
  }
  w->uris[w->n_uris] = strdup(uri);
  return w->uris[w->n_uris] ? ++w->n_uris : 0U;
}

static const char*
unmap_urid(LV2_URID_Unmap_Handle handle, LV2_URID urid)
{
  const MdLv2World* w = handle;
  return urid >= 1U && urid <= w->n_uris ? w->uris[urid - 1U] : NULL;
}

MdLv2World*
md_lv2_world_new(void)
{
  MdLv2World* w = calloc(1U, sizeof(MdLv2World));
  if (!w || !(w->lilv = lilv_world_new())) {
    free(w);
    return NULL;
  }
  w->refs = 1;
  lilv_world_load_all(w->lilv);
  w->map          = (LV2_URID_Map){w, md_lv2_map_uri};
  w->unmap        = (LV2_URID_Unmap){w, unmap_urid};
  w->input_port   = lilv_new_uri(w->lilv, LV2_CORE__InputPort);
  w->output_port  = lilv_new_uri(w->lilv, LV2_CORE__OutputPort);
  w->audio_port   = lilv_new_uri(w->lilv, LV2_CORE__AudioPort);
  w->control_port = lilv_new_uri(w->lilv, LV2_CORE__ControlPort);
  w->cv_port      = lilv_new_uri(w->lilv, LV2_CORE__CVPort);
  w->atom_port    = lilv_new_uri(w->lilv, LV2_ATOM__AtomPort);
  w->toggled      = lilv_new_uri(w->lilv, LV2_CORE__toggled);
  w->integer      = lilv_new_uri(w->lilv, LV2_CORE__integer);
  w->sample_rate  = lilv_new_uri(w->lilv, LV2_CORE__sampleRate);
  w->enumeration  = lilv_new_uri(w->lilv, LV2_CORE__enumeration);
  w->optional     = lilv_new_uri(w->lilv, LV2_CORE__connectionOptional);
  w->preset_class = lilv_new_uri(w->lilv, LV2_PRESETS__Preset);
  w->label        = lilv_new_uri(w->lilv, "http://www.w3.org/2000/01/rdf-schema#label");
  w->minimum_size = lilv_new_uri(w->lilv, LV2_RESIZE_PORT__minimumSize);
  return w;
}

void
md_lv2_world_unref(MdLv2World* w)
{
  if (!w || --w->refs > 0) {
    return;
  }
  LilvNode* nodes[] = {w->input_port, w->output_port, w->audio_port, w->control_port, w->cv_port, w->atom_port,
                       w->toggled,    w->integer,     w->sample_rate, w->enumeration, w->optional, w->preset_class,
                       w->label,      w->minimum_size};
  for (size_t i = 0U; i < sizeof nodes / sizeof nodes[0]; ++i) {
    lilv_node_free(nodes[i]);
  }
  lilv_world_free(w->lilv);
  for (uint32_t i = 0U; i < w->n_uris; ++i) {
    free(w->uris[i]);
  }
  free(w->uris);
  free(w);
}
