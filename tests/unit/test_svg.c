/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the SVG helpers (core/svg.c): escaping for HTML and SVG, numbers
 * without locale or "-0", and the three charts drawn from plain arrays: how many
 * marks, their labels, the same bytes on every call, well-formed with any input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "svg.h"
#include "tap.h"

/* Everything a writer wrote, as one string (the caller frees it). */
#define CAPTURE(buf, stmt)                                                          \
    do {                                                                            \
        size_t cap_n_;                                                              \
        FILE *out = open_memstream(&(buf), &cap_n_);                                \
        stmt;                                                                       \
        fclose(out);                                                                \
    } while (0)

static int occurrences(const char *hay, const char *needle)
{
    int n = 0;

    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static char *esc(const char *s, size_t n)
{
    char *buf;
    CAPTURE(buf, svg_escapen(out, s, n));
    return buf;
}

static void test_escape(void)
{
    char *s;

    s = esc("a<b>&\"c'd", 9);
    is_str(s, "a&lt;b&gt;&amp;&quot;c&#39;d", "the five markup characters are escaped");
    free(s);
    s = esc("</script><!--]]>", 16);
    is_str(s, "&lt;/script&gt;&lt;!--]]&gt;", "a closing tag or CDATA end cannot get out");
    free(s);
    s = esc("tab\there\nline", 14);
    is_str(s, "tab\there\nline", "tab and newline are kept");
    free(s);
    s = esc("a\001b\033c\177d\re", 10);
    is_str(s, "abcde", "other control characters (and DEL, CR) are dropped");
    free(s);
    s = esc("caf\xC3\xA9 \xE2\x89\xA0 \xF0\x9F\x98\x80", 14);
    is_str(s, "caf\xC3\xA9 \xE2\x89\xA0 \xF0\x9F\x98\x80", "valid UTF-8 passes through");
    free(s);
    s = esc("a\xFF" "b", 3);
    is_str(s, "a\xEF\xBF\xBD" "b", "a stray byte becomes U+FFFD");
    free(s);
    s = esc("\xC0\xAF", 2);
    is_str(s, "\xEF\xBF\xBD\xEF\xBF\xBD", "an overlong '/' is not read as '/'");
    free(s);
    s = esc("\xED\xA0\x80", 3);
    is_str(s, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", "a surrogate is not a character");
    free(s);
    s = esc("x\xE2\x82", 3);
    is_str(s, "x\xEF\xBF\xBD\xEF\xBF\xBD", "a truncated sequence at the end");
    free(s);
    s = esc("\xC2\x85z", 3);
    is_str(s, "z", "C1 controls are dropped");
    free(s);
    s = esc("a\0b", 3);
    is_str(s, "ab", "NUL is dropped");
    free(s);
    CAPTURE(s, svg_escape(out, NULL));
    is_str(s, "", "NULL writes nothing");
    free(s);
    CAPTURE(s, svg_ident(out, "HMIP+OSAG \"x\"<y>"));
    is_str(s, "HMIP_OSAG__x__y_", "an identifier keeps [A-Za-z0-9_-] only");
    free(s);
    CAPTURE(s, svg_ident(out, ""));
    is_str(s, "_", "an empty identifier is not empty");
    free(s);
}

static void test_num(void)
{
    char b[32];

    is_str(svg_num(b, 12, 1), "12", "whole numbers have no decimals");
    is_str(svg_num(b, 12.5, 1), "12.5", "one decimal");
    is_str(svg_num(b, 0.25, 3), "0.25", "trailing zeros trimmed");
    is_str(svg_num(b, 2.999, 2), "3", "rounding carries");
    is_str(svg_num(b, -0.01, 1), "0", "no minus zero");
    is_str(svg_num(b, -3.25, 1), "-3.3", "negative numbers round away from zero");
    is_str(svg_num(b, 1e300, 1), "0", "absurd values are written as 0");
    is_str(svg_num(b, 1234567.891, 2), "1234567.89", "no thousands separator, no exponent");
}

static int32_t day(const char *s)
{
    int32_t d = 0;
    char msg[128];
    date_parse(s, strlen(s), &d, msg, sizeof msg);
    return d;
}

static void test_timeline(void)
{
    const char *lanes[] = { "HMIP", "O<SAG" };
    size_t styles[] = { 1, 3 };
    struct svg_tl_bar bars[] = {
        { 0, day("2022-01-10"), day("2022-01-21"), "HMIP inspection", "PDU21" },
        { 1, day("2022-02-01"), day("2022-02-05"), "OSAG audit & more", NULL },
        { 1, day("2022-02-03"), day("2022-02-04"), "overlapping audit", NULL },
        { 1, day("2022-06-01"), day("2022-06-01"), "one-day audit", NULL },
    };
    const char *mrows[] = { "Contradiction" };
    struct svg_tl_marker marks[] = {
        { 0, day("2022-01-10"), day("2022-02-05"), 3, 2, "\xC3\x97" "2", "two flags", "abc",
          "#flag-abc" },
        { 0, day("2022-03-01"), day("2030-01-01"), 1, 1, NULL, "runs on past the axis", NULL, NULL },
    };
    struct svg_timeline t = {
        .id = "t1", .title = "Timeline <of> a unit", .desc = "desc & more", .bar_class = "event",
        .nlanes = 2, .lanes = lanes, .lane_style = styles, .nbars = 4, .bars = bars,
        .nmrows = 1, .mrows = mrows, .nmarkers = 2, .markers = marks, .from = 1, .to = 0,
    };
    char *a, *b;

    CAPTURE(a, svg_timeline(out, &t));
    CAPTURE(b, svg_timeline(out, &t));
    is_str(a, b, "the same timeline twice gives the same bytes");
    is_int(occurrences(a, "<rect class=\"event\""), 4, "one bar per event");
    is_int(occurrences(a, "data-body=\"O&lt;SAG\""), 3, "each bar names its lane, escaped");
    is_int(occurrences(a, "<title id=\"t1-t\">Timeline &lt;of&gt; a unit</title>"), 1, "a <title>");
    is_int(occurrences(a, "<desc id=\"t1-d\">desc &amp; more</desc>"), 1, "a <desc>");
    ok(strstr(a, "role=\"img\" aria-labelledby=\"t1-t t1-d\"") != NULL, "labelled for screen readers");
    is_int(occurrences(a, "<pattern id=\"t1-s"), 2, "one pattern per lane");
    ok(strstr(a, "<pattern id=\"t1-s1\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
                 "<rect width=\"6\" height=\"6\" fill=\"#CC79A7\"/>") != NULL,
       "a lane is drawn in its style's colour (style 3: reddish purple)");
    is_int(occurrences(a, "class=\"flag-marker high\""), 1, "a high flag is a triangle");
    is_int(occurrences(a, "class=\"flag-marker low clipped\""), 1,
           "a period past the axis is cut, and says so");
    is_int(occurrences(a, "data-count=\"2\""), 1, "a marker says how many flags it stands for");
    is_int(occurrences(a, "<a href=\"#flag-abc\">"), 1, "a marker links to its flag");
    ok(strstr(a, "y=\"") != NULL && strstr(a, "http") == NULL, "no address anywhere");
    ok(strstr(a, ">2022</text>") != NULL, "years are labelled on the axis");
    free(a);
    free(b);

    /* Nothing at all still draws a chart with its labels. */
    struct svg_timeline e = { .id = "e", .title = "empty", .desc = "none", .from = 1, .to = 0 };
    CAPTURE(a, svg_timeline(out, &e));
    ok(strstr(a, "<svg id=\"e\"") != NULL && strstr(a, "</svg>") != NULL, "an empty timeline");
    free(a);
}

static void test_stacked(void)
{
    const char *cats[] = { "2022 Q1", "2022 Q2", "2022 Q3" };
    const char *series[] = { "HMIP", "IQA" };
    size_t styles[] = { 0, 2 };
    double values[] = { 1, 0, 2,  /* HMIP */
                        3, 0, 0.5 /* IQA */ };
    struct svg_stacked c = {
        .id = "b1", .title = "Events", .desc = "d", .mark_class = "seg", .value_label = "events",
        .decimals = 1, .ncats = 3, .cats = cats, .nseries = 2, .series = series,
        .series_style = styles, .values = values,
    };
    char *a;

    CAPTURE(a, svg_stacked_bars(out, &c));
    is_int(occurrences(a, "<rect class=\"seg\""), 4, "one segment per value above zero");
    ok(strstr(a, "data-series=\"IQA\" data-value=\"0.5\"") != NULL, "segments carry their value");
    ok(strstr(a, "<title>IQA, 2022 Q1: 3 events</title>") != NULL, "and say it in words");
    ok(strstr(a, "class=\"total\">4</text>") != NULL && strstr(a, "class=\"total\">2.5</text>"),
       "each bar's total is written above it");
    ok(strstr(a, ">2022 Q2</text>") != NULL, "an empty quarter keeps its place and label");
    is_int(occurrences(a, "class=\"swatch\""), 2, "a legend entry per series");
    free(a);
}

static void test_matrix(void)
{
    const char *rows[] = { "CS.ASSESS", "CS.PLAN" };
    const char *notes[] = { "Assessment", NULL };
    const char *cols[] = { "HMIP", "IQA" };
    struct svg_cell cells[] = {
        { 1, "inadequate", "HMIP on CS.ASSESS", SVG_MARK_CONTRADICTION },
        { 4, "outstanding", "IQA on CS.ASSESS", SVG_MARK_CONTRADICTION | SVG_MARK_DIVERGENCE },
        { 0, "", "no view", 0 },
        { 2, "requires improvement", "IQA on CS.PLAN", SVG_MARK_DIVERGENCE },
    };
    struct svg_matrix m = {
        .id = "m1", .title = "Matrix", .desc = "d", .nrows = 2, .ncols = 2, .rows = rows,
        .row_notes = notes, .cols = cols, .cells = cells,
    };
    char *a;

    CAPTURE(a, svg_matrix(out, &m));
    is_int(occurrences(a, "<rect class=\"cell"), 4, "one cell per row and column");
    is_int(occurrences(a, "<rect class=\"cell contradiction"), 2, "contradictions are marked");
    is_int(occurrences(a, "divergence\" data-band"), 2, "divergences are marked");
    is_int(occurrences(a, "<rect class=\"outline-contradiction\""), 2 + 1,
           "a solid outline per contradiction, and one in the legend");
    is_int(occurrences(a, "<rect class=\"outline-divergence\""), 2 + 1,
           "a dashed outline per divergence, and one in the legend");
    ok(strstr(a, ">1 inadequate</text>") != NULL, "a cell says its band in words");
    ok(strstr(a, "data-band=\"0\"") != NULL, "a cell without a view");
    ok(strstr(a, ">Assessment</text>") != NULL, "rows have their note");
    free(a);
}

static void test_styles(void)
{
    ok(strcmp(svg_style(0)->fill, "#0072B2") == 0 && strcmp(svg_style(1)->fill, "#E69F00") == 0,
       "the palette is Okabe-Ito's");
    ok(svg_style(SVG_NSTYLES) == svg_style(0), "styles wrap around");
    int distinct = 1;
    for (size_t i = 0; i < SVG_NSTYLES; i++)
        for (size_t j = i + 1; j < SVG_NSTYLES; j++)
            if (strcmp(svg_style(i)->pattern, svg_style(j)->pattern) == 0)
                distinct = 0;
    ok(distinct, "every style has its own pattern, so colour is never the only cue");
    ok(strcmp(svg_band_fill(1), svg_band_fill(4)) != 0 && strcmp(svg_band_fill(0), "#FFFFFF") == 0,
       "bands have fills; no band is white");
}

int main(void)
{
    test_escape();
    test_num();
    test_timeline();
    test_stacked();
    test_matrix();
    test_styles();
    return tap_done();
}
