# SPDX-License-Identifier: MIT
# End-to-end: importing files and folders, versions of a source, retirement in
# scope, all-or-nothing failures, detection, and the command line itself.
# Usage: sh tests/e2e/import.sh BINARY SOURCE_ROOT   (prints TAP)
. "$2/tests/e2e/lib.sh"
# Assessments and case answers together (case-level answers have their own table).
CLAIMS="(SELECT event_id, source_id, source_row, retired_by, rating, revision, observed_at
          FROM assessments
         UNION ALL SELECT event_id, source_id, source_row, retired_by, rating, revision, observed_at
          FROM case_answers_resolved)"

strip_time() { # the seconds at the end of an "imported" line vary
    printf '%s\n' "$1" | sed 's/, [0-9]*\.[0-9][0-9] s$/, T s/'
}

# ---------------------------------------------------------------- init

exits 0 "init creates the database" "$BIN" --db "$DB" init
like "$out" "$DB: schema version [0-9]*, [0-9]* units in the register" "init reports schema and units"
is "$(sql 'PRAGMA user_version')" "$(echo "$out" | sed 's/.*schema version \([0-9]*\),.*/\1/')" \
    "init's schema version is the database's user_version"
exits 0 "init again is safe" "$BIN" --db "$DB" init

# ---------------------------------------------------------------- first import

V1=$DATA/audit-v1.csv
V2=$DATA/audit-v2.csv
V3=$DATA/audit-v3.csv

exits 0 "import a CSV audit" concord import "$V1"
is "$(strip_time "$out")" \
    "imported  $V1 with t-audit 1.0.0: 9 rows, 11 records and 5 aggregates of case answers (16 new, 0 updated, 0 unchanged), 2 rows skipped, T s" \
    "import prints what it stored"
is "$err" "" "nothing on stderr"

exits 0 "sources --format json" concord sources --format json
is "$(echo "$out" | sed -n '1p;$p' | tr '\n' ' ')" "[ ] " "sources JSON is one list"
for kv in "plugin:\"t-audit\"" "plugin_version:\"1.0.0\"" "body:\"TEST\"" \
    "source_key:\"test-audit-2021\"" "version:1" "path:\"$V1\"" "bytes:$(wc -c <"$V1" | tr -d ' ')" \
    "rows_read:9" "rows_emitted:7" "rows_skipped:2" "records:11" "records_new:16" \
    "records_updated:0" "records_unchanged:0" "records_retired:0" "superseded_by:null"; do
    is "$(source_field 1 "${kv%%:*}")" "${kv#*:}" "source 1 ${kv%%:*} is ${kv#*:}"
done
like "$out" "*\"sha256\": \"$(sha256sum "$V1" | cut -c1-64)\"*" "source 1 sha256 is the file's"
like "$out" '*"skipped_reasons": {"no answer":1,"scope declaration":1},*' "skip reasons are counted"
like "$out" '*"scope": {"key":"test-audit-2021","units":[[]"N54"],"from":"2021-07-01","to":"2021-12-31"},*' \
    "the declared scope is recorded"

is "$(sql 'SELECT count(*) FROM sources')" 1 "1 source"
is "$(sql 'SELECT count(*) FROM events')" 4 "4 events"
is "$(sql "SELECT count(*) FROM case_answers")" 7 "7 case-level answers, in case_answers"
is "$(sql "SELECT count(*) FROM assessments WHERE level = 'CASE'")" 0 "... and none in assessments"
is "$(sql 'SELECT count(*) FROM assessments WHERE derived')" 5 "5 derived aggregates (one per audit and question)"
is "$(sql 'SELECT count(*) FROM recommendations')" 0 "0 recommendations"
is "$(sql 'SELECT count(*) FROM events WHERE source_id = 1 AND retired_by IS NULL AND revision = 1')" 4 \
    "every event belongs to source 1, live, revision 1"
is "$(sql "SELECT group_concat(e.identity || '=' || u.code, ' ') FROM events e JOIN units u ON u.id = e.unit_id ORDER BY e.identity")" \
    "A1=N54SOT A2=N54SUND A3=N50BOLT A4=N54SUND" "units resolve by code and by name (Sunderland)"
is "$(sql "SELECT group_concat(source_row, ' ') FROM (SELECT source_row FROM case_answers ORDER BY id)")" \
    "3 4 5 6 7 9 10" "each case answer records its CSV row (header = row 1)"
is "$(sql "SELECT cases_applicable || '/' || cases_sufficient FROM assessments a JOIN events e ON e.id = a.event_id WHERE a.derived AND e.identity = 'A1' AND a.code = 'Q2'")" \
    "1/0" "an aggregate counts answers, leaving NA out"
# Schema 5: an answer stores neither the dates it takes from its event nor its usual key.
is "$(sql "SELECT count(*) FROM case_answers WHERE identity IS NULL AND period_start IS NULL
           AND period_end IS NULL AND observed_at IS NULL")" 7 \
    "answers with no dates of their own store none, nor their usual key"
is "$(sql "SELECT a.identity || ' ' || a.period_start || ' ' || a.period_end || ' ' || a.observed_at
           FROM case_answers_resolved a JOIN events e ON e.id = a.event_id
           WHERE e.identity = 'A1' AND a.source_row = '4'")" \
    "A1|case:$(sql "SELECT case_ref FROM case_answers WHERE source_row = '4'")|Q2 2021-07-05 2021-07-09 2021-07-09" \
    "case_answers_resolved gives them their event's dates and their key"
# An event whose dates change takes its answers' dates with it: they are updated.
sed 's/^A3,N50BOLT,2021-10-04,2021-10-06,/A3,N50BOLT,2021-10-11,2021-10-13,/' "$V1" >"$SCRATCH/moved.csv"
"$BIN" --db "$SCRATCH/moved.db" import --plugin-dir "$PLUGINS" "$V1" >/dev/null 2>&1
exits 0 "a version whose audit A3 moved a week" \
    "$BIN" --db "$SCRATCH/moved.db" import --plugin-dir "$PLUGINS" "$SCRATCH/moved.csv"
