/* SPDX-License-Identifier: MIT */
#include "lua_api.h"

#include <errno.h>
#include <jansson.h>
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv.h"
#include "dates.h"

#ifndef CONCORD_VERSION
#define CONCORD_VERSION "0.0.0"
#endif

#define SOURCE_MT "concord.source"
#define OUT_MT "concord.out"
/* Registry key of the weak table mapping decoded JSON tables to their pointers. */
#define JSONPTR_KEY "concord.jsonptr"

struct lua_source {
    char *path;
    const char *name;
    FILE *f;
    long long size;
    bool progress, progress_shown;
    double last_progress;

    struct csv_reader *csv;
    bool csv_eof;          /* the current CSV reader reached the end of the file */
    unsigned generation;   /* bumped by every src:csv()/src:lines(), so stale iterators fail */
    long lines_row;        /* row counter for src:lines() */
    char *line;            /* getline buffer */
    size_t line_cap;

    bool json;
    /* Row accounting: every row read must emit a record or be skipped. */
    bool accounting;
    bool in_row, row_used;
    long row;
    char rowtext[32];

    struct claim_sink *sink;
    struct parse_stats stats;
    bool stats_live;
    char err[2048];
    bool has_err;

    struct sbuf key, event_key, tmp;

    /* src:csv{ reuse = true }: the last row's fields (field i ends at reuse_end[i]).
     * A value equal to the last row's is already in the row table and is left
     * there: most columns of a large export repeat from row to row. */
    struct sbuf reuse_bytes;
    size_t *reuse_end, reuse_n;
};

struct lua_out {
    struct lua_source *src;
};

void parse_stats_init(struct parse_stats *s)
{
    memset(s, 0, sizeof *s);
    strmap_init(&s->skip_reasons);
}

void parse_stats_free(struct parse_stats *s)
{
    strmap_free(&s->skip_reasons);
}

/* ---------------------------------------------------------------- errors */

/* Records an error with its field and raises it. Never returns. */
static int raise_field(lua_State *L, struct lua_source *src, const char *field, const char *fmt, ...)
    CC_PRINTF(4, 5);

static int raise_field(lua_State *L, struct lua_source *src, const char *field, const char *fmt, ...)
{
    char reason[1536];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    if (src) {
        if (field)
            snprintf(src->err, sizeof src->err, "%s: %s", field, reason);
        else
            snprintf(src->err, sizeof src->err, "%s", reason);
        src->has_err = true;
        lua_pushstring(L, src->err);
    } else {
        lua_pushfstring(L, "%s%s%s", field ? field : "", field ? ": " : "", reason);
    }
    return lua_error(L);
}

const char *lua_api_error(const struct lua_source *src)
{
    return src->has_err ? src->err : NULL;
}

void lua_api_detach(struct lua_source *src)
{
    src->sink = NULL;
}

const char *lua_api_current_row(const struct lua_source *src)
{
    return src->rowtext;
}

/* ---------------------------------------------------------------- helpers */

static const char *trim(const char *s, size_t len, size_t *outlen)
{
    while (len > 0 && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) {
        s++;
        len--;
    }
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' ||
                       s[len - 1] == '\n'))
        len--;
    *outlen = len;
    return s;
}

static int l_date(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    int32_t days;
    char err[256], out[11];

    if (date_parse(s, len, &days, err, sizeof err) != 0)
        return luaL_error(L, "%s", err);
    date_format(days, out);
    lua_pushstring(L, out);
    return 1;
}

static int l_period(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    int32_t a, b;
    char err[256], out[11];

    if (period_parse(s, len, &a, &b, err, sizeof err) != 0)
        return luaL_error(L, "%s", err);
    date_format(a, out);
    lua_pushstring(L, out);
    date_format(b, out);
    lua_pushstring(L, out);
    return 2;
}

static int l_trim(lua_State *L)
{
    size_t len, n;
    const char *s;

    if (lua_isnoneornil(L, 1)) {
        lua_pushnil(L);
        return 1;
    }
    s = luaL_checklstring(L, 1, &len);
    s = trim(s, len, &n);
    lua_pushlstring(L, s, n);
    return 1;
}

static bool valid_plugin_name(const char *s)
{
    if (*s == '\0')
        return false;
    for (; *s; s++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
            return false;
    }
    return true;
}

/* concord.plugin{...}: checks the definition so mistakes surface on load, not on use. */
static int l_plugin(lua_State *L)
{
    static const char *const strings[] = { "name", "body", "version", "description" };

    luaL_checktype(L, 1, LUA_TTABLE);
    if (lua_getfield(L, 1, "api") != LUA_TNIL) {
        if (!lua_isinteger(L, -1))
            return luaL_error(L, "plugin: api must be an integer");
        if (lua_tointeger(L, -1) != CONCORD_PLUGIN_API)
            return luaL_error(L, "written for plugin API %d, but this concord provides API %d "
                              "(upgrade concord, or use a version of the plugin for API %d)",
                              (int)lua_tointeger(L, -1), CONCORD_PLUGIN_API, CONCORD_PLUGIN_API);
    }
    lua_pop(L, 1);
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
        if (lua_getfield(L, 1, strings[i]) != LUA_TSTRING || lua_rawlen(L, -1) == 0)
            return luaL_error(L, "plugin: '%s' must be a non-empty string", strings[i]);
        lua_pop(L, 1);
    }
    lua_getfield(L, 1, "name");
    if (!valid_plugin_name(lua_tostring(L, -1)))
        return luaL_error(L, "plugin: name '%s' may only hold a-z, 0-9, '-' and '_'",
                          lua_tostring(L, -1));
    lua_pop(L, 1);
    if (lua_getfield(L, 1, "identity_version") != LUA_TNUMBER || !lua_isinteger(L, -1) ||
        lua_tointeger(L, -1) < 1)
        return luaL_error(L, "plugin: identity_version must be a whole number >= 1");
    lua_pop(L, 1);
    if (lua_getfield(L, 1, "detect") != LUA_TFUNCTION)
        return luaL_error(L, "plugin: detect must be a function(src)");
    lua_pop(L, 1);
    if (lua_getfield(L, 1, "parse") != LUA_TFUNCTION)
        return luaL_error(L, "plugin: parse must be a function(src, out)");
    lua_pop(L, 1);
    lua_settop(L, 1);
    return 1;
}

void lua_api_open(lua_State *L)
{
    static const luaL_Reg fns[] = {
        { "plugin", l_plugin },
        { "date", l_date },
        { "period", l_period },
        { "trim", l_trim },
        { NULL, NULL },
    };

    luaL_newlib(L, fns);
    lua_pushlightuserdata(L, NULL);
    lua_setfield(L, -2, "null");
    lua_pushinteger(L, CONCORD_PLUGIN_API);
    lua_setfield(L, -2, "api");
    lua_pushstring(L, CONCORD_VERSION);
    lua_setfield(L, -2, "version");
    lua_setglobal(L, "concord");
}

