/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Keys in a PKCS#11 token, through p11-kit: the module is loaded with
 * p11_kit_module_load (no Cryptoki loader of our own), the RFC 7512 URI is
 * parsed and matched against slots and tokens with p11_kit_uri_*, and its
 * object attributes (object=, id=, type=) become the search template.
 *
 * Signing is CKM_ECDSA over the SHA-256 digest Ferry computes (the token
 * never hashes): its answer is raw r||s, 32 bytes each for P-256, exactly the
 * form of the image trailer. ferry_host_sign_hash_err checks every signature
 * against the public key before it is used.
 *
 * Messages never contain the PIN. p11-kit is told to be quiet, so every
 * failure is the one line this file writes.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bearssl.h>

#include "ferry/errors.h"
#include "host_pkcs11.h"
#include "host_priv.h"

/* Last: pkcs11.h (compatibility interface) #defines short names such as
 * "value" and "count". */
#include <p11-kit/p11-kit.h>
#include <p11-kit/uri.h>

#define OBJECTS_MAX 8u
#define PIN_MAX     256u

static const uint8_t EC_PARAMS_P256[] = { 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01,
                                          0x07 };

/* One loaded module and, while a key is in use, its session. */
struct token {
    CK_FUNCTION_LIST *m;
    int initialized;
    CK_SESSION_HANDLE session;
    int have_session;
    int logged_in;
    char token_label[33];
    CK_OBJECT_HANDLE key;
    int always_authenticate;
    char pin[PIN_MAX];
    size_t pin_len;
    int have_pin;
    char what[128]; /* "key 'fw' in token 'release'", for messages */
};

int ferry_pkcs11_is_uri(const char *text)
{
    return strncmp(text, "pkcs11:", 7) == 0;
}

int ferry_pkcs11_available(void)
{
    return 1;
}

static void token_close(struct token *t)
{
    if (t->m != NULL) {
        if (t->have_session) {
            if (t->logged_in) {
                t->m->C_Logout(t->session);
            }
            t->m->C_CloseSession(t->session);
        }
        if (t->initialized) {
            p11_kit_module_finalize(t->m);
        }
        p11_kit_module_release(t->m);
    }
    host_wipe(t, sizeof *t);
    free(t);
}

static void signer_release(void *ctx)
{
    token_close(ctx);
}

static int signer_sign(void *ctx, const uint8_t hash[32], uint8_t sig[64], char *err,
                       size_t errlen)
{
    struct token *t = ctx;
    CK_MECHANISM mech = { CKM_ECDSA, NULL, 0 };
    CK_RV rv = t->m->C_SignInit(t->session, &mech, t->key);
    if (rv == CKR_OK && t->always_authenticate) {
        /* CKA_ALWAYS_AUTHENTICATE: the PIN again for this one operation. */
        rv = t->m->C_Login(t->session, CKU_CONTEXT_SPECIFIC,
                           t->have_pin ? (CK_UTF8CHAR_PTR)t->pin : NULL,
                           t->have_pin ? (CK_ULONG)t->pin_len : 0);
    }
    uint8_t out[132];
    CK_ULONG out_len = sizeof out;
    if (rv == CKR_OK) {
        rv = t->m->C_Sign(t->session, (CK_BYTE_PTR)hash, 32, out, &out_len);
    }
    if (rv != CKR_OK) {
        return host_fail(FERRY_E_INVAL, err, errlen, "the token refused to sign with the %s: %s",
                         t->what, p11_kit_strerror(rv));
    }
    if (out_len != 64) {
        return host_fail(FERRY_E_INVAL, err, errlen,
                         "the token returned a %lu-byte signature for the %s, not 64 (r||s)",
                         (unsigned long)out_len, t->what);
    }
    memcpy(sig, out, 64);
    return FERRY_OK;
}

static const struct ferry_host_signer TOKEN_SIGNER = { signer_sign, signer_release };

