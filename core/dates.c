/* SPDX-License-Identifier: MIT */
/*
 * Civil dates and reporting periods: see dates.h for what is accepted.
 *
 * Parsing works in two steps. A lexer turns the trimmed text into tokens
 * (numbers with their digit count, lower-cased words, punctuation), noting
 * which tokens had white space before them. Small matchers then recognise one
 * shape each over a run of tokens. A matcher answers M_NONE when the shape
 * does not fit, so the next one can try; M_ERR only once the whole input has
 * the matcher's shape and a value inside it is wrong. That way "2019-02-30"
 * reports the impossible day rather than "not understood", and a range such
 * as "2019-06-03 to 2019-06-14" is not refused by the single-date matcher.
 */
#include "dates.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum { M_ERR = -1, M_NONE = 0, M_OK = 1 };

/* ---------------------------------------------------------------- calendar */

/*
 * Howard Hinnant's days_from_civil / civil_from_days: exact for the whole
 * proleptic Gregorian calendar with no tables and no loops. 64-bit
 * intermediates so that any int32_t day number converts without overflow.
 */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* Floor division and modulo: the day numbers before 1970 are negative. */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    if ((a % b != 0) && ((a < 0) != (b < 0))) {
        q--;
    }
    return q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
    return a - floor_div(a, b) * b;
}

static int64_t min_days(void)
{
    return days_from_civil(DATE_MIN_YEAR, 1, 1);
}

static int64_t max_days(void)
{
    return days_from_civil(DATE_MAX_YEAR, 12, 31);
}

bool date_is_leap_year(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_days_in_month(int y, int m)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (m < 1 || m > 12) {
        return 0;
    }
    if (m == 2 && date_is_leap_year(y)) {
        return 29;
    }
    return mdays[m - 1];
}

int date_from_ymd(int y, int m, int d, int32_t *days)
{
    if (y < DATE_MIN_YEAR || y > DATE_MAX_YEAR) {
        return -1;
    }
    if (d < 1 || d > date_days_in_month(y, m)) {
        return -1;
    }
    *days = (int32_t)days_from_civil(y, m, d);
    return 0;
}

void date_to_ymd(int32_t days, int *y, int *m, int *d)
{
    int64_t yy;

    civil_from_days(days, &yy, m, d);
    /* Any int32_t day count is within +-5.9 million years, so this fits. */
    *y = (int)yy;
}

static void put_digits(char *out, int value, int width)
{
    int i;

    for (i = width - 1; i >= 0; i--) {
        out[i] = (char)('0' + value % 10);
        value /= 10;
    }
}

void date_format(int32_t days, char out[DATE_FORMAT_SIZE])
{
    int y, m, d;

    date_to_ymd(days, &y, &m, &d);
    if (y < 0 || y > 9999) {
        memcpy(out, "0000-00-00", DATE_FORMAT_SIZE);
        return;
    }
    /* Written by hand rather than snprintf: no locale, no truncation path. */
    put_digits(out, y, 4);
    out[4] = '-';
    put_digits(out + 5, m, 2);
    out[7] = '-';
    put_digits(out + 8, d, 2);
    out[10] = '\0';
}

int date_weekday(int32_t days)
{
    /* 1970-01-01 was a Thursday, day 3 when Monday is 0. */
    return (int)floor_mod((int64_t)days + 3, 7);
}

int date_add_days(int32_t days, int32_t n, int32_t *out)
{
    int64_t r = (int64_t)days + n;

    if (r < min_days() || r > max_days()) {
        return -1;
    }
    *out = (int32_t)r;
    return 0;
}

/* Weekdays in [1970-01-05, x) (negative before it): 1970-01-05 was a Monday. */
static int64_t weekdays_before(int64_t x)
{
    int64_t t = x - 4;
    int64_t rem = floor_mod(t, 7);

    return floor_div(t, 7) * 5 + (rem < 5 ? rem : 5);
}

int date_business_days_between(int32_t from, int32_t to)
{
    int64_t n = weekdays_before((int64_t)to + 1) - weekdays_before((int64_t)from + 1);

    /* Only reachable with day numbers far outside the supported years. */
    if (n > INT_MAX) {
        return INT_MAX;
    }
    if (n < INT_MIN) {
        return INT_MIN;
    }
    return (int)n;
}

/* ------------------------------------------------------------------ errors */

struct errout {
    char *buf;
    size_t len;
};

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void set_err(struct errout *e, const char *fmt, ...)
{
    va_list ap;

    if (e->buf == NULL || e->len == 0) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(e->buf, e->len, fmt, ap);
    va_end(ap);
}

