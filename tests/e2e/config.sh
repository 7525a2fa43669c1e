# SPDX-License-Identifier: MIT
# End-to-end: `concord config`. check on a good file (the commented example
# shipped in examples/), on a file with problems (exact lines), on files
# that misbehave (an unknown name, os.execute, an endless loop); show, and
# show read back by check; which file is used ($CONCORD_CONFIG, ./concord.lua);
# and the settings table in docs/configuration.md against `config reference`.
# Usage: sh tests/e2e/config.sh BINARY SOURCE_ROOT   (prints TAP)
. "$2/tests/e2e/lib.sh"

unset CONCORD_CONFIG
# The checks run in the scratch folder (./concord.lua is looked for there).
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
cd "$SCRATCH" || exit 1

# The output of show without its comments (which name the file and lines).
strip() { # FILE
    sed -e 's/ -- [^"]*:[0-9][0-9]*$//' -e '/^ *--/d' "$1"
}

# ---------------------------------------------------------------- help

exits 0 "config --help" "$BIN" config --help
like "$out" "Usage: concord config check*config show*config reference*" "help shows the actions"
exits 0 "help config" "$BIN" help config
exits 0 "config is listed" "$BIN" --help
like "$out" "*config*concord.lua*" "in the global help"
exits 64 "an action is needed" "$BIN" config
exits 64 "an unknown action" "$BIN" config frobnicate
like "$err" "*unknown action 'frobnicate'*" "says which"
exits 64 "an unknown option" "$BIN" config check --frobnicate
exits 64 "one file only" "$BIN" config check a.lua b.lua

# ---------------------------------------------------------------- check

exits 0 "the example configuration passes check" "$BIN" config check "$SRC/examples/concord.lua"
is "$out" "$SRC/examples/concord.lua: ok" "and says so"

cat >bad.lua <<'EOF'
-- a configuration with problems
database = "my.db"
rules = {
  CONTRADICTION = { window_days = "six months", min_gap = 3, high_gap = 2 },
  OVERLOAD = { min_event = 3 },
  DIVERGENCE = { quality_max_band = 0 },
}
databse = "x.db"
log = { level = "warning" }
schedules = {
  { name = "weekly", cron = "0 25 * * 1" },
  { cron = "0 6 * * 1" },
}
inboxes = { path = "inbox" }
EOF
exits 65 "a file with problems: exit 65" "$BIN" config check bad.lua
is "$out" "bad.lua:3: rules.CONTRADICTION.window_days: expected a number of days, got a string
bad.lua:3: rules.DIVERGENCE.quality_max_band: expected a band from 1 to 4, got 0
bad.lua:3: rules.OVERLOAD.min_event: unknown setting (did you mean 'min_events'?)
bad.lua:3: rules.CONTRADICTION.high_gap: must be at least min_gap (3), got 2
bad.lua:8: databse: unknown setting (did you mean 'database'?)
bad.lua:9: log.level: expected \"error\", \"warn\", \"info\" or \"debug\", got \"warning\" (did you mean \"warn\"?)
bad.lua:10: schedules[1].cron: expected a cron expression \"MINUTE HOUR DAY MONTH WEEKDAY\", got \"0 25 * * 1\": field 2 (hour): 25 is out of range 0-23
bad.lua:10: schedules[2]: missing name (required)
bad.lua:14: inboxes: expected a list of inboxes ({ { path = ... }, ... }), got a table with the name 'path'" \
    "every problem, with its line, in file order"

printf 'database = "x.db"\nplugin_dirs = { my_plugins }\n' >unknown.lua
exits 65 "reading an unknown name" "$BIN" config check unknown.lua
is "$out" "unknown.lua:2: unknown name 'my_plugins': a configuration file only assigns settings (name = value): it cannot read other names or call functions" \
    "is an error with its line"

printf 'database = "x.db"\nos.execute("touch %s/pwned")\n' "$SCRATCH" >exec.lua
exits 65 "os.execute" "$BIN" config check exec.lua
like "$out" "exec.lua:2: unknown name 'os'*" "is out of reach"
ok "and nothing ran" test ! -e "$SCRATCH/pwned"

printf 'database = "x.db"\nwhile true do end\n' >loop.lua
exits 65 "an endless loop" "$BIN" config check loop.lua
is "$out" "loop.lua: instruction limit exceeded (20000000 instructions)" "stops at the limit"

