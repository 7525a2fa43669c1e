/* SPDX-License-Identifier: MIT */
/*
 * Cron expressions and next fire times (core/schedule.c). No sleeping: every
 * check passes `after` itself. Zones come from the system tz database
 * (tzdata, installed by scripts/bootstrap). The last part compares
 * cron_next with a brute-force scan over UTC minutes that asks glibc
 * (localtime_r under TZ) for wall-clock time: two independent readings of
 * the tz database and of the rules must agree.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "schedule.h"
#include "tap.h"

/* ---------------------------------------------------------------- helpers */

static time_t utc(int y, int mo, int d, int h, int mi)
{
    struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
                     .tm_min = mi };
    return timegm(&tm);
}

/* The parse error of expr ("" when it parses). */
static const char *perr(const char *expr)
{
    static char err[256];
    struct cron c;

    if (cron_parse(expr, &c, err, sizeof err) == 0)
        return "";
    return err;
}

/*
 * The next n fire times of expr in zone after `after`, formatted and joined
 * with " | "; or "error: ..." at the first failure.
 */
static const char *seq(const char *expr, const char *zone, time_t after, int n)
{
    static char out[4096];
    char err[256], buf[TZ_FORMAT_SIZE];
    struct cron c;
    struct tz *tz;
    time_t t = after;

    out[0] = '\0';
    if (cron_parse(expr, &c, err, sizeof err) || tz_load(zone, &tz, err, sizeof err)) {
        snprintf(out, sizeof out, "error: %s", err);
        return out;
    }
    for (int i = 0; i < n; i++) {
        if (cron_next_tz(&c, tz, t, &t, err, sizeof err)) {
            snprintf(out + strlen(out), sizeof out - strlen(out), "%serror: %s", i ? " | " : "",
                     err);
            break;
        }
        tz_format(tz, t, buf, sizeof buf);
        snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", i ? " | " : "", buf);
    }
    tz_free(tz);
    return out;
}

/* The next fire time as time_t (or -1 with the error printed). */
static time_t next1(const char *expr, const char *zone, time_t after)
{
    char err[256];
    struct cron c;
    time_t t;

    if (cron_parse(expr, &c, err, sizeof err) || cron_next(&c, zone, after, &t, err, sizeof err)) {
        printf("# %s\n", err);
        return -1;
    }
    return t;
}

static bool same_cron(const char *a, const char *b)
{
    struct cron x, y;

    return cron_parse(a, &x, NULL, 0) == 0 && cron_parse(b, &y, NULL, 0) == 0 &&
           memcmp(&x, &y, sizeof x) == 0;
}

/* ---------------------------------------------------------------- parsing */

static void test_parse_ok(void)
{
    struct cron c;

    ok(cron_parse("* * * * *", &c, NULL, 0) == 0, "* * * * * parses");
    ok(c.minutes == (((uint64_t)1 << 60) - 1) && c.hours == 0xffffff &&
           c.days == 0xfffffffe && c.months == 0x1ffe && c.weekdays == 0x7f,
       "every bit of every field");
    ok(c.flags == (CRON_MINUTE_STAR | CRON_HOUR_STAR | CRON_DOM_STAR | CRON_DOW_STAR),
       "all four star flags");
    ok(!cron_is_fixed_time(&c), "* * * * * follows the wall clock");

    ok(cron_parse("0,30 9-17 * * MON-FRI", &c, NULL, 0) == 0, "lists, ranges and day names");
    is_int(c.minutes, 1 | (uint64_t)1 << 30, "minutes 0 and 30");
    is_int(c.hours, 0x3fe00, "hours 9 to 17");
    is_int(c.weekdays, 0x3e, "Monday to Friday");
    ok(cron_is_fixed_time(&c), "fixed minute and hour: a fixed-time job");

    cron_parse("1-30/5 */6 * * *", &c, NULL, 0);
    is_int(c.minutes, (1 << 1) | (1 << 6) | (1 << 11) | (1 << 16) | (1 << 21) | (1 << 26),
           "1-30/5 is 1,6,11,16,21,26");
    is_int(c.hours, (1 << 0) | (1 << 6) | (1 << 12) | (1 << 18), "*/6 is 0,6,12,18");
    cron_parse("5/20 * * * *", &c, NULL, 0);
    is_int(c.minutes, ((uint64_t)1 << 5) | ((uint64_t)1 << 25) | ((uint64_t)1 << 45),
           "5/20 is 5-59/20");
    cron_parse("0 0 * jan,Mar,DEC *", &c, NULL, 0);
    is_int(c.months, (1 << 1) | (1 << 3) | (1 << 12), "month names in any case");
    cron_parse("0 0 * * 7", &c, NULL, 0);
    is_int(c.weekdays, 1, "7 is Sunday");
    cron_parse("0 0 * * 0,7", &c, NULL, 0);
    is_int(c.weekdays, 1, "0 and 7 are both Sunday");
    cron_parse("0 0 * * SAT-SUN", &c, NULL, 0);
    is_int(c.weekdays, 0x41, "SAT-SUN: SUN ends a range as 7");
    cron_parse("0 0 * * 5-7", &c, NULL, 0);
    is_int(c.weekdays, 0x61, "5-7 is Friday, Saturday, Sunday");
    cron_parse("0 0 * * */2", &c, NULL, 0);
    is_int(c.weekdays, 0x55, "*/2 on weekdays is 0,2,4,6");
    cron_parse("0 0 1-31/2 * 1", &c, NULL, 0);
    ok(!(c.flags & CRON_DOM_STAR), "1-31/2 does not count as '*'");
    cron_parse("0 0 */2 * 1", &c, NULL, 0);
    ok(c.flags & CRON_DOM_STAR, "*/2 counts as '*' (as in Vixie cron)");
    cron_parse("*/5 1 * * *", &c, NULL, 0);
    ok(!cron_is_fixed_time(&c), "*/5 in minutes: follows the wall clock");
    cron_parse("5 */2 * * *", &c, NULL, 0);
    ok(!cron_is_fixed_time(&c), "*/2 in hours: follows the wall clock");

    ok(same_cron(" \t30  1 * *\t* ", "30 1 * * *"), "spaces and tabs around and between fields");
    ok(same_cron("00 007 01 01 00", "0 7 1 1 0"), "leading zeros");
    ok(same_cron("@hourly", "0 * * * *"), "@hourly");
    ok(same_cron("@daily", "0 0 * * *"), "@daily");
    ok(same_cron("@midnight", "0 0 * * *"), "@midnight");
    ok(same_cron("@weekly", "0 0 * * 0"), "@weekly");
    ok(same_cron("@monthly", "0 0 1 * *"), "@monthly");
    ok(same_cron("@yearly", "0 0 1 1 *"), "@yearly");
    ok(same_cron("@annually", "0 0 1 1 *"), "@annually");
    ok(same_cron("  @DAILY ", "0 0 * * *"), "shorthands in any case, with spaces");
    ok(same_cron("0 0 29 2 *", "0 0 29 FEB *"), "29 February is allowed");
    ok(same_cron("0 0 31 2 MON", "0 0 31 2 1"), "31 February with a weekday: fires on Mondays");
    ok(same_cron("0-59 0-23 1-31 1-12 0-6", "0-59 0-23 1-31 1-12 0-6"), "full ranges");
}

