/* SPDX-License-Identifier: MIT */
/* concord reconcile, run, flags, ack, dismiss and runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "normalise.h"
#include "reconcile.h"

/* Rule folders: the built-in plugins/rules, the configuration's, then --rules-dir. */
struct rule_dirs {
    const char *dirs[34];
    char *owned[34];
    size_t n;
};

static void rule_dirs_init(struct rule_dirs *d, const struct config *cfg)
{
    static char builtin[4200];
    const char *list[16];

    memset(d, 0, sizeof *d);
    snprintf(builtin, sizeof builtin, "%s/rules", cli_builtin_plugin_dir());
    if (cli_is_dir(builtin))
        d->dirs[d->n++] = builtin;
    size_t n = cfg ? config_strings(cfg, "rule_dirs", list, 16) : 0;
    for (size_t i = 0; i < n && i < 16; i++) {
        d->owned[d->n] = config_resolve(cfg, list[i]);
        d->dirs[d->n] = d->owned[d->n];
        d->n++;
    }
}

static void rule_dirs_free(struct rule_dirs *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->owned[i]);
}

void cli_print_reconcile(const struct reconcile_result *res)
{
    printf("run %lld: %ld flags (%ld new, %ld still open, %ld resolved) in %.2f s\n",
           (long long)res->run_id, res->found, res->new_flags, res->open_flags,
           res->resolved_flags, res->seconds);
}

/* Runs the reconciler with the configuration's rules and thresholds. */
int cli_reconcile(struct globals *g, struct store *st, const char *trigger,
                  const char *const *extra_rule_dirs, size_t nextra, int wait,
                  struct reconcile_result *res, struct cc_error *err)
{
    const struct config *cfg;
    struct normaliser *norm = NULL;
    struct rule_dirs rd;
    int rc = cli_config(g, &cfg, err);

    if (rc)
        return rc;
    rc = cli_load_normaliser(g, &norm, err);
    if (rc)
        return rc;
    rule_dirs_init(&rd, cfg);
    for (size_t i = 0; i < nextra && rd.n < 34; i++)
        rd.dirs[rd.n++] = extra_rule_dirs[i];
    struct reconcile_options opt = { trigger, rd.dirs, rd.n, cfg, wait };
    rc = reconcile_run(st, norm, &opt, res, err);
    rule_dirs_free(&rd);
    normaliser_free(norm);
    return rc;
}

const char usage_reconcile[] =
    "Usage: concord [--db FILE] reconcile [--rules-dir DIR]... [--wait SECONDS]\n"
    "\n"
    "Runs every rule over the store and tracks the flags across runs: 'new' on the\n"
    "run that first finds one, 'open' while it holds, 'resolved' when its evidence no\n"
    "longer supports it (kept, with the run). Built-in rules: CONTRADICTION,\n"
    "DIVERGENCE, DISCONNECT, DUPLICATE_CASE, REPEATED_SCRUTINY, OVERLOAD,\n"
    "INTENSIFICATION, DUPLICATE_RECOMMENDATION; Lua rules from plugins/rules, the\n"
    "configuration's rule_dirs and each --rules-dir (docs/rules.md).\n";

int cmd_reconcile(struct globals *g, int argc, char **argv)
{
    struct opts o = { argc, 1, argv, "reconcile" };
    struct cc_error err = { 0 };
    struct reconcile_result res;
    struct store *st;
    const char *extra[32];
    size_t nextra = 0;
    long long wait = 0;
    int status = CC_OK;

    for (; o.i < argc && status == CC_OK; o.i++) {
        const char *v;
        if (cli_opt(&o, "--rules-dir", &v, &status)) {
            if (v && !cli_is_dir(v))
                status = cli_usage_error("reconcile", "--rules-dir %s: not a folder", v);
            else if (v && nextra < 32)
                extra[nextra++] = v;
        } else if (cli_opt(&o, "--wait", &v, &status)) {
            if (v)
                status = cli_parse_int("reconcile", "--wait", v, 0, 86400, &wait);
        } else {
            status = cli_usage_error("reconcile", "unexpected argument '%s'", argv[o.i]);
        }
    }
    if (status)
        return status;
    if (cli_open_store(g, false, &st, &err))
        return cli_report(&err);
    if (cli_reconcile(g, st, "cli", extra, nextra, (int)wait, &res, &err) == CC_OK)
        cli_print_reconcile(&res);
    store_close(st);
    return cli_report(&err);
}

