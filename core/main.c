/* SPDX-License-Identifier: MIT */
/*
 * concord: the command line. Parses global options, dispatches to one
 * subcommand, and turns the status every module returns into an exit code
 * from sysexits.h. exit() is called nowhere else.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "import.h"
#include "normalise.h"
#include "privacy.h"
#include "plugin.h"
#include "register.h"
#include "store.h"
#include "util.h"

#ifndef CONCORD_VERSION
#define CONCORD_VERSION "0.0.0"
#endif

struct globals {
    const char *db;
    bool db_given;
};

struct cmd {
    const char *name;
    int (*run)(struct globals *g, int argc, char **argv);
    const char *summary;
    const char *usage;
};

static const struct cmd *find_cmd(const char *name);

/* ---------------------------------------------------------------- options */

/* A tiny option scanner: "--name VALUE", "--name=VALUE" and flags. */
struct opts {
    int argc, i;
    char **argv;
    const char *cmd;
};

static bool opt_is(struct opts *o, const char *name, const char **value, int *status)
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

static int parse_int(const char *cmd, const char *name, const char *v, long long lo, long long hi,
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

static int usage_error(const char *cmd, const char *fmt, ...) CC_PRINTF(2, 3);

static int usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "concord %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'concord %s --help'.\n", cmd);
    return CC_EUSAGE;
}

static int print_help(const char *name)
{
    const struct cmd *c = find_cmd(name);

    if (c == NULL)
        return usage_error("help", "no command '%s'", name);
    printf("%s", c->usage);
    return CC_OK;
}

/* ---------------------------------------------------------------- paths */

static bool is_dir(const char *p)
{
    struct stat st;

    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * The built-in plugins sit beside the binary in a build tree
 * (build/concord -> plugins/) or under share/ when installed.
 * CONCORD_PLUGIN_DIR overrides both.
 */
static const char *builtin_plugin_dir(void)
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
                if (is_dir(dir))
                    return dir;
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

static int open_store(struct globals *g, bool create, struct store **st, struct cc_error *err)
{
    char path[PATH_MAX];
    int rc = store_open(st, g->db, create, err);

    if (rc || !create)
        return rc;
    snprintf(path, sizeof path, "%s/register/units.lua", builtin_plugin_dir());
    rc = register_sync(*st, path, 5, err);
    if (rc) {
        store_close(*st);
        *st = NULL;
    }
    return rc;
}

static int report(struct cc_error *err)
{
    if (err->status != CC_OK)
        fprintf(stderr, "concord: %s\n", err->msg);
    return err->status;
}

/* Plugin folders: the built-in one, then each --plugin-dir in order. */
struct plugin_dirs {
    const char *dirs[33];
    size_t n;
};

static int plugin_dirs_add(struct plugin_dirs *d, const char *cmd, const char *dir)
{
    if (d->n == 0)
        d->dirs[d->n++] = builtin_plugin_dir();
    if (dir == NULL)
        return CC_OK;
    if (d->n >= 33)
        return usage_error(cmd, "%s", "too many --plugin-dir options (32 at most)");
    if (!is_dir(dir)) {
        fprintf(stderr, "concord %s: --plugin-dir %s: not a folder\n", cmd, dir);
        return CC_ENOINPUT;
    }
    d->dirs[d->n++] = dir;
    return CC_OK;
}

/* ---------------------------------------------------------------- init */

static const char usage_init[] =
    "Usage: concord [--db FILE] init\n"
    "\n"
    "Creates the database (default ./concord.db) with the current schema and loads\n"
    "the built-in register of units. Safe to run again: it migrates an older\n"
    "database and refreshes the register.\n";

static int cmd_init(struct globals *g, int argc, char **argv)
{
    struct cc_error err = { 0 };
    struct store *st;
    sqlite3_stmt *s;
    int units = 0;

    (void)argv;
    if (argc > 1)
        return usage_error("init", "unexpected argument '%s'", argv[1]);
    if (open_store(g, true, &st, &err))
        return report(&err);
    if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM units", -1, &s, NULL) == SQLITE_OK) {
        if (sqlite3_step(s) == SQLITE_ROW)
            units = sqlite3_column_int(s, 0);
        sqlite3_finalize(s);
    }
    printf("%s: schema version %d, %d units in the register\n", g->db, store_schema_version(),
           units);
    store_close(st);
    return CC_OK;
}

