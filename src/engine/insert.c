// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// One insert in a block: its sidechain key fetched through the key's delay
// line, automation every MD_CONTROL_FRAMES, silence skipped when exact,
// bypass (the dry path delayed by the latency, and a live move's crossfade);
// and the guards that replace non-finite audio with silence (after the
// input sum, after each insert, after the fader), with the notes that say
// where it happened.
// Thread: audio (worker: a parallel track's inserts run on any helper).

#include "engine/engine_internal.h"

#include "platform/clock.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

// True when no sample is NaN or infinite.
static bool
all_finite(const MdKernels* k, float* const* buf, uint32_t channels, uint32_t n)
{
  bool finite = true;
  for (uint32_t c = 0U; c < channels; ++c) {
    finite = k->all_finite(buf[c], n) && finite;
  }
  return finite;
}

// Replaces non-finite samples with silence; returns how many.
uint64_t
md_engine_scrub(MdWorker* w, float* const* buf, uint32_t channels, uint32_t n)
{
  if (all_finite(w->kernels, buf, channels, n)) {
    return 0U; // nearly always: one vectorised pass and done
  }
  uint64_t bad = 0U;
  for (uint32_t c = 0U; c < channels; ++c) {
    for (uint32_t i = 0U; i < n; ++i) {
      if (!isfinite(buf[c][i])) {
        buf[c][i] = 0.0f;
        ++bad;
      }
    }
  }
  w->non_finite += bad;
  return bad;
}

// Kept per node, then merged in plan order (render_nodes), so the note
// that survives is the same whichever worker got there first.
void MD_PRINTF(2, 3)
md_engine_note_non_finite(MdEngineNode* node, const char* fmt, ...)
{
  char* note = node->notes[node->io.bank];
  if (note[0]) {
    return; // the first place is the one worth reading
  }
  va_list args;
  va_start(args, fmt);
  vsnprintf(note, sizeof node->notes[0], fmt, args);
  va_end(args);
}

// The strip as messages name it: "track `a`", "bus `b`", "the master".
const char*
md_engine_strip_label(const MdEngineNode* node, char* out, size_t size)
{
  if (node->kind == MD_NODE_MASTER) {
    snprintf(out, size, "the master");
  } else {
    snprintf(out, size, "%s `%s`", node->kind == MD_NODE_TRACK ? "track" : "bus", node->name);
  }
  return out;
}

// The guard on a node's input: its clips' or inputs' sum, before the
// inserts.  Sources are finite (decoding replaces NaN and infinity), but
// clip gains and a bus's sum of loud inputs can overflow the float range.
// What overflowed is silenced and counted like an insert's NaN, and is
// part of the signal the cache keeps.
void
md_engine_guard_input(const MixdownEngine* e, MdWorker* w, MdEngineNode* node, int64_t t_in, uint32_t n)
{
  const uint64_t bad = md_engine_scrub(w, node->io.buf, node->source_channels, n);
  if (bad) {
    char label[200];
    node->non_finite += bad;
    md_engine_note_non_finite(node, "%s, %s at %.3f s: samples beyond the float range (infinite) replaced with silence",
                    md_engine_strip_label(node, label, sizeof label),
                    node->kind == MD_NODE_TRACK ? "sum of its clips" : "sum of its inputs",
                    (double)(t_in > 0 ? t_in : 0) / e->rate_hz);
  }
}

// Kept apart from `notes`: pan and fader are not part of the cached signal.
void MD_PRINTF(2, 3)
md_engine_note_fader(MdEngineNode* node, const char* fmt, ...)
{
  char* note = node->fader_notes[node->io.bank];
  if (note[0]) {
    return;
  }
  va_list args;
  va_start(args, fmt);
  vsnprintf(note, sizeof node->fader_notes[0], fmt, args);
  va_end(args);
}

// The guard after pan and fader: a finite signal times a gain above 1
// can overflow.  Silenced and counted (not in the node's cached tally).
void
md_engine_guard_output(const MixdownEngine* e, MdWorker* w, MdEngineNode* node, int64_t t_out, uint32_t n)
{
  uint64_t bad = 0U;
  if (node->pre_sends || node->levels.pre) {
    bad += md_engine_scrub(w, node->io.pre, 2U, n);
  }
  bad += md_engine_scrub(w, node->io.post, 2U, n);
  if (bad) {
    char label[200];
    md_engine_note_fader(node, "%s, fader at %.3f s: samples beyond the float range (infinite) replaced with silence",
               md_engine_strip_label(node, label, sizeof label), (double)(t_out > 0 ? t_out : 0) / e->rate_hz);
  }
}