/* ---------------------------------------------------------------- flags */

const char usage_flags[] =
    "Usage: concord [--db FILE] flags [--kind K] [--unit CODE] [--status S] [--new]\n"
    "                                 [--format text|json|csv]\n"
    "\n"
    "Lists the flags of the last runs. --status is new, open, resolved, acknowledged\n"
    "or dismissed (default: everything not resolved); --new is --status new; --unit\n"
    "takes a unit and the units below it. The JSON and CSV forms are documented in\n"
    "docs/flags.md.\n";

static void csv_field_out(const char *s, bool last)
{
    bool quote = s && strpbrk(s, ",\"\r\n") != NULL;

    if (quote) {
        putchar('"');
        for (const char *p = s; *p; p++) {
            if (*p == '"')
                putchar('"');
            putchar(*p);
        }
        putchar('"');
    } else if (s) {
        fputs(s, stdout);
    }
    putchar(last ? '\n' : ',');
}

/* Wraps text at width for the terminal, indenting continuation lines. */
static void wrap(const char *text, int indent, int width)
{
    int col = indent;
    const char *p = text;

    printf("%*s", indent, "");
    while (*p) {
        const char *sp = strchr(p, ' ');
        int len = sp ? (int)(sp - p) : (int)strlen(p);
        if (col > indent && col + 1 + len > width) {
            printf("\n%*s", indent, "");
            col = indent;
        } else if (col > indent) {
            putchar(' ');
            col++;
        }
        fwrite(p, 1, (size_t)len, stdout);
        col += len;
        p += len;
        while (*p == ' ')
            p++;
    }
    putchar('\n');
}

