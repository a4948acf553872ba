/* SPDX-License-Identifier: Apache-2.0 */
/* The OTA demo's HTTP client with plain TCP only (ota_net.h): http:// URLs. */
#include "ota_net.h"

void ota_http_client_init(struct ferry_http_client *c, const struct ferry_transport *tcp)
{
    c->plain = tcp;
    c->tls = 0; /* https:// is refused: FERRY_E_UNSUPPORTED */
}
