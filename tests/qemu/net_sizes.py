#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Flash and RAM of net-smoke by origin, from a GNU ld map file.

  net_sizes.py FW_DIR/net-smoke-nolto.map [--objects]

The map of net-smoke-nolto (linked without LTO, so every input section
still names its object) is summed per group: lwIP (liblwip_fw.a), port/lwip
(transport_lwip.c, ferry_lwip_port.c), the LAN9118 driver, the rest of the
program, Ferry's core, http-parser, BearSSL, the board code, the C library.
Flash is .text + .rodata + .data's initial values (+ vectors, exidx); RAM is
.data + .bss. --objects also lists every object of the first three groups.
The stack (the linker script's 8 KiB) is not counted.
"""
import re
import sys

GROUPS = [
    ("lwIP (lwip_fw)", re.compile(r"liblwip_fw\.a")),
    ("port/lwip (ferry_lwip_fw)", re.compile(r"libferry_lwip_fw\.a")),
    ("LAN9118 driver + netif", re.compile(r"lan9118\.c\.obj")),
    ("net-smoke main + clock", re.compile(r"net_(smoke_main|clock)\.c\.obj")),
    ("Ferry core (HTTP client, SHA-256 glue)", re.compile(r"libferry_core_")),
    ("http-parser", re.compile(r"libhttp_parser_fw\.a")),
    ("BearSSL", re.compile(r"libbearssl_fw\.a")),
    ("board (startup, UART, timer)", re.compile(r"libmps2_board\.a")),
    ("C library, libgcc", re.compile(r"lib(c_nano|gcc|c)\.a")),
]
SECTION = re.compile(r"^ (\.(?:text|rodata|data|bss|vectors|ARM\.exidx)[^ ]*|COMMON)"
                     r"(?:\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(\S+))?$")
CONT = re.compile(r"^\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(\S+)$")


def kind(name):
    if name.startswith(".bss") or name == "COMMON":
        return "bss"
    if name.startswith(".data"):
        return "data"
    return "rom"


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    objects = "--objects" in sys.argv
    lines = open(sys.argv[1]).read().split("\n")
    start = next(i for i, l in enumerate(lines) if l.startswith("Linker script and memory map"))
    per_obj = {}
    pending = None
    for line in lines[start:]:
        if line.startswith("/DISCARD/"):
            break
        m = SECTION.match(line)
        if m:
            if m.group(2):
                size, obj = int(m.group(3), 16), m.group(4)
                per_obj.setdefault(obj, {"rom": 0, "data": 0, "bss": 0})[kind(m.group(1))] += size
                pending = None
            else:
                pending = m.group(1)
            continue
        if pending:
            m = CONT.match(line)
            if m:
                size, obj = int(m.group(2), 16), m.group(3)
                per_obj.setdefault(obj, {"rom": 0, "data": 0, "bss": 0})[kind(pending)] += size
            pending = None
    totals = {}
    detail = {}
    for obj, s in per_obj.items():
        group = next((g for g, rx in GROUPS if rx.search(obj)), "other")
        t = totals.setdefault(group, [0, 0])
        t[0] += s["rom"] + s["data"]
        t[1] += s["data"] + s["bss"]
        short = re.sub(r".*\((.*)\)$", r"\1", obj).split("/")[-1]
        detail.setdefault(group, []).append((short, s["rom"] + s["data"], s["data"] + s["bss"]))
    print("%-42s %8s %8s" % ("group", "flash", "RAM"))
    for g, _ in GROUPS + [("other", None)]:
        if g in totals:
            print("%-42s %8d %8d" % (g, totals[g][0], totals[g][1]))
            if objects and g in [x[0] for x in GROUPS[:3]]:
                for name, rom, ram in sorted(detail[g], key=lambda x: -x[1]):
                    print("    %-38s %8d %8d" % (name, rom, ram))
    print("%-42s %8d %8d" % ("total", sum(t[0] for t in totals.values()),
                             sum(t[1] for t in totals.values())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
