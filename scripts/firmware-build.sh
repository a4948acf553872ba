#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Builds the mps2-an385 firmware (bootloaders, signed demo apps, benchmark)
# with the same core sources as the host build.
#
#   firmware-build.sh [--ferry PATH] [--out DIR] [--key KEY.pem] [--class-key CLASS.pem]
#
#   --ferry  the host 'ferry' tool (default: build it in build/firmware-host)
#   --out    build directory (default: build/firmware); the products and
#            layout.env land there, BearSSL's source in DIR/bearssl-src
#   --key    signing key the bootloader trusts (default: a development key
#            generated in DIR)
#   --class-key  class key pair built into the decrypting bootloaders,
#            ferry-boot-enc-* (default: a development class key generated in DIR)
#
# Exit status: 0 built; 77 a prerequisite is missing (the reason is printed
# and written to DIR/SKIP: no cross compiler, BearSSL source unavailable);
# 1 the build failed.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
ferry="" out="$root/build/firmware" key="" class_key=""
while [ $# -gt 0 ]; do
  case "$1" in
    --ferry) ferry=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --key) key=$2; shift 2 ;;
    --class-key) class_key=$2; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "firmware-build: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out/SKIP"

skip() {
  echo "SKIP: $*" | tee "$out/SKIP"
  exit 77
}

command -v arm-none-eabi-gcc >/dev/null 2>&1 ||
  skip "arm-none-eabi-gcc not found (run scripts/setup.sh: gcc-arm-none-eabi, libnewlib-arm-none-eabi)"
arm-none-eabi-gcc -print-file-name=libc_nano.a | grep -q / ||
  skip "newlib for arm-none-eabi not found (run scripts/setup.sh: libnewlib-arm-none-eabi)"
sh "$root/scripts/fetch-bearssl-source.sh" "$out/bearssl-src" ||
  skip "BearSSL source package not available (see the message above)"

if [ -z "$ferry" ]; then
  # CC may name a host compiler set for the main build; it is only used here.
  cmake -S "$root" -B "$root/build/firmware-host" -DFERRY_SANITIZE=OFF >/dev/null
  cmake --build "$root/build/firmware-host" --target ferry -j2 >/dev/null
  ferry="$root/build/firmware-host/tools/ferry/ferry"
fi
ferry=$(cd "$(dirname "$ferry")" && pwd)/$(basename "$ferry")

set -- -S "$root/port/mps2-an385" -B "$out" \
  -DCMAKE_TOOLCHAIN_FILE="$root/cmake/arm-none-eabi.cmake" \
  -DFERRY_TOOL="$ferry" -DBEARSSL_SRC="$out/bearssl-src/bearssl"
if [ -n "$key" ]; then
  key=$(cd "$(dirname "$key")" && pwd)/$(basename "$key")
  set -- "$@" -DFERRY_SIGNING_KEY="$key"
fi
if [ -n "$class_key" ]; then
  class_key=$(cd "$(dirname "$class_key")" && pwd)/$(basename "$class_key")
  set -- "$@" -DFERRY_CLASS_KEY="$class_key"
fi
# The cross build must not inherit the host compiler (scripts/test.sh sets CC).
env -u CC -u CFLAGS -u LDFLAGS cmake "$@" >"$out/configure.log" 2>&1 || {
  cat "$out/configure.log" >&2
  echo "firmware-build: configuring failed" >&2
  exit 1
}
cmake --build "$out" -j"$(nproc 2>/dev/null || echo 2)" >"$out/build.log" 2>&1 || {
  cat "$out/build.log" >&2
  echo "firmware-build: build failed" >&2
  exit 1
}
echo "firmware-build: built in $out"
