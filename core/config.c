/* SPDX-License-Identifier: MIT */
/*
 * concord.lua: loading (sandboxed, data only, with the line of every
 * top-level assignment), the schema of known settings, checking, lookups,
 * and writing the effective configuration back out as Lua.
 */
#include "config.h"
#include "schedule.h"

#include <ctype.h>
#include <errno.h>
#include <lauxlib.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sandbox.h"

/* A configuration is small: these limits only stop a runaway file. */
#define CONFIG_MAX_MEMORY ((size_t)32 << 20)
#define CONFIG_MAX_INSTRUCTIONS 20000000ULL
#define CONFIG_MAX_VALUES 100000
#define CONFIG_MAX_DEPTH 32

/* ================================================================ values */

/* The file's values, copied out of Lua so the state can be closed. */
enum cv_type { CV_BOOL, CV_NUMBER, CV_STRING, CV_TABLE, CV_OTHER };

struct centry;

struct cval {
    enum cv_type type;
    bool b;
    double n;
    char *s;       /* CV_STRING: the string; CV_OTHER: what it is ("a function") */
    size_t len;    /* CV_STRING */
    struct centry *e; /* CV_TABLE: list positions first (ascending), then names (sorted) */
    size_t ne;
};

struct centry {
    char *key;     /* a name; NULL for a list position */
    long long pos; /* the position when key == NULL */
    bool badkey;   /* a key that is neither: key holds how it looks */
    int line;      /* top-level entries: the line of the assignment */
    struct cval v;
};

struct config {
    char *path;  /* NULL = defaults only */
    char *dir;   /* path's folder as given ("" when none), for config_resolve */
    bool returned;
    struct cval root; /* CV_TABLE of the top-level assignments */
};

static void cval_free(struct cval *v)
{
    free(v->s);
    for (size_t i = 0; i < v->ne; i++) {
        free(v->e[i].key);
        cval_free(&v->e[i].v);
    }
    free(v->e);
}

static int entry_cmp(const void *pa, const void *pb)
{
    const struct centry *a = pa, *b = pb;
    int ra = a->badkey ? 2 : a->key ? 1 : 0, rb = b->badkey ? 2 : b->key ? 1 : 0;

    if (ra != rb)
        return ra - rb;
    if (ra == 0)
        return (a->pos > b->pos) - (a->pos < b->pos);
    return strcmp(a->key, b->key);
}

static const struct cval *cval_field(const struct cval *v, const char *name)
{
    if (v == NULL || v->type != CV_TABLE)
        return NULL;
    for (size_t i = 0; i < v->ne; i++) {
        if (v->e[i].key && !v->e[i].badkey && strcmp(v->e[i].key, name) == 0)
            return &v->e[i].v;
    }
    return NULL;
}

static const struct cval *cval_at(const struct cval *v, long long pos)
{
    if (v == NULL || v->type != CV_TABLE)
        return NULL;
    for (size_t i = 0; i < v->ne && v->e[i].key == NULL && !v->e[i].badkey; i++) {
        if (v->e[i].pos == pos)
            return &v->e[i].v;
    }
    return NULL;
}

/* How many list positions v has when it is a proper list (1..n, nothing else); else -1. */
static long long cval_list_len(const struct cval *v)
{
    if (v == NULL || v->type != CV_TABLE)
        return -1;
    for (size_t i = 0; i < v->ne; i++) {
        if (v->e[i].key || v->e[i].badkey || v->e[i].pos != (long long)i + 1)
            return -1;
    }
    return (long long)v->ne;
}

static const char *cval_what(const struct cval *v)
{
    switch (v->type) {
    case CV_BOOL: return "a boolean";
    case CV_NUMBER: return "a number";
    case CV_STRING: return "a string";
    case CV_TABLE: return "a table";
    case CV_OTHER: return v->s;
    }
    return "a value";
}

/* ---------------------------------------------------------------- from Lua */

struct conv {
    lua_State *L;
    size_t values;
    const void *stack[CONFIG_MAX_DEPTH];
    int depth;
};

static void conv_value(struct conv *cv, int idx, struct cval *out);

static void conv_table(struct conv *cv, int idx, struct cval *out)
{
    lua_State *L = cv->L;
    const void *self = lua_topointer(L, idx);
    size_t cap = 0;

    for (int d = 0; d < cv->depth; d++) {
        if (cv->stack[d] == self) {
            out->type = CV_OTHER;
            out->s = xstrdup("a table that contains itself");
            return;
        }
    }
    if (cv->depth >= CONFIG_MAX_DEPTH || !lua_checkstack(L, 4)) {
        out->type = CV_OTHER;
        out->s = xstrdup("a table nested too deeply");
        return;
    }
    out->type = CV_TABLE;
    cv->stack[cv->depth++] = self;
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        struct centry *e;
        if (out->ne == cap) {
            cap = cap ? cap * 2 : 8;
            out->e = xrealloc(out->e, cap * sizeof *out->e);
        }
        e = &out->e[out->ne++];
        memset(e, 0, sizeof *e);
        if (lua_type(L, -2) == LUA_TSTRING) {
            e->key = xstrdup(lua_tostring(L, -2));
        } else if (lua_isinteger(L, -2)) {
            e->pos = lua_tointeger(L, -2);
        } else {
            /* tolstring would change a number key in place and upset lua_next. */
            lua_pushvalue(L, -2);
            e->key = xstrdup(luaL_tolstring(L, -1, NULL));
            lua_pop(L, 2);
            e->badkey = true;
        }
        conv_value(cv, lua_gettop(L), &e->v);
        lua_pop(L, 1);
    }
    cv->depth--;
    if (out->ne > 1)
        qsort(out->e, out->ne, sizeof *out->e, entry_cmp);
}

static void conv_value(struct conv *cv, int idx, struct cval *out)
{
    lua_State *L = cv->L;

    memset(out, 0, sizeof *out);
    if (++cv->values > CONFIG_MAX_VALUES) {
        out->type = CV_OTHER;
        out->s = xstrdup("too many values");
        return;
    }
    switch (lua_type(L, idx)) {
    case LUA_TBOOLEAN:
        out->type = CV_BOOL;
        out->b = lua_toboolean(L, idx);
        break;
    case LUA_TNUMBER:
        out->type = CV_NUMBER;
        out->n = lua_tonumber(L, idx);
        break;
    case LUA_TSTRING: {
        const char *s = lua_tolstring(L, idx, &out->len);
        out->type = CV_STRING;
        out->s = xstrndup(s, out->len);
        break;
    }
    case LUA_TTABLE:
        conv_table(cv, idx, out);
        break;
    default:
        out->type = CV_OTHER;
        out->s = xstrdup(lua_type(L, idx) == LUA_TFUNCTION ? "a function"
                         : lua_type(L, idx) == LUA_TTHREAD ? "a coroutine"
                                                           : "a value that is not data");
        break;
    }
}

/* ---------------------------------------------------------------- the environment */

static const char unknown_name_hint[] =
    "a configuration file only assigns settings (name = value): it cannot read other names "
    "or call functions";

/* env.__index: names the file has assigned already; anything else is an error. */
static int env_index(lua_State *L)
{
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
        return 1;
    if (lua_type(L, 2) == LUA_TSTRING)
        return luaL_error(L, "unknown name '%s': %s", lua_tostring(L, 2), unknown_name_hint);
    return luaL_error(L, "unknown name: %s", unknown_name_hint);
}

/* The file's text, to find where each top-level assignment starts. */
struct source {
    const char *text;
    size_t len;
    int prev; /* the line where the previous assignment ended */
};

static bool name_char(char ch)
{
    return isalnum((unsigned char)ch) || ch == '_';
}

/*
 * Lua reports the line where an assignment ends: the closing brace of
 * `rules = { ... }`. People look for the line where it starts: the first
 * line from the end of the previous assignment that has "name =" where a
 * statement can start. Falls back to the end line.
 */
static int start_line(const struct source *src, const char *name, int from, int to)
{
    size_t n = strlen(name);
    int line = 1;

    if (from < 1 || from > to)
        from = 1;
    for (size_t i = 0; i < src->len && line <= to; i++) {
        if (src->text[i] == '\n') {
            line++;
            continue;
        }
        if (line < from || i + n > src->len || memcmp(src->text + i, name, n) != 0)
            continue;
        if (i > 0 && (name_char(src->text[i - 1]) || src->text[i - 1] == '.' ||
                      src->text[i - 1] == '[' || src->text[i - 1] == '"' ||
                      src->text[i - 1] == '\''))
            continue;
        size_t j = i + n;
        while (j < src->len && (src->text[j] == ' ' || src->text[j] == '\t'))
            j++;
        if (j < src->len && src->text[j] == '=' && (j + 1 >= src->len || src->text[j + 1] != '=') &&
            !name_char(src->text[i + n]))
            return line;
    }
    return to;
}

