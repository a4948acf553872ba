#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Password-encrypted PKCS#8 keys, both directions with openssl: ferry keygen
# --encrypt writes what openssl reads, ferry reads what openssl pkcs8 -topk8
# -v2, openssl pkey -aes256 and openssl genpkey -aes256 write, and every
# command that reads a key takes the passphrase from --passphrase-file or
# FERRY_KEY_PASSPHRASE. Other schemes, a wrong or missing passphrase and
# damaged files are refused with one line.
set -eu
. "$(dirname "$0")/lib.sh"
need_openssl
unset FERRY_KEY_PASSPHRASE FERRY_PKCS11_MODULE FERRY_PKCS11_PIN || true

make_payload app.bin 700
printf 'correct horse battery staple\n' > pass.txt
printf 'correct horse battery staple\r\n' > pass-crlf.txt
printf 'wrong horse\n' > wrong.txt
printf '\n' > empty.txt
phrase='correct horse battery staple'

# ferry writes, openssl reads.
expect_ok "$ferry" keygen -k ferry.pem --encrypt --passphrase-file pass.txt
grep -q "^wrote ferry.pem (encrypted), key ID [0-9a-f]\{64\}$" out.txt || fail "keygen: $(cat out.txt)"
[ "$(head -n 1 ferry.pem)" = "-----BEGIN ENCRYPTED PRIVATE KEY-----" ] || fail "not an ENCRYPTED PRIVATE KEY"
[ "$(stat -c %a ferry.pem)" = 600 ] || fail "mode $(stat -c %a ferry.pem), expected 600"
openssl asn1parse -in ferry.pem > asn1.txt
for want in ":PBES2" ":PBKDF2" ":hmacWithSHA256" ":aes-256-cbc" "INTEGER *:0927C0"; do
    grep -q "$want" asn1.txt || fail "ferry's encrypted key lacks $want: $(cat asn1.txt)"
done
openssl pkey -in ferry.pem -passin file:pass.txt -pubout -out ferry.pub 2>/dev/null \
    || fail "openssl cannot decrypt ferry's key"
if openssl pkey -in ferry.pem -passin file:wrong.txt -noout 2>/dev/null; then
    fail "openssl decrypted ferry's key with the wrong passphrase"
fi
expect_ok "$ferry" getpub -k ferry.pem --passphrase-file pass.txt
cmp -s out.txt ferry.pub || fail "getpub of the encrypted key differs from openssl's public key"
expect_ok env FERRY_KEY_PASSPHRASE="$phrase" "$ferry" keygen -k env.pem --encrypt
openssl pkey -in env.pem -passin file:pass.txt -noout 2>/dev/null \
    || fail "openssl cannot decrypt a key encrypted with the passphrase from the environment"

# Every command that reads a key reads it: sign, verify, getpub, publish.
expect_ok "$ferry" sign -k ferry.pem --passphrase-file pass.txt --version 1.0.0 \
    --device-class board app.bin app.img
expect_ok "$ferry" verify -k ferry.pub app.img
expect_ok env FERRY_KEY_PASSPHRASE="$phrase" "$ferry" verify -k ferry.pem --device-class board app.img
expect_ok env FERRY_KEY_PASSPHRASE="$phrase" "$ferry" getpub -k ferry.pem --format id
expect_ok env FERRY_KEY_PASSPHRASE="$phrase" "$ferry" publish -k ferry.pem --repo repo app.img
expect_ok "$ferry" publish --verify-repo repo -k ferry.pem --passphrase-file pass-crlf.txt
# The option wins over the environment.
expect_ok env FERRY_KEY_PASSPHRASE=wrong "$ferry" getpub -k ferry.pem --passphrase-file pass.txt
# The same key decrypted by openssl signs the same bytes (RFC 6979).
openssl pkey -in ferry.pem -passin file:pass.txt -out ferry-plain.pem
expect_ok "$ferry" sign -k ferry-plain.pem --version 1.0.0 --device-class board app.bin plain.img
cmp -s app.img plain.img || fail "the decrypted key signs differently"

# openssl writes, ferry reads: each form gives the plain key's public key.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out plain.pem 2>/dev/null
openssl pkey -in plain.pem -pubout -out plain.pub
reads() { # reads FILE: getpub with the passphrase gives plain.pub
    expect_ok "$ferry" getpub -k "$1" --passphrase-file pass.txt
    cmp -s out.txt plain.pub || fail "$1: getpub differs from the plain key's public key"
}
openssl pkcs8 -topk8 -v2 aes-256-cbc -in plain.pem -passout file:pass.txt -out o-aes256.pem
reads o-aes256.pem
openssl pkcs8 -topk8 -v2 aes-192-cbc -in plain.pem -passout file:pass.txt -out o-aes192.pem
reads o-aes192.pem
openssl pkcs8 -topk8 -v2 aes-128-cbc -in plain.pem -passout file:pass.txt -out o-aes128.pem
reads o-aes128.pem
openssl pkcs8 -topk8 -v2 aes-256-cbc -iter 1 -in plain.pem -passout file:pass.txt -out o-iter1.pem
reads o-iter1.pem
openssl pkey -in plain.pem -aes256 -passout file:pass.txt -out o-pkey.pem
reads o-pkey.pem
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -aes256 -pass file:pass.txt \
    -out o-genpkey.pem 2>/dev/null
