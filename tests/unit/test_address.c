// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Addresses (src/session/address.c, through session/address.h): each
// names its value's table entry, its place in the model and its path in
// the document; the canonical text reads back as the same address; a
// miss names the nearest valid name or the valid range of items.  Driven
// from the tables: every strip, send, clip and session key, every
// parameter of every processor class in the registry.

#include "dsp/registry.h"
#include "session/address.h"
#include "session/keys.h"
#include "session/session_params.h"
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// The path of `a` as text: keys by name, indices in brackets ("tracks/[1]/gain_db").
static void
path_text(const MdAddress* a, char* out, size_t size)
{
  size_t used = 0U;
  out[0]      = '\0';
  for (size_t i = 0U; i < a->depth && used < size; ++i) {
    used += (size_t)(a->path[i].key ? snprintf(out + used, size - used, "%s%s", i ? "/" : "", a->path[i].key)
                                    : snprintf(out + used, size - used, "%s[%zu]", i ? "/" : "", a->path[i].index));
  }
}

// Resolves `address`; checks its path and that its canonical text reads
// back as the same address.  Returns whether it resolved.
static bool
resolves(const MixdownSession* s, const char* address, const char* path, MdAddress* a)
{
  char note[300];
  if (!md_address_resolve(s, address, a, note, sizeof note)) {
    test_fail(__FILE__, __LINE__, "%s: %s", address, note);
    return false;
  }
  char got[400];
  path_text(a, got, sizeof got);
  CHECK_MSG(!path || !strcmp(got, path), "%s: path %s, not %s", address, got, path);
  char      text[1100];
  MdAddress back;
  md_address_format(s, a, text, sizeof text);
  CHECK_MSG(md_address_resolve(s, text, &back, note, sizeof note) && md_address_equal(a, &back),
            "%s: its text %s reads back as another address (%s)", address, text, note);
  return true;
}

// Checks that `address` is refused with a note holding `says`.
static void
refused(const MixdownSession* s, const char* address, const char* says)
{
  MdAddress a;
  char      note[300] = "";
  const bool ok       = md_address_resolve(s, address, &a, note, sizeof note);
  CHECK_MSG(!ok && strstr(note, says), "%s: %s (expected …%s…)", address, ok ? "resolved" : note, says);
}

// Nodes: a (0), b (1), fx (2), master (3).
static MixdownSession*
open_session(void)
{
  test_write_dc(test_path("c.wav"), 0.25f, 0.5, 1U, 48000U);
  return test_open_yaml("mixdown: 1\n"
                        "tracks:\n"
                        "  - name: a\n    file: c.wav\n"
                        "    inserts: [{type: eq, bands: [{type: bell, freq: 100}, {type: bell, freq: 2000}]},\n"
                        "              {type: compressor}]\n"
                        "  - {name: b, clips: [{file: c.wav}, {file: c.wav, start: 1}], sends: [{to: fx, level_db: -6}]}\n"
                        "buses:\n  - {name: fx, inserts: [{type: reverb}]}\n"
                        "master: {loudness: {target_lufs: -14}}\n");
}