/*
 * Room for the quoted input: the quotes, QUOTE_MAX bytes, "..." and the NUL.
 * Inputs come from files we do not control, so a message quotes at most
 * QUOTE_MAX bytes, cut on a UTF-8 character boundary, and control characters
 * become '?' so that a message is always one printable line.
 */
#define QUOTE_MAX 64
#define QUOTE_SIZE (QUOTE_MAX + 6)

static void quote(char q[QUOTE_SIZE], const char *s, size_t len)
{
    size_t n = len, i, o = 0;
    bool cut = false;

    if (n > QUOTE_MAX) {
        n = QUOTE_MAX;
        /* Back off to the first byte of a character: never print half of one. */
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) {
            n--;
        }
        cut = true;
    }
    q[o++] = '\'';
    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];

        q[o++] = (ch < 0x20 || ch == 0x7F) ? '?' : (char)ch;
    }
    if (cut) {
        memcpy(q + o, "...", 3);
        o += 3;
    }
    q[o++] = '\'';
    q[o] = '\0';
}

/* "'<input>' <what>": the shape of nearly every message. */
static int fail(struct errout *e, const char *s, size_t len, const char *what)
{
    char q[QUOTE_SIZE];

    quote(q, s, len);
    set_err(e, "%s %s", q, what);
    return M_ERR;
}

static int fail_years(struct errout *e, const char *s, size_t len)
{
    char q[QUOTE_SIZE];

    quote(q, s, len);
    set_err(e, "%s is outside the supported years %d-%d", q, DATE_MIN_YEAR, DATE_MAX_YEAR);
    return M_ERR;
}

static const char *const AMBIGUOUS_YEAR = "is ambiguous: use a four-digit year";

/* ------------------------------------------------------------------- lexer */

enum tok_kind { TOK_NUM, TOK_WORD, TOK_DASH, TOK_SLASH, TOK_DOT, TOK_COMMA, TOK_COLON, TOK_PLUS };

/* Longer than any form we accept; more tokens means it is not a date. */
#define LEX_MAX_TOKENS 32
/* Holds "september" with room to spare; longer words keep their true wlen. */
#define LEX_WORD_MAX 16

struct tok {
    enum tok_kind kind;
    size_t off;    /* first byte, as an offset into the trimmed text */
    size_t end;    /* one past the last byte, ordinal suffix included */
    bool space;    /* white space came before this token */
    int ndigits;   /* TOK_NUM: digit count (capped, see lex()) */
    int32_t value; /* TOK_NUM: the value of the first 9 digits */
    bool ordinal;  /* TOK_NUM: followed directly by st/nd/rd/th (kept in word) */
    size_t wlen;   /* TOK_WORD: true length, even beyond LEX_WORD_MAX */
    char word[LEX_WORD_MAX];
};

struct lex {
    const char *s;
    size_t len;
    size_t n;
    struct tok t[LEX_MAX_TOKENS];
};

/* ASCII only, on purpose: <ctype.h> answers depend on the C locale. */
static bool is_space(unsigned char ch)
{
    return ch == ' ' || (ch >= '\t' && ch <= '\r');
}

static bool is_digit(unsigned char ch)
{
    return ch >= '0' && ch <= '9';
}

