#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the peers the benchmark compares against (Debian packages only):
# ecasound with the swh LADSPA plugins, sox and ffmpeg.  Not needed to build
# or test mixdown; `make bench` skips a peer that is not installed.
set -euo pipefail
packages=(ecasound swh-plugins sox ffmpeg time)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
$sudo apt-get install -y --no-install-recommends "${missing[@]}"
