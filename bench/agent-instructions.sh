#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Instructions per downloaded byte of the update agent on the host: the
# agent (bench_agent: manifest, download into the simulated staging slot,
# verification, mark) runs under valgrind's callgrind for a 256 KiB and a
# 1 MiB image from `ferry serve` on 127.0.0.1; the difference of the two
# totals over the difference of the sizes is the cost of one more byte
# (the fixed costs, two signature checks, process start, cancel out), and
# the same for BearSSL's SHA-256 compression function alone.
#
#   bench/agent-instructions.sh BUILD_DIR
# BUILD_DIR: a build with bench_agent and the ferry tool (a Release build
# without sanitizers gives figures of the code, not of the instrumentation).
# Prints a markdown table. Needs valgrind (callgrind_annotate).
set -euo pipefail
build=$1
ferry=$build/tools/ferry/ferry
agent=$build/bench/bench_agent
command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null ||
  { echo "agent-instructions: valgrind not installed" >&2; exit 77; }
tmp=$(mktemp -d)
server=""
trap '[ -z "$server" ] || kill "$server" 2>/dev/null; rm -rf "$tmp"' EXIT
id=(--vendor example.com --device-class ferry-sim-device)
"$ferry" keygen -k "$tmp/key.pem" >/dev/null
head -c 4096 /dev/urandom >"$tmp/v1.bin"
"$ferry" sign -k "$tmp/key.pem" --version 1.0.0 "${id[@]}" "$tmp/v1.bin" "$tmp/v1.img" >/dev/null

# total_ir SIZE -> "bytes total_ir sha_ir"
measure() {
  local size=$1 dir=$tmp/s$1
  mkdir -p "$dir"
  head -c "$size" /dev/urandom >"$dir/v2.bin"
  "$ferry" sign -k "$tmp/key.pem" --version 2.0.0 "${id[@]}" "$dir/v2.bin" "$dir/v2.img" >/dev/null
  "$ferry" publish -k "$tmp/key.pem" --repo "$dir/repo" "$dir/v2.img" >/dev/null
  "$ferry" serve "$dir/repo" --port 0 --bind 127.0.0.1 --access-log /dev/null >"$dir/serve.out" 2>&1 &
  server=$!
  local url=""
  for _ in $(seq 200); do
    url=$(sed -n '1s/^serving .* at //p' "$dir/serve.out")
    [ -n "$url" ] && break
    sleep 0.05
  done
  [ -n "$url" ] || { echo "agent-instructions: ferry serve did not start" >&2; exit 1; }
  local bytes
  bytes=$(valgrind --tool=callgrind --callgrind-out-file="$dir/cg" "$agent" "$url" "$tmp/key.pem" \
            "$tmp/v1.img" 1 2>/dev/null | awk '/^agent_ms/ {print $3}')
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=""
  [ -n "$bytes" ] || { echo "agent-instructions: the agent did not finish" >&2; exit 1; }
  local total sha
  total=$(callgrind_annotate "$dir/cg" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
  sha=$(callgrind_annotate "$dir/cg" 2>/dev/null | awk '/sha2small_round/ {gsub(",", "", $1); s += $1} END {print s + 0}')
  echo "$bytes $total $sha"
}

read -r b1 t1 s1 <<<"$(measure 262144)"
read -r b2 t2 s2 <<<"$(measure 1048576)"
echo "| what (host, x86-64, callgrind) | 256 KiB image | 1 MiB image | per extra byte |"
echo "|---|---:|---:|---:|"
awk -v b1="$b1" -v b2="$b2" -v t1="$t1" -v t2="$t2" -v s1="$s1" -v s2="$s2" 'BEGIN {
  printf "| whole agent run (bytes downloaded: %d / %d) | %.1f M | %.1f M | %.1f |\n", b1, b2, t1 / 1e6, t2 / 1e6, (t2 - t1) / (b2 - b1)
  printf "| of it SHA-256 (BearSSL compression function) | %.1f M | %.1f M | %.1f |\n", s1 / 1e6, s2 / 1e6, (s2 - s1) / (b2 - b1)
}'