/* ---------------------------------------------------------------- source */

static struct lua_source *check_source(lua_State *L, int idx)
{
    struct lua_source *src = luaL_checkudata(L, idx, SOURCE_MT);

    if (src->path == NULL)
        luaL_error(L, "source is closed");
    return src;
}

/* Called for every row, so the number is written by hand, not by snprintf. */
static void row_set(struct lua_source *src, long row)
{
    char digits[24];
    int n = 0;
    unsigned long v = row < 0 ? 0 : (unsigned long)row;

    src->row = row;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (int i = 0; i < n; i++)
        src->rowtext[i] = digits[n - 1 - i];
    src->rowtext[n] = '\0';
}

/* Called before each new row: the previous row must have been used. */
static void row_advance(lua_State *L, struct lua_source *src)
{
    if (src->accounting && src->in_row && !src->row_used)
        raise_field(L, src, NULL,
                    "the plugin neither emitted a record for this row nor skipped it "
                    "(call out:skip(reason) for rows it ignores)");
    src->in_row = false;
    src->row_used = false;
}

static void show_progress(struct lua_source *src, long long done, long rows)
{
    double now = cc_monotonic();

    if (!src->progress || now - src->last_progress < 0.5 || src->size <= 0)
        return;
    src->last_progress = now;
    src->progress_shown = true;
    fprintf(stderr, "\rconcord: %s: %3d%% (%ld rows)", src->name,
            (int)(done * 100 / src->size), rows);
    fflush(stderr);
}

static void source_rewind(lua_State *L, struct lua_source *src)
{
    row_advance(L, src);
    csv_reader_free(src->csv);
    src->csv = NULL;
    src->csv_eof = false;
    src->generation++;
    if (src->f == NULL) {
        src->f = fopen(src->path, "rb");
        if (src->f == NULL)
            raise_field(L, src, NULL, "cannot open: %s", strerror(errno));
    }
    rewind(src->f);
}

static int source_gc(lua_State *L)
{
    struct lua_source *src = luaL_checkudata(L, 1, SOURCE_MT);

    csv_reader_free(src->csv);
    src->csv = NULL;
    if (src->f)
        fclose(src->f);
    src->f = NULL;
    free(src->path);
    src->path = NULL;
    free(src->line);
    src->line = NULL;
    sbuf_free(&src->key);
    sbuf_free(&src->event_key);
    sbuf_free(&src->tmp);
    sbuf_free(&src->reuse_bytes);
    free(src->reuse_end);
    src->reuse_end = NULL;
    src->reuse_n = 0;
    if (src->stats_live)
        parse_stats_free(&src->stats);
    src->stats_live = false;
    return 0;
}

