#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Estimated Cortex-M3 cycles of one measured window of an mps2-an385 program.

QEMU's -icount counts instructions, not cycles. This tool runs one QEMU boot
with the translation-block log on (-d in_asm,exec,nochain plus the CMSDK timer
trace events), streams the log through a FIFO (no log file is kept), and walks
every executed instruction of the window, charging each with the Cortex-M3
timing model of docs/cycle-model.md (MODEL below). The instructions come from
QEMU's own in_asm listing (its capstone disassembly of each translation block,
printed once when the block is translated).

  cycles.py --elf ELF --flash FLASH.img --flash-size N [--start EV] [--end EV]
            [--json OUT] [--qemu qemu-system-arm]
  cycles.py --log LOG [--elf ELF] [--start EV] [--end EV] [--json OUT]

EV names a point in the run:
  timer-start[#N]  right after the N-th write of 1 to CMSDK timer 0's CTRL
                   (timer_start() of cmsdk_timer.c; default #1)
  timer-read[#N]   right after the N-th read of the timer's VALUE register
                   (timer_ticks()); the point a measurement of the program
                   itself takes its time at
  pc:WHERE[#N]     right before the N-th execution of the instruction at
                   WHERE (with --elf a symbol name, else a hex address); for
                   the end of the window, N counts from the window's start
Default window: timer-start to timer-read#1, which is what
port/mps2-an385/boot_report_bench.c times (boot_report_init() to the read in
boot_report_jump()).

Exit status: 0 done, 1 the window was not seen or the log not understood,
2 usage, 77 qemu-system-arm missing.
"""
import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

# ---- the timing model ----------------------------------------------------------
# Cortex-M3 Technical Reference Manual (ARM DDI 0337, section 3.3 "Instruction
# set summary": the instruction table and "Load/store timings"), zero wait
# states. Where the manual gives a range the model takes the value named here;
# LOW and HIGH give the ends of the ranges for the bounds in the report.
P = 2                 # pipeline refill after a taken branch: 1 to 3
MODEL = {
    # class: (cycles, low, high, what)
    "alu": (1, 1, 1, "data processing, moves, compares, shifts, extends, bit fields, NOP"),
    "it": (1, 0, 1, "IT (0 when folded onto the previous 16-bit instruction)"),
    "mul": (1, 1, 1, "MUL, MULS"),
    "mla": (2, 2, 2, "MLA, MLS"),
    "mull": (5, 3, 5, "UMULL, SMULL (3 to 5, early termination)"),
    "mlal": (7, 4, 7, "UMLAL, SMLAL (4 to 7, early termination)"),
    "div": (12, 2, 12, "UDIV, SDIV (2 to 12, early termination)"),
    "load": (2, 2, 2, "LDR, LDRB, LDRH, LDRSB, LDRSH, LDREX, literal loads"),
    "store": (2, 2, 2, "STR, STRB, STRH, STREX"),
    "ldm": (1, 1, 1, "LDM, POP, LDRD: 1 + N"),
    "stm": (1, 1, 1, "STM, PUSH, STRD: 1 + N"),
    "branch": (1, 1, 1, "B, BL, BX, BLX, CBZ, CBNZ, B<cc> (plus P if taken)"),
    "tbb": (2, 2, 2, "TBB, TBH: 2 + P"),
    "special": (2, 2, 2, "MRS, MSR"),
    "barrier": (1, 1, 1, "DMB, DSB (1 + B, B >= 0), ISB (1 + P), CPSID/CPSIE, WFI (1 + W), SEV"),
    "other": (1, 1, 1, "not in the table (reported by mnemonic)"),
}
CLASSES = list(MODEL)
CI = {c: i for i, c in enumerate(CLASSES)}
K = len(CLASSES)

CONDS = {"eq", "ne", "cs", "hs", "cc", "lo", "mi", "pl", "vs", "vc",
         "hi", "ls", "ge", "lt", "gt", "le", "al"}
REGS = {"sb": "r9", "sl": "r10", "fp": "r11", "ip": "r12", "r13": "sp", "r14": "lr",
        "r15": "pc"}
# base mnemonic -> (class, takes an "s" suffix)
BASES = {}
for _m in ("adc add addw adr and asr bfc bfi bic clz cmn cmp eor lsl lsr mov movt movw mvn "
           "neg orn orr rbit rev rev16 revsh ror rrx rsb sbc sbfx ssat sub subw sxtb sxth "
           "teq tst ubfx usat uxtb uxth nop yield").split():
    BASES[_m] = ("alu", True)
for _m, _c in (("mul", "mul"), ("mla", "mla"), ("mls", "mla"), ("umull", "mull"),
               ("smull", "mull"), ("umlal", "mlal"), ("smlal", "mlal"), ("udiv", "div"),
               ("sdiv", "div")):
    BASES[_m] = (_c, _m == "mul")
for _m in "ldr ldrb ldrh ldrsb ldrsh ldrex ldrexb ldrexh ldrt ldrbt ldrht".split():
    BASES[_m] = ("load", False)
for _m in "str strb strh strex strexb strexh strt strbt strht".split():
    BASES[_m] = ("store", False)
for _m in "ldm ldmia ldmfd ldmdb ldmea pop ldrd".split():
    BASES[_m] = ("ldm", False)
for _m in "stm stmia stmea stmdb stmfd push strd".split():
    BASES[_m] = ("stm", False)
for _m in "b bl blx bx cbz cbnz".split():
    BASES[_m] = ("branch", False)
for _m in "tbb tbh".split():
    BASES[_m] = ("tbb", False)
for _m in "mrs msr".split():
    BASES[_m] = ("special", False)
for _m in "dmb dsb isb cpsid cpsie wfi wfe sev".split():
    BASES[_m] = ("barrier", False)
REG_RE = re.compile(r"\b(r1[0-5]|r[0-9]|sb|sl|fp|ip|sp|lr|pc)\b")


def split_mnemonic(mn):
    """(base, conditional) of a capstone mnemonic such as "ldrbls.w"; base None
    when it is not in the table."""
    mn = mn.lower()
    for suffix in (".w", ".n"):
        if mn.endswith(suffix):
            mn = mn[:-2]
    if re.fullmatch(r"it[te]{0,3}", mn):
        return "it", False
    best = None
    for n in range(len(mn), 0, -1):
        base = mn[:n]
        if base not in BASES:
            continue
        rest = mn[n:]
        if BASES[base][1] and rest.startswith("s"):
            rest = rest[1:]
        if rest == "" or rest in CONDS:
            best = (base, rest not in ("", "al"))
            break
    return best if best else (None, False)


def regs(text):
    return {REGS.get(r, r) for r in REG_RE.findall(text)}


class Insn:
    """One instruction with its model cost.

    cost: cycles when it completes normally (a taken branch without P);
    refill: P when it always writes the PC, "cond" when it writes the PC only
    if its condition passes (a conditional branch), 0 otherwise;
    leader: destination of a single load that a next single load or store can
    pipeline with (TRM: one cycle off the next one), None otherwise;
    follower: the address registers of a single load or store that can be
    pipelined after such a load, None otherwise;
    addr_regs: the registers any load or store forms its address from;
    alu_dest: the registers a data-processing or multiply instruction writes
    (TRM: a load or store whose address needs them next stalls one cycle).
    """
    __slots__ = ("addr", "size", "text", "cls", "cost", "refill", "leader", "follower",
                 "addr_regs", "alu_dest")

    def __init__(self, addr, size, mnemonic, operands):
        self.addr, self.size = addr, size
        self.text = (mnemonic + " " + operands).strip()
        base, cond = split_mnemonic(mnemonic)
        ops = operands.lower()
        self.leader = self.follower = self.addr_regs = self.alu_dest = None
        self.refill = 0
        cls = BASES[base][0] if base in BASES else ("it" if base == "it" else "other")
        cost = MODEL[cls][0]
        first = ops.split(",", 1)[0].strip()
        writes_pc = False
        if cls in ("ldm", "stm"):
            inside = ops[ops.find("{") + 1:ops.find("}")] if "{" in ops else ""
            # LDRD and STRD move two registers: 1 + N = 3.
            cost = 3 if base in ("ldrd", "strd") else 1 + count_reglist(inside)
            writes_pc = cls == "ldm" and "pc" in regs(inside)
            if base in ("push", "pop"):
                self.addr_regs = {"sp"}
            elif base in ("ldrd", "strd"):
                self.addr_regs = regs(ops[ops.find("["):ops.find("]") + 1])
            else:
                self.addr_regs = regs(first)
        elif cls in ("load", "store"):
            bracket = ops[ops.find("["):ops.find("]") + 1] if "[" in ops else ""
            self.addr_regs = regs(bracket)
            # Pre-indexed "]!" or post-indexed "], #imm": the base is updated,
            # and the TRM does not pipeline a base-updating load or store.
            writeback = ops.rstrip().endswith("!") or not ops.rstrip().endswith("]")
            if cls == "load" and REGS.get(first, first) == "pc":
                writes_pc = True
            elif not writeback:
                self.follower = regs(bracket)
                if cls == "load":
                    self.leader = REGS.get(first, first)
        elif cls == "branch":
            writes_pc = True
        elif cls == "tbb":
            writes_pc = True
        elif cls == "alu" and REGS.get(first, first) == "pc" and base in ("mov", "add"):
            writes_pc = True
        elif base == "isb":
            self.refill = P
        if cls in ("alu", "mul", "mla", "div") and not writes_pc \
                and base not in ("cmp", "cmn", "tst", "teq", "nop", "yield"):
            self.alu_dest = regs(first)
        elif cls in ("mull", "mlal"):
            self.alu_dest = regs(",".join(ops.split(",")[:2]))
        if writes_pc:
            # A conditional PC write (B<cc>, CBZ/CBNZ, or an IT-controlled BX,
            # POP {pc}, LDR pc) costs one cycle when it fails.
            self.refill = "cond" if (cond or base in ("cbz", "cbnz")) else P
        self.cls, self.cost = cls, cost


def pair(a, b):
    """Cycles the TRM's load/store rules add to b when it follows a: -1 for a
    single load or store pipelined after a single load that does not feed its
    address, +1 for a load or store whose address register the instruction
    right before wrote (no forwarding path to address generation), else 0."""
    if a is None or b.addr_regs is None:
        return 0
    if a.leader is not None and b.follower is not None and a.leader not in b.follower:
        return -1
    if a.alu_dest and not a.alu_dest.isdisjoint(b.addr_regs):
        return 1
    return 0


def count_reglist(text):
    n = 0
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if "-" in part:
            a, b = (int(REGS.get(x.strip(), x.strip()).lstrip("r")) for x in part.split("-"))
            n += b - a + 1
        else:
            n += 1
    return n


class TB:
    """A translated block: its instructions and cached sums of a range of them."""
    __slots__ = ("serial", "insns", "index", "pc", "cache")

    def __init__(self, serial, insns):
        self.serial, self.insns = serial, insns
        self.index = {i.addr: n for n, i in enumerate(insns)}
        self.pc = insns[0].addr
        self.cache = {}

    def summary(self, lo, hi):
        """(counts, cycles, pipelined, stalled, first, last instruction) of
        instructions [lo, hi), with the pairs inside the range applied."""
        key = (lo, hi)
        s = self.cache.get(key)
        if s is None:
            counts, cycles, piped, stalled = [0] * K, [0] * K, [0] * K, [0] * K
            prev = None
            for ins in self.insns[lo:hi]:
                c = CI[ins.cls]
                counts[c] += 1
                d = pair(prev, ins)
                cycles[c] += ins.cost + d
                if d < 0:
                    piped[c] += 1
                elif d > 0:
                    stalled[c] += 1
                prev = ins
            s = (counts, cycles, piped, stalled, self.insns[lo] if hi > lo else None, prev)
            self.cache[key] = s
        return s


class Event:
    def __init__(self, spec, symbols):
        m = re.fullmatch(r"(timer-start|timer-read|pc:([^#]+))(?:#(\d+))?", spec)
        if not m:
            raise SystemExit("cycles: bad event '%s'" % spec)
        self.kind = "pc" if m.group(2) else m.group(1)
        self.nth = int(m.group(3) or 1)
        self.seen = 0
        self.addr = None
        if self.kind == "pc":
            where = m.group(2)
            if where in symbols:
                self.addr = symbols[where] & ~1
            elif re.fullmatch(r"(0x)?[0-9a-fA-F]+", where):
                self.addr = int(where, 16)
            else:
                raise SystemExit("cycles: symbol '%s' not found" % where)
        self.spec = spec


def read_symbols(elf):
    if not elf:
        return {}
    nm = shutil.which("arm-none-eabi-nm")
    if not nm:
        return {}
    out = subprocess.run([nm, elf], capture_output=True, text=True, check=True).stdout
    syms, plain = {}, collections.defaultdict(set)
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            syms.setdefault(parts[2], int(parts[0], 16))
            plain[parts[2].split(".", 1)[0]].add(int(parts[0], 16))
    # An LTO clone (boot_start.constprop.0, main.isra.0) is also found by its
    # plain name when that names one address.
    for name, addrs in plain.items():
        if name not in syms and len(addrs) == 1:
            syms[name] = addrs.pop()
    return syms


INSN_RE = re.compile(r"^0x([0-9a-f]+):\s+((?:[0-9a-f]{4} )+)\s*(\S+)\s*(.*?)\s*$")


class Counter:
    """Walks the log: binds each "IN:" listing to the host address of its
    block, confirms each "Trace" once the next line shows it was not cancelled
    ("Stopped execution of TB chain before") and how far it ran
    ("cpu_io_recompile: rewound execution of TB to"), and charges the window's
    part of it once the next executed block shows whether its last
    instruction branched."""

    def __init__(self, start, end):
        self.start, self.end = start, end
        self.started = self.ended = False
        self.tbs = {}
        self.retired = []        # blocks whose host address was reused
        self.serial = 0
        self.listing = None
        self.cur = None          # [tb, hi, mark_start, mark_end]: the last Trace
        self.pending = None      # [tb, wlo, whi, hi]: charged when its successor is known
        self.execs = collections.Counter()
        self.cross = [[0] * K, [0] * K]   # pipelined, stalled across two blocks
        self.last = None                   # the last instruction charged
        self.unknown = collections.Counter()
        self.exceptions = 0

    # -- log lines -------------------------------------------------------------
    def feed(self, f):
        for line in f:
            if self.ended and self.pending is None:
                return
            c = line[:1]
            if c == "T" and line.startswith("Trace "):
                self.trace(line)
            elif c == "0" and self.listing is not None:
                m = INSN_RE.match(line)
                if m:
                    size = 2 * len(m.group(2).split())
                    self.listing.append(Insn(int(m.group(1), 16), size, m.group(3), m.group(4)))
            elif c == "I" and line.startswith("IN:"):
                self.listing = []
            elif c == "c":
                if line.startswith("cmsdk_apb_timer_"):
                    self.timer(line)
                elif line.startswith("cpu_io_recompile: rewound execution of TB to "):
                    self.rewound(int(line.rsplit(None, 1)[1], 16))
            elif c == "S" and line.startswith("Stopped execution of TB chain before"):
                self.cur = None
            elif c == "T" and line.startswith("Taking exception") and self.started \
                    and not self.ended:
                self.exceptions += 1

    def trace(self, line):
        ptr = line.split(None, 3)[2]
        if self.listing:
            self.serial += 1
            tb = TB(self.serial, self.listing)
            old = self.tbs.get(ptr)
            if old is not None:
                self.retired.append(old)
            self.tbs[ptr] = tb
        else:
            tb = self.tbs.get(ptr)
            if tb is None:
                raise SystemExit("cycles: the log executes block %s before listing it "
                                 "(in_asm must be on from the start)" % ptr)
        self.listing = None
        if self.cur is not None:
            self.confirm(self.cur)
        self.cur = [tb, len(tb.insns), False, False]

    def rewound(self, pc):
        if self.cur is not None and pc in self.cur[0].index:
            self.cur[1] = self.cur[0].index[pc]

    def timer(self, line):
        if self.cur is None:
            return
        read = line.startswith("cmsdk_apb_timer_read") and "offset 0x4 " in line
        start = line.startswith("cmsdk_apb_timer_write") and "offset 0x0 data 0x1 " in line
        for ev, mark in ((self.start, 2), (self.end, 3)):
            if (ev.kind == "timer-read" and read) or (ev.kind == "timer-start" and start):
                ev.seen += 1
                if ev.seen == ev.nth:
                    self.cur[mark] = True

    def finish(self):
        if self.cur is not None:
            self.confirm(self.cur)
            self.cur = None
        if self.pending is not None:
            self.charge(self.pending, None)
            self.pending = None

    # -- the window ------------------------------------------------------------
    def pc_event(self, ev, tb, lo, hi):
        """Index in [lo, hi) where the pc event ev fires in this execution."""
        n = tb.index.get(ev.addr)
        if n is None or not lo <= n < hi:
            return None
        ev.seen += 1
        return n if ev.seen == ev.nth else None

    def confirm(self, rec):
        tb, hi, mark_start, mark_end = rec
        if self.pending is not None:
            self.charge(self.pending, tb.pc)
            self.pending = None
        if self.ended:
            return
        wlo = 0 if self.started else None
        if not self.started:
            if self.start.kind == "pc":
                n = self.pc_event(self.start, tb, 0, hi)
                if n is not None:
                    self.started, wlo = True, n
            elif mark_start:
                self.started, wlo = True, hi
        if wlo is None:
            return
        whi = hi
        if self.end.kind == "pc":
            n = self.pc_event(self.end, tb, wlo, hi)
            if n is not None:
                self.ended, whi = True, n
        elif mark_end:
            self.ended = True
        self.pending = [tb, wlo, whi, hi]

    def charge(self, rec, next_pc):
        tb, wlo, whi, hi = rec
        if whi <= wlo:
            self.last = None
            return
        s = tb.summary(wlo, whi)
        d = pair(self.last, s[4])
        if d:
            self.cross[0 if d < 0 else 1][CI[s[4].cls]] += 1
        self.last = s[5]
        last = tb.insns[whi - 1]
        taken = 0
        if last.refill and whi == hi == len(tb.insns):
            if last.refill == "cond":
                taken = 1 if next_pc is None or next_pc != last.addr + last.size else -1
            else:
                taken = 1
        self.execs[(tb.serial, wlo, whi, taken)] += 1

    # -- the sums --------------------------------------------------------------
    def result(self):
        by_serial = {tb.serial: tb for tb in self.tbs.values()}
        by_serial.update((tb.serial, tb) for tb in self.retired)
        piped, stalled = list(self.cross[0]), list(self.cross[1])
        counts = [0] * K
        cycles = [stalled[c] - piped[c] for c in range(K)]
        refills = taken_n = not_taken_n = 0
        for (serial, wlo, whi, taken), n in self.execs.items():
            tb = by_serial[serial]
            s = tb.summary(wlo, whi)
            for c in range(K):
                counts[c] += n * s[0][c]
                cycles[c] += n * s[1][c]
                piped[c] += n * s[2][c]
                stalled[c] += n * s[3][c]
            for ins in tb.insns[wlo:whi]:
                if ins.cls == "other":
                    self.unknown[ins.text.split()[0]] += n
            last = tb.insns[whi - 1]
            if taken == 1:
                refills += n
                taken_n += n
            elif taken == -1:
                # A failed conditional PC write: one cycle, whatever its class.
                cycles[CI[last.cls]] -= n * (last.cost - 1)
                not_taken_n += n
        ins_total = sum(counts)
        refill_cycles = refills * P
        total = sum(cycles) + refill_cycles
        low = high = total
        for c, (cyc, lo, hi, _) in MODEL.items():
            if c in ("ldm", "stm", "branch", "tbb"):
                continue
            low += counts[CI[c]] * (lo - cyc)
            high += counts[CI[c]] * (hi - cyc)
        low += refills * (1 - P)
        high += refills * (3 - P)
        return {
            "instructions": ins_total,
            "cycles": total,
            "cycles_low": low,
            "cycles_high": high,
            "cycles_per_instruction": round(total / ins_total, 3) if ins_total else 0,
            "classes": {c: {"instructions": counts[CI[c]], "cycles": cycles[CI[c]],
                            "pipelined": piped[CI[c]], "stalled": stalled[CI[c]]}
                        for c in CLASSES if counts[CI[c]]},
            "taken_branches": taken_n,
            "not_taken_branches": not_taken_n,
            "refill_cycles": refill_cycles,
            "exceptions_in_window": self.exceptions,
            "unknown_mnemonics": dict(self.unknown),
        }


def count_log(f, start="timer-start", end="timer-read", symbols=None):
    symbols = symbols or {}
    c = Counter(Event(start, symbols), Event(end, symbols))
    c.feed(f)
    c.finish()
    if not c.started or not c.ended:
        raise SystemExit("cycles: window %s .. %s not seen (%s)"
                         % (start, end, "no start" if not c.started else "no end"))
    return c.result()


def run_qemu(args, symbols):
    qemu = shutil.which(args.qemu)
    if not qemu:
        print("SKIP: %s not found" % args.qemu)
        sys.exit(77)
    tmp = tempfile.mkdtemp(prefix="ferry-cycles-")
    fifo = os.path.join(tmp, "log")
    uart = os.path.join(tmp, "uart")
    os.mkfifo(fifo)
    cmd = [qemu, "-M", "mps2-an385,memory-backend=pf", "-object",
           "memory-backend-file,id=pf,size=%d,mem-path=%s,share=on" % (args.flash_size, args.flash),
           "-kernel", args.elf, "-nographic", "-nic", "none", "-no-reboot",
           "-icount", "shift=0,align=off,sleep=off",
           "-d", "in_asm,exec,nochain,int,trace:cmsdk_apb_timer_read,trace:cmsdk_apb_timer_write",
           "-D", fifo]
    with open(uart, "wb") as out:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.DEVNULL)
    try:
        with open(fifo, "r", errors="replace", buffering=1 << 20) as f:
            try:
                res = count_log(f, args.start, args.end, symbols)
            finally:
                # Drain the rest so that QEMU runs to its end (the program
                # prints its own count after the window).
                while f.read(1 << 20):
                    pass
        proc.wait(timeout=args.timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise SystemExit("cycles: qemu did not finish in %d s" % args.timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    with open(uart, "rb") as f:
        text = f.read().decode(errors="replace").replace("\r", "")
    shutil.rmtree(tmp, ignore_errors=True)
    res["uart"] = [l for l in text.splitlines() if l.startswith("[bench]")]
    return res


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--elf")
    ap.add_argument("--flash")
    ap.add_argument("--flash-size", type=lambda s: int(s, 0), default=0x1000000)
    ap.add_argument("--log", help="read this QEMU log instead of running QEMU")
    ap.add_argument("--start", default="timer-start")
    ap.add_argument("--end", default="timer-read")
    ap.add_argument("--json", help="write the result here")
    ap.add_argument("--qemu", default="qemu-system-arm")
    ap.add_argument("--timeout", type=int, default=600)
    args = ap.parse_args(argv)
    symbols = read_symbols(args.elf)
    if args.log:
        with open(args.log, errors="replace") as f:
            res = count_log(f, args.start, args.end, symbols)
    elif args.elf and args.flash:
        res = run_qemu(args, symbols)
    else:
        ap.error("give --log, or --elf and --flash")
    res["window"] = [args.start, args.end]
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=1, sort_keys=True)
            f.write("\n")
    print("instructions %d  cycles %d (bounds %d..%d)  cycles/instruction %.3f"
          % (res["instructions"], res["cycles"], res["cycles_low"], res["cycles_high"],
             res["cycles_per_instruction"]))
    for c, v in res["classes"].items():
        print("  %-8s %12d instructions %12d cycles" % (c, v["instructions"], v["cycles"]))
    print("  %-8s %12s %25d cycles (%d taken, %d not taken)"
          % ("refill", "", res["refill_cycles"], res["taken_branches"],
             res["not_taken_branches"]))
    if res["exceptions_in_window"]:
        print("cycles: warning: %d exceptions taken in the window (their entry and return "
              "are not modelled)" % res["exceptions_in_window"], file=sys.stderr)
    if res["unknown_mnemonics"]:
        print("  not in the model (1 cycle each):", res["unknown_mnemonics"], file=sys.stderr)
    for l in res.get("uart", []):
        print("  " + l)
    return 0


if __name__ == "__main__":
    sys.exit(main())
