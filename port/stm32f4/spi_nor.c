/* SPDX-License-Identifier: Apache-2.0 */
/* W25Q128-class SPI NOR on SPI1 (contract: spi_nor.h, ferry/flash.h). */
#include <stddef.h>
#include <stdint.h>
#include "board.h"
#include "ferry/errors.h"
#include "spi_nor.h"
#include "stm32f4_regs.h"

#define CMD_READ        0x03u
#define CMD_PAGE_PROG   0x02u
#define CMD_SECTOR_ERASE 0x20u
#define CMD_WRITE_ENABLE 0x06u
#define CMD_READ_STATUS 0x05u
#define CMD_RELEASE_PD  0xABu
#define CMD_JEDEC_ID    0x9Fu
#define STATUS_BUSY     (1u << 0)
#define STATUS_WEL      (1u << 1)

/* Bounds on polls, with no timer in the bootloader: at 8 MHz one status
 * poll takes about 2 us, so 2^22 polls are about 8 s, far above the
 * datasheet maxima (page program 3 ms, 4 KiB sector erase 400 ms). */
#define SPI_POLLS    0x10000u
#define BUSY_POLLS   0x400000u

static const struct ferry_sector_region regions[] = {
    {BOARD_NOR_SIZE / BOARD_NOR_SECTOR, BOARD_NOR_SECTOR},
};

static const struct ferry_flash_geometry geometry = {
    .start = 0, /* not memory-mapped */
    .size = BOARD_NOR_SIZE,
    .program_unit = 1,
    .erased_value = 0xFF,
    .region_count = 1,
    .regions = regions,
};

static int ready; /* set by stm32f4_spi_nor_init() */

static void cs_low(void)
{
    REG32(GPIO_BSRR(GPIOA_BASE)) = 1u << (16u + BOARD_NOR_CS_PIN);
}

static void cs_high(void)
{
    /* The last byte has left the shift register before the chip is released. */
    for (uint32_t i = 0; i < SPI_POLLS && (REG32(SPI_SR(SPI1_BASE)) & SPI_SR_BSY); i++)
        ;
    REG32(GPIO_BSRR(GPIOA_BASE)) = 1u << BOARD_NOR_CS_PIN;
}

/* One byte out, one byte in. */
static int xfer(uint8_t out, uint8_t *in)
{
    uint32_t i;
    for (i = 0; i < SPI_POLLS && !(REG32(SPI_SR(SPI1_BASE)) & SPI_SR_TXE); i++)
        ;
    if (i == SPI_POLLS)
        return FERRY_E_IO;
    *(volatile uint8_t *)(uintptr_t)SPI_DR(SPI1_BASE) = out;
    for (i = 0; i < SPI_POLLS && !(REG32(SPI_SR(SPI1_BASE)) & SPI_SR_RXNE); i++)
        ;
    if (i == SPI_POLLS)
        return FERRY_E_IO;
    uint8_t b = *(volatile uint8_t *)(uintptr_t)SPI_DR(SPI1_BASE);
    if (in)
        *in = b;
    return FERRY_OK;
}

/* Opcode and 24-bit address, most significant byte first. */
static int command(uint8_t op, uint32_t addr, int with_addr)
{
    int err = xfer(op, NULL);
    for (int shift = 16; with_addr && !err && shift >= 0; shift -= 8)
        err = xfer((uint8_t)(addr >> shift), NULL);
    return err;
}

static int read_status(uint8_t *st)
{
    cs_low();
    int err = xfer(CMD_READ_STATUS, NULL);
    if (!err)
        err = xfer(0xFF, st);
    cs_high();
    return err;
}

/* Waits until the chip is idle. A status of 0xFF is a floating MISO (no
 * chip, or a chip that does not answer): FERRY_E_IO, not a long wait. */
static int wait_idle(void)
{
    for (uint32_t i = 0; i < BUSY_POLLS; i++) {
        uint8_t st;
        int err = read_status(&st);
        if (err)
            return err;
        if (st == 0xFF)
            return FERRY_E_IO;
        if (!(st & STATUS_BUSY))
            return FERRY_OK;
    }
    return FERRY_E_TIMEOUT;
}

