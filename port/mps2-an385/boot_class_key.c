/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The built-in class key of the decrypting bootloaders (boot_class_key.h):
 * the software class key of src/crypto/decrypt_sw.c over the key pair that
 * the build generates (class_key.c, `ferry getpub --format c-class` of
 * FERRY_CLASS_KEY: docs/port-mps2-an385.md).
 *
 * The key pair stays in the bootloader's ROM. Its private scalar is copied
 * to RAM only for an unwrap and wiped before open() returns, the way a port
 * that reads the scalar from OTP would hold it: the application, which can
 * read all of the bootloader's RAM after the jump, finds no copy of it there
 * (decrypt_sw.c and bearssl_enc.c wipe the shared secret, the KEK and the
 * content key the same way). The copy is static, not on the stack: the
 * unwrap is the deepest point of an update boot (bench/footprint.md). This
 * board has no read-out protection, so the ROM copy at 0x0 stays readable;
 * a product keeps the scalar in OTP or a secure element and locks it before
 * the jump.
 */
#include <stdint.h>
#include <string.h>
#include "boot_class_key.h"
#include "ferry/crypto_enc.h"
#include "ferry/decrypt.h"

/* Generated: class_key.c in the build tree. */
extern const struct ferry_class_key_material ferry_class_key;

/* The software key over the RAM copy `material`; its ops also serve
 * xor_stream() and close(). */
static struct ferry_decrypt_key sw;
static struct ferry_class_key_material material; /* all zeros but inside open_key() */

static int open_key(void *ctx, const struct ferry_enc_info *enc, ferry_cipher *c)
{
    (void)ctx;
    memcpy(&material, &ferry_class_key, sizeof material); /* the read from OTP on a real part */
    int rc = sw.ops->open(sw.ctx, enc, c);
    ferry_wipe(&material, sizeof material);
    return rc;
}

static void xor_stream(const ferry_cipher *c, uint32_t off, uint8_t *buf, size_t len)
{
    sw.ops->xor_stream(c, off, buf, len);
}

static void close_key(ferry_cipher *c)
{
    sw.ops->close(c);
}

static const struct ferry_decrypt_ops ops = {open_key, xor_stream, close_key};
static struct ferry_decrypt_key key;

const struct ferry_decrypt_key *boot_class_key(void)
{
    ferry_decrypt_sw_init(&sw, &material);
    key.ops = &ops;
    key.ctx = NULL;
    memcpy(key.key_id, ferry_class_key.id, sizeof key.key_id);
    return &key;
}
