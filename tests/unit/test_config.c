/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for core/config.c: defaults, overrides, a nested override that
 * leaves its siblings at their defaults, list settings, every kind of
 * problem with its exact message and line, files that misbehave (reading an
 * unknown name, os.execute, an endless loop, a memory bomb, bytecode, a
 * syntax error), and config_show's output read back by config_load.
 */
#include "config.h"
#include "tap.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox.h"

static char tmpdir[64] = "/tmp/concord-test-config-XXXXXX";
static char made[64][256];
static size_t nmade;

/* Writes text to NAME in the scratch folder (the current folder) and returns NAME. */
static const char *write_file(const char *name, const char *text)
{
    const char *path = name;
    FILE *f;

    f = fopen(path, "wb");
    if (f == NULL) {
        printf("Bail out! cannot write %s\n", path);
        exit(1);
    }
    fputs(text, f);
    fclose(f);
    for (size_t i = 0; i < nmade; i++) {
        if (strcmp(made[i], path) == 0)
            return path;
    }
    if (nmade < 64)
        snprintf(made[nmade++], sizeof made[0], "%s", path);
    return path;
}

/* Loads text as a configuration file; NULL (and a failed check) when it does not load. */
static struct config *load_text(const char *name, const char *text)
{
    struct cc_error err = { 0 };
    struct config *c;

    if (config_load(&c, write_file(name, text), &err) != CC_OK) {
        printf("#   load failed: %s\n", err.msg);
        return NULL;
    }
    return c;
}

/* The problems config_check finds in text, as one string (owned by the caller). */
static char *problems_of(const char *text, int *count)
{
    struct config *c = load_text("p.lua", text);
    struct sbuf b;

    sbuf_init(&b);
    sbuf_adds(&b, "");
    *count = c ? config_check(c, &b) : -1;
    config_free(c);
    return b.s;
}

/* One file, one problem: checks the count and the exact line. */
#define one_problem(text, expected, desc)                                                   \
    do {                                                                                    \
        int n_;                                                                             \
        char *got_ = problems_of(text, &n_);                                                \
        is_str(got_, expected, desc);                                                       \
        is_int(n_, 1, desc " (one problem)");                                               \
        free(got_);                                                                         \
    } while (0)

/* The load error of text. */
static int load_error(const char *name, const char *text, struct cc_error *err)
{
    struct config *c = NULL;
    int rc = config_load(&c, write_file(name, text), err);

    config_free(c);
    return rc;
}

