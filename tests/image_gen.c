/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Writes a valid, signed test image (tests/image_builder.h defaults, test
 * key A) and optionally the signer's public key as DER SubjectPublicKeyInfo.
 * Used as the fuzzer's seed and by the openssl cross-check of the format.
 *
 * Usage: ferry_image_gen IMAGE_OUT [PUBKEY_DER_OUT]
 * Exit status 0 on success, 1 on an I/O error, 2 on bad usage.
 */
#include <stdio.h>

#include "image_builder.h"

/* SubjectPublicKeyInfo for an id-ecPublicKey on prime256v1, up to the
 * BIT STRING's unused-bits byte; the 65-byte point follows. */
static const uint8_t spki_p256_prefix[26] = {
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01,
    0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
};

static int write_file(const char *path, const void *a, size_t alen, const void *b, size_t blen)
{
    FILE *f = fopen(path, "wb");
    int ok;

    if (f == NULL) {
        perror(path);
        return 1;
    }
    ok = fwrite(a, 1, alen, f) == alen && (blen == 0 || fwrite(b, 1, blen, f) == blen);
    ok = (fclose(f) == 0) && ok;
    if (!ok) {
        perror(path);
    }
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    static uint8_t img[4096];
    struct ib_spec spec = ib_default_spec();
    struct ferry_pubkey pub;
    size_t len;

    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s IMAGE_OUT [PUBKEY_DER_OUT]\n", argv[0]);
        return 2;
    }
    len = ib_build(&spec, img, sizeof img);
    if (len == 0 || write_file(argv[1], img, len, NULL, 0) != 0) {
        return 1;
    }
    if (argc == 3) {
        ib_pubkey(ib_key_a, &pub);
        return write_file(argv[2], spki_p256_prefix, sizeof spki_p256_prefix, pub.point, 65);
    }
    return 0;
}
