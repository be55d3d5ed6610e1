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

const TestCase address_tests[] = {
  {"address: every strip value of every key set resolves, with its path; the text reads back", test_strip_values},
  {"address: misses name the nearest valid name or the valid range of items", test_misses_name_the_nearest},
  {NULL, NULL},
};
