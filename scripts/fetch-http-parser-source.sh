#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fetches http-parser's Debian source package into a build tree, for the
# firmware build (cmake/FerryFirmwareDeps.cmake compiles http_parser.c for
# the target; the host links libhttp-parser). Never run it inside the source
# tree: third-party source is not committed.
#   fetch-http-parser-source.sh DEST
# Leaves the unpacked tree at DEST/http-parser (http_parser.c, http_parser.h)
# and its version in DEST/http-parser.version. Does nothing if that is
# already there. Needs a deb-src entry (scripts/setup.sh adds one) and
# dpkg-source (dpkg-dev).
# Exit status: 0 ready, 1 could not fetch (the reason is printed).
set -eu
dest=${1:?usage: fetch-http-parser-source.sh DEST}
exec sh "$(dirname "$0")/fetch-deb-source.sh" http-parser "$dest" http_parser.c