static bool is_alpha(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static char to_lower(unsigned char ch)
{
    return (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : (char)ch;
}

static void trim(const char **s, size_t *len)
{
    while (*len > 0 && is_space((unsigned char)(*s)[0])) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && is_space((unsigned char)(*s)[*len - 1])) {
        (*len)--;
    }
}

static bool is_ordinal_suffix(char a, char b)
{
    return (a == 's' && b == 't') || (a == 'n' && b == 'd') || (a == 'r' && b == 'd') ||
           (a == 't' && b == 'h');
}

/* False for a character no accepted form uses, or too many tokens. */
static bool lex(struct lex *lx, const char *s, size_t len)
{
    size_t i = 0;
    bool space = false;

    lx->s = s;
    lx->len = len;
    lx->n = 0;
    while (i < len) {
        unsigned char ch = (unsigned char)s[i];
        struct tok *t;

        if (is_space(ch)) {
            space = true;
            i++;
            continue;
        }
        if (lx->n == LEX_MAX_TOKENS) {
            return false;
        }
        t = &lx->t[lx->n];
        memset(t, 0, sizeof *t);
        t->off = i;
        t->space = space;
        space = false;
        if (is_digit(ch)) {
            t->kind = TOK_NUM;
            while (i < len && is_digit((unsigned char)s[i])) {
                if (t->ndigits < 9) {
                    t->value = t->value * 10 + (s[i] - '0');
                }
                /* Any count above 9 only has to stay "too many". */
                if (t->ndigits < 99) {
                    t->ndigits++;
                }
                i++;
            }
            /* "3rd": a suffix of exactly two letters belongs to the number. */
            if (i + 2 <= len && is_alpha((unsigned char)s[i]) &&
                is_alpha((unsigned char)s[i + 1]) &&
                (i + 2 == len || !is_alpha((unsigned char)s[i + 2]))) {
                char a = to_lower((unsigned char)s[i]);
                char b = to_lower((unsigned char)s[i + 1]);

                if (is_ordinal_suffix(a, b)) {
                    t->ordinal = true;
                    t->word[0] = a;
                    t->word[1] = b;
                    i += 2;
                }
            }
        } else if (is_alpha(ch)) {
            t->kind = TOK_WORD;
            while (i < len && is_alpha((unsigned char)s[i])) {
                if (t->wlen < LEX_WORD_MAX - 1) {
                    t->word[t->wlen] = to_lower((unsigned char)s[i]);
                }
                t->wlen++;
                i++;
            }
        } else if (ch == 0xE2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
                   (unsigned char)s[i + 2] == 0x93) {
            /* U+2013 EN DASH: how HMIP reports and MoJ tables write "3–14 June". */
            t->kind = TOK_DASH;
            i += 3;
        } else {
            switch (ch) {
            case '-':
                t->kind = TOK_DASH;
                break;
            case '/':
                t->kind = TOK_SLASH;
                break;
            case '.':
                t->kind = TOK_DOT;
                break;
            case ',':
                t->kind = TOK_COMMA;
                break;
            case ':':
                t->kind = TOK_COLON;
                break;
            case '+':
                t->kind = TOK_PLUS;
                break;
            default:
                return false;
            }
            i++;
        }
        t->end = i;
        lx->n++;
    }
    return true;
}

/* The source text of tokens [lo, hi), for quoting in messages. */
static const char *span_text(const struct lex *lx, size_t lo, size_t hi, size_t *len)
{
    *len = lx->t[hi - 1].end - lx->t[lo].off;
    return lx->s + lx->t[lo].off;
}

/* ----------------------------------------------------------------- matching */

static const char *const MONTH_NAMES[12] = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december",
};

static const char *const MONTH_SHORT[12] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

static bool word_is(const struct tok *t, const char *w)
{
    size_t n = strlen(w);

    return t->kind == TOK_WORD && t->wlen == n && n < LEX_WORD_MAX && memcmp(t->word, w, n) == 0;
}

/* 1..12 for a full or three-letter English month name, or "sept"; else 0. */
static int month_of(const struct tok *t)
{
    int m;

    if (t->kind != TOK_WORD || t->wlen >= LEX_WORD_MAX) {
        return 0;
    }
    for (m = 0; m < 12; m++) {
        size_t n = strlen(MONTH_NAMES[m]);

        if ((t->wlen == n || t->wlen == 3) && memcmp(t->word, MONTH_NAMES[m], t->wlen) == 0) {
            return m + 1;
        }
    }
    return word_is(t, "sept") ? 9 : 0;
}

/* POSIX %y: published tables write "Jan-Mar 20" for 2020 and "Jun-99" for 1999. */
static int32_t pivot_year(int32_t yy)
{
    return yy < 69 ? 2000 + yy : 1900 + yy;
}

struct cur {
    const struct lex *lx;
    size_t i;
    size_t hi;
};

static const struct tok *peek(const struct cur *c)
{
    return c->i < c->hi ? &c->lx->t[c->i] : NULL;
}

static bool at_end(const struct cur *c)
{
    return c->i >= c->hi;
}

/* tight: the token must follow the previous one with no white space. */
static bool eat_kind(struct cur *c, enum tok_kind k, bool tight)
{
    const struct tok *t = peek(c);

    if (t == NULL || t->kind != k || (tight && t->space)) {
        return false;
    }
    c->i++;
    return true;
}

static bool eat_word(struct cur *c, const char *w, bool tight)
{
    const struct tok *t = peek(c);

    if (t == NULL || !word_is(t, w) || (tight && t->space)) {
        return false;
    }
    c->i++;
    return true;
}

/* A plain number (no ordinal suffix) of mind..maxd digits. */
static bool eat_num(struct cur *c, int mind, int maxd, bool tight, int32_t *v)
{
    const struct tok *t = peek(c);

    if (t == NULL || t->kind != TOK_NUM || t->ordinal || t->ndigits < mind ||
        t->ndigits > maxd || (tight && t->space)) {
        return false;
    }
    *v = t->value;
    c->i++;
    return true;
}

