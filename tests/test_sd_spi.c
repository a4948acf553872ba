/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SD-in-SPI driver (src/sd_spi*.c) against the simulated card
 * (port/sim/sd_card_model.c): identification of every card type, single and
 * multi-block transfers checked against the card's raw contents, the block
 * device contract, and every failure a card can show: none there, garbage,
 * stuck busy, a bad block, power lost in the middle of a write.
 */
#define _DEFAULT_SOURCE /* mkstemp */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "ferry/errors.h"
#include "ferry/sd_spi.h"
#include "sd_card_model.h"
#include "sd_spi_priv.h"

#define MiB (1024u * 1024u)

static struct sd_model *card(uint64_t size, int sdhc)
{
    struct sd_model_opts o = {.sdhc = sdhc};
    struct sd_model *m = NULL;
    if (sd_model_open_ram(size, &o, &m) != 0) {
        fprintf(stderr, "cannot open a simulated card\n");
        exit(2);
    }
    return m;
}

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = (uint8_t)(seed >> 16);
    }
}

static void test_crc(void)
{
    /* The two CRCs every SD host knows by heart: CMD0 ends 0x95, CMD8(0x1AA) 0x87. */
    const uint8_t cmd0[5] = {0x40, 0, 0, 0, 0};
    const uint8_t cmd8[5] = {0x48, 0, 0, 0x01, 0xAA};
    CHECK_EQ((sd_crc7(cmd0, 5) << 1) | 1, 0x95);
    CHECK_EQ((sd_crc7(cmd8, 5) << 1) | 1, 0x87);
    uint8_t ff[512];
    memset(ff, 0xFF, sizeof ff);
    CHECK_EQ(sd_crc16(ff, sizeof ff), 0x7FA1); /* a block of 0xFF */
    CHECK_EQ(sd_crc16((const uint8_t *)"123456789", 9), 0x31C3); /* CRC-16/XMODEM check value */
}

static void test_init_sdsc(void)
{
    struct sd_model *m = card(64 * MiB, 0);
    struct ferry_sd_spi sd;
    struct sd_model_stats st;
    CHECK_EQ(ferry_sd_spi_init(&sd, sd_model_spi(m), NULL), 0);
    CHECK_EQ(sd.type, FERRY_SD_V2_SDSC);
    CHECK_EQ(sd.blocks, 64 * MiB / 512);
    const struct ferry_bd *bd = ferry_sd_spi_bd(&sd);
    CHECK_EQ(bd->geo->size, 64ull * MiB);
    CHECK_EQ(bd->geo->read_unit, 512);
    CHECK_EQ(bd->geo->program_unit, 512);
    CHECK_EQ(bd->geo->erased_value, -1);
    CHECK(bd->ops->erase == NULL);
    sd_model_get_stats(m, &st);
    CHECK_EQ(st.cmds[16], 1); /* SDSC: block length set */
    CHECK_EQ(st.cmds[8], 1);
    CHECK(st.cmds[41] >= 4);  /* the model answers "idle" three times */
    CHECK_EQ(st.cmds[59], 0); /* CRC not asked for */
    sd_model_close(m);
}

static void test_init_sdhc(void)
{
    struct sd_model *m = card(64 * MiB, 1);
    struct ferry_sd_spi sd;
    struct sd_model_stats st;
    CHECK_EQ(ferry_sd_spi_init(&sd, sd_model_spi(m), NULL), 0);
    CHECK_EQ(sd.type, FERRY_SD_V2_SDHC);
    CHECK_EQ(sd.blocks, 64 * MiB / 512);
    CHECK(sd.ocr & SD_OCR_CCS);
    sd_model_get_stats(m, &st);
    CHECK_EQ(st.cmds[16], 0);
    sd_model_close(m);
}

static void test_init_v1_and_quirk(void)
{
    struct sd_model_opts v1 = {.v1 = 1};
    struct sd_model_opts quirk = {.sdhc = 1, .cmd58_idle_quirk = 1, .init_polls = 20};
    struct sd_model *m;
    struct ferry_sd_spi sd;
    CHECK_EQ(sd_model_open_ram(8 * MiB, &v1, &m), 0);
    CHECK_EQ(ferry_sd_spi_init(&sd, sd_model_spi(m), NULL), 0);
    CHECK_EQ(sd.type, FERRY_SD_V1_SDSC);
    CHECK_EQ(sd.blocks, 8 * MiB / 512);
    sd_model_close(m);

    CHECK_EQ(sd_model_open_ram(32 * MiB, &quirk, &m), 0);
    CHECK_EQ(ferry_sd_spi_init(&sd, sd_model_spi(m), NULL), 0);
    CHECK_EQ(sd.type, FERRY_SD_V2_SDHC);
    uint8_t b[512];
    CHECK_EQ(ferry_sd_spi_read_blocks(&sd, 0, b, 1), 0);
    sd_model_close(m);
}

