/* SPDX-License-Identifier: MIT */
/*
 * `concord report --format html`: the report as one self-contained page.
 * Inline CSS, inline SVG drawn here (core/svg.c), a little inline script for
 * sorting and filtering the flags table; no address is named anywhere, so the
 * page works offline and fetches nothing (a Content-Security-Policy says so
 * too). Every string from the store is escaped; every chart has a <title>, a
 * <desc> and a table of the same numbers; colour is never the only cue.
 * The same report gives the same bytes: see docs/report-html.md.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "report.h"
#include "svg.h"

#ifndef CONCORD_VERSION
#define CONCORD_VERSION "0.0.0"
#endif

struct html {
    FILE *out;
    const struct report *r;
    char **bodies;        /* every body named anywhere in the report, sorted */
    size_t nbodies;
    size_t *by_id;        /* indices of r->assessments sorted by id */
    int32_t from, to;     /* the timelines' common axis (from > to: none) */
    int qmin, qmax;       /* the burden charts' quarters, as year * 4 + quarter - 1 */
};

#define E(s) svg_escape(h->out, (s))
#define P(s) fputs((s), h->out)

/* ---------------------------------------------------------------- lookups */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_body(struct html *h, const char *b, size_t *cap)
{
    if (b == NULL || *b == '\0')
        return;
    for (size_t i = 0; i < h->nbodies; i++)
        if (strcmp(h->bodies[i], b) == 0)
            return;
    if (h->nbodies == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        h->bodies = xrealloc(h->bodies, *cap * sizeof *h->bodies);
    }
    h->bodies[h->nbodies++] = (char *)b;
}

/* A body's place in the sorted list: its colour and pattern on every chart. */
static size_t body_style(const struct html *h, const char *b)
{
    for (size_t i = 0; i < h->nbodies; i++)
        if (strcmp(h->bodies[i], b) == 0)
            return i;
    return h->nbodies;
}