static void test_defaults(void)
{
    struct config *c;
    struct cc_error err = { 0 };
    const char *list[8];
    struct sbuf b;

    ok(config_load(&c, NULL, &err) == CC_OK, "defaults only: loads");
    ok(config_path(c) == NULL, "no file");
    is_str(config_string(c, "database", "x"), "concord.db", "database");
    is_int(config_strings(c, "plugin_dirs", list, 8), 0, "plugin_dirs empty");
    is_int(config_strings(c, "rule_dirs", list, 8), 0, "rule_dirs empty");
    ok(config_bool(c, "privacy.keep_raw_case_refs", true) == false, "keep_raw_case_refs false");
    ok(config_string(c, "privacy.key_file", NULL) == NULL, "key_file: unset, the caller decides");
    ok(config_number(c, "units.accept_fuzzy", 9) == 0, "accept_fuzzy 0");
    ok(config_bool(c, "rules.CONTRADICTION.enabled", false), "rules enabled");
    ok(config_number(c, "rules.CONTRADICTION.min_gap", 0) == 2, "CONTRADICTION.min_gap 2");
    ok(config_number(c, "rules.CONTRADICTION.high_gap", 0) == 3, "CONTRADICTION.high_gap 3");
    ok(config_number(c, "rules.CONTRADICTION.window_days", -1) == 180,
       "CONTRADICTION.window_days 180");
    ok(config_number(c, "rules.DIVERGENCE.window_days", -1) == 180, "DIVERGENCE 180 days");
    ok(config_number(c, "rules.DISCONNECT.window_days", -1) == -1,
       "DISCONNECT.window_days: no default, def returned");
    ok(config_strings(c, "rules.REPEATED_SCRUTINY.exclude_kinds", list, 8) == 1 &&
           strcmp(list[0], "CONTRACT_RETURN") == 0, "REPEATED_SCRUTINY exclude_kinds");
    ok(config_strings(c, "rules.INTENSIFICATION.exclude_kinds", list, 8) == 1 &&
           strcmp(list[0], "CONTRACT_RETURN") == 0, "INTENSIFICATION exclude_kinds");
    is_str(config_string(c, "rules.CONTRADICTION.severity", "medium"), "medium",
           "severity: no default, def returned");
    ok(config_number(c, "rules.DIVERGENCE.process_min_band", 0) == 3, "process_min_band 3");
    ok(config_number(c, "rules.DIVERGENCE.quality_max_band", 0) == 1, "quality_max_band 1");
    ok(config_number(c, "rules.DISCONNECT.org_min_band", 0) == 3, "org_min_band 3");
    ok(config_number(c, "rules.DISCONNECT.cs_max_band", 0) == 1, "cs_max_band 1");
    ok(config_number(c, "rules.DUPLICATE_CASE.window_days", 0) == 90, "DUPLICATE_CASE 90 days");
    ok(config_number(c, "rules.REPEATED_SCRUTINY.window_days", 0) == 180, "REPEATED 180 days");
    ok(config_number(c, "rules.REPEATED_SCRUTINY.max_gap", 0) == 1, "REPEATED max_gap 1");
    ok(config_number(c, "rules.OVERLOAD.window_days", 0) == 90, "OVERLOAD 90 days");
    ok(config_number(c, "rules.OVERLOAD.min_events", 0) == 5, "OVERLOAD min_events 5");
    ok(config_number(c, "rules.OVERLOAD.min_hours", 0) == 300, "OVERLOAD min_hours 300");
    ok(config_strings(c, "rules.OVERLOAD.exclude_kinds", list, 8) == 1 &&
           strcmp(list[0], "CONTRACT_RETURN") == 0, "OVERLOAD exclude_kinds");
    ok(config_number(c, "rules.INTENSIFICATION.follow_days", 0) == 183, "follow_days 183");
    ok(config_number(c, "rules.INTENSIFICATION.min_events", 0) == 3, "INTENSIFICATION min 3");
    ok(config_strings(c, "rules.INTENSIFICATION.trigger_kinds", list, 8) == 2 &&
           strcmp(list[0], "INSPECTION") == 0 && strcmp(list[1], "THEMATIC") == 0,
       "trigger_kinds");
    ok(config_number(c, "rules.DUPLICATE_RECOMMENDATION.min_similarity", 0) == 0.5,
       "min_similarity 0.5");
    ok(config_bool(c, "rules.compare_parent_child", true) == false, "compare_parent_child");
    ok(config_number(c, "cost_model.INSPECTION.base_hours", 0) == 60, "INSPECTION 60 h");
    ok(config_number(c, "cost_model.AUDIT.per_case", 0) == 1.5, "AUDIT 1.5 h a case");
    ok(config_number(c, "cost_model.SHADOW_INSPECTION.base_hours", 0) == 24, "SHADOW 24 h");
    ok(config_number(c, "cost_model.MO_CHECK.per_case", 0) == 0.5, "MO_CHECK 0.5 h a case");
    ok(config_number(c, "cost_model.CONTRACT_RETURN.per_case", 9) == 0, "CONTRACT_RETURN 0");
    is_int(config_count(c, "inboxes"), 0, "no inboxes");
    is_int(config_count(c, "schedules"), 0, "no schedules");
    ok(config_string(c, "time_zone", NULL) == NULL, "time_zone unset");
    is_str(config_string(c, "reports.folder", NULL), "reports", "reports.folder");
    ok(config_strings(c, "reports.formats", list, 8) == 2 && strcmp(list[0], "html") == 0,
       "reports.formats");
    ok(config_number(c, "reports.keep", 0) == 10, "reports.keep 10");
    is_str(config_string(c, "log.level", NULL), "info", "log.level");
    is_str(config_string(c, "log.format", NULL), "plain", "log.format");
    ok(config_number(c, "no.such.setting", 42) == 42, "an unknown path gives def");
    ok(config_number(c, "database", 42) == 42, "the wrong kind of lookup gives def");
    ok(!config_is_set(c, "database"), "nothing is set");
    sbuf_init(&b);
    is_int(config_check(c, &b), 0, "defaults have no problems");
    sbuf_free(&b);
    config_free(c);
}

