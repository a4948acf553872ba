#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# ferry serve over TLS with a certificate from a test CA that openssl makes
# here: curl trusting that CA fetches the manifest and a range of the image;
# curl trusting nothing or another CA refuses the server; a certificate and
# key that do not belong together, or a file that is not PEM, stop the
# server from starting.
set -eu
. "$(dirname "$0")/lib.sh"
need curl openssl

# A CA and a server certificate for 127.0.0.1, all P-256, valid for two days.
make_ca() { # make_ca NAME
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
        -subj "/CN=Ferry test CA $1" -keyout "$1.key" -out "$1.pem" 2>/dev/null \
        || fail "openssl cannot make the test CA"
}
make_ca ca
make_ca other-ca
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
    -keyout server.key -out server.csr 2>/dev/null || fail "openssl cannot make the server key"
printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "basicConstraints=CA:FALSE" \
    "keyUsage=digitalSignature" "extendedKeyUsage=serverAuth" > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
    -extfile server.ext -out server.pem 2>/dev/null || fail "openssl cannot sign the server certificate"
openssl verify -CAfile ca.pem server.pem >/dev/null || fail "the test certificate does not verify"

expect_ok "$ferry" keygen -k release.pem
make_payload app.bin 50000 tls
expect_ok "$ferry" sign -k release.pem --device-class board-a --version 1.0.0 app.bin app.img
expect_ok "$ferry" publish -k release.pem --repo repo app.img
class=$(class_id ferry.invalid board-a)
image=$(sed 's/.*"image":"\([^"]*\)".*/\1/' "repo/$class/manifest.json")

start_serve tls repo --port 0 --tls-cert server.pem --tls-key server.key --access-log access.log
echo "$url" | grep -Eq '^https://127\.0\.0\.1:[0-9]+/$' || fail "URL '$url'"
port=$(echo "$url" | sed 's|.*:\([0-9]*\)/$|\1|')

expect_status 200 --cacert ca.pem "$url$class/manifest.json"
cmp -s body.bin "repo/$class/manifest.json" || fail "manifest over TLS differs"
expect_status 200 --cacert ca.pem "$url$class/$image"
cmp -s body.bin app.img || fail "image over TLS differs"
expect_status 206 --cacert ca.pem -r 1000-1999 "$url$class/$image"
[ "$(header Content-Range head.txt)" = "bytes 1000-1999/$(file_size app.img)" ] \
    || fail "Content-Range over TLS"
dd if=app.img bs=1000 skip=1 count=1 2>/dev/null | cmp -s - body.bin || fail "range over TLS differs"
expect_status 200 --cacert ca.pem -I "$url$class/$image"
expect_status 404 --cacert ca.pem "$url$class/none"

# Refused certificates: no trust anchor, another CA, a name it was not made for.
set +e
curl -s -o /dev/null "$url$class/manifest.json"; no_ca=$?
curl -s -o /dev/null --cacert other-ca.pem "$url$class/manifest.json"; wrong_ca=$?
curl -s -o /dev/null --cacert ca.pem --resolve "ferry.invalid:$port:127.0.0.1" \
    "https://ferry.invalid:$port/$class/manifest.json"; wrong_name=$?
plain=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/$class/manifest.json")
set -e
[ "$no_ca" = 60 ] || fail "curl without the CA exited $no_ca, expected 60 (certificate refused)"
[ "$wrong_ca" = 60 ] || fail "curl with another CA exited $wrong_ca, expected 60"
[ "$wrong_name" = 60 ] || fail "curl with a wrong host name exited $wrong_name, expected 60"
[ "$plain" != 200 ] || fail "plain HTTP was answered on the TLS port"

stop_serve TERM
grep -q "\"GET /$class/manifest.json HTTP/1.1\" 200 " access.log || fail "no access log over TLS"
[ "$(grep -c '"GET\|"HEAD' access.log)" = 5 ] || fail "log lines: $(cat access.log)"

# Certificates the server must refuse to start with.
set +e
"$ferry" serve repo --port 0 --tls-cert server.pem --tls-key ca.key > bad.out 2> bad.err
got=$?
set -e
[ "$got" = 1 ] || fail "a key that does not match the certificate: exit $got"
grep -q "the server did not start (is the TLS certificate valid and does the key match it?)" bad.err \
    || fail "mismatched key: $(cat bad.err)"
! grep -q '^serving' bad.out || fail "it said it was serving"
expect_error 1 "app.bin: not a PEM file" "$ferry" serve repo --tls-cert app.bin --tls-key server.key
expect_error 1 "missing.pem: cannot read" "$ferry" serve repo --tls-cert server.pem --tls-key missing.pem

echo "ok   $test_name"
