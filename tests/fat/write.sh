#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Tool oracle, writing: Ferry creates, overwrites (bigger, smaller, in
# place, past the end), truncates, renames and removes files on volumes made
# by mkfs.fat (next to files mcopy put there); after every operation
# fsck.fat -n has nothing to say, and at the end mtype reads every file
# back byte-exact and mdir lists exactly the files expected.
#
#   write.sh FAT_TOOL WORK_DIR BITS MBR(0|1) SPC:SIZE_KB...
set -u
TOOL=$(realpath "$1") WORK=$(realpath -m "$2") BITS=$3 MBR=$4
shift 4
. "$(dirname "$0")/lib.sh"
fat_need_tools
mkdir -p "$WORK" && cd "$WORK" || exit 1

# ferry WHAT ARGS...: one Ferry operation on the card, then fsck.
ferry() {
  local what=$1
  shift
  if "$TOOL" "$img" "$@"; then pass; else fail "$label: fat_tool $*"; return 1; fi
  fat_fsck "$img" "$MBR" "$label: $what"
}

# expect NAME REF: the volume holds NAME (as mtools spells it) with REF's bytes.
declare -A expected
expect() { expected[$1]=$2; }
gone() { unset "expected[$1]"; }

for geometry in "$@"; do
  spc=${geometry%%:*} kb=${geometry#*:}
  img=$WORK/write-$BITS-$spc-$MBR.img
  label="FAT$BITS -s $spc$([ "$MBR" = 1 ] && echo ' (MBR)')"
  fat_mkimg "$img" "$BITS" "$spc" "$kb" "$MBR" || continue
  expected=()
  rm -rf ref && mkdir ref || exit 1
  g() { "$TOOL" gen "$1" "$2" > "ref/$3"; }

  # What mtools put there first: a long-named file, a plain one, a subdirectory.
  g 1 $((2 * CB + 5)) orig.bin
  g 2 700 plain.bin
  cp ref/orig.bin "ref/Long Name Original.bin"
  mcopy -i "$MT" "ref/Long Name Original.bin" ref/plain.bin ::/ || fail "mcopy"
  mmd -i "$MT" ::/sub || fail "mmd"
  expect "/Long Name Original.bin" "ref/Long Name Original.bin"
  expect /plain.bin ref/plain.bin

  # Create: multi-cluster in odd chunks, exactly two clusters, one cluster
  # in a subdirectory in sector-sized chunks, empty, an uppercase name.
  g 3 $((3 * CB + 5)) new.bin;   ferry "create multi-cluster" put /new.bin ref/new.bin 1000
  g 4 $((2 * CB)) exact.bin;     ferry "create two clusters" put /exact.bin ref/exact.bin 4096
  g 5 "$CB" inner.bin;           ferry "create in subdirectory" put /sub/inner.bin ref/inner.bin 512
  : > ref/empty.dat;             ferry "create empty" put /empty.dat ref/empty.dat
  g 6 3000 UPPER.BIN;            ferry "create uppercase" put /UPPER.BIN ref/UPPER.BIN 3000
  expect /new.bin ref/new.bin; expect /exact.bin ref/exact.bin; expect /sub/inner.bin ref/inner.bin
  expect /empty.dat ref/empty.dat; expect /UPPER.BIN ref/UPPER.BIN

  # Overwrite: bigger (over mtools' file), smaller.
  g 7 $((5 * CB + 3)) plain2.bin; ferry "overwrite bigger" put /plain.bin ref/plain2.bin 7777
  expect /plain.bin ref/plain2.bin
  g 8 100 new2.bin;               ferry "overwrite smaller" put /new.bin ref/new2.bin
  expect /new.bin ref/new2.bin

  # Write into a file: in place across a sector boundary, then past the
  # end (the gap reads as zeros).
  g 9 300 patch1; g 10 700 patch2
  cp ref/exact.bin ref/exact2.bin
  dd if=ref/patch1 of=ref/exact2.bin bs=1 seek=400 conv=notrunc status=none
  ferry "write in place" write /exact.bin 400 ref/patch1
  dd if=ref/patch2 of=ref/exact2.bin bs=1 seek=$((2 * CB + 1000)) conv=notrunc status=none
  ferry "write past the end" write /exact.bin $((2 * CB + 1000)) ref/patch2
  expect /exact.bin ref/exact2.bin
  # Into the empty file: its first cluster.
  ferry "write into an empty file" write /empty.dat 0 ref/patch1
  expect /empty.dat ref/patch1

  # Truncate: shrink to just over a cluster, to zero, grow with zeros.
  head -c $((CB + 1)) ref/plain2.bin > ref/plain3.bin
  ferry "truncate shrink" truncate /plain.bin $((CB + 1)); expect /plain.bin ref/plain3.bin
  : > ref/zero.bin
  ferry "truncate to zero" truncate /sub/inner.bin 0; expect /sub/inner.bin ref/zero.bin
  cp ref/UPPER.BIN ref/upper2.bin && truncate -s $((CB + 3000)) ref/upper2.bin
  ferry "truncate grow" truncate /UPPER.BIN $((CB + 3000)); expect /UPPER.BIN ref/upper2.bin

  # Rename: a plain one, a long-named one (its long name goes), one onto an
  # existing file (replaced), a change of case only.
  ferry "rename" mv /new.bin /renamed.bin
  gone /new.bin; expect /renamed.bin ref/new2.bin
  ferry "rename a long name" mv "/Long Name Original.bin" /short.bin
  gone "/Long Name Original.bin"; expect /short.bin ref/orig.bin
  ferry "rename over a file" mv /short.bin /UPPER.BIN
  gone /short.bin; expect /UPPER.BIN ref/orig.bin
  ferry "rename case" mv /renamed.bin /RENAMED.BIN
  gone /renamed.bin; expect /RENAMED.BIN ref/new2.bin

  # Remove.
  ferry "remove" rm /empty.dat; gone /empty.dat
  ferry "remove in subdirectory" rm /sub/inner.bin; gone /sub/inner.bin

  # Enough files in the subdirectory that it grows by clusters.
  n=$((CB / 32 + 20))
  [ $n -gt 120 ] && n=120
  g 11 600 many.bin
  for i in $(seq 1 $n); do
    "$TOOL" "$img" put "/sub/F$i.BIN" ref/many.bin 600 || fail "$label: create /sub/F$i.BIN"
    expect "/sub/F$i.BIN" ref/many.bin
  done
  fat_fsck "$img" "$MBR" "$label: $n creates in a subdirectory"

  # Refusals leave the volume as it was.
  fat_expect_error -10 "$label: a name that needs a long-name entry" "$TOOL" "$img" put "/a long name.bin" ref/many.bin
  fat_expect_error -9 "$label: create in a missing directory" "$TOOL" "$img" put /nodir/x.bin ref/many.bin
  fat_expect_error -10 "$label: rename into another directory" "$TOOL" "$img" mv /plain.bin /sub/plain.bin
  fat_expect_error -3 "$label: remove a directory" "$TOOL" "$img" rm /sub
  fat_expect_error -9 "$label: remove a missing file" "$TOOL" "$img" rm /nothing.bin
  fat_fsck "$img" "$MBR" "$label: refused operations"

  # mtools after Ferry: it still finds room and a sane volume.
  mcopy -i "$MT" ref/many.bin ::/after.bin || fail "$label: mcopy after Ferry"
  expect /after.bin ref/many.bin
  fat_fsck "$img" "$MBR" "$label: mcopy after Ferry"

  # The judges read everything back.
  for name in "${!expected[@]}"; do
    if mtype -i "$MT" "::$name" | cmp -s - "${expected[$name]}"; then pass
    else fail "$label: mtype ::$name differs from ${expected[$name]}"; fi
    if "$TOOL" "$img" cmp "$name" "${expected[$name]}"; then pass
    else fail "$label: Ferry's read of $name differs"; fi
  done
  listed=$(mdir -i "$MT" -/ -b :: 2>/dev/null | sed 's#^::##' | grep -v '/$' | grep -v '^/sub$' | sort)
  want=$(printf '%s\n' "${!expected[@]}" | sort)
  if [ "$(printf '%s' "$listed" | tr '[:upper:]' '[:lower:]')" = "$(printf '%s' "$want" | tr '[:upper:]' '[:lower:]')" ]; then
    pass
  else
    fail "$label: mdir lists other files than expected"
    diff <(printf '%s\n' "$listed") <(printf '%s\n' "$want") | sed 's/^/    /'
  fi
  rm -f "$img"
done
fat_done
