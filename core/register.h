/* SPDX-License-Identifier: MIT */
/*
 * The register of organisational units: loading the built-in register
 * (plugins/register/units.lua) and users' additions (register/units.lua in
 * each plugin folder) into the store, and resolving the unit names and codes
 * that imports use. docs/units.md describes the rules in full.
 */
#ifndef CONCORD_REGISTER_H
#define CONCORD_REGISTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "util.h"

/*
 * The version of unit_normalise()'s rules. register_sync*() compare it with
 * meta 'unit_norm_version' and re-normalise every stored alias when it
 * differs, so stored forms always match what the resolver computes.
 */
#define UNIT_NORM_VERSION 2

/**
 * Loads path (the built-in units.lua) into units, unit_aliases and
 * unit_crosswalk when its content differs from what the database last loaded
 * (meta 'register_sha256'), or when UNIT_NORM_VERSION changed. Runs inside
 * its own write transaction.
 */
int register_sync(struct store *st, const char *path, int wait_seconds, struct cc_error *err);

/**
 * Like register_sync(), for plugin folders: dirs[0] is the built-in folder
 * (its register/units.lua is required), then dirs[1..] in order, each of
 * whose register/units.lua is loaded, when present, after the built-in one.
 * A user register adds units (origin 'config', aliases with method
 * 'config'); an entry whose code is in the built-in register adds only its
 * aliases. Each file is reloaded only when its content changed. One
 * transaction for all of them.
 */
int register_sync_dirs(struct store *st, const char *const *dirs, size_t ndirs,
                       int wait_seconds, struct cc_error *err);

/**
 * The normalised form of a unit name, for matching (rules of version
 * UNIT_NORM_VERSION; deterministic, ASCII case folding only):
 *  1. ASCII letters are lowercased; '&' becomes the word "and"; apostrophes
 *     (' ` and U+2018/U+2019) are deleted ("King's" -> "kings"); every other
 *     ASCII character, U+00A0 and U+2013/U+2014 separate words; other bytes
 *     are kept as they are.
 *  2. A run of two or more one-letter words is joined ("C.R.C." -> "crc").
 *  3. "community rehabilitation company" -> "crc", "national probation
 *     service" -> "nps", "probation delivery unit" -> "pdu".
 *  4. A final "ltd" or "limited" is dropped, then a final "pdu" (when other
 *     words remain): "Gateshead and South Tyneside PDU" is the PDU's name.
 *  5. Words are joined by one space.
 */
void unit_normalise(const char *in, struct sbuf *out);

/**
 * Similarity in [0, 1] of two NORMALISED names: the mean of
 *  - the Jaro-Winkler similarity of the whole strings (prefix scale 0.1,
 *    prefix up to 4, boost when Jaro > 0.7), and
 *  - a soft token Jaccard of the words other than "and": words are paired one
 *    to one, most similar pair first (Jaro-Winkler; a one-letter word that is
 *    the other word's initial scores at least 0.8); pairs under 0.8 do not
 *    count; with M the sum of the paired scores, Jaccard = M / (|A| + |B| - M).
 * Identical strings score 1. Word order matters to the first part only.
 */
double unit_similarity(const char *a, const char *b);

/** A proposal: a unit and how close the name came to it. */
struct unit_candidate {
    int64_t id;
    char *code, *name;  /* the unit's code and name */
    char *matched;      /* the unit's code, name or alias that scored best */
    double score;       /* unit_similarity() of the normalised forms */
};

/* Proposals: the best UNIT_CANDIDATES units scoring at least UNIT_CANDIDATE_FLOOR. */
#define UNIT_CANDIDATES 3
#define UNIT_CANDIDATE_FLOOR 0.4

struct unit_index;
struct unit_pending;

/** Resolves names and codes for one import, with a cache. */
struct unit_resolver {
    struct store *st;
    struct strmap cache;   /* name as given -> unit id */
    struct strmap codes;   /* "#<id>" -> index into names, for unit_code() */
    struct strmap types;   /* "#<id>" -> index into unit_types */
    char **names;
    size_t nnames;
    struct sbuf norm;
    double accept_fuzzy;         /* 0 = proposals are never accepted */
    struct unit_index *index;    /* every code, name and alias, for proposals (lazy) */
    struct unit_pending *pending;/* names that did not resolve, with their candidates */
    size_t npending;
};

void unit_resolver_init(struct unit_resolver *r, struct store *st);
void unit_resolver_free(struct unit_resolver *r);

