/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the streaming CSV reader (core/csv.c). Inputs are written to
 * tmpfile() streams so that every test goes through the real FILE* path and
 * may hold NUL bytes. Records are flattened to one string (see render()) so
 * a whole parse is checked with one exact comparison.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "tap.h"

#define OUTMAX 8192

static FILE *open_data(const char *data, size_t n)
{
    FILE *f = tmpfile();

    if (f == NULL) {
        perror("tmpfile");
        exit(2);
    }
    if (n > 0 && fwrite(data, 1, n, f) != n) {
        perror("fwrite");
        exit(2);
    }
    rewind(f);
    return f;
}

static void append(char *out, const char *s, size_t n)
{
    size_t used = strlen(out);

    for (size_t i = 0; i < n && used + 3 < OUTMAX; i++) {
        /* Make line endings inside values visible in the expected strings. */
        if (s[i] == '\n') {
            out[used++] = '\\';
            out[used++] = 'n';
        } else if (s[i] == '\r') {
            out[used++] = '\\';
            out[used++] = 'r';
        } else {
            out[used++] = s[i];
        }
    }
    out[used] = 0;
}

/*
 * Parse `data` to the end and flatten it: each record as "<f1|f2>", prefixed
 * by "row:line" when `pos` is set; an error appends "!message".
 */
static const char *render_opt(const char *data, size_t n, const struct csv_options *opt, int pos, long skip)
{
    static char out[OUTMAX];
    char err[256];
    FILE *f = open_data(data, n);
    struct csv_reader *r = csv_reader_new(f, opt);
    int rc;

    out[0] = 0;
    if (r == NULL) {
        fclose(f);
        return "(no reader)";
    }
    if (skip > 0 && csv_skip_lines(r, skip, err, sizeof(err)) != 0) {
        append(out, "!", 1);
        append(out, err, strlen(err));
    }
    while ((rc = csv_next(r, err, sizeof(err))) == 1) {
        char tmp[64];

        if (pos) {
            snprintf(tmp, sizeof(tmp), "%ld:%ld", csv_row(r), csv_line(r));
            append(out, tmp, strlen(tmp));
        }
        append(out, "<", 1);
        for (size_t i = 0; i < csv_nfields(r); i++) {
            size_t len;
            const char *v = csv_field(r, i, &len);

            if (i > 0) {
                append(out, "|", 1);
            }
            /* The value must be NUL-terminated at exactly `len`. */
            if (strlen(v) != len) {
                append(out, "(bad length)", 12);
            }
            append(out, v, len);
        }
        append(out, ">", 1);
    }
    if (rc < 0) {
        append(out, "!", 1);
        append(out, err, strlen(err));
    }
    csv_reader_free(r);
    fclose(f);
    return out;
}

static const char *render(const char *data)
{
    return render_opt(data, strlen(data), NULL, 0, 0);
}

static const char *render_pos(const char *data)
{
    return render_opt(data, strlen(data), NULL, 1, 0);
}

/* Parse with separator `sep`, everything else default. */
static const char *render_sep(const char *data, char sep)
{
    struct csv_options o = { .sep = sep };

    return render_opt(data, strlen(data), &o, 0, 0);
}

static const char *render_1252(const char *data)
{
    struct csv_options o = { .encoding = CSV_WINDOWS_1252 };

    return render_opt(data, strlen(data), &o, 0, 0);
}

/* Only the error message of parsing `data` (n bytes), or "" if none. */
static const char *error_of(const char *data, size_t n, const struct csv_options *opt)
{
    const char *s = render_opt(data, n, opt, 0, 0);
    const char *bang = strchr(s, '!');

    return bang ? bang + 1 : "";
}

/* For string literals, which may hold NUL bytes: the length comes from sizeof. */
#define ERR(lit, opt) error_of((lit), sizeof(lit) - 1, (opt))
#define RENDER(lit, opt, pos, skip) render_opt((lit), sizeof(lit) - 1, (opt), (pos), (skip))

