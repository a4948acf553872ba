/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Runs an application image as a child process, from memory: the payload of
 * the verified image is copied into an anonymous memfd and executed with
 * fexecve, so exactly the verified bytes run and nothing is written to disk.
 * The parent plays the hardware around the core: it sees the exit (power off,
 * reset request, crash) and models the watchdog.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "sim_device.h"
#include "ferry/errors.h"

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static enum sim_app_end end_of(int status)
{
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return SIM_APP_POWER_OFF;
    if (WIFEXITED(status) && WEXITSTATUS(status) == SIM_APP_EXIT_REBOOT)
        return SIM_APP_REBOOT;
    return SIM_APP_CRASH;
}

int sim_exec_payload(const uint8_t *payload, uint32_t len, const char *dir, const char *board,
                     unsigned watchdog_ms, enum sim_app_end *end)
{
    int fd = memfd_create("ferry-app", MFD_CLOEXEC);
    if (fd < 0)
        return FERRY_E_IO;
    for (uint32_t done = 0; done < len;) {
        ssize_t n = write(fd, payload + done, len - done);
        if (n <= 0) {
            close(fd);
            return FERRY_E_IO;
        }
        done += (uint32_t)n;
    }
    int wdt[2] = {-1, -1};
    if (pipe(wdt) != 0) {
        close(fd);
        return FERRY_E_IO;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        close(fd), close(wdt[0]), close(wdt[1]);
        return FERRY_E_IO;
    }
    if (pid == 0) {
        char fdtext[16];
        close(wdt[0]);
        snprintf(fdtext, sizeof fdtext, "%d", wdt[1]);
        setenv(SIM_ENV_DIR, dir, 1);
        setenv(SIM_ENV_BOARD, board, 1);
        setenv(SIM_ENV_WDT, fdtext, 1);
        char *argv[] = {(char *)"ferry-app", NULL};
        extern char **environ;
        fexecve(fd, argv, environ);
        fprintf(stderr, "[sim] cannot execute the application: %s\n", strerror(errno));
        _exit(127);
    }
    close(fd);
    close(wdt[1]);

    int status = 0;
    long deadline = watchdog_ms ? now_ms() + (long)watchdog_ms : 0;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            *end = end_of(status);
            break;
        }
        struct pollfd p = {wdt[0], POLLIN, 0};
        int wait = 20;
        if (poll(&p, 1, wait) > 0) {
            char b[64];
            if ((p.revents & POLLIN) && read(wdt[0], b, sizeof b) > 0) {
                if (watchdog_ms)
                    deadline = now_ms() + (long)watchdog_ms;
            } else {
                usleep(1000); /* the child closed its end: wait for its exit */
            }
        }
        if (watchdog_ms && now_ms() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            *end = SIM_APP_WATCHDOG;
            break;
        }
    }
    close(wdt[0]);
    return 0;
}
