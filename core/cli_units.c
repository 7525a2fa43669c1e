/* SPDX-License-Identifier: MIT */
/* concord units: the unit register, unresolved names, resolving and confirming names. */
#include <jansson.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "register.h"

const char usage_units[] =
    "Usage: concord [--db FILE] units [--tree] [--type TYPE] [--plugin-dir DIR]...\n"
    "       concord [--db FILE] units --unresolved\n"
    "       concord [--db FILE] units show CODE\n"
    "       concord [--db FILE] units resolve NAME [--plugin-dir DIR]...\n"
    "       concord [--db FILE] units alias NAME CODE [--by WHO] [--replace] [--wait SECONDS]\n"
    "\n"
    "The register of units: regions, PDUs, NPS divisions, CRCs and users' own units.\n"
    "\n"
    "  (no action)   lists units: code, type, name, parent, validity and origin;\n"
    "                --tree indents each unit under its parent; --type TYPE keeps one\n"
    "                type (NATIONAL, PROVIDER, REGION, NPS_DIVISION, CRC, PDU, LDU, TEAM)\n"
    "                (in a tree, with its parents).\n"
    "  --unresolved  lists the names imports could not resolve: times seen, last file,\n"
    "                closest units with scores, and the command that confirms one.\n"
    "  show CODE     one unit: its names and aliases with how each link was made, and\n"
    "                its crosswalk links between eras.\n"
    "  resolve NAME  shows each step of resolving NAME (exact code, exact alias,\n"
    "                normalised form, alias a person confirmed, fuzzy proposals) and\n"
    "                the result. Changes nothing. Exit 0 resolved, 65 not.\n"
    "  alias NAME CODE  records that NAME means the unit CODE, confirmed by WHO\n"
    "                (default $USER) now; later imports resolve NAME with via 'person'.\n"
    "                Refused (exit 65) when CODE is unknown or NAME already means\n"
    "                another unit; --replace moves such a name to CODE.\n"
    "\n"
    "--plugin-dir DIR also loads DIR/register/units.lua (units of your own: LDUs,\n"
    "teams, more aliases) after the built-in register; see docs/units.md.\n";

struct urow {
    int64_t id, parent;
    char *code, *type, *name, *pcode, *from, *to, *origin;
    size_t first_child, last_child, next; /* tree links: indexes, n = none */
    bool keep, seen;
};

static char *col_dup(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? xstrdup((const char *)t) : NULL;
}

static void validity(const struct urow *r, char *out, size_t n)
{
    if (!r->from && !r->to)
        snprintf(out, n, "always");
    else
        snprintf(out, n, "%s..%s", r->from ? r->from : "", r->to ? r->to : "");
}

static void print_tree(struct urow *rows, size_t n, size_t i, int depth)
{
    char valid[64];

    if (rows[i].seen)
        return;
    rows[i].seen = true;
    if (rows[i].keep) {
        validity(&rows[i], valid, sizeof valid);
        printf("%*s%s  %s  (%s, %s)\n", depth * 2, "", rows[i].code, rows[i].name,
               rows[i].type, valid);
    }
    for (size_t c = rows[i].first_child; c != n; c = rows[c].next)
        print_tree(rows, n, c, depth + 1);
}

