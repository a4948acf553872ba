/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The demo applications' fault handlers (they replace startup.c's weak
 * defaults): one UART line naming the fault, the faulting address when the
 * core recorded one, and the fault status, then a system reset. A trial
 * image that faults is therefore reverted on the next boot, without waiting
 * for the watchdog. Tests match the line:
 *
 *   [app] fault: MemManage at 0x21104000 (CFSR 0x00000082), resetting
 */
#include <stdint.h>
#include "board.h"
#include "cmsdk_uart.h"
#include "cortexm.h"

#define CFSR_MMARVALID (1u << 7)
#define CFSR_BFARVALID (1u << 15)

static __attribute__((noreturn)) void report(const char *kind)
{
    uint32_t cfsr = REG32(SCS_CFSR);
    uart_puts("[app] fault: ");
    uart_puts(kind);
    if (cfsr & CFSR_MMARVALID) {
        uart_puts(" at 0x");
        uart_put_hex(REG32(SCS_MMFAR));
    } else if (cfsr & CFSR_BFARVALID) {
        uart_puts(" at 0x");
        uart_put_hex(REG32(SCS_BFAR));
    }
    uart_puts(" (CFSR 0x");
    uart_put_hex(cfsr);
    uart_puts(", HFSR 0x");
    uart_put_hex(REG32(SCS_HFSR));
    uart_puts("), resetting\n");
    cortexm_system_reset();
}

void hardfault_handler(void)
{
    report("HardFault");
}

void memmanage_handler(void)
{
    report("MemManage");
}

void busfault_handler(void)
{
    report("BusFault");
}

void usagefault_handler(void)
{
    report("UsageFault");
}
