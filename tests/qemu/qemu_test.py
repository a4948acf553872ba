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

Exit status: 0 pass, 1 fail, 77 skipped (qemu or the firmware build missing).
"""
import argparse
import os
import random
import shutil
import signal
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
    boot = b.boot()
    boot.expect("[boot] trial image not confirmed: reverting", "[boot] revert complete",
                "[boot] staging: image rejected, nothing installed: "
                "image was reverted after a failed trial",
                "[app] last boot: reverted to 2.0.0: the trial image was not confirmed; "
                "staged image refused: image was reverted after a failed trial")
    app_ran(boot, "2.0.0", "is confirmed")
    ok("next boot: reverted to v2, which runs confirmed; v3 is refused")
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
    b.fresh(b.image(V1))
    b.stage(big_img)
    template = os.path.join(b.work, "template.img")
    b.save(template)
    v1 = open(b.image(V1), "rb").read()
    v2 = open(big_img, "rb").read()

    # Uncut reference: how many markers a whole install sets.
    boot = b.boot()
    app_ran(boot, "2.0.0", "on trial: self-test passed, image confirmed")
    st = status_progress(b.read(*b.status), b.sector)
    total = st["markers"]
    units = st["units"]
    ok("reference install: %d units, %d markers (2 x units + DONE, BOOTED, CONFIRMED)"
       % (units, total))

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
        if version == "2.0.0" and b.read(b.staging[0], len(v1)) != v1:
            raise TestFailure("run %d: v1 is not kept in staging after the install" % run)
        if version == "1.0.0":
            d = b.staging_offset()
            if b.read(b.staging[0] + d, len(v2)) != v2:
                raise TestFailure("run %d: v2 is not back in staging after the revert" % run)
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


SCENARIOS = {f.__name__: f for f in (fresh_boot, update, tampered, watchdog_revert, powercut,
                                     powercut_revert, app_alignment, counter_advance,
                                     counter_lock, key_rotation)}


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
    for f in ("layout.env", "ferry-boot.elf", V1, V2, V3):
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
