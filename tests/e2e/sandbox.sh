# SPDX-License-Identifier: MIT
# End-to-end: plugins that try to leave the sandbox, or to exhaust the
# process. Each must fail with its own message and exit 65 (never a crash,
# never >= 128), and leave the database unchanged. The escaping plugins are
# in tests/plugins/sandbox/ (they load fine and misbehave in parse); plugins
# that must not even load are each in a folder of their own.
# Usage: sh tests/e2e/sandbox.sh BINARY SOURCE_ROOT   (prints TAP)
. "$2/tests/e2e/lib.sh"

SB=$PLUGINS/sandbox
IN=$DATA/sandbox-input.csv
ESCAPED=/tmp/concord-sandbox-escaped

# escape NAME "message after PLUGIN:FILE: " [options...]
escape() {
    _name=$1
    _msg=$2
    shift 2
    exits 65 "t-sb-$_name: refused (exit 65, no crash)" \
        "$BIN" --db "$DB" import --plugin-dir "$SB" --plugin "t-sb-$_name" "$@" "$IN"
    is "$err" "concord: t-sb-$_name:$IN: $_msg
concord: $IN was not imported; the database is unchanged by it" "t-sb-$_name: the message"
    same_db "$SCRATCH/base.sql" "t-sb-$_name: the database is unchanged"
}

line() { # the plugin file and line where parse() does its deed
    echo "$SB/t_sb_$1.lua:${2:-11}"
}

fresh_db
exits 0 "a good file first" concord import "$DATA/audit-v1.csv"
dump_db "$SCRATCH/base.sql"
[ -e "$ESCAPED" ] && escaped_before=yes || escaped_before=no

# ---------------------------------------------------------------- what is not there

escape os-execute "$(line os_execute): sandbox: the os library is not available to plugins"
escape io-open "$(line io_open): sandbox: the io library is not available to plugins: read the file through src"
if [ $escaped_before = no ]; then
    ok "neither os.execute nor io.open touched the file system" [ ! -e "$ESCAPED" ]
else
    skip "neither os.execute nor io.open touched the file system" "$ESCAPED existed before the test"
fi
escape require "$(line require): sandbox: require is not available to plugins"
escape load "$(line load): sandbox: load is not available to plugins"
escape loadfile "$(line loadfile): sandbox: loadfile is not available to plugins"
escape dofile "$(line dofile): sandbox: dofile is not available to plugins"
escape debug "$(line debug): sandbox: the debug library is not available to plugins"
escape string-dump "$(line string_dump): sandbox: string.dump is not available to plugins"
escape collectgarbage "$(line collectgarbage): sandbox: collectgarbage is not available to plugins"
escape string-meta "$(line string_meta): sandbox: the string metatable cannot be changed"

# Lua shortens a long file name to "..." and its tail in messages; concord puts
# the whole path back, wherever the plugin lives.
DEEP=$SCRATCH/a-folder-name-long-enough/that-lua-would-shorten/the-plugin-path
mkdir -p "$DEEP"
cp "$SB/t_sb_os_execute.lua" "$DEEP/"
exits 65 "a plugin in a deep folder: refused" \
    "$BIN" --db "$DB" import --plugin-dir "$DEEP" --plugin t-sb-os-execute "$IN"
like "$err" "concord: t-sb-os-execute:$IN: $DEEP/t_sb_os_execute.lua:11: sandbox: the os library*" \
    "... the message names the plugin by its whole path (${#DEEP} characters of folder)"
mkdir -p "$DEEP/syntax"
printf 'return {\n  name = "x"\n  body = 1 }\n' >"$DEEP/syntax/t_deep_syntax.lua"
exits 65 "a plugin with a syntax error in a deep folder: refused" \
    "$BIN" --db "$DB" plugins list --plugin-dir "$DEEP/syntax"
like "$err" "concord: plugin $DEEP/syntax/t_deep_syntax.lua:3: *" \
    "... the syntax error names the whole path"

# ---------------------------------------------------------------- limits

escape loop "instruction limit exceeded (100000 instructions)" --max-instructions 100000
escape loop-pcall "instruction limit exceeded (100000 instructions)" --max-instructions 100000
escape memory "memory limit exceeded (16 MiB)" --max-memory 16
escape memory-pcall "memory limit exceeded (16 MiB)" --max-memory 16
escape huge-string "memory limit exceeded (16 MiB)" --max-memory 16
escape recursion "$(line recursion): stack overflow"
escape cstack "$(line cstack 12): C stack overflow"

# One C function call (a pattern match that backtracks for hours) runs no VM
# instructions, so the instruction budget never fires.
if command -v timeout >/dev/null 2>&1; then
    todo "the instruction budget does not cover time spent inside one C function (string.find)"
    exits 65 "t-sb-pattern: a slow pattern match is stopped by --max-instructions (within 5 s)" \
        timeout 5 "$BIN" --db "$DB" import --plugin-dir "$SB" --plugin t-sb-pattern \
        --max-instructions 100000 "$IN"
else
    skip "t-sb-pattern: a slow pattern match is stopped" "no timeout command"
fi

# ---------------------------------------------------------------- detection

exits 0 "plugins check with a plugin whose detect fails" \
    "$BIN" --db "$DB" --verbose plugins check --plugin-dir "$PLUGINS" --plugin-dir "$SB" "$DATA/audit-v1.csv"
like "$out" "*
t-sb-detect-error 0.00
*" "a detect that raises an error scores 0"
is "$(echo "$out" | tail -n 1)" "$DATA/audit-v1.csv would be imported by t-audit" \
    "the file goes to the plugin that claims it"
like "$err" "*concord: debug: t-sb-detect-error: detect failed on $DATA/audit-v1.csv: $SB/t_sb_detect_error.lua:10: detect exploded*" \
    "--verbose shows why detect failed"

