#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# A long run of the boot fuzzer (docs/boot-fuzzer.md): N executions spread
# over JOBS worker processes (libFuzzer -fork; crashes do not stop the run),
# then every saved violation is replayed and grouped by the property it broke.
#
#   scripts/fuzz-boot-campaign.sh N [BUILD_DIR]
#
# BUILD_DIR (default build/fuzz) must be configured with -DFERRY_FUZZ=ON and
# have fuzz_boot and fuzz_boot_seed built. Environment: JOBS (default 2),
# OUT (default BUILD_DIR/fuzz/boot_campaign: corpus/, crashes/, log).
# Prints the executions done and the violations found; exits 0 when there
# were none, 1 when there were, 2 on a usage or setup error.
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 N [BUILD_DIR]" >&2
    exit 2
fi
runs=$1
build=${2:-build/fuzz}
jobs=${JOBS:-2}
bin=$build/fuzz/fuzz_boot
seeds=$build/fuzz/corpus/boot_seed
out=${OUT:-$build/fuzz/boot_campaign}
if [ ! -x "$bin" ] || [ ! -d "$seeds" ]; then
    echo "$bin or $seeds missing: build the fuzz_boot and fuzz_boot_seed targets" >&2
    exit 2
fi
mkdir -p "$out/corpus" "$out/crashes"
log=$out/log

start=$(date +%s)
# -fork keeps going after a violation; each worker saves its input in crashes/.
"$bin" -fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -runs="$runs" \
    -timeout=10 -artifact_prefix="$out/crashes/" "$out/corpus" "$seeds" >"$log" 2>&1 || true
secs=$(( $(date +%s) - start ))

# The parent's last progress line: "#<execs>: cov: ... exec/s: ...".
execs=$(grep -Eo '^#[0-9]+' "$log" | tail -n 1 | tr -d '#')
echo "executions: ${execs:-0} in ${secs} s on $jobs job(s)"

n=0
summary=$out/violations
: >"$summary"
for f in "$out"/crashes/crash-*; do
    [ -e "$f" ] || continue
    n=$((n + 1))
    line=$("$bin" "$f" 2>&1 | grep -m1 'VIOLATION of property' || echo "*** crash without an oracle verdict (sanitizer?)")
    echo "$line" | sed 's/^\*\*\* //' >>"$summary"
done
echo "violations: $n saved input(s) in $out/crashes"
if [ "$n" -gt 0 ]; then
    echo "distinct verdicts (count, property, what):"
    sort "$summary" | uniq -c | sort -rn
    exit 1
fi
exit 0
