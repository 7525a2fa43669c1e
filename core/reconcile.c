/* SPDX-License-Identifier: MIT */
#include "reconcile.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dates.h"
#include "normalise.h"
#include "rules_lua.h"

/* ================================================================ settings */

static double setting(const struct config *c, const char *rule, const char *key, double def)
{
    char path[128];

    if (c == NULL)
        return def;
    snprintf(path, sizeof path, "rules.%s.%s", rule, key);
    return config_number(c, path, def);
}

static bool rule_enabled(const struct config *c, const char *rule)
{
    char path[128];

    if (c == NULL)
        return true;
    snprintf(path, sizeof path, "rules.%s.enabled", rule);
    return config_bool(c, path, true);
}

/* Event kinds a rule leaves out (contract returns are data, not visits). */
static bool kind_excluded(const struct config *c, const char *rule, const char *key,
                          const char *kind)
{
    const char *list[16];
    char path[128];
    size_t n;

    if (c == NULL)
        return strcmp(kind, "CONTRACT_RETURN") == 0;
    snprintf(path, sizeof path, "rules.%s.%s", rule, key);
    n = config_strings(c, path, list, 16);
    if (n == 0 && !config_is_set(c, path))
        return strcmp(kind, "CONTRACT_RETURN") == 0;
    for (size_t i = 0; i < n && i < 16; i++) {
        if (strcmp(list[i], kind) == 0)
            return true;
    }
    return false;
}

static bool kind_listed(const struct config *c, const char *path, const char *kind,
                        const char *const *defaults)
{
    const char *list[16];
    size_t n = c ? config_strings(c, path, list, 16) : 0;

    if (n == 0) {
        for (const char *const *d = defaults; *d; d++) {
            if (strcmp(*d, kind) == 0)
                return true;
        }
        return false;
    }
    for (size_t i = 0; i < n && i < 16; i++) {
        if (strcmp(list[i], kind) == 0)
            return true;
    }
    return false;
}

/* ================================================================ the flag set */

struct stored_flag {
    char *rule, *kind, *severity, *area, *period_start, *period_end, *bodies, *explanation;
    int64_t unit_id;
    struct flag_member *members;
    size_t nmembers;
    char fingerprint[33];
    char members_digest[33];
    char *members_json;
};

struct flag_set {
    struct store *st;
    struct stored_flag *items;
    size_t count, cap;
    struct strmap seen;          /* fingerprint -> index: a rule may propose one twice */
    sqlite3_stmt *ident[3];      /* identity and digest of a member, by kind */
};

static const char *const member_type_names[3] = { "assessment", "event", "recommendation" };

static int member_identity(struct flag_set *set, const struct flag_member *m, struct sbuf *ident,
                           int64_t *digest, struct cc_error *err)
{
    static const char *const sql[3] = {
        "SELECT plugin || '|' || identity, digest FROM assessments WHERE id = ?1",
        "SELECT plugin || '|' || identity, digest FROM events WHERE id = ?1",
        "SELECT plugin || '|' || identity, digest FROM recommendations WHERE id = ?1",
    };
    int k = (int)m->kind;

    if (k < 0 || k > 2)
        return cc_fail(err, CC_ESOFTWARE, "flag: unknown member kind");
    if (set->ident[k] == NULL && store_prepare(set->st, &set->ident[k], sql[k], err))
        return err->status;
    sqlite3_bind_int64(set->ident[k], 1, m->id);
    if (sqlite3_step(set->ident[k]) != SQLITE_ROW) {
        sqlite3_reset(set->ident[k]);
        return cc_fail(err, CC_EDATA, "flag: member %s %lld does not exist", member_type_names[k],
                       (long long)m->id);
    }
    sbuf_reset(ident);
    sbuf_printf(ident, "%s:%s", member_type_names[k],
                (const char *)sqlite3_column_text(set->ident[k], 0));
    *digest = sqlite3_column_int64(set->ident[k], 1);
    sqlite3_reset(set->ident[k]);
    return CC_OK;
}

