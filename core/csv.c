/* SPDX-License-Identifier: MIT */
/*
 * Streaming CSV reader; the rules are documented in csv.h.
 *
 * How it works: the file is read in chunks into `buf`, which always carries a
 * NUL sentinel one past its data. csv_next() is a state machine written with
 * gotos over that buffer. Inside a field, csv_run() copies the run of
 * ordinary bytes into the record buffer eight bytes at a time (byte by byte
 * with a stop table near the end of the chunk, where the sentinel ends the
 * loop without a bounds check). Fields are stored back to back in one record
 * buffer reused for every record, each NUL-terminated, with their start
 * offsets in a second reusable array: no allocation per field or record once
 * the buffers have grown to the largest record. The state lives in locals
 * because a call starts and ends at a record boundary; it is only written
 * down to resume after a refill. What survives between calls is the line
 * count and whether the last line ending was a CR (its LF may be in the next
 * chunk).
 *
 * Any byte >= 0x80 stops the fast copy: in Windows-1252 mode it is converted
 * on the spot, in UTF-8 mode it marks the record, and only marked records are
 * validated (one pass over the record buffer at the end), so pure-ASCII data
 * pays nothing for validation.
 */
#include "csv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CSV_DEFAULT_CHUNK ((size_t)64 * 1024)
#define CSV_DEFAULT_MAX_RECORD ((size_t)1024 * 1024)
#define CSV_ERRMAX 256

/* Stop-table classes: 0 means "ordinary byte, keep scanning". */
enum { CSV_C_PLAIN = 0, CSV_C_STOP = 1 };

struct csv_reader {
    FILE *f;
    unsigned char sep;
    enum csv_encoding enc;
    size_t chunk;
    size_t max_record;

    /* Input buffer: `len` bytes of data plus a NUL sentinel at buf[len]. */
    unsigned char *buf;
    size_t pos;
    size_t len;
    long long base; /* offset of buf[0] in the parsed bytes (record lengths) */
    int eof;
    int started;

    /* The first bytes, read before the first chunk to look for a BOM. */
    unsigned char pre[3];
    size_t pre_len;
    size_t pre_pos;

    /* Current record: fields back to back, each NUL-terminated. */
    unsigned char *rec;
    size_t rec_len;
    size_t rec_cap;
    size_t *fstart;
    size_t nf;
    size_t fcap;

    long row;         /* rows returned so far, or the row being read */
    long line;        /* physical line of the next unread byte */
    long rec_line;    /* line where the current record starts */
    long quote_line;  /* line where the open quoted field started */
    int cr_pending;   /* last line ending was a CR: a following LF belongs to it */
    long long bytes_read;

    int failed;
    char errmsg[CSV_ERRMAX];

    /* Bytes that end a run inside an unquoted / quoted field. */
    unsigned char stop_unq[256];
    unsigned char stop_quo[256];
};

/*
 * WHATWG windows-1252 for 0x80..0x9F. 0xA0..0xFF equal their code points.
 * The five holes map to the C1 controls so that every byte round-trips.
 */