/* Label of a PKCS#11 info field: fixed width, padded with spaces. */
static void blank_padded(char *out, size_t cap, const unsigned char *field, size_t width)
{
    size_t n = p11_kit_space_strlen(field, width);
    if (n >= cap) {
        n = cap - 1;
    }
    for (size_t i = 0; i < n; i++) {
        /* Labels are shown in messages: no control bytes. */
        out[i] = field[i] < 0x20 || field[i] == 0x7F ? '?' : (char)field[i];
    }
    out[n] = '\0';
}

static int load_module(struct token *t, const char *module, char *err, size_t errlen)
{
    /* p11-kit reads every relative path, "./x.so" too, as relative to its
     * own module directory. A path with a slash in it is meant from here:
     * make it absolute. A bare file name keeps p11-kit's meaning. */
    char resolved[PATH_MAX];
    if (module[0] != '/' && strchr(module, '/') != NULL) {
        if (realpath(module, resolved) == NULL) {
            return host_fail(FERRY_E_IO, err, errlen, "cannot load the PKCS#11 module %s: %s",
                             module, strerror(errno));
        }
        module = resolved;
    }
    t->m = p11_kit_module_load(module, P11_KIT_MODULE_UNMANAGED);
    if (t->m == NULL) {
        const char *why = p11_kit_message();
        return host_fail(FERRY_E_IO, err, errlen, "cannot load the PKCS#11 module %s: %s", module,
                         why != NULL ? why : "unknown error");
    }
    CK_RV rv = p11_kit_module_initialize(t->m);
    if (rv != CKR_OK) {
        return host_fail(FERRY_E_IO, err, errlen, "the PKCS#11 module %s failed to start: %s",
                         module, p11_kit_strerror(rv));
    }
    t->initialized = 1;
    return FERRY_OK;
}

/* The one slot whose slot and token match the URI. */
static int find_slot(struct token *t, P11KitUri *uri, CK_SLOT_ID *slot, CK_TOKEN_INFO *info,
                     char *err, size_t errlen)
{
    CK_SLOT_ID slots[64];
    CK_ULONG n = sizeof slots / sizeof slots[0];
    CK_RV rv = t->m->C_GetSlotList(CK_TRUE, slots, &n);
    if (rv != CKR_OK) {
        return host_fail(FERRY_E_IO, err, errlen, "cannot list the PKCS#11 slots: %s",
                         p11_kit_strerror(rv));
    }
    CK_SLOT_ID want_id = p11_kit_uri_get_slot_id(uri);
    char seen[160] = "";
    size_t matches = 0;
    for (CK_ULONG i = 0; i < n; i++) {
        CK_SLOT_INFO si;
        CK_TOKEN_INFO ti;
        if (t->m->C_GetSlotInfo(slots[i], &si) != CKR_OK ||
            t->m->C_GetTokenInfo(slots[i], &ti) != CKR_OK ||
            !(ti.flags & CKF_TOKEN_INITIALIZED)) {
            continue; /* an empty slot of SoftHSM's, a blank card: nothing to use */
        }
        char label[33];
        blank_padded(label, sizeof label, ti.label, sizeof ti.label);
        size_t used = strlen(seen);
        if (used + strlen(label) + 8 < sizeof seen) {
            snprintf(seen + used, sizeof seen - used, "%s'%s'", used > 0 ? ", " : "", label);
        }
        if ((want_id != (CK_SLOT_ID)-1 && want_id != slots[i]) ||
            !p11_kit_uri_match_slot_info(uri, &si) || !p11_kit_uri_match_token_info(uri, &ti)) {
            continue;
        }
        if (matches++ == 0) {
            *slot = slots[i];
            *info = ti;
            snprintf(t->token_label, sizeof t->token_label, "%s", label);
        }
    }
    if (matches == 0) {
        if (seen[0] == '\0') {
            return host_fail(FERRY_E_INVAL, err, errlen,
                             "the PKCS#11 module has no initialized token");
        }
        return host_fail(FERRY_E_INVAL, err, errlen,
                         "no token matches the URI (the module has %s)", seen);
    }
    if (matches > 1) {
        return host_fail(FERRY_E_INVAL, err, errlen,
                         "%zu tokens match the URI (%s): name one with token=LABEL", matches,
                         seen);
    }
    return FERRY_OK;
}

