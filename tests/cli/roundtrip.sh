#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# keygen -> getpub -> sign -> verify -> info, and the promises around them:
# keygen does not overwrite, sign is deterministic, info (text and JSON)
# shows what sign was told, uuid agrees with what sign wrote.
set -eu
. "$(dirname "$0")/lib.sh"

# keygen: mode 0600, refuses to overwrite, --force replaces.
expect_ok "$ferry" keygen -k key.pem
grep -q "^wrote key.pem, key ID [0-9a-f]\{64\}$" out.txt || fail "keygen output: $(cat out.txt)"
[ "$(stat -c %a key.pem)" = 600 ] || fail "key.pem has mode $(stat -c %a key.pem)"
grep -q "BEGIN PRIVATE KEY" key.pem || fail "keygen does not write PKCS#8"
cp key.pem key.orig
expect_error 1 "key.pem: file exists; use --force to replace it" "$ferry" keygen -k key.pem
cmp -s key.pem key.orig || fail "keygen changed an existing key without --force"
expect_ok "$ferry" keygen -k key.pem --force
cmp -s key.pem key.orig && fail "keygen --force did not write a new key"
[ "$(stat -c %a key.pem)" = 600 ] || fail "key.pem has mode $(stat -c %a key.pem) after --force"

# getpub: PEM from the private and from the public key agree; the key ID is
# the same whichever form is given.
expect_ok "$ferry" getpub -k key.pem
cp out.txt pub.pem
grep -q "BEGIN PUBLIC KEY" pub.pem || fail "getpub output is not a public key PEM"
expect_ok "$ferry" getpub -k pub.pem
cmp -s out.txt pub.pem || fail "getpub of the public key differs from getpub of the private key"
expect_ok "$ferry" getpub -k key.pem --format id
key_id=$(cat out.txt)
expect_ok "$ferry" getpub -k pub.pem --format=id
[ "$(cat out.txt)" = "$key_id" ] || fail "key ID differs between private and public key"
echo "$key_id" | grep -q '^[0-9a-f]\{64\}$' || fail "key ID is not 64 hex digits: $key_id"

# sign and verify.
make_payload app.bin 5000
payload_size=$(file_size app.bin)
expect_ok "$ferry" sign -k key.pem --version 1.2.3+7 --device-class board-a \
    --vendor example.com --security-counter 5 --name "Demo app" app.bin app.img
grep -q "^signed app.img: version 1.2.3+7" out.txt || fail "sign output: $(cat out.txt)"
total=$((512 + payload_size + 136))
[ "$(file_size app.img)" = "$total" ] || fail "image is $(file_size app.img) bytes, not $total"

for k in key.pem pub.pem; do
    expect_ok "$ferry" verify -k "$k" app.img
    [ "$(wc -l < out.txt)" -eq 1 ] || fail "verify printed more than one line"
    grep -q "^OK app.img: version 1.2.3+7, security counter 5, " out.txt \
        || fail "verify output: $(cat out.txt)"
    [ ! -s err.txt ] || fail "verify wrote to stderr: $(cat err.txt)"
done
expect_ok "$ferry" verify -k pub.pem --vendor example.com --device-class board-a app.img

# uuid agrees with what sign wrote, and class names hash in the vendor's namespace.
expect_ok "$ferry" uuid --vendor example.com --device-class board-a
vendor_id=$(sed -n 's/^vendor-id \(.*\)$/\1/p' out.txt)
class_id=$(sed -n 's/^class-id  \(.*\)$/\1/p' out.txt)
{ [ -n "$vendor_id" ] && [ -n "$class_id" ]; } || fail "uuid output: $(cat out.txt)"
expect_ok "$ferry" verify -k pub.pem --vendor "$vendor_id" --device-class "$class_id" app.img
expect_ok "$ferry" uuid --device-class board-a
grep -q "^class-id  $class_id\$" out.txt && fail "class UUID ignores the vendor namespace"
if command -v python3 >/dev/null 2>&1; then
    want=$(python3 -c 'import uuid; v = uuid.uuid5(uuid.NAMESPACE_DNS, "example.com"); print(v, uuid.uuid5(v, "board-a"))')
    [ "$want" = "$vendor_id $class_id" ] || fail "UUIDs $vendor_id $class_id, python says $want"
    want=$(python3 -c 'import uuid; print(uuid.uuid5(uuid.NAMESPACE_DNS, "ferry.invalid"))')
    expect_ok "$ferry" uuid
    [ "$(cat out.txt)" = "vendor-id $want" ] || fail "default vendor: $(cat out.txt), want $want"
else
    echo "SKIP python3 cross-check of UUID v5: python3 not installed"
fi

# info (text).
expect_ok "$ferry" info app.img
for line in "header size:      512" "payload size:     $payload_size" \
            "total size:       $total" "version:          1.2.3+7" \
            "security counter: 5" "flags:            0x00000000" \
            "vendor id:        $vendor_id" "class id:         $class_id" \
            'name:             "Demo app"' "key id:           $key_id"; do
    grep -qF -- "$line" out.txt || fail "info lacks '$line': $(cat out.txt)"
done
grep -q "^digest: *[0-9a-f]\{64\} (matches)$" out.txt || fail "info digest line: $(cat out.txt)"