# A detect that loops forever must cost that plugin its vote, not everyone's.
fresh_db
dump_db "$SCRATCH/base.sql"
exits 0 "a plugin whose detect never returns does not stop the others detecting" \
    "$BIN" --db "$DB" import --plugin-dir "$PLUGINS/detect-loop" --plugin-dir "$PLUGINS" \
    --max-instructions 1000000 "$DATA/audit-v1.csv"
like "$out" "imported  $DATA/audit-v1.csv with t-audit *" "... the file is imported by t-audit"
fresh_db
exits 0 "after a detect that looped, later files are still detected" \
    "$BIN" --db "$DB" import --plugin-dir "$PLUGINS" --plugin-dir "$PLUGINS/detect-loop" \
    --max-instructions 1000000 "$DATA/audit-v1.csv" "$DATA/folder/recs.csv"
like "$out" "*imported  $DATA/folder/recs.csv with t-rec *" "... the second file is imported by t-rec"

# The budget is per plugin run: detection over many files must not use it up.
mkdir -p "$SCRATCH/many"
i=0
while [ $i -lt 80 ]; do
    i=$((i + 1))
    printf 'test_rec_id,event,unit,started,ended,text,status,due\nR%d,I%d,N07,2022-02-07,2022-02-11,Text %d,,\n' \
        $i $i $i >"$SCRATCH/many/r$i.csv"
done
fresh_db
exits 0 "a folder of 80 small files with --max-instructions 20000" \
    "$BIN" --db "$DB" import --plugin-dir "$PLUGINS" --max-instructions 20000 "$SCRATCH/many"
is "$(echo "$out" | tail -n 1)" "80 imported, 0 unchanged, 0 skipped, 0 failed" \
    "detection does not share one instruction budget across files"

# A plugin's top-level code runs in the state every plugin detects in, so the shared
# libraries are read-only: a plugin that tries to change one is refused on load.
exits 65 "a plugin that replaces string.find is refused" \
    "$BIN" --db "$DB" plugins check --plugin-dir "$PLUGINS" --plugin-dir "$PLUGINS/meddle" "$DATA/audit-v1.csv"
like "$err" "*t_meddle.lua:*sandbox: the string library cannot be changed*" \
    "the refusal names the plugin and says why"

# ---------------------------------------------------------------- plugins that must not load

fresh_db
dump_db "$SCRATCH/base.sql"
exits 65 "a plugin with a syntax error: plugins list refuses it" \
    "$BIN" --db "$DB" plugins list --plugin-dir "$PLUGINS/bad-syntax"
is "$err" "concord: plugin $PLUGINS/bad-syntax/t_bad_syntax.lua:5: '}' expected (to close '{' at line 2) near 'body'" \
    "the load error names the file and line"
exits 65 "a plugin with a syntax error: import refuses to start" \
    "$BIN" --db "$DB" import --plugin-dir "$PLUGINS/bad-syntax" "$DATA/audit-v1.csv"
is "$err" "concord: plugin $PLUGINS/bad-syntax/t_bad_syntax.lua:5: '}' expected (to close '{' at line 2) near 'body'" \
    "... with the same message"
same_db "$SCRATCH/base.sql" "... and the database is unchanged"

exits 65 "a plugin written for API 2 is refused" \
    "$BIN" --db "$DB" plugins list --plugin-dir "$PLUGINS/bad-api"
is "$err" "concord: plugin $PLUGINS/bad-api/t_bad_api.lua:2: written for plugin API 2, but this concord provides API 1 (upgrade concord, or use a version of the plugin for API 1)" \
    "the message names the file and both API versions"

mkdir -p "$SCRATCH/bytecode"
if command -v luac5.4 >/dev/null 2>&1; then
    luac5.4 -o "$SCRATCH/bytecode/t_bytecode.lua" "$PLUGINS/t_rec.lua"
else # the header of a Lua 5.4 chunk is enough: it is refused before it is read
    printf '\033LuaT\000\031\223\r\n\032\n\004\010\010' >"$SCRATCH/bytecode/t_bytecode.lua"
fi
is "$(head -c 4 "$SCRATCH/bytecode/t_bytecode.lua" | od -An -c | tr -s ' ')" " 033 L u a" \
    "(the bytecode plugin starts with \\27Lua)"
exits 65 "a precompiled (bytecode) plugin is refused" \
    "$BIN" --db "$DB" plugins list --plugin-dir "$SCRATCH/bytecode"
is "$err" "concord: plugin $SCRATCH/bytecode/t_bytecode.lua: precompiled Lua (bytecode) is not accepted; use the .lua source" \
    "the message says what is wrong and what to do"
like "$err" "*$SCRATCH/bytecode/t_bytecode.lua*" "the bytecode refusal names the plugin file"
exits 65 "import with a bytecode plugin does not start" \
    "$BIN" --db "$DB" import --plugin-dir "$SCRATCH/bytecode" "$DATA/audit-v1.csv"
same_db "$SCRATCH/base.sql" "... and the database is unchanged"

# ---------------------------------------------------------------- after parse()

# t-sb-gc-emit leaves a finaliser that calls out:event when the sandbox closes,
# after parse() has returned and the rows have been counted.
fresh_db
exits 0 "a plugin with a finaliser that emits after parse" \
    "$BIN" --db "$DB" import --plugin-dir "$SB" --plugin t-sb-gc-emit "$IN"
is "$(sql "SELECT count(*) FROM events WHERE identity = 'ghost'")" 0 \
    "a record emitted after parse() returned is not stored"
is "$(sql "SELECT records || ' ' || records_new FROM sources")" "2 2" \
    "the source's counts match what it stored"

done_testing
