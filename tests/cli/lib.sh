# SPDX-License-Identifier: Apache-2.0
# Shared by the CLI test scripts; sourced after `set -eu`.
# Arguments of every script: FERRY_BINARY WORK_DIR [helpers...]. The work
# directory is emptied and becomes the current directory.
# shellcheck disable=SC2034 # used by the scripts that source this file
ferry=$1
work=$2
test_name=$(basename "$0" .sh)
rm -rf "$work"
mkdir -p "$work"
cd "$work"

fail() {
    echo "FAIL $test_name: $*" >&2
    exit 1
}

need_openssl() {
    if ! command -v openssl >/dev/null 2>&1; then
        echo "SKIP $test_name: openssl not installed"
        exit 77
    fi
}

# expect_error STATUS TEXT CMD...: CMD exits with STATUS, prints nothing on
# stdout and exactly one line on stderr, which contains TEXT.
expect_error() {
    want=$1
    text=$2
    shift 2
    set +e
    "$@" >out.txt 2>err.txt
    got=$?
    set -e
    [ "$got" = "$want" ] || fail "'$*' exited $got, expected $want; stderr: $(cat err.txt)"
    lines=$(wc -l < err.txt)
    [ "$lines" -eq 1 ] || fail "'$*' printed $lines lines on stderr: $(cat err.txt)"
    grep -qF -- "$text" err.txt || fail "'$*': expected \"$text\" in: $(cat err.txt)"
    [ ! -s out.txt ] || fail "'$*' printed on stdout: $(cat out.txt)"
}

# expect_ok CMD...: CMD exits 0; its stdout is left in out.txt.
expect_ok() {
    set +e
    "$@" >out.txt 2>err.txt
    got=$?
    set -e
    [ "$got" = 0 ] || fail "'$*' exited $got: $(cat err.txt)"
}

# Little-endian header fields and sizes of an image file.
le16() { od -An -tu2 -j "$2" -N2 --endian=little "$1" | tr -d ' '; }
le32() { od -An -tu4 -j "$2" -N4 --endian=little "$1" | tr -d ' '; }
file_size() { wc -c < "$1" | tr -d ' '; }

# flip IN OUT OFFSET [MASK]: OUT is IN with byte OFFSET xor MASK (default 1).
flip() {
    cp "$1" "$2"
    b=$(od -An -tu1 -j "$3" -N1 "$1" | tr -d ' ')
    n=$((b ^ ${4:-1}))
    # shellcheck disable=SC2059
    printf "$(printf '\\%03o' "$n")" | dd of="$2" bs=1 seek="$3" conv=notrunc 2>/dev/null
}

# A deterministic payload of N bytes.
make_payload() {
    head -c "$2" /dev/zero | tr '\0' 'a' > "$1"
    printf 'end of payload' >> "$1"
}
