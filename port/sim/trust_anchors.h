/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Host helper: trust anchors for the TLS transport from a PEM file, at run
 * time (tests and the simulator make their CA with openssl when they run).
 * A device builds its anchors in as constant data instead.
 *
 * Every CERTIFICATE block becomes one br_x509_trust_anchor: its subject DN,
 * its public key (RSA or EC), and BR_X509_TA_CA when the certificate says it
 * is a CA (basic constraints). A non-CA certificate is trusted directly as
 * the server's own key. Other PEM blocks (keys) are skipped.
 */
#ifndef FERRY_SIM_TRUST_ANCHORS_H
#define FERRY_SIM_TRUST_ANCHORS_H

#include <stddef.h>

#include <bearssl.h>

struct ferry_sim_trust_anchors {
    br_x509_trust_anchor *anchors; /* malloc'd, with everything they point to */
    size_t count;
};

/*
 * Decodes all certificates in `pem` (len bytes, need not be NUL-terminated).
 * On failure *out is left empty.
 * Errors: FERRY_E_CORRUPT (bad PEM, a certificate BearSSL cannot decode, no
 * certificate at all), FERRY_E_NOSPC (out of memory), FERRY_E_INVAL (NULL).
 */
int ferry_sim_trust_anchors_from_pem(struct ferry_sim_trust_anchors *out, const char *pem, size_t len);

/* Same, from a file. Adds FERRY_E_IO (cannot read it). */
int ferry_sim_trust_anchors_load(struct ferry_sim_trust_anchors *out, const char *path);

/* Frees what from_pem/load allocated; leaves *ta empty. Safe on an empty one. */
void ferry_sim_trust_anchors_free(struct ferry_sim_trust_anchors *ta);

#endif