/* env.__newindex: keeps the value and the line of the assignment doing it. */
static int env_newindex(lua_State *L)
{
    struct source *src = lua_touserdata(L, lua_upvalueindex(3));
    lua_Debug ar;
    lua_Integer line = 0;

    if (lua_type(L, 2) != LUA_TSTRING)
        return luaL_error(L, "a setting needs a name (name = value)");
    if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "l", &ar) && ar.currentline > 0) {
        line = start_line(src, lua_tostring(L, 2), src->prev, ar.currentline);
        src->prev = ar.currentline;
    }
    lua_pushvalue(L, 2);
    lua_pushvalue(L, 3);
    lua_rawset(L, lua_upvalueindex(1));
    lua_pushvalue(L, 2);
    if (lua_isnil(L, 3))
        lua_pushnil(L);
    else
        lua_pushinteger(L, line);
    lua_rawset(L, lua_upvalueindex(2));
    return 0;
}

static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (slash == NULL)
        return xstrdup("");
    if (slash == path)
        return xstrdup("/");
    return xstrndup(path, (size_t)(slash - path));
}

static int run_file(struct config *c, lua_State *L, const struct source *text,
                    struct cc_error *err)
{
    struct cc_error e = { 0 };
    struct conv cv = { 0 };
    struct source src = *text;
    int values, lines, rc;

    lua_newtable(L);
    values = lua_gettop(L);
    lua_newtable(L);
    lines = lua_gettop(L);
    rc = sandbox_load_file(L, c->path, 1, &e);
    if (rc)
        return cc_fail(err, rc, "%s", e.msg);
    lua_newtable(L); /* env: stays empty, so every access goes through the metatable */
    lua_newtable(L);
    lua_pushvalue(L, values);
    lua_pushcclosure(L, env_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushvalue(L, values);
    lua_pushvalue(L, lines);
    lua_pushlightuserdata(L, &src);
    lua_pushcclosure(L, env_newindex, 3);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    if (lua_setupvalue(L, -2, 1) == NULL)
        lua_pop(L, 1);
    rc = sandbox_pcall(L, 0, 1, &e);
    if (rc) {
        size_t n = strlen(c->path);
        /* Lua's messages carry "path:line:"; the sandbox's limits do not. */
        if (strncmp(e.msg, c->path, n) == 0 && e.msg[n] == ':')
            return cc_fail(err, rc, "%s", e.msg);
        return cc_fail(err, rc, "%s: %s", c->path, e.msg);
    }
    c->returned = !lua_isnil(L, -1);
    lua_pop(L, 1);

    cv.L = L;
    conv_value(&cv, values, &c->root);
    if (cv.values > CONFIG_MAX_VALUES)
        return cc_fail(err, CC_EDATA, "%s: too many values (more than %d)", c->path,
                       CONFIG_MAX_VALUES);
    for (size_t i = 0; i < c->root.ne; i++) {
        lua_getfield(L, lines, c->root.e[i].key);
        c->root.e[i].line = (int)lua_tointeger(L, -1);
        lua_pop(L, 1);
    }
    return CC_OK;
}

int config_load(struct config **out, const char *path, struct cc_error *err)
{
    struct config *c = xcalloc(1, sizeof *c);
    int rc = CC_OK;

    *out = NULL;
    c->root.type = CV_TABLE;
    if (path) {
        struct sandbox_limits lim = { CONFIG_MAX_MEMORY, CONFIG_MAX_INSTRUCTIONS };
        struct sbuf text;
        struct source src = { 0 };
        lua_State *L;
        FILE *f = fopen(path, "rb");

        c->path = xstrdup(path);
        c->dir = folder_of(path);
        if (f == NULL) {
            config_free(c);
            return cc_fail(err, CC_ENOINPUT, "%s: cannot open: %s", path, strerror(errno));
        }
        sbuf_init(&text);
        char buf[8192];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, f)) > 0)
            sbuf_addn(&text, buf, n);
        if (ferror(f)) {
            int e = errno;
            fclose(f);
            sbuf_free(&text);
            config_free(c);
            return cc_fail(err, CC_ENOINPUT, "%s: cannot read: %s", path, strerror(e));
        }
        fclose(f);
        src.text = text.s ? text.s : "";
        src.len = text.len;
        L = sandbox_new(&lim);
        if (L == NULL) {
            sbuf_free(&text);
            config_free(c);
            return cc_fail(err, CC_ESOFTWARE, "%s: out of memory", path);
        }
        rc = run_file(c, L, &src, err);
        sandbox_close(L);
        sbuf_free(&text);
    }
    if (rc) {
        config_free(c);
        return rc;
    }
    *out = c;
    return CC_OK;
}

void config_free(struct config *c)
{
    if (c == NULL)
        return;
    cval_free(&c->root);
    free(c->path);
    free(c->dir);
    free(c);
}

const char *config_path(const struct config *c)
{
    return c ? c->path : NULL;
}

const char *config_locate(const char *given)
{
    const char *env = getenv("CONCORD_CONFIG");

    if (given && *given)
        return given;
    if (env && *env)
        return env;
    if (access("concord.lua", F_OK) == 0)
        return "concord.lua";
    return NULL;
}

int config_load_checked(struct config **out, const char *given, struct cc_error *err)
{
    struct sbuf p;
    int rc = config_load(out, config_locate(given), err);

    if (rc)
        return rc;
    sbuf_init(&p);
    if (config_check(*out, &p) > 0) {
        /* Drop the last newline; a message is one block of lines. */
        if (p.len && p.s[p.len - 1] == '\n')
            p.s[--p.len] = '\0';
        rc = cc_fail(err, CC_EDATA, "%s", p.s);
        config_free(*out);
        *out = NULL;
    }
    sbuf_free(&p);
    return rc;
}

char *config_resolve(const struct config *c, const char *value)
{
    if (value == NULL)
        return NULL;
    if (value[0] == '/' || c == NULL || c->dir == NULL || c->dir[0] == '\0')
        return xstrdup(value);
    struct sbuf b;
    sbuf_init(&b);
    sbuf_printf(&b, "%s%s%s", c->dir, strcmp(c->dir, "/") == 0 ? "" : "/", value);
    return b.s;
}

/* ================================================================ the schema */

enum stype {
    S_STRING,
    S_NUMBER,
    S_BOOL,
    S_STRINGS, /* a list of strings, or one string */
    S_TABLE,   /* named settings (sub) */
    S_LIST,    /* a list of records: sub[0] describes one (an S_TABLE) */
    S_ANY,     /* any table of data, passed through */
};

typedef int (*string_check)(const char *s, char *why, size_t n);

struct setting {
    const char *name;
    enum stype type;
    const char *what;   /* "expected WHAT, got ..." */
    const char *doc;    /* the meaning, for the reference */
    bool has_def;
    const char *def_s;
    double def_n;
    bool def_b;
    const char *const *def_list; /* S_STRINGS, NULL-terminated; NULL = {} */
    const char *unset;  /* what leaving it unset means, when it has no default */
    bool integer;
    double min, max;    /* S_NUMBER, when range is set */
    const char *range;  /* "expected RANGE, got 5" */
    const char *const *choices; /* allowed strings (S_STRING, S_STRINGS items) */
    bool nonempty;      /* S_STRING: not ""; S_STRINGS: at least one */
    bool required;      /* fields of a list's records */
    const char *item;   /* S_STRINGS: what one item is */
    const char *keyword; /* S_TABLE: what its keys are ("setting", "rule") */
    string_check check;
    const struct setting *sub;
    /* S_TABLE: what a name not in sub is, when other_name() accepts it (NULL: unknown) */
    const struct setting *other;
    bool (*other_name)(const char *name);
    bool open;          /* S_TABLE: names not in sub are free data, checked only as data */
};

#define END { .name = NULL }

static const char *const severities[] = { "low", "medium", "high", NULL };
static const char *const event_kinds[] = { "INSPECTION", "THEMATIC", "AUDIT", "CONTRACT_RETURN",
                                           "QA_AUDIT", "SHADOW_INSPECTION", "MO_CHECK",
                                           "ROSH_AUDIT", NULL };
static const char *const job_names[] = { "import", "reconcile", "report", NULL };
static const char *const report_formats[] = { "html", "json", NULL };
static const char *const log_levels[] = { "error", "warn", "info", "debug", NULL };
static const char *const log_formats[] = { "plain", "json", NULL };

static const char *const def_exclude_kinds[] = { "CONTRACT_RETURN", NULL };
static const char *const def_trigger_kinds[] = { "INSPECTION", "THEMATIC", NULL };
static const char *const def_jobs[] = { "import", "reconcile", "report", NULL };
static const char *const def_formats[] = { "html", "json", NULL };

static int check_cron(const char *s, char *why, size_t n);
static int check_time_zone(const char *s, char *why, size_t n);

#define DAYS_MAX 36600

#define ENABLED                                                                             \
    { .name = "enabled", .type = S_BOOL, .what = "true or false", .has_def = true,         \
      .def_b = true, .doc = "whether the rule runs" }
#define SEVERITY                                                                            \
    { .name = "severity", .type = S_STRING, .what = "a severity (\"low\", \"medium\" or \"high\")", \
      .choices = severities, .unset = "the rule's own",                                     \
      .doc = "the severity of every flag the rule raises, instead of the rule's own choice" }