/* Single and multi-block transfers, checked against the raw card. */
static void roundtrip(int sdhc, int use_crc)
{
    struct sd_model *m = card(16 * MiB, sdhc);
    struct ferry_sd_spi sd;
    struct ferry_sd_spi_config cfg = {.use_crc = (uint8_t)use_crc};
    struct sd_model_stats st;
    static uint8_t w[8 * 512], r[8 * 512];
    CHECK_EQ(ferry_sd_spi_init(&sd, sd_model_spi(m), &cfg), 0);
    fill(sd_model_contents(m), 16 * MiB, 99);
    fill(w, sizeof w, (uint32_t)(7 + sdhc + use_crc));

    CHECK_EQ(ferry_sd_spi_read_blocks(&sd, 5, r, 1), 0);
    CHECK_MEM(r, sd_model_contents(m) + 5 * 512, 512);
    CHECK_EQ(ferry_sd_spi_read_blocks(&sd, 100, r, 8), 0);
    CHECK_MEM(r, sd_model_contents(m) + 100 * 512, 8 * 512);
    /* The last block of the card, alone and at the end of a run. */
    uint32_t last = sd.blocks - 1;
    CHECK_EQ(ferry_sd_spi_read_blocks(&sd, last - 2, r, 3), 0);
    CHECK_MEM(r, sd_model_contents(m) + (uint64_t)(last - 2) * 512, 3 * 512);

    CHECK_EQ(ferry_sd_spi_write_blocks(&sd, 7, w, 1), 0);
    CHECK_MEM(sd_model_contents(m) + 7 * 512, w, 512);
    CHECK_EQ(ferry_sd_spi_write_blocks(&sd, 1000, w, 8), 0);
    CHECK_MEM(sd_model_contents(m) + 1000 * 512, w, 8 * 512);
    CHECK_EQ(ferry_sd_spi_write_blocks(&sd, last, w + 512, 1), 0);
    CHECK_MEM(sd_model_contents(m) + (uint64_t)last * 512, w + 512, 512);
    memset(r, 0, sizeof r);
    CHECK_EQ(ferry_sd_spi_read_blocks(&sd, 1000, r, 8), 0);
    CHECK_MEM(r, w, 8 * 512);

    sd_model_get_stats(m, &st);
    CHECK_EQ(st.cmds[17], 1);
    CHECK_EQ(st.cmds[18], 3);
    CHECK_EQ(st.cmds[12], 3);
    CHECK_EQ(st.cmds[24], 2);
    CHECK_EQ(st.cmds[25], 1);
    CHECK_EQ(st.cmds[59], use_crc ? 1 : 0);
    CHECK_EQ(st.max_multi_write, 8);
    /* The card streamed no more blocks than asked for (plus the one it may
     * start while CMD12 arrives). */
    CHECK(st.max_multi_read >= 8 && st.max_multi_read <= 9);
    sd_model_close(m);
}

static void test_roundtrip_sdsc(void) { roundtrip(0, 0); }
static void test_roundtrip_sdhc(void) { roundtrip(1, 0); }
static void test_roundtrip_crc(void) { roundtrip(1, 1); roundtrip(0, 1); }

