/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Prints Ferry's ferry-ecies-v1 values for tests/enc_openssl.sh, which
 * recomputes each with openssl. Test-only.
 *
 *   enc_vector_tool wrap D_HEX E_HEX K_HEX
 *       class private key d, ephemeral scalar e, content key K (hex); prints
 *       Q, E, Z, KEK, WRAPPED (host side) and UNWRAPPED (the device's
 *       ferry_ecies_unwrap of E and WRAPPED with d), one NAME=hex per line
 *   enc_vector_tool ctr K_HEX NONCE_HEX OFFSET IN OUT
 *       XORs the AES-128-CTR key stream at byte OFFSET of the stream into
 *       the bytes of IN with the device's ferry_aes128_ctr_xor, in calls of
 *       1, 2, ..., 37, 1, ... bytes (unaligned on purpose), and writes OUT
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bearssl.h>

#include "ferry/crypto_enc.h"
#include "ferry/errors.h"
#include "host_ecies.h"

static int unhex(const char *hex, uint8_t *out, size_t want)
{
    if (strlen(hex) != 2 * want) {
        fprintf(stderr, "enc_vector_tool: '%s' is not %zu hex bytes\n", hex, want);
        return -1;
    }
    for (size_t i = 0; i < want; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1) {
            fprintf(stderr, "enc_vector_tool: '%s' is not hex\n", hex);
            return -1;
        }
        out[i] = (uint8_t)v;
    }
    return 0;
}

static void put(const char *name, const uint8_t *p, size_t len)
{
    printf("%s=", name);
    for (size_t i = 0; i < len; i++) {
        printf("%02x", p[i]);
    }
    printf("\n");
}

static int cmd_wrap(char **argv)
{
    uint8_t d[32], e[32], k[16], q[65], E[65], z[32], kek[16], w[24], back[16];
    int rc;

    if (unhex(argv[0], d, 32) || unhex(argv[1], e, 32) || unhex(argv[2], k, 16)) {
        return 2;
    }
    if (br_ec_p256_m31.mulgen(q, d, 32, BR_EC_secp256r1) != 65) {
        return 2;
    }
    rc = host_ecies_wrap_fixed(q, e, k, E, w);
    if (rc != 0) {
        fprintf(stderr, "enc_vector_tool: wrap: %s\n", ferry_strerror(rc));
        return 1;
    }
    if (host_p256_ecdh(e, q, z) != 0) {
        return 1;
    }
    host_ecies_kek(z, E, q, kek);
    put("Q", q, 65);
    put("E", E, 65);
    put("Z", z, 32);
    put("KEK", kek, 16);
    put("WRAPPED", w, 24);
    rc = ferry_ecies_unwrap(d, q, E, w, back);
    if (rc != 0) {
        printf("UNWRAPPED=error %d %s\n", rc, ferry_strerror(rc));
        return 1;
    }
    put("UNWRAPPED", back, 16);
    return 0;
}

static int cmd_ctr(char **argv)
{
    uint8_t k[16], nonce[12];
    ferry_aes128_key key;
    char *end;
    unsigned long off = strtoul(argv[2], &end, 0);
    FILE *in, *out;
    static uint8_t buf[1 << 20];
    size_t len, pos, step;

    if (unhex(argv[0], k, 16) || unhex(argv[1], nonce, 12) || *end != '\0' || off > 0xFFFFFFFFul) {
        return 2;
    }
    in = fopen(argv[3], "rb");
    if (in == NULL) {
        perror(argv[3]);
        return 2;
    }
    len = fread(buf, 1, sizeof buf, in);
    fclose(in);
    ferry_aes128_key_init(&key, k);
    for (pos = 0, step = 1; pos < len; pos += step, step = step % 37 + 1) {
        size_t n = len - pos < step ? len - pos : step;
        int rc = ferry_aes128_ctr_xor(&key, nonce, (uint32_t)(off + pos), buf + pos, n);
        if (rc != 0) {
            fprintf(stderr, "enc_vector_tool: ctr: %s\n", ferry_strerror(rc));
            return 1;
        }
    }
    ferry_aes128_key_wipe(&key);
    out = fopen(argv[4], "wb");
    if (out == NULL || fwrite(buf, 1, len, out) != len || fclose(out) != 0) {
        perror(argv[4]);
        return 2;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "wrap") == 0) {
        return cmd_wrap(argv + 2);
    }
    if (argc == 7 && strcmp(argv[1], "ctr") == 0) {
        return cmd_ctr(argv + 2);
    }
    fprintf(stderr, "usage: enc_vector_tool wrap D E K | ctr K NONCE OFFSET IN OUT\n");
    return 2;
}
