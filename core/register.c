/* SPDX-License-Identifier: MIT */
#include "register.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox.h"

void unit_normalise(const char *in, struct sbuf *out)
{
    bool space = false;

    sbuf_reset(out);
    for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
        unsigned char c = *p;
        if (c == '&') {
            if (out->len)
                sbuf_addc(out, ' ');
            sbuf_adds(out, "and");
            space = true;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == '.' ||
            c == '-' || c == '(' || c == ')' || c == '\'' || c == '/') {
            space = true;
            continue;
        }
        if (space && out->len)
            sbuf_addc(out, ' ');
        space = false;
        sbuf_addc(out, (char)((c >= 'A' && c <= 'Z') ? c + 32 : c));
    }
    if (out->s == NULL)
        sbuf_adds(out, "");
}

/* ---------------------------------------------------------------- loading */

static const char *opt_field(lua_State *L, int t, const char *k)
{
    lua_getfield(L, t, k);
    const char *s = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    lua_pop(L, 1); /* the string stays alive: it is in the table */
    return s;
}

static int load_units(struct store *st, lua_State *L, const char *path, struct cc_error *err)
{
    sqlite3_stmt *up = NULL, *par = NULL, *alias = NULL, *chk = NULL;
    struct sbuf norm;
    int rc;

    sbuf_init(&norm);
    rc = store_prepare(st, &up,
                       "INSERT INTO units(code, name, type, valid_from, valid_to, origin)"
                       " VALUES (?1,?2,?3,?4,?5,'register') ON CONFLICT(code) DO UPDATE SET"
                       " name=excluded.name, type=excluded.type, valid_from=excluded.valid_from,"
                       " valid_to=excluded.valid_to, origin='register'",
                       err);
    if (rc == CC_OK)
        rc = store_prepare(st, &par,
                           "UPDATE units SET parent_id = (SELECT id FROM units WHERE code=?2)"
                           " WHERE code=?1",
                           err);
    if (rc == CC_OK)
        rc = store_prepare(st, &alias,
                           "INSERT INTO unit_aliases(alias, norm, unit_id, method)"
                           " SELECT ?1, ?2, id, 'register' FROM units WHERE code=?3"
                           " ON CONFLICT(norm) DO NOTHING",
                           err);
    if (rc == CC_OK)
        rc = store_prepare(st, &chk,
                           "SELECT u.code FROM unit_aliases a JOIN units u ON u.id = a.unit_id"
                           " WHERE a.norm = ?1",
                           err);
    if (rc)
        goto done;

    lua_getfield(L, -1, "units");
    if (!lua_istable(L, -1)) {
        rc = cc_fail(err, CC_EDATA, "%s: 'units' must be a list", path);
        goto done;
    }
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    /* Two passes: units first, then parents, so order in the file does not matter. */
    for (int pass = 0; pass < 2 && rc == CC_OK; pass++) {
        for (lua_Integer i = 1; i <= n && rc == CC_OK; i++) {
            lua_rawgeti(L, -1, i);
            int t = lua_gettop(L);
            const char *code = opt_field(L, t, "code"), *name = opt_field(L, t, "name");
            const char *type = opt_field(L, t, "type"), *parent = opt_field(L, t, "parent");
            if (!code || !name || !type) {
                rc = cc_fail(err, CC_EDATA, "%s: unit %lld: code, name and type are required",
                             path, (long long)i);
            } else if (pass == 0) {
                sqlite3_bind_text(up, 1, code, -1, SQLITE_STATIC);
                sqlite3_bind_text(up, 2, name, -1, SQLITE_STATIC);
                sqlite3_bind_text(up, 3, type, -1, SQLITE_STATIC);
                sqlite3_bind_text(up, 4, opt_field(L, t, "valid_from"), -1, SQLITE_STATIC);
                sqlite3_bind_text(up, 5, opt_field(L, t, "valid_to"), -1, SQLITE_STATIC);
                if (sqlite3_step(up) != SQLITE_DONE)
                    rc = cc_fail(err, CC_EDATA, "%s: unit %s: %s", path, code,
                                 sqlite3_errmsg(st->db));
                sqlite3_reset(up);
            } else {
                if (parent) {
                    sqlite3_bind_text(par, 1, code, -1, SQLITE_STATIC);
                    sqlite3_bind_text(par, 2, parent, -1, SQLITE_STATIC);
                    if (sqlite3_step(par) != SQLITE_DONE)
                        rc = cc_fail(err, CC_EDATA, "%s: unit %s: %s", path, code,
                                     sqlite3_errmsg(st->db));
                    sqlite3_reset(par);
                }
                /* The name and every alias resolve to the unit. */
                lua_getfield(L, t, "aliases");
                int na = lua_istable(L, -1) ? (int)lua_rawlen(L, -1) : 0;
                for (int j = 0; j <= na && rc == CC_OK; j++) {
                    const char *a = name;
                    if (j > 0) {
                        lua_rawgeti(L, -1, j);
                        a = lua_tostring(L, -1);
                        lua_pop(L, 1);
                        if (a == NULL)
                            continue;
                    }
                    unit_normalise(a, &norm);
                    sqlite3_bind_text(alias, 1, a, -1, SQLITE_STATIC);
                    sqlite3_bind_text(alias, 2, norm.s, -1, SQLITE_STATIC);
                    sqlite3_bind_text(alias, 3, code, -1, SQLITE_STATIC);
                    if (sqlite3_step(alias) != SQLITE_DONE)
                        rc = cc_fail(err, CC_EDATA, "%s: unit %s: %s", path, code,
                                     sqlite3_errmsg(st->db));
                    sqlite3_reset(alias);
                    sqlite3_bind_text(chk, 1, norm.s, -1, SQLITE_STATIC);
                    if (rc == CC_OK && sqlite3_step(chk) == SQLITE_ROW &&
                        strcmp((const char *)sqlite3_column_text(chk, 0), code) != 0)
                        cc_log(CC_LOG_WARN, "%s: the name '%s' of %s already means %s", path, a,
                               code, (const char *)sqlite3_column_text(chk, 0));
                    sqlite3_reset(chk);
                }
                lua_pop(L, 1);
            }
            lua_settop(L, t - 1);
        }
    }
    lua_pop(L, 1);
done:
    sqlite3_finalize(up);
    sqlite3_finalize(par);
    sqlite3_finalize(alias);
    sqlite3_finalize(chk);
    sbuf_free(&norm);
    return rc;
}

