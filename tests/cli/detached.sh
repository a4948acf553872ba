#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Detached signing: runs the OpenSSL walk-through of docs/keys.md exactly as
# written there (the block after the "detached-walkthrough" marker), then
# checks what it made (the digest is the SHA-256 of the protected bytes, the
# image verifies with openssl too, the repository verifies) and every
# refusal of the second step: another key, another digest, a changed
# unsigned image, a malformed signature; raw r||s works like DER.
# Usage: detached.sh FERRY WORK_DIR SIGCONV KEYS_MD
set -eu
. "$(dirname "$0")/lib.sh"
sigconv=$3
doc=$4
need_openssl
unset FERRY_KEY_PASSPHRASE FERRY_PKCS11_MODULE FERRY_PKCS11_PIN || true

# The walk-through, from the document.
awk '/<!-- detached-walkthrough/ { found = 1; next }
     found && /^```sh$/ { inside = 1; next }
     inside && /^```$/ { exit }
     inside { print }' "$doc" > walkthrough.sh
[ -s walkthrough.sh ] || fail "no walk-through block in $doc"
grep -q "ferry sign --signature-in" walkthrough.sh || fail "the extracted block is not the walk-through"
mkdir bin
ln -s "$ferry" bin/ferry
make_payload app.bin 5000
PATH=$work/bin:$PATH sh -eu walkthrough.sh > walkthrough.out 2> walkthrough.err \
    || fail "the walk-through of docs/keys.md failed: $(cat walkthrough.err)"
grep -q "^OK app.img: version 1.4.0" walkthrough.out || fail "walk-through output: $(cat walkthrough.out)"
grep -q "^OK repo: 1 device class(es), 1 image(s)" walkthrough.out \
    || fail "walk-through output: $(cat walkthrough.out)"

# What step 1 wrote: a 32-byte digest, the SHA-256 of the protected bytes,
# and an image whose key ID and signature are zero.
[ "$(file_size app.digest)" = 32 ] || fail "app.digest has $(file_size app.digest) bytes"
protected=$(($(le16 app.unsigned.img 6) + $(le32 app.unsigned.img 12)))
head -c "$protected" app.unsigned.img > protected.bin
openssl dgst -sha256 -binary protected.bin > want.digest
cmp -s app.digest want.digest || fail "app.digest is not the SHA-256 of the protected bytes"
[ "$(tail -c 96 app.unsigned.img | od -An -tx1 -v | tr -d ' \n' | tr -d 0)" = "" ] \
    || fail "the unsigned image has a key ID or signature"
expect_error 1 "verify: app.unsigned.img: image signed by untrusted key" \
    "$ferry" verify -k release-pub.pem app.unsigned.img
# The completed image differs from the unsigned one only in key ID and signature...
total=$(file_size app.img)
cmp -s -n $((total - 96)) app.img app.unsigned.img || fail "completing changed the signed bytes"
# ... and openssl verifies it over the protected bytes.
tail -c 64 app.img > img.raw
"$sigconv" raw2der img.raw img.der
openssl dgst -sha256 -verify release-pub.pem -signature img.der protected.bin >/dev/null \
    || fail "openssl rejects the completed image"
openssl pkeyutl -verify -pubin -inkey release-pub.pem -in app.digest -sigfile app.sig >/dev/null \
    || fail "openssl pkeyutl -verify rejects the detached signature"

# Raw r||s is accepted like DER and gives the same image.
"$sigconv" der2raw app.sig app.sig.raw
expect_ok "$ferry" sign --signature-in app.sig.raw --pub release-pub.pem app.unsigned.img raw.img
cmp -s raw.img app.img || fail "raw r||s and DER completions differ"
# The public half of the private key file serves as --pub too.
expect_ok "$ferry" sign --signature-in app.sig --pub release-key.pem app.unsigned.img again.img
cmp -s again.img app.img || fail "completing with the private key file as --pub differs"

# Refusals of step 2: one line, exit 1, nothing written.
complete() { "$ferry" sign --signature-in "$1" --pub "$2" "$3" out.img; }
none_written() { [ ! -e out.img ] || fail "an image was written: $*"; }
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out other-key.pem 2>/dev/null
openssl pkey -in other-key.pem -pubout -out other-pub.pem
openssl pkeyutl -sign -inkey other-key.pem -in app.digest -out other.sig
expect_error 1 "sign: other.sig: the signature does not verify with release-pub.pem over the digest" \
    complete other.sig release-pub.pem app.unsigned.img
none_written another key
expect_error 1 "sign: app.sig: the signature does not verify with other-pub.pem over the digest" \
    complete app.sig other-pub.pem app.unsigned.img
