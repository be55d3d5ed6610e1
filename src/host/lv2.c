// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// An LV2 plugin's class: reading its ports (controls with their ranges,
// steps and enumerations, meters, audio, CV and atoms) into an
// MdProcessorClass the engine runs like a built-in processor.  Instances
// are in lv2_instance.c, the isolated child in lv2_child.c, the world
// (lilv and the URID map) in lv2_world.c, presets and listings in
// lv2_listing.c.  Control thread.

#include "host/lv2_internal.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/suggest.h"

// Atom port buffers: a plugin may ask for more with rsz:minimumSize (the
// resize-port extension; x42's fil4, meters and sisco need 33-132 KB).
#define MD_LV2_ATOM_BYTES     8192U       // when the plugin says nothing
#define MD_LV2_ATOM_MAX_BYTES (4U << 20)  // a larger minimum is refused: 4 MiB per port
#define MD_LV2_UNBOUNDED      1e9         // a port with no (or a non-finite) bound

/* ------------------------------------------------------------------------ */
/* Single-precision metadata                                                 */

double
md_lv2_float_value(float x)
{
  if (!isfinite(x)) {
    return x;
  }
  // The shortest decimal that reads back as the same float: what a person
  // typed into the plugin's Turtle file (1.4, not 1.399999976).
  char text[32];
  for (int digits = 1; digits < 9; ++digits) {
    snprintf(text, sizeof text, "%.*g", digits, (double)x);
    if (strtof(text, NULL) == x) {
      return strtod(text, NULL);
    }
  }
  return x;
}

/* ------------------------------------------------------------------------ */
/* A plugin's class                                                          */

static const char*
keep(MdLv2Class* c, const char* s)
{
  char* copy = strdup(s ? s : "");
  if (copy) {
    c->strings[c->n_strings++] = copy;
  }
  return copy ? copy : "";
}

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
  for (uint32_t k = 0U; c->points && k < c->base.n_params; ++k) {
    free(c->points[k]);
  }
  free(c->points);
  free(c->n_points);
  free(c->step);
  free(c->atom_bytes);
  free(c->kinds);
  free(c->defaults);
  free(c->params);
  free(c->param_port);
  free(c->meters);
  free(c->meter_port);
  md_lv2_world_unref(c->world);
  free(c);
}

