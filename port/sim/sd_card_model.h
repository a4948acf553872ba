/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry host simulator: an SD card at the SPI command level.
 *
 * The model is the far side of a struct ferry_spi (include/ferry/spi.h): it
 * takes the bytes a driver clocks out and answers with the bytes a card in
 * SPI mode would put on MISO, so the real driver (src/sd_spi*.c) runs
 * against it unchanged. Contents live in RAM or in a file (the raw card
 * image, e.g. one made by mkfs.fat; it outlives the process like a card).
 *
 * What it answers: CMD0 (only with a valid CRC before SPI mode, as real
 * cards), CMD8, CMD9 (CSD 1.0 for SDSC, 2.0 for SDHC), CMD12, CMD13, CMD16
 * (512 only, SDSC), CMD17, CMD18, CMD24, CMD25 (0xFC/0xFD tokens), CMD55,
 * ACMD41 (ready after `init_polls` calls; an SDHC card stays idle without
 * HCS), CMD58, CMD59 (then command CRC7 and data CRC16 are checked); others
 * get R1 "illegal command". Data blocks carry a correct CRC16; written blocks
 * answer 0x05 (or 0x0B on a CRC mismatch) and then keep MISO low for
 * `busy_bytes` bytes. Misaligned SDSC addresses get R1 "address error",
 * start addresses past the end "parameter error", a multi-block read that
 * runs past the end an "out of range" error token.
 *
 * Time: a simulated clock advances by 8 bit times per byte at the rate last
 * set (400 kHz until set_clock) plus whatever delay_ms asks, and is what the
 * millis op returns, so timeouts are deterministic.
 *
 * Faults, for tests: absent (MISO stays high), stuck busy (MISO stays low),
 * garbage (MISO carries random bytes), a bad block (reads give an error
 * token, writes a write-error response), and power cuts on block writes:
 * the cut write lands not at all or torn (a random prefix of the block),
 * then the card is dead until sd_model_power_on(), after which it needs
 * CMD0 again like a card just inserted.
 */
#ifndef FERRY_SD_CARD_MODEL_H
#define FERRY_SD_CARD_MODEL_H

#include <stdint.h>
#include "ferry/spi.h"

struct sd_model; /* opaque */

struct sd_model_opts {
    int sdhc;             /* 1: SDHC (block addresses, CSD 2.0); 0: SDSC; -1: SDHC above 2 GiB */
    int v1;               /* 1: a version 1.x card (CMD8 is illegal; SDSC only) */
    int cmd58_idle_quirk; /* 1: CMD58 answers R1 = 0x01 even after init, as QEMU does */
    unsigned init_polls;  /* ACMD41 calls answered "idle" before ready; 0: 3 */
    unsigned busy_bytes;  /* bytes of busy after a written block; 0: 4 */
};

enum sd_model_fault {
    SD_FAULT_NONE = 0,
    SD_FAULT_ABSENT,     /* no card: MISO is pulled high */
    SD_FAULT_STUCK_BUSY, /* the card holds MISO low whenever selected */
    SD_FAULT_GARBAGE,    /* MISO carries random bytes whenever selected */
};

struct sd_model_stats {
    uint64_t cmds[64];       /* commands received, by index (ACMD41 counted at 41) */
    uint64_t blocks_read;
    uint64_t blocks_written; /* completed block writes (a cut one not included) */
    uint64_t bytes;          /* bytes exchanged, selected or not */
    uint32_t max_multi_read; /* most blocks streamed by one CMD18 */
    uint32_t max_multi_write;/* most blocks written by one CMD25 */
};

/* Size: a non-zero multiple of 512 KiB for SDHC, of 512 bytes for SDSC
 * (and at most 2 GiB there, as the CSD 1.0 encodes it). `o` may be NULL
 * for defaults. Returns 0, FERRY_E_INVAL or FERRY_E_NOSPC. */
int sd_model_open_ram(uint64_t size, const struct sd_model_opts *o, struct sd_model **out);
/* The card image in `path` (must exist; its size is the card's).
 * Returns 0, FERRY_E_INVAL (size unusable), FERRY_E_IO. */
int sd_model_open_file(const char *path, const struct sd_model_opts *o, struct sd_model **out);
/* Flushes a file card and frees everything; NULL allowed. 0 or FERRY_E_IO. */
int sd_model_close(struct sd_model *m);

/* The bus to hand to ferry_sd_spi_init(); valid until close. */
const struct ferry_spi *sd_model_spi(struct sd_model *m);
uint8_t *sd_model_contents(struct sd_model *m); /* raw bytes, bypassing everything */
uint64_t sd_model_size(const struct sd_model *m);

void sd_model_set_fault(struct sd_model *m, enum sd_model_fault f, uint64_t seed);
/* Reads of block `lba` answer an error token, writes a write error; UINT32_MAX: none. */
void sd_model_set_bad_block(struct sd_model *m, uint32_t lba);

/* Lets `writes_before_cut` more block writes complete and cuts power during
 * the next one: torn 0 (the block is not written) or 1 (a random prefix,
 * from `seed`). Replaces an armed cut. */
void sd_model_arm_cut(struct sd_model *m, uint64_t writes_before_cut, int torn, uint64_t seed);
void sd_model_disarm(struct sd_model *m);
/* Cuts power now (nothing in flight is written). */
void sd_model_power_off(struct sd_model *m);
int sd_model_power_lost(const struct sd_model *m);
/* Power back: contents as left; the card starts over (CMD0 needed). */
void sd_model_power_on(struct sd_model *m);

void sd_model_get_stats(const struct sd_model *m, struct sd_model_stats *out);
/* Simulated time in milliseconds (what the millis op returns). */
uint32_t sd_model_millis(const struct sd_model *m);

#endif
