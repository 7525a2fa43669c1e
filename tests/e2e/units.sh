# SPDX-License-Identifier: MIT
# End-to-end: the unit register on the command line. Listing and the tree,
# resolving a name step by step, a near miss in an import (an error with
# proposals, never a link), a person's confirmation with `concord units alias`
# after which the same import succeeds via 'person', and a user's own register.
# Usage: sh tests/e2e/units.sh BINARY SOURCE_ROOT   (prints TAP)
. "$2/tests/e2e/lib.sh"

fresh_db

# One line of a listing with its runs of spaces squeezed.
line() { # TEXT PATTERN (grep -E)
    printf '%s\n' "$1" | grep -E "$2" | tr -s ' '
}

# A t-rec file (tests/plugins/t_rec.lua): one recommendation of one inspection of UNIT.
rec_file() { # FILE UNIT
    printf 'test_rec_id,event,unit,started,ended,text,status,due\n' >"$1"
    printf 'R1,E1,%s,2022-01-10,2022-01-20,Improve risk assessments,OPEN,\n' "$2" >>"$1"
}

NEAR='Gateshed and S Tyneside'
q() { # the sql quoting of a value
    printf "'%s'" "$(printf '%s' "$1" | sed "s/'/''/g")"
}

# ---------------------------------------------------------------- help and listing

exits 0 "units --help" concord units --help
like "$out" "Usage: concord*units alias NAME CODE*" "help shows the actions"
exits 0 "help units" "$BIN" help units

exits 0 "units lists the register" concord units
is "$(printf '%s\n' "$out" | sed -n 1p | tr -s ' ')" "code type name parent valid origin" "a header"
is "$(line "$out" '^N54SOT ')" "N54SOT PDU Gateshead and South Tyneside N54 2021-06-26.. register" \
    "a PDU: code, type, name, parent, validity, origin"
is "$(line "$out" '^CRC21 ')" "CRC21 CRC Wales CRC NATIONAL 2014-06-01..2021-06-25 register" "a CRC"
is "$(line "$out" '^NATIONAL ')" "NATIONAL NATIONAL England and Wales - always register" "the root"
is "$(printf '%s\n' "$out" | grep -c '^CRC[0-9][0-9] ')" 21 "21 CRCs"
is "$(printf '%s\n' "$out" | grep -c '^NPS-N0[1-7] ')" 7 "7 NPS divisions"
is "$(printf '%s\n' "$out" | grep -c ' REGION ')" 12 "12 regions"

exits 0 "units --type crc" concord units --type crc
is "$(printf '%s\n' "$out" | sed 1d | grep -vc '^CRC')" 0 "--type keeps one type"
is "$(printf '%s\n' "$out" | sed 1d | wc -l | tr -d ' ')" 21 "all 21 CRCs"
exits 64 "--type must be a type" concord units --type WARD
like "$err" "*--type must be one of*not 'WARD'*" "and says which"
exits 64 "an unknown option" concord units --frobnicate
exits 64 "resolve needs a name" concord units resolve
exits 64 "alias needs a name and a code" concord units alias "$NEAR"

exits 0 "units --tree" concord units --tree
is "$(printf '%s\n' "$out" | sed -n 1p)" "NATIONAL  England and Wales  (NATIONAL, always)" "the root first"
is "$(printf '%s\n' "$out" | grep -E '^ *(N54|N54SOT) ')" \
    "  N54  North East  (REGION, 2021-06-26..)
    N54SOT  Gateshead and South Tyneside  (PDU, 2021-06-26..)" "PDUs are indented under their region"
is "$(printf '%s\n' "$out" | grep -c '^    NPS-N0')" 7 "the NPS divisions under the NPS"
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" "$(sql 'SELECT count(*) FROM units')" "every unit once"
exits 0 "units --tree --type NPS_DIVISION" concord units --tree --type NPS_DIVISION
is "$(printf '%s\n' "$out" | sed -n '1,3p')" "NATIONAL  England and Wales  (NATIONAL, always)
  NPS  National Probation Service  (PROVIDER, 2014-06-01..2021-06-25)
    NPS-N01  NPS North West  (NPS_DIVISION, 2014-06-01..2021-06-25)" "a typed tree keeps the parents"
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 9 "and nothing else"

