/* SPDX-License-Identifier: Apache-2.0 */
/* sys_now() and LWIP_RAND for NO_SYS builds (ferry_lwip_port.h). */
#include "ferry_lwip_port.h"

#include "ferry/errors.h"
#include "lwip/sys.h"

static const struct ferry_clock *port_clock;
static uint32_t rand_state = 0x9E3779B9u;

int ferry_lwip_port_init(const struct ferry_clock *clock, uint32_t seed)
{
    if (clock == NULL || clock->now_ms == NULL)
        return FERRY_E_INVAL;
    port_clock = clock;
    /* xorshift32 must not start at 0 (it would stay there). */
    rand_state = seed != 0 ? seed : 0x9E3779B9u;
    return FERRY_OK;
}

/* lwIP's timer base. Wraps at 2^32 like lwIP expects (it compares
   differences). Before ferry_lwip_port_init: always 0. */
u32_t sys_now(void)
{
    return port_clock != NULL ? port_clock->now_ms(port_clock->ctx) : 0;
}

/* xorshift32: port numbers and transaction IDs need variety, not secrecy. */
uint32_t ferry_lwip_rand(void)
{
    uint32_t x = rand_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    rand_state = x;
    return x;
}