static int cmp_member(const void *a, const void *b)
{
    const struct flag_member *x = a, *y = b;

    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

int flag_add(struct flag_set *set, const struct flag *f, struct cc_error *err)
{
    struct stored_flag sf = { 0 };
    crypto_generichash_state fp, md;
    unsigned char h[16];
    char **idents;
    struct sbuf ident, json;
    int rc = CC_OK;

    if (f->nmembers == 0)
        return cc_fail(err, CC_EDATA, "flag: a flag needs at least one member");
    sf.members = xcalloc(f->nmembers, sizeof *sf.members);
    memcpy(sf.members, f->members, f->nmembers * sizeof *sf.members);
    qsort(sf.members, f->nmembers, sizeof *sf.members, cmp_member);
    /* Drop repeated members. */
    for (size_t i = 0; i < f->nmembers; i++) {
        if (sf.nmembers == 0 || cmp_member(&sf.members[sf.nmembers - 1], &sf.members[i]) != 0)
            sf.members[sf.nmembers++] = sf.members[i];
    }
    idents = xcalloc(sf.nmembers, sizeof *idents);
    sbuf_init(&ident);
    sbuf_init(&json);
    /*
     * The fingerprint is the rule and the members' identities: stable across
     * re-imports (identities are), independent of database ids. The members
     * digest adds each member's content digest, so a person's decision can
     * lapse when the evidence behind a flag changes.
     */
    crypto_generichash_init(&fp, NULL, 0, sizeof h);
    crypto_generichash_init(&md, NULL, 0, sizeof h);
    crypto_generichash_update(&fp, (const unsigned char *)f->rule, strlen(f->rule) + 1);
    if (f->subject)
        crypto_generichash_update(&fp, (const unsigned char *)f->subject,
                                  strlen(f->subject) + 1);
    int64_t *digests = xcalloc(sf.nmembers, sizeof *digests);
    for (size_t i = 0; i < sf.nmembers && rc == CC_OK; i++) {
        rc = member_identity(set, &sf.members[i], &ident, &digests[i], err);
        if (rc == CC_OK)
            idents[i] = xstrdup(ident.s);
    }
    if (rc == CC_OK) {
        /* Identities in text order, so the fingerprint does not depend on ids. */
        char **sorted = xcalloc(sf.nmembers, sizeof *sorted);
        memcpy(sorted, idents, sf.nmembers * sizeof *sorted);
        qsort(sorted, sf.nmembers, sizeof *sorted, cc_cmp_strings);
        for (size_t i = 0; i < sf.nmembers; i++)
            crypto_generichash_update(&fp, (const unsigned char *)sorted[i], strlen(sorted[i]) + 1);
        free(sorted);
        crypto_generichash_final(&fp, h, sizeof h);
        sodium_bin2hex(sf.fingerprint, sizeof sf.fingerprint, h, sizeof h);
        crypto_generichash_update(&md, (const unsigned char *)sf.fingerprint, 32);
        sbuf_addc(&json, '[');
        for (size_t i = 0; i < sf.nmembers; i++) {
            crypto_generichash_update(&md, (const unsigned char *)&digests[i], sizeof digests[i]);
            sbuf_printf(&json, "%s{\"type\":\"%s\",\"id\":%lld,\"identity\":", i ? "," : "",
                        member_type_names[sf.members[i].kind], (long long)sf.members[i].id);
            sbuf_add_json_string(&json, strchr(idents[i], ':') + 1);
            sbuf_addc(&json, '}');
        }
        sbuf_addc(&json, ']');
        crypto_generichash_final(&md, h, sizeof h);
        sodium_bin2hex(sf.members_digest, sizeof sf.members_digest, h, sizeof h);
    }
    for (size_t i = 0; i < sf.nmembers; i++)
        free(idents[i]);
    free(idents);
    free(digests);
    sbuf_free(&ident);
    int64_t dup;
    if (rc != CC_OK || strmap_get(&set->seen, sf.fingerprint, 32, &dup)) {
        /* The same finding proposed twice is one flag. */
        free(sf.members);
        sbuf_free(&json);
        return rc;
    }
    sf.members_json = json.s;
    sf.rule = xstrdup(f->rule);
    sf.kind = xstrdup(f->kind ? f->kind : f->rule);
    sf.severity = xstrdup(f->severity ? f->severity : "medium");
    sf.area = dup_or_null(f->area);
    sf.period_start = dup_or_null(f->period_start);
    sf.period_end = dup_or_null(f->period_end);
    sf.bodies = xstrdup(f->bodies ? f->bodies : "");
    sf.explanation = xstrdup(f->explanation ? f->explanation : "");
    sf.unit_id = f->unit_id;
    if (set->count == set->cap) {
        set->cap = set->cap ? set->cap * 2 : 64;
        set->items = xrealloc(set->items, set->cap * sizeof *set->items);
    }
    strmap_put(&set->seen, sf.fingerprint, 32, (int64_t)set->count);
    set->items[set->count++] = sf;
    return CC_OK;
}

static void flag_set_free(struct flag_set *set)
{
    for (size_t i = 0; i < set->count; i++) {
        struct stored_flag *f = &set->items[i];
        free(f->rule);
        free(f->kind);
        free(f->severity);
        free(f->area);
        free(f->period_start);
        free(f->period_end);
        free(f->bodies);
        free(f->explanation);
        free(f->members);
        free(f->members_json);
    }
    free(set->items);
    strmap_free(&set->seen);
    for (int k = 0; k < 3; k++)
        sqlite3_finalize(set->ident[k]);
}

/* ================================================================ area judgements */

enum dclass { DC_QUALITY, DC_PROCESS, DC_OUTCOME, DC_CAPACITY };
static const char *const dclass_names[] = { "quality", "timeliness or compliance", "outcome",
                                            "capacity" };

static enum dclass dclass_of(const char *dimension)
{
    if (strcmp(dimension, "QUALITY") == 0)
        return DC_QUALITY;
    if (strcmp(dimension, "TIMELINESS") == 0 || strcmp(dimension, "COMPLIANCE") == 0)
        return DC_PROCESS;
    if (strcmp(dimension, "OUTCOME") == 0)
        return DC_OUTCOME;
    return DC_CAPACITY;
}

/* One event's view of one area of one unit: what the rules compare. */
struct aj {
    int64_t event_id, unit_id;
    char body[24], kind[24], area[24];
    enum dclass dclass;
    int32_t start, end, observed;
    int band;
    int64_t *members;
    size_t nmembers;
    char *says;              /* "HMIP standard 2.3 ... asked ...: Inadequate (band 1)" */
    int32_t next_same;       /* observed date of the same body's next view, or INT32_MAX */
    bool rep_flagged;        /* REPEATED_SCRUTINY already named this event and area */
};

struct event_info {
    int64_t id, unit_id;
    char body[24], kind[24];
    char *reference;
    int32_t start, end, published;
    double hours;
    long cases;
    int min_band;            /* lowest band any of its judgements reached, 0 = none */
};

struct recon {
    struct store *st;
    const struct normaliser *norm;
    const struct config *cfg;
    struct flag_set *set;
    struct aj *ajs;
    size_t najs;
    struct event_info *events;
    size_t nevents;
    struct strmap event_index;   /* "#id" -> index */
    struct strmap unit_names;    /* "#id" -> index into names */
    char **names;
    size_t nnames;
    struct strmap area_labels;   /* area code -> index into labels */
    char **labels;
    size_t nlabels;
    struct sbuf text;
};

static int32_t parse_day(const char *s)
{
    int32_t d;

    if (s == NULL || date_parse(s, strlen(s), &d, NULL, 0) != 0)
        return CLAIM_NO_DATE;
    return d;
}

/* "9 May 2022" */
static void day_text(int32_t d, char *out, size_t n)
{
    static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    int y, m, dd;

    date_to_ymd(d, &y, &m, &dd);
    snprintf(out, n, "%d %s %d", dd, months[(m - 1) % 12], y);
}

/* "9-20 May 2022", "30 Nov 2022", "28 Nov - 2 Dec 2022" */
static void span_text(int32_t a, int32_t b, char *out, size_t n)
{
    char x[24], y[24];
    int ya, ma, da, yb, mb, db;

    if (a == b || b == CLAIM_NO_DATE) {
        day_text(a, out, n);
        return;
    }
    date_to_ymd(a, &ya, &ma, &da);
    date_to_ymd(b, &yb, &mb, &db);
    day_text(b, y, sizeof y);
    if (ya == yb && ma == mb) {
        snprintf(out, n, "%d-%s", da, y);
        return;
    }
    day_text(a, x, sizeof x);
    snprintf(out, n, "%s - %s", x, y);
}

static const char *unit_name(struct recon *r, int64_t id)
{
    char key[32];
    int64_t idx;
    sqlite3_stmt *s;

    snprintf(key, sizeof key, "#%lld", (long long)id);
    if (strmap_get(&r->unit_names, key, strlen(key), &idx))
        return r->names[idx];
    if (sqlite3_prepare_v2(r->st->db, "SELECT code || ' ' || name FROM units WHERE id = ?1", -1,
                           &s, NULL) != SQLITE_OK)
        return "?";
    sqlite3_bind_int64(s, 1, id);
    const char *v = sqlite3_step(s) == SQLITE_ROW ? (const char *)sqlite3_column_text(s, 0) : "?";
    r->names = xrealloc(r->names, (r->nnames + 1) * sizeof *r->names);
    r->names[r->nnames] = xstrdup(v);
    sqlite3_finalize(s);
    strmap_put(&r->unit_names, key, strlen(key), (int64_t)r->nnames);
    return r->names[r->nnames++];
}

static const char *area_label(struct recon *r, const char *area)
{
    int64_t idx;
    sqlite3_stmt *s;

    if (strmap_get(&r->area_labels, area, strlen(area), &idx))
        return r->labels[idx];
    if (sqlite3_prepare_v2(r->st->db, "SELECT lower(label) FROM areas WHERE code = ?1", -1, &s,
                           NULL) != SQLITE_OK)
        return area;
    sqlite3_bind_text(s, 1, area, -1, SQLITE_STATIC);
    const char *v = sqlite3_step(s) == SQLITE_ROW ? (const char *)sqlite3_column_text(s, 0) : area;
    r->labels = xrealloc(r->labels, (r->nlabels + 1) * sizeof *r->labels);
    r->labels[r->nlabels] = xstrdup(v);
    sqlite3_finalize(s);
    strmap_put(&r->area_labels, area, strlen(area), (int64_t)r->nlabels);
    return r->labels[r->nlabels++];
}

static struct event_info *event_of(struct recon *r, int64_t id)
{
    char key[32];
    int64_t idx;

    snprintf(key, sizeof key, "#%lld", (long long)id);
    return strmap_get(&r->event_index, key, strlen(key), &idx) ? &r->events[idx] : NULL;
}

/* How people name a body's act of scrutiny, with its dates. */
static void event_text(const struct event_info *e, char *out, size_t n)
{
    char span[64];

    span_text(e->start, e->end, span, sizeof span);
    if (strcmp(e->kind, "INSPECTION") == 0)
        snprintf(out, n, "%s inspection %s (fieldwork %s)", e->body, e->reference ? e->reference : "", span);
    else if (strcmp(e->kind, "CONTRACT_RETURN") == 0)
        snprintf(out, n, "%s return for %s", e->body, span);
    else if (strcmp(e->kind, "AUDIT") == 0)
        snprintf(out, n, "%s audit %s (%s)", e->body, e->reference ? e->reference : "", span);
    else {
        static const char *const names[][2] = {
            { "QA_AUDIT", "case audit" },           { "MO_CHECK", "management oversight check" },
            { "ROSH_AUDIT", "RoSH audit" },         { "SHADOW_INSPECTION", "shadow inspection" },
            { "THEMATIC", "thematic inspection" },
        };
        const char *kind = e->kind;
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            if (strcmp(names[i][0], e->kind) == 0)
                kind = names[i][1];
        }
        snprintf(out, n, "%s %s %s (%s)", e->body, kind, e->reference ? e->reference : "", span);
    }
    /* Tidy the double space left by an event without a reference. */
    for (char *p = strstr(out, "  "); p; p = strstr(out, "  "))
        memmove(p, p + 1, strlen(p));
}

/* The cost model: hours the provider spends per event and per case. */
double reconcile_event_hours(const struct config *cfg, const char *kind, long cases,
                             bool has_staff_hours, double staff_hours)
{
    static const struct { const char *kind; double base, per_case; } model[] = {
        { "INSPECTION", 60, 3 }, { "THEMATIC", 30, 2 },  { "AUDIT", 16, 1.5 },
        { "QA_AUDIT", 4, 1 },    { "SHADOW_INSPECTION", 24, 2 },
        { "MO_CHECK", 2, 0.5 },  { "ROSH_AUDIT", 4, 1 }, { "CONTRACT_RETURN", 2, 0 },
    };
    double base = 4, per = 1;

    if (has_staff_hours)
        return staff_hours;
    for (size_t i = 0; i < sizeof model / sizeof model[0]; i++) {
        if (strcmp(model[i].kind, kind) == 0) {
            base = model[i].base;
            per = model[i].per_case;
        }
    }
    if (cfg) {
        char path[96];
        snprintf(path, sizeof path, "cost_model.%s.base_hours", kind);
        base = config_number(cfg, path, base);
        snprintf(path, sizeof path, "cost_model.%s.per_case", kind);
        per = config_number(cfg, path, per);
    }
    return base + per * (double)cases;
}

static int load_events(struct recon *r, struct cc_error *err)
{
    sqlite3_stmt *s;
    int rc = store_prepare(r->st, &s,
                           "SELECT e.id, e.unit_id, e.body, e.kind, e.reference, e.started,"
                           " e.ended, e.published, e.staff_hours, e.cases_sampled,"
                           " " RECONCILE_EVENT_CASES_SQL
                           " FROM events e WHERE e.retired_by IS NULL ORDER BY e.id",
                           err);

    if (rc)
        return rc;
    while (sqlite3_step(s) == SQLITE_ROW) {
        struct event_info e = { 0 };
        char key[32];
        e.id = sqlite3_column_int64(s, 0);
        e.unit_id = sqlite3_column_int64(s, 1);
        snprintf(e.body, sizeof e.body, "%s", (const char *)sqlite3_column_text(s, 2));
        snprintf(e.kind, sizeof e.kind, "%s", (const char *)sqlite3_column_text(s, 3));
        e.reference = dup_or_null((const char *)sqlite3_column_text(s, 4));
        e.start = parse_day((const char *)sqlite3_column_text(s, 5));
        e.end = parse_day((const char *)sqlite3_column_text(s, 6));
        e.published = parse_day((const char *)sqlite3_column_text(s, 7));
        long cases = sqlite3_column_type(s, 9) != SQLITE_NULL ? sqlite3_column_int(s, 9)
                                                              : sqlite3_column_int(s, 10);
        e.cases = cases;
        e.hours = reconcile_event_hours(r->cfg, e.kind, cases,
                                        sqlite3_column_type(s, 8) != SQLITE_NULL,
                                        sqlite3_column_double(s, 8));
        if (r->nevents % 256 == 0)
            r->events = xrealloc(r->events, (r->nevents + 256) * sizeof *r->events);
        snprintf(key, sizeof key, "#%lld", (long long)e.id);
        strmap_put(&r->event_index, key, strlen(key), (int64_t)r->nevents);
        r->events[r->nevents++] = e;
    }
    sqlite3_finalize(s);
    return CC_OK;
}

