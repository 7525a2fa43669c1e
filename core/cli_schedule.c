/* SPDX-License-Identifier: MIT */
/* concord schedule next: when the configured schedules (or one expression) fire next. */
#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "config.h"
#include "schedule.h"

const char usage_schedule[] =
    "Usage: concord schedule next [N] [--at TIME] [--tz ZONE]\n"
    "       concord schedule next --cron EXPR [N] [--at TIME] [--tz ZONE]\n"
    "\n"
    "Prints the next N times (default 5, at most 1000) each schedule of the\n"
    "configuration fires, in its time_zone with the offset, so an expression can be\n"
    "checked before it is trusted (see docs/schedules.md). Times moved by a clock\n"
    "change are marked.\n"
    "\n"
    "  --at TIME    count from TIME instead of now: 2026-03-29T01:30 or\n"
    "               \"2026-03-29 01:30\" (wall-clock time in the zone), 2026-03-29\n"
    "               (midnight), 2026-03-29T01:30Z or ...+01:00 (an instant), @SECONDS\n"
    "               (since 1970, UTC)\n"
    "  --cron EXPR  one expression instead of the configuration's schedules\n"
    "  --tz ZONE    an IANA time zone (Europe/London, UTC) instead of time_zone\n"
    "\n"
    "Exits 65 when an expression or the time zone is invalid (each with its file and\n"
    "line), or when the configuration has other problems ('concord config check').\n";

#define MAX_N 1000

/* The file's own value at path as a string (even one the configuration check refused), or NULL. */
static char *raw_string(const struct config *cfg, lua_State *L, const char *path)
{
    char *s = NULL;

    config_push(cfg, path, L);
    if (lua_type(L, -1) == LUA_TSTRING)
        s = xstrdup(lua_tostring(L, -1));
    lua_pop(L, 1);
    return s;
}

static bool digits(const char **p, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if ((*p)[i] < '0' || (*p)[i] > '9')
            return false;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return true;
}

/* --at: see the usage text. */
static int parse_at(const char *s, const struct tz *tz, time_t *out)
{
    const char *p = s;
    int y, mo, d, h = 0, mi = 0, sec = 0, oh, om;
    char err[256];

    if (*p == '@') {
        char *end;
        long long v = strtoll(p + 1, &end, 10);
        if (p[1] == '\0' || *end != '\0')
            goto bad;
        *out = (time_t)v;
        return CC_OK;
    }
    if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
        !digits(&p, 2, &d))
        goto bad;
    if (*p == 'T' || *p == ' ') {
        p++;
        if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
            goto bad;
        if (*p == ':' && (p++, !digits(&p, 2, &sec)))
            goto bad;
    }
    if (*p == '\0') {
        if (tz_mktime(tz, y, mo, d, h, mi, sec, out, err, sizeof err)) {
            fprintf(stderr, "concord schedule: --at %s: %s\n", s, err);
            return CC_EUSAGE;
        }
        return CC_OK;
    }
    /* An instant: UTC, or an offset. Check the wall-clock part through UTC. */
    struct tz *utc;
    int sign = 0;
    oh = om = 0;
    if (*p == 'Z' && p[1] == '\0') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p++ == '-' ? -1 : 1;
        if (!digits(&p, 2, &oh))
            goto bad;
        if (*p == ':')
            p++;
        if (!digits(&p, 2, &om) || *p != '\0' || oh > 23 || om > 59)
            goto bad;
    } else {
        goto bad;
    }
    if (tz_load("UTC", &utc, err, sizeof err))
        goto bad;
    int rc = tz_mktime(utc, y, mo, d, h, mi, sec, out, err, sizeof err);
    tz_free(utc);
    if (rc) {
        fprintf(stderr, "concord schedule: --at %s: %s\n", s, err);
        return CC_EUSAGE;
    }
    *out -= (time_t)sign * (oh * 3600 + om * 60);
    return CC_OK;
bad:
    return cli_usage_error("schedule",
                           "--at '%s': expected a time such as 2026-03-29T01:30, "
                           "2026-03-29T01:30Z, 2026-03-29T01:30+01:00, 2026-03-29 or @SECONDS",
                           s);
}

/*
 * Why fire time t of c is not at a plain matching wall-clock minute: "" when
 * it is, else a note on the clock change.
 */
