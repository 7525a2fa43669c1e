/* SPDX-License-Identifier: MIT */
/*
 * `concord report --format xlsx`: the report as an Excel workbook, written with
 * libxlsxwriter. Sheets, in this order:
 *
 *   Summary            scope, generation time, and per unit the scrutiny it had and its
 *                      flags by severity and kind
 *   Flags              one row per flag, explanation wrapped, decisions beside it
 *   Scrutiny ledger    one row per event
 *   Recommendations    one row per recommendation
 *   Assessments        unit-level banded judgements (never case-level answers)
 *   Burden             events and estimated staff hours per unit, quarter and body
 *   Judgements         the judgement matrix, one row per unit, area and body
 *
 * Every table has a bold header row that is frozen, an autofilter over the whole table,
 * set column widths and real date cells (numbers with a date format, so they sort and
 * filter as dates). The content depends only on the report: the workbook's creation time
 * (docProps/core.xml) is the report's generated_at, which honours SOURCE_DATE_EPOCH, and
 * libxlsxwriter dates every zip entry 1980-01-01, so the same report gives the same bytes.
 *
 * The file is written to a temporary name beside the target and renamed into place, so a
 * failed write never leaves half a workbook (and libxlsxwriter never has to report a
 * path it cannot create: that is checked here first, with the path in the message).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "report.h"

#ifndef CONCORD_VERSION
#define CONCORD_VERSION "unknown"
#endif

/* Excel's limit on the characters in a cell; longer text is cut with an ellipsis. */
#define CELL_MAX 32767
#define MAX_INDENT 6

struct xl {
    lxw_workbook *wb;
    lxw_format *plain;            /* every cell is aligned to the top: rows can be tall */
    lxw_format *head, *title, *label, *wrap, *date, *datetime, *hours, *pct;
    lxw_format *sev[3];           /* high, medium, low */
    lxw_format *band[5];          /* 1..4; [0] unused */
    lxw_format *indent[MAX_INDENT + 1];
    lxw_error lerr;               /* the first libxlsxwriter error */
    const char *lerr_sheet;
    struct sbuf tmp;              /* scratch for cleaned text */
};

/* A column: its header, its width (in digits of the default font), what it holds. */
enum col_kind { C_TEXT, C_WRAP, C_DATE, C_DATETIME, C_NUM, C_HOURS };

struct col {
    const char *head;
    double width;
    enum col_kind kind;           /* C_WRAP columns wrap; the rest say what the cells are */
};

/* A table on a worksheet: its columns, where its header is, the row being written. */
struct table {
    struct xl *x;
    lxw_worksheet *ws;
    const char *name;
    const struct col *cols;
    lxw_row_t head_row, row;
    lxw_col_t ncols;
    int lines;                    /* the most lines a wrapped cell of this row takes */
};

static void note(struct table *t, lxw_error e)
{
    if (e != LXW_NO_ERROR && t->x->lerr == LXW_NO_ERROR) {
        t->x->lerr = e;
        t->x->lerr_sheet = t->name;
    }
}

/*
 * Text as a cell may hold it: control characters other than tab and newline (which XML
 * 1.0 cannot carry) become spaces, and text past Excel's limit is cut at a character
 * boundary with an ellipsis. Returns a pointer into x->tmp, valid until the next call.
 */
static const char *cell_text(struct xl *x, const char *s)
{
    size_t chars = 0;

    sbuf_reset(&x->tmp);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xC0) != 0x80 && ++chars > CELL_MAX - 1) {
            sbuf_adds(&x->tmp, "\xE2\x80\xA6");
            break;
        }
        if ((*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7F)
            sbuf_addc(&x->tmp, ' ');
        else
            sbuf_addc(&x->tmp, (char)*p);
    }
    return x->tmp.s ? x->tmp.s : "";
}

/*
 * The lines text takes wrapped in a column width characters wide, word by word as a
 * spreadsheet wraps it. A column's width counts digits of the default font; prose runs
 * about 1.15 characters to a digit's width (measured in LibreOffice): 1.1 errs on the side
 * of a line too many rather than text cut off.
 */
static int wrapped_lines(const char *s, double width)
{
    int per_line = width > 4 ? (int)(width * 1.1) - 1 : 3, lines = 1, col = 0;

    while (*s) {
        if (*s == '\n') {
            lines++;
            col = 0;
            s++;
            continue;
        }
        if (*s == ' ') {
            s++;
            if (col > 0)
                col++;
            continue;
        }
        int word = 0;
        for (; *s && *s != ' ' && *s != '\n'; s++)
            if (((unsigned char)*s & 0xC0) != 0x80)
                word++;
        if (col > 0 && col + word > per_line) {
            lines++;
            col = 0;
        }
        col += word;
        while (col > per_line) {  /* a word longer than the line */
            lines++;
            col -= per_line;
        }
    }
    return lines;
}

