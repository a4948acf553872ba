#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The full card install as firmware: mps2-an385 under QEMU with the card bootloader.

QEMU's mps2-an385 has no SD slot, so ferry-boot-card reads its card from a
region of the flash backing file (BOARD_CARD_OFF in layout.env): a FAT card
made by mkfs.fat + mcopy on the host is written there, the board is powered
on, and the test checks the console, the flash and the card afterwards
(mdir, mcopy, fsck.fat -n on the region cut out again).

  qemu_mps2_card.py SCENARIO --fw DIR --ferry PATH --work DIR

Scenarios:
  install   update.bin = v2: staged, installed on trial, confirmed; the file
            becomes update.old; the next boot installs nothing
  refused   wrong device class, not an image, an empty card, no card at all:
            v1 runs and the card region is byte for byte unchanged
Exit 77 (skip) without qemu-system-arm, dosfstools/mtools, or the firmware.
"""
import argparse
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "qemu"))
from qemu_board import Board, TestFailure, num  # noqa: E402

V1, V2 = "app-v1.img", "app-v2.img"


def ok(msg):
    print("ok   " + msg, flush=True)


def sh(*cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        raise TestFailure("%s failed (%d):\n%s" % (" ".join(cmd), p.returncode, p.stdout))
    return p.stdout


class CardBoard(Board):
    """The board with ferry-boot-card and a card in the backing file."""

    def __init__(self, fw, ferry, work):
        super().__init__(fw, ferry, work)
        self.bootloader = os.path.join(fw, "ferry-boot-card.elf")
        self.card_off = num(self.layout, "BOARD_CARD_OFF")
        self.card_size = num(self.layout, "BOARD_CARD_SIZE")
        self.card_img = os.path.join(work, "card.img")

    def make_card(self, files):
        """A FAT card with {name: host path}; returns its bytes."""
        if os.path.exists(self.card_img):
            os.remove(self.card_img)
        sh("mkfs.fat", "-C", "-n", "FERRYCARD", self.card_img, str(self.card_size // 1024))
        for name, path in files.items():
            sh("mcopy", "-i", self.card_img, path, "::" + name)
        return open(self.card_img, "rb").read()

    def insert(self, card_bytes):
        with open(self.flash, "r+b") as f:
            f.seek(self.card_off)
            f.write(card_bytes)

    def card(self):
        """The card region now, also written to card.img for the tools."""
        data = self.read(self.card_off, self.card_size)
        with open(self.card_img, "wb") as f:
            f.write(data)
        return data


def app_ran(boot, version, how):
    boot.expect("[app] v%s running" % version, "[app] v%s %s" % (version, how),
                "[app] v%s done, resetting" % version)
    boot.expect_clean_exit()


def install(b, args):
    b.fresh(b.image(V1))
    b.insert(b.make_card({"update.bin": b.image(V2)}))
    boot = b.boot()
    boot.expect("[card] update.bin staged, renamed update.old",
                "[boot] installing (signature verified, previous image kept) v2.0.0",
                "[boot] trial boot (watchdog armed): v2.0.0")
    app_ran(boot, "2.0.0", "on trial: self-test passed, image confirmed")
    ok("boot 1: update.bin verified from the card, staged, installed on trial, confirmed")
    if not b.primary_holds(b.image(V2)):
        raise TestFailure("the primary slot does not hold v2's exact bytes")
    b.card()
    listing = sh("mdir", "-b", "-i", b.card_img, "::").lower()
    if "update.old" not in listing or "update.bin" in listing:
        raise TestFailure("card listing after the install:\n" + listing)
    back = os.path.join(b.work, "back.img")
    sh("mcopy", "-n", "-i", b.card_img, "::update.old", back)
    if open(back, "rb").read() != open(b.image(V2), "rb").read():
        raise TestFailure("update.old is not v2's image")
    sh("fsck.fat", "-n", b.card_img)
    ok("card: update.bin renamed update.old (same bytes), fsck.fat finds it clean")
    boot = b.boot()
    boot.expect("[card] no update.bin")
    app_ran(boot, "2.0.0", "is confirmed")
    boot.refuse("installing", "reverting")
    ok("boot 2: v2 runs, nothing applied twice")


def refused(b, args):
    payload = os.path.join(b.fw, "app-v2.bin")
    other = b.sign(payload, os.path.join(b.work, "other.img"), "2.0.0",
                   device_class="some-other-device")
    junk = os.path.join(b.work, "junk.bin")
    with open(junk, "wb") as f:
        f.write(bytes((i * 7 + 3) & 0xFF for i in range(20000)))
    cases = [
        ("wrong device class", {"update.bin": other},
         "[card] update.bin refused, nothing changed: image device class mismatch"),
        ("not an image", {"update.bin": junk},
         "[card] update.bin refused, nothing changed: no image magic"),
        ("empty card", {}, "[card] no update.bin"),
    ]
    for what, files, line in cases:
        b.fresh(b.image(V1))
        card = b.make_card(files)
        b.insert(card)
        boot = b.boot()
        boot.expect(line)
        app_ran(boot, "1.0.0", "is confirmed")
        boot.refuse("installing")
        if b.card() != card:
            raise TestFailure("%s: the card region was written" % what)
        ok("%s: v1 runs, card unchanged" % what)
    b.fresh(b.image(V1))  # the card region is erased flash: no FAT there
    boot = b.boot()
    boot.expect("[card] no usable card: no fat filesystem")
    app_ran(boot, "1.0.0", "is confirmed")
    ok("no card: v1 runs")


SCENARIOS = {f.__name__: f for f in (install, refused)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", choices=sorted(SCENARIOS))
    ap.add_argument("--fw", required=True)
    ap.add_argument("--ferry", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    for tool in ("qemu-system-arm", "mkfs.fat", "mcopy", "mdir", "fsck.fat"):
        if shutil.which(tool) is None:
            print("SKIP: %s not found (run scripts/setup.sh)" % tool)
            return 77
    skip_file = os.path.join(args.fw, "SKIP")
    if os.path.exists(skip_file):
        print(open(skip_file).read().strip())
        return 77
    for f in ("layout.env", "ferry-boot-card.elf", V1, V2):
        if not os.path.exists(os.path.join(args.fw, f)):
            print("SKIP: firmware not built (%s missing in %s)" % (f, args.fw))
            return 77
    shutil.rmtree(args.work, ignore_errors=True)
    board = CardBoard(args.fw, args.ferry, args.work)
    try:
        SCENARIOS[args.scenario](board, args)
    except TestFailure as e:
        print("FAIL %s: %s" % (args.scenario, e))
        return 1
    print("PASS %s" % args.scenario)
    return 0


if __name__ == "__main__":
    sys.exit(main())
