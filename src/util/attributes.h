// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Compiler attributes.  Thread: any (macros only).

#ifndef MD_ATTRIBUTES_H
#define MD_ATTRIBUTES_H

/// Lets the compiler check printf-style arguments.
#if defined(__GNUC__)
#  define MD_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#  define MD_PRINTF(fmt, args)
#endif

#endif
