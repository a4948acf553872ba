#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The update story on the simulated device, over the air, step by step,
# checking every step. Used by scripts/demo.sh (the README's demo) and by the
# test suite (sim.story). Everything runs on 127.0.0.1.
#
#   scripts/sim-story.sh BUILD_DIR WORK_DIR SIGNING_KEY
#
# BUILD_DIR holds the built ferry, ferry-sim and sample apps; the simulated
# bootloader (and the sample apps' agent) in it must trust SIGNING_KEY.
# WORK_DIR is emptied and reused.
set -euo pipefail

build=$1 work=$2 key=$3
ferry=$build/tools/ferry/ferry
sim=$build/port/sim/ferry-sim
apps=$build/port/sim
id=(--vendor example.com --device-class ferry-sim-device)

if [ -t 1 ]; then B=$'\e[1m' G=$'\e[32m' R=$'\e[31m' N=$'\e[0m'; else B="" G="" R="" N=""; fi
step=0 server_pid=""
cleanup() { [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true; }
trap cleanup EXIT
say() { step=$((step + 1)); printf '\n%s== %d. %s%s\n' "$B" "$step" "$*" "$N"; }
ok() { printf '%s   ok: %s%s\n' "$G" "$*" "$N"; }
die() { printf '%s   FAILED: %s%s\n' "$R" "$*" "$N" >&2; exit 1; }
# Powers the device on until it switches itself off; keeps the console text.
device() {
  # The console streams to the screen (through the inherited stderr, so a log
  # file keeps its order) and is kept for the checks.
  env FERRY_SIM_UPDATE_URL="$url" "$sim" --dir "$work/device" run --watchdog-ms 700 --cycles 6 \
    | tee "$work/console.txt" >&2 || die "ferry-sim exited with an error"
  DEVICE_OUT=$(cat "$work/console.txt")
}
expect() { grep -qF -- "$1" <<<"$DEVICE_OUT" || die "expected console line: $1"; }
reject() { ! grep -qF -- "$1" <<<"$DEVICE_OUT" || die "unexpected console line: $1"; }
publish() { "$ferry" publish -k "$key" --repo "$work/repo" "$@" | sed 's/^/   /'; }

rm -rf "$work" && mkdir -p "$work/device" "$work/images"

say "Build three releases of the sample application and sign them"
for v in 1.0.0 2.0.0 3.0.0; do
  tag=${v//./_}
  # Debug info is not needed on the device; the signature covers the stripped binary.
  objcopy --strip-debug "$apps/sample_app_$tag" "$work/images/app-$v.bin"
  "$ferry" sign --raw -k "$key" --version "$v" --security-counter 1 "${id[@]}" --name "sample $v" \
    "$work/images/app-$v.bin" "$work/images/app-$v.img" | sed 's/^/   /'
done
ok "v1, v2 and v3 signed (v3 has a bug: it hangs before confirming)"

say "Publish v2 and start the update server on a free loopback port"
publish "$work/images/app-2.0.0.img"
"$ferry" serve "$work/repo" --port 0 --bind 127.0.0.1 --access-log "$work/access.log" \
  >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
url=""
for _ in $(seq 200); do
  url=$(sed -n '1s/^serving .* at //p' "$work/serve.out")
  [ -n "$url" ] && break
  sleep 0.05
done
[ -n "$url" ] || die "ferry serve did not start: $(cat "$work/serve.err")"
ok "serving the repository at $url"

say "Factory: program v1 and power on; v1 finds v2, downloads it and resets"
"$sim" --dir "$work/device" flash primary "$work/images/app-1.0.0.img" | sed 's/^/   /'
device
expect "[app] hello from the Ferry sample application v1.0.0"
expect "[app] update available: v2.0.0"
expect "downloaded, SHA-256 and signature verified, marked for install"
expect "installing v2.0.0"
expect "runs on trial"
expect "[app] hello from the Ferry sample application v2.0.0"
expect "[app] last boot: installed 2.0.0 (on trial)"
expect "passed, image confirmed"
expect "v2.0.0 is the current release: nothing to do"
ok "v2 arrived over HTTP, was verified twice (agent, bootloader), ran on trial and confirmed"

say "An attacker on the server rewrites the manifest to push a fake v9.9.9"
cls=$(ls "$work/repo")
cp "$work/repo/$cls/manifest.json" "$work/manifest.good"
sed -i 's/"version":"2.0.0"/"version":"9.9.9"/' "$work/repo/$cls/manifest.json"
device
expect "[app] no update: release manifest signature invalid"
expect "[app] staying on v2.0.0"
reject "installing v"
cp "$work/manifest.good" "$work/repo/$cls/manifest.json"
ok "the manifest signature did not match: nothing downloaded, v2 keeps running"

say "An attacker with a flash programmer stages a tampered image directly"
cp "$work/images/app-3.0.0.img" "$work/images/tampered.img"
printf '\x5a' | dd of="$work/images/tampered.img" bs=1 seek=4096 conv=notrunc status=none
if "$ferry" verify -k "$key" "${id[@]}" "$work/images/tampered.img" 2>"$work/verify.err"; then
  die "ferry verify accepted a tampered image"
fi
echo "   ferry verify says: $(cat "$work/verify.err")"
"$sim" --dir "$work/device" flash staging "$work/images/tampered.img" | sed 's/^/   /'
device
expect "image rejected: image digest mismatch"
expect "[app] hello from the Ferry sample application v2.0.0"
expect "[app] last boot: started 2.0.0; staged image 3.0.0 refused: image digest mismatch (-29)"
reject "installing v"
ok "the bootloader refused it before touching the running image"

say "The vendor publishes v3, which hangs before confirming"
publish "$work/images/app-3.0.0.img"
device
expect "[app] update available: v3.0.0"
expect "installing v3.0.0"
expect "it hangs before confirming"
expect "watchdog: not fed"
expect "reverting to the previous image"
expect "[app] hello from the Ferry sample application v2.0.0"
expect "[app] last boot: reverted to 2.0.0: the trial image was not confirmed"
ok "the watchdog reset the device and the bootloader restored v2"

say "Power cycle: the failed v3 is not downloaded or tried again"
device
expect "[app] hello from the Ferry sample application v2.0.0"
expect "[app] no update: image was reverted after a failed trial"
reject "installing v"
ok "v2 keeps running"

kill "$server_pid" 2>/dev/null || true
wait "$server_pid" 2>/dev/null || true
server_pid=""
requests=$(wc -l <"$work/access.log")

printf '\n%sSummary%s\n' "$B" "$N"
echo "  - v2 went from the server to the device over HTTP, verified by the agent and again by"
echo "    the bootloader, swapped in with v1 kept, ran on trial and confirmed itself"
echo "  - a forged manifest and a tampered image were both refused; nothing ran that was not signed"
echo "  - v3 hung; the watchdog reset the device and the bootloader brought v2 back, for good"
echo "  - the server answered $requests requests and has been stopped"
