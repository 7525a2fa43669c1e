/* SPDX-License-Identifier: MIT */
/*
 * The report for people: the terminal summary (text) and the same as
 * Markdown for a briefing (md). Both: a header with the scope and counts,
 * then per unit with flags (in the unit tree's order) its flags by kind and
 * severity, and the flags themselves, newest first.
 */
#include <string.h>

#include "report.h"

static const char *const severities[] = { "high", "medium", "low" };

/* The plural ending for a count. */
#define S(n) ((n) == 1 ? "" : "s")

struct paint {
    bool on;
};

static const char *c_on(const struct paint *p, const char *code)
{
    return p->on ? code : "";
}

static const char *c_off(const struct paint *p)
{
    return p->on ? "\033[0m" : "";
}

static const char *severity_colour(const char *sev)
{
    if (strcmp(sev, "high") == 0)
        return "\033[1;31m";
    if (strcmp(sev, "medium") == 0)
        return "\033[33m";
    return "\033[36m";
}

static int write_error(FILE *out, struct cc_error *err)
{
    if (fflush(out) != 0 || ferror(out))
        return cc_fail(err, CC_EIO, "report: writing the report failed");
    return CC_OK;
}

/* ---------------------------------------------------------------- counting */

struct counts {
    long by_sev[3];
    long total;
};

static int sev_index(const char *sev)
{
    for (int i = 0; i < 3; i++) {
        if (strcmp(sev, severities[i]) == 0)
            return i;
    }
    return 2;
}

static void count_flags(const struct report *r, size_t unit, bool all, struct counts *c)
{
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < r->nflags; i++) {
        if (!all && r->flags[i].unit != unit)
            continue;
        c->by_sev[sev_index(r->flags[i].severity)]++;
        c->total++;
    }
}

/* The distinct kinds of one unit's flags, sorted (at most 64 kinds). */
static size_t unit_kinds(const struct report *r, size_t unit, const char **kinds, size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < r->nflags; i++) {
        const struct report_flag *f = &r->flags[i];
        if (f->unit != unit)
            continue;
        size_t k = 0;
        while (k < n && strcmp(kinds[k], f->kind) < 0)
            k++;
        if (k < n && strcmp(kinds[k], f->kind) == 0)
            continue;
        if (n == max)
            continue;
        memmove(&kinds[k + 1], &kinds[k], (n - k) * sizeof *kinds);
        kinds[k] = f->kind;
        n++;
    }
    return n;
}

static long kind_count(const struct report *r, size_t unit, const char *kind, int sev)
{
    long n = 0;

    for (size_t i = 0; i < r->nflags; i++) {
        const struct report_flag *f = &r->flags[i];
        if (f->unit == unit && strcmp(f->kind, kind) == 0 &&
            (sev < 0 || sev_index(f->severity) == sev))
            n++;
    }
    return n;
}

static void unit_burden(const struct report *r, size_t unit, long *events, double *hours)
{
    *events = 0;
    *hours = 0;
    for (size_t i = 0; i < r->nburden; i++) {
        if (r->burden[i].unit == unit) {
            *events += r->burden[i].events;
            *hours += r->burden[i].hours;
        }
    }
}

static long open_recommendations(const struct report *r, size_t unit)
{
    long n = 0;

    for (size_t i = 0; i < r->nrecommendations; i++) {
        const struct report_recommendation *x = &r->recommendations[i];
        if (x->unit == unit && (strcmp(x->status, "OPEN") == 0 ||
                                strcmp(x->status, "IN_PROGRESS") == 0 ||
                                strcmp(x->status, "OVERDUE") == 0))
            n++;
    }
    return n;
}

static void scope_words(const struct report *r, char *out, size_t n)
{
    if (r->scope.unit)
        snprintf(out, n, "%s %s and the units below it", r->scope.unit, r->scope.unit_name);
    else
        snprintf(out, n, "all units");
}

static void period_words(const struct report *r, char *out, size_t n)
{
    if (r->scope.since && r->scope.until)
        snprintf(out, n, "%s to %s", r->scope.since, r->scope.until);
    else if (r->scope.since)
        snprintf(out, n, "from %s", r->scope.since);
    else if (r->scope.until)
        snprintf(out, n, "up to %s", r->scope.until);
    else
        snprintf(out, n, "all dates");
}

/* ---------------------------------------------------------------- text */

