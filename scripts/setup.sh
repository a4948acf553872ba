#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs every Debian package Ferry needs to build, test, fuzz and benchmark.
# Idempotent: it asks apt only for what is missing, and refreshes the package
# lists only when something must be installed. Safe to run on every command.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config
  clang libclang-rt-14-dev        # libFuzzer and the sanitizer runtimes
  libbearssl-dev                  # crypto for the host build and tools
  openssl                         # interop tests: keys and signatures made by OpenSSL
  valgrind                        # benchmarks count instructions with callgrind
  xxd                             # tests patch bytes in images
  jq python3                      # tests cross-check JSON output and UUID v5 values
  libhttp-parser-dev libjsmn-dev  # device side: HTTP response and JSON manifest parsing
  libmicrohttpd-dev nginx-light curl  # release server, static-server test, benchmark reference
  qemu-system-arm                 # Cortex-M firmware tests (mps2-an385)
  gcc-arm-none-eabi libnewlib-arm-none-eabi  # firmware toolchain and its C library
  dpkg-dev                        # 'apt-get source bearssl/http-parser/jsmn' unpacks with dpkg-source
  dosfstools mtools               # FAT tests: mkfs.fat, fsck.fat and mcopy are the judges
  libp11-kit-dev softhsm2         # PKCS#11 token keys in ferry (p11-kit) and their tests on a software token
  libssl-dev python3-cryptography-vectors  # P-256 tests: OpenSSL as a reference, NIST CAVP SigVer vectors
)

# The firmware compiles BearSSL and http-parser from Debian's source packages
# (scripts/fetch-*-source.sh), which need a deb-src entry for bookworm
# main. Added once, only if no such entry exists yet.
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
FERRY_SRC_LIST=/etc/apt/sources.list.d/ferry-src.sources
need_update=0
if ! grep -rqsE '^(deb-src[[:space:]].*bookworm[[:space:]].*main|Types:.*deb-src)' \
     /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo "setup: adding Debian bookworm source packages (deb-src) in $FERRY_SRC_LIST"
  printf '%s\n' 'Types: deb-src' 'URIs: http://deb.debian.org/debian' 'Suites: bookworm' \
    'Components: main' 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' |
    $SUDO tee "$FERRY_SRC_LIST" >/dev/null
  need_update=1
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  if [ "$need_update" -eq 1 ]; then
    $SUDO apt-get update -q
  fi
  [ -n "${FERRY_QUIET_SETUP:-}" ] || echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
