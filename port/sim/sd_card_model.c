/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An SD card in SPI mode, simulated byte by byte (contract: sd_card_model.h).
 * Host code: uses the C library and POSIX (mmap for file cards).
 *
 * Each exchanged byte does two things at once, as on the wire: the card
 * shifts out its next byte (queued response/data, busy, or idle 0xFF) and
 * takes in the host's byte (a command frame, a data token, block data).
 */
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ferry/errors.h"
#include "sd_card_model.h"

#define BLK 512u
#define OUT_MAX (BLK + 32u)

enum in_mode {
    IN_CMD,         /* collecting a 6-byte command frame */
    IN_WRITE_TOKEN, /* CMD24/25 accepted: waiting for a data token */
    IN_WRITE_DATA,  /* collecting 512 data bytes + 2 CRC bytes */
};

struct sd_model {
    struct ferry_spi spi;
    struct sd_model_opts opt;
    uint8_t *mem;
    uint64_t size;
    int fd;                   /* -1 for RAM */
    int sdhc;

    /* Card state. */
    int powered, spi_mode, idle, app_cmd, crc_on, selected;
    unsigned acmd41_calls;

    /* Host -> card. */
    enum in_mode in;
    uint8_t frame[6];
    unsigned frame_len;
    int multi_write;          /* CMD25 in progress */
    uint32_t write_lba;
    uint32_t multi_count;
    uint8_t wbuf[BLK + 2];
    unsigned wlen;

    /* Card -> host. */
    uint8_t out[OUT_MAX];
    unsigned out_len, out_pos;
    uint64_t busy_left;       /* bytes of 0x00 after the queue */
    int reading;              /* CMD18 streaming: queue the next block when drained */
    uint32_t read_lba;
    int stop_pending;         /* CMD12 frame started during a multi-block read */

    /* Faults. */
    enum sd_model_fault fault;
    uint64_t rng;
    uint32_t bad_lba;
    int cut_armed, cut_torn;
    uint64_t cut_after, cut_seed;

    uint32_t hz;
    uint64_t ns;
    struct sd_model_stats st;
};

static uint64_t next_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint8_t crc7(const uint8_t *p, size_t n)
{
    uint8_t crc = 0;
    for (size_t i = 0; i < n; i++)
        for (int b = 7; b >= 0; b--) {
            int in = ((p[i] >> b) & 1) ^ ((crc >> 6) & 1);
            crc = (uint8_t)((crc << 1) & 0x7F);
            if (in)
                crc ^= 0x09;
        }
    return crc;
}

static uint16_t crc16(const uint8_t *p, size_t n)
{
    uint16_t crc = 0;
    for (size_t i = 0; i < n; i++) {
        crc ^= (uint16_t)(p[i] << 8);
        for (int b = 0; b < 8; b++)
            crc = (uint16_t)((crc & 0x8000) ? (crc << 1) ^ 0x1021 : crc << 1);
    }
    return crc;
}

/* ---- Output queue ------------------------------------------------------- */

static void out_reset(struct sd_model *m)
{
    m->out_len = m->out_pos = 0;
    m->busy_left = 0;
    m->reading = 0;
}

static void out_put(struct sd_model *m, uint8_t b)
{
    if (m->out_len < OUT_MAX)
        m->out[m->out_len++] = b;
}

static uint8_t r1(const struct sd_model *m)
{
    return m->idle ? 0x01 : 0x00;
}

/* A data block (token, data, CRC16) after a short access delay. */
static void out_block(struct sd_model *m, uint32_t lba)
{
    out_put(m, 0xFF);
    out_put(m, 0xFF);
    if (lba == m->bad_lba) {
        out_put(m, 0x01); /* error token: "error" */
        m->reading = 0;
        return;
    }
    if ((uint64_t)lba * BLK + BLK > m->size) {
        out_put(m, 0x08); /* error token: out of range */
        m->reading = 0;
        return;
    }
    const uint8_t *src = m->mem + (uint64_t)lba * BLK;
    uint16_t c = crc16(src, BLK);
    out_put(m, 0xFE);
    memcpy(m->out + m->out_len, src, BLK);
    m->out_len += BLK;
    out_put(m, (uint8_t)(c >> 8));
    out_put(m, (uint8_t)c);
    m->st.blocks_read++;
}

/* ---- Commands ----------------------------------------------------------- */