static const struct report *sort_r;
static int cmp_assessment_id(const void *a, const void *b)
{
    int64_t x = sort_r->assessments[*(const size_t *)a].id;
    int64_t y = sort_r->assessments[*(const size_t *)b].id;

    if (x != y)
        return x < y ? -1 : 1;
    return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* The first index in by_id of assessment id, or SIZE_MAX. */
static size_t find_assessment(const struct html *h, int64_t id)
{
    size_t lo = 0, hi = h->r->nassessments;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (h->r->assessments[h->by_id[mid]].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < h->r->nassessments && h->r->assessments[h->by_id[lo]].id == id)
        return lo;
    return SIZE_MAX;
}

static size_t find_event(const struct report *r, int64_t id)
{
    for (size_t i = 0; i < r->nledger; i++)
        if (r->ledger[i].id == id)
            return i;
    return SIZE_MAX;
}

static size_t find_recommendation(const struct report *r, int64_t id)
{
    for (size_t i = 0; i < r->nrecommendations; i++)
        if (r->recommendations[i].id == id)
            return i;
    return SIZE_MAX;
}

static const char *area_label(const struct report *r, const char *code)
{
    if (code == NULL)
        return NULL;
    for (size_t i = 0; i < r->nareas; i++)
        if (strcmp(r->areas[i].code, code) == 0)
            return r->areas[i].label;
    return NULL;
}

static int32_t day_of(const char *s, int32_t dflt)
{
    int32_t d;
    char msg[160];

    if (s == NULL || date_parse(s, strlen(s), &d, msg, sizeof msg) != 0)
        return dflt;
    return d;
}

/* "2022Q3" as 2022 * 4 + 2, or -1. */
static int quarter_num(const char *q)
{
    if (strlen(q) != 6 || q[4] != 'Q' || q[5] < '1' || q[5] > '4')
        return -1;
    for (int i = 0; i < 4; i++)
        if (q[i] < '0' || q[i] > '9')
            return -1;
    return atoi(q) * 4 + (q[5] - '1');
}

static const char *unit_code(const struct report *r, size_t u)
{
    return u < r->nunits ? r->units[u].code : "";
}

static const char *unit_name(const struct report *r, size_t u)
{
    return u < r->nunits ? r->units[u].name : "";
}

static int severity_level(const char *s)
{
    return strcmp(s, "high") == 0 ? 3 : strcmp(s, "medium") == 0 ? 2 : 1;
}

/* The glyph beside a severity: the same shapes as the timeline's markers. */
static const char *severity_glyph(const char *s)
{
    int l = severity_level(s);
    return l == 3 ? "\xE2\x96\xBC" : l == 2 ? "\xE2\x97\x86" : "\xE2\x97\x8B"; /* ▼ ◆ ○ */
}

/* "REPEATED_SCRUTINY" as "Repeated scrutiny" (a new string). */
static char *kind_words(const char *kind)
{
    char *w = xstrdup(kind);

    for (size_t i = 0; w[i]; i++) {
        if (w[i] == '_')
            w[i] = ' ';
        else if (i > 0 && w[i] >= 'A' && w[i] <= 'Z')
            w[i] = (char)(w[i] - 'A' + 'a');
    }
    return w;
}

/* ---------------------------------------------------------------- pieces */

static const char css[] =
    ":root{--ink:#1b1b1b;--muted:#555;--line:#d0d0d0;--soft:#f4f4f2;--accent:#0072B2}\n"
    "*{box-sizing:border-box}\n"
    "html{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "body{margin:0;color:var(--ink);background:#fff;font:15px/1.45 system-ui,-apple-system,"
    "\"Segoe UI\",Roboto,\"DejaVu Sans\",\"Liberation Sans\",Arial,sans-serif}\n"
    "header,main,footer{max-width:1320px;margin:0 auto;padding:0 24px}\n"
    "header{padding-top:20px;border-bottom:3px solid var(--ink)}\n"
    "h1{font-size:1.7rem;margin:0 0 4px}h2{font-size:1.35rem;margin:2.2rem 0 .6rem;"
    "padding-bottom:4px;border-bottom:1px solid var(--line)}"
    "h3{font-size:1.08rem;margin:1.4rem 0 .4rem}h4{margin:.2rem 0}\n"
    ".lede{color:var(--muted);margin:.2rem 0 .8rem}\n"
    "nav ul{list-style:none;padding:0;margin:.6rem 0 1rem;display:flex;flex-wrap:wrap;gap:4px 14px}\n"
    "a{color:var(--accent)}a:focus,button:focus,select:focus,input:focus{outline:3px solid #E69F00;"
    "outline-offset:1px}\n"
    ".facts{display:flex;flex-wrap:wrap;gap:10px;margin:.6rem 0;padding:0;list-style:none}\n"
    ".facts li{background:var(--soft);border:1px solid var(--line);border-radius:4px;padding:6px 12px}\n"
    ".facts b{display:block;font-size:1.4rem}\n"
    "table{border-collapse:collapse;margin:.4rem 0 1rem;font-size:.92rem}\n"
    "th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}\n"
    "thead th{background:var(--soft);border-bottom:2px solid var(--ink);white-space:nowrap}\n"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    "caption{text-align:left;font-weight:600;padding:4px 0}\n"
    "th button{font:inherit;font-weight:700;background:none;border:0;padding:0;cursor:pointer;"
    "color:inherit}\n"
    "th button::after{content:\" \\2195\";color:var(--muted)}\n"
    "th[aria-sort=ascending] button::after{content:\" \\2191\"}"
    "th[aria-sort=descending] button::after{content:\" \\2193\"}\n"
    "#flags-table td.expl{min-width:22em}#flags-table td.period{white-space:nowrap}\n"
    ".scroll{overflow-x:auto}\n"
    "#flags-table{width:100%}\n"
    ".sev{white-space:nowrap;font-weight:600}.sev-high{color:#A33C00}.sev-medium{color:#7A5200}\n"
    ".chip{display:inline-block;white-space:nowrap;border:1px solid var(--ink);border-left-width:9px;"
    "border-radius:3px;padding:0 5px;margin:1px 2px 1px 0;font-size:.86rem;background:#fff}\n"
    ".filters{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:end;margin:.4rem 0;padding:8px;"
    "background:var(--soft);border:1px solid var(--line)}\n"
    ".filters label{display:flex;flex-direction:column;font-size:.85rem;font-weight:600}\n"
    ".filters select,.filters input{font:inherit;font-weight:400;padding:2px 4px}\n"
    ".charts{display:flex;flex-wrap:wrap;gap:12px 28px;align-items:flex-start}\n"
    ".charts figure{flex:1 1 420px;max-width:620px}\n"
    "figure{margin:.3rem 0 .6rem}figcaption{font-size:.88rem;color:var(--muted);max-width:64em}\n"
    "svg.chart{max-width:100%;height:auto;display:block;font-size:12px;font-family:inherit;"
    "background:#fff}\n"
    "svg .tick{font-size:11px;fill:#333}svg .tick.year{font-weight:700}\n"
    "svg .axis-label{font-size:11px;fill:#333}\n"
    "svg .grid{stroke:#e2e2e2;stroke-width:1}svg .grid.year{stroke:#8a8a8a}\n"
    "svg .baseline{stroke:#222;stroke-width:1}svg .lane-sep{stroke:#cfcfcf}\n"
    "svg .lane-label{font-weight:600;fill:#111}svg .legend-label{fill:#111}\n"
    "svg rect.event,svg rect.burden-events,svg rect.burden-hours{stroke:#000;stroke-width:.6}\n"
    "svg .total{font-size:11px;font-weight:700;fill:#111}\n"
    "svg .flag-marker{stroke:#000;stroke-width:1}svg .flag-marker.high{fill:#D55E00}"
    "svg .flag-marker.medium{fill:#F0E442}svg .flag-marker.low{fill:#fff}\n"
    "svg .flag-span{fill:none;stroke:#444;stroke-width:1.5;stroke-dasharray:3 2}\n"
    "svg .flag-label{font-size:10px;fill:#111}svg a:hover .flag-label{text-decoration:underline}\n"
    "svg .cell{stroke:#888;stroke-width:.5}svg .cell[data-band=\"0\"]{fill:#fafafa}\n"
    "svg .cell-label{font-size:11.5px;font-weight:600}svg .cell-none{fill:#999}\n"
    "svg .cell-mark{font-size:12px;font-weight:700}\n"
    "svg .row-label{fill:#111;font-weight:600}svg .row-note{font-size:10.5px;fill:#444}"
    "svg .col-label{font-weight:700;fill:#111}\n"
    "svg .flag-row{fill:#f6f6f3}svg .kind-label{font-size:11px;fill:#333;font-style:italic}\n"
    "svg .lane-sep.first{stroke:#666;stroke-width:1.5}svg .flag-marker.clipped{stroke-dasharray:2 1}\n"
    "svg .outline-contradiction{fill:none;stroke:#000;stroke-width:3.5}\n"
    "svg .outline-divergence{fill:none;stroke:#000;stroke-width:2;stroke-dasharray:5 3}\n"
    "details{margin:.2rem 0 1rem}summary{cursor:pointer;color:var(--accent)}\n"
    ".flag{border:1px solid var(--line);border-left:6px solid var(--ink);padding:8px 14px;"
    "margin:12px 0;break-inside:avoid}\n"
    ".flag.high{border-left-color:#D55E00}.flag.medium{border-left-color:#E69F00}"
    ".flag.low{border-left-color:#56B4E9}\n"
    ".flag h3{margin:.2rem 0}.flag .meta{color:var(--muted);font-size:.9rem;margin:.1rem 0 .4rem}\n"
    ".answers{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:12px;"
    "margin:.6rem 0}\n"
    ".answers section{background:var(--soft);border:1px solid var(--line);padding:6px 10px}\n"
    ".answers ul{margin:.2rem 0;padding-left:1.1rem}.answers li{margin:.35rem 0}\n"
    ".q{font-style:italic}.a{font-weight:600}\n"
    ".decision{background:#fff8e0;border:1px solid #E69F00;padding:4px 8px;display:inline-block}\n"
    ".unit-section{border-top:3px double var(--line);margin-top:2rem}\n"
    ".visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;"
    "clip:rect(0 0 0 0);white-space:nowrap}\n"
    "footer{color:var(--muted);font-size:.85rem;border-top:1px solid var(--line);margin-top:2rem;"
    "padding-top:8px;padding-bottom:24px}\n"
    "[hidden]{display:none!important}\n"
    "@media print{\n"
    "body{font-size:10pt}header,main,footer{max-width:none;padding:0}\n"
    "nav,.filters,details,.no-print{display:none!important}\n"
    "a{color:inherit;text-decoration:none}\n"
    "h2{break-after:avoid}.unit-section{break-before:page}figure,.flag,tr{break-inside:avoid}\n"
    "svg.chart{max-width:100%}#flags-table tr[hidden]{display:table-row!important}\n"
    "th button::after{content:none!important}\n"
    "}\n";

/* Sorting and filtering of the flags table; the table reads the same without it. */
static const char script[] =
    "(function(){\n"
    "'use strict';\n"
    "var table=document.getElementById('flags-table');\n"
    "if(!table)return;\n"
    "var body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows);\n"
    "var form=document.getElementById('flag-filters'),count=document.getElementById('flag-count');\n"
    "function key(row,i){var c=row.cells[i];return c.hasAttribute('data-sort')?"
    "c.getAttribute('data-sort'):c.textContent.trim().toLowerCase();}\n"
    "Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th,i){\n"
    "  var b=document.createElement('button');b.type='button';\n"
    "  while(th.firstChild)b.appendChild(th.firstChild);th.appendChild(b);\n"
    "  b.addEventListener('click',function(){\n"
    "    var asc=th.getAttribute('aria-sort')!=='ascending';\n"
    "    Array.prototype.forEach.call(table.tHead.rows[0].cells,function(o){o.removeAttribute('aria-sort');});\n"
    "    th.setAttribute('aria-sort',asc?'ascending':'descending');\n"
    "    var num=th.classList.contains('num');\n"
    "    rows.sort(function(x,y){var a=key(x,i),c=key(y,i),d;\n"
    "      if(num){d=parseFloat(a)-parseFloat(c);}else{d=a<c?-1:a>c?1:0;}\n"
    "      if(!asc)d=-d;\n"
    "      return d||parseFloat(x.getAttribute('data-n'))-parseFloat(y.getAttribute('data-n'));});\n"
    "    rows.forEach(function(r){body.appendChild(r);});\n"
    "  });\n"
    "});\n"
    "function filter(){\n"
    "  var f={};Array.prototype.forEach.call(form.querySelectorAll('select'),function(s){"
    "f[s.name]=s.value;});\n"
    "  var text=form.querySelector('input').value.trim().toLowerCase(),shown=0;\n"
    "  rows.forEach(function(r){var ok=true;\n"
    "    for(var k in f){if(f[k]&&r.getAttribute('data-'+k).split(' ').indexOf(f[k])<0)ok=false;}\n"
    "    if(text&&r.textContent.toLowerCase().indexOf(text)<0)ok=false;\n"
    "    r.hidden=!ok;if(ok)shown++;});\n"
    "  count.textContent=shown+' of '+rows.length+' flags shown';\n"
    "}\n"
    "form.hidden=false;\n"
    "form.addEventListener('input',filter);form.addEventListener('change',filter);\n"
    "form.addEventListener('submit',function(e){e.preventDefault();});\n"
    "filter();\n"
    "})();\n";

static void chip(struct html *h, const char *body)
{
    const struct svg_style *st = svg_style(body_style(h, body));

    fprintf(h->out, "<span class=\"chip\" style=\"border-left-color:%s\">", st->fill);
    E(body);
    P("</span>");
}

static void num(struct html *h, double v, int decimals)
{
    char b[32];
    P(svg_num(b, v, decimals));
}

/* "IQA QA_AUDIT QA-2022-0003 (2022-01-10 to 2022-01-14)" */
static void event_words(struct html *h, const struct report_event *ev)
{
    E(ev->body);
    P(" ");
    E(ev->kind);
    if (ev->reference) {
        P(" ");
        E(ev->reference);
    }
    P(" (");
    E(ev->start);
    if (strcmp(ev->start, ev->end) != 0) {
        P(" to ");
        E(ev->end);
    }
    P(")");
}

/* ---------------------------------------------------------------- header and summary */

static void write_head(struct html *h)
{
    const struct report *r = h->r;

    P("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
      "<meta name=\"generator\" content=\"Concord " CONCORD_VERSION "\">\n<title>Concord report: ");
    if (r->scope.unit) {
        E(r->scope.unit);
        if (r->scope.unit_name) {
            P(" ");
            E(r->scope.unit_name);
        }
    } else {
        P("all units");
    }
    P("</title>\n<style>\n");
    P(css);
    P("</style>\n</head>\n<body>\n");
}

static void write_scope_words(struct html *h)
{
    const struct report *r = h->r;

    if (r->scope.unit) {
        E(r->scope.unit);
        if (r->scope.unit_name) {
            P(" ");
            E(r->scope.unit_name);
        }
        P(" and the units below it");
    } else {
        P("every unit");
    }
    if (r->scope.since && r->scope.until) {
        P(", from ");
        E(r->scope.since);
        P(" to ");
        E(r->scope.until);
    } else if (r->scope.since) {
        P(", from ");
        E(r->scope.since);
    } else if (r->scope.until) {
        P(", up to ");
        E(r->scope.until);
    } else {
        P(", all dates");
    }
}

/* Units that get a section of their own: those with events, flags or a matrix. */
static bool unit_shown(const struct html *h, size_t u)
{
    const struct report_unit *un = &h->r->units[u];

    if (un->nevents || un->nflags)
        return true;
    for (size_t i = 0; i < h->r->nmatrix; i++)
        if (h->r->matrix[i].unit == u)
            return true;
    return false;
}

static void write_header(struct html *h)
{
    const struct report *r = h->r;
    long sev[4] = { 0 };
    double hours = 0;

    for (size_t i = 0; i < r->nflags; i++)
        sev[severity_level(r->flags[i].severity)]++;
    for (size_t i = 0; i < r->nledger; i++)
        hours += r->ledger[i].hours;

    P("<header>\n<h1>Scrutiny of probation services: what the bodies say</h1>\n<p class=\"lede\">"
      "Concord report for ");
    write_scope_words(h);
    P(". Generated ");
    E(r->generated_at);
    P(".</p>\n<nav aria-label=\"Contents\"><ul>\n<li><a href=\"#summary\">Summary</a></li>\n");
    for (size_t u = 0; u < r->nunits; u++) {
        if (!unit_shown(h, u))
            continue;
        fprintf(h->out, "<li><a href=\"#unit-%zu\">", u);
        E(r->units[u].code);
        P("</a></li>\n");
    }
    P("<li><a href=\"#flags\">Flags</a></li>\n");
    if (r->nflags)
        P("<li><a href=\"#flag-details\">Each flag's answers</a></li>\n");
    if (r->nrecommendations)
        P("<li><a href=\"#recommendations\">Recommendations</a></li>\n");
    P("</ul></nav>\n</header>\n<main>\n");

    P("<section id=\"summary\" aria-labelledby=\"summary-h\">\n<h2 id=\"summary-h\">Summary</h2>\n"
      "<ul class=\"facts\">\n");
    fprintf(h->out, "<li><b>%zu</b> scrutiny events</li>\n", r->nledger);
    P("<li><b>");
    num(h, hours, 0);
    P("</b> estimated staff hours</li>\n");
    fprintf(h->out, "<li><b>%zu</b> flags: %ld high, %ld medium, %ld low</li>\n", r->nflags, sev[3],
            sev[2], sev[1]);
    fprintf(h->out, "<li><b>%zu</b> unit-level judgements</li>\n", r->nassessments);
    fprintf(h->out, "<li><b>%zu</b> recommendations</li>\n</ul>\n", r->nrecommendations);

    if (h->nbodies == 0) {
        P("<p>Nothing is held for this scope yet: import the bodies' exports and reconcile "
          "(<code>concord run FOLDER</code>).</p>\n</section>\n");
        return;
    }
    /* Per body: the key to the colours, with the same numbers. */
    P("<table class=\"bodies\">\n<caption>Bodies: the colour and pattern each is drawn with, and what "
      "it did</caption>\n<thead><tr><th scope=\"col\">Body</th><th scope=\"col\">Drawn as</th>"
      "<th scope=\"col\" class=\"num\">Events</th><th scope=\"col\" class=\"num\">Staff hours"
      "</th><th scope=\"col\" class=\"num\">Flags naming it</th></tr></thead>\n<tbody>\n");
    for (size_t b = 0; b < h->nbodies; b++) {
        const struct svg_style *st = svg_style(b);
        long events = 0, flags = 0;
        double hb = 0;
        for (size_t i = 0; i < r->nledger; i++)
            if (strcmp(r->ledger[i].body, h->bodies[b]) == 0) {
                events++;
                hb += r->ledger[i].hours;
            }
        for (size_t i = 0; i < r->nflags; i++)
            for (size_t k = 0; k < r->flags[i].nbodies; k++)
                if (strcmp(r->flags[i].body_list[k], h->bodies[b]) == 0) {
                    flags++;
                    break;
                }
        P("<tr><th scope=\"row\">");
        chip(h, h->bodies[b]);
        fprintf(h->out, "</th><td><svg class=\"key\" width=\"28\" height=\"14\" aria-hidden=\"true\">"
                        "<defs>");
        {
            char prefix[32];
            size_t style = b;
            snprintf(prefix, sizeof prefix, "key%zu", b);
            svg_pattern_defs(h->out, prefix, &style, 1);
            fprintf(h->out, "</defs><rect width=\"28\" height=\"14\" fill=\"url(#%s-s0)\" "
                            "stroke=\"#000\"/></svg> %s, %s</td>", prefix, st->name, st->pattern);
        }
        fprintf(h->out, "<td class=\"num\">%ld</td><td class=\"num\">", events);
        num(h, hb, 1);
        fprintf(h->out, "</td><td class=\"num\">%ld</td></tr>\n", flags);
    }
    P("</tbody>\n</table>\n</section>\n");
}

/* ---------------------------------------------------------------- flags table */

static void flag_period(struct html *h, const struct report_flag *f, const char *to)
{
    if (f->period_start == NULL && f->period_end == NULL) {
        P("\xE2\x80\x94");
        return;
    }
    E(f->period_start ? f->period_start : "");
    if (f->period_end && (f->period_start == NULL || strcmp(f->period_start, f->period_end) != 0)) {
        P(to);
        E(f->period_end);
    }
}

static void option_list(struct html *h, const char *name, const char *label, char **values,
                        size_t n)
{
    fprintf(h->out, "<label>%s <select name=\"%s\"><option value=\"\">all</option>", label, name);
    for (size_t i = 0; i < n; i++) {
        P("<option value=\"");
        svg_ident(h->out, values[i]);
        P("\">");
        E(values[i]);
        P("</option>");
    }
    P("</select></label>\n");
}

static void add_unique(char ***list, size_t *n, const char *v)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*list)[i], v) == 0)
            return;
    *list = xrealloc(*list, (*n + 1) * sizeof **list);
    (*list)[(*n)++] = (char *)v;
}

