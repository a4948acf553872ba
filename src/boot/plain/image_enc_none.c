/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Encrypted images in a bootloader that cannot decrypt them (contract in
 * image_priv.h): each is refused as soon as it is parsed, with the error a
 * device without the right class key gives (FERRY_E_IMG_ENC_KEY). Linked
 * before the core library, it keeps image_enc.c out of the program.
 */
#include <stdint.h>

#include "ferry/errors.h"
#include "ferry/image.h"
#include "image_priv.h"

unsigned ferry_image_enc_entry(const struct ferry_meta_src *s, uint32_t type, uint32_t off,
                               uint32_t len, struct ferry_image_info *out, int *rc)
{
    (void)s;
    (void)off;
    (void)len;
    (void)out;
    if (type == FERRY_TLV_ENCRYPTION) {
        *rc = FERRY_E_IMG_ENC_KEY;
        return FERRY_SEEN_ENC;
    }
    return 0u;
}

int ferry_image_enc_rules(const struct ferry_image_info *out, unsigned seen)
{
    (void)seen;
    return (out->flags & FERRY_IMG_F_ENCRYPTED) != 0u ? FERRY_E_IMG_ENC_KEY : FERRY_OK;
}

int ferry_image_enc_payload(const struct ferry_image_info *seen, const uint8_t digest[32])
{
    (void)seen; /* no encrypted image gets past the parse */
    (void)digest;
    return FERRY_OK;
}