static int list_units(struct store *st, bool tree, const char *type)
{
    sqlite3_stmt *s;
    struct urow *rows = NULL;
    struct strmap byid;
    size_t n = 0, cap = 0;
    int namew = 4;

    if (sqlite3_prepare_v2(st->db,
                           "SELECT u.id, u.parent_id, u.code, u.type, u.name, p.code, u.valid_from,"
                           " u.valid_to, u.origin FROM units u"
                           " LEFT JOIN units p ON p.id = u.parent_id ORDER BY CASE u.type"
                           " WHEN 'NATIONAL' THEN 0 WHEN 'PROVIDER' THEN 1 WHEN 'REGION' THEN 2"
                           " WHEN 'NPS_DIVISION' THEN 3 WHEN 'CRC' THEN 4 WHEN 'PDU' THEN 5"
                           " WHEN 'LDU' THEN 6 WHEN 'TEAM' THEN 7 ELSE 8 END, u.code",
                           -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "concord: %s: %s\n", st->path, sqlite3_errmsg(st->db));
        return CC_EIO;
    }
    while (sqlite3_step(s) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            rows = xrealloc(rows, cap * sizeof *rows);
        }
        struct urow *r = &rows[n++];
        memset(r, 0, sizeof *r);
        r->id = sqlite3_column_int64(s, 0);
        r->parent = sqlite3_column_type(s, 1) == SQLITE_NULL ? 0 : sqlite3_column_int64(s, 1);
        r->code = col_dup(s, 2);
        r->type = col_dup(s, 3);
        r->name = col_dup(s, 4);
        r->pcode = col_dup(s, 5);
        r->from = col_dup(s, 6);
        r->to = col_dup(s, 7);
        r->origin = col_dup(s, 8);
        r->keep = type == NULL || strcmp(r->type, type) == 0;
    }
    sqlite3_finalize(s);

    if (!tree) {
        for (size_t i = 0; i < n; i++) {
            int w = (int)strlen(rows[i].name);
            if (rows[i].keep && w > namew)
                namew = w;
        }
        printf("%-8s %-12s %-*s %-8s %-22s %s\n", "code", "type", namew, "name", "parent",
               "valid", "origin");
        for (size_t i = 0; i < n; i++) {
            char valid[64];
            if (!rows[i].keep)
                continue;
            validity(&rows[i], valid, sizeof valid);
            printf("%-8s %-12s %-*s %-8s %-22s %s\n", rows[i].code, rows[i].type, namew,
                   rows[i].name, rows[i].pcode ? rows[i].pcode : "-", valid, rows[i].origin);
        }
    } else {
        strmap_init(&byid);
        for (size_t i = 0; i < n; i++) {
            char key[32];
            snprintf(key, sizeof key, "%lld", (long long)rows[i].id);
            strmap_put(&byid, key, strlen(key), (int64_t)i);
            rows[i].first_child = rows[i].last_child = rows[i].next = n;
        }
        /* Children in list order; a unit whose parent is missing is a root. */
        for (size_t i = 0; i < n; i++) {
            char key[32];
            int64_t p;
            snprintf(key, sizeof key, "%lld", (long long)rows[i].parent);
            if (rows[i].parent && strmap_get(&byid, key, strlen(key), &p) && (size_t)p != i) {
                struct urow *pr = &rows[p];
                if (pr->first_child == n)
                    pr->first_child = i;
                else
                    rows[pr->last_child].next = i;
                pr->last_child = i;
            } else {
                rows[i].parent = 0;
            }
        }
        /* With --type, a kept unit keeps its parents, so the tree still reads. */
        for (size_t i = 0; i < n && type; i++) {
            size_t k = i;
            for (int guard = 0; rows[k].keep && rows[k].parent && guard < 64; guard++) {
                char key[32];
                int64_t p;
                snprintf(key, sizeof key, "%lld", (long long)rows[k].parent);
                if (!strmap_get(&byid, key, strlen(key), &p))
                    break;
                rows[p].keep = true;
                k = (size_t)p;
            }
        }
        for (size_t i = 0; i < n; i++) {
            if (rows[i].parent == 0)
                print_tree(rows, n, i, 0);
        }
        /* Anything left is in a parent cycle: print it rather than lose it. */
        for (size_t i = 0; i < n; i++) {
            if (!rows[i].seen) {
                printf("(in a parent cycle)\n");
                print_tree(rows, n, i, 1);
            }
        }
        strmap_free(&byid);
    }
    bool any = false;
    for (size_t i = 0; i < n; i++)
        any = any || rows[i].keep;
    if (n == 0)
        printf("(the register is empty: run 'concord init')\n");
    else if (!any)
        printf("(no units of type %s)\n", type);
    for (size_t i = 0; i < n; i++) {
        free(rows[i].code);
        free(rows[i].type);
        free(rows[i].name);
        free(rows[i].pcode);
        free(rows[i].from);
        free(rows[i].to);
        free(rows[i].origin);
    }
    free(rows);
    return CC_OK;
}

