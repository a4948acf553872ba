/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test helper: generates a key pair inside a PKCS#11 token (C_GenerateKeyPair,
 * the private key never leaves it), so tests/cli/pkcs11.sh needs nothing but
 * SoftHSM2 and p11-kit (no opensc). The module is loaded with p11-kit, as the
 * tool loads it.
 *
 *   p11keys MODULE TOKEN-LABEL PIN KIND LABEL ID-HEX [nosign]
 *
 * KIND: p256, p384 or rsa2048. "nosign" gives the private key CKA_SIGN false
 * (a key the token refuses to sign with). The private key is sensitive and
 * not extractable. Exit 0, or 1 with a message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <p11-kit/p11-kit.h>

static int fail(const char *what, CK_RV rv)
{
    fprintf(stderr, "p11keys: %s: %s\n", what, p11_kit_strerror(rv));
    return 1;
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

/* The slot whose token has this label (blank-padded to 32 bytes). */
static int find_slot(CK_FUNCTION_LIST *m, const char *label, CK_SLOT_ID *out)
{
    CK_SLOT_ID slots[32];
    CK_ULONG n = 32;
    CK_RV rv = m->C_GetSlotList(CK_TRUE, slots, &n);
    if (rv != CKR_OK) {
        return fail("C_GetSlotList", rv);
    }
    for (CK_ULONG i = 0; i < n; i++) {
        CK_TOKEN_INFO ti;
        if (m->C_GetTokenInfo(slots[i], &ti) != CKR_OK) {
            continue;
        }
        size_t len = p11_kit_space_strlen(ti.label, sizeof ti.label);
        if (len == strlen(label) && memcmp(ti.label, label, len) == 0) {
            *out = slots[i];
            return 0;
        }
    }
    fprintf(stderr, "p11keys: no token labelled '%s'\n", label);
    return 1;
}

static int generate(CK_FUNCTION_LIST *m, CK_SESSION_HANDLE s, const char *kind, char *label,
                    CK_BYTE *id, CK_ULONG id_len, CK_BBOOL sign)
{
    static CK_BYTE P256[] = { 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07 };
    static CK_BYTE P384[] = { 0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22 };
    CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    CK_ULONG bits = 2048;
    CK_BYTE exponent[] = { 0x01, 0x00, 0x01 };
    int rsa = strcmp(kind, "rsa2048") == 0;
    CK_BYTE *curve = strcmp(kind, "p384") == 0 ? P384 : P256;
    CK_ULONG curve_len = curve == P384 ? sizeof P384 : sizeof P256;
    if (!rsa && strcmp(kind, "p256") != 0 && strcmp(kind, "p384") != 0) {
        fprintf(stderr, "p11keys: unknown kind '%s' (p256, p384, rsa2048)\n", kind);
        return 1;
    }
    CK_MECHANISM mech = { rsa ? CKM_RSA_PKCS_KEY_PAIR_GEN : CKM_EC_KEY_PAIR_GEN, NULL, 0 };
    CK_ATTRIBUTE pub[] = {
        { CKA_TOKEN, &yes, sizeof yes },
        { CKA_VERIFY, &yes, sizeof yes },
        { CKA_LABEL, label, strlen(label) },
        { CKA_ID, id, id_len },
        { rsa ? CKA_MODULUS_BITS : CKA_EC_PARAMS, rsa ? (void *)&bits : (void *)curve,
          rsa ? sizeof bits : curve_len },
        { CKA_PUBLIC_EXPONENT, exponent, sizeof exponent },
    };
    CK_ATTRIBUTE priv[] = {
        { CKA_TOKEN, &yes, sizeof yes },
        { CKA_PRIVATE, &yes, sizeof yes },
        { CKA_SENSITIVE, &yes, sizeof yes },
        { CKA_EXTRACTABLE, &no, sizeof no },
        { CKA_SIGN, &sign, sizeof sign },
        { CKA_LABEL, label, strlen(label) },
        { CKA_ID, id, id_len },
    };
    CK_OBJECT_HANDLE hpub, hpriv;
    CK_RV rv = m->C_GenerateKeyPair(s, &mech, pub, rsa ? 6 : 5, priv,
                                    sizeof priv / sizeof priv[0], &hpub, &hpriv);
    return rv == CKR_OK ? 0 : fail("C_GenerateKeyPair", rv);
}

int main(int argc, char **argv)
{
    if (argc != 7 && !(argc == 8 && strcmp(argv[7], "nosign") == 0)) {
        fprintf(stderr, "usage: p11keys MODULE TOKEN-LABEL PIN p256|p384|rsa2048 LABEL ID-HEX "
                        "[nosign]\n");
        return 2;
    }
    CK_BYTE id[64];
    size_t hex_len = strlen(argv[6]);
    if (hex_len == 0 || hex_len % 2 != 0 || hex_len / 2 > sizeof id) {
        fprintf(stderr, "p11keys: ID-HEX must be 2 to 128 hex digits\n");
        return 2;
    }
    for (size_t i = 0; i < hex_len / 2; i++) {
        int hi = hex_value(argv[6][2 * i]), lo = hex_value(argv[6][2 * i + 1]);
        if (hi < 0 || lo < 0) {
            fprintf(stderr, "p11keys: ID-HEX must be hex digits\n");
            return 2;
        }
        id[i] = (CK_BYTE)(hi << 4 | lo);
    }
    CK_FUNCTION_LIST *m = p11_kit_module_load(argv[1], P11_KIT_MODULE_UNMANAGED);
    if (m == NULL) {
        fprintf(stderr, "p11keys: cannot load %s: %s\n", argv[1], p11_kit_message());
        return 1;
    }
    CK_RV rv = p11_kit_module_initialize(m);
    if (rv != CKR_OK) {
        return fail("C_Initialize", rv);
    }
    CK_SLOT_ID slot;
    CK_SESSION_HANDLE s;
    int rc = find_slot(m, argv[2], &slot);
    if (rc == 0) {
        rv = m->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s);
        rc = rv == CKR_OK ? 0 : fail("C_OpenSession", rv);
    }
    if (rc == 0) {
        rv = m->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)argv[3], strlen(argv[3]));
        rc = rv == CKR_OK ? 0 : fail("C_Login", rv);
    }
    if (rc == 0) {
        rc = generate(m, s, argv[4], argv[5], id, hex_len / 2, argc == 8 ? CK_FALSE : CK_TRUE);
        m->C_Logout(s);
        m->C_CloseSession(s);
    }
    p11_kit_module_finalize(m);
    p11_kit_module_release(m);
    return rc;
}