/* ---------------------------------------------------------------- import */

static const char usage_import[] =
    "Usage: concord [--db FILE] import [OPTIONS] FILE|FOLDER...\n"
    "\n"
    "Imports each file with the plugin that recognises it, all or nothing per file.\n"
    "A folder is searched recursively; files no plugin recognises are listed as\n"
    "skipped. A file imported before (same content) is reported unchanged.\n"
    "\n"
    "Options:\n"
    "  --plugin NAME          use this plugin instead of detection\n"
    "  --plugin-dir DIR       also load plugins from DIR (repeatable)\n"
    "  --wait SECONDS         wait this long for another writer (default 0)\n"
    "  --max-memory MIB       memory cap per plugin run (default 256)\n"
    "  --max-instructions N   instruction budget per plugin run (default 2e10)\n"
    "  --quiet                print only errors\n"
    "\n"
    "Exit status: 0 all imported or unchanged, 65 a file was rejected (it changed\n"
    "nothing), 66 a file is missing, 75 another process holds the database.\n";

struct file_list {
    char **items;
    size_t n, cap;
};

static void file_list_add(struct file_list *l, const char *p)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->items = xrealloc(l->items, l->cap * sizeof *l->items);
    }
    l->items[l->n++] = xstrdup(p);
}

static int cmp_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collects regular files under dir, in name order, leaving out dot-files. */
static void walk(const char *dir, struct file_list *out)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    struct file_list here = { 0 };

    if (d == NULL)
        return;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        struct sbuf p;
        sbuf_init(&p);
        sbuf_printf(&p, "%s/%s", dir, de->d_name);
        file_list_add(&here, p.s);
        sbuf_free(&p);
    }
    closedir(d);
    if (here.n)
        qsort(here.items, here.n, sizeof *here.items, cmp_path);
    for (size_t i = 0; i < here.n; i++) {
        struct stat st;
        if (stat(here.items[i], &st) == 0) {
            if (S_ISDIR(st.st_mode))
                walk(here.items[i], out);
            else if (S_ISREG(st.st_mode))
                file_list_add(out, here.items[i]);
        }
        free(here.items[i]);
    }
    free(here.items);
}

static void print_result(const char *path, const struct import_result *r)
{
    if (r->outcome == IMPORT_UNCHANGED) {
        printf("unchanged %s (%s; already imported as source %lld)\n", path, r->plugin->name,
               (long long)r->source_id);
        return;
    }
    printf("imported  %s with %s %s: %ld rows, %ld records", path, r->plugin->name,
           r->plugin->version, r->rows_read, r->records);
    if (r->records_derived)
        printf(" and %ld aggregates of case answers", r->records_derived);
    printf(" (%ld new, %ld updated, %ld unchanged", r->records_new, r->records_updated,
           r->records_unchanged);
    if (r->records_retired)
        printf(", %ld retired", r->records_retired);
    printf(")");
    if (r->rows_skipped)
        printf(", %ld rows skipped", r->rows_skipped);
    if (r->records_unmapped)
        printf(", %ld unmapped codes", r->records_unmapped);
    if (r->version > 1)
        printf(", version %d of its source", r->version);
    printf(", %.2f s\n", r->seconds);
}