/* "CODE Name (0.91), ..." from unresolved_units.candidates JSON. */
static void print_candidates(const char *json, const char *name)
{
    json_error_t je;
    json_t *a = json ? json_loads(json, 0, &je) : NULL;
    size_t i;
    json_t *c;
    const char *first = NULL;

    if (!json_is_array(a) || json_array_size(a) == 0) {
        printf("    closest: none close\n");
    } else {
        printf("    closest:");
        json_array_foreach(a, i, c) {
            const char *code = json_string_value(json_object_get(c, "code"));
            const char *cname = json_string_value(json_object_get(c, "name"));
            printf("%s %s %s (%.2f)", i ? "," : "", code ? code : "?", cname ? cname : "?",
                   json_number_value(json_object_get(c, "score")));
            if (i == 0)
                first = code;
        }
        printf("\n");
    }
    struct sbuf q;
    sbuf_init(&q);
    unit_shell_quote(&q, name);
    printf("    confirm with: concord units alias %s %s\n", q.s, first ? first : "CODE");
    sbuf_free(&q);
    json_decref(a);
}

static int list_unresolved(struct store *st)
{
    sqlite3_stmt *s;
    struct unit_resolver r;
    int rows = 0;

    if (sqlite3_prepare_v2(st->db,
                           "SELECT name, times, first_seen, last_seen, last_file, candidates"
                           " FROM unresolved_units ORDER BY last_seen DESC, name",
                           -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "concord: %s: %s\n", st->path, sqlite3_errmsg(st->db));
        return CC_EIO;
    }
    unit_resolver_init(&r, st);
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s, 0);
        int times = sqlite3_column_int(s, 1);
        struct unit_explain x;
        printf("'%s': seen %d time%s, %s .. %s, last in %s\n", name, times, times == 1 ? "" : "s",
               sqlite3_column_text(s, 2), sqlite3_column_text(s, 3),
               sqlite3_column_type(s, 4) == SQLITE_NULL ? "(unknown)"
                                                        : (const char *)sqlite3_column_text(s, 4));
        unit_explain(&r, name, &x);
        if (x.id)
            printf("    now resolves to %s (via %s); the next import will use it\n",
                   unit_code(&r, x.id), x.via);
        else
            print_candidates((const char *)sqlite3_column_text(s, 5), name);
        unit_explain_free(&x);
        rows++;
    }
    sqlite3_finalize(s);
    unit_resolver_free(&r);
    if (rows == 0)
        printf("(no unresolved unit names)\n");
    return CC_OK;
}

/* "CODE Name (TYPE)" of a unit id. */
static void unit_label(struct store *st, int64_t id, char *out, size_t n)
{
    sqlite3_stmt *s;

    snprintf(out, n, "#%lld", (long long)id);
    if (sqlite3_prepare_v2(st->db, "SELECT code, name, type FROM units WHERE id = ?1", -1, &s,
                           NULL) != SQLITE_OK)
        return;
    sqlite3_bind_int64(s, 1, id);
    if (sqlite3_step(s) == SQLITE_ROW)
        snprintf(out, n, "%s %s (%s)", sqlite3_column_text(s, 0), sqlite3_column_text(s, 1),
                 sqlite3_column_text(s, 2));
    sqlite3_finalize(s);
}

static void describe_alias(const struct unit_explain *x, char *out, size_t n)
{
    char label[64] = "";

    if (strcmp(x->method, "person") == 0)
        snprintf(label, sizeof label, "person alias");
    else if (strcmp(x->method, "fuzzy") == 0)
        snprintf(label, sizeof label, "accepted fuzzy proposal");
    else if (strcmp(x->method, "config") == 0)
        snprintf(label, sizeof label, "user register alias");
    else if (strcmp(x->method, "register") == 0)
        snprintf(label, sizeof label, "register name or alias");
    else
        snprintf(label, sizeof label, "%s alias", x->method);
    size_t used = (size_t)snprintf(out, n, "'%s' (%s", x->alias, label);
    if (used < n && x->score >= 0)
        used += (size_t)snprintf(out + used, n - used, ", score %.2f", x->score);
    if (used < n && x->confirmed_by)
        used += (size_t)snprintf(out + used, n - used, ", confirmed by %s", x->confirmed_by);
    if (used < n && x->confirmed_at)
        used += (size_t)snprintf(out + used, n - used, " at %s", x->confirmed_at);
    if (used < n)
        snprintf(out + used, n - used, ")");
}