like "$out" "*(0 new, 3 updated, 13 unchanged)*" "... updates A3, its answer and its aggregate"
is "$(sqlite3 -batch "$SCRATCH/moved.db" "SELECT a.revision || ' ' || a.period_start || ' ' || a.observed_at
        || ' ' || quote(b.period_start) FROM case_answers_resolved a JOIN case_answers b ON b.id = a.id
        JOIN events e ON e.id = a.event_id WHERE e.identity = 'A3'")" "2 2021-10-11 2021-10-13 NULL" \
    "... and the answer's dates are the event's new ones (still not stored)"
dump_db "$SCRATCH/v1.sql"
is "$(grep -c 'X[0-9]\{6\}' "$SCRATCH/v1.sql")" 0 "no CRN of the file reaches the database"
# Aggregates are stored as each event's answers stop; a file whose answers for one
# event come back after another event's gives the same aggregates, counted once.
AGG="SELECT group_concat(e.identity || ':' || a.code || ':' || a.cases_applicable || '/'
       || a.cases_sufficient || ':r' || a.revision, ' ') FROM (SELECT * FROM assessments
       WHERE derived ORDER BY event_id, code) a JOIN events e ON e.id = a.event_id"
grouped=$(sql "$AGG")
{ sed -n '1,4p' "$V1"; grep '^A2,' "$V1"; sed -n '5,6p' "$V1"; grep -v '^A[12],' "$V1" | sed 1,2d; } \
    >"$SCRATCH/ungrouped.csv"
is "$(sort "$SCRATCH/ungrouped.csv" | cksum)" "$(sort "$V1" | cksum)" "(the same rows, A1's split by A2's)"
"$BIN" --db "$SCRATCH/ungrouped.db" import --plugin-dir "$PLUGINS" "$SCRATCH/ungrouped.csv" \
    >"$SCRATCH/ungrouped.out" 2>&1
like "$(cat "$SCRATCH/ungrouped.out")" "*: 9 rows, 11 records and 5 aggregates of case answers (16 new, 0 updated, 0 unchanged), 2 rows skipped*" \
    "an ungrouped file: the same counts as the grouped one"
is "$(sqlite3 -batch "$SCRATCH/ungrouped.db" "$AGG")" "$grouped" \
    "... and the same aggregates (${grouped%% *} ...), each revision 1"


# ---------------------------------------------------------------- what an answer takes from its event

# Schema 5 stores an answer's usual key and the dates it takes from its event as NULL.
# New versions must still give exactly what was stored before schema 5 (cases found
# by review): t-answers keys an answer by a slot, not by its code, and may give a period.
ANS_HEAD="ans_id,unit,started,ended,crn,slot,question,answer,pstart,pend"
answers() { # DB FILE...: imports each file in turn with t-answers
    _db=$1
    shift
    for _f in "$@"; do
        "$BIN" --db "$_db" import --plugin-dir "$PLUGINS" --plugin-dir "$PLUGINS/answers" \
            --plugin t-answers "$_f" >"$SCRATCH/answers.out" 2>&1 || { cat "$SCRATCH/answers.out"; return 1; }
    done
}
for v in 1 2 3; do
    code=Q1; [ $v -gt 1 ] && code=Q2
    answer=Y; [ $v -eq 3 ] && answer=N
    printf '%s\nD1,N54SOT,2021-07-05,2021-07-09,X111111,Q1,%s,%s,,\n' "$ANS_HEAD" "$code" "$answer" \
        >"$SCRATCH/slot-v$v.csv"
done
ok "an answer whose code changes under the same key, then its answer" \
    answers "$SCRATCH/slot.db" "$SCRATCH/slot-v1.csv" "$SCRATCH/slot-v2.csv" "$SCRATCH/slot-v3.csv"
is "$(sqlite3 -batch "$SCRATCH/slot.db" "SELECT a.revision || ' ' || a.code || ' ' || a.rating || ' ' || r.identity
        FROM case_answers a JOIN case_answers_resolved r ON r.id = a.id")" \
    "3 Q2 N D1|case:$(sqlite3 -batch "$SCRATCH/slot.db" "SELECT case_ref FROM case_answers")|Q1" \
    "... keeps the key it was given (stored now that it is no longer the usual one)"
printf '%s\nA1,N54SOT,2021-07-05,2021-07-09,X100001,Q1,Q1,Y,,\n' "$ANS_HEAD" >"$SCRATCH/own-1.csv"
printf '%s\nA1,N54SOT,2021-07-05,2021-07-09,X100001,Q1,Q1,Y,2021-07-05,2021-07-09\n' "$ANS_HEAD" >"$SCRATCH/own-2.csv"
printf '%s\nA1,N54SOT,2021-07-01,2021-07-09,X100001,Q1,Q1,Y,2021-07-05,2021-07-09\n' "$ANS_HEAD" >"$SCRATCH/own-3.csv"
ok "an answer that gains a period of its own, equal to its event's, and then the event moves" \
    answers "$SCRATCH/own.db" "$SCRATCH/own-1.csv" "$SCRATCH/own-2.csv" "$SCRATCH/own-3.csv"
is "$(sqlite3 -batch "$SCRATCH/own.db" "SELECT a.revision || ' ' || a.period_start || ' ' || r.period_start
        FROM case_answers a JOIN case_answers_resolved r ON r.id = a.id")" "2 2021-07-05 2021-07-05" \
    "... keeps the period it gave (a date becoming its own is a change: revision 2)"
printf '%s\nA1,N54SOT,2021-07-05,2021-07-09,X100001,Q1,Q1,Y,,\nA1,N54SOT,2021-07-05,2021-07-09,X100002,Q1,Q1,N,,\n' \
    "$ANS_HEAD" >"$SCRATCH/drift-1.csv"