static void test_overrides(void)
{
    const char *list[4];
    struct config *c = load_text("o.lua",
                                 "-- a comment\n"
                                 "database = \"data/my.db\"\n"
                                 "plugin_dirs = { \"a\", \"b\" }\n"
                                 "rule_dirs = \"my-rules\"\n"
                                 "\n"
                                 "rules = {\n"
                                 "  OVERLOAD = { min_events = 7 },\n"
                                 "  CONTRADICTION = { severity = \"high\", window_days = 183 },\n"
                                 "}\n"
                                 "local twice = 2\n"
                                 "privacy = { keep_raw_case_refs = true }; log = { level = \"debug\" }\n"
                                 "inboxes = {\n"
                                 "  { path = \"inbox/hmip\", plugin = \"hmip-ratings\" },\n"
                                 "  { path = \"inbox/any\", settle_seconds = twice * 5 },\n"
                                 "}\n"
                                 "units = { accept_fuzzy = 0.9 }\n");

    ok(c != NULL, "a file with overrides loads");
    if (c == NULL)
        return;
    is_str(config_string(c, "database", NULL), "data/my.db", "database overridden");
    ok(config_strings(c, "plugin_dirs", list, 4) == 2 && strcmp(list[1], "b") == 0,
       "plugin_dirs: a list");
    ok(config_strings(c, "rule_dirs", list, 4) == 1 && strcmp(list[0], "my-rules") == 0,
       "rule_dirs: one string is a list of one");
    is_int(config_strings(c, "plugin_dirs", list, 1), 2, "strings: the count even past max");
    ok(config_number(c, "rules.OVERLOAD.min_events", 0) == 7, "nested override");
    ok(config_number(c, "rules.OVERLOAD.window_days", 0) == 90, "its sibling keeps its default");
    ok(config_number(c, "rules.OVERLOAD.min_hours", 0) == 300, "another sibling too");
    ok(config_strings(c, "rules.OVERLOAD.exclude_kinds", list, 4) == 1, "and a list sibling");
    ok(config_number(c, "rules.CONTRADICTION.min_gap", 0) == 2, "another rule keeps defaults");
    ok(config_number(c, "rules.CONTRADICTION.window_days", 0) == 183, "window_days set");
    is_str(config_string(c, "rules.CONTRADICTION.severity", "medium"), "high", "severity set");
    ok(config_number(c, "rules.DIVERGENCE.process_min_band", 0) == 3, "an unset rule: defaults");
    ok(config_bool(c, "privacy.keep_raw_case_refs", false), "privacy on one line");
    is_str(config_string(c, "log.level", NULL), "debug", "second statement on that line");
    is_str(config_string(c, "log.format", NULL), "plain", "log.format keeps its default");
    ok(config_number(c, "units.accept_fuzzy", 0) == 0.9, "accept_fuzzy");
    is_int(config_count(c, "inboxes"), 2, "two inboxes");
    is_str(config_string(c, "inboxes.1.path", NULL), "inbox/hmip", "inboxes.1.path");
    is_str(config_string(c, "inboxes[1].plugin", NULL), "hmip-ratings", "inboxes[1].plugin");
    ok(config_string(c, "inboxes.2.plugin", NULL) == NULL, "plugin unset: def");
    is_str(config_string(c, "inboxes.2.processed", NULL), "processed", "processed default");
    ok(config_number(c, "inboxes.2.settle_seconds", 0) == 10, "settle_seconds computed");
    ok(config_number(c, "inboxes.1.settle_seconds", 0) == 2, "settle_seconds default");
    ok(config_string(c, "inboxes.3.path", NULL) == NULL, "no third inbox");
    ok(config_is_set(c, "rules.OVERLOAD.min_events"), "is_set: set");
    ok(!config_is_set(c, "rules.OVERLOAD.window_days"), "is_set: a default is not set");
    is_int(config_line(c, "database"), 2, "line of database");
    is_int(config_line(c, "rules.OVERLOAD.min_events"), 6,
           "a nested key has the line where its top-level assignment starts");
    is_int(config_line(c, "privacy"), 11, "line of privacy");
    is_int(config_line(c, "log.level"), 11, "line of a second statement on a line");
    is_int(config_line(c, "inboxes.2.path"), 12, "line of a list entry");
    is_int(config_line(c, "time_zone"), 0, "line of an unset setting: 0");

    char *p = config_resolve(c, "data/my.db");
    is_str(p, "data/my.db", "config_resolve: a file in the current folder: as it is");
    free(p);

    struct sbuf b;
    sbuf_init(&b);
    is_int(config_check(c, &b), 0, "the file has no problems");
    if (b.s)
        printf("# %s", b.s);
    sbuf_free(&b);
    config_free(c);

    /* A file elsewhere: relative paths in it are relative to its folder. */
    char abs[128], want[160];
    struct cc_error err = { 0 };
    snprintf(abs, sizeof abs, "%s/%s", tmpdir, write_file("abs.lua", "database = \"my.db\"\n"));
    ok(config_load(&c, abs, &err) == CC_OK, "a file by its absolute path");
    p = config_resolve(c, config_string(c, "database", NULL));
    snprintf(want, sizeof want, "%s/my.db", tmpdir);
    is_str(p, want, "config_resolve: relative to the file's folder");
    free(p);
    p = config_resolve(c, "/abs/x");
    is_str(p, "/abs/x", "config_resolve: an absolute path stays");
    free(p);
    is_str(config_path(c), abs, "config_path: as given");
    config_free(c);
}

static void test_scales_push(void)
{
    struct config *c = load_text("s.lua",
                                 "scales = { scales = { { name = \"rag\", kind = \"values\", "
                                 "values = { GREEN = 4, RED = 1 } } }, defaults = {} }\n");
    lua_State *L = luaL_newstate();

    ok(c != NULL, "scales: loads");
    config_push(c, "scales", L);
    ok(lua_istable(L, -1), "config_push: a table");
    lua_getfield(L, -1, "scales");
    lua_rawgeti(L, -1, 1);
    lua_getfield(L, -1, "name");
    is_str(lua_tostring(L, -1), "rag", "pushed: scales[1].name");
    lua_pop(L, 1);
    lua_getfield(L, -1, "values");
    lua_getfield(L, -1, "GREEN");
    ok(lua_isinteger(L, -1) && lua_tointeger(L, -1) == 4, "pushed: a whole number stays one");
    lua_settop(L, 0);
    config_push(c, "time_zone", L);
    ok(lua_isnil(L, -1), "config_push: nil when unset");
    ok(config_number(c, "scales.scales.1.values.RED", 0) == 1,
       "lookups reach into a pass-through table");
    lua_close(L);
    config_free(c);
}

