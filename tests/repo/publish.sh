#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# ferry publish writes the repository layout of docs/repository.md: the image
# copied byte for byte under its version-and-digest name, a manifest with
# exactly the specified bytes (fields checked with jq), and a 96-byte
# signature file that openssl verifies over the manifest's bytes.
# Usage: publish.sh FERRY WORK_DIR SIGCONV
set -eu
. "$(dirname "$0")/lib.sh"
sigconv=$3
need jq openssl

expect_ok "$ferry" keygen -k release.pem
make_payload app.bin 3000 v1
expect_ok "$ferry" sign -k release.pem --vendor example.com --device-class board-a \
    --version 1.2.3 --security-counter 4 app.bin app.img
vendor=$("$ferry" uuid --vendor example.com | sed -n 's/^vendor-id //p')
class=$(class_id example.com board-a)

expect_ok "$ferry" publish -k release.pem --repo repo app.img
grep -q "^published repo/$class/manifest.json: version 1.2.3, security counter 4, " out.txt \
    || fail "publish said: $(cat out.txt)"

# Layout.
sha=$(sha256_of app.img)
image=images/1.2.3-$(echo "$sha" | cut -c1-16).img
m=repo/$class/manifest.json
[ -f "$m" ] || fail "no $m"
[ -f "$m.sig" ] || fail "no $m.sig"
cmp -s app.img "repo/$class/$image" || fail "repo/$class/$image is not the published image"
leftovers=$(find repo -name '.*.tmp-*')
[ -z "$leftovers" ] || fail "temporary files left: $leftovers"

# Fields, with jq.
[ "$(jq -c keys_unsorted "$m")" = \
  '["ferry_manifest","vendor","class","version","security_counter","size","sha256","image","sequence"]' ] \
    || fail "manifest keys or their order: $(jq -c keys_unsorted "$m")"
jq -e --arg v "$vendor" --arg c "$class" --arg s "$sha" --arg i "$image" \
    --argjson n "$(file_size app.img)" \
    '.ferry_manifest == 1 and .vendor == $v and .class == $c and .version == "1.2.3" and
     .security_counter == 4 and .size == $n and .sha256 == $s and .image == $i and
     .sequence == 1' "$m" >/dev/null \
    || fail "manifest fields: $(cat "$m")"

# Exact bytes: compact, in the specified order, no trailing newline.
printf '{"ferry_manifest":1,"vendor":"%s","class":"%s","version":"1.2.3","security_counter":4,"size":%s,"sha256":"%s","image":"%s","sequence":1}' \
    "$vendor" "$class" "$(file_size app.img)" "$sha" "$image" > expected.json
cmp -s expected.json "$m" || fail "manifest bytes differ from the format: $(cat "$m")"
[ "$(file_size "$m")" -le 1024 ] || fail "manifest larger than 1024 bytes"

# Signature file: key ID || r||s.
[ "$(file_size "$m.sig")" = 96 ] || fail "signature file is $(file_size "$m.sig") bytes"
key_id=$("$ferry" getpub -k release.pem --format id)
[ "$(head -c 32 "$m.sig" | od -An -tx1 -v | tr -d ' \n')" = "$key_id" ] \
    || fail "signature file does not start with the release key ID"
openssl pkey -in release.pem -pubout -out release.pub
tail -c 64 "$m.sig" > sig.raw
"$sigconv" raw2der sig.raw sig.der
openssl dgst -sha256 -verify release.pub -signature sig.der "$m" >/dev/null \
    || fail "openssl rejects the manifest signature"
# ... and the check can fail: one changed byte breaks it.
flip "$m" tampered.json 40
if openssl dgst -sha256 -verify release.pub -signature sig.der tampered.json >/dev/null 2>&1; then
    fail "openssl accepted a tampered manifest"
fi

# The repository checks out, with the private or only the public key.
expect_ok "$ferry" publish --verify-repo repo -k release.pem
grep -q "^OK repo: 1 device class(es), 1 image(s)" out.txt || fail "verify-repo: $(cat out.txt)"
expect_ok "$ferry" publish --verify-repo repo -k release.pub
# Signing is deterministic: a fresh repository gets the same bytes.
expect_ok "$ferry" publish -k release.pem --repo again app.img
cmp -s "$m" "again/$class/manifest.json" && cmp -s "$m.sig" "again/$class/manifest.json.sig" \
    || fail "publishing the same image twice gave different bytes"

# The default repository is ./repo.
mkdir here && cd here
expect_ok "$ferry" publish -k ../release.pem ../app.img
[ -f "repo/$class/manifest.json" ] || fail "no ./repo by default"
cd ..

