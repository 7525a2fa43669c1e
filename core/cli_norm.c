/* SPDX-License-Identifier: MIT */
/* concord taxonomy and concord case: looking at the common ground. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "normalise.h"
#include "privacy.h"

const char usage_taxonomy[] =
    "Usage: concord taxonomy [--framework NAME] [--plugin-dir DIR]...\n"
    "\n"
    "Without --framework: the common areas, and the frameworks Concord can map.\n"
    "With --framework: each code of that framework, the areas and dimensions it maps\n"
    "to (equal, subset, superset, intersects), and the question it asks.\n"
    "Crosswalks are data: plugins/crosswalks/*.lua, and crosswalks/*.lua in any\n"
    "--plugin-dir, which add frameworks or replace one of the same name.\n";

int cmd_taxonomy(struct globals *g, int argc, char **argv)
{
    struct opts o = { argc, 1, argv, "taxonomy" };
    struct plugin_dirs dirs = { 0 };
    struct cc_error err = { 0 };
    struct normaliser *n;
    const char *framework = NULL;
    int status = CC_OK;

    {
        struct cc_error e0 = { 0 };
        if (cli_plugin_dirs_init(g, &dirs, "taxonomy", &e0))
            return cli_report(&e0);
    }
    for (; o.i < argc && status == CC_OK; o.i++) {
        const char *v;
        if (strcmp(argv[o.i], "--help") == 0 || strcmp(argv[o.i], "-h") == 0)
            return cli_help("taxonomy");
        if (cli_opt(&o, "--plugin-dir", &v, &status)) {
            if (v)
                status = cli_plugin_dirs_add(&dirs, "taxonomy", v);
        } else if (cli_opt(&o, "--framework", &v, &status)) {
            framework = v;
        } else {
            status = cli_usage_error("taxonomy", "unexpected argument '%s'", argv[o.i]);
        }
    }
    if (status)
        return status;
    if (cli_load_normaliser_dirs(g, &dirs, &n, &err))
        return cli_report(&err);
    if (framework && normaliser_framework(n, framework) == NULL) {
        normaliser_code(n, framework, "", NULL, &err);
        normaliser_free(n);
        return cli_usage_error("taxonomy", "%s", err.msg);
    }
    normaliser_print(n, framework, stdout);
    normaliser_free(n);
    return CC_OK;
}

const char usage_case[] =
    "Usage: concord [--db FILE] case CRN\n"
    "\n"
    "Shows everything the database holds about one case. The database never holds\n"
    "the CRN itself, only its keyed pseudonym (see the key file beside the database):\n"
    "this command computes the pseudonym and looks it up. The CRN is not printed.\n";

int cmd_case(struct globals *g, int argc, char **argv)
{
    struct cc_error err = { 0 };
    struct store *st;
    struct privacy *priv;
    sqlite3_stmt *s;
    char ref[PRIVACY_REF_SIZE], have[40];
    int rows = 0;

    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
        return cli_help("case");
    if (argc != 2)
        return cli_usage_error("case", "%s", "give one CRN");
    /* Never echo what was typed: it may be a real CRN with a typo. */
    if (!privacy_is_crn(argv[1]))
        return cli_usage_error("case", "%s",
                               "that is not a CRN (a capital letter and six digits)");
    if (cli_open_store(g, false, &st, &err))
        return cli_report(&err);
    bool raw = store_meta_get(st, "case_key_id", have, sizeof have) && strcmp(have, "raw") == 0;
    if (cli_open_privacy(g, raw, false, &priv, &err)) {
        store_close(st);
        return cli_report(&err);
    }
    privacy_case_ref(priv, argv[1], ref);
    if (store_prepare(st, &s,
                      "SELECT e.body, e.kind, u.code, e.started, e.ended, a.framework, a.code,"
                      " COALESCE(fc.label, ''), COALESCE(a.rating, ''), COALESCE(a.answer, ''),"
                      " src.path, a.source_row, a.retired_by IS NOT NULL"
                      " FROM case_answers a JOIN events e ON e.id = a.event_id"
                      " JOIN units u ON u.id = a.unit_id JOIN sources src ON src.id = a.source_id"
                      " LEFT JOIN framework_codes fc ON fc.framework = a.framework"
                      "  AND fc.code = a.code"
                      " WHERE a.case_ref = ?1 ORDER BY e.started, e.body, a.framework, a.code",
                      &err) == CC_OK) {
        sqlite3_bind_text(s, 1, ref, -1, SQLITE_STATIC);
        printf("case %.12s… (pseudonym)\n", raw ? "(raw)" : ref);
        const char *last = "";
        char lastkey[256] = "";
        while (sqlite3_step(s) == SQLITE_ROW) {
#define T(i) ((const char *)sqlite3_column_text(s, i))
            char key[256];
            snprintf(key, sizeof key, "%s|%s|%s|%s", T(0), T(1), T(2), T(3));
            if (strcmp(key, lastkey) != 0) {
                printf("\n%s %s of %s, %s to %s (%s)\n", T(0), T(1), T(2), T(3), T(4), T(10));
                snprintf(lastkey, sizeof lastkey, "%s", key);
            }
            printf("  %-14s %-8s %-32.32s %-14s %s  row %s%s\n", T(5), T(6), T(7), T(8),
                   T(9), T(11), sqlite3_column_int(s, 12) ? " (retired)" : "");
            rows++;
#undef T
        }
        (void)last;
        sqlite3_finalize(s);
        if (rows == 0)
            printf("nothing held about this case\n");
        else
            printf("\n%d answers\n", rows);
    }
    privacy_free(priv);
    store_close(st);
    return cli_report(&err);
}