/* Settings of rules written in Lua: rules.<ID> for ids that are not built-in rules. */
static void test_lua_rules(void)
{
    const char *keys[8];
    struct config *c = load_text("lr.lua",
                                 "rules = {\n"
                                 "  STALLED_RECOMMENDATION = { days = 120, severity = \"high\",\n"
                                 "                             list = { 1, 2 } },\n"
                                 "  OVERLOAD = { min_events = 6 },\n"
                                 "  T2 = { enabled = false },\n"
                                 "}\n");
    lua_State *L = luaL_newstate();
    struct sbuf b;

    ok(c != NULL, "Lua rules' settings load");
    if (c == NULL) {
        lua_close(L);
        return;
    }
    sbuf_init(&b);
    is_int(config_check(c, &b), 0, "and are no problem");
    sbuf_free(&b);
    ok(config_number(c, "rules.STALLED_RECOMMENDATION.days", 0) == 120, "a Lua rule's own setting");
    is_str(config_string(c, "rules.STALLED_RECOMMENDATION.severity", NULL), "high",
           "its severity");
    ok(config_bool(c, "rules.STALLED_RECOMMENDATION.enabled", false), "enabled by default");
    ok(!config_bool(c, "rules.T2.enabled", true), "or not");
    ok(config_number(c, "rules.STALLED_RECOMMENDATION.undated_days", 365) == 365,
       "an unset setting of a Lua rule: def");
    ok(config_number(c, "rules.NO_SUCH_RULE.days", 7) == 7, "an unconfigured Lua rule: def");
    ok(config_bool(c, "rules.NO_SUCH_RULE.enabled", false), "and enabled");
    config_push(c, "rules.STALLED_RECOMMENDATION.days", L);
    ok(lua_isinteger(L, -1) && lua_tointeger(L, -1) == 120, "config_push gives it to the rule");
    config_push(c, "rules.STALLED_RECOMMENDATION.list", L);
    ok(lua_istable(L, -1) && luaL_len(L, -1) == 2, "tables too");
    is_int(config_keys(c, "rules", keys, 8), 3, "config_keys: the rules configured");
    ok(strcmp(keys[0], "OVERLOAD") == 0 && strcmp(keys[1], "STALLED_RECOMMENDATION") == 0 &&
           strcmp(keys[2], "T2") == 0, "sorted");
    is_int(config_keys(c, "rules.T2", keys, 0), 1, "config_keys counts past max");
    is_int(config_keys(c, "database", keys, 8), 0, "config_keys of a string: none");
    lua_close(L);
    config_free(c);

    one_problem("rules = { CONTRADICTON = { min_gap = 2 } }\n",
                "p.lua:1: rules.CONTRADICTON: unknown rule (did you mean 'CONTRADICTION'?)\n",
                "a near miss of a built-in rule is a typo, not a Lua rule");
    one_problem("rules = { stalled = { days = 2 } }\n",
                "p.lua:1: rules.stalled: unknown rule\n",
                "a name that cannot be a rule id");
    one_problem("rules = { MY_RULE = { severity = \"urgent\" } }\n",
                "p.lua:1: rules.MY_RULE.severity: expected \"low\", \"medium\" or \"high\", "
                "got \"urgent\"\n",
                "a Lua rule's severity is checked");
    one_problem("rules = { MY_RULE = { days = function() end } }\n",
                "p.lua:1: rules.MY_RULE.days: expected data (strings, numbers, booleans, "
                "tables), got a function\n",
                "a Lua rule's settings are data");
}

