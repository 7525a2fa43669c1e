/* SPDX-License-Identifier: MIT */
#include "import.h"

#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "dates.h"
#include "normalise.h"
#include "privacy.h"
#include "register.h"
#include "writeback.h"

/* Case-level answers have a narrow table of their own (schema 4): see store.c. */
enum { T_EVENT, T_ASSESSMENT, T_RECOMMENDATION, T_CASE, N_TABLES };
static const char *const table_names[N_TABLES] = { "events", "assessments", "recommendations",
                                                   "case_answers" };

struct event_ref {
    int64_t id, unit_id;
    int32_t started, ended;
    char *key;
    char *identity; /* as stored: the key with case references pseudonymised */
    /* Most of an event's assessments take its dates: formatted once, bound without a copy. */
    char started_text[DATE_FORMAT_SIZE], ended_text[DATE_FORMAT_SIZE];
    /* Its aggregates were stored when its answers stopped; answers came again later. */
    bool aggregated, reopened;
    /* New in this import: its answers may go in groups (struct answer_group)
     * until they stop, as no earlier answer of it can be in the database. */
    bool fresh, interrupted;
    const char *unit_type; /* its unit's (the resolver owns it) */
};

/* Case-level answers counted per event, unit, framework code and strand. */
struct aggregate {
    size_t ev;
    int64_t unit_id;
    const char *unit_via;
    const struct xw_code *code;
    const char *framework, *strand; /* owned by the normaliser, or static */
    long applicable, sufficient, answers;
    int32_t start, end, observed;
};

/* An assessment as stored, after normalisation. */
struct stored_assessment {
    const char *key, *row;
    const struct event_ref *ev;
    int64_t unit_id;
    const char *unit_via;
    const char *framework, *code, *code_given, *strand, *case_ref, *rating, *text;
    bool has_value, has_target;
    double value, target;
    int64_t cases_applicable, cases_sufficient;
    int32_t period_start, period_end, observed;
    int band;
    const char *band_basis, *answer, *level;
    bool unmapped, derived;
    bool own_start, own_end, own_observed; /* the source gave the date, not the event */
    int64_t key_hash; /* identity_hash of key, or 0 */
};

/*
 * Case answers of an event new in this import, stored GROUP_ROWS at a time by
 * one multi-row INSERT: a statement's fixed cost (cursors opened and closed,
 * the VDBE halted and reset) is a tenth of a single answer's insert otherwise.
 * A key given twice is caught before the group is written (seen holds the
 * identity hashes of the event's answers so far), so that its error names the
 * record that repeats it, as for any other record. An event whose answers stop
 * and come back later, or that has very many, goes on one answer at a time.
 *
 * Grouped answers have the usual shape, as nearly all of a large export's do:
 * their usual key, no date of their own, their code as given, mapped, their
 * event's unit and the group's framework. The statement leaves out what the
 * shape makes NULL or default and binds event, unit and framework once per
 * group, so an answer binds GROUP_COLS values, not nineteen. Any other answer
 * goes on its own, after the group before it.
 */
enum { GROUP_ROWS = 32, GROUP_COLS = 9, GROUP_SEEN_MAX = 1 << 16 };

struct pending_answer {
    struct stored_assessment x; /* pointing into the batch being replayed */
    int64_t digest, hash;
};

struct answer_group {
    sqlite3_stmt *ins;           /* GROUP_ROWS rows; shorter groups go one by one */
    struct pending_answer rows[GROUP_ROWS];
    size_t n;
    size_t ev;                   /* the event whose answers are grouped, or SIZE_MAX */
    uint64_t *seen;              /* open addressing; 0 is stored as has_zero */
    size_t seen_cap, seen_n;
    bool has_zero;
};

/* CRN -> pseudonym, one HMAC per distinct case, for one parse or one import. */
struct pseudonyms {
    struct privacy *priv;
    struct strmap map;        /* CRN -> index into refs */
    char **refs;
    size_t n;
};

struct importer {
    struct store *st;
    const struct plugin_info *p;
    struct normaliser *norm;
    struct privacy *priv;
    struct pseudonyms ps;
    /* The parse already put pseudonyms in the assessments' case, key and text. */
    bool assessments_private;
    /* Aggregates of the event whose answers are streaming in (agg_ev), stored
     * when its answers stop: memory holds one event's, not a whole file's. */
    struct strmap agg_index;  /* aggregate key -> index into aggs */
    int64_t agg_hint[64];     /* by code: the aggregate last counted into (checked) */
    struct aggregate *aggs;
    size_t naggs, agg_ev;
    bool reaggregating;       /* re-counting reopened events from case_answers */
    long n_unmapped, n_derived;
    struct sbuf keybuf, textbuf[2];
    int64_t source_id;
    char *source_key;
    struct cc_error *err;

    sqlite3_stmt *ins[N_TABLES], *sel[N_TABLES], *upd_full[N_TABLES], *upd_seen[N_TABLES];
    sqlite3_stmt *ins_unit;
    sqlite3_stmt *freeze_dates;
    struct answer_group group;
    /* A case answer's class depends only on its framework and rating (the
     * import's body is fixed): the last few are remembered. */
    struct answer_memo {
        char framework[48], rating[16];
        struct band_result band;
    } memo[4];
    unsigned memo_next;
    /* normaliser_code by framework, code and unit type: an export's answers
     * cycle through a dozen codes. Direct-mapped by the code's text. */
    struct code_memo {
        char framework[48], code[24];
        const char *unit_type;
        const struct xw_code *code_ref;
    } codes[64];
    struct unit_resolver units;

    struct strmap events;   /* canonical event key -> index in evs */
    struct event_ref *evs;
    size_t nevs, capevs, last_ev;

    bool has_scope;
    int64_t *scope_units;
    size_t nscope_units;
    int32_t scope_from, scope_to;

    long counts[N_TABLES];  /* by table */
    long n_new, n_updated, n_unchanged;
};


/* ---------------------------------------------------------------- statements */

/* Column lists per table; the first six columns are the same for all three. */
static const char *const ins_sql[N_TABLES] = {
    "INSERT INTO events(plugin, identity, identity_version, digest, source_id, source_row,"
    " body, kind, unit_id, started, ended, published, title, reference, cases_sampled,"
    " staff_hours, unit_via, identity_hash)"
    " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?39)"
    " ON CONFLICT(identity_hash) DO NOTHING",
    "INSERT INTO assessments(plugin, identity, identity_version, digest, source_id, source_row,"
    " body, event_id, unit_id, framework, code, strand, case_ref, period_start, period_end,"
    " observed_at, rating, value, target, cases_applicable, cases_sufficient, text,"
    " level, band, band_basis, answer, code_given, unmapped, derived, unit_via, identity_hash)"
    " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,"
    "?23,?24,?25,?26,?27,?28,?29,?30,?39)"
    " ON CONFLICT(identity_hash) DO NOTHING",
    "INSERT INTO recommendations(plugin, identity, identity_version, digest, source_id,"
    " source_row, body, event_id, unit_id, framework, code, text, owner, due, status,"
    " status_date, unit_via, identity_hash)"
    " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?39)"
    " ON CONFLICT(identity_hash) DO NOTHING",
    /* The assessments' parameter numbers: bind_assessment serves both. */
    "INSERT INTO case_answers(identity, identity_version, digest, source_id, source_row,"
    " event_id, unit_id, framework, code, strand, case_ref, period_start, period_end,"
    " observed_at, rating, text, answer, code_given, unmapped, unit_via, identity_hash)"
    " VALUES (?2,?3,?4,?5,?6,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?22,?26,?27,?28,?30,?39)"
    " ON CONFLICT(event_id, identity_hash) DO NOTHING",
};

static const char *const upd_full_sql[N_TABLES] = {
    "UPDATE events SET identity_version=?3, digest=?4, source_id=?5, source_row=?6, body=?7,"
    " kind=?8, unit_id=?9, started=?10, ended=?11, published=?12, title=?13, reference=?14,"
    " cases_sampled=?15, staff_hours=?16, unit_via=?17, retired_by=NULL, revision=revision+?41"
    " WHERE id=?40",
    "UPDATE assessments SET identity_version=?3, digest=?4, source_id=?5, source_row=?6,"
    " body=?7, event_id=?8, unit_id=?9, framework=?10, code=?11, strand=?12, case_ref=?13,"
    " period_start=?14, period_end=?15, observed_at=?16, rating=?17, value=?18, target=?19,"
    " cases_applicable=?20, cases_sufficient=?21, text=?22, level=?23, band=?24,"
    " band_basis=?25, answer=?26, code_given=?27, unmapped=?28, derived=?29, unit_via=?30,"
    " retired_by=NULL, revision=revision+?41 WHERE id=?40",
    "UPDATE recommendations SET identity_version=?3, digest=?4, source_id=?5, source_row=?6,"
    " body=?7, event_id=?8, unit_id=?9, framework=?10, code=?11, text=?12, owner=?13, due=?14,"
    " status=?15, status_date=?16, unit_via=?17, retired_by=NULL, revision=revision+?41"
    " WHERE id=?40",
    /* identity too: whether it is the usual one (NULL) can change with the code. */
    "UPDATE case_answers SET identity=?2, identity_version=?3, digest=?4, source_id=?5, source_row=?6,"
    " event_id=?8, unit_id=?9, framework=?10, code=?11, strand=?12, case_ref=?13,"
    " period_start=?14, period_end=?15, observed_at=?16, rating=?17, text=?22,"
    " answer=?26, code_given=?27, unmapped=?28, unit_via=?30,"
    " retired_by=NULL, revision=revision+?41 WHERE id=?40",
};

/* The columns of a grouped case answer: its GROUP_COLS own parameters, then
 * the group's (identity_version ?1, source_id ?2, event_id ?3, unit_id ?4,
 * framework ?5). Columns not named take NULL or their default. */
enum { G_HASH, G_DIGEST, G_ROW, G_CODE, G_STRAND, G_CASE, G_RATING, G_TEXT, G_ANSWER };
static const char *const group_columns =
    "identity_hash, digest, source_row, code, strand, case_ref, rating, text, answer,"
    " identity_version, source_id, event_id, unit_id, framework";
#define GROUP_SHARED 5

static int prepare_group(struct importer *im)
{
    struct sbuf sql;
    int rc;

    sbuf_init(&sql);
    sbuf_printf(&sql, "INSERT INTO case_answers(%s) VALUES ", group_columns);
    for (int r = 0; r < GROUP_ROWS; r++) {
        sbuf_adds(&sql, r ? ",(" : "(");
        for (int c = 0; c < GROUP_COLS; c++)
            sbuf_printf(&sql, "?%d,", GROUP_SHARED + 1 + r * GROUP_COLS + c);
        sbuf_adds(&sql, "?1,?2,?3,?4,?5)");
    }
    rc = store_prepare(im->st, &im->group.ins, sql.s, im->err);
    sbuf_free(&sql);
    if (rc == CC_OK) {
        sqlite3_bind_int(im->group.ins, 1, im->p->identity_version);
        sqlite3_bind_int64(im->group.ins, 2, im->source_id);
    }
    return rc;
}

