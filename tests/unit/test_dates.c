/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for core/dates.c. Every parse check compares one string that
 * holds either the exact result ("2019-06-03", "2019-04-01..2020-03-31") or
 * the exact error ("ERR: ..."), so a wrong value, a wrong message and an
 * unexpected success all fail the same way and print what was produced.
 */
#include "dates.h"
#include "tap.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int32_t ymd(int y, int m, int d)
{
    int32_t days = INT32_MIN;

    if (date_from_ymd(y, m, d, &days) != 0) {
        printf("# test bug: %04d-%02d-%02d is not a date\n", y, m, d);
    }
    return days;
}

/* The input made safe for a one-line TAP description. */
static const char *printable(const char *in)
{
    static char buf[256];
    size_t i, o = 0;

    for (i = 0; in[i] != '\0' && o + 5 < sizeof buf; i++) {
        unsigned char ch = (unsigned char)in[i];

        if (ch < 0x20 || ch >= 0x7F) {
            o += (size_t)snprintf(buf + o, sizeof buf - o, "\\x%02x", ch);
        } else {
            buf[o++] = (char)ch;
        }
    }
    buf[o] = '\0';
    return buf;
}

static const char *fmt(int32_t days)
{
    static char buf[4][DATE_FORMAT_SIZE];
    static int next;
    char *out = buf[next++ % 4];

    date_format(days, out);
    return out;
}

/* The result of date_parse() as one comparable string. */
static void check_date(const char *in, const char *want)
{
    static const int32_t UNTOUCHED = 123456;
    int32_t days = UNTOUCHED;
    char err[256] = "not written";
    char got[300];
    int rc = date_parse(in, strlen(in), &days, err, sizeof err);

    if (rc == 0) {
        snprintf(got, sizeof got, "%s%s", fmt(days), err[0] == '\0' ? "" : " (err not cleared)");
    } else {
        snprintf(got, sizeof got, "ERR: %s%s", err,
                 days == UNTOUCHED ? "" : " (output written on error)");
    }
    is_str(got, want, "date_parse(\"%s\")", printable(in));
}

/* The result of period_parse() as "start..end" or "ERR: message". */
static void check_period(const char *in, const char *want)
{
    static const int32_t UNTOUCHED = 123456;
    int32_t start = UNTOUCHED, end = UNTOUCHED;
    char err[256] = "not written";
    char got[300];
    int rc = period_parse(in, strlen(in), &start, &end, err, sizeof err);

    if (rc == 0) {
        snprintf(got, sizeof got, "%s..%s%s", fmt(start), fmt(end),
                 err[0] == '\0' ? "" : " (err not cleared)");
    } else {
        snprintf(got, sizeof got, "ERR: %s%s", err,
                 (start == UNTOUCHED && end == UNTOUCHED) ? "" : " (output written on error)");
    }
    is_str(got, want, "period_parse(\"%s\")", printable(in));
}

