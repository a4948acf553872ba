#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Publishing into an existing repository: the same image again changes
# nothing; a higher version replaces the release and keeps the old image; a
# lower version, another image under a published version, a lower security
# counter, an unverifiable image or two images for one class are refused
# and leave the repository exactly as it was.
set -eu
. "$(dirname "$0")/lib.sh"
need jq

expect_ok "$ferry" keygen -k release.pem
expect_ok "$ferry" keygen -k other.pem
class=$(class_id example.com board-a)
m=repo/$class/manifest.json
sign() { # sign KEY VERSION COUNTER SEED OUT [extra options]
    key=$1 version=$2 counter=$3 seed=$4 out=$5
    shift 5
    make_payload "$out.bin" 2500 "$seed"
    expect_ok "$ferry" sign -k "$key" --vendor example.com --device-class board-a \
        --version "$version" --security-counter "$counter" "$@" "$out.bin" "$out"
}
# unchanged_since SNAPSHOT: the class directory is as SNAPSHOT recorded it.
snapshot() { (cd repo && find . -type f ! -name '.*' | sort | xargs sha256sum; ls -i "$class/manifest.json") > "$1"; }
unchanged_since() { snapshot now.txt; cmp -s "$1" now.txt || fail "repository changed: $(diff "$1" now.txt)"; }
version_is() { [ "$(jq -r .version "$m")" = "$1" ] || fail "published version $(jq -r .version "$m"), expected $1"; }

sign release.pem 1.0.0 1 one v1.img
expect_ok "$ferry" publish -k release.pem --repo repo v1.img
version_is 1.0.0

# The same image again: nothing is rewritten (not even renamed over).
snapshot s1.txt
expect_ok "$ferry" publish -k release.pem --repo repo v1.img
grep -q "^unchanged repo/$class/manifest.json: version 1.0.0 is already the published release" \
    out.txt || fail "republish said: $(cat out.txt)"
unchanged_since s1.txt

# Another build under the same version.
sign release.pem 1.0.0 1 other-build v1b.img
expect_error 1 "v1b.img: version 1.0.0 is already published with another image" \
    "$ferry" publish -k release.pem --repo repo v1b.img
unchanged_since s1.txt

# Higher: the manifest moves, the old image stays for devices still fetching it.
sign release.pem 1.1.0 1 two v2.img
expect_ok "$ferry" publish -k release.pem --repo repo v2.img
grep -q "version 1.1.0, security counter 1, .*, was 1.0.0$" out.txt || fail "said: $(cat out.txt)"
version_is 1.1.0
[ "$(jq -r .image "$m")" = "images/1.1.0-$(sha256_of v2.img | cut -c1-16).img" ] \
    || fail "image name $(jq -r .image "$m")"
[ "$(find "repo/$class/images" -name "*.img" | wc -l)" = 2 ] || fail "images: $(ls "repo/$class/images")"

# Lower: refused without --allow-downgrade, and with it unless a signed revert.
snapshot s2.txt
expect_error 1 "v1.img: version 1.0.0 is lower than the published 1.1.0; to ship an older release on purpose, sign it with --revert and use --allow-downgrade" \
    "$ferry" publish -k release.pem --repo repo v1.img
unchanged_since s2.txt
expect_error 1 "v1.img: version 1.0.0 is lower than the published 1.1.0 and is not a signed revert" \
    "$ferry" publish -k release.pem --repo repo --allow-downgrade v1.img
unchanged_since s2.txt

# A lower security counter would be refused by devices that installed 1.1.0.
sign release.pem 2.0.0 0 three low-counter.img
expect_error 1 "low-counter.img: security counter 0 is below the published release's 1: devices that installed 1.1.0 would refuse it" \
    "$ferry" publish -k release.pem --repo repo low-counter.img
unchanged_since s2.txt

# Images that do not verify: modified, signed by another key, not an image.
sign release.pem 2.0.0 1 four v3.img
flip v3.img v3-bad.img 600
expect_error 1 "v3-bad.img: image digest mismatch" "$ferry" publish -k release.pem --repo repo v3-bad.img
sign other.pem 2.0.0 1 five by-other.img
expect_error 1 "by-other.img: image signed by untrusted key" \
    "$ferry" publish -k release.pem --repo repo by-other.img
# Two images for one class in one run: refused before anything is written.
expect_error 1 "v3.img: v2.img is for the same device class; publish one image per class" \
    "$ferry" publish -k release.pem --repo repo v2.img v3.img
unchanged_since s2.txt

# The same class UUID under another vendor is another product.
make_payload vendor.bin 2500 vendor
expect_ok "$ferry" sign -k release.pem --vendor other.example --device-class "$class" \
    --version 9.0.0 --security-counter 1 vendor.bin other-vendor.img
expect_error 1 "other-vendor.img: the published release is for vendor" \
    "$ferry" publish -k release.pem --repo repo other-vendor.img
unchanged_since s2.txt

# A signed revert goes back on purpose.
sign release.pem 1.0.5 1 six revert.img --revert
expect_ok "$ferry" publish -k release.pem --repo repo --allow-downgrade revert.img
grep -q "version 1.0.5 (revert), security counter 1, .*, was 1.1.0$" out.txt || fail "said: $(cat out.txt)"
version_is 1.0.5

# Images signed by another key are published when that key is named.
expect_ok "$ferry" publish -k release.pem --repo repo --image-key other.pem by-other.img
version_is 2.0.0
expect_ok "$ferry" publish --verify-repo repo -k release.pem --image-key release.pem \
    --image-key other.pem
grep -q "^OK repo: 1 device class(es), 4 image(s)" out.txt || fail "verify-repo: $(cat out.txt)"

# A damaged published manifest stops publishing until someone looks at it.
cp "$m" good.json
printf '{"ferry_manifest":1,' > "$m"
sign release.pem 3.0.0 1 seven v4.img
expect_error 1 "manifest.json: the published manifest is malformed (not valid JSON); fix or remove it" \
    "$ferry" publish -k release.pem --repo repo v4.img
cp good.json "$m"
expect_ok "$ferry" publish -k release.pem --repo repo v4.img
version_is 3.0.0

# A damaged copy of an image is replaced by the verified bytes.
img=repo/$class/$(jq -r .image "$m")
flip "$img" damaged.img 100
cp damaged.img "$img"
expect_ok "$ferry" publish -k release.pem --repo repo v4.img
cmp -s v4.img "$img" || fail "the damaged image was not repaired"

echo "ok   $test_name"