static const uint16_t csv_cp1252[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

struct csv_reader *csv_reader_new(FILE *f, const struct csv_options *opt)
{
    struct csv_options o = { 0 };
    struct csv_reader *r;

    if (opt != NULL) {
        o = *opt;
    }
    if (o.sep == 0) {
        o.sep = ',';
    }
    /* These separators would make the grammar ambiguous or break the
     * ASCII-only stop tables. */
    if (f == NULL || o.sep == '"' || o.sep == '\r' || o.sep == '\n'
        || (unsigned char)o.sep >= 0x80
        || (o.encoding != CSV_UTF8 && o.encoding != CSV_WINDOWS_1252)
        || o.chunk_size > SIZE_MAX / 4) { /* keeps the csv_room() sums in range */
        errno = EINVAL;
        return NULL;
    }
    r = calloc(1, sizeof(*r));
    if (r == NULL) {
        errno = ENOMEM;
        return NULL;
    }
    r->f = f;
    r->sep = (unsigned char)o.sep;
    r->enc = o.encoding;
    r->chunk = o.chunk_size ? o.chunk_size : CSV_DEFAULT_CHUNK;
    r->max_record = o.max_record ? o.max_record : CSV_DEFAULT_MAX_RECORD;
    r->line = 1;
    r->buf = malloc(r->chunk + 1);
    r->rec_cap = 256;
    r->rec = malloc(r->rec_cap);
    r->fcap = 16;
    r->fstart = malloc(r->fcap * sizeof(*r->fstart));
    if (r->buf == NULL || r->rec == NULL || r->fstart == NULL) {
        csv_reader_free(r);
        errno = ENOMEM;
        return NULL;
    }
    r->buf[0] = 0;

    r->stop_unq[0] = CSV_C_STOP;
    r->stop_unq['\r'] = CSV_C_STOP;
    r->stop_unq['\n'] = CSV_C_STOP;
    r->stop_unq[r->sep] = CSV_C_STOP;
    r->stop_quo[0] = CSV_C_STOP;
    r->stop_quo['\r'] = CSV_C_STOP;
    r->stop_quo['\n'] = CSV_C_STOP;
    r->stop_quo['"'] = CSV_C_STOP;
    /* High bytes stop the scan too: in Windows-1252 they must be converted,
     * in UTF-8 they flag the record for validation (pure ASCII skips it). */
    for (int c = 0x80; c < 0x100; c++) {
        r->stop_unq[c] = CSV_C_STOP;
        r->stop_quo[c] = CSV_C_STOP;
    }
    return r;
}

void csv_reader_free(struct csv_reader *r)
{
    if (r == NULL) {
        return;
    }
    free(r->buf);
    free(r->rec);
    free(r->fstart);
    free(r);
}

size_t csv_nfields(const struct csv_reader *r)
{
    return r->nf;
}

const char *csv_field(const struct csv_reader *r, size_t i, size_t *len)
{
    if (i >= r->nf) {
        if (len != NULL) {
            *len = 0;
        }
        return NULL;
    }
    if (len != NULL) {
        size_t end = (i + 1 < r->nf) ? r->fstart[i + 1] : r->rec_len;

        *len = end - r->fstart[i] - 1; /* minus the NUL terminator */
    }
    return (const char *)r->rec + r->fstart[i];
}

long csv_row(const struct csv_reader *r)
{
    return r->row;
}

long csv_line(const struct csv_reader *r)
{
    return r->rec_line;
}

long long csv_bytes_read(const struct csv_reader *r)
{
    return r->bytes_read;
}

/* Record a sticky error and copy it out; always returns -1. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int csv_fail(struct csv_reader *r, char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(r->errmsg, sizeof(r->errmsg), fmt, ap);
    va_end(ap);
    r->failed = 1;
    r->nf = 0;
    r->rec_len = 0;
    if (err != NULL && errlen > 0) {
        snprintf(err, errlen, "%s", r->errmsg);
    }
    return -1;
}

/*
 * Refill `buf` with the next chunk. Returns 1 with data, 0 at end of file,
 * -1 on a read error (errno kept for the message).
 */
static int csv_fill(struct csv_reader *r)
{
    size_t n;

    r->base += (long long)r->len;
    r->pos = 0;
    r->len = 0;
    r->buf[0] = 0;
    if (!r->started) {
        r->started = 1;
        if (r->enc == CSV_UTF8) {
            /* Peek at up to 3 bytes separately so that a BOM is recognised
             * whatever the chunk size, then hand them out like file data. */
            while (r->pre_len < 3) {
                n = fread(r->pre + r->pre_len, 1, 3 - r->pre_len, r->f);
                if (n == 0) {
                    break;
                }
                r->pre_len += n;
            }
            if (ferror(r->f)) {
                return -1;
            }
            r->bytes_read += (long long)r->pre_len;
            if (r->pre_len == 3 && memcmp(r->pre, "\xEF\xBB\xBF", 3) == 0) {
                r->pre_len = 0;
            }
        }
    }
    if (r->pre_pos < r->pre_len) {
        n = r->pre_len - r->pre_pos;
        if (n > r->chunk) {
            n = r->chunk;
        }
        memcpy(r->buf, r->pre + r->pre_pos, n);
        r->pre_pos += n;
        r->len = n;
        r->buf[n] = 0;
        return 1;
    }
    if (r->eof) {
        return 0;
    }
    n = fread(r->buf, 1, r->chunk, r->f);
    if (n == 0) {
        if (ferror(r->f)) {
            return -1;
        }
        /* Remember it: on a terminal another read could block again. */
        r->eof = 1;
        return 0;
    }
    r->bytes_read += (long long)n;
    r->len = n;
    r->buf[n] = 0;
    return 1;
}

/*
 * Make sure the record buffer has room for `n` more bytes. csv_next() asks
 * for the worst case of a whole input chunk at once, so the byte loops never
 * check capacity; the record-length limit keeps this bounded.
 */
static int csv_room(struct csv_reader *r, size_t n)
{
    size_t cap = r->rec_cap;
    unsigned char *p;

    if (cap - r->rec_len >= n) {
        return 0;
    }
    while (cap - r->rec_len < n) {
        if (cap > SIZE_MAX / 2) {
            return -1;
        }
        cap *= 2;
    }
    p = realloc(r->rec, cap);
    if (p == NULL) {
        return -1;
    }
    r->rec = p;
    r->rec_cap = cap;
    return 0;
}

static int csv_grow_fields(struct csv_reader *r)
{
    size_t *p;

    if (r->fcap > SIZE_MAX / 2 / sizeof(*p)) {
        return -1;
    }
    p = realloc(r->fstart, r->fcap * 2 * sizeof(*p));
    if (p == NULL) {
        return -1;
    }
    r->fstart = p;
    r->fcap *= 2;
    return 0;
}

/* Write one Windows-1252 byte (>= 0x80) as UTF-8 at `o`; returns the new end. */
static inline unsigned char *csv_put1252(unsigned char *o, unsigned char c)
{
    unsigned cp = c < 0xA0 ? csv_cp1252[c - 0x80] : c;

    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return o + 2;
    }
    o[0] = (unsigned char)(0xE0 | (cp >> 12));
    o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (unsigned char)(0x80 | (cp & 0x3F));
    return o + 3;
}

