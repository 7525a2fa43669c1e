/* SPDX-License-Identifier: MIT */
/*
 * Schedules: cron expressions and when they next fire, in an IANA time zone.
 *
 * Nothing here reads the clock: callers pass "now" (`after`), so the daemon
 * decides what now is and tests never sleep. Nothing here changes global
 * state either: time zones are read from the system tz database
 * (/usr/share/zoneinfo, or $TZDIR) by a small TZif parser of our own, not by
 * setting TZ and calling mktime/localtime, so any thread may call any function
 * (docs/schedules.md says why). This file depends on libc only.
 *
 * Expressions: five fields, minute hour day-of-month month day-of-week, each
 * `*`, a number, a range `A-B`, a step (`*` or a range, then `/N`; `A/N`
 * means A-max/N), or a comma list of these; month names JAN-DEC and day names SUN-SAT
 * (any case; 0 and 7 are both Sunday); or one of @hourly @daily @midnight
 * @weekly @monthly @yearly @annually. When day-of-month and day-of-week are
 * both restricted (neither starts with `*`), a day matching either fires, as
 * in Vixie cron and cronie.
 *
 * Clock changes (as Vixie cron and cronie behave): a job whose minute and
 * hour fields are both fixed (`30 1 * * *`) runs once a day whatever the
 * clock does: when its time is skipped (spring forward) it runs at the moment
 * of the jump, and when its time happens twice (fall back) it runs at the
 * first. A job with `*` in its minute or hour field (`0 * * * *`, every
 * 15 minutes) follows the wall clock: minutes that do not exist are
 * skipped, minutes that happen twice fire twice.
 *
 * Functions return 0 on success, else a nonzero CC_ status (CC_EDATA for a
 * bad expression, zone or time; CC_ENOINPUT when a zone file cannot be read)
 * with a message in err (NUL-terminated, truncated to errlen; err may be NULL).
 */
#ifndef CONCORD_SCHEDULE_H
#define CONCORD_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* A parsed expression: plain data, copy it freely. */
struct cron {
    uint64_t minutes;  /* bit n: minute n (0-59) */
    uint32_t hours;    /* bit n: hour n (0-23) */
    uint32_t days;     /* bit n: day of month n (1-31) */
    uint16_t months;   /* bit n: month n (1-12) */
    uint8_t weekdays;  /* bit n: weekday n (0-6, 0 = Sunday) */
    uint8_t flags;     /* CRON_*_STAR: the field starts with '*' */
};

#define CRON_MINUTE_STAR 0x01
#define CRON_HOUR_STAR 0x02
#define CRON_DOM_STAR 0x04
#define CRON_DOW_STAR 0x08

/** Longest expression cron_parse accepts, in bytes. */
#define CRON_MAX_LEN 1024

/**
 * Parses expr. On error out is zeroed and err says which field and what is
 * wrong, e.g. "field 2 (hour): 24 is out of range 0-23". An expression that
 * can never fire ("0 0 31 2 *") is an error too.
 */
int cron_parse(const char *expr, struct cron *out, char *err, size_t errlen);

/**
 * The first fire time strictly after `after`, in wall-clock time of zone tz
 * (an IANA name such as "Europe/London"; NULL = the system zone: $TZ, else
 * /etc/localtime, else UTC). Reads the zone file on every call, so a
 * long-running daemon sees tzdata updates; use cron_next_tz to avoid that.
 * Times from year 1 to 9999 only.
 */
int cron_next(const struct cron *c, const char *tz, time_t after, time_t *next, char *err,
              size_t errlen);

/**
 * True when wall-clock minute hour:minute on year-month-day matches c
 * (month 1-12, day 1-31; the weekday is worked out).
 */
bool cron_matches(const struct cron *c, int year, int month, int day, int hour, int minute);

/** True when c is a fixed-time job (neither minute nor hour starts with '*'): see above. */
bool cron_is_fixed_time(const struct cron *c);

/* ---------------------------------------------------------------- time zones */

struct tz;

/**
 * Loads zone name (NULL = the system zone). "UTC" works without tzdata.
 * Names are looked up under $TZDIR or /usr/share/zoneinfo and must be relative
 * names without "..". Free with tz_free.
 */
int tz_load(const char *name, struct tz **out, char *err, size_t errlen);
/** Parses a zone from TZif bytes (what tz_load reads); name is kept for messages. */
int tz_parse(const unsigned char *data, size_t len, const char *name, struct tz **out, char *err,
             size_t errlen);
/** A zone from a POSIX TZ string such as "GMT0BST,M3.5.0/1,M10.5.0". */
int tz_from_posix(const char *rule, struct tz **out, char *err, size_t errlen);
void tz_free(struct tz *tz);
/** The name given to tz_load ("Europe/London"), or "system" / the TZ string. */
const char *tz_name(const struct tz *tz);

/** cron_next with a loaded zone. */
int cron_next_tz(const struct cron *c, const struct tz *tz, time_t after, time_t *next, char *err,
                 size_t errlen);

/* Wall-clock time in a zone. */
struct tz_local {
    int year, month, day, hour, minute, second; /* month 1-12, day 1-31 */
    int weekday;                                 /* 0-6, 0 = Sunday */
    long offset;                                 /* seconds east of UTC */
    bool dst;
    char abbr[16];                               /* "BST", "AEDT", "+0530" */
};

/** The wall-clock time of t in tz. */
int tz_localtime(const struct tz *tz, time_t t, struct tz_local *out, char *err, size_t errlen);

/**
 * The instant a wall-clock time names in tz. A time that happens twice (fall
 * back) is its first occurrence; a time that does not exist (spring forward)
 * is the moment of the jump, as for a fixed-time job.
 */
int tz_mktime(const struct tz *tz, int year, int month, int day, int hour, int minute, int second,
              time_t *out, char *err, size_t errlen);

/** Writes "2026-03-29 02:30 BST (+01:00)" (with ":SS" on offsets that have seconds). */
#define TZ_FORMAT_SIZE 128
int tz_format(const struct tz *tz, time_t t, char *buf, size_t n);

#endif
