# SPDX-License-Identifier: MIT
# Case references stay private, and configuration reaches normalisation: no raw CRN
# anywhere in the database file after importing the examples; the same CRN gives the same
# pseudonym under one key and another under another key; concord case finds a case by its
# CRN without printing it; keep_raw_case_refs and key_file from the configuration; rating
# scales overridden from the configuration change the bands.
. "$2/tests/e2e/lib.sh"

exits 0 "import the examples" "$BIN" --db "$DB" import --quiet "$SRC/examples"
is "$(stat -c %a "$DB.key")" "600" "the key file beside the database is private (0600)"
crns=$(grep -rhoE '\bZ[0-9]{6}\b' "$SRC/examples" | sort -u)
ok "the examples hold CRNs to hide" test -n "$crns"
"$BIN" --db "$DB" sources >/dev/null   # a reader closes the WAL cleanly
found=0
for f in "$DB" "$DB-wal"; do
    [ -f "$f" ] || continue
    n=$(strings "$f" | grep -cE 'Z[0-9]{6}' || true)
    found=$((found + n))
done
is "$found" "0" "no raw CRN in the database file (strings)"
is "$(sql "SELECT count(*) FROM (SELECT case_ref, identity, text FROM assessments
            UNION ALL SELECT case_ref, identity, text FROM case_answers_resolved)
            WHERE case_ref GLOB 'Z[0-9][0-9][0-9][0-9][0-9][0-9]'
            OR identity GLOB '*Z[0-9][0-9][0-9][0-9][0-9][0-9]*' OR text GLOB '*Z[0-9][0-9][0-9][0-9][0-9][0-9]*'")" "0" \
    "no raw CRN in case_ref, identity or text (SQL)"
is "$(sql "SELECT count(DISTINCT length(case_ref)) || ':' || min(length(case_ref)) || ':' || (count(*) > 1000) FROM case_answers")" \
    "1:32:1" "every case reference (thousands of them) is a 32-hex-digit pseudonym"

# The parse pseudonymises the key (which holds the CRN) and the case alike.
is "$(sql "SELECT count(*) > 1000, sum(instr(a.identity, 'case:' || a.case_ref) = 0)
           FROM case_answers_resolved a JOIN events e ON e.id = a.event_id WHERE e.body = 'OSAG'")" "1|0" \
    "each OSAG answer's key holds its case's pseudonym"
# Schema 5: the usual key (<audit>|case:<pseudonym>|<question>) is not stored twice.
is "$(sql "SELECT count(*) > 1000, count(a.identity) FROM case_answers a JOIN events e ON e.id = a.event_id
           WHERE e.body = 'OSAG'")" "1|0" "... and is rebuilt from event, case and code, not stored"

