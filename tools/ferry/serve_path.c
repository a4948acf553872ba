/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Which URL paths `ferry serve` maps to files. The decision is made on the
 * decoded path, segment by segment, before the file system is touched; the
 * file system check (no symlink leading out of the root) follows in
 * serve_request.c.
 */
#include <string.h>

#include "serve.h"

enum serve_path_result serve_path_check(const char *url, char *rel, size_t cap)
{
    if (url == NULL || url[0] != '/') {
        return SERVE_PATH_BAD;
    }
    const char *p = url + 1;
    size_t len = strlen(p);
    if (len >= cap) {
        return SERVE_PATH_BAD;
    }
    enum serve_path_result result = SERVE_PATH_OK;
    const char *seg = p;
    for (size_t i = 0; i <= len; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '/' || c == '\0') {
            size_t n = (size_t)(p + i - seg);
            int last = c == '\0';
            if (n == 0 && !(last && (i == 0 || p[i - 1] == '/'))) {
                return SERVE_PATH_BAD; /* "//": an empty segment */
            }
            if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.')) {
                return SERVE_PATH_BAD;
            }
            if (n > 0 && seg[0] == '.') {
                result = SERVE_PATH_HIDDEN; /* keep checking: a later ".." is still BAD */
            }
            seg = p + i + 1;
            continue;
        }
        if (c < 0x20 || c == 0x7F || c == '\\') {
            return SERVE_PATH_BAD;
        }
    }
    memcpy(rel, p, len + 1);
    return result;
}
