#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Estimated Cortex-M3 cycles of the mps2-an385 bootloader benchmarks
# (docs/cycle-model.md): for each bench-boot-* program a normal boot and an
# update boot (plain -> plain) with the 256 KiB images of bench/footprint.sh,
# and for the bench-verify-* programs the signature check alone (the
# ferry_p256_verify() call that bench_verify.c times), each run once under
# QEMU with the block log streamed into bench/cycles.py.
#
#   bench/cycles.sh FW_DIR [OUT.md] [--json FILE]
#
# Prints a markdown table (and writes it to OUT.md when given) and writes a
# JSON file (FILE; default OUT.json next to OUT.md, else FW_DIR/cycles.json):
#   {"programs": [{"name", "normal_boot_instructions", "normal_boot_cycles",
#                  "update_boot_instructions", "update_boot_cycles", ...}, ...],
#    "verify": [{"name", "p256_verify_instructions", "p256_verify_cycles", ...}]}
# Programs "bench-boot-CODE.hs" are the same bootloader with both images
# header-signed (ferry sign --header-signed: the one-pass update boot).
# A program missing from FW_DIR is skipped with a message. Exit status 77
# when qemu-system-arm is missing.
# Environment: BOOT_CODES (default "p256m31 prime15 own own-small own-asm"),
# HS_CODES (header-signed boots, default "p256m31 own own-small own-asm"),
# VERIFY_CODES (default "own own-asm p256m31").
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
fw="" out="" json=""
while [ $# -gt 0 ]; do
  case "$1" in
    --json) json=$2; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    -*) echo "cycles: unknown argument '$1'" >&2; exit 2 ;;
    *) if [ -z "$fw" ]; then fw=$1; elif [ -z "$out" ]; then out=$1; else
         echo "cycles: too many arguments" >&2; exit 2; fi; shift ;;
  esac
done
[ -n "$fw" ] || { sed -n '12p' "$0" >&2; exit 2; }
command -v qemu-system-arm >/dev/null 2>&1 || { echo "SKIP: qemu-system-arm not found"; exit 77; }
fw=$(cd "$fw" && pwd)
if [ -z "$json" ]; then
  if [ -n "$out" ]; then json=${out%.md}.json; else json=$fw/cycles.json; fi
fi
# shellcheck disable=SC1091
. "$fw/layout.env"
ferry=$(sed -n 's/^FERRY_TOOL:FILEPATH=//p' "$fw/CMakeCache.txt")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
flash="$work/flash.img"

merge() {
  "$ferry" merge --into "$flash" --flash-size "$BOARD_FLASH_SIZE" \
    --sector-size "$BOARD_SECTOR_SIZE" --flash-base "$BOARD_FLASH_BASE" \
    --vector-align "$BOARD_VECTOR_ALIGN" \
    --primary "$BOARD_PRIMARY_OFF:$BOARD_PRIMARY_SIZE" \
    --staging "$BOARD_STAGING_OFF:$BOARD_STAGING_SIZE" \
    --status "$BOARD_STATUS_OFF:$BOARD_STATUS_SIZE" "$@" >/dev/null
}
sign() {
  "$ferry" sign -k "$FERRY_KEY" --vendor "$FERRY_VENDOR" --device-class "$FERRY_DEVICE_CLASS" \
    --header-size "$BOARD_HEADER_SIZE" "$@" >/dev/null
}
# measure ELF NAME START END: one QEMU run, result in $work/NAME.json.
measure() {
  python3 "$root/bench/cycles.py" --elf "$1" --flash "$flash" \
    --flash-size "$((BOARD_FLASH_SIZE))" --start "$3" --end "$4" --json "$work/$2.json" \
    >"$work/$2.txt" || { cat "$work/$2.txt" >&2; echo "cycles: $2 failed" >&2; exit 1; }
}