static void test_parse_errors(void)
{
    char longexpr[CRON_MAX_LEN + 2];
    char err[256];
    struct cron c;

    is_str(perr(""), "the expression is empty: it needs five fields, minute hour day-of-month "
                     "month day-of-week", "empty");
    is_str(perr(" \t "), "the expression is empty: it needs five fields, minute hour "
                         "day-of-month month day-of-week", "blank");
    is_str(perr("* * * *"),
           "expected 5 fields (minute hour day-of-month month day-of-week), got 4", "4 fields");
    is_str(perr("0 0 * * * *"),
           "expected 5 fields (minute hour day-of-month month day-of-week), got 6 (seconds and "
           "years are not supported)", "6 fields");
    is_str(perr("60 * * * *"), "field 1 (minute): 60 is out of range 0-59", "minute 60");
    is_str(perr("0 24 * * *"), "field 2 (hour): 24 is out of range 0-23", "hour 24");
    is_str(perr("0 0 0 * *"), "field 3 (day-of-month): 0 is out of range 1-31", "day 0");
    is_str(perr("0 0 32 * *"), "field 3 (day-of-month): 32 is out of range 1-31", "day 32");
    is_str(perr("0 0 * 0 *"), "field 4 (month): 0 is out of range 1-12", "month 0");
    is_str(perr("0 0 * 13 *"), "field 4 (month): 13 is out of range 1-12", "month 13");
    is_str(perr("0 0 * * 8"), "field 5 (day-of-week): 8 is out of range 0-7", "weekday 8");
    is_str(perr("99999999999999999999 * * * *"),
           "field 1 (minute): 99999999999999999999 is out of range 0-59", "a huge number");
    is_str(perr("0 1-24 * * *"), "field 2 (hour): 24 is out of range 0-23",
           "the end of a range out of range");
    is_str(perr("5-1 * * * *"), "field 1 (minute): range 5-1 runs backwards", "backwards range");
    is_str(perr("0 0 * * FRI-MON"), "field 5 (day-of-week): range FRI-MON runs backwards",
           "backwards day range (no wrapping)");
    is_str(perr("5- * * * *"), "field 1 (minute): range '5-' has no end", "range without end");
    is_str(perr("*-5 * * * *"), "field 1 (minute): '*' cannot start a range", "*-5");
    is_str(perr("1-2-3 * * * *"), "field 1 (minute): unexpected '-' after '1-2'", "1-2-3");
    is_str(perr("*/0 * * * *"), "field 1 (minute): step 0 is out of range 1-59", "step 0");
    is_str(perr("*/60 * * * *"), "field 1 (minute): step 60 is out of range 1-59", "step 60");
    is_str(perr("0 */24 * * *"), "field 2 (hour): step 24 is out of range 1-23", "hour step 24");
    is_str(perr("0 0 */32 * *"), "field 3 (day-of-month): step 32 is out of range 1-31",
           "day step 32");
    is_str(perr("0 0 * */13 *"), "field 4 (month): step 13 is out of range 1-12",
           "month step 13");
    is_str(perr("0 0 * * */8"), "field 5 (day-of-week): step 8 is out of range 1-7",
           "weekday step 8");
    is_str(perr("*/ * * * *"), "field 1 (minute): '/' needs a step after it", "no step");
    is_str(perr("*/x * * * *"), "field 1 (minute): step 'x' is not a number", "step not a number");
    is_str(perr("*/-1 * * * *"), "field 1 (minute): unexpected '-' where a step should be",
           "negative step");
    is_str(perr("*/5/2 * * * *"), "field 1 (minute): unexpected '/' after '*/5'", "two steps");
    is_str(perr("1,,2 * * * *"), "field 1 (minute): an empty item in the list '1,,2'",
           "empty list item");
    is_str(perr("0 1, * * *"), "field 2 (hour): an empty item in the list '1,'",
           "trailing comma");
    is_str(perr("0 0 ,1 * *"), "field 3 (day-of-month): an empty item in the list ',1'",
           "leading comma");
    is_str(perr("5a * * * *"), "field 1 (minute): '5a' is not a number", "5a");
    is_str(perr("-5 * * * *"), "field 1 (minute): unexpected '-' where a value should be",
           "a negative number");
    is_str(perr("0 JAN * * *"), "field 2 (hour): 'JAN' is not a number", "a name in hours");
    is_str(perr("0 0 L * *"), "field 3 (day-of-month): 'L' is not a number", "Quartz L");
    is_str(perr("0 0 ? * MON"),
           "field 3 (day-of-month): unexpected '?' (not supported: use '*')", "Quartz ?");
    is_str(perr("0 0 * * 1#2"), "field 5 (day-of-week): unexpected '#' after '1'", "Quartz #");
    is_str(perr("0 0 * FOO *"), "field 4 (month): unknown month name 'FOO' (JAN-DEC)",
           "an unknown month");
    is_str(perr("0 0 * JANUARY *"), "field 4 (month): unknown month name 'JANUARY' (JAN-DEC)",
           "a full month name");
    is_str(perr("0 0 * * MONDAY"), "field 5 (day-of-week): unknown day name 'MONDAY' (SUN-SAT)",
           "a full day name");
    is_str(perr("0 0 * * \x01"),
           "field 5 (day-of-week): unexpected byte 0x01 where a value should be",
           "a control character");
    is_str(perr("0 0 * * 1\xc3\xa9"), "field 5 (day-of-week): unexpected byte 0xc3 after '1'",
           "a non-ASCII byte");
    is_str(perr("0\n0 * * *"), "expected 5 fields (minute hour day-of-month month day-of-week), "
                               "got 4", "a newline is not a separator");
    is_str(perr("0 0 31 2 *"),
           "field 3 (day-of-month): none of these days comes in the months of field 4 (month), "
           "so the expression never fires", "31 February never fires");
    is_str(perr("0 0 30,31 FEB *"),
           "field 3 (day-of-month): none of these days comes in the months of field 4 (month), "
           "so the expression never fires", "30 and 31 February never fire");
    is_str(perr("0 0 31 4,6,9,11 */2"),
           "field 3 (day-of-month): none of these days comes in the months of field 4 (month), "
           "so the expression never fires", "31 in 30-day months with a '*' weekday");
    is_str(perr("0 0 31 4,6,9,11 1"), "", "but with a restricted weekday it fires (either)");
    is_str(perr("@reboot"), "@reboot is not supported: schedules run at times of day", "@reboot");
    is_str(perr("@fortnightly"),
           "unknown shorthand '@fortnightly' (@hourly, @daily, @midnight, @weekly, @monthly, "
           "@yearly or @annually)", "an unknown shorthand");
    is_str(perr("@daily 5"), "@daily takes no fields after it", "a shorthand with fields");
    is_str(perr("@"), "unknown shorthand '@' (@hourly, @daily, @midnight, @weekly, @monthly, "
                      "@yearly or @annually)", "a lone @");
    memset(longexpr, ' ', sizeof longexpr - 1);
    longexpr[sizeof longexpr - 1] = '\0';
    memcpy(longexpr, "* * * * *", 9);
    is_str(perr(longexpr), "the expression is longer than 1024 characters", "too long");
    longexpr[CRON_MAX_LEN] = '\0';
    is_str(perr(longexpr), "", "1024 characters is fine");
    is_str(perr(NULL), "no expression", "NULL");

    memset(&c, 0xff, sizeof c);
    ok(cron_parse("61 * * * *", &c, NULL, 0) != 0, "an error with err = NULL");
    ok(c.minutes == 0 && c.flags == 0, "and the result is zeroed");
    ok(cron_parse("61 * * * *", &c, err, 10) != 0 && strlen(err) == 9,
       "a short err buffer is truncated, NUL-terminated");
    ok(cron_parse("* * * * *", &c, err, sizeof err) == 0 && err[0] == '\0',
       "success clears err");
}

/* ---------------------------------------------------------------- next: common */

