/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The release manifest's bytes (docs/repository.md): writing them, reading
 * them back as strictly as a device does, and their signature file.
 */
#include <stdio.h>
#include <string.h>

#define JSMN_STATIC
#define JSMN_STRICT
#include <jsmn.h>

#include "ferry/crypto.h"
#include "ferry/errors.h"
#include "ferry/manifest.h"
#include "ferry/memflash.h"
#include "host_priv.h"
#include "publish.h"

/* Enough for the eight known keys plus a fair number of unknown ones; a
 * manifest with more JSON values than this is refused. */
#define MANIFEST_TOKENS_MAX 128

static void hex(const uint8_t *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

size_t repo_manifest_format(const struct repo_manifest *m, char *out, size_t cap)
{
    char vendor[37], class_id[37], version[40], sha[65];
    ferry_uuid_format(m->vendor_id, vendor);
    ferry_uuid_format(m->class_id, class_id);
    cli_format_version(&m->version, version, sizeof version);
    hex(m->sha256, sizeof m->sha256, sha);
    char seq[32] = "", exp[32] = "";
    if (m->has_sequence) {
        snprintf(seq, sizeof seq, ",\"sequence\":%lu", (unsigned long)m->sequence);
    }
    if (m->has_expires) {
        snprintf(exp, sizeof exp, ",\"expires\":%lu", (unsigned long)m->expires);
    }
    int n = snprintf(out, cap,
                     "{\"ferry_manifest\":%u,\"vendor\":\"%s\",\"class\":\"%s\",\"version\":\"%s\","
                     "\"security_counter\":%lu,\"size\":%lu,\"sha256\":\"%s\",\"image\":\"%s\"%s%s}",
                     REPO_FORMAT_VERSION, vendor, class_id, version,
                     (unsigned long)m->security_counter, (unsigned long)m->size, sha, m->image, seq,
                     exp);
    if (n < 0 || (size_t)n >= cap) {
        return 0;
    }
    return (size_t)n;
}

/* Days from 1970-01-01 to year-month-day (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char *s, size_t n, unsigned *out)
{
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
        v = v * 10u + (unsigned)(s[i] - '0');
    }
    *out = v;
    return 0;
}

int repo_parse_expires(const char *text, uint64_t now, uint32_t *out, char *err, size_t errlen)
{
    static const char units[] = "smhdw";
    static const char usage[] = "expected a duration (30d, 12h, 90m, 3600s, 2w) or a UTC time "
                                "YYYY-MM-DDTHH:MM:SSZ";
    size_t len = strlen(text);
    uint64_t t;
    if (len >= 2 && strchr(units, text[len - 1]) != NULL && text[0] >= '0' && text[0] <= '9') {
        static const uint64_t unit[] = { 1, 60, 3600, 86400, 604800 };
        uint64_t v = 0, mul = unit[strchr(units, text[len - 1]) - units];
        for (size_t i = 0; i + 1 < len; i++) {
            if (text[i] < '0' || text[i] > '9' || v > UINT32_MAX) {
                return host_fail(-1, err, errlen, "'%s': %s", text, usage);
            }
            v = v * 10u + (uint64_t)(text[i] - '0');
        }
        if (v == 0) {
            return host_fail(-1, err, errlen, "'%s': the duration is zero", text);
        }
        t = now + v * mul;
    } else if (len == 10 || (len == 20 && text[10] == 'T' && text[13] == ':' && text[16] == ':' &&
                             text[19] == 'Z')) {
        unsigned y, mo, d, h = 0, mi = 0, sec = 0;
        static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
        if (text[4] != '-' || text[7] != '-' || digits(text, 4, &y) || digits(text + 5, 2, &mo) ||
            digits(text + 8, 2, &d) ||
            (len == 20 && (digits(text + 11, 2, &h) || digits(text + 14, 2, &mi) ||
                           digits(text + 17, 2, &sec)))) {
            return host_fail(-1, err, errlen, "'%s': %s", text, usage);
        }
        int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap) ||
            h > 23 || mi > 59 || sec > 59) {
            return host_fail(-1, err, errlen, "'%s' is not a valid date and time", text);
        }
        int64_t days = days_from_civil(y, mo, d);
        if (days < 0) {
            return host_fail(-1, err, errlen, "'%s' is before 1970", text);
        }
        t = (uint64_t)days * 86400u + h * 3600u + mi * 60u + sec;
    } else {
        return host_fail(-1, err, errlen, "'%s': %s", text, usage);
    }
    if (t <= now) {
        return host_fail(-1, err, errlen, "'%s' is not in the future", text);
    }
    if (t > UINT32_MAX) {
        return host_fail(-1, err, errlen, "'%s' is after 2106-02-07T06:28:15Z, the last time a "
                         "manifest can carry", text);
    }
    *out = (uint32_t)t;
    return 0;
}

int repo_image_path_valid(const char *path)
{
    size_t len = strlen(path);
    if (len == 0 || len > REPO_IMAGE_PATH_MAX) {
        return 0;
    }
    const char *seg = path;
    for (size_t i = 0; i <= len; i++) {
        char c = path[i];
        if (c == '/' || c == '\0') {
            size_t n = (size_t)(path + i - seg);
            if (n == 0 || (n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.')) {
                return 0;
            }
            seg = path + i + 1;
            continue;
        }
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '_' || c == '+' || c == '-' || c == '~';
        if (!ok) {
            return 0;
        }
    }
    return 1;
}

void repo_image_path(const struct ferry_version *v, const uint8_t sha256[32],
                     char out[REPO_IMAGE_PATH_MAX + 1])
{
    char version[40], prefix[17];
    cli_format_version(v, version, sizeof version);
    hex(sha256, 8, prefix);
    snprintf(out, REPO_IMAGE_PATH_MAX + 1, REPO_IMAGES_DIR "/%s-%s.img", version, prefix);
}

/* ---- reading ---- */

struct parse_ctx {
    const char *text;
    const jsmntok_t *tok;
    char *err;
    size_t errlen;
};

static size_t tok_len(const jsmntok_t *t)
{
    return (size_t)(t->end - t->start);
}

static int tok_is(const struct parse_ctx *c, const jsmntok_t *t, const char *s)
{
    return tok_len(t) == strlen(s) && memcmp(c->text + t->start, s, tok_len(t)) == 0;
}

/* Index of the token after the value at i and everything nested in it:
 * jsmn emits tokens in document order, so the nested ones start before the
 * value ends. */
static int skip_value(const jsmntok_t *t, int i, int count)
{
    int end = t[i].end;
    for (i++; i < count && t[i].start < end; i++) {
    }
    return i;
}

/* A string value without escapes, copied NUL-terminated into out[cap]. */
static int take_string(const struct parse_ctx *c, const jsmntok_t *t, const char *key,
                       char *out, size_t cap)
{
    size_t n = tok_len(t);
    if (t->type != JSMN_STRING) {
        return host_fail(-1, c->err, c->errlen, "\"%s\" is not a string", key);
    }
    if (memchr(c->text + t->start, '\\', n) != NULL) {
        return host_fail(-1, c->err, c->errlen, "\"%s\" contains an escape sequence", key);
    }
    if (n >= cap) {
        return host_fail(-1, c->err, c->errlen, "\"%s\" is too long (%zu bytes)", key, n);
    }
    memcpy(out, c->text + t->start, n);
    out[n] = '\0';
    return 0;
}

/* A JSON number that is a plain decimal integer 0..4294967295: digits only,
 * no sign, fraction, exponent or leading zero. */
static int take_u32(const struct parse_ctx *c, const jsmntok_t *t, const char *key,
                    uint32_t *out)
{
    const char *p = c->text + t->start;
    size_t n = tok_len(t);
    uint64_t v = 0;
    if (t->type != JSMN_PRIMITIVE || n == 0 || n > 10 || (n > 1 && p[0] == '0')) {
        return host_fail(-1, c->err, c->errlen, "\"%s\" is not an integer 0..4294967295", key);
    }
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') {
            return host_fail(-1, c->err, c->errlen, "\"%s\" is not an integer 0..4294967295",
                             key);
        }
        v = v * 10u + (uint64_t)(p[i] - '0');
    }
    if (v > UINT32_MAX) {
        return host_fail(-1, c->err, c->errlen, "\"%s\" is not an integer 0..4294967295", key);
    }
    *out = (uint32_t)v;
    return 0;
}

