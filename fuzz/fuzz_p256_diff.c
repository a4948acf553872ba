/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Differential fuzzing of ECDSA P-256 verification (docs/p256.md): each
 * input becomes one (pub, hash, sig) triple (tests/p256_diff.h: mostly
 * valid signatures from fixed or random keys, then mutations and edge
 * values) judged by Ferry's own verifier (fast and small variants), BearSSL's
 * four curve codes and OpenSSL. Any disagreement, or a verdict of ours
 * other than the one the construction guarantees, aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "p256_diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct p256_diff_result res;

    p256_diff_one(data, size, &res);
    if (res.disagree) {
        abort();
    }
    return 0;
}
