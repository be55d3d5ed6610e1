// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The meters message (meters.h).  The player pushes a snapshot of every
// strip 30 times a second; the server reads them at about that rate, so a
// message joins whatever came since the last (peak: the highest; mean
// square: the mean of the snapshots, each one the same span of frames).
// The master's output goes through one BS.1770 meter (master_meter.h).

#include "serve/meters.h"

#include "session/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct MdServeMeters {
  MdPlayer*   player;
  size_t      nodes;
  double      rate_hz;
  float*      snapshot;   ///< 2 × nodes: peak, then mean square
  double*     peak;       ///< Since the last message, linear
  double*     mean_square;
  uint32_t    snapshots;  ///< Joined since the last message
  double*     peak_dbfs;  ///< The last message's figures
  double*     rms_dbfs;
  uint32_t    n_reads;      ///< Insert read-outs (md_player_insert_meter_count())
  float*      reads_now;    ///< One insert snapshot
  double*     reads;        ///< Furthest from 0 since the last message
  char**      read_json;    ///< Each read-out's JSON prefix: `"/track/a/insert/2":{"name":` or `,"name":`
  size_t      read_json_bytes;
  MdServeMasterMeter* loudness;
  float*      interleaved; ///< MD_SERVE_MASTER_CHUNK_FRAMES × 2
  MdServeMasterLoudness master;
};

// -inf, NaN and anything under the floor read as the floor.
static double
floor_db(double db)
{
  return db > MD_SERVE_METER_FLOOR_DB ? db : MD_SERVE_METER_FLOOR_DB;
}

static double
amplitude_db(double linear)
{
  return floor_db(linear > 0.0 ? 20.0 * log10(linear) : -HUGE_VAL);
}

static double
power_db(double mean_square)
{
  return floor_db(mean_square > 0.0 ? 10.0 * log10(mean_square) : -HUGE_VAL);
}

// `name` as an address writes it (session/address.h): `/` and `%` escaped.
static size_t
escape_name(const char* name, char* out, size_t size)
{
  size_t at = 0U;
  for (const char* c = name; *c && at + 4U < size; ++c) {
    if (*c == '/' || *c == '%') {
      at += (size_t)snprintf(out + at, size - at, "%%%02X", (unsigned)(unsigned char)*c);
    } else if (*c == '"' || *c == '\\') {
      at += (size_t)snprintf(out + at, size - at, "\\%c", *c); // inside a JSON string
    } else {
      out[at++] = *c;
    }
  }
  out[at] = '\0';
  return at;
}

// The JSON before each insert read-out's value: the insert's key and `{`
// for its first read-out, a `,` for the next ones of the same insert.
static bool
describe_reads(MdServeMeters* m, const MixdownSession* session)
{
  m->n_reads = md_player_insert_meter_count(m->player);
  const uint32_t n = m->n_reads ? m->n_reads : 1U;
  if (!(m->reads_now = calloc(n, sizeof(float))) || !(m->reads = calloc(n, sizeof(double))) ||
      !(m->read_json = calloc(n, sizeof(char*)))) {
    return false;
  }
  MdInsertMeterInfo before = {UINT32_MAX, UINT32_MAX, 0U, NULL};
  for (uint32_t k = 0U; k < m->n_reads; ++k) {
    MdInsertMeterInfo info;
    if (!md_player_insert_meter_info(m->player, k, &info) || info.node >= session->n_nodes) {
      return false;
    }
    const MdNode* node  = &session->nodes[info.node];
    const bool    first = info.node != before.node || info.insert != before.insert;
    char          name[400];
    escape_name(node->name ? node->name : "", name, sizeof name);
    char text[600];
    if (!first) {
      snprintf(text, sizeof text, ",\"%s\":", info.name);
    } else if (node->kind == MD_NODE_MASTER) {
      snprintf(text, sizeof text, "%s\"/master/insert/%u\":{\"%s\":", k ? "}," : "", info.insert + 1U, info.name);
    } else {
      snprintf(text, sizeof text, "%s\"/%s/%s/insert/%u\":{\"%s\":", k ? "}," : "",
               node->kind == MD_NODE_TRACK ? "track" : "bus", name, info.insert + 1U, info.name);
    }
    if (!(m->read_json[k] = strdup(text))) {
      return false;
    }
    m->read_json_bytes += strlen(text) + 16U;
    before = info;
  }
  return true;
}

MdServeMeters*
md_serve_meters_new(MdPlayer* player, const MixdownSession* session, uint32_t rate_hz)
{
  MdServeMeters* m = calloc(1U, sizeof *m);
  if (!m) {
    return NULL;
  }
  m->player  = player;
  m->nodes   = session->n_nodes;
  m->rate_hz = rate_hz;
  const size_t n = m->nodes ? m->nodes : 1U;
  m->snapshot    = calloc(2U * n, sizeof(float));
  m->peak        = calloc(n, sizeof(double));
  m->mean_square = calloc(n, sizeof(double));
  m->peak_dbfs   = calloc(n, sizeof(double));
  m->rms_dbfs    = calloc(n, sizeof(double));
  m->loudness    = md_serve_master_meter_new(rate_hz);
  m->interleaved = calloc(2U * MD_SERVE_MASTER_CHUNK_FRAMES, sizeof(float));
  if (!describe_reads(m, session) || !m->interleaved || !m->snapshot || !m->peak || !m->mean_square || !m->peak_dbfs || !m->rms_dbfs || !m->loudness) {
    md_serve_meters_free(m);
    return NULL;
  }
  for (size_t k = 0U; k < m->nodes; ++k) {
    m->peak_dbfs[k] = m->rms_dbfs[k] = MD_SERVE_METER_FLOOR_DB;
  }
  m->master = (MdServeMasterLoudness){MD_SERVE_METER_FLOOR_DB, MD_SERVE_METER_FLOOR_DB, MD_SERVE_METER_FLOOR_DB,
                                      MD_SERVE_METER_FLOOR_DB};
  return m;
}

