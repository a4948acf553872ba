#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Over the air on the simulated device, end to end, with real processes and
# sockets on 127.0.0.1 only:
#   1. v2 is published (ferry publish) and served (ferry serve); the device
#      boots v1, its agent finds v2, downloads it, verifies it and resets; the
#      bootloader installs v2, which confirms itself and finds nothing newer.
#   2. the server is down: the device says why and stays on its image;
#   3. the server accepts and never answers: the agent times out, same;
#   4. over HTTPS (when openssl is installed): a server certificate from a CA
#      the device does not trust is refused; one from its CA updates it.
#
#   agent_e2e.sh BUILD_DIR WORK_DIR SIGNING_KEY CERT_SCRIPT
set -euo pipefail

build=$1 work=$2 key=$3 certs=$4
ferry=$build/tools/ferry/ferry
sim=$build/port/sim/ferry-sim
apps=$build/port/sim
id=(--vendor example.com --device-class ferry-sim-device)

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
say() { printf '\n== %s\n' "$*"; }
ok() { printf '   ok: %s\n' "$*"; }
die() { printf '   FAILED: %s\n' "$*" >&2; exit 1; }

# device DIR [ENV=VALUE...]: one power-on until the device switches off.
device() {
  local dir=$1
  shift
  DEVICE_OUT=$(env "$@" "$sim" --dir "$dir" run --watchdog-ms 3000 --cycles 4 | tee /dev/stderr) \
    || die "ferry-sim exited with an error"
}
expect() { grep -qF -- "$1" <<<"$DEVICE_OUT" || die "expected console line: $1"; }
reject() { ! grep -qF -- "$1" <<<"$DEVICE_OUT" || die "unexpected console line: $1"; }
fresh_device() { # fresh_device DIR: factory state, v1 in the primary slot
  rm -rf "$1" && mkdir -p "$1"
  "$sim" --dir "$1" flash primary "$work/app-1.0.0.img" >/dev/null
}

# serve NAME ARGS...: ferry serve in the background; sets $url.
serve() {
  local name=$1
  shift
  "$ferry" serve "$@" --port 0 --bind 127.0.0.1 --access-log "$work/$name.log" \
    >"$work/$name.out" 2>"$work/$name.err" &
  pids+=($!)
  for _ in $(seq 200); do
    url=$(sed -n '1s/^serving .* at //p' "$work/$name.out")
    [ -n "$url" ] && return 0
    sleep 0.05
  done
  die "ferry serve printed no URL: $(cat "$work/$name.err")"
}

rm -rf "$work" && mkdir -p "$work"

say "Sign v1 and v2 of the sample application; publish v2"
for v in 1.0.0 2.0.0; do
  objcopy --strip-debug "$apps/sample_app_${v//./_}" "$work/app-$v.bin"
  "$ferry" sign --raw -k "$key" --version "$v" --security-counter 1 "${id[@]}" --name "sample $v" \
    "$work/app-$v.bin" "$work/app-$v.img" >/dev/null
done
"$ferry" publish -k "$key" --repo "$work/repo" "$work/app-2.0.0.img"
ok "repository written"

say "v1 finds v2, downloads it, resets; the bootloader installs it; v2 confirms"
serve http "$work/repo"
fresh_device "$work/dev"
device "$work/dev" FERRY_SIM_UPDATE_URL="$url"
expect "[app] hello from the Ferry sample application v1.0.0"
expect "[app] update available: v2.0.0"
expect "[app] downloading ["
expect "100%"
expect "v2.0.0 downloaded, SHA-256 and signature verified, marked for install"
expect "[sim] reset requested by the application"
expect "installing v2.0.0"
expect "[app] hello from the Ferry sample application v2.0.0"
expect "passed, image confirmed"
expect "[app] v2.0.0 is the current release: nothing to do"
expect "[sim] power off"
grep -q 'GET /.*/images/2.0.0-.*\.img HTTP/1.1" 200' "$work/http.log" || die "no image request in the access log"
ok "v2 installed over the air and confirmed"

