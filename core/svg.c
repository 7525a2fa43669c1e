/* SPDX-License-Identifier: MIT */
#include "svg.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "util.h"

/* ---------------------------------------------------------------- escaping */

/* Length of the valid UTF-8 sequence at s[0..n), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned cp;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, cp = c & 0x07;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;                      /* overlong or out of range */
    if (cp >= 0xD800 && cp <= 0xDFFF)
        return 0;                      /* surrogates are not characters */
    if (cp == 0xFFFE || cp == 0xFFFF)
        return 0;                      /* not allowed in XML */
    return len;
}

void svg_escapen(FILE *out, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    if (s == NULL)
        return;
    while (i < n) {
        unsigned c = p[i];
        size_t len;

        switch (c) {
        case '&': fputs("&amp;", out); i++; continue;
        case '<': fputs("&lt;", out); i++; continue;
        case '>': fputs("&gt;", out); i++; continue;
        case '"': fputs("&quot;", out); i++; continue;
        case '\'': fputs("&#39;", out); i++; continue;
        case '\t':
        case '\n': fputc((int)c, out); i++; continue;
        default: break;
        }
        if (c < 0x20 || c == 0x7F) {  /* not allowed in XML text: dropped */
            i++;
            continue;
        }
        len = utf8_len(p + i, n - i);
        if (len == 0) {
            fputs("\xEF\xBF\xBD", out);  /* U+FFFD for a byte that is not UTF-8 */
            i++;
            continue;
        }
        if (len == 2 && c == 0xC2 && p[i + 1] < 0xA0) {
            i += 2;                    /* C1 controls: dropped too */
            continue;
        }
        fwrite(p + i, 1, len, out);
        i += len;
    }
}

void svg_escape(FILE *out, const char *s)
{
    if (s != NULL)
        svg_escapen(out, s, strlen(s));
}

void svg_ident(FILE *out, const char *s)
{
    if (s == NULL || *s == '\0') {
        fputc('_', out);
        return;
    }
    for (; *s; s++) {
        char c = *s;
        bool okc = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '_' || c == '-';
        fputc(okc ? c : '_', out);
    }
}

const char *svg_num(char buf[32], double v, int decimals)
{
    static const long long scale[] = { 1, 10, 100, 1000 };
    long long q, ip, fp;
    bool neg;
    int d = decimals < 0 ? 0 : decimals > 3 ? 3 : decimals;

    if (!isfinite(v) || fabs(v) > 1e15)
        v = 0;
    q = llround(v * (double)scale[d]);
    neg = q < 0;
    if (neg)
        q = -q;
    ip = q / scale[d];
    fp = q % scale[d];
    if (fp == 0) {
        snprintf(buf, 32, "%s%lld", neg ? "-" : "", ip);
    } else {
        int w = d;
        while (fp % 10 == 0) {
            fp /= 10;
            w--;
        }
        snprintf(buf, 32, "%s%lld.%0*lld", neg ? "-" : "", ip, w, fp);
    }
    if (strcmp(buf, "-0") == 0)
        strcpy(buf, "0");
    return buf;
}

/* A coordinate, to 1 decimal. */
#define N(buf, v) svg_num(buf, (v), 1)

/* Characters (not bytes) in a UTF-8 string. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;

    for (; s && *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

/* Estimated width in px of text in the 12px sans-serif the page uses. */
static double text_width(const char *s, double px)
{
    return (double)utf8_chars(s) * px * 0.58;
}

/* ---------------------------------------------------------------- palette */

/*
 * Okabe & Ito (2008), "Color Universal Design": colours told apart with every
 * common colour-vision deficiency. Black is kept for ink and outlines. Each
 * gets a pattern as well, drawn in its ink at partial opacity.
 */
static const struct svg_style styles[SVG_NSTYLES] = {
    { "blue", "#0072B2", "#FFFFFF", "solid" },
    { "orange", "#E69F00", "#000000", "diagonal lines" },
    { "bluish green", "#009E73", "#FFFFFF", "dots" },
    { "reddish purple", "#CC79A7", "#000000", "horizontal lines" },
    { "sky blue", "#56B4E9", "#000000", "cross-hatching" },
    { "vermillion", "#D55E00", "#FFFFFF", "vertical lines" },
    { "yellow", "#F0E442", "#000000", "reverse diagonal lines" },
};

const struct svg_style *svg_style(size_t i)
{
    return &styles[i % SVG_NSTYLES];
}