#define WINDOW(d, doc_)                                                                     \
    { .name = "window_days", .type = S_NUMBER, .what = "a number of days", .integer = true, \
      .min = 0, .max = DAYS_MAX, .range = "a whole number of days from 0 to 36600",        \
      .has_def = true, .def_n = (d), .doc = (doc_) }
#define WINDOW_UNSET(doc_)                                                                  \
    { .name = "window_days", .type = S_NUMBER, .what = "a number of days", .integer = true, \
      .min = 0, .max = DAYS_MAX, .range = "a whole number of days from 0 to 36600",        \
      .unset = "not used", .doc = (doc_) }
#define BAND(nm, d, doc_)                                                                   \
    { .name = (nm), .type = S_NUMBER, .what = "a band from 1 to 4", .integer = true,        \
      .min = 1, .max = 4, .range = "a band from 1 to 4", .has_def = true, .def_n = (d),     \
      .doc = (doc_) }
#define GAP(nm, lo, d, doc_)                                                                \
    { .name = (nm), .type = S_NUMBER, .what = "a number of bands", .integer = true,         \
      .min = (lo), .max = 3, .range = "a whole number of bands from " #lo " to 3",          \
      .has_def = true, .def_n = (d), .doc = (doc_) }
#define COUNT(nm, d, doc_)                                                                  \
    { .name = (nm), .type = S_NUMBER, .what = "a number of events", .integer = true,        \
      .min = 1, .max = 1000000, .range = "a whole number of events from 1 to 1000000",      \
      .has_def = true, .def_n = (d), .doc = (doc_) }
#define KINDS(nm, defs, doc_)                                                               \
    { .name = (nm), .type = S_STRINGS, .what = "a list of event kinds", .item = "an event kind", \
      .choices = event_kinds, .def_list = (defs), .has_def = true, .doc = (doc_) }
#define HOURS(nm, d, doc_)                                                                  \
    { .name = (nm), .type = S_NUMBER, .what = "a number of hours", .min = 0, .max = 100000, \
      .range = "a number of hours from 0 to 100000", .has_def = true, .def_n = (d),         \
      .doc = (doc_) }

static const struct setting privacy_settings[] = {
    { .name = "keep_raw_case_refs", .type = S_BOOL, .what = "true or false", .has_def = true,
      .def_b = false,
      .doc = "store case references (CRNs) as given instead of their keyed pseudonyms: only "
             "for data that is already pseudonymous" },
    { .name = "key_file", .type = S_STRING, .what = "a file path", .nonempty = true,
      .unset = "the database's path with \".key\" added",
      .doc = "the secret key for case pseudonyms (made on first use, mode 0600)" },
    END
};

static const struct setting units_settings[] = {
    { .name = "accept_fuzzy", .type = S_NUMBER, .what = "a score from 0 to 1", .min = 0,
      .max = 1, .range = "a score from 0 to 1", .has_def = true, .def_n = 0,
      .doc = "link an unknown unit name to its best fuzzy proposal when the proposal scores "
             "at least this much and no other unit scores the same; 0 = never (a person "
             "confirms names with `concord units alias`)" },
    END
};

static const struct setting contradiction[] = {
    ENABLED, SEVERITY,
    WINDOW(180, "judgements whose periods overlap or are at most this many days apart are "
                "compared"),
    GAP("min_gap", 1, 2, "the smallest band difference that is a contradiction"),
    GAP("high_gap", 1, 3, "a band difference of at least this much raises a high-severity "
                          "contradiction; at least min_gap"),
    END
};
static const struct setting divergence[] = {
    ENABLED, SEVERITY,
    WINDOW(180, "how far apart, in days, the process and quality judgements may be"),
    BAND("process_min_band", 3, "a timeliness or compliance measure at or above this band "
                                "(met) counts as good process"),
    BAND("quality_max_band", 1, "a quality judgement at or below this band counts as poor "
                                "quality; below process_min_band"),
    END
};
static const struct setting disconnect[] = {
    ENABLED, SEVERITY,
    WINDOW_UNSET("not used: the rule compares judgements inside one event"),
    BAND("org_min_band", 3, "an organisational judgement (leadership, staffing, services) at "
                            "or above this band"),
    BAND("cs_max_band", 1, "a case supervision judgement at or below this band, in the same "
                           "body's judgements; below org_min_band"),
    END
};
static const struct setting duplicate_case[] = {
    ENABLED, SEVERITY,
    WINDOW(90, "the same case examined by two or more bodies (or twice) within this many "
               "days"),
    END
};
static const struct setting repeated_scrutiny[] = {
    ENABLED, SEVERITY,
    WINDOW(180, "scrutiny of the same unit and area within this many days of earlier "
                "scrutiny"),
    GAP("max_gap", 0, 1, "counts as repeated when its conclusion is within this many bands "
                         "of the earlier one (it found nothing new)"),
    KINDS("exclude_kinds", def_exclude_kinds, "event kinds that are not counted"),
    END
};
static const struct setting overload[] = {
    ENABLED, SEVERITY,
    WINDOW(90, "the window in which one unit's scrutiny events and hours are counted"),
    COUNT("min_events", 5, "flag a unit with at least this many events in the window"),
    HOURS("min_hours", 300, "or with at least this many estimated staff hours (see "
                            "cost_model) in the window"),
    KINDS("exclude_kinds", def_exclude_kinds, "event kinds that are not counted"),
    END
};
static const struct setting intensification[] = {
    ENABLED, SEVERITY,
    WINDOW_UNSET("not used: follow_days is this rule's window"),
    { .name = "follow_days", .type = S_NUMBER, .what = "a number of days", .integer = true,
      .min = 0, .max = DAYS_MAX, .range = "a whole number of days from 0 to 36600",
      .has_def = true, .def_n = 183,
      .doc = "how long after a poorly rated trigger event further scrutiny is counted" },
    COUNT("min_events", 3, "flag when at least this many events follow the trigger"),
    KINDS("trigger_kinds", def_trigger_kinds, "event kinds whose poor rating can be a trigger"),
    KINDS("exclude_kinds", def_exclude_kinds, "event kinds that are not counted among the "
                                              "events that follow"),
    END
};
static const struct setting duplicate_recommendation[] = {
    ENABLED, SEVERITY,
    WINDOW_UNSET("not used: recommendations are compared whatever their dates"),
    { .name = "min_similarity", .type = S_NUMBER, .what = "a similarity from 0 to 1",
      .min = 0, .max = 1, .range = "a similarity from 0 to 1", .has_def = true, .def_n = 0.5,
      .doc = "two recommendations to the same unit are duplicates when their texts are at "
             "least this similar" },
    END
};

/* A rule written in Lua (rule_dirs): the settings every rule has, and its own. */
static const struct setting lua_rule_settings[] = {
    ENABLED, SEVERITY,
    { .name = "window_days", .type = S_NUMBER, .what = "a number of days", .integer = true,
      .min = 0, .max = DAYS_MAX, .range = "a whole number of days from 0 to 36600",
      .unset = "the rule's own", .doc = "the rule's window, in days, if it has one" },
    END
};
static const struct setting lua_rule = {
    .name = "(a rule written in Lua)", .type = S_TABLE, .what = "a table of rule settings",
    .doc = "settings of a rule from rule_dirs: enabled, severity, window_days as for the "
           "built-in rules, and its own (strings, numbers, booleans, tables)",
    .open = true, .sub = lua_rule_settings,
};

static bool closest_strict(const char *s, const struct setting *list);

/*
 * A name under rules that is not a built-in rule is taken for a Lua rule's
 * id when it looks like one (A-Z, 0-9, _) and is not a near miss of a
 * built-in rule: CONTRADICTON is a typo, STALLED_RECOMMENDATION a Lua rule.
 */
static bool lua_rule_id(const char *name);

static const struct setting rules_settings[] = {
    { .name = "CONTRADICTION", .type = S_TABLE, .what = "a table of rule settings",
      .doc = "same unit, area and question, opposite judgements from two bodies",
      .sub = contradiction },
    { .name = "DIVERGENCE", .type = S_TABLE, .what = "a table of rule settings",
      .doc = "process measures met while quality is judged poor (different questions)",
      .sub = divergence },
    { .name = "DISCONNECT", .type = S_TABLE, .what = "a table of rule settings",
      .doc = "one body rates the organisation well and case supervision poorly",
      .sub = disconnect },
    { .name = "DUPLICATE_CASE", .type = S_TABLE, .what = "a table of rule settings",
      .doc = "the same case examined more than once", .sub = duplicate_case },
    { .name = "REPEATED_SCRUTINY", .type = S_TABLE, .what = "a table of rule settings",
      .doc = "scrutiny that repeats an earlier conclusion", .sub = repeated_scrutiny },
    { .name = "OVERLOAD", .type = S_TABLE, .what = "a table of rule settings",
      .doc = "too much scrutiny of one unit in a window", .sub = overload },
    { .name = "INTENSIFICATION", .type = S_TABLE, .what = "a table of rule settings",
      .doc = "scrutiny intensifying after a poor rating", .sub = intensification },
    { .name = "DUPLICATE_RECOMMENDATION", .type = S_TABLE, .what = "a table of rule settings",
      .doc = "the same recommendation from two bodies", .sub = duplicate_recommendation },
    { .name = "compare_parent_child", .type = S_BOOL, .what = "true or false", .has_def = true,
      .def_b = false,
      .doc = "also compare a unit's judgements with those of its parent or children (a PDU "
             "with its region)" },
    END
};

