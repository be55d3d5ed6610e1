// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// THE resolver of addresses: one text names one value (or list) of a
// session, the same text for OSC (live/control.c), `mixdown get/set`, the
// editor (src/edit), the web console and the public API — no other code
// reads an address.  An address is read against the model (names of
// tracks and buses, inserts, sends, clips, items) and the parameter
// tables (dsp/strip.h, session/session_params.h, each processor's), and
// resolves to what it names (a value with its one MdParam entry, or a
// list), where that lives in the model, and where it lives in the
// document: a path of keys and list indices from the root (yaml_access.h).
//
// Addresses (NAME: a track's or bus's name; N, K count from 1):
//
//   /tempo  /sample_rate  /length  /time_signature      session_params.h
//   /output/KEY        file bits dither rate quality, tags (title artist
//                      album date genre comment copyright track)
//   /outputs/N/KEY     the same keys of `outputs:` item N, and
//   /outputs/N/loudness/target_lufs|true_peak_db
//   /master/loudness/target_lufs|true_peak_db
//   /track/NAME/PARAM  the strip table (gain_db pan pan_law mute solo
//                      invert) as the key sets allow (session/keys.h: a bus
//                      has no pan_law, the master only gain_db)
//   /bus/NAME/PARAM  /master/PARAM
//   /track/NAME/output  /bus/NAME/output        routing (md_route_param)
//   /track/NAME/send/BUS/level_db|pre_fader|to  BUS: the bus's name, or N
//   /track/NAME/insert/N/PARAM                  N from 1, or the type's
//                      name (its first insert of that type); an LV2
//                      insert's PARAM is a port symbol (under `params:`);
//                      a sidechain is the PARAM `sidechain`
//   /track/NAME/insert/N/bypass                 the keys every insert has
//                      (dsp/strip.h md_insert_params), before its type's
//                      parameters (an LV2 port named `bypass` is then
//                      not addressable: the common key wins)
//   /track/NAME/insert/N/LIST/K/FIELD           field of item K of a list
//                      parameter (an EQ's bands); item K must exist
//   /track/NAME/clip/N/KEY                      the clip table
//   /track/NAME/file   alias of clip/1/file on a track written `file: PATH`
//   …/insert/N/LIST    lists: an insert's list parameter (MD_LIST_ITEMS),
//   /track/NAME/inserts  /track/NAME/sends  /track/NAME/clips
//   /bus/NAME/inserts  /bus/NAME/sends  /master/inserts  /outputs
//   ADDRESS/points     the points of any automatable value's envelope
//
// The `file:` shorthand: a track written `file: PATH` has one clip, with
// no mapping of its own.  /track/NAME/clip/1/file (and /track/NAME/file)
// then has the path tracks/I/file; any other clip key K has the path
// tracks/I/clips/0/K with `shorthand` set: the place it takes once the
// track is written `clips: [{file: PATH, K: …}]` (without `file:`), which
// is the editor's to write.
//
// A name holding `/` or `%` is written %2F, %25 in an address (both are
// read back); any other byte (UTF-8, spaces) is written as it is.
//
// Scopes: MD_ADDRESS_DOCUMENT resolves every address above, as a session
// file can hold it.  MD_ADDRESS_LIVE resolves what OSC addresses: a
// strip's values (the whole strip table on every strip, as the engine
// has them: /master/invert too), sends' values, and inserts' values (a
// list's fields; no lists, no /points); its messages are those OSC has
// always given.  Whether a value may move while playing is the caller's
// (md_param_live()).
//
// Thread: any, on a session no one frees meanwhile; no global state, no
// allocation beyond the stack.

#ifndef MD_SESSION_ADDRESS_H
#define MD_SESSION_ADDRESS_H

#include "session/model.h"
#include "session/yaml_access.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/// What an address names.
typedef enum {
  MD_ADDRESS_VALUE, ///< One value: `param` is its table entry
  MD_ADDRESS_LIST,  ///< A list: `list` says which
} MdAddressKind;

/// Whose value it is: which of the fields below say where it lives.
typedef enum {
  MD_OWNER_SESSION,  ///< The top level (md_session_params)
  MD_OWNER_OUTPUT,   ///< An output file's key: `index` (md_output_params)
  MD_OWNER_LOUDNESS, ///< A loudness target: `index` (md_loudness_params)
  MD_OWNER_STRIP,    ///< Strip `node`: its table's, or its routing (md_route_param)
  MD_OWNER_SEND,     ///< Send `index` of `node` (md_send_params)
  MD_OWNER_INSERT,   ///< Insert `index` of `node`: value slot `slot` (its class's table)
  MD_OWNER_INSERT_KEY, ///< Insert `index` of `node`: a key every insert has (md_insert_params: `bypass`), not a slot
  MD_OWNER_CLIP,     ///< Clip `index` of track `node` (md_clip_params)
} MdAddressOwner;

/// Which list (MD_ADDRESS_LIST).
typedef enum {
  MD_LIST_NONE,    ///< A value
  MD_LIST_INSERTS, ///< `inserts:` of strip `node`
  MD_LIST_SENDS,   ///< `sends:` of strip `node`
  MD_LIST_CLIPS,   ///< `clips:` of track `node` (`shorthand`: written `file:`)
  MD_LIST_POINTS,  ///< `points:` of the envelope of the value the other fields name
  MD_LIST_ITEMS,   ///< A list parameter's items (an EQ's bands): insert `index` of `node`, `param`
  MD_LIST_OUTPUTS, ///< `outputs:` of the session
} MdAddressList;