/*
 * A day of the month in words-style dates: 1 or 2 digits, optionally with the
 * RIGHT ordinal suffix ("3rd", not "3th"): a wrong suffix suggests a mangled
 * field, which is worth a question rather than a guess.
 */
static bool eat_day(struct cur *c, int32_t *d)
{
    const struct tok *t = peek(c);

    if (t == NULL || t->kind != TOK_NUM || t->ndigits > 2) {
        return false;
    }
    if (t->ordinal) {
        const char *want = "th";

        if (t->value / 10 != 1) {
            switch (t->value % 10) {
            case 1:
                want = "st";
                break;
            case 2:
                want = "nd";
                break;
            case 3:
                want = "rd";
                break;
            default:
                break;
            }
        }
        if (t->word[0] != want[0] || t->word[1] != want[1]) {
            return false;
        }
    }
    *d = t->value;
    c->i++;
    return true;
}

static bool eat_month(struct cur *c, int *m)
{
    const struct tok *t = peek(c);

    if (t == NULL || (*m = month_of(t)) == 0) {
        return false;
    }
    c->i++;
    return true;
}

/*
 * A time of day after a date, validated and then ignored. iso: "T" may join
 * it to the date and a zone may follow (Z, +01:00, -0500, +01); otherwise it
 * is " HH:MM[:SS]" as spreadsheets export next to dd/mm/yyyy.
 */
static bool eat_time(struct cur *c, bool iso)
{
    int32_t hh, mm, ss, v;
    bool t_sep = iso && eat_word(c, "t", true);
    const struct tok *h = peek(c);

    if (h == NULL || (t_sep ? h->space : !h->space)) {
        return false;
    }
    if (!eat_num(c, 1, 2, false, &hh) || hh > 23) {
        return false;
    }
    if (!eat_kind(c, TOK_COLON, true) || !eat_num(c, 2, 2, true, &mm) || mm > 59) {
        return false;
    }
    if (eat_kind(c, TOK_COLON, true)) {
        /* 60: a leap second is a real time. */
        if (!eat_num(c, 2, 2, true, &ss) || ss > 60) {
            return false;
        }
        if (eat_kind(c, TOK_DOT, true) || eat_kind(c, TOK_COMMA, true)) {
            if (!eat_num(c, 1, 9, true, &v)) {
                return false;
            }
        }
    }
    if (!iso) {
        return true;
    }
    if (eat_word(c, "z", true)) {
        return true;
    }
    if (eat_kind(c, TOK_PLUS, true) || eat_kind(c, TOK_DASH, true)) {
        if (eat_num(c, 4, 4, true, &v)) {
            return v / 100 <= 23 && v % 100 <= 59;
        }
        if (!eat_num(c, 2, 2, true, &hh) || hh > 23) {
            return false;
        }
        if (eat_kind(c, TOK_COLON, true)) {
            return eat_num(c, 2, 2, true, &mm) && mm <= 59;
        }
    }
    return true;
}

static int make_date(struct errout *e, const char *s, size_t len, int32_t y, int32_t m,
                     int32_t d, int32_t *out)
{
    if (y < DATE_MIN_YEAR || y > DATE_MAX_YEAR) {
        return fail_years(e, s, len);
    }
    if (date_from_ymd(y, m, d, out) != 0) {
        return fail(e, s, len, "is not a real date");
    }
    return M_OK;
}

/* 2019-06-03[time], 2019/06/03, 03/06/2019[ time], 03-06-2019, 03.06.2019 */
static int match_numeric_date(const struct lex *lx, size_t lo, size_t hi, int32_t *out,
                              struct errout *e)
{
    struct cur c = {lx, lo, hi};
    const struct tok *sep;
    int32_t a, b, z, dummy;
    int adig, zdig;
    bool iso;
    const char *txt;
    size_t tlen;