static void test_bd_contract(void)
{
    struct sd_model *m = card(4 * MiB, 0);
    struct ferry_sd_spi sd;
    struct sd_model_stats before, after;
    uint8_t b[1024];
    CHECK_EQ(ferry_sd_spi_init(&sd, sd_model_spi(m), NULL), 0);
    const struct ferry_bd *bd = ferry_sd_spi_bd(&sd);
    fill(sd_model_contents(m), 4 * MiB, 3);
    sd_model_get_stats(m, &before);
    CHECK_EQ(bd->ops->read(bd->ctx, 1, b, 512), FERRY_E_ALIGN);
    CHECK_EQ(bd->ops->read(bd->ctx, 0, b, 100), FERRY_E_ALIGN);
    CHECK_EQ(bd->ops->program(bd->ctx, 512, b, 511), FERRY_E_ALIGN);
    CHECK_EQ(bd->ops->read(bd->ctx, 4 * MiB, b, 512), FERRY_E_RANGE);
    CHECK_EQ(bd->ops->read(bd->ctx, 4 * MiB - 512, b, 1024), FERRY_E_RANGE);
    CHECK_EQ(bd->ops->program(bd->ctx, 1ull << 40, b, 512), FERRY_E_RANGE);
    CHECK_EQ(ferry_sd_spi_read_blocks(&sd, sd.blocks, b, 1), FERRY_E_RANGE);
    CHECK_EQ(ferry_sd_spi_read_blocks(&sd, UINT32_MAX, b, 2), FERRY_E_RANGE);
    sd_model_get_stats(m, &after);
    CHECK_EQ(after.bytes, before.bytes); /* rejected before any bus traffic */
    CHECK_EQ(bd->ops->read(bd->ctx, 0, b, 0), 0);
    CHECK_EQ(bd->ops->read(bd->ctx, 4 * MiB - 1024, b, 1024), 0);
    CHECK_MEM(b, sd_model_contents(m) + 4 * MiB - 1024, 1024);
    memset(b, 0x5A, sizeof b);
    CHECK_EQ(bd->ops->program(bd->ctx, 2048, b, 1024), 0);
    CHECK_MEM(sd_model_contents(m) + 2048, b, 1024);
    sd_model_close(m);
}

static void test_absent_and_garbage(void)
{
    struct sd_model *m = card(4 * MiB, 0);
    struct ferry_sd_spi sd;
    struct sd_model_stats st;
    sd_model_set_fault(m, SD_FAULT_ABSENT, 0);
    CHECK_EQ(ferry_sd_spi_init(&sd, sd_model_spi(m), NULL), FERRY_E_SD_NOCARD);
    CHECK_EQ(sd.blocks, 0);
    uint8_t b[512];
    CHECK_EQ(ferry_sd_spi_read_blocks(&sd, 0, b, 1), FERRY_E_INVAL); /* never initialised */
    sd_model_get_stats(m, &st);
    CHECK(st.bytes < 200); /* gave up at once, no waiting out a timeout */

    for (uint64_t seed = 1; seed <= 200; seed++) {
        sd_model_set_fault(m, SD_FAULT_GARBAGE, seed);
        CHECK_EQ(ferry_sd_spi_init(&sd, sd_model_spi(m), NULL), FERRY_E_SD_PROTO);
    }
    /* Stuck low from the start: CMD0 never gets "idle". */
    sd_model_set_fault(m, SD_FAULT_STUCK_BUSY, 0);
    CHECK_EQ(ferry_sd_spi_init(&sd, sd_model_spi(m), NULL), FERRY_E_SD_PROTO);
    sd_model_set_fault(m, SD_FAULT_NONE, 0);
    CHECK_EQ(ferry_sd_spi_init(&sd, sd_model_spi(m), NULL), 0);

    /* Pulled out after init: every operation says so. */
    sd_model_set_fault(m, SD_FAULT_ABSENT, 0);
    CHECK_EQ(ferry_sd_spi_read_blocks(&sd, 0, b, 1), FERRY_E_SD_NOCARD);
    CHECK_EQ(ferry_sd_spi_read_blocks(&sd, 0, b, 1), FERRY_E_SD_NOCARD);
    CHECK_EQ(ferry_sd_spi_write_blocks(&sd, 0, b, 1), FERRY_E_SD_NOCARD);
    /* Garbage after init: an error, never success. */
    sd_model_set_fault(m, SD_FAULT_GARBAGE, 5);
    for (int i = 0; i < 20; i++) {
        int err = ferry_sd_spi_read_blocks(&sd, (uint32_t)i, b, 1 + (uint32_t)(i % 3));
        CHECK(err == FERRY_E_SD_PROTO || err == FERRY_E_IO);
    }
    sd_model_close(m);
}

