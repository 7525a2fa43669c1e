/* SPDX-License-Identifier: MIT */
/*
 * Civil dates and reporting periods as written in scrutiny exports.
 *
 * A date is an int32_t count of days since 1970-01-01 in the proleptic
 * Gregorian calendar. There are no time zones and no times of day: the
 * bodies we import from record civil dates, and a time zone would only give a
 * date the chance to move by one day. Holding dates as day numbers makes
 * comparisons, windows ("within 10 working days") and sorting plain integer
 * arithmetic.
 *
 * Only years DATE_MIN_YEAR..DATE_MAX_YEAR are accepted: anything outside is a
 * typo in this domain, and a bounded range keeps every day count small.
 *
 * Parsing reads English and UK conventions only and never depends on the C
 * locale. Numeric dates are ALWAYS day/month/year: 03/06/2019 is 3 June 2019
 * even though the US reading (6 March) would also be a real date, because
 * every body we import from is in England and Wales; a date such as
 * 06/14/2019 is refused rather than silently read the US way. Anything that
 * could mean two things (a two-digit year in a numeric date, "2011-12") is an
 * error, never a guess.
 *
 * Parse errors are complete sentences that quote the input, e.g.
 * "'2019-02-30' is not a real date", so that an import can show them to the
 * user as they are. Functions that take err/errlen write a NUL-terminated
 * message there on failure (and "" on success); err may be NULL.
 */
#ifndef CONCORD_DATES_H
#define CONCORD_DATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DATE_MIN_YEAR 1900
#define DATE_MAX_YEAR 2199

/* "YYYY-MM-DD" plus the terminating NUL. */
#define DATE_FORMAT_SIZE 11

/** True for Gregorian leap years (2000 and 2024 are, 1900 and 2100 are not). */
bool date_is_leap_year(int y);

/** Days in month m (1..12) of year y; 0 when m is out of range. */
int date_days_in_month(int y, int m);

/**
 * The day number of y-m-d. Returns 0, or -1 (leaving *days untouched) when
 * the year is outside DATE_MIN_YEAR..DATE_MAX_YEAR or the day does not exist.
 */
int date_from_ymd(int y, int m, int d, int32_t *days);

/** Year, month (1..12) and day (1..31) of a day number. */
void date_to_ymd(int32_t days, int *y, int *m, int *d);

/**
 * Writes "YYYY-MM-DD" and a NUL. A day number whose year has no four-digit
 * form (only possible through a bug upstream) writes "0000-00-00", which no
 * valid date produces.
 */
void date_format(int32_t days, char out[DATE_FORMAT_SIZE]);

/** Day of the week: 0 = Monday .. 6 = Sunday. */
int date_weekday(int32_t days);

/**
 * *out = days + n. Returns 0, or -1 (leaving *out untouched) when the result
 * falls outside the supported years, so callers cannot build a date that
 * date_format or the database would not round-trip.
 */
int date_add_days(int32_t days, int32_t n, int32_t *out);

/**
 * Working days (Monday to Friday; bank holidays are NOT excluded) that have
 * elapsed from `from` to `to`: the count of weekdays d with from < d <= to.
 * The start day does not count, so an event on a Friday answered the next
 * Monday took 1 working day, matching how "within N working days"
 * deadlines are counted. Negative when to < from; 0 when equal.
 */
int date_business_days_between(int32_t from, int32_t to);

/**
 * Parses one date from s[0..len) (s need not be NUL-terminated). Leading and
 * trailing ASCII white space is ignored. Accepted:
 *   2019-06-03, 2019-6-3, 2019/06/03, 2019.06.03 (year first: four digits)
 *   2019-06-03T10:15:00, ...Z, ...+01:00, 2019-06-03 10:15 (time ignored:
 *     the date is kept as written, never shifted by the offset)
 *   03/06/2019, 3/6/2019, 03-06-2019, 03.06.2019 (day/month/year, always),
 *     optionally followed by " 10:15" or " 10:15:00" as spreadsheets write
 *   3 June 2019, 3 Jun 2019, 3 Sept 2019, 03-Jun-2019, 3rd June 2019,
 *   June 3, 2019, June 3rd 2019 (English month names, any case)
 * Returns 0 with *days set, or -1 with a message in err (*days untouched):
 *   "empty date"
 *   "'2019-02-30' is not a real date"
 *   "'06/14/2019' is not a real date (numeric dates are read as day/month/year)"
 *   "'03/06/19' is ambiguous: use a four-digit year"
 *   "'1850-01-01' is outside the supported years 1900-2199"
 *   "'xyz' is not a date I understand (use YYYY-MM-DD or dd/mm/yyyy)"
 */
int date_parse(const char *s, size_t len, int32_t *days, char *err, size_t errlen);

/**
 * Parses a period, a closed range of days [*start, *end], from s[0..len).
 * Accepted:
 *   any date_parse() date                 that day
 *   2019                                  the calendar year
 *   June 2019, Jun 2019, Jun-19, 2019-06, 06/2019      a month
 *   Jan-Mar 20, Jan-Mar 2020, Apr - Jun 2019, Q1 2020, 2020 Q1
 *                                         a calendar quarter
 *   2019/20 Q3, 2019-20 Q3, Q3 2019/20    a financial-year quarter: the UK
 *                                         financial year starts on 1 April,
 *                                         so Q1 = Apr-Jun 2019 and
 *                                         Q4 = Jan-Mar 2020
 *   2019/20, 2019-20, 2019/2020, FY2019/20                a financial year,
 *                                         1 Apr 2019 to 31 Mar 2020
 *   2019-06-03 to 2019-06-14, 03/06/2019 - 14/06/2019, 3-14 June 2019,
 *   3 June - 14 June 2019                 an explicit range (a "-" between
 *                                         two dates needs a space beside it,
 *                                         except in the "3-14 June 2019" form;
 *                                         an en dash works as "-")
 * Two-digit years are allowed only where published tables use them (Jan-Mar
 * 20, Jun-19) and follow POSIX %y: 69-99 are 1969-1999, 00-68 are 2000-2068.
 * Returns 0, or -1 with a message (outputs untouched), e.g.
 *   "empty period"
 *   "'Jan-Apr 20' is not a quarter"
 *   "'2019/21' is not a financial year: the second year must follow the first"
 *   "'2011-12' is ambiguous: write Dec 2011 for the month or 2011/12 for the
 *    financial year"
 *   "'2019-06-14 to 2019-06-03' ends before it starts (2019-06-03 is before
 *    2019-06-14)"
 * and the date_parse() messages for a bad date inside a period.
 */
int period_parse(const char *s, size_t len, int32_t *start, int32_t *end,
                 char *err, size_t errlen);

#endif
