# SPDX-License-Identifier: Apache-2.0
"""A minimal client of the GDB remote serial protocol, enough to drive QEMU's
gdb stub: breakpoints, continue, read and write one register.

QEMU's stub (system mode, TCG) implements breakpoints in the translator, so
any number of them costs nothing until one is hit; a hit is one stop reply.
Only what the glitch harness needs is here: no threads, no memory writes.
"""
import re
import select
import socket
import time


class RspError(Exception):
    pass


class Exited(Exception):
    """The target is gone (QEMU exited or closed the connection)."""


def _checksum(data):
    return sum(data) & 0xFF


class Rsp:
    def __init__(self, path, connect_timeout=5.0):
        deadline = time.monotonic() + connect_timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise RspError("cannot connect to the gdb stub at %s" % path)
                time.sleep(0.005)
        self.buf = b""
        self.ack = True
        self.command("qSupported:xmlRegisters=arm")
        # QEMU answers p/P only to a client that has read the target
        # description (its gdb_has_xml); the register numbers come from it.
        self.target_xml = self._read_xfer("target.xml")
        # No-ack mode halves the round trips.
        if self.command("QStartNoAckMode") == "OK":
            self.ack = False

    def _read_xfer(self, annex):
        data, off = "", 0
        while True:
            reply = self.command("qXfer:features:read:%s:%x,%x" % (annex, off, 0x800))
            if not reply or reply[0] not in "ml":
                raise RspError("reading %s: %r" % (annex, reply))
            data += reply[1:]
            off += len(reply) - 1
            if reply[0] == "l":
                return data

    def features(self):
        """The target description and every XML file it includes."""
        docs = [self.target_xml]
        for inc in re.findall(r'<xi:include href="([^"]+)"', self.target_xml):
            docs.append(self._read_xfer(inc))
        return "\n".join(docs)

    def regnum(self, name):
        """Register number of `name` in the target description."""
        if not hasattr(self, "_regs"):
            self._regs, n = {}, 0
            for m in re.finditer(r"<reg\s[^>]*>", self.features()):
                tag = m.group(0)
                rn = re.search(r'regnum="(\d+)"', tag)
                if rn:
                    n = int(rn.group(1))
                self._regs[re.search(r'name="([^"]+)"', tag).group(1)] = n
                n += 1
        if name not in self._regs:
            raise RspError("no register %r in the target description" % name)
        return self._regs[name]

    def fileno(self):
        return self.sock.fileno()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    # ---- framing ------------------------------------------------------------
    def _raw(self, data):
        try:
            self.sock.sendall(data)
        except OSError:
            raise Exited()

    def _send(self, payload):
        data = payload.encode()
        self._raw(b"$" + data + b"#%02x" % _checksum(data))

    def _fill(self, timeout):
        r, _, _ = select.select([self.sock], [], [], timeout)
        if not r:
            return False
        try:
            chunk = self.sock.recv(65536)
        except OSError:
            raise Exited()
        if not chunk:
            raise Exited()
        self.buf += chunk
        return True

    def read_packet(self, timeout):
        """One packet's payload, or None when `timeout` seconds pass first."""
        deadline = time.monotonic() + timeout
        while True:
            # Drop acks and anything before the start of a packet.
            start = self.buf.find(b"$")
            if start >= 0:
                end = self.buf.find(b"#", start)
                if end >= 0 and len(self.buf) >= end + 3:
                    payload = self.buf[start + 1:end]
                    self.buf = self.buf[end + 3:]
                    if self.ack:
                        self._raw(b"+")
                    return payload.decode("latin-1")
            if not self._fill(max(0.0, deadline - time.monotonic())):
                return None

    def command(self, payload, timeout=5.0):
        self._send(payload)
        reply = self.read_packet(timeout)
        if reply is None:
            raise RspError("no reply to %r" % payload)
        return reply

    # ---- operations ---------------------------------------------------------
    def set_breakpoint(self, addr):
        # Kind 2: a Thumb breakpoint (QEMU's TCG breakpoints ignore the kind).
        if self.command("Z0,%x,2" % addr) != "OK":
            raise RspError("breakpoint at 0x%x refused" % addr)

    def clear_breakpoint(self, addr):
        if self.command("z0,%x,2" % addr) != "OK":
            raise RspError("removing the breakpoint at 0x%x refused" % addr)

    def read_reg(self, n):
        reply = self.command("p%x" % n)
        if len(reply) != 8:
            raise RspError("reading register %d: %r" % (n, reply))
        return int.from_bytes(bytes.fromhex(reply), "little")

    def write_reg(self, n, value):
        data = (value & 0xFFFFFFFF).to_bytes(4, "little").hex()
        if self.command("P%x=%s" % (n, data)) != "OK":
            raise RspError("writing register %d refused" % n)

    def cont(self):
        """Resumes; the stop reply is read with wait_stop()."""
        self._send("c")

    def wait_stop(self, timeout):
        """'T05...' (a breakpoint), 'W..'/'X..' (exited), or None (still running)."""
        return self.read_packet(timeout)

    def interrupt(self):
        self._raw(b"\x03")
