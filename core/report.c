/* SPDX-License-Identifier: MIT */
/* `concord report`: gathering the data model of report.h from the store, once. */
#include "report.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "normalise.h"
#include "reconcile.h"

#define COL_TEXT(s, i) ((const char *)sqlite3_column_text((s), (i)))

static char *dup_col(sqlite3_stmt *s, int i)
{
    const char *v = COL_TEXT(s, i);
    return v ? xstrdup(v) : NULL;
}

static char *dup_col0(sqlite3_stmt *s, int i)
{
    const char *v = COL_TEXT(s, i);
    return xstrdup(v ? v : "");
}

static bool is_null(sqlite3_stmt *s, int i)
{
    return sqlite3_column_type(s, i) == SQLITE_NULL;
}

/* Grows an array by one element, doubling its capacity. */
#define PUSH(arr, n, cap)                                                      \
    do {                                                                       \
        if ((n) == (cap)) {                                                    \
            (cap) = (cap) ? (cap) * 2 : 16;                                    \
            (arr) = xrealloc((arr), (cap) * sizeof *(arr));                    \
        }                                                                      \
        memset(&(arr)[(n)], 0, sizeof *(arr));                                 \
        (n)++;                                                                 \
    } while (0)

/* ================================================================ shared helpers */

const char *report_unit_code(const struct report *r, size_t unit)
{
    return unit < r->nunits ? r->units[unit].code : NULL;
}

const char *report_band_word(int band)
{
    static const char *const words[] = { "", "inadequate", "requires improvement", "good",
                                         "outstanding" };
    return band >= 1 && band <= 4 ? words[band] : "";
}

void report_csv_field(FILE *out, const char *s)
{
    if (s == NULL)
        return;
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            fputc('"', out);
        fputc(*p, out);
    }
    fputc('"', out);
}

/* ================================================================ privacy */

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/*
 * Flag explanations may quote a case pseudonym ("One case (pseudonym
 * f6ef9ee8b0) ..."). A report goes to people who have no business with
 * case identities, and pseudonyms differ per database (the key), so they are
 * withheld: the hex after "pseudonym", and any free-standing run of 16 or
 * more hex digits (a whole pseudonym), become "withheld".
 */
static char *redact(const char *s)
{
    struct sbuf b;
    const char *p = s;

    sbuf_init(&b);
    while (*p) {
        bool word_start = p == s || !isalnum((unsigned char)p[-1]);
        if (word_start && strncasecmp(p, "pseudonym", 9) == 0) {
            const char *q = p + 9;
            if (*q == 's' || *q == 'S')
                q++;
            while (*q == ' ' || *q == ':')
                q++;
            size_t n = 0;
            while (is_hex(q[n]))
                n++;
            if (n >= 6 && !isalnum((unsigned char)q[n])) {
                sbuf_addn(&b, p, (size_t)(q - p));
                sbuf_adds(&b, "withheld");
                p = q + n;
                continue;
            }
        }
        if (word_start && is_hex(*p)) {
            size_t n = 0;
            while (is_hex(p[n]))
                n++;
            if (n >= 16 && !isalnum((unsigned char)p[n])) {
                sbuf_adds(&b, "withheld");
                p += n;
                continue;
            }
            sbuf_addn(&b, p, n);
            p += n;
            continue;
        }
        sbuf_addc(&b, *p++);
    }
    if (b.s == NULL)
        sbuf_adds(&b, "");
    return b.s;
}

/* ================================================================ gathering */

struct gather {
    struct store *st;
    const struct report_options *opt;
    struct report *r;
    const char *since, *until;     /* normalised, or NULL */
    size_t *unit_of_id;            /* store unit id -> index + 1 (0 = out of scope) */
    int64_t max_unit_id;
    size_t *event_of_id;           /* store event id -> ledger index + 1 */
    int64_t max_event_id;
    char *unit_ids;                /* JSON array of the units in scope with --unit, else NULL:
                                      lets SQL skip other units' rows early */
};

/* Every scoped query takes ?1 since, ?2 until, ?3 the unit ids (JSON array). */
static void bind_scope(sqlite3_stmt *s, const struct gather *g)
{
    sqlite3_bind_text(s, 1, g->since, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, g->until, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, g->unit_ids, -1, SQLITE_STATIC);
}

static size_t unit_index(const struct gather *g, int64_t id)
{
    if (id < 1 || id > g->max_unit_id)
        return SIZE_MAX;
    size_t v = g->unit_of_id[id];
    return v ? v - 1 : SIZE_MAX;
}

static size_t event_index(const struct gather *g, int64_t id)
{
    if (id < 1 || id > g->max_event_id)
        return SIZE_MAX;
    size_t v = g->event_of_id[id];
    return v ? v - 1 : SIZE_MAX;
}

