#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# ferry verify --json: one JSON object on stdout for a valid and for each kind
# of invalid image, with the fields ferry info --json prints; exit status as
# without --json.
set -eu
. "$(dirname "$0")/lib.sh"

expect_ok "$ferry" keygen -k key.pem
expect_ok "$ferry" keygen -k other.pem
make_payload app.bin 1986
expect_ok "$ferry" sign -k key.pem --version 1.2.3+4 --device-class board-a --vendor example.com \
    --name 'say "hi"' app.bin good.img

# json_ok FILE: FILE is one JSON object (python3 when installed).
json_ok() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); assert isinstance(o, dict)' \
            "$1" || fail "not one JSON object: $(cat "$1")"
    fi
}
# has FILE LINE: FILE has the exact line LINE.
has() { grep -qxF -- "$2" "$1" || fail "expected the line '$2' in: $(cat "$1")"; }

expect_ok "$ferry" verify -k key.pem --vendor example.com --device-class board-a --json good.img
json_ok out.txt
has out.txt '  "valid": true,'
has out.txt '  "error_code": 0,'
has out.txt '  "error": null,'
has out.txt '  "message": null,'
[ ! -s err.txt ] || fail "stderr: $(cat err.txt)"
# Every image field of ferry info --json, in the same words.
"$ferry" info --json good.img > info.txt
sed '1d;$d' info.txt > fields.txt
sed -n '/"file":/,$p' out.txt | sed '$d' > vfields.txt
cmp -s fields.txt vfields.txt || fail "the image fields differ from ferry info --json: $(diff fields.txt vfields.txt)"

# v_json STATUS CODE ERROR MESSAGE ARGS...: exits STATUS, the JSON names the error.
v_json() {
    want=$1 code=$2 error=$3 message=$4
    shift 4
    set +e
    "$ferry" verify --json "$@" >out.txt 2>err.txt
    got=$?
    set -e
    [ "$got" = "$want" ] || fail "verify --json $* exited $got: $(cat err.txt)"
    [ ! -s err.txt ] || fail "verify --json $* printed on stderr: $(cat err.txt)"
    json_ok out.txt
    has out.txt '  "valid": false,'
    has out.txt "  \"error_code\": $code,"
    has out.txt "  \"error\": \"$error\","
    grep -qF -- "  \"message\": \"$message" out.txt || fail "message: $(cat out.txt)"
}
v_json 1 -30 "image signed by untrusted key" \
    'good.img: image signed by untrusted key (signed by key ' -k other.pem good.img
has out.txt '  "version": "1.2.3+4",'
has out.txt '  "name": "say \"hi\"",'
v_json 1 -33 "image device class mismatch" "good.img: image device class mismatch (the image is for device class " \
    -k key.pem --vendor example.com --device-class board-b good.img
v_json 1 -25 "image does not fit the slot" \
    "good.img: image does not fit the slot (the image is 2648 bytes, 600 more than the 2048-byte slot)" \
    -k key.pem --slot-size 2K good.img
flip good.img digest.img 1500 16
v_json 1 -29 "image digest mismatch" "digest.img: image digest mismatch" -k key.pem digest.img
has out.txt '  "digest_matches": false,'
v_json 1 -20 "no image magic" 'app.bin: no image magic (the file starts with 61 61 61 61, not \"FRRY\"' \
    -k key.pem app.bin
has out.txt '  "file": "app.bin",'
has out.txt "  \"file_size\": $(file_size app.bin)"
grep -q '"version"' out.txt && fail "fields of an image that does not parse: $(cat out.txt)"
# Errors before the image is checked are not JSON: usage (2), unreadable file (1).
expect_error 2 "missing -k KEY.pem" "$ferry" verify --json good.img
expect_error 1 "verify: missing.img: cannot read" "$ferry" verify --json -k key.pem missing.img
echo "ok   $test_name"
