#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Regenerates the parameter tables in docs/processors.md from the parameter
# tables in the code (`mixdown describe --markdown TYPE`), between the
# markers <!-- describe TYPE --> and <!-- /describe -->.
#   scripts/update-docs.sh [MIXDOWN] [DOC]    (defaults: build/mixdown docs/processors.md)
set -euo pipefail
mixdown=${1:-build/mixdown}
doc=${2:-docs/processors.md}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
skipping=0
while IFS= read -r line || [ -n "$line" ]; do
  if [[ "$line" =~ ^\<\!--\ describe\ ([a-z_]+)\ --\>$ ]]; then
    printf '%s\n' "$line" >> "$out"
    "$mixdown" describe --markdown "${BASH_REMATCH[1]}" >> "$out"
    skipping=1
  elif [[ "$line" == "<!-- /describe -->" ]]; then
    printf '%s\n' "$line" >> "$out"
    skipping=0
  elif [ "$skipping" -eq 0 ]; then
    printf '%s\n' "$line" >> "$out"
  fi
done < "$doc"
cat "$out" > "$doc"
