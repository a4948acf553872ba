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
#     images, plain (signed over all protected bytes, and header-signed:
#     `ferry sign --header-signed`) and encrypted (the bench-boot-*
#     bootloaders), timed the same way;
#   - estimated Cortex-M3 cycles of the whole boots (bench/cycles.sh, the
#     timing model of docs/cycle-model.md);
#   - bench/footprint.json (next to FILE): one record per bootloader
#     configuration with name, flash_bytes, bss_bytes, stack_bytes,
#     normal_boot_instructions and update_boot_instructions (and the
#     header-signed and cycle figures next to them).
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

variants="own-asm own own-small p256m31 p256m15 prime31 prime15"
describe() {
  case "$1" in
    own-asm) echo "Ferry's own verify-only P-256, Thumb-2 assembly field multiply (p256_fe_mul_armv7m.S), const table of G" ;;
    own) echo "Ferry's own verify-only P-256, written-out field multiply, const table of G (docs/p256.md)" ;;
    own-small) echo "Ferry's own verify-only P-256, looped field multiply, table of G built in RAM" ;;
    p256m31) echo "br_ec_p256_m31 + br_ecdsa_i31_vrfy_raw (default)" ;;
    p256m15) echo "br_ec_p256_m15 + br_ecdsa_i15_vrfy_raw" ;;
    prime31) echo "br_ec_prime_i31 + br_ecdsa_i31_vrfy_raw (generic NIST-curve code)" ;;
    prime15) echo "br_ec_prime_i15 + br_ecdsa_i15_vrfy_raw (generic NIST-curve code)" ;;
  esac
}

# ---- sizes and stack ------------------------------------------------------
sizes="$work/sizes.md"
records="$work/records.txt" # one line per measurement, for footprint.json
: >"$records"
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
    target=$([ "$flash_bytes" -le 9216 ] && echo "yes" || echo "no (+$((flash_bytes - 9216)))")
    printf '| %s | %s | %d | %d.%d | %d | %d | %d | %s |\n' "$label" "$c" "$flash_bytes" \
      $((flash_bytes / 1024)) $(((flash_bytes % 1024) * 10 / 1024)) "$bss" "$plain" "$update" \
      "$target" >>"$sizes"
    printf 'size ferry-boot-%s-%s %s %s no %d %d %d %d\n' "$console" "$c" "$console" "$c" \
      "$flash_bytes" "$bss" "$plain" "$update" >>"$records"
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
  target=$([ "$flash_bytes" -le 9216 ] && echo "yes" || echo "no (+$((flash_bytes - 9216)))")
  printf '| %s | %s | %d | %d.%d | %d | %d | %d | %s |\n' "$label" "$c" "$flash_bytes" \
    $((flash_bytes / 1024)) $(((flash_bytes % 1024) * 10 / 1024)) "$bss" "$plain" "$update" \
    "$target" >>"$sizes"
  printf 'size ferry-boot-enc-%s %s %s yes %d %d %d %d\n' "$v" "$console" "$c" \
    "$flash_bytes" "$bss" "$plain" "$update" >>"$records"
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
    --version "$major.0.0" --header-size "$BOARD_HEADER_SIZE" --header-signed \
    "$work/boot-v$major.bin" "$work/boot-v$major-hs.img" >/dev/null
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
form() {
  case "$1" in
    enc) echo encrypted ;;
    hs) echo header-signed ;;
    *) echo plain ;;
  esac
}
# boot_row CODE PREFIX LABEL PRIMARY STAGED: PRIMARY and STAGED are plain,
# hs (header-signed) or enc.
boot_row() {
  elf="$fw/bench-boot-$2$1.elf"
  primary=$([ "$4" = enc ] && echo installed || echo "$4")
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
  printf 'boot bench-boot-%s%s %s %s %s %s %d %d %d\n' "$2" "$1" "$1" "${2:-plain-}" "$4" "$5" \
    "$normal" "$update" "$stack" >>"$records"
  last_normal=$normal last_update=$update
  [ "$stack" -le "$deepest" ] || deepest=$stack
}
deepest=0
enc_cost="" key_cost=""
for c in $variants; do
  boot_row "$c" "" "plain" plain plain
  boot_row "$c" "" "plain" hs hs
