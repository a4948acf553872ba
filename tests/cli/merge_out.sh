#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# ferry merge outputs and messages beyond tests/qemu/merge.sh: Intel HEX at a
# device base address, a layout over two flash devices (one output each), and
# layout-check failures that name the rule, the area and the numbers.
set -eu
. "$(dirname "$0")/lib.sh"

expect_ok "$ferry" keygen -k key.pem
make_payload app.bin 3000
make_payload app2.bin 3100
expect_ok "$ferry" sign -k key.pem --version 1.0.0 --device-class b --header-size 1024 app.bin app.img
expect_ok "$ferry" sign -k key.pem --version 2.0.0 --device-class b --header-size 1024 app2.bin app2.img
head -c 9000 /dev/zero | tr '\0' 'B' > boot.bin

# hex_check FILE: every record is ':' + hex digits, its length byte matches
# and the bytes add up to 0 mod 256 (the checksum); the last is the EOF record.
hex_check() {
    awk 'function h(s,  i, v) { v = 0; for (i = 1; i <= length(s); i++)
                                  v = v * 16 + index("0123456789ABCDEF", substr(s, i, 1)) - 1
                                return v }
         { sub(/\r$/, "") }
         !/^:([0-9A-F][0-9A-F])+$/ { print "bad record " NR ": " $0; bad = 1; exit }
         { n = h(substr($0, 2, 2)); sum = 0
           if (length($0) != 11 + 2 * n) { print "bad length " NR; bad = 1; exit }
           for (i = 2; i < length($0); i += 2) sum += h(substr($0, i, 2))
           if (sum % 256 != 0) { print "bad checksum " NR ": " $0; bad = 1; exit }
           last = $0 }
         END { if (!bad && last != ":00000001FF") { print "no EOF record"; bad = 1 }
               exit bad }' "$1" || fail "$1 is not valid Intel HEX"
}
# same_as_bin HEX BIN [SKIP]: HEX holds BIN's bytes from offset SKIP on (objcopy
# starts at the lowest address; gaps erased), when objcopy is installed.
same_as_bin() {
    if command -v objcopy >/dev/null 2>&1; then
        objcopy -I ihex -O binary --gap-fill 0xFF "$1" back.bin
        tail -c +$((${3:-0} + 1)) "$2" | cmp -s back.bin - || fail "$1 does not hold the bytes of $2"
    else
        echo "SKIP $test_name: objcopy not installed, $1 not compared byte by byte"
    fi
}

# ---- Intel HEX at 0x08000000 -------------------------------------------------
L="--sector-size 4K --flash-base 0x08000000 --vector-align 1K --boot boot.bin --boot-size 16K
   --primary 60K:240K --primary-image app.img"