static void test_basics(void)
{
    char err[256];
    FILE *f;
    struct csv_reader *r;
    size_t len = 99;

    is_str(render("a,b,c\n1,2,3\n"), "<a|b|c><1|2|3>", "plain records");
    is_str(render("a,b\n1,2"), "<a|b><1|2>", "last record without a final newline");
    is_str(render("a,b,"), "<a|b|>", "empty last field: a,b, gives 3 fields");
    is_str(render(",,\n"), "<||>", "a line of separators is a record of empty fields");
    is_str(render(" a , b \n"), "< a | b >", "spaces are kept");
    is_str(render(""), "", "empty file gives no record");
    is_str(render("\n\r\n\r"), "", "a file of empty lines gives no record");
    is_str(render("5\" pipe,a\"b\"\n"), "<5\" pipe|a\"b\">", "quote inside an unquoted field is literal");

    /* EOF right after the final newline: exactly two records, then 0 for good. */
    f = open_data("h\nv\n", 4);
    r = csv_reader_new(f, NULL);
    is_int(csv_next(r, err, sizeof(err)), 1, "EOF: first record");
    is_int(csv_next(r, err, sizeof(err)), 1, "EOF: second record");
    is_int(csv_next(r, err, sizeof(err)), 0, "EOF after final newline gives no extra record");
    is_int(csv_next(r, err, sizeof(err)), 0, "EOF is stable");
    is_int(csv_nfields(r), 0, "no fields after EOF");
    ok(csv_field(r, 0, &len) == NULL && len == 0, "csv_field out of range gives NULL and length 0");
    is_int(csv_bytes_read(r), 4, "bytes read equals the file size");
    csv_reader_free(r);
    fclose(f);
}

static void test_rfc4180(void)
{
    is_str(render("\"a,b\",\"say \"\"hi\"\"\",\"\"\n"), "<a,b|say \"hi\"|>",
           "quoted separator, doubled quotes, empty quoted field");
    is_str(render("\"x\r\ny\",z\r\nq,r\r\n"), "<x\\r\\ny|z><q|r>", "CRLF inside quotes kept, CRLF line ends");
    is_str(render("\"x\ny\",\"p\rq\"\n"), "<x\\ny|p\\rq>", "LF and lone CR inside quotes kept");
    is_str(render("a,b\rc,d\r"), "<a|b><c|d>", "lone CR line endings");
    is_str(render("a\r\nb\nc\rd"), "<a><b><c><d>", "mixed line endings");
    is_str(render("\"a\"\n\"\""), "<a><>", "quoted field ends at EOF");
    is_str(render("a,\"\"\"\"\n"), "<a|\">", "a field of one doubled quote");
    is_str(render_sep("a;\"b;c\";d\n", ';'), "<a|b;c|d>", "separator ';'");
    is_str(render_sep("a\t\"b\tc\"\t\n", '\t'), "<a|b\tc|>", "separator tab");
    is_str(render_sep("a|b,c|\"|\"\n", '|'), "<a|b,c||>", "separator '|' (comma is data)");
}

static void test_empty_lines_and_numbers(void)
{
    is_str(render_pos("a\n\n\nb\n"), "1:1<a>2:4<b>", "empty lines are skipped but counted as lines");
    is_str(render_pos("a\r\n\r\nb\r\n"), "1:1<a>2:3<b>", "empty CRLF line skipped");
    is_str(render_pos("h1,h2\n\"a\nb\",c\n\"x\r\ny\r\nz\",w\nlast,1\n"),
           "1:1<h1|h2>2:2<a\\nb|c>3:4<x\\r\\ny\\r\\nz|w>4:7<last|1>",
           "row and line numbers with embedded newlines");
    is_str(render_pos("a\r\r\nb"), "1:1<a>2:3<b>", "CR then CRLF: two line endings");
    is_str(render_pos("\"a\rb\nc\",d\nnext\n"), "1:1<a\\rb\\nc|d>2:4<next>",
           "CR and LF apart inside quotes are two lines");
}

static void test_bom(void)
{
    struct csv_options w = { .encoding = CSV_WINDOWS_1252 };
    const char *bom = "\xEF\xBB\xBFid,name\n1,x\n";

    is_str(render(bom), "<id|name><1|x>", "UTF-8 BOM at the start is dropped");
    is_str(render("a\n\xEF\xBB\xBF" "b\n"), "<a><\xEF\xBB\xBF" "b>", "a BOM later in the file is data (U+FEFF)");
    is_str(render("\xEF\xBB\xBF"), "", "a file holding only a BOM is empty");
    is_str(ERR("\xEF\xBBx\n", NULL), "row 1, field 1: invalid UTF-8 (byte 0xEF at offset 0)",
           "a partial BOM is invalid UTF-8");
    is_str(RENDER("\xEF\xBB\xBFid\n", &w, 0, 0), "<\xC3\xAF\xC2\xBB\xC2\xBFid>",
           "in Windows-1252 mode those bytes are characters");
}