done
for c in p256m31 prime15; do
  boot_row "$c" "enc-" "decrypting" plain plain
  plain_normal=$(awk -v n="bench-boot-$c" '$1 == "boot" && $2 == n && $5 == "plain" {print $7}' "$records")
  plain_update=$(awk -v n="bench-boot-$c" '$1 == "boot" && $2 == n && $5 == "plain" {print $8}' "$records")
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
smallest="$fw/ferry-boot-silent-own-small.elf"
breakdown="$work/breakdown.md"
corefiles="$work/corefiles.md"
python3 - "$fw/ferry-boot-silent-own-small-nolto.map" "$corefiles" >"$breakdown" <<'PY'
import collections, re, sys
text = open(sys.argv[1]).read()
text = text[text.index("Linker script and memory map"):]
parts = collections.Counter()
files = collections.Counter()
core = collections.Counter()
pattern = r"^ \.(?:vectors|text|rodata)\S*\s*\n?\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S+)"
for m in re.finditer(pattern, text, re.M):
    size, obj = int(m.group(1), 16), m.group(2).rsplit("/", 1)[-1]
    src = re.sub(r".*\((.*)\.c\.obj\)", r"\1", obj)
    if obj.startswith("libbearssl_fw.a"):
        part = "BearSSL: SHA-256"
    elif obj.startswith("libferry_core") and src.startswith("p256_"):
        part = "Ferry's own P-256 verification (src/crypto/p256/)"
    elif obj.startswith("libferry_core"):
        part = "Ferry core: boot decision, swap, status area, image parser, flash checks"
        core[src] += size
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
with open(sys.argv[2], "w") as f:
    for src, size in core.most_common():
        f.write("| %s | %d |\n" % (src, size))
    f.write("| **core total** | **%d** |\n" % sum(core.values()))
PY

small_bytes=$(arm-none-eabi-size "$smallest" | awk 'NR == 2 {print $1 + $2}')
other_curves=$(arm-none-eabi-nm -S -t d "$fw/ferry-boot-silent-prime15.elf" |
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
flash and 116 of RAM) and in which P-256 code they link (BearSSL's, or Ferry's own:
docs/p256.md). The decrypting ones
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

| console | P-256 code | flash bytes | KiB | bss | stack, plain | stack, update | <= 9 KiB |
|---|---|---:|---:|---:|---:|---:|---|
EOF
  cat "$sizes"
  cat <<EOF

P-256 code:

$(for c in $variants; do printf -- '- %s: %s\n' "$c" "$(describe "$c")"; done)

**Target: 9,216 bytes (9 KiB) or less for P-256 with swap, revert, watchdog and the
anti-rollback counter, no console.** The smallest configuration (no console, Ferry's own
P-256 with the looped multiply) is $small_bytes bytes: $(if [ "$small_bytes" -le 9216 ]; then echo "met"; else echo "missed by $((small_bytes - 9216)) bytes"; fi). Its symbols, grouped
(linked without LTO, which makes the total larger than the LTO build's):

| part | bytes |
|---|---:|
EOF
  cat "$breakdown"
  cat <<EOF

**Target: boot logic 4 KB or less.** Ferry's core (everything but the P-256 code, SHA-256,
the port and the C library) by source file, same map:

| source | bytes |
|---|---:|
EOF
  cat "$corefiles"
  cat <<EOF

The core is the boot state machine with its power-cut resume rules, the swap engine, the
two-bank status area with its checked headers, the counter store, the bounds-checked image
parser with the one-read verification, and the per-call flash checks: $(awk -F'|' '/core total/ {gsub(/[* ]/, "", $3); print $3}' "$corefiles") bytes against the
4,096 of the target. The BearSSL generic curve code (prime15, prime31) chooses the curve at
run time, so the parameters of P-384 and P-521 stay linked ($other_curves bytes in
ferry-boot-silent-prime15); with a P-256-specific code LTO drops them.

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

