# SPDX-License-Identifier: MIT
# End-to-end: concord daemon. Inbox files are imported once complete and
# moved to processed/ (failed/ with NAME.error.txt); a schedule runs in test
# mode (--tick: a schedule minute every half second); one daemon per
# database; SIGHUP with a broken configuration keeps the old one; SIGTERM
# during a large import leaves it all in or all out; a burst of 100 files is
# imported exactly once. Every wait polls every 0.1 s up to a time limit.
# Usage: sh tests/e2e/daemon.sh BINARY SOURCE_ROOT   (prints TAP)
. "$2/tests/e2e/lib.sh"

EX=$SRC/examples
INBOX=$SCRATCH/inbox
CFG=$SCRATCH/concord.lua
LOG=$SCRATCH/daemon.log
REPORTS=$SCRATCH/reports
DPID=

# A daemon left running by a failed check is stopped on the way out.
trap 'if [ -n "$DPID" ]; then kill -KILL "$DPID" 2>/dev/null; fi; rm -rf "$SCRATCH"' EXIT

nap() { sleep 0.1 2>/dev/null || sleep 1; }

# wait_until SECONDS CMD...: polls CMD every 0.1 s; fails when time runs out.
wait_until() {
    _left=$(($1 * 10))
    shift
    while ! "$@" >/dev/null 2>&1; do
        _left=$((_left - 1))
        [ "$_left" -gt 0 ] || return 1
        nap
    done
    return 0
}

logged() { grep -q -- "$1" "$LOG"; }
count_logged() { grep -c -- "$1" "$LOG"; }
sources() { sql 'SELECT count(*) FROM sources'; }
sources_at_least() { [ "$(sources)" -ge "$1" ]; }
gone() { [ ! -e "$1" ]; }
exists() { [ -e "$1" ]; }
dead() { ! kill -0 "$1" 2>/dev/null; }

write_config() { # SETTLE_SECONDS [EXTRA LINES]
    cat >"$CFG" <<EOF
inboxes = { { path = "inbox", settle_seconds = $1 } }
reports = { folder = "reports", formats = { "html", "json" }, keep = 2 }
$2
EOF
}
SCHEDULE='schedules = { { name = "quick", cron = "* * * * *", jobs = { "import", "reconcile", "report" } } }'


start_daemon() { # ARGS...
    : >"$LOG"
    "$BIN" --db "$DB" --config "$CFG" daemon "$@" 2>"$LOG" &
    DPID=$!
    wait_until 30 logged 'started: database'
}

# Sends SIGTERM and waits (at most a minute) for the exit; $drc is its status.
stop_daemon() {
    kill -TERM "$DPID"
    if wait_until 60 dead "$DPID"; then
        wait "$DPID"
        drc=$?
    else
        drc=timeout
        kill -KILL "$DPID" 2>/dev/null
    fi
    DPID=
}

fresh_db
write_config 0.3

# ---------------------------------------------------------------- start, one per database

ok "the daemon starts" start_daemon --tick 0.5
ok "it holds the lock file" exists "$DB.daemon.lock"
like "$(cat "$LOG")" "*: info: watching $INBOX (plugin: detected; imported files to $INBOX/processed, failed ones to $INBOX/failed; settle 0.3 s)*" \
    "it says what it watches"
exits 75 "a second daemon on the same database exits 75" \
    "$BIN" --db "$DB" --config "$CFG" daemon
like "$err" "concord\\[*\\]: error: not started: $DB: another concord daemon (pid $DPID) is already running on this database (it holds $DB.daemon.lock); stop it first" \
    "... saying which process holds it"

# ---------------------------------------------------------------- files dropped in