printf '%s\nA1,N54SOT,2021-08-02,2021-08-06,X100001,Q1,Q1,Y,,\n' "$ANS_HEAD" >"$SCRATCH/drift-2.csv"
ok "an audit that moves in a version without one of its answers" \
    answers "$SCRATCH/drift.db" "$SCRATCH/drift-1.csv" "$SCRATCH/drift-2.csv"
is "$(sqlite3 -batch "$SCRATCH/drift.db" "SELECT group_concat(a.source_id || ' ' || a.revision || ' ' || quote(a.period_start)
        || ' ' || r.period_start || ' ' || r.observed_at, ', ') FROM (SELECT * FROM case_answers ORDER BY id) a
        JOIN case_answers_resolved r ON r.id = a.id")" \
    "2 2 NULL 2021-08-02 2021-08-06, 1 1 '2021-07-05' 2021-07-05 2021-07-09" \
    "... moves the answer it gives again, and keeps the dropped one's dates as its source gave them"

# Answers of the usual shape go in groups of 32, others on their own: mixed, in file order.
{ echo "$ANS_HEAD"; awk 'BEGIN { for (i = 0; i < 100; i++) {
    own = i % 40 == 39 ? "2021-07-06,2021-07-07" : ","
    printf "M1,N54SOT,2021-07-05,2021-07-09,X%06d,Q%d,Q%d,%s,%s\n", 100 + int(i / 2), i % 2 + 1, i % 2 + 1, i % 3 ? "Y" : "N", own } }'; } \
    >"$SCRATCH/mixed.csv"
ok "100 answers, the 40th and 80th with a period of their own" answers "$SCRATCH/mixed.db" "$SCRATCH/mixed.csv"
is "$(sqlite3 -batch "$SCRATCH/mixed.db" "SELECT count(*) || ' ' || group_concat(source_row, ',') FROM (SELECT source_row FROM case_answers ORDER BY id)")" \
    "100 $(seq -s, 2 101)" "... all stored, in file order"
is "$(sqlite3 -batch "$SCRATCH/mixed.db" "SELECT group_concat(source_row || ':' || period_start || '-' || period_end, ' ')
        FROM (SELECT * FROM case_answers WHERE period_start IS NOT NULL ORDER BY id)")" \
    "41:2021-07-06-2021-07-07 81:2021-07-06-2021-07-07" \
    "... the periods of their own on those rows only"
is "$(sqlite3 -batch "$SCRATCH/mixed.db" "SELECT count(*) || ' ' || count(a.identity) FROM case_answers_resolved r JOIN case_answers a ON a.id = r.id
        WHERE r.identity = 'M1|case:' || a.case_ref || '|' || a.code
        AND a.rating = CASE WHEN (CAST(a.source_row AS INTEGER) - 2) % 3 THEN 'Y' ELSE 'N' END")" "100 0" \
    "... each with its usual key (not stored) and its rating"

# ---------------------------------------------------------------- out:answer

# out:answer(event, case, framework, code, rating, strand, text) stores exactly what the
# out:assessment table it stands for stores, and refuses what that table would refuse.
FORM_HEAD="form_id,unit,started,ended,crn,question,answer,strand,comment,form"
form_rows() { # FORM: the same answers, emitted one way or the other
    printf '%s\n' "$FORM_HEAD" \
        "F1,N54SOT,2021-07-05,2021-07-09,X100001,Q1,Y,,,$1" \
        "F1,N54SOT,2021-07-05,2021-07-09,X100001,Q2,N,engage,\"X100001 had no plan, see X100002\",$1" \
        "F1,N54SOT,2021-07-05,2021-07-09,X100002,Q1,NA,,,$1" \
        "F2,N54SUND,2021-09-06,2021-09-08,X200001,Q2,Y,SAFE,  ,$1"
}
mkdir -p "$SCRATCH/form-answer" "$SCRATCH/form-table"
form_rows answer >"$SCRATCH/form-answer/forms.csv"
form_rows table >"$SCRATCH/form-table/forms.csv"
for f in answer table; do
    "$BIN" --db "$SCRATCH/form-$f.db" init >/dev/null
    [ $f = table ] && cp "$SCRATCH/form-answer.db.key" "$SCRATCH/form-table.db.key"
    exits 0 "answers emitted with out:$([ $f = answer ] && echo answer || echo assessment)" \
        "$BIN" --db "$SCRATCH/form-$f.db" import --plugin-dir "$PLUGINS" --plugin-dir "$PLUGINS/answers" \
        --plugin t-answer-form "$SCRATCH/form-$f/forms.csv"
done
FORM_DUMP="SELECT * FROM case_answers_resolved ORDER BY id; SELECT * FROM assessments ORDER BY id;
           SELECT * FROM events ORDER BY id; SELECT records, rows_emitted FROM sources"
is "$(sqlite3 -batch "$SCRATCH/form-answer.db" "$FORM_DUMP")" "$(sqlite3 -batch "$SCRATCH/form-table.db" "$FORM_DUMP")" \
    "out:answer stores what the out:assessment table stores (answers, aggregates, counts)"
is "$(sqlite3 -batch "$SCRATCH/form-answer.db" "SELECT count(*) || ' ' || count(DISTINCT case_ref) || ' ' || group_concat(ifnull(strand, '-'))
        || ' ' || sum(text LIKE '%case:%had no plan, see case:%') FROM case_answers")" "4 3 -,ENGAGE,-,SAFE 1" \
    "... 4 answers of 3 cases, strands as given, CRNs in the text pseudonymised"
form_bad() { # ROW_FIELDS MESSAGE DESC
    printf '%s\n%s\n' "$FORM_HEAD" "$1" >"$SCRATCH/form-bad.csv"
    exits 65 "out:answer refuses $3" "$BIN" --db "$SCRATCH/form-answer.db" import --plugin-dir "$PLUGINS" \
        --plugin-dir "$PLUGINS/answers" --plugin t-answer-form "$SCRATCH/form-bad.csv"
    is "$(printf '%s\n' "$err" | head -1)" "concord: t-answer-form:$SCRATCH/form-bad.csv:2: $2" "... $3: the message"
}
form_bad "F9,N54SOT,2021-07-05,2021-07-09,x100001,Q1,Y,,,answer" \
    "case: not a CRN (expected a capital letter and six digits; value withheld)" "a case that is not a CRN"
