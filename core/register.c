/* SPDX-License-Identifier: MIT */
#include "register.h"

#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox.h"

/* ---------------------------------------------------------------- normalising */

struct span {
    const char *s;
    size_t n;
};

static bool span_is(struct span w, const char *lit)
{
    size_t n = strlen(lit);

    return w.n == n && memcmp(w.s, lit, n) == 0;
}

/* The one-word replacements for three-word phrases (unit_normalise rule 3). */
static const char *const phrases[][4] = {
    { "community", "rehabilitation", "company", "crc" },
    { "national", "probation", "service", "nps" },
    { "probation", "delivery", "unit", "pdu" },
};

void unit_normalise(const char *in, struct sbuf *out)
{
    struct sbuf raw;
    size_t *start = NULL, *len = NULL, n = 0, cap = 0;
    bool open = false;

    /* Rule 1: words, stored back to back in raw (so adjacent words are adjacent bytes). */
    sbuf_init(&raw);
    sbuf_adds(&raw, "");
    for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
        unsigned char c = *p;
        bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
        if (c == '\'' || c == '`')
            continue;
        if (c == 0xE2 && p[1] == 0x80 && (p[2] == 0x98 || p[2] == 0x99)) {
            p += 2; /* U+2018, U+2019: apostrophes */
            continue;
        }
        if (c == 0xE2 && p[1] == 0x80 && (p[2] == 0x93 || p[2] == 0x94)) {
            p += 2; /* U+2013, U+2014: dashes */
            open = false;
            continue;
        }
        if (c == 0xC2 && p[1] == 0xA0) {
            p++; /* U+00A0: no-break space */
            open = false;
            continue;
        }
        if (!word && c < 0x80 && c != '&') {
            open = false;
            continue;
        }
        if (!open || c == '&') {
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                start = xrealloc(start, cap * sizeof *start);
                len = xrealloc(len, cap * sizeof *len);
            }
            start[n] = raw.len;
            len[n++] = 0;
            open = true;
        }
        if (c == '&') {
            sbuf_adds(&raw, "and");
            len[n - 1] = 3;
            open = false;
            continue;
        }
        sbuf_addc(&raw, (char)((c >= 'A' && c <= 'Z') ? c + 32 : c));
        len[n - 1]++;
    }

    /* Rules 2 and 3. */
    struct span *w = xmalloc((n ? n : 1) * sizeof *w);
    size_t m = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && len[j] == 1 && raw.s[start[j]] >= 'a' && raw.s[start[j]] <= 'z')
            j++;
        if (j - i >= 2) {
            w[m++] = (struct span){ raw.s + start[i], j - i };
            i = j;
            continue;
        }
        bool replaced = false;
        for (size_t k = 0; k < sizeof phrases / sizeof phrases[0] && i + 2 < n; k++) {
            if (span_is((struct span){ raw.s + start[i], len[i] }, phrases[k][0]) &&
                span_is((struct span){ raw.s + start[i + 1], len[i + 1] }, phrases[k][1]) &&
                span_is((struct span){ raw.s + start[i + 2], len[i + 2] }, phrases[k][2])) {
                w[m++] = (struct span){ phrases[k][3], 3 };
                i += 3;
                replaced = true;
                break;
            }
        }
        if (!replaced) {
            w[m++] = (struct span){ raw.s + start[i], len[i] };
            i++;
        }
    }
    /* Rule 4. */
    while (m > 1 && (span_is(w[m - 1], "ltd") || span_is(w[m - 1], "limited")))
        m--;
    if (m > 1 && span_is(w[m - 1], "pdu"))
        m--;
    /* Rule 5. */
    sbuf_reset(out);
    sbuf_adds(out, "");
    for (size_t i = 0; i < m; i++) {
        if (i)
            sbuf_addc(out, ' ');
        sbuf_addn(out, w[i].s, w[i].n);
    }
    free(w);
    free(start);
    free(len);
    sbuf_free(&raw);
}

/* ---------------------------------------------------------------- similarity */

static double jaro(const char *a, size_t la, const char *b, size_t lb)
{
    if (la == 0 && lb == 0)
        return 1;
    if (la == 0 || lb == 0)
        return 0;
    size_t win = (la > lb ? la : lb) / 2;
    win = win ? win - 1 : 0;
    unsigned char *ma = xcalloc(la + lb, 1), *mb = ma + la;
    size_t m = 0, t = 0, k = 0;

    for (size_t i = 0; i < la; i++) {
        size_t lo = i > win ? i - win : 0, hi = i + win + 1 < lb ? i + win + 1 : lb;
        for (size_t j = lo; j < hi; j++) {
            if (!mb[j] && a[i] == b[j]) {
                ma[i] = mb[j] = 1;
                m++;
                break;
            }
        }
    }
    for (size_t i = 0; i < la && m; i++) {
        if (!ma[i])
            continue;
        while (!mb[k])
            k++;
        if (a[i] != b[k])
            t++;
        k++;
    }
    free(ma);
    if (m == 0)
        return 0;
    double dm = (double)m;
    return (dm / (double)la + dm / (double)lb + (dm - (double)t / 2) / dm) / 3;
}

static double jaro_winkler(const char *a, size_t la, const char *b, size_t lb)
{
    double j = jaro(a, la, b, lb);

    if (j > 0.7) {
        size_t l = 0;
        while (l < 4 && l < la && l < lb && a[l] == b[l])
            l++;
        j += (double)l * 0.1 * (1 - j);
    }
    return j;
}

/* The words of a normalised name, without "and". */
static size_t words_of(const char *s, struct span **out)
{
    size_t cap = 1, n = 0;

    for (const char *p = s; *p; p++)
        cap += *p == ' ';
    *out = xmalloc(cap * sizeof **out);
    while (*s) {
        const char *e = strchr(s, ' ');
        size_t l = e ? (size_t)(e - s) : strlen(s);
        struct span w = { s, l };
        if (l && !span_is(w, "and"))
            (*out)[n++] = w;
        s += l;
        while (*s == ' ')
            s++;
    }
    return n;
}

static double word_similarity(struct span x, struct span y)
{
    double j = jaro_winkler(x.s, x.n, y.s, y.n);

    if ((x.n == 1 || y.n == 1) && x.n && y.n && x.s[0] == y.s[0] && j < 0.8)
        j = 0.8; /* an initial: "S Tyneside", "M Keynes" */
    return j;
}