#define COST(kind, base, per)                                                               \
    static const struct setting cost_##kind[] = {                                           \
        HOURS("base_hours", base, "staff hours the provider spends on one " #kind " event"), \
        HOURS("per_case", per, "and on each case it samples"),                              \
        END                                                                                 \
    }
COST(INSPECTION, 60, 3);
COST(AUDIT, 16, 1.5);
COST(QA_AUDIT, 4, 1);
COST(SHADOW_INSPECTION, 24, 2);
COST(MO_CHECK, 2, 0.5);
COST(ROSH_AUDIT, 4, 1);
COST(THEMATIC, 30, 2);
COST(CONTRACT_RETURN, 2, 0);
#define COST_KIND(kind)                                                                     \
    { .name = #kind, .type = S_TABLE, .what = "a table { base_hours = N, per_case = N }",   \
      .doc = "", .sub = cost_##kind }

static const struct setting cost_settings[] = {
    COST_KIND(INSPECTION), COST_KIND(AUDIT), COST_KIND(QA_AUDIT), COST_KIND(SHADOW_INSPECTION),
    COST_KIND(MO_CHECK), COST_KIND(ROSH_AUDIT), COST_KIND(THEMATIC), COST_KIND(CONTRACT_RETURN),
    END
};

static const struct setting inbox_fields[] = {
    { .name = "path", .type = S_STRING, .what = "a folder", .nonempty = true, .required = true,
      .doc = "the folder to watch for new exports" },
    { .name = "plugin", .type = S_STRING, .what = "a plugin name", .nonempty = true,
      .unset = "detect the plugin for each file",
      .doc = "the plugin that imports every file dropped here" },
    { .name = "processed", .type = S_STRING, .what = "a folder", .nonempty = true,
      .has_def = true, .def_s = "processed",
      .doc = "where imported files are moved (relative to path)" },
    { .name = "failed", .type = S_STRING, .what = "a folder", .nonempty = true,
      .has_def = true, .def_s = "failed",
      .doc = "where files that failed to import are moved, with a .error file beside each "
             "(relative to path)" },
    { .name = "settle_seconds", .type = S_NUMBER, .what = "a number of seconds", .min = 0,
      .max = 86400, .range = "a number of seconds from 0 to 86400", .has_def = true,
      .def_n = 2, .doc = "a file is imported once it has not changed for this long" },
    END
};
static const struct setting inbox_item[] = {
    { .name = "inbox", .type = S_TABLE, .what = "an inbox (a table such as { path = \"inbox\" })",
      .keyword = "inbox setting", .sub = inbox_fields },
    END
};

static const struct setting schedule_fields[] = {
    { .name = "name", .type = S_STRING, .what = "a name", .nonempty = true, .required = true,
      .doc = "the schedule's name, for logs and run records" },
    { .name = "cron", .type = S_STRING,
      .what = "a cron expression \"MINUTE HOUR DAY MONTH WEEKDAY\"", .required = true,
      .check = check_cron,
      .doc = "when it runs: five fields (minute 0-59, hour 0-23, day 1-31, month 1-12, "
             "weekday 0-7 with 0 and 7 Sunday), each `*`, a number or a name (JAN, MON), a "
             "range `A-B`, a step `*/N` or `A-B/N`, or a comma list of these; or @hourly, "
             "@daily, @weekly, @monthly, @yearly; in time_zone (docs/schedules.md)" },
    { .name = "jobs", .type = S_STRINGS, .what = "a list of jobs", .item = "a job",
      .choices = job_names, .nonempty = true, .has_def = true, .def_list = def_jobs,
      .doc = "what it does, in this order: \"import\" (every inbox), \"reconcile\", "
             "\"report\"" },
    END
};
static const struct setting schedule_item[] = {
    { .name = "schedule", .type = S_TABLE,
      .what = "a schedule (a table such as { name = \"weekly\", cron = \"0 6 * * 1\" })",
      .keyword = "schedule setting", .sub = schedule_fields },
    END
};

static const struct setting reports_settings[] = {
    { .name = "folder", .type = S_STRING, .what = "a folder", .nonempty = true, .has_def = true,
      .def_s = "reports", .doc = "where reports are written" },
    { .name = "formats", .type = S_STRINGS, .what = "a list of report formats",
      .item = "a report format", .choices = report_formats, .nonempty = true, .has_def = true,
      .def_list = def_formats, .doc = "the formats written: \"html\", \"json\"" },
    { .name = "keep", .type = S_NUMBER, .what = "a number of reports", .integer = true, .min = 0,
      .max = 100000, .range = "a whole number of reports from 0 to 100000", .has_def = true,
      .def_n = 10, .doc = "how many reports of each format to keep; 0 = keep them all" },
    END
};

static const struct setting log_settings[] = {
    { .name = "level", .type = S_STRING, .what = "a log level", .choices = log_levels,
      .has_def = true, .def_s = "info",
      .doc = "the least important messages logged: \"error\", \"warn\", \"info\", \"debug\"" },
    { .name = "format", .type = S_STRING, .what = "a log format", .choices = log_formats,
      .has_def = true, .def_s = "plain",
      .doc = "\"plain\" lines, or \"json\" (one object per line)" },
    END
};

static const struct setting top_settings[] = {
    { .name = "database", .type = S_STRING, .what = "a file path", .nonempty = true,
      .has_def = true, .def_s = "concord.db",
      .doc = "the SQLite database (--db and $CONCORD_DB take precedence)" },
    { .name = "plugin_dirs", .type = S_STRINGS, .what = "a list of folders", .item = "a folder",
      .has_def = true,
      .doc = "folders of your own plugins, crosswalks and registers, loaded after the built-in "
             "ones (a later folder wins); as --plugin-dir" },
    { .name = "rule_dirs", .type = S_STRINGS, .what = "a list of folders", .item = "a folder",
      .has_def = true, .doc = "folders of your own reconciliation rules (Lua)" },
    { .name = "privacy", .type = S_TABLE, .what = "a table of privacy settings",
      .doc = "case references", .sub = privacy_settings },
    { .name = "units", .type = S_TABLE, .what = "a table of unit settings",
      .doc = "resolving unit names", .sub = units_settings },
    { .name = "scales", .type = S_ANY, .what = "a table of rating scales",
      .doc = "overrides of the rating scales, in the shape of plugins/register/scales.lua "
             "(`{ scales = { ... }, defaults = { ... } }`), passed to the normaliser; checked "
             "here only to be a table of data" },
    { .name = "rules", .type = S_TABLE, .what = "a table of rules (CONTRADICTION = { ... }, ...)",
      .keyword = "rule", .doc = "the built-in rules", .sub = rules_settings,
      .other = &lua_rule, .other_name = lua_rule_id },
    { .name = "cost_model", .type = S_TABLE,
      .what = "a table of event kinds (INSPECTION = { ... }, ...)", .keyword = "event kind",
      .doc = "the staff hours a provider spends on each kind of event", .sub = cost_settings },
    { .name = "inboxes", .type = S_LIST, .what = "a list of inboxes ({ { path = ... }, ... })",
      .doc = "folders the daemon watches: each new file is imported", .sub = inbox_item },
    { .name = "schedules", .type = S_LIST,
      .what = "a list of schedules ({ { name = ..., cron = ... }, ... })",
      .doc = "when the daemon runs jobs", .sub = schedule_item },
    { .name = "time_zone", .type = S_STRING, .what = "a time zone name (\"Europe/London\", \"UTC\")",
      .check = check_time_zone, .unset = "the system's time zone",
      .doc = "the time zone of schedules and of dates in reports (an IANA name)" },
    { .name = "reports", .type = S_TABLE, .what = "a table of report settings",
      .doc = "reports", .sub = reports_settings },
    { .name = "log", .type = S_TABLE, .what = "a table of log settings", .doc = "logging",
      .sub = log_settings },
    END
};

static const struct setting root_setting = {
    .name = "", .type = S_TABLE, .what = "settings", .keyword = "setting", .sub = top_settings,
};

/* ---------------------------------------------------------------- string formats */

/* One parser for cron expressions: the scheduler's, so that what config check
 * accepts is exactly what the daemon will run (names, @daily and all). */
static int check_cron(const char *s, char *why, size_t n)
{
    struct cron c;

    return cron_parse(s, &c, why, n) == 0 ? 0 : -1;
}


static int check_time_zone(const char *s, char *why, size_t n)
{
    size_t len = strlen(s);

    if (len == 0 || len > 64 || s[0] == '/' || s[len - 1] == '/' || strstr(s, "..") ||
        strstr(s, "//")) {
        snprintf(why, n, "not a time zone name");
        return -1;
    }
    for (const char *p = s; *p; p++) {
        if (!isalnum((unsigned char)*p) && !strchr("/_+-", *p)) {
            snprintf(why, n, "a time zone name has letters, digits, '/', '_', '+' and '-' only");
            return -1;
        }
    }
    /* The zone must exist: a misspelt one would otherwise surface only when the
     * daemon starts. */
    struct tz *tz = NULL;
    if (tz_load(s, &tz, why, n) != 0)
        return -1;
    tz_free(tz);
    return 0;
}

/* ---------------------------------------------------------------- validity */

static bool in_choices(const char *const *choices, const char *s)
{
    if (choices == NULL)
        return true;
    for (size_t i = 0; choices[i]; i++) {
        if (strcmp(choices[i], s) == 0)
            return true;
    }
    return false;
}

static bool number_ok(const struct setting *s, double x)
{
    if (isnan(x))
        return false;
    if (s->integer && x != floor(x))
        return false;
    if (s->range && (x < s->min || x > s->max))
        return false;
    return true;
}

static bool string_ok(const struct setting *s, const struct cval *v)
{
    char why[160];

    if (v->type != CV_STRING || strlen(v->s) != v->len)
        return false;
    if ((s->nonempty || s->type == S_STRINGS) && v->len == 0)
        return false;
    if (!in_choices(s->choices, v->s))
        return false;
    return s->check == NULL || s->check(v->s, why, sizeof why) == 0;
}

/* Plain data all the way down: no functions, no odd keys. */
static bool data_ok(const struct cval *v)
{
    if (v->type == CV_OTHER)
        return false;
    for (size_t i = 0; v->type == CV_TABLE && i < v->ne; i++) {
        if (v->e[i].badkey || !data_ok(&v->e[i].v))
            return false;
    }
    return true;
}

/* Is v a usable value for a leaf setting (string, number, boolean, strings)? */
static bool leaf_ok(const struct setting *s, const struct cval *v)
{
    if (v == NULL)
        return false;
    switch (s->type) {
    case S_STRING:
        return string_ok(s, v);
    case S_NUMBER:
        return v->type == CV_NUMBER && number_ok(s, v->n);
    case S_BOOL:
        return v->type == CV_BOOL;
    case S_STRINGS: {
        if (v->type == CV_STRING)
            return string_ok(s, v);
        long long n = cval_list_len(v);
        if (n < 0 || (s->nonempty && n == 0))
            return false;
        for (size_t i = 0; i < v->ne; i++) {
            if (!string_ok(s, &v->e[i].v))
                return false;
        }
        return true;
    }
    case S_ANY:
        return v->type == CV_TABLE && data_ok(v);
    case S_TABLE:
    case S_LIST:
        return v->type == CV_TABLE;
    }
    return false;
}

/* ================================================================ lookups */

struct found {
    const struct setting *s; /* NULL under a pass-through table */
    const struct cval *v;    /* the file's value; NULL when unset */
    int line;
};

static const struct setting *sub_named(const struct setting *s, const char *name)
{
    for (const struct setting *x = s->sub; x && x->name; x++) {
        if (strcmp(x->name, name) == 0)
            return x;
    }
    return NULL;
}

/* Walks path ("a.b.1.c" or "a.b[1].c") through the schema and the file's values. */
static bool find(const struct config *c, const char *path, struct found *f)
{
    const struct setting *s = &root_setting;
    const struct cval *v = c ? &c->root : NULL;
    bool free_walk = false, first = true;
    const char *p = path;

    f->line = 0;
    if (path == NULL || *path == '\0')
        return false;
    while (*p) {
        char name[128];
        long long pos = -1;
        size_t n;

        if (*p == '[') {
            char *end;
            pos = strtoll(p + 1, &end, 10);
            if (end == p + 1 || *end != ']' || pos < 1)
                return false;
            p = end + 1;
        } else {
            n = strcspn(p, ".[");
            if (n == 0 || n >= sizeof name)
                return false;
            memcpy(name, p, n);
            name[n] = '\0';
            p += n;
            if (strspn(name, "0123456789") == n) {
                pos = strtoll(name, NULL, 10);
                if (pos < 1)
                    return false;
            }
        }
        if (*p == '.')
            p++;
        if (pos > 0 && v && v->type == CV_TABLE)
            v = cval_at(v, pos);
        else if (pos > 0)
            v = NULL;
        else
            v = cval_field(v, name);
        if (first && c) {
            for (size_t i = 0; v && i < c->root.ne; i++) {
                if (&c->root.e[i].v == v)
                    f->line = c->root.e[i].line;
            }
        }
        first = false;
        if (free_walk)
            continue;
        if (s->type == S_TABLE && pos < 0) {
            const struct setting *x = sub_named(s, name);
            if (x == NULL && s->other && s->other_name(name))
                x = s->other;
            else if (x == NULL && s->open)
                free_walk = true;
            else if (x == NULL)
                return false;
            s = x ? x : s;
        } else if (s->type == S_LIST && pos > 0) {
            s = &s->sub[0];
        } else if (s->type == S_ANY || (s->type == S_STRINGS && pos > 0)) {
            free_walk = true;
        } else {
            return false;
        }
    }
    if (v == NULL)
        f->line = 0;
    f->s = free_walk ? NULL : s;
    f->v = v;
    return true;
}

double config_number(const struct config *c, const char *path, double def)
{
    struct found f;

    if (!find(c, path, &f))
        return def;
    if (f.s == NULL)
        return f.v && f.v->type == CV_NUMBER ? f.v->n : def;
    if (f.s->type != S_NUMBER)
        return def;
    if (leaf_ok(f.s, f.v))
        return f.v->n;
    return f.s->has_def ? f.s->def_n : def;
}

bool config_bool(const struct config *c, const char *path, bool def)
{
    struct found f;

    if (!find(c, path, &f))
        return def;
    if (f.s == NULL)
        return f.v && f.v->type == CV_BOOL ? f.v->b : def;
    if (f.s->type != S_BOOL)
        return def;
    if (leaf_ok(f.s, f.v))
        return f.v->b;
    return f.s->has_def ? f.s->def_b : def;
}

const char *config_string(const struct config *c, const char *path, const char *def)
{
    struct found f;

    if (!find(c, path, &f))
        return def;
    if (f.s == NULL)
        return f.v && f.v->type == CV_STRING ? f.v->s : def;
    if (f.s->type != S_STRING)
        return def;
    if (leaf_ok(f.s, f.v))
        return f.v->s;
    return f.s->has_def ? f.s->def_s : def;
}

size_t config_strings(const struct config *c, const char *path, const char **out, size_t max)
{
    struct found f;
    size_t n = 0;

    if (!find(c, path, &f) || f.s == NULL || f.s->type != S_STRINGS)
        return 0;
    if (leaf_ok(f.s, f.v)) {
        if (f.v->type == CV_STRING) {
            if (max > 0)
                out[0] = f.v->s;
            return 1;
        }
        for (; n < f.v->ne; n++) {
            if (n < max)
                out[n] = f.v->e[n].v.s;
        }
        return n;
    }
    for (; f.s->def_list && f.s->def_list[n]; n++) {
        if (n < max)
            out[n] = f.s->def_list[n];
    }
    return n;
}

size_t config_count(const struct config *c, const char *path)
{
    struct found f;
    long long n;

    if (!find(c, path, &f))
        return 0;
    if (f.s && f.s->type == S_STRINGS)
        return config_strings(c, path, NULL, 0);
    n = cval_list_len(f.v);
    return n > 0 ? (size_t)n : 0;
}

size_t config_keys(const struct config *c, const char *path, const char **out, size_t max)
{
    struct found f;
    size_t n = 0;

    if (!find(c, path, &f) || f.v == NULL || f.v->type != CV_TABLE)
        return 0;
    for (size_t i = 0; i < f.v->ne; i++) {
        if (f.v->e[i].key == NULL || f.v->e[i].badkey)
            continue;
        if (n < max)
            out[n] = f.v->e[i].key;
        n++;
    }
    return n;
}

bool config_is_set(const struct config *c, const char *path)
{
    struct found f;

    return find(c, path, &f) && f.v != NULL;
}

int config_line(const struct config *c, const char *path)
{
    struct found f;

    return find(c, path, &f) ? f.line : 0;
}

static void push_cval(lua_State *L, const struct cval *v)
{
    luaL_checkstack(L, 4, "config_push");
    switch (v->type) {
    case CV_BOOL:
        lua_pushboolean(L, v->b);
        break;
    case CV_NUMBER:
        if (v->n == floor(v->n) && fabs(v->n) < 9007199254740992.0)
            lua_pushinteger(L, (lua_Integer)v->n);
        else
            lua_pushnumber(L, v->n);
        break;
    case CV_STRING:
        lua_pushlstring(L, v->s, v->len);
        break;
    case CV_TABLE:
        lua_createtable(L, 0, (int)v->ne);
        for (size_t i = 0; i < v->ne; i++) {
            if (v->e[i].badkey)
                continue;
            if (v->e[i].key)
                lua_pushstring(L, v->e[i].key);
            else
                lua_pushinteger(L, v->e[i].pos);
            push_cval(L, &v->e[i].v);
            lua_rawset(L, -3);
        }
        break;
    case CV_OTHER:
        lua_pushnil(L);
        break;
    }
}

void config_push(const struct config *c, const char *path, lua_State *L)
{
    struct found f;

    if (find(c, path, &f) && f.v)
        push_cval(L, f.v);
    else
        lua_pushnil(L);
}

/* ================================================================ checking */

/*
 * Optimal string alignment distance (edits and swaps of neighbours),
 * case-insensitive, for "did you mean". Three rows: i-2, i-1 and i.
 */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t rows[3][65];

    if (la > 64 || lb > 64)
        return (size_t)-1;
    for (size_t j = 0; j <= lb; j++)
        rows[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t *prev2 = rows[(i + 1) % 3], *prev = rows[(i + 2) % 3], *cur = rows[i % 3];
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
            size_t best = prev[j - 1] + (ca != cb);
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb && prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            cur[j] = best;
        }
    }
    return rows[la % 3][lb];
}

