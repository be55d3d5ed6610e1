// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Which keys each mapping of a session holds — a track, a bus, the master,
// a clip, a send, the keys every insert has — in the order the messages list them.  A key that holds
// a value points at the value's one declaration (dsp/strip.h: name, unit,
// range, default, kind, choices, whether it may be automated or move
// while playing); a key that holds structure (a name, clips, sends,
// inserts, routing) has none.  The validator checks a mapping's keys
// against its set (an unknown key is named with the nearest one from the
// set) and reads each value through its table entry; live control and
// the recorder read the same entries.
//
// Thread: constant data; any thread.

#ifndef MD_SESSION_KEYS_H
#define MD_SESSION_KEYS_H

#include "dsp/strip.h"

#include <stddef.h>

typedef struct {
  const char*    name;  ///< A key of structure: its name (NULL for a value: see md_key_name())
  const MdParam* param; ///< A key of a value: its table entry, which names it; NULL for structure
} MdKey;

typedef struct {
  const char*  where;  ///< The mapping, as messages name it ("a track")
  const MdKey* keys;
  size_t       n_keys;
} MdKeySet;

extern const MdKeySet md_track_keys;  ///< `tracks:` items
extern const MdKeySet md_bus_keys;    ///< `buses:` items
extern const MdKeySet md_master_keys; ///< `master:`
extern const MdKeySet md_clip_keys;   ///< `clips:` items
extern const MdKeySet md_send_keys;   ///< `sends:` items
/// The keys every `inserts:` item has (`type`, `bypass`); its type adds
/// its own parameters (or, for `lv2`, `uri`, `params`, `preset`).
extern const MdKeySet md_insert_keys;

/// The longest key set (for callers' arrays of names).
#define MD_KEY_SET_MAX 16U

/// The name of `key`: its table entry's, or its own.
const char* md_key_name(const MdKey* key);

/// The names of `set`'s keys, in order, into `names` (at most `room`);
/// returns how many.
size_t md_key_names(const MdKeySet* set, const char** names, size_t room);

/// The key of `set` named `name`, or NULL.
const MdKey* md_key_find(const MdKeySet* set, const char* name);

#endif
