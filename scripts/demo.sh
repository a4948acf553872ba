#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Ferry demo: a simulated device is updated, attacked, and saved by its
# watchdog. Builds everything it needs first (installing packages on a fresh
# Debian 12 machine), then tells the story step by step.
#
#   scripts/demo.sh           the simulated device (ferry-sim)
#   scripts/demo.sh --qemu    emulated silicon: the Cortex-M3 firmware under QEMU
#                             (mps2-an385, LAN9118, lwIP) updates itself from v1 to
#                             v2 over HTTP from `ferry serve` (docs/port-lwip.md)
set -euo pipefail
qemu=0
case "${1:-}" in
  "") ;;
  --qemu) qemu=1 ;;
  *) echo "usage: scripts/demo.sh [--qemu]" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
root=$PWD
work=$root/build/demo
FERRY_QUIET_SETUP=1 bash scripts/setup.sh

echo "== Building Ferry (release build, no sanitizers) ..."
cmake -S . -B build/demo-build -DCMAKE_BUILD_TYPE=Release -DFERRY_SANITIZE=OFF >/dev/null
cmake --build build/demo-build -j"$(nproc)" --target ferry >/dev/null

# The vendor's signing key: made here, kept in the build tree, never committed.
key=$work-keys/vendor-signing-key.pem
if [ ! -f "$key" ]; then
  mkdir -p "$(dirname "$key")"
  build/demo-build/tools/ferry/ferry keygen -k "$key"
fi
if [ "$qemu" -eq 1 ]; then
  echo "== Building the Cortex-M3 firmware (bootloader, OTA demo app v1 and v2) with the vendor's key ..."
  sh scripts/firmware-build.sh --ferry build/demo-build/tools/ferry/ferry --out build/demo-fw \
    --key "$key"
  echo "== v1 in the flash; v2 published with 'ferry publish' and served by 'ferry serve';"
  echo "   QEMU's user network (restrict=on) forwards 10.0.2.100:80 to it. Two boots follow."
  exec python3 tests/qemu/ota_test.py ferry_serve --fw build/demo-fw \
    --ferry build/demo-build/tools/ferry/ferry --work "$work-qemu"
fi
echo "== Building the simulated bootloader with the vendor's public key built in ..."
cmake -S . -B build/demo-build -DFERRY_SIM_SIGNING_KEY="$key" >/dev/null
cmake --build build/demo-build -j"$(nproc)" --target ferry-sim sample_app_1_0_0 sample_app_2_0_0 sample_app_3_0_0 >/dev/null
echo "   bootloader trusts key $(build/demo-build/tools/ferry/ferry getpub -k "$key" --format id | cut -c1-16)..."

bash scripts/sim-story.sh "$root/build/demo-build" "$work" "$key"
