#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Cross-checks ferry-ecies-v1 and the content cipher with openssl, value by
# value (docs/encryption-crypto.md):
#   Q, E      openssl's public keys of the class and ephemeral scalars
#   Z         openssl pkeyutl -derive, both ways (e with Q as the host does,
#             d with E as the device does)
#   KEK       openssl kdf HKDF, SHA-256, no salt, info "ferry-ecies-v1"||E||Q
#   WRAPPED   openssl enc -id-aes128-wrap (RFC 3394, IV A6A6A6A6A6A6A6A6)
#   UNWRAPPED the device's unwrap gives K back
#   CTR       openssl enc -aes-128-ctr with IV nonce||00000000 against the
#             device's seekable call, from offset 0 and from an unaligned one
# Once with fixed scalars and key (the known answer of tests/test_enc.c),
# once with keys openssl generates.
#
# Usage: enc_openssl.sh ENC_VECTOR_TOOL WORK_DIR
# Exit 0 pass, 1 fail, 77 skipped (no openssl).
set -eu
tool=$1
work=$2

if ! command -v openssl >/dev/null 2>&1; then
    echo "SKIP enc_openssl: openssl not installed"
    exit 77
fi
mkdir -p "$work"
cd "$work"

fail() { echo "FAIL enc_openssl: $*"; exit 1; }
hex() { od -An -tx1 -v | tr -d ' \n'; }
# Hex to bytes with POSIX printf (octal escapes).
unhex() {
    h=$1
    out=""
    while [ -n "$h" ]; do
        b=${h%"${h#??}"}
        h=${h#??}
        out="$out\\$(printf '%03o' "0x$b")"
    done
    printf "$out"
}
lower() { echo "$1" | tr 'A-F' 'a-f'; }
same() { # NAME FERRY OPENSSL
    [ "$(lower "$2")" = "$(lower "$3")" ] || fail "$1: ferry $2, openssl $3"
}

# PEM private key of the P-256 scalar $1 (hex) in $2.
key_from_scalar() {
    printf 'asn1=SEQUENCE:ec\n[ec]\nv=INTEGER:1\nd=FORMAT:HEX,OCTETSTRING:%s\np=EXPLICIT:0,OID:prime256v1\n' "$1" > "$2.cnf"
    openssl asn1parse -genconf "$2.cnf" -out "$2.der" -noout
    openssl ec -inform DER -in "$2.der" -out "$2" 2>/dev/null
}
# The private scalar (hex) of a fresh openssl P-256 key written to $1: in
# the ECPrivateKey DER, 30 77 02 01 01 04 20 <32 bytes>.
key_generate() {
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
    openssl ec -in "$1" -outform DER 2>/dev/null | od -An -tx1 -v -j7 -N32 | tr -d ' \n'
}
# The uncompressed point (hex) of private key $1; its public PEM in $2.
pub_of() {
    openssl pkey -in "$1" -pubout -out "$2"
    openssl pkey -pubin -in "$2" -outform DER | tail -c 65 | hex
}
field() { sed -n "s/^$1=//p" vectors.txt; }

check_case() { # NAME D_HEX E_HEX K_HEX (keys in d.pem and e.pem)
    name=$1 d=$2 e=$3 k=$4
    "$tool" wrap "$d" "$e" "$k" > vectors.txt || fail "$name: the vector tool failed: $(cat vectors.txt)"

    q_ossl=$(pub_of d.pem q.pem)
    e_ossl=$(pub_of e.pem E.pem)
    same "$name Q" "$(field Q)" "$q_ossl"
    same "$name E" "$(field E)" "$e_ossl"

    z_host=$(openssl pkeyutl -derive -inkey e.pem -peerkey q.pem | hex)
    z_dev=$(openssl pkeyutl -derive -inkey d.pem -peerkey E.pem | hex)
    same "$name Z (e, Q)" "$(field Z)" "$z_host"
    same "$name Z (d, E)" "$(field Z)" "$z_dev"

    label=$(printf 'ferry-ecies-v1' | hex)
    kek=$(openssl kdf -binary -keylen 16 -kdfopt digest:SHA256 -kdfopt "hexkey:$z_host" \
              -kdfopt "hexinfo:$label$e_ossl$q_ossl" HKDF | hex)
    same "$name KEK" "$(field KEK)" "$kek"

    wrapped=$(unhex "$k" | openssl enc -id-aes128-wrap -K "$kek" -iv A6A6A6A6A6A6A6A6 | hex)
    same "$name WRAPPED" "$(field WRAPPED)" "$wrapped"
    same "$name UNWRAPPED" "$(field UNWRAPPED)" "$k"

    # Content: 5000 bytes, one stream; then the tail from an unaligned offset.
    nonce=$(openssl rand -hex 12)
    openssl rand -out plain.bin 5000
    openssl enc -aes-128-ctr -K "$k" -iv "${nonce}00000000" -in plain.bin -out ct_ossl.bin
    "$tool" ctr "$k" "$nonce" 0 plain.bin ct_ferry.bin || fail "$name: ctr failed"
    cmp -s ct_ferry.bin ct_ossl.bin || fail "$name CTR: ferry and openssl ciphertexts differ"
    tail -c +4102 ct_ossl.bin > tail_ct.bin   # bytes from offset 4101
    tail -c +4102 plain.bin > tail_plain.bin
    "$tool" ctr "$k" "$nonce" 4101 tail_ct.bin tail_dec.bin || fail "$name: ctr at 4101 failed"
    cmp -s tail_dec.bin tail_plain.bin || fail "$name CTR at offset 4101: decryption differs"
    echo "ok   enc_openssl $name: Q E Z KEK WRAPPED UNWRAPPED CTR agree"
    echo "     E=$(field E)"
    echo "     Z=$(field Z) KEK=$(field KEK) WRAPPED=$(field WRAPPED)"
}

# Fixed: the RFC 6979 A.2.5 key as the class key, the known answer's e and K.
d=C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721
e=5D7A1F0C2B3E4D6F8091A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F7
k=000102030405060708090A0B0C0D0E0F
key_from_scalar "$d" d.pem
key_from_scalar "$e" e.pem
check_case fixed "$d" "$e" "$k"

# Keys openssl generates, a random content key.
d=$(key_generate d.pem)
e=$(key_generate e.pem)
k=$(openssl rand -hex 16)
check_case random "$d" "$e" "$k"
echo "2 passed, 0 failed"
