/* SPDX-License-Identifier: MIT */
/* Helpers shared by the subcommands: option scanning, paths, opening the store. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "normalise.h"
#include "privacy.h"
#include <stdarg.h>
#include "register.h"

/* ---------------------------------------------------------------- options */


bool cli_opt(struct opts *o, const char *name, const char **value, int *status)
{
    const char *a = o->argv[o->i];
    size_t n = strlen(name);

    if (strncmp(a, name, n) != 0)
        return false;
    if (a[n] == '=') {
        *value = a + n + 1;
        return true;
    }
    if (a[n] != '\0')
        return false;
    if (value == NULL)
        return true;
    if (o->i + 1 >= o->argc) {
        fprintf(stderr, "concord %s: %s needs a value\n", o->cmd, name);
        *status = CC_EUSAGE;
        *value = NULL;
        return true;
    }
    *value = o->argv[++o->i];
    return true;
}

int cli_parse_int(const char *cmd, const char *name, const char *v, long long lo, long long hi,
                     long long *out)
{
    char *end;

    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (*v == '\0' || *end != '\0' || errno || x < lo || x > hi) {
        fprintf(stderr, "concord %s: %s must be a whole number from %lld to %lld, not '%s'\n",
                cmd, name, lo, hi, v);
        return CC_EUSAGE;
    }
    *out = x;
    return CC_OK;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "concord %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'concord %s --help'.\n", cmd);
    return CC_EUSAGE;
}


/* ---------------------------------------------------------------- paths */

bool cli_is_dir(const char *p)
{
    struct stat st;

    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * The built-in plugins sit beside the binary in a build tree
 * (build/concord -> plugins/) or under share/ when installed.
 * CONCORD_PLUGIN_DIR overrides both.
 */
const char *cli_builtin_plugin_dir(void)
{
    static char dir[PATH_MAX + 64];
    char exe[PATH_MAX];
    ssize_t n;
    const char *env = getenv("CONCORD_PLUGIN_DIR");

    if (env && *env)
        return env;
    if (dir[0])
        return dir;
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            static const char *const rel[] = { "/../plugins", "/../share/concord/plugins" };
            for (size_t i = 0; i < 2; i++) {
                snprintf(dir, sizeof dir, "%s%s", exe, rel[i]);
                if (cli_is_dir(dir)) {
                    /* Messages name plugin files: show a clean path, not build/../ */
                    char *real = realpath(dir, NULL);
                    if (real) {
                        snprintf(dir, sizeof dir, "%s", real);
                        free(real);
                    }
                    return dir;
                }
            }
        }
    }
#ifdef CONCORD_PLUGINDIR
    snprintf(dir, sizeof dir, "%s", CONCORD_PLUGINDIR);
#else
    snprintf(dir, sizeof dir, "plugins");
#endif
    return dir;
}

int cli_config(struct globals *g, const struct config **out, struct cc_error *err)
{
    if (g->config == NULL) {
        int rc = config_load_checked(&g->config, g->config_given, err);
        if (rc)
            return rc;
    }
    *out = g->config;
    return CC_OK;
}

int cli_open_store(struct globals *g, bool create, struct store **st, struct cc_error *err)
{
    /* --db wins; otherwise the configuration's database, otherwise ./concord.db. */
    if (!g->db_given && g->db_owned == NULL) {
        const struct config *cfg;
        int rc = cli_config(g, &cfg, err);
        if (rc)
            return rc;
        if (config_is_set(cfg, "database")) {
            g->db_owned = config_resolve(cfg, config_string(cfg, "database", g->db));
            g->db = g->db_owned;
        }
    }
    char path[PATH_MAX];
    int rc = store_open(st, g->db, create, err);

    if (rc || !create)
        return rc;
    snprintf(path, sizeof path, "%s/register/units.lua", cli_builtin_plugin_dir());
    rc = register_sync(*st, path, 5, err);
    if (rc) {
        store_close(*st);
        *st = NULL;
    }
    return rc;
}

int cli_report(struct cc_error *err)
{
    if (err->status != CC_OK)
        fprintf(stderr, "concord: %s\n", err->msg);
    return err->status;
}


int cli_plugin_dirs_init(struct globals *g, struct plugin_dirs *d, const char *cmd,
                         struct cc_error *err)
{
    const struct config *cfg;
    const char *list[32];
    int rc;

    memset(d, 0, sizeof *d);
    d->dirs[d->n++] = cli_builtin_plugin_dir();
    rc = cli_config(g, &cfg, err);
    if (rc)
        return rc;
    if (!g->config_dirs_done) {
        size_t n = config_strings(cfg, "plugin_dirs", list, 32);
        for (size_t i = 0; i < n && i < 32; i++)
            g->config_dirs[g->nconfig_dirs++] = config_resolve(cfg, list[i]);
        g->config_dirs_done = true;
    }
    for (size_t i = 0; i < g->nconfig_dirs; i++) {
        if (!cli_is_dir(g->config_dirs[i]))
            return cc_fail(err, CC_ENOINPUT, "%s: plugin_dirs: %s is not a folder", cmd,
                           g->config_dirs[i]);
        d->dirs[d->n++] = g->config_dirs[i];
    }
    return CC_OK;
}

void cli_globals_free(struct globals *g)
{
    for (size_t i = 0; i < g->nconfig_dirs; i++)
        free(g->config_dirs[i]);
    g->nconfig_dirs = 0;
    config_free(g->config);
    g->config = NULL;
    free(g->db_owned);
    g->db_owned = NULL;
}

int cli_load_normaliser_dirs(struct globals *g, const struct plugin_dirs *d,
                             struct normaliser **norm, struct cc_error *err)
{
    const struct config *cfg;
    int rc = cli_config(g, &cfg, err);

    if (rc == CC_OK)
        rc = normaliser_load(norm, d->dirs, d->n, err);
    if (rc == CC_OK) {
        rc = normaliser_apply_scales(*norm, cfg, err);
        if (rc) {
            normaliser_free(*norm);
            *norm = NULL;
        }
    }
    return rc;
}

int cli_load_normaliser(struct globals *g, struct normaliser **norm, struct cc_error *err)
{
    struct plugin_dirs pd;
    int rc = cli_plugin_dirs_init(g, &pd, "normaliser", err);

    return rc ? rc : cli_load_normaliser_dirs(g, &pd, norm, err);
}

int cli_open_privacy(struct globals *g, int raw, bool create, struct privacy **out,
                     struct cc_error *err)
{
    const struct config *cfg;
    int rc = cli_config(g, &cfg, err);

    if (rc)
        return rc;
    const char *key = config_string(cfg, "privacy.key_file", NULL);
    char *key_path = key ? config_resolve(cfg, key) : NULL;
    bool keep_raw = raw < 0 ? config_bool(cfg, "privacy.keep_raw_case_refs", false) : raw != 0;
    rc = privacy_open(out, g->db, key_path, keep_raw, create, err);
    free(key_path);
    return rc;
}

int cli_plugin_dirs_add(struct plugin_dirs *d, const char *cmd, const char *dir)
{
    if (d->n == 0)
        d->dirs[d->n++] = cli_builtin_plugin_dir();
    if (dir == NULL)
        return CC_OK;
    if (d->n >= 33)
        return cli_usage_error(cmd, "%s", "too many --plugin-dir options (32 at most)");
    if (!cli_is_dir(dir)) {
        fprintf(stderr, "concord %s: --plugin-dir %s: not a folder\n", cmd, dir);
        return CC_ENOINPUT;
    }
    d->dirs[d->n++] = dir;
    return CC_OK;
}