/* Rows of one group (event, unit, area, class) while they are read. */
struct jrow {
    int64_t id;
    bool derived, equal;
    int band;
    long applicable, sufficient;
    char framework[32], code[32];
    char *label, *question, *rating;
    double value, target;
    bool has_value, has_target, has_cases;
    int32_t start, end, observed;
};

static void jrow_free(struct jrow *j)
{
    free(j->label);
    free(j->question);
    free(j->rating);
}

/* What one claim said, for people: the question it asked and the answer. */
static void describe(struct sbuf *out, const struct event_info *ev, const struct jrow *j,
                     int band, long app, long suff, size_t nquestions, long kq_app, long kq_suff)
{
    char evt[160];
    static const char *const rated[] = { "", "inadequate", "requires improvement", "good",
                                         "outstanding" };
    static const char *const targeted[] = { "", "target missed", "target narrowly missed",
                                            "target met", "target exceeded" };
    const char *const *words = j->has_value && j->has_target ? targeted : rated;

    event_text(ev, evt, sizeof evt);
    if (j->derived) {
        sbuf_printf(out, "%s asked", evt);
        if (nquestions > 1)
            sbuf_printf(out, " %zu questions here, among them %s %s", nquestions, j->framework,
                        j->code);
        else
            sbuf_printf(out, " %s %s", j->framework, j->code);
        sbuf_printf(out, ": \"%s\" Answer: %ld of %ld case answers sufficient (%.0f%%), band %d"
                         " (%s).",
                    j->question ? j->question : "", suff, app,
                    app ? 100.0 * (double)suff / (double)app : 0.0, band, words[band]);
        (void)kq_app;
        (void)kq_suff;
        return;
    }
    sbuf_printf(out, "%s, %s %s%s%s%s: \"%s\" Answer: ", evt, j->framework, j->code,
                j->label ? " (" : "", j->label ? j->label : "", j->label ? ")" : "",
                j->question ? j->question : "");
    if (j->has_value && j->has_target)
        sbuf_printf(out, "%g against a target of %g", j->value, j->target);
    else if (j->rating)
        sbuf_printf(out, "%s", j->rating);
    else if (j->has_cases)
        sbuf_printf(out, "%ld of %ld cases sufficient (%.0f%%)", j->sufficient, j->applicable,
                    j->applicable ? 100.0 * (double)j->sufficient / (double)j->applicable : 0.0);
    else if (j->has_value)
        sbuf_printf(out, "%g", j->value);
    sbuf_printf(out, ", band %d (%s)", band, words[band]);
    /* A rated standard with key questions: say what the cases showed too. */
    if (kq_app > 0 && !j->has_cases)
        sbuf_printf(out, "; its key questions found %ld of %ld cases sufficient (%.0f%%)",
                    kq_suff, kq_app, 100.0 * (double)kq_suff / (double)kq_app);
    sbuf_addc(out, '.');
}

/* Closes a group: one area judgement from its rows, as design.md says:
 * the body's own rating of the area when there is one, else its pooled case
 * answers, else its lowest banded measure. */
static int finish_group(struct recon *r, struct jrow *rows, size_t n, int64_t event_id,
                        int64_t unit_id, const char *area, enum dclass dc, struct cc_error *err)
{
    struct event_info *ev = event_of(r, event_id);
    struct aj a = { 0 };
    struct jrow *rep = NULL;
    long app = 0, suff = 0;
    size_t nderived = 0;

    if (ev == NULL || n == 0)
        return CC_OK;
    for (size_t i = 0; i < n; i++) {
        if (!rows[i].derived && rows[i].equal && (rep == NULL || rows[i].band < rep->band))
            rep = &rows[i];
    }
    if (rep) {
        a.band = rep->band;
    } else {
        for (size_t i = 0; i < n; i++) {
            if (rows[i].derived) {
                app += rows[i].applicable;
                suff += rows[i].sufficient;
                if (nderived++ == 0)
                    rep = &rows[i];
            }
        }
        if (rep) {
            struct band_result b;
            int rc = normaliser_band_cases(r->norm, ev->body, rep->framework, app, suff, &b, err);
            if (rc)
                return rc;
            a.band = b.band;
        } else {
            for (size_t i = 0; i < n; i++) {
                if (rep == NULL || rows[i].band < rep->band)
                    rep = &rows[i];
            }
            a.band = rep->band;
        }
    }
    if (a.band < 1)
        return CC_OK;
    a.event_id = event_id;
    a.unit_id = unit_id;
    snprintf(a.body, sizeof a.body, "%s", ev->body);
    snprintf(a.kind, sizeof a.kind, "%s", ev->kind);
    snprintf(a.area, sizeof a.area, "%s", area);
    a.dclass = dc;
    a.start = rows[0].start;
    a.end = rows[0].end;
    a.observed = rows[0].observed;
    a.members = xcalloc(n, sizeof *a.members);
    for (size_t i = 0; i < n; i++) {
        a.start = rows[i].start < a.start ? rows[i].start : a.start;
        a.end = rows[i].end > a.end ? rows[i].end : a.end;
        a.observed = rows[i].observed > a.observed ? rows[i].observed : a.observed;
        a.members[a.nmembers++] = rows[i].id;
    }
    long kq_app = 0, kq_suff = 0;
    for (size_t i = 0; i < n; i++) {
        if (!rows[i].derived && rows[i].has_cases && &rows[i] != rep) {
            kq_app += rows[i].applicable;
            kq_suff += rows[i].sufficient;
        }
    }
    sbuf_reset(&r->text);
    describe(&r->text, ev, rep, a.band, app, suff, nderived, kq_app, kq_suff);
    a.says = xstrdup(r->text.s);
    a.next_same = INT32_MAX;
    if (ev->min_band == 0 || a.band < ev->min_band)
        ev->min_band = a.band;
    if (r->najs % 1024 == 0)
        r->ajs = xrealloc(r->ajs, (r->najs + 1024) * sizeof *r->ajs);
    r->ajs[r->najs++] = a;
    return CC_OK;
}

static int load_judgements(struct recon *r, struct cc_error *err)
{
    sqlite3_stmt *s;
    struct jrow *rows = NULL;
    size_t n = 0, cap = 0;
    int64_t cur_event = -1, cur_unit = -1;
    char cur_area[24] = "";
    int cur_dc = -1;
    int rc = store_prepare(r->st, &s,
                           "SELECT a.id, a.event_id, a.unit_id, x.area, x.dimension,"
                           " x.relationship, a.derived, a.band, a.cases_applicable,"
                           " a.cases_sufficient, a.framework, a.code, fc.label, fc.question,"
                           " a.rating, a.value, a.target, a.period_start, a.period_end,"
                           " a.observed_at"
                           " FROM assessments a"
                           " JOIN crosswalk x ON x.framework = a.framework AND x.code = a.code"
                           " LEFT JOIN framework_codes fc ON fc.framework = a.framework"
                           "  AND fc.code = a.code"
                           " WHERE a.level = 'UNIT' AND a.band IS NOT NULL"
                           "  AND a.retired_by IS NULL AND a.unmapped = 0"
                           " ORDER BY a.event_id, a.unit_id, x.area,"
                           "  CASE x.dimension WHEN 'QUALITY' THEN 0 WHEN 'TIMELINESS' THEN 1"
                           "  WHEN 'COMPLIANCE' THEN 1 WHEN 'OUTCOME' THEN 2 ELSE 3 END, a.id",
                           err);

    if (rc)
        return rc;
    while (rc == CC_OK && sqlite3_step(s) == SQLITE_ROW) {
        int64_t event_id = sqlite3_column_int64(s, 1), unit_id = sqlite3_column_int64(s, 2);
        const char *area = (const char *)sqlite3_column_text(s, 3);
        enum dclass dc = dclass_of((const char *)sqlite3_column_text(s, 4));
        if (event_id != cur_event || unit_id != cur_unit || strcmp(area, cur_area) != 0 ||
            (int)dc != cur_dc) {
            rc = finish_group(r, rows, n, cur_event, cur_unit, cur_area, (enum dclass)cur_dc, err);
            for (size_t i = 0; i < n; i++)
                jrow_free(&rows[i]);
            n = 0;
            cur_event = event_id;
            cur_unit = unit_id;
            snprintf(cur_area, sizeof cur_area, "%s", area);
            cur_dc = (int)dc;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            rows = xrealloc(rows, cap * sizeof *rows);
        }
        struct jrow *j = &rows[n++];
        memset(j, 0, sizeof *j);
        j->id = sqlite3_column_int64(s, 0);
        j->equal = strcmp((const char *)sqlite3_column_text(s, 5), "equal") == 0;
        j->derived = sqlite3_column_int(s, 6) != 0;
        j->band = sqlite3_column_int(s, 7);
        j->has_cases = sqlite3_column_type(s, 8) != SQLITE_NULL;
        j->applicable = sqlite3_column_int(s, 8);
        j->sufficient = sqlite3_column_int(s, 9);
        snprintf(j->framework, sizeof j->framework, "%s", (const char *)sqlite3_column_text(s, 10));
        snprintf(j->code, sizeof j->code, "%s", (const char *)sqlite3_column_text(s, 11));
        j->label = dup_or_null((const char *)sqlite3_column_text(s, 12));
        j->question = dup_or_null((const char *)sqlite3_column_text(s, 13));
        j->rating = dup_or_null((const char *)sqlite3_column_text(s, 14));
        j->has_value = sqlite3_column_type(s, 15) != SQLITE_NULL;
        j->value = sqlite3_column_double(s, 15);
        j->has_target = sqlite3_column_type(s, 16) != SQLITE_NULL;
        j->target = sqlite3_column_double(s, 16);
        j->start = parse_day((const char *)sqlite3_column_text(s, 17));
        j->end = parse_day((const char *)sqlite3_column_text(s, 18));
        j->observed = parse_day((const char *)sqlite3_column_text(s, 19));
    }
    if (rc == CC_OK)
        rc = finish_group(r, rows, n, cur_event, cur_unit, cur_area, (enum dclass)cur_dc, err);
    for (size_t i = 0; i < n; i++)
        jrow_free(&rows[i]);
    free(rows);
    sqlite3_finalize(s);
    return rc;
}