static int step_error(struct gather *g, struct cc_error *err)
{
    return cc_fail(err, CC_EIO, "%s: reading the report: %s", g->st->path,
                   sqlite3_errmsg(g->st->db));
}

static int gather_scope(struct gather *g, struct cc_error *err)
{
    struct report *r = g->r;
    const char *want = g->opt->unit;
    sqlite3_stmt *s;
    int rc;

    if (want) {
        rc = store_prepare(g->st, &s,
                           "SELECT code, name FROM units WHERE code = ?1"
                           " UNION ALL SELECT code, name FROM units WHERE code = ?1 COLLATE NOCASE"
                           " LIMIT 1",
                           err);
        if (rc)
            return rc;
        sqlite3_bind_text(s, 1, want, -1, SQLITE_STATIC);
        if (sqlite3_step(s) == SQLITE_ROW) {
            r->scope.unit = dup_col0(s, 0);
            r->scope.unit_name = dup_col0(s, 1);
        }
        sqlite3_finalize(s);
        if (r->scope.unit == NULL)
            return cc_fail(err, CC_EUSAGE,
                           "report: no unit has the code '%s' ('concord units' lists them)", want);
    }
    r->scope.since = g->since ? xstrdup(g->since) : NULL;
    r->scope.until = g->until ? xstrdup(g->until) : NULL;

    /* Depth first, children by code: the path of codes sorts that way (char 31
     * sorts before every printable character). Depth is capped against cycles. */
    rc = store_prepare(g->st, &s,
                       "WITH RECURSIVE tree(id, depth, path) AS ("
                       "  SELECT id, 0, code FROM units"
                       "   WHERE (?1 IS NULL AND parent_id IS NULL) OR code = ?1"
                       "  UNION SELECT u.id, t.depth + 1, t.path || char(31) || u.code"
                       "   FROM units u JOIN tree t ON u.parent_id = t.id WHERE t.depth < 32)"
                       " SELECT u.id, u.code, u.name, u.type, p.code, min(t.depth)"
                       " FROM tree t JOIN units u ON u.id = t.id"
                       " LEFT JOIN units p ON p.id = u.parent_id"
                       " GROUP BY u.id ORDER BY min(t.path), u.id",
                       err);
    if (rc)
        return rc;
    sqlite3_bind_text(s, 1, r->scope.unit, -1, SQLITE_STATIC);
    size_t cap = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        PUSH(r->units, r->nunits, cap);
        struct report_unit *u = &r->units[r->nunits - 1];
        u->id = sqlite3_column_int64(s, 0);
        u->code = dup_col0(s, 1);
        u->name = dup_col0(s, 2);
        u->type = dup_col0(s, 3);
        u->parent = dup_col(s, 4);
        u->depth = sqlite3_column_int(s, 5);
        if (u->id > g->max_unit_id)
            g->max_unit_id = u->id;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return step_error(g, err);
    g->unit_of_id = xcalloc((size_t)g->max_unit_id + 1, sizeof *g->unit_of_id);
    for (size_t i = 0; i < r->nunits; i++)
        g->unit_of_id[r->units[i].id] = i + 1;
    if (r->scope.unit) {
        struct sbuf b;
        sbuf_init(&b);
        sbuf_addc(&b, '[');
        for (size_t i = 0; i < r->nunits; i++)
            sbuf_printf(&b, "%s%lld", i ? "," : "", (long long)r->units[i].id);
        sbuf_addc(&b, ']');
        g->unit_ids = b.s;
    }
    return CC_OK;
}

