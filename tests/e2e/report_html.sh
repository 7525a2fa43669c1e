# SPDX-License-Identifier: MIT
# concord report --format html on the example data: one self-contained page (nothing
# fetched, nothing linked), the same bytes every time, every chart with the right number
# of marks and a text equivalent, every string escaped, no case reference; then the page
# in a real browser (headless Chromium, installed by scripts/install-browser): no request,
# no console error, the flags table filters and sorts, and a screenshot kept in
# BUILD/test-artifacts/report.png. Without Chromium the browser checks are skipped.
. "$2/tests/e2e/lib.sh"

EX=$SCRATCH/examples
cp -R "$SRC/examples" "$EX"
SOURCE_DATE_EPOCH=1767225600   # 2026-01-01: the stalled-recommendation rule counts days to "today"
export SOURCE_DATE_EPOCH
ARTIFACTS=$(cd "$(dirname "$BIN")" && pwd)/test-artifacts
PAGE=$SCRATCH/report.html

exits 0 "concord run on the examples" "$BIN" --db "$DB" run "$EX"
exits 0 "report --format html -o FILE" concord report --format html -o "$PAGE"
is "$err" "" "nothing on stderr"
ok "the page is not empty" test -s "$PAGE"
exits 0 "report --format html to standard output" concord report --format html
ok "standard output and -o FILE give the same page" cmp -s "$OUT" "$PAGE"

# ---------------------------------------------------------------- the same bytes
concord report --format html -o "$SCRATCH/again.html"
ok "the same database gives the same bytes" cmp -s "$PAGE" "$SCRATCH/again.html"
SOURCE_DATE_EPOCH=1767312000 "$BIN" --db "$DB" report --format html -o "$SCRATCH/later.html"
is "$(diff "$PAGE" "$SCRATCH/later.html" | grep '^[<>]' | grep -vc '2026-01-0[12]T00:00:00Z')" "0" \
    "another SOURCE_DATE_EPOCH changes only the generation time"
like "$(cat "$PAGE")" "*Generated 2026-01-01T00:00:00Z*" "the generation time is SOURCE_DATE_EPOCH's"

# ---------------------------------------------------------------- self-contained
count() { # PATTERN (extended regex, occurrences in the page)
    grep -oE -- "$1" "$PAGE" | wc -l | tr -d ' '
}
is "$(count '<script')" "1" "one inline script"
is "$(count '<script[^>]*src')" "0" "no <script src>"
is "$(count '<link')" "0" "no <link>"
is "$(count ' (src|srcset|action|poster|data)=')" "0" "no src, srcset, action, poster or data attribute"
is "$(count '[Hh][Tt][Tt][Pp][Ss]?:')" "0" "no http: or https: anywhere in the page"
is "$(count 'url\([^#]')" "0" "every url() names a fragment of the page itself"
is "$(count '@import')" "0" "no @import"
is "$(count "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'")" "1" \
    "a Content-Security-Policy forbids fetching anything"
is "$(count '@media print')" "1" "a print stylesheet"

# ---------------------------------------------------------------- marks against the store
q() { sql "$1"; }
is "$(count '<rect class="event"')" "$(q "SELECT count(*) FROM events WHERE retired_by IS NULL")" \
    "one event bar per event"
for body in $(q "SELECT DISTINCT body FROM events WHERE retired_by IS NULL ORDER BY body"); do
    is "$(count "<rect class=\"event\" data-body=\"$body\"")" \
        "$(q "SELECT count(*) FROM events WHERE retired_by IS NULL AND body = '$body'")" \
        "$body: one bar per event in its own lane"
done
is "$(count '<svg id="u[0-9]+-timeline"')" \
    "$(q "SELECT count(DISTINCT unit_id) FROM events WHERE retired_by IS NULL")" \
    "one timeline per unit with events"
NFLAGS=$(q "SELECT count(*) FROM flags WHERE status != 'resolved'")
is "$(count '<tr id="row-')" "$NFLAGS" "one table row per flag"
is "$(count '<article class="flag ')" "$NFLAGS" "one side-by-side block per flag"
NMARKED=$(q "SELECT count(*) FROM flags WHERE status != 'resolved' AND unit_id IS NOT NULL
              AND coalesce(period_start, period_end) IS NOT NULL")
is "$(grep -oE '<g class="flag" data-count="[0-9]+"' "$PAGE" | sed 's/.*="\([0-9]*\)"/\1/' |
      awk '{ n += $1 } END { print n + 0 }')" "$NMARKED" \
    "every flag with a unit and a period is marked on its unit's timeline"