void MD_PRINTF(2, 3)
md_engine_worker_message(MdWorker* w, const char* fmt, ...)
{
  va_list args;
  va_start(args, fmt);
  vsnprintf(w->message, sizeof w->message, fmt, args);
  va_end(args);
}

// Copies the key node's post-insert, pre-fader signal (taken before fader
// and mute, so a muted trigger track still keys) through the key's delay line.
static void
fetch_key(MixdownEngine* e, MdEngineInsert* ins, uint32_t n, uint32_t bank)
{
  const MdEngineNode* key = &e->nodes[ins->key_node];
  for (uint32_t c = 0U; c < key->channels; ++c) {
    // A parallel key may already be rendering the next block in the other bank.
    const float* in  = key->parallel ? key->io.bank_buf[bank][c] : key->io.buf[c];
    float*       out = ins->key_buf[c];
    uint32_t     pos = ins->key_line.pos; // every channel starts where the last block ended
    md_delay_line_run(&ins->key_line, c, &pos, in, out, n);
    if (c + 1U == key->channels) {
      ins->key_line.pos = pos;
    }
  }
}

// The render's extremes, and live (md_engine_live_insert_meters()) the
// extremes since the last read.
static void
update_meters(MdEngineInsert* ins)
{
  for (uint32_t m = 0U; m < ins->cls->n_meters; ++m) {
    const double value = ins->cls->read_meter(ins->state, m);
    if (fabs(value) > fabs(ins->meter_extreme[m])) {
      ins->meter_extreme[m] = value;
    }
    if (ins->live_meter && fabs(value) > fabs(ins->live_meter[m])) {
      ins->live_meter[m] = value;
    }
  }
}

// True when the first `channels` buffers hold only +0.0 (the bit pattern:
// -0.0 is not silence here, so a skipped block cannot change a sign).
// Sound usually shows in the first sample, so this is cheap on music.
bool
md_engine_is_silent(float* const* buf, uint32_t channels, uint32_t n)
{
  for (uint32_t c = 0U; c < channels; ++c) {
    for (uint32_t i = 0U; i < n; ++i) {
      uint32_t bits;
      memcpy(&bits, &buf[c][i], sizeof bits);
      if (bits) {
        return false;
      }
    }
  }
  return true;
}

// Silence is free: an insert may sit out a block when silence comes in,
// its state is at rest (idle()), and the last block it did process was
// silence in and out — then processing would give silence and change
// nothing, so skipping is exact.  Not with automation (a value may move)
// or a sidechain (the key may not be silent).
static bool
may_skip(const MixdownEngine* e, const MdEngineInsert* ins, bool silent_in)
{
  return silent_in && e->skip_silence && ins->quiet && ins->cls->idle && !ins->automated &&
         ins->key_node == MD_NO_NODE && ins->in_channels == ins->out_channels && ins->cls->idle(ins->state);
}

// The dry path of a bypass: the insert's input (`io`) through its dry
// line — delayed by its latency — into `dry`, as many channels as it puts
// out (a mono input feeds both of a stereo output, as a mono source
// reaches both sides).
static void
run_dry(MdEngineInsert* ins, float* const* io, float* const* dry, uint32_t n)
{
  const uint32_t through = ins->in_channels < ins->out_channels ? ins->in_channels : ins->out_channels;
  uint32_t       pos     = ins->dry_line.pos;
  for (uint32_t c = 0U; c < through; ++c) {
    pos = ins->dry_line.pos; // every channel starts where the last block ended
    md_delay_line_run(&ins->dry_line, c, &pos, io[c], dry[c], n);
  }
  ins->dry_line.pos = pos;
  for (uint32_t c = through; c < ins->out_channels; ++c) {
    memcpy(dry[c], dry[0], n * sizeof(float));
  }
}

// The crossfade of a bypass move: `bypass_mix` moves frame by frame
// towards 1 (bypassed) or 0 by `bypass_step`; the dry signal's gain is a
// raised cosine of it, g = (1 − cos πx) / 2, and the processed one's 1 − g:
// equal gain (a signal the insert leaves alone passes the switch
// unchanged), and no corner at either end, so the switch adds no step
// larger than the signal's own (tests/unit/test_bypass.c measures it).
static void
crossfade(MdEngineInsert* ins, float* const* io, float* const* dry, uint32_t n)
{
  const double from = ins->bypass_mix;
  const double step = ins->bypass ? ins->bypass_step : -ins->bypass_step;
  double       x    = from;
  for (uint32_t i = 0U; i < n; ++i) {
    x              = fmin(1.0, fmax(0.0, from + step * (double)(i + 1U)));
    const double g = 0.5 - 0.5 * cos(M_PI * x);
    for (uint32_t c = 0U; c < ins->out_channels; ++c) {
      const double wet = io[c][i];
      io[c][i]         = (float)(wet + (dry[c][i] - wet) * g);
    }
  }
  ins->bypass_mix = x;
}