    /* Shape: number, separator, number, the same separator, number. */
    if (hi - lo < 5) {
        return M_NONE;
    }
    adig = lx->t[lo].ndigits;
    zdig = lx->t[lo + 4].ndigits;
    sep = &lx->t[lo + 1];
    if (sep->kind != TOK_DASH && sep->kind != TOK_SLASH && sep->kind != TOK_DOT) {
        return M_NONE;
    }
    if (!eat_num(&c, 1, 9, false, &a) || !eat_kind(&c, sep->kind, true) ||
        !eat_num(&c, 1, 2, true, &b) || !eat_kind(&c, sep->kind, true) ||
        !eat_num(&c, 1, 9, true, &z)) {
        return M_NONE;
    }
    iso = adig == 4 && sep->kind == TOK_DASH;
    if (!at_end(&c) && (!eat_time(&c, iso) || !at_end(&c))) {
        return M_NONE;
    }
    txt = span_text(lx, lo, hi, &tlen);
    if (adig == 4) {
        if (zdig > 2) {
            return M_NONE;
        }
        return make_date(e, txt, tlen, a, b, z, out);
    }
    if (adig > 2) {
        return M_NONE;
    }
    if (zdig <= 2) {
        /* 03/06/19: which century, and is 19 even the year? Ask. */
        return fail(e, txt, tlen, AMBIGUOUS_YEAR);
    }
    if (zdig != 4) {
        return M_NONE;
    }
    /* Day first, always. A month field above 12 is most likely a US date. */
    if (z >= DATE_MIN_YEAR && z <= DATE_MAX_YEAR && b > 12 &&
        date_from_ymd(z, a, b, &dummy) == 0) {
        return fail(e, txt, tlen,
                    "is not a real date (numeric dates are read as day/month/year)");
    }
    return make_date(e, txt, tlen, z, b, a, out);
}

/* 3 June 2019, 03-Jun-2019, 3rd June 2019, June 3, 2019 */
static int match_text_date(const struct lex *lx, size_t lo, size_t hi, int32_t *out,
                           struct errout *e)
{
    struct cur c = {lx, lo, hi};
    const struct tok *yt;
    int32_t d;
    int m;
    const char *txt;
    size_t tlen;

    if (eat_day(&c, &d)) {
        (void)eat_kind(&c, TOK_DASH, false);
        if (!eat_month(&c, &m)) {
            return M_NONE;
        }
        (void)(eat_kind(&c, TOK_DASH, false) || eat_kind(&c, TOK_COMMA, false));
    } else if (eat_month(&c, &m)) {
        if (!eat_day(&c, &d)) {
            return M_NONE;
        }
        (void)eat_kind(&c, TOK_COMMA, false);
    } else {
        return M_NONE;
    }
    yt = peek(&c);
    if (yt == NULL || yt->kind != TOK_NUM || yt->ordinal) {
        return M_NONE;
    }
    c.i++;
    if (!at_end(&c)) {
        return M_NONE;
    }
    txt = span_text(lx, lo, hi, &tlen);
    if (yt->ndigits <= 2) {
        /* "03-Jun-19": 2019 or 1919? Unlike quarter tables, not a convention. */
        return fail(e, txt, tlen, AMBIGUOUS_YEAR);
    }
    if (yt->ndigits != 4) {
        return M_NONE;
    }
    return make_date(e, txt, tlen, yt->value, m, d, out);
}

static int match_date(const struct lex *lx, size_t lo, size_t hi, int32_t *out,
                      struct errout *e)
{
    int r;

    if (lo >= hi) {
        return M_NONE;
    }
    r = match_numeric_date(lx, lo, hi, out, e);
    if (r != M_NONE) {
        return r;
    }
    return match_text_date(lx, lo, hi, out, e);
}

/* The first date of a range may leave out what the second one says. */
static bool match_day_month(const struct lex *lx, size_t lo, size_t hi, int32_t *d, int *m)
{
    struct cur c = {lx, lo, hi};

    if (eat_day(&c, d)) {
        (void)eat_kind(&c, TOK_DASH, false);
        return eat_month(&c, m) && at_end(&c);
    }
    return eat_month(&c, m) && eat_day(&c, d) && at_end(&c);
}

static bool match_day_only(const struct lex *lx, size_t lo, size_t hi, int32_t *d)
{
    struct cur c = {lx, lo, hi};

    return eat_day(&c, d) && at_end(&c);
}

int date_parse(const char *s, size_t len, int32_t *days, char *err, size_t errlen)
{
    struct errout e = {err, errlen};
    struct lex lx;
    int32_t v;
    int r = M_NONE;

    if (s == NULL) {
        len = 0;
    }
    trim(&s, &len);
    if (len == 0) {
        set_err(&e, "empty date");
        return -1;
    }
    if (lex(&lx, s, len)) {
        r = match_date(&lx, 0, lx.n, &v, &e);
    }
    if (r == M_OK) {
        set_err(&e, "%s", "");
        *days = v;
        return 0;
    }
    if (r == M_NONE) {
        fail(&e, s, len, "is not a date I understand (use YYYY-MM-DD or dd/mm/yyyy)");
    }
    return -1;
}

