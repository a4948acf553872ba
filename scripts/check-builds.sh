#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Builds the whole host tree (libraries, CLI, simulator, tests, benchmarks)
# with gcc and clang, each in Debug and Release, with warnings as errors and
# without sanitizers; runs nothing. Some warnings appear only with the
# optimiser (-Wformat-truncation, -Wstringop-overflow, -Wmaybe-uninitialized),
# so the suite's clang Debug build alone does not prove the others clean.
# Too slow for ctest (docs/build.md has the time it takes).
#   check-builds.sh [OUT]      (default: build/check-builds)
# Exit status: 0 every build passed, 1 one failed (its log is printed).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build/check-builds}
mkdir -p "$out"
out=$(cd "$out" && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
bad=0
for cc in gcc clang; do
  if ! command -v "$cc" >/dev/null 2>&1; then
    echo "SKIP $cc: not found"
    continue
  fi
  for type in Debug Release; do
    dir="$out/$cc-$type"
    start=$(date +%s)
    if CC=$cc cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=$type -DFERRY_SANITIZE=OFF \
         -DFERRY_WERROR=ON >"$dir.log" 2>&1 &&
       cmake --build "$dir" -j"$jobs" >>"$dir.log" 2>&1; then
      echo "PASS $cc $type ($(($(date +%s) - start)) s)"
    else
      grep -E "error|warning" "$dir.log" | head -n 40
      echo "FAIL $cc $type: see $dir.log"
      bad=1
    fi
  done
done
exit "$bad"
