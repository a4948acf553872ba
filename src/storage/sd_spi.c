/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SD in SPI mode: identification (contract: include/ferry/sd_spi.h).
 * The steps follow the SD Physical Layer specification's SPI-mode
 * initialisation flow; each one states what it expects and why.
 */
#include <string.h>
#include "ferry/errors.h"
#include "sd_spi_priv.h"

#define SD_DEFAULT_INIT_HZ    400000u
#define SD_DEFAULT_FAST_HZ    25000000u
#define SD_DEFAULT_INIT_MS    1000u
#define SD_DEFAULT_READ_MS    200u
#define SD_DEFAULT_WRITE_MS   600u
#define SD_CMD8_ARG           0x000001AAu /* 2.7-3.6 V, check pattern 0xAA */
#define SD_ACMD41_HCS         0x40000000u /* the host supports high capacity */

static void set_defaults(struct ferry_sd_spi_config *c)
{
    if (!c->init_hz)
        c->init_hz = SD_DEFAULT_INIT_HZ;
    if (!c->fast_hz)
        c->fast_hz = SD_DEFAULT_FAST_HZ;
    if (!c->init_timeout_ms)
        c->init_timeout_ms = SD_DEFAULT_INIT_MS;
    if (!c->read_timeout_ms)
        c->read_timeout_ms = SD_DEFAULT_READ_MS;
    if (!c->write_timeout_ms)
        c->write_timeout_ms = SD_DEFAULT_WRITE_MS;
}

static int set_clock(struct ferry_sd_spi *sd, uint32_t hz)
{
    sd->hz = hz;
    return sd->spi.ops->set_clock ? sd->spi.ops->set_clock(sd->spi.ctx, hz) : 0;
}

/* During identification any R1 but the expected ones means the card does
 * not follow the protocol (or is not an SD card): never "refused". */
static int init_r1(uint8_t r1, uint8_t allowed)
{
    return (r1 & ~allowed) ? FERRY_E_SD_PROTO : 0;
}

/* One command in its own chip-select frame; `extra` bytes after R1 (R3/R7). */
static int command(struct ferry_sd_spi *sd, uint8_t cmd, uint32_t arg, uint8_t *r1,
                   uint8_t *extra, size_t extra_len)
{
    sd_select(sd);
    int err = sd_command(sd, cmd, arg, r1);
    if (!err && extra_len)
        err = sd_xfer(sd, NULL, extra, extra_len);
    sd_deselect(sd);
    return err;
}

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* CMD0 until the card answers "idle" (some cards need a few tries after power-up). */
static int go_idle(struct ferry_sd_spi *sd)
{
    struct sd_deadline d;
    int err;
    uint8_t r1 = 0xFF;
    sd_deadline_start(sd, &d, sd->cfg.init_timeout_ms);
    for (unsigned tries = 0;; tries++) {
        err = command(sd, SD_CMD0, 0, &r1, NULL, 0);
        if (!err && r1 == SD_R1_IDLE)
            return 0;
        if (err == FERRY_E_IO)
            return err;
        /* No answer at all is final: a card that is there answers CMD0. */
        if (err == FERRY_E_SD_NOCARD && tries >= 2)
            return err;
        if (sd_deadline_passed(sd, &d) || tries >= 16)
            return err ? err : FERRY_E_SD_PROTO;
    }
}

/* CMD8: 1 for a version 2+ card, 0 for version 1 (illegal command). */
static int check_interface(struct ferry_sd_spi *sd, int *v2)
{
    uint8_t r1, r7[4];
    int err = command(sd, SD_CMD8, SD_CMD8_ARG, &r1, r7, sizeof r7);
    if (err)
        return err;
    if (r1 == (SD_R1_IDLE | SD_R1_ILLEGAL)) {
        *v2 = 0;
        return 0;
    }
    if (r1 != SD_R1_IDLE)
        return FERRY_E_SD_PROTO;
    /* Echo of the voltage range and the check pattern: a card that does not
     * accept our voltage cannot be used. */
    if ((r7[2] & 0x0Fu) != 0x01u || r7[3] != 0xAAu)
        return FERRY_E_SD_PROTO;
    *v2 = 1;
    return 0;
}

/* CMD55 + ACMD41 until the card leaves the idle state. */
static int wait_ready(struct ferry_sd_spi *sd, int v2)
{
    struct sd_deadline d;
    sd_deadline_start(sd, &d, sd->cfg.init_timeout_ms);
    for (;;) {
        uint8_t r1;
        int err = command(sd, SD_CMD55, 0, &r1, NULL, 0);
        if (!err)
            err = init_r1(r1, SD_R1_IDLE);
        if (!err)
            err = command(sd, SD_ACMD41, v2 ? SD_ACMD41_HCS : 0, &r1, NULL, 0);
        if (err)
            return err;
        if (r1 == 0)
            return 0;
        if (r1 != SD_R1_IDLE)
            /* Illegal here: an MMC card, which this driver does not support. */
            return FERRY_E_SD_PROTO;
        if (sd_deadline_passed(sd, &d))
            return FERRY_E_TIMEOUT;
        if (sd->spi.ops->delay_ms)
            sd->spi.ops->delay_ms(sd->spi.ctx, 1);
    }
}

/* CMD58: OCR. R1 may still say idle (QEMU does), see the header. */
static int read_ocr(struct ferry_sd_spi *sd)
{
    uint8_t r1, ocr[4];
    int err = command(sd, SD_CMD58, 0, &r1, ocr, sizeof ocr);
    if (!err)
        err = init_r1(r1, SD_R1_IDLE);
    if (err)
        return err;
    sd->ocr = be32(ocr);
    if (!(sd->ocr & SD_OCR_POWERED_UP))
        return FERRY_E_SD_PROTO; /* ACMD41 said ready, the OCR says not */
    return 0;
}

