/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Wycheproof ECDSA P-256 cases on the target: loaded at 0x0 in place of
 * the bootloader, it runs ferry_p256_verify() (whichever verifier the
 * program links: port/mps2-an385/p256.cmake) on every case of
 * p256_vectors_gen.py's table and prints
 *   [p256] wycheproof cases=N valid_accepted=V invalid_rejected=I wrong=W
 *          instructions_per_verify=K
 * (the last under QEMU -icount shift=0, as bench_verify.c counts), one
 * "[p256] wrong tcId=T" line per wrong verdict, then resets.
 * bench/p256_target.sh drives it.
 */
#include <stdint.h>

#include "board.h"
#include "cmsdk_timer.h"
#include "cmsdk_uart.h"
#include "cortexm.h"
#include "ferry/crypto.h"
#include "ferry/errors.h"
#include "p256_vectors.h"

#define NS_PER_TICK (1000000000u / BOARD_CPU_HZ)

int main(void)
{
    uint32_t valid_ok = 0, invalid_rejected = 0, wrong = 0, ticks = 0;
    unsigned i;

    uart_init();
    timer_start();
    for (i = 0; i < p256_vector_count; i++) {
        const struct p256_vector *v = &p256_vectors[i];
        uint32_t t0 = timer_ticks();
        int rc = ferry_p256_verify(v->pub, v->hash, v->sig);
        ticks += timer_ticks() - t0;
        if (v->valid && rc == FERRY_OK) {
            valid_ok++;
        } else if (!v->valid && rc == FERRY_E_IMG_SIGNATURE) {
            invalid_rejected++;
        } else {
            wrong++;
            uart_puts("[p256] wrong tcId=");
            uart_put_dec(v->tc_id);
            uart_puts("\n");
        }
    }
    uart_puts("[p256] wycheproof cases=");
    uart_put_dec(p256_vector_count);
    uart_puts(" valid_accepted=");
    uart_put_dec(valid_ok);
    uart_puts(" invalid_rejected=");
    uart_put_dec(invalid_rejected);
    uart_puts(" wrong=");
    uart_put_dec(wrong);
    uart_puts(" instructions_per_verify=");
    uart_put_dec(p256_vector_count ? ticks / p256_vector_count * NS_PER_TICK : 0);
    uart_puts("\n[p256] done\n");
    cortexm_system_reset();
}
