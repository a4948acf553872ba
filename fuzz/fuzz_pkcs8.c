/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the host tool's encrypted-key parser
 * (tools/ferry/host_pbes2.c): arbitrary bytes as the DER of a PKCS#8
 * EncryptedPrivateKeyInfo, decrypted with a fixed passphrase. Built with
 * HOST_PBKDF2_ITERATIONS_MAX lowered, so an input cannot make one run slow
 * (the real limit is checked by the unit tests). It must never read out of
 * bounds (ASan) or report a plaintext larger than its buffer; a success must
 * be repeatable.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ferry/errors.h"
#include "host_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char pass[] = "fuzz";
    uint8_t out[512], again[512];
    size_t n = 0, m = 0;
    char err[160];
    int rc = host_pkcs8_decrypt(data, size, pass, sizeof pass - 1, out, sizeof out, &n, err,
                                sizeof err);
    if (rc > 0 || (rc == 0 && n > sizeof out) || memchr(err, '\0', sizeof err) == NULL)
        __builtin_trap();
    if (rc == 0) {
        if (host_pkcs8_decrypt(data, size, pass, sizeof pass - 1, again, sizeof again, &m, err,
                               sizeof err) != 0 ||
            m != n || memcmp(out, again, n) != 0)
            __builtin_trap();
    }
    return 0;
}
