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
#include <lv2/resize-port/resize-port.h>
#include <lv2/urid/urid.h>
#include <lv2/worker/worker.h>

#include <errno.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

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
/* Which plugin is running: for a fatal signal's last words                  */
//
// A plugin run in mixdown's own process that divides by zero or writes
// through a wild pointer takes the process down.  While a plugin's code
// runs, its URI is noted in a thread-local (the fault is delivered to
// the thread that made it); the handler writes one line naming it with
// write(2), puts back the handler that was there before and raises the
// signal again, so the process still dies of it (exit status, core).

typedef struct MdLv2Class MdLv2Class;

static _Thread_local const char* md_lv2_running __attribute__((tls_model("initial-exec")));

static const int      fatal_signals[] = {SIGFPE, SIGSEGV, SIGBUS, SIGILL, SIGABRT};
static struct sigaction saved_actions[sizeof fatal_signals / sizeof fatal_signals[0]];

static const char*
signal_name(int sig)
{
  switch (sig) {
  case SIGFPE: return "FPE";
  case SIGSEGV: return "SEGV";
  case SIGBUS: return "BUS";
  case SIGILL: return "ILL";
  case SIGABRT: return "ABRT";
  case SIGTRAP: return "TRAP";
  case SIGSYS: return "SYS";
  default: return "NAL";
  }
}

static void
say(const char* text)
{
  const ssize_t ignored = write(STDERR_FILENO, text, strlen(text));
  (void)ignored;
}

static void
on_fatal_signal(int sig)
{
  const char* uri = md_lv2_running; // the URI of the plugin this thread is in, or NULL
  if (uri) {
    say("mixdown: LV2 plugin <");
    say(uri);
    say("> crashed with SIG");
    say(signal_name(sig));
    say(" (run it isolated, the default, to keep mixdown alive)\n");
  }
  for (size_t i = 0U; i < sizeof fatal_signals / sizeof fatal_signals[0]; ++i) {
    if (fatal_signals[i] == sig) {
      sigaction(sig, &saved_actions[i], NULL);
    }
  }
  raise(sig); // delivered as the handler returns, to the handler that was there before
}

static void
install_fatal_handler(void)
{
  struct sigaction action = {.sa_handler = on_fatal_signal};
  sigemptyset(&action.sa_mask);
  for (size_t i = 0U; i < sizeof fatal_signals / sizeof fatal_signals[0]; ++i) {
    sigaction(fatal_signals[i], &action, &saved_actions[i]);
  }
}

static pthread_once_t fatal_handler_once = PTHREAD_ONCE_INIT;

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
  LilvNode* toggled, *integer, *sample_rate, *enumeration, *optional, *preset_class, *label, *minimum_size;
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

/* ------------------------------------------------------------------------ */
/* A plugin's class                                                          */

typedef enum { PORT_CONTROL_IN, PORT_CONTROL_OUT, PORT_AUDIO_IN, PORT_AUDIO_OUT, PORT_CV, PORT_ATOM_IN, PORT_ATOM_OUT } PortKind;

/// How a control input takes a moving value: integer and enumeration ports
/// only ever see the values they declare, a toggle only its two.
typedef enum { STEP_NONE, STEP_INTEGER, STEP_TOGGLE, STEP_ENUMERATION } StepKind;