say "The server is down: the device stays on v1 and says why"
port=$(sed -n 's|.*:\([0-9]*\)/$|\1|p' <<<"$url")
kill "${pids[0]}" && wait "${pids[0]}" 2>/dev/null || true
fresh_device "$work/dev-down"
device "$work/dev-down" FERRY_SIM_UPDATE_URL="http://127.0.0.1:$port/"
expect "[app] no update: "
expect "[app] staying on v1.0.0"
reject "reset requested"
ok "refused connection reported, v1 kept"

say "The server accepts and never answers: the agent gives up after its timeout"
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1], flush=True); time.sleep(120)' >"$work/stall.port" &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/stall.port" ] && break; sleep 0.05; done
device "$work/dev-down" FERRY_SIM_UPDATE_URL="http://127.0.0.1:$(cat "$work/stall.port")/" \
  FERRY_SIM_UPDATE_TIMEOUT_MS=300
expect "[app] no update: timed out"
expect "[app] staying on v1.0.0"
ok "stalled server reported, v1 kept"

say "Any static web server: a real nginx on loopback serves the repository the agent updates from"
nginx=$(command -v nginx || echo /usr/sbin/nginx)
if [ -x "$nginx" ]; then
  prefix=$work/nginx
  mkdir -p "$prefix/logs" "$prefix/tmp"
  nport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  user_line=""
  [ "$(id -u)" != 0 ] || user_line="user root;"
  cat >"$prefix/nginx.conf" <<CONF
$user_line
daemon off;
worker_processes 1;
pid $prefix/nginx.pid;
error_log $prefix/logs/error.log warn;
events { worker_connections 64; }
http {
    access_log $prefix/logs/access.log;
    client_body_temp_path $prefix/tmp/body;
    default_type application/octet-stream;
    server { listen 127.0.0.1:$nport; root $work/repo; location / { } }
}
CONF
  "$nginx" -p "$prefix/" -c "$prefix/nginx.conf" -e "$prefix/logs/error.log" >"$prefix/logs/out" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $nport), 0.2)" 2>/dev/null && break
    sleep 0.05
  done
  fresh_device "$work/dev-nginx"
  device "$work/dev-nginx" FERRY_SIM_UPDATE_URL="http://127.0.0.1:$nport/"
  expect "[app] update available: v2.0.0"
  expect "installing v2.0.0"
  expect "[app] hello from the Ferry sample application v2.0.0"
  expect "passed, image confirmed"
  grep -q 'GET /.*/images/2.0.0-.*\.img HTTP/1.1" 200' "$prefix/logs/access.log" \
    || die "nginx served no image: $(cat "$prefix/logs/access.log")"
  ok "nginx served the update; v2 installed and confirmed"
else
  echo "SKIP nginx step: nginx is not installed"
fi

if ! command -v openssl >/dev/null 2>&1; then
  echo "SKIP https steps: openssl is not installed"
  exit 0
fi
say "HTTPS: a certificate from a CA the device does not trust is refused"
mkdir -p "$work/certs"
sh "$certs" "$work/certs" || die "cannot make test certificates"
serve https "$work/repo" --tls-cert "$work/certs/server.pem" --tls-key "$work/certs/server.key"
case $url in https://*) ;; *) die "ferry serve did not serve https: $url" ;; esac
fresh_device "$work/dev-tls"
device "$work/dev-tls" FERRY_SIM_UPDATE_URL="$url" FERRY_SIM_UPDATE_CA="$work/certs/other-ca.pem"
expect "[app] no update: tls handshake or certificate refused"
expect "[app] staying on v1.0.0"
reject "reset requested"
ok "untrusted certificate refused, v1 kept"

say "HTTPS with the device's CA: the update goes through"
device "$work/dev-tls" FERRY_SIM_UPDATE_URL="$url" FERRY_SIM_UPDATE_CA="$work/certs/ca.pem"
expect "[app] update available: v2.0.0"
expect "installing v2.0.0"
expect "[app] hello from the Ferry sample application v2.0.0"
expect "passed, image confirmed"
ok "v2 installed over https"
