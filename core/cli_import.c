/* SPDX-License-Identifier: MIT */
/* concord init, import and sources. */
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
#include "import.h"
#include "normalise.h"
#include "privacy.h"
#include "register.h"

/* ---------------------------------------------------------------- init */

const char usage_init[] =
    "Usage: concord [--db FILE] init\n"
    "\n"
    "Creates the database (default ./concord.db) with the current schema and loads\n"
    "the built-in register of units. Safe to run again: it migrates an older\n"
    "database and refreshes the register.\n";

int cmd_init(struct globals *g, int argc, char **argv)
{
    struct cc_error err = { 0 };
    struct store *st;
    sqlite3_stmt *s;
    int units = 0;

    (void)argv;
    if (argc > 1)
        return cli_usage_error("init", "unexpected argument '%s'", argv[1]);
    if (cli_open_store(g, true, &st, &err))
        return cli_report(&err);
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

const char usage_import[] =
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
    "  --accept-fuzzy SCORE   link unit names to their closest register entry when the\n"
    "                         match scores at least SCORE (0-1); recorded as 'fuzzy'\n"
    "  --max-memory MIB       memory cap per plugin run (default 256)\n"
    "  --max-instructions N   instruction budget per plugin run (default 2e10)\n"
    "  --quiet                print only errors\n"
    "  --brief                leave out files that are unchanged or skipped\n"
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
        printf(", %ld row%s skipped", r->rows_skipped, r->rows_skipped == 1 ? "" : "s");
    if (r->records_unmapped)
        printf(", %ld unmapped code%s", r->records_unmapped, r->records_unmapped == 1 ? "" : "s");
    if (r->version > 1)
        printf(", version %d of its source", r->version);
    printf(", %.2f s\n", r->seconds);
}