struct MdLv2Class {
  MdProcessorClass  base; ///< First: the class the engine sees
  int               refs;
  MdLv2World*       world;
  const LilvPlugin* plugin;
  const char*       uri;        ///< Kept: read by the fatal-signal handler
  bool              isolated;   ///< Instances run in a child process
  double            rate_hz;
  uint32_t          n_ports;
  PortKind*         kinds;
  float*            defaults;   ///< Per port (controls)
  uint32_t*         atom_bytes; ///< Per port (atoms): buffer size, from rsz:minimumSize
  uint32_t          n_atoms;    ///< Atom ports
  MdParam*          params;     ///< Control inputs, by symbol
  uint32_t*         param_port;
  StepKind*         step;       ///< Per parameter
  float**           points;     ///< Per parameter: an enumeration's values, ascending (or NULL)
  uint32_t*         n_points;
  MdMeter*          meters;     ///< Control outputs but the latency port
  uint32_t*         meter_port;
  uint32_t          audio_in[2], audio_out[2], n_audio_in, n_audio_out;
  int               latency_port; ///< -1: none
  char**            strings;      ///< Owned names and descriptions
  uint32_t          n_strings;
};

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
  LV2_Atom_Sequence** atoms;    ///< One per atom port, in port order (c->atom_bytes each)
  uint32_t          max_frames;
  int32_t           block_length_frames;
  float             sample_rate_hz_f;
  LV2_Options_Option options[4];
  LV2_Worker_Schedule schedule[2];
  LV2_Feature       f_map, f_unmap, f_options, f_bounded, f_schedule[2];
  const LV2_Feature* features[2][6];
  MdWorkerContext   worker_context[2];
  uint32_t          latency_frames;
  LV2_URID          sequence_type, chunk_type; ///< Mapped at prepare (the audio thread maps nothing)
  uint8_t*          shared;       ///< controls, scratch and zeros in one block (shared with the child)
  size_t            shared_bytes;
  pid_t             child;        ///< Isolated: the plugin's process (0: none, or gone)
  int               socket;       ///< Isolated: our end of the socket pair (-1: none)
  char              fault[512];   ///< Why the plugin can no longer run ("" while it can)
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

// The value port `k` gets for `value`: an integer port the nearest
// integer, a toggle 0 or 1 (from the midpoint up), an enumeration the
// nearest of its values.  So an envelope over such a port moves in steps,
// as the plugin expects, never through values it does not declare.
static double
stepped(const MdLv2Class* c, uint32_t k, double value)
{
  switch (c->step[k]) {
  case STEP_NONE: break;
  case STEP_INTEGER: return nearbyint(value);
  case STEP_TOGGLE: return value >= 0.5 ? 1.0 : 0.0;
  case STEP_ENUMERATION: {
    const float* points = c->points[k];
    float        best   = points[0];
    for (uint32_t i = 1U; i < c->n_points[k]; ++i) {
      best = fabs(points[i] - value) < fabs(best - value) ? points[i] : best;
    }
    return best;
  }
  }
  return value;
}

static void*
lv2_create(const MdProcessorClass* cls, uint32_t channels, const double* values)
{
  const MdLv2Class* c = (const MdLv2Class*)cls;
  MdLv2Proc*        p = calloc(1U, sizeof(MdLv2Proc));
  if (!p || !(p->controls = calloc(c->n_ports + 1U, sizeof(float)))) {
    free(p);
    return NULL;
  }
  p->cls      = c;
  p->socket   = -1;
  p->channels = channels;
  p->n_inst   = c->n_audio_in == 1U && c->n_audio_out == 1U && channels == 2U ? 2U : 1U;
  for (uint32_t i = 0U; i < c->n_ports; ++i) {
    p->controls[i] = c->defaults[i];
  }
  for (uint32_t k = 0U; k < c->base.n_params; ++k) {
    p->controls[c->param_port[k]] = (float)stepped(c, k, values[k]);
  }
  return p;
}

static void child_stop(MdLv2Proc* p);

static void
lv2_destroy(void* state)
{
  MdLv2Proc* p = state;
  if (p->cls->isolated) {
    child_stop(p);
  }
  for (uint32_t k = 0U; k < p->n_inst; ++k) {
    if (p->inst[k]) {
      lilv_instance_deactivate(p->inst[k]);
      lilv_instance_free(p->inst[k]);
    }
  }
  for (uint32_t i = 0U; p->atoms && i < p->cls->n_atoms; ++i) {
    free(p->atoms[i]);
  }
  free(p->atoms);
  if (!p->shared) {
    free(p->controls); // prepare() never ran: controls are still create()'s
  } else if (p->cls->isolated) {
    munmap(p->shared, p->shared_bytes);
  } else {
    free(p->shared);
  }
  free(p);
}

