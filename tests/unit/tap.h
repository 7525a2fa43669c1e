/* SPDX-License-Identifier: MIT */
/*
 * A tiny TAP producer for the C unit tests. Each check prints one
 * "ok N - description" or "not ok N - description" line; tap_done() prints
 * the plan and returns the process exit status. scripts/test counts these
 * lines across every test program to print "N passed, N failed".
 */
#ifndef CONCORD_TAP_H
#define CONCORD_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_count;
static int tap_failed;

static inline int tap_check(int cond, const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    tap_count++;
    if (!cond)
        tap_failed++;
    printf("%s %d - ", cond ? "ok" : "not ok", tap_count);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    if (!cond)
        printf("#   failed at %s:%d\n", file, line);
    fflush(stdout);
    return cond;
}

/** ok(condition, "description %s", args...) */
#define ok(cond, ...) tap_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

/** is_str(got, expected, "description"): NULL-safe string equality with a diagnostic. */
#define is_str(got, exp, ...)                                                       \
    do {                                                                            \
        const char *tap_g_ = (got), *tap_e_ = (exp);                                \
        int tap_c_ = (tap_g_ && tap_e_) ? strcmp(tap_g_, tap_e_) == 0               \
                                        : tap_g_ == tap_e_;                         \
        if (!tap_check(tap_c_, __FILE__, __LINE__, __VA_ARGS__))                    \
            printf("#   got:      '%s'\n#   expected: '%s'\n",                      \
                   tap_g_ ? tap_g_ : "(null)", tap_e_ ? tap_e_ : "(null)");         \
    } while (0)

/** is_int(got, expected, "description") */
#define is_int(got, exp, ...)                                                       \
    do {                                                                            \
        long long tap_g_ = (long long)(got), tap_e_ = (long long)(exp);             \
        if (!tap_check(tap_g_ == tap_e_, __FILE__, __LINE__, __VA_ARGS__))          \
            printf("#   got:      %lld\n#   expected: %lld\n", tap_g_, tap_e_);     \
    } while (0)

static inline int tap_done(void)
{
    printf("1..%d\n", tap_count);
    return tap_failed ? 1 : 0;
}

#endif