static void write_flags_table(struct html *h)
{
    const struct report *r = h->r;
    char **kinds = NULL, **units = NULL, **areas = NULL;
    size_t nk = 0, nu = 0, na = 0;
    char *sev[] = { "high", "medium", "low" };
    char *status[] = { "new", "open", "acknowledged", "dismissed" };

    P("<section id=\"flags\" aria-labelledby=\"flags-h\">\n<h2 id=\"flags-h\">Flags</h2>\n");
    if (r->nflags == 0) {
        P("<p>No flags in this scope: the bodies' views agree, and no unit was overloaded.</p>\n"
          "</section>\n");
        return;
    }
    P("<p class=\"lede\">What the reconciler found about the scrutiny itself, newest first. "
      "Severity is shown as a word and a shape: \xE2\x96\xBC high, \xE2\x97\x86 medium, "
      "\xE2\x97\x8B low. Numbers (F1, F2, \xE2\x80\xA6) match the markers on the timelines.</p>\n");
    for (size_t i = 0; i < r->nflags; i++) {
        add_unique(&kinds, &nk, r->flags[i].kind);
        if (r->flags[i].unit < r->nunits)
            add_unique(&units, &nu, r->units[r->flags[i].unit].code);
        if (r->flags[i].area)
            add_unique(&areas, &na, r->flags[i].area);
    }
    qsort(kinds, nk, sizeof *kinds, cmp_str);
    if (nu)
        qsort(units, nu, sizeof *units, cmp_str);
    if (na)
        qsort(areas, na, sizeof *areas, cmp_str);

    P("<form id=\"flag-filters\" class=\"filters\" hidden aria-label=\"Filter the flags\">\n");
    option_list(h, "kind", "Kind", kinds, nk);
    option_list(h, "severity", "Severity", sev, 3);
    option_list(h, "status", "Status", status, 4);
    option_list(h, "unit", "Unit", units, nu);
    option_list(h, "area", "Area", areas, na);
    option_list(h, "body", "Body", h->bodies, h->nbodies);
    P("<label>Words <input type=\"search\" name=\"q\" placeholder=\"in any column\"></label>\n"
      "<output id=\"flag-count\" aria-live=\"polite\"></output>\n</form>\n");
    free(kinds);
    free(units);
    free(areas);

    P("<div class=\"scroll\"><table id=\"flags-table\">\n<caption class=\"visually-hidden\">Flags, newest first</caption>\n"
      "<thead><tr><th scope=\"col\" class=\"num\">No.</th><th scope=\"col\">Kind</th>"
      "<th scope=\"col\">Severity</th><th scope=\"col\">Status</th><th scope=\"col\">Unit</th>"
      "<th scope=\"col\">Area</th><th scope=\"col\">Bodies</th><th scope=\"col\">Period</th>"
      "<th scope=\"col\">Explanation</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < r->nflags; i++) {
        const struct report_flag *f = &r->flags[i];
        int lvl = severity_level(f->severity);

        fprintf(h->out, "<tr id=\"row-%.32s\" data-n=\"%zu\" data-kind=\"", f->fingerprint, i + 1);
        svg_ident(h->out, f->kind);
        P("\" data-severity=\"");
        svg_ident(h->out, f->severity);
        P("\" data-status=\"");
        svg_ident(h->out, f->shown);
        P("\" data-unit=\"");
        svg_ident(h->out, f->unit < r->nunits ? r->units[f->unit].code : "");
        P("\" data-area=\"");
        svg_ident(h->out, f->area ? f->area : "");
        P("\" data-body=\"");
        for (size_t k = 0; k < f->nbodies; k++) {
            if (k)
                P(" ");
            svg_ident(h->out, f->body_list[k]);
        }
        fprintf(h->out, "\">\n<td class=\"num\" data-sort=\"%zu\"><a href=\"#flag-%.32s\">F%zu</a>"
                        "</td><td class=\"kind\">", i + 1, f->fingerprint, i + 1);
        for (const char *k = f->kind; *k; k++) {
            svg_escapen(h->out, k, 1);
            if (*k == '_')
                P("<wbr>");
        }
        fprintf(h->out, "</td><td data-sort=\"%d\" class=\"sev sev-", 4 - lvl);
        svg_ident(h->out, f->severity);
        fprintf(h->out, "\"><span aria-hidden=\"true\">%s</span> ", severity_glyph(f->severity));
        E(f->severity);
        P("</td><td>");
        E(f->shown);
        P("</td><td>");
        if (f->unit < r->nunits) {
            fprintf(h->out, "<a href=\"#unit-%zu\">", f->unit);
            E(r->units[f->unit].code);
            P("</a> ");
            E(r->units[f->unit].name);
        } else {
            P("\xE2\x80\x94");
        }
        P("</td><td>");
        if (f->area) {
            E(f->area);
            const char *label = area_label(r, f->area);
            if (label) {
                P("<br><small>");
                E(label);
                P("</small>");
            }
        } else {
            P("\xE2\x80\x94");
        }
        P("</td><td>");
        for (size_t k = 0; k < f->nbodies; k++)
            chip(h, f->body_list[k]);
        P("</td><td class=\"period\" data-sort=\"");
        E(f->period_end ? f->period_end : f->period_start ? f->period_start : "");
        P("\">");
        flag_period(h, f, " to<br>");
        P("</td><td class=\"expl\">");
        E(f->explanation);
        P("</td></tr>\n");
    }
    P("</tbody>\n</table></div>\n</section>\n");
}

