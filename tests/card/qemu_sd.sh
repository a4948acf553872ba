#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The SD driver and FAT code on QEMU's lm3s6965evb, against QEMU's own SD
# card (SSI0, chip select GPIO D0): cards are made at test time by mkfs.fat
# and mcopy (image sizes a power of two, as QEMU requires), the firmware
# lists them, reports update.bin and writes a file, the host checks what it
# printed and what it wrote (mtype, fsck.fat -n).
#
#   tests/card/qemu_sd.sh SCENARIO FW_DIR WORK_DIR
#
# Scenarios: sdsc (64 MiB FAT16, byte addressing), sdhc (4 GiB sparse FAT32,
# block addressing), fat12 (1 MiB), nocard (no -drive), nofs (a blank card),
# empty (FAT, no update.bin).
# Exit 77 (skip) without qemu-system-arm, dosfstools/mtools or the firmware.
set -euo pipefail

scenario=$1 fw=$2 work=$3
elf=$fw/ferry-lm3s-card.elf
skip() { echo "SKIP: $*"; exit 77; }
die() { echo "FAILED: $*" >&2; exit 1; }
command -v qemu-system-arm >/dev/null || skip "qemu-system-arm not installed"
for tool in mkfs.fat mcopy mtype fsck.fat; do
  command -v "$tool" >/dev/null || skip "$tool not installed (dosfstools, mtools)"
done
[ ! -f "$fw/SKIP" ] || skip "$(cat "$fw/SKIP")"
[ -f "$elf" ] || skip "firmware not built ($elf)"

rm -rf "$work" && mkdir -p "$work"
card=$work/card.img

# run [CARD]: one power-on; the console text lands in $OUT.
run() {
  local drive=()
  [ $# -eq 0 ] || drive=(-drive "if=sd,format=raw,file=$1")
  OUT=$(timeout 60 qemu-system-arm -M lm3s6965evb -nographic -nic none -no-reboot \
          -icount shift=0,align=off,sleep=off -kernel "$elf" "${drive[@]}" </dev/null 2>&1) ||
    die "qemu failed: $OUT"
  printf '%s\n' "$OUT" | grep -v -e 'has no peer' -e 'period zero' | sed 's/^/   /'
}
expect() { grep -qF -- "$1" <<<"$OUT" || die "expected console line: $1"; }
fnv1a() { python3 -c '
import sys
h = 2166136261
for b in open(sys.argv[1], "rb").read():
    h = ((h ^ b) * 16777619) & 0xFFFFFFFF
print("%08x" % h)' "$1"; }
first16() { od -An -tx1 -N16 "$1" | tr -s ' \n' ' ' | sed 's/^ *//; s/ *$//'; }

# full SIZE MKFS_ARGS...: a card with update.bin and a subdirectory; checks
# everything the firmware reports and writes.
full() {
  local size=$1; shift
  truncate -s "$size" "$card"
  mkfs.fat "$@" "$card" >/dev/null
  head -c 70001 /dev/urandom >"$work/update.bin"
  mcopy -i "$card" "$work/update.bin" ::update.bin
  mmd -i "$card" ::firmware
  run "$card"
  expect "[sd] multi-block read matches single-block reads"
  expect "[sd] multi-block write read back, old contents restored"
  expect "[fat]   UPDATE.BIN 70001"
  expect "[fat]   FIRMWARE <dir>"
  expect "[card] update.bin: 70001 bytes, first bytes: $(first16 "$work/update.bin")"
  expect "[card] update.bin fnv1a32: $(fnv1a "$work/update.bin")"
  expect "[fat] wrote ferry.txt (3000 bytes) and read it back"
  expect "[lm3s] done: ok"
  mtype -i "$card" ::ferry.txt >"$work/ferry.txt"
  [ "$(wc -c <"$work/ferry.txt")" = 3000 ] || die "ferry.txt as mtools reads it is not 3000 bytes"
  fsck.fat -n "$card" >"$work/fsck.txt" 2>&1 || die "fsck.fat: $(cat "$work/fsck.txt")"
  mcopy -n -i "$card" ::update.bin "$work/back.bin"
  cmp -s "$work/back.bin" "$work/update.bin" || die "update.bin changed on the card"
}

case $scenario in
  sdsc)
    full 64M -F 16
    expect "[sd] card: SDSC v2, 131072 blocks (64 MiB)"
    expect "[fat] FAT16 volume mounted" ;;
  sdhc)
    full 4G -F 32
    expect "[sd] card: SDHC/SDXC, 8388608 blocks (4096 MiB)"
    expect "[fat] FAT32 volume mounted" ;;
  fat12)
    full 1M -F 12
    expect "[sd] card: SDSC v2, 2048 blocks (1 MiB)"
    expect "[fat] FAT12 volume mounted" ;;
  nocard)
    run
    expect "[sd] no usable card: no sd card"
    expect "[lm3s] stopped: no sd card" ;;
  nofs)
    truncate -s 4M "$card"
    run "$card"
    expect "[fat] cannot mount: no fat filesystem"
    cmp -s "$card" <(head -c $((4 * 1024 * 1024)) /dev/zero) || die "the blank card was written"
    ;;
  empty)
    truncate -s 8M "$card"
    mkfs.fat -F 12 "$card" >/dev/null
    run "$card"
    expect "[card] no update.bin on the card"
    expect "[lm3s] done: ok" ;;
  *) die "unknown scenario $scenario" ;;
esac
echo "ok   qemu.sd_$scenario"
echo "1 passed, 0 failed"
