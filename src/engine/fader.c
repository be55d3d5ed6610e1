// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The fader stage of a strip: pan (or balance), mute and fader, for
// constant, automated and live strips; and a mixed track's mono clips
// spread onto its stereo pair.
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
    md_pan_mono(pan, node->pan_law_db, &gains[0], &gains[1]);
  } else {
    md_pan_balance(pan, &gains[0], &gains[1]);
  }
}

static void
apply_pan(const MixdownEngine* e, MdWorker* w, MdEngineNode* node, const float* const* in, int64_t t0,
          uint32_t n)
{
  const float* const source[2] = {in[0], in[node->channels == 1U ? 0 : 1]};
  double             gains[2];
  if (!node->pan_auto) {
    md_engine_pan_gains(node, node->pan, gains);
    e->kernels->scale(node->io.pre[0], source[0], (float)gains[0], n);
    e->kernels->scale(node->io.pre[1], source[1], (float)gains[1], n);
    return;
  }
  double* pan = w->scratch_a;
  md_automation_render(node->pan_auto, t0, e->rate, n, pan);
  for (uint32_t i = 0U; i < n; ++i) {
    md_engine_pan_gains(node, pan[i], gains);
    node->io.pre[0][i] = (float)(source[0][i] * gains[0]);
    node->io.pre[1][i] = (float)(source[1][i] * gains[1]);
  }
}

// A mute envelope (a recorded live mute): the signal × (1 − mute), before
// the pre-fader taps as a mute switch acts.  Uses scratch_a (pan is done).
static void
apply_mute_envelope(const MixdownEngine* e, MdWorker* w, MdEngineNode* node, int64_t t0, uint32_t n,
                    bool post_too)
{
  double* mute = w->scratch_a;
  md_automation_render(node->mute_auto, t0, e->rate, n, mute);
  for (int c = 0; c < 2; ++c) {
    for (uint32_t i = 0U; i < n; ++i) {
      node->io.pre[c][i] = (float)(node->io.pre[c][i] * (1.0 - mute[i]));
      if (post_too) {
        node->io.post[c][i] = (float)(node->io.post[c][i] * (1.0 - mute[i]));
      }
    }
  }
}

// Constant pan and fader in one pass: post = signal × (pan × fader); the
// pre-fader signal only when something reads it (pre-fader sends, the full
// level meter).
static void
pan_and_fade(const MixdownEngine* e, MdEngineNode* node, const float* const* in, uint32_t n)
{
  const float* const source[2] = {in[0], in[node->channels == 1U ? 0 : 1]};
  double             pan[2];
  md_engine_pan_gains(node, node->pan, pan);
  for (int c = 0; c < 2; ++c) {
    if (node->pre_sends || node->levels.pre) {
      e->kernels->scale(node->io.pre[c], source[c], (float)pan[c], n);
    }
    e->kernels->scale(node->io.post[c], source[c], (float)(pan[c] * node->gain_linear), n);
  }
}

static void
apply_fader(const MixdownEngine* e, MdWorker* w, MdEngineNode* node, int64_t t0, uint32_t n)
{
  if (!node->audible) {
    for (int c = 0; c < 2; ++c) {
      memset(node->io.pre[c], 0, n * sizeof(float));
      memset(node->io.post[c], 0, n * sizeof(float));
    }
    return;
  }
  if (!node->gain_auto) {
    for (int c = 0; c < 2; ++c) {
      e->kernels->scale(node->io.post[c], node->io.pre[c], (float)node->gain_linear, n);
    }
    return;
  }
  // Sample-accurate: the envelope is evaluated at every frame, so even a
  // fast move has no steps (zipper noise).
  double* gain_db = w->scratch_b;
  md_automation_render(node->gain_auto, t0, e->rate, n, gain_db);
  for (uint32_t i = 0U; i < n; ++i) {
    const double g  = md_db_to_gain(gain_db[i]);
    node->io.post[0][i] = (float)(node->io.pre[0][i] * g);
    node->io.post[1][i] = (float)(node->io.pre[1][i] * g);
  }
}

// `n` values gliding in a straight line from `from` (exclusive) to `to`
// (reached on the last frame): how a live move is smoothed over one block.
void
md_engine_ramp(double* values, double from, double to, uint32_t n)
{
  for (uint32_t i = 0U; i < n; ++i) {
    values[i] = from + (to - from) * (double)(i + 1U) / (double)n;
  }
}

// Live: a fader, pan or mute move is gliding, or the strip is muted.
static bool
live_moving(const MdEngineNode* node)
{
  return node->live.gain_target != node->gain_linear || node->live.pan_target != node->pan ||
         node->live.mute_target != node->live.mute_gain || node->live.mute_gain != 1.0;
}

