#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fault-injection sweep of the mps2-an385 bootloader under QEMU: every
# instruction of the go/no-go path skipped once, on a device with a genuine v1
# and a v2 signed by an untrusted key staged (docs/glitch.md). Builds what is
# in the tree, runs the sweep, writes the results.
#
#   glitch-sweep.sh [--mode first|every|both] [--out DIR] [--results FILE]
#                   [--ferry PATH] [--timeout S]
#
#   --mode     skip the first execution of each instruction, every execution,
#              or both passes (default: first; 'both' adds the 'every' pass
#              for the instructions that run more than once)
#   --out      build and scratch directory (default: build/glitch): the host
#              tool in DIR/host, the firmware in DIR/fw, boots in DIR/work
#   --results  markdown written at the end (default: docs/glitch-results.md)
#   --ferry    use this host 'ferry' tool instead of building one
#   --timeout  seconds of real time before a boot counts as a hang (default 2)
#
# One boot at a time (one QEMU process plus this script): about 0.1 s a boot.
# Exit status: 0 done; 77 a prerequisite is missing; 1 failure.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
mode=first out="$root/build/glitch" results="$root/docs/glitch-results.md" ferry="" timeout=2
rest=""
while [ $# -gt 0 ]; do
  case "$1" in
    --mode) mode=$2; shift 2 ;;
    --out) out=$2; rest="$rest --out $2"; shift 2 ;;
    --results) results=$2; rest="$rest --results $2"; shift 2 ;;
    --ferry) ferry=$2; rest="$rest --ferry $2"; shift 2 ;;
    --timeout) timeout=$2; rest="$rest --timeout $2"; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "glitch-sweep: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
cmd="scripts/glitch-sweep.sh --mode $mode$rest"
mkdir -p "$out"
out=$(cd "$out" && pwd)
if [ -z "$ferry" ]; then
  env -u CC cmake -S "$root" -B "$out/host" -DFERRY_SANITIZE=OFF >/dev/null
  cmake --build "$out/host" --target ferry -j2 >/dev/null
  ferry="$out/host/tools/ferry/ferry"
fi
rc=0
sh "$root/scripts/firmware-build.sh" --ferry "$ferry" --out "$out/fw" || rc=$?
[ "$rc" -eq 0 ] || exit "$rc"
exec python3 "$root/tests/glitch/glitch.py" sweep --fw "$out/fw" --ferry "$ferry" \
  --work "$out/work" --mode "$mode" --timeout "$timeout" --results "$results" \
  --command "$cmd"