/* ----------------------------------------------------------------- periods */

/* Months m1..m2 of year y (m2 may run into the next year as 13..15). */
static int month_span(struct errout *e, const struct lex *lx, int32_t y, int m1, int m2,
                      int32_t *ps, int32_t *pe)
{
    int32_t y2 = m2 > 12 ? y + 1 : y;
    int mm2 = m2 > 12 ? m2 - 12 : m2;

    if (y < DATE_MIN_YEAR || y2 > DATE_MAX_YEAR) {
        return fail_years(e, lx->s, lx->len);
    }
    (void)date_from_ymd(y, m1, 1, ps);
    (void)date_from_ymd(y2, mm2, date_days_in_month(y2, mm2), pe);
    return M_OK;
}

static int period_date(const struct lex *lx, int32_t *ps, int32_t *pe, struct errout *e)
{
    int r = match_date(lx, 0, lx->n, ps, e);

    if (r == M_OK) {
        *pe = *ps;
    }
    return r;
}

/* 2019 */
static int period_year(const struct lex *lx, int32_t *ps, int32_t *pe, struct errout *e)
{
    struct cur c = {lx, 0, lx->n};
    int32_t y;

    if (!eat_num(&c, 4, 4, false, &y) || !at_end(&c)) {
        return M_NONE;
    }
    return month_span(e, lx, y, 1, 12, ps, pe);
}

/* June 2019, Jun-19, 2019-06, 06/2019 */
static int period_month(const struct lex *lx, int32_t *ps, int32_t *pe, struct errout *e)
{
    const struct tok *t = lx->t;
    struct cur c = {lx, 0, lx->n};
    int32_t a, b;
    int m;

    if (eat_month(&c, &m)) {
        bool dash = eat_kind(&c, TOK_DASH, false);

        if (eat_num(&c, 4, 4, false, &a) && at_end(&c)) {
            return month_span(e, lx, a, m, m, ps, pe);
        }
        if (eat_num(&c, 2, 2, false, &a) && at_end(&c)) {
            if (!dash) {
                /* "Jun 19" reads as 19 June just as well as June 2019. */
                return fail(e, lx->s, lx->len, AMBIGUOUS_YEAR);
            }
            return month_span(e, lx, pivot_year(a), m, m, ps, pe);
        }
        return M_NONE;
    }
    if (lx->n != 3 || t[1].space || t[2].space) {
        return M_NONE;
    }
    if (eat_num(&c, 1, 2, false, &a)) {
        /* 06/2019 */
        if (!(eat_kind(&c, TOK_SLASH, true) || eat_kind(&c, TOK_DASH, true) ||
              eat_kind(&c, TOK_DOT, true)) ||
            !eat_num(&c, 4, 4, true, &b)) {
            return M_NONE;
        }
        if (a < 1 || a > 12) {
            return fail(e, lx->s, lx->len, "is not a real month");
        }
        return month_span(e, lx, b, a, a, ps, pe);
    }
    if (eat_num(&c, 4, 4, false, &a) && eat_kind(&c, TOK_DASH, true) &&
        eat_num(&c, 1, 2, true, &b)) {
        /*
         * 2019-06 is a month but 2019-20 is a financial year, and from 2000-01
         * to 2011-12 both readings are real: refuse those instead of choosing.
         */
        bool fy = t[2].ndigits == 2 && b == (a + 1) % 100;
        bool month = b >= 1 && b <= 12;
        char q[QUOTE_SIZE];

        if (fy && month) {
            quote(q, lx->s, lx->len);
            set_err(e, "%s is ambiguous: write %s %d for the month or %d/%02d for the "
                       "financial year",
                    q, MONTH_SHORT[b - 1], (int)a, (int)a, (int)b);
            return M_ERR;
        }
        if (fy) {
            return M_NONE; /* period_fy() takes it */
        }
        if (!month) {
            quote(q, lx->s, lx->len);
            set_err(e, "%s is neither a month nor a financial year (%d/%02d)", q, (int)a,
                    (int)((a + 1) % 100));
            return M_ERR;
        }
        return month_span(e, lx, a, (int)b, (int)b, ps, pe);
    }
    return M_NONE;
}

/*
 * [FY]2019/20, 2019-20, 2019/2020: true when the shape fits, with *follows
 * telling whether the second year is the one after the first.
 */
