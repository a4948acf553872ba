#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Flash and RAM of the OTA demo application by part, from its map file.

  ota_sizes.py FW_DIR/app-ota-v1-nolto.map [--objects]

app-ota-v1-nolto is app-ota-v1 linked without LTO, so every input section
still names its object (net_sizes.py reads maps the same way; its section
rules are reused). The parts are the ones the budget of docs/port-lwip.md
section 10 speaks of: the update agent (agent, manifest, staging API), Ferry's
HTTP client, http-parser, the rest of Ferry's core the application links
(image parsing and verification, flash checks, boot status), BearSSL, lwIP,
port/lwip, the LAN9118 driver, the application itself, the board code and
the C library. Flash is code + read-only data + .data's initial values; RAM
is .data + .bss, without the 8 KiB stack.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from net_sizes import CONT, SECTION, kind  # noqa: E402

CORE = r"libferry_core_\w+\.a\((?:%s)\.c\.obj\)"
PARTS = [
    ("agent (agent, manifest + jsmn, staging API)",
     re.compile(CORE % "agent|agent_download|manifest|stage|stage_record|stage_hash")),
    ("HTTP client (Ferry: request, response, URL)",
     re.compile(CORE % "http_client|http_response|http_url")),
    ("http-parser", re.compile(r"libhttp_parser_fw\.a")),
    ("rest of the core (image verify, flash, app status)", re.compile(r"libferry_core_")),
    ("BearSSL (SHA-256, P-256 verify)", re.compile(r"libbearssl_fw\.a")),
    ("lwIP (lwip_fw)", re.compile(r"liblwip_fw\.a")),
    ("port/lwip (transport, sys_now)", re.compile(r"libferry_lwip_fw\.a")),
    ("LAN9118 driver + netif", re.compile(r"lan9118\.c\.obj")),
    ("application (app_ota_main, ota_net, clock, faults)",
     re.compile(r"(app_ota_main|ota_net|ota_http_\w+|net_clock|app_fault)\.c\.obj")),
    ("board (startup, UART, timer, watchdog, flash)", re.compile(r"libmps2_board\.a")),
    ("identity (trusted keys)", re.compile(r"libfw_identity\.a")),
    ("C library, libgcc", re.compile(r"lib(c_nano|gcc|c)\.a")),
]


def sizes(path):
    lines = open(path).read().split("\n")
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
    return per_obj


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    objects = "--objects" in sys.argv
    per_obj = sizes(sys.argv[1])
    totals, detail = {}, {}
    for obj, s in per_obj.items():
        part = next((p for p, rx in PARTS if rx.search(obj)), "other")
        t = totals.setdefault(part, [0, 0])
        rom, ram = s["rom"] + s["data"], s["data"] + s["bss"]
        t[0] += rom
        t[1] += ram
        short = re.sub(r".*\((.*)\)$", r"\1", obj).split("/")[-1]
        detail.setdefault(part, []).append((short, rom, ram))
    print("%-52s %8s %8s" % ("part", "flash", "RAM"))
    for p, _ in PARTS + [("other", None)]:
        if p in totals:
            print("%-52s %8d %8d" % (p, totals[p][0], totals[p][1]))
            if objects:
                for name, rom, ram in sorted(detail[p], key=lambda x: -x[1]):
                    if rom or ram:
                        print("    %-48s %8d %8d" % (name, rom, ram))
    print("%-52s %8d %8d" % ("total", sum(t[0] for t in totals.values()),
                             sum(t[1] for t in totals.values())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
