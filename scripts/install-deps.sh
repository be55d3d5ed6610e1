#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the Debian packages mixdown needs to build, test and run the demo,
# and only those that are missing: every optional part (meson_options.txt),
# as `make demo` and `make test` build them all. Debian packages only; nothing is downloaded
# from anywhere else.
set -euo pipefail

packages=(
  build-essential pkg-config meson ninja-build   # build-essential brings g++ (the header test, tests/header),
                                                 # meson python3 (scripts/check-layering.py)
  libsndfile1-dev libsoxr-dev libyaml-dev libebur128-dev
  libxxhash-dev                # the render cache's checksums (XXH3)
  libfftw3-dev libcairo2-dev   # the analysis plots: spectrum (FFTW) and drawing (cairo)
  liblilv-dev lv2-dev          # hosting LV2 plugins
  swh-lv2 x42-plugins          # real LV2 plugins the tests measure (and crash: swh revdelay)
  libjack-jackd2-dev jackd2    # real-time playback (mixdown play); tests run jackd -d dummy
  liblo-dev liblo-tools        # OSC control of mixdown play (the tests send with oscsend, listen with oscdump)
  libwebsockets-dev libjansson-dev  # mixdown serve: HTTP and WebSocket, JSON
  chromium curl                # mixdown serve's tests: the page in a headless browser, requests by hand
  time        # /usr/bin/time: peak memory in the command-line tests
  e2fsprogs   # chattr: the output-files test makes a stem immutable (slim images lack it)
  procps      # pkill: the live-playback tests stop mixdown play with SIGINT (slim images lack it)
  clang libclang-rt-14-dev   # libFuzzer harnesses (make fuzz, and their smoke run in make test)
  valgrind    # one render under memcheck in make test
  munge slurmctld slurmd slurm-client   # a real single-node Slurm for the batch recipe's test
                                        # (scripts/slurm-local.sh; no systemd needed)
  parallel    # GNU parallel: the batch recipes and bench/batch.sh
  espeak-ng   # the assistants' tests: voices with known phrase times (tests/assist)
  ffmpeg      # the assistants' tests compare with sidechaincompress, dynaudnorm, speechnorm
)

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "install-deps: not a Debian system; install by hand: ${packages[*]}" >&2
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