double unit_similarity(const char *a, const char *b)
{
    struct span *wa, *wb;
    size_t na = words_of(a, &wa), nb = words_of(b, &wb);
    double whole = jaro_winkler(a, strlen(a), b, strlen(b)), tokens;

    if (na == 0 || nb == 0) {
        tokens = (na == 0 && nb == 0 && strcmp(a, b) == 0) ? 1 : 0;
    } else {
        /* Soft Jaccard: pair words one to one, most similar pair first. */
        double *sim = xmalloc(na * nb * sizeof *sim), matched = 0;
        unsigned char *used = xcalloc(na + nb, 1);
        for (size_t i = 0; i < na; i++)
            for (size_t j = 0; j < nb; j++)
                sim[i * nb + j] = word_similarity(wa[i], wb[j]);
        for (;;) {
            size_t bi = 0, bj = 0;
            double best = -1;
            for (size_t i = 0; i < na; i++) {
                for (size_t j = 0; j < nb && !used[i]; j++) {
                    if (!used[na + j] && sim[i * nb + j] > best) {
                        best = sim[i * nb + j];
                        bi = i;
                        bj = j;
                    }
                }
            }
            if (best < 0.8)
                break;
            used[bi] = used[na + bj] = 1;
            matched += best;
        }
        tokens = matched / ((double)na + (double)nb - matched);
        free(sim);
        free(used);
    }
    free(wa);
    free(wb);
    return (whole + tokens) / 2;
}

/* Scores as messages show them: whole hundredths. */
static long hundredths(double x)
{
    return (long)floor(x * 100 + 0.5);
}

/* ---------------------------------------------------------------- loading */

static const char *const unit_types[] = { "NATIONAL", "REGION", "PDU", "LDU", "TEAM",
                                          "PROVIDER", "CRC", "NPS_DIVISION" };
#define N_UNIT_TYPES (sizeof unit_types / sizeof unit_types[0])

static bool known_type(const char *t)
{
    for (size_t i = 0; i < N_UNIT_TYPES; i++) {
        if (strcmp(t, unit_types[i]) == 0)
            return true;
    }
    return false;
}

static const char *opt_field(lua_State *L, int t, const char *k)
{
    lua_getfield(L, t, k);
    const char *s = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    lua_pop(L, 1); /* the string stays alive: it is in the table */
    return s;
}

static bool lookup_id(struct store *st, const char *sql, const char *arg, int64_t *id)
{
    sqlite3_stmt *s;
    bool found = false;

    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_text(s, 1, arg, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) {
        *id = sqlite3_column_int64(s, 0);
        found = true;
    }
    sqlite3_finalize(s);
    return found;
}

/* Steps a statement that returns no rows; an error names the file and unit. */
static int step_done(struct store *st, sqlite3_stmt *s, const char *path, const char *code,
                     struct cc_error *err)
{
    int rc = sqlite3_step(s) == SQLITE_DONE
                 ? CC_OK
                 : cc_fail(err, CC_EDATA, "%s: %s: %s", path, code, sqlite3_errmsg(st->db));
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc;
}

struct loader {
    struct store *st;
    const char *path;
    bool builtin;
    sqlite3_stmt *up, *origin, *par, *alias, *chk, *xw;
    struct sbuf norm;
};

static int add_alias(struct loader *ld, const char *a, const char *code, struct cc_error *err)
{
    int rc;

    unit_normalise(a, &ld->norm);
    if (ld->norm.len == 0)
        return cc_fail(err, CC_EDATA, "%s: unit %s: the name '%s' has no letters or digits",
                       ld->path, code, a);
    sqlite3_bind_text(ld->alias, 1, a, -1, SQLITE_STATIC);
    sqlite3_bind_text(ld->alias, 2, ld->norm.s, -1, SQLITE_STATIC);
    sqlite3_bind_text(ld->alias, 3, code, -1, SQLITE_STATIC);
    sqlite3_bind_text(ld->alias, 4, ld->builtin ? "register" : "config", -1, SQLITE_STATIC);
    rc = step_done(ld->st, ld->alias, ld->path, code, err);
    sqlite3_bind_text(ld->chk, 1, ld->norm.s, -1, SQLITE_STATIC);
    if (rc == CC_OK && sqlite3_step(ld->chk) == SQLITE_ROW &&
        strcmp((const char *)sqlite3_column_text(ld->chk, 0), code) != 0)
        cc_log(CC_LOG_WARN, "%s: the name '%s' of %s already means %s ('%s', %s)", ld->path, a,
               code, (const char *)sqlite3_column_text(ld->chk, 0),
               (const char *)sqlite3_column_text(ld->chk, 1),
               (const char *)sqlite3_column_text(ld->chk, 2));
    sqlite3_reset(ld->chk);
    return rc;
}

/* The origin of a unit already in the store, or NULL. */
static const char *unit_origin(struct loader *ld, const char *code)
{
    sqlite3_reset(ld->origin);
    sqlite3_bind_text(ld->origin, 1, code, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(ld->origin) == SQLITE_ROW)
        return (const char *)sqlite3_column_text(ld->origin, 0);
    return NULL;
}

static int load_unit_entry(struct loader *ld, lua_State *L, int t, lua_Integer i, int pass,
                           struct cc_error *err)
{
    const char *code = opt_field(L, t, "code"), *name = opt_field(L, t, "name");
    const char *type = opt_field(L, t, "type"), *parent = opt_field(L, t, "parent");
    int rc = CC_OK;

