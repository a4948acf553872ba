#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# A long differential run of the P-256 verifiers (docs/p256.md): Ferry's own
# (both table variants) against BearSSL and OpenSSL, on inputs from the
# plain driver tests/p256_diff_main.c (no libFuzzer, no sanitizers: -O2),
# one process. Runs in slices of SLICE seconds with successive seeds, so
# that it can be stopped and resumed across days; each slice appends its
# summary line to the log.
#
#   scripts/p256-diff-campaign.sh SECONDS [BUILD_DIR]
#
# BUILD_DIR (default build/p256-campaign) is configured here (Release,
# FERRY_SANITIZE=OFF) and p256_diff built in it. Environment:
#   MODE   all (default): every verifier, BearSSL's four curve codes
#          included; fast: ours, BearSSL p256_m31 and OpenSSL only, 0 to 3
#          mutations an input (p256_diff -f)
#   SLICE  seconds a slice (default 600)
#   SEED   first seed (default: one past the last in the log)
#   LOG    default BUILD_DIR/p256_campaign.log (MODE=all) or
#          BUILD_DIR/p256_campaign_fast.log (MODE=fast): the two modes are
#          counted apart
# Prints the total inputs, execs/s, disagreements and the verdict mix of the
# log; exits 0 with no disagreement, 1 with some (each is in
# LOG.disagreements), 2 on a usage or setup error.
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: [MODE=all|fast] [SLICE=S] [SEED=N] [LOG=FILE] $0 SECONDS [BUILD_DIR]" >&2
    exit 2
fi
total=$1
root=$(cd "$(dirname "$0")/.." && pwd)
build=${2:-$root/build/p256-campaign}
slice=${SLICE:-600}
mode=${MODE:-all}
case $mode in
all) flag='' log=${LOG:-$build/p256_campaign.log} ;;
fast) flag=-f log=${LOG:-$build/p256_campaign_fast.log} ;;
*) echo "$0: MODE is all or fast, not $mode" >&2; exit 2 ;;
esac

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
    # shellcheck disable=SC2086 # $flag is empty or one word
    "$bin" $flag -n 0 -t "$t" -s "$seed" >>"$log" 2>>"$log.disagreements" || true
    left=$((left - t))
    seed=$((seed + 1))
done
# Fields of a summary line: $5 runs, $7 valid, $11 disagreements, $13
# execs/s, $15 rejected after the whole computation (absent from lines
# written before that count existed: the mix covers the lines that have it).
awk '/^p256_diff: seed/ {runs += $5; bad += $11; t += $5 / ($13 > 0 ? $13 : 1)
                         if (NF >= 15) {mixed += $5; valid += $7; full += $15}}
     END {printf "p256-diff-campaign: %d inputs in the log, %.0f execs/s, %d disagreements\n",
          runs, (t > 0 ? runs / t : 0), bad
          if (mixed > 0)
              printf "p256-diff-campaign: verdicts of %d inputs: %.1f%% valid, %.1f%% rejected after the whole computation, %.1f%% rejected before it\n",
                     mixed, 100 * valid / mixed, 100 * full / mixed, 100 * (mixed - valid - full) / mixed
          exit (bad > 0)}' "$log"
