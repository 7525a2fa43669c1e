/* SPDX-License-Identifier: MIT */
/*
 * Importing one file: hash it, choose a plugin, run it, and store what it
 * emits in one transaction. All or nothing: any error rolls the file back.
 */
#ifndef CONCORD_IMPORT_H
#define CONCORD_IMPORT_H

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

#endif
