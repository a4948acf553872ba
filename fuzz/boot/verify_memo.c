/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Memoised ECDSA P-256 verification for the boot fuzzer.
 *
 * The fuzz_boot link redirects the core's calls to ferry_p256_verify() here
 * (-Wl,--wrap=ferry_p256_verify; the real function is __real_ferry_p256_verify).
 * Verification is a pure function of its 161 input bytes, and a fuzzing run
 * sees the same few dozen (key, digest, signature) triples over and over, so
 * the answer is looked up by the complete input and computed only on a miss:
 * a millisecond of curve arithmetic becomes a table probe. Any byte that
 * differs is a miss, so the answers are exactly the real function's.
 * FERRY_FUZZ_BOOT_NO_MEMO=1 in the environment turns the table off.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int __real_ferry_p256_verify(const uint8_t pub[65], const uint8_t hash[32], const uint8_t sig[64]);
int __wrap_ferry_p256_verify(const uint8_t pub[65], const uint8_t hash[32], const uint8_t sig[64]);

#define MEMO_SLOTS 1024u

struct memo_entry {
    int used, result;
    uint8_t key[65 + 32 + 64];
};

static struct memo_entry memo[MEMO_SLOTS];
static int memo_state; /* 0 unknown, 1 on, -1 off */

int __wrap_ferry_p256_verify(const uint8_t pub[65], const uint8_t hash[32], const uint8_t sig[64])
{
    uint8_t key[65 + 32 + 64];
    if (memo_state == 0)
        memo_state = getenv("FERRY_FUZZ_BOOT_NO_MEMO") ? -1 : 1;
    if (memo_state < 0 || pub == NULL || hash == NULL || sig == NULL)
        return __real_ferry_p256_verify(pub, hash, sig);
    memcpy(key, pub, 65);
    memcpy(key + 65, hash, 32);
    memcpy(key + 97, sig, 64);
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < sizeof key; i++)
        h = (h ^ key[i]) * 16777619u;
    struct memo_entry *e = &memo[h % MEMO_SLOTS];
    if (e->used && memcmp(e->key, key, sizeof key) == 0)
        return e->result;
    int result = __real_ferry_p256_verify(pub, hash, sig);
    e->used = 1;
    e->result = result;
    memcpy(e->key, key, sizeof key);
    return result;
}
