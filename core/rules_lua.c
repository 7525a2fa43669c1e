/* SPDX-License-Identifier: MIT */
#include "rules_lua.h"

#include <dirent.h>
#include <errno.h>
#include <lauxlib.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dates.h"
#include "lua_api.h"

#define DB_MT "concord.db"
#define OUT_MT "concord.rules.out"
#define STMT_MT "concord.stmt"
#define CONFIG_MT "concord.config"
/* Registry key of the weak set of tables concord.rule{} has checked. */
#define RULEDEFS_KEY "concord.ruledefs"

#define MAX_ID_LEN 64
#define MAX_BODY_LEN 32
#define MAX_MEMBERS 100000
/* As the sandbox's defaults (sandbox.c), for the SQL budget and the flag buffer. */
#define DEFAULT_MAX_INSTRUCTIONS 20000000000ULL
#define DEFAULT_MAX_MEMORY ((size_t)256 << 20)
/* SQLite calls the progress handler every this many virtual machine steps. */
#define SQL_PROGRESS_STEP 1000

const char *const rules_builtin_ids[] = {
    "CONTRADICTION", "DIVERGENCE",      "DISCONNECT",      "DUPLICATE_CASE",
    "REPEATED_SCRUTINY", "OVERLOAD",    "INTENSIFICATION", "DUPLICATE_RECOMMENDATION",
    NULL,
};

static const char *const member_names[] = { "assessment", "event", "recommendation" };
static const char member_letters[] = { 'a', 'e', 'r' };

/* A flag out:flag accepted, held until run() returns: a rule that fails adds nothing. */
struct pending {
    char *key;             /* the members, sorted: identity within the rule, and sort key */
    const char *severity;  /* static */
    char *area, *bodies, *explanation;
    char start[DATE_FORMAT_SIZE], end[DATE_FORMAT_SIZE];
    bool has_period;
    int64_t unit_id;
    struct flag_member *members;
    size_t nmembers;
};

enum ctx_stmt {
    Q_ASSESSMENT, /* member look-ups: same order as enum flag_member_kind */
    Q_EVENT,
    Q_RECOMMENDATION,
    Q_UNIT_BY_ID,
    Q_UNIT_BY_CODE,
    Q_AREA,
    Q_QUESTION,
    Q_COUNT
};

static const char *const ctx_sql[Q_COUNT] = {
    "SELECT body, unit_id, retired_by FROM assessments WHERE id = ?",
    "SELECT body, unit_id, retired_by FROM events WHERE id = ?",
    "SELECT body, unit_id, retired_by FROM recommendations WHERE id = ?",
    "SELECT u.id, u.code, u.name, u.type, p.code, u.parent_id, u.valid_from, u.valid_to "
    "FROM units u LEFT JOIN units p ON p.id = u.parent_id WHERE u.id = ?",
    "SELECT u.id, u.code, u.name, u.type, p.code, u.parent_id, u.valid_from, u.valid_to "
    "FROM units u LEFT JOIN units p ON p.id = u.parent_id WHERE u.code = ?",
    "SELECT 1 FROM areas WHERE code = ?",
    "SELECT question FROM framework_codes WHERE framework = ?1 AND code = "
    "COALESCE((SELECT code FROM framework_aliases WHERE framework = ?1 AND alias = ?2), ?2)",
};

/* Everything one rule's run can reach. Owned by run_one(), on the C stack. */
struct rule_ctx {
    struct store *st;
    const struct rule_info *rule;
    const struct rules_lua_options *opt;
    const char *today;
    const char *severity;              /* the rule's default */
    const char *forced;                /* rules.<ID>.severity: every flag's; NULL = unset */
    long max_rows;

    uint64_t sql_ops, sql_budget;
    bool sql_active, sql_tripped;
    bool finished;                     /* run() returned: db and out answer no more */
    int denied;                        /* the authorizer action refused; 0 = none */

    sqlite3_stmt *q[Q_COUNT];

    struct pending *flags;
    size_t nflags, cap;
    size_t flag_bytes, flag_budget;
    struct strmap seen;                /* keys of flags already proposed */

    /* Scratch for out:flag, reused: a Lua error between uses leaks nothing. */
    struct flag_member *members, *sorted;
    size_t members_cap;
    struct sbuf key, bodies;

    char where[512];                   /* "path:line" of the rule code at the error */
};

struct lstmt {
    sqlite3_stmt *stmt;
    struct rule_ctx *ctx;
};

/* ---------------------------------------------------------------- helpers */

/* Raises "path:line: message" (the rule's line that called the C function). */
static int rule_error(lua_State *L, const char *fmt, ...) CC_PRINTF(2, 3);

static int rule_error(lua_State *L, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    luaL_where(L, 1);
    lua_pushstring(L, msg);
    lua_concat(L, 2);
    return lua_error(L);
}

static bool valid_id(const char *s, size_t len)
{
    if (len == 0 || len > MAX_ID_LEN)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    }
    return true;
}

static bool is_builtin(const char *id)
{
    for (const char *const *b = rules_builtin_ids; *b; b++) {
        if (strcmp(*b, id) == 0)
            return true;
    }
    return false;
}

static const char *severity_of(const char *s)
{
    static const char *const sev[] = { "low", "medium", "high" };

    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(sev[i]), j;
        for (j = 0; j < n && s[j]; j++) {
            char c = s[j] >= 'A' && s[j] <= 'Z' ? (char)(s[j] + 32) : s[j];
            if (c != sev[i][j])
                break;
        }
        if (j == n && s[j] == '\0')
            return sev[i];
    }
    return NULL;
}

static bool word_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '_';
}

/* True when s holds a word shaped like a CRN: a capital letter and six digits. */
static bool has_crn_word(const char *s, size_t len)
{
    for (size_t i = 0; i + 7 <= len; i++) {
        if (s[i] < 'A' || s[i] > 'Z' || (i > 0 && word_char((unsigned char)s[i - 1])))
            continue;
        size_t j = 1;
        while (j < 7 && s[i + j] >= '0' && s[i + j] <= '9')
            j++;
        if (j == 7 && (i + 7 == len || !word_char((unsigned char)s[i + 7])))
            return true;
    }
    return false;
}

static bool valid_body(const char *s, size_t len)
{
    if (len == 0 || len > MAX_BODY_LEN || s[0] < 'A' || s[0] > 'Z')
        return false;
    for (size_t i = 1; i < len; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* ---------------------------------------------------------------- concord.* */

static const char *const rule_fields[] = { "api", "id", "kind", "severity", "description",
                                           "run", NULL };

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++) {
        if (strcmp(s, *list) == 0)
            return true;
    }
    return false;
}