form_bad "F9,N54SOT,2021-07-05,2021-07-09,X100001,Q1,,,,answer" "rating: required" "an answer without a rating"
form_bad "F9,N54SOT,2021-07-05,2021-07-09,X100001,Q1,Y,calm,,answer" \
    "strand: 'calm' is not one of ENGAGE, DESIST, SAFE" "an unknown strand"
form_bad "F9,N54SOT,2021-07-05,2021-07-09,X100001,Q9,Y,,,answer" \
    "$(printf '%s\n%s\n' "$FORM_HEAD" "F9,N54SOT,2021-07-05,2021-07-09,X100001,Q9,Y,,,table" >"$SCRATCH/form-bad-t.csv"
       "$BIN" --db "$SCRATCH/form-answer.db" import --plugin-dir "$PLUGINS" --plugin-dir "$PLUGINS/answers" \
           --plugin t-answer-form "$SCRATCH/form-bad-t.csv" 2>&1 | head -1 | sed 's/.*form-bad-t.csv:2: //')" \
    "a code the crosswalk does not know, as out:assessment words it"

# ---------------------------------------------------------------- a key given twice, in groups

# The answers of an audit new in this import are written 32 at a time; a key given
# twice must still fail the import at the row that repeats it, whether the first
# was written already, waits in the same group, or came before another audit's rows.
# osag_rows AUDIT CRN_FROM N: N answers (13 questions a case) of one audit
osag_rows() {
    awk -v a="$1" -v c="$2" -v n="$3" 'BEGIN { for (i = 0; i < n; i++)
        printf "%s,OSAG-2019,N54SOT,,01/03/2031,05/03/2031,T. Test,X%06d,Q%02d,Y,\n", a, c + int(i / 13), i % 13 + 1 }'
}
OSAG_HEAD="audit_id,tool_version,unit_code,unit_name,audit_start,audit_end,auditor,crn,question_code,answer,comment"
twice() { # FILE ROW FIRST_ROW DESC: the import fails at ROW, naming FIRST_ROW, and changes nothing
    exits 65 "$4: refused" "$BIN" --db "$SCRATCH/twice.db" import --plugin osag "$1"
    like "$err" "concord: osag:$1:$2: key: 'OA-2031-0000?|case:*|Q??' was already used by a case answer at row $3 (keys must be unique in a file)*" \
        "$4: the message names the row that repeats the key and the first"
    is "$(sqlite3 -batch "$SCRATCH/twice.db" "SELECT (SELECT count(*) FROM sources) || ' ' || (SELECT count(*) FROM case_answers)")" \
        "0 0" "$4: nothing stored"
}
"$BIN" --db "$SCRATCH/twice.db" init >/dev/null
{ echo "$OSAG_HEAD"; osag_rows OA-2031-00001 100 40; osag_rows OA-2031-00001 100 5 | sed -n 4p; } >"$SCRATCH/twice-late.csv"
twice "$SCRATCH/twice-late.csv" 42 5 "a key repeated after its group was written"
{ echo "$OSAG_HEAD"; osag_rows OA-2031-00001 100 10; osag_rows OA-2031-00001 100 3 | sed -n 2p; } >"$SCRATCH/twice-group.csv"
twice "$SCRATCH/twice-group.csv" 12 3 "a key repeated in the group still waiting"
{ echo "$OSAG_HEAD"; osag_rows OA-2031-00001 100 10; osag_rows OA-2031-00002 200 5
  osag_rows OA-2031-00001 100 7 | sed -n 7p; } >"$SCRATCH/twice-later.csv"
twice "$SCRATCH/twice-later.csv" 17 8 "a key repeated after another audit's rows"
{ echo "$OSAG_HEAD"; osag_rows OA-2031-00001 100 70; } >"$SCRATCH/once.csv"
exits 0 "70 answers of one audit, each key once" "$BIN" --db "$SCRATCH/twice.db" import --plugin osag "$SCRATCH/once.csv"
is "$(sqlite3 -batch "$SCRATCH/twice.db" "SELECT count(*) || ' ' || count(DISTINCT identity_hash) || ' ' || min(id) || '-' || max(id)
        || ' ' || group_concat(source_row, ',') FROM (SELECT * FROM case_answers ORDER BY id)")" \
    "70 70 1-70 $(seq -s, 2 71)" "... all stored, in file order (two groups of 32, then one by one)"

# ---------------------------------------------------------------- the same file again

exits 0 "re-import of the same file" concord import "$V1"
is "$out" "unchanged $V1 (t-audit; already imported as source 1)" "re-import says unchanged"
same_db "$SCRATCH/v1.sql" "re-import leaves the whole database byte-identical"
cp "$V1" "$SCRATCH/renamed-copy.csv"
exits 0 "the same content under another name" concord import "$SCRATCH/renamed-copy.csv"
is "$out" "unchanged $SCRATCH/renamed-copy.csv (t-audit; already imported as source 1)" \
    "same content under another name is unchanged too"
same_db "$SCRATCH/v1.sql" "... and changes nothing"

# ---------------------------------------------------------------- a new version of the source

exits 0 "import version 2 of the source" concord import "$V2"
is "$(strip_time "$out")" \
    "imported  $V2 with t-audit 1.0.0: 6 rows, 6 records and 3 aggregates of case answers (0 new, 1 updated, 8 unchanged, 1 retired), 2 rows skipped, version 2 of its source, T s" \
    "version 2: one record updated, one retired"
for kv in "source_key:\"test-audit-2021\"" "version:2" "records_new:0" "records_updated:1" \
    "records_unchanged:8" "records_retired:1" "superseded_by:null"; do
    is "$(source_field 2 "${kv%%:*}")" "${kv#*:}" "source 2 ${kv%%:*} is ${kv#*:}"