static void put_str(struct table *t, lxw_col_t c, const char *s, lxw_format *f)
{
    if (s == NULL || *s == '\0') {
        if (f)
            note(t, worksheet_write_blank(t->ws, t->row, c, f));
        return;
    }
    f = f ? f : t->x->plain;
    const char *text = cell_text(t->x, s);
    if (t->cols && c < t->ncols && t->cols[c].kind == C_WRAP) {
        int n = wrapped_lines(text, t->cols[c].width);
        if (n > t->lines)
            t->lines = n;
    }
    note(t, worksheet_write_string(t->ws, t->row, c, text, f));
}

/*
 * Ends a row: a row with wrapped text gets the height of its lines. Excel would fit it
 * when the file is opened, LibreOffice does not, and a row too short hides the text.
 */
static void next_row(struct table *t)
{
    if (t->lines > 1) {
        double h = 15.0 * t->lines; /* points per line of the default 11 pt font */
        note(t, worksheet_set_row(t->ws, t->row, h > 409 ? 409 : h, NULL));
    }
    t->lines = 0;
    t->row++;
}

static void put_num(struct table *t, lxw_col_t c, double v, lxw_format *f)
{
    note(t, worksheet_write_number(t->ws, t->row, c, v, f ? f : t->x->plain));
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/*
 * "YYYY-MM-DD", optionally followed by "THH:MM:SS" or " HH:MM:SS" and an optional "Z".
 * Excel's dates start in 1900; anything else is not a date here.
 */
static bool parse_datetime(const char *s, lxw_datetime *dt, bool *has_time)
{
    int y, mo, d, h = 0, mi = 0, se = 0;

    if (s == NULL || strlen(s) < 10 || !digits(s, 4, &y) || s[4] != '-' ||
        !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d))
        return false;
    *has_time = false;
    if (s[10] == 'T' || s[10] == ' ') {
        if (strlen(s) < 19 || !digits(s + 11, 2, &h) || s[13] != ':' ||
            !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &se))
            return false;
        if (s[19] != '\0' && strcmp(s + 19, "Z") != 0)
            return false;
        *has_time = true;
    } else if (s[10] != '\0') {
        return false;
    }
    if (y < 1900 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
        se > 60)
        return false;
    *dt = (lxw_datetime){ y, mo, d, h, mi, se };
    return true;
}

/* A date (or date and time) cell; text that is not a date is written as it is. */
static void put_date(struct table *t, lxw_col_t c, const char *s)
{
    lxw_datetime dt;
    bool has_time;

    if (s == NULL || *s == '\0')
        return;
    if (!parse_datetime(s, &dt, &has_time)) {
        put_str(t, c, s, NULL);
        return;
    }
    note(t, worksheet_write_datetime(t->ws, t->row, c, &dt,
                                     has_time ? t->x->datetime : t->x->date));
}

static lxw_format *sev_format(struct xl *x, const char *severity)
{
    if (strcmp(severity, "high") == 0)
        return x->sev[0];
    if (strcmp(severity, "medium") == 0)
        return x->sev[1];
    return NULL;
}

static lxw_format *band_format(struct xl *x, int band)
{
    return band >= 1 && band <= 4 ? x->band[band] : NULL;
}

/*
 * Starts a table: a new sheet (or the given one), column widths and formats, the bold
 * header at head_row, frozen below it, and the page set up to print as a table.
 */
static lxw_worksheet *table_begin(struct table *t, struct xl *x, lxw_worksheet *ws,
                                  const char *name, lxw_row_t head_row, const struct col *cols,
                                  size_t ncols)
{
    memset(t, 0, sizeof *t);
    t->x = x;
    t->name = name;
    t->ws = ws ? ws : workbook_add_worksheet(x->wb, name);
    t->cols = cols;
    t->head_row = head_row;
    t->row = head_row;
    t->ncols = (lxw_col_t)ncols;
    if (t->ws == NULL) {
        note(t, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return NULL;
    }
    int lines = 1;
    for (size_t c = 0; c < ncols; c++) {
        lxw_format *f = cols[c].kind == C_WRAP ? x->wrap : NULL;
        note(t, worksheet_set_column(t->ws, (lxw_col_t)c, (lxw_col_t)c, cols[c].width, f));
        note(t, worksheet_write_string(t->ws, head_row, (lxw_col_t)c, cols[c].head, x->head));
        int n = wrapped_lines(cols[c].head, cols[c].width);
        lines = n > lines ? n : lines;
    }
    if (lines > 1)
        note(t, worksheet_set_row(t->ws, head_row, 15.0 * lines, NULL));
    worksheet_freeze_panes(t->ws, head_row + 1, 0);
    worksheet_set_landscape(t->ws);
    worksheet_set_paper(t->ws, 9); /* A4 */
    note(t, worksheet_repeat_rows(t->ws, head_row, head_row));
    t->row = head_row + 1;
    return t->ws;
}

/* Ends a table: the autofilter over the header and every row written. */
static void table_end(struct table *t)
{
    if (t->ws == NULL)
        return;
    lxw_row_t last = t->row > t->head_row + 1 ? t->row - 1 : t->head_row;
    note(t, worksheet_autofilter(t->ws, t->head_row, 0, last, t->ncols - 1));
    /* Printing stops at the table's last column, whatever text runs over it. */
    note(t, worksheet_print_area(t->ws, 0, 0, last, t->ncols - 1));
}

static const char *unit_name(const struct report *r, size_t unit)
{
    return unit < r->nunits ? r->units[unit].name : NULL;
}

static const char *event_reference(const struct report *r, size_t event)
{
    return event < r->nledger ? r->ledger[event].reference : NULL;
}

static int area_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const struct report_area *)elem)->code);
}