/* concord.rule{...}: checks the definition, so mistakes surface on load. */
static int l_rule(lua_State *L)
{
    size_t len;
    const char *s;

    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    lua_pushnil(L);
    while (lua_next(L, 1) != 0) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING)
            return rule_error(L, "concord.rule: takes a table of named fields");
        if (!in_list(lua_tostring(L, -1), rule_fields))
            return rule_error(L,
                              "concord.rule: unknown field '%s' (fields: api, id, kind, severity, "
                              "description, run)",
                              lua_tostring(L, -1));
    }
    if (lua_getfield(L, 1, "api") == LUA_TNIL)
        return rule_error(L, "concord.rule: api = %d is required", CONCORD_RULE_API);
    if (!lua_isinteger(L, -1))
        return rule_error(L, "concord.rule: api must be an integer");
    if (lua_tointeger(L, -1) != CONCORD_RULE_API)
        return rule_error(L, "concord.rule: written for rule API %lld, this concord provides API %d",
                          (long long)lua_tointeger(L, -1), CONCORD_RULE_API);
    lua_pop(L, 1);

    if (lua_getfield(L, 1, "id") != LUA_TSTRING)
        return rule_error(L, "concord.rule: id must be a string such as \"STALLED_RECOMMENDATION\"");
    s = lua_tolstring(L, -1, &len);
    if (!valid_id(s, len) || strlen(s) != len)
        return rule_error(L,
                          "concord.rule: id '%s' may only hold A-Z, 0-9 and '_' (1 to %d "
                          "characters)",
                          s, MAX_ID_LEN);
    if (is_builtin(s))
        return rule_error(L, "concord.rule: id '%s' is a built-in rule's id: choose another", s);
    lua_pop(L, 1);

    int t = lua_getfield(L, 1, "kind");
    if (t != LUA_TNIL) {
        if (t != LUA_TSTRING)
            return rule_error(L, "concord.rule: kind must be a string");
        s = lua_tolstring(L, -1, &len);
        if (!valid_id(s, len) || strlen(s) != len)
            return rule_error(L,
                              "concord.rule: kind '%s' may only hold A-Z, 0-9 and '_' (1 to %d "
                              "characters)",
                              s, MAX_ID_LEN);
    }
    lua_pop(L, 1);

    t = lua_getfield(L, 1, "severity");
    if (t != LUA_TNIL) {
        const char *sev = t == LUA_TSTRING ? severity_of(lua_tostring(L, -1)) : NULL;
        if (sev == NULL)
            return rule_error(L, "concord.rule: severity must be \"low\", \"medium\" or \"high\"");
        lua_pushstring(L, sev);
        lua_setfield(L, 1, "severity");
    }
    lua_pop(L, 1);

    if (lua_getfield(L, 1, "description") != LUA_TSTRING || lua_rawlen(L, -1) == 0)
        return rule_error(L, "concord.rule: description must be a non-empty string");
    lua_pop(L, 1);
    if (lua_getfield(L, 1, "run") != LUA_TFUNCTION)
        return rule_error(L, "concord.rule: run must be a function(db, out, config)");
    lua_pop(L, 1);

    lua_getfield(L, LUA_REGISTRYINDEX, RULEDEFS_KEY);
    lua_pushvalue(L, 1);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
    lua_pop(L, 1);
    return 1;
}

static int32_t check_date(lua_State *L, int idx, const char *fn)
{
    size_t len;
    const char *s = luaL_checklstring(L, idx, &len);
    int32_t d;
    char msg[256];

    if (date_parse(s, len, &d, msg, sizeof msg) != 0)
        return rule_error(L, "%s: %s", fn, msg), 0;
    return d;
}

/* concord.days(from, to): whole days from `from` to `to` (negative if to is earlier). */
static int l_days(lua_State *L)
{
    int32_t a = check_date(L, 1, "concord.days");
    int32_t b = check_date(L, 2, "concord.days");

    lua_pushinteger(L, (lua_Integer)b - a);
    return 1;
}

/* concord.add_days(date, n): the date n days later, as "YYYY-MM-DD". */
static int l_add_days(lua_State *L)
{
    int32_t d = check_date(L, 1, "concord.add_days"), out;
    lua_Integer n = luaL_checkinteger(L, 2);
    char s[DATE_FORMAT_SIZE];

    if (n < INT32_MIN || n > INT32_MAX || date_add_days(d, (int32_t)n, &out) != 0)
        return rule_error(L, "concord.add_days: the result is outside the years %d-%d",
                          DATE_MIN_YEAR, DATE_MAX_YEAR);
    date_format(out, s);
    lua_pushstring(L, s);
    return 1;
}

static int stmt_close(lua_State *L)
{
    struct lstmt *s = luaL_checkudata(L, 1, STMT_MT);

    if (s->stmt)
        sqlite3_finalize(s->stmt);
    s->stmt = NULL;
    return 0;
}

/* A sandboxed state with `concord` as rules see it. NULL when out of memory. */
static lua_State *rule_state(const struct sandbox_limits *limits)
{
    lua_State *L = sandbox_new(limits);

    if (L == NULL)
        return NULL;
    lua_api_open(L);
    lua_getglobal(L, "concord");
    lua_pushnil(L);
    lua_setfield(L, -2, "plugin");
    lua_pushcfunction(L, l_rule);
    lua_setfield(L, -2, "rule");
    lua_pushcfunction(L, l_days);
    lua_setfield(L, -2, "days");
    lua_pushcfunction(L, l_add_days);
    lua_setfield(L, -2, "add_days");
    lua_pushinteger(L, CONCORD_RULE_API);
    lua_setfield(L, -2, "rule_api");
    lua_pop(L, 1);

    lua_newtable(L);
    lua_newtable(L);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_setfield(L, LUA_REGISTRYINDEX, RULEDEFS_KEY);

    luaL_newmetatable(L, STMT_MT);
    lua_pushcfunction(L, stmt_close);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, stmt_close);
    lua_setfield(L, -2, "__close");
    lua_pushliteral(L, "statement");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
    return L;
}

/* ---------------------------------------------------------------- loading */

static char *field_dup(lua_State *L, int t, const char *k, const char *dflt)
{
    const char *s;
    char *out;

    lua_getfield(L, t, k);
    s = lua_tostring(L, -1);
    out = xstrdup(s ? s : dflt);
    lua_pop(L, 1);
    return out;
}

/* Prefixes a message that has no "file:line:" of its own with `where`. */
static bool has_position(const char *msg)
{
    const char *sp = strchr(msg, ' ');
    const char *p;

    if (sp == NULL || sp - msg < 3 || sp[-1] != ':')
        return false;
    p = sp - 2;
    if (*p < '0' || *p > '9')
        return false;
    while (p > msg && *p >= '0' && *p <= '9')
        p--;
    return *p == ':';
}

/*
 * Runs a rule file in L and leaves its definition table on the stack. With
 * info, fills it (strings owned by the caller).
 */
static int load_rule(lua_State *L, const char *path, struct rule_info *info,
                     struct cc_error *err)
{
    struct cc_error e2 = { 0 };
    int rc = sandbox_load_file(L, path, 0, &e2);

    if (rc == CC_OK)
        rc = sandbox_pcall(L, 0, 1, &e2);
    if (rc) {
        if (has_position(e2.msg))
            return cc_fail(err, rc, "rule %s", e2.msg);
        return cc_fail(err, rc, "rule %s: %s", path, e2.msg);
    }
    int def = lua_gettop(L);
    bool checked = false;
    if (lua_istable(L, def)) {
        lua_getfield(L, LUA_REGISTRYINDEX, RULEDEFS_KEY);
        lua_pushvalue(L, def);
        checked = lua_rawget(L, -2) != LUA_TNIL;
        lua_pop(L, 2);
    }
    if (!checked) {
        lua_pop(L, 1);
        return cc_fail(err, CC_EDATA, "rule %s: a rule file must return concord.rule{...}", path);
    }
    if (info) {
        info->id = field_dup(L, def, "id", "");
        info->kind = field_dup(L, def, "kind", info->id);
        info->severity = field_dup(L, def, "severity", "medium");
        info->description = field_dup(L, def, "description", "");
        info->path = xstrdup(path);
    }
    return CC_OK;
}

static void rule_info_free(struct rule_info *r)
{
    free(r->id);
    free(r->kind);
    free(r->severity);
    free(r->description);
    free(r->path);
}

void rules_lua_list_free(struct rule_list *list)
{
    if (list == NULL)
        return;
    for (size_t i = 0; i < list->count; i++)
        rule_info_free(&list->items[i]);
    free(list->items);
    free(list);
}

