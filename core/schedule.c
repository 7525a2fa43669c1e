/* SPDX-License-Identifier: MIT */
/*
 * Cron expressions, TZif time zones and next fire times (see schedule.h).
 *
 * Layout: civil-date arithmetic; the cron parser; the time zone reader (TZif
 * files and POSIX TZ strings); then cron_next, which walks the zone's periods
 * of constant UTC offset forward from `after` and searches each one's
 * wall-clock range for the first matching minute.
 */
#include "schedule.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define T_MIN INT64_MIN
#define T_MAX INT64_MAX
#define DAY 86400

/* The largest UTC offset TZif allows (RFC 8536 suggests -89999..93599), in seconds. */
#define OFFSET_LIMIT 93599
/* TZif files are a few KB; anything bigger than this is not one. */
#define TZIF_MAX_BYTES (1 << 20)
#define TZIF_MAX_TRANSITIONS 100000
/* Transition times beyond +-2^60 s are "the big bang" sentinels or garbage. */
#define TZIF_TIME_LIMIT ((int64_t)1 << 60)

static int fail(char *err, size_t n, int status, const char *fmt, ...) CC_PRINTF(4, 5);

static int fail(char *err, size_t n, int status, const char *fmt, ...)
{
    va_list ap;

    if (err && n > 0) {
        va_start(ap, fmt);
        vsnprintf(err, n, fmt, ap);
        va_end(ap);
    }
    return status;
}

static void ok_err(char *err, size_t n)
{
    if (err && n > 0)
        err[0] = '\0';
}

/* ---------------------------------------------------------------- civil dates */