static void
test_strip_values(void)
{
  MixdownSession* s = open_session();
  if (!s) {
    return;
  }
  MdAddress a;
  // Every strip value of every key set, on a track, a bus and the master.
  const struct {
    const char*     prefix;
    const char*     path;
    const MdKeySet* set;
    uint32_t        node;
  } strips[] = {{"/track/b", "tracks/[1]", &md_track_keys, 1U},
                {"/bus/fx", "buses/[0]", &md_bus_keys, 2U},
                {"/master", "master", &md_master_keys, 3U}};
  size_t n_values = 0U;
  for (size_t k = 0U; k < sizeof strips / sizeof strips[0]; ++k) {
    for (int p = 0; p < MD_STRIP_N_PARAMS; ++p) {
      const MdParam* param = &md_strip_params[p];
      char           address[200];
      char           path[200];
      snprintf(address, sizeof address, "%s/%s", strips[k].prefix, param->info.name);
      const MdKey* key = md_key_find(strips[k].set, param->info.name);
      if (!key) {
        refused(s, address, "unknown strip parameter");
        continue;
      }
      snprintf(path, sizeof path, "%s/%s", strips[k].path, param->info.name);
      if (resolves(s, address, path, &a)) {
        ++n_values;
        CHECK(a.kind == MD_ADDRESS_VALUE && a.owner == MD_OWNER_STRIP && a.param == param &&
              a.node == strips[k].node);
      }
    }
  }
  CHECK(n_values == 6U + 5U + 1U);
  // The model's value behind it.
  CHECK(resolves(s, "/track/a/gain_db", "tracks/[0]/gain_db", &a) &&
        md_address_model_value(s, &a) == &s->nodes[0].gain_db);
  CHECK(resolves(s, "/bus/fx/mute", "buses/[0]/mute", &a) && md_address_model_value(s, &a) == &s->nodes[2].mute);
  CHECK(resolves(s, "/track/a/solo", "tracks/[0]/solo", &a) && md_address_model_value(s, &a) == NULL);
  // Live (OSC) reads the whole strip table on every strip, and nothing
  // but strips, sends and inserts' values.
  char note[300];
  CHECK(md_address_resolve_in(s, "/master/invert", MD_ADDRESS_LIVE, &a, note, sizeof note) &&
        a.param == &md_strip_params[MD_STRIP_INVERT] && a.node == 3U);
  CHECK(!md_address_resolve_in(s, "/tempo", MD_ADDRESS_LIVE, &a, note, sizeof note) &&
        !strcmp(note, "unknown address `tempo`"));
  CHECK(!md_address_resolve_in(s, "/track/a/inserts", MD_ADDRESS_LIVE, &a, note, sizeof note) &&
        strstr(note, "unknown strip parameter `inserts`"));
  CHECK(!md_address_resolve_in(s, "/track/a/gain_db/points", MD_ADDRESS_LIVE, &a, note, sizeof note) &&
        !strcmp(note, "`gain_db` takes no further address"));
  CHECK(!md_address_resolve_in(s, "/track/a/insert/1/bands", MD_ADDRESS_LIVE, &a, note, sizeof note) &&
        strstr(note, "`bands` is a list: address one field of an item, as bands/1/type"));
  mixdown_session_free(s);
}

static void
test_misses_name_the_nearest(void)
{
  MixdownSession* s = open_session();
  if (!s) {
    return;
  }
  refused(s, "/track/aa/gain_db", "unknown track `aa` (did you mean `a`?)");
  refused(s, "/track/fx/gain_db", "unknown track `fx`");
  refused(s, "/bus/fz/gain_db", "unknown bus `fz` (did you mean `fx`?)");
  refused(s, "/track/a/gian_db", "unknown strip parameter `gian_db` (did you mean `gain_db`?)");
  refused(s, "/bus/fx/pan_law", "unknown strip parameter `pan_law`");
  refused(s, "/master/pan", "unknown strip parameter `pan`");
  refused(s, "/trak/a/gain_db", "unknown address `trak` (did you mean `track`?)");
  refused(s, "/tempp", "unknown address `tempp` (did you mean `tempo`?)");
  refused(s, "/track/a", "a track is addressed as /track/NAME/PARAM");
  refused(s, "/track/a/insert/9/ratio", "`a` has 2 inserts: 9 is not one (they count from 1)");
  refused(s, "/bus/fx/insert/2/mix", "`fx` has 1 insert: 2 is not one (they count from 1)");
  refused(s, "/track/a/insert/reverb/mix", "unknown insert `reverb`");
  refused(s, "/track/a/insert/2/ratoi", "unknown parameter `ratoi` (did you mean `ratio`?)");
  refused(s, "/track/a/insert/1/bands/3/gain_db", "this eq has 2 items in `bands`: 3 is not one (they count from 1)");
  refused(s, "/track/a/insert/1/bands/1/gian_db", "unknown field `gian_db` (did you mean `gain_db`?)");
  refused(s, "/track/b/send/fz/level_db", "unknown send of this strip `fz` (did you mean `fx`?)");
  refused(s, "/track/b/send/fx/level", "unknown send parameter `level` (did you mean `level_db`?)");
  refused(s, "/track/b/clip/3/gain_db", "`b` has 2 clips: 3 is not one (they count from 1)");
  refused(s, "/track/b/clip/1/gian_db", "unknown clip key `gian_db` (did you mean `gain_db`?)");
  refused(s, "/track/a/solo/points", "`solo` is not automatable: it has no envelope, so no points");
  refused(s, "/track/b/clip/1/gain_db/points", "`gain_db` is a constant");
  refused(s, "/outputs/1/bits", "the session has 0 `outputs` items: 1 is not one");
  refused(s, "/output/bist", "unknown output key `bist` (did you mean `bits`?)");
  refused(s, "/master/loudness/target_lfus", "unknown loudness key `target_lfus` (did you mean `target_lufs`?)");
  mixdown_session_free(s);
}

