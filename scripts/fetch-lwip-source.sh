#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fetches lwIP's Debian source package into a build tree, for the firmware
# build (port/mps2-an385/net.cmake compiles the lwIP core for the target with
# port/lwip's options). Never run it inside the source tree: lwIP source is
# not committed.
#   fetch-lwip-source.sh DEST
# Leaves the unpacked tree at DEST/lwip (src/core, src/netif, src/include)
# and its version in DEST/lwip.version. Does nothing if that is already
# there. Needs a deb-src entry (scripts/setup.sh adds one) and dpkg-source
# (dpkg-dev). Note: Debian's tree also holds a Unix port (port/include with
# its own lwipopts.h and arch/cc.h); a firmware build must not put that on
# its include path.
# Exit status: 0 ready, 1 could not fetch (the reason is printed).
set -eu
dest=${1:?usage: fetch-lwip-source.sh DEST}
exec sh "$(dirname "$0")/fetch-deb-source.sh" lwip "$dest" src/core/tcp.c
