#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Footprint and speed of the mps2-an385 bootloader (Cortex-M3), written to
# bench/footprint.md:
#   - flash size (arm-none-eabi-size) of every bootloader configuration:
#     console on/off x the four BearSSL P-256 implementations;
#   - stack high-water mark of each: the bootloader paints its stack at reset,
#     the demo app (which never touches the bootloader's RAM) measures it,
#     after a plain boot and after an update boot (verify + swap + trial);
#   - instructions to verify a 256 KiB image on the target (hash, signature,
#     the whole ferry_image_verify), timed with the CMSDK timer under
#     QEMU -icount shift=0 (1 instruction = 1 ns, 40 per 25 MHz tick).
#
#   bench/footprint.sh [--fw DIR] [--ferry PATH] [--out FILE]
#
# Without --fw it builds the firmware (scripts/firmware-build.sh) in
# build/firmware. Exit status 77 when qemu or the cross toolchain is missing.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
fw="" ferry="" out="$root/bench/footprint.md"
while [ $# -gt 0 ]; do
  case "$1" in
    --fw) fw=$2; shift 2 ;;
    --ferry) ferry=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "footprint: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
command -v qemu-system-arm >/dev/null 2>&1 || { echo "SKIP: qemu-system-arm not found"; exit 77; }
if [ -z "$fw" ]; then
  fw="$root/build/firmware"
  set -- --out "$fw"
  [ -z "$ferry" ] || set -- "$@" --ferry "$ferry"
  sh "$root/scripts/firmware-build.sh" "$@"
fi
fw=$(cd "$fw" && pwd)
# shellcheck disable=SC1091
. "$fw/layout.env"
if [ -z "$ferry" ]; then
  ferry=$(sed -n 's/^FERRY_TOOL:FILEPATH=//p' "$fw/CMakeCache.txt")
fi
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

# boot KERNEL: one QEMU run (until the guest resets), UART text on stdout.
boot() {
  timeout 120 qemu-system-arm -M mps2-an385,memory-backend=pf \
    -object "memory-backend-file,id=pf,size=$BOARD_FLASH_SIZE,mem-path=$flash,share=on" \
    -kernel "$1" -nographic -nic none -no-reboot -icount shift=0,align=off,sleep=off \
    </dev/null 2>/dev/null | tr -d '\r'
}

hwm() { sed -n 's/^\[app\] bootloader stack high-water mark: \([0-9]*\) of.*/\1/p' | tail -n 1; }
field() { sed -n "s/^\[bench\] $1 .*instructions=\([0-9]*\) ok$/\1/p"; }

variants="p256m31 p256m15 prime31 prime15"
describe() {
  case "$1" in
    p256m31) echo "br_ec_p256_m31 + br_ecdsa_i31_vrfy_raw (default)" ;;
    p256m15) echo "br_ec_p256_m15 + br_ecdsa_i15_vrfy_raw" ;;
    prime31) echo "br_ec_prime_i31 + br_ecdsa_i31_vrfy_raw (generic NIST-curve code)" ;;
    prime15) echo "br_ec_prime_i15 + br_ecdsa_i15_vrfy_raw (generic NIST-curve code)" ;;
  esac
}

# ---- sizes and stack ------------------------------------------------------
sizes="$work/sizes.md"
for console in silent uart; do
  for c in $variants; do
    elf="$fw/ferry-boot-$console-$c.elf"
    # shellcheck disable=SC2046 # three numbers
    set -- $(arm-none-eabi-size "$elf" | awk 'NR == 2 {print $1, $2, $3}')
    text=$1 data=$2 bss=$3
    flash_bytes=$((text + data))
    merge --primary-image "$fw/app-v1.img"
    plain=$(boot "$elf" | hwm)
    merge --staging-image "$fw/app-v2.img"
    update=$(boot "$elf" | hwm)
    rm -f "$flash"
    if [ -z "$plain" ] || [ -z "$update" ]; then
      echo "footprint: $elf did not boot the demo app" >&2
      exit 1
    fi
    label=$([ "$console" = uart ] && echo "console" || echo "no console")
    target=$([ "$flash_bytes" -le 10240 ] && echo "yes" || echo "no (+$((flash_bytes - 10240)))")
    printf '| %s | %s | %d | %d.%d | %d | %d | %d | %s |\n' "$label" "$c" "$flash_bytes" \
      $((flash_bytes / 1024)) $(((flash_bytes % 1024) * 10 / 1024)) "$bss" "$plain" "$update" \
      "$target" >>"$sizes"
  done