/* ---------------------------------------------------------------- each flag's answers */

/* "Inadequate; 36 of 90 cases sufficient (40%); 79.9 against a target of 85" */
static void answer_words(struct html *h, const struct report_assessment *a)
{
    bool any = false;

    if (a->rating && *a->rating) {
        E(a->rating);
        any = true;
    }
    if (a->has_counts && a->applicable > 0) {
        fprintf(h->out, "%s%ld of %ld case answers sufficient (", any ? "; " : "", a->sufficient,
                a->applicable);
        num(h, 100.0 * (double)a->sufficient / (double)a->applicable, 0);
        P("%)");
        any = true;
    }
    if (a->has_value) {
        P(any ? "; " : "");
        num(h, a->value, 2);
        if (a->has_target) {
            P(" against a target of ");
            num(h, a->target, 2);
        }
        any = true;
    }
    fprintf(h->out, "%sband %d (", any ? "; " : "", a->band);
    E(report_band_word(a->band));
    P(")");
}

/* One body's column: its assessments on the flag's area, its events, its recommendations. */
static void write_body_column(struct html *h, const struct report_flag *f, const char *body)
{
    const struct report *r = h->r;
    size_t shown = 0, more = 0;
    const size_t limit = 6;

    P("<section>\n<h4>");
    chip(h, body);
    P("</h4>\n<ul>\n");
    /* Non-derived (the body's own words) first, then what Concord pooled from case answers. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t m = 0; m < f->nmembers; m++) {
            const struct report_member *mem = &f->members[m];
            if (strcmp(mem->type, "assessment") != 0)
                continue;
            size_t k = find_assessment(h, mem->id), pick = SIZE_MAX;
            if (k == SIZE_MAX)
                continue;
            /* The row on the flag's area, else the first row of that assessment. */
            for (size_t j = k; j < r->nassessments && r->assessments[h->by_id[j]].id == mem->id; j++) {
                const struct report_assessment *a = &r->assessments[h->by_id[j]];
                if (pick == SIZE_MAX)
                    pick = h->by_id[j];
                if (f->area && a->area && strcmp(a->area, f->area) == 0) {
                    pick = h->by_id[j];
                    break;
                }
            }
            const struct report_assessment *a = &r->assessments[pick];
            if (strcmp(a->body, body) != 0 || (int)a->derived != pass)
                continue;
            if (shown >= limit) {
                more++;
                continue;
            }
            shown++;
            P("<li><span class=\"code\">");
            E(a->framework);
            P(" ");
            E(a->code);
            P("</span>");
            if (a->question) {
                P(": <span class=\"q\">");
                E(a->question);
                P("</span>");
            }
            P("<br>Answer: <span class=\"a\">");
            answer_words(h, a);
            P("</span>");
            P("<br><small>");
            if (a->event < r->nledger) {
                event_words(h, &r->ledger[a->event]);
                P("; ");
            }
            P("observed ");
            E(a->observed);
            if (a->derived)
                P("; pooled by Concord from the body's case answers");
            P("</small></li>\n");
        }
    }
    for (size_t m = 0; m < f->nmembers; m++) {
        const struct report_member *mem = &f->members[m];
        if (strcmp(mem->type, "event") == 0) {
            size_t k = find_event(r, mem->id);
            if (k == SIZE_MAX || strcmp(r->ledger[k].body, body) != 0)
                continue;
            if (shown >= limit) {
                more++;
                continue;
            }
            shown++;
            P("<li>");
            event_words(h, &r->ledger[k]);
            P(": ");
            num(h, r->ledger[k].hours, 1);
            P(r->ledger[k].hours_declared ? " staff hours" : " staff hours (estimated)");
            if (r->ledger[k].cases > 0)
                fprintf(h->out, ", %ld cases", r->ledger[k].cases);
            P("</li>\n");
        } else if (strcmp(mem->type, "recommendation") == 0) {
            size_t k = find_recommendation(r, mem->id);
            if (k == SIZE_MAX || strcmp(r->recommendations[k].body, body) != 0)
                continue;
            const struct report_recommendation *rec = &r->recommendations[k];
            if (shown >= limit) {
                more++;
                continue;
            }
            shown++;
            P("<li>Recommendation");
            if (rec->reference) {
                P(" (");
                E(rec->reference);
                P(")");
            }
            P(": <span class=\"q\">");
            E(rec->text);
            P("</span><br>Status: <span class=\"a\">");
            E(rec->status);
            P("</span>");
            if (rec->due) {
                P(", due ");
                E(rec->due);
            }
            P("</li>\n");
        }
    }
    if (shown == 0)
        P("<li>Nothing from this body is in the report's scope.</li>\n");
    P("</ul>\n");
    if (more)
        fprintf(h->out, "<p><small>and %zu more</small></p>\n", more);
    P("</section>\n");
}

