/* SPDX-License-Identifier: MIT */
#include "sandbox.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_MEMORY ((size_t)256 << 20)
#define DEFAULT_MAX_INSTRUCTIONS 20000000000ULL
/* The hook runs every HOOK_STEP VM instructions: cheap enough to be invisible. */
#define HOOK_STEP 10000

struct sandbox {
    size_t used, peak, limit;
    uint64_t instructions, max_instructions, configured_instructions;
    int tripped; /* 1 = instructions, 2 = memory */
    /* Files loaded into this state whose names Lua shortens in messages. */
    char **long_paths;
    size_t n_long_paths;
};

/* The state's sandbox lives in the allocator's ud, reachable from any lua_State. */
static struct sandbox *sandbox_of(lua_State *L)
{
    void *ud;

    lua_getallocf(L, &ud);
    return ud;
}

static void *sandbox_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    struct sandbox *sb = ud;
    /* For a fresh block osize encodes a type, not a size: count it as 0. */
    size_t old = ptr ? osize : 0;

    if (nsize == 0) {
        free(ptr);
        sb->used -= old;
        return NULL;
    }
    if (nsize > old && (sb->tripped == 2 || sb->used - old + nsize > sb->limit)) {
        sb->tripped = 2;
        return NULL;
    }
    void *p = realloc(ptr, nsize);
    if (p == NULL)
        return NULL;
    sb->used = sb->used - old + nsize;
    if (sb->used > sb->peak)
        sb->peak = sb->used;
    return p;
}

static void sandbox_hook(lua_State *L, lua_Debug *ar)
{
    struct sandbox *sb = sandbox_of(L);

    (void)ar;
    sb->instructions += HOOK_STEP;
    if (sb->tripped == 1 || sb->instructions > sb->max_instructions) {
        sb->tripped = 1;
        /* Fire on every instruction from now on, so a pcall in the plugin
         * cannot swallow the error and carry on. */
        lua_sethook(L, sandbox_hook, LUA_MASKCOUNT, 1);
        luaL_error(L, "instruction limit exceeded (%llu instructions)",
                   (unsigned long long)sb->max_instructions);
    }
}

/* Names a plugin might reach for, with the reason they are not there. */
static const char *const blocked[][2] = {
    { "os", "the os library is not available to plugins" },
    { "io", "the io library is not available to plugins: read the file through src" },
    { "debug", "the debug library is not available to plugins" },
    { "package", "package is not available to plugins" },
    { "require", "require is not available to plugins" },
    { "load", "load is not available to plugins" },
    { "loadfile", "loadfile is not available to plugins" },
    { "dofile", "dofile is not available to plugins" },
    { "collectgarbage", "collectgarbage is not available to plugins" },
    { "loadstring", "loadstring is not available to plugins" },
    { "dump", "string.dump is not available to plugins" },
};

static int blocked_index(lua_State *L)
{
    const char *name = lua_tostring(L, 2);

    /* _G is the chunk's own environment, never the shared globals. */
    if (name && strcmp(name, "_G") == 0) {
        lua_pushvalue(L, 1);
        return 1;
    }
    if (name) {
        for (size_t i = 0; i < sizeof blocked / sizeof blocked[0]; i++) {
            if (strcmp(name, blocked[i][0]) == 0)
                return luaL_error(L, "sandbox: %s", blocked[i][1]);
        }
    }
    /* Anything else falls through to the shared globals (upvalue 1). */
    lua_pushvalue(L, 2);
    lua_rawget(L, lua_upvalueindex(1));
    return 1;
}

static int sandbox_print(lua_State *L)
{
    int n = lua_gettop(L);
    struct sbuf b;

    sbuf_init(&b);
    for (int i = 1; i <= n; i++) {
        size_t len;
        const char *s = luaL_tolstring(L, i, &len);
        if (i > 1)
            sbuf_addc(&b, '\t');
        sbuf_addn(&b, s, len);
        lua_pop(L, 1);
    }
    fprintf(stderr, "concord: plugin: %s\n", b.s ? b.s : "");
    sbuf_free(&b);
    return 0;
}

/* A read-only view of a shared library table: plugins loaded into one state
 * (detection runs every plugin's detect in one) cannot change what the others
 * call. Upvalue 1 is the real table, upvalue 2 its name. */
static int locked_index(lua_State *L)
{
    const char *name = lua_tostring(L, 2);

    if (name && strcmp(name, "dump") == 0)
        return luaL_error(L, "sandbox: string.dump is not available to plugins");
    lua_pushvalue(L, 2);
    lua_rawget(L, lua_upvalueindex(1));
    return 1;
}

static int locked_newindex(lua_State *L)
{
    return luaL_error(L, "sandbox: the %s library cannot be changed",
                      lua_tostring(L, lua_upvalueindex(2)));
}

static int locked_pairs(lua_State *L)
{
    lua_getglobal(L, "next");
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushnil(L);
    return 3;
}

