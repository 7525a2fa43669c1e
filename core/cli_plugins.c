/* SPDX-License-Identifier: MIT */
/* concord plugins and schema. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* ---------------------------------------------------------------- plugins */

const char usage_plugins[] =
    "Usage: concord plugins list [--plugin-dir DIR]...\n"
    "       concord plugins check FILE [--plugin-dir DIR]...\n"
    "\n"
    "list   shows every plugin: name, body, version, description and file.\n"
    "check  shows each plugin's confidence for FILE and which one would take it.\n";

int cmd_plugins(struct globals *g, int argc, char **argv)
{
    struct opts o = { argc, 1, argv, "plugins" };
    struct plugin_dirs dirs = { 0 };
    struct cc_error err = { 0 };
    struct plugin_registry *reg;
    const char *action = NULL, *file = NULL;
    int status = CC_OK;

    {
        struct cc_error e0 = { 0 };
        if (cli_plugin_dirs_init(g, &dirs, "plugins", &e0))
            return cli_report(&e0);
    }
    for (; o.i < argc && status == CC_OK; o.i++) {
        const char *v;
        if (strcmp(argv[o.i], "--help") == 0 || strcmp(argv[o.i], "-h") == 0)
            return cli_help("plugins");
        if (cli_opt(&o, "--plugin-dir", &v, &status)) {
            if (v)
                status = cli_plugin_dirs_add(&dirs, "plugins", v);
        } else if (argv[o.i][0] == '-') {
            status = cli_usage_error("plugins", "unknown option '%s'", argv[o.i]);
        } else if (action == NULL) {
            action = argv[o.i];
        } else if (file == NULL) {
            file = argv[o.i];
        } else {
            status = cli_usage_error("plugins", "unexpected argument '%s'", argv[o.i]);
        }
    }
    if (status)
        return status;
    if (action == NULL)
        action = "list";
    if (strcmp(action, "list") != 0 && strcmp(action, "check") != 0)
        return cli_usage_error("plugins", "unknown action '%s' (list or check)", action);
    if (strcmp(action, "check") == 0 && file == NULL)
        return cli_usage_error("plugins", "%s", "check needs a FILE");
    if (strcmp(action, "list") == 0 && file)
        return cli_usage_error("plugins", "unexpected argument '%s'", file);
    if (file && access(file, R_OK) != 0) {
        fprintf(stderr, "concord: %s: %s\n", file, strerror(errno));
        return CC_ENOINPUT;
    }
    if (plugin_registry_load(&reg, dirs.dirs, dirs.n, NULL, &err))
        return cli_report(&err);
    if (strcmp(action, "list") == 0) {
        for (size_t i = 0; i < reg->count; i++) {
            const struct plugin_info *p = &reg->items[i];
            printf("%-10s %-9s %-7s %s\n           %s\n", p->name, p->body, p->version,
                   p->description, p->path);
        }
    } else {
        double *scores = xcalloc(reg->count, sizeof *scores);
        const struct plugin_info *chosen;
        plugin_detect(reg, file, scores, &err);
        for (size_t i = 0; i < reg->count; i++)
            printf("%-10s %.2f\n", reg->items[i].name, scores[i]);
        int picked = plugin_pick(reg, file, scores, &chosen, &err);
        free(scores);
        if (picked == CC_OK) {
            printf("%s would be imported by %s\n", file, chosen->name);
        } else {
            printf("%s\n", err.msg);
            status = err.status;
        }
    }
    plugin_registry_free(reg);
    return status;
}

/* ---------------------------------------------------------------- schema */

const char usage_schema[] =
    "Usage: concord schema\n"
    "\n"
    "Prints the SQL of the database schema this concord writes.\n";

int cmd_schema(struct globals *g, int argc, char **argv)
{
    (void)g;
    if (argc > 1) {
        if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
            return cli_help("schema");
        return cli_usage_error("schema", "unexpected argument '%s'", argv[1]);
    }
    store_print_schema(stdout);
    return CC_OK;
}