static void write_flag_details(struct html *h)
{
    const struct report *r = h->r;

    if (r->nflags == 0)
        return;
    P("<section id=\"flag-details\" aria-labelledby=\"flag-details-h\">\n<h2 id=\"flag-details-h\">"
      "Each flag's answers, side by side</h2>\n<p class=\"lede\">For each flag, what each body asked "
      "and what it answered, one column per body.</p>\n");
    for (size_t i = 0; i < r->nflags; i++) {
        const struct report_flag *f = &r->flags[i];

        fprintf(h->out, "<article class=\"flag %s\" id=\"flag-%.32s\" aria-labelledby=\"flag-%.32s-h\">\n"
                        "<h3 id=\"flag-%.32s-h\">F%zu ",
                severity_level(f->severity) == 3 ? "high" : severity_level(f->severity) == 2 ? "medium"
                                                                                            : "low",
                f->fingerprint, f->fingerprint, f->fingerprint, i + 1);
        E(f->kind);
        if (f->unit < r->nunits) {
            P(" \xC2\xB7 ");
            E(r->units[f->unit].code);
            P(" ");
            E(r->units[f->unit].name);
        }
        if (f->area) {
            P(" \xC2\xB7 ");
            E(f->area);
        }
        fprintf(h->out, "</h3>\n<p class=\"meta\"><span class=\"sev sev-%s\"><span aria-hidden=\"true\">"
                        "%s</span> ", severity_level(f->severity) == 3 ? "high"
                                      : severity_level(f->severity) == 2 ? "medium" : "low",
                severity_glyph(f->severity));
        E(f->severity);
        P("</span> \xC2\xB7 ");
        E(f->shown);
        P(" \xC2\xB7 ");
        flag_period(h, f, " to ");
        P(" \xC2\xB7 rule ");
        E(f->rule);
        P(" \xC2\xB7 <code>");
        E(f->fingerprint);
        fprintf(h->out, "</code> \xC2\xB7 <a href=\"#row-%.32s\">in the table</a></p>\n<p>",
                f->fingerprint);
        E(f->explanation);
        P("</p>\n");
        if (f->decision) {
            P("<p class=\"decision\">");
            P(strcmp(f->decision->decision, "ack") == 0 ? "Acknowledged" : "Dismissed");
            P(" by ");
            E(f->decision->by);
            P(" on ");
            E(f->decision->at);
            P(": ");
            E(f->decision->reason);
            P("</p>\n");
        }
        if (f->nbodies) {
            P("<div class=\"answers\">\n");
            for (size_t k = 0; k < f->nbodies; k++)
                write_body_column(h, f, f->body_list[k]);
            P("</div>\n");
        }
        P("</article>\n");
    }
    P("</section>\n");
}

/* ---------------------------------------------------------------- per unit */

