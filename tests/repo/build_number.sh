#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A version with a build number (1.4.0+213) gives the image name
# images/1.4.0+213-<digest>.img that docs/repository.md specifies; the
# manifest must be one the device's parser (src/app/manifest.c) accepts, which
# ferry publish checks before writing it, and the '+' must survive the trip
# through a web server.
set -eu
. "$(dirname "$0")/lib.sh"
need jq

expect_ok "$ferry" keygen -k release.pem
make_payload app.bin 4000 build
expect_ok "$ferry" sign -k release.pem --device-class board-a --version 1.4.0+213 app.bin app.img
class=$(class_id ferry.invalid board-a)
m=repo/$class/manifest.json
expect_ok "$ferry" publish -k release.pem --repo repo app.img
[ "$(jq -r .version "$m")" = 1.4.0+213 ] || fail "version $(jq -r .version "$m")"
image=images/1.4.0+213-$(sha256_of app.img | cut -c1-16).img
[ "$(jq -r .image "$m")" = "$image" ] || fail "image $(jq -r .image "$m")"
cmp -s app.img "repo/$class/$image" || fail "image file"
expect_ok "$ferry" publish --verify-repo repo -k release.pem

# Version order counts the build: +214 replaces +213, +212 is a downgrade.
for build in 214 212; do
    expect_ok "$ferry" sign -k release.pem --device-class board-a --version "1.4.0+$build" \
        app.bin "b$build.img"
done
expect_ok "$ferry" publish -k release.pem --repo repo b214.img
[ "$(jq -r .version "$m")" = 1.4.0+214 ] || fail "1.4.0+214 not published"
expect_error 1 "version 1.4.0+212 is lower than the published 1.4.0+214" \
    "$ferry" publish -k release.pem --repo repo b212.img

if command -v curl >/dev/null 2>&1; then
    start_serve srv repo --port 0
    expect_status 200 "$url$class/$(jq -r .image "$m")"
    cmp -s body.bin b214.img || fail "image with '+' in its name differs when served"
    stop_serve TERM
else
    echo "SKIP serving check: curl not installed"
fi

echo "ok   $test_name"
