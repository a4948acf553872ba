/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry: an SD card in SPI mode as a block device (struct ferry_bd).
 *
 * ferry_sd_spi_init() wakes the card up and identifies it:
 *   74+ clocks with chip select high, CMD0 (go idle, enter SPI mode),
 *   CMD8 (interface condition: tells version 2 cards from version 1),
 *   CMD59 (CRC checking on, only when asked for), CMD55+ACMD41 until the
 *   card leaves the idle state (with HCS: "the host takes high capacity"),
 *   CMD58 (OCR: CCS tells SDHC/SDXC block addressing from SDSC byte
 *   addressing), CMD9 (CSD: the capacity), CMD16 (512-byte blocks, SDSC only).
 * Then block reads use CMD17 (one block) or CMD18 + CMD12 (several), writes
 * CMD24 (one block) or CMD25 with multi-block tokens (several); every write
 * waits until the card is no longer busy, so a program that returned 0 is on
 * the card (as far as a card promises anything across a power cut).
 *
 * Tolerated quirk: QEMU's card still answers CMD58 with R1 = 0x01 (idle)
 * after initialisation; the driver accepts 0x00 or 0x01 there and judges
 * readiness by ACMD41 and the OCR's power-up bit instead.
 *
 * Errors (from init and from every block-device op):
 *   FERRY_E_SD_NOCARD  nothing answers a command (MISO stays high): no card,
 *                      a card without power, or one that was pulled out
 *   FERRY_E_SD_PROTO   the card answers, but not as the protocol says
 *                      (garbage, a response that makes no sense, an
 *                      unsupported card: version 1 MMC, bad CSD, 0-size;
 *                      during identification also any refused command)
 *   FERRY_E_TIMEOUT    the card stays busy, or never becomes ready, or never
 *                      sends the data it announced, within the time limits
 *   FERRY_E_IO         the card refused the operation (R1 error bits, data
 *                      error token, write rejected, CRC mismatch) or the SPI
 *                      controller failed
 *   FERRY_E_ALIGN, FERRY_E_RANGE, FERRY_E_INVAL  from the block-device ops
 *                      for misaligned or out-of-range requests (no bus traffic)
 */
#ifndef FERRY_SD_SPI_H
#define FERRY_SD_SPI_H

#include <stdint.h>
#include "ferry/blockdev.h"
#include "ferry/spi.h"

#define FERRY_SD_BLOCK 512u /* bytes: the block size of every SD card in SPI mode */

enum ferry_sd_type {
    FERRY_SD_UNKNOWN = 0,
    FERRY_SD_V1_SDSC = 1, /* version 1.x standard capacity (no CMD8) */
    FERRY_SD_V2_SDSC = 2, /* version 2+ standard capacity: byte addresses */
    FERRY_SD_V2_SDHC = 3, /* high/extended capacity: block addresses */
};

/* Every field may be 0 for its default. */
struct ferry_sd_spi_config {
    uint32_t init_hz;          /* clock during identification; default 400 kHz */
    uint32_t fast_hz;          /* clock afterwards; default 25 MHz */
    uint16_t init_timeout_ms;  /* CMD0 .. ACMD41 ready; default 1000 */
    uint16_t read_timeout_ms;  /* data token after a read command; default 200 */
    uint16_t write_timeout_ms; /* busy after a written block; default 600 */
    uint8_t use_crc;           /* 1: CMD59 on, CRC16 checked on reads, sent on writes */
};

/* Driver state: caller-allocated, valid from a successful init on. */
struct ferry_sd_spi {
    struct ferry_spi spi;
    struct ferry_sd_spi_config cfg; /* with defaults filled in */
    enum ferry_sd_type type;
    uint32_t blocks;                /* capacity in 512-byte blocks */
    uint32_t ocr;                   /* from CMD58 */
    uint8_t csd[16];                /* from CMD9 */
    uint32_t hz;                    /* clock rate asked for last */
    struct ferry_bd_geometry geo;
    struct ferry_bd bd;
};

/*
 * Identifies the card on `spi` and fills `sd` (which keeps a copy of `spi`;
 * spi->ctx must stay valid). `cfg` may be NULL for all defaults.
 * Errors: FERRY_E_INVAL (NULL argument or missing op), and the errors above.
 */
int ferry_sd_spi_init(struct ferry_sd_spi *sd, const struct ferry_spi *spi,
                      const struct ferry_sd_spi_config *cfg);

/*
 * The card as a block device, valid after a successful init:
 * size = blocks * 512; read, program and erase units 512; no erase op
 * (erased_value -1: blocks are overwritten in place); no sync op (writes are
 * complete when program returns).
 */
const struct ferry_bd *ferry_sd_spi_bd(struct ferry_sd_spi *sd);

/* Reads/writes `count` whole blocks starting at block `lba` (the bd ops
 * call these). count 0 does nothing. Errors as above, FERRY_E_RANGE past
 * the end. */
int ferry_sd_spi_read_blocks(struct ferry_sd_spi *sd, uint32_t lba, void *buf, uint32_t count);
int ferry_sd_spi_write_blocks(struct ferry_sd_spi *sd, uint32_t lba, const void *buf,
                              uint32_t count);

#endif