static int resolve_name(struct store *st, const char *name)
{
    struct unit_resolver r;
    struct unit_explain x;
    char label[600], alias[1200], unitl[600] = "";
    int status;

    unit_resolver_init(&r, st);
    unit_explain(&r, name, &x);
    if (x.alias) {
        describe_alias(&x, alias, sizeof alias);
        unit_label(st, x.alias_unit, unitl, sizeof unitl);
    }
    printf("resolving '%s'\n", name);
    /* 1 */
    if (x.code)
        printf("  1 exact code       yes: it is a unit's code\n");
    else
        printf("  1 exact code       no unit has the code '%s'\n", name);
    /* 2 */
    if (x.step == 1)
        printf("  2 exact alias      not needed\n");
    else if (x.step == 2)
        printf("  2 exact alias      yes: %s of %s\n", alias, unitl);
    else
        printf("  2 exact alias      no name or alias in the register is exactly '%s'\n", name);
    /* 3 */
    if (x.step == 1 || x.step == 2)
        printf("  3 normalised       not needed\n");
    else if (x.step == 3 && x.code_norm)
        printf("  3 normalised       \"%s\" is the normalised code of %s\n", x.norm,
               unit_code(&r, x.id));
    else if (x.step == 3)
        printf("  3 normalised       \"%s\" matches %s of %s\n", x.norm, alias, unitl);
    else
        printf("  3 normalised       no name, alias or code normalises to \"%s\"\n", x.norm);
    /* 4 */
    if (x.step >= 1 && x.step <= 3)
        printf("  4 person alias     not needed\n");
    else if (x.step == 4)
        printf("  4 person alias     yes: %s of %s\n", alias, unitl);
    else
        printf("  4 person alias     no alias a person confirmed normalises to \"%s\"\n", x.norm);
    /* 5 */
    if (x.step >= 1 && x.step <= 4) {
        printf("  5 fuzzy            not needed\n");
    } else if (x.step == 5) {
        printf("  5 fuzzy            an accepted proposal: %s of %s\n", alias, unitl);
    } else if (x.ncand == 0) {
        printf("  5 fuzzy            no unit scores %.2f or more: nothing to propose\n",
               UNIT_CANDIDATE_FLOOR);
    } else {
        printf("  5 fuzzy            proposals only (never links); closest by similarity:\n");
        for (size_t i = 0; i < x.ncand; i++)
            printf("                       %-8s %.2f  %s%s%s%s\n", x.cand[i].code,
                   x.cand[i].score, x.cand[i].name,
                   strcmp(x.cand[i].matched, x.cand[i].name) ? "  (nearest: '" : "",
                   strcmp(x.cand[i].matched, x.cand[i].name) ? x.cand[i].matched : "",
                   strcmp(x.cand[i].matched, x.cand[i].name) ? "')" : "");
    }
    if (x.id) {
        unit_label(st, x.id, label, sizeof label);
        printf("result: %s, via %s\n", label, x.via);
        status = CC_OK;
    } else {
        struct sbuf q;
        sbuf_init(&q);
        unit_shell_quote(&q, name);
        printf("result: not resolved; an import naming it fails. Confirm a unit with:\n"
               "  concord units alias %s %s\n",
               q.s, x.ncand ? x.cand[0].code : "CODE");
        sbuf_free(&q);
        status = CC_EDATA;
    }
    unit_explain_free(&x);
    unit_resolver_free(&r);
    return status;
}