void sandbox_lock_global(lua_State *L, const char *name)
{
    lua_getglobal(L, name);
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        return;
    }
    lua_newtable(L);          /* proxy */
    lua_newtable(L);          /* its metatable */
    lua_pushvalue(L, -3);
    lua_pushstring(L, name);
    lua_pushcclosure(L, locked_index, 2);
    lua_setfield(L, -2, "__index");
    lua_pushvalue(L, -3);
    lua_pushstring(L, name);
    lua_pushcclosure(L, locked_newindex, 2);
    lua_setfield(L, -2, "__newindex");
    lua_pushvalue(L, -3);
    lua_pushcclosure(L, locked_pairs, 1);
    lua_setfield(L, -2, "__pairs");
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_setglobal(L, name);
    lua_pop(L, 1);
}

/* The metatable that strings share must not be changeable by a plugin. */
static int string_meta_guard(lua_State *L)
{
    return luaL_error(L, "sandbox: the string metatable cannot be changed");
}

lua_State *sandbox_new(const struct sandbox_limits *limits)
{
    struct sandbox *sb = calloc(1, sizeof *sb);
    lua_State *L;

    if (sb == NULL)
        return NULL;
    sb->limit = limits && limits->max_memory ? limits->max_memory : DEFAULT_MAX_MEMORY;
    sb->max_instructions =
        limits && limits->max_instructions ? limits->max_instructions : DEFAULT_MAX_INSTRUCTIONS;
    sb->configured_instructions = sb->max_instructions;
    L = lua_newstate(sandbox_alloc, sb);
    if (L == NULL) {
        free(sb);
        return NULL;
    }
    luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
    luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
    luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
    luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
    luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
    lua_pop(L, 5);

    lua_pushglobaltable(L);
    for (size_t i = 0; i < sizeof blocked / sizeof blocked[0]; i++) {
        lua_pushnil(L);
        lua_setfield(L, -2, blocked[i][0]);
    }
    lua_pushcfunction(L, sandbox_print);
    lua_setfield(L, -2, "print");
    /* string.dump makes bytecode, which nothing here can load anyway; drop it. */
    lua_getfield(L, -1, "string");
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    lua_pop(L, 2);

    /* Protect the string metatable: "".__index is the string library. */
    lua_pushliteral(L, "");
    if (lua_getmetatable(L, -1)) {
        lua_pushcfunction(L, string_meta_guard);
        lua_setfield(L, -2, "__newindex");
        lua_pushliteral(L, "string");
        lua_setfield(L, -2, "__metatable");
        lua_pop(L, 1);
    }
    lua_pop(L, 1);

    /* Parsing makes a short-lived table per row and per record: the
     * generational collector handles that pattern with far less work. */
    lua_gc(L, LUA_GCGEN, 0, 0);
    static const char *const libs[] = { "string", "table", "math", "utf8" };
    for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++)
        sandbox_lock_global(L, libs[i]);
    lua_sethook(L, sandbox_hook, LUA_MASKCOUNT, HOOK_STEP);
    return L;
}

void sandbox_close(lua_State *L)
{
    if (L == NULL)
        return;
    struct sandbox *sb = sandbox_of(L);
    lua_close(L);
    for (size_t i = 0; i < sb->n_long_paths; i++)
        free(sb->long_paths[i]);
    free(sb->long_paths);
    free(sb);
}

void sandbox_reset_budget(lua_State *L, uint64_t max_instructions)
{
    struct sandbox *sb = sandbox_of(L);

    sb->instructions = 0;
    sb->max_instructions = max_instructions && max_instructions < sb->configured_instructions
                               ? max_instructions
                               : sb->configured_instructions;
    if (sb->tripped == 1)
        sb->tripped = 0;
    if (sb->tripped == 2) {
        lua_gc(L, LUA_GCCOLLECT);
        if (sb->used < sb->limit)
            sb->tripped = 0;
    }
    lua_sethook(L, sandbox_hook, LUA_MASKCOUNT, HOOK_STEP);
}

uint64_t sandbox_instructions(lua_State *L)
{
    return sandbox_of(L)->instructions;
}

size_t sandbox_peak_memory(lua_State *L)
{
    return sandbox_of(L)->peak;
}

