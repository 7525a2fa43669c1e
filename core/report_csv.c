/* SPDX-License-Identifier: MIT */
/*
 * The report as CSV tables (RFC 4180: CRLF line ends, a header row, fields
 * quoted when they hold a comma, a quote or a line break, quotes doubled).
 * Columns are documented in docs/report-json.md, beside the JSON they mirror.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"

const char *const report_csv_tables[] = { "flags", "ledger", "assessments", "recommendations",
                                          "burden", "matrix" };
const size_t report_csv_ntables = sizeof report_csv_tables / sizeof report_csv_tables[0];

/* A field and its separator; last ends the record. */
static void field(FILE *out, const char *s, bool last)
{
    report_csv_field(out, s);
    fputs(last ? "\r\n" : ",", out);
}

static void field_num(FILE *out, double v, bool last)
{
    char buf[64];

    snprintf(buf, sizeof buf, "%.15g", v);
    field(out, buf, last);
}

static void field_long(FILE *out, long long v, bool last)
{
    char buf[32];

    snprintf(buf, sizeof buf, "%lld", v);
    field(out, buf, last);
}

static void header(FILE *out, const char *const *cols)
{
    for (size_t i = 0; cols[i]; i++)
        field(out, cols[i], cols[i + 1] == NULL);
}

static void csv_flags(const struct report *r, FILE *out)
{
    static const char *const cols[] = {
        "fingerprint", "rule", "kind", "severity", "status", "decision", "decided_by",
        "decided_at", "decision_reason", "unit", "unit_name", "area", "period_start",
        "period_end", "bodies", "members", "explanation", "first_run", "last_run", NULL
    };
    header(out, cols);
    for (size_t i = 0; i < r->nflags; i++) {
        const struct report_flag *f = &r->flags[i];
        const struct report_decision *d = f->decision;
        field(out, f->fingerprint, false);
        field(out, f->rule, false);
        field(out, f->kind, false);
        field(out, f->severity, false);
        field(out, f->status, false);
        field(out, d ? f->shown : NULL, false);
        field(out, d ? d->by : NULL, false);
        field(out, d ? d->at : NULL, false);
        field(out, d ? d->reason : NULL, false);
        field(out, report_unit_code(r, f->unit), false);
        field(out, f->unit < r->nunits ? r->units[f->unit].name : NULL, false);
        field(out, f->area, false);
        field(out, f->period_start, false);
        field(out, f->period_end, false);
        field(out, f->bodies, false);
        field(out, f->members_json, false);
        field(out, f->explanation, false);
        field_long(out, f->first_run, false);
        field_long(out, f->last_run, true);
    }
}

static void csv_ledger(const struct report *r, FILE *out)
{
    static const char *const cols[] = {
        "id", "body", "kind", "unit", "unit_name", "reference", "title", "start", "end",
        "published", "cases", "cases_basis", "hours", "hours_basis", NULL
    };
    header(out, cols);
    for (size_t i = 0; i < r->nledger; i++) {
        const struct report_event *e = &r->ledger[i];
        field_long(out, e->id, false);
        field(out, e->body, false);
        field(out, e->kind, false);
        field(out, r->units[e->unit].code, false);
        field(out, r->units[e->unit].name, false);
        field(out, e->reference, false);
        field(out, e->title, false);
        field(out, e->start, false);
        field(out, e->end, false);
        field(out, e->published, false);
        field_long(out, e->cases, false);
        field(out, e->cases_declared ? "declared" : "counted", false);
        field_num(out, e->hours, false);
        field(out, e->hours_declared ? "declared" : "model", true);
    }
}

static void csv_assessments(const struct report *r, FILE *out)
{
    static const char *const cols[] = {
        "id", "event_id", "unit", "area", "dimension", "relationship", "body", "framework",
        "code", "question", "band", "band_word", "rating", "value", "target",
        "cases_applicable", "cases_sufficient", "derived", "period_start", "period_end",
        "observed", NULL
    };
    header(out, cols);
    for (size_t i = 0; i < r->nassessments; i++) {
        const struct report_assessment *a = &r->assessments[i];
        field_long(out, a->id, false);
        field_long(out, a->event_id, false);
        field(out, r->units[a->unit].code, false);
        field(out, a->area, false);
        field(out, a->dimension, false);
        field(out, a->relationship, false);
        field(out, a->body, false);
        field(out, a->framework, false);
        field(out, a->code, false);
        field(out, a->question, false);
        field_long(out, a->band, false);
        field(out, report_band_word(a->band), false);
        field(out, a->rating, false);
        if (a->has_value)
            field_num(out, a->value, false);
        else
            field(out, NULL, false);
        if (a->has_target)
            field_num(out, a->target, false);
        else
            field(out, NULL, false);
        if (a->has_counts) {
            field_long(out, a->applicable, false);
            field_long(out, a->sufficient, false);
        } else {
            field(out, NULL, false);
            field(out, NULL, false);
        }
        field(out, a->derived ? "1" : "0", false);
        field(out, a->period_start, false);
        field(out, a->period_end, false);
        field(out, a->observed, true);
    }
}