static bool prefix_of(const char *a, const char *b)
{
    size_t la = strlen(a);

    return la >= 3 && strncasecmp(a, b, la) == 0;
}

/* The closest candidate to s, when one is close enough to be a likely typo. */
static const char *closest(const char *s, const char *const *names, size_t n)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1, len = strlen(s);
    size_t limit = len / 3 > 2 ? len / 3 : 2;

    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(s, names[i]);
        if (prefix_of(s, names[i]) || prefix_of(names[i], s))
            d = d < 2 ? d : 2;
        if (d < best_d && d <= limit && d < len && d < strlen(names[i])) {
            best = names[i];
            best_d = d;
        }
    }
    return best;
}

/* A near miss of one of list's names: case aside, at most two edits. */
static bool closest_strict(const char *s, const struct setting *list)
{
    for (const struct setting *x = list; x->name; x++) {
        if (edit_distance(s, x->name) <= 2)
            return true;
    }
    return false;
}

static bool lua_rule_id(const char *name)
{
    size_t n = strlen(name);

    if (n == 0 || n > 64)
        return false;
    for (const char *p = name; *p; p++) {
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    }
    return !closest_strict(name, rules_settings);
}

struct problem {
    int line;
    int seq;
    char *text;
};

struct checker {
    const struct config *c;
    struct problem *p;
    int count, cap;
};