int cmd_flags(struct globals *g, int argc, char **argv)
{
    struct opts o = { argc, 1, argv, "flags" };
    struct cc_error err = { 0 };
    struct store *st;
    sqlite3_stmt *s;
    const char *kind = NULL, *unit = NULL, *status_want = NULL, *format = "text";
    int status = CC_OK, n = 0;

    for (; o.i < argc && status == CC_OK; o.i++) {
        const char *v;
        if (cli_opt(&o, "--kind", &v, &status)) {
            kind = v;
        } else if (cli_opt(&o, "--unit", &v, &status)) {
            unit = v;
        } else if (cli_opt(&o, "--status", &v, &status)) {
            if (v && strcmp(v, "new") && strcmp(v, "open") && strcmp(v, "resolved") &&
                strcmp(v, "acknowledged") && strcmp(v, "dismissed") && strcmp(v, "all"))
                status = cli_usage_error("flags", "--status must be new, open, resolved, "
                                         "acknowledged, dismissed or all, not '%s'", v);
            status_want = v;
        } else if (cli_opt(&o, "--new", NULL, &status)) {
            status_want = "new";
        } else if (cli_opt(&o, "--format", &v, &status)) {
            if (v && strcmp(v, "text") && strcmp(v, "json") && strcmp(v, "csv"))
                status = cli_usage_error("flags", "--format must be text, json or csv, not '%s'",
                                         v);
            format = v;
        } else {
            status = cli_usage_error("flags", "unexpected argument '%s'", argv[o.i]);
        }
    }
    if (status)
        return status;
    if (cli_open_store(g, false, &st, &err))
        return cli_report(&err);
    /*
     * The decision that counts is the latest one made on the members as they
     * are now: when the evidence changes, an old decision no longer applies.
     */
    status = store_prepare(st, &s,
                           "WITH RECURSIVE below(id) AS ("
                           "  SELECT id FROM units WHERE ?2 IS NOT NULL AND (code = ?2)"
                           "  UNION SELECT u.id FROM units u JOIN below b ON u.parent_id = b.id),"
                           " decided AS (SELECT d.fingerprint, d.decision, d.decided_by,"
                           "  d.decided_at, d.reason, d.members_digest FROM flag_decisions d"
                           "  WHERE d.id = (SELECT max(id) FROM flag_decisions x"
                           "   WHERE x.fingerprint = d.fingerprint))"
                           " SELECT f.fingerprint, f.rule, f.kind, f.severity, f.status,"
                           "  u.code, u.name, f.area, f.period_start, f.period_end, f.bodies,"
                           "  f.members, f.explanation, f.first_run, f.last_run, f.resolved_run,"
                           "  CASE WHEN d.members_digest = f.members_digest THEN d.decision END,"
                           "  CASE WHEN d.members_digest = f.members_digest THEN d.decided_by END,"
                           "  CASE WHEN d.members_digest = f.members_digest THEN d.decided_at END,"
                           "  CASE WHEN d.members_digest = f.members_digest THEN d.reason END"
                           " FROM flags f LEFT JOIN units u ON u.id = f.unit_id"
                           " LEFT JOIN decided d ON d.fingerprint = f.fingerprint"
                           " WHERE (?1 IS NULL OR f.kind = ?1)"
                           "  AND (?2 IS NULL OR f.unit_id IN (SELECT id FROM below))"
                           " ORDER BY f.period_end DESC, f.kind, f.fingerprint",
                           &err);
    if (status) {
        store_close(st);
        return cli_report(&err);
    }
    sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, unit, -1, SQLITE_STATIC);
    bool json = strcmp(format, "json") == 0, csv = strcmp(format, "csv") == 0;
    if (json)
        printf("[");
    if (csv)
        printf("flag_format,fingerprint,rule,kind,severity,status,decision,unit,unit_name,area,"
               "period_start,period_end,bodies,members,explanation\n");
    while (sqlite3_step(s) == SQLITE_ROW) {
#define T(i) ((const char *)sqlite3_column_text(s, i))
        const char *st_flag = T(4), *decision = T(16);
        const char *shown = decision ? (strcmp(decision, "ack") == 0 ? "acknowledged" : "dismissed")
                                     : st_flag;
        if (status_want == NULL && strcmp(st_flag, "resolved") == 0)
            continue;
        if (status_want && strcmp(status_want, "all") != 0 &&
            strcmp(status_want, shown) != 0 && strcmp(status_want, st_flag) != 0)
            continue;
        if (json) {
            struct sbuf b;
            sbuf_init(&b);
            sbuf_printf(&b, "%s\n  {\"flag_format\": 1, \"fingerprint\": \"%s\", \"rule\": ",
                        n ? "," : "", T(0));
            sbuf_add_json_string(&b, T(1));
            sbuf_adds(&b, ", \"kind\": ");
            sbuf_add_json_string(&b, T(2));
            sbuf_printf(&b, ", \"severity\": \"%s\", \"status\": \"%s\", \"decision\": ", T(3),
                        st_flag);
            if (decision) {
                sbuf_printf(&b, "{\"decision\": \"%s\", \"by\": ", decision);
                sbuf_add_json_string(&b, T(17));
                sbuf_printf(&b, ", \"at\": \"%s\", \"reason\": ", T(18));
                sbuf_add_json_string(&b, T(19));
                sbuf_addc(&b, '}');
            } else {
                sbuf_adds(&b, "null");
            }
            sbuf_adds(&b, ", \"unit\": ");
            if (T(5)) {
                sbuf_add_json_string(&b, T(5));
                sbuf_adds(&b, ", \"unit_name\": ");
                sbuf_add_json_string(&b, T(6));
            } else {
                sbuf_adds(&b, "null, \"unit_name\": null");
            }
            sbuf_adds(&b, ", \"area\": ");
            if (T(7))
                sbuf_add_json_string(&b, T(7));
            else
                sbuf_adds(&b, "null");
            sbuf_printf(&b, ", \"period\": {\"start\": \"%s\", \"end\": \"%s\"}, \"bodies\": [",
                        T(8) ? T(8) : "", T(9) ? T(9) : "");
            char *bodies = xstrdup(T(10) ? T(10) : ""), *save = NULL;
            int k = 0;
            for (char *w = strtok_r(bodies, "+", &save); w; w = strtok_r(NULL, "+", &save))
                sbuf_printf(&b, "%s\"%s\"", k++ ? ", " : "", w);
            free(bodies);
            sbuf_printf(&b, "], \"members\": %s, \"explanation\": ", T(11));
            sbuf_add_json_string(&b, T(12));
            sbuf_printf(&b, ", \"first_run\": %lld, \"last_run\": %lld, \"resolved_run\": ",
                        sqlite3_column_int64(s, 13), sqlite3_column_int64(s, 14));
            if (sqlite3_column_type(s, 15) == SQLITE_NULL)
                sbuf_adds(&b, "null}");
            else
                sbuf_printf(&b, "%lld}", sqlite3_column_int64(s, 15));
            fputs(b.s, stdout);
            sbuf_free(&b);
        } else if (csv) {
            printf("1,");
            const int cols[] = { 0, 1, 2, 3, 4 };
            for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
                csv_field_out(T(cols[c]), false);
            csv_field_out(decision ? shown : "", false);
            csv_field_out(T(5), false);
            csv_field_out(T(6), false);
            csv_field_out(T(7), false);
            csv_field_out(T(8), false);
            csv_field_out(T(9), false);
            csv_field_out(T(10), false);
            csv_field_out(T(11), false);
            csv_field_out(T(12), true);
        } else {
            printf("%s%-8s %-6s %-24s %-8s %-13s %s to %s  %s  [%.12s]\n", n ? "\n" : "", shown,
                   T(3), T(2), T(5) ? T(5) : "-", T(7) ? T(7) : "-", T(8) ? T(8) : "?",
                   T(9) ? T(9) : "?", T(10), T(0));
            wrap(T(12), 4, 96);
            if (decision)
                printf("    %s by %s on %s: %s\n", shown, T(17), T(18), T(19));
        }
        n++;
#undef T
    }
    if (json)
        printf("%s]\n", n ? "\n" : "");
    else if (!csv && n == 0)
        printf("no flags%s (run 'concord reconcile' after importing)\n",
               status_want || kind || unit ? " match" : "");
    sqlite3_finalize(s);
    store_close(st);
    return CC_OK;
}

