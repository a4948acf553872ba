#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Ferry's own P-256 verifier (docs/p256.md) against BearSSL's on the
# mps2-an385 (Cortex-M3) under QEMU, from a firmware build
# (scripts/firmware-build.sh; port/mps2-an385/p256.cmake adds the *-own*
# programs). For each P-256 code it prints one markdown table row:
#   - instructions of one ferry_p256_verify() (bench-verify-CODE, timed with
#     the CMSDK timer under QEMU -icount shift=0: 1 instruction per ns, 40
#     per 25 MHz tick, as bench/footprint.sh does);
#   - flash (text + data) of the bootloader without a console
#     (ferry-boot-silent-CODE) and its difference to p256m31's;
#   - the bootloader's stack high-water mark (ferry-boot-uart-CODE, measured
#     by the demo application) after a plain boot and an update boot.
# Then, when the firmware build has them (the shared Wycheproof vectors were
# there), the verdicts of p256-vectors-CODE: every Wycheproof P-256 case on
# the target.
#
#   bench/p256_target.sh FW_DIR
#
# Exit status 77 when qemu is missing.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 FW_DIR" >&2; exit 2; }
command -v qemu-system-arm >/dev/null 2>&1 || { echo "SKIP: qemu-system-arm not found"; exit 77; }
fw=$(cd "$1" && pwd)
# shellcheck disable=SC1091
. "$fw/layout.env"
ferry=$(sed -n 's/^FERRY_TOOL:FILEPATH=//p' "$fw/CMakeCache.txt")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
flash="$work/flash.img"

merge() {
  "$ferry" merge --into "$flash" --flash-size "$BOARD_FLASH_SIZE" \
    --sector-size "$BOARD_SECTOR_SIZE" --flash-base "$BOARD_FLASH_BASE" \
    --vector-align "$BOARD_VECTOR_ALIGN" \
    --primary "$BOARD_PRIMARY_OFF:$BOARD_PRIMARY_SIZE" \
    --staging "$BOARD_STAGING_OFF:$BOARD_STAGING_SIZE" \
    --status "$BOARD_STATUS_OFF:$BOARD_STATUS_SIZE" "$@" >/dev/null
}
boot() {
  timeout 120 qemu-system-arm -M mps2-an385,memory-backend=pf \
    -object "memory-backend-file,id=pf,size=$BOARD_FLASH_SIZE,mem-path=$flash,share=on" \
    -kernel "$1" -nographic -nic none -no-reboot -icount shift=0,align=off,sleep=off \
    </dev/null 2>/dev/null | tr -d '\r'
}
hwm() { sed -n 's/^\[app\] bootloader stack high-water mark: \([0-9]*\) of.*/\1/p' | tail -n 1; }
field() { sed -n "s/^\[bench\] $1 .*instructions=\([0-9]*\) ok$/\1/p"; }
flash_of() { arm-none-eabi-size "$1" | awk 'NR == 2 {print $1 + $2}'; }

base=$(flash_of "$fw/ferry-boot-silent-p256m31.elf")
echo "| P-256 code | instructions per verify | boot flash, no console | vs p256m31 | stack, plain boot | stack, update boot |"
echo "|---|---:|---:|---:|---:|---:|"
for c in own own-notable own-loop own-small own-asm p256m31 p256m15 prime31 prime15; do
  merge --primary-image "$fw/app-v1.img"
  sig=$(boot "$fw/bench-verify-$c.elf" | field p256_verify)
  plain=$(boot "$fw/ferry-boot-uart-$c.elf" | hwm)
  merge --staging-image "$fw/app-v2.img"
  update=$(boot "$fw/ferry-boot-uart-$c.elf" | hwm)
  rm -f "$flash"
  size=$(flash_of "$fw/ferry-boot-silent-$c.elf")
  if [ -z "$sig" ] || [ -z "$plain" ] || [ -z "$update" ]; then
    echo "p256_target: $c failed" >&2
    exit 1
  fi
  printf '| %s | %d | %d | %+d | %d | %d |\n' "$c" "$sig" "$size" $((size - base)) "$plain" "$update"
done

for c in own own-small own-asm p256m31; do
  elf="$fw/p256-vectors-$c.elf"
  [ -f "$elf" ] || continue
  line=$(timeout 600 qemu-system-arm -M mps2-an385 -kernel "$elf" -nographic -nic none -no-reboot \
    -icount shift=0,align=off,sleep=off </dev/null 2>/dev/null | tr -d '\r' | grep '^\[p256\] wycheproof')
  echo "p256-vectors-$c: ${line:-FAILED}"
done
