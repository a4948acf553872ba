#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Keys written by openssl in each of its usual forms work; ferry's own keys
# and public keys are byte-identical to what openssl writes; keys of other
# types and curves are refused with a message naming the problem.
set -eu
. "$(dirname "$0")/lib.sh"
need_openssl

make_payload app.bin 300

sign_with() {
    expect_ok "$ferry" sign -k "$1" --version 1.0.0 --device-class board app.bin "$1.img"
    openssl pkey -in "$1" -pubout -out "$1.pub" 2>/dev/null
    expect_ok "$ferry" verify -k "$1.pub" "$1.img"
    grep -q "^OK " out.txt || fail "verify with the openssl public key of $1: $(cat out.txt)"
    # getpub writes exactly the PEM openssl writes for the same key.
    expect_ok "$ferry" getpub -k "$1"
    cmp -s out.txt "$1.pub" || fail "getpub -k $1 differs from openssl pkey -pubout"
}

openssl ecparam -name prime256v1 -genkey -noout -out sec1.pem
grep -q "BEGIN EC PRIVATE KEY" sec1.pem || fail "expected a SEC1 key from ecparam -noout"
grep -q "EC PARAMETERS" sec1.pem && fail "ecparam -noout wrote EC PARAMETERS"
sign_with sec1.pem

openssl ecparam -name prime256v1 -genkey -out params.pem
grep -q "BEGIN EC PARAMETERS" params.pem || fail "expected an EC PARAMETERS block"
sign_with params.pem

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out pkcs8.pem 2>/dev/null
grep -q "BEGIN PRIVATE KEY" pkcs8.pem || fail "expected a PKCS#8 key from genpkey"
sign_with pkcs8.pem

# Keys ferry writes are read by openssl, and the public halves agree.
expect_ok "$ferry" keygen -k ferry.pem
openssl pkey -in ferry.pem -pubout -out ferry.pem.pub 2>/dev/null || fail "openssl cannot read a ferry key"
expect_ok "$ferry" getpub -k ferry.pem
cmp -s out.txt ferry.pem.pub || fail "ferry getpub and openssl disagree on ferry.pem"

# The key ID is SHA-256 of the 65-byte point (the tail of the DER public key).
openssl pkey -pubin -in pkcs8.pem.pub -outform DER -out pub.der
want=$(tail -c 65 pub.der | openssl dgst -sha256 -r | cut -d' ' -f1)
expect_ok "$ferry" getpub -k pkcs8.pem --format id
[ "$(cat out.txt)" = "$want" ] || fail "key ID $(cat out.txt), SHA-256 of the point is $want"

# Refused, each with a precise reason.
refuse() { # refuse FILE TEXT: sign and getpub both refuse FILE saying TEXT
    expect_error 1 "sign: $1: $2" "$ferry" sign -k "$1" --version 1.0.0 --device-class b app.bin x.img
    [ ! -e x.img ] || fail "an image was written with $1"
    expect_error 1 "getpub: $1: $2" "$ferry" getpub -k "$1"
}
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out p384.pem 2>/dev/null
refuse p384.pem "EC private key on curve P-384: only P-256 (prime256v1) is supported"
openssl ecparam -name secp384r1 -genkey -noout -out p384sec1.pem
refuse p384sec1.pem "EC private key on curve P-384: only P-256 (prime256v1) is supported"
openssl ecparam -name secp384r1 -genkey -out p384params.pem
refuse p384params.pem "EC PARAMETERS name curve P-384: only P-256 (prime256v1) is supported"
openssl pkey -in p384.pem -pubout -out p384pub.pem
refuse p384pub.pem "EC public key on curve P-384: only P-256 (prime256v1) is supported"
expect_error 1 "verify: p384pub.pem: EC public key on curve P-384" \
    "$ferry" verify -k p384pub.pem sec1.pem.img

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.pem 2>/dev/null
refuse rsa.pem "RSA private key: only EC P-256 (prime256v1) keys are supported"
openssl pkey -in rsa.pem -traditional -out rsa-trad.pem
grep -q "BEGIN RSA PRIVATE KEY" rsa-trad.pem || fail "expected a traditional RSA key"
refuse rsa-trad.pem "RSA key: only EC P-256 (prime256v1) keys are supported"
openssl pkey -in rsa.pem -pubout -out rsapub.pem
refuse rsapub.pem "RSA public key: only EC P-256 (prime256v1) keys are supported"

openssl genpkey -algorithm ed25519 -out ed.pem 2>/dev/null
refuse ed.pem "private key of an unsupported type: only EC P-256 (prime256v1) keys are supported"
openssl pkey -in ed.pem -pubout -out edpub.pem
refuse edpub.pem "Ed25519 public key: only EC P-256 (prime256v1) keys are supported"

# Encrypted PKCS#8 keys need their passphrase (tests/cli/encrypted_keys.sh
# reads them with it).
unset FERRY_KEY_PASSPHRASE || true
openssl pkey -in pkcs8.pem -aes256 -passout pass:secret -out encrypted.pem
refuse encrypted.pem "encrypted private key: give its passphrase with --passphrase-file FILE or the environment variable FERRY_KEY_PASSPHRASE"
# The legacy OpenSSL encryption of a SEC1 key: PEM headers inside the block.
openssl ec -in sec1.pem -aes256 -passout pass:secret -out legacy-enc.pem 2>/dev/null
grep -q "^Proc-Type: 4,ENCRYPTED" legacy-enc.pem || fail "expected a Proc-Type header from openssl ec -aes256"
refuse legacy-enc.pem 'PEM block "EC PRIVATE KEY" is encrypted the legacy OpenSSL way (Proc-Type: 4,ENCRYPTED): ferry reads encrypted keys as PKCS#8 only; convert it (openssl pkcs8 -topk8 -v2 aes-256-cbc -in KEY -out KEY8.pem)'

openssl pkey -in pkcs8.pem -pubout -ec_conv_form compressed -out compressed.pem
refuse compressed.pem "compressed public point"

head -n 2 pkcs8.pem > truncated.pem
refuse truncated.pem 'PEM block "PRIVATE KEY" has no END line'
openssl req -x509 -key pkcs8.pem -subj /CN=ferry-test -days 1 -out cert.pem 2>/dev/null
refuse cert.pem "a certificate, not a key: extract its key with openssl x509 -pubkey -noout"
echo "not a key" > text.pem
refuse text.pem "no PEM block found"

cat sec1.pem pkcs8.pem > two.pem
refuse two.pem "more than one key in the file"

expect_error 1 "sign: pkcs8.pem.pub: a public key cannot sign: give the private key" \
    "$ferry" sign -k pkcs8.pem.pub --version 1.0.0 --device-class b app.bin x.img

echo "ok   $test_name"
