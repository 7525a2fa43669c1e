/* SPDX-License-Identifier: MIT */
/*
 * Importing one file: hash it, choose a plugin, run it, and store what it
 * emits in one transaction. All or nothing: any error rolls the file back.
 */
#ifndef CONCORD_IMPORT_H
#define CONCORD_IMPORT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "plugin.h"
#include "store.h"

struct normaliser;
struct privacy;

/** What every import needs besides the store: plugins, crosswalks and scales, the case key. */
struct import_env {
    struct plugin_registry *reg;
    struct normaliser *norm;
    struct privacy *priv;
};

struct import_options {
    const char *plugin;   /* NULL = detect */
    int wait_seconds;     /* for the write lock */
    bool progress;        /* progress line on stderr */
    double accept_fuzzy;  /* accept unit proposals scoring at least this; 0 = never */
};

enum import_outcome { IMPORT_IMPORTED, IMPORT_UNCHANGED };

struct import_result {
    enum import_outcome outcome;
    const struct plugin_info *plugin;
    int64_t source_id;        /* the new source, or the existing one when unchanged */
    int version;              /* 1 for a new source key, 2.. for later versions */
    long rows_read, rows_emitted, rows_skipped;
    long records, records_new, records_updated, records_unchanged, records_retired;
    long records_unmapped, records_derived; /* derived: aggregates of case answers */
    long events, assessments, recommendations;
    double seconds;
};

int import_file(struct store *st, const struct import_env *env, const char *path,
                const struct import_options *opt, struct import_result *res,
                struct cc_error *err);

/*
 * The same import in two phases, for the daemon: parsing runs on worker
 * threads without touching the database, one writer stores.
 *
 *   import_identify  any thread, no database: hashes the file and chooses its
 *                    plugin (plugin == NULL: detect). reg's detection state
 *                    is one Lua state: no other thread may use reg meanwhile.
 *   import_parse     any thread, no database: runs the plugin in a fresh Lua
 *                    state and records a deep copy of every record it emits
 *                    (memory: about 250 bytes a record). Its status is the
 *                    plugin's; the records before a failure are kept, so
 *                    that import_store reports the same first error as
 *                    import_file would.
 *   import_store     the writer: replays the records into the importer in
 *                    one transaction, exactly as import_file stores them
 *                    (unchanged content, aggregates, retirement, messages),
 *                    then reports the parse's own failure if it had one.
 *                    The plugin is looked up by name in env->reg.
 *
 * import_file keeps streaming records straight into the transaction.
 */
struct import_parsed;

int import_identify(struct plugin_registry *reg, const char *path, const char *plugin,
                    struct import_parsed **out, struct cc_error *err);
/**
 * Before import_parse: the parse puts case pseudonyms (under priv) in the
 * assessments it records, work import_store then skips. priv must outlive
 * the parse.
 */
void import_parsed_pseudonymise(struct import_parsed *ip, struct privacy *priv);
/** cancel, when not NULL, is polled at every record: non-zero stops the parse. */
int import_parse(struct import_parsed *ip, const struct plugin_registry *reg,
                 const atomic_int *cancel, struct cc_error *err);
int import_store(struct store *st, const struct import_env *env, struct import_parsed *ip,
                 const struct import_options *opt, struct import_result *res,
                 struct cc_error *err);
void import_parsed_free(struct import_parsed *ip);
/** Frees the records (the memory) but keeps hash, plugin and counts, for messages. */
void import_parsed_drop_records(struct import_parsed *ip);

const char *import_parsed_sha256(const struct import_parsed *ip);
const char *import_parsed_plugin(const struct import_parsed *ip);
long long import_parsed_bytes(const struct import_parsed *ip);
/** Records held, the memory they take, and the seconds the parse took. */
size_t import_parsed_records(const struct import_parsed *ip);
size_t import_parsed_memory(const struct import_parsed *ip);
double import_parsed_seconds(const struct import_parsed *ip);

/** True when plugin already imported content with this sha256 (its source id in *id). */
bool import_known(struct store *st, const char *plugin, const char *sha256, int64_t *id);

#endif