static void test_problems(void)
{
    one_problem("rules = {\n  CONTRADICTION = {\n    window_days = \"six months\",\n  },\n}\n",
                "p.lua:1: rules.CONTRADICTION.window_days: expected a number of days, "
                "got a string\n",
                "wrong type, nested, with the line of the top-level assignment");
    one_problem("\n\nrules = { OVERLOAD = { window_days = -5 } }\n",
                "p.lua:3: rules.OVERLOAD.window_days: expected a whole number of days "
                "from 0 to 36600, got -5\n",
                "a negative window");
    one_problem("rules = { OVERLOAD = { window_days = 90.5 } }\n",
                "p.lua:1: rules.OVERLOAD.window_days: expected a whole number of days "
                "from 0 to 36600, got 90.5\n",
                "a fractional number of days");
    one_problem("rules = { DIVERGENCE = { quality_max_band = 0 } }\n",
                "p.lua:1: rules.DIVERGENCE.quality_max_band: expected a band from 1 to 4, "
                "got 0\n",
                "a band below 1");
    one_problem("rules = { DISCONNECT = { cs_max_band = 2, org_min_band = 5 } }\n",
                "p.lua:1: rules.DISCONNECT.org_min_band: expected a band from 1 to 4, "
                "got 5\n",
                "a band above 4");
    one_problem("rules = { DUPLICATE_RECOMMENDATION = { min_similarity = 1.5 } }\n",
                "p.lua:1: rules.DUPLICATE_RECOMMENDATION.min_similarity: expected a "
                "similarity from 0 to 1, got 1.5\n",
                "a similarity above 1");
    one_problem("units = { accept_fuzzy = -0.1 }\n",
                "p.lua:1: units.accept_fuzzy: expected a score from 0 to 1, got -0.1\n",
                "a score below 0");
    one_problem("databse = \"x.db\"\n",
                "p.lua:1: databse: unknown setting (did you mean 'database'?)\n",
                "an unknown setting with a suggestion");
    one_problem("colour = \"blue\"\n", "p.lua:1: colour: unknown setting\n",
                "an unknown setting without one");
    one_problem("rules = { OVERLOAD = { window_dyas = 30 } }\n",
                "p.lua:1: rules.OVERLOAD.window_dyas: unknown setting (did you mean "
                "'window_days'?)\n",
                "two letters swapped");
    one_problem("rules = { OVERLOAD = { min_event = 3 } }\n",
                "p.lua:1: rules.OVERLOAD.min_event: unknown setting (did you mean "
                "'min_events'?)\n",
                "an unknown nested setting");
    one_problem("rules = { Contradiction = {} }\n",
                "p.lua:1: rules.Contradiction: unknown rule (did you mean "
                "'CONTRADICTION'?)\n",
                "an unknown rule: case differs");
    one_problem("cost_model = { INSPECTON = { base_hours = 1 } }\n",
                "p.lua:1: cost_model.INSPECTON: unknown event kind (did you mean "
                "'INSPECTION'?)\n",
                "an unknown event kind");
    one_problem("privacy = { keep_raw_case_refs = \"yes\" }\n",
                "p.lua:1: privacy.keep_raw_case_refs: expected true or false, got a string\n",
                "a boolean expected");
    one_problem("privacy = true\n",
                "p.lua:1: privacy: expected a table of privacy settings, got a boolean\n",
                "a table expected");
    one_problem("database = \"\"\n",
                "p.lua:1: database: expected a file path, got an empty string\n",
                "an empty path");
    one_problem("plugin_dirs = { \"a\", 3 }\n",
                "p.lua:1: plugin_dirs[2]: expected a folder, got a number\n",
                "a list entry of the wrong type");
    one_problem("plugin_dirs = 3\n",
                "p.lua:1: plugin_dirs: expected a list of folders (or one string), got a "
                "number\n",
                "a list expected");
    one_problem("plugin_dirs = { first = \"a\" }\n",
                "p.lua:1: plugin_dirs: expected a list of folders, got a table with the "
                "name 'first'\n",
                "a table that is not a list");
    one_problem("rules = { OVERLOAD = { exclude_kinds = { \"CONTRACT_RETRUN\" } } }\n",
                "p.lua:1: rules.OVERLOAD.exclude_kinds[1]: expected \"INSPECTION\", "
                "\"THEMATIC\", \"AUDIT\", \"CONTRACT_RETURN\", \"QA_AUDIT\", "
                "\"SHADOW_INSPECTION\", \"MO_CHECK\" or \"ROSH_AUDIT\", got \"CONTRACT_RETRUN\" "
                "(did you mean \"CONTRACT_RETURN\"?)\n",
                "a value not among the choices");
    one_problem("rules = { CONTRADICTION = { severity = \"critical\" } }\n",
                "p.lua:1: rules.CONTRADICTION.severity: expected \"low\", \"medium\" or "
                "\"high\", got \"critical\"\n",
                "a severity not among the choices");
    one_problem("log = { level = \"warning\" }\n",
                "p.lua:1: log.level: expected \"error\", \"warn\", \"info\" or \"debug\", "
                "got \"warning\" (did you mean \"warn\"?)\n",
                "a log level, with a suggestion");
    one_problem("time_zone = \"Europe/London \"\n",
                "p.lua:1: time_zone: expected a time zone name (\"Europe/London\", \"UTC\"), "
                "got \"Europe/London \": a time zone name has letters, digits, '/', '_', '+' "
                "and '-' only\n",
                "a time zone");
    one_problem("schedules = { { name = \"weekly\", cron = \"0 24 * * 1\" } }\n",
                "p.lua:1: schedules[1].cron: expected a cron expression \"MINUTE HOUR DAY "
                "MONTH WEEKDAY\", got \"0 24 * * 1\": field 2 (hour): 24 is out of range 0-23\n",
                "a cron hour out of range");
    one_problem("schedules = { { name = \"w\", cron = \"0 6 * *\" } }\n",
                "p.lua:1: schedules[1].cron: expected a cron expression \"MINUTE HOUR DAY "
                "MONTH WEEKDAY\", got \"0 6 * *\": expected 5 fields (minute hour day-of-month "
                "month day-of-week), got 4\n",
                "a cron expression with four fields");
    one_problem("schedules = { { name = \"w\", cron = \"*/15 6-18/2 1,15 * sunday\" } }\n",
                "p.lua:1: schedules[1].cron: expected a cron expression \"MINUTE HOUR DAY "
                "MONTH WEEKDAY\", got \"*/15 6-18/2 1,15 * sunday\": field 5 (day-of-week): "
                "unknown day name 'sunday' (SUN-SAT)\n",
                "a cron weekday that is no name");
    one_problem("schedules = { { name = \"w\", cron = \"0 6 * * 1\", jobs = { \"import\", "
                "\"reports\" } } }\n",
                "p.lua:1: schedules[1].jobs[2]: expected \"import\", \"reconcile\" or "
                "\"report\", got \"reports\" (did you mean \"report\"?)\n",
                "a job not among the choices");
    one_problem("schedules = { { name = \"w\", cron = \"0 6 * * 1\", jobs = {} } }\n",
                "p.lua:1: schedules[1].jobs: expected a list of jobs, got an empty list\n",
                "no jobs");
    one_problem("schedules = { { cron = \"0 6 * * 1\" } }\n",
                "p.lua:1: schedules[1]: missing name (required)\n",
                "a required field missing");
    one_problem("inboxes = { path = \"inbox\" }\n",
                "p.lua:1: inboxes: expected a list of inboxes ({ { path = ... }, ... }), "
                "got a table with the name 'path'\n",
                "one record where a list is expected");
    one_problem("inboxes = { \"inbox\" }\n",
                "p.lua:1: inboxes[1]: expected an inbox (a table such as { path = "
                "\"inbox\" }), got a string\n",
                "a list entry that is not a record");
    one_problem("inboxes = { { path = \"in\", setle_seconds = 5 } }\n",
                "p.lua:1: inboxes[1].setle_seconds: unknown inbox setting (did you mean "
                "'settle_seconds'?)\n",
                "an unknown field in a record");
    one_problem("inboxes = { { path = \"in\" }, { path = \"in\" } }\n",
                "p.lua:1: inboxes[2].path: the same folder as inboxes[1]\n",
                "two inboxes on one folder");
    one_problem("rules = { CONTRADICTION = { min_gap = 3, high_gap = 2 } }\n",
                "p.lua:1: rules.CONTRADICTION.high_gap: must be at least min_gap (3), "
                "got 2\n",
                "thresholds that contradict each other");
    one_problem("rules = { DIVERGENCE = { process_min_band = 2, quality_max_band = 2 } }\n",
                "p.lua:1: rules.DIVERGENCE.process_min_band: must be above "
                "quality_max_band (2), got 2\n",
                "bands that overlap");
    one_problem("scales = { hmip = { order = function() end } }\n",
                "p.lua:1: scales.hmip.order: expected data (strings, numbers, booleans, "
                "tables), got a function\n",
                "a function inside scales");
    one_problem("scales = \"mine\"\n",
                "p.lua:1: scales: expected a table of rating scales, got a string\n",
                "scales must be a table");
    one_problem("local t = {}\nt.again = t\nscales = t\n",
                "p.lua:3: scales.again: expected data (strings, numbers, booleans, tables), "
                "got a table that contains itself\n",
                "a table that contains itself");
    one_problem("reports = { keep = function() return 3 end }\n",
                "p.lua:1: reports.keep: expected a number of reports, got a function\n",
                "a function where a number belongs");
    one_problem("return { database = \"x\" }\n",
                "p.lua: the file returns a value: write settings as top-level assignments "
                "(database = \"concord.db\"), not return { ... }\n",
                "a file that returns a table");

    /* Several problems: in the order of the file, each with its own line. */
    int n;
    char *got = problems_of("database = 1\n"
                            "log = {\n"
                            "  level = \"loud\",\n"
                            "  format = \"xml\",\n"
                            "}\n"
                            "\n"
                            "reports = { keep = 1.5 }\n",
                            &n);
    is_str(got,
           "p.lua:1: database: expected a file path, got a number\n"
           "p.lua:2: log.format: expected \"plain\" or \"json\", got \"xml\"\n"
           "p.lua:2: log.level: expected \"error\", \"warn\", \"info\" or \"debug\", got "
           "\"loud\"\n"
           "p.lua:7: reports.keep: expected a whole number of reports from 0 to 100000, "
           "got 1.5\n",
           "several problems, by line");
    is_int(n, 4, "four problems");
    free(got);

    /* A value with problems does not count: lookups give the default. */
    struct config *c = load_text("d.lua", "rules = { OVERLOAD = { window_days = -1 } }\n"
                                          "log = { level = \"loud\" }\n");
    ok(config_number(c, "rules.OVERLOAD.window_days", 0) == 90, "a bad number: the default");
    is_str(config_string(c, "log.level", NULL), "info", "a bad choice: the default");
    ok(config_is_set(c, "log.level"), "though the file sets it");
    config_free(c);

    struct cc_error err = { 0 };
    setenv("CONCORD_CONFIG", write_file("bad.lua", "databse = 1\nlog = 2\n"), 1);
    ok(config_load_checked(&c, NULL, &err) == CC_EDATA && c == NULL,
       "config_load_checked refuses a file with problems");
    is_str(err.msg, "bad.lua:1: databse: unknown setting (did you mean 'database'?)\n"
                    "bad.lua:2: log: expected a table of log settings, got a number",
           "with every problem in the message");
    cc_error_clear(&err);
    setenv("CONCORD_CONFIG", write_file("good.lua", "database = \"g.db\"\n"), 1);
    ok(config_load_checked(&c, NULL, &err) == CC_OK, "$CONCORD_CONFIG is used");
    is_str(config_string(c, "database", NULL), "g.db", "its settings");
    config_free(c);
    ok(strcmp(config_locate("given.lua"), "given.lua") == 0, "a given file wins");
    unsetenv("CONCORD_CONFIG");
    ok(config_locate(NULL) == NULL, "no file: defaults only");
    write_file("concord.lua", "database = \"here.db\"\n");
    is_str(config_locate(NULL), "concord.lua", "else ./concord.lua");
}

