// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The public header as a C11 caller sees it: compiled with -std=c11 -Wall
// -Wextra -pedantic -Werror and none of the build's feature macros, so
// the header needs nothing a caller did not ask for.

#undef _DEFAULT_SOURCE
#undef _POSIX_C_SOURCE
#undef _GNU_SOURCE

#include "mixdown.h"

#include "layout.h"

#include <stdalign.h>

size_t
md_header_c_layout(size_t* sizes, size_t* aligns, size_t capacity)
{
  size_t n = 0U;
#define MD_LAYOUT_OF(type)                                                                         \
  if (n < capacity) {                                                                              \
    sizes[n]  = sizeof(type);                                                                      \
    aligns[n] = alignof(type);                                                                     \
  }                                                                                                \
  ++n;
  MD_PUBLIC_TYPES(MD_LAYOUT_OF)
#undef MD_LAYOUT_OF
  return n;
}
