/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The host library (tools/ferry/ferry_host.h): RFC 6979 determinism of
 * signing, the image bytes ferry_host_sign writes (checked field by field and
 * through the core parser and verifier), keys, PEM files and UUIDs.
 *
 * Usage: test_host WORK_DIR   (an existing, writable directory)
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <bearssl.h>

#include "check.h"
#include "ferry/crypto.h"
#include "ferry/errors.h"
#include "ferry/image.h"
#include "ferry/memflash.h"
#include "ferry_host.h"

static const char *work_dir;

static void unhex(const char *s, uint8_t *out, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned v;
        sscanf(s + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

static uint32_t le16(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const uint8_t *p)
{
    return le16(p) | le16(p + 2) << 16;
}

/* RFC 6979 appendix A.2.5: the P-256 key and its public point. */
#define RFC_X  "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721"
#define RFC_UX "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6"
#define RFC_UY "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299"

static void rfc6979_case(const char *msg, const char *r_hex, const char *s_hex)
{
    uint8_t x[32], ux[32], uy[32], r[32], s[32], hash[32], sig[64];
    struct ferry_host_key k;
    unhex(RFC_X, x, 32);
    unhex(RFC_UX, ux, 32);
    unhex(RFC_UY, uy, 32);
    unhex(r_hex, r, 32);
    unhex(s_hex, s, 32);
    CHECK_EQ(ferry_host_key_from_private(x, &k), FERRY_OK);
    CHECK_EQ(k.pub[0], 0x04);
    CHECK_MEM(k.pub + 1, ux, 32);
    CHECK_MEM(k.pub + 33, uy, 32);
    br_sha256_context sha;
    br_sha256_init(&sha);
    br_sha256_update(&sha, msg, strlen(msg));
    br_sha256_out(&sha, hash);
    CHECK_EQ(ferry_host_sign_hash(&k, hash, sig), FERRY_OK);
    CHECK_MEM(sig, r, 32);
    CHECK_MEM(sig + 32, s, 32);
}

static void rfc6979_sample(void)
{
    rfc6979_case("sample",
                 "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716",
                 "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8");
}

static void rfc6979_test(void)
{
    rfc6979_case("test",
                 "F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367",
                 "019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083");
}

static void rfc_key(struct ferry_host_key *k)
{
    uint8_t x[32];
    unhex(RFC_X, x, 32);
    CHECK_EQ(ferry_host_key_from_private(x, k), FERRY_OK);
}

static struct ferry_sign_params sample_params(void)
{
    struct ferry_sign_params p;
    memset(&p, 0, sizeof p);
    p.version = (struct ferry_version){ 1, 2, 0x0304, 0x05060708 };
    p.security_counter = 9;
    p.flags = FERRY_IMG_F_REVERT;
    memset(p.vendor_id, 0xA1, 16);
    memset(p.class_id, 0xC2, 16);
    p.name = "demo";
    return p;
}

/* Every field of the layout written by ferry_host_sign. */
static void sign_layout(void)
{
    struct ferry_host_key k;
    struct ferry_sign_params p = sample_params();
    uint8_t payload[100], *img;
    size_t img_len;
    for (size_t i = 0; i < sizeof payload; i++) {
        payload[i] = (uint8_t)(i * 7 + 1);
    }
    rfc_key(&k);
    CHECK_EQ(ferry_host_sign(&k, &p, payload, sizeof payload, &img, &img_len), FERRY_OK);
    CHECK_EQ(img_len, 512 + 100 + 136);
    if (img == NULL || img_len != 512 + 100 + 136) {
        free(img);
        return;
    }
    CHECK_EQ(le32(img), FERRY_IMG_MAGIC);
    CHECK_MEM(img, "FRRY", 4);
    CHECK_EQ(le16(img + 4), 1);
    CHECK_EQ(le16(img + 6), 512);
    CHECK_EQ(le16(img + 8), 20 + 20 + 8);
    CHECK_EQ(le16(img + 10), 0);
    CHECK_EQ(le32(img + 12), 100);
    CHECK_EQ(le32(img + 16), FERRY_IMG_F_REVERT);
    CHECK_EQ(img[20], 1);
    CHECK_EQ(img[21], 2);
    CHECK_EQ(le16(img + 22), 0x0304);
    CHECK_EQ(le32(img + 24), 0x05060708);
    CHECK_EQ(le32(img + 28), 9);
    CHECK_EQ(le16(img + 32), FERRY_TLV_VENDOR_ID);
    CHECK_EQ(le16(img + 34), 16);
    CHECK_MEM(img + 36, p.vendor_id, 16);
    CHECK_EQ(le16(img + 52), FERRY_TLV_CLASS_ID);
    CHECK_EQ(le16(img + 54), 16);
    CHECK_MEM(img + 56, p.class_id, 16);
    CHECK_EQ(le16(img + 72), FERRY_TLV_NAME);
    CHECK_EQ(le16(img + 74), 4);
    CHECK_MEM(img + 76, "demo", 4);
    for (size_t i = 80; i < 512; i++) {
        CHECK_EQ(img[i], 0);
    }
    CHECK_MEM(img + 512, payload, sizeof payload);
    const uint8_t *t = img + 612;
    uint8_t digest[32];
    CHECK_MEM(t, "FTRL", 4);
    CHECK_EQ(le16(t + 4), 136);
    CHECK_EQ(le16(t + 6), 1);
    ferry_sha256(img, 612, digest);
    CHECK_MEM(t + 8, digest, 32);
    CHECK_MEM(t + 40, k.id, 32);
    CHECK_EQ(br_ecdsa_i31_vrfy_raw(&br_ec_p256_m31, digest, 32,
                                   &(br_ec_public_key){ BR_EC_secp256r1, k.pub, 65 },
                                   t + 72, 64), 1);
    free(img);
}

/* A name whose length is not a multiple of 4 is zero-padded; the core parser
 * and verifier accept the image, and reject it once one byte changes. */
static void sign_then_core_verify(void)
{
    struct ferry_host_key k;
    struct ferry_sign_params p = sample_params();
    uint8_t payload[3000], *img;
    size_t img_len;
    memset(payload, 0x5A, sizeof payload);
    p.name = "abcde";
    p.header_size = 256;
    rfc_key(&k);
    CHECK_EQ(ferry_host_sign(&k, &p, payload, sizeof payload, &img, &img_len), FERRY_OK);
    if (img == NULL) {
        return;
    }
    CHECK_EQ(le16(img + 8), 20 + 20 + 12);
    CHECK_MEM(img + 76, "abcde\0\0\0", 8);

    struct ferry_memflash mf;
    struct ferry_image_info info;
    struct ferry_pubkey trusted;
    uint8_t buf[256];
    memcpy(trusted.point, k.pub, 65);
    memcpy(trusted.id, k.id, 32);
    trusted.index = 0;
    struct ferry_verify_policy pol = { &trusted, 1, p.vendor_id, p.class_id, 0 };
    CHECK_EQ(ferry_memflash_init_ro(&mf, img, (uint32_t)img_len), FERRY_OK);
    struct ferry_area area = { &mf.flash, 0, (uint32_t)img_len };
    CHECK_EQ(ferry_image_parse(&area, FERRY_PARSE_FILE, &info), FERRY_OK);
    CHECK_EQ(info.header_size, 256);
    CHECK_EQ(info.payload_size, sizeof payload);
    CHECK_EQ(info.total_size, img_len);
    CHECK(strcmp(info.name, "abcde") == 0);
    CHECK_EQ(info.version.patch, 0x0304);
    CHECK_EQ(ferry_image_verify(&area, &info, &pol, buf, sizeof buf), FERRY_OK);

    img[256 + 1500] ^= 0x01;
    CHECK_EQ(ferry_image_verify(&area, &info, &pol, buf, sizeof buf), FERRY_E_IMG_DIGEST);
    free(img);
}

static void sign_is_deterministic(void)
{
    struct ferry_host_key k;
    struct ferry_sign_params p = sample_params();
    uint8_t payload[64] = { 1, 2, 3 }, *a, *b;
    size_t a_len, b_len;
    rfc_key(&k);
    CHECK_EQ(ferry_host_sign(&k, &p, payload, sizeof payload, &a, &a_len), FERRY_OK);
    CHECK_EQ(ferry_host_sign(&k, &p, payload, sizeof payload, &b, &b_len), FERRY_OK);
    CHECK_EQ(a_len, b_len);
    if (a != NULL && b != NULL && a_len == b_len) {
        CHECK_MEM(a, b, a_len);
    }
    free(a);
    free(b);
}

static void sign_rejects_bad_params(void)
{
    struct ferry_host_key k, pub_only;
    uint8_t payload[16] = { 0 }, *img;
    size_t img_len;
    uint32_t hs, meta, total;
    char err[128];
    rfc_key(&k);
    struct ferry_sign_params p = sample_params();

    CHECK_EQ(ferry_host_layout(&p, 16, &hs, &meta, &total, err, sizeof err), FERRY_OK);
    CHECK_EQ(hs, 512);
    CHECK_EQ(meta, 48);
    CHECK_EQ(total, 512 + 16 + 136);

    p.header_size = 76; /* not a multiple of 8 */
    CHECK_EQ(ferry_host_sign(&k, &p, payload, sizeof payload, &img, &img_len), FERRY_E_INVAL);
    CHECK(img == NULL);
    p.header_size = 72; /* 32 + 48 = 80 needed */
    CHECK_EQ(ferry_host_layout(&p, 16, NULL, NULL, NULL, err, sizeof err), FERRY_E_INVAL);
    CHECK(strstr(err, "too small") != NULL);
    p.header_size = 80;
    CHECK_EQ(ferry_host_layout(&p, 16, NULL, NULL, NULL, err, sizeof err), FERRY_OK);
    p.header_size = 0x10000;
    CHECK_EQ(ferry_host_layout(&p, 16, NULL, NULL, NULL, err, sizeof err), FERRY_E_INVAL);

    p = sample_params();
    CHECK_EQ(ferry_host_layout(&p, 0, NULL, NULL, NULL, err, sizeof err), FERRY_E_INVAL);
    p.flags = 0x80;
    CHECK_EQ(ferry_host_layout(&p, 16, NULL, NULL, NULL, err, sizeof err), FERRY_E_INVAL);
    p = sample_params();
    p.name = "";
    CHECK_EQ(ferry_host_layout(&p, 16, NULL, NULL, NULL, err, sizeof err), FERRY_E_INVAL);
    p.name = "0123456789012345678901234567890123456789012345678901234567890123"; /* 64 */
    CHECK_EQ(ferry_host_layout(&p, 16, NULL, NULL, NULL, err, sizeof err), FERRY_OK);
    p.name = "0123456789012345678901234567890123456789012345678901234567890123X";
    CHECK_EQ(ferry_host_layout(&p, 16, NULL, NULL, NULL, err, sizeof err), FERRY_E_INVAL);
    p.name = "bad \xC0\xAF utf-8"; /* overlong "/" */
    CHECK_EQ(ferry_host_layout(&p, 16, NULL, NULL, NULL, err, sizeof err), FERRY_E_INVAL);
    CHECK(strstr(err, "UTF-8") != NULL);
    p.name = "caf\xC3\xA9";
    CHECK_EQ(ferry_host_layout(&p, 16, NULL, NULL, NULL, err, sizeof err), FERRY_OK);

    p = sample_params();
    pub_only = k;
    pub_only.has_private = 0;
    CHECK_EQ(ferry_host_sign(&pub_only, &p, payload, sizeof payload, &img, &img_len),
             FERRY_E_INVAL);
}

static void key_scalar_range(void)
{
    static const uint8_t order[32] = {
        0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63,
        0x25, 0x51,
    };
    uint8_t x[32] = { 0 };
    struct ferry_host_key k;
    CHECK_EQ(ferry_host_key_from_private(x, &k), FERRY_E_INVAL);
    memcpy(x, order, 32);
    CHECK_EQ(ferry_host_key_from_private(x, &k), FERRY_E_INVAL);
    x[31] -= 1; /* n - 1 */
    CHECK_EQ(ferry_host_key_from_private(x, &k), FERRY_OK);
    memset(x, 0, 32);
    x[31] = 1; /* the generator itself */
    CHECK_EQ(ferry_host_key_from_private(x, &k), FERRY_OK);
    CHECK_EQ(k.pub[0], 0x04);
    CHECK_EQ(k.pub[1], 0x6B); /* G.x starts 6B17D1F2 */
    CHECK_EQ(k.pub[2], 0x17);
}

static void key_generate_and_pem_roundtrip(void)
{
    struct ferry_host_key k, back, pub;
    char priv_path[512], pub_path[512], err[256];
    snprintf(priv_path, sizeof priv_path, "%s/host_priv.pem", work_dir);
    snprintf(pub_path, sizeof pub_path, "%s/host_pub.pem", work_dir);
    remove(priv_path);
    CHECK_EQ(ferry_host_key_generate(&k), FERRY_OK);
    CHECK_EQ(k.has_private, 1);
    CHECK_EQ(ferry_host_key_write_private_pem(&k, priv_path), FERRY_OK);
    /* Replacing works; exclusive creation refuses. */
    CHECK_EQ(ferry_host_key_write_private_pem(&k, priv_path), FERRY_OK);
    CHECK_EQ(ferry_host_key_save_private_pem(&k, priv_path, 0), FERRY_E_IO);
    struct stat st;
    CHECK_EQ(stat(priv_path, &st), 0);
    CHECK_EQ(st.st_mode & 0777, 0600);
    CHECK_EQ(ferry_host_key_load(priv_path, &back, err, sizeof err), FERRY_OK);
    CHECK_EQ(back.has_private, 1);
    CHECK_MEM(back.priv, k.priv, 32);
    CHECK_MEM(back.pub, k.pub, 65);
    CHECK_MEM(back.id, k.id, 32);

    FILE *f = fopen(pub_path, "w");
    CHECK(f != NULL);
    if (f == NULL) {
        return;
    }
    CHECK_EQ(ferry_host_key_write_public_pem(&k, f), FERRY_OK);
    fclose(f);
    CHECK_EQ(ferry_host_key_load(pub_path, &pub, err, sizeof err), FERRY_OK);
    CHECK_EQ(pub.has_private, 0);
    CHECK_MEM(pub.pub, k.pub, 65);
    CHECK_MEM(pub.id, k.id, 32);

    struct ferry_host_key other;
    CHECK_EQ(ferry_host_key_generate(&other), FERRY_OK);
    CHECK(memcmp(other.priv, k.priv, 32) != 0);
}

static void key_load_errors(void)
{
    struct ferry_host_key k;
    char path[512], err[256];
    snprintf(path, sizeof path, "%s/does-not-exist.pem", work_dir);
    CHECK_EQ(ferry_host_key_load(path, &k, err, sizeof err), FERRY_E_IO);
    CHECK(strstr(err, "cannot read") != NULL);

    snprintf(path, sizeof path, "%s/not-a-key.pem", work_dir);
    CHECK_EQ(ferry_host_write_file(path, (const uint8_t *)"hello\n", 6), FERRY_OK);
    CHECK_EQ(ferry_host_key_load(path, &k, err, sizeof err), FERRY_E_INVAL);
    CHECK(strstr(err, "no PEM block") != NULL);

    /* A point off the curve: the SPKI of 04||1||1 (x = y = 1). */
    static const char bad_point[] =
        "-----BEGIN PUBLIC KEY-----\n"
        "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
        "AAAAAAAAAAAAAAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQ==\n"
        "-----END PUBLIC KEY-----\n";
    CHECK_EQ(ferry_host_write_file(path, (const uint8_t *)bad_point, strlen(bad_point)),
             FERRY_OK);
    CHECK_EQ(ferry_host_key_load(path, &k, err, sizeof err), FERRY_E_INVAL);
    CHECK(strstr(err, "not on the P-256 curve") != NULL);
}

static void uuid_vectors(void)
{
    uint8_t u[16], ns[16];
    char text[37];
    /* RFC 9562 appendix A.4: v5 of "www.example.com" in the DNS namespace. */
    ferry_uuid_v5(ferry_uuid_ns_dns, "www.example.com", u);
    ferry_uuid_format(u, text);
    CHECK(strcmp(text, "2ed6657d-e927-568b-95e1-2665a8aea6a2") == 0);

    CHECK_EQ(ferry_uuid_parse("6BA7B810-9dad-11d1-80b4-00c04fd430c8", ns), FERRY_OK);
    CHECK_MEM(ns, ferry_uuid_ns_dns, 16);
    CHECK_EQ(ferry_uuid_parse("6ba7b810-9dad-11d1-80b4-00c04fd430c", ns), FERRY_E_INVAL);
    CHECK_EQ(ferry_uuid_parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8 ", ns), FERRY_E_INVAL);
    CHECK_EQ(ferry_uuid_parse("6ba7b8109-dad-11d1-80b4-00c04fd430c8", ns), FERRY_E_INVAL);
    CHECK_EQ(ferry_uuid_parse("6ba7b810-9dad-11d1-80b4-00c04fd430cg", ns), FERRY_E_INVAL);
}

static void uuid_from_arg_rules(void)
{
    uint8_t vendor[16], cls[16], direct[16];
    char text[37];
    CHECK_EQ(ferry_uuid_from_arg("example.com", NULL, vendor), FERRY_OK);
    ferry_uuid_v5(ferry_uuid_ns_dns, "example.com", direct);
    CHECK_MEM(vendor, direct, 16);
    CHECK_EQ(vendor[6] >> 4, 5);
    CHECK_EQ(vendor[8] & 0xC0, 0x80);

    CHECK_EQ(ferry_uuid_from_arg("board-a", vendor, cls), FERRY_OK);
    ferry_uuid_v5(vendor, "board-a", direct);
    CHECK_MEM(cls, direct, 16);

    ferry_uuid_format(cls, text);
    CHECK_EQ(ferry_uuid_from_arg(text, vendor, direct), FERRY_OK);
    CHECK_MEM(cls, direct, 16);

    /* UUID-shaped but broken: refused, not hashed as a name. */
    CHECK_EQ(ferry_uuid_from_arg("6ba7b810-9dad-11d1-80b4-00c04fd430cX", NULL, direct),
             FERRY_E_INVAL);
    CHECK_EQ(ferry_uuid_from_arg("", NULL, direct), FERRY_E_INVAL);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_host WORK_DIR\n");
        return 2;
    }
    work_dir = argv[1];
    mkdir(work_dir, 0700); /* usually exists already; a real problem shows up in the tests */
    RUN(rfc6979_sample);
    RUN(rfc6979_test);
    RUN(sign_layout);
    RUN(sign_then_core_verify);
    RUN(sign_is_deterministic);
    RUN(sign_rejects_bad_params);
    RUN(key_scalar_range);
    RUN(key_generate_and_pem_roundtrip);
    RUN(key_load_errors);
    RUN(uuid_vectors);
    RUN(uuid_from_arg_rules);
    return check_done();
}
