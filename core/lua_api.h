/* SPDX-License-Identifier: MIT */
/*
 * What Lua sees: the `concord` table (concord.plugin, date and period
 * helpers), the source object `src` with its readers, and the emitters of
 * `out`, which validate each record and hand it to a claim_sink.
 */
#ifndef CONCORD_LUA_API_H
#define CONCORD_LUA_API_H

#include <lua.h>
#include <stdbool.h>
#include <stdint.h>

#include "claims.h"
#include "util.h"

#define CONCORD_PLUGIN_API 1

/** Installs the `concord` table in the state's globals. */
void lua_api_open(lua_State *L);

/** Counts a parse reports back to the import. */
struct parse_stats {
    long rows_read;     /* data rows read (headers and skipped title lines excluded) */
    long rows_emitted;  /* rows that gave at least one record */
    long rows_skipped;  /* rows passed over with out:skip(reason) */
    long records;       /* records emitted */
    struct strmap skip_reasons; /* reason -> count */
};

/** Per-source state shared by the reader and the emitters. */
struct lua_source;

/**
 * Pushes a `src` userdata reading path. With sink == NULL the source is for
 * detect(): readers work, row accounting is off. progress shows a progress
 * line on stderr for large files.
 */
struct lua_source *lua_api_push_source(lua_State *L, const char *path, bool progress);

/** Pushes the `out` object bound to src and sink. */
void lua_api_push_out(lua_State *L, struct lua_source *src, struct claim_sink *sink);

/**
 * After parse() returned: checks that the last row was accounted for and
 * collects the counts. Returns CC_OK or CC_EDATA with the message in err.
 */
int lua_api_finish(struct lua_source *src, struct parse_stats *stats, struct cc_error *err);

/** Disconnects `out` from its sink: later emits raise an error. */
void lua_api_detach(struct lua_source *src);

/** The current row (as shown in messages), "" before any. */
const char *lua_api_current_row(const struct lua_source *src);

/**
 * An error an emitter or reader raised, with the field and reason already
 * formatted ("row 12: case: ..."); NULL if the last Lua error was the
 * plugin's own.
 */
const char *lua_api_error(const struct lua_source *src);

void parse_stats_init(struct parse_stats *s);
void parse_stats_free(struct parse_stats *s);

/** Appends the canonical form of a key (string, number or list of them) at idx. */
int lua_api_canonical_key(lua_State *L, int idx, struct sbuf *out, const char **why);

#endif
