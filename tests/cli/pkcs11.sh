#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Signing with a key that never leaves a PKCS#11 token, against SoftHSM2: the
# test makes its own token in the work directory, generates the keys inside
# it (p11keys: C_GenerateKeyPair), signs an image and a manifest through it,
# and has them checked by ferry verify, ferry publish --verify-repo and
# openssl. A wrong PIN, a missing object, keys that are not P-256, a key the
# token may not sign with, and every other refusal: one line each, nothing
# written.
# Usage: pkcs11.sh FERRY WORK_DIR SIGCONV P11KEYS ("none": built without PKCS#11)
set -eu
. "$(dirname "$0")/lib.sh"
sigconv=$3
p11keys=$4
need_openssl
unset FERRY_PKCS11_MODULE FERRY_PKCS11_PIN FERRY_KEY_PASSPHRASE || true

if [ "$p11keys" = none ]; then
    expect_error 1 "built without PKCS#11 support" \
        "$ferry" getpub -k 'pkcs11:token=release;object=fw-2027'
    echo "SKIP $test_name: ferry was built without PKCS#11 support (p11-kit not found); only its refusal was checked"
    exit 77
fi
if ! command -v softhsm2-util >/dev/null 2>&1; then
    echo "SKIP $test_name: softhsm2 not installed (Debian package softhsm2)"
    exit 77
fi
module=
for m in ${FERRY_TEST_SOFTHSM_MODULE:-} /usr/lib/softhsm/libsofthsm2.so \
         /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so /usr/lib64/softhsm/libsofthsm2.so \
         /usr/local/lib/softhsm/libsofthsm2.so; do
    if [ -f "$m" ]; then module=$m; break; fi
done
if [ -z "$module" ]; then
    echo "SKIP $test_name: softhsm2-util is installed but libsofthsm2.so was not found (set FERRY_TEST_SOFTHSM_MODULE)"
    exit 77
fi

# A private SoftHSM2 configuration: tokens live in the work directory only.
mkdir tokens
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' \
    "$work" > softhsm2.conf
SOFTHSM2_CONF=$work/softhsm2.conf
export SOFTHSM2_CONF
softhsm2-util --init-token --free --label release --pin 24680 --so-pin 13579 >/dev/null \
    || fail "softhsm2-util cannot create the token"
"$p11keys" "$module" release 24680 p256 fw-2027 01 || fail "cannot generate the P-256 key"
"$p11keys" "$module" release 24680 p384 big-curve 02 || fail "cannot generate the P-384 key"
"$p11keys" "$module" release 24680 rsa2048 rsa-key 03 || fail "cannot generate the RSA key"
"$p11keys" "$module" release 24680 p256 verify-only 04 nosign || fail "cannot generate the CKA_SIGN=false key"

printf '24680\n' > pin.txt
printf '11111\n' > wrong-pin.txt
key='pkcs11:token=release;object=fw-2027'
make_payload app.bin 3000

# getpub: the public key object is enough, no PIN needed; with the PIN and
# with the key ID the answer is the same.
expect_ok "$ferry" getpub --pkcs11-module "$module" -k "$key"
cp out.txt token.pub.pem
openssl pkey -pubin -in token.pub.pem -noout 2>/dev/null || fail "openssl cannot read getpub's PEM"
FERRY_PKCS11_MODULE=$module
export FERRY_PKCS11_MODULE
expect_ok "$ferry" getpub --pin-file pin.txt -k "pkcs11:token=release;id=%01;type=private"
cmp -s out.txt token.pub.pem || fail "the private key's public half differs from the public key object"
expect_ok "$ferry" getpub -k "$key" --format id
key_id=$(cat out.txt)

# An image signed through the token (PIN from a file, module from the
# environment) verifies with ferry and with openssl.
expect_ok "$ferry" sign -k "$key" --pin-file pin.txt --version 1.2.0 --device-class board \
    app.bin app.img
grep -q "^signed app.img: version 1.2.0, .* key ID $(printf %.16s "$key_id")" out.txt \
    || fail "sign output: $(cat out.txt)"
expect_ok "$ferry" verify -k token.pub.pem --device-class board app.img
grep -q "^OK app.img" out.txt || fail "verify: $(cat out.txt)"
expect_ok "$ferry" verify -k "$key" app.img
protected=$(($(le16 app.img 6) + $(le32 app.img 12)))
head -c "$protected" app.img > protected.bin
tail -c 64 app.img > sig.raw
"$sigconv" raw2der sig.raw sig.der
openssl dgst -sha256 -verify token.pub.pem -signature sig.der protected.bin >/dev/null \
    || fail "openssl rejects the token's image signature"

# A module path with a slash is taken from the current directory (p11-kit
# alone would look for it in its own module directory).
mkdir lib
ln -s "$module" lib/token-module.so
expect_ok "$ferry" getpub --pkcs11-module lib/token-module.so -k "$key"
cmp -s out.txt token.pub.pem || fail "getpub through a relative module path differs"

