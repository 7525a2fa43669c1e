# SPDX-License-Identifier: MIT
# A tiny TAP library for the end-to-end tests, in POSIX sh. Each script does
#
#   . "$2/tests/e2e/lib.sh"     # with $1 = the concord binary, $2 = the source root
#   ... checks ...
#   done_testing
#
# Checks:  ok DESC CMD...            passes when CMD exits 0
#          is GOT EXPECTED DESC      string equality; prints got/expected on failure
#          like GOT GLOB DESC        shell pattern match (case ... in GLOB)
#          unlike GOT GLOB DESC
#          exits CODE DESC CMD...    runs CMD with stdout/stderr captured in $out / $err
#                                    (and the files $OUT / $ERR), checks its exit status
#          todo REASON               marks the next check "# TODO REASON"
#          skip DESC REASON          an "ok N - DESC # SKIP REASON" line
#          diag TEXT                 a '#' comment line
# Helpers: concord CMD ARGS...       the binary with --db $DB (and --plugin-dir
#                                    $PLUGINS for import and plugins)
#          sql QUERY                 sqlite3 on $DB
#          dump_db FILE              the whole database as SQL text
#          same_db FILE DESC         the database dumps byte for byte as FILE
#          fresh_db                  a new, initialised database at $DB
# Everything lives in $SCRATCH, removed at exit.

if [ $# -lt 2 ] || [ ! -x "$1" ] || [ ! -d "$2" ]; then
    echo "Bail out! usage: sh $0 CONCORD_BINARY SOURCE_ROOT"
    exit 1
fi
BIN=$1
SRC=$(cd "$2" && pwd)
PLUGINS=$SRC/tests/plugins
DATA=$SRC/tests/data/e2e
MALFORMED=$SRC/tests/data/malformed

if ! command -v sqlite3 >/dev/null 2>&1; then
    echo "Bail out! the sqlite3 command-line tool is needed"
    exit 1
fi

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/concord-e2e.XXXXXX") || {
    echo "Bail out! cannot make a scratch folder"
    exit 1
}
trap 'rm -rf "$SCRATCH"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
DB=$SCRATCH/concord.db
OUT=$SCRATCH/stdout
ERR=$SCRATCH/stderr
# Stable output: no colours, no locale surprises, no inherited database.
LC_ALL=C
export LC_ALL
unset CONCORD_DB CONCORD_PLUGIN_DIR CONCORD_CONFIG

_tap_n=0
_tap_failed=0
_tap_todo=

_tap_result() { # STATUS(0 = pass) DESC
    _tap_n=$((_tap_n + 1))
    _d=$2
    if [ -n "$_tap_todo" ]; then
        _d="$_d # TODO $_tap_todo"
    fi
    if [ "$1" -eq 0 ]; then
        echo "ok $_tap_n - $_d"
    else
        echo "not ok $_tap_n - $_d"
        [ -n "$_tap_todo" ] || _tap_failed=$((_tap_failed + 1))
    fi
    _tap_todo=
    return "$1"
}

diag() {
    printf '%s\n' "$*" | sed 's/^/# /'
}

# Prints a value as '#' lines, marking where it ends (trailing spaces and
# missing newlines matter in exact comparisons).
_tap_show() { # LABEL VALUE
    printf '%s\n' "$2" | sed -e "1s/^/#   $1 /" -e '2,$s/^/#             /' -e '$s/$/|/'
}

todo() {
    _tap_todo=$*
}

skip() { # DESC REASON
    _tap_n=$((_tap_n + 1))
    echo "ok $_tap_n - $1 # SKIP $2"
}

ok() { # DESC CMD...
    _desc=$1
    shift
    "$@"
    _tap_result $? "$_desc"
}

is() { # GOT EXPECTED DESC
    if [ "$1" = "$2" ]; then
        _tap_result 0 "$3"
    else
        _tap_result 1 "$3"
        _tap_show "got:     " "$1"
        _tap_show "expected:" "$2"
        return 1
    fi
}

like() { # GOT GLOB DESC
    case $1 in
    $2) _tap_result 0 "$3" ;;
    *)
        _tap_result 1 "$3"
        _tap_show "got:     " "$1"
        _tap_show "pattern: " "$2"
        return 1
        ;;
    esac
}

unlike() { # GOT GLOB DESC
    case $1 in
    $2)
        _tap_result 1 "$3"
        _tap_show "got:     " "$1"
        _tap_show "not like:" "$2"
        return 1
        ;;
    *) _tap_result 0 "$3" ;;
    esac
}

# Runs CMD with stdout in $OUT/$out and stderr in $ERR/$err; $rc is its status.
run() { # CMD...
    "$@" >"$OUT" 2>"$ERR"
    rc=$?
    out=$(cat "$OUT")
    err=$(cat "$ERR")
    return 0
}

exits() { # CODE DESC CMD...
    _code=$1
    _desc=$2
    shift 2
    run "$@"
    if [ "$rc" -eq "$_code" ]; then
        _tap_result 0 "$_desc"
    else
        _tap_result 1 "$_desc"
        diag "  exit status $rc, expected $_code: $*"
        [ -z "$out" ] || _tap_show "stdout:  " "$out"
        [ -z "$err" ] || _tap_show "stderr:  " "$err"
        return 1
    fi
}

done_testing() {
    echo "1..$_tap_n"
    if [ "$_tap_failed" -gt 0 ]; then
        diag "$_tap_failed of $_tap_n checks failed"
        exit 1
    fi
    exit 0
}

# ---------------------------------------------------------------- concord

concord() { # CMD ARGS...
    _cmd=$1
    shift
    case $_cmd in
    import | plugins) "$BIN" --db "$DB" "$_cmd" --plugin-dir "$PLUGINS" "$@" ;;
    *) "$BIN" --db "$DB" "$_cmd" "$@" ;;
    esac
}

sql() { # QUERY
    sqlite3 -batch "$DB" "$1"
}

dump_db() { # FILE
    # unresolved_units is a note kept on purpose after a failed import (the names a
    # person may confirm with 'concord units alias'); it is not part of the import.
    sqlite3 -batch "$DB" .dump | grep -v '^INSERT INTO unresolved_units ' >"$1"
}

same_db() { # FILE DESC
    dump_db "$SCRATCH/dump.now"
    if cmp -s "$1" "$SCRATCH/dump.now"; then
        _tap_result 0 "$2"
    else
        _tap_result 1 "$2"
        diff "$1" "$SCRATCH/dump.now" | head -20 | sed 's/^/#   /'
        return 1
    fi
}

fresh_db() {
    rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.key"
    "$BIN" --db "$DB" init >/dev/null || echo "Bail out! concord init failed"
}

# The value of FIELD in the JSON object of `concord sources --format json`
# whose "id" is ID (the output has one source per line).
source_field() { # ID FIELD
    concord sources --format json |
        sed -n "/^ *{\"id\": $1,/s/.*\"$2\": \\([^,}]*\\).*/\\1/p"
}
