// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "session/reads.h"

#include "session/model.h"

#include <stdio.h>

bool
md_session_for_each_read(const MixdownSession* s, bool (*visit)(void* user_data, const char* path, const char* what),
                         void* user_data)
{
  char what[200];
  if (s->file_name && !visit(user_data, s->file_name, "session file itself")) {
    return false;
  }
  for (size_t i = 0U; i < s->n_nodes; ++i) {
    const MdNode* node = &s->nodes[i];
    for (size_t j = 0U; j < node->n_clips; ++j) {
      snprintf(what, sizeof what, "source of track `%.100s`", node->name);
      if (!visit(user_data, node->clips[j].path, what)) {
        return false;
      }
    }
    for (size_t j = 0U; j < node->n_inserts; ++j) {
      snprintf(what, sizeof what, "file read by insert %zu of `%.100s`", j + 1U, node->name);
      if (node->inserts[j].file && !visit(user_data, node->inserts[j].file, what)) {
        return false;
      }
    }
  }
  return true;
}
