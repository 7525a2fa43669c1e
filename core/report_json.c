/* SPDX-License-Identifier: MIT */
/*
 * The report as one JSON document (docs/report-json.md): keys in a fixed
 * order, one array element per line, numbers printed the same way every
 * time, so the same database and options give the same bytes.
 */
#include <math.h>
#include <string.h>

#include "report.h"

static void jstr(struct sbuf *b, const char *s)
{
    if (s)
        sbuf_add_json_string(b, s);
    else
        sbuf_adds(b, "null");
}

/* A number as JSON: shortest "%.15g" form, which round-trips the values the
 * store holds (percentages, hours) and prints 93.3 as 93.3. */
static void jnum(struct sbuf *b, double v)
{
    if (!isfinite(v))
        sbuf_adds(b, "null");
    else if (v == floor(v) && fabs(v) < 1e15)
        sbuf_printf(b, "%.0f", v);
    else
        sbuf_printf(b, "%.15g", v);
}

static void junit(struct sbuf *b, const struct report *r, size_t unit)
{
    jstr(b, report_unit_code(r, unit));
}

static void jbool(struct sbuf *b, bool v)
{
    sbuf_adds(b, v ? "true" : "false");
}

/* Starts element i of an array: ",\n    " between elements. */
static void elem(struct sbuf *b, size_t i)
{
    sbuf_adds(b, i ? ",\n    " : "\n    ");
}

static void close_array(struct sbuf *b, size_t n)
{
    sbuf_adds(b, n ? "\n  ]" : "]");
}

static void flush(struct sbuf *b, FILE *out)
{
    fwrite(b->s ? b->s : "", 1, b->len, out);
    sbuf_reset(b);
}

