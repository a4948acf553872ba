#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The stack each application-side call needs (ferry/app.h, ferry/stage.h,
# ferry/agent.h), measured on a Cortex-M3: runs the mps2-an385 firmware
# bench-app-stack (port/mps2-an385/bench_app_stack.c) under QEMU on a flash
# holding the signed v1, and writes bench/app-stack.md.
#
#   bench/app-stack.sh [--check] [--ferry PATH] [--out FILE] [FIRMWARE_BUILD_DIR]
#
# Without FIRMWARE_BUILD_DIR it builds the firmware (scripts/firmware-build.sh)
# in build/firmware; with one it uses the firmware there (building the
# benchmark target if only that is missing). --check runs and checks without
# writing anything (the qemu.app_stack test). Either way it fails when the
# firmware reports an error, when a call's line is missing, or when a number
# is not above 0 and below the painted region.
# Exit status: 0 ok, 1 failed, 77 skipped (qemu, the cross toolchain or a
# source package missing: the reason is printed).
# shellcheck disable=SC2016 # backquotes in single quotes are Markdown
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
check=0 ferry="" out="$root/bench/app-stack.md" fw=""
while [ $# -gt 0 ]; do
  case "$1" in
    --check) check=1; shift ;;
    --ferry) ferry=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) echo "app-stack: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    *) fw=$1; shift ;;
  esac
done
skip() {
  echo "SKIP: $*"
  exit 77
}
fail() {
  echo "app-stack: FAILED: $*" >&2
  exit 1
}

# Every call the benchmark must report, in the order of the table.
calls="ferry_app_get_state ferry_app_get_state:trial ferry_app_confirm ferry_app_confirm:confirmed
  ferry_stage_init ferry_stage_begin ferry_stage_begin:resume ferry_stage_begin:staged
  ferry_stage_begin:any_order ferry_stage_write ferry_stage_write_at ferry_stage_suspend
  ferry_stage_finish ferry_stage_finish:any_order ferry_stage_abort ferry_stage_resume_failed
  ferry_agent_init ferry_agent_check ferry_agent_download ferry_app_reject:confirmed
  ferry_app_boot_record"
# shellcheck disable=SC2086,SC2116 # on one line, single spaces
calls=$(echo $calls)

command -v qemu-system-arm >/dev/null 2>&1 ||
  skip "qemu-system-arm not found (scripts/setup.sh installs it)"
if [ -z "$fw" ]; then
  fw="$root/build/firmware"
  set -- --out "$fw"
  [ -z "$ferry" ] || set -- "$@" --ferry "$ferry"
  rc=0
  sh "$root/scripts/firmware-build.sh" "$@" || rc=$?
  [ "$rc" -ne 77 ] || exit 77
  [ "$rc" -eq 0 ] || fail "the firmware build failed"
fi
[ -d "$fw" ] || fail "no firmware build directory $fw"
fw=$(cd "$fw" && pwd)
[ ! -f "$fw/SKIP" ] || skip "the firmware was not built: $(cat "$fw/SKIP")"
elf="$fw/bench-app-stack.elf"
if [ ! -f "$elf" ] && [ ! -f "$fw/bench-app-stack.SKIP" ] && [ "$check" -eq 0 ] &&
   [ -f "$fw/CMakeCache.txt" ]; then
  cmake --build "$fw" --target bench-app-stack -j2 >"$fw/bench-app-stack.build.log" 2>&1 ||
    { cat "$fw/bench-app-stack.build.log" >&2; fail "building bench-app-stack failed"; }
fi
if [ ! -f "$elf" ]; then
  [ ! -f "$fw/bench-app-stack.SKIP" ] ||
    skip "bench-app-stack was not built: $(head -n 1 "$fw/bench-app-stack.SKIP")"
  fail "$elf is missing (scripts/firmware-build.sh --out $fw builds it)"
