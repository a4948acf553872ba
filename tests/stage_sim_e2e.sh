#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# An update without HTTP on the simulated device: the sample application
# reads a signed image from a byte stream (FERRY_SIM_STAGE_FILE, a stand-in
# for a serial line) and stages it with the staging API (ferry/stage.h); the
# bootloader installs it. Also: pieces handed over back to front (any
# order), a pipe instead of a file, and what must be refused (an image
# signed by another key, a truncated one, one for another device class).
#
#   tests/stage_sim_e2e.sh BUILD_DIR WORK_DIR SIGNING_KEY
set -euo pipefail
build=$1 work=$2 key=$3
ferry=$build/tools/ferry/ferry
sim=$build/port/sim/ferry-sim
apps=$build/port/sim
id=(--vendor example.com --device-class ferry-sim-device)
fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf "$work" && mkdir -p "$work/images"

for v in 1.0.0 2.0.0; do
  objcopy --strip-debug "$apps/sample_app_${v//./_}" "$work/images/app-$v.bin"
  "$ferry" sign --raw -k "$key" --version "$v" --security-counter 1 "${id[@]}" \
    "$work/images/app-$v.bin" "$work/images/app-$v.img" >/dev/null
done
"$ferry" keygen -k "$work/other.pem" >/dev/null
"$ferry" sign --raw -k "$work/other.pem" --version 2.0.0 --security-counter 1 "${id[@]}" \
  "$work/images/app-2.0.0.bin" "$work/images/other-key.img" >/dev/null
"$ferry" sign --raw -k "$key" --version 2.0.0 --security-counter 1 --vendor example.com \
  --device-class another-device "$work/images/app-2.0.0.bin" "$work/images/other-class.img" >/dev/null
head -c 5000 "$work/images/app-2.0.0.img" >"$work/images/truncated.img"

# run NAME FILE [ENV...]: a fresh device with v1, powered on with the stream.
run() {
  local name=$1 file=$2; shift 2
  rm -rf "$work/$name" && mkdir -p "$work/$name"
  "$sim" --dir "$work/$name" flash primary "$work/images/app-1.0.0.img" >/dev/null
  env FERRY_SIM_STAGE_FILE="$file" "$@" "$sim" --dir "$work/$name" run --watchdog-ms 700 --cycles 4 \
    >"$work/$name.txt" 2>&1 || { cat "$work/$name.txt"; fail "$name: ferry-sim exited with an error"; }
  OUT=$(cat "$work/$name.txt")
}
expect() { grep -qF -- "$1" <<<"$OUT" || { echo "$OUT"; fail "$2: expected '$1'"; }; }
reject() { ! grep -qF -- "$1" <<<"$OUT" || { echo "$OUT"; fail "$2: unexpected '$1'"; }; }

run in-order "$work/images/app-2.0.0.img"
expect "[app] stage: receiving" in-order
expect "[app] stage: v2.0.0 verified and marked for install" in-order
expect "[app] hello from the Ferry sample application v2.0.0" in-order
expect "passed, image confirmed" in-order
echo "ok   in order, 64-byte pieces: v2 staged, installed, confirmed"

run any-order "$work/images/app-2.0.0.img" FERRY_SIM_STAGE_ANY_ORDER=1 FERRY_SIM_STAGE_CHUNK=1000
expect "(any order, 1000-byte pieces)" any-order
expect "[app] hello from the Ferry sample application v2.0.0" any-order
echo "ok   any order, back to front: v2 installed"

mkfifo "$work/serial"
( cat "$work/images/app-2.0.0.img" >"$work/serial" ) &
# A FIFO has no size: the sample needs one, so it refuses; the feeder is released.
run fifo "$work/serial"
expect "[app] stage: cannot read" fifo
reject "application v2.0.0" fifo
wait || true
echo "ok   a stream without a size is refused before anything is written"

for bad in other-key other-class truncated; do
  run "$bad" "$work/images/$bad.img"
  expect "[app] stage: refused:" "$bad"
  expect "nothing is staged" "$bad"
  reject "application v2.0.0" "$bad"
  expect "[app] hello from the Ferry sample application v1.0.0" "$bad"
  echo "ok   $bad: refused ($(grep -o 'refused: [^;]*' <<<"$OUT")), v1 keeps running"
done