/* Days since 1970-01-01 of y-m-d in the proleptic Gregorian calendar (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t dd = doy - (153 * mp + 2) / 5 + 1;
    int64_t mm = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + era * 400 + (mm <= 2));
    *m = (int)mm;
    *d = (int)dd;
}

/* 0 = Sunday. 1970-01-01 was a Thursday. */
static int weekday_of(int64_t days)
{
    int64_t w = (days + 4) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

static bool is_leap(int64_t y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int days_in_month(int64_t y, int m)
{
    static const int n[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && is_leap(y) ? 29 : n[m - 1];
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* The supported range: after and every fire time lie in years 1..9999. */
static int64_t time_lo(void)
{
    return (days_from_civil(1, 1, 1) + 2) * DAY;
}

static int64_t time_hi(void)
{
    return (days_from_civil(10000, 1, 1) - 2) * DAY;
}

static int64_t local_max(void)
{
    return days_from_civil(10000, 1, 1) * DAY;
}

/* ---------------------------------------------------------------- cron: parsing */

static const char *const field_names[5] = { "minute", "hour", "day-of-month", "month",
                                            "day-of-week" };
static const int field_lo[5] = { 0, 0, 1, 1, 0 };
static const int field_hi[5] = { 59, 23, 31, 12, 7 };
static const char *const month_names[12] = { "JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                             "JUL", "AUG", "SEP", "OCT", "NOV", "DEC" };
static const char *const day_names[7] = { "SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT" };

struct field_parser {
    int f;             /* 0..4 */
    const char *text;  /* the field's text (not NUL-terminated) */
    size_t len;
    char *err;
    size_t errlen;
};

static int field_fail(struct field_parser *fp, const char *fmt, ...) CC_PRINTF(2, 3);

static int field_fail(struct field_parser *fp, const char *fmt, ...)
{
    char why[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return fail(fp->err, fp->errlen, CC_EDATA, "field %d (%s): %s", fp->f + 1,
                field_names[fp->f], why);
}

/* Copies s[0..n) for a message: what fits in size with "...", anything unprintable as '?'. */
static void quote(char *out, size_t size, const char *s, size_t n)
{
    size_t k = 0, max = size - 4;

    for (size_t i = 0; i < n && k < max; i++)
        out[k++] = isprint((unsigned char)s[i]) ? s[i] : '?';
    if (n > max)
        memcpy(out + k, "...", 3), k += 3;
    out[k] = '\0';
}

static void describe_char(char *out, size_t size, char c)
{
    if (isprint((unsigned char)c))
        snprintf(out, size, "'%c'", c);
    else
        snprintf(out, size, "byte 0x%02x", (unsigned)(unsigned char)c);
}

/*
 * One value at *p (a number, or a name in the month and day-of-week fields):
 * advances *p past it. is_sun says it was the name SUN (which ends a
 * day-of-week range as 7).
 */
static int parse_value(struct field_parser *fp, const char **p, const char *end, int *out,
                       bool *is_sun)
{
    const char *s = *p, *e = s;
    char q[32];

    while (e < end && isalnum((unsigned char)*e))
        e++;
    if (e == s) {
        if (s == end)
            return field_fail(fp, "a value is missing at the end");
        describe_char(q, sizeof q, *s);
        if (*s == '?')
            return field_fail(fp, "unexpected '?' (not supported: use '*')");
        return field_fail(fp, "unexpected %s where a value should be", q);
    }
    quote(q, sizeof q, s, (size_t)(e - s));
    *is_sun = false;
    if (isdigit((unsigned char)*s)) {
        long v = 0;
        for (const char *c = s; c < e; c++) {
            if (!isdigit((unsigned char)*c))
                return field_fail(fp, "'%s' is not a number", q);
            if (v < 1000000)
                v = v * 10 + (*c - '0');
        }
        if (v < field_lo[fp->f] || v > field_hi[fp->f])
            return field_fail(fp, "%s is out of range %d-%d", q, field_lo[fp->f],
                              field_hi[fp->f]);
        *out = (int)v;
        *p = e;
        return CC_OK;
    }
    if (fp->f == 3 || fp->f == 4) {
        const char *const *names = fp->f == 3 ? month_names : day_names;
        int count = fp->f == 3 ? 12 : 7;
        if (e - s == 3) {
            for (int i = 0; i < count; i++) {
                if (strncasecmp(s, names[i], 3) == 0) {
                    *out = fp->f == 3 ? i + 1 : i;
                    *is_sun = fp->f == 4 && i == 0;
                    *p = e;
                    return CC_OK;
                }
            }
        }
        return field_fail(fp, "unknown %s name '%s' (%s)", fp->f == 3 ? "month" : "day", q,
                          fp->f == 3 ? "JAN-DEC" : "SUN-SAT");
    }
    return field_fail(fp, "'%s' is not a number", q);
}

/* One list item [s, e): `*`, `V`, `V-V`, each optionally followed by `/STEP`. */
static int parse_item(struct field_parser *fp, const char *s, const char *e, uint64_t *bits)
{
    const char *p = s;
    int lo = field_lo[fp->f], hi = field_hi[fp->f], a, b, step = 1;
    bool sun = false, single = false;
    char q[32], c[32];
    int rc;

    if (p < e && *p == '*') {
        a = lo, b = hi;
        p++;
    } else {
        if ((rc = parse_value(fp, &p, e, &a, &sun)))
            return rc;
        b = a;
        single = true;
        if (p < e && *p == '-') {
            p++;
            if (p == e) {
                quote(q, sizeof q, s, (size_t)(e - s));
                return field_fail(fp, "range '%s' has no end", q);
            }
            if ((rc = parse_value(fp, &p, e, &b, &sun)))
                return rc;
            single = false;
            if (fp->f == 4 && sun && a > 0)
                b = 7; /* SAT-SUN, MON-SUN */
            if (b < a) {
                quote(q, sizeof q, s, (size_t)(p - s));
                return field_fail(fp, "range %s runs backwards", q);
            }
        }
    }
    if (p < e && *p == '/') {
        const char *st = ++p;
        long v = 0;
        while (p < e && isdigit((unsigned char)*p)) {
            if (v < 1000000)
                v = v * 10 + (*p - '0');
            p++;
        }
        if (p == st) {
            if (p == e)
                return field_fail(fp, "'/' needs a step after it");
            while (p < e && isalnum((unsigned char)*p))
                p++;
            if (p == st) {
                describe_char(c, sizeof c, *p);
                return field_fail(fp, "unexpected %s where a step should be", c);
            }
            quote(q, sizeof q, st, (size_t)(p - st));
            return field_fail(fp, "step '%s' is not a number", q);
        }
        if (v < 1 || v > hi) {
            quote(q, sizeof q, st, (size_t)(p - st));
            return field_fail(fp, "step %s is out of range 1-%d", q, hi);
        }
        step = (int)v;
        if (single)
            b = hi; /* A/N means A-max/N */
    }
    if (p < e) {
        describe_char(c, sizeof c, *p);
        quote(q, sizeof q, s, (size_t)(p - s));
        if (*p == '-' && s[0] == '*' && p == s + 1)
            return field_fail(fp, "'*' cannot start a range");
        return field_fail(fp, "unexpected %s after '%s'", c, q);
    }
    for (int v = a; v <= b; v += step)
        *bits |= (uint64_t)1 << v;
    return CC_OK;
}

static int parse_field(struct field_parser *fp, uint64_t *bits)
{
    const char *s = fp->text, *end = s + fp->len;
    char q[32];

    *bits = 0;
    for (;;) {
        const char *e = memchr(s, ',', (size_t)(end - s));
        if (e == NULL)
            e = end;
        if (e == s) {
            quote(q, sizeof q, fp->text, fp->len);
            return field_fail(fp, "an empty item in the list '%s'", q);
        }
        int rc = parse_item(fp, s, e, bits);
        if (rc)
            return rc;
        if (e == end)
            return CC_OK;
        s = e + 1;
    }
}

static const struct {
    const char *name, *expr;
} macros[] = {
    { "@hourly", "0 * * * *" },  { "@daily", "0 0 * * *" },   { "@midnight", "0 0 * * *" },
    { "@weekly", "0 0 * * 0" },  { "@monthly", "0 0 1 * *" }, { "@yearly", "0 0 1 1 *" },
    { "@annually", "0 0 1 1 *" },
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

int cron_parse(const char *expr, struct cron *out, char *err, size_t errlen)
{
    const char *start[6], *p;
    size_t len[6], n = 0;
    struct cron c = { 0 };
    uint64_t bits[5];
    char q[32];

    memset(out, 0, sizeof *out);
    ok_err(err, errlen);
    if (expr == NULL)
        return fail(err, errlen, CC_EDATA, "no expression");
    size_t total = strnlen(expr, CRON_MAX_LEN + 1);
    if (total > CRON_MAX_LEN)
        return fail(err, errlen, CC_EDATA, "the expression is longer than %d characters",
                    CRON_MAX_LEN);
    p = expr;
    while (is_blank(*p))
        p++;
    if (*p == '@') {
        const char *e = p;
        while (*e && !is_blank(*e))
            e++;
        const char *rest = e;
        while (is_blank(*rest))
            rest++;
        quote(q, sizeof q, p, (size_t)(e - p));
        if (*rest != '\0')
            return fail(err, errlen, CC_EDATA, "%s takes no fields after it", q);
        for (size_t i = 0; i < sizeof macros / sizeof macros[0]; i++) {
            if (strlen(macros[i].name) == (size_t)(e - p) &&
                strncasecmp(p, macros[i].name, (size_t)(e - p)) == 0)
                return cron_parse(macros[i].expr, out, err, errlen);
        }
        if ((size_t)(e - p) == 7 && strncasecmp(p, "@reboot", 7) == 0)
            return fail(err, errlen, CC_EDATA,
                        "@reboot is not supported: schedules run at times of day");
        return fail(err, errlen, CC_EDATA,
                    "unknown shorthand '%s' (@hourly, @daily, @midnight, @weekly, @monthly, "
                    "@yearly or @annually)", q);
    }
    while (*p) {
        const char *s = p;
        while (*p && !is_blank(*p))
            p++;
        if (n < 6) {
            start[n] = s;
            len[n] = (size_t)(p - s);
        }
        n++;
        while (is_blank(*p))
            p++;
    }
    if (n == 0)
        return fail(err, errlen, CC_EDATA,
                    "the expression is empty: it needs five fields, minute hour day-of-month "
                    "month day-of-week");
    if (n != 5)
        return fail(err, errlen, CC_EDATA,
                    "expected 5 fields (minute hour day-of-month month day-of-week), got %zu%s",
                    n, n > 5 ? " (seconds and years are not supported)" : "");
    for (int f = 0; f < 5; f++) {
        struct field_parser fp = { f, start[f], len[f], err, errlen };
        int rc = parse_field(&fp, &bits[f]);
        if (rc)
            return rc;
    }
    c.minutes = bits[0];
    c.hours = (uint32_t)bits[1];
    c.days = (uint32_t)bits[2];
    c.months = (uint16_t)bits[3];
    c.weekdays = (uint8_t)((bits[4] | (bits[4] >> 7)) & 0x7f); /* 7 is Sunday too */
    if (start[0][0] == '*')
        c.flags |= CRON_MINUTE_STAR;
    if (start[1][0] == '*')
        c.flags |= CRON_HOUR_STAR;
    if (start[2][0] == '*')
        c.flags |= CRON_DOM_STAR;
    if (start[4][0] == '*')
        c.flags |= CRON_DOW_STAR;
    /*
     * Unless both day fields are restricted (then any matching weekday fires),
     * a day must be in the day-of-month field: one of them must exist in one
     * of the months (29 February counts: it comes in leap years). Every
     * month-day falls on every weekday over the years, so this is the only way
     * an expression can never fire.
     */
    if (c.flags & (CRON_DOM_STAR | CRON_DOW_STAR)) {
        bool any = false;
        for (int m = 1; m <= 12 && !any; m++) {
            if (!(c.months & (1u << m)))
                continue;
            int max = m == 2 ? 29 : days_in_month(2001, m);
            if (c.days & ((((uint32_t)2 << max) - 1) & ~(uint32_t)1))
                any = true;
        }
        if (!any) {
            struct field_parser fp = { 2, start[2], len[2], err, errlen };
            return field_fail(&fp, "none of these days comes in the months of field 4 "
                                   "(month), so the expression never fires");
        }
    }
    *out = c;
    return CC_OK;
}

static bool day_matches(const struct cron *c, int month, int day, int wday)
{
    bool dom, dow;

    if (!(c->months & (1u << month)))
        return false;
    dom = c->days & ((uint32_t)1 << day);
    dow = c->weekdays & (1u << wday);
    if (c->flags & (CRON_DOM_STAR | CRON_DOW_STAR))
        return dom && dow;
    return dom || dow;
}

bool cron_matches(const struct cron *c, int year, int month, int day, int hour, int minute)
{
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour < 0 ||
        hour > 23 || minute < 0 || minute > 59)
        return false;
    return day_matches(c, month, day, weekday_of(days_from_civil(year, month, day))) &&
           (c->hours & ((uint32_t)1 << hour)) && (c->minutes & ((uint64_t)1 << minute));
}

bool cron_is_fixed_time(const struct cron *c)
{
    return !(c->flags & (CRON_MINUTE_STAR | CRON_HOUR_STAR));
}

/* The lowest set bit of bits at or above from, or -1. */
static int next_bit(uint64_t bits, int from)
{
    if (from >= 64)
        return -1;
    bits >>= from;
    if (bits == 0)
        return -1;
    return from + __builtin_ctzll(bits);
}

/*
 * The first wall-clock minute M (local seconds: days * 86400 + time of day)
 * with from <= M < to that c matches. from is on a minute.
 */
static bool find_match(const struct cron *c, int64_t from, int64_t to, int64_t *out)
{
    int64_t days = floor_div(from, DAY);
    int64_t sod = from - days * DAY;
    int hour = (int)(sod / 3600), minute = (int)(sod % 3600 / 60);
    int y, m, d;

    civil_from_days(days, &y, &m, &d);
    for (;;) {
        int64_t at = days * DAY + hour * 3600 + minute * 60;
        if (at >= to)
            return false;
        if (!(c->months & (1u << m))) {
            /* The first day of the next month. */
            days += days_in_month(y, m) - d + 1;
            if (++m > 12)
                m = 1, y++;
            d = 1, hour = 0, minute = 0;
            continue;
        }
        if (!day_matches(c, m, d, weekday_of(days))) {
            days++;
            if (++d > days_in_month(y, m)) {
                d = 1;
                if (++m > 12)
                    m = 1, y++;
            }
            hour = 0, minute = 0;
            continue;
        }
        int h = next_bit(c->hours, hour);
        if (h < 0) {
            hour = 24; /* to the next day, through the check below */
        } else if (h != hour) {
            hour = h, minute = 0;
        }
        if (hour < 24) {
            int mi = next_bit(c->minutes, minute);
            if (mi >= 0) {
                at = days * DAY + hour * 3600 + (int64_t)mi * 60;
                if (at >= to)
                    return false;
                *out = at;
                return true;
            }
            if (++hour < 24) {
                minute = 0;
                continue;
            }
        }
        days++;
        if (++d > days_in_month(y, m)) {
            d = 1;
            if (++m > 12)
                m = 1, y++;
        }
        hour = 0, minute = 0;
    }
}

/* ---------------------------------------------------------------- time zones */

struct tz_type {
    int32_t off;
    bool dst;
    char abbr[16];
};

struct rule_date {
    char kind;    /* 'J' (1-365, no leap day), 'D' (0-365), 'M' (month.week.day) */
    int n, m, w, d;
    int32_t time; /* seconds after local midnight, may be negative or over 24 h */
};

struct tz {
    char name[256];
    int64_t *trans;
    uint8_t *tidx;
    size_t ntrans;
    struct tz_type types[256];
    int ntypes;
    bool has_rule; /* a POSIX TZ rule for times after the last transition */
    bool rule_dst; /* ... with daylight saving time */
    struct tz_type rstd, rdst;
    struct rule_date rstart, rend;
};

struct period {
    int64_t start, end; /* [start, end); T_MIN / T_MAX when unbounded */
    const struct tz_type *type;
};

void tz_free(struct tz *tz)
{
    if (tz == NULL)
        return;
    free(tz->trans);
    free(tz->tidx);
    free(tz);
}

const char *tz_name(const struct tz *tz)
{
    return tz->name;
}

static struct tz *tz_new(const char *name)
{
    struct tz *tz = calloc(1, sizeof *tz);

    if (tz)
        snprintf(tz->name, sizeof tz->name, "%s", name ? name : "");
    return tz;
}

/* ------------------------------------------------ POSIX TZ strings */

/* A zone abbreviation: letters (3 or more), or <...> with letters, digits, '+' and '-'. */
static bool posix_name(const char **p, char abbr[16])
{
    const char *s = *p, *e;
    size_t n;

    if (*s == '<') {
        e = ++s;
        while (isalnum((unsigned char)*e) || *e == '+' || *e == '-')
            e++;
        if (*e != '>')
            return false;
        n = (size_t)(e - s);
        *p = e + 1;
    } else {
        e = s;
        while (isalpha((unsigned char)*e))
            e++;
        n = (size_t)(e - s);
        *p = e;
    }
    if (n < 3 || n > 15)
        return false;
    memcpy(abbr, s, n);
    abbr[n] = '\0';
    return true;
}

/* [+-]hh[:mm[:ss]] with hh up to max_hours; in seconds. */
static bool posix_time(const char **p, int max_hours, int32_t *out)
{
    const char *s = *p;
    int sign = 1, part[3] = { 0, 0, 0 }, nparts = 0;

    if (*s == '+' || *s == '-')
        sign = *s++ == '-' ? -1 : 1;
    while (nparts < 3) {
        int v = 0, digits = 0;
        while (isdigit((unsigned char)*s) && digits < 3) {
            v = v * 10 + (*s++ - '0');
            digits++;
        }
        if (digits == 0 || isdigit((unsigned char)*s))
            return false;
        if (nparts > 0 && (digits != 2 || v > 59))
            return false;
        part[nparts++] = v;
        if (*s != ':')
            break;
        s++;
    }
    if (part[0] > max_hours)
        return false;
    *out = sign * (part[0] * 3600 + part[1] * 60 + part[2]);
    *p = s;
    return true;
}

static bool posix_int(const char **p, int lo, int hi, int *out)
{
    const char *s = *p;
    int v = 0, digits = 0;

    while (isdigit((unsigned char)*s) && digits < 4) {
        v = v * 10 + (*s++ - '0');
        digits++;
    }
    if (digits == 0 || isdigit((unsigned char)*s) || v < lo || v > hi)
        return false;
    *out = v;
    *p = s;
    return true;
}

static bool posix_date(const char **p, struct rule_date *r)
{
    const char *s = *p;

    r->time = 7200; /* 02:00 unless given */
    if (*s == 'J') {
        s++;
        r->kind = 'J';
        if (!posix_int(&s, 1, 365, &r->n))
            return false;
    } else if (*s == 'M') {
        s++;
        r->kind = 'M';
        if (!posix_int(&s, 1, 12, &r->m) || *s++ != '.' || !posix_int(&s, 1, 5, &r->w) ||
            *s++ != '.' || !posix_int(&s, 0, 6, &r->d))
            return false;
    } else {
        r->kind = 'D';
        if (!posix_int(&s, 0, 365, &r->n))
            return false;
    }
    if (*s == '/') {
        s++;
        if (!posix_time(&s, 167, &r->time))
            return false;
    }
    *p = s;
    return true;
}

/* Parses a POSIX TZ string into tz's rule. */
static bool posix_parse(const char *s, struct tz *tz)
{
    int32_t off;

    memset(&tz->rstd, 0, sizeof tz->rstd);
    memset(&tz->rdst, 0, sizeof tz->rdst);
    if (!posix_name(&s, tz->rstd.abbr) || !posix_time(&s, 24, &off))
        return false;
    tz->rstd.off = -off;
    tz->has_rule = true;
    tz->rule_dst = false;
    if (*s == '\0')
        return true;
    if (!posix_name(&s, tz->rdst.abbr))
        return false;
    tz->rdst.dst = true;
    tz->rdst.off = tz->rstd.off + 3600;
    if (*s != ',' && *s != '\0') {
        if (!posix_time(&s, 24, &off))
            return false;
        tz->rdst.off = -off;
    }
    tz->rule_dst = true;
    if (*s == '\0') {
        /* No rule: the US rule, as glibc assumes. */
        tz->rstart = (struct rule_date){ 'M', 0, 3, 2, 0, 7200 };
        tz->rend = (struct rule_date){ 'M', 0, 11, 1, 0, 7200 };
        return true;
    }
    if (*s++ != ',' || !posix_date(&s, &tz->rstart) || *s++ != ',' || !posix_date(&s, &tz->rend))
        return false;
    return *s == '\0';
}

/* The day (days since the epoch) a rule date falls on in year y. */
static int64_t rule_day(const struct rule_date *r, int64_t y)
{
    int64_t jan1 = days_from_civil(y, 1, 1);

    switch (r->kind) {
    case 'J':
        return jan1 + r->n - 1 + (is_leap(y) && r->n >= 60);
    case 'D':
        return jan1 + r->n;
    default: {
        int64_t first = days_from_civil(y, r->m, 1);
        int64_t day = first + (r->d - weekday_of(first) + 7) % 7 + 7 * (r->w - 1);
        while (day - first >= days_in_month(y, r->m))
            day -= 7;
        return day;
    }
    }
}

/* The instant a rule date of year y happens: its local time is in the offset before the change. */
static int64_t rule_change(const struct rule_date *r, int64_t y, const struct tz_type *before)
{
    return rule_day(r, y) * DAY + r->time - before->off;
}

/*
 * The rule's period containing t.
 *
 * A year's changes can fall up to 8 days outside it (day 365 of a common
 * year is 1 January of the next, times run from -167 to 167 hours, offsets
 * up to 25 hours), so they can come after the next year's or before the
 * previous year's, and the last change at or before t can be year y-2's. The
 * changes of one kind are at least 358 days apart, though, so those of years
 * y-2 to y+2 always hold the last change at or before t and the next change
 * of either kind after it: with only y-1 to y+1, instants of one period could
 * get different periods (a wrong type, or an end past the next change).
 */
static void rule_period(const struct tz *tz, int64_t t, struct period *p)
{
    struct {
        int64_t at;
        const struct tz_type *type;
    } ev[10], tmp;
    int n = 0, y, m, d, i, j;

    if (!tz->rule_dst) {
        *p = (struct period){ T_MIN, T_MAX, &tz->rstd };
        return;
    }
    civil_from_days(floor_div(t, DAY), &y, &m, &d);
    for (int64_t yy = (int64_t)y - 2; yy <= (int64_t)y + 2; yy++) {
        ev[n].at = rule_change(&tz->rstart, yy, &tz->rstd);
        ev[n++].type = &tz->rdst;
        ev[n].at = rule_change(&tz->rend, yy, &tz->rdst);
        ev[n++].type = &tz->rstd;
    }
    /* Stable: at equal instants the later event wins. */
    for (i = 1; i < n; i++) {
        for (j = i; j > 0 && ev[j - 1].at > ev[j].at; j--)
            tmp = ev[j], ev[j] = ev[j - 1], ev[j - 1] = tmp;
    }
    for (i = -1; i + 1 < n && ev[i + 1].at <= t; i++)
        ;
    if (i < 0) {
        /* Not reached (year y-2's changes are before t): before the first change. */
        p->start = T_MIN;
        p->type = ev[0].type == &tz->rdst ? &tz->rstd : &tz->rdst;
    } else {
        p->start = ev[i].at;
        p->type = ev[i].type;
    }
    p->end = days_from_civil((int64_t)y + 2, 1, 1) * DAY; /* no change before: same type on */
    for (j = i + 1; j < n; j++) {
        if (ev[j].type != p->type) {
            p->end = ev[j].at;
            break;
        }
    }
}

/*
 * Degenerate rules, checked once when a rule is read. rule_period applies a
 * rule's changes in time order, which is what the rule means while each
 * year's changes come between the neighbouring years' in the same order. The
 * day 365 of a common year (1 January of the next) and times far from 0-24 h
 * can put a change past the other kind's change of the next year, though.
 * POSIX.1-2024 says DST is in effect all year when it ends exactly at the
 * next year's start ("EST5EDT,0/0,J365/25", which time order gets right); a
 * DST that ends after the next year's start ("EST5EDT,0,365/52") leaves no
 * more room for standard time, so it is DST all year too (as tzcode does;
 * time order would give 2 days of DST a year). Likewise standard time that
 * lasts until past the next year's end, or DST that starts and ends at the
 * same instant, is no DST (as glibc does). A rule that does one of these in
 * some years and another in others means something different from year to
 * year, so it is refused. The calendar, weekdays included, repeats every 400
 * years, so 400 years tell.
 */
enum { RULE_STARTS_FIRST, RULE_ENDS_FIRST, RULE_ALL_DST, RULE_NO_DST };

static bool posix_check(struct tz *tz, char *why, size_t n)
{
    static const char *const say[] = { "starts, then ends", "ends, then starts",
                                       "lasts the whole year", "lasts no time" };
    int first = -1;

    if (!tz->rule_dst)
        return true;
    for (int64_t y = 2001; y <= 2400; y++) {
        int64_t s0 = rule_change(&tz->rstart, y, &tz->rstd);
        int64_t e0 = rule_change(&tz->rend, y, &tz->rdst);
        int64_t s1 = rule_change(&tz->rstart, y + 1, &tz->rstd);
        int64_t e1 = rule_change(&tz->rend, y + 1, &tz->rdst);
        int kind = s0 < e0   ? (e0 < s1 ? RULE_STARTS_FIRST : RULE_ALL_DST)
                   : e0 < s0 ? (s0 < e1 ? RULE_ENDS_FIRST : RULE_NO_DST)
                             : RULE_NO_DST;
        if (first < 0) {
            first = kind;
        } else if (kind != first) {
            snprintf(why, n,
                     "its dates do not fall the same way every year (in 2001 daylight saving "
                     "time %s; in %lld it %s)", say[first], (long long)y, say[kind]);
            return false;
        }
    }
    if (first == RULE_ALL_DST)
        tz->rstd = tz->rdst;
    if (first == RULE_ALL_DST || first == RULE_NO_DST)
        tz->rule_dst = false;
    return true;
}

/* The period of constant offset containing t. */
static void tz_period(const struct tz *tz, int64_t t, struct period *p)
{
    size_t n = tz->ntrans;

    if (n == 0 || t >= tz->trans[n - 1]) {
        int64_t last = n ? tz->trans[n - 1] : T_MIN;
        if (tz->has_rule) {
            rule_period(tz, t, p);
            if (p->start < last)
                p->start = last;
        } else {
            p->start = last;
            p->end = T_MAX;
            p->type = n ? &tz->types[tz->tidx[n - 1]] : &tz->types[0];
        }
        return;
    }
    if (t < tz->trans[0]) {
        *p = (struct period){ T_MIN, tz->trans[0], &tz->types[0] };
        return;
    }
    size_t lo = 0, hi = n - 1; /* trans[lo] <= t < trans[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (tz->trans[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    *p = (struct period){ tz->trans[lo], tz->trans[hi], &tz->types[tz->tidx[lo]] };
}

/* ------------------------------------------------ TZif */

static int64_t be(const unsigned char *p, int bytes)
{
    uint64_t v = 0;

    for (int i = 0; i < bytes; i++)
        v = v << 8 | p[i];
    if (bytes == 4)
        return (int32_t)(uint32_t)v;
    return (int64_t)v;
}

int tz_parse(const unsigned char *data, size_t len, const char *name, struct tz **out, char *err,
             size_t errlen)
{
    const unsigned char *p = data, *end = data + len;
    uint32_t cnt[6];
    int tsize = 4;
    struct tz *tz;
    char nm[128];

    *out = NULL;
    ok_err(err, errlen);
    quote(nm, sizeof nm, name ? name : "", name ? strlen(name) : 0);
    name = nm;
    if (len < 44 || memcmp(p, "TZif", 4) != 0)
        return fail(err, errlen, CC_EDATA, "%s: not a TZif time zone file", name);
    for (int pass = 0;; pass++) {
        size_t need;
        for (int i = 0; i < 6; i++)
            cnt[i] = (uint32_t)be(p + 20 + 4 * i, 4);
        /* isutcnt isstdcnt leapcnt timecnt typecnt charcnt */
        if (cnt[3] > TZIF_MAX_TRANSITIONS || cnt[4] == 0 || cnt[4] > 256 || cnt[5] == 0 ||
            cnt[5] > 65536 || (cnt[0] && cnt[0] != cnt[4]) || (cnt[1] && cnt[1] != cnt[4]) ||
            cnt[2] > 10000)
            return fail(err, errlen, CC_EDATA, "%s: a damaged TZif header", name);
        need = 44 + (size_t)cnt[3] * (size_t)(tsize + 1) + (size_t)cnt[4] * 6 + cnt[5] +
               (size_t)cnt[2] * (size_t)(tsize + 4) + cnt[1] + cnt[0];
        if ((size_t)(end - p) < need)
            return fail(err, errlen, CC_EDATA, "%s: a truncated TZif file", name);
        if (pass == 0 && data[4] >= '2') {
            p += need;
            if ((size_t)(end - p) < 44 || memcmp(p, "TZif", 4) != 0)
                return fail(err, errlen, CC_EDATA, "%s: a damaged TZif file (no version 2 data)",
                            name);
            tsize = 8;
            continue;
        }
        break;
    }
    if (cnt[2] > 0)
        return fail(err, errlen, CC_EDATA,
                    "%s: zones with leap seconds (right/...) are not supported", name);
    tz = tz_new(name);
    if (tz == NULL)
        return fail(err, errlen, CC_ESOFTWARE, "out of memory");
    const unsigned char *times = p + 44, *idx = times + (size_t)cnt[3] * (size_t)tsize;
    const unsigned char *types = idx + cnt[3], *chars = types + (size_t)cnt[4] * 6;
    const unsigned char *after = chars + cnt[5] + cnt[1] + cnt[0];
    tz->ntrans = cnt[3];
    tz->ntypes = (int)cnt[4];
    if (cnt[3]) {
        tz->trans = malloc(cnt[3] * sizeof *tz->trans);
        tz->tidx = malloc(cnt[3]);
        if (!tz->trans || !tz->tidx) {
            tz_free(tz);
            return fail(err, errlen, CC_ESOFTWARE, "out of memory");
        }
    }
    for (uint32_t i = 0; i < cnt[3]; i++) {
        tz->trans[i] = be(times + (size_t)i * (size_t)tsize, tsize);
        tz->tidx[i] = idx[i];
        if (idx[i] >= cnt[4] || tz->trans[i] < -TZIF_TIME_LIMIT ||
            tz->trans[i] > TZIF_TIME_LIMIT || (i > 0 && tz->trans[i] <= tz->trans[i - 1])) {
            tz_free(tz);
            return fail(err, errlen, CC_EDATA, "%s: damaged TZif transitions", name);
        }
    }
    for (uint32_t i = 0; i < cnt[4]; i++) {
        const unsigned char *t = types + 6 * i;
        int64_t off = be(t, 4);
        unsigned di = t[5];
        if (off < -OFFSET_LIMIT || off > OFFSET_LIMIT || t[4] > 1 || di >= cnt[5] ||
            memchr(chars + di, '\0', cnt[5] - di) == NULL) {
            tz_free(tz);
            return fail(err, errlen, CC_EDATA, "%s: a damaged TZif time type", name);
        }
        tz->types[i].off = (int32_t)off;
        tz->types[i].dst = t[4];
        const char *a = (const char *)chars + di;
        size_t k = 0;
        for (; a[k] && k < sizeof tz->types[i].abbr - 1; k++)
            tz->types[i].abbr[k] = isprint((unsigned char)a[k]) ? a[k] : '?';
        tz->types[i].abbr[k] = '\0';
    }
    if (tsize == 8) {
        /* The footer: "\nTZ-string\n", used after the last transition. */
        const unsigned char *nl;
        char rule[256];
        if (after >= end || *after != '\n' ||
            (nl = memchr(after + 1, '\n', (size_t)(end - after - 1))) == NULL ||
            (size_t)(nl - after - 1) >= sizeof rule) {
            tz_free(tz);
            return fail(err, errlen, CC_EDATA, "%s: a damaged TZif footer", name);
        }
        memcpy(rule, after + 1, (size_t)(nl - after - 1));
        rule[nl - after - 1] = '\0';
        if (rule[0] && !posix_parse(rule, tz)) {
            char q[64];
            quote(q, sizeof q, rule, strlen(rule));
            tz_free(tz);
            return fail(err, errlen, CC_EDATA, "%s: a TZ rule we cannot read: '%s'", name, q);
        }
        char why[160];
        if (tz->has_rule && !posix_check(tz, why, sizeof why)) {
            char q[64];
            quote(q, sizeof q, rule, strlen(rule));
            tz_free(tz);
            return fail(err, errlen, CC_EDATA, "%s: a TZ rule we cannot use: '%s': %s", name, q,
                        why);
        }
        if (tz->has_rule && (tz->rstd.off < -OFFSET_LIMIT || tz->rstd.off > OFFSET_LIMIT ||
                             tz->rdst.off < -OFFSET_LIMIT || tz->rdst.off > OFFSET_LIMIT)) {
            tz_free(tz);
            return fail(err, errlen, CC_EDATA, "%s: a TZ rule offset out of range", name);
        }
    }
    *out = tz;
    return CC_OK;
}

int tz_from_posix(const char *rule, struct tz **out, char *err, size_t errlen)
{
    struct tz *tz;

    *out = NULL;
    ok_err(err, errlen);
    if (strlen(rule) > 200)
        return fail(err, errlen, CC_EDATA, "not a TZ rule: too long");
    tz = tz_new(rule);
    if (tz == NULL)
        return fail(err, errlen, CC_ESOFTWARE, "out of memory");
    tz->ntypes = 1;
    if (!posix_parse(rule, tz)) {
        char q[64];
        quote(q, sizeof q, rule, strlen(rule));
        tz_free(tz);
        return fail(err, errlen, CC_EDATA, "'%s' is not a POSIX TZ rule", q);
    }
    char why[160];
    if (!posix_check(tz, why, sizeof why)) {
        char q[64];
        quote(q, sizeof q, rule, strlen(rule));
        tz_free(tz);
        return fail(err, errlen, CC_EDATA, "'%s' is not a usable POSIX TZ rule: %s", q, why);
    }
    tz->types[0] = tz->rstd;
    *out = tz;
    return CC_OK;
}

static const char *zoneinfo_dir(void)
{
    const char *d = getenv("TZDIR");
    return d && *d ? d : "/usr/share/zoneinfo";
}

/* Reads path into a new buffer; CC_ENOINPUT when there is no such regular file. */
static int read_file(const char *path, unsigned char **data, size_t *len, char *err, size_t errlen)
{
    struct stat st;
    FILE *f;

    *data = NULL;
    if (stat(path, &st) != 0)
        return fail(err, errlen, CC_ENOINPUT, "%s: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return fail(err, errlen, CC_ENOINPUT, "%s: not a file", path);
    if (st.st_size > TZIF_MAX_BYTES)
        return fail(err, errlen, CC_EDATA, "%s: too big for a time zone file", path);
    f = fopen(path, "rb");
    if (f == NULL)
        return fail(err, errlen, CC_ENOINPUT, "%s: %s", path, strerror(errno));
    *data = malloc((size_t)st.st_size + 1);
    if (*data == NULL) {
        fclose(f);
        return fail(err, errlen, CC_ESOFTWARE, "out of memory");
    }
    *len = fread(*data, 1, (size_t)st.st_size + 1, f);
    int bad = ferror(f) || *len > (size_t)st.st_size;
    fclose(f);
    if (bad) {
        free(*data);
        *data = NULL;
        return fail(err, errlen, CC_EIO, "%s: cannot read (or it changed while read)", path);
    }
    return CC_OK;
}

static int load_file(const char *path, const char *name, struct tz **out, char *err,
                     size_t errlen)
{
    unsigned char *data;
    size_t len;
    int rc = read_file(path, &data, &len, err, errlen);

    if (rc)
        return rc;
    rc = tz_parse(data, len, name, out, err, errlen);
    free(data);
    return rc;
}

static bool valid_zone_name(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > 200 || s[0] == '/' || s[n - 1] == '/')
        return false;
    for (const char *p = s; *p; p++) {
        if (!isalnum((unsigned char)*p) && !strchr("/_+-.", *p))
            return false;
        /* No "." or ".." component. */
        if (*p == '.' && (p == s || p[-1] == '/') &&
            (p[1] == '/' || p[1] == '\0' || (p[1] == '.' && (p[2] == '/' || p[2] == '\0'))))
            return false;
    }
    return true;
}

static int load_utc(const char *name, struct tz **out)
{
    struct tz *tz = tz_new(name);

    if (tz == NULL)
        return CC_ESOFTWARE;
    tz->ntypes = 1;
    snprintf(tz->types[0].abbr, sizeof tz->types[0].abbr, "UTC");
    *out = tz;
    return CC_OK;
}

static int load_named(const char *name, struct tz **out, char *err, size_t errlen)
{
    char path[1024];
    int rc;

    if (!valid_zone_name(name))
        return fail(err, errlen, CC_EDATA,
                    "'%s' is not a time zone name (such as \"Europe/London\" or \"UTC\")", name);
    snprintf(path, sizeof path, "%s/%s", zoneinfo_dir(), name);
    rc = load_file(path, name, out, err, errlen);
    if (rc == CC_ENOINPUT) {
        if (strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0)
            return load_utc(name, out);
        return fail(err, errlen, CC_ENOINPUT,
                    "unknown time zone '%s' (no file %s; is the tzdata package installed?)",
                    name, path);
    }
    return rc;
}

int tz_load(const char *name, struct tz **out, char *err, size_t errlen)
{
    *out = NULL;
    ok_err(err, errlen);
    if (name)
        return load_named(name, out, err, errlen);
    /* The system zone, as the C library finds it. */
    const char *env = getenv("TZ");
    if (env) {
        if (*env == ':')
            env++;
        if (*env == '\0')
            return load_utc("UTC", out);
        if (*env == '/')
            return load_file(env, env, out, err, errlen);
        if (valid_zone_name(env)) {
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", zoneinfo_dir(), env);
            if (access(path, R_OK) == 0)
                return load_named(env, out, err, errlen);
        }
        int rc = tz_from_posix(env, out, err, errlen);
        if (rc) {
            char q[64];
            quote(q, sizeof q, env, strlen(env));
            return fail(err, errlen, CC_EDATA,
                        "$TZ is '%s': neither a time zone name nor a POSIX TZ rule", q);
        }
        return rc;
    }
    char link[1024], name_buf[256];
    ssize_t n = readlink("/etc/localtime", link, sizeof link - 1);
    snprintf(name_buf, sizeof name_buf, "/etc/localtime");
    if (n > 0) {
        link[n] = '\0';
        const char *z = strstr(link, "zoneinfo/");
        if (z)
            snprintf(name_buf, sizeof name_buf, "%s", z + 9);
    }
    int rc = load_file("/etc/localtime", name_buf, out, err, errlen);
    if (rc == CC_ENOINPUT) {
        ok_err(err, errlen);
        return load_utc("UTC", out);
    }
    return rc;
}

/* ---------------------------------------------------------------- wall clock */

static int check_time(int64_t t, char *err, size_t errlen)
{
    if (t < time_lo() || t > time_hi())
        return fail(err, errlen, CC_EDATA, "time %lld is outside the years 1 to 9999",
                    (long long)t);
    return CC_OK;
}

int tz_localtime(const struct tz *tz, time_t t, struct tz_local *out, char *err, size_t errlen)
{
    struct period p;
    int64_t local, days, sod;
    int rc;

    memset(out, 0, sizeof *out);
    ok_err(err, errlen);
    if ((rc = check_time((int64_t)t, err, errlen)))
        return rc;
    tz_period(tz, (int64_t)t, &p);
    local = (int64_t)t + p.type->off;
    days = floor_div(local, DAY);
    sod = local - days * DAY;
    civil_from_days(days, &out->year, &out->month, &out->day);
    out->hour = (int)(sod / 3600);
    out->minute = (int)(sod % 3600 / 60);
    out->second = (int)(sod % 60);
    out->weekday = weekday_of(days);
    out->offset = p.type->off;
    out->dst = p.type->dst;
    snprintf(out->abbr, sizeof out->abbr, "%s", p.type->abbr);
    return CC_OK;
}

int tz_mktime(const struct tz *tz, int year, int month, int day, int hour, int minute, int second,
              time_t *out, char *err, size_t errlen)
{
    struct period p, n;
    int64_t local;

    ok_err(err, errlen);
    if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 ||
        day > days_in_month(year, month) || hour < 0 || hour > 23 || minute < 0 ||
        minute > 59 || second < 0 || second > 59)
        return fail(err, errlen, CC_EDATA, "%04d-%02d-%02d %02d:%02d:%02d is not a real time",
                    year, month, day, hour, minute, second);
    local = days_from_civil(year, month, day) * DAY + hour * 3600 + minute * 60 + second;
    /* Walk the periods that could hold it, earliest first: the first fit is the first occurrence. */
    tz_period(tz, local - OFFSET_LIMIT - 1, &p);
    for (;;) {
        int64_t t = local - p.type->off;
        if (t >= p.start && t < p.end) {
            *out = (time_t)t;
            return check_time(t, err, errlen);
        }
        if (p.end == T_MAX || p.end > local + OFFSET_LIMIT + 1)
            break;
        tz_period(tz, p.end, &n);
        if (local >= p.end + p.type->off && local < p.end + n.type->off) {
            *out = (time_t)p.end; /* skipped by a jump forward: the moment of the jump */
            return check_time(p.end, err, errlen);
        }
        p = n;
    }
    return fail(err, errlen, CC_ESOFTWARE, "cannot place %04d-%02d-%02d %02d:%02d in %s", year,
                month, day, hour, minute, tz->name);
}

int tz_format(const struct tz *tz, time_t t, char *buf, size_t n)
{
    struct tz_local l;
    char off[48], abbr[24] = "";
    long o;

    if (tz_localtime(tz, t, &l, NULL, 0)) {
        snprintf(buf, n, "(time %lld)", (long long)t);
        return CC_EDATA;
    }
    o = l.offset < 0 ? -l.offset : l.offset;
    if (o % 60)
        snprintf(off, sizeof off, "%c%02ld:%02ld:%02ld", l.offset < 0 ? '-' : '+', o / 3600,
                 o % 3600 / 60, o % 60);
    else
        snprintf(off, sizeof off, "%c%02ld:%02ld", l.offset < 0 ? '-' : '+', o / 3600,
                 o % 3600 / 60);
    if (l.abbr[0])
        snprintf(abbr, sizeof abbr, " %s", l.abbr);
    if (l.second)
        snprintf(buf, n, "%04d-%02d-%02d %02d:%02d:%02d%s (%s)", l.year, l.month, l.day, l.hour,
                 l.minute, l.second, abbr, off);
    else
        snprintf(buf, n, "%04d-%02d-%02d %02d:%02d%s (%s)", l.year, l.month, l.day, l.hour,
                 l.minute, abbr, off);
    return CC_OK;
}

/* ---------------------------------------------------------------- next fire time */

static int64_t ceil_minute(int64_t local)
{
    return floor_div(local + 59, 60) * 60;
}

int cron_next_tz(const struct cron *c, const struct tz *tz, time_t after, time_t *next, char *err,
                 size_t errlen)
{
    const int64_t lmax = local_max();
    const bool fixed = cron_is_fixed_time(c);
    struct period p, prev, n;
    int64_t t0, m;
    int rc;

    ok_err(err, errlen);
    if (c->minutes == 0 || c->hours == 0 || c->days == 0 || c->months == 0 || c->weekdays == 0)
        return fail(err, errlen, CC_EDATA, "an empty cron expression (not from cron_parse)");
    if ((rc = check_time((int64_t)after, err, errlen)))
        return rc;
    t0 = (int64_t)after + 1;
    tz_period(tz, t0, &p);
    /* A jump forward at t0 itself: the loop below looks at the jumps at the ends of periods. */
    if (fixed && p.start == t0) {
        tz_period(tz, p.start - 1, &prev);
        if (prev.type->off < p.type->off &&
            find_match(c, ceil_minute(p.start + prev.type->off), p.start + p.type->off, &m)) {
            *next = (time_t)p.start;
            return CC_OK;
        }
    }
    for (;;) {
        const int32_t o = p.type->off;
        int64_t from = ceil_minute((p.start > t0 ? p.start : t0) + o);
        int64_t to = p.end == T_MAX || p.end + o > lmax ? lmax : p.end + o;
        bool have_prev = false;

        /*
         * A fixed-time job does not run again when the clock falls back: its
         * minutes that the previous period already showed are skipped.
         */
        if (fixed && p.start != T_MIN) {
            tz_period(tz, p.start - 1, &prev);
            have_prev = prev.type->off > o;
        }
        while (from < to && find_match(c, from, to, &m)) {
            if (have_prev && m < p.start + prev.type->off) {
                from = m + 60;
                continue;
            }
            *next = (time_t)(m - o);
            return CC_OK;
        }
        if (p.end == T_MAX || to >= lmax)
            break;
        tz_period(tz, p.end, &n);
        /*
         * A jump forward: a fixed-time job whose time was skipped runs at the
         * moment of the jump, once.
         */
        if (fixed && n.type->off > o) {
            int64_t gto = p.end + n.type->off;
            if (find_match(c, ceil_minute(p.end + o), gto < lmax ? gto : lmax, &m)) {
                *next = (time_t)p.end;
                return CC_OK;
            }
        }
        p = n;
    }
    return fail(err, errlen, CC_EDATA, "it does not fire again before the year 10000");
}

int cron_next(const struct cron *c, const char *tz, time_t after, time_t *next, char *err,
              size_t errlen)
{
    struct tz *z;
    int rc = tz_load(tz, &z, err, errlen);

    if (rc)
        return rc;
    rc = cron_next_tz(c, z, after, next, err, errlen);
    tz_free(z);
    return rc;
}
