// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The fader stage of a strip: pan (or balance), mute and fader — one stage
// for constant, automated and live strips, each value constant or a curve
// (an envelope, or a live move's glide: MdFaderValue) — and a mixed
// track's mono clips spread onto its stereo pair at the pan.
//
// The arithmetic is what the bytes of every render depend on, so each
// case keeps its own order of operations: constant pan and fader in one
// pass (pre = x × pan, post = x × (pan × fader), each rounded once); else
// pan (a constant through the scale kernel, a curve per frame in double),
// then a mute curve (pre × (1 − mute)), then the fader (a constant through
// the kernel, a curve per frame: pre × gain).
// Thread: audio (worker).

#include "engine/engine_internal.h"

#include "dsp/db.h"
#include "dsp/strip.h"

#include <string.h>

// Left and right gains at `pan`: the pan law for a track whose clips are
// all mono, balance for any other strip.  Its sources decide, not what its
// inserts make of them: a stereo reverb, delay or chorus on a mono track
// gets the law's gain on each side, so with its mix at 0 it is a null.
void
md_engine_pan_gains(const MdEngineNode* node, double pan, double gains[2])
{
  if (node->source_channels == 1U) {
    md_pan_mono(pan, node->pan_law, &gains[0], &gains[1]);
  } else {
    md_pan_balance(pan, &gains[0], &gains[1]);
  }
}

const double*
md_fader_value_curve(const MixdownEngine* e, const MdFaderValue* v, int64_t t, uint32_t n, double* out)
{
  MdAutomation* curve = v->glide ? v->glide : v->envelope;
  if (!curve) {
    return NULL;
  }
  md_automation_render(curve, t, e->rate_hz, n, out);
  return out;
}

void
md_fader_value_settle(MdFaderValue* v, int64_t t_next)
{
  if (v->glide && t_next > v->glide_last_frame) {
    v->glide = NULL; // `value` holds where it arrived
  }
}

void
md_fader_value_free(MdFaderValue* v)
{
  if (v->envelope != v->detached) { // given back (live.c): the two are one
    md_automation_free(v->envelope);
  }
  md_automation_free(v->detached);
  md_automation_free(v->line);
}

// Constant pan and fader in one pass: post = signal × (pan × fader); the
// pre-fader signal only when something reads it (pre-fader sends, the full
// level meter).
static void
pan_and_fade(const MixdownEngine* e, MdEngineNode* node, const float* const* source, uint32_t n)
{
  double pan[2];
  md_engine_pan_gains(node, node->pan.value, pan);
  for (int c = 0; c < 2; ++c) {
    if (node->pre_sends || node->levels.pre) {
      e->kernels->scale(node->io.pre[c], source[c], (float)pan[c], n);
    }
    e->kernels->scale(node->io.post[c], source[c], (float)(pan[c] * node->gain_linear), n);
  }
}

static void
apply_pan(const MixdownEngine* e, MdEngineNode* node, const float* const* source, const double* pan, uint32_t n)
{
  double gains[2];
  if (!pan) {
    md_engine_pan_gains(node, node->pan.value, gains);
    e->kernels->scale(node->io.pre[0], source[0], (float)gains[0], n);
    e->kernels->scale(node->io.pre[1], source[1], (float)gains[1], n);
    return;
  }
  for (uint32_t i = 0U; i < n; ++i) {
    md_engine_pan_gains(node, pan[i], gains);
    node->io.pre[0][i] = (float)(source[0][i] * gains[0]);
    node->io.pre[1][i] = (float)(source[1][i] * gains[1]);
  }
}

// A mute curve (a recorded live mute, a live mute gliding): the signal ×
// (1 − mute), before the pre-fader taps as a mute switch acts.
static void
apply_mute(MdEngineNode* node, const double* mute, uint32_t n)
{
  for (int c = 0; c < 2; ++c) {
    for (uint32_t i = 0U; i < n; ++i) {
      node->io.pre[c][i] = (float)(node->io.pre[c][i] * (1.0 - mute[i]));
    }
  }
}

// Sample-accurate: a curve is evaluated at every frame, so even a fast
// move has no steps (zipper noise).
static void
apply_fader(const MixdownEngine* e, MdEngineNode* node, const double* gain_db, uint32_t n)
{
  if (!gain_db) {
    for (int c = 0; c < 2; ++c) {
      e->kernels->scale(node->io.post[c], node->io.pre[c], (float)node->gain_linear, n);
    }
    return;
  }
  for (uint32_t i = 0U; i < n; ++i) {
    const double g      = md_db_to_gain(gain_db[i]);
    node->io.post[0][i] = (float)(node->io.pre[0][i] * g);
    node->io.post[1][i] = (float)(node->io.pre[1][i] * g);
  }
}