# shellcheck disable=SC2086
expect_ok "$ferry" merge -o flash.bin $L
# shellcheck disable=SC2086
expect_ok "$ferry" merge -o flash.hex $L
hex_check flash.hex
head -n 1 flash.hex | grep -qx ':020000040800F2' || fail "first record: $(head -n 1 flash.hex)"
# The image crosses 0x08010000: a second extended linear address record.
grep -qx ':020000040801F1' flash.hex || fail "no extended address record for 0x0801xxxx"
[ "$(grep -c '^:02000004' flash.hex)" = 2 ] || fail "extended address records: $(grep '^:02000004' flash.hex)"
# No data record crosses a 64 KiB window: the one ending at 0x0800FFFF is where the second
# window starts.
grep -q '^:10FFF000' flash.hex || fail "no record at 0xFFF0"
same_as_bin flash.hex flash.bin
# --format overrides the extension.
# shellcheck disable=SC2086
expect_ok "$ferry" merge -o raw.hex --format bin $L
cmp -s raw.hex flash.bin || fail "--format bin did not write the raw binary"
# shellcheck disable=SC2086
expect_ok "$ferry" merge -o flash.out --format hex $L
cmp -s flash.out flash.hex || fail "--format hex differs from the .hex output"
# Only the placed bytes: bootloader padded to 16 KiB, the image; no erased gap.
data=$(awk 'function h(c) { return index("0123456789ABCDEF", c) - 1 }
            /^:..[0-9A-F][0-9A-F][0-9A-F][0-9A-F]00/ { n += h(substr($0, 2, 1)) * 16 + h(substr($0, 3, 1)) }
            END { print n }' flash.hex)
[ "$data" = $((16384 + $(file_size app.img))) ] || fail "the HEX file holds $data data bytes"
expect_error 2 "--format 'srec': expected bin or hex" \
    "$ferry" merge -o x.hex --format srec --sector-size 4K --primary 0:64K --primary-image app.img
expect_error 2 "--format hex is for -o" \
    "$ferry" merge --into x.img --format hex --sector-size 4K --primary 0:64K --primary-image app.img
expect_error 1 "--primary 0x8000:0x8000: the area ends at address 0x100008000, beyond the 4 GiB address space (the flash starts at 0xffff8000)" \
    "$ferry" merge -o x.hex --sector-size 4K --flash-base 0xFFFF8000 --primary 32K:32K \
    --primary-image app.img --vector-align 1K
[ ! -e x.hex ] || fail "a refused merge wrote x.hex"
echo "ok   Intel HEX: extended linear address records, checksums, same bytes as -o bin"

# ---- two devices: internal flash and an external NOR ---------------------------
D="--sector-size 4K --flash-size 512K --flash-base 0x08000000 --vector-align 1K
   --device ext:0x90000000:1M:4K --boot boot.bin --boot-size 16K --status 32K:8K
   --primary 64K:240K --staging ext:0:244K --primary-image app.img --staging-image app2.img"
# shellcheck disable=SC2086
expect_ok "$ferry" merge -o factory.bin $D
grep -q "staging app2.img: version 2.0.0, $(file_size app2.img) bytes at ext:0x1000; runs with its vector table at 0x8010400" out.txt ||
    fail "staging on ext not reported: $(cat out.txt)"
grep -q "wrote factory-ext.bin (ext)" out.txt || fail "ext output not reported: $(cat out.txt)"
[ "$(file_size factory.bin)" = $((65536 + $(file_size app.img))) ] || fail "factory.bin is $(file_size factory.bin) bytes"
[ "$(file_size factory-ext.bin)" = $((4096 + $(file_size app2.img))) ] || fail "factory-ext.bin is $(file_size factory-ext.bin) bytes"
dd if=factory-ext.bin bs=4096 skip=1 2>/dev/null | cmp -s - app2.img || fail "app2.img not at ext:0x1000"
dd if=factory.bin bs=4096 skip=16 2>/dev/null | cmp -s - app.img || fail "app.img not at 0x10000"
# shellcheck disable=SC2086
expect_ok "$ferry" merge -o factory.hex $D
hex_check factory-ext.hex
head -n 1 factory-ext.hex | grep -qx ':0200000490006A' || fail "ext HEX does not start at 0x90000000"
same_as_bin factory-ext.hex factory-ext.bin 4096
# --into: one backing file per device; a device that receives nothing is not touched.
expect_ok "$ferry" merge --into dev.img --sector-size 4K --flash-size 512K --device ext:0:1M:4K \
    --vector-align 1K --status 32K:8K --primary 64K:240K --staging ext:0:244K --staging-image app2.img
[ ! -e dev.img ] || fail "--into wrote the flash, which receives nothing"
[ "$(file_size dev-ext.img)" = 1048576 ] || fail "dev-ext.img is $(file_size dev-ext.img) bytes"
# Areas on different devices do not overlap; on the same device they do.
expect_error 1 "--staging and --status overlap at 0x0..0x2000" \
    "$ferry" merge -o x.bin --sector-size 4K --device ext:0:1M:4K --primary 0:64K \
    --staging ext:0:68K --status ext:0:8K --primary-image app.img --vector-align 1K
expect_error 1 "--staging 0x0:0x11000: an area must lie inside the ext (0x10000 bytes)" \
    "$ferry" merge -o x.bin --sector-size 4K --device ext:0:64K:4K --primary 0:64K \
    --staging ext:0:68K --primary-image app.img
expect_error 2 "--staging 'nope:0:68K': unknown device" \
    "$ferry" merge -o x.bin --sector-size 4K --primary 0:64K --staging nope:0:68K --primary-image app.img
expect_error 2 "--device '9x:0:1M:4K': the name starts with a letter" \
    "$ferry" merge -o x.bin --sector-size 4K --device 9x:0:1M:4K --primary 0:64K --primary-image app.img
expect_error 2 "--device size 1048576 does not match the sectors '3x4K'" \
    "$ferry" merge -o x.bin --sector-size 4K --device ext:0:1M:3x4K --primary 0:64K --primary-image app.img
expect_error 2 "there is already a device \"ext\"" \
    "$ferry" merge -o x.bin --sector-size 4K --device ext:0:1M:4K --device ext:0:1M:4K \
    --primary 0:64K --primary-image app.img
[ ! -e x.bin ] || fail "a refused merge wrote x.bin"
echo "ok   two devices: one output each, areas name their device"

# ---- layout check failures name the rule -------------------------------------------------
expect_error 1 "--status 0x81000:0x1000: the status area must split into two banks on a sector boundary" \
    "$ferry" merge -o x.bin --sector-size 4K --primary 0:256K --staging 256K:260K \
    --status 516K:4K --primary-image app.img --vector-align 1K
expect_error 1 "--status 0x81000:0x2000: status bank 0 (0x81000..0x82000, split on the sector boundary at or past the middle) has 4096 bytes, but a whole swap of the 64 units of the primary slot needs 4288: the 96-byte header rounded up to the 32-byte program unit + (2 x 64 + 3) markers of 32 bytes" \
    "$ferry" merge -o x.bin --sector-size 4K --primary 0:256K --staging 256K:260K \
    --status 516K:8K --program-unit 32 --primary-image app.img --vector-align 1K
# The same layout with 16-byte units fits (96 + 131 x 16 = 2192 bytes a bank).
expect_ok "$ferry" merge -o x.bin --sector-size 4K --primary 0:256K --staging 256K:260K \
    --status 516K:8K --program-unit 16 --primary-image app.img --vector-align 1K
# An uneven split: the middle of 3 sectors (6K) lies in the second, so bank 0 is 8K and bank 1 4K.
expect_error 1 "status bank 1 (0x83000..0x84000, split on the sector boundary at or past the middle) has 4096 bytes" \
    "$ferry" merge -o x.bin --sector-size 4K --primary 0:256K --staging 256K:260K \
    --status 516K:12K --program-unit 32 --primary-image app.img --vector-align 1K
echo "ok   layout check failures name the area, the bank and the bytes needed"

echo "ok   $test_name"