exits 0 "units show CRC21" concord units show CRC21
like "$out" "CRC21  Wales CRC*type      CRC*crosswalk*CRC21 Wales CRC -> N03 Wales: equal [[]inferred] Wales*" \
    "show: the unit and its crosswalk links, marked when inferred"
is "$(sql "SELECT count(*) FROM unit_crosswalk")" \
    "$(grep -c '{ *from = ' "$SRC/plugins/register/units.lua")" "every crosswalk entry of units.lua is loaded"
exits 65 "show an unknown code" concord units show NOPE

# ---------------------------------------------------------------- resolve

exits 0 "resolve a code" concord units resolve N54SOT
is "$(printf '%s\n' "$out" | sed -n '2p;$p')" "  1 exact code       yes: it is a unit's code
result: N54SOT Gateshead and South Tyneside (PDU), via code" "step 1, via code"

exits 0 "resolve a published CRC name" concord units resolve 'Humberside, Lincolnshire and North Yorkshire CRC'
like "$out" "*2 exact alias      yes: *result: CRC07 Humberside, Lincolnshire and North Yorkshire CRC (CRC), via alias" \
    "step 2, via alias"

exits 0 "resolve a loosely written name" concord units resolve 'GATESHEAD & South Tyneside Probation Delivery Unit'
is "$out" "resolving 'GATESHEAD & South Tyneside Probation Delivery Unit'
  1 exact code       no unit has the code 'GATESHEAD & South Tyneside Probation Delivery Unit'
  2 exact alias      no name or alias in the register is exactly 'GATESHEAD & South Tyneside Probation Delivery Unit'
  3 normalised       \"gateshead and south tyneside\" matches 'Gateshead and South Tyneside' (register name or alias) of N54SOT Gateshead and South Tyneside (PDU)
  4 person alias     not needed
  5 fuzzy            not needed
result: N54SOT Gateshead and South Tyneside (PDU), via normalised" "the whole decision path, via normalised"

exits 65 "resolve a near miss: exit 65" concord units resolve "$NEAR"
is "$(printf '%s\n' "$out" | sed -n '2,5p')" "  1 exact code       no unit has the code '$NEAR'
  2 exact alias      no name or alias in the register is exactly '$NEAR'
  3 normalised       no name, alias or code normalises to \"gateshed and s tyneside\"
  4 person alias     no alias a person confirmed normalises to \"gateshed and s tyneside\"" \
    "steps 1-4 say no"
like "$(printf '%s\n' "$out" | sed -n '6,7p')" "  5 fuzzy            proposals only (never links)*
                       N54SOT   0.[89]?  Gateshead and South Tyneside" "step 5 proposes N54SOT first, with its score"
is "$(printf '%s\n' "$out" | grep -c '^                       [A-Z]')" 3 "three proposals"
is "$(printf '%s\n' "$out" | tail -n 2)" "result: not resolved; an import naming it fails. Confirm a unit with:
  concord units alias '$NEAR' N54SOT" "the result says how to confirm"

# ---------------------------------------------------------------- a near miss in an import

F=$SCRATCH/near.csv
rec_file "$F" "$NEAR"
dump_db "$SCRATCH/before.sql"
exits 65 "importing a near miss fails" concord import "$F"
like "$err" "concord: t-rec:$F:2: unit: '$NEAR' is not in the unit register; closest: N54SOT Gateshead and South Tyneside (0.[89]?), * (0.??), * (0.??); confirm one with: concord units alias '$NEAR' N54SOT
concord: $F was not imported; the database is unchanged by it" \
    "the error lists three candidates with scores and the command that confirms one"
is "$(sql "SELECT count(*) FROM events")" 0 "nothing imported"
is "$(sql "SELECT count(*) FROM unit_aliases WHERE alias = $(q "$NEAR")")" 0 "a proposal is not a link"
if grep -q 'unit_record_unresolved' "$SRC/core/import.c"; then
    is "$(sql "SELECT name || '|' || times || '|' || last_file FROM unresolved_units")" "$NEAR|1|$F" \
        "the name is recorded in unresolved_units, after the rollback"
    like "$(sql "SELECT candidates FROM unresolved_units")" \
        '[[]{"code": "N54SOT", "name": "Gateshead and South Tyneside", "score": 0.*}, {*}, {*}]' \
        "with its candidates as JSON"
    exits 0 "units --unresolved" concord units --unresolved
    like "$out" "'$NEAR': seen 1 time, *Z .. *Z, last in $F
    closest: N54SOT Gateshead and South Tyneside (0.*), *
    confirm with: concord units alias '$NEAR' N54SOT" "lists it with its candidates"
