#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Cross-builds the stm32f4 bootloader (Cortex-M4F, -Werror) and checks the
# ELF: built for a Cortex-M4 with the hard-float ABI, the vector table at the
# start of the bootloader region with a reset handler inside it, the image
# within the bootloader's sectors. Used by the stm32f4.build test:
#   check-build.sh FERRY_ROOT FERRY_TOOL WORK DEPS
# DEPS holds the target's third-party sources (bearssl/, http-parser/ and a
# file jsmn.dir naming jsmn's directory; tests/consumer/run.sh deps makes it).
# Exit status: 0 passed, 1 failed, 77 skipped.
set -eu
root=$(cd "${1:?usage: check-build.sh FERRY_ROOT FERRY_TOOL WORK DEPS}" && pwd)
tool=${2:?usage}
work=${3:?usage}
deps=${4:?usage}
out="$work/build"

fail() {
  echo "FAIL: $*"
  exit 1
}
skip() {
  echo "SKIP: $*"
  exit 77
}
command -v arm-none-eabi-gcc >/dev/null 2>&1 ||
  skip "arm-none-eabi-gcc not found (scripts/setup.sh: gcc-arm-none-eabi)"
[ -f "$deps/ready" ] || skip "the target's third-party sources were not fetched (see consumer.deps)"
[ -x "$tool" ] || fail "no host ferry tool at $tool"

mkdir -p "$work"
# The cross compiler must not see the host compiler or flags (scripts/test.sh sets CC).
if ! env -u CC -u CFLAGS -u LDFLAGS cmake -S "$root/port/stm32f4" -B "$out" \
     -DCMAKE_TOOLCHAIN_FILE="$root/cmake/arm-none-eabi.cmake" -DFERRY_CPU=cortex-m4 \
     -DCMAKE_BUILD_TYPE=MinSizeRel -DFERRY_TOOL="$tool" \
     -DFERRY_BEARSSL_SOURCE_DIR="$deps/bearssl" -DFERRY_HTTP_PARSER_SOURCE_DIR="$deps/http-parser" \
     -DFERRY_JSMN_SOURCE_DIR="$(cat "$deps/jsmn.dir")" >"$work/configure.log" 2>&1; then
  cat "$work/configure.log"
  fail "configure"
fi
if ! cmake --build "$out" -j2 --target ferry-boot-stm32f4 >"$work/build.log" 2>&1; then
  cat "$work/build.log"
  fail "build"
fi
grep -q -- '-Werror' "$out/CMakeFiles/ferry-boot-stm32f4.dir/flags.make" ||
  fail "the port was not built with -Werror"

elf="$out/ferry-boot-stm32f4.elf"
bin="$out/ferry-boot-stm32f4.bin"
[ -f "$elf" ] && [ -f "$bin" ] || fail "no ELF or binary"
. "$out/layout.env"
arm-none-eabi-size "$elf"

attrs=$(arm-none-eabi-readelf -A "$elf")
echo "$attrs" | grep -q 'Tag_CPU_name: "7E-M"' || fail "not built for a Cortex-M4"
echo "$attrs" | grep -q 'Tag_ABI_VFP_args: VFP registers' || fail "not built for the hard-float ABI"

# .vectors starts the bootloader region.
vec=$(arm-none-eabi-readelf -S "$elf" | sed -n 's/.*] \.vectors *PROGBITS *\([0-9a-f]*\) .*/\1/p')
[ -n "$vec" ] || fail "no .vectors section"
[ $((0x$vec)) -eq $((BOARD_FLASH_BASE)) ] ||
  fail ".vectors at 0x$vec, not at the start of the bootloader region ($BOARD_FLASH_BASE)"
# The binary starts with the vector table: initial MSP in RAM, reset vector a
# Thumb address inside the bootloader region, at reset_handler.
set -- $(od -A n -t u4 -N 8 "$bin")
msp=$1
reset=$2
[ "$msp" -gt $((BOARD_RAM_BASE)) ] && [ "$msp" -le $((BOARD_RAM_BASE + BOARD_RAM_SIZE)) ] ||
  fail "initial MSP $msp is not in RAM"
[ $((reset & 1)) -eq 1 ] || fail "reset vector $reset is not a Thumb address"
[ "$reset" -gt $((BOARD_FLASH_BASE)) ] && [ "$reset" -lt $((BOARD_FLASH_BASE + BOARD_BOOT_SIZE)) ] ||
  fail "reset vector $reset is outside the bootloader region"
handler=$(arm-none-eabi-nm "$elf" | awk '$3 == "reset_handler" { print $1 }')
[ $((0x$handler | 1)) -eq "$reset" ] || fail "reset vector $reset is not reset_handler (0x$handler)"

# text + data fits the bootloader's sectors (the linker refuses more; checked again here).
set -- $(arm-none-eabi-size "$elf" | awk 'NR == 2 { print $1, $2, $3 }')
used=$(($1 + $2))
[ "$used" -le $((BOARD_BOOT_SIZE)) ] || fail "$used bytes do not fit $BOARD_BOOT_SIZE"
echo "flash $used of $((BOARD_BOOT_SIZE)) bytes, RAM $(($2 + $3)) + $((BOARD_STACK_SIZE)) stack"
echo "PASS: stm32f4 bootloader built for cortex-m4, vector table at $BOARD_FLASH_BASE"