fi
# shellcheck disable=SC1091
. "$fw/layout.env"
[ -n "$ferry" ] || ferry=$(sed -n 's/^FERRY_TOOL:FILEPATH=//p' "$fw/CMakeCache.txt")
[ -x "$ferry" ] || fail "no ferry tool (give --ferry PATH)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
flash="$work/flash.img"
"$ferry" merge --into "$flash" --flash-size "$BOARD_FLASH_SIZE" \
  --sector-size "$BOARD_SECTOR_SIZE" --flash-base "$BOARD_FLASH_BASE" \
  --vector-align "$BOARD_VECTOR_ALIGN" \
  --primary "$BOARD_PRIMARY_OFF:$BOARD_PRIMARY_SIZE" \
  --staging "$BOARD_STAGING_OFF:$BOARD_STAGING_SIZE" \
  --status "$BOARD_STATUS_OFF:$BOARD_STATUS_SIZE" \
  --primary-image "$fw/app-v1.img" >"$work/merge.log" 2>&1 ||
  { cat "$work/merge.log" >&2; fail "ferry merge failed"; }

# One run, until the benchmark resets (-no-reboot: QEMU exits). It takes
# well under a second; the timeout only catches a hang.
rc=0
timeout 60 qemu-system-arm -M mps2-an385,memory-backend=pf \
  -object "memory-backend-file,id=pf,size=$BOARD_FLASH_SIZE,mem-path=$flash,share=on" \
  -kernel "$elf" -nographic -nic none -no-reboot -icount shift=0,align=off,sleep=off \
  </dev/null >"$work/uart.raw" 2>"$work/qemu.err" || rc=$?
tr -d '\r' <"$work/uart.raw" >"$work/uart.txt"
uart="$work/uart.txt"
show() {
  echo "---- UART ----" >&2
  cat "$uart" >&2
  echo "---- QEMU ----" >&2
  cat "$work/qemu.err" >&2
}
[ "$rc" -ne 124 ] || { show; fail "QEMU did not finish within 60 s"; }
[ "$rc" -eq 0 ] || { show; fail "QEMU exited with status $rc"; }
if grep -q '^\[stack\] \(error\|FAILED\)' "$uart"; then
  show
  fail "the firmware reports: $(grep '^\[stack\] error' "$uart" | head -n 1)"
fi
grep -qx '\[stack\] done' "$uart" || { show; fail "the benchmark did not finish ([stack] done missing)"; }
region=$(sed -n 's/^\[stack\] region \([0-9][0-9]*\)$/\1/p' "$uart")
[ -n "$region" ] || { show; fail "no '[stack] region' line"; }

# field NAME N: the N-th word of NAME's line (3: bytes, 4: calls=...).
field() { awk -v n="$1" -v f="$2" '$1 == "[stack]" && $2 == n { print $f; exit }' "$uart"; }
# hook NAME KEY: the value of KEY=... on NAME's line (empty: not reached).
hook() {
  awk -v n="$1" -v k="$2=" '$1 == "[stack]" && $2 == n {
    for (i = 4; i <= NF; i++) if (index($i, k) == 1) { print substr($i, length(k) + 1); exit } }' "$uart"
}
# Every expected call, and any other call the firmware reports (newer APIs).
names=$calls
# shellcheck disable=SC2013 # names are single words
for n in $(awk '$1 == "[stack]" && $2 != "region" && $2 != "done" { print $2 }' "$uart"); do
  case " $names " in *" $n "*) ;; *) names="$names $n" ;; esac
done
problems=""
for n in $names; do
  bytes=$(field "$n" 3)
  case "$bytes" in
    "") problems="$problems\n  $n: no line" ;;
    *[!0-9]*) problems="$problems\n  $n: '$bytes' is not a number" ;;
    *) if [ "$bytes" -le 0 ] || [ "$bytes" -ge "$region" ]; then
         problems="$problems\n  $n: $bytes bytes is not within 1..$((region - 1))"
       fi ;;
  esac
done
if [ -n "$problems" ]; then
  show
  fail "$(printf 'bad or missing lines:%b' "$problems")"