static void test_stuck_busy(void)
{
    struct sd_model *m = card(4 * MiB, 1);
    struct ferry_sd_spi sd;
    uint8_t b[1024] = {0};
    CHECK_EQ(ferry_sd_spi_init(&sd, sd_model_spi(m), NULL), 0);
    sd_model_set_fault(m, SD_FAULT_STUCK_BUSY, 0);
    uint32_t t0 = sd_model_millis(m);
    CHECK_EQ(ferry_sd_spi_write_blocks(&sd, 3, b, 2), FERRY_E_TIMEOUT);
    uint32_t spent = sd_model_millis(m) - t0;
    CHECK(spent >= 600 && spent < 700); /* the write time limit, on the card's clock */
    CHECK_EQ(ferry_sd_spi_read_blocks(&sd, 3, b, 1), FERRY_E_TIMEOUT);
    sd_model_set_fault(m, SD_FAULT_NONE, 0);
    CHECK_EQ(ferry_sd_spi_read_blocks(&sd, 3, b, 1), 0);
    sd_model_close(m);
}

/* The same bus without a clock: waits are bounded by bytes polled. */
static const struct ferry_spi_ops *model_ops;
static int noclk_exchange(void *ctx, const uint8_t *tx, uint8_t *rx, size_t len)
{
    return model_ops->exchange(ctx, tx, rx, len);
}
static void noclk_select(void *ctx) { model_ops->select(ctx); }
static void noclk_deselect(void *ctx) { model_ops->deselect(ctx); }

static void test_no_clock(void)
{
    struct sd_model *m = card(4 * MiB, 0);
    model_ops = sd_model_spi(m)->ops;
    static const struct ferry_spi_ops ops = {noclk_select, noclk_deselect, noclk_exchange,
                                             NULL, NULL, NULL};
    struct ferry_spi bus = {&ops, sd_model_spi(m)->ctx};
    struct ferry_sd_spi sd;
    struct sd_model_stats st0, st1;
    uint8_t b[512];
    CHECK_EQ(ferry_sd_spi_init(&sd, &bus, NULL), 0);
    CHECK_EQ(ferry_sd_spi_read_blocks(&sd, 1, b, 1), 0);
    sd_model_set_fault(m, SD_FAULT_STUCK_BUSY, 0);
    sd_model_get_stats(m, &st0);
    CHECK_EQ(ferry_sd_spi_read_blocks(&sd, 1, b, 1), FERRY_E_TIMEOUT);
    sd_model_get_stats(m, &st1);
    /* 600 ms at the default 25 MHz: 3125 bytes per ms. */
    CHECK(st1.bytes - st0.bytes >= 600ull * 3125 && st1.bytes - st0.bytes < 700ull * 3125);
    sd_model_close(m);
}

static void test_bad_block(void)
{
    struct sd_model *m = card(4 * MiB, 0);
    struct ferry_sd_spi sd;
    uint8_t b[4 * 512] = {0};
    CHECK_EQ(ferry_sd_spi_init(&sd, sd_model_spi(m), NULL), 0);
    sd_model_set_bad_block(m, 10);
    CHECK_EQ(ferry_sd_spi_read_blocks(&sd, 10, b, 1), FERRY_E_IO);
    CHECK_EQ(ferry_sd_spi_read_blocks(&sd, 8, b, 4), FERRY_E_IO);
    CHECK_EQ(ferry_sd_spi_write_blocks(&sd, 10, b, 1), FERRY_E_IO);
    CHECK_EQ(ferry_sd_spi_write_blocks(&sd, 9, b, 3), FERRY_E_IO);
    /* The card is left idle: the next transfers work. */
    CHECK_EQ(ferry_sd_spi_read_blocks(&sd, 11, b, 4), 0);
    CHECK_EQ(ferry_sd_spi_write_blocks(&sd, 11, b, 2), 0);
    sd_model_close(m);
}

/* Power lost during the k-th block of a multi-block write: earlier blocks
 * are on the card, later ones untouched, the cut one old or torn; after
 * power returns the card is initialised again and reads back. */