static const char *area_label(const struct report *r, const char *code)
{
    const struct report_area *a;

    if (code == NULL || r->nareas == 0)
        return NULL;
    a = bsearch(code, r->areas, r->nareas, sizeof r->areas[0], area_cmp);
    return a ? a->label : NULL;
}

static const char *decision_word(const struct report_decision *d)
{
    if (d == NULL)
        return NULL;
    return strcmp(d->decision, "ack") == 0 ? "acknowledged" : "dismissed";
}

/* ---------------------------------------------------------------- Summary */

static int str_ptr_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The distinct flag kinds, sorted; the array is the caller's to free. */
static const char **flag_kinds(const struct report *r, size_t *n)
{
    const char **k = xcalloc(r->nflags ? r->nflags : 1, sizeof *k);
    size_t m = 0;

    for (size_t i = 0; i < r->nflags; i++)
        k[m++] = r->flags[i].kind;
    qsort(k, m, sizeof *k, str_ptr_cmp);
    size_t u = 0;
    for (size_t i = 0; i < m; i++)
        if (u == 0 || strcmp(k[u - 1], k[i]) != 0)
            k[u++] = k[i];
    *n = u;
    return k;
}

/* One row of the per-unit table: unit index, or SIZE_MAX for flags without a unit. */
static void summary_row(struct table *t, const struct report *r, size_t unit,
                        const char **kinds, size_t nkinds, long *by_kind)
{
    struct xl *x = t->x;
    long sev[3] = { 0, 0, 0 }, total = 0;

    memset(by_kind, 0, nkinds * sizeof *by_kind);
    for (size_t i = 0; i < r->nflags; i++) {
        const struct report_flag *f = &r->flags[i];
        if (f->unit != unit)
            continue;
        total++;
        sev[strcmp(f->severity, "high") == 0 ? 0 : strcmp(f->severity, "medium") == 0 ? 1 : 2]++;
        const char **k = bsearch(&f->kind, kinds, nkinds, sizeof *kinds, str_ptr_cmp);
        if (k)
            by_kind[k - kinds]++;
    }
    if (unit < r->nunits) {
        const struct report_unit *u = &r->units[unit];
        int depth = u->depth < 0 ? 0 : u->depth > MAX_INDENT ? MAX_INDENT : u->depth;
        put_str(t, 0, u->code, NULL);
        put_str(t, 1, u->name, x->indent[depth]);
        put_str(t, 2, u->type, NULL);
        put_num(t, 3, (double)u->nevents, NULL);
        put_num(t, 4, (double)u->nassessments, NULL);
        put_num(t, 5, (double)u->nrecommendations, NULL);
    } else {
        put_str(t, 1, "(flags on no unit)", NULL);
        for (lxw_col_t c = 3; c <= 5; c++)
            put_num(t, c, 0, NULL);
    }
    put_num(t, 6, (double)total, NULL);
    for (lxw_col_t c = 0; c < 3; c++)
        put_num(t, 7 + c, (double)sev[c], sev[c] ? x->sev[c] : NULL);
    for (size_t k = 0; k < nkinds; k++)
        put_num(t, (lxw_col_t)(10 + k), (double)by_kind[k], NULL);
    next_row(t);
}

/*
 * The units the per-unit table shows: those with scrutiny, assessments, recommendations
 * or flags of their own, and the units above them (the tree stays readable). units[] is
 * depth first, so walking it backwards meets every unit's subtree just before the unit.
 */
static bool *units_worth_a_row(const struct report *r)
{
    bool *keep = xcalloc(r->nunits ? r->nunits : 1, sizeof *keep);
    int maxdepth = 0;

    for (size_t i = 0; i < r->nunits; i++)
        if (r->units[i].depth > maxdepth)
            maxdepth = r->units[i].depth;
    /* below[d]: a kept unit at depth d since the last unit at depth d - 1 */
    bool *below = xcalloc((size_t)maxdepth + 2, sizeof *below);
    for (size_t i = r->nunits; i-- > 0;) {
        const struct report_unit *u = &r->units[i];
        int d = u->depth < 0 ? 0 : u->depth;
        keep[i] = u->nevents || u->nassessments || u->nrecommendations || u->nflags ||
                  below[d + 1];
        below[d + 1] = false;
        if (keep[i])
            below[d] = true;
    }
    free(below);
    return keep;
}

