// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Private to src/host/lv2*.c: the types the class, its instances, the
// child process and the world share, and the functions that cross
// between those files.  Threads as in host/lv2.h.

#ifndef MD_LV2_INTERNAL_H
#define MD_LV2_INTERNAL_H

#include "host/lv2.h"

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

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

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

typedef struct MdLv2Class MdLv2Class;

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

typedef enum { CHILD_RUN = 1, CHILD_RESET, CHILD_STARTED } ChildCommand;

// lv2_world.c
LV2_URID md_lv2_map_uri(LV2_URID_Map_Handle handle, const char* uri);

// lv2.c
uint32_t md_lv2_output_channels(const MdProcessorClass* cls, uint32_t in_channels);

// lv2_instance.c: the processor interface, and running for the child
double        md_lv2_stepped(const MdLv2Class* c, uint32_t k, double value);
void*         md_lv2_create(const MdProcessorClass* cls, uint32_t channels, const double* values);
void          md_lv2_destroy(void* state);
MixdownStatus md_lv2_prepare(void* state, double rate_hz, uint32_t max_frames);
void          md_lv2_set_param(void* state, uint32_t id, double value);
void          md_lv2_process(void* state, const MdBlock* b);
void          md_lv2_reset(void* state);
const char*   md_lv2_fault(const void* state);
uint32_t      md_lv2_latency(const void* state);
double        md_lv2_read_meter(const void* state, uint32_t id);
void          md_lv2_run_instances(MdLv2Proc* p, uint32_t n);
void          md_lv2_reset_instances(MdLv2Proc* p);
bool          md_lv2_start_instances(MdLv2Proc* p, double rate_hz);
const char*   md_lv2_signal_name(int sig);
bool          md_lv2_try_instantiate(MdLv2Class* c, const char* uri, char* message, size_t size);

// lv2_child.c: the parent side of an isolated instance
MixdownStatus md_lv2_child_start(MdLv2Proc* p, double rate_hz);
void          md_lv2_child_stop(MdLv2Proc* p);
bool          md_lv2_child_call(MdLv2Proc* p, ChildCommand command, uint32_t frames, const char* doing);

#endif