static int login(struct token *t, const CK_TOKEN_INFO *info, int need_private, char *err,
                 size_t errlen)
{
    if (!(info->flags & CKF_LOGIN_REQUIRED)) {
        return FERRY_OK;
    }
    CK_RV rv;
    if (t->have_pin) {
        rv = t->m->C_Login(t->session, CKU_USER, (CK_UTF8CHAR_PTR)t->pin, (CK_ULONG)t->pin_len);
    } else if (info->flags & CKF_PROTECTED_AUTHENTICATION_PATH) {
        rv = t->m->C_Login(t->session, CKU_USER, NULL, 0); /* the reader's PIN pad */
    } else if (need_private) {
        return host_fail(FERRY_E_INVAL, err, errlen,
                         "token '%s' needs its user PIN: give --pin-file FILE or set "
                         "FERRY_PKCS11_PIN", t->token_label);
    } else {
        return FERRY_OK; /* public objects are visible without a login */
    }
    if (rv == CKR_PIN_INCORRECT) {
        return host_fail(FERRY_E_INVAL, err, errlen, "wrong PIN for token '%s'", t->token_label);
    }
    if (rv == CKR_PIN_LOCKED) {
        return host_fail(FERRY_E_INVAL, err, errlen,
                         "the user PIN of token '%s' is locked (too many wrong PINs)",
                         t->token_label);
    }
    if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) {
        return host_fail(FERRY_E_INVAL, err, errlen, "cannot log in to token '%s': %s",
                         t->token_label, p11_kit_strerror(rv));
    }
    t->logged_in = rv == CKR_OK;
    return FERRY_OK;
}

/* Objects matching `tmpl`: up to OBJECTS_MAX handles, the count in *n. */
static int find_objects(struct token *t, CK_ATTRIBUTE *tmpl, CK_ULONG count,
                        CK_OBJECT_HANDLE *out, CK_ULONG *n, char *err, size_t errlen)
{
    CK_RV rv = t->m->C_FindObjectsInit(t->session, tmpl, count);
    *n = 0;
    if (rv == CKR_OK) {
        rv = t->m->C_FindObjects(t->session, out, OBJECTS_MAX, n);
        t->m->C_FindObjectsFinal(t->session);
    }
    if (rv != CKR_OK) {
        return host_fail(FERRY_E_IO, err, errlen, "cannot search token '%s': %s",
                         t->token_label, p11_kit_strerror(rv));
    }
    return FERRY_OK;
}

/* The URI's object attributes (object=, id=) plus CKA_CLASS = cls. */
static CK_ULONG make_template(P11KitUri *uri, CK_OBJECT_CLASS *cls, CK_ATTRIBUTE *tmpl,
                              CK_ULONG cap)
{
    CK_ULONG n_uri = 0, n = 0;
    CK_ATTRIBUTE *attrs = p11_kit_uri_get_attributes(uri, &n_uri);
    for (CK_ULONG i = 0; i < n_uri && n + 1 < cap; i++) {
        if (attrs[i].type != CKA_CLASS) {
            tmpl[n++] = attrs[i];
        }
    }
    tmpl[n].type = CKA_CLASS;
    tmpl[n].pValue = cls;
    tmpl[n].ulValueLen = sizeof *cls;
    return n + 1;
}