static void test_calendar(void)
{
    int y, m, d, yy, mm, dd, bad = 0, count = 0;
    int32_t days, prev = 0, untouched = 42;

    /* Every day 1900-2199 through ymd and back, and consecutive numbering. */
    for (y = DATE_MIN_YEAR; y <= DATE_MAX_YEAR; y++) {
        for (m = 1; m <= 12; m++) {
            for (d = 1; d <= date_days_in_month(y, m); d++) {
                if (date_from_ymd(y, m, d, &days) != 0) {
                    bad++;
                    continue;
                }
                date_to_ymd(days, &yy, &mm, &dd);
                if (yy != y || mm != m || dd != d || (count > 0 && days != prev + 1)) {
                    if (bad++ < 5) {
                        printf("# %04d-%02d-%02d -> %d -> %04d-%02d-%02d\n", y, m, d,
                               (int)days, yy, mm, dd);
                    }
                }
                prev = days;
                count++;
            }
        }
    }
    is_int(bad, 0, "every day 1900-2199 round-trips through ymd");
    is_int(count, 109573, "1900-2199 has 109573 days (73 leap years)");

    is_int(ymd(1970, 1, 1), 0, "1970-01-01 is day 0");
    is_int(ymd(1900, 1, 1), -25567, "1900-01-01 is day -25567");
    is_int(ymd(2199, 12, 31), 84005, "2199-12-31 is day 84005");
    is_int(ymd(2000, 3, 1), 11017, "2000-03-01 is day 11017");
    is_int(ymd(2019, 6, 3), 18050, "2019-06-03 is day 18050");
    is_str(fmt(-1), "1969-12-31", "day -1 formats as 1969-12-31");
    is_str(fmt(ymd(2019, 6, 3)), "2019-06-03", "format pads month and day");
    is_str(fmt(INT32_MAX), "0000-00-00", "a day number beyond year 9999 formats as 0000-00-00");

    /* Leap years. */
    ok(!date_is_leap_year(1900), "1900 is not a leap year (century)");
    ok(date_is_leap_year(2000), "2000 is a leap year (divisible by 400)");
    ok(date_is_leap_year(2024), "2024 is a leap year");
    ok(!date_is_leap_year(2100), "2100 is not a leap year");
    ok(!date_is_leap_year(2023), "2023 is not a leap year");
    is_int(date_from_ymd(1900, 2, 29, &untouched), -1, "1900-02-29 does not exist");
    is_int(untouched, 42, "a failed date_from_ymd leaves its output alone");
    is_int(date_from_ymd(2000, 2, 29, &days), 0, "2000-02-29 exists");
    is_int(date_from_ymd(2024, 2, 29, &days), 0, "2024-02-29 exists");
    is_int(date_from_ymd(2023, 2, 29, &days), -1, "2023-02-29 does not exist");
    is_int(date_days_in_month(2024, 2), 29, "February 2024 has 29 days");
    is_int(date_days_in_month(1900, 2), 28, "February 1900 has 28 days");
    is_int(date_days_in_month(2019, 4), 30, "April has 30 days");
    is_int(date_days_in_month(2019, 13), 0, "month 13 has no days");

    /* Range and validity. */
    is_int(date_from_ymd(2019, 4, 31, &days), -1, "31 April does not exist");
    is_int(date_from_ymd(2019, 13, 1, &days), -1, "month 13 is refused");
    is_int(date_from_ymd(2019, 0, 1, &days), -1, "month 0 is refused");
    is_int(date_from_ymd(2019, 6, 0, &days), -1, "day 0 is refused");
    is_int(date_from_ymd(1899, 12, 31, &days), -1, "1899 is before the supported years");
    is_int(date_from_ymd(2200, 1, 1, &days), -1, "2200 is after the supported years");

    /* Weekdays: 0 = Monday. */
    is_int(date_weekday(0), 3, "1970-01-01 was a Thursday");
    is_int(date_weekday(ymd(1900, 1, 1)), 0, "1900-01-01 was a Monday");
    is_int(date_weekday(ymd(2019, 6, 3)), 0, "2019-06-03 was a Monday");
    is_int(date_weekday(ymd(2024, 2, 29)), 3, "2024-02-29 was a Thursday");
    is_int(date_weekday(ymd(2019, 6, 9)), 6, "2019-06-09 was a Sunday");

    /* Adding days. */
    days = 0;
    is_int(date_add_days(ymd(2019, 12, 31), 1, &days), 0, "add 1 day to 2019-12-31");
    is_str(fmt(days), "2020-01-01", "2019-12-31 + 1 is 2020-01-01");
    is_int(date_add_days(ymd(2024, 3, 1), -1, &days), 0, "subtract 1 day from 2024-03-01");
    is_str(fmt(days), "2024-02-29", "2024-03-01 - 1 is 2024-02-29");
    untouched = 42;
    is_int(date_add_days(ymd(2199, 12, 31), 1, &untouched), -1, "past 2199-12-31 is refused");
    is_int(date_add_days(ymd(1900, 1, 1), -1, &untouched), -1, "before 1900-01-01 is refused");
    is_int(date_add_days(0, INT32_MAX, &untouched), -1, "a huge offset is refused, not wrapped");
    is_int(untouched, 42, "a failed date_add_days leaves its output alone");

    /* Working days elapsed: weekdays d with from < d <= to. */
    is_int(date_business_days_between(ymd(2019, 6, 7), ymd(2019, 6, 10)), 1, "Fri to Mon is 1");
    is_int(date_business_days_between(ymd(2019, 6, 3), ymd(2019, 6, 7)), 4, "Mon to Fri is 4");
    is_int(date_business_days_between(ymd(2019, 6, 3), ymd(2019, 6, 3)), 0, "same day is 0");
    is_int(date_business_days_between(ymd(2019, 6, 3), ymd(2019, 6, 10)), 5, "Mon to Mon is 5");
    is_int(date_business_days_between(ymd(2019, 6, 10), ymd(2019, 6, 3)), -5,
           "backwards is negative");
    is_int(date_business_days_between(ymd(2019, 6, 7), ymd(2019, 6, 9)), 0, "Fri to Sun is 0");
    is_int(date_business_days_between(ymd(2019, 6, 8), ymd(2019, 6, 10)), 1, "Sat to Mon is 1");
    is_int(date_business_days_between(ymd(2019, 6, 3), ymd(2019, 7, 1)), 20, "four weeks is 20");
    is_int(date_business_days_between(ymd(1969, 12, 29), ymd(1970, 1, 5)), 5,
           "a week across day 0 is 5");
    is_int(date_business_days_between(ymd(2019, 12, 20), ymd(2020, 1, 3)), 10,
           "two weeks across a year end is 10 (no bank holidays)");
}

