// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The curves (curves.h): the frequencies or input levels, the engine's
// own functions at them, and the message.  An insert named by address
// is found through the resolver (session/address.h) and its values read
// from the model, an envelope at the transport's position.

#include "serve/curves.h"

#include "dsp/compressor.h"
#include "dsp/eq.h"
#include "dsp/gate.h"
#include "dsp/limiter.h"
#include "engine/automation.h"
#include "session/address.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CURVE_FLOOR_DB (-200.0) ///< What silence (-inf) reads

typedef double (*StaticCurve)(const double* values, double in_db);

// The gain computer of a dynamics class, or NULL.
static StaticCurve
static_curve(const MdProcessorClass* cls)
{
  return cls == &md_compressor_class ? md_compressor_static_db
         : cls == &md_gate_class     ? md_gate_static_db
         : cls == &md_limiter_class  ? md_limiter_static_db
                                     : NULL;
}

MdServeCurveKind
md_serve_curve_kind(const MdProcessorClass* cls)
{
  return cls == &md_eq_class ? MD_SERVE_CURVE_EQ : static_curve(cls) ? MD_SERVE_CURVE_DYNAMICS : MD_SERVE_CURVE_NONE;
}

const char*
md_serve_curve_kind_name(MdServeCurveKind kind)
{
  return kind == MD_SERVE_CURVE_EQ ? "eq" : kind == MD_SERVE_CURVE_DYNAMICS ? "dynamics" : NULL;
}

bool
md_serve_curve_points(const MdProcessorClass* cls, const double* values, double rate_hz, double points[][2])
{
  const uint32_t n    = MD_SERVE_CURVE_POINTS;
  const MdServeCurveKind kind = md_serve_curve_kind(cls);
  if (kind == MD_SERVE_CURVE_EQ) {
    double       freqs[MD_SERVE_CURVE_POINTS], db[MD_SERVE_CURVE_POINTS];
    const double high = MD_SERVE_CURVE_HIGH_OF_NYQUIST * 0.5 * rate_hz;
    for (uint32_t k = 0U; k < n; ++k) {
      freqs[k] = MD_SERVE_CURVE_LOW_HZ * pow(high / MD_SERVE_CURVE_LOW_HZ, (double)k / (n - 1U));
    }
    md_eq_response_db(values, rate_hz, freqs, n, db);
    for (uint32_t k = 0U; k < n; ++k) {
      points[k][0] = freqs[k];
      points[k][1] = db[k] > CURVE_FLOOR_DB ? db[k] : CURVE_FLOOR_DB;
    }
    return true;
  }
  if (kind == MD_SERVE_CURVE_DYNAMICS) {
    const StaticCurve curve = static_curve(cls);
    for (uint32_t k = 0U; k < n; ++k) {
      const double in = MD_SERVE_CURVE_IN_MIN_DB +
                        (MD_SERVE_CURVE_IN_MAX_DB - MD_SERVE_CURVE_IN_MIN_DB) * (double)k / (n - 1U);
      const double out = curve(values, in);
      points[k][0]     = in;
      points[k][1]     = out > CURVE_FLOOR_DB ? out : CURVE_FLOOR_DB;
    }
    return true;
  }
  return false;
}

// `text` into `out` as a JSON string's contents (quotes, backslashes and
// control bytes escaped).
static size_t
json_escape(const char* text, char* out, size_t size)
{
  size_t at = 0U;
  for (const unsigned char* c = (const unsigned char*)text; *c && at + 7U < size; ++c) {
    if (*c == '"' || *c == '\\') {
      out[at++] = '\\';
      out[at++] = (char)*c;
    } else if (*c < 0x20U) {
      at += (size_t)snprintf(out + at, size - at, "\\u%04x", *c);
    } else {
      out[at++] = (char)*c;
    }
  }
  out[at] = '\0';
  return at;
}

