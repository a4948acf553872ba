#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The full power-cut sweep: every board layout x every scenario x every flash
# operation, cut between and inside operations, each also with two double
# faults; then a seeded random soak of 10,000 runs with up to four cuts each.
# Prints one summary line and records it in docs/powercut-results.md.
#   scripts/powercut-sweep.sh [--ecc GRANULE|unit] [SOAK_RUNS] [SEED]
# --ecc runs everything with the flash simulator's ECC mode on (granule in
# bytes, or "unit": each device's program unit; docs/powercut.md); its result
# goes to docs/powercut-results-ecc.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ecc=() results=docs/powercut-results.md
if [ "${1:-}" = "--ecc" ]; then
  [ -n "${2:-}" ] || { echo "usage: $0 [--ecc GRANULE|unit] [SOAK_RUNS] [SEED]" >&2; exit 2; }
  ecc=(--ecc "$2") results=docs/powercut-results-ecc.md
  shift 2
fi
runs=${1:-10000} seed=${2:-20261123}
FERRY_QUIET_SETUP=1 bash scripts/setup.sh
cmake -S . -B build/sweep -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFERRY_SANITIZE=ON >/dev/null
cmake --build build/sweep -j"$(nproc)" --target test_powercut >/dev/null
bin=build/sweep/tests/test_powercut
log=build/sweep/powercut.log
: >"$log"

boards=$("$bin" --list-boards)
start=$(date +%s)
printf '%s\n' $boards | xargs -P "$(nproc)" -I{} sh -c "'$bin' ${ecc[*]:-} {} all 2 > '$log.{}' 2>&1 || true"
points=0 failures=0 rows=""
for b in $boards; do
  cat "$log.$b" >>"$log"
  line=$(grep "^powercut $b:" "$log.$b" || echo "powercut $b: 0 cut points tried, 1 failures")
  p=$(awk '{print $3}' <<<"$line") f=$(awk '{print $7}' <<<"$line")
  points=$((points + p)) failures=$((failures + f))
  rows+="| $b | $p | $f |"$'\n'
  rm -f "$log.$b"
done
soak=$({ "$bin" ${ecc[@]+"${ecc[@]}"} --soak "$runs" "$seed" 2>>"$log" || true; } | tee -a "$log" | grep "^powercut soak")
soak_cuts=$(awk '{print $5}' <<<"$soak") soak_fail=$(awk '{print $7}' <<<"$soak")
elapsed=$(( $(date +%s) - start ))
failures=$((failures + soak_fail))

summary="power-cut sweep${ecc[*]:+ (${ecc[*]})}: $(wc -w <<<"$boards") boards, $points cut points tried, $runs soak runs ($soak_cuts cuts), $failures failures"
echo "$summary"
{
  echo "# Power-cut sweep: last result"
  echo
  echo "Recorded by \`scripts/powercut-sweep.sh\` on $(date -u +%Y-%m-%d) in ${elapsed} s (ASan+UBSan build)."
  echo "How the sweep works and what it checks: [powercut.md](powercut.md)."
  echo
  echo "**$summary**"
  echo
  echo "| board | cut points (scenarios x ops x {between, torn} x {single, 2 double faults}) | failures |"
  echo "|---|---|---|"
  printf '%s' "$rows"
  echo
  echo "Random soak: $runs runs, seed $seed, $soak_cuts cuts, $soak_fail failures."
} >"$results"
[ "$failures" -eq 0 ]
