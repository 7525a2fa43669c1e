/* SPDX-License-Identifier: MIT */
#include "normalise.h"

#include <dirent.h>
#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "sandbox.h"

enum scale_kind { SCALE_VALUES, SCALE_THRESHOLDS, SCALE_TARGET, SCALE_CLASSES };

struct scale {
    char *name;
    enum scale_kind kind;
    struct strmap values;   /* folded raw value (aliases too) -> band, or answer class */
    char *listing;          /* "Outstanding, Good, ..." for messages */
    double thresholds[3];
    double exceeded_margin, missed_margin;
};

/* Which scale reads which kind of input, for one body or framework. */
struct scale_choice {
    char *key;              /* body or framework name */
    char *rating[8];
    size_t nrating;
    char *value, *cases, *answer;
};

struct normaliser {
    struct strmap areas, dimensions, strands; /* code -> index (areas: into area arrays) */
    char **area_codes, **area_labels, **area_descriptions;
    size_t nareas;
    struct xw_framework *fw;
    size_t nfw;
    struct scale *scales;
    size_t nscales;
    struct scale_choice *choices;  /* bodies first, then frameworks; later entries win */
    size_t nchoices;
    struct strmap body_choice, framework_choice; /* name -> index into choices */
    struct sbuf digest;     /* every loaded file's sha256, for normaliser_sync */
    struct sbuf fold;       /* scratch */
};

/* ---------------------------------------------------------------- small helpers */

static char *dup_field(lua_State *L, int t, const char *k)
{
    char *s = NULL;

    lua_getfield(L, t, k);
    if (lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER)
        s = xstrdup(lua_tostring(L, -1));
    lua_pop(L, 1);
    return s;
}

/* fold() into a caller's buffer, for lookups on the hot path (no allocation).
 * Returns the length, or -1 when the value does not fit (no scale word is that long). */
static int fold_into(char *out, size_t cap, const char *s)
{
    size_t n = 0;
    bool space = false;

    for (; *s; s++) {
        char c = *s;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            space = n > 0;
            continue;
        }
        if (n + 2 >= cap)
            return -1;
        if (space)
            out[n++] = ' ';
        space = false;
        out[n++] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
    }
    out[n] = '\0';
    return (int)n;
}

/* Case-insensitive, white-space-folded form used to match raw ratings. */
static const char *fold(struct sbuf *b, const char *s)
{
    bool space = false;

    sbuf_reset(b);
    for (; *s; s++) {
        char c = *s;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            space = b->len > 0;
            continue;
        }
        if (space)
            sbuf_addc(b, ' ');
        space = false;
        sbuf_addc(b, (char)((c >= 'A' && c <= 'Z') ? c + 32 : c));
    }
    if (b->s == NULL)
        sbuf_adds(b, "");
    return b->s;
}

static int add_digest(struct normaliser *n, const char *path, struct cc_error *err)
{
    char sha[65];
    long long bytes;
    int rc = cc_sha256_file(path, sha, &bytes, err);

    if (rc == CC_OK)
        sbuf_printf(&n->digest, "%s %s\n", sha, path);
    return rc;
}

/* ---------------------------------------------------------------- taxonomy */

static void free_areas(struct normaliser *n)
{
    for (size_t i = 0; i < n->nareas; i++) {
        free(n->area_codes[i]);
        free(n->area_labels[i]);
        free(n->area_descriptions[i]);
    }
    free(n->area_codes);
    free(n->area_labels);
    free(n->area_descriptions);
    n->area_codes = n->area_labels = n->area_descriptions = NULL;
    n->nareas = 0;
    strmap_free(&n->areas);
    strmap_free(&n->dimensions);
    strmap_free(&n->strands);
}

static int load_taxonomy(struct normaliser *n, lua_State *L, const char *path,
                         struct cc_error *err)
{
    int rc = sandbox_run_data_file(L, path, err);

