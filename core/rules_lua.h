/* SPDX-License-Identifier: MIT */
/*
 * Rules users write in Lua (docs/rules.md). A rule file returns
 * concord.rule{ api, id, kind, severity, description, run }; run(db, out,
 * config) reads the store through `db` (one read-only statement at a time)
 * and proposes flags through `out:flag{...}`, which validates each one the
 * way plugin emitters validate records. Each rule runs in a fresh sandboxed
 * state with the plugins' memory and instruction limits; its flags are
 * handed to flag_add() only when run() returned without error, sorted by
 * their members, so a rule's output does not depend on the order in which
 * it found things.
 */
#ifndef CONCORD_RULES_LUA_H
#define CONCORD_RULES_LUA_H

#include <stdbool.h>
#include <stddef.h>

#include "reconcile.h"
#include "sandbox.h"
#include "store.h"
#include "util.h"

#define CONCORD_RULE_API 1
/* Rows one db:query may return; db:each has no cap (it holds one row at a time). */
#define RULES_LUA_DEFAULT_MAX_ROWS 1000000L

/** The ids of the rules built into the reconciler; a Lua rule may not take one. NULL-ended. */
extern const char *const rules_builtin_ids[];

/* A rule's setting, as the configuration gives it ("rules.<ID>.<key>"). */
enum rules_setting_type {
    RULES_SETTING_NONE,   /* not set: config.key is nil */
    RULES_SETTING_NUMBER,
    RULES_SETTING_BOOL,
    RULES_SETTING_STRING,
};

struct rules_setting {
    enum rules_setting_type type;
    double number;
    bool boolean;
    const char *string;   /* copied at once; need only live until the hook returns */
};

/**
 * Looks up setting `key` of rule `rule_id` (the configuration path
 * "rules.<rule_id>.<key>"); leaves out->type = RULES_SETTING_NONE when it is
 * not set. Called lazily, when the rule reads config.key.
 */
typedef void (*rules_setting_fn)(void *ctx, const char *rule_id, const char *key,
                                 struct rules_setting *out);

struct rules_lua_options {
    struct sandbox_limits limits;  /* as for plugins; 0 = the defaults */
    const struct config *config;   /* rule settings; NULL = none (see rules_lua.c) */
    rules_setting_fn setting;      /* when set, used instead of config */
    void *setting_ctx;
    long max_rows;                 /* per db:query; 0 = RULES_LUA_DEFAULT_MAX_ROWS */
    const char *today;             /* db.today, "YYYY-MM-DD"; NULL = the run date (UTC,
                                    * SOURCE_DATE_EPOCH honoured) */
};

/** A rule as its definition describes it. */
struct rule_info {
    char *id, *kind, *severity, *description, *path;
};

struct rule_list {
    struct rule_info *items;
    size_t count;
};

/**
 * Loads every *.lua rule in dirs (folders in the order given, files in name
 * order within each) and checks each definition: the contract, the id's
 * spelling, ids unique across all folders and none a built-in rule's id.
 * Nothing is run. Errors name the file (and line where Lua gives one).
 */
int rules_lua_list(struct rule_list **out, const char *const *dirs, size_t ndirs,
                   const struct sandbox_limits *limits, struct cc_error *err);
void rules_lua_list_free(struct rule_list *list);

/**
 * Runs every rule in dirs, in rules_lua_list order, each in a fresh sandbox,
 * and adds their flags to set with flag_add(). The first rule that fails
 * (a Lua error, a refused query or flag, a limit) stops the run with CC_EDATA
 * and a message "rule ID: path:line: reason"; flags of the rules before it
 * have already been added, so the caller rolls the whole run back. Runs on
 * st's connection, inside whatever transaction the caller holds; it never
 * writes to the store itself.
 */
int rules_lua_run(struct store *st, const char *const *dirs, size_t ndirs,
                  const struct sandbox_limits *limits, const struct config *config,
                  struct flag_set *set, struct cc_error *err);

/** rules_lua_run with every option; opt may be NULL. *nflags (may be NULL) gets the count added. */
int rules_lua_run_opts(struct store *st, const char *const *dirs, size_t ndirs,
                       const struct rules_lua_options *opt, struct flag_set *set, long *nflags,
                       struct cc_error *err);

#endif
