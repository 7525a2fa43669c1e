/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for core/register.c: normalising and comparing unit names,
 * loading the built-in register (and a user's register), the resolution
 * order, proposals for near misses, recording unresolved names, accepting
 * proposals above a threshold, and a person's confirmation.
 *
 * The built-in register is read from $CONCORD_PLUGIN_DIR, or from the
 * plugins/ folder next to this file's tests/ folder.
 */
#include "register.h"
#include "store.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct store *st;
static char tmpdir[64] = "/tmp/concord-test-units-XXXXXX";
static char plugins[4096];

static void find_plugins(void)
{
    const char *env = getenv("CONCORD_PLUGIN_DIR");
    const char *slash = strrchr(__FILE__, '/');

    char probe[4200];

    if (env && *env) {
        snprintf(plugins, sizeof plugins, "%s", env);
        return;
    }
    /* meson compiles "../tests/unit/test_units.c" from the build folder, where tests run. */
    snprintf(plugins, sizeof plugins, "%.*s/../../plugins", slash ? (int)(slash - __FILE__) : 1,
             slash ? __FILE__ : ".");
    static const char *const others[] = { "plugins", "../plugins" };
    for (size_t i = 0; i < 2; i++) {
        snprintf(probe, sizeof probe, "%s/register/units.lua", plugins);
        if (access(probe, R_OK) == 0)
            return;
        snprintf(plugins, sizeof plugins, "%s", others[i]);
    }
}

static const char *norm(const char *in)
{
    static struct sbuf b;
    static char out[512];

    sbuf_init(&b);
    unit_normalise(in, &b);
    snprintf(out, sizeof out, "%s", b.s);
    sbuf_free(&b);
    return out;
}

static void check_norm(const char *in, const char *want)
{
    is_str(norm(in), want, "normalise '%s'", in);
}

/* "CODE via" for a name, or "ERR: message". */
static const char *resolve(const char *name)
{
    static char out[2200];
    struct unit_resolver r;
    struct cc_error err = { 0 };
    const char *via = NULL;
    int64_t id = 0;

    unit_resolver_init(&r, st);
    if (unit_resolve(&r, name, &id, &via, &err) == CC_OK)
        snprintf(out, sizeof out, "%s %s", unit_code(&r, id), via);
    else
        snprintf(out, sizeof out, "ERR: %s", err.msg);
    unit_resolver_free(&r);
    return out;
}

static void check_resolves(const char *name, const char *code)
{
    char want[64];
    const char *got = resolve(name);
    size_t n = strlen(code);

    snprintf(want, sizeof want, "%s", code);
    if (!ok(strncmp(got, want, n) == 0 && got[n] == ' ', "'%s' resolves to %s", name, code))
        printf("#   got: %s\n", got);
}

static long long count(const char *sql, const char *arg)
{
    sqlite3_stmt *s;
    long long n = -1;

    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
        printf("# bad sql: %s: %s\n", sql, sqlite3_errmsg(st->db));
        return -1;
    }
    if (arg)
        sqlite3_bind_text(s, 1, arg, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

static const char *text(const char *sql, const char *arg)
{
    static char out[1024];
    sqlite3_stmt *s;

    snprintf(out, sizeof out, "(none)");
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return out;
    if (arg)
        sqlite3_bind_text(s, 1, arg, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        snprintf(out, sizeof out, "%s", sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return out;
}

static void write_file(const char *path, const char *content)
{
    FILE *f = fopen(path, "w");

    if (f) {
        fputs(content, f);
        fclose(f);
    }
}

/* ---------------------------------------------------------------- */

static void test_normalise(void)
{
    check_norm("Kent, Surrey & Sussex CRC", "kent surrey and sussex crc");
    check_norm("Kent Surrey and Sussex Community Rehabilitation Company",
               "kent surrey and sussex crc");
    check_norm("Northumbria Community Rehabilitation Company Ltd", "northumbria crc");
    check_norm("Northumbria C.R.C.", "northumbria crc");
    check_norm("NORTHUMBRIA   CRC  ", "northumbria crc");
    check_norm("King\xe2\x80\x99s Lynn", "kings lynn");
    check_norm("King's Lynn", "kings lynn");
    check_norm("Gateshead and South Tyneside PDU", "gateshead and south tyneside");
    check_norm("Gateshead & South Tyneside Probation Delivery Unit",
               "gateshead and south tyneside");
    check_norm("National Probation Service \xe2\x80\x93 Wales", "nps wales");
    check_norm("N.P.S.\xc2\xa0Midlands", "nps midlands");
    check_norm("PDU", "pdu");
    check_norm("Buckinghamshire and M Keynes", "buckinghamshire and m keynes");
    check_norm("NPS-N01", "nps n01");
    check_norm("", "");
    check_norm("--", "");
    check_norm("Ynys M\xc3\xb4n", "ynys m\xc3\xb4n");
}

static void test_similarity(void)
{
    const char *a = "west mercia and warwickshire crc", *b = "warwickshire and west mercia crc";
    double s1 = unit_similarity(a, b), s2 = unit_similarity(b, a);

    ok(unit_similarity("gateshead", "gateshead") == 1.0, "identical names score 1");
    ok(s1 == s2, "similarity is symmetric (%.4f, %.4f)", s1, s2);
    ok(s1 >= 0.8 && s1 < 1, "reordered words score high but not 1 (%.2f)", s1);
    double g = unit_similarity(norm("Gateshed and S Tyneside"), "gateshead and south tyneside");
    ok(g >= 0.85 && g < 1, "a misspelling with an initial scores high (%.2f)", g);
    double u = unit_similarity("sunderland", "cwm taf morgannwg");
    ok(u < 0.5, "unrelated names score low (%.2f)", u);
    ok(unit_similarity("", "x") == 0 || unit_similarity("", "x") < 0.5, "empty scores low");
}

/* domain.md 5.4: the 21 published names and every listed variant. */
static void test_crcs(void)
{
    static const char *const names[] = {
        "Northumbria CRC",
        "Durham Tees Valley CRC",
        "Cumbria and Lancashire CRC",
        "Cheshire and Greater Manchester CRC",
        "Merseyside CRC",
        "West Yorkshire CRC",
        "Humberside, Lincolnshire and North Yorkshire CRC",
        "South Yorkshire CRC",
        "Derbyshire, Leicestershire, Nottinghamshire and Rutland CRC",
        "Staffordshire and West Midlands CRC",
        "Warwickshire and West Mercia CRC",
        "Bedfordshire, Northamptonshire, Cambridgeshire and Hertfordshire CRC",
        "Norfolk and Suffolk CRC",
        "Essex CRC",
        "London CRC",
        "Thames Valley CRC",
        "Hampshire and Isle of Wight CRC",
        "Kent, Surrey and Sussex CRC",
        "Bristol, Gloucestershire, Somerset and Wiltshire CRC",
        "Dorset, Devon and Cornwall CRC",
        "Wales CRC",
    };
    static const char *const variants[][2] = {
        { "Durham and Cleveland CRC", "CRC02" },
        { "North Yorkshire, Humberside and Lincolnshire CRC", "CRC07" },
        { "SouthYorkshire CRC", "CRC08" },
        { "Derbyshire, Nottinghamshire and Leicestershire CRC", "CRC09" },
        { "West Mercia and Warwickshire CRC", "CRC11" },
        { "Northamptonshire, Bedfordshire, Hertfordshire and Cambridgeshire CRC", "CRC12" },
        { "Northamptonshire, Bedfordshire, Hertfordshire and Cambridgshire CRC", "CRC12" },
        { "Hampshire CRC", "CRC17" },
        { "Kent, Surrey and Sussex CRC DATA CaseloadQ2", "CRC18" },
        { "Gloucestershire, Avon and Somerset and Wiltshire CRC", "CRC19" },
        { "Gloucetsershire, Avon and Somerset and Wiltshire CRC", "CRC19" },
    };
    static const char *const loose[][2] = {
        { "NORTHUMBRIA CRC", "CRC01" },
        { "northumbria c.r.c.", "CRC01" },
        { "Durham Tees Valley Community Rehabilitation Company Limited", "CRC02" },
        { "Cheshire & Greater Manchester C.R.C.", "CRC04" },
        { "  Wales   CRC ", "CRC21" },
        { "Kent Surrey & Sussex Community Rehabilitation Company", "CRC18" },
        { "Hampshire & Isle of Wight CRC", "CRC17" },
        { "west mercia & warwickshire crc", "CRC11" },
        { "Dorset Devon and Cornwall CRC", "CRC20" },
        { "Bristol Gloucestershire Somerset & Wiltshire Community Rehabilitation Company",
          "CRC19" },
        { "southyorkshire crc", "CRC08" },
        { "Essex Community Rehabilitation Company Ltd.", "CRC14" },
    };
    char code[8], want[32];

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(code, sizeof code, "CRC%02zu", i + 1);
        snprintf(want, sizeof want, "%s alias", code);
        is_str(resolve(names[i]), want, "published name '%s' is %s, via alias", names[i], code);
    }
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++)
        check_resolves(variants[i][0], variants[i][1]);
    for (size_t i = 0; i < sizeof loose / sizeof loose[0]; i++)
        check_resolves(loose[i][0], loose[i][1]);
    is_str(resolve("NORTHUMBRIA CRC"), "CRC01 normalised",
           "a case variant resolves via normalised");
}

static void test_order(void)
{
    is_str(resolve("N54SOT"), "N54SOT code", "an exact code resolves via code");
    is_str(resolve("n54sot"), "N54SOT normalised", "a code in lower case resolves via normalised");
    is_str(resolve("NPS N01"), "NPS-N01 normalised", "a code written with a space resolves");
    is_str(resolve("Gateshead and South Tyneside"), "N54SOT alias", "a PDU name via alias");
    is_str(resolve("Gateshead & South Tyneside PDU"), "N54SOT normalised", "PDU suffix dropped");
    is_str(resolve("Gateshead and South Tyneside Probation Delivery Unit"), "N54SOT normalised",
           "'Probation Delivery Unit' suffix dropped");
    is_str(resolve("Wales"), "N03 alias", "'Wales' is the region");
    is_str(resolve("Wales Community Rehabilitation Company"), "CRC21 normalised",
           "the long CRC form is the CRC, not the region");
    is_str(resolve("National Probation Service Wales"), "NPS-N03 normalised",
           "'National Probation Service Wales' is the NPS division");
    is_str(resolve("N.P.S. Midlands"), "NPS-N04 normalised", "'N.P.S. Midlands' is NPS-N04");
    is_str(resolve("National Probation Service"), "NPS alias", "the NPS as a whole");
    is_str(resolve("national probation service ltd"), "NPS normalised", "the NPS, loosely");
    is_str(resolve("N03"), "N03 code", "bare N03 is the region (code first)");
    is_str(resolve("N01"), "NPS-N01 alias", "bare N01 is an alias of NPS-N01");
}

static void test_near_miss(void)
{
    struct unit_resolver r;
    struct cc_error err = { 0 };
    int64_t id = 0;
    const char *name = "Gateshed and S Tyneside";

    unit_resolver_init(&r, st);
    int rc = unit_resolve(&r, name, &id, NULL, &err);
    is_int(rc, CC_EDATA, "a near miss is an error, not a link");
    ok(strstr(err.msg, "unit: 'Gateshed and S Tyneside' is not in the unit register; closest: "
                       "N54SOT Gateshead and South Tyneside (0.") != NULL,
       "the error names the best candidate with its score");
    printf("# %s\n", err.msg);
    ok(strstr(err.msg,
              "; confirm one with: concord units alias 'Gateshed and S Tyneside' N54SOT") != NULL,
       "the error says how to confirm it");
    int commas = 0;
    for (const char *p = strstr(err.msg, "closest:"); p && *p && *p != ';'; p++)
        commas += *p == '(';
    is_int(commas, 3, "three candidates are listed");
    is_str(unit_resolver_last_unresolved(&r), name, "the resolver remembers the name");
    is_int(count("SELECT count(*) FROM unit_aliases WHERE alias = ?1", name), 0,
           "no alias was stored");
    is_int(unit_record_unresolved(st, &r, "tests/near-miss.csv"), CC_OK, "recorded");
    unit_resolver_free(&r);
    is_int(count("SELECT times FROM unresolved_units WHERE name = ?1", name), 1,
           "unresolved_units has it once");
    is_str(text("SELECT last_file FROM unresolved_units WHERE name = ?1", name),
           "tests/near-miss.csv", "with the file");
    ok(strstr(text("SELECT candidates FROM unresolved_units WHERE name = ?1", name),
              "{\"code\": \"N54SOT\", \"name\": \"Gateshead and South Tyneside\", \"score\": 0.") ==
           text("SELECT candidates FROM unresolved_units WHERE name = ?1", name) + 1,
       "and the candidates as JSON, best first");

    /* Seen again by another import. */
    unit_resolver_init(&r, st);
    unit_resolve(&r, name, &id, NULL, &err);
    unit_record_unresolved(st, &r, "tests/again.csv");
    unit_resolver_free(&r);
    is_int(count("SELECT times FROM unresolved_units WHERE name = ?1", name), 2,
           "seen twice: times 2");
    is_str(text("SELECT last_file FROM unresolved_units WHERE name = ?1", name),
           "tests/again.csv", "last_file follows");

    /* Nothing close. */
    cc_error_clear(&err);
    unit_resolver_init(&r, st);
    is_int(unit_resolve(&r, "Zzyzx Qqq", &id, NULL, &err), CC_EDATA, "nothing close: error");
    is_str(err.msg,
           "unit: 'Zzyzx Qqq' is not in the unit register (use a code such as N54SOT or a "
           "registered name; see 'concord units')",
           "with nothing close, the message says what would resolve");
    unit_resolver_free(&r);
}

static void test_explain(void)
{
    struct unit_resolver r;
    struct unit_explain x;

    unit_resolver_init(&r, st);
    unit_explain(&r, "Gateshed and S Tyneside", &x);
    is_int(x.step, 0, "explain: unresolved");
    is_str(x.norm, "gateshed and s tyneside", "explain: the normalised form");
    ok(x.ncand == 3 && strcmp(x.cand[0].code, "N54SOT") == 0, "explain: N54SOT first");
    ok(x.ncand == 3 && x.cand[0].score >= x.cand[1].score && x.cand[1].score >= x.cand[2].score,
       "explain: candidates best first");
    unit_explain_free(&x);
    unit_explain(&r, "Gateshead & South Tyneside", &x);
    ok(x.step == 3 && strcmp(x.via, "normalised") == 0 && x.alias &&
           strcmp(x.method, "register") == 0,
       "explain: resolved at step 3 through a register alias");
    unit_explain_free(&x);
    unit_resolver_free(&r);
}

static void test_accept_fuzzy(void)
{
    struct unit_resolver r;
    struct cc_error err = { 0 };
    const char *name = "Gateshed and S Tyneside", *via = NULL;
    int64_t id = 0;

    is_int(store_begin_write(st, 1, &err), CC_OK, "write transaction");
    unit_resolver_init(&r, st);
    unit_resolver_accept_fuzzy(&r, 0.99);
    is_int(unit_resolve(&r, name, &id, &via, &err), CC_EDATA, "below the threshold: error");
    ok(strstr(err.msg, "not accepted") != NULL, "and says it was not accepted");
    cc_error_clear(&err);
    unit_resolver_free(&r);

    unit_resolver_init(&r, st);
    unit_resolver_accept_fuzzy(&r, 0.80);
    is_int(unit_resolve(&r, name, &id, &via, &err), CC_OK, "above the threshold: resolved");
    is_str(via, "fuzzy", "via fuzzy");
    is_str(unit_code(&r, id), "N54SOT", "to the best candidate");
    is_int(unit_resolve(&r, "Staffordshire", &id, &via, &err), CC_EDATA,
           "two units with the same best score: not accepted");
    ok(strstr(err.msg, "the best two score the same") != NULL, "and says why: %s", err.msg);
    cc_error_clear(&err);
    unit_resolver_free(&r);
    is_int(store_commit(st, &err), CC_OK, "commit");
    is_str(text("SELECT method || ' ' || printf('%.2f', score) || ' ' || u.code FROM unit_aliases a"
                " JOIN units u ON u.id = a.unit_id WHERE alias = ?1",
                name),
           "fuzzy 0.90 N54SOT", "the alias row says fuzzy with its score");
    is_int(count("SELECT count(*) FROM unresolved_units WHERE name = ?1", name), 0,
           "the name left unresolved_units");
    is_str(resolve(name), "N54SOT fuzzy", "a later import (no threshold) resolves via fuzzy");

    /* Rolled back with the import: nothing stays. */
    store_begin_write(st, 1, &err);
    unit_resolver_init(&r, st);
    unit_resolver_accept_fuzzy(&r, 0.5);
    is_int(unit_resolve(&r, "Sunderlnd", &id, &via, &err), CC_OK, "'Sunderlnd' accepted");
    unit_resolver_free(&r);
    store_rollback(st);
    is_int(count("SELECT count(*) FROM unit_aliases WHERE alias = ?1", "Sunderlnd"), 0,
           "an accepted proposal goes with a rolled-back import");
}

static const char *confirm(const char *name, const char *code, bool replace)
{
    static char out[2200];
    struct cc_error err = { 0 };
    struct sbuf msg;

    sbuf_init(&msg);
    store_begin_write(st, 1, &err);
    int rc = unit_confirm_alias(st, name, code, "tester", replace, &msg, &err);
    if (rc == CC_OK) {
        store_commit(st, &err);
        snprintf(out, sizeof out, "%s", msg.s);
    } else {
        store_rollback(st);
        snprintf(out, sizeof out, "ERR %d: %s", rc, err.msg);
    }
    sbuf_free(&msg);
    return out;
}

static void test_confirm(void)
{
    const char *got;

    /* The fuzzy link becomes a person's. */
    got = confirm("Gateshed and S Tyneside", "N54SOT", false);
    ok(strstr(got, "confirmed by tester") != NULL, "confirming a fuzzy link: %s", got);
    is_str(resolve("Gateshed and S Tyneside"), "N54SOT person", "now via person");
    is_str(text("SELECT method || ' ' || confirmed_by || ' ' || (score IS NULL) FROM unit_aliases"
                " WHERE alias = ?1",
                "Gateshed and S Tyneside"),
           "person tester 1", "method person, confirmed_by, no score");

    /* A new name. */
    struct unit_resolver r;
    struct cc_error err = { 0 };
    int64_t id;
    unit_resolver_init(&r, st);
    unit_resolve(&r, "Sunderlnd", &id, NULL, &err);
    unit_record_unresolved(st, &r, "x.csv");
    unit_resolver_free(&r);
    is_int(count("SELECT count(*) FROM unresolved_units WHERE name = ?1", "Sunderlnd"), 1,
           "'Sunderlnd' is unresolved");
    got = confirm("Sunderlnd", "N54SUND", false);
    ok(strstr(got, "'Sunderlnd' now means N54SUND Sunderland (confirmed by tester at ") == got,
       "confirm a new name: %s", got);
    ok(strstr(got, "removed from the unresolved names") != NULL, "removed from unresolved");
    is_int(count("SELECT count(*) FROM unresolved_units WHERE name = ?1", "Sunderlnd"), 0,
           "gone from unresolved_units");
    is_str(resolve("Sunderlnd"), "N54SUND person", "resolves via person");
    is_str(resolve("SUNDERLND"), "N54SUND person", "and in other cases, via person");
    ok(strstr(text("SELECT confirmed_at FROM unit_aliases WHERE alias = ?1", "Sunderlnd"), "T") &&
           strstr(text("SELECT confirmed_at FROM unit_aliases WHERE alias = ?1", "Sunderlnd"),
                  "Z"),
       "confirmed_at is UTC ISO");

    got = confirm("Sunderlnd", "N54SUND", false);
    ok(strstr(got, "nothing to change") != NULL, "confirming again changes nothing: %s", got);
    got = confirm("Sunderlnd", "N54SOT", false);
    ok(strncmp(got, "ERR 65: ", 8) == 0 && strstr(got, "N54SUND Sunderland") &&
           strstr(got, "--replace"),
       "an alias pointing elsewhere is refused, naming the current unit: %s", got);
    got = confirm("Sunderlnd", "N54SOT", true);
    ok(strstr(got, "instead of N54SUND") != NULL, "--replace moves it: %s", got);
    is_str(resolve("Sunderlnd"), "N54SOT person", "now the other unit");
    got = confirm("Somewhere", "NOPE", false);
    ok(strncmp(got, "ERR 65: unit: no unit has the code 'NOPE'", 40) == 0, "unknown code: %s",
       got);
    got = confirm("Somewhere", "n54sot", false);
    ok(strstr(got, "did you mean N54SOT?") != NULL, "a code in the wrong case: %s", got);
    got = confirm("N54SUND", "N54SOT", true);
    ok(strncmp(got, "ERR 65: ", 8) == 0 && strstr(got, "is the code of N54SUND"),
       "a code cannot be aliased, even with --replace: %s", got);
    got = confirm("Sunderland", "N54SOT", false);
    ok(strncmp(got, "ERR 65: ", 8) == 0 && strstr(got, "already means N54SUND Sunderland"),
       "a register name pointing elsewhere is refused: %s", got);
    got = confirm("Sunderland", "N54SUND", false);
    ok(strstr(got, "nothing to change") != NULL, "a register name for its unit: %s", got);
}

static void test_crosswalk(void)
{
    ok(count("SELECT count(*) FROM unit_crosswalk", NULL) >= 100, "the crosswalk is loaded");
    is_str(text("SELECT relationship || ' ' || note FROM unit_crosswalk x"
                " JOIN units f ON f.id = x.from_unit JOIN units t ON t.id = x.to_unit"
                " WHERE f.code = 'CRC21' AND t.code = ?1",
                "N03"),
           "equal [inferred] Wales; CRC caseload only.", "CRC21 -> N03, marked inferred");
    is_str(text("SELECT relationship FROM unit_crosswalk x"
                " JOIN units f ON f.id = x.from_unit JOIN units t ON t.id = x.to_unit"
                " WHERE f.code = 'NPS-N01' AND t.code = ?1",
                "N50"),
           "superset", "NPS-N01 -> N50 superset");
    ok(strncmp(text("SELECT note FROM unit_crosswalk x JOIN units f ON f.id = x.from_unit"
                    " JOIN units t ON t.id = x.to_unit WHERE f.code = 'NPS-N01' AND t.code = ?1",
                    "N50"),
               "[inferred]", 10) != 0,
       "a sourced link is not marked inferred");
}

static void test_user_register(void)
{
    char dir[128], reg[160], file[200];
    const char *dirs[2];
    struct cc_error err = { 0 };

    snprintf(dir, sizeof dir, "%s/plugins", tmpdir);
    snprintf(reg, sizeof reg, "%s/register", dir);
    snprintf(file, sizeof file, "%s/units.lua", reg);
    if (mkdir(dir, 0700) != 0 || mkdir(reg, 0700) != 0) {
        ok(0, "cannot make %s", reg);
        return;
    }
    write_file(file,
               "return {\n"
               "  units = {\n"
               "    { code = \"LDU-GST-1\", name = \"Gateshead Local Delivery Unit\",\n"
               "      type = \"LDU\",\n"
               "      parent = \"N54SOT\", aliases = { \"Gateshead LDU\" } },\n"
               "    { code = \"TEAM-GST-1A\", name = \"Gateshead Team A\", type = \"TEAM\",\n"
               "      parent = \"LDU-GST-1\" },\n"
               "    { code = \"CRC02\", aliases = { \"Durham & Tees CRC\" } },\n"
               "  },\n"
               "  crosswalk = {\n"
               "    { from = \"CRC01\", to = \"LDU-GST-1\", relationship = \"superset\",\n"
               "      inferred = true },\n"
               "  },\n"
               "}\n");
    dirs[0] = plugins;
    dirs[1] = dir;
    is_int(register_sync_dirs(st, dirs, 2, 1, &err), CC_OK, "a user register loads: %s", err.msg);
    is_str(text("SELECT p.code || ' ' || u.origin FROM units u JOIN units p ON p.id = u.parent_id"
                " WHERE u.code = ?1",
                "LDU-GST-1"),
           "N54SOT config", "its LDU sits under its PDU, origin config");
    is_str(text("SELECT p.code FROM units u JOIN units p ON p.id = u.parent_id WHERE u.code = ?1",
                "TEAM-GST-1A"),
           "LDU-GST-1", "its team under the LDU");
    is_str(resolve("Gateshead LDU"), "LDU-GST-1 config", "its alias resolves via config");
    is_str(resolve("Durham & Tees CRC"), "CRC02 config", "an alias added to a built-in unit");
    is_str(text("SELECT origin || ' ' || name FROM units WHERE code = ?1", "CRC02"),
           "register Durham Tees Valley CRC", "the built-in unit is unchanged");
    is_int(count("SELECT count(*) FROM unit_crosswalk x JOIN units t ON t.id = x.to_unit"
                 " WHERE t.code = ?1",
                 "LDU-GST-1"),
           1, "its crosswalk entry");

    /* Unchanged: nothing to do (the lock is not even taken). */
    is_int(store_begin_write(st, 1, &err), CC_OK, "hold the write lock");
    is_int(register_sync_dirs(st, dirs, 2, 0, &err), CC_OK, "an unchanged register is a no-op");
    store_rollback(st);

    /* A bad parent is an error naming the file; nothing changes. */
    write_file(file, "return { units = { { code = \"LDU-X\", name = \"X\", type = \"LDU\","
                     " parent = \"NOWHERE\" } } }\n");
    cc_error_clear(&err);
    is_int(register_sync_dirs(st, dirs, 2, 1, &err), CC_EDATA, "unknown parent: error");
    ok(strstr(err.msg, "parent 'NOWHERE' is not in the register") != NULL, "%s", err.msg);
    is_int(count("SELECT count(*) FROM units WHERE code = ?1", "LDU-X"), 0, "rolled back");
    write_file(file,
               "return { units = { { code = \"LDU-X\", name = \"X\", type = \"WARD\" } } }\n");
    cc_error_clear(&err);
    is_int(register_sync_dirs(st, dirs, 2, 1, &err), CC_EDATA, "unknown type: error");
    unlink(file);
    rmdir(reg);
    rmdir(dir);
}

static void test_renormalise(void)
{
    struct cc_error err = { 0 };
    char path[4200];

    store_exec(st, "UPDATE unit_aliases SET norm = 'stale form' WHERE alias = 'Sunderlnd';"
                   "UPDATE meta SET value = '1' WHERE key = 'unit_norm_version'",
               &err);
    snprintf(path, sizeof path, "%s/register/units.lua", plugins);
    is_int(register_sync(st, path, 1, &err), CC_OK, "a new normaliser version re-syncs");
    is_str(text("SELECT norm FROM unit_aliases WHERE alias = ?1", "Sunderlnd"), "sunderlnd",
           "stored forms are recomputed");
    is_str(text("SELECT method FROM unit_aliases WHERE alias = ?1", "Sunderlnd"), "person",
           "and a person's alias survives");
}

int main(void)
{
    struct cc_error err = { 0 };
    char db[128], path[4200];

    find_plugins();
    if (mkdtemp(tmpdir) == NULL) {
        printf("Bail out! mkdtemp failed\n");
        return 1;
    }
    snprintf(db, sizeof db, "%s/units.db", tmpdir);
    snprintf(path, sizeof path, "%s/register/units.lua", plugins);
    if (store_open(&st, db, true, &err) != CC_OK || register_sync(st, path, 1, &err) != CC_OK) {
        printf("Bail out! %s\n", err.msg);
        return 1;
    }
    test_normalise();
    test_similarity();
    test_crcs();
    test_order();
    test_near_miss();
    test_explain();
    test_accept_fuzzy();
    test_confirm();
    test_crosswalk();
    test_user_register();
    test_renormalise();
    store_close(st);
    static const char *const suffix[] = { "", "-wal", "-shm" };
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s%s", db, suffix[i]);
        unlink(path);
    }
    rmdir(tmpdir);
    return tap_done();
}