/* Capacity in blocks from the CSD, FERRY_E_SD_PROTO when it makes no sense. */
static int csd_blocks(const uint8_t *csd, enum ferry_sd_type type, uint32_t *blocks)
{
    unsigned structure = csd[0] >> 6;
    if (structure == 0) {
        /* CSD 1.0: (C_SIZE + 1) * 2^(C_SIZE_MULT + 2) blocks of 2^READ_BL_LEN bytes. */
        unsigned read_bl_len = csd[5] & 0x0Fu;
        uint32_t c_size = ((uint32_t)(csd[6] & 0x03u) << 10) | ((uint32_t)csd[7] << 2) |
                          (csd[8] >> 6);
        unsigned mult = ((csd[9] & 0x03u) << 1) | (csd[10] >> 7);
        if (type == FERRY_SD_V2_SDHC || read_bl_len < 9 || read_bl_len > 11)
            return FERRY_E_SD_PROTO;
        *blocks = (c_size + 1u) << (mult + 2u + read_bl_len - 9u);
        return 0;
    }
    if (structure == 1) {
        /* CSD 2.0: (C_SIZE + 1) * 512 KiB. SDSC cards never use it. */
        uint32_t c_size = ((uint32_t)(csd[7] & 0x3Fu) << 16) | ((uint32_t)csd[8] << 8) | csd[9];
        if (type != FERRY_SD_V2_SDHC || c_size >= 0x3FFFFFu)
            return FERRY_E_SD_PROTO; /* the largest value would not fit 2^32 blocks */
        *blocks = (c_size + 1u) * 1024u;
        return 0;
    }
    return FERRY_E_SD_PROTO; /* SDUC or reserved: not supported */
}

static int read_csd(struct ferry_sd_spi *sd)
{
    uint8_t r1;
    sd_select(sd);
    int err = sd_command(sd, SD_CMD9, 0, &r1);
    if (!err)
        err = init_r1(r1, 0);
    if (!err)
        err = sd_read_data(sd, sd->csd, sizeof sd->csd);
    sd_deselect(sd);
    if (err)
        return err;
    err = csd_blocks(sd->csd, sd->type, &sd->blocks);
    if (!err && sd->blocks == 0)
        err = FERRY_E_SD_PROTO;
    return err;
}

static int identify(struct ferry_sd_spi *sd)
{
    uint8_t r1;
    int v2 = 0;
    int err = go_idle(sd);
    if (!err)
        err = check_interface(sd, &v2);
    if (!err && sd->cfg.use_crc) {
        err = command(sd, SD_CMD59, 1, &r1, NULL, 0);
        if (!err)
            err = init_r1(r1, SD_R1_IDLE);
    }
    if (!err)
        err = wait_ready(sd, v2);
    if (err)
        return err;
    sd->type = FERRY_SD_V1_SDSC;
    if (v2) {
        err = read_ocr(sd);
        if (err)
            return err;
        sd->type = (sd->ocr & SD_OCR_CCS) ? FERRY_SD_V2_SDHC : FERRY_SD_V2_SDSC;
    }
    err = set_clock(sd, sd->cfg.fast_hz);
    if (!err)
        err = read_csd(sd);
    if (!err && sd->type != FERRY_SD_V2_SDHC) {
        /* Byte-addressed cards: make the block length ours. */
        err = command(sd, SD_CMD16, FERRY_SD_BLOCK, &r1, NULL, 0);
        if (!err)
            err = init_r1(r1, 0);
    }
    if (!err && sd->type != FERRY_SD_V2_SDHC && sd->blocks > UINT32_MAX / FERRY_SD_BLOCK)
        err = FERRY_E_SD_PROTO; /* byte addresses would not fit the command argument */
    return err;
}

int ferry_sd_spi_init(struct ferry_sd_spi *sd, const struct ferry_spi *spi,
                      const struct ferry_sd_spi_config *cfg)
{
    if (!sd || !spi || !spi->ops || !spi->ops->select || !spi->ops->deselect ||
        !spi->ops->exchange)
        return FERRY_E_INVAL;
    memset(sd, 0, sizeof *sd);
    sd->spi = *spi;
    if (cfg)
        sd->cfg = *cfg;
    set_defaults(&sd->cfg);

    int err = set_clock(sd, sd->cfg.init_hz);
    if (err)
        return err;
    /* At least 74 clocks with chip select high: the card finishes powering up. */
    sd->spi.ops->deselect(sd->spi.ctx);
    err = sd_xfer(sd, NULL, NULL, 10);
    if (!err)
        err = identify(sd);
    if (err) {
        sd->type = FERRY_SD_UNKNOWN;
        sd->blocks = 0;
        return err;
    }
    sd->geo.size = (uint64_t)sd->blocks * FERRY_SD_BLOCK;
    sd->geo.read_unit = FERRY_SD_BLOCK;
    sd->geo.program_unit = FERRY_SD_BLOCK;
    sd->geo.erase_unit = FERRY_SD_BLOCK;
    sd->geo.erased_value = -1;
    sd->bd.ops = &sd_spi_bd_ops;
    sd->bd.ctx = sd;
    sd->bd.geo = &sd->geo;
    return 0;
}

const struct ferry_bd *ferry_sd_spi_bd(struct ferry_sd_spi *sd)
{
    return &sd->bd;
}
