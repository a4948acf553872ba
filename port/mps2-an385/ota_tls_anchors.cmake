# SPDX-License-Identifier: Apache-2.0
# Makes the trust anchor of the HTTPS OTA demo (app-ota-tls-v1/v2,
# ota_http_tls.c) from a CA certificate at build time, and writes it as C:
# the br_x509_trust_anchor BearSSL's validator takes (the CA's subject DN,
# its public key), the way BearSSL's `brssl ta` would, with openssl only.
# cmake -P, run by ota_tls.cmake; nothing lands in the source tree.
#
#   cmake -DOPENSSL=... -DDIR=work-dir -DOUT=file.c -DENV=file.env
#         [-DCA_PEM=ca.pem] [-DTEST_TIME=unix-seconds] -P ota_tls_anchors.cmake
#
#   CA_PEM     the CA certificate (PEM; the first certificate of the file). Empty:
#              a test CA, EC P-256, valid for ten years, made in DIR (ca.pem,
#              ca.key) the first time and kept: its key is a test key in the
#              build tree, for the tests that sign server certificates with it.
#   TEST_TIME  the fixed time the test-only time hook returns (UTC seconds since
#              1970). Empty: the time this script runs (after the CA was made,
#              so the CA's validity has begun).
#   OUT        C: ota_tls_anchors[], ota_tls_anchor_count, ota_tls_test_unix_time
#   ENV        what the tests need: OTA_TLS_CA_PEM, OTA_TLS_CA_KEY (the test CA's
#              key, empty for a CA given in CA_PEM), OTA_TLS_TEST_TIME
#
# Key types: EC (P-256, P-384, P-521) and RSA, as BearSSL's validator takes.
file(MAKE_DIRECTORY ${DIR})
function(run)
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY ${DIR} RESULT_VARIABLE rc
                  OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${ARGN}: ${err}")
  endif()
  set(run_out "${out}" PARENT_SCOPE)
endfunction()

set(ca_key "")
if(NOT CA_PEM)
  set(CA_PEM ${DIR}/ca.pem)
  set(ca_key ${DIR}/ca.key)
  if(NOT EXISTS ${CA_PEM} OR NOT EXISTS ${ca_key})
    run(${OPENSSL} req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes
        -keyout ca.key -out ca.pem -days 3650 -subj "/CN=Ferry OTA Test CA"
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign)
  endif()
endif()

run(${OPENSSL} x509 -in ${CA_PEM} -outform DER -out anchor.der)
file(READ ${DIR}/anchor.der der HEX)

# The subject: the sixth element of tbsCertificate (version [0], serial,
# signature algorithm, issuer, validity, subject), i.e. the sixth line of
# depth 2 in asn1parse's listing; its whole encoding (tag and length too)
# is the DN BearSSL compares.
run(${OPENSSL} asn1parse -inform DER -in anchor.der)
string(REGEX MATCHALL "[0-9]+:d=2 +hl= *[0-9]+ +l= *[0-9]+ +[a-z]+: +[^\n]*" d2 "${run_out}")
list(LENGTH d2 n)
if(n LESS 6)
  message(FATAL_ERROR "${CA_PEM}: not an X.509 v3 certificate")
endif()
list(GET d2 0 first)
list(GET d2 5 subject)
if(NOT first MATCHES "cont \\[ 0 \\]")
  message(FATAL_ERROR "${CA_PEM}: not an X.509 v3 certificate (no version field)")
endif()
string(REGEX MATCH "^([0-9]+):d=2 +hl= *([0-9]+) +l= *([0-9]+)" _ "${subject}")
math(EXPR dn_at "${CMAKE_MATCH_1} * 2")
math(EXPR dn_len "(${CMAKE_MATCH_2} + ${CMAKE_MATCH_3}) * 2")
string(SUBSTRING "${der}" ${dn_at} ${dn_len} dn_hex)

function(c_bytes hex out)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
  set(${out} "${hex}" PARENT_SCOPE)
endfunction()
c_bytes("${dn_hex}" dn_c)

