#!/usr/bin/env bash
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
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  [ -n "${FERRY_QUIET_SETUP:-}" ] || echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
