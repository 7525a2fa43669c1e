/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for core/schedule.c: scripts/fuzz builds it with
 * clang -fsanitize=fuzzer,address,undefined and runs it for a bounded time.
 *
 * An input is a cron expression. When it parses, its next fire times are
 * worked out in one of a few zones (picked by a hash of the input) from an
 * `after` also drawn from the hash, and checked:
 *   - each fire time is strictly after the one before;
 *   - asking from one second before a fire time gives that fire time;
 *   - the wall-clock time of a fire time matches the expression, except for
 *     a fixed-time job run at the moment of a jump forward.
 * When it does not parse, the message must be non-empty printable ASCII.
 * Inputs starting "TZ=" are POSIX TZ rules and inputs starting "TZif" are
 * zone files: both parsers get the same treatment with fixed expressions.
 * Any broken invariant aborts, which libFuzzer reports as a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schedule.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tz *zones[5];
static const char *const zone_names[5] = { "Europe/London", "Australia/Sydney",
                                           "Australia/Lord_Howe", "America/Sao_Paulo", "UTC" };
/* Used when tzdata is missing: the same rules, as POSIX strings. */
static const char *const zone_rules[5] = { "GMT0BST,M3.5.0/1,M10.5.0",
                                           "AEST-10AEDT,M10.1.0,M4.1.0/3",
                                           "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", "<-03>3",
                                           "UTC0" };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    for (int i = 0; i < 5; i++) {
        if (tz_load(zone_names[i], &zones[i], NULL, 0) != 0 &&
            tz_from_posix(zone_rules[i], &zones[i], NULL, 0) != 0)
            abort();
    }
    return 0;
}

static void check_message(const char *err)
{
    if (err[0] == '\0')
        abort();
    for (const char *p = err; *p; p++) {
        if (*p < 0x20 || *p > 0x7e)
            abort();
    }
}

static uint64_t hash(const uint8_t *data, size_t size)
{
    uint64_t h = 1469598103934665603ULL;

    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 1099511628211ULL;
    return h;
}

/* Runs n fire times of c in tz from after and checks the invariants. */
static void walk(const struct cron *c, const struct tz *tz, time_t after, int n)
{
    char err[256];
    time_t t = after, next, again;

    for (int i = 0; i < n; i++) {
        if (cron_next_tz(c, tz, t, &next, err, sizeof err) != 0) {
            check_message(err);
            return; /* beyond the year 9999, or a damaged zone */
        }
        if (next <= t)
            abort();
        if (next - 1 > t && (cron_next_tz(c, tz, next - 1, &again, NULL, 0) != 0 || again != next))
            abort();
        struct tz_local l;
        if (tz_localtime(tz, next, &l, NULL, 0) != 0)
            abort();
        if (!cron_matches(c, l.year, l.month, l.day, l.hour, l.minute)) {
            /* Only a fixed-time job at a jump forward, when the offset changes. */
            struct tz_local before;
            if (!cron_is_fixed_time(c) || tz_localtime(tz, next - 1, &before, NULL, 0) != 0 ||
                before.offset >= l.offset)
                abort();
        }
        t = next;
    }
}

static void fuzz_zone(const struct tz *tz, uint64_t h)
{
    static const char *const exprs[] = { "30 1 * * *", "*/15 * * * *", "0 2 29 2 *", "@hourly" };
    struct cron c;
    time_t t;

    for (size_t i = 0; i < sizeof exprs / sizeof exprs[0]; i++) {
        if (cron_parse(exprs[i], &c, NULL, 0) != 0)
            abort();
        walk(&c, tz, (time_t)(h % 4102444800u) + (time_t)i * 86400 * 97, 6);
    }
    (void)tz_mktime(tz, 2026, 3, 29, 1, 30, 0, &t, NULL, 0);
    (void)tz_mktime(tz, 2026, 10, 25, 1, 30, 0, &t, NULL, 0);
    char buf[TZ_FORMAT_SIZE];
    (void)tz_format(tz, (time_t)(h % 4102444800u), buf, sizeof buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    char err[256];
    struct cron c;
    uint64_t h = hash(data, size);

    if (s == NULL)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    if (size >= 4 && memcmp(data, "TZif", 4) == 0) {
        struct tz *tz;
        if (tz_parse(data, size, "fuzz", &tz, err, sizeof err) == 0) {
            fuzz_zone(tz, h);
            tz_free(tz);
        } else {
            check_message(err);
        }
    } else if (size >= 3 && memcmp(data, "TZ=", 3) == 0) {
        struct tz *tz;
        if (tz_from_posix(s + 3, &tz, err, sizeof err) == 0) {
            fuzz_zone(tz, h);
            tz_free(tz);
        } else {
            check_message(err);
        }
    } else if (cron_parse(s, &c, err, sizeof err) == 0) {
        if (err[0] != '\0' || c.minutes == 0 || c.hours == 0 || c.days == 0 || c.months == 0 ||
            c.weekdays == 0 || (c.minutes >> 60) || (c.hours >> 24) || (c.days & 1) ||
            (c.months & 1) || (c.months >> 13) || (c.weekdays >> 7))
            abort();
        /* From 1970 to 2100, in one of the zones. */
        time_t after = (time_t)(h % 4102444800u);
        walk(&c, zones[(h >> 40) % 5], after, 4);
    } else {
        check_message(err);
        if (err[0] == '\0')
            abort();
    }
    free(s);
    return 0;
}
