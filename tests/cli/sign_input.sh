#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# ferry sign refuses inputs that are not a raw application binary (ELF, Intel
# HEX, an image already signed), an output that is the input file, and a
# header size that would misalign the application's vector table. Each
# refusal is one stderr line, exit 1 (2 for a command-line mistake), and
# nothing is written.
set -eu
. "$(dirname "$0")/lib.sh"

expect_ok "$ferry" keygen -k key.pem
make_payload app.bin 3000
s() { "$ferry" sign -k key.pem --version 1.0.0 --device-class b "$@"; }

# ---- inputs that are not a raw binary ----------------------------------------
printf '\177ELF\001\001\001\000\000\000\000\000\000\000\000\000' > app.elf
cat app.bin >> app.elf
expect_error 1 "sign: app.elf: this is an ELF file, not a raw binary: convert it with 'arm-none-eabi-objcopy -O binary app.elf app.bin'" \
    s app.elf out.img
[ ! -e out.img ] || fail "sign wrote an image of an ELF file"
# --raw takes it as bytes (the host simulator signs host executables).
expect_ok s --raw app.elf raw.img
"$ferry" info raw.img | grep -q 'payload' || fail "--raw did not make an image of the ELF"
printf ':020000040800F2\r\n:10000000000102030405060708090A0B0C0D0E0F78\r\n:00000001FF\r\n' > app.hex
expect_error 1 "sign: app.hex: this is an Intel HEX file, not a raw binary: convert it to a binary" \
    s app.hex out.img
printf ':00000001FF' > eof.hex                    # the shortest HEX file, no newline
expect_error 1 "this is an Intel HEX file" s eof.hex out.img
expect_ok s app.bin signed.img
expect_error 1 "sign: signed.img: this is already a signed Ferry image (magic \"FRRY\"): sign the raw payload" \
    s signed.img out.img
[ ! -e out.img ] || fail "sign wrote an image"
# Near misses are raw binaries: a ':' not followed by a record, "ELF" without 0x7F.
printf ':hello, this is data\n' > colon.bin
expect_ok s colon.bin colon.img
printf 'ELF.data' > elfish.bin
expect_ok s elfish.bin elfish.img
echo "ok   ELF, Intel HEX and signed images refused, near misses signed"

# ---- the output is the input -------------------------------------------------
cp app.bin keep.bin
expect_error 1 "sign: keep.bin: the output is the input file" s keep.bin keep.bin
expect_error 1 "sign: ./keep.bin: the output is the input file" s keep.bin ./keep.bin
ln keep.bin hard.bin
expect_error 1 "sign: hard.bin: the output is the input file" s keep.bin hard.bin
ln -s keep.bin soft.bin
expect_error 1 "sign: soft.bin: the output is the input file" s keep.bin soft.bin
cmp -s keep.bin app.bin || fail "the input was changed"
echo "ok   the input file (same path, ./path, hard and symbolic link) is never the output"

# ---- the vector table alignment (docs/merge.md, rule 8) ----------------------
expect_error 1 "sign: --header-size 520: the application's vector table starts at slot start + header size and must be aligned to 128 bytes (its size rounded up to a power of two, at least 128: the VTOR rule); use a multiple of 128, e.g. 640" \
    s --header-size 520 app.bin out.img
expect_error 1 "must be aligned to 1024 bytes" s --header-size 512 --vector-align 1K app.bin out.img
[ ! -e out.img ] || fail "sign wrote a misaligned image"
expect_ok s --header-size 1024 --vector-align 1K app.bin a1k.img
[ "$(le16 a1k.img 6)" = 1024 ] || fail "header size $(le16 a1k.img 6)"
expect_ok s --header-size 128 app.bin a128.img
expect_ok s --header-size 520 --unaligned app.bin unaligned.img
[ "$(le16 unaligned.img 6)" = 520 ] || fail "--unaligned header size $(le16 unaligned.img 6)"
expect_error 2 "--vector-align '100': the vector table alignment is a power of two, at least 128 bytes" \
    s --vector-align 100 app.bin out.img
expect_error 2 "--vector-align '64'" s --vector-align 64 app.bin out.img
expect_error 2 "--vector-align and --unaligned exclude each other" \
    s --vector-align 256 --unaligned app.bin out.img
echo "ok   --header-size checked against --vector-align (default 128); --unaligned skips it"

echo "ok   $test_name"
