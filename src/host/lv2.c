// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "host/lv2.h"

#include "util/suggest.h"

#include <lilv/lilv.h>
#include <lv2/atom/atom.h>
#include <lv2/buf-size/buf-size.h>
#include <lv2/core/lv2.h>
#include <lv2/options/options.h>
#include <lv2/parameters/parameters.h>
#include <lv2/port-props/port-props.h>
#include <lv2/presets/presets.h>
#include <lv2/urid/urid.h>
#include <lv2/worker/worker.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MD_LV2_ATOM_BYTES 8192U // event buffer for atom ports

/* ------------------------------------------------------------------------ */
/* The world: lilv's plugin index and the URID map                           */

struct MdLv2World {
  int        refs;
  LilvWorld* lilv;
  char**     uris;   ///< URID n is uris[n - 1]
  uint32_t   n_uris, capacity;
  LV2_URID_Map   map;
  LV2_URID_Unmap unmap;
  LilvNode* input_port, *output_port, *audio_port, *control_port, *cv_port, *atom_port;
  LilvNode* toggled, *integer, *sample_rate, *enumeration, *optional, *preset_class, *label;
};

static LV2_URID
map_uri(LV2_URID_Map_Handle handle, const char* uri)
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
  w->map          = (LV2_URID_Map){w, map_uri};
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
                       w->label};
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

/* ------------------------------------------------------------------------ */
/* A plugin's class                                                          */

typedef enum { PORT_CONTROL_IN, PORT_CONTROL_OUT, PORT_AUDIO_IN, PORT_AUDIO_OUT, PORT_CV, PORT_ATOM_IN, PORT_ATOM_OUT } PortKind;

typedef struct {
  MdProcessorClass  base; ///< First: the class the engine sees
  int               refs;
  MdLv2World*       world;
  const LilvPlugin* plugin;
  double            rate;
  uint32_t          n_ports;
  PortKind*         kinds;
  float*            defaults;   ///< Per port (controls)
  MdParam*          params;     ///< Control inputs, by symbol
  uint32_t*         param_port;
  MdMeter*          meters;     ///< Control outputs but the latency port
  uint32_t*         meter_port;
  uint32_t          audio_in[2], audio_out[2], n_audio_in, n_audio_out;
  int               latency_port; ///< -1: none
  char**            strings;      ///< Owned names and descriptions
  uint32_t          n_strings;
} MdLv2Class;

static const char*
keep(MdLv2Class* c, const char* s)
{
  char* copy = strdup(s ? s : "");
  if (copy) {
    c->strings[c->n_strings++] = copy;
  }
  return copy ? copy : "";
}

static void lv2_class_release(const MdProcessorClass* cls);

static void
lv2_class_retain(const MdProcessorClass* cls)
{
  ++((MdLv2Class*)cls)->refs;
}

static void
lv2_class_release(const MdProcessorClass* cls)
{
  MdLv2Class* c = (MdLv2Class*)cls;
  if (!c || --c->refs > 0) {
    return;
  }
  for (uint32_t i = 0U; i < c->n_strings; ++i) {
    free(c->strings[i]);
  }
  free(c->strings);
  free(c->kinds);
  free(c->defaults);
  free(c->params);
  free(c->param_port);
  free(c->meters);
  free(c->meter_port);
  md_lv2_world_unref(c->world);
  free(c);
}

static uint32_t
lv2_output_channels(const MdProcessorClass* cls, uint32_t in_channels)
{
  const MdLv2Class* c = (const MdLv2Class*)cls;
  // A mono plugin runs once per channel (dual mono); a plugin with two
  // outputs gives two.
  return c->n_audio_out == 2U ? 2U : in_channels;
}

/* ------------------------------------------------------------------------ */
/* An instance                                                               */

typedef struct MdLv2Proc MdLv2Proc;

/// What the worker callbacks get: the instance they belong to.
typedef struct {
  MdLv2Proc* proc;
  uint32_t   index;
} MdWorkerContext;

