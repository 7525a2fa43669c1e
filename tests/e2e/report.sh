# SPDX-License-Identifier: MIT
# concord report on the example data: golden files for text, md, json and csv (with a
# fixed generation time and case key), determinism, --unit scoping (a region and a PDU),
# --since/--until, colour and NO_COLOR, errors (unknown unit, missing output folder,
# bad options), the JSON parses, the CSV tables have their columns, no case reference
# or pseudonym in any output.
#
# To bless new golden files after an intended change:
#     CONCORD_UPDATE_GOLDEN=1 sh tests/e2e/report.sh build/concord .
. "$2/tests/e2e/lib.sh"

GOLDEN=$SRC/tests/golden
EX=$SCRATCH/examples
cp -R "$SRC/examples" "$EX"
rm -f "$EX/concord.lua"
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
cd "$SCRATCH" || exit 1   # no ./concord.lua of the caller's
SOURCE_DATE_EPOCH=1767225600   # 2026-01-01: fixes "today" for the rules and the report time
export SOURCE_DATE_EPOCH
unset NO_COLOR
rc() { "$BIN" --db "$DB" "$@"; }

# A fixed case key: pseudonyms, and the fingerprints of duplicate-case flags, are then the
# same in every run of this test.
printf '%s\n' 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef >"$DB.key"
chmod 600 "$DB.key"
exits 0 "concord run on the examples" rc run "$EX"
fp=$(sql "SELECT fingerprint FROM flags f JOIN units u ON u.id = f.unit_id
          WHERE u.code = 'N54SUND' AND f.kind = 'DUPLICATE_RECOMMENDATION'")
exits 0 "a person acknowledges a flag (the report shows the decision)" \
    rc ack "$fp" --reason "Both bodies agreed one action plan" --by "A. Tester"

# golden NAME CMD...: CMD's stdout is the golden file tests/golden/NAME
golden() {
    _name=$1
    shift
    "$@" >"$SCRATCH/golden.out" 2>"$SCRATCH/golden.err"
    _rc=$?
    if [ -n "${CONCORD_UPDATE_GOLDEN:-}" ] && [ "$_rc" -eq 0 ]; then
        mkdir -p "$GOLDEN"
        cp "$SCRATCH/golden.out" "$GOLDEN/$_name"
    fi
    if [ "$_rc" -eq 0 ] && cmp -s "$GOLDEN/$_name" "$SCRATCH/golden.out"; then
        _tap_result 0 "golden $_name"
    else
        _tap_result 1 "golden $_name"
        diag "  exit status $_rc: $*"
        sed 's/^/#   /' "$SCRATCH/golden.err" | head -5
        diff "$GOLDEN/$_name" "$SCRATCH/golden.out" 2>&1 | head -20 | sed 's/^/#   /'
    fi
}

# ---------------------------------------------------------------- golden files
golden report.txt rc report
golden report-N54SUND.md rc report --format md --unit N54SUND
golden report-N54SUND.json rc report --format json --unit N54SUND
mkdir "$SCRATCH/csv"
exits 0 "csv tables into a folder" rc report --format csv --unit N54SUND -o "$SCRATCH/csv"
for t in flags ledger assessments recommendations burden matrix; do
    golden "report-N54SUND-$t.csv" cat "$SCRATCH/csv/report-$t.csv"
done
is "$(ls "$SCRATCH/csv" | tr '\n' ' ')" \
    "report-assessments.csv report-burden.csv report-flags.csv report-ledger.csv report-matrix.csv report-recommendations.csv " \
    "one file per table, and nothing else (no temporary files left)"

# ---------------------------------------------------------------- determinism
rc report --format json >"$SCRATCH/a.json"
rc report --format json >"$SCRATCH/b.json"
ok "the same database and options give the same bytes" cmp -s "$SCRATCH/a.json" "$SCRATCH/b.json"
SOURCE_DATE_EPOCH=1767312000 rc report --format json >"$SCRATCH/c.json"
is "$(diff "$SCRATCH/a.json" "$SCRATCH/c.json" | grep -c '^[<>]')" "2" \
    "another generation time changes only the generated_at line"
like "$(grep generated_at "$SCRATCH/c.json")" '*"2026-01-02T00:00:00Z"*' \
    "SOURCE_DATE_EPOCH fixes the generation time"
ok "the JSON parses" python3 -m json.tool "$SCRATCH/a.json" /dev/null
is "$(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))))' "$SCRATCH/a.json")" \
    "report_format generated_at scope units ledger assessments flags recommendations burden matrix areas" \
    "the document's keys, in order"
is "$(rc report --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["flags"]))')" \
    "$(rc flags --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" \
    "the report has every flag 'concord flags' lists"
rc flags --format json >"$SCRATCH/f.json"
is "$(python3 -c '
import json, sys
r = {f["fingerprint"]: f for f in json.load(open(sys.argv[1]))["flags"]}
out = []
for f in json.load(open(sys.argv[2])):
    g = r[f["fingerprint"]]
    diff = [k for k in f if k != "explanation" and f[k] != g[k]]
    out += diff
print(",".join(sorted(set(out))) or "same")' "$SCRATCH/a.json" "$SCRATCH/f.json")" \
    "same" "each flag carries what 'concord flags --format json' says of it, decision included"

# ---------------------------------------------------------------- privacy
refs=$(sql "SELECT DISTINCT substr(case_ref, 1, 10) FROM case_answers")
ok "the examples have case pseudonyms to look for" test -n "$refs"
leaks=0
for f in "$SCRATCH/a.json" "$GOLDEN/report.txt" "$SCRATCH"/csv/*.csv; do
    for r in $refs; do
        if grep -q "$r" "$f"; then leaks=$((leaks + 1)); fi
    done
done
is "$leaks" "0" "no case pseudonym in any output"
like "$(grep -c 'pseudonym withheld' "$SCRATCH/a.json")" "[1-9]*" \
    "explanations that quoted a pseudonym say 'withheld'"
is "$(grep -c 'Z[0-9][0-9][0-9][0-9][0-9][0-9]' "$SCRATCH/a.json")" "0" "no case reference (CRN)"

# ---------------------------------------------------------------- scope: --unit
units_of() { python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join(sorted({x["unit"] for k in ("ledger", "flags", "assessments", "recommendations") for x in d[k]})))'; }
is "$(rc report --format json --unit N54 | units_of)" \
    "N54CLE N54NOT N54NUTY N54SOT N54STHA N54SUND" "--unit N54: the region's PDUs"
is "$(rc report --format json --unit N54 | python3 -c 'import json,sys; print(" ".join(u["code"] for u in json.load(sys.stdin)["units"]))')" \
    "N54 N54CLE N54NOT N54NUTY N54SOT N54STHA N54SUND" "the region first, then its PDUs by code"
is "$(rc report --format json --unit N54CLE | units_of)" "N54CLE" "--unit N54CLE: that PDU alone"
is "$(rc report --format json --unit n54cle | units_of)" "N54CLE" "a unit code in any case"
exits 0 "--unit N54CLE as text" rc report --unit N54CLE
like "$out" "Concord report: N54CLE Redcar, Cleveland and Middlesbrough and the units below it*" \
    "the header names the scope"
unlike "$out" "*N54SUND*" "and nothing of another PDU"
n_cle=$(rc report --format csv --table flags --unit N54CLE | tail -n +2 | grep -c '^[0-9a-f]\{32\},')
is "$n_cle" "$(sql "SELECT count(*) FROM flags f JOIN units u ON u.id = f.unit_id
                    WHERE u.code = 'N54CLE' AND f.status != 'resolved'")" \
    "--unit N54CLE has the PDU's flags"
exits 64 "an unknown unit is refused" rc report --unit NOPE
like "$err" "*no unit has the code 'NOPE'*" "with a message naming it"
is "$out" "" "and no report"

# ---------------------------------------------------------------- scope: dates
in_window() { python3 -c '
import json, sys
d = json.load(sys.stdin); s, u = sys.argv[1], sys.argv[2]
bad = [e for e in d["ledger"] if e["end"] < s or e["start"] > u]
bad += [f for f in d["flags"] if f["period"]["end"] < s or f["period"]["start"] > u]
bad += [a for a in d["assessments"] if a["period"]["end"] < s or a["period"]["start"] > u]
print(len(d["ledger"]) > 0 and len(d["ledger"]) < 72, len(bad), d["scope"]["since"], d["scope"]["until"])' "$1" "$2"; }
is "$(rc report --format json --since 2022-04-01 --until 2022-06-30 | in_window 2022-04-01 2022-06-30)" \
    "True 0 2022-04-01 2022-06-30" "--since/--until keep what overlaps the window, and only that"
is "$(rc report --format json --since 2022 --until 'Q2 2022' | in_window 2022-01-01 2022-06-30)" \
    "True 0 2022-01-01 2022-06-30" "periods: --since takes the first day, --until the last"
is "$(rc report --format json --since 2023-01-01 | python3 -c 'import json,sys; d=json.load(sys.stdin); print(min(e["end"] for e in d["ledger"]) >= "2023-01-01")')" \
    "True" "--since alone"
exits 64 "a bad date is refused" rc report --since 2022-02-30
like "$err" "*--since 2022-02-30*not a real date*" "with a message"
exits 64 "--since after --until is refused" rc report --since 2023-01-01 --until 2022-01-01
like "$err" "*after --until*" "with a message"

# ---------------------------------------------------------------- colour
exits 0 "text to a pipe" rc report --unit N54SUND
esc=$(printf '\033')
unlike "$out" "*$esc*" "has no colour"
if command -v script >/dev/null 2>&1 && script -qc true /dev/null >/dev/null 2>&1; then
    script -qc "'$BIN' --db '$DB' report --unit N54SUND" /dev/null >"$SCRATCH/tty.out" 2>&1
    like "$(cat "$SCRATCH/tty.out")" "*$esc\[*" "text on a terminal is coloured"
    NO_COLOR=1 script -qc "'$BIN' --db '$DB' report --unit N54SUND" /dev/null >"$SCRATCH/tty.out" 2>&1
    unlike "$(cat "$SCRATCH/tty.out")" "*$esc\[*" "and not when NO_COLOR is set"
else
    skip "text on a terminal is coloured" "no script(1) to make a terminal"
    skip "and not when NO_COLOR is set" "no script(1) to make a terminal"
fi

# ---------------------------------------------------------------- outputs and errors
exits 0 "-o FILE" rc report --format md -o "$SCRATCH/r.md" --unit N54SUND
is "$out" "" "writes nothing to standard output"
ok "the file is the same as standard output" cmp -s "$SCRATCH/r.md" "$GOLDEN/report-N54SUND.md"
exits 74 "-o into a missing folder" rc report -o "$SCRATCH/missing/r.txt"
like "$err" "*cannot write $SCRATCH/missing/r.txt*" "with a message naming it"
exits 74 "csv into a missing folder" rc report --format csv -o "$SCRATCH/missing"
like "$err" "*$SCRATCH/missing: no such folder*" "with a message naming it"
exits 0 "one csv table to standard output" rc report --format csv --table ledger --unit N54SUND
ok "the same as the file of the folder" cmp -s "$OUT" "$SCRATCH/csv/report-ledger.csv"
exits 64 "an unknown table" rc report --format csv --table nope
like "$err" "*--table must be*" "is refused with the choices"
exits 64 "--table without csv" rc report --table flags
exits 64 "an unknown format" rc report --format pdf
exits 64 "xlsx needs -o" rc report --format xlsx
(cd "$SCRATCH/csv" && rm -f ./*.csv && "$BIN" --db "$DB" report --format csv --unit N54SUND)
ok "csv without -o writes into the current folder" test -f "$SCRATCH/csv/report-flags.csv"

# ---------------------------------------------------------------- csv columns
is "$(head -1 "$SCRATCH/csv/report-flags.csv" | tr -d '\r')" \
    "fingerprint,rule,kind,severity,status,decision,decided_by,decided_at,decision_reason,unit,unit_name,area,period_start,period_end,bodies,members,explanation,first_run,last_run" \
    "flags columns"
is "$(head -1 "$SCRATCH/csv/report-ledger.csv" | tr -d '\r')" \
    "id,body,kind,unit,unit_name,reference,title,start,end,published,cases,cases_basis,hours,hours_basis" \
    "ledger columns"
is "$(head -1 "$SCRATCH/csv/report-assessments.csv" | tr -d '\r')" \
    "id,event_id,unit,area,dimension,relationship,body,framework,code,question,band,band_word,rating,value,target,cases_applicable,cases_sufficient,derived,period_start,period_end,observed" \
    "assessments columns"
is "$(head -1 "$SCRATCH/csv/report-recommendations.csv" | tr -d '\r')" \
    "id,body,unit,unit_name,reference,framework,code,area,text,owner,due,status,status_date" \
    "recommendations columns"
is "$(python3 -c '
import csv, sys, glob
bad = []
for p in sorted(glob.glob(sys.argv[1] + "/*.csv")):
    with open(p, newline="") as f:
        rows = list(csv.reader(f))
    bad += [p for r in rows if len(r) != len(rows[0])]
print(len(bad))' "$SCRATCH/csv")" "0" "every row has as many fields as the header (RFC 4180 quoting)"
like "$(rc report --format csv --table flags --unit N54SUND | grep -c '"\[{""type"":""')" \
    "[1-9]*" "quotes inside a field are doubled"

done_testing