// The YAML of one item of list `list`: each field at its default.
static void
default_item(const MdParam* list, char* out, size_t size)
{
  size_t used = (size_t)snprintf(out, size, "{");
  for (uint32_t f = 0U; f < list->n_fields && used < size; ++f) {
    const MixdownParamInfo* info = &list->fields[f].info;
    if (info->kind == MIXDOWN_PARAM_CHOICE) {
      used += (size_t)snprintf(out + used, size - used, "%s%s: \"%s\"", f ? ", " : "", info->name,
                               info->choices[(int)info->default_value]);
    } else if (info->kind == MIXDOWN_PARAM_NUMBER || info->kind == MIXDOWN_PARAM_BOOL) {
      used += (size_t)snprintf(out + used, size - used, "%s%s: %.10g", f ? ", " : "", info->name, info->default_value);
    }
  }
  snprintf(out + used, size - used, "}");
}

// A session whose track `t` (node 0) has one insert of `cls`: its lists
// given one item, its file the test's source, its sidechain track `k`.
static MixdownSession*
open_with_insert(const MdProcessorClass* cls)
{
  char   yaml[4096];
  size_t used = (size_t)snprintf(yaml, sizeof yaml,
                                 "mixdown: 1\ntempo: 120\ntracks:\n  - name: t\n    file: c.wav\n"
                                 "    inserts:\n      - type: %s\n", cls->name);
  for (uint32_t p = 0U; p < cls->n_params; ++p) {
    const MdParam* param = &cls->params[p];
    char           item[1024];
    switch (param->info.kind) {
    case MIXDOWN_PARAM_LIST:
      default_item(param, item, sizeof item);
      used += (size_t)snprintf(yaml + used, sizeof yaml - used, "        %s: [%s]\n", param->info.name, item);
      break;
    case MIXDOWN_PARAM_FILE:
      used += (size_t)snprintf(yaml + used, sizeof yaml - used, "        %s: c.wav\n", param->info.name);
      break;
    case MIXDOWN_PARAM_NODE:
      used += (size_t)snprintf(yaml + used, sizeof yaml - used, "        %s: k\n", param->info.name);
      break;
    default: break;
    }
  }
  snprintf(yaml + used, sizeof yaml - used, "  - {name: k, file: c.wav}\n");
  test_write_dc(test_path("c.wav"), 0.25f, 0.5, 1U, 48000U);
  return test_open_yaml(yaml);
}