    if (rc)
        return rc;
    free_areas(n);
    int t = lua_gettop(L);
    lua_getfield(L, t, "areas");
    size_t na = lua_istable(L, -1) ? lua_rawlen(L, -1) : 0;
    if (na == 0) {
        lua_settop(L, t - 1);
        return cc_fail(err, CC_EDATA, "%s: 'areas' must be a non-empty list", path);
    }
    n->area_codes = xcalloc(na, sizeof(char *));
    n->area_labels = xcalloc(na, sizeof(char *));
    n->area_descriptions = xcalloc(na, sizeof(char *));
    for (size_t i = 0; i < na; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i + 1);
        char *code = dup_field(L, lua_gettop(L), "code");
        if (code == NULL) {
            lua_settop(L, t - 1);
            return cc_fail(err, CC_EDATA, "%s: area %zu has no code", path, i + 1);
        }
        n->area_codes[i] = code;
        n->area_labels[i] = dup_field(L, lua_gettop(L), "label");
        n->area_descriptions[i] = dup_field(L, lua_gettop(L), "description");
        n->nareas++;
        strmap_put(&n->areas, code, strlen(code), (int64_t)i);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    static const char *const lists[2] = { "dimensions", "strands" };
    struct strmap *maps[2] = { &n->dimensions, &n->strands };
    for (int k = 0; k < 2; k++) {
        lua_getfield(L, t, lists[k]);
        size_t nd = lua_istable(L, -1) ? lua_rawlen(L, -1) : 0;
        for (size_t i = 0; i < nd; i++) {
            lua_rawgeti(L, -1, (lua_Integer)i + 1);
            char *code = lua_istable(L, -1) ? dup_field(L, lua_gettop(L), "code")
                                            : (lua_isstring(L, -1) ? xstrdup(lua_tostring(L, -1))
                                                                   : NULL);
            if (code) {
                strmap_put(maps[k], code, strlen(code), (int64_t)i);
                free(code);
            }
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    lua_settop(L, t - 1);
    return CC_OK;
}

/* ---------------------------------------------------------------- crosswalks */

static void free_framework(struct xw_framework *f)
{
    for (size_t i = 0; i < f->ncodes; i++) {
        struct xw_code *c = &f->codes[i];
        free(c->code);
        free(c->label);
        free(c->question);
        free(c->strand);
        free(c->direction);
        for (size_t j = 0; j < c->nmaps; j++) {
            free(c->maps[j].area);
            free(c->maps[j].dimension);
            free(c->maps[j].relationship);
        }
        free(c->maps);
    }
    free(f->codes);
    free(f->name);
    free(f->body);
    free(f->title);
    free(f->source);
    free(f->path);
    strmap_free(&f->index);
    strmap_free(&f->aliases);
    strmap_free(&f->by_type);
}

static bool one_of(const char *s, const char *const *list)
{
    for (; *list; list++) {
        if (strcmp(s, *list) == 0)
            return true;
    }
    return false;
}

static int load_code(struct normaliser *n, lua_State *L, int t, const char *path,
                     struct xw_code *c, struct cc_error *err)
{
    static const char *const rels[] = { "equal", "subset", "superset", "intersects", NULL };

    c->code = dup_field(L, t, "code");
    c->label = dup_field(L, t, "label");
    c->question = dup_field(L, t, "question");
    c->strand = dup_field(L, t, "strand");
    c->direction = dup_field(L, t, "direction");
    if (c->code == NULL || c->question == NULL || c->question[0] == '\0')
        return cc_fail(err, CC_EDATA, "%s: code %s: 'code' and 'question' are required", path,
                       c->code ? c->code : "?");
    if (c->strand && !strmap_get(&n->strands, c->strand, strlen(c->strand), &(int64_t){ 0 }))
        return cc_fail(err, CC_EDATA, "%s: code %s: unknown strand '%s'", path, c->code,
                       c->strand);
    lua_getfield(L, t, "maps");
    size_t nm = lua_istable(L, -1) ? lua_rawlen(L, -1) : 0;
    if (nm == 0) {
        lua_pop(L, 1);
        return cc_fail(err, CC_EDATA, "%s: code %s: needs at least one map to an area", path,
                       c->code);
    }
    c->maps = xcalloc(nm, sizeof *c->maps);
    for (size_t j = 0; j < nm; j++) {
        lua_rawgeti(L, -1, (lua_Integer)j + 1);
        int m = lua_gettop(L);
        struct xw_map *mp = &c->maps[c->nmaps++];
        mp->area = dup_field(L, m, "area");
        mp->dimension = dup_field(L, m, "dimension");
        mp->relationship = dup_field(L, m, "relationship");
        lua_pop(L, 1);
        int64_t dummy;
        if (!mp->area || !strmap_get(&n->areas, mp->area, strlen(mp->area), &dummy)) {
            lua_pop(L, 1);
            return cc_fail(err, CC_EDATA, "%s: code %s: unknown area '%s'", path, c->code,
                           mp->area ? mp->area : "(none)");
        }
        if (!mp->dimension ||
            !strmap_get(&n->dimensions, mp->dimension, strlen(mp->dimension), &dummy)) {
            lua_pop(L, 1);
            return cc_fail(err, CC_EDATA, "%s: code %s: unknown dimension '%s'", path, c->code,
                           mp->dimension ? mp->dimension : "(none)");
        }
        if (!mp->relationship || !one_of(mp->relationship, rels)) {
            lua_pop(L, 1);
            return cc_fail(err, CC_EDATA,
                           "%s: code %s: relationship must be equal, subset, superset or "
                           "intersects",
                           path, c->code);
        }
    }
    lua_pop(L, 1);
    return CC_OK;
}

static int load_crosswalk(struct normaliser *n, lua_State *L, const char *path,
                          struct cc_error *err)
{
    struct xw_framework f = { 0 };
    int rc = sandbox_run_data_file(L, path, err);

    if (rc)
        return rc;
    int t = lua_gettop(L);
    f.name = dup_field(L, t, "framework");
    f.body = dup_field(L, t, "body");
    f.title = dup_field(L, t, "title");
    f.source = dup_field(L, t, "source");
    f.path = xstrdup(path);
    if (f.name == NULL || f.body == NULL) {
        rc = cc_fail(err, CC_EDATA, "%s: 'framework' and 'body' are required", path);
        goto fail;
    }
    lua_getfield(L, t, "codes");
    size_t nc = lua_istable(L, -1) ? lua_rawlen(L, -1) : 0;
    if (nc == 0) {
        rc = cc_fail(err, CC_EDATA, "%s: 'codes' must be a non-empty list", path);
        goto fail;
    }
    f.codes = xcalloc(nc, sizeof *f.codes);
    for (size_t i = 0; i < nc && rc == CC_OK; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i + 1);
        rc = load_code(n, L, lua_gettop(L), path, &f.codes[f.ncodes], err);
        f.ncodes++;
        lua_pop(L, 1);
        if (rc == CC_OK) {
            const char *code = f.codes[i].code;
            int64_t prev;
            if (strmap_get(&f.index, code, strlen(code), &prev))
                rc = cc_fail(err, CC_EDATA, "%s: code %s is listed twice", path, code);
            strmap_put(&f.index, code, strlen(code), (int64_t)i);
        }
    }
    lua_pop(L, 1);
    if (rc)
        goto fail;
    lua_getfield(L, t, "aliases");
    if (lua_istable(L, -1)) {
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            int64_t idx;
            const char *target = lua_tostring(L, -1);
            if (lua_type(L, -2) != LUA_TSTRING || target == NULL ||
                !strmap_get(&f.index, target, strlen(target), &idx)) {
                rc = cc_fail(err, CC_EDATA, "%s: alias '%s' points at an unknown code", path,
                             lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?");
                lua_pop(L, 3);
                goto fail;
            }
            const char *alias = lua_tostring(L, -2);
            strmap_put(&f.aliases, alias, strlen(alias), idx);
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
    lua_getfield(L, t, "by_unit_type");
    if (lua_istable(L, -1)) {
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            if (lua_type(L, -2) == LUA_TSTRING && lua_istable(L, -1)) {
                const char *code = lua_tostring(L, -2);
                lua_pushnil(L);
                while (lua_next(L, -2)) {
                    int64_t idx;
                    const char *target = lua_tostring(L, -1);
                    if (lua_type(L, -2) == LUA_TSTRING && target &&
                        strmap_get(&f.index, target, strlen(target), &idx)) {
                        struct sbuf k;
                        sbuf_init(&k);
                        sbuf_printf(&k, "%s|%s", code, lua_tostring(L, -2));
                        strmap_put(&f.by_type, k.s, k.len, idx);
                        sbuf_free(&k);
                    } else {
                        rc = cc_fail(err, CC_EDATA, "%s: by_unit_type for '%s' points at an "
                                     "unknown code", path, code);
                    }
                    lua_pop(L, 1);
                }
            }
            lua_pop(L, 1);
        }
    }
    lua_settop(L, t - 1);
    if (rc)
        goto fail_popped;

    for (size_t i = 0; i < f.ncodes; i++)
        f.codes[i].framework = f.name;
    /* A later folder's framework of the same name replaces the earlier one. */
    for (size_t i = 0; i < n->nfw; i++) {
        if (strcmp(n->fw[i].name, f.name) == 0) {
            free_framework(&n->fw[i]);
            n->fw[i] = f;
            return CC_OK;
        }
    }
    n->fw = xrealloc(n->fw, (n->nfw + 1) * sizeof *n->fw);
    n->fw[n->nfw++] = f;
    return CC_OK;
fail:
    lua_settop(L, t - 1);
fail_popped:
    free_framework(&f);
    return rc;
}

/* ---------------------------------------------------------------- scales */

static void free_scale(struct scale *s)
{
    free(s->name);
    free(s->listing);
    strmap_free(&s->values);
}

static void free_choice(struct scale_choice *c)
{
    free(c->key);
    for (size_t i = 0; i < c->nrating; i++)
        free(c->rating[i]);
    free(c->value);
    free(c->cases);
    free(c->answer);
}

static int class_of(const char *s)
{
    if (strcmp(s, "sufficient") == 0)
        return ANSWER_SUFFICIENT;
    if (strcmp(s, "insufficient") == 0)
        return ANSWER_INSUFFICIENT;
    if (strcmp(s, "not applicable") == 0)
        return ANSWER_NA;
    return -1;
}

static int load_scale(struct normaliser *n, lua_State *L, int t, const char *path,
                      struct scale *s, struct cc_error *err)
{
    char *kind = dup_field(L, t, "kind");
    int rc = CC_OK;

    s->name = dup_field(L, t, "name");
    if (s->name == NULL || kind == NULL) {
        free(kind);
        return cc_fail(err, CC_EDATA, "%s: every scale needs a name and a kind", path);
    }
    if (strcmp(kind, "values") == 0 || strcmp(kind, "classes") == 0) {
        struct sbuf listing;
        s->kind = kind[0] == 'v' ? SCALE_VALUES : SCALE_CLASSES;
        sbuf_init(&listing);
        lua_getfield(L, t, "values");
        if (!lua_istable(L, -1))
            rc = cc_fail(err, CC_EDATA, "%s: scale %s: 'values' must be a table", path, s->name);
        else {
            lua_pushnil(L);
            while (rc == CC_OK && lua_next(L, -2)) {
                const char *raw = lua_tostring(L, -2);
                int64_t v = -1;
                if (s->kind == SCALE_VALUES && lua_isinteger(L, -1))
                    v = lua_tointeger(L, -1);
                else if (s->kind == SCALE_CLASSES && lua_type(L, -1) == LUA_TSTRING)
                    v = class_of(lua_tostring(L, -1));
                if (raw == NULL || (s->kind == SCALE_VALUES && (v < 1 || v > 4)) || v < 0) {
                    rc = cc_fail(err, CC_EDATA, "%s: scale %s: value '%s' must map to %s", path,
                                 s->name, raw ? raw : "?",
                                 s->kind == SCALE_VALUES
                                     ? "a band 1-4"
                                     : "sufficient, insufficient or not applicable");
                } else {
                    fold(&n->fold, raw);
                    strmap_put(&s->values, n->fold.s, n->fold.len, v);
                }
                lua_pop(L, 1);
            }
        }
        lua_pop(L, 1);
        /* Listing for messages, in the scale's own order when it gives one. */
        lua_getfield(L, t, "order");
        if (lua_istable(L, -1)) {
            for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, -1); i++) {
                lua_rawgeti(L, -1, i);
                if (lua_isstring(L, -1))
                    sbuf_printf(&listing, "%s%s", listing.len ? ", " : "", lua_tostring(L, -1));
                lua_pop(L, 1);
            }
        } else {
            lua_getfield(L, t, "values");
            if (lua_istable(L, -1)) {
                lua_pushnil(L);
                while (lua_next(L, -2)) {
                    if (lua_type(L, -2) == LUA_TSTRING)
                        sbuf_printf(&listing, "%s%s", listing.len ? ", " : "",
                                    lua_tostring(L, -2));
                    lua_pop(L, 1);
                }
            }
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
        lua_getfield(L, t, "aliases");
        if (rc == CC_OK && lua_istable(L, -1)) {
            lua_pushnil(L);
            while (rc == CC_OK && lua_next(L, -2)) {
                const char *alias = lua_tostring(L, -2), *target = lua_tostring(L, -1);
                int64_t v;
                if (target)
                    fold(&n->fold, target);
                if (alias && target && strmap_get(&s->values, n->fold.s, n->fold.len, &v)) {
                    fold(&n->fold, alias);
                    strmap_put(&s->values, n->fold.s, n->fold.len, v);
                } else {
                    rc = cc_fail(err, CC_EDATA, "%s: scale %s: alias '%s' names an unknown value",
                                 path, s->name, alias ? alias : "?");
                }
                lua_pop(L, 1);
            }
        }
        lua_pop(L, 1);
        s->listing = listing.s ? listing.s : xstrdup("");
    } else if (strcmp(kind, "thresholds") == 0) {
        s->kind = SCALE_THRESHOLDS;
        lua_getfield(L, t, "thresholds");
        if (!lua_istable(L, -1) || lua_rawlen(L, -1) != 3)
            rc = cc_fail(err, CC_EDATA, "%s: scale %s: 'thresholds' must list 3 numbers", path,
                         s->name);
        for (int i = 0; i < 3 && rc == CC_OK; i++) {
            lua_rawgeti(L, -1, i + 1);
            s->thresholds[i] = lua_tonumber(L, -1);
            lua_pop(L, 1);
            if (i > 0 && !(s->thresholds[i] < s->thresholds[i - 1]))
                rc = cc_fail(err, CC_EDATA, "%s: scale %s: thresholds must fall", path, s->name);
        }
        lua_pop(L, 1);
        s->listing = xstrdup("");
    } else if (strcmp(kind, "target") == 0) {
        s->kind = SCALE_TARGET;
        lua_getfield(L, t, "exceeded_margin");
        s->exceeded_margin = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : 5;
        lua_getfield(L, t, "missed_margin");
        s->missed_margin = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : 5;
        lua_pop(L, 2);
        s->listing = xstrdup("");
    } else {
        rc = cc_fail(err, CC_EDATA, "%s: scale %s: unknown kind '%s'", path, s->name, kind);
    }
    free(kind);
    return rc;
}

static int load_choice(lua_State *L, int t, const char *key, const char *path,
                       struct scale_choice *c, struct cc_error *err)
{
    memset(c, 0, sizeof *c);
    c->key = xstrdup(key);
    lua_getfield(L, t, "rating");
    if (lua_type(L, -1) == LUA_TSTRING) {
        c->rating[c->nrating++] = xstrdup(lua_tostring(L, -1));
    } else if (lua_istable(L, -1)) {
        for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, -1) && c->nrating < 8; i++) {
            lua_rawgeti(L, -1, i);
            if (lua_isstring(L, -1))
                c->rating[c->nrating++] = xstrdup(lua_tostring(L, -1));
            lua_pop(L, 1);
        }
    } else if (!lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return cc_fail(err, CC_EDATA, "%s: defaults for %s: 'rating' must list scale names",
                       path, key);
    }
    lua_pop(L, 1);
    c->value = dup_field(L, t, "value");
    c->cases = dup_field(L, t, "cases");
    c->answer = dup_field(L, t, "answer");
    return CC_OK;
}