/* "key 'fw'" or "key with id 01a2" or "key", for messages. */
static void describe(struct token *t, P11KitUri *uri)
{
    CK_ATTRIBUTE *label = p11_kit_uri_get_attribute(uri, CKA_LABEL);
    CK_ATTRIBUTE *id = p11_kit_uri_get_attribute(uri, CKA_ID);
    char name[64] = "";
    if (label != NULL && label->ulValueLen > 0) {
        /* At most 40 bytes of the label, shown as printable ASCII. */
        size_t n = label->ulValueLen < 40 ? label->ulValueLen : 40, used = 2;
        const unsigned char *s = label->pValue;
        name[0] = ' ';
        name[1] = '\'';
        for (size_t i = 0; i < n; i++) {
            name[used++] = s[i] < 0x20 || s[i] >= 0x7F ? '?' : (char)s[i];
        }
        name[used++] = '\'';
        name[used] = '\0';
    } else if (id != NULL && id->ulValueLen > 0) {
        const unsigned char *s = id->pValue;
        snprintf(name, sizeof name, " with id ");
        for (CK_ULONG i = 0; i < id->ulValueLen && i < 20; i++) {
            size_t used = strlen(name);
            snprintf(name + used, sizeof name - used, "%02x", s[i]);
        }
    }
    snprintf(t->what, sizeof t->what, "key%s in token '%s'", name, t->token_label);
}

/* One attribute read into buf; *len its length. CK_UNAVAILABLE_INFORMATION
 * (absent or sensitive) comes back as FERRY_E_NOT_FOUND. */
static int get_attr(struct token *t, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE type, void *buf,
                    CK_ULONG cap, CK_ULONG *len)
{
    CK_ATTRIBUTE a = { type, buf, cap };
    CK_RV rv = t->m->C_GetAttributeValue(t->session, obj, &a, 1);
    if (rv != CKR_OK || a.ulValueLen == CK_UNAVAILABLE_INFORMATION || a.ulValueLen > cap) {
        return FERRY_E_NOT_FOUND;
    }
    *len = a.ulValueLen;
    return FERRY_OK;
}

static int get_bool(struct token *t, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE type, int dflt)
{
    CK_BBOOL b;
    CK_ULONG len;
    if (get_attr(t, obj, type, &b, sizeof b, &len) != 0 || len != sizeof b) {
        return dflt;
    }
    return b == CK_TRUE;
}

/* The key must be EC on P-256. */
static int check_ec_p256(struct token *t, CK_OBJECT_HANDLE obj, char *err, size_t errlen)
{
    CK_KEY_TYPE type;
    CK_ULONG len;
    if (get_attr(t, obj, CKA_KEY_TYPE, &type, sizeof type, &len) != 0 || len != sizeof type) {
        return host_fail(FERRY_E_INVAL, err, errlen, "the %s has no key type", t->what);
    }
    if (type != CKK_EC) {
        const char *name = type == CKK_RSA ? "an RSA key" : type == CKK_DSA ? "a DSA key"
                         : type == CKK_EC_EDWARDS ? "an EdDSA key" : "not an EC key";
        return host_fail(FERRY_E_UNSUPPORTED, err, errlen,
                         "the %s is %s: only EC P-256 (prime256v1) keys are supported", t->what,
                         name);
    }
    uint8_t params[128];
    if (get_attr(t, obj, CKA_EC_PARAMS, params, sizeof params, &len) != 0) {
        return host_fail(FERRY_E_INVAL, err, errlen, "the %s has no CKA_EC_PARAMS", t->what);
    }
    if (len == sizeof EC_PARAMS_P256 && memcmp(params, EC_PARAMS_P256, len) == 0) {
        return FERRY_OK;
    }
    struct host_der in = { params, len }, oid;
    char name[96];
    if (host_der_take(&in, 0x06, &oid) == 0 && in.len == 0) {
        return host_fail(FERRY_E_UNSUPPORTED, err, errlen,
                         "the %s is on curve %s: only P-256 (prime256v1) is supported", t->what,
                         host_der_oid_name(&oid, name, sizeof name));
    }
    return host_fail(FERRY_E_UNSUPPORTED, err, errlen,
                     "the %s has explicit or unknown curve parameters: only the named curve "
                     "P-256 (prime256v1) is supported", t->what);
}

/* CKA_EC_POINT: a DER OCTET STRING around 04||X||Y (PKCS#11 2.40), or the
 * 65 raw bytes some tokens return. The point must be on P-256. */
