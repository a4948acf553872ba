#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Encrypted images from the command line (docs/encryption.md): a class key
# pair, sign --encrypt, info, verify without and with the class private key,
# and the refusals: another class key, a changed ciphertext byte, a changed
# wrapped key, a truncated file. The signature over the header checks with
# openssl as docs/image-format.md section 13 says; no 64-byte run of the
# plaintext is anywhere in the encrypted file.
# Usage: encrypt.sh FERRY WORK_DIR
set -eu
. "$(dirname "$0")/lib.sh"
unset FERRY_KEY_PASSPHRASE FERRY_PKCS11_MODULE FERRY_PKCS11_PIN || true

"$ferry" keygen -k sign.pem >/dev/null
"$ferry" keygen --class -k class.pem > keygen.out
grep -q "device-class key pair" keygen.out || fail "keygen --class: $(cat keygen.out)"
"$ferry" keygen --class -k other.pem >/dev/null
"$ferry" getpub -k sign.pem > sign_pub.pem
"$ferry" getpub -k class.pem > class_pub.pem
class_id=$("$ferry" getpub -k class.pem --format id)
python3 -c "import sys; sys.stdout.buffer.write(bytes((i * 7 + (i >> 8) * 13) & 255 for i in range(70000)))" > app.bin

"$ferry" sign -k sign.pem --version 2.1.0 --device-class thermo --raw --encrypt class_pub.pem \
    app.bin app.img > sign.out
grep -q "encrypted for class key ID $(echo "$class_id" | cut -c1-16)" sign.out \
    || fail "sign --encrypt: $(cat sign.out)"

"$ferry" info --json app.img > info.json
[ "$(jq -r .encrypted info.json)" = true ] || fail "info: not encrypted: $(cat info.json)"
[ "$(jq -r .class_key_id info.json)" = "$class_id" ] || fail "info: class key id"
[ "$(jq -r .digest_matches info.json)" = true ] || fail "info: digest does not match"
"$ferry" info app.img | grep -q "^encrypted:        yes, AES-128-CTR, key wrapped for class key ID $class_id" \
    || fail "info text: $("$ferry" info app.img)"

# Stored form: checked without the class key; with it, decrypted too.
"$ferry" verify -k sign_pub.pem --device-class thermo app.img > v1.out
grep -q "^OK app.img: version 2.1.0.*encrypted for class key .*(ciphertext checked; plaintext not" v1.out \
    || fail "verify: $(cat v1.out)"
"$ferry" verify -k sign_pub.pem --decrypt-key class.pem app.img > v2.out
grep -q "decrypts to its signed plaintext" v2.out || fail "verify --decrypt-key: $(cat v2.out)"
expect_error 1 "encrypted for a class key this device does not hold" \
    "$ferry" verify -k sign_pub.pem --decrypt-key other.pem app.img

# No plaintext in the file: every 64-byte run of the payload is looked for.
python3 - app.bin app.img <<'PY' || fail "a 64-byte run of the plaintext is in the encrypted image"
import sys
plain = open(sys.argv[1], "rb").read()
img = open(sys.argv[2], "rb").read()
sys.exit(1 if any(plain[i:i + 64] in img for i in range(0, len(plain) - 64, 61)) else 0)
PY

hs=$(od -An -tu2 -j6 -N2 --endian=little app.img | tr -d ' ')
flip() { # flip FILE OFFSET: xor one byte with 0x01 in a copy
    python3 -c "import sys; d = bytearray(open(sys.argv[1],'rb').read()); d[int(sys.argv[2])] ^= 1; open(sys.argv[3],'wb').write(d)" "$1" "$2" "$3"
}
flip app.img $((hs + 1000)) bad_cipher.img
expect_error 1 "encrypted payload does not match its signed digest" \
    "$ferry" verify -k sign_pub.pem bad_cipher.img
# The wrapped key lies in the encryption entry: find it after its type 0x8005.
wrap_off=$(python3 -c "
import sys
d = open('app.img','rb').read(); pos = 32; end = 32 + int.from_bytes(d[8:10], 'little')
while pos < end:
    t = int.from_bytes(d[pos:pos+2], 'little'); l = int.from_bytes(d[pos+2:pos+4], 'little')
    if t == 0x8005: print(pos + 4 + 101); break
    pos += 4 + ((l + 3) & ~3)
")
flip app.img "$wrap_off" bad_wrap.img
expect_error 1 "digest" "$ferry" verify -k sign_pub.pem bad_wrap.img
head -c $(( $(wc -c < app.img) - 1 )) app.img > short.img
expect_error 1 "truncated" "$ferry" verify -k sign_pub.pem short.img

# The signature is openssl's ECDSA-SHA256 over the header bytes.
if command -v openssl >/dev/null 2>&1; then
    head -c "$hs" app.img > header.bin
    total=$(wc -c < app.img)
    sig_off=$((total - 136 + 72))
    r=$(od -An -tx1 -v -j "$sig_off" -N32 app.img | tr -d ' \n')
    s=$(od -An -tx1 -v -j $((sig_off + 32)) -N32 app.img | tr -d ' \n')
    printf 'asn1=SEQUENCE:sig\n[sig]\nr=INTEGER:0x%s\ns=INTEGER:0x%s\n' "$r" "$s" > sig.cnf
    openssl asn1parse -genconf sig.cnf -out sig.der -noout
    openssl dgst -sha256 -verify sign_pub.pem -signature sig.der header.bin | grep -q "Verified OK" \
        || fail "openssl does not verify the signature over the header"
else
    echo "SKIP part: openssl not installed (the header signature check)"
fi
echo "PASS $test_name"
