/* SPDX-License-Identifier: MIT */
#include "plugin.h"

#include <errno.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *field_string(lua_State *L, int t, const char *k)
{
    char *s;

    lua_getfield(L, t, k);
    s = xstrdup(lua_tostring(L, -1) ? lua_tostring(L, -1) : "");
    lua_pop(L, 1);
    return s;
}

/* Loads one plugin file into L and leaves its definition table on the stack. */
static int load_definition(lua_State *L, const char *path, struct cc_error *err)
{
    return sandbox_run_file(L, path, 0, "concord.plugin{...}", err);
}

int plugin_registry_load(struct plugin_registry **out, const char *const *dirs, size_t ndirs,
                         const struct sandbox_limits *limits, struct cc_error *err)
{
    struct plugin_registry *reg = xcalloc(1, sizeof *reg);
    int rc = CC_OK;

    *out = NULL;
    if (limits)
        reg->limits = *limits;
    reg->L = sandbox_new(&reg->limits);
    if (reg->L == NULL) {
        free(reg);
        return cc_fail(err, CC_ESOFTWARE, "cannot create a Lua state: out of memory");
    }
    lua_api_open(reg->L);
    sandbox_lock_global(reg->L, "concord");
    for (size_t d = 0; d < ndirs && rc == CC_OK; d++) {
        char **files;
        size_t n;
        if (cc_list_files(dirs[d], ".lua", &files, &n) != 0)
            rc = cc_fail(err, CC_ENOINPUT, "%s: cannot open plugin folder: %s", dirs[d],
                         strerror(errno));
        for (size_t i = 0; i < n; i++) {
            if (rc == CC_OK) {
                struct cc_error e2 = { 0 };
                rc = load_definition(reg->L, files[i], &e2);
                if (rc) {
                    /* sandbox messages already start with the file name */
                    cc_fail(err, rc, "plugin %s", e2.msg);
                } else {
                    struct plugin_info pi = { 0 };
                    pi.name = field_string(reg->L, -1, "name");
                    const struct plugin_info *dup = plugin_find(reg, pi.name);
                    if (dup) {
                        rc = cc_fail(err, CC_EDATA,
                                     "plugin '%s' is defined twice: %s and %s (rename one)",
                                     pi.name, dup->path, files[i]);
                        free(pi.name);
                        lua_pop(reg->L, 1);
                    } else {
                        pi.body = field_string(reg->L, -1, "body");
                        pi.version = field_string(reg->L, -1, "version");
                        pi.description = field_string(reg->L, -1, "description");
                        lua_getfield(reg->L, -1, "identity_version");
                        pi.identity_version = (int)lua_tointeger(reg->L, -1);
                        lua_pop(reg->L, 1);
                        pi.path = xstrdup(files[i]);
                        reg->items = xrealloc(reg->items, (reg->count + 1) * sizeof *reg->items);
                        reg->refs = xrealloc(reg->refs, (reg->count + 1) * sizeof *reg->refs);
                        reg->items[reg->count] = pi;
                        reg->refs[reg->count] = luaL_ref(reg->L, LUA_REGISTRYINDEX);
                        reg->count++;
                    }
                }
            }
            free(files[i]);
        }
        free(files);
    }
    if (rc) {
        plugin_registry_free(reg);
        return rc;
    }
    *out = reg;
    return CC_OK;
}

void plugin_registry_free(struct plugin_registry *reg)
{
    if (reg == NULL)
        return;
    for (size_t i = 0; i < reg->count; i++) {
        free(reg->items[i].name);
        free(reg->items[i].body);
        free(reg->items[i].version);
        free(reg->items[i].description);
        free(reg->items[i].path);
    }
    free(reg->items);
    free(reg->refs);
    sandbox_close(reg->L);
    free(reg);
}

const struct plugin_info *plugin_find(const struct plugin_registry *reg, const char *name)
{
    for (size_t i = 0; i < reg->count; i++) {
        if (strcmp(reg->items[i].name, name) == 0)
            return &reg->items[i];
    }
    return NULL;
}

int plugin_detect(struct plugin_registry *reg, const char *path, double *scores,
                  struct cc_error *err)
{
    lua_State *L = reg->L;