/* Pushes a fresh environment table for one chunk. */
static void push_env(lua_State *L, int data_only)
{
    lua_newtable(L);                 /* env */
    if (data_only)
        return;
    lua_newtable(L);                 /* env's metatable */
    lua_pushglobaltable(L);
    lua_pushcclosure(L, blocked_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushliteral(L, "sandbox");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
}

/*
 * Lua names a chunk in its messages by at most LUA_IDSIZE - 1 characters: a
 * longer file name becomes "..." and its last LUA_IDSIZE - 4 characters, so the
 * same plugin's error would read differently depending on the folder it lives
 * in. The state remembers such paths and messages get them back whole.
 */
#define CHUNK_TAIL (LUA_IDSIZE - 4)

static void remember_long_path(struct sandbox *sb, const char *path)
{
    if (strlen(path) <= LUA_IDSIZE - 1)
        return;
    for (size_t i = 0; i < sb->n_long_paths; i++)
        if (strcmp(sb->long_paths[i], path) == 0)
            return;
    sb->long_paths = xrealloc(sb->long_paths, (sb->n_long_paths + 1) * sizeof *sb->long_paths);
    sb->long_paths[sb->n_long_paths++] = xstrdup(path);
}

/* msg with every "...TAIL" of a remembered path replaced by the path. */
static void restore_paths(const struct sandbox *sb, const char *msg, struct sbuf *out)
{
    const char *p = msg;

    while (*p) {
        const char *dots = strstr(p, "...");
        const char *whole = NULL;

        if (dots == NULL)
            break;
        for (size_t i = 0; i < sb->n_long_paths && whole == NULL; i++) {
            const char *path = sb->long_paths[i];
            const char *tail = path + strlen(path) - CHUNK_TAIL;
            if (strncmp(dots + 3, tail, CHUNK_TAIL) == 0)
                whole = path;
        }
        sbuf_addn(out, p, (size_t)(dots - p));
        if (whole) {
            sbuf_adds(out, whole);
            p = dots + 3 + CHUNK_TAIL;
        } else {
            sbuf_addn(out, dots, 3);
            p = dots + 3;
        }
    }
    sbuf_adds(out, p);
}

static int fail_with_lua_message(lua_State *L, const char *msg, struct cc_error *err)
{
    struct sbuf b;
    int rc;

    sbuf_init(&b);
    restore_paths(sandbox_of(L), msg, &b);
    rc = cc_fail(err, CC_EDATA, "%s", b.s ? b.s : "");
    sbuf_free(&b);
    return rc;
}

int sandbox_load_file(lua_State *L, const char *path, int data_only, struct cc_error *err)
{
    FILE *f = fopen(path, "rb");
    struct sbuf b;
    char chunk[8192];
    size_t n;
    int rc;

    if (f == NULL)
        return cc_fail(err, CC_ENOINPUT, "%s: cannot open: %m", path);
    sbuf_init(&b);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        sbuf_addn(&b, chunk, n);
    if (ferror(f)) {
        fclose(f);
        sbuf_free(&b);
        return cc_fail(err, CC_EIO, "%s: read error", path);
    }
    fclose(f);

    char *chunkname = xmalloc(strlen(path) + 2);
    chunkname[0] = '@';
    strcpy(chunkname + 1, path);
    /* Mode "t": a precompiled chunk is refused, as bytecode can break the VM. */
    if (b.len >= 4 && memcmp(b.s, LUA_SIGNATURE, 4) == 0) {
        free(chunkname);
        sbuf_free(&b);
        return cc_fail(err, CC_EDATA, "%s: precompiled Lua (bytecode) is not accepted; use the "
                       ".lua source", path);
    }
    remember_long_path(sandbox_of(L), path);
    rc = luaL_loadbufferx(L, b.s ? b.s : "", b.len, chunkname, "t");
    free(chunkname);
    sbuf_free(&b);
    if (rc != LUA_OK) {
        rc = fail_with_lua_message(L, lua_tostring(L, -1), err);
        lua_pop(L, 1);
        return rc;
    }
    push_env(L, data_only);
    if (lua_setupvalue(L, -2, 1) == NULL)
        lua_pop(L, 1);
    return CC_OK;
}

static int traceback(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);

    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
            return 1;
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    /* Keep messages short: the plugin's own position is already in msg. */
    lua_pushstring(L, msg);
    return 1;
}

int sandbox_pcall(lua_State *L, int nargs, int nresults, struct cc_error *err)
{
    struct sandbox *sb = sandbox_of(L);
    int base = lua_gettop(L) - nargs;
    int rc;

    if (!lua_checkstack(L, 8))
        return cc_fail(err, CC_ESOFTWARE, "Lua stack exhausted");
    lua_pushcfunction(L, traceback);
    lua_insert(L, base);
    rc = lua_pcall(L, nargs, nresults, base);
    lua_remove(L, base);
    if (rc == LUA_OK)
        return CC_OK;
    if (sb->tripped == 2 || rc == LUA_ERRMEM) {
        cc_fail(err, CC_EDATA, "memory limit exceeded (%zu MiB)", sb->limit >> 20);
    } else if (sb->tripped == 1) {
        cc_fail(err, CC_EDATA, "instruction limit exceeded (%llu instructions)",
                (unsigned long long)sb->max_instructions);
    } else {
        const char *msg = lua_tostring(L, -1);
        fail_with_lua_message(L, msg ? msg : "error without a message", err);
    }
    lua_pop(L, 1);
    return err ? err->status : CC_EDATA;
}

int sandbox_run_file(lua_State *L, const char *path, int data_only, const char *expect,
                     struct cc_error *err)
{
    int rc = sandbox_load_file(L, path, data_only, err);

    if (rc)
        return rc;
    rc = sandbox_pcall(L, 0, 1, err);
    if (rc)
        return rc;
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        return cc_fail(err, CC_EDATA, "%s: must return %s", path, expect);
    }
    return CC_OK;
}

int sandbox_run_data_file(lua_State *L, const char *path, struct cc_error *err)
{
    return sandbox_run_file(L, path, 1, "a table", err);
}
