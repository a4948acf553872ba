#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# ferry verify against damaged and mismatched images. Each case must exit 1,
# print nothing on stdout (no "OK") and one stderr line naming exactly what
# is wrong.
set -eu
. "$(dirname "$0")/lib.sh"

expect_ok "$ferry" keygen -k key.pem
expect_ok "$ferry" keygen -k other.pem
make_payload app.bin 1986                        # 2000 bytes
expect_ok "$ferry" sign -k key.pem --version 1.0.0 --device-class board-a --vendor example.com \
    --name hostile app.bin good.img
expect_ok "$ferry" uuid --vendor example.com --device-class board-a
class_a=$(sed -n 's/^class-id  //p' out.txt)
vendor=$(sed -n 's/^vendor-id //p' out.txt)
expect_ok "$ferry" uuid --vendor example.com --device-class board-b
class_b=$(sed -n 's/^class-id  //p' out.txt)
expect_ok "$ferry" uuid --vendor other.example
vendor_other=$(sed -n 's/^vendor-id //p' out.txt)

header=512
payload=2000
trailer=$((header + payload))                    # 2512
total=$((trailer + 136))                         # 2648
[ "$(file_size good.img)" = "$total" ] || fail "good.img is $(file_size good.img) bytes"
expect_ok "$ferry" verify -k key.pem --vendor example.com --device-class board-a good.img

v() { "$ferry" verify -k key.pem "$@"; }
digest="image digest mismatch (the protected bytes were modified after signing)"

# case OFFSET MASK TEXT: good.img with one byte changed is rejected with TEXT.
case_flip() {
    flip good.img bad.img "$1" "$2"
    expect_error 1 "verify: bad.img: $3" v bad.img
}

# Fixed header.
case_flip 0 1 'no image magic (the file starts with 47 52 52 59, not "FRRY": an unsigned binary?)'
case_flip 4 2 "unknown image format version (format version 3; this tool reads version 1)"
case_flip 6 1 "image header inconsistent (header size 513 is not a multiple of 8)"
case_flip 6 8 "image truncated (the file has $total bytes, the header describes $((total + 8)))"
case_flip 8 2 "image header inconsistent (metadata size 54 is not a multiple of 4)"
case_flip 10 1 "image header inconsistent (reserved field is 0x0001, must be 0)"
case_flip 13 8 "image truncated (the file has $total bytes, the header describes $((total + 2048)))"
case_flip 16 128 "image header inconsistent (unknown flag bits 0x00000080)"
case_flip 20 1 "$digest"                         # major
case_flip 24 64 "$digest"                        # build
case_flip 28 1 "$digest"                         # security counter
# Metadata.
case_flip 32 2 "unknown critical image metadata"  # vendor type 0x8001 -> 0x8003
case_flip 34 1 "image metadata malformed"         # vendor length 16 -> 17
case_flip 39 4 "$digest"                          # vendor UUID byte
case_flip 53 128 "required image metadata missing" # class type 0x8002 -> 0x0002
case_flip 60 1 "$digest"                          # class UUID byte
case_flip 78 32 "$digest"                         # name byte
case_flip 300 1 "$digest"                         # header padding
# Payload.
case_flip $header 1 "$digest"
case_flip 1500 16 "$digest"
case_flip $((trailer - 1)) 128 "$digest"
# Trailer.
case_flip $trailer 1 "image trailer invalid (magic 0x4c525447, size 136, signature type 1"
case_flip $((trailer + 4)) 1 "image trailer invalid (magic 0x4c525446, size 137"
case_flip $((trailer + 6)) 2 "image trailer invalid (magic 0x4c525446, size 136, signature type 3"
case_flip $((trailer + 8)) 1 "$digest"            # stored digest
case_flip $((trailer + 39)) 128 "$digest"
case_flip $((trailer + 40)) 1 "image signed by untrusted key (signed by key "
case_flip $((trailer + 72)) 1 "image signature invalid (the signature was not made by key "
case_flip $((trailer + 110)) 4 "image signature invalid"
case_flip $((total - 1)) 1 "image signature invalid"

# Length.
head -c $((total - 1)) good.img > bad.img
expect_error 1 "verify: bad.img: image truncated (the file has $((total - 1)) bytes, the header describes $total)" v bad.img
head -c $trailer good.img > bad.img
expect_error 1 "image truncated (the file has $trailer bytes, the header describes $total)" v bad.img
head -c 20 good.img > bad.img
expect_error 1 "image truncated (the file has 20 bytes, less than the 32-byte header)" v bad.img
: > bad.img
expect_error 1 "image truncated (the file is empty)" v bad.img
cp good.img bad.img
printf '\0' >> bad.img
expect_error 1 "bytes after image trailer (the file has $((total + 1)) bytes but the image ends at $total)" v bad.img
cat good.img good.img > bad.img
expect_error 1 "bytes after image trailer" v bad.img
expect_error 1 "verify: app.bin: no image magic (the file starts with 61 61 61 61" v app.bin

# Policy: key, class, vendor, slot.
key_id=$("$ferry" getpub -k key.pem --format id | cut -c1-16)
expect_error 1 "verify: good.img: image signed by untrusted key (signed by key $key_id..., not one of the 1 key(s) given with -k)" \
    "$ferry" verify -k other.pem good.img
expect_ok "$ferry" verify -k other.pem -k key.pem good.img
expect_error 1 "image device class mismatch (the image is for device class $class_a, expected $class_b)" \
    v --vendor example.com --device-class board-b good.img
expect_error 1 "image device class mismatch" v --device-class "$class_b" good.img
expect_error 1 "image device class mismatch" v --device-class board-a good.img  # default vendor's namespace
expect_error 1 "image vendor mismatch (the image is for vendor $vendor, expected $vendor_other)" \
    v --vendor other.example good.img
expect_error 1 "image does not fit the slot (the image is $total bytes, 1 more than the $((total - 1))-byte slot)" \
    v --slot-size $((total - 1)) good.img
expect_ok v --slot-size $total good.img

# sign refuses what would not fit, saying by how much, and writes nothing.
expect_error 1 "sign: app.bin: the image would be $total bytes, 1 more than the $((total - 1))-byte slot (--slot-size)" \
    "$ferry" sign -k key.pem --version 1.0.0 --device-class b --slot-size $((total - 1)) app.bin big.img
[ ! -e big.img ] || fail "sign wrote an image that does not fit"
expect_error 1 "sign: app.bin: the image would be $total bytes, $((total - 2048)) more than the 2048-byte slot" \
    "$ferry" sign -k key.pem --version 1.0.0 --device-class b --slot-size 2K app.bin big.img
expect_ok "$ferry" sign -k key.pem --version 1.0.0 --device-class b --slot-size $total app.bin fit.img
: > empty.bin
expect_error 1 "sign: empty.bin: the payload is empty" \
    "$ferry" sign -k key.pem --version 1.0.0 --device-class b empty.bin empty.img
expect_error 1 "sign: app.bin: header size 64 is too small: header and metadata need 80 bytes" \
    "$ferry" sign -k key.pem --version 1.0.0 --device-class b --name x --header-size 64 app.bin s.img

# info rejects what is malformed but shows a digest mismatch.
flip good.img bad.img 1500 16
expect_ok "$ferry" info bad.img
grep -q "^digest: .*(MISMATCH: the protected bytes were modified)$" out.txt || fail "info: $(cat out.txt)"
flip good.img bad.img 10 1
expect_error 1 "info: bad.img: image header inconsistent (reserved field is 0x0001, must be 0)" \
    "$ferry" info bad.img

echo "ok   $test_name"