// Every parameter of insert 1 of track `t` of class `cls`, by number and by
// type name: its entry, its slot, its path; a list's items and fields.
static size_t
check_insert_params(const MixdownSession* s, const MdProcessorClass* cls)
{
  size_t n = 0U;
  for (uint32_t p = 0U; p < cls->n_params; ++p) {
    const MdParam* param = &cls->params[p];
    const char*    name  = param->info.name;
    char           address[300];
    char           path[300];
    MdAddress      a;
    snprintf(path, sizeof path, "tracks/[0]/inserts/[0]/%s", name);
    for (int by_type = 0; by_type < 2; ++by_type) {
      snprintf(address, sizeof address, "/track/t/insert/%s/%s", by_type ? cls->name : "1", name);
      if (!resolves(s, address, path, &a)) {
        continue;
      }
      ++n;
      CHECK_MSG(a.owner == MD_OWNER_INSERT && a.param == param && a.node == 0U && a.index == 0U &&
                  a.slot == md_processor_value_offset(cls, p),
                "%s: entry, node, index or slot", address);
      CHECK_MSG(param->info.kind == MIXDOWN_PARAM_LIST ? a.kind == MD_ADDRESS_LIST && a.list == MD_LIST_ITEMS
                                                       : a.kind == MD_ADDRESS_VALUE,
                "%s: kind %d", address, (int)a.kind);
    }
    for (uint32_t f = 0U; param->info.kind == MIXDOWN_PARAM_LIST && f < param->n_fields; ++f) {
      const char* field = param->fields[f].info.name;
      snprintf(address, sizeof address, "/track/t/insert/1/%s/1/%s", name, field);
      snprintf(path, sizeof path, "tracks/[0]/inserts/[0]/%s/[0]/%s", name, field);
      if (resolves(s, address, path, &a)) {
        ++n;
        CHECK_MSG(a.kind == MD_ADDRESS_VALUE && a.param == &param->fields[f] &&
                    a.slot == md_processor_list_slot(cls, p, 0U, f),
                  "%s: entry or slot", address);
      }
      snprintf(address, sizeof address, "/track/t/insert/1/%s/2/%s", name, field);
      refused(s, address, "has 1 item in");
    }
  }
  return n;
}

static void
test_every_processor_parameter(void)
{
  CHECK(md_registry_count() > 10U);
  for (uint32_t c = 0U; c < md_registry_count(); ++c) {
    const MdProcessorClass* cls = md_registry_at(c);
    MixdownSession*         s   = open_with_insert(cls);
    if (!s) {
      test_fail(__FILE__, __LINE__, "a session with one `%s` insert", cls->name);
      continue;
    }
    uint32_t expected = 0U;
    for (uint32_t p = 0U; p < cls->n_params; ++p) {
      expected += 2U + (cls->params[p].info.kind == MIXDOWN_PARAM_LIST ? cls->params[p].n_fields : 0U);
    }
    CHECK_MSG(check_insert_params(s, cls) == expected, "%s: not every parameter resolved", cls->name);
    mixdown_session_free(s);
  }
}

// md_address_list(): each address's text resolves back to it, none twice.
typedef struct {
  const MixdownSession* s;
  size_t                n;
  size_t                n_values;
  size_t                n_points;
  char                  texts[600][160];
} Listed;

static void
visit(void* user, const MdAddress* a, const char* text)
{
  Listed* l = user;
  MdAddress back;
  char      note[300];
  CHECK_MSG(md_address_resolve(l->s, text, &back, note, sizeof note) && md_address_equal(a, &back),
            "%s does not read back (%s)", text, note);
  for (size_t i = 0U; i < l->n && i < 600U; ++i) {
    CHECK_MSG(strcmp(l->texts[i], text), "%s listed twice", text);
  }
  if (l->n < 600U) {
    snprintf(l->texts[l->n], sizeof l->texts[0], "%s", text);
  }
  ++l->n;
  l->n_values += a->kind == MD_ADDRESS_VALUE;
  l->n_points += a->list == MD_LIST_POINTS;
}