struct MdLv2Proc {
  const MdLv2Class* cls;
  uint32_t          channels;   ///< Input channels
  uint32_t          n_inst;     ///< Instances: 2 for a mono plugin on a stereo signal
  LilvInstance*     inst[2];
  const LV2_Worker_Interface* worker[2];
  float*            controls;   ///< Port values, shared by the instances
  float*            scratch[4]; ///< Audio in/out buffers (max_frames)
  float*            zeros;      ///< For CV ports
  LV2_Atom_Sequence* atoms[8];
  uint32_t          n_atoms;
  uint32_t          max_frames;
  int32_t           block_length;
  float             sample_rate_f;
  LV2_Options_Option options[4];
  LV2_Worker_Schedule schedule[2];
  LV2_Feature       f_map, f_unmap, f_options, f_bounded, f_schedule[2];
  const LV2_Feature* features[2][6];
  MdWorkerContext   worker_context[2];
  uint32_t          latency;
};

// Offline, the worker runs its job at once, in the caller's thread.
static LV2_Worker_Status
respond(LV2_Worker_Respond_Handle handle, uint32_t size, const void* data)
{
  const MdWorkerContext* ctx = handle;
  MdLv2Proc*             p   = ctx->proc;
  if (p->worker[ctx->index] && p->worker[ctx->index]->work_response) {
    return p->worker[ctx->index]->work_response(lilv_instance_get_handle(p->inst[ctx->index]), size, data);
  }
  return LV2_WORKER_ERR_UNKNOWN;
}

static LV2_Worker_Status
schedule_work(LV2_Worker_Schedule_Handle handle, uint32_t size, const void* data)
{
  MdWorkerContext* ctx = handle;
  MdLv2Proc*       p   = ctx->proc;
  if (!p->worker[ctx->index] || !p->worker[ctx->index]->work) {
    return LV2_WORKER_ERR_UNKNOWN;
  }
  return p->worker[ctx->index]->work(lilv_instance_get_handle(p->inst[ctx->index]), respond, ctx, size, data);
}

static void*
lv2_create(const MdProcessorClass* cls, uint32_t channels, const double* values)
{
  const MdLv2Class* c = (const MdLv2Class*)cls;
  MdLv2Proc*        p = calloc(1U, sizeof(MdLv2Proc));
  if (!p || !(p->controls = calloc(c->n_ports ? c->n_ports : 1U, sizeof(float)))) {
    free(p);
    return NULL;
  }
  p->cls      = c;
  p->channels = channels;
  p->n_inst   = c->n_audio_in == 1U && c->n_audio_out == 1U && channels == 2U ? 2U : 1U;
  for (uint32_t i = 0U; i < c->n_ports; ++i) {
    p->controls[i] = c->defaults[i];
  }
  for (uint32_t k = 0U; k < c->base.n_params; ++k) {
    p->controls[c->param_port[k]] = (float)values[k];
  }
  return p;
}

static void
lv2_destroy(void* state)
{
  MdLv2Proc* p = state;
  for (uint32_t k = 0U; k < p->n_inst; ++k) {
    if (p->inst[k]) {
      lilv_instance_deactivate(p->inst[k]);
      lilv_instance_free(p->inst[k]);
    }
  }
  for (int i = 0; i < 4; ++i) {
    free(p->scratch[i]);
  }
  for (uint32_t i = 0U; i < p->n_atoms; ++i) {
    free(p->atoms[i]);
  }
  free(p->zeros);
  free(p->controls);
  free(p);
}

static void
prepare_atoms(MdLv2Proc* p)
{
  const MdLv2Class* c = p->cls;
  uint32_t          a = 0U;
  for (uint32_t i = 0U; i < c->n_ports && a < p->n_atoms; ++i) {
    if (c->kinds[i] == PORT_ATOM_IN) {
      p->atoms[a]->atom.size = sizeof(LV2_Atom_Sequence_Body); // empty
      p->atoms[a]->atom.type = map_uri(c->world, LV2_ATOM__Sequence);
      ++a;
    } else if (c->kinds[i] == PORT_ATOM_OUT) {
      p->atoms[a]->atom.size = MD_LV2_ATOM_BYTES - sizeof(LV2_Atom); // capacity
      p->atoms[a]->atom.type = map_uri(c->world, LV2_ATOM__Chunk);
      ++a;
    }
  }
}