int rules_lua_list(struct rule_list **out, const char *const *dirs, size_t ndirs,
                   const struct sandbox_limits *limits, struct cc_error *err)
{
    struct rule_list *list = xcalloc(1, sizeof *list);
    int rc = CC_OK;

    *out = NULL;
    for (size_t d = 0; d < ndirs && rc == CC_OK; d++) {
        char **files;
        size_t n;
        if (cc_list_files(dirs[d], ".lua", &files, &n) != 0)
            rc = cc_fail(err, CC_ENOINPUT, "%s: cannot open rule folder: %s", dirs[d],
                         strerror(errno));
        for (size_t i = 0; i < n; i++) {
            if (rc == CC_OK) {
                struct rule_info ri = { 0 };
                lua_State *L = rule_state(limits);
                if (L == NULL)
                    rc = cc_fail(err, CC_ESOFTWARE, "cannot create a Lua state: out of memory");
                else
                    rc = load_rule(L, files[i], &ri, err);
                sandbox_close(L);
                if (rc == CC_OK) {
                    const struct rule_info *dup = NULL;
                    for (size_t k = 0; k < list->count && !dup; k++) {
                        if (strcmp(list->items[k].id, ri.id) == 0)
                            dup = &list->items[k];
                    }
                    if (dup)
                        rc = cc_fail(err, CC_EDATA,
                                     "rule '%s' is defined twice: %s and %s (rename one)", ri.id,
                                     dup->path, files[i]);
                    else if (is_builtin(ri.id))
                        rc = cc_fail(err, CC_EDATA,
                                     "rule %s: id '%s' is a built-in rule's id: choose another",
                                     files[i], ri.id);
                }
                if (rc == CC_OK) {
                    list->items = xrealloc(list->items, (list->count + 1) * sizeof *list->items);
                    list->items[list->count++] = ri;
                } else {
                    rule_info_free(&ri);
                }
            }
            free(files[i]);
        }
        free(files);
    }
    if (rc) {
        rules_lua_list_free(list);
        return rc;
    }
    *out = list;
    return CC_OK;
}

/* ---------------------------------------------------------------- SQL */

static const char *action_name(int action)
{
    switch (action) {
    case SQLITE_INSERT: return "INSERT";
    case SQLITE_UPDATE: return "UPDATE";
    case SQLITE_DELETE: return "DELETE";
    case SQLITE_CREATE_INDEX:
    case SQLITE_CREATE_TABLE:
    case SQLITE_CREATE_TEMP_INDEX:
    case SQLITE_CREATE_TEMP_TABLE:
    case SQLITE_CREATE_TEMP_TRIGGER:
    case SQLITE_CREATE_TEMP_VIEW:
    case SQLITE_CREATE_TRIGGER:
    case SQLITE_CREATE_VIEW:
    case SQLITE_CREATE_VTABLE: return "CREATE";
    case SQLITE_DROP_INDEX:
    case SQLITE_DROP_TABLE:
    case SQLITE_DROP_TEMP_INDEX:
    case SQLITE_DROP_TEMP_TABLE:
    case SQLITE_DROP_TEMP_TRIGGER:
    case SQLITE_DROP_TEMP_VIEW:
    case SQLITE_DROP_TRIGGER:
    case SQLITE_DROP_VIEW:
    case SQLITE_DROP_VTABLE: return "DROP";
    case SQLITE_ALTER_TABLE: return "ALTER TABLE";
    case SQLITE_TRANSACTION: return "BEGIN, COMMIT or ROLLBACK";
    case SQLITE_SAVEPOINT: return "SAVEPOINT";
    case SQLITE_ATTACH: return "ATTACH";
    case SQLITE_DETACH: return "DETACH";
    case SQLITE_PRAGMA: return "PRAGMA";
    case SQLITE_REINDEX: return "REINDEX";
    case SQLITE_ANALYZE: return "ANALYZE";
    default: return "this statement";
    }
}

/* Pragmas that only describe the schema: PRAGMA table_info(x) and the like. */
static const char *const readable_pragmas[] = { "table_info", "table_xinfo", "index_list",
                                                "index_info", "index_xinfo", "foreign_key_list",
                                                NULL };

/*
 * Rules read: anything else is refused while their SQL is prepared. The
 * schema table is let through for UPDATE because SQLite asks that of every
 * table-valued pragma (pragma_table_info('units')); a statement that would
 * really write is still refused by sqlite3_stmt_readonly().
 */
static int authorise(void *ud, int action, const char *a, const char *b, const char *dbname,
                     const char *trigger)
{
    struct rule_ctx *ctx = ud;

    (void)b;
    (void)dbname;
    (void)trigger;
    switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_FUNCTION:
    case SQLITE_RECURSIVE:
        return SQLITE_OK;
    case SQLITE_UPDATE:
        if (a && (strcmp(a, "sqlite_master") == 0 || strcmp(a, "sqlite_temp_master") == 0))
            return SQLITE_OK;
        break;
    case SQLITE_PRAGMA:
        if (a && b && in_list(a, readable_pragmas))
            return SQLITE_OK;
        break;
    default:
        break;
    }
    if (ctx->denied == 0)
        ctx->denied = action;
    return SQLITE_DENY;
}

/* Rules' SQL counts against the instruction budget, so no query runs forever. */
static int progress(void *ud)
{
    struct rule_ctx *ctx = ud;

    if (!ctx->sql_active)
        return 0;
    ctx->sql_ops += SQL_PROGRESS_STEP;
    if (ctx->sql_tripped || ctx->sql_ops > ctx->sql_budget) {
        ctx->sql_tripped = true;
        return 1;
    }
    return 0;
}

static void stmt_finish(struct lstmt *s)
{
    if (s->stmt)
        sqlite3_finalize(s->stmt);
    s->stmt = NULL;
}

static int user_step(struct lstmt *s)
{
    int rc;

    s->ctx->sql_active = true;
    rc = sqlite3_step(s->stmt);
    s->ctx->sql_active = false;
    return rc;
}

/* Finalizes s and raises the SQL error of the last step. */
static int sql_fail(lua_State *L, struct lstmt *s, const char *what)
{
    char msg[1024];
    struct rule_ctx *ctx = s->ctx;

    snprintf(msg, sizeof msg, "%s", sqlite3_errmsg(ctx->st->db));
    stmt_finish(s);
    if (ctx->sql_tripped)
        return rule_error(L, "db:%s: instruction limit exceeded (%llu SQL steps)", what,
                          (unsigned long long)ctx->sql_budget);
    return rule_error(L, "db:%s: %s", what, msg);
}

static struct rule_ctx *check_self(lua_State *L, const char *mt, const char *obj,
                                   const char *what)
{
    struct rule_ctx **p = luaL_testudata(L, 1, mt);

    if (p == NULL)
        rule_error(L, "%s.%s: call it with a colon, %s:%s(...)", obj, what, obj, what);
    if (p && (*p)->finished)
        rule_error(L, "%s:%s: the rule's run has finished", obj, what);
    return p ? *p : NULL;
}

/*
 * Prepares the SQL at index 2 (one read-only statement), binds the values
 * after it and pushes the statement's userdata.
 */
static struct lstmt *prepare_user(lua_State *L, struct rule_ctx *ctx, const char *what)
{
    int top = lua_gettop(L);
    size_t len;
    const char *sql = luaL_checklstring(L, 2, &len);
    const char *tail = NULL;
    sqlite3 *db = ctx->st->db;
    char msg[1024];
    int rc;

    if (ctx->sql_tripped)
        rule_error(L, "db:%s: instruction limit exceeded (%llu SQL steps)", what,
                   (unsigned long long)ctx->sql_budget);
    if (len > INT_MAX / 2)
        rule_error(L, "db:%s: the SQL is too long", what);
    struct lstmt *s = lua_newuserdatauv(L, sizeof *s, 0);
    s->stmt = NULL;
    s->ctx = ctx;
    luaL_setmetatable(L, STMT_MT);