/*
 * Offset of the first byte that does not start a valid UTF-8 sequence, or `n`
 * when all is valid. Rejects overlongs, surrogates, code points above
 * U+10FFFF and sequences cut short (the NUL after each field cuts them).
 */
static size_t csv_utf8_invalid(const unsigned char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        unsigned c;
        unsigned lo = 0x80, hi = 0xBF;
        size_t need;

        /* ASCII fast path: eight bytes per test. */
        while (n - i >= 8) {
            uint64_t w;

            memcpy(&w, s + i, 8);
            if (w & UINT64_C(0x8080808080808080)) {
                break;
            }
            i += 8;
        }
        if (i >= n) {
            break;
        }
        c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c == 0xE0) {
            need = 2;
            lo = 0xA0; /* below is overlong */
        } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
            need = 2;
        } else if (c == 0xED) {
            need = 2;
            hi = 0x9F; /* above are UTF-16 surrogates */
        } else if (c == 0xF0) {
            need = 3;
            lo = 0x90; /* below is overlong */
        } else if (c >= 0xF1 && c <= 0xF3) {
            need = 3;
        } else if (c == 0xF4) {
            need = 3;
            hi = 0x8F; /* above is beyond U+10FFFF */
        } else {
            return i; /* continuation byte, C0/C1 overlong lead, or F5..FF */
        }
        if (n - i <= need || s[i + 1] < lo || s[i + 1] > hi) {
            return i;
        }
        for (size_t k = 2; k <= need; k++) {
            if ((s[i + k] & 0xC0) != 0x80) {
                return i;
            }
        }
        i += need + 1;
    }
    return n;
}

/*
 * Record complete: check its length and, if it held any byte >= 0x80 in UTF-8
 * mode, its encoding.
 */
static int csv_finish(struct csv_reader *r, long long raw_len, int high, char *err, size_t errlen)
{
    if (raw_len > (long long)r->max_record) {
        return csv_fail(r, err, errlen, "row %ld: record exceeds %zu bytes (unterminated quote?)",
                        r->row, r->max_record);
    }
    if (high) {
        /* One pass over the whole record: the NUL after each field cuts any
         * sequence that would run into the next field. */
        size_t bad = csv_utf8_invalid(r->rec, r->rec_len);

        if (bad < r->rec_len) {
            size_t i = r->nf - 1;

            while (r->fstart[i] > bad) {
                i--;
            }
            return csv_fail(r, err, errlen, "row %ld, field %zu: invalid UTF-8 (byte 0x%02X at offset %zu)",
                            r->row, i + 1, r->rec[bad], bad - r->fstart[i]);
        }
    }
    return 1;
}