static void write_timeline(struct html *h, size_t u)
{
    const struct report *r = h->r;
    const char **lanes = xcalloc(h->nbodies + 1, sizeof *lanes);
    size_t *style = xcalloc(h->nbodies + 1, sizeof *style), *lane_of = xcalloc(h->nbodies + 1, sizeof *lane_of);
    size_t nlanes = 0, nbars = 0, nmarkers = 0;
    struct svg_tl_bar *bars = xcalloc(r->nledger + 1, sizeof *bars);
    struct svg_tl_marker *markers = xcalloc(r->nflags + 1, sizeof *markers);
    char **titles = xcalloc(r->nledger + r->nflags + 1, sizeof *titles);
    char **labels = xcalloc(r->nflags + 1, sizeof *labels);
    char **hrefs = xcalloc(r->nflags + 1, sizeof *hrefs);
    size_t ntitles = 0, nmrows = 0, nflagged = 0;
    const char **mrow_kind = xcalloc(r->nflags + 1, sizeof *mrow_kind);
    char **mrows = xcalloc(r->nflags + 1, sizeof *mrows);
    size_t *mtitle = xcalloc(r->nflags + 1, sizeof *mtitle);
    struct sbuf b;
    char id[40], num_b[32];

    sbuf_init(&b);
    /* Lanes: the bodies with events on this unit, in the global order. */
    for (size_t k = 0; k < h->nbodies; k++) {
        lane_of[k] = SIZE_MAX;
        for (size_t i = 0; i < r->nledger; i++)
            if (r->ledger[i].unit == u && strcmp(r->ledger[i].body, h->bodies[k]) == 0) {
                lane_of[k] = nlanes;
                lanes[nlanes] = h->bodies[k];
                style[nlanes++] = k;
                break;
            }
    }
    for (size_t i = 0; i < r->nledger; i++) {
        const struct report_event *ev = &r->ledger[i];
        if (ev->unit != u)
            continue;
        size_t k = body_style(h, ev->body);
        sbuf_reset(&b);
        sbuf_printf(&b, "%s %s%s%s: %s%s%s, %s staff hours%s", ev->body, ev->kind,
                    ev->reference ? " " : "", ev->reference ? ev->reference : "", ev->start,
                    strcmp(ev->start, ev->end) ? " to " : "", strcmp(ev->start, ev->end) ? ev->end : "",
                    svg_num(num_b, ev->hours, 1), ev->hours_declared ? "" : " (estimated)");
        titles[ntitles] = xstrdup(b.s);
        bars[nbars].lane = lane_of[k];
        bars[nbars].start = day_of(ev->start, h->from);
        bars[nbars].end = day_of(ev->end, bars[nbars].start);
        bars[nbars].title = titles[ntitles++];
        bars[nbars].key = ev->reference;
        nbars++;
    }
    /* Flags: one row per kind (in order of first appearance, newest first as the flags are);
     * flags of one kind, severity and period on this unit share a marker. */
    for (size_t i = 0; i < r->nflags; i++) {
        const struct report_flag *f = &r->flags[i];
        const char *ps = f->period_start ? f->period_start : f->period_end;
        const char *pe = f->period_end ? f->period_end : f->period_start;
        size_t row = SIZE_MAX, same = SIZE_MAX;
        if (f->unit != u || ps == NULL)
            continue;
        for (size_t k = 0; k < nmrows; k++)
            if (strcmp(mrow_kind[k], f->kind) == 0)
                row = k;
        if (row == SIZE_MAX) {
            row = nmrows;
            mrow_kind[nmrows] = f->kind;
            mrows[nmrows++] = kind_words(f->kind);
        }
        int32_t st = day_of(ps, h->from), en = day_of(pe, st);
        for (size_t k = 0; k < nmarkers; k++)
            if (markers[k].row == row && markers[k].start == st && markers[k].end == en &&
                markers[k].level == severity_level(f->severity))
                same = k;
        if (same != SIZE_MAX) {
            markers[same].count++;
            sbuf_reset(&b);
            sbuf_printf(&b, "%s; F%zu%s%s", titles[mtitle[same]], i + 1, f->area ? " " : "",
                        f->area ? f->area : "");
            free(titles[mtitle[same]]);
            titles[mtitle[same]] = xstrdup(b.s);
            free(labels[same]);
            sbuf_reset(&b);
            sbuf_printf(&b, "\xC3\x97%u", markers[same].count);
            labels[same] = xstrdup(b.s);
            markers[same].label = labels[same];
            markers[same].title = titles[mtitle[same]];
            continue;
        }
        sbuf_reset(&b);
        sbuf_printf(&b, "#flag-%.32s", f->fingerprint);
        hrefs[nmarkers] = xstrdup(b.s);
        sbuf_reset(&b);
        sbuf_printf(&b, "%s (%s severity), %s to %s, %s: F%zu%s%s", f->kind, f->severity, ps, pe,
                    f->bodies, i + 1, f->area ? " " : "", f->area ? f->area : "");
        mtitle[nmarkers] = ntitles;
        titles[ntitles] = xstrdup(b.s);
        markers[nmarkers].row = row;
        markers[nmarkers].start = st;
        markers[nmarkers].end = en;
        markers[nmarkers].level = severity_level(f->severity);
        markers[nmarkers].count = 1;
        markers[nmarkers].label = NULL;
        markers[nmarkers].title = titles[ntitles++];
        markers[nmarkers].key = f->fingerprint;
        markers[nmarkers].href = hrefs[nmarkers];
        nflagged++;
        nmarkers++;
    }
    for (size_t k = 0; k < nmarkers; k++)
        if (markers[k].count > 1)
            nflagged += markers[k].count - 1;

    snprintf(id, sizeof id, "u%zu-timeline", u);
    sbuf_reset(&b);
    sbuf_printf(&b, "Scrutiny timeline of %s %s", unit_code(r, u), unit_name(r, u));
    char *title = xstrdup(b.s);
    sbuf_reset(&b);
    sbuf_printf(&b, "%zu events in %zu lanes, one lane per body:", nbars, nlanes);
    for (size_t l = 0; l < nlanes; l++) {
        size_t n = 0;
        for (size_t i = 0; i < nbars; i++)
            n += bars[i].lane == l;
        sbuf_printf(&b, "%s %s %zu", l ? "," : "", lanes[l], n);
    }
    sbuf_adds(&b, ". Each event is a bar over its dates.");
    if (nflagged)
        sbuf_printf(&b, " Above the lanes, %zu flag%s in %zu row%s, one row per kind: a line over "
                         "the flag's period, ending in a triangle (high severity), a diamond (medium) "
                         "or a circle (low); \xC3\x97N marks N flags with the same period.",
                    nflagged, nflagged == 1 ? "" : "s", nmrows, nmrows == 1 ? "" : "s");
    else
        sbuf_adds(&b, " No flags on this unit.");
    struct svg_timeline t = {
        .id = id, .title = title, .desc = b.s, .bar_class = "event",
        .nlanes = nlanes, .lanes = lanes, .lane_style = style,
        .nbars = nbars, .bars = bars, .nmrows = nmrows, .mrows = (const char *const *)mrows,
        .nmarkers = nmarkers, .markers = markers,
        .from = h->from, .to = h->to,
    };

    P("<h3>Scrutiny timeline</h3>\n<figure>\n");
    svg_timeline(h->out, &t);
    P("<figcaption>");
    E(b.s);
    P("</figcaption>\n</figure>\n");
    /* The same, as a table. */
    P("<details><summary>The timeline as a table</summary>\n<table>\n<caption>Events on ");
    E(unit_code(r, u));
    P("</caption>\n<thead><tr><th scope=\"col\">Body</th><th scope=\"col\">Kind</th>"
      "<th scope=\"col\">Reference</th><th scope=\"col\">Start</th><th scope=\"col\">End</th>"
      "<th scope=\"col\" class=\"num\">Cases</th><th scope=\"col\" class=\"num\">Staff hours</th>"
      "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < r->nledger; i++) {
        const struct report_event *ev = &r->ledger[i];
        if (ev->unit != u)
            continue;
        P("<tr><td>");
        E(ev->body);
        P("</td><td>");
        E(ev->kind);
        P("</td><td>");
        E(ev->reference ? ev->reference : "");
        P("</td><td>");
        E(ev->start);
        P("</td><td>");
        E(ev->end);
        fprintf(h->out, "</td><td class=\"num\">%ld</td><td class=\"num\">", ev->cases);
        num(h, ev->hours, 1);
        P(ev->hours_declared ? "" : " (est.)");
        P("</td></tr>\n");
    }
    P("</tbody>\n</table>\n");
    if (nmarkers) {
        P("<table>\n<caption>Flags on ");
        E(unit_code(r, u));
        P("</caption>\n<thead><tr><th scope=\"col\">No.</th><th scope=\"col\">Kind</th>"
          "<th scope=\"col\">Severity</th><th scope=\"col\">Period</th></tr></thead>\n<tbody>\n");
        for (size_t i = 0; i < r->nflags; i++) {
            const struct report_flag *f = &r->flags[i];
            if (f->unit != u || (f->period_start == NULL && f->period_end == NULL))
                continue;
            fprintf(h->out, "<tr><td><a href=\"#flag-%.32s\">F%zu</a></td><td>", f->fingerprint, i + 1);
            E(f->kind);
            P("</td><td>");
            E(f->severity);
            P("</td><td>");
            flag_period(h, f, " to ");
            P("</td></tr>\n");
        }
        P("</tbody>\n</table>\n");
    }
    P("</details>\n");

    for (size_t i = 0; i < ntitles; i++)
        free(titles[i]);
    for (size_t i = 0; i < nmarkers; i++) {
        free(labels[i]);
        free(hrefs[i]);
    }
    for (size_t i = 0; i < nmrows; i++)
        free(mrows[i]);
    free(mrows);
    free(mrow_kind);
    free(mtitle);
    free(title);
    free(titles);
    free(labels);
    free(hrefs);
    free(bars);
    free(markers);
    free(lanes);
    free(style);
    free(lane_of);
    sbuf_free(&b);
}

