/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lm3s6965evb (Stellaris LM3S6965, Cortex-M3) as QEMU emulates it: the
 * registers this port touches. QEMU wires an SD card (-drive if=sd) to SSI0
 * with its chip select on GPIO port D pin 0 (active low), and the OLED
 * display to the same bus with chip select on GPIO port C pin 7.
 */
#ifndef LM3S_BOARD_H
#define LM3S_BOARD_H

#include <stdint.h>

#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

/* System control: peripheral clock gates. */
#define SYSCTL_RCGC1 REG32(0x400FE104u) /* bit 4: SSI0; bit 0: UART0 in RCGC1 */
#define SYSCTL_RCGC2 REG32(0x400FE108u) /* bit n: GPIO port n (A = 0) */

/* UART0 (PL011). */
#define UART0_BASE 0x4000C000u
#define UART_DR    REG32(UART0_BASE + 0x000u)
#define UART_FR    REG32(UART0_BASE + 0x018u)
#define UART_CTL   REG32(UART0_BASE + 0x030u)
#define UART_FR_TXFF 0x20u

/* SSI0 (PL022). */
#define SSI0_BASE 0x40008000u
#define SSI_CR0   REG32(SSI0_BASE + 0x000u) /* SCR[15:8] SPH SPO FRF DSS[3:0] */
#define SSI_CR1   REG32(SSI0_BASE + 0x004u) /* bit 1: SSE (enable) */
#define SSI_DR    REG32(SSI0_BASE + 0x008u)
#define SSI_SR    REG32(SSI0_BASE + 0x00Cu)
#define SSI_CPSR  REG32(SSI0_BASE + 0x010u) /* clock prescale, even, 2..254 */
#define SSI_SR_TNF 0x02u
#define SSI_SR_RNE 0x04u

/* GPIO ports (PL061): DATA is address-masked, bits [9:2] of the offset
 * select which pins a write changes. */
#define GPIOC_BASE 0x40006000u
#define GPIOD_BASE 0x40007000u
#define GPIO_DATA(base, pins) REG32((base) + ((uint32_t)(pins) << 2))
#define GPIO_DIR(base)        REG32((base) + 0x400u)
#define GPIO_DEN(base)        REG32((base) + 0x51Cu)

#define SD_CS_PORT   GPIOD_BASE
#define SD_CS_PIN    0x01u /* D0 */
#define OLED_CS_PORT GPIOC_BASE
#define OLED_CS_PIN  0x80u /* C7 */

/* The system clock QEMU runs the part at (its reset configuration). */
#define SYSCLK_HZ 12000000u

/* Cortex-M3 system registers. */
#define SYST_CSR   REG32(0xE000E010u)
#define SYST_RVR   REG32(0xE000E014u)
#define SYST_CVR   REG32(0xE000E018u)
#define SCB_AIRCR  REG32(0xE000ED0Cu)

#endif
