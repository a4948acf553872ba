#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Power cuts during Ferry's writes, judged by fsck.fat: every operation is
# run once to count the sectors it programs, then once per cut point k
# (the device refuses every program after the first k sectors, as a cut
# would leave it). After each cut:
#  - fsck.fat -n may report only what docs/fat.md says a cut can leave:
#    clusters no file owns (a FAT written before its directory entry), a
#    chain longer than its file's size, FAT copies that differ (copy 0 is the
#    newer), a stale FSInfo free count;
#  - Ferry mounts the card and every file reads as its old contents or as
#    what the operation was writing (a prefix of it while it grows);
#  - Ferry can run the operation again to completion (or finds it done).
#
#   powercut.sh FAT_TOOL WORK_DIR BITS:SPC:SIZE_KB...
set -u
TOOL=$(realpath "$1") WORK=$(realpath -m "$2")
shift 2
. "$(dirname "$0")/lib.sh"
fat_need_tools
mkdir -p "$WORK" && cd "$WORK" || exit 1
cuts=0

# What fsck.fat may say after a cut; anything else fails.
fsck_after_cut() {
  local out rest
  out=$(fsck.fat -n "$1" 2>&1)
  rest=$(printf '%s\n' "$out" | grep -v -E \
    -e '^fsck.fat [0-9]' -e ': [0-9]+ files, [0-9]+/[0-9]+ clusters$' -e '^$' \
    -e '^Leaving filesystem unchanged\.$' -e '^/' \
    -e '^Reclaimed [0-9]+ unused clusters? \([0-9]+ bytes\)' \
    -e '^  File size is [0-9]+ bytes, cluster chain length is > [0-9]+ bytes\.$' \
    -e '^  Truncating file to [0-9]+ bytes\.$' \
    -e '^FATs differ but appear to be intact\.' -e '^  Using first FAT\.$' \
    -e '^Free cluster summary wrong' -e '^  Auto-correcting\.$')
  if [ -n "$rest" ]; then
    fail "$2: fsck.fat -n after the cut:"
    printf '%s\n' "$out" | sed 's/^/    /'
    return 1
  fi
  pass
}

# is_one_of PATH WHAT FILE...: Ferry reads PATH as one of the files, or as a
# prefix of the last one. "absent" among the files allows the file to be gone.
is_one_of() {
  local path=$1 what=$2 f size
  shift 2
  if ! "$TOOL" cut.img cat "$path" > got 2>/dev/null; then
    for f in "$@"; do [ "$f" = absent ] && { pass; return; }; done
    fail "$what: Ferry cannot read $path after the cut"
    return
  fi
  for f in "$@"; do [ "$f" != absent ] && cmp -s got "$f" && { pass; return; }; done
  size=$(stat -c %s got)
  f=${*: -1}
  if [ "$f" != absent ] && [ "$size" -le "$(stat -c %s "$f")" ] && head -c "$size" "$f" | cmp -s - got; then
    pass
  else
    fail "$what: $path holds something else ($size bytes)"
  fi
}

# sweep NAME CHECK OP...: cuts OP at every sector program; CHECK is a
# function run after each cut.
sweep() {
  local name=$1 check=$2 total k out
  shift 2
  cp --sparse=always base.img cut.img
  total=$(FAT_TOOL_COUNT=1 "$TOOL" cut.img "$@" 2>&1 >/dev/null | sed -n 's/^programs //p')
  [ -n "$total" ] && [ "$total" -gt 0 ] || { fail "$label $name: no programs counted"; return; }
  for k in $(seq 0 $((total - 1))); do
    cp --sparse=always base.img cut.img
    out=$(FAT_TOOL_CUT=$k "$TOOL" cut.img "$@" 2>&1 >/dev/null)
    if ! printf '%s' "$out" | grep -q '(-8)'; then
      fail "$label $name, cut at $k of $total: the operation did not report the cut: $out"
      continue
    fi
    cuts=$((cuts + 1))
    fsck_after_cut cut.img "$label $name, cut at $k of $total"
    "$check" "$label $name, cut at $k of $total"
    # Again, to the end (a remove or rename the cut let finish finds no name: -9).
    out=$("$TOOL" cut.img "$@" 2>&1 >/dev/null)
    if [ $? -eq 0 ] || printf '%s' "$out" | grep -q '(-9)'; then pass
    else fail "$label $name, cut at $k of $total: running it again failed: $out"; fi
  done
  echo "ok   $label $name: $total cut points"
}

check_overwrite() { is_one_of /old.bin "$1" old.bin new.bin; }
check_truncate() { is_one_of /old.bin "$1" old.bin short.bin; }
check_append() { is_one_of /old.bin "$1" old.bin appended.bin; }
check_remove() { is_one_of /old.bin "$1" old.bin absent; }
check_create() { is_one_of /sub/NEW.BIN "$1" absent new.bin; }
check_rename() {
  # Before: both names. After: old.bin holds the long-named file's bytes.
  # Between: the replaced file is gone while the source keeps its name.
  local has_long=0 has_old=0
  "$TOOL" cut.img cmp "/Long Name File.bin" long.bin 2>/dev/null && has_long=1
  "$TOOL" cut.img cat /old.bin > got 2>/dev/null && has_old=1
  if [ $has_long = 1 ] && [ $has_old = 1 ] && cmp -s got old.bin; then pass
  elif [ $has_long = 1 ] && [ $has_old = 0 ]; then pass
  elif [ $has_long = 0 ] && [ $has_old = 1 ] && cmp -s got long.bin; then pass
  else fail "$1: long name $has_long, old.bin $has_old: not a state the rename passes through"; fi
}

for spec in "$@"; do
  IFS=: read -r bits spc kb <<< "$spec"
  label="FAT$bits -s $spc"
  fat_mkimg base.img "$bits" "$spc" "$kb" 0 || continue
  "$TOOL" gen 1 $((4 * CB + 100)) > old.bin
  "$TOOL" gen 2 $((6 * CB + 1)) > new.bin
  "$TOOL" gen 3 $((2 * CB)) > long.bin
  "$TOOL" gen 4 $((3 * CB)) > tail.bin
  head -c $((CB + 1)) old.bin > short.bin
  cat old.bin tail.bin > appended.bin
  cp long.bin "Long Name File.bin"
  mcopy -i base.img old.bin "Long Name File.bin" ::/ || fail "mcopy"
  # A subdirectory with its first cluster full: the next create grows it.
  mmd -i base.img ::/sub || fail "mmd"
  rm -rf fill && mkdir fill
  for i in $(seq 1 $((16 * spc - 2))); do : > "fill/F$i"; done
  mcopy -i base.img fill/* ::/sub/ || fail "mcopy fill"
  fat_fsck base.img 0 "$label: the card before the cuts"

  sweep "overwrite bigger" check_overwrite put /old.bin new.bin 1000
  sweep "append" check_append write /old.bin $((4 * CB + 100)) tail.bin
  sweep "truncate" check_truncate truncate /old.bin $((CB + 1))
  sweep "rename over a file" check_rename mv "/Long Name File.bin" /old.bin
  sweep "remove" check_remove rm /old.bin
  sweep "create growing a directory" check_create put /sub/NEW.BIN new.bin 4096
done
echo "$cuts cuts"
fat_done
