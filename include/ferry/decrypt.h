/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry: the decryption seam of the bootloader (docs/encryption.md). A port
 * that installs encrypted images gives ferry_boot() a class key: something
 * that opens an image's content key (from the image's verified encryption
 * entry) and runs the payload's key stream. The core never names the cipher;
 * a port without a class key links none of it.
 *
 * The software implementation (ferry_decrypt_sw_init, src/crypto/decrypt_sw.c
 * in the ferry::enc component) keeps the class private key in memory the
 * port provides (built in, or read from OTP at start-up); a secure element
 * would implement open() with its own ECDH instead.
 */
#ifndef FERRY_DECRYPT_H
#define FERRY_DECRYPT_H

#include <stddef.h>
#include <stdint.h>
#include "ferry/image.h"

/* An opened content key and its nonce, for one image; large enough for every
 * backend (checked at compile time there). Holds key material: close() wipes
 * it. */
typedef struct {
    uint64_t opaque[36];
} ferry_cipher;

struct ferry_decrypt_ops {
    /* Opens the content key of the image whose verified encryption entry is
     * `enc` (its class key ID already matched this key's). Returns 0, or
     * FERRY_E_IMG_KEYWRAP (the wrap does not open: another key, or altered).
     * Wipes every secret it used but *c. */
    int (*open)(void *ctx, const struct ferry_enc_info *enc, ferry_cipher *c);
    /* XORs the image's key stream at payload bytes [off, off + len) into buf
     * (encrypts and decrypts alike). off + len <= 2^32. */
    void (*xor_stream)(const ferry_cipher *c, uint32_t off, uint8_t *buf, size_t len);
    /* Wipes *c. Safe on a cipher that was never opened (all zeros). */
    void (*close)(ferry_cipher *c);
};

struct ferry_decrypt_key {
    const struct ferry_decrypt_ops *ops;
    void *ctx;
    uint8_t key_id[32]; /* SHA-256 of the class public point: what images name */
};

/* A class key pair held in memory: what `ferry getpub --format c-class -k
 * CLASS.pem` writes for a port that builds the key into its bootloader. */
struct ferry_class_key_material {
    uint8_t priv[32]; /* big-endian scalar, 1 <= d < n: secret */
    uint8_t pub[65];  /* 0x04 || X || Y */
    uint8_t id[32];   /* SHA-256(pub) */
};

/* The software class key over `m` (which must outlive *k). */
void ferry_decrypt_sw_init(struct ferry_decrypt_key *k, const struct ferry_class_key_material *m);

#endif