static void test_next_common(void)
{
    is_str(seq("* * * * *", "UTC", utc(2026, 1, 1, 12, 0) + 30, 3),
           "2026-01-01 12:01 UTC (+00:00) | 2026-01-01 12:02 UTC (+00:00) | "
           "2026-01-01 12:03 UTC (+00:00)", "every minute, from a time with seconds");
    is_str(seq("*/15 * * * *", "UTC", utc(2026, 1, 1, 12, 0), 5),
           "2026-01-01 12:15 UTC (+00:00) | 2026-01-01 12:30 UTC (+00:00) | "
           "2026-01-01 12:45 UTC (+00:00) | 2026-01-01 13:00 UTC (+00:00) | "
           "2026-01-01 13:15 UTC (+00:00)", "every 15 minutes, strictly after a fire time");
    ok(next1("*/15 * * * *", "UTC", utc(2026, 1, 1, 12, 15) - 1) == utc(2026, 1, 1, 12, 15),
       "one second before a fire time: that fire time");
    ok(next1("*/15 * * * *", "UTC", utc(2026, 1, 1, 12, 15)) == utc(2026, 1, 1, 12, 30),
       "at a fire time: the next one");
    is_str(seq("0 9-17 * * MON-FRI", "UTC", utc(2026, 1, 2, 16, 30), 3),
           "2026-01-02 17:00 UTC (+00:00) | 2026-01-05 09:00 UTC (+00:00) | "
           "2026-01-05 10:00 UTC (+00:00)", "office hours skip the weekend");
    is_str(seq("@hourly", "UTC", utc(2026, 12, 31, 22, 10), 3),
           "2026-12-31 23:00 UTC (+00:00) | 2027-01-01 00:00 UTC (+00:00) | "
           "2027-01-01 01:00 UTC (+00:00)", "@hourly across a new year");
    is_str(seq("@weekly", "UTC", utc(2026, 1, 1, 0, 0), 2),
           "2026-01-04 00:00 UTC (+00:00) | 2026-01-11 00:00 UTC (+00:00)", "@weekly: Sundays");
    is_str(seq("@monthly", "UTC", utc(2026, 1, 15, 0, 0), 3),
           "2026-02-01 00:00 UTC (+00:00) | 2026-03-01 00:00 UTC (+00:00) | "
           "2026-04-01 00:00 UTC (+00:00)", "@monthly");
    is_str(seq("@yearly", "UTC", utc(2026, 1, 1, 0, 0), 2),
           "2027-01-01 00:00 UTC (+00:00) | 2028-01-01 00:00 UTC (+00:00)", "@yearly");
    is_str(seq("0 6 * * 1", "Europe/London", utc(2026, 1, 1, 0, 0), 3),
           "2026-01-05 06:00 GMT (+00:00) | 2026-01-12 06:00 GMT (+00:00) | "
           "2026-01-19 06:00 GMT (+00:00)", "weekly on Mondays (the example configuration)");
    is_str(seq("0 0 * * 7", "UTC", utc(2026, 1, 1, 0, 0), 1), "2026-01-04 00:00 UTC (+00:00)",
           "7 is Sunday");
    is_str(seq("15 10 * 2 *", "UTC", utc(2026, 2, 28, 10, 15), 2),
           "2027-02-01 10:15 UTC (+00:00) | 2027-02-02 10:15 UTC (+00:00)",
           "the end of the only month: the next year");
    is_str(seq("0 12 1-7 * 1", "UTC", utc(2026, 3, 1, 0, 0), 4),
           "2026-03-01 12:00 UTC (+00:00) | 2026-03-02 12:00 UTC (+00:00) | "
           "2026-03-03 12:00 UTC (+00:00) | 2026-03-04 12:00 UTC (+00:00)",
           "days 1-7 or Mondays (both restricted: either)");
}

static void test_month_ends_and_leap_days(void)
{
    is_str(seq("0 0 31 * *", "UTC", utc(2026, 1, 31, 0, 0), 6),
           "2026-03-31 00:00 UTC (+00:00) | 2026-05-31 00:00 UTC (+00:00) | "
           "2026-07-31 00:00 UTC (+00:00) | 2026-08-31 00:00 UTC (+00:00) | "
           "2026-10-31 00:00 UTC (+00:00) | 2026-12-31 00:00 UTC (+00:00)",
           "the 31st only in 31-day months");
    is_str(seq("0 0 30 * *", "UTC", utc(2026, 1, 30, 0, 0), 2),
           "2026-03-30 00:00 UTC (+00:00) | 2026-04-30 00:00 UTC (+00:00)",
           "the 30th skips February");
    is_str(seq("0 0 29 * *", "UTC", utc(2026, 1, 29, 0, 0), 1), "2026-03-29 00:00 UTC (+00:00)",
           "the 29th skips February 2026");
    is_str(seq("0 0 29 * *", "UTC", utc(2028, 1, 29, 0, 0), 1), "2028-02-29 00:00 UTC (+00:00)",
           "but not February 2028");
    is_str(seq("0 0 29 2 *", "UTC", utc(2025, 1, 1, 0, 0), 3),
           "2028-02-29 00:00 UTC (+00:00) | 2032-02-29 00:00 UTC (+00:00) | "
           "2036-02-29 00:00 UTC (+00:00)", "29 February: only in leap years");
    is_str(seq("0 0 29 2 *", "Europe/London", utc(2096, 3, 1, 0, 0), 2),
           "2104-02-29 00:00 GMT (+00:00) | 2108-02-29 00:00 GMT (+00:00)",
           "2100 is not a leap year");
    is_str(seq("0 0 29 2 *", "UTC", utc(2399, 3, 1, 0, 0), 1), "2400-02-29 00:00 UTC (+00:00)",
           "2400 is");
    is_str(seq("0 0 29 2 */7", "UTC", utc(2025, 1, 1, 0, 0), 2),
           "2032-02-29 00:00 UTC (+00:00) | 2060-02-29 00:00 UTC (+00:00)",
           "29 February on a Sunday ('*' weekday: both must match)");
    is_str(seq("0 0 L * *", "UTC", 0, 1), "error: field 3 (day-of-month): 'L' is not a number",
           "no 'last day' syntax");
    is_str(seq("59 23 28-31 * *", "UTC", utc(2026, 2, 27, 0, 0), 3),
           "2026-02-28 23:59 UTC (+00:00) | 2026-03-28 23:59 UTC (+00:00) | "
           "2026-03-29 23:59 UTC (+00:00)", "28-31 in February and March");
}

