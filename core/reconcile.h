/* SPDX-License-Identifier: MIT */
/*
 * Reconciliation: turns the normalised store into flags. Built-in rules
 * (contradiction, divergence, disconnect, duplicated case, repeated
 * scrutiny, overload, intensification, duplicated recommendation) run in C
 * over area judgements; rules users write run in Lua (rules_lua.c). Flags are
 * tracked across runs by fingerprint: new, open, resolved; a person's
 * decision holds until the flag's members change.
 */
#ifndef CONCORD_RECONCILE_H
#define CONCORD_RECONCILE_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"
#include "util.h"

struct normaliser;
struct config;

enum flag_member_kind { MEMBER_ASSESSMENT, MEMBER_EVENT, MEMBER_RECOMMENDATION };

struct flag_member {
    enum flag_member_kind kind;
    int64_t id;
};

/** One finding, as a rule proposes it. Strings are copied by flag_add. */
struct flag {
    const char *rule;        /* e.g. "CONTRADICTION" or a Lua rule's id */
    const char *kind;        /* usually the rule id; Lua rules may share a kind */
    const char *severity;    /* "low", "medium", "high" */
    int64_t unit_id;         /* 0 = none */
    const char *area;        /* NULL = none */
    const char *period_start, *period_end; /* "YYYY-MM-DD", may be NULL */
    const char *bodies;      /* "HMIP+OSAG", sorted, '+'-joined */
    const char *explanation; /* plain English, no raw case reference */
    const struct flag_member *members;
    size_t nmembers;
    const char *subject;     /* more identity for the fingerprint (a case pseudonym), or NULL */
};

/** Where rules put flags; the reconciler owns it. */
struct flag_set;

/** Adds a flag (copied). Its fingerprint is the rule and its members' identities. */
int flag_add(struct flag_set *set, const struct flag *f, struct cc_error *err);

struct reconcile_options {
    const char *trigger;         /* "cli", "schedule", "inbox", "run" */
    const char *const *rule_dirs;/* folders of Lua rules */
    size_t nrule_dirs;
    const struct config *config; /* thresholds; NULL = defaults */
    int wait_seconds;
};

struct reconcile_result {
    int64_t run_id;
    long found, new_flags, open_flags, resolved_flags;
    double seconds;
    char counts[1024];        /* JSON: found flags by kind, and by status */
};


/**
 * The cases an event examined, counted from its case answers: an SQL
 * expression over `events e`, the "examined" of reconcile_event_hours below,
 * for the reconciler and the report alike.
 */
#define RECONCILE_EVENT_CASES_SQL \
    "(SELECT count(DISTINCT a.case_ref) FROM case_answers a WHERE a.event_id = e.id)"

/**
 * Estimated staff hours an event cost the provider: staff_hours when the
 * event gives them (has_staff_hours), otherwise the cost model
 * cost_model.KIND.base_hours + cost_model.KIND.per_case x cases (cases:
 * sampled as declared, else examined), with the built-in defaults of
 * docs/reconcile.md when cfg is NULL or does not set them. The reconciler's
 * burden rules and `concord report` both use it.
 */
double reconcile_event_hours(const struct config *cfg, const char *kind, long cases,
                             bool has_staff_hours, double staff_hours);

/** One reconciliation run: rules, lifecycle, runs row, all in one transaction. */
int reconcile_run(struct store *st, const struct normaliser *norm,
                  const struct reconcile_options *opt, struct reconcile_result *res,
                  struct cc_error *err);

#endif