/* The pattern's strokes for style i (over a 6x6 tile). */
static void pattern_marks(FILE *out, size_t i, const char *ink)
{
    switch (i % SVG_NSTYLES) {
    case 0:
        break;
    case 1:
        fprintf(out, "<path d=\"M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2\" stroke=\"%s\" "
                     "stroke-width=\"1.2\" stroke-opacity=\"0.5\"/>", ink);
        break;
    case 2:
        fprintf(out, "<circle cx=\"3\" cy=\"3\" r=\"1.2\" fill=\"%s\" fill-opacity=\"0.6\"/>", ink);
        break;
    case 3:
        fprintf(out, "<path d=\"M0,3 h6\" stroke=\"%s\" stroke-width=\"1.2\" "
                     "stroke-opacity=\"0.5\"/>", ink);
        break;
    case 4:
        fprintf(out, "<path d=\"M0,0 l6,6 M6,0 l-6,6\" stroke=\"%s\" stroke-width=\"0.9\" "
                     "stroke-opacity=\"0.5\"/>", ink);
        break;
    case 5:
        fprintf(out, "<path d=\"M3,0 v6\" stroke=\"%s\" stroke-width=\"1.2\" "
                     "stroke-opacity=\"0.5\"/>", ink);
        break;
    default:
        fprintf(out, "<path d=\"M-1,5 l2,2 M0,0 l6,6 M5,-1 l2,2\" stroke=\"%s\" "
                     "stroke-width=\"1.2\" stroke-opacity=\"0.5\"/>", ink);
        break;
    }
}

void svg_pattern_defs(FILE *out, const char *prefix, const size_t *style, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t si = style ? style[i] : i;
        const struct svg_style *st = svg_style(si);
        /* Past the palette's end, the pattern moves on one so a colour comes back with another. */
        size_t pat = si + si / SVG_NSTYLES;

        fputs("<pattern id=\"", out);
        svg_ident(out, prefix);
        fprintf(out, "-s%zu\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
                     "<rect width=\"6\" height=\"6\" fill=\"%s\"/>", i, st->fill);
        pattern_marks(out, pat, st->ink);
        fputs("</pattern>\n", out);
    }
}

/* Bands 1..4: vermillion, yellow, sky blue, blue (Okabe-Ito), light to dark at the top. */
const char *svg_band_fill(int band)
{
    switch (band) {
    case 1: return "#D55E00";
    case 2: return "#F0E442";
    case 3: return "#56B4E9";
    case 4: return "#0072B2";
    default: return "#FFFFFF";
    }
}

const char *svg_band_ink(int band)
{
    return band == 4 ? "#FFFFFF" : "#000000";
}

/* ---------------------------------------------------------------- basics */

void svg_open(FILE *out, const char *id, int width, int height, const char *cls,
              const char *title, const char *desc)
{
    /* Inline in HTML: no xmlns needed, and the page names no address at all. */
    fputs("<svg id=\"", out);
    svg_ident(out, id);
    fprintf(out, "\" class=\"chart%s", cls ? " " : "");
    svg_escape(out, cls);
    fprintf(out, "\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
                 "aria-labelledby=\"", width, height, width, height);
    svg_ident(out, id);
    fputs("-t ", out);
    svg_ident(out, id);
    fputs("-d\">\n<title id=\"", out);
    svg_ident(out, id);
    fputs("-t\">", out);
    svg_escape(out, title);
    fputs("</title>\n<desc id=\"", out);
    svg_ident(out, id);
    fputs("-d\">", out);
    svg_escape(out, desc);
    fputs("</desc>\n", out);
}

void svg_close(FILE *out)
{
    fputs("</svg>\n", out);
}

void svg_text(FILE *out, double x, double y, const char *anchor, const char *cls,
              const char *text)
{
    char a[32], b[32];

    fprintf(out, "<text x=\"%s\" y=\"%s\"", N(a, x), N(b, y));
    if (anchor && strcmp(anchor, "start") != 0)
        fprintf(out, " text-anchor=\"%s\"", anchor);
    if (cls) {
        fputs(" class=\"", out);
        svg_escape(out, cls);
        fputc('"', out);
    }
    fputc('>', out);
    svg_escape(out, text);
    fputs("</text>\n", out);
}

/* Text cut to max characters with an ellipsis; the whole text goes in a <title>. */
static void text_fit(FILE *out, double x, double y, const char *anchor, const char *cls,
                     const char *text, size_t max)
{
    char a[32], b[32];
    size_t n = utf8_chars(text);

    if (n <= max || max < 2) {
        svg_text(out, x, y, anchor, cls, text);
        return;
    }
    fprintf(out, "<text x=\"%s\" y=\"%s\"", N(a, x), N(b, y));
    if (anchor && strcmp(anchor, "start") != 0)
        fprintf(out, " text-anchor=\"%s\"", anchor);
    if (cls) {
        fputs(" class=\"", out);
        svg_escape(out, cls);
        fputc('"', out);
    }
    fputs("><title>", out);
    svg_escape(out, text);
    fputs("</title>", out);
    /* max - 1 characters, then the ellipsis */
    size_t bytes = 0, chars = 0;
    for (; text[bytes]; bytes++) {
        if (((unsigned char)text[bytes] & 0xC0) != 0x80) {
            if (chars == max - 1)
                break;
            chars++;
        }
    }
    svg_escapen(out, text, bytes);
    fputs("\xE2\x80\xA6</text>\n", out);
}

