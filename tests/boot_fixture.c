/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>
#include "boot_fixture.h"
#include "ferry/crypto_enc.h"
#include "ferry/memflash.h"

static void on_event(void *ctx, enum ferry_boot_event ev, int err,
                     const struct ferry_image_info *info)
{
    struct fx *f = ctx;
    (void)info;
    if (f->event_count < (int)(sizeof f->events / sizeof f->events[0]))
        f->events[f->event_count++] = (int)ev;
    if (f->verbose)
        printf("  event %d err %d (%s)\n", (int)ev, err, ferry_strerror(err));
}

int fx_open(struct fx *f, const char *board_name)
{
    static const uint8_t priv[32] = {
        0x1f, 0x2e, 0x3d, 0x4c, 0x5b, 0x6a, 0x79, 0x88, 0x97, 0xa6, 0xb5, 0xc4, 0xd3, 0xe2, 0xf1, 0x01,
        0x12, 0x23, 0x34, 0x45, 0x56, 0x67, 0x78, 0x89, 0x9a, 0xab, 0xbc, 0xcd, 0xde, 0xef, 0xf0, 0x0f};
    memset(f, 0, sizeof *f);
    const struct sim_board_desc *d = sim_board_find(board_name);
    if (!d)
        return FERRY_E_INVAL;
    int err = sim_board_open(&f->board, d, NULL);
    if (err)
        return err;
    err = ferry_host_key_from_private(priv, &f->key);
    if (err)
        return err;
    static const uint8_t priv1[32] = {
        0x5a, 0x17, 0xc3, 0x90, 0x2b, 0x4e, 0x61, 0xd8, 0x07, 0xf2, 0x3c, 0x95, 0xa8, 0x1d, 0x6e, 0x44,
        0xb9, 0x02, 0x73, 0xe6, 0x58, 0x8a, 0x1f, 0xc7, 0x34, 0x9d, 0x60, 0x0b, 0xee, 0x25, 0x71, 0x3a};
    memcpy(f->trusted.point, f->key.pub, 65);
    memcpy(f->trusted.id, f->key.id, 32);
    err = ferry_host_key_from_private(priv1, &f->key1);
    if (err)
        return err;
    f->table[0] = f->trusted;
    memcpy(f->table[1].point, f->key1.pub, 65);
    memcpy(f->table[1].id, f->key1.id, 32);
    f->table[1].index = 1;
    ferry_uuid_from_arg("vendor.example", NULL, f->vendor);
    ferry_uuid_from_arg("sensor-v1", f->vendor, f->class_id);
    f->board.cfg.policy.keys = f->table;
    f->board.cfg.policy.key_count = 2;
    f->board.cfg.policy.vendor_id = f->vendor;
    f->board.cfg.policy.class_id = f->class_id;
    f->board.cfg.hooks.ctx = f;
    f->board.cfg.hooks.event = on_event;
    static const uint8_t class_priv[32] = {
        0x3c, 0x81, 0x4f, 0x02, 0xd7, 0x66, 0x19, 0xab, 0x50, 0x3e, 0x97, 0xc1, 0x28, 0x0d, 0xfa, 0x72,
        0x8e, 0x45, 0xb3, 0x1a, 0x6c, 0xd9, 0x04, 0x77, 0xe2, 0x5b, 0x90, 0x3f, 0xc8, 0x16, 0xa4, 0x59};
    static const uint8_t other_priv[32] = {
        0x6d, 0x12, 0xa9, 0x4e, 0x03, 0xb8, 0x75, 0xc6, 0x2f, 0x91, 0x58, 0xe4, 0x0a, 0x37, 0xdc, 0x81,
        0x1e, 0x6b, 0xf3, 0x40, 0x95, 0x2c, 0x7a, 0xb1, 0x08, 0xe7, 0x53, 0xcf, 0x34, 0x9e, 0x61, 0x0d};
    err = ferry_host_key_from_private(class_priv, &f->class_key);
    if (!err)
        err = ferry_host_key_from_private(other_priv, &f->other_class_key);
    if (err)
        return err;
    memcpy(f->class_mat.priv, class_priv, 32);
    memcpy(f->class_mat.pub, f->class_key.pub, 65);
    memcpy(f->class_mat.id, f->class_key.id, 32);
    ferry_decrypt_sw_init(&f->decrypt, &f->class_mat);
    return 0;
}

void fx_enable_decrypt(struct fx *f)
{
    f->board.cfg.decrypt = &f->decrypt;
}

struct fx_image fx_make_enc(const struct ferry_host_key *k, const struct ferry_sign_params *p,
                            const struct ferry_host_key *class_key, size_t size, uint32_t seed)
{
    struct ferry_host_enc enc;
    struct ferry_sign_params q = *p;
    if (ferry_host_enc_new(class_key->pub, &enc) != 0) {
        fprintf(stderr, "fixture: no content key\n");
        exit(2);
    }
    q.enc = &enc;
    struct fx_image img = fx_make_with(k, &q, size, seed);
    ferry_host_enc_wipe(&enc);
    return img;
}