static bool
listed(const Listed* l, const char* text)
{
  for (size_t i = 0U; i < l->n && i < 600U; ++i) {
    if (!strcmp(l->texts[i], text)) {
      return true;
    }
  }
  return false;
}

static void
test_list_reads_back(void)
{
  MixdownSession* s = open_session();
  if (!s) {
    return;
  }
  Listed* l = calloc(1U, sizeof *l);
  l->s      = s;
  md_address_list(s, visit, l);
  const char* const expected[] = {
    "/tempo", "/sample_rate", "/length", "/time_signature", "/output/file", "/output/bits", "/output/title",
    "/track/a/gain_db", "/track/a/gain_db/points", "/track/a/mute/points", "/track/a/output", "/track/a/sends",
    "/track/a/inserts", "/track/a/insert/1/bands", "/track/a/insert/1/bands/2/gain_db",
    "/track/a/insert/1/bands/2/gain_db/points", "/track/a/insert/2/threshold_db", "/track/a/clips",
    "/track/a/clip/1/file", "/track/b/clip/2/start", "/track/b/send/fx/level_db", "/track/b/send/fx/level_db/points",
    "/track/b/send/fx/pre_fader", "/track/b/send/fx/to", "/bus/fx/insert/1/mix", "/master/gain_db",
    "/master/loudness/target_lufs", "/master/inserts",
  };
  for (size_t k = 0U; k < sizeof expected / sizeof expected[0]; ++k) {
    CHECK_MSG(listed(l, expected[k]), "%s is not listed", expected[k]);
  }
  CHECK(!listed(l, "/track/a/insert/1/bands/3/gain_db") && !listed(l, "/track/a/solo/points") &&
        !listed(l, "/master/pan") && !listed(l, "/outputs"));
  CHECK_MSG(l->n_values > 80U && l->n_points > 20U && l->n < 600U, "%zu values, %zu points, %zu in all", l->n_values, l->n_points, l->n);
  free(l);
  mixdown_session_free(s);
}