/* Write enable, checked: a chip that does not set WEL would ignore the
 * program or erase that follows. */
static int write_enable(void)
{
    uint8_t st = 0;
    cs_low();
    int err = xfer(CMD_WRITE_ENABLE, NULL);
    cs_high();
    if (!err)
        err = read_status(&st);
    if (!err && (st == 0xFF || !(st & STATUS_WEL)))
        err = FERRY_E_IO;
    return err;
}

static int in_range(uint32_t off, uint32_t len)
{
    return off <= BOARD_NOR_SIZE && len <= BOARD_NOR_SIZE - off;
}

static int nor_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    uint8_t *dst = buf;
    (void)ctx;
    if (!in_range(off, len))
        return FERRY_E_RANGE;
    if (!ready)
        return FERRY_E_IO;
    if (len == 0)
        return FERRY_OK;
    cs_low();
    int err = command(CMD_READ, off, 1);
    for (uint32_t i = 0; i < len && !err; i++)
        err = xfer(0xFF, &dst[i]);
    cs_high();
    return err;
}

/* Compares [off, off+len) with `want`, or with 0xFF when want is NULL. */
static int compare(uint32_t off, const uint8_t *want, uint32_t len, int *same)
{
    uint8_t chunk[32];
    *same = 1;
    for (uint32_t done = 0; done < len && *same;) {
        uint32_t n = len - done < sizeof chunk ? len - done : (uint32_t)sizeof chunk;
        int err = nor_read(NULL, off + done, chunk, n);
        if (err)
            return err;
        for (uint32_t i = 0; i < n; i++)
            if (chunk[i] != (want ? want[done + i] : 0xFFu))
                *same = 0;
        done += n;
    }
    return FERRY_OK;
}

static int nor_program(void *ctx, uint32_t off, const void *buf, uint32_t len)
{
    const uint8_t *src = buf;
    int same;
    (void)ctx;
    if (!in_range(off, len))
        return FERRY_E_RANGE;
    if (!ready)
        return FERRY_E_IO;
    /* NOR programming ANDs bits silently: refuse non-erased targets. */
    int err = compare(off, NULL, len, &same);
    if (!err && !same)
        err = FERRY_E_NOT_ERASED;
    for (uint32_t done = 0; !err && done < len;) {
        uint32_t at = off + done;
        uint32_t room = BOARD_NOR_PAGE - at % BOARD_NOR_PAGE; /* a page program wraps */
        uint32_t n = len - done < room ? len - done : room;
        err = write_enable();
        if (err)
            break;
        cs_low();
        err = command(CMD_PAGE_PROG, at, 1);
        for (uint32_t i = 0; i < n && !err; i++)
            err = xfer(src[done + i], NULL);
        cs_high();
        if (!err)
            err = wait_idle();
        done += n;
    }
    /* A protected chip (status register BP bits) ignores programs: read back. */
    if (!err)
        err = compare(off, src, len, &same);
    if (!err && !same)
        err = FERRY_E_IO;
    return err;
}

static int nor_erase(void *ctx, uint32_t off, uint32_t len)
{
    (void)ctx;
    if (!in_range(off, len))
        return FERRY_E_RANGE;
    if (off % BOARD_NOR_SECTOR != 0 || len % BOARD_NOR_SECTOR != 0)
        return FERRY_E_ALIGN;
    if (!ready)
        return FERRY_E_IO;
    int err = FERRY_OK;
    for (uint32_t at = off; !err && at < off + len; at += BOARD_NOR_SECTOR) {
        err = write_enable();
        if (err)
            break;
        cs_low();
        err = command(CMD_SECTOR_ERASE, at, 1);
        cs_high();
        if (!err)
            err = wait_idle();
    }
    return err;
}

