/* SPDX-License-Identifier: MIT */
/*
 * The configuration file, concord.lua: sandboxed Lua, data only. Settings
 * are top-level assignments (`database = "concord.db"`, `rules = { ... }`);
 * the file can read back only names it has already assigned, call nothing
 * and reach nothing. Loading copies every value into C and closes the Lua
 * state, so a struct config is plain read-only data, safe to share between
 * threads.
 *
 * One schema table in config.c is the single source of what settings exist:
 * their types, defaults, ranges and meanings. config_check, config_show and
 * `concord config reference` (the table in docs/configuration.md) all walk it.
 *
 * Lookups take a dotted path: "database", "rules.CONTRADICTION.window_days",
 * "inboxes.1.path" (list positions count from 1; "inboxes[1].path" works too).
 * A lookup returns the file's value when it is valid (right type, in range),
 * else the schema's default, else def: def matters only for settings the
 * schema gives no default (rules.X.severity, time_zone, privacy.key_file,
 * inboxes.N.plugin), for values under scales, and for the settings of rules
 * written in Lua: rules.<ID> for an id that is not a built-in rule (nor a
 * near miss of one, which is reported as a typo) holds enabled, severity and
 * window_days, checked as for built-in rules, and any other data the rule
 * reads. A file with problems still loads, so callers should run
 * config_check (or use config_load_checked).
 */
#ifndef CONCORD_CONFIG_H
#define CONCORD_CONFIG_H

#include <lua.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util.h"

struct config;

/**
 * Loads path (NULL = no file: defaults only). Fails (CC_ENOINPUT, CC_EDATA)
 * only when the file cannot be read or run: a syntax error, a runtime error
 * such as reading an unknown name, an instruction or memory limit. The
 * message then starts "path:line:" where Lua knows the line. Settings with
 * problems do not fail the load: see config_check.
 */
int config_load(struct config **out, const char *path, struct cc_error *err);
void config_free(struct config *c);

/**
 * Which file to use: given (--config) when set, else $CONCORD_CONFIG when
 * set, else "concord.lua" when the current folder has one, else NULL
 * (defaults only).
 */
const char *config_locate(const char *given);

/**
 * config_locate + config_load + config_check: fails with CC_EDATA and the
 * problems (one per line, "file:line: key: reason") when there are any.
 * What commands use before they read settings.
 */
int config_load_checked(struct config **out, const char *given, struct cc_error *err);

/** The file loaded, as given to config_load; NULL when defaults only. */
const char *config_path(const struct config *c);

double config_number(const struct config *c, const char *path, double def);
bool config_bool(const struct config *c, const char *path, bool def);
/** Owned by c. */
const char *config_string(const struct config *c, const char *path, const char *def);
/**
 * A list of strings, or one string (a list of one). Fills out with up to max
 * entries (owned by c) and returns how many there are, which may be more
 * than max.
 */
size_t config_strings(const struct config *c, const char *path, const char **out, size_t max);
/** How many entries a list setting has (inboxes, schedules, plugin_dirs...); 0 when unset. */
size_t config_count(const struct config *c, const char *path);
/**
 * The names the file sets directly under path (a table), sorted; fills out
 * with up to max and returns how many there are. With "rules": the rules the
 * file configures, so a caller that knows which Lua rules exist can report
 * settings for a rule that does not.
 */
size_t config_keys(const struct config *c, const char *path, const char **out, size_t max);
/** True when the file itself sets path (to any value, valid or not). */
bool config_is_set(const struct config *c, const char *path);
/** The line of the top-level assignment that sets path; 0 when not set in the file. */
int config_line(const struct config *c, const char *path);

/**
 * A file or folder named by a setting, made absolute against the folder of
 * the configuration file when relative (and left as it is without a file).
 * Returns a new string the caller frees; NULL when value is NULL.
 */
char *config_resolve(const struct config *c, const char *value);

/**
 * Pushes the file's value at path onto L as a Lua value (tables are copied
 * afresh), or nil when unset. For pass-through settings such as scales.
 */
void config_push(const struct config *c, const char *path, lua_State *L);

/**
 * Appends every problem to problems, one per line: "file:line: key: reason"
 * (unknown settings with a "did you mean", wrong types, values out of range,
 * missing required fields, contradictory thresholds). Returns how many.
 * Nested keys report the line of their top-level assignment.
 */
int config_check(const struct config *c, struct sbuf *problems);

/**
 * Writes the effective configuration (the file's valid values, every other
 * setting at its default) as a Lua file that config_check accepts. Values the
 * file sets carry a "-- file:line" comment; unset settings without a default
 * appear as comments.
 */
void config_show(const struct config *c, FILE *out);

/** Writes the settings reference (Markdown: setting, type, default, meaning) from the schema. */
void config_reference(FILE *out);

#endif