static void sheet_summary(struct xl *x, const struct report *r)
{
    static const struct col fixed[] = {
        { "Unit", 12, C_TEXT },       { "Unit name", 38, C_TEXT },
        { "Type", 11, C_TEXT },       { "Scrutiny events", 10, C_NUM },
        { "Assessments", 12, C_NUM }, { "Recommendations", 10, C_NUM },
        { "Flags", 8, C_NUM },        { "High", 8, C_NUM },
        { "Medium", 8, C_NUM },       { "Low", 8, C_NUM },
    };
    const size_t nfixed = sizeof fixed / sizeof fixed[0];
    size_t nkinds;
    const char **kinds = flag_kinds(r, &nkinds);
    struct col *cols = xcalloc(nfixed + nkinds, sizeof *cols);
    long *by_kind = xcalloc(nkinds ? nkinds : 1, sizeof *by_kind);
    long sev[3] = { 0, 0, 0 };
    struct table t;
    struct sbuf b;

    memcpy(cols, fixed, sizeof fixed);
    for (size_t k = 0; k < nkinds; k++) {
        size_t len = strlen(kinds[k]);
        cols[nfixed + k] = (struct col){ kinds[k], len + 3 > 12 ? (double)(len + 3) : 12, C_NUM };
    }
    for (size_t i = 0; i < r->nflags; i++) {
        const char *s = r->flags[i].severity;
        sev[strcmp(s, "high") == 0 ? 0 : strcmp(s, "medium") == 0 ? 1 : 2]++;
    }

    /* The per-unit table's header is row 8; above it, what the report covers. */
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, "Summary");
    if (ws == NULL) {
        x->lerr = x->lerr ? x->lerr : LXW_ERROR_MEMORY_MALLOC_FAILED;
        goto out;
    }
    ws = table_begin(&t, x, ws, "Summary", 8, cols, nfixed + nkinds);
    lxw_row_t row = 0;
    note(&t, worksheet_write_string(ws, row++, 0, "Concord report", x->title));

    sbuf_init(&b);
    if (r->scope.unit)
        sbuf_printf(&b, "%s%s%s", r->scope.unit, r->scope.unit_name ? " " : "",
                    r->scope.unit_name ? r->scope.unit_name : "");
    else
        sbuf_adds(&b, "every unit");
    note(&t, worksheet_write_string(ws, row, 0, "Scope", x->label));
    note(&t, worksheet_write_string(ws, row++, 1, cell_text(x, b.s), NULL));
    sbuf_free(&b);

    const char *ends[2][2] = { { "From", r->scope.since }, { "Until", r->scope.until } };
    for (int i = 0; i < 2; i++, row++) {
        note(&t, worksheet_write_string(ws, row, 0, ends[i][0], x->label));
        t.row = row;
        if (ends[i][1])
            put_date(&t, 1, ends[i][1]);
        else
            put_str(&t, 1, "open", NULL);
    }

    note(&t, worksheet_write_string(ws, row, 0, "Generated", x->label));
    t.row = row;
    put_date(&t, 1, r->generated_at);
    note(&t, worksheet_write_string(ws, row++, 2, "UTC", NULL));

    sbuf_init(&b);
#define PL(n) (n), (n) == 1 ? "" : "s"
    sbuf_printf(&b, "%zu flag%s (%ld high, %ld medium, %ld low); %zu unit%s in scope; %zu "
                "scrutiny event%s, %zu assessment%s, %zu recommendation%s",
                PL(r->nflags), sev[0], sev[1], sev[2], PL(r->nunits), PL(r->nledger),
                PL(r->nassessments), PL(r->nrecommendations));
#undef PL
    note(&t, worksheet_write_string(ws, row, 0, "Contents", x->label));
    note(&t, worksheet_write_string(ws, row++, 1, cell_text(x, b.s), NULL));
    sbuf_free(&b);

    note(&t, worksheet_write_string(ws, row, 0, "Made by", x->label));
    note(&t, worksheet_write_string(ws, row++, 1, "Concord " CONCORD_VERSION, NULL));

    note(&t, worksheet_write_string(ws, 7, 0, "Per unit: its own scrutiny and flags, not "
                                    "those of the units below it. A unit with nothing here "
                                    "and nothing below it is left out.", x->label));

    t.row = t.head_row + 1;
    bool unitless = false;
    bool *keep = units_worth_a_row(r);
    for (size_t i = 0; i < r->nunits; i++)
        if (keep[i])
            summary_row(&t, r, i, kinds, nkinds, by_kind);
    free(keep);
    for (size_t i = 0; i < r->nflags; i++)
        unitless = unitless || r->flags[i].unit == SIZE_MAX;
    if (unitless)
        summary_row(&t, r, SIZE_MAX, kinds, nkinds, by_kind);
    table_end(&t);
out:
    free(by_kind);
    free(cols);
    free(kinds);
}

/* ---------------------------------------------------------------- Flags */

