#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Download-and-stage of a 1 MiB image through the update agent, against curl
# fetching the same file from the same server (ferry serve on 127.0.0.1) in
# the same run. Prints a Markdown section. Wall-clock times: the median of
# RUNS runs each.
#   bench/download.sh BUILD_DIR [RUNS]
set -euo pipefail
build=$1 runs=${2:-7}
ferry=$build/tools/ferry/ferry
tmp=$(mktemp -d)
server=""
trap '[ -z "$server" ] || kill "$server" 2>/dev/null; rm -rf "$tmp"' EXIT
id=(--vendor example.com --device-class ferry-sim-device)

"$ferry" keygen -k "$tmp/key.pem" >/dev/null
head -c 4096 /dev/urandom >"$tmp/v1.bin"
head -c 1048576 /dev/urandom >"$tmp/v2.bin"
"$ferry" sign -k "$tmp/key.pem" --version 1.0.0 "${id[@]}" "$tmp/v1.bin" "$tmp/v1.img" >/dev/null
"$ferry" sign -k "$tmp/key.pem" --version 2.0.0 "${id[@]}" "$tmp/v2.bin" "$tmp/v2.img" >/dev/null
"$ferry" publish -k "$tmp/key.pem" --repo "$tmp/repo" "$tmp/v2.img" >/dev/null
"$ferry" serve "$tmp/repo" --port 0 --bind 127.0.0.1 --access-log /dev/null >"$tmp/serve.out" 2>&1 &
server=$!
url=""
for _ in $(seq 200); do
  url=$(sed -n '1s/^serving .* at //p' "$tmp/serve.out")
  [ -n "$url" ] && break
  sleep 0.05
done
[ -n "$url" ] || { echo "bench: ferry serve did not start" >&2; exit 1; }
image_url=$url$(cd "$tmp/repo" && ls -d */images/*.img)

median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
agent_out=$("$build/bench/bench_agent" "$url" "$tmp/key.pem" "$tmp/v1.img" "$runs")
agent_ms=$(awk '/^agent_ms/ {print $2}' <<<"$agent_out" | median)
bytes=$(awk '/^agent_ms/ {print $3; exit}' <<<"$agent_out")
read -r _ state http <<<"$(grep '^agent_buffers' <<<"$agent_out")"
curl_ms=$(for _ in $(seq "$runs"); do
  curl -s -o /dev/null -w '%{time_total}\n' "$image_url" | awk '{printf "%.1f\n", $1 * 1000}'
done | median)
ratio=$(awk -v a="$agent_ms" -v c="$curl_ms" 'BEGIN { printf "%.1f", a / c }')

echo "## Over-the-air download (1 MiB image, ferry serve on 127.0.0.1)"
echo
echo "| what | median of $runs |"
echo "|---|---|"
echo "| agent: check manifest, download $bytes bytes into the staging slot (simulated NOR), hash, verify signature, mark | $agent_ms ms |"
echo "| curl: fetch the same image to /dev/null | $curl_ms ms |"
echo "| ratio agent / curl | $ratio |"
echo
echo "Agent memory: $state bytes of agent state (struct ferry_agent, including its work buffer)"
echo "plus a $http-byte HTTP buffer = $((state + http)) bytes, no heap. TLS, when used, adds BearSSL's"
echo "context and I/O buffer (see docs/http.md)."
