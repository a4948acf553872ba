#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Ferry benchmarks. Instruction counts from callgrind are exact and repeatable
# on one machine, so they are what we track (never timings in unit tests).
# Builds without sanitizers (-O2), runs every benchmark, and rewrites
# bench/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
FERRY_QUIET_SETUP=1 bash scripts/setup.sh
cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release -DFERRY_SANITIZE=OFF >/dev/null
cmake --build build/bench -j"$(nproc)" --target bench_boot bench_wear bench_agent ferry >/dev/null
bin=build/bench/bench

count() { # instructions executed inside measured_* for: bench_boot ARGS...
  local out
  out=$(mktemp)
  valgrind --tool=callgrind --callgrind-out-file="$out" --collect-atstart=no \
    --toggle-collect='measured_*' "$bin/bench_boot" "$@" >/dev/null 2>&1
  awk '/^(summary|totals):/ {print $2; exit}' "$out"
  # The simulated flash's own share (its strict byte-by-byte checks are not
  # device code): inclusive cost of the board's flash entry points.
  callgrind_annotate --inclusive=yes "$out" 2>/dev/null |
    awk '/port_(read|program|erase) / {gsub(",", "", $1); s += $1} END {print s + 0}' >"$out.sim"
  SIM=$(cat "$out.sim")
  rm -f "$out" "$out.sim"
}
fmt() { awk -v n="$1" 'BEGIN { printf "%.2f M", n / 1e6 }'; }

sha=$(count sha256)
ver=$(count verify)
normal=$(count boot-normal); count boot-normal >/dev/null; normal_sim=$SIM
update=$(count boot-update); count boot-update >/dev/null; update_sim=$SIM
wear=$("$bin/bench_wear")
download=$(bash bench/download.sh build/bench)

results=bench/results.md
# What follows the marker line comes from other benchmarks: kept as it is.
marker='<!-- The sections below come from other benchmarks'
kept=$(sed -n "/^$marker/,\$p" "$results" 2>/dev/null || true)
{
  echo "# Benchmark results"
  echo
  echo "Produced by \`bench/run.sh\` on $(date -u +%Y-%m-%d) ($(uname -m), $(gcc --version | head -1), -O2, no sanitizers)."
  echo "Instruction counts from \`valgrind --tool=callgrind\`, counted only inside the measured call."
  echo
  echo "## Boot cost (100 KiB image, ECDSA P-256, BearSSL i31, simulator flash)"
  echo
  echo "| what | instructions |"
  echo "|---|---|"
  echo "| SHA-256 of 100 KiB | $(fmt "$sha") |"
  echo "| one ECDSA P-256 signature verification | $(fmt "$ver") |"
  echo "| normal boot (verify primary: hash + signature) | $(fmt "$normal") (simulated flash: $(fmt "$normal_sim")) |"
  echo "| update boot (verify the primary, verify the staged image, swap 100 KiB with the old one, hash the copy, trial boot) | $(fmt "$update") (simulated flash: $(fmt "$update_sim")) |"
  echo
  echo "Reference from a mature peer on the same job: about 23.9 M (normal boot) and 50.5 M (update boot)."
  echo "An update boot verifies two signatures, the running image's and the staged image's, from one read"
  echo "each (every decision rests on bytes verified in that boot, docs/design.md); the copy in the"
  echo "primary slot is then checked by its digest, not by a third verification."
  echo
  echo "## Flash wear of one install and one revert"
  echo
  echo "Images of about 3/4 of the primary slot. Erases counted per sector by the simulator."
  echo "'max' is the most erases any one sector of that slot took; status erases are sector erases"
  echo "in the status area (one bank per operation)."
  echo
  echo "$wear"
  echo
  echo "$download"
  echo
  echo "Cortex-M footprint and on-target instruction counts: [footprint.md](footprint.md) and [footprint.json](footprint.json) (\`bench/footprint.sh\`); estimated Cortex-M3 cycles: [cycles.md](cycles.md) (\`bench/cycles.sh\`, [docs/cycle-model.md](../docs/cycle-model.md))."
  echo "Stack of every application-side call on the Cortex-M3: [app-stack.md](app-stack.md) (\`bench/app-stack.sh\`)."
  if [ -n "$kept" ]; then
    echo
    echo "$kept"
  fi
} >"$results"
cat "$results"