static void test_sandbox(void)
{
    struct cc_error err = { 0 };
    char want[512];

    is_int(load_error("u.lua", "database = \"x.db\"\nrules = { OVERLOAD = { window_days = "
                               "days } }\n", &err),
           CC_EDATA, "reading an unknown name fails the load");
    snprintf(want, sizeof want, "%s:2: unknown name 'days': a configuration file only assigns settings "
             "(name = value): it cannot read other names or call functions", "u.lua");
    is_str(err.msg, want, "with the line and the name");

    cc_error_clear(&err);
    struct config *c = load_text("r.lua", "database = \"x.db\"\nplugin_dirs = { database }\n");
    ok(c && config_count(c, "plugin_dirs") == 1, "a setting assigned already can be read back");
    config_free(c);

    is_int(load_error("x.lua", "database = \"x.db\"\nos.execute(\"touch executed\")\n", &err),
           CC_EDATA, "os.execute fails the load");
    snprintf(want, sizeof want, "%s:2: unknown name 'os': a configuration file only "
             "assigns settings (name = value): it cannot read other names or call functions", "x.lua");
    is_str(err.msg, want, "os is an unknown name");
    ok(access("executed", F_OK) != 0, "and nothing ran");

    cc_error_clear(&err);
    is_int(load_error("i.lua", "print(\"hi\")\n", &err), CC_EDATA, "print: unknown too");
    cc_error_clear(&err);
    is_int(load_error("q.lua", "local x = require(\"os\")\n", &err), CC_EDATA,
           "require: unknown too");
    cc_error_clear(&err);
    is_int(load_error("l.lua", "database = \"x\"\nwhile true do end\n", &err), CC_EDATA,
           "an endless loop stops");
    snprintf(want, sizeof want, "%s: instruction limit exceeded (20000000 instructions)", "l.lua");
    is_str(err.msg, want, "at the instruction limit");
    cc_error_clear(&err);
    is_int(load_error("m.lua", "database = (\"x\"):rep(1 << 30)\n", &err), CC_EDATA,
           "a memory bomb stops");
    snprintf(want, sizeof want, "%s: memory limit exceeded (32 MiB)", "m.lua");
    is_str(err.msg, want, "at the memory limit");
    cc_error_clear(&err);
    is_int(load_error("y.lua", "database = \"x\"\nrules = {\n", &err), CC_EDATA,
           "a syntax error fails the load");
    snprintf(want, sizeof want, "%s:3: unexpected symbol near <eof>", "y.lua");
    is_str(err.msg, want, "with Lua's message and line");
    cc_error_clear(&err);
    is_int(load_error("b.lua", "\x1bLua\x54", &err), CC_EDATA, "bytecode is refused");
    cc_error_clear(&err);
    is_int(load_error("e.lua", "x = 1\nerror(\"stop\")\n", &err), CC_EDATA, "error(): unknown");
    cc_error_clear(&err);
    is_int(load_error("k.lua", "_ENV[1] = 2\n", &err), CC_EDATA, "a setting needs a name");
    snprintf(want, sizeof want, "%s:1: a setting needs a name (name = value)", "k.lua");
    is_str(err.msg, want, "and says so");
    cc_error_clear(&err);
    c = NULL;
    is_int(config_load(&c, "/nonexistent/concord.lua", &err), CC_ENOINPUT, "a missing file");
    ok(c == NULL, "no config then");
}