// Connects instance `k`: controls to the shared values, audio to the
// scratch buffers (inputs 0/1, outputs 2/3), CV to zeros, atoms to buffers.
static void
connect(MdLv2Proc* p, uint32_t k)
{
  const MdLv2Class* c    = p->cls;
  uint32_t          atom = 0U;
  for (uint32_t i = 0U; i < c->n_ports; ++i) {
    void* where = NULL;
    switch (c->kinds[i]) {
    case PORT_CONTROL_IN:
    case PORT_CONTROL_OUT: where = &p->controls[i]; break;
    case PORT_AUDIO_IN: where = p->scratch[i == c->audio_in[0] ? k : 1U]; break;
    case PORT_AUDIO_OUT: where = p->scratch[i == c->audio_out[0] ? 2U + k : 3U]; break;
    case PORT_CV: where = p->zeros; break;
    case PORT_ATOM_IN:
    case PORT_ATOM_OUT: where = atom < p->n_atoms ? p->atoms[atom++] : NULL; break;
    }
    lilv_instance_connect_port(p->inst[k], i, where);
  }
}

static MixdownStatus
lv2_prepare(void* state, double rate, uint32_t max_frames)
{
  MdLv2Proc*        p = state;
  const MdLv2Class* c = p->cls;
  MdLv2World*       w = c->world;
  p->max_frames       = max_frames;
  p->block_length     = (int32_t)max_frames;
  p->sample_rate_f    = (float)rate;
  for (int i = 0; i < 4; ++i) {
    if (!(p->scratch[i] = calloc(max_frames, sizeof(float)))) {
      return MIXDOWN_ERR_NO_MEM;
    }
  }
  if (!(p->zeros = calloc(max_frames, sizeof(float)))) {
    return MIXDOWN_ERR_NO_MEM;
  }
  for (uint32_t i = 0U; i < c->n_ports; ++i) {
    if ((c->kinds[i] == PORT_ATOM_IN || c->kinds[i] == PORT_ATOM_OUT) && p->n_atoms < 8U) {
      if (!(p->atoms[p->n_atoms++] = calloc(1U, MD_LV2_ATOM_BYTES))) {
        return MIXDOWN_ERR_NO_MEM;
      }
    }
  }
  const LV2_URID int_type   = map_uri(w, LV2_ATOM__Int);
  const LV2_URID float_type = map_uri(w, LV2_ATOM__Float);
  p->options[0] = (LV2_Options_Option){LV2_OPTIONS_INSTANCE, 0, map_uri(w, LV2_BUF_SIZE__maxBlockLength),
                                       sizeof(int32_t), int_type, &p->block_length};
  p->options[1] = (LV2_Options_Option){LV2_OPTIONS_INSTANCE, 0, map_uri(w, LV2_BUF_SIZE__nominalBlockLength),
                                       sizeof(int32_t), int_type, &p->block_length};
  p->options[2] = (LV2_Options_Option){LV2_OPTIONS_INSTANCE, 0, map_uri(w, LV2_PARAMETERS__sampleRate),
                                       sizeof(float), float_type, &p->sample_rate_f};
  p->options[3] = (LV2_Options_Option){LV2_OPTIONS_INSTANCE, 0, 0, 0, 0, NULL};
  p->f_map      = (LV2_Feature){LV2_URID__map, &w->map};
  p->f_unmap    = (LV2_Feature){LV2_URID__unmap, &w->unmap};
  p->f_options  = (LV2_Feature){LV2_OPTIONS__options, p->options};
  p->f_bounded  = (LV2_Feature){LV2_BUF_SIZE__boundedBlockLength, NULL};
  for (uint32_t k = 0U; k < p->n_inst; ++k) {
    p->worker_context[k] = (MdWorkerContext){p, k};
    p->schedule[k]       = (LV2_Worker_Schedule){&p->worker_context[k], schedule_work};
    p->f_schedule[k]     = (LV2_Feature){LV2_WORKER__schedule, &p->schedule[k]};
    const LV2_Feature* features[] = {&p->f_map, &p->f_unmap, &p->f_options, &p->f_bounded, &p->f_schedule[k], NULL};
    memcpy(p->features[k], features, sizeof features);
    p->inst[k] = lilv_plugin_instantiate(c->plugin, rate, p->features[k]);
    if (!p->inst[k]) {
      return MIXDOWN_ERR_BAD_ARG;
    }
    p->worker[k] = lilv_instance_get_extension_data(p->inst[k], LV2_WORKER__interface);
    connect(p, k);
    lilv_instance_activate(p->inst[k]);
  }
  // The latency port is only written by run(): run a moment of silence,
  // read it, and start again from a clean state.
  if (c->latency_port >= 0) {
    prepare_atoms(p);
    lilv_instance_run(p->inst[0], max_frames < 64U ? max_frames : 64U);
    const float latency = p->controls[c->latency_port];
    p->latency          = isfinite(latency) && latency > 0.0f ? (uint32_t)lrintf(latency) : 0U;
    for (uint32_t k = 0U; k < p->n_inst; ++k) {
      lilv_instance_deactivate(p->inst[k]);
      lilv_instance_activate(p->inst[k]);
    }
  }
  return MIXDOWN_SUCCESS;
}

