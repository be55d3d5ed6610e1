// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The console's meters (the `meters` message of the wire, docs/serve.md):
// every strip's post-fader peak and RMS since the last message (dBFS,
// from the player's snapshots: md_player_take_meters()), each insert's
// read-outs such as gain reduction, and the master's loudness — momentary,
// short-term and integrated (BS.1770 through io/loudness.h, the meter
// `mixdown analyze` reads) and its true peak — from the master's output
// (md_player_take_master()).  Levels below -200 dBFS (silence: -inf) are
// written as -200.
//
// Thread: the server thread (the player's meter reader: one per player).

#ifndef MD_SERVE_METERS_H
#define MD_SERVE_METERS_H

#include "live/player.h"
#include "serve/master_meter.h"
#include "mixdown.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MD_SERVE_METER_FLOOR_DB (-200.0) ///< What silence (-inf) reads

typedef struct MdServeMeters MdServeMeters;

/// Meters of `player` (built with meter_hz > 0) playing `session` (the
/// player's own: the strips in its node order, tracks, buses, the master)
/// at `rate_hz`.  NULL when out of memory.
MdServeMeters* md_serve_meters_new(MdPlayer* player, const MixdownSession* session, uint32_t rate_hz);
void           md_serve_meters_free(MdServeMeters* meters);

/// Takes what the player measured since the last call: the `meters`
/// message (malloc'd), or NULL when no new snapshot came.
char* md_serve_meters_json(MdServeMeters* meters);

/// Starts the master's loudness over (integrated, true peak): a locate, or
/// play from the top.
void md_serve_meters_reset_loudness(MdServeMeters* meters);

/// The figures of the last md_serve_meters_json(), for tests: strip `k`'s
/// peak and RMS (dBFS; false past the last strip), and the master's
/// loudness (LUFS) and true peak (dBTP, the highest since the start or
/// the last reset).
bool md_serve_meters_strip(const MdServeMeters* meters, size_t k, double* peak_dbfs, double* rms_dbfs);
void md_serve_meters_master(const MdServeMeters* meters, MdServeMasterLoudness* out);

#endif
