/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The encryption entries of an image and its payload digest check
 * (docs/image-format.md section 13; contract in image_priv.h). A bootloader
 * without a class key links plain/image_enc_none.c instead.
 */
#include <stdint.h>
#include <string.h>

#include "ferry/byteorder.h"
#include "ferry/crypto.h"
#include "ferry/errors.h"
#include "ferry/image.h"
#include "image_priv.h"

/* u16 scheme, u16 reserved (0), class key ID, E, wrapped key, nonce. */
static int read_enc(const struct ferry_meta_src *s, uint32_t off, uint32_t len,
                    struct ferry_enc_info *dst)
{
    uint8_t v[FERRY_ENC_TLV_LEN];
    if (len != sizeof v)
        return FERRY_E_IMG_TLV;
    int rc = ferry_meta_read(s, off, v, sizeof v);
    if (rc != FERRY_OK)
        return rc;
    if (ferry_get_le16(v) != FERRY_ENC_SCHEME_ECIES_P256 || ferry_get_le16(v + 2) != 0u)
        return FERRY_E_IMG_TLV;
    memcpy(dst->class_key_id, v + 4, sizeof dst->class_key_id);
    memcpy(dst->ephemeral, v + 36, sizeof dst->ephemeral);
    memcpy(dst->wrapped, v + 101, sizeof dst->wrapped);
    memcpy(dst->nonce, v + 125, sizeof dst->nonce);
    return FERRY_OK;
}

unsigned ferry_image_enc_entry(const struct ferry_meta_src *s, uint32_t type, uint32_t off,
                               uint32_t len, struct ferry_image_info *out, int *rc)
{
    if (type == FERRY_TLV_ENCRYPTION) {
        *rc = read_enc(s, off, len, &out->enc);
        return FERRY_SEEN_ENC;
    }
    return 0u;
}

int ferry_image_enc_rules(const struct ferry_image_info *out, unsigned seen)
{
    /* The flag says the payload is ciphertext; the entry is how to open it:
     * neither without the other (the payload digests: digest_rules()). */
    if ((out->flags & FERRY_IMG_F_ENCRYPTED) != 0u)
        return (seen & FERRY_SEEN_ENC) != 0u ? FERRY_OK : FERRY_E_IMG_MISSING;
    return (seen & FERRY_SEEN_ENC) == 0u ? FERRY_OK : FERRY_E_IMG_TLV;
}

int ferry_image_enc_payload(const struct ferry_image_info *seen, const uint8_t digest[32])
{
    if ((seen->flags & FERRY_IMG_F_ENCRYPTED) == 0u)
        return FERRY_OK;
    const uint8_t *want = seen->installed ? seen->plain_digest : seen->cipher_digest;
    if (ferry_ct_memcmp(digest, want, 32) != 0)
        return seen->installed ? FERRY_E_IMG_PLAINTEXT : FERRY_E_IMG_CIPHERTEXT;
    return FERRY_OK;
}
