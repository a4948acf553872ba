/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SD in SPI mode: block reads and writes, and the card as a struct ferry_bd
 * (contract: include/ferry/sd_spi.h).
 *
 * Every transfer is one chip-select frame that ends with the card idle: a
 * multi-block read ends with CMD12 and its busy time, a write with the busy
 * time of the last block and CMD13 (status), so the next caller starts clean
 * and a program that returned 0 is complete.
 */
#include "ferry/errors.h"
#include "sd_spi_priv.h"

static uint32_t card_addr(const struct ferry_sd_spi *sd, uint32_t lba)
{
    return sd->type == FERRY_SD_V2_SDHC ? lba : lba * FERRY_SD_BLOCK;
}

static int check_range(const struct ferry_sd_spi *sd, uint32_t lba, uint32_t count)
{
    if (sd->blocks == 0)
        return FERRY_E_INVAL; /* not initialised */
    if (lba > sd->blocks || count > sd->blocks - lba)
        return FERRY_E_RANGE;
    return 0;
}

/* CMD12 after the last block of CMD18; the card may be busy for a moment. */
static int stop_read(struct ferry_sd_spi *sd)
{
    uint8_t r1;
    int err = sd_command(sd, SD_CMD12, 0, &r1);
    if (!err)
        err = sd_r1_check(r1, 0);
    if (!err)
        err = sd_wait_ready(sd, sd->cfg.write_timeout_ms);
    return err;
}

int ferry_sd_spi_read_blocks(struct ferry_sd_spi *sd, uint32_t lba, void *buf, uint32_t count)
{
    uint8_t *p = buf, r1;
    int err = check_range(sd, lba, count);
    if (err || count == 0)
        return err;
    sd_select(sd);
    err = sd_command(sd, count == 1 ? SD_CMD17 : SD_CMD18, card_addr(sd, lba), &r1);
    if (!err)
        err = sd_r1_check(r1, 0);
    int started = !err;
    for (uint32_t i = 0; !err && i < count; i++)
        err = sd_read_data(sd, p + (size_t)i * FERRY_SD_BLOCK, FERRY_SD_BLOCK);
    if (count > 1 && started && err != FERRY_E_SD_NOCARD) {
        /* Stop the transfer also after a failed block, so the card is idle. */
        int stop = stop_read(sd);
        if (!err)
            err = stop;
    }
    sd_deselect(sd);
    return err;
}

/* The data response after a written block, then the busy time. */
static int block_written(struct ferry_sd_spi *sd)
{
    uint8_t resp = 0xFF;
    int err = 0;
    /* The response follows the CRC at once; allow a little slack. */
    for (unsigned i = 0; i < 8 && !err && resp == 0xFF; i++)
        err = sd_xfer(sd, NULL, &resp, 1);
    if (err)
        return err;
    if (resp == 0xFF)
        return FERRY_E_SD_NOCARD;
    if ((resp & 0x11u) != 0x01u)
        return FERRY_E_SD_PROTO; /* not of the form xxx0sss1 */
    if ((resp & 0x1Fu) != SD_DATA_ACCEPTED)
        return FERRY_E_IO; /* CRC error (0x0B) or write error (0x0D) */
    return sd_wait_ready(sd, sd->cfg.write_timeout_ms);
}

static int send_block(struct ferry_sd_spi *sd, uint8_t token, const uint8_t *data)
{
    uint8_t head[2] = {0xFF, token}; /* one idle byte before the token */
    uint16_t crc = sd->cfg.use_crc ? sd_crc16(data, FERRY_SD_BLOCK) : 0xFFFFu;
    uint8_t tail[2] = {(uint8_t)(crc >> 8), (uint8_t)crc};
    int err = sd_xfer(sd, head, NULL, sizeof head);
    if (!err)
        err = sd_xfer(sd, data, NULL, FERRY_SD_BLOCK);
    if (!err)
        err = sd_xfer(sd, tail, NULL, sizeof tail);
    return err ? err : block_written(sd);
}

/* CMD13: errors the card found while programming (write protect, ECC). */
static int check_status(struct ferry_sd_spi *sd)
{
    uint8_t r1, r2;
    int err = sd_command(sd, SD_CMD13, 0, &r1);
    if (!err)
        err = sd_xfer(sd, NULL, &r2, 1);
    if (!err)
        err = sd_r1_check(r1, 0);
    if (!err && r2 != 0)
        err = FERRY_E_IO;
    return err;
}

int ferry_sd_spi_write_blocks(struct ferry_sd_spi *sd, uint32_t lba, const void *buf,
                              uint32_t count)
{
    const uint8_t *p = buf;
    uint8_t r1;
    int err = check_range(sd, lba, count);
    if (err || count == 0)
        return err;
    sd_select(sd);
    err = sd_command(sd, count == 1 ? SD_CMD24 : SD_CMD25, card_addr(sd, lba), &r1);
    if (!err)
        err = sd_r1_check(r1, 0);
    if (!err && count == 1) {
        err = send_block(sd, SD_TOKEN_START, p);
    } else if (!err) {
        for (uint32_t i = 0; !err && i < count; i++)
            err = send_block(sd, SD_TOKEN_MULTI_WRITE, p + (size_t)i * FERRY_SD_BLOCK);
        if (err != FERRY_E_SD_NOCARD && err != FERRY_E_TIMEOUT) {
            /* End the transfer also after a rejected block. */
            uint8_t stop[2] = {SD_TOKEN_STOP_TRAN, 0xFF};
            int e = sd_xfer(sd, stop, NULL, sizeof stop);
            if (!e)
                e = sd_wait_ready(sd, sd->cfg.write_timeout_ms);
            if (!err)
                err = e;
        }
    }
    if (!err)
        err = check_status(sd);
    sd_deselect(sd);
    return err;
}

/* ---- struct ferry_bd ------------------------------------------------------ */

static int bd_args(const struct ferry_sd_spi *sd, uint64_t addr, uint32_t len, uint32_t *lba)
{
    if (addr % FERRY_SD_BLOCK || len % FERRY_SD_BLOCK)
        return FERRY_E_ALIGN;
    if (addr > sd->geo.size || len > sd->geo.size - addr)
        return FERRY_E_RANGE;
    *lba = (uint32_t)(addr / FERRY_SD_BLOCK);
    return 0;
}

static int bd_read(void *ctx, uint64_t addr, void *buf, uint32_t len)
{
    struct ferry_sd_spi *sd = ctx;
    uint32_t lba;
    int err = bd_args(sd, addr, len, &lba);
    return err ? err : ferry_sd_spi_read_blocks(sd, lba, buf, len / FERRY_SD_BLOCK);
}

static int bd_program(void *ctx, uint64_t addr, const void *buf, uint32_t len)
{
    struct ferry_sd_spi *sd = ctx;
    uint32_t lba;
    int err = bd_args(sd, addr, len, &lba);
    return err ? err : ferry_sd_spi_write_blocks(sd, lba, buf, len / FERRY_SD_BLOCK);
}

const struct ferry_bd_ops sd_spi_bd_ops = {
    .read = bd_read,
    .program = bd_program,
    .erase = NULL,
    .sync = NULL,
};
