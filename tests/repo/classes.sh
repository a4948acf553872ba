#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Several device classes live side by side: one run publishes two classes;
# publishing one later leaves the other untouched; two publishers running at
# once (they take turns on the repository lock) both succeed.
set -eu
. "$(dirname "$0")/lib.sh"
need jq

expect_ok "$ferry" keygen -k release.pem
a=$(class_id example.com board-a)
b=$(class_id example.com board-b)
[ "$a" != "$b" ] || fail "two classes share a UUID"
for board in a b c; do
    make_payload "$board.bin" 2000 "board $board"
    expect_ok "$ferry" sign -k release.pem --vendor example.com --device-class "board-$board" \
        --version 1.0.0 "$board.bin" "$board-1.img"
    make_payload "$board-2.bin" 2100 "board $board v2"
    expect_ok "$ferry" sign -k release.pem --vendor example.com --device-class "board-$board" \
        --version 2.0.0 "$board-2.bin" "$board-2.img"
done

expect_ok "$ferry" publish -k release.pem --repo repo a-1.img b-1.img
[ "$(grep -c '^published ' out.txt)" = 2 ] || fail "publish said: $(cat out.txt)"
[ "$(jq -r .class "repo/$a/manifest.json")" = "$a" ] || fail "class a manifest"
[ "$(jq -r .class "repo/$b/manifest.json")" = "$b" ] || fail "class b manifest"
cmp -s a-1.img "repo/$a/$(jq -r .image "repo/$a/manifest.json")" || fail "class a image"
cmp -s b-1.img "repo/$b/$(jq -r .image "repo/$b/manifest.json")" || fail "class b image"

inode_b=$(inode_of "repo/$b/manifest.json")
expect_ok "$ferry" publish -k release.pem --repo repo a-2.img
[ "$(jq -r .version "repo/$a/manifest.json")" = 2.0.0 ] || fail "class a not at 2.0.0"
[ "$(jq -r .version "repo/$b/manifest.json")" = 1.0.0 ] || fail "class b moved"
[ "$(inode_of "repo/$b/manifest.json")" = "$inode_b" ] || fail "class b manifest was rewritten"

# Two publishers at once.
"$ferry" publish -k release.pem --repo repo b-2.img > p1.txt 2>&1 &
p1=$!
"$ferry" publish -k release.pem --repo repo c-1.img > p2.txt 2>&1 &
p2=$!
wait "$p1" || fail "concurrent publish 1: $(cat p1.txt)"
wait "$p2" || fail "concurrent publish 2: $(cat p2.txt)"
expect_ok "$ferry" publish --verify-repo repo -k release.pem
grep -q "^OK repo: 3 device class(es), 5 image(s)" out.txt || fail "verify-repo: $(cat out.txt)"

echo "ok   $test_name"
