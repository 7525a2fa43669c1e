/* SPDX-License-Identifier: MIT */
/*
 * `concord report`: one data model, gathered ONCE from the store, and the
 * renderers that write it out (text, md, json, csv here; html and xlsx in
 * report_html.c and report_xlsx.c).
 *
 * The model is plain C arrays of plain structs. Every string is owned by the
 * report (freed by report_free) and is NUL-terminated UTF-8; a `char *` field
 * documented "or NULL" may be NULL, every other one is never NULL (possibly
 * ""). Dates are "YYYY-MM-DD" text exactly as the store holds them. Every
 * array is in a documented, deterministic order (explicit ORDER BY with tie
 * breakers), so renderers can walk it as it is and produce byte-identical
 * output from the same database and options; only generated_at changes
 * between runs, and SOURCE_DATE_EPOCH fixes it.
 *
 * Scope: --unit takes a unit and every unit below it (region -> PDUs ->
 * LDUs/teams); --since/--until keep rows whose period overlaps the window
 * (either end may be open). Each array below says which period it uses.
 *
 * Privacy: no case reference or case pseudonym is ever in the model. Case-level
 * answers are not gathered at all; flag explanations that quote a case
 * pseudonym have it replaced by "withheld" (see report_flag.explanation).
 *
 * Cross references between arrays are by index (size_t) into the other
 * array of the same struct report, never by pointer, so a renderer can
 * copy arrays freely.
 */
#ifndef CONCORD_REPORT_H
#define CONCORD_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "store.h"
#include "util.h"

struct config;
struct normaliser;

/** The JSON document's version ("report_format"); bump on an incompatible change. */
#define REPORT_FORMAT 1

/** What to gather. All fields may be NULL / zero. */
struct report_options {
    const char *unit;                /* unit code: that unit and the units below it; NULL = all */
    const char *since, *until;       /* "YYYY-MM-DD" (checked), inclusive; NULL = open */
    const struct config *config;     /* the cost model (cost_model.KIND.*); NULL = defaults */
    const struct normaliser *norm;   /* bands pooled case answers for the matrix exactly as
                                        the reconciler does; NULL = lowest derived band */
};

/** The scope the report was gathered for, as given (and resolved). */
struct report_scope {
    char *unit;          /* unit code, or NULL = every unit */
    char *unit_name;     /* its name, or NULL */
    char *since, *until; /* "YYYY-MM-DD", or NULL = open */
};

/**
 * A unit in scope. Order: depth first from the scope's root (or from each
 * unit without a parent when there is no --unit), children by code; so a
 * renderer that indents by depth draws the tree.
 */
struct report_unit {
    int64_t id;          /* the store's id (stable within one database only) */
    char *code, *name;
    char *type;          /* NATIONAL, REGION, PDU, LDU, TEAM, PROVIDER, CRC, NPS_DIVISION */
    char *parent;        /* parent's code, or NULL (top of the register) */
    int depth;           /* 0 for the scope's root(s) */
    /* What the report holds about this unit itself (not the units below it): */
    size_t nevents, nassessments, nflags, nrecommendations;
};

/**
 * SCRUTINY LEDGER: one row per (not retired) event whose period
 * [start, end] overlaps the window, on a unit in scope.
 * Order: start, end, body, reference, id.
 */
struct report_event {
    int64_t id;
    char *body;          /* HMIP, OSAG, CONTRACT, IQA, ... */
    char *kind;          /* INSPECTION, AUDIT, QA_AUDIT, CONTRACT_RETURN, ... */
    size_t unit;         /* index into report.units */
    char *reference;     /* or NULL */
    char *title;         /* or NULL */
    char *start, *end;
    char *published;     /* or NULL */
    long cases;          /* cases sampled (as declared) or else examined (distinct cases
                            answered); 0 when neither */
    bool cases_declared; /* true: from the event's cases_sampled; false: counted */
    double hours;        /* estimated staff hours: reconcile_event_hours() */
    bool hours_declared; /* true: the event's own staff_hours; false: the cost model */
};

/**
 * ASSESSMENTS SUMMARY: unit-level banded judgements (never case-level
 * answers), one row per assessment and area it maps to (the `judgements`
 * view: an assessment whose code maps to two areas gives two rows; one
 * whose code maps to none gives one row with area NULL). Kept when
 * [period_start, period_end] overlaps the window and the unit is in scope.
 * Order: unit code, area (NULL last), body, observed, framework, code, id.
 */