// Not audible offline (muted, or silenced by a solo), or live muted and
// staying so (whatever its mute envelope says meanwhile).
static bool
silenced(const MdEngineNode* node)
{
  return !node->audible || (node->mute.value == 1.0 && !node->mute.glide);
}

// The mute curve: its glide or its envelope (offline: the envelope, or
// none) — or live, when a solo's glide moves a strip whose mute envelope
// still plays, both: 1 − (1 − switch) × (1 − envelope).  Uses scratch_a,
// and scratch_b (the fader's, free until then).
static const double*
mute_curve(const MixdownEngine* e, MdWorker* w, const MdEngineNode* node, int64_t t, uint32_t n)
{
  const MdFaderValue* mute = &node->mute;
  if (!mute->glide || !mute->envelope) {
    return md_fader_value_curve(e, mute, t, n, w->scratch_a);
  }
  double* gate = w->scratch_b;
  double* out  = w->scratch_a;
  md_automation_render(mute->glide, t, e->rate_hz, n, gate);
  md_automation_render(mute->envelope, t, e->rate_hz, n, out);
  for (uint32_t i = 0U; i < n; ++i) {
    out[i] = 1.0 - (1.0 - gate[i]) * (1.0 - out[i]);
  }
  return out;
}

void
md_engine_fader_stage(const MixdownEngine* e, MdWorker* w, MdEngineNode* node, const float* const* in,
                      int64_t t_out, uint32_t n)
{
  const float* const source[2] = {in[0], in[node->channels == 1U ? 0 : 1]};
  const int64_t      t_next    = t_out + (int64_t)n;
  if (silenced(node)) {
    for (int c = 0; c < 2; ++c) {
      memset(node->io.pre[c], 0, n * sizeof(float));
      memset(node->io.post[c], 0, n * sizeof(float));
    }
    // Live: the moves that came meanwhile are where they will be when it
    // returns.
    node->pan.glide     = NULL;
    node->gain_db.glide = NULL;
    return;
  }
  const bool curves = node->pan.glide || node->pan.envelope || node->gain_db.glide || node->gain_db.envelope ||
                      node->mute.glide || node->mute.envelope;
  if (!curves) {
    pan_and_fade(e, node, source, n);
    return;
  }
  // scratch_a holds the pan, then (the pan applied) the mute; scratch_b the fader.
  apply_pan(e, node, source, md_fader_value_curve(e, &node->pan, t_out, n, w->scratch_a), n);
  const double* mute = mute_curve(e, w, node, t_out, n);
  if (mute) {
    apply_mute(node, mute, n);
  }
  apply_fader(e, node, md_fader_value_curve(e, &node->gain_db, t_out, n, w->scratch_b), n);
  // The fader stage is the last to read a strip's values in a block (the
  // spread reads the pan earlier on the timeline): glides end here.
  md_engine_settle_strip(node, t_next);
}

void
md_engine_settle_strip(MdEngineNode* node, int64_t t_next)
{
  md_fader_value_settle(&node->pan, t_next);
  md_fader_value_settle(&node->mute, t_next);
  md_fader_value_settle(&node->gain_db, t_next);
  if (!node->pan.glide && node->pan.envelope && node->spread_detached && !node->spread_cursor) {
    node->spread_cursor = node->spread_detached; // a pan envelope given back (live.c): the spread follows it again
  }
}

// A track with both mono and stereo clips: the sum of its mono clips is
// spread onto the stereo pair at md_pan_spread()'s gains, at the pan of the
// input's time (the balance after the inserts takes the pan of the
// output's time, so the two meet on the same audio).  Live, a pan move's
// glide moves it as it moves the balance.
void
md_engine_spread_mono(const MixdownEngine* e, MdWorker* w, MdEngineNode* node, int64_t t_in, uint32_t n)
{
  const float*  mono  = w->mono_buf;
  MdAutomation* curve = node->spread_cursor ? node->spread_cursor : node->pan.glide;
  double        gains[2];
  if (!curve) {
    md_pan_spread(node->pan.value, node->pan_law, &gains[0], &gains[1]);
    for (int c = 0; c < 2; ++c) {
      for (uint32_t i = 0U; i < n; ++i) {
        node->io.buf[c][i] += (float)(mono[i] * gains[c]);
      }
    }
    return;
  }
  double* pan = w->scratch_a;
  md_automation_render(curve, t_in, e->rate_hz, n, pan);
  for (uint32_t i = 0U; i < n; ++i) {
    md_pan_spread(pan[i], node->pan_law, &gains[0], &gains[1]);
    node->io.buf[0][i] += (float)(mono[i] * gains[0]);
    node->io.buf[1][i] += (float)(mono[i] * gains[1]);
  }
}