/* ================================================================ helpers for rules */

/* Days between two periods; 0 when they overlap. */
static int32_t gap_days(const struct aj *x, const struct aj *y)
{
    if (y->start > x->end)
        return y->start - x->end;
    if (x->start > y->end)
        return x->start - y->end;
    return 0;
}

/* A claim superseded, at date d, by a newer view of the same body. */
static bool superseded(const struct aj *x, int32_t d)
{
    return x->next_same <= d;
}

static void bodies_text(const char **bodies, size_t n, char *out, size_t len)
{
    const char *sorted[16];
    size_t m = 0;

    for (size_t i = 0; i < n && m < 16; i++) {
        bool dup = false;
        for (size_t k = 0; k < m; k++)
            dup = dup || strcmp(sorted[k], bodies[i]) == 0;
        if (!dup)
            sorted[m++] = bodies[i];
    }
    qsort(sorted, m, sizeof *sorted, cc_cmp_strings);
    out[0] = '\0';
    for (size_t i = 0; i < m; i++) {
        strncat(out, i ? "+" : "", len - strlen(out) - 1);
        strncat(out, sorted[i], len - strlen(out) - 1);
    }
}

static void iso(int32_t d, char out[DATE_FORMAT_SIZE])
{
    date_format(d, out);
}

/* Adds a flag built from area judgements. */
static int add_aj_flag(struct recon *r, const char *rule, const char *severity,
                       const struct aj *const *list, size_t n, const char *area,
                       const char *explanation, struct cc_error *err)
{
    size_t nm = 0;
    const char *bodies[64];
    char bt[256], ps[DATE_FORMAT_SIZE], pe[DATE_FORMAT_SIZE];
    int32_t a = INT32_MAX, b = INT32_MIN;

    for (size_t i = 0; i < n; i++)
        nm += list[i]->nmembers;
    struct flag_member *m = xcalloc(nm, sizeof *m);
    nm = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < list[i]->nmembers; k++)
            m[nm++] = (struct flag_member){ MEMBER_ASSESSMENT, list[i]->members[k] };
        if (i < 64)
            bodies[i] = list[i]->body;
        a = list[i]->start < a ? list[i]->start : a;
        b = list[i]->end > b ? list[i]->end : b;
    }
    bodies_text(bodies, n < 64 ? n : 64, bt, sizeof bt);
    iso(a, ps);
    iso(b, pe);
    struct flag f = { rule, rule, severity, list[0]->unit_id, area, ps, pe, bt, explanation,
                      m, nm, NULL };
    int rc = flag_add(r->set, &f, err);
    free(m);
    return rc;
}

static int cmp_aj_group(const void *pa, const void *pb)
{
    const struct aj *a = *(const struct aj *const *)pa, *b = *(const struct aj *const *)pb;
    int c;

    if (a->unit_id != b->unit_id)
        return a->unit_id < b->unit_id ? -1 : 1;
    if ((c = strcmp(a->area, b->area)) != 0)
        return c;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    return a->event_id < b->event_id ? -1 : a->event_id > b->event_id;
}

static int cmp_aj_same(const void *pa, const void *pb)
{
    const struct aj *a = pa, *b = pb;
    int c;

    if ((c = strcmp(a->body, b->body)) != 0)
        return c;
    if (a->unit_id != b->unit_id)
        return a->unit_id < b->unit_id ? -1 : 1;
    if ((c = strcmp(a->area, b->area)) != 0)
        return c;
    if (a->dclass != b->dclass)
        return a->dclass < b->dclass ? -1 : 1;
    if (a->observed != b->observed)
        return a->observed < b->observed ? -1 : 1;
    return a->event_id < b->event_id ? -1 : a->event_id > b->event_id;
}

/* For supersession: the next newer view by the same body of the same thing. */
static void link_same(struct recon *r)
{
    if (r->najs < 2)
        return;   /* also: qsort(NULL, 0, ...) is undefined behaviour */
    qsort(r->ajs, r->najs, sizeof *r->ajs, cmp_aj_same);
    for (size_t i = 0; i + 1 < r->najs; i++) {
        struct aj *x = &r->ajs[i], *y = &r->ajs[i + 1];
        if (strcmp(x->body, y->body) == 0 && x->unit_id == y->unit_id &&
            strcmp(x->area, y->area) == 0 && x->dclass == y->dclass && y->observed > x->observed)
            x->next_same = y->observed;
    }
}

/* ================================================================ the rules */

/*
 * CONTRADICTION, DIVERGENCE and REPEATED_SCRUTINY compare pairs of views of
 * one unit and area. The views are sorted by (unit, area, start), so each
 * group is a short run and a pair is only looked at when both lie in it:
 * sort and sweep, never all pairs of the store.
 */
static int pair_rules(struct recon *r, struct aj **order, struct cc_error *err)
{
    const struct config *c = r->cfg;
    int32_t w_con = (int32_t)setting(c, "CONTRADICTION", "window_days", 180);
    int min_gap = (int)setting(c, "CONTRADICTION", "min_gap", 2);
    int high_gap = (int)setting(c, "CONTRADICTION", "high_gap", 3);
    int32_t w_div = (int32_t)setting(c, "DIVERGENCE", "window_days", 180);
    int p_min = (int)setting(c, "DIVERGENCE", "process_min_band", 3);
    int q_max = (int)setting(c, "DIVERGENCE", "quality_max_band", 1);
    int32_t w_rep = (int32_t)setting(c, "REPEATED_SCRUTINY", "window_days", 180);
    int rep_gap = (int)setting(c, "REPEATED_SCRUTINY", "max_gap", 1);
    bool on_con = rule_enabled(c, "CONTRADICTION"), on_div = rule_enabled(c, "DIVERGENCE");
    bool on_rep = rule_enabled(c, "REPEATED_SCRUTINY");
    int32_t widest = w_con > w_div ? w_con : w_div;
    widest = w_rep > widest ? w_rep : widest;
    const struct aj **with = xcalloc(r->najs + 1, sizeof *with);
    struct sbuf ex;
    int rc = CC_OK;

    sbuf_init(&ex);
    for (size_t g = 0; g < r->najs && rc == CC_OK;) {
        size_t h = g;
        while (h < r->najs && order[h]->unit_id == order[g]->unit_id &&
               strcmp(order[h]->area, order[g]->area) == 0)
            h++;
        /* [g, h) is one unit and area, by start date. */
        for (size_t i = g; i < h && rc == CC_OK; i++) {
            const struct aj *x = order[i];
            size_t nwith = 0, nrep = 0;
            const char *label = area_label(r, x->area);
            /* CONTRADICTION: each pair once, the later one names it. */
            for (size_t j = g; j < i && on_con && rc == CC_OK; j++) {
                const struct aj *y = order[j];
                int d = x->band > y->band ? x->band - y->band : y->band - x->band;
                int32_t when = x->observed > y->observed ? x->observed : y->observed;
                if (y->dclass != x->dclass || strcmp(x->body, y->body) == 0 || d < min_gap ||
                    gap_days(x, y) > w_con || superseded(x, when) || superseded(y, when))
                    continue;
                const struct aj *pair[2] = { y, x };
                sbuf_reset(&ex);
                int32_t apart = gap_days(x, y);
                char when_text[48];
                if (apart == 0)
                    snprintf(when_text, sizeof when_text, "over the same period");
                else
                    snprintf(when_text, sizeof when_text, "%d days apart", apart);
                sbuf_printf(&ex, "%s and %s reached opposite conclusions on %s (%s) in %s, %s. ",
                            y->body, x->body, label, dclass_names[x->dclass],
                            unit_name(r, x->unit_id), when_text);
                sbuf_printf(&ex, "%s %s They asked about the same kind of thing, so this is a "
                            "contradiction, not a difference of focus: bands %d apart.",
                            y->says, x->says, d);
                rc = add_aj_flag(r, "CONTRADICTION", d >= high_gap ? "high" : "medium", pair, 2,
                                 x->area, ex.s, err);
            }
            /* DIVERGENCE: a poor quality view with every met process view near it. */
            if (on_div && x->dclass == DC_QUALITY) {
                nwith = 0;
                with[nwith++] = x;
                int worst = 0;
                for (size_t j = g; j < h; j++) {
                    const struct aj *p = order[j];
                    if (p->dclass != DC_PROCESS || p->event_id == x->event_id ||
                        p->band < p_min || (x->band > q_max && p->band - x->band < 2) ||
                        gap_days(x, p) > w_div)
                        continue;
                    with[nwith++] = p;
                    worst = p->band - x->band > worst ? p->band - x->band : worst;
                }
                if (nwith > 1) {
                    sbuf_reset(&ex);
                    sbuf_printf(&ex, "In %s, %s was judged poor on quality while timeliness or "
                                "compliance measures of the same work were met. ",
                                unit_name(r, x->unit_id), label);
                    sbuf_printf(&ex, "%s ", x->says);
                    for (size_t k = 1; k < nwith; k++)
                        sbuf_printf(&ex, "%s ", with[k]->says);
                    sbuf_adds(&ex, "The bodies asked different questions: meeting the target "
                                   "did not mean the work was good. This is a divergence, not a "
                                   "contradiction.");
                    rc = add_aj_flag(r, "DIVERGENCE", worst >= 3 ? "high" : "medium", with,
                                     nwith, x->area, ex.s, err);
                }
            }
            /* REPEATED_SCRUTINY: x came after views by other bodies that agree with it.
             * One flag per later event and area, whatever the dimensions. */
            bool rep_done = false;
            for (size_t j = g; j < i && on_rep; j++)
                rep_done = rep_done || (order[j]->event_id == x->event_id && order[j]->rep_flagged);
            if (on_rep && rc == CC_OK && !rep_done &&
                !kind_excluded(c, "REPEATED_SCRUTINY", "exclude_kinds", x->kind)) {
                nrep = 0;
                with[nrep++] = x;
                for (size_t j = g; j < i; j++) {
                    const struct aj *y = order[j];
                    int d = x->band > y->band ? x->band - y->band : y->band - x->band;
                    if (strcmp(x->body, y->body) == 0 || d > rep_gap || y->start > x->start ||
                        x->start - y->end > w_rep ||
                        kind_excluded(c, "REPEATED_SCRUTINY", "exclude_kinds", y->kind))
                        continue;
                    with[nrep++] = y;
                }
                if (nrep > 1) {
                    sbuf_reset(&ex);
                    sbuf_printf(&ex, "%s examined %s in %s after %s had already done so, and "
                                "reached the same conclusion (bands at most %d apart): the later "
                                "scrutiny added little. ",
                                x->body, label, unit_name(r, x->unit_id), with[1]->body, rep_gap);
                    for (size_t k = nrep; k-- > 1;)
                        sbuf_printf(&ex, "%s ", with[k]->says);
                    sbuf_printf(&ex, "%s", x->says);
                    rc = add_aj_flag(r, "REPEATED_SCRUTINY", "medium", with, nrep, x->area, ex.s,
                                     err);
                    order[i]->rep_flagged = true;
                }
            }
        }
        g = h;
    }
    (void)widest;
    free(with);
    sbuf_free(&ex);
    return rc;
}

