/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PKCS#11 keys in a build without p11-kit: every URI is refused with the
 * reason, so a script learns at once why its token key does not work.
 */
#include <string.h>

#include "ferry/errors.h"
#include "host_pkcs11.h"
#include "host_priv.h"

int ferry_pkcs11_is_uri(const char *text)
{
    return strncmp(text, "pkcs11:", 7) == 0;
}

int ferry_pkcs11_available(void)
{
    return 0;
}

int ferry_pkcs11_key_load(const char *uri, const char *module, const char *pin, size_t pin_len,
                          int need_private, struct ferry_host_key *k, char *err, size_t errlen)
{
    (void)uri, (void)module, (void)pin, (void)pin_len, (void)need_private, (void)k;
    return host_fail(FERRY_E_UNSUPPORTED, err, errlen,
                     "this ferry was built without PKCS#11 support (p11-kit was not found: "
                     "install libp11-kit-dev and rebuild)");
}