static void write_burden(struct html *h, size_t u)
{
    const struct report *r = h->r;
    size_t nq, nser = 0;
    const char **ser = xcalloc(h->nbodies + 1, sizeof *ser);
    size_t *style = xcalloc(h->nbodies + 1, sizeof *style);
    struct sbuf b;
    char id[40], nb[32];
    bool any = false;

    for (size_t i = 0; i < r->nburden; i++)
        if (r->burden[i].unit == u && quarter_num(r->burden[i].quarter) >= 0)
            any = true;
    if (!any || h->qmin > h->qmax) {
        free(ser);
        free(style);
        return;
    }
    nq = (size_t)(h->qmax - h->qmin + 1);
    char (*qlabels)[24] = xcalloc(nq, sizeof *qlabels);
    const char **cats = xcalloc(nq, sizeof *cats);
    for (size_t q = 0; q < nq; q++) {
        int v = h->qmin + (int)q;
        snprintf(qlabels[q], sizeof qlabels[q], "%d Q%d", v / 4, v % 4 + 1);
        cats[q] = qlabels[q];
    }
    for (size_t k = 0; k < h->nbodies; k++)
        for (size_t i = 0; i < r->nburden; i++)
            if (r->burden[i].unit == u && strcmp(r->burden[i].body, h->bodies[k]) == 0) {
                ser[nser] = h->bodies[k];
                style[nser++] = k;
                break;
            }
    double *events = xcalloc(nser * nq + 1, sizeof *events);
    double *hours = xcalloc(nser * nq + 1, sizeof *hours);
    double tev = 0, thr = 0;
    for (size_t i = 0; i < r->nburden; i++) {
        const struct report_burden *bu = &r->burden[i];
        int q = quarter_num(bu->quarter);
        if (bu->unit != u || q < h->qmin || q > h->qmax)
            continue;
        for (size_t s = 0; s < nser; s++)
            if (strcmp(ser[s], bu->body) == 0) {
                events[s * nq + (size_t)(q - h->qmin)] += (double)bu->events;
                hours[s * nq + (size_t)(q - h->qmin)] += bu->hours;
                tev += (double)bu->events;
                thr += bu->hours;
            }
    }

    sbuf_init(&b);
    P("<h3>Burden per quarter</h3>\n<div class=\"charts\">\n");
    for (int which = 0; which < 2; which++) {
        snprintf(id, sizeof id, "u%zu-burden-%s", u, which ? "hours" : "events");
        sbuf_reset(&b);
        sbuf_printf(&b, "%s per quarter on %s %s, by body", which ? "Estimated staff hours" : "Events",
                    unit_code(r, u), unit_name(r, u));
        char *title = xstrdup(b.s);
        sbuf_reset(&b);
        sbuf_printf(&b, "Stacked bars, one per calendar quarter of the event's start, one segment per "
                         "body. In all %s %s over %zu quarters:", svg_num(nb, which ? thr : tev, 1),
                    which ? "staff hours" : "events", nq);
        for (size_t s = 0; s < nser; s++) {
            double sum = 0;
            for (size_t q = 0; q < nq; q++)
                sum += (which ? hours : events)[s * nq + q];
            sbuf_printf(&b, "%s %s %s", s ? "," : "", ser[s], svg_num(nb, sum, 1));
        }
        sbuf_addc(&b, '.');
        struct svg_stacked c = {
            .id = id, .title = title, .desc = b.s,
            .mark_class = which ? "burden-hours" : "burden-events",
            .value_label = which ? "staff hours" : "events", .decimals = which ? 1 : 0,
            .ncats = nq, .cats = cats, .nseries = nser, .series = ser, .series_style = style,
            .values = which ? hours : events,
        };
        P("<figure>\n");
        svg_stacked_bars(h->out, &c);
        P("<figcaption>");
        E(b.s);
        P("</figcaption>\n</figure>\n");
        free(title);
    }
    P("</div>\n<details><summary>Burden as a table</summary>\n<table>\n<caption>Events and "
      "estimated staff hours per quarter on ");
    E(unit_code(r, u));
    P("</caption>\n<thead><tr><th scope=\"col\">Quarter</th><th scope=\"col\">Body</th>"
      "<th scope=\"col\" class=\"num\">Events</th><th scope=\"col\" class=\"num\">Staff hours</th>"
      "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < r->nburden; i++) {
        const struct report_burden *bu = &r->burden[i];
        if (bu->unit != u)
            continue;
        P("<tr><td>");
        E(bu->quarter);
        P("</td><td>");
        E(bu->body);
        fprintf(h->out, "</td><td class=\"num\">%ld</td><td class=\"num\">", bu->events);
        num(h, bu->hours, 1);
        P("</td></tr>\n");
    }
    P("</tbody>\n</table>\n</details>\n");
    sbuf_free(&b);
    free(events);
    free(hours);
    free(qlabels);
    free(cats);
    free(ser);
    free(style);
}

static void write_matrix(struct html *h, const struct report_matrix *m)
{
    const struct report *r = h->r;
    size_t u = m->unit, ncells = m->nareas * m->nbodies;
    struct svg_cell *cells = xcalloc(ncells + 1, sizeof *cells);
    char **titles = xcalloc(ncells + 1, sizeof *titles);
    char **rows = xcalloc(m->nareas + 1, sizeof *rows);
    struct sbuf b;
    char id[40];
    size_t ncon = 0, ndiv = 0, nfilled = 0;

    sbuf_init(&b);
    const char **notes = xcalloc(m->nareas + 1, sizeof *notes);
    for (size_t a = 0; a < m->nareas; a++) {
        const char *label = area_label(r, m->areas[a]);
        sbuf_reset(&b);
        sbuf_printf(&b, "%s%s%s", m->areas[a], label ? " " : "", label ? label : "");
        rows[a] = xstrdup(b.s);
        notes[a] = label;
    }
    for (size_t a = 0; a < m->nareas; a++)
        for (size_t k = 0; k < m->nbodies; k++) {
            const struct report_cell *c = &m->cells[a * m->nbodies + k];
            struct svg_cell *sc = &cells[a * m->nbodies + k];
            sbuf_reset(&b);
            if (c->band >= 1 && c->band <= 4) {
                nfilled++;
                sbuf_printf(&b, "%s on %s: band %d (%s), latest view observed %s", m->bodies[k],
                            m->areas[a], c->band, report_band_word(c->band),
                            c->observed ? c->observed : "");
                if (c->event < r->nledger && r->ledger[c->event].reference)
                    sbuf_printf(&b, " (%s)", r->ledger[c->event].reference);
            } else {
                sbuf_printf(&b, "%s on %s: no view", m->bodies[k], m->areas[a]);
            }
            if (c->marks & REPORT_MARK_CONTRADICTION) {
                sbuf_adds(&b, "; contradiction");
                ncon++;
            }
            if (c->marks & REPORT_MARK_DIVERGENCE) {
                sbuf_adds(&b, "; divergence");
                ndiv++;
            }
            for (size_t f = 0; f < c->nflags; f++)
                sbuf_printf(&b, "%s F%zu", f ? "," : " (flag", c->flags[f] + 1);
            if (c->nflags)
                sbuf_addc(&b, ')');
            titles[a * m->nbodies + k] = xstrdup(b.s);
            sc->band = c->band;
            sc->word = report_band_word(c->band);
            sc->title = titles[a * m->nbodies + k];
            sc->marks = (c->marks & REPORT_MARK_CONTRADICTION ? SVG_MARK_CONTRADICTION : 0) |
                        (c->marks & REPORT_MARK_DIVERGENCE ? SVG_MARK_DIVERGENCE : 0);
        }

    snprintf(id, sizeof id, "u%zu-matrix", u);
    sbuf_reset(&b);
    sbuf_printf(&b, "Judgement matrix of %s %s", unit_code(r, u), unit_name(r, u));
    char *title = xstrdup(b.s);
    sbuf_reset(&b);
    sbuf_printf(&b, "%zu areas down, %zu bodies across; each cell is the body's latest band for the "
                     "area, with its word. %zu cells have a view; %zu are outlined as contradictions "
                     "(solid) and %zu as divergences (dashed).", m->nareas, m->nbodies, nfilled,
                ncon, ndiv);
    struct svg_matrix sm = {
        .id = id, .title = title, .desc = b.s, .nrows = m->nareas, .ncols = m->nbodies,
        .rows = (const char *const *)m->areas, .row_notes = notes,
        .cols = (const char *const *)m->bodies, .cells = cells,
    };
    P("<h3>Judgement matrix</h3>\n<figure>\n");
    svg_matrix(h->out, &sm);
    P("<figcaption>");
    E(b.s);
    P("</figcaption>\n</figure>\n<details><summary>The matrix as a table</summary>\n<table>\n"
      "<caption>Latest band per area and body on ");
    E(unit_code(r, u));
    P("</caption>\n<thead><tr><th scope=\"col\">Area</th>");
    for (size_t k = 0; k < m->nbodies; k++) {
        P("<th scope=\"col\">");
        E(m->bodies[k]);
        P("</th>");
    }
    P("</tr></thead>\n<tbody>\n");
    for (size_t a = 0; a < m->nareas; a++) {
        P("<tr><th scope=\"row\">");
        E(rows[a]);
        P("</th>");
        for (size_t k = 0; k < m->nbodies; k++) {
            const struct report_cell *c = &m->cells[a * m->nbodies + k];
            P("<td>");
            if (c->band >= 1 && c->band <= 4) {
                fprintf(h->out, "%d ", c->band);
                E(report_band_word(c->band));
            } else {
                P("\xE2\x80\x94");
            }
            if (c->marks & REPORT_MARK_CONTRADICTION)
                P(" <strong>\xE2\x89\xA0 contradiction</strong>");
            if (c->marks & REPORT_MARK_DIVERGENCE)
                P(" <strong>~ divergence</strong>");
            P("</td>");
        }
        P("</tr>\n");
    }
    P("</tbody>\n</table>\n</details>\n");

    for (size_t i = 0; i < ncells; i++)
        free(titles[i]);
    for (size_t a = 0; a < m->nareas; a++)
        free(rows[a]);
    free(titles);
    free(rows);
    free(notes);
    free(cells);
    free(title);
    sbuf_free(&b);
}

