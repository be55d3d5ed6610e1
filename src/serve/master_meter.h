// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The master's loudness for the console's meters (meters.h): momentary,
// short-term and integrated loudness and the true peak of the player's
// master output, through io/loudness.h — the BS.1770 meter `mixdown
// analyze` reads.  Apart from meters.c because io/loudness.h and the
// session model (session/model.h) both name a type MdLoudness.
//
// Thread: the server thread (one reader of the player's master output).

#ifndef MD_SERVE_MASTER_METER_H
#define MD_SERVE_MASTER_METER_H

#include <stdbool.h>
#include <stdint.h>

#define MD_SERVE_MASTER_CHUNK_FRAMES 4096U

typedef struct MdServeMasterMeter MdServeMasterMeter;

/// The figures so far (LUFS; dBTP, the highest since the start or the last
/// reset); -inf below the floor the caller puts it at.
typedef struct {
  double momentary, short_term, integrated, true_peak_db;
} MdServeMasterLoudness;

/// NULL when out of memory.
MdServeMasterMeter* md_serve_master_meter_new(double rate_hz);
void                md_serve_master_meter_free(MdServeMasterMeter* meter);
/// Starts over (a locate, play from the top); false (the old one goes on) when out of memory.
bool md_serve_master_meter_reset(MdServeMasterMeter* meter);
/// Measures `frames` frames of the master (interleaved L R; at most
/// MD_SERVE_MASTER_CHUNK_FRAMES at a time).
void md_serve_master_meter_add(MdServeMasterMeter* meter, const float* interleaved, uint32_t frames);
/// The figures so far.
void md_serve_master_meter_read(const MdServeMasterMeter* meter, MdServeMasterLoudness* out);

#endif