static void
prepare_atoms(MdLv2Proc* p)
{
  const MdLv2Class* c = p->cls;
  uint32_t          a = 0U;
  for (uint32_t i = 0U; i < c->n_ports && a < c->n_atoms; ++i) {
    if (c->kinds[i] == PORT_ATOM_IN) {
      p->atoms[a]->atom.size = sizeof(LV2_Atom_Sequence_Body); // empty
      p->atoms[a]->atom.type = p->sequence_type;
      ++a;
    } else if (c->kinds[i] == PORT_ATOM_OUT) {
      p->atoms[a]->atom.size = c->atom_bytes[i] - (uint32_t)sizeof(LV2_Atom); // capacity
      p->atoms[a]->atom.type = p->chunk_type;
      ++a;
    }
  }
}

// Connects instance `k`: controls to the shared values, audio to the
// scratch buffers (inputs 0/1, outputs 2/3), CV to zeros, atoms to buffers.
static void
connect_ports(MdLv2Proc* p, uint32_t k)
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
    case PORT_ATOM_OUT: where = p->atoms[atom++]; break;
    }
    lilv_instance_connect_port(p->inst[k], i, where);
  }
}

// Options and features of instance `k`, for `rate` and blocks of at most
// `max_frames` (control thread; the URIDs are mapped here, never in run()).
static void
set_features(MdLv2Proc* p, double rate_hz, uint32_t max_frames)
{
  MdLv2World* w             = p->cls->world;
  p->max_frames             = max_frames;
  p->block_length_frames    = (int32_t)max_frames;
  p->sample_rate_hz_f       = (float)rate_hz;
  p->sequence_type          = map_uri(w, LV2_ATOM__Sequence);
  p->chunk_type             = map_uri(w, LV2_ATOM__Chunk);
  const LV2_URID int_type   = map_uri(w, LV2_ATOM__Int);
  const LV2_URID float_type = map_uri(w, LV2_ATOM__Float);
  p->options[0] = (LV2_Options_Option){LV2_OPTIONS_INSTANCE, 0, map_uri(w, LV2_BUF_SIZE__maxBlockLength),
                                       sizeof(int32_t), int_type, &p->block_length_frames};
  p->options[1] = (LV2_Options_Option){LV2_OPTIONS_INSTANCE, 0, map_uri(w, LV2_BUF_SIZE__nominalBlockLength),
                                       sizeof(int32_t), int_type, &p->block_length_frames};
  p->options[2] = (LV2_Options_Option){LV2_OPTIONS_INSTANCE, 0, map_uri(w, LV2_PARAMETERS__sampleRate),
                                       sizeof(float), float_type, &p->sample_rate_hz_f};
  p->options[3] = (LV2_Options_Option){LV2_OPTIONS_INSTANCE, 0, 0, 0, 0, NULL};
  p->f_map      = (LV2_Feature){LV2_URID__map, &w->map};
  p->f_unmap    = (LV2_Feature){LV2_URID__unmap, &w->unmap};
  p->f_options  = (LV2_Feature){LV2_OPTIONS__options, p->options};
  p->f_bounded  = (LV2_Feature){LV2_BUF_SIZE__boundedBlockLength, NULL};
  for (uint32_t k = 0U; k < 2U; ++k) {
    p->worker_context[k] = (MdWorkerContext){p, k};
    p->schedule[k]       = (LV2_Worker_Schedule){&p->worker_context[k], schedule_work};
    p->f_schedule[k]     = (LV2_Feature){LV2_WORKER__schedule, &p->schedule[k]};
    const LV2_Feature* features[] = {&p->f_map, &p->f_unmap, &p->f_options, &p->f_bounded, &p->f_schedule[k], NULL};
    memcpy(p->features[k], features, sizeof features);
  }
}