// Fully bypassed: the dry path alone, the processor not run (a glide of a
// live move still arrives, so that its value is there when it comes back).
static bool
run_bypassed(MdEngineInsert* ins, float* const* io, float* const* dry, int64_t t, uint32_t n)
{
  for (uint32_t c = 0U; c < ins->out_channels; ++c) {
    memcpy(io[c], dry[c], n * sizeof(float));
  }
  if (ins->live && ins->automated) {
    md_engine_settle_insert(ins, t + (int64_t)n);
  }
  return md_engine_is_silent(io, ins->out_channels, n);
}

// Runs one insert over `n` frames at timeline frame `t` (this insert's own
// latency position); automated values reach it every MD_CONTROL_FRAMES
// frames and the processor glides between them.  `silent_in`: the block
// coming in is silence.  Returns whether the block going out is.  A
// bypassed insert passes its input delayed by its latency (run_dry());
// live, a bypass move crossfades the two (md_engine_live_set()).
bool
md_engine_run_insert(MixdownEngine* e, MdWorker* w, MdEngineNode* node, MdEngineInsert* ins, int64_t t, uint32_t n,
           bool silent_in, uint32_t bank)
{
  ++ins->blocks;
  float* const        io[2]  = {node->io.buf[0], node->io.buf[1]};
  float* const        dry[2] = {w->dry_buf[0], w->dry_buf[1]};
  const MdEngineNode* key    = ins->key_node != MD_NO_NODE ? &e->nodes[ins->key_node] : NULL;
  const bool          fading = ins->bypass_mix != (ins->bypass ? 1.0 : 0.0);
  if (ins->dry_always || ins->bypass || fading) {
    run_dry(ins, io, dry, n);
  }
  if (ins->bypass && !fading) {
    if (key) {
      fetch_key(e, ins, n, bank); // the key's line keeps time for when it comes back
    }
    return run_bypassed(ins, io, dry, t, n);
  }
  if (!fading && may_skip(e, ins, silent_in)) {
    ++ins->skipped;
    return true;
  }
  if (key) {
    fetch_key(e, ins, n, bank);
  }
  const uint32_t step  = ins->automated ? MD_CONTROL_FRAMES : n;
  const double   start = md_clock_seconds();
  for (uint32_t done = 0U; done < n; done += step) {
    const uint32_t len = n - done < step ? n - done : step;
    for (uint32_t p = 0U; ins->automated && p < ins->n_values; ++p) {
      if (ins->automation[p]) {
        ins->cls->set_param(ins->state, p, md_automation_value(ins->automation[p], (double)(t + done) / e->rate_hz));
      }
    }
    float* const       part[2] = {io[0] + done, io[1] + done};
    const float* const keys[2] = {key ? ins->key_buf[0] + done : NULL, key ? ins->key_buf[1] + done : NULL};
    const MdBlock      block   = {(const float* const*)part, part, key ? keys : NULL, key ? key->channels : 0U, len};
    ins->cls->process(ins->state, &block);
  }
  ins->seconds += md_clock_seconds() - start;
  if (ins->live && ins->automated) {
    md_engine_settle_insert(ins, t + (int64_t)n);
  }
  // A processor whose output went NaN or infinite has poisoned state: its
  // output is silenced for this block and it starts over.
  const uint64_t bad = md_engine_scrub(w, io, ins->out_channels, n);
  if (bad) {
    node->non_finite += bad;
    ins->cls->reset(ins->state);
    md_engine_note_non_finite(node, "track or bus `%s`, insert %u (%s) at %.3f s: its state went non-finite and was reset",
                    node->name, (unsigned)(ins - node->inserts) + 1U, ins->cls->name, (double)t / e->rate_hz);
  }
  update_meters(ins);
  if (fading) {
    crossfade(ins, io, dry, n);
  }
  const bool silent_out = md_engine_is_silent(io, ins->out_channels, n);
  ins->quiet            = silent_in && silent_out;
  return silent_out;
}
