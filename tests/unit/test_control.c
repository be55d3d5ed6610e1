// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Live control addresses (src/live/control.c, through live/control.h): an
// OSC address and its numbers become the change they name, and the change
// names its address back; values beyond a parameter's range are clamped to
// its end with a note; NaN, infinity, unknown names, list items the
// session lacks and values fixed while playing are refused with the reason
// or the nearest name.

#include "live/control.h"
#include "support.h"

#include <math.h>
#include <string.h>

// Nodes: a (0), b (1), fx (2), master (3).  Track a's first insert is an
// EQ of two bands, its second a compressor.
static MixdownSession*
open_control_session(void)
{
  test_write_dc(test_path("c.wav"), 0.25f, 0.1, 1U, 48000U);
  return test_open_yaml("mixdown: 1\n"
                        "tracks:\n"
                        "  - name: a\n    file: c.wav\n"
                        "    inserts: [{type: eq, bands: [{type: bell, freq: 100}, {type: bell, freq: 2000}]},\n"
                        "              {type: compressor}]\n"
                        "  - {name: b, file: c.wav, sends: [{to: fx, level_db: -6}]}\n"
                        "buses:\n  - {name: fx}\n");
}

// The value slot of field `field` of item `item` (from 1) of list `list`.
static uint32_t
list_slot(const MdProcessorClass* cls, const char* list, uint32_t item, const char* field)
{
  const int p = md_processor_param_index(cls, list);
  CHECK(p >= 0);
  const MdParam* table = &cls->params[p];
  for (uint32_t f = 0U; f < table->n_fields; ++f) {
    if (!strcmp(table->fields[f].info.name, field)) {
      return md_processor_value_offset(cls, (uint32_t)p) + 1U + (item - 1U) * table->n_fields + f;
    }
  }
  test_fail(__FILE__, __LINE__, "no field %s", field);
  return 0U;
}

typedef struct {
  const char*  address;
  double       value;
  MdLiveKind   kind;
  uint32_t     node;
  uint32_t     index;
  const char*  canonical; ///< What md_control_address() gives back (NULL: the address itself)
} ChangeCase;

static void
test_addresses_become_changes(void)
{
  MixdownSession* s = open_control_session();
  if (!s) {
    return;
  }
  const ChangeCase cases[] = {
    {"/track/a/gain_db", -3.0, MD_LIVE_GAIN_DB, 0U, 0U, NULL},
    {"/track/b/pan", -0.25, MD_LIVE_PAN, 1U, 0U, NULL},
    {"/bus/fx/mute", 1.0, MD_LIVE_MUTE, 2U, 0U, NULL},
    {"/bus/fx/solo", 1.0, MD_LIVE_SOLO, 2U, 0U, NULL},
    {"/master/invert", 1.0, MD_LIVE_INVERT, 3U, 0U, NULL},
    {"/master/gain_db", -1.5, MD_LIVE_GAIN_DB, 3U, 0U, NULL},
    {"/track/b/send/fx/level_db", -10.0, MD_LIVE_SEND_DB, 1U, 0U, NULL},
    {"/track/a/insert/2/threshold_db", -30.0, MD_LIVE_INSERT, 0U, 1U, NULL},
    {"/track/a/insert/compressor/ratio", 4.0, MD_LIVE_INSERT, 0U, 1U, "/track/a/insert/2/ratio"},
    {"/track/a/insert/1/bands/2/gain_db", 4.5, MD_LIVE_INSERT, 0U, 0U, NULL},
    {"track/a/insert/eq/bands/1/freq", 250.0, MD_LIVE_INSERT, 0U, 0U, "/track/a/insert/1/bands/1/freq"},
  };
  for (size_t k = 0U; k < sizeof cases / sizeof cases[0]; ++k) {
    MdCommand cmd;
    char      note[300];
    const bool ok = md_control_parse(s, cases[k].address, &cases[k].value, 1U, &cmd, note, sizeof note);
    CHECK_MSG(ok && note[0] == '\0', "%s: %s", cases[k].address, note);
    if (!ok) {
      continue;
    }
    CHECK_MSG(cmd.kind == MD_COMMAND_LIVE && cmd.change.kind == cases[k].kind && cmd.change.node == cases[k].node &&
                cmd.change.index == cases[k].index && cmd.change.value == cases[k].value,
              "%s: kind %d node %u index %u value %g", cases[k].address, (int)cmd.change.kind, cmd.change.node,
              cmd.change.index, cmd.change.value);
    char back[300];
    md_control_address(s, &cmd.change, back, sizeof back);
    const char* want = cases[k].canonical ? cases[k].canonical : cases[k].address;
    CHECK_MSG(!strcmp(back, want), "%s came back as %s", want, back);
  }
  // The list field lands on its value slot.
  const MdProcessorClass* eq  = s->nodes[0].inserts[0].cls;
  MdCommand               cmd;
  char                    note[300];
  const double            v = 4.5;
  CHECK(md_control_parse(s, "/track/a/insert/1/bands/2/gain_db", &v, 1U, &cmd, note, sizeof note));
  CHECK(cmd.change.slot == list_slot(eq, "bands", 2U, "gain_db"));
  CHECK(!strcmp(md_control_param(s, &cmd.change)->info.name, "gain_db"));
  mixdown_session_free(s);
}