/// What a resolve reads (see the top of this file).
typedef enum {
  MD_ADDRESS_DOCUMENT, ///< Every address a session file can hold
  MD_ADDRESS_LIVE,     ///< What OSC moves: strips, sends, inserts (with OSC's messages)
} MdAddressScope;

/// `index` of an output or loudness target that is not an `outputs:`
/// item: `output:`, `master.loudness`.
#define MD_ADDRESS_SINGLE UINT32_MAX

/// The longest path: tracks/I/inserts/J/bands/K/FIELD/points.
#define MD_ADDRESS_MAX_DEPTH 10U

typedef struct {
  MdAddressKind  kind;
  MdAddressList  list;  ///< LIST: which; VALUE: MD_LIST_NONE
  MdAddressOwner owner;
  /// VALUE: its one table entry (name, unit, range, kind, automatable,
  /// live, fixed_why).  LIST POINTS: the entry of the value enveloped.
  /// LIST ITEMS: the list parameter's entry (its fields, max_items).
  /// Other lists: NULL.
  const MdParam* param;
  uint32_t       node;  ///< STRIP, SEND, INSERT, CLIP, and their lists: the model's node index
  /// SEND, INSERT, CLIP: which (from 0).  OUTPUT, LOUDNESS: the `outputs:`
  /// item (from 0), or MD_ADDRESS_SINGLE for `output:`, `master.loudness`.
  uint32_t index;
  /// INSERT: the value slot (md_processor_value_offset(), or for a list's
  /// field md_processor_list_slot()); LIST ITEMS: the list's first slot
  /// (its count).
  uint32_t slot;
  /// CLIP (and LIST CLIPS) of a track written `file: PATH`: see the top of
  /// this file.
  bool shorthand;
  /// Where it lives in the document, from the root: keys point at
  /// constant text or the session's tables (valid while the session is).
  /// The last step may be absent from the file (a default), and for
  /// POINTS of a constant the one before it is a scalar: the editor
  /// creates what is missing.  A list of one field may write its items
  /// bare (`notes: [A, C]`): then the item step (path[depth - 2]) is a
  /// scalar, and the field is that scalar.
  MdYPathStep path[MD_ADDRESS_MAX_DEPTH];
  size_t      depth;
} MdAddress;

/// Reads `address` against `session` in scope MD_ADDRESS_DOCUMENT.
/// False when it names nothing: `note` says why, with the nearest valid
/// name (util/suggest.h) or the valid range of items ("`vox` has 2
/// inserts: 3 is not one (they count from 1)"); it does not repeat the
/// address (callers put it in front).  Then only `path` and `depth` of
/// `out` mean something: where in the document the names the address was
/// read among are (for the place of a message): `tracks` for an unknown
/// track, the strip's mapping for an unknown parameter, its `inserts` for
/// an unknown insert, the insert's mapping for an unknown parameter of it,
/// the root for an unknown top-level name; their last steps may be absent
/// from the file (the message is then said at what is written of them).
bool md_address_resolve(const MixdownSession* session, const char* address, MdAddress* out, char* note,
                        size_t note_size);

/// md_address_resolve() in `scope`.
bool md_address_resolve_in(const MixdownSession* session, const char* address, MdAddressScope scope,
                           MdAddress* out, char* note, size_t note_size);

/// The canonical text of `address` (inserts and items by number from 1,
/// sends by their bus's name, `/track/NAME/file` as clip/1/file): what
/// md_address_resolve() reads back as the same MdAddress.  Reads kind,
/// list, owner, param, node, index and slot, never the path (live control
/// names a move by filling those).
void md_address_format(const MixdownSession* session, const MdAddress* address, char* out, size_t size);

/// The model's MdValue of a value that is one (strip gain_db, pan, mute;
/// a send's level_db; an insert's value slot), else NULL.
const MdValue* md_address_model_value(const MixdownSession* session, const MdAddress* address);

/// The value an address holds in the model.
typedef struct {
  bool              set;      ///< False: the session gives none (no tempo, `length: auto`,
                              ///< no loudness target, no such tag, an output rate of the session's)
  double            number;   ///< Numbers; switches 0/1; choices the index (param->info.choices)
  const MdEnvelope* envelope; ///< An automated value's envelope, else NULL
  const char*       text;     ///< FILE, NODE and text values (a resolved path, a node's name, a
                              ///< tag, "4/4" in `buffer`), else NULL
  char              buffer[32];
} MdAddressValue;

/// What the VALUE `address` holds in `session`.  False for a list, or a
/// value the model does not keep (a note value: its target's ms are in
/// the slot the note names).
bool md_address_read(const MixdownSession* session, const MdAddress* address, MdAddressValue* out);

/// True when `a` and `b` name the same thing (every field, the path's keys
/// by their text).
bool md_address_equal(const MdAddress* a, const MdAddress* b);

/// Called by md_address_list() with each address and its canonical text.
typedef void (*MdAddressVisit)(void* user, const MdAddress* address, const char* text);

/// Every address `session` has in scope MD_ADDRESS_DOCUMENT, values and
/// lists, in document order: the top level, the output(s) (`outputs`, each
/// item's keys and loudness), then each track, bus and the master: its
/// strip values (each automatable one followed by its /points), routing
/// or the master's loudness, its sends and their keys, its inserts and
/// their parameters (a list, then each field of each item it has), its
/// clips and their keys.  Values the file does not write (defaults) are
/// included; each is given once, with its canonical text.
void md_address_list(const MixdownSession* session, MdAddressVisit visit, void* user);

#endif
