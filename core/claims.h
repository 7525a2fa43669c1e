/* SPDX-License-Identifier: MIT */
/*
 * The records a plugin emits, after the emitters have validated them, and the
 * sink that receives them. lua_api.c fills these from Lua tables; import.c
 * stores them. Strings point into Lua-owned memory and are valid only during
 * the sink call.
 */
#ifndef CONCORD_CLAIMS_H
#define CONCORD_CLAIMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define CLAIM_NO_DATE INT32_MIN

struct claim_event {
    const char *key;       /* canonical identity within the plugin */
    const char *kind;      /* INSPECTION, AUDIT, ... */
    const char *unit;      /* code or name, resolved by the sink */
    int32_t started, ended, published; /* days since 1970; published may be CLAIM_NO_DATE */
    const char *title, *reference;     /* may be NULL */
    int64_t cases_sampled;             /* -1 = not given */
    double staff_hours;                /* < 0 = not given */
    const char *row;                   /* provenance: row number or JSON pointer */
};

struct claim_assessment {
    const char *key;
    const char *event;                 /* canonical key of an event emitted earlier */
    const char *unit;                  /* NULL = the event's unit */
    const char *framework, *code;
    const char *strand;                /* NULL or ENGAGE/DESIST/SAFE */
    const char *case_ref;              /* NULL or a validated CRN */
    const char *rating;                /* NULL or the body's word */
    bool has_value, has_target;
    double value, target;
    int64_t cases_applicable, cases_sufficient; /* -1 = not given */
    int32_t period_start, period_end;  /* CLAIM_NO_DATE = the event's dates */
    int32_t observed;                  /* CLAIM_NO_DATE = the event's end */
    const char *text;
    bool unmapped;                     /* the plugin keeps a code no crosswalk knows */
    const char *row;
    /* The identity hash of key, when the parse made it (0: the importer does):
     * work moved off the writer, which an import waits for. */
    int64_t key_hash;
};

struct claim_recommendation {
    const char *key, *event, *unit, *text;
    const char *framework, *code, *owner;
    int32_t due, status_date;          /* CLAIM_NO_DATE when absent */
    const char *status;                /* never NULL: defaults to OPEN */
    const char *row;
};

struct claim_unit {
    const char *code, *name, *type, *parent; /* parent may be NULL */
    const char *row;
};

struct claim_scope {
    const char *key;                   /* NULL = keep the default (the file's name) */
    const char **units;                /* NULL-terminated, or NULL = any unit */
    size_t nunits;
    int32_t from, to;                  /* CLAIM_NO_DATE = open-ended */
};

struct lua_source;

/** Where validated records go. Each callback returns CC_OK or fills err. */
struct claim_sink {
    void *ctx;
    int (*event)(void *ctx, const struct claim_event *e, struct cc_error *err);
    int (*assessment)(void *ctx, const struct claim_assessment *a, struct cc_error *err);
    int (*recommendation)(void *ctx, const struct claim_recommendation *r, struct cc_error *err);
    int (*unit)(void *ctx, const struct claim_unit *u, struct cc_error *err);
    int (*scope)(void *ctx, const struct claim_scope *s, struct cc_error *err);
    /* Optional: told the source before parse() runs, for a sink that needs the
     * current row of each record (lua_api_current_row). */
    void (*source)(void *ctx, struct lua_source *src);
};

#endif
