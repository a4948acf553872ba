#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Footprint and speed of the mps2-an385 bootloader (Cortex-M3), written to
# bench/footprint.md:
#   - flash size (arm-none-eabi-size) of every bootloader configuration:
#     console on/off x the four BearSSL P-256 implementations, and the
#     decrypting bootloaders (ferry-boot-enc-*);
#   - stack high-water mark of each: the bootloader paints its stack at reset,
#     the demo app (which never touches the bootloader's RAM) measures it,
#     after a plain boot and after an update boot (verify + swap + trial; for
#     a decrypting bootloader, of the encrypted app-v2-enc.img);
#   - instructions to verify a 256 KiB image on the target (hash, signature,
#     the whole ferry_image_verify), timed with the CMSDK timer under
#     QEMU -icount shift=0 (1 instruction = 1 ns, 40 per 25 MHz tick);
#   - instructions of a whole normal boot and update boot with 256 KiB
#     images, plain and encrypted (the bench-boot-* bootloaders), timed the
#     same way.
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
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
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
# The decrypting bootloaders; their update boot installs app-v2-enc.img.
for v in silent-prime15 silent-p256m31 uart-p256m31; do
  console=${v%%-*} c=${v#*-}
  elf="$fw/ferry-boot-enc-$v.elf"
  # shellcheck disable=SC2046 # three numbers
  set -- $(arm-none-eabi-size "$elf" | awk 'NR == 2 {print $1, $2, $3}')
  text=$1 data=$2 bss=$3
  flash_bytes=$((text + data))
  merge --primary-image "$fw/app-v1.img"
  plain=$(boot "$elf" | hwm)
  merge --staging-image "$fw/app-v2-enc.img"
  update=$(boot "$elf" | hwm)
  rm -f "$flash"
  if [ -z "$plain" ] || [ -z "$update" ]; then
    echo "footprint: $elf did not boot the demo app" >&2
    exit 1
  fi
  label=$([ "$console" = uart ] && echo "console, decrypting" || echo "no console, decrypting")
  target=$([ "$flash_bytes" -le 10240 ] && echo "yes" || echo "no (+$((flash_bytes - 10240)))")
  printf '| %s | %s | %d | %d.%d | %d | %d | %d | %s |\n' "$label" "$c" "$flash_bytes" \
    $((flash_bytes / 1024)) $(((flash_bytes % 1024) * 10 / 1024)) "$bss" "$plain" "$update" \
    "$target" >>"$sizes"
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

# ---- whole boots with 256 KiB images, plain and encrypted ----------------------
# v1 and v2 are the demo apps padded to a 256 KiB payload with seeded bytes;
# each is signed plain and encrypted for the build's class key. A primary
# holding an encrypted image holds its installed form (plaintext payload),
# as after an install. Each update boot starts from a fresh flash: the
# primary image, confirmed, and the staged one at D.
python3 - "$fw" "$work" <<'PY'
import os, random, sys
fw, work = sys.argv[1], sys.argv[2]
for major in (1, 2):
    data = open(os.path.join(fw, "app-v%d.bin" % major), "rb").read()
    data += random.Random(major).randbytes(256 * 1024 - len(data))
    with open(os.path.join(work, "boot-v%d.bin" % major), "wb") as f:
        f.write(data)
PY
for major in 1 2; do
  "$ferry" sign -k "$FERRY_KEY" --vendor "$FERRY_VENDOR" --device-class "$FERRY_DEVICE_CLASS" \
    --version "$major.0.0" --header-size "$BOARD_HEADER_SIZE" "$work/boot-v$major.bin" \
    "$work/boot-v$major-plain.img" >/dev/null
  "$ferry" sign -k "$FERRY_KEY" --vendor "$FERRY_VENDOR" --device-class "$FERRY_DEVICE_CLASS" \
    --version "$major.0.0" --header-size "$BOARD_HEADER_SIZE" --encrypt "$FERRY_CLASS_PUB" \
    "$work/boot-v$major.bin" "$work/boot-v$major-enc.img" >/dev/null
done
# The installed form, made by the QEMU tests' own helper (tests/qemu/qemu_test.py).
python3 - "$root/tests/qemu" "$work" <<'PY'
import os, sys
sys.path.insert(0, sys.argv[1])
import qemu_test as t
w = sys.argv[2]
stored = open(os.path.join(w, "boot-v1-enc.img"), "rb").read()
payload = open(os.path.join(w, "boot-v1.bin"), "rb").read()
with open(os.path.join(w, "boot-v1-installed.img"), "wb") as f:
    f.write(t.installed_form(stored, payload))
PY
boots="$work/boots.md"
form() { [ "$1" = enc ] && echo encrypted || echo plain; }
# boot_row CODE PREFIX LABEL PRIMARY STAGED: PRIMARY and STAGED are plain or enc.
boot_row() {
  elf="$fw/bench-boot-$2$1.elf"
  primary=$([ "$4" = enc ] && echo installed || echo plain)
  merge --primary-image "$work/boot-v1-$primary.img"
  boot "$elf" >"$work/boot.txt"
  normal=$(field normal_boot <"$work/boot.txt")
  merge --staging-image "$work/boot-v2-$5.img"
  boot "$elf" >"$work/boot.txt"
  update=$(field update_boot <"$work/boot.txt")
  stack=$(hwm <"$work/boot.txt")
  rm -f "$flash"
  if [ -z "$normal" ] || [ -z "$update" ] || [ -z "$stack" ]; then
    echo "footprint: bench-boot-$2$1 with $4 -> $5 failed:" >&2
    cat "$work/boot.txt" >&2
    exit 1
  fi
  printf '| %s | %s | %s → %s | %d | %d | %d | %d |\n' "$1" "$3" "$(form "$4")" "$(form "$5")" \
    "$normal" "$update" $((update / 25000)) "$stack" >>"$boots"
  last_normal=$normal last_update=$update
  [ "$stack" -le "$deepest" ] || deepest=$stack
}
deepest=0
enc_cost="" key_cost=""
for c in p256m31 prime15; do
  boot_row "$c" "" "plain" plain plain
  plain_normal=$last_normal plain_update=$last_update
  boot_row "$c" "enc-" "decrypting" plain plain
  key_cost="$key_cost${key_cost:+, }$c $((last_normal - plain_normal)) and $((last_update - plain_update))"
  base=$last_update
  boot_row "$c" "enc-" "decrypting" plain enc
  one=$last_update
  boot_row "$c" "enc-" "decrypting" enc enc
  # What one encrypted image moved by the swap adds, from each step.
  enc_cost="$enc_cost${enc_cost:+, }$c $((one - base)) and $((last_update - one))"
done

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
flash and 116 of RAM) and in which BearSSL P-256 code they link. The decrypting ones
(\`ferry-boot-enc-*\`, docs/encryption.md) also install encrypted images: the class key built
in, AES-128-CTR (BearSSL's constant-time \`aes_ct\`), the ECIES key unwrap (HKDF, AES key wrap,
ECDH with \`br_ec_prime_i15\` whatever the verifier's P-256 code), the decrypting and
re-encrypting swap.

## Flash and RAM

Flash is \`text + data\` of the ELF (what \`ferry merge\` pads to the 64 KiB fixed size). RAM
is \`bss\` (1 KiB of it is the copy buffer) plus the stack. The stack high-water mark is
measured on the target: the reset handler paints the 12 KiB stack, the demo application
(whose RAM is elsewhere) finds the deepest overwritten word. "plain" is a boot that verifies
the confirmed image and starts it; "update" verifies a staged image, swaps it in and starts it
on trial (for a decrypting bootloader: the encrypted app-v2-enc.img over the plain v1).

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

## Whole boots with 256 KiB images, plain and encrypted

Instructions from the start of the bootloader's body to the jump (\`bench-boot-*\`: the
bootloader with a report that prints only the count, \`boot_report_bench.c\`), counted like the
table above. v1 and v2 are the demo applications padded to a 256 KiB payload (1 KiB header):
"normal boot" verifies v1 in the primary (an encrypted v1 in its installed form: plaintext,
checked against its plaintext digest) and starts it; "update boot" verifies v1, verifies the
staged v2 (an encrypted one: signature over the header, then its ciphertext digest), swaps
them (258 KiB each way, in 4 KiB units; an encrypted v2 is decrypted on its way in, an encrypted v1
encrypted again on its way out, each after its own key unwrap), hashes the installed copy and
starts v2 on trial. The stack is the update boot's high-water mark.

| P-256 code | bootloader | primary → staged | normal boot | update boot | update boot, ms @ 25 MHz | stack, update |
|---|---|---|---:|---:|---:|---:|
EOF
  cat "$boots"
  cat <<EOF

The class key costs a plain image next to nothing. Instructions the decrypting bootloader
takes beyond the plain one's, normal boot and update boot:
$key_cost.

An encrypted image costs nothing on a normal boot (its installed form is checked like a plain
image). On an update boot each encrypted image the swap moves (in, decrypted, or out,
encrypted again) adds its key unwrap (one P-256 scalar multiplication) and AES-128-CTR over its
256 KiB payload. Instructions added by the first and by the second encrypted image:
$enc_cost.

The deepest stack in this table is $deepest of the $((BOARD_BOOT_STACK_SIZE)) bytes: the
unwrap's scalar multiplication sits on top of the install's frames.
EOF
} >"$out"
echo "footprint: wrote $out"