static void
lv2_set_param(void* state, uint32_t id, double value)
{
  MdLv2Proc* p = state;
  if (id < p->cls->base.n_params) {
    p->controls[p->cls->param_port[id]] = (float)value; // plugins smooth their own controls
  }
}

static void
lv2_process(void* state, const MdBlock* b)
{
  MdLv2Proc*        p = state;
  const MdLv2Class* c = p->cls;
  const uint32_t    n = b->frames;
  const uint32_t    out_channels = lv2_output_channels(&c->base, p->channels);
  // Inputs: scratch 0 and 1.  A mono signal feeds both inputs of a stereo
  // plugin; a stereo signal into a mono-input plugin with two outputs is summed.
  const bool sum = c->n_audio_in == 1U && c->n_audio_out == 2U && p->channels == 2U;
  for (uint32_t i = 0U; i < n; ++i) {
    p->scratch[0][i] = sum ? 0.5f * (b->in[0][i] + b->in[1][i]) : b->in[0][i];
    p->scratch[1][i] = p->channels == 2U ? b->in[1][i] : b->in[0][i];
  }
  for (uint32_t k = 0U; k < p->n_inst; ++k) {
    if (p->n_atoms) {
      prepare_atoms(p);
    }
    lilv_instance_run(p->inst[k], n);
  }
  const bool dual_mono = p->n_inst == 2U;
  for (uint32_t ch = 0U; ch < out_channels; ++ch) {
    const float* from = p->scratch[c->n_audio_out == 2U || dual_mono ? 2U + ch : 2U];
    memcpy(b->out[ch], from, n * sizeof(float));
  }
}

static void
lv2_reset(void* state)
{
  MdLv2Proc* p = state;
  for (uint32_t k = 0U; k < p->n_inst; ++k) {
    lilv_instance_deactivate(p->inst[k]);
    lilv_instance_activate(p->inst[k]);
  }
}

static uint32_t
lv2_latency(const void* state)
{
  return ((const MdLv2Proc*)state)->latency;
}

static double
lv2_read_meter(const void* state, uint32_t id)
{
  const MdLv2Proc* p = state;
  return id < p->cls->base.n_meters ? p->controls[p->cls->meter_port[id]] : 0.0;
}

/* ------------------------------------------------------------------------ */
/* Building the class                                                        */

static bool
port_kind(const MdLv2World* w, const LilvPlugin* plugin, const LilvPort* port, PortKind* kind)
{
  const bool in = lilv_port_is_a(plugin, port, w->input_port);
  if (lilv_port_is_a(plugin, port, w->control_port)) {
    *kind = in ? PORT_CONTROL_IN : PORT_CONTROL_OUT;
  } else if (lilv_port_is_a(plugin, port, w->audio_port)) {
    *kind = in ? PORT_AUDIO_IN : PORT_AUDIO_OUT;
  } else if (lilv_port_is_a(plugin, port, w->cv_port)) {
    *kind = PORT_CV;
  } else if (lilv_port_is_a(plugin, port, w->atom_port)) {
    *kind = in ? PORT_ATOM_IN : PORT_ATOM_OUT;
  } else {
    return lilv_port_has_property(plugin, port, w->optional); // unknown but optional: left unconnected
  }
  return true;
}

