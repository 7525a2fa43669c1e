/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for core/report_xlsx.c: a small report made by hand (no store) is written
 * as a workbook. The checks read the zip container directly: part names are stored
 * uncompressed, so a workbook that lists xl/worksheets/sheet1..7.xml is one Excel will
 * open. Also: the same report gives the same bytes (the clock is not used, even for
 * SOURCE_DATE_EPOCH=0), errors name the path and leave nothing behind, "-" is standard
 * output, and text a cell cannot hold (control characters, more than 32767 characters)
 * does not fail the write. LibreOffice reading a workbook back is tests/e2e/report_xlsx.sh.
 */
#include "report.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S(s) ((char *)(s))

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0, got;

    *len = 0;
    if (f == NULL)
        return NULL;
    do {
        if (n + 65536 > cap)
            buf = xrealloc(buf, cap = (n + 65536) * 2);
        got = fread(buf + n, 1, 65536, f);
        n += got;
    } while (got > 0);
    fclose(f);
    *len = n;
    return buf;
}

static bool has(const char *buf, size_t len, const char *needle)
{
    size_t n = strlen(needle);

    for (size_t i = 0; buf && i + n <= len; i++)
        if (memcmp(buf + i, needle, n) == 0)
            return true;
    return false;
}

static bool same_file(const char *a, const char *b)
{
    size_t la, lb;
    char *x = slurp(a, &la), *y = slurp(b, &lb);
    bool same = x && y && la == lb && memcmp(x, y, la) == 0;

    free(x);
    free(y);
    return same;
}

static int entries(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p) {
        if (fscanf(p, "%d", &n) != 1)
            n = -1;
        pclose(p);
    }
    return n;
}

/* ---------------------------------------------------------------- a report by hand */

static struct report_unit units[] = {
    { 1, S("N54"), S("North East"), S("REGION"), NULL, 0, 0, 0, 0, 0 },
    { 2, S("N54SUND"), S("Sunderland"), S("PDU"), S("N54"), 1, 1, 1, 2, 1 },
    { 3, S("N54NOT"), S("North Tyneside and Northumberland"), S("PDU"), S("N54"), 1, 0, 0, 0, 0 },
};

static struct report_event ledger[] = {
    { 10, S("HMIP"), S("INSPECTION"), 1, S("PDU21-N54SUND"), S("Inspection of Sunderland PDU"),
      S("2022-05-09"), S("2022-05-20"), S("2022-08-02"), 30, true, 150.5, false },
};

static struct report_assessment assessments[] = {
    { 20, 10, 0, 1, S("CS.PLAN"), S("QUALITY"), S("equal"), S("HMIP"), S("HMIP-PDU-2021"),
      S("2.3"), S("Is planning well-informed?"), 1, S("Inadequate"), false, false, 0, 0, true,
      30, 12, false, S("2022-05-09"), S("2022-05-20"), S("2022-05-20") },
};

static struct report_decision ack = { S("ack"), S("a.person"), S("2026-01-01T09:30:00Z"),
                                      S("Known; reviewed at the quality board") };
static struct report_member members[] = {
    { S("assessment"), 20, S("hmip|PDU21-N54SUND|2.3") },
    { S("event"), 10, S("hmip|PDU21-N54SUND") },
};
static char *bodies[] = { S("CONTRACT"), S("HMIP") };

static struct report_flag flags[] = {
    { S("0123456789abcdef0123456789abcdef"), S("DIVERGENCE"), S("DIVERGENCE"), S("high"),
      S("open"), S("acknowledged"), &ack, 1, S("CS.PLAN"), S("2022-04-01"), S("2022-05-20"),
      S("CONTRACT+HMIP"), bodies, 2, S("[]"), members, 2,
      S("The target is met\x01 while\tthe work is judged\x7f poor."), 1, 2 },
    { S("fedcba9876543210fedcba9876543210"), S("OVERLOAD"), S("OVERLOAD"), S("medium"),
      S("new"), S("new"), NULL, SIZE_MAX, NULL, NULL, NULL, S(""), NULL, 0, S("[]"), NULL, 0,
      NULL /* set in main: longer than a cell holds */, 2, 2 },
};

static struct report_recommendation recommendations[] = {
    { 30, S("HMIP"), 1, 0, S("PDU21-N54SUND"), S("HMIP-PDU-2021"), S("2.3"), S("CS.PLAN"),
      S("Improve planning."), S("Head of PDU"), S("2023-03-31"), S("OPEN"), NULL },
};

static struct report_burden burden[] = { { 1, "2022Q2", S("HMIP"), 1, 150.5 } };

static int64_t cell_assessments[] = { 20 };
static size_t cell_flags[] = { 0 };
static struct report_cell cells[] = {
    { 1, 10, 0, S("2022-05-20"), cell_assessments, 1, REPORT_MARK_DIVERGENCE, cell_flags, 1 },
};
static char *matrix_areas[] = { S("CS.PLAN") };
static char *matrix_bodies[] = { S("HMIP") };
static struct report_matrix matrix[] = { { 1, matrix_areas, 1, matrix_bodies, 1, cells } };
static struct report_area areas[] = { { S("CS.PLAN"), S("Planning") } };

