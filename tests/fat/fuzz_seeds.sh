#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Seeds for fuzz/fuzz_fat.c: small real volumes, made by mkfs.fat with files
# put there by mcopy (or by Ferry, where mtools cannot: a FAT32 volume with
# few clusters), packed by fat_tool (flags, size, the image without its
# trailing zeros). Without dosfstools/mtools the seed directory stays empty
# and the fuzzer starts from nothing.
#
#   fuzz_seeds.sh FAT_TOOL SEED_DIR
set -u
TOOL=$(realpath "$1") OUT=$(realpath -m "$2")
mkdir -p "$OUT"
. "$(dirname "$0")/lib.sh"
for t in mkfs.fat mcopy mmd; do
  command -v "$t" >/dev/null 2>&1 || { echo "fuzz_seeds: $t missing, no FAT seeds"; exit 0; }
done
tmp=$(mktemp -d) && cd "$tmp" || exit 1
trap 'rm -rf "$tmp"' EXIT

"$TOOL" gen 1 100 > small.txt
"$TOOL" gen 2 3000 > multi.bin
cp small.txt "Firmware Update Image.bin"

# populate SPEC: a few files in the root and in a subdirectory.
populate() {
  mcopy -i "$1" small.txt multi.bin "Firmware Update Image.bin" ::/ &&
    mcopy -i "$1" multi.bin ::/update.bin && mmd -i "$1" ::/sub && mcopy -i "$1" small.txt ::/sub/a.txt
}

fat_mkimg fat12.img 12 1 128 0 && populate "$MT" &&
  "$TOOL" pack fat12.img 0 > "$OUT/fat12" && "$TOOL" pack fat12.img 1 > "$OUT/fat12-write"
fat_mkimg fat16.img 16 1 2200 0 && populate "$MT" && "$TOOL" pack fat16.img 1 > "$OUT/fat16-write"
MBR_START=63 fat_mkimg mbr.img 12 2 256 1 && populate "$MT" && "$TOOL" pack mbr.img 0 > "$OUT/mbr12"
fat_mkimg fat32.img 32 1 1024 0 &&
  "$TOOL" fat32.img put /update.bin multi.bin && "$TOOL" fat32.img put /small.txt small.txt &&
  "$TOOL" pack fat32.img 1 > "$OUT/fat32-write"
ls "$OUT" | wc -l | xargs echo "fuzz_seeds: seeds:"