// Buffers the plugin reads and writes: control values, audio in and out,
// CV silence — in memory shared with the plugin's process when it has one.
static MixdownStatus
alloc_buffers(MdLv2Proc* p)
{
  const MdLv2Class* c        = p->cls;
  const size_t      controls = ((size_t)c->n_ports + 1U) * sizeof(float);
  const size_t      audio    = (size_t)p->max_frames * sizeof(float);
  p->shared_bytes            = controls + 5U * audio;
  uint8_t* base              = NULL;
  if (c->isolated) {
    base = mmap(NULL, p->shared_bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    base = base == MAP_FAILED ? NULL : base;
  } else {
    base = calloc(1U, p->shared_bytes);
  }
  if (!base) {
    return MIXDOWN_ERR_NO_MEM;
  }
  memcpy(base, p->controls, controls); // the values create() set
  free(p->controls);
  p->shared   = base;
  p->controls = (float*)base;
  for (int i = 0; i < 4; ++i) {
    p->scratch[i] = (float*)(base + controls + (size_t)i * audio);
  }
  p->zeros = (float*)(base + controls + 4U * audio);
  if (!(p->atoms = calloc(c->n_atoms + 1U, sizeof(LV2_Atom_Sequence*)))) {
    return MIXDOWN_ERR_NO_MEM;
  }
  for (uint32_t i = 0U, a = 0U; i < c->n_ports; ++i) {
    if ((c->kinds[i] == PORT_ATOM_IN || c->kinds[i] == PORT_ATOM_OUT) &&
        !(p->atoms[a++] = calloc(1U, c->atom_bytes[i]))) {
      return MIXDOWN_ERR_NO_MEM;
    }
  }
  return MIXDOWN_SUCCESS;
}

// Runs every instance over `n` frames, with the plugin noted for the
// fatal-signal handler while it runs.
static void
run_instances(MdLv2Proc* p, uint32_t n)
{
  for (uint32_t k = 0U; k < p->n_inst; ++k) {
    if (p->cls->n_atoms) {
      prepare_atoms(p);
    }
    md_lv2_running = p->cls->uri;
    lilv_instance_run(p->inst[k], n);
    md_lv2_running = NULL;
  }
}

static void
reset_instances(MdLv2Proc* p)
{
  md_lv2_running = p->cls->uri;
  for (uint32_t k = 0U; k < p->n_inst; ++k) {
    lilv_instance_deactivate(p->inst[k]);
    lilv_instance_activate(p->inst[k]);
  }
  md_lv2_running = NULL;
}

// Instantiates, connects and activates the instances, and reads the
// latency port.  False when the plugin cannot be instantiated.
static bool
start_instances(MdLv2Proc* p, double rate_hz)
{
  const MdLv2Class* c = p->cls;
  for (uint32_t k = 0U; k < p->n_inst; ++k) {
    md_lv2_running = c->uri;
    p->inst[k]     = lilv_plugin_instantiate(c->plugin, rate_hz, p->features[k]);
    md_lv2_running = NULL;
    if (!p->inst[k]) {
      return false;
    }
    p->worker[k] = lilv_instance_get_extension_data(p->inst[k], LV2_WORKER__interface);
    connect_ports(p, k);
    md_lv2_running = c->uri;
    lilv_instance_activate(p->inst[k]);
    md_lv2_running = NULL;
  }
  // The latency port is only written by run(): run a moment of silence,
  // read it, and start again from a clean state.
  if (c->latency_port >= 0) {
    run_instances(p, p->max_frames < 64U ? p->max_frames : 64U);
    const float reported_frames = p->controls[c->latency_port];
    const bool  usable          = isfinite(reported_frames) && reported_frames > 0.0f && reported_frames < 1e8f;
    p->latency_frames           = usable ? (uint32_t)lrintf(reported_frames) : 0U;
    memset(p->zeros, 0, p->max_frames * sizeof(float));
    reset_instances(p);
  }
  return true;
}

/* ------------------------------------------------------------------------ */
/* The plugin in a process of its own                                        */
//
// An isolated instance lives in a child forked at prepare(): the child
// instantiates the plugin and runs it on request; audio, control values
// and meters travel through memory both processes map (alloc_buffers), and
// one small message each way per block through a socket pair — the
// round trip is the whole cost.  When the plugin dies (a signal, exit()),
// the parent's receive returns end-of-file: the render stops with a
// message naming the plugin and the signal instead of taking mixdown down.

typedef enum { CHILD_RUN = 1, CHILD_RESET, CHILD_STARTED } ChildCommand;

typedef struct {
  uint32_t command; ///< ChildCommand
  uint32_t frames;  ///< CHILD_RUN: frames; CHILD_STARTED: latency
  uint32_t ok;      ///< CHILD_STARTED: instantiated
} ChildMessage;

static bool
send_message(int fd, ChildMessage m)
{
  ssize_t sent;
  do {
    sent = send(fd, &m, sizeof m, MSG_NOSIGNAL); // a dead peer is an error, not SIGPIPE
  } while (sent < 0 && errno == EINTR);
  return sent == (ssize_t)sizeof m;
}

static bool
receive_message(int fd, ChildMessage* m)
{
  ssize_t got;
  do {
    got = recv(fd, m, sizeof *m, 0);
  } while (got < 0 && errno == EINTR);
  return got == (ssize_t)sizeof *m;
}

// The child: start the instances, then serve until the parent closes its end.
static _Noreturn void
child_serve(MdLv2Proc* p, int fd, double rate_hz)
{
  // A fatal signal is the parent's to report: die of it plainly.
  static const int fatal[] = {SIGFPE, SIGSEGV, SIGBUS, SIGILL, SIGABRT, SIGTRAP, SIGSYS};
  for (size_t i = 0U; i < sizeof fatal / sizeof fatal[0]; ++i) {
    signal(fatal[i], SIG_DFL);
  }
  signal(SIGINT, SIG_IGN); // Ctrl-C is the parent's: it stops the render, then closes our socket
  signal(SIGTERM, SIG_DFL);
  prctl(PR_SET_PDEATHSIG, SIGKILL); // the parent killed: go too
  const bool ok = start_instances(p, rate_hz);
  if (!send_message(fd, (ChildMessage){CHILD_STARTED, p->latency_frames, ok}) || !ok) {
    _exit(0);
  }
  ChildMessage m;
  while (receive_message(fd, &m)) {
    if (m.command == CHILD_RUN && m.frames <= p->max_frames) {
      run_instances(p, m.frames);
    } else if (m.command == CHILD_RESET) {
      reset_instances(p);
    }
    if (!send_message(fd, m)) {
      break;
    }
  }
  _exit(0); // no atexit handlers, no stdio flush of the parent's buffers
}

// Why the child is gone, once: the signal that ended it, or its exit status.
static void
child_lost(MdLv2Proc* p, const char* doing)
{
  int status = 0;
  kill(p->child, SIGKILL); // if it is still there (it closed its socket): it is of no use now
  while (waitpid(p->child, &status, 0) < 0 && errno == EINTR) {
  }
  p->child = 0;
  close(p->socket);
  p->socket = -1;
  const char* uri = lilv_node_as_uri(lilv_plugin_get_uri(p->cls->plugin));
  if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL) {
    const int sig = WTERMSIG(status);
    snprintf(p->fault, sizeof p->fault, "LV2 plugin <%s> crashed with SIG%s (%s) %s", uri, signal_name(sig),
             strsignal(sig), doing);
  } else if (WIFEXITED(status)) {
    snprintf(p->fault, sizeof p->fault, "LV2 plugin <%s> ended its process (exit status %d) %s", uri,
             WEXITSTATUS(status), doing);
  } else {
    snprintf(p->fault, sizeof p->fault, "LV2 plugin <%s>: its process was killed %s", uri, doing);
  }
}

