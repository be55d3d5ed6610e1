// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// One table for every key (issue 17.3): the key sets of session/keys.h
// and the value tables of dsp/strip.h declare each key once; one range
// check (dsp/processor.h md_range_check) refuses for the validator and
// clamps for live control; one API for list slots (an EQ band's field)
// gives the same slot to the processor, the validator, OSC and the
// address it is named by; the pan law is one enum with its gains.

#include "dsp/registry.h"
#include "dsp/strip.h"
#include "live/control.h"
#include "session/keys.h"
#include "session/model.h"
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const MdKeySet* const all_sets[] = {&md_track_keys, &md_bus_keys, &md_master_keys, &md_clip_keys,
                                           &md_send_keys};

static bool
in_table(const MdParam* p, const MdParam* table, size_t n)
{
  return p >= table && p < table + n;
}

// Each key once per mapping; a value's key is named by its one table
// entry (and points into the strip, send or clip table); a structure key
// names itself.
static void
test_every_key_declared_once(void)
{
  for (size_t s = 0U; s < sizeof all_sets / sizeof all_sets[0]; ++s) {
    const MdKeySet* set = all_sets[s];
    CHECK(set->n_keys > 0U && set->n_keys <= MD_KEY_SET_MAX);
    for (size_t i = 0U; i < set->n_keys; ++i) {
      const MdKey* key = &set->keys[i];
      CHECK_MSG((key->name == NULL) != (key->param == NULL), "%s: key %zu has both or neither", set->where, i);
      if (key->param) {
        CHECK_MSG(in_table(key->param, md_strip_params, MD_STRIP_N_PARAMS) ||
                    in_table(key->param, md_send_params, MD_SEND_N_PARAMS) ||
                    in_table(key->param, md_clip_params, MD_CLIP_N_PARAMS),
                  "%s: `%s` is not declared in a table", set->where, md_key_name(key));
      }
      CHECK(md_key_find(set, md_key_name(key)) == key);
      for (size_t j = 0U; j < i; ++j) {
        CHECK_MSG(strcmp(md_key_name(&set->keys[j]), md_key_name(key)) != 0, "%s: `%s` twice", set->where,
                  md_key_name(key));
      }
    }
    CHECK(md_key_find(set, "no_such_key") == NULL);
  }
  // Every strip value is a key of a track, under its own name.
  for (int k = 0; k < MD_STRIP_N_PARAMS; ++k) {
    const MdKey* key = md_key_find(&md_track_keys, md_strip_params[k].info.name);
    CHECK_MSG(key && key->param == &md_strip_params[k], "track key `%s`", md_strip_params[k].info.name);
  }
  // A bus has no pan law; the master only its fader of the strip.
  CHECK(md_key_find(&md_bus_keys, "pan_law") == NULL);
  CHECK(md_key_find(&md_master_keys, "gain_db")->param == &md_strip_params[MD_STRIP_GAIN_DB]);
  CHECK(md_key_find(&md_master_keys, "pan") == NULL);
  // The names a message lists, in the set's order.
  const char* names[MD_KEY_SET_MAX];
  CHECK(md_key_names(&md_send_keys, names, MD_KEY_SET_MAX) == 3U);
  CHECK(!strcmp(names[0], "to") && !strcmp(names[1], "level_db") && !strcmp(names[2], "pre_fader"));
}