fi
deepest=$(awk '$1 == "[stack]" && $2 != "region" && $3 ~ /^[0-9]+$/ && $3 + 0 > m { m = $3 + 0; n = $2 }
  END { print n, m }' "$uart")
count=$(echo "$names" | wc -w)
echo "app-stack: $count calls measured on the target, deepest ${deepest#* } bytes (${deepest% *}), painted region $region bytes"
[ "$check" -eq 0 ] || exit 0

# ---- bench/app-stack.md ------------------------------------------------------
note() {
  case "$1" in
    ferry_app_get_state) echo "v1 confirmed, status area as the factory left it (erased)" ;;
    ferry_app_get_state:trial) echo "v2 on trial right after its install: reads the install's status record" ;;
    ferry_app_confirm) echo "v2 on trial: reads the status record, programs the confirm marker" ;;
    ferry_app_confirm:confirmed) echo "v1 already confirmed: reads the status, writes nothing" ;;
    ferry_app_reject:confirmed) echo "v2 confirmed: reads the status and refuses (FERRY_E_STATE); rejecting a trial reads the same status and sets one flag" ;;
    ferry_app_boot_record) echo "decodes and checks the 96-byte boot record of the boot that started v2" ;;
    ferry_stage_init) echo "binds the configuration, checks the staging geometry; no I/O" ;;
    ferry_stage_begin) echo "a transfer in order from zero (with and without the SHA-256): trial check, record and first image sector erased" ;;
    ferry_stage_begin:resume) echo "continues an earlier transfer of the same id: the bytes already in flash are hashed again" ;;
    ferry_stage_begin:staged) echo "the staging slot already holds exactly this file: hashed from flash, nothing written" ;;
    ferry_stage_begin:any_order) echo "FERRY_STAGE_ANY_ORDER: erases the image's whole range" ;;
    ferry_stage_write) echo "1000-byte pieces: SHA-256 update, 512-byte chunk programs, sector erases ahead, checkpoints" ;;
    ferry_stage_write_at) echo "244-byte pieces (a BLE payload) in a shuffled order, programmed where they belong" ;;
    ferry_stage_suspend) echo "writes the checkpoint of the last sector boundary reached" ;;
    ferry_stage_finish) echo "in order: digest compared, ECDSA P-256 verification of the image on flash, checks against the running image and the counter store, marked" ;;
    ferry_stage_finish:any_order) echo "the same, after hashing the whole file from flash" ;;
    ferry_stage_abort) echo "erases the record sector (the held-back head with it), keeps the sequence memory" ;;
    ferry_stage_resume_failed) echo "notes the failed resume in the record" ;;
    ferry_agent_init) echo "no I/O" ;;
    ferry_agent_check) echo "GET manifest.json and its .sig, ECDSA P-256 verification of the manifest, JSON parse, checks, sequence remembered in the record sector" ;;
    ferry_agent_download) echo "GET the image (1460-byte segments) into ferry_stage_write, then ferry_stage_finish; progress and reboot callbacks" ;;
    *) echo "" ;;
  esac
}
hooks() {
  h=""
  for k in flash_at:flash net_at:"transport/clock" callback_at:callback; do
    v=$(hook "$1" "${k%%:*}")
    [ -z "$v" ] || h="${h:+$h, }${k#*:} $v"
  done
  echo "${h:--}"
}
# Calls of the application API that the benchmark does not measure (yet).
pending() {
  for c in "ferry_app_reject include/ferry/app.h" "ferry_app_boot_record include/ferry/boot_record.h"; do
    # shellcheck disable=SC2086 # two words
    set -- $c
    case " $names " in *" $1 "* | *" $1:"*) continue ;; esac
    if [ -f "$root/$2" ] && grep -q "$1 *(" "$root/$2"; then
      printf '**Not measured:** `%s()` (%s) is not called by the benchmark yet.\n\n' "$1" "$2"
    else
      printf '**Not measured:** `%s()` (%s) is not in the tree this was generated from.\n\n' "$1" "$2"
    fi
  done
}
mem() { sed -n "s/^\[mem\] $1 \([0-9][0-9]*\)$/\1/p" "$uart"; }
dl=$(field ferry_agent_download 3)
dl_cb=$(hook ferry_agent_download callback_at)
dl_net=$(hook ferry_agent_download net_at)
ck_net=$(hook ferry_agent_check net_at)
fin=$(field ferry_stage_finish 3)
ck=$(field ferry_agent_check 3)
cflags=$(sed -n 's/^C_FLAGS = //p' "$fw/CMakeFiles/ferry_core_p256m31.dir/flags.make" 2>/dev/null |
  sed 's/ -W[a-z]*//g')