static void problem(struct checker *k, int line, const char *key, const char *fmt, ...)
    CC_PRINTF(4, 5);

static void problem(struct checker *k, int line, const char *key, const char *fmt, ...)
{
    va_list ap;
    char msg[1024];
    struct sbuf b;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sbuf_init(&b);
    if (line > 0)
        sbuf_printf(&b, "%s:%d: %s: %s\n", k->c->path, line, key, msg);
    else if (key)
        sbuf_printf(&b, "%s: %s: %s\n", k->c->path, key, msg);
    else
        sbuf_printf(&b, "%s: %s\n", k->c->path, msg);
    if (k->count == k->cap) {
        k->cap = k->cap ? k->cap * 2 : 16;
        k->p = xrealloc(k->p, (size_t)k->cap * sizeof *k->p);
    }
    k->p[k->count].line = line;
    k->p[k->count].seq = k->count;
    k->p[k->count].text = b.s;
    k->count++;
}

static int problem_cmp(const void *pa, const void *pb)
{
    const struct problem *a = pa, *b = pb;

    if (a->line != b->line)
        return (a->line > b->line) - (a->line < b->line);
    return (a->seq > b->seq) - (a->seq < b->seq);
}

static void fmt_number(double x, char *buf, size_t n)
{
    if (isnan(x)) {
        snprintf(buf, n, "(0/0)");
    } else if (isinf(x)) {
        snprintf(buf, n, "%s", x > 0 ? "(1/0)" : "(-1/0)");
    } else if (x == floor(x) && fabs(x) < 1e15) {
        snprintf(buf, n, "%.0f", x);
    } else {
        snprintf(buf, n, "%.15g", x);
        if (strtod(buf, NULL) != x)
            snprintf(buf, n, "%.17g", x);
    }
}

/* Appends ".name", "[n]" or "[\"odd key\"]" to a key path. */
static void key_push(struct sbuf *k, const struct centry *e)
{
    if (e->key == NULL) {
        sbuf_printf(k, "[%lld]", e->pos);
    } else if (e->badkey) {
        sbuf_printf(k, "[%s]", e->key);
    } else {
        bool ident = (isalpha((unsigned char)e->key[0]) || e->key[0] == '_');
        for (const char *p = e->key; ident && *p; p++)
            ident = isalnum((unsigned char)*p) || *p == '_';
        if (ident)
            sbuf_printf(k, "%s%s", k->len ? "." : "", e->key);
        else
            sbuf_printf(k, "[\"%s\"]", e->key);
    }
}

static void list_choices(struct sbuf *b, const char *const *choices)
{
    for (size_t i = 0; choices[i]; i++)
        sbuf_printf(b, "%s\"%s\"", i == 0 ? "" : choices[i + 1] ? ", " : " or ", choices[i]);
}

static void check_value(struct checker *k, const struct setting *s, const struct cval *v,
                        struct sbuf *key, int line);

static void check_string(struct checker *k, const struct setting *s, const struct cval *v,
                         const char *key, int line, const char *what)
{
    char why[160];

    if (v->type != CV_STRING) {
        problem(k, line, key, "expected %s, got %s", what, cval_what(v));
    } else if (strlen(v->s) != v->len) {
        problem(k, line, key, "expected %s, got a string with a NUL byte", what);
    } else if (v->len == 0 && (s->nonempty || s->type == S_STRINGS)) {
        problem(k, line, key, "expected %s, got an empty string", what);
    } else if (!in_choices(s->choices, v->s)) {
        struct sbuf b;
        size_t n = 0;
        while (s->choices[n])
            n++;
        const char *near = closest(v->s, s->choices, n);
        sbuf_init(&b);
        list_choices(&b, s->choices);
        if (near)
            problem(k, line, key, "expected %s, got \"%s\" (did you mean \"%s\"?)", b.s, v->s,
                    near);
        else
            problem(k, line, key, "expected %s, got \"%s\"", b.s, v->s);
        sbuf_free(&b);
    } else if (s->check && s->check(v->s, why, sizeof why) != 0) {
        problem(k, line, key, "expected %s, got \"%s\": %s", what, v->s, why);
    }
}

/* Reports functions and the like anywhere inside a pass-through table. */
static void check_data(struct checker *k, const struct cval *v, struct sbuf *key, int line)
{
    if (v->type == CV_OTHER) {
        problem(k, line, key->s, "expected data (strings, numbers, booleans, tables), got %s",
                v->s);
        return;
    }
    if (v->type != CV_TABLE)
        return;
    for (size_t i = 0; i < v->ne; i++) {
        size_t mark = key->len;
        key_push(key, &v->e[i]);
        if (v->e[i].badkey)
            problem(k, line, key->s, "a key must be a name or a list position");
        else
            check_data(k, &v->e[i].v, key, line);
        key->len = mark;
        key->s[mark] = '\0';
    }
}

static void check_table(struct checker *k, const struct setting *s, const struct cval *v,
                        struct sbuf *key, int line)
{
    const char *names[64];
    size_t nnames = 0;
    const char *keyword = s->keyword ? s->keyword : "setting";

    for (const struct setting *x = s->sub; x->name && nnames < 64; x++)
        names[nnames++] = x->name;
    for (size_t i = 0; i < v->ne; i++) {
        const struct centry *e = &v->e[i];
        size_t mark = key->len;

        key_push(key, e);
        if (e->key == NULL || e->badkey) {
            problem(k, line, key->s, "unexpected list entry: this table takes named settings "
                    "(name = value)");
        } else {
            const struct setting *x = sub_named(s, e->key);
            if (x == NULL && s->other && s->other_name(e->key))
                x = s->other;
            if (x) {
                check_value(k, x, &e->v, key, line);
            } else if (s->open) {
                check_data(k, &e->v, key, line);
            } else {
                const char *near = closest(e->key, names, nnames);
                if (near)
                    problem(k, line, key->s, "unknown %s (did you mean '%s'?)", keyword, near);
                else
                    problem(k, line, key->s, "unknown %s", keyword);
            }
        }
        key->len = mark;
        key->s[mark] = '\0';
    }
}

/* A record in a list: its fields, then the required ones it lacks. */
static void check_record(struct checker *k, const struct setting *s, const struct cval *v,
                         struct sbuf *key, int line)
{
    check_table(k, s, v, key, line);
    for (const struct setting *x = s->sub; x->name; x++) {
        if (x->required && cval_field(v, x->name) == NULL)
            problem(k, line, key->s, "missing %s (required)", x->name);
    }
}