static int prepare_all(struct importer *im)
{
    char sql[512];
    int rc = prepare_group(im);

    /* See sink_event. */
    if (rc == CC_OK)
        rc = store_prepare(im->st, &im->freeze_dates,
                           "UPDATE case_answers AS a SET"
                           " period_start = COALESCE(a.period_start, e.started),"
                           " period_end = COALESCE(a.period_end, e.ended),"
                           " observed_at = COALESCE(a.observed_at, e.ended)"
                           " FROM events AS e WHERE e.identity_hash = ?1 AND a.event_id = e.id"
                           " AND (e.started != ?2 OR e.ended != ?3) AND (a.period_start IS NULL"
                           " OR a.period_end IS NULL OR a.observed_at IS NULL)",
                           im->err);

    for (int t = 0; t < N_TABLES && rc == CC_OK; t++) {
        rc = store_prepare(im->st, &im->ins[t], ins_sql[t], im->err);
        if (rc == CC_OK)
            rc = store_prepare(im->st, &im->upd_full[t], upd_full_sql[t], im->err);
        /* A case answer's identity is unique within its event (?2); its plugin is
         * the event's (?3). */
        if (t == T_CASE)
            snprintf(sql, sizeof sql,
                     "SELECT id, digest, source_id, source_row, ?3, identity FROM case_answers_resolved"
                     " WHERE event_id=?2 AND identity_hash=?1");
        else
            snprintf(sql, sizeof sql,
                     "SELECT id, digest, source_id, source_row, plugin, identity FROM %s"
                     " WHERE identity_hash=?1",
                     table_names[t]);
        if (rc == CC_OK)
            rc = store_prepare(im->st, &im->sel[t], sql, im->err);
        /* An unchanged record only moves to the new version of its source. */
        snprintf(sql, sizeof sql,
                 "UPDATE %s SET source_id=?3, source_row=?4, identity_version=?5,"
                 " retired_by=NULL WHERE id=?1 AND ?2 IS NOT NULL",
                 table_names[t]);
        if (rc == CC_OK)
            rc = store_prepare(im->st, &im->upd_seen[t], sql, im->err);
    }
    return rc;
}

static void finalize_all(struct importer *im)
{
    sqlite3_finalize(im->group.ins);
    im->group.ins = NULL;
    sqlite3_finalize(im->freeze_dates);
    im->freeze_dates = NULL;
    for (int t = 0; t < N_TABLES; t++) {
        sqlite3_finalize(im->ins[t]);
        sqlite3_finalize(im->sel[t]);
        sqlite3_finalize(im->upd_full[t]);
        sqlite3_finalize(im->upd_seen[t]);
    }
}

/* ---------------------------------------------------------------- binding helpers */

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

static void bind_date(sqlite3_stmt *s, int i, int32_t d)
{
    char buf[DATE_FORMAT_SIZE];

    if (d == CLAIM_NO_DATE) {
        sqlite3_bind_null(s, i);
        return;
    }
    date_format(d, buf);
    sqlite3_bind_text(s, i, buf, -1, SQLITE_TRANSIENT);
}

static void bind_count(sqlite3_stmt *s, int i, int64_t v)
{
    if (v < 0)
        sqlite3_bind_null(s, i);
    else
        sqlite3_bind_int64(s, i, v);
}

/* The digest covers every stored field except provenance, so a record that
 * only moved to a new file version counts as unchanged. It is an FNV-1a hash
 * fed field by field: no formatting on the hot path. */
static void digest_bytes(uint64_t *h, const void *p, size_t n)
{
    const unsigned char *b = p;

    for (size_t i = 0; i < n; i++) {
        *h ^= b[i];
        *h *= 1099511628211ULL;
    }
}

static void digest_add(uint64_t *h, const char *v)
{
    static const char absent = 1, sep = 0x1f;

    if (v)
        digest_bytes(h, v, strlen(v));
    else
        digest_bytes(h, &absent, 1);
    digest_bytes(h, &sep, 1);
}

static void digest_add_num(uint64_t *h, long long v)
{
    digest_bytes(h, &v, sizeof v);
}

static void digest_add_double(uint64_t *h, bool has, double v)
{
    digest_add_num(h, has);
    if (has)
        digest_bytes(h, &v, sizeof v);
}

#define DIGEST_INIT 1469598103934665603ULL

/* The pseudonym of a CRN, computed once per distinct case in a file. */
static void pseudonyms_init(struct pseudonyms *ps, struct privacy *priv)
{
    memset(ps, 0, sizeof *ps);
    ps->priv = priv;
    strmap_init(&ps->map);
}

static void pseudonyms_free(struct pseudonyms *ps)
{
    for (size_t k = 0; k < ps->n; k++)
        free(ps->refs[k]);
    free(ps->refs);
    strmap_free(&ps->map);
}

/* The pseudonym of the CRN at crn (7 characters); valid until the next call. */
static const char *case_ref(struct pseudonyms *ps, const char *crn, size_t len)
{
    char ref[PRIVACY_REF_SIZE], raw[8];
    int64_t i;

    if (!strmap_get(&ps->map, crn, len, &i)) {
        /* Bounded: memory must not grow with the file. */
        if (ps->n >= 65536) {
            struct privacy *priv = ps->priv;
            pseudonyms_free(ps);
            pseudonyms_init(ps, priv);
        }
        memcpy(raw, crn, 7);
        raw[7] = '\0';
        privacy_case_ref(ps->priv, raw, ref);
        ps->refs = xrealloc(ps->refs, (ps->n + 1) * sizeof *ps->refs);
        ps->refs[ps->n] = xstrdup(ref);
        i = (int64_t)ps->n++;
        strmap_put(&ps->map, crn, len, i);
    }
    return ps->refs[i];
}

static bool crn_at(const char *p, const char *start)
{
    if (!(p[0] >= 'A' && p[0] <= 'Z')) /* first: most characters stop here */
        return false;
    if (p > start && ((p[-1] >= 'A' && p[-1] <= 'Z') || (p[-1] >= '0' && p[-1] <= '9') ||
                      (p[-1] >= 'a' && p[-1] <= 'z')))
        return false;
    for (int i = 1; i < 7; i++) {
        if (!(p[i] >= '0' && p[i] <= '9'))
            return false;
    }
    return !((p[7] >= '0' && p[7] <= '9') || (p[7] >= 'A' && p[7] <= 'Z') ||
             (p[7] >= 'a' && p[7] <= 'z'));
}

/*
 * Keys and free text may carry CRNs (a plugin keys an answer by its case; an
 * auditor writes "X123456 had no plan"). Nothing raw may reach the store, so
 * every CRN-shaped word becomes the case's pseudonym: keys stay stable and
 * text stays linkable to the case.
 */
static const char *privatise(struct pseudonyms *ps, const char *in, struct sbuf *out)
{
    const char *p;

    if (in == NULL || privacy_keeps_raw(ps->priv))
        return in;
    for (p = in; *p && !crn_at(p, in); p++)
        ;
    if (*p == '\0')
        return in;
    /* Copy the text between CRNs in runs, not a character at a time. */
    const char *run = in;
    sbuf_reset(out);
    while (*p) {
        if (crn_at(p, in)) {
            sbuf_addn(out, run, (size_t)(p - run));
            sbuf_adds(out, "case:");
            sbuf_adds(out, case_ref(ps, p, 7));
            p += 7;
            run = p;
        } else {
            p++;
        }
    }
    sbuf_addn(out, run, (size_t)(p - run));
    return out->s;
}

/* Binds the columns common to every table: ?1..?7. */
static void bind_common(struct importer *im, sqlite3_stmt *s, const char *key, int64_t digest,
                        const char *row)
{
    sqlite3_bind_text(s, 1, im->p->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 3, im->p->identity_version);
    sqlite3_bind_int64(s, 4, digest);
    sqlite3_bind_int64(s, 5, im->source_id);
    sqlite3_bind_text(s, 6, row, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 7, im->p->body, -1, SQLITE_STATIC);
}