static void test_date_forms(void)
{
    /* ISO 8601 and year-first. */
    check_date("2019-06-03", "2019-06-03");
    check_date("  2019-06-03\t\r\n", "2019-06-03");
    check_date("2019-6-3", "2019-06-03");
    check_date("2019-06-03T10:15:00", "2019-06-03");
    check_date("2019-06-03T10:15:00Z", "2019-06-03");
    check_date("2019-06-03T23:30:00+01:00", "2019-06-03");
    check_date("2019-06-03T00:30:00-05:00", "2019-06-03");
    check_date("2019-06-03T10:15:00.123Z", "2019-06-03");
    check_date("2019-06-03T10:15+0100", "2019-06-03");
    check_date("2019-06-03 10:15:00", "2019-06-03");
    check_date("2019/06/03", "2019-06-03");
    check_date("2019.06.03", "2019-06-03");

    /* UK numeric: day first, always. */
    check_date("03/06/2019", "2019-06-03");
    check_date("3/6/2019", "2019-06-03");
    check_date("03-06-2019", "2019-06-03");
    check_date("03.06.2019", "2019-06-03");
    check_date("12/01/2020", "2020-01-12");
    check_date("03/06/2019 10:15", "2019-06-03");
    check_date("03/06/2019 00:00:00", "2019-06-03");
    check_date("29/02/2020", "2020-02-29");

    /* Month names. */
    check_date("3 June 2019", "2019-06-03");
    check_date("3 Jun 2019", "2019-06-03");
    check_date("03-Jun-2019", "2019-06-03");
    check_date("03-JUN-2019", "2019-06-03");
    check_date("3rd June 2019", "2019-06-03");
    check_date("June 3, 2019", "2019-06-03");
    check_date("june 3 2019", "2019-06-03");
    check_date("1st Sept 2019", "2019-09-01");
    check_date("22nd September 2019", "2019-09-22");
    check_date("11th Nov 2019", "2019-11-11");
    check_date("December 31st, 2019", "2019-12-31");
    check_date("1 January 1900", "1900-01-01");
    check_date("31 Dec 2199", "2199-12-31");
}

