#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Makes the certificates for the TLS tests in DIR (valid for two days):
#   ca.pem / ca.key                 test CA (RSA 2048)
#   server.pem / server.key         for localhost and 127.0.0.1, signed by the CA (EC P-256)
#   other-ca.pem / other-ca.key     an unrelated CA (EC P-256)
#   other.pem / other.key           for localhost and 127.0.0.1, signed by the other CA
#   wrongname.pem / wrongname.key   for wrong.example, signed by the test CA
#   rsaserver.pem / rsaserver.key   as server.pem, with an RSA 2048 key usable for
#                                   RSA key exchange too (keyEncipherment)
#   sha1server.pem / sha1server.key as server.pem, but signed with SHA-1
# BearSSL's minimal validator matches names against DNS entries only, so the
# address is listed as a DNS name as well as an IP address.
#   http_tls_certs.sh DIR
set -eu
cd "$1"
exec 2>openssl.log

ca() { # name key-options subject
  openssl req -x509 -new -nodes $2 -keyout "$1.key" -out "$1.pem" -days 2 -subj "$3" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
}
leaf() { # name ca san cn [key-options [key-usage [digest]]]
  openssl req -new -nodes ${5:--newkey ec -pkeyopt ec_paramgen_curve:P-256} -keyout "$1.key" \
    -out "$1.csr" -subj "/CN=$4"
  printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nkeyUsage=critical,%s\nextendedKeyUsage=serverAuth\n' \
    "$3" "${6:-digitalSignature}" > "$1.ext"
  openssl x509 -req -"${7:-sha256}" -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -days 2 \
    -out "$1.pem" -extfile "$1.ext"
}

ca ca "-newkey rsa:2048" "/CN=Ferry Test CA"
ca other-ca "-newkey ec -pkeyopt ec_paramgen_curve:P-256" "/CN=Unrelated Test CA"
leaf server ca "DNS:localhost,DNS:127.0.0.1,IP:127.0.0.1" localhost
leaf other other-ca "DNS:localhost,DNS:127.0.0.1,IP:127.0.0.1" localhost
leaf wrongname ca "DNS:wrong.example" wrong.example
leaf rsaserver ca "DNS:localhost,DNS:127.0.0.1,IP:127.0.0.1" localhost "-newkey rsa:2048" \
  digitalSignature,keyEncipherment
leaf sha1server ca "DNS:localhost,DNS:127.0.0.1,IP:127.0.0.1" localhost "" digitalSignature sha1