static void clock_note(const struct cron *c, const struct tz *tz, time_t t, char *note, size_t n)
{
    struct tz_local l, b;
    time_t first;

    note[0] = '\0';
    if (tz_localtime(tz, t, &l, NULL, 0) || tz_localtime(tz, t - 1, &b, NULL, 0))
        return;
    if (!cron_matches(c, l.year, l.month, l.day, l.hour, l.minute)) {
        /* Run at a jump forward: find the skipped minute it was for. */
        struct tm tm = { .tm_year = b.year - 1900, .tm_mon = b.month - 1, .tm_mday = b.day,
                         .tm_hour = b.hour, .tm_min = b.minute + 1 };
        time_t m = timegm(&tm);
        for (int i = 0; i < 1500; i++, m += 60) {
            struct tm x;
            gmtime_r(&m, &x);
            if (cron_matches(c, x.tm_year + 1900, x.tm_mon + 1, x.tm_mday, x.tm_hour, x.tm_min)) {
                snprintf(note, n, "  (%02d:%02d does not exist that day: the clocks go forward, "
                                  "so it runs at the change)", x.tm_hour, x.tm_min);
                return;
            }
        }
        snprintf(note, n, "  (its time is skipped by a clock change: it runs at the change)");
    } else if (tz_mktime(tz, l.year, l.month, l.day, l.hour, l.minute, 0, &first, NULL, 0) ==
                   CC_OK && first < t) {
        snprintf(note, n, "  (%02d:%02d again: the clocks went back)", l.hour, l.minute);
    }
}

/* Prints the next n fire times of c after `after`, with notes on clock changes. */
static void print_times(const struct cron *c, const struct tz *tz, time_t after, long long n)
{
    char buf[TZ_FORMAT_SIZE], err[256], note[160];
    time_t t = after;

    for (long long i = 0; i < n; i++) {
        if (cron_next_tz(c, tz, t, &t, err, sizeof err)) {
            printf("  (%s)\n", err);
            return;
        }
        tz_format(tz, t, buf, sizeof buf);
        clock_note(c, tz, t, note, sizeof note);
        printf("  %s%s\n", buf, note);
    }
}

static int next_configured(const struct config *cfg, lua_State *L, const struct tz *tz,
                           time_t after, long long n)
{
    const char *file = config_path(cfg);
    size_t count = config_count(cfg, "schedules");
    int status = CC_OK;
    char path[64], err[256];

    for (size_t i = 1; i <= count; i++) {
        struct cron c;
        snprintf(path, sizeof path, "schedules.%zu.name", i);
        char *name = raw_string(cfg, L, path);
        snprintf(path, sizeof path, "schedules.%zu.cron", i);
        char *expr = raw_string(cfg, L, path);
        int line = config_line(cfg, path);

        if (i > 1)
            printf("\n");
        if (name)
            printf("%s: ", name);
        else
            printf("schedules[%zu]: ", i);
        printf("%s (%s:%d)\n", expr ? expr : "(no cron expression)", file, line);
        if (expr == NULL) {
            fprintf(stderr, "concord schedule: %s:%d: schedules[%zu].cron: missing (required)\n",
                    file, line, i);
            printf("  error: no cron expression\n");
            status = CC_EDATA;
        } else if (cron_parse(expr, &c, err, sizeof err)) {
            fprintf(stderr, "concord schedule: %s:%d: schedules[%zu].cron: %s\n", file, line, i,
                    err);
            printf("  error: %s\n", err);
            status = CC_EDATA;
        } else {
            print_times(&c, tz, after, n);
        }
        free(name);
        free(expr);
    }
    return status;
}

