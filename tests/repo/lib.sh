# SPDX-License-Identifier: Apache-2.0
# Shared by the repository and server test scripts; sourced after `set -eu`.
# Arguments of every script: FERRY_BINARY WORK_DIR [helpers...]. The work
# directory is emptied and becomes the current directory. Servers a test
# starts are registered with `track_pid` and stopped when the script exits,
# whether it passed or failed.
# shellcheck disable=SC2034 # used by the scripts that source this file
ferry=$1
work=$2
test_name=$(basename "$0" .sh)
rm -rf "$work"
mkdir -p "$work"
cd "$work"

tracked_pids=""
stop_tracked() {
    for pid in $tracked_pids; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in $tracked_pids; do
        wait "$pid" 2>/dev/null || true
    done
    tracked_pids=""
}
trap stop_tracked EXIT
trap 'exit 1' INT TERM HUP
track_pid() { tracked_pids="$tracked_pids $1"; }
untrack_pid() { tracked_pids=$(echo "$tracked_pids" | tr ' ' '\n' | grep -vx "$1" | tr '\n' ' '); }

fail() {
    echo "FAIL $test_name: $*" >&2
    exit 1
}

skip() {
    echo "SKIP $test_name: $*"
    exit 77
}

# need TOOL...: skip the whole test when a tool is missing.
need() {
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 || skip "$tool not installed"
    done
}

# expect_ok CMD...: CMD exits 0; its stdout is left in out.txt.
expect_ok() {
    set +e
    "$@" >out.txt 2>err.txt
    got=$?
    set -e
    [ "$got" = 0 ] || fail "'$*' exited $got: $(cat err.txt)"
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

file_size() { wc -c < "$1" | tr -d ' '; }
sha256_of() { sha256sum "$1" | cut -d' ' -f1; }
inode_of() { stat -c %i "$1"; }

# make_payload FILE N SEED: a deterministic payload of N bytes that differs
# with SEED.
make_payload() {
    awk -v seed="$3" -v n="$2" 'BEGIN {
        for (i = 0; len < n; i++) {
            line = sprintf("%s block %06d of a test application payload\n", seed, i)
            printf "%s", line
            len += length(line)
        }
    }' | head -c "$2" > "$1"
}

# class_id VENDOR CLASS: the class UUID ferry derives from the names.
class_id() {
    "$ferry" uuid --vendor "$1" --device-class "$2" | sed -n 's/^class-id  //p'
}

# flip IN OUT OFFSET: OUT is IN with byte OFFSET inverted.
flip() {
    cp "$1" "$2"
    flip_byte=$(od -An -tu1 -j "$3" -N1 "$1" | tr -d ' ')
    # shellcheck disable=SC2059
    printf "$(printf '\\%03o' $((flip_byte ^ 255)))" | dd of="$2" bs=1 seek="$3" conv=notrunc 2>/dev/null
}

# start_serve LOG_PREFIX ARGS...: starts `ferry serve ARGS` in the background,
# waits for its first line and sets $url and $serve_pid.
start_serve() {
    prefix=$1
    shift
    "$ferry" serve "$@" > "$prefix.out" 2> "$prefix.err" &
    serve_pid=$!
    track_pid "$serve_pid"
    tries=0
    until grep -q '^serving ' "$prefix.out" 2>/dev/null; do
        kill -0 "$serve_pid" 2>/dev/null || fail "ferry serve $* exited: $(cat "$prefix.err")"
        tries=$((tries + 1))
        [ "$tries" -lt 200 ] || fail "ferry serve $* printed no URL in 10 s"
        sleep 0.05
    done
    url=$(sed -n '1s/^serving .* at //p' "$prefix.out")
}

# stop_serve SIGNAL: stops the server started last; it must exit 0.
stop_serve() {
    kill "-$1" "$serve_pid"
    set +e
    wait "$serve_pid"
    status=$?
    set -e
    untrack_pid "$serve_pid"
    [ "$status" = 0 ] || fail "ferry serve exited $status after SIG$1"
}

# A TCP port that was free a moment ago on 127.0.0.1.
free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
    else
        echo $((20000 + $$ % 20000))
    fi
}

# http_status CURL_ARGS...: prints the status code of one curl request.
http_status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

# header NAME FILE: the value of a response header in a curl -D dump.
header() { tr -d '\r' < "$2" | sed -n "s/^$1: //Ip" | tail -n 1; }

# request CURL_ARGS...: one curl request; status code in $status, body in
# body.bin, headers in head.txt; counts the requests in $requests (compared
# with the access log).
requests=0
request() {
    set +e
    status=$(curl -s -o body.bin -D head.txt -w '%{http_code}' "$@")
    set -e
    requests=$((requests + 1))
}

# expect_status CODE CURL_ARGS...
expect_status() {
    want=$1
    shift
    request "$@"
    [ "$status" = "$want" ] || fail "curl $* gave $status, expected $want"
}

# raw_request HOST PORT TEXT: sends TEXT (printf escapes like \r\n) as is
# on one TCP connection and prints everything the server sends back until it
# closes. Needs python3.
raw_request() {
    python3 - "$1" "$2" "$3" <<'PY'
import socket, sys
host, port = sys.argv[1], int(sys.argv[2])
text = sys.argv[3].encode().decode("unicode_escape").encode("latin-1")
s = socket.create_connection((host, port), timeout=10)
s.sendall(text)
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
sys.stdout.buffer.write(data)
PY
}