static void test_date_errors(void)
{
    int32_t days = 7;
    char err[64], big[200];

    check_date("2019-02-30", "ERR: '2019-02-30' is not a real date");
    check_date("31/04/2019", "ERR: '31/04/2019' is not a real date");
    check_date("31 April 2019", "ERR: '31 April 2019' is not a real date");
    check_date("29/02/2019", "ERR: '29/02/2019' is not a real date");
    check_date("29 Feb 1900", "ERR: '29 Feb 1900' is not a real date");
    check_date("2019-13-01", "ERR: '2019-13-01' is not a real date");
    check_date("2019-02-30T10:00:00Z", "ERR: '2019-02-30T10:00:00Z' is not a real date");
    check_date("06/14/2019",
               "ERR: '06/14/2019' is not a real date (numeric dates are read as day/month/year)");
    check_date("03/06/19", "ERR: '03/06/19' is ambiguous: use a four-digit year");
    check_date("3-6-19", "ERR: '3-6-19' is ambiguous: use a four-digit year");
    check_date("03-Jun-19", "ERR: '03-Jun-19' is ambiguous: use a four-digit year");
    check_date("1850-01-01", "ERR: '1850-01-01' is outside the supported years 1900-2199");
    check_date("31/12/2200", "ERR: '31/12/2200' is outside the supported years 1900-2199");
    check_date("", "ERR: empty date");
    check_date(" \t ", "ERR: empty date");
    check_date("xyz", "ERR: 'xyz' is not a date I understand (use YYYY-MM-DD or dd/mm/yyyy)");
    check_date("2019-06-03T25:00",
               "ERR: '2019-06-03T25:00' is not a date I understand (use YYYY-MM-DD or dd/mm/yyyy)");
    check_date("03/06-2019",
               "ERR: '03/06-2019' is not a date I understand (use YYYY-MM-DD or dd/mm/yyyy)");
    check_date("3th June 2019",
               "ERR: '3th June 2019' is not a date I understand (use YYYY-MM-DD or dd/mm/yyyy)");
    check_date("201-06-03",
               "ERR: '201-06-03' is not a date I understand (use YYYY-MM-DD or dd/mm/yyyy)");
    check_date("June 2019",
               "ERR: 'June 2019' is not a date I understand (use YYYY-MM-DD or dd/mm/yyyy)");
    check_date("2019-06-03 to 2019-06-14",
               "ERR: '2019-06-03 to 2019-06-14' is not a date I understand "
               "(use YYYY-MM-DD or dd/mm/yyyy)");

    /* Length-delimited input, NULL, small and absent error buffers. */
    is_int(date_parse("2019-06-03XYZ", 10, &days, NULL, 0), 0, "only len bytes are read");
    is_str(fmt(days), "2019-06-03", "length-delimited input parses the prefix");
    err[0] = 'x';
    is_int(date_parse(NULL, 0, &days, err, sizeof err), -1, "NULL input is an error");
    is_str(err, "empty date", "NULL input is an empty date");
    is_int(date_parse("xyz", 3, &days, err, 5), -1, "error with a 5-byte buffer");
    is_str(err, "'xyz", "the message is truncated, not overrun");

    /* Quoting hostile input: bounded, one line, UTF-8 not split. */
    memset(big, 'x', sizeof big);
    memcpy(big + 63, "\xc3\xa9", 2); /* U+00E9 straddles the 64-byte cut */
    big[3] = '\n';
    {
        char msg[256];
        char want[256];

        date_parse(big, sizeof big, &days, msg, sizeof msg);
        snprintf(want, sizeof want,
                 "'xxx?%.59s...' is not a date I understand (use YYYY-MM-DD or dd/mm/yyyy)",
                 big + 4);
        is_str(msg, want, "long input is quoted to 63 bytes without splitting a character");
    }
    is_int(days, 18050, "failed parses left the output alone");
}

static void test_period_forms(void)
{
    /* A single day, a year, months. */
    check_period("2019-06-03", "2019-06-03..2019-06-03");
    check_period("3 June 2019", "2019-06-03..2019-06-03");
    check_period("2019", "2019-01-01..2019-12-31");
    check_period("June 2019", "2019-06-01..2019-06-30");
    check_period("Jun 2019", "2019-06-01..2019-06-30");
    check_period("Jun-19", "2019-06-01..2019-06-30");
    check_period("Jun-99", "1999-06-01..1999-06-30");
    check_period("Feb-00", "2000-02-01..2000-02-29");
    check_period("2019-06", "2019-06-01..2019-06-30");
    check_period("2019-6", "2019-06-01..2019-06-30");
    check_period("06/2019", "2019-06-01..2019-06-30");
    check_period("Feb 2024", "2024-02-01..2024-02-29");
    check_period("Feb 1900", "1900-02-01..1900-02-28");

    /* Calendar quarters. */
    check_period("Jan-Mar 20", "2020-01-01..2020-03-31");
    check_period("Jan-Mar 2020", "2020-01-01..2020-03-31");
    check_period("Apr - Jun 2019", "2019-04-01..2019-06-30");
    check_period("Oct\xe2\x80\x93" "Dec 19", "2019-10-01..2019-12-31");
    check_period("Q1 2020", "2020-01-01..2020-03-31");
    check_period("2020 Q1", "2020-01-01..2020-03-31");
    check_period("2020-Q2", "2020-04-01..2020-06-30");
    check_period("q4 2019", "2019-10-01..2019-12-31");

    /* Financial-year quarters: the year starts on 1 April. */
    check_period("2019/20 Q1", "2019-04-01..2019-06-30");
    check_period("2019/20 Q2", "2019-07-01..2019-09-30");
    check_period("2019/20 Q3", "2019-10-01..2019-12-31");
    check_period("2019-20 Q3", "2019-10-01..2019-12-31");
    check_period("2019/20 Q4", "2020-01-01..2020-03-31");
    check_period("Q4 2019/20", "2020-01-01..2020-03-31");
    check_period("FY2019/20 Q2", "2019-07-01..2019-09-30");
    check_period("2011-12 Q3", "2011-10-01..2011-12-31");

    /* Financial years. */
    check_period("2019/20", "2019-04-01..2020-03-31");
    check_period("2019-20", "2019-04-01..2020-03-31");
    check_period("2019/2020", "2019-04-01..2020-03-31");
    check_period("FY2019/20", "2019-04-01..2020-03-31");
    check_period("FY 2011-12", "2011-04-01..2012-03-31");
    check_period("1999/00", "1999-04-01..2000-03-31");
    check_period("2023/24", "2023-04-01..2024-03-31");

    /* Explicit ranges. */
    check_period("2019-06-03 to 2019-06-14", "2019-06-03..2019-06-14");
    check_period("03/06/2019 - 14/06/2019", "2019-06-03..2019-06-14");
    check_period("03-06-2019 - 14-06-2019", "2019-06-03..2019-06-14");
    check_period("3-14 June 2019", "2019-06-03..2019-06-14");
    check_period("3\xe2\x80\x93" "14 June 2019", "2019-06-03..2019-06-14");
    check_period("3rd-14th June 2019", "2019-06-03..2019-06-14");
    check_period("3 June - 14 June 2019", "2019-06-03..2019-06-14");
    check_period("28 May - 8 June 2019", "2019-05-28..2019-06-08");
    check_period("June 3 - June 14, 2019", "2019-06-03..2019-06-14");
    check_period("30 December 2019 - 3 January 2020", "2019-12-30..2020-01-03");
    check_period("2019-06-03T09:00:00Z to 2019-06-03T17:00:00Z", "2019-06-03..2019-06-03");
}