static bool eat_fy(struct cur *c, int32_t *y, bool *follows)
{
    struct cur save = *c;
    const struct tok *t2;
    int32_t y2;
    (void)eat_word(c, "fy", false);
    if (!eat_num(c, 4, 4, false, y) ||
        !(eat_kind(c, TOK_SLASH, true) || eat_kind(c, TOK_DASH, true))) {
        *c = save;
        return false;
    }
    t2 = peek(c);
    if (!eat_num(c, 2, 4, true, &y2) || t2->ndigits == 3) {
        *c = save;
        return false;
    }
    *follows = t2->ndigits == 4 ? y2 == *y + 1 : y2 == (*y + 1) % 100;
    return true;
}

static bool eat_q(struct cur *c, int32_t *q)
{
    struct cur save = *c;

    if (eat_word(c, "q", false) && eat_num(c, 1, 1, true, q)) {
        return true;
    }
    *c = save;
    return false;
}

/* Not a quarter number: fy_span() then gives the whole financial year. */
#define FY_WHOLE INT32_MIN

static int fy_span(struct errout *e, const struct lex *lx, int32_t y, bool follows, int32_t q,
                   int32_t *ps, int32_t *pe)
{
    int m1;

    if (!follows) {
        return fail(e, lx->s, lx->len,
                    "is not a financial year: the second year must follow the first");
    }
    if (q == FY_WHOLE) {
        return month_span(e, lx, y, 4, 15, ps, pe);
    }
    if (q < 1 || q > 4) {
        return fail(e, lx->s, lx->len, "is not a quarter");
    }
    /* Q1 is April to June; Q4 is January to March of the second year. */
    m1 = 4 + (int)(q - 1) * 3;
    if (y + 1 > DATE_MAX_YEAR) {
        return fail_years(e, lx->s, lx->len);
    }
    return m1 > 12 ? month_span(e, lx, y + 1, m1 - 12, m1 - 10, ps, pe)
                   : month_span(e, lx, y, m1, m1 + 2, ps, pe);
}

static int cal_quarter_span(struct errout *e, const struct lex *lx, int32_t y, int32_t q,
                            int32_t *ps, int32_t *pe)
{
    if (q < 1 || q > 4) {
        return fail(e, lx->s, lx->len, "is not a quarter");
    }
    return month_span(e, lx, y, (int)(q - 1) * 3 + 1, (int)(q - 1) * 3 + 3, ps, pe);
}

/* Jan-Mar 20, Apr - Jun 2019, Q1 2020, 2020 Q1, 2019/20 Q3, Q3 2019/20 */
static int period_quarter(const struct lex *lx, int32_t *ps, int32_t *pe, struct errout *e)
{
    struct cur c = {lx, 0, lx->n};
    int32_t y, q;
    int m1, m2;
    bool follows;

    if (eat_month(&c, &m1)) {
        int32_t yv;
        const struct tok *yt;

        if (!(eat_kind(&c, TOK_DASH, false) || eat_word(&c, "to", false)) ||
            !eat_month(&c, &m2)) {
            return M_NONE;
        }
        yt = peek(&c);
        if (!eat_num(&c, 2, 4, false, &yv) || !at_end(&c) || yt->ndigits == 3) {
            return M_NONE;
        }
        if (m1 % 3 != 1 || m2 != m1 + 2) {
            return fail(e, lx->s, lx->len, "is not a quarter");
        }
        return month_span(e, lx, yt->ndigits == 2 ? pivot_year(yv) : yv, m1, m2, ps, pe);
    }
    if (eat_q(&c, &q)) {
        (void)eat_kind(&c, TOK_DASH, false);
        if (eat_fy(&c, &y, &follows) && at_end(&c)) {
            return fy_span(e, lx, y, follows, q, ps, pe);
        }
        if (eat_num(&c, 4, 4, false, &y) && at_end(&c)) {
            return cal_quarter_span(e, lx, y, q, ps, pe);
        }
        if (eat_num(&c, 2, 2, false, &y) && at_end(&c)) {
            return fail(e, lx->s, lx->len, AMBIGUOUS_YEAR);
        }
        return M_NONE;
    }
    if (eat_fy(&c, &y, &follows)) {
        (void)eat_kind(&c, TOK_DASH, false);
        if (eat_q(&c, &q) && at_end(&c)) {
            return fy_span(e, lx, y, follows, q, ps, pe);
        }
        return M_NONE;
    }
    if (eat_num(&c, 4, 4, false, &y)) {
        (void)eat_kind(&c, TOK_DASH, false);
        if (eat_q(&c, &q) && at_end(&c)) {
            return cal_quarter_span(e, lx, y, q, ps, pe);
        }
    }
    return M_NONE;
}

