/* SPDX-License-Identifier: MIT */
/*
 * What the subcommands share: global options, a small option scanner, the
 * plugin folders, opening the store. Each cli_*.c file implements commands;
 * main.c dispatches to them.
 */
#ifndef CONCORD_CLI_H
#define CONCORD_CLI_H

#include <stdbool.h>

#include "plugin.h"
#include "store.h"
#include "util.h"

struct config;

struct globals {
    const char *db;
    bool db_given;
    const char *config_given;   /* --config FILE */
    struct config *config;      /* loaded on first use by cli_config() */
    char *db_owned;             /* the database path from the configuration */
    char *config_dirs[32];      /* the configuration's plugin_dirs, resolved once */
    size_t nconfig_dirs;
    bool config_dirs_done;
};

/**
 * The configuration (--config, $CONCORD_CONFIG, ./concord.lua, or defaults),
 * loaded and checked once. A file with problems is refused with all of them
 * (CC_EDATA), so no command runs on a half-understood configuration.
 */
int cli_config(struct globals *g, const struct config **out, struct cc_error *err);

/* A tiny option scanner: "--name VALUE", "--name=VALUE" and flags. */
struct opts {
    int argc, i;
    char **argv;
    const char *cmd;
};

/** True when argv[i] is option name; with value != NULL it takes a value (NULL + *status on error). */
bool cli_opt(struct opts *o, const char *name, const char **value, int *status);
int cli_parse_int(const char *cmd, const char *name, const char *v, long long lo, long long hi,
                  long long *out);
int cli_usage_error(const char *cmd, const char *fmt, ...) CC_PRINTF(2, 3);
/** Prints a command's usage text (main.c owns the table). */
int cli_help(const char *name);
bool cli_is_dir(const char *p);
/** Prints err to stderr when set, and returns its status. */
int cli_report(struct cc_error *err);

const char *cli_builtin_plugin_dir(void);
/** Opens the database; with create, also makes it and syncs the built-in unit register. */
int cli_open_store(struct globals *g, bool create, struct store **st, struct cc_error *err);

/* Plugin folders: the built-in one, then each --plugin-dir in order. */
struct plugin_dirs {
    const char *dirs[33];
    size_t n;
};
/**
 * The built-in folder, then the configuration's plugin_dirs (relative to the
 * configuration file); commands add their --plugin-dir options after these.
 */
int cli_plugin_dirs_init(struct globals *g, struct plugin_dirs *d, const char *cmd,
                         struct cc_error *err);
int cli_plugin_dirs_add(struct plugin_dirs *d, const char *cmd, const char *dir);
/** Frees what the globals hold (main calls it once, at the end). */
void cli_globals_free(struct globals *g);

struct normaliser;
/** Crosswalks and scales from the built-in and configured plugin folders. */
int cli_load_normaliser(struct globals *g, struct normaliser **norm, struct cc_error *err);
/** The same from given folders, with the configuration's scale overrides applied. */
int cli_load_normaliser_dirs(struct globals *g, const struct plugin_dirs *d,
                             struct normaliser **norm, struct cc_error *err);

struct privacy;
/**
 * The case-reference key, from the configuration (privacy.key_file,
 * privacy.keep_raw_case_refs). raw < 0 takes keep_raw from the configuration;
 * 0 or 1 forces it (concord case follows what the database holds).
 */
int cli_open_privacy(struct globals *g, int raw, bool create, struct privacy **out,
                     struct cc_error *err);

/* The commands, and their usage texts (for --help). */
extern const char usage_init[], usage_import[], usage_sources[], usage_plugins[], usage_schema[];
extern const char usage_taxonomy[], usage_case[];
int cmd_init(struct globals *g, int argc, char **argv);
int cmd_import(struct globals *g, int argc, char **argv);
int cmd_sources(struct globals *g, int argc, char **argv);
int cmd_plugins(struct globals *g, int argc, char **argv);
int cmd_schema(struct globals *g, int argc, char **argv);
int cmd_taxonomy(struct globals *g, int argc, char **argv);
extern const char usage_reconcile[], usage_flags[], usage_ack[], usage_runs[], usage_run[];
int cmd_reconcile(struct globals *g, int argc, char **argv);
int cmd_flags(struct globals *g, int argc, char **argv);
int cmd_ack(struct globals *g, int argc, char **argv);
int cmd_dismiss(struct globals *g, int argc, char **argv);
int cmd_runs(struct globals *g, int argc, char **argv);
int cmd_run(struct globals *g, int argc, char **argv);
struct reconcile_result;
void cli_print_reconcile(const struct reconcile_result *res);
int cli_reconcile(struct globals *g, struct store *st, const char *trigger,
                  const char *const *extra_rule_dirs, size_t nextra, int wait,
                  struct reconcile_result *res, struct cc_error *err);
int cmd_case(struct globals *g, int argc, char **argv);
extern const char usage_units[]; int cmd_units(struct globals *g, int argc, char **argv);
extern const char usage_config[]; int cmd_config(struct globals *g, int argc, char **argv);
extern const char usage_schedule[]; int cmd_schedule(struct globals *g, int argc, char **argv);
extern const char usage_report[]; int cmd_report(struct globals *g, int argc, char **argv);
extern const char usage_daemon[]; int cmd_daemon(struct globals *g, int argc, char **argv);
extern const char usage_backup[]; int cmd_backup(struct globals *g, int argc, char **argv);

#endif