static int source_head(lua_State *L)
{
    struct lua_source *src = check_source(L, 1);
    lua_Integer n = luaL_optinteger(L, 2, 4096);
    FILE *f;
    char *buf;
    size_t got;

    if (n < 0 || n > (1 << 24))
        return luaL_error(L, "head: n must be between 0 and 16 MiB");
    f = fopen(src->path, "rb");
    if (f == NULL)
        return raise_field(L, src, NULL, "cannot open: %s", strerror(errno));
    buf = xmalloc((size_t)n + 3);
    got = fread(buf, 1, (size_t)n + 3, f);
    fclose(f);
    /* Drop a UTF-8 BOM so that detectors can match the header directly. */
    if (got >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        lua_pushlstring(L, buf + 3, got - 3 < (size_t)n ? got - 3 : (size_t)n);
    else
        lua_pushlstring(L, buf, got < (size_t)n ? got : (size_t)n);
    free(buf);
    return 1;
}

static int lines_iter(lua_State *L)
{
    struct lua_source *src = check_source(L, lua_upvalueindex(1));
    ssize_t n;

    if ((unsigned)lua_tointeger(L, lua_upvalueindex(2)) != src->generation)
        return luaL_error(L, "lines: this iterator was replaced by a later src:lines() or src:csv()");
    row_advance(L, src);
    n = getline(&src->line, &src->line_cap, src->f);
    if (n < 0) {
        if (ferror(src->f))
            return raise_field(L, src, NULL, "read error: %s", strerror(errno));
        return 0;
    }
    while (n > 0 && (src->line[n - 1] == '\n' || src->line[n - 1] == '\r'))
        n--;
    src->lines_row++;
    src->stats.rows_read++;
    row_set(src, src->lines_row);
    src->in_row = true;
    lua_pushlstring(L, src->line, (size_t)n);
    lua_pushinteger(L, src->lines_row);
    if ((src->lines_row & 0x3fff) == 0)
        show_progress(src, (long long)ftello(src->f), src->lines_row);
    return 2;
}

static int source_lines(lua_State *L)
{
    struct lua_source *src = check_source(L, 1);

    source_rewind(L, src);
    src->lines_row = 0;
    lua_pushvalue(L, 1);
    lua_pushinteger(L, src->generation);
    lua_pushcclosure(L, lines_iter, 2);
    return 1;
}

/* The CSV reader's messages start with "row N, " or "row N: "; the host puts
 * the row in its own place (plugin:file:row: ...), so drop it here. */
static const char *without_row(const char *msg)
{
    if (strncmp(msg, "row ", 4) != 0)
        return msg;
    const char *p = msg + 4;
    while (*p >= '0' && *p <= '9')
        p++;
    if ((p[0] == ',' || p[0] == ':') && p[1] == ' ')
        return p + 2;
    return msg;
}

/* A reader error, with the column's name where the header gives one, and the
 * fix for the commonest cause of invalid UTF-8 (a file saved by Excel). */
static int raise_csv_error(lua_State *L, struct lua_source *src, const char *msg, int header)
{
    char name[128] = "";
    const char *hint = strstr(msg, "invalid UTF-8")
                           ? " (saved by Excel? a plugin can read it with encoding = "
                             "\"windows-1252\")"
                           : "";
    long k;

    if (strncmp(msg, "field ", 6) == 0 && (k = strtol(msg + 6, NULL, 10)) > 0 &&
        lua_istable(L, header)) {
        if (lua_rawgeti(L, header, k) == LUA_TSTRING) {
            const char *p = msg + 6;
            while (*p >= '0' && *p <= '9')
                p++;
            snprintf(name, sizeof name, "field %ld (%s)", k, lua_tostring(L, -1));
            lua_pop(L, 1);
            return raise_field(L, src, NULL, "%s%s%s", name, p, hint);
        }
        lua_pop(L, 1);
    }
    return raise_field(L, src, NULL, "%s%s", msg, hint);
}

/* Refills the reused row table (on the stack top) with the CSV row's nf fields,
 * setting only those that differ from the last row's. */
static void reuse_fill(lua_State *L, struct lua_source *src, size_t nf)
{
    size_t len, start = 0;

    for (size_t i = 0; i < nf; i++) {
        const char *v = csv_field(src->csv, i, &len);
        if (i < src->reuse_n) {
            size_t end = src->reuse_end[i];
            if (end - start == len &&
                (len == 0 || memcmp(src->reuse_bytes.s + start, v, len) == 0)) {
                start = end;
                continue;
            }
            start = end;
        }
        lua_rawgeti(L, lua_upvalueindex(3), (lua_Integer)i + 1);
        lua_pushlstring(L, v, len);
        lua_rawset(L, -3);
    }
    if (src->reuse_end == NULL || src->reuse_n < nf)
        src->reuse_end = xrealloc(src->reuse_end, nf * sizeof *src->reuse_end);
    sbuf_reset(&src->reuse_bytes);
    for (size_t i = 0; i < nf; i++) {
        const char *v = csv_field(src->csv, i, &len);
        sbuf_addn(&src->reuse_bytes, v, len);
        src->reuse_end[i] = src->reuse_bytes.len;
    }
    src->reuse_n = nf;
}

/* Upvalues: 1 source, 2 generation, 3 header table or nil, 4 the reused row
 * table or nil. */
static int csv_iter(lua_State *L)
{
    struct lua_source *src = check_source(L, lua_upvalueindex(1));
    char err[512];
    int rc;
    size_t nf, len;

    if ((unsigned)lua_tointeger(L, lua_upvalueindex(2)) != src->generation)
        return luaL_error(L, "csv: this iterator was replaced by a later src:csv() or src:lines()");
    if (src->csv == NULL)
        return 0;
    row_advance(L, src);
    rc = csv_next(src->csv, err, sizeof err);
    if (rc < 0) {
        row_set(src, csv_row(src->csv));
        return raise_csv_error(L, src, without_row(err), lua_upvalueindex(3));
    }
    if (rc == 0) {
        src->csv_eof = true;
        return 0;
    }
    row_set(src, csv_row(src->csv));
    nf = csv_nfields(src->csv);
    src->stats.rows_read++;
    src->in_row = true;
    if (lua_istable(L, lua_upvalueindex(3))) {
        size_t nh = lua_rawlen(L, lua_upvalueindex(3));
        if (nf != nh)
            return raise_field(L, src, NULL,
                               "%zu fields, but the header has %zu (a missing separator, or an "
                               "unquoted comma inside a value?)",
                               nf, nh);
        if (lua_istable(L, lua_upvalueindex(4))) {
            /* reuse: the same keys every row; a value the last row had stays. */
            lua_pushvalue(L, lua_upvalueindex(4));
            reuse_fill(L, src, nf);
        } else {
            lua_createtable(L, 0, (int)nf);
            for (size_t i = 0; i < nf; i++) {
                const char *v = csv_field(src->csv, i, &len);
                lua_rawgeti(L, lua_upvalueindex(3), (lua_Integer)i + 1);
                lua_pushlstring(L, v, len);
                lua_rawset(L, -3);
            }
        }
    } else {
        lua_createtable(L, (int)nf, 0);
        for (size_t i = 0; i < nf; i++) {
            const char *v = csv_field(src->csv, i, &len);
            lua_pushlstring(L, v, len);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
    }
    lua_pushinteger(L, csv_row(src->csv));
    if ((src->stats.rows_read & 0x3fff) == 0)
        show_progress(src, csv_bytes_read(src->csv), src->stats.rows_read);
    return 2;
}

static int source_csv(lua_State *L)
{
    struct lua_source *src = check_source(L, 1);
    struct csv_options opt = { 0 };
    bool header = true, reuse = false;
    lua_Integer skip = 0;
    char err[512];

    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        if (lua_getfield(L, 2, "header") != LUA_TNIL)
            header = lua_toboolean(L, -1);
        lua_pop(L, 1);
        if (lua_getfield(L, 2, "sep") != LUA_TNIL) {
            size_t n;
            const char *sep = lua_tolstring(L, -1, &n);
            if (sep == NULL || n != 1)
                return luaL_error(L, "csv: sep must be a single character");
            opt.sep = sep[0];
        }
        lua_pop(L, 1);
        if (lua_getfield(L, 2, "encoding") != LUA_TNIL) {
            const char *enc = lua_tostring(L, -1);
            if (enc && (strcmp(enc, "windows-1252") == 0 || strcmp(enc, "cp1252") == 0))
                opt.encoding = CSV_WINDOWS_1252;
            else if (enc == NULL || (strcmp(enc, "utf-8") != 0 && strcmp(enc, "UTF-8") != 0))
                return luaL_error(L, "csv: encoding must be \"utf-8\" or \"windows-1252\"");
        }
        lua_pop(L, 1);
        if (lua_getfield(L, 2, "skip") != LUA_TNIL) {
            skip = lua_tointeger(L, -1);
            if (skip < 0)
                return luaL_error(L, "csv: skip must be >= 0");
        }
        lua_pop(L, 1);
        if (lua_getfield(L, 2, "reuse") != LUA_TNIL)
            reuse = lua_toboolean(L, -1);
        lua_pop(L, 1);
        /* Rows by header all have the header's keys, so refilling leaves nothing stale. */
        if (reuse && !header)
            return luaL_error(L, "csv: reuse = true needs header = true");
    }
    source_rewind(L, src);
    src->csv = csv_reader_new(src->f, &opt);
    if (src->csv == NULL)
        return luaL_error(L, "csv: invalid separator or out of memory");
    if (skip > 0 && csv_skip_lines(src->csv, (long)skip, err, sizeof err) != 0)
        return raise_field(L, src, NULL, "%s", err);

    lua_pushvalue(L, 1);
    lua_pushinteger(L, src->generation);
    if (header) {
        int rc = csv_next(src->csv, err, sizeof err);
        if (rc < 0) {
            row_set(src, csv_row(src->csv));
            return raise_field(L, src, NULL, "%s", without_row(err));
        }
        if (rc == 0) {
            row_set(src, 1);
            return raise_field(L, src, NULL, "the file is empty: no header row");
        }
        row_set(src, csv_row(src->csv));
        size_t nf = csv_nfields(src->csv);
        lua_createtable(L, (int)nf, 0);
        lua_newtable(L); /* seen names */
        for (size_t i = 0; i < nf; i++) {
            size_t len, n;
            const char *field = csv_field(src->csv, i, &len);
            const char *name = trim(field, len, &n);
            if (n == 0)
                return raise_field(L, src, NULL, "field %zu: empty column name in the header",
                                   i + 1);
            lua_pushlstring(L, name, n);
            if (lua_rawget(L, -2) != LUA_TNIL)
                return raise_field(L, src, NULL, "field %zu: duplicate column name '%s'", i + 1,
                                   lua_pushlstring(L, name, n));
            lua_pop(L, 1);
            lua_pushlstring(L, name, n);
            lua_pushboolean(L, 1);
            lua_rawset(L, -3);
            lua_pushlstring(L, name, n);
            lua_rawseti(L, -3, (lua_Integer)i + 1);
        }
        lua_pop(L, 1);
    } else {
        lua_pushnil(L);
    }
    src->reuse_n = 0; /* a new row table: nothing in it yet */
    if (reuse)
        lua_newtable(L); /* the one row table, refilled for every row */
    else
        lua_pushnil(L);
    lua_pushcclosure(L, csv_iter, 4);
    return 1;
}

/* Converts a decoded JSON value to Lua, recording each table's JSON pointer. */
static void push_json(lua_State *L, json_t *v, struct sbuf *ptr, int ptrmap)
{
    luaL_checkstack(L, 6, "JSON nested too deeply");
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *k;
        json_t *child;
        size_t mark = ptr->len;
        lua_createtable(L, 0, (int)json_object_size(v));
        lua_pushvalue(L, -1);
        lua_pushlstring(L, ptr->s ? ptr->s : "", ptr->len);
        lua_rawset(L, ptrmap);
        json_object_foreach(v, k, child) {
            sbuf_addc(ptr, '/');
            /* RFC 6901 escaping: '~' -> ~0, '/' -> ~1. */
            for (const char *c = k; *c; c++) {
                if (*c == '~')
                    sbuf_adds(ptr, "~0");
                else if (*c == '/')
                    sbuf_adds(ptr, "~1");
                else
                    sbuf_addc(ptr, *c);
            }
            push_json(L, child, ptr, ptrmap);
            lua_setfield(L, -2, k);
            ptr->len = mark;
            if (ptr->s)
                ptr->s[mark] = '\0';
        }
        break;
    }
    case JSON_ARRAY: {
        size_t i, mark = ptr->len;
        json_t *child;
        lua_createtable(L, (int)json_array_size(v), 0);
        lua_pushvalue(L, -1);
        lua_pushlstring(L, ptr->s ? ptr->s : "", ptr->len);
        lua_rawset(L, ptrmap);
        json_array_foreach(v, i, child) {
            sbuf_printf(ptr, "/%zu", i);
            push_json(L, child, ptr, ptrmap);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
            ptr->len = mark;
            if (ptr->s)
                ptr->s[mark] = '\0';
        }
        break;
    }
    case JSON_STRING:
        lua_pushlstring(L, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        lua_pushinteger(L, (lua_Integer)json_integer_value(v));
        break;
    case JSON_REAL:
        lua_pushnumber(L, json_real_value(v));
        break;
    case JSON_TRUE:
        lua_pushboolean(L, 1);
        break;
    case JSON_FALSE:
        lua_pushboolean(L, 0);
        break;
    case JSON_NULL:
        lua_pushlightuserdata(L, NULL);
        break;
    }
}