else
    skip "the name is recorded in unresolved_units" "import.c does not call unit_record_unresolved yet"
    skip "with its candidates as JSON" "import.c does not call unit_record_unresolved yet"
    skip "units --unresolved lists it" "import.c does not call unit_record_unresolved yet"
fi

# The listing itself, from a row as unit_record_unresolved writes it.
sql "INSERT INTO unresolved_units(name, first_seen, last_seen, times, last_file, candidates)
     VALUES ('Sunderlnd', '2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z', 3, 'q1.csv',
             '[{\"code\": \"N54SUND\", \"name\": \"Sunderland\", \"score\": 0.97}]')"
exits 0 "units --unresolved" concord units --unresolved
like "$out" "*'Sunderlnd': seen 3 times, 2024-01-01T00:00:00Z .. 2024-02-01T00:00:00Z, last in q1.csv
    closest: N54SUND Sunderland (0.97)
    confirm with: concord units alias 'Sunderlnd' N54SUND*" "--unresolved: times, dates, last file, candidates"

# ---------------------------------------------------------------- units alias

exits 65 "alias to an unknown code: exit 65" concord units alias "$NEAR" NOPE --by tester
is "$err" "concord: unit: no unit has the code 'NOPE'; see 'concord units'" "names the code"
exits 65 "a code in the wrong case" concord units alias "$NEAR" n54sot --by tester
like "$err" "*(did you mean N54SOT?)*" "suggests the code"
exits 65 "a code cannot become an alias" concord units alias N54SUND N54SOT --by tester --replace
like "$err" "*'N54SUND' is the code of N54SUND, so it cannot mean N54SOT*" "says why"

exits 0 "units alias NAME CODE" concord units alias "$NEAR" N54SOT --by tester
like "$out" "'$NEAR' now means N54SOT Gateshead and South Tyneside (confirmed by tester at 2*Z)*" \
    "says what it recorded"
is "$(sql "SELECT u.code || '|' || a.method || '|' || a.confirmed_by || '|' || (a.score IS NULL)
           FROM unit_aliases a JOIN units u ON u.id = a.unit_id WHERE a.alias = $(q "$NEAR")")" \
    "N54SOT|person|tester|1" "an alias row: method person, confirmed_by"
like "$(sql "SELECT confirmed_at FROM unit_aliases WHERE alias = $(q "$NEAR")")" \
    '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z' "confirmed_at: UTC ISO"
is "$(sql "SELECT count(*) FROM unresolved_units WHERE name = $(q "$NEAR")")" 0 \
    "the name left unresolved_units"

exits 65 "an alias already pointing elsewhere: exit 65" concord units alias "$NEAR" N54SUND --by tester
is "$err" "concord: unit: '$NEAR' already means N54SOT Gateshead and South Tyneside (person alias '$NEAR'); pass --replace to make it mean N54SUND instead" \
    "names the current unit and --replace"
exits 0 "the same alias again" concord units alias "$NEAR" N54SOT --by someone-else
like "$out" "*nothing to change*" "changes nothing"
is "$(sql "SELECT confirmed_by FROM unit_aliases WHERE alias = $(q "$NEAR")")" tester "(still tester's)"

exits 0 "the import now succeeds" concord import "$F"
is "$(sql "SELECT u.code || '|' || e.unit_via FROM events e JOIN units u ON u.id = e.unit_id")" \
    "N54SOT|person" "the event's unit resolved via person"

exits 0 "resolve after the alias" concord units resolve "$NEAR"
is "$(printf '%s\n' "$out" | sed -n '5p;$p')" \
    "  4 person alias     yes: '$NEAR' (person alias, confirmed by tester at $(sql "SELECT confirmed_at FROM unit_aliases WHERE alias = $(q "$NEAR")")) of N54SOT Gateshead and South Tyneside (PDU)
result: N54SOT Gateshead and South Tyneside (PDU), via person" "step 4, via person"

