/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared pieces of the `ferry` commands (see cli.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "ferry/errors.h"
#include "host_priv.h"

void cli_init(struct cli_parser *p, const char *cmd, int argc, char **argv,
              const struct cli_opt *opts)
{
    p->argc = argc;
    p->argv = argv;
    p->i = 1;
    p->only_args = 0;
    p->cmd = cmd;
    p->opts = opts;
}

static const struct cli_opt HELP_LONG = { "help", 'h', 0, CLI_OPT_HELP };

static const struct cli_opt *find_long(const struct cli_parser *p, const char *name, size_t len)
{
    for (const struct cli_opt *o = p->opts; o->name != NULL; o++) {
        if (strlen(o->name) == len && strncmp(o->name, name, len) == 0) {
            return o;
        }
    }
    if (len == 4 && strncmp(name, "help", 4) == 0) {
        return &HELP_LONG;
    }
    return NULL;
}

static const struct cli_opt *find_short(const struct cli_parser *p, char c)
{
    for (const struct cli_opt *o = p->opts; o->name != NULL; o++) {
        if (o->short_name != 0 && o->short_name == c) {
            return o;
        }
    }
    return c == 'h' ? &HELP_LONG : NULL;
}

int cli_next(struct cli_parser *p, const char **value)
{
    *value = NULL;
    if (p->i >= p->argc) {
        return CLI_DONE;
    }
    const char *a = p->argv[p->i++];
    if (p->only_args || a[0] != '-' || a[1] == '\0') {
        *value = a;
        return CLI_ARG;
    }
    if (strcmp(a, "--") == 0) {
        p->only_args = 1;
        return cli_next(p, value);
    }
    const struct cli_opt *o;
    const char *inline_value = NULL;
    if (a[1] == '-') {
        const char *name = a + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq != NULL ? (size_t)(eq - name) : strlen(name);
        o = find_long(p, name, len);
        if (o == NULL) {
            cli_usage(p->cmd, "unknown option '--%.*s'", (int)len, name);
            return CLI_BAD;
        }
        if (eq != NULL) {
            if (!o->has_arg) {
                cli_usage(p->cmd, "option '--%s' takes no value", o->name);
                return CLI_BAD;
            }
            inline_value = eq + 1;
        }
    } else {
        o = find_short(p, a[1]);
        if (o == NULL || (!o->has_arg && a[2] != '\0')) {
            cli_usage(p->cmd, "unknown option '%s'", a);
            return CLI_BAD;
        }
        if (a[2] != '\0') {
            inline_value = a + 2;
        }
    }
    if (o->has_arg) {
        if (inline_value == NULL) {
            if (p->i >= p->argc) {
                cli_usage(p->cmd, "option '--%s' needs a value", o->name);
                return CLI_BAD;
            }
            inline_value = p->argv[p->i++];
        }
        *value = inline_value;
    }
    return o->id;
}

int cli_fail(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return CLI_EXIT_FAIL;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (strcmp(cmd, "ferry") == 0) {
        fprintf(stderr, " (see 'ferry --help')\n");
    } else {
        fprintf(stderr, " (see 'ferry %s --help')\n", cmd);
    }
    return CLI_EXIT_USAGE;
}

static int digit_value(char c, int hex)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (hex && c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (hex && c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Digits at *s (decimal, or hex after 0x) into *out; advances *s past them.
 * -1 on no digits or a value above `max`. */
static int take_number(const char **s, uint64_t max, uint64_t *out)
{
    const char *p = *s;
    int hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
    if (hex) {
        p += 2;
    }
    uint64_t v = 0;
    int digits = 0, d;
    while ((d = digit_value(*p, hex)) >= 0) {
        v = v * (hex ? 16u : 10u) + (uint64_t)d;
        if (v > max) {
            return -1;
        }
        digits++;
        p++;
    }
    if (digits == 0) {
        return -1;
    }
    *out = v;
    *s = p;
    return 0;
}

int cli_parse_u32(const char *s, uint32_t max, uint32_t *out)
{
    uint64_t v;
    if (take_number(&s, max, &v) != 0 || *s != '\0') {
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

int cli_parse_size(const char *s, uint32_t *out)
{
    uint64_t v;
    if (take_number(&s, UINT32_MAX, &v) != 0) {
        return -1;
    }
    uint64_t unit = 1;
    if (strcmp(s, "K") == 0 || strcmp(s, "k") == 0 || strcmp(s, "KiB") == 0) {
        unit = 1024;
    } else if (strcmp(s, "M") == 0 || strcmp(s, "MiB") == 0) {
        unit = 1024 * 1024;
    } else if (*s != '\0') {
        return -1;
    }
    if (v * unit > UINT32_MAX) {
        return -1;
    }
    *out = (uint32_t)(v * unit);
    return 0;
}

/* One decimal part of a version at *s: no sign, no leading zeros, <= max. */
static int version_part(const char **s, uint64_t max, const char *what, uint64_t *out,
                        char *err, size_t errlen)
{
    const char *p = *s;
    uint64_t v = 0;
    size_t digits = 0;
    while (*p >= '0' && *p <= '9') {
        if (digits < 11) {
            v = v * 10u + (uint64_t)(*p - '0');
        }
        digits++;
        p++;
    }
    if (digits == 0) {
        return host_fail(-1, err, errlen, "%s is missing (expected MAJOR.MINOR.PATCH[+BUILD])",
                         what);
    }
    if (digits > 1 && **s == '0') {
        return host_fail(-1, err, errlen, "%s has a leading zero", what);
    }
    if (digits > 10 || v > max) {
        return host_fail(-1, err, errlen, "%s %.*s is out of range (0 to %llu)", what,
                         (int)digits, *s, (unsigned long long)max);
    }
    *out = v;
    *s = p;
    return 0;
}

int cli_parse_version(const char *s, struct ferry_version *v, char *err, size_t errlen)
{
    uint64_t major, minor, patch, build = 0;
    const char *p = s;
    if (version_part(&p, 255, "major", &major, err, errlen) != 0) {
        return -1;
    }
    if (*p++ != '.') {
        return host_fail(-1, err, errlen, "expected MAJOR.MINOR.PATCH[+BUILD], e.g. 1.2.3+4");
    }
    if (version_part(&p, 255, "minor", &minor, err, errlen) != 0) {
        return -1;
    }
    if (*p++ != '.') {
        return host_fail(-1, err, errlen, "expected MAJOR.MINOR.PATCH[+BUILD], e.g. 1.2.3+4");
    }
    if (version_part(&p, 65535, "patch", &patch, err, errlen) != 0) {
        return -1;
    }
    if (*p == '+') {
        p++;
        if (version_part(&p, UINT32_MAX, "build", &build, err, errlen) != 0) {
            return -1;
        }
    }
    if (*p != '\0') {
        return host_fail(-1, err, errlen, "unexpected text \"%s\" after the version", p);
    }
    v->major = (uint8_t)major;
    v->minor = (uint8_t)minor;
    v->patch = (uint16_t)patch;
    v->build = (uint32_t)build;
    return 0;
}

void cli_format_version(const struct ferry_version *v, char *out, size_t outlen)
{
    if (v->build != 0) {
        snprintf(out, outlen, "%u.%u.%u+%lu", v->major, v->minor, v->patch,
                 (unsigned long)v->build);
    } else {
        snprintf(out, outlen, "%u.%u.%u", v->major, v->minor, v->patch);
    }
}

int cli_resolve_ids(const char *cmd, const char *vendor_arg, const char *class_arg,
                    uint8_t vendor_out[16], uint8_t class_out[16])
{
    const char *vendor = vendor_arg != NULL ? vendor_arg : CLI_DEFAULT_VENDOR;
    if (ferry_uuid_from_arg(vendor, NULL, vendor_out) != 0) {
        return cli_usage(cmd, "--vendor '%s' is neither a name nor a UUID "
                         "(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", vendor);
    }
    if (class_arg != NULL && ferry_uuid_from_arg(class_arg, vendor_out, class_out) != 0) {
        return cli_usage(cmd, "--device-class '%s' is neither a name nor a UUID "
                         "(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", class_arg);
    }
    return 0;
}

int cli_parse_vector_align(const char *cmd, const char *arg, uint32_t *out)
{
    uint32_t v;
    if (cli_parse_size(arg, &v) != 0 || v < CLI_VECTOR_ALIGN_MIN || (v & (v - 1)) != 0) {
        return cli_usage(cmd, "--vector-align '%s': the vector table alignment is a power of "
                         "two, at least %u bytes", arg, CLI_VECTOR_ALIGN_MIN);
    }
    *out = v;
    return 0;
}

int cli_check_distinct(const char *cmd, const char *in, const char *out)
{
    struct stat a, b;
    if (strcmp(in, out) == 0 ||
        (stat(in, &a) == 0 && stat(out, &b) == 0 && a.st_dev == b.st_dev &&
         a.st_ino == b.st_ino)) {
        return cli_fail(cmd, "%s: the output is the input file: writing it would destroy the "
                        "input; give another output name", out);
    }
    return 0;
}

void cli_print_hex(FILE *out, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        fprintf(out, "%02x", p[i]);
    }
}

void cli_print_safe(FILE *out, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        size_t n = host_utf8_sequence(u + i, len - i);
        if (n == 0 || u[i] < 0x20 || u[i] == 0x7F || u[i] == '\\') {
            if (u[i] == '\\') {
                fputs("\\\\", out);
            } else {
                fprintf(out, "\\x%02x", u[i]);
            }
            i++;
            continue;
        }
        fwrite(u + i, 1, n, out);
        i += n;
    }
}

void cli_print_json_string(FILE *out, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len = strlen(s);
    fputc('"', out);
    for (size_t i = 0; i < len;) {
        unsigned char c = u[i];
        if (c == '"' || c == '\\') {
            fputc('\\', out);
            fputc(c, out);
            i++;
        } else if (c == '\n') {
            fputs("\\n", out);
            i++;
        } else if (c == '\t') {
            fputs("\\t", out);
            i++;
        } else if (c < 0x20 || c == 0x7F) {
            fprintf(out, "\\u%04x", c);
            i++;
        } else {
            size_t n = host_utf8_sequence(u + i, len - i);
            if (n == 0) {
                fputs("\\ufffd", out);
                i++;
            } else {
                fwrite(u + i, 1, n, out);
                i += n;
            }
        }
    }
    fputc('"', out);
}
