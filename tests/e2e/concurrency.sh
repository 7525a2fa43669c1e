# SPDX-License-Identifier: MIT
# End-to-end: another process holds the database's write lock. Without --wait
# an import gives up at once (exit 75, database unchanged); with --wait it
# goes ahead once the lock is released. Readers are never blocked.
# Usage: sh tests/e2e/concurrency.sh BINARY SOURCE_ROOT   (prints TAP)
. "$2/tests/e2e/lib.sh"

nap() { sleep 0.1 2>/dev/null || sleep 1; }

between() { # VALUE LOW HIGH
    [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]
}

# Is the write lock taken? A second writer with no busy timeout finds out.
# (It takes the lock for a moment when it is free: the writers under test
# wait a little, so that they cannot trip over it.)
locked() {
    ! sqlite3 -batch "$DB" "BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1
}

# Holds the write lock for SECONDS in the background (sqlite3 CLI), then
# waits until it really holds it. $holder is the background job's pid.
hold_lock() { # SECONDS
    (
        echo '.timeout 5000'
        echo 'BEGIN IMMEDIATE;'
        sleep "$1"
        echo 'ROLLBACK;'
    ) | sqlite3 -batch "$DB" >/dev/null 2>&1 &
    holder=$!
    _i=0
    while ! locked; do
        _i=$((_i + 1))
        if [ $_i -ge 50 ]; then
            return 1
        fi
        nap
    done
    return 0
}

V1=$DATA/audit-v1.csv
V2=$DATA/audit-v2.csv

fresh_db
exits 0 "a first import" concord import "$V1"
dump_db "$SCRATCH/before.sql"

# ---------------------------------------------------------------- no --wait

ok "the sqlite3 CLI holds the write lock" hold_lock 3
t0=$(date +%s)
exits 75 "import while another process writes: exit 75" concord import "$V2"
t1=$(date +%s)
is "$(echo "$err" | sed -n 1p)" \
    "concord: $DB: another process is writing to this database (waited 0 s); try again later or pass --wait SECONDS" \
    "the message says what happened and mentions --wait"
is "$(echo "$err" | sed -n 2p)" "concord: $V2 was not imported; the database is unchanged by it" \
    "the file is reported as not imported"
ok "without --wait it gives up at once ($((t1 - t0)) s)" [ $((t1 - t0)) -le 1 ]
exits 0 "readers are not blocked by the writer" concord sources --format json
like "$out" '*"source_key": "test-audit-2021"*' "sources lists what was committed"
wait "$holder"
same_db "$SCRATCH/before.sql" "the database is unchanged"
is "$(sql 'SELECT count(*) FROM sources')" 1 "still one source"

# ---------------------------------------------------------------- --wait too short

ok "the lock is held again" hold_lock 4
t0=$(date +%s)
exits 75 "--wait 1 while the lock is held for longer: exit 75" concord import --wait 1 "$V2"
t1=$(date +%s)
is "$(echo "$err" | sed -n 1p)" \
    "concord: $DB: another process is writing to this database (waited 1 s); try again later or pass --wait SECONDS" \
    "the message says how long it waited"
ok "it waited about 1 s ($((t1 - t0)) s)" between $((t1 - t0)) 1 3
wait "$holder"
same_db "$SCRATCH/before.sql" "the database is still unchanged"

# ---------------------------------------------------------------- --wait long enough

ok "the lock is held for 3 s" hold_lock 3
t0=$(date +%s)
exits 0 "import --wait 10 succeeds once the lock is released" concord import --wait 10 "$V2"
t1=$(date +%s)
like "$out" "imported  $V2 with t-audit 1.0.0: *, version 2 of its source, *" "version 2 was imported"
ok "it waited for the lock ($((t1 - t0)) s)" between $((t1 - t0)) 1 9
wait "$holder"
is "$(sql 'SELECT count(*) FROM sources')" 2 "two sources now"
is "$(sql 'SELECT records_retired FROM sources WHERE id = 2')" 1 "the waiting import did its whole job"

# ---------------------------------------------------------------- a writer killed half way

# t-sb-loop loops in parse() (for minutes with the default budget) while the
# import holds the write lock, its source row already inserted.
dump_db "$SCRATCH/before-kill.sql"
"$BIN" --db "$DB" import --wait 5 --plugin-dir "$PLUGINS/sandbox" --plugin t-sb-loop "$V1" >/dev/null 2>&1 &
victim=$!
i=0
while ! locked && [ $i -lt 50 ]; do
    i=$((i + 1))
    nap
done
ok "the import holds the write lock" locked
kill -KILL "$victim"
wait "$victim" 2>/dev/null
is "$?" 137 "the import was killed (SIGKILL)"
same_db "$SCRATCH/before-kill.sql" "a killed import leaves the database as it was"
is "$(sql 'PRAGMA integrity_check')" ok "... intact"
exits 0 "the next import needs no --wait" concord import "$DATA/audit-v3.csv"

# ---------------------------------------------------------------- two concord writers

# Two imports started together, both with --wait 10: both must succeed. The
# collisions are races, so each case runs several rounds; the messages of
# any failures are shown.
pair() { # ROUNDS SETUP SOURCES_AFTER DESC
    _fails=0
    : >"$SCRATCH/pair.err"
    _r=0
    while [ $_r -lt "$1" ]; do
        _r=$((_r + 1))
        fresh_db
        $2
        concord import --wait 10 "$V1" >"$SCRATCH/a.out" 2>&1 &
        _a=$!
        concord import --wait 10 "$DATA/folder" >"$SCRATCH/b.out" 2>&1 &
        _b=$!
        wait "$_a"
        _ra=$?
        wait "$_b"
        _rb=$?
        _n=$(sql 'SELECT count(*) FROM sources')
        if [ "$_ra $_rb $_n" != "0 0 $3" ]; then
            _fails=$((_fails + 1))
            echo "round $_r: exit $_ra and $_rb, $_n sources" >>"$SCRATCH/pair.err"
            grep -h '^concord:' "$SCRATCH/a.out" "$SCRATCH/b.out" >>"$SCRATCH/pair.err"
        fi
    done
    is "$_fails" 0 "$4"
    [ "$_fails" -eq 0 ] || sed 's/^/#   /' "$SCRATCH/pair.err" | head -12
}
nothing() { :; }
pair 10 nothing 3 "two concord imports at once into a new database both succeed (10 rounds)"
one_source() { concord import --plugin t-twin-a "$DATA/twin.csv" >/dev/null; }
pair 10 one_source 4 "two concord imports at once into a used database both succeed (10 rounds)"
is "$(sql 'PRAGMA integrity_check')" ok "the database is intact"

done_testing