static uint32_t csd_c_size_v1(uint64_t size, unsigned *mult, unsigned *bl_len)
{
    /* Smallest (C_SIZE_MULT, READ_BL_LEN) whose C_SIZE fits 12 bits. */
    for (unsigned bl = 9; bl <= 11; bl++)
        for (unsigned mu = 0; mu <= 7; mu++) {
            uint64_t unit = (uint64_t)1 << (mu + 2 + bl);
            if (size % unit == 0 && size / unit <= 4096) {
                *mult = mu;
                *bl_len = bl;
                return (uint32_t)(size / unit - 1);
            }
        }
    *mult = 0;
    *bl_len = 9;
    return 0;
}

static void make_csd(const struct sd_model *m, uint8_t csd[16])
{
    memset(csd, 0, 16);
    if (m->sdhc) {
        uint32_t c_size = (uint32_t)(m->size / (512u * 1024u) - 1);
        csd[0] = 0x40; /* CSD structure 1 */
        csd[5] = 0x59; /* CCC low bits, READ_BL_LEN 9 */
        csd[7] = (uint8_t)((c_size >> 16) & 0x3F);
        csd[8] = (uint8_t)(c_size >> 8);
        csd[9] = (uint8_t)c_size;
    } else {
        unsigned mult, bl;
        uint32_t c_size = csd_c_size_v1(m->size, &mult, &bl);
        csd[0] = 0x00;
        csd[5] = (uint8_t)(0x50 | bl);
        csd[6] = (uint8_t)((c_size >> 10) & 0x03);
        csd[7] = (uint8_t)(c_size >> 2);
        csd[8] = (uint8_t)((c_size & 0x03) << 6);
        csd[9] = (uint8_t)((mult >> 1) & 0x03);
        csd[10] = (uint8_t)((mult & 1) << 7);
    }
    csd[15] = (uint8_t)((crc7(csd, 15) << 1) | 1);
}

/* Start address check for data commands; 0 or the R1 error bits. */
static uint8_t addr_check(const struct sd_model *m, uint32_t arg, uint32_t *lba)
{
    uint64_t byte = m->sdhc ? (uint64_t)arg * BLK : arg;
    if (!m->sdhc && arg % BLK)
        return 0x20; /* address error */
    if (byte >= m->size)
        return 0x40; /* parameter error */
    *lba = (uint32_t)(byte / BLK);
    return 0;
}

