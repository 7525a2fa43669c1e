/* SPDX-License-Identifier: MIT */
/*
 * The register of organisational units: loading the built-in register
 * (plugins/register/units.lua) into the store, and resolving the unit names
 * and codes that imports use.
 */
#ifndef CONCORD_REGISTER_H
#define CONCORD_REGISTER_H

#include <stdint.h>

#include "store.h"
#include "util.h"

/**
 * Loads path (a units.lua data file) into the units and unit_aliases tables
 * when its content differs from what the database last loaded. Runs inside
 * its own write transaction.
 */
int register_sync(struct store *st, const char *path, int wait_seconds, struct cc_error *err);

/** Lowercases, folds white space and '&' into " and ", for alias matching. */
void unit_normalise(const char *in, struct sbuf *out);

/** Resolves names and codes for one import, with a cache. */
struct unit_resolver {
    struct store *st;
    struct strmap cache;   /* name as given -> unit id */
    struct strmap codes;   /* "#<id>" -> index into names, for unit_code() */
    struct strmap types;   /* "#<id>" -> index into unit_types */
    char **names;
    size_t nnames;
    struct sbuf norm;
};

void unit_resolver_init(struct unit_resolver *r, struct store *st);
void unit_resolver_free(struct unit_resolver *r);

/**
 * Resolves a unit name or code: exact code, then exact alias, then the
 * normalised name (case, punctuation, "&"/"and"), which also finds aliases a
 * person confirmed. *via (may be NULL) says how: "code", "alias",
 * "normalised" or "person". An unknown unit is CC_EDATA with a message naming
 * it.
 */
int unit_resolve(struct unit_resolver *r, const char *name, int64_t *id, const char **via,
                 struct cc_error *err);

/** The type of a unit id (REGION, PDU, ...), or NULL. */
const char *unit_type(struct unit_resolver *r, int64_t id);

/** Adds a unit a source declared, if its code is new; its name becomes an alias. */
int unit_declare(struct unit_resolver *r, const char *code, const char *name, const char *type,
                 const char *parent, const char *origin, struct cc_error *err);

/** The code of a unit id (cached), or NULL. */
const char *unit_code(struct unit_resolver *r, int64_t id);

#endif
