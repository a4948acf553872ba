/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry: the SPI seam. A port gives a device driver (the SD card in SPI
 * mode, include/ferry/sd_spi.h) one peripheral on a SPI bus: its chip select,
 * full-duplex byte exchange, the clock rate, and a millisecond clock for
 * timeouts. Like the other seams: const ops + context, nothing global.
 *
 * Bus conventions: SPI mode 0 (CPOL 0, CPHA 0), most significant bit first,
 * 8-bit frames. The line the device drives (MISO) must read as 0xFF when
 * nothing drives it (a pull-up): that is how a driver tells "no device".
 */
#ifndef FERRY_SPI_H
#define FERRY_SPI_H

#include <stddef.h>
#include <stdint.h>

struct ferry_spi_ops {
    /* Chip select active (low): the device listens from the next byte on. */
    void (*select)(void *ctx);
    /* Chip select inactive (high). */
    void (*deselect)(void *ctx);
    /* Clocks len bytes out and len bytes in at the same time: tx[i] goes out
       while rx[i] comes in. tx NULL: every byte sent is 0xFF (the idle level
       SD cards expect while they answer). rx NULL: the bytes received are
       dropped. len may be 0. Also used with chip select inactive (the SD
       power-up clocks). Returns 0, or FERRY_E_IO (the controller failed). */
    int (*exchange)(void *ctx, const uint8_t *tx, uint8_t *rx, size_t len);
    /* Sets the clock to the fastest rate the controller has that is at most
       hz. NULL: the clock is fixed (the port chose a rate that suits the
       device). Returns 0, or FERRY_E_UNSUPPORTED (no rate that low). */
    int (*set_clock)(void *ctx, uint32_t hz);
    /* Milliseconds since any fixed point; wraps at 2^32, only differences
       are used. NULL: no clock; drivers then bound every wait by a number of
       bytes polled, computed from the clock rate they asked for (so the bound
       is right only if the controller really runs at that rate). */
    uint32_t (*millis)(void *ctx);
    /* Waits about ms milliseconds (between polls of a device that is still
       starting up). NULL: drivers poll without pausing. */
    void (*delay_ms)(void *ctx, uint32_t ms);
};

struct ferry_spi {
    const struct ferry_spi_ops *ops;
    void *ctx; /* passed to every op */
};

#endif