is "$(grep -oE '<rect class="burden-events"[^>]* data-value="[0-9.]+"' "$PAGE" |
      sed 's/.*data-value="\([0-9.]*\)"/\1/' | awk '{ n += $1 } END { print n + 0 }')" \
    "$(q "SELECT count(*) FROM events WHERE retired_by IS NULL")" \
    "the burden bars add up to every event"
is "$(grep -oE '<rect class="burden-hours"[^>]* data-value="[0-9.]+"' "$PAGE" |
      sed 's/.*data-value="\([0-9.]*\)"/\1/' | awk '{ n += $1 } END { printf "%.0f\n", n }')" \
    "$(concord report --format json | python3 -c '
import json, sys
print("%.0f" % sum(e["hours"] for e in json.load(sys.stdin)["ledger"]))')" \
    "the staff-hours bars add up to the ledger's hours"

# The matrices against the JSON report of the same database.
concord report --format json >"$SCRATCH/report.json"
mx() { # EXPR over the list of matrices m
    python3 -c "
import json, sys
m = json.load(open(sys.argv[1]))['matrix']
cells = [c for x in m for a in x['areas'] for c in a['cells']]
print($1)" "$SCRATCH/report.json"
}
is "$(count '<svg id="u[0-9]+-matrix"')" "$(mx 'len(m)')" "one judgement matrix per unit that has one"
is "$(count '<rect class="cell')" "$(mx 'len(cells)')" "one cell per area and body"
is "$(count '<rect class="cell[^"]*" data-band="[1-4]"')" "$(mx 'sum(1 for c in cells if c)')" \
    "a banded cell for each latest view"
for band in 1 2 3 4; do
    is "$(count "<rect class=\"cell[^\"]*\" data-band=\"$band\"")" \
        "$(mx "sum(1 for c in cells if c and c['band'] == $band)")" "cells at band $band"
done
is "$(count '<rect class="cell[^"]*contradiction')" \
    "$(mx "sum(1 for c in cells if c and c['contradiction'])")" "contradictions outlined"
is "$(count '<rect class="cell[^"]*divergence')" \
    "$(mx "sum(1 for c in cells if c and c['divergence'])")" "divergences outlined"
ok "some cells are outlined in the example data" test "$(count 'class="outline-contradiction"')" -gt 1

# ---------------------------------------------------------------- text equivalents, XML
svgcheck() { # PAGE: every chart parses as XML and has its title, desc and a table after it
    python3 - "$1" <<'EOF'
import re, sys
import xml.etree.ElementTree as ET
page = open(sys.argv[1], encoding='utf-8').read()
bad = []
charts = re.findall(r'<svg id="([^"]+)" class="chart[^"]*"', page)
for m in re.finditer(r'<svg\b.*?</svg>', page, re.S):
    try:
        root = ET.fromstring(m.group(0))
    except ET.ParseError as e:
        bad.append('not XML: %s at %s' % (e, m.group(0)[:80]))
        continue
    if 'chart' not in root.get('class', ''):
        continue
    i = root.get('id')
    t, d = root.find('title'), root.find('desc')
    if root.get('role') != 'img' or root.get('aria-labelledby') != i + '-t ' + i + '-d':
        bad.append(i + ': no role or labels')
    if t is None or t.get('id') != i + '-t' or not (t.text or '').strip():
        bad.append(i + ': no title')
    if d is None or d.get('id') != i + '-d' or not (d.text or '').strip():
        bad.append(i + ': no desc')
    rest = page[m.end():]
    if not re.match(r'\s*(<figcaption>.*?</figcaption>\s*</figure>\s*)(<figure>.*?</figure>\s*)*'
                    r'(</div>\s*)?<details><summary>[^<]+</summary>\s*<table>', rest, re.S):
        bad.append(i + ': no table of the same numbers after it')
print(len(charts))
for b in bad:
    print(b)
EOF
}
svgcheck "$PAGE" >"$SCRATCH/svgcheck"
ok "the page has charts" test "$(head -1 "$SCRATCH/svgcheck")" -gt 10
is "$(sed 1d "$SCRATCH/svgcheck")" "" "every SVG is well-formed XML; every chart has a title, a desc and a table"
is "$(count '<title[ >]')" "$(count '</title>')" "titles are closed"

# ---------------------------------------------------------------- no case reference
is "$(grep -oE '\b[A-Z][0-9]{6}\b' "$PAGE" | head -3)" "" "no CRN-like case reference"
q "SELECT DISTINCT case_ref FROM case_answers
   UNION SELECT DISTINCT substr(case_ref, 1, 10) FROM case_answers" \
    >"$SCRATCH/pseudonyms"
ok "the examples have case pseudonyms to look for" test -s "$SCRATCH/pseudonyms"
is "$(grep -oFf "$SCRATCH/pseudonyms" "$PAGE" | head -3)" "" "no case pseudonym, whole or shortened"
for crn in $(cut -d, -f8 "$EX"/osag/*.csv | grep -E '^[A-Z][0-9]{6}$' | sort -u | head -50); do
    if grep -qF "$crn" "$PAGE"; then
        echo "# $crn is in the page"
        leak=yes
    fi
done
is "${leak:-no}" "no" "none of the exports' CRNs"

# ---------------------------------------------------------------- escaping
cp "$DB" "$SCRATCH/evil.db"
[ ! -f "$DB.key" ] || cp "$DB.key" "$SCRATCH/evil.db.key"
EVIL='<script>alert(1)</script>"'"'"'&amp;]]></svg></text>'
sqlite3 "$SCRATCH/evil.db" "
  UPDATE units SET name = name || '$(printf '%s' "$EVIL" | sed "s/'/''/g")' WHERE code = 'N54CLE';
  UPDATE areas SET label = '$(printf '%s' "$EVIL" | sed "s/'/''/g")' WHERE code = 'CS.ASSESS';
  UPDATE events SET reference = reference || '$(printf '%s' "$EVIL" | sed "s/'/''/g")'
   WHERE body = 'HMIP';
  UPDATE recommendations SET text = 'ctl' || char(1) || char(27) || ' bad ' || CAST(X'FF' AS TEXT)
   || ' $(printf '%s' "$EVIL" | sed "s/'/''/g")';
  UPDATE flags SET explanation = explanation || ' $(printf '%s' "$EVIL" | sed "s/'/''/g")';"
EVILPAGE=$SCRATCH/evil.html
exits 0 "the page with markup in every kind of string" \
    "$BIN" --db "$SCRATCH/evil.db" report --format html -o "$EVILPAGE"
is "$(grep -c '<script>alert' "$EVILPAGE")" "0" "no raw markup from the store"
ok "the strings are there, escaped" grep -q '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;amp;]]&gt;&lt;/svg&gt;' "$EVILPAGE"
is "$(grep -o '<script' "$EVILPAGE" | wc -l | tr -d ' ')" "1" "still one script"
svgcheck "$EVILPAGE" >"$SCRATCH/svgcheck"
is "$(sed 1d "$SCRATCH/svgcheck")" "" "every SVG is still well-formed XML"
is "$(LC_ALL=C grep -c "$(printf '[\001\033]')" "$EVILPAGE")" "0" "control characters are dropped"
ok "a byte that is not UTF-8 becomes U+FFFD" grep -q "$(printf 'bad \357\277\275')" "$EVILPAGE"
ok "the page is valid UTF-8" python3 -c "open('$EVILPAGE', encoding='utf-8', errors='strict').read()"

# ---------------------------------------------------------------- other scopes
"$BIN" --db "$SCRATCH/empty.db" init >/dev/null
exits 0 "an empty database gives a page" "$BIN" --db "$SCRATCH/empty.db" report --format html
like "$out" "*Nothing is held for this scope yet*No flags in this scope*" "which says there is nothing yet"
exits 0 "a unit without flags" concord report --format html --unit N54NOT -o "$SCRATCH/n54not.html"
is "$(grep -c '<svg id="u[0-9]*-timeline"' "$SCRATCH/n54not.html")" "1" "has its one timeline"
like "$(cat "$SCRATCH/n54not.html")" "*No flags on this unit.*No flags in this scope*" "and says it has no flags"
exits 0 "a window" concord report --format html --since 2022-06-01 --until 2022-09-30 -o "$SCRATCH/w.html"
is "$(grep -c '<rect class="event"' "$SCRATCH/w.html")" \
    "$(q "SELECT count(*) FROM events WHERE retired_by IS NULL AND started <= '2022-09-30'
          AND ended >= '2022-06-01'")" "has the events that overlap it"
svgcheck "$SCRATCH/w.html" >"$SCRATCH/svgcheck"
is "$(sed 1d "$SCRATCH/svgcheck")" "" "and well-formed charts"

# ---------------------------------------------------------------- in a browser
# The browser checks, by name: printed as skips when there is no browser.
BROWSER_CHECKS="the page loads in headless Chromium
it asks for nothing over the network
no console error or uncaught exception
a screenshot is kept in test-artifacts/report.png
the browser draws one bar per event
the browser sees every flag marked on a timeline
every chart is labelled and has its table
every mark has a title
the page's script ran: the filters are shown
filtering by kind shows the contradictions
filtering by severity shows the high flags
filtering by unit shows its flags
filtering by words
clearing the filters shows every flag
sorting by number, descending, then back
sorting by severity keeps the table's order among equals
the page with markup in its strings: no request, no error
the page with markup in its strings: no script of the store's runs"
if ! "$SRC/scripts/install-browser" >"$SCRATCH/install.log" 2>&1 || ! command -v chromium >/dev/null; then
    diag "$(cat "$SCRATCH/install.log")"
    printf '%s\n' "$BROWSER_CHECKS" >"$SCRATCH/checks"
    while IFS= read -r c; do
        skip "$c" "no chromium"
    done <"$SCRATCH/checks"
    done_testing
fi

mkdir -p "$ARTIFACTS"
SHOT=$ARTIFACTS/report.png
rm -f "$SHOT"
python3 "$SRC/tests/e2e/browser.py" chromium "$PAGE" "$SHOT" >"$SCRATCH/browser.out" 2>"$SCRATCH/browser.err"
brc=$?
is "$brc" "0" "the page loads in headless Chromium" || diag "$(cat "$SCRATCH/browser.err")"
is "$(grep '^request ' "$SCRATCH/browser.out")" "" "it asks for nothing over the network"
is "$(grep -E '^(console|exception) ' "$SCRATCH/browser.out")" "" "no console error or uncaught exception"
ok "a screenshot is kept in test-artifacts/report.png" test -s "$SHOT"
probe() { # KEY: a value the probe counted in the page
    sed -n 's/^probe //p' "$SCRATCH/browser.out" |
        python3 -c 'import json, sys; v = json.load(sys.stdin)[sys.argv[1]]; print(json.dumps(v, sort_keys=True) if isinstance(v, (dict, bool)) else v)' "$1" 2>/dev/null
}
is "$(probe events)" "$(q "SELECT '{' || group_concat('\"' || body || '\": ' || n, ', ') || '}'
                          FROM (SELECT body, count(*) AS n FROM events WHERE retired_by IS NULL
                                GROUP BY body ORDER BY body)")" "the browser draws one bar per event"
is "$(probe flag_marked)" "$NMARKED" "the browser sees every flag marked on a timeline"
is "$(probe charts_unlabelled) $(probe charts_without_table)" "0 0" "every chart is labelled and has its table"
is "$(probe marks_without_title)" "0" "every mark has a title"
is "$(probe filters_shown) $(probe flag_count_text)" "true $NFLAGS of $NFLAGS flags shown" \
    "the page's script ran: the filters are shown"
is "$(probe filtered_contradiction)" \
    "$(q "SELECT count(*) FROM flags WHERE status != 'resolved' AND kind = 'CONTRADICTION'")" \
    "filtering by kind shows the contradictions"
is "$(probe filtered_high)" \
    "$(q "SELECT count(*) FROM flags WHERE status != 'resolved' AND severity = 'high'")" \
    "filtering by severity shows the high flags"
is "$(probe filtered_unit)" \
    "$(q "SELECT count(*) FROM flags f JOIN units u ON u.id = f.unit_id
          WHERE f.status != 'resolved' AND u.code = 'N54CLE'")" "filtering by unit shows its flags"
is "$(probe filtered_words)" \
    "$(q "SELECT count(*) FROM flags f LEFT JOIN units u ON u.id = f.unit_id
          WHERE f.status != 'resolved' AND (u.name LIKE '%Sunderland%' OR f.explanation LIKE '%Sunderland%')")" \
    "filtering by words"
is "$(probe unfiltered)" "$NFLAGS" "clearing the filters shows every flag"
is "$(probe sorted_first) $(probe sorted_aria) $(probe sorted_back)" "$NFLAGS descending 1" \
    "sorting by number, descending, then back"
is "$(probe sorted_severity) $(probe sorted_severity_desc)" "true true" \
    "sorting by severity keeps the table's order among equals"

python3 "$SRC/tests/e2e/browser.py" chromium "$EVILPAGE" "$SCRATCH/evil.png" >"$SCRATCH/browser.out" 2>"$SCRATCH/browser.err"
brc=$?
is "$brc:$(grep -E '^(request|console|exception) ' "$SCRATCH/browser.out")" "0:" \
    "the page with markup in its strings: no request, no error"
is "$(probe scripts)" "1" "the page with markup in its strings: no script of the store's runs"

done_testing
