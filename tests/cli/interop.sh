#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Signatures interoperate with openssl in both directions:
#  (a) openssl verifies the signature in a ferry-signed image over the
#      protected bytes (raw r||s converted to DER);
#  (b) ferry verify accepts an image whose signature openssl made (DER
#      converted to raw r||s and patched into the trailer).
# Usage: interop.sh FERRY WORK_DIR SIGCONV
set -eu
. "$(dirname "$0")/lib.sh"
sigconv=$3
need_openssl

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pem 2>/dev/null
openssl pkey -in key.pem -pubout -out pub.pem
make_payload app.bin 4000
expect_ok "$ferry" sign -k key.pem --version 2.0.1 --device-class board --name interop \
    app.bin app.img

protected=$(($(le16 app.img 6) + $(le32 app.img 12)))
total=$(file_size app.img)
[ "$total" = $((protected + 136)) ] || fail "image size $total, protected size $protected"
head -c "$protected" app.img > protected.bin

# The trailer digest is openssl's SHA-256 of the protected bytes.
digest=$(od -An -tx1 -v -j $((protected + 8)) -N 32 app.img | tr -d ' \n')
[ "$digest" = "$(openssl dgst -sha256 -r protected.bin | cut -d' ' -f1)" ] \
    || fail "trailer digest does not match openssl's SHA-256"

# (a) openssl verifies ferry's signature.
tail -c 64 app.img > sig.raw
"$sigconv" raw2der sig.raw sig.der
openssl dgst -sha256 -verify pub.pem -signature sig.der protected.bin >/dev/null \
    || fail "openssl rejects the signature ferry made"
# ... and our DER conversion matches openssl's own parse of it.
"$sigconv" der2raw sig.der back.raw
cmp -s sig.raw back.raw || fail "sigconv raw2der/der2raw do not round-trip"

# (b) ferry accepts openssl's signature, patched into the trailer.
openssl dgst -sha256 -sign key.pem -out osig.der protected.bin
"$sigconv" der2raw osig.der osig.raw
cmp -s osig.raw sig.raw && fail "openssl produced ferry's exact signature: nothing was tested"
head -c $((total - 64)) app.img > patched.img
cat osig.raw >> patched.img
expect_ok "$ferry" verify -k pub.pem patched.img
grep -q "^OK patched.img: version 2.0.1" out.txt || fail "verify output: $(cat out.txt)"

# A valid openssl signature over other bytes is rejected.
printf 'other' > other.bin
openssl dgst -sha256 -sign key.pem -out other.der other.bin
"$sigconv" der2raw other.der other.raw
head -c $((total - 64)) app.img > wrong.img
cat other.raw >> wrong.img
expect_error 1 "verify: wrong.img: image signature invalid" "$ferry" verify -k pub.pem wrong.img

echo "ok   $test_name"
