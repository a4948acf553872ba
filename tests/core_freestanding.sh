#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The portable core must not need an OS: its archive may only call the
# compiler's memory primitives, BearSSL, and itself (plus sanitizer hooks in
# a sanitized build). Any other external symbol (malloc, printf, open ...)
# fails. http-parser and jsmn are allowed too: both are plain C without an
# OS. Also checks that core sources include no OS or libc headers beyond
# the freestanding set, <string.h> and those two libraries' headers.
#   core_freestanding.sh SRC_DIR ARCHIVE...
set -eu
src=$1; shift # then the archives
defined=$(nm -g --defined-only "$@" 2>/dev/null | awk 'NF == 3 {print $3}' | sort -u)
undefined=$(nm -u "$@" | awk 'NF == 2 {print $2}' | sort -u)
bad=""
for s in $undefined; do
  case "$s" in
    memcpy|memset|memcmp|memmove|br_*|http_parser_*|jsmn_*|__asan*|__ubsan*|__sanitizer*|__stack_chk_fail) continue ;;
  esac
  echo "$defined" | grep -qx "$s" && continue
  bad="$bad $s"
done
if [ -n "$bad" ]; then
  echo "FAIL core needs symbols from outside:$bad"
  exit 1
fi
headers=$(grep -rhoE '#include <[^>]+>' "$src" | sort -u | grep -vE '<(stddef|stdint|stdbool|string|limits|bearssl|http_parser|jsmn)\.h>' || true)
if [ -n "$headers" ]; then
  echo "FAIL core includes non-freestanding headers: $headers"
  exit 1
fi
echo "ok   core is freestanding ($(echo "$undefined" | wc -w) external symbols checked)"
echo "1 passed, 0 failed"