static int step_done(struct importer *im, sqlite3_stmt *s, struct cc_error *err)
{
    int rc = sqlite3_step(s);

    sqlite3_reset(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return cc_fail(err, CC_EIO, "database: %s", sqlite3_errmsg(im->st->db));
    return CC_OK;
}

/* Binds one record's columns (the same numbers in the insert and the update),
 * after bind_common: it may replace ?2, the identity. */
typedef void (*bind_fn)(struct importer *im, sqlite3_stmt *s, const void *rec);

/* The identity's hash: what the unique index holds, far smaller than the text. */
static int64_t identity_hash(const char *plugin, const char *key)
{
    uint64_t h = 1469598103934665603ULL;
    const char *parts[2] = { plugin, key };

    for (int i = 0; i < 2; i++) {
        for (const unsigned char *p = (const unsigned char *)parts[i]; *p; p++) {
            h ^= *p;
            h *= 1099511628211ULL;
        }
        h ^= 0x1f;
        h *= 1099511628211ULL;
    }
    return (int64_t)h;
}

/* Binds a record to the insert of its table (ins_sql). */
static void bind_insert(struct importer *im, sqlite3_stmt *ins, const char *key, int64_t hash,
                        int64_t digest, const char *row, bind_fn bind, const void *rec)
{
    bind_common(im, ins, key, digest, row);
    bind(im, ins, rec);
    sqlite3_bind_int64(ins, 39, hash);
}

/*
 * Stores one record: inserts it, or when its identity exists, updates it
 * (changed) or only re-links it to this source version (unchanged). Binding
 * happens once on the common path (a new record); the update binds again
 * only when it runs. hash is identity_hash(plugin, key), which the caller has.
 */
static int upsert(struct importer *im, int t, const char *key, int64_t hash, int64_t digest,
                  const char *row, bind_fn bind, const void *rec, int64_t event_id, int64_t *id,
                  struct cc_error *err)
{
    sqlite3_stmt *ins = im->ins[t];
    int rc;

    bind_insert(im, ins, key, hash, digest, row, bind, rec);
    rc = sqlite3_step(ins);
    sqlite3_reset(ins);
    if (rc != SQLITE_DONE)
        return cc_fail(err, CC_EIO, "database: %s", sqlite3_errmsg(im->st->db));
    if (sqlite3_changes(im->st->db) == 1) {
        *id = sqlite3_last_insert_rowid(im->st->db);
        im->n_new++;
        im->counts[t]++;
        return CC_OK;
    }
    sqlite3_stmt *sel = im->sel[t];
    sqlite3_bind_int64(sel, 1, hash);
    if (t == T_CASE) {
        sqlite3_bind_int64(sel, 2, event_id);
        sqlite3_bind_text(sel, 3, im->p->name, -1, SQLITE_STATIC);
    }
    if (sqlite3_step(sel) != SQLITE_ROW) {
        sqlite3_reset(sel);
        return cc_fail(err, CC_ESOFTWARE, "database: identity vanished during import");
    }
    *id = sqlite3_column_int64(sel, 0);
    int64_t old_digest = sqlite3_column_int64(sel, 1);
    int64_t old_source = sqlite3_column_int64(sel, 2);
    if (strcmp((const char *)sqlite3_column_text(sel, 4), im->p->name) != 0 ||
        strcmp((const char *)sqlite3_column_text(sel, 5), key) != 0) {
        sqlite3_reset(sel);
        /* Two identities with one 64-bit hash: astronomically rare, never silent. */
        return cc_fail(err, CC_ESOFTWARE, "key: '%s' collides with another record's identity "
                       "hash; please report this", key);
    }
    /* An aggregate this import stored before its event's answers came back: the
     * recount replaces it in place, as the same revision, and is not counted
     * again (it was counted, new, updated or unchanged, from its first part). */
    bool recount = old_source == im->source_id && im->reaggregating;
    if (old_source == im->source_id && !recount) {
        char first[64];
        snprintf(first, sizeof first, "%s", (const char *)sqlite3_column_text(sel, 3));
        sqlite3_reset(sel);
        static const char *const kinds[N_TABLES] = { "an event", "an assessment",
                                                     "a recommendation", "a case answer" };
        return cc_fail(err, CC_EDATA,
                       "key: '%s' was already used by %s at row %s (keys must be unique in a file)",
                       key, kinds[t], first);
    }
    sqlite3_reset(sel);
    if (old_digest != digest || recount) {
        sqlite3_stmt *full = im->upd_full[t];
        bind_common(im, full, key, digest, row);
        bind(im, full, rec);
        sqlite3_bind_int64(full, 40, *id);
        sqlite3_bind_int(full, 41, recount ? 0 : 1);
        rc = step_done(im, full, err);
        if (recount)
            return rc;
        im->n_updated++;
    } else {
        sqlite3_stmt *seen = im->upd_seen[t];
        sqlite3_bind_int64(seen, 1, *id);
        sqlite3_bind_int(seen, 2, 1);
        sqlite3_bind_int64(seen, 3, im->source_id);
        sqlite3_bind_text(seen, 4, row, -1, SQLITE_STATIC);
        sqlite3_bind_int(seen, 5, im->p->identity_version);
        im->n_unchanged++;
        rc = step_done(im, seen, err);
    }
    im->counts[t]++;
    return rc;
}

/* ---------------------------------------------------------------- sink */

static int resolve_unit(struct importer *im, const char *name, int64_t *id, const char **via,
                        struct cc_error *err)
{
    return unit_resolve(&im->units, name, id, via, err);
}

static struct event_ref *find_event(struct importer *im, const char *key, const char *field,
                                    struct cc_error *err)
{
    int64_t i;

    /* Records come event by event: the last one found is usually the one. */
    if (im->last_ev < im->nevs && strcmp(im->evs[im->last_ev].key, key) == 0)
        return &im->evs[im->last_ev];
    if (!strmap_get(&im->events, key, strlen(key), &i)) {
        cc_fail(err, CC_EDATA, "%s: no event with key '%s' was emitted before this record",
                field, key);
        return NULL;
    }
    im->last_ev = (size_t)i;
    return &im->evs[i];
}

struct event_row {
    const struct claim_event *e;
    int64_t unit_id;
    const char *via, *title;
};

static void bind_event(struct importer *im, sqlite3_stmt *s, const void *rec)
{
    const struct event_row *r = rec;

    (void)im;
    bind_text(s, 8, r->e->kind);
    sqlite3_bind_int64(s, 9, r->unit_id);
    bind_date(s, 10, r->e->started);
    bind_date(s, 11, r->e->ended);
    bind_date(s, 12, r->e->published);
    bind_text(s, 13, r->title);
    bind_text(s, 14, r->e->reference);
    bind_count(s, 15, r->e->cases_sampled);
    if (r->e->staff_hours >= 0)
        sqlite3_bind_double(s, 16, r->e->staff_hours);
    else
        sqlite3_bind_null(s, 16);
    bind_text(s, 17, r->via);
}

static int flush_answers(struct importer *im, struct cc_error *err);

static int sink_event(void *ctx, const struct claim_event *e, struct cc_error *err)
{
    struct importer *im = ctx;
    int64_t unit_id, id;
    const char *via;
    /* Grouped answers point at im->evs, which may move below. */
    int rc = flush_answers(im, err);

    if (rc == CC_OK)
        rc = resolve_unit(im, e->unit, &unit_id, &via, err);
    if (rc)
        return rc;
    const char *key = privatise(&im->ps, e->key, &im->keybuf);
    const char *title = privatise(&im->ps, e->title, &im->textbuf[0]);
    uint64_t h = DIGEST_INIT;
    digest_add(&h, e->kind);
    digest_add_num(&h, unit_id);
    digest_add_num(&h, e->started);
    digest_add_num(&h, e->ended);
    digest_add_num(&h, e->published);
    digest_add(&h, title);
    digest_add(&h, e->reference);
    digest_add_num(&h, e->cases_sampled);
    digest_add_double(&h, e->staff_hours >= 0, e->staff_hours);
    digest_add(&h, via);
    int64_t digest = (int64_t)h;

    /* An event moving to other dates: its answers stored so far that take its
     * dates (NULL) keep the ones they had. Those this file gives again are
     * updated to its new dates; the others (another source's, or ones this
     * version dropped) stay as their sources said, as before schema 5. */
    int64_t hash = identity_hash(im->p->name, key);
    bind_date(im->freeze_dates, 2, e->started);
    bind_date(im->freeze_dates, 3, e->ended);
    sqlite3_bind_int64(im->freeze_dates, 1, hash);
    rc = step_done(im, im->freeze_dates, err);
    if (rc)
        return rc;
    struct event_row r = { e, unit_id, via, title };
    long before = im->n_new;
    rc = upsert(im, T_EVENT, key, hash, digest, e->row, bind_event, &r, 0, &id, err);
    if (rc)
        return rc;
    if (im->nevs == im->capevs) {
        im->capevs = im->capevs ? im->capevs * 2 : 64;
        im->evs = xrealloc(im->evs, im->capevs * sizeof *im->evs);
    }
    struct event_ref *ev = &im->evs[im->nevs];
    *ev = (struct event_ref){ id, unit_id, e->started, e->ended, xstrdup(e->key), xstrdup(key),
                              "", "", false, false, im->n_new > before, false,
                              unit_type(&im->units, unit_id) };
    date_format(e->started, ev->started_text);
    date_format(e->ended, ev->ended_text);
    strmap_put(&im->events, e->key, strlen(e->key), (int64_t)im->nevs);
    im->nevs++;
    return CC_OK;
}

/* A date that is usually one of its event's: the event's text, bound without a copy. */
static void bind_event_date(sqlite3_stmt *s, int i, int32_t d, const struct event_ref *ev)
{
    if (d == CLAIM_NO_DATE)
        sqlite3_bind_null(s, i);
    else if (d == ev->started)
        sqlite3_bind_text(s, i, ev->started_text, DATE_FORMAT_SIZE - 1, SQLITE_STATIC);
    else if (d == ev->ended)
        sqlite3_bind_text(s, i, ev->ended_text, DATE_FORMAT_SIZE - 1, SQLITE_STATIC);
    else
        bind_date(s, i, d);
}

/* A case answer's identity is usually <event identity>|case:<case_ref>|<code as
 * given> (schema 5): then it is not stored, as case_answers_resolved rebuilds it. */
static bool usual_identity(const struct stored_assessment *x)
{
    const char *k = x->key, *code = x->code_given ? x->code_given : x->code;
    size_t n = strlen(x->ev->identity);

    if (strncmp(k, x->ev->identity, n) != 0 || strncmp(k + n, "|case:", 6) != 0)
        return false;
    k += n + 6;
    n = strlen(x->case_ref);
    return strncmp(k, x->case_ref, n) == 0 && k[n] == '|' && strcmp(k + n + 1, code) == 0;
}

/* A date of a case answer that has none of its own is its event's: NULL (schema 5). */
static void bind_answer_date(sqlite3_stmt *s, int i, int32_t d, bool own,
                             const struct stored_assessment *x)
{
    if (x->case_ref && !own)
        sqlite3_bind_null(s, i);
    else
        bind_event_date(s, i, d, x->ev);
}

static void bind_assessment(struct importer *im, sqlite3_stmt *s, const void *rec)
{
    const struct stored_assessment *x = rec;

    (void)im;
    if (x->case_ref && usual_identity(x)) /* after bind_common's ?2 */
        sqlite3_bind_null(s, 2);
    sqlite3_bind_int64(s, 8, x->ev->id);
    sqlite3_bind_int64(s, 9, x->unit_id);
    bind_text(s, 10, x->framework);
    bind_text(s, 11, x->code);
    bind_text(s, 12, x->strand);
    bind_text(s, 13, x->case_ref);
    bind_answer_date(s, 14, x->period_start, x->own_start, x);
    bind_answer_date(s, 15, x->period_end, x->own_end, x);
    bind_answer_date(s, 16, x->observed, x->own_observed, x);
    bind_text(s, 17, x->rating);
    bind_text(s, 22, x->text);
    bind_text(s, 26, x->answer);
    bind_text(s, 27, x->code_given);
    sqlite3_bind_int(s, 28, x->unmapped);
    bind_text(s, 30, x->unit_via);
    if (x->case_ref)
        return; /* case_answers (T_CASE) has none of the columns below */
    if (x->has_value)
        sqlite3_bind_double(s, 18, x->value);
    else
        sqlite3_bind_null(s, 18);
    if (x->has_target)
        sqlite3_bind_double(s, 19, x->target);
    else
        sqlite3_bind_null(s, 19);
    bind_count(s, 20, x->cases_applicable);
    bind_count(s, 21, x->cases_sufficient);
    bind_text(s, 23, x->level);
    if (x->band)
        sqlite3_bind_int(s, 24, x->band);
    else
        sqlite3_bind_null(s, 24);
    bind_text(s, 25, x->band_basis);
    sqlite3_bind_int(s, 29, x->derived);
}

/* ---------------------------------------------------------------- grouped answers */

static void seen_clear(struct answer_group *g)
{
    if (g->seen_n)
        memset(g->seen, 0, g->seen_cap * sizeof *g->seen);
    g->seen_n = 0;
    g->has_zero = false;
}

/* Adds hash to the event's set; false if it was there already. */
static bool seen_add(struct answer_group *g, uint64_t h)
{
    if (h == 0) {
        bool had = g->has_zero;
        g->has_zero = true;
        return !had;
    }
    if (2 * (g->seen_n + 1) > g->seen_cap) {
        size_t cap = g->seen_cap ? 2 * g->seen_cap : 1024;
        uint64_t *old = g->seen, *t = xcalloc(cap, sizeof *t);
        for (size_t i = 0; i < g->seen_cap; i++) {
            if (old[i] == 0)
                continue;
            size_t j = (size_t)(old[i] ^ (old[i] >> 31)) & (cap - 1);
            while (t[j])
                j = (j + 1) & (cap - 1);
            t[j] = old[i];
        }
        free(old);
        g->seen = t;
        g->seen_cap = cap;
    }
    size_t j = (size_t)(h ^ (h >> 31)) & (g->seen_cap - 1);
    for (; g->seen[j]; j = (j + 1) & (g->seen_cap - 1))
        if (g->seen[j] == h)
            return false;
    g->seen[j] = h;
    g->seen_n++;
    return true;
}

/* Writes the pending answers: a full group in one statement, a shorter one
 * answer by answer (all new: their event is, and their keys were checked). */
static int flush_answers(struct importer *im, struct cc_error *err)
{
    struct answer_group *g = &im->group;
    size_t n = g->n;
    int rc = CC_OK;

    g->n = 0;
    if (n == GROUP_ROWS) {
        const struct stored_assessment *first = &g->rows[0].x;
        sqlite3_bind_int64(g->ins, 3, first->ev->id);
        sqlite3_bind_int64(g->ins, 4, first->unit_id);
        sqlite3_bind_text(g->ins, 5, first->framework, -1, SQLITE_STATIC);
        for (size_t r = 0; r < n; r++) {
            const struct pending_answer *a = &g->rows[r];
            int base = GROUP_SHARED + 1 + (int)r * GROUP_COLS;
            sqlite3_bind_int64(g->ins, base + G_HASH, a->hash);
            sqlite3_bind_int64(g->ins, base + G_DIGEST, a->digest);
            sqlite3_bind_text(g->ins, base + G_ROW, a->x.row, -1, SQLITE_STATIC);
            sqlite3_bind_text(g->ins, base + G_CODE, a->x.code, -1, SQLITE_STATIC);
            bind_text(g->ins, base + G_STRAND, a->x.strand);
            sqlite3_bind_text(g->ins, base + G_CASE, a->x.case_ref, -1, SQLITE_STATIC);
            bind_text(g->ins, base + G_RATING, a->x.rating);
            bind_text(g->ins, base + G_TEXT, a->x.text);
            bind_text(g->ins, base + G_ANSWER, a->x.answer);
        }
        rc = step_done(im, g->ins, err);
        if (rc == CC_OK && sqlite3_changes(im->st->db) != (int)n)
            rc = cc_fail(err, CC_ESOFTWARE,
                         "database: a group of new answers was not stored whole; please report this");
        return rc;
    }
    sqlite3_stmt *ins = im->ins[T_CASE];
    for (size_t r = 0; r < n && rc == CC_OK; r++) {
        const struct pending_answer *a = &g->rows[r];
        bind_insert(im, ins, a->x.key, a->hash, a->digest, a->x.row, bind_assessment, &a->x);
        rc = step_done(im, ins, err);
        if (rc == CC_OK && sqlite3_changes(im->st->db) != 1)
            rc = cc_fail(err, CC_ESOFTWARE, "database: a new answer was not stored; please report this");
    }
    return rc;
}

/* Whether a case answer has the usual shape (struct answer_group). */
static bool usual_shape(const struct stored_assessment *x)
{
    return !x->own_start && !x->own_end && !x->own_observed && x->code_given == NULL &&
           !x->unmapped && x->unit_via == NULL && x->unit_id == x->ev->unit_id &&
           x->framework && x->code && usual_identity(x);
}

/*
 * Takes a case answer into the group if it can go there: *taken says so. A key
 * seen before for the event is left to upsert (after the group is written), to
 * report it as it reports any repeated key.
 */
static int group_answer(struct importer *im, const struct stored_assessment *x, int64_t digest,
                        int64_t hash, bool *taken, struct cc_error *err)
{
    struct answer_group *g = &im->group;
    size_t e = (size_t)(x->ev - im->evs);
    int rc;

    *taken = false;
    if (e != g->ev) {
        /* Another event's answers: the last one's have stopped. */
        if ((rc = flush_answers(im, err)) != CC_OK)
            return rc;
        if (g->ev != SIZE_MAX)
            im->evs[g->ev].interrupted = true;
        seen_clear(g);
        g->ev = e;
    }
    /* Once in the set, a key goes to the database before any later answer:
     * in a group, or on its own after the group before it. */
    if (!x->ev->fresh || x->ev->interrupted || !im->assessments_private ||
        g->seen_n >= GROUP_SEEN_MAX || !seen_add(g, (uint64_t)hash) || !usual_shape(x))
        return flush_answers(im, err);
    if (g->n > 0 && strcmp(g->rows[0].x.framework, x->framework) != 0 &&
        (rc = flush_answers(im, err)) != CC_OK)
        return rc;
    struct pending_answer *a = &g->rows[g->n++];
    a->x = *x;
    a->digest = digest;
    a->hash = hash;
    *taken = true;
    im->n_new++;
    im->counts[T_CASE]++;
    return g->n == GROUP_ROWS ? flush_answers(im, err) : CC_OK;
}

/* Stores one normalised assessment. */
static int store_assessment(struct importer *im, const struct stored_assessment *in,
                            struct cc_error *err)
{
    struct stored_assessment priv = *in, *x = &priv;

    if (!im->assessments_private) {
        x->key = privatise(&im->ps, in->key, &im->keybuf);
        x->text = privatise(&im->ps, in->text, &im->textbuf[0]);
    }
    int64_t id;

    uint64_t h = DIGEST_INIT;
    digest_add_num(&h, x->ev->id);
    digest_add_num(&h, x->unit_id);
    digest_add(&h, x->framework);
    digest_add(&h, x->code);
    digest_add(&h, x->code_given);
    digest_add(&h, x->strand);
    digest_add(&h, x->case_ref);
    digest_add_num(&h, x->period_start);
    digest_add_num(&h, x->period_end);
    digest_add_num(&h, x->observed);
    digest_add(&h, x->rating);
    digest_add_double(&h, x->has_value, x->value);
    digest_add_double(&h, x->has_target, x->target);
    digest_add_num(&h, x->band);
    digest_add_num(&h, x->cases_applicable);
    digest_add_num(&h, x->cases_sufficient);
    digest_add(&h, x->text);
    digest_add(&h, x->band_basis);
    digest_add(&h, x->answer);
    digest_add(&h, x->unit_via);
    digest_add_num(&h, x->unmapped);
    /* A case answer's date of its own is stored, one it takes from its event
     * is not: which is which counts as content (added only when some date is
     * its own, so digests of answers with none are as before schema 5). */
    if (x->case_ref && (x->own_start || x->own_end || x->own_observed))
        digest_add_num(&h, x->own_start | x->own_end << 1 | x->own_observed << 2);
    int64_t digest = (int64_t)h;

    /* The parse hashed the key it pseudonymised, the one stored here. */
    int64_t hash = x->key_hash && im->assessments_private ? x->key_hash
                                                          : identity_hash(im->p->name, x->key);
    if (x->case_ref) {
        bool taken;
        int rc = group_answer(im, x, digest, hash, &taken, err);
        if (rc != CC_OK || taken)
            return rc;
    }
    return upsert(im, x->case_ref ? T_CASE : T_ASSESSMENT, x->key, hash, digest, x->row,
                  bind_assessment, x, x->ev->id, &id, err);
}

static const char *const answer_names[] = { NULL, "sufficient", "insufficient",
                                            "not applicable" };

static int flush_aggregates(struct importer *im, struct cc_error *err);

/* Counts a case-level answer towards its event/unit/code/strand aggregate. */
static int count_answer(struct importer *im, struct event_ref *ev, int64_t unit_id,
                        const char *unit_via, const char *framework, const struct xw_code *code,
                        const char *strand, enum answer_class answer, int32_t start, int32_t end,
                        int32_t observed, struct cc_error *err)
{
    size_t e = (size_t)(ev - im->evs);

    if (e != im->agg_ev) {
        /* The answers of the event before have stopped: its aggregates go now. */
        int rc = flush_aggregates(im, err);
        if (rc)
            return rc;
        im->agg_ev = e;
        if (ev->aggregated)
            ev->reopened = true; /* re-counted from case_answers at the end */
    }
    /* A binary key: the code pointer names framework and code, and stays valid
     * for the whole import. No formatting per answer. */
    struct {
        size_t ev;
        int64_t unit_id;
        const struct xw_code *code;
        char strand[8];
    } k;
    int64_t idx;
    /* An event's answers cycle through its questions: a code's aggregate is
     * usually the one its last answer went to. */
    size_t hint = (size_t)(((uint64_t)(uintptr_t)code * 0x9E3779B97F4A7C15ULL) >> 58); /* of 64 */

    idx = im->agg_hint[hint];
    if (idx >= 0 && (size_t)idx < im->naggs) {
        const struct aggregate *h = &im->aggs[idx];
        if (h->ev == e && h->unit_id == unit_id && h->code == code &&
            (h->strand && strand ? strcmp(h->strand, strand) == 0 : h->strand == strand))
            goto found;
    }
    memset(&k, 0, sizeof k);
    k.ev = (size_t)(ev - im->evs);
    k.unit_id = unit_id;
    k.code = code;
    if (strand)
        cc_strlcpy(k.strand, strand, sizeof k.strand);
    if (!strmap_get(&im->agg_index, (const char *)&k, sizeof k, &idx)) {
        idx = (int64_t)im->naggs;
        im->aggs = xrealloc(im->aggs, (im->naggs + 1) * sizeof *im->aggs);
        im->aggs[im->naggs++] = (struct aggregate){
            (size_t)(ev - im->evs), unit_id, unit_via, code, framework, strand,
            0, 0, 0, start, end, observed,
        };
        strmap_put(&im->agg_index, (const char *)&k, sizeof k, idx);
    }
    im->agg_hint[hint] = idx;
found:;
    struct aggregate *g = &im->aggs[idx];
    g->answers++;
    if (answer != ANSWER_NA)
        g->applicable++;
    if (answer == ANSWER_SUFFICIENT)
        g->sufficient++;
    g->start = start < g->start ? start : g->start;
    g->end = end > g->end ? end : g->end;
    g->observed = observed > g->observed ? observed : g->observed;
    return CC_OK;
}

/*
 * The strand as a string that lives as long as the import: aggregates keep it,
 * and the record it came from is gone by then (streamed batches are freed).
 * Any other value is refused by the table's CHECK before aggregates are made.
 */
static const char *static_strand(const char *strand)
{
    static const char *const known[] = { "ENGAGE", "DESIST", "SAFE" };

    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(strand, known[i]) == 0)
            return known[i];
    return strand;
}

