#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The full power-cut sweep: every board layout x every scenario x every flash
# operation, cut between and inside operations, each also with two double
# faults; then a seeded random soak of 10,000 runs with up to four cuts each.
# Prints one summary line and records it in docs/powercut-results.md.
#   scripts/powercut-sweep.sh [--ecc GRANULE|unit] [--enc] [SOAK_RUNS] [SEED]
# --ecc runs everything with the flash simulator's ECC mode on (granule in
# bytes, or "unit": each device's program unit; docs/powercut.md); its result
# goes to docs/powercut-results-ecc.md.
# --enc runs everything with encrypted images and the plaintext leak scan
# (docs/powercut.md, "Encrypted images"); its result goes to the section
# "Encrypted images" of docs/powercut-results.md, below the plain result.
# FERRY_SWEEP_BUILD names the build directory (default build/sweep).
set -euo pipefail
cd "$(dirname "$0")/.."
usage="usage: $0 [--ecc GRANULE|unit] [--enc] [SOAK_RUNS] [SEED]"
ecc=() enc=() results=docs/powercut-results.md
while [ $# -gt 0 ]; do
  case "$1" in
    --ecc) [ -n "${2:-}" ] || { echo "$usage" >&2; exit 2; }
           ecc=(--ecc "$2") results=docs/powercut-results-ecc.md; shift 2 ;;
    --enc) enc=(--enc); shift ;;
    *) break ;;
  esac
done
[ ${#enc[@]} -eq 0 ] || [ ${#ecc[@]} -eq 0 ] || { echo "--ecc and --enc: one at a time" >&2; exit 2; }
mode=(${ecc[@]+"${ecc[@]}"} ${enc[@]+"${enc[@]}"})
runs=${1:-10000} seed=${2:-20261123}
FERRY_QUIET_SETUP=1 bash scripts/setup.sh
build=${FERRY_SWEEP_BUILD:-build/sweep}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFERRY_SANITIZE=ON >/dev/null
cmake --build "$build" -j"$(nproc)" --target test_powercut >/dev/null
bin=$build/tests/test_powercut
log=$build/powercut.log
: >"$log"

boards=$("$bin" --list-boards)
start=$(date +%s)
printf '%s\n' $boards | xargs -P "$(nproc)" -I{} sh -c "'$bin' ${mode[*]:-} {} all 2 > '$log.{}' 2>&1 || true"
points=0 failures=0 rows=""
for b in $boards; do
  cat "$log.$b" >>"$log"
  line=$(grep "^powercut $b:" "$log.$b" || echo "powercut $b: 0 cut points tried, 1 failures")
  p=$(awk '{print $3}' <<<"$line") f=$(awk '{print $7}' <<<"$line")
  points=$((points + p)) failures=$((failures + f))
  rows+="| $b | $p | $f |"$'\n'
  rm -f "$log.$b"
done
soak=$({ "$bin" ${mode[@]+"${mode[@]}"} --soak "$runs" "$seed" 2>>"$log" || true; } | tee -a "$log" | grep "^powercut soak")
soak_cuts=$(awk '{print $5}' <<<"$soak") soak_fail=$(awk '{print $7}' <<<"$soak")
elapsed=$(( $(date +%s) - start ))
failures=$((failures + soak_fail))

summary="power-cut sweep${mode[*]:+ (${mode[*]})}: $(wc -w <<<"$boards") boards, $points cut points tried, $runs soak runs ($soak_cuts cuts), $failures failures"
echo "$summary"
# The result: the whole file, or with --enc the section below the marker
# (the plain result above it is kept as it is).
marker="<!-- the encrypted sweep (powercut-sweep.sh --enc) follows -->"
body=$({
  if [ ${#enc[@]} -gt 0 ]; then
    echo "## Encrypted images"
    echo
    echo "Recorded by \`scripts/powercut-sweep.sh --enc\` on $(date -u +%Y-%m-%d) in ${elapsed} s (ASan+UBSan build):"
    echo "v1, v2 and v3 encrypted, the primary held to their installed forms, the staging slot to their"
    echo "stored forms, and every area outside the primary scanned for plaintext after every cut and boot."
  else
    echo "# Power-cut sweep: last result"
    echo
    echo "Recorded by \`scripts/powercut-sweep.sh\` on $(date -u +%Y-%m-%d) in ${elapsed} s (ASan+UBSan build)."
    echo "How the sweep works and what it checks: [powercut.md](powercut.md)."
  fi
  echo
  echo "**$summary**"
  echo
  echo "| board | cut points (scenarios x ops x {between, torn} x {single, 2 double faults}) | failures |"
  echo "|---|---|---|"
  printf '%s' "$rows"
  echo
  echo "Random soak: $runs runs, seed $seed, $soak_cuts cuts, $soak_fail failures."
  # Where the failures are: every board and scenario with any.
  by=$(grep -E '^board .* scenario .*[1-9][0-9]* failures$' "$log" | grep -v ' 0 failures$' || true)
  if [ -n "$by" ]; then
    echo
    echo "Failures by board and scenario (the log, $log, names the first 20 of each board with cut point and kind):"
    echo
    sed 's/^/- /' <<<"$by"
  fi
})
if [ ${#enc[@]} -gt 0 ]; then
  kept=$(awk -v m="$marker" '$0 == m { exit } { print }' "$results" 2>/dev/null || true)
  printf '%s\n\n%s\n\n%s\n' "$kept" "$marker" "$body" >"$results"
elif grep -qxF "$marker" "$results" 2>/dev/null; then
  enc_part=$(awk -v m="$marker" 'f || $0 == m { f = 1; print }' "$results")
  printf '%s\n\n%s\n' "$body" "$enc_part" >"$results"
else
  printf '%s\n' "$body" >"$results"
fi
[ "$failures" -eq 0 ]