run(${OPENSSL} x509 -in ${CA_PEM} -noout -pubkey)
file(WRITE ${DIR}/anchor.pub.pem "${run_out}")
run(${OPENSSL} pkey -pubin -in anchor.pub.pem -noout -text)
set(text "${run_out}")
if(text MATCHES "NIST CURVE: P-(256|384|521)")
  set(bits ${CMAKE_MATCH_1})
  # The uncompressed point (04 X Y) ends the SubjectPublicKeyInfo.
  set(qlen_256 65)
  set(qlen_384 97)
  set(qlen_521 133)
  set(curve_256 BR_EC_secp256r1)
  set(curve_384 BR_EC_secp384r1)
  set(curve_521 BR_EC_secp521r1)
  run(${OPENSSL} pkey -pubin -in anchor.pub.pem -outform DER -out anchor.pub.der)
  file(READ ${DIR}/anchor.pub.der spki HEX)
  string(LENGTH "${spki}" spki_len)
  math(EXPR q_at "${spki_len} - ${qlen_${bits}} * 2")
  string(SUBSTRING "${spki}" ${q_at} -1 q_hex)
  if(NOT q_hex MATCHES "^04")
    message(FATAL_ERROR "${CA_PEM}: the EC key is not an uncompressed point")
  endif()
  c_bytes("${q_hex}" q_c)
  set(key_arrays "static const unsigned char ota_ta0_q[] = {${q_c}};\n")
  string(CONCAT key_init "{BR_KEYTYPE_EC, {.ec = {${curve_${bits}}, (unsigned char *)ota_ta0_q, "
               "sizeof ota_ta0_q}}}")
  set(key_what "EC P-${bits}")
elseif(text MATCHES "Exponent: ([0-9]+)")
  set(e ${CMAKE_MATCH_1})
  run(${OPENSSL} rsa -pubin -in anchor.pub.pem -noout -modulus)
  string(REGEX MATCH "Modulus=([0-9A-F]+)" _ "${run_out}")
  string(TOLOWER "${CMAKE_MATCH_1}" n_hex)
  c_bytes("${n_hex}" n_c)
  set(e_c "")
  while(e GREATER 0)
    math(EXPR b "${e} % 256")
    math(EXPR e "${e} / 256")
    string(PREPEND e_c "${b},")
  endwhile()
  string(CONCAT key_arrays "static const unsigned char ota_ta0_n[] = {${n_c}};\n"
                 "static const unsigned char ota_ta0_e[] = {${e_c}};\n")
  string(CONCAT key_init "{BR_KEYTYPE_RSA, {.rsa = {(unsigned char *)ota_ta0_n, sizeof ota_ta0_n, "
               "(unsigned char *)ota_ta0_e, sizeof ota_ta0_e}}}")
  set(key_what "RSA")
else()
  message(FATAL_ERROR "${CA_PEM}: key type not supported (EC P-256/384/521 or RSA):\n${text}")
endif()

if(NOT TEST_TIME)
  string(TIMESTAMP TEST_TIME "%s" UTC)
endif()
run(${OPENSSL} x509 -in ${CA_PEM} -noout -subject)
string(STRIP "${run_out}" subject_text)

string(CONCAT c "/* Generated by ota_tls_anchors.cmake from ${CA_PEM}\n"
      " * (${subject_text}, ${key_what}): a public key, not a secret. */\n")
string(APPEND c "#include <stddef.h>\n#include <stdint.h>\n#include <bearssl.h>\n\n"
  "static const unsigned char ota_ta0_dn[] = {${dn_c}};\n" "${key_arrays}"
  "/* BearSSL's struct holds non-const pointers; it only reads them. */\n"
  "const br_x509_trust_anchor ota_tls_anchors[] = {\n"
  "    {{(unsigned char *)ota_ta0_dn, sizeof ota_ta0_dn}, BR_X509_TA_CA, ${key_init}},\n"
  "};\n"
  "const size_t ota_tls_anchor_count = 1;\n"
  "/* TEST ONLY: the fixed time of the test-only time hook (ota_http_tls.c). */\n"
  "const uint64_t ota_tls_test_unix_time = ${TEST_TIME}u;\n")
file(WRITE ${OUT} "${c}")
file(WRITE ${ENV} "OTA_TLS_CA_PEM=${CA_PEM}\nOTA_TLS_CA_KEY=${ca_key}\nOTA_TLS_TEST_TIME=${TEST_TIME}\n")
