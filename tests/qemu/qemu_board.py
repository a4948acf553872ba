# SPDX-License-Identifier: Apache-2.0
"""The mps2-an385 board under QEMU, as the firmware tests see it.

A Board owns a work directory with the flash backing file (QEMU's PSRAM,
memory-backend-file) and knows the layout the firmware was built with
(layout.env in the firmware build directory). It writes images into the
flash with `ferry merge --into` (what a factory programmer or an update agent
would leave there), boots QEMU once per call (-no-reboot: a guest reset ends
the run with exit status 0, so callers check UART markers, never only the
status), and reads the status area the way docs/design.md describes it and the
anti-rollback counter store the way docs/counter-format.md does.
"""
import hashlib
import os
import shutil
import signal
import struct
import subprocess
import time

QEMU = "qemu-system-arm"
BOOT_TIMEOUT = 20  # seconds of real time for one boot; a boot takes ~0.1 s


class TestFailure(Exception):
    pass


def read_layout(fw_dir):
    layout = {}
    with open(os.path.join(fw_dir, "layout.env")) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                key, value = line.split("=", 1)
                layout[key] = value
    return layout


def num(layout, key):
    return int(layout[key], 0)


class Boot:
    """One QEMU run: its exit status, UART text and (boot() only) QEMU's own
    messages on stderr."""

    def __init__(self, rc, out, killed=False, log=""):
        self.rc = rc
        self.out = out
        self.killed = killed
        self.log = log

    def has(self, marker):
        return marker in self.out

    def expect(self, *markers):
        for m in markers:
            if m not in self.out:
                raise TestFailure("missing UART marker %r in:\n%s" % (m, self.out))

    def refuse(self, *markers):
        for m in markers:
            if m in self.out:
                raise TestFailure("unexpected UART marker %r in:\n%s" % (m, self.out))

    def expect_clean_exit(self):
        if self.rc != 0:
            raise TestFailure("QEMU exited with %s (124 = timed out) after:\n%s"
                              % (self.rc, self.out))