static void
test_session_outputs_and_lists(void)
{
  test_write_dc(test_path("c.wav"), 0.25f, 0.5, 1U, 48000U);
  MixdownSession* s = test_open_yaml("mixdown: 1\nsample_rate: 44100\ntempo: 90\ntime_signature: 6/8\nlength: 2\n"
                                     "tracks:\n  - {name: \"lead vox\", file: c.wav}\n"
                                     "  - {name: \"bässe/2\", clips: [{file: c.wav, gain_db: -2}]}\n"
                                     "outputs:\n  - {file: a.wav, bits: 16, title: T}\n"
                                     "  - {file: b.flac, loudness: {target_lufs: -16, true_peak_db: -2}}\n");
  if (!s) {
    return;
  }
  MdAddress      a;
  MdAddressValue v;
  // The session's own values, each from its table entry.
  for (uint32_t k = 0U; k < MD_SESSION_N_PARAMS; ++k) {
    char address[64];
    snprintf(address, sizeof address, "/%s", md_session_params[k].info.name);
    CHECK(resolves(s, address, address + 1, &a) && a.owner == MD_OWNER_SESSION && a.param == &md_session_params[k]);
  }
  CHECK(resolves(s, "/sample_rate", "sample_rate", &a) && md_address_read(s, &a, &v) && v.set && v.number == 44100.0);
  CHECK(resolves(s, "/time_signature", "time_signature", &a) && md_address_read(s, &a, &v) && !strcmp(v.text, "6/8"));
  // Every key of an `outputs` item, and its loudness.
  for (uint32_t k = 0U; k < MD_OUTPUT_N_PARAMS; ++k) {
    char address[64];
    char path[64];
    snprintf(address, sizeof address, "/outputs/2/%s", md_output_params[k].info.name);
    snprintf(path, sizeof path, "outputs/[1]/%s", md_output_params[k].info.name);
    CHECK(resolves(s, address, path, &a) && a.owner == MD_OWNER_OUTPUT && a.index == 1U &&
          a.param == &md_output_params[k]);
  }
  CHECK(resolves(s, "/outputs/1/bits", "outputs/[0]/bits", &a) && md_address_read(s, &a, &v) && v.number == 0.0);
  CHECK(resolves(s, "/outputs/1/title", "outputs/[0]/title", &a) && md_address_read(s, &a, &v) && !strcmp(v.text, "T"));
  CHECK(resolves(s, "/outputs/2/loudness/true_peak_db", "outputs/[1]/loudness/true_peak_db", &a) &&
        a.owner == MD_OWNER_LOUDNESS && md_address_read(s, &a, &v) && v.set && v.number == -2.0);
  CHECK(resolves(s, "/master/loudness/target_lufs", "master/loudness/target_lufs", &a) &&
        md_address_read(s, &a, &v) && !v.set);
  CHECK(resolves(s, "/outputs", "outputs", &a) && a.kind == MD_ADDRESS_LIST && a.list == MD_LIST_OUTPUTS);
  refused(s, "/outputs/3/file", "the session has 2 `outputs` items: 3 is not one (they count from 1)");
  refused(s, "/output/file", "the session writes `outputs:` (a list): address /outputs/N/KEY");
  // Names with spaces and UTF-8 as they are; `/` as %2F.
  CHECK(resolves(s, "/track/lead vox/gain_db", "tracks/[0]/gain_db", &a) && a.node == 0U);
  CHECK(resolves(s, "/track/bässe%2F2/clip/1/gain_db", "tracks/[1]/clips/[0]/gain_db", &a) && a.node == 1U &&
        md_address_read(s, &a, &v) && v.number == -2.0);
  char text[200];
  md_address_format(s, &a, text, sizeof text);
  CHECK_MSG(!strcmp(text, "/track/bässe%2F2/clip/1/gain_db"), "%s", text);
  // The `file:` shorthand: the clip's file is the track's key; its other
  // keys are where `clips:` would put them.
  CHECK(resolves(s, "/track/lead vox/clip/1/file", "tracks/[0]/file", &a) && a.shorthand && a.owner == MD_OWNER_CLIP);
  CHECK(resolves(s, "/track/lead vox/file", "tracks/[0]/file", &a) && a.shorthand);
  md_address_format(s, &a, text, sizeof text);
  CHECK_MSG(!strcmp(text, "/track/lead vox/clip/1/file"), "%s", text);
  CHECK(resolves(s, "/track/lead vox/clip/1/gain_db", "tracks/[0]/clips/[0]/gain_db", &a) && a.shorthand);
  CHECK(resolves(s, "/track/lead vox/clips", "tracks/[0]/clips", &a) && a.shorthand && a.list == MD_LIST_CLIPS);
  CHECK(resolves(s, "/track/bässe%2F2/clip/1/file", "tracks/[1]/clips/[0]/file", &a) && !a.shorthand);
  refused(s, "/track/bässe%2F2/file", "gives no `file:`");
  // Lists and points.
  CHECK(resolves(s, "/track/lead vox/inserts", "tracks/[0]/inserts", &a) && a.list == MD_LIST_INSERTS);
  CHECK(resolves(s, "/track/lead vox/sends", "tracks/[0]/sends", &a) && a.list == MD_LIST_SENDS);
  CHECK(resolves(s, "/master/inserts", "master/inserts", &a) && a.list == MD_LIST_INSERTS);
  CHECK(resolves(s, "/track/lead vox/pan/points", "tracks/[0]/pan/points", &a) && a.list == MD_LIST_POINTS &&
        a.param == &md_strip_params[MD_STRIP_PAN]);
  CHECK(resolves(s, "/track/lead vox/output", "tracks/[0]/output", &a) && a.param == &md_route_param &&
        md_address_read(s, &a, &v) && !strcmp(v.text, "master"));
  mixdown_session_free(s);
}