/* Reads { scales = {...}, defaults = {...} } at the top of L's stack (popped). */
static int load_scales_table(struct normaliser *n, lua_State *L, const char *path,
                             struct cc_error *err)
{
    int rc = CC_OK;
    int t = lua_gettop(L);
    lua_getfield(L, t, "scales");
    size_t ns = lua_istable(L, -1) ? lua_rawlen(L, -1) : 0;
    for (size_t i = 0; i < ns && rc == CC_OK; i++) {
        struct scale s = { 0 };
        lua_rawgeti(L, -1, (lua_Integer)i + 1);
        rc = load_scale(n, L, lua_gettop(L), path, &s, err);
        lua_pop(L, 1);
        if (rc) {
            free_scale(&s);
            break;
        }
        size_t k;
        for (k = 0; k < n->nscales && strcmp(n->scales[k].name, s.name) != 0; k++)
            ;
        if (k < n->nscales) {
            free_scale(&n->scales[k]);
        } else {
            n->scales = xrealloc(n->scales, (n->nscales + 1) * sizeof *n->scales);
            n->nscales++;
        }
        n->scales[k] = s;
    }
    lua_pop(L, 1);
    lua_getfield(L, t, "defaults");
    static const char *const groups[2] = { "bodies", "frameworks" };
    struct strmap *maps[2] = { &n->body_choice, &n->framework_choice };
    for (int g = 0; g < 2 && rc == CC_OK && lua_istable(L, -1); g++) {
        lua_getfield(L, -1, groups[g]);
        if (lua_istable(L, -1)) {
            lua_pushnil(L);
            while (rc == CC_OK && lua_next(L, -2)) {
                if (lua_type(L, -2) == LUA_TSTRING && lua_istable(L, -1)) {
                    const char *key = lua_tostring(L, -2);
                    struct scale_choice c;
                    rc = load_choice(L, lua_gettop(L), key, path, &c, err);
                    if (rc == CC_OK) {
                        n->choices = xrealloc(n->choices, (n->nchoices + 1) * sizeof *n->choices);
                        n->choices[n->nchoices] = c;
                        strmap_put(maps[g], key, strlen(key), (int64_t)n->nchoices);
                        n->nchoices++;
                    } else {
                        free_choice(&c);
                    }
                }
                lua_pop(L, 1);
            }
        }
        lua_pop(L, 1);
    }
    lua_settop(L, t - 1);
    return rc;
}

