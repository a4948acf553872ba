#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Builds tests/consumer (a product with a bootloader on ferry::boot and an
# application on ferry::app) against Ferry one way:
#   run.sh FERRY_ROOT WORK deps           fetch the target's third-party sources once
#   run.sh FERRY_ROOT WORK host_subdir    host, add_subdirectory(), gcc Release -Werror;
#                                         runs both programs; configures the FetchContent variant
#   run.sh FERRY_ROOT WORK host_package   host, cmake --install (with the CLI, FERRY_SERVE=OFF)
#                                         then find_package(Ferry); runs both programs and the CLI
#   run.sh FERRY_ROOT WORK m4_subdir      Cortex-M4F (FERRY_CPU=cortex-m4), add_subdirectory(),
#                                         with CMAKE_C_FLAGS of the user's own, -Werror
#   run.sh FERRY_ROOT WORK m4_package     Cortex-M4F, cmake --install then find_package(Ferry),
#                                         and a Cortex-M7 build must refuse that package
# WORK/sources holds the fetched sources (shared by the m4_* cases). Exit status:
# 0 passed, 1 failed, 77 skipped (no cross compiler, sources not fetchable).
set -eu
root=$(cd "${1:?usage: run.sh FERRY_ROOT WORK CASE}" && pwd)
work=${2:?usage: run.sh FERRY_ROOT WORK CASE}
case_=${3:?usage: run.sh FERRY_ROOT WORK CASE}
mkdir -p "$work"
work=$(cd "$work" && pwd)
src="$root/tests/consumer"
deps="$work/sources"
out="$work/$case_"
toolchain="$root/cmake/arm-none-eabi.cmake"
jobs=2

fail() {
  echo "FAIL: $*"
  exit 1
}
skip() {
  echo "SKIP: $*"
  exit 77
}
# Quiet steps: the log is shown only when a step fails.
step() {
  what=$1
  shift
  if ! "$@" >"$out/step.log" 2>&1; then
    cat "$out/step.log"
    fail "$what"
  fi
}

# The cross compiler must not see the host compiler or flags (scripts/test.sh sets CC).
cross() {
  env -u CC -u CFLAGS -u LDFLAGS "$@"
}
need_cross() {
  command -v arm-none-eabi-gcc >/dev/null 2>&1 ||
    skip "arm-none-eabi-gcc not found (scripts/setup.sh: gcc-arm-none-eabi)"
  [ -f "$deps/ready" ] || skip "the target's third-party sources were not fetched (see consumer.deps)"
}
# Where the cross builds take BearSSL, http-parser and jsmn from (cmake/FerryFirmwareDeps.cmake).
dep_args() {
  echo "-DFERRY_BEARSSL_SOURCE_DIR=$deps/bearssl -DFERRY_HTTP_PARSER_SOURCE_DIR=$deps/http-parser" \
       "-DFERRY_JSMN_SOURCE_DIR=$(cat "$deps/jsmn.dir")"
}
# The firmware must be Thumb code for the M4F, with the hard-float ABI.
check_m4() {
  for elf in "$1/consumer_boot.elf" "$1/consumer_app.elf"; do
    [ -f "$elf" ] || fail "$elf was not built"
    attrs=$(arm-none-eabi-readelf -A "$elf")
    echo "$attrs" | grep -q 'Tag_CPU_name: "7E-M"' || fail "$elf is not built for a Cortex-M4"
    echo "$attrs" | grep -q 'Tag_ABI_VFP_args: VFP registers' || fail "$elf does not use the hard-float ABI"
  done
  arm-none-eabi-size "$1/consumer_boot.elf" "$1/consumer_app.elf"
}
run_host() {
  "$1/consumer_boot" || fail "the bootloader did not refuse blank flash with FERRY_E_NO_IMAGE"
  "$1/consumer_app" || fail "the application's confirm path did not answer as documented"
}

rm -rf "$out"
mkdir -p "$out"
case "$case_" in
deps)
  [ ! -f "$deps/ready" ] || { echo "PASS: consumer deps (already fetched in $deps)"; exit 0; }
  for p in bearssl http-parser; do
    sh "$root/scripts/fetch-$p-source.sh" "$deps" ||
      skip "$p's source package is not available (see above)"
  done
  # jsmn is one header: the host's copy is used when its source cannot be fetched.
  if sh "$root/scripts/fetch-jsmn-source.sh" "$deps" >"$out/jsmn.log" 2>&1; then
    echo "$deps/jsmn" >"$deps/jsmn.dir"
  elif [ -f /usr/include/jsmn.h ]; then
    echo "jsmn's source package is not available; using the host's /usr/include/jsmn.h"
    mkdir -p "$deps/jsmn-host"
    cp /usr/include/jsmn.h "$deps/jsmn-host/"
    echo "$deps/jsmn-host" >"$deps/jsmn.dir"
  else
    cat "$out/jsmn.log"
    skip "neither jsmn's source package nor libjsmn-dev is available"
  fi
  touch "$deps/ready"
  ;;