/* normaliser_code for a record of event ev stored as s, remembered (struct code_memo). */
static const struct xw_code *map_code(struct importer *im, struct event_ref *ev,
                                      const struct stored_assessment *s,
                                      const struct claim_assessment *x, struct cc_error *err)
{
    const char *type =
        s->unit_id == ev->unit_id ? ev->unit_type : unit_type(&im->units, s->unit_id);
    size_t nf = strlen(x->framework), nc = strlen(x->code);
    uint64_t h = cc_hash64(x->code, nc);
    struct code_memo *m = &im->codes[h % (sizeof im->codes / sizeof im->codes[0])];
    if (m->code_ref && m->unit_type == type && strcmp(m->code, x->code) == 0 &&
        strcmp(m->framework, x->framework) == 0)
        return m->code_ref;
    const struct xw_code *c = normaliser_code(im->norm, x->framework, x->code, type,
                                              x->unmapped ? NULL : err);
    if (c && nf < sizeof m->framework && nc < sizeof m->code) {
        memcpy(m->framework, x->framework, nf + 1);
        memcpy(m->code, x->code, nc + 1);
        m->unit_type = type;
        m->code_ref = c;
    }
    return c;
}

/* normaliser_band of a case answer with a rating, remembered (struct answer_memo). */
static int classify_answer(struct importer *im, const struct claim_assessment *x,
                           const struct xw_code *code, struct band_result *band,
                           struct cc_error *err)
{
    size_t nf = strlen(x->framework), nr = strlen(x->rating);

    for (size_t i = 0; i < sizeof im->memo / sizeof im->memo[0]; i++) {
        const struct answer_memo *m = &im->memo[i];
        if (m->rating[0] && strcmp(m->rating, x->rating) == 0 &&
            strcmp(m->framework, x->framework) == 0) {
            *band = m->band;
            return CC_OK;
        }
    }
    int rc = normaliser_band(im->norm, im->p->body, x->framework, code, x, band, err);
    if (rc == CC_OK && nr > 0 && nf < sizeof im->memo[0].framework &&
        nr < sizeof im->memo[0].rating) {
        struct answer_memo *m = &im->memo[im->memo_next++ % 4];
        memcpy(m->framework, x->framework, nf + 1);
        memcpy(m->rating, x->rating, nr + 1);
        m->band = *band;
    }
    return rc;
}

static int sink_assessment(void *ctx, const struct claim_assessment *x, struct cc_error *err)
{
    struct importer *im = ctx;
    struct event_ref *ev = find_event(im, x->event, "event", err);
    struct stored_assessment s = { 0 };
    struct band_result band;
    const struct xw_code *code = NULL;
    int rc;

    if (ev == NULL)
        return CC_EDATA;
    s.ev = ev;
    s.key = x->key;
    s.row = x->row;
    s.unit_id = ev->unit_id;
    if (x->unit && (rc = resolve_unit(im, x->unit, &s.unit_id, &s.unit_via, err)) != CC_OK)
        return rc;
    s.framework = x->framework;
    s.code = s.code_given = x->code;
    code = map_code(im, ev, &s, x, err);
    if (code == NULL) {
        if (!x->unmapped)
            return CC_EDATA;
        s.unmapped = true;
        im->n_unmapped++;
    } else {
        s.code = code->code;
    }
    if (s.code_given && strcmp(s.code_given, s.code) == 0)
        s.code_given = NULL;
    s.strand = x->strand ? static_strand(x->strand) : (code ? code->strand : NULL);
    rc = x->case_ref && x->rating ? classify_answer(im, x, code, &band, err)
                                  : normaliser_band(im->norm, im->p->body, x->framework, code, x,
                                                    &band, err);
    if (rc)
        return rc;
    s.band = band.band;
    s.band_basis = band.basis[0] ? band.basis : NULL;
    s.answer = answer_names[band.answer];
    s.level = x->case_ref ? "CASE" : "UNIT";
    char ref[PRIVACY_REF_SIZE];
    if (x->case_ref && im->assessments_private) {
        s.case_ref = x->case_ref; /* the parse's pseudonym, kept with its batch */
    } else if (x->case_ref) {
        /* A copy: the bounded cache may be emptied while this record is stored
         * (never grouped: grouping needs the parse's pseudonyms). */
        s.case_ref = cc_strlcpy(ref, case_ref(&im->ps, x->case_ref, strlen(x->case_ref)),
                                sizeof ref);
    }
    s.rating = x->rating;
    s.has_value = x->has_value;
    s.has_target = x->has_target;
    s.value = x->value;
    s.target = x->target;
    s.cases_applicable = x->cases_applicable;
    s.cases_sufficient = x->cases_sufficient;
    s.key_hash = x->key_hash;
    s.own_start = x->period_start != CLAIM_NO_DATE;
    s.own_end = x->period_end != CLAIM_NO_DATE;
    s.own_observed = x->observed != CLAIM_NO_DATE;
    s.period_start = x->period_start != CLAIM_NO_DATE ? x->period_start : ev->started;
    s.period_end = x->period_end != CLAIM_NO_DATE ? x->period_end : ev->ended;
    s.observed = x->observed != CLAIM_NO_DATE ? x->observed : ev->ended;
    s.text = x->text;
    rc = store_assessment(im, &s, err);
    if (rc == CC_OK && x->case_ref && code && band.answer != ANSWER_NONE)
        rc = count_answer(im, ev, s.unit_id, s.unit_via, code->framework, code, s.strand,
                          band.answer, s.period_start, s.period_end, s.observed, err);
    return rc;
}