/* ---------------------------------------------------------------- decisions */

const char usage_ack[] =
    "Usage: concord [--db FILE] ack FINGERPRINT --reason TEXT [--by WHO]\n"
    "       concord [--db FILE] dismiss FINGERPRINT --reason TEXT [--by WHO]\n"
    "\n"
    "Records a person's decision on a flag (the first 8 or more characters of its\n"
    "fingerprint are enough). The decision survives re-imports and re-runs until the\n"
    "flag's evidence changes; the history of decisions is kept.\n";

static int decide(struct globals *g, int argc, char **argv, const char *decision)
{
    struct opts o = { argc, 1, argv, argv[0] };
    struct cc_error err = { 0 };
    struct store *st;
    sqlite3_stmt *s;
    const char *fp = NULL, *reason = NULL, *by = NULL;
    char full[40] = "", digest[40] = "", now[21];
    int status = CC_OK, matches = 0;

    for (; o.i < argc && status == CC_OK; o.i++) {
        const char *v;
        if (cli_opt(&o, "--reason", &v, &status))
            reason = v;
        else if (cli_opt(&o, "--by", &v, &status))
            by = v;
        else if (argv[o.i][0] != '-' && fp == NULL)
            fp = argv[o.i];
        else
            status = cli_usage_error(argv[0], "unexpected argument '%s'", argv[o.i]);
    }
    if (status)
        return status;
    if (fp == NULL || strlen(fp) < 8)
        return cli_usage_error(argv[0], "%s", "give a flag's fingerprint (8 characters or more)");
    if (reason == NULL || reason[0] == '\0')
        return cli_usage_error(argv[0], "%s", "--reason TEXT is required: say why");
    if (by == NULL)
        by = getenv("USER") ? getenv("USER") : getenv("LOGNAME") ? getenv("LOGNAME") : "unknown";
    if (cli_open_store(g, false, &st, &err))
        return cli_report(&err);
    status = store_begin_write(st, 5, &err);
    if (status == CC_OK)
        status = store_prepare(st, &s,
                               "SELECT fingerprint, members_digest FROM flags"
                               " WHERE fingerprint LIKE ?1 || '%'",
                               &err);
    if (status == CC_OK) {
        sqlite3_bind_text(s, 1, fp, -1, SQLITE_STATIC);
        while (sqlite3_step(s) == SQLITE_ROW) {
            matches++;
            snprintf(full, sizeof full, "%s", (const char *)sqlite3_column_text(s, 0));
            snprintf(digest, sizeof digest, "%s", (const char *)sqlite3_column_text(s, 1));
        }
        sqlite3_finalize(s);
        if (matches == 0)
            status = cc_fail(&err, CC_EDATA, "no flag has a fingerprint starting %s", fp);
        else if (matches > 1)
            status = cc_fail(&err, CC_EUSAGE, "%d flags start %s: give more of the fingerprint",
                             matches, fp);
    }
    if (status == CC_OK)
        status = store_prepare(st, &s,
                               "INSERT INTO flag_decisions(fingerprint, decision, decided_by,"
                               " decided_at, reason, members_digest) VALUES (?1,?2,?3,?4,?5,?6)",
                               &err);
    if (status == CC_OK) {
        cc_now_iso(now);
        sqlite3_bind_text(s, 1, full, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, decision, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, by, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, now, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 5, reason, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 6, digest, -1, SQLITE_STATIC);
        if (sqlite3_step(s) != SQLITE_DONE)
            status = cc_fail(&err, CC_EIO, "%s", sqlite3_errmsg(st->db));
        sqlite3_finalize(s);
    }
    if (status == CC_OK)
        status = store_commit(st, &err);
    else
        store_rollback(st);
    if (status == CC_OK)
        printf("%s %s: %s by %s\n", strcmp(decision, "ack") == 0 ? "acknowledged" : "dismissed",
               full, reason, by);
    store_close(st);
    return status ? cli_report(&err) : CC_OK;
}