static void command(struct sd_model *m)
{
    uint8_t cmd = m->frame[0] & 0x3F;
    uint32_t arg = ((uint32_t)m->frame[1] << 24) | ((uint32_t)m->frame[2] << 16) |
                   ((uint32_t)m->frame[3] << 8) | m->frame[4];
    int crc_ok = (uint8_t)((crc7(m->frame, 5) << 1) | 1) == m->frame[5];
    int app = m->app_cmd;
    m->app_cmd = 0;
    m->st.cmds[cmd]++;
    out_reset(m);

    if (!m->spi_mode) {
        /* SD mode: only a CMD0 with a valid CRC while selected switches to SPI. */
        if (cmd == 0 && crc_ok) {
            m->spi_mode = 1;
            m->idle = 1;
            m->acmd41_calls = 0;
            out_put(m, 0xFF);
            out_put(m, 0x01);
        }
        return;
    }
    out_put(m, 0xFF); /* NCR: one byte before the response */
    if (m->crc_on && !crc_ok) {
        out_put(m, (uint8_t)(r1(m) | 0x08)); /* com CRC error */
        return;
    }
    uint32_t lba = 0;
    uint8_t e;
    switch (cmd) {
    case 0:
        m->idle = 1;
        m->acmd41_calls = 0;
        m->crc_on = 0;
        out_put(m, 0x01);
        return;
    case 8:
        if (m->opt.v1) {
            out_put(m, (uint8_t)(r1(m) | 0x04));
            return;
        }
        out_put(m, r1(m));
        out_put(m, 0x00);
        out_put(m, 0x00);
        out_put(m, (uint8_t)(arg >> 8) & 0x0F);
        out_put(m, (uint8_t)arg);
        return;
    case 55:
        m->app_cmd = 1;
        out_put(m, r1(m));
        return;
    case 41:
        if (!app)
            break;
        /* An SDHC card never gets ready for a host without HCS. */
        if (!(m->sdhc && !(arg & 0x40000000u)) && ++m->acmd41_calls > m->opt.init_polls)
            m->idle = 0;
        out_put(m, r1(m));
        return;
    case 58: {
        uint32_t ocr = 0x00FF8000u;
        if (!m->idle)
            ocr |= 0x80000000u | (m->sdhc ? 0x40000000u : 0);
        out_put(m, m->opt.cmd58_idle_quirk ? 0x01 : r1(m));
        out_put(m, (uint8_t)(ocr >> 24));
        out_put(m, (uint8_t)(ocr >> 16));
        out_put(m, (uint8_t)(ocr >> 8));
        out_put(m, (uint8_t)ocr);
        return;
    }
    case 59:
        m->crc_on = arg & 1;
        out_put(m, r1(m));
        return;
    default:
        break;
    }
    if (m->idle) { /* everything else needs an initialised card */
        out_put(m, 0x05);
        return;
    }
    switch (cmd) {
    case 9: {
        uint8_t csd[16];
        make_csd(m, csd);
        uint16_t c = crc16(csd, 16);
        out_put(m, 0x00);
        out_put(m, 0xFF);
        out_put(m, 0xFE);
        memcpy(m->out + m->out_len, csd, 16);
        m->out_len += 16;
        out_put(m, (uint8_t)(c >> 8));
        out_put(m, (uint8_t)c);
        return;
    }
    case 12:
        out_put(m, 0x00);
        m->busy_left = 2;
        return;
    case 13:
        out_put(m, 0x00);
        out_put(m, 0x00);
        return;
    case 16:
        out_put(m, (m->sdhc || arg == BLK) ? 0x00 : 0x40);
        return;
    case 17:
    case 18:
        e = addr_check(m, arg, &lba);
        out_put(m, e);
        if (e)
            return;
        out_block(m, lba);
        if (cmd == 18) {
            m->reading = 1;
            m->read_lba = lba + 1;
            m->multi_count = 1;
        }
        return;
    case 24:
    case 25:
        e = addr_check(m, arg, &lba);
        out_put(m, e);
        if (e)
            return;
        m->in = IN_WRITE_TOKEN;
        m->multi_write = cmd == 25;
        m->write_lba = lba;
        m->multi_count = 0;
        return;
    default:
        break;
    }
    out_put(m, (uint8_t)(r1(m) | 0x04)); /* illegal command */
}

/* A whole block (and its CRC) arrived. */
static void block_in(struct sd_model *m)
{
    uint16_t want = (uint16_t)((m->wbuf[BLK] << 8) | m->wbuf[BLK + 1]);
    out_reset(m);
    m->in = m->multi_write ? IN_WRITE_TOKEN : IN_CMD;
    if (m->crc_on && crc16(m->wbuf, BLK) != want) {
        out_put(m, 0x0B); /* data rejected: CRC error */
        return;
    }
    if (m->write_lba == m->bad_lba || (uint64_t)m->write_lba * BLK + BLK > m->size) {
        out_put(m, 0x0D); /* data rejected: write error */
        return;
    }
    uint8_t *dst = m->mem + (uint64_t)m->write_lba * BLK;
    if (m->cut_armed && m->cut_after == 0) {
        m->cut_armed = 0;
        if (m->cut_torn) {
            uint64_t s = m->cut_seed;
            size_t n = (size_t)(next_rand(&s) % BLK);
            memcpy(dst, m->wbuf, n);
        }
        m->powered = 0;
        return;
    }
    if (m->cut_armed)
        m->cut_after--;
    memcpy(dst, m->wbuf, BLK);
    m->st.blocks_written++;
    m->write_lba++;
    m->multi_count++;
    if (m->multi_write && m->multi_count > m->st.max_multi_write)
        m->st.max_multi_write = m->multi_count;
    out_put(m, 0xE5); /* xxx0 010 1: accepted (upper bits undefined) */
    m->busy_left = m->opt.busy_bytes;
}

/* ---- One byte on the wire ----------------------------------------------- */

static uint8_t card_out(struct sd_model *m)
{
    if (m->out_pos < m->out_len)
        return m->out[m->out_pos++];
    if (m->busy_left) {
        m->busy_left--;
        return 0x00;
    }
    if (m->reading && !m->stop_pending) {
        /* Next block of a CMD18 stream. */
        out_reset(m);
        m->reading = 1;
        out_block(m, m->read_lba++);
        m->multi_count++;
        if (m->multi_count > m->st.max_multi_read)
            m->st.max_multi_read = m->multi_count;
        if (m->out_pos < m->out_len)
            return m->out[m->out_pos++];
    }
    return 0xFF;
}