# Freshness: every new manifest of the class takes the next sequence; the
# same image again changes nothing; --expires re-signs it with an expiry.
seq_of() { jq -r .sequence "repo/$class/manifest.json"; }
expect_ok "$ferry" publish -k release.pem --repo repo app.img
grep -q "^unchanged " out.txt || fail "the same image again: $(cat out.txt)"
[ "$(seq_of)" = 1 ] || fail "sequence after an unchanged publish: $(seq_of)"
expect_ok "$ferry" sign -k release.pem --vendor example.com --device-class board-a \
    --version 1.2.4 --security-counter 4 app.bin app2.img
expect_ok "$ferry" publish -k release.pem --repo repo app2.img
grep -q ", sequence 2, was 1.2.3$" out.txt || fail "publish 1.2.4 said: $(cat out.txt)"
[ "$(seq_of)" = 2 ] || fail "sequence after a new release: $(seq_of)"
[ "$(jq -r .expires "repo/$class/manifest.json")" = null ] || fail "expires without --expires"
before=$(date +%s)
expect_ok "$ferry" publish -k release.pem --repo repo --expires 30d app2.img
after=$(date +%s)
[ "$(seq_of)" = 3 ] || fail "sequence after --expires: $(seq_of)"
exp=$(jq -r .expires "repo/$class/manifest.json")
[ "$exp" -ge $((before + 2592000)) ] && [ "$exp" -le $((after + 2592000)) ] \
    || fail "--expires 30d gave $exp (now $before)"
grep -q ", sequence 3, expires 20[0-9-]*T[0-9:]*Z, was 1.2.4$" out.txt || fail "publish --expires said: $(cat out.txt)"
expect_ok "$ferry" publish -k release.pem --repo repo --expires 2100-01-01T00:00:00Z app2.img
[ "$(jq -r .expires "repo/$class/manifest.json")" = 4102444800 ] || fail "--expires 2100-01-01T00:00:00Z"
[ "$(seq_of)" = 4 ] || fail "sequence after a second --expires: $(seq_of)"
expect_ok "$ferry" publish -k release.pem --repo repo app2.img
grep -q "^unchanged " out.txt || fail "the same image again keeps its expiry: $(cat out.txt)"
expect_ok "$ferry" publish --verify-repo repo -k release.pem
expect_error 2 "--expires '2000-01-01T00:00:00Z' is not in the future" \
    "$ferry" publish -k release.pem --repo repo --expires 2000-01-01T00:00:00Z app2.img
expect_error 2 "--expires '2200-01-01' is after 2106" \
    "$ferry" publish -k release.pem --repo repo --expires 2200-01-01 app2.img
expect_error 2 "--expires 'soon': expected a duration" \
    "$ferry" publish -k release.pem --repo repo --expires soon app2.img
expect_error 2 "--expires '2025-02-30' is not a valid date" \
    "$ferry" publish -k release.pem --repo repo --expires 2025-02-30 app2.img
expect_error 2 "--expires '0d': the duration is zero" \
    "$ferry" publish -k release.pem --repo repo --expires 0d app2.img
# A manifest written before sequences existed: the next publish starts at 1.
printf '{"ferry_manifest":1,"vendor":"%s","class":"%s","version":"1.2.3","security_counter":4,"size":%s,"sha256":"%s","image":"%s"}' \
    "$vendor" "$class" "$(file_size app.img)" "$sha" "$image" > "repo/$class/manifest.json"
expect_ok "$ferry" publish -k release.pem --repo repo app2.img
[ "$(seq_of)" = 1 ] || fail "sequence after an old manifest: $(seq_of)"

# Command-line and input errors.
expect_error 2 "missing -k" "$ferry" publish --repo repo app.img
expect_error 2 "missing IMAGE.img" "$ferry" publish -k release.pem --repo repo
expect_error 2 "give one -k" "$ferry" publish -k release.pem -k release.pem --repo repo app.img
expect_error 2 "--verify-repo DIR takes only" "$ferry" publish --verify-repo repo -k release.pem app.img
expect_error 1 "a public key cannot sign" "$ferry" publish -k release.pub --repo repo app.img
expect_error 1 "publish: nothing.img: cannot read" "$ferry" publish -k release.pem --repo repo nothing.img
expect_error 1 "publish: app.bin: no image magic" "$ferry" publish -k release.pem --repo repo app.bin
: > file
expect_error 1 "file: cannot create the repository" "$ferry" publish -k release.pem --repo file app.img
expect_ok "$ferry" publish --help
grep -q "allow-downgrade" out.txt || fail "publish --help lacks --allow-downgrade"

echo "ok   $test_name"
