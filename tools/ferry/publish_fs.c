/* SPDX-License-Identifier: Apache-2.0 */
/*
 * File operations for changing a repository that may be served while it
 * changes: every file appears complete or not at all (temporary file, fsync,
 * rename, fsync of the directory), and publishers take turns (flock).
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* flock */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ferry/errors.h"
#include "publish.h"

int repo_join(char *out, size_t cap, const char *a, const char *b)
{
    int n = snprintf(out, cap, "%s/%s", a, b);
    if (n < 0 || (size_t)n >= cap) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}

int repo_mkdir(const char *path)
{
    if (mkdir(path, 0777) == 0) {
        return FERRY_OK;
    }
    struct stat st;
    int saved = errno;
    if (saved == EEXIST && stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            return FERRY_OK;
        }
        saved = ENOTDIR;
    }
    errno = saved;
    return FERRY_E_IO;
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* fsync of the directory holding `path`, so a rename in it is durable. */
static int sync_parent(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        strcpy(dir, ".");
    } else if ((size_t)(slash - path) >= sizeof dir) {
        errno = ENAMETOOLONG;
        return -1;
    } else {
        memcpy(dir, path, (size_t)(slash - path));
        dir[slash - path] = '\0';
        if (dir[0] == '\0') {
            strcpy(dir, "/");
        }
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    int rc = fsync(fd);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

int repo_write_atomic(const char *path, const void *data, size_t len)
{
    /* The temporary name starts with a dot: `ferry serve` never serves such
     * a name, and it cannot collide with a repository file. */
    char tmp[4096];
    const char *slash = strrchr(path, '/');
    int dir_len = slash == NULL ? 0 : (int)(slash - path + 1);
    const char *base = path + dir_len;
    int n = snprintf(tmp, sizeof tmp, "%.*s.%s.tmp-%ld", dir_len, path, base, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof tmp) {
        errno = ENAMETOOLONG;
        return FERRY_E_IO;
    }
    unlink(tmp); /* left over by a publisher that died with our pid */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
        return FERRY_E_IO;
    }
    int ok = write_all(fd, data, len) == 0 && fsync(fd) == 0;
    int saved = errno;
    if (close(fd) != 0 && ok) {
        ok = 0;
        saved = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = 0;
        saved = errno;
    }
    if (!ok) {
        unlink(tmp);
        errno = saved;
        return FERRY_E_IO;
    }
    return sync_parent(path) == 0 ? FERRY_OK : FERRY_E_IO;
}

int repo_read_optional(const char *path, size_t max, uint8_t **data, size_t *len)
{
    struct stat st;
    *data = NULL;
    *len = 0;
    if (stat(path, &st) != 0) {
        return errno == ENOENT ? 0 : FERRY_E_IO;
    }
    if (!S_ISREG(st.st_mode)) {
        errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        return FERRY_E_IO;
    }
    if ((unsigned long long)st.st_size > max) {
        errno = EFBIG;
        return FERRY_E_NOSPC;
    }
    int rc = ferry_host_read_file(path, data, len);
    if (rc != 0) {
        return errno == ENOENT ? 0 : rc;
    }
    if (*len > max) {
        free(*data);
        *data = NULL;
        errno = EFBIG;
        return FERRY_E_NOSPC;
    }
    return 1;
}

int repo_lock(const char *repo)
{
    char path[4096];
    if (repo_join(path, sizeof path, repo, ".ferry-publish.lock") != 0) {
        return FERRY_E_IO;
    }
    /* Deliberately never closed: the lock lasts until the process exits. */
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) {
        return FERRY_E_IO;
    }
    while (flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            int saved = errno;
            close(fd);
            errno = saved;
            return FERRY_E_IO;
        }
    }
    return FERRY_OK;
}
