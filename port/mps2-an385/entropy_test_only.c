/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TEST ONLY. NOT RANDOM (entropy_test_only.h). The mps2-an385 under QEMU has
 * no TRNG; these bytes come from a fixed constant and a call counter
 * through a 32-bit mixing function, so two runs of the same firmware make
 * the same "random" TLS keys. Good for benchmarks and tests of the
 * transport, worthless as entropy.
 */
#include "entropy_test_only.h"

#include "ferry/errors.h"

static uint32_t mix32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    x ^= x >> 16;
    return x;
}

static int test_only_fill(void *ctx, uint8_t *buf, size_t len)
{
    static uint32_t calls; /* a new stream per call, still predictable */
    uint32_t state = 0x46455252u + ++calls * 0x9e3779b9u, word = 0;
    size_t i;
    (void)ctx;
    for (i = 0; i < len; i++) {
        if (i % 4u == 0)
            word = mix32(state++);
        buf[i] = (uint8_t)(word >> (8u * (i % 4u)));
    }
    return FERRY_OK;
}

const struct ferry_tls_entropy mps2_entropy_test_only = {test_only_fill, NULL};