static int read_ec_point(struct token *t, CK_OBJECT_HANDLE obj, uint8_t pub[65])
{
    uint8_t buf[80];
    CK_ULONG len;
    if (get_attr(t, obj, CKA_EC_POINT, buf, sizeof buf, &len) != 0) {
        return FERRY_E_NOT_FOUND;
    }
    const uint8_t *p = NULL;
    if (len == 67 && buf[0] == 0x04 && buf[1] == 65 && buf[2] == 0x04) {
        p = buf + 2;
    } else if (len == 65 && buf[0] == 0x04) {
        p = buf;
    }
    if (p == NULL || !host_p256_point_valid(p)) {
        return FERRY_E_INVAL;
    }
    memcpy(pub, p, 65);
    return FERRY_OK;
}

/* The public half of the private key `priv`: the public key object with the
 * same CKA_ID, else the private key's CKA_PUBLIC_KEY_INFO or CKA_EC_POINT. */
static int public_of_private(struct token *t, CK_OBJECT_HANDLE priv, uint8_t pub[65], char *err,
                             size_t errlen)
{
    uint8_t id[128];
    CK_ULONG id_len = 0;
    if (get_attr(t, priv, CKA_ID, id, sizeof id, &id_len) == 0 && id_len > 0) {
        CK_OBJECT_CLASS cls = CKO_PUBLIC_KEY;
        CK_ATTRIBUTE tmpl[2] = { { CKA_CLASS, &cls, sizeof cls }, { CKA_ID, id, id_len } };
        CK_OBJECT_HANDLE found[OBJECTS_MAX];
        CK_ULONG n;
        int rc = find_objects(t, tmpl, 2, found, &n, err, errlen);
        if (rc != 0) {
            return rc;
        }
        if (n > 1) {
            return host_fail(FERRY_E_INVAL, err, errlen,
                             "%lu public key objects have the CKA_ID of the %s: keep one",
                             (unsigned long)n, t->what);
        }
        if (n == 1) {
            rc = read_ec_point(t, found[0], pub);
            if (rc == FERRY_E_INVAL) {
                return host_fail(FERRY_E_INVAL, err, errlen,
                                 "the public key object of the %s has no valid P-256 CKA_EC_POINT",
                                 t->what);
            }
            if (rc == 0) {
                return FERRY_OK;
            }
        }
    }
    uint8_t spki[160];
    CK_ULONG len;
    char why[160];
    if (get_attr(t, priv, CKA_PUBLIC_KEY_INFO, spki, sizeof spki, &len) == 0 && len > 0 &&
        host_spki_decode(spki, len, pub, why, sizeof why) == 0) {
        return FERRY_OK;
    }
    if (read_ec_point(t, priv, pub) == 0) {
        return FERRY_OK;
    }
    return host_fail(FERRY_E_INVAL, err, errlen,
                     "no public key for the %s: no public key object with its CKA_ID, and the "
                     "private key does not show its public point", t->what);
}

/* need_private 0: a public key object matching the URI, if there is one.
 * 1 found (pub filled), 0 none, <0 error. */
static int find_public(struct token *t, P11KitUri *uri, uint8_t pub[65], char *err,
                       size_t errlen)
{
    CK_OBJECT_CLASS cls = CKO_PUBLIC_KEY;
    CK_ATTRIBUTE tmpl[8];
    CK_ULONG count = make_template(uri, &cls, tmpl, 8);
    CK_OBJECT_HANDLE found[OBJECTS_MAX];
    CK_ULONG n;
    int rc = find_objects(t, tmpl, count, found, &n, err, errlen);
    if (rc != 0 || n == 0) {
        return rc;
    }
    if (n > 1) {
        return host_fail(FERRY_E_INVAL, err, errlen,
                         "%lu public keys match the URI in token '%s': add id= or a more "
                         "specific object=", (unsigned long)n, t->token_label);
    }
    rc = check_ec_p256(t, found[0], err, errlen);
    if (rc == 0 && read_ec_point(t, found[0], pub) != 0) {
        rc = host_fail(FERRY_E_INVAL, err, errlen, "the %s has no valid P-256 CKA_EC_POINT",
                       t->what);
    }
    return rc == 0 ? 1 : rc;
}