uint32_t
md_lv2_output_channels(const MdProcessorClass* cls, uint32_t in_channels)
{
  const MdLv2Class* c = (const MdLv2Class*)cls;
  // A mono plugin runs once per channel (dual mono); a plugin with two
  // outputs gives two.
  return c->n_audio_out == 2U ? 2U : in_channels;
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

// The buffer size of atom port `port`: its rsz:minimumSize when it asks for
// more than the default.  False when it asks for more than the cap.
static bool
atom_bytes(const MdLv2World* w, const LilvPlugin* plugin, const LilvPort* port, uint32_t* bytes, double* asked)
{
  LilvNode* size = lilv_port_get(plugin, port, w->minimum_size);
  *asked         = size && (lilv_node_is_int(size) || lilv_node_is_float(size)) ? lilv_node_as_float(size) : 0.0;
  lilv_node_free(size);
  if (!(*asked <= MD_LV2_ATOM_MAX_BYTES)) { // NaN too
    return false;
  }
  const double want = *asked > MD_LV2_ATOM_BYTES ? ceil(*asked / 8.0) * 8.0 : MD_LV2_ATOM_BYTES;
  *bytes            = (uint32_t)want;
  return true;
}

// A bound as the session sees it: the port's float as its shortest decimal
// (so `1.4` is in a range the plugin gives as 1.4f), in Hz for an
// lv2:sampleRate port, ±1e9 when missing or not finite.
static double
control_bound(float bound, double scale, double unbounded)
{
  const float held = (float)((double)bound * scale); // what the port holds at that bound
  return isfinite(held) ? md_lv2_float_value(held) : unbounded;
}

static int
compare_floats(const void* a, const void* b)
{
  const float x = *(const float*)a, y = *(const float*)b;
  return (x > y) - (x < y);
}

// An enumeration's values (ascending) and a description listing them
// ("Mode (0 off, 1 slow, 2 fast)").  False when out of memory.
static bool
read_scale_points(MdLv2Class* c, const LilvPort* port, uint32_t k, char* text, size_t size)
{
  LilvScalePoints* points = lilv_port_get_scale_points(c->plugin, port);
  const uint32_t   n      = points ? lilv_scale_points_size(points) : 0U;
  c->points[k]            = n ? calloc(n, sizeof(float)) : NULL;
  if (n && !c->points[k]) {
    lilv_scale_points_free(points);
    return false;
  }
  size_t used = strlen(text);
  used += (size_t)snprintf(text + used, size - used, " (");
  LILV_FOREACH (scale_points, i, points) {
    const LilvScalePoint* point = lilv_scale_points_get(points, i);
    const LilvNode*       value = lilv_scale_point_get_value(point);
    const LilvNode*       label = lilv_scale_point_get_label(point);
    const float           x     = value ? lilv_node_as_float(value) : NAN;
    if (!isfinite(x)) {
      continue; // a point with no usable value is no value the port takes
    }
    c->points[k][c->n_points[k]++] = x;
    if (used + 8U < size) {
      used += (size_t)snprintf(text + used, size - used, "%s%.9g %s", c->n_points[k] > 1U ? ", " : "", (double)x,
                               label ? lilv_node_as_string(label) : "");
    }
  }
  lilv_scale_points_free(points);
  if (used + 2U < size) {
    snprintf(text + used, size - used, ")");
  }
  qsort(c->points[k], c->n_points[k], sizeof(float), compare_floats);
  return true;
}

// Control input `i` becomes parameter k: its range and default (see
// control_bound; an inverted range is put the right way round, a missing or
// NaN default is the minimum), its stepping and description.
static bool
add_control_input(MdLv2Class* c, const LilvPort* port, uint32_t i, const char* symbol, float min, float max)
{
  const MdLv2World* w      = c->world;
  const bool        scaled = lilv_port_has_property(c->plugin, port, w->sample_rate);
  double            lo     = control_bound(min, scaled ? c->rate_hz : 1.0, -MD_LV2_UNBOUNDED);
  double            hi     = control_bound(max, scaled ? c->rate_hz : 1.0, MD_LV2_UNBOUNDED);
  if (lo > hi) {
    const double swap = lo;
    lo                = hi;
    hi                = swap;
  }
  double def = c->defaults[i];
  if (scaled && def <= max) {
    def *= c->rate_hz;
  }
  if (isnan(def)) { // none given: the minimum, or 0 when the range is open below
    def = isfinite(min) ? lo : 0.0;
  }
  def = fmax(lo, fmin(hi, md_lv2_float_value((float)def)));

  const uint32_t k = c->base.n_params++;
  c->step[k]       = lilv_port_has_property(c->plugin, port, w->toggled)     ? STEP_TOGGLE
                     : lilv_port_has_property(c->plugin, port, w->enumeration) ? STEP_ENUMERATION
                     : lilv_port_has_property(c->plugin, port, w->integer)     ? STEP_INTEGER
                                                                              : STEP_NONE;
  LilvNode* name = lilv_port_get_name(c->plugin, port);
  char      text[256];
  snprintf(text, sizeof text, "%s", name ? lilv_node_as_string(name) : symbol);
  lilv_node_free(name);
  if (c->step[k] == STEP_ENUMERATION && !read_scale_points(c, port, k, text, sizeof text)) {
    return false;
  }
  if (c->step[k] == STEP_ENUMERATION && !c->n_points[k]) {
    c->step[k] = STEP_INTEGER; // an enumeration that lists no values: whole numbers at least
  }
  if (c->step[k] == STEP_INTEGER) {
    const size_t used = strlen(text);
    snprintf(text + used, sizeof text - used, " (integer)");
  }
  def             = md_lv2_stepped(c, k, def); // an integer or enumeration's default is one of its values
  const bool flag = c->step[k] == STEP_TOGGLE;
  c->params[k].info = (MixdownParamInfo){keep(c, symbol), "", keep(c, text),
                                         flag ? MIXDOWN_PARAM_BOOL : MIXDOWN_PARAM_NUMBER, lo, hi, def, NULL};
  c->param_port[k] = i;
  c->defaults[i]   = (float)def;
  return true;
}

static MdLv2Class*
class_alloc(MdLv2World* w, const LilvPlugin* plugin, double rate_hz)
{
  const uint32_t n_ports = lilv_plugin_get_num_ports(plugin);
  const size_t   n       = (size_t)n_ports + 1U;
  MdLv2Class*    c       = calloc(1U, sizeof(MdLv2Class));
  if (!c) {
    return NULL;
  }
  c->refs    = 1;
  c->world   = w;
  ++w->refs;
  c->plugin  = plugin;
  c->rate_hz = rate_hz;
  c->n_ports = n_ports;
  if (!(c->kinds = calloc(n, sizeof(PortKind))) || !(c->defaults = calloc(n, sizeof(float))) ||
      !(c->atom_bytes = calloc(n, sizeof(uint32_t))) || !(c->params = calloc(n, sizeof(MdParam))) ||
      !(c->param_port = calloc(n, sizeof(uint32_t))) || !(c->step = calloc(n, sizeof(StepKind))) ||
      !(c->points = calloc(n, sizeof(float*))) || !(c->n_points = calloc(n, sizeof(uint32_t))) ||
      !(c->meters = calloc(n, sizeof(MdMeter))) || !(c->meter_port = calloc(n, sizeof(uint32_t))) ||
      !(c->strings = calloc(4U * n, sizeof(char*)))) {
    lv2_class_release(&c->base);
    return NULL;
  }
  return c;
}

// Reads every port into the class.  False with a message for a port mixdown
// cannot connect, an atom buffer too large, or more than two audio ports a side.
static bool
read_ports(MdLv2Class* c, const char* uri, char* message, size_t size)
{
  MdLv2World* w    = c->world;
  float*      mins = calloc(c->n_ports + 1U, sizeof(float));
  float*      maxs = calloc(c->n_ports + 1U, sizeof(float));
  bool        ok   = mins && maxs;
  if (!ok) {
    snprintf(message, size, "out of memory");
  } else {
    lilv_plugin_get_port_ranges_float(c->plugin, mins, maxs, c->defaults);
  }
  for (uint32_t i = 0U; i < c->n_ports && ok; ++i) {
    const LilvPort* port = lilv_plugin_get_port_by_index(c->plugin, i);
    const LilvNode* sym  = port ? lilv_port_get_symbol(c->plugin, port) : NULL;
    char            symbol[64];
    snprintf(symbol, sizeof symbol, "%s", sym ? lilv_node_as_string(sym) : "");
    if (!port || !symbol[0]) {
      snprintf(message, size, "LV2 plugin <%s>: port %u has no symbol", uri, i);
      ok = false;
      break;
    }
    if (!port_kind(w, c->plugin, port, &c->kinds[i])) {
      snprintf(message, size, "LV2 plugin <%s>: port `%s` is of a kind mixdown cannot connect", uri, symbol);
      ok = false;
      break;
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
    case PORT_CONTROL_IN:
      if (!add_control_input(c, port, i, symbol, mins[i], maxs[i])) {
        snprintf(message, size, "out of memory");
        ok = false;
      }
      break;
    case PORT_CONTROL_OUT:
      c->defaults[i] = isfinite(c->defaults[i]) ? c->defaults[i] : 0.0f;
      if ((int)i != c->latency_port) {
        const uint32_t k = c->base.n_meters++;
        c->meters[k]     = (MdMeter){keep(c, symbol), "LV2 control output"};
        c->meter_port[k] = i;
      }
      break;
    case PORT_ATOM_IN:
    case PORT_ATOM_OUT: {
      double asked = 0.0;
      ++c->n_atoms;
      if (!atom_bytes(w, c->plugin, port, &c->atom_bytes[i], &asked)) {
        snprintf(message, size, "LV2 plugin <%s>: atom port `%s` asks for a %.0f-byte buffer (mixdown gives at most %u)",
                 uri, symbol, asked, MD_LV2_ATOM_MAX_BYTES);
        ok = false;
      }
      break;
    }
    case PORT_CV: break;
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
  return ok;
}

// Whether plugins run in a process of their own: yes unless the caller
// said otherwise with mixdown_set_plugin_isolation(0) (for a debugger in
// the plugin, or the round trip per block saved; docs/plugins.md has the
// cost).  The `mixdown` command reads MIXDOWN_LV2_ISOLATION for it.
static atomic_bool isolate_plugins = true;

void
mixdown_set_plugin_isolation(int isolated)
{
  atomic_store(&isolate_plugins, isolated != 0);
}

static bool
isolation_wanted(void)
{
  return atomic_load(&isolate_plugins);
}

const MdProcessorClass*
md_lv2_class_new(MdLv2World* w, const char* uri, double rate_hz, char* message, size_t size)
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
  message[0]    = '\0';
  MdLv2Class* c = class_alloc(w, plugin, rate_hz);
  if (!c) {
    snprintf(message, size, "out of memory");
    return NULL;
  }
  c->uri          = keep(c, uri);
  c->isolated     = isolation_wanted();
  c->latency_port = lilv_plugin_has_latency(plugin) ? (int)lilv_plugin_get_latency_port_index(plugin) : -1;
  if (!read_ports(c, uri, message, size) || !md_lv2_try_instantiate(c, uri, message, size)) {
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
  c->base.output_channels = md_lv2_output_channels;
  c->base.retain          = lv2_class_retain;
  c->base.release         = lv2_class_release;
  c->base.create          = md_lv2_create;
  c->base.prepare         = md_lv2_prepare;
  c->base.destroy         = md_lv2_destroy;
  c->base.set_param       = md_lv2_set_param;
  c->base.process         = md_lv2_process;
  c->base.reset           = md_lv2_reset;
  c->base.latency         = md_lv2_latency;
  c->base.tail            = md_processor_no_frames; // unknown: plugins do not say (length: auto stops at the last clip)
  c->base.read_meter      = md_lv2_read_meter;
  c->base.fault           = md_lv2_fault;
  return &c->base;
}