static void test_errors(void)
{
    struct csv_options small = { .max_record = 10 };
    struct csv_options ctab = { .sep = '\t' };
    const char *big_prefix = "id\n\"";
    size_t big_n = 1100000;
    char *big;

    is_str(ERR("id,v,w\n1,\"multi\nline\",\"open\nrest\n", NULL),
           "row 2, field 3: unterminated quoted field at end of file (quote opened on line 3)",
           "unterminated quote names the row, field and line where it opened");
    is_str(ERR("\"a\"b,c\n", NULL),
           "row 1, field 1: unexpected character 'b' after closing quote"
           " (a quote inside a quoted field must be doubled)",
           "character after closing quote");
    is_str(ERR("x\nx,\"a\" ,c\n", NULL),
           "row 2, field 2: unexpected space after closing quote"
           " (a quote inside a quoted field must be doubled)",
           "space after closing quote");
    is_str(ERR("\"a\",b\n", &ctab),
           "row 1, field 1: unexpected character ',' after closing quote"
           " (a quote inside a quoted field must be doubled)",
           "a comma after a closing quote is an error when the separator is tab");
    is_str(ERR("\"a\"\xE9\n", NULL),
           "row 1, field 1: unexpected byte 0xE9 after closing quote"
           " (a quote inside a quoted field must be doubled)",
           "a non-ASCII byte after a closing quote is shown in hex");
    is_str(RENDER("0123456789\n01234567890\n", &small, 0, 0),
           "<0123456789>!row 2: record exceeds 10 bytes (unterminated quote?)",
           "max_record: exactly the limit passes, one more byte fails");
    is_str(RENDER("\"abc\",\"de\"\r\n\"abc\",\"def\"\r\n", &small, 0, 0),
           "<abc|de>!row 2: record exceeds 10 bytes (unterminated quote?)",
           "max_record counts file bytes including quotes, not the line ending");

    /* A runaway quote with the default limit: stops after ~1 MiB, not at EOF. */
    big = malloc(big_n);
    memset(big, 'x', big_n);
    memcpy(big, big_prefix, strlen(big_prefix));
    is_str(error_of(big, big_n, NULL), "row 2: record exceeds 1048576 bytes (unterminated quote?)",
           "default max_record is 1 MiB");
    free(big);

    is_str(ERR("id,name\n7,caf\xE9 x\n", NULL), "row 2, field 2: invalid UTF-8 (byte 0xE9 at offset 3)",
           "Latin-1 byte in UTF-8 mode");
    is_str(ERR("a,b,\xC0\xAF\n", NULL), "row 1, field 3: invalid UTF-8 (byte 0xC0 at offset 0)",
           "two-byte overlong");
    is_str(ERR("ab\xE0\x80\xAF\n", NULL), "row 1, field 1: invalid UTF-8 (byte 0xE0 at offset 2)",
           "three-byte overlong");
    is_str(ERR("x\xF0\x8F\xBF\xBF\n", NULL), "row 1, field 1: invalid UTF-8 (byte 0xF0 at offset 1)",
           "four-byte overlong");
    is_str(ERR("\xED\xA0\x80\n", NULL), "row 1, field 1: invalid UTF-8 (byte 0xED at offset 0)",
           "UTF-16 surrogate");
    is_str(ERR("a\xE2\x82,b\n", NULL), "row 1, field 1: invalid UTF-8 (byte 0xE2 at offset 1)",
           "sequence truncated by the end of the field");
    is_str(ERR("a\xE2\x82", NULL), "row 1, field 1: invalid UTF-8 (byte 0xE2 at offset 1)",
           "sequence truncated by the end of the file");
    is_str(ERR("\xF4\x90\x80\x80\n", NULL), "row 1, field 1: invalid UTF-8 (byte 0xF4 at offset 0)",
           "code point above U+10FFFF");
    is_str(ERR("\xF5\x80\x80\x80\n", NULL), "row 1, field 1: invalid UTF-8 (byte 0xF5 at offset 0)",
           "byte above 0xF4");
    is_str(ERR("\xFF\xFE", NULL), "row 1, field 1: invalid UTF-8 (byte 0xFF at offset 0)",
           "byte 0xFF");
    is_str(ERR("ok,a\x80\n", NULL), "row 1, field 2: invalid UTF-8 (byte 0x80 at offset 1)",
           "lone continuation byte");
    is_str(ERR("\"a\"\"\xE9\"\n", NULL), "row 1, field 1: invalid UTF-8 (byte 0xE9 at offset 2)",
           "offset counts the unescaped value");
    is_str(render("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80,\xF4\x8F\xBF\xBF\xED\x9F\xBF\xEE\x80\x80\n"),
           "<\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80|\xF4\x8F\xBF\xBF\xED\x9F\xBF\xEE\x80\x80>",
           "valid multi-byte UTF-8 including the edges passes");
    is_str(ERR("a,b\x00" "c\n", NULL), "row 1, field 2: NUL byte at offset 1 (is the file UTF-16?)",
           "NUL byte in an unquoted field");
    is_str(ERR("h\n\"x\ny\x00\"\n", NULL), "row 2, field 1: NUL byte at offset 3 (is the file UTF-16?)",
           "NUL byte in a quoted field");
}