int cmd_import(struct globals *g, int argc, char **argv)
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
    bool quiet = false, brief = false;
    int status = CC_OK, worst = CC_OK;
    long imported = 0, unchanged = 0, skipped = 0, failed = 0;

    {
        struct cc_error e0 = { 0 };
        if (cli_plugin_dirs_init(g, &dirs, "import", &e0))
            return cli_report(&e0);
    }
    for (; o.i < argc && status == CC_OK; o.i++) {
        const char *v;
        long long n;
        if (strcmp(argv[o.i], "--help") == 0 || strcmp(argv[o.i], "-h") == 0)
            return cli_help("import");
        if (cli_opt(&o, "--plugin-dir", &v, &status)) {
            if (v)
                status = cli_plugin_dirs_add(&dirs, "import", v);
        } else if (cli_opt(&o, "--plugin", &v, &status)) {
            iopt.plugin = v;
        } else if (cli_opt(&o, "--accept-fuzzy", &v, &status)) {
            char *end;
            iopt.accept_fuzzy = v ? strtod(v, &end) : 0;
            if (v && (*end != '\0' || !(iopt.accept_fuzzy > 0 && iopt.accept_fuzzy <= 1)))
                status = cli_usage_error("import", "--accept-fuzzy takes a score above 0 and at "
                                         "most 1, not '%s'", v);
        } else if (cli_opt(&o, "--wait", &v, &status)) {
            if (v && (status = cli_parse_int("import", "--wait", v, 0, 86400, &n)) == CC_OK)
                iopt.wait_seconds = (int)n;
        } else if (cli_opt(&o, "--max-memory", &v, &status)) {
            if (v && (status = cli_parse_int("import", "--max-memory", v, 1, 65536, &n)) == CC_OK)
                limits.max_memory = (size_t)n << 20;
        } else if (cli_opt(&o, "--max-instructions", &v, &status)) {
            if (v && (status = cli_parse_int("import", "--max-instructions", v, 1000, LLONG_MAX,
                                         &n)) == CC_OK)
                limits.max_instructions = (uint64_t)n;
        } else if (cli_opt(&o, "--quiet", NULL, &status) || cli_opt(&o, "-q", NULL, &status)) {
            quiet = true;
        } else if (cli_opt(&o, "--brief", NULL, &status)) {
            brief = true;
        } else if (argv[o.i][0] == '-' && argv[o.i][1] != '\0') {
            status = cli_usage_error("import", "unknown option '%s'", argv[o.i]);
        } else {
            file_list_add(&inputs, argv[o.i]);
        }
    }
    if (status == CC_OK && inputs.n == 0)
        status = cli_usage_error("import", "%s", "give at least one file or folder");
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
        status = cli_report(&err);
    /* A usage mistake must not create the database or its key. */
    if (status == CC_OK && iopt.plugin && plugin_find(reg, iopt.plugin) == NULL)
        status = cli_usage_error("import", "no plugin named '%s' (see 'concord plugins list')",
                                 iopt.plugin);
    if (status == CC_OK && cli_load_normaliser_dirs(g, &dirs, &norm, &err))
        status = cli_report(&err);
    if (status == CC_OK && cli_open_store(g, true, &st, &err))
        status = cli_report(&err);
    /* --accept-fuzzy wins; otherwise units.accept_fuzzy from the configuration. */
    if (status == CC_OK && iopt.accept_fuzzy == 0) {
        const struct config *cfg;
        if (cli_config(g, &cfg, &err) == CC_OK)
            iopt.accept_fuzzy = config_number(cfg, "units.accept_fuzzy", 0);
    }
    /* Units from each plugin folder's register/units.lua extend the built-in register. */
    if (status == CC_OK && register_sync_dirs(st, dirs.dirs, dirs.n, iopt.wait_seconds, &err))
        status = cli_report(&err);
    if (status == CC_OK && cli_open_privacy(g, -1, true, &priv, &err))
        status = cli_report(&err);
    /* A wrong key is refused at once, even when every file turns out unchanged. */
    if (status == CC_OK && privacy_check(priv, st, &err))
        status = cli_report(&err);
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
        struct import_options fopt = iopt;
        if (from_folder && iopt.plugin == NULL) {
            /* Detect once: skip what nobody claims, and hand the choice to the import
             * so that it does not run every detect() again. */
            const struct plugin_info *p = NULL;
            struct cc_error e2 = { 0 };
            double *scores = xcalloc(reg->count, sizeof *scores);
            double best = 0;
            plugin_detect(reg, path, scores, &e2);
            for (size_t k = 0; k < reg->count; k++)
                best = scores[k] > best ? scores[k] : best;
            if (best >= PLUGIN_MIN_CONFIDENCE && plugin_pick(reg, path, scores, &p, &e2) == CC_OK)
                fopt.plugin = p->name;
            free(scores);
            if (best < PLUGIN_MIN_CONFIDENCE) {
                if (!quiet && !brief)
                    printf("skipped   %s: no plugin recognises it\n", path);
                skipped++;
                continue;
            }
        }
        int rc = import_file(st, &env, path, &fopt, &res, &err);
        if (rc == CC_OK) {
            if (res.outcome == IMPORT_UNCHANGED)
                unchanged++;
            else
                imported++;
            if (!quiet && !(brief && res.outcome == IMPORT_UNCHANGED))
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
    if (status == CC_OK && !quiet && (files.n > 1 || brief))
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

const char usage_sources[] =
    "Usage: concord [--db FILE] sources [--format text|json]\n"
    "\n"
    "Lists every imported file version: plugin, source key and version, rows read,\n"
    "records emitted, rows skipped with their reasons, records retired, and whether\n"
    "a later version superseded it.\n";

int cmd_sources(struct globals *g, int argc, char **argv)
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
            return cli_help("sources");
        if (cli_opt(&o, "--format", &v, &status)) {
            if (v && strcmp(v, "text") != 0 && strcmp(v, "json") != 0)
                status = cli_usage_error("sources", "--format must be text or json, not '%s'", v);
            format = v;
        } else {
            status = cli_usage_error("sources", "unexpected argument '%s'", argv[o.i]);
        }
    }
    if (status)
        return status;
    if (cli_open_store(g, false, &st, &err))
        return cli_report(&err);
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
        return cli_report(&err);
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