static void sheet_flags(struct xl *x, const struct report *r)
{
    static const struct col cols[] = {
        { "Severity", 9, C_TEXT },   { "Status", 8, C_TEXT },     { "Kind", 25, C_TEXT },
        { "Unit", 11, C_TEXT },      { "Unit name", 26, C_TEXT }, { "Area", 11, C_TEXT },
        { "From", 11, C_DATE },      { "To", 11, C_DATE },        { "Bodies", 18, C_TEXT },
        { "Explanation", 90, C_WRAP }, { "Decision", 13, C_TEXT }, { "Decided by", 14, C_TEXT },
        { "Decided at", 17, C_DATETIME }, { "Reason", 40, C_WRAP }, { "Rule", 25, C_TEXT },
        { "Fingerprint", 34, C_TEXT }, { "Members", 60, C_TEXT }, { "First run", 9, C_NUM },
        { "Last run", 9, C_NUM },
    };
    struct table t;
    struct sbuf m;

    if (!table_begin(&t, x, NULL, "Flags", 0, cols, sizeof cols / sizeof cols[0]))
        return;
    sbuf_init(&m);
    for (size_t i = 0; i < r->nflags; i++, next_row(&t)) {
        const struct report_flag *f = &r->flags[i];
        put_str(&t, 0, f->severity, sev_format(x, f->severity));
        put_str(&t, 1, f->status, NULL);
        put_str(&t, 2, f->kind, NULL);
        put_str(&t, 3, report_unit_code(r, f->unit), NULL);
        put_str(&t, 4, unit_name(r, f->unit), NULL);
        put_str(&t, 5, f->area, NULL);
        put_date(&t, 6, f->period_start);
        put_date(&t, 7, f->period_end);
        put_str(&t, 8, f->bodies, NULL);
        put_str(&t, 9, f->explanation, x->wrap);
        if (f->decision) {
            put_str(&t, 10, decision_word(f->decision), NULL);
            put_str(&t, 11, f->decision->by, NULL);
            put_date(&t, 12, f->decision->at);
            put_str(&t, 13, f->decision->reason, x->wrap);
        }
        put_str(&t, 14, f->rule, NULL);
        put_str(&t, 15, f->fingerprint, NULL);
        /* One line, not wrapped (a long list would make the row as tall as the list),
         * and not the last column, so that the run numbers cut it off on screen. */
        sbuf_reset(&m);
        for (size_t k = 0; k < f->nmembers; k++)
            sbuf_printf(&m, "%s%s %s", k ? "; " : "", f->members[k].type,
                        f->members[k].identity);
        put_str(&t, 16, m.s, NULL);
        put_num(&t, 17, (double)f->first_run, NULL);
        put_num(&t, 18, (double)f->last_run, NULL);
    }
    sbuf_free(&m);
    table_end(&t);
}

/* ---------------------------------------------------------------- Scrutiny ledger */

static void sheet_ledger(struct xl *x, const struct report *r)
{
    static const struct col cols[] = {
        { "Start", 11, C_DATE },      { "End", 11, C_DATE },        { "Published", 11, C_DATE },
        { "Body", 10, C_TEXT },       { "Kind", 18, C_TEXT },       { "Unit", 11, C_TEXT },
        { "Unit name", 26, C_TEXT },  { "Reference", 18, C_TEXT },  { "Title", 44, C_WRAP },
        { "Cases", 8, C_NUM },        { "Cases from", 11, C_TEXT }, { "Staff hours", 11, C_HOURS },
        { "Hours from", 11, C_TEXT },
    };
    struct table t;

    if (!table_begin(&t, x, NULL, "Scrutiny ledger", 0, cols, sizeof cols / sizeof cols[0]))
        return;
    for (size_t i = 0; i < r->nledger; i++, next_row(&t)) {
        const struct report_event *e = &r->ledger[i];
        put_date(&t, 0, e->start);
        put_date(&t, 1, e->end);
        put_date(&t, 2, e->published);
        put_str(&t, 3, e->body, NULL);
        put_str(&t, 4, e->kind, NULL);
        put_str(&t, 5, report_unit_code(r, e->unit), NULL);
        put_str(&t, 6, unit_name(r, e->unit), NULL);
        put_str(&t, 7, e->reference, NULL);
        put_str(&t, 8, e->title, x->wrap);
        if (e->cases > 0 || e->cases_declared) {
            put_num(&t, 9, (double)e->cases, NULL);
            put_str(&t, 10, e->cases_declared ? "declared" : "counted", NULL);
        }
        put_num(&t, 11, e->hours, x->hours);
        put_str(&t, 12, e->hours_declared ? "declared" : "cost model", NULL);
    }
    table_end(&t);
}

/* ---------------------------------------------------------------- Recommendations */

static void sheet_recommendations(struct xl *x, const struct report *r)
{
    static const struct col cols[] = {
        { "Unit", 11, C_TEXT },      { "Unit name", 26, C_TEXT },   { "Body", 10, C_TEXT },
        { "Made by", 18, C_TEXT },   { "Framework", 14, C_TEXT },   { "Code", 8, C_TEXT },
        { "Area", 11, C_TEXT },      { "Recommendation", 70, C_WRAP }, { "Owner", 18, C_TEXT },
        { "Due", 11, C_DATE },       { "Status", 13, C_TEXT },      { "Status date", 11, C_DATE },
    };
    struct table t;

    if (!table_begin(&t, x, NULL, "Recommendations", 0, cols, sizeof cols / sizeof cols[0]))
        return;
    for (size_t i = 0; i < r->nrecommendations; i++, next_row(&t)) {
        const struct report_recommendation *rc = &r->recommendations[i];
        put_str(&t, 0, report_unit_code(r, rc->unit), NULL);
        put_str(&t, 1, unit_name(r, rc->unit), NULL);
        put_str(&t, 2, rc->body, NULL);
        put_str(&t, 3, rc->reference, NULL);
        put_str(&t, 4, rc->framework, NULL);
        put_str(&t, 5, rc->code, NULL);
        put_str(&t, 6, rc->area, NULL);
        put_str(&t, 7, rc->text, x->wrap);
        put_str(&t, 8, rc->owner, NULL);
        put_date(&t, 9, rc->due);
        put_str(&t, 10, rc->status, NULL);
        put_date(&t, 11, rc->status_date);
    }
    table_end(&t);
}