# The PIN from the environment and the module from the option work as well.
(
    unset FERRY_PKCS11_MODULE
    FERRY_PKCS11_PIN=24680
    export FERRY_PKCS11_PIN
    expect_ok "$ferry" sign --pkcs11-module "$module" -k "$key" --version 1.2.1 \
        --device-class board app.bin app2.img
)
expect_ok "$ferry" verify -k token.pub.pem app2.img

# A manifest signed through the token.
expect_ok "$ferry" publish -k "$key" --pin-file pin.txt --repo repo app.img
grep -q "^published repo/.*/manifest.json: version 1.2.0" out.txt || fail "publish: $(cat out.txt)"
expect_ok "$ferry" publish --verify-repo repo -k token.pub.pem
expect_ok "$ferry" publish --verify-repo repo -k "$key"
set -- repo/*/manifest.json
manifest=$1
[ "$(head -c 32 "$manifest.sig" | od -An -tx1 -v | tr -d ' \n')" = "$key_id" ] \
    || fail "the manifest signature file does not start with the token key's ID"
tail -c 64 "$manifest.sig" > msig.raw
"$sigconv" raw2der msig.raw msig.der
openssl dgst -sha256 -verify token.pub.pem -signature msig.der "$manifest" >/dev/null \
    || fail "openssl rejects the token's manifest signature"

# Refusals: one line, exit 1, no image written.
s() { "$ferry" sign --version 1.0.0 --device-class board "$@" app.bin x.img; }
no_image() { [ ! -e x.img ] || fail "an image was written: $*"; }
expect_error 1 "$key: wrong PIN for token 'release'" s -k "$key" --pin-file wrong-pin.txt
no_image wrong PIN
expect_error 1 "no private key 'missing' in token 'release'" \
    s -k 'pkcs11:token=release;object=missing' --pin-file pin.txt
no_image missing object
expect_error 1 "the key 'big-curve' in token 'release' is on curve P-384: only P-256 (prime256v1) is supported" \
    s -k 'pkcs11:token=release;object=big-curve' --pin-file pin.txt
no_image P-384
expect_error 1 "getpub: pkcs11:token=release;object=big-curve: the key 'big-curve' in token 'release' is on curve P-384" \
    "$ferry" getpub -k 'pkcs11:token=release;object=big-curve'
expect_error 1 "the key 'rsa-key' in token 'release' is an RSA key: only EC P-256 (prime256v1) keys are supported" \
    s -k 'pkcs11:token=release;object=rsa-key' --pin-file pin.txt
no_image RSA
expect_error 1 "the key 'verify-only' in token 'release' may not sign (its CKA_SIGN attribute is false)" \
    s -k 'pkcs11:token=release;object=verify-only' --pin-file pin.txt
no_image CKA_SIGN false
expect_error 1 "token 'release' needs its user PIN: give --pin-file FILE or set FERRY_PKCS11_PIN" \
    s -k "$key"
expect_error 1 "publish: $key: token 'release' needs its user PIN" \
    "$ferry" publish -k "$key" --repo repo app2.img
expect_error 1 "the URI carries a PIN (pin-value or pin-source): refused" \
    s -k "$key?pin-value=24680"
if grep -q 24680 err.txt; then fail "the PIN from the URI was repeated: $(cat err.txt)"; fi
expect_error 1 "no token matches the URI (the module has 'release')" \
    s -k 'pkcs11:token=staging;object=fw-2027' --pin-file pin.txt
expect_error 1 "not a valid PKCS#11 URI (RFC 7512)" s -k 'pkcs11:token=%zz' --pin-file pin.txt
expect_error 1 "the URI names a public key (type=public): signing needs the private key" \
    s -k "$key;type=public" --pin-file pin.txt
expect_error 1 "cannot load the PKCS#11 module $work/none.so" \
    s -k "$key" --pin-file pin.txt --pkcs11-module "$work/none.so"
expect_error 1 "pin.missing: cannot read: No such file or directory" \
    s -k "$key" --pin-file pin.missing
(
    unset FERRY_PKCS11_MODULE
    expect_error 1 "no PKCS#11 module: give --pkcs11-module PATH or set FERRY_PKCS11_MODULE" \
        s -k "$key" --pin-file pin.txt
)
no_image refusals

# A second token with the same key label: a URI without token= is ambiguous.
softhsm2-util --init-token --free --label staging --pin 24680 --so-pin 13579 >/dev/null
"$p11keys" "$module" staging 24680 p256 fw-2027 01
expect_error 1 "2 tokens match the URI (" s -k 'pkcs11:object=fw-2027' --pin-file pin.txt
grep -q "'release'" err.txt && grep -q "'staging'" err.txt && grep -q "): name one with token=LABEL$" err.txt \
    || fail "the ambiguity message does not list both tokens: $(cat err.txt)"
expect_ok s -k 'pkcs11:token=staging;object=fw-2027' --pin-file pin.txt
expect_error 1 "verify: x.img: image signed by untrusted key" "$ferry" verify -k "$key" x.img

echo "ok   $test_name"