static bool
nearest_uri(MdLv2World* w, const char* uri, char* message, size_t size)
{
  const LilvPlugins* all   = lilv_world_get_all_plugins(w->lilv);
  const char*        names[4096];
  size_t             n     = 0U;
  LILV_FOREACH (plugins, i, all) {
    if (n < 4096U) {
      names[n++] = lilv_node_as_uri(lilv_plugin_get_uri(lilv_plugins_get(all, i)));
    }
  }
  const char* near = md_suggest(uri, names, n);
  if (near) {
    snprintf(message, size, "no LV2 plugin <%s> is installed (did you mean <%s>?)", uri, near);
  } else {
    snprintf(message, size, "no LV2 plugin <%s> is installed (%zu plugins found; `mixdown plugins` lists them)",
             uri, n);
  }
  return false;
}

static bool
check_features(MdLv2World* w, const LilvPlugin* plugin, char* message, size_t size)
{
  static const char* const supported[] = {LV2_URID__map, LV2_URID__unmap, LV2_OPTIONS__options,
                                          LV2_BUF_SIZE__boundedBlockLength, LV2_WORKER__schedule,
                                          "http://lv2plug.in/ns/lv2core#isLive"};
  LilvNodes* required = lilv_plugin_get_required_features(plugin);
  bool       ok       = true;
  LILV_FOREACH (nodes, i, required) {
    const char* feature = lilv_node_as_uri(lilv_nodes_get(required, i));
    bool        known   = false;
    for (size_t k = 0U; k < sizeof supported / sizeof supported[0]; ++k) {
      known = known || !strcmp(feature, supported[k]);
    }
    if (!known && ok) {
      snprintf(message, size, "LV2 plugin <%s> requires the feature <%s>, which mixdown does not provide",
               lilv_node_as_uri(lilv_plugin_get_uri(plugin)), feature);
      ok = false;
    }
  }
  lilv_nodes_free(required);
  (void)w;
  return ok;
}