static void test_dom_dow(void)
{
    /* 13 March 2026 is a Friday. */
    is_str(seq("0 0 13 * 5", "UTC", utc(2026, 3, 1, 0, 0), 4),
           "2026-03-06 00:00 UTC (+00:00) | 2026-03-13 00:00 UTC (+00:00) | "
           "2026-03-20 00:00 UTC (+00:00) | 2026-03-27 00:00 UTC (+00:00)",
           "the 13th or Fridays (once on Friday the 13th)");
    is_str(seq("0 0 1 * MON", "UTC", utc(2026, 3, 25, 0, 0), 3),
           "2026-03-30 00:00 UTC (+00:00) | 2026-04-01 00:00 UTC (+00:00) | "
           "2026-04-06 00:00 UTC (+00:00)", "the 1st or Mondays");
    is_str(seq("0 0 * * MON", "UTC", utc(2026, 3, 1, 0, 0), 2),
           "2026-03-02 00:00 UTC (+00:00) | 2026-03-09 00:00 UTC (+00:00)",
           "'*' day-of-month: Mondays only");
    is_str(seq("0 0 1 * *", "UTC", utc(2026, 3, 1, 0, 0), 2),
           "2026-04-01 00:00 UTC (+00:00) | 2026-05-01 00:00 UTC (+00:00)",
           "'*' day-of-week: the 1st only");
    /* Mondays in March 2026: 2, 9, 16, 23, 30. Odd days: 1, 3, ... */
    is_str(seq("0 0 */2 * 1", "UTC", utc(2026, 3, 1, 0, 0), 3),
           "2026-03-09 00:00 UTC (+00:00) | 2026-03-23 00:00 UTC (+00:00) | "
           "2026-04-13 00:00 UTC (+00:00)",
           "*/2 counts as '*' (Vixie cron, cronie): odd days that are Mondays");
    is_str(seq("0 0 1-31/2 * 1", "UTC", utc(2026, 3, 1, 0, 0), 4),
           "2026-03-02 00:00 UTC (+00:00) | 2026-03-03 00:00 UTC (+00:00) | "
           "2026-03-05 00:00 UTC (+00:00) | 2026-03-07 00:00 UTC (+00:00)",
           "1-31/2 is restricted: odd days or Mondays");
    ok(cron_matches(&(struct cron){ 0 }, 2026, 1, 1, 0, 0) == false, "an empty cron matches nothing");
    struct cron c;
    cron_parse("30 1 13 * FRI", &c, NULL, 0);
    ok(cron_matches(&c, 2026, 3, 13, 1, 30), "matches Friday 13th");
    ok(cron_matches(&c, 2026, 3, 14 - 1 + 7, 1, 30), "matches a Friday");
    ok(cron_matches(&c, 2026, 4, 13, 1, 30), "matches a Monday the 13th");
    ok(!cron_matches(&c, 2026, 4, 14, 1, 30), "not a Tuesday the 14th");
    ok(!cron_matches(&c, 2026, 3, 13, 1, 31), "not another minute");
    ok(!cron_matches(&c, 2026, 2, 30, 1, 30), "not a day that does not exist");
}

/* ---------------------------------------------------------------- clock changes */

static void test_london(void)
{
    const char *L = "Europe/London";

    /* 29 March 2026: 01:00 GMT -> 02:00 BST; 01:00-02:00 does not exist. */
    is_str(seq("30 1 * * *", L, utc(2026, 3, 27, 12, 0), 4),
           "2026-03-28 01:30 GMT (+00:00) | 2026-03-29 02:00 BST (+01:00) | "
           "2026-03-30 01:30 BST (+01:00) | 2026-03-31 01:30 BST (+01:00)",
           "spring: 01:30 daily runs once, at the jump (02:00 BST)");
    ok(next1("30 1 * * *", L, utc(2026, 3, 29, 0, 59)) == utc(2026, 3, 29, 1, 0),
       "spring: a minute before the jump, the jump");
    ok(next1("30 1 * * *", L, utc(2026, 3, 29, 1, 0) - 1) == utc(2026, 3, 29, 1, 0),
       "spring: a second before the jump, the jump");
    ok(next1("30 1 * * *", L, utc(2026, 3, 29, 1, 0)) == utc(2026, 3, 30, 0, 30),
       "spring: at the jump (just run): tomorrow");
    is_str(seq("0,30 1 * * *", L, utc(2026, 3, 28, 23, 0), 2),
           "2026-03-29 02:00 BST (+01:00) | 2026-03-30 01:00 BST (+01:00)",
           "spring: two skipped times run once");
    is_str(seq("0 1,2 * * *", L, utc(2026, 3, 28, 23, 0), 2),
           "2026-03-29 02:00 BST (+01:00) | 2026-03-30 01:00 BST (+01:00)",
           "spring: a skipped time and the time after the jump run once");
    is_str(seq("30 2 * * *", L, utc(2026, 3, 28, 23, 0), 1), "2026-03-29 02:30 BST (+01:00)",
           "spring: 02:30 exists");
    is_str(seq("0 * * * *", L, utc(2026, 3, 28, 23, 30), 4),
           "2026-03-29 00:00 GMT (+00:00) | 2026-03-29 02:00 BST (+01:00) | "
           "2026-03-29 03:00 BST (+01:00) | 2026-03-29 04:00 BST (+01:00)",
           "spring: hourly skips 01:00 (the hour is 60 real minutes)");
    is_str(seq("*/15 * * * *", L, utc(2026, 3, 29, 0, 30), 4),
           "2026-03-29 00:45 GMT (+00:00) | 2026-03-29 02:00 BST (+01:00) | "
           "2026-03-29 02:15 BST (+01:00) | 2026-03-29 02:30 BST (+01:00)",
           "spring: every 15 minutes carries on in real time");
    is_str(seq("*/10 1 * * *", L, utc(2026, 3, 28, 1, 45), 2),
           "2026-03-28 01:50 GMT (+00:00) | 2026-03-30 01:00 BST (+01:00)",
           "spring: a '*' minute in a fixed hour: that hour is skipped");

    /* 25 October 2026: 02:00 BST -> 01:00 GMT; 01:00-02:00 happens twice. */
    is_str(seq("30 1 * * *", L, utc(2026, 10, 23, 12, 0), 4),
           "2026-10-24 01:30 BST (+01:00) | 2026-10-25 01:30 BST (+01:00) | "
           "2026-10-26 01:30 GMT (+00:00) | 2026-10-27 01:30 GMT (+00:00)",
           "autumn: 01:30 daily runs once, at the first 01:30");
    ok(next1("30 1 * * *", L, utc(2026, 10, 25, 0, 30)) == utc(2026, 10, 26, 1, 30),
       "autumn: after the first 01:30, not the second");
    ok(next1("30 1 * * *", L, utc(2026, 10, 25, 1, 10)) == utc(2026, 10, 26, 1, 30),
       "autumn: from inside the second 01:00-02:00, not the second 01:30");
    is_str(seq("0 * * * *", L, utc(2026, 10, 24, 22, 30), 4),
           "2026-10-25 00:00 BST (+01:00) | 2026-10-25 01:00 BST (+01:00) | "
           "2026-10-25 01:00 GMT (+00:00) | 2026-10-25 02:00 GMT (+00:00)",
           "autumn: hourly runs at both 01:00s (every real hour)");
    is_str(seq("*/15 * * * *", L, utc(2026, 10, 25, 0, 40), 6),
           "2026-10-25 01:45 BST (+01:00) | 2026-10-25 01:00 GMT (+00:00) | "
           "2026-10-25 01:15 GMT (+00:00) | 2026-10-25 01:30 GMT (+00:00) | "
           "2026-10-25 01:45 GMT (+00:00) | 2026-10-25 02:00 GMT (+00:00)",
           "autumn: every 15 minutes carries on in real time");
    is_str(seq("0 1 * * *", L, utc(2026, 10, 24, 12, 0), 2),
           "2026-10-25 01:00 BST (+01:00) | 2026-10-26 01:00 GMT (+00:00)",
           "autumn: 01:00 daily once");
    is_str(seq("0 2 * * *", L, utc(2026, 10, 24, 12, 0), 2),
           "2026-10-25 02:00 GMT (+00:00) | 2026-10-26 02:00 GMT (+00:00)",
           "autumn: 02:00 daily (after the repeat) once");
    is_str(seq("@daily", L, utc(2026, 3, 27, 12, 0), 3),
           "2026-03-28 00:00 GMT (+00:00) | 2026-03-29 00:00 GMT (+00:00) | "
           "2026-03-30 00:00 BST (+01:00)", "@daily around the spring change");

    /* Years beyond 2037, where the zone file's rule takes over from its table. */
    is_str(seq("30 1 * * *", L, utc(2040, 3, 24, 12, 0), 2),
           "2040-03-25 02:00 BST (+01:00) | 2040-03-26 01:30 BST (+01:00)",
           "spring 2040 (25 March)");
    is_str(seq("30 1 * * *", L, utc(2052, 10, 26, 12, 0), 2),
           "2052-10-27 01:30 BST (+01:00) | 2052-10-28 01:30 GMT (+00:00)",
           "autumn 2052 (27 October)");

    struct tz *tz;
    time_t t;
    struct tz_local l;
    ok(tz_load(L, &tz, NULL, 0) == 0, "load Europe/London");
    is_str(tz_name(tz), "Europe/London", "its name");
    ok(tz_mktime(tz, 2026, 3, 29, 1, 30, 0, &t, NULL, 0) == 0 && t == utc(2026, 3, 29, 1, 0),
       "tz_mktime: a skipped time is the jump");
    ok(tz_mktime(tz, 2026, 10, 25, 1, 30, 0, &t, NULL, 0) == 0 && t == utc(2026, 10, 25, 0, 30),
       "tz_mktime: a repeated time is its first occurrence");
    ok(tz_mktime(tz, 2026, 7, 1, 12, 0, 0, &t, NULL, 0) == 0 && t == utc(2026, 7, 1, 11, 0),
       "tz_mktime: summer");
    ok(tz_localtime(tz, utc(2026, 7, 1, 11, 0), &l, NULL, 0) == 0 && l.hour == 12 &&
           l.offset == 3600 && l.dst && strcmp(l.abbr, "BST") == 0 && l.weekday == 3,
       "tz_localtime: summer");
    ok(tz_localtime(tz, utc(1970, 1, 1, 0, 0), &l, NULL, 0) == 0 && l.hour == 1 &&
           strcmp(l.abbr, "BST") == 0, "1970: British Standard Time, +01:00 all year");
    char err[256];
    is_int(tz_mktime(tz, 2026, 2, 29, 0, 0, 0, &t, err, sizeof err), 65, "29 February 2026");
    is_str(err, "2026-02-29 00:00:00 is not a real time", "is not a real time");
    tz_free(tz);
}

