# SPDX-License-Identifier: MIT
# End-to-end: malformed input files. Each must be rejected with exit 65 and
# one exact message, "concord: PLUGIN:PATH:ROW: FIELD: reason", followed by
# the "was not imported" line, and must leave the database byte-identical.
# The files are in tests/data/malformed/; the test plugins t-claims (one
# emitter call per CSV row, columns = fields), t-json and t-partial read them.
# Usage: sh tests/e2e/malformed.sh BINARY SOURCE_ROOT   (prints TAP)
. "$2/tests/e2e/lib.sh"

# bad FILE PLUGIN "ROW: message" [what it checks]
bad() {
    _f=$MALFORMED/$1
    if [ ! -f "$_f" ]; then
        _tap_result 1 "$1: the test file exists"
        return
    fi
    exits 65 "$1: rejected (exit 65)" "$BIN" --db "$DB" import --plugin-dir "$PLUGINS" --plugin "$2" "$_f"
    is "$err" "concord: $2:$_f:$3
concord: $_f was not imported; the database is unchanged by it" "$1: ${4:-the exact message}"
    is "$out" "" "$1: nothing on stdout"
    same_db "$SCRATCH/base.sql" "$1: the database is unchanged"
}

fresh_db
exits 0 "a good file first, so that there is something to keep" \
    concord import "$DATA/audit-v1.csv"
dump_db "$SCRATCH/base.sql"

# ---------------------------------------------------------------- CSV structure

bad csv-unterminated-quote.csv t-claims \
    "3: field 4 (unit): unterminated quoted field at end of file (quote opened on line 3)"
bad csv-junk-after-quote.csv t-claims \
    "3: field 2 (key): unexpected character 'x' after closing quote (a quote inside a quoted field must be doubled)"
bad csv-invalid-utf8.csv t-claims "3: field 4 (unit): invalid UTF-8 (byte 0xE9 at offset 3) (saved by Excel? a plugin can read it with encoding = \"windows-1252\")" \
    "invalid UTF-8 names the row and the field"
bad csv-nul-byte.csv t-claims "3: field 2 (key): NUL byte at offset 2 (is the file UTF-16?)"
bad csv-too-many-fields.csv t-claims "3: 7 fields, but the header has 6 (a missing separator, or an unquoted comma inside a value?)"
bad csv-too-few-fields.csv t-claims "3: 5 fields, but the header has 6 (a missing separator, or an unquoted comma inside a value?)"
bad csv-duplicate-header.csv t-claims "1: field 5: duplicate column name 'key'"
bad csv-empty-header-name.csv t-claims "1: field 4: empty column name in the header"
bad csv-empty.csv t-claims "1: the file is empty: no header row"

# ---------------------------------------------------------------- values

bad date-impossible.csv t-claims "3: started: '2019-02-30' is not a real date"
bad date-two-digit-year.csv t-claims "3: started: '03/06/19' is ambiguous: use a four-digit year"
bad ended-before-started.csv t-claims "3: ended: 2021-07-05 is before started (2021-07-09)"
bad published-before-ended.csv t-claims "2: published: 2021-07-01 is before ended (2021-07-09)"
bad missing-required-date.csv t-claims "2: started: required"
bad unknown-kind.csv t-claims \
    "3: kind: 'VISIT' is not one of INSPECTION, THEMATIC, AUDIT, CONTRACT_RETURN, QA_AUDIT, SHADOW_INSPECTION, MO_CHECK, ROSH_AUDIT"
bad unknown-strand.csv t-claims "3: strand: 'SAFETY' is not one of ENGAGE, DESIST, SAFE"
bad malformed-crn.csv t-claims \
    "3: case: not a CRN (expected a capital letter and six digits; value withheld)"
unlike "$err" "*AB12345*" "malformed-crn.csv: the mistyped CRN itself is not in the message"
is "$(grep -c AB12345 "$MALFORMED/malformed-crn.csv")" 1 "malformed-crn.csv: (the file does hold it)"
bad sufficient-gt-applicable.csv t-claims "3: cases_sufficient: 5 is more than cases_applicable (3)"
bad count-not-whole.csv t-claims "3: cases_applicable: must be a whole number >= 0, got 4.5"
bad value-not-a-number.csv t-claims "3: value: '62%' is not a number"
bad target-without-value.csv t-claims "3: target: given without a value"
bad assessment-without-judgement.csv t-claims \
    "3: rating: an assessment needs a rating, a value or case counts"
bad period-bad-quarter.csv t-claims "3: period: '2019/20 Q5' is not a quarter"
bad unknown-event.csv t-claims "3: event: no event with key 'E9' was emitted before this record"
bad unknown-unit.csv t-claims \
    "3: unit: 'Atlantis PDU' is not in the unit register (use a code such as N54SOT or a registered name; see 'concord units')"
bad unknown-field.csv t-claims "3: ratng: unknown field for out:assessment" \
    "a misspelt field name is refused, not ignored"
bad duplicate-key.csv t-claims "4: key: 'A1' was already used by an assessment at row 3 (keys must be unique in a file)"
bad rec-framework-without-code.csv t-claims "3: code: framework and code go together"
bad scope-declared-twice.csv t-claims "3: scope: declared twice for one source"

# ---------------------------------------------------------------- every row accounted for

bad row-not-accounted.csv t-claims \
    "3: the plugin neither emitted a record for this row nor skipped it (call out:skip(reason) for rows it ignores)" \
    "a row in the middle that was neither emitted nor skipped"
bad row-not-accounted-last.csv t-claims \
    "3: the plugin neither emitted a record for this row nor skipped it (call out:skip(reason) for rows it ignores)" \
    "the last row, neither emitted nor skipped"
# t-partial returns from parse() on row 3 without accounting for it.
bad partial-stop.csv t-partial \
    "3: the plugin neither emitted a record for this row nor skipped it (call out:skip(reason) for rows it ignores)" \
    "a plugin that returns on an unaccounted row: the row is named once"
# t-partial skips row 3 and returns, never reading rows 4 and 5.
bad partial-break.csv t-partial \
    "3: the plugin stopped reading before the end of the file: the rows after this one were not imported (read to the end and out:skip what you leave out)" \
    "rows the plugin never read are not dropped silently"
fresh_db
concord import "$DATA/audit-v1.csv" >/dev/null
dump_db "$SCRATCH/base.sql"

# ---------------------------------------------------------------- JSON

bad json-invalid.json t-json "3: column 32: invalid JSON: string or '}' expected near ','" \
    "invalid JSON names line and column"
bad json-duplicate-key.json t-json "3: column 36: invalid JSON: duplicate object key near '\"id\"'"
bad json-truncated.json t-json "4: column 0: invalid JSON: '}' expected near end of file"
bad json-trailing-garbage.json t-json "2: column 1: invalid JSON: end of file expected near '{'"
bad json-empty.json t-json " the file is empty: no JSON document"

# Every file in tests/data/malformed/ is used above.
for f in "$MALFORMED"/*; do
    n=$(basename "$f")
    grep -q "^bad $n \|\"\$MALFORMED/$n\"" "$0" || _tap_result 1 "$n is tested"
done
is "$(ls "$MALFORMED" | wc -l | tr -d ' ')" 38 "38 malformed files"

done_testing
