#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Ferry's test suite: installs what it needs, builds with AddressSanitizer and
# UBSan (and the libFuzzer targets, with clang), and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export CC=clang
cmake -S . -B build/test -DCMAKE_BUILD_TYPE=Debug -DFERRY_SANITIZE=ON -DFERRY_FUZZ=ON >/dev/null
cmake --build build/test -j"$(nproc)"
ctest --test-dir build/test --output-on-failure -j"$(nproc)" "$@"