static int cmd_import(struct globals *g, int argc, char **argv)
{
    struct opts o = { argc, 1, argv, "import" };
    struct plugin_dirs dirs = { 0 };
    struct sandbox_limits limits = { 0 };
    struct import_options iopt = { 0 };
    struct file_list inputs = { 0 }, files = { 0 };
    struct cc_error err = { 0 };
    struct plugin_registry *reg = NULL;
    struct normaliser *norm = NULL;
    struct privacy *priv = NULL;
    struct store *st = NULL;
    bool quiet = false;
    int status = CC_OK, worst = CC_OK;
    long imported = 0, unchanged = 0, skipped = 0, failed = 0;

    plugin_dirs_add(&dirs, "import", NULL);
    for (; o.i < argc && status == CC_OK; o.i++) {
        const char *v;
        long long n;
        if (strcmp(argv[o.i], "--help") == 0 || strcmp(argv[o.i], "-h") == 0)
            return print_help("import");
        if (opt_is(&o, "--plugin-dir", &v, &status)) {
            if (v)
                status = plugin_dirs_add(&dirs, "import", v);
        } else if (opt_is(&o, "--plugin", &v, &status)) {
            iopt.plugin = v;
        } else if (opt_is(&o, "--wait", &v, &status)) {
            if (v && (status = parse_int("import", "--wait", v, 0, 86400, &n)) == CC_OK)
                iopt.wait_seconds = (int)n;
        } else if (opt_is(&o, "--max-memory", &v, &status)) {
            if (v && (status = parse_int("import", "--max-memory", v, 1, 65536, &n)) == CC_OK)
                limits.max_memory = (size_t)n << 20;
        } else if (opt_is(&o, "--max-instructions", &v, &status)) {
            if (v && (status = parse_int("import", "--max-instructions", v, 1000, LLONG_MAX,
                                         &n)) == CC_OK)
                limits.max_instructions = (uint64_t)n;
        } else if (opt_is(&o, "--quiet", NULL, &status) || opt_is(&o, "-q", NULL, &status)) {
            quiet = true;
        } else if (argv[o.i][0] == '-' && argv[o.i][1] != '\0') {
            status = usage_error("import", "unknown option '%s'", argv[o.i]);
        } else {
            file_list_add(&inputs, argv[o.i]);
        }
    }
    if (status == CC_OK && inputs.n == 0)
        status = usage_error("import", "%s", "give at least one file or folder");
    for (size_t i = 0; i < inputs.n && status == CC_OK; i++) {
        struct stat sst;
        if (stat(inputs.items[i], &sst) != 0) {
            fprintf(stderr, "concord: %s: %s\n", inputs.items[i], strerror(errno));
            status = CC_ENOINPUT;
        } else if (S_ISDIR(sst.st_mode)) {
            walk(inputs.items[i], &files);
        } else {
            file_list_add(&files, inputs.items[i]);
        }
    }
    iopt.progress = !quiet && isatty(2);
    if (status == CC_OK && plugin_registry_load(&reg, dirs.dirs, dirs.n, &limits, &err))
        status = report(&err);
    if (status == CC_OK && normaliser_load(&norm, dirs.dirs, dirs.n, &err))
        status = report(&err);
    if (status == CC_OK && open_store(g, true, &st, &err))
        status = report(&err);
    if (status == CC_OK && privacy_open(&priv, g->db, NULL, false, true, &err))
        status = report(&err);
    struct import_env env = { reg, norm, priv };

    for (size_t i = 0; i < files.n && status == CC_OK; i++) {
        const char *path = files.items[i];
        struct import_result res;
        cc_error_clear(&err);
        /* In a folder, a file nobody recognises is skipped, not an error. */
        bool from_folder = true;
        for (size_t k = 0; k < inputs.n; k++) {
            if (strcmp(inputs.items[k], path) == 0)
                from_folder = false;
        }
        if (from_folder && iopt.plugin == NULL) {
            const struct plugin_info *p;
            struct cc_error e2 = { 0 };
            double *scores = xcalloc(reg->count, sizeof *scores);
            double best = 0;
            plugin_detect(reg, path, scores, &e2);
            for (size_t k = 0; k < reg->count; k++)
                best = scores[k] > best ? scores[k] : best;
            free(scores);
            if (best < PLUGIN_MIN_CONFIDENCE) {
                if (!quiet)
                    printf("skipped   %s: no plugin recognises it\n", path);
                skipped++;
                continue;
            }
            (void)p;
        }
        int rc = import_file(st, &env, path, &iopt, &res, &err);
        if (rc == CC_OK) {
            if (res.outcome == IMPORT_UNCHANGED)
                unchanged++;
            else
                imported++;
            if (!quiet)
                print_result(path, &res);
        } else {
            fprintf(stderr, "concord: %s\n", err.msg);
            fprintf(stderr, "concord: %s was not imported; the database is unchanged by it\n",
                    path);
            failed++;
            if (worst == CC_OK || rc == CC_EBUSY)
                worst = rc;
            /* A busy database or broken I/O will fail every later file too. */
            if (rc == CC_EBUSY || rc == CC_EIO || rc == CC_ESOFTWARE)
                status = rc;
        }
    }
    if (status == CC_OK && !quiet && files.n > 1)
        printf("%ld imported, %ld unchanged, %ld skipped, %ld failed\n", imported, unchanged,
               skipped, failed);
    for (size_t i = 0; i < inputs.n; i++)
        free(inputs.items[i]);
    for (size_t i = 0; i < files.n; i++)
        free(files.items[i]);
    free(inputs.items);
    free(files.items);
    plugin_registry_free(reg);
    normaliser_free(norm);
    privacy_free(priv);
    store_close(st);
    return status != CC_OK ? status : worst;
}

