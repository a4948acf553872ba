/* SPDX-License-Identifier: Apache-2.0 */
/*
 * UUIDs for vendor and device-class IDs (RFC 9562; naming as in RFC 9124):
 * a vendor name becomes a v5 UUID in the DNS namespace, a class name a v5
 * UUID in the vendor's UUID as namespace.
 */
#include <string.h>

#include <bearssl.h>

#include "ferry/errors.h"
#include "ferry_host.h"

const uint8_t ferry_uuid_ns_dns[16] = {
    0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1,
    0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8,
};

/* Text offsets of the four dashes in 8-4-4-4-12 form. */
static int is_dash_position(size_t i)
{
    return i == 8 || i == 13 || i == 18 || i == 23;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

int ferry_uuid_parse(const char *s, uint8_t out[16])
{
    if (strlen(s) != 36) {
        return FERRY_E_INVAL;
    }
    uint8_t u[16];
    size_t nibble = 0;
    for (size_t i = 0; i < 36; i++) {
        if (is_dash_position(i)) {
            if (s[i] != '-') {
                return FERRY_E_INVAL;
            }
            continue;
        }
        int v = hex_value(s[i]);
        if (v < 0) {
            return FERRY_E_INVAL;
        }
        if (nibble % 2 == 0) {
            u[nibble / 2] = (uint8_t)(v << 4);
        } else {
            u[nibble / 2] |= (uint8_t)v;
        }
        nibble++;
    }
    memcpy(out, u, 16);
    return FERRY_OK;
}

void ferry_uuid_v5(const uint8_t ns[16], const char *name, uint8_t out[16])
{
    br_sha1_context sha;
    uint8_t hash[br_sha1_SIZE];
    br_sha1_init(&sha);
    br_sha1_update(&sha, ns, 16);
    br_sha1_update(&sha, name, strlen(name));
    br_sha1_out(&sha, hash);
    memcpy(out, hash, 16);
    out[6] = (uint8_t)((out[6] & 0x0F) | 0x50); /* version 5 */
    out[8] = (uint8_t)((out[8] & 0x3F) | 0x80); /* variant 10xx (RFC) */
}

void ferry_uuid_format(const uint8_t u[16], char out[37])
{
    static const char digits[] = "0123456789abcdef";
    size_t o = 0;
    for (size_t i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            out[o++] = '-';
        }
        out[o++] = digits[u[i] >> 4];
        out[o++] = digits[u[i] & 0x0F];
    }
    out[o] = '\0';
}

/* 36 characters with dashes where a UUID has them: meant as UUID text. */
static int looks_like_uuid(const char *s)
{
    if (strlen(s) != 36) {
        return 0;
    }
    for (size_t i = 0; i < 36; i++) {
        if (is_dash_position(i) != (s[i] == '-')) {
            return 0;
        }
    }
    return 1;
}

int ferry_uuid_from_arg(const char *arg, const uint8_t *ns, uint8_t out[16])
{
    if (arg == NULL || arg[0] == '\0') {
        return FERRY_E_INVAL;
    }
    if (looks_like_uuid(arg)) {
        return ferry_uuid_parse(arg, out);
    }
    ferry_uuid_v5(ns != NULL ? ns : ferry_uuid_ns_dns, arg, out);
    return FERRY_OK;
}
