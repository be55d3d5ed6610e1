// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The makers of an MdAddress, private to session/address*.c: what one
// kind of address names and its document path, from model indices.  The
// reader of address texts (address.c) and the list of every address
// (address_list.c) both build through these, so that what the list gives
// is what a resolve gives.  Indices are the caller's to check.
// Thread: any (address.h).

#ifndef MD_SESSION_ADDRESS_BUILD_H
#define MD_SESSION_ADDRESS_BUILD_H

#include "session/address.h"

/// A top-level value (md_session_params[k]).
void md_addr_session(MdAddress* a, uint32_t k);

/// Key `k` of md_output_params of `output:` (index MD_ADDRESS_SINGLE) or
/// of `outputs:` item `index`.
void md_addr_output(MdAddress* a, uint32_t index, uint32_t k);

/// Key `k` of md_loudness_params of `master.loudness` (index
/// MD_ADDRESS_SINGLE) or of `outputs:` item `index`'s `loudness`.
void md_addr_loudness(MdAddress* a, uint32_t index, uint32_t k);

/// The list `outputs:`.
void md_addr_outputs_list(MdAddress* a);

/// A strip's value: an entry of md_strip_params, or md_route_param.
void md_addr_strip(MdAddress* a, const MixdownSession* s, uint32_t node, const MdParam* p);

/// A strip's list (MD_LIST_INSERTS, _SENDS, _CLIPS).
void md_addr_strip_list(MdAddress* a, const MixdownSession* s, uint32_t node, MdAddressList list);

/// Key `k` of md_send_params of send `send` of `node`.
void md_addr_send(MdAddress* a, const MixdownSession* s, uint32_t node, uint32_t send, uint32_t k);

/// Parameter `p` (a plain one) of insert `insert` of `node`.
void md_addr_insert(MdAddress* a, const MixdownSession* s, uint32_t node, uint32_t insert, uint32_t p);

/// Key `k` of md_insert_params (bypass) of insert `insert` of `node`:
/// in the insert's own mapping (an LV2 plugin's too, not under `params:`).
void md_addr_insert_key(MdAddress* a, const MixdownSession* s, uint32_t node, uint32_t insert, uint32_t k);

/// The items of list parameter `p` of insert `insert` of `node`.
void md_addr_insert_items(MdAddress* a, const MixdownSession* s, uint32_t node, uint32_t insert, uint32_t p);

/// Field `field` of item `item` (from 0) of list parameter `p`.
void md_addr_insert_field(MdAddress* a, const MixdownSession* s, uint32_t node, uint32_t insert, uint32_t p,
                          uint32_t item, uint32_t field);

/// Key `k` of md_clip_params of clip `clip` of track `node`.
void md_addr_clip(MdAddress* a, const MixdownSession* s, uint32_t node, uint32_t clip, uint32_t k);

/// The value `a` names → the points of its envelope.  False (and `a`
/// unchanged) when its entry is not automatable.
bool md_addr_points(MdAddress* a);

/* Where a failed read's names are (address.h: a refusal's place) --------- */

/// The root: no step.
void md_addr_at_root(MdAddress* a);

/// Node `node`'s mapping (`tracks[I]`, `buses[J]`, `master`).
void md_addr_at_node(MdAddress* a, const MixdownSession* s, uint32_t node);

/// Insert `insert` of `node`: its mapping (`params:` of an LV2 plugin).
void md_addr_at_insert(MdAddress* a, const MixdownSession* s, uint32_t node, uint32_t insert);

/// One more step after what `a`'s path names: a key, or an item (from 0).
void md_addr_at_key(MdAddress* a, const char* key);
void md_addr_at_index(MdAddress* a, uint32_t index);

#endif
