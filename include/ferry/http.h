/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry: a small HTTP/1.1 client for downloads (GET only), over the
 * transport seam (ferry/transport.h). No malloc: the caller gives one buffer.
 * Responses are parsed with http-parser. What it accepts and refuses, and
 * why, is in docs/http.md; the short form:
 *
 *  - one request per connection ("Connection: close"), GET, no body sent;
 *  - success is 200 for a whole body, 206 for a ranged one; anything else
 *    ends as FERRY_E_HTTP_STATUS with resp->status set;
 *  - the body must be framed: Content-Length or chunked. A body that runs
 *    until the connection closes is refused, because its truncation could
 *    not be told from its end;
 *  - at most FERRY_HTTP_MAX_HEADER_BYTES of headers, or of chunk framing
 *    between two pieces of body;
 *  - redirects 301/302/307/308, at most max_redirects, never https -> http;
 *  - header names must be tokens: whitespace before the colon
 *    ("Transfer-Encoding : chunked") or any other separator is refused;
 *  - an optional overall deadline (ferry_http_get_until) bounds a server
 *    that answers slowly but never stalls long enough for a timeout.
 */
#ifndef FERRY_HTTP_H
#define FERRY_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "ferry/transport.h"

/* Smallest client buffer. The last FERRY_HTTP_TEXT_RESERVE bytes keep the
   Location and Content-Range header values; the rest first holds the request
   (at most ~330 bytes) and then receives the response. A larger buffer only
   means fewer, larger recv calls. */
#define FERRY_HTTP_BUF_MIN 1024u
#define FERRY_HTTP_LOCATION_MAX 288u  /* longest Location value kept, with its NUL */
#define FERRY_HTTP_RANGE_TEXT_MAX 80u /* longest Content-Range value kept, with its NUL */
#define FERRY_HTTP_TEXT_RESERVE (FERRY_HTTP_LOCATION_MAX + FERRY_HTTP_RANGE_TEXT_MAX)

/* Longest header section accepted (status line included), and the longest
   run of bytes that are not body (chunk-size lines, chunk extensions,
   trailers) between two pieces of body. Longer: FERRY_E_HTTP_PROTO in the
   headers, FERRY_E_HTTP_LENGTH in a chunked body. */
#define FERRY_HTTP_MAX_HEADER_BYTES 8192u

/* After a complete body, the client waits at most this long (or timeout_ms,
   if smaller) for the server to close; bytes that arrive meanwhile mean the
   body was longer than announced. */
#define FERRY_HTTP_DRAIN_MS 250u

/*
 * A parsed http:// or https:// URL. host is a DNS name or an IP literal
 * (IPv6 kept without brackets); path starts with '/' and holds the query
 * too ("/a/b?x=1"); the fragment is dropped. Both are NUL-terminated.
 */
struct ferry_url {
    int tls;        /* 1 for https */
    char host[64];
    uint16_t port;  /* 80 / 443 when the URL gives none */
    char path[192];
};

/*
 * Parses an absolute URL: "http[s]://host[:port][/path][?query][#fragment]".
 * Refused: user info ("user@host"), an empty host or port, port 0 or above
 * 65535, and any byte outside printable ASCII (spaces, controls, UTF-8 must be
 * percent-encoded). Host characters: letters, digits, '-', '.', '_', or an
 * IPv6 literal in brackets.
 * Errors: FERRY_E_INVAL (malformed, NULL arguments), FERRY_E_UNSUPPORTED
 * (another scheme), FERRY_E_NOSPC (host or path too long for struct ferry_url).
 */
int ferry_url_parse(const char *text, struct ferry_url *out);

/*
 * Resolves a reference against `base` as a browser would (RFC 3986 section
 * 5.2): an absolute http(s) URL, "//host/path", "/path", "?query",
 * "relative/path" (against base's directory) or "" / "#frag" (base itself).
 * "." and ".." segments are removed; ".." never climbs above "/". `out` may
 * be `base`.
 * Errors: as ferry_url_parse (FERRY_E_UNSUPPORTED for another scheme).
 */
int ferry_url_resolve(const struct ferry_url *base, const char *rel, struct ferry_url *out);

/* Receives the body piece by piece, in order. A negative return aborts the
   transfer and becomes ferry_http_get's return value; 0 or more goes on. */