static void card_in(struct sd_model *m, uint8_t b)
{
    switch (m->in) {
    case IN_CMD:
        if (m->frame_len == 0) {
            if ((b & 0xC0) != 0x40)
                return; /* idle bytes between commands */
            if (m->reading)
                m->stop_pending = 1; /* only CMD12 is expected here */
        }
        m->frame[m->frame_len++] = b;
        if (m->frame_len == 6) {
            m->frame_len = 0;
            m->stop_pending = 0;
            command(m);
        }
        return;
    case IN_WRITE_TOKEN:
        if (b == 0xFF)
            return;
        if (m->multi_write && b == 0xFD) { /* stop transmission */
            out_reset(m);
            out_put(m, 0xFF);
            m->busy_left = m->opt.busy_bytes;
            m->in = IN_CMD;
            return;
        }
        if (b == (m->multi_write ? 0xFC : 0xFE)) {
            m->in = IN_WRITE_DATA;
            m->wlen = 0;
            return;
        }
        m->in = IN_CMD; /* anything else ends the write */
        return;
    case IN_WRITE_DATA:
        m->wbuf[m->wlen++] = b;
        if (m->wlen == BLK + 2)
            block_in(m);
        return;
    }
}

static uint8_t exchange_byte(struct sd_model *m, uint8_t tx)
{
    m->st.bytes++;
    m->ns += 8000000000ull / (m->hz ? m->hz : 400000u);
    if (!m->powered || !m->selected || m->fault == SD_FAULT_ABSENT)
        return 0xFF;
    if (m->fault == SD_FAULT_STUCK_BUSY)
        return 0x00;
    if (m->fault == SD_FAULT_GARBAGE)
        return (uint8_t)next_rand(&m->rng);
    uint8_t rx = card_out(m);
    card_in(m, tx);
    if (!m->powered)
        return 0xFF;
    return rx;
}

/* ---- struct ferry_spi ----------------------------------------------------- */

static void op_select(void *ctx)
{
    ((struct sd_model *)ctx)->selected = 1;
}

static void op_deselect(void *ctx)
{
    struct sd_model *m = ctx;
    m->selected = 0;
    /* A half-sent frame and unread response bytes are forgotten; busy time
     * goes on inside the card and shows again when it is selected. */
    m->frame_len = 0;
    m->stop_pending = 0;
    uint64_t busy = m->busy_left;
    out_reset(m);
    m->busy_left = busy;
}

static int op_exchange(void *ctx, const uint8_t *tx, uint8_t *rx, size_t len)
{
    struct sd_model *m = ctx;
    for (size_t i = 0; i < len; i++) {
        uint8_t b = exchange_byte(m, tx ? tx[i] : 0xFF);
        if (rx)
            rx[i] = b;
    }
    return 0;
}

static int op_set_clock(void *ctx, uint32_t hz)
{
    if (hz == 0)
        return FERRY_E_UNSUPPORTED;
    ((struct sd_model *)ctx)->hz = hz > 50000000u ? 50000000u : hz;
    return 0;
}

static uint32_t op_millis(void *ctx)
{
    return sd_model_millis(ctx);
}

static void op_delay_ms(void *ctx, uint32_t ms)
{
    ((struct sd_model *)ctx)->ns += (uint64_t)ms * 1000000u;
}

static const struct ferry_spi_ops model_ops = {
    .select = op_select,
    .deselect = op_deselect,
    .exchange = op_exchange,
    .set_clock = op_set_clock,
    .millis = op_millis,
    .delay_ms = op_delay_ms,
};

/* ---- Lifecycle ------------------------------------------------------------ */

