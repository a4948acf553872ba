#!/usr/bin/env bash
# The update story on the simulated device, step by step, checking every step.
# Used by scripts/demo.sh (the README's demo) and by the test suite.
#
#   scripts/sim-story.sh BUILD_DIR WORK_DIR SIGNING_KEY
#
# BUILD_DIR holds the built ferry, ferry-sim and sample apps; the simulated
# bootloader in it must trust SIGNING_KEY. WORK_DIR is emptied and reused.
set -euo pipefail

build=$1 work=$2 key=$3
ferry=$build/tools/ferry/ferry
sim=$build/port/sim/ferry-sim
apps=$build/port/sim
id=(--vendor example.com --device-class ferry-sim-device)

if [ -t 1 ]; then B=$'\e[1m' G=$'\e[32m' R=$'\e[31m' N=$'\e[0m'; else B="" G="" R="" N=""; fi
step=0
say() { step=$((step + 1)); printf '\n%s== %d. %s%s\n' "$B" "$step" "$*" "$N"; }
ok() { printf '%s   ok: %s%s\n' "$G" "$*" "$N"; }
die() { printf '%s   FAILED: %s%s\n' "$R" "$*" "$N" >&2; exit 1; }
# Runs the device and requires every given text in its console output.
device() {
  local out
  out=$("$sim" --dir "$work/device" run --watchdog-ms 700 | tee /dev/stderr) || die "ferry-sim exited with an error"
  shift 0
  DEVICE_OUT=$out
}
expect() { grep -qF -- "$1" <<<"$DEVICE_OUT" || die "expected console line: $1"; }
reject() { ! grep -qF -- "$1" <<<"$DEVICE_OUT" || die "unexpected console line: $1"; }

rm -rf "$work" && mkdir -p "$work/device" "$work/images"

say "Build three releases of the sample application and sign them"
for v in 1.0.0 2.0.0 3.0.0; do
  tag=${v//./_}
  # Debug info is not needed on the device; the signature covers the stripped binary.
  objcopy --strip-debug "$apps/sample_app_$tag" "$work/images/app-$v.bin"
  "$ferry" sign -k "$key" --version "$v" --security-counter 1 "${id[@]}" --name "sample $v" \
    "$work/images/app-$v.bin" "$work/images/app-$v.img"
done
"$ferry" verify -k "$key" "${id[@]}" "$work/images/app-2.0.0.img"
ok "v1, v2, v3 signed; v2 verifies on the host"

say "Factory: program v1 into the primary slot and power on"
"$sim" --dir "$work/device" flash primary "$work/images/app-1.0.0.img"
device
expect "[app] hello from the Ferry sample application v1.0.0"
ok "v1 runs"

say "An attacker stages a tampered v2 (one payload byte changed after signing)"
cp "$work/images/app-2.0.0.img" "$work/images/tampered.img"
printf '\x5a' | dd of="$work/images/tampered.img" bs=1 seek=4096 conv=notrunc status=none
if "$ferry" verify -k "$key" "${id[@]}" "$work/images/tampered.img" 2>"$work/verify.err"; then
  die "ferry verify accepted a tampered image"
fi
echo "   ferry verify says: $(cat "$work/verify.err")"
"$sim" --dir "$work/device" flash staging "$work/images/tampered.img"
device
expect "image rejected: image digest mismatch"
expect "[app] hello from the Ferry sample application v1.0.0"
reject "installing"
ok "the bootloader refused it; v1 still runs"

say "The vendor stages the real v2: the next power-on installs it on trial"
"$sim" --dir "$work/device" flash staging "$work/images/app-2.0.0.img"
device
expect "installing v2.0.0"
expect "runs on trial"
expect "[app] hello from the Ferry sample application v2.0.0"
expect "passed, image confirmed"
ok "v2 installed, ran its self-test and confirmed itself"

say "Power cycle: v2 is confirmed and stays"
device
expect "[app] hello from the Ferry sample application v2.0.0"
expect "[app] image is confirmed"
reject "revert"
ok "v2 runs again, no revert"

say "v3 has a fatal bug: it hangs before confirming"
"$sim" --dir "$work/device" flash staging "$work/images/app-3.0.0.img"
device
expect "installing v3.0.0"
expect "it hangs before confirming"
expect "watchdog: not fed"
expect "reverting to the previous image"
expect "[app] hello from the Ferry sample application v2.0.0"
ok "the watchdog reset the device and the bootloader restored v2"

say "Power cycle: the failed v3 is not tried again"
device
expect "failed its trial before"
expect "[app] hello from the Ferry sample application v2.0.0"
ok "v2 keeps running"

printf '\n%sSummary%s\n' "$B" "$N"
echo "  - a tampered update was refused before a single byte of the running image changed"
echo "  - a good update was verified once, swapped in, ran on trial and confirmed itself"
echo "  - a broken update was caught by the watchdog and reverted automatically"
echo "  - the device ran a correctly signed image at every power-on"