// One request to the child and its answer.  False when the child is gone.
static bool
child_call(MdLv2Proc* p, ChildCommand command, uint32_t frames, const char* doing)
{
  ChildMessage m = {command, frames, 0U};
  if (p->socket < 0) {
    return false;
  }
  if (send_message(p->socket, m) && receive_message(p->socket, &m)) {
    return true;
  }
  child_lost(p, doing);
  return false;
}

static MixdownStatus
child_start(MdLv2Proc* p, double rate_hz)
{
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0) {
    return MIXDOWN_ERR_NO_MEM;
  }
  fflush(NULL); // what stdio holds is written once, not once more by the child
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return MIXDOWN_ERR_NO_MEM;
  }
  if (pid == 0) {
    close(fds[0]);
    child_serve(p, fds[1], rate_hz);
  }
  close(fds[1]);
  p->child  = pid;
  p->socket = fds[0];
  ChildMessage started;
  if (!receive_message(p->socket, &started)) {
    child_lost(p, "while it was instantiated");
    return MIXDOWN_ERR_BAD_ARG;
  }
  if (started.command != CHILD_STARTED || !started.ok) {
    child_lost(p, "");
    return MIXDOWN_ERR_BAD_ARG;
  }
  p->latency_frames = started.frames;
  return MIXDOWN_SUCCESS;
}