host_subdir)
  command -v gcc >/dev/null 2>&1 || skip "gcc not found"
  step "configure (add_subdirectory, gcc Release)" env CC=gcc cmake -S "$src" -B "$out/build" \
    -DFERRY_CONSUMER_MODE=subdir -DFERRY_ROOT="$root" -DCMAKE_BUILD_TYPE=Release -DFERRY_WERROR=ON
  step "build" cmake --build "$out/build" -j"$jobs"
  grep -q '^FERRY_BUILD_TESTS:BOOL=OFF' "$out/build/CMakeCache.txt" ||
    fail "Ferry as a subproject must not build its tests"
  [ ! -e "$out/build/ferry/tools" ] || fail "Ferry as a subproject must not build its tools"
  run_host "$out/build"
  # README's FetchContent lines, with the download replaced by this tree.
  step "configure (FetchContent)" cmake -S "$src" -B "$out/fetchcontent" \
    -DFERRY_CONSUMER_MODE=fetchcontent -DFETCHCONTENT_SOURCE_DIR_FERRY="$root"
  ;;
host_package)
  step "configure Ferry (FERRY_SERVE=OFF)" cmake -S "$root" -B "$out/ferry" \
    -DFERRY_BUILD_TESTS=OFF -DFERRY_SERVE=OFF -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$out/prefix"
  step "build Ferry" cmake --build "$out/ferry" -j"$jobs"
  step "install Ferry" cmake --install "$out/ferry"
  for f in lib/cmake/Ferry/FerryConfig.cmake lib/cmake/Ferry/FerryConfigVersion.cmake \
           lib/cmake/Ferry/FerryTargets.cmake lib/libferry_boot.a lib/libferry_app.a \
           include/ferry/boot.h bin/ferry; do
    [ -f "$out/prefix/$f" ] || fail "cmake --install left no $f"
  done
  "$out/prefix/bin/ferry" --version || fail "the installed ferry does not run"
  set +e
  "$out/prefix/bin/ferry" serve "$out" >"$out/serve.out" 2>&1
  rc=$?
  set -e
  cat "$out/serve.out"
  [ "$rc" -eq 1 ] && grep -q "without libmicrohttpd" "$out/serve.out" ||
    fail "'ferry serve' without libmicrohttpd must fail with a clear message (exit $rc)"
  step "configure (find_package)" cmake -S "$src" -B "$out/build" -DFERRY_CONSUMER_MODE=package \
    -DCMAKE_PREFIX_PATH="$out/prefix"
  step "build" cmake --build "$out/build" -j"$jobs"
  run_host "$out/build"
  ;;
m4_subdir)
  need_cross
  # shellcheck disable=SC2046 # dep_args is a list of words
  # With flags of the user's own: they must add to the CPU flags, not replace them.
  step "configure (add_subdirectory, cortex-m4)" cross cmake -S "$src" -B "$out/build" \
    -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DFERRY_CPU=cortex-m4 -DCMAKE_BUILD_TYPE=MinSizeRel \
    -DCMAKE_C_FLAGS="-g -DCONSUMER_USER_FLAGS" \
    -DFERRY_CONSUMER_MODE=subdir -DFERRY_ROOT="$root" -DFERRY_WERROR=ON $(dep_args)
  step "build" cmake --build "$out/build" -j"$jobs"
  grep -q -- '-mcpu=cortex-m4 .*-DCONSUMER_USER_FLAGS' "$out/build/CMakeCache.txt" ||
    fail "CMAKE_C_FLAGS lost the CPU flags or the user's"
  check_m4 "$out/build"
  ;;
m4_package)
  need_cross
  # shellcheck disable=SC2046
  step "configure Ferry (cortex-m4)" cross cmake -S "$root" -B "$out/ferry" \
    -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DFERRY_CPU=cortex-m4 -DCMAKE_BUILD_TYPE=MinSizeRel \
    -DCMAKE_INSTALL_PREFIX="$out/prefix" $(dep_args)
  step "build Ferry" cmake --build "$out/ferry" -j"$jobs"
  step "install Ferry" cmake --install "$out/ferry"
  for f in libferry_boot.a libferry_app.a libferry_bearssl.a libferry_http_parser.a; do
    [ -f "$out/prefix/lib/$f" ] || fail "cmake --install left no lib/$f"
  done
  step "configure (find_package, cortex-m4)" cross cmake -S "$src" -B "$out/build" \
    -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DFERRY_CPU=cortex-m4 -DCMAKE_BUILD_TYPE=MinSizeRel \
    -DFERRY_CONSUMER_MODE=package -DCMAKE_PREFIX_PATH="$out/prefix"
  step "build" cmake --build "$out/build" -j"$jobs"
  check_m4 "$out/build"
  # Libraries for the M4F do not link into an M7 program: the package says so.
  if cross cmake -S "$src" -B "$out/m7" -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DFERRY_CPU=cortex-m7 \
       -DFERRY_CONSUMER_MODE=package -DCMAKE_PREFIX_PATH="$out/prefix" >"$out/m7.log" 2>&1; then
    fail "a Cortex-M7 build accepted Ferry built for the Cortex-M4F"
  fi
  # CMake wraps the message at a width that depends on the path: join lines first.
  tr -s ' \n' '  ' <"$out/m7.log" | grep -q "was built with" ||
    { cat "$out/m7.log"; fail "no clear message for the M7 build"; }
  ;;
*)
  echo "run.sh: unknown case '$case_'" >&2
  exit 2
  ;;
esac
echo "PASS: consumer $case_"