/* ---------------------------------------------------------------- sources */

static const char usage_sources[] =
    "Usage: concord [--db FILE] sources [--format text|json]\n"
    "\n"
    "Lists every imported file version: plugin, source key and version, rows read,\n"
    "records emitted, rows skipped with their reasons, records retired, and whether\n"
    "a later version superseded it.\n";

static int cmd_sources(struct globals *g, int argc, char **argv)
{
    struct opts o = { argc, 1, argv, "sources" };
    struct cc_error err = { 0 };
    struct store *st;
    sqlite3_stmt *s;
    const char *format = "text";
    int status = CC_OK;
    bool first = true;

    for (; o.i < argc && status == CC_OK; o.i++) {
        const char *v;
        if (strcmp(argv[o.i], "--help") == 0 || strcmp(argv[o.i], "-h") == 0)
            return print_help("sources");
        if (opt_is(&o, "--format", &v, &status)) {
            if (v && strcmp(v, "text") != 0 && strcmp(v, "json") != 0)
                status = usage_error("sources", "--format must be text or json, not '%s'", v);
            format = v;
        } else {
            status = usage_error("sources", "unexpected argument '%s'", argv[o.i]);
        }
    }
    if (status)
        return status;
    if (open_store(g, false, &st, &err))
        return report(&err);
    if (store_prepare(st, &s,
                      "SELECT s.id, s.plugin, s.plugin_version, s.source_key, s.path, s.sha256,"
                      " s.bytes, s.rows_read, s.rows_emitted, s.rows_skipped, s.skipped_reasons,"
                      " s.records, s.records_new, s.records_updated, s.records_unchanged,"
                      " s.records_retired, s.imported_at, s.superseded_by, s.scope, s.body,"
                      " (SELECT count(*) FROM sources v WHERE v.plugin = s.plugin AND"
                      "  v.source_key = s.source_key AND v.id <= s.id)"
                      " FROM sources s ORDER BY s.id",
                      &err)) {
        store_close(st);
        return report(&err);
    }
    if (strcmp(format, "json") == 0)
        printf("[");
    else
        printf("%-4s %-9s %-28s %3s %8s %8s %7s %7s  %s\n", "id", "plugin", "source", "ver",
               "rows", "records", "skipped", "retired", "path");
    while (sqlite3_step(s) == SQLITE_ROW) {
#define COL(i) ((const char *)sqlite3_column_text(s, i))
        if (strcmp(format, "json") == 0) {
            struct sbuf b;
            sbuf_init(&b);
            sbuf_printf(&b, "%s\n  {\"id\": %lld, \"plugin\": ", first ? "" : ",",
                        sqlite3_column_int64(s, 0));
            sbuf_add_json_string(&b, COL(1));
            sbuf_adds(&b, ", \"plugin_version\": ");
            sbuf_add_json_string(&b, COL(2));
            sbuf_adds(&b, ", \"body\": ");
            sbuf_add_json_string(&b, COL(19));
            sbuf_adds(&b, ", \"source_key\": ");
            sbuf_add_json_string(&b, COL(3));
            sbuf_printf(&b, ", \"version\": %d, \"path\": ", sqlite3_column_int(s, 20));
            sbuf_add_json_string(&b, COL(4));
            sbuf_printf(&b, ", \"sha256\": \"%s\", \"bytes\": %lld", COL(5),
                        sqlite3_column_int64(s, 6));
            sbuf_printf(&b,
                        ", \"rows_read\": %lld, \"rows_emitted\": %lld, \"rows_skipped\": %lld,"
                        " \"skipped_reasons\": %s, \"records\": %lld, \"records_new\": %lld,"
                        " \"records_updated\": %lld, \"records_unchanged\": %lld,"
                        " \"records_retired\": %lld, \"scope\": %s, \"imported_at\": \"%s\","
                        " \"superseded_by\": ",
                        sqlite3_column_int64(s, 7), sqlite3_column_int64(s, 8),
                        sqlite3_column_int64(s, 9), COL(10), sqlite3_column_int64(s, 11),
                        sqlite3_column_int64(s, 12), sqlite3_column_int64(s, 13),
                        sqlite3_column_int64(s, 14), sqlite3_column_int64(s, 15),
                        COL(18) ? COL(18) : "null", COL(16));
            if (sqlite3_column_type(s, 17) == SQLITE_NULL)
                sbuf_adds(&b, "null}");
            else
                sbuf_printf(&b, "%lld}", sqlite3_column_int64(s, 17));
            fputs(b.s, stdout);
            sbuf_free(&b);
        } else {
            char ver[16];
            snprintf(ver, sizeof ver, "%d%s", sqlite3_column_int(s, 20),
                     sqlite3_column_type(s, 17) == SQLITE_NULL ? "" : "*");
            printf("%-4lld %-9s %-28.28s %3s %8lld %8lld %7lld %7lld  %s\n",
                   sqlite3_column_int64(s, 0), COL(1), COL(3), ver, sqlite3_column_int64(s, 7),
                   sqlite3_column_int64(s, 11), sqlite3_column_int64(s, 9),
                   sqlite3_column_int64(s, 15), COL(4));
            if (sqlite3_column_int64(s, 9) > 0)
                printf("     skipped: %s\n", COL(10));
        }
        first = false;
#undef COL
    }
    if (strcmp(format, "json") == 0)
        printf("%s]\n", first ? "" : "\n");
    else if (first)
        printf("(no sources yet: run 'concord import FILE')\n");
    else
        printf("(* = superseded by a later version of the same source)\n");
    sqlite3_finalize(s);
    store_close(st);
    return CC_OK;
}

