/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A bootloader without decryption (boot/plain/image_enc_none.c linked before
 * the core): every encrypted image is refused as soon as it is parsed, with
 * FERRY_E_IMG_ENC_KEY, in every parse mode; plain images are unaffected.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ferry/errors.h"
#include "ferry/image.h"
#include "ferry/memflash.h"
#include "ferry_host.h"

static const uint8_t sign_priv[32] = {5, 4, 3, 2, 1, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                      17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 1};
static const uint8_t class_priv[32] = {0x21, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5,
                                       6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 2};

static int parse(const uint8_t *img, size_t len, enum ferry_parse_mode mode)
{
    struct ferry_memflash mf;
    struct ferry_image_info info;
    CHECK_EQ(ferry_memflash_init_ro(&mf, img, (uint32_t)len), 0);
    struct ferry_area a = {&mf.flash, 0, (uint32_t)len};
    return ferry_image_parse(&a, mode, &info);
}

static void test_encrypted_refused_plain_kept(void)
{
    struct ferry_host_key signer, class_key;
    CHECK_EQ(ferry_host_key_from_private(sign_priv, &signer), 0);
    CHECK_EQ(ferry_host_key_from_private(class_priv, &class_key), 0);
    static uint8_t payload[3000];
    memset(payload, 0x5a, sizeof payload);
    struct ferry_sign_params p;
    memset(&p, 0, sizeof p);
    p.version.major = 1;
    memset(p.vendor_id, 1, 16);
    memset(p.class_id, 2, 16);
    uint8_t *img;
    size_t len;
    CHECK_EQ(ferry_host_sign(&signer, &p, payload, sizeof payload, &img, &len), 0);
    CHECK_EQ(parse(img, len, FERRY_PARSE_FILE), 0);
    free(img);

    struct ferry_host_enc enc;
    CHECK_EQ(ferry_host_enc_new(class_key.pub, &enc), 0);
    p.enc = &enc;
    CHECK_EQ(ferry_host_sign(&signer, &p, payload, sizeof payload, &img, &len), 0);
    CHECK_EQ(parse(img, len, FERRY_PARSE_FILE), FERRY_E_IMG_ENC_KEY);
    CHECK_EQ(parse(img, len, FERRY_PARSE_SLOT), FERRY_E_IMG_ENC_KEY);
    CHECK_EQ(parse(img, len, FERRY_PARSE_PRIMARY), FERRY_E_IMG_ENC_KEY);
    img[16] &= (uint8_t)~FERRY_IMG_F_ENCRYPTED; /* the entries alone say it, too */
    CHECK_EQ(parse(img, len, FERRY_PARSE_FILE), FERRY_E_IMG_ENC_KEY);
    free(img);
    ferry_host_enc_wipe(&enc);
}

int main(void)
{
    RUN(test_encrypted_refused_plain_kept);
    return check_done();
}
