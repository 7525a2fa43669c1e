/* SPDX-License-Identifier: MIT */
/*
 * The plugin registry: finds plugin files in folders, loads each in a
 * sandbox to read its definition, asks them which one takes a file, and runs
 * the chosen plugin's parse() in a fresh state per file.
 */
#ifndef CONCORD_PLUGIN_H
#define CONCORD_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>

#include "claims.h"
#include "lua_api.h"
#include "sandbox.h"
#include "util.h"

struct plugin_info {
    char *name, *body, *version, *description, *path;
    int identity_version;
};

struct plugin_registry {
    struct plugin_info *items;
    size_t count;
    struct sandbox_limits limits;
    struct lua_State *L;  /* detection state: every plugin loaded, each in its own _ENV */
    int *refs;            /* registry refs to each plugin's definition table in L */
};

/**
 * Loads every *.lua plugin in dirs, in order (the first folder is the
 * built-in one). A later plugin with the same name as an earlier one is an
 * error naming both files, so users cannot shadow a plugin by accident.
 */
int plugin_registry_load(struct plugin_registry **out, const char *const *dirs, size_t ndirs,
                         const struct sandbox_limits *limits, struct cc_error *err);
void plugin_registry_free(struct plugin_registry *reg);

const struct plugin_info *plugin_find(const struct plugin_registry *reg, const char *name);

/**
 * Runs every plugin's detect() on path. scores gets reg->count confidences
 * (0 when detect failed; that failure goes to the log at debug level).
 */
int plugin_detect(struct plugin_registry *reg, const char *path, double *scores,
                  struct cc_error *err);

/**
 * Picks the plugin that takes path: the highest confidence, at least 0.5,
 * and more than 0.1 ahead of the next. Otherwise CC_EDATA with a message that
 * lists the candidates (ambiguous) or every plugin tried (none).
 */
int plugin_choose(struct plugin_registry *reg, const char *path,
                  const struct plugin_info **chosen, struct cc_error *err);

/**
 * Runs p's parse() over path in a fresh sandbox, sending records to sink.
 * Errors come back as "plugin:file:row: field: reason".
 */
/** plugin_choose on scores plugin_detect already gave: no second round of detect() calls. */
int plugin_pick(const struct plugin_registry *reg, const char *path, const double *scores,
                const struct plugin_info **chosen, struct cc_error *err);

int plugin_parse(const struct plugin_registry *reg, const struct plugin_info *p,
                 const char *path, bool progress, struct claim_sink *sink,
                 struct parse_stats *stats, struct cc_error *err);

#define PLUGIN_MIN_CONFIDENCE 0.5
/* The budget of one detect() call: generous for reading a header, small
 * enough that a looping detect costs a second, not minutes. */
#define PLUGIN_DETECT_INSTRUCTIONS 100000000ULL
#define PLUGIN_AMBIGUITY_MARGIN 0.1

#endif
