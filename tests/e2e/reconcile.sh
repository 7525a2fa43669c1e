# SPDX-License-Identifier: MIT
# The reconciler on the example data: every planted situation of examples/README.md is
# found with the right kind, unit and area; the clean PDU has no flag; runs are
# deterministic; flags are new, then open, then resolved when their evidence goes; a
# person's decision survives a re-import and lapses when the evidence changes.
. "$2/tests/e2e/lib.sh"

EX=$SCRATCH/examples
cp -R "$SRC/examples" "$EX"
SOURCE_DATE_EPOCH=1767225600   # 2026-01-01: the stalled-recommendation rule counts days to "today"
export SOURCE_DATE_EPOCH
rc() { "$BIN" --db "$DB" "$@"; }

exits 0 "concord run on the examples" rc run "$EX"
like "$out" "*run 1: * flags (* new, 0 still open, 0 resolved)*" "the first run finds only new flags"
is "$(sql "SELECT count(*) FROM runs")" "1" "one run is recorded"
is "$(sql "SELECT trigger FROM runs")" "run" "with its trigger"

# ---------------------------------------------------------------- planted situations
# examples/expected-flags.csv: situation,status,kind,unit,area,from,to,bodies,evidence
while IFS=, read -r situation status kind unit area rest; do
    [ "$situation" = situation ] && continue
    [ "$status" = none ] && continue
    n=$(sql "SELECT count(*) FROM flags f JOIN units u ON u.id = f.unit_id
             WHERE f.kind = '$kind' AND u.code = '$unit' AND ('$area' = '' OR f.area = '$area')")
    ok "situation $situation ($status): $kind in $unit${area:+ on $area}" test "$n" -ge 1
done <"$EX/expected-flags.csv"

is "$(sql "SELECT count(*) FROM flags f JOIN units u ON u.id = f.unit_id WHERE u.code = 'N54NOT'")" \
    "0" "situation h: the clean PDU N54NOT has no flag of any kind"
is "$(sql "SELECT group_concat(DISTINCT bodies) FROM flags WHERE kind = 'DUPLICATE_CASE'")" \
    "HMIP+IQA+OSAG" "the shared cases were examined by three bodies"
is "$(sql "SELECT count(*) FROM flags WHERE kind = 'DUPLICATE_CASE'")" "5" \
    "one duplicate-case flag per shared case (five planted)"
is "$(sql "SELECT count(*) FROM flags WHERE kind = 'DISCONNECT' AND area = 'ORG.LEAD'")" "1" \
    "the leadership disconnect is N54SOT's alone"
like "$(sql "SELECT explanation FROM flags f JOIN units u ON u.id = f.unit_id
             WHERE kind = 'DIVERGENCE' AND u.code = 'N54SUND' AND bodies = 'CONTRACT+HMIP'")" \
    "*HMIP*2.3*Is planning*Answer: Inadequate*SL006*15 business days*Answer: 93.8 against a target of 85, band 4 (target exceeded)*different questions*" \
    "the divergence quotes both questions and both answers"
like "$(sql "SELECT explanation FROM flags f JOIN units u ON u.id = f.unit_id
             WHERE kind = 'CONTRADICTION' AND u.code = 'N54NUTY'")" \
    "*51 of 60 case answers sufficient (85%)*Answer: Inadequate*key questions*36 of 90 cases sufficient (40%)*" \
    "the contradiction gives each body's share of cases"
is "$(sql "SELECT count(*) FROM flags WHERE explanation GLOB '*Z[0-9][0-9][0-9][0-9][0-9][0-9]*'")" "0" \
    "no explanation holds a case reference"
is "$(sql "SELECT count(*) FROM flags WHERE members = '[]' OR bodies = ''")" "0" \
    "every flag names its members and bodies"

# ---------------------------------------------------------------- determinism
sql "SELECT fingerprint, kind, severity, explanation FROM flags ORDER BY fingerprint" >"$SCRATCH/f1"
exits 0 "a second run with no new data" rc reconcile
like "$out" "*run 2: * flags (0 new, * still open, 0 resolved)*" "zero new, zero resolved"
sql "SELECT fingerprint, kind, severity, explanation FROM flags ORDER BY fingerprint" >"$SCRATCH/f2"
ok "the same fingerprints and explanations" cmp -s "$SCRATCH/f1" "$SCRATCH/f2"
is "$(sql "SELECT count(*) FROM flags WHERE status = 'open'")" "$(wc -l <"$SCRATCH/f1" | tr -d ' ')" \
    "every flag is open after the second run"
cp "$DB" "$SCRATCH/other.db" 2>/dev/null
rm -f "$SCRATCH/fresh.db"*
cp "$DB.key" "$SCRATCH/fresh.db.key"   # the same case key: the same pseudonyms
"$BIN" --db "$SCRATCH/fresh.db" run "$EX" >/dev/null 2>&1
sqlite3 "$SCRATCH/fresh.db" "SELECT fingerprint, kind, severity, explanation FROM flags ORDER BY fingerprint" >"$SCRATCH/f3"
ok "a fresh database gives the same flags (fingerprints do not depend on ids)" cmp -s "$SCRATCH/f1" "$SCRATCH/f3"

# ---------------------------------------------------------------- decisions
fp=$(sql "SELECT f.fingerprint FROM flags f JOIN units u ON u.id = f.unit_id
          WHERE kind = 'CONTRADICTION' AND u.code = 'N54NUTY'")
exits 64 "ack needs a reason" rc ack "$fp"
exits 0 "ack with a reason" rc ack "$fp" --reason "discussed with the inspectorate" --by tester
like "$out" "acknowledged $fp: discussed with the inspectorate by tester" "ack says what it recorded"
exits 65 "ack of an unknown fingerprint" rc ack 00000000deadbeef --reason x
exits 0 "flags --status acknowledged" rc flags --status acknowledged --format csv
is "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f2)" "$fp" "lists exactly the acknowledged flag"
exits 0 "re-importing the same files" rc run "$EX"
exits 0 "flags --format json" rc flags --format json
like "$out" "*\"fingerprint\": \"$fp\"*\"decision\": {\"decision\": \"ack\", \"by\": \"tester\"*" \
    "the decision survives a re-import and a re-run"

# The evidence changes: one key question's counts in the NUTY inspection.
f=$EX/hmip/hmip-pdu-N54NUTY-2022-results.csv
sed 's/,2\.2\.1,ENGAGE,30,13,43,/,2.2.1,ENGAGE,30,12,40,/' "$f" >"$f.new" && mv "$f.new" "$f"
exits 0 "a new version of the inspection results" rc run "$EX"
like "$out" "*hmip-pdu-N54NUTY-2022-results.csv*version 2 of its source*" "it is a new version of its source"
is "$(sql "SELECT status FROM flags WHERE fingerprint = '$fp'")" "open" \
    "the contradiction still holds: same fingerprint, still open"
exits 0 "flags --format json" rc flags --format json
unlike "$out" "*\"fingerprint\": \"$fp\"*\"decision\": {\"decision\": \"ack\"*\"unit\": \"N54NUTY\"*" \
    "the decision lapsed: the flag's evidence changed"
is "$(sql "SELECT count(*) FROM flag_decisions WHERE fingerprint = '$fp'")" "1" "the decision is kept in the history"

# ---------------------------------------------------------------- resolution
dup=$(sql "SELECT fingerprint FROM flags WHERE kind = 'DUPLICATE_RECOMMENDATION'")
f=$EX/hmip/hmip-pdu-N54SUND-2022-results.csv
sed 's/Improve the quality of sentence planning so that plans are personalised, involve the person on probation and address the risk of harm to others\./Recruit and train two more senior probation officers to countersign plans./' "$f" >"$f.new" && mv "$f.new" "$f"
exits 0 "a new version of the SUND results, with different recommendation words" rc run "$EX"
like "$out" "*1 resolved)*" "one flag is resolved"
is "$(sql "SELECT status FROM flags WHERE fingerprint = '$dup'")" "resolved" \
    "the duplicate recommendation is resolved once the words differ"
is "$(sql "SELECT resolved_run = (SELECT max(id) FROM runs) FROM flags WHERE fingerprint = '$dup'")" "1" \
    "with the run that resolved it"
exits 0 "flags hides resolved flags by default" rc flags --kind DUPLICATE_RECOMMENDATION
like "$out" "no flags match*" "nothing shown"
exits 0 "flags --status resolved" rc flags --status resolved --kind DUPLICATE_RECOMMENDATION
like "$out" "*resolved*DUPLICATE_RECOMMENDATION*N54SUND*" "the resolved flag is kept"

# ---------------------------------------------------------------- output forms
exits 0 "flags --unit N54 covers the PDUs below the region" rc flags --unit N54 --format csv
is "$(printf '%s\n' "$out" | head -1)" \
    "flag_format,fingerprint,rule,kind,severity,status,decision,unit,unit_name,area,period_start,period_end,bodies,members,explanation" \
    "the CSV header"
ok "region filter finds the PDUs' flags" test "$(printf '%s\n' "$out" | wc -l)" -gt 10
exits 0 "flags --kind OVERLOAD --format json" rc flags --kind OVERLOAD --format json
like "$out" "*\"kind\": \"OVERLOAD\"*\"unit\": \"N54CLE\"*\"members\": [{\"type\":\"event\"*" \
    "JSON carries kind, unit and members"
ok "the JSON parses" sh -c "printf '%s' \"\$1\" | python3 -m json.tool >/dev/null" sh "$out"
exits 64 "flags --format xml is refused" rc flags --format xml
exits 0 "runs lists the runs" rc runs
like "$out" "*run*trigger*started*" "with a header"
is "$(printf '%s\n' "$out" | tail -n +2 | wc -l | tr -d ' ')" "$(sql "SELECT count(*) FROM runs")" \
    "one line per run"

# ---------------------------------------------------------------- configuration
cat >"$SCRATCH/off.lua" <<'CFG'
rules = { REPEATED_SCRUTINY = { enabled = false }, OVERLOAD = { min_events = 7 } }
CFG
exits 0 "a configuration switching a rule off" "$BIN" --db "$DB" --config "$SCRATCH/off.lua" reconcile
is "$(sql "SELECT count(*) FROM flags WHERE kind = 'REPEATED_SCRUTINY' AND status != 'resolved'")" "0" \
    "REPEATED_SCRUTINY is off: its flags resolve"
is "$(sql "SELECT count(*) FROM flags WHERE kind = 'OVERLOAD' AND status != 'resolved'")" "0" \
    "OVERLOAD at 7 events: N54CLE's six in 90 days no longer count"
done_testing