static int cmp_aj_event(const void *pa, const void *pb)
{
    const struct aj *a = *(const struct aj *const *)pa, *b = *(const struct aj *const *)pb;
    int c;

    if (a->event_id != b->event_id)
        return a->event_id < b->event_id ? -1 : 1;
    if (a->unit_id != b->unit_id)
        return a->unit_id < b->unit_id ? -1 : 1;
    if ((c = strcmp(a->area, b->area)) != 0)
        return c;
    return (int)a->dclass - (int)b->dclass;
}

/* DISCONNECT: one inspection rates its organisation well and its casework poorly. */
static int disconnect_rule(struct recon *r, struct cc_error *err)
{
    int org_min = (int)setting(r->cfg, "DISCONNECT", "org_min_band", 3);
    int cs_max = (int)setting(r->cfg, "DISCONNECT", "cs_max_band", 1);
    const struct aj **order = xcalloc(r->najs + 1, sizeof *order);
    const struct aj **with = xcalloc(r->najs + 1, sizeof *with);
    struct sbuf ex;
    int rc = CC_OK;

    if (!rule_enabled(r->cfg, "DISCONNECT")) {
        free(order);
        free(with);
        return CC_OK;
    }
    sbuf_init(&ex);
    for (size_t i = 0; i < r->najs; i++)
        order[i] = &r->ajs[i];
    qsort(order, r->najs, sizeof *order, cmp_aj_event);
    for (size_t g = 0; g < r->najs && rc == CC_OK;) {
        size_t h = g, n = 0;
        const struct aj *best_org = NULL;
        while (h < r->najs && order[h]->event_id == order[g]->event_id &&
               order[h]->unit_id == order[g]->unit_id)
            h++;
        for (size_t i = g; i < h; i++) {
            const struct aj *x = order[i];
            /* Leadership is the judgement the disconnect is about, when it qualifies. */
            if (strncmp(x->area, "ORG.", 4) == 0 && x->band >= org_min &&
                (best_org == NULL ||
                 (strcmp(x->area, "ORG.LEAD") == 0) > (strcmp(best_org->area, "ORG.LEAD") == 0) ||
                 ((strcmp(x->area, "ORG.LEAD") == 0) == (strcmp(best_org->area, "ORG.LEAD") == 0) &&
                  x->band > best_org->band)))
                best_org = x;
        }
        if (best_org) {
            with[n++] = best_org;
            for (size_t i = g; i < h; i++) {
                const struct aj *x = order[i];
                if (strncmp(x->area, "ORG.", 4) == 0 && x->band >= org_min && x != best_org)
                    with[n++] = x;
            }
            size_t norg = n;
            for (size_t i = g; i < h; i++) {
                const struct aj *x = order[i];
                if (strncmp(x->area, "CS.", 3) == 0 && x->dclass == DC_QUALITY &&
                    (x->band <= cs_max || best_org->band - x->band >= 2))
                    with[n++] = x;
            }
            if (n > norg) {
                struct event_info *ev = event_of(r, best_org->event_id);
                char evt[160];
                event_text(ev, evt, sizeof evt);
                sbuf_reset(&ex);
                sbuf_printf(&ex, "In one act of scrutiny (%s) of %s, the organisation was rated "
                            "well while case supervision was rated poorly: leadership good, "
                            "practice inadequate. ",
                            evt, unit_name(r, best_org->unit_id));
                for (size_t k = 0; k < n; k++)
                    sbuf_printf(&ex, "%s%s", with[k]->says, k + 1 < n ? " " : "");
                bool high = best_org->band >= 4;
                for (size_t k = norg; k < n; k++)
                    high = high || with[k]->band == 1;
                rc = add_aj_flag(r, "DISCONNECT", high ? "high" : "medium", with, n,
                                 best_org->area, ex.s, err);
            }
        }
        g = h;
    }
    free(order);
    free(with);
    sbuf_free(&ex);
    return rc;
}

/* ---------------------------------------------------------------- event rules */

