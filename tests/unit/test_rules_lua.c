/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for core/rules_lua.c: rules users write in Lua. A small store is
 * built directly with SQL (units, areas, a framework code, events,
 * recommendations, assessments, some of them retired); the rules are the
 * shipped example (plugins/rules/) and the test rules in tests/rules/, one
 * folder per situation. flag_add is a test double that writes each flag as a
 * line of text, so runs can be compared.
 *
 * The source tree is found from $CONCORD_SOURCE_ROOT, or from this file's path.
 */
#include "config.h"
#include "rules_lua.h"
#include "store.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---------------------------------------------------------------- the flag set double */

struct flag_set {
    struct sbuf log;  /* one line per flag */
    size_t n;
    size_t fail_at;   /* the flag_add call (1-based) that fails; 0 = none */
};

static const char member_letter[] = { 'a', 'e', 'r' };

int flag_add(struct flag_set *set, const struct flag *f, struct cc_error *err)
{
    if (set->fail_at && set->n + 1 == set->fail_at)
        return cc_fail(err, CC_EIO, "the test double refuses flag %zu", set->fail_at);
    sbuf_printf(&set->log, "%s %s %s unit=%lld area=%s period=%s..%s bodies=%s members=", f->rule,
                f->kind, f->severity, (long long)f->unit_id, f->area ? f->area : "-",
                f->period_start ? f->period_start : "-", f->period_end ? f->period_end : "-",
                f->bodies ? f->bodies : "-");
    for (size_t i = 0; i < f->nmembers; i++)
        sbuf_printf(&set->log, "%s%c%lld", i ? "," : "", member_letter[f->members[i].kind],
                    (long long)f->members[i].id);
    sbuf_printf(&set->log, " | %s\n", f->explanation);
    set->n++;
    return CC_OK;
}

static void set_init(struct flag_set *s)
{
    memset(s, 0, sizeof *s);
    sbuf_init(&s->log);
}

static void set_free(struct flag_set *s)
{
    sbuf_free(&s->log);
}

static const char *log_of(const struct flag_set *s)
{
    return s->log.s ? s->log.s : "";
}

/* The n-th line (0-based) of the log, without its newline. */
static const char *line_of(const struct flag_set *s, size_t n)
{
    static char out[4096];
    const char *p = log_of(s);

    for (size_t i = 0; i < n && p; i++) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    if (p == NULL || *p == '\0')
        return "";
    size_t len = strcspn(p, "\n");
    snprintf(out, sizeof out, "%.*s", (int)len, p);
    return out;
}

/* ---------------------------------------------------------------- fixture */

static struct store *st;
static char root[4096];
static char tmpdir[64] = "/tmp/concord-test-rules-XXXXXX";

static void find_root(void)
{
    const char *env = getenv("CONCORD_SOURCE_ROOT");
    const char *slash = strrchr(__FILE__, '/');
    char probe[4200];

    if (env && *env) {
        snprintf(root, sizeof root, "%s", env);
        return;
    }
    /* meson compiles "../tests/unit/test_rules_lua.c" from the build folder. */
    snprintf(root, sizeof root, "%.*s/../..", slash ? (int)(slash - __FILE__) : 1,
             slash ? __FILE__ : ".");
    static const char *const others[] = { ".", "..", "../.." };
    for (size_t i = 0; i < 3; i++) {
        snprintf(probe, sizeof probe, "%s/plugins/rules/stalled-recommendation.lua", root);
        if (access(probe, R_OK) == 0)
            return;
        snprintf(root, sizeof root, "%s", others[i]);
    }
}