int cmd_ack(struct globals *g, int argc, char **argv)
{
    return decide(g, argc, argv, "ack");
}

int cmd_dismiss(struct globals *g, int argc, char **argv)
{
    return decide(g, argc, argv, "dismiss");
}

/* ---------------------------------------------------------------- runs */

const char usage_runs[] =
    "Usage: concord [--db FILE] runs [--last N]\n"
    "\n"
    "Lists past reconciliation runs: trigger, start, duration, flags found, new,\n"
    "open and resolved, and the digest of the inputs they read.\n";

int cmd_runs(struct globals *g, int argc, char **argv)
{
    struct opts o = { argc, 1, argv, "runs" };
    struct cc_error err = { 0 };
    struct store *st;
    sqlite3_stmt *s;
    long long last = 20;
    int status = CC_OK;

    for (; o.i < argc && status == CC_OK; o.i++) {
        const char *v;
        if (cli_opt(&o, "--last", &v, &status)) {
            if (v)
                status = cli_parse_int("runs", "--last", v, 1, 1000000, &last);
        } else {
            status = cli_usage_error("runs", "unexpected argument '%s'", argv[o.i]);
        }
    }
    if (status)
        return status;
    if (cli_open_store(g, false, &st, &err))
        return cli_report(&err);
    if (store_prepare(st, &s,
                      "SELECT id, trigger, started_at, seconds, found, new_flags, open_flags,"
                      " resolved_flags, inputs_digest, finished_at IS NOT NULL FROM"
                      " (SELECT * FROM runs ORDER BY id DESC LIMIT ?1) ORDER BY id",
                      &err) == CC_OK) {
        sqlite3_bind_int64(s, 1, last);
        printf("%-5s %-9s %-20s %8s %6s %5s %5s %8s  %s\n", "run", "trigger", "started", "seconds",
               "flags", "new", "open", "resolved", "inputs");
        while (sqlite3_step(s) == SQLITE_ROW)
            printf("%-5lld %-9s %-20s %8.2f %6d %5d %5d %8d  %.12s%s\n",
                   sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1),
                   (const char *)sqlite3_column_text(s, 2), sqlite3_column_double(s, 3),
                   sqlite3_column_int(s, 4), sqlite3_column_int(s, 5), sqlite3_column_int(s, 6),
                   sqlite3_column_int(s, 7), (const char *)sqlite3_column_text(s, 8),
                   sqlite3_column_int(s, 9) ? "" : "  (did not finish)");
        sqlite3_finalize(s);
    }
    store_close(st);
    return cli_report(&err);
}