static void
test_transport(void)
{
  MixdownSession* s = open_control_session();
  if (!s) {
    return;
  }
  MdCommand    cmd;
  char         note[300];
  const double at[2] = {1.5, 2.25};
  CHECK(md_control_parse(s, "/transport/play", NULL, 0U, &cmd, note, sizeof note) && cmd.kind == MD_COMMAND_PLAY);
  CHECK(md_control_parse(s, "/transport/stop", NULL, 0U, &cmd, note, sizeof note) && cmd.kind == MD_COMMAND_STOP);
  CHECK(md_control_parse(s, "/transport/locate", at, 1U, &cmd, note, sizeof note) && cmd.kind == MD_COMMAND_LOCATE &&
        cmd.frame == 72000);
  CHECK(md_control_parse(s, "/transport/loop", at, 2U, &cmd, note, sizeof note) && cmd.kind == MD_COMMAND_LOOP &&
        cmd.frame == 72000 && cmd.until_frame == 108000);
  CHECK(md_control_parse(s, "/transport/loop", NULL, 0U, &cmd, note, sizeof note) && cmd.kind == MD_COMMAND_LOOP &&
        cmd.until_frame == 0);
  const double backwards[2] = {2.0, 1.0};
  CHECK(!md_control_parse(s, "/transport/loop", backwards, 2U, &cmd, note, sizeof note) && strstr(note, "A < B"));
  const double negative = -1.0;
  CHECK(!md_control_parse(s, "/transport/locate", &negative, 1U, &cmd, note, sizeof note) && strstr(note, "0 … "));
  CHECK(!md_control_parse(s, "/transport/locate", NULL, 0U, &cmd, note, sizeof note));
  mixdown_session_free(s);
}

// Parses `address` with `value`; the value it becomes (NAN when refused) and the note.
static double
parsed(const MixdownSession* s, const char* address, double value, char* note, size_t size)
{
  MdCommand cmd;
  return md_control_parse(s, address, &value, 1U, &cmd, note, size) ? cmd.change.value : NAN;
}

static void
test_values_clamp_at_the_range(void)
{
  MixdownSession* s = open_control_session();
  if (!s) {
    return;
  }
  const char* const addresses[] = {"/track/a/gain_db", "/track/a/pan", "/track/b/send/fx/level_db",
                                   "/track/a/insert/2/threshold_db", "/track/a/insert/1/bands/1/freq",
                                   "/track/a/insert/1/bands/2/q"};
  for (size_t k = 0U; k < sizeof addresses / sizeof addresses[0]; ++k) {
    MdCommand    cmd;
    char         note[300];
    const double probe = 0.0;
    if (!md_control_parse(s, addresses[k], &probe, 1U, &cmd, note, sizeof note) &&
        !strstr(note, "out of range")) {
      test_fail(__FILE__, __LINE__, "%s: %s", addresses[k], note);
      continue;
    }
    const MixdownParamInfo* info = &md_control_param(s, &cmd.change)->info;
    // At the ends: taken as they are, without a note.
    CHECK(parsed(s, addresses[k], info->max, note, sizeof note) == info->max && note[0] == '\0');
    CHECK(parsed(s, addresses[k], info->min, note, sizeof note) == info->min && note[0] == '\0');
    // Beyond them: the end, and a note naming the range and the value used.
    const double span = info->max - info->min;
    CHECK_MSG(parsed(s, addresses[k], info->max + span, note, sizeof note) == info->max &&
                strstr(note, "out of range") && strstr(note, "used"),
              "%s above: %s", addresses[k], note);
    CHECK_MSG(parsed(s, addresses[k], info->min - 0.001 * span, note, sizeof note) == info->min &&
                strstr(note, "out of range"),
              "%s below: %s", addresses[k], note);
    // Not numbers: refused, never clamped.
    CHECK(isnan(parsed(s, addresses[k], NAN, note, sizeof note)) && strstr(note, "refused"));
    CHECK(isnan(parsed(s, addresses[k], INFINITY, note, sizeof note)) && strstr(note, "refused"));
    CHECK(isnan(parsed(s, addresses[k], -INFINITY, note, sizeof note)) && strstr(note, "refused"));
  }
  // A switch is 0 or 1; a choice takes the nearest whole index.
  char note[300];
  CHECK(parsed(s, "/track/a/mute", 0.3, note, sizeof note) == 1.0);
  CHECK(parsed(s, "/track/a/mute", 0.0, note, sizeof note) == 0.0);
  mixdown_session_free(s);
}