static int take_uuid(const struct parse_ctx *c, const jsmntok_t *t, const char *key,
                     uint8_t out[16])
{
    char s[40];
    if (take_string(c, t, key, s, sizeof s) != 0) {
        return -1;
    }
    if (strlen(s) != 36 || ferry_uuid_parse(s, out) != 0) {
        return host_fail(-1, c->err, c->errlen, "\"%s\" is not a UUID", key);
    }
    return 0;
}

static int take_sha256(const struct parse_ctx *c, const jsmntok_t *t, uint8_t out[32])
{
    char s[66];
    if (take_string(c, t, "sha256", s, sizeof s) != 0) {
        return -1;
    }
    if (strlen(s) != 64) {
        return host_fail(-1, c->err, c->errlen, "\"sha256\" is not 64 lower-case hex digits");
    }
    for (size_t i = 0; i < 64; i++) {
        char ch = s[i];
        int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
        if (d < 0) {
            return host_fail(-1, c->err, c->errlen, "\"sha256\" is not 64 lower-case hex digits");
        }
        out[i / 2] = (uint8_t)(i % 2 == 0 ? d << 4 : out[i / 2] | d);
    }
    return 0;
}

/* The required keys (KEY_REQUIRED of them), then the optional ones. */
enum {
    KEY_FORMAT, KEY_VENDOR, KEY_CLASS, KEY_VERSION, KEY_COUNTER, KEY_SIZE, KEY_SHA, KEY_IMAGE,
    KEY_REQUIRED, KEY_SEQUENCE = KEY_REQUIRED, KEY_EXPIRES, KEY_COUNT,
};
static const char *const KEY_NAMES[KEY_COUNT] = {
    "ferry_manifest", "vendor", "class", "version", "security_counter", "size", "sha256", "image",
    "sequence", "expires",
};

