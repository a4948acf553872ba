#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Every source file of the repository carries an SPDX license line in its
# first three lines (after a #! line where there is one). Docs (*.md) and
# data files are not sources.
#   spdx.sh REPO_ROOT
set -eu
cd "$1"
bad=0 n=0
for f in $(git ls-files 2>/dev/null || find . -type f); do
  case "$f" in *.md|*.gitignore|LICENSE|NOTICE|*.pem|*.json|*.bin) continue ;; esac
  n=$((n + 1))
  if ! head -n 3 "$f" | grep -q 'SPDX-License-Identifier: Apache-2.0'; then
    echo "FAIL no SPDX line: $f"
    bad=$((bad + 1))
  fi
done
[ -f LICENSE ] || { echo "FAIL no LICENSE file"; bad=$((bad + 1)); }
[ -f NOTICE ] || { echo "FAIL no NOTICE file"; bad=$((bad + 1)); }
echo "$((n - bad)) of $n source files carry an SPDX line"
[ "$bad" -eq 0 ]