// Every key of the send and clip tables.
static void
test_send_and_clip_tables(void)
{
  MixdownSession* s = open_session();
  if (!s) {
    return;
  }
  MdAddress a;
  for (uint32_t k = 0U; k < MD_SEND_N_PARAMS; ++k) {
    char address[100];
    char path[100];
    snprintf(address, sizeof address, "/track/b/send/fx/%s", md_send_params[k].info.name);
    snprintf(path, sizeof path, "tracks/[1]/sends/[0]/%s", md_send_params[k].info.name);
    CHECK(resolves(s, address, path, &a) && a.owner == MD_OWNER_SEND && a.param == &md_send_params[k]);
    snprintf(address, sizeof address, "/track/b/send/1/%s", md_send_params[k].info.name);
    CHECK(resolves(s, address, path, &a) && a.index == 0U);
  }
  CHECK(resolves(s, "/track/b/send/fx/level_db", NULL, &a) &&
        md_address_model_value(s, &a) == &s->nodes[1].sends[0].level_db);
  for (uint32_t k = 0U; k < MD_CLIP_N_PARAMS; ++k) {
    char address[100];
    char path[100];
    snprintf(address, sizeof address, "/track/b/clip/2/%s", md_clip_params[k].info.name);
    snprintf(path, sizeof path, "tracks/[1]/clips/[1]/%s", md_clip_params[k].info.name);
    CHECK(resolves(s, address, path, &a) && a.owner == MD_OWNER_CLIP && a.index == 1U && a.param == &md_clip_params[k]);
  }
  MdAddressValue v;
  CHECK(resolves(s, "/track/b/clip/2/start", NULL, &a) && md_address_read(s, &a, &v) && v.number == 1.0);
  mixdown_session_free(s);
}

// An LV2 insert's values are its ports, under `params:`.
static void
test_lv2_params(void)
{
  if (access("/usr/lib/lv2/single_para-swh.lv2/manifest.ttl", R_OK) != 0) {
    test_skip("swh-lv2 is not installed (scripts/install-deps.sh installs it)");
    return;
  }
  test_write_dc(test_path("c.wav"), 0.25f, 0.5, 1U, 48000U);
  const char* yaml = "mixdown: 1\ntracks:\n  - name: t\n    file: c.wav\n"
                     "    inserts: [{type: lv2, uri: \"http://plugin.org.uk/swh-plugins/singlePara\", params: {gain: 3}}]\n";
  MixdownSession* s = NULL;
  if (mixdown_session_open_string(yaml, strlen(yaml), "<test>", test_dir(), NULL, NULL, &s)) {
    test_skip("this build reads no LV2 plugins");
    return;
  }
  MdAddress a;
  CHECK(resolves(s, "/track/t/insert/1/gain", "tracks/[0]/inserts/[0]/params/gain", &a) &&
        md_address_model_value(s, &a) && md_address_model_value(s, &a)->value == 3.0);
  CHECK(resolves(s, "/track/t/insert/lv2/fc", "tracks/[0]/inserts/[0]/params/fc", &a));
  refused(s, "/track/t/insert/1/gian", "unknown parameter `gian` (did you mean `gain`?)");
  mixdown_session_free(s);
}

const TestCase address_tests[] = {
  {"address: every strip value of every key set resolves, with its path; the text reads back", test_strip_values},
  {"address: misses name the nearest valid name or the valid range of items", test_misses_name_the_nearest},
  {"address: every parameter of every processor class, by number and type, lists and fields",
   test_every_processor_parameter},
  {"address: every address a session lists reads back as itself, once", test_list_reads_back},
  {"address: session values, outputs, names with spaces, UTF-8 and /, the file: shorthand, lists, points",
   test_session_outputs_and_lists},
  {"address: every key of the send and clip tables", test_send_and_clip_tables},
  {"address: an LV2 insert's ports are under params:", test_lv2_params},
  {NULL, NULL},
};