static const char fixture[] =
    "INSERT INTO sources(id, plugin, plugin_version, identity_version, body, source_key, path,"
    "  sha256, bytes, imported_at) VALUES"
    "  (1, 'hmip', '1', 1, 'HMIP', 'h', 'h.csv', 's1', 0, '2023-01-01T00:00:00Z'),"
    "  (2, 'iqa', '1', 1, 'IQA', 'i', 'i.json', 's2', 0, '2023-01-01T00:00:00Z'),"
    "  (3, 'hmip', '1', 1, 'HMIP', 'h', 'h2.csv', 's3', 0, '2023-02-01T00:00:00Z');"
    "INSERT INTO units(id, code, name, type, parent_id, origin) VALUES"
    "  (1, 'NATIONAL', 'England and Wales', 'NATIONAL', NULL, 'register'),"
    "  (2, 'N54CLE', 'Cleveland', 'PDU', 1, 'register'),"
    "  (3, 'N54SUND', 'Sunderland', 'PDU', 1, 'register');"
    "INSERT INTO areas(code, label) VALUES ('CS.PLAN', 'Planning'), ('CS.ASSESS', 'Assessment'),"
    "  ('ORG.STAFF', 'Staffing');"
    "INSERT INTO framework_codes(framework, code, label, question) VALUES"
    "  ('HMIP-PDU-2021', '2.3', 'Planning', 'Is planning well done?'),"
    "  ('HMIP-PDU-2021', '1.2', 'Staff', 'Are staff empowered?');"
    "INSERT INTO framework_aliases(framework, alias, code) VALUES ('HMIP-PDU-2021', 'P', '2.3');"
    "INSERT INTO crosswalk(framework, code, area, dimension, relationship) VALUES"
    "  ('HMIP-PDU-2021', '2.3', 'CS.PLAN', 'QUALITY', 'equal'),"
    "  ('HMIP-PDU-2021', '1.2', 'ORG.STAFF', 'QUALITY', 'equal'),"
    "  ('HMIP-PDU-2021', '1.2', 'ORG.LEAD', 'QUALITY', 'subset');"
    "INSERT INTO events(id, plugin, identity, identity_version, digest, source_id, source_row,"
    "  body, kind, unit_id, started, ended, published, title, reference, identity_hash,"
    "  retired_by) VALUES"
    "  (10, 'hmip', 'e10', 1, 0, 1, '2', 'HMIP', 'INSPECTION', 2, '2021-10-04', '2021-10-15',"
    "   '2021-12-14', 'HMIP inspection of Cleveland', 'PDU21-N54CLE', 10, NULL),"
    "  (11, 'iqa', 'e11', 1, 0, 2, '/a/0', 'IQA', 'MO_CHECK', 3, '2022-03-23', '2022-03-23',"
    "   NULL, NULL, 'QA-2022-0014', 11, NULL),"
    "  (12, 'hmip', 'e12', 1, 0, 1, '3', 'HMIP', 'INSPECTION', 3, '2023-01-16', '2023-01-27',"
    "   NULL, NULL, 'PDU21-N54SUND', 12, NULL),"
    "  (13, 'hmip', 'e13', 1, 0, 1, '4', 'HMIP', 'INSPECTION', 2, '2020-01-01', '2020-01-10',"
    "   NULL, NULL, 'OLD', 13, 3);"
    "INSERT INTO recommendations(id, plugin, identity, identity_version, digest, source_id,"
    "  source_row, event_id, body, unit_id, framework, code, text, due, status, status_date,"
    "  identity_hash, retired_by) VALUES"
    "  (20, 'hmip', 'r20', 1, 0, 1, '5', 10, 'HMIP', 2, 'HMIP-PDU-2021', '2.3',"
    "   'Improve sentence planning.', NULL, 'OPEN', NULL, 20, NULL),"
    "  (21, 'hmip', 'r21', 1, 0, 1, '6', 10, 'HMIP', 2, 'HMIP-PDU-2021', '1.2',"
    "   'Reduce workloads.', NULL, 'IMPLEMENTED', '2022-06-30', 21, NULL),"
    "  (22, 'iqa', 'r22', 1, 0, 2, '/a/1', 11, 'IQA', 3, NULL, NULL,"
    "   'Hold monthly case discussions.', '2022-05-31', 'IN_PROGRESS', '2022-06-15', 22, NULL),"
    "  (23, 'iqa', 'r23', 1, 0, 2, '/a/2', 11, 'IQA', 3, NULL, NULL,"
    "   'Audit again.', '2023-05-31', 'OPEN', NULL, 23, NULL),"
    "  (24, 'hmip', 'r24', 1, 0, 1, '7', 10, 'HMIP', 2, NULL, NULL,"
    "   'Retired text.', NULL, 'OPEN', NULL, 24, 3),"
    "  (25, 'hmip', 'r25', 1, 0, 1, '8', 12, 'HMIP', 3, NULL, NULL,"
    "   'Too recent.', NULL, 'OPEN', NULL, 25, NULL),"
    "  (26, 'hmip', 'r26', 1, 0, 1, '9', 10, 'HMIP', 2, 'HMIP-PDU-2021', '1.2',"
    "   'Recruit staff.', '2022-11-30', 'OPEN', NULL, 26, NULL);"
    "INSERT INTO assessments(id, plugin, identity, identity_version, digest, source_id,"
    "  source_row, event_id, body, unit_id, framework, code, case_ref, period_start, period_end,"
    "  observed_at, rating, identity_hash, level, band, retired_by) VALUES"
    "  (30, 'hmip', 'a30', 1, 0, 1, '2', 10, 'HMIP', 2, 'HMIP-PDU-2021', '2.3', NULL,"
    "   '2021-10-04', '2021-10-15', '2021-10-15', 'Inadequate', 30, 'UNIT', 1, NULL),"
    "  (31, 'iqa', 'a31', 1, 0, 2, '/a/3', 11, 'IQA', 3, 'HMIP-PDU-2021', '2.3',"
    "   'f57c4b0f1d3129c9d1bfce1e91b0b5b8', '2022-03-23', '2022-03-23', '2022-03-23', 'Y', 31,"
    "   'CASE', NULL, NULL),"
    "  (32, 'hmip', 'a32', 1, 0, 1, '3', 13, 'HMIP', 2, 'HMIP-PDU-2021', '2.3', NULL,"
    "   '2020-01-01', '2020-01-10', '2020-01-10', 'Good', 32, 'UNIT', 3, 3);";