struct report_assessment {
    int64_t id;
    int64_t event_id;
    size_t event;        /* index into report.ledger, or SIZE_MAX when the event is out of
                            the window (an assessment period can reach past its event's) */
    size_t unit;         /* index into report.units */
    char *area;          /* taxonomy area, e.g. "CS.PLAN", or NULL (unmapped) */
    char *dimension;     /* QUALITY, TIMELINESS, COMPLIANCE, OUTCOME, ... or NULL */
    char *relationship;  /* equal, subset, superset, intersects, or NULL */
    char *body, *framework, *code;
    char *question;      /* the framework code's question, or NULL */
    int band;            /* 1 (inadequate) .. 4 (outstanding) */
    char *rating;        /* as the body wrote it, or NULL */
    bool has_value, has_target;
    double value, target;
    bool has_counts;     /* cases_applicable / cases_sufficient known */
    long applicable, sufficient;
    bool derived;        /* an aggregate Concord made from the body's case answers */
    char *period_start, *period_end, *observed;
};

/** A person's decision on a flag that still applies (the members are unchanged). */
struct report_decision {
    char *decision;      /* "ack" or "dismiss" */
    char *by, *at, *reason;
};

/** One member of a flag, as `concord flags --format json` gives it. */
struct report_member {
    char *type;          /* "assessment", "event", "recommendation" */
    int64_t id;
    char *identity;      /* plugin|identity key (never a case reference) */
};

/**
 * FLAGS: every flag that is not resolved, on a unit in scope (flags without
 * a unit only when there is no --unit), whose period overlaps the window.
 * Order: newest first, as `concord flags`: period_end DESC, kind, fingerprint.
 */
struct report_flag {
    char *fingerprint;   /* 32 hex digits */
    char *rule, *kind;
    char *severity;      /* low, medium, high */
    char *status;        /* new, open (resolved flags are not gathered) */
    char *shown;         /* status as people see it: new, open, acknowledged, dismissed */
    struct report_decision *decision; /* or NULL */
    size_t unit;         /* index into report.units, or SIZE_MAX = none */
    char *area;          /* or NULL */
    char *period_start, *period_end; /* or NULL */
    char *bodies;        /* "HMIP+OSAG" as stored: sorted, '+'-joined */
    char **body_list;    /* the same, split; nbodies entries */
    size_t nbodies;
    char *members_json;  /* the members as stored: JSON array of {type, id, identity} */
    struct report_member *members;
    size_t nmembers;
    char *explanation;   /* plain English; case pseudonyms replaced by "withheld" */
    int64_t first_run, last_run;
};

/**
 * RECOMMENDATIONS: not retired, on a unit in scope, made by an event that
 * started on or before --until and still open (OPEN, IN_PROGRESS, OVERDUE)
 * or closed (status_date, else the event's end) on or after --since.
 * Order: unit code, body, event start, id.
 */
struct report_recommendation {
    int64_t id;
    char *body;
    size_t unit;         /* index into report.units */
    size_t event;        /* index into report.ledger, or SIZE_MAX */
    char *reference;     /* the event's reference, or NULL */
    char *framework, *code; /* or NULL */
    char *area;          /* area of framework/code (an 'equal' mapping first, then the
                            lowest code), or NULL */
    char *text;
    char *owner, *due;   /* or NULL */
    char *status;        /* OPEN, IN_PROGRESS, IMPLEMENTED, REJECTED, OVERDUE */
    char *status_date;   /* or NULL */
};

/**
 * BURDEN PER QUARTER: from the ledger, per unit, calendar quarter of the
 * event's start ("2022Q3") and body: how many events and their estimated
 * staff hours. Contract returns are included (kind is in the ledger); the
 * OVERLOAD rule leaves them out by default. Only combinations with at least
 * one event have a row. Order: unit code, quarter, body.
 */
struct report_burden {
    size_t unit;         /* index into report.units */
    char quarter[8];     /* "YYYYQn" */
    char *body;
    long events;
    double hours;
};

/** Bits of report_cell.marks. */
enum {
    REPORT_MARK_CONTRADICTION = 1, /* a CONTRADICTION flag on this unit and area names the body */
    REPORT_MARK_DIVERGENCE = 2,    /* a DIVERGENCE flag on this unit and area names the body */
};

