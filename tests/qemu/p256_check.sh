#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs one of the P-256 check programs of the mps2-an385 firmware
# (port/mps2-an385/p256.cmake) at 0x0 under QEMU and passes when its
# "[p256] ..." result line matches PATTERN (an extended regular expression).
# The programs print their lines and reset (-no-reboot ends the run).
#
#   p256_check.sh FW_DIR PROGRAM PATTERN
#
# Exit status 77 (skipped, with the reason) when qemu-system-arm is missing or
# the firmware build has no PROGRAM.elf.
set -eu
[ $# -eq 3 ] || { echo "usage: $0 FW_DIR PROGRAM PATTERN" >&2; exit 2; }
fw=$1 program=$2 pattern=$3
command -v qemu-system-arm >/dev/null 2>&1 || { echo "SKIP: qemu-system-arm not found"; exit 77; }
elf="$fw/$program.elf"
if [ ! -f "$elf" ]; then
  if [ -f "$fw/SKIP" ]; then
    echo "SKIP: no firmware build: $(cat "$fw/SKIP")"
  else
    case "$program" in
      p256-vectors-*) echo "SKIP: $elf not built (it needs the shared Wycheproof vectors)" ;;
      *) echo "SKIP: $elf not built" ;;
    esac
  fi
  exit 77
fi
out=$(timeout 600 qemu-system-arm -M mps2-an385 -kernel "$elf" -nographic -nic none -no-reboot \
  </dev/null 2>/dev/null | tr -d '\r' | grep '^\[p256\]' || true)
printf '%s\n' "$out"
if printf '%s\n' "$out" | grep -Eq "$pattern"; then
  echo "$program: ok"
else
  echo "$program: FAILED (no line matching '$pattern')"
  exit 1
fi
