#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# ferry publish --verify-repo finds what a device would refuse: a changed
# manifest, a missing or foreign signature, a changed, missing or misnamed
# image, a manifest in the wrong class directory. Each case exits 1 and names
# the file; the intact repository passes.
set -eu
. "$(dirname "$0")/lib.sh"

expect_ok "$ferry" keygen -k release.pem
expect_ok "$ferry" keygen -k other.pem
a=$(class_id example.com board-a)
b=$(class_id example.com board-b)
for board in a b; do
    make_payload "$board.bin" 2000 "board $board"
    expect_ok "$ferry" sign -k release.pem --vendor example.com --device-class "board-$board" \
        --version 1.0.0 "$board.bin" "$board.img"
done
make_payload a2.bin 2200 "board a v2"
expect_ok "$ferry" sign -k release.pem --vendor example.com --device-class board-a \
    --version 1.1.0 a2.bin a2.img
expect_ok "$ferry" publish -k release.pem --repo good a.img b.img
expect_ok "$ferry" publish -k release.pem --repo good a2.img
expect_ok "$ferry" publish --verify-repo good -k release.pem
grep -q "^OK good: 2 device class(es), 3 image(s)" out.txt || fail "verify-repo: $(cat out.txt)"

# case NAME TEXT: after the damage done to ./bad, verify-repo exits 1 and
# its report contains TEXT.
fresh() { rm -rf bad && cp -a good bad; }
check_refused() {
    set +e
    "$ferry" publish --verify-repo bad -k release.pem > out.txt 2> err.txt
    got=$?
    set -e
    [ "$got" = 1 ] || fail "$1: verify-repo exited $got: $(cat out.txt err.txt)"
    grep -qF -- "$2" err.txt || fail "$1: expected \"$2\" in: $(cat err.txt)"
    grep -q "^publish: bad: [0-9]* problem(s) in 2 device class(es)$" err.txt \
        || grep -q "^publish: bad: no release found" err.txt || fail "$1: no summary: $(cat err.txt)"
    [ ! -s out.txt ] || fail "$1: printed OK: $(cat out.txt)"
}
image_a=$(sed 's/.*"image":"\([^"]*\)".*/\1/' "good/$a/manifest.json")

fresh; sed -i 's/"security_counter":0/"security_counter":9/' "bad/$a/manifest.json"
check_refused "changed manifest" "bad/$a/manifest.json.sig: the signature does not verify"
fresh; rm "bad/$a/manifest.json.sig"
check_refused "missing signature" "bad/$a/manifest.json.sig: missing"
fresh; head -c 95 "good/$a/manifest.json.sig" > "bad/$a/manifest.json.sig"
check_refused "short signature" "the signature file has 95 bytes, not 96"
fresh; flip "good/$a/manifest.json.sig" "bad/$a/manifest.json.sig" 0
check_refused "unknown key ID" "not one of the 1 key(s) given"
fresh; rm "bad/$a/manifest.json"
check_refused "missing manifest" "bad/$a/manifest.json: missing"
fresh; printf '{"ferry_manifest":2}' > "bad/$a/manifest.json"
check_refused "other format" "manifest format 2 is not supported"
fresh; cp "good/$b/manifest.json" "bad/$a/manifest.json"
check_refused "wrong class directory" "\"class\" is not the directory's class"
fresh; flip "good/$a/$image_a" "bad/$a/$image_a" 700
check_refused "changed image" "bad/$a/$image_a: image digest mismatch"
fresh; rm "bad/$a/$image_a"
check_refused "missing image" "bad/$a/$image_a: No such file or directory"
fresh; cat "good/$a/$image_a" a.img > "bad/$a/$image_a"
check_refused "longer image" "bytes after image trailer"
fresh; cp "good/$a/$image_a" "bad/$a/images/9.9.9-0000000000000000.img"
check_refused "misnamed image" "named unlike its version and digest"
fresh; cp "good/$b/images/"*.img "bad/$a/images/"
check_refused "other class's image" "image device class mismatch"
set +e
"$ferry" publish --verify-repo good -k other.pem > out.txt 2> err.txt
got=$?
set -e
[ "$got" = 1 ] && grep -q "not one of the 1 key(s) given" err.txt || fail "another key passed: $(cat err.txt)"
mkdir empty
expect_error 1 "empty: no release found" "$ferry" publish --verify-repo empty -k release.pem
expect_error 1 "missing: cannot read" "$ferry" publish --verify-repo missing -k release.pem

echo "ok   $test_name"