/* Wraps text at width, indenting every line. */
static void wrap(FILE *out, const char *text, int indent, int width)
{
    int col = indent;
    const char *p = text;

    fprintf(out, "%*s", indent, "");
    while (*p) {
        const char *sp = strchr(p, ' ');
        int len = sp ? (int)(sp - p) : (int)strlen(p);
        if (col > indent && col + 1 + len > width) {
            fprintf(out, "\n%*s", indent, "");
            col = indent;
        } else if (col > indent) {
            fputc(' ', out);
            col++;
        }
        fwrite(p, 1, (size_t)len, out);
        col += len;
        p += len;
        while (*p == ' ')
            p++;
    }
    fputc('\n', out);
}

int report_text(const struct report *r, FILE *out, bool colour, struct cc_error *err)
{
    struct paint p = { colour };
    char scope[512], period[64];
    struct counts all;
    double hours = 0;

    scope_words(r, scope, sizeof scope);
    period_words(r, period, sizeof period);
    count_flags(r, 0, true, &all);
    for (size_t i = 0; i < r->nledger; i++)
        hours += r->ledger[i].hours;
    fprintf(out, "%sConcord report: %s%s\n", c_on(&p, "\033[1m"), scope, c_off(&p));
    fprintf(out, "period: %s; generated %s\n", period, r->generated_at);
    fprintf(out, "%zu unit%s, %zu event%s (%.1f estimated staff hours), %zu unit-level "
                 "assessment%s, %zu recommendation%s\n",
            r->nunits, S(r->nunits), r->nledger, S(r->nledger), hours, r->nassessments,
            S(r->nassessments), r->nrecommendations, S(r->nrecommendations));
    fprintf(out, "%ld flag%s: ", all.total, S(all.total));
    for (int s = 0; s < 3; s++)
        fprintf(out, "%s%s%ld %s%s", s ? ", " : "", c_on(&p, severity_colour(severities[s])),
                all.by_sev[s], severities[s], c_off(&p));
    fputc('\n', out);

    /* Flags without a unit (only when there is no --unit). */
    size_t units_shown = 0;
    for (size_t u = 0; u <= r->nunits; u++) {
        size_t unit = u < r->nunits ? u : SIZE_MAX;
        struct counts c;
        const char *kinds[64];
        long events;
        double uhours;

        count_flags(r, unit, false, &c);
        if (c.total == 0)
            continue;
        units_shown++;
        fputc('\n', out);
        if (unit != SIZE_MAX) {
            const struct report_unit *ru = &r->units[unit];
            fprintf(out, "%s%s %s%s (%s)\n", c_on(&p, "\033[1m"), ru->code, ru->name, c_off(&p),
                    ru->type);
            unit_burden(r, unit, &events, &uhours);
            long open = open_recommendations(r, unit);
            fprintf(out, "  %ld event%s, %.1f estimated staff hours; %ld open recommendation%s\n",
                    events, S(events), uhours, open, S(open));
        } else {
            fprintf(out, "%s(no unit)%s\n", c_on(&p, "\033[1m"), c_off(&p));
        }
        fprintf(out, "  %-26s %5s %5s %5s %6s\n", "flags by kind", "high", "med", "low", "total");
        size_t nk = unit_kinds(r, unit, kinds, 64);
        for (size_t k = 0; k < nk; k++)
            fprintf(out, "  %-26s %5ld %5ld %5ld %6ld\n", kinds[k], kind_count(r, unit, kinds[k], 0),
                    kind_count(r, unit, kinds[k], 1), kind_count(r, unit, kinds[k], 2),
                    kind_count(r, unit, kinds[k], -1));
        fprintf(out, "  %-26s %5ld %5ld %5ld %6ld\n", "all", c.by_sev[0], c.by_sev[1], c.by_sev[2],
                c.total);
        fprintf(out, "  newest first:\n");
        for (size_t i = 0; i < r->nflags; i++) {
            const struct report_flag *f = &r->flags[i];
            if (f->unit != unit)
                continue;
            fprintf(out, "  %s%-6s%s %-12s %-24s %-13s %s to %s  %s  [%.12s]\n",
                    c_on(&p, severity_colour(f->severity)), f->severity, c_off(&p), f->shown,
                    f->kind, f->area ? f->area : "-", f->period_start ? f->period_start : "?",
                    f->period_end ? f->period_end : "?", f->bodies, f->fingerprint);
            wrap(out, f->explanation, 6, 96);
            if (f->decision)
                fprintf(out, "      %s by %s on %s: %s\n", f->shown, f->decision->by,
                        f->decision->at, f->decision->reason);
        }
    }
    if (units_shown == 0)
        fprintf(out, "\nno flags in this scope (run 'concord reconcile' after importing)\n");
    return write_error(out, err);
}

