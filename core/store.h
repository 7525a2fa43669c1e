/* SPDX-License-Identifier: MIT */
/*
 * The SQLite store: opening, schema migrations keyed by PRAGMA user_version,
 * the single-writer lock and transactions. Other modules prepare their own
 * statements on store->db; this module owns the connection's settings.
 */
#ifndef CONCORD_STORE_H
#define CONCORD_STORE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>

#include "util.h"

struct store {
    sqlite3 *db;
    char *path;
    bool in_write;
};

/** The schema version this build writes; older databases are migrated on open. */
int store_schema_version(void);

/**
 * Opens (and with create, creates) the database at path, sets WAL, foreign
 * keys and synchronous=NORMAL, and migrates it to the current schema.
 * A database newer than this build is refused rather than damaged.
 */
int store_open(struct store **out, const char *path, bool create, struct cc_error *err);
void store_close(struct store *s);

/**
 * Takes the write lock (BEGIN IMMEDIATE), waiting up to wait_seconds for
 * another writer to finish. Returns CC_EBUSY with a message naming the
 * database when the lock cannot be had in time.
 */
int store_begin_write(struct store *s, int wait_seconds, struct cc_error *err);
int store_commit(struct store *s, struct cc_error *err);
void store_rollback(struct store *s);

int store_exec(struct store *s, const char *sql, struct cc_error *err);
int store_prepare(struct store *s, sqlite3_stmt **stmt, const char *sql, struct cc_error *err);

/** meta table: small key/value facts about the database (register digest, pseudonym key id). */
int store_meta_get(struct store *s, const char *key, char *out, size_t outlen);
int store_meta_set(struct store *s, const char *key, const char *value, struct cc_error *err);

/** The full SQL of the current schema, as `concord schema` prints it. */
void store_print_schema(FILE *out);

#endif
