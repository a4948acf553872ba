#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The cycle model of bench/cycles.py (docs/cycle-model.md) on a small
synthetic QEMU log whose sums are worked out by hand below, and its
instruction classifier on the mnemonics capstone prints."""
import importlib.util
import io
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOOL = os.path.join(HERE, "..", "bench", "cycles.py")
spec = importlib.util.spec_from_file_location("cycles", TOOL)
cycles = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cycles)


def block(sym, insns):
    """An in_asm listing as QEMU 7.2 prints it (capstone disassembly)."""
    lines = ["----------------", "IN: " + sym]
    for addr, code, mn, ops in insns:
        lines.append("0x%08x:  %-10s %-8s %s" % (addr, code, mn, ops))
    return lines + [""]


def trace(ptr, pc, sym):
    return "Trace 0: 0x%x [00800400/%08x/00000110/ff020200] %s" % (ptr, pc, sym)


A = [(0x80, "2001", "movs", "r0, #1"), (0x82, "6008", "str", "r0, [r1]")]
B = [(0x100, "6808", "ldr", "r0, [r1]"),            # 2
     (0x102, "684a", "ldr", "r2, [r1, #4]"),        # 1: pipelined after the first
     (0x104, "fba0 2302", "umull", "r2, r3, r0, r2"),  # 5 (worst case)
     (0x108, "2a00", "cmp", "r2, #0"),              # 1
     (0x10a, "d1f9", "bne", "#0x100")]              # 1, + P when taken
C = [(0x10c, "6823", "ldr", "r3, [r4]"),            # 2
     (0x10e, "681d", "ldr", "r5, [r3]"),            # 2: its address is the loaded r3
     (0x110, "bd30", "pop", "{r4, r5, pc}")]        # 1 + 3, + P
D = [(0x200, "683e", "ldr", "r6, [r7]"),            # 2; then rewound before 0x202
     (0x202, "6811", "ldr", "r1, [r2]")]
E = [(0x202, "6811", "ldr", "r1, [r2]")]            # 1: pipelined across the blocks
F = [(0x204, "4770", "bx", "lr")]

LOG = "\n".join(
    block("a", A) + [trace(0x1000, 0x80, "a"),
                     "cmsdk_apb_timer_write CMSDK APB timer write: offset 0x0 data 0x1 size 4"]
    + block("b", B) + [trace(0x2000, 0x100, "b"), trace(0x2000, 0x100, "b"),
                       # cancelled: not executed
                       trace(0x2000, 0x100, "b"),
                       "Stopped execution of TB chain before 0x2000 [00000100] b",
                       "Taking exception 15 [Exception] on CPU 0",
                       trace(0x2000, 0x100, "b")]
    + block("c", C) + [trace(0x3000, 0x10c, "c")]
    + block("d", D) + [trace(0x4000, 0x200, "d"),
                       "cpu_io_recompile: rewound execution of TB to 00000202"]
    + block("d", E) + [trace(0x5000, 0x202, "d"),
                       "cmsdk_apb_timer_read CMSDK APB timer read: offset 0x4 data 0xfffffff0 size 4"]
    + block("f", F) + [trace(0x6000, 0x204, "f")]) + "\n"


class Window(unittest.TestCase):
    def test_timer_window(self):
        r = cycles.count_log(io.StringIO(LOG), "timer-start", "timer-read")
        # B three times (5 each), C (3), D up to the rewind (1), E (1).
        self.assertEqual(r["instructions"], 20)
        # B: 2 + 1 + 5 + 1 + 1 = 10 three times, refilled twice (taken, taken,
        # then falls through to C); C: 2 + 2 + 4 + refill 2; D: 2; E: 1.
        self.assertEqual(r["cycles"], 30 + 2 * 2 + 10 + 2 + 1)
        self.assertEqual(r["taken_branches"], 3)
        self.assertEqual(r["not_taken_branches"], 1)
        self.assertEqual(r["refill_cycles"], 6)
        cls = r["classes"]
        self.assertEqual(cls["load"], {"instructions": 10, "cycles": 16, "pipelined": 4,
                                       "stalled": 0})
        self.assertEqual(cls["mull"], {"instructions": 3, "cycles": 15, "pipelined": 0,
                                       "stalled": 0})
        self.assertEqual(cls["alu"]["cycles"], 3)
        self.assertEqual(cls["branch"]["cycles"], 3)
        self.assertEqual(cls["ldm"]["cycles"], 4)
        self.assertNotIn("store", cls)          # A's store is before the window
        self.assertEqual(r["exceptions_in_window"], 1)
        # bounds: UMULL 3..5, P 1..3
        self.assertEqual(r["cycles_low"], 47 - 3 * 2 - 3)
        self.assertEqual(r["cycles_high"], 47 + 3)

    def test_pc_window(self):
        r = cycles.count_log(io.StringIO(LOG), "pc:0x100", "pc:200")
        self.assertEqual(r["instructions"], 18)
        self.assertEqual(r["cycles"], 34 + 10)

    def test_nth_event(self):
        # From the second execution of the loop head: B twice, C.
        r = cycles.count_log(io.StringIO(LOG), "pc:100#2", "pc:0x200")
        self.assertEqual(r["instructions"], 13)
        self.assertEqual(r["cycles"], 20 + 2 + 10)

    def test_missing_window_fails(self):
        with self.assertRaises(SystemExit):
            cycles.count_log(io.StringIO(LOG), "timer-start", "timer-read#2")

    def test_failed_conditional_return(self):
        # "bxeq lr" that falls through costs 1, no refill.
        log = "\n".join(block("g", [(0x300, "bf08", "it", "eq"),
                                    (0x302, "4770", "bxeq", "lr")])
                        + [trace(0x7000, 0x300, "g")]
                        + block("h", [(0x304, "bd10", "pop", "{r4, pc}")])
                        + [trace(0x7100, 0x304, "h")]
                        + block("i", [(0x400, "bf00", "nop", "")])
                        + [trace(0x7200, 0x400, "i")]) + "\n"
        r = cycles.count_log(io.StringIO(log), "pc:0x300", "pc:0x400")
        self.assertEqual(r["instructions"], 3)
        # IT 1, BXEQ failed 1, POP {r4, pc} 1 + 2 + P
        self.assertEqual(r["cycles"], 1 + 1 + 3 + 2)
        self.assertEqual(r["not_taken_branches"], 1)

    def test_address_stall(self):
        # A load whose address the instruction right before computed waits a
        # cycle, also when the two are in different blocks.
        g = [(0x500, "3304", "adds", "r3, #4"),         # 1
             (0x502, "6818", "ldr", "r0, [r3]"),        # 2 + 1
             (0x504, "6841", "ldr", "r1, [r0, #4]"),    # 2: address is the loaded r0
             (0x506, "1c64", "adds", "r4, r4, #1"),     # 1
             (0x508, "6029", "str", "r1, [r5]"),        # 2: r4 is not its address
             (0x50a, "eb06 0607", "add.w", "r6, r6, r7"),  # 1
             (0x50e, "6832", "ldr", "r2, [r6]")]
        h = [(0x50e, "6832", "ldr", "r2, [r6]"),        # 2 + 1
             (0x510, "e076", "b", "#0x600")]            # 1 + P
        log = "\n".join(block("g", g) + [trace(0x8000, 0x500, "g"),
                                        "cpu_io_recompile: rewound execution of TB to 0000050e"]
                        + block("h", h) + [trace(0x8100, 0x50e, "h")]
                        + block("i", [(0x600, "bf00", "nop", "")])
                        + [trace(0x8200, 0x600, "i")]) + "\n"
        r = cycles.count_log(io.StringIO(log), "pc:0x500", "pc:0x600")
        self.assertEqual(r["instructions"], 8)
        self.assertEqual(r["cycles"], 10 + 3 + 3)
        self.assertEqual(r["classes"]["load"]["stalled"], 2)
        self.assertEqual(r["classes"]["store"]["stalled"], 0)

    def test_command_line(self):
        with tempfile.TemporaryDirectory() as d:
            log = os.path.join(d, "log")
            out = os.path.join(d, "r.json")
            with open(log, "w") as f:
                f.write(LOG)
            subprocess.run([sys.executable, TOOL, "--log", log, "--json", out], check=True,
                           stdout=subprocess.DEVNULL)
            with open(out) as f:
                r = json.load(f)
            self.assertEqual((r["instructions"], r["cycles"]), (20, 47))


class Classifier(unittest.TestCase):
    def test_mnemonics(self):
        split = cycles.split_mnemonic
        self.assertEqual(split("ldrbls.w"), ("ldrb", True))
        self.assertEqual(split("ldrhs.w"), ("ldr", True))      # LDR, condition HS
        self.assertEqual(split("ldrh.w"), ("ldrh", False))
        self.assertEqual(split("bls"), ("b", True))
        self.assertEqual(split("bl"), ("bl", False))
        self.assertEqual(split("lsls"), ("lsl", False))
        self.assertEqual(split("sbcs.w"), ("sbc", False))
        self.assertEqual(split("mlage"), ("mla", True))
        self.assertEqual(split("ittte"), ("it", False))
        self.assertEqual(split("vadd.f32"), (None, False))

    def insn(self, mn, ops):
        return cycles.Insn(0x100, 4, mn, ops)

    def test_costs(self):
        i = self.insn("pop.w", "{r4, r5, r6, r7, r8, sb, sl, fp, pc}")
        self.assertEqual((i.cls, i.cost, i.refill), ("ldm", 10, cycles.P))
        self.assertEqual(self.insn("push", "{r4-r7, lr}").cost, 6)
        self.assertEqual(self.insn("ldrd", "r2, r3, [r0, #8]").cost, 3)
        self.assertEqual(self.insn("umlal", "r0, r1, r2, r3").cost, 7)
        self.assertEqual(self.insn("udiv", "r0, r1, r2").cost, 12)
        self.assertEqual(self.insn("mls", "r0, r1, r2, r3").cost, 2)
        self.assertEqual(self.insn("muls", "r0, r1, r0").cost, 1)
        self.assertEqual(self.insn("cbz", "r0, #0x120").refill, "cond")
        self.assertEqual(self.insn("b.w", "#0x400").refill, cycles.P)
        self.assertEqual(self.insn("mov", "pc, lr").refill, cycles.P)
        self.assertEqual(self.insn("ldr", "pc, [sp], #4").refill, cycles.P)
        self.assertEqual(self.insn("movs", "r0, #1").refill, 0)
        lit = self.insn("ldr", "r0, [pc, #0x2c]")
        self.assertEqual((lit.leader, lit.follower), ("r0", {"pc"}))
        post = self.insn("ldr", "r3, [r1], #4")
        self.assertEqual((post.leader, post.follower), (None, None))
        st = self.insn("str.w", "r3, [sb, #-4]")
        self.assertEqual((st.cls, st.cost, st.leader, st.follower), ("store", 2, None, {"r9"}))
        self.assertEqual(self.insn("vmov", "s0, r0").cls, "other")
        self.assertEqual(self.insn("umlal", "r4, r5, r2, r3").alu_dest, {"r4", "r5"})
        self.assertEqual(self.insn("cmp", "r4, r5").alu_dest, None)
        self.assertEqual(self.insn("pop", "{r4, pc}").addr_regs, {"sp"})
        self.assertEqual(self.insn("ldm.w", "r0!, {r1, r2}").addr_regs, {"r0"})
        self.assertEqual(self.insn("ldrd", "r2, r3, [r0, #8]").addr_regs, {"r0"})


if __name__ == "__main__":
    unittest.main()