static int source_json(lua_State *L)
{
    struct lua_source *src = check_source(L, 1);
    json_error_t jerr;
    json_t *root;
    struct sbuf ptr;

    source_rewind(L, src);
    root = json_loadf(src->f, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (root == NULL) {
        if (src->size == 0)
            return raise_field(L, src, NULL, "the file is empty: no JSON document");
        /* Messages read PLUGIN:FILE:LINE: like the CSV ones. */
        snprintf(src->rowtext, sizeof src->rowtext, "%d", jerr.line > 0 ? jerr.line : 1);
        return raise_field(L, src, NULL, "column %d: invalid JSON: %s", jerr.column, jerr.text);
    }
    src->json = true;
    lua_getfield(L, LUA_REGISTRYINDEX, JSONPTR_KEY);
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_newtable(L);
        lua_pushliteral(L, "k");
        lua_setfield(L, -2, "__mode");
        lua_setmetatable(L, -2);
        lua_pushvalue(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, JSONPTR_KEY);
    }
    sbuf_init(&ptr);
    /* jansson allocates outside the sandbox's budget, so check depth here too. */
    push_json(L, root, &ptr, lua_gettop(L));
    sbuf_free(&ptr);
    json_decref(root);
    return 1;
}

static int source_index(lua_State *L)
{
    struct lua_source *src = check_source(L, 1);
    const char *k = luaL_checkstring(L, 2);

    if (strcmp(k, "name") == 0) {
        lua_pushstring(L, src->name);
        return 1;
    }
    if (strcmp(k, "size") == 0) {
        lua_pushinteger(L, src->size);
        return 1;
    }
    lua_getmetatable(L, 1);
    lua_getfield(L, -1, "methods");
    lua_getfield(L, -1, k);
    return 1;
}

struct lua_source *lua_api_push_source(lua_State *L, const char *path, bool progress)
{
    struct lua_source *src = lua_newuserdatauv(L, sizeof *src, 0);
    struct stat st;

    memset(src, 0, sizeof *src);
    src->path = xstrdup(path);
    src->name = cc_basename(src->path);
    src->size = stat(path, &st) == 0 ? (long long)st.st_size : -1;
    src->progress = progress;
    src->last_progress = cc_monotonic();
    sbuf_init(&src->key);
    sbuf_init(&src->event_key);
    sbuf_init(&src->tmp);
    parse_stats_init(&src->stats);
    src->stats_live = true;
    if (luaL_newmetatable(L, SOURCE_MT)) {
        static const luaL_Reg methods[] = {
            { "head", source_head },
            { "lines", source_lines },
            { "csv", source_csv },
            { "json", source_json },
            { NULL, NULL },
        };
        luaL_newlib(L, methods);
        lua_setfield(L, -2, "methods");
        lua_pushcfunction(L, source_index);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, source_gc);
        lua_setfield(L, -2, "__gc");
        lua_pushliteral(L, "source");
        lua_setfield(L, -2, "__metatable");
    }
    lua_setmetatable(L, -2);
    return src;
}

/* ---------------------------------------------------------------- emitters */

struct rec {
    lua_State *L;
    struct lua_source *src;
    int t;             /* index of the record table */
    const char *what;  /* "event", "assessment", ... for messages */
    const char *const *allowed; /* the kind's field names, after check_fields */
    int nallowed;
    int slots;         /* stack index of allowed[0]'s value (nil when absent) */
    int next;          /* where field_get looks first: emitters read fields in order */
};

/*
 * Every key of the record must be a known field: a typo is an error, not a
 * silently missing value. The allowed names live in a registry table mapping
 * each to its position, so each key costs one hash lookup; its value goes to a
 * stack slot of its own, where field_get finds it without another lookup (an
 * import emits a million records, each read field by field).
 */
