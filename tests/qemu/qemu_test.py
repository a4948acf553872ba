#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Ferry's firmware on QEMU mps2-an385: the bootloader and the demo apps as
built by scripts/firmware-build.sh, booted from a file-backed flash.

  qemu_test.py SCENARIO --fw FW_DIR --ferry FERRY --work DIR [--runs N] [--seed S]

Scenarios (one ctest test each, qemu.<scenario>):
  fresh_boot       a fresh device verifies and boots v1
  update           v2 written into staging is installed, runs on trial, confirms
  tampered         modified or foreign images in staging are rejected; v1 keeps running
  watchdog_revert  v3 hangs, the watchdog resets, the bootloader restores v2
  powercut         QEMU killed at seeded points of an install; every later boot runs a
                   valid image and the install completes or reverts cleanly
  powercut_revert  the same during the revert of a trial image that hung
  app_alignment    an image whose vector table would break the VTOR rule is refused by
                   ferry merge, and by the bootloader if it gets there anyway
  counter_advance  confirmed images raise the stored minimum security counter; a signed
                   revert to v1 with a lower counter is refused, one with the same counter
                   is installed
  counter_lock     an application that writes the counter or the revocation store after
                   the jump faults (erase through the driver, a wild store, unprivileged MPU
                   off, a store under FAULTMASK); the stores keep their bytes, the rollback
                   stays refused
  key_rotation     a rotation image signed by key 1 that revokes key 0: a failed trial
                   revokes nothing; once confirmed, the next boot writes the revocation
                   store and images signed by key 0 are refused
  encrypted_update the decrypting bootloader (ferry-boot-enc-uart-p256m31): an encrypted v2
                   is installed over a plain v1 (which ferry-boot refuses it over) and over
                   an encrypted v1; an image encrypted for another class key is refused;
                   an encrypted v3 that hangs is reverted; the primary holds the installed
                   (plaintext) form, the staging slot the stored forms byte for byte, and
                   no 64-byte run of any plaintext is anywhere else
  encrypted_powercut
                   powercut with the decrypting bootloader and both images encrypted;
                   after every cut and every settled run, no 64-byte run of either
                   plaintext is outside the primary slot