    (void)err;
    for (size_t i = 0; i < reg->count; i++) {
        struct cc_error e2 = { 0 };
        scores[i] = 0;
        /* detect() must be cheap: each call gets its own small budget. */
        sandbox_reset_budget(L, PLUGIN_DETECT_INSTRUCTIONS);
        lua_rawgeti(L, LUA_REGISTRYINDEX, reg->refs[i]);
        lua_getfield(L, -1, "detect");
        lua_remove(L, -2);
        lua_api_push_source(L, path, false);
        if (sandbox_pcall(L, 1, 1, &e2) != CC_OK) {
            cc_log(CC_LOG_DEBUG, "%s: detect failed on %s: %s", reg->items[i].name, path, e2.msg);
            continue;
        }
        if (lua_type(L, -1) == LUA_TNUMBER) {
            double c = lua_tonumber(L, -1);
            scores[i] = c < 0 ? 0 : c > 1 ? 1 : c;
        } else if (lua_toboolean(L, -1)) {
            scores[i] = 1;
        }
        lua_pop(L, 1);
    }
    /* Sources opened for detection hold files open until collected. */
    lua_gc(L, LUA_GCCOLLECT);
    return CC_OK;
}

int plugin_choose(struct plugin_registry *reg, const char *path,
                  const struct plugin_info **chosen, struct cc_error *err)
{
    double *scores = xcalloc(reg->count, sizeof *scores);
    int rc = plugin_detect(reg, path, scores, err);

    *chosen = NULL;
    if (rc == CC_OK)
        rc = plugin_pick(reg, path, scores, chosen, err);
    free(scores);
    return rc;
}

int plugin_pick(const struct plugin_registry *reg, const char *path, const double *scores,
                const struct plugin_info **chosen, struct cc_error *err)
{
    size_t best = SIZE_MAX, second = SIZE_MAX;
    struct sbuf b;
    int rc = CC_OK;

    *chosen = NULL;
    for (size_t i = 0; i < reg->count; i++) {
        if (best == SIZE_MAX || scores[i] > scores[best]) {
            second = best;
            best = i;
        } else if (second == SIZE_MAX || scores[i] > scores[second]) {
            second = i;
        }
    }
    sbuf_init(&b);
    if (best == SIZE_MAX || scores[best] < PLUGIN_MIN_CONFIDENCE) {
        for (size_t i = 0; i < reg->count; i++)
            sbuf_printf(&b, "%s%s %.2f", i ? ", " : "", reg->items[i].name, scores[i]);
        rc = cc_fail(err, CC_EDATA,
                     "%s: no plugin recognises this file (tried: %s); pass --plugin NAME or "
                     "write a plugin for it (docs/plugins.md)",
                     path, reg->count ? b.s : "no plugins loaded");
    } else if (second != SIZE_MAX && scores[best] - scores[second] < PLUGIN_AMBIGUITY_MARGIN) {
        rc = cc_fail(err, CC_EDATA,
                     "%s: more than one plugin claims this file (%s %.2f, %s %.2f); "
                     "choose one with --plugin NAME",
                     path, reg->items[best].name, scores[best], reg->items[second].name,
                     scores[second]);
    } else {
        *chosen = &reg->items[best];
    }
    sbuf_free(&b);
    return rc;
}

int plugin_parse(const struct plugin_registry *reg, const struct plugin_info *p,
                 const char *path, bool progress, struct claim_sink *sink,
                 struct parse_stats *stats, struct cc_error *err)
{
    lua_State *L = sandbox_new(&reg->limits);
    struct lua_source *src;
    struct cc_error e2 = { 0 };
    int rc;

    parse_stats_init(stats);
    if (L == NULL)
        return cc_fail(err, CC_ESOFTWARE, "cannot create a Lua state: out of memory");
    lua_api_open(L);
    sandbox_lock_global(L, "concord");
    /* A fresh state per file: nothing a plugin does can leak into the next file. */
    rc = load_definition(L, p->path, &e2);
    if (rc) {
        cc_fail(err, rc, "%s: %s", p->name, e2.msg);
        sandbox_close(L);
        return rc;
    }
    lua_getfield(L, -1, "parse");
    src = lua_api_push_source(L, path, progress);
    if (sink->source)
        sink->source(sink->ctx, src);
    lua_api_push_out(L, src, sink);
    rc = sandbox_pcall(L, 2, 0, &e2);
    /* Nothing may emit once parse() has returned, not even a __gc finaliser. */
    lua_api_detach(src);
    if (rc == CC_OK)
        rc = lua_api_finish(src, stats, &e2);
    if (rc) {
        /* Prefer the emitter's structured message over Lua's rethrown copy. */
        const char *msg = lua_api_error(src) ? lua_api_error(src) : e2.msg;
        if (lua_api_error(src) && strstr(e2.msg, "limit exceeded"))
            msg = e2.msg;
        const char *row = lua_api_current_row(src);
        if (*row)
            cc_fail(err, rc, "%s:%s:%s: %s", p->name, path, row, msg);
        else
            cc_fail(err, rc, "%s:%s: %s", p->name, path, msg);
    }
    sandbox_close(L);
    return rc;
}