done
is "$(source_field 1 superseded_by)" 2 "source 1 is superseded by source 2"
is "$(source_field 1 version)" 1 "source 1 stays version 1"
is "$(sql 'SELECT count(*) FROM events')" 4 "old events are kept, not deleted"
is "$(sql "SELECT count(*) FROM $CLAIMS")" 12 "old assessments and case answers are kept, not deleted"
is "$(sql "SELECT a.rating || ' row ' || a.source_row || ' source ' || a.source_id FROM $CLAIMS a WHERE a.retired_by = 2")" \
    "NA row 6 source 1" "the answer removed inside the scope is retired by source 2"
is "$(sql "SELECT a.revision || ' ' || a.observed_at || ' ' || a.source_id FROM case_answers a JOIN events e ON e.id = a.event_id WHERE a.source_row = '3' AND e.identity = 'A1'")" \
    "2 2021-07-08 2" "the changed answer is updated in place (revision 2)"
is "$(sql "SELECT count(*) FROM $CLAIMS a JOIN events e ON e.id = a.event_id WHERE e.identity = 'A3' AND a.retired_by IS NULL AND a.source_id = 1")" \
    2 "records of a unit outside the scope are not retired (retired_by IS NULL)"
is "$(sql "SELECT count(*) FROM events WHERE identity IN ('A3', 'A4') AND retired_by IS NULL AND source_id = 1")" \
    2 "events outside the scope's units or dates are not retired"
is "$(sql "SELECT count(*) FROM $CLAIMS a JOIN events e ON e.id = a.event_id WHERE e.identity = 'A4' AND a.retired_by IS NULL")" \
    2 "records dated after the scope's end are not retired"
is "$(sql "SELECT count(*) FROM $CLAIMS WHERE source_id = 2")" 7 "assessments and case answers seen again move to source 2"
is "$(sql "SELECT count(*) FROM events WHERE source_id = 2")" 2 "events seen again move to source 2"

# ---------------------------------------------------------------- version 3 brings a record back

exits 0 "import version 3 of the source" concord import "$V3"
is "$(strip_time "$out")" \
    "imported  $V3 with t-audit 1.0.0: 6 rows, 7 records and 3 aggregates of case answers (0 new, 0 updated, 10 unchanged), 1 row skipped, version 3 of its source, T s" \
    "version 3 brings the retired answer back"
is "$(sql "SELECT count(*) FROM $CLAIMS WHERE retired_by IS NOT NULL")" 0 "no record is retired any more"
is "$(source_field 2 superseded_by)" 3 "source 2 is superseded by source 3"
is "$(source_field 1 superseded_by)" 2 "source 1 still points at source 2"

# ---------------------------------------------------------------- failing half way

BAD=$DATA/audit-bad-row50.csv
dump_db "$SCRATCH/before-bad.sql"
exits 65 "a bad value on row 50 of 100 rejects the file" concord import "$BAD"
is "$(echo "$err" | sed -n 1p)" \
    "concord: t-audit:$BAD:50: observed: '2021-02-30' is not a real date" \
    "the message is PLUGIN:PATH:ROW: FIELD: reason"
is "$(echo "$err" | sed -n 2p)" "concord: $BAD was not imported; the database is unchanged by it" \
    "and says the database is unchanged"
is "$out" "" "nothing on stdout"
same_db "$SCRATCH/before-bad.sql" "the 48 good rows before it left no trace"

# ---------------------------------------------------------------- no scope, no retirement

# Versions of a source without out:scope share the file's name as their key.
mkdir -p "$SCRATCH/claims"
C=$SCRATCH/claims/claims.csv
H='test_claim,key,event,kind,unit,started,ended,framework,code,rating,units'
fresh_db
printf '%s\n' "$H" 'event,E1,,AUDIT,N54SOT,2021-07-05,2021-07-09,,,,' \
    'assessment,S1,E1,,,,,TEST-1,Q1,Good,' 'assessment,S2,E1,,,,,TEST-1,Q2,Poor,' >"$C"
exits 0 "a source without a scope" concord import "$C"
printf '%s\n' "$H" 'event,E1,,AUDIT,N54SOT,2021-07-05,2021-07-09,,,,' \
    'assessment,S1,E1,,,,,TEST-1,Q1,Good,' >"$C"
exits 0 "its next version, one record fewer, still without a scope" concord import "$C"
like "$out" "imported  $C with t-claims 1.0.0: 2 rows, 2 records (0 new, 0 updated, 2 unchanged), version 2 of its source, *" \
    "without out:scope nothing is retired"
is "$(sql "SELECT count(*) FROM assessments WHERE identity = 'S2' AND retired_by IS NULL")" 1 \
    "the missing record stays live: absence is not resolution"
is "$(source_field 2 source_key)" '"claims.csv"' "the default source key is the file's name"
printf '%s\n' "$H" 'scope,,,,,,,,,,N54' 'event,E1,,AUDIT,N54SOT,2021-07-05,2021-07-09,,,,' \
    'assessment,S1,E1,,,,,TEST-1,Q1,Good,' >"$C"
exits 0 "a third version that declares its scope" concord import "$C"
like "$out" "* (0 new, 0 updated, 2 unchanged, 1 retired), 1 row skipped, version 3 of its source, *" \
    "once a scope is declared, the record missing since version 2 is retired"
is "$(sql "SELECT retired_by FROM assessments WHERE identity = 'S2'")" 3 "... by version 3"

# ---------------------------------------------------------------- byte order mark, CRLF, --quiet

fresh_db
printf '\357\273\277' >"$SCRATCH/bom.csv"
cat "$V1" >>"$SCRATCH/bom.csv"
sed 's/$/\r/' "$V1" >"$SCRATCH/crlf.csv"
exits 0 "a file with a UTF-8 byte order mark" concord import "$SCRATCH/bom.csv"
is "$(strip_time "$out")" \
    "imported  $SCRATCH/bom.csv with t-audit 1.0.0: 9 rows, 11 records and 5 aggregates of case answers (16 new, 0 updated, 0 unchanged), 2 rows skipped, T s" \
    "a byte order mark changes nothing in detection or parsing"