static int take_known(const struct parse_ctx *c, int key, const jsmntok_t *v,
                      struct repo_manifest *m)
{
    char text[64];
    uint32_t format;
    switch (key) {
    case KEY_FORMAT:
        if (take_u32(c, v, KEY_NAMES[key], &format) != 0) {
            return -1;
        }
        if (format != REPO_FORMAT_VERSION) {
            return host_fail(-1, c->err, c->errlen,
                             "manifest format %lu is not supported (this tool reads %u)",
                             (unsigned long)format, REPO_FORMAT_VERSION);
        }
        return 0;
    case KEY_VENDOR: return take_uuid(c, v, KEY_NAMES[key], m->vendor_id);
    case KEY_CLASS: return take_uuid(c, v, KEY_NAMES[key], m->class_id);
    case KEY_VERSION: {
        char why[128];
        if (take_string(c, v, KEY_NAMES[key], text, sizeof text) != 0) {
            return -1;
        }
        if (cli_parse_version(text, &m->version, why, sizeof why) != 0) {
            return host_fail(-1, c->err, c->errlen, "\"version\" \"%s\": %s", text, why);
        }
        return 0;
    }
    case KEY_COUNTER: return take_u32(c, v, KEY_NAMES[key], &m->security_counter);
    case KEY_SIZE:
        if (take_u32(c, v, KEY_NAMES[key], &m->size) != 0) {
            return -1;
        }
        if (m->size == 0) {
            return host_fail(-1, c->err, c->errlen, "\"size\" is 0");
        }
        return 0;
    case KEY_SHA: return take_sha256(c, v, m->sha256);
    case KEY_SEQUENCE:
    case KEY_EXPIRES: {
        uint32_t *field = key == KEY_SEQUENCE ? &m->sequence : &m->expires;
        if (take_u32(c, v, KEY_NAMES[key], field) != 0) {
            return -1;
        }
        if (*field == 0) {
            return host_fail(-1, c->err, c->errlen, "\"%s\" is 0", KEY_NAMES[key]);
        }
        *(key == KEY_SEQUENCE ? &m->has_sequence : &m->has_expires) = 1;
        return 0;
    }
    default:
        if (take_string(c, v, KEY_NAMES[key], m->image, sizeof m->image) != 0) {
            return -1;
        }
        if (!repo_image_path_valid(m->image)) {
            return host_fail(-1, c->err, c->errlen,
                             "\"image\" \"%s\" is not a relative path inside the class directory",
                             m->image);
        }
        return 0;
    }
}

static int is_json_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

int repo_manifest_parse(const char *text, size_t len, struct repo_manifest *m,
                        char *err, size_t errlen)
{
    jsmntok_t tok[MANIFEST_TOKENS_MAX];
    jsmn_parser parser;
    memset(m, 0, sizeof *m);
    if (len > REPO_MANIFEST_MAX) {
        return host_fail(-1, err, errlen, "%zu bytes, more than the %u a manifest may have", len,
                         REPO_MANIFEST_MAX);
    }
    if (memchr(text, '\0', len) != NULL) {
        return host_fail(-1, err, errlen, "contains a NUL byte");
    }
    jsmn_init(&parser);
    int count = jsmn_parse(&parser, text, len, tok, MANIFEST_TOKENS_MAX);
    if (count == JSMN_ERROR_NOMEM) {
        return host_fail(-1, err, errlen, "more than %d JSON values", MANIFEST_TOKENS_MAX);
    }
    if (count < 0) {
        return host_fail(-1, err, errlen, "not valid JSON");
    }
    size_t end = len;
    while (end > 0 && is_json_space(text[end - 1])) {
        end--;
    }
    if (count == 0 || tok[0].type != JSMN_OBJECT || (size_t)tok[0].end != end) {
        return host_fail(-1, err, errlen, "not one JSON object");
    }
    struct parse_ctx c = { text, tok, err, errlen };
    int seen[KEY_COUNT] = { 0 };
    int i = 1;
    for (int k = 0; k < tok[0].size; k++) {
        if (i + 1 >= count || tok[i].type != JSMN_STRING) {
            return host_fail(-1, err, errlen, "not valid JSON");
        }
        int key = 0;
        while (key < KEY_COUNT && !tok_is(&c, &tok[i], KEY_NAMES[key])) {
            key++;
        }
        if (key < KEY_COUNT) {
            if (seen[key]++) {
                return host_fail(-1, err, errlen, "\"%s\" appears twice", KEY_NAMES[key]);
            }
            if (take_known(&c, key, &tok[i + 1], m) != 0) {
                return -1;
            }
        }
        i = skip_value(tok, i + 1, count);
    }
    for (int key = 0; key < KEY_REQUIRED; key++) {
        if (!seen[key]) {
            return host_fail(-1, err, errlen, "\"%s\" is missing", KEY_NAMES[key]);
        }
    }
    return 0;
}

