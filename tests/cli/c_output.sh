#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The C that `ferry getpub --format c` and `ferry uuid --format c` print
# compiles cleanly against include/ferry/image.h, and holds the right bytes:
# a program built from it prints the point, key ID and UUIDs, which must match
# what ferry prints in its other formats.
# Usage: c_output.sh FERRY WORK_DIR CC INCLUDE_DIR
set -eu
. "$(dirname "$0")/lib.sh"
cc=$3
include=$4

expect_ok "$ferry" keygen -k a.pem
expect_ok "$ferry" keygen -k b.pem
expect_ok "$ferry" getpub -k a.pem --format c
cp out.txt one_key.c
grep -q '#include "ferry/image.h"' one_key.c || fail "no #include in getpub --format c"
grep -q "const unsigned ferry_trusted_key_count = 1;" one_key.c || fail "count is not 1"
"$cc" -std=c11 -Wall -Wextra -Werror -pedantic -fsyntax-only -I "$include" one_key.c \
    || fail "getpub --format c output does not compile"

expect_ok "$ferry" getpub -k a.pem -k b.pem --format c
cp out.txt keys.c
grep -q "const unsigned ferry_trusted_key_count = 2;" keys.c || fail "count is not 2"
expect_ok "$ferry" uuid --vendor example.com --device-class "board */ rev-A" --format c
cp out.txt ids.h
grep -q "^#define FERRY_VENDOR_ID {" ids.h || fail "uuid --format c: $(cat ids.h)"

cat > dump.c <<'C'
#include <stdint.h>
#include <stdio.h>
#include "ferry/image.h"
#include "ids.h"

extern const struct ferry_pubkey ferry_trusted_keys[];
extern const unsigned ferry_trusted_key_count;

static void hex(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        printf("%02x", p[i]);
    }
    printf("\n");
}

int main(void)
{
    static const uint8_t vendor[16] = FERRY_VENDOR_ID;
    static const uint8_t class_id[16] = FERRY_CLASS_ID;
    for (unsigned i = 0; i < ferry_trusted_key_count; i++) {
        hex(ferry_trusted_keys[i].point, sizeof ferry_trusted_keys[i].point);
        hex(ferry_trusted_keys[i].id, sizeof ferry_trusted_keys[i].id);
    }
    hex(vendor, 16);
    hex(class_id, 16);
    return 0;
}
C
"$cc" -std=c11 -Wall -Wextra -Werror -pedantic -I "$include" -I . dump.c keys.c -o dump \
    || fail "a program using the generated C does not build"
./dump > dump.txt

expected() {
    for k in a.pem b.pem; do
        "$ferry" getpub -k "$k" > "$k.pub"
        # The point is the last 65 bytes of the 91-byte DER public key.
        sed '1d;$d' "$k.pub" | base64 -d | tail -c 65 | od -An -tx1 -v | tr -d ' \n'
        echo
        "$ferry" getpub -k "$k" --format id
    done
    "$ferry" uuid --vendor example.com --device-class "board */ rev-A" | cut -c11- | tr -d '-'
}
expected > expected.txt
cmp -s dump.txt expected.txt || fail "generated C holds other bytes: $(diff dump.txt expected.txt)"

echo "ok   $test_name"
