// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The key sets of keys.h.  The order of each set is the order messages
// list its keys in ("valid keys: …"), as the session format documents them.

#include "session/keys.h"

#include <string.h>

#define KEYS(array) array, sizeof array / sizeof array[0]
// A key of a value is named by its table entry; a key of structure by itself.
#define VALUE(param)    {NULL, param}
#define STRUCTURE(name) {name, NULL}

static const MdKey track[] = {
  STRUCTURE("name"),
  VALUE(&md_clip_params[MD_CLIP_FILE]),
  STRUCTURE("clips"),
  VALUE(&md_strip_params[MD_STRIP_GAIN_DB]),
  VALUE(&md_strip_params[MD_STRIP_PAN]),
  VALUE(&md_strip_params[MD_STRIP_PAN_LAW]),
  VALUE(&md_strip_params[MD_STRIP_MUTE]),
  VALUE(&md_strip_params[MD_STRIP_SOLO]),
  VALUE(&md_strip_params[MD_STRIP_INVERT]),
  STRUCTURE("output"),
  STRUCTURE("sends"),
  STRUCTURE("inserts"),
};

// A bus has no pan law: what it carries is stereo (a balance).
static const MdKey bus[] = {
  STRUCTURE("name"),
  VALUE(&md_strip_params[MD_STRIP_GAIN_DB]),
  VALUE(&md_strip_params[MD_STRIP_PAN]),
  VALUE(&md_strip_params[MD_STRIP_MUTE]),
  VALUE(&md_strip_params[MD_STRIP_SOLO]),
  VALUE(&md_strip_params[MD_STRIP_INVERT]),
  STRUCTURE("output"),
  STRUCTURE("sends"),
  STRUCTURE("inserts"),
};

static const MdKey master[] = {
  VALUE(&md_strip_params[MD_STRIP_GAIN_DB]),
  STRUCTURE("inserts"),
  STRUCTURE("loudness"),
};

static const MdKey clip[] = {
  VALUE(&md_clip_params[MD_CLIP_FILE]),
  VALUE(&md_clip_params[MD_CLIP_START_S]),
  VALUE(&md_clip_params[MD_CLIP_OFFSET_S]),
  VALUE(&md_clip_params[MD_CLIP_LENGTH_S]),
  VALUE(&md_clip_params[MD_CLIP_GAIN_DB]),
  VALUE(&md_clip_params[MD_CLIP_FADE_IN_S]),
  VALUE(&md_clip_params[MD_CLIP_FADE_OUT_S]),
};

static const MdKey send[] = {
  VALUE(&md_send_params[MD_SEND_TO]),
  VALUE(&md_send_params[MD_SEND_LEVEL_DB]),
  VALUE(&md_send_params[MD_SEND_PRE_FADER]),
};

static const MdKey insert[] = {
  STRUCTURE("type"),
  VALUE(&md_insert_params[MD_INSERT_BYPASS]),
};

const MdKeySet md_track_keys  = {"a track", KEYS(track)};
const MdKeySet md_bus_keys    = {"a bus", KEYS(bus)};
const MdKeySet md_master_keys = {"master", KEYS(master)};
const MdKeySet md_clip_keys   = {"a clip", KEYS(clip)};
const MdKeySet md_send_keys   = {"a send", KEYS(send)};
const MdKeySet md_insert_keys = {"an insert", KEYS(insert)};

const char*
md_key_name(const MdKey* key)
{
  return key->param ? key->param->info.name : key->name;
}

size_t
md_key_names(const MdKeySet* set, const char** names, size_t room)
{
  size_t n = 0U;
  for (; n < set->n_keys && n < room; ++n) {
    names[n] = md_key_name(&set->keys[n]);
  }
  return n;
}

const MdKey*
md_key_find(const MdKeySet* set, const char* name)
{
  for (size_t i = 0U; i < set->n_keys; ++i) {
    if (!strcmp(md_key_name(&set->keys[i]), name)) {
      return &set->keys[i];
    }
  }
  return NULL;
}
