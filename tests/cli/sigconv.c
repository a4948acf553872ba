/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test helper: converts an ECDSA P-256 signature between the raw r||s form
 * (64 bytes, as in a Ferry trailer) and the DER form openssl uses
 * (SEQUENCE { INTEGER r, INTEGER s }).
 *
 *   sigconv raw2der RAW.bin OUT.der
 *   sigconv der2raw IN.der OUT.bin
 *
 * Exit 0 on success, 1 on malformed input or I/O failure, 2 on bad usage.
 */
#include <stdio.h>
#include <string.h>

static int read_all(const char *path, unsigned char *buf, size_t cap, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return -1;
    }
    *len = fread(buf, 1, cap, f);
    int extra = fgetc(f) != EOF;
    fclose(f);
    if (extra) {
        fprintf(stderr, "%s: too large\n", path);
        return -1;
    }
    return 0;
}

static int write_all(const char *path, const unsigned char *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(buf, 1, len, f) != len) {
        perror(path);
        if (f != NULL) {
            fclose(f);
        }
        return -1;
    }
    return fclose(f) == 0 ? 0 : -1;
}

/* Minimal DER INTEGER of a 32-byte unsigned big-endian value; returns its size. */
static size_t put_integer(unsigned char *out, const unsigned char v[32])
{
    size_t skip = 0;
    while (skip < 31 && v[skip] == 0) {
        skip++;
    }
    size_t n = 32 - skip;
    int pad = (v[skip] & 0x80) != 0;
    out[0] = 0x02;
    out[1] = (unsigned char)(n + (size_t)pad);
    out[2] = 0;
    memcpy(out + 2 + pad, v + skip, n);
    return 2 + (size_t)pad + n;
}

static size_t raw_to_der(const unsigned char raw[64], unsigned char der[72])
{
    unsigned char body[70];
    size_t len = put_integer(body, raw);
    len += put_integer(body + len, raw + 32);
    der[0] = 0x30;
    der[1] = (unsigned char)len;
    memcpy(der + 2, body, len);
    return len + 2;
}

/* One positive, minimally encoded INTEGER of at most 32 significant bytes
 * from [*p, end) into out[32]; advances *p past it. */
static int take_integer(const unsigned char **p, const unsigned char *end, unsigned char out[32])
{
    size_t left = (size_t)(end - *p);
    if (left < 3 || (*p)[0] != 0x02 || (*p)[1] == 0 || (*p)[1] > left - 2) {
        return -1;
    }
    size_t n = (*p)[1];
    const unsigned char *v = *p + 2;
    *p = v + n;
    if (v[0] & 0x80) {
        return -1; /* negative */
    }
    if (n > 1 && v[0] == 0) {
        if (!(v[1] & 0x80)) {
            return -1; /* not minimal */
        }
        v++;
        n--;
    }
    if (n > 32) {
        return -1;
    }
    memset(out, 0, 32);
    memcpy(out + 32 - n, v, n);
    return 0;
}

static int der_to_raw(const unsigned char *der, size_t len, unsigned char raw[64])
{
    if (len < 2 || der[0] != 0x30 || der[1] >= 0x80 || der[1] != len - 2) {
        return -1;
    }
    const unsigned char *p = der + 2, *end = der + len;
    if (take_integer(&p, end, raw) != 0 || take_integer(&p, end, raw + 32) != 0) {
        return -1;
    }
    return p == end ? 0 : -1;
}
int main(int argc, char **argv)
{
    unsigned char in[256], out[72];
    size_t len;
    if (argc != 4 || (strcmp(argv[1], "raw2der") != 0 && strcmp(argv[1], "der2raw") != 0)) {
        fprintf(stderr, "usage: sigconv raw2der|der2raw IN OUT\n");
        return 2;
    }
    if (read_all(argv[2], in, sizeof in, &len) != 0) {
        return 1;
    }
    if (strcmp(argv[1], "raw2der") == 0) {
        if (len != 64) {
            fprintf(stderr, "%s: a raw signature has 64 bytes, not %zu\n", argv[2], len);
            return 1;
        }
        return write_all(argv[3], out, raw_to_der(in, out)) == 0 ? 0 : 1;
    }
    if (der_to_raw(in, len, out) != 0) {
        fprintf(stderr, "%s: not a DER ECDSA P-256 signature\n", argv[2]);
        return 1;
    }
    return write_all(argv[3], out, 64) == 0 ? 0 : 1;
}