typedef int (*ferry_http_body_fn)(void *ctx, const uint8_t *data, size_t len);

struct ferry_http_response {
    int status;               /* final status after redirects (0: none received) */
    uint64_t content_length;  /* UINT64_MAX when not given (chunked) */
    uint64_t range_start;     /* from Content-Range on a 206, else 0 */
    uint64_t total_length;    /* from Content-Range "/total" on a 206, else content_length */
};

struct ferry_http_client {
    const struct ferry_transport *plain;  /* for http:// (NULL: http refused with FERRY_E_UNSUPPORTED) */
    const struct ferry_transport *tls;    /* for https:// (NULL: https refused with FERRY_E_UNSUPPORTED) */
    uint8_t *buf; size_t buf_len;         /* caller buffer, >= FERRY_HTTP_BUF_MIN; any alignment */
    unsigned timeout_ms;                  /* per connect/send/recv: a stalled peer gives FERRY_E_TIMEOUT */
    unsigned max_redirects;               /* redirects followed before FERRY_E_HTTP_REDIRECTS, e.g. 3 */
};

/*
 * GET url, optionally from byte `range_start` (0: whole body; >0: sends
 * "Range: bytes=N-" and requires 206 with "Content-Range: bytes N-(T-1)/T").
 * Streams the body to `body` (NULL: the body is read and dropped).
 *
 * `resp` is filled as soon as the final headers are in, before the first
 * call to `body`, so a body callback can read it (point its ctx at it). On
 * an error it holds what was known; status 0 means no status line arrived.
 *
 * Ranged requests: a 200 to a request with range_start > 0 (a server that
 * ignores Range) is FERRY_E_HTTP_PROTO with resp->status == 200 and
 * resp->content_length / total_length set and no body delivered: the caller
 * may start again from 0. So is a 206 to a request without Range, or a
 * Content-Range that does not start at range_start or stop at the end.
 *
 * Follows at most max_redirects 301/302/307/308 (Location resolved against
 * the current URL; the same range is asked again). No body is read from
 * redirect or error responses.
 *
 * Errors:
 *   FERRY_E_HTTP_STATUS     final status not 200/206 (resp->status says which)
 *   FERRY_E_HTTP_PROTO      malformed response: status line, headers too big,
 *                           not HTTP/1.x, unframed body, Content-Encoding or
 *                           Transfer-Encoding other than identity/chunked,
 *                           duplicate Content-Length/Location/Content-Range,
 *                           redirect without Location, range rules above;
 *                           also a connection closed inside the headers
 *   FERRY_E_HTTP_LENGTH     body shorter or longer than announced, or bad
 *                           chunking (bad size line, framing too long)
 *   FERRY_E_HTTP_REDIRECTS  more than max_redirects, https -> http, a Location
 *                           that does not parse or fit struct ferry_url
 *   FERRY_E_IO              connection refused or reset; the server closed
 *                           without sending a byte
 *   FERRY_E_TIMEOUT, FERRY_E_TLS   from the transport
 *   FERRY_E_DEADLINE        (ferry_http_get_until only) the deadline passed
 *   FERRY_E_UNSUPPORTED     no transport for the URL's scheme
 *   FERRY_E_INVAL           NULL arguments, buf_len < FERRY_HTTP_BUF_MIN,
 *                           a url whose host or path has bytes a URL may not
 *   the body callback's negative value
 */
int ferry_http_get(const struct ferry_http_client *c, const struct ferry_url *url, uint64_t range_start,
                   struct ferry_http_response *resp, ferry_http_body_fn body, void *body_ctx);

/*
 * ferry_http_get under an overall deadline (ferry/transport.h; NULL: none,
 * as ferry_http_get). Every connect, send and recv gets the client's
 * timeout_ms or what is left of the deadline, whichever is smaller, redirects
 * included. Once nothing is left, or a call timed out because the deadline
 * shortened it, the request fails with FERRY_E_DEADLINE (the connection is
 * closed; resp holds what was known). A body that is complete when the
 * deadline passes is still a success: the wait for the server to close is
 * skipped. The same deadline may be passed to several requests, to bound
 * them together.
 */
int ferry_http_get_until(const struct ferry_http_client *c, const struct ferry_url *url,
                         uint64_t range_start, struct ferry_http_response *resp, ferry_http_body_fn body,
                         void *body_ctx, const struct ferry_deadline *deadline);

#endif
