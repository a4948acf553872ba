#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# ferry merge: bootloader + signed images laid out as flash holds them, and
# every alignment rule it must refuse with a message naming the rule
# (docs/merge.md). Needs no QEMU and no cross compiler.
#   merge.sh FERRY WORK_DIR
set -eu
# The CLI tests' helpers: sets $ferry and $work, enters $work; fail,
# expect_ok, expect_error, file_size, make_payload.
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/../cli/lib.sh"

byte_at() { od -An -tx1 -j "$2" -N1 "$1" | tr -d ' '; }
# same_bytes FILE OFF REF: FILE holds REF's bytes at OFF.
same_bytes() {
    n=$(file_size "$3")
    dd if="$1" bs=1 skip="$2" count="$n" 2>/dev/null | cmp -s - "$3" ||
        fail "$1 does not hold $3 at offset $2"
}
# all_bytes FILE OFF LEN HEX: every byte of FILE[OFF, OFF+LEN) is HEX.
all_bytes() {
    got=$(dd if="$1" bs=1 skip="$2" count="$3" 2>/dev/null | od -An -v -tx1 | tr -s ' \n' '\n' |
          grep -v '^$' | sort -u | tr '\n' ' ')
    [ "$got" = "$4 " ] || fail "$1[$2, +$3) holds bytes '$got', expected only $4"
}

expect_ok "$ferry" keygen -k key.pem
make_payload app.bin 3000
make_payload big.bin 70000
expect_ok "$ferry" sign -k key.pem --version 1.0.0 --device-class b --header-size 1024 app.bin app.img
expect_ok "$ferry" sign -k key.pem --version 2.0.0 --device-class b --header-size 1024 big.bin big.img
expect_ok "$ferry" sign -k key.pem --version 1.0.0 --device-class b --header-size 512 app.bin h512.img
head -c 9000 /dev/urandom > boot.bin
echo "ok   keys, images and a 9000-byte bootloader made"

# ---- -o: bootloader padded to its fixed size, image at the slot -------------
expect_ok "$ferry" merge -o merged.bin --sector-size 4K --boot boot.bin --boot-size 16K \
    --primary 16K:240K --primary-image app.img --vector-align 1K
img=$(file_size app.img)
[ "$(file_size merged.bin)" = $((16384 + img)) ] ||
    fail "merged.bin is $(file_size merged.bin) bytes, expected 16 KiB + $img"
same_bytes merged.bin 0 boot.bin
all_bytes merged.bin 9000 $((16384 - 9000)) ff
same_bytes merged.bin 16384 app.img
grep -q "bootloader boot.bin: 9000 bytes at 0x0, padded to 0x4000" out.txt ||
    fail "merge did not report the bootloader: $(cat out.txt)"
echo "ok   -o: bootloader padded with 0xff to 16 KiB, image at the primary slot"

expect_ok "$ferry" merge -o zero.bin --sector-size 4K --erased-value 0x00 --boot boot.bin \
    --boot-size 12K --primary 12K:64K --primary-image app.img
all_bytes zero.bin 9000 $((12288 - 9000)) 00
same_bytes zero.bin 12288 app.img
echo "ok   -o: flash that erases to 0x00 is padded with 0x00"

# ---- --into: a flash backing file, staging image at the swap offset D ----------
into="--into flash.img --flash-size 1M --sector-size 4K --flash-base 0x21000000 --vector-align 256
      --primary 0:256K --staging 256K:260K --status 516K:8K"
# shellcheck disable=SC2086
expect_ok "$ferry" merge $into --primary-image app.img
[ "$(file_size flash.img)" = 1048576 ] || fail "flash.img is not 1 MiB"
same_bytes flash.img 0 app.img
all_bytes flash.img "$img" $((1048576 - img)) ff
# shellcheck disable=SC2086
expect_ok "$ferry" merge $into --staging-image big.img
grep -q "swap offset D = 0x1000" out.txt || fail "D not reported: $(cat out.txt)"
same_bytes flash.img 0 app.img
same_bytes flash.img $((262144 + 4096)) big.img
echo "ok   --into: primary kept, staging image at 256K + D (4 KiB)"

# A smaller image erases only the sectors it needs: the rest is left alone.
# shellcheck disable=SC2086
expect_ok "$ferry" merge $into --staging-image app.img
same_bytes flash.img $((262144 + 4096)) app.img
big_end=$((262144 + 4096 + $(file_size big.img)))
covered=$(( (img + 4095) / 4096 * 4096 ))
tail_from=$((262144 + 4096 + covered))
dd if=big.img bs=1 skip="$covered" count=$((big_end - tail_from)) 2>/dev/null > big.tail
same_bytes flash.img "$tail_from" big.tail
echo "ok   --into: only the sectors the new image covers are erased"

# Non-uniform sectors: D is the first staging sector boundary past the largest unit.
expect_ok "$ferry" merge -o f4.bin --sectors 4x16K,1x64K,7x128K --boot boot.bin --boot-size 16K \
    --status 16K:32K --primary 128K:384K --staging 512K:512K --staging-image big.img
grep -q "swap offset D = 0x20000" out.txt || fail "STM32F4-like D: $(cat out.txt)"
same_bytes f4.bin $((524288 + 131072)) big.img
echo "ok   --sectors 4x16K,1x64K,7x128K: staging image at 512K + D (128 KiB)"

