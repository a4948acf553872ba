/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ferry serve: a static file server for a release repository, on
 * libmicrohttpd (docs/server.md). Split by job:
 *   cmd_serve.c      command line, listening socket, TLS files, start/stop
 *   serve_request.c  one request: method, path, file, range -> response
 *   serve_path.c     which URL paths may name a file (pure, unit-tested)
 *   serve_range.c    the Range header (pure, unit-tested)
 *   serve_log.c      one common-log-format line per request
 */
#ifndef FERRY_SERVE_H
#define FERRY_SERVE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <microhttpd.h>

/* Shared by every request. The daemon runs all callbacks on one thread
 * (MHD's internal polling thread), so none of this needs a lock. */
struct serve_ctx {
    char root[4096];  /* realpath of the served directory, no trailing '/' */
    FILE *log;        /* access log, line-buffered */
};

/* ---- paths (serve_path.c) ---- */

enum serve_path_result {
    SERVE_PATH_OK = 0,     /* `rel` holds the relative path to open */
    SERVE_PATH_BAD = 1,    /* malformed or an escape attempt: 400 */
    SERVE_PATH_HIDDEN = 2, /* names a hidden file or directory ('.' start): 404 */
};

/*
 * Checks a decoded URL path and gives the path relative to the root:
 * it must start with '/', hold no byte below 0x20 nor 0x7F, no '\\', no empty
 * segment ("//", which would make an absolute path), no "." or ".." segment.
 * A segment starting with '.' is hidden (temporary files of `ferry publish`,
 * version-control directories). "/" and a trailing '/' give a directory
 * path, which the caller answers with 404. `rel` gets at most cap - 1 bytes;
 * a longer path is SERVE_PATH_BAD.
 */
enum serve_path_result serve_path_check(const char *url, char *rel, size_t cap);

/* ---- ranges (serve_range.c) ---- */

enum serve_range_result {
    SERVE_RANGE_NONE = 0,          /* no usable Range: send the whole file (200) */
    SERVE_RANGE_PARTIAL = 1,       /* send bytes first..last inclusive (206) */
    SERVE_RANGE_UNSATISFIABLE = 2, /* 416 with Content-Range: bytes * /size */
};

/*
 * Interprets a Range header value for a file of `size` bytes (RFC 9110
 * section 14): one range of unit "bytes" (case-insensitive): "N-", "N-M" or
 * the suffix form "-N". A last position past the end is clamped. A first
 * position at or past the end, or a suffix of 0, is unsatisfiable. Anything
 * else -- other units, several ranges, bad syntax, M < N -- is ignored
 * (SERVE_RANGE_NONE), as the RFC allows. `header` may be NULL.
 */
enum serve_range_result serve_range_parse(const char *header, uint64_t size, uint64_t *first,
                                          uint64_t *last);

/* ---- requests (serve_request.c) and the log (serve_log.c) ---- */

/* What one request produced; created when its URI arrives, logged and freed
 * when it completes. */
struct serve_request {
    char *raw_uri;        /* as the client sent it (before decoding) */
    const char *method;   /* MHD's copy, valid until completion */
    const char *version;
    unsigned status;
    uint64_t body_bytes;  /* bytes of body queued (0 for HEAD) */
    int headers_seen;     /* the access handler has been called once */
};

/* libmicrohttpd callbacks; cls is the struct serve_ctx. */
void *serve_log_uri(void *cls, const char *uri, struct MHD_Connection *c);
void serve_log_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                         enum MHD_RequestTerminationCode toe);
size_t serve_unescape(void *cls, struct MHD_Connection *c, char *s);
enum MHD_Result serve_handle(void *cls, struct MHD_Connection *c, const char *url,
                             const char *method, const char *version, const char *upload_data,
                             size_t *upload_data_size, void **req_cls);

/* Writes the access log line for `r` (common log format):
 *   host - - [day/Mon/year:HH:MM:SS +zzzz] "METHOD URI VERSION" status bytes
 * with bytes "-" when no body was sent. Unprintable bytes and '"' in the URI
 * are written as \xNN so that a line cannot be forged. */
void serve_log_write(FILE *out, const char *host, const struct serve_request *r);

#endif