static int gather_ledger(struct gather *g, struct cc_error *err)
{
    struct report *r = g->r;
    sqlite3_stmt *s;
    size_t cap = 0;
    /* Cases examined are counted only for events that do not declare their sample:
     * the same rule as the reconciler's cost model. */
    int rc = store_prepare(g->st, &s,
                           "SELECT e.id, e.body, e.kind, e.unit_id, e.reference, e.title,"
                           " e.started, e.ended, e.published, e.cases_sampled, e.staff_hours,"
                           " CASE WHEN e.cases_sampled IS NULL THEN " RECONCILE_EVENT_CASES_SQL
                           " END"
                           " FROM events e WHERE e.retired_by IS NULL"
                           "  AND (?1 IS NULL OR e.ended >= ?1) AND (?2 IS NULL OR e.started <= ?2)"
                           "  AND (?3 IS NULL OR e.unit_id IN (SELECT value FROM json_each(?3)))"
                           " ORDER BY e.started, e.ended, e.body, e.reference, e.id",
                           err);

    if (rc)
        return rc;
    bind_scope(s, g);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        size_t unit = unit_index(g, sqlite3_column_int64(s, 3));
        if (unit == SIZE_MAX)
            continue;
        PUSH(r->ledger, r->nledger, cap);
        struct report_event *e = &r->ledger[r->nledger - 1];
        e->id = sqlite3_column_int64(s, 0);
        e->body = dup_col0(s, 1);
        e->kind = dup_col0(s, 2);
        e->unit = unit;
        e->reference = dup_col(s, 4);
        e->title = dup_col(s, 5);
        e->start = dup_col0(s, 6);
        e->end = dup_col0(s, 7);
        e->published = dup_col(s, 8);
        e->cases_declared = !is_null(s, 9);
        e->cases = e->cases_declared ? sqlite3_column_int(s, 9) : sqlite3_column_int(s, 11);
        e->hours_declared = !is_null(s, 10);
        e->hours = reconcile_event_hours(g->opt->config, e->kind, e->cases, e->hours_declared,
                                         sqlite3_column_double(s, 10));
        r->units[unit].nevents++;
        if (e->id > g->max_event_id)
            g->max_event_id = e->id;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return step_error(g, err);
    g->event_of_id = xcalloc((size_t)g->max_event_id + 1, sizeof *g->event_of_id);
    for (size_t i = 0; i < r->nledger; i++)
        g->event_of_id[r->ledger[i].id] = i + 1;
    return CC_OK;
}

static int gather_assessments(struct gather *g, struct cc_error *err)
{
    struct report *r = g->r;
    sqlite3_stmt *s;
    size_t cap = 0;
    /*
     * Unit-level rows only: the store holds millions of case-level answers,
     * which never come into a report. The derived aggregates of those answers
     * are unit-level rows and do.
     */
    int rc = store_prepare(g->st, &s,
                           "SELECT a.id, a.event_id, a.unit_id, x.area, x.dimension,"
                           " x.relationship, a.body, a.framework, a.code, fc.question, a.band,"
                           " a.rating, a.value, a.target, a.cases_applicable,"
                           " a.cases_sufficient, a.derived, a.period_start, a.period_end,"
                           " a.observed_at"
                           " FROM assessments a"
                           " JOIN units u ON u.id = a.unit_id"
                           " LEFT JOIN crosswalk x ON x.framework = a.framework AND x.code = a.code"
                           " LEFT JOIN framework_codes fc ON fc.framework = a.framework"
                           "  AND fc.code = a.code"
                           " WHERE a.level = 'UNIT' AND a.band IS NOT NULL AND a.retired_by IS NULL"
                           "  AND (?1 IS NULL OR a.period_end >= ?1)"
                           "  AND (?2 IS NULL OR a.period_start <= ?2)"
                           "  AND (?3 IS NULL OR a.unit_id IN (SELECT value FROM json_each(?3)))"
                           " ORDER BY u.code, x.area IS NULL, x.area, a.body, a.observed_at,"
                           "  a.framework, a.code, a.id, x.dimension",
                           err);

    if (rc)
        return rc;
    bind_scope(s, g);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        size_t unit = unit_index(g, sqlite3_column_int64(s, 2));
        if (unit == SIZE_MAX)
            continue;
        PUSH(r->assessments, r->nassessments, cap);
        struct report_assessment *a = &r->assessments[r->nassessments - 1];
        a->id = sqlite3_column_int64(s, 0);
        a->event_id = sqlite3_column_int64(s, 1);
        a->event = event_index(g, a->event_id);
        a->unit = unit;
        a->area = dup_col(s, 3);
        a->dimension = dup_col(s, 4);
        a->relationship = dup_col(s, 5);
        a->body = dup_col0(s, 6);
        a->framework = dup_col0(s, 7);
        a->code = dup_col0(s, 8);
        a->question = dup_col(s, 9);
        a->band = sqlite3_column_int(s, 10);
        a->rating = dup_col(s, 11);
        a->has_value = !is_null(s, 12);
        a->value = sqlite3_column_double(s, 12);
        a->has_target = !is_null(s, 13);
        a->target = sqlite3_column_double(s, 13);
        a->has_counts = !is_null(s, 14);
        a->applicable = sqlite3_column_int(s, 14);
        a->sufficient = sqlite3_column_int(s, 15);
        a->derived = sqlite3_column_int(s, 16) != 0;
        a->period_start = dup_col0(s, 17);
        a->period_end = dup_col0(s, 18);
        a->observed = dup_col0(s, 19);
        r->units[unit].nassessments++;
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? CC_OK : step_error(g, err);
}