static int check_choices(const struct normaliser *n, struct cc_error *err);

static int load_scales(struct normaliser *n, lua_State *L, const char *path, struct cc_error *err)
{
    int rc = sandbox_run_data_file(L, path, err);

    return rc ? rc : load_scales_table(n, L, path, err);
}

int normaliser_apply_scales(struct normaliser *n, const struct config *cfg,
                            struct cc_error *err)
{
    lua_State *L;
    int rc;

    if (cfg == NULL || !config_is_set(cfg, "scales"))
        return CC_OK;
    L = sandbox_new(NULL);
    if (L == NULL)
        return cc_fail(err, CC_ESOFTWARE, "out of memory");
    config_push(cfg, "scales", L);
    if (!lua_istable(L, -1)) {
        sandbox_close(L);
        return cc_fail(err, CC_EDATA, "%s: scales: must be a table", config_path(cfg));
    }
    char where[512];
    snprintf(where, sizeof where, "%s: scales", config_path(cfg) ? config_path(cfg) : "configuration");
    rc = load_scales_table(n, L, where, err);
    if (rc == CC_OK)
        rc = check_choices(n, err);
    /* The overrides change what imports compute: the digest follows the file. */
    if (rc == CC_OK && config_path(cfg))
        rc = add_digest(n, config_path(cfg), err);
    sandbox_close(L);
    return rc;
}

