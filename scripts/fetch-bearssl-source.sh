#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fetches BearSSL's Debian source package into a build tree, for the firmware
# build (the host links the packaged library; the target needs it compiled
# for Thumb). Never run it inside the source tree: BearSSL source is not
# committed.
#   fetch-bearssl-source.sh DEST
# Leaves the unpacked tree at DEST/bearssl (inc/, src/) and its version in
# DEST/bearssl.version. Does nothing if that is already there. Needs a
# deb-src entry (scripts/setup.sh adds one) and dpkg-source (dpkg-dev).
# Exit status: 0 ready, 1 could not fetch (the reason is printed).
set -eu
dest=${1:?usage: fetch-bearssl-source.sh DEST}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)

if [ -f "$dest/bearssl/inc/bearssl.h" ] && [ -f "$dest/bearssl.version" ]; then
  exit 0
fi
for tool in apt-get dpkg-source; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "fetch-bearssl-source: '$tool' is missing (run scripts/setup.sh)" >&2
    exit 1
  fi
done

work="$dest/bearssl-fetch.$$"
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
if ! (cd "$work" && apt-get source -q bearssl >log 2>&1); then
  echo "fetch-bearssl-source: 'apt-get source bearssl' failed:" >&2
  sed 's/^/  /' "$work/log" >&2
  echo "  (no deb-src entry? run scripts/setup.sh; no network? fetch once with it)" >&2
  exit 1
fi
src=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'bearssl-*' | head -n 1)
if [ -z "$src" ] || [ ! -f "$src/inc/bearssl.h" ]; then
  echo "fetch-bearssl-source: the source package did not unpack to bearssl-*/inc/bearssl.h" >&2
  exit 1
fi
dsc=$(find "$work" -maxdepth 1 -name 'bearssl_*.dsc' | head -n 1)
rm -rf "$dest/bearssl"
mv "$src" "$dest/bearssl"
basename "${dsc%.dsc}" | sed 's/^bearssl_//' >"$dest/bearssl.version"
echo "fetch-bearssl-source: BearSSL $(cat "$dest/bearssl.version") unpacked in $dest/bearssl"
