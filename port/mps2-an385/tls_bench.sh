#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs tls-bench (tls_bench_main.c) under QEMU with -icount shift=0 and
# prints its UART lines: the TLS client's handshake and per-byte cost on the
# Cortex-M3, and its refusals (wrong CA, certificates not yet valid or
# expired) on the target. docs/tls.md gives the figures.
#   tls_bench.sh FW_DIR      (a firmware build: scripts/firmware-build.sh --out FW_DIR)
# Exit status: 0 the run ended with "[tls] done"; 1 it did not; 77 skipped
# (no qemu-system-arm, or the firmware build left tls-bench out: the reason
# is printed).
set -eu
fw=${1:?usage: tls_bench.sh FW_DIR}
command -v qemu-system-arm >/dev/null 2>&1 || { echo "SKIP: qemu-system-arm not found"; exit 77; }
if [ -f "$fw/SKIP" ]; then echo "SKIP: firmware not built: $(cat "$fw/SKIP")"; exit 77; fi
if [ -f "$fw/tls-bench.SKIP" ]; then echo "SKIP: tls-bench not built: $(cat "$fw/tls-bench.SKIP")"; exit 77; fi
[ -f "$fw/tls-bench.elf" ] || { echo "FAIL: $fw/tls-bench.elf missing"; exit 1; }
# The program resets when it is done (-no-reboot: QEMU exits); well under a
# second of host time, the timeout only catches a hang.
out=$(timeout 120 qemu-system-arm -M mps2-an385 -kernel "$fw/tls-bench.elf" -nographic -nic none \
        -no-reboot -icount shift=0,align=off,sleep=off </dev/null 2>/dev/null | tr -d '\r') || true
printf '%s\n' "$out"
case "$out" in
  *"[tls] done"*) exit 0 ;;
  *) echo "FAIL: tls-bench did not finish with [tls] done"; exit 1 ;;
esac