struct fx_image fx_installed(const struct fx *f, const struct fx_image *stored)
{
    struct fx_image out = {malloc(stored->len), stored->len};
    struct ferry_memflash mf;
    struct ferry_image_info info;
    memcpy(out.bytes, stored->bytes, stored->len);
    if (ferry_memflash_init_ro(&mf, stored->bytes, (uint32_t)stored->len) != 0)
        exit(2);
    struct ferry_area a = {&mf.flash, 0, (uint32_t)stored->len};
    if (ferry_image_parse(&a, FERRY_PARSE_FILE, &info) != 0)
        exit(2);
    if (!(info.flags & FERRY_IMG_F_ENCRYPTED))
        return out;
    uint8_t k[16];
    ferry_aes128_key aes;
    if (ferry_ecies_unwrap(f->class_mat.priv, f->class_mat.pub, info.enc.ephemeral,
                           info.enc.wrapped, k) != 0) {
        fprintf(stderr, "fixture: image not for the fixture's class key\n");
        exit(2);
    }
    ferry_aes128_key_init(&aes, k);
    ferry_aes128_ctr_xor(&aes, info.enc.nonce, 0, out.bytes + info.header_size, info.payload_size);
    ferry_aes128_key_wipe(&aes);
    return out;
}

uint32_t fx_wrap_offset(const struct fx_image *img)
{
    uint32_t meta = (uint32_t)(img->bytes[8] | img->bytes[9] << 8);
    for (uint32_t pos = 32; pos + 4 <= 32 + meta && pos + 4 <= img->len;) {
        uint32_t t = (uint32_t)(img->bytes[pos] | img->bytes[pos + 1] << 8);
        uint32_t l = (uint32_t)(img->bytes[pos + 2] | img->bytes[pos + 3] << 8);
        if (t == FERRY_TLV_ENCRYPTION)
            return pos + 4 + 101;
        pos += 4 + ((l + 3u) & ~3u);
    }
    return 0;
}

size_t fx_payload(const struct fx_image *installed, uint8_t **out)
{
    uint32_t hs = (uint32_t)(installed->bytes[6] | installed->bytes[7] << 8);
    uint32_t n = (uint32_t)installed->bytes[12] | (uint32_t)installed->bytes[13] << 8 |
                 (uint32_t)installed->bytes[14] << 16 | (uint32_t)installed->bytes[15] << 24;
    *out = malloc(n);
    memcpy(*out, installed->bytes + hs, n);
    return n;
}

/* ---- plaintext leak detection ----------------------------------------------- */

struct fx_run8 {
    uint64_t v;
    uint32_t at;  /* offset in li->plain */
    uint32_t seg; /* which payload */
};

#define FX_FILTER_BITS 22 /* 4 Mi bits: a few percent set for the images tests use */

static uint32_t run8_hash(uint64_t v)
{
    v *= 0x9E3779B97F4A7C15ull;
    return (uint32_t)(v >> (64 - FX_FILTER_BITS));
}

static int cmp_run8(const void *a, const void *b)
{
    const struct fx_run8 *x = a, *y = b;
    return x->v < y->v ? -1 : x->v > y->v;
}

void fx_leak_index_init(struct fx_leak_index *li, const struct fx_image *const *installed, int n)
{
    uint8_t *pl[FX_LEAK_MAX];
    size_t len[FX_LEAK_MAX], total = 0;
    if (n < 1 || n > FX_LEAK_MAX) {
        fprintf(stderr, "fixture: fx_leak_index_init with %d images\n", n);
        exit(2);
    }
    memset(li, 0, sizeof *li);
    li->n = n;
    for (int i = 0; i < n; i++) {
        len[i] = fx_payload(installed[i], &pl[i]);
        total += len[i];
    }
    li->plain = malloc(total ? total : 1);
    li->idx = malloc((total ? total : 1) * sizeof *li->idx);
    li->filter = calloc((1u << FX_FILTER_BITS) / 64, sizeof(uint64_t));
    for (int i = 0; i < n; i++) {
        memcpy(li->plain + li->seg[i], pl[i], len[i]);
        li->seg[i + 1] = li->seg[i] + len[i];
        for (size_t j = 0; len[i] >= 64 && j + 8 <= len[i]; j++) {
            struct fx_run8 *r = &li->idx[li->cnt++];
            memcpy(&r->v, pl[i] + j, 8);
            r->at = (uint32_t)(li->seg[i] + j);
            r->seg = (uint32_t)i;
            uint32_t h = run8_hash(r->v);
            li->filter[h / 64] |= 1ull << (h % 64);
        }
        free(pl[i]);
    }
    qsort(li->idx, li->cnt, sizeof *li->idx, cmp_run8);
}

void fx_leak_index_free(struct fx_leak_index *li)
{
    free(li->idx);
    free(li->plain);
    free(li->filter);
    memset(li, 0, sizeof *li);
}