static int find_private(struct token *t, P11KitUri *uri, int need_private, uint8_t pub[65],
                        char *err, size_t errlen)
{
    CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
    CK_ATTRIBUTE tmpl[8];
    CK_ULONG count = make_template(uri, &cls, tmpl, 8);
    CK_OBJECT_HANDLE found[OBJECTS_MAX];
    CK_ULONG n;
    int rc = find_objects(t, tmpl, count, found, &n, err, errlen);
    if (rc != 0) {
        return rc;
    }
    if (n == 0) {
        return host_fail(FERRY_E_INVAL, err, errlen, "no %s%s%s",
                         need_private ? "private " : "", t->what,
                         t->logged_in ? "" : " (without a PIN only public objects are seen)");
    }
    if (n > 1) {
        return host_fail(FERRY_E_INVAL, err, errlen,
                         "%lu private keys match the URI in token '%s': add id= or a more "
                         "specific object=", (unsigned long)n, t->token_label);
    }
    t->key = found[0];
    rc = check_ec_p256(t, t->key, err, errlen);
    if (rc != 0) {
        return rc;
    }
    if (need_private && !get_bool(t, t->key, CKA_SIGN, 0)) {
        return host_fail(FERRY_E_INVAL, err, errlen,
                         "the %s may not sign (its CKA_SIGN attribute is false)", t->what);
    }
    t->always_authenticate = get_bool(t, t->key, CKA_ALWAYS_AUTHENTICATE, 0);
    return public_of_private(t, t->key, pub, err, errlen);
}

/* The URI's own checks: syntax, no PIN in it, object class. */
static int check_uri(P11KitUri *uri, const char *text, int need_private, char *err,
                     size_t errlen)
{
    int r = p11_kit_uri_parse(text, P11_KIT_URI_FOR_ANY, uri);
    if (r != P11_KIT_URI_OK) {
        return host_fail(FERRY_E_INVAL, err, errlen, "not a valid PKCS#11 URI (RFC 7512): %s",
                         p11_kit_uri_message(r));
    }
    if (p11_kit_uri_get_pin_value(uri) != NULL || p11_kit_uri_get_pin_source(uri) != NULL) {
        return host_fail(FERRY_E_INVAL, err, errlen,
                         "the URI carries a PIN (pin-value or pin-source): refused, a command "
                         "line is visible to every user; give --pin-file FILE or set "
                         "FERRY_PKCS11_PIN");
    }
    if (p11_kit_uri_any_unrecognized(uri)) {
        return host_fail(FERRY_E_INVAL, err, errlen,
                         "the URI has an attribute ferry does not know (it knows token, "
                         "manufacturer, serial, model, slot-*, object, id, type, module-path)");
    }
    CK_ATTRIBUTE *cls = p11_kit_uri_get_attribute(uri, CKA_CLASS);
    if (cls != NULL && cls->ulValueLen == sizeof(CK_OBJECT_CLASS)) {
        CK_OBJECT_CLASS c;
        memcpy(&c, cls->pValue, sizeof c);
        if (c != CKO_PRIVATE_KEY && c != CKO_PUBLIC_KEY) {
            return host_fail(FERRY_E_INVAL, err, errlen,
                             "the URI names an object of another type: use type=private (or "
                             "type=public for a public key)");
        }
        if (c == CKO_PUBLIC_KEY && need_private) {
            return host_fail(FERRY_E_INVAL, err, errlen,
                             "the URI names a public key (type=public): signing needs the "
                             "private key (type=private, or no type)");
        }
    }
    return FERRY_OK;
}

