#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fetches a Debian source package into a build tree, for the firmware build
# (the host links the packaged library; the target needs it compiled for
# Thumb). Never run it inside the source tree: third-party source is not
# committed.
#   fetch-deb-source.sh PACKAGE DEST FILE
# Leaves the unpacked tree at DEST/PACKAGE (which must hold FILE, a path
# relative to the tree's top) and its version in DEST/PACKAGE.version. Does
# nothing if that is already there. Needs a deb-src entry (scripts/setup.sh
# adds one) and dpkg-source (dpkg-dev).
# Exit status: 0 ready, 1 could not fetch (the reason is printed).
set -eu
pkg=${1:?usage: fetch-deb-source.sh PACKAGE DEST FILE}
dest=${2:?usage: fetch-deb-source.sh PACKAGE DEST FILE}
file=${3:?usage: fetch-deb-source.sh PACKAGE DEST FILE}
me="fetch-$pkg-source"
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)

if [ -f "$dest/$pkg/$file" ] && [ -f "$dest/$pkg.version" ]; then
  exit 0
fi
for tool in apt-get dpkg-source; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "$me: '$tool' is missing (run scripts/setup.sh)" >&2
    exit 1
  fi
done

work="$dest/$pkg-fetch.$$"
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
if ! (cd "$work" && apt-get source -q "$pkg" >log 2>&1); then
  echo "$me: 'apt-get source $pkg' failed:" >&2
  sed 's/^/  /' "$work/log" >&2
  echo "  (no deb-src entry? run scripts/setup.sh; no network? fetch once with it)" >&2
  exit 1
fi
src=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name "$pkg-*" | head -n 1)
if [ -z "$src" ] || [ ! -f "$src/$file" ]; then
  echo "$me: the source package did not unpack to $pkg-*/$file" >&2
  exit 1
fi
dsc=$(find "$work" -maxdepth 1 -name "${pkg}_*.dsc" | head -n 1)
rm -rf "${dest:?}/$pkg"
mv "$src" "$dest/$pkg"
basename "${dsc%.dsc}" | sed "s/^${pkg}_//" >"$dest/$pkg.version"
echo "$me: $pkg $(cat "$dest/$pkg.version") unpacked in $dest/$pkg"
