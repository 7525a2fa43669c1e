/* SPDX-License-Identifier: MIT */
/*
 * Streaming CSV reader (RFC 4180 plus the quirks of real exports).
 *
 * The reader pulls the file through a fixed-size buffer and copies one record
 * at a time into a reusable record buffer, so memory depends on the largest
 * record, never on the size of the file.
 *
 * Parsing rules:
 *   - Fields are separated by `sep` (',' by default; ';', '\t', '|' or any
 *     other ASCII byte except '"', CR, LF and NUL).
 *   - A record ends at LF, CRLF or a lone CR; the last record may have no line
 *     ending. End of file right after a line ending gives no extra record.
 *   - A field that starts with '"' is quoted: it may contain separators, CR,
 *     LF and CRLF (all kept as they are), and '""' stands for one '"'. Only a
 *     separator, a line ending or end of file may follow the closing quote.
 *   - A '"' anywhere else in a field (e.g. `5" pipe`) is kept literally,
 *     because real exports contain inch marks and never escape them.
 *   - A completely empty line (no bytes at all before its line ending) is
 *     skipped: it is not a record and does not count as a row. A line holding
 *     only separators (",,") is a record of empty fields; `a,b,` has 3 fields.
 *   - A UTF-8 byte order mark at the very start of the file is dropped (UTF-8
 *     mode only: in Windows-1252 those bytes are three ordinary characters).
 *   - Field values are returned unescaped, NUL-terminated and always valid
 *     UTF-8: in CSV_UTF8 mode invalid UTF-8 is an error, in CSV_WINDOWS_1252
 *     mode every byte is converted with the WHATWG Windows-1252 table.
 *   - A NUL byte anywhere in a record is an error (it usually means UTF-16).
 *
 * Numbering: csv_row() is the record number, 1-based, counting only records
 * returned by csv_next() (so a header is row 1, as in a spreadsheet; empty
 * lines and lines dropped by csv_skip_lines() are not counted). csv_line() is
 * the 1-based physical line where the record starts; it counts every line
 * ending, including those inside quoted fields and skipped lines.
 *
 * Error messages name the row and, where it applies, the 1-based field, e.g.
 *   "row 7, field 3: invalid UTF-8 (byte 0xE9 at offset 4)"
 * where the offset is the 0-based byte offset inside the field's value.
 * Errors are sticky: once csv_next() has failed it keeps returning -1 with the
 * same message.
 */
#ifndef CONCORD_CSV_H
#define CONCORD_CSV_H

#include <stddef.h>
#include <stdio.h>

enum csv_encoding {
    CSV_UTF8 = 0,        /* default: validate, reject invalid sequences */
    CSV_WINDOWS_1252 = 1 /* convert every byte to UTF-8 */
};

struct csv_options {
    char sep;                   /* field separator; 0 = ',' */
    enum csv_encoding encoding; /* CSV_UTF8 (default) or CSV_WINDOWS_1252 */
    size_t chunk_size;          /* bytes per read; 0 = 64 KiB (tests use tiny sizes) */
    size_t max_record;          /* longest record in file bytes, line ending
                                   excluded; 0 = 1 MiB */
};

struct csv_reader;

/*
 * Create a reader over `f`, which stays owned by the caller and must stay open
 * until csv_reader_free(). `opt` may be NULL for all defaults. Nothing is read
 * yet. Returns NULL with errno = ENOMEM when out of memory, or errno = EINVAL
 * when the separator or encoding is not usable.
 */
struct csv_reader *csv_reader_new(FILE *f, const struct csv_options *opt);

/*
 * Read the next record. Returns 1 when a record is ready, 0 at end of file,
 * -1 on error with a message in `err` (truncated to `errlen`; `err` may be
 * NULL). Field pointers from the previous record become invalid.
 */
int csv_next(struct csv_reader *r, char *err, size_t errlen);

/* Number of fields in the current record (0 before the first or after the end). */
size_t csv_nfields(const struct csv_reader *r);

/*
 * Field `i` (0-based) of the current record: NUL-terminated, unescaped, valid
 * UTF-8, valid until the next csv_next()/csv_skip_lines()/csv_reader_free().
 * Its byte length goes to `*len` when `len` is not NULL. Returns NULL (and
 * length 0) when `i` is out of range.
 */
const char *csv_field(const struct csv_reader *r, size_t i, size_t *len);

/* Record number of the current (or failing) record, 1-based; 0 before any. */
long csv_row(const struct csv_reader *r);

/* Physical line (1-based) where the current (or failing) record starts. */
long csv_line(const struct csv_reader *r);

/* Bytes read from the file so far (a byte order mark included), for progress. */
long long csv_bytes_read(const struct csv_reader *r);

/*
 * Drop `n` physical lines without parsing them (title lines above the header
 * may hold anything, unbalanced quotes included). Ends at LF, CRLF or lone CR.
 * Reaching end of file first is not an error: the next csv_next() returns 0.
 * Returns 0, or -1 on a read error with a message in `err`.
 */
int csv_skip_lines(struct csv_reader *r, long n, char *err, size_t errlen);

/* Free the reader (not the FILE). NULL is allowed. */
void csv_reader_free(struct csv_reader *r);

#endif
