/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Whole-file read and write for the host tools. errno is left as the failing
 * call set it, so callers can print strerror(errno).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "ferry/errors.h"
#include "ferry_host.h"

int ferry_host_read_file(const char *path, uint8_t **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return FERRY_E_IO;
    }
    size_t cap = 4096, used = 0;
    uint8_t *buf = malloc(cap);
    if (buf == NULL) {
        fclose(f);
        return FERRY_E_NOSPC;
    }
    for (;;) {
        if (used == cap) {
            if (cap > (size_t)UINT32_MAX) {
                /* Images are addressed with 32-bit offsets. */
                free(buf);
                fclose(f);
                errno = EFBIG;
                return FERRY_E_NOSPC;
            }
            uint8_t *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) {
                free(buf);
                fclose(f);
                return FERRY_E_NOSPC;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t n = fread(buf + used, 1, cap - used, f);
        used += n;
        if (n == 0) {
            break;
        }
    }
    if (ferror(f)) {
        int saved = errno;
        free(buf);
        fclose(f);
        errno = saved;
        return FERRY_E_IO;
    }
    fclose(f);
    if (used > (size_t)UINT32_MAX) {
        free(buf);
        errno = EFBIG;
        return FERRY_E_NOSPC;
    }
    *data = buf;
    *len = used;
    return FERRY_OK;
}

int ferry_host_write_file(const char *path, const uint8_t *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        return FERRY_E_IO;
    }
    int ok = len == 0 || fwrite(data, 1, len, f) == len;
    int saved = errno;
    if (fclose(f) != 0 && ok) {
        ok = 0;
        saved = errno;
    }
    if (!ok) {
        remove(path);
        errno = saved;
        return FERRY_E_IO;
    }
    return FERRY_OK;
}