static int cmp_event_unit(const void *pa, const void *pb)
{
    const struct event_info *a = *(const struct event_info *const *)pa;
    const struct event_info *b = *(const struct event_info *const *)pb;

    if (a->unit_id != b->unit_id)
        return a->unit_id < b->unit_id ? -1 : 1;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

static int add_event_flag(struct recon *r, const char *rule, const char *severity,
                          struct event_info *const *list, size_t n, const char *subject,
                          const char *explanation, struct cc_error *err)
{
    struct flag_member *m = xcalloc(n, sizeof *m);
    const char **bodies = xcalloc(n, sizeof *bodies);
    char bt[256], ps[DATE_FORMAT_SIZE], pe[DATE_FORMAT_SIZE];
    int32_t a = INT32_MAX, b = INT32_MIN;

    for (size_t i = 0; i < n; i++) {
        m[i] = (struct flag_member){ MEMBER_EVENT, list[i]->id };
        bodies[i] = list[i]->body;
        a = list[i]->start < a ? list[i]->start : a;
        b = list[i]->end > b ? list[i]->end : b;
    }
    bodies_text(bodies, n, bt, sizeof bt);
    iso(a, ps);
    iso(b, pe);
    struct flag f = { rule, rule, severity, list[0]->unit_id, NULL, ps, pe, bt, explanation,
                      m, n, subject };
    int rc = flag_add(r->set, &f, err);
    free(m);
    free(bodies);
    return rc;
}

/* OVERLOAD: too many events, or too many staff hours, in a rolling window. */
static int overload_rule(struct recon *r, struct event_info **order, size_t n,
                         struct cc_error *err)
{
    int32_t window = (int32_t)setting(r->cfg, "OVERLOAD", "window_days", 90);
    double min_events = setting(r->cfg, "OVERLOAD", "min_events", 5);
    double min_hours = setting(r->cfg, "OVERLOAD", "min_hours", 300);
    struct sbuf ex;
    int rc = CC_OK;

    if (!rule_enabled(r->cfg, "OVERLOAD"))
        return CC_OK;
    sbuf_init(&ex);
    for (size_t g = 0; g < n && rc == CC_OK;) {
        size_t h = g;
        while (h < n && order[h]->unit_id == order[g]->unit_id)
            h++;
        /* Two pointers over the unit's events: [i, j] is every window start. */
        size_t run_first = SIZE_MAX, run_last = 0, best = 0;
        double best_hours = 0;
        for (size_t i = g, j = g; i <= h && rc == CC_OK; i++) {
            bool over = false;
            size_t count = 0;
            double hours = 0;
            if (i < h) {
                if (j < i)
                    j = i;
                while (j + 1 < h && order[j + 1]->start - order[i]->start < window)
                    j++;
                count = j - i + 1;
                for (size_t k = i; k <= j; k++)
                    hours += order[k]->hours;
                over = (double)count >= min_events || hours >= min_hours;
            }
            if (over) {
                if (run_first == SIZE_MAX)
                    run_first = i;
                run_last = j > run_last ? j : run_last;
                if (count > best || (count == best && hours > best_hours)) {
                    best = count;
                    best_hours = hours;
                }
                continue;
            }
            if (run_first != SIZE_MAX) {
                /* One flag per run of overloaded windows. */
                size_t m = run_last - run_first + 1;
                char a[24], b[24];
                double total = 0;
                for (size_t k = run_first; k <= run_last; k++)
                    total += order[k]->hours;
                day_text(order[run_first]->start, a, sizeof a);
                day_text(order[run_last]->end, b, sizeof b);
                sbuf_reset(&ex);
                sbuf_printf(&ex, "%s was examined %zu times between %s and %s, up to %zu times "
                            "(about %.0f staff hours) in %d days; the limit is %.0f events or "
                            "%.0f hours. ",
                            unit_name(r, order[run_first]->unit_id), m, a, b, best, best_hours,
                            window, min_events, min_hours);
                for (size_t k = run_first; k <= run_last; k++) {
                    char evt[160];
                    event_text(order[k], evt, sizeof evt);
                    sbuf_printf(&ex, "%s: about %.0f hours%s", evt, order[k]->hours,
                                k < run_last ? "; " : ".");
                }
                rc = add_event_flag(r, "OVERLOAD", best >= (size_t)min_events + 2 ? "high" : "medium",
                                    &order[run_first], m, NULL, ex.s, err);
                run_first = SIZE_MAX;
                run_last = 0;
                best = 0;
                best_hours = 0;
            }
        }
        g = h;
    }
    sbuf_free(&ex);
    return rc;
}

/* INTENSIFICATION: after a band-1 judgement, more scrutiny rather than help. */
static int intensification_rule(struct recon *r, struct event_info **order, size_t n,
                                struct cc_error *err)
{
    static const char *const triggers[] = { "INSPECTION", "THEMATIC", NULL };
    int32_t follow = (int32_t)setting(r->cfg, "INTENSIFICATION", "follow_days", 183);
    double min_events = setting(r->cfg, "INTENSIFICATION", "min_events", 3);
    struct event_info **with = xcalloc(n + 1, sizeof *with);
    struct sbuf ex;
    int rc = CC_OK;

    if (!rule_enabled(r->cfg, "INTENSIFICATION")) {
        free(with);
        return CC_OK;
    }
    sbuf_init(&ex);
    for (size_t g = 0; g < n && rc == CC_OK;) {
        size_t h = g;
        int32_t covered_until = INT32_MIN;
        while (h < n && order[h]->unit_id == order[g]->unit_id)
            h++;
        for (size_t i = g; i < h && rc == CC_OK; i++) {
            struct event_info *t = order[i];
            if (t->min_band != 1 ||
                !kind_listed(r->cfg, "rules.INTENSIFICATION.trigger_kinds", t->kind, triggers))
                continue;
            int32_t from = t->published != CLAIM_NO_DATE ? t->published : t->end;
            if (from <= covered_until)
                continue;
            size_t m = 0;
            with[m++] = t;
            for (size_t j = g; j < h; j++) {
                struct event_info *e = order[j];
                if (e != t && e->start > from && e->start <= from + follow &&
                    !kind_excluded(r->cfg, "INTENSIFICATION", "exclude_kinds", e->kind))
                    with[m++] = e;
            }
            if ((double)(m - 1) < min_events)
                continue;
            covered_until = from + follow;
            char evt[160], d[24];
            event_text(t, evt, sizeof evt);
            day_text(from, d, sizeof d);
            sbuf_reset(&ex);
            sbuf_printf(&ex, "After %s judged part of %s's work inadequate (%s, from %s), %zu "
                        "more acts of scrutiny followed within %d days: weighing the pig rather "
                        "than feeding it. ",
                        t->body, unit_name(r, t->unit_id), evt, d, m - 1, follow);
            for (size_t k = 1; k < m; k++) {
                event_text(with[k], evt, sizeof evt);
                sbuf_printf(&ex, "%s%s", evt, k + 1 < m ? "; " : ".");
            }
            rc = add_event_flag(r, "INTENSIFICATION", m - 1 >= (size_t)min_events * 2 ? "high" : "medium",
                                with, m, NULL, ex.s, err);
        }
        g = h;
    }
    free(with);
    sbuf_free(&ex);
    return rc;
}

/* DUPLICATE_CASE: one case examined in several events within a window. */
static int duplicate_case_rule(struct recon *r, struct cc_error *err)
{
    int32_t window = (int32_t)setting(r->cfg, "DUPLICATE_CASE", "window_days", 90);
    sqlite3_stmt *s;
    struct event_info **list = NULL;
    size_t n = 0, cap = 0;
    char cur[64] = "";
    struct sbuf ex;
    int rc;

    if (!rule_enabled(r->cfg, "DUPLICATE_CASE"))
        return CC_OK;
    rc = store_prepare(r->st, &s,
                       "SELECT DISTINCT a.case_ref, a.event_id FROM case_answers a"
                       " WHERE a.retired_by IS NULL"
                       " ORDER BY a.case_ref, a.event_id",
                       err);
    if (rc)
        return rc;
    sbuf_init(&ex);
    for (bool more = true; more && rc == CC_OK;) {
        const char *ref = NULL;
        struct event_info *e = NULL;
        more = sqlite3_step(s) == SQLITE_ROW;
        if (more) {
            ref = (const char *)sqlite3_column_text(s, 0);
            e = event_of(r, sqlite3_column_int64(s, 1));
        }
        if (!more || strcmp(ref, cur) != 0) {
            /* Close the case: cluster its events by start date within the window. */
            if (n > 1) {
                /* By start date (a case's events are few: insertion sort). */
                for (size_t i = 1; i < n; i++) {
                    for (size_t j = i; j > 0 && list[j - 1]->start > list[j]->start; j--) {
                        struct event_info *t = list[j];
                        list[j] = list[j - 1];
                        list[j - 1] = t;
                    }
                }
                for (size_t i = 0; i < n && rc == CC_OK;) {
                    size_t j = i;
                    while (j + 1 < n && list[j + 1]->start - list[i]->start <= window)
                        j++;
                    size_t m = j - i + 1;
                    if (m > 1) {
                        const char *bodies[64];
                        char bt[256];
                        size_t nb;
                        for (size_t k = 0; k < m && k < 64; k++)
                            bodies[k] = list[i + k]->body;
                        bodies_text(bodies, m < 64 ? m : 64, bt, sizeof bt);
                        nb = 1;
                        for (const char *p = bt; *p; p++)
                            nb += *p == '+';
                        sbuf_reset(&ex);
                        sbuf_printf(&ex, "One case (pseudonym %.10s) was examined %zu times in "
                                    "%d days by %zu bod%s: ",
                                    cur, m, list[j]->start - list[i]->start, nb,
                                    nb == 1 ? "y" : "ies");
                        for (size_t k = i; k <= j; k++) {
                            char evt[160];
                            event_text(list[k], evt, sizeof evt);
                            sbuf_printf(&ex, "%s%s", evt, k < j ? "; " : ".");
                        }
                        sbuf_adds(&ex, " The same file was prepared and read again each time.");
                        rc = add_event_flag(r, "DUPLICATE_CASE",
                                            nb >= 3 ? "high" : nb == 2 ? "medium" : "low",
                                            &list[i], m, cur, ex.s, err);
                    }
                    i = j + 1;
                }
            }
            n = 0;
            if (more)
                snprintf(cur, sizeof cur, "%s", ref);
        }
        if (more && e) {
            if (n == cap) {
                cap = cap ? cap * 2 : 8;
                list = xrealloc(list, cap * sizeof *list);
            }
            list[n++] = e;
        }
    }
    sqlite3_finalize(s);
    free(list);
    sbuf_free(&ex);
    return rc;
}

/* ---------------------------------------------------------------- recommendations */

struct rec_info {
    int64_t id, unit_id;
    char body[24];
    char *text, *areas;   /* areas: " CS.PLAN ORG.LEAD " or NULL when it names no code */
    char **words;
    size_t nwords;
    char *date;
};

static bool stopword(const char *w)
{
    static const char *const stop[] = { "the", "and", "that", "they", "them", "their", "of",
                                        "to", "a", "an", "in", "on", "for", "so", "is", "are",
                                        "be", "by", "with", "it", "its", "this", "as", "at",
                                        "or", "from", "pose", "all", NULL };
    for (const char *const *s = stop; *s; s++) {
        if (strcmp(*s, w) == 0)
            return true;
    }
    return strlen(w) < 3;
}

static void words_of(struct rec_info *ri)
{
    char *copy = xstrdup(ri->text);
    char *save = NULL;

    for (char *p = copy; *p; p++)
        *p = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) ? *p : ' ');
    for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        if (stopword(w))
            continue;
        /* A crude stem, so "plans" meets "planning" halfway: drop plural s and ing. */
        size_t len = strlen(w);
        if (len > 5 && strcmp(w + len - 3, "ing") == 0)
            w[len - 3] = '\0';
        else if (len > 3 && w[len - 1] == 's')
            w[len - 1] = '\0';
        bool dup = false;
        for (size_t i = 0; i < ri->nwords; i++)
            dup = dup || strcmp(ri->words[i], w) == 0;
        if (!dup) {
            ri->words = xrealloc(ri->words, (ri->nwords + 1) * sizeof *ri->words);
            ri->words[ri->nwords++] = xstrdup(w);
        }
    }
    free(copy);
}

