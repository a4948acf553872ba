/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One request of `ferry serve`: GET or HEAD of a regular file under the root,
 * whole or one byte range. Everything else gets a short text answer:
 * 400 malformed or escaping path, 403 unreadable or outside the root,
 * 404 absent, hidden or not a regular file, 405 other methods,
 * 416 unsatisfiable range.
 */
#define _XOPEN_SOURCE 700 /* realpath */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "serve.h"

static const char *content_type(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot != NULL && strchr(dot, '/') == NULL) {
        if (strcmp(dot, ".json") == 0) {
            return "application/json";
        }
        if (strcmp(dot, ".txt") == 0 || strcmp(dot, ".md") == 0) {
            return "text/plain; charset=utf-8";
        }
        if (strcmp(dot, ".html") == 0) {
            return "text/html; charset=utf-8";
        }
    }
    return "application/octet-stream";
}

/* Queues `resp` (consumed) with `status`; records what the log needs. */
static enum MHD_Result send_response(struct MHD_Connection *c, struct serve_request *r,
                                     unsigned status, struct MHD_Response *resp, uint64_t body)
{
    if (resp == NULL) {
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Accept-Ranges", "bytes");
    MHD_add_response_header(resp, "Cache-Control", "no-cache");
    enum MHD_Result ret = MHD_queue_response(c, status, resp);
    MHD_destroy_response(resp);
    if (r != NULL) {
        r->status = status;
        r->body_bytes = r->method != NULL && strcmp(r->method, MHD_HTTP_METHOD_HEAD) == 0 ? 0 : body;
    }
    return ret;
}

/* A short text/plain answer for an error status. */
static enum MHD_Result send_text(struct MHD_Connection *c, struct serve_request *r,
                                 unsigned status, const char *text)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
    if (resp != NULL) {
        MHD_add_response_header(resp, "Content-Type", "text/plain; charset=utf-8");
        if (status == MHD_HTTP_METHOD_NOT_ALLOWED) {
            MHD_add_response_header(resp, "Allow", "GET, HEAD");
        }
    }
    return send_response(c, r, status, resp, strlen(text));
}

/* Strong validator and date of a file version, for ETag, Last-Modified and
 * If-Range. */
static void validators(const struct stat *st, char *etag, size_t etag_cap, char *date,
                       size_t date_cap)
{
    struct tm tm;
    snprintf(etag, etag_cap, "\"%llx-%llx\"", (unsigned long long)st->st_size,
             (unsigned long long)st->st_mtim.tv_sec * 1000000000ull +
             (unsigned long long)st->st_mtim.tv_nsec);
    if (gmtime_r(&st->st_mtim.tv_sec, &tm) == NULL ||
        strftime(date, date_cap, "%a, %d %b %Y %H:%M:%S GMT", &tm) == 0) {
        date[0] = '\0';
    }
}

/* Opens the file `rel` names under the root, refusing anything that
 * resolves outside it (a symbolic link pointing out) or to a hidden name.
 * Returns the fd, or -status. The resolve-then-open pair assumes nobody
 * swaps links inside the root meanwhile: this is a development server for a
 * directory its user controls. */
static int open_under_root(const struct serve_ctx *ctx, const char *rel, struct stat *st)
{
    char full[8192], resolved[PATH_MAX];
    size_t root_len = strlen(ctx->root);
    if ((size_t)snprintf(full, sizeof full, "%s/%s", ctx->root, rel) >= sizeof full) {
        return -MHD_HTTP_NOT_FOUND;
    }
    if (realpath(full, resolved) == NULL) {
        return errno == EACCES ? -MHD_HTTP_FORBIDDEN : -MHD_HTTP_NOT_FOUND;
    }
    if (strncmp(resolved, ctx->root, root_len) != 0 ||
        (resolved[root_len] != '/' && resolved[root_len] != '\0')) {
        return -MHD_HTTP_FORBIDDEN;
    }
    if (strstr(resolved + root_len, "/.") != NULL) {
        return -MHD_HTTP_NOT_FOUND;
    }
    int fd = open(resolved, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) {
        return errno == EACCES ? -MHD_HTTP_FORBIDDEN : -MHD_HTTP_NOT_FOUND;
    }
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        close(fd);
        return -MHD_HTTP_NOT_FOUND;
    }
    return fd;
}