int register_sync(struct store *st, const char *path, int wait_seconds, struct cc_error *err)
{
    char sha[65], have[80];
    long long bytes;
    int rc = cc_sha256_file(path, sha, &bytes, err);

    if (rc)
        return rc;
    if (store_meta_get(st, "register_sha256", have, sizeof have) && strcmp(have, sha) == 0)
        return CC_OK;
    lua_State *L = sandbox_new(NULL);
    if (L == NULL)
        return cc_fail(err, CC_ESOFTWARE, "out of memory");
    rc = sandbox_run_data_file(L, path, err);
    if (rc == CC_OK)
        rc = store_begin_write(st, wait_seconds, err);
    if (rc == CC_OK) {
        rc = load_units(st, L, path, err);
        if (rc == CC_OK)
            rc = store_meta_set(st, "register_sha256", sha, err);
        if (rc == CC_OK)
            rc = store_commit(st, err);
        else
            store_rollback(st);
    }
    sandbox_close(L);
    return rc;
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
}

static int lookup(struct store *st, const char *sql, const char *arg, int64_t *id)
{
    sqlite3_stmt *s;
    int found = 0;

    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(s, 1, arg, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) {
        *id = sqlite3_column_int64(s, 0);
        found = 1;
    }
    sqlite3_finalize(s);
    return found;
}

static const char *const via_names[] = { "code", "alias", "normalised", "person", "fuzzy",
                                         "config" };

static int via_index(const char *method, bool exact)
{
    if (strcmp(method, "person") == 0)
        return 3;
    if (strcmp(method, "fuzzy") == 0)
        return 4;
    if (strcmp(method, "config") == 0)
        return 5;
    return exact ? 1 : 2;
}

int unit_resolve(struct unit_resolver *r, const char *name, int64_t *id, const char **via,
                 struct cc_error *err)
{
    size_t len = strlen(name);
    int64_t packed;
    int how = 0;

    /* The cache packs the id with how it was resolved: id * 8 + via. */
    if (strmap_get(&r->cache, name, len, &packed)) {
        *id = packed >> 3;
        if (via)
            *via = via_names[packed & 7];
        return CC_OK;
    }
    if (!lookup(r->st, "SELECT id FROM units WHERE code = ?1", name, id)) {
        sqlite3_stmt *s;
        bool found = false;
        unit_normalise(name, &r->norm);
        if (sqlite3_prepare_v2(r->st->db,
                               "SELECT unit_id, alias, method FROM unit_aliases WHERE norm = ?1",
                               -1, &s, NULL) == SQLITE_OK) {
            sqlite3_bind_text(s, 1, r->norm.s, -1, SQLITE_STATIC);
            if (sqlite3_step(s) == SQLITE_ROW) {
                *id = sqlite3_column_int64(s, 0);
                how = via_index((const char *)sqlite3_column_text(s, 2),
                                strcmp((const char *)sqlite3_column_text(s, 1), name) == 0);
                found = true;
            }
            sqlite3_finalize(s);
        }
        if (!found)
            return cc_fail(err, CC_EDATA,
                           "unit: '%s' is not in the unit register (use a code such as N54SOT "
                           "or a registered name; see 'concord units')",
                           name);
    }
    strmap_put(&r->cache, name, len, (*id << 3) | how);
    if (via)
        *via = via_names[how];
    return CC_OK;
}

const char *unit_type(struct unit_resolver *r, int64_t id)
{
    static const char *const types[] = { "NATIONAL", "REGION", "PDU", "LDU", "TEAM",
                                         "PROVIDER", "CRC", "NPS_DIVISION" };
    char key[32];
    int64_t idx;
    sqlite3_stmt *s;
    const char *type = NULL;

    snprintf(key, sizeof key, "#%lld", (long long)id);
    if (strmap_get(&r->types, key, strlen(key), &idx))
        return types[idx];
    if (sqlite3_prepare_v2(r->st->db, "SELECT type FROM units WHERE id = ?1", -1, &s, NULL) !=
        SQLITE_OK)
        return NULL;
    sqlite3_bind_int64(s, 1, id);
    if (sqlite3_step(s) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(s, 0);
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
            if (strcmp(t, types[i]) == 0) {
                strmap_put(&r->types, key, strlen(key), (int64_t)i);
                type = types[i];
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

    if (lookup(r->st, "SELECT id FROM units WHERE code = ?1", code, &id))
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