class Board:
    def __init__(self, fw_dir, ferry, work):
        self.fw = fw_dir
        self.ferry = ferry
        self.work = work
        self.layout = read_layout(fw_dir)
        self.flash = os.path.join(work, "flash.img")
        self.bootloader = os.path.join(fw_dir, "ferry-boot.elf")
        L = self.layout
        self.flash_size = num(L, "BOARD_FLASH_SIZE")
        self.primary = (num(L, "BOARD_PRIMARY_OFF"), num(L, "BOARD_PRIMARY_SIZE"))
        self.staging = (num(L, "BOARD_STAGING_OFF"), num(L, "BOARD_STAGING_SIZE"))
        self.status = (num(L, "BOARD_STATUS_OFF"), num(L, "BOARD_STATUS_SIZE"))
        self.counter = (num(L, "BOARD_COUNTER_OFF"), num(L, "BOARD_COUNTER_SIZE"))
        self.counter_addr = num(L, "BOARD_FLASH_BASE") + self.counter[0]
        self.revocation = (num(L, "BOARD_REVOCATION_OFF"), num(L, "BOARD_REVOCATION_SIZE"))
        self.revocation_addr = num(L, "BOARD_FLASH_BASE") + self.revocation[0]
        self.stores = (num(L, "BOARD_STORES_OFF"), num(L, "BOARD_STORES_SIZE"))
        self.stores_addr = num(L, "BOARD_FLASH_BASE") + self.stores[0]
        self.sector = num(L, "BOARD_SECTOR_SIZE")
        os.makedirs(work, exist_ok=True)

    # ---- images ---------------------------------------------------------
    def image(self, name):
        return os.path.join(self.fw, name)

    def sign(self, payload, out, version, key=None, device_class=None, header_size=None,
             unaligned=False):
        L = self.layout
        cmd = [self.ferry, "sign", "-k", key or L["FERRY_KEY"], "--vendor", L["FERRY_VENDOR"],
               "--device-class", device_class or L["FERRY_DEVICE_CLASS"],
               "--version", version,
               "--header-size", str(header_size or num(L, "BOARD_HEADER_SIZE"))]
        cmd += ["--unaligned"] if unaligned else []
        cmd += [payload, out]
        self.run_tool(cmd)
        return out

    def run_tool(self, cmd):
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if p.returncode != 0:
            raise TestFailure("%s failed (%d):\n%s" % (" ".join(cmd), p.returncode, p.stdout))
        return p.stdout

    # ---- flash contents -------------------------------------------------
    def merge_args(self):
        L = self.layout
        return [self.ferry, "merge", "--into", self.flash,
                "--flash-size", L["BOARD_FLASH_SIZE"], "--sector-size", L["BOARD_SECTOR_SIZE"],
                "--flash-base", L["BOARD_FLASH_BASE"], "--program-unit", L["BOARD_PROGRAM_UNIT"],
                "--vector-align", L["BOARD_VECTOR_ALIGN"],
                "--primary", "%s:%s" % (L["BOARD_PRIMARY_OFF"], L["BOARD_PRIMARY_SIZE"]),
                "--staging", "%s:%s" % (L["BOARD_STAGING_OFF"], L["BOARD_STAGING_SIZE"]),
                "--status", "%s:%s" % (L["BOARD_STATUS_OFF"], L["BOARD_STATUS_SIZE"])]

    def fresh(self, primary_image):
        """A factory-fresh device: erased flash, one image in the primary slot."""
        if os.path.exists(self.flash):
            os.remove(self.flash)
        self.run_tool(self.merge_args() + ["--primary-image", primary_image])

    def stage(self, image):
        """What an update agent leaves behind: the image in staging at offset D."""
        self.run_tool(self.merge_args() + ["--staging-image", image])

    def read(self, off, length):
        with open(self.flash, "rb") as f:
            f.seek(off)
            return f.read(length)

    def write(self, off, data):
        """Bytes into the flash file from outside, as a probe on the bus would."""
        with open(self.flash, "r+b") as f:
            f.seek(off)
            f.write(data)

    def primary_holds(self, image_path):
        data = open(image_path, "rb").read()
        return self.read(self.primary[0], len(data)) == data

    def counter_bytes(self):
        return self.read(*self.counter)

    def stored_counter(self):
        return counter_value(self.counter_bytes(), self.sector,
                             num(self.layout, "BOARD_PROGRAM_UNIT"))

    def revocation_bytes(self):
        return self.read(*self.revocation)

    def stored_revocation(self):
        """The lowest key index the device still trusts (same encoding)."""
        return counter_value(self.revocation_bytes(), self.sector,
                             num(self.layout, "BOARD_PROGRAM_UNIT"))

    def staging_offset(self):
        """D for this layout: uniform sectors, so the first sector boundary."""
        return self.sector

    def save(self, path):
        shutil.copyfile(self.flash, path)

    def restore(self, path):
        shutil.copyfile(path, self.flash)

    # ---- QEMU -----------------------------------------------------------
    def qemu_cmd(self, kernel=None):
        return [QEMU, "-M", "mps2-an385,memory-backend=pf",
                "-object", "memory-backend-file,id=pf,size=%d,mem-path=%s,share=on"
                % (self.flash_size, self.flash),
                "-kernel", kernel or self.bootloader,
                "-nographic", "-nic", "none", "-no-reboot",
                "-icount", "shift=0,align=off,sleep=off"]

    def boot(self, kernel=None, timeout=BOOT_TIMEOUT):
        """Power on, run until the guest resets (or the timeout): one boot."""
        try:
            p = subprocess.run(self.qemu_cmd(kernel), stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=timeout)
            return Boot(p.returncode, p.stdout.decode("utf-8", "replace").replace("\r", ""),
                        log=p.stderr.decode("utf-8", "replace"))
        except subprocess.TimeoutExpired as e:
            out = (e.stdout or b"").decode("utf-8", "replace").replace("\r", "")
            return Boot(124, out)

    def boot_and_kill(self, should_kill, poll_s=0.0):
        """Boots and SIGKILLs QEMU as soon as should_kill(flash_bytes) says so
        (a power cut: whatever the guest had written is in the file, nothing
        more). Returns the Boot; killed tells whether the cut happened before
        the guest reset by itself."""
        p = subprocess.Popen(self.qemu_cmd(), stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        killed = False
        deadline = time.monotonic() + BOOT_TIMEOUT
        with open(self.flash, "rb") as f:
            while p.poll() is None and time.monotonic() < deadline:
                f.seek(self.status[0])
                if should_kill(f.read(self.status[1])):
                    p.send_signal(signal.SIGKILL)
                    killed = True
                    break
                if poll_s:
                    time.sleep(poll_s)
        if p.poll() is None and not killed:
            p.send_signal(signal.SIGKILL)
        out, _ = p.communicate()
        return Boot(p.returncode, out.decode("utf-8", "replace").replace("\r", ""), killed)


# ---- the status area (docs/design.md, "Status area") ---------------------
STATUS_MAGIC = b"FRYS"
HDR_BYTES = 96


def status_progress(status_bytes, unit_bytes, program_unit=1, erased=0xFF):
    """The current bank as the bootloader reads it, or None in factory state:
    a dict with op (1 install, 2 revert), seq, units (swap units in the region,
    each unit_bytes long on this uniform-sector board) and markers (how many
    leading markers are set: 2*units steps, then DONE, BOOTED, CONFIRMED)."""
    half = len(status_bytes) // 2
    best = None
    for b in range(2):
        bank = status_bytes[b * half:(b + 1) * half]
        hdr = bank[:HDR_BYTES]
        if hdr[0:4] != STATUS_MAGIC or hdr[4] != 1:
            continue
        if hashlib.sha256(hdr[:88]).digest()[:8] != hdr[88:96]:
            continue
        seq = struct.unpack_from("<I", hdr, 8)[0]
        if best is None or seq > best["seq"]:
            region = struct.unpack_from("<I", hdr, 12)[0]
            best = {"op": hdr[5], "seq": seq, "units": region // unit_bytes, "bank": bank}
    if best is None:
        return None
    bank = best.pop("bank")
    pos = (HDR_BYTES + program_unit - 1) // program_unit * program_unit
    count = 0
    while pos + program_unit <= len(bank) and any(x != erased for x in bank[pos:pos + program_unit]):
        count += 1
        pos += program_unit
    best["markers"] = count
    return best


# ---- the counter store (docs/counter-format.md) ---------------------------
def _pair(data, off):
    """The value of the pair at off, or None when it is not whole."""
    x, c = struct.unpack_from("<II", data, off)
    return x if c == x ^ 0xFFFFFFFF else None


def counter_value(area, sector, program_unit=1, erased=0xFF):
    """The stored minimum security counter, read independently of the C code:
    the largest base or record over both valid banks, 0 when neither is.
    Raises TestFailure for a whole header of another layout (the bootloader
    fails closed on it)."""
    hdr_span = (24 + program_unit - 1) // program_unit * program_unit
    slot = max(8, program_unit)
    half = len(area) // 2
    split = (half + sector - 1) // sector * sector
    value = 0
    for bank in (area[:split], area[split:]):
        fields = [_pair(bank, o) for o in (0, 8, 16)]
        if None in fields or bank[0:2] != b"FC":
            continue
        if bank[2] != 1 or 1 << bank[3] != slot:
            raise TestFailure("counter bank header of another layout: %s" % bank[:8].hex())
        best = fields[2]
        pos = hdr_span
        while pos + slot <= len(bank):
            rec = bank[pos:pos + slot]
            if any(x != erased for x in rec):
                v = _pair(rec, 0)
                if v is not None and v > best:
                    best = v
            pos += slot
        value = max(value, best)
    return value