exits 0 "the same file with CRLF line endings" concord import "$SCRATCH/crlf.csv"
is "$(strip_time "$out")" \
    "imported  $SCRATCH/crlf.csv with t-audit 1.0.0: 9 rows, 11 records and 5 aggregates of case answers (0 new, 0 updated, 16 unchanged), 2 rows skipped, version 2 of its source, T s" \
    "CRLF line endings give the very same records"
exits 0 "import --quiet" concord import --quiet "$V2"
is "$out$err" "" "--quiet prints nothing on success"

# ---------------------------------------------------------------- folders

FOLDER=$DATA/folder
fresh_db
exits 0 "import a folder" concord import "$FOLDER"
is "$(strip_time "$out")" "imported  $FOLDER/inspections.json with t-json 1.0.0: 5 rows, 5 records (5 new, 0 updated, 0 unchanged), T s
skipped   $FOLDER/notes.txt: no plugin recognises it
imported  $FOLDER/recs.csv with t-rec 1.0.0: 2 rows, 3 records (3 new, 0 updated, 0 unchanged), T s
skipped   $FOLDER/sub/readme.md: no plugin recognises it
2 imported, 0 unchanged, 2 skipped, 0 failed" \
    "files are taken in name order, sub-folders too; unclaimed ones are skipped, dot-files ignored"
is "$(sql "SELECT count(*) FROM sources WHERE path LIKE '%.ignored.csv'")" 0 "the dot-file was not imported"
is "$(sql "SELECT group_concat(source_row, ' ') FROM (SELECT source_row FROM assessments ORDER BY id)")" \
    "/inspections/0/ratings/0 /inspections/0/ratings/1 /inspections/1/ratings/0" \
    "JSON records point at their place in the document"
is "$(sql "SELECT group_concat(identity || ':' || status || ':' || coalesce(due, '-'), ' ') FROM (SELECT * FROM recommendations ORDER BY id)")" \
    "R1:OPEN:2022-12-31 R2:IN_PROGRESS:-" "recommendations default to OPEN"
exits 0 "import the folder again" concord import "$FOLDER"
is "$(echo "$out" | tail -n 1)" "0 imported, 2 unchanged, 2 skipped, 0 failed" "a second folder import changes nothing"

# ---------------------------------------------------------------- detection

TWIN=$DATA/twin.csv
dump_db "$SCRATCH/before-twin.sql"
exits 65 "two plugins claiming a file at 0.9 is an error" concord import "$TWIN"
is "$err" "concord: $TWIN: more than one plugin claims this file (t-twin-a 0.90, t-twin-b 0.90); choose one with --plugin NAME
concord: $TWIN was not imported; the database is unchanged by it" \
    "the message names both plugins and asks for --plugin"
same_db "$SCRATCH/before-twin.sql" "an ambiguous file changes nothing"
exits 0 "--plugin settles an ambiguous file" concord import --plugin t-twin-b "$TWIN"
like "$out" "imported  $TWIN with t-twin-b 1.0.0: 1 rows, 0 records *" "... with the plugin named"

# The plugins tried, in the order they are asked (built-ins first).
tried=$(concord plugins list | sed -n '/^[^ ]/s/ .*/ 0.00/p' | sed -n 'H;${x;s/^\n//;s/\n/, /g;p;}')
UNCLAIMED=$DATA/unclaimed.txt
exits 65 "a file no plugin claims is an error" concord import "$UNCLAIMED"
is "$err" "concord: $UNCLAIMED: no plugin recognises this file (tried: $tried); pass --plugin NAME or write a plugin for it (docs/plugins.md)
concord: $UNCLAIMED was not imported; the database is unchanged by it" \
    "the message lists every plugin tried"
like "$tried" "*t-audit 0.00, t-claims 0.00, t-json 0.00, *t-twin-a 0.00, t-twin-b 0.00" \
    "(the list holds the test plugins)"

exits 0 "plugins check FILE" concord plugins check "$V1"
is "$(echo "$out" | grep '^t-')" "t-audit    0.90
t-claims   0.00
t-json     0.00
t-partial  0.00
t-rec      0.00
t-twin-a   0.00
t-twin-b   0.00" "plugins check shows each plugin's confidence"
is "$(echo "$out" | tail -n 1)" "$V1 would be imported by t-audit" "plugins check names the winner"
exits 65 "plugins check on an ambiguous file" concord plugins check "$TWIN"
is "$(echo "$out" | tail -n 1)" \
    "$TWIN: more than one plugin claims this file (t-twin-a 0.90, t-twin-b 0.90); choose one with --plugin NAME" \
    "plugins check explains the ambiguity"
exits 65 "plugins check on an unclaimed file" concord plugins check "$UNCLAIMED"
exits 66 "plugins check on a missing file" concord plugins check "$SCRATCH/nope.csv"
is "$err" "concord: $SCRATCH/nope.csv: No such file or directory" "... names the file"
exits 0 "plugins list" concord plugins list
like "$out" "*
t-audit    TEST      1.0.0   e2e test plugin: case-file audit CSV
           $PLUGINS/t_audit.lua
*" "plugins list shows name, body, version, description and file"

# ---------------------------------------------------------------- command line

dump_db "$SCRATCH/before-cli.sql"
exits 64 "--plugin NOPE" concord import --plugin NOPE "$V1"
is "$(echo "$err" | sed -n 1p)" "concord import: no plugin named 'NOPE' (see 'concord plugins list')" \
    "--plugin NOPE says there is no such plugin"
exits 64 "--plugin NOPE with a database that does not exist yet" \
    "$BIN" --db "$SCRATCH/new.db" import --plugin-dir "$PLUGINS" --plugin NOPE "$V1"