/* ---------------------------------------------------------------- Assessments */

static void sheet_assessments(struct xl *x, const struct report *r)
{
    static const struct col cols[] = {
        { "Unit", 11, C_TEXT },
        { "Unit name", 26, C_TEXT },
        { "Area", 11, C_TEXT },
        { "Area label", 26, C_TEXT },
        { "Dimension", 12, C_TEXT },
        { "Body", 10, C_TEXT },
        { "Framework", 14, C_TEXT },
        { "Code", 9, C_TEXT },
        { "Question", 50, C_WRAP },
        { "Band", 6, C_NUM },
        { "Judgement", 21, C_TEXT },
        { "Rating", 16, C_TEXT },
        { "Value", 9, C_NUM },
        { "Target", 9, C_NUM },
        { "Cases applicable", 11, C_NUM },
        { "Cases sufficient", 11, C_NUM },
        { "Share sufficient", 10, C_NUM },
        { "From case answers", 10, C_TEXT },
        { "Mapping", 11, C_TEXT },
        { "Period start", 11, C_DATE },
        { "Period end", 11, C_DATE },
        { "Observed", 11, C_DATE },
        { "Event", 18, C_TEXT },
    };
    struct table t;

    if (!table_begin(&t, x, NULL, "Assessments", 0, cols, sizeof cols / sizeof cols[0]))
        return;
    for (size_t i = 0; i < r->nassessments; i++, next_row(&t)) {
        const struct report_assessment *a = &r->assessments[i];
        put_str(&t, 0, report_unit_code(r, a->unit), NULL);
        put_str(&t, 1, unit_name(r, a->unit), NULL);
        put_str(&t, 2, a->area, NULL);
        put_str(&t, 3, area_label(r, a->area), NULL);
        put_str(&t, 4, a->dimension, NULL);
        put_str(&t, 5, a->body, NULL);
        put_str(&t, 6, a->framework, NULL);
        put_str(&t, 7, a->code, NULL);
        put_str(&t, 8, a->question, x->wrap);
        if (a->band >= 1 && a->band <= 4) {
            put_num(&t, 9, a->band, band_format(x, a->band));
            put_str(&t, 10, report_band_word(a->band), NULL);
        }
        put_str(&t, 11, a->rating, NULL);
        if (a->has_value)
            put_num(&t, 12, a->value, NULL);
        if (a->has_target)
            put_num(&t, 13, a->target, NULL);
        if (a->has_counts) {
            put_num(&t, 14, (double)a->applicable, NULL);
            put_num(&t, 15, (double)a->sufficient, NULL);
            if (a->applicable > 0)
                put_num(&t, 16, (double)a->sufficient / (double)a->applicable, x->pct);
        }
        put_str(&t, 17, a->derived ? "yes" : "no", NULL);
        put_str(&t, 18, a->relationship, NULL);
        put_date(&t, 19, a->period_start);
        put_date(&t, 20, a->period_end);
        put_date(&t, 21, a->observed);
        put_str(&t, 22, event_reference(r, a->event), NULL);
    }
    table_end(&t);
}

/* ---------------------------------------------------------------- Burden */

static void sheet_burden(struct xl *x, const struct report *r)
{
    static const struct col cols[] = {
        { "Unit", 11, C_TEXT },     { "Unit name", 30, C_TEXT },
        { "Quarter", 9, C_TEXT },   { "Body", 10, C_TEXT },
        { "Scrutiny events", 10, C_NUM }, { "Staff hours", 11, C_HOURS },
    };
    struct table t;

    if (!table_begin(&t, x, NULL, "Burden", 0, cols, sizeof cols / sizeof cols[0]))
        return;
    for (size_t i = 0; i < r->nburden; i++, next_row(&t)) {
        const struct report_burden *b = &r->burden[i];
        put_str(&t, 0, report_unit_code(r, b->unit), NULL);
        put_str(&t, 1, unit_name(r, b->unit), NULL);
        put_str(&t, 2, b->quarter, NULL);
        put_str(&t, 3, b->body, NULL);
        put_num(&t, 4, (double)b->events, NULL);
        put_num(&t, 5, b->hours, x->hours);
    }
    table_end(&t);
}

/* ---------------------------------------------------------------- Judgements */

