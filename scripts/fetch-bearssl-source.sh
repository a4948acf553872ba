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
exec sh "$(dirname "$0")/fetch-deb-source.sh" bearssl "$dest" inc/bearssl.h