/* Describes the first key that makes a table not a list. */
static void not_a_list(struct checker *k, const struct setting *s, const struct cval *v,
                       const char *key, int line)
{
    for (size_t i = 0; i < v->ne; i++) {
        const struct centry *e = &v->e[i];
        if (e->key && !e->badkey) {
            problem(k, line, key, "expected %s, got a table with the name '%s'", s->what,
                    e->key);
            return;
        }
        if (e->badkey || e->pos != (long long)i + 1) {
            problem(k, line, key, "expected %s, got a table with the key [%s%lld] "
                    "(a list counts 1, 2, 3...)", s->what, e->badkey ? e->key : "",
                    e->badkey ? 0LL : e->pos);
            return;
        }
    }
}

static void check_value(struct checker *k, const struct setting *s, const struct cval *v,
                        struct sbuf *key, int line)
{
    char num[40];

    if (v->type == CV_OTHER && s->type != S_ANY) {
        problem(k, line, key->s, "expected %s, got %s", s->what, v->s);
        return;
    }
    switch (s->type) {
    case S_STRING:
        check_string(k, s, v, key->s, line, s->what);
        break;
    case S_NUMBER:
        if (v->type != CV_NUMBER) {
            problem(k, line, key->s, "expected %s, got %s", s->what, cval_what(v));
        } else if (!number_ok(s, v->n)) {
            fmt_number(v->n, num, sizeof num);
            problem(k, line, key->s, "expected %s, got %s", s->range ? s->range : s->what,
                    num);
        }
        break;
    case S_BOOL:
        if (v->type != CV_BOOL)
            problem(k, line, key->s, "expected %s, got %s", s->what, cval_what(v));
        break;
    case S_STRINGS:
        if (v->type == CV_STRING) {
            check_string(k, s, v, key->s, line, s->item);
        } else if (v->type != CV_TABLE) {
            problem(k, line, key->s, "expected %s (or one string), got %s", s->what,
                    cval_what(v));
        } else if (cval_list_len(v) < 0) {
            not_a_list(k, s, v, key->s, line);
        } else if (s->nonempty && v->ne == 0) {
            problem(k, line, key->s, "expected %s, got an empty list", s->what);
        } else {
            for (size_t i = 0; i < v->ne; i++) {
                size_t mark = key->len;
                key_push(key, &v->e[i]);
                if (v->e[i].v.type == CV_OTHER)
                    problem(k, line, key->s, "expected %s, got %s", s->item, v->e[i].v.s);
                else
                    check_string(k, s, &v->e[i].v, key->s, line, s->item);
                key->len = mark;
                key->s[mark] = '\0';
            }
        }
        break;
    case S_TABLE:
        if (v->type != CV_TABLE)
            problem(k, line, key->s, "expected %s, got %s", s->what, cval_what(v));
        else
            check_table(k, s, v, key, line);
        break;
    case S_LIST:
        if (v->type != CV_TABLE) {
            problem(k, line, key->s, "expected %s, got %s", s->what, cval_what(v));
        } else if (cval_list_len(v) < 0) {
            not_a_list(k, s, v, key->s, line);
        } else {
            for (size_t i = 0; i < v->ne; i++) {
                size_t mark = key->len;
                key_push(key, &v->e[i]);
                if (v->e[i].v.type != CV_TABLE)
                    problem(k, line, key->s, "expected %s, got %s", s->sub[0].what,
                            cval_what(&v->e[i].v));
                else
                    check_record(k, &s->sub[0], &v->e[i].v, key, line);
                key->len = mark;
                key->s[mark] = '\0';
            }
        }
        break;
    case S_ANY:
        if (v->type != CV_TABLE)
            problem(k, line, key->s, "expected %s, got %s", s->what, cval_what(v));
        else
            check_data(k, v, key, line);
        break;
    }
}

/* Thresholds that are each fine alone but contradict each other. */
static void check_pair(struct checker *k, const char *rule, const char *hi, const char *lo,
                       bool strict, const char *relation)
{
    char phi[96], plo[96], nlo[40], nhi[40];
    double vhi, vlo;

    snprintf(phi, sizeof phi, "rules.%s.%s", rule, hi);
    snprintf(plo, sizeof plo, "rules.%s.%s", rule, lo);
    if (!config_is_set(k->c, phi) && !config_is_set(k->c, plo))
        return;
    vhi = config_number(k->c, phi, 0);
    vlo = config_number(k->c, plo, 0);
    if (strict ? vhi > vlo : vhi >= vlo)
        return;
    fmt_number(vlo, nlo, sizeof nlo);
    fmt_number(vhi, nhi, sizeof nhi);
    problem(k, config_line(k->c, "rules"), phi, "must be %s %s (%s), got %s", relation, lo, nlo,
            nhi);
}

/* Two records of a list with the same value for field. */
static void check_unique(struct checker *k, const char *list, const char *field,
                         const char *what)
{
    size_t n = config_count(k->c, list);
    char path[96], other[96], shown[96];

    for (size_t i = 2; i <= n; i++) {
        snprintf(path, sizeof path, "%s.%zu.%s", list, i, field);
        const char *a = config_string(k->c, path, NULL);
        for (size_t j = 1; a && j < i; j++) {
            snprintf(other, sizeof other, "%s.%zu.%s", list, j, field);
            const char *b = config_string(k->c, other, NULL);
            if (b && strcmp(a, b) == 0) {
                snprintf(shown, sizeof shown, "%s[%zu].%s", list, i, field);
                problem(k, config_line(k->c, list), shown, "the same %s as %s[%zu]", what, list,
                        j);
                break;
            }
        }
    }
}

/* Top-level entries in the order of their lines. */
static int by_line(const void *pa, const void *pb)
{
    const struct centry *a = *(const struct centry *const *)pa;
    const struct centry *b = *(const struct centry *const *)pb;

    if (a->line != b->line)
        return (a->line > b->line) - (a->line < b->line);
    return strcmp(a->key, b->key);
}

int config_check(const struct config *c, struct sbuf *problems)
{
    struct checker k = { c, NULL, 0, 0 };
    struct sbuf key;
    const struct centry **order;

    if (c == NULL || c->path == NULL)
        return 0;
    sbuf_init(&key);
    sbuf_adds(&key, "");
    order = xcalloc(c->root.ne ? c->root.ne : 1, sizeof *order);
    for (size_t i = 0; i < c->root.ne; i++)
        order[i] = &c->root.e[i];
    qsort(order, c->root.ne, sizeof *order, by_line);
    for (size_t i = 0; i < c->root.ne; i++) {
        const struct setting *x = sub_named(&root_setting, order[i]->key);
        key_push(&key, order[i]);
        if (x) {
            check_value(&k, x, &order[i]->v, &key, order[i]->line);
        } else {
            const char *names[32];
            size_t n = 0;
            for (const struct setting *t = top_settings; t->name; t++)
                names[n++] = t->name;
            const char *near = closest(order[i]->key, names, n);
            if (near)
                problem(&k, order[i]->line, key.s, "unknown setting (did you mean '%s'?)", near);
            else
                problem(&k, order[i]->line, key.s, "unknown setting");
        }
        key.len = 0;
        key.s[0] = '\0';
    }
    free(order);
    sbuf_free(&key);

    check_pair(&k, "CONTRADICTION", "high_gap", "min_gap", false, "at least");
    check_pair(&k, "DIVERGENCE", "process_min_band", "quality_max_band", true, "above");
    check_pair(&k, "DISCONNECT", "org_min_band", "cs_max_band", true, "above");
    check_unique(&k, "inboxes", "path", "folder");
    check_unique(&k, "schedules", "name", "name");
    if (c->returned)
        problem(&k, 0, NULL, "the file returns a value: write settings as top-level "
                "assignments (database = \"concord.db\"), not return { ... }");
    /* In the order of the file: a reader fixes them top to bottom. */
    if (k.count > 1)
        qsort(k.p, (size_t)k.count, sizeof *k.p, problem_cmp);
    for (int i = 0; i < k.count; i++) {
        sbuf_adds(problems, k.p[i].text);
        free(k.p[i].text);
    }
    free(k.p);
    return k.count;
}

/* ================================================================ writing Lua */

static const char *const lua_keywords[] = {
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if",
    "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
    NULL,
};

static bool lua_name(const char *s)
{
    if (!isalpha((unsigned char)s[0]) && s[0] != '_')
        return false;
    for (const char *p = s; *p; p++) {
        if (!isalnum((unsigned char)*p) && *p != '_')
            return false;
    }
    return !in_choices(lua_keywords, s);
}

static void put_string(FILE *out, const char *s, size_t len)
{
    fputc('"', out);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        switch (ch) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (ch < 32 || ch == 127)
                fprintf(out, "\\%03u", ch);
            else
                fputc(ch, out);
        }
    }
    fputc('"', out);
}

static void put_key(FILE *out, const struct centry *e)
{
    if (e->key == NULL)
        fprintf(out, "[%lld] = ", e->pos);
    else if (lua_name(e->key))
        fprintf(out, "%s = ", e->key);
    else {
        fputc('[', out);
        put_string(out, e->key, strlen(e->key));
        fputs("] = ", out);
    }
}