ok "a usage error does not create the database" [ ! -e "$SCRATCH/new.db" ]
exits 66 "a missing file" concord import "$SCRATCH/nope.csv"
is "$err" "concord: $SCRATCH/nope.csv: No such file or directory" "a missing file is named"
exits 66 "a missing --plugin-dir" concord import --plugin-dir "$SCRATCH/nope" "$V1"
is "$err" "concord import: --plugin-dir $SCRATCH/nope: not a folder" "a missing plugin folder is named"
exits 64 "an unknown option" concord import --bogus "$V1"
is "$err" "concord import: unknown option '--bogus'
Try 'concord import --help'." "an unknown option is named, with a hint"
exits 64 "an option without its value" concord import "$V1" --wait
is "$err" "concord import: --wait needs a value" "... says which option"
exits 64 "a bad number" concord import --wait soon "$V1"
is "$err" "concord import: --wait must be a whole number from 0 to 86400, not 'soon'" "... says what it must be"
exits 64 "import without files" concord import
is "$err" "concord import: give at least one file or folder
Try 'concord import --help'." "import without files asks for one"
exits 64 "an unknown global option" "$BIN" --bogus sources
exits 64 "an unknown command" "$BIN" --db "$DB" frobnicate
is "$err" "concord: unknown command 'frobnicate'
Try 'concord --help'." "an unknown command is named"
exits 64 "no command at all" "$BIN"
exits 64 "sources --format xml" concord sources --format xml
same_db "$SCRATCH/before-cli.sql" "usage errors change nothing"
exits 66 "sources without a database" "$BIN" --db "$SCRATCH/none.db" sources
like "$err" "concord: $SCRATCH/none.db: cannot open database: *(run 'concord init' or import something first)" \
    "sources without a database says how to make one"