/* The usual cause is an undoubled quote inside a quoted field: say so. */
static int csv_fail_after_quote(struct csv_reader *r, char *err, size_t errlen, unsigned char c)
{
    char what[32];

    if (c >= 0x21 && c <= 0x7E) {
        snprintf(what, sizeof(what), "character '%c'", c);
    } else if (c == ' ') {
        snprintf(what, sizeof(what), "space");
    } else {
        snprintf(what, sizeof(what), "byte 0x%02X", c);
    }
    return csv_fail(r, err, errlen,
                    "row %ld, field %zu: unexpected %s after closing quote"
                    " (a quote inside a quoted field must be doubled)",
                    r->row, r->nf, what);
}

/*
 * Word-at-a-time scanning needs a little-endian target to find the first
 * match with a count of trailing zeros; elsewhere the byte loop does it all.
 */
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define CSV_SWAR 1
#else
#define CSV_SWAR 0
#endif

#define CSV_ONES UINT64_C(0x0101010101010101)
#define CSV_HIGHS UINT64_C(0x8080808080808080)

/*
 * Copy the run of ordinary bytes at *pp to *op, stopping at the first byte
 * marked in `stop` (the chunk's NUL sentinel included). `stopw` is the one
 * byte besides CR, LF, NUL and 0x80..0xFF that ends a run (the separator, or
 * '"' inside quotes), repeated eight times; `stop` must agree with it.
 * May write up to 8 bytes past the copied run (the caller reserves them).
 */
static inline void csv_run(const unsigned char **pp, unsigned char **op, const unsigned char *end,
                           const unsigned char *stop, uint64_t stopw)
{
    const unsigned char *p = *pp;
    unsigned char *o = *op;
    unsigned char c;

#if CSV_SWAR
    /* Most fields are short, so the gain is less the bytes per step than
     * one well-predicted exit per word instead of a branch per byte. */
    while (end - p >= 8) {
        uint64_t w, x1, x2, x3, m;

        memcpy(&w, p, 8);
        x1 = w ^ stopw;
        x2 = w ^ (CSV_ONES * '\n');
        x3 = w ^ (CSV_ONES * '\r');
        /* Classic "has a zero byte" test per target, plus the high bits;
         * its lowest set bit is always exact. */
        m = (((x1 - CSV_ONES) & ~x1) | ((x2 - CSV_ONES) & ~x2) | ((x3 - CSV_ONES) & ~x3)
             | ((w - CSV_ONES) & ~w) | w)
            & CSV_HIGHS;
        memcpy(o, &w, 8);
        if (m != 0) {
            m = (uint64_t)__builtin_ctzll(m) >> 3;
            *pp = p + m;
            *op = o + m;
            return;
        }
        p += 8;
        o += 8;
    }
#else
    (void)end;
    (void)stopw;
#endif
    while (stop[c = *p] == CSV_C_PLAIN) {
        *o++ = c;
        p++;
    }
    *pp = p;
    *op = o;
}

/* Parser states, needed only to resume after refilling the buffer. */
enum csv_state {
    CSV_S_REC_START,   /* between records: skipping empty lines */
    CSV_S_FIELD_START, /* first byte of a field decides quoted or not */
    CSV_S_UNQUOTED,
    CSV_S_QUOTED,
    CSV_S_QUOTE_SEEN /* a '"' inside a quoted field: end or '""' */
};

/* Buffer exhausted in state `s`: refill, then resume at the same state. */
#define CSV_NEED_INPUT(s)  \
    do {                   \
        if (p == end) {    \
            st = (s);      \
            goto refill;   \
        }                  \
    } while (0)

