/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ECDSA P-256 verifications per second on the host: Ferry's own verifier
 * (src/crypto/p256/, fast and small variants) against BearSSL's four
 * curve codes and OpenSSL (tests/p256_ref.h). One valid signature by a
 * fixed key, verified for about a second per verifier (at least 20 times);
 * every verification must succeed.
 *
 *   bench_p256 [SECONDS]
 *
 * Prints "name verifications/s microseconds/verification" per line. Wall
 * clock: on a shared machine, run it twice and keep the better figures.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ferry/errors.h"
#include "p256_ref.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    static const uint8_t d[32] = { 0x3c, 0x9a, 0x51, 0x07, 0xe2, 0x88, 0x14, 0x6d, 0xb0, 0x2f, 0x73,
                                   0xc1, 0x5e, 0x94, 0x0a, 0xd7, 0x61, 0x28, 0xfe, 0x43, 0x9b, 0x05,
                                   0xc6, 0x7a, 0x12, 0xe9, 0x8d, 0x30, 0xa4, 0x57, 0xbb, 0x0e };
    uint8_t pub[65], hash[32], k[32], sig[64];
    double seconds = argc > 1 ? strtod(argv[1], NULL) : 1.0;
    unsigned i;

    memset(hash, 0x5a, sizeof hash);
    memset(k, 0xa5, sizeof k);
    if (p256_ref_pub(d, pub) != 0 || p256_ref_sign(d, hash, k, sig) != 0) {
        return 1;
    }
    for (i = 0; i < P256_VERIFIER_COUNT; i++) {
        const struct p256_verifier *v = &p256_verifiers[i];
        unsigned long runs = 0;
        double t0 = now(), t;

        do {
            if (v->verify(pub, hash, sig) != FERRY_OK) {
                fprintf(stderr, "%s: valid signature rejected\n", v->name);
                return 1;
            }
            runs++;
            t = now() - t0;
        } while (t < seconds || runs < 20);
        printf("%-18s %8.0f verifications/s %8.1f us\n", v->name, (double)runs / t,
               t / (double)runs * 1e6);
    }
    return 0;
}
