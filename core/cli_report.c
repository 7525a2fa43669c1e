/* SPDX-License-Identifier: MIT */
/* concord report: gathers the report once (report.c) and writes it in one format. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "normalise.h"
#include "report.h"

const char usage_report[] =
    "Usage: concord [--db FILE] report [--format text|md|json|csv|xlsx|html] [-o PATH]\n"
    "                                  [--unit CODE] [--since DATE] [--until DATE]\n"
    "                                  [--table NAME]\n"
    "\n"
    "A report on the scrutiny of a unit and the units below it (--unit; default every\n"
    "unit): the scrutiny ledger, unit-level judgements, a judgement matrix per unit,\n"
    "the burden per quarter, the flags (newest first) and the recommendations.\n"
    "--since and --until keep what overlaps the window (a date, or a period such as\n"
    "2022, Q1 2023 or 2022/23: --since takes its first day, --until its last).\n"
    "\n"
    "  text  the terminal summary (default; coloured on a terminal unless NO_COLOR)\n"
    "  md    the same as Markdown, for a briefing\n"
    "  json  one document, described in docs/report-json.md\n"
    "  csv   report-flags.csv, report-ledger.csv, report-assessments.csv,\n"
    "        report-recommendations.csv, report-burden.csv and report-matrix.csv into\n"
    "        the folder -o DIR (default: the current folder); with --table NAME one\n"
    "        table to standard output or -o FILE\n"
    "  html  one self-contained page; xlsx a workbook (needs -o FILE)\n"
    "\n"
    "Case references and pseudonyms never appear in a report. With the same database\n"
    "and options the output is the same byte for byte, except the generation time\n"
    "(SOURCE_DATE_EPOCH fixes it).\n";

static bool want_colour(void)
{
    const char *nc = getenv("NO_COLOR");

    /* https://no-color.org: present and not empty disables colour. */
    if (nc && *nc)
        return false;
    return isatty(STDOUT_FILENO) != 0;
}

int cmd_report(struct globals *g, int argc, char **argv)
{
    struct opts o = { argc, 1, argv, "report" };
    struct cc_error err = { 0 };
    const char *format = "text", *output = NULL, *table = NULL;
    struct report_options ropt = { 0 };
    int status = CC_OK;

    for (; o.i < argc && status == CC_OK; o.i++) {
        const char *v;
        if (cli_opt(&o, "--format", &v, &status)) {
            if (v && strcmp(v, "text") && strcmp(v, "md") && strcmp(v, "json") &&
                strcmp(v, "csv") && strcmp(v, "xlsx") && strcmp(v, "html"))
                status = cli_usage_error("report",
                                         "--format must be text, md, json, csv, xlsx or html, "
                                         "not '%s'", v);
            format = v;
        } else if (cli_opt(&o, "-o", &v, &status) || cli_opt(&o, "--output", &v, &status)) {
            if (v && *v == '\0')
                status = cli_usage_error("report", "%s", "-o needs a path");
            output = v;
        } else if (cli_opt(&o, "--unit", &v, &status)) {
            ropt.unit = v;
        } else if (cli_opt(&o, "--since", &v, &status)) {
            ropt.since = v;
        } else if (cli_opt(&o, "--until", &v, &status)) {
            ropt.until = v;
        } else if (cli_opt(&o, "--table", &v, &status)) {
            table = v;
        } else {
            status = cli_usage_error("report", "unexpected argument '%s'", argv[o.i]);
        }
    }
    if (status)
        return status;
    bool csv = strcmp(format, "csv") == 0, xlsx = strcmp(format, "xlsx") == 0;
    if (table && !csv)
        return cli_usage_error("report", "%s", "--table goes with --format csv");
    if (table) {
        bool known = false;
        for (size_t i = 0; i < report_csv_ntables; i++)
            known = known || strcmp(table, report_csv_tables[i]) == 0;
        if (!known)
            return cli_usage_error("report", "--table must be flags, ledger, assessments, "
                                   "recommendations, burden or matrix, not '%s'", table);
    }
    if (xlsx && output == NULL)
        return cli_usage_error("report", "%s", "--format xlsx needs -o FILE");
    /* Where the output goes is checked before the work of gathering. */
    if (csv && table == NULL) {
        const char *dir = output ? output : ".";
        if (!cli_is_dir(dir))
            return cc_fail(&err, CC_EIO, "report: %s: no such folder (-o names the folder "
                           "the CSV files go into)", dir), cli_report(&err);
    }

    const struct config *cfg;
    struct normaliser *norm = NULL;
    struct store *st = NULL;
    struct report *r = NULL;
    FILE *out = stdout;
    bool to_file = output && !(csv && table == NULL) && !xlsx;

    if (to_file) {
        out = fopen(output, "wb");
        if (out == NULL)
            return cc_fail(&err, CC_EIO, "report: cannot write %s: %s", output,
                           strerror(errno)), cli_report(&err);
    }
    status = cli_config(g, &cfg, &err);
    if (status == CC_OK)
        status = cli_load_normaliser(g, &norm, &err);
    ropt.config = cfg;
    ropt.norm = norm;
    if (status == CC_OK)
        status = cli_open_store(g, false, &st, &err);
    if (status == CC_OK)
        status = report_gather(st, &ropt, &r, &err);
    if (st)
        store_close(st);
    normaliser_free(norm);
    if (status == CC_OK) {
        if (strcmp(format, "text") == 0)
            status = report_text(r, out, !to_file && want_colour(), &err);
        else if (strcmp(format, "md") == 0)
            status = report_md(r, out, &err);
        else if (strcmp(format, "json") == 0)
            status = report_json(r, out, &err);
        else if (strcmp(format, "html") == 0)
            status = report_html(r, out, &err);
        else if (xlsx)
            status = report_xlsx(r, output, &err);
        else if (table)
            status = report_csv_table(r, table, out, &err);
        else
            status = report_csv_dir(r, output ? output : ".", &err);
    }
    report_free(r);
    if (to_file) {
        if (fclose(out) != 0 && status == CC_OK)
            status = cc_fail(&err, CC_EIO, "report: writing %s failed: %s", output,
                             strerror(errno));
        if (status)
            unlink(output);
    } else if (fflush(stdout) != 0 && status == CC_OK) {
        status = cc_fail(&err, CC_EIO, "report: writing the report failed: %s", strerror(errno));
    }
    return status ? cli_report(&err) : CC_OK;
}