    ctx->denied = 0;
    sqlite3_set_authorizer(db, authorise, ctx);
    rc = sqlite3_prepare_v2(db, sql, (int)len, &s->stmt, &tail);
    if (rc != SQLITE_OK) {
        sqlite3_set_authorizer(db, NULL, NULL);
        if (ctx->denied)
            rule_error(L, "db:%s: a rule may only read the database (%s is refused)", what,
                       action_name(ctx->denied));
        snprintf(msg, sizeof msg, "%s", sqlite3_errmsg(db));
        rule_error(L, "db:%s: %s", what, msg);
    }
    if (s->stmt == NULL) {
        sqlite3_set_authorizer(db, NULL, NULL);
        rule_error(L, "db:%s: no SQL statement in '%s'", what, sql);
    }
    /* Whatever follows must be only space, comments and ';'. */
    bool more = false;
    if (tail && tail < sql + len) {
        sqlite3_stmt *next = NULL;
        if (sqlite3_prepare_v2(db, tail, (int)(sql + len - tail), &next, NULL) != SQLITE_OK ||
            next)
            more = true;
        sqlite3_finalize(next);
    }
    sqlite3_set_authorizer(db, NULL, NULL);
    if (more) {
        stmt_finish(s);
        rule_error(L, "db:%s: give one SQL statement at a time (found more after the first ';')",
                   what);
    }
    if (!sqlite3_stmt_readonly(s->stmt)) {
        stmt_finish(s);
        rule_error(L, "db:%s: a rule may only read the database (the statement would change it)",
                   what);
    }

    int np = sqlite3_bind_parameter_count(s->stmt);
    int nargs = top - 2;
    if (np != nargs) {
        stmt_finish(s);
        rule_error(L, "db:%s: the statement has %d parameter%s, but %d value%s given", what, np,
                   np == 1 ? "" : "s", nargs, nargs == 1 ? " was" : "s were");
    }
    for (int i = 1; i <= np; i++) {
        int idx = 2 + i;
        switch (lua_type(L, idx)) {
        case LUA_TNIL:
            rc = sqlite3_bind_null(s->stmt, i);
            break;
        case LUA_TBOOLEAN:
            rc = sqlite3_bind_int(s->stmt, i, lua_toboolean(L, idx));
            break;
        case LUA_TNUMBER:
            if (lua_isinteger(L, idx))
                rc = sqlite3_bind_int64(s->stmt, i, (sqlite3_int64)lua_tointeger(L, idx));
            else
                rc = sqlite3_bind_double(s->stmt, i, (double)lua_tonumber(L, idx));
            break;
        case LUA_TSTRING: {
            size_t n;
            const char *v = lua_tolstring(L, idx, &n);
            rc = sqlite3_bind_text64(s->stmt, i, v, n, SQLITE_TRANSIENT, SQLITE_UTF8);
            break;
        }
        default:
            stmt_finish(s);
            rule_error(L, "db:%s: value %d: cannot use a %s in SQL (give a number, a string, a "
                          "boolean or nil)",
                       what, i, luaL_typename(L, idx));
        }
        if (rc != SQLITE_OK) {
            snprintf(msg, sizeof msg, "%s", sqlite3_errmsg(db));
            stmt_finish(s);
            rule_error(L, "db:%s: value %d: %s", what, i, msg);
        }
    }
    return s;
}

/* Pushes the current row as a table keyed by column name; NULL columns are absent. */
static void push_row(lua_State *L, sqlite3_stmt *stmt)
{
    int n = sqlite3_column_count(stmt);

    luaL_checkstack(L, 4, "row");
    lua_createtable(L, 0, n);
    for (int i = 0; i < n; i++) {
        switch (sqlite3_column_type(stmt, i)) {
        case SQLITE_NULL:
            continue;
        case SQLITE_INTEGER:
            lua_pushinteger(L, (lua_Integer)sqlite3_column_int64(stmt, i));
            break;
        case SQLITE_FLOAT:
            lua_pushnumber(L, (lua_Number)sqlite3_column_double(stmt, i));
            break;
        default: {
            const void *p = sqlite3_column_blob(stmt, i);
            int len = sqlite3_column_bytes(stmt, i);
            lua_pushlstring(L, p ? p : "", (size_t)len);
            break;
        }
        }
        lua_setfield(L, -2, sqlite3_column_name(stmt, i));
    }
}

static int db_query(lua_State *L)
{
    struct rule_ctx *ctx = check_self(L, DB_MT, "db", "query");
    struct lstmt *s = prepare_user(L, ctx, "query");
    lua_Integer n = 0;

    lua_newtable(L);
    for (;;) {
        int rc = user_step(s);
        if (rc == SQLITE_DONE)
            break;
        if (rc != SQLITE_ROW)
            return sql_fail(L, s, "query");
        if (n >= ctx->max_rows) {
            stmt_finish(s);
            return rule_error(L,
                              "db:query: more than %ld rows: read big results with db:each, or "
                              "narrow the query",
                              ctx->max_rows);
        }
        push_row(L, s->stmt);
        lua_rawseti(L, -2, ++n);
    }
    stmt_finish(s);
    return 1;
}

static int each_iter(lua_State *L)
{
    struct lstmt *s = luaL_checkudata(L, lua_upvalueindex(1), STMT_MT);
    int rc;

    if (s->stmt == NULL)
        return 0;
    rc = user_step(s);
    if (rc == SQLITE_DONE) {
        stmt_finish(s);
        return 0;
    }
    if (rc != SQLITE_ROW)
        return sql_fail(L, s, "each");
    push_row(L, s->stmt);
    return 1;
}

/* for row in db:each(sql, ...) do: the statement is closed when the loop ends or breaks. */
static int db_each(lua_State *L)
{
    struct rule_ctx *ctx = check_self(L, DB_MT, "db", "each");

    prepare_user(L, ctx, "each");
    int s = lua_gettop(L);
    lua_pushvalue(L, s);
    lua_pushcclosure(L, each_iter, 1);
    lua_pushnil(L);
    lua_pushnil(L);
    lua_pushvalue(L, s);
    return 4;
}

/* One of the rule's own look-ups, reset and ready for binding. */
static sqlite3_stmt *ctx_stmt(lua_State *L, struct rule_ctx *ctx, enum ctx_stmt which)
{
    if (ctx->q[which] == NULL) {
        if (sqlite3_prepare_v3(ctx->st->db, ctx_sql[which], -1, SQLITE_PREPARE_PERSISTENT,
                               &ctx->q[which], NULL) != SQLITE_OK) {
            char msg[1024];
            snprintf(msg, sizeof msg, "%s", sqlite3_errmsg(ctx->st->db));
            rule_error(L, "the store cannot be read: %s", msg);
        }
    }
    sqlite3_reset(ctx->q[which]);
    sqlite3_clear_bindings(ctx->q[which]);
    return ctx->q[which];
}

static void push_column(lua_State *L, sqlite3_stmt *q, int col, const char *name)
{
    switch (sqlite3_column_type(q, col)) {
    case SQLITE_NULL:
        return;
    case SQLITE_INTEGER:
        lua_pushinteger(L, (lua_Integer)sqlite3_column_int64(q, col));
        break;
    default:
        lua_pushstring(L, (const char *)sqlite3_column_text(q, col));
        break;
    }
    lua_setfield(L, -2, name);
}