static void pin_mode(uint32_t pin, uint32_t mode)
{
    uint32_t v = REG32(GPIO_MODER(GPIOA_BASE)) & ~(3u << (2u * pin));
    REG32(GPIO_MODER(GPIOA_BASE)) = v | (mode << (2u * pin));
    v = REG32(GPIO_OSPEEDR(GPIOA_BASE)) & ~(3u << (2u * pin));
    REG32(GPIO_OSPEEDR(GPIOA_BASE)) = v | (GPIO_SPEED_HIGH << (2u * pin));
}

int stm32f4_spi_nor_init(void)
{
    static const uint32_t af_pins[] = {BOARD_NOR_SCK_PIN, BOARD_NOR_MISO_PIN, BOARD_NOR_MOSI_PIN};
    uint8_t id[3] = {0, 0, 0};

    ready = 0;
    REG32(RCC_AHB1ENR) |= RCC_AHB1_GPIOA;
    REG32(RCC_APB2ENR) |= RCC_APB2_SPI1;
    __asm__ volatile("dsb" ::: "memory"); /* clock on before the first access */

    cs_high();
    pin_mode(BOARD_NOR_CS_PIN, GPIO_MODE_OUT);
    for (unsigned i = 0; i < sizeof af_pins / sizeof af_pins[0]; i++) {
        uint32_t pin = af_pins[i];
        uint32_t v = REG32(GPIO_AFRL(GPIOA_BASE)) & ~(0xFu << (4u * pin));
        REG32(GPIO_AFRL(GPIOA_BASE)) = v | (BOARD_NOR_AF << (4u * pin));
        pin_mode(pin, GPIO_MODE_AF);
    }
    uint32_t pupd = REG32(GPIO_PUPDR(GPIOA_BASE)) & ~(3u << (2u * BOARD_NOR_MISO_PIN));
    REG32(GPIO_PUPDR(GPIOA_BASE)) = pupd | (GPIO_PULL_UP << (2u * BOARD_NOR_MISO_PIN));

    /* Master, mode 0, MSB first, 8-bit frames, software slave select. */
    REG32(SPI_CR1(SPI1_BASE)) = SPI_CR1_MSTR | SPI_CR1_SSM | SPI_CR1_SSI | SPI_CR1_BR(BOARD_NOR_SPI_BR);
    REG32(SPI_CR1(SPI1_BASE)) |= SPI_CR1_SPE;

    cs_low();
    int err = xfer(CMD_RELEASE_PD, NULL);
    cs_high();
    /* tRES1 is 3 us; the status polls below take longer than that. */
    if (!err)
        err = wait_idle();
    if (!err) {
        cs_low();
        err = xfer(CMD_JEDEC_ID, NULL);
        for (int i = 0; i < 3 && !err; i++)
            err = xfer(0xFF, &id[i]);
        cs_high();
    }
    /* id[2] is log2 of the capacity in bytes on Winbond, Macronix, GigaDevice parts. */
    if (!err && (id[0] == 0xFF || id[0] == 0x00 || id[2] >= 32 || (1ull << id[2]) < BOARD_NOR_SIZE))
        err = FERRY_E_IO;
    ready = err == FERRY_OK;
    return err;
}

void stm32f4_spi_nor_release(void)
{
    ready = 0;
    REG32(SPI_CR1(SPI1_BASE)) = 0;
    REG32(RCC_APB2RSTR) |= RCC_APB2_SPI1;
    REG32(RCC_APB2RSTR) &= ~RCC_APB2_SPI1;
    REG32(RCC_AHB1RSTR) |= RCC_AHB1_GPIOA;
    REG32(RCC_AHB1RSTR) &= ~RCC_AHB1_GPIOA;
    REG32(RCC_APB2ENR) &= ~RCC_APB2_SPI1;
    REG32(RCC_AHB1ENR) &= ~RCC_AHB1_GPIOA;
}

static const struct ferry_flash_ops ops = {nor_read, nor_program, nor_erase};

const struct ferry_flash stm32f4_spi_nor = {&ops, NULL, &geometry};