/* Stores one aggregate (of event g->ev's answers to code) as a derived, banded assessment. */
static int store_aggregate(struct importer *im, const struct aggregate *g, const char *code,
                           struct sbuf *key, struct sbuf *row, struct cc_error *err)
{
    struct band_result band;
    struct stored_assessment s = { 0 };
    const char *ucode = unit_code(&im->units, g->unit_id);
    int rc = normaliser_band_cases(im->norm, im->p->body, g->framework, g->applicable,
                                   g->sufficient, &band, err);

    if (rc)
        return rc;
    /* cases|<event>|<unit>|<framework>|<code>|<strand>, without printf: an
     * import of a million answers stores fifty thousand of these. */
    const char *parts[] = { "cases", im->evs[g->ev].key, ucode ? ucode : "?", g->framework, code,
                            g->strand ? g->strand : "" };
    sbuf_reset(key);
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (i)
            sbuf_addn(key, "|", 1);
        sbuf_adds(key, parts[i]);
    }
    sbuf_reset(row);
    sbuf_printf(row, "aggregate of %ld case answer%s", g->answers, g->answers == 1 ? "" : "s");
    s.key = key->s;
    s.row = row->s;
    s.ev = &im->evs[g->ev];
    s.unit_id = g->unit_id;
    s.unit_via = g->unit_via;
    s.framework = g->framework;
    s.code = code;
    s.strand = g->strand;
    s.cases_applicable = g->applicable;
    s.cases_sufficient = g->sufficient;
    s.period_start = g->start;
    s.period_end = g->end;
    s.observed = g->observed;
    s.band = band.band;
    s.band_basis = band.basis;
    s.level = "UNIT";
    s.derived = true;
    return store_assessment(im, &s, err);
}

/*
 * One unit-level assessment per event, unit, code and strand from the
 * case-level answers, banded on the share sufficient. They are records of
 * this source like any other (identity, retirement), marked derived, and
 * linked to their answers by event, unit, framework and code. Stored when the
 * event's answers stop (count_answer) and at the end; a reopened event's are
 * left to store_aggregates.
 */
static int flush_aggregates(struct importer *im, struct cc_error *err)
{
    struct sbuf key, row;
    int rc = CC_OK;

    sbuf_init(&key);
    sbuf_init(&row);
    for (size_t i = 0; i < im->naggs && rc == CC_OK; i++) {
        const struct aggregate *g = &im->aggs[i];
        if (im->evs[g->ev].reopened)
            continue;
        rc = store_aggregate(im, g, g->code->code, &key, &row, err);
        im->n_derived++;
    }
    sbuf_free(&key);
    sbuf_free(&row);
    if (im->agg_ev < im->nevs)
        im->evs[im->agg_ev].aggregated = true;
    im->naggs = 0;
    strmap_free(&im->agg_index);
    strmap_init(&im->agg_index);
    return rc;
}

/* A date column of this database (YYYY-MM-DD) as days; CLAIM_NO_DATE when NULL. */
static int32_t column_date(sqlite3_stmt *q, int i)
{
    const char *t = (const char *)sqlite3_column_text(q, i);
    int32_t d;

    if (t == NULL || date_parse(t, strlen(t), &d, NULL, 0) != 0)
        return CLAIM_NO_DATE;
    return d;
}

/*
 * After the parse: the last event's aggregates, then those of events whose
 * answers came back after others' (a file not grouped by event), counted
 * again from case_answers: what this import stored (new, changed or seen
 * again) is exactly what has its source_id; unmapped codes and answers with no
 * class are not counted. Their rows stored earlier are updated in place.
 */
static int reaggregate(struct importer *im, struct cc_error *err);

static int store_aggregates(struct importer *im, struct cc_error *err)
{
    int rc = flush_aggregates(im, err);
    bool any = false;

    for (size_t e = 0; e < im->nevs; e++)
        any = any || im->evs[e].reopened;
    if (rc || !any)
        return rc;
    im->reaggregating = true;
    rc = reaggregate(im, err);
    im->reaggregating = false;
    return rc;
}

static int reaggregate(struct importer *im, struct cc_error *err)
{
    struct sbuf key, row;
    sqlite3_stmt *q;
    int rc = store_prepare(im->st, &q,
                           "SELECT unit_id, framework, code, strand, count(*),"
                           " sum(answer != 'not applicable'), sum(answer = 'sufficient'),"
                           " min(period_start), max(period_end), max(observed_at), max(unit_via)"
                           " FROM case_answers_resolved"
                           " WHERE event_id = ?1 AND source_id = ?2 AND unmapped = 0"
                           "  AND answer IS NOT NULL"
                           " GROUP BY unit_id, framework, code, strand ORDER BY min(id)",
                           err);

    if (rc)
        return rc;
    sbuf_init(&key);
    sbuf_init(&row);
    for (size_t e = 0; e < im->nevs && rc == CC_OK; e++) {
        if (!im->evs[e].reopened)
            continue;
        sqlite3_bind_int64(q, 1, im->evs[e].id);
        sqlite3_bind_int64(q, 2, im->source_id);
        while (rc == CC_OK && sqlite3_step(q) == SQLITE_ROW) {
            const struct aggregate g = {
                .ev = e,
                .unit_id = sqlite3_column_int64(q, 0),
                .unit_via = (const char *)sqlite3_column_text(q, 10),
                .framework = (const char *)sqlite3_column_text(q, 1),
                .strand = (const char *)sqlite3_column_text(q, 3),
                .answers = (long)sqlite3_column_int64(q, 4),
                .applicable = (long)sqlite3_column_int64(q, 5),
                .sufficient = (long)sqlite3_column_int64(q, 6),
                .start = column_date(q, 7),
                .end = column_date(q, 8),
                .observed = column_date(q, 9),
            };
            long before = im->n_new;
            rc = store_aggregate(im, &g, (const char *)sqlite3_column_text(q, 2), &key, &row,
                                 err);
            if (im->n_new > before) /* a group only the later answers had */
                im->n_derived++;
        }
        sqlite3_reset(q);
    }
    sqlite3_finalize(q);
    sbuf_free(&key);
    sbuf_free(&row);
    return rc;
}

struct rec_row {
    const struct claim_recommendation *x;
    int64_t event_id, unit_id;
    const char *via, *text;
};

static void bind_recommendation(struct importer *im, sqlite3_stmt *s, const void *rec)
{
    const struct rec_row *r = rec;

    (void)im;
    sqlite3_bind_int64(s, 8, r->event_id);
    sqlite3_bind_int64(s, 9, r->unit_id);
    bind_text(s, 10, r->x->framework);
    bind_text(s, 11, r->x->code);
    bind_text(s, 12, r->text);
    bind_text(s, 13, r->x->owner);
    bind_date(s, 14, r->x->due);
    bind_text(s, 15, r->x->status);
    bind_date(s, 16, r->x->status_date);
    bind_text(s, 17, r->via);
}

static int sink_recommendation(void *ctx, const struct claim_recommendation *x,
                               struct cc_error *err)
{
    struct importer *im = ctx;
    struct event_ref *ev = find_event(im, x->event, "event", err);
    int64_t unit_id, id;
    int rc;

    if (ev == NULL)
        return CC_EDATA;
    unit_id = ev->unit_id;
    const char *via = NULL;
    if (x->unit && (rc = resolve_unit(im, x->unit, &unit_id, &via, err)) != CC_OK)
        return rc;
    const char *key = privatise(&im->ps, x->key, &im->keybuf);
    const char *text = privatise(&im->ps, x->text, &im->textbuf[0]);
    uint64_t h = DIGEST_INIT;
    digest_add_num(&h, ev->id);
    digest_add_num(&h, unit_id);
    digest_add(&h, x->framework);
    digest_add(&h, x->code);
    digest_add(&h, text);
    digest_add(&h, x->owner);
    digest_add_num(&h, x->due);
    digest_add(&h, x->status);
    digest_add_num(&h, x->status_date);
    digest_add(&h, via);
    int64_t digest = (int64_t)h;

    struct rec_row r = { x, ev->id, unit_id, via, text };
    return upsert(im, T_RECOMMENDATION, key, identity_hash(im->p->name, key), digest, x->row,
                  bind_recommendation, &r, 0, &id, err);
}

static int sink_unit(void *ctx, const struct claim_unit *u, struct cc_error *err)
{
    struct importer *im = ctx;
    char origin[32];

    snprintf(origin, sizeof origin, "source:%lld", (long long)im->source_id);
    return unit_declare(&im->units, u->code, u->name, u->type, u->parent, origin, err);
}

static int sink_scope(void *ctx, const struct claim_scope *s, struct cc_error *err)
{
    struct importer *im = ctx;

    if (im->has_scope)
        return cc_fail(err, CC_EDATA, "scope: declared twice for one source");
    im->has_scope = true;
    if (s->key) {
        free(im->source_key);
        im->source_key = xstrdup(s->key);
    }
    im->scope_from = s->from;
    im->scope_to = s->to;
    if (s->nunits) {
        im->scope_units = xcalloc(s->nunits, sizeof *im->scope_units);
        for (size_t i = 0; i < s->nunits; i++) {
            int rc = resolve_unit(im, s->units[i], &im->scope_units[i], NULL, err);
            if (rc)
                return rc;
        }
        im->nscope_units = s->nunits;
    }
    return CC_OK;
}

/* ---------------------------------------------------------------- retirement */

