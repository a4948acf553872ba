#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Tool oracle, reading: volumes made by mkfs.fat, files put there by mcopy,
# read back by Ferry byte-exact (sequential reads of odd sizes and random
# reads, tests/fat/fat_tool.c "cmp").
#
#   read.sh FAT_TOOL WORK_DIR BITS MBR(0|1) SPC:SIZE_KB...
# One volume per SPC:SIZE_KB (sectors per cluster : volume size).
set -u
TOOL=$(realpath "$1") WORK=$(realpath -m "$2") BITS=$3 MBR=$4
shift 4
. "$(dirname "$0")/lib.sh"
fat_need_tools
mkdir -p "$WORK" && cd "$WORK" || exit 1

# put LOCAL DEST: mcopy LOCAL to the volume as DEST.
put() { mcopy -o -i "$MT" "$1" "::$2" || fail "mcopy $1 ::$2"; }
# check DEST LOCAL: Ferry reads DEST byte-exact, by mtools' name or another spelling.
check() {
  if "$TOOL" "$img" cmp "$1" "$2"; then pass; else fail "$label: Ferry's read of $1 differs from $2"; fi
}

for geometry in "$@"; do
  spc=${geometry%%:*} kb=${geometry#*:}
  img=$WORK/read-$BITS-$spc-$MBR.img
  label="FAT$BITS -s $spc$([ "$MBR" = 1 ] && echo ' (MBR)')"
  fat_mkimg "$img" "$BITS" "$spc" "$kb" "$MBR" || continue
  rm -rf files && mkdir -p files && cd files || exit 1

  # Sizes around the cluster size, a larger file, an empty one.
  "$TOOL" gen 1 100 > small.txt
  "$TOOL" gen 2 "$CB" > one.bin
  "$TOOL" gen 3 $((CB - 1)) > under.bin
  "$TOOL" gen 4 $((CB + 1)) > over.bin
  "$TOOL" gen 5 $((3 * CB + 17)) > multi.bin
  "$TOOL" gen 6 $((4 * CB)) > four.bin
  "$TOOL" gen 7 300000 > big.bin
  : > empty.bin
  for f in small.txt one.bin under.bin over.bin multi.bin four.bin big.bin empty.bin; do
    put "$f" "/$f"
  done
  # Long names: spaces, mixed case, UTF-8, a long extension, four long-name
  # entries; a lowercase 8.3 name mtools stores with case flags.
  cp small.txt "Firmware Update Image v2.bin"
  cp multi.bin "MixedCase.Bin"
  cp over.bin "Grüße aus Zürich.bin"
  cp one.bin "x.verylongextension"
  cp under.bin "a rather long name that needs four entries.dat"
  cp small.txt "UPPER.TXT"
  cp small.txt "lower.txt"
  for f in "Firmware Update Image v2.bin" MixedCase.Bin "Grüße aus Zürich.bin" \
           x.verylongextension "a rather long name that needs four entries.dat" UPPER.TXT lower.txt; do
    put "$f" "/$f"
  done
  # Subdirectories, one with a long name, nested.
  mmd -i "$MT" ::/sub "::/Long Directory Name" "::/Long Directory Name/deeper" || fail "mmd"
  put multi.bin /sub/inner.bin
  put big.bin "/Long Directory Name/deeper/file in a deep directory.bin"
  # A directory of many long names: it spans sectors and clusters, and
  # long-name runs cross their boundaries.
  mmd -i "$MT" ::/many || fail "mmd many"
  for i in $(seq -w 1 60); do cp small.txt "entry number $i of many.txt"; done
  mcopy -i "$MT" entry\ number\ *\ of\ many.txt ::/many/ || fail "mcopy many"
  # A fragmented file: it fills holes left by deleted files.
  for i in 1 2 3 4 5 6; do "$TOOL" gen $((10 + i)) $((2 * CB)) > frag$i; put frag$i /frag$i; done
  mdel -i "$MT" ::/frag2 ::/frag4 || fail "mdel"
  "$TOOL" gen 20 $((5 * CB + 3)) > fragmented.bin
  put fragmented.bin /fragmented.bin
  cd .. || exit 1

  for f in small.txt one.bin under.bin over.bin multi.bin four.bin big.bin empty.bin fragmented.bin \
           frag1 frag3 frag5 frag6; do
    check "/$f" "files/$f"
  done
  check "firmware update image V2.BIN" "files/Firmware Update Image v2.bin"
  check "/MixedCase.Bin" files/MixedCase.Bin
  check "/MIXEDCASE.BIN" files/MixedCase.Bin
  check "/grüße aus zürich.BIN" "files/Grüße aus Zürich.bin"
  check "/X.VERYLONGEXTENSION" files/x.verylongextension
  check "/a rather long name that needs four entries.dat" \
        "files/a rather long name that needs four entries.dat"
  check "UPPER.txt" files/UPPER.TXT
  check "/LOWER.TXT" files/lower.txt
  check "/sub/inner.bin" files/multi.bin
  check "\\SUB\\INNER.BIN" files/multi.bin
  check "/long directory name/DEEPER/File In A Deep Directory.bin" files/big.bin
  for i in 01 30 59 60; do check "/many/Entry Number $i of Many.txt" files/small.txt; done
  # The short aliases mtools gave the long names work too.
  alias=$(mdir -i "$MT" -b ::/many 2>/dev/null | head -1)
  [ -n "$alias" ] || fail "mdir ::/many"
  short=$(mdir -i "$MT" ::/many 2>/dev/null | awk '/entry number 01 of many.txt/ {print $1 "." $2}')
  if [ -n "$short" ]; then check "/many/$short" files/small.txt; else fail "$label: no alias listed"; fi

  # Names that are not there, or not files.
  fat_expect_error -9 "$label: missing file" "$TOOL" "$img" cat /nothing.bin
  fat_expect_error -9 "$label: missing directory" "$TOOL" "$img" cat /nodir/small.txt
  fat_expect_error -9 "$label: a file used as a directory" "$TOOL" "$img" cat /small.txt/x
  fat_expect_error -9 "$label: a prefix of a long name" "$TOOL" "$img" cat "/Firmware Update"
  fat_expect_error -9 "$label: a long name plus a character" "$TOOL" "$img" cat "/MixedCase.Bin2"
  fat_expect_error -3 "$label: a directory" "$TOOL" "$img" cat /sub
  fat_expect_error -3 "$label: dot-dot" "$TOOL" "$img" cat /sub/../small.txt
  rm -f "$img"
done
fat_done
