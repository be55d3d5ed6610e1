// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The routing plan of a session: the order nodes run in (every source before
// its destinations), the latency at each node's input and output, each
// node's tail, and which nodes are audible under mute and solo.  Pure data
// from the model and the processors' reported latencies; no audio here.
// Thread: built and freed on the control thread; md_plan_audible() also
// on the audio thread (live mute and solo: no allocation).

#ifndef MD_GRAPH_H
#define MD_GRAPH_H

#include "session/model.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct {
  uint32_t* order;       ///< Node indices in run order
  uint32_t* latency_in;  ///< Frames of latency at each node's input (after alignment)
  uint32_t* latency_out; ///< Frames of latency at each node's output
  uint64_t* tail_out;    ///< Frames a node keeps sounding after its inputs stop
  bool*     audible;     ///< False when muted, or silenced by another's solo
} MdPlan;

/// A sidechain: an insert of `host`, `pre_latency` frames into its chain,
/// keyed by node `key`.  The key must run first and arrive aligned.
typedef struct {
  uint32_t host;
  uint32_t key;
  uint32_t pre_latency;
} MdKeyLink;

/// Builds the plan.  `insert_latency[i]` and `insert_tail[i]` are the sums
/// over node i's inserts.  Routing must already be acyclic (the validator
/// checks); returns MIXDOWN_ERR_SESSION if it is not.
MixdownStatus md_plan_build(const MixdownSession* session, const uint32_t* insert_latency,
                            const uint64_t* insert_tail, const MdKeyLink* keys, size_t n_keys,
                            MdPlan* plan);

void md_plan_free(MdPlan* plan);

/// Which nodes are audible (`audible`, one per node) under per-node `mute`
/// and `solo` flags: solo in place — with any solo, a node stays audible
/// when it is soloed, is fed by a soloed node, or feeds a soloed bus; mute
/// always wins.  `order` is the plan's run order (md_plan_build(): every
/// node after the nodes that feed it), so that one pass each way settles
/// the marks.  `marks` is scratch of 2 × nodes.  No allocation: live
/// playback calls it on the audio thread.
void md_plan_audible(const MixdownSession* session, const uint32_t* order, const bool* mute, const bool* solo,
                     bool* marks, bool* audible);

/// Frames an edge from `from` to `to` delays its signal so that it meets
/// `to`'s other inputs aligned: `to`'s input latency less `from`'s output
/// latency.
uint32_t md_plan_edge_delay(const MdPlan* plan, uint32_t from, uint32_t to);

/// Frames the sidechain key `link` is delayed to meet the audio at its
/// insert: the host's input latency and the inserts before it, less the
/// key's output latency.
uint32_t md_plan_key_delay(const MdPlan* plan, const MdKeyLink* link);

/// Calls `visit(node, target, user)` for each outgoing edge of node `index`
/// (its output, then its sends).
void md_plan_for_each_edge(const MixdownSession* session, uint32_t index,
                           void (*visit)(uint32_t from, uint32_t to, void* user), void* user);

#endif