static double similarity(const struct rec_info *a, const struct rec_info *b)
{
    size_t both = 0;

    for (size_t i = 0; i < a->nwords; i++) {
        for (size_t j = 0; j < b->nwords; j++) {
            if (strcmp(a->words[i], b->words[j]) == 0) {
                both++;
                break;
            }
        }
    }
    size_t any = a->nwords + b->nwords - both;
    return any ? (double)both / (double)any : 0;
}

static bool share_area(const struct rec_info *a, const struct rec_info *b, char *area, size_t n)
{
    char copy[256], *save = NULL;

    if (a->areas == NULL || b->areas == NULL) {
        snprintf(area, n, "%s", a->areas ? strtok_r(strcpy(copy, a->areas), " ", &save)
                               : b->areas ? strtok_r(strcpy(copy, b->areas), " ", &save) : "");
        return true;
    }
    snprintf(copy, sizeof copy, "%s", a->areas);
    for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        char pat[40];
        snprintf(pat, sizeof pat, " %s ", w);
        if (strstr(b->areas, pat)) {
            snprintf(area, n, "%s", w);
            return true;
        }
    }
    return false;
}

static int duplicate_recommendation_rule(struct recon *r, struct cc_error *err)
{
    double min_sim = setting(r->cfg, "DUPLICATE_RECOMMENDATION", "min_similarity", 0.5);
    sqlite3_stmt *s;
    struct rec_info *recs = NULL;
    size_t n = 0;
    struct sbuf ex;
    int rc;

    if (!rule_enabled(r->cfg, "DUPLICATE_RECOMMENDATION"))
        return CC_OK;
    rc = store_prepare(r->st, &s,
                       "SELECT r.id, r.unit_id, r.body, r.text,"
                       " (SELECT ' ' || group_concat(DISTINCT x.area) || ' ' FROM crosswalk x"
                       "  WHERE x.framework = r.framework AND x.code = r.code),"
                       " e.ended FROM recommendations r JOIN events e ON e.id = r.event_id"
                       " WHERE r.retired_by IS NULL ORDER BY r.unit_id, r.id",
                       err);
    if (rc)
        return rc;
    while (sqlite3_step(s) == SQLITE_ROW) {
        recs = xrealloc(recs, (n + 1) * sizeof *recs);
        struct rec_info *ri = &recs[n++];
        memset(ri, 0, sizeof *ri);
        ri->id = sqlite3_column_int64(s, 0);
        ri->unit_id = sqlite3_column_int64(s, 1);
        snprintf(ri->body, sizeof ri->body, "%s", (const char *)sqlite3_column_text(s, 2));
        ri->text = xstrdup((const char *)sqlite3_column_text(s, 3));
        ri->areas = dup_or_null((const char *)sqlite3_column_text(s, 4));
        if (ri->areas)
            for (char *p = ri->areas; *p; p++)
                *p = *p == ',' ? ' ' : *p;
        ri->date = dup_or_null((const char *)sqlite3_column_text(s, 5));
        words_of(ri);
    }
    sqlite3_finalize(s);
    sbuf_init(&ex);
    for (size_t i = 0; i < n && rc == CC_OK; i++) {
        for (size_t j = i + 1; j < n && recs[j].unit_id == recs[i].unit_id && rc == CC_OK; j++) {
            char area[32] = "";
            double sim;
            if (strcmp(recs[i].body, recs[j].body) == 0 ||
                !share_area(&recs[i], &recs[j], area, sizeof area) ||
                (sim = similarity(&recs[i], &recs[j])) < min_sim)
                continue;
            struct flag_member m[2] = { { MEMBER_RECOMMENDATION, recs[i].id },
                                        { MEMBER_RECOMMENDATION, recs[j].id } };
            const char *bodies[2] = { recs[i].body, recs[j].body };
            char bt[64];
            bodies_text(bodies, 2, bt, sizeof bt);
            sbuf_reset(&ex);
            sbuf_printf(&ex, "%s and %s made the same recommendation to %s (%.0f%% of the words "
                        "in common): %s said \"%s\"; %s said \"%s\". One plan of action can "
                        "answer both.",
                        recs[i].body, recs[j].body, unit_name(r, recs[i].unit_id), 100 * sim,
                        recs[i].body, recs[i].text, recs[j].body, recs[j].text);
            const char *pa = recs[i].date, *pb = recs[j].date;
            struct flag f = { "DUPLICATE_RECOMMENDATION", "DUPLICATE_RECOMMENDATION", "low",
                              recs[i].unit_id, area[0] ? area : NULL,
                              pa && pb && strcmp(pa, pb) > 0 ? pb : pa,
                              pa && pb && strcmp(pa, pb) > 0 ? pa : pb, bt, ex.s, m, 2, NULL };
            rc = flag_add(r->set, &f, err);
        }
    }
    for (size_t i = 0; i < n; i++) {
        free(recs[i].text);
        free(recs[i].areas);
        free(recs[i].date);
        for (size_t k = 0; k < recs[i].nwords; k++)
            free(recs[i].words[k]);
        free(recs[i].words);
    }
    free(recs);
    sbuf_free(&ex);
    return rc;
}

/* ================================================================ lifecycle */

static int inputs_digest(struct store *st, char out[33], struct cc_error *err)
{
    crypto_generichash_state h;
    unsigned char d[16];
    sqlite3_stmt *s;
    char have[80];
    int rc = store_prepare(st, &s,
                           "SELECT sha256 FROM sources WHERE superseded_by IS NULL ORDER BY sha256",
                           err);

    if (rc)
        return rc;
    crypto_generichash_init(&h, NULL, 0, sizeof d);
    while (sqlite3_step(s) == SQLITE_ROW)
        crypto_generichash_update(&h, sqlite3_column_text(s, 0), 64);
    sqlite3_finalize(s);
    if (store_meta_get(st, "crosswalk_digest", have, sizeof have))
        crypto_generichash_update(&h, (const unsigned char *)have, strlen(have));
    crypto_generichash_final(&h, d, sizeof d);
    sodium_bin2hex(out, 33, d, sizeof d);
    return CC_OK;
}

static int cmp_flag_fp(const void *a, const void *b)
{
    return strcmp(((const struct stored_flag *)a)->fingerprint,
                  ((const struct stored_flag *)b)->fingerprint);
}

/* Writes the run's flags: new, still open, or resolved. */
static int store_flags(struct recon *r, int64_t run, struct reconcile_result *res,
                       struct cc_error *err)
{
    sqlite3_stmt *up = NULL, *del_m = NULL, *ins_m = NULL;
    int rc;