    if (!code)
        return cc_fail(err, CC_EDATA, "%s: unit %lld: code is required", ld->path, (long long)i);
    /* A user register cannot change a built-in unit: it may add aliases to it. */
    const char *origin = unit_origin(ld, code);
    bool aliases_only = !ld->builtin && origin && strcmp(origin, "register") == 0;
    if (aliases_only && pass == 0 && type) {
        const char *have = (const char *)sqlite3_column_text(ld->origin, 1);
        if (strcmp(have, type) != 0)
            cc_log(CC_LOG_WARN, "%s: %s is a %s in the built-in register; only the names given "
                   "for it here are used", ld->path, code, have);
    }
    sqlite3_reset(ld->origin);
    if (!aliases_only && (!name || !type))
        return cc_fail(err, CC_EDATA, "%s: unit %s: code, name and type are required", ld->path,
                       code);
    if (!aliases_only && !known_type(type))
        return cc_fail(err, CC_EDATA,
                       "%s: unit %s: type '%s' is not one of NATIONAL, REGION, PDU, LDU, TEAM, "
                       "PROVIDER, CRC, NPS_DIVISION",
                       ld->path, code, type);
    if (pass == 0) {
        if (aliases_only)
            return CC_OK;
        sqlite3_bind_text(ld->up, 1, code, -1, SQLITE_STATIC);
        sqlite3_bind_text(ld->up, 2, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(ld->up, 3, type, -1, SQLITE_STATIC);
        sqlite3_bind_text(ld->up, 4, opt_field(L, t, "valid_from"), -1, SQLITE_STATIC);
        sqlite3_bind_text(ld->up, 5, opt_field(L, t, "valid_to"), -1, SQLITE_STATIC);
        sqlite3_bind_text(ld->up, 6, ld->builtin ? "register" : "config", -1, SQLITE_STATIC);
        return step_done(ld->st, ld->up, ld->path, code, err);
    }
    if (!aliases_only) {
        int64_t pid = 0;
        if (parent && !lookup_id(ld->st, "SELECT id FROM units WHERE code = ?1", parent, &pid))
            return cc_fail(err, CC_EDATA, "%s: unit %s: parent '%s' is not in the register",
                           ld->path, code, parent);
        if (parent && strcmp(parent, code) == 0)
            return cc_fail(err, CC_EDATA, "%s: unit %s is its own parent", ld->path, code);
        sqlite3_bind_text(ld->par, 1, code, -1, SQLITE_STATIC);
        if (parent)
            sqlite3_bind_int64(ld->par, 2, pid);
        else
            sqlite3_bind_null(ld->par, 2);
        rc = step_done(ld->st, ld->par, ld->path, code, err);
    }
    /* The name and every alias resolve to the unit. */
    if (rc == CC_OK && name)
        rc = add_alias(ld, name, code, err);
    lua_getfield(L, t, "aliases");
    int na = lua_istable(L, -1) ? (int)lua_rawlen(L, -1) : 0;
    for (int j = 1; j <= na && rc == CC_OK; j++) {
        lua_rawgeti(L, -1, j);
        const char *a = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        if (a == NULL)
            rc = cc_fail(err, CC_EDATA, "%s: unit %s: alias %d is not a string", ld->path, code,
                         j);
        else
            rc = add_alias(ld, a, code, err);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return rc;
}

static int load_crosswalk_entry(struct loader *ld, lua_State *L, int t, lua_Integer i,
                                struct cc_error *err)
{
    static const char *const rels[] = { "equal", "subset", "superset", "intersects" };
    const char *from = opt_field(L, t, "from"), *to = opt_field(L, t, "to");
    const char *rel = opt_field(L, t, "relationship"), *note = opt_field(L, t, "note");
    int64_t fid, tid;
    bool ok = false;
    int rc;

    if (!from || !to || !rel)
        return cc_fail(err, CC_EDATA, "%s: crosswalk %lld: from, to and relationship are required",
                       ld->path, (long long)i);
    for (size_t k = 0; k < 4; k++)
        ok = ok || strcmp(rel, rels[k]) == 0;
    if (!ok)
        return cc_fail(err, CC_EDATA,
                       "%s: crosswalk %s -> %s: relationship '%s' is not equal, subset, superset "
                       "or intersects",
                       ld->path, from, to, rel);
    if (!lookup_id(ld->st, "SELECT id FROM units WHERE code = ?1", from, &fid))
        return cc_fail(err, CC_EDATA, "%s: crosswalk %s -> %s: no unit %s", ld->path, from, to,
                       from);
    if (!lookup_id(ld->st, "SELECT id FROM units WHERE code = ?1", to, &tid))
        return cc_fail(err, CC_EDATA, "%s: crosswalk %s -> %s: no unit %s", ld->path, from, to, to);
    lua_getfield(L, t, "inferred");
    bool inferred = lua_toboolean(L, -1);
    lua_pop(L, 1);
    /* How the link was made: an inference of ours is marked in the note. */
    struct sbuf n;
    sbuf_init(&n);
    if (inferred)
        sbuf_adds(&n, note ? "[inferred] " : "[inferred]");
    if (note)
        sbuf_adds(&n, note);
    sqlite3_bind_int64(ld->xw, 1, fid);
    sqlite3_bind_int64(ld->xw, 2, tid);
    sqlite3_bind_text(ld->xw, 3, rel, -1, SQLITE_STATIC);
    if (n.s)
        sqlite3_bind_text(ld->xw, 4, n.s, -1, SQLITE_TRANSIENT);
    rc = step_done(ld->st, ld->xw, ld->path, from, err);
    sbuf_free(&n);
    return rc;
}

/* Loads the table on top of L (a units.lua) into the store. */
static int load_register(struct store *st, lua_State *L, const char *path, bool builtin,
                         struct cc_error *err)
{
    struct loader ld = { st, path, builtin, NULL, NULL, NULL, NULL, NULL, NULL, { 0 } };
    int rc;

    sbuf_init(&ld.norm);
    rc = store_prepare(st, &ld.up,
                       "INSERT INTO units(code, name, type, valid_from, valid_to, origin)"
                       " VALUES (?1,?2,?3,?4,?5,?6) ON CONFLICT(code) DO UPDATE SET"
                       " name=excluded.name, type=excluded.type, valid_from=excluded.valid_from,"
                       " valid_to=excluded.valid_to, origin=excluded.origin",
                       err);
    if (rc == CC_OK)
        rc = store_prepare(st, &ld.origin, "SELECT origin, type FROM units WHERE code = ?1", err);
    if (rc == CC_OK)
        rc = store_prepare(st, &ld.par, "UPDATE units SET parent_id = ?2 WHERE code = ?1", err);
    if (rc == CC_OK)
        rc = store_prepare(st, &ld.alias,
                           "INSERT INTO unit_aliases(alias, norm, unit_id, method)"
                           " SELECT ?1, ?2, id, ?4 FROM units WHERE code = ?3"
                           " ON CONFLICT(norm) DO NOTHING",
                           err);
    if (rc == CC_OK)
        rc = store_prepare(st, &ld.chk,
                           "SELECT u.code, a.alias, a.method FROM unit_aliases a"
                           " JOIN units u ON u.id = a.unit_id WHERE a.norm = ?1",
                           err);
    if (rc == CC_OK)
        rc = store_prepare(st, &ld.xw,
                           "INSERT INTO unit_crosswalk(from_unit, to_unit, relationship, note)"
                           " VALUES (?1,?2,?3,?4) ON CONFLICT(from_unit, to_unit) DO UPDATE SET"
                           " relationship=excluded.relationship, note=excluded.note",
                           err);
    if (rc)
        goto done;

    lua_getfield(L, -1, "units");
    if (!lua_istable(L, -1)) {
        rc = cc_fail(err, CC_EDATA, "%s: 'units' must be a list", path);
        lua_pop(L, 1);
        goto done;
    }
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    /* Two passes: units first, then parents and names, so order in the file does not matter. */
    for (int pass = 0; pass < 2 && rc == CC_OK; pass++) {
        for (lua_Integer i = 1; i <= n && rc == CC_OK; i++) {
            lua_rawgeti(L, -1, i);
            int t = lua_gettop(L);
            if (!lua_istable(L, t))
                rc = cc_fail(err, CC_EDATA, "%s: unit %lld is not a table", path, (long long)i);
            else
                rc = load_unit_entry(&ld, L, t, i, pass, err);
            lua_settop(L, t - 1);
        }
    }
    lua_pop(L, 1);

    if (rc == CC_OK) {
        int ty = lua_getfield(L, -1, "crosswalk");
        if (ty == LUA_TTABLE) {
            n = (lua_Integer)lua_rawlen(L, -1);
            for (lua_Integer i = 1; i <= n && rc == CC_OK; i++) {
                lua_rawgeti(L, -1, i);
                int t = lua_gettop(L);
                if (!lua_istable(L, t))
                    rc = cc_fail(err, CC_EDATA, "%s: crosswalk %lld is not a table", path,
                                 (long long)i);
                else
                    rc = load_crosswalk_entry(&ld, L, t, i, err);
                lua_settop(L, t - 1);
            }
        } else if (ty != LUA_TNIL) {
            rc = cc_fail(err, CC_EDATA, "%s: 'crosswalk' must be a list", path);
        }
        lua_pop(L, 1);
    }
done:
    sqlite3_finalize(ld.up);
    sqlite3_finalize(ld.origin);
    sqlite3_finalize(ld.par);
    sqlite3_finalize(ld.alias);
    sqlite3_finalize(ld.chk);
    sqlite3_finalize(ld.xw);
    sbuf_free(&ld.norm);
    return rc;
}

/*
 * After a change to unit_normalise(), recomputes every stored norm. Where two
 * aliases now share a form, the stronger link stays (person, config,
 * register, exact, then fuzzy; older first) and the other is dropped with a
 * warning.
 */
static int renormalise_aliases(struct store *st, struct cc_error *err)
{
    sqlite3_stmt *sel = NULL, *upd = NULL, *del = NULL;
    struct sbuf norm;
    int rc;

    sbuf_init(&norm);
    rc = store_exec(st, "UPDATE unit_aliases SET norm = char(1) || id", err);
    if (rc == CC_OK)
        rc = store_prepare(st, &sel,
                           "SELECT a.id, a.alias, u.code FROM unit_aliases a"
                           " JOIN units u ON u.id = a.unit_id ORDER BY CASE a.method"
                           " WHEN 'person' THEN 0 WHEN 'config' THEN 1 WHEN 'register' THEN 2"
                           " WHEN 'fuzzy' THEN 9 ELSE 3 END, a.id",
                           err);
    if (rc == CC_OK)
        rc = store_prepare(st, &upd, "UPDATE OR IGNORE unit_aliases SET norm = ?2 WHERE id = ?1",
                           err);
    if (rc == CC_OK)
        rc = store_prepare(st, &del, "DELETE FROM unit_aliases WHERE id = ?1", err);
    while (rc == CC_OK && sqlite3_step(sel) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(sel, 0);
        unit_normalise((const char *)sqlite3_column_text(sel, 1), &norm);
        sqlite3_bind_int64(upd, 1, id);
        sqlite3_bind_text(upd, 2, norm.s, -1, SQLITE_STATIC);
        rc = step_done(st, upd, st->path, "re-normalising aliases", err);
        if (rc == CC_OK && (sqlite3_changes(st->db) == 0 || norm.len == 0)) {
            cc_log(CC_LOG_INFO, "alias '%s' of %s now normalises like another alias; dropped",
                   (const char *)sqlite3_column_text(sel, 1),
                   (const char *)sqlite3_column_text(sel, 2));
            sqlite3_bind_int64(del, 1, id);
            rc = step_done(st, del, st->path, "re-normalising aliases", err);
        }
    }
    sqlite3_finalize(sel);
    sqlite3_finalize(upd);
    sqlite3_finalize(del);
    sbuf_free(&norm);
    return rc;
}

struct regfile {
    char *path, *key;
    char sha[65];
    bool builtin, load;
};

static int sync_files(struct store *st, struct regfile *f, size_t nf, int wait_seconds,
                      struct cc_error *err)
{
    char have[80], version[16];
    bool renorm, any = false;
    long long bytes;
    int rc = CC_OK;

    snprintf(version, sizeof version, "%d", UNIT_NORM_VERSION);
    renorm = !store_meta_get(st, "unit_norm_version", have, sizeof have) ||
             strcmp(have, version) != 0;
    for (size_t i = 0; i < nf && rc == CC_OK; i++) {
        rc = cc_sha256_file(f[i].path, f[i].sha, &bytes, err);
        f[i].load = renorm || !store_meta_get(st, f[i].key, have, sizeof have) ||
                    strcmp(have, f[i].sha) != 0;
        any = any || f[i].load;
    }
    if (rc || !any)
        return rc;
    lua_State *L = sandbox_new(NULL);
    if (L == NULL)
        return cc_fail(err, CC_ESOFTWARE, "out of memory");
    rc = store_begin_write(st, wait_seconds, err);
    if (rc == CC_OK && renorm)
        rc = renormalise_aliases(st, err);
    for (size_t i = 0; i < nf && rc == CC_OK; i++) {
        if (!f[i].load)
            continue;
        rc = sandbox_run_data_file(L, f[i].path, err);
        if (rc == CC_OK)
            rc = load_register(st, L, f[i].path, f[i].builtin, err);
        lua_settop(L, 0);
        if (rc == CC_OK)
            rc = store_meta_set(st, f[i].key, f[i].sha, err);
    }
    if (rc == CC_OK)
        rc = store_meta_set(st, "unit_norm_version", version, err);
    if (rc == CC_OK)
        rc = store_commit(st, err);
    else if (st->in_write)
        store_rollback(st);
    sandbox_close(L);
    return rc;
}

int register_sync(struct store *st, const char *path, int wait_seconds, struct cc_error *err)
{
    struct regfile f = { (char *)path, (char *)"register_sha256", "", true, false };

    return sync_files(st, &f, 1, wait_seconds, err);
}

int register_sync_dirs(struct store *st, const char *const *dirs, size_t ndirs,
                       int wait_seconds, struct cc_error *err)
{
    struct regfile *f = xcalloc(ndirs ? ndirs : 1, sizeof *f);
    size_t nf = 0;
    int rc = CC_OK;

    for (size_t i = 0; i < ndirs; i++) {
        struct sbuf p;
        char real[PATH_MAX];
        sbuf_init(&p);
        sbuf_printf(&p, "%s/register/units.lua", dirs[i]);
        if (i > 0 && access(p.s, F_OK) != 0) {
            sbuf_free(&p);
            continue;
        }
        f[nf].path = p.s;
        f[nf].builtin = i == 0;
        sbuf_init(&p);
        if (i == 0)
            sbuf_adds(&p, "register_sha256");
        else
            sbuf_printf(&p, "register_sha256:%s", realpath(f[nf].path, real) ? real : f[nf].path);
        f[nf++].key = p.s;
    }
    /* The same file twice (a plugin folder given twice) loads once. */
    for (size_t i = 1; i < nf; i++) {
        for (size_t j = 0; j < i; j++) {
            if (f[i].key[0] && strcmp(f[i].key, f[j].key) == 0) {
                free(f[i].path);
                free(f[i].key);
                memmove(&f[i], &f[i + 1], (nf - i - 1) * sizeof *f);
                nf--;
                i--;
                break;
            }
        }
    }
    rc = sync_files(st, f, nf, wait_seconds, err);
    for (size_t i = 0; i < nf; i++) {
        free(f[i].path);
        free(f[i].key);
    }
    free(f);
    return rc;
}

/* ---------------------------------------------------------------- the index */

/* Every unit with its code, name and aliases, normalised, for proposals. */
struct unit_index {
    struct index_unit {
        int64_t id;
        char *code, *name, *code_norm;
    } *units;
    size_t nunits;
    struct index_entry {
        size_t unit;
        char *text, *norm;
    } *entries;
    size_t nentries, cap;
    bool stale;
};

struct unit_pending {
    char *name, *candidates;
};

static void index_free(struct unit_index *x)
{
    if (x == NULL)
        return;
    for (size_t i = 0; i < x->nunits; i++) {
        free(x->units[i].code);
        free(x->units[i].name);
        free(x->units[i].code_norm);
    }
    for (size_t i = 0; i < x->nentries; i++) {
        free(x->entries[i].text);
        free(x->entries[i].norm);
    }
    free(x->units);
    free(x->entries);
    free(x);
}

static void index_add(struct unit_index *x, size_t unit, const char *text, const char *norm)
{
    if (x->nentries == x->cap) {
        x->cap = x->cap ? x->cap * 2 : 256;
        x->entries = xrealloc(x->entries, x->cap * sizeof *x->entries);
    }
    x->entries[x->nentries++] = (struct index_entry){ unit, xstrdup(text), xstrdup(norm) };
}

static struct unit_index *index_get(struct unit_resolver *r)
{
    struct unit_index *x = r->index;
    sqlite3_stmt *s;
    struct strmap byid;
    struct sbuf norm;

    if (x && !x->stale)
        return x;
    index_free(x);
    x = r->index = xcalloc(1, sizeof *x);
    strmap_init(&byid);
    sbuf_init(&norm);
    if (sqlite3_prepare_v2(r->st->db, "SELECT id, code, name FROM units ORDER BY code", -1, &s,
                           NULL) == SQLITE_OK) {
        size_t cap = 0;
        while (sqlite3_step(s) == SQLITE_ROW) {
            if (x->nunits == cap) {
                cap = cap ? cap * 2 : 256;
                x->units = xrealloc(x->units, cap * sizeof *x->units);
            }
            struct index_unit *u = &x->units[x->nunits];
            u->id = sqlite3_column_int64(s, 0);
            u->code = xstrdup((const char *)sqlite3_column_text(s, 1));
            u->name = xstrdup((const char *)sqlite3_column_text(s, 2));
            unit_normalise(u->code, &norm);
            u->code_norm = xstrdup(norm.s);
            char key[32];
            snprintf(key, sizeof key, "%lld", (long long)u->id);
            strmap_put(&byid, key, strlen(key), (int64_t)x->nunits);
            index_add(x, x->nunits, u->code, u->code_norm);
            unit_normalise(u->name, &norm);
            index_add(x, x->nunits, u->name, norm.s);
            x->nunits++;
        }
        sqlite3_finalize(s);
    }
    if (sqlite3_prepare_v2(r->st->db, "SELECT alias, norm, unit_id FROM unit_aliases ORDER BY id",
                           -1, &s, NULL) == SQLITE_OK) {
        while (sqlite3_step(s) == SQLITE_ROW) {
            char key[32];
            int64_t idx;
            snprintf(key, sizeof key, "%lld", (long long)sqlite3_column_int64(s, 2));
            if (strmap_get(&byid, key, strlen(key), &idx))
                index_add(x, (size_t)idx, (const char *)sqlite3_column_text(s, 0),
                          (const char *)sqlite3_column_text(s, 1));
        }
        sqlite3_finalize(s);
    }
    strmap_free(&byid);
    sbuf_free(&norm);
    return x;
}

void unit_candidates_free(struct unit_candidate *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(c[i].code);
        free(c[i].name);
        free(c[i].matched);
        memset(&c[i], 0, sizeof c[i]);
    }
}

size_t unit_candidates(struct unit_resolver *r, const char *name, struct unit_candidate *out,
                       size_t max)
{
    struct unit_index *x = index_get(r);
    struct sbuf q;
    size_t n = 0;

    sbuf_init(&q);
    unit_normalise(name, &q);
    if (q.len == 0 || x->nunits == 0 || max == 0) {
        sbuf_free(&q);
        return 0;
    }
    double *best = xmalloc(x->nunits * sizeof *best);
    size_t *which = xcalloc(x->nunits, sizeof *which);
    for (size_t i = 0; i < x->nunits; i++)
        best[i] = -1;
    for (size_t e = 0; e < x->nentries; e++) {
        size_t u = x->entries[e].unit;
        double sc = unit_similarity(q.s, x->entries[e].norm);
        if (sc > best[u]) {
            best[u] = sc;
            which[u] = e;
        }
    }
    /* The best max units, by score, then code (units are in code order). */
    for (n = 0; n < max; n++) {
        size_t pick = x->nunits;
        for (size_t i = 0; i < x->nunits; i++) {
            if (best[i] >= UNIT_CANDIDATE_FLOOR && (pick == x->nunits || best[i] > best[pick]))
                pick = i;
        }
        if (pick == x->nunits)
            break;
        out[n] = (struct unit_candidate){ x->units[pick].id, xstrdup(x->units[pick].code),
                                          xstrdup(x->units[pick].name),
                                          xstrdup(x->entries[which[pick]].text), best[pick] };
        best[pick] = -1;
    }
    free(best);
    free(which);
    sbuf_free(&q);
    return n;
}

/* ---------------------------------------------------------------- resolving */

void unit_resolver_init(struct unit_resolver *r, struct store *st)
{
    memset(r, 0, sizeof *r);
    r->st = st;
    strmap_init(&r->cache);
    strmap_init(&r->codes);
    strmap_init(&r->types);
    sbuf_init(&r->norm);
}

void unit_resolver_free(struct unit_resolver *r)
{
    strmap_free(&r->cache);
    strmap_free(&r->codes);
    strmap_free(&r->types);
    for (size_t i = 0; i < r->nnames; i++)
        free(r->names[i]);
    free(r->names);
    sbuf_free(&r->norm);
    index_free(r->index);
    for (size_t i = 0; i < r->npending; i++) {
        free(r->pending[i].name);
        free(r->pending[i].candidates);
    }
    free(r->pending);
    memset(r, 0, sizeof *r);
}

void unit_resolver_accept_fuzzy(struct unit_resolver *r, double threshold)
{
    r->accept_fuzzy = threshold > 0 ? threshold : 0;
}

const char *unit_resolver_last_unresolved(const struct unit_resolver *r)
{
    return r->npending ? r->pending[r->npending - 1].name : NULL;
}

enum { VIA_CODE, VIA_ALIAS, VIA_NORMALISED, VIA_PERSON, VIA_FUZZY, VIA_CONFIG };
static const char *const via_names[] = { "code", "alias", "normalised", "person", "fuzzy",
                                         "config" };

/*
 * Every step short of a proposal. Returns how (VIA_*) and sets *id, or -1.
 * x (may be NULL) receives what each step saw.
 */
static int resolve_steps(struct unit_resolver *r, const char *name, int64_t *id,
                         struct unit_explain *x)
{
    sqlite3_stmt *s;
    int how = -1;

