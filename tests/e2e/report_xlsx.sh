# SPDX-License-Identifier: MIT
# concord report --format xlsx on the example data: the workbook has its sheets, frozen
# bold headers, autofilters, real date cells, wrapped explanations and set widths; it is
# the same byte for byte for the same SOURCE_DATE_EPOCH; a path it cannot write is a clear
# error (exit 74) naming it. Then LibreOffice reads it back: its Flags sheet, as CSV,
# holds the same flags as `concord flags --format csv` (fingerprints, explanations,
# decisions, members), and every other sheet is there. Without LibreOffice (and no way
# to install it: scripts/install-office) those checks are skipped.
. "$2/tests/e2e/lib.sh"

EX=$SCRATCH/examples
cp -R "$SRC/examples" "$EX"
SOURCE_DATE_EPOCH=1767225600   # 2026-01-01T00:00:00Z
export SOURCE_DATE_EPOCH
rc() { "$BIN" --db "$DB" "$@"; }
XLSX=$SCRATCH/report.xlsx

exits 0 "concord run on the examples" rc run "$EX"
fp=$(sql "SELECT fingerprint FROM flags WHERE kind = 'CONTRADICTION' ORDER BY fingerprint LIMIT 1")
exits 0 "a person acknowledges a flag" \
    rc ack "$fp" --reason "Known: the QA sample was small; reviewed at the quality board"

exits 0 "report --format xlsx -o FILE" rc report --format xlsx -o "$XLSX"
is "$out" "" "nothing on standard output"
ok "the workbook is written" test -s "$XLSX"
is "$(ls -A "$SCRATCH" | grep -c '^\.report\.xlsx\.')" "0" "no temporary file is left beside it"

# ---------------------------------------------------------------- the workbook's parts
# unzip -l where it is installed, else Python's zipfile (python3 comes with meson).
zip_list() {
    if command -v unzip >/dev/null 2>&1; then
        unzip -Z1 "$1"
    else
        python3 -c 'import sys, zipfile
print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$1"
    fi
}
zip_part() { # FILE PART
    if command -v unzip >/dev/null 2>&1; then
        unzip -p "$1" "$2"
    else
        python3 -c 'import sys, zipfile
sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())' "$1" "$2"
    fi
}

parts=$(zip_list "$XLSX")
for i in 1 2 3 4 5; do
    like "$parts" "*xl/worksheets/sheet$i.xml*" \
        "the workbook opens and lists xl/worksheets/sheet$i.xml"
done
is "$(zip_part "$XLSX" xl/workbook.xml | grep -o '<sheet name="[^"]*"' | sed 's/.*="//; s/"$//' |
      head -5 | tr '\n' '|')" \
    "Summary|Flags|Scrutiny ledger|Recommendations|Assessments|" \
    "the sheets are Summary, Flags, Scrutiny ledger, Recommendations, Assessments"

flags_xml=$(zip_part "$XLSX" xl/worksheets/sheet2.xml)
styles=$(zip_part "$XLSX" xl/styles.xml)
nflags=$(concord flags --format csv |
    python3 -c 'import csv, sys; print(sum(1 for _ in csv.reader(sys.stdin)) - 1)')
like "$flags_xml" '*<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>*' \
    "Flags: the header row is frozen"
like "$flags_xml" "*<autoFilter ref=\"A1:S$((nflags + 1))\"/>*" \
    "Flags: an autofilter over the header and all $nflags flags"
like "$flags_xml" '*<cols>*<col min="10" max="10" width="*" style="*" customWidth="1"/>*' \
    "Flags: column widths are set (the explanation's with a style)"
like "$styles" '*<b/>*' "a bold format (the header row)"
like "$styles" '*wrapText="1"*' "a wrapped-text format (explanations)"
like "$styles" '*formatCode="yyyy-mm-dd"*' "a date number format"
# Column G is "From": a number with a style, not a string (t="s") or inline text.
date_cell() { printf '%s' "$1" | grep -Eq "<c r=\"$2\" s=\"[0-9]+\"><v>[0-9]+</v>"; }
ok "Flags: dates are date cells (a day number with a date format), not text" \
    date_cell "$flags_xml" G2
summary_xml=$(zip_part "$XLSX" xl/worksheets/sheet1.xml)
like "$summary_xml" \
    '*<pane ySplit="9" topLeftCell="A10" activePane="bottomLeft" state="frozen"/>*' \
    "Summary: the header of the per-unit table is frozen"