static int setup(struct sd_model *m, uint64_t size, const struct sd_model_opts *o)
{
    if (o)
        m->opt = *o;
    else
        m->opt.sdhc = -1;
    if (!m->opt.init_polls)
        m->opt.init_polls = 3;
    if (!m->opt.busy_bytes)
        m->opt.busy_bytes = 4;
    m->sdhc = m->opt.sdhc < 0 ? size > 2ull * 1024 * 1024 * 1024 : m->opt.sdhc;
    if (m->opt.v1)
        m->sdhc = 0;
    if (size == 0 || size % BLK)
        return FERRY_E_INVAL;
    if (m->sdhc && (size % (512u * 1024u) || size / (512u * 1024u) > 0x3FFFFFu))
        return FERRY_E_INVAL;
    if (!m->sdhc) {
        unsigned mult, bl;
        uint32_t c = csd_c_size_v1(size, &mult, &bl);
        if (size > 2ull * 1024 * 1024 * 1024 || ((uint64_t)c + 1) << (mult + 2 + bl) != size)
            return FERRY_E_INVAL; /* a CSD 1.0 cannot say this size */
    }
    m->size = size;
    m->spi.ops = &model_ops;
    m->spi.ctx = m;
    m->powered = 1;
    m->idle = 1;
    m->hz = 400000u;
    m->bad_lba = UINT32_MAX;
    return 0;
}

int sd_model_open_ram(uint64_t size, const struct sd_model_opts *o, struct sd_model **out)
{
    *out = NULL;
    struct sd_model *m = calloc(1, sizeof *m);
    if (!m)
        return FERRY_E_NOSPC;
    m->fd = -1;
    int err = setup(m, size, o);
    if (!err) {
        m->mem = calloc(1, (size_t)size);
        if (!m->mem)
            err = FERRY_E_NOSPC;
    }
    if (err) {
        free(m);
        return err;
    }
    *out = m;
    return 0;
}

int sd_model_open_file(const char *path, const struct sd_model_opts *o, struct sd_model **out)
{
    struct stat sb;
    *out = NULL;
    int fd = open(path, O_RDWR);
    if (fd < 0)
        return FERRY_E_IO;
    if (fstat(fd, &sb) != 0) {
        close(fd);
        return FERRY_E_IO;
    }
    struct sd_model *m = calloc(1, sizeof *m);
    if (!m) {
        close(fd);
        return FERRY_E_NOSPC;
    }
    m->fd = fd;
    int err = setup(m, (uint64_t)sb.st_size, o);
    if (!err) {
        void *p = mmap(NULL, (size_t)m->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED)
            err = FERRY_E_IO;
        else
            m->mem = p;
    }
    if (err) {
        close(fd);
        free(m);
        return err;
    }
    *out = m;
    return 0;
}

int sd_model_close(struct sd_model *m)
{
    int err = 0;
    if (!m)
        return 0;
    if (m->fd >= 0) {
        if (msync(m->mem, (size_t)m->size, MS_SYNC) != 0)
            err = FERRY_E_IO;
        munmap(m->mem, (size_t)m->size);
        close(m->fd);
    } else {
        free(m->mem);
    }
    free(m);
    return err;
}

const struct ferry_spi *sd_model_spi(struct sd_model *m)
{
    return &m->spi;
}

uint8_t *sd_model_contents(struct sd_model *m)
{
    return m->mem;
}

uint64_t sd_model_size(const struct sd_model *m)
{
    return m->size;
}

void sd_model_set_fault(struct sd_model *m, enum sd_model_fault f, uint64_t seed)
{
    m->fault = f;
    m->rng = seed;
}

void sd_model_set_bad_block(struct sd_model *m, uint32_t lba)
{
    m->bad_lba = lba;
}

void sd_model_arm_cut(struct sd_model *m, uint64_t writes_before_cut, int torn, uint64_t seed)
{
    m->cut_armed = 1;
    m->cut_after = writes_before_cut;
    m->cut_torn = torn;
    m->cut_seed = seed;
}

void sd_model_disarm(struct sd_model *m)
{
    m->cut_armed = 0;
}

void sd_model_power_off(struct sd_model *m)
{
    m->powered = 0;
}

int sd_model_power_lost(const struct sd_model *m)
{
    return !m->powered;
}

void sd_model_power_on(struct sd_model *m)
{
    m->powered = 1;
    m->spi_mode = 0;
    m->idle = 1;
    m->app_cmd = m->crc_on = 0;
    m->acmd41_calls = 0;
    m->in = IN_CMD;
    m->frame_len = 0;
    m->stop_pending = 0;
    out_reset(m);
    m->hz = 400000u;
}

void sd_model_get_stats(const struct sd_model *m, struct sd_model_stats *out)
{
    *out = m->st;
}

uint32_t sd_model_millis(const struct sd_model *m)
{
    return (uint32_t)(m->ns / 1000000u);
}
