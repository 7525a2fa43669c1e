/* SPDX-License-Identifier: MIT */
/* concord config: check a configuration file, show the effective configuration, list settings. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"

const char usage_config[] =
    "Usage: concord config check [FILE]\n"
    "       concord config show [FILE]\n"
    "       concord config reference\n"
    "\n"
    "The configuration file, concord.lua (see docs/configuration.md). Without FILE:\n"
    "--config FILE, else $CONCORD_CONFIG, else ./concord.lua when there is one, else\n"
    "none (every setting at its default).\n"
    "\n"
    "  check      prints \"FILE: ok\", or every problem as \"FILE:LINE: key: reason\"\n"
    "             and exits 65.\n"
    "  show       prints the effective configuration: the file's settings with every\n"
    "             default filled in, as a Lua file that 'config check' accepts. Exits 65,\n"
    "             with the problems on stderr, when the file has any.\n"
    "  reference  prints every setting with its type, default and meaning (Markdown).\n";

/* The file named after the action, else --config, $CONCORD_CONFIG, ./concord.lua. */
static const char *which_file(struct globals *g, const char *file)
{
    return file ? file : config_locate(g->config_given);
}

static int config_check_cmd(const char *path)
{
    struct cc_error err = { 0 };
    struct config *c;
    struct sbuf p;
    int rc;

    if (path == NULL) {
        printf("no configuration file: every setting at its default: ok\n");
        return CC_OK;
    }
    rc = config_load(&c, path, &err);
    if (rc == CC_EDATA) {
        /* A file that does not run is a problem of the file: same place, same form. */
        printf("%s\n", err.msg);
        return rc;
    }
    if (rc)
        return cli_report(&err);
    sbuf_init(&p);
    if (config_check(c, &p) > 0) {
        fputs(p.s, stdout);
        rc = CC_EDATA;
    } else {
        printf("%s: ok\n", path);
    }
    sbuf_free(&p);
    config_free(c);
    return rc;
}

static int config_show_cmd(const char *path)
{
    struct cc_error err = { 0 };
    struct config *c;
    struct sbuf p;
    int rc = config_load(&c, path, &err);

    if (rc)
        return cli_report(&err);
    sbuf_init(&p);
    config_show(c, stdout);
    if (config_check(c, &p) > 0) {
        fputs(p.s, stderr);
        fprintf(stderr, "concord config: %s has problems: the values above are the defaults "
                        "for those settings\n", path);
        rc = CC_EDATA;
    }
    sbuf_free(&p);
    config_free(c);
    return rc;
}

int cmd_config(struct globals *g, int argc, char **argv)
{
    const char *action = NULL, *file = NULL;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
            return cli_help("config");
        if (a[0] == '-' && a[1] != '\0')
            return cli_usage_error("config", "unknown option '%s'", a);
        if (action == NULL)
            action = a;
        else if (file == NULL)
            file = a;
        else
            return cli_usage_error("config", "unexpected argument '%s'", a);
    }
    if (action == NULL)
        return cli_usage_error("config", "%s", "needs an action: check, show or reference");
    if (strcmp(action, "check") == 0)
        return config_check_cmd(which_file(g, file));
    if (strcmp(action, "show") == 0)
        return config_show_cmd(which_file(g, file));
    if (strcmp(action, "reference") == 0) {
        if (file)
            return cli_usage_error("config", "unexpected argument '%s'", file);
        config_reference(stdout);
        return CC_OK;
    }
    return cli_usage_error("config", "unknown action '%s' (check, show or reference)", action);
}