static void csv_recommendations(const struct report *r, FILE *out)
{
    static const char *const cols[] = {
        "id", "body", "unit", "unit_name", "reference", "framework", "code", "area", "text",
        "owner", "due", "status", "status_date", NULL
    };
    header(out, cols);
    for (size_t i = 0; i < r->nrecommendations; i++) {
        const struct report_recommendation *x = &r->recommendations[i];
        field_long(out, x->id, false);
        field(out, x->body, false);
        field(out, r->units[x->unit].code, false);
        field(out, r->units[x->unit].name, false);
        field(out, x->reference, false);
        field(out, x->framework, false);
        field(out, x->code, false);
        field(out, x->area, false);
        field(out, x->text, false);
        field(out, x->owner, false);
        field(out, x->due, false);
        field(out, x->status, false);
        field(out, x->status_date, true);
    }
}

static void csv_burden(const struct report *r, FILE *out)
{
    static const char *const cols[] = { "unit", "unit_name", "quarter", "body", "events",
                                        "hours", NULL };
    header(out, cols);
    for (size_t i = 0; i < r->nburden; i++) {
        const struct report_burden *b = &r->burden[i];
        field(out, r->units[b->unit].code, false);
        field(out, r->units[b->unit].name, false);
        field(out, b->quarter, false);
        field(out, b->body, false);
        field_long(out, b->events, false);
        field_num(out, b->hours, true);
    }
}

static void csv_matrix(const struct report *r, FILE *out)
{
    static const char *const cols[] = { "unit", "area", "body", "band", "band_word", "observed",
                                        "event_id", "assessments", "contradiction",
                                        "divergence", "flags", NULL };
    struct sbuf b;

    sbuf_init(&b);
    header(out, cols);
    for (size_t i = 0; i < r->nmatrix; i++) {
        const struct report_matrix *m = &r->matrix[i];
        for (size_t a = 0; a < m->nareas; a++) {
            for (size_t k = 0; k < m->nbodies; k++) {
                const struct report_cell *c = &m->cells[a * m->nbodies + k];
                if (c->band == 0)
                    continue;
                field(out, r->units[m->unit].code, false);
                field(out, m->areas[a], false);
                field(out, m->bodies[k], false);
                field_long(out, c->band, false);
                field(out, report_band_word(c->band), false);
                field(out, c->observed, false);
                field_long(out, c->event_id, false);
                sbuf_reset(&b);
                for (size_t q = 0; q < c->nassessments; q++)
                    sbuf_printf(&b, "%s%lld", q ? " " : "", (long long)c->assessments[q]);
                field(out, b.s ? b.s : "", false);
                field(out, c->marks & REPORT_MARK_CONTRADICTION ? "1" : "0", false);
                field(out, c->marks & REPORT_MARK_DIVERGENCE ? "1" : "0", false);
                sbuf_reset(&b);
                for (size_t q = 0; q < c->nflags; q++)
                    sbuf_printf(&b, "%s%s", q ? " " : "", r->flags[c->flags[q]].fingerprint);
                field(out, b.s ? b.s : "", true);
            }
        }
    }
    sbuf_free(&b);
}

int report_csv_table(const struct report *r, const char *table, FILE *out, struct cc_error *err)
{
    static void (*const writers[])(const struct report *, FILE *) = {
        csv_flags, csv_ledger, csv_assessments, csv_recommendations, csv_burden, csv_matrix,
    };

    for (size_t i = 0; i < report_csv_ntables; i++) {
        if (strcmp(table, report_csv_tables[i]) == 0) {
            writers[i](r, out);
            if (fflush(out) != 0 || ferror(out))
                return cc_fail(err, CC_EIO, "report: writing the %s table failed", table);
            return CC_OK;
        }
    }
    return cc_fail(err, CC_EUSAGE,
                   "report: no table '%s' (flags, ledger, assessments, recommendations, "
                   "burden or matrix)",
                   table);
}

int report_csv_dir(const struct report *r, const char *dir, struct cc_error *err)
{
    struct sbuf path, tmp;
    int rc = CC_OK;

    if (access(dir, W_OK) != 0)
        return cc_fail(err, CC_EIO, "report: cannot write into the folder %s: %s", dir,
                       strerror(errno));
    sbuf_init(&path);
    sbuf_init(&tmp);
    /* Each file is written beside its final name and renamed into place, so a
     * reader never sees half a table. */
    for (size_t i = 0; i < report_csv_ntables && rc == CC_OK; i++) {
        sbuf_reset(&path);
        sbuf_reset(&tmp);
        sbuf_printf(&path, "%s/report-%s.csv", dir, report_csv_tables[i]);
        sbuf_printf(&tmp, "%s.tmp", path.s);
        FILE *f = fopen(tmp.s, "wb");
        if (f == NULL) {
            rc = cc_fail(err, CC_EIO, "report: cannot write %s: %s", path.s, strerror(errno));
            break;
        }
        rc = report_csv_table(r, report_csv_tables[i], f, err);
        if (fclose(f) != 0 && rc == CC_OK)
            rc = cc_fail(err, CC_EIO, "report: writing %s failed: %s", path.s, strerror(errno));
        if (rc == CC_OK && rename(tmp.s, path.s) != 0)
            rc = cc_fail(err, CC_EIO, "report: cannot write %s: %s", path.s, strerror(errno));
        if (rc)
            unlink(tmp.s);
    }
    sbuf_free(&path);
    sbuf_free(&tmp);
    return rc;
}