static struct report make_report(const char *generated_at)
{
    struct report r = {
        .scope = { S("N54"), S("North East"), S("2022-01-01"), NULL },
        .units = units, .nunits = 3,
        .ledger = ledger, .nledger = 1,
        .assessments = assessments, .nassessments = 1,
        .flags = flags, .nflags = 2,
        .recommendations = recommendations, .nrecommendations = 1,
        .burden = burden, .nburden = 1,
        .matrix = matrix, .nmatrix = 1,
        .areas = areas, .nareas = 1,
    };
    snprintf(r.generated_at, sizeof r.generated_at, "%s", generated_at);
    return r;
}

int main(void)
{
    char dir[] = "/tmp/concord-xlsx-test.XXXXXX";
    char a[128], b[128], p[256];
    struct cc_error err = { 0 };
    struct report r = make_report("2026-01-01T00:00:00Z");
    size_t len;
    char *buf;

    /* An explanation longer than Excel's 32767 characters, with multi-byte characters. */
    struct sbuf longer;
    sbuf_init(&longer);
    for (int i = 0; i < 9000; i++)
        sbuf_adds(&longer, "caf\xC3\xA9 ");
    flags[1].explanation = longer.s;

    if (mkdtemp(dir) == NULL) {
        printf("Bail out! mkdtemp: %s\n", strerror(errno));
        return 1;
    }
    umask(022);
    snprintf(a, sizeof a, "%s/a.xlsx", dir);
    snprintf(b, sizeof b, "%s/b.xlsx", dir);

    is_int(report_xlsx(&r, a, &err), CC_OK, "a report is written as a workbook");
    if (err.status)
        printf("#   %s\n", err.msg);
    buf = slurp(a, &len);
    ok(buf && len > 4 && memcmp(buf, "PK\x03\x04", 4) == 0, "it is a zip container");
    for (int i = 1; i <= 7; i++) {
        snprintf(p, sizeof p, "xl/worksheets/sheet%d.xml", i);
        ok(has(buf, len, p), "it holds %s", p);
    }
    ok(has(buf, len, "xl/workbook.xml") && has(buf, len, "xl/styles.xml") &&
           has(buf, len, "xl/sharedStrings.xml") && has(buf, len, "docProps/core.xml"),
       "and the workbook, styles, strings and properties");
    free(buf);
    struct stat sb;
    ok(stat(a, &sb) == 0 && (sb.st_mode & 0777) == 0644,
       "the file has the mode a new file gets (0644 under umask 022)");
    is_int(entries(dir), 1, "nothing else is left in the folder");

    /* The same report a second later: the same bytes. So for SOURCE_DATE_EPOCH=0. */
    struct report r0 = make_report("1970-01-01T00:00:00Z");
    char z1[128], z2[128];
    snprintf(z1, sizeof z1, "%s/z1.xlsx", dir);
    snprintf(z2, sizeof z2, "%s/z2.xlsx", dir);
    is_int(report_xlsx(&r0, z1, &err), CC_OK, "a report generated at the epoch");
    sleep(1);
    is_int(report_xlsx(&r, b, &err), CC_OK, "the same report, a second later");
    ok(same_file(a, b), "gives the same bytes (the clock is not in the file)");
    is_int(report_xlsx(&r0, z2, &err), CC_OK, "the epoch report, a second later");
    ok(same_file(z1, z2), "gives the same bytes too (libxlsxwriter's 0 means 'now')");
    struct report r2 = make_report("2026-01-02T00:00:00Z");
    is_int(report_xlsx(&r2, b, &err), CC_OK, "a report generated a day later, over the file");
    ok(!same_file(a, b), "is not the same file");

    /* Standard output. */
    char o[128];
    snprintf(o, sizeof o, "%s/stdout.xlsx", dir);
    fflush(stdout);
    int saved = dup(STDOUT_FILENO), fd = open(o, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, STDOUT_FILENO);
    close(fd);
    int rc = report_xlsx(&r, "-", &err);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    is_int(rc, CC_OK, "\"-\" writes the workbook to standard output");
    ok(same_file(a, o), "the same bytes as to a file");

    /* An empty report. */
    struct report empty = { .generated_at = "2026-01-01T00:00:00Z" };
    snprintf(p, sizeof p, "%s/empty.xlsx", dir);
    is_int(report_xlsx(&empty, p, &err), CC_OK, "an empty report is a workbook with headers");

    /* Errors. */
    snprintf(p, sizeof p, "%s/no/such/folder/r.xlsx", dir);
    cc_error_clear(&err);
    is_int(report_xlsx(&r, p, &err), CC_EIO, "a folder that does not exist: CC_EIO");
    ok(strstr(err.msg, p) != NULL && strstr(err.msg, "No such file") != NULL,
       "the message names the path and why: %s", err.msg);
    snprintf(p, sizeof p, "%s/sub", dir);
    mkdir(p, 0755);
    cc_error_clear(&err);
    is_int(report_xlsx(&r, p, &err), CC_EIO, "a path that is a folder: CC_EIO");
    ok(strstr(err.msg, p) != NULL && strstr(err.msg, "directory") != NULL,
       "the message names it: %s", err.msg);
    is_int(entries(p), 0, "nothing is written into the folder");
    is_int(entries(dir), 7, "nor left beside it");

    snprintf(p, sizeof p, "rm -rf '%s'", dir);
    if (system(p) != 0)
        printf("# could not remove %s\n", dir);
    sbuf_free(&longer);
    return tap_done();
}
