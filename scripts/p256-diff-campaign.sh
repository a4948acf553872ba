#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# A long differential run of the P-256 verifiers (docs/p256.md): Ferry's own
# (both table variants) against BearSSL's four curve codes and OpenSSL, on
# inputs from the plain driver tests/p256_diff_main.c (no libFuzzer, no
# sanitizers: -O2), one process. Runs in slices of SLICE seconds with
# successive seeds, so that it can be stopped and resumed across days; each
# slice appends its summary line to the log.
#
#   scripts/p256-diff-campaign.sh SECONDS [BUILD_DIR]
#
# BUILD_DIR (default build/p256-campaign) is configured here (Release,
# FERRY_SANITIZE=OFF) and p256_diff built in it. Environment: SLICE
# (default 600), SEED (first seed, default: one past the last in the log),
# LOG (default BUILD_DIR/p256_campaign.log). Prints the total inputs,
# execs/s and disagreements; exits 0 with none, 1 with some (each is on
# stderr and in the log), 2 on a usage or setup error.
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 SECONDS [BUILD_DIR]" >&2
    exit 2
fi
total=$1
root=$(cd "$(dirname "$0")/.." && pwd)
build=${2:-$root/build/p256-campaign}
slice=${SLICE:-600}
log=${LOG:-$build/p256_campaign.log}

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DFERRY_SANITIZE=OFF >/dev/null || exit 2
cmake --build "$build" --target p256_diff -j2 >/dev/null || exit 2
bin=$build/tests/p256_diff
[ -x "$bin" ] || { echo "$bin missing (OpenSSL, libssl-dev, needed)" >&2; exit 2; }
touch "$log"
seed=${SEED:-$(awk '/^p256_diff: seed/ {s = $3} END {print s + 1}' "$log")}
left=$total
while [ "$left" -gt 0 ]; do
    t=$slice
    [ "$t" -le "$left" ] || t=$left
    "$bin" -n 0 -t "$t" -s "$seed" >>"$log" 2>>"$log.disagreements" || true
    left=$((left - t))
    seed=$((seed + 1))
done
awk '/^p256_diff: seed/ {runs += $5; bad += $11; t += $5 / ($13 > 0 ? $13 : 1)}
     END {printf "p256-diff-campaign: %d inputs in the log, %.0f execs/s, %d disagreements\n",
          runs, (t > 0 ? runs / t : 0), bad; exit (bad > 0)}' "$log"