# Z731272 is one of the five cases examined by three bodies (examples/README.md, situation d).
exits 0 "concord case finds a case by its CRN" "$BIN" --db "$DB" case Z731272
unlike "$out" "*Z731272*" "without printing the CRN"
like "$out" "*IQA*OSAG*HMIP*" "and shows all three bodies' answers, in date order"
events=$(printf '%s\n' "$out" | grep -c ' of N54STHA, ' || true)
is "$events" "3" "three events examined the case"
p1=$(sql "SELECT DISTINCT a.case_ref FROM case_answers a JOIN events e ON e.id = a.event_id
          WHERE e.body = 'OSAG' AND a.case_ref IN (SELECT case_ref FROM case_answers x JOIN events y
          ON y.id = x.event_id WHERE y.body = 'HMIP') LIMIT 1")
ok "the same CRN from two bodies has the same pseudonym" test -n "$p1"
# The pseudonym is HMAC-SHA-256 of the CRN under the key file, its first 16 bytes in hex:
# existing databases depend on it never changing.
hmac=$(python3 -c 'import hmac, hashlib, sys
print(hmac.new(bytes.fromhex(open(sys.argv[1]).read().strip()), b"Z731272", hashlib.sha256).hexdigest()[:32])' "$DB.key")
is "$(sql "SELECT count(*) > 0 FROM case_answers WHERE case_ref = '$hmac'")" 1 \
    "Z731272's pseudonym is HMAC-SHA-256 of it under the key ($(printf %.8s "$hmac")...)"
exits 64 "concord case refuses what is not a CRN" "$BIN" --db "$DB" case z73127
unlike "$err" "*z73127*" "without echoing it"

# Another database, another key: other pseudonyms for the same cases.
D2=$SCRATCH/other.db
"$BIN" --db "$D2" import --quiet "$SRC/examples/osag" >/dev/null 2>&1
a=$(sql "SELECT a.case_ref FROM case_answers_resolved a JOIN events e ON e.id = a.event_id
          WHERE e.body = 'OSAG' ORDER BY a.identity LIMIT 1")
b=$(sqlite3 "$D2" "SELECT case_ref FROM case_answers_resolved ORDER BY identity LIMIT 1")
ok "a different key gives different pseudonyms" test -n "$a" -a -n "$b" -a "$a" != "$b"
cp "$DB.key" "$SCRATCH/same.db.key"
"$BIN" --db "$SCRATCH/same.db" import --quiet "$SRC/examples/osag" >/dev/null 2>&1
is "$(sqlite3 "$SCRATCH/same.db" "SELECT count(*) > 100, group_concat(case_ref) FROM (SELECT DISTINCT case_ref FROM case_answers ORDER BY 1)")" \
   "$(sql "SELECT count(*) > 100, group_concat(case_ref) FROM (SELECT DISTINCT a.case_ref FROM case_answers a JOIN events e ON e.id = a.event_id WHERE e.body = 'OSAG' ORDER BY 1)")" \
   "the same key gives the same pseudonyms"
mv "$DB.key" "$SCRATCH/moved.key"
printf '%064d\n' 7 >"$DB.key"
exits 65 "a database refuses a key it was not built with" "$BIN" --db "$DB" import "$SRC/examples/contract"
like "$err" "*is not the one this database was built with*" "and says so"
mv "$SCRATCH/moved.key" "$DB.key"

# The configuration: a key file elsewhere, and raw references on purpose.
cat >"$SCRATCH/keyfile.lua" <<'CFG'
privacy = { key_file = "keys/case.key" }
CFG
mkdir -p "$SCRATCH/keys"
exits 0 "privacy.key_file puts the key where the configuration says" \
    "$BIN" --db "$SCRATCH/k.db" --config "$SCRATCH/keyfile.lua" import --quiet "$SRC/examples/osag"
ok "the key is in keys/case.key" test -f "$SCRATCH/keys/case.key"
ok "and not beside the database" test ! -f "$SCRATCH/k.db.key"
cat >"$SCRATCH/raw.lua" <<'CFG'
privacy = { keep_raw_case_refs = true }
CFG
exits 0 "privacy.keep_raw_case_refs keeps the CRNs as given" \
    "$BIN" --db "$SCRATCH/raw.db" --config "$SCRATCH/raw.lua" import --quiet "$SRC/examples/osag"
like "$err" "*keeping raw case references*" "with a warning"
ok "the raw CRNs are there" test "$(sqlite3 "$SCRATCH/raw.db" "SELECT count(*) FROM case_answers WHERE case_ref GLOB 'Z[0-9][0-9][0-9][0-9][0-9][0-9]'")" -gt 0
exits 65 "a pseudonymised database refuses raw references" \
    "$BIN" --db "$DB" --config "$SCRATCH/raw.lua" import "$SRC/examples/contract"

# Scales from the configuration.
before=$(sql "SELECT band FROM assessments WHERE derived = 1 AND cases_applicable = 25 AND cases_sufficient = 18 LIMIT 1")
cat >"$SCRATCH/strict.lua" <<'CFG'
scales = { scales = { { name = "percent-sufficient", kind = "thresholds", thresholds = { 95, 90, 85 } } } }
CFG
exits 0 "a stricter percent-sufficient scale from the configuration" \
    "$BIN" --db "$SCRATCH/strict.db" --config "$SCRATCH/strict.lua" import --quiet "$SRC/examples/osag"
after=$(sqlite3 "$SCRATCH/strict.db" "SELECT band FROM assessments WHERE derived = 1 AND cases_applicable = 25 AND cases_sufficient = 18 LIMIT 1")
is "$before/$after" "3/1" "18 of 25 (72%) is band 3 by default, band 1 under the stricter scale"
like "$(sqlite3 "$SCRATCH/strict.db" "SELECT band_basis FROM assessments WHERE derived = 1 LIMIT 1")" \
    "percent-sufficient: *" "the basis names the scale"
done_testing
