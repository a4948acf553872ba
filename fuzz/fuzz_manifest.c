/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: arbitrary bytes as a release manifest, and as a
 * signature file followed by a manifest.
 *
 * The parser must never read outside the input (ASan sees the exact buffer:
 * it is copied so that no byte after it is readable), and what it accepts
 * must keep the promises of include/ferry/manifest.h: the image path is
 * relative, without dot segments, and printable; the size is not 0.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ferry/errors.h"
#include "ferry/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_accepted(const struct ferry_manifest *m)
{
    size_t n = strlen(m->image);
    if (n == 0 || n > FERRY_MANIFEST_PATH_MAX || m->image[0] == '/' || m->size == 0 ||
        strstr(m->image, "//") || strcmp(m->image, "..") == 0 || strncmp(m->image, "../", 3) == 0 ||
        strstr(m->image, "/../") || strstr(m->image, "/./") || strncmp(m->image, "./", 2) == 0 ||
        strchr(m->image, ':') || strchr(m->image, '%') || strchr(m->image, '?') ||
        strchr(m->image, '\\'))
        abort();
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)m->image[i] <= 0x20 || (unsigned char)m->image[i] >= 0x7f)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ferry_manifest m;
    char *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    int rc = ferry_manifest_parse(copy, size, &m);
    if (rc == 0)
        check_accepted(&m);
    else if (rc != FERRY_E_MANIFEST)
        abort();

    /* As "signature || manifest" against a key whose ID is all zeros: the
     * lookup and length rules run on every input, the curve math rarely. */
    if (size >= FERRY_MANIFEST_SIG_BYTES) {
        static struct ferry_pubkey key; /* zero point: never a valid key */
        rc = ferry_manifest_verify((const uint8_t *)copy + FERRY_MANIFEST_SIG_BYTES,
                                   size - FERRY_MANIFEST_SIG_BYTES, (const uint8_t *)copy,
                                   FERRY_MANIFEST_SIG_BYTES, &key, 1, 0, NULL);
        if (rc != FERRY_E_MANIFEST_SIG)
            abort();
    }
    free(copy);
    return 0;
}
