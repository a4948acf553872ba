/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SD in SPI mode, bytes on the bus: chip select, CRCs, deadlines, command
 * frames and R1, busy waits, data blocks (contract: src/storage/sd_spi_priv.h).
 */
#include "ferry/errors.h"
#include "sd_spi_priv.h"

/* A response arrives within 8 bytes after the command (NCR); one more for slack. */
#define SD_NCR_MAX 9u

void sd_deadline_start(const struct ferry_sd_spi *sd, struct sd_deadline *d, uint32_t ms)
{
    d->limit_ms = ms;
    d->start = sd->spi.ops->millis ? sd->spi.ops->millis(sd->spi.ctx) : 0;
    /* Without a clock: bytes that fit in `ms` at the rate asked for. */
    uint32_t bytes_per_ms = sd->hz / 8000u ? sd->hz / 8000u : 1u;
    uint64_t polls = (uint64_t)ms * bytes_per_ms;
    d->polls_left = polls > UINT32_MAX ? UINT32_MAX : (uint32_t)polls;
}

int sd_deadline_passed(const struct ferry_sd_spi *sd, struct sd_deadline *d)
{
    if (sd->spi.ops->millis)
        return (uint32_t)(sd->spi.ops->millis(sd->spi.ctx) - d->start) > d->limit_ms;
    if (d->polls_left == 0)
        return 1;
    d->polls_left--;
    return 0;
}

uint8_t sd_crc7(const uint8_t *p, size_t n)
{
    uint8_t crc = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t byte = p[i];
        for (int b = 0; b < 8; b++) {
            uint8_t in = (uint8_t)(((byte >> 7) ^ (crc >> 6)) & 1u);
            crc = (uint8_t)((crc << 1) & 0x7Fu);
            if (in)
                crc ^= 0x09u; /* x^7 + x^3 + 1 */
            byte = (uint8_t)(byte << 1);
        }
    }
    return crc;
}

uint16_t sd_crc16(const uint8_t *p, size_t n)
{
    uint16_t crc = 0;
    for (size_t i = 0; i < n; i++) {
        crc ^= (uint16_t)(p[i] << 8);
        for (int b = 0; b < 8; b++)
            crc = (uint16_t)((crc & 0x8000u) ? ((unsigned)crc << 1) ^ 0x1021u : (unsigned)crc << 1);
    }
    return crc;
}

int sd_xfer(struct ferry_sd_spi *sd, const uint8_t *tx, uint8_t *rx, size_t n)
{
    return sd->spi.ops->exchange(sd->spi.ctx, tx, rx, n);
}

int sd_byte(struct ferry_sd_spi *sd, uint8_t tx, uint8_t *rx)
{
    return sd->spi.ops->exchange(sd->spi.ctx, &tx, rx, 1);
}

void sd_select(struct ferry_sd_spi *sd)
{
    sd->spi.ops->select(sd->spi.ctx);
}

void sd_deselect(struct ferry_sd_spi *sd)
{
    sd->spi.ops->deselect(sd->spi.ctx);
    (void)sd_xfer(sd, NULL, NULL, 1); /* best effort: only lets MISO go */
}

int sd_wait_ready(struct ferry_sd_spi *sd, uint32_t ms)
{
    struct sd_deadline d;
    sd_deadline_start(sd, &d, ms);
    for (;;) {
        uint8_t b;
        int err = sd_xfer(sd, NULL, &b, 1);
        if (err)
            return err;
        if (b == 0xFF)
            return 0;
        if (sd_deadline_passed(sd, &d))
            return FERRY_E_TIMEOUT;
    }
}

int sd_command(struct ferry_sd_spi *sd, uint8_t cmd, uint32_t arg, uint8_t *r1)
{
    uint8_t frame[6];
    int err;
    if (cmd != SD_CMD0) {
        err = sd_wait_ready(sd, sd->cfg.write_timeout_ms);
        if (err)
            return err;
    }
    frame[0] = (uint8_t)(0x40u | cmd);
    frame[1] = (uint8_t)(arg >> 24);
    frame[2] = (uint8_t)(arg >> 16);
    frame[3] = (uint8_t)(arg >> 8);
    frame[4] = (uint8_t)arg;
    frame[5] = (uint8_t)((sd_crc7(frame, 5) << 1) | 1u);
    err = sd_xfer(sd, frame, NULL, sizeof frame);
    if (!err && cmd == SD_CMD12)
        err = sd_xfer(sd, NULL, NULL, 1); /* stuff byte: the card may still send data */
    if (err)
        return err;
    int seen_other = 0;
    for (unsigned i = 0; i < SD_NCR_MAX; i++) {
        uint8_t b;
        err = sd_xfer(sd, NULL, &b, 1);
        if (err)
            return err;
        if (!(b & 0x80u)) {
            *r1 = b;
            return 0;
        }
        if (b != 0xFF)
            seen_other = 1;
    }
    return seen_other ? FERRY_E_SD_PROTO : FERRY_E_SD_NOCARD;
}

int sd_r1_check(uint8_t r1, uint8_t allowed)
{
    r1 = (uint8_t)(r1 & ~allowed);
    if (r1 & SD_R1_ERRORS)
        return FERRY_E_IO;
    return r1 ? FERRY_E_SD_PROTO : 0;
}

int sd_read_data(struct ferry_sd_spi *sd, uint8_t *buf, size_t len)
{
    struct sd_deadline d;
    uint8_t tok, crc[2];
    int err;
    sd_deadline_start(sd, &d, sd->cfg.read_timeout_ms);
    for (;;) {
        err = sd_xfer(sd, NULL, &tok, 1);
        if (err)
            return err;
        if (tok == SD_TOKEN_START)
            break;
        if (tok != 0xFF)
            /* An error token is 0000xxxx with some x set: error, card
             * controller error, ECC failed, out of range. */
            return (tok & 0xF0u) == 0 && tok != 0 ? FERRY_E_IO : FERRY_E_SD_PROTO;
        if (sd_deadline_passed(sd, &d))
            return FERRY_E_TIMEOUT;
    }
    err = sd_xfer(sd, NULL, buf, len);
    if (!err)
        err = sd_xfer(sd, NULL, crc, 2);
    if (err)
        return err;
    if (sd->cfg.use_crc && sd_crc16(buf, len) != (uint16_t)((crc[0] << 8) | crc[1]))
        return FERRY_E_IO;
    return 0;
}