static void
child_stop(MdLv2Proc* p)
{
  if (p->child > 0) {
    close(p->socket); // the child reads end-of-file and leaves; SIGKILL in case it is stuck in the plugin
    kill(p->child, SIGKILL);
    while (waitpid(p->child, NULL, 0) < 0 && errno == EINTR) {
    }
  }
}

static MixdownStatus
lv2_prepare(void* state, double rate_hz, uint32_t max_frames)
{
  MdLv2Proc* p = state;
  set_features(p, rate_hz, max_frames);
  const MixdownStatus st = alloc_buffers(p);
  if (st) {
    return st;
  }
  if (p->cls->isolated) {
    return child_start(p, rate_hz);
  }
  pthread_once(&fatal_handler_once, install_fatal_handler);
  return start_instances(p, rate_hz) ? MIXDOWN_SUCCESS : MIXDOWN_ERR_BAD_ARG;
}

static void
lv2_set_param(void* state, uint32_t id, double value)
{
  MdLv2Proc* p = state;
  if (id < p->cls->base.n_params) {
    p->controls[p->cls->param_port[id]] = (float)stepped(p->cls, id, value); // plugins smooth their own controls
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
  if (!c->isolated) {
    run_instances(p, n);
  } else if (!child_call(p, CHILD_RUN, n, "while processing")) {
    memset(p->scratch[2], 0, n * sizeof(float)); // silence from here; fault() stops the render
    memset(p->scratch[3], 0, n * sizeof(float));
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
  if (!p->cls->isolated) {
    reset_instances(p);
  } else {
    child_call(p, CHILD_RESET, 0U, "while it was reset");
  }
}

static const char*
lv2_fault(const void* state)
{
  const MdLv2Proc* p = state;
  return p->fault[0] ? p->fault : NULL;
}

static uint32_t
lv2_latency(const void* state)
{
  return ((const MdLv2Proc*)state)->latency_frames;
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
  def             = stepped(c, k, def); // an integer or enumeration's default is one of its values
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

// A plugin that cannot be instantiated is a session error, found now with
// the insert's line rather than as a failure to prepare the render.
static bool
try_instantiate(MdLv2Class* c, const char* uri, char* message, size_t size)
{
  MdLv2Proc* p = calloc(1U, sizeof(MdLv2Proc));
  if (!p) {
    snprintf(message, size, "out of memory");
    return false;
  }
  p->cls = c;
  set_features(p, c->rate_hz, MD_PROCESSOR_MAX_BLOCK_FRAMES); // the block the engine will prepare it for
  pthread_once(&fatal_handler_once, install_fatal_handler);
  md_lv2_running         = c->uri;
  LilvInstance* instance = lilv_plugin_instantiate(c->plugin, c->rate_hz, p->features[0]);
  if (instance) {
    // Activated before it is freed: some plugins (swh's revdelay) free in
    // cleanup() what only activate() allocates.
    lilv_instance_activate(instance);
    lilv_instance_deactivate(instance);
    lilv_instance_free(instance);
  }
  md_lv2_running = NULL;
  if (!instance) {
    const LilvNode* library = lilv_plugin_get_library_uri(c->plugin);
    snprintf(message, size, "LV2 plugin <%s> cannot be instantiated at %g Hz (its library: %s)", uri, c->rate_hz,
             library ? lilv_node_as_uri(library) : "none declared");
  }
  free(p);
  return instance != NULL;
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
  if (!read_ports(c, uri, message, size) || !try_instantiate(c, uri, message, size)) {
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
  c->base.fault           = lv2_fault;
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