/* ---------------------------------------------------------------- run */

const char usage_run[] =
    "Usage: concord [--db FILE] run [PATH...]\n"
    "\n"
    "The main job: imports what is new under each PATH (files unchanged since the\n"
    "last import are passed over), reconciles, and prints a summary of the flags.\n"
    "Without a PATH it only reconciles. Exit status as for import; a rejected file\n"
    "does not stop the others or the reconciliation.\n";

/* A short summary: counts by kind and the flags this run found first. */
static void print_summary(struct store *st, int64_t run)
{
    sqlite3_stmt *s;

    if (sqlite3_prepare_v2(st->db,
                           "SELECT kind, count(*), sum(status = 'new'),"
                           " sum(severity = 'high') FROM flags WHERE status != 'resolved'"
                           " GROUP BY kind ORDER BY kind",
                           -1, &s, NULL) != SQLITE_OK)
        return;
    printf("\n%-26s %6s %6s %6s\n", "flags by kind", "open", "new", "high");
    while (sqlite3_step(s) == SQLITE_ROW)
        printf("%-26s %6d %6d %6d\n", (const char *)sqlite3_column_text(s, 0),
               sqlite3_column_int(s, 1), sqlite3_column_int(s, 2), sqlite3_column_int(s, 3));
    sqlite3_finalize(s);
    if (sqlite3_prepare_v2(st->db,
                           "SELECT f.kind, f.severity, COALESCE(u.code, '-'), COALESCE(f.area, '-'),"
                           " f.period_start, f.period_end, substr(f.fingerprint, 1, 12)"
                           " FROM flags f LEFT JOIN units u ON u.id = f.unit_id"
                           " WHERE f.first_run = ?1 AND f.status = 'new'"
                           " ORDER BY u.code, f.kind, f.period_start, f.fingerprint",
                           -1, &s, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_int64(s, 1, run);
    bool any = false;
    while (sqlite3_step(s) == SQLITE_ROW) {
        if (!any)
            printf("\nnew this run:\n");
        any = true;
        printf("  %-8s %-24s %-6s %-13s %s to %s  [%s]\n",
               (const char *)sqlite3_column_text(s, 2), (const char *)sqlite3_column_text(s, 0),
               (const char *)sqlite3_column_text(s, 1), (const char *)sqlite3_column_text(s, 3),
               (const char *)sqlite3_column_text(s, 4), (const char *)sqlite3_column_text(s, 5),
               (const char *)sqlite3_column_text(s, 6));
    }
    sqlite3_finalize(s);
    printf("\n'concord flags' explains each one; 'concord flags --format json' for tools.\n");
}

int cmd_run(struct globals *g, int argc, char **argv)
{
    struct cc_error err = { 0 };
    struct reconcile_result res;
    struct store *st;
    int status = CC_OK;

    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-')
            return cli_usage_error("run", "unexpected option '%s'", argv[i]);
    }
    if (argc > 1) {
        /* The import command does the importing, with its own reporting. */
        char **args = xcalloc((size_t)argc + 2, sizeof *args);
        args[0] = "import";
        args[1] = "--brief";
        for (int i = 1; i < argc; i++)
            args[i + 1] = argv[i];
        status = cmd_import(g, argc + 1, args);
        free(args);
        /* Bad files were reported and changed nothing; reconcile the rest. */
        if (status != CC_OK && status != CC_EDATA)
            return status;
    }
    if (cli_open_store(g, true, &st, &err))
        return cli_report(&err);
    if (cli_reconcile(g, st, "run", NULL, 0, 0, &res, &err) == CC_OK) {
        cli_print_reconcile(&res);
        print_summary(st, res.run_id);
    }
    store_close(st);
    return err.status != CC_OK ? cli_report(&err) : status;
}