/* 2019/20, 2019-20, 2019/2020, FY2019/20 */
static int period_fy(const struct lex *lx, int32_t *ps, int32_t *pe, struct errout *e)
{
    struct cur c = {lx, 0, lx->n};
    int32_t y;
    bool follows;

    if (!eat_fy(&c, &y, &follows) || !at_end(&c)) {
        return M_NONE;
    }
    return fy_span(e, lx, y, follows, FY_WHOLE, ps, pe);
}

/*
 * The second date of a range is complete; the first may be too, or may leave
 * out the year ("3 June - 14 June 2019") or the month and year ("3-14 June
 * 2019"), which it then takes from the second.
 */
static int period_range(const struct lex *lx, int32_t *ps, int32_t *pe, struct errout *e)
{
    size_t n = lx->n, split = 0, found = 0, i, ltlen;
    int32_t start, end, left_day;
    int r, end_y, end_m, end_d, left_month;
    bool left_complete;
    const char *ltxt;

    /*
     * Dates contain dashes, so only a dash with white space beside it
     * separates two dates; exactly one separator, or it is not a range.
     */
    for (i = 1; i + 1 < n; i++) {
        const struct tok *t = &lx->t[i];

        if (word_is(t, "to") || (t->kind == TOK_DASH && (t->space || lx->t[i + 1].space))) {
            split = i;
            found++;
        }
    }
    if (found == 0 && n >= 3 && lx->t[0].kind == TOK_NUM && lx->t[0].ndigits <= 2 &&
        lx->t[1].kind == TOK_DASH) {
        split = 1; /* 3-14 June 2019 */
        found = 1;
    }
    if (found != 1) {
        return M_NONE;
    }
    r = match_date(lx, 0, split, &start, e);
    if (r == M_ERR) {
        return r;
    }
    left_complete = r == M_OK;
    r = match_date(lx, split + 1, n, &end, e);
    if (r != M_OK) {
        return r;
    }
    if (!left_complete) {
        char q[QUOTE_SIZE];

        date_to_ymd(end, &end_y, &end_m, &end_d);
        ltxt = span_text(lx, 0, split, &ltlen);
        if (match_day_month(lx, 0, split, &left_day, &left_month)) {
            if (date_from_ymd(end_y, left_month, (int)left_day, &start) != 0) {
                quote(q, ltxt, ltlen);
                set_err(e, "%s is not a real date in %d", q, end_y);
                return M_ERR;
            }
        } else if (match_day_only(lx, 0, split, &left_day)) {
            if (date_from_ymd(end_y, end_m, (int)left_day, &start) != 0) {
                quote(q, ltxt, ltlen);
                set_err(e, "%s is not a real date in %s %d", q, MONTH_SHORT[end_m - 1],
                        end_y);
                return M_ERR;
            }
        } else {
            return M_NONE;
        }
    }
    if (end < start) {
        char q[QUOTE_SIZE], fs[DATE_FORMAT_SIZE], fe[DATE_FORMAT_SIZE];

        quote(q, lx->s, lx->len);
        date_format(start, fs);
        date_format(end, fe);
        set_err(e, "%s ends before it starts (%s is before %s)", q, fe, fs);
        return M_ERR;
    }
    *ps = start;
    *pe = end;
    return M_OK;
}

int period_parse(const char *s, size_t len, int32_t *start, int32_t *end, char *err,
                 size_t errlen)
{
    /* Most specific first; see the comment at the top about M_NONE. */
    static int (*const matchers[])(const struct lex *, int32_t *, int32_t *, struct errout *) = {
        period_date, period_year, period_month, period_quarter, period_fy, period_range,
    };
    struct errout e = {err, errlen};
    struct lex lx;
    int32_t ps = 0, pe = 0;
    size_t i;

    if (s == NULL) {
        len = 0;
    }
    trim(&s, &len);
    if (len == 0) {
        set_err(&e, "empty period");
        return -1;
    }
    if (lex(&lx, s, len)) {
        for (i = 0; i < sizeof matchers / sizeof matchers[0]; i++) {
            int r = matchers[i](&lx, &ps, &pe, &e);

            if (r == M_OK) {
                set_err(&e, "%s", "");
                *start = ps;
                *end = pe;
                return 0;
            }
            if (r == M_ERR) {
                return -1;
            }
        }
    }
    fail(&e, s, len,
         "is not a period I understand (use a date, June 2019, Q1 2020, 2019/20 Q3, "
         "2019/20 or 2019-06-03 to 2019-06-14)");
    return -1;
}