typedef struct {
  const char* address;
  const char* says; ///< In the note
} RefusalCase;

static void
test_unknown_names_are_refused(void)
{
  MixdownSession* s = open_control_session();
  if (!s) {
    return;
  }
  const RefusalCase cases[] = {
    {"/track/aa/gain_db", "unknown track `aa` (did you mean `a`?)"},
    {"/track/fx/gain_db", "unknown track `fx`"}, // a bus is not a track
    {"/bus/fz/gain_db", "unknown bus `fz` (did you mean `fx`?)"},
    {"/track/a/gian_db", "unknown strip parameter `gian_db` (did you mean `gain_db`?)"},
    {"/trak/a/gain_db", "unknown address `trak` (did you mean `track`?)"},
    {"/transport/plya", "unknown transport command `plya` (did you mean `play`?)"},
    {"/track/b/send/fz/level_db", "(did you mean `fx`?)"},
    {"/track/b/send/fx/level", "send/BUS/level_db"},
    {"/track/a/insert/9/ratio", "has 2 inserts: 9 is not one"},
    {"/track/a/insert/reverb/mix", "unknown insert `reverb`"},
    {"/track/a/insert/2/ratoi", "unknown parameter `ratoi` (did you mean `ratio`?)"},
    {"/track/a/insert/1/bands/3/gain_db", "has 2 items in `bands`: 3 is not one"},
    {"/track/a/insert/1/bands/1/gian_db", "unknown field `gian_db` (did you mean `gain_db`?)"},
    {"/track/a/insert/1/bands", "is a list"},
    {"/track/a/insert/1/bands/1/type", "fixed while playing"},
    {"/track/a/insert/2/lookahead_ms", "fixed while playing: it sets the compressor's latency"},
    {"/track/a/pan_law", "`pan_law` is fixed while playing"},
    {"/track/a", "a track is addressed as /track/NAME/PARAM"},
  };
  for (size_t k = 0U; k < sizeof cases / sizeof cases[0]; ++k) {
    MdCommand    cmd;
    char         note[300] = "";
    const double value     = 1.0;
    const bool   ok        = md_control_parse(s, cases[k].address, &value, 1U, &cmd, note, sizeof note);
    CHECK_MSG(!ok && strstr(note, cases[k].says), "%s: %s (expected …%s…)", cases[k].address,
              ok ? "accepted" : note, cases[k].says);
  }
  // A known address without its value.
  MdCommand cmd;
  char      note[300];
  CHECK(!md_control_parse(s, "/track/a/gain_db", NULL, 0U, &cmd, note, sizeof note) && strstr(note, "needs a value"));
  mixdown_session_free(s);
}

const TestCase control_tests[] = {
  {"control: addresses become the changes they name, and name them back", test_addresses_become_changes},
  {"control: transport play, stop, locate and loop in frames; bad times refused", test_transport},
  {"control: values clamp at the range's ends with a note; NaN and infinity refused", test_values_clamp_at_the_range},
  {"control: unknown names, missing items and fixed values are refused with the nearest name or reason",
   test_unknown_names_are_refused},
  {NULL, NULL},
};
