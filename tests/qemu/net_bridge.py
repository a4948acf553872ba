#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""One guest connection <-> a TCP server on the host's loopback.

  net_bridge.py PORT [--log FILE]

QEMU's user network runs this once per guest connection to a guestfwd
address (`guestfwd=tcp:10.0.2.100:80-cmd:python3 net_bridge.py PORT`), with
the connection as stdin and stdout -- and as stderr too, so nothing may be
written there: diagnostics go to --log FILE, or nowhere. Bytes are copied
both ways until either side closes; then both are closed and the bridge
exits (0; 1 if the server could not be reached, which the guest sees as a
connection closed at once).
"""
import os
import select
import socket
import sys
import time


def log(path, msg):
    if path:
        with open(path, "a") as f:
            f.write("%.3f net_bridge[%d]: %s\n" % (time.time(), os.getpid(), msg))


def main():
    args = sys.argv[1:]
    logfile = None
    if "--log" in args:
        i = args.index("--log")
        logfile = args[i + 1]
        del args[i:i + 2]
    if len(args) != 1:
        log(logfile, "usage: net_bridge.py PORT [--log FILE]")
        return 2
    port = int(args[0])
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    except OSError as e:
        log(logfile, "cannot connect to 127.0.0.1:%d: %s" % (port, e))
        return 1
    sock.setblocking(True)
    sock.settimeout(None)
    log(logfile, "connected to 127.0.0.1:%d" % port)
    guest_in, guest_out = 0, 1
    up = down = 0
    try:
        while True:
            ready, _, _ = select.select([guest_in, sock], [], [])
            if guest_in in ready:
                data = os.read(guest_in, 65536)
                if not data:
                    log(logfile, "guest closed")
                    break
                sock.sendall(data)
                up += len(data)
            if sock in ready:
                data = sock.recv(65536)
                if not data:
                    log(logfile, "server closed")
                    break
                view = memoryview(data)
                while view:
                    n = os.write(guest_out, view)
                    view = view[n:]
                down += len(data)
    except OSError as e:
        log(logfile, "error: %s" % e)
    finally:
        log(logfile, "done: %d bytes to the server, %d to the guest" % (up, down))
        sock.close()
        for fd in (guest_in, guest_out):
            try:
                os.close(fd)
            except OSError:
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