// Live pan, mute and fader, each gliding to its target over this block
// (an envelope no live move has taken over still plays).  Mute acts before
// the pre-fader taps, as offline.
static void
live_pan_and_fade(const MixdownEngine* e, MdWorker* w, MdEngineNode* node, const float* const* in,
                  int64_t t0, uint32_t n)
{
  const float* const source[2] = {in[0], in[node->channels == 1U ? 0 : 1]};
  double*            pan       = w->scratch_a;
  double*            gain      = w->scratch_b;
  if (node->live.mute_gain == 0.0 && node->live.mute_target == 0.0) {
    // Muted (or silenced by a solo) and staying so: silence, and the
    // moves that came meanwhile are where they will be when it returns.
    for (int c = 0; c < 2; ++c) {
      memset(node->io.pre[c], 0, n * sizeof(float));
      memset(node->io.post[c], 0, n * sizeof(float));
    }
    node->pan  = node->live.pan_target;
    node->gain_linear = node->live.gain_target;
    return;
  }
  if (node->pan_auto) {
    md_automation_render(node->pan_auto, t0, e->rate, n, pan);
  } else {
    md_engine_ramp(pan, node->pan, node->live.pan_target, n);
  }
  if (node->gain_auto) {
    md_automation_render(node->gain_auto, t0, e->rate, n, gain);
    for (uint32_t i = 0U; i < n; ++i) {
      gain[i] = md_db_to_gain(gain[i]);
    }
  } else {
    md_engine_ramp(gain, node->gain_linear, node->live.gain_target, n);
  }
  const double mute_from = node->live.mute_gain;
  const double mute_to   = node->live.mute_target;
  for (uint32_t i = 0U; i < n; ++i) {
    double gains[2];
    md_engine_pan_gains(node, pan[i], gains);
    const double mute = mute_from + (mute_to - mute_from) * (double)(i + 1U) / (double)n;
    for (int c = 0; c < 2; ++c) {
      node->io.pre[c][i]  = (float)(source[c][i] * gains[c] * mute);
      node->io.post[c][i] = (float)(node->io.pre[c][i] * gain[i]);
    }
  }
  node->pan       = node->live.pan_target;
  node->gain_linear      = node->live.gain_target;
  node->live.mute_gain = mute_to;
  if (node->mute_auto) {
    apply_mute_envelope(e, w, node, t0, n, true);
  }
}

// A track with both mono and stereo clips: the sum of its mono clips is
// spread onto the stereo pair at md_pan_spread()'s gains, at the pan of the
// input's time (the balance after the inserts takes the pan of the
// output's time, so the two meet on the same audio).  Live, it glides to a
// pan move over one block, as the balance does.
void
md_engine_spread_mono(const MixdownEngine* e, MdWorker* w, MdEngineNode* node, int64_t t_in, uint32_t n)
{
  const float* mono = w->mono_buf;
  double       gains[2];
  if (!node->spread_auto && (!e->live || node->spread_pan == node->live.pan_target)) {
    md_pan_spread(node->spread_pan, node->pan_law_db, &gains[0], &gains[1]);
    for (int c = 0; c < 2; ++c) {
      for (uint32_t i = 0U; i < n; ++i) {
        node->io.buf[c][i] += (float)(mono[i] * gains[c]);
      }
    }
    return;
  }
  double* pan = w->scratch_a;
  if (node->spread_auto) {
    md_automation_render(node->spread_auto, t_in, e->rate, n, pan);
  } else {
    md_engine_ramp(pan, node->spread_pan, node->live.pan_target, n);
    node->spread_pan = node->live.pan_target;
  }
  for (uint32_t i = 0U; i < n; ++i) {
    md_pan_spread(pan[i], node->pan_law_db, &gains[0], &gains[1]);
    node->io.buf[0][i] += (float)(mono[i] * gains[0]);
    node->io.buf[1][i] += (float)(mono[i] * gains[1]);
  }
}

void
md_engine_fader_stage(const MixdownEngine* e, MdWorker* w, MdEngineNode* node, const float* const* in,
                      int64_t t_out, uint32_t n)
{
  if (e->live && live_moving(node)) {
    live_pan_and_fade(e, w, node, in, t_out, n);
  } else if (node->audible && !node->pan_auto && !node->gain_auto && !node->mute_auto) {
    pan_and_fade(e, node, in, n);
  } else {
    apply_pan(e, w, node, in, t_out, n);
    if (node->mute_auto) {
      apply_mute_envelope(e, w, node, t_out, n, false);
    }
    apply_fader(e, w, node, t_out, n);
  }
}