static enum MHD_Result send_file(struct MHD_Connection *c, struct serve_request *r, int fd,
                                 const struct stat *st, const char *rel)
{
    char etag[64], date[64], content_range[96];
    uint64_t size = (uint64_t)st->st_size, first = 0, last = 0;
    validators(st, etag, sizeof etag, date, sizeof date);
    const char *range = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Range");
    const char *if_range = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-Range");
    if (if_range != NULL && strcmp(if_range, etag) != 0 &&
        (date[0] == '\0' || strcmp(if_range, date) != 0)) {
        range = NULL; /* the client's copy is another version: send it all */
    }
    enum serve_range_result kind = serve_range_parse(range, size, &first, &last);
    if (kind == SERVE_RANGE_UNSATISFIABLE) {
        close(fd);
        static const char text[] = "requested range not satisfiable\n";
        struct MHD_Response *resp = MHD_create_response_from_buffer(
            sizeof text - 1, (void *)text, MHD_RESPMEM_PERSISTENT);
        if (resp != NULL) {
            snprintf(content_range, sizeof content_range, "bytes */%llu",
                     (unsigned long long)size);
            MHD_add_response_header(resp, "Content-Range", content_range);
            MHD_add_response_header(resp, "Content-Type", "text/plain; charset=utf-8");
        }
        return send_response(c, r, MHD_HTTP_RANGE_NOT_SATISFIABLE, resp, sizeof text - 1);
    }
    unsigned status = MHD_HTTP_OK;
    uint64_t offset = 0, length = size;
    if (kind == SERVE_RANGE_PARTIAL) {
        status = MHD_HTTP_PARTIAL_CONTENT;
        offset = first;
        length = last - first + 1;
    }
    struct MHD_Response *resp;
    if (length == 0) {
        close(fd);
        resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    } else {
        /* MHD owns fd from here and closes it with the response. */
        resp = MHD_create_response_from_fd_at_offset64(length, fd, offset);
        if (resp == NULL) {
            close(fd);
        }
    }
    if (resp != NULL) {
        MHD_add_response_header(resp, "Content-Type", content_type(rel));
        MHD_add_response_header(resp, "ETag", etag);
        if (date[0] != '\0') {
            MHD_add_response_header(resp, "Last-Modified", date);
        }
        if (status == MHD_HTTP_PARTIAL_CONTENT) {
            snprintf(content_range, sizeof content_range, "bytes %llu-%llu/%llu",
                     (unsigned long long)first, (unsigned long long)last,
                     (unsigned long long)size);
            MHD_add_response_header(resp, "Content-Range", content_range);
        }
    }
    return send_response(c, r, status, resp, length);
}

enum MHD_Result serve_handle(void *cls, struct MHD_Connection *c, const char *url,
                             const char *method, const char *version, const char *upload_data,
                             size_t *upload_data_size, void **req_cls)
{
    const struct serve_ctx *ctx = cls;
    struct serve_request *r = *req_cls;
    char rel[4096];
    struct stat st;
    (void)upload_data;
    if (r == NULL) {
        /* The URI callback ran out of memory; try once more, else serve
         * without logging. */
        r = calloc(1, sizeof *r);
        *req_cls = r;
    }
    if (r != NULL) {
        r->method = method;
        r->version = version;
    }
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
        /* Answered at once: MHD then drops any body and closes the connection. */
        return send_text(c, r, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD are served\n");
    }
    /* Answering before the whole request has arrived would make MHD close
     * the connection after the response; wait for the last call so that
     * keep-alive works. A body sent with GET is read and ignored. */
    if (r != NULL && !r->headers_seen) {
        r->headers_seen = 1;
        return MHD_YES;
    }
    if (*upload_data_size != 0) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    switch (serve_path_check(url, rel, sizeof rel)) {
    case SERVE_PATH_BAD:
        return send_text(c, r, MHD_HTTP_BAD_REQUEST, "bad path\n");
    case SERVE_PATH_HIDDEN:
        return send_text(c, r, MHD_HTTP_NOT_FOUND, "not found\n");
    default:
        break;
    }
    int fd = open_under_root(ctx, rel, &st);
    if (fd == -MHD_HTTP_FORBIDDEN) {
        return send_text(c, r, MHD_HTTP_FORBIDDEN, "forbidden\n");
    }
    if (fd < 0) {
        return send_text(c, r, MHD_HTTP_NOT_FOUND, "not found\n");
    }
    return send_file(c, r, fd, &st, rel);
}