int cmd_schedule(struct globals *g, int argc, char **argv)
{
    struct opts o = { argc, 1, argv, "schedule" };
    const char *action = NULL, *at = NULL, *expr = NULL, *zone = NULL, *count = NULL, *v;
    struct config *cfg = NULL;
    struct cc_error cerr = { 0 };
    struct tz *tz = NULL;
    lua_State *L = NULL;
    long long n = 5;
    char *zone_owned = NULL, err[512];
    time_t after;
    int status = CC_OK;

    for (; o.i < argc; o.i++) {
        const char *a = argv[o.i];
        if (cli_opt(&o, "--at", &v, &status) || cli_opt(&o, "--cron", &v, &status) ||
            cli_opt(&o, "--tz", &v, &status)) {
            if (v == NULL)
                return status;
            if (strncmp(a, "--at", 4) == 0)
                at = v;
            else if (strncmp(a, "--cron", 6) == 0)
                expr = v;
            else
                zone = v;
            continue;
        }
        if (a[0] == '-' && a[1] != '\0')
            return cli_usage_error("schedule", "unknown option '%s'", a);
        if (action == NULL)
            action = a;
        else if (count == NULL)
            count = a;
        else
            return cli_usage_error("schedule", "unexpected argument '%s'", a);
    }
    if (action == NULL)
        return cli_usage_error("schedule", "%s", "needs an action: next");
    if (strcmp(action, "next") != 0)
        return cli_usage_error("schedule", "unknown action '%s' (next)", action);
    if (count && (status = cli_parse_int("schedule", "N", count, 1, MAX_N, &n)))
        return status;

    /*
     * The configuration is read as it is, not refused for its problems: this
     * command exists to show what is wrong with schedules. Other problems are
     * reported at the end.
     */
    const char *file = config_locate(g->config_given);
    if (file || expr == NULL) {
        if (config_load(&cfg, file, &cerr)) {
            if (expr == NULL)
                return cli_report(&cerr);
            cfg = NULL; /* --cron does not need it, but say which zone is used */
            if (zone == NULL)
                fprintf(stderr, "concord schedule: %s: using the system time zone\n", cerr.msg);
        }
    }
    L = luaL_newstate();
    if (L == NULL) {
        config_free(cfg);
        fputs("concord schedule: out of memory\n", stderr);
        return CC_ESOFTWARE;
    }
    if (zone == NULL && cfg && config_is_set(cfg, "time_zone")) {
        zone_owned = raw_string(cfg, L, "time_zone");
        zone = zone_owned;
    }
    if (tz_load(zone, &tz, err, sizeof err)) {
        if (zone_owned)
            fprintf(stderr, "concord schedule: %s:%d: time_zone: %s\n", config_path(cfg),
                    config_line(cfg, "time_zone"), err);
        else
            fprintf(stderr, "concord schedule: %s%s\n", zone ? "--tz: " : "", err);
        status = zone_owned ? CC_EDATA : CC_EUSAGE;
        goto done;
    }
    if (at) {
        if ((status = parse_at(at, tz, &after)))
            goto done;
    } else {
        after = time(NULL);
    }
    char from[TZ_FORMAT_SIZE];
    if (tz_format(tz, after, from, sizeof from)) {
        fprintf(stderr, "concord schedule: --at %s: outside the years 1 to 9999\n", at ? at : "now");
        status = CC_EUSAGE;
        goto done;
    }
    if (expr) {
        struct cron c;
        if (cron_parse(expr, &c, err, sizeof err)) {
            fprintf(stderr, "concord schedule: --cron '%s': %s\n", expr, err);
            status = CC_EDATA;
            goto done;
        }
        printf("Time zone %s; after %s.\n\n%s\n", tz_name(tz), from, expr);
        print_times(&c, tz, after, n);
        goto done;
    }
    if (config_count(cfg, "schedules") == 0) {
        const char *cpath = config_path(cfg);
        printf("No schedules in %s: add some (schedules = { { name = \"nightly\", cron = "
               "\"30 1 * * *\" } }, see docs/schedules.md), or check one expression with "
               "'concord schedule next --cron EXPR'.\n", cpath ? cpath : "the configuration");
        goto done;
    }
    printf("Time zone %s; after %s.\n\n", tz_name(tz), from);
    status = next_configured(cfg, L, tz, after, n);
    struct sbuf problems;
    sbuf_init(&problems);
    if (config_check(cfg, &problems) > 0) {
        fprintf(stderr, "concord schedule: %s has problems, and the daemon refuses it until "
                        "they are fixed: see 'concord config check'\n", config_path(cfg));
        status = CC_EDATA;
    }
    sbuf_free(&problems);
done:
    tz_free(tz);
    free(zone_owned);
    if (L)
        lua_close(L);
    config_free(cfg);
    return status;
}