/* db:unit(id or code): {id, code, name, type, parent, parent_id, valid_from, valid_to} or nil. */
static int db_unit(lua_State *L)
{
    struct rule_ctx *ctx = check_self(L, DB_MT, "db", "unit");
    sqlite3_stmt *q;

    if (lua_type(L, 2) == LUA_TNUMBER) {
        if (!lua_isinteger(L, 2))
            return rule_error(L, "db:unit: give a unit id (an integer) or a unit code");
        q = ctx_stmt(L, ctx, Q_UNIT_BY_ID);
        sqlite3_bind_int64(q, 1, (sqlite3_int64)lua_tointeger(L, 2));
    } else if (lua_type(L, 2) == LUA_TSTRING) {
        q = ctx_stmt(L, ctx, Q_UNIT_BY_CODE);
        sqlite3_bind_text(q, 1, lua_tostring(L, 2), -1, SQLITE_TRANSIENT);
    } else {
        return rule_error(L, "db:unit: give a unit id (an integer) or a unit code");
    }
    if (sqlite3_step(q) != SQLITE_ROW) {
        sqlite3_reset(q);
        lua_pushnil(L);
        return 1;
    }
    static const char *const names[] = { "id",        "code",       "name",    "type",
                                         "parent",    "parent_id",  "valid_from", "valid_to" };
    lua_createtable(L, 0, 8);
    for (int i = 0; i < 8; i++)
        push_column(L, q, i, names[i]);
    sqlite3_reset(q);
    return 1;
}

/* db:question(framework, code): the question the code asks, in plain words, or nil. */
static int db_question(lua_State *L)
{
    struct rule_ctx *ctx = check_self(L, DB_MT, "db", "question");
    const char *fw = luaL_checkstring(L, 2);
    const char *code = luaL_checkstring(L, 3);
    sqlite3_stmt *q = ctx_stmt(L, ctx, Q_QUESTION);

    sqlite3_bind_text(q, 1, fw, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 2, code, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL)
        lua_pushstring(L, (const char *)sqlite3_column_text(q, 0));
    else
        lua_pushnil(L);
    sqlite3_reset(q);
    return 1;
}

static int read_only(lua_State *L)
{
    return rule_error(L, "%s is read-only", lua_tostring(L, lua_upvalueindex(1)));
}

static void push_db(lua_State *L, struct rule_ctx *ctx)
{
    static const luaL_Reg methods[] = {
        { "query", db_query },
        { "each", db_each },
        { "unit", db_unit },
        { "question", db_question },
        { NULL, NULL },
    };
    struct rule_ctx **p = lua_newuserdatauv(L, sizeof *p, 0);

    *p = ctx;
    luaL_newmetatable(L, DB_MT);
    luaL_newlib(L, methods);
    lua_pushstring(L, ctx->today);
    lua_setfield(L, -2, "today");
    lua_setfield(L, -2, "__index");
    lua_pushliteral(L, "db");
    lua_pushcclosure(L, read_only, 1);
    lua_setfield(L, -2, "__newindex");
    lua_pushliteral(L, "db");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
}

/* ---------------------------------------------------------------- config */

/* Looks up setting `key` of rule `id`: the hook when there is one, else the
 * configuration's "rules.<id>.<key>". Pushes the value, or nil. */
static void push_setting(lua_State *L, const struct rules_lua_options *opt, const char *id,
                         const char *key)
{
    if (opt->setting) {
        struct rules_setting v = { 0 };
        opt->setting(opt->setting_ctx, id, key, &v);
        switch (v.type) {
        case RULES_SETTING_NUMBER:
            if (v.number > -9.0e18 && v.number < 9.0e18 &&
                v.number == (double)(long long)v.number)
                lua_pushinteger(L, (lua_Integer)v.number);
            else
                lua_pushnumber(L, v.number);
            return;
        case RULES_SETTING_BOOL:
            lua_pushboolean(L, v.boolean);
            return;
        case RULES_SETTING_STRING:
            lua_pushstring(L, v.string ? v.string : "");
            return;
        default:
            lua_pushnil(L);
            return;
        }
    }
    if (opt->config) {
        char path[256];
        snprintf(path, sizeof path, "rules.%s.%s", id, key);
        config_push(opt->config, path, L);
        return;
    }
    lua_pushnil(L);
}

static int config_index(lua_State *L)
{
    struct rule_ctx *ctx = lua_touserdata(L, lua_upvalueindex(1));

    if (lua_type(L, 2) != LUA_TSTRING || lua_rawlen(L, 2) > 100)
        return 0;
    push_setting(L, ctx->opt, ctx->rule->id, lua_tostring(L, 2));
    return 1;
}

static int config_newindex(lua_State *L)
{
    struct rule_ctx *ctx = lua_touserdata(L, lua_upvalueindex(1));

    return rule_error(L,
                      "config is read-only: settings come from the configuration "
                      "(rules.%s.%s)",
                      ctx->rule->id, lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "?");
}

