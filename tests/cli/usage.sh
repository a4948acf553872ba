#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The command line itself: --help everywhere (exit 0, stdout), and every
# mistake answered with one stderr line that says what to do, exit 2.
set -eu
. "$(dirname "$0")/lib.sh"

expect_ok "$ferry" --help
cp out.txt help.txt
for cmd in keygen getpub sign verify info uuid; do
    grep -q "^  $cmd " help.txt || fail "ferry --help does not list $cmd"
    expect_ok "$ferry" "$cmd" --help
    head -n 1 out.txt | grep -q "^usage: ferry $cmd" || fail "ferry $cmd --help: $(head -n 1 out.txt)"
    expect_ok "$ferry" "$cmd" -h
    expect_ok "$ferry" help "$cmd"
    head -n 1 out.txt | grep -q "^usage: ferry $cmd" || fail "ferry help $cmd: $(head -n 1 out.txt)"
done

expect_error 2 "no command given (see 'ferry --help')" "$ferry"
expect_error 2 "unknown command 'bogus' (see 'ferry --help')" "$ferry" bogus
expect_error 2 "unknown option '--bogus': give a command first" "$ferry" --bogus

# Options.
expect_error 2 "sign: unknown option '--bogus' (see 'ferry sign --help')" "$ferry" sign --bogus
expect_error 2 "verify: unknown option '-x'" "$ferry" verify -x
expect_error 2 "option '--key' needs a value" "$ferry" verify -k
expect_error 2 "option '--revert' takes no value" "$ferry" sign --revert=1
expect_error 2 "keygen: missing -k KEY.pem" "$ferry" keygen
expect_error 2 "getpub: missing -k KEY.pem" "$ferry" getpub
expect_error 2 "getpub: unknown --format 'xml': use pem, c, c-class or id" "$ferry" getpub -k k.pem --format xml
expect_error 2 "uuid: unknown --format 'json': use text or c" "$ferry" uuid --format json
expect_error 2 "info: missing IMG" "$ferry" info
expect_error 2 "info: unexpected argument 'b.img': give one IMG" "$ferry" info a.img b.img
expect_error 2 "verify: missing -k KEY.pem" "$ferry" verify a.img
expect_error 2 "verify: missing IMG" "$ferry" verify -k k.pem
expect_error 2 "verify: --slot-size '12x'" "$ferry" verify -k k.pem --slot-size 12x a.img

# sign: required options, then strict values (checked before any file is read).
s() { "$ferry" sign -k k.pem --device-class board "$@"; }
expect_error 2 "sign: missing -k KEY.pem" "$ferry" sign --version 1.0.0 --device-class b in out
expect_error 2 "sign: missing --version" "$ferry" sign -k k.pem --device-class b in out
expect_error 2 "sign: missing --device-class ID" "$ferry" sign -k k.pem --version 1.0.0 in out
expect_error 2 "sign: missing IN.bin and OUT.img" s --version 1.0.0
expect_error 2 "sign: missing OUT.img" s --version 1.0.0 in
expect_error 2 "unexpected argument 'extra'" s --version 1.0.0 in out extra
expect_error 2 "--version '1.2': expected MAJOR.MINOR.PATCH[+BUILD]" s --version 1.2 in out
expect_error 2 "major 256 is out of range (0 to 255)" s --version 256.0.0 in out
expect_error 2 "minor 1000 is out of range (0 to 255)" s --version 1.1000.0 in out
expect_error 2 "patch 65536 is out of range (0 to 65535)" s --version 1.2.65536 in out
expect_error 2 "build 4294967296 is out of range (0 to 4294967295)" s --version 1.2.3+4294967296 in out
expect_error 2 "build 99999999999999999999 is out of range" s --version 1.2.3+99999999999999999999 in out
expect_error 2 "major has a leading zero" s --version 01.2.3 in out
expect_error 2 "build is missing" s --version 1.2.3+ in out
expect_error 2 "major is missing" s --version " 1.2.3" in out
expect_error 2 "minor is missing" s --version 1.-2.3 in out
expect_error 2 "unexpected text \"-rc1\" after the version" s --version 1.2.3-rc1 in out
expect_error 2 "--security-counter '-1'" s --version 1.0.0 --security-counter -1 in out
expect_error 2 "--security-counter '4294967296'" s --version 1.0.0 --security-counter 4294967296 in out
expect_error 2 "--header-size '100': expected a multiple of 8" s --version 1.0.0 --header-size 100 in out
expect_error 2 "--header-size '64K'" s --version 1.0.0 --header-size 64K in out
expect_error 2 "--slot-size '0'" s --version 1.0.0 --slot-size 0 in out
expect_error 2 "--slot-size '5G'" s --version 1.0.0 --slot-size 5G in out
expect_error 2 "--vendor '6ba7b810-9dad-11d1-80b4-00c04fd430cX' is neither a name nor a UUID" \
    s --version 1.0.0 --vendor 6ba7b810-9dad-11d1-80b4-00c04fd430cX in out
expect_error 2 "--device-class '' is neither a name nor a UUID" \
    "$ferry" sign -k k.pem --version 1.0.0 --device-class "" in out

# Only now do files matter.
expect_error 1 "sign: k.pem: cannot read: No such file or directory" s --version 1.0.0 in out
expect_error 1 "info: missing.img: cannot read: No such file or directory" "$ferry" info missing.img

echo "ok   $test_name"