// What may be automated and what may move while playing is the table's.
static void
test_flags_come_from_the_tables(void)
{
  CHECK(md_param_automatable(&md_strip_params[MD_STRIP_GAIN_DB]));
  CHECK(md_param_automatable(&md_strip_params[MD_STRIP_PAN]));
  CHECK(md_param_automatable(&md_strip_params[MD_STRIP_MUTE])); // a switch that takes an envelope
  CHECK(!md_param_automatable(&md_strip_params[MD_STRIP_SOLO]));
  CHECK(!md_param_automatable(&md_strip_params[MD_STRIP_INVERT]));
  CHECK(!md_param_automatable(&md_strip_params[MD_STRIP_PAN_LAW]));
  CHECK(md_param_automatable(&md_send_params[MD_SEND_LEVEL_DB]));
  for (int k = 0; k < MD_CLIP_N_PARAMS; ++k) {
    CHECK_MSG(!md_param_automatable(&md_clip_params[k]), "clip `%s`", md_clip_params[k].info.name);
  }
  for (int k = 0; k < MD_STRIP_N_PARAMS; ++k) {
    CHECK_MSG(md_param_live(&md_strip_params[k]) == (k != MD_STRIP_PAN_LAW), "strip `%s`",
              md_strip_params[k].info.name);
  }
  // The processors' values fixed while playing, each with its reason.
  static const struct {
    const char* type;
    const char* param;
    const char* field;
    const char* why;
  } fixed[] = {
    {"compressor", "lookahead_ms", NULL, "it sets the compressor's latency"},
    {"compressor", "detector", NULL, "the detector is chosen when the compressor is built"},
    {"limiter", "lookahead_ms", NULL, "it sets the limiter's latency"},
    {"limiter", "true_peak", NULL, "it sets the limiter's latency"},
    {"eq", "bands", "type", "a band's shape is set when the EQ is built"},
    {"eq", "bands", "slope", "a band's shape is set when the EQ is built"},
  };
  unsigned n_fixed = 0U; // every value of every processor, a list's fields once
  for (uint32_t c = 0U; c < md_registry_count(); ++c) {
    const MdProcessorClass* cls = md_registry_at(c);
    for (uint32_t k = 0U; k < cls->n_params; ++k) {
      const MdParam* p = &cls->params[k];
      n_fixed += (p->flags & MD_PARAM_FIXED_WHILE_PLAYING) != 0U;
      for (uint32_t f = 0U; p->info.kind == MIXDOWN_PARAM_LIST && f < p->n_fields; ++f) {
        n_fixed += (p->fields[f].flags & MD_PARAM_FIXED_WHILE_PLAYING) != 0U;
      }
    }
  }
  CHECK_MSG(n_fixed == 6U, "%u values fixed while playing", n_fixed);
  for (size_t k = 0U; k < sizeof fixed / sizeof fixed[0]; ++k) {
    const MdProcessorClass* cls = md_registry_find(fixed[k].type);
    const int               p   = md_processor_param_index(cls, fixed[k].param);
    CHECK(p >= 0);
    const MdParam* entry = &cls->params[p];
    if (fixed[k].field) {
      entry = &entry->fields[md_list_field_index(entry, fixed[k].field)];
    }
    CHECK(!md_param_live(entry));
    CHECK_MSG(entry->fixed_why && !strcmp(entry->fixed_why, fixed[k].why), "%s %s", fixed[k].type, fixed[k].param);
  }
}