like "$summary_xml" '*<autoFilter ref="A9:*' "Summary: an autofilter on the per-unit table"
like "$(zip_part "$XLSX" docProps/core.xml)" \
    '*<dcterms:created xsi:type="dcterms:W3CDTF">2026-01-01T00:00:00Z</dcterms:created>*' \
    "the workbook's creation time is SOURCE_DATE_EPOCH, not the clock"

# No case pseudonym anywhere: neither the stored ones nor their short forms.
if command -v unzip >/dev/null 2>&1; then
    all_xml=$(unzip -p "$XLSX")
else
    all_xml=$(python3 -c 'import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print("".join(z.read(n).decode() for n in z.namelist()))' "$XLSX")
fi
leaked=0
refs=$(sql "SELECT DISTINCT case_ref FROM case_answers LIMIT 200")
ok "the examples have case pseudonyms to look for" test -n "$refs"
for ref in $refs; do
    short=$(printf '%.10s' "$ref")
    case $all_xml in *"$short"*) leaked=$((leaked + 1)) ;; esac
done
is "$leaked" "0" "no case pseudonym (nor its first 10 digits) is in the workbook"
unlike "$all_xml" "*pseudonym [0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]*" \
    "explanations have their pseudonyms withheld"

# ---------------------------------------------------------------- reproducible
sleep 1
exits 0 "the same report again" rc report --format xlsx -o "$SCRATCH/again.xlsx"
ok "the same SOURCE_DATE_EPOCH gives the same bytes" cmp -s "$XLSX" "$SCRATCH/again.xlsx"
exits 0 "the report a day later" env SOURCE_DATE_EPOCH=1767312000 \
    "$BIN" --db "$DB" report --format xlsx -o "$SCRATCH/later.xlsx"
like "$(zip_part "$SCRATCH/later.xlsx" docProps/core.xml)" "*2026-01-02T00:00:00Z*" \
    "a later SOURCE_DATE_EPOCH is the later creation time"
exits 0 "a report replaces the file at its path" rc report --format xlsx -o "$SCRATCH/again.xlsx"
ok "(and it is the same again)" cmp -s "$XLSX" "$SCRATCH/again.xlsx"

# ---------------------------------------------------------------- errors
exits 74 "a folder that does not exist: exit 74" \
    rc report --format xlsx -o "$SCRATCH/no/such/folder/r.xlsx"
like "$err" "*cannot write $SCRATCH/no/such/folder/r.xlsx: No such file or directory*" \
    "the message names the path and says why"
mkdir "$SCRATCH/dir"
exits 74 "-o names a folder: exit 74" rc report --format xlsx -o "$SCRATCH/dir"
like "$err" "*cannot write $SCRATCH/dir: Is a directory*" "the message names the folder"
is "$(ls -A "$SCRATCH/dir" | wc -l | tr -d ' ')" "0" "nothing is left inside it"
is "$(ls -A "$SCRATCH" | grep -c '^\.dir\.')" "0" "nor beside it"
unlike "$err" "*ERROR*workbook_close*" "libxlsxwriter's own messages stay out of it"
exits 64 "xlsx without -o is a usage error" rc report --format xlsx

# ---------------------------------------------------------------- LibreOffice reads it back
CSVOPT='Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false'
if SOFFICE=$(sh "$SRC/scripts/install-office" 2>"$SCRATCH/office.err"); then
    # A fresh profile per run: soffice refuses a profile another instance is using.
    profile="file://$SCRATCH/lo-profile"
    # Sheet 2 (Flags) alone, then -1: every sheet into its own file.
    "$SOFFICE" -env:UserInstallation="$profile" --headless \
        --convert-to "csv:$CSVOPT,2" --outdir "$SCRATCH/flags" "$XLSX" >"$SCRATCH/lo.out" 2>&1
    ok "LibreOffice converts the Flags sheet to CSV" test -s "$SCRATCH/flags/report-Flags.csv" ||
        sed 's/^/#   /' "$SCRATCH/lo.out"
    "$SOFFICE" -env:UserInstallation="$profile" --headless \
        --convert-to "csv:$CSVOPT,-1" --outdir "$SCRATCH/sheets" "$XLSX" >"$SCRATCH/lo.out" 2>&1
    for s in Summary Flags "Scrutiny ledger" Recommendations Assessments; do
        ok "LibreOffice reads the sheet $s" test -s "$SCRATCH/sheets/report-$s.csv"
    done
    ok "the Flags sheet reads the same alone and with the others" \
        cmp -s "$SCRATCH/flags/report-Flags.csv" "$SCRATCH/sheets/report-Flags.csv"

    # Both sides as tab-separated lines sorted by fingerprint, the columns in one order:
    # fingerprint rule kind severity status decision unit unit_name area from to bodies
    # members explanation. The CLI's explanations get the report's redaction of case
    # pseudonyms; its members (JSON) are written as the sheet writes them.
    concord flags --format csv >"$SCRATCH/flags.csv"
    python3 - "$SCRATCH/flags.csv" "$SCRATCH/flags/report-Flags.csv" \
        "$SCRATCH/expected.tsv" "$SCRATCH/got.tsv" <<'EOF'