Exit status: 0 pass, 1 fail, 77 skipped (qemu or the firmware build missing).
"""
import argparse
import os
import random
import shutil
import signal
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qemu_board import Board, TestFailure, status_progress  # noqa: E402

V1, V2, V3 = "app-v1.img", "app-v2.img", "app-v3.img"


def app_ran(boot, version, how):
    """The app printed its banner, `how` ('is confirmed' / 'on trial: self-test
    passed, image confirmed') and finished with a reset."""
    boot.expect("[app] v%s running" % version, "[app] v%s %s" % (version, how),
                "[app] v%s done, resetting" % version)
    boot.expect_clean_exit()


def ok(msg):
    print("ok   " + msg, flush=True)


# ---- 1. fresh device -------------------------------------------------------
def fresh_boot(b, args):
    b.fresh(b.image(V1))
    for n in (1, 2):
        boot = b.boot()
        boot.expect("[boot] Ferry bootloader", "[boot] starting v1.0.0",
                    "[boot] jump to 0x%08x" % (int(b.layout["BOARD_FLASH_BASE"], 0)
                                               + b.primary[0]
                                               + int(b.layout["BOARD_HEADER_SIZE"], 0)))
        app_ran(boot, "1.0.0", "is confirmed")
        boot.refuse("installing", "rejected", "reverting")
        ok("boot %d: the bootloader verified v1 and started it" % n)
    if not b.primary_holds(b.image(V1)):
        raise TestFailure("the primary slot no longer holds v1")
    if status_progress(b.read(*b.status), b.sector) is not None:
        raise TestFailure("a plain boot wrote the status area")
    ok("nothing was written: primary still v1, status area still erased")


# ---- 2. update -------------------------------------------------------------
def update(b, args):
    b.fresh(b.image(V1))
    b.stage(b.image(V2))
    boot = b.boot()
    boot.expect("[boot] staging: found image v2.0.0",
                "[boot] installing (signature verified, previous image kept) v2.0.0",
                "[boot] install complete, copy checked: v2.0.0",
                "[boot] trial boot (watchdog armed): v2.0.0")
    app_ran(boot, "2.0.0", "on trial: self-test passed, image confirmed")
    boot.expect("[app] last boot: installed 2.0.0 (on trial)")
    ok("boot 1: v2 verified, installed, started on trial, confirmed itself; the boot record says so")
    boot = b.boot()
    app_ran(boot, "2.0.0", "is confirmed")
    boot.expect("[app] last boot: started 2.0.0\n")
    boot.refuse("installing", "reverting", "trial boot")
    ok("boot 2: v2 runs confirmed, nothing installed again")
    if not b.primary_holds(b.image(V2)):
        raise TestFailure("the primary slot does not hold v2's exact bytes")
    v1 = open(b.image(V1), "rb").read()
    if b.read(b.staging[0], len(v1)) != v1:
        raise TestFailure("v1 was not kept at the start of the staging slot")
    st = status_progress(b.read(*b.status), b.sector)
    if st is None or st["op"] != 1 or st["markers"] != 2 * st["units"] + 3:
        raise TestFailure("status area does not record a confirmed install: %r" % st)
    ok("flash: primary = v2 byte for byte, v1 kept in staging, install confirmed in status")


# ---- 3. tampered images ------------------------------------------------------
def tampered(b, args):
    v2 = open(b.image(V2), "rb").read()
    header = int(b.layout["BOARD_HEADER_SIZE"], 0)
    cases = []

    flipped = bytearray(v2)
    flipped[header + 100] ^= 0x01  # one bit of the payload
    cases.append(("payload bit flipped", bytes(flipped), "image digest mismatch"))

    badsig = bytearray(v2)
    badsig[-1] ^= 0x80  # last byte of the signature (trailer)
    cases.append(("signature bit flipped", bytes(badsig), "image signature invalid"))

    key = os.path.join(b.work, "foreign-key.pem")
    if not os.path.exists(key):
        b.run_tool([b.ferry, "keygen", "-k", key])
    payload = os.path.join(b.fw, "app-v2.bin")
    foreign = b.sign(payload, os.path.join(b.work, "foreign.img"), "2.0.0", key=key)
    cases.append(("signed with an untrusted key", open(foreign, "rb").read(),
                  "image signed by untrusted key"))

    other = b.sign(payload, os.path.join(b.work, "other-class.img"), "2.0.0",
                   device_class="some-other-board")
    cases.append(("signed for another device class", open(other, "rb").read(),
                  "image device class mismatch"))

    for name, data, reason in cases:
        b.fresh(b.image(V1))
        path = os.path.join(b.work, "staged.img")
        with open(path, "wb") as f:
            f.write(data)
        b.stage(path)
        before = b.read(0, b.staging[0] + b.staging[1])
        for n in (1, 2):
            boot = b.boot()
            boot.expect("[boot] staging: image rejected, nothing installed: " + reason,
                        "[app] last boot: started 1.0.0; staged image refused: " + reason)
            boot.refuse("installing")
            app_ran(boot, "1.0.0", "is confirmed")
        if b.read(0, b.staging[0] + b.staging[1]) != before:
            raise TestFailure("%s: the slots changed although nothing was installed" % name)
        if status_progress(b.read(*b.status), b.sector) is not None:
            raise TestFailure("%s: the status area was written" % name)
        ok("%s: rejected on the UART (%s), v1 keeps running, flash untouched" % (name, reason))


# ---- 4. watchdog revert --------------------------------------------------------
def watchdog_revert(b, args):
    b.fresh(b.image(V1))
    b.stage(b.image(V2))
    app_ran(b.boot(), "2.0.0", "on trial: self-test passed, image confirmed")
    ok("v2 installed and confirmed (the version to fall back to)")
    b.stage(b.image(V3))
    boot = b.boot()
    boot.expect("[boot] installing (signature verified, previous image kept) v3.0.0",
                "[boot] trial boot (watchdog armed): v3.0.0", "[app] v3.0.0 running",
                "[app] v3.0.0 has a fatal bug: hanging before it confirms")
    boot.refuse("[app] v3.0.0 done")
    if boot.rc != 0:
        raise TestFailure("v3 was not reset by the watchdog (QEMU status %s):\n%s"
                          % (boot.rc, boot.out))
    ok("v3 installed, started on trial, hung; the watchdog reset the board")
    # The boot that reverts starts the restored image and leaves staging to
    # the next boot (docs/boot-fuzzer.md, F19), which refuses v3.
    boot = b.boot()
    boot.expect("[boot] trial image not confirmed: reverting", "[boot] revert complete",
                "[app] last boot: reverted to 2.0.0: the trial image was not confirmed\n")
    boot.refuse("staging:")
    app_ran(boot, "2.0.0", "is confirmed")
    ok("next boot: reverted to v2, which runs confirmed; staging is left for the next boot")
    boot = b.boot()
    boot.expect("[boot] staging: image rejected, nothing installed: "
                "image was reverted after a failed trial",
                "[app] last boot: started 2.0.0; "
                "staged image refused: image was reverted after a failed trial")
    app_ran(boot, "2.0.0", "is confirmed")
    boot.refuse("installing", "reverting")
    ok("the boot after: v3 is refused (image was reverted after a failed trial), v2 runs")
    boot = b.boot()
    app_ran(boot, "2.0.0", "is confirmed")
    boot.refuse("installing", "reverting")
    if not b.primary_holds(b.image(V2)):
        raise TestFailure("the primary slot does not hold v2's exact bytes after the revert")
    v3 = open(b.image(V3), "rb").read()
    d = b.staging_offset()
    if b.read(b.staging[0] + d, len(v3)) != v3:
        raise TestFailure("v3 is not back at the swap offset of the staging slot")
    ok("stable: v2 in primary byte for byte, v3 back in staging at D and not retried")


# ---- 5. power cuts ---------------------------------------------------------------
def big(b, major):
    """vN with 200 KiB of seeded bytes after the program: the same code, but
    an install or revert takes ~50 swap units, so cuts land at many steps."""
    out = os.path.join(b.work, "app-v%d-big.img" % major)
    if not os.path.exists(out):
        payload = bytearray(open(os.path.join(b.fw, "app-v%d.bin" % major), "rb").read())
        payload += random.Random(major).randbytes(200 * 1024)
        path = os.path.join(b.work, "app-v%d-big.bin" % major)
        with open(path, "wb") as f:
            f.write(payload)
        b.sign(path, out, "%d.0.0" % major)
    return out


def cut_target(rng, total):
    """How many markers to wait for before the cut (-1: as soon as the
    operation's status bank exists). A third of the runs aim at the edges:
    the start, the last steps, the trial boot, the confirm."""
    if rng.random() < 1 / 3:
        return rng.choice([-1, 0, 1, total - 5, total - 4, total - 3, total - 2, total - 1])
    return rng.randint(-1, total - 1)


def kill_when(b, op, target, extra):
    """A should_kill predicate: operation `op` has set `target` markers, then
    `extra` more polls of the status area have passed."""
    state = {"extra": extra}

    def should_kill(status):
        st = status_progress(status, b.sector)
        if st is None or st["op"] != op or st["markers"] < target:
            return False
        state["extra"] -= 1
        return state["extra"] < 0
    return should_kill


def settle(b, max_boots=4):
    """Boots until a boot neither installs nor reverts. Every boot must end in
    a valid image that runs to its end. Returns (version, boots)."""
    boots = []
    for _ in range(max_boots):
        boot = b.boot()
        boots.append(boot)
        ran = [v for v in ("1.0.0", "2.0.0") if boot.has("[app] v%s done, resetting" % v)]
        if len(ran) != 1 or boot.rc != 0:
            raise TestFailure("a boot after the cut did not run a valid image to its end "
                              "(status %s):\n%s" % (boot.rc, boot.out))
        busy = any(boot.has(m) for m in ("installing", "resuming", "reverting", "on trial"))
        if not busy:
            return ran[0], boots
    raise TestFailure("still installing or reverting after %d boots:\n%s"
                      % (max_boots, "\n---\n".join(x.out for x in boots)))


def powercut(b, args):
    big_img = big(b, 2)
    v1 = open(b.image(V1), "rb").read()
    v2 = open(big_img, "rb").read()
    powercut_install(b, args, b.image(V1), big_img, (v1, v1), (v2, v2))


def powercut_install(b, args, primary_path, staged_path, v1, v2, check=None):
    """Power cuts during the install of v2 (staged_path) over v1
    (primary_path). v1, v2: (stored form, installed form), the same bytes for
    plain images. check(flash, when), if given, judges the whole flash right
    after each cut and after each settled run."""
    v1s, v1 = v1
    v2s, v2 = v2
    b.fresh(primary_path)
    b.stage(staged_path)
    template = os.path.join(b.work, "template.img")
    b.save(template)

    # Uncut reference: how many markers a whole install sets.
    boot = b.boot()
    app_ran(boot, "2.0.0", "on trial: self-test passed, image confirmed")
    st = status_progress(b.read(*b.status), b.sector)
    total = st["markers"]
    units = st["units"]
    ok("reference install: %d units, %d markers (2 x units + DONE, BOOTED, CONFIRMED)"
       % (units, total))
    if check:
        check(b.read(0, b.flash_size), "after the reference install")

    rng = random.Random(args.seed)
    landed = {"before the first step": 0, "during the swap": 0, "swap done, before trial": 0,
              "on trial, not confirmed": 0, "after confirm": 0}
    outcomes = {"completed (v2)": 0, "reverted (v1)": 0}
    for run in range(args.runs):
        b.restore(template)
        cut = b.boot_and_kill(kill_when(b, 1, cut_target(rng, total), rng.randint(0, 3)))
        st = status_progress(b.read(*b.status), b.sector)
        markers = -1 if st is None else st["markers"]
        if markers < 1:
            where = "before the first step"
        elif markers <= 2 * units:
            where = "during the swap"
        elif markers == 2 * units + 1:
            where = "swap done, before trial"
        elif markers == 2 * units + 2:
            where = "on trial, not confirmed"
        else:
            where = "after confirm"
        landed[where] += 1
        trial_started = markers >= 2 * units + 2
        confirmed = markers >= 2 * units + 3
        if check:
            check(b.read(0, b.flash_size), "run %d, cut %s (%d markers)" % (run, where, markers))

        version, boots = settle(b)
        # The oracle: before the trial started, the install must complete; a
        # trial that was cut before it confirmed must be reverted; a confirmed
        # image stays.
        expect = "1.0.0" if trial_started and not confirmed else "2.0.0"
        if version != expect:
            raise TestFailure("run %d (seed %d, cut %s, %d markers): settled on v%s, expected "
                              "v%s\n%s" % (run, args.seed, where, markers, version, expect,
                                           "\n---\n".join(x.out for x in [cut] + boots)))
        image = v2 if version == "2.0.0" else v1
        if b.read(b.primary[0], len(image)) != image:
            raise TestFailure("run %d: primary does not hold v%s byte for byte" % (run, version))
        if version == "2.0.0" and b.read(b.staging[0], len(v1s)) != v1s:
            raise TestFailure("run %d: v1 is not kept in staging after the install" % run)
        if version == "1.0.0":
            d = b.staging_offset()
            if b.read(b.staging[0] + d, len(v2s)) != v2s:
                raise TestFailure("run %d: v2 is not back in staging after the revert" % run)
        if check:
            check(b.read(0, b.flash_size), "run %d, settled on v%s" % (run, version))
        outcomes["completed (v2)" if version == "2.0.0" else "reverted (v1)"] += 1
    ok("%d power cuts (seed %d), killed at: %s" % (args.runs, args.seed, ", ".join(
        "%s %d" % (k, v) for k, v in landed.items())))
    ok("every later boot ran a valid image; outcome: %s" % ", ".join(
        "%s %d" % (k, v) for k, v in outcomes.items()))
    if landed["during the swap"] < args.runs // 4:
        raise TestFailure("only %d of %d cuts landed inside the swap: the test did not test it"
                          % (landed["during the swap"], args.runs))


def powercut_revert(b, args):
    """Cuts during the revert of a trial image that hung (v3): every later
    boot runs v1, and the device ends with v1 in primary and v3 back in
    staging, never to be tried again."""
    big_img = big(b, 3)
    b.fresh(b.image(V1))
    b.stage(big_img)
    boot = b.boot()
    boot.expect("[app] v3.0.0 has a fatal bug: hanging before it confirms")
    boot.expect_clean_exit()
    template = os.path.join(b.work, "template.img")
    b.save(template)  # v3 installed, on trial, hung: the next boot reverts
    v1 = open(b.image(V1), "rb").read()
    v3 = open(big_img, "rb").read()
    d = b.staging_offset()

    boot = b.boot()
    boot.expect("[boot] trial image not confirmed: reverting", "[boot] revert complete")
    app_ran(boot, "1.0.0", "is confirmed")
    st = status_progress(b.read(*b.status), b.sector)
    total, units = st["markers"], st["units"]
    ok("reference revert: %d units, %d markers" % (units, total))

    rng = random.Random(args.seed)
    landed = {"before the first step": 0, "during the swap": 0, "after the swap": 0}
    for run in range(args.runs):
        b.restore(template)
        cut = b.boot_and_kill(kill_when(b, 2, cut_target(rng, total), rng.randint(0, 3)))
        st = status_progress(b.read(*b.status), b.sector)
        markers = st["markers"] if st is not None and st["op"] == 2 else -1
        landed["before the first step" if markers < 1 else
               "during the swap" if markers <= 2 * units else "after the swap"] += 1
        version, boots = settle(b)
        if version != "1.0.0":
            raise TestFailure("run %d (seed %d, %d revert markers): settled on v%s, expected "
                              "v1.0.0\n%s" % (run, args.seed, markers, version,
                                               "\n---\n".join(x.out for x in [cut] + boots)))
        if b.read(b.primary[0], len(v1)) != v1:
            raise TestFailure("run %d: primary does not hold v1 byte for byte" % run)
        if b.read(b.staging[0] + d, len(v3)) != v3:
            raise TestFailure("run %d: v3 is not back in staging at D" % run)
        if not boots[-1].has("image was reverted after a failed trial"):
            raise TestFailure("run %d: v3 is not refused after the revert:\n%s"
                              % (run, boots[-1].out))
    ok("%d power cuts during the revert (seed %d), killed at: %s" % (
        args.runs, args.seed, ", ".join("%s %d" % (k, v) for k, v in landed.items())))
    ok("every later boot ran v1; v1 in primary, v3 back in staging and refused")
    if landed["during the swap"] < args.runs // 4:
        raise TestFailure("only %d of %d cuts landed inside the revert"
                          % (landed["during the swap"], args.runs))


# ---- 6. vector table alignment ----------------------------------------------------
def app_alignment(b, args):
    payload = os.path.join(b.fw, "app-v2.bin")
    # Header size 1032: the vector table would sit 8 bytes past a 1 KiB boundary.
    bad = b.sign(payload, os.path.join(b.work, "misaligned.img"), "2.0.0", header_size=1032,
                 unaligned=True)
    b.fresh(b.image(V1))
    p = subprocess.run(b.merge_args() + ["--staging-image", bad], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if p.returncode != 1 or "VTOR" not in p.stdout:
        raise TestFailure("ferry merge accepted a misaligned application:\n" + p.stdout)
    ok("ferry merge refuses it: " + p.stdout.strip().splitlines()[-1][:110] + "...")
    # Bypass merge (a careless update agent): the bootloader installs the
    # signed image but refuses to jump into it, and the watchdog takes it back.
    data = open(bad, "rb").read()
    d = b.staging_offset()
    with open(b.flash, "r+b") as f:
        f.seek(b.staging[0] + d)
        f.write(data)
    boot = b.boot()
    boot.expect("[boot] image header size breaks the vector table alignment")
    boot.refuse("[app]")
    if boot.rc != 0:
        raise TestFailure("the refused trial image was not reset by the watchdog:\n" + boot.out)
    boot = b.boot()
    boot.expect("[boot] trial image not confirmed: reverting")
    app_ran(boot, "1.0.0", "is confirmed")
    ok("the bootloader will not start it; the watchdog resets and v1 comes back")


# ---- 7. anti-rollback counter store -------------------------------------------------
ROLLBACK = "[boot] staging: image rejected, nothing installed: image security counter too low"


def locked_line(b):
    return ("[boot] counter and revocation stores 0x%08x+0x%08x locked read-only until reset (MPU)"
            % (b.stores_addr, b.stores[1]))


def signed(b, app, version, counter, *flags, key="FERRY_KEY"):
    """app-vN.bin signed as `version` with security counter `counter`, by the
    trusted key `key` (FERRY_KEY: index 0, FERRY_KEY1: index 1)."""
    out = os.path.join(b.work, "%s-%s-c%d%s-%s.img" % (app, version, counter, "".join(flags), key))
    L = b.layout
    b.run_tool([b.ferry, "sign", "-k", L[key], "--vendor", L["FERRY_VENDOR"],
                "--device-class", L["FERRY_DEVICE_CLASS"], "--version", version,
                "--security-counter", str(counter), "--header-size", L["BOARD_HEADER_SIZE"],
                *flags, b.image(app + ".bin"), out])
    return out


def expect_counter(b, value, when):
    got = b.stored_counter()
    if got != value:
        raise TestFailure("%s: the counter store holds %d, expected %d" % (when, got, value))


def counter_advance(b, args):
    b.fresh(signed(b, "app-v1", "1.0.0", 1))
    expect_counter(b, 0, "factory state")
    boot = b.boot()
    boot.expect("[boot] anti-rollback: minimum security counter is now 1", locked_line(b))
    app_ran(boot, "1.0.0", "is confirmed")
    expect_counter(b, 1, "after the first boot")
    before = b.counter_bytes()
    boot = b.boot()
    boot.refuse("anti-rollback")
    app_ran(boot, "1.0.0", "is confirmed")
    if b.counter_bytes() != before:
        raise TestFailure("a boot with nothing to raise wrote the counter store")
    ok("v1 (counter 1) raised the stored minimum to 1 on its first boot, not again")

    b.stage(signed(b, "app-v2", "2.0.0", 2))
    boot = b.boot()
    boot.expect("[boot] trial boot (watchdog armed): v2.0.0", locked_line(b))
    boot.refuse("anti-rollback")
    app_ran(boot, "2.0.0", "on trial: self-test passed, image confirmed")
    expect_counter(b, 1, "after the trial boot")
    boot = b.boot()
    boot.expect("[boot] anti-rollback: minimum security counter is now 2")
    app_ran(boot, "2.0.0", "is confirmed")
    expect_counter(b, 2, "after v2 confirmed")
    ok("v2 (counter 2): the trial does not raise it, the first boot after the confirm does: 2")

    # A signed revert may replace a newer version (docs/design.md), but never
    # go below the stored minimum: the same v1 payload, with counter 1 and 2.
    b.stage(signed(b, "app-v1", "1.0.0", 1, "--revert"))
    for n in (1, 2):
        boot = b.boot()
        boot.expect(ROLLBACK)
        boot.refuse("installing")
        app_ran(boot, "2.0.0", "is confirmed")
    expect_counter(b, 2, "after the refused rollback")
    ok("a signed revert to v1 with counter 1 is refused (%s); v2 keeps running"
       % ROLLBACK.rsplit(": ", 1)[1])
    b.stage(signed(b, "app-v1", "1.0.0", 2, "--revert"))
    boot = b.boot()
    boot.expect("[boot] installing (signature verified, previous image kept) v1.0.0")
    app_ran(boot, "1.0.0", "on trial: self-test passed, image confirmed")
    app_ran(b.boot(), "1.0.0", "is confirmed")
    expect_counter(b, 2, "after the allowed revert")
    ok("the same revert with counter 2 is installed: the counter alone refused the first")


def counter_lock(b, args):
    b.fresh(signed(b, "app-v2", "2.0.0", 2))
    app_ran(b.boot(), "2.0.0", "is confirmed")
    expect_counter(b, 2, "after the first boot")
    locked = b.counter_bytes()
    revocation = b.revocation_bytes()
    # (attack, what stops it). 4: with FAULTMASK the write cannot take a fault
    # and the core locks up; real silicon then waits for the trial watchdog,
    # QEMU 7.2 ends the run ("qemu: fatal: Lockup", SIGABRT).
    attacks = {1: ("erasing the counter store through the flash driver",
                   "[app] fault: MemManage at 0x%08x" % b.counter_addr),
               2: ("writing zeros over the counter store's first word",
                   "[app] fault: MemManage at 0x%08x" % b.counter_addr),
               3: ("dropping privilege, then turning the MPU off",
                   "[app] fault: BusFault at 0xe000ed94"),
               4: ("raising FAULTMASK, then writing zeros over the counter store's first word",
                   None),
               5: ("erasing the revocation store through the flash driver",
                   "[app] fault: MemManage at 0x%08x" % b.revocation_addr),
               6: ("writing zeros over the revocation store's first word",
                   "[app] fault: MemManage at 0x%08x" % b.revocation_addr)}
    for mode, (attempt, fault) in sorted(attacks.items()):
        b.stage(signed(b, "app-v4", "4.0.0+%d" % mode, 2))
        boot = b.boot()
        boot.expect(locked_line(b), "[app] v4.0.0 attacks the counter store",
                    "[app] attack: " + attempt)
        boot.refuse("NOT locked", "confirmed")
        if fault:
            boot.expect(fault)
            boot.expect_clean_exit()
        elif boot.rc != -signal.SIGABRT or "Lockup" not in boot.log:
            raise TestFailure("attack %d: expected a lockup (QEMU status %d), got status %s:\n%s%s"
                              % (mode, -signal.SIGABRT, boot.rc, boot.out, boot.log))
        else:
            fault = "lockup"
        if b.counter_bytes() != locked:
            raise TestFailure("attack %d changed the counter store (now %d):\n%s"
                              % (mode, b.stored_counter(), boot.out))
        if b.revocation_bytes() != revocation:
            raise TestFailure("attack %d changed the revocation store:\n%s" % (mode, boot.out))
        boot = b.boot()
        boot.expect("[boot] trial image not confirmed: reverting", "[boot] revert complete")
        app_ran(boot, "2.0.0", "is confirmed")
        if b.counter_bytes() != locked:
            raise TestFailure("the counter store changed after attack %d" % mode)
        ok("attack %d (%s) stopped: %s; store unchanged, v2 back" % (mode, attempt, fault))
    b.stage(signed(b, "app-v1", "1.0.0", 1, "--revert"))
    boot = b.boot()
    boot.expect(ROLLBACK)
    app_ran(boot, "2.0.0", "is confirmed")
    expect_counter(b, 2, "after the attacks")
    ok("the stored minimum is still 2: the rollback to v1 (counter 1) is still refused")


# ---- 8. key rotation and revocation (docs/keys.md) ----------------------------------
REVOKED = "[boot] staging: image rejected, nothing installed: signed by a key revoked on this device"


def expect_revocation(b, value, when):
    got = b.stored_revocation()
    if got != value:
        raise TestFailure("%s: the revocation store holds %d, expected %d" % (when, got, value))


def key_rotation(b, args):
    b.fresh(signed(b, "app-v1", "1.0.0", 1))
    app_ran(b.boot(), "1.0.0", "is confirmed")
    expect_revocation(b, 0, "factory state")

    # A rotation image that fails its trial: key 0 stays valid.
    b.stage(signed(b, "app-v3", "3.0.0", 1, "--revoke-keys-below", "1", key="FERRY_KEY1"))
    boot = b.boot()
    boot.expect("[boot] trial boot (watchdog armed): v3.0.0",
                "[app] v3.0.0 has a fatal bug: hanging before it confirms")
    boot.refuse("key revocation")
    expect_revocation(b, 0, "during the rotation image's trial")
    boot = b.boot()
    boot.expect("[boot] trial image not confirmed: reverting", "[boot] revert complete")
    boot.refuse("key revocation")
    app_ran(boot, "1.0.0", "is confirmed")
    expect_revocation(b, 0, "after the failed rotation")
    ok("a rotation image (key 1, revokes keys below 1) that hangs on trial reverts; nothing is "
       "revoked and v1, signed by key 0, is verified and runs")

    # The rotation that confirms: key 0 is revoked on the first boot after it.
    b.stage(signed(b, "app-v2", "2.0.0", 1, "--revoke-keys-below", "1", key="FERRY_KEY1"))
    boot = b.boot()
    boot.expect("[boot] trial boot (watchdog armed): v2.0.0")
    boot.refuse("key revocation")
    app_ran(boot, "2.0.0", "on trial: self-test passed, image confirmed")
    expect_revocation(b, 0, "after the rotation image's trial boot")
    boot = b.boot()
    boot.expect("[boot] key revocation: keys below index 1 are revoked", locked_line(b))
    app_ran(boot, "2.0.0", "is confirmed")
    expect_revocation(b, 1, "after the rotation image confirmed")
    stored = b.revocation_bytes()
    boot = b.boot()
    boot.refuse("key revocation")
    app_ran(boot, "2.0.0", "is confirmed")
    if b.revocation_bytes() != stored:
        raise TestFailure("a boot with nothing to revoke wrote the revocation store")
    ok("the rotation image confirmed: the next boot revoked key 0 (store = 1), once")

    # The store is untrusted input: erased from outside, the confirmed
    # image's own entry puts it back on the next boot.
    b.write(b.revocation[0], b"\xff" * b.revocation[1])
    expect_revocation(b, 0, "after erasing the store from outside")
    boot = b.boot()
    boot.expect("[boot] key revocation: keys below index 1 are revoked")
    app_ran(boot, "2.0.0", "is confirmed")
    expect_revocation(b, 1, "after the boot that follows the erase")
    ok("an erased revocation store is written back to 1 from the confirmed image's entry")

    b.stage(signed(b, "app-v3", "3.0.0", 1))
    for _ in range(2):
        boot = b.boot()
        boot.expect(REVOKED)
        boot.refuse("installing")
        app_ran(boot, "2.0.0", "is confirmed")
    expect_revocation(b, 1, "at the end")
    ok("a newer image signed by key 0 is refused (%s), boot after boot"
       % REVOKED.rsplit(": ", 1)[1])


# ---- 9. encrypted images (docs/encryption.md) ----------------------------------------
ENC_BOOT = "ferry-boot-enc-uart-p256m31.elf"
ENC_V2 = "app-v2-enc.img"
ENC_FLAG = 0x4  # header flags bit 2 (docs/image-format.md, section 13)
NOT_MY_CLASS_KEY = "encrypted for a class key this device does not hold"


def encrypted(b, payload, out, version, class_key=None):
    """`payload` signed by key 0 as `version`, encrypted for `class_key` (a
    public or private PEM; default: the decrypting bootloaders' class key)."""
    L = b.layout
    b.run_tool([b.ferry, "sign", "-k", L["FERRY_KEY"], "--vendor", L["FERRY_VENDOR"],
                "--device-class", L["FERRY_DEVICE_CLASS"], "--version", version,
                "--header-size", L["BOARD_HEADER_SIZE"],
                "--encrypt", class_key or L["FERRY_CLASS_PUB"], payload, out])
    return out


def padded_app(b, major, extra, seed):
    """app-vN.bin followed by `extra` seeded random bytes (the same program;
    the random tail makes every 64-byte window of the payload unique)."""
    path = os.path.join(b.work, "app-v%d-%dk.bin" % (major, extra // 1024))
    data = open(b.image("app-v%d.bin" % major), "rb").read() + random.Random(seed).randbytes(extra)
    with open(path, "wb") as f:
        f.write(data)
    return path


def installed_form(stored, payload):
    """The image as the primary slot holds it: header and trailer as stored,
    the payload in plaintext (docs/image-format.md, section 13)."""
    header_size = struct.unpack_from("<H", stored, 6)[0]
    size, flags = struct.unpack_from("<II", stored, 12)
    if not flags & ENC_FLAG or size != len(payload):
        raise TestFailure("not an encrypted image of this payload (flags 0x%x, payload %d bytes)"
                          % (flags, size))
    if stored[header_size:header_size + size] == payload:
        raise TestFailure("the encrypted image holds its payload in plaintext")
    return stored[:header_size] + payload + stored[header_size + size:]


class PlaintextIndex:
    """Finds runs of `run` or more consecutive bytes of a payload in a flash
    image. Any such run covers at least three whole 16-byte blocks aligned in
    the flash; each aligned block is looked up among the payload's windows
    and a hit is grown both ways. Blocks of one repeated byte value (erased
    flash, zero fill) carry no content and are not looked up, and erased
    sectors are skipped whole."""

    BLOCK = 16

    def __init__(self, payload, run=64):
        self.payload = payload
        self.run = run
        self.index = {}
        k = self.BLOCK
        for q in range(len(payload) - k + 1):
            w = payload[q:q + k]
            if w.count(w[0]) != k:
                self.index.setdefault(w, []).append(q)

    def runs(self, flash, lo, hi, sector=4096):
        """The runs in flash[lo:hi]: a list of (flash offset, payload offset,
        length)."""
        found = []
        erased = b"\xff" * sector
        s = lo
        while s < hi:
            e = min(hi, (s // sector + 1) * sector)
            if flash[s:e] == erased[:e - s]:
                s = e
                continue
            while e < hi and flash[e:min(hi, e + sector)] != erased[:min(hi, e + sector) - e]:
                e = min(hi, e + sector)
            found += self._scan(flash, s, e, lo, hi)
            s = e
        return found

    def _scan(self, flash, s, e, lo, hi):
        k, payload, found = self.BLOCK, self.payload, []
        g = (s + k - 1) // k * k
        while g + k <= e:
            end = g + k
            for q in self.index.get(flash[g:g + k], ()):
                left = 0
                while left < q and g - left > lo and flash[g - left - 1] == payload[q - left - 1]:
                    left += 1
                right = k
                while q + right < len(payload) and g + right < hi and \
                        flash[g + right] == payload[q + right]:
                    right += 1
                if left + right >= self.run:
                    found.append((g - left, q - left, left + right))
                    end = max(end, g + right)
            g = (end + k - 1) // k * k
        return found


def plaintext_runs(flash, payload, lo, hi):
    """Where flash[lo:hi] holds 64 or more consecutive bytes of `payload`
    (PlaintextIndex): a list of (flash offset, payload offset, length)."""
    return PlaintextIndex(payload).runs(flash, lo, hi)


def expect_no_plaintext(b, flash, payloads, when):
    """No 64-byte run of any plaintext payload outside the primary slot.
    `payloads`: (name, payload bytes or PlaintextIndex) pairs."""
    p0, p1 = b.primary[0], b.primary[0] + b.primary[1]
    for name, payload in payloads:
        index = payload if isinstance(payload, PlaintextIndex) else PlaintextIndex(payload)
        for lo, hi in ((0, p0), (p1, len(flash))):
            runs = index.runs(flash, lo, hi)
            if runs:
                raise TestFailure("%s: %s's plaintext is in the flash outside the primary slot: "
                                  "%s" % (when, name, ", ".join(
                                      "%d bytes at 0x%06x (payload +0x%x)" % (n, f, q)
                                      for f, q, n in runs[:5])))


def encrypted_update(b, args):
    enc_boot = b.image(ENC_BOOT)
    v2_bin = open(b.image("app-v2.bin"), "rb").read()

    # 1. The build's app-v2-enc.img over a plain v1.
    b.fresh(b.image(V1))
    b.stage(b.image(ENC_V2))
    before = b.read(0, b.staging[0] + b.staging[1])
    boot = b.boot()
    boot.expect("[boot] staging: image rejected, nothing installed: " + NOT_MY_CLASS_KEY)
    boot.refuse("installing")
    app_ran(boot, "1.0.0", "is confirmed")
    if b.read(0, b.staging[0] + b.staging[1]) != before:
        raise TestFailure("ferry-boot changed the slots although it refused the image")
    ok("ferry-boot (no class key) refuses %s (%s); v1 keeps running" % (ENC_V2, NOT_MY_CLASS_KEY))
    boot = b.boot(enc_boot)
    boot.expect("[boot] staging: found image v2.0.0",
                "[boot] installing (signature verified, previous image kept) v2.0.0",
                "[boot] install complete, copy checked: v2.0.0",
                "[boot] trial boot (watchdog armed): v2.0.0")
    app_ran(boot, "2.0.0", "on trial: self-test passed, image confirmed")
    boot.expect("[app] last boot: installed 2.0.0 (on trial)")
    boot = b.boot(enc_boot)
    app_ran(boot, "2.0.0", "is confirmed")
    boot.refuse("installing", "reverting", "trial boot")
    v2e = open(b.image(ENC_V2), "rb").read()
    if b.read(b.primary[0], len(v2e)) != installed_form(v2e, v2_bin):
        raise TestFailure("the primary slot does not hold v2's installed form (plaintext payload)")
    v1 = open(b.image(V1), "rb").read()
    if b.read(b.staging[0], len(v1)) != v1:
        raise TestFailure("the plain v1 was not kept as it is at the start of the staging slot")
    ok("%s: decrypted and installed by %s, runs on trial, confirms; primary = its installed "
       "form byte for byte, the plain v1 kept in staging" % (ENC_V2, ENC_BOOT[:-4]))
    # A plain image leaves the primary as it is: the leak check of part 2
    # must find the plain v1 in staging here, or its silence there means
    # nothing. (v1 and v2 are the same program but for their version, so
    # v2's plaintext is not looked for next to the plain v1.)
    flash = b.read(0, b.flash_size)
    v1_bin = open(b.image("app-v1.bin"), "rb").read()
    header = int(b.layout["BOARD_HEADER_SIZE"], 0)
    seen = plaintext_runs(flash, v1_bin, b.primary[0] + b.primary[1], len(flash))
    if (b.staging[0] + header, 0, len(v1_bin)) not in seen:
        raise TestFailure("the leak check does not find the plain v1's payload in staging: %r"
                          % seen)
    ok("the leak check finds the plain v1's payload in staging (it was never secret)")

    # 2. Encrypted over encrypted: no plaintext outside the primary. Random
    # tails make the images span many swap units and the leak check exact.
    v1_path = padded_app(b, 1, 40 * 1024, 11)
    v2_path = padded_app(b, 2, 60 * 1024, 12)
    v1_pay = open(v1_path, "rb").read()
    v2_pay = open(v2_path, "rb").read()
    v1s = open(encrypted(b, v1_path, os.path.join(b.work, "v1-enc.img"), "1.0.0"), "rb").read()
    v2s = open(encrypted(b, v2_path, os.path.join(b.work, "v2-enc.img"), "2.0.0"), "rb").read()
    v1i = installed_form(v1s, v1_pay)
    factory = os.path.join(b.work, "v1-installed.img")
    with open(factory, "wb") as f:
        f.write(v1i)
    b.fresh(factory)
    boot = b.boot(enc_boot)
    boot.expect("[boot] starting v1.0.0")
    app_ran(boot, "1.0.0", "is confirmed")
    ok("v1 encrypted, in the primary in its installed form (%d bytes): verified and started"
       % len(v1i))

    other = os.path.join(b.work, "other-class.pem")
    b.run_tool([b.ferry, "keygen", "--class", "-k", other])
    other_pub = os.path.join(b.work, "other-class.pub.pem")
    with open(other_pub, "w") as f:
        f.write(b.run_tool([b.ferry, "getpub", "-k", other]))
    b.stage(encrypted(b, v2_path, os.path.join(b.work, "v2-other.img"), "2.0.0",
                      class_key=other_pub))
    before = b.read(0, b.staging[0] + b.staging[1])
    for n in (1, 2):
        boot = b.boot(enc_boot)
        boot.expect("[boot] staging: image rejected, nothing installed: " + NOT_MY_CLASS_KEY,
                    "[app] last boot: started 1.0.0; staged image refused: " + NOT_MY_CLASS_KEY)
        boot.refuse("installing")
        app_ran(boot, "1.0.0", "is confirmed")
    if b.read(0, b.staging[0] + b.staging[1]) != before:
        raise TestFailure("the slots changed although the foreign-class image was refused")
    if status_progress(b.read(*b.status), b.sector) is not None:
        raise TestFailure("the status area was written for the foreign-class image")
    ok("v2 encrypted for another class key: refused (%s), twice; v1 keeps running, flash "
       "untouched" % NOT_MY_CLASS_KEY)

    path = os.path.join(b.work, "v2-enc.img")
    b.stage(path)
    boot = b.boot(enc_boot)
    boot.expect("[boot] installing (signature verified, previous image kept) v2.0.0",
                "[boot] install complete, copy checked: v2.0.0")
    app_ran(boot, "2.0.0", "on trial: self-test passed, image confirmed")
    boot = b.boot(enc_boot)
    app_ran(boot, "2.0.0", "is confirmed")
    boot.refuse("installing", "reverting", "trial boot")
    st = status_progress(b.read(*b.status), b.sector)
    if st is None or st["op"] != 1 or st["markers"] != 2 * st["units"] + 3:
        raise TestFailure("status area does not record a confirmed install: %r" % st)
    ok("v2 encrypted (%d bytes, %d swap units): installed over the encrypted v1, confirmed"
       % (len(v2s), st["units"]))

    flash = b.read(0, b.flash_size)
    p0 = b.primary[0]
    if flash[p0:p0 + len(v2s)] != installed_form(v2s, v2_pay):
        raise TestFailure("the primary slot does not hold v2's installed form")
    if flash[b.staging[0]:b.staging[0] + len(v1s)] != v1s:
        raise TestFailure("the staging slot does not hold v1's stored form (its original "
                          "ciphertext) at 0")
    ok("flash: primary = v2's installed form, staging[0..] = v1's stored form byte for byte")
    # The detector must see the plaintext where it is, or its silence means nothing.
    seen = plaintext_runs(flash, v2_pay, p0, p0 + b.primary[1])
    if sum(n for _, _, n in seen) < len(v2_pay) - 1024:
        raise TestFailure("the leak check does not find v2's plaintext in the primary: %r" % seen)
    expect_no_plaintext(b, flash, (("v1", v1_pay), ("v2", v2_pay)), "after the install")
    ok("no 64-byte run of v1's or v2's plaintext (%d and %d bytes) outside the primary slot "
       "(the same check finds v2's in the primary)" % (len(v1_pay), len(v2_pay)))

    # 3. An encrypted v3 that hangs on trial: the revert encrypts it again on
    # its way out, back to its original stored form.
    v3_path = padded_app(b, 3, 50 * 1024, 13)
    v3_pay = open(v3_path, "rb").read()
    v3s = open(encrypted(b, v3_path, os.path.join(b.work, "v3-enc.img"), "3.0.0"), "rb").read()
    b.stage(os.path.join(b.work, "v3-enc.img"))
    boot = b.boot(enc_boot)
    boot.expect("[boot] installing (signature verified, previous image kept) v3.0.0",
                "[boot] trial boot (watchdog armed): v3.0.0",
                "[app] v3.0.0 has a fatal bug: hanging before it confirms")
    if boot.rc != 0:
        raise TestFailure("v3 was not reset by the watchdog (QEMU status %s):\n%s"
                          % (boot.rc, boot.out))
    boot = b.boot(enc_boot)
    boot.expect("[boot] trial image not confirmed: reverting", "[boot] revert complete")
    app_ran(boot, "2.0.0", "is confirmed")
    flash = b.read(0, b.flash_size)
    if flash[p0:p0 + len(v2s)] != installed_form(v2s, v2_pay):
        raise TestFailure("the primary slot does not hold v2's installed form after the revert")
    d = b.staging[0] + b.staging_offset()
    if flash[d:d + len(v3s)] != v3s:
        raise TestFailure("v3 is not back in its stored form at the swap offset of staging")
    expect_no_plaintext(b, flash, (("v1", v1_pay), ("v2", v2_pay), ("v3", v3_pay)),
                        "after the revert")
    ok("v3 encrypted hangs on trial and is reverted: primary = v2's installed form, v3 back in "
       "staging at D in its stored form byte for byte, no plaintext of v1, v2, v3 outside the "
       "primary")


def encrypted_powercut(b, args):
    """powercut with the decrypting bootloader, both images encrypted: v1 (49
    KiB) in its installed form, v2 (209 KiB) staged. Besides powercut's
    checks (the stored forms stand in for the images in staging), right
    after every cut and after every settled run no 64-byte run of either
    plaintext is anywhere in the flash outside the primary slot."""
    b.bootloader = b.image(ENC_BOOT)
    v1_path = padded_app(b, 1, 40 * 1024, 21)
    v2_path = padded_app(b, 2, 200 * 1024, 22)
    v1_pay = open(v1_path, "rb").read()
    v2_pay = open(v2_path, "rb").read()
    v1s = open(encrypted(b, v1_path, os.path.join(b.work, "pc-v1-enc.img"), "1.0.0"), "rb").read()
    v2_img = encrypted(b, v2_path, os.path.join(b.work, "pc-v2-enc.img"), "2.0.0")
    v2s = open(v2_img, "rb").read()
    v1i, v2i = installed_form(v1s, v1_pay), installed_form(v2s, v2_pay)
    factory = os.path.join(b.work, "pc-v1-installed.img")
    with open(factory, "wb") as f:
        f.write(v1i)
    indexes = (("v1", PlaintextIndex(v1_pay)), ("v2", PlaintextIndex(v2_pay)))
    checked = [0]

    def check(flash, when):
        expect_no_plaintext(b, flash, indexes, when)
        checked[0] += 1
    powercut_install(b, args, factory, v2_img, (v1s, v1i), (v2s, v2i), check)
    ok("no 64-byte run of v1's or v2's plaintext outside the primary slot, in all %d flash "
       "states checked (after every cut and every settled run)" % checked[0])


SCENARIOS = {f.__name__: f for f in (fresh_boot, update, tampered, watchdog_revert, powercut,
                                     powercut_revert, app_alignment, counter_advance,
                                     counter_lock, key_rotation, encrypted_update,
                                     encrypted_powercut)}
# Products a scenario needs beyond the ones every scenario needs.
NEEDS = {"encrypted_update": (ENC_BOOT, ENC_V2), "encrypted_powercut": (ENC_BOOT,)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", choices=sorted(SCENARIOS))
    ap.add_argument("--fw", required=True, help="firmware build directory")
    ap.add_argument("--ferry", required=True, help="the host ferry tool")
    ap.add_argument("--work", required=True, help="scratch directory (recreated)")
    ap.add_argument("--runs", type=int, default=60, help="power cuts (powercut)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the cut points (powercut)")
    args = ap.parse_args()

    if shutil.which("qemu-system-arm") is None:
        print("SKIP: qemu-system-arm not found (run scripts/setup.sh)")
        return 77
    skip_file = os.path.join(args.fw, "SKIP")
    if os.path.exists(skip_file):
        print(open(skip_file).read().strip())
        return 77
    for f in ("layout.env", "ferry-boot.elf", V1, V2, V3) + NEEDS.get(args.scenario, ()):
        if not os.path.exists(os.path.join(args.fw, f)):
            print("SKIP: firmware not built (%s missing in %s; scripts/firmware-build.sh)"
                  % (f, args.fw))
            return 77
    shutil.rmtree(args.work, ignore_errors=True)
    board = Board(args.fw, args.ferry, args.work)
    try:
        SCENARIOS[args.scenario](board, args)
    except TestFailure as e:
        print("FAIL %s: %s" % (args.scenario, e))
        return 1
    print("PASS %s" % args.scenario)
    return 0


if __name__ == "__main__":
    sys.exit(main())
