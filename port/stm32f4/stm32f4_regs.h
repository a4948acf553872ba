/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The few STM32F405/407 and Cortex-M4 registers this port uses, from the
 * reference manual (RM0090) and the Armv7-M architecture manual. Written
 * here because no vendor HAL is packaged; only what the bootloader touches.
 */
#ifndef STM32F4_REGS_H
#define STM32F4_REGS_H

#include <stdint.h>

#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

/* ---- FLASH interface (RM0090 section 3.9), AHB1 ---------------------------- */
#define FLASH_R_BASE   0x40023C00u
#define FLASH_R_SPAN   0x400u /* the register block, one 1 KiB MPU region */
#define FLASH_ACR      (FLASH_R_BASE + 0x00u)
#define FLASH_KEYR     (FLASH_R_BASE + 0x04u)
#define FLASH_OPTKEYR  (FLASH_R_BASE + 0x08u)
#define FLASH_SR       (FLASH_R_BASE + 0x0Cu)
#define FLASH_CR       (FLASH_R_BASE + 0x10u)
#define FLASH_OPTCR    (FLASH_R_BASE + 0x14u)

#define FLASH_KEY1     0x45670123u
#define FLASH_KEY2     0xCDEF89ABu

#define FLASH_ACR_LATENCY_MASK 0xFu
#define FLASH_ACR_PRFTEN (1u << 8)
#define FLASH_ACR_ICEN   (1u << 9)  /* ART instruction cache */
#define FLASH_ACR_DCEN   (1u << 10) /* ART data cache */
#define FLASH_ACR_ICRST  (1u << 11) /* reset the I-cache; only while ICEN is 0 */
#define FLASH_ACR_DCRST  (1u << 12) /* reset the D-cache; only while DCEN is 0 */

#define FLASH_SR_EOP     (1u << 0)
#define FLASH_SR_OPERR   (1u << 1)
#define FLASH_SR_WRPERR  (1u << 4)  /* target sector write-protected (nWRP) */
#define FLASH_SR_PGAERR  (1u << 5)  /* programming alignment */
#define FLASH_SR_PGPERR  (1u << 6)  /* programming parallelism (PSIZE) */
#define FLASH_SR_PGSERR  (1u << 7)  /* programming sequence */
#define FLASH_SR_BSY     (1u << 16)
#define FLASH_SR_ERRORS  (FLASH_SR_OPERR | FLASH_SR_WRPERR | FLASH_SR_PGAERR | \
                          FLASH_SR_PGPERR | FLASH_SR_PGSERR)

#define FLASH_CR_PG      (1u << 0)
#define FLASH_CR_SER     (1u << 1)
#define FLASH_CR_SNB(n)  ((uint32_t)(n) << 3) /* sector number, bits 3-6 on 1 MiB parts */
#define FLASH_CR_SNB_MASK (0x1Fu << 3)
#define FLASH_CR_PSIZE_X8  (0u << 8)
#define FLASH_CR_PSIZE_X32 (2u << 8)
#define FLASH_CR_PSIZE_MASK (3u << 8)
#define FLASH_CR_STRT    (1u << 16)
#define FLASH_CR_LOCK    (1u << 31)

/* ---- RCC (RM0090 section 7.3), only the clock enables and resets used ------- */
#define RCC_BASE       0x40023800u
#define RCC_AHB1RSTR   (RCC_BASE + 0x10u)
#define RCC_APB2RSTR   (RCC_BASE + 0x24u)
#define RCC_AHB1ENR    (RCC_BASE + 0x30u)
#define RCC_APB2ENR    (RCC_BASE + 0x44u)
#define RCC_CSR        (RCC_BASE + 0x74u)
#define RCC_AHB1_GPIOA (1u << 0)
#define RCC_APB2_SPI1  (1u << 12)
#define RCC_CSR_LSION  (1u << 0)
#define RCC_CSR_LSIRDY (1u << 1)

/* ---- GPIOA (RM0090 section 8.4) ---------------------------------------------- */
#define GPIOA_BASE     0x40020000u
#define GPIO_MODER(b)   ((b) + 0x00u)
#define GPIO_OSPEEDR(b) ((b) + 0x08u)
#define GPIO_PUPDR(b)   ((b) + 0x0Cu)
#define GPIO_BSRR(b)    ((b) + 0x18u)
#define GPIO_AFRL(b)    ((b) + 0x20u)
#define GPIO_MODE_OUT  1u
#define GPIO_MODE_AF   2u
#define GPIO_PULL_UP   1u
#define GPIO_SPEED_HIGH 2u

/* ---- SPI1 (RM0090 section 28.5), APB2 ---------------------------------------- */
#define SPI1_BASE      0x40013000u
#define SPI_CR1(b)     ((b) + 0x00u)
#define SPI_SR(b)      ((b) + 0x08u)
#define SPI_DR(b)      ((b) + 0x0Cu)
#define SPI_CR1_MSTR   (1u << 2)
#define SPI_CR1_BR(n)  ((uint32_t)(n) << 3) /* f_PCLK / 2^(n+1) */
#define SPI_CR1_SPE    (1u << 6)
#define SPI_CR1_SSI    (1u << 8)
#define SPI_CR1_SSM    (1u << 9)
#define SPI_SR_RXNE    (1u << 0)
#define SPI_SR_TXE     (1u << 1)
#define SPI_SR_MODF    (1u << 5)
#define SPI_SR_OVR     (1u << 6)
#define SPI_SR_BSY     (1u << 7)

/* ---- IWDG (RM0090 section 19.4) ------------------------------------------------ */
#define IWDG_BASE      0x40003000u
#define IWDG_KR        (IWDG_BASE + 0x00u)
#define IWDG_PR        (IWDG_BASE + 0x04u)
#define IWDG_RLR       (IWDG_BASE + 0x08u)
#define IWDG_SR        (IWDG_BASE + 0x0Cu)
#define IWDG_KEY_ACCESS 0x5555u /* unlock PR and RLR */
#define IWDG_KEY_RELOAD 0xAAAAu
#define IWDG_KEY_START  0xCCCCu
#define IWDG_PR_DIV256  6u
#define IWDG_SR_PVU    (1u << 0)
#define IWDG_SR_RVU    (1u << 1)

/* ---- Cortex-M4 System Control Space (Armv7-M) ------------------------------ */
#define SCS_SYST_CSR   0xE000E010u
#define SCS_SYST_RVR   0xE000E014u
#define SCS_SYST_CVR   0xE000E018u
#define SCS_NVIC_ICER0 0xE000E180u
#define SCS_NVIC_ICPR0 0xE000E280u
#define SCS_ICSR       0xE000ED04u
#define SCS_VTOR       0xE000ED08u
#define SCS_AIRCR      0xE000ED0Cu
#define SCS_SHCSR      0xE000ED24u
#define SCS_CPACR      0xE000ED88u
#define SCS_MPU_TYPE   0xE000ED90u
#define SCS_MPU_CTRL   0xE000ED94u
#define SCS_MPU_RNR    0xE000ED98u
#define SCS_MPU_RBAR   0xE000ED9Cu
#define SCS_MPU_RASR   0xE000EDA0u

#endif
