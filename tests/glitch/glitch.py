#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Single-instruction-skip fault injection on the Ferry bootloader (mps2-an385
under QEMU): can one skipped instruction of the go/no-go path start an image
signed by an untrusted key?  Method and threat model: docs/glitch.md.

  glitch.py sweep --fw FW_DIR --ferry FERRY --work DIR [--mode first|every|both]
                  [--results docs/glitch-results.md] [--command TEXT]
  glitch.py smoke --fw FW_DIR --ferry FERRY --work DIR
  glitch.py one   --fw FW_DIR --ferry FERRY --work DIR --addr 0xADDR [--mode M]

Scenario: genuine v1 in the primary slot, the v2 payload signed with a freshly
generated untrusted key staged. Every boot is one QEMU run halted at reset
(-S) and driven through its gdb stub (tests/glitch/gdbrsp.py): a breakpoint
at the instruction under test; when it is hit, the PC is moved past it (and
the IT state advanced, as if it had executed as a no-op), and the boot goes on.

Exit status: 0 done (sweep) / pass (smoke); 1 failure; 77 skipped.
"""
import argparse
import datetime
import hashlib
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "qemu"))
from gdbrsp import Exited, Rsp  # noqa: E402
from qemu_board import Board, TestFailure  # noqa: E402

# ---- The decision path: the functions whose instructions are skipped ---------
# Names as in the sources. A name matches the ELF symbol of that name or any
# compiler clone of it (check_staged.constprop.0, ...). Functions that the
# compiler inlined have no symbol: their code is swept as part of the caller
# that holds it, and the results attribute every instruction to its innermost
# source function (DWARF, addr2line -i). Update this list when the decision
# code moves; the results name every entry that had no symbol.
FUNCTIONS = [
    # src/boot/image.c: the verdict
    "ferry_image_verify_proven",  # one read: parse, digest, key, signature, vendor/class, proof
    "ferry_image_verify",   # the public wrapper (proof checked again)
    "read_once",            # the single read that parse and hash share
    "find_key",             # trusted-key lookup by key id
    "ferry_image_check_payload",  # the payload of an image judged on its header
    "payload_check",        # a header-signed image's payload digest
    "ferry_version_cmp",    # downgrade screen in judge_staged
    # src/crypto/bearssl.c: primitives the verdict rests on
    "ferry_p256_verify",    # ECDSA wrapper and its 1 -> 0 mapping (not BearSSL's arithmetic)
    "ferry_ct_memcmp",      # digest and key-id comparisons
    "memcmp",               # vendor/class UUIDs, staged-vs-primary digest (newlib)
    # src/boot/boot.c: acting on the verdict
    "ferry_boot",
    "runnable",             # parse, then runnable_parsed
    "runnable_parsed",      # counter + verify of the caller's one parse + seal
    "sealed",               # the seal re-check before install and run
    "header_sealed",        # the header seal: enough to install or replace, not to run
    "complete",             # the payload check that seals a header-judged image
    "stable_boot",
    "judge_staged",
    "install",
    "resume",
    "revert_or_keep",
    "finish",
    # port/mps2-an385/boot_start.c: ferry_boot's result -> jump or halt
    "boot_start",
]
# Where a fault ends up: the bootloader's catch-all exception handler.
FAULT_SYMBOLS = ["default_handler"]

V1, V2 = "app-v1.img", "app-v2.img"
MARK_V1 = "[app] v1.0.0 running"
MARK_V1_DONE = "[app] v1.0.0 done, resetting"
MARK_V2 = "[app] v2.0.0 running"
MARK_JUMP_V2 = "[boot] starting v2.0.0"
MARK_HALT = ("staying in the bootloader", "breaks the vector table alignment")
MARK_REFUSED = "[boot] staging: image rejected, nothing installed: image signed by untrusted key"
OUTCOMES = "abcde"
OUTCOME_TEXT = {
    "a": "booted v1 (no effect)",
    "b": "ran the wrong-key v2 (ATTACK SUCCEEDED)",
    "c": "stayed in the bootloader / no image",
    "d": "crash or hang",
    "e": "other",
}


def tool(name):
    return os.environ.get("FERRY_GLITCH_" + name.upper().replace("-", "_"), name)


# ---- The ELF: functions, instructions, source lines ---------------------------
class Insn:
    def __init__(self, addr, size, text, symbol):
        self.addr, self.size, self.text, self.symbol = addr, size, text, symbol
        self.src = ""      # innermost source function
        self.line = ""     # file:line of the innermost function
        self.chain = ""    # inline chain, innermost first


def base_name(sym):
    return sym.split(".", 1)[0]


def elf_symbols(elf):
    """{name: (addr, size)} of the text symbols (Thumb bit cleared)."""
    out = subprocess.run([tool("arm-none-eabi-nm"), "-S", elf], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[2] in "tTwW":
            syms[parts[3]] = (int(parts[0], 16) & ~1, int(parts[1], 16))
    return syms


def thumb_size(first_halfword):
    """Thumb-2: a first halfword 0b11101..., 0b11110... or 0b11111... starts a 32-bit insn."""
    return 4 if (first_halfword >> 11) in (0x1D, 0x1E, 0x1F) else 2


def disassemble(elf, symbol, start, size):
    out = subprocess.run([tool("arm-none-eabi-objdump"), "-d", "--start-address=0x%x" % start,
                          "--stop-address=0x%x" % (start + size), elf], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    insns = []
    pat = re.compile(r"^\s*([0-9a-f]+):\s+((?:[0-9a-f]{4}\s)+)\s*(.*)$")
    for line in out.splitlines():
        m = pat.match(line)
        if not m:
            continue
        words = m.group(2).split()
        text = m.group(3).strip()
        if text.startswith("."):  # literal pool (.word/.short): data, not code
            continue
        size = 2 * len(words)
        if size != thumb_size(int(words[0], 16)):
            raise TestFailure("objdump and the Thumb-2 encoding disagree on the size at %s"
                              % m.group(1))
        insns.append(Insn(int(m.group(1), 16), size, re.sub(r"\s+", " ", text), symbol))
    return insns


def attribute(elf, insns):
    """Fills src/line/chain from the DWARF line and inline tables."""
    if not insns:
        return
    p = subprocess.run([tool("arm-none-eabi-addr2line"), "-a", "-f", "-i", "-e", elf]
                       + ["0x%x" % i.addr for i in insns], check=True,
                       stdout=subprocess.PIPE, text=True)
    lines = p.stdout.splitlines()
    by_addr = {i.addr: i for i in insns}
    cur, chain = None, []

    def flush():
        if cur is not None and chain:
            fn, loc = chain[0]
            cur.src = base_name(fn)
            cur.line = os.path.relpath(loc.split(" ")[0], ROOT) if loc.startswith("/") else loc
            cur.chain = " < ".join(base_name(f) for f, _ in chain)

    k = 0
    while k < len(lines):
        if lines[k].startswith("0x"):
            flush()
            cur, chain = by_addr.get(int(lines[k], 16)), []
            k += 1
            continue
        if k + 1 < len(lines):
            chain.append((lines[k], lines[k + 1]))
        k += 2
    flush()


def decision_path(elf):
    """(instructions of the listed functions in address order, info per name)."""
    syms = elf_symbols(elf)
    found, info = [], {}
    for name in FUNCTIONS:
        matches = sorted(s for s in syms if base_name(s) == name and syms[s][1] > 0)
        info[name] = matches
        found += matches
    insns, seen = [], set()
    for sym in found:
        start, size = syms[sym]
        for i in disassemble(elf, sym, start, size):
            if i.addr not in seen:
                seen.add(i.addr)
                insns.append(i)
    attribute(elf, insns)
    faults = [syms[s][0] for s in syms if base_name(s) in FAULT_SYMBOLS]
    return insns, info, syms, faults


# ---- One boot ----------------------------------------------------------------
class Run:
    def __init__(self):
        self.uart = ""
        self.hits = 0          # breakpoint hits at the instruction under test
        self.skips = 0         # of those, how many were skipped
        self.fault = False     # the fault handler was reached
        self.timeout = False
        self.halted = False    # the bootloader said it stays put
        self.exited = False
        self.followup = ""     # UART of the clean boots after a run that changed the flash
        self.flash_changed = False
        self.outcome = None
        self.why = ""
        self.order = []        # coverage run: first-hit order of addresses


class Harness:
    def __init__(self, fw, ferry, work, timeout=2.0):
        self.fw, self.ferry, self.work = fw, ferry, work
        self.timeout = timeout
        self.board = Board(fw, ferry, work)
        self.elf = os.path.join(fw, "ferry-boot.elf")
        self.golden = os.path.join(work, "golden-flash.img")
        self.reference = b""
        self.faults = []
        self.runs = 0

    # -- scenario -------------------------------------------------------------
    def stage(self, staged_image):
        """Genuine v1 in primary, `staged_image` in staging; kept as the golden
        flash. The reference is the whole flash as one unglitched boot leaves
        it (a boot may write, e.g. the counter store on first use): a glitched
        boot that leaves anything else "changed the flash"."""
        b = self.board
        b.fresh(b.image(V1))
        b.stage(staged_image)
        b.save(self.golden)
        self.boot()
        with open(b.flash, "rb") as f:
            self.reference = f.read()

    def wrong_key_image(self):
        key = os.path.join(self.work, "untrusted-key.pem")
        if not os.path.exists(key):
            self.board.run_tool([self.ferry, "keygen", "-k", key])
        return self.board.sign(os.path.join(self.fw, "app-v2.bin"),
                               os.path.join(self.work, "wrong-key-v2.img"), "2.0.0", key=key)

    # -- QEMU under the gdb stub ---------------------------------------------
    def qemu_cmd(self, sock):
        b = self.board
        return ["qemu-system-arm", "-M", "mps2-an385,memory-backend=pf",
                "-object", "memory-backend-file,id=pf,size=%d,mem-path=%s,share=on"
                % (b.flash_size, b.flash),
                "-kernel", self.elf, "-display", "none", "-serial", "stdio",
                "-monitor", "none", "-nic", "none", "-no-reboot",
                "-icount", "shift=0,align=off,sleep=off", "-S",
                "-chardev", "socket,id=gdb0,path=%s,server=on,wait=off" % sock,
                "-gdb", "chardev:gdb0"]

    def boot(self, skip=None, mode="first", nth=1, coverage=None, fresh=True):
        """One glitched boot. skip: the Insn to skip (None: no skip). mode:
        'first' (its nth execution only) or 'every' (all executions).
        coverage: a list of addresses to record first hits of (no skip).
        fresh: start from the golden flash (else from what the last boot left)."""
        if fresh:
            shutil.copyfile(self.golden, self.board.flash)
        sock = os.path.join(self.work, "gdb.sock")
        if os.path.exists(sock):
            os.remove(sock)
        run = Run()
        self.runs += 1
        q = subprocess.Popen(self.qemu_cmd(sock), stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        rsp = None
        try:
            rsp = Rsp(sock)
            for a in self.faults:
                rsp.set_breakpoint(a)
            bps = set(coverage or ())
            if skip is not None:
                bps.add(skip.addr)
            for a in bps:
                rsp.set_breakpoint(a)
            self._drive(q, rsp, run, skip, mode, nth, bps)
        finally:
            if rsp:
                rsp.close()
            if q.poll() is None:
                q.send_signal(signal.SIGKILL)
            os.set_blocking(q.stdout.fileno(), True)
            rest, _ = q.communicate()
            run.uart += (rest or b"").decode("utf-8", "replace")
            run.uart = run.uart.replace("\r", "")
        return run

    def _drive(self, q, rsp, run, skip, mode, nth, bps):
        # Every breakpoint removed flushes QEMU's translations: a coverage
        # run with hundreds of them gets more time.
        deadline = time.monotonic() + self.timeout + 0.05 * len(bps)
        out = q.stdout.fileno()
        os.set_blocking(out, False)
        rsp.cont()
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                run.timeout = True
                return
            if "$" not in rsp.buf.decode("latin-1"):
                r, _, _ = select.select([out, rsp.sock], [], [], left)
            else:
                r = [rsp.sock]
            if out in r:
                chunk = os.read(out, 65536)
                run.uart += chunk.decode("utf-8", "replace")
                if not run.halted and any(m in run.uart for m in MARK_HALT):
                    run.halted = True  # it waits for an interrupt forever: stop soon
                    deadline = min(deadline, time.monotonic() + 0.05)
            if rsp.sock not in r:
                continue
            try:
                pkt = rsp.wait_stop(0)
            except Exited:
                run.exited = True
                return
            if pkt is None:
                continue
            if pkt[:1] in ("W", "X"):
                run.exited = True
                return
            if pkt[:1] not in ("T", "S"):
                continue
            pc = rsp.read_reg(rsp.regnum("pc")) & ~1
            if pc in self.faults:
                run.fault = True
                return
            if skip is not None and pc == skip.addr:
                run.hits += 1
                if mode == "every" or run.hits == nth:
                    self._skip(rsp, skip)
                    run.skips += 1
                elif run.hits > nth:
                    # Executed again after the skip: noted (an instruction
                    # run once needs no 'every' pass), then left alone.
                    rsp.clear_breakpoint(pc)
                else:  # not this execution: step over it, breakpoint kept
                    rsp.clear_breakpoint(pc)
                    rsp.command("s", timeout=self.timeout)
                    rsp.set_breakpoint(pc)
            elif pc in bps:  # coverage
                run.order.append(pc)
                rsp.clear_breakpoint(pc)
            rsp.cont()

    @staticmethod
    def _skip(rsp, insn):
        """The instruction behaves as a no-op: PC past it, IT state advanced."""
        xpsr = rsp.read_reg(rsp.regnum("xpsr"))
        it = ((xpsr >> 25) & 0x3) | (((xpsr >> 10) & 0x3F) << 2)
        if it:
            it = 0 if (it & 0x7) == 0 else (it & 0xE0) | ((it << 1) & 0x1F)
            xpsr &= ~((0x3 << 25) | (0x3F << 10))
            xpsr |= ((it & 0x3) << 25) | ((it >> 2) << 10)
            rsp.write_reg(rsp.regnum("xpsr"), xpsr)
        rsp.write_reg(rsp.regnum("pc"), insn.addr + insn.size)

    # -- verdict --------------------------------------------------------------
    def classify(self, run):
        b = self.board
        with open(b.flash, "rb") as f:
            run.flash_changed = f.read() != self.reference
        if run.flash_changed and MARK_V2 not in run.uart:
            # Something was written: would the wrong image run on a later,
            # unglitched boot? (Trial, revert and resume logic get their say.)
            for _ in range(3):
                nxt = self.boot(fresh=False)
                run.followup += nxt.uart
                if not nxt.exited or MARK_V2 in nxt.uart or MARK_V1_DONE in nxt.uart:
                    break
        started = re.findall(r"\[boot\] starting v(\S+)", run.uart)
        if MARK_V2 in run.uart:
            run.outcome, run.why = "b", "v2 ran in the glitched boot"
        elif MARK_V2 in run.followup:
            run.outcome, run.why = "b", "v2 ran on a later unglitched boot"
        elif MARK_JUMP_V2 in run.uart or MARK_JUMP_V2 in run.followup:
            # The bootloader handed over to the wrong image; that the image
            # then failed to print is no defence.
            run.outcome, run.why = "b", "the bootloader started v2 (which did not print)"
        elif MARK_V1_DONE in run.uart and not run.flash_changed:
            run.outcome = "a"
        elif MARK_V1 in run.uart:
            run.outcome, run.why = "e", ("v1 ran, flash changed" if run.flash_changed
                                         else "v1 started, did not finish")
        elif run.halted or "no valid image" in run.uart:
            run.outcome = "c"
        elif run.fault:
            run.outcome, run.why = "d", "fault"
        elif run.timeout:
            run.outcome, run.why = "d", "hang"
        elif started:
            run.outcome, run.why = "e", "the bootloader started v%s, which did not run" % started[-1]
        else:
            run.outcome, run.why = "e", "reset before any image ran"
        return run


# ---- Reports -----------------------------------------------------------------
def git_commit():
    try:
        head = subprocess.run(["git", "-C", ROOT, "rev-parse", "HEAD"], check=True,
                              stdout=subprocess.PIPE, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "src",
                                "port", "include"],
                               stdout=subprocess.PIPE, text=True).stdout.strip()
        return head + (" (with uncommitted changes in src/, port/ or include/)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"


def first_line(cmd):
    try:
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True).stdout.splitlines()[0].strip()
    except (OSError, IndexError):
        return "unknown"


def counts_table(rows, title):
    out = ["| %s | instructions | executed | tried | a | b | c | d | e |" % title,
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    total = {k: 0 for k in ("n", "x", "t") + tuple(OUTCOMES)}
    for name, r in rows:
        out.append("| `%s` | %d | %d | %d | %s |" % (name, r["n"], r["x"], r["t"],
                   " | ".join(str(r[k]) for k in OUTCOMES)))
        for k in total:
            total[k] += r[k]
    out.append("| **all** | %d | %d | %d | %s |" % (total["n"], total["x"], total["t"],
               " | ".join(("**%d**" % total[k]) if k == "b" else str(total[k])
                          for k in OUTCOMES)))
    return out


def summarise(insns, results, key):
    rows = {}
    for i in insns:
        name = getattr(i, key)
        r = rows.setdefault(name, {k: 0 for k in ("n", "x", "t") + tuple(OUTCOMES)})
        r["n"] += 1
        res = results.get(i.addr)
        if res is not None:
            r["x"] += 1
            r["t"] += 1
            r[res.outcome] += 1
    return rows


def write_results(path, h, insns, info, passes, meta):
    lines = ["# Glitch sweep results (single instruction skip)", "",
             "Written by `tests/glitch/glitch.py sweep` ([method](glitch.md)). Do not edit by "
             "hand: re-run and commit the new file.", "",
             "| | |", "|---|---|",
             "| date | %s |" % meta["date"],
             "| git commit | `%s` |" % meta["commit"],
             "| QEMU | %s |" % meta["qemu"],
             "| compiler | %s |" % meta["gcc"],
             "| bootloader | `%s` (%d bytes, sha256 `%s`) |" % (
                 os.path.relpath(h.elf, ROOT) if h.elf.startswith(ROOT) else h.elf,
                 meta["elf_size"], meta["elf_sha"]),
             "| boots run | %d in %.0f s |" % (h.runs, meta["seconds"]),
             "| re-run | `%s` |" % meta["command"], "",
             "**Scenario.** Genuine v1.0.0 in the primary slot; the v2.0.0 payload signed "
             "with an untrusted key (generated for the run) staged. Without a glitch the "
             "bootloader prints `%s` and boots v1 (checked before the sweep)." % MARK_REFUSED,
             ""]
    for mode, results in passes:
        rows = summarise(insns, results, "symbol")
        nb = sum(1 for r in results.values() if r.outcome == "b")
        lines += ["## Pass: skip %s" % ("the first execution" if mode == "first"
                                        else "every execution"), "",
                  "**Skips that ran the wrong-key image: %d** of %d instructions tried "
                  "(%d instructions in the listed functions; the others never execute "
                  "in this scenario)." % (nb, len(results), len(insns)), ""]
        lines += counts_table(sorted(rows.items(), key=lambda kv: kv[0]), "ELF function")
        lines += ["", "The same instructions by innermost source function (DWARF inline "
                  "information):", ""]
        rows = summarise(insns, results, "src")
        lines += counts_table(sorted(rows.items(), key=lambda kv: kv[0]), "source function")
        lines += [""]
        hits = [i for i in insns if i.addr in results and results[i.addr].outcome == "b"]
        if hits:
            lines += ["Skips that ran the wrong-key image:", "",
                      "| address | instruction | source line | inline chain | how |",
                      "|---|---|---|---|---|"]
            for i in hits:
                lines.append("| `0x%x` | `%s` | %s | %s | %s |" % (
                    i.addr, i.text.replace("|", "\\|"), i.line, i.chain,
                    results[i.addr].why))
            lines.append("")
        other = [i for i in insns if i.addr in results and results[i.addr].outcome == "e"]
        if other:
            lines += ["Outcome (e), for a closer look:", "",
                      "| address | instruction | source line | what |", "|---|---|---|---|"]
            for i in other:
                lines.append("| `0x%x` | `%s` | %s | %s |" % (
                    i.addr, i.text.replace("|", "\\|"), i.line, results[i.addr].why))
            lines.append("")
    lines += ["## The functions swept", "",
              "Listed in `FUNCTIONS` at the top of `tests/glitch/glitch.py`. A name without "
              "an ELF symbol was inlined: its instructions are swept inside the functions "
              "that hold them (second table above).", "",
              "| name | ELF symbols (address, bytes) |", "|---|---|"]
    syms = meta["syms"]
    for name in FUNCTIONS:
        if info[name]:
            desc = ", ".join("`%s` 0x%x, %d" % (s, syms[s][0], syms[s][1]) for s in info[name])
        else:
            holders = sorted({i.symbol for i in insns if name in i.chain.split(" < ")})
            desc = ("no symbol: inlined into " + ", ".join("`%s`" % s for s in holders)
                    if holders else "no symbol and no inlined code found")
        lines.append("| `%s` | %s |" % (name, desc))
    lines += ["", "Outcomes: " + "; ".join("(%s) %s" % (k, OUTCOME_TEXT[k]) for k in OUTCOMES)
              + ". Definitions in [glitch.md](glitch.md).", ""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


# ---- Commands ------------------------------------------------------------------
def prepare(args):
    if shutil.which("qemu-system-arm") is None:
        print("SKIP: qemu-system-arm not found (run scripts/setup.sh)")
        return None
    for t in ("arm-none-eabi-nm", "arm-none-eabi-objdump", "arm-none-eabi-addr2line"):
        if shutil.which(tool(t)) is None:
            print("SKIP: %s not found (run scripts/setup.sh: binutils-arm-none-eabi)" % t)
            return None
    skip_file = os.path.join(args.fw, "SKIP")
    if os.path.exists(skip_file):
        print(open(skip_file).read().strip())
        return None
    for f in ("layout.env", "ferry-boot.elf", "app-v2.bin", V1, V2):
        if not os.path.exists(os.path.join(args.fw, f)):
            print("SKIP: firmware not built (%s missing in %s; scripts/firmware-build.sh)"
                  % (f, args.fw))
            return None
    shutil.rmtree(args.work, ignore_errors=True)
    h = Harness(args.fw, args.ferry, args.work, timeout=args.timeout)
    insns, info, syms, faults = decision_path(h.elf)
    h.faults = faults
    if not faults:
        raise TestFailure("no fault handler symbol (%s) in %s" % (FAULT_SYMBOLS, h.elf))
    h.stage(h.wrong_key_image())
    return h, insns, info, syms


def check_baseline(h, insns):
    """No skip: the wrong-key image is refused and v1 runs. Returns the
    executed instructions of the path, in first-execution order."""
    run = h.classify(h.boot(coverage=[i.addr for i in insns]))
    if run.outcome != "a" or MARK_REFUSED not in run.uart:
        raise TestFailure("without a glitch the boot was (%s) %s, expected (a) and the "
                          "refusal %r; UART:\n%s" % (run.outcome, run.why, MARK_REFUSED,
                                                     run.uart))
    return run.order


def sweep(args):
    t0 = time.monotonic()
    prep = prepare(args)
    if prep is None:
        return 77
    h, insns, info, syms = prep
    order = check_baseline(h, insns)
    by_addr = {i.addr: i for i in insns}
    print("decision path: %d instructions in %d functions, %d executed in this scenario"
          % (len(insns), len({i.symbol for i in insns}), len(order)), flush=True)
    modes = ["first", "every"] if args.mode == "both" else [args.mode]
    passes = []
    for mode in modes:
        results = {}
        for n, addr in enumerate(sorted(order), 1):
            prev = passes[0][1].get(addr) if passes else None
            if mode == "every" and prev is not None and prev.hits == 1:
                results[addr] = prev  # executed once: 'every' is the same boot
                continue
            run = h.classify(h.boot(skip=by_addr[addr], mode=mode))
            if run.skips == 0:
                raise TestFailure("0x%x was executed in the baseline but not reached" % addr)
            results[addr] = run
            if run.outcome == "b" or n % 100 == 0:
                print("  %s %4d/%d 0x%x (%s) %s" % (mode, n, len(order), addr, run.outcome,
                                                    by_addr[addr].text), flush=True)
        passes.append((mode, results))
        nb = sum(1 for r in results.values() if r.outcome == "b")
        print("pass '%s': %d skips tried, %d ran the wrong-key image" % (mode, len(results), nb),
              flush=True)
    elf_bytes = open(h.elf, "rb").read()
    meta = {
        "date": datetime.date.today().isoformat(),
        "commit": git_commit(),
        "qemu": first_line(["qemu-system-arm", "--version"]),
        "gcc": first_line([tool("arm-none-eabi-gcc"), "--version"]),
        "elf_size": len(elf_bytes),
        "elf_sha": hashlib.sha256(elf_bytes).hexdigest()[:16],
        "seconds": time.monotonic() - t0,
        "command": args.rerun or " ".join(sys.argv),
        "syms": syms,
    }
    if args.results:
        write_results(args.results, h, insns, info, passes, meta)
        print("results written to %s" % args.results)
    return 0


def find_after_call(insns, symbol, callee):
    """The instruction after the first `bl <callee>` inside `symbol`."""
    body = [i for i in insns if i.symbol == symbol]
    for k, i in enumerate(body[:-1]):
        if i.text.startswith("bl") and ("<%s" % callee) in i.text:
            return body[k + 1]
    return None


def smoke(args):
    """The harness itself works: refusal without a skip, detection of a running
    v2, a skip that is applied and changes the outcome."""
    prep = prepare(args)
    if prep is None:
        return 77
    h, insns, info, syms = prep
    if not insns:
        raise TestFailure("none of the listed functions is in %s" % h.elf)
    order = check_baseline(h, insns)
    print("ok   no skip: the wrong-key v2 is refused, v1 boots (%d path instructions "
          "executed)" % len(order))

    # The (b) detector: the same machinery on a boot where v2 really runs.
    h.stage(h.board.image(V2))
    run = h.classify(h.boot())
    if run.outcome != "b":
        raise TestFailure("a trusted v2 ran but was classified (%s) %s; UART:\n%s"
                          % (run.outcome, run.why, run.uart))
    print("ok   a running v2 is detected as outcome (b) (trusted v2 staged, no skip)")
    h.stage(h.wrong_key_image())

    # A skip is applied and changes the boot: the first register push of
    # ferry_image_verify, whose return then pops a wrong frame.
    push = next((i for i in insns
                 if i.symbol.split(".")[0] in ("ferry_image_verify_proven", "ferry_image_verify")
                 and re.match(r"(push|stmdb sp!)", i.text)), None)
    if push is None:
        raise TestFailure("no push in ferry_image_verify(_proven): pick another instruction here")
    run = h.classify(h.boot(skip=push))
    if run.hits != 1 or run.skips != 1:
        raise TestFailure("skip at 0x%x: hit %d times, skipped %d" % (push.addr, run.hits,
                                                                       run.skips))
    if run.outcome == "a":
        raise TestFailure("skipping 0x%x (%s) changed nothing; UART:\n%s"
                          % (push.addr, push.text, run.uart))
    print("ok   skipping 0x%x (%s) is applied once and changes the boot: (%s) %s"
          % (push.addr, push.text, run.outcome, run.why))

    # Report only: the branch on the verdict in check_staged (today's code
    # has one; hardened code may have several, and then (b) is not expected).
    br = find_after_call(insns, next((s for s in info.get("judge_staged", [])), ""),
                         "ferry_image_verify_proven")
    if br is not None:
        seq = [i for i in insns if i.symbol == br.symbol and i.addr >= br.addr][:2]
        cond = next((i for i in seq if re.match(r"(b(ne|eq)|cbn?z)", i.text)), None)
        if cond is not None:
            run = h.classify(h.boot(skip=cond))
            print("info skipping the branch after check_staged's call of ferry_image_verify "
                  "(0x%x %s): (%s) %s %s" % (cond.addr, cond.text, run.outcome,
                                             OUTCOME_TEXT[run.outcome], run.why))
    print("PASS glitch.smoke (%d boots)" % h.runs)
    return 0


def one(args):
    prep = prepare(args)
    if prep is None:
        return 77
    h, insns, info, syms = prep
    target = next((i for i in insns if i.addr == int(args.addr, 0)), None)
    if target is None:
        raise TestFailure("0x%x is not an instruction of the listed functions" % int(args.addr, 0))
    run = h.classify(h.boot(skip=target, mode=args.mode, nth=args.nth))
    print("0x%x %s [%s] hits=%d skips=%d -> (%s) %s %s\n--- UART\n%s--- follow-up\n%s"
          % (target.addr, target.text, target.chain, run.hits, run.skips, run.outcome,
             OUTCOME_TEXT[run.outcome], run.why, run.uart, run.followup))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("command", choices=("sweep", "smoke", "one"))
    ap.add_argument("--fw", required=True, help="firmware build directory")
    ap.add_argument("--ferry", required=True, help="the host ferry tool")
    ap.add_argument("--work", required=True, help="scratch directory (recreated)")
    ap.add_argument("--mode", default="first", choices=("first", "every", "both"),
                    help="skip the first execution, every execution, or run both passes")
    ap.add_argument("--nth", type=int, default=1, help="one: skip the Nth execution")
    ap.add_argument("--addr", help="one: the instruction address")
    ap.add_argument("--timeout", type=float, default=2.0,
                    help="seconds of real time before a boot counts as a hang")
    ap.add_argument("--results", help="sweep: write the results (markdown) here")
    ap.add_argument("--command", dest="rerun", help="sweep: the re-run command to print in the results")
    args = ap.parse_args()
    args.fw, args.work = os.path.abspath(args.fw), os.path.abspath(args.work)
    # A SIGTERM unwinds like an error, so the running QEMU is killed too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        return {"sweep": sweep, "smoke": smoke, "one": one}[args.command](args)
    except TestFailure as e:
        print("FAIL %s: %s" % (args.command, e))
        return 1


if __name__ == "__main__":
    sys.exit(main())