static void put_cval(FILE *out, const struct cval *v, int indent)
{
    char num[40];

    switch (v->type) {
    case CV_BOOL:
        fputs(v->b ? "true" : "false", out);
        break;
    case CV_NUMBER:
        fmt_number(v->n, num, sizeof num);
        fputs(num, out);
        break;
    case CV_STRING:
        put_string(out, v->s, v->len);
        break;
    case CV_OTHER:
        fputs("nil", out);
        break;
    case CV_TABLE: {
        long long n = cval_list_len(v);
        bool flat = n >= 0;
        for (size_t i = 0; flat && i < v->ne; i++)
            flat = v->e[i].v.type != CV_TABLE;
        if (v->ne == 0) {
            fputs("{}", out);
        } else if (flat) {
            fputs("{ ", out);
            for (size_t i = 0; i < v->ne; i++) {
                put_cval(out, &v->e[i].v, indent);
                fputs(i + 1 < v->ne ? ", " : " }", out);
            }
        } else {
            fputs("{\n", out);
            for (size_t i = 0; i < v->ne; i++) {
                if (v->e[i].badkey || v->e[i].v.type == CV_OTHER)
                    continue;
                fprintf(out, "%*s", indent + 2, "");
                if (n < 0)
                    put_key(out, &v->e[i]);
                put_cval(out, &v->e[i].v, indent + 2);
                fputs(",\n", out);
            }
            fprintf(out, "%*s}", indent, "");
        }
        break;
    }
    }
}

static void put_list(FILE *out, const char *const *list)
{
    if (list == NULL || list[0] == NULL) {
        fputs("{}", out);
        return;
    }
    fputs("{ ", out);
    for (size_t i = 0; list[i]; i++) {
        put_string(out, list[i], strlen(list[i]));
        fputs(list[i + 1] ? ", " : " }", out);
    }
}

/* A setting's default as Lua source. */
static void put_default(FILE *out, const struct setting *s)
{
    char num[40];

    switch (s->type) {
    case S_STRING:
        put_string(out, s->def_s, strlen(s->def_s));
        break;
    case S_NUMBER:
        fmt_number(s->def_n, num, sizeof num);
        fputs(num, out);
        break;
    case S_BOOL:
        fputs(s->def_b ? "true" : "false", out);
        break;
    case S_STRINGS:
        put_list(out, s->def_list);
        break;
    case S_TABLE:
    case S_LIST:
    case S_ANY:
        fputs("{}", out);
        break;
    }
}

static void show_setting(FILE *out, const struct config *c, const struct setting *s,
                         const struct cval *v, int line, int indent);

static void show_fields(FILE *out, const struct config *c, const struct setting *s,
                        const struct cval *v, int line, int indent)
{
    for (const struct setting *x = s->sub; x->name; x++)
        show_setting(out, c, x, cval_field(v, x->name), line, indent);
}

static void show_setting(FILE *out, const struct config *c, const struct setting *s,
                         const struct cval *v, int line, int indent)
{
    const char *end = indent ? "," : "";
    bool from_file = v != NULL;

    if (s->type == S_TABLE) {
        fprintf(out, "%*s%s = {\n", indent, "", s->name);
        show_fields(out, c, s, v && v->type == CV_TABLE ? v : NULL, line, indent + 2);
        /* Names the schema leaves open (the settings of Lua rules), as the file has them. */
        for (size_t i = 0; v && v->type == CV_TABLE && i < v->ne; i++) {
            const struct centry *e = &v->e[i];
            if (e->key == NULL || e->badkey || sub_named(s, e->key) || e->v.type == CV_OTHER ||
                !((s->other && s->other_name(e->key)) || s->open))
                continue;
            fprintf(out, "%*s", indent + 2, "");
            put_key(out, e);
            put_cval(out, &e->v, indent + 2);
            fputc(',', out);
            if (line > 0)
                fprintf(out, " -- %s:%d", c->path, line);
            fputc('\n', out);
        }
        fprintf(out, "%*s}%s\n", indent, "", end);
        return;
    }
    if (s->type == S_LIST) {
        long long n = cval_list_len(v);
        fprintf(out, "%*s%s = {", indent, "", s->name);
        if (n <= 0) {
            fprintf(out, "}%s\n", end);
            return;
        }
        if (line > 0)
            fprintf(out, " -- %s:%d", c->path, line);
        fputc('\n', out);
        for (size_t i = 0; i < v->ne; i++) {
            fprintf(out, "%*s{\n", indent + 2, "");
            show_fields(out, c, &s->sub[0], v->e[i].v.type == CV_TABLE ? &v->e[i].v : NULL, 0,
                        indent + 4);
            fprintf(out, "%*s},\n", indent + 2, "");
        }
        fprintf(out, "%*s}%s\n", indent, "", end);
        return;
    }
    if (v && !leaf_ok(s, v))
        v = NULL; /* a value with problems does not count: the default does */
    if (v == NULL && !s->has_def) {
        if (s->required)
            fprintf(out, "%*s-- %s: missing (required)\n", indent, "", s->name);
        else
            fprintf(out, "%*s-- %s: unset: %s\n", indent, "", s->name, s->unset);
        return;
    }
    fprintf(out, "%*s%s = ", indent, "", s->name);
    if (v && s->type == S_STRINGS && v->type == CV_STRING) {
        fputs("{ ", out);
        put_cval(out, v, indent);
        fputs(" }", out);
    } else if (v)
        put_cval(out, v, indent);
    else
        put_default(out, s);
    fputs(end, out);
    if (v && from_file && line > 0)
        fprintf(out, " -- %s:%d", c->path, line);
    fputc('\n', out);
}

void config_show(const struct config *c, FILE *out)
{
    if (c && c->path)
        fprintf(out, "-- The effective configuration: %s, every other setting at its default.\n",
                c->path);
    else
        fprintf(out, "-- The effective configuration: no configuration file, every setting at "
                     "its default.\n");
    fprintf(out, "-- Written by `concord config show`; see docs/configuration.md.\n\n");
    for (const struct setting *s = top_settings; s->name; s++) {
        int line = 0;
        const struct cval *v = NULL;
        for (size_t i = 0; c && i < c->root.ne; i++) {
            if (strcmp(c->root.e[i].key, s->name) == 0) {
                v = &c->root.e[i].v;
                line = c->root.e[i].line;
            }
        }
        show_setting(out, c, s, v, line, 0);
    }
}

/* ================================================================ the reference */

static void ref_type(FILE *out, const struct setting *s)
{
    char lo[40], hi[40];

    switch (s->type) {
    case S_STRING:
        if (s->choices) {
            fputs("one of ", out);
            for (size_t i = 0; s->choices[i]; i++)
                fprintf(out, "%s`\"%s\"`", i ? ", " : "", s->choices[i]);
        } else if (s->check == check_cron) {
            fputs("string (cron)", out);
        } else {
            fputs("string", out);
        }
        break;
    case S_NUMBER:
        fmt_number(s->min, lo, sizeof lo);
        fmt_number(s->max, hi, sizeof hi);
        fprintf(out, "%s %s-%s", s->integer ? "whole number" : "number", lo, hi);
        break;
    case S_BOOL:
        fputs("boolean", out);
        break;
    case S_STRINGS:
        fputs("list of strings (or one string)", out);
        if (s->choices) {
            fputs(": ", out);
            for (size_t i = 0; s->choices[i]; i++)
                fprintf(out, "%s`\"%s\"`", i ? ", " : "", s->choices[i]);
        }
        break;
    case S_LIST:
        fputs("list of tables", out);
        break;
    case S_TABLE:
    case S_ANY:
        fputs("table", out);
        break;
    }
}

static void reference_rows(FILE *out, const struct setting *list, const char *prefix)
{
    char name[160];

    for (const struct setting *s = list; s->name; s++) {
        snprintf(name, sizeof name, "%s%s%s", prefix, *prefix ? "." : "", s->name);
        if (s->type == S_TABLE) {
            reference_rows(out, s->sub, name);
            if (s->other)
                fprintf(out, "| `%s.<ID>` | table | `{}` | %s |\n", name, s->other->doc);
            continue;
        }
        fprintf(out, "| `%s` | ", name);
        ref_type(out, s);
        fputs(" | ", out);
        if (s->has_def || s->type == S_LIST || s->type == S_ANY) {
            fputc('`', out);
            put_default(out, s);
            fputc('`', out);
        } else if (s->required) {
            fputs("required", out);
        } else {
            fprintf(out, "unset: %s", s->unset);
        }
        fprintf(out, " | %s |\n", s->doc);
        if (s->type == S_LIST) {
            snprintf(name, sizeof name, "%s%s%s[n]", prefix, *prefix ? "." : "", s->name);
            reference_rows(out, s->sub[0].sub, name);
        }
    }
}

void config_reference(FILE *out)
{
    fputs("| Setting | Type | Default | Meaning |\n", out);
    fputs("|---|---|---|---|\n", out);
    reference_rows(out, top_settings, "");
}