static long long count(const char *sql)
{
    sqlite3_stmt *s;
    long long n = -1;

    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

/* ---------------------------------------------------------------- running */

static char pathbuf[8][4300];

/* Folders under tests/rules/ (or "plugins/rules" for the shipped rules). */
static const char *dir_of(int slot, const char *name)
{
    if (strncmp(name, "plugins/", 8) == 0)
        snprintf(pathbuf[slot], sizeof pathbuf[slot], "%s/%s", root, name);
    else
        snprintf(pathbuf[slot], sizeof pathbuf[slot], "%s/tests/rules/%s", root, name);
    return pathbuf[slot];
}

static const char *const *dirs1(const char *name)
{
    static const char *d[1];
    d[0] = dir_of(0, name);
    return d;
}

static struct rules_lua_options base_opts(void)
{
    struct rules_lua_options o;

    memset(&o, 0, sizeof o);
    o.today = "2023-06-30";
    o.limits.max_instructions = 5000000;
    o.limits.max_memory = (size_t)64 << 20;
    return o;
}

/* Runs one folder; returns rc, leaving the message in err and the flags in set. */
static int run_dir(const char *name, const struct rules_lua_options *o, struct flag_set *set,
                   struct cc_error *err)
{
    long n = -1;
    int rc;

    cc_error_clear(err);
    rc = rules_lua_run_opts(st, dirs1(name), 1, o, set, &n, err);
    if (rc == CC_OK && n != (long)set->n)
        printf("# nflags %ld but the set has %zu\n", n, set->n);
    return rc;
}

/* Runs a folder that must fail with CC_EDATA and a message holding every given piece. */
static void refused(const char *name, const struct rules_lua_options *o, const char *what,
                    const char *const *pieces)
{
    struct flag_set set;
    struct cc_error err = { 0 };
    int rc;

    set_init(&set);
    rc = run_dir(name, o, &set, &err);
    bool all = rc == CC_EDATA;
    for (const char *const *p = pieces; *p; p++) {
        if (strstr(err.msg, *p) == NULL)
            all = false;
    }
    if (!ok(all && set.n == 0, "%s: refused with the reason", what)) {
        printf("#   rc %d, %zu flags, message: %s\n", rc, set.n, err.msg);
        for (const char *const *p = pieces; *p; p++)
            printf("#   want: %s\n", *p);
    }
    set_free(&set);
}

#define REFUSED(name, o, what, ...)                                  \
    do {                                                             \
        static const char *const pieces_[] = { __VA_ARGS__, NULL };  \
        refused(name, o, what, pieces_);                             \
    } while (0)

/* ---------------------------------------------------------------- settings hook */

struct settings {
    double days, undated_days;
    const char *name, *severity;
    int enabled;  /* -1 = unset */
    bool flagged;
};

static void test_setting(void *ctx, const char *rule_id, const char *key,
                         struct rules_setting *out)
{
    const struct settings *s = ctx;

    (void)rule_id;
    if (strcmp(key, "days") == 0 && s->days > 0) {
        out->type = RULES_SETTING_NUMBER;
        out->number = s->days;
    } else if (strcmp(key, "undated_days") == 0 && s->undated_days > 0) {
        out->type = RULES_SETTING_NUMBER;
        out->number = s->undated_days;
    } else if (strcmp(key, "name") == 0 && s->name) {
        out->type = RULES_SETTING_STRING;
        out->string = s->name;
    } else if (strcmp(key, "severity") == 0 && s->severity) {
        out->type = RULES_SETTING_STRING;
        out->string = s->severity;
    } else if (strcmp(key, "enabled") == 0 && s->enabled >= 0) {
        out->type = RULES_SETTING_BOOL;
        out->boolean = s->enabled != 0;
    } else if (strcmp(key, "flagged") == 0) {
        out->type = RULES_SETTING_BOOL;
        out->boolean = s->flagged;
    }
}

/* ---------------------------------------------------------------- tests */

static void test_example_rule(void)
{
    struct rules_lua_options o = base_opts();
    struct flag_set a, b;
    struct cc_error err = { 0 };
    int rc;

    set_init(&a);
    set_init(&b);
    rc = run_dir("plugins/rules", &o, &a, &err);
    if (!ok(rc == CC_OK, "the shipped rule runs on the fixture"))
        printf("#   %s\n", err.msg);
    is_int(a.n, 3, "it finds the three stalled recommendations");
    /* In member order: event 10 with r20 and r26, then event 11 with r22. */
    is_str(line_of(&a, 0),
           "STALLED_RECOMMENDATION STALLED_RECOMMENDATION medium unit=2 area=CS.PLAN "
           "period=2021-10-15..2023-06-30 bodies=HMIP members=r20,e10 | HMIP recommendation "
           "from the inspection PDU21-N54CLE (from 4 October 2021 to 15 October 2021, published "
           "14 December 2021) has no due date and is still OPEN 623 days after the inspection "
           "ended. The recommendation: \"Improve sentence planning.\"",
           "no due date, over 365 days after the event: medium, with its one area");
    is_str(line_of(&a, 1),
           "STALLED_RECOMMENDATION STALLED_RECOMMENDATION medium unit=2 area=- "
           "period=2022-11-30..2023-06-30 bodies=HMIP members=r26,e10 | HMIP recommendation "
           "from the inspection PDU21-N54CLE (from 4 October 2021 to 15 October 2021, published "
           "14 December 2021) was due on 30 November 2022 and is still OPEN 212 days later. "
           "The recommendation: \"Recruit staff.\"",
           "over 180 days after its due date: medium; two areas, so none");
    is_str(line_of(&a, 2),
           "STALLED_RECOMMENDATION STALLED_RECOMMENDATION high unit=3 area=- "
           "period=2022-05-31..2023-06-30 bodies=IQA members=r22,e11 | IQA recommendation from "
           "the management oversight check QA-2022-0014 (on 23 March 2022) was due on 31 May "
           "2022 and is still IN PROGRESS 395 days later. Its status was last updated on 15 "
           "June 2022. The recommendation: \"Hold monthly case discussions.\"",
           "over twice 180 days late: high");
    ok(strstr(log_of(&a), "r21") == NULL && strstr(log_of(&a), "r23") == NULL &&
           strstr(log_of(&a), "r24") == NULL && strstr(log_of(&a), "r25") == NULL,
       "implemented, not yet late, retired and recent recommendations are not flagged");

    rc = run_dir("plugins/rules", &o, &b, &err);
    ok(rc == CC_OK && strcmp(log_of(&a), log_of(&b)) == 0, "a second run gives the same flags");
    set_free(&a);
    set_free(&b);

    /* Settings: days 20 and undated_days 700. */
    struct settings s = { .days = 20, .undated_days = 700, .enabled = -1 };
    o.setting = test_setting;
    o.setting_ctx = &s;
    set_init(&a);
    rc = run_dir("plugins/rules", &o, &a, &err);
    ok(rc == CC_OK && a.n == 3 && strstr(log_of(&a), "high unit=2 area=- period=2022-11-30") &&
           strstr(log_of(&a), "medium unit=3 area=- period=2023-05-31..2023-06-30") &&
           strstr(log_of(&a), "members=r20") == NULL,
       "settings change what is stalled (days = 20, undated_days = 700)");
    if (a.n != 3)
        printf("# %s%s\n", err.msg, log_of(&a));
    set_free(&a);

    s = (struct settings){ .enabled = 0 };
    set_init(&a);
    rc = run_dir("plugins/rules", &o, &a, &err);
    ok(rc == CC_OK && a.n == 0, "rules.<ID>.enabled = false skips the rule");
    set_free(&a);

    s = (struct settings){ .enabled = -1, .severity = "low" };
    set_init(&a);
    rc = run_dir("plugins/rules", &o, &a, &err);
    ok(rc == CC_OK && a.n == 3 && strstr(log_of(&a), " medium ") == NULL &&
           strstr(log_of(&a), " high ") == NULL && strstr(log_of(&a), " low unit=3"),
       "rules.<ID>.severity is the severity of every flag the rule raises");
    set_free(&a);

    s = (struct settings){ .enabled = -1, .severity = "urgent" };
    REFUSED("plugins/rules", &o, "a bad severity setting",
            "rules.STALLED_RECOMMENDATION.severity: must be");

    s = (struct settings){ .enabled = -1, .days = 0.5 };
    REFUSED("plugins/rules", &o, "a bad days setting (checked by the rule)",
            "rules.STALLED_RECOMMENDATION.days: must be a whole number");
}

static void test_api(void)
{
    struct rules_lua_options o = base_opts();
    struct flag_set set;
    struct cc_error err = { 0 };
    int rc;

    set_init(&set);
    rc = run_dir("api", &o, &set, &err);
    if (!ok(rc == CC_OK, "db, out, config and concord behave as documented"))
        printf("#   %s\n", err.msg);
    is_str(line_of(&set, 0),
           "T_API TEST low unit=2 area=CS.PLAN period=2021-04-01..2022-03-31 bodies=HMIP "
           "members=a30,e10 | Everything held: X1234567, AX123456 and x123456 are not CRNs.",
           "the flag: kind from the rule, unit and bodies from the members, a duplicate member "
           "dropped, the period string read, the explanation trimmed");
    set_free(&set);

    /* db.today from SOURCE_DATE_EPOCH (2023-06-30T00:00:00Z) when no date is given. */
    setenv("SOURCE_DATE_EPOCH", "1688083200", 1);
    o.today = NULL;
    set_init(&set);
    rc = run_dir("api", &o, &set, &err);
    if (!ok(rc == CC_OK && set.n == 1, "db.today honours SOURCE_DATE_EPOCH"))
        printf("#   %s\n", err.msg);
    set_free(&set);
    unsetenv("SOURCE_DATE_EPOCH");

    o = base_opts();
    o.today = "31/02/2023";
    set_init(&set);
    rc = run_dir("api", &o, &set, &err);
    ok(rc == CC_EUSAGE && strstr(err.msg, "not a real date"), "a bad run date is refused");
    set_free(&set);
}

static void test_refusals(void)
{
    struct rules_lua_options o = base_opts();
    long long events = count("SELECT count(*) FROM events");
    long long areas = count("SELECT count(*) FROM areas");

    REFUSED("write", &o, "writes (INSERT, UPDATE, CREATE, DROP, ATTACH, transactions, PRAGMA...)",
            "rule T_WRITE: ", "write.lua:19: db:query: a rule may only read the database",
            "DELETE is refused");
    ok(count("SELECT count(*) FROM events") == events &&
           count("SELECT count(*) FROM areas") == areas && sqlite3_get_autocommit(st->db),
       "the store is unchanged and no transaction was left open");
    REFUSED("two-statements", &o, "two statements in one query",
            "rule T_TWO: ", "two.lua:5: db:query: give one SQL statement at a time");
    REFUSED("unknown-field", &o, "an unknown field in out:flag",
            "rule T_UNKNOWN: ", "unknown.lua:5: out:flag: colour: unknown field");
    REFUSED("no-members", &o, "a flag without members",
            "rule T_NO_MEMBERS: ", "none.lua:5: out:flag: members: required");
    REFUSED("missing-member", &o, "a member that does not exist",
            "missing.lua:5: out:flag: members[2]: there is no recommendation with id 999");
    REFUSED("crn", &o, "a CRN in the explanation",
            "crn.lua:5: out:flag: explanation: contains a case reference");
    {
        struct flag_set set;
        struct cc_error err = { 0 };
        set_init(&set);
        run_dir("crn", &o, &set, &err);
        ok(strstr(err.msg, "Z731272") == NULL, "the message does not repeat the CRN");
        set_free(&set);
    }
    REFUSED("bad-id", &o, "an id that is not upper-case",
            "rule ", "bad.lua:2: concord.rule: id 'Stalled-Recommendation' may only hold A-Z");
    REFUSED("builtin-id", &o, "the id of a built-in rule",
            "builtin.lua:2: concord.rule: id 'OVERLOAD' is a built-in rule's id");
    REFUSED("not-a-rule", &o, "a file that does not return concord.rule{}",
            "plain.lua: a rule file must return concord.rule{...}");
    REFUSED("error-line", &o, "a rule's own error names its file and line",
            "rule T_BOOM: ", "boom.lua:5: boom");
    REFUSED("error-0", &o, "an error without a position gets the rule's line",
            "rule T_BOOM0: ", "error-0/boom.lua:6: no position here");
    REFUSED("same-members", &o, "the same members twice",
            "twice.lua:6: out:flag: members: this rule already flagged exactly these members");

    {
        struct flag_set set;
        struct cc_error err = { 0 };
        set_init(&set);
        int rc = run_dir("late-flag", &o, &set, &err);
        ok(rc == CC_OK && set.n == 0, "a finalizer cannot flag once run() has returned");
        set_free(&set);
    }

    /* Limits */
    o.limits.max_instructions = 1000000;
    REFUSED("loop", &o, "an endless loop stops at the instruction limit",
            "rule T_LOOP: ", "loop/loop.lua:", "instruction limit exceeded (1000000 instructions)");
    REFUSED("loop-pcall", &o, "an endless loop that swallows the limit error",
            "rule T_LOOP_PCALL: ", "instruction limit exceeded (1000000 instructions)");
    REFUSED("sql-loop", &o, "an endless query stops at the instruction limit",
            "rule T_SQL_LOOP: ", "sql.lua:", "instruction limit exceeded (1000000 SQL steps)");
    o = base_opts();
    o.max_rows = 10;
    REFUSED("row-cap", &o, "db:query stops at the row cap (db:each does not)",
            "rows.lua:10: db:query: more than 10 rows");
    o = base_opts();
    o.limits.max_memory = (size_t)16 << 20;
    o.limits.max_instructions = 1000000000;
    REFUSED("memory", &o, "query results count against the memory limit",
            "rule T_MEMORY: ", "memory limit exceeded (16 MiB)");
}

static void test_folders_and_order(void)
{
    struct rules_lua_options o = base_opts();
    struct flag_set set;
    struct cc_error err = { 0 };
    struct rule_list *list = NULL;
    const char *dirs[3];
    int rc;

    dirs[0] = dir_of(0, "plugins/rules");
    dirs[1] = dir_of(1, "order");
    rc = rules_lua_list(&list, dirs, 2, &o.limits, &err);
    ok(rc == CC_OK && list && list->count == 3, "rules_lua_list loads every *.lua file");
    if (rc == CC_OK && list->count == 3) {
        is_str(list->items[0].id, "STALLED_RECOMMENDATION", "folders in the order given");
        is_str(list->items[1].id, "T_ORDER_B", "then files in name order (a.lua)");
        is_str(list->items[2].id, "T_ORDER_A", "whatever their ids (b.lua)");
        is_str(list->items[2].kind, "T_ORDER", "the kind as given");
        is_str(list->items[2].severity, "high", "the severity, in lower case");
        is_str(list->items[0].kind, "STALLED_RECOMMENDATION", "the kind defaults to the id");
        is_str(list->items[1].severity, "medium", "the severity defaults to medium");
    }
    rules_lua_list_free(list);

    set_init(&set);
    rc = rules_lua_run_opts(st, dirs + 1, 1, &o, &set, NULL, &err);
    ok(rc == CC_OK && set.n == 2 && strncmp(line_of(&set, 0), "T_ORDER_B T_ORDER medium", 24) == 0 &&
           strncmp(line_of(&set, 1), "T_ORDER_A T_ORDER high", 22) == 0,
       "rules run in file-name order and may share a kind");
    set_free(&set);

    dirs[0] = dir_of(0, "dup-a");
    dirs[1] = dir_of(1, "dup-b");
    set_init(&set);
    rc = rules_lua_run_opts(st, dirs, 2, &o, &set, NULL, &err);
    ok(rc == CC_EDATA && strstr(err.msg, "rule 'T_SAME' is defined twice") &&
           strstr(err.msg, "dup-a/same.lua") && strstr(err.msg, "dup-b/same.lua"),
       "an id used in two folders is refused, naming both files");
    set_free(&set);

    set_init(&set);
    rc = run_dir("no-such-folder", &o, &set, &err);
    ok(rc == CC_ENOINPUT && strstr(err.msg, "cannot open rule folder"), "a missing folder");
    set_free(&set);

    set_init(&set);
    rc = rules_lua_run_opts(st, NULL, 0, &o, &set, NULL, &err);
    ok(rc == CC_OK && set.n == 0, "no folders, no rules, no flags");
    set_free(&set);
}

static void test_determinism(void)
{
    struct rules_lua_options o = base_opts();
    struct flag_set a, b;
    struct cc_error err = { 0 };
    int rc1, rc2;

    set_init(&a);
    set_init(&b);
    rc1 = run_dir("shuffle", &o, &a, &err);
    rc2 = run_dir("shuffle", &o, &b, &err);
    ok(rc1 == CC_OK && rc2 == CC_OK && a.n == 9 && strcmp(log_of(&a), log_of(&b)) == 0,
       "a rule that finds things in hash order gives the same flags in the same order");
    ok(strstr(line_of(&a, 0), "members=e10 ") && strstr(line_of(&a, 3), "members=r20 ") &&
           strstr(line_of(&a, 8), "members=r26 "),
       "flags come in member order: assessments, events, recommendations, by id");
    set_free(&a);
    set_free(&b);

    set_init(&a);
    a.fail_at = 2;
    rc1 = run_dir("shuffle", &o, &a, &err);
    ok(rc1 == CC_EIO && strstr(err.msg, "rule T_SHUFFLE: the test double refuses flag 2"),
       "a flag_add failure stops the run with its message");
    set_free(&a);
}

static void test_config(void)
{
    struct rules_lua_options o = base_opts();
    struct settings s = { .days = 20, .name = "x", .enabled = -1, .flagged = true };
    struct flag_set set;
    struct cc_error err = { 0 };
    struct config *cfg = NULL;
    int rc;

    o.setting = test_setting;
    o.setting_ctx = &s;
    set_init(&set);
    rc = run_dir("config", &o, &set, &err);
    ok(rc == CC_OK && strstr(log_of(&set), "| days=20 (integer) name=x flagged=true missing=nil"),
       "config reads settings through the hook");
    if (rc != CC_OK || set.n != 1)
        printf("#   %s%s\n", err.msg, log_of(&set));
    set_free(&set);

    o.setting = NULL;
    set_init(&set);
    rc = run_dir("config", &o, &set, &err);
    ok(rc == CC_OK && strstr(log_of(&set), "| days=nil (nil) name=nil flagged=nil missing=nil"),
       "with no settings, config is empty");
    set_free(&set);

    /* A configuration with no file: defaults only, and no rule settings. */
    rc = config_load(&cfg, NULL, &err);
    ok(rc == CC_OK, "config_load with no file");
    if (rc == CC_OK) {
        set_init(&set);
        rc = rules_lua_run(st, dirs1("config"), 1, &o.limits, cfg, &set, &err);
        ok(rc == CC_OK && strstr(log_of(&set), "| days=nil (nil)"),
           "rules_lua_run with a struct config");
        set_free(&set);
    }
    config_free(cfg);
}

int main(void)
{
    struct cc_error err = { 0 };
    char db[128];

    unsetenv("SOURCE_DATE_EPOCH");
    find_root();
    if (mkdtemp(tmpdir) == NULL) {
        printf("Bail out! mkdtemp failed\n");
        return 1;
    }
    snprintf(db, sizeof db, "%s/test.db", tmpdir);
    if (store_open(&st, db, true, &err) != CC_OK || store_exec(st, fixture, &err) != CC_OK) {
        printf("Bail out! %s\n", err.msg);
        return 1;
    }

    test_example_rule();
    test_api();
    test_refusals();
    test_folders_and_order();
    test_determinism();
    test_config();

    store_close(st);
    char path[256];
    static const char *const leftovers[] = { "test.db", "test.db-wal", "test.db-shm" };
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", tmpdir, leftovers[i]);
        unlink(path);
    }
    rmdir(tmpdir);
    return tap_done();
}