static const struct scale *find_scale(const struct normaliser *n, const char *name)
{
    for (size_t i = 0; name && i < n->nscales; i++) {
        if (strcmp(n->scales[i].name, name) == 0)
            return &n->scales[i];
    }
    return NULL;
}

/* Every scale a default names must exist, with the right kind. */
static int check_choices(const struct normaliser *n, struct cc_error *err)
{
    for (size_t i = 0; i < n->nchoices; i++) {
        const struct scale_choice *c = &n->choices[i];
        const char *names[11];
        size_t k = 0;
        for (size_t j = 0; j < c->nrating; j++)
            names[k++] = c->rating[j];
        names[k++] = c->value;
        names[k++] = c->cases;
        names[k++] = c->answer;
        for (size_t j = 0; j < k; j++) {
            if (names[j] && find_scale(n, names[j]) == NULL)
                return cc_fail(err, CC_EDATA, "scales: defaults for %s name an unknown scale '%s'",
                               c->key, names[j]);
        }
    }
    return CC_OK;
}

/* ---------------------------------------------------------------- load */

int normaliser_load(struct normaliser **out, const char *const *dirs, size_t ndirs,
                    struct cc_error *err)
{
    struct normaliser *n = xcalloc(1, sizeof *n);
    lua_State *L = sandbox_new(NULL);
    int rc = CC_OK;
    bool have_taxonomy = false;

    *out = NULL;
    if (L == NULL) {
        free(n);
        return cc_fail(err, CC_ESOFTWARE, "out of memory");
    }
    sbuf_init(&n->digest);
    sbuf_init(&n->fold);
    for (size_t d = 0; d < ndirs && rc == CC_OK; d++) {
        struct sbuf p;
        sbuf_init(&p);
        sbuf_printf(&p, "%s/register/taxonomy.lua", dirs[d]);
        if (access(p.s, R_OK) == 0) {
            rc = load_taxonomy(n, L, p.s, err);
            if (rc == CC_OK)
                rc = add_digest(n, p.s, err);
            have_taxonomy = true;
        }
        sbuf_reset(&p);
        sbuf_printf(&p, "%s/register/scales.lua", dirs[d]);
        if (rc == CC_OK && access(p.s, R_OK) == 0) {
            rc = load_scales(n, L, p.s, err);
            if (rc == CC_OK)
                rc = add_digest(n, p.s, err);
        }
        sbuf_reset(&p);
        sbuf_printf(&p, "%s/crosswalks", dirs[d]);
        char **files;
        size_t nf;
        /* A folder without crosswalks/ simply adds none. */
        if (cc_list_files(p.s, ".lua", &files, &nf) != 0) {
            files = NULL;
            nf = 0;
        }
        for (size_t i = 0; i < nf; i++) {
            if (rc == CC_OK && !have_taxonomy)
                rc = cc_fail(err, CC_EDATA, "%s: no taxonomy loaded before it", files[i]);
            if (rc == CC_OK)
                rc = load_crosswalk(n, L, files[i], err);
            if (rc == CC_OK)
                rc = add_digest(n, files[i], err);
            free(files[i]);
        }
        free(files);
        sbuf_free(&p);
    }
    if (rc == CC_OK && !have_taxonomy)
        rc = cc_fail(err, CC_EDATA, "no register/taxonomy.lua in the plugin folders");
    if (rc == CC_OK)
        rc = check_choices(n, err);
    sandbox_close(L);
    if (rc) {
        normaliser_free(n);
        return rc;
    }
    *out = n;
    return CC_OK;
}