/* ---------------------------------------------------------------- plugins */

static const char usage_plugins[] =
    "Usage: concord plugins list [--plugin-dir DIR]...\n"
    "       concord plugins check FILE [--plugin-dir DIR]...\n"
    "\n"
    "list   shows every plugin: name, body, version, description and file.\n"
    "check  shows each plugin's confidence for FILE and which one would take it.\n";

static int cmd_plugins(struct globals *g, int argc, char **argv)
{
    struct opts o = { argc, 1, argv, "plugins" };
    struct plugin_dirs dirs = { 0 };
    struct cc_error err = { 0 };
    struct plugin_registry *reg;
    const char *action = NULL, *file = NULL;
    int status = CC_OK;

    (void)g;
    plugin_dirs_add(&dirs, "plugins", NULL);
    for (; o.i < argc && status == CC_OK; o.i++) {
        const char *v;
        if (strcmp(argv[o.i], "--help") == 0 || strcmp(argv[o.i], "-h") == 0)
            return print_help("plugins");
        if (opt_is(&o, "--plugin-dir", &v, &status)) {
            if (v)
                status = plugin_dirs_add(&dirs, "plugins", v);
        } else if (argv[o.i][0] == '-') {
            status = usage_error("plugins", "unknown option '%s'", argv[o.i]);
        } else if (action == NULL) {
            action = argv[o.i];
        } else if (file == NULL) {
            file = argv[o.i];
        } else {
            status = usage_error("plugins", "unexpected argument '%s'", argv[o.i]);
        }
    }
    if (status)
        return status;
    if (action == NULL)
        action = "list";
    if (strcmp(action, "list") != 0 && strcmp(action, "check") != 0)
        return usage_error("plugins", "unknown action '%s' (list or check)", action);
    if (strcmp(action, "check") == 0 && file == NULL)
        return usage_error("plugins", "%s", "check needs a FILE");
    if (strcmp(action, "list") == 0 && file)
        return usage_error("plugins", "unexpected argument '%s'", file);
    if (file && access(file, R_OK) != 0) {
        fprintf(stderr, "concord: %s: %s\n", file, strerror(errno));
        return CC_ENOINPUT;
    }
    if (plugin_registry_load(&reg, dirs.dirs, dirs.n, NULL, &err))
        return report(&err);
    if (strcmp(action, "list") == 0) {
        for (size_t i = 0; i < reg->count; i++) {
            const struct plugin_info *p = &reg->items[i];
            printf("%-10s %-9s %-7s %s\n           %s\n", p->name, p->body, p->version,
                   p->description, p->path);
        }
    } else {
        double *scores = xcalloc(reg->count, sizeof *scores);
        const struct plugin_info *chosen;
        plugin_detect(reg, file, scores, &err);
        for (size_t i = 0; i < reg->count; i++)
            printf("%-10s %.2f\n", reg->items[i].name, scores[i]);
        free(scores);
        if (plugin_choose(reg, file, &chosen, &err) == CC_OK) {
            printf("%s would be imported by %s\n", file, chosen->name);
        } else {
            printf("%s\n", err.msg);
            status = err.status;
        }
    }
    plugin_registry_free(reg);
    return status;
}