static void push_config(lua_State *L, struct rule_ctx *ctx)
{
    lua_newtable(L);
    lua_newtable(L);
    lua_pushlightuserdata(L, ctx);
    lua_pushcclosure(L, config_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushlightuserdata(L, ctx);
    lua_pushcclosure(L, config_newindex, 1);
    lua_setfield(L, -2, "__newindex");
    lua_pushliteral(L, "config");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
}

/* ---------------------------------------------------------------- out:flag */

static const char *const flag_fields[] = { "severity", "unit",    "area",        "period",
                                           "bodies",   "members", "explanation", NULL };

static int cmp_member(const void *a, const void *b)
{
    const struct flag_member *x = a, *y = b;

    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Reads a date string at idx for out:flag's period. */
static int32_t flag_date(lua_State *L, int idx)
{
    size_t len;
    int32_t d;
    char msg[256];

    if (lua_type(L, idx) != LUA_TSTRING)
        return rule_error(L, "out:flag: period: expected { \"YYYY-MM-DD\", \"YYYY-MM-DD\" }"), 0;
    const char *s = lua_tolstring(L, idx, &len);
    if (date_parse(s, len, &d, msg, sizeof msg) != 0)
        return rule_error(L, "out:flag: period: %s", msg), 0;
    return d;
}

/* Reads members (table at idx) into ctx->members; pushes a set of their bodies. */
static size_t flag_members(lua_State *L, struct rule_ctx *ctx, int idx, int64_t *common_unit)
{
    size_t given, n = 0;
    bool mixed = false;

    if (lua_type(L, idx) != LUA_TTABLE)
        rule_error(L, "out:flag: members: required, a list such as "
                      "{ { assessment = id }, { event = id } }");
    given = lua_rawlen(L, idx);
    if (given == 0)
        rule_error(L, "out:flag: members: give at least one, as "
                      "{ { assessment = id }, { event = id }, { recommendation = id } }");
    if (given > MAX_MEMBERS)
        rule_error(L, "out:flag: members: more than %d", MAX_MEMBERS);
    if (given > ctx->members_cap) {
        ctx->members = xrealloc(ctx->members, given * sizeof *ctx->members);
        ctx->sorted = xrealloc(ctx->sorted, given * sizeof *ctx->sorted);
        ctx->members_cap = given;
    }
    lua_newtable(L);          /* bodies seen */
    int bodies = lua_gettop(L);
    lua_newtable(L);          /* members seen, by id * 4 + kind */
    int seen = lua_gettop(L);
    *common_unit = 0;
    for (size_t i = 1; i <= given; i++) {
        int kind = -1, keys = 0;
        lua_Integer id = 0;

        if (lua_rawgeti(L, idx, (lua_Integer)i) != LUA_TTABLE)
            rule_error(L, "out:flag: members[%zu]: expected a table such as { event = id }", i);
        lua_pushnil(L);
        while (lua_next(L, -2) != 0) {
            keys++;
            if (lua_type(L, -2) == LUA_TSTRING) {
                for (int k = 0; k < 3; k++) {
                    if (strcmp(lua_tostring(L, -2), member_names[k]) == 0)
                        kind = k;
                }
            }
            if (kind < 0 || keys > 1)
                rule_error(L,
                           "out:flag: members[%zu]: give exactly one of assessment = id, "
                           "event = id or recommendation = id",
                           i);
            int isnum = 0;
            id = lua_type(L, -1) == LUA_TNUMBER ? lua_tointegerx(L, -1, &isnum) : 0;
            if (!isnum || id <= 0)
                rule_error(L, "out:flag: members[%zu]: %s: expected an id (a positive integer)",
                           i, member_names[kind]);
            lua_pop(L, 1);
        }
        if (keys == 0)
            rule_error(L,
                       "out:flag: members[%zu]: give exactly one of assessment = id, event = id "
                       "or recommendation = id",
                       i);
        lua_pop(L, 1);

        /* Twice the same member is harmless: keep the first. */
        if (id > (LUA_MAXINTEGER - 3) / 4)
            rule_error(L, "out:flag: members[%zu]: there is no %s with id %lld", i,
                       member_names[kind], (long long)id);
        if (lua_rawgeti(L, seen, id * 4 + kind) != LUA_TNIL) {
            lua_pop(L, 1);
            continue;
        }
        lua_pop(L, 1);
        lua_pushboolean(L, 1);
        lua_rawseti(L, seen, id * 4 + kind);

        sqlite3_stmt *q = ctx_stmt(L, ctx, (enum ctx_stmt)kind);
        sqlite3_bind_int64(q, 1, (sqlite3_int64)id);
        if (sqlite3_step(q) != SQLITE_ROW) {
            sqlite3_reset(q);
            rule_error(L, "out:flag: members[%zu]: there is no %s with id %lld", i,
                       member_names[kind], (long long)id);
        }
        if (sqlite3_column_type(q, 2) != SQLITE_NULL) {
            sqlite3_reset(q);
            rule_error(L,
                       "out:flag: members[%zu]: %s %lld is retired (a later version of its "
                       "source no longer has it); leave retired records out "
                       "(WHERE retired_by IS NULL)",
                       i, member_names[kind], (long long)id);
        }
        int64_t unit = sqlite3_column_int64(q, 1);
        lua_pushstring(L, (const char *)sqlite3_column_text(q, 0));
        sqlite3_reset(q);
        lua_pushboolean(L, 1);
        lua_rawset(L, bodies);
        if (n == 0)
            *common_unit = unit;
        else if (unit != *common_unit)
            mixed = true;
        ctx->members[n].kind = (enum flag_member_kind)kind;
        ctx->members[n].id = (int64_t)id;
        n++;
    }
    if (mixed)
        *common_unit = 0;
    lua_pop(L, 1);            /* members seen; the bodies set stays */
    return n;
}

/* Collects the keys of the set at idx, sorted, joined with '+', into b. */
static void join_bodies(lua_State *L, int idx, struct sbuf *b)
{
    const char *names[64];
    size_t n = 0;

    sbuf_reset(b);
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        lua_pop(L, 1);
        if (n == sizeof names / sizeof names[0])
            rule_error(L, "out:flag: bodies: more than %zu", sizeof names / sizeof names[0]);
        names[n++] = lua_tostring(L, -1);  /* the key stays alive in the set */
    }
    qsort(names, n, sizeof names[0], cc_cmp_strings);
    for (size_t i = 0; i < n; i++) {
        if (i)
            sbuf_addc(b, '+');
        sbuf_adds(b, names[i]);
    }
}

/* Adds one body name at idx to the set at set; raises when it is not one. */
static void add_body(lua_State *L, int idx, int set, size_t pos)
{
    size_t len;

    if (lua_type(L, idx) != LUA_TSTRING)
        rule_error(L, "out:flag: bodies: expected names such as { \"HMIP\", \"IQA\" }");
    const char *s = lua_tolstring(L, idx, &len);
    if (!valid_body(s, len) || strlen(s) != len)
        rule_error(L,
                   "out:flag: bodies[%zu]: '%s' is not a body name (upper-case letters, digits, "
                   "'_' and '-')",
                   pos, s);
    lua_pushvalue(L, idx);
    lua_pushboolean(L, 1);
    lua_rawset(L, set);
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static int out_flag(lua_State *L)
{
    struct rule_ctx *ctx = check_self(L, OUT_MT, "out", "flag");
    const char *severity = ctx->severity, *area = NULL, *explanation;
    char start[DATE_FORMAT_SIZE] = "", end[DATE_FORMAT_SIZE] = "";
    bool has_period = false;
    int64_t unit_id = 0, common_unit = 0;
    size_t elen, len, n;
    int t;

    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    lua_pushnil(L);
    while (lua_next(L, 2) != 0) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING)
            return rule_error(L, "out:flag: takes a table of named fields");
        if (!in_list(lua_tostring(L, -1), flag_fields))
            return rule_error(L,
                              "out:flag: %s: unknown field (fields: severity, unit, area, period, "
                              "bodies, members, explanation)",
                              lua_tostring(L, -1));
    }

    /* explanation: plain English, never a raw case reference. */
    t = lua_getfield(L, 2, "explanation");           /* 3 */
    if (t != LUA_TSTRING)
        return rule_error(L, "out:flag: explanation: required, a string in plain English");
    explanation = lua_tolstring(L, 3, &elen);
    while (elen > 0 && (*explanation == ' ' || *explanation == '\n' || *explanation == '\t' ||
                        *explanation == '\r'))
        explanation++, elen--;
    while (elen > 0 && (explanation[elen - 1] == ' ' || explanation[elen - 1] == '\n' ||
                        explanation[elen - 1] == '\t' || explanation[elen - 1] == '\r'))
        elen--;
    if (elen == 0)
        return rule_error(L, "out:flag: explanation: required, but empty");
    if (memchr(explanation, '\0', elen))
        return rule_error(L, "out:flag: explanation: contains a NUL byte");
    if (has_crn_word(explanation, elen))
        return rule_error(L,
                          "out:flag: explanation: contains a case reference (a word shaped like a "
                          "CRN; value withheld): never put a raw CRN in an explanation");

    lua_getfield(L, 2, "members");                   /* 4 */
    n = flag_members(L, ctx, 4, &common_unit);       /* pushes the bodies set: 5 */

    t = lua_getfield(L, 2, "severity");              /* 6 */
    if (t != LUA_TNIL) {
        severity = t == LUA_TSTRING ? severity_of(lua_tostring(L, -1)) : NULL;
        if (severity == NULL)
            return rule_error(L, "out:flag: severity: must be \"low\", \"medium\" or \"high\"");
    }

    t = lua_getfield(L, 2, "unit");                  /* 7 */
    if (t == LUA_TNIL) {
        unit_id = common_unit;
    } else {
        sqlite3_stmt *q;
        if (t == LUA_TNUMBER) {
            int isnum = 0;
            lua_Integer v = lua_tointegerx(L, -1, &isnum);
            if (!isnum)
                return rule_error(L, "out:flag: unit: expected a unit code or id");
            q = ctx_stmt(L, ctx, Q_UNIT_BY_ID);
            sqlite3_bind_int64(q, 1, (sqlite3_int64)v);
        } else if (t == LUA_TSTRING) {
            q = ctx_stmt(L, ctx, Q_UNIT_BY_CODE);
            sqlite3_bind_text(q, 1, lua_tostring(L, -1), -1, SQLITE_TRANSIENT);
        } else {
            return rule_error(L, "out:flag: unit: expected a unit code or id, got a %s",
                              luaL_typename(L, -1));
        }
        if (sqlite3_step(q) != SQLITE_ROW) {
            sqlite3_reset(q);
            return rule_error(L, "out:flag: unit: '%s' is not a unit in the register",
                              luaL_tolstring(L, 7, NULL));
        }
        unit_id = sqlite3_column_int64(q, 0);
        sqlite3_reset(q);
    }

    t = lua_getfield(L, 2, "area");                  /* 8 */
    if (t != LUA_TNIL) {
        if (t != LUA_TSTRING || lua_rawlen(L, -1) == 0)
            return rule_error(L, "out:flag: area: expected an area code such as \"CS.PLAN\"");
        area = lua_tostring(L, -1);
        sqlite3_stmt *q = ctx_stmt(L, ctx, Q_AREA);
        sqlite3_bind_text(q, 1, area, -1, SQLITE_TRANSIENT);
        bool known = sqlite3_step(q) == SQLITE_ROW;
        sqlite3_reset(q);
        if (!known)
            return rule_error(L,
                              "out:flag: area: '%s' is not an area of the common taxonomy "
                              "(concord taxonomy lists them)",
                              area);
    }

    t = lua_getfield(L, 2, "period");                /* 9 */
    if (t != LUA_TNIL) {
        int32_t a = 0, b = 0;
        if (t == LUA_TSTRING) {
            char msg[256];
            const char *s = lua_tolstring(L, -1, &len);
            if (period_parse(s, len, &a, &b, msg, sizeof msg) != 0)
                return rule_error(L, "out:flag: period: %s", msg);
        } else if (t == LUA_TTABLE && lua_rawlen(L, -1) == 2) {
            lua_rawgeti(L, 9, 1);
            a = flag_date(L, -1);
            lua_rawgeti(L, 9, 2);
            b = flag_date(L, -1);
            lua_pop(L, 2);
            if (b < a)
                return rule_error(L, "out:flag: period: ends before it starts");
        } else {
            return rule_error(L, "out:flag: period: expected { \"YYYY-MM-DD\", \"YYYY-MM-DD\" }");
        }
        date_format(a, start);
        date_format(b, end);
        has_period = true;
    }

    t = lua_getfield(L, 2, "bodies");                /* 10 */
    int bodyset = 5;
    if (t != LUA_TNIL) {
        lua_newtable(L);                             /* 11 */
        bodyset = 11;
        if (t == LUA_TSTRING) {
            add_body(L, 10, bodyset, 1);
        } else if (t == LUA_TTABLE) {
            size_t nb = lua_rawlen(L, 10);
            if (nb == 0)
                return rule_error(L, "out:flag: bodies: expected names such as "
                                     "{ \"HMIP\", \"IQA\" }");
            for (size_t i = 1; i <= nb; i++) {
                lua_rawgeti(L, 10, (lua_Integer)i);
                add_body(L, -1, bodyset, i);
                lua_pop(L, 1);
            }
        } else {
            return rule_error(L, "out:flag: bodies: expected names such as { \"HMIP\", \"IQA\" }");
        }
    }
    join_bodies(L, bodyset, &ctx->bodies);

    /* Identity within the rule: its members, sorted. */
    memcpy(ctx->sorted, ctx->members, n * sizeof *ctx->sorted);
    qsort(ctx->sorted, n, sizeof *ctx->sorted, cmp_member);
    sbuf_reset(&ctx->key);
    for (size_t i = 0; i < n; i++)
        sbuf_printf(&ctx->key, "%s%c%019lld", i ? "," : "", member_letters[ctx->sorted[i].kind],
                    (long long)ctx->sorted[i].id);
    int64_t earlier;
    if (strmap_get(&ctx->seen, ctx->key.s, ctx->key.len, &earlier))
        return rule_error(L,
                          "out:flag: members: this rule already flagged exactly these members (a "
                          "flag is known by its rule and members: say it all in one flag)");

    size_t bytes = sizeof(struct pending) + ctx->key.len + ctx->bodies.len + elen +
                   (area ? strlen(area) : 0) + n * sizeof(struct flag_member) + 8;
    if (ctx->flag_bytes + bytes > ctx->flag_budget)
        return rule_error(L, "out:flag: this rule's flags take more than the memory limit "
                             "(%zu MiB)",
                          ctx->flag_budget >> 20);

    /* Checked: from here on nothing can raise, so nothing allocated below can leak. */
    if (ctx->nflags == ctx->cap) {
        ctx->cap = ctx->cap ? ctx->cap * 2 : 64;
        ctx->flags = xrealloc(ctx->flags, ctx->cap * sizeof *ctx->flags);
    }
    struct pending *p = &ctx->flags[ctx->nflags++];
    memset(p, 0, sizeof *p);
    p->key = xstrdup(ctx->key.s);
    p->severity = severity;
    p->area = dup_or_null(area);
    p->bodies = xstrdup(ctx->bodies.s ? ctx->bodies.s : "");
    p->explanation = xstrndup(explanation, elen);
    p->has_period = has_period;
    memcpy(p->start, start, sizeof start);
    memcpy(p->end, end, sizeof end);
    p->unit_id = unit_id;
    p->members = xmalloc(n * sizeof *p->members);
    memcpy(p->members, ctx->members, n * sizeof *p->members);
    p->nmembers = n;
    strmap_put(&ctx->seen, ctx->key.s, ctx->key.len, 1);
    ctx->flag_bytes += bytes;
    return 0;
}