static int show_unit(struct store *st, const char *code)
{
    sqlite3_stmt *s;
    int64_t id = 0, parent = 0;
    char label[600];
    int children = 0;

    if (sqlite3_prepare_v2(st->db,
                           "SELECT id, name, type, parent_id, valid_from, valid_to, origin,"
                           " (SELECT count(*) FROM units c WHERE c.parent_id = u.id)"
                           " FROM units u WHERE code = ?1",
                           -1, &s, NULL) != SQLITE_OK)
        return CC_EIO;
    sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) {
        id = sqlite3_column_int64(s, 0);
        parent = sqlite3_column_int64(s, 3);
        children = sqlite3_column_int(s, 7);
        printf("%s  %s\n", code, sqlite3_column_text(s, 1));
        printf("  type      %s\n", sqlite3_column_text(s, 2));
        if (parent) {
            unit_label(st, parent, label, sizeof label);
            printf("  parent    %s\n", label);
        }
        const char *from = (const char *)sqlite3_column_text(s, 4);
        const char *to = (const char *)sqlite3_column_text(s, 5);
        if (from || to)
            printf("  valid     %s..%s\n", from ? from : "", to ? to : "");
        else
            printf("  valid     always\n");
        printf("  origin    %s\n", sqlite3_column_text(s, 6));
        printf("  children  %d\n", children);
    }
    sqlite3_finalize(s);
    if (id == 0) {
        fprintf(stderr, "concord: unit: no unit has the code '%s'; see 'concord units'\n", code);
        return CC_EDATA;
    }
    printf("  names and aliases (how each link was made):\n");
    if (sqlite3_prepare_v2(st->db,
                           "SELECT alias, method, score, confirmed_by, confirmed_at"
                           " FROM unit_aliases WHERE unit_id = ?1 ORDER BY id",
                           -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(s, 1, id);
        while (sqlite3_step(s) == SQLITE_ROW) {
            printf("    %-50s %s", (const char *)sqlite3_column_text(s, 0),
                   sqlite3_column_text(s, 1));
            if (sqlite3_column_type(s, 2) != SQLITE_NULL)
                printf(" %.2f", sqlite3_column_double(s, 2));
            if (sqlite3_column_type(s, 3) != SQLITE_NULL)
                printf(", confirmed by %s", sqlite3_column_text(s, 3));
            if (sqlite3_column_type(s, 4) != SQLITE_NULL)
                printf(" at %s", sqlite3_column_text(s, 4));
            printf("\n");
        }
        sqlite3_finalize(s);
    }
    if (sqlite3_prepare_v2(st->db,
                           "SELECT f.code, f.name, x.relationship, t.code, t.name, x.note"
                           " FROM unit_crosswalk x JOIN units f ON f.id = x.from_unit"
                           " JOIN units t ON t.id = x.to_unit"
                           " WHERE x.from_unit = ?1 OR x.to_unit = ?1 ORDER BY f.code, t.code",
                           -1, &s, NULL) == SQLITE_OK) {
        bool first = true;
        sqlite3_bind_int64(s, 1, id);
        while (sqlite3_step(s) == SQLITE_ROW) {
            if (first)
                printf("  crosswalk between eras (FROM -> TO: how FROM's area relates to TO's):\n");
            first = false;
            printf("    %s %s -> %s %s: %s", sqlite3_column_text(s, 0), sqlite3_column_text(s, 1),
                   sqlite3_column_text(s, 3), sqlite3_column_text(s, 4),
                   sqlite3_column_text(s, 2));
            if (sqlite3_column_type(s, 5) != SQLITE_NULL)
                printf(" %s", sqlite3_column_text(s, 5));
            printf("\n");
        }
        sqlite3_finalize(s);
    }
    return CC_OK;
}

static int confirm_alias(struct store *st, const char *name, const char *code, const char *by,
                         bool replace, int wait)
{
    struct cc_error err = { 0 };
    struct sbuf msg;
    int rc = store_begin_write(st, wait, &err);

    sbuf_init(&msg);
    if (rc == CC_OK)
        rc = unit_confirm_alias(st, name, code, by, replace, &msg, &err);
    if (rc == CC_OK)
        rc = store_commit(st, &err);
    else
        store_rollback(st);
    if (rc == CC_OK)
        printf("%s\n", msg.s);
    else
        cli_report(&err);
    sbuf_free(&msg);
    return rc;
}