static void write_units(struct html *h)
{
    const struct report *r = h->r;

    for (size_t u = 0; u < r->nunits; u++) {
        const struct report_unit *un = &r->units[u];
        if (!unit_shown(h, u))
            continue;
        fprintf(h->out, "<section class=\"unit-section\" id=\"unit-%zu\" aria-labelledby=\"unit-%zu-h\">\n"
                        "<h2 id=\"unit-%zu-h\">", u, u, u);
        E(un->code);
        P(" ");
        E(un->name);
        P(" <small>");
        E(un->type);
        P("</small></h2>\n<p class=\"lede\">");
        fprintf(h->out, "%zu events, %zu unit-level judgements, %zu flags, %zu recommendations",
                un->nevents, un->nassessments, un->nflags, un->nrecommendations);
        if (un->parent) {
            P("; part of ");
            E(un->parent);
        }
        P(".</p>\n");
        if (un->nevents || un->nflags)
            write_timeline(h, u);
        write_burden(h, u);
        for (size_t i = 0; i < r->nmatrix; i++)
            if (r->matrix[i].unit == u)
                write_matrix(h, &r->matrix[i]);
        P("</section>\n");
    }
}

static void write_recommendations(struct html *h)
{
    const struct report *r = h->r;

    if (r->nrecommendations == 0)
        return;
    P("<section id=\"recommendations\" aria-labelledby=\"recs-h\">\n<h2 id=\"recs-h\">"
      "Recommendations</h2>\n<table>\n<caption class=\"visually-hidden\">Recommendations by unit and "
      "body</caption>\n<thead><tr><th scope=\"col\">Unit</th><th scope=\"col\">Body</th>"
      "<th scope=\"col\">Event</th><th scope=\"col\">Area</th><th scope=\"col\">Recommendation</th>"
      "<th scope=\"col\">Due</th><th scope=\"col\">Status</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < r->nrecommendations; i++) {
        const struct report_recommendation *rec = &r->recommendations[i];
        P("<tr><td>");
        E(unit_code(r, rec->unit));
        P("</td><td>");
        chip(h, rec->body);
        P("</td><td>");
        E(rec->reference ? rec->reference : "");
        P("</td><td>");
        E(rec->area ? rec->area : "");
        P("</td><td>");
        E(rec->text);
        P("</td><td>");
        E(rec->due ? rec->due : "");
        P("</td><td>");
        E(rec->status);
        if (rec->status_date) {
            P(" <small>(");
            E(rec->status_date);
            P(")</small>");
        }
        P("</td></tr>\n");
    }
    P("</tbody>\n</table>\n</section>\n");
}

/* ---------------------------------------------------------------- the page */

int report_html(const struct report *r, FILE *out, struct cc_error *err)
{
    struct html hh = { .out = out, .r = r, .from = 1, .to = 0, .qmin = 1, .qmax = 0 };
    struct html *h = &hh;
    size_t cap = 0;

    /* Bodies, in one order for every chart: each keeps its colour and pattern. */
    for (size_t i = 0; i < r->nledger; i++)
        add_body(h, r->ledger[i].body, &cap);
    for (size_t i = 0; i < r->nburden; i++)
        add_body(h, r->burden[i].body, &cap);
    for (size_t i = 0; i < r->nassessments; i++)
        add_body(h, r->assessments[i].body, &cap);
    for (size_t i = 0; i < r->nmatrix; i++)
        for (size_t k = 0; k < r->matrix[i].nbodies; k++)
            add_body(h, r->matrix[i].bodies[k], &cap);
    for (size_t i = 0; i < r->nflags; i++)
        for (size_t k = 0; k < r->flags[i].nbodies; k++)
            add_body(h, r->flags[i].body_list[k], &cap);
    for (size_t i = 0; i < r->nrecommendations; i++)
        add_body(h, r->recommendations[i].body, &cap);
    if (h->nbodies > 1)
        qsort(h->bodies, h->nbodies, sizeof *h->bodies, cmp_str);

    h->by_id = xcalloc(r->nassessments + 1, sizeof *h->by_id);
    for (size_t i = 0; i < r->nassessments; i++)
        h->by_id[i] = i;
    sort_r = r;
    if (r->nassessments > 1)
        qsort(h->by_id, r->nassessments, sizeof *h->by_id, cmp_assessment_id);

    /* One time axis for every timeline, so units can be compared; the same for quarters. */
    for (size_t i = 0; i < r->nledger; i++) {
        int32_t s = day_of(r->ledger[i].start, INT32_MIN), e = day_of(r->ledger[i].end, s);
        if (s == INT32_MIN)
            continue;
        if (h->from > h->to || s < h->from)
            h->from = s;
        if (h->from > h->to || e > h->to)
            h->to = e < s ? s : e;
    }
    for (size_t i = 0; i < r->nflags; i++) {
        const struct report_flag *f = &r->flags[i];
        const char *ps = f->period_start ? f->period_start : f->period_end;
        int32_t s = day_of(ps, INT32_MIN);
        /* Only where a flag starts: a period running on to today would squeeze the events. */
        if (s == INT32_MIN || f->unit >= r->nunits)
            continue;
        if (h->from > h->to || s < h->from)
            h->from = s;
        if (h->from > h->to || s > h->to)
            h->to = s;
    }
    /* With a window, the axis is no wider than the window: what runs past it is cut. */
    if (h->from <= h->to) {
        int32_t since = day_of(r->scope.since, INT32_MIN), until = day_of(r->scope.until, INT32_MAX);
        if (since != INT32_MIN && since > h->from && since <= h->to)
            h->from = since;
        if (until != INT32_MAX && until < h->to && until >= h->from)
            h->to = until;
    }
    for (size_t i = 0; i < r->nburden; i++) {
        int q = quarter_num(r->burden[i].quarter);
        if (q < 0)
            continue;
        if (h->qmin > h->qmax || q < h->qmin)
            h->qmin = q;
        if (h->qmin > h->qmax || q > h->qmax)
            h->qmax = q;
    }

    errno = 0;
    write_head(h);
    write_header(h);
    write_units(h);
    write_flags_table(h);
    write_flag_details(h);
    write_recommendations(h);
    P("</main>\n<footer>\n<p>Made by Concord " CONCORD_VERSION " at ");
    E(r->generated_at);
    P(" from the store it was given; the charts are drawn by Concord and the page fetches nothing. "
      "Staff hours marked as estimated come from the cost model "
      "(see the project's docs/reconcile.md). Bands: 1 inadequate, 2 requires improvement, 3 good, "
      "4 outstanding.</p>\n</footer>\n<script>\n");
    P(script);
    P("</script>\n</body>\n</html>\n");

    free(h->bodies);
    free(h->by_id);
    if (fflush(out) != 0 || ferror(out))
        return cc_fail(err, CC_EIO, "cannot write the HTML report: %s",
                       errno ? strerror(errno) : "write error");
    return CC_OK;
}