static void test_power_loss(void)
{
    for (int torn = 0; torn <= 1; torn++) {
        for (uint64_t k = 0; k < 4; k++) {
            struct sd_model *m = card(4 * MiB, 1);
            struct ferry_sd_spi sd;
            static uint8_t w[4 * 512], r[4 * 512];
            CHECK_EQ(ferry_sd_spi_init(&sd, sd_model_spi(m), NULL), 0);
            memset(sd_model_contents(m), 0xEE, 8 * 512);
            fill(w, sizeof w, (uint32_t)k);
            sd_model_arm_cut(m, k, torn, 42 + k);
            CHECK_EQ(ferry_sd_spi_write_blocks(&sd, 2, w, 4), FERRY_E_SD_NOCARD);
            CHECK(sd_model_power_lost(m));
            CHECK_EQ(ferry_sd_spi_read_blocks(&sd, 0, r, 1), FERRY_E_SD_NOCARD);
            sd_model_power_on(m);
            CHECK_EQ(ferry_sd_spi_read_blocks(&sd, 0, r, 1), FERRY_E_SD_NOCARD); /* needs init */
            CHECK_EQ(ferry_sd_spi_init(&sd, sd_model_spi(m), NULL), 0);
            CHECK_EQ(ferry_sd_spi_read_blocks(&sd, 2, r, 4), 0);
            CHECK_MEM(r, w, (size_t)k * 512);
            const uint8_t *cut = r + k * 512;
            int ok = 1;
            for (int i = 0; i < 512; i++)
                if (cut[i] != 0xEE && cut[i] != w[k * 512 + (uint64_t)i])
                    ok = 0;
            CHECK(ok);
            if (!torn)
                CHECK_EQ(cut[0] == 0xEE && cut[511] == 0xEE, 1);
            for (uint64_t j = k + 1; j < 4; j++)
                CHECK_EQ(r[j * 512] == 0xEE && r[j * 512 + 511] == 0xEE, 1);
            sd_model_close(m);
        }
    }
}

static void test_file_card(void)
{
    char path[] = "/tmp/ferry-sd-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        SKIP("cannot create a temporary file");
    static uint8_t img[1 * MiB];
    fill(img, sizeof img, 11);
    CHECK_EQ(write(fd, img, sizeof img), (long)sizeof img);
    close(fd);
    struct sd_model *m;
    struct ferry_sd_spi sd;
    uint8_t b[1024];
    CHECK_EQ(sd_model_open_file(path, NULL, &m), 0);
    CHECK_EQ(ferry_sd_spi_init(&sd, sd_model_spi(m), NULL), 0);
    CHECK_EQ(sd.blocks, 2048);
    CHECK_EQ(ferry_sd_spi_read_blocks(&sd, 100, b, 2), 0);
    CHECK_MEM(b, img + 100 * 512, 1024);
    memset(b, 0x33, sizeof b);
    CHECK_EQ(ferry_sd_spi_write_blocks(&sd, 7, b, 2), 0);
    CHECK_EQ(sd_model_close(m), 0);
    /* The write reached the file, as it would a card. */
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    if (f) {
        CHECK_EQ(fseek(f, 7 * 512, SEEK_SET), 0);
        CHECK_EQ(fread(img, 1, 1024, f), 1024);
        CHECK_MEM(img, b, 1024);
        fclose(f);
    }
    unlink(path);
}

static void test_model_sizes(void)
{
    struct sd_model *m;
    struct sd_model_opts hc = {.sdhc = 1};
    CHECK_EQ(sd_model_open_ram(0, NULL, &m), FERRY_E_INVAL);
    CHECK_EQ(sd_model_open_ram(1000, NULL, &m), FERRY_E_INVAL);
    CHECK_EQ(sd_model_open_ram(1 * MiB + 512, &hc, &m), FERRY_E_INVAL);
    CHECK_EQ(sd_model_open_ram(3 * 512, NULL, &m), FERRY_E_INVAL); /* CSD 1.0 cannot say 3 blocks */
    CHECK_EQ(sd_model_open_ram(4 * 512, NULL, &m), 0);
    struct ferry_sd_spi sd;
    CHECK_EQ(ferry_sd_spi_init(&sd, sd_model_spi(m), NULL), 0);
    CHECK_EQ(sd.blocks, 4);
    sd_model_close(m);
}

int main(void)
{
    RUN(test_crc);
    RUN(test_init_sdsc);
    RUN(test_init_sdhc);
    RUN(test_init_v1_and_quirk);
    RUN(test_roundtrip_sdsc);
    RUN(test_roundtrip_sdhc);
    RUN(test_roundtrip_crc);
    RUN(test_bd_contract);
    RUN(test_absent_and_garbage);
    RUN(test_stuck_busy);
    RUN(test_no_clock);
    RUN(test_bad_block);
    RUN(test_power_loss);
    RUN(test_file_card);
    RUN(test_model_sizes);
    return check_done();
}