// One range check, two policies: the validator refuses (and its message
// gives the valid range), live control clamps (and its note says so).
static void
test_range_check_refuses_or_clamps(void)
{
  double out = 7.0;
  CHECK(md_range_check(30.0, -144.0, 24.0, MD_RANGE_REFUSE, &out) == MD_RANGE_OUTSIDE && out == 7.0);
  CHECK(md_range_check(30.0, -144.0, 24.0, MD_RANGE_CLAMP, &out) == MD_RANGE_CLAMPED && out == 24.0);
  CHECK(md_range_check(-200.0, -144.0, 24.0, MD_RANGE_CLAMP, &out) == MD_RANGE_CLAMPED && out == -144.0);
  CHECK(md_range_check(-3.0, -144.0, 24.0, MD_RANGE_REFUSE, &out) == MD_RANGE_INSIDE && out == -3.0);
  CHECK(md_range_check(24.0, -144.0, 24.0, MD_RANGE_CLAMP, &out) == MD_RANGE_INSIDE && out == 24.0);
  out = 7.0;
  CHECK(md_range_check(NAN, -144.0, 24.0, MD_RANGE_CLAMP, &out) == MD_RANGE_NOT_FINITE && out == 7.0);
  CHECK(md_range_check(INFINITY, -144.0, 24.0, MD_RANGE_REFUSE, &out) == MD_RANGE_NOT_FINITE && out == 7.0);
  CHECK(md_range_check(-INFINITY, -144.0, 24.0, MD_RANGE_CLAMP, &out) == MD_RANGE_NOT_FINITE && out == 7.0);
  // By kind: a switch is 0 or 1, a choice the nearest index within range.
  CHECK(md_param_fit(&md_strip_params[MD_STRIP_SOLO], 0.3, MD_RANGE_CLAMP, &out) == MD_RANGE_INSIDE && out == 1.0);
  CHECK(md_param_fit(&md_strip_params[MD_STRIP_PAN_LAW], 2.4, MD_RANGE_CLAMP, &out) == MD_RANGE_INSIDE && out == 2.0);
  CHECK(md_param_fit(&md_strip_params[MD_STRIP_PAN_LAW], 9.0, MD_RANGE_CLAMP, &out) == MD_RANGE_CLAMPED && out == 3.0);
  CHECK(md_param_fit(&md_strip_params[MD_STRIP_PAN], 1.5, MD_RANGE_REFUSE, &out) == MD_RANGE_OUTSIDE);
  CHECK(md_param_fit(&md_strip_params[MD_STRIP_SOLO], NAN, MD_RANGE_CLAMP, &out) == MD_RANGE_NOT_FINITE);

  // The same value, from a session file and from the network.
  test_write_dc(test_path("k.wav"), 0.25f, 0.1, 1U, 48000U);
  char     first[512] = "";
  unsigned count      = 0U;
  CHECK(test_open_errors("mixdown: 1\ntracks:\n  - {name: a, file: k.wav, gain_db: 30}\n", first, sizeof first,
                         &count) == MIXDOWN_ERR_SESSION);
  CHECK_MSG(strstr(first, "`gain_db` is 30, out of range: valid range is -144 … 24 dB") != NULL, "%s", first);
  MixdownSession* s = test_open_yaml("mixdown: 1\ntracks:\n  - {name: a, file: k.wav}\n");
  if (!s) {
    return;
  }
  MdCommand    cmd;
  char         note[300];
  const double thirty = 30.0;
  CHECK(md_control_parse(s, "/track/a/gain_db", &thirty, 1U, &cmd, note, sizeof note));
  CHECK(cmd.change.value == 24.0);
  CHECK_MSG(!strcmp(note, "/track/a/gain_db 30 is out of range -144…24 dB: 24 used"), "%s", note);
  mixdown_session_free(s);
}

