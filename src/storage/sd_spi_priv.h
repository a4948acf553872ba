/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SD-in-SPI driver's internal parts (include/ferry/sd_spi.h is the
 * contract):
 *   sd_spi_bus.c     bytes on the bus: chip select, CRCs, deadlines, command
 *                    frames and R1, waiting for ready, reading a data block
 *   sd_spi.c         identification: CMD0 .. CMD16, the CSD's capacity
 *   sd_spi_blocks.c  block reads and writes, and the block-device ops
 */
#ifndef FERRY_SD_SPI_PRIV_H
#define FERRY_SD_SPI_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include "ferry/sd_spi.h"

/* Commands (the index; the frame's first byte is 0x40 | index). */
#define SD_CMD0   0  /* GO_IDLE_STATE */
#define SD_CMD8   8  /* SEND_IF_COND */
#define SD_CMD9   9  /* SEND_CSD */
#define SD_CMD12 12  /* STOP_TRANSMISSION */
#define SD_CMD13 13  /* SEND_STATUS */
#define SD_CMD16 16  /* SET_BLOCKLEN */
#define SD_CMD17 17  /* READ_SINGLE_BLOCK */
#define SD_CMD18 18  /* READ_MULTIPLE_BLOCK */
#define SD_CMD24 24  /* WRITE_BLOCK */
#define SD_CMD25 25  /* WRITE_MULTIPLE_BLOCK */
#define SD_CMD55 55  /* APP_CMD: the next command is application specific */
#define SD_CMD58 58  /* READ_OCR */
#define SD_CMD59 59  /* CRC_ON_OFF */
#define SD_ACMD41 41 /* SD_SEND_OP_COND */

/* R1 bits. */
#define SD_R1_IDLE    0x01u
#define SD_R1_ILLEGAL 0x04u
#define SD_R1_ERRORS  0x7Eu /* every bit but idle */

/* Data tokens. */
#define SD_TOKEN_START       0xFEu /* single block read/write, multi-block read, CSD */
#define SD_TOKEN_MULTI_WRITE 0xFCu /* each block of CMD25 */
#define SD_TOKEN_STOP_TRAN   0xFDu /* ends CMD25 */
#define SD_DATA_ACCEPTED     0x05u /* data response (low five bits) */

/* OCR bits. */
#define SD_OCR_POWERED_UP 0x80000000u /* the card finished powering up */
#define SD_OCR_CCS        0x40000000u /* card capacity status: block addressing */

/* A time limit: milliseconds on the port's clock, or polled bytes without one. */
struct sd_deadline {
    uint32_t start;
    uint32_t limit_ms;
    uint32_t polls_left;
};

void sd_deadline_start(const struct ferry_sd_spi *sd, struct sd_deadline *d, uint32_t ms);
/* 1 once the limit has passed. Counts one poll without a clock. */
int sd_deadline_passed(const struct ferry_sd_spi *sd, struct sd_deadline *d);

uint8_t sd_crc7(const uint8_t *p, size_t n);   /* command CRC (7 bits, in the low bits) */
uint16_t sd_crc16(const uint8_t *p, size_t n); /* data CRC (CCITT, initial 0) */

/* Chip select with one idle byte after deselect, so the card lets go of MISO. */
void sd_select(struct ferry_sd_spi *sd);
void sd_deselect(struct ferry_sd_spi *sd);

/* One byte out (tx), the byte clocked in at the same time in *rx (may be NULL).
 * FERRY_E_IO from the controller. */
int sd_byte(struct ferry_sd_spi *sd, uint8_t tx, uint8_t *rx);
int sd_xfer(struct ferry_sd_spi *sd, const uint8_t *tx, uint8_t *rx, size_t n);

/* Polls until the card stops holding MISO low (busy). FERRY_E_TIMEOUT. */
int sd_wait_ready(struct ferry_sd_spi *sd, uint32_t ms);

/*
 * Sends one command frame (chip select must be active) and reads R1 into
 * *r1. Waits for the card to be ready first unless cmd is CMD0. After CMD12
 * the stuff byte is skipped. FERRY_E_SD_NOCARD: nothing but 0xFF came back;
 * FERRY_E_SD_PROTO: bytes came back but none was an R1; FERRY_E_TIMEOUT:
 * the card stayed busy before the command; FERRY_E_IO.
 */
int sd_command(struct ferry_sd_spi *sd, uint8_t cmd, uint32_t arg, uint8_t *r1);

/*
 * Reads one data block of `len` bytes: waits for the start token, reads the
 * data and its CRC16 (checked when use_crc). FERRY_E_TIMEOUT (no token),
 * FERRY_E_IO (error token, CRC mismatch), FERRY_E_SD_PROTO (a byte that is
 * neither a token nor idle).
 */
int sd_read_data(struct ferry_sd_spi *sd, uint8_t *buf, size_t len);

/* Maps an R1 that should be 0 (or `allowed`) to 0 or an error:
 * FERRY_E_IO for error bits, FERRY_E_SD_PROTO for an unexpected idle bit. */
int sd_r1_check(uint8_t r1, uint8_t allowed);

/* The block-device ops over ferry_sd_spi_read_blocks/write_blocks (ctx: the driver). */
extern const struct ferry_bd_ops sd_spi_bd_ops;

#endif
