#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The simulator's "stm32f4-ref" board must be this port's layout: compares
# the numbers of layout.cmake with what `ferry-sim --help` prints for the
# board (port/sim/sim_board.c). Used by the stm32f4.sim_layout test:
#   check-sim-layout.sh FERRY_SIM LAYOUT_CMAKE
set -eu
sim=${1:?usage: check-sim-layout.sh FERRY_SIM LAYOUT_CMAKE}
layout=${2:?usage: check-sim-layout.sh FERRY_SIM LAYOUT_CMAKE}

# The value of set(NAME value) in layout.cmake; a plain number is itself.
num() {
  case "$1" in
  [0-9]*) echo "$1" ;;
  *)
    v=$(sed -n "s/^set($1  *\([0-9A-Fa-fx]*\).*/\1/p" "$layout")
    [ -n "$v" ] || { echo "FAIL: no $1 in $layout" >&2; exit 1; }
    echo "$v"
    ;;
  esac
}
val() {
  off=$(num "$1") size=$(num "$2")
  printf '0x%06x +0x%06x' $((off)) $((size))
}
board=$("$sim" --help 2>&1 | sed -n '/^  stm32f4-ref:/,/^  [^ ]/p')
[ -n "$board" ] || { echo "FAIL: ferry-sim has no stm32f4-ref board"; exit 1; }
echo "$board"
bad=0
expect() {
  line="$1 $2 $(val "$3" "$4")"
  if ! echo "$board" | grep -q "^    $line "; then
    echo "FAIL: expected '$line' (from $3, $4 in layout.cmake)"
    bad=1
  fi
}
expect "boot    " internal 0 BOARD_BOOT_SIZE
expect "primary " internal BOARD_PRIMARY_OFF BOARD_PRIMARY_SIZE
expect "staging " external BOARD_STAGING_OFF BOARD_STAGING_SIZE
expect "status  " external BOARD_STATUS_OFF BOARD_STATUS_SIZE
expect "counter " internal BOARD_COUNTER_OFF BOARD_COUNTER_SIZE
echo "$board" | grep -q "device 0: stm32f4 (internal)" || { echo "FAIL: internal device is not stm32f4"; bad=1; }
echo "$board" | grep -q "device 1: w25q128 (external)" || { echo "FAIL: external device is not w25q128"; bad=1; }
[ "$bad" -eq 0 ] || exit 1
echo "PASS: stm32f4-ref matches port/stm32f4/layout.cmake"