exits 0 "concord --help" "$BIN" --help
like "$out" "Usage: concord *" "global help is a usage text"
commands=$(echo "$out" | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p')
exits 0 "concord --version" "$BIN" --version
like "$out" "concord [0-9]*.[0-9]*.[0-9]* (schema [0-9]*, plugin API 1, *" "--version names schema and plugin API"
like "$(echo $commands)" "run init import sources plugins *reconcile flags ack dismiss runs*schema*help" "global help lists the commands"
for c in $commands; do
    exits 0 "concord $c --help" "$BIN" "$c" --help
    like "$out" "Usage: concord *" "concord $c --help prints its usage"
done
exits 0 "concord help import" "$BIN" help import
like "$out" "Usage: concord [[]--db FILE] import *" "help COMMAND prints the command's usage"

# ---------------------------------------------------------------- schema

exits 0 "concord schema" "$BIN" schema
schema=$out
is "$(echo "$schema" | sed -n 1p)" "-- Concord schema, version $(sql 'PRAGMA user_version')" \
    "schema names the database's version"
tables=$(sql "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name")
for t in $tables; do
    like "$schema" "*CREATE TABLE $t (*" "schema prints CREATE TABLE $t"
done
like "$tables" "*assessments*events*recommendations*sources*units*" "(the core tables are there)"
echo "$schema" | sqlite3 -batch "$SCRATCH/from-schema.db" 2>"$ERR"
is "$(cat "$ERR")" "" "the schema runs as SQL"
is "$(sqlite3 -batch "$SCRATCH/from-schema.db" "SELECT type || ' ' || name FROM sqlite_schema WHERE name NOT LIKE 'sqlite%' ORDER BY 1")" \
    "$(sql "SELECT type || ' ' || name FROM sqlite_schema WHERE name NOT LIKE 'sqlite%' ORDER BY 1")" \
    "the schema makes the same tables, indexes and views as init"


# ---------------------------------------------------------------- src:csv{ reuse = true }

# One row table for every row, refilled (the osag plugin reads a million rows so); a
# value equal to the last row's is left in place, so values that repeat, change to
# another of the same length and change back are the cases to get right.
printf 'test_reuse_id,unit,day\nR1,N54SOT,2021-07-05\nR2,N54SOT,2021-07-05\nR3,N50BOLT,2021-07-05
R4,N54SUND,2021-07-06\nR5,N54SOT,2021-07-06\nR6,Sunderland,2021-09-06\n' >"$SCRATCH/reuse.csv"
exits 0 "a plugin reading with reuse = true" \
    "$BIN" --db "$SCRATCH/reuse.db" import --plugin-dir "$PLUGINS/reuse" "$SCRATCH/reuse.csv"
is "$(sqlite3 -batch "$SCRATCH/reuse.db" "SELECT group_concat(e.identity || '=' || u.code || '@' || e.started, ' ')
       FROM events e JOIN units u ON u.id = e.unit_id")" \
    "R1=N54SOT@2021-07-05 R2=N54SOT@2021-07-05 R3=N50BOLT@2021-07-05 R4=N54SUND@2021-07-06 R5=N54SOT@2021-07-06 R6=N54SUND@2021-09-06" \
    "... each row's own values, from the same table (the plugin checks it is the same)"
exits 65 "reuse = true without a header is refused" \
    "$BIN" --db "$SCRATCH/reuse.db" import --plugin-dir "$PLUGINS/reuse-array" --plugin t-reuse-array \
    "$SCRATCH/reuse.csv"
like "$err" "*t_reuse_array.lua:*csv: reuse = true needs header = true*" "... saying why"

# ---------------------------------------------------------------- upgrade from schema 3

# A database made before case answers had their own table (schema 3): the case
# rows of assessments move to case_answers, with their ids, on the first open.
OLD=$SCRATCH/schema3.db
"$BIN" schema | awk '/^-- migration 4$/ { exit } { print }' >"$SCRATCH/schema3.sql"
sqlite3 -batch "$OLD" <"$SCRATCH/schema3.sql"
sqlite3 -batch "$OLD" "PRAGMA user_version = 3;
INSERT INTO sources(id, plugin, plugin_version, identity_version, body, source_key, path, sha256, bytes, imported_at)
  VALUES (1, 'osag', '1.0.0', 1, 'OSAG', 'a.csv', '/a.csv', 'ab', 10, '2024-01-01T00:00:00Z');
INSERT INTO units(id, code, name, type, origin) VALUES (1, 'N54SUND', 'Sunderland', 'PDU', 'register');
INSERT INTO events(id, plugin, identity, identity_version, digest, source_id, source_row, body, kind, unit_id, started, ended, identity_hash)
  VALUES (1, 'osag', 'A1', 1, 0, 1, '2', 'OSAG', 'AUDIT', 1, '2022-01-03', '2022-01-07', 11);
INSERT INTO assessments(id, plugin, identity, identity_version, digest, source_id, source_row, event_id, body, unit_id, framework, code, case_ref, period_start, period_end, observed_at, rating, identity_hash, level, band_basis, answer)
  VALUES (7, 'osag', 'A1|c1|Q01', 1, 5, 1, '3', 1, 'OSAG', 1, 'OSAG-2019', 'Q01', 'c1', '2022-01-03', '2022-01-07', '2022-01-07', 'Y', 21, 'CASE', 'case-answer', 'sufficient'),
         (8, 'osag', 'A1|c2|Q01', 1, 6, 1, '4', 1, 'OSAG', 1, 'OSAG-2019', 'Q01', 'c2', '2022-01-03', '2022-01-07', '2022-01-07', 'N', 22, 'CASE', 'case-answer', 'insufficient'),
         (9, 'osag', 'A1|OSAG-2019|Q01', 1, 7, 1, '', 1, 'OSAG', 1, 'OSAG-2019', 'Q01', NULL, '2022-01-03', '2022-01-07', '2022-01-07', NULL, 23, 'UNIT', 'cases-sufficient', NULL);" \
    2>"$SCRATCH/schema3.err"
is "$(cat "$SCRATCH/schema3.err")" "" "(a schema-3 database with two case answers and one unit row)"
exits 0 "a schema-3 database opens" "$BIN" --db "$OLD" sources
LATEST=$("$BIN" schema | sed -n '1s/.*version //p')
is "$(sqlite3 -batch "$OLD" "PRAGMA user_version")" "$LATEST" "it is upgraded to the latest schema ($LATEST)"
is "$(sqlite3 -batch "$OLD" "SELECT group_concat(id || ':' || case_ref || ':' || rating || ':' || answer || ':' || source_row, ' ') FROM case_answers")" \
    "7:c1:Y:sufficient:3 8:c2:N:insufficient:4" "its case rows moved to case_answers, ids and all"
is "$(sqlite3 -batch "$OLD" "SELECT group_concat(id || ':' || level) FROM assessments")" "9:UNIT" \
    "the unit-level row stays in assessments"
is "$(sqlite3 -batch "$OLD" "SELECT group_concat(identity || ' ' || period_start, ', ') FROM case_answers")" \
    "A1|c1|Q01 2022-01-03, A1|c2|Q01 2022-01-03" "keys not of the usual form and all dates are kept"

# ---------------------------------------------------------------- upgrade from schema 4

# Schema 5 stops storing an answer's usual key (<event>|case:<case_ref>|<code as
# given>); the upgrade drops those it can rebuild exactly, and only those.
OLD4=$SCRATCH/schema4.db
"$BIN" schema | awk '/^-- migration 5$/ { exit } { print }' >"$SCRATCH/schema4.sql"
sqlite3 -batch "$OLD4" <"$SCRATCH/schema4.sql"
sqlite3 -batch "$OLD4" "PRAGMA user_version = 4;
INSERT INTO sources(id, plugin, plugin_version, identity_version, body, source_key, path, sha256, bytes, imported_at)
  VALUES (1, 'osag', '1.0.0', 1, 'OSAG', 'a.csv', '/a.csv', 'ab', 10, '2024-01-01T00:00:00Z');
INSERT INTO units(id, code, name, type, origin) VALUES (1, 'N54SUND', 'Sunderland', 'PDU', 'register');
INSERT INTO events(id, plugin, identity, identity_version, digest, source_id, source_row, body, kind, unit_id, started, ended, identity_hash)
  VALUES (1, 'osag', 'A1', 1, 0, 1, '2', 'OSAG', 'AUDIT', 1, '2022-01-03', '2022-01-07', 11);
INSERT INTO case_answers(id, identity, identity_version, identity_hash, digest, source_id, source_row, event_id, unit_id, framework, code, code_given, case_ref, period_start, period_end, observed_at, rating, answer)
  VALUES (7, 'A1|case:c1|Q01', 1, 21, 5, 1, '3', 1, 1, 'OSAG-2019', 'Q01', NULL, 'c1', '2022-01-03', '2022-01-07', '2022-01-07', 'Y', 'sufficient'),
         (8, 'A1|case:c2|q1', 1, 22, 6, 1, '4', 1, 1, 'OSAG-2019', 'Q01', 'q1', 'c2', '2022-01-03', '2022-01-07', '2022-01-05', 'N', 'insufficient'),
         (9, 'A1|case:c3|Q01|again', 1, 23, 7, 1, '5', 1, 1, 'OSAG-2019', 'Q01', NULL, 'c3', '2022-01-03', '2022-01-07', '2022-01-07', 'Y', 'sufficient');" \
    2>"$SCRATCH/schema4.err"
is "$(cat "$SCRATCH/schema4.err")" "" "(a schema-4 database with three case answers)"
before=$(sqlite3 -batch "$OLD4" "SELECT group_concat(id || ' ' || identity || ' ' || observed_at, ', ') FROM case_answers")
exits 0 "a schema-4 database opens" "$BIN" --db "$OLD4" sources
is "$(sqlite3 -batch "$OLD4" "PRAGMA user_version")" "$LATEST" "it is upgraded to the latest schema"
is "$(sqlite3 -batch "$OLD4" "SELECT group_concat(id || ' ' || quote(identity), ', ') FROM case_answers")" \
    "7 NULL, 8 NULL, 9 'A1|case:c3|Q01|again'" "usual keys (with the code as given) are dropped, others kept"
is "$(sqlite3 -batch "$OLD4" "SELECT group_concat(id || ' ' || identity || ' ' || observed_at, ', ') FROM case_answers_resolved")" \
    "$before" "case_answers_resolved gives back every key and date as they were"

done_testing
