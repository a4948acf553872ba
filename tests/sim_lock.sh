#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The counter store is write-locked at the handover (port/sim/sim_device.c):
# a hostile application's erase/program/advance there fail with
# FERRY_E_LOCKED and change nothing, while the bootloader still writes the
# store on the next power cycle.
#   tests/sim_lock.sh BUILD_DIR WORK_DIR SIGNING_KEY LOCK_APP
set -euo pipefail
build=$1 work=$2 key=$3 app=$4
ferry=$build/tools/ferry/ferry
sim=$build/port/sim/ferry-sim
id=(--vendor example.com --device-class ferry-sim-device)
locked="flash region write-locked until reset"
die() { echo "FAILED: $*" >&2; exit 1; }
# The demo board's counter store: internal flash, 8 KiB at 80 KiB.
store() { dd if="$work/dev/internal.bin" bs=1024 skip=80 count=8 status=none | sha256sum; }

rm -rf "$work" && mkdir -p "$work/dev"
objcopy --strip-debug "$app" "$work/app.bin"
for n in 1 2; do
  "$ferry" sign --raw -k "$key" --version "$n.0.0" --security-counter "$n" "${id[@]}" \
    "$work/app.bin" "$work/app-$n.img" >/dev/null
done

"$sim" --dir "$work/dev" flash primary "$work/app-1.img" >/dev/null
s0=$(store)
"$sim" --dir "$work/dev" boot >"$work/boot.txt"   # the bootloader alone: raises the minimum to 1
s1=$(store)
[ "$s0" != "$s1" ] || die "the bootloader did not write the counter store"

check_run() {
  "$sim" --dir "$work/dev" run --cycles 1 >"$work/run.txt" 2>&1 || die "ferry-sim failed: $(cat "$work/run.txt")"
  cat "$work/run.txt"
  for what in "erase counter store" "program counter store" "advance counter"; do
    grep -qF "[lock-app] $what: $locked" "$work/run.txt" || die "$what was not refused as locked"
  done
  grep -qF "[lock-app] counter store unchanged: yes" "$work/run.txt" || die "the store changed"
  grep -qF "[lock-app] erase staging sector: ok" "$work/run.txt" || die "the control erase failed"
}
check_run
[ "$(store)" = "$s1" ] || die "the application changed the counter store"

# Next power cycle: a newer image (counter 2), the lock is gone for the
# bootloader, which raises the minimum; the application is locked out again.
"$sim" --dir "$work/dev" flash primary "$work/app-2.img" >/dev/null
check_run
s2=$(store)
[ "$s2" != "$s1" ] || die "the bootloader could not write the counter store after the reset"
grep -qF "minimum security counter is now 2" "$work/run.txt" || die "the bootloader did not raise the minimum to 2"
echo "sim.lock: ok"
