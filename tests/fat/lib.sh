# SPDX-License-Identifier: Apache-2.0
# Shared by the FAT tool-oracle scripts (sourced, bash). The real tools are
# the judges: mkfs.fat makes the volumes, mtools puts files on them and reads
# back what Ferry wrote, fsck.fat -n checks every volume Ferry has written.
#
# Callers set: TOOL (fat_tool), WORK (a scratch directory).
# Exit codes: 0 pass, 1 fail, 77 skipped (a tool is missing).

export MTOOLS_SKIP_CHECK=1 LC_ALL=C.UTF-8
PATH=$PATH:/usr/sbin:/sbin

fat_need_tools() {
  for t in mkfs.fat fsck.fat mcopy mtype mdir mmd mdel; do
    if ! command -v "$t" >/dev/null 2>&1; then
      echo "SKIP $(basename "$0"): $t not installed (dosfstools, mtools)"
      exit 77
    fi
  done
}

fat_failures=0
fat_checks=0
fail() { echo "FAIL $*"; fat_failures=$((fat_failures + 1)); }
pass() { fat_checks=$((fat_checks + 1)); }
fat_done() {
  echo "$fat_checks checks passed, $fat_failures failed"
  [ "$fat_failures" -eq 0 ]
}

# MBR partition start used for partitioned cards, in sectors (1 MiB, as
# partitioning tools align).
MBR_START=2048

# le32 VALUE: four little-endian bytes as printf escapes.
le32() {
  printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $((($1 >> 8) & 255)) \
    $((($1 >> 16) & 255)) $((($1 >> 24) & 255))
}

# mbr_write IMG TYPE START COUNT: one primary partition entry and the
# signature, written by hand (the 16-byte entry: status, CHS start, type,
# CHS end, LBA start, sector count; CHS fields say "use LBA").
mbr_write() {
  local entry
  entry="\\x00\\xfe\\xff\\xff$(printf '\\x%02x' "$2")\\xfe\\xff\\xff$(le32 "$3")$(le32 "$4")"
  printf "$entry" | dd of="$1" bs=1 seek=446 conv=notrunc status=none
  printf '\x55\xaa' | dd of="$1" bs=1 seek=510 conv=notrunc status=none
}

# fat_mkimg IMG BITS SPC SIZE_KB MBR(0|1) [mkfs.fat options...]: a fresh
# volume of SIZE_KB, bare or as the first partition of an MBR card. Sets
# MT (the mtools image spec) and CB (cluster bytes).
fat_mkimg() {
  local img=$1 bits=$2 spc=$3 kb=$4 mbr=$5
  shift 5
  rm -f "$img"
  CB=$((spc * 512))
  if [ "$mbr" = 1 ]; then
    truncate -s $((MBR_START * 512 + kb * 1024)) "$img"
    mkfs.fat -F "$bits" -s "$spc" --offset "$MBR_START" "$@" "$img" "$kb" >/dev/null 2>&1 ||
      { fail "mkfs.fat -F $bits -s $spc --offset $MBR_START $img $kb"; return 1; }
    local type=12
    case $bits in 12) type=1 ;; 16) type=6 ;; 32) type=12 ;; esac
    mbr_write "$img" "$type" "$MBR_START" $((kb * 2))
    MT="$img@@$((MBR_START * 512))"
  else
    truncate -s $((kb * 1024)) "$img"
    mkfs.fat -F "$bits" -s "$spc" "$@" "$img" >/dev/null 2>&1 ||
      { fail "mkfs.fat -F $bits -s $spc $img"; return 1; }
    MT="$img"
  fi
}

# fat_fsck IMG MBR WHAT: fsck.fat -n must find nothing to say about the
# volume (bare, or the partition copied out of the card). Its notes about a
# small FAT32 (fewer clusters than Microsoft's minimum) are about mkfs.fat's
# choice, not about the contents, and are let through.
fat_fsck() {
  local img=$1 mbr=$2 what=$3 vol=$1 out rc
  if [ "$mbr" = 1 ]; then
    vol=$img.part
    dd if="$img" of="$vol" bs=512 skip="$MBR_START" conv=sparse status=none
  fi
  out=$(fsck.fat -n "$vol" 2>&1)
  rc=$?
  local rest
  rest=$(printf '%s\n' "$out" | grep -v -e '^fsck.fat [0-9]' -e ': [0-9]* files, [0-9]*/[0-9]* clusters$' \
    -e 'is FAT32 according to fat_length' -e 'but has only [0-9]* clusters' \
    -e 'may lead to problems on some systems')
  [ "$mbr" = 1 ] && rm -f "$vol"
  if [ $rc -ne 0 ] || [ -n "$rest" ]; then
    fail "fsck.fat -n after $what (exit $rc):"
    printf '%s\n' "$out" | sed 's/^/    /'
    return 1
  fi
  pass
}

# fat_clusters IMG MBR: "used total" clusters as fsck.fat counts them.
fat_clusters() {
  local img=$1 mbr=$2 vol=$1
  if [ "$mbr" = 1 ]; then
    vol=$img.part
    dd if="$img" of="$vol" bs=512 skip="$MBR_START" conv=sparse status=none
  fi
  fsck.fat -n "$vol" 2>/dev/null | sed -n 's#.*files, \([0-9]*\)/\([0-9]*\) clusters$#\1 \2#p'
  [ "$mbr" = 1 ] && rm -f "$vol"
}

# fat_expect_error CODE WHAT CMD...: CMD must fail with Ferry error CODE.
fat_expect_error() {
  local code=$1 what=$2 out
  shift 2
  out=$("$@" 2>&1 >/dev/null)
  if [ $? -eq 2 ] && printf '%s' "$out" | grep -q "($code)"; then
    pass
  else
    fail "$what: expected error $code, got: $out"
  fi
}

# fat_same WHAT FILE1 FILE2
fat_same() {
  if cmp -s "$2" "$3"; then pass; else fail "$1: $2 and $3 differ"; fi
}