static void check_fields(struct rec *r, const char *const *allowed)
{
    lua_State *L = r->L;
    int n = 0;

    while (allowed[n])
        n++;
    luaL_checkstack(L, n + 8, "out: record");
    r->slots = lua_gettop(L) + 1;
    lua_settop(L, r->slots + n - 1); /* n nils */
    lua_rawgetp(L, LUA_REGISTRYINDEX, allowed);
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        lua_newtable(L);
        for (int i = 0; i < n; i++) {
            lua_pushinteger(L, i);
            lua_setfield(L, -2, allowed[i]);
        }
        lua_pushvalue(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, allowed);
    }
    int set = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, r->t) != 0) {
        /* stack: ... set key value */
        if (lua_type(L, -2) != LUA_TSTRING)
            raise_field(L, r->src, NULL, "out:%s takes a table of named fields", r->what);
        lua_pushvalue(L, -2);
        if (lua_rawget(L, set) != LUA_TNUMBER)
            raise_field(L, r->src, lua_tostring(L, -3), "unknown field for out:%s", r->what);
        int i = (int)lua_tointeger(L, -1);
        lua_pop(L, 1);
        lua_copy(L, -1, r->slots + i);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    r->allowed = allowed;
    r->nallowed = n;
    r->next = 0;
}

/* Pushes field k of the record and returns its type, as lua_getfield would. */
static int field_get(struct rec *r, const char *k)
{
    if (r->allowed) {
        /* k is one of allowed[]'s own literals (the compiler merges equal
         * literals of one file); strcmp only if it is not. An emitter reads
         * the fields in allowed[]'s order, so the search starts after the
         * last one found and usually ends at once. */
        for (int j = 0, i = r->next; j < r->nallowed; j++, i = i + 1 < r->nallowed ? i + 1 : 0) {
            if (r->allowed[i] == k) {
                r->next = i + 1 < r->nallowed ? i + 1 : 0;
                lua_pushvalue(r->L, r->slots + i);
                return lua_type(r->L, -1);
            }
        }
        for (int i = 0; r->allowed[i]; i++) {
            if (strcmp(r->allowed[i], k) == 0) {
                lua_pushvalue(r->L, r->slots + i);
                return lua_type(r->L, -1);
            }
        }
    }
    return lua_getfield(r->L, r->t, k);
}

/* Pushes field k and returns its string form, NULL when absent. Numbers are
 * converted; "" counts as absent for optional fields and is an error for
 * required ones. The value stays on the stack until the record is done. */
static const char *get_str(struct rec *r, const char *k, bool required)
{
    lua_State *L = r->L;
    size_t len;
    int t = field_get(r, k);

    if (t == LUA_TNIL) {
        if (required)
            raise_field(L, r->src, k, "required");
        return NULL;
    }
    if (t != LUA_TSTRING && t != LUA_TNUMBER)
        raise_field(L, r->src, k, "expected a string, got a %s", lua_typename(L, t));
    const char *s = lua_tolstring(L, -1, &len);
    size_t n;
    const char *ts = trim(s, len, &n);
    if (n == 0) {
        if (required)
            raise_field(L, r->src, k, "required, but empty");
        return NULL;
    }
    if (n != len) {
        lua_pushlstring(L, ts, n);
        return lua_tostring(L, -1);
    }
    return s;
}

static int32_t get_date(struct rec *r, const char *k, bool required)
{
    const char *s = get_str(r, k, required);
    int32_t days;
    char err[256];

    if (s == NULL)
        return CLAIM_NO_DATE;
    if (date_parse(s, strlen(s), &days, err, sizeof err) != 0)
        raise_field(r->L, r->src, k, "%s", err);
    return days;
}

static bool get_number(struct rec *r, const char *k, double *out)
{
    lua_State *L = r->L;
    int t = field_get(r, k);

    if (t == LUA_TNIL)
        return false;
    if (t == LUA_TNUMBER) {
        *out = lua_tonumber(L, -1);
    } else if (t == LUA_TSTRING) {
        size_t len, n;
        const char *raw = lua_tolstring(L, -1, &len);
        const char *s = trim(raw, len, &n);
        char buf[64], *end;
        if (n == 0)
            return false;
        if (n >= sizeof buf)
            raise_field(L, r->src, k, "'%.20s...' is not a number", s);
        memcpy(buf, s, n);
        buf[n] = '\0';
        errno = 0;
        *out = strtod(buf, &end);
        if (*end != '\0' || errno != 0)
            raise_field(L, r->src, k, "'%s' is not a number", buf);
    } else {
        raise_field(L, r->src, k, "expected a number, got a %s", lua_typename(L, t));
    }
    if (!isfinite(*out))
        raise_field(L, r->src, k, "must be a finite number");
    return true;
}

static int64_t get_count(struct rec *r, const char *k)
{
    double v;

    if (!get_number(r, k, &v))
        return -1;
    if (v < 0 || v != floor(v) || v > 1e15)
        raise_field(r->L, r->src, k, "must be a whole number >= 0, got %g", v);
    return (int64_t)v;
}

static const char *get_enum(struct rec *r, const char *k, bool required,
                            const char *const *values)
{
    const char *s = get_str(r, k, required);
    char up[64];
    size_t i;

    if (s == NULL)
        return NULL;
    for (i = 0; s[i] && i + 1 < sizeof up; i++) {
        char c = s[i];
        up[i] = (c >= 'a' && c <= 'z') ? (char)(c - 32) : (c == ' ' || c == '-') ? '_' : c;
    }
    up[i] = '\0';
    for (const char *const *v = values; *v; v++) {
        if (strcmp(up, *v) == 0)
            return *v;
    }
    struct sbuf b;
    sbuf_init(&b);
    for (const char *const *v = values; *v; v++)
        sbuf_printf(&b, "%s%s", v == values ? "" : ", ", *v);
    lua_pushstring(r->L, b.s);
    sbuf_free(&b);
    return raise_field(r->L, r->src, k, "'%s' is not one of %s", s, lua_tostring(r->L, -1)),
           NULL;
}

static void key_part(struct sbuf *out, const char *s, size_t len)
{
    /* '|' separates parts and '\' escapes, so distinct part lists never collide.
     * Most parts have neither: one copy. */
    if (memchr(s, '|', len) == NULL && memchr(s, '\\', len) == NULL) {
        sbuf_addn(out, s, len);
        return;
    }
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '|' || s[i] == '\\')
            sbuf_addc(out, '\\');
        sbuf_addc(out, s[i]);
    }
}