static void push_out(lua_State *L, struct rule_ctx *ctx)
{
    static const luaL_Reg methods[] = {
        { "flag", out_flag },
        { NULL, NULL },
    };
    struct rule_ctx **p = lua_newuserdatauv(L, sizeof *p, 0);

    *p = ctx;
    luaL_newmetatable(L, OUT_MT);
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pushliteral(L, "out");
    lua_pushcclosure(L, read_only, 1);
    lua_setfield(L, -2, "__newindex");
    lua_pushliteral(L, "out");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
}

/* ---------------------------------------------------------------- running */

/* Message handler: remembers the rule's line where the error happened. */
static int locate(lua_State *L)
{
    struct rule_ctx *ctx = lua_touserdata(L, lua_upvalueindex(1));
    lua_Debug ar;

    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0 && ar.source &&
            ar.source[0] == '@') {
            snprintf(ctx->where, sizeof ctx->where, "%s:%d", ar.source + 1, ar.currentline);
            break;
        }
    }
    lua_settop(L, 1);
    return 1;
}

/* Calls run(db, out, config) under `locate`, and rethrows what it raised. */
static int run_guard(lua_State *L)
{
    struct rule_ctx *ctx = lua_touserdata(L, lua_upvalueindex(1));

    lua_settop(L, 1);                  /* run */
    lua_pushlightuserdata(L, ctx);
    lua_pushcclosure(L, locate, 1);
    lua_insert(L, 1);
    push_db(L, ctx);
    push_out(L, ctx);
    push_config(L, ctx);
    if (lua_pcall(L, 3, 0, 1) != LUA_OK)
        return lua_error(L);
    return 0;
}

/*
 * rules.<ID>.enabled and rules.<ID>.severity, as for the built-in rules: a
 * severity setting is the severity of every flag the rule raises.
 */
