#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Tool oracle, a full volume: Ferry writes one file until the volume has no
# cluster left (FERRY_E_FAT_FULL, the refused write changing nothing), and
# fills the fixed FAT12/16 root directory (made small: mkfs.fat -r 32) until no slot is left. fsck.fat -n
# passes each time, mtype reads the file back, and removing it frees every
# cluster again (the FAT32 FSInfo free count kept right throughout).
#
#   full.sh FAT_TOOL WORK_DIR BITS:SPC:SIZE_KB...
set -u
TOOL=$(realpath "$1") WORK=$(realpath -m "$2")
shift 2
. "$(dirname "$0")/lib.sh"
fat_need_tools
mkdir -p "$WORK" && cd "$WORK" || exit 1

for spec in "$@"; do
  IFS=: read -r bits spc kb <<< "$spec"
  img=$WORK/full-$bits-$spc.img
  label="FAT$bits -s $spc"
  fat_mkimg "$img" "$bits" "$spc" "$kb" 0 || continue
  "$TOOL" gen 1 1000 > small.bin
  mcopy -i "$MT" small.bin ::/before.bin || fail "mcopy"
  read -r used0 total < <(fat_clusters "$img" 0)

  # Chunks of a cluster and a half: the last one does not fit.
  chunk=$((CB + CB / 2 + 7))
  held=$("$TOOL" "$img" fill /fill.bin 5 "$chunk")
  if [ $? -eq 0 ]; then pass; else fail "$label: fill did not end in FERRY_E_FAT_FULL"; fi
  fat_fsck "$img" 0 "$label: filling the volume"
  "$TOOL" gen 5 "$held" > fill.ref
  if mtype -i "$MT" ::/fill.bin | cmp -s - fill.ref; then pass; else fail "$label: mtype of the full file"; fi
  read -r used total < <(fat_clusters "$img" 0)
  free=$((total - used))
  need=$(( (held + chunk + CB - 1) / CB - (held + CB - 1) / CB ))
  if [ "$free" -lt "$need" ]; then pass
  else fail "$label: $free clusters free, yet a write needing $need was refused"; fi
  # Half clusters into a second file use up the last clusters exactly.
  if "$TOOL" "$img" fill /fill2.bin 6 $((CB / 2)) >/dev/null; then pass; else fail "$label: second fill"; fi
  read -r used total < <(fat_clusters "$img" 0)
  if [ "$used" -eq "$total" ]; then pass; else fail "$label: $used of $total clusters used when full"; fi
  fat_expect_error -71 "$label: a file on a full volume" "$TOOL" "$img" put /more.bin small.bin
  fat_fsck "$img" 0 "$label: a refused write"
  "$TOOL" "$img" rm /fill2.bin || fail "$label: rm /fill2.bin"
  "$TOOL" "$img" rm /more.bin || fail "$label: rm /more.bin"
  "$TOOL" "$img" rm /fill.bin || fail "$label: rm /fill.bin"
  fat_fsck "$img" 0 "$label: removing the full file"
  read -r used total < <(fat_clusters "$img" 0)
  if [ "$used" -eq "$used0" ]; then pass; else fail "$label: $used clusters used after rm, $used0 before"; fi
  if mtype -i "$MT" ::/before.bin | cmp -s - small.bin; then pass; else fail "$label: before.bin changed"; fi

  # The fixed root directory (FAT12/16) does not grow.
  if [ "$bits" != 32 ]; then
    fat_mkimg "$img" "$bits" "$spc" "$kb" 0 -r 32 || continue
    slots=$(od -An -tu2 -j17 -N2 "$img" | tr -d ' ') made=0 # mkfs.fat may round up
    for i in $(seq 1 $((slots + 1))); do
      "$TOOL" "$img" put "/R$i.BIN" small.bin 2>/dev/null && made=$((made + 1))
    done
    if [ "$made" -eq "$slots" ]; then pass; else fail "$label: $made files in a root of $slots slots"; fi
    fat_expect_error -71 "$label: a file in a full root" "$TOOL" "$img" put /LAST.BIN small.bin
    fat_fsck "$img" 0 "$label: a full root directory"
    if mtype -i "$MT" ::/R$slots.BIN | cmp -s - small.bin; then pass; else fail "$label: mtype R$slots.BIN"; fi
  fi
  rm -f "$img"
done
fat_done
