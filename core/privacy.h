/* SPDX-License-Identifier: MIT */
/*
 * Case references (CRNs) are personal data. By default the store holds only
 * a keyed pseudonym of each one: HMAC-SHA-256 under a secret key kept in a
 * file beside the database (mode 0600). The same CRN gives the same
 * pseudonym under one key, so duplicated scrutiny of a case is still found.
 */
#ifndef CONCORD_PRIVACY_H
#define CONCORD_PRIVACY_H

#include <stdbool.h>

#include "store.h"
#include "util.h"

#define PRIVACY_REF_SIZE 33 /* 32 hex digits + NUL */

struct privacy;

/**
 * Opens the key for the database at db_path: key_path, or "<db_path>.key".
 * With create, a missing key file is made (random key, mode 0600) unless the
 * database already holds pseudonyms made with another key. keep_raw stores
 * CRNs as given (for data that is already pseudonymous).
 */
int privacy_open(struct privacy **out, const char *db_path, const char *key_path, bool keep_raw,
                 bool create, struct cc_error *err);
void privacy_free(struct privacy *p);

/**
 * Checks the key against the one the database was built with, and records it
 * on first use. Needs a write transaction when the database has none yet.
 */
int privacy_bind(struct privacy *p, struct store *st, struct cc_error *err);

/** privacy_bind's check alone, writing nothing: for commands that may change nothing. */
int privacy_check(struct privacy *p, struct store *st, struct cc_error *err);

/** True for ^[A-Z][0-9]{6}$. */
bool privacy_is_crn(const char *s);

/** The stored form of a validated CRN: its pseudonym, or the CRN with keep_raw. */
const char *privacy_case_ref(struct privacy *p, const char *crn, char out[PRIVACY_REF_SIZE]);

bool privacy_keeps_raw(const struct privacy *p);
const char *privacy_key_path(const struct privacy *p);

#endif