static int rule_settings(const struct rules_lua_options *opt, const struct rule_info *rule,
                         bool *enabled, const char **severity, struct cc_error *err)
{
    const char *sev = NULL;

    *enabled = true;
    *severity = NULL;
    if (opt->setting) {
        struct rules_setting v = { 0 };
        opt->setting(opt->setting_ctx, rule->id, "enabled", &v);
        if (v.type == RULES_SETTING_BOOL)
            *enabled = v.boolean;
        memset(&v, 0, sizeof v);
        opt->setting(opt->setting_ctx, rule->id, "severity", &v);
        if (v.type == RULES_SETTING_STRING)
            sev = v.string ? v.string : "";
    } else if (opt->config) {
        char path[256];
        snprintf(path, sizeof path, "rules.%s.enabled", rule->id);
        *enabled = config_bool(opt->config, path, true);
        snprintf(path, sizeof path, "rules.%s.severity", rule->id);
        sev = config_string(opt->config, path, NULL);
    }
    if (sev) {
        *severity = severity_of(sev);
        if (*severity == NULL)
            return cc_fail(err, CC_EDATA,
                           "rules.%s.severity: must be \"low\", \"medium\" or \"high\", got '%s'",
                           rule->id, sev);
    }
    return CC_OK;
}

static int cmp_pending(const void *a, const void *b)
{
    return strcmp(((const struct pending *)a)->key, ((const struct pending *)b)->key);
}

static void ctx_free(struct rule_ctx *ctx)
{
    for (int i = 0; i < Q_COUNT; i++)
        sqlite3_finalize(ctx->q[i]);
    for (size_t i = 0; i < ctx->nflags; i++) {
        struct pending *p = &ctx->flags[i];
        free(p->key);
        free(p->area);
        free(p->bodies);
        free(p->explanation);
        free(p->members);
    }
    free(ctx->flags);
    free(ctx->members);
    free(ctx->sorted);
    strmap_free(&ctx->seen);
    sbuf_free(&ctx->key);
    sbuf_free(&ctx->bodies);
}

static int run_one(struct store *st, const struct rule_info *rule,
                   const struct rules_lua_options *opt, const char *today,
                   struct flag_set *set, long *added, struct cc_error *err)
{
    struct rule_ctx ctx;
    struct cc_error e2 = { 0 };
    struct rule_info again = { 0 };
    lua_State *L;
    int rc;

    *added = 0;
    memset(&ctx, 0, sizeof ctx);
    bool enabled;
    rc = rule_settings(opt, rule, &enabled, &ctx.forced, err);
    ctx.severity = severity_of(rule->severity);
    if (ctx.severity == NULL)
        ctx.severity = "medium";
    if (rc)
        return rc;
    if (!enabled) {
        cc_log(CC_LOG_INFO, "rule %s: disabled by the configuration", rule->id);
        return CC_OK;
    }
    ctx.st = st;
    ctx.rule = rule;
    ctx.opt = opt;
    ctx.today = today;
    ctx.max_rows = opt->max_rows > 0 ? opt->max_rows : RULES_LUA_DEFAULT_MAX_ROWS;
    ctx.sql_budget = opt->limits.max_instructions ? opt->limits.max_instructions
                                                  : DEFAULT_MAX_INSTRUCTIONS;
    ctx.flag_budget = opt->limits.max_memory ? opt->limits.max_memory : DEFAULT_MAX_MEMORY;
    strmap_init(&ctx.seen);
    sbuf_init(&ctx.key);
    sbuf_init(&ctx.bodies);

    L = rule_state(&opt->limits);
    if (L == NULL) {
        ctx_free(&ctx);
        return cc_fail(err, CC_ESOFTWARE, "cannot create a Lua state: out of memory");
    }
    /* A fresh state per rule: nothing one rule does reaches the next. */
    rc = load_rule(L, rule->path, &again, err);
    if (rc == CC_OK && strcmp(again.id, rule->id) != 0)
        rc = cc_fail(err, CC_EDATA, "rule %s: its id changed while the rules ran", rule->path);
    rule_info_free(&again);
    if (rc) {
        sandbox_close(L);
        ctx_free(&ctx);
        return rc;
    }
    lua_pushlightuserdata(L, &ctx);
    lua_pushcclosure(L, run_guard, 1);
    lua_getfield(L, -2, "run");
    sqlite3_progress_handler(st->db, SQL_PROGRESS_STEP, progress, &ctx);
    rc = sandbox_pcall(L, 1, 0, &e2);
    if (rc == CC_OK && ctx.sql_tripped)
        rc = cc_fail(&e2, CC_EDATA, "instruction limit exceeded (%llu SQL steps)",
                     (unsigned long long)ctx.sql_budget);
    cc_log(CC_LOG_INFO, "rule %s: %zu flags, %llu instructions, %zu KiB peak", rule->id,
           ctx.nflags, (unsigned long long)sandbox_instructions(L), sandbox_peak_memory(L) >> 10);
    /* Closing the state finalizes any statement the rule left open; finalizers
     * the rule set can no longer query or flag. */
    ctx.finished = true;
    sandbox_close(L);
    sqlite3_progress_handler(st->db, 0, NULL, NULL);
    if (rc) {
        if (has_position(e2.msg))
            cc_fail(err, rc, "rule %s: %s", rule->id, e2.msg);
        else if (ctx.where[0])
            cc_fail(err, rc, "rule %s: %s: %s", rule->id, ctx.where, e2.msg);
        else
            cc_fail(err, rc, "rule %s: %s: %s", rule->id, rule->path, e2.msg);
        ctx_free(&ctx);
        return rc;
    }

    /* In member order, so the output does not depend on how the rule found things. */
    if (ctx.nflags > 1)
        qsort(ctx.flags, ctx.nflags, sizeof *ctx.flags, cmp_pending);
    for (size_t i = 0; i < ctx.nflags && rc == CC_OK; i++) {
        const struct pending *p = &ctx.flags[i];
        struct flag f = {
            .rule = rule->id,
            .kind = rule->kind,
            .severity = ctx.forced ? ctx.forced : p->severity,
            .unit_id = p->unit_id,
            .area = p->area,
            .period_start = p->has_period ? p->start : NULL,
            .period_end = p->has_period ? p->end : NULL,
            .bodies = p->bodies,
            .explanation = p->explanation,
            .members = p->members,
            .nmembers = p->nmembers,
        };
        struct cc_error e3 = { 0 };
        rc = flag_add(set, &f, &e3);
        if (rc)
            cc_fail(err, rc, "rule %s: %s", rule->id, e3.msg);
        else
            (*added)++;
    }
    ctx_free(&ctx);
    return rc;
}

int rules_lua_run_opts(struct store *st, const char *const *dirs, size_t ndirs,
                       const struct rules_lua_options *opt, struct flag_set *set, long *nflags,
                       struct cc_error *err)
{
    static const struct rules_lua_options none = { 0 };
    struct rule_list *list;
    char today[DATE_FORMAT_SIZE];
    long total = 0;
    int rc;

    if (nflags)
        *nflags = 0;
    if (opt == NULL)
        opt = &none;
    if (opt->today) {
        int32_t d;
        char msg[256];
        if (date_parse(opt->today, strlen(opt->today), &d, msg, sizeof msg) != 0)
            return cc_fail(err, CC_EUSAGE, "the run date: %s", msg);
        date_format(d, today);
    } else {
        char now[21];
        cc_now_iso(now);
        memcpy(today, now, DATE_FORMAT_SIZE - 1);
        today[DATE_FORMAT_SIZE - 1] = '\0';
    }
    rc = rules_lua_list(&list, dirs, ndirs, &opt->limits, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < list->count && rc == CC_OK; i++) {
        long added = 0;
        rc = run_one(st, &list->items[i], opt, today, set, &added, err);
        total += added;
    }
    rules_lua_list_free(list);
    if (nflags)
        *nflags = total;
    return rc;
}

int rules_lua_run(struct store *st, const char *const *dirs, size_t ndirs,
                  const struct sandbox_limits *limits, const struct config *config,
                  struct flag_set *set, struct cc_error *err)
{
    struct rules_lua_options opt = { 0 };

    if (limits)
        opt.limits = *limits;
    opt.config = config;
    return rules_lua_run_opts(st, dirs, ndirs, &opt, set, NULL, err);
}
