#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Ferry's HTTP client over lwIP on QEMU's mps2-an385 (LAN9118): net-smoke,
as built by scripts/firmware-build.sh (port/mps2-an385/net.cmake), downloads
a generated file from a server on the host's loopback.

  net_smoke.py --fw FW_DIR --work DIR [--ferry FERRY] [--icount] [--size N]

A file of N pseudo-random bytes (default 300007: not a multiple of any
segment or word size) is served at the path net-smoke GETs
(FW_DIR/net-smoke.env) by `ferry serve` on a free port of 127.0.0.1, or by
Python's http.server when no --ferry is given. QEMU's user network runs
with restrict=on (nothing leaves QEMU) and forwards the guest's
connections to 10.0.2.100:80 through net_bridge.py, one bridge process per
connection. The test passes when the firmware printed its DHCP address
(10.0.2.15), the status 200, the file's size and SHA-256, the 404 of a
missing file, its transport checks, and "[net] done".

--icount runs QEMU with -icount shift=0,align=off,sleep=off: one instruction
is one nanosecond of virtual time, so the firmware's tick counts (25 MHz)
are instructions / 40; the figures are printed.

Exit status: 0 pass, 1 fail, 77 skipped (qemu, the firmware or lwIP missing).
"""
import argparse
import functools
import hashlib
import http.server
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time

QEMU = "qemu-system-arm"
QEMU_TIMEOUT = 180  # seconds for the whole run (a GET has a 120 s deadline)
BRIDGE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "net_bridge.py")


def skip(why):
    print("SKIP: " + why, flush=True)
    sys.exit(77)


def fail(why):
    print("FAIL: " + why, flush=True)
    sys.exit(1)


def ok(msg):
    print("ok   " + msg, flush=True)


def read_env(path):
    env = {}
    with open(path) as f:
        for line in f:
            if "=" in line and not line.startswith("#"):
                k, v = line.rstrip("\n").split("=", 1)
                env[k] = v
    return env


class FerryServer:
    """`ferry serve DIR --port 0`: the port is read from its first line."""

    def __init__(self, ferry, root, log):
        self.log = open(log, "w")
        self.proc = subprocess.Popen([ferry, "serve", root, "--port", "0",
                                      "--access-log", log + ".access"],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=self.log, text=True)
        line = self.proc.stdout.readline()
        m = re.match(r"serving .* at http://127\.0\.0\.1:(\d+)/$", line.strip())
        if not m:
            self.stop()
            fail("ferry serve did not start: %r (see %s)" % (line, log))
        self.port = int(m.group(1))
        self.access_log = log + ".access"

    def requests(self):
        try:
            with open(self.access_log) as f:
                return f.read().splitlines()
        except OSError:
            return []

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class PythonServer:
    """http.server on 127.0.0.1, a free port, in a thread of this process."""

    def __init__(self, root, log):
        self.lines = []
        lines = self.lines

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, fmt, *args):
                lines.append(fmt % args)

        handler = functools.partial(Handler, directory=root)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def requests(self):
        return list(self.lines)

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class StallServer:
    """Answers one GET with headers announcing STALL_TOTAL bytes, sends
    STALL_BYTES of them and then nothing, until the client closes."""
    STALL_BYTES = 1000  # net_smoke_main.c's STALL_BYTES
    STALL_TOTAL = 100000

    def __init__(self):
        import socket
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.sock.settimeout(1.0)
        self.port = self.sock.getsockname()[1]
        self.events = []
        self.stopping = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(60)
                req = b""
                try:
                    while b"\r\n\r\n" not in req:
                        data = conn.recv(4096)
                        if not data:
                            break
                        req += data
                    self.events.append("request " + req.split(b"\r\n")[0].decode("latin-1"))
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
                                 % self.STALL_TOTAL + b"s" * self.STALL_BYTES)
                    while conn.recv(4096):  # nothing more is sent; wait for the close
                        pass
                    self.events.append("client closed")
                except OSError as e:
                    self.events.append("error %s" % e)

    def stop(self):
        self.stopping = True
        self.thread.join(5)
        self.sock.close()


# The firmware's own checks (net_smoke_main.c): every one must have run and passed.
CHECKS = ["small buffer refused", "transport init", "get 200", "get 404", "stall", "no dns",
          "refused", "timeout", "recv after close"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fw", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--ferry", default="")
    ap.add_argument("--icount", action="store_true")
    ap.add_argument("--size", type=int, default=300007)
    args = ap.parse_args()

    if shutil.which(QEMU) is None:
        skip("%s not found (scripts/setup.sh installs qemu-system-arm)" % QEMU)
    fw = os.path.abspath(args.fw)
    if os.path.exists(os.path.join(fw, "SKIP")):
        skip("the firmware was not built: " + open(os.path.join(fw, "SKIP")).read().strip())
    if os.path.exists(os.path.join(fw, "net-smoke.SKIP")):
        skip("net-smoke was not built: " +
             open(os.path.join(fw, "net-smoke.SKIP")).read().strip().replace("\n", " "))
    elf = os.path.join(fw, "net-smoke.elf")
    env_file = os.path.join(fw, "net-smoke.env")
    if not os.path.exists(elf) or not os.path.exists(env_file):
        skip("%s or net-smoke.env missing (scripts/firmware-build.sh builds them)" % elf)
    path = read_env(env_file).get("NET_SMOKE_PATH", "/net-smoke.bin")

    work = os.path.abspath(args.work)
    shutil.rmtree(work, ignore_errors=True)
    www = os.path.join(work, "www")
    os.makedirs(os.path.dirname(os.path.join(www, path.lstrip("/"))), exist_ok=True)
    # The -nic option separates its fields with commas; the command line of
    # the bridge is split like a shell's, so no commas or spaces in it.
    for p in (sys.executable, BRIDGE, work):
        if "," in p or " " in p:
            skip("path %r holds a comma or a space (QEMU's -nic option cannot carry it)" % p)

    body = random.Random(20261203).randbytes(args.size)
    with open(os.path.join(www, path.lstrip("/")), "wb") as f:
        f.write(body)
    want_sha = hashlib.sha256(body).hexdigest()

    if args.ferry:
        server = FerryServer(os.path.abspath(args.ferry), www, os.path.join(work, "serve.log"))
        kind = "ferry serve"
    else:
        server = PythonServer(www, os.path.join(work, "serve.log"))
        kind = "python http.server"
    ok("%s on 127.0.0.1:%d serves %s (%d bytes, sha256 %s)"
       % (kind, server.port, path, len(body), want_sha))

    stall = StallServer()
    ok("stalling server on 127.0.0.1:%d (10.0.2.101 for the guest)" % stall.port)

    bridge_log = os.path.join(work, "bridge.log")
    fwd = "guestfwd=tcp:%s:80-cmd:%s %s %d --log %s"
    cmd = [QEMU, "-M", "mps2-an385", "-display", "none", "-serial", "stdio", "-no-reboot",
           "-kernel", elf,
           "-nic", "user,model=lan9118,restrict=on,"
                   + fwd % ("10.0.2.100", sys.executable, BRIDGE, server.port, bridge_log) + ","
                   + fwd % ("10.0.2.101", sys.executable, BRIDGE, stall.port, bridge_log)]
    if args.icount:
        cmd[3:3] = ["-icount", "shift=0,align=off,sleep=off"]
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=QEMU_TIMEOUT, cwd=work)
        out, err, rc = p.stdout, p.stderr, p.returncode
    except subprocess.TimeoutExpired as e:
        out, err, rc = e.stdout or b"", e.stderr or b"", None
    finally:
        server.stop()
        stall.stop()
    wall = time.monotonic() - t0
    uart = out.decode("utf-8", "replace").replace("\r\n", "\n")
    with open(os.path.join(work, "uart.log"), "w") as f:
        f.write(uart)
    sys.stdout.write(uart)
    if err:
        sys.stdout.write("qemu stderr:\n" + err.decode("utf-8", "replace"))
    if rc is None:
        fail("QEMU did not finish within %d s" % QEMU_TIMEOUT)
    if rc != 0:
        fail("QEMU exited with %d" % rc)

    if "[net] done" not in uart or "FAILED" in uart:
        fail("the firmware did not finish cleanly (see above)")
    m = re.search(r"^\[net\] dhcp (\S+) ", uart, re.M)
    if not m or m.group(1) != "10.0.2.15":
        fail("no DHCP address 10.0.2.15 (%s)" % (m.group(1) if m else "no dhcp line"))
    ok("DHCP: 10.0.2.15")
    m = re.search(r"^\[net\] get %s status (\d+) bytes (\d+) sha256 ([0-9a-f]{64}) result (-?\d+)"
                  % re.escape(path), uart, re.M)
    if not m:
        fail("no result line for GET %s" % path)
    status, count, sha, result = int(m.group(1)), int(m.group(2)), m.group(3), int(m.group(4))
    if status != 200 or result != 0:
        fail("GET %s: status %d, result %d" % (path, status, result))
    if count != len(body):
        fail("GET %s: %d bytes, the file has %d" % (path, count, len(body)))
    if sha != want_sha:
        fail("GET %s: sha256 %s, the file's is %s" % (path, sha, want_sha))
    ok("GET %s: 200, %d bytes, SHA-256 matches the file" % (path, count))
    if not re.search(r"^\[net\] get /net-smoke-missing status 404 .* result -50 ", uart, re.M):
        fail("the missing file did not end in 404 / FERRY_E_HTTP_STATUS")
    ok("GET of a missing file: 404 on a second connection")
    checks = re.findall(r"^\[net\] check (.+) ok$", uart, re.M)
    missing = [c for c in CHECKS if c not in checks]
    if missing:
        fail("the firmware's checks did not all pass: missing %s" % ", ".join(missing))
    ok("the firmware's checks: " + ", ".join(checks))
    if stall.events[:2] != ["request GET /stall HTTP/1.1", "client closed"]:
        fail("the stalling server saw %r, expected the GET and then the close" % stall.events)
    m = re.search(r"^\[net\] stall: (\d+) ms", uart, re.M)
    ok("a stalled body ends in FERRY_E_TIMEOUT %s ms after the last byte; the device closed"
       % (m.group(1) if m else "?"))
    reqs = [r for r in server.requests() if "GET " in r]
    if len(reqs) != 2:
        fail("the server logged %d GET requests, expected 2: %r" % (len(reqs), reqs))
    ok("the server saw both requests")
    m = re.search(r"^\[net\] ticks total (\d+) busy (\d+) \(sha256 (\d+)\)", uart, re.M)
    if args.icount and m:
        total, busy, sha_t = (int(x) for x in m.groups())
        ok("under -icount shift=0: the GET took %.1f M instructions of virtual time, "
           "%.1f M of them not spinning, %.1f M hashing (%.1f per byte)"
           % (total * 40 / 1e6, busy * 40 / 1e6, sha_t * 40 / 1e6, sha_t * 40 / len(body)))
    ok("QEMU run: %.1f s wall time" % wall)
    return 0


if __name__ == "__main__":
    sys.exit(main())