static int key_scalar(lua_State *L, int idx, struct sbuf *out, const char **why)
{
    size_t len;

    if (lua_type(L, idx) == LUA_TSTRING) {
        const char *s = lua_tolstring(L, idx, &len);
        if (len == 0) {
            *why = "a key part is empty";
            return -1;
        }
        key_part(out, s, len);
        return 0;
    }
    if (lua_isinteger(L, idx)) {
        char digits[24];
        int n = 0;
        long long v = (long long)lua_tointeger(L, idx);
        unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
        do {
            digits[n++] = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        if (v < 0)
            sbuf_addc(out, '-');
        while (n > 0)
            sbuf_addc(out, digits[--n]);
        return 0;
    }
    if (lua_type(L, idx) == LUA_TNUMBER) {
        sbuf_printf(out, "%.14g", (double)lua_tonumber(L, idx));
        return 0;
    }
    *why = "a key is a string, a number, or a list of them";
    return -1;
}

int lua_api_canonical_key(lua_State *L, int idx, struct sbuf *out, const char **why)
{
    idx = lua_absindex(L, idx);
    sbuf_reset(out);
    if (lua_type(L, idx) != LUA_TTABLE)
        return key_scalar(L, idx, out, why);
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
    if (n == 0) {
        *why = "the key list is empty";
        return -1;
    }
    for (lua_Integer i = 1; i <= n; i++) {
        if (i > 1)
            sbuf_addc(out, '|');
        lua_rawgeti(L, idx, i);
        int rc = key_scalar(L, -1, out, why);
        lua_pop(L, 1);
        if (rc)
            return rc;
    }
    return 0;
}

/* Reads a key field into buf; returns its text (owned by buf). */
static const char *get_key(struct rec *r, const char *k, bool required, struct sbuf *buf)
{
    const char *why = NULL;
    int t = field_get(r, k);

    if (t == LUA_TNIL) {
        lua_pop(r->L, 1);
        if (required)
            raise_field(r->L, r->src, k, "required");
        return NULL;
    }
    if (lua_api_canonical_key(r->L, -1, buf, &why) != 0)
        raise_field(r->L, r->src, k, "%s", why);
    lua_pop(r->L, 1);
    return buf->s;
}

/* The record's provenance: `at` (a decoded JSON table or a pointer string),
 * or the current row. */
static const char *get_row(struct rec *r)
{
    lua_State *L = r->L;
    int t = field_get(r, "at");

    if (t == LUA_TSTRING)
        return lua_tostring(L, -1);
    if (t == LUA_TTABLE) {
        lua_getfield(L, LUA_REGISTRYINDEX, JSONPTR_KEY);
        if (lua_istable(L, -1)) {
            lua_pushvalue(L, -2);
            if (lua_rawget(L, -2) == LUA_TSTRING) {
                const char *p = lua_tostring(L, -1);
                return *p ? p : "/";
            }
        }
        raise_field(L, r->src, "at", "the table is not part of a document read with src:json()");
    }
    if (t != LUA_TNIL)
        raise_field(L, r->src, "at", "expected a JSON table or a pointer string");
    if (!r->src->in_row)
        raise_field(L, r->src, "at",
                    "the record was emitted outside any row: pass at = the table or row it "
                    "came from");
    return r->src->rowtext;
}

/* A record was stored: count it, and the row it came from as used. */
static void emitted(struct lua_source *src)
{
    src->stats.records++;
    if (src->in_row && !src->row_used)
        src->stats.rows_emitted++;
    src->row_used = true;
}

static void sink_result(struct rec *r, int rc, struct cc_error *err)
{
    if (rc != CC_OK)
        raise_field(r->L, r->src, NULL, "%s", err->msg);
}

/* Returns the row text for error messages: it must be set before raising. */
static void set_row_for_messages(struct rec *r, const char *row)
{
    if (row != r->src->rowtext)
        snprintf(r->src->rowtext, sizeof r->src->rowtext, "%s", row);
}

/* The `out` an emitter was called on, which works only while parse() runs. */
static struct lua_out *check_out(lua_State *L, const char *what)
{
    struct lua_out *o = luaL_checkudata(L, 1, OUT_MT);

    if (o->src->sink == NULL)
        luaL_error(L, "out:%s is only available while parse() runs", what);
    return o;
}

static struct rec rec_begin(lua_State *L, const char *what)
{
    struct lua_out *o = check_out(L, what);
    struct rec r = { .L = L, .src = o->src, .t = 2, .what = what };

    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    return r;
}

static const char *const event_fields[] = { "key", "kind", "unit", "started", "ended",
                                            "published", "title", "reference",
                                            "cases_sampled", "staff_hours", "at", NULL };
static const char *const event_kinds[] = { "INSPECTION", "THEMATIC", "AUDIT", "CONTRACT_RETURN",
                                           "QA_AUDIT", "SHADOW_INSPECTION", "MO_CHECK",
                                           "ROSH_AUDIT", NULL };

static int out_event(lua_State *L)
{
    struct rec r = rec_begin(L, "event");
    struct claim_event e = { 0 };
    struct cc_error err = { 0 };
    double hours;

    check_fields(&r, event_fields);
    e.row = get_row(&r);
    set_row_for_messages(&r, e.row);
    e.key = get_key(&r, "key", true, &r.src->key);
    e.kind = get_enum(&r, "kind", true, event_kinds);
    e.unit = get_str(&r, "unit", true);
    e.started = get_date(&r, "started", true);
    e.ended = get_date(&r, "ended", true);
    if (e.ended < e.started) {
        char a[DATE_FORMAT_SIZE], b[DATE_FORMAT_SIZE];
        date_format(e.ended, a);
        date_format(e.started, b);
        raise_field(L, r.src, "ended", "%s is before started (%s)", a, b);
    }
    e.published = get_date(&r, "published", false);
    if (e.published != CLAIM_NO_DATE && e.published < e.ended) {
        char a[DATE_FORMAT_SIZE], b[DATE_FORMAT_SIZE];
        date_format(e.published, a);
        date_format(e.ended, b);
        raise_field(L, r.src, "published", "%s is before ended (%s)", a, b);
    }
    e.title = get_str(&r, "title", false);
    e.reference = get_str(&r, "reference", false);
    e.cases_sampled = get_count(&r, "cases_sampled");
    e.staff_hours = -1;
    if (get_number(&r, "staff_hours", &hours)) {
        if (hours < 0)
            raise_field(L, r.src, "staff_hours", "must be >= 0");
        e.staff_hours = hours;
    }
    sink_result(&r, r.src->sink->event(r.src->sink->ctx, &e, &err), &err);
    emitted(r.src);
    return 0;
}

static const char *const assessment_fields[] = {
    "key", "event", "unit", "framework", "code", "strand", "case", "rating", "value", "target",
    "cases_applicable", "cases_sufficient", "period", "observed", "text", "unmapped", "at", NULL
};
static const char *const strands[] = { "ENGAGE", "DESIST", "SAFE", NULL };

static bool is_crn(const char *s)
{
    if (strlen(s) != 7 || s[0] < 'A' || s[0] > 'Z')
        return false;
    for (int i = 1; i < 7; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
    }
    return true;
}

/* The record's case: a CRN, or NULL when absent and not required. */
static const char *get_case(struct rec *r, bool required)
{
    const char *c = get_str(r, "case", required);

    /* Never echo the value: a CRN is personal data, even a mistyped one. */
    if (c && !is_crn(c))
        raise_field(r->L, r->src, "case",
                    "not a CRN (expected a capital letter and six digits; value withheld)");
    return c;
}

static void get_period(struct rec *r, int32_t *start, int32_t *end)
{
    lua_State *L = r->L;
    int t = field_get(r, "period");
    char err[256];

    *start = *end = CLAIM_NO_DATE;
    if (t == LUA_TNIL)
        return;
    if (t == LUA_TSTRING) {
        size_t len;
        const char *s = lua_tolstring(L, -1, &len);
        if (period_parse(s, len, start, end, err, sizeof err) != 0)
            raise_field(L, r->src, "period", "%s", err);
        return;
    }
    if (t != LUA_TTABLE)
        raise_field(L, r->src, "period", "expected {start, end} or a period string");
    for (int i = 1; i <= 2; i++) {
        size_t len;
        int32_t d;
        if (lua_rawgeti(L, -1, i) != LUA_TSTRING)
            raise_field(L, r->src, "period", "expected {start, end} as two date strings");
        const char *s = lua_tolstring(L, -1, &len);
        if (date_parse(s, len, &d, err, sizeof err) != 0)
            raise_field(L, r->src, "period", "%s", err);
        if (i == 1)
            *start = d;
        else
            *end = d;
        lua_pop(L, 1);
    }
    if (*end < *start)
        raise_field(L, r->src, "period", "ends before it starts");
}

static int out_assessment(lua_State *L)
{
    struct rec r = rec_begin(L, "assessment");
    struct claim_assessment a = { 0 };
    struct cc_error err = { 0 };

    check_fields(&r, assessment_fields);
    a.row = get_row(&r);
    set_row_for_messages(&r, a.row);
    a.key = get_key(&r, "key", true, &r.src->key);
    a.event = get_key(&r, "event", true, &r.src->event_key);
    a.unit = get_str(&r, "unit", false);
    a.framework = get_str(&r, "framework", true);
    a.code = get_str(&r, "code", true);
    a.strand = get_enum(&r, "strand", false, strands);
    a.case_ref = get_case(&r, false);
    a.rating = get_str(&r, "rating", false);
    a.has_value = get_number(&r, "value", &a.value);
    a.has_target = get_number(&r, "target", &a.target);
    if (a.has_target && !a.has_value)
        raise_field(L, r.src, "target", "given without a value");
    a.cases_applicable = get_count(&r, "cases_applicable");
    a.cases_sufficient = get_count(&r, "cases_sufficient");
    if ((a.cases_applicable < 0) != (a.cases_sufficient < 0))
        raise_field(L, r.src, a.cases_applicable < 0 ? "cases_applicable" : "cases_sufficient",
                    "required when the other case count is given");
    if (a.cases_sufficient > a.cases_applicable)
        raise_field(L, r.src, "cases_sufficient", "%lld is more than cases_applicable (%lld)",
                    (long long)a.cases_sufficient, (long long)a.cases_applicable);
    if (a.rating == NULL && !a.has_value && a.cases_applicable < 0)
        raise_field(L, r.src, "rating", "an assessment needs a rating, a value or case counts");
    get_period(&r, &a.period_start, &a.period_end);
    a.observed = get_date(&r, "observed", false);
    a.text = get_str(&r, "text", false);
    field_get(&r, "unmapped");
    a.unmapped = lua_toboolean(L, -1);
    sink_result(&r, r.src->sink->assessment(r.src->sink->ctx, &a, &err), &err);
    emitted(r.src);
    return 0;
}

/*
 * out:answer(event, case, framework, code, rating [, strand [, text]]): one
 * case's answer to one question, from the row being read. The same record as
 * out:assessment{ key = { event, case, code }, event = event, case = case,
 * framework = framework, code = code, rating = rating, strand = strand,
 * text = text }, without a table: the arguments are the record's slots, so
 * nothing is built, walked or looked up by name (an export of a million
 * answers makes a million calls). The checks and messages are the same.
 */
static const char *const answer_fields[] = { "event", "case", "framework", "code",
                                              "rating", "strand", "text", NULL };

static int out_answer(lua_State *L)
{
    struct lua_out *o = check_out(L, "answer");
    struct rec r = { .L = L, .src = o->src, .what = "answer", .allowed = answer_fields,
                     .nallowed = (int)(sizeof answer_fields / sizeof answer_fields[0]) - 1,
                     .slots = 2 };
    struct claim_assessment a = { 0 };
    struct cc_error err = { 0 };
    const char *why = NULL;

    lua_settop(L, r.slots + r.nallowed - 1); /* absent arguments are nil slots */
    if (!r.src->in_row)
        raise_field(L, r.src, NULL, "out:answer is for the row being read (outside a row, use "
                                    "out:assessment with at = ...)");
    a.row = r.src->rowtext;
    a.event = get_key(&r, "event", true, &r.src->event_key);
    a.case_ref = get_case(&r, true);
    a.framework = get_str(&r, "framework", true);
    a.code = get_str(&r, "code", true);
    a.rating = get_str(&r, "rating", true);
    a.strand = get_enum(&r, "strand", false, strands);
    a.text = get_str(&r, "text", false);
    /* The key { event, case, code }, as lua_api_canonical_key would make it. */
    struct sbuf *key = &r.src->key;
    sbuf_reset(key);
    sbuf_adds(key, a.event);
    for (int slot = 3; slot <= 5; slot += 2) {
        sbuf_addc(key, '|');
        if (key_scalar(L, slot, key, &why) != 0)
            raise_field(L, r.src, slot == 3 ? "case" : "code", "%s", why);
    }
    a.key = key->s;
    a.cases_applicable = a.cases_sufficient = -1;
    a.period_start = a.period_end = a.observed = CLAIM_NO_DATE;
    sink_result(&r, r.src->sink->assessment(r.src->sink->ctx, &a, &err), &err);
    emitted(r.src);
    return 0;
}

static const char *const recommendation_fields[] = { "key", "event", "unit", "text",
                                                     "framework", "code", "owner", "due",
                                                     "status", "status_date", "at", NULL };
static const char *const rec_statuses[] = { "OPEN", "IN_PROGRESS", "IMPLEMENTED", "REJECTED",
                                            "OVERDUE", NULL };

static int out_recommendation(lua_State *L)
{
    struct rec r = rec_begin(L, "recommendation");
    struct claim_recommendation c = { 0 };
    struct cc_error err = { 0 };

    check_fields(&r, recommendation_fields);
    c.row = get_row(&r);
    set_row_for_messages(&r, c.row);
    c.key = get_key(&r, "key", true, &r.src->key);
    c.event = get_key(&r, "event", true, &r.src->event_key);
    c.unit = get_str(&r, "unit", false);
    c.text = get_str(&r, "text", true);
    c.framework = get_str(&r, "framework", false);
    c.code = get_str(&r, "code", false);
    if ((c.framework == NULL) != (c.code == NULL))
        raise_field(L, r.src, c.framework ? "code" : "framework",
                    "framework and code go together");
    c.owner = get_str(&r, "owner", false);
    c.due = get_date(&r, "due", false);
    c.status = get_enum(&r, "status", false, rec_statuses);
    if (c.status == NULL)
        c.status = "OPEN";
    c.status_date = get_date(&r, "status_date", false);
    sink_result(&r, r.src->sink->recommendation(r.src->sink->ctx, &c, &err), &err);
    emitted(r.src);
    return 0;
}

static const char *const unit_fields[] = { "code", "name", "type", "parent", "at", NULL };
static const char *const unit_types[] = { "NATIONAL", "REGION", "PDU", "LDU", "TEAM",
                                          "PROVIDER", "CRC", "NPS_DIVISION", NULL };

static int out_unit(lua_State *L)
{
    struct rec r = rec_begin(L, "unit");
    struct claim_unit u = { 0 };
    struct cc_error err = { 0 };

    check_fields(&r, unit_fields);
    u.row = get_row(&r);
    set_row_for_messages(&r, u.row);
    u.code = get_str(&r, "code", true);
    u.name = get_str(&r, "name", true);
    u.type = get_enum(&r, "type", true, unit_types);
    u.parent = get_str(&r, "parent", false);
    sink_result(&r, r.src->sink->unit(r.src->sink->ctx, &u, &err), &err);
    /* Declaring a unit is not a claim: it does not account for the row. */
    return 0;
}

static const char *const scope_fields[] = { "key", "units", "from", "to", NULL };

static int out_scope(lua_State *L)
{
    struct rec r = rec_begin(L, "scope");
    struct claim_scope s = { 0 };
    struct cc_error err = { 0 };
    const char *units[257];

    check_fields(&r, scope_fields);
    s.key = get_str(&r, "key", false);
    s.from = get_date(&r, "from", false);
    s.to = get_date(&r, "to", false);
    if (s.from != CLAIM_NO_DATE && s.to != CLAIM_NO_DATE && s.to < s.from)
        raise_field(L, r.src, "to", "is before from");
    int t = field_get(&r, "units");
    if (t == LUA_TSTRING) {
        units[0] = lua_tostring(L, -1);
        units[1] = NULL;
        s.units = units;
        s.nunits = 1;
    } else if (t == LUA_TTABLE) {
        size_t n = lua_rawlen(L, -1);
        if (n == 0 || n > 256)
            raise_field(L, r.src, "units", "give between 1 and 256 units");
        luaL_checkstack(L, (int)n + 4, "scope units");
        for (size_t i = 0; i < n; i++) {
            if (lua_rawgeti(L, -1 - (int)i, (lua_Integer)i + 1) != LUA_TSTRING)
                raise_field(L, r.src, "units", "entry %zu is not a string", i + 1);
            units[i] = lua_tostring(L, -1);
        }
        units[n] = NULL;
        s.units = units;
        s.nunits = n;
    } else if (t != LUA_TNIL) {
        raise_field(L, r.src, "units", "expected a list of unit codes");
    }
    sink_result(&r, r.src->sink->scope(r.src->sink->ctx, &s, &err), &err);
    return 0;
}

static int out_skip(lua_State *L)
{
    struct lua_out *o = luaL_checkudata(L, 1, OUT_MT);
    struct lua_source *src = o->src;
    size_t len, n;
    const char *given = luaL_optlstring(L, 2, "", &len);
    const char *reason = trim(given, len, &n);
    int64_t count = 0;

    if (n == 0)
        return raise_field(L, src, "skip", "give the reason the row is skipped");
    if (src->in_row && src->row_used)
        return raise_field(L, src, "skip", "this row already emitted a record");
    src->row_used = true;
    src->stats.rows_skipped++;
    strmap_get(&src->stats.skip_reasons, reason, n, &count);
    strmap_put(&src->stats.skip_reasons, reason, n, count + 1);
    return 0;
}

void lua_api_push_out(lua_State *L, struct lua_source *src, struct claim_sink *sink)
{
    struct lua_out *o = lua_newuserdatauv(L, sizeof *o, 1);

    o->src = src;
    src->sink = sink;
    src->accounting = true;
    /* Keep the source alive as long as `out` is. */
    lua_pushvalue(L, -2);
    lua_setiuservalue(L, -2, 1);
    if (luaL_newmetatable(L, OUT_MT)) {
        static const luaL_Reg methods[] = {
            { "event", out_event },
            { "assessment", out_assessment },
            { "answer", out_answer },
            { "recommendation", out_recommendation },
            { "unit", out_unit },
            { "scope", out_scope },
            { "skip", out_skip },
            { NULL, NULL },
        };
        luaL_newlib(L, methods);
        lua_setfield(L, -2, "__index");
        lua_pushliteral(L, "out");
        lua_setfield(L, -2, "__metatable");
    }
    lua_setmetatable(L, -2);
}

int lua_api_finish(struct lua_source *src, struct parse_stats *stats, struct cc_error *err)
{
    if (src->progress_shown)
        fprintf(stderr, "\n");
    src->progress_shown = false;
    if (src->accounting && src->in_row && !src->row_used)
        return cc_fail(err, CC_EDATA,
                       "the plugin neither emitted a record for this row nor skipped it "
                       "(call out:skip(reason) for rows it ignores)");
    /* Rows the plugin never read would be dropped without a trace. */
    if (src->accounting && src->csv && !src->csv_eof)
        return cc_fail(err, CC_EDATA,
                       "the plugin stopped reading before the end of the file: the rows after "
                       "this one were not imported (read to the end and out:skip what you "
                       "leave out)");
    if (src->json && src->stats.rows_read == 0) {
        /* A JSON document has no rows: count what the plugin made of it. */
        src->stats.rows_read = src->stats.records + src->stats.rows_skipped;
        src->stats.rows_emitted = src->stats.records;
    }
    *stats = src->stats;
    /* Ownership of the skip-reason map moves to the caller. */
    strmap_init(&src->stats.skip_reasons);
    return CC_OK;
}