static void test_other_zones(void)
{
    /* No daylight saving time. */
    is_str(seq("30 1 * * *", "UTC", utc(2026, 3, 28, 0, 0), 3),
           "2026-03-28 01:30 UTC (+00:00) | 2026-03-29 01:30 UTC (+00:00) | "
           "2026-03-30 01:30 UTC (+00:00)", "UTC: 01:30 every day");
    is_str(seq("0 9 * * *", "Asia/Kolkata", utc(2026, 3, 28, 0, 0), 2),
           "2026-03-28 09:00 IST (+05:30) | 2026-03-29 09:00 IST (+05:30)", "Kolkata: +05:30");
    /*
     * Sydney: DST ends Sunday 5 April 2026 (03:00 AEDT -> 02:00 AEST, 02:00-03:00
     * twice) and starts Sunday 4 October 2026 (02:00 AEST -> 03:00 AEDT, skipped).
     */
    const char *S = "Australia/Sydney";
    is_str(seq("30 2 * * *", S, utc(2026, 4, 3, 12, 0), 3),
           "2026-04-04 02:30 AEDT (+11:00) | 2026-04-05 02:30 AEDT (+11:00) | "
           "2026-04-06 02:30 AEST (+10:00)", "Sydney, April: 02:30 once, the first");
    is_str(seq("30 2 * * *", S, utc(2026, 10, 2, 12, 0), 3),
           "2026-10-03 02:30 AEST (+10:00) | 2026-10-04 03:00 AEDT (+11:00) | "
           "2026-10-05 02:30 AEDT (+11:00)", "Sydney, October: 02:30 at the jump");
    is_str(seq("0 * * * *", S, utc(2026, 4, 4, 14, 30), 3),
           "2026-04-05 02:00 AEDT (+11:00) | 2026-04-05 02:00 AEST (+10:00) | "
           "2026-04-05 03:00 AEST (+10:00)", "Sydney, April: hourly at both 02:00s");
    is_str(seq("0 0 1 1 *", S, utc(2026, 6, 1, 0, 0), 1), "2027-01-01 00:00 AEDT (+11:00)",
           "Sydney: summer at New Year");
    /* Lord Howe Island moves its clocks by half an hour. */
    is_str(seq("15 2 * * *", "Australia/Lord_Howe", utc(2026, 10, 3, 0, 0), 2),
           "2026-10-04 02:30 +11 (+11:00) | 2026-10-05 02:15 +11 (+11:00)",
           "Lord Howe: 02:15 skipped by a half-hour jump runs at 02:30");
    /* São Paulo (DST until 2019) jumped at midnight: 4 November 2018 00:00 -> 01:00. */
    is_str(seq("@daily", "America/Sao_Paulo", utc(2018, 11, 2, 12, 0), 3),
           "2018-11-03 00:00 -03 (-03:00) | 2018-11-04 01:00 -02 (-02:00) | "
           "2018-11-05 00:00 -02 (-02:00)", "São Paulo: a skipped midnight runs at 01:00");
    /* Samoa skipped 30 December 2011 altogether. */
    is_str(seq("0 12 * * *", "Pacific/Apia", utc(2011, 12, 28, 0, 0), 3),
           "2011-12-28 12:00 -10 (-10:00) | 2011-12-29 12:00 -10 (-10:00) | "
           "2011-12-31 00:00 +14 (+14:00)", "Samoa: noon on a skipped day runs at the jump");
    is_str(seq("0 12 * * *", "Pacific/Apia", utc(2011, 12, 30, 10, 0), 2),
           "2011-12-31 12:00 +14 (+14:00) | 2012-01-01 12:00 +14 (+14:00)",
           "and then daily again");
}

static void test_posix_rules(void)
{
    struct tz *a, *b;
    char err[256];
    time_t ta, tb;
    struct cron c;
    int same = 1;

    ok(tz_from_posix("GMT0BST,M3.5.0/1,M10.5.0", &a, err, sizeof err) == 0,
       "a POSIX rule for the UK");
    ok(tz_load("Europe/London", &b, err, sizeof err) == 0, "and the zone file");
    cron_parse("*/20 0-3 * * *", &c, NULL, 0);
    ta = tb = utc(2026, 1, 1, 0, 0);
    for (int i = 0; i < 2000 && same; i++) {
        cron_next_tz(&c, a, ta, &ta, NULL, 0);
        cron_next_tz(&c, b, tb, &tb, NULL, 0);
        same = ta == tb;
    }
    ok(same, "agree on 2000 fire times across 2026 and 2027");
    tz_free(a);
    tz_free(b);

    ok(tz_from_posix("<+0330>-3:30", &a, err, sizeof err) == 0, "a quoted name, half hours");
    char buf[TZ_FORMAT_SIZE];
    tz_format(a, utc(2026, 1, 1, 0, 0), buf, sizeof buf);
    is_str(buf, "2026-01-01 03:30 +0330 (+03:30)", "formatted");
    tz_free(a);
    ok(tz_from_posix("EST5EDT", &a, err, sizeof err) == 0, "no rule: the US one");
    tz_format(a, utc(2026, 3, 8, 7, 0), buf, sizeof buf);
    is_str(buf, "2026-03-08 03:00 EDT (-04:00)", "second Sunday of March");
    tz_format(a, utc(2026, 11, 1, 6, 0), buf, sizeof buf);
    is_str(buf, "2026-11-01 01:00 EST (-05:00)", "first Sunday of November");
    tz_free(a);
    ok(tz_from_posix("XXX-1YYY,J60/0,300/25", &a, err, sizeof err) == 0, "Julian days, 25:00");
    tz_format(a, utc(2028, 3, 1, 0, 0), buf, sizeof buf);
    is_str(buf, "2028-03-01 02:00 YYY (+02:00)", "J60 is 1 March even in a leap year");
    tz_free(a);
    ok(tz_from_posix("LMT-0:01:15", &a, err, sizeof err) == 0, "offsets with seconds");
    tz_format(a, utc(2026, 1, 1, 0, 0), buf, sizeof buf);
    is_str(buf, "2026-01-01 00:01:15 LMT (+00:01:15)", "shown with seconds");
    tz_free(a);
    is_int(tz_from_posix("GMT", &a, err, sizeof err), 65, "a name without an offset");
    is_str(err, "'GMT' is not a POSIX TZ rule", "is refused");
    ok(tz_from_posix("GM0", &a, NULL, 0) != 0, "a two-letter name");
    ok(tz_from_posix("GMT0BST,M3.5.0", &a, NULL, 0) != 0, "a start without an end");
    ok(tz_from_posix("GMT0BST,M13.5.0,M10.5.0", &a, NULL, 0) != 0, "month 13");
    ok(tz_from_posix("GMT25", &a, NULL, 0) != 0, "25 hours");
    ok(tz_from_posix("GMT0BST,M3.5.0/168,M10.5.0", &a, NULL, 0) != 0, "a time past 167 hours");
}

