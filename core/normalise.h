/* SPDX-License-Identifier: MIT */
/*
 * Normalisation: the common taxonomy, the crosswalks from each framework's
 * codes to its areas, and the rating scales that put every body's raw rating
 * on the common band 1-4. All of it is data (plugins/register/ and
 * plugins/crosswalks/, and the same folders in user plugin folders);
 * this module loads it, checks it, answers lookups and mirrors it into the
 * store so reports and the reconciler can quote the questions.
 */
#ifndef CONCORD_NORMALISE_H
#define CONCORD_NORMALISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "claims.h"
#include "store.h"
#include "util.h"

struct xw_map {
    char *area, *dimension, *relationship;
};

struct xw_code {
    const char *framework; /* the owning framework's name */
    char *code, *label, *question, *strand, *direction;
    struct xw_map *maps;
    size_t nmaps;
};

struct xw_framework {
    char *name, *body, *title, *source, *path;
    struct xw_code *codes;
    size_t ncodes;
    struct strmap index;    /* code -> index */
    struct strmap aliases;  /* alias -> index */
    struct strmap by_type;  /* "code|UNIT_TYPE" -> index */
};

struct normaliser;

/**
 * Loads taxonomy, scales and crosswalks from each folder in order: a later
 * folder's framework replaces an earlier one of the same name, a later scale
 * replaces one of the same name, and later defaults override earlier ones.
 * Every crosswalk is checked against the taxonomy; a problem names its file.
 */
int normaliser_load(struct normaliser **out, const char *const *dirs, size_t ndirs,
                    struct cc_error *err);
void normaliser_free(struct normaliser *n);

struct config;
/**
 * Applies the configuration's `scales` (the shape of plugins/register/scales.lua):
 * scales replace those of the same name, defaults override per body and framework.
 */
int normaliser_apply_scales(struct normaliser *n, const struct config *cfg,
                            struct cc_error *err);

/** Writes taxonomy and crosswalks into the store when they changed (needs a write transaction). */
int normaliser_sync(struct normaliser *n, struct store *st, struct cc_error *err);

const struct xw_framework *normaliser_framework(const struct normaliser *n, const char *name);

/**
 * The crosswalk entry for framework + code (through aliases, and through
 * by_unit_type with the type of the unit judged). NULL with a message naming
 * the code and framework when unknown.
 */
const struct xw_code *normaliser_code(const struct normaliser *n, const char *framework,
                                      const char *code, const char *unit_type,
                                      struct cc_error *err);

enum answer_class { ANSWER_NONE, ANSWER_SUFFICIENT, ANSWER_INSUFFICIENT, ANSWER_NA };

struct band_result {
    int band;                  /* 1-4, or 0 when the claim has no band of its own */
    enum answer_class answer;  /* for a case-level answer */
    char basis[160];           /* how the band was reached, for people */
};

/**
 * Puts one claim on the band scale, with the scales configured for its
 * framework (or, failing that, its body). A value no scale knows is an
 * error naming the scales tried, never a guess.
 */
int normaliser_band(const struct normaliser *n, const char *body, const char *framework,
                    const struct xw_code *code, const struct claim_assessment *a,
                    struct band_result *r, struct cc_error *err);

/** The band of a share of cases sufficient, with the "cases" scale of framework/body. */
int normaliser_band_cases(const struct normaliser *n, const char *body, const char *framework,
                          long applicable, long sufficient, struct band_result *r,
                          struct cc_error *err);

/** Prints the taxonomy, or one framework's codes, areas and questions. */
void normaliser_print(const struct normaliser *n, const char *framework, FILE *out);

#endif