    qsort(r->set->items, r->set->count, sizeof *r->set->items, cmp_flag_fp);
    /* One statement for both cases: a flag found again keeps its id and first
     * run; one found again after it was resolved is news again ('new'). */
    rc = store_prepare(r->st, &up,
                       "INSERT INTO flags(fingerprint, rule, kind, severity, unit_id, area,"
                       " period_start, period_end, bodies, members, members_digest,"
                       " explanation, status, first_run, last_run)"
                       " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,'new',?13,?13)"
                       " ON CONFLICT(fingerprint) DO UPDATE SET severity=excluded.severity,"
                       " unit_id=excluded.unit_id, area=excluded.area,"
                       " period_start=excluded.period_start, period_end=excluded.period_end,"
                       " bodies=excluded.bodies, members=excluded.members,"
                       " members_digest=excluded.members_digest,"
                       " explanation=excluded.explanation,"
                       " status=CASE WHEN status = 'resolved' THEN 'new' ELSE 'open' END,"
                       " last_run=excluded.last_run, resolved_run=NULL"
                       " RETURNING id, status",
                       err);
    if (rc == CC_OK)
        rc = store_prepare(r->st, &del_m, "DELETE FROM flag_members WHERE flag_id = ?1", err);
    if (rc == CC_OK)
        rc = store_prepare(r->st, &ins_m,
                           "INSERT INTO flag_members(flag_id, member_type, member_id)"
                           " VALUES (?1,?2,?3)",
                           err);
    for (size_t i = 0; i < r->set->count && rc == CC_OK; i++) {
        struct stored_flag *f = &r->set->items[i];
        int64_t id = 0;
        sqlite3_bind_text(up, 1, f->fingerprint, -1, SQLITE_STATIC);
        sqlite3_bind_text(up, 2, f->rule, -1, SQLITE_STATIC);
        sqlite3_bind_text(up, 3, f->kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(up, 4, f->severity, -1, SQLITE_STATIC);
        if (f->unit_id)
            sqlite3_bind_int64(up, 5, f->unit_id);
        else
            sqlite3_bind_null(up, 5);
        sqlite3_bind_text(up, 6, f->area, -1, SQLITE_STATIC);
        sqlite3_bind_text(up, 7, f->period_start, -1, SQLITE_STATIC);
        sqlite3_bind_text(up, 8, f->period_end, -1, SQLITE_STATIC);
        sqlite3_bind_text(up, 9, f->bodies, -1, SQLITE_STATIC);
        sqlite3_bind_text(up, 10, f->members_json, -1, SQLITE_STATIC);
        sqlite3_bind_text(up, 11, f->members_digest, -1, SQLITE_STATIC);
        sqlite3_bind_text(up, 12, f->explanation, -1, SQLITE_STATIC);
        sqlite3_bind_int64(up, 13, run);
        if (sqlite3_step(up) == SQLITE_ROW) {
            id = sqlite3_column_int64(up, 0);
            if (strcmp((const char *)sqlite3_column_text(up, 1), "new") == 0)
                res->new_flags++;
            else
                res->open_flags++;
        } else {
            rc = cc_fail(err, CC_EIO, "flags: %s", sqlite3_errmsg(r->st->db));
        }
        sqlite3_reset(up);
        sqlite3_bind_int64(del_m, 1, id);
        if (rc == CC_OK && sqlite3_step(del_m) != SQLITE_DONE)
            rc = cc_fail(err, CC_EIO, "flags: %s", sqlite3_errmsg(r->st->db));
        sqlite3_reset(del_m);
        for (size_t k = 0; k < f->nmembers && rc == CC_OK; k++) {
            sqlite3_bind_int64(ins_m, 1, id);
            sqlite3_bind_text(ins_m, 2, member_type_names[f->members[k].kind], -1, SQLITE_STATIC);
            sqlite3_bind_int64(ins_m, 3, f->members[k].id);
            if (sqlite3_step(ins_m) != SQLITE_DONE)
                rc = cc_fail(err, CC_EIO, "flags: %s", sqlite3_errmsg(r->st->db));
            sqlite3_reset(ins_m);
        }
    }
    sqlite3_finalize(up);
    sqlite3_finalize(del_m);
    sqlite3_finalize(ins_m);
    if (rc)
        return rc;
    /* What this run did not find any more is resolved: kept, with the run. */
    sqlite3_stmt *s;
    rc = store_prepare(r->st, &s,
                       "UPDATE flags SET status = 'resolved', resolved_run = ?1"
                       " WHERE status != 'resolved' AND last_run != ?1",
                       err);
    if (rc == CC_OK) {
        sqlite3_bind_int64(s, 1, run);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = cc_fail(err, CC_EIO, "flags: %s", sqlite3_errmsg(r->st->db));
        res->resolved_flags = sqlite3_changes(r->st->db);
        sqlite3_finalize(s);
    }
    return rc;
}

static void counts_json(struct recon *r, struct reconcile_result *res)
{
    struct sbuf b;
    const char *kinds[64];
    long counts[64];
    size_t nk = 0;

    for (size_t i = 0; i < r->set->count; i++) {
        size_t k;
        for (k = 0; k < nk && strcmp(kinds[k], r->set->items[i].kind) != 0; k++)
            ;
        if (k == nk && nk < 64) {
            kinds[nk] = r->set->items[i].kind;
            counts[nk++] = 0;
        }
        if (k < 64)
            counts[k]++;
    }
    /* Sorted by kind, for byte-identical output. */
    for (size_t i = 1; i < nk; i++) {
        for (size_t j = i; j > 0 && strcmp(kinds[j - 1], kinds[j]) > 0; j--) {
            const char *t = kinds[j];
            long c = counts[j];
            kinds[j] = kinds[j - 1];
            counts[j] = counts[j - 1];
            kinds[j - 1] = t;
            counts[j - 1] = c;
        }
    }
    sbuf_init(&b);
    sbuf_adds(&b, "{\"by_kind\":{");
    for (size_t i = 0; i < nk; i++)
        sbuf_printf(&b, "%s\"%s\":%ld", i ? "," : "", kinds[i], counts[i]);
    sbuf_printf(&b, "},\"by_status\":{\"new\":%ld,\"open\":%ld,\"resolved\":%ld}}",
                res->new_flags, res->open_flags, res->resolved_flags);
    snprintf(res->counts, sizeof res->counts, "%s", b.s);
    sbuf_free(&b);
}

int reconcile_run(struct store *st, const struct normaliser *norm,
                  const struct reconcile_options *opt, struct reconcile_result *res,
                  struct cc_error *err)
{
    struct recon r = { 0 };
    struct flag_set set = { 0 };
    char digest[33], now[21];
    double t0 = cc_monotonic();
    sqlite3_stmt *s;
    int rc;

    memset(res, 0, sizeof *res);
    rc = store_begin_write(st, opt->wait_seconds, err);
    if (rc)
        return rc;
    r.st = st;
    r.norm = norm;
    r.cfg = opt->config;
    r.set = &set;
    set.st = st;
    strmap_init(&set.seen);
    strmap_init(&r.event_index);
    strmap_init(&r.unit_names);
    strmap_init(&r.area_labels);
    sbuf_init(&r.text);

    rc = inputs_digest(st, digest, err);
    cc_now_iso(now);
    if (rc == CC_OK)
        rc = store_prepare(st, &s,
                           "INSERT INTO runs(trigger, started_at, inputs_digest) VALUES (?1,?2,?3)",
                           err);
    if (rc == CC_OK) {
        sqlite3_bind_text(s, 1, opt->trigger ? opt->trigger : "cli", -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, now, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, digest, -1, SQLITE_STATIC);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = cc_fail(err, CC_EIO, "runs: %s", sqlite3_errmsg(st->db));
        res->run_id = sqlite3_last_insert_rowid(st->db);
        sqlite3_finalize(s);
    }
    if (rc == CC_OK)
        rc = load_events(&r, err);
    if (rc == CC_OK)
        rc = load_judgements(&r, err);
    if (rc == CC_OK) {
        link_same(&r);
        struct aj **order = xcalloc(r.najs + 1, sizeof *order);
        for (size_t i = 0; i < r.najs; i++)
            order[i] = &r.ajs[i];
        qsort(order, r.najs, sizeof *order, cmp_aj_group);
        rc = pair_rules(&r, order, err);
        free(order);
    }
    if (rc == CC_OK)
        rc = disconnect_rule(&r, err);
    if (rc == CC_OK) {
        /* Event rules see scrutiny events only where the rule says so. */
        struct event_info **ev = xcalloc(r.nevents + 1, sizeof *ev);
        size_t n = 0;
        for (size_t i = 0; i < r.nevents; i++) {
            if (!kind_excluded(r.cfg, "OVERLOAD", "exclude_kinds", r.events[i].kind))
                ev[n++] = &r.events[i];
        }
        qsort(ev, n, sizeof *ev, cmp_event_unit);
        rc = overload_rule(&r, ev, n, err);
        n = 0;
        for (size_t i = 0; i < r.nevents; i++)
            ev[n++] = &r.events[i];
        qsort(ev, n, sizeof *ev, cmp_event_unit);
        if (rc == CC_OK)
            rc = intensification_rule(&r, ev, n, err);
        free(ev);
    }
    if (rc == CC_OK)
        rc = duplicate_case_rule(&r, err);
    if (rc == CC_OK)
        rc = duplicate_recommendation_rule(&r, err);
    if (rc == CC_OK && opt->nrule_dirs)
        rc = rules_lua_run(st, opt->rule_dirs, opt->nrule_dirs, NULL, opt->config, &set, err);
    if (rc == CC_OK) {
        res->found = (long)set.count;
        rc = store_flags(&r, res->run_id, res, err);
    }
    if (rc == CC_OK) {
        counts_json(&r, res);
        res->seconds = cc_monotonic() - t0;
        cc_now_iso(now);
        rc = store_prepare(st, &s,
                           "UPDATE runs SET finished_at=?2, seconds=?3, found=?4, new_flags=?5,"
                           " open_flags=?6, resolved_flags=?7, counts=?8 WHERE id=?1",
                           err);
        if (rc == CC_OK) {
            sqlite3_bind_int64(s, 1, res->run_id);
            sqlite3_bind_text(s, 2, now, -1, SQLITE_STATIC);
            sqlite3_bind_double(s, 3, res->seconds);
            sqlite3_bind_int64(s, 4, res->found);
            sqlite3_bind_int64(s, 5, res->new_flags);
            sqlite3_bind_int64(s, 6, res->open_flags);
            sqlite3_bind_int64(s, 7, res->resolved_flags);
            sqlite3_bind_text(s, 8, res->counts, -1, SQLITE_STATIC);
            if (sqlite3_step(s) != SQLITE_DONE)
                rc = cc_fail(err, CC_EIO, "runs: %s", sqlite3_errmsg(st->db));
            sqlite3_finalize(s);
        }
    }
    if (rc == CC_OK)
        rc = store_commit(st, err);
    else
        store_rollback(st);

    flag_set_free(&set);
    for (size_t i = 0; i < r.najs; i++) {
        free(r.ajs[i].members);
        free(r.ajs[i].says);
    }
    free(r.ajs);
    for (size_t i = 0; i < r.nevents; i++)
        free(r.events[i].reference);
    free(r.events);
    for (size_t i = 0; i < r.nnames; i++)
        free(r.names[i]);
    free(r.names);
    for (size_t i = 0; i < r.nlabels; i++)
        free(r.labels[i]);
    free(r.labels);
    strmap_free(&r.event_index);
    strmap_free(&r.unit_names);
    strmap_free(&r.area_labels);
    sbuf_free(&r.text);
    return rc;
}