// An EQ band's field: the slot the processor reads, the validator stores,
// OSC addresses and the address names back, all from one set of functions.
static void
test_list_slots_round_trip(void)
{
  const MdProcessorClass* eq    = md_registry_find("eq");
  const int               bands = md_processor_param_index(eq, "bands");
  CHECK(eq && bands >= 0);
  const MdParam* list = &eq->params[bands];
  CHECK(list->info.kind == MIXDOWN_PARAM_LIST && list->max_items == 16U && list->n_fields == 5U);
  uint32_t seen = 0U;
  for (uint32_t item = 0U; item < list->max_items; ++item) {
    for (uint32_t field = 0U; field < list->n_fields; ++field) {
      const uint32_t slot  = md_processor_list_slot(eq, (uint32_t)bands, item, field);
      MdSlotPlace    place = {0};
      CHECK(md_processor_slot_place(eq, slot, &place));
      CHECK(place.param == (uint32_t)bands && place.in_list && place.item == item && place.field == field);
      CHECK(md_processor_slot_param(eq, slot) == &list->fields[field]);
      CHECK(md_list_field_index(list, list->fields[field].info.name) == (int)field);
      uint32_t i = 0U, f = 0U;
      CHECK(md_list_slot_place(list, md_list_slot(list, item, field), &i, &f) && i == item && f == field);
      CHECK(slot == 1U + seen++); // item by item, after the count
    }
  }
  MdSlotPlace place = {0};
  CHECK(md_processor_slot_place(eq, 0U, &place) && !place.in_list); // the count
  CHECK(!md_processor_slot_place(eq, md_processor_value_count(eq), &place));
  CHECK(md_list_field_index(list, "gian_db") == -1);

  // The validator stores a band's value in that slot; OSC finds the slot
  // and names it back.
  test_write_dc(test_path("k.wav"), 0.25f, 0.1, 1U, 48000U);
  MixdownSession* s = test_open_yaml("mixdown: 1\ntracks:\n  - name: a\n    file: k.wav\n"
                                     "    inserts: [{type: eq, bands: [{freq: 100}, {type: bell, freq: 2000, "
                                     "gain_db: -4.5, q: 2}]}]\n");
  if (!s) {
    return;
  }
  const MdInsert* insert = &s->nodes[0].inserts[0];
  const int       gain   = md_list_field_index(list, "gain_db");
  const int       q      = md_list_field_index(list, "q");
  CHECK(insert->values[md_processor_list_slot(eq, (uint32_t)bands, 1U, (uint32_t)gain)].value == -4.5);
  CHECK(insert->values[md_processor_list_slot(eq, (uint32_t)bands, 1U, (uint32_t)q)].value == 2.0);
  CHECK(insert->values[md_processor_value_offset(eq, (uint32_t)bands)].value == 2.0); // two bands
  MdCommand    cmd;
  char         note[300];
  char         address[300];
  const double value = 3.0;
  CHECK(md_control_parse(s, "/track/a/insert/eq/bands/2/q", &value, 1U, &cmd, note, sizeof note));
  CHECK(cmd.change.slot == md_processor_list_slot(eq, (uint32_t)bands, 1U, (uint32_t)q));
  md_control_address(s, &cmd.change, address, sizeof address);
  CHECK_MSG(!strcmp(address, "/track/a/insert/1/bands/2/q"), "%s", address);
  CHECK(md_control_param(s, &cmd.change) == &list->fields[q]);
  mixdown_session_free(s);
}

// The pan law: one enum, the choices' order, the gains at the centre.
static void
test_pan_law_gains(void)
{
  static const struct {
    MdPanLaw    law;
    const char* name;
    double      centre_db;
    double      gain_db; // 20·log10 of the centre gain
  } laws[] = {
    {MD_PAN_LAW_0_DB, "0", 0.0, 0.0},
    {MD_PAN_LAW_MINUS_3_DB, "-3", -3.0, -3.0103},     // √½
    {MD_PAN_LAW_MINUS_4_5_DB, "-4.5", -4.5, -4.5154}, // (√½ · ½)^½
    {MD_PAN_LAW_MINUS_6_DB, "-6", -6.0, -6.0206},     // ½
  };
  CHECK(md_pan_law_choices[MD_PAN_LAW_COUNT] == NULL);
  CHECK(md_strip_params[MD_STRIP_PAN_LAW].info.choices == md_pan_law_choices);
  CHECK(md_strip_params[MD_STRIP_PAN_LAW].info.default_value == (double)MD_PAN_LAW_MINUS_3_DB);
  test_write_dc(test_path("k.wav"), 0.25f, 0.1, 1U, 48000U);
  for (size_t k = 0U; k < sizeof laws / sizeof laws[0]; ++k) {
    CHECK(!strcmp(md_pan_law_choices[laws[k].law], laws[k].name));
    CHECK(md_pan_law_centre_db(laws[k].law) == laws[k].centre_db);
    double l = 0.0, r = 0.0;
    md_pan_mono(0.0, laws[k].law, &l, &r);
    CHECK_MSG(fabs(test_db(l) - laws[k].gain_db) < 1e-4 && fabs(test_db(r) - laws[k].gain_db) < 1e-4,
              "law %s: %.4f / %.4f dB", laws[k].name, test_db(l), test_db(r));
    double spread_l = 0.0, spread_r = 0.0;
    md_pan_spread(0.0, laws[k].law, &spread_l, &spread_r); // at the centre, the law's own gains
    CHECK(spread_l == l && spread_r == r);
    md_pan_mono(1.0, laws[k].law, &l, &r); // hard right: the near side at unity
    CHECK_NEAR(r, 1.0, 1e-12);
    CHECK(fabs(l) < 1e-16);
    // A session's `pan_law:` is the enum.
    char yaml[200];
    snprintf(yaml, sizeof yaml, "mixdown: 1\ntracks:\n  - {name: a, file: k.wav, pan_law: %s}\n", laws[k].name);
    MixdownSession* s = test_open_yaml(yaml);
    CHECK(s && s->nodes[0].pan_law == laws[k].law);
    mixdown_session_free(s);
  }
  // The default.
  MixdownSession* s = test_open_yaml("mixdown: 1\ntracks:\n  - {name: a, file: k.wav}\n");
  CHECK(s && s->nodes[0].pan_law == MD_PAN_LAW_MINUS_3_DB);
  mixdown_session_free(s);
  // -3 dB keeps the power at every pan; -6 dB the sum.
  for (double pan = -1.0; pan <= 1.0; pan += 0.125) {
    double l = 0.0, r = 0.0;
    md_pan_mono(pan, MD_PAN_LAW_MINUS_3_DB, &l, &r);
    CHECK_NEAR(l * l + r * r, 1.0, 1e-12);
    md_pan_mono(pan, MD_PAN_LAW_MINUS_6_DB, &l, &r);
    CHECK_NEAR(l + r, 1.0, 1e-12);
  }
}

