/* SPDX-License-Identifier: MIT */
/*
 * concord: the command line. Parses global options, dispatches to one
 * subcommand, and turns the status every module returns into an exit code
 * from sysexits.h. exit() is called nowhere else.
 */
#include <lua.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "lua_api.h"

#ifndef CONCORD_VERSION
#define CONCORD_VERSION "0.0.0"
#endif

struct cmd {
    const char *name;
    int (*run)(struct globals *g, int argc, char **argv);
    const char *summary;
    const char *usage;
};

static const struct cmd *find_cmd(const char *name);

int cli_help(const char *name)
{
    const struct cmd *c = find_cmd(name);

    if (c == NULL)
        return cli_usage_error("help", "no command '%s'", name);
    printf("%s", c->usage);
    return CC_OK;
}

/* ---------------------------------------------------------------- dispatch */

static int cmd_help(struct globals *g, int argc, char **argv);

static const struct cmd commands[] = {
    { "run", cmd_run, "import what is new, reconcile, and summarise (the main job)", usage_run },
    { "init", cmd_init, "create or upgrade the database and load the unit register", usage_init },
    { "import", cmd_import, "import files or folders with the plugins", usage_import },
    { "sources", cmd_sources, "list imported file versions and their counts", usage_sources },
    { "plugins", cmd_plugins, "list plugins, or check which one takes a file", usage_plugins },
    { "taxonomy", cmd_taxonomy, "list areas, or a framework's codes and questions", usage_taxonomy },
    { "case", cmd_case, "show everything held about one case (by CRN)", usage_case },
    { "units", cmd_units, "list the unit register; resolve or confirm unit names", usage_units },
    { "config", cmd_config, "check or show the configuration (concord.lua)", usage_config },
    { "schedule", cmd_schedule, "when the schedules fire next (check a cron expression)", usage_schedule },
    { "reconcile", cmd_reconcile, "run the rules and track flags across runs", usage_reconcile },
    { "flags", cmd_flags, "list flags with their explanations (text, json, csv)", usage_flags },
    { "ack", cmd_ack, "acknowledge a flag, with a reason", usage_ack },
    { "dismiss", cmd_dismiss, "dismiss a flag, with a reason", usage_ack },
    { "runs", cmd_runs, "list past reconciliation runs", usage_runs },
    { "report", cmd_report, "write a report: text, md, json, csv, xlsx or html", usage_report },
    { "daemon", cmd_daemon, "watch inboxes and run schedules (runs until stopped)", usage_daemon },
    { "backup", cmd_backup, "copy the database safely while it is in use", usage_backup },
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
            "  --db FILE      the database (default: the configuration's, or ./concord.db,\n"
            "                 or $CONCORD_DB)\n"
            "  --config FILE  the configuration (default: $CONCORD_CONFIG, or ./concord.lua\n"
            "                 when there is one)\n"
            "  --verbose      more detail on stderr\n"
            "  --version      print the version\n"
            "  --help         this help; 'concord COMMAND --help' for a command\n");
}

static int cmd_help(struct globals *g, int argc, char **argv)
{
    (void)g;
    if (argc > 1)
        return cli_help(argv[1]);
    print_global_help(stdout);
    return CC_OK;
}

int main(int argc, char **argv)
{
    struct globals g = { .db = "concord.db" };
    struct opts o = { argc, 1, argv, "" };
    int status = CC_OK;
    const char *env_db = getenv("CONCORD_DB");

    if (env_db && *env_db)
        g.db = env_db, g.db_given = true;
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
        if (cli_opt(&o, "--config", &v, &status)) {
            if (v == NULL)
                return status;
            g.config_given = v;
            continue;
        }
        if (cli_opt(&o, "--db", &v, &status)) {
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
    /* "concord COMMAND --help" is the same for every command. */
    if (o.i + 1 < argc && (strcmp(argv[o.i + 1], "--help") == 0 || strcmp(argv[o.i + 1], "-h") == 0))
        return cli_help(c->name);
    status = c->run(&g, argc - o.i, argv + o.i);
    cli_globals_free(&g);
    return status;
}