none_written another pub
# A signature of another build's digest.
printf 'x' >> app.bin
expect_ok "$ferry" sign --digest-out v2.digest --version 1.4.0 --vendor acme.example \
    --device-class thermostat-v2 app.bin v2.unsigned.img
cmp -s v2.digest app.digest && fail "two payloads gave the same digest"
expect_error 1 "sign: app.sig: the signature does not verify with release-pub.pem" \
    complete app.sig release-pub.pem v2.unsigned.img
none_written another digest
# An unsigned image changed after --digest-out (a payload byte).
flip app.unsigned.img changed.img $((protected - 1))
expect_error 1 "sign: changed.img: the trailer digest does not match the image's bytes: the image changed after --digest-out" \
    complete app.sig release-pub.pem changed.img
none_written changed image
head -c 100 app.unsigned.img > cut.img
expect_error 1 "sign: cut.img: image truncated" complete app.sig release-pub.pem cut.img
printf 'not a sig\n' > junk.sig
expect_error 1 "sign: junk.sig: not an ECDSA P-256 signature: expected DER (a SEQUENCE of r and s, what openssl pkeyutl writes) or 64 raw bytes r||s, got 10 bytes" \
    complete junk.sig release-pub.pem app.unsigned.img
head -c 64 /dev/zero > zero.sig
expect_error 1 "sign: zero.sig: the signature does not verify" complete zero.sig release-pub.pem app.unsigned.img
none_written malformed signatures

# Command-line mistakes (exit 2).
expect_error 2 "sign: --digest-out writes an unsigned image for a signer ferry cannot reach: give no -k" \
    "$ferry" sign -k release-key.pem --digest-out d --version 1.0.0 --device-class b app.bin x.img
expect_error 2 "sign: --signature-in needs --pub PUB.pem" \
    "$ferry" sign --signature-in app.sig app.unsigned.img x.img
expect_error 2 "sign: --signature-in takes only --pub, UNSIGNED.img and OUT.img" \
    "$ferry" sign --signature-in app.sig --pub release-pub.pem --version 1.0.0 app.unsigned.img x.img
expect_error 2 "sign: --pub goes with --signature-in" \
    "$ferry" sign -k release-key.pem --pub release-pub.pem --version 1.0.0 --device-class b app.bin x.img
expect_error 2 "sign: --digest-out 'x.img' is also the output image" \
    "$ferry" sign --digest-out x.img --version 1.0.0 --device-class b app.bin x.img
[ ! -e x.img ] || fail "an image was written by a refused command line"

# Manifests: a signature over another manifest is refused and the repository
# is left as it was; a duration for --expires is refused in detached mode.
cp -r repo repo.before
expect_ok "$ferry" sign -k release-key.pem --version 1.5.0 --vendor acme.example \
    --device-class thermostat-v2 app.bin v15.img
expect_error 1 "publish: manifest.sig: the signature does not verify with release-pub.pem over the digest" \
    "$ferry" publish --signature-in manifest.sig --pub release-pub.pem --repo repo v15.img
diff -r repo repo.before >/dev/null || fail "a refused publish changed the repository"
expect_error 2 "publish: --expires 30d: with detached signing give a UTC time" \
    "$ferry" publish --digest-out m.digest --image-key release-pub.pem --repo repo --expires 30d v15.img
expect_error 2 "publish: --digest-out needs --image-key KEY" \
    "$ferry" publish --digest-out m.digest --repo repo v15.img
expect_error 2 "publish: --signature-in needs --pub PUB.pem" \
    "$ferry" publish --signature-in manifest.sig --repo repo v15.img
# The 1.5.0 release through both steps, with an expiry; the digest is the
# SHA-256 of the manifest bytes that end up published.
expect_ok "$ferry" publish --digest-out m15.digest --image-key release-pub.pem --repo repo \
    --expires 2099-01-01T00:00:00Z v15.img
grep -q "^planned repo/.*/manifest.json: version 1.5.0, sequence 2; nothing published" out.txt \
    || fail "publish --digest-out: $(cat out.txt)"
diff -r repo repo.before >/dev/null || fail "publish --digest-out changed the repository"
openssl pkeyutl -sign -inkey release-key.pem -in m15.digest -out m15.sig
expect_ok "$ferry" publish --signature-in m15.sig --pub release-pub.pem --repo repo \
    --expires 2099-01-01T00:00:00Z v15.img
grep -q "^published repo/.*/manifest.json: version 1.5.0, .*sequence 2, expires 2099-01-01T00:00:00Z, was 1.4.0" out.txt \
    || fail "publish --signature-in: $(cat out.txt)"
set -- repo/*/manifest.json
openssl dgst -sha256 -binary "$1" | cmp -s - m15.digest \
    || fail "the published manifest is not the one whose digest was signed"
expect_ok "$ferry" publish --verify-repo repo -k release-pub.pem

echo "ok   $test_name"
