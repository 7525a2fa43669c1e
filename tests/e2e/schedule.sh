# SPDX-License-Identifier: MIT
# End-to-end: `concord schedule next`: the next fire times of the configured
# schedules and of one --cron expression, in the configured time zone, across
# the 2026 UK clock changes; errors with their file and line; usage errors.
# Usage: sh tests/e2e/schedule.sh BINARY SOURCE_ROOT   (prints TAP)
. "$2/tests/e2e/lib.sh"

unset CONCORD_CONFIG TZ TZDIR
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
cd "$SCRATCH" || exit 1

# ---------------------------------------------------------------- help and usage

exits 0 "schedule --help" "$BIN" schedule --help
like "$out" "Usage: concord schedule next *--cron EXPR*--at TIME*--tz ZONE*" "shows the options"
exits 0 "listed in the global help" "$BIN" --help
like "$out" "*schedule*" "schedule is there"
exits 64 "an action is needed" "$BIN" schedule
exits 64 "an unknown action" "$BIN" schedule list
like "$err" "*unknown action 'list'*" "says which"
exits 64 "N must be a number" "$BIN" schedule next many
exits 64 "N at most 1000" "$BIN" schedule next 1001
exits 64 "an unknown option" "$BIN" schedule next --every
exits 64 "a bad --at" "$BIN" schedule next --cron "* * * * *" --at tomorrow
like "$err" "*--at 'tomorrow': expected a time such as*" "says what is expected"
exits 64 "--at on a day that does not exist" "$BIN" schedule next --cron "* * * * *" --at 2026-02-30
like "$err" "*2026-02-30 00:00:00 is not a real time*" "says so"
exits 64 "an unknown --tz" "$BIN" schedule next --cron "* * * * *" --tz Europe/Lndon
like "$err" "*unknown time zone 'Europe/Lndon'*" "says so"

# ---------------------------------------------------------------- --cron

exits 0 "--cron across the spring change" "$BIN" schedule next --cron "30 1 * * *" 3 \
    --tz Europe/London --at 2026-03-27T12:00
is "$out" "Time zone Europe/London; after 2026-03-27 12:00 GMT (+00:00).

30 1 * * *
  2026-03-28 01:30 GMT (+00:00)
  2026-03-29 02:00 BST (+01:00)  (01:30 does not exist that day: the clocks go forward, so it runs at the change)
  2026-03-30 01:30 BST (+01:00)" "01:30 runs once, at the jump"

exits 0 "--cron across the autumn change" "$BIN" schedule next --cron "*/30 * * * *" 5 \
    --tz Europe/London --at 2026-10-25T00:40+01:00
is "$out" "Time zone Europe/London; after 2026-10-25 00:40 BST (+01:00).

*/30 * * * *
  2026-10-25 01:00 BST (+01:00)
  2026-10-25 01:30 BST (+01:00)
  2026-10-25 01:00 GMT (+00:00)  (01:00 again: the clocks went back)
  2026-10-25 01:30 GMT (+00:00)  (01:30 again: the clocks went back)
  2026-10-25 02:00 GMT (+00:00)" "every 30 minutes in real time; --at with an offset"

exits 0 "--at as seconds since 1970" "$BIN" schedule next --cron @daily 1 --tz UTC --at @0
is "$out" "Time zone UTC; after 1970-01-01 00:00 UTC (+00:00).

@daily
  1970-01-02 00:00 UTC (+00:00)" "@SECONDS"

exits 0 "five by default" "$BIN" schedule next --cron "0 0 29 2 *" --tz UTC --at 2025-01-01
is "$(printf '%s\n' "$out" | grep -c '^  ')" "5" "five times"
like "$out" "*2028-02-29 00:00 UTC*2032-02-29*2036-02-29*2040-02-29*2044-02-29 00:00 UTC (+00:00)" \
    "29 February in leap years"

exits 65 "an invalid --cron" "$BIN" schedule next --cron "0 24 * * *" --tz UTC
is "$err" "concord schedule: --cron '0 24 * * *': field 2 (hour): 24 is out of range 0-23" \
    "names the field and the problem"
is "$out" "" "and prints no times"

# ---------------------------------------------------------------- configured schedules

exits 0 "no configuration: no schedules" "$BIN" schedule next
like "$out" "No schedules in the configuration*--cron EXPR*" "says how to add one"

cat >concord.lua <<'EOT'
database = "x.db"
time_zone = "Europe/London"
schedules = {
  { name = "nightly", cron = "30 1 * * *", jobs = { "import", "reconcile", "report" } },
  { name = "weekly", cron = "0 6 * * 1" },
}
EOT
exits 0 "the configured schedules" "$BIN" schedule next 2 --at "2026-10-24 12:00"
is "$out" "Time zone Europe/London; after 2026-10-24 12:00 BST (+01:00).

nightly: 30 1 * * * (concord.lua:3)
  2026-10-25 01:30 BST (+01:00)
  2026-10-26 01:30 GMT (+00:00)

weekly: 0 6 * * 1 (concord.lua:3)
  2026-10-26 06:00 GMT (+00:00)
  2026-11-02 06:00 GMT (+00:00)" "in the configured zone; 01:30 once in autumn"
is "$err" "" "nothing on stderr"

exits 0 "--cron uses the configured zone" "$BIN" schedule next --cron "0 12 * * *" 1 --at 2026-07-01
like "$out" "Time zone Europe/London;*2026-07-01 12:00 BST (+01:00)" "BST"
exits 0 "--tz wins" "$BIN" schedule next --cron "0 12 * * *" 1 --at 2026-07-01 --tz Australia/Sydney
like "$out" "Time zone Australia/Sydney;*2026-07-01 12:00 AEST (+10:00)" "AEST"

cat >bad.lua <<'EOT'
time_zone = "Europe/London"
schedules = {
  { name = "nightly", cron = "30 1 * * *" },
  { name = "broken", cron = "0 24 * * *" },
}
EOT
exits 65 "an invalid expression: exit 65" "$BIN" --config bad.lua schedule next 1 --at 2026-01-01
is "$out" "Time zone Europe/London; after 2026-01-01 00:00 GMT (+00:00).

nightly: 30 1 * * * (bad.lua:2)
  2026-01-01 01:30 GMT (+00:00)

broken: 0 24 * * * (bad.lua:2)
  error: field 2 (hour): 24 is out of range 0-23" "the others are still shown"
like "$err" "concord schedule: bad.lua:2: schedules\[2\].cron: field 2 (hour): 24 is out of range 0-23*" \
    "the error with its file and line"

printf 'time_zone = "Europe/Lndon"\nschedules = { { name = "n", cron = "@daily" } }\n' >tz.lua
exits 65 "an unknown time_zone: exit 65" "$BIN" --config tz.lua schedule next
like "$err" "concord schedule: tz.lua:1: time_zone: unknown time zone 'Europe/Lndon'*" \
    "with its file and line"

done_testing