    if (x) {
        memset(x, 0, sizeof *x);
        x->score = -1;
    }
    unit_normalise(name, &r->norm);
    if (x)
        x->norm = xstrdup(r->norm.s);
    /* 1: exact code */
    if (lookup_id(r->st, "SELECT id FROM units WHERE code = ?1", name, id)) {
        if (x) {
            x->code = true;
            x->step = 1;
        }
        return VIA_CODE;
    }
    /* 2-5: the alias row with this normalised form (norm is unique) */
    if (r->norm.len && sqlite3_prepare_v2(r->st->db,
                                          "SELECT unit_id, alias, method, score, confirmed_by,"
                                          " confirmed_at FROM unit_aliases WHERE norm = ?1",
                                          -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_text(s, 1, r->norm.s, -1, SQLITE_STATIC);
        if (sqlite3_step(s) == SQLITE_ROW) {
            const char *alias = (const char *)sqlite3_column_text(s, 1);
            const char *method = (const char *)sqlite3_column_text(s, 2);
            bool exact = strcmp(alias, name) == 0;
            int step;
            *id = sqlite3_column_int64(s, 0);
            if (strcmp(method, "person") == 0) {
                how = VIA_PERSON;
                step = 4;
            } else if (strcmp(method, "fuzzy") == 0) {
                how = VIA_FUZZY;
                step = 5;
            } else {
                how = strcmp(method, "config") == 0 ? VIA_CONFIG
                      : exact                        ? VIA_ALIAS
                                                     : VIA_NORMALISED;
                step = exact ? 2 : 3;
            }
            if (x) {
                x->alias = xstrdup(alias);
                x->method = xstrdup(method);
                if (sqlite3_column_type(s, 3) != SQLITE_NULL)
                    x->score = sqlite3_column_double(s, 3);
                if (sqlite3_column_type(s, 4) != SQLITE_NULL)
                    x->confirmed_by = xstrdup((const char *)sqlite3_column_text(s, 4));
                if (sqlite3_column_type(s, 5) != SQLITE_NULL)
                    x->confirmed_at = xstrdup((const char *)sqlite3_column_text(s, 5));
                x->alias_unit = *id;
                x->step = step;
            }
        }
        sqlite3_finalize(s);
        if (how >= 0)
            return how;
    }
    /* 3 (continued): a code written differently ("n54sot", "NPS N01") */
    if (r->norm.len) {
        struct unit_index *ix = index_get(r);
        for (size_t i = 0; i < ix->nunits; i++) {
            if (strcmp(ix->units[i].code_norm, r->norm.s) == 0) {
                *id = ix->units[i].id;
                if (x) {
                    x->code_norm = true;
                    x->step = 3;
                }
                return VIA_NORMALISED;
            }
        }
    }
    return -1;
}

void unit_shell_quote(struct sbuf *out, const char *name)
{
    sbuf_addc(out, '\'');
    for (const char *p = name; *p; p++) {
        if (*p == '\'')
            sbuf_adds(out, "'\\''");
        else
            sbuf_addc(out, *p);
    }
    sbuf_addc(out, '\'');
}

static void remember_unresolved(struct unit_resolver *r, const char *name,
                                const struct unit_candidate *c, size_t n)
{
    struct sbuf j;
    size_t i;

    sbuf_init(&j);
    sbuf_addc(&j, '[');
    for (size_t k = 0; k < n; k++) {
        sbuf_adds(&j, k ? ", {\"code\": " : "{\"code\": ");
        sbuf_add_json_string(&j, c[k].code);
        sbuf_adds(&j, ", \"name\": ");
        sbuf_add_json_string(&j, c[k].name);
        sbuf_printf(&j, ", \"score\": %.2f}", (double)hundredths(c[k].score) / 100);
    }
    sbuf_addc(&j, ']');
    for (i = 0; i < r->npending; i++) {
        if (strcmp(r->pending[i].name, name) == 0)
            break;
    }
    if (i == r->npending) {
        r->pending = xrealloc(r->pending, (r->npending + 1) * sizeof *r->pending);
        r->pending[r->npending++].name = xstrdup(name);
    } else {
        free(r->pending[i].candidates);
        /* Keep the most recent last, for unit_resolver_last_unresolved(). */
        struct unit_pending p = r->pending[i];
        memmove(&r->pending[i], &r->pending[i + 1], (r->npending - i - 1) * sizeof p);
        r->pending[r->npending - 1] = p;
        i = r->npending - 1;
    }
    r->pending[i].candidates = j.s;
}

/* Stores an accepted proposal as a 'fuzzy' alias, in the caller's transaction. */
static int accept_proposal(struct unit_resolver *r, const char *name,
                           const struct unit_candidate *c, struct cc_error *err)
{
    sqlite3_stmt *s;
    char now[21];
    int rc = store_prepare(r->st, &s,
                           "INSERT INTO unit_aliases(alias, norm, unit_id, method, score,"
                           " confirmed_at) VALUES (?1,?2,?3,'fuzzy',?4,?5)",
                           err);

    if (rc)
        return rc;
    cc_now_iso(now);
    unit_normalise(name, &r->norm);
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, r->norm.s, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, c->id);
    sqlite3_bind_double(s, 4, (double)hundredths(c->score) / 100);
    sqlite3_bind_text(s, 5, now, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = cc_fail(err, CC_EDATA, "unit: cannot accept '%s' as %s: %s", name, c->code,
                     sqlite3_errmsg(r->st->db));
    sqlite3_finalize(s);
    if (rc == CC_OK && sqlite3_prepare_v2(r->st->db, "DELETE FROM unresolved_units WHERE name = ?1",
                                          -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
        sqlite3_step(s);
        sqlite3_finalize(s);
    }
    if (r->index)
        r->index->stale = true;
    cc_log(CC_LOG_INFO, "unit: accepted '%s' as %s %s (%.2f)", name, c->code, c->name, c->score);
    return rc;
}

int unit_resolve(struct unit_resolver *r, const char *name, int64_t *id, const char **via,
                 struct cc_error *err)
{
    size_t len = strlen(name);
    int64_t packed;
    int how;

    /* The cache packs the id with how it was resolved: id * 8 + via. */
    if (strmap_get(&r->cache, name, len, &packed)) {
        *id = packed >> 3;
        if (via)
            *via = via_names[packed & 7];
        return CC_OK;
    }
    how = resolve_steps(r, name, id, NULL);
    if (how < 0) {
        struct unit_candidate c[UNIT_CANDIDATES];
        size_t n = unit_candidates(r, name, c, UNIT_CANDIDATES);
        bool tie = n > 1 && hundredths(c[1].score) == hundredths(c[0].score);
        if (r->accept_fuzzy > 0 && n > 0 && !tie &&
            hundredths(c[0].score) >= hundredths(r->accept_fuzzy)) {
            int rc = accept_proposal(r, name, &c[0], err);
            *id = c[0].id;
            unit_candidates_free(c, n);
            if (rc)
                return rc;
            how = VIA_FUZZY;
        } else {
            struct sbuf m;
            sbuf_init(&m);
            sbuf_printf(&m, "unit: '%s' is not in the unit register", name);
            if (n) {
                sbuf_adds(&m, "; closest:");
                for (size_t k = 0; k < n; k++)
                    sbuf_printf(&m, "%s %s %s (%.2f)", k ? "," : "", c[k].code, c[k].name,
                                (double)hundredths(c[k].score) / 100);
                if (r->accept_fuzzy > 0)
                    sbuf_printf(&m, "; not accepted: %s",
                                tie ? "the best two score the same"
                                    : "the best scores under the --accept-fuzzy threshold");
                sbuf_adds(&m, "; confirm one with: concord units alias ");
                unit_shell_quote(&m, name);
                sbuf_printf(&m, " %s", c[0].code);
            } else {
                /* Nothing close to propose. */
                sbuf_adds(&m, " (use a code such as N54SOT or a registered name; see "
                              "'concord units')");
            }
            remember_unresolved(r, name, c, n);
            unit_candidates_free(c, n);
            int rc = cc_fail(err, CC_EDATA, "%s", m.s);
            sbuf_free(&m);
            return rc;
        }
    }
    strmap_put(&r->cache, name, len, (*id << 3) | how);
    if (via)
        *via = via_names[how];
    return CC_OK;
}

void unit_explain(struct unit_resolver *r, const char *name, struct unit_explain *x)
{
    int64_t id = 0;
    int how = resolve_steps(r, name, &id, x);

    if (how >= 0) {
        x->id = id;
        x->via = via_names[how];
    } else {
        x->ncand = unit_candidates(r, name, x->cand, UNIT_CANDIDATES);
    }
}

void unit_explain_free(struct unit_explain *x)
{
    free(x->norm);
    free(x->alias);
    free(x->method);
    free(x->confirmed_by);
    free(x->confirmed_at);
    unit_candidates_free(x->cand, x->ncand);
    memset(x, 0, sizeof *x);
}

int unit_record_unresolved(struct store *st, const struct unit_resolver *r, const char *file)
{
    struct cc_error err = { 0 };
    sqlite3_stmt *s = NULL;
    char now[21];
    int rc;

    if (r->npending == 0)
        return CC_OK;
    cc_now_iso(now);
    rc = store_begin_write(st, 5, &err);
    if (rc == CC_OK)
        rc = store_prepare(st, &s,
                           "INSERT INTO unresolved_units(name, first_seen, last_seen, times,"
                           " last_file, candidates) VALUES (?1, ?2, ?2, 1, ?3, ?4)"
                           " ON CONFLICT(name) DO UPDATE SET last_seen = excluded.last_seen,"
                           " times = times + 1, last_file = excluded.last_file,"
                           " candidates = excluded.candidates",
                           &err);
    for (size_t i = 0; i < r->npending && rc == CC_OK; i++) {
        sqlite3_bind_text(s, 1, r->pending[i].name, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, now, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, file, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, r->pending[i].candidates, -1, SQLITE_STATIC);
        rc = step_done(st, s, st->path, "unresolved_units", &err);
    }
    sqlite3_finalize(s);
    if (rc == CC_OK)
        rc = store_commit(st, &err);
    else if (st->in_write)
        store_rollback(st);
    if (rc)
        cc_log(CC_LOG_WARN, "could not record the unresolved unit name '%s': %s",
               r->pending[r->npending - 1].name, err.msg);
    return rc;
}

/* ---------------------------------------------------------------- confirming */

int unit_confirm_alias(struct store *st, const char *name, const char *code, const char *by,
                       bool replace, struct sbuf *msg, struct cc_error *err)
{
    struct unit_resolver r;
    struct unit_explain x;
    sqlite3_stmt *s;
    int64_t target;
    char now[21], tname[512] = "";
    int rc = CC_OK;

    sbuf_reset(msg);
    sbuf_adds(msg, "");
    if (!lookup_id(st, "SELECT id FROM units WHERE code = ?1", code, &target)) {
        char near[128] = "";
        if (sqlite3_prepare_v2(st->db, "SELECT code FROM units WHERE code = ?1 COLLATE NOCASE",
                               -1, &s, NULL) == SQLITE_OK) {
            sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
            if (sqlite3_step(s) == SQLITE_ROW)
                snprintf(near, sizeof near, " (did you mean %s?)", sqlite3_column_text(s, 0));
            sqlite3_finalize(s);
        }
        return cc_fail(err, CC_EDATA, "unit: no unit has the code '%s'%s; see 'concord units'",
                       code, near);
    }
    if (sqlite3_prepare_v2(st->db, "SELECT name FROM units WHERE id = ?1", -1, &s, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_int64(s, 1, target);
        if (sqlite3_step(s) == SQLITE_ROW)
            snprintf(tname, sizeof tname, "%s", sqlite3_column_text(s, 0));
        sqlite3_finalize(s);
    }
    unit_resolver_init(&r, st);
    unit_explain(&r, name, &x);
    cc_now_iso(now);
    if (x.norm[0] == '\0') {
        rc = cc_fail(err, CC_EDATA, "unit: '%s' has no letters or digits to match on", name);
    } else if (x.id && (x.code || x.code_norm)) {
        /* A code always means its unit: no alias can change that. */
        if (x.id == target)
            sbuf_printf(msg, "'%s' is already %s's code; nothing to change", name, code);
        else
            rc = cc_fail(err, CC_EDATA, "unit: '%s' is the code of %s, so it cannot mean %s",
                         name, unit_code(&r, x.id), code);
    } else if (x.id == target && strcmp(x.method, "person") == 0) {
        sbuf_printf(msg, "'%s' already means %s %s (confirmed by %s at %s); nothing to change",
                    name, code, tname, x.confirmed_by ? x.confirmed_by : "?",
                    x.confirmed_at ? x.confirmed_at : "?");
    } else if (x.id == target && strcmp(x.method, "fuzzy") != 0) {
        sbuf_printf(msg, "'%s' already means %s %s (%s alias '%s'); nothing to change", name,
                    code, tname, x.method, x.alias);
    } else if (x.id && x.id != target && !replace) {
        char other[512] = "";
        if (sqlite3_prepare_v2(st->db, "SELECT code || ' ' || name FROM units WHERE id = ?1", -1,
                               &s, NULL) == SQLITE_OK) {
            sqlite3_bind_int64(s, 1, x.id);
            if (sqlite3_step(s) == SQLITE_ROW)
                snprintf(other, sizeof other, "%s", sqlite3_column_text(s, 0));
            sqlite3_finalize(s);
        }
        rc = cc_fail(err, CC_EDATA,
                     "unit: '%s' already means %s (%s alias '%s'); pass --replace to make it "
                     "mean %s instead",
                     name, other, x.method, x.alias, code);
    } else {
        /* New, a fuzzy acceptance to confirm, or a move with --replace. */
        bool update = x.id != 0;
        rc = store_prepare(st, &s,
                           update ? "UPDATE unit_aliases SET alias = ?1, unit_id = ?3,"
                                    " method = 'person', score = NULL, confirmed_by = ?4,"
                                    " confirmed_at = ?5 WHERE norm = ?2"
                                  : "INSERT INTO unit_aliases(alias, norm, unit_id, method,"
                                    " confirmed_by, confirmed_at)"
                                    " VALUES (?1, ?2, ?3, 'person', ?4, ?5)",
                           err);
        if (rc == CC_OK) {
            sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 2, x.norm, -1, SQLITE_STATIC);
            sqlite3_bind_int64(s, 3, target);
            sqlite3_bind_text(s, 4, by, -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 5, now, -1, SQLITE_STATIC);
            rc = step_done(st, s, st->path, code, err);
            sqlite3_finalize(s);
        }
        if (rc == CC_OK) {
            if (!update)
                sbuf_printf(msg, "'%s' now means %s %s (confirmed by %s at %s)", name, code,
                            tname, by, now);
            else if (x.id == target)
                sbuf_printf(msg, "'%s' now means %s %s (the fuzzy match is confirmed by %s at %s)",
                            name, code, tname, by, now);
            else
                sbuf_printf(msg, "'%s' now means %s %s instead of %s (confirmed by %s at %s)",
                            name, code, tname, unit_code(&r, x.id), by, now);
        }
    }
    /* A name that now resolves leaves the unresolved list, in any spelling that matches. */
    if (rc == CC_OK &&
        sqlite3_prepare_v2(st->db, "SELECT name FROM unresolved_units", -1, &s, NULL) ==
            SQLITE_OK) {
        struct sbuf n;
        sqlite3_stmt *del = NULL;
        long gone = 0;
        sbuf_init(&n);
        if (sqlite3_prepare_v2(st->db, "DELETE FROM unresolved_units WHERE name = ?1", -1, &del,
                               NULL) == SQLITE_OK) {
            while (sqlite3_step(s) == SQLITE_ROW) {
                const char *u = (const char *)sqlite3_column_text(s, 0);
                unit_normalise(u, &n);
                if (strcmp(u, name) == 0 || strcmp(n.s, x.norm) == 0) {
                    sqlite3_bind_text(del, 1, u, -1, SQLITE_TRANSIENT);
                    if (sqlite3_step(del) == SQLITE_DONE)
                        gone++;
                    sqlite3_reset(del);
                }
            }
            sqlite3_finalize(del);
        }
        sqlite3_finalize(s);
        sbuf_free(&n);
        if (gone)
            sbuf_printf(msg, "; removed from the unresolved names");
    }
    unit_explain_free(&x);
    unit_resolver_free(&r);
    return rc;
}

/* ---------------------------------------------------------------- units */

const char *unit_type(struct unit_resolver *r, int64_t id)
{
    /* Asked once per record: the key is the id's bytes, no formatting. */
    const char *key = (const char *)&id;
    int64_t idx;
    sqlite3_stmt *s;
    const char *type = NULL;

    if (strmap_get(&r->types, key, sizeof id, &idx))
        return unit_types[idx];
    if (sqlite3_prepare_v2(r->st->db, "SELECT type FROM units WHERE id = ?1", -1, &s, NULL) !=
        SQLITE_OK)
        return NULL;
    sqlite3_bind_int64(s, 1, id);
    if (sqlite3_step(s) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(s, 0);
        for (size_t i = 0; i < N_UNIT_TYPES; i++) {
            if (strcmp(t, unit_types[i]) == 0) {
                strmap_put(&r->types, key, sizeof id, (int64_t)i);
                type = unit_types[i];
            }
        }
    }
    sqlite3_finalize(s);
    return type;
}

int unit_declare(struct unit_resolver *r, const char *code, const char *name, const char *type,
                 const char *parent, const char *origin, struct cc_error *err)
{
    int64_t id, parent_id = 0;
    sqlite3_stmt *s;
    int rc;

    if (lookup_id(r->st, "SELECT id FROM units WHERE code = ?1", code, &id))
        return CC_OK;
    if (parent && (rc = unit_resolve(r, parent, &parent_id, NULL, err)) != CC_OK)
        return rc;
    rc = store_prepare(r->st, &s,
                       "INSERT INTO units(code, name, type, parent_id, origin)"
                       " VALUES (?1,?2,?3,?4,?5)",
                       err);
    if (rc)
        return rc;
    sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, type, -1, SQLITE_STATIC);
    if (parent_id)
        sqlite3_bind_int64(s, 4, parent_id);
    else
        sqlite3_bind_null(s, 4);
    sqlite3_bind_text(s, 5, origin, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = cc_fail(err, CC_EDATA, "unit: cannot add %s: %s", code, sqlite3_errmsg(r->st->db));
    sqlite3_finalize(s);
    if (rc)
        return rc;
    id = sqlite3_last_insert_rowid(r->st->db);
    if (r->index)
        r->index->stale = true;
    unit_normalise(name, &r->norm);
    rc = store_prepare(r->st, &s,
                       "INSERT INTO unit_aliases(alias, norm, unit_id, method)"
                       " VALUES (?1,?2,?3,'exact') ON CONFLICT(norm) DO NOTHING",
                       err);
    if (rc)
        return rc;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, r->norm.s, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, id);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = cc_fail(err, CC_EDATA, "unit: %s", sqlite3_errmsg(r->st->db));
    sqlite3_finalize(s);
    return rc;
}

const char *unit_code(struct unit_resolver *r, int64_t id)
{
    char key[32];
    int64_t idx;
    sqlite3_stmt *s;
    const char *code = NULL;

    snprintf(key, sizeof key, "#%lld", (long long)id);
    if (strmap_get(&r->codes, key, strlen(key), &idx))
        return r->names[idx];
    if (sqlite3_prepare_v2(r->st->db, "SELECT code FROM units WHERE id = ?1", -1, &s, NULL) !=
        SQLITE_OK)
        return NULL;
    sqlite3_bind_int64(s, 1, id);
    if (sqlite3_step(s) == SQLITE_ROW) {
        r->names = xrealloc(r->names, (r->nnames + 1) * sizeof *r->names);
        r->names[r->nnames] = xstrdup((const char *)sqlite3_column_text(s, 0));
        strmap_put(&r->codes, key, strlen(key), (int64_t)r->nnames);
        code = r->names[r->nnames++];
    }
    sqlite3_finalize(s);
    return code;
}
