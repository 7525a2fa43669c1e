/* SPDX-License-Identifier: MIT */
/*
 * Small helpers for writing inline SVG (and the HTML around it): escaping,
 * deterministic numbers, a colour-blind-safe palette with fill patterns, and
 * three charts drawn from plain arrays: a timeline with lanes, stacked bars
 * and a labelled matrix. Nothing here knows about the store or the report.
 *
 * Every chart is one <svg role="img"> with a <title> and a <desc> (pointed to
 * by aria-labelledby), its own <defs> (ids prefixed with the chart's id, so
 * many charts can share a page), and a <title> on every mark. Colour is never
 * the only cue: each series has a pattern as well as a colour (Okabe-Ito),
 * bands carry their word, outlines differ in dash as well as weight.
 * Output is byte-identical for the same input: no time, no locale (numbers
 * are written by hand), no pointer values.
 */
#ifndef CONCORD_SVG_H
#define CONCORD_SVG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/**
 * Writes s with & < > " ' escaped, fit for HTML and SVG text and for attribute
 * values in double or single quotes. Control characters other than tab and
 * newline are dropped and invalid UTF-8 becomes U+FFFD, so the output is
 * always well-formed XML text. NULL writes nothing.
 */
void svg_escape(FILE *out, const char *s);
void svg_escapen(FILE *out, const char *s, size_t n);

/** Writes s made fit for an id or a class name: [A-Za-z0-9_-], others as '_'. */
void svg_ident(FILE *out, const char *s);

/**
 * v with at most `decimals` decimals (0..3), trailing zeros and "-0" removed:
 * 12, 12.5, 0.25. Independent of the locale. buf needs 32 bytes.
 */
const char *svg_num(char buf[32], double v, int decimals);

/* ------------------------------------------------------------ palette */

/** How one series is drawn: a colour, a pattern over it, and its ink for text on it. */
struct svg_style {
    const char *name;     /* the colour's name, for the legend's text: "orange" */
    const char *fill;     /* "#E69F00" */
    const char *ink;      /* text colour readable on fill */
    const char *pattern;  /* the pattern's name, for the legend's text: "diagonal lines" */
};

#define SVG_NSTYLES 7

/** Style i (wraps around after SVG_NSTYLES; the pattern set repeats shifted so pairs stay distinct). */
const struct svg_style *svg_style(size_t i);

/**
 * Writes <pattern> elements id="PREFIX-sN" for N in 0..n-1, drawn in style
 * style[N] (style NULL: style N), inside a <defs>. A mark uses
 * fill="url(#PREFIX-sN)": the pattern carries the colour.
 */
void svg_pattern_defs(FILE *out, const char *prefix, const size_t *style, size_t n);

/** The fill of a band 1..4 (0 = no band), and the ink for text on it. */
const char *svg_band_fill(int band);
const char *svg_band_ink(int band);

/* ------------------------------------------------------------ charts */

/** Opens <svg> with role, aria-labelledby, title and desc; width is in px. */
void svg_open(FILE *out, const char *id, int width, int height, const char *cls,
              const char *title, const char *desc);
void svg_close(FILE *out);

/** Text at (x, y); anchor "start", "middle" or "end"; cls may be NULL. */
void svg_text(FILE *out, double x, double y, const char *anchor, const char *cls,
              const char *text);

/**
 * A timeline: lanes (one per series) of bars over day ranges, and above them
 * rows of markers (flags: one row per kind). Bars that overlap in time are
 * stacked in sub-rows of their lane; markers likewise within their row.
 * A marker is a line over its period with a shape where the period ends (the
 * shape says its level); a period running past the axis is cut at the edge,
 * where the shape is drawn open-ended (class "clipped").
 */
struct svg_tl_bar {
    size_t lane;           /* index into lanes */
    int32_t start, end;    /* day numbers (dates.h), end >= start */
    const char *title;     /* the mark's <title>: what and when */
    const char *key;       /* data-key attribute (may be NULL) */
};

struct svg_tl_marker {
    size_t row;            /* index into mrows */
    int32_t start, end;    /* the period */
    int level;             /* 1 low (circle), 2 medium (diamond), 3 high (triangle) */
    unsigned count;        /* how many things it stands for (data-count; 0 is taken as 1) */
    const char *label;     /* a short text beside the shape (may be NULL) */
    const char *title;
    const char *key;       /* data-key attribute (may be NULL) */
    const char *href;      /* a link on the marker, "#fragment" (may be NULL) */
};

struct svg_timeline {
    const char *id;           /* unique on the page */
    const char *title, *desc;
    const char *bar_class;    /* class of each bar <rect>, e.g. "event" */
    size_t nlanes;
    const char *const *lanes;        /* lane labels (a body) */
    const size_t *lane_style;        /* style index per lane */
    size_t nbars;
    const struct svg_tl_bar *bars;
    size_t nmrows;
    const char *const *mrows;        /* marker row labels (a kind of flag) */
    size_t nmarkers;
    const struct svg_tl_marker *markers;
    int32_t from, to;         /* the axis; from > to takes the range of the bars */
};
void svg_timeline(FILE *out, const struct svg_timeline *t);

/** Stacked bars: one bar per category, one segment per series with a value > 0. */
struct svg_stacked {
    const char *id;
    const char *title, *desc;
    const char *mark_class;   /* class of each segment <rect> */
    const char *value_label;  /* axis label: "events", "staff hours" */
    int decimals;             /* for the numbers written */
    size_t ncats;
    const char *const *cats;  /* category labels, e.g. "2022 Q3" */
    size_t nseries;
    const char *const *series;
    const size_t *series_style;
    const double *values;     /* values[s * ncats + c] */
};
void svg_stacked_bars(FILE *out, const struct svg_stacked *c);

/** Cell outlines: contradiction (solid, heavy) and divergence (dashed). */
enum { SVG_MARK_CONTRADICTION = 1, SVG_MARK_DIVERGENCE = 2 };

struct svg_cell {
    int band;                 /* 1..4, 0 = nothing */
    const char *word;         /* the band's word, written in the cell */
    const char *title;        /* the cell's <title> */
    unsigned marks;           /* SVG_MARK_* */
};

struct svg_matrix {
    const char *id;
    const char *title, *desc;
    size_t nrows, ncols;
    const char *const *rows;       /* row labels (area codes) */
    const char *const *row_notes;  /* a second, smaller line per row (area names); may be NULL */
    const char *const *cols;       /* column labels (bodies) */
    const struct svg_cell *cells;  /* cells[r * ncols + c] */
};
void svg_matrix(FILE *out, const struct svg_matrix *m);

#endif