done

# ---- verification speed on a 256 KiB image -----------------------------------
python3 -c "import random, sys; sys.stdout.buffer.write(random.Random(7).randbytes(256 * 1024))" \
  >"$work/big.bin"
"$ferry" sign -k "$FERRY_KEY" --vendor "$FERRY_VENDOR" --device-class "$FERRY_DEVICE_CLASS" \
  --version 9.0.0 --header-size "$BOARD_HEADER_SIZE" "$work/big.bin" "$work/big.img" >/dev/null
merge --primary-image "$work/big.img"
speed="$work/speed.md"
for c in $variants; do
  boot "$fw/bench-verify-$c.elf" >"$work/bench.txt"
  sha=$(field sha256 <"$work/bench.txt")
  sig=$(field p256_verify <"$work/bench.txt")
  all=$(field image_verify <"$work/bench.txt")
  if [ -z "$sha" ] || [ -z "$sig" ] || [ -z "$all" ]; then
    echo "footprint: bench-verify-$c failed:" >&2
    cat "$work/bench.txt" >&2
    exit 1
  fi
  printf '| %s | %d | %d | %d | %d |\n' "$c" "$sha" "$sig" "$all" $((all / 25000)) >>"$speed"
done
protected=$(sed -n 's/^\[bench\] sha256 bytes=\([0-9]*\) .*/\1/p' "$work/bench.txt")

# ---- where the bytes go, smallest configuration -------------------------------
# From the map file of the same configuration linked without LTO (LTO inlines
# across files and hides where code comes from).
smallest="$fw/ferry-boot-silent-prime15.elf"
breakdown="$work/breakdown.md"
python3 - "$fw/ferry-boot-silent-prime15-nolto.map" >"$breakdown" <<'PY'
import collections, re, sys
text = open(sys.argv[1]).read()
text = text[text.index("Linker script and memory map"):]
parts = collections.Counter()
files = collections.Counter()
pattern = r"^ \.(?:vectors|text|rodata)\S*\s*\n?\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S+)"
for m in re.finditer(pattern, text, re.M):
    size, obj = int(m.group(1), 16), m.group(2).rsplit("/", 1)[-1]
    if obj.startswith("libbearssl_fw.a"):
        part = "BearSSL: SHA-256, P-256 verification, big integers, curve tables"
    elif obj.startswith("libferry_core"):
        part = "Ferry core: boot decision, swap, status area, image parser, flash checks"
    elif obj.startswith(("libc_nano.a", "libgcc.a")):
        part = "C library: memcpy, memmove, memset, memcmp"
    elif obj.startswith("libfw_identity.a"):
        part = "trusted public key"
    else:
        part = "port: startup, jump, watchdog, flash driver, main"
    parts[part] += size
    files[obj] += size
for part, size in parts.most_common():
    print("| %s | %d |" % (part, size))
print("| total (without LTO; LTO makes it smaller) | %d |" % sum(parts.values()))
print()
print("Largest inputs:", ", ".join("%s %d" % (re.sub(r".*\((.*)\.c\.obj\)", r"\1", o), s)
                                   for o, s in files.most_common(8)) + ".")
PY

other_curves=$(arm-none-eabi-nm -S -t d "$smallest" |
  awk '$4 ~ /^(P384_|P521_|br_secp384r1|br_secp521r1)/ {s += $2} END {print s + 0}')
