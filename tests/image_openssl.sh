#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Cross-checks the image format with openssl, following the recipe in
# docs/image-format.md ("Checking a signature with openssl") step by step:
# the trailer digest is SHA-256 of the protected bytes, the key ID is SHA-256
# of the public point, and the raw r||s signature, converted to DER, verifies
# over the protected bytes. A changed byte must make openssl reject it.
#
# Usage: image_openssl.sh IMAGE_GEN WORK_DIR
# Exit 0 pass, 1 fail, 77 skipped (no openssl).
set -eu
gen=$1
work=$2

if ! command -v openssl >/dev/null 2>&1; then
    echo "SKIP image_openssl: openssl not installed"
    exit 77
fi
mkdir -p "$work"
cd "$work"
"$gen" image.bin pub.der
openssl pkey -pubin -inform DER -in pub.der -out pub.pem

# Little-endian fields of the fixed header.
header_size=$(od -An -tu2 -j6 -N2 --endian=little image.bin | tr -d ' ')
payload_size=$(od -An -tu4 -j12 -N4 --endian=little image.bin | tr -d ' ')
protected_size=$((header_size + payload_size))
head -c "$protected_size" image.bin > protected.bin

hex() { od -An -tx1 -v -j "$1" -N "$2" image.bin | tr -d ' \n'; }
digest=$(hex $((protected_size + 8)) 32)
key_id=$(hex $((protected_size + 40)) 32)
r=$(hex $((protected_size + 72)) 32)
s=$(hex $((protected_size + 104)) 32)

fail() { echo "FAIL image_openssl: $*"; exit 1; }

computed=$(openssl dgst -sha256 -r protected.bin | cut -d' ' -f1)
[ "$computed" = "$digest" ] || fail "trailer digest $digest, openssl says $computed"

point_id=$(tail -c 65 pub.der | openssl dgst -sha256 -r | cut -d' ' -f1)
[ "$point_id" = "$key_id" ] || fail "trailer key ID $key_id, SHA-256 of the point is $point_id"

printf 'asn1=SEQUENCE:sig\n[sig]\nr=INTEGER:0x%s\ns=INTEGER:0x%s\n' "$r" "$s" > sig.cnf
openssl asn1parse -genconf sig.cnf -out sig.der -noout
openssl dgst -sha256 -verify pub.pem -signature sig.der protected.bin \
    || fail "openssl rejects the signature"

# One changed payload byte: openssl must reject.
cp protected.bin tampered.bin
printf 'X' | dd of=tampered.bin bs=1 seek=$((protected_size - 1)) conv=notrunc 2>/dev/null
if openssl dgst -sha256 -verify pub.pem -signature sig.der tampered.bin >/dev/null 2>&1; then
    fail "openssl accepts a tampered image"
fi
echo "ok   image_openssl: digest, key ID and signature agree with openssl"