void normaliser_free(struct normaliser *n)
{
    if (n == NULL)
        return;
    free_areas(n);
    for (size_t i = 0; i < n->nfw; i++)
        free_framework(&n->fw[i]);
    free(n->fw);
    for (size_t i = 0; i < n->nscales; i++)
        free_scale(&n->scales[i]);
    free(n->scales);
    for (size_t i = 0; i < n->nchoices; i++)
        free_choice(&n->choices[i]);
    free(n->choices);
    strmap_free(&n->body_choice);
    strmap_free(&n->framework_choice);
    sbuf_free(&n->digest);
    sbuf_free(&n->fold);
    free(n);
}

/* ---------------------------------------------------------------- lookups */

const struct xw_framework *normaliser_framework(const struct normaliser *n, const char *name)
{
    for (size_t i = 0; i < n->nfw; i++) {
        if (strcmp(n->fw[i].name, name) == 0)
            return &n->fw[i];
    }
    return NULL;
}

const struct xw_code *normaliser_code(const struct normaliser *n, const char *framework,
                                      const char *code, const char *unit_type,
                                      struct cc_error *err)
{
    const struct xw_framework *f = normaliser_framework(n, framework);
    int64_t idx;
    size_t len = strlen(code);

    if (f == NULL) {
        struct sbuf known;
        sbuf_init(&known);
        for (size_t i = 0; i < n->nfw; i++)
            sbuf_printf(&known, "%s%s", i ? ", " : "", n->fw[i].name);
        cc_fail(err, CC_EDATA, "framework: '%s' has no crosswalk (known: %s)", framework,
                known.s ? known.s : "none");
        sbuf_free(&known);
        return NULL;
    }
    if (unit_type && f->by_type.count > 0) {
        struct sbuf k;
        bool found;
        sbuf_init(&k);
        sbuf_printf(&k, "%s|%s", code, unit_type);
        found = strmap_get(&f->by_type, k.s, k.len, &idx);
        sbuf_free(&k);
        if (found)
            return &f->codes[idx];
    }
    if (strmap_get(&f->index, code, len, &idx) || strmap_get(&f->aliases, code, len, &idx))
        return &f->codes[idx];
    cc_fail(err, CC_EDATA,
            "code: '%s' is not a code of framework %s (see 'concord taxonomy --framework %s'; "
            "a plugin may pass unmapped = true to keep it unmapped)",
            code, framework, framework);
    return NULL;
}

static const struct scale_choice *choice_for(const struct normaliser *n, const char *framework,
                                             const char *body, const char *field)
{
    int64_t i;
    const char *keys[2] = { framework, body };
    const struct strmap *maps[2] = { &n->framework_choice, &n->body_choice };

    /* The framework's choice wins; the body's fills what the framework leaves out. */
    for (int k = 0; k < 2; k++) {
        if (keys[k] && strmap_get(maps[k], keys[k], strlen(keys[k]), &i)) {
            const struct scale_choice *c = &n->choices[i];
            if ((strcmp(field, "rating") == 0 && c->nrating) ||
                (strcmp(field, "value") == 0 && c->value) ||
                (strcmp(field, "cases") == 0 && c->cases) ||
                (strcmp(field, "answer") == 0 && c->answer))
                return c;
        }
    }
    return NULL;
}

static int band_threshold(const struct scale *s, double v)
{
    return v >= s->thresholds[0] ? 4 : v >= s->thresholds[1] ? 3 : v >= s->thresholds[2] ? 2 : 1;
}

int normaliser_band_cases(const struct normaliser *n, const char *body, const char *framework,
                          long applicable, long sufficient, struct band_result *r,
                          struct cc_error *err)
{
    const struct scale_choice *c = choice_for(n, framework, body, "cases");
    const struct scale *s = c ? find_scale(n, c->cases) : NULL;

    r->band = 0;
    r->answer = ANSWER_NONE;
    if (s == NULL || s->kind != SCALE_THRESHOLDS)
        return cc_fail(err, CC_EDATA,
                       "cases_sufficient: no 'cases' scale is configured for %s or %s", framework,
                       body);
    if (applicable == 0) {
        snprintf(r->basis, sizeof r->basis, "no applicable cases");
        return CC_OK;
    }
    double pct = 100.0 * (double)sufficient / (double)applicable;
    r->band = band_threshold(s, pct);
    snprintf(r->basis, sizeof r->basis, "%s: %ld of %ld cases sufficient (%.1f%%)", s->name,
             sufficient, applicable, pct);
    return CC_OK;
}

int normaliser_band(const struct normaliser *n, const char *body, const char *framework,
                    const struct xw_code *code, const struct claim_assessment *a,
                    struct band_result *r, struct cc_error *err)
{
    r->band = 0;
    r->answer = ANSWER_NONE;
    r->basis[0] = '\0';