static int uri_class_is(P11KitUri *uri, CK_OBJECT_CLASS want)
{
    CK_ATTRIBUTE *cls = p11_kit_uri_get_attribute(uri, CKA_CLASS);
    CK_OBJECT_CLASS c;
    if (cls == NULL || cls->ulValueLen != sizeof c) {
        return 0;
    }
    memcpy(&c, cls->pValue, sizeof c);
    return c == want;
}

static int open_key(struct token *t, P11KitUri *uri, const char *text, const char *module,
                    int need_private, uint8_t pub[65], char *err, size_t errlen)
{
    int rc = check_uri(uri, text, need_private, err, errlen);
    if (rc != 0) {
        return rc;
    }
    if (module == NULL) {
        module = p11_kit_uri_get_module_path(uri);
    }
    if (module == NULL || module[0] == '\0') {
        return host_fail(FERRY_E_INVAL, err, errlen,
                         "no PKCS#11 module: give --pkcs11-module PATH or set "
                         "FERRY_PKCS11_MODULE (e.g. /usr/lib/softhsm/libsofthsm2.so)");
    }
    rc = load_module(t, module, err, errlen);
    CK_SLOT_ID slot = 0;
    CK_TOKEN_INFO info;
    memset(&info, 0, sizeof info); /* filled by the token search; zeroed for the compiler */
    if (rc == 0) {
        rc = find_slot(t, uri, &slot, &info, err, errlen);
    }
    if (rc != 0) {
        return rc;
    }
    describe(t, uri);
    CK_RV rv = t->m->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &t->session);
    if (rv != CKR_OK) {
        return host_fail(FERRY_E_IO, err, errlen, "cannot open a session with token '%s': %s",
                         t->token_label, p11_kit_strerror(rv));
    }
    t->have_session = 1;
    rc = login(t, &info, need_private, err, errlen);
    if (rc != 0) {
        return rc;
    }
    if (!need_private && !uri_class_is(uri, CKO_PRIVATE_KEY)) {
        rc = find_public(t, uri, pub, err, errlen);
        if (rc != 0) {
            return rc < 0 ? rc : FERRY_OK;
        }
        if (uri_class_is(uri, CKO_PUBLIC_KEY)) {
            return host_fail(FERRY_E_INVAL, err, errlen, "no public %s", t->what);
        }
    }
    return find_private(t, uri, need_private, pub, err, errlen);
}

int ferry_pkcs11_key_load(const char *text, const char *module, const char *pin, size_t pin_len,
                          int need_private, struct ferry_host_key *k, char *err, size_t errlen)
{
    if (pin != NULL && pin_len > PIN_MAX) {
        return host_fail(FERRY_E_INVAL, err, errlen, "the PIN is longer than %u bytes", PIN_MAX);
    }
    struct token *t = calloc(1, sizeof *t);
    P11KitUri *uri = p11_kit_uri_new();
    if (t == NULL || uri == NULL) {
        free(t);
        if (uri != NULL) {
            p11_kit_uri_free(uri);
        }
        return host_fail(FERRY_E_NOSPC, err, errlen, "out of memory");
    }
    if (pin != NULL) {
        memcpy(t->pin, pin, pin_len);
        t->pin_len = pin_len;
        t->have_pin = 1;
    }
    snprintf(t->what, sizeof t->what, "key");
    p11_kit_be_quiet();
    struct ferry_host_key out;
    memset(&out, 0, sizeof out);
    int rc = open_key(t, uri, text, module, need_private, out.pub, err, errlen);
    p11_kit_uri_free(uri);
    if (rc != 0) {
        token_close(t);
        return rc;
    }
    br_sha256_context sha;
    br_sha256_init(&sha);
    br_sha256_update(&sha, out.pub, sizeof out.pub);
    br_sha256_out(&sha, out.id);
    if (need_private) {
        if (!t->always_authenticate) {
            host_wipe(t->pin, sizeof t->pin); /* not needed after the login */
            t->have_pin = 0;
        }
        out.has_private = 1;
        out.signer = &TOKEN_SIGNER;
        out.signer_ctx = t;
    } else {
        token_close(t);
    }
    *k = out;
    return FERRY_OK;
}