char*
md_serve_curve_message(const char* address, const MdProcessorClass* cls, const double* values, double rate_hz)
{
  double points[MD_SERVE_CURVE_POINTS][2];
  if (!md_serve_curve_points(cls, values, rate_hz, points)) {
    return NULL;
  }
  char name[1100];
  json_escape(address, name, sizeof name);
  const size_t size = strlen(name) + 128U + MD_SERVE_CURVE_POINTS * 40U;
  char*        json = malloc(size);
  if (!json) {
    return NULL;
  }
  size_t at = (size_t)snprintf(json, size, "{\"type\":\"curve\",\"address\":\"%s\",\"kind\":\"%s\",\"points\":[", name,
                               md_serve_curve_kind_name(md_serve_curve_kind(cls)));
  for (uint32_t k = 0U; k < MD_SERVE_CURVE_POINTS; ++k) {
    at += (size_t)snprintf(json + at, size - at, "%s[%.6g,%.3f]", k ? "," : "", points[k][0], points[k][1]);
  }
  snprintf(json + at, size - at, "]}");
  return json;
}

// The address of value slot `slot` of insert `insert_address` of class
// `cls` into `out`; false for a slot that is no number (a list's count,
// a node, a file).
static bool
slot_address(const MdProcessorClass* cls, uint32_t slot, const char* insert_address, char* out, size_t size)
{
  MdSlotPlace place;
  if (!md_processor_slot_place(cls, slot, &place)) {
    return false;
  }
  const MdParam* param = &cls->params[place.param];
  if (place.in_list) {
    snprintf(out, size, "%s/%s/%u/%s", insert_address, param->info.name, place.item + 1U,
             param->fields[place.field].info.name);
    return true;
  }
  const MixdownParamKind kind = param->info.kind;
  snprintf(out, size, "%s/%s", insert_address, param->info.name);
  return kind == MIXDOWN_PARAM_NUMBER || kind == MIXDOWN_PARAM_BOOL || kind == MIXDOWN_PARAM_CHOICE;
}

// A model value: its constant, or its envelope at `position_s`.
static double
model_value(const MdValue* value, double position_s)
{
  if (!value->envelope) {
    return value->value;
  }
  MdAutomation* automation = md_automation_new(value->envelope);
  const double  v          = automation ? md_automation_value(automation, position_s) : value->value;
  md_automation_free(automation);
  return v;
}

char*
md_serve_curve_json(const MixdownSession* session, const char* insert_address, double position_s,
                    MdServeLiveValue live, void* user, char* why, size_t why_size)
{
  char      probe[1100];
  MdAddress a;
  char      note[400] = "";
  snprintf(probe, sizeof probe, "%s/bypass", insert_address); // every insert has it: names the insert
  if (!md_address_resolve(session, probe, &a, note, sizeof note) || a.owner != MD_OWNER_INSERT_KEY) {
    snprintf(why, why_size, "%s: not an insert%s%s", insert_address, note[0] ? ": " : "", note);
    return NULL;
  }
  const MdInsert*         insert = &session->nodes[a.node].inserts[a.index];
  const MdProcessorClass* cls    = insert->cls;
  if (md_serve_curve_kind(cls) == MD_SERVE_CURVE_NONE) {
    snprintf(why, why_size, "%s: a %s has no curve (an eq or a compressor, gate or limiter has)", insert_address,
             cls->name);
    return NULL;
  }
  const uint32_t n      = md_processor_value_count(cls);
  double*        values = calloc(n ? n : 1U, sizeof(double));
  if (!values) {
    snprintf(why, why_size, "out of memory");
    return NULL;
  }
  for (uint32_t slot = 0U; slot < n; ++slot) {
    values[slot] = model_value(&insert->values[slot], position_s);
    char   address[1200];
    double v = 0.0;
    if (live && slot_address(cls, slot, insert_address, address, sizeof address) && live(user, address, &v)) {
      values[slot] = v;
    }
  }
  char* json = md_serve_curve_message(insert_address, cls, values, mixdown_session_sample_rate(session));
  free(values);
  if (!json) {
    snprintf(why, why_size, "out of memory");
  }
  return json;
}