printf 'database = "x.db"\nrules = {\n' >syntax.lua
exits 65 "a syntax error" "$BIN" config check syntax.lua
like "$out" "syntax.lua:3: *" "with its line"

exits 66 "a missing file" "$BIN" config check missing.lua
like "$err" "*missing.lua: cannot open*" "says so"
mkdir folder.lua
exits 66 "a folder" "$BIN" config check folder.lua
like "$err" "*folder.lua: cannot read: Is a directory*" "says so"
exits 66 "--config names a missing file" "$BIN" --config missing.lua config show

# ---------------------------------------------------------------- which file

exits 0 "no file: defaults" "$BIN" config check
is "$out" "no configuration file: every setting at its default: ok" "says so"
CONCORD_CONFIG=bad.lua
export CONCORD_CONFIG
exits 65 "\$CONCORD_CONFIG is used" "$BIN" config check
like "$out" "bad.lua:3: *" "its problems"
unset CONCORD_CONFIG
printf 'database = "here.db"\n' >concord.lua
exits 0 "./concord.lua is used" "$BIN" config show
like "$out" "*database = \"here.db\" -- concord.lua:1*" "its settings, with their lines"
rm concord.lua

# ---------------------------------------------------------------- show

exits 0 "show the defaults" "$BIN" config show
like "$out" "-- The effective configuration: no configuration file*" "says where they come from"
like "$out" "*
rules = {
  CONTRADICTION = {
    enabled = true,
    -- severity: unset: the rule's own
    window_days = 180,
    min_gap = 2,
*" "every rule with its defaults"
like "$out" "*-- time_zone: unset: the system's time zone*" "unset settings as comments"
cp "$OUT" defaults.lua
exits 0 "check accepts shown defaults" "$BIN" config check defaults.lua

cat >some.lua <<'EOF'
database = "data/my.db"
plugin_dirs = "my-plugins"
local days = 120
rules = { OVERLOAD = { min_events = 7, window_days = days } }
inboxes = { { path = "inbox", plugin = "osag" } }
schedules = { { name = "weekly", cron = "0 6 * * 1" } }
scales = { scales = { { name = "x", kind = "thresholds", thresholds = { 80, 65, 50 } } } }
time_zone = "Europe/London"
EOF
exits 0 "show a file" "$BIN" config show some.lua
like "$out" "*
  OVERLOAD = {
    enabled = true,
    -- severity: unset: the rule's own
    window_days = 120, -- some.lua:4
    min_events = 7, -- some.lua:4
    min_hours = 300,
*" "a nested override with its line, its siblings at their defaults"
like "$out" "*plugin_dirs = { \"my-plugins\" } -- some.lua:2*" "one string shown as a list"
cp "$OUT" shown.lua
exits 0 "--config names the file" "$BIN" --config some.lua config show
like "$out" "*database = \"data/my.db\" -- some.lua:1*" "its settings"
CONCORD_CONFIG=bad.lua
export CONCORD_CONFIG
exits 0 "--config wins over \$CONCORD_CONFIG" "$BIN" --config some.lua config check
is "$out" "some.lua: ok" "the file --config names"
unset CONCORD_CONFIG
exits 0 "show -> check: accepted" "$BIN" config check shown.lua
exits 0 "show of the shown file" "$BIN" config show shown.lua
cp "$OUT" shown2.lua
ok "show -> check -> show: the same settings" cmp -s "$(strip shown.lua >s1; echo s1)" \
    "$(strip shown2.lua >s2; echo s2)"

exits 0 "show the example" "$BIN" config show "$SRC/examples/concord.lua"
cp "$OUT" example-shown.lua
exits 0 "and check it" "$BIN" config check example-shown.lua

exits 65 "show a file with problems: exit 65" "$BIN" config show bad.lua
like "$err" "*bad.lua:8: databse: unknown setting*" "the problems on stderr"
like "$out" "*
  CONTRADICTION = {
    enabled = true,
    -- severity: unset: the rule's own
    window_days = 180,
    min_gap = 3, -- bad.lua:3
*" "a bad value shows its default, a good one beside it the file's"

# ---------------------------------------------------------------- the reference

exits 0 "config reference" "$BIN" config reference
sed -n '/^<!-- BEGIN config reference/,/^<!-- END config reference/p' \
    "$SRC/docs/configuration.md" | sed '1d;$d' >documented
is "$(cat documented)" "$out" "docs/configuration.md lists every setting as the schema does"

done_testing
