#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Writes OUT: a C header naming this build for the render cache's keys —
# a hash of every C source and header of the library (src/, include/) and
# the compiler and build type.  Run by the build every time; OUT is
# rewritten only when it changes, so only a change to the sources
# recompiles what includes it.
#
#   scripts/source-hash.sh SOURCE_ROOT OUT COMPILER VERSION BUILDTYPE
set -eu
root=$1
out=$2
shift 2
hash=$(cd "$root" && find src include -name '*.[ch]' | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-32)
text="#define MD_SOURCE_HASH \"$hash\"
#define MD_BUILD_FLAVOUR \"$*\""
if [ ! -f "$out" ] || [ "$(cat "$out")" != "$text" ]; then
  printf '%s\n' "$text" > "$out.tmp"
  mv "$out.tmp" "$out"
fi
