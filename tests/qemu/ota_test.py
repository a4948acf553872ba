#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The whole over-the-air update on QEMU's mps2-an385, over HTTP and HTTPS.

  ota_test.py --fw FW_DIR --ferry FERRY --work DIR SCENARIO [options]

The device is the bootloader (ferry-boot) with the OTA demo application
app-ota-v1.img in its primary slot (port/mps2-an385/app_ota_main.c), its
flash a file (qemu_board.Board). The release repository is made with
`ferry publish` from app-ota-v2.img and served on the host's loopback; QEMU's
user network (restrict=on) forwards the guest's connections to
10.0.2.100:80 (443 for the https scenarios) there through net_bridge.py,
one process per connection. One
QEMU run is one boot (-no-reboot).

Scenarios:
  ferry_serve   v1 -> v2 from `ferry serve`: progress on the UART, reboot,
                install, v2 confirmed, the final primary is v2 byte for byte
  nginx         the same from nginx, unprivileged on a loopback port with a
                configuration generated in the work directory
  failures      server down, 404 for the manifest, a server that stalls in
                the body, a truncated body, a forged manifest, an image whose
                digest is not the manifest's: each time the device says why
                and stays on v1; then a truncated download resumes (Range)
  powercut      QEMU killed at --cuts seeded points during downloads and
                installs, restarted on the same flash file each time
  https_ferry_serve  the HTTPS build (app-ota-tls-v1/v2.img, trusting the
                build's test CA, ota-tls.env) v1 -> v2 from `ferry serve
                --tls-cert --tls-key` with a server certificate for
                10.0.2.100 that the test signs with that CA; the guest's
                10.0.2.100:443 is forwarded
  https_wrong_cert   the same, but the server's certificate comes from
                another CA the test makes: the device refuses the handshake
                (BR_ERR_X509_NOT_TRUSTED on the UART) and stays on v1

Options: --icount (QEMU -icount shift=0: instruction counts are printed),
--pad KIB (v2 padded to KIB KiB before it is signed: a larger update),
--cuts N, --seed S, --nginx PATH.

The server certificates of the https scenarios start an hour before the
device's fixed test time (OTA_TLS_TEST_TIME: the board has no wall clock,
ota_http_tls.c), made with `openssl ca -startdate`.

Exit status: 0 pass, 1 fail, 77 skipped (qemu, firmware, lwIP, nginx or
openssl missing).
"""
import argparse
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qemu_board import Board, TestFailure, status_progress  # noqa: E402
from net_smoke import FerryServer  # noqa: E402

QEMU = "qemu-system-arm"
BRIDGE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "net_bridge.py")
BOOT_TIMEOUT = 90  # seconds of real time for one boot (a stalled download takes ~10 s)
V1, V2 = "app-ota-v1.img", "app-ota-v2.img"
TLS_V1, TLS_V2 = "app-ota-tls-v1.img", "app-ota-tls-v2.img"


def skip(why):
    print("SKIP: " + why, flush=True)
    sys.exit(77)


def ok(msg):
    print("ok   " + msg, flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ---- servers ---------------------------------------------------------------
class NginxServer:
    """nginx in the foreground, as this user, on a free loopback port, with a
    configuration, logs and temp directories inside `work`. Its access log
    records the Range header of each request."""

    def __init__(self, nginx, root, work):
        self.dir = os.path.join(work, "nginx")
        os.makedirs(os.path.join(self.dir, "tmp"), exist_ok=True)
        self.access_log = os.path.join(self.dir, "access.log")
        self.port = free_port()
        conf = os.path.join(self.dir, "nginx.conf")
        d = self.dir
        with open(conf, "w") as f:
            f.write("""daemon off;
master_process off;
worker_processes 1;
pid %(d)s/nginx.pid;
error_log %(d)s/error.log info;
events { worker_connections 32; }
http {
    log_format ferry '$request $status range="$http_range" sent=$body_bytes_sent';
    access_log %(d)s/access.log ferry;
    client_body_temp_path %(d)s/tmp/body;
    proxy_temp_path %(d)s/tmp/proxy;
    fastcgi_temp_path %(d)s/tmp/fastcgi;
    uwsgi_temp_path %(d)s/tmp/uwsgi;
    scgi_temp_path %(d)s/tmp/scgi;
    types { application/json json; }
    default_type application/octet-stream;
    sendfile on;
    server {
        listen 127.0.0.1:%(port)d;
        root %(root)s;
    }
}
""" % {"d": d, "port": self.port, "root": root})
        self.log = open(os.path.join(d, "stderr.log"), "w")
        self.proc = subprocess.Popen([nginx, "-p", d, "-e", os.path.join(d, "error.log"),
                                      "-c", conf], stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise TestFailure("nginx exited with %d: %s" % (
                    self.proc.returncode, open(os.path.join(d, "error.log")).read()))
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise TestFailure("nginx did not listen on 127.0.0.1:%d" % self.port)

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


class TlsFerryServer(FerryServer):
    """`ferry serve DIR --port 0 --tls-cert CERT --tls-key KEY`: HTTPS only."""

    def __init__(self, ferry, root, log, cert, key):
        self.log = open(log, "w")
        self.access_log = log + ".access"
        self.proc = subprocess.Popen([ferry, "serve", root, "--port", "0", "--access-log",
                                      self.access_log, "--tls-cert", cert, "--tls-key", key],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=self.log, text=True)
        line = self.proc.stdout.readline()
        m = re.match(r"serving .* at https://127\.0\.0\.1:(\d+)/$", line.strip())
        if not m:
            self.stop()
            raise TestFailure("ferry serve --tls-cert did not start: %r (see %s)" % (line, log))
        self.port = int(m.group(1))


class BadServer:
    """Serves the files under `root` (GET, Range: bytes=N-, one request per
    connection) and misbehaves on image files (*.img) from byte `cut` of the
    file on: mode "stall" sends nothing more and keeps the connection open
    until the client closes it, mode "truncate" closes it. The manifest and
    its signature are served correctly."""

    def __init__(self, root, mode, cut_fraction=0.4):
        self.root, self.mode, self.cut_fraction = root, mode, cut_fraction
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.events = []
        self.stopping = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def requests(self):
        return list(self.events)

    def run(self):
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def serve(self, conn):
        with conn:
            conn.settimeout(60)
            req = b""
            try:
                while b"\r\n\r\n" not in req:
                    data = conn.recv(4096)
                    if not data:
                        return
                    req += data
                lines = req.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
                method, path = lines[0].split(" ")[:2]
                rng = ""
                for h in lines[1:]:
                    if h.lower().startswith("range:"):
                        rng = h.split(":", 1)[1].strip()
                fpath = os.path.normpath(os.path.join(self.root, path.lstrip("/")))
                if not fpath.startswith(self.root) or not os.path.isfile(fpath):
                    self.events.append("%s %s 404" % (method, path))
                    conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n"
                                 b"Connection: close\r\n\r\n")
                    return
                data = open(fpath, "rb").read()
                start = 0
                m = re.match(r"bytes=(\d+)-$", rng)
                if m:
                    start = int(m.group(1))
                    head = ("HTTP/1.1 206 Partial Content\r\nContent-Range: bytes %d-%d/%d\r\n"
                            % (start, len(data) - 1, len(data)))
                else:
                    head = "HTTP/1.1 200 OK\r\n"
                head += "Content-Length: %d\r\nConnection: close\r\n\r\n" % (len(data) - start)
                self.events.append("%s %s %s range=%r" % (method, path, head.split(" ")[1], rng))
                conn.sendall(head.encode())
                if not path.endswith(".img"):
                    conn.sendall(data[start:])
                    return
                cut = int(len(data) * self.cut_fraction)
                if start < cut:
                    conn.sendall(data[start:cut])
                if self.mode == "truncate":
                    self.events.append("truncated at %d" % max(start, cut))
                    return
                self.events.append("stalled at %d" % max(start, cut))
                while not self.stopping and conn.recv(4096):
                    pass
                self.events.append("client closed")
            except OSError as e:
                self.events.append("error %s" % e)

    def stop(self):
        self.stopping = True
        self.thread.join(5)
        self.sock.close()


# ---- the device ------------------------------------------------------------
class Device:
    """The board with a network: Board's QEMU command line with the LAN9118
    on QEMU's user network instead of -nic none."""

    def __init__(self, args):
        self.b = Board(args.fw, args.ferry, args.work)
        self.icount = args.icount
        # The HTTP build by default; the https scenarios switch to the TLS one.
        self.v1, self.v2, self.v2_bin = V1, V2, "app-ota-v2.bin"
        self.url, self.guest_port = "http://10.0.2.100/repo/", 80
        self.bridge_log = os.path.join(args.work, "bridge.log")

    def cmd(self, port, paced=False):
        cmd = self.b.qemu_cmd()
        i = cmd.index("-nic")
        fwd = "guestfwd=tcp:10.0.2.100:%d-cmd:%s %s %d --log %s" % (
            self.guest_port, sys.executable, BRIDGE, port, self.bridge_log)
        cmd[i + 1] = "user,model=lan9118,restrict=on," + fwd
        j = cmd.index("-icount")
        if paced:
            # 16 ns of virtual time per instruction, kept in step with the
            # host's clock: about 60 M instructions per second, so that a
            # swap step takes ~15 ms of real time and a cut aimed at one
            # lands on it (the test polls every 2 ms).
            cmd[j + 1] = "shift=4,align=on"
        elif not self.icount:
            del cmd[j:j + 2]
        return cmd

    def boot(self, port, should_kill=None, timeout=BOOT_TIMEOUT, paced=False):
        """One boot. should_kill(uart_text) is asked every few milliseconds;
        when it says so QEMU is SIGKILLed: a power cut, whatever the guest had
        written is in the flash file and nothing more. Returns a Boot-like
        object with rc, out, killed."""
        p = subprocess.Popen(self.cmd(port, paced), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, cwd=self.b.work)
        chunks = []

        def reader():
            while True:
                data = os.read(p.stdout.fileno(), 4096)
                if not data:
                    break
                chunks.append(data)
        t = threading.Thread(target=reader, daemon=True)
        t.start()
        killed = False
        deadline = time.monotonic() + timeout
        while p.poll() is None and time.monotonic() < deadline:
            if should_kill and should_kill(b"".join(chunks).decode("utf-8", "replace")):
                p.send_signal(signal.SIGKILL)
                killed = True
                break
            time.sleep(0.002 if should_kill else 0.02)
        timed_out = p.poll() is None and not killed
        if timed_out:
            p.send_signal(signal.SIGKILL)
        p.wait()
        t.join(5)
        err = p.stderr.read().decode("utf-8", "replace")
        out = b"".join(chunks).decode("utf-8", "replace").replace("\r", "")
        return Run(124 if timed_out else p.returncode, out, killed, err)


class Run:
    def __init__(self, rc, out, killed, err):
        self.rc, self.out, self.killed, self.err = rc, out, killed, err

    def has(self, m):
        return m in self.out

    def expect(self, *markers):
        for m in markers:
            if m not in self.out:
                raise TestFailure("missing UART marker %r in:\n%s%s" % (
                    m, self.out, ("\nqemu stderr:\n" + self.err) if self.err else ""))

    def refuse(self, *markers):
        for m in markers:
            if m in self.out:
                raise TestFailure("unexpected UART marker %r in:\n%s" % (m, self.out))

    def clean(self):
        if self.rc != 0:
            raise TestFailure("QEMU exited with %s (124: timed out) after:\n%s\n%s"
                              % (self.rc, self.out, self.err))


def publish(dev, image, repo):
    shutil.rmtree(repo, ignore_errors=True)
    os.makedirs(os.path.dirname(repo), exist_ok=True)
    dev.b.run_tool([dev.b.ferry, "publish", "-k", dev.b.layout["FERRY_KEY"], "--repo", repo,
                    image])
    return repo


def v2_image(dev, pad_kib):
    """app-ota-v2.img, or with --pad its payload padded with seeded bytes to
    pad_kib KiB and signed again (same program, a larger update)."""
    img = dev.b.image(dev.v2)
    if not pad_kib:
        return img
    payload = bytearray(open(dev.b.image(dev.v2_bin), "rb").read())
    want = pad_kib * 1024 - int(dev.b.layout["BOARD_HEADER_SIZE"])
    if want > len(payload):
        payload += random.Random(pad_kib).randbytes(want - len(payload))
    path = os.path.join(dev.b.work, "app-ota-v2-%dk.bin" % pad_kib)
    with open(path, "wb") as f:
        f.write(payload)
    return dev.b.sign(path, os.path.join(dev.b.work, "app-ota-v2-%dk.img" % pad_kib), "2.0.0")


def prepare(dev, args, www):
    dev.b.fresh(dev.b.image(dev.v1))
    img = v2_image(dev, args.pad)
    publish(dev, img, os.path.join(www, "repo"))
    return img


DOWNLOAD_STORY = ["[ota] v1.0.0 running", "[ota] dhcp 10.0.2.15", "[ota] checking http://10.0.2.100/repo/",
                  "[ota] update available: v2.0.0", "[ota] download 10% (",
                  "[ota] download 50% (", "[ota] download 100% (",
                  "[ota] v2.0.0 downloaded, SHA-256 and signature verified, marked for install",
                  "[ota] rebooting into the bootloader to install it"]
INSTALL_STORY = ["[boot] staging: found image v2.0.0",
                 "[boot] installing (signature verified, previous image kept) v2.0.0",
                 "[boot] install complete, copy checked: v2.0.0",
                 "[boot] trial boot (watchdog armed): v2.0.0",
                 "[ota] v2.0.0 running", "[ota] last boot: installed 2.0.0 (on trial)",
                 "[ota] v2.0.0 on trial: self-test passed, image confirmed",
                 "[ota] v2.0.0 is the current release: nothing to do"]


def report_icount(run, size):
    """The figures of a download under -icount shift=0 (40 instructions per
    timer tick): docs/port-lwip.md section 10 quotes them."""
    m = re.search(r"^\[ota\] download: (\d+) bytes in (\d+) ms, ticks total (\d+) busy (\d+) "
                  r"verify (\d+) flash (\d+)", run.out, re.M)
    if not m:
        raise TestFailure("no download figures in:\n" + run.out)
    n, ms, total, busy, verify, flash = (int(x) for x in m.groups())
    stream = busy - verify
    ok("under -icount shift=0 the download of %d bytes took %.1f M instructions of virtual "
       "time, %.1f M of them not spinning (%.1f per byte)"
       % (n, total * 40 / 1e6, busy * 40 / 1e6, busy * 40 / n))
    ok("  final verification on flash %.1f M; until the last byte %.1f M (%.1f per byte), of "
       "which flash operations %.1f M (%.1f per byte) and the rest (network, HTTP, SHA-256, "
       "checkpoint logic) %.1f M (%.1f per byte)"
       % (verify * 40 / 1e6, stream * 40 / 1e6, stream * 40 / n, flash * 40 / 1e6,
          flash * 40 / n, (stream - flash) * 40 / 1e6, (stream - flash) * 40 / n))


def report_check(run):
    m = re.search(r"^\[ota\] check: ticks total (\d+) busy (\d+)", run.out, re.M)
    if m:
        ok("the check (manifest, its signature, verified) took %.1f M instructions not spinning "
           "(%.1f M of virtual time)" % (int(m.group(2)) * 40 / 1e6, int(m.group(1)) * 40 / 1e6))


def report_boot_time(run, what):
    m = re.search(r"^\[ota\] started (\d+) ticks after reset", run.out, re.M)
    if m:
        ok("%s: the application started %.1f M instructions after reset"
           % (what, int(m.group(1)) * 40 / 1e6))


def story(dev, args, server, kind, img):
    t0 = time.monotonic()
    run = dev.boot(server.port)
    print(run.out, end="")
    run.clean()
    run.expect("[boot] starting v1.0.0", "[ota] v1.0.0 is confirmed",
               *[("[ota] checking " + dev.url) if m.startswith("[ota] checking ") else m
                 for m in DOWNLOAD_STORY])
    steps = re.findall(r"^\[ota\] download (\d+)% ", run.out, re.M)
    ok("v1 downloaded v2 from %s with progress %s%%, marked it and reset"
       % (kind, ",".join(steps)))
    if args.icount:
        report_boot_time(run, "plain boot of v1")
        report_check(run)
        report_icount(run, os.path.getsize(img))
    run = dev.boot(server.port)
    print(run.out, end="")
    run.clean()
    run.expect(*INSTALL_STORY)
    if args.icount:
        report_boot_time(run, "update boot (verify v1, verify and install v2, start it)")
    ok("the bootloader installed v2; v2 confirmed itself and found nothing newer")
    if not dev.b.primary_holds(img):
        raise TestFailure("the primary slot does not hold v2 byte for byte")
    ok("the primary slot holds v2 byte for byte")
    reqs = server.requests()
    for want in ("manifest.json ", "manifest.json.sig ", ".img "):
        if not any(want in r and "GET" in r for r in reqs):
            raise TestFailure("the server logged no GET of *%s: %r" % (want.strip(), reqs))
    ok("%s served the manifest, its signature and the image (%d requests); %.1f s"
       % (kind, len(reqs), time.monotonic() - t0))


def scenario_serve(dev, args):
    www = os.path.join(dev.b.work, "www")
    img = prepare(dev, args, www)
    server = FerryServer(args.ferry, www, os.path.join(dev.b.work, "serve.log"))
    try:
        story(dev, args, server, "ferry serve", img)
    finally:
        server.stop()


def scenario_nginx(dev, args):
    nginx = args.nginx or shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if not nginx:
        skip("nginx not found (scripts/setup.sh installs nginx-light)")
    www = os.path.join(dev.b.work, "www")
    img = prepare(dev, args, www)
    server = NginxServer(nginx, www, dev.b.work)
    try:
        story(dev, args, server, "nginx", img)
    finally:
        server.stop()


def stays_on_v1(dev, run, *markers):
    """The failed boot said why and kept v1; the next boot (server down)
    finds nothing staged and starts v1 again."""
    print(run.out, end="")
    run.clean()
    run.expect(*markers)
    run.expect("[ota] staying on v1.0.0")
    run.refuse("marked for install")
    if not dev.b.primary_holds(dev.b.image(dev.v1)):
        raise TestFailure("the primary slot no longer holds v1")
    again = dev.boot(free_port())
    again.clean()
    again.expect("[boot] starting v1.0.0", "[ota] v1.0.0 is confirmed")
    again.refuse("[boot] staging: found image", "[boot] installing")


def scenario_failures(dev, args):
    b = dev.b
    www = os.path.join(b.work, "www")
    img = prepare(dev, args, www)
    repo = os.path.join(www, "repo")
    cls = [d for d in os.listdir(repo) if os.path.isdir(os.path.join(repo, d))][0]

    # Server down: nothing listens where the bridge connects.
    b.fresh(b.image(V1))
    run = dev.boot(free_port())
    stays_on_v1(dev, run, "[ota] no update: i/o error")
    ok("server down: 'no update: i/o error', v1 stays")

    # 404: a server without the repository.
    empty = os.path.join(b.work, "www-empty")
    os.makedirs(empty, exist_ok=True)
    server = FerryServer(args.ferry, empty, os.path.join(b.work, "serve-404.log"))
    try:
        b.fresh(b.image(V1))
        run = dev.boot(server.port)
        stays_on_v1(dev, run, "[ota] no update: http error status (HTTP 404)")
    finally:
        server.stop()
    ok("no manifest: 'no update: http error status (HTTP 404)', v1 stays")

    # A server that stalls in the body, at every attempt.
    stall = BadServer(www, "stall")
    try:
        b.fresh(b.image(V1))
        t0 = time.monotonic()
        run = dev.boot(stall.port)
        stays_on_v1(dev, run, "[ota] update available: v2.0.0", "[ota] download failed: timed out")
    finally:
        stall.stop()
    ev = stall.requests()
    if sum(1 for e in ev if e.startswith("stalled")) < 2 or "client closed" not in ev:
        raise TestFailure("the stalling server saw %r: expected stalled attempts, retried "
                          "and closed by the device" % ev)
    ok("stalled body: 'download failed: timed out' after %d attempts (%.1f s), v1 stays"
       % (sum(1 for e in ev if e.startswith("stalled")), time.monotonic() - t0))

    # A truncated body, at every attempt; then a good server: the download resumes.
    trunc = BadServer(www, "truncate")
    try:
        b.fresh(b.image(V1))
        run = dev.boot(trunc.port)
        stays_on_v1(dev, run, "[ota] update available: v2.0.0",
                    "[ota] download failed: http body length mismatch")
    finally:
        trunc.stop()
    ev = trunc.requests()
    if not any("206" in e and "bytes=" in e for e in ev):
        raise TestFailure("the device did not retry the truncated body with Range: %r" % ev)
    ok("truncated body: 'download failed: http body length mismatch', retried with Range "
       "(%s), v1 stays" % "; ".join(e for e in ev if ".img" in e))
    server = FerryServer(args.ferry, www, os.path.join(b.work, "serve-resume.log"))
    try:
        run = dev.boot(server.port)
        print(run.out, end="")
        run.clean()
        m = re.search(r"^\[ota\] resuming the download at byte (\d+)", run.out, re.M)
        if not m or int(m.group(1)) == 0:
            raise TestFailure("the download after the truncation did not resume:\n" + run.out)
        run.expect(*DOWNLOAD_STORY[-2:])
        if not any(" 206 " in r for r in server.requests()):
            raise TestFailure("ferry serve logged no 206: %r" % server.requests())
        ok("then from ferry serve: resumed at byte %s (HTTP 206), verified, marked" % m.group(1))
        run = dev.boot(server.port)
        run.clean()
        run.expect(*INSTALL_STORY)
        if not b.primary_holds(img):
            raise TestFailure("the primary slot does not hold v2 after the resumed download")
        ok("v2 installed and confirmed after the resumed download")
    finally:
        server.stop()

    # Forged manifest: one byte changed, the old signature kept.
    forged = os.path.join(b.work, "www-forged")
    shutil.rmtree(forged, ignore_errors=True)
    shutil.copytree(www, forged)
    mpath = os.path.join(forged, "repo", cls, "manifest.json")
    text = open(mpath, "rb").read()
    text = text.replace(b'"2.0.0"', b'"2.0.1"', 1) if b'"2.0.0"' in text else text[:-2] + b" " + text[-2:]
    open(mpath, "wb").write(text)
    server = FerryServer(args.ferry, forged, os.path.join(b.work, "serve-forged.log"))
    try:
        b.fresh(b.image(V1))
        run = dev.boot(server.port)
        stays_on_v1(dev, run, "[ota] no update: release manifest signature invalid")
    finally:
        server.stop()
    ok("forged manifest: 'no update: release manifest signature invalid', v1 stays")

    # The image on the server is not the one the manifest names (one byte flipped).
    bad = os.path.join(b.work, "www-baddigest")
    shutil.rmtree(bad, ignore_errors=True)
    shutil.copytree(www, bad)
    imgdir = os.path.join(bad, "repo", cls, "images")
    ipath = os.path.join(imgdir, os.listdir(imgdir)[0])
    data = bytearray(open(ipath, "rb").read())
    data[len(data) // 2] ^= 0x01
    open(ipath, "wb").write(data)
    server = FerryServer(args.ferry, bad, os.path.join(b.work, "serve-baddigest.log"))
    try:
        b.fresh(b.image(V1))
        run = dev.boot(server.port)
        stays_on_v1(dev, run, "[ota] download 100% (", "[ota] download failed: image digest mismatch")
    finally:
        server.stop()
    ok("image changed on the server: 'download failed: image digest mismatch', v1 stays")


# ---- HTTPS ---------------------------------------------------------------------
def read_env(path):
    env = {}
    with open(path) as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                env[k] = v
    return env


def openssl(*args, cwd):
    p = subprocess.run(["openssl"] + list(args), cwd=cwd, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        raise TestFailure("openssl %s failed:\n%s" % (" ".join(args), p.stdout))
    return p.stdout


def asn1_time(t):
    return time.strftime("%Y%m%d%H%M%SZ", time.gmtime(t))


def make_ca(d, name):
    """A self-signed EC P-256 CA in d: ca.pem, ca.key."""
    os.makedirs(d, exist_ok=True)
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "ca.key", "-out", "ca.pem", "-days", "3650", "-subj", "/CN=" + name,
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign", cwd=d)
    return os.path.join(d, "ca.pem"), os.path.join(d, "ca.key")


def make_server_cert(d, ca_pem, ca_key, device_time):
    """An EC P-256 server certificate for 10.0.2.100 signed by ca_pem/ca_key,
    in d: server.pem, server.key. The address is a DNS name too (BearSSL's
    minimal validator reads only DNS names, docs/tls.md). Valid from an hour
    before device_time, the device's fixed test time, for ten years: made
    with `openssl ca -startdate`, since `openssl x509 -req` starts the
    validity now, after the device's time."""
    os.makedirs(d, exist_ok=True)
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=10.0.2.100", cwd=d)
    with open(os.path.join(d, "server.ext"), "w") as f:
        f.write("subjectAltName=DNS:10.0.2.100,IP:10.0.2.100\nbasicConstraints=CA:FALSE\n"
                "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n")
    open(os.path.join(d, "index.txt"), "w").close()
    with open(os.path.join(d, "ca.cnf"), "w") as f:
        f.write("[ca]\ndefault_ca = test\n[test]\ndatabase = index.txt\nnew_certs_dir = .\n"
                "serial = serial\ndefault_md = sha256\npolicy = any\nunique_subject = no\n"
                "[any]\ncommonName = supplied\n")
    with open(os.path.join(d, "serial"), "w") as f:
        f.write("%016X\n" % (random.Random(device_time).getrandbits(62) | 1 << 62))
    openssl("ca", "-batch", "-config", "ca.cnf", "-cert", ca_pem, "-keyfile", ca_key,
            "-in", "server.csr", "-out", "server.pem", "-notext", "-extfile", "server.ext",
            "-startdate", asn1_time(device_time - 3600),
            "-enddate", asn1_time(device_time + 3650 * 86400), cwd=d)
    return os.path.join(d, "server.pem"), os.path.join(d, "server.key")


def https_setup(dev, args):
    """Switches dev to the HTTPS build; returns ota-tls.env's settings."""
    env = read_env(os.path.join(args.fw, "ota-tls.env"))
    if not env.get("OTA_TLS_CA_KEY"):
        skip("the firmware trusts a CA given at build time (OTA_TLS_CA_PEM=%s): the test "
             "cannot sign a server certificate with it" % env.get("OTA_TLS_CA_PEM"))
    dev.v1, dev.v2, dev.v2_bin = TLS_V1, TLS_V2, "app-ota-tls-v2.bin"
    dev.url, dev.guest_port = "https://10.0.2.100/repo/", 443
    return env


def scenario_https_serve(dev, args):
    env = https_setup(dev, args)
    cert, key = make_server_cert(os.path.join(dev.b.work, "server-cert"), env["OTA_TLS_CA_PEM"],
                                 env["OTA_TLS_CA_KEY"], int(env["OTA_TLS_TEST_TIME"]))
    ok("server certificate for 10.0.2.100 signed by the build's test CA (%s)"
       % env["OTA_TLS_CA_PEM"])
    www = os.path.join(dev.b.work, "www")
    img = prepare(dev, args, www)
    server = TlsFerryServer(args.ferry, www, os.path.join(dev.b.work, "serve.log"), cert, key)
    try:
        story(dev, args, server, "ferry serve over HTTPS", img)
    finally:
        server.stop()


def scenario_https_wrong_cert(dev, args):
    env = https_setup(dev, args)
    other_pem, other_key = make_ca(os.path.join(dev.b.work, "other-ca"), "Ferry Other Test CA")
    cert, key = make_server_cert(os.path.join(dev.b.work, "server-cert"), other_pem, other_key,
                                 int(env["OTA_TLS_TEST_TIME"]))
    ok("server certificate for 10.0.2.100 signed by another CA the test made")
    www = os.path.join(dev.b.work, "www")
    prepare(dev, args, www)
    server = TlsFerryServer(args.ferry, www, os.path.join(dev.b.work, "serve.log"), cert, key)
    try:
        run = dev.boot(server.port)
        stays_on_v1(dev, run, "[ota] checking https://10.0.2.100/repo/",
                    "[ota] tls: connect to 10.0.2.100 refused: BR_ERR_X509_NOT_TRUSTED",
                    "[ota] no update: tls handshake or certificate refused")
        run.refuse("[ota] update available")
    finally:
        server.stop()
    if any("GET" in r for r in server.requests()):
        raise TestFailure("the server answered a request: %r" % server.requests())
    ok("another CA: the device refused the certificate (BR_ERR_X509_NOT_TRUSTED, 'no update: "
       "tls handshake or certificate refused'), sent no request, and stays on v1")


# ---- power cuts ----------------------------------------------------------------
def staged_extent(b, size):
    """How far the staging slot's image area [D, D + size) is written: the
    offset past its last byte that is not erased (0xFF)."""
    d = b.staging_offset()
    data = b.read(b.staging[0] + d, size)
    return len(data.rstrip(b"\xff"))


def scenario_powercut(dev, args):
    b = dev.b
    www = os.path.join(b.work, "www")
    img = prepare(dev, args, www)
    v1 = open(b.image(V1), "rb").read()
    v2 = open(img, "rb").read()
    size = len(v2)
    server = FerryServer(args.ferry, www, os.path.join(b.work, "serve.log"))
    rng = random.Random(args.seed)
    cuts = {"download": 0, "install": 0, "missed": 0}
    stats = {"resumed": 0, "from zero": 0, "boots": 0, "reverted trials": 0, "runs": 0,
             "installs resumed": 0, "staged images refused": 0}
    dl_at, inst_at = [], []  # where the cuts landed: bytes in flash, install markers
    units = 0
    t0 = time.monotonic()
    versions_ran = set()

    def check_boot(run, where):
        stats["boots"] += 1
        if run.rc not in (0, -9) and not run.killed:
            raise TestFailure("%s: QEMU exited with %s:\n%s\n%s" % (where, run.rc, run.out, run.err))
        for v in re.findall(r"^\[ota\] (v\d+\.\d+\.\d+) running", run.out, re.M):
            if v not in ("v1.0.0", "v2.0.0"):
                raise TestFailure("%s: an unknown image ran (%s):\n%s" % (where, v, run.out))
            versions_ran.add(v)
        for v in re.findall(r"^\[boot\] installing \(signature verified, previous image kept\) (\S+)",
                            run.out, re.M):
            if v != "v2.0.0":
                raise TestFailure("%s: the bootloader installed %s" % (where, v))
        m = re.search(r"^\[ota\] resuming the download at byte (\d+)", run.out, re.M)
        if m:
            stats["resumed"] += 1
        elif run.has("[ota] download 0% (") or run.has("[ota] download 10% ("):
            stats["from zero"] += 1
        if run.has("[boot] trial image not confirmed: reverting"):
            stats["reverted trials"] += 1
        if run.has("[boot] resuming an interrupted install"):
            stats["installs resumed"] += 1
        if run.has("[boot] staging: image rejected"):
            # Only a torn mark (the head half-programmed at the cut) may
            # give this: the bootloader refuses it, and the agent starts over.
            stats["staged images refused"] += 1

    try:
        while cuts["download"] + cuts["install"] < args.cuts:
            stats["runs"] += 1
            b.fresh(b.image(V1))
            # 1 to 3 cuts while v1 downloads, each somewhere past what is
            # already in flash (so each boot must download more).
            for k in range(rng.randint(1, 3)):
                start = staged_extent(b, size)
                target = start + int(rng.random() * (size - start))

                def kill_download(out, target=target):
                    return "[ota] update available" in out and staged_extent(b, size) >= target
                run = dev.boot(server.port, kill_download)
                check_boot(run, "run %d, download cut %d at byte %d" % (stats["runs"], k, target))
                cuts["download" if run.killed else "missed"] += 1
                if run.killed:
                    dl_at.append(staged_extent(b, size))
                if not run.killed:
                    break
            # Let boots run until v2 is marked and the bootloader starts to
            # install; cut the install at a seeded swap step.
            for attempt in range(6):
                st = status_progress(b.read(*b.status), b.sector)
                marked = b.read(b.staging[0] + b.staging_offset(), 4) == v2[:4]
                if marked and (st is None or st["op"] != 1 or st["markers"] == 0):
                    break
                run = dev.boot(server.port)
                check_boot(run, "run %d, download %d" % (stats["runs"], attempt))
            state = {"target": None, "rng": random.Random(rng.random())}

            def kill_install(out, state=state):
                st = status_progress(b.read(*b.status), b.sector)
                if st is None or st["op"] != 1:
                    return False
                if state["target"] is None:
                    # -1: as soon as the install's status bank exists, up to
                    # the swap's last step. The boot runs paced (Device.cmd),
                    # so the cut lands on the step aimed at, before v2's
                    # trial starts (a cut in the trial, before v2 confirms,
                    # is a failed trial: accepted below, but not aimed at).
                    state["target"] = state["rng"].randint(-1, 2 * st["units"])
                return st["markers"] >= state["target"] or "[ota] v2.0.0 running" in out
            run = dev.boot(server.port, kill_install, paced=True)
            check_boot(run, "run %d, install cut" % stats["runs"])
            cuts["install" if run.killed else "missed"] += 1
            if run.killed:
                st = status_progress(b.read(*b.status), b.sector)
                inst_at.append(-1 if st is None else st["markers"])
                units = st["units"] if st else units
            # Settle: boot until v2 says it is the current release (or, after
            # a cut on trial, v1 stays with the reverted release refused).
            for attempt in range(8):
                run = dev.boot(server.port)
                check_boot(run, "run %d, settle %d" % (stats["runs"], attempt))
                if run.has("[ota] v2.0.0 is the current release: nothing to do"):
                    break
                if run.has("[ota] no update: image was reverted"):
                    break
            else:
                raise TestFailure("run %d: not settled after 8 boots:\n%s" % (stats["runs"], run.out))
            if run.has("[ota] v2.0.0 is the current release"):
                if b.read(b.primary[0], size) != v2:
                    raise TestFailure("run %d: the primary slot does not hold v2" % stats["runs"])
            else:
                if b.read(b.primary[0], len(v1)) != v1:
                    raise TestFailure("run %d: reverted, but the primary does not hold v1"
                                      % stats["runs"])
                stats["ended on v1 (trial cut, release refused as reverted)"] = \
                    stats.get("ended on v1 (trial cut, release refused as reverted)", 0) + 1
    finally:
        server.stop()
    ranged = [r for r in server.requests() if " 206 " in r]
    ok("%d power cuts (seed %d): %d during downloads, %d during installs (%d boots ran "
       "without a cut); %d boots in %d runs, %.0f s"
       % (cuts["download"] + cuts["install"], args.seed, cuts["download"], cuts["install"],
          cuts["missed"], stats["boots"], stats["runs"], time.monotonic() - t0))
    ok("download cuts landed at %s of %d bytes" % (",".join(str(x) for x in sorted(dl_at)), size))
    ok("install cuts landed at swap markers %s (of %d units x 2 + 3)"
       % (",".join(str(x) for x in sorted(inst_at)), units))
    ok("downloads: %d resumed from a checkpoint, %d from byte 0; %d installs resumed; "
       "%d trial reverts; %d staged images refused by the bootloader"
       % (stats["resumed"], stats["from zero"], stats["installs resumed"],
          stats["reverted trials"], stats["staged images refused"]))
    if cuts["download"] and not stats["resumed"]:
        raise TestFailure("no download resumed after a cut")
    if stats.get("ended on v1 (trial cut, release refused as reverted)"):
        ok("%d runs ended on v1: a cut during v2's trial reverted it, and the agent then "
           "refuses the reverted release (docs/agent.md)"
           % stats["ended on v1 (trial cut, release refused as reverted)"])
    if not ranged:
        raise TestFailure("ferry serve logged no 206 (Range) answer: no download resumed")
    ok("ferry serve answered %d ranged requests (206)" % len(ranged))
    if versions_ran - {"v1.0.0", "v2.0.0"}:
        raise TestFailure("unexpected images ran: %r" % versions_ran)
    ok("every boot ran v1 or v2 (both signed); every install was v2; every run ended "
       "with a whole signed image in the primary slot")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scenario", choices=["ferry_serve", "nginx", "failures", "powercut",
                                         "https_ferry_serve", "https_wrong_cert"])
    ap.add_argument("--fw", required=True)
    ap.add_argument("--ferry", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--icount", action="store_true")
    ap.add_argument("--pad", type=int, default=0, help="pad v2 to this many KiB")
    ap.add_argument("--cuts", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--nginx", default="")
    args = ap.parse_args()

    if shutil.which(QEMU) is None:
        skip("%s not found (scripts/setup.sh installs qemu-system-arm)" % QEMU)
    args.fw = os.path.abspath(args.fw)
    if os.path.exists(os.path.join(args.fw, "SKIP")):
        skip("the firmware was not built: " + open(os.path.join(args.fw, "SKIP")).read().strip())
    if os.path.exists(os.path.join(args.fw, "net-smoke.SKIP")):
        skip("the network firmware was not built: " + open(
            os.path.join(args.fw, "net-smoke.SKIP")).read().strip().replace("\n", " "))
    needed = ["ferry-boot.elf", V1, V2, "app-ota-v2.bin", "layout.env"]
    if args.scenario.startswith("https_"):
        if shutil.which("openssl") is None:
            skip("openssl not found (the test makes the server certificates with it)")
        if os.path.exists(os.path.join(args.fw, "ota-tls.SKIP")):
            skip("the HTTPS firmware was not built: " + open(
                os.path.join(args.fw, "ota-tls.SKIP")).read().strip())
        needed = ["ferry-boot.elf", TLS_V1, TLS_V2, "app-ota-tls-v2.bin", "layout.env",
                  "ota-tls.env"]
    for f in needed:
        if not os.path.exists(os.path.join(args.fw, f)):
            skip("%s missing in %s (scripts/firmware-build.sh builds it)" % (f, args.fw))
    args.ferry = os.path.abspath(args.ferry)
    args.work = os.path.abspath(args.work)
    for p in (sys.executable, BRIDGE, args.work):
        if "," in p or " " in p:
            skip("path %r holds a comma or a space (QEMU's -nic option cannot carry it)" % p)
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    dev = Device(args)
    try:
        {"ferry_serve": scenario_serve, "nginx": scenario_nginx, "failures": scenario_failures,
         "powercut": scenario_powercut, "https_ferry_serve": scenario_https_serve,
         "https_wrong_cert": scenario_https_wrong_cert}[args.scenario](dev, args)
    except TestFailure as e:
        print("FAIL: %s" % e, flush=True)
        return 1
    ok("%s passed" % args.scenario)
    return 0


if __name__ == "__main__":
    sys.exit(main())