    if (a->case_ref) {
        /* One case's answer is not banded alone: answers are counted, and the
         * share sufficient is banded (as HMIP does). */
        const struct scale_choice *c = choice_for(n, framework, body, "answer");
        const struct scale *s = c ? find_scale(n, c->answer) : NULL;
        int64_t v;
        if (a->rating == NULL) {
            if (a->cases_applicable >= 0)
                return normaliser_band_cases(n, body, framework, a->cases_applicable,
                                             a->cases_sufficient, r, err);
            return cc_fail(err, CC_EDATA, "rating: a case-level answer needs a rating (Y, N, NA)");
        }
        if (s == NULL)
            return cc_fail(err, CC_EDATA, "rating: no 'answer' scale is configured for %s or %s",
                           framework, body);
        char f[128];
        int flen = fold_into(f, sizeof f, a->rating);
        bool found = flen >= 0 && strmap_get(&s->values, f, (size_t)flen, &v);
        if (!found)
            return cc_fail(err, CC_EDATA, "rating: '%s' is not an answer on the %s scale (%s)",
                           a->rating, s->name, s->listing);
        r->answer = (enum answer_class)v;
        /* Once per case answer (a million in a large audit export): no printf. */
        cc_strlcpy(r->basis, s->name, sizeof r->basis);
        return CC_OK;
    }
    if (a->rating) {
        const struct scale_choice *c = choice_for(n, framework, body, "rating");
        struct sbuf tried;
        char f[128];
        int flen = fold_into(f, sizeof f, a->rating);
        sbuf_init(&tried);
        for (size_t i = 0; c && i < c->nrating; i++) {
            const struct scale *s = find_scale(n, c->rating[i]);
            int64_t v;
            if (s && s->kind == SCALE_VALUES && flen >= 0 &&
                strmap_get(&s->values, f, (size_t)flen, &v)) {
                r->band = (int)v;
                snprintf(r->basis, sizeof r->basis, "%s: %s", s->name, a->rating);
                sbuf_free(&tried);
                return CC_OK;
            }
            if (s)
                sbuf_printf(&tried, "%s%s: %s", tried.len ? "; " : "", s->name, s->listing);
        }
        /* A rating beside counts or a value may be a label the scales do not know. */
        if (a->cases_applicable < 0 && !a->has_value) {
            int rc = cc_fail(err, CC_EDATA, "rating: '%s' is not on the scales for %s (%s)",
                             a->rating, framework, tried.s ? tried.s : "no rating scale configured");
            sbuf_free(&tried);
            return rc;
        }
        sbuf_free(&tried);
    }
    if (a->cases_applicable >= 0)
        return normaliser_band_cases(n, body, framework, a->cases_applicable, a->cases_sufficient,
                                     r, err);
    if (a->has_value) {
        const struct scale_choice *c = choice_for(n, framework, body, "value");
        const struct scale *s = c ? find_scale(n, c->value) : NULL;
        if (s == NULL)
            return cc_fail(err, CC_EDATA, "value: no 'value' scale is configured for %s or %s",
                           framework, body);
        if (s->kind == SCALE_TARGET) {
            if (!a->has_target) {
                /* A value without a target is kept, but cannot be banded. */
                snprintf(r->basis, sizeof r->basis, "%s: %g with no target, so no band", s->name,
                         a->value);
                return CC_OK;
            }
            bool lower = code && code->direction && strcmp(code->direction, "lower") == 0;
            /* Distance above the target, in the direction that is better. */
            double d = lower ? a->target - a->value : a->value - a->target;
            r->band = d >= s->exceeded_margin ? 4 : d >= 0 ? 3 : d >= -s->missed_margin ? 2 : 1;
            snprintf(r->basis, sizeof r->basis, "%s: %g against a target of %g%s", s->name,
                     a->value, a->target, lower ? " (lower is better)" : "");
            return CC_OK;
        }
        if (s->kind == SCALE_THRESHOLDS) {
            r->band = band_threshold(s, a->value);
            snprintf(r->basis, sizeof r->basis, "%s: %g", s->name, a->value);
            return CC_OK;
        }
        return cc_fail(err, CC_EDATA, "value: scale %s cannot read a number", s->name);
    }
    return cc_fail(err, CC_EDATA, "rating: nothing to put on a band");
}

/* ---------------------------------------------------------------- store */

