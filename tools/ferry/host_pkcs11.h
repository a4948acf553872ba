/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Keys in a PKCS#11 token (an HSM, a smart card, SoftHSM), named by an
 * RFC 7512 URI such as "pkcs11:token=release;object=fw-2027". The module is
 * loaded and the URI parsed and matched with p11-kit (libp11-kit-dev). Built
 * only when p11-kit is found (host_pkcs11.c); otherwise host_pkcs11_absent.c
 * refuses every URI saying so.
 */
#ifndef FERRY_HOST_PKCS11_H
#define FERRY_HOST_PKCS11_H

#include <stddef.h>

#include "ferry_host.h"

/* 1 if `text` is meant as a PKCS#11 URI (starts with "pkcs11:"). */
int ferry_pkcs11_is_uri(const char *text);

/* 1 if this build can use PKCS#11 tokens. */
int ferry_pkcs11_available(void);

/*
 * Loads the P-256 key the URI names from the token the URI names.
 *  - `module`: path of the PKCS#11 module (shared library); NULL: the URI's
 *    module-path attribute, else the call fails saying how to give one.
 *  - `pin`/`pin_len`: the user PIN, NULL if none was given. Never taken from
 *    the URI: a URI with pin-value (or pin-source) is refused.
 *  - need_private 0: only the public key is wanted (ferry getpub, verify): a
 *    public key object that matches the URI is enough; without one the
 *    private key's public half is used. Nothing stays open: k has no signer.
 *  - need_private 1: exactly one private key object must match; it must be
 *    EC on P-256 (CKA_EC_PARAMS) with CKA_SIGN true, and its public key comes
 *    from the public key object with the same CKA_ID (else the private key's
 *    CKA_PUBLIC_KEY_INFO or CKA_EC_POINT). k->signer then signs with
 *    CKM_ECDSA over the hash in the open, logged-in session, until
 *    ferry_host_key_wipe(k).
 * Errors (reason in err, one line, never the PIN): FERRY_E_UNSUPPORTED
 * (built without PKCS#11, a key that is not P-256), FERRY_E_INVAL (bad URI,
 * no module, no or several matching tokens or objects, wrong PIN, a key that
 * may not sign), FERRY_E_IO (the module cannot be loaded or fails).
 */
int ferry_pkcs11_key_load(const char *uri, const char *module, const char *pin, size_t pin_len,
                          int need_private, struct ferry_host_key *k, char *err, size_t errlen);

#endif