static void mark_title(FILE *out, const char *title)
{
    if (title && *title) {
        fputs("<title>", out);
        svg_escape(out, title);
        fputs("</title>", out);
    }
}

/* A legend swatch: the series' pattern in a small square with a border. */
static void swatch(FILE *out, const char *prefix, size_t style, double x, double y, double size)
{
    char a[32], b[32], c[32];

    fprintf(out, "<rect class=\"swatch\" x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"url(#",
            N(a, x), N(b, y), N(c, size), N(c, size));
    svg_ident(out, prefix);
    fprintf(out, "-s%zu)\" stroke=\"#000000\" stroke-width=\"0.5\"/>\n", style);
}

/* ---------------------------------------------------------------- timeline */

static int32_t quarter_start(int32_t day)
{
    int y, m, d;
    int32_t out = day;

    date_to_ymd(day, &y, &m, &d);
    if (date_from_ymd(y, ((m - 1) / 3) * 3 + 1, 1, &out) != 0)
        out = day;
    return out;
}

/* First day of the quarter after the one holding day. */
static int32_t next_quarter(int32_t day)
{
    int y, m, d;
    int32_t out = day + 92;

    date_to_ymd(day, &y, &m, &d);
    m = ((m - 1) / 3) * 3 + 4;
    if (m > 12) {
        m = 1;
        y++;
    }
    if (date_from_ymd(y, m, 1, &out) != 0)
        out = day + 92;
    return out;
}

struct span {
    double x0, x1;
    size_t row;
};

/* Greedy packing of spans, in the order given, into rows where none overlap. Returns the rows used. */
static size_t pack_rows(struct span *s, const size_t *order, size_t n)
{
    double *ends = NULL;
    size_t nrows = 0;

    for (size_t k = 0; k < n; k++) {
        struct span *sp = &s[order[k]];
        size_t r = 0;
        while (r < nrows && ends[r] > sp->x0)
            r++;
        if (r == nrows) {
            ends = xrealloc(ends, (nrows + 1) * sizeof *ends);
            nrows++;
        }
        ends[r] = sp->x1;
        sp->row = r;
    }
    free(ends);
    return nrows;
}

static const struct svg_tl_bar *sort_bars;
static int cmp_bar(const void *a, const void *b)
{
    const struct svg_tl_bar *x = &sort_bars[*(const size_t *)a], *y = &sort_bars[*(const size_t *)b];

    if (x->lane != y->lane)
        return x->lane < y->lane ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static const struct svg_tl_marker *sort_markers;
static int cmp_marker(const void *a, const void *b)
{
    const struct svg_tl_marker *x = &sort_markers[*(const size_t *)a];
    const struct svg_tl_marker *y = &sort_markers[*(const size_t *)b];

    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

#define TL_WIDTH 1000
#define TL_ROW 16      /* one sub-row of bars */
#define TL_BAR 12      /* a bar's height */
#define TL_MROW 15     /* one sub-row of markers */

/* The marker's shape centred on (x, y), with its <title> inside. */
static void marker_shape(FILE *out, const struct svg_tl_marker *m, double x, double y,
                         bool clipped)
{
    char a[32], b[32], c[32], d[32], e[32], f[32], g[32], k[32];
    const char *lv = m->level >= 3 ? "high" : m->level == 2 ? "medium" : "low";
    const char *cl = clipped ? " clipped" : "";

    if (m->level >= 3)        /* high: a triangle pointing down */
        fprintf(out, "<polygon class=\"flag-marker %s%s\" points=\"%s,%s %s,%s %s,%s\">", lv, cl,
                N(a, x - 6), N(b, y - 5), N(c, x + 6), N(d, y - 5), N(e, x), N(f, y + 6));
    else if (m->level == 2)   /* medium: a diamond */
        fprintf(out, "<polygon class=\"flag-marker %s%s\" points=\"%s,%s %s,%s %s,%s %s,%s\">", lv,
                cl, N(a, x), N(b, y - 6), N(c, x + 5.5), N(d, y), N(e, x), N(f, y + 6),
                N(g, x - 5.5), N(k, y));
    else                      /* low: a circle */
        fprintf(out, "<circle class=\"flag-marker %s%s\" cx=\"%s\" cy=\"%s\" r=\"4.5\">", lv, cl,
                N(a, x), N(b, y));
    mark_title(out, m->title);
    fputs(m->level >= 2 ? "</polygon>" : "</circle>", out);
}

void svg_timeline(FILE *out, const struct svg_timeline *t)
{
    int32_t from = t->from, to = t->to;
    double left, right = 24, plotw, y;
    size_t *order = NULL, *rows_in_lane, *first_row, *subrows, *mrow_top;
    struct span *bs = NULL, *ms = NULL;
    char a[32], b[32], c[32], d[32];

    /* The axis: whole quarters around the bars. */
    if (from > to) {
        bool any = false;
        for (size_t i = 0; i < t->nbars; i++) {
            if (!any || t->bars[i].start < from)
                from = t->bars[i].start;
            if (!any || t->bars[i].end > to)
                to = t->bars[i].end;
            any = true;
        }
        for (size_t i = 0; !any && i < t->nmarkers; i++) {
            from = t->markers[i].start;
            to = t->markers[i].start;
            any = true;
        }
        if (!any)
            from = to = 0;
    }
    from = quarter_start(from);
    to = next_quarter(to);     /* exclusive */
    if (to <= from)
        to = from + 1;

    /* A fixed margin unless a label needs more: timelines of one page then share their axis. */
    left = 170;
    for (size_t i = 0; i < t->nlanes; i++) {
        double w = text_width(t->lanes[i], 12) * 1.3 + 30;
        if (w > left)
            left = w;
    }
    for (size_t i = 0; i < t->nmrows; i++) {
        double w = text_width(t->mrows[i], 11) * 1.05 + 14;
        if (w > left)
            left = w;
    }
    if (left > 240)
        left = 240;
    plotw = TL_WIDTH - left - right;
#define XD(day) (left + plotw * (double)((day) - from) / (double)(to - from))

    /* Bars: spans in px, packed into rows per lane (touching is allowed, overlapping is not). */
    bs = xcalloc(t->nbars + 1, sizeof *bs);
    order = xcalloc(t->nbars + t->nmarkers + 1, sizeof *order);
    rows_in_lane = xcalloc(t->nlanes + 1, sizeof *rows_in_lane);
    first_row = xcalloc(t->nlanes + 1, sizeof *first_row);
    for (size_t i = 0; i < t->nbars; i++) {
        int32_t st = t->bars[i].start < from ? from : t->bars[i].start;
        int32_t e = t->bars[i].end < st ? st : t->bars[i].end;
        bs[i].x0 = XD(st);
        bs[i].x1 = XD(e + 1);
        if (bs[i].x1 - bs[i].x0 < 3)
            bs[i].x1 = bs[i].x0 + 3;
        bs[i].x0 += 0.01;              /* a bar may touch the one before it */
        order[i] = i;
    }
    sort_bars = t->bars;
    if (t->nbars > 1)
        qsort(order, t->nbars, sizeof *order, cmp_bar);
    for (size_t l = 0, k = 0; l < t->nlanes; l++) {
        size_t k0 = k;
        while (k < t->nbars && t->bars[order[k]].lane == l)
            k++;
        rows_in_lane[l] = pack_rows(bs, order + k0, k - k0);
        if (rows_in_lane[l] == 0)
            rows_in_lane[l] = 1;
    }
    for (size_t i = 0; i < t->nbars; i++)
        bs[i].x0 -= 0.01;

    /* Markers: line from the start, shape at the end, then the label; packed per row. */
    ms = xcalloc(t->nmarkers + 1, sizeof *ms);
    subrows = xcalloc(t->nmrows + 1, sizeof *subrows);
    mrow_top = xcalloc(t->nmrows + 1, sizeof *mrow_top);
    for (size_t i = 0; i < t->nmarkers; i++) {
        const struct svg_tl_marker *m = &t->markers[i];
        int32_t st = m->start < from ? from : m->start >= to ? to - 1 : m->start;
        int32_t e = m->end < st ? st : m->end;
        double lw = m->label ? text_width(m->label, 10) + 3 : 0;
        ms[i].x0 = XD(st) - 1;
        ms[i].x1 = (e >= to ? XD(to) : XD(e + 1)) + 7 + lw;
        order[i] = i;
    }
    sort_markers = t->markers;
    if (t->nmarkers > 1)
        qsort(order, t->nmarkers, sizeof *order, cmp_marker);
    for (size_t r = 0, k = 0; r < t->nmrows; r++) {
        size_t k0 = k;
        while (k < t->nmarkers && t->markers[order[k]].row == r)
            k++;
        subrows[r] = pack_rows(ms, order + k0, k - k0);
    }

    /* Heights: marker rows, then each lane, then the axis. */
    double top = 6, flags_h = 0, lanes_h = 0;
    for (size_t r = 0; r < t->nmrows; r++) {
        mrow_top[r] = (size_t)flags_h;
        if (subrows[r])
            flags_h += (double)subrows[r] * TL_MROW + 5;
    }
    if (flags_h > 0)
        flags_h += 4;
    for (size_t l = 0; l < t->nlanes; l++) {
        first_row[l] = (size_t)lanes_h;
        lanes_h += (double)rows_in_lane[l] * TL_ROW + 8;
    }
    int height = (int)(top + flags_h + lanes_h + 40);

    svg_open(out, t->id, TL_WIDTH, height, "timeline", t->title, t->desc);
    fputs("<defs>", out);
    svg_pattern_defs(out, t->id, t->lane_style, t->nlanes);
    fputs("</defs>\n", out);

    /* Flag rows' backgrounds, under the grid. */
    for (size_t r = 0; r < t->nmrows; r++) {
        if (subrows[r] == 0)
            continue;
        double ry = top + (double)mrow_top[r];
        fprintf(out, "<rect class=\"flag-row\" x=\"0\" y=\"%s\" width=\"%s\" height=\"%s\"/>\n",
                N(a, ry), N(b, XD(to)), N(c, (double)subrows[r] * TL_MROW + 3));
    }

    /* Quarter grid and labels along the bottom. */
    double axis_y = top + flags_h + lanes_h;
    fputs("<g class=\"axis\">\n", out);
    for (int32_t q = from; q < to; q = next_quarter(q)) {
        int yy, mm, dd;
        char lab[16];
        double x0 = XD(q), x1 = XD(next_quarter(q));
        date_to_ymd(q, &yy, &mm, &dd);
        fprintf(out, "<line class=\"%s\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"/>\n",
                mm == 1 ? "grid year" : "grid", N(a, x0), N(b, top), N(c, x0),
                N(d, axis_y + (mm == 1 ? 26 : 6)));
        snprintf(lab, sizeof lab, "Q%d", (mm - 1) / 3 + 1);
        if (x1 - x0 >= 18)
            svg_text(out, (x0 + x1) / 2, axis_y + 14, "middle", "tick", lab);
        if (mm == 1 || q == from) {
            snprintf(lab, sizeof lab, "%d", yy);
            svg_text(out, x0 + 3, axis_y + 30, "start", "tick year", lab);
        }
    }
    fprintf(out, "<line class=\"grid\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"/>\n",
            N(a, XD(to)), N(b, top), N(c, XD(to)), N(d, axis_y + 6));
    fprintf(out, "<line class=\"baseline\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"/>\n",
            N(a, left), N(b, axis_y), N(c, XD(to)), N(d, axis_y));
    fputs("</g>\n", out);

    /* Flags: one row per kind. */
    if (flags_h > 0) {
        fputs("<g class=\"flags\">\n", out);
        for (size_t r = 0; r < t->nmrows; r++) {
            if (subrows[r] == 0)
                continue;
            double ry = top + (double)mrow_top[r];
            text_fit(out, 6, ry + 11, "start", "kind-label", t->mrows[r], 30);
        }
        for (size_t k = 0; k < t->nmarkers; k++) {
            size_t i = order[k];
            const struct svg_tl_marker *m = &t->markers[i];
            int32_t st = m->start < from ? from : m->start >= to ? to - 1 : m->start;
            int32_t e = m->end < st ? st : m->end;
            bool clipped = e >= to;
            double cy, xs = XD(st), xe = clipped ? XD(to) : XD(e + 1);

            if (m->row >= t->nmrows)
                continue;
            cy = top + (double)mrow_top[m->row] + (double)ms[i].row * TL_MROW + 8.5;
            fprintf(out, "<g class=\"flag\" data-count=\"%u\"", m->count ? m->count : 1);
            if (m->key) {
                fputs(" data-key=\"", out);
                svg_escape(out, m->key);
                fputc('"', out);
            }
            fputs(">", out);
            if (m->href) {
                fputs("<a href=\"", out);
                svg_escape(out, m->href);
                fputs("\">", out);
            }
            char xeb[32];
            fprintf(out, "<path class=\"flag-span\" d=\"M%s,%s v6 M%s,%s H%s\"/>", N(a, xs),
                    N(b, cy - 3), N(c, xs), N(d, cy), N(xeb, xe));
            marker_shape(out, m, xe, cy, clipped);
            if (m->label)
                svg_text(out, xe + 7, cy + 3.5, "start", "flag-label", m->label);
            if (m->href)
                fputs("</a>", out);
            fputs("</g>\n", out);
        }
        fputs("</g>\n", out);
    }

    /* Lanes. */
    for (size_t l = 0; l < t->nlanes; l++) {
        double ly = top + flags_h + (double)first_row[l];

        fprintf(out, "<g class=\"lane\" data-lane=\"");
        svg_escape(out, t->lanes[l]);
        fputs("\">\n", out);
        fprintf(out, "<line class=\"lane-sep%s\" x1=\"0\" y1=\"%s\" x2=\"%s\" y2=\"%s\"/>\n",
                l == 0 && flags_h > 0 ? " first" : "", N(a, ly), N(b, XD(to)), N(c, ly));
        swatch(out, t->id, l, 6, ly + 6, 11);
        text_fit(out, 22, ly + 15.5, "start", "lane-label", t->lanes[l], 26);
        fputs("</g>\n", out);
    }
    /* Bars, in the sorted order (lane, start): the same order on every run. */
    sort_bars = t->bars;
    for (size_t i = 0; i < t->nbars; i++)
        order[i] = i;
    if (t->nbars > 1)
        qsort(order, t->nbars, sizeof *order, cmp_bar);
    for (size_t k = 0; k < t->nbars; k++) {
        size_t i = order[k];
        const struct svg_tl_bar *bar = &t->bars[i];
        size_t l = bar->lane < t->nlanes ? bar->lane : 0;
        double w = bs[i].x1 - bs[i].x0 - 1.5;  /* a gap to the next bar in the row */
        y = top + flags_h + (double)first_row[l] + 4 + (double)bs[i].row * TL_ROW;
        fprintf(out, "<rect class=\"");
        svg_escape(out, t->bar_class ? t->bar_class : "bar");
        fputs("\" data-body=\"", out);
        svg_escape(out, l < t->nlanes ? t->lanes[l] : "");
        fputc('"', out);
        if (bar->key) {
            fputs(" data-key=\"", out);
            svg_escape(out, bar->key);
            fputc('"', out);
        }
        fprintf(out, " x=\"%s\" y=\"%s\" width=\"%s\" height=\"%d\" fill=\"url(#", N(a, bs[i].x0),
                N(b, y), N(c, w < 2 ? 2 : w), TL_BAR);
        svg_ident(out, t->id);
        fprintf(out, "-s%zu)\">", l);
        mark_title(out, bar->title);
        fputs("</rect>\n", out);
    }
#undef XD
    svg_close(out);
    free(bs);
    free(ms);
    free(order);
    free(rows_in_lane);
    free(first_row);
    free(subrows);
    free(mrow_top);
}

/* ---------------------------------------------------------------- stacked bars */

/* A round step for an axis up to max with about 4 ticks: 1, 2 or 5 times a power of ten. */
static double nice_step(double max)
{
    double raw = max / 4, p = 1;

    if (raw <= 1)
        return 1;
    while (p * 10 <= raw)
        p *= 10;
    if (raw <= p)
        return p;
    if (raw <= 2 * p)
        return 2 * p;
    if (raw <= 5 * p)
        return 5 * p;
    return 10 * p;
}

void svg_stacked_bars(FILE *out, const struct svg_stacked *ch)
{
    double max = 0, step, top_v;
    double left = 56, right = 12, top = 14, plot_h = 170, slot, barw;
    bool rotate;
    char a[32], b[32], c[32], d[32];
    int width, height;

    for (size_t k = 0; k < ch->ncats; k++) {
        double sum = 0;
        for (size_t s = 0; s < ch->nseries; s++)
            if (ch->values[s * ch->ncats + k] > 0)
                sum += ch->values[s * ch->ncats + k];
        if (sum > max)
            max = sum;
    }
    step = nice_step(max);
    top_v = step * ceil(max / step);
    if (top_v <= 0)
        top_v = step;

    slot = ch->ncats ? 420.0 / (double)ch->ncats : 420;
    if (slot < 34)
        slot = 34;
    if (slot > 70)
        slot = 70;
    barw = slot * 0.66;
    rotate = false;
    for (size_t k = 0; k < ch->ncats; k++)
        if (text_width(ch->cats[k], 11) > slot - 4)
            rotate = true;
    double label_h = rotate ? 52 : 20;
    width = (int)(left + slot * (double)(ch->ncats ? ch->ncats : 1) + right);
    if (width < 300)
        width = 300;
    /* The legend: the series in a row under the chart, wrapped to the width. */
    double legend_y = top + plot_h + label_h + 16;
    double *lx = xcalloc(ch->nseries + 1, sizeof *lx), *ly = xcalloc(ch->nseries + 1, sizeof *ly);
    {
        double x = left, yy = legend_y;
        for (size_t s = 0; s < ch->nseries; s++) {
            double w = 16 + text_width(ch->series[s], 12) + 18;
            if (x > left && x + w > width - right) {
                x = left;
                yy += 17;
            }
            lx[s] = x;
            ly[s] = yy;
            x += w;
        }
        height = (int)(yy + 8);
    }

    svg_open(out, ch->id, width, height, "bars", ch->title, ch->desc);
    fputs("<defs>", out);
    svg_pattern_defs(out, ch->id, ch->series_style, ch->nseries);
    fputs("</defs>\n", out);
#define YV(v) (top + plot_h - plot_h * (v) / top_v)

    fputs("<g class=\"axis\">\n", out);
    for (double v = 0; v <= top_v + step / 2; v += step) {
        char lab[32];
        fprintf(out, "<line class=\"%s\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"/>\n",
                v == 0 ? "baseline" : "grid", N(a, left), N(b, YV(v)),
                N(c, left + slot * (double)ch->ncats), N(d, YV(v)));
        svg_text(out, left - 6, YV(v) + 4, "end", "tick", svg_num(lab, v, ch->decimals));
    }
    {
        char tr[96];
        snprintf(tr, sizeof tr, "translate(12,%s) rotate(-90)", N(a, top + plot_h / 2));
        fprintf(out, "<text class=\"axis-label\" text-anchor=\"middle\" transform=\"%s\">", tr);
        svg_escape(out, ch->value_label);
        fputs("</text>\n", out);
    }
    for (size_t k = 0; k < ch->ncats; k++) {
        double cx = left + slot * ((double)k + 0.5);
        if (rotate) {
            fprintf(out, "<text class=\"tick\" text-anchor=\"end\" transform=\"translate(%s,%s) "
                         "rotate(-45)\">", N(a, cx + 4), N(b, top + plot_h + 12));
            svg_escape(out, ch->cats[k]);
            fputs("</text>\n", out);
        } else {
            svg_text(out, cx, top + plot_h + 15, "middle", "tick", ch->cats[k]);
        }
    }
    fputs("</g>\n", out);

    for (size_t k = 0; k < ch->ncats; k++) {
        double base = 0, x = left + slot * (double)k + (slot - barw) / 2;
        for (size_t s = 0; s < ch->nseries; s++) {
            double v = ch->values[s * ch->ncats + k];
            char num[32], tt[512];
            if (!(v > 0))
                continue;
            fputs("<rect class=\"", out);
            svg_escape(out, ch->mark_class ? ch->mark_class : "bar");
            fputs("\" data-series=\"", out);
            svg_escape(out, ch->series[s]);
            fprintf(out, "\" data-value=\"%s\" x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" "
                         "fill=\"url(#", svg_num(num, v, ch->decimals), N(a, x),
                    N(b, YV(base + v)), N(c, barw), N(d, YV(base) - YV(base + v)));
            svg_ident(out, ch->id);
            fprintf(out, "-s%zu)\">", s);
            snprintf(tt, sizeof tt, "%s, %s: %s %s", ch->series[s], ch->cats[k], num,
                     ch->value_label ? ch->value_label : "");
            mark_title(out, tt);
            fputs("</rect>\n", out);
            base += v;
        }
        if (base > 0) {
            char num[32];
            svg_text(out, x + barw / 2, YV(base) - 4, "middle", "total",
                     svg_num(num, base, ch->decimals));
        }
    }
#undef YV

    fputs("<g class=\"legend\">\n", out);
    for (size_t s = 0; s < ch->nseries; s++) {
        swatch(out, ch->id, s, lx[s], ly[s] - 10, 11);
        text_fit(out, lx[s] + 16, ly[s], "start", "legend-label", ch->series[s], 40);
    }
    fputs("</g>\n", out);
    free(lx);
    free(ly);
    svg_close(out);
}

/* ---------------------------------------------------------------- matrix */

void svg_matrix(FILE *out, const struct svg_matrix *m)
{
    double left = 80, top = 30, cw = 192, chh = 34;
    char a[32], b[32], c[32], d[32];
    static const char *const words[] = { "inadequate", "requires improvement", "good", "outstanding" };

    for (size_t r = 0; r < m->nrows; r++) {
        double w = text_width(m->rows[r], 12) * 1.1 + 16;
        if (w > left)
            left = w;
        if (m->row_notes && m->row_notes[r]) {
            w = text_width(m->row_notes[r], 10.5) + 16;
            if (w > left)
                left = w;
        }
    }
    if (left > 330)
        left = 330;
    size_t maxrow = (size_t)((left - 16) / (12 * 0.58 * 1.1));
    size_t maxnote = (size_t)((left - 16) / (10.5 * 0.58));
    int width = (int)(left + cw * (double)m->ncols + 8);
    if (width < 600)
        width = 600;
    double legend_y = top + chh * (double)m->nrows + 24;
    int height = (int)(legend_y + 44);

    svg_open(out, m->id, width, height, "matrix", m->title, m->desc);
    for (size_t k = 0; k < m->ncols; k++)
        text_fit(out, left + cw * ((double)k + 0.5), top - 10, "middle", "col-label", m->cols[k], 20);
    for (size_t r = 0; r < m->nrows; r++) {
        double y = top + chh * (double)r;
        bool note = m->row_notes && m->row_notes[r] && *m->row_notes[r];
        text_fit(out, left - 8, note ? y + 15 : y + chh / 2 + 4, "end", "row-label", m->rows[r],
                 maxrow);
        if (note)
            text_fit(out, left - 8, y + 28, "end", "row-note", m->row_notes[r], maxnote);
        for (size_t k = 0; k < m->ncols; k++) {
            const struct svg_cell *cell = &m->cells[r * m->ncols + k];
            double x = left + cw * (double)k;
            int band = cell->band >= 1 && cell->band <= 4 ? cell->band : 0;

            fprintf(out, "<g class=\"cell-group\"><rect class=\"cell%s%s\" data-band=\"%d\" "
                         "x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"%s\">",
                    cell->marks & SVG_MARK_CONTRADICTION ? " contradiction" : "",
                    cell->marks & SVG_MARK_DIVERGENCE ? " divergence" : "", band, N(a, x + 2),
                    N(b, y + 2), N(c, cw - 4), N(d, chh - 4), svg_band_fill(band));
            mark_title(out, cell->title);
            fputs("</rect>", out);
            if (cell->marks & SVG_MARK_CONTRADICTION)
                fprintf(out, "<rect class=\"outline-contradiction\" x=\"%s\" y=\"%s\" width=\"%s\" "
                             "height=\"%s\"/>", N(a, x + 3.5), N(b, y + 3.5), N(c, cw - 7),
                        N(d, chh - 7));
            if (cell->marks & SVG_MARK_DIVERGENCE)
                fprintf(out, "<rect class=\"outline-divergence\" x=\"%s\" y=\"%s\" width=\"%s\" "
                             "height=\"%s\"/>", N(a, x + 7.5), N(b, y + 7.5), N(c, cw - 15),
                        N(d, chh - 15));
            fputs("\n", out);
            if (band) {
                char lab[64];
                const char *word = cell->word && *cell->word ? cell->word : words[band - 1];
                snprintf(lab, sizeof lab, "%d %s", band, word);
                fprintf(out, "<text x=\"%s\" y=\"%s\" text-anchor=\"middle\" class=\"cell-label\" "
                             "fill=\"%s\">", N(a, x + cw / 2 - (cell->marks ? 9 : 0)),
                        N(b, y + chh / 2 + 4), svg_band_ink(band));
                /* Long words are cut; the cell's title has it whole. */
                size_t n = utf8_chars(lab);
                if (n > 22) {
                    size_t bytes = 0, chars = 0;
                    for (; lab[bytes]; bytes++)
                        if (((unsigned char)lab[bytes] & 0xC0) != 0x80 && chars++ == 21)
                            break;
                    svg_escapen(out, lab, bytes);
                    fputs("\xE2\x80\xA6", out);
                } else {
                    svg_escape(out, lab);
                }
                fputs("</text>\n", out);
            } else {
                svg_text(out, x + cw / 2, y + chh / 2 + 4, "middle", "cell-none", "\xE2\x80\x94");
            }
            if (cell->marks) {
                const char *sym = (cell->marks & SVG_MARK_CONTRADICTION) &&
                                          (cell->marks & SVG_MARK_DIVERGENCE) ? "\xE2\x89\xA0~"
                                  : cell->marks & SVG_MARK_CONTRADICTION ? "\xE2\x89\xA0"
                                                                          : "~";
                fprintf(out, "<text x=\"%s\" y=\"%s\" text-anchor=\"end\" class=\"cell-mark\" "
                             "fill=\"%s\">%s</text>\n", N(a, x + cw - 11), N(b, y + chh / 2 + 4.5),
                        svg_band_ink(band), sym);
            }
            fputs("</g>\n", out);
        }
    }

    /* Legend: the four bands, then the two outlines. */
    fputs("<g class=\"legend\">\n", out);
    double lx = 8;
    for (int band = 1; band <= 4; band++) {
        char lab[64];
        snprintf(lab, sizeof lab, "%d %s", band, words[band - 1]);
        fprintf(out, "<rect class=\"swatch\" x=\"%s\" y=\"%s\" width=\"14\" height=\"14\" "
                     "fill=\"%s\" stroke=\"#000000\" stroke-width=\"0.5\"/>\n", N(a, lx),
                N(b, legend_y - 11), svg_band_fill(band));
        svg_text(out, lx + 19, legend_y, "start", "legend-label", lab);
        lx += 19 + text_width(lab, 12) + 16;
    }
    lx = 8;
    fprintf(out, "<rect class=\"outline-contradiction\" x=\"%s\" y=\"%s\" width=\"28\" "
                 "height=\"14\"/>\n", N(a, lx), N(b, legend_y + 9));
    svg_text(out, lx + 34, legend_y + 20, "start", "legend-label",
             "\xE2\x89\xA0 contradiction (solid outline)");
    lx += 34 + text_width("# contradiction (solid outline)", 12) + 20;
    fprintf(out, "<rect class=\"outline-divergence\" x=\"%s\" y=\"%s\" width=\"28\" "
                 "height=\"14\"/>\n", N(a, lx), N(b, legend_y + 9));
    svg_text(out, lx + 34, legend_y + 20, "start", "legend-label",
             "~ divergence (dashed outline)");
    fputs("</g>\n", out);
    svg_close(out);
}