# $USER by default; --replace moves an alias; the unresolved entry goes.
exits 0 "alias with \$USER" env USER=casey "$BIN" --db "$DB" units alias Sunderlnd N54SUND
like "$out" "'Sunderlnd' now means N54SUND Sunderland (confirmed by casey at *); removed from the unresolved names" \
    "confirmed by \$USER, and removed from the unresolved names"
exits 0 "--replace moves it" concord units alias Sunderlnd N54SOT --by tester --replace
like "$out" "'Sunderlnd' now means N54SOT Gateshead and South Tyneside instead of N54SUND*" "says so"
exits 0 "units --unresolved when none" concord units --unresolved
is "$out" "(no unresolved unit names)" "nothing left unresolved"
exits 0 "units show N54SOT" concord units show N54SOT
like "$out" "*$NEAR *person, confirmed by tester at *" "show: each link with how it was made"

# ---------------------------------------------------------------- --accept-fuzzy

if "$BIN" import --help 2>/dev/null | grep -q -- '--accept-fuzzy'; then
    G=$SCRATCH/fuzzy.csv
    rec_file "$G" 'Stockton & Hartlepol'
    exits 65 "without --accept-fuzzy a near miss fails" concord import "$G"
    exits 65 "a proposal under the threshold is not accepted" concord import --accept-fuzzy 0.999 "$G"
    exits 0 "--accept-fuzzy 0.9 accepts the proposal" concord import --accept-fuzzy 0.9 "$G"
    is "$(sql "SELECT u.code || '|' || e.unit_via FROM events e JOIN units u ON u.id = e.unit_id
               WHERE e.source_id = (SELECT max(id) FROM sources)")" "N54STHA|fuzzy" "via fuzzy"
    like "$(sql "SELECT method || '|' || score FROM unit_aliases WHERE alias = 'Stockton & Hartlepol'")" \
        'fuzzy|0.9*' "stored as a fuzzy alias with its score"
else
    skip "--accept-fuzzy accepts a proposal above the threshold" "import has no --accept-fuzzy yet"
fi

# ---------------------------------------------------------------- a user's register

MINE=$SCRATCH/mine
mkdir -p "$MINE/register"
cat >"$MINE/register/units.lua" <<'EOF'
return {
  units = {
    { code = "LDU-GST-1", name = "Gateshead Local Delivery Unit", type = "LDU", parent = "N54SOT",
      aliases = { "Gateshead LDU" } },
    { code = "TEAM-GST-1A", name = "Gateshead Team A", type = "TEAM", parent = "LDU-GST-1" },
    { code = "CRC02", aliases = { "Durham & Tees CRC" } },
  },
  crosswalk = {
    { from = "CRC01", to = "LDU-GST-1", relationship = "superset", inferred = true },
  },
}
EOF
exits 0 "units --plugin-dir loads a user's register" concord units --tree --plugin-dir "$MINE"
is "$(printf '%s\n' "$out" | grep -E '^ *(N54SOT|LDU-GST-1|TEAM-GST-1A) ')" \
    "    N54SOT  Gateshead and South Tyneside  (PDU, 2021-06-26..)
      LDU-GST-1  Gateshead Local Delivery Unit  (LDU, always)
        TEAM-GST-1A  Gateshead Team A  (TEAM, always)" "its LDU and team sit under their parents"
is "$(sql "SELECT origin FROM units WHERE code = 'LDU-GST-1'")" config "origin config"
exits 0 "resolve a user alias" concord units resolve 'Gateshead LDU'
like "$out" "*result: LDU-GST-1 Gateshead Local Delivery Unit (LDU), via config" "via config"
exits 0 "resolve an alias a user added to a built-in unit" concord units resolve 'Durham and Tees CRC'
like "$out" "*result: CRC02 Durham Tees Valley CRC (CRC), via config" "via config"
H=$SCRATCH/ldu.csv
rec_file "$H" 'Gateshead LDU'
exits 0 "an import naming the LDU" concord import "$H"
is "$(sql "SELECT u.code || '|' || e.unit_via FROM events e JOIN units u ON u.id = e.unit_id
           WHERE e.source_id = (SELECT max(id) FROM sources)")" "LDU-GST-1|config" "lands on the LDU"

done_testing