const MdProcessorClass*
md_lv2_class_new(MdLv2World* w, const char* uri, double rate, char* message, size_t size)
{
  LilvNode*         node   = lilv_new_uri(w->lilv, uri);
  const LilvPlugin* plugin = node ? lilv_plugins_get_by_uri(lilv_world_get_all_plugins(w->lilv), node) : NULL;
  lilv_node_free(node);
  if (!plugin) {
    nearest_uri(w, uri, message, size);
    return NULL;
  }
  if (!check_features(w, plugin, message, size)) {
    return NULL;
  }
  const uint32_t n_ports = lilv_plugin_get_num_ports(plugin);
  MdLv2Class*    c       = calloc(1U, sizeof(MdLv2Class));
  float*         mins    = calloc(n_ports + 1U, sizeof(float));
  float*         maxs    = calloc(n_ports + 1U, sizeof(float));
  if (!c || !mins || !maxs || !(c->kinds = calloc(n_ports + 1U, sizeof(PortKind))) ||
      !(c->defaults = calloc(n_ports + 1U, sizeof(float))) || !(c->params = calloc(n_ports + 1U, sizeof(MdParam))) ||
      !(c->param_port = calloc(n_ports + 1U, sizeof(uint32_t))) ||
      !(c->meters = calloc(n_ports + 1U, sizeof(MdMeter))) || !(c->meter_port = calloc(n_ports + 1U, sizeof(uint32_t))) ||
      !(c->strings = calloc(4U * n_ports + 4U, sizeof(char*)))) {
    snprintf(message, size, "out of memory");
    free(mins);
    free(maxs);
    if (c) {
      c->refs = 1;
      lv2_class_release(&c->base);
    }
    return NULL;
  }
  c->refs          = 1;
  c->world         = w;
  ++w->refs;
  c->plugin        = plugin;
  c->rate          = rate;
  c->n_ports       = n_ports;
  c->latency_port  = lilv_plugin_has_latency(plugin) ? (int)lilv_plugin_get_latency_port_index(plugin) : -1;
  lilv_plugin_get_port_ranges_float(plugin, mins, maxs, c->defaults);
  bool ok = true;
  for (uint32_t i = 0U; i < n_ports && ok; ++i) {
    const LilvPort* port   = lilv_plugin_get_port_by_index(plugin, i);
    const char*     symbol = lilv_node_as_string(lilv_port_get_symbol(plugin, port));
    if (!port_kind(w, plugin, port, &c->kinds[i])) {
      snprintf(message, size, "LV2 plugin <%s>: port `%s` is of a kind mixdown cannot connect", uri, symbol);
      ok = false;
      break;
    }
    if (isnan(c->defaults[i])) {
      c->defaults[i] = isnan(mins[i]) ? 0.0f : mins[i];
    }
    switch (c->kinds[i]) {
    case PORT_AUDIO_IN:
      ok = c->n_audio_in < 2U;
      c->audio_in[c->n_audio_in++ % 2U] = i;
      break;
    case PORT_AUDIO_OUT:
      ok = c->n_audio_out < 2U;
      c->audio_out[c->n_audio_out++ % 2U] = i;
      break;
    case PORT_CONTROL_IN: {
      // lv2:sampleRate ranges are fractions of the rate.
      const bool   scaled = lilv_port_has_property(plugin, port, w->sample_rate);
      const double lo     = isnan(mins[i]) ? -1e9 : mins[i] * (scaled ? rate : 1.0);
      const double hi     = isnan(maxs[i]) ? 1e9 : maxs[i] * (scaled ? rate : 1.0);
      double       def    = c->defaults[i];
      if (scaled && def <= maxs[i]) {
        def *= rate;
      }
      def = fmax(lo, fmin(hi, def));
      LilvNode*      name  = lilv_port_get_name(plugin, port);
      const uint32_t k     = c->base.n_params++;
      const bool     flag  = lilv_port_has_property(plugin, port, w->toggled);
      c->params[k].info    = (MixdownParamInfo){keep(c, symbol), "", keep(c, name ? lilv_node_as_string(name) : symbol),
                                                flag ? MIXDOWN_PARAM_BOOL : MIXDOWN_PARAM_NUMBER, lo, hi, def, NULL};
      c->param_port[k]     = i;
      c->defaults[i]       = (float)def;
      lilv_node_free(name);
      break;
    }
    case PORT_CONTROL_OUT:
      if ((int)i != c->latency_port) {
        const uint32_t k = c->base.n_meters++;
        c->meters[k]     = (MdMeter){keep(c, symbol), "LV2 control output"};
        c->meter_port[k] = i;
      }
      break;
    case PORT_CV:
    case PORT_ATOM_IN:
    case PORT_ATOM_OUT: break;
    }
  }
  free(mins);
  free(maxs);
  if (ok && (c->n_audio_in == 0U || c->n_audio_out == 0U)) {
    snprintf(message, size, "LV2 plugin <%s> has %u audio inputs and %u outputs; an insert needs 1 or 2 of each",
             uri, c->n_audio_in, c->n_audio_out);
    ok = false;
  } else if (!ok && !message[0]) {
    snprintf(message, size, "LV2 plugin <%s> has more than two audio inputs or outputs", uri);
  }
  if (!ok) {
    lv2_class_release(&c->base);
    return NULL;
  }
  LilvNode* name    = lilv_plugin_get_name(plugin);
  c->base.name        = "lv2";
  c->base.description = keep(c, name ? lilv_node_as_string(name) : uri);
  lilv_node_free(name);
  c->base.params          = c->params;
  c->base.meters          = c->meters;
  c->base.context         = c;
  c->base.output_channels = lv2_output_channels;
  c->base.retain          = lv2_class_retain;
  c->base.release         = lv2_class_release;
  c->base.create          = lv2_create;
  c->base.prepare         = lv2_prepare;
  c->base.destroy         = lv2_destroy;
  c->base.set_param       = lv2_set_param;
  c->base.process         = lv2_process;
  c->base.reset           = lv2_reset;
  c->base.latency         = lv2_latency;
  c->base.tail            = md_processor_no_frames; // unknown: plugins do not say (length: auto stops at the last clip)
  c->base.read_meter      = lv2_read_meter;
  return &c->base;
}

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
  if (type == map_uri(c->world, LV2_ATOM__Float) && size == sizeof(float)) {
    x = *(const float*)value;
  } else if (type == map_uri(c->world, LV2_ATOM__Double) && size == sizeof(double)) {
    x = (float)*(const double*)value;
  } else if (type == map_uri(c->world, LV2_ATOM__Int) && size == sizeof(int32_t)) {
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