int cmd_units(struct globals *g, int argc, char **argv)
{
    struct opts o = { argc, 1, argv, "units" };
    struct plugin_dirs dirs = { 0 };
    struct cc_error err = { 0 };
    struct store *st = NULL;
    const char *action = NULL, *args[2] = { NULL, NULL }, *type = NULL, *by = NULL;
    bool tree = false, unresolved = false, replace = false, only_args = false;
    int status = CC_OK, nargs = 0;
    long long wait = 5;

    {
        struct cc_error e0 = { 0 };
        if (cli_plugin_dirs_init(g, &dirs, "units", &e0))
            return cli_report(&e0);
    }
    for (; o.i < argc && status == CC_OK; o.i++) {
        const char *v;
        const char *a = argv[o.i];
        if (!only_args && a[0] == '-' && a[1] != '\0') {
            if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
                return cli_help("units");
            if (strcmp(a, "--") == 0) {
                only_args = true;
            } else if (cli_opt(&o, "--plugin-dir", &v, &status)) {
                if (v)
                    status = cli_plugin_dirs_add(&dirs, "units", v);
            } else if (cli_opt(&o, "--type", &v, &status)) {
                type = v;
            } else if (cli_opt(&o, "--by", &v, &status)) {
                by = v;
                if (v && *v == '\0')
                    status = cli_usage_error("units", "%s", "--by needs a name");
            } else if (cli_opt(&o, "--wait", &v, &status)) {
                if (v)
                    status = cli_parse_int("units", "--wait", v, 0, 86400, &wait);
            } else if (cli_opt(&o, "--tree", NULL, &status)) {
                tree = true;
            } else if (cli_opt(&o, "--unresolved", NULL, &status)) {
                unresolved = true;
            } else if (cli_opt(&o, "--replace", NULL, &status)) {
                replace = true;
            } else {
                status = cli_usage_error("units", "unknown option '%s'", a);
            }
        } else if (action == NULL && nargs == 0 && !only_args &&
                   (strcmp(a, "alias") == 0 || strcmp(a, "resolve") == 0 ||
                    strcmp(a, "show") == 0 || strcmp(a, "list") == 0)) {
            action = a;
        } else if (nargs < 2) {
            args[nargs++] = a;
        } else {
            status = cli_usage_error("units", "unexpected argument '%s'", a);
        }
    }
    if (status)
        return status;
    if (action == NULL)
        action = "list";
    int want = strcmp(action, "alias") == 0 ? 2 : strcmp(action, "list") == 0 ? 0 : 1;
    if (nargs != want) {
        static const char *const need[] = { "no arguments", "one argument", "NAME and CODE" };
        return cli_usage_error("units", "%s takes %s", action, need[want]);
    }
    if (type) {
        static const char *const types[] = { "NATIONAL", "PROVIDER", "REGION", "NPS_DIVISION",
                                             "CRC", "PDU", "LDU", "TEAM" };
        static char upper[32];
        bool ok = false;
        snprintf(upper, sizeof upper, "%s", type);
        for (char *p = upper; *p; p++)
            *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            ok = ok || strcmp(upper, types[i]) == 0;
        if (!ok)
            return cli_usage_error("units", "--type must be one of NATIONAL, PROVIDER, REGION, "
                                            "NPS_DIVISION, CRC, PDU, LDU, TEAM, not '%s'", type);
        type = upper;
    }
    if (strcmp(action, "list") != 0 && (tree || unresolved || type))
        return cli_usage_error("units", "--tree, --unresolved and --type go with the list only");
    if (strcmp(action, "alias") != 0 && (by || replace))
        return cli_usage_error("units", "--by and --replace go with 'units alias' only");
    if (unresolved && (tree || type))
        return cli_usage_error("units", "--unresolved lists names, not units: no --tree or --type");
    if (strcmp(action, "alias") == 0 && by == NULL) {
        by = getenv("USER");
        if (by == NULL || *by == '\0')
            by = getenv("LOGNAME");
        if (by == NULL || *by == '\0') {
            struct passwd *pw = getpwuid(getuid());
            by = pw ? pw->pw_name : NULL;
        }
        if (by == NULL || *by == '\0')
            return cli_usage_error("units", "%s", "say who confirms the alias with --by WHO");
    }

    if (cli_open_store(g, false, &st, &err))
        return cli_report(&err);
    /* Keep the register current (a no-op when no file changed). */
    if (register_sync_dirs(st, dirs.dirs, dirs.n, (int)wait, &err)) {
        if (err.status != CC_EBUSY || strcmp(action, "alias") == 0) {
            store_close(st);
            return cli_report(&err);
        }
        fprintf(stderr, "concord: warning: %s; showing the register as it is\n", err.msg);
    }
    if (strcmp(action, "alias") == 0)
        status = confirm_alias(st, args[0], args[1], by, replace, (int)wait);
    else if (strcmp(action, "resolve") == 0)
        status = resolve_name(st, args[0]);
    else if (strcmp(action, "show") == 0)
        status = show_unit(st, args[0]);
    else if (unresolved)
        status = list_unresolved(st);
    else
        status = list_units(st, tree, type);
    store_close(st);
    return status;
}
