# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by the assistants' test scripts (sourced after tests/cli/harness.sh;
# needs $mixdown).

# Replays the writes of an assistant's --json report ($2) on a copy of the
# session ($1) with `mixdown set`: the session an assistant writes must be
# exactly its input plus the writes it reports.
replay() {
  local edit address value
  while IFS=$'\t' read -r edit address value; do
    case "$edit" in
    append) "$mixdown" set "$1" "$address" --append "$value" -q || return 1 ;;
    remove) "$mixdown" set "$1" "$address" --remove "$value" -q || return 1 ;;
    set) "$mixdown" set "$1" "$address" "$value" -q || return 1 ;;
    esac
  done < <(printf '%s' "$2" | grep -o '"edit":"[a-z]*","address":"[^"]*","value":"[^"]*"' |
    sed 's/^"edit":"\([a-z]*\)","address":"\([^"]*\)","value":"\([^"]*\)"$/\1\t\2\t\3/')
}