/**
 * For this resolver (one import): a name that resolves no other way is
 * linked to its best proposal when that proposal's score, rounded to two
 * decimals as messages show it, is at least threshold and no other unit has
 * the same score. The link is stored as an alias with method 'fuzzy' and
 * the score (in the caller's transaction, which must be a write one) and the
 * name leaves unresolved_units; unit_resolve() reports via "fuzzy".
 * threshold <= 0 turns acceptance off.
 */
void unit_resolver_accept_fuzzy(struct unit_resolver *r, double threshold);

/**
 * Resolves a unit name or code, in this order: exact code; exact alias (a
 * name or alias in the register, as written); normalised name (see
 * unit_normalise(), also against normalised codes); alias confirmed by a
 * person; an alias accepted earlier from a fuzzy proposal; and, when turned
 * on, a fuzzy proposal above the threshold. *via (may be NULL) says how:
 * "code", "alias", "normalised", "person", "fuzzy" or "config" (an alias
 * from a user register). An unknown unit is CC_EDATA with a message naming
 * it, its closest units with scores and the command to confirm one; the
 * resolver also remembers it for unit_record_unresolved().
 */
int unit_resolve(struct unit_resolver *r, const char *name, int64_t *id, const char **via,
                 struct cc_error *err);

/** The last name unit_resolve() could not resolve, or NULL. */
const char *unit_resolver_last_unresolved(const struct unit_resolver *r);

/**
 * Records the names this resolver could not resolve, with their candidates
 * (JSON [{code, name, score}]), in unresolved_units: times + 1, last_seen
 * now, last_file = file. Call it once per import, AFTER the import's
 * commit or rollback: it takes its own short write transaction. Does nothing
 * when every name resolved. A failure is logged and returned; it should not
 * replace the import's own error.
 */
int unit_record_unresolved(struct store *st, const struct unit_resolver *r, const char *file);

/** Up to max proposals for name, best first (ties by code); returns how many. */
size_t unit_candidates(struct unit_resolver *r, const char *name, struct unit_candidate *out,
                       size_t max);
void unit_candidates_free(struct unit_candidate *c, size_t n);

/** The decision path for one name, for `concord units resolve`. */
struct unit_explain {
    char *norm;            /* the normalised form */
    bool code;             /* step 1: the name is a unit code */
    /* The alias row whose normalised form equals norm, if any (alias == NULL: none). */
    char *alias, *method, *confirmed_by, *confirmed_at;
    double score;          /* the alias row's score, < 0 when none */
    int64_t alias_unit;
    bool code_norm;        /* step 3: norm equals a unit code's normalised form */
    int step;              /* 1 code, 2 exact alias, 3 normalised, 4 person, 5 fuzzy, 0 none */
    int64_t id;            /* the result; 0 when unresolved */
    const char *via;       /* as unit_resolve() would say; NULL when unresolved */
    size_t ncand;          /* proposals, filled when unresolved */
    struct unit_candidate cand[UNIT_CANDIDATES];
};

/** Fills x for name without changing anything (no fuzzy acceptance, nothing remembered). */
void unit_explain(struct unit_resolver *r, const char *name, struct unit_explain *x);
void unit_explain_free(struct unit_explain *x);

/**
 * A person confirms that name means the unit with code (`concord units
 * alias`): stores an alias with method 'person', confirmed_by by and
 * confirmed_at now (UTC), and removes name from unresolved_units. Must run
 * in a write transaction. Refused (CC_EDATA) when code is unknown, when name
 * is a unit's code, or when name already resolves to another unit (unless
 * replace). When name already resolves to the unit through the register,
 * nothing changes. msg receives one line saying what happened.
 */
int unit_confirm_alias(struct store *st, const char *name, const char *code, const char *by,
                       bool replace, struct sbuf *msg, struct cc_error *err);

/** The type of a unit id (REGION, PDU, ...), or NULL. */
const char *unit_type(struct unit_resolver *r, int64_t id);

/** Adds a unit a source declared, if its code is new; its name becomes an alias. */
int unit_declare(struct unit_resolver *r, const char *code, const char *name, const char *type,
                 const char *parent, const char *origin, struct cc_error *err);

/** The code of a unit id (cached), or NULL. */
const char *unit_code(struct unit_resolver *r, int64_t id);

/** Appends name as one shell word in single quotes ("it's" -> 'it'\''s'). */
void unit_shell_quote(struct sbuf *out, const char *name);

#endif