/** One cell of a judgement matrix: a body's latest view of an area of the unit. */
struct report_cell {
    int band;            /* 1-4; 0 = the body has no view of this area (other fields empty) */
    int64_t event_id;    /* the event of the latest view */
    size_t event;        /* index into report.ledger, or SIZE_MAX */
    char *observed;      /* the latest view's observed date, or NULL when band is 0 */
    int64_t *assessments;/* the assessment ids behind the band, ascending */
    size_t nassessments;
    unsigned marks;      /* REPORT_MARK_* */
    size_t *flags;       /* indices into report.flags of the marking flags, ascending */
    size_t nflags;
};

/**
 * JUDGEMENT MATRIX of one unit: areas (rows) x bodies (columns). The band
 * of a cell is the body's latest view (latest observed date, then event id)
 * of the area, reached as the reconciler reaches an area judgement within
 * an event: the body's own rating of the area (an 'equal' mapping, lowest
 * if several), else its pooled case answers, else its lowest banded
 * measure. Built from report.assessments (so from the window). One matrix
 * per unit with at least one banded unit-level assessment with an area.
 * Order: matrices by unit code; areas and bodies sorted (strcmp).
 */
struct report_matrix {
    size_t unit;         /* index into report.units */
    char **areas;        /* nareas area codes */
    size_t nareas;
    char **bodies;       /* nbodies body names */
    size_t nbodies;
    struct report_cell *cells; /* nareas * nbodies, row-major: cells[a * nbodies + b] */
};

/** An area of the common taxonomy, for labels. Order: code. */
struct report_area {
    char *code;
    char *label;         /* or NULL */
};

struct report {
    char generated_at[21];    /* "YYYY-MM-DDTHH:MM:SSZ", cc_now_iso (SOURCE_DATE_EPOCH) */
    struct report_scope scope;
    struct report_unit *units;             size_t nunits;
    struct report_event *ledger;           size_t nledger;
    struct report_assessment *assessments; size_t nassessments;
    struct report_flag *flags;             size_t nflags;
    struct report_recommendation *recommendations; size_t nrecommendations;
    struct report_burden *burden;          size_t nburden;
    struct report_matrix *matrix;          size_t nmatrix;
    struct report_area *areas;             size_t nareas;
};

/**
 * Gathers the report from the store, reading only (a snapshot: one read
 * transaction). An unknown --unit is CC_EUSAGE and a bad date CC_EUSAGE,
 * each with a message that names it. On failure *out is NULL.
 */
int report_gather(struct store *st, const struct report_options *opt, struct report **out,
                  struct cc_error *err);
void report_free(struct report *r);

/* Helpers renderers share. */
/** The unit's code, or NULL for SIZE_MAX. */
const char *report_unit_code(const struct report *r, size_t unit);
/** "inadequate", "requires improvement", "good", "outstanding"; "" outside 1-4. */
const char *report_band_word(int band);
/** Writes s as one RFC 4180 field (quoted when it holds , " CR or LF); NULL = empty. */
void report_csv_field(FILE *out, const char *s);

/* ---------------------------------------------------------------- renderers
 * Each writes the whole report and returns CC_OK or a status with err set
 * (CC_EIO on a write error). They never change the report. */

/** Terminal summary. colour: ANSI colours (the caller decides: a terminal and no NO_COLOR). */
int report_text(const struct report *r, FILE *out, bool colour, struct cc_error *err);
/** The same as Markdown for a briefing. */
int report_md(const struct report *r, FILE *out, struct cc_error *err);
/** One JSON document, docs/report-json.md. */
int report_json(const struct report *r, FILE *out, struct cc_error *err);

/** CSV tables, in this order: "flags", "ledger", "assessments", "recommendations",
 * "burden", "matrix" (one row per cell with a band). */
extern const char *const report_csv_tables[];
extern const size_t report_csv_ntables;
/** One table (a name from report_csv_tables) to out; CC_EUSAGE for an unknown name. */
int report_csv_table(const struct report *r, const char *table, FILE *out, struct cc_error *err);
/** Every table into dir as report-TABLE.csv; dir must exist (CC_EIO otherwise, naming it). */
int report_csv_dir(const struct report *r, const char *dir, struct cc_error *err);

/** HTML: one self-contained page (core/report_html.c). */
int report_html(const struct report *r, FILE *out, struct cc_error *err);
/** XLSX workbook written to path (core/report_xlsx.c). */
int report_xlsx(const struct report *r, const char *path, struct cc_error *err);

#endif
