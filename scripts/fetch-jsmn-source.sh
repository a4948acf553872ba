#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fetches jsmn's Debian source package into a build tree, for the firmware
# build. jsmn is a single header (no code of its own to compile), so
# cmake/FerryFirmwareDeps.cmake falls back to the host's copy from
# libjsmn-dev when this cannot fetch. Never run it inside the source tree:
# third-party source is not committed.
#   fetch-jsmn-source.sh DEST
# Leaves the unpacked tree at DEST/jsmn (jsmn.h) and its version in
# DEST/jsmn.version. Does nothing if that is already there. Needs a deb-src
# entry (scripts/setup.sh adds one) and dpkg-source (dpkg-dev).
# Exit status: 0 ready, 1 could not fetch (the reason is printed).
set -eu
dest=${1:?usage: fetch-jsmn-source.sh DEST}
exec sh "$(dirname "$0")/fetch-deb-source.sh" jsmn "$dest" jsmn.h
