/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private to the HTTP client: the URL checks shared by the request builder,
 * and the response reader (http_response.c) that ferry_http_get
 * (http_client.c) runs once per connection.
 */
#ifndef FERRY_HTTP_PRIV_H
#define FERRY_HTTP_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include <http_parser.h>

#include "ferry/http.h"

/* 1 for a byte allowed in a URL we send: printable ASCII, no space. */
int http_url_byte_ok(char ch);

/* FERRY_OK when url's host and path are NUL-terminated inside their arrays,
   non-empty, the path starts with '/', and every byte passes
   http_url_byte_ok (so neither can break the request). Else FERRY_E_INVAL. */
int http_url_check(const struct ferry_url *url);

/* How a response ended, when it ended well. */
enum http_outcome {
    HTTP_OUTCOME_BODY = 1,     /* 200/206 with its whole body delivered */
    HTTP_OUTCOME_REDIRECT = 2, /* 301/302/307/308: location holds the target */
    HTTP_OUTCOME_STATUS = 3,   /* any other status: resp->status */
};

/* One response being read. Everything lives here or in the caller's buffer. */
struct http_reader {
    http_parser parser;
    /* inputs */
    uint64_t range_start;
    struct ferry_http_response *resp;
    ferry_http_body_fn body;
    void *body_ctx;
    char *location;            /* FERRY_HTTP_LOCATION_MAX bytes, NUL-terminated */
    char *content_range;       /* FERRY_HTTP_RANGE_TEXT_MAX bytes, NUL-terminated */
    /* header being read */
    char name[20];             /* lowercased; longer names are not ones we keep */
    uint8_t name_len;
    uint8_t in_value;          /* the last callback was a header value */
    uint8_t target;            /* enum in http_response.c: where the value goes */
    uint8_t seen;              /* one bit per kept header: duplicates are refused */
    uint8_t overflow;          /* one bit per kept header whose value was too long */
    char coding[2][12];        /* Content-Encoding, Transfer-Encoding (short values) */
    uint8_t coding_len[2];
    /* progress */
    uint8_t prefix_len;        /* bytes of "HTTP/" checked so far */
    uint8_t headers_done;
    uint8_t stopped;           /* parser paused: the response is decided */
    int outcome;               /* enum http_outcome, once stopped */
    int err;                   /* error found inside a parser callback */
    uint64_t body_len;         /* body bytes delivered */
    uint64_t body_expected;    /* from Content-Length or Content-Range; UINT64_MAX: chunked */
    uint64_t idle;             /* bytes since the start or the last body byte */
    const char *cursor;        /* end of the last body piece in the current data */
};

/* Prepares `r` for one response. `text` is FERRY_HTTP_TEXT_RESERVE bytes. */
void http_reader_init(struct http_reader *r, uint64_t range_start, struct ferry_http_response *resp,
                      ferry_http_body_fn body, void *body_ctx, char *text);

/*
 * Feeds `len` received bytes. Returns FERRY_OK while more are needed, a
 * positive enum http_outcome once the response is decided (for BODY: the
 * body is complete and nothing followed it), or an error as documented for
 * ferry_http_get.
 */
int http_reader_feed(struct http_reader *r, const uint8_t *data, size_t len);

/* The peer closed the stream after `received` bytes without the response
   being decided: FERRY_E_IO (nothing at all), FERRY_E_HTTP_PROTO (inside the
   headers) or FERRY_E_HTTP_LENGTH (inside the body). */
int http_reader_eof(const struct http_reader *r, uint64_t received);

#endif
