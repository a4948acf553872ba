/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Plain driver of the P-256 differential check (p256_diff.h), for campaigns
 * without libFuzzer (scripts/p256-diff-campaign.sh):
 *
 *   p256_diff [-f] [-z] [-n COUNT] [-t SECONDS] [-s SEED]
 *
 * Makes COUNT inputs (default 1000; 0 = until SECONDS have passed) from a
 * seeded generator: a mode byte, the bytes the mode consumes, and 0 to 4
 * mutations, a third of them edge values. Every verifier of p256_ref.h
 * judges each input. With -f (fast) only ours (fast and small), BearSSL
 * p256_m31 and OpenSSL do (p256_diff_fast_set), and an input carries 0 to
 * 3 mutations. Each mutation has about an even chance of ending the check
 * before the double multiplication (a key off the curve, r or s out of
 * range): with up to four, 31 to 35 % of the inputs are valid or rejected
 * only after it, with up to three about 38 % (docs/p256.md). -z judges
 * BearSSL for a hash of 0 mod n too, where it is known to be wrong: a run
 * that shows a disagreement being found, not a campaign. Prints one
 * summary line, e.g.
 *   p256_diff: seed 1 runs 1000 valid 612 rejected 388 disagreements 0 execs/s 181 rejected-full 120 mode all
 * (rejected-full: rejected although the key is a point of the curve and
 * 1 <= r, s < n, so after the whole computation; mode all or fast, "-z"
 * appended with -z) and exits 1 if any input made the verifiers disagree
 * (each one is printed on stderr as it is found).
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "p256_diff.h"

static uint64_t rng_state;

static uint64_t next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull); /* splitmix64 */
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int usage(void)
{
    fprintf(stderr, "usage: p256_diff [-f] [-z] [-n COUNT] [-t SECONDS] [-s SEED]\n");
    return 2;
}

int main(int argc, char **argv)
{
    unsigned long count = 1000, runs = 0, valid = 0, full_rejects = 0, disagreements = 0;
    unsigned set = P256_DIFF_ALL, flags = 0;
    double seconds = 0, t0;
    uint64_t seed = 1;
    int i;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-f") == 0) {
            set = p256_diff_fast_set();
        } else if (strcmp(argv[i], "-z") == 0) {
            flags |= P256_DIFF_KEEP_ZERO_HASH;
        } else if (i + 1 == argc) {
            return usage();
        } else if (strcmp(argv[i], "-n") == 0) {
            count = strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "-t") == 0) {
            seconds = strtod(argv[++i], NULL);
        } else if (strcmp(argv[i], "-s") == 0) {
            seed = strtoull(argv[++i], NULL, 10);
        } else {
            return usage();
        }
    }
    rng_state = seed;
    t0 = now();
    for (;;) {
        uint8_t in[200];
        size_t len, j;
        unsigned mutations = (unsigned)(next() % (set == P256_DIFF_ALL ? 5 : 4));
        struct p256_diff_result res;

        if (count != 0 && runs >= count) {
            break;
        }
        if (count == 0 && (runs & 63) == 0 && now() - t0 >= seconds) {
            break;
        }
        in[0] = (uint8_t)(next() % 6);
        len = 1 + p256_diff_mode_len(in[0]);
        for (j = 1; j < len; j++) {
            in[j] = (uint8_t)next();
        }
        for (j = 0; j < mutations; j++) {
            in[len++] = (uint8_t)(next() % 3 == 0 ? 1 : next()); /* op 1: an edge value */
            in[len++] = (uint8_t)next();
            in[len++] = (uint8_t)next();
        }
        p256_diff_judge(in, len, set, flags, &res);
        runs++;
        valid += res.verdict == 0;
        full_rejects += res.verdict != 0 && res.full;
        disagreements += (unsigned long)res.disagree;
    }
    t0 = now() - t0;
    printf("p256_diff: seed %llu runs %lu valid %lu rejected %lu disagreements %lu execs/s %.0f "
           "rejected-full %lu mode %s%s\n",
           (unsigned long long)seed, runs, valid, runs - valid, disagreements,
           t0 > 0 ? (double)runs / t0 : 0.0, full_rejects,
           set == P256_DIFF_ALL ? "all" : "fast", flags != 0 ? " -z" : "");
    return disagreements != 0;
}
