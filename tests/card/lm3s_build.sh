#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Builds the lm3s6965evb card reader (port/lm3s6965evb) with the cross
# compiler: only the SD driver and FAT code of the core, so no BearSSL and
# no network are needed.
#
#   tests/card/lm3s_build.sh OUT_DIR
#
# Exit status: 0 built; 77 no cross compiler (the reason is printed and
# written to OUT_DIR/SKIP); 1 the build failed.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$1
mkdir -p "$out"
rm -f "$out/SKIP"
if ! command -v arm-none-eabi-gcc >/dev/null 2>&1 ||
   ! arm-none-eabi-gcc -print-file-name=libc_nano.a | grep -q /; then
  echo "SKIP: arm-none-eabi-gcc or its newlib not found (run scripts/setup.sh)" | tee "$out/SKIP"
  exit 77
fi
# The cross build must not inherit the host compiler (scripts/test.sh sets CC).
env -u CC -u CFLAGS -u LDFLAGS cmake -S "$root/port/lm3s6965evb" -B "$out" \
  -DCMAKE_TOOLCHAIN_FILE="$root/cmake/arm-none-eabi.cmake" >"$out/configure.log" 2>&1 || {
  cat "$out/configure.log" >&2
  echo "lm3s_build: configuring failed" >&2
  exit 1
}
cmake --build "$out" -j2 >"$out/build.log" 2>&1 || {
  cat "$out/build.log" >&2
  echo "lm3s_build: build failed" >&2
  exit 1
}
echo "lm3s_build: built $out/ferry-lm3s-card.elf"