/* seq() in a zone from a POSIX TZ rule. */
static const char *pseq(const char *expr, const char *rule, time_t after, int n)
{
    static char out[1024];
    char err[256], buf[TZ_FORMAT_SIZE];
    struct cron c;
    struct tz *tz;
    time_t t = after;

    out[0] = '\0';
    if (cron_parse(expr, &c, err, sizeof err) || tz_from_posix(rule, &tz, err, sizeof err)) {
        snprintf(out, sizeof out, "error: %s", err);
        return out;
    }
    for (int i = 0; i < n && cron_next_tz(&c, tz, t, &t, err, sizeof err) == 0; i++) {
        tz_format(tz, t, buf, sizeof buf);
        snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", i ? " | " : "", buf);
    }
    tz_free(tz);
    return out;
}

/*
 * The invariants tests/fuzz/fuzz_cron.c checks, for 6 fire times of each of
 * a few expressions from every 5 h 23 min in [from, to): each fire time is
 * after the one before, asking from a second before it finds it again, and
 * its wall-clock time matches unless it is a fixed-time job at a jump
 * forward. Returns how many of the walks broke one (0 when all hold).
 */
static int walk_failures(const char *rule, time_t from, time_t to)
{
    static const char *const exprs[] = { "30 1 * * *", "*/15 * * * *", "0 12 26 12 *",
                                         "@hourly" };
    struct tz *tz;
    int failures = 0;

    if (tz_from_posix(rule, &tz, NULL, 0))
        return -1;
    for (size_t e = 0; e < sizeof exprs / sizeof exprs[0]; e++) {
        struct cron c;
        cron_parse(exprs[e], &c, NULL, 0);
        for (time_t after = from; after < to; after += 5 * 3600 + 23 * 60) {
            time_t t = after, next, again;
            for (int i = 0; i < 6; i++) {
                struct tz_local l, before;
                bool broken = cron_next_tz(&c, tz, t, &next, NULL, 0) != 0 || next <= t ||
                              (next - 1 > t && (cron_next_tz(&c, tz, next - 1, &again, NULL, 0) ||
                                                again != next)) ||
                              tz_localtime(tz, next, &l, NULL, 0) != 0;
                if (!broken && !cron_matches(&c, l.year, l.month, l.day, l.hour, l.minute))
                    broken = !cron_is_fixed_time(&c) ||
                             tz_localtime(tz, next - 1, &before, NULL, 0) != 0 ||
                             before.offset >= l.offset;
                if (broken) {
                    if (failures++ == 0)
                        printf("# %s \"%s\": broken from %lld (fire time %d)\n", rule, exprs[e],
                               (long long)t, i + 1);
                    break;
                }
                t = next;
            }
        }
    }
    tz_free(tz);
    return failures;
}

/*
 * Rules whose changes fall outside their own year (day 365 of a common year
 * is 1 January of the next; times run from -167 to 167 hours), found by
 * scripts/fuzz: each year's changes must be read with its neighbours', and
 * DST that ends after the next year's start is DST all year.
 */
static void test_degenerate_posix_rules(void)
{
    struct tz *a;
    char err[256], buf[TZ_FORMAT_SIZE];
    const char *crash = "ETZiFET5EDT,00,0365/52"; /* build-fuzz/crash-6875eec2... */

    ok(tz_from_posix(crash, &a, err, sizeof err) == 0,
       "DST from 1 January 02:00 to 3 January 04:00 of the next year: accepted");
    tz_format(a, utc(2100, 1, 2, 12, 0), buf, sizeof buf);
    is_str(buf, "2100-01-02 08:00 EDT (-04:00)", "it is DST on 2 January");
    tz_format(a, utc(2100, 7, 1, 12, 0), buf, sizeof buf);
    is_str(buf, "2100-07-01 08:00 EDT (-04:00)", "and in July: no room is left for standard time");
    tz_free(a);
    is_str(pseq("30 1 * * *", crash, 4102381800, 3),
           "2100-01-01 01:30 EDT (-04:00) | 2100-01-02 01:30 EDT (-04:00) | "
           "2100-01-03 01:30 EDT (-04:00)",
           "the fuzzer's walk over New Year 2100 fires daily");
    is_int(walk_failures(crash, utc(2099, 12, 20, 0, 0), utc(2100, 1, 10, 0, 0)), 0,
           "and keeps the fuzzer's invariants around New Year");

    /* A regular rule whose 3 days of DST are all in the December before. */
    const char *early = "AAA0BBB,J1/-167,J1/-100";
    is_str(pseq("0 12 26 12 *", early, utc(2099, 12, 28, 0, 0), 2),
           "2100-12-26 12:00 BBB (+01:00) | 2101-12-26 12:00 BBB (+01:00)",
           "DST a year's changes bring into the December before: seen from the year before");
    is_int(walk_failures(early, utc(2099, 12, 20, 0, 0), utc(2101, 1, 10, 0, 0)), 0,
           "and the fuzzer's invariants hold over two New Years");

    ok(tz_from_posix("EST5EDT,0/0,J365/25", &a, err, sizeof err) == 0,
       "POSIX's own DST all year");
    tz_format(a, utc(2026, 1, 1, 2, 0), buf, sizeof buf);
    is_str(buf, "2025-12-31 22:00 EDT (-04:00)", "is DST over New Year too");
    tz_free(a);
    ok(tz_from_posix("ZZZ0YYY,J365/100,J1/-100", &a, err, sizeof err) == 0,
       "standard time from 28 December to 4 January of the year after next");
    tz_format(a, utc(2026, 6, 1, 0, 0), buf, sizeof buf);
    is_str(buf, "2026-06-01 00:00 ZZZ (+00:00)", "is no DST");
    tz_free(a);
    ok(tz_from_posix("ZZZ0YYY,J100/2,J100/3", &a, err, sizeof err) == 0,
       "DST that starts and ends at the same instant");
    tz_format(a, utc(2026, 4, 10, 2, 0), buf, sizeof buf);
    is_str(buf, "2026-04-10 02:00 ZZZ (+00:00)", "is no DST");
    tz_free(a);

    is_int(tz_from_posix("AAA0BBB,M1.1.0/0,365/48", &a, err, sizeof err), 65,
           "DST longer than a year in some years only");
    is_str(err,
           "'AAA0BBB,M1.1.0/0,365/48' is not a usable POSIX TZ rule: its dates do not fall the "
           "same way every year (in 2001 daylight saving time starts, then ends; in 2005 it "
           "lasts the whole year)",
           "is refused, saying why");
    is_int(tz_from_posix("AAA0BBB,J365/30,365/30", &a, err, sizeof err), 65,
           "start and end that swap order in leap years");
    is_str(err,
           "'AAA0BBB,J365/30,365/30' is not a usable POSIX TZ rule: its dates do not fall the "
           "same way every year (in 2001 daylight saving time starts, then ends; in 2004 it "
           "ends, then starts)",
           "are refused");
    /* build-fuzz/crash-916c9531...: a form feed where a date should be. */
    is_int(tz_from_posix("XXX-1YYY,\fJ60/0,05@w!e", &a, err, sizeof err), 65,
           "a control character in the rule");
    is_str(err, "'XXX-1YYY,?J60/0,05@w!e' is not a POSIX TZ rule", "is refused in plain text");
}