int normaliser_sync(struct normaliser *n, struct store *st, struct cc_error *err)
{
    char have[80], digest[65];
    sqlite3_stmt *s[5] = { 0 };
    int rc;

    /* A digest of the file digests: cheap to compare on every import. */
    snprintf(digest, sizeof digest, "%016llx%016llx",
             (unsigned long long)cc_hash64(n->digest.s ? n->digest.s : "", n->digest.len),
             (unsigned long long)n->nfw);
    if (store_meta_get(st, "crosswalk_digest", have, sizeof have) && strcmp(have, digest) == 0)
        return CC_OK;
    rc = store_exec(st,
                    "DELETE FROM crosswalk; DELETE FROM framework_aliases;"
                    " DELETE FROM framework_codes; DELETE FROM frameworks; DELETE FROM areas;",
                    err);
    static const char *const sql[5] = {
        "INSERT INTO areas(code, label, description) VALUES (?1,?2,?3)",
        "INSERT INTO frameworks(framework, body, title, source, file) VALUES (?1,?2,?3,?4,?5)",
        "INSERT INTO framework_codes(framework, code, label, question, strand, direction)"
        " VALUES (?1,?2,?3,?4,?5,?6)",
        "INSERT INTO crosswalk(framework, code, area, dimension, relationship)"
        " VALUES (?1,?2,?3,?4,?5)",
        "INSERT INTO framework_aliases(framework, alias, code) VALUES (?1,?2,?3)",
    };
    for (int i = 0; i < 5 && rc == CC_OK; i++)
        rc = store_prepare(st, &s[i], sql[i], err);
#define STEP(stmt)                                                                           \
    do {                                                                                     \
        if (rc == CC_OK && sqlite3_step(stmt) != SQLITE_DONE)                                \
            rc = cc_fail(err, CC_EDATA, "crosswalk: %s", sqlite3_errmsg(st->db));            \
        sqlite3_reset(stmt);                                                                 \
    } while (0)
    for (size_t i = 0; i < n->nareas && rc == CC_OK; i++) {
        sqlite3_bind_text(s[0], 1, n->area_codes[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(s[0], 2, n->area_labels[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(s[0], 3, n->area_descriptions[i], -1, SQLITE_STATIC);
        STEP(s[0]);
    }
    for (size_t i = 0; i < n->nfw && rc == CC_OK; i++) {
        const struct xw_framework *f = &n->fw[i];
        sqlite3_bind_text(s[1], 1, f->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(s[1], 2, f->body, -1, SQLITE_STATIC);
        sqlite3_bind_text(s[1], 3, f->title, -1, SQLITE_STATIC);
        sqlite3_bind_text(s[1], 4, f->source, -1, SQLITE_STATIC);
        sqlite3_bind_text(s[1], 5, f->path, -1, SQLITE_STATIC);
        STEP(s[1]);
        for (size_t j = 0; j < f->ncodes && rc == CC_OK; j++) {
            const struct xw_code *c = &f->codes[j];
            sqlite3_bind_text(s[2], 1, f->name, -1, SQLITE_STATIC);
            sqlite3_bind_text(s[2], 2, c->code, -1, SQLITE_STATIC);
            sqlite3_bind_text(s[2], 3, c->label, -1, SQLITE_STATIC);
            sqlite3_bind_text(s[2], 4, c->question, -1, SQLITE_STATIC);
            sqlite3_bind_text(s[2], 5, c->strand, -1, SQLITE_STATIC);
            sqlite3_bind_text(s[2], 6, c->direction, -1, SQLITE_STATIC);
            STEP(s[2]);
            for (size_t k = 0; k < c->nmaps && rc == CC_OK; k++) {
                sqlite3_bind_text(s[3], 1, f->name, -1, SQLITE_STATIC);
                sqlite3_bind_text(s[3], 2, c->code, -1, SQLITE_STATIC);
                sqlite3_bind_text(s[3], 3, c->maps[k].area, -1, SQLITE_STATIC);
                sqlite3_bind_text(s[3], 4, c->maps[k].dimension, -1, SQLITE_STATIC);
                sqlite3_bind_text(s[3], 5, c->maps[k].relationship, -1, SQLITE_STATIC);
                STEP(s[3]);
            }
        }
        size_t pos = 0;
        const char *alias;
        int64_t idx;
        while (rc == CC_OK && strmap_next(&f->aliases, &pos, &alias, &idx)) {
            sqlite3_bind_text(s[4], 1, f->name, -1, SQLITE_STATIC);
            sqlite3_bind_text(s[4], 2, alias, -1, SQLITE_STATIC);
            sqlite3_bind_text(s[4], 3, f->codes[idx].code, -1, SQLITE_STATIC);
            STEP(s[4]);
        }
    }
#undef STEP
    for (int i = 0; i < 5; i++)
        sqlite3_finalize(s[i]);
    if (rc == CC_OK)
        rc = store_meta_set(st, "crosswalk_digest", digest, err);
    return rc;
}

/* ---------------------------------------------------------------- printing */

void normaliser_print(const struct normaliser *n, const char *framework, FILE *out)
{
    if (framework == NULL) {
        fprintf(out, "Areas:\n");
        for (size_t i = 0; i < n->nareas; i++)
            fprintf(out, "  %-14s %s\n", n->area_codes[i], n->area_labels[i] ? n->area_labels[i] : "");
        fprintf(out, "\nFrameworks:\n");
        for (size_t i = 0; i < n->nfw; i++)
            fprintf(out, "  %-14s %-9s %3zu codes  %s\n", n->fw[i].name, n->fw[i].body,
                    n->fw[i].ncodes, n->fw[i].title ? n->fw[i].title : "");
        fprintf(out, "\nDimensions: QUALITY TIMELINESS COMPLIANCE OUTCOME CAPACITY\n"
                     "Strands: ENGAGE DESIST SAFE\n");
        return;
    }
    const struct xw_framework *f = normaliser_framework(n, framework);
    if (f == NULL)
        return;
    fprintf(out, "%s (%s): %s\n", f->name, f->body, f->title ? f->title : "");
    if (f->source)
        fprintf(out, "Source: %s\n", f->source);
    fprintf(out, "File: %s\n\n", f->path);
    for (size_t i = 0; i < f->ncodes; i++) {
        const struct xw_code *c = &f->codes[i];
        fprintf(out, "%-10s %s", c->code, c->label ? c->label : "");
        if (c->strand)
            fprintf(out, "  [%s]", c->strand);
        fprintf(out, "\n");
        for (size_t k = 0; k < c->nmaps; k++)
            fprintf(out, "           -> %s / %s (%s)\n", c->maps[k].area, c->maps[k].dimension,
                    c->maps[k].relationship);
        fprintf(out, "           asks: %s\n", c->question);
    }
}
