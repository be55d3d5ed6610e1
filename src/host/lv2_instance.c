// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// An LV2 insert's instances: create, prepare (features, buffers),
// connect, run, reset; in-process or through the child (lv2_child.c).
// The fatal-signal note names the plugin that took the process down.
// Thread: dsp/processor.h (process and set_param on the audio thread).

#include "host/lv2_internal.h"

#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* ------------------------------------------------------------------------ */
/* Which plugin is running: for a fatal signal's last words                  */
//
// A plugin run in mixdown's own process that divides by zero or writes
// through a wild pointer takes the process down.  While a plugin's code
// runs, its URI is noted in a thread-local (the fault is delivered to
// the thread that made it); the handler writes one line naming it with
// write(2), puts back the handler that was there before and raises the
// signal again, so the process still dies of it (exit status, core).

static _Thread_local const char* md_lv2_running __attribute__((tls_model("initial-exec")));

static const int      fatal_signals[] = {SIGFPE, SIGSEGV, SIGBUS, SIGILL, SIGABRT};
static struct sigaction saved_actions[sizeof fatal_signals / sizeof fatal_signals[0]];

const char*
md_lv2_signal_name(int sig)
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
    say(md_lv2_signal_name(sig));
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
/* An instance                                                               */

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
double
md_lv2_stepped(const MdLv2Class* c, uint32_t k, double value)
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

void*
md_lv2_create(const MdProcessorClass* cls, uint32_t channels, const double* values)
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
    p->controls[c->param_port[k]] = (float)md_lv2_stepped(c, k, values[k]);
  }
  return p;
}

void
md_lv2_destroy(void* state)
{
  MdLv2Proc* p = state;
  if (p->cls->isolated) {
    md_lv2_child_stop(p);
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
  p->sequence_type          = md_lv2_map_uri(w, LV2_ATOM__Sequence);
  p->chunk_type             = md_lv2_map_uri(w, LV2_ATOM__Chunk);
  const LV2_URID int_type   = md_lv2_map_uri(w, LV2_ATOM__Int);
  const LV2_URID float_type = md_lv2_map_uri(w, LV2_ATOM__Float);
  p->options[0] = (LV2_Options_Option){LV2_OPTIONS_INSTANCE, 0, md_lv2_map_uri(w, LV2_BUF_SIZE__maxBlockLength),
                                       sizeof(int32_t), int_type, &p->block_length_frames};
  p->options[1] = (LV2_Options_Option){LV2_OPTIONS_INSTANCE, 0, md_lv2_map_uri(w, LV2_BUF_SIZE__nominalBlockLength),
                                       sizeof(int32_t), int_type, &p->block_length_frames};
  p->options[2] = (LV2_Options_Option){LV2_OPTIONS_INSTANCE, 0, md_lv2_map_uri(w, LV2_PARAMETERS__sampleRate),
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
void
md_lv2_run_instances(MdLv2Proc* p, uint32_t n)
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

void
md_lv2_reset_instances(MdLv2Proc* p)
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
bool
md_lv2_start_instances(MdLv2Proc* p, double rate_hz)
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
    md_lv2_run_instances(p, p->max_frames < 64U ? p->max_frames : 64U);
    const float reported_frames = p->controls[c->latency_port];
    const bool  usable          = isfinite(reported_frames) && reported_frames > 0.0f && reported_frames < 1e8f;
    p->latency_frames           = usable ? (uint32_t)lrintf(reported_frames) : 0U;
    memset(p->zeros, 0, p->max_frames * sizeof(float));
    md_lv2_reset_instances(p);
  }
  return true;
}

MixdownStatus
md_lv2_prepare(void* state, double rate_hz, uint32_t max_frames)
{
  MdLv2Proc* p = state;
  set_features(p, rate_hz, max_frames);
  const MixdownStatus st = alloc_buffers(p);
  if (st) {
    return st;
  }
  if (p->cls->isolated) {
    return md_lv2_child_start(p, rate_hz);
  }
  pthread_once(&fatal_handler_once, install_fatal_handler);
  return md_lv2_start_instances(p, rate_hz) ? MIXDOWN_SUCCESS : MIXDOWN_ERR_BAD_ARG;
}

void
md_lv2_set_param(void* state, uint32_t id, double value)
{
  MdLv2Proc* p = state;
  if (id < p->cls->base.n_params) {
    p->controls[p->cls->param_port[id]] = (float)md_lv2_stepped(p->cls, id, value); // plugins smooth their own controls
  }
}

void
md_lv2_process(void* state, const MdBlock* b)
{
  MdLv2Proc*        p = state;
  const MdLv2Class* c = p->cls;
  const uint32_t    n = b->frames;
  const uint32_t    out_channels = md_lv2_output_channels(&c->base, p->channels);
  // Inputs: scratch 0 and 1.  A mono signal feeds both inputs of a stereo
  // plugin; a stereo signal into a mono-input plugin with two outputs is summed.
  const bool sum = c->n_audio_in == 1U && c->n_audio_out == 2U && p->channels == 2U;
  for (uint32_t i = 0U; i < n; ++i) {
    p->scratch[0][i] = sum ? 0.5f * (b->in[0][i] + b->in[1][i]) : b->in[0][i];
    p->scratch[1][i] = p->channels == 2U ? b->in[1][i] : b->in[0][i];
  }
  if (!c->isolated) {
    md_lv2_run_instances(p, n);
  } else if (!md_lv2_child_call(p, CHILD_RUN, n, "while processing")) {
    memset(p->scratch[2], 0, n * sizeof(float)); // silence from here; fault() stops the render
    memset(p->scratch[3], 0, n * sizeof(float));
  }
  const bool dual_mono = p->n_inst == 2U;
  for (uint32_t ch = 0U; ch < out_channels; ++ch) {
    const float* from = p->scratch[c->n_audio_out == 2U || dual_mono ? 2U + ch : 2U];
    memcpy(b->out[ch], from, n * sizeof(float));
  }
}

void
md_lv2_reset(void* state)
{
  MdLv2Proc* p = state;
  if (!p->cls->isolated) {
    md_lv2_reset_instances(p);
  } else {
    md_lv2_child_call(p, CHILD_RESET, 0U, "while it was reset");
  }
}

const char*
md_lv2_fault(const void* state)
{
  const MdLv2Proc* p = state;
  return p->fault[0] ? p->fault : NULL;
}

uint32_t
md_lv2_latency(const void* state)
{
  return ((const MdLv2Proc*)state)->latency_frames;
}

double
md_lv2_read_meter(const void* state, uint32_t id)
{
  const MdLv2Proc* p = state;
  return id < p->cls->base.n_meters ? p->controls[p->cls->meter_port[id]] : 0.0;
}

// A plugin that cannot be instantiated is a session error, found now with
// the insert's line rather than as a failure to prepare the render.
bool
md_lv2_try_instantiate(MdLv2Class* c, const char* uri, char* message, size_t size)
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