The hash costs about $(( $(sed -n '1s/^| [a-z0-9-]* | \([0-9]*\) .*/\1/p' "$speed") / protected )) instructions per byte. An update boot of images
signed over all their bytes verifies two images (the running one, then the staged one; every
decision rests on bytes verified in that boot) and hashes the installed copy while it writes
it; one of header-signed images (\`ferry sign --header-signed\`, docs/image-format.md section
14) verifies both headers and hashes the staged payload once, as it lands (docs/design.md,
"One-pass install"); a plain boot verifies the primary image once.

## Whole boots with 256 KiB images, plain and encrypted

Instructions from the start of the bootloader's body to the jump (\`bench-boot-*\`: the
bootloader with a report that prints only the count, \`boot_report_bench.c\`), counted like the
table above, for every P-256 code. v1 and v2 are the demo applications padded to a 256 KiB
payload (1 KiB header), signed over all their bytes ("plain") or header-signed:
"normal boot" verifies v1 in the primary (an encrypted v1 in its installed form: plaintext,
checked against its plaintext digest) and starts it; "update boot" verifies v1, verifies the
staged v2 (an encrypted one: signature over the header, then its ciphertext digest), swaps
them (258 KiB each way, in 4 KiB units; an encrypted v2 is decrypted on its way in, an encrypted v1
encrypted again on its way out, each after its own key unwrap), hashes the installed copy and
starts v2 on trial (header-signed: the staged image judged on its header, its payload checked
as it lands, the primary's payload not read). The stack is the update boot's high-water mark.
Estimated Cortex-M3 cycles of the same boots: [cycles.md](cycles.md) (bench/cycles.sh,
docs/cycle-model.md).

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

# ---- cycles (docs/cycle-model.md) and footprint.json ---------------------------
json="$(dirname "$out")/footprint.json"
cycles_md="$(dirname "$out")/cycles.md"
sh "$root/bench/cycles.sh" "$fw" "$cycles_md" --json "$work/cycles.json" >/dev/null
echo "footprint: wrote $cycles_md"
python3 - "$records" "$json" "$gcc_version" "$qemu_version" "$bearssl_version" \
  "$work/cycles.json" <<'PY'
import json, sys
records, out, gcc, qemu, bearssl, cycles_json = sys.argv[1:7]
cycles = {p["name"]: p for p in json.load(open(cycles_json))["programs"]}
sizes, boots = [], {}
for line in open(records):
    f = line.split()
    if f[0] == "size":
        sizes.append(f[1:])
    else:
        name, code, prefix, primary, staged = f[1:6]
        boots[(name, primary, staged)] = tuple(int(x) for x in f[6:9])
configs = []
for name, console, code, dec, flash, bss, stack_plain, stack_update in sizes:
    bench = "bench-boot-%s%s" % ("enc-" if dec == "yes" else "", code)
    plain = boots.get((bench, "plain", "plain"))
    c = {
        "name": name,
        "console": console == "uart",
        "p256": code,
        "decrypting": dec == "yes",
        "flash_bytes": int(flash),
        "bss_bytes": int(bss),
        "stack_bytes": max(int(stack_plain), int(stack_update)),
        "stack_plain_boot_bytes": int(stack_plain),
        "stack_update_boot_bytes": int(stack_update),
        "normal_boot_instructions": plain[0] if plain else None,
        "update_boot_instructions": plain[1] if plain else None,
        "boot_instructions_measured_with": bench if plain else None,
    }
    cy = cycles.get(bench)
    c["normal_boot_cycles"] = cy["normal_boot_cycles"] if cy else None
    c["update_boot_cycles"] = cy["update_boot_cycles"] if cy else None
    hs = boots.get((bench, "hs", "hs"))
    if hs:
        c["normal_boot_instructions_header_signed"] = hs[0]
        c["update_boot_instructions_header_signed"] = hs[1]
        cy = cycles.get(bench + ".hs")
        c["normal_boot_cycles_header_signed"] = cy["normal_boot_cycles"] if cy else None
        c["update_boot_cycles_header_signed"] = cy["update_boot_cycles"] if cy else None
    enc = boots.get((bench, "plain", "enc"))
    if enc:
        c["update_boot_instructions_encrypted"] = enc[1]
    configs.append(c)
doc = {
    "generated_by": "bench/footprint.sh",
    "board": "mps2-an385 (Cortex-M3) under QEMU, -icount shift=0",
    "toolchain": "arm-none-eabi-gcc %s -Os -flto, newlib-nano; BearSSL %s; QEMU %s" % (gcc, bearssl, qemu),
    "image": "1 KiB header + 256 KiB payload, ECDSA P-256 + SHA-256",
    "notes": [
        "flash_bytes = text + data; stack_bytes = the larger high-water mark of a plain and an update boot",
        "boot instructions: from the start of boot_start() to the jump, bench-boot-CODE "
        "(same core and P-256 code, no console: console output is not counted)",
        "update boot: the confirmed v1 in the primary, v2 staged; *_header_signed: both images "
        "signed with ferry sign --header-signed",
        "cycles: estimated with the Cortex-M3 timing model of docs/cycle-model.md "
        "(bench/cycles.sh; bench/cycles.md), null where not measured",
    ],
    "configurations": configs,
    "boots": [
        {"program": k[0], "primary": k[1], "staged": k[2], "normal_boot_instructions": v[0],
         "update_boot_instructions": v[1], "stack_update_boot_bytes": v[2]}
        for k, v in boots.items()
    ],
}
with open(out, "w") as f:
    json.dump(doc, f, indent=2)
    f.write("\n")
PY
echo "footprint: wrote $json"
