#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# ferry serve on loopback, driven with curl: GET and HEAD with the right
# lengths, single ranges (206, Content-Range, 416), 404/405, path traversal
# and symbolic links out of the root refused, one common-log-format line per
# request, port 0, clean stop on SIGTERM and SIGINT.
set -eu
. "$(dirname "$0")/lib.sh"
need curl

expect_ok "$ferry" keygen -k release.pem
make_payload app.bin 300000 serve
expect_ok "$ferry" sign -k release.pem --vendor example.com --device-class board-a \
    --version 1.0.0 app.bin app.img
expect_ok "$ferry" publish -k release.pem --repo repo app.img
class=$(class_id example.com board-a)
image=$(sed 's/.*"image":"\([^"]*\)".*/\1/' "repo/$class/manifest.json")
size=$(file_size app.img)
echo "a secret outside the served directory" > secret.txt

start_serve srv repo --port 0 --access-log access.log
echo "$url" | grep -Eq '^http://127\.0\.0\.1:[0-9]+/$' || fail "URL '$url'"
port=$(echo "$url" | sed 's|.*:\([0-9]*\)/$|\1|')
[ "$port" != 0 ] || fail "port 0 was not replaced by the real port"
base=$url$class

# GET: identical bytes, lengths and types.
expect_status 200 "$base/manifest.json"
cmp -s body.bin "repo/$class/manifest.json" || fail "manifest differs"
[ "$(header Content-Length head.txt)" = "$(file_size "repo/$class/manifest.json")" ] \
    || fail "manifest Content-Length $(header Content-Length head.txt)"
[ "$(header Content-Type head.txt)" = application/json ] || fail "type $(header Content-Type head.txt)"
expect_status 200 "$base/manifest.json.sig"
cmp -s body.bin "repo/$class/manifest.json.sig" || fail "signature differs"
expect_status 200 "$base/$image"
cmp -s body.bin app.img || fail "image differs"
[ "$(header Content-Length head.txt)" = "$size" ] || fail "image Content-Length"
[ "$(header Accept-Ranges head.txt)" = bytes ] || fail "no Accept-Ranges: bytes"
etag=$(header ETag head.txt)

# HEAD: the GET's headers, no body.
expect_status 200 -I "$base/$image"
[ "$(header Content-Length head.txt)" = "$size" ] || fail "HEAD Content-Length"
if command -v python3 >/dev/null 2>&1; then
    raw_request 127.0.0.1 "$port" "HEAD /$class/$image HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" > raw.txt
    requests=$((requests + 1))
    head -n 1 raw.txt | grep -q "^HTTP/1.1 200" || fail "raw HEAD: $(head -n 1 raw.txt)"
    tail -c 4 raw.txt | od -An -tx1 | grep -q "0d 0a 0d 0a" || fail "HEAD sent a body"
else
    echo "SKIP raw HEAD check: python3 not installed"
fi

# Ranges: a resumed download joins up to the same bytes.
expect_status 206 -r 100000- "$base/$image"
[ "$(header Content-Range head.txt)" = "bytes 100000-$((size - 1))/$size" ] \
    || fail "Content-Range $(header Content-Range head.txt)"
[ "$(header Content-Length head.txt)" = $((size - 100000)) ] || fail "206 Content-Length"
head -c 100000 app.img > resumed.img
cat body.bin >> resumed.img
cmp -s resumed.img app.img || fail "first part + range does not give the image"
expect_status 206 -r 10-19 "$base/$image"
[ "$(header Content-Range head.txt)" = "bytes 10-19/$size" ] || fail "Content-Range 10-19"
dd if=app.img bs=1 skip=10 count=10 2>/dev/null | cmp -s - body.bin || fail "bytes 10-19 differ"
expect_status 206 -H "Range: bytes=-100" "$base/$image"
tail -c 100 app.img | cmp -s - body.bin || fail "suffix range differs"
expect_status 206 -r "5-99999999" "$base/$image"
[ "$(header Content-Range head.txt)" = "bytes 5-$((size - 1))/$size" ] || fail "range end not clamped"
expect_status 206 -I -r 0-0 "$base/$image"
[ "$(header Content-Length head.txt)" = 1 ] || fail "HEAD with range: Content-Length"
expect_status 416 -r "$size-" "$base/$image"
[ "$(header Content-Range head.txt)" = "bytes */$size" ] || fail "416 Content-Range"
expect_status 416 -H "Range: bytes=-0" "$base/$image"
expect_status 200 -r 0-1,5-6 "$base/$image"          # several ranges: whole file
cmp -s body.bin app.img || fail "multi-range answer is not the whole file"
expect_status 206 -r 0-9 -H "If-Range: $etag" "$base/$image"
expect_status 200 -r 0-9 -H 'If-Range: "other"' "$base/$image"

# Not found, not allowed.
expect_status 404 "$base/nothing.json"
expect_status 404 "$base/"
expect_status 404 "$base/images"
expect_status 404 "$url"
expect_status 404 "$url.ferry-publish.lock"
for method in POST PUT DELETE OPTIONS; do
    expect_status 405 -X "$method" "$base/manifest.json"
    [ "$(header Allow head.txt)" = "GET, HEAD" ] || fail "$method: Allow $(header Allow head.txt)"
done

# Traversal: refused whatever the spelling; nothing outside the root leaks.
for path in "../secret.txt" "../../../../etc/passwd" "%2e%2e/secret.txt" "%2E%2E/%2e%2e/etc/passwd" \
            "$class/..%2f..%2fsecret.txt" "$class/images/%2e%2e/%2e%2e/%2e%2e/secret.txt" \
            "/etc/passwd" "$class/manifest.json%00.png" "$class/./manifest.json" \
            "$class/%5c..%5c..%5csecret.txt"; do
    expect_status 400 --path-as-is "$url$path"
    ! grep -q "secret\|root:" body.bin || fail "$path leaked: $(cat body.bin)"