/* config_show's output loads, has no problems and gives the same values. */
static void test_round_trip(void)
{
    static const char *const paths[] = {
        "database", "rules.OVERLOAD.min_events", "rules.OVERLOAD.window_days",
        "rules.CONTRADICTION.severity", "rules.CONTRADICTION.window_days", "rules.MINE.days",
        "rules.DUPLICATE_RECOMMENDATION.min_similarity", "cost_model.AUDIT.per_case",
        "inboxes.1.path", "inboxes.1.settle_seconds", "inboxes.2.plugin", "schedules.1.cron",
        "time_zone", "log.level", "units.accept_fuzzy", "scales.x.y", "scales.weird key",
        "privacy.key_file",
    };
    struct config *a = load_text("rt.lua",
                                 "database = \"a \\\"quoted\\\"\\n.db\"\n"
                                 "plugin_dirs = \"p\"\n"
                                 "rules = { OVERLOAD = { min_events = 7 },\n"
                                 "  CONTRADICTION = { severity = \"low\", window_days = 200 },\n"
                                 "  DUPLICATE_RECOMMENDATION = { min_similarity = 0.1 },\n"
                                 "  MINE = { days = 12, note = \"x\" } }\n"
                                 "cost_model = { AUDIT = { per_case = 1.25 } }\n"
                                 "inboxes = { { path = \"in\", plugin = \"osag\", "
                                 "settle_seconds = 0.5 }, { path = \"in2\" } }\n"
                                 "schedules = { { name = \"weekly\", cron = \"0 6 * * 1\", "
                                 "jobs = \"import\" } }\n"
                                 "time_zone = \"Europe/London\"\n"
                                 "log = { level = \"warn\" }\n"
                                 "units = { accept_fuzzy = 0.85 }\n"
                                 "scales = { x = { y = 1/3, z = { 1, 2, 3 } }, "
                                 "[\"weird key\"] = \"v\", [\"end\"] = true }\n");
    struct config *b = NULL, *d = NULL, *e = NULL;
    struct cc_error err = { 0 };
    char path[256];
    FILE *f;
    struct sbuf p;

    ok(a != NULL, "round trip: the source loads");
    if (a == NULL)
        return;
    snprintf(path, sizeof path, "shown.lua");
    f = fopen(path, "w");
    config_show(a, f);
    fclose(f);
    if (nmade < 64)
        snprintf(made[nmade++], sizeof made[0], "%s", path);
    ok(config_load(&b, path, &err) == CC_OK, "config_show's output loads");
    if (b == NULL) {
        printf("# %s\n", err.msg);
        config_free(a);
        return;
    }
    sbuf_init(&p);
    sbuf_adds(&p, "");
    is_int(config_check(b, &p), 0, "and has no problems");
    if (p.len)
        printf("# %s", p.s);
    sbuf_free(&p);
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        const char *sa = config_string(a, paths[i], "(none)");
        const char *sb = config_string(b, paths[i], "(none)");
        double na = config_number(a, paths[i], -7), nb = config_number(b, paths[i], -7);
        ok(strcmp(sa, sb) == 0 && na == nb, "round trip keeps %s", paths[i]);
    }
    const char *l1[4], *l2[4];
    ok(config_strings(b, "plugin_dirs", l2, 4) == 1 && strcmp(l2[0], "p") == 0,
       "round trip keeps plugin_dirs");
    ok(config_strings(a, "schedules.1.jobs", l1, 4) == 1 &&
           config_strings(b, "schedules.1.jobs", l2, 4) == 1 && strcmp(l1[0], l2[0]) == 0,
       "round trip keeps schedules.1.jobs");
    ok(config_number(b, "rules.OVERLOAD.window_days", 0) == 90, "defaults written out");
    ok(config_is_set(b, "rules.OVERLOAD.window_days"), "and set in the shown file");
    ok(config_bool(b, "scales.end", false), "a keyword key survives");

    /* Defaults only: the output is a file config check accepts, with every default. */
    ok(config_load(&d, NULL, &err) == CC_OK, "defaults load");
    snprintf(path, sizeof path, "defaults.lua");
    f = fopen(path, "w");
    config_show(d, f);
    fclose(f);
    if (nmade < 64)
        snprintf(made[nmade++], sizeof made[0], "%s", path);
    ok(config_load(&e, path, &err) == CC_OK, "shown defaults load");
    sbuf_init(&p);
    sbuf_adds(&p, "");
    is_int(e ? config_check(e, &p) : -1, 0, "shown defaults have no problems");
    if (p.len)
        printf("# %s", p.s);
    sbuf_free(&p);
    ok(config_number(e, "cost_model.INSPECTION.base_hours", 0) == 60 &&
           config_is_set(e, "cost_model.INSPECTION.base_hours"),
       "every default is written");
    ok(!config_is_set(e, "time_zone"), "settings without a default stay unset");
    config_free(a);
    config_free(b);
    config_free(d);
    config_free(e);
}

int main(void)
{
    if (mkdtemp(tmpdir) == NULL) {
        printf("Bail out! mkdtemp failed\n");
        return 1;
    }
    if (chdir(tmpdir) != 0) {
        printf("Bail out! cannot enter %s\n", tmpdir);
        return 1;
    }
    unsetenv("CONCORD_CONFIG");
    test_defaults();
    test_overrides();
    test_scales_push();
    test_problems();
    test_lua_rules();
    test_sandbox();
    test_round_trip();
    for (size_t i = 0; i < nmade; i++)
        unlink(made[i]);
    if (chdir("/") == 0)
        rmdir(tmpdir);
    return tap_done();
}