expect_ok "$ferry" sign -k o-genpkey.pem --passphrase-file pass.txt --version 1.0.0 \
    --device-class board app.bin o.img
openssl pkey -in o-genpkey.pem -passin file:pass.txt -pubout -out o-genpkey.pub
expect_ok "$ferry" verify -k o-genpkey.pub o.img
# A UTF-8 passphrase is used as its bytes, as openssl does.
printf 'p\303\244ssw\303\266rd\n' > utf8.txt
openssl pkcs8 -topk8 -v2 aes-256-cbc -in plain.pem -passout file:utf8.txt -out o-utf8.pem
expect_ok "$ferry" getpub -k o-utf8.pem --passphrase-file utf8.txt
cmp -s out.txt plain.pub || fail "UTF-8 passphrase: getpub differs"

# Refusals, one line each, nothing written.
expect_error 1 "sign: ferry.pem: cannot decrypt the private key: wrong passphrase (or a damaged file)" \
    "$ferry" sign -k ferry.pem --passphrase-file wrong.txt --version 1.0.0 --device-class b app.bin x.img
[ ! -e x.img ] || fail "an image was written with a wrong passphrase"
expect_error 1 "getpub: o-aes256.pem: cannot decrypt the private key: wrong passphrase" env FERRY_KEY_PASSPHRASE=wrong \
    "$ferry" getpub -k o-aes256.pem
expect_error 1 "getpub: ferry.pem: encrypted private key: give its passphrase with --passphrase-file FILE or the environment variable FERRY_KEY_PASSPHRASE" \
    "$ferry" getpub -k ferry.pem
expect_error 1 "verify: ferry.pem: encrypted private key: give its passphrase" \
    "$ferry" verify -k ferry.pem app.img
expect_error 1 "getpub: empty.txt: the first line is empty" \
    "$ferry" getpub -k ferry.pem --passphrase-file empty.txt
expect_error 1 "getpub: nothing.txt: cannot read: No such file or directory" \
    "$ferry" getpub -k ferry.pem --passphrase-file nothing.txt
expect_error 2 "keygen: --encrypt needs a passphrase: give --passphrase-file FILE or set FERRY_KEY_PASSPHRASE" \
    "$ferry" keygen -k nopass.pem --encrypt
[ ! -e nopass.pem ] || fail "keygen wrote a key without a passphrase"

refused() { # refused FILE TEXT
    expect_error 1 "getpub: $1: $2" "$ferry" getpub -k "$1" --passphrase-file pass.txt
}
openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA512 -in plain.pem -passout file:pass.txt -out sha512.pem
refused sha512.pem "encrypted private key uses PBKDF2 with hmacWithSHA512: ferry reads PBES2 with PBKDF2-HMAC-SHA256 and AES-CBC"
openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA1 -in plain.pem -passout file:pass.txt -out sha1.pem
refused sha1.pem "encrypted private key uses PBKDF2 with HMAC-SHA1 (the default)"
openssl pkcs8 -topk8 -scrypt -in plain.pem -passout file:pass.txt -out scrypt.pem
refused scrypt.pem "encrypted private key uses the key derivation function scrypt"
openssl pkcs8 -topk8 -v1 PBE-SHA1-3DES -in plain.pem -passout file:pass.txt -out pbes1.pem
refused pbes1.pem "encrypted private key uses the encryption scheme PKCS#12 PBE (SHA-1, 3DES)"
openssl pkcs8 -topk8 -v2 des3 -in plain.pem -passout file:pass.txt -out des3.pem
refused des3.pem "encrypted private key uses the cipher des-ede3-cbc"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out p384.pem 2>/dev/null
openssl pkcs8 -topk8 -v2 aes-256-cbc -in p384.pem -passout file:pass.txt -out p384-enc.pem
refused p384-enc.pem "EC private key on curve P-384: only P-256 (prime256v1) is supported"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.pem 2>/dev/null
openssl pkcs8 -topk8 -v2 aes-256-cbc -in rsa.pem -passout file:pass.txt -out rsa-enc.pem
refused rsa-enc.pem "RSA private key: only EC P-256 (prime256v1) keys are supported"

# Damaged files: a changed ciphertext byte, a truncated structure.
openssl pkcs8 -topk8 -v2 aes-256-cbc -in plain.pem -passout file:pass.txt -outform DER -out o.der
size=$(file_size o.der)
flip o.der flipped.der $((size - 1)) 0x55
openssl pkey -inform DER -in flipped.der -passin file:pass.txt -noout 2>/dev/null \
    && fail "openssl accepted the damaged key: nothing was tested"
{ echo "-----BEGIN ENCRYPTED PRIVATE KEY-----"; openssl base64 -in flipped.der; \
  echo "-----END ENCRYPTED PRIVATE KEY-----"; } > flipped.pem
refused flipped.pem "cannot decrypt the private key: wrong passphrase (or a damaged file)"
head -c $((size - 20)) o.der > short.der
{ echo "-----BEGIN ENCRYPTED PRIVATE KEY-----"; openssl base64 -in short.der; \
  echo "-----END ENCRYPTED PRIVATE KEY-----"; } > short.pem
refused short.pem "malformed ENCRYPTED PRIVATE KEY (not a DER EncryptedPrivateKeyInfo)"

echo "ok   $test_name"