static void test_period_errors(void)
{
    check_period("Jan-Apr 20", "ERR: 'Jan-Apr 20' is not a quarter");
    check_period("Feb-Apr 2020", "ERR: 'Feb-Apr 2020' is not a quarter");
    check_period("Q5 2020", "ERR: 'Q5 2020' is not a quarter");
    check_period("2019/20 Q0", "ERR: '2019/20 Q0' is not a quarter");
    check_period("2019/21",
                 "ERR: '2019/21' is not a financial year: the second year must follow the first");
    check_period("2019/2021",
                 "ERR: '2019/2021' is not a financial year: the second year must follow the first");
    check_period("2019/18 Q1",
                 "ERR: '2019/18 Q1' is not a financial year: "
                 "the second year must follow the first");
    check_period("2011-12",
                 "ERR: '2011-12' is ambiguous: write Dec 2011 for the month or 2011/12 for the "
                 "financial year");
    check_period("2019-21", "ERR: '2019-21' is neither a month nor a financial year (2019/20)");
    check_period("13/2019", "ERR: '13/2019' is not a real month");
    check_period("Jun 19", "ERR: 'Jun 19' is ambiguous: use a four-digit year");
    check_period("Q1 20", "ERR: 'Q1 20' is ambiguous: use a four-digit year");
    check_period("03/06/19 - 04/06/19", "ERR: '03/06/19' is ambiguous: use a four-digit year");
    check_period("2019-02-30 to 2019-03-01", "ERR: '2019-02-30' is not a real date");
    check_period("2019-06-14 to 2019-06-03",
                 "ERR: '2019-06-14 to 2019-06-03' ends before it starts "
                 "(2019-06-03 is before 2019-06-14)");
    check_period("14-3 June 2019",
                 "ERR: '14-3 June 2019' ends before it starts (2019-06-03 is before 2019-06-14)");
    check_period("29 Feb - 3 Mar 2019", "ERR: '29 Feb' is not a real date in 2019");
    check_period("31-14 June 2019", "ERR: '31' is not a real date in Jun 2019");
    check_period("1850", "ERR: '1850' is outside the supported years 1900-2199");
    check_period("2199/00", "ERR: '2199/00' is outside the supported years 1900-2199");
    check_period("", "ERR: empty period");
    check_period("xyz",
                 "ERR: 'xyz' is not a period I understand (use a date, June 2019, Q1 2020, "
                 "2019/20 Q3, 2019/20 or 2019-06-03 to 2019-06-14)");
    check_period("2019-06-03 to 2019-06-10 to 2019-06-14",
                 "ERR: '2019-06-03 to 2019-06-10 to 2019-06-14' is not a period I understand "
                 "(use a date, June 2019, Q1 2020, 2019/20 Q3, 2019/20 or "
                 "2019-06-03 to 2019-06-14)");
}

int main(void)
{
    test_calendar();
    test_date_forms();
    test_date_errors();
    test_period_forms();
    test_period_errors();
    return tap_done();
}