void
md_serve_meters_free(MdServeMeters* m)
{
  if (!m) {
    return;
  }
  md_serve_master_meter_free(m->loudness);
  for (uint32_t k = 0U; m->read_json && k < m->n_reads; ++k) {
    free(m->read_json[k]);
  }
  free(m->read_json);
  free(m->reads);
  free(m->reads_now);
  free(m->interleaved);
  free(m->snapshot);
  free(m->peak);
  free(m->mean_square);
  free(m->peak_dbfs);
  free(m->rms_dbfs);
  free(m);
}

void
md_serve_meters_reset_loudness(MdServeMeters* m)
{
  md_serve_master_meter_reset(m->loudness); // out of memory: the old one goes on
}

// Every snapshot queued since the last call joined into peak/mean_square;
// returns how many there were.
static uint32_t
take_snapshots(MdServeMeters* m)
{
  uint32_t n = 0U;
  for (; md_player_take_meters(m->player, MD_METERS_MAIN, m->snapshot); ++n) {
    // One insert snapshot is queued with each strip snapshot.
    const bool reads = md_player_take_insert_meters(m->player, MD_METERS_MAIN, m->reads_now);
    for (uint32_t k = 0U; reads && k < m->n_reads; ++k) {
      const double v = m->reads_now[k];
      m->reads[k]    = n == 0U || fabs(v) > fabs(m->reads[k]) ? v : m->reads[k];
    }
    for (size_t k = 0U; k < m->nodes; ++k) {
      const double peak = m->snapshot[k];
      m->peak[k]        = n == 0U || peak > m->peak[k] ? peak : m->peak[k];
      m->mean_square[k] = (n == 0U ? 0.0 : m->mean_square[k]) + m->snapshot[m->nodes + k];
    }
  }
  for (size_t k = 0U; n && k < m->nodes; ++k) {
    m->mean_square[k] /= n;
    m->peak_dbfs[k] = amplitude_db(m->peak[k]);
    m->rms_dbfs[k]  = power_db(m->mean_square[k]);
  }
  return n;
}

// The master's output since the last call, measured.
static void
take_master(MdServeMeters* m)
{
  uint32_t frames = 0U;
  do {
    md_player_take_master(m->player, MD_METERS_MAIN, m->interleaved, MD_SERVE_MASTER_CHUNK_FRAMES, &frames);
    md_serve_master_meter_add(m->loudness, m->interleaved, frames);
  } while (frames == MD_SERVE_MASTER_CHUNK_FRAMES);
  MdServeMasterLoudness now;
  md_serve_master_meter_read(m->loudness, &now);
  m->master = (MdServeMasterLoudness){floor_db(now.momentary), floor_db(now.short_term), floor_db(now.integrated),
                                      floor_db(now.true_peak_db)};
}

char*
md_serve_meters_json(MdServeMeters* m)
{
  take_master(m);
  if (!take_snapshots(m)) {
    return NULL;
  }
  // Each strip at most "[-200.00,-200.00]," (18 bytes); the rest is short.
  const size_t size = 256U + 24U * m->nodes + m->read_json_bytes;
  char*        json = malloc(size);
  if (!json) {
    return NULL;
  }
  size_t at = (size_t)snprintf(json, size, "{\"type\":\"meters\",\"strips\":[");
  for (size_t k = 0U; k < m->nodes; ++k) {
    at += (size_t)snprintf(json + at, size - at, "%s[%.2f,%.2f]", k ? "," : "", m->peak_dbfs[k], m->rms_dbfs[k]);
  }
  at += (size_t)snprintf(json + at, size - at, "],\"inserts\":{");
  for (uint32_t k = 0U; k < m->n_reads; ++k) {
    const double v = fabs(m->reads[k]) < 0.005 ? 0.0 : m->reads[k]; // never "-0.00"
    at += (size_t)snprintf(json + at, size - at, "%s%.2f", m->read_json[k], v);
  }
  snprintf(json + at, size - at,
           "%s},\"master\":{\"momentary\":%.2f,\"short_term\":%.2f,\"integrated\":%.2f,"
           "\"true_peak_db\":%.2f}}",
           m->n_reads ? "}" : "", m->master.momentary, m->master.short_term, m->master.integrated, m->master.true_peak_db);
  return json;
}

bool
md_serve_meters_strip(const MdServeMeters* m, size_t k, double* peak_dbfs, double* rms_dbfs)
{
  if (k >= m->nodes) {
    return false;
  }
  *peak_dbfs = m->peak_dbfs[k];
  *rms_dbfs  = m->rms_dbfs[k];
  return true;
}

void
md_serve_meters_master(const MdServeMeters* m, MdServeMasterLoudness* out)
{
  *out = m->master;
}
