/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Minimal test harness: CHECK* record a failure with file:line and go on;
 * RUN(fn) runs one test function; check_done() prints the plain summary line
 * "N passed, N failed" and returns the process exit code.
 */
#ifndef FERRY_TEST_CHECK_H
#define FERRY_TEST_CHECK_H

#include <stdio.h>
#include <string.h>
#include <inttypes.h>

static int check_failures_in_test;
static int check_tests_passed, check_tests_failed, check_tests_skipped;

#define CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    check_failures_in_test++; } } while (0)

#define CHECK_EQ(a, b) do { long long check_a_ = (long long)(a), check_b_ = (long long)(b); \
    if (check_a_ != check_b_) { \
    fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %lld, %s == %lld\n", __FILE__, __LINE__, \
            #a, check_a_, #b, check_b_); check_failures_in_test++; } } while (0)

#define CHECK_MEM(a, b, n) do { if (memcmp((a), (b), (n)) != 0) { \
    fprintf(stderr, "%s:%d: CHECK_MEM failed: %s vs %s (%zu bytes)\n", __FILE__, __LINE__, \
            #a, #b, (size_t)(n)); check_failures_in_test++; } } while (0)

/* A test that cannot run for a missing resource says so and counts as skipped. */
#define SKIP(why) do { printf("SKIP %s: %s\n", __func__, (why)); check_tests_skipped++; \
    return; } while (0)

#define RUN(fn) do { int skipped_before_ = check_tests_skipped; check_failures_in_test = 0; fn(); \
    if (check_tests_skipped != skipped_before_) break; \
    if (check_failures_in_test) { check_tests_failed++; printf("FAIL %s\n", #fn); } \
    else { check_tests_passed++; printf("ok   %s\n", #fn); } } while (0)

static inline int check_done(void)
{
    printf("%d passed, %d failed, %d skipped\n", check_tests_passed, check_tests_failed,
           check_tests_skipped);
    return check_tests_failed ? 1 : 0;
}

#endif