ldflags=$(sed 's/^[^ ]*gcc //; s/ -T.*//' "$fw/CMakeFiles/bench-app-stack.dir/link.txt" 2>/dev/null)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "?")
if [ -n "$(git -C "$root" status --porcelain 2>/dev/null)" ]; then
  commit="$commit with uncommitted changes"
fi
image_bytes=$(sed -n 's/.*{"\/repo\/.*\.img", file[0-9]*, \([0-9]*\)u},$/\1/p' \
  "$fw/generated/bench_release.c" 2>/dev/null | head -n 1)
{
  cat <<EOF
# Stack of the application-side calls (mps2-an385, Cortex-M3)

Generated by \`bench/app-stack.sh\` (do not edit by hand) on $(date -u +%Y-%m-%d), commit
$commit. Firmware \`bench-app-stack\` (\`port/mps2-an385/bench_app_stack.c\`) under QEMU
$(qemu-system-arm --version | head -n 1 | sed 's/QEMU emulator version //'), the same Thumb-2 code a Cortex-M3 runs: stack use is a property of the code,
so QEMU gives the real figure.

Build: arm-none-eabi-gcc $(arm-none-eabi-gcc -dumpversion), newlib-nano, the flags of the port's application firmware
(the demo apps): \`$cflags\`, linked with \`$ldflags\` (link-time optimisation).
P-256 code: p256m31, BearSSL's \`br_ec_p256_m31\` + \`br_ecdsa_i31_vrfy_raw\` (the port's default), BearSSL
$(cat "$fw/bearssl-src/bearssl.version" 2>/dev/null || echo "?"); http-parser $(cat "$fw/http-parser-src/http-parser.version" 2>/dev/null || echo "?") (Debian source packages).

## Result

"stack bytes" is what the call needs below the caller's stack pointer: its frames, everything
it calls, the port's flash driver and the transport it goes through. It is the deepest use over
all calls of that kind in the scenario ("calls"). "hooks entered at" is the deepest stack depth at
which the call entered a port hook (flash operation, transport operation or the clock) or an
application callback: a port's own driver, network stack or callback runs its frames from there.

| call | stack bytes | calls | hooks entered at | notes |
|---|---:|---:|---|---|
EOF
  for n in $names; do
    printf '| `%s` | %s | %s | %s | %s |\n' "$n" "$(field "$n" 3)" "$(field "$n" 4 | sed 's/^calls=//')" \
      "$(hooks "$n")" "$(note "$n")"
  done
  echo
  pending
  cat <<EOF
A name after a colon is one case of the same call. \`ferry_stage_offset()\` reads a field and uses
no stack. The deepest are the calls that verify a P-256 signature: \`ferry_stage_finish\` ($fin
bytes), \`ferry_agent_check\` ($ck bytes, the manifest's) and \`ferry_agent_download\` ($dl bytes,
which calls \`ferry_stage_finish\`). A thread that runs an update needs at least that, plus its own
frames, plus room for exceptions (below); one that only calls \`ferry_app_*\` needs far less.

## Callbacks and hooks run on the caller's stack

- The **progress and reboot callbacks** (\`struct ferry_agent_config\`) run on the thread that called
  \`ferry_agent_download()\`: they were entered at ${dl_cb:-?} bytes of depth here, with a callback that
  only counts. A callback needs its own frames on top of that: it raises the download's need only
  if it uses more than the $((dl - ${dl_cb:-0})) bytes between its entry depth and the download's deepest point.
- The **transport** (\`struct ferry_transport\`) and the **clock** are called at up to ${ck_net:-?}
  bytes (\`ferry_agent_check\`) and ${dl_net:-?} bytes (\`ferry_agent_download\`). The figures above
  include the benchmark's in-memory transport, which only copies bytes; a TCP/IP stack, and TLS
  above all, adds its own frames from that depth (measure them on your stack).
- The **flash operations** are the port's PSRAM driver (\`psram_flash.c\`: the core's memflash
  checks and a memcpy), reached through a probe that marks the depth and tail-calls the driver
  (it adds nothing at the driver's depth). A QSPI or internal-flash driver replaces its frames
  from the "flash" depth shown.
- **Exceptions**: an interrupt taken during a call stacks 32 bytes (more with a floating-point
  context on an M4F) plus its handler's frames on the same stack, unless the handlers run on a
  separate main stack (an RTOS thread on PSP). None is included here.

## Scenario

As an application goes through an update, on the port's flash (the file-backed PSRAM with the
layout of \`port/mps2-an385/layout.cmake\`, W25Q128JV geometry: 4 KiB sectors):

1. The primary slot holds the signed, confirmed demo v1 (\`ferry merge --primary-image app-v1.img\`).
   \`ferry_boot()\` runs first, as the bootloader would (not measured).
2. \`ferry_app_get_state\`, \`ferry_app_confirm\` on the confirmed v1.
3. A signed v2 (the demo v2's payload padded to 192 KiB: a ${image_bytes:-?}-byte image file, signed at build
   time with the firmware's key like the demo images) is staged in any order with its SHA-256:
   begin, 244-byte pieces through \`ferry_stage_write_at\` in a shuffled order, finish.
4. v2 begun again with its SHA-256 and an id (found already staged); a transfer without SHA-256
   begun, three pieces written, aborted.
5. v2 in order with its SHA-256 and an id: 1000-byte pieces to 13000 bytes, suspended (a
   checkpoint), begun again (resumed there), written to the end, finished.
6. A transfer without SHA-256 suspended at 13000 bytes, resumed and given up
   (\`ferry_stage_resume_failed\`).
7. The HTTP agent: \`ferry_agent_init\`, \`ferry_agent_check\` and \`ferry_agent_download\` of v2
   with the anti-rollback counter store and a millisecond clock, over an in-memory transport
   (\`port/mps2-an385/bench_memnet.c\`) that serves, from ROM, the repository \`ferry publish\`
   made of that image at build time (manifest.json, manifest.json.sig, the image; answers
   Range requests), 1460 bytes per recv.
8. \`ferry_boot()\` installs v2 and starts it on trial (not measured); \`ferry_app_get_state\`
   (trial), \`ferry_app_confirm\` (the real confirm).

Every step checks its result; the run fails on anything unexpected.

## How it is measured

Each call runs on a 16 KiB region of its own (\`port/mps2-an385/stack_probe.c\`): painted with a
pattern, the stack pointer moved to its top, the call made, the stack pointer put back, and the
deepest word no longer holding the pattern gives the bytes used. Interrupts are off. The call
goes through a one-line wrapper that takes its arguments from a static struct and calls the
library's function through a pointer the compiler cannot see through, so the measured code is the
function as any caller gets it, not a copy inlined into the benchmark. The wrappers tail-call
(0 bytes), except \`ferry_stage_begin\` (16 bytes: the wrapper's return address and the slot of
the fifth argument, which goes on the stack for any caller) and the two calls returning void,
\`ferry_stage_suspend\` and \`ferry_stage_resume_failed\` (8 bytes); those bytes are included above.

Painting sees the deepest word written: a part of the deepest frame reserved but never written
would not be counted. The figures are exact for this scenario; other paths (errors, retries, a
resume after a server ignored Range) may go deeper or not. Keep a margin.

## Memory the caller provides

| what | bytes |
|---|---:|
| \`struct ferry_stage\` | $(mem struct_ferry_stage) |
| staging work buffer (\`FERRY_STAGE_BUF_BYTES\`) | $(mem stage_buffer) |
| \`struct ferry_agent\` (includes its staging state and work buffer) | $(mem struct_ferry_agent) |
| HTTP client buffer (\`FERRY_HTTP_BUF_MIN\`) | $(mem http_buffer) |
| \`struct ferry_app_config\` (plus its scratch buffer, the status area's program unit or more) | $(mem struct_ferry_app_config) |

Nothing is allocated. The only static state is the flag \`ferry_app_reject()\` sets.
EOF
} >"$out"
echo "app-stack: wrote $out"
