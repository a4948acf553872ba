/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared fixture for boot tests: a simulated board, a signing key, and signed
 * images made on the fly (payload bytes derived from a seed, so every image
 * is reproducible and distinct).
 */
#ifndef FERRY_TEST_BOOT_FIXTURE_H
#define FERRY_TEST_BOOT_FIXTURE_H

#include <stdint.h>
#include <stdlib.h>
#include "ferry/errors.h"
#include "ferry_host.h"
#include "ferry/decrypt.h"
#include "sim_board.h"

struct fx_image {
    uint8_t *bytes;
    size_t len;
};

struct fx {
    struct sim_board board;
    struct ferry_host_key key;      /* key index 0 of the device's table */
    struct ferry_pubkey trusted;
    struct ferry_host_key key1;     /* key index 1: the key a rotation moves to */
    struct ferry_pubkey table[2];   /* the device's key table: key (0), key1 (1) */
    /* Encrypted images (fx_enable_decrypt): the device's class key pair, and
     * another class's, for images the device must refuse. */
    struct ferry_host_key class_key, other_class_key;
    struct ferry_class_key_material class_mat;
    struct ferry_decrypt_key decrypt;
    uint8_t vendor[16], class_id[16];
    struct ferry_boot_result res;
    int events[32];
    int event_count;
    int verbose;
};

/* Opens `board_name` in RAM with the fixture key trusted. 0 or an error. */
int fx_open(struct fx *f, const char *board_name);
void fx_close(struct fx *f);

/* A signed image: version major.minor.patch, payload of `size` bytes made
 * from `seed`. Exits the test process on a signing failure (a test bug). */
struct fx_image fx_make(struct fx *f, int major, int minor, int patch, uint32_t counter,
                        size_t size, uint32_t seed);
/* Same with explicit parameters (other key, class, flags ...). */
struct fx_image fx_make_with(const struct ferry_host_key *k, const struct ferry_sign_params *p,
                             size_t size, uint32_t seed);
void fx_free(struct fx_image *img);

/* Sign parameters matching the fixture device. */
struct ferry_sign_params fx_params(const struct fx *f, int major, int minor, int patch,
                                   uint32_t counter);

/* Gives the board's bootloader the fixture's class key (cfg.decrypt). */
void fx_enable_decrypt(struct fx *f);
/* fx_make_with, the payload encrypted for `class_key` (stored form). */
struct fx_image fx_make_enc(const struct ferry_host_key *k, const struct ferry_sign_params *p,
                            const struct ferry_host_key *class_key, size_t size, uint32_t seed);
/* The installed form of an encrypted image (the payload decrypted with
 * f's class key): what the primary holds once it is installed; a plain
 * image is returned as a copy. */
struct fx_image fx_installed(const struct fx *f, const struct fx_image *stored);
/* Offset in `img` of the wrapped content key (the encryption entry's
 * `wrapped_key`, TLV 0x8005; docs/image-format.md section 13); 0 if the image
 * has no encryption entry. */
uint32_t fx_wrap_offset(const struct fx_image *img);
/* The plaintext payload of an image made by fx_make*: its size, into *out
 * (malloc'd). */
size_t fx_payload(const struct fx_image *installed, uint8_t **out);

/*
 * Plaintext leak detection: does some 64-byte run of an image's plaintext
 * payload lie anywhere in a buffer? Every 8-byte run of every payload is
 * indexed (sorted, with a bitmap filter in front); each 8-byte aligned block
 * of the buffer is looked up and a hit is checked for the 64 bytes around
 * it. Any run of 64 bytes holds an aligned block, so none is missed.
 * Payloads shorter than 64 bytes cannot leak and are not indexed.
 */
#define FX_LEAK_MAX 4 /* payloads one index holds */
struct fx_run8;
struct fx_leak_index {
    struct fx_run8 *idx;
    size_t cnt;
    uint8_t *plain;          /* the payloads, one after the other */
    size_t seg[FX_LEAK_MAX + 1]; /* payload i is plain[seg[i] .. seg[i + 1]) */
    int n;
    uint64_t *filter;        /* bit per hash of an indexed 8-byte run */
};
/* Indexes the plaintext payloads of `n` (at most FX_LEAK_MAX) images made by
 * fx_make* (installed or plain forms: fx_installed). Exits on a bad n. */
void fx_leak_index_init(struct fx_leak_index *li, const struct fx_image *const *installed, int n);
void fx_leak_index_free(struct fx_leak_index *li);
/* 1 if `hay` holds a 64-byte run of one of the payloads: then *which is its
 * index in the init list and *at the run's offset in hay (either may be
 * NULL). */
int fx_leak_find(const struct fx_leak_index *li, const uint8_t *hay, size_t len, int *which,
                 size_t *at);
/* 1 if area `a` (read through the flash driver) holds any 64-byte run of
 * the image's plaintext payload, or cannot be read. */
int fx_area_leaks(const struct ferry_area *a, const struct fx_image *installed);
/* Scans the raw contents (past power cuts, locks and ECC state) of every
 * area of the board outside the primary slot: staging, status, counter and
 * revocation stores. 1 on a hit, with the area's name in *area, the offset
 * inside it in *at and the payload's index in *which. */
int fx_board_leaks(struct fx *f, const struct fx_leak_index *li, const char **area, size_t *at,
                   int *which);

/* ferry_boot() on the fixture board. */
int fx_boot(struct fx *f);
/* 1 if the primary slot starts with exactly `img`. */
int fx_primary_is(struct fx *f, const struct fx_image *img);
/* 1 if the staging slot holds `img` at `off` (0 or D). */
int fx_staging_is(struct fx *f, const struct fx_image *img, uint32_t off);
uint32_t fx_d(const struct fx *f);

#endif