gcc_version=$(arm-none-eabi-gcc -dumpversion)
qemu_version=$(qemu-system-arm --version | head -n 1 | sed 's/QEMU emulator version //')
bearssl_version=$(cat "$fw/bearssl-src/bearssl.version" 2>/dev/null || echo "?")
{
  cat <<EOF
# Bootloader footprint and verification speed (mps2-an385, Cortex-M3)

Generated by \`bench/footprint.sh\` (do not edit by hand). Toolchain: arm-none-eabi-gcc
$gcc_version, \`-Os -flto -ffunction-sections -fdata-sections\`, \`--gc-sections\`, newlib-nano;
BearSSL $bearssl_version (Debian source package); QEMU $qemu_version.

Every bootloader here does the same job: P-256 signature verification, swap install with the
previous image kept, trial boot with the CMSDK watchdog, revert, power-cut recovery (the
status area), layout checks on every boot. They differ only in the console (one UART line per
boot event, and the boot record handed to the application: docs/boot-record.md, 536 bytes of
flash and 116 of RAM) and in which BearSSL P-256 code they link.

## Flash and RAM

Flash is \`text + data\` of the ELF (what \`ferry merge\` pads to the 32 KiB fixed size). RAM
is \`bss\` (1 KiB of it is the copy buffer) plus the stack. The stack high-water mark is
measured on the target: the reset handler paints the 8 KiB stack, the demo application
(whose RAM is elsewhere) finds the deepest overwritten word. "plain" is a boot that verifies
the confirmed image and starts it; "update" verifies a staged image, swaps it in and starts it
on trial.

| console | P-256 code | flash bytes | KiB | bss | stack, plain | stack, update | <= 10 KiB |
|---|---|---:|---:|---:|---:|---:|---|
EOF
  cat "$sizes"
  cat <<EOF

P-256 code:

$(for c in $variants; do printf -- '- %s: %s\n' "$c" "$(describe "$c")"; done)

**Target: 10 KiB or less for P-256 with swap, revert and watchdog, no console. Not met.** The
smallest configuration (no console, generic 15-bit curve code) is
$(arm-none-eabi-size "$smallest" | awk 'NR == 2 {print $1 + $2}') bytes. Its symbols, grouped:

| part | bytes |
|---|---:|
EOF
  cat "$breakdown"
  cat <<EOF

BearSSL (curve arithmetic, the ECDSA wrapper, big integers, SHA-256) and Ferry's core take
about half each. The generic curve code chooses the curve at run time, so the parameters of
P-384 and P-521 stay linked ($other_curves bytes; with the P-256-specific code, LTO proves
them unused and drops them). The 15-bit P-256-specific code (p256m15) is both larger and
slower than the 31-bit one on this core, which is why p256m31 is the default.

Reaching 10 KiB would need both a dedicated compact P-256 verifier (Ferry takes its crypto
only from Debian's BearSSL) and a smaller core; the core's share is the boot state machine,
the swap engine, the two-bank status area with its checked headers, the bounds-checked image
parser and the per-call flash checks, none of which this port may leave out.

## Verifying a 256 KiB image

A $protected-byte protected region (1 KiB header + 256 KiB payload) in the flash (PSRAM),
hashed through a 1 KiB buffer. Instructions, counted with QEMU's \`-icount shift=0\` (one
instruction per virtual nanosecond) and the CMSDK timer (25 MHz, so the resolution is 40
instructions). QEMU counts instructions, not cycles: on a real Cortex-M3 loads, multiplies
and taken branches take 2-5 cycles, so expect more cycles than instructions. "ms @ 25 MHz"
assumes one instruction per cycle (a lower bound).

| P-256 code | SHA-256 (instructions) | signature (instructions) | ferry_image_verify | ms @ 25 MHz |
|---|---:|---:|---:|---:|
EOF
  cat "$speed"
  cat <<EOF

The hash costs about $(( $(sed -n '1s/^| [a-z0-9]* | \([0-9]*\) .*/\1/p' "$speed") / protected )) instructions per byte. An update boot verifies
two images (the running one, then the staged one; every decision rests on bytes verified in
that boot) and hashes the installed copy while it writes it; a plain boot verifies the primary
image once.
EOF
} >"$out"
echo "footprint: wrote $out"