static int retire(struct importer *im, long *retired, struct cc_error *err)
{
    /* Records of earlier versions of this source that the new version no
     * longer has are retired, but only inside the declared scope: absence
     * elsewhere says nothing. */
    static const char *const where_dates[N_TABLES] = {
        "(?4 IS NULL OR x.started >= ?4) AND (?5 IS NULL OR x.ended <= ?5)",
        "(?4 IS NULL OR x.period_start >= ?4) AND (?5 IS NULL OR x.period_end <= ?5)",
        "(?4 IS NULL OR (SELECT started FROM events WHERE id = x.event_id) >= ?4) AND "
        "(?5 IS NULL OR (SELECT ended FROM events WHERE id = x.event_id) <= ?5)",
        /* A case answer with no dates of its own has its event's (schema 5). */
        "(?4 IS NULL OR COALESCE(x.period_start,"
        " (SELECT started FROM events WHERE id = x.event_id)) >= ?4) AND "
        "(?5 IS NULL OR COALESCE(x.period_end,"
        " (SELECT ended FROM events WHERE id = x.event_id)) <= ?5)",
    };
    /* Which rows were this source's: case answers are found through their events
     * (their index starts with event_id), the rest by their own source_id. */
    static const char *const of_source[N_TABLES] = {
        "x.source_id IN (SELECT id FROM sources WHERE plugin = ?2 AND source_key = ?3)",
        "x.source_id IN (SELECT id FROM sources WHERE plugin = ?2 AND source_key = ?3)",
        "x.source_id IN (SELECT id FROM sources WHERE plugin = ?2 AND source_key = ?3)",
        "x.event_id IN (SELECT e.id FROM events e WHERE e.source_id = ?1 OR e.source_id IN"
        " (SELECT id FROM sources WHERE plugin = ?2 AND source_key = ?3))"
        " AND x.source_id IN (SELECT id FROM sources WHERE plugin = ?2 AND source_key = ?3)",
    };
    int rc = CC_OK;

    *retired = 0;
    if (!im->has_scope)
        return CC_OK;
    /* The first version of a source has nothing to retire: skip the scans (a
     * case answer's is by event, and an event can carry many sources' answers). */
    sqlite3_stmt *earlier;
    rc = store_prepare(im->st, &earlier,
                       "SELECT 1 FROM sources WHERE plugin = ?1 AND source_key = ?2 AND id != ?3"
                       " LIMIT 1",
                       err);
    if (rc)
        return rc;
    sqlite3_bind_text(earlier, 1, im->p->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(earlier, 2, im->source_key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(earlier, 3, im->source_id);
    bool any = sqlite3_step(earlier) == SQLITE_ROW;
    sqlite3_finalize(earlier);
    if (!any)
        return CC_OK;
    rc = store_exec(im->st,
                    "CREATE TEMP TABLE IF NOT EXISTS scope_units(id INTEGER PRIMARY KEY);"
                    "DELETE FROM temp.scope_units;",
                    err);
    if (rc)
        return rc;
    for (size_t i = 0; i < im->nscope_units && rc == CC_OK; i++) {
        sqlite3_stmt *s;
        /* A unit in scope brings the units below it. */
        rc = store_prepare(im->st, &s,
                           "WITH RECURSIVE below(id) AS (SELECT ?1 UNION "
                           "SELECT u.id FROM units u JOIN below b ON u.parent_id = b.id) "
                           "INSERT OR IGNORE INTO temp.scope_units SELECT id FROM below",
                           err);
        if (rc)
            break;
        sqlite3_bind_int64(s, 1, im->scope_units[i]);
        rc = step_done(im, s, err);
        sqlite3_finalize(s);
    }
    for (int t = N_TABLES - 1; t >= 0 && rc == CC_OK; t--) {
        char sql[1024];
        sqlite3_stmt *s;
        /* The plugin is the source's (case_answers has no plugin column). */
        snprintf(sql, sizeof sql,
                 "UPDATE %s AS x SET retired_by = ?1 WHERE x.retired_by IS NULL"
                 " AND x.source_id != ?1 AND %s"
                 " AND (?6 = 0 OR x.unit_id IN (SELECT id FROM temp.scope_units)) AND %s",
                 table_names[t], of_source[t], where_dates[t]);
        rc = store_prepare(im->st, &s, sql, err);
        if (rc)
            break;
        sqlite3_bind_int64(s, 1, im->source_id);
        sqlite3_bind_text(s, 2, im->p->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, im->source_key, -1, SQLITE_STATIC);
        bind_date(s, 4, im->scope_from);
        bind_date(s, 5, im->scope_to);
        sqlite3_bind_int(s, 6, im->nscope_units > 0);
        rc = step_done(im, s, err);
        *retired += sqlite3_changes(im->st->db);
        sqlite3_finalize(s);
    }
    return rc;
}

/* ---------------------------------------------------------------- the import */

static int scope_json(struct importer *im, struct sbuf *out)
{
    char d[DATE_FORMAT_SIZE];

    sbuf_reset(out);
    if (!im->has_scope)
        return 0;
    sbuf_adds(out, "{\"key\":");
    sbuf_add_json_string(out, im->source_key);
    if (im->nscope_units) {
        sbuf_adds(out, ",\"units\":[");
        for (size_t i = 0; i < im->nscope_units; i++) {
            const char *code = unit_code(&im->units, im->scope_units[i]);
            if (i)
                sbuf_addc(out, ',');
            sbuf_add_json_string(out, code ? code : "?");
        }
        sbuf_addc(out, ']');
    }
    if (im->scope_from != CLAIM_NO_DATE) {
        date_format(im->scope_from, d);
        sbuf_printf(out, ",\"from\":\"%s\"", d);
    }
    if (im->scope_to != CLAIM_NO_DATE) {
        date_format(im->scope_to, d);
        sbuf_printf(out, ",\"to\":\"%s\"", d);
    }
    sbuf_addc(out, '}');
    return 1;
}

static int finish_source(struct importer *im, const struct parse_stats *ps, long retired,
                         struct import_result *res, struct cc_error *err)
{
    sqlite3_stmt *s;
    struct sbuf reasons, scope;
    int rc;

    sbuf_init(&reasons);
    sbuf_init(&scope);
    /* Reasons sorted by text, so the stored JSON is deterministic. */
    {
        size_t n = 0, it = 0;
        const char **keys = xcalloc(ps->skip_reasons.count + 1, sizeof *keys);
        const char *k;
        int64_t v;
        while (strmap_next(&ps->skip_reasons, &it, &k, &v))
            keys[n++] = k;
        for (size_t i = 1; i < n; i++) {
            for (size_t j = i; j > 0 && strcmp(keys[j - 1], keys[j]) > 0; j--) {
                const char *t = keys[j];
                keys[j] = keys[j - 1];
                keys[j - 1] = t;
            }
        }
        sbuf_addc(&reasons, '{');
        for (size_t i = 0; i < n; i++) {
            int64_t c = 0;
            strmap_get(&ps->skip_reasons, keys[i], strlen(keys[i]), &c);
            if (i)
                sbuf_addc(&reasons, ',');
            sbuf_add_json_string(&reasons, keys[i]);
            sbuf_printf(&reasons, ":%lld", (long long)c);
        }
        sbuf_addc(&reasons, '}');
        free(keys);
    }
    int has_scope = scope_json(im, &scope);

    rc = store_prepare(im->st, &s,
                       "UPDATE sources SET source_key=?2, rows_read=?3, rows_emitted=?4,"
                       " rows_skipped=?5, skipped_reasons=?6, records=?7, records_new=?8,"
                       " records_updated=?9, records_unchanged=?10, records_retired=?11,"
                       " scope=?12, records_unmapped=?13 WHERE id=?1",
                       err);
    if (rc == CC_OK) {
        sqlite3_bind_int64(s, 1, im->source_id);
        sqlite3_bind_text(s, 2, im->source_key, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 3, ps->rows_read);
        sqlite3_bind_int64(s, 4, ps->rows_emitted);
        sqlite3_bind_int64(s, 5, ps->rows_skipped);
        sqlite3_bind_text(s, 6, reasons.s, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 7, ps->records);
        sqlite3_bind_int64(s, 8, im->n_new);
        sqlite3_bind_int64(s, 9, im->n_updated);
        sqlite3_bind_int64(s, 10, im->n_unchanged);
        sqlite3_bind_int64(s, 11, retired);
        bind_text(s, 12, has_scope ? scope.s : NULL);
        sqlite3_bind_int64(s, 13, im->n_unmapped);
        rc = step_done(im, s, err);
        sqlite3_finalize(s);
    }
    if (rc == CC_OK)
        rc = store_prepare(im->st, &s,
                           "UPDATE sources SET superseded_by=?1 WHERE plugin=?2 AND"
                           " source_key=?3 AND id != ?1 AND superseded_by IS NULL",
                           err);
    if (rc == CC_OK) {
        sqlite3_bind_int64(s, 1, im->source_id);
        sqlite3_bind_text(s, 2, im->p->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, im->source_key, -1, SQLITE_STATIC);
        rc = step_done(im, s, err);
        res->version = 1 + sqlite3_changes(im->st->db);
        sqlite3_finalize(s);
    }
    if (rc == CC_OK && res->version > 1) {
        sqlite3_stmt *c;
        if (store_prepare(im->st, &c,
                          "SELECT count(*) FROM sources WHERE plugin=?1 AND source_key=?2",
                          err) == CC_OK) {
            sqlite3_bind_text(c, 1, im->p->name, -1, SQLITE_STATIC);
            sqlite3_bind_text(c, 2, im->source_key, -1, SQLITE_STATIC);
            if (sqlite3_step(c) == SQLITE_ROW)
                res->version = sqlite3_column_int(c, 0);
            sqlite3_finalize(c);
        }
    }
    sbuf_free(&reasons);
    sbuf_free(&scope);
    return rc;
}

static int existing_source(struct store *st, const char *plugin, const char *sha, int64_t *id)
{
    sqlite3_stmt *s;
    int found = 0;

    if (sqlite3_prepare_v2(st->db, "SELECT id FROM sources WHERE plugin=?1 AND sha256=?2", -1,
                           &s, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(s, 1, plugin, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, sha, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) {
        *id = sqlite3_column_int64(s, 0);
        found = 1;
    }
    sqlite3_finalize(s);
    return found;
}

static int insert_source(struct importer *im, const char *path, const char *sha,
                         long long bytes, struct cc_error *err)
{
    sqlite3_stmt *s;
    char now[21];
    int rc = store_prepare(im->st, &s,
                           "INSERT INTO sources(plugin, plugin_version, identity_version, body,"
                           " source_key, path, sha256, bytes, imported_at)"
                           " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
                           err);

    if (rc)
        return rc;
    cc_now_iso(now);
    sqlite3_bind_text(s, 1, im->p->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, im->p->version, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 3, im->p->identity_version);
    sqlite3_bind_text(s, 4, im->p->body, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, im->source_key, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, path, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 7, sha, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 8, bytes);
    sqlite3_bind_text(s, 9, now, -1, SQLITE_STATIC);
    rc = step_done(im, s, err);
    sqlite3_finalize(s);
    im->source_id = sqlite3_last_insert_rowid(im->st->db);
    return rc;
}

/* ---------------------------------------------------------------- recorded records */

/*
 * What import_parse keeps of a plugin's output: every record the emitters
 * validated, deep-copied into an arena, in emission order, each with the row
 * that was current when it was emitted (the row error messages name).
 * Strings that repeat across records (event keys, units, codes, cases) are
 * stored once per batch.
 *
 * Records travel in batches. For the daemon a parse fills batches that all wait
 * for the writer. import_file streams: the parse runs on a thread of its own and
 * hands each full batch to the writer through a short queue, so that the plugin
 * (Lua) and SQLite work at the same time on two cores, and memory stays flat
 * whatever the size of the file.
 */
enum { R_EVENT, R_ASSESSMENT, R_RECOMMENDATION, R_UNIT, R_SCOPE };

struct rnode {
    struct rnode *next;
    const char *row_now;
    int kind;
    /* the claim_* record follows */
};

struct chunk {
    struct chunk *next;
    size_t size, used;
    _Alignas(max_align_t) char data[];
};

#define CHUNK_SIZE (256 * 1024)
/* A streamed batch is handed over at this size; at most QUEUE_MAX wait. */
#define BATCH_BYTES (512 * 1024)
#define QUEUE_MAX 8

struct batch {
    struct batch *next;
    struct chunk *chunks;
    size_t bytes;
    struct rnode *first, *last;
};

struct import_parsed {
    char *path, *plugin_name;
    char sha[65];
    long long bytes;
    size_t memory;
    size_t nrecords;
    struct batch *filling;     /* the batch the parse writes to */
    struct batch *head, *tail; /* batches handed over, in order */
    struct strmap interned;    /* string -> its copy in the filling batch */
    const char *memo[8];       /* per field of an assessment: its last copy */
    const char *last_row;
    struct parse_stats ps;
    int parse_rc;              /* the parse's own status, reported after its records */
    struct cc_error parse_err;
    double seconds;
    /* Streaming (import_file): the queue between the parse thread and the writer. */
    bool streaming, finished, progress;
    /* With priv, the parse thread puts pseudonyms in assessments (case, key, text),
     * work the writer would otherwise do. */
    struct privacy *priv;
    struct pseudonyms pseud;
    size_t queued;
    atomic_int stop;           /* the writer is done: the parse stops at its next record */
    uv_mutex_t lock;
    uv_cond_t changed;
};

static void batch_free(struct batch *b)
{
    for (struct chunk *c = b->chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(b);
}

static void *arena_alloc(struct import_parsed *ip, size_t n, size_t align)
{
    if (ip->filling == NULL)
        ip->filling = xcalloc(1, sizeof *ip->filling);
    struct batch *b = ip->filling;
    struct chunk *c = b->chunks;
    size_t at = c ? (c->used + align - 1) & ~(align - 1) : 0;

    if (c == NULL || at + n > c->size) {
        size_t size = n > CHUNK_SIZE ? n : CHUNK_SIZE;
        c = xmalloc(sizeof *c + size);
        c->next = b->chunks;
        c->size = size;
        c->used = 0;
        b->chunks = c;
        b->bytes += sizeof *c + size;
        ip->memory += sizeof *c + size;
        at = 0;
    }
    c->used = at + n;
    return c->data + at;
}

/* Hands the filling batch to the writer; a streaming parse waits while the queue is full. */
static void hand_over(struct import_parsed *ip)
{
    struct batch *b = ip->filling;

    if (b == NULL)
        return;
    ip->filling = NULL;
    ip->last_row = NULL;
    memset(ip->memo, 0, sizeof ip->memo);
    strmap_free(&ip->interned);
    strmap_init(&ip->interned);
    if (b->first == NULL) {
        batch_free(b);
        return;
    }
    uv_mutex_lock(&ip->lock);
    while (ip->streaming && ip->queued >= QUEUE_MAX && !atomic_load(&ip->stop))
        uv_cond_wait(&ip->changed, &ip->lock);
    if (ip->tail)
        ip->tail->next = b;
    else
        ip->head = b;
    ip->tail = b;
    ip->queued++;
    uv_cond_broadcast(&ip->changed);
    uv_mutex_unlock(&ip->lock);
}

/* The parse is over: its last batch goes, and the writer stops waiting for more. */
static void parse_finished(struct import_parsed *ip)
{
    hand_over(ip);
    uv_mutex_lock(&ip->lock);
    ip->finished = true;
    uv_cond_broadcast(&ip->changed);
    uv_mutex_unlock(&ip->lock);
}

static const char *arena_str(struct import_parsed *ip, const char *s)
{
    if (s == NULL)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = arena_alloc(ip, n, 1);
    memcpy(d, s, n);
    return d;
}

static const char *arena_intern(struct import_parsed *ip, const char *s)
{
    int64_t v;

    if (s == NULL)
        return NULL;
    size_t n = strlen(s);
    if (strmap_get(&ip->interned, s, n, &v))
        return (const char *)(intptr_t)v;
    const char *d = arena_str(ip, s);
    strmap_put(&ip->interned, s, n, (int64_t)(intptr_t)d);
    return d;
}

/* arena_intern, first asking whether the field has the value it had last time
 * (the same event, framework, unit row after row): one strcmp, no hashing. */
static const char *arena_memo(struct import_parsed *ip, int field, const char *s)
{
    const char *last = ip->memo[field];

    if (s == NULL)
        return NULL;
    if (last && strcmp(last, s) == 0)
        return last;
    return ip->memo[field] = arena_intern(ip, s);
}

/* Consecutive records of one row share its text. */
static const char *arena_row(struct import_parsed *ip, const char *row)
{
    if (row == NULL)
        return NULL;
    if (ip->last_row == NULL || strcmp(ip->last_row, row) != 0)
        ip->last_row = arena_str(ip, row);
    return ip->last_row;
}

struct recorder {
    struct import_parsed *ip;
    struct lua_source *src;
    const atomic_int *cancel;
    struct sbuf key, text; /* privatised key and text, before they are copied */
};

static void record_source(void *ctx, struct lua_source *src)
{
    struct recorder *r = ctx;

    r->src = src;
}

static void *record_node(struct recorder *r, int kind, size_t size, const char *row)
{
    struct import_parsed *ip = r->ip;
    struct rnode *n = arena_alloc(ip, sizeof *n + size, _Alignof(max_align_t));
    const char *now = lua_api_current_row(r->src);
    struct batch *b = ip->filling;

    n->next = NULL;
    n->kind = kind;
    n->row_now = row && strcmp(row, now) == 0 ? row : arena_row(ip, now);
    if (b->last)
        b->last->next = n;
    else
        b->first = n;
    b->last = n;
    ip->nrecords++;
    return n + 1;
}

/* Before each record: stop if asked to; a full streamed batch goes to the writer. */
static int record_check(struct recorder *r, struct cc_error *err)
{
    struct import_parsed *ip = r->ip;

    if (r->cancel && atomic_load(r->cancel))
        return cc_fail(err, CC_EBUSY, "stopped before the end: shutting down");
    if (atomic_load(&ip->stop))
        return cc_fail(err, CC_EBUSY, "stopped before the end: the import failed");
    if (ip->streaming && ip->filling && ip->filling->bytes >= BATCH_BYTES)
        hand_over(ip);
    return CC_OK;
}

static int record_event(void *ctx, const struct claim_event *e, struct cc_error *err)
{
    struct recorder *r = ctx;
    struct import_parsed *ip = r->ip;
    int rc = record_check(r, err);

    if (rc)
        return rc;
    const char *row = arena_row(ip, e->row);
    struct claim_event *c = record_node(r, R_EVENT, sizeof *c, row);
    *c = *e;
    c->row = row;
    c->key = arena_intern(ip, e->key);
    c->kind = arena_intern(ip, e->kind);
    c->unit = arena_intern(ip, e->unit);
    c->title = arena_str(ip, e->title);
    c->reference = arena_str(ip, e->reference);
    return CC_OK;
}

static int record_assessment(void *ctx, const struct claim_assessment *a, struct cc_error *err)
{
    struct recorder *r = ctx;
    struct import_parsed *ip = r->ip;
    int rc = record_check(r, err);

    if (rc)
        return rc;
    const char *key = a->key, *text = a->text, *ref = a->case_ref;
    if (ip->priv) {
        /* As store_assessment would, here on the parse's thread; the case's
         * pseudonym last, as it is valid only until the next one. */
        key = privatise(&ip->pseud, key, &r->key);
        text = privatise(&ip->pseud, text, &r->text);
        if (ref)
            ref = case_ref(&ip->pseud, ref, strlen(ref));
    }
    const char *row = arena_row(ip, a->row);
    struct claim_assessment *c = record_node(r, R_ASSESSMENT, sizeof *c, row);
    *c = *a;
    c->row = row;
    c->case_ref = arena_memo(ip, 0, ref);
    c->key = arena_str(ip, key);
    c->event = arena_memo(ip, 1, a->event);
    c->unit = arena_memo(ip, 2, a->unit);
    c->framework = arena_memo(ip, 3, a->framework);
    c->code = arena_memo(ip, 4, a->code);
    c->strand = arena_memo(ip, 5, a->strand);
    c->rating = arena_memo(ip, 6, a->rating);
    c->text = arena_str(ip, text);
    c->key_hash = ip->priv ? identity_hash(ip->plugin_name, c->key) : 0;
    return CC_OK;
}

static int record_recommendation(void *ctx, const struct claim_recommendation *x,
                                 struct cc_error *err)
{
    struct recorder *r = ctx;
    struct import_parsed *ip = r->ip;
    int rc = record_check(r, err);

    if (rc)
        return rc;
    const char *row = arena_row(ip, x->row);
    struct claim_recommendation *c = record_node(r, R_RECOMMENDATION, sizeof *c, row);
    *c = *x;
    c->row = row;
    c->key = arena_str(ip, x->key);
    c->event = arena_intern(ip, x->event);
    c->unit = arena_intern(ip, x->unit);
    c->text = arena_str(ip, x->text);
    c->framework = arena_intern(ip, x->framework);
    c->code = arena_intern(ip, x->code);
    c->owner = arena_intern(ip, x->owner);
    c->status = arena_intern(ip, x->status);
    return CC_OK;
}

static int record_unit(void *ctx, const struct claim_unit *u, struct cc_error *err)
{
    struct recorder *r = ctx;
    struct import_parsed *ip = r->ip;
    int rc = record_check(r, err);

    if (rc)
        return rc;
    const char *row = arena_row(ip, u->row);
    struct claim_unit *c = record_node(r, R_UNIT, sizeof *c, row);
    c->row = row;
    c->code = arena_intern(ip, u->code);
    c->name = arena_intern(ip, u->name);
    c->type = arena_intern(ip, u->type);
    c->parent = arena_intern(ip, u->parent);
    return CC_OK;
}

static int record_scope(void *ctx, const struct claim_scope *s, struct cc_error *err)
{
    struct recorder *r = ctx;
    struct import_parsed *ip = r->ip;
    int rc = record_check(r, err);

    if (rc)
        return rc;
    struct claim_scope *c = record_node(r, R_SCOPE, sizeof *c, NULL);
    *c = *s;
    c->key = arena_str(ip, s->key);
    if (s->units) {
        const char **units = arena_alloc(ip, (s->nunits + 1) * sizeof *units, _Alignof(max_align_t));
        for (size_t i = 0; i < s->nunits; i++)
            units[i] = arena_intern(ip, s->units[i]);
        units[s->nunits] = NULL;
        c->units = units;
    }
    return CC_OK;
}

/*
 * The next batch to store: for the daemon, the next in the list (kept, as a
 * busy database means the same records are stored again later); streaming,
 * the next the parse thread hands over, waiting for it, or NULL at the end.
 */
static struct batch *next_batch(struct import_parsed *ip, struct batch *prev)
{
    struct batch *b;

    if (!ip->streaming)
        return prev ? prev->next : ip->head;
    if (prev)
        batch_free(prev);
    uv_mutex_lock(&ip->lock);
    while (ip->head == NULL && !ip->finished)
        uv_cond_wait(&ip->changed, &ip->lock);
    b = ip->head;
    if (b) {
        ip->head = b->next;
        if (ip->head == NULL)
            ip->tail = NULL;
        ip->queued--;
        uv_cond_broadcast(&ip->changed);
    }
    uv_mutex_unlock(&ip->lock);
    return b;
}

/* Feeds the recorded records to the importer's sink, as the plugin emitted them. */
static int replay(struct importer *im, struct import_parsed *ip, struct claim_sink *sink,
                  struct parse_stats *ps, struct cc_error *err)
{
    struct batch *b = NULL;

    while ((b = next_batch(ip, b)) != NULL) {
        for (const struct rnode *n = b->first; n; n = n->next) {
            const void *rec = n + 1;
            struct cc_error e2 = { 0 };
            int rc = CC_OK;

            switch (n->kind) {
            case R_EVENT:
                rc = sink->event(sink->ctx, rec, &e2);
                break;
            case R_ASSESSMENT:
                rc = sink->assessment(sink->ctx, rec, &e2);
                break;
            case R_RECOMMENDATION:
                rc = sink->recommendation(sink->ctx, rec, &e2);
                break;
            case R_UNIT:
                rc = sink->unit(sink->ctx, rec, &e2);
                break;
            case R_SCOPE:
                rc = sink->scope(sink->ctx, rec, &e2);
                break;
            }
            if (rc != CC_OK) {
                /* As plugin_parse words a sink's error: the emitter keeps its
                 * first 1535 bytes, the message adds plugin, file and row. */
                char reason[1536];
                snprintf(reason, sizeof reason, "%.1535s", e2.msg);
                if (*n->row_now)
                    rc = cc_fail(err, rc, "%s:%s:%s: %s", im->p->name, ip->path, n->row_now,
                                 reason);
                else
                    rc = cc_fail(err, rc, "%s:%s: %s", im->p->name, ip->path, reason);
                if (ip->streaming)
                    batch_free(b);
                return rc;
            }
        }
        /* Grouped answers point into this batch, which goes with the next. */
        int rc = flush_answers(im, err);
        if (rc != CC_OK) {
            if (ip->streaming)
                batch_free(b);
            return rc;
        }
    }
    if (ip->parse_rc != CC_OK)
        return cc_fail(err, ip->parse_rc, "%s", ip->parse_err.msg);
    parse_stats_free(ps);
    *ps = ip->ps;
    parse_stats_init(&ip->ps);
    return CC_OK;
}

/* ---------------------------------------------------------------- the import */

/* import_file's parse, on a thread of its own while the writer stores. */
struct parse_thread {
    struct import_parsed *ip;
    const struct plugin_registry *reg;
    struct cc_error err; /* unused: the parse's status travels in ip */
    bool running;
    uv_thread_t thread;
};

static void parse_thread_main(void *arg)
{
    struct parse_thread *t = arg;

    import_parse(t->ip, t->reg, NULL, &t->err);
}

/*
 * Everything after choosing the plugin, in one transaction: the records come
 * from the parse, streamed from its thread (import_file) or recorded before
 * (the daemon).
 */
/* Files smaller than this commit in a moment anyway: no writeback thread. */
#define WRITEBACK_MIN_BYTES (8LL << 20)

static int import_run(struct store *st, const struct import_env *env, const char *path,
                      const char *sha, long long bytes, const struct import_options *opt,
                      struct import_parsed *rec, double t0, struct import_result *res,
                      struct cc_error *err)
{
    struct importer im = { 0 };
    struct parse_thread parser = { rec, env->reg, { 0 }, false, 0 };
    struct parse_stats ps;
    long retired = 0;
    int rc;

    parse_stats_init(&ps);
    /* The importer makes every reference itself (sources, events, units), so
     * SQLite's per-row foreign-key checks and the statement journals they
     * force are pure cost here; other commands keep them on. */
    store_exec(st, "PRAGMA foreign_keys = OFF", NULL);
    rc = store_begin_write(st, opt->wait_seconds, err);
    if (rc) {
        store_exec(st, "PRAGMA foreign_keys = ON", NULL);
        return rc;
    }
    if (existing_source(st, res->plugin->name, sha, &res->source_id)) {
        store_rollback(st);
        store_exec(st, "PRAGMA foreign_keys = ON", NULL);
        res->outcome = IMPORT_UNCHANGED;
        res->seconds = cc_monotonic() - t0;
        return CC_OK;
    }

    im.st = st;
    im.p = res->plugin;
    im.norm = env->norm;
    im.priv = env->priv;
    pseudonyms_init(&im.ps, env->priv);
    im.assessments_private = rec->priv != NULL;
    strmap_init(&im.agg_index);
    im.agg_ev = SIZE_MAX;
    im.group.ev = SIZE_MAX;
    im.last_ev = SIZE_MAX;
    for (size_t i = 0; i < sizeof im.agg_hint / sizeof im.agg_hint[0]; i++)
        im.agg_hint[i] = -1;
    sbuf_init(&im.keybuf);
    sbuf_init(&im.textbuf[0]);
    sbuf_init(&im.textbuf[1]);
    im.err = err;
    im.source_key = xstrdup(cc_basename(path));
    im.scope_from = im.scope_to = CLAIM_NO_DATE;
    strmap_init(&im.events);
    unit_resolver_init(&im.units, st);
    unit_resolver_accept_fuzzy(&im.units, opt->accept_fuzzy);

    struct claim_sink sink = { &im, sink_event, sink_assessment, sink_recommendation, sink_unit,
                               sink_scope, NULL };
    rc = privacy_bind(env->priv, st, err);
    if (rc == CC_OK)
        rc = normaliser_sync(env->norm, st, err);
    if (rc == CC_OK)
        rc = insert_source(&im, path, sha, bytes, err);
    if (rc == CC_OK)
        rc = prepare_all(&im);
    /* A large file's pages go to disk while it is stored, not all at the commit. */
    struct writeback *wb = rc == CC_OK && bytes >= WRITEBACK_MIN_BYTES ? writeback_start(st->path)
                                                                       : NULL;
    if (rc == CC_OK && rec->streaming) {
        if (uv_thread_create(&parser.thread, parse_thread_main, &parser) == 0)
            parser.running = true;
        else
            rc = cc_fail(err, CC_ESOFTWARE, "%s: cannot start a thread to parse it", path);
    }
    if (rc == CC_OK)
        rc = replay(&im, rec, &sink, &ps, err);
    if (parser.running) {
        /* Whatever happened, the parse ends here: asked to stop if it has not. */
        uv_mutex_lock(&rec->lock);
        atomic_store(&rec->stop, 1);
        uv_cond_broadcast(&rec->changed);
        uv_mutex_unlock(&rec->lock);
        uv_thread_join(&parser.thread);
    }
    if (rc == CC_OK)
        rc = store_aggregates(&im, err);
    if (rc == CC_OK)
        rc = retire(&im, &retired, err);
    if (rc == CC_OK)
        rc = finish_source(&im, &ps, retired, res, err);
    finalize_all(&im);
    if (rc == CC_OK)
        rc = store_commit(st, err);
    else
        store_rollback(st);
    writeback_stop(wb);
    store_exec(st, "PRAGMA foreign_keys = ON", NULL);
    /* Names that did not resolve are kept (outside the rolled-back import) so
     * that a person can confirm one: concord units --unresolved. */
    if (rc != CC_OK)
        unit_record_unresolved(st, &im.units, path);

    res->outcome = IMPORT_IMPORTED;
    res->source_id = im.source_id;
    res->rows_read = ps.rows_read;
    res->rows_emitted = ps.rows_emitted;
    res->rows_skipped = ps.rows_skipped;
    res->records = ps.records;
    res->records_new = im.n_new;
    res->records_updated = im.n_updated;
    res->records_unchanged = im.n_unchanged;
    res->records_retired = retired;
    res->events = im.counts[T_EVENT];
    res->assessments = im.counts[T_ASSESSMENT] + im.counts[T_CASE];
    res->recommendations = im.counts[T_RECOMMENDATION];
    res->seconds = cc_monotonic() - t0;

    parse_stats_free(&ps);
    for (size_t i = 0; i < im.nevs; i++) {
        free(im.evs[i].key);
        free(im.evs[i].identity);
    }
    pseudonyms_free(&im.ps);
    free(im.aggs);
    free(im.group.seen);
    strmap_free(&im.agg_index);
    res->records_unmapped = im.n_unmapped;
    res->records_derived = im.n_derived;
    sbuf_free(&im.keybuf);
    sbuf_free(&im.textbuf[0]);
    sbuf_free(&im.textbuf[1]);
    unit_resolver_free(&im.units);
    strmap_free(&im.events);
    free(im.evs);
    free(im.scope_units);
    free(im.source_key);
    return rc;
}

int import_file(struct store *st, const struct import_env *env, const char *path,
                const struct import_options *opt, struct import_result *res,
                struct cc_error *err)
{
    struct import_parsed *ip;
    double t0 = cc_monotonic();
    int rc;

    memset(res, 0, sizeof *res);
    rc = import_identify(env->reg, path, opt->plugin, &ip, err);
    if (rc)
        return rc;
    res->plugin = plugin_find(env->reg, ip->plugin_name);
    ip->streaming = true;
    ip->progress = opt->progress;
    import_parsed_pseudonymise(ip, env->priv); /* known before the writer starts */
    rc = import_run(st, env, path, ip->sha, ip->bytes, opt, ip, t0, res, err);
    import_parsed_free(ip);
    return rc;
}

/* ---------------------------------------------------------------- in two phases */

int import_identify(struct plugin_registry *reg, const char *path, const char *plugin,
                    struct import_parsed **out, struct cc_error *err)
{
    struct import_parsed *ip = xcalloc(1, sizeof *ip);
    const struct plugin_info *p = NULL;
    int rc;

    *out = NULL;
    ip->path = xstrdup(path);
    strmap_init(&ip->interned);
    parse_stats_init(&ip->ps);
    uv_mutex_init(&ip->lock);
    uv_cond_init(&ip->changed);
    rc = cc_sha256_file(path, ip->sha, &ip->bytes, err);
    if (rc == CC_OK && plugin) {
        p = plugin_find(reg, plugin);
        if (p == NULL)
            rc = cc_fail(err, CC_EUSAGE, "no plugin named '%s' (see 'concord plugins list')",
                         plugin);
    } else if (rc == CC_OK) {
        rc = plugin_choose(reg, path, &p, err);
    }
    if (rc) {
        import_parsed_free(ip);
        return rc;
    }
    ip->plugin_name = xstrdup(p->name);
    *out = ip;
    return CC_OK;
}

/* plugin_parse with a recording sink; the records end with the parse's status. */
int import_parse(struct import_parsed *ip, const struct plugin_registry *reg,
                 const atomic_int *cancel, struct cc_error *err)
{
    const struct plugin_info *p = plugin_find(reg, ip->plugin_name);
    struct recorder r = { ip, NULL, cancel, { 0 }, { 0 } };
    struct claim_sink sink = { &r,          record_event, record_assessment, record_recommendation,
                               record_unit, record_scope, record_source };
    double t0 = cc_monotonic();
    int rc;

    sbuf_init(&r.key);
    sbuf_init(&r.text);
    if (ip->priv)
        pseudonyms_init(&ip->pseud, ip->priv);
    if (p == NULL)
        rc = cc_fail(err, CC_EUSAGE, "no plugin named '%s' (see 'concord plugins list')",
                     ip->plugin_name);
    else
        rc = plugin_parse(reg, p, ip->path, ip->progress, &sink, &ip->ps, err);
    if (ip->priv)
        pseudonyms_free(&ip->pseud);
    sbuf_free(&r.key);
    sbuf_free(&r.text);
    if (rc && cancel && atomic_load(cancel))
        rc = cc_fail(err, CC_EBUSY, "%s: parse stopped: shutting down", ip->path);
    if (rc) {
        ip->parse_rc = rc;
        cc_fail(&ip->parse_err, rc, "%s", err->msg);
    }
    ip->seconds = cc_monotonic() - t0;
    parse_finished(ip);
    return rc;
}

int import_store(struct store *st, const struct import_env *env, struct import_parsed *ip,
                 const struct import_options *opt, struct import_result *res,
                 struct cc_error *err)
{
    double t0 = cc_monotonic();

    memset(res, 0, sizeof *res);
    res->plugin = plugin_find(env->reg, ip->plugin_name);
    if (res->plugin == NULL)
        return cc_fail(err, CC_EUSAGE, "no plugin named '%s' (see 'concord plugins list')",
                       ip->plugin_name);
    return import_run(st, env, ip->path, ip->sha, ip->bytes, opt, ip, t0, res, err);
}

void import_parsed_pseudonymise(struct import_parsed *ip, struct privacy *priv)
{
    ip->priv = priv;
}

void import_parsed_drop_records(struct import_parsed *ip)
{
    if (ip == NULL)
        return;
    for (struct batch *b = ip->head, *next; b; b = next) {
        next = b->next;
        batch_free(b);
    }
    if (ip->filling)
        batch_free(ip->filling);
    ip->filling = ip->head = ip->tail = NULL;
    ip->queued = 0;
    ip->last_row = NULL;
    memset(ip->memo, 0, sizeof ip->memo);
    ip->memory = 0;
    strmap_free(&ip->interned);
    strmap_init(&ip->interned);
}

void import_parsed_free(struct import_parsed *ip)
{
    if (ip == NULL)
        return;
    import_parsed_drop_records(ip);
    strmap_free(&ip->interned);
    parse_stats_free(&ip->ps);
    uv_mutex_destroy(&ip->lock);
    uv_cond_destroy(&ip->changed);
    free(ip->path);
    free(ip->plugin_name);
    free(ip);
}

const char *import_parsed_sha256(const struct import_parsed *ip)
{
    return ip->sha;
}

const char *import_parsed_plugin(const struct import_parsed *ip)
{
    return ip->plugin_name;
}

long long import_parsed_bytes(const struct import_parsed *ip)
{
    return ip->bytes;
}

size_t import_parsed_records(const struct import_parsed *ip)
{
    return ip->nrecords;
}

size_t import_parsed_memory(const struct import_parsed *ip)
{
    return ip->memory + ip->interned.cap * 32;
}

double import_parsed_seconds(const struct import_parsed *ip)
{
    return ip->seconds;
}

bool import_known(struct store *st, const char *plugin, const char *sha256, int64_t *id)
{
    return existing_source(st, plugin, sha256, id) != 0;
}