static void sheet_judgements(struct xl *x, const struct report *r)
{
    static const struct col cols[] = {
        { "Unit", 11, C_TEXT },       { "Unit name", 26, C_TEXT }, { "Area", 11, C_TEXT },
        { "Area label", 28, C_TEXT }, { "Body", 10, C_TEXT },      { "Band", 6, C_NUM },
        { "Judgement", 21, C_TEXT },  { "Observed", 11, C_DATE },  { "Event", 18, C_TEXT },
        { "Flagged as", 26, C_TEXT }, { "Flags", 30, C_TEXT },
    };
    struct table t;
    struct sbuf b;

    if (!table_begin(&t, x, NULL, "Judgements", 0, cols, sizeof cols / sizeof cols[0]))
        return;
    sbuf_init(&b);
    for (size_t m = 0; m < r->nmatrix; m++) {
        const struct report_matrix *mx = &r->matrix[m];
        for (size_t a = 0; a < mx->nareas; a++) {
            for (size_t k = 0; k < mx->nbodies; k++) {
                const struct report_cell *c = &mx->cells[a * mx->nbodies + k];
                if (c->band < 1 || c->band > 4)
                    continue;
                put_str(&t, 0, report_unit_code(r, mx->unit), NULL);
                put_str(&t, 1, unit_name(r, mx->unit), NULL);
                put_str(&t, 2, mx->areas[a], NULL);
                put_str(&t, 3, area_label(r, mx->areas[a]), NULL);
                put_str(&t, 4, mx->bodies[k], NULL);
                put_num(&t, 5, c->band, band_format(x, c->band));
                put_str(&t, 6, report_band_word(c->band), NULL);
                put_date(&t, 7, c->observed);
                put_str(&t, 8, event_reference(r, c->event), NULL);
                sbuf_reset(&b);
                if (c->marks & REPORT_MARK_CONTRADICTION)
                    sbuf_adds(&b, "contradiction");
                if (c->marks & REPORT_MARK_DIVERGENCE)
                    sbuf_printf(&b, "%sdivergence", b.len ? ", " : "");
                put_str(&t, 9, b.s, NULL);
                sbuf_reset(&b);
                for (size_t i = 0; i < c->nflags; i++)
                    if (c->flags[i] < r->nflags)
                        sbuf_printf(&b, "%s%.8s", b.len ? " " : "",
                                    r->flags[c->flags[i]].fingerprint);
                put_str(&t, 10, b.s, NULL);
                next_row(&t);
            }
        }
    }
    sbuf_free(&b);
    table_end(&t);
}

/* ---------------------------------------------------------------- the workbook */

static lxw_format *fmt(lxw_workbook *wb)
{
    lxw_format *f = workbook_add_format(wb);
    if (f)
        format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    return f;
}

static bool make_formats(struct xl *x)
{
    static const int sev_fill[3] = { 0xF4C7C3, 0xFCE8B2, 0 };
    static const int band_fill[5] = { 0, 0xF4C7C3, 0xFCE8B2, 0xD9EAD3, 0xB7E1CD };

    x->plain = fmt(x->wb);
    x->head = fmt(x->wb);
    x->title = fmt(x->wb);
    x->label = fmt(x->wb);
    x->wrap = fmt(x->wb);
    x->date = fmt(x->wb);
    x->datetime = fmt(x->wb);
    x->hours = fmt(x->wb);
    x->pct = fmt(x->wb);
    if (!x->plain || !x->head || !x->title || !x->label || !x->wrap || !x->date || !x->datetime ||
        !x->hours || !x->pct)
        return false;
    format_set_bold(x->head);
    format_set_bg_color(x->head, 0xD9D9D9);
    format_set_bottom(x->head, LXW_BORDER_THIN);
    format_set_text_wrap(x->head);
    format_set_bold(x->title);
    format_set_font_size(x->title, 14);
    format_set_bold(x->label);
    format_set_text_wrap(x->wrap);
    format_set_num_format(x->date, "yyyy-mm-dd");
    format_set_num_format(x->datetime, "yyyy-mm-dd hh:mm:ss");
    format_set_num_format(x->hours, "0.0");
    format_set_num_format(x->pct, "0%");
    for (int i = 0; i < 3; i++) {
        if (!sev_fill[i])
            continue;
        if (!(x->sev[i] = fmt(x->wb)))
            return false;
        format_set_bg_color(x->sev[i], sev_fill[i]);
        if (i == 0)
            format_set_bold(x->sev[i]);
    }
    for (int i = 1; i <= 4; i++) {
        if (!(x->band[i] = fmt(x->wb)))
            return false;
        format_set_bg_color(x->band[i], band_fill[i]);
        format_set_align(x->band[i], LXW_ALIGN_CENTER);
    }
    for (int i = 0; i <= MAX_INDENT; i++) {
        if (!(x->indent[i] = fmt(x->wb)))
            return false;
        if (i)
            format_set_indent(x->indent[i], (uint8_t)i);
    }
    return true;
}

/* The report's generation time as a time_t: the workbook's creation date. */
static time_t generated_time(const struct report *r)
{
    lxw_datetime dt;
    bool has_time;
    struct tm tm = { 0 };

    if (!parse_datetime(r->generated_at, &dt, &has_time))
        return 0;
    tm.tm_year = dt.year - 1900;
    tm.tm_mon = dt.month - 1;
    tm.tm_mday = dt.day;
    tm.tm_hour = dt.hour;
    tm.tm_min = dt.min;
    tm.tm_sec = (int)dt.sec;
    time_t t = timegm(&tm);
    /*
     * libxlsxwriter takes 0 to mean "now": SOURCE_DATE_EPOCH=0 would make the file
     * depend on the clock. One second later is the nearest time it will write.
     */
    return t == 0 ? 1 : t;
}