# ---- the rules --------------------------------------------------------------------
expect_error 1 "the bootloader is 9000 bytes, 808 more than its fixed size" \
    "$ferry" merge -o x.bin --sector-size 4K --boot boot.bin --boot-size 8K --primary 8K:64K
expect_error 1 "the bootloader's fixed size must be a whole number of sectors" \
    "$ferry" merge -o x.bin --sector-size 4K --boot boot.bin --boot-size 10K --primary 12K:64K
expect_error 1 "an area must start on a sector boundary, and 0x4200 lies inside the sector 0x4000..0x5000" \
    "$ferry" merge -o x.bin --sector-size 4K --primary 0x4200:64K --primary-image app.img
expect_error 1 "--staging 0x40000:0x40800: an area must end on a sector boundary" \
    "$ferry" merge -o x.bin --sector-size 4K --primary 0:256K --staging 256K:258K \
    --staging-image app.img
expect_error 1 "--boot-size and --primary overlap at 0x3000..0x4000" \
    "$ferry" merge -o x.bin --sector-size 4K --boot boot.bin --boot-size 16K --primary 12K:64K
expect_error 1 "--primary and --status overlap" \
    "$ferry" merge -o x.bin --sector-size 4K --primary 0:64K --status 60K:8K \
    --primary-image app.img
expect_error 1 "an area must lie inside the flash" \
    "$ferry" merge -o x.bin --sector-size 4K --flash-size 128K --primary 64K:128K \
    --primary-image app.img
expect_error 1 "the staging slot must hold the swap offset D (0x1000) plus the whole primary slot" \
    "$ferry" merge -o x.bin --sector-size 4K --primary 0:256K --staging 256K:256K \
    --staging-image app.img
expect_error 1 "the staging slot must hold the swap offset D (0x20000)" \
    "$ferry" merge -o x.bin --sectors 4x16K,1x64K,7x128K --primary 128K:384K --staging 512K:384K \
    --primary-image app.img
expect_error 1 "the status area must split into two banks on a sector boundary" \
    "$ferry" merge -o x.bin --sector-size 4K --primary 0:256K --staging 256K:260K \
    --status 516K:4K --primary-image app.img
expect_error 1 "image does not fit the slot (the image is $(file_size big.img) bytes" \
    "$ferry" merge -o x.bin --sector-size 4K --primary 0:64K --primary-image big.img
expect_error 1 "must be aligned to 1024 bytes (its size rounded up to a power of two: the VTOR rule)" \
    "$ferry" merge -o x.bin --sector-size 4K --primary 0:64K --vector-align 1K \
    --primary-image h512.img
expect_error 1 "vector table would run at 0x8000500 (primary slot 0x8000100 + header size 1024)" \
    "$ferry" merge -o x.bin --sector-size 4K --flash-base 0x08000100 --vector-align 512 \
    --primary 0:64K --primary-image app.img
expect_error 1 "the application's vector table would run at" \
    "$ferry" merge -o x.bin --sector-size 4K --primary 0:256K --staging 256K:260K \
    --vector-align 1K --staging-image h512.img
expect_error 1 "no image magic" \
    "$ferry" merge -o x.bin --sector-size 4K --primary 0:64K --primary-image app.bin
expect_error 1 "a backing file holds the whole flash" \
    "$ferry" merge --into flash.img --sector-size 4K --flash-size 2M --primary 0:64K \
    --primary-image app.img
expect_error 1 "give --flash-size to create it" \
    "$ferry" merge --into new.img --sector-size 4K --primary 0:64K --primary-image app.img
[ ! -e x.bin ] || fail "a refused merge wrote its output"
[ ! -e new.img ] || fail "a refused merge created the backing file"
echo "ok   17 layouts refused, each with the rule it breaks; nothing written"

expect_error 2 "missing --primary" "$ferry" merge -o x.bin --sector-size 4K --boot boot.bin \
    --boot-size 16K
expect_error 2 "give exactly one of -o OUT" "$ferry" merge --sector-size 4K --primary 0:64K \
    --primary-image app.img
expect_error 2 "give exactly one of --sector-size and --sectors" "$ferry" merge -o x.bin \
    --primary 0:64K --primary-image app.img
expect_error 2 "expected OFFSET:SIZE" "$ferry" merge -o x.bin --sector-size 4K --primary 64K \
    --primary-image app.img
expect_error 2 "a power of two, at least 128 bytes" "$ferry" merge -o x.bin --sector-size 4K \
    --primary 0:64K --vector-align 384 --primary-image app.img
expect_error 2 "--boot and --boot-size go together" "$ferry" merge -o x.bin --sector-size 4K \
    --boot boot.bin --primary 16K:64K
expect_error 2 "is not COUNTxSIZE" "$ferry" merge -o x.bin --sectors 4x16K,64K --primary 0:64K \
    --primary-image app.img
expect_error 2 "--staging-image needs --staging" "$ferry" merge -o x.bin --sector-size 4K \
    --primary 0:64K --staging-image app.img
echo "ok   8 command-line mistakes refused with exit status 2"
echo "PASS merge"