for f in "$EX"/osag/*.csv "$EX"/hmip/*.csv; do
    cp "$f" "$INBOX/"
done
n=$(ls "$EX"/osag/*.csv "$EX"/hmip/*.csv | wc -l | tr -d ' ')
ok "$n example files are imported" wait_until 60 sources_at_least "$n"
is "$(sources)" "$n" "... each once"
all_logged() { [ "$(count_logged ': info: imported ')" -ge "$n" ]; }
ok "... each with its 'imported' line" wait_until 10 all_logged
is "$(count_logged ': info: imported ')" "$n" "one 'imported' line per file"
is "$(ls "$INBOX/processed" | wc -l | tr -d ' ')" "$n" "processed/ holds all $n"
is "$(ls "$INBOX" | tr '\n' ' ')" "processed " "nothing else is left in the inbox"
like "$(grep "imported $INBOX/osag-audit-OA-2022-047-N54CLE.csv" "$LOG")" \
    "*: info: imported $INBOX/osag-audit-OA-2022-047-N54CLE.csv with osag 1.0.0: 325 rows, 326 records and 13 aggregates of case answers (339 new, 0 updated, 0 unchanged); parsed in *, stored in *; moved to $INBOX/processed/osag-audit-OA-2022-047-N54CLE.csv" \
    "the line says what was stored and where the file went"
exits 0 "the CLI reads while the daemon runs" concord sources
exits 0 "concord backup while the daemon runs" concord backup "$SCRATCH/backup.db"
like "$out" "$SCRATCH/backup.db: backup of $DB, * pages, in * s; its key copied to $SCRATCH/backup.db.key" \
    "... says what it copied"
is "$(sqlite3 -batch "$SCRATCH/backup.db" 'SELECT count(*) FROM sources; PRAGMA integrity_check')" \
    "$n
ok" "... a whole, intact copy"
ok "... with the key beside it" cmp -s "$DB.key" "$SCRATCH/backup.db.key"
is "$(ls -l "$SCRATCH/backup.db.key" | cut -c1-10)" "-rw-------" "... readable by its owner only"
exits 64 "a backup never replaces a file" concord backup "$SCRATCH/backup.db"

# ---------------------------------------------------------------- the schedule (test mode)

# A schedule every minute of the test clock (every half second), by SIGHUP.
write_config 0.3 "$SCHEDULE"
kill -HUP "$DPID"
ok "SIGHUP with a good configuration: reloaded" \
    wait_until 10 logged 'info: configuration reloaded: 1 inboxes, 1 schedules'
has_schedule_run() { [ "$(sql "SELECT count(*) FROM runs WHERE trigger = 'schedule'")" -ge 1 ]; }
ok "the schedule reconciles" wait_until 30 has_schedule_run
exits 0 "concord runs lists it" concord runs
like "$out" "*schedule *" "... with trigger schedule"
reports_written() { [ "$(ls "$REPORTS" 2>/dev/null | grep -c '^report-.*\.json$')" -ge 1 ]; }
ok "the schedule writes reports" wait_until 30 reports_written
html_written() { ls "$REPORTS"/report-*.html >/dev/null 2>&1; }
ok "... html too" html_written
like "$(cat "$LOG")" "*: info: schedule quick: running import, reconcile, report (due *)*" \
    "a run is logged with its jobs"
like "$(cat "$LOG")" "*: info: schedule quick: report: wrote $REPORTS/report-*" "the report job says what it wrote"
two_runs_later() { [ "$(count_logged 'schedule quick: report: wrote')" -ge 4 ]; }
ok "more runs" wait_until 30 two_runs_later
two_of_each() {
    [ "$(ls "$REPORTS" | grep -c '\.json$')" -eq 2 ] && [ "$(ls "$REPORTS" | grep -c '\.html$')" -eq 2 ]
}
ok "reports.keep = 2 keeps two of each format" two_of_each

# ---------------------------------------------------------------- failures, ignored names, collisions

# Row 50 of an OSAG audit gets an answer no question set has.
BROKEN=$SCRATCH/broken-audit.csv
sed -e '51s/,Q[0-9][0-9],/,Q99,/' -e 's/OA-2022-052/OA-2099-052/' \
    "$EX/osag/osag-audit-OA-2022-052-N54SOT.csv" >"$BROKEN"
"$BIN" --db "$SCRATCH/cli.db" import "$BROKEN" >/dev/null 2>"$SCRATCH/cli.err"
cli_msg=$(sed -n '1s/^concord: //p' "$SCRATCH/cli.err" | sed "s|$BROKEN|FILE|")
for name in .hidden.csv draft.csv.tmp upload.part notes.csv~ '~$book.csv' .#lock.csv; do
    cp "$EX/osag/osag-audit-OA-2022-007-N54CLE.csv" "$INBOX/$name"
done
cp "$BROKEN" "$INBOX/broken-audit.csv"
ok "a broken file is not imported" wait_until 30 logged "error: $INBOX/broken-audit.csv was not imported"
ok "... it goes to failed/" exists "$INBOX/failed/broken-audit.csv"
ok "... with its reason beside it" exists "$INBOX/failed/broken-audit.csv.error.txt"
is "$(sed -n 1p "$INBOX/failed/broken-audit.csv.error.txt" | sed "s|$INBOX/broken-audit.csv|FILE|")" \
    "$cli_msg" "the reason is the message 'concord import' gives"
like "$cli_msg" "osag:FILE:51: question_code: 'Q99' is not a question of OSAG-2019 (Q01 to Q13)" \
    "... which names the row and the field"
like "$(grep 'broken-audit' "$LOG")" \
    "*: error: $INBOX/broken-audit.csv was not imported: osag:$INBOX/broken-audit.csv:51: question_code: *; moved to $INBOX/failed/broken-audit.csv (the reason is in $INBOX/failed/broken-audit.csv.error.txt)*" \
    "the log says so"
is "$(sql "SELECT count(*) FROM sources WHERE source_key LIKE '%2099%'")" 0 "nothing of it was stored"
# A file that arrives under a temporary name and is then renamed.
cp "$EX/iqa/iqa-export-2021-07-01_2022-06-30.json" "$INBOX/iqa.json.part"
mv "$INBOX/iqa.json.part" "$INBOX/iqa.json"
ok "a file renamed from *.part is imported" wait_until 30 exists "$INBOX/processed/iqa.json"
# The same name again, same content: unchanged, and a new name in processed/.
cp "$EX/osag/osag-audit-OA-2022-047-N54CLE.csv" "$INBOX/"
ok "the same content again: unchanged" wait_until 30 logged "info: unchanged $INBOX/osag-audit-OA-2022-047-N54CLE.csv"
ok "a name already in processed/ gets a number" \
    exists "$INBOX/processed/osag-audit-OA-2022-047-N54CLE.1.csv"
like "$(cat "$LOG")" "*: info: unchanged $INBOX/osag-audit-OA-2022-047-N54CLE.csv (osag; already imported as source *); moved to $INBOX/processed/osag-audit-OA-2022-047-N54CLE.1.csv*" \
    "the same content is recognised by its hash"
is "$(ls -A "$INBOX" | sort | tr '\n' ' ')" \
    ".#lock.csv .hidden.csv draft.csv.tmp failed notes.csv~ processed upload.part ~\$book.csv " \
    "dot-files and temporary names are left alone"
is "$(sources)" "$((n + 1))" "one source more (the IQA export)"

# ---------------------------------------------------------------- a run still going is not started twice

# A file written a line at a time for 3 s: it never settles meanwhile, so the
# run whose import job waits for it is still going when the next ones fall due.
GROW=$INBOX/growing.csv
sed 's/OA-2022-019/OA-2098-019/' "$EX/osag/osag-audit-OA-2022-019-N54CLE.csv" | head -31 >"$SCRATCH/grow.src"
(
    while IFS= read -r line; do
        printf '%s\n' "$line" >>"$GROW"
        nap
    done <"$SCRATCH/grow.src"
) &
writer=$!
ok "a run due while the last one still runs is skipped" \
    wait_until 10 logged 'warn: schedule quick: the run due at .* is skipped: the previous run is still going'
wait "$writer"
ok "the file is imported once it is complete" wait_until 30 exists "$INBOX/processed/growing.csv"
is "$(sql "SELECT rows_read FROM sources WHERE source_key = 'osag-OA-2098-019'")" 30 "... all 30 rows of it"
runs_now=$(count_logged 'schedule quick: done')
more_runs() { [ "$(count_logged 'schedule quick: done')" -gt "$runs_now" ]; }
ok "the schedule goes on" wait_until 10 more_runs

# ---------------------------------------------------------------- SIGHUP

write_config 0.3 "$SCHEDULE
log = { level = \"loud\" }"
kill -HUP "$DPID"
ok "SIGHUP with a broken configuration: refused" wait_until 10 logged 'error: the configuration has problems; keeping the one in use'
ok "... each problem logged" wait_until 10 logged "error: $CFG:4: log.level: expected \"error\", \"warn\", \"info\" or \"debug\", got \"loud\""
cp "$EX/hmip/hmip-pdu-N54CLE-2021-results.csv" "$INBOX/again.csv"
ok "... and the daemon still works" wait_until 30 exists "$INBOX/processed/again.csv"
ok "... with the old configuration (it did not start again)" [ "$(count_logged 'started: database')" -eq 1 ]
ok "... nor reloaded" [ "$(count_logged 'configuration reloaded')" -eq 1 ]
runs_now=$(count_logged 'schedule quick: done')
ok "... and its schedule goes on" wait_until 30 more_runs
write_config 0.3 "$SCHEDULE"

ok "SIGTERM stops it" stop_daemon
is "$drc" 0 "... with exit status 0"
like "$(tail -1 "$LOG")" "*: info: stopped: * files imported, * unchanged, 1 failed since the start" \
    "... saying what it did"
ok "the lock is free again: a daemon starts" start_daemon --log-format json
like "$(grep daemon.start "$LOG")" '{"ts":"*","level":"info","event":"daemon.start",*"msg":"concord * started: *"}' \
    "--log-format json: one object per line"
is "$(grep -vc '^{"ts":"[^"]*","level":"[a-z]*","event":"[a-z_.]*",.*,"msg":".*"}$' "$LOG")" 0 \
    "... every line"
ok "stop" stop_daemon

# ---------------------------------------------------------------- a burst of 100 files

# One audit split into 100 files of a few rows, each its own audit.
mkdir "$SCRATCH/burst"
awk -F, -v OFS=, -v dir="$SCRATCH/burst" '
    NR == 1 { header = $0; next }
    { k = int((NR - 2) * 100 / 325); f = sprintf("%s/burst-%03d.csv", dir, k)
      if (!(f in seen)) { print header > f; seen[f] = 1 }
      $1 = sprintf("OA-2030-%03d", k); print > f }' "$EX/osag/osag-audit-OA-2022-047-N54CLE.csv"
is "$(ls "$SCRATCH/burst" | wc -l | tr -d ' ')" 100 "100 files to drop"
before=$(sources)
write_config 0.2
start_daemon
t0=$(date +%s)
mv "$SCRATCH"/burst/* "$INBOX/"
ok "a burst of 100 files is imported" wait_until 120 sources_at_least $((before + 100))
t1=$(date +%s)
diag "100 files in about $((t1 - t0)) s"
ok "... all moved" wait_until 10 exists "$INBOX/processed/burst-099.csv"
ok "stop" stop_daemon
is "$(sql "SELECT count(*), count(DISTINCT sha256) FROM sources WHERE source_key LIKE 'osag-OA-2030-%'")" "100|100" \
    "exactly once each"
is "$(ls "$INBOX/processed" | grep -c '^burst-')" 100 "100 in processed/"
is "$(count_logged ": info: imported $INBOX/burst-")" 100 "100 'imported' lines"
is "$(ls "$INBOX/failed" | tr '\n' ' ')" "broken-audit.csv broken-audit.csv.error.txt " "none failed"
# The daemon's parse workers pseudonymise as 'concord import' does: the same
# CRN gives the same pseudonym in case and key, and no CRN is stored.
is "$(sql "SELECT count(*) > 300, sum(instr(a.identity, 'case:' || a.case_ref) = 0),
           sum(a.case_ref GLOB '[A-Z][0-9][0-9][0-9][0-9][0-9][0-9]')
           FROM case_answers_resolved a JOIN sources s ON s.id = a.source_id
           WHERE s.source_key LIKE 'osag-OA-2030-%'")" "1|0|0" \
    "the burst's answers hold pseudonyms, in the key as in the case"
cp "$DB.key" "$SCRATCH/same-key.db.key"
"$BIN" --db "$SCRATCH/same-key.db" import --quiet "$EX/osag/osag-audit-OA-2022-047-N54CLE.csv"
is "$(sqlite3 -batch "$SCRATCH/same-key.db" "SELECT count(DISTINCT case_ref) FROM case_answers
        WHERE case_ref IN ($(sql "SELECT group_concat(quote(case_ref)) FROM (SELECT DISTINCT a.case_ref
        FROM case_answers a JOIN sources s ON s.id = a.source_id WHERE s.source_key LIKE 'osag-OA-2030-%')"))")" \
    "$(sql "SELECT count(DISTINCT a.case_ref) FROM case_answers a JOIN sources s ON s.id = a.source_id
            WHERE s.source_key LIKE 'osag-OA-2030-%'")" \
    "with the same key, concord import gives the daemon's pseudonyms"

# ---------------------------------------------------------------- the same reasons as concord import

# Every malformed file of malformed.sh, in an inbox of its plugin: the reason
# beside it in failed/ is the first line 'concord import' prints for it.
grep -o '^bad [^ ]* [^ ]*' "$SRC/tests/e2e/malformed.sh" | awk '{ print $2, $3 }' >"$SCRATCH/bad.txt"
echo "inboxes = {" >"$SCRATCH/bad.lua"
for p in $(cut -d' ' -f2 "$SCRATCH/bad.txt" | sort -u); do
    echo "  { path = \"bad-$p\", plugin = \"$p\", settle_seconds = 0 }," >>"$SCRATCH/bad.lua"
done
echo "}" >>"$SCRATCH/bad.lua"
while read -r f p; do
    mkdir -p "$SCRATCH/bad-$p"
    cp "$MALFORMED/$f" "$SCRATCH/bad-$p/$f"
    "$BIN" --db "$SCRATCH/cli.db" import --plugin-dir "$PLUGINS" --plugin "$p" "$SCRATCH/bad-$p/$f" \
        2>&1 >/dev/null | sed -n '1s/^concord: //p' >"$SCRATCH/bad-$p/.$f.cli"
done <"$SCRATCH/bad.txt"
nbad=$(wc -l <"$SCRATCH/bad.txt" | tr -d ' ')
all_failed() { [ "$(ls "$SCRATCH"/bad-*/failed/*.error.txt | wc -l)" -eq "$nbad" ]; }
: >"$LOG"
"$BIN" --db "$DB" --config "$SCRATCH/bad.lua" daemon --plugin-dir "$PLUGINS" 2>"$LOG" &
DPID=$!
ok "$nbad malformed files go to failed/" wait_until 60 all_failed
ok "stop" stop_daemon
differ=0
while read -r f p; do
    if [ "$(sed -n 1p "$SCRATCH/bad-$p/failed/$f.error.txt" | sed "s|/failed/|/|")" != \
        "$(cat "$SCRATCH/bad-$p/.$f.cli")" ]; then
        differ=$((differ + 1))
        diag "$f: $(sed -n 1p "$SCRATCH/bad-$p/failed/$f.error.txt")"
    fi
done <"$SCRATCH/bad.txt"
is "$differ" 0 "each reason is the message of 'concord import'"

# ---------------------------------------------------------------- SIGTERM during a large import

BIG=$SCRATCH/big.csv
if "$SRC/scripts/gen-data" osag --rows 300000 --seed 7 -o "$BIG" 2>/dev/null; then
    records() { sql "SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM assessments)"; }
    all_or_nothing() { # NAME RECORDS_BEFORE: the file's records are all there or none are
        _src=$(sql "SELECT id FROM sources WHERE path LIKE '%/$1'")
        if [ -z "$_src" ]; then
            is "$(records)" "$2" "nothing of $1 was stored"
        else
            is "$(sql "SELECT records_new + records_updated + records_unchanged =
                         (SELECT count(*) FROM events WHERE source_id = $_src)
                       + (SELECT count(*) FROM assessments WHERE source_id = $_src)
                       + (SELECT count(*) FROM case_answers WHERE source_id = $_src)
                       + (SELECT count(*) FROM recommendations WHERE source_id = $_src)
                       AND records_new > 300000 FROM sources WHERE id = $_src")" 1 \
                "all of $1's records are stored"
        fi
    }
    write_config 0.2 'log = { level = "debug" }'
    # During the store: the transaction finishes, then the daemon exits.
    start_daemon
    r0=$(records)
    cp "$BIG" "$INBOX/big.csv"
    ok "the large file is parsed" wait_until 120 logged "debug: $INBOX/big.csv: parsed with osag: "
    nap
    ok "SIGTERM while it is stored: the daemon stops" stop_daemon
    is "$drc" 0 "... with exit status 0"
    like "$(cat "$LOG")" "*info: SIGTERM: stopping: no new work; the transaction under way finishes first*" \
        "the stop waits for the transaction"
    is "$(sql 'PRAGMA integrity_check')" ok "the database is intact"
    all_or_nothing big.csv "$r0"
    if [ -e "$INBOX/processed/big.csv" ]; then
        is "$(sql "SELECT count(*) FROM sources WHERE path LIKE '%big.csv'")" 1 "it went in, and was moved"
    else
        is "$(sql "SELECT count(*) FROM sources WHERE path LIKE '%big.csv'")" 0 "it did not go in, and is still in the inbox"
    fi
    # During the parse: the parse is abandoned, the file waits for the next start.
    "$SRC/scripts/gen-data" osag --rows 300000 --seed 8 -o "$SCRATCH/big2.csv" 2>/dev/null
    start_daemon
    r0=$(records)
    cp "$SCRATCH/big2.csv" "$INBOX/big2.csv"
    ok "the parse starts" wait_until 30 logged "debug: $INBOX/big2.csv: parsing with osag"
    nap
    ok "SIGTERM while it is parsed: the daemon stops" stop_daemon
    is "$drc" 0 "... with exit status 0"
    like "$(cat "$LOG")" "*info: SIGTERM: stopping: no new work; parses under way are abandoned (their files stay in the inbox)*" \
        "the stop is logged"
    is "$(sql 'PRAGMA integrity_check')" ok "the database is intact"
    all_or_nothing big2.csv "$r0"
    ok "the file waits in the inbox" exists "$INBOX/big2.csv"
    # A second SIGTERM while it is stored: the transaction rolls back.
    start_daemon
    ok "the next start parses it" wait_until 120 logged "debug: $INBOX/big2.csv: parsed with osag: "
    nap
    kill -TERM "$DPID"
    nap
    ok "a second SIGTERM while it is stored: the daemon stops" stop_daemon
    is "$drc" 0 "... with exit status 0"
    like "$(cat "$LOG")" "*warn: SIGTERM again: interrupting the transaction under way (it rolls back)*" \
        "the interruption is logged"
    is "$(sql 'PRAGMA integrity_check')" ok "the database is intact"
    all_or_nothing big2.csv "$r0"
    ok "the file still waits in the inbox" exists "$INBOX/big2.csv"
    start_daemon
    ok "the next start imports it" wait_until 120 exists "$INBOX/processed/big2.csv"
    ok "stop" stop_daemon
    all_or_nothing big2.csv "$r0"
    is "$(sql 'PRAGMA integrity_check')" ok "the database is intact"
else
    skip "SIGTERM during a large import" "scripts/gen-data needs lua5.4"
fi

done_testing