/* ---------------------------------------------------------------- md */

/* Text for a Markdown table cell: pipes escaped, line breaks as spaces. */
static void md_cell(FILE *out, const char *s)
{
    if (s == NULL || *s == '\0') {
        fputs("-", out);
        return;
    }
    for (const char *q = s; *q; q++) {
        if (*q == '|')
            fputs("\\|", out);
        else if (*q == '\n' || *q == '\r')
            fputc(' ', out);
        else
            fputc(*q, out);
    }
}

int report_md(const struct report *r, FILE *out, struct cc_error *err)
{
    char scope[512], period[64];
    struct counts all;
    double hours = 0;

    scope_words(r, scope, sizeof scope);
    period_words(r, period, sizeof period);
    count_flags(r, 0, true, &all);
    for (size_t i = 0; i < r->nledger; i++)
        hours += r->ledger[i].hours;
    fprintf(out, "# Scrutiny report: ");
    md_cell(out, scope);
    fprintf(out, "\n\n");
    fprintf(out, "Period: %s. Generated %s by Concord.\n\n", period, r->generated_at);
    fprintf(out, "| | count |\n|---|---:|\n");
    fprintf(out, "| units | %zu |\n", r->nunits);
    fprintf(out, "| events | %zu |\n", r->nledger);
    fprintf(out, "| estimated staff hours | %.1f |\n", hours);
    fprintf(out, "| unit-level assessments | %zu |\n", r->nassessments);
    fprintf(out, "| recommendations | %zu |\n", r->nrecommendations);
    fprintf(out, "| flags | %ld |\n", all.total);
    for (int s = 0; s < 3; s++)
        fprintf(out, "| flags, %s | %ld |\n", severities[s], all.by_sev[s]);

    size_t units_shown = 0;
    for (size_t u = 0; u <= r->nunits; u++) {
        size_t unit = u < r->nunits ? u : SIZE_MAX;
        struct counts c;
        const char *kinds[64];
        long events;
        double uhours;

        count_flags(r, unit, false, &c);
        if (c.total == 0)
            continue;
        if (units_shown++ == 0)
            fprintf(out, "\n## Flags by unit\n");
        if (unit != SIZE_MAX) {
            const struct report_unit *ru = &r->units[unit];
            fprintf(out, "\n### %s ", ru->code);
            md_cell(out, ru->name);
            fprintf(out, " (%s)\n\n", ru->type);
            unit_burden(r, unit, &events, &uhours);
            long open = open_recommendations(r, unit);
            fprintf(out, "%ld event%s, %.1f estimated staff hours; %ld open recommendation%s.\n\n",
                    events, S(events), uhours, open, S(open));
        } else {
            fprintf(out, "\n### Flags without a unit\n\n");
        }
        fprintf(out, "| kind | high | medium | low | total |\n|---|---:|---:|---:|---:|\n");
        size_t nk = unit_kinds(r, unit, kinds, 64);
        for (size_t k = 0; k < nk; k++)
            fprintf(out, "| %s | %ld | %ld | %ld | %ld |\n", kinds[k],
                    kind_count(r, unit, kinds[k], 0), kind_count(r, unit, kinds[k], 1),
                    kind_count(r, unit, kinds[k], 2), kind_count(r, unit, kinds[k], -1));
        fprintf(out, "| **all** | %ld | %ld | %ld | %ld |\n\n", c.by_sev[0], c.by_sev[1],
                c.by_sev[2], c.total);
        fprintf(out, "| severity | status | kind | area | period | bodies | explanation | "
                     "fingerprint |\n|---|---|---|---|---|---|---|---|\n");
        for (size_t i = 0; i < r->nflags; i++) {
            const struct report_flag *f = &r->flags[i];
            if (f->unit != unit)
                continue;
            fprintf(out, "| %s | %s | %s | ", f->severity, f->shown, f->kind);
            md_cell(out, f->area);
            fprintf(out, " | %s to %s | ", f->period_start ? f->period_start : "?",
                    f->period_end ? f->period_end : "?");
            md_cell(out, f->bodies);
            fputs(" | ", out);
            md_cell(out, f->explanation);
            if (f->decision) {
                fprintf(out, " *%s by ", f->shown);
                md_cell(out, f->decision->by);
                fprintf(out, " on %s: ", f->decision->at);
                md_cell(out, f->decision->reason);
                fputc('*', out);
            }
            fprintf(out, " | `%.12s` |\n", f->fingerprint);
        }
    }
    if (units_shown == 0)
        fprintf(out, "\nNo flags in this scope.\n");
    return write_error(out, err);
}
