// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The session model: plain, validated data.  Built from a session file by
// the validator (document.c and the files of validator.h); read by the
// engine.  Knows nothing of DSP beyond which processor class an insert
// names and its parameter values, and nothing of io/ (the dither choice
// is util/dither.h's).  Thread: built on the control thread; read-only
// afterwards, so any thread may read it while no one frees it.

#ifndef MD_MODEL_H
#define MD_MODEL_H

#include "dsp/processor.h"
#include "dsp/strip.h"
#include "util/dither.h"
#include "mixdown.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { MD_CURVE_LINEAR, MD_CURVE_EXPONENTIAL, MD_CURVE_SMOOTH, MD_CURVE_STEP } MdCurve;

typedef struct {
  double time_s;
  double value;
} MdEnvPoint;

/// Automation of one parameter: breakpoints in time order and the curve
/// between them.  Before the first point the first value holds, after the
/// last the last.
typedef struct {
  MdEnvPoint* points;
  size_t      n_points;
  MdCurve     curve;
} MdEnvelope;

/// A numeric parameter: a constant, or an envelope when `envelope` is set.
typedef struct {
  double      value;
  MdEnvelope* envelope;
} MdValue;

typedef struct {
  char*    path;       ///< Resolved path of the source file
  double   start_s;    ///< Where the clip starts on the timeline
  double   offset_s;   ///< Where in the source the clip starts
  double   length_s;   ///< Clip length; the rest of the file when < 0
  double   gain_db;    ///< Clip gain
  double   fade_in_s;  ///< Fade-in length
  double   fade_out_s; ///< Fade-out length
  uint32_t channels;   ///< Source channels (1 or 2)
  uint32_t rate;       ///< Source sample rate
  int64_t  frames;     ///< Source length in frames
} MdClip;

/// No node: the master's output, or an insert without a sidechain key.
#define MD_NO_NODE UINT32_MAX

typedef struct {
  const MdProcessorClass* cls;
  MdValue*                values; ///< One per value slot of `cls` (md_processor_value_count)
  uint32_t                key;    ///< Node keying the sidechain, or MD_NO_NODE
  char*                   file;   ///< Resolved path of its MIXDOWN_PARAM_FILE parameter, or NULL
  bool                    bypass; ///< `bypass: true`: the input passes, delayed by the insert's latency
} MdInsert;

typedef struct {
  uint32_t target;    ///< Node index of the bus
  MdValue  level_db;  ///< Send level
  bool     pre_fader; ///< Taken before the fader (still after mute)
} MdSend;

typedef enum { MD_NODE_TRACK, MD_NODE_BUS, MD_NODE_MASTER } MdNodeKind;

typedef struct {
  MdNodeKind kind;
  char*      name;
  MdClip*    clips;
  size_t     n_clips;
  bool       file_key;   ///< A track written `file: PATH`: its one clip has no `clips:` item
  MdValue    gain_db;
  MdValue    pan;
  MdPanLaw   pan_law;    ///< Centre attenuation of a mono source
  MdValue    mute;       ///< 0 open, 1 muted (a switch); or an envelope between (a recorded live mute)
  bool       solo;
  bool       invert;
  uint32_t   output; ///< Node index, MD_NO_NODE for the master
  MdSend*    sends;
  size_t     n_sends;
  MdInsert*  inserts;
  size_t     n_inserts;
} MdNode;

/// Loudness normalisation of the finished mix.
typedef struct {
  bool   enabled;
  double target_lufs;  ///< Integrated loudness target
  double true_peak_db; ///< True-peak ceiling
} MdLoudness;

/// Tags written into the output file (WAV LIST/INFO, FLAC Vorbis comments).
enum { MD_TAG_TITLE, MD_TAG_ARTIST, MD_TAG_ALBUM, MD_TAG_DATE, MD_TAG_GENRE, MD_TAG_COMMENT,
       MD_TAG_COPYRIGHT, MD_TAG_TRACK, MD_N_TAGS };

/// Session keys of the tags, in MD_TAG_* order.
extern const char* const md_tag_keys[MD_N_TAGS];

/// One file a render writes: `output:`, or an item of `outputs:`.
typedef struct {
  char*               path;   ///< Resolved output path, or NULL
  MixdownSampleFormat format; ///< Sample format
  MdDither            dither; ///< Dither to integer formats
  uint32_t            rate;   ///< Output rate; 0 = the session rate
  double              quality; ///< Lossy formats: 0 (smallest) … 1 (best); < 0: the writer's default
  char*               tags[MD_N_TAGS]; ///< Metadata, NULL when not given
  MdLoudness          loudness; ///< This file's own target (`outputs:` items); else master.loudness
  unsigned            line, column; ///< Where `file` is, for messages (0: not from a file)
} MdOutput;

struct MixdownSessionImpl {
  char*    file_name;   ///< As given, for messages
  uint32_t sample_rate; ///< Render rate
  double   tempo_bpm;   ///< 0 when not set
  uint32_t beats_per_bar;
  uint32_t beat_unit;
  double   length_s;  ///< < 0: auto
  MdNode*  nodes;     ///< Tracks, then buses, then the master (last)
  size_t   n_nodes;
  size_t   n_tracks;
  MdOutput output;     ///< `output:` (when `outputs:` is not given)
  MdOutput* outputs;   ///< `outputs:`: several deliverables of one mix (NULL when not given)
  size_t    n_outputs;
  MdLoudness loudness; ///< master.loudness
};

/// Muted throughout: a mute switch that is on (an envelope mutes in time,
/// as it plays).
static inline bool
md_node_muted(const MdNode* node)
{
  return !node->mute.envelope && node->mute.value != 0.0;
}

/// The loudness target render finishes its (first) file to: that file's
/// own (`outputs:`), else master.loudness; NULL when there is none.  What
/// analyze and the report picture apply to show what render writes.
static inline const MdLoudness*
md_session_finish_target(const MixdownSession* s)
{
  if (s->n_outputs && s->outputs[0].loudness.enabled) {
    return &s->outputs[0].loudness;
  }
  return s->loudness.enabled ? &s->loudness : NULL;
}

/// Index of the master node.
static inline size_t
md_session_master(const MixdownSession* session)
{
  return session->n_nodes - 1U;
}

#endif