static void test_sticky_and_misc(void)
{
    char err[256];
    FILE *f = open_data("\"a\"b\nok\n", 8);
    struct csv_reader *r = csv_reader_new(f, NULL);
    struct csv_options q = { .sep = '"' };
    struct csv_options nl = { .sep = '\n' };

    is_int(csv_next(r, err, sizeof(err)), -1, "sticky: first call fails");
    err[0] = 0;
    is_int(csv_next(r, err, sizeof(err)), -1, "sticky: second call fails too");
    is_str(err, "row 1, field 1: unexpected character 'b' after closing quote"
                " (a quote inside a quoted field must be doubled)",
           "sticky: same message");
    is_int(csv_next(r, NULL, 0), -1, "err may be NULL");
    csv_reader_free(r);
    fclose(f);

    errno = 0;
    ok(csv_reader_new(stdin, &q) == NULL && errno == EINVAL, "'\"' as separator is rejected with EINVAL");
    errno = 0;
    ok(csv_reader_new(stdin, &nl) == NULL && errno == EINVAL, "newline as separator is rejected with EINVAL");
    csv_reader_free(NULL);

    f = fopen("/dev/null", "w");
    if (f != NULL) {
        r = csv_reader_new(f, NULL);
        is_int(csv_next(r, err, sizeof(err)), -1, "read error returns -1");
        ok(strncmp(err, "row 1: read error: ", 19) == 0, "read error message names the row: %s", err);
        csv_reader_free(r);
        fclose(f);
    }
}

/* Reference values typed from https://encoding.spec.whatwg.org/index-windows-1252.txt */
static const long whatwg_80_9f[32] = {
    0x20AC, 0x81, 0x201A, 0x192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x2C6, 0x2030, 0x160, 0x2039, 0x152, 0x8D, 0x17D, 0x8F,
    0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x2DC, 0x2122, 0x161, 0x203A, 0x153, 0x9D, 0x17E, 0x178,
};

