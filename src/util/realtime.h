// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

/**
   @file realtime.h
   MD_REALTIME marks a function that may run on the audio thread (the JACK
   process callback, or the engine's block loop that it calls): it must not
   allocate, lock, wait or do I/O, and may call only functions marked the
   same way (or plain arithmetic, the C library's math and string functions
   that do neither).  Put it on the declaration, before the return type.
   Thread: any (a macro; this header declares nothing else).

   With clang it expands to `annotate("mixdown_realtime")`: no effect on
   code generation (no change to a single rendered byte), but the mark is in
   the AST, so a clang-query or clang-tidy matcher can list every real-time
   function and check what it calls.  With gcc (and anything else) it is
   empty: gcc has no attribute that is both harmless and visible to tools
   (`section` would move the code and must match on every declaration), so
   there the mark documents.  Clang's own `nonblocking` (clang 20 and later)
   is not used: it diagnoses every call to an unmarked function, including
   calls through the processors' function pointers and into libm, which the
   code cannot satisfy without marking far beyond the audio path; the
   warnings-clean build would break on a newer compiler.

   The public header has the same mark as MIXDOWN_REALTIME.
*/

#ifndef MD_REALTIME_H
#define MD_REALTIME_H

#if defined(__clang__) && defined(__has_attribute)
#  if __has_attribute(annotate)
#    define MD_REALTIME __attribute__((annotate("mixdown_realtime")))
#  endif
#endif
#ifndef MD_REALTIME
#  define MD_REALTIME
#endif

#endif