// An unknown key is named with the nearest key of its mapping's set, or
// the set's keys in order when none is near.
static void
test_unknown_keys_name_the_nearest(void)
{
  test_write_dc(test_path("k.wav"), 0.25f, 0.1, 1U, 48000U);
  static const struct {
    const char* yaml;
    const char* message;
  } cases[] = {
    {"mixdown: 1\ntracks:\n  - {name: a, file: k.wav, gian_db: 1}\n",
     "unknown key `gian_db` in a track (did you mean `gain_db`?)"},
    {"mixdown: 1\ntracks:\n  - {name: a, file: k.wav}\nbuses:\n  - {name: b, pan_lw: -3}\n",
     "unknown key `pan_lw` in a bus (valid keys: name, gain_db, pan, mute, solo, invert, output, sends, inserts)"},
    {"mixdown: 1\ntracks:\n  - {name: a, clips: [{file: k.wav, fade_inn: 1}]}\n",
     "unknown key `fade_inn` in a clip (did you mean `fade_in`?)"},
    {"mixdown: 1\ntracks:\n  - {name: a, file: k.wav, sends: [{to: b, levl_db: -3}]}\nbuses:\n  - {name: b}\n",
     "unknown key `levl_db` in a send (did you mean `level_db`?)"},
    {"mixdown: 1\ntracks:\n  - {name: a, file: k.wav}\nmaster: {loudnes: spotify}\n",
     "unknown key `loudnes` in master (did you mean `loudness`?)"},
  };
  for (size_t k = 0U; k < sizeof cases / sizeof cases[0]; ++k) {
    char     first[512] = "";
    unsigned count      = 0U;
    CHECK(test_open_errors(cases[k].yaml, first, sizeof first, &count) == MIXDOWN_ERR_SESSION);
    CHECK_MSG(strstr(first, cases[k].message) != NULL, "%s", first);
  }
}

const TestCase keys_tests[] = {
  {"keys: every key declared once, in its mapping's set and one table", test_every_key_declared_once},
  {"keys: automatable and fixed-while-playing come from the tables", test_flags_come_from_the_tables},
  {"keys: one range check refuses (session) or clamps (live)", test_range_check_refuses_or_clamps},
  {"keys: an EQ band's slot round-trips through processor, validator and OSC", test_list_slots_round_trip},
  {"keys: the pan law enum and its gains at 0/-3/-4.5/-6 dB", test_pan_law_gains},
  {"keys: unknown keys are named with the nearest of their table", test_unknown_keys_name_the_nearest},
  {NULL, NULL},
};