import csv, json, re, sys

def redact(s):
    s = re.sub(r'(?i)\b(pseudonyms?[ :]*)[0-9a-f]{6,}(?![0-9A-Za-z])', r'\1withheld', s)
    return re.sub(r'\b[0-9a-fA-F]{16,}(?![0-9A-Za-z])', 'withheld', s)

def line(cols):
    return '\t'.join(c.replace('\\', '\\\\').replace('\t', '\\t').replace('\n', '\\n')
                     for c in cols)

def rows(path):
    with open(path, newline='', encoding='utf-8') as f:
        return list(csv.DictReader(f))

cli, sheet = rows(sys.argv[1]), rows(sys.argv[2])
expected = sorted(line([r['fingerprint'], r['rule'], r['kind'], r['severity'], r['status'],
                        r['decision'], r['unit'], r['unit_name'], r['area'], r['period_start'],
                        r['period_end'], r['bodies'],
                        '; '.join(m['type'] + ' ' + m['identity']
                                  for m in json.loads(r['members'])),
                        redact(r['explanation'])]) for r in cli)
got = sorted(line([r['Fingerprint'], r['Rule'], r['Kind'], r['Severity'], r['Status'],
                   r['Decision'], r['Unit'], r['Unit name'], r['Area'], r['From'], r['To'],
                   r['Bodies'], r['Members'], r['Explanation']]) for r in sheet)
for path, lines in ((sys.argv[3], expected), (sys.argv[4], got)):
    with open(path, 'w', encoding='utf-8') as f:
        f.write(''.join(l + '\n' for l in lines))
EOF
    exp=$SCRATCH/expected.tsv
    got=$SCRATCH/got.tsv
    is "$(wc -l <"$got" | tr -d ' ')" "$nflags" "the Flags sheet has every flag ($nflags)"
    is "$(cut -f1 "$got")" "$(cut -f1 "$exp")" "the same fingerprints as concord flags"
    is "$(cut -f1,14 "$got")" "$(cut -f1,14 "$exp")" "the same explanations"
    is "$(cut -f1,10,11 "$got")" "$(cut -f1,10,11 "$exp")" \
        "the same periods (dates read back as dates)"
    is "$(cut -f1,13 "$got")" "$(cut -f1,13 "$exp")" "the same members"
    ok "the same flags, column for column" cmp -s "$got" "$exp" ||
        diff "$exp" "$got" | head -10 | sed 's/^/#   /'
    like "$(grep "^$fp" "$got" | cut -f6)" "acknowledged" "the acknowledged flag says so"
    like "$(cat "$SCRATCH/flags/report-Flags.csv")" \
        "*acknowledged,*,*Known: the QA sample was small; reviewed at the quality board*" \
        "with who decided, when and why"
    like "$(cat "$SCRATCH/sheets/report-Summary.csv")" "*Generated,2026-01-01 00:00:00,UTC*" \
        "Summary: the generation time, read back as a date and time"
    like "$(cat "$SCRATCH/sheets/report-Summary.csv")" \
        "*Unit,Unit name,Type,Scrutiny events,Assessments,Recommendations,Flags,High,Medium,Low,C*" \
        "Summary: per unit, flags by severity and kind"
    is "$(grep '^N54NOT,' "$SCRATCH/sheets/report-Summary.csv" | cut -d, -f3,7)" "PDU,0" \
        "Summary: the clean PDU is there, with no flag"
    is "$(sed -n 1p "$SCRATCH/sheets/report-Scrutiny ledger.csv" | cut -d, -f1-4)" \
        "Start,End,Published,Body" "the Scrutiny ledger starts with its dates"
    is "$(($(wc -l <"$SCRATCH/sheets/report-Scrutiny ledger.csv") - 1))" \
        "$(sql "SELECT count(*) FROM events WHERE retired_by IS NULL")" \
        "the Scrutiny ledger has every event"
else
    skip "LibreOffice reads the workbook back" \
        "no LibreOffice: $(tr '\n' ' ' <"$SCRATCH/office.err")"
fi

done_testing