done
if command -v python3 >/dev/null 2>&1; then
    raw_request 127.0.0.1 "$port" "GET ../secret.txt HTTP/1.0\r\n\r\n" > raw.txt
    requests=$((requests + 1))
    head -n 1 raw.txt | grep -q "^HTTP/1.[01] 400" || fail "relative target: $(head -n 1 raw.txt)"
fi
ln -s ../secret.txt repo/leak.txt
ln -s /etc repo/etc
ln -s "$class/manifest.json" repo/current.json
expect_status 403 "${url}leak.txt"
expect_status 403 "${url}etc/passwd"
! grep -q "secret\|root:" body.bin || fail "a symlink leaked: $(cat body.bin)"
expect_status 200 "${url}current.json"                # a link inside the root is fine
cmp -s body.bin "repo/$class/manifest.json" || fail "current.json differs"

# Keep-alive: HEAD then GET on one connection (a body after HEAD would break it).
curl -sv -o /dev/null -I "$base/$image" --next -s -o keepalive.img "$base/$image" 2> keepalive.txt \
    || fail "two requests on one connection failed"
requests=$((requests + 2))
grep -q "Re-using existing connection" keepalive.txt || fail "the connection was not kept alive"
cmp -s keepalive.img app.img || fail "GET after HEAD on one connection differs"

# Several clients at once.
clients=""
for i in 1 2 3 4; do
    curl -s -o "parallel$i.img" "$base/$image" &
    clients="$clients $!"
done
for pid in $clients; do
    wait "$pid" || fail "a parallel download failed"
done
requests=$((requests + 4))
for i in 1 2 3 4; do
    cmp -s "parallel$i.img" app.img || fail "parallel download $i differs"
done

# A second server cannot take the same port.
expect_error 1 "cannot listen on 127.0.0.1 port $port: Address already in use" \
    "$ferry" serve repo --port "$port"

stop_serve TERM
grep -q "^stopped (SIGTERM)$" srv.out || fail "no stop message: $(cat srv.out)"
[ ! -s srv.err ] || fail "ferry serve wrote errors: $(cat srv.err)"

# The access log: one common-log-format line per request.
[ "$(wc -l < access.log)" = "$requests" ] || fail "$(wc -l < access.log) log lines for $requests requests"
clf='^127\.0\.0\.1 - - \[[0-3][0-9]/[A-Z][a-z][a-z]/[0-9]{4}:[0-2][0-9]:[0-5][0-9]:[0-6][0-9] [+-][0-9]{4}\] "[A-Z]+ [^" ]+ HTTP/1\.[01]" [1-5][0-9][0-9] ([0-9]+|-)$'
bad=$(grep -Ecv "$clf" access.log || true)
[ "$bad" = 0 ] || fail "$bad log lines are not in common log format: $(grep -Ev "$clf" access.log | head -n 3)"
grep -q "\"GET /$class/manifest.json HTTP/1.1\" 200 $(file_size "repo/$class/manifest.json")$" access.log \
    || fail "no log line for the manifest GET"
grep -qF "\"HEAD /$class/$image HTTP/1.1\" 200 -" access.log || fail "no log line for HEAD"
grep -qF "\"GET /$class/$image HTTP/1.1\" 206 10" access.log || fail "no log line for a range"
grep -qF "\"GET /%2e%2e/secret.txt HTTP/1.1\" 400 " access.log || fail "the raw URI is not logged"
grep -qF "\"POST /$class/manifest.json HTTP/1.1\" 405 " access.log || fail "no 405 line"

# Default log on standard output; SIGINT stops it as cleanly.
start_serve srv2 repo --port 0
expect_status 200 "${url}$class/manifest.json"
stop_serve INT
[ "$(sed -n 2p srv2.out | grep -c "\"GET /$class/manifest.json HTTP/1.1\" 200")" = 1 ] \
    || fail "no log line on stdout: $(cat srv2.out)"
[ "$(sed -n 3p srv2.out)" = "stopped (SIGINT)" ] || fail "stdout: $(cat srv2.out)"

# IPv6 loopback, when the host has it.
if "$ferry" serve repo --bind ::1 --port 0 > v6.out 2> v6.err & v6=$!; sleep 0.5; grep -q '^serving' v6.out; then
    track_pid "$v6"
    v6url=$(sed -n '1s/^serving .* at //p' v6.out)
    echo "$v6url" | grep -Eq '^http://\[::1\]:[0-9]+/$' || fail "IPv6 URL '$v6url'"
    expect_status 200 -g "${v6url}$class/manifest.json"
    kill -TERM "$v6"
    wait "$v6" || fail "IPv6 server exit status"
    untrack_pid "$v6"
else
    wait "$v6" 2>/dev/null || true
    echo "SKIP IPv6 check: cannot listen on ::1 ($(cat v6.err))"
fi

# Command line.
expect_error 2 "missing DIR" "$ferry" serve
expect_error 2 "TLS needs both --tls-cert and --tls-key" "$ferry" serve repo --tls-cert x.pem
expect_error 2 "--port '70000': expected a number 0..65535" "$ferry" serve repo --port 70000
expect_error 2 "--bind 'localhost': not a numeric IPv4 or IPv6 address" "$ferry" serve repo --bind localhost
expect_error 1 "nowhere: No such file or directory" "$ferry" serve nowhere
expect_error 1 "app.img: not a directory" "$ferry" serve app.img
expect_ok "$ferry" serve --help
grep -q -- "--access-log" out.txt || fail "serve --help lacks --access-log"

echo "ok   $test_name"
