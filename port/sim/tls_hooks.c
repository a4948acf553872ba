/* SPDX-License-Identifier: Apache-2.0 */
/* The host's entropy and wall clock for the TLS transport (tls_hooks.h). */
#define _DEFAULT_SOURCE
#include "tls_hooks.h"

#include <errno.h>
#include <sys/random.h>
#include <time.h>

#include "ferry/errors.h"

static int host_entropy_fill(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    while (len > 0) {
        ssize_t n = getrandom(buf, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return FERRY_E_IO;
        buf += n;
        len -= (size_t)n;
    }
    return FERRY_OK;
}

const struct ferry_tls_entropy ferry_sim_entropy = {host_entropy_fill, NULL};

int ferry_sim_unix_time(void *ctx, uint64_t *unix_seconds)
{
    time_t now = time(NULL);
    (void)ctx;
    if (now == (time_t)-1 || now < 0)
        return FERRY_E_IO;
    *unix_seconds = (uint64_t)now;
    return FERRY_OK;
}

const struct ferry_tls_time ferry_sim_time = {ferry_sim_unix_time, NULL};