/* Writes the whole workbook to file (which must be creatable); libxlsxwriter's status. */
static lxw_error write_workbook(const struct report *r, const char *file, const char **where)
{
    struct xl x = { 0 };
    struct sbuf subject;

    *where = NULL;
    x.wb = workbook_new(file);
    if (x.wb == NULL)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    sbuf_init(&x.tmp);
    sbuf_init(&subject);
    if (r->scope.unit)
        sbuf_printf(&subject, "Scrutiny of %s%s%s", r->scope.unit,
                    r->scope.unit_name ? " " : "", r->scope.unit_name ? r->scope.unit_name : "");
    else
        sbuf_adds(&subject, "Scrutiny of every unit");
    if (r->scope.since || r->scope.until)
        sbuf_printf(&subject, ", %s to %s", r->scope.since ? r->scope.since : "open",
                    r->scope.until ? r->scope.until : "open");
    lxw_doc_properties props = {
        .title = "Concord report",
        .subject = subject.s,
        .author = "Concord " CONCORD_VERSION,
        .comments = "What the scrutiny bodies say about probation services, reconciled: "
                    "contradictions, divergences, duplicated scrutiny and overload.",
        .created = generated_time(r),
    };
    lxw_error e = workbook_set_properties(x.wb, &props);
    if (e == LXW_NO_ERROR && !make_formats(&x))
        e = LXW_ERROR_MEMORY_MALLOC_FAILED;
    if (e == LXW_NO_ERROR) {
        sheet_summary(&x, r);
        sheet_flags(&x, r);
        sheet_ledger(&x, r);
        sheet_recommendations(&x, r);
        sheet_assessments(&x, r);
        sheet_burden(&x, r);
        sheet_judgements(&x, r);
        e = x.lerr;
        *where = x.lerr_sheet;
    }
    /* Always closed: it frees the workbook (and writes the file if all went well). */
    lxw_error ce = workbook_close(x.wb);
    if (e == LXW_NO_ERROR)
        e = ce;
    sbuf_free(&subject);
    sbuf_free(&x.tmp);
    return e;
}

/* Copies a finished file to stdout. */
static int copy_to_stdout(const char *file, struct cc_error *err)
{
    FILE *in = fopen(file, "rb");
    char buf[65536];
    size_t n;
    int rc = CC_OK;

    if (in == NULL)
        return cc_fail(err, CC_EIO, "report: cannot read back %s: %s", file, strerror(errno));
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, stdout) != n) {
            rc = cc_fail(err, CC_EIO, "report: cannot write the workbook to standard output: %s",
                         strerror(errno));
            break;
        }
    if (rc == CC_OK && ferror(in))
        rc = cc_fail(err, CC_EIO, "report: cannot read back %s", file);
    if (rc == CC_OK && fflush(stdout) != 0)
        rc = cc_fail(err, CC_EIO, "report: cannot write the workbook to standard output: %s",
                     strerror(errno));
    fclose(in);
    return rc;
}

int report_xlsx(const struct report *r, const char *path, struct cc_error *err)
{
    bool to_stdout = strcmp(path, "-") == 0;
    struct sbuf tmp;
    int fd, rc = CC_OK;

    /* A temporary name beside the target ("-": in TMPDIR), so rename() is atomic. */
    sbuf_init(&tmp);
    if (to_stdout) {
        const char *dir = getenv("TMPDIR");
        sbuf_printf(&tmp, "%s/concord-report.XXXXXX", dir && *dir ? dir : "/tmp");
    } else {
        const char *base = cc_basename(path);
        sbuf_printf(&tmp, "%.*s.%s.XXXXXX", (int)(base - path), path, base);
    }
    fd = mkstemp(tmp.s);
    if (fd < 0) {
        rc = cc_fail(err, CC_EIO, "report: cannot write %s: %s", to_stdout ? tmp.s : path,
                     strerror(errno));
        sbuf_free(&tmp);
        return rc;
    }
    /* mkstemp makes the file 0600: give it the mode any new file would have. */
    mode_t mask = umask(0);
    umask(mask);
    if (!to_stdout)
        (void)fchmod(fd, 0666 & ~mask);
    close(fd);

    const char *sheet;
    lxw_error e = write_workbook(r, tmp.s, &sheet);
    if (e != LXW_NO_ERROR) {
        rc = cc_fail(err, CC_EIO, "report: cannot write %s%s%s: %s", path,
                     sheet ? ", sheet " : "", sheet ? sheet : "", lxw_strerror(e));
    } else if (to_stdout) {
        rc = copy_to_stdout(tmp.s, err);
    } else if (rename(tmp.s, path) != 0) {
        rc = cc_fail(err, CC_EIO, "report: cannot write %s: %s", path, strerror(errno));
    }
    if (rc != CC_OK || to_stdout)
        unlink(tmp.s);
    sbuf_free(&tmp);
    return rc;
}