static void test_zone_loading(void)
{
    struct tz *tz;
    char err[512];

    is_int(tz_load("Europe/Lndon", &tz, err, sizeof err), 66, "a misspelt zone");
    ok(strstr(err, "unknown time zone 'Europe/Lndon' (no file ") != NULL &&
           strstr(err, "is the tzdata package installed?") != NULL, "says so: %s", err);
    is_int(tz_load("../../etc/passwd", &tz, err, sizeof err), 65, "a path out of the database");
    is_str(err, "'../../etc/passwd' is not a time zone name (such as \"Europe/London\" or \"UTC\")",
           "is not a zone name");
    ok(tz_load("/etc/passwd", &tz, NULL, 0) == 65, "an absolute path");
    ok(tz_load("Europe/./London", &tz, NULL, 0) == 65, "a '.' component");
    ok(tz_load("", &tz, NULL, 0) == 65, "an empty name");
    ok(tz_load("Europe", &tz, NULL, 0) == 66, "a folder");
    is_int(tz_load("zone.tab", &tz, err, sizeof err), 65, "a file that is not TZif");
    ok(strstr(err, "not a TZif time zone file") != NULL, "says so");
    struct cron c;
    time_t t;
    cron_parse("* * * * *", &c, NULL, 0);
    is_int(cron_next(&c, "Mars/Olympus", 0, &t, err, sizeof err), 66,
           "cron_next with an unknown zone");

    /* $TZDIR, and UTC without a tz database. */
    setenv("TZDIR", "/nonexistent", 1);
    ok(tz_load("UTC", &tz, NULL, 0) == 0, "UTC without tzdata");
    ok(strcmp(tz_name(tz), "UTC") == 0, "named UTC");
    tz_free(tz);
    ok(tz_load("Europe/London", &tz, NULL, 0) == 66, "$TZDIR is where zones are looked for");
    unsetenv("TZDIR");

    /* The system zone. */
    setenv("TZ", "Europe/London", 1);
    ok(tz_load(NULL, &tz, NULL, 0) == 0 && strcmp(tz_name(tz), "Europe/London") == 0,
       "NULL: $TZ names a zone");
    tz_free(tz);
    setenv("TZ", ":Australia/Sydney", 1);
    ok(tz_load(NULL, &tz, NULL, 0) == 0 && strcmp(tz_name(tz), "Australia/Sydney") == 0,
       "NULL: $TZ with a colon");
    tz_free(tz);
    setenv("TZ", "ABC-2DEF,M3.5.0,M10.5.0/3", 1);
    ok(tz_load(NULL, &tz, NULL, 0) == 0, "NULL: $TZ as a POSIX rule");
    char buf[TZ_FORMAT_SIZE];
    tz_format(tz, utc(2026, 7, 1, 0, 0), buf, sizeof buf);
    is_str(buf, "2026-07-01 03:00 DEF (+03:00)", "which applies");
    tz_free(tz);
    setenv("TZ", "", 1);
    ok(tz_load(NULL, &tz, NULL, 0) == 0 && strcmp(tz_name(tz), "UTC") == 0, "NULL: empty $TZ is UTC");
    tz_free(tz);
    setenv("TZ", "Nowhere/Special!", 1);
    is_int(tz_load(NULL, &tz, err, sizeof err), 65, "NULL: a bad $TZ");
    is_str(err, "$TZ is 'Nowhere/Special!': neither a time zone name nor a POSIX TZ rule",
           "says so");
    unsetenv("TZ");
    ok(tz_load(NULL, &tz, err, sizeof err) == 0, "NULL without $TZ: /etc/localtime or UTC");
    tz_free(tz);
    ok(next1("0 0 * * *", NULL, utc(2026, 1, 1, 12, 0)) > utc(2026, 1, 1, 12, 0),
       "cron_next with the system zone");
}

/* Damaged TZif data is refused, never read out of bounds (ASan watches). */
static void test_damaged_tzif(void)
{
    unsigned char *data;
    size_t len;
    FILE *f = fopen("/usr/share/zoneinfo/Europe/London", "rb");
    struct tz *tz;
    int refused = 0, loaded = 0, total = 0;

    if (f == NULL) {
        ok(0, "cannot read /usr/share/zoneinfo/Europe/London (is tzdata installed?)");
        return;
    }
    data = malloc(1 << 16);
    len = fread(data, 1, 1 << 16, f);
    fclose(f);
    ok(tz_parse(data, len, "London", &tz, NULL, 0) == 0, "the whole file parses");
    tz_free(tz);
    for (size_t n = 0; n < len; n++) {
        unsigned char *copy = malloc(n ? n : 1);
        memcpy(copy, data, n);
        if (tz_parse(copy, n, "x", &tz, NULL, 0) == 0)
            loaded++, tz_free(tz);
        else
            refused++;
        free(copy);
        total++;
    }
    ok(refused == total, "every truncation is refused (%d of %d)", refused, total);
    uint32_t x = 12345;
    loaded = 0;
    for (int i = 0; i < 3000; i++) {
        unsigned char *copy = malloc(len);
        memcpy(copy, data, len);
        for (int k = 0; k < 3; k++) {
            x = x * 1103515245 + 12345;
            copy[(x >> 8) % len] ^= (unsigned char)(1 << ((x >> 4) % 8));
        }
        if (tz_parse(copy, len, "x", &tz, NULL, 0) == 0) {
            struct cron c;
            time_t t;
            loaded++;
            cron_parse("30 1 * * *", &c, NULL, 0);
            cron_next_tz(&c, tz, utc(2026, 3, 1, 0, 0), &t, NULL, 0);
            tz_free(tz);
        }
        free(copy);
    }
    ok(1, "3000 files with flipped bits: no crash (%d still loaded)", loaded);
    free(data);
}

/* ---------------------------------------------------------------- limits */