int csv_next(struct csv_reader *r, char *err, size_t errlen)
{
    enum csv_state st = CSV_S_REC_START;
    const unsigned char *p, *end, *run;
    const unsigned char *stop_unq = r->stop_unq, *stop_quo = r->stop_quo;
    const unsigned char sep = r->sep;
    const uint64_t sepw = CSV_ONES * sep, quotew = CSV_ONES * '"';
    const int cp1252 = (r->enc == CSV_WINDOWS_1252);
    /* Output bytes per input byte at worst: a 1252 byte becomes up to 3. */
    const size_t grow = cp1252 ? 3 : 1;
    unsigned char *o; /* write cursor in r->rec; r->rec_len is synced from it */
    long long rec_start = 0; /* stream offset of the record's first byte */
    int high = 0;            /* a byte >= 0x80 was copied (UTF-8 mode) */
    unsigned char c;

    if (r->failed) {
        if (err != NULL && errlen > 0) {
            snprintf(err, errlen, "%s", r->errmsg);
        }
        return -1;
    }
    r->nf = 0;
    r->rec_len = 0;
    p = r->buf + r->pos;
    end = r->buf + r->len;
    /* Every input byte yields at most `grow` output bytes, plus a NUL at end
     * of file and 8 bytes of csv_run() overshoot: reserving that once per
     * chunk keeps capacity checks out of the byte loops. */
    if (csv_room(r, (size_t)(end - p) * grow + 9) != 0) {
        goto out_of_memory;
    }
    o = r->rec;

rec_start:
    CSV_NEED_INPUT(CSV_S_REC_START);
    c = *p;
    if (c == '\n') {
        if (!r->cr_pending) {
            r->line++;
        }
        r->cr_pending = 0;
        p++;
        goto rec_start;
    }
    r->cr_pending = 0;
    if (c == '\r') {
        r->line++;
        r->cr_pending = 1;
        p++;
        goto rec_start;
    }
    r->row++;
    r->rec_line = r->line;
    rec_start = r->base + (p - r->buf);

field_start:
    CSV_NEED_INPUT(CSV_S_FIELD_START);
    if (r->nf == r->fcap && csv_grow_fields(r) != 0) {
        goto out_of_memory;
    }
    r->fstart[r->nf++] = (size_t)(o - r->rec);
    if (*p == '"') {
        p++;
        r->cr_pending = 0;
        r->quote_line = r->line;
        goto quoted;
    }

unquoted:
    csv_run(&p, &o, end, stop_unq, sepw);
    CSV_NEED_INPUT(CSV_S_UNQUOTED);
    c = *p;
    if (c == sep) {
        *o++ = 0;
        p++;
        goto field_start;
    }
    if (c == '\n' || c == '\r') {
        goto end_of_record;
    }
    if (c == 0) {
        goto nul_byte;
    }
    if (cp1252) {
        o = csv_put1252(o, c);
    } else {
        high = 1;
        *o++ = c;
    }
    p++;
    goto unquoted;

quoted:
    run = p;
    csv_run(&p, &o, end, stop_quo, quotew);
    if (p != run) {
        r->cr_pending = 0; /* a CR followed by data is a complete line end */
    }
    CSV_NEED_INPUT(CSV_S_QUOTED);
    c = *p;
    p++;
    if (c == '"') {
        r->cr_pending = 0;
        goto quote_seen;
    }
    if (c == '\n' || c == '\r') {
        /* Kept in the value; a CRLF counts as one line for csv_line(). */
        if (c == '\r' || !r->cr_pending) {
            r->line++;
        }
        r->cr_pending = (c == '\r');
        *o++ = c;
        goto quoted;
    }
    if (c == 0) {
        p--;
        goto nul_byte;
    }
    r->cr_pending = 0;
    if (cp1252) {
        o = csv_put1252(o, c);
    } else {
        high = 1;
        *o++ = c;
    }
    goto quoted;

quote_seen:
    CSV_NEED_INPUT(CSV_S_QUOTE_SEEN);
    c = *p;
    if (c == '"') {
        *o++ = '"';
        p++;
        goto quoted;
    }
    if (c == sep) {
        *o++ = 0;
        p++;
        goto field_start;
    }
    if (c == '\n' || c == '\r') {
        goto end_of_record;
    }
    r->pos = (size_t)(p - r->buf);
    return csv_fail_after_quote(r, err, errlen, c);

refill: {
        int k;

        r->rec_len = (size_t)(o - r->rec);
        /* Bound memory before reading more: a runaway quoted field would
         * otherwise swallow the whole file. */
        if (st != CSV_S_REC_START && r->base + (long long)r->len - rec_start > (long long)r->max_record) {
            r->pos = r->len;
            return csv_fail(r, err, errlen, "row %ld: record exceeds %zu bytes (unterminated quote?)", r->row,
                            r->max_record);
        }
        k = csv_fill(r);
        if (k < 0) {
            return csv_fail(r, err, errlen, "row %ld: read error: %s", r->row + (st == CSV_S_REC_START),
                            strerror(errno));
        }
        if (k > 0) {
            p = r->buf;
            end = r->buf + r->len;
            if (csv_room(r, r->len * grow + 9) != 0) {
                goto out_of_memory;
            }
            o = r->rec + r->rec_len;
            switch (st) {
            case CSV_S_REC_START:
                goto rec_start;
            case CSV_S_FIELD_START:
                goto field_start;
            case CSV_S_UNQUOTED:
                goto unquoted;
            case CSV_S_QUOTED:
                goto quoted;
            case CSV_S_QUOTE_SEEN:
                goto quote_seen;
            }
        }
    }

    /* End of file. */
    r->pos = 0;
    switch (st) {
    case CSV_S_REC_START:
        return 0;
    case CSV_S_QUOTED:
        return csv_fail(r, err, errlen, "row %ld, field %zu: unterminated quoted field at end of file"
                        " (quote opened on line %ld)",
                        r->row, r->nf, r->quote_line);
    case CSV_S_FIELD_START:
        /* "a,b," ends with an empty field. */
        if (r->nf == r->fcap && csv_grow_fields(r) != 0) {
            goto out_of_memory;
        }
        r->fstart[r->nf++] = (size_t)(o - r->rec);
        break;
    case CSV_S_UNQUOTED:
    case CSV_S_QUOTE_SEEN:
        break;
    }
    *o++ = 0; /* room reserved with the chunk */
    r->rec_len = (size_t)(o - r->rec);
    return csv_finish(r, r->base + (long long)r->len - rec_start, high, err, errlen);

end_of_record:
    /* `p` is at the CR or LF that ends the record (outside quotes). */
    *o++ = 0;
    r->rec_len = (size_t)(o - r->rec);
    r->line++;
    r->cr_pending = (*p == '\r');
    r->pos = (size_t)(p + 1 - r->buf);
    return csv_finish(r, r->base + (p - r->buf) - rec_start, high, err, errlen);

nul_byte:
    r->pos = (size_t)(p - r->buf);
    return csv_fail(r, err, errlen, "row %ld, field %zu: NUL byte at offset %zu (is the file UTF-16?)", r->row,
                    r->nf, (size_t)(o - r->rec) - r->fstart[r->nf - 1]);

out_of_memory:
    r->pos = (size_t)(p - r->buf);
    return csv_fail(r, err, errlen, "row %ld: out of memory", r->row);
}

int csv_skip_lines(struct csv_reader *r, long n, char *err, size_t errlen)
{
    if (r->failed) {
        if (err != NULL && errlen > 0) {
            snprintf(err, errlen, "%s", r->errmsg);
        }
        return -1;
    }
    r->nf = 0;
    r->rec_len = 0;
    while (n > 0) {
        const unsigned char *p, *end;

        if (r->pos == r->len) {
            int k = csv_fill(r);

            if (k < 0) {
                return csv_fail(r, err, errlen, "line %ld: read error: %s", r->line, strerror(errno));
            }
            if (k == 0) {
                break;
            }
        }
        p = r->buf + r->pos;
        end = r->buf + r->len;
        if (r->cr_pending) {
            /* The LF of a CRLF split from its CR by the previous call. */
            r->cr_pending = 0;
            if (*p == '\n') {
                r->pos++;
                continue;
            }
        }
        while (p < end && *p != '\n' && *p != '\r') {
            p++;
        }
        if (p < end) {
            r->line++;
            r->cr_pending = (*p == '\r');
            n--;
            p++;
        }
        r->pos = (size_t)(p - r->buf);
    }
    return 0;
}
