/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SSI0 as the SPI seam of the SD card (include/ferry/spi.h): SPI mode 0,
 * 8-bit frames, one byte at a time through the FIFOs (write, then read the
 * byte clocked in). Chip select is a plain GPIO (D0, active low) so that a
 * command, its response and its data stay inside one selection.
 */
#include <stddef.h>
#include "board.h"
#include "ferry/errors.h"
#include "lm3s.h"

static void cs_select(void *ctx)
{
    (void)ctx;
    GPIO_DATA(SD_CS_PORT, SD_CS_PIN) = 0;
}

static void cs_deselect(void *ctx)
{
    (void)ctx;
    GPIO_DATA(SD_CS_PORT, SD_CS_PIN) = SD_CS_PIN;
}

static int exchange(void *ctx, const uint8_t *tx, uint8_t *rx, size_t len)
{
    (void)ctx;
    for (size_t i = 0; i < len; i++) {
        while (!(SSI_SR & SSI_SR_TNF))
            ;
        SSI_DR = tx ? tx[i] : 0xFFu;
        /* Bounded: a byte takes 16 SSI clocks at most; a controller that
         * never delivers one is a failure, not a hang. */
        uint32_t spins = 0;
        while (!(SSI_SR & SSI_SR_RNE))
            if (++spins > 1000000u)
                return FERRY_E_IO;
        uint8_t b = (uint8_t)SSI_DR;
        if (rx)
            rx[i] = b;
    }
    return 0;
}

/* SSI clock = SYSCLK / (CPSDVSR * (1 + SCR)); CPSDVSR even, 2..254. */
static int set_clock(void *ctx, uint32_t hz)
{
    (void)ctx;
    for (uint32_t cpsr = 2; cpsr <= 254; cpsr += 2)
        for (uint32_t scr = 0; scr <= 255; scr++)
            if (SYSCLK_HZ / (cpsr * (scr + 1u)) <= hz) {
                SSI_CR1 = 0;
                SSI_CPSR = cpsr;
                SSI_CR0 = (scr << 8) | 0x7u; /* SPI mode 0, 8 bits */
                SSI_CR1 = 0x2u;              /* enable */
                return 0;
            }
    return FERRY_E_UNSUPPORTED;
}

static uint32_t millis(void *ctx)
{
    (void)ctx;
    return lm3s_millis();
}

static void delay_ms(void *ctx, uint32_t ms)
{
    (void)ctx;
    uint32_t start = lm3s_millis();
    while (lm3s_millis() - start < ms)
        __asm__ volatile("wfi");
}

static const struct ferry_spi_ops ssi_ops = {
    .select = cs_select,
    .deselect = cs_deselect,
    .exchange = exchange,
    .set_clock = set_clock,
    .millis = millis,
    .delay_ms = delay_ms,
};

const struct ferry_spi *lm3s_sd_spi(void)
{
    static struct ferry_spi spi;
    SYSCTL_RCGC1 |= 0x10u;              /* SSI0 */
    SYSCTL_RCGC2 |= (1u << 2) | (1u << 3); /* GPIO C, D */
    GPIO_DIR(SD_CS_PORT) |= SD_CS_PIN;
    GPIO_DEN(SD_CS_PORT) |= SD_CS_PIN;
    GPIO_DATA(SD_CS_PORT, SD_CS_PIN) = SD_CS_PIN;
    GPIO_DIR(OLED_CS_PORT) |= OLED_CS_PIN;
    GPIO_DEN(OLED_CS_PORT) |= OLED_CS_PIN;
    GPIO_DATA(OLED_CS_PORT, OLED_CS_PIN) = OLED_CS_PIN;
    (void)set_clock(NULL, 400000u);
    spi.ops = &ssi_ops;
    spi.ctx = NULL;
    return &spi;
}