int repo_manifest_device_check(const char *text, size_t len, const struct repo_manifest *m,
                               char *err, size_t errlen)
{
    struct ferry_manifest d;
    int rc = ferry_manifest_parse(text, len, &d);
    if (rc != 0) {
        return host_fail(-1, err, errlen, "the device's manifest parser refuses it: %s",
                         ferry_strerror(rc));
    }
    if (memcmp(d.vendor_id, m->vendor_id, 16) != 0 || memcmp(d.class_id, m->class_id, 16) != 0 ||
        ferry_version_cmp(&d.version, &m->version) != 0 ||
        d.security_counter != m->security_counter || d.size != m->size ||
        memcmp(d.sha256, m->sha256, 32) != 0 || strcmp(d.image, m->image) != 0 ||
        d.has_sequence != m->has_sequence || d.sequence != m->sequence ||
        d.has_expires != m->has_expires || d.expires != m->expires) {
        return host_fail(-1, err, errlen, "the device's manifest parser reads other values");
    }
    return 0;
}

/* ---- signature ---- */

int repo_manifest_sign(const struct ferry_host_key *k, const char *text, size_t len,
                       uint8_t sig[REPO_SIG_SIZE], char *err, size_t errlen)
{
    uint8_t hash[32];
    ferry_sha256(text, len, hash);
    memcpy(sig, k->id, 32);
    return ferry_host_sign_hash_err(k, hash, sig + 32, err, errlen);
}

int repo_manifest_check_sig(const uint8_t *sig, size_t sig_len, const char *text, size_t len,
                            const struct ferry_pubkey *keys, unsigned key_count,
                            char *err, size_t errlen)
{
    if (sig_len != REPO_SIG_SIZE) {
        return host_fail(-1, err, errlen, "the signature file has %zu bytes, not %u", sig_len,
                         REPO_SIG_SIZE);
    }
    const struct ferry_pubkey *key = NULL;
    for (unsigned i = 0; i < key_count && key == NULL; i++) {
        if (memcmp(keys[i].id, sig, 32) == 0) {
            key = &keys[i];
        }
    }
    if (key == NULL) {
        char id[17];
        hex(sig, 8, id);
        return host_fail(-1, err, errlen, "signed by key %s..., not one of the %u key(s) given",
                         id, key_count);
    }
    uint8_t hash[32];
    ferry_sha256(text, len, hash);
    if (ferry_p256_verify(key->point, hash, sig + 32) != 0) {
        return host_fail(-1, err, errlen, "the signature does not verify over these bytes");
    }
    return 0;
}

int repo_check_image(const char *cmd, const char *path, const uint8_t *data, size_t len,
                     const struct ferry_verify_policy *pol, struct ferry_image_info *info)
{
    static uint8_t buf[4096];
    struct ferry_memflash mf;
    memset(info, 0, sizeof *info);
    if (len == 0) {
        return cli_fail(cmd, "%s: %s (the file is empty)", path,
                        ferry_strerror(FERRY_E_IMG_TRUNCATED));
    }
    int rc = ferry_memflash_init_ro(&mf, data, (uint32_t)len);
    if (rc != 0) {
        return cli_fail(cmd, "%s: cannot map the file: %s", path, ferry_strerror(rc));
    }
    struct ferry_area area = { &mf.flash, 0, (uint32_t)len };
    rc = ferry_image_parse(&area, FERRY_PARSE_FILE, info);
    if (rc == 0) {
        rc = ferry_image_verify(&area, info, pol, buf, sizeof buf);
    }
    if (rc != 0) {
        return cli_report_image_error(cmd, path, rc, data, len, info, pol);
    }
    return 0;
}