int fx_leak_find(const struct fx_leak_index *li, const uint8_t *hay, size_t len, int *which,
                 size_t *at)
{
    for (size_t i = 0; i + 8 <= len; i += 8) {
        struct fx_run8 key;
        memcpy(&key.v, hay + i, 8);
        uint32_t h = run8_hash(key.v);
        if (!(li->filter[h / 64] & (1ull << (h % 64))))
            continue;
        struct fx_run8 *hit = bsearch(&key, li->idx, li->cnt, sizeof *li->idx, cmp_run8);
        if (!hit)
            continue;
        while (hit > li->idx && hit[-1].v == key.v)
            hit--;
        for (; hit < li->idx + li->cnt && hit->v == key.v; hit++) {
            /* The block at hay[i] is plain[j], inside payload [s, e): is there a
             * run of 64 through it, inside both hay and that payload? */
            size_t j = hit->at, s = li->seg[hit->seg], e = li->seg[hit->seg + 1];
            for (size_t back = 0; back <= 56 && back <= i && back <= j - s; back++) {
                if (i - back + 64 <= len && j - back + 64 <= e &&
                    memcmp(hay + i - back, li->plain + j - back, 64) == 0) {
                    if (which)
                        *which = (int)hit->seg;
                    if (at)
                        *at = i - back;
                    return 1;
                }
            }
        }
    }
    return 0;
}

int fx_area_leaks(const struct ferry_area *a, const struct fx_image *installed)
{
    struct fx_leak_index li;
    uint8_t *hay = malloc(a->size ? a->size : 1);
    fx_leak_index_init(&li, &installed, 1);
    int r = ferry_area_read(a, 0, hay, a->size) == 0 ? fx_leak_find(&li, hay, a->size, NULL, NULL) : 1;
    fx_leak_index_free(&li);
    free(hay);
    return r;
}

int fx_board_leaks(struct fx *f, const struct fx_leak_index *li, const char **area, size_t *at,
                   int *which)
{
    const struct sim_board_desc *d = f->board.desc;
    const struct {
        const char *name;
        const struct sim_area_desc *a;
    } areas[] = {{"staging", &d->staging}, {"status", &d->status}, {"counter", &d->counter},
                 {"revocation", &d->revocation}};
    for (size_t i = 0; i < sizeof areas / sizeof areas[0]; i++) {
        const struct sim_area_desc *a = areas[i].a;
        if (!a->size || !f->board.dev[a->dev])
            continue;
        const uint8_t *mem = ferry_sim_flash_contents(f->board.dev[a->dev]) + a->off;
        if (fx_leak_find(li, mem, a->size, which, at)) {
            *area = areas[i].name;
            return 1;
        }
    }
    return 0;
}

void fx_close(struct fx *f)
{
    sim_board_close(&f->board);
}

struct ferry_sign_params fx_params(const struct fx *f, int major, int minor, int patch,
                                   uint32_t counter)
{
    struct ferry_sign_params p;
    memset(&p, 0, sizeof p);
    p.version.major = (uint8_t)major;
    p.version.minor = (uint8_t)minor;
    p.version.patch = (uint16_t)patch;
    p.security_counter = counter;
    memcpy(p.vendor_id, f->vendor, 16);
    memcpy(p.class_id, f->class_id, 16);
    return p;
}

struct fx_image fx_make_with(const struct ferry_host_key *k, const struct ferry_sign_params *p,
                             size_t size, uint32_t seed)
{
    struct fx_image img = {0};
    uint8_t *payload = malloc(size ? size : 1);
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < size; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        payload[i] = (uint8_t)x;
    }
    if (ferry_host_sign(k, p, payload, size, &img.bytes, &img.len) != 0) {
        fprintf(stderr, "fixture: signing failed\n");
        exit(2);
    }
    free(payload);
    return img;
}

struct fx_image fx_make(struct fx *f, int major, int minor, int patch, uint32_t counter,
                        size_t size, uint32_t seed)
{
    struct ferry_sign_params p = fx_params(f, major, minor, patch, counter);
    return fx_make_with(&f->key, &p, size, seed);
}

void fx_free(struct fx_image *img)
{
    free(img->bytes);
    img->bytes = NULL;
}

int fx_boot(struct fx *f)
{
    f->event_count = 0;
    sim_board_reset(&f->board); /* a reset: only flash survives */
    return ferry_boot(&f->board.cfg, &f->res);
}

static int area_is(const struct ferry_area *a, uint32_t off, const struct fx_image *img)
{
    uint8_t buf[1024];
    for (size_t pos = 0; pos < img->len; pos += sizeof buf) {
        uint32_t n = img->len - pos < sizeof buf ? (uint32_t)(img->len - pos) : (uint32_t)sizeof buf;
        if (ferry_area_read(a, off + (uint32_t)pos, buf, n) != 0 || memcmp(buf, img->bytes + pos, n))
            return 0;
    }
    return 1;
}

int fx_primary_is(struct fx *f, const struct fx_image *img)
{
    return area_is(&f->board.cfg.primary, 0, img);
}

int fx_staging_is(struct fx *f, const struct fx_image *img, uint32_t off)
{
    return area_is(&f->board.cfg.staging, off, img);
}

uint32_t fx_d(const struct fx *f)
{
    return ferry_staging_image_offset(&f->board.cfg.primary, &f->board.cfg.staging);
}
