/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small HTTP server for the client's tests, on 127.0.0.1 with a port the
 * kernel picks, in a thread of the test process. It serves one connection
 * at a time and misbehaves on purpose, chosen by the request path. N is a
 * body size; body byte i is http_testserver_byte(i) everywhere.
 *
 *   /file/N            200 with Content-Length; honours "Range: bytes=S-"
 *                      (206 + Content-Range, or 416 when S >= N)
 *   /chunked/N         200 chunked (chunk sizes 1, 13, 200, 4000 in turn,
 *                      some with extensions, and a trailer)
 *   /status/CODE       that status, small body
 *   /truncated/N       Content-Length N, sends N/2 bytes, closes
 *   /long/N            Content-Length N, sends N + 16 bytes
 *   /reset/N           Content-Length N, sends N/2 bytes, resets (RST)
 *   /norange/N         200 with the whole body whatever the Range
 *   /badrange/N        206 whose Content-Range starts one byte late
 *   /redirect/K/REST   302 to /redirect/K-1/REST, or to /REST when K is 1
 *   /relredirect/REST  302 to "../../REST" (relative, with dot segments)
 *   /absredirect/REST  302 to http://127.0.0.1:PORT/REST
 *   /loop              301 to /loop, forever
 *   /noloc             302 without Location
 *   /stall             reads the request, never answers
 *   /stallbody/N       headers and N/2 bytes, then nothing more
 *   /garbage           a status line that is not HTTP
 *   /hugeheaders       200 after 12 KB of headers
 *   /noframe/N         200 with neither Content-Length nor chunked
 *   /badchunk          chunked with a chunk size that is not hex
 *   /chunktrunc/N      chunked, closes inside a chunk
 *   /http10/N          HTTP/1.0 200 with Content-Length
 *   /empty             closes without a byte
 *   /gzip/N            200 with Content-Encoding: gzip
 *   /clte/N            both Content-Length and Transfer-Encoding: chunked
 *   /dupcl/N           two different Content-Length headers
 *   /trickle/N         /file/N written one byte per send
 *   anything else      404
 */
#ifndef FERRY_TEST_HTTP_TESTSERVER_H
#define FERRY_TEST_HTTP_TESTSERVER_H

#include <stddef.h>
#include <stdint.h>

struct http_testserver;

/* Starts serving; NULL if no socket or thread could be made. */
struct http_testserver *http_testserver_start(void);

/* Stops the thread, closes everything, frees. */
void http_testserver_stop(struct http_testserver *s);

uint16_t http_testserver_port(const struct http_testserver *s);

/* Requests read so far (each connection that sent a request head). */
unsigned http_testserver_requests(struct http_testserver *s);

/* Copies the head of the last request (NUL-terminated, truncated to cap). */
void http_testserver_last_request(struct http_testserver *s, char *out, size_t cap);

/* Byte i of every body the server sends. */
uint8_t http_testserver_byte(uint64_t i);

#endif