/* Code point of a field holding exactly one 2- or 3-byte UTF-8 character, else -1. */
static long decode_one(const char *v, size_t len)
{
    const unsigned char *s = (const unsigned char *)v;

    if (len == 2 && (s[0] & 0xE0) == 0xC0 && (s[1] & 0xC0) == 0x80) {
        return ((long)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
    }
    if (len == 3 && (s[0] & 0xF0) == 0xE0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
        return ((long)(s[0] & 0x0F) << 12) | ((long)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    }
    return -1;
}

static void test_windows_1252(void)
{
    char all[128 * 2];
    FILE *f;
    struct csv_reader *r;
    struct csv_options o = { .encoding = CSV_WINDOWS_1252 };
    char err[256];
    size_t len;
    const char *v;
    int good = 1;

    is_str(render_1252("\x80,\x92,\xE9\n"), "<\xE2\x82\xAC|\xE2\x80\x99|\xC3\xA9>",
           "0x80 -> U+20AC, 0x92 -> U+2019, 0xE9 -> U+00E9");
    is_str(render_1252("\x81\x8D\x8F\x90\x9D"), "<\xC2\x81\xC2\x8D\xC2\x8F\xC2\x90\xC2\x9D>",
           "the five undefined bytes map to C1 controls (WHATWG)");
    is_str(render_1252("\"\x9F\"\"\xA0\",\xFF\x8A\x9A\n"), "<\xC5\xB8\"\xC2\xA0|\xC3\xBF\xC5\xA0\xC5\xA1>",
           "0x9F, 0xA0, 0xFF, 0x8A, 0x9A inside and outside quotes");
    is_str(ERR("a,\x96\x00\n", &o), "row 1, field 2: NUL byte at offset 3 (is the file UTF-16?)",
           "NUL is still an error; offset counts converted bytes");

    /* Every high byte as one field each: all must come out as valid UTF-8. */
    for (int i = 0; i < 128; i++) {
        all[2 * i] = (char)(0x80 + i);
        all[2 * i + 1] = i == 127 ? '\n' : ',';
    }
    f = open_data(all, sizeof(all));
    r = csv_reader_new(f, &o);
    is_int(csv_next(r, err, sizeof(err)), 1, "128 converted fields parse");
    is_int(csv_nfields(r), 128, "128 fields");
    for (size_t i = 0; i < 128; i++) {
        v = csv_field(r, i, &len);
        if (decode_one(v, len) != (i < 32 ? whatwg_80_9f[i] : 0x80 + (long)i)) {
            printf("# byte 0x%02zX converted wrongly\n", 0x80 + i);
            good = 0;
        }
    }
    ok(good, "all 128 high bytes match the WHATWG windows-1252 table");
    csv_reader_free(r);
    fclose(f);
}

static void test_skip_lines(void)
{
    char err[256];
    const char *d = "Title \"report\nGenerated 2024\r\nid,v\n1,2\n";
    FILE *f;
    struct csv_reader *r;

    is_str(render_opt(d, strlen(d), NULL, 1, 2), "1:3<id|v>2:4<1|2>",
           "skip 2 title lines (one with an open quote): header is row 1 on line 3");
    is_str(RENDER("t\r\n\r\nh\n", NULL, 1, 1), "1:3<h>", "skip then an empty line");
    is_str(RENDER("\xEF\xBB\xBFtitle\nh\n", NULL, 1, 1), "1:2<h>", "skip after a BOM");

    f = open_data("one\ntwo", 7);
    r = csv_reader_new(f, NULL);
    is_int(csv_skip_lines(r, 5, err, sizeof(err)), 0, "skipping past EOF is not an error");
    is_int(csv_next(r, err, sizeof(err)), 0, "then csv_next reports EOF");
    csv_reader_free(r);
    fclose(f);
}

/* Every chunk size from 1 to 16 puts a buffer boundary at every offset. */
static void test_chunk_boundaries(void)
{
    static const char input[] =
        "\xEF\xBB\xBF" "id,\"na,me\",note\r\n"
        "1,\"multi\r\nline \"\"quoted\"\"\",caf\xC3\xA9\r\n"
        "\r\n"
        "2,,\"\"\r"
        "3,\"x\ny\",\xE2\x82\xAC" "5\" pipe\n"
        "4,last,";
    static const char expected[] =
        "1:1<id|na,me|note>"
        "2:2<1|multi\\r\\nline \"quoted\"|caf\xC3\xA9>"
        "3:5<2||>"
        "4:6<3|x\\ny|\xE2\x82\xAC" "5\" pipe>"
        "5:8<4|last|>";
    static const char skipped[] = "T1 \"\r\nT2\r\nh\r\n1\n";
    static const char bad_utf8[] = "id\n\"ab\",c\xE2\x82\xAC" "d\xE2\x82\n";
    static const char open_quote[] = "a,b\n\"x\r\ny\n";
    /* For the other inputs, the first chunk size that failed (0 = none). */
    size_t bad_skip = 0, bad_utf8_at = 0, bad_quote = 0, bad_max = 0;

    for (size_t cs = 1; cs <= 16; cs++) {
        struct csv_options o = { .chunk_size = cs };
        struct csv_options m = { .chunk_size = cs, .max_record = 11 };

        is_str(render_opt(input, sizeof(input) - 1, &o, 1, 0), expected,
               "chunk size %zu: records spanning buffer boundaries", cs);
        if (bad_skip == 0 && strcmp(RENDER(skipped, &o, 1, 2), "1:3<h>2:4<1>") != 0) {
            bad_skip = cs;
        }
        if (bad_utf8_at == 0
            && strcmp(ERR(bad_utf8, &o), "row 2, field 2: invalid UTF-8 (byte 0xE2 at offset 5)") != 0) {
            bad_utf8_at = cs;
        }
        if (bad_quote == 0
            && strcmp(ERR(open_quote, &o),
                      "row 2, field 1: unterminated quoted field at end of file (quote opened on line 2)") != 0) {
            bad_quote = cs;
        }
        if (bad_max == 0
            && strcmp(RENDER("\"0123456789\nabc\",\"0123456789\n", &m, 0, 0),
                      "!row 1: record exceeds 11 bytes (unterminated quote?)") != 0) {
            bad_max = cs;
        }
    }
    is_int(bad_skip, 0, "csv_skip_lines across every chunk boundary (CRLF split)");
    is_int(bad_utf8_at, 0, "invalid UTF-8 found across every chunk boundary");
    is_int(bad_quote, 0, "unterminated quote found across every chunk boundary");
    is_int(bad_max, 0, "max_record enforced across every chunk boundary");
}

int main(void)
{
    test_basics();
    test_rfc4180();
    test_empty_lines_and_numbers();
    test_bom();
    test_errors();
    test_sticky_and_misc();
    test_windows_1252();
    test_skip_lines();
    test_chunk_boundaries();
    return tap_done();
}