static void test_limits(void)
{
    char err[256];
    struct cron c;
    time_t t;

    is_str(seq("30 1 * * *", "Europe/London", (time_t)INT32_MAX, 2),
           "2038-01-20 01:30 GMT (+00:00) | 2038-01-21 01:30 GMT (+00:00)",
           "past 2^31 seconds (2038)");
    is_str(seq("0 0 1 1 *", "Europe/London", utc(9998, 6, 1, 0, 0), 2),
           "9999-01-01 00:00 GMT (+00:00) | error: it does not fire again before the year 10000",
           "up to 9999, and no further");
    is_str(seq("0 0 * * *", "UTC", -1, 1), "1970-01-01 00:00 UTC (+00:00)", "just before 1970");
    is_str(seq("0 0 1 1 *", "UTC", utc(1, 6, 1, 0, 0), 1), "0002-01-01 00:00 UTC (+00:00)",
           "the year 1");
    cron_parse("* * * * *", &c, NULL, 0);
    if (sizeof(time_t) >= 8) {
        is_int(cron_next(&c, "UTC", (time_t)INT64_MAX, &t, err, sizeof err), 65, "INT64_MAX");
        is_str(err, "time 9223372036854775807 is outside the years 1 to 9999", "is out of range");
        is_int(cron_next(&c, "UTC", (time_t)INT64_MIN, &t, err, sizeof err), 65, "INT64_MIN");
        is_int(cron_next(&c, "Europe/London", (time_t)253402300799LL, &t, err, sizeof err), 65,
               "9999-12-31 23:59:59");
    }
    struct cron empty = { 0 };
    is_int(cron_next(&empty, "UTC", 0, &t, err, sizeof err), 65, "a cron not from cron_parse");

    /* The slowest search there is: decades between fire times, still instant. */
    clock_t start = clock();
    time_t a = utc(2026, 1, 1, 0, 0);
    struct tz *tz;
    tz_load("Europe/London", &tz, NULL, 0);
    cron_parse("0 0 29 2 */7", &c, NULL, 0);
    for (int i = 0; i < 100; i++) {
        if (cron_next_tz(&c, tz, a, &a, err, sizeof err))
            break;
    }
    tz_free(tz);
    double secs = (double)(clock() - start) / CLOCKS_PER_SEC;
    ok(secs < 5, "100 Sundays on 29 February (to the year %d) in %.3f s", (int)(a / 31556952 + 1970),
       secs);
}

/* ---------------------------------------------------------------- brute force */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static time_t local_minutes(time_t t, struct tm *tm)
{
    localtime_r(&t, tm);
    struct tm l = *tm;
    l.tm_isdst = 0;
    return timegm(&l) / 60;
}

static bool matches_minute(const struct cron *c, time_t local_minute)
{
    struct tm tm;
    time_t s = local_minute * 60;

    gmtime_r(&s, &tm);
    return cron_matches(c, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}

/*
 * The rules, scanned minute by minute with glibc's reading of the zone: a
 * job following the wall clock fires at each UTC minute whose wall-clock
 * minute matches; a fixed-time job fires at the first UTC minute at which the
 * wall clock reaches or passes a matching minute it has not shown before.
 * Returns 0 when nothing fires within `window` minutes.
 */
static time_t oracle(const struct cron *c, time_t after, int window)
{
    time_t first = (after + 1 + 59) / 60 * 60, t, seen;
    struct tm tm;
    bool fixed = cron_is_fixed_time(c);

    seen = local_minutes(first - 60 - 27 * 3600, &tm);
    for (t = first - 27 * 3600; fixed && t < first; t += 60) {
        time_t l = local_minutes(t, &tm);
        if (l > seen)
            seen = l;
    }
    for (t = first; t < first + (time_t)window * 60; t += 60) {
        time_t l = local_minutes(t, &tm);
        if (fixed) {
            for (time_t m = seen + 1; m <= l; m++) {
                if (matches_minute(c, m))
                    return t;
            }
        } else if (matches_minute(c, l)) {
            return t;
        }
        if (l > seen)
            seen = l;
    }
    return 0;
}

/* The first change of UTC offset within 400 days after t (to the hour), by glibc; 0 if none. */
static time_t next_change(time_t t)
{
    struct tm a, b;

    localtime_r(&t, &a);
    for (time_t u = t + 3600; u < t + 400 * 86400; u += 3600) {
        localtime_r(&u, &b);
        if (b.tm_gmtoff != a.tm_gmtoff)
            return u;
    }
    return 0;
}

static void test_brute_force(void)
{
    static const char *const zones[] = {
        "Europe/London", "Australia/Sydney", "Australia/Lord_Howe", "America/New_York",
        "America/St_Johns", "Pacific/Chatham", "America/Sao_Paulo", "Europe/Dublin",
        "Asia/Tehran", "Africa/Casablanca", "Pacific/Apia", "UTC",
    };
    static const char *const fields[5][10] = {
        { "*", "0", "30", "*/15", "0,30", "5-10", "*/7", "59", "1-59/20", "45" },
        { "*", "0", "1", "2", "1-3", "*/2", "23", "0,12", "1,2", "3" },
        { "*", "1", "15", "29", "30", "31", "*/2", "1-7", "13", "*" },
        { "*", "2", "3", "10", "3,10", "*/3", "JAN-MAR", "4", "*", "9-12" },
        { "*", "0", "1-5", "SUN", "*/2", "6,0", "5", "*", "*", "SAT" },
    };
    const int per_zone = 100, window = 36 * 60;

    for (size_t z = 0; z < sizeof zones / sizeof zones[0]; z++) {
        struct tz *tz;
        int agree = 0, cases = 0, shown = 0, near = 0;
        char err[256];

        if (tz_load(zones[z], &tz, err, sizeof err)) {
            ok(0, "%s: %s", zones[z], err);
            continue;
        }
        setenv("TZ", zones[z], 1);
        tzset();
        for (int i = 0; i < per_zone; i++) {
            char expr[128];
            struct cron c;
            snprintf(expr, sizeof expr, "%s %s %s %s %s", fields[0][rnd(10)], fields[1][rnd(10)],
                     fields[2][rnd(10)], fields[3][rnd(10)], fields[4][rnd(10)]);
            if (cron_parse(expr, &c, err, sizeof err))
                continue; /* never fires */
            /*
             * Mostly just before a clock change (the next one after a random
             * day from 2000 to 2059), else anywhere.
             */
            int y = 2000 + (int)rnd(60), mo = 1 + (int)rnd(12), d = 1 + (int)rnd(28);
            time_t after = utc(y, mo, d, 0, 0) + (time_t)rnd(86400), change;
            if (rnd(4) && (change = next_change(after)) != 0) {
                after = change - (time_t)rnd(30 * 3600);
                near++;
                if (rnd(2)) {
                    /* At the hour the clock leaves or reaches: the interesting one. */
                    struct tm tm;
                    time_t at = change - (rnd(2) ? 60 : 0);
                    localtime_r(&at, &tm);
                    snprintf(expr, sizeof expr, "%s %d * * *", fields[0][rnd(10)], tm.tm_hour);
                    if (cron_parse(expr, &c, err, sizeof err))
                        continue;
                }
            }
            time_t want = oracle(&c, after, window), got;
            if (cron_next_tz(&c, tz, after, &got, err, sizeof err))
                got = -1;
            bool same = want ? got == want : got > after + (time_t)window * 60;
            /* Asking from a second before a fire time gives that fire time. */
            time_t again;
            if (same && got > after + 1 && (cron_next_tz(&c, tz, got - 1, &again, NULL, 0) ||
                                            again != got)) {
                printf("# %s \"%s\" after %lld: %lld, but after %lld: %lld\n", zones[z], expr,
                       (long long)after, (long long)got, (long long)got - 1, (long long)again);
                same = false;
            }
            cases++;
            agree += same;
            if (!same && shown++ < 3)
                printf("# %s \"%s\" after %lld: got %lld, brute force %lld\n", zones[z], expr,
                       (long long)after, (long long)got, (long long)want);
        }
        unsetenv("TZ");
        tzset();
        tz_free(tz);
        ok(agree == cases,
           "%s: %d of %d random expressions agree with brute force (%d near a clock change)",
           zones[z], agree, cases, near);
    }
}

int main(void)
{
    test_parse_ok();
    test_parse_errors();
    test_next_common();
    test_month_ends_and_leap_days();
    test_dom_dow();
    test_london();
    test_other_zones();
    test_posix_rules();
    test_degenerate_posix_rules();
    test_zone_loading();
    test_damaged_tzif();
    test_limits();
    test_brute_force();
    return tap_done();
}