int report_json(const struct report *r, FILE *out, struct cc_error *err)
{
    struct sbuf b;

    sbuf_init(&b);
    sbuf_printf(&b, "{\n  \"report_format\": %d,\n  \"generated_at\": \"%s\",\n", REPORT_FORMAT,
                r->generated_at);
    sbuf_adds(&b, "  \"scope\": {\"unit\": ");
    jstr(&b, r->scope.unit);
    sbuf_adds(&b, ", \"unit_name\": ");
    jstr(&b, r->scope.unit_name);
    sbuf_adds(&b, ", \"since\": ");
    jstr(&b, r->scope.since);
    sbuf_adds(&b, ", \"until\": ");
    jstr(&b, r->scope.until);
    sbuf_adds(&b, "},\n");

    sbuf_adds(&b, "  \"units\": [");
    for (size_t i = 0; i < r->nunits; i++) {
        const struct report_unit *u = &r->units[i];
        elem(&b, i);
        sbuf_adds(&b, "{\"code\": ");
        jstr(&b, u->code);
        sbuf_adds(&b, ", \"name\": ");
        jstr(&b, u->name);
        sbuf_adds(&b, ", \"type\": ");
        jstr(&b, u->type);
        sbuf_adds(&b, ", \"parent\": ");
        jstr(&b, u->parent);
        sbuf_printf(&b, ", \"depth\": %d, \"events\": %zu, \"assessments\": %zu, \"flags\": %zu,"
                        " \"recommendations\": %zu}",
                    u->depth, u->nevents, u->nassessments, u->nflags, u->nrecommendations);
        flush(&b, out);
    }
    close_array(&b, r->nunits);

    sbuf_adds(&b, ",\n  \"ledger\": [");
    for (size_t i = 0; i < r->nledger; i++) {
        const struct report_event *e = &r->ledger[i];
        elem(&b, i);
        sbuf_printf(&b, "{\"id\": %lld, \"body\": ", (long long)e->id);
        jstr(&b, e->body);
        sbuf_adds(&b, ", \"kind\": ");
        jstr(&b, e->kind);
        sbuf_adds(&b, ", \"unit\": ");
        junit(&b, r, e->unit);
        sbuf_adds(&b, ", \"reference\": ");
        jstr(&b, e->reference);
        sbuf_adds(&b, ", \"title\": ");
        jstr(&b, e->title);
        sbuf_adds(&b, ", \"start\": ");
        jstr(&b, e->start);
        sbuf_adds(&b, ", \"end\": ");
        jstr(&b, e->end);
        sbuf_adds(&b, ", \"published\": ");
        jstr(&b, e->published);
        sbuf_printf(&b, ", \"cases\": %ld, \"cases_basis\": \"%s\", \"hours\": ", e->cases,
                    e->cases_declared ? "declared" : "counted");
        jnum(&b, e->hours);
        sbuf_printf(&b, ", \"hours_basis\": \"%s\"}", e->hours_declared ? "declared" : "model");
        flush(&b, out);
    }
    close_array(&b, r->nledger);

    sbuf_adds(&b, ",\n  \"assessments\": [");
    for (size_t i = 0; i < r->nassessments; i++) {
        const struct report_assessment *a = &r->assessments[i];
        elem(&b, i);
        sbuf_printf(&b, "{\"id\": %lld, \"event_id\": %lld, \"unit\": ", (long long)a->id,
                    (long long)a->event_id);
        junit(&b, r, a->unit);
        sbuf_adds(&b, ", \"area\": ");
        jstr(&b, a->area);
        sbuf_adds(&b, ", \"dimension\": ");
        jstr(&b, a->dimension);
        sbuf_adds(&b, ", \"relationship\": ");
        jstr(&b, a->relationship);
        sbuf_adds(&b, ", \"body\": ");
        jstr(&b, a->body);
        sbuf_adds(&b, ", \"framework\": ");
        jstr(&b, a->framework);
        sbuf_adds(&b, ", \"code\": ");
        jstr(&b, a->code);
        sbuf_adds(&b, ", \"question\": ");
        jstr(&b, a->question);
        sbuf_printf(&b, ", \"band\": %d, \"rating\": ", a->band);
        jstr(&b, a->rating);
        sbuf_adds(&b, ", \"value\": ");
        if (a->has_value)
            jnum(&b, a->value);
        else
            sbuf_adds(&b, "null");
        sbuf_adds(&b, ", \"target\": ");
        if (a->has_target)
            jnum(&b, a->target);
        else
            sbuf_adds(&b, "null");
        if (a->has_counts)
            sbuf_printf(&b, ", \"cases_applicable\": %ld, \"cases_sufficient\": %ld",
                        a->applicable, a->sufficient);
        else
            sbuf_adds(&b, ", \"cases_applicable\": null, \"cases_sufficient\": null");
        sbuf_adds(&b, ", \"derived\": ");
        jbool(&b, a->derived);
        sbuf_adds(&b, ", \"period\": {\"start\": ");
        jstr(&b, a->period_start);
        sbuf_adds(&b, ", \"end\": ");
        jstr(&b, a->period_end);
        sbuf_adds(&b, "}, \"observed\": ");
        jstr(&b, a->observed);
        sbuf_addc(&b, '}');
        flush(&b, out);
    }
    close_array(&b, r->nassessments);

    /* Each flag has the keys of `concord flags --format json` (flag format 1), in its order. */
    sbuf_adds(&b, ",\n  \"flags\": [");
    for (size_t i = 0; i < r->nflags; i++) {
        const struct report_flag *f = &r->flags[i];
        elem(&b, i);
        sbuf_printf(&b, "{\"flag_format\": 1, \"fingerprint\": \"%s\", \"rule\": ", f->fingerprint);
        jstr(&b, f->rule);
        sbuf_adds(&b, ", \"kind\": ");
        jstr(&b, f->kind);
        sbuf_adds(&b, ", \"severity\": ");
        jstr(&b, f->severity);
        sbuf_adds(&b, ", \"status\": ");
        jstr(&b, f->status);
        sbuf_adds(&b, ", \"decision\": ");
        if (f->decision) {
            sbuf_adds(&b, "{\"decision\": ");
            jstr(&b, f->decision->decision);
            sbuf_adds(&b, ", \"by\": ");
            jstr(&b, f->decision->by);
            sbuf_adds(&b, ", \"at\": ");
            jstr(&b, f->decision->at);
            sbuf_adds(&b, ", \"reason\": ");
            jstr(&b, f->decision->reason);
            sbuf_addc(&b, '}');
        } else {
            sbuf_adds(&b, "null");
        }
        sbuf_adds(&b, ", \"unit\": ");
        junit(&b, r, f->unit);
        sbuf_adds(&b, ", \"unit_name\": ");
        jstr(&b, f->unit < r->nunits ? r->units[f->unit].name : NULL);
        sbuf_adds(&b, ", \"area\": ");
        jstr(&b, f->area);
        sbuf_adds(&b, ", \"period\": {\"start\": ");
        jstr(&b, f->period_start);
        sbuf_adds(&b, ", \"end\": ");
        jstr(&b, f->period_end);
        sbuf_adds(&b, "}, \"bodies\": [");
        for (size_t k = 0; k < f->nbodies; k++) {
            if (k)
                sbuf_adds(&b, ", ");
            jstr(&b, f->body_list[k]);
        }
        sbuf_adds(&b, "], \"members\": [");
        for (size_t k = 0; k < f->nmembers; k++) {
            sbuf_adds(&b, k ? ", {\"type\": " : "{\"type\": ");
            jstr(&b, f->members[k].type);
            sbuf_printf(&b, ", \"id\": %lld, \"identity\": ", (long long)f->members[k].id);
            jstr(&b, f->members[k].identity);
            sbuf_addc(&b, '}');
        }
        sbuf_adds(&b, "], \"explanation\": ");
        jstr(&b, f->explanation);
        sbuf_printf(&b, ", \"first_run\": %lld, \"last_run\": %lld, \"resolved_run\": null}",
                    (long long)f->first_run, (long long)f->last_run);
        flush(&b, out);
    }
    close_array(&b, r->nflags);

    sbuf_adds(&b, ",\n  \"recommendations\": [");
    for (size_t i = 0; i < r->nrecommendations; i++) {
        const struct report_recommendation *x = &r->recommendations[i];
        elem(&b, i);
        sbuf_printf(&b, "{\"id\": %lld, \"body\": ", (long long)x->id);
        jstr(&b, x->body);
        sbuf_adds(&b, ", \"unit\": ");
        junit(&b, r, x->unit);
        sbuf_adds(&b, ", \"reference\": ");
        jstr(&b, x->reference);
        sbuf_adds(&b, ", \"framework\": ");
        jstr(&b, x->framework);
        sbuf_adds(&b, ", \"code\": ");
        jstr(&b, x->code);
        sbuf_adds(&b, ", \"area\": ");
        jstr(&b, x->area);
        sbuf_adds(&b, ", \"text\": ");
        jstr(&b, x->text);
        sbuf_adds(&b, ", \"owner\": ");
        jstr(&b, x->owner);
        sbuf_adds(&b, ", \"due\": ");
        jstr(&b, x->due);
        sbuf_adds(&b, ", \"status\": ");
        jstr(&b, x->status);
        sbuf_adds(&b, ", \"status_date\": ");
        jstr(&b, x->status_date);
        sbuf_addc(&b, '}');
        flush(&b, out);
    }
    close_array(&b, r->nrecommendations);

    sbuf_adds(&b, ",\n  \"burden\": [");
    for (size_t i = 0; i < r->nburden; i++) {
        const struct report_burden *x = &r->burden[i];
        elem(&b, i);
        sbuf_adds(&b, "{\"unit\": ");
        junit(&b, r, x->unit);
        sbuf_printf(&b, ", \"quarter\": \"%s\", \"body\": ", x->quarter);
        jstr(&b, x->body);
        sbuf_printf(&b, ", \"events\": %ld, \"hours\": ", x->events);
        jnum(&b, x->hours);
        sbuf_addc(&b, '}');
        flush(&b, out);
    }
    close_array(&b, r->nburden);

    /* One matrix per line would be long: each matrix on its own lines, one per area. */
    sbuf_adds(&b, ",\n  \"matrix\": [");
    for (size_t i = 0; i < r->nmatrix; i++) {
        const struct report_matrix *m = &r->matrix[i];
        elem(&b, i);
        sbuf_adds(&b, "{\"unit\": ");
        junit(&b, r, m->unit);
        sbuf_adds(&b, ", \"bodies\": [");
        for (size_t k = 0; k < m->nbodies; k++) {
            if (k)
                sbuf_adds(&b, ", ");
            jstr(&b, m->bodies[k]);
        }
        sbuf_adds(&b, "], \"areas\": [");
        for (size_t a = 0; a < m->nareas; a++) {
            sbuf_adds(&b, a ? ",\n      {\"area\": " : "\n      {\"area\": ");
            jstr(&b, m->areas[a]);
            sbuf_adds(&b, ", \"cells\": [");
            for (size_t k = 0; k < m->nbodies; k++) {
                const struct report_cell *c = &m->cells[a * m->nbodies + k];
                if (k)
                    sbuf_adds(&b, ", ");
                if (c->band == 0) {
                    sbuf_adds(&b, "null");
                    continue;
                }
                sbuf_printf(&b, "{\"band\": %d, \"event_id\": %lld, \"observed\": ", c->band,
                            (long long)c->event_id);
                jstr(&b, c->observed);
                sbuf_adds(&b, ", \"assessments\": [");
                for (size_t q = 0; q < c->nassessments; q++)
                    sbuf_printf(&b, "%s%lld", q ? ", " : "", (long long)c->assessments[q]);
                sbuf_adds(&b, "], \"contradiction\": ");
                jbool(&b, c->marks & REPORT_MARK_CONTRADICTION);
                sbuf_adds(&b, ", \"divergence\": ");
                jbool(&b, c->marks & REPORT_MARK_DIVERGENCE);
                sbuf_adds(&b, ", \"flags\": [");
                for (size_t q = 0; q < c->nflags; q++)
                    sbuf_printf(&b, "%s\"%s\"", q ? ", " : "", r->flags[c->flags[q]].fingerprint);
                sbuf_adds(&b, "]}");
            }
            sbuf_adds(&b, "]}");
        }
        sbuf_adds(&b, m->nareas ? "\n    ]}" : "]}");
        flush(&b, out);
    }
    close_array(&b, r->nmatrix);

    sbuf_adds(&b, ",\n  \"areas\": [");
    for (size_t i = 0; i < r->nareas; i++) {
        elem(&b, i);
        sbuf_adds(&b, "{\"code\": ");
        jstr(&b, r->areas[i].code);
        sbuf_adds(&b, ", \"label\": ");
        jstr(&b, r->areas[i].label);
        sbuf_addc(&b, '}');
    }
    close_array(&b, r->nareas);
    sbuf_adds(&b, "\n}\n");
    flush(&b, out);
    sbuf_free(&b);
    if (fflush(out) != 0 || ferror(out))
        return cc_fail(err, CC_EIO, "report: writing the JSON report failed");
    return CC_OK;
}
