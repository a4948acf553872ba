/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The access log: one line per request in the common log format, written
 * when the request completes (so it carries the final status), and the
 * per-request record that collects what goes into it.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve.h"

void *serve_log_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls;
    (void)c;
    struct serve_request *r = calloc(1, sizeof *r);
    if (r != NULL) {
        r->raw_uri = strdup(uri);
    }
    return r; /* NULL on out of memory: the request is served but not logged */
}

static int hex_value(char ch)
{
    if (ch >= '0' && ch <= '9') {
        return ch - '0';
    }
    if (ch >= 'a' && ch <= 'f') {
        return ch - 'a' + 10;
    }
    if (ch >= 'A' && ch <= 'F') {
        return ch - 'A' + 10;
    }
    return -1;
}

/* Decodes %HH in place. A decoded NUL becomes 0x7F, which serve_path_check
 * refuses: a NUL would otherwise silently cut the path short. Malformed
 * escapes are kept as they are. */
size_t serve_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    char *out = s;
    for (const char *in = s; *in != '\0'; in++) {
        int hi = in[0] == '%' ? hex_value(in[1]) : -1;
        int lo = hi >= 0 ? hex_value(in[2]) : -1;
        if (lo >= 0) {
            int v = hi * 16 + lo;
            *out++ = (char)(v == 0 ? 0x7F : v);
            in += 2;
        } else {
            *out++ = *in;
        }
    }
    *out = '\0';
    return (size_t)(out - s);
}

static void client_host(struct MHD_Connection *c, char *out, size_t cap)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, cap, "-");
    if (info == NULL || info->client_addr == NULL) {
        return;
    }
    const struct sockaddr *sa = info->client_addr;
    if (sa->sa_family == AF_INET) {
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  (socklen_t)cap);
    } else if (sa->sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  (socklen_t)cap);
    }
}

static void write_escaped(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p < 0x20 || *p >= 0x7F || *p == '"' || *p == '\\') {
            fprintf(out, "\\x%02x", *p);
        } else {
            fputc(*p, out);
        }
    }
}

void serve_log_write(FILE *out, const char *host, const struct serve_request *r)
{
    char when[64];
    struct tm tm;
    time_t now = time(NULL);
    if (localtime_r(&now, &tm) == NULL ||
        strftime(when, sizeof when, "%d/%b/%Y:%H:%M:%S %z", &tm) == 0) {
        snprintf(when, sizeof when, "01/Jan/1970:00:00:00 +0000");
    }
    fprintf(out, "%s - - [%s] \"", host, when);
    write_escaped(out, r->method != NULL ? r->method : "-");
    fputc(' ', out);
    write_escaped(out, r->raw_uri != NULL ? r->raw_uri : "-");
    fputc(' ', out);
    write_escaped(out, r->version != NULL ? r->version : "-");
    if (r->body_bytes > 0) {
        fprintf(out, "\" %u %llu\n", r->status, (unsigned long long)r->body_bytes);
    } else {
        fprintf(out, "\" %u -\n", r->status);
    }
    fflush(out);
}

void serve_log_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct serve_ctx *ctx = cls;
    struct serve_request *r = *req_cls;
    (void)toe;
    if (r == NULL) {
        return;
    }
    if (r->status != 0) {
        char host[INET6_ADDRSTRLEN];
        client_host(c, host, sizeof host);
        serve_log_write(ctx->log, host, r);
    }
    free(r->raw_uri);
    free(r);
    *req_cls = NULL;
}