# info --json: valid JSON with the same fields.
if command -v jq >/dev/null 2>&1; then
    expect_ok "$ferry" info --json app.img
    jq -e --arg v "$vendor_id" --arg c "$class_id" --arg k "$key_id" \
        --argjson p "$payload_size" --argjson t "$total" '
        .format_version == 1 and .header_size == 512 and .payload_size == $p and
        .total_size == $t and .protected_size == 512 + $p and .file_size == $t and
        .version == "1.2.3+7" and .version_major == 1 and .version_minor == 2 and
        .version_patch == 3 and .version_build == 7 and .security_counter == 5 and
        .flags == 0 and .revert == false and .vendor_id == $v and .class_id == $c and
        .name == "Demo app" and .key_id == $k and .digest_matches == true and
        (.digest | test("^[0-9a-f]{64}$")) and (.signature | test("^[0-9a-f]{128}$"))' \
        out.txt >/dev/null || fail "info --json fields: $(cat out.txt)"
else
    echo "SKIP info --json field check: jq not installed"
fi

# Deterministic: the same inputs give the same bytes.
expect_ok "$ferry" sign -k key.pem --version 1.2.3+7 --device-class board-a \
    --vendor example.com --security-counter 5 --name "Demo app" app.bin app2.img
cmp app.img app2.img || fail "signing twice gave different images"

# --revert, --header-size and a name that needs JSON escaping.
name='say "hi" \ caf'"$(printf '\303\251')"
expect_ok "$ferry" sign -k key.pem --version 0.9.0 --device-class board-a --revert \
    --header-size 0x100 --name "$name" app.bin revert.img
[ "$(le16 revert.img 6)" = 256 ] || fail "--header-size 0x100 gave $(le16 revert.img 6)"
[ "$(le32 revert.img 16)" = 1 ] || fail "--revert did not set flag 1"
expect_ok "$ferry" verify -k key.pem revert.img
grep -q "version 0.9.0 (revert)" out.txt || fail "verify output for revert: $(cat out.txt)"
if command -v jq >/dev/null 2>&1; then
    expect_ok "$ferry" info --json revert.img
    [ "$(jq -r .name out.txt)" = "$name" ] || fail "JSON name: $(jq -r .name out.txt)"
    [ "$(jq -r .revert out.txt)" = true ] || fail "JSON revert is not true"
    [ "$(jq -r .header_size out.txt)" = 256 ] || fail "JSON header_size"
else
    echo "SKIP JSON checks of info --json: jq not installed"
fi

# The largest security counter is printed unsigned, in text and JSON (and
# verify says the same).
expect_ok "$ferry" sign -k key.pem --version 1.0.0 --device-class board-a \
    --security-counter 4294967295 app.bin maxctr.img
expect_ok "$ferry" info maxctr.img
grep -qx "security counter: 4294967295" out.txt || fail "info counter 0xFFFFFFFF: $(cat out.txt)"
expect_ok "$ferry" info --json maxctr.img
grep -qx '  "security_counter": 4294967295,' out.txt || fail "info --json counter 0xFFFFFFFF: $(cat out.txt)"
expect_ok "$ferry" verify -k key.pem maxctr.img
grep -qF "security counter 4294967295," out.txt || fail "verify counter 0xFFFFFFFF: $(cat out.txt)"

# Key rotation: the revocation entry is signed in, shown by info, and the key
# table from getpub numbers the keys in order.
expect_ok "$ferry" info maxctr.img
grep -qx "revokes keys:     none" out.txt || fail "info without revocation: $(cat out.txt)"
expect_ok "$ferry" sign -k key.pem --version 1.0.1 --device-class board-a \
    --revoke-keys-below 2 app.bin rotate.img
expect_ok "$ferry" info rotate.img
grep -qx "revokes keys:     below index 2, once confirmed" out.txt || fail "info revocation: $(cat out.txt)"
expect_ok "$ferry" info --json rotate.img
grep -qx '  "revoke_keys_below": 2,' out.txt || fail "info --json revocation: $(cat out.txt)"
expect_ok "$ferry" verify -k key.pem rotate.img
if "$ferry" sign -k key.pem --version 1.0.1 --device-class board-a --revoke-keys-below 0 \
        app.bin bad.img >out.txt 2>&1; then
    fail "--revoke-keys-below 0 accepted"
fi
grep -q "revoke-keys-below" out.txt || fail "--revoke-keys-below 0 message: $(cat out.txt)"
expect_ok "$ferry" getpub -k key.pem -k key.pem --format c
[ "$(grep -c '\.index = ' out.txt)" = 2 ] && grep -q '\.index = 1,' out.txt ||
    fail "getpub --format c indices: $(cat out.txt)"

# --permanent sets flag bit 1 and shows in info.
expect_ok "$ferry" sign -k key.pem --version 3.0.0 --device-class board-a --permanent app.bin perm.img
[ "$(le32 perm.img 16)" = 2 ] || fail "--permanent did not set flag 2"
expect_ok "$ferry" info perm.img
grep -q "0x00000002 (permanent)" out.txt || fail "info output for permanent: $(cat out.txt)"

echo "ok   $test_name"
