#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Any static web server can serve a repository: a real nginx, started here on
# a free loopback port with a configuration written to a temporary prefix
# (pid, logs and temporary files inside it), serves what ferry publish wrote.
# curl fetches the manifest, its signature and the image byte for byte, a
# Range request resumes a download, openssl verifies the fetched manifest,
# and a mirror fetched over HTTP passes ferry publish --verify-repo. nginx
# is stopped at the end, also when a check fails.
# Usage: nginx.sh FERRY WORK_DIR SIGCONV
set -eu
. "$(dirname "$0")/lib.sh"
sigconv=$3
need curl openssl
nginx=$(command -v nginx || true)
[ -n "$nginx" ] || { [ -x /usr/sbin/nginx ] && nginx=/usr/sbin/nginx; } || skip "nginx not installed"

expect_ok "$ferry" keygen -k release.pem
for board in a b; do
    make_payload "$board.bin" 200000 "nginx $board"
    expect_ok "$ferry" sign -k release.pem --vendor example.com --device-class "board-$board" \
        --version 2.1.0 --security-counter 3 "$board.bin" "$board.img"
done
expect_ok "$ferry" publish -k release.pem --repo repo a.img b.img
class=$(class_id example.com board-a)
class_b=$(class_id example.com board-b)
image=$(sed 's/.*"image":"\([^"]*\)".*/\1/' "repo/$class/manifest.json")
size=$(file_size a.img)

# nginx configuration: everything it writes stays under $prefix. As root its
# workers would switch to "nobody"; keep them as the current user instead.
prefix=$work/nginx
mkdir -p "$prefix/logs" "$prefix/tmp"
user_line=""
[ "$(id -u)" != 0 ] || user_line="user root;"
# Temporary paths only for the modules this nginx has (nginx-light lacks some).
temp_paths=""
for module in client_body proxy fastcgi uwsgi scgi; do
    if ! "$nginx" -V 2>&1 | grep -q -- "--without-http_${module}_module"; then
        temp_paths="$temp_paths
    ${module}_temp_path $prefix/tmp/$module;"
    fi
done
write_conf() { # write_conf PORT
    cat > "$prefix/nginx.conf" <<CONF
$user_line
daemon off;
master_process on;
worker_processes 1;
pid $prefix/nginx.pid;
error_log $prefix/logs/error.log warn;
events { worker_connections 64; }
http {
    access_log $prefix/logs/access.log;
    types { application/json json; application/octet-stream img sig; }
    default_type application/octet-stream;$temp_paths
    server {
        listen 127.0.0.1:$1;
        root $work/repo;
        location / { }
    }
}
CONF
}

# Start on a free port; retry if another process took it meanwhile.
started=""
for _ in 1 2 3 4 5; do
    port=$(free_port)
    write_conf "$port"
    "$nginx" -p "$prefix/" -c "$prefix/nginx.conf" -e "$prefix/logs/error.log" \
        > "$prefix/logs/stdout.log" 2>&1 &
    nginx_pid=$!
    track_pid "$nginx_pid"
    tries=0
    while [ "$tries" -lt 100 ]; do
        if ! kill -0 "$nginx_pid" 2>/dev/null; then
            break
        fi
        if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
            started=1
            break
        fi
        tries=$((tries + 1))
        sleep 0.05
    done
    [ -z "$started" ] || break
    kill -TERM "$nginx_pid" 2>/dev/null || true
    wait "$nginx_pid" 2>/dev/null || true
    untrack_pid "$nginx_pid"
done
[ -n "$started" ] || fail "nginx did not start: $(cat "$prefix/logs/error.log" "$prefix/logs/stdout.log" 2>/dev/null)"
base=http://127.0.0.1:$port

# Manifest, signature and image, byte for byte.
expect_status 200 "$base/$class/manifest.json"
cmp -s body.bin "repo/$class/manifest.json" || fail "manifest differs"
cp body.bin fetched.json
expect_status 200 "$base/$class/manifest.json.sig"
cmp -s body.bin "repo/$class/manifest.json.sig" || fail "signature differs"
cp body.bin fetched.sig
expect_status 200 "$base/$class/$image"
cmp -s body.bin a.img || fail "image differs"
[ "$(header Content-Length head.txt)" = "$size" ] || fail "Content-Length"

# The fetched manifest verifies with the release key's public half.
openssl pkey -in release.pem -pubout -out release.pub
tail -c 64 fetched.sig > sig.raw
"$sigconv" raw2der sig.raw sig.der
openssl dgst -sha256 -verify release.pub -signature sig.der fetched.json >/dev/null \
    || fail "openssl rejects the manifest fetched from nginx"

# Range: a download cut at 123456 bytes resumes to the same image.
expect_status 206 -r 123456- "$base/$class/$image"
[ "$(header Content-Range head.txt)" = "bytes 123456-$((size - 1))/$size" ] \
    || fail "Content-Range $(header Content-Range head.txt)"
head -c 123456 a.img > resumed.img
cat body.bin >> resumed.img
cmp -s resumed.img a.img || fail "resumed download differs"
expect_status 206 -r 0-99 "$base/$class/$image"
head -c 100 a.img | cmp -s - body.bin || fail "bytes 0-99 differ"
expect_status 416 -r "$size-" "$base/$class/$image"
expect_status 404 "$base/$class/images/0.0.0-0000000000000000.img"

# A mirror fetched over HTTP is a valid repository.
for c in "$class" "$class_b"; do
    mkdir -p "mirror/$c/images"
    for f in manifest.json manifest.json.sig; do
        curl -sf -o "mirror/$c/$f" "$base/$c/$f" || fail "mirror $c/$f"
    done
    img=$(sed 's/.*"image":"\([^"]*\)".*/\1/' "mirror/$c/manifest.json")
    curl -sf -o "mirror/$c/$img" "$base/$c/$img" || fail "mirror $c/$img"
done
expect_ok "$ferry" publish --verify-repo mirror -k release.pub
grep -q "^OK mirror: 2 device class(es), 2 image(s)" out.txt || fail "mirror: $(cat out.txt)"

# Stop nginx and make sure it is gone.
kill -QUIT "$nginx_pid"
wait "$nginx_pid" 2>/dev/null || true
untrack_pid "$nginx_pid"
if curl -s -o /dev/null "$base/"; then
    fail "nginx still answers after it was stopped"
fi
grep -q "GET /$class/manifest.json HTTP/1.1\" 200" "$prefix/logs/access.log" \
    || fail "nginx logged no manifest request"

echo "ok   $test_name"