# The images of bench/footprint.sh: v1 and v2 are the demo apps padded to a
# 256 KiB payload with seeded bytes; big.img is 256 KiB of seeded bytes.
python3 - "$fw" "$work" <<'PY'
import os, random, sys
fw, work = sys.argv[1], sys.argv[2]
for major in (1, 2):
    data = open(os.path.join(fw, "app-v%d.bin" % major), "rb").read()
    data += random.Random(major).randbytes(256 * 1024 - len(data))
    with open(os.path.join(work, "boot-v%d.bin" % major), "wb") as f:
        f.write(data)
with open(os.path.join(work, "big.bin"), "wb") as f:
    f.write(random.Random(7).randbytes(256 * 1024))
PY
for major in 1 2; do
  sign --version "$major.0.0" "$work/boot-v$major.bin" "$work/boot-v$major-plain.img"
  sign --version "$major.0.0" --header-signed "$work/boot-v$major.bin" "$work/boot-v$major-hs.img"
done
sign --version 9.0.0 "$work/big.bin" "$work/big.img"

boots="" verifies=""
# Each boot program as in footprint.sh: a fresh flash with v1, a normal boot,
# then v2 staged into that same flash and an update boot. The window is the
# one boot_report_bench.c times: timer_start() in boot_report_init() to the
# timer read in boot_report_jump().
runs=""
for c in ${BOOT_CODES:-p256m31 prime15 own own-small own-asm}; do runs="$runs $c:plain"; done
for c in ${HS_CODES:-p256m31 own own-small own-asm}; do runs="$runs $c:hs"; done
for run in $runs; do
  c=${run%%:*} form=${run#*:}
  elf="$fw/bench-boot-$c.elf"
  name=bench-boot-$c$([ "$form" = hs ] && echo .hs || true)
  if [ ! -f "$elf" ]; then
    echo "cycles: bench-boot-$c.elf not in $fw, skipped" >&2
    continue
  fi
  rm -f "$flash"
  merge --primary-image "$work/boot-v1-$form.img"
  measure "$elf" "$name.normal" timer-start timer-read
  merge --staging-image "$work/boot-v2-$form.img"
  measure "$elf" "$name.update" timer-start timer-read
  if ! grep -q '\[bench\] normal_boot ' "$work/$name.normal.txt" ||
     ! grep -q '\[bench\] update_boot ' "$work/$name.update.txt"; then
    cat "$work/$name.normal.txt" "$work/$name.update.txt" >&2
    echo "cycles: $name did not do a normal and an update boot" >&2
    exit 1
  fi
  boots="$boots $name"
done
# The verify programs: between the third and the fourth timer read of
# bench_verify.c, i.e. around its ferry_p256_verify() call.
rm -f "$flash"
merge --primary-image "$work/big.img"
for c in ${VERIFY_CODES:-own own-asm p256m31}; do
  name=bench-verify-$c
  elf="$fw/$name.elf"
  if [ ! -f "$elf" ]; then
    echo "cycles: $name.elf not in $fw, skipped" >&2
    continue
  fi
  measure "$elf" "$name.verify" timer-read#3 timer-read#4
  verifies="$verifies $name"
done

qemu_version=$(qemu-system-arm --version | head -n 1 | sed 's/QEMU emulator version //')
python3 - "$work" "$json" "$qemu_version" "$boots" "$verifies" >"$work/table.md" <<'PY'
import json, os, re, sys
work, out, qemu = sys.argv[1], sys.argv[2], sys.argv[3]
boots, verifies = sys.argv[4].split(), sys.argv[5].split()

def load(name):
    with open(os.path.join(work, name + ".json")) as f:
        return json.load(f)

def reported(res, field):
    """The program's own count (CMSDK timer, 40-instruction ticks)."""
    for line in res["uart"]:
        m = re.match(r"\[bench\] %s .*instructions=(\d+) ok$" % field, line)
        if m:
            return int(m.group(1))
    return None

rows, programs, verify = [], [], []
for name in boots:
    p = {"name": name}
    for kind in ("normal", "update"):
        r = load("%s.%s" % (name, kind))
        p["%s_boot_instructions" % kind] = r["instructions"]
        p["%s_boot_cycles" % kind] = r["cycles"]
        p["%s_boot_cycles_low" % kind] = r["cycles_low"]
        p["%s_boot_cycles_high" % kind] = r["cycles_high"]
        p["%s_boot_timer_instructions" % kind] = reported(r, kind + "_boot")
        p["%s_boot_classes" % kind] = r["classes"]
        p["%s_boot_refill_cycles" % kind] = r["refill_cycles"]
        rows.append((name, kind + " boot", r, reported(r, kind + "_boot")))
    programs.append(p)
for name in verifies:
    r = load(name + ".verify")
    verify.append({"name": name, "p256_verify_instructions": r["instructions"],
                   "p256_verify_cycles": r["cycles"], "p256_verify_cycles_low": r["cycles_low"],
                   "p256_verify_cycles_high": r["cycles_high"],
                   "p256_verify_timer_instructions": reported(r, "p256_verify"),
                   "p256_verify_classes": r["classes"],
                   "p256_verify_refill_cycles": r["refill_cycles"]})
    rows.append((name, "p256_verify", r, reported(r, "p256_verify")))
# The program's own count is whole 40-instruction ticks of the same window.
# From the timer's start to a read it is rounded down once: the walk's count
# is 0 to 40 above it (40: the read itself completes a tick). Between two reads (verify) both ends are rounded: the
# two differ by less than a tick either way.
bad = [(n, w, r["instructions"], t) for n, w, r, t in rows
       if t is None or not (-39 if w == "p256_verify" else 0) <= r["instructions"] - t <= 40
       or r["exceptions_in_window"]]
if bad:
    sys.exit("cycles: counts disagree with the programs' own, or an exception fell in the "
             "window (name, window, counted, timer): %r" % bad)
with open(out, "w") as f:
    json.dump({"generated_by": "bench/cycles.sh", "qemu": qemu, "model": "docs/cycle-model.md",
               "programs": programs, "verify": verify}, f, indent=1)
    f.write("\n")

print("| program | window | instructions | timer (instructions) | estimated cycles | "
      "bounds | cycles/instruction | ms @ 25 MHz |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
for name, what, r, t in rows:
    print("| %s | %s | %d | %s | %d | %d-%d | %.2f | %.0f |"
          % (name, what, r["instructions"], t if t is not None else "?", r["cycles"],
             r["cycles_low"], r["cycles_high"], r["cycles_per_instruction"],
             r["cycles"] / 25000))
print()
cols = [("alu", "ALU/move"), ("load", "load"), ("store", "store"), ("ldm", "LDM/POP/LDRD"),
        ("stm", "STM/PUSH/STRD"), ("mull", "UMULL/SMULL"), ("mlal", "UMLAL/SMLAL"),
        ("mul", "MUL/MLA/MLS"), ("branch", "branch"), ("refill", "refill"), ("rest", "rest")]
print("Share of the estimated cycles by class (%):")
print()
print("| program | window | " + " | ".join(c[1] for c in cols) + " |")
print("|---|---|" + "---:|" * len(cols))
for name, what, r, _ in rows:
    cyc = {c: v["cycles"] for c, v in r["classes"].items()}
    cyc["mul"] = cyc.get("mul", 0) + cyc.pop("mla", 0)
    cyc["refill"] = r["refill_cycles"]
    named = {c for c, _ in cols}
    cyc["rest"] = sum(v for c, v in cyc.items() if c not in named)
    print("| %s | %s | " % (name, what) +
          " | ".join("%.1f" % (100.0 * cyc.get(c, 0) / r["cycles"]) for c, _ in cols) + " |")
PY
cat "$work/table.md"
[ -z "$out" ] || cp "$work/table.md" "$out"
echo "cycles: wrote $json${out:+ and $out}" >&2
