#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The card flow on the simulated device, end to end: cards made by mkfs.fat
# and mcopy, inserted with ferry-sim --card, the device powered on.
#
#   tests/card/sim_e2e.sh BUILD_DIR WORK_DIR SIGNING_KEY
#
# BUILD_DIR holds the built ferry, ferry-sim and sample apps; ferry-sim
# trusts SIGNING_KEY. Bad cards (none, empty, no FAT, junk update.bin,
# wrong device class, older image) leave v1 running and the card byte for
# byte unchanged; a card with a signed v2 installs it (trial, confirm) and
# its update.bin becomes update.old, and fsck.fat finds the card clean.
# Exit 77 (skip) without mkfs.fat/mcopy/fsck.fat.
set -euo pipefail

build=$1 work=$2 key=$3
ferry=$build/tools/ferry/ferry
sim=$build/port/sim/ferry-sim
apps=$build/port/sim
id=(--vendor example.com --device-class ferry-sim-device)

for tool in mkfs.fat mcopy mdir fsck.fat; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed (dosfstools, mtools)"; exit 77; }
done
die() { echo "FAILED: $*" >&2; exit 1; }
pass=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }

rm -rf "$work" && mkdir -p "$work/device" "$work/images"
for v in 1.0.0 2.0.0; do
  tag=${v//./_}
  objcopy --strip-debug "$apps/sample_app_$tag" "$work/images/app-$v.bin"
  "$ferry" sign --raw -k "$key" --version "$v" "${id[@]}" --name "sample $v" \
    "$work/images/app-$v.bin" "$work/images/app-$v.img" >/dev/null
done
"$ferry" sign --raw -k "$key" --version 2.0.0 --vendor example.com --device-class other-device \
  "$work/images/app-2.0.0.bin" "$work/images/wrong-class.img" >/dev/null
"$ferry" sign --raw -k "$key" --version 0.9.0 "${id[@]}" \
  "$work/images/app-1.0.0.bin" "$work/images/older.img" >/dev/null
head -c 30000 /dev/urandom >"$work/images/junk.bin"

# card NAME [FILE]: a 4 MiB FAT card, with FILE copied to it as update.bin.
card() {
  local img=$work/$1.img
  mkfs.fat -C -n FERRYCARD "$img" 4096 >/dev/null
  [ $# -lt 2 ] || mcopy -i "$img" "$2" ::update.bin
  echo "$img"
}
# boot CARD: power the device on once with the card inserted; the console
# text lands in $OUT.
boot() {
  OUT=$("$sim" --dir "$work/device" --card "$1" run --cycles 4 --watchdog-ms 2000) ||
    die "ferry-sim failed: $OUT"
  printf '%s\n' "$OUT" | sed 's/^/   /'
}
expect() { grep -qF -- "$1" <<<"$OUT" || die "expected console line: $1"; }
reject() { ! grep -qF -- "$1" <<<"$OUT" || die "unexpected console line: $1"; }
# refused CARD LINE: v1 keeps running, the card is untouched, LINE was printed.
refused() {
  cp "$1" "$work/before.img"
  boot "$1"
  expect "$2"
  expect "[app] hello from the Ferry sample application v1.0.0"
  reject "installing"
  cmp -s "$1" "$work/before.img" || die "the card was modified"
}

"$sim" --dir "$work/device" flash primary "$work/images/app-1.0.0.img" >/dev/null

boot "$work/no-such-card.img"
expect "[card] cannot open the card image"
expect "[app] hello from the Ferry sample application v1.0.0"
ok "no card: v1 runs"

refused "$(card empty)" "[card] no update.bin on the card"
ok "empty card: v1 runs, card unchanged"

blank=$work/blank.img
head -c $((4 * 1024 * 1024)) /dev/zero >"$blank"
refused "$blank" "[card] cannot use the card: no fat filesystem"
ok "card without a filesystem: v1 runs, card unchanged"

bad=$(card badfat "$work/images/app-2.0.0.img")
printf '\x00\x00\x00' | dd of="$bad" bs=1 seek=11 conv=notrunc status=none # bytes per sector 0
refused "$bad" "[card] cannot use the card:"
ok "corrupt boot sector: v1 runs, card unchanged"

refused "$(card junk "$work/images/junk.bin")" "[card] update.bin is not a valid image: no image magic"
ok "update.bin that is not an image: v1 runs, card unchanged"

refused "$(card class "$work/images/wrong-class.img")" "refused: image device class mismatch"
ok "image for another device class: v1 runs, card unchanged"

refused "$(card older "$work/images/older.img")" "refused: image version not newer"
ok "older image: v1 runs, card unchanged"

good=$(card good "$work/images/app-2.0.0.img")
boot "$good"
expect "[card] update.bin: v2.0.0 verified and staged; marked as update.old"
expect "installing v2.0.0"
expect "[app] hello from the Ferry sample application v2.0.0"
expect "passed, image confirmed"
mdir -i "$good" -b :: >"$work/dir.txt"
grep -qi "update.old" "$work/dir.txt" || die "update.old missing: $(cat "$work/dir.txt")"
! grep -qi "update.bin" "$work/dir.txt" || die "update.bin still there"
mcopy -i "$good" ::update.old "$work/back.img"
cmp -s "$work/back.img" "$work/images/app-2.0.0.img" || die "update.old differs from the image"
fsck.fat -n "$good" >"$work/fsck.txt" 2>&1 || die "fsck.fat: $(cat "$work/fsck.txt")"
ok "card with v2: installed, trial confirmed, update.bin renamed update.old, fsck clean"

boot "$good"
expect "[card] no update.bin on the card"
expect "[app] hello from the Ferry sample application v2.0.0"
expect "[app] image is confirmed"
ok "the next boot: v2 runs, nothing applied twice"

echo "$pass passed, 0 failed"