/* ---------------------------------------------------------------- schema */

static const char usage_schema[] =
    "Usage: concord schema\n"
    "\n"
    "Prints the SQL of the database schema this concord writes.\n";

static int cmd_schema(struct globals *g, int argc, char **argv)
{
    (void)g;
    if (argc > 1) {
        if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
            return print_help("schema");
        return usage_error("schema", "unexpected argument '%s'", argv[1]);
    }
    store_print_schema(stdout);
    return CC_OK;
}

/* ---------------------------------------------------------------- dispatch */

static int cmd_help(struct globals *g, int argc, char **argv);

static const struct cmd commands[] = {
    { "init", cmd_init, "create or upgrade the database and load the unit register", usage_init },
    { "import", cmd_import, "import files or folders with the plugins", usage_import },
    { "sources", cmd_sources, "list imported file versions and their counts", usage_sources },
    { "plugins", cmd_plugins, "list plugins, or check which one takes a file", usage_plugins },
    { "schema", cmd_schema, "print the database schema", usage_schema },
    { "help", cmd_help, "show help for a command", "Usage: concord help [COMMAND]\n" },
};

static const struct cmd *find_cmd(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    }
    return NULL;
}

static void print_global_help(FILE *out)
{
    fprintf(out,
            "Usage: concord [--db FILE] [--verbose] COMMAND [ARGS]\n"
            "\n"
            "Concord reconciles what scrutiny bodies say about the same probation services.\n"
            "\n"
            "Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(out,
            "\n"
            "Global options:\n"
            "  --db FILE    the database (default ./concord.db, or $CONCORD_DB)\n"
            "  --verbose    more detail on stderr\n"
            "  --version    print the version\n"
            "  --help       this help; 'concord COMMAND --help' for a command\n");
}

static int cmd_help(struct globals *g, int argc, char **argv)
{
    (void)g;
    if (argc > 1)
        return print_help(argv[1]);
    print_global_help(stdout);
    return CC_OK;
}

int main(int argc, char **argv)
{
    struct globals g = { "concord.db", false };
    struct opts o = { argc, 1, argv, "" };
    int status = CC_OK;
    const char *env_db = getenv("CONCORD_DB");

    if (env_db && *env_db)
        g.db = env_db;
    if (sodium_init() < 0) {
        fputs("concord: libsodium failed to initialise\n", stderr);
        return CC_ESOFTWARE;
    }
    for (; o.i < argc; o.i++) {
        const char *v;
        const char *a = argv[o.i];
        if (a[0] != '-')
            break;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            print_global_help(stdout);
            return CC_OK;
        }
        if (strcmp(a, "--version") == 0) {
            printf("concord %s (schema %d, plugin API %d, SQLite %s, %s)\n", CONCORD_VERSION,
                   store_schema_version(), CONCORD_PLUGIN_API, sqlite3_libversion(),
                   LUA_RELEASE);
            return CC_OK;
        }
        if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0) {
            cc_log_threshold = CC_LOG_DEBUG;
            continue;
        }
        if (opt_is(&o, "--db", &v, &status)) {
            if (v == NULL)
                return status;
            g.db = v;
            g.db_given = true;
            continue;
        }
        fprintf(stderr, "concord: unknown option '%s'\nTry 'concord --help'.\n", a);
        return CC_EUSAGE;
    }
    if (o.i >= argc) {
        print_global_help(stderr);
        return CC_EUSAGE;
    }
    const struct cmd *c = find_cmd(argv[o.i]);
    if (c == NULL) {
        fprintf(stderr, "concord: unknown command '%s'\nTry 'concord --help'.\n", argv[o.i]);
        return CC_EUSAGE;
    }
    return c->run(&g, argc - o.i, argv + o.i);
}