static void parse_members(struct report_flag *f)
{
    json_error_t jerr;
    json_t *arr = json_loads(f->members_json, 0, &jerr);

    if (json_is_array(arr) && json_array_size(arr) > 0) {
        f->members = xcalloc(json_array_size(arr), sizeof *f->members);
        for (size_t i = 0; i < json_array_size(arr); i++) {
            json_t *m = json_array_get(arr, i);
            const char *type = json_string_value(json_object_get(m, "type"));
            const char *ident = json_string_value(json_object_get(m, "identity"));
            struct report_member *rm = &f->members[f->nmembers++];
            rm->type = xstrdup(type ? type : "");
            rm->id = json_integer_value(json_object_get(m, "id"));
            rm->identity = xstrdup(ident ? ident : "");
        }
    }
    json_decref(arr);
}

static int gather_flags(struct gather *g, struct cc_error *err)
{
    struct report *r = g->r;
    sqlite3_stmt *s;
    size_t cap = 0;
    /* As `concord flags`: the decision that counts is the latest one, while the
     * members are as they were when it was made. */
    int rc = store_prepare(g->st, &s,
                           "WITH decided AS (SELECT d.fingerprint, d.decision, d.decided_by,"
                           "  d.decided_at, d.reason, d.members_digest FROM flag_decisions d"
                           "  WHERE d.id = (SELECT max(id) FROM flag_decisions x"
                           "   WHERE x.fingerprint = d.fingerprint))"
                           " SELECT f.fingerprint, f.rule, f.kind, f.severity, f.status,"
                           "  f.unit_id, f.area, f.period_start, f.period_end, f.bodies,"
                           "  f.members, f.explanation, f.first_run, f.last_run,"
                           "  CASE WHEN d.members_digest = f.members_digest THEN d.decision END,"
                           "  d.decided_by, d.decided_at, d.reason"
                           " FROM flags f LEFT JOIN decided d ON d.fingerprint = f.fingerprint"
                           " WHERE f.status != 'resolved'"
                           "  AND (?1 IS NULL OR f.period_end IS NULL OR f.period_end >= ?1)"
                           "  AND (?2 IS NULL OR f.period_start IS NULL OR f.period_start <= ?2)"
                           " ORDER BY f.period_end DESC, f.kind, f.fingerprint",
                           err);

    if (rc)
        return rc;
    sqlite3_bind_text(s, 1, g->since, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, g->until, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        size_t unit = SIZE_MAX;
        if (!is_null(s, 5)) {
            unit = unit_index(g, sqlite3_column_int64(s, 5));
            if (unit == SIZE_MAX)
                continue;
        } else if (r->scope.unit) {
            continue;
        }
        PUSH(r->flags, r->nflags, cap);
        struct report_flag *f = &r->flags[r->nflags - 1];
        f->fingerprint = dup_col0(s, 0);
        f->rule = dup_col0(s, 1);
        f->kind = dup_col0(s, 2);
        f->severity = dup_col0(s, 3);
        f->status = dup_col0(s, 4);
        f->unit = unit;
        f->area = dup_col(s, 6);
        f->period_start = dup_col(s, 7);
        f->period_end = dup_col(s, 8);
        f->bodies = dup_col0(s, 9);
        f->members_json = dup_col0(s, 10);
        f->explanation = redact(COL_TEXT(s, 11) ? COL_TEXT(s, 11) : "");
        f->first_run = sqlite3_column_int64(s, 12);
        f->last_run = sqlite3_column_int64(s, 13);
        if (!is_null(s, 14)) {
            f->decision = xcalloc(1, sizeof *f->decision);
            f->decision->decision = dup_col0(s, 14);
            f->decision->by = dup_col0(s, 15);
            f->decision->at = dup_col0(s, 16);
            f->decision->reason = dup_col0(s, 17);
            f->shown = xstrdup(strcmp(f->decision->decision, "ack") == 0 ? "acknowledged"
                                                                           : "dismissed");
        } else {
            f->shown = xstrdup(f->status);
        }
        for (const char *p = f->bodies; *p;) {
            size_t n = strcspn(p, "+");
            if (n > 0) {
                f->body_list = xrealloc(f->body_list, (f->nbodies + 1) * sizeof *f->body_list);
                f->body_list[f->nbodies++] = xstrndup(p, n);
            }
            p += n;
            if (*p == '+')
                p++;
        }
        parse_members(f);
        if (unit != SIZE_MAX)
            r->units[unit].nflags++;
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? CC_OK : step_error(g, err);
}

static int gather_recommendations(struct gather *g, struct cc_error *err)
{
    struct report *r = g->r;
    sqlite3_stmt *s;
    size_t cap = 0;
    int rc = store_prepare(g->st, &s,
                           "SELECT r.id, r.body, r.unit_id, r.event_id, e.reference,"
                           " r.framework, r.code,"
                           " (SELECT x.area FROM crosswalk x WHERE x.framework = r.framework"
                           "   AND x.code = r.code ORDER BY x.relationship != 'equal', x.area"
                           "   LIMIT 1),"
                           " r.text, r.owner, r.due, r.status, r.status_date"
                           " FROM recommendations r JOIN events e ON e.id = r.event_id"
                           " JOIN units u ON u.id = r.unit_id"
                           " WHERE r.retired_by IS NULL"
                           "  AND (?2 IS NULL OR e.started <= ?2)"
                           "  AND (?1 IS NULL OR r.status = 'OPEN' OR r.status = 'IN_PROGRESS'"
                           "   OR r.status = 'OVERDUE' OR COALESCE(r.status_date, e.ended) >= ?1)"
                           " ORDER BY u.code, r.body, e.started, r.id",
                           err);

    if (rc)
        return rc;
    sqlite3_bind_text(s, 1, g->since, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, g->until, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        size_t unit = unit_index(g, sqlite3_column_int64(s, 2));
        if (unit == SIZE_MAX)
            continue;
        PUSH(r->recommendations, r->nrecommendations, cap);
        struct report_recommendation *x = &r->recommendations[r->nrecommendations - 1];
        x->id = sqlite3_column_int64(s, 0);
        x->body = dup_col0(s, 1);
        x->unit = unit;
        x->event = event_index(g, sqlite3_column_int64(s, 3));
        x->reference = dup_col(s, 4);
        x->framework = dup_col(s, 5);
        x->code = dup_col(s, 6);
        x->area = dup_col(s, 7);
        x->text = dup_col0(s, 8);
        x->owner = dup_col(s, 9);
        x->due = dup_col(s, 10);
        x->status = dup_col0(s, 11);
        x->status_date = dup_col(s, 12);
        r->units[unit].nrecommendations++;
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? CC_OK : step_error(g, err);
}

static int gather_areas(struct gather *g, struct cc_error *err)
{
    struct report *r = g->r;
    sqlite3_stmt *s;
    size_t cap = 0;
    int rc = store_prepare(g->st, &s, "SELECT code, label FROM areas ORDER BY code", err);

    if (rc)
        return rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        PUSH(r->areas, r->nareas, cap);
        r->areas[r->nareas - 1].code = dup_col0(s, 0);
        r->areas[r->nareas - 1].label = dup_col(s, 1);
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? CC_OK : step_error(g, err);
}

/* ---------------------------------------------------------------- burden */

struct burden_key {
    size_t unit;
    char quarter[8];
    const char *body;
    double hours;
    const char *unit_code;
    size_t idx;                 /* ledger index: the last tie breaker */
};

static int cmp_burden_key(const void *pa, const void *pb)
{
    const struct burden_key *a = pa, *b = pb;
    int c = strcmp(a->unit_code, b->unit_code);
    if (c == 0)
        c = strcmp(a->quarter, b->quarter);
    if (c == 0)
        c = strcmp(a->body, b->body);
    if (c == 0)
        c = (a->unit > b->unit) - (a->unit < b->unit);
    return c;
}

static bool same_burden(const struct burden_key *a, const struct burden_key *b)
{
    return a->unit == b->unit && strcmp(a->quarter, b->quarter) == 0 &&
           strcmp(a->body, b->body) == 0;
}

static int cmp_burden_full(const void *pa, const void *pb)
{
    const struct burden_key *a = pa, *b = pb;
    int c = cmp_burden_key(pa, pb);
    return c ? c : (a->idx > b->idx) - (a->idx < b->idx);
}

static void build_burden(struct report *r)
{
    struct burden_key *keys;
    size_t cap = 0;

    if (r->nledger == 0)
        return;
    keys = xcalloc(r->nledger, sizeof *keys);
    for (size_t i = 0; i < r->nledger; i++) {
        const struct report_event *e = &r->ledger[i];
        int y = 0, m = 1;
        char q[32];
        sscanf(e->start, "%d-%d", &y, &m);
        if (m < 1 || m > 12)
            m = 1;
        if (y < 0 || y > 9999)
            y = 0;
        keys[i].unit = e->unit;
        keys[i].unit_code = r->units[e->unit].code;
        snprintf(q, sizeof q, "%04dQ%d", y, (m - 1) / 3 + 1);
        snprintf(keys[i].quarter, sizeof keys[i].quarter, "%.7s", q);
        keys[i].body = e->body;
        keys[i].hours = e->hours;
        keys[i].idx = i;
    }
    /* Hours are summed in ledger order within a run (the ledger index breaks
     * ties), so the floating-point sum is the same every time. */
    qsort(keys, r->nledger, sizeof *keys, cmp_burden_full);
    for (size_t i = 0; i < r->nledger;) {
        size_t j = i;
        PUSH(r->burden, r->nburden, cap);
        struct report_burden *b = &r->burden[r->nburden - 1];
        b->unit = keys[i].unit;
        memcpy(b->quarter, keys[i].quarter, sizeof b->quarter);
        b->body = xstrdup(keys[i].body);
        while (j < r->nledger && same_burden(&keys[i], &keys[j])) {
            b->events++;
            b->hours += keys[j].hours;
            j++;
        }
        i = j;
    }
    free(keys);
}

/* ---------------------------------------------------------------- matrix */

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_i64(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return (a > b) - (a < b);
}

/* The cell of one (unit, area, body) from its rows [lo, hi) of report.assessments. */
static int fill_cell(struct gather *g, struct report_cell *c, size_t lo, size_t hi,
                     struct cc_error *err)
{
    struct report *r = g->r;
    const char *best_obs = NULL;
    int64_t ev = 0;

    /* The latest view: the event whose latest observed date is latest, then the
     * higher event id. */
    for (size_t i = lo; i < hi; i++) {
        const struct report_assessment *a = &r->assessments[i];
        int cmp = best_obs ? strcmp(a->observed, best_obs) : 1;
        if (cmp > 0 || (cmp == 0 && a->event_id > ev)) {
            best_obs = a->observed;
            ev = a->event_id;
        }
    }
    /* The observed date of the view is the latest of that event's rows. */
    for (size_t i = lo; i < hi; i++) {
        const struct report_assessment *a = &r->assessments[i];
        if (a->event_id == ev && strcmp(a->observed, best_obs) > 0)
            best_obs = a->observed;
    }
    int band = 0;
    const struct report_assessment *first_derived = NULL;
    long app = 0, suff = 0;
    for (size_t i = lo; i < hi; i++) {
        const struct report_assessment *a = &r->assessments[i];
        if (a->event_id != ev)
            continue;
        c->assessments = xrealloc(c->assessments, (c->nassessments + 1) * sizeof *c->assessments);
        c->assessments[c->nassessments++] = a->id;
        if (!a->derived && a->relationship && strcmp(a->relationship, "equal") == 0 &&
            (band == 0 || a->band < band))
            band = a->band;
    }
    if (band == 0) {
        int lowest_derived = 0;
        for (size_t i = lo; i < hi; i++) {
            const struct report_assessment *a = &r->assessments[i];
            if (a->event_id != ev || !a->derived)
                continue;
            if (first_derived == NULL)
                first_derived = a;
            app += a->applicable;
            suff += a->sufficient;
            if (lowest_derived == 0 || a->band < lowest_derived)
                lowest_derived = a->band;
        }
        if (first_derived && g->opt->norm) {
            struct band_result b;
            int rc = normaliser_band_cases(g->opt->norm, first_derived->body,
                                           first_derived->framework, app, suff, &b, err);
            if (rc)
                return rc;
            band = b.band;
        } else if (first_derived) {
            band = lowest_derived;
        }
    }
    if (band == 0) {
        for (size_t i = lo; i < hi; i++) {
            const struct report_assessment *a = &r->assessments[i];
            if (a->event_id == ev && (band == 0 || a->band < band))
                band = a->band;
        }
    }
    /* Sorted, without the repeats an assessment mapped to two dimensions gives. */
    qsort(c->assessments, c->nassessments, sizeof *c->assessments, cmp_i64);
    size_t k = 0;
    for (size_t i = 0; i < c->nassessments; i++) {
        if (k == 0 || c->assessments[k - 1] != c->assessments[i])
            c->assessments[k++] = c->assessments[i];
    }
    c->nassessments = k;
    c->band = band;
    c->event_id = ev;
    c->event = event_index(g, ev);
    c->observed = xstrdup(best_obs);
    return CC_OK;
}

/* The mark each flag gives the cells it names: only CONTRADICTION and DIVERGENCE mark. */
static unsigned *flag_marks(const struct report *r)
{
    unsigned *marks = xcalloc(r->nflags ? r->nflags : 1, sizeof *marks);

    for (size_t i = 0; i < r->nflags; i++) {
        const struct report_flag *f = &r->flags[i];
        if (f->area == NULL || f->unit == SIZE_MAX)
            continue;
        if (strcmp(f->kind, "CONTRADICTION") == 0)
            marks[i] = REPORT_MARK_CONTRADICTION;
        else if (strcmp(f->kind, "DIVERGENCE") == 0)
            marks[i] = REPORT_MARK_DIVERGENCE;
    }
    return marks;
}

static void mark_cell(const struct report *r, const unsigned *marks, struct report_cell *c,
                      size_t unit, const char *area, const char *body)
{
    for (size_t i = 0; i < r->nflags; i++) {
        const struct report_flag *f = &r->flags[i];
        if (marks[i] == 0 || f->unit != unit || strcmp(f->area, area) != 0)
            continue;
        bool named = false;
        for (size_t b = 0; b < f->nbodies && !named; b++)
            named = strcmp(f->body_list[b], body) == 0;
        if (!named)
            continue;
        c->marks |= marks[i];
        c->flags = xrealloc(c->flags, (c->nflags + 1) * sizeof *c->flags);
        c->flags[c->nflags++] = i;
    }
}

/* report.assessments is ordered by unit code, area (NULL last), body: each
 * unit's rows with an area are one run, and each (area, body) a run in it. */
static int build_matrix(struct gather *g, struct cc_error *err)
{
    struct report *r = g->r;
    unsigned *marks = flag_marks(r);
    size_t cap = 0;
    int rc = CC_OK;

    for (size_t lo = 0; lo < r->nassessments && rc == CC_OK;) {
        size_t unit = r->assessments[lo].unit, hi = lo;
        while (hi < r->nassessments && r->assessments[hi].unit == unit)
            hi++;
        size_t end = lo; /* rows with an area come first */
        while (end < hi && r->assessments[end].area)
            end++;
        if (end == lo) {
            lo = hi;
            continue;
        }
        PUSH(r->matrix, r->nmatrix, cap);
        struct report_matrix *m = &r->matrix[r->nmatrix - 1];
        m->unit = unit;
        for (size_t i = lo; i < end; i++) {
            const struct report_assessment *a = &r->assessments[i];
            if (m->nareas == 0 || strcmp(m->areas[m->nareas - 1], a->area) != 0) {
                m->areas = xrealloc(m->areas, (m->nareas + 1) * sizeof *m->areas);
                m->areas[m->nareas++] = xstrdup(a->area);
            }
            bool seen = false;
            for (size_t b = 0; b < m->nbodies && !seen; b++)
                seen = strcmp(m->bodies[b], a->body) == 0;
            if (!seen) {
                m->bodies = xrealloc(m->bodies, (m->nbodies + 1) * sizeof *m->bodies);
                m->bodies[m->nbodies++] = xstrdup(a->body);
            }
        }
        qsort(m->bodies, m->nbodies, sizeof *m->bodies, cmp_str_ptr);
        m->cells = xcalloc(m->nareas * m->nbodies, sizeof *m->cells);
        size_t ai = 0;
        for (size_t i = lo; i < end && rc == CC_OK;) {
            size_t j = i;
            while (j < end && strcmp(r->assessments[j].area, r->assessments[i].area) == 0 &&
                   strcmp(r->assessments[j].body, r->assessments[i].body) == 0)
                j++;
            while (strcmp(m->areas[ai], r->assessments[i].area) != 0)
                ai++;
            size_t bi = 0;
            while (strcmp(m->bodies[bi], r->assessments[i].body) != 0)
                bi++;
            struct report_cell *c = &m->cells[ai * m->nbodies + bi];
            rc = fill_cell(g, c, i, j, err);
            if (rc == CC_OK)
                mark_cell(r, marks, c, unit, m->areas[ai], m->bodies[bi]);
            i = j;
        }
        for (size_t k = 0; k < m->nareas * m->nbodies; k++) {
            if (m->cells[k].band == 0)
                m->cells[k].event = SIZE_MAX;
        }
        lo = hi;
    }
    free(marks);
    return rc;
}

/* ---------------------------------------------------------------- entry */

static int parse_date_opt(const char *name, const char *v, bool end, char out[DATE_FORMAT_SIZE],
                          struct cc_error *err)
{
    int32_t a, b;
    char msg[256];

    if (period_parse(v, strlen(v), &a, &b, msg, sizeof msg) != 0)
        return cc_fail(err, CC_EUSAGE, "report: %s %s: %s", name, v, msg);
    date_format(end ? b : a, out);
    return CC_OK;
}

int report_gather(struct store *st, const struct report_options *opt, struct report **out,
                  struct cc_error *err)
{
    struct report *r = xcalloc(1, sizeof *r);
    struct gather g = { st, opt, r, NULL, NULL, NULL, 0, NULL, 0, NULL };
    char since[DATE_FORMAT_SIZE], until[DATE_FORMAT_SIZE];
    int rc = CC_OK;

    *out = NULL;
    cc_now_iso(r->generated_at);
    if (opt->since && (rc = parse_date_opt("--since", opt->since, false, since, err)) == CC_OK)
        g.since = since;
    if (rc == CC_OK && opt->until &&
        (rc = parse_date_opt("--until", opt->until, true, until, err)) == CC_OK)
        g.until = until;
    if (rc == CC_OK && g.since && g.until && strcmp(g.since, g.until) > 0)
        rc = cc_fail(err, CC_EUSAGE, "report: --since %s is after --until %s", g.since, g.until);
    if (rc) {
        report_free(r);
        return rc;
    }
    /* One read transaction: every table from the same snapshot. */
    rc = store_exec(st, "BEGIN", err);
    if (rc == CC_OK) {
        rc = gather_scope(&g, err);
        if (rc == CC_OK)
            rc = gather_ledger(&g, err);
        if (rc == CC_OK)
            rc = gather_assessments(&g, err);
        if (rc == CC_OK)
            rc = gather_flags(&g, err);
        if (rc == CC_OK)
            rc = gather_recommendations(&g, err);
        if (rc == CC_OK)
            rc = gather_areas(&g, err);
        sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
    }
    if (rc == CC_OK) {
        build_burden(r);
        rc = build_matrix(&g, err);
    }
    free(g.unit_of_id);
    free(g.event_of_id);
    free(g.unit_ids);
    if (rc) {
        report_free(r);
        return rc;
    }
    *out = r;
    return CC_OK;
}

void report_free(struct report *r)
{
    if (r == NULL)
        return;
    free(r->scope.unit);
    free(r->scope.unit_name);
    free(r->scope.since);
    free(r->scope.until);
    for (size_t i = 0; i < r->nunits; i++) {
        struct report_unit *u = &r->units[i];
        free(u->code);
        free(u->name);
        free(u->type);
        free(u->parent);
    }
    free(r->units);
    for (size_t i = 0; i < r->nledger; i++) {
        struct report_event *e = &r->ledger[i];
        free(e->body);
        free(e->kind);
        free(e->reference);
        free(e->title);
        free(e->start);
        free(e->end);
        free(e->published);
    }
    free(r->ledger);
    for (size_t i = 0; i < r->nassessments; i++) {
        struct report_assessment *a = &r->assessments[i];
        free(a->area);
        free(a->dimension);
        free(a->relationship);
        free(a->body);
        free(a->framework);
        free(a->code);
        free(a->question);
        free(a->rating);
        free(a->period_start);
        free(a->period_end);
        free(a->observed);
    }
    free(r->assessments);
    for (size_t i = 0; i < r->nflags; i++) {
        struct report_flag *f = &r->flags[i];
        free(f->fingerprint);
        free(f->rule);
        free(f->kind);
        free(f->severity);
        free(f->status);
        free(f->shown);
        if (f->decision) {
            free(f->decision->decision);
            free(f->decision->by);
            free(f->decision->at);
            free(f->decision->reason);
            free(f->decision);
        }
        free(f->area);
        free(f->period_start);
        free(f->period_end);
        free(f->bodies);
        for (size_t b = 0; b < f->nbodies; b++)
            free(f->body_list[b]);
        free(f->body_list);
        free(f->members_json);
        for (size_t m = 0; m < f->nmembers; m++) {
            free(f->members[m].type);
            free(f->members[m].identity);
        }
        free(f->members);
        free(f->explanation);
    }
    free(r->flags);
    for (size_t i = 0; i < r->nrecommendations; i++) {
        struct report_recommendation *x = &r->recommendations[i];
        free(x->body);
        free(x->reference);
        free(x->framework);
        free(x->code);
        free(x->area);
        free(x->text);
        free(x->owner);
        free(x->due);
        free(x->status);
        free(x->status_date);
    }
    free(r->recommendations);
    for (size_t i = 0; i < r->nburden; i++)
        free(r->burden[i].body);
    free(r->burden);
    for (size_t i = 0; i < r->nmatrix; i++) {
        struct report_matrix *m = &r->matrix[i];
        for (size_t k = 0; k < m->nareas * m->nbodies; k++) {
            free(m->cells[k].observed);
            free(m->cells[k].assessments);
            free(m->cells[k].flags);
        }
        free(m->cells);
        for (size_t k = 0; k < m->nareas; k++)
            free(m->areas[k]);
        free(m->areas);
        for (size_t k = 0; k < m->nbodies; k++)
            free(m->bodies[k]);
        free(m->bodies);
    }
    free(r->matrix);
    for (size_t i = 0; i < r->nareas; i++) {
        free(r->areas[i].code);
        free(r->areas[i].label);
    }
    free(r->areas);
    free(r);
}
