#!/bin/sh
# One runner for every test: the unit test binaries, the fuzz seed replays
# and the golden CLI cases (tests/cases/*.case). Prints one line per test
# and closes with "N passed, N failed".
#
# A case file reads like a transcript:
#   # why the case exists (comment lines at the top)
#   --- cmd            a shell command; $LA is the binary, $LEX the test
#                      lexicons, $CASES this folder, $CORPORA the sample
#                      corpora, $LA_TOOLS the build folder (gencorpus),
#                      and the command runs in a scratch folder
#   --- stdin          bytes fed to the command (absent: no input)
#   --- stdin-printf   the same, through printf '%b' (for \r, \0, no \n)
#   --- stdout         exact expected stdout (absent: empty)
#   --- stderr         exact expected stderr (absent: empty)
#   --- status         expected exit status (absent: 0)
# Every run pins LC_ALL=C and TZ=UTC. UPDATE=1 rewrites the expectations
# from the actual results; review them with git diff.
# LA_WRAP runs the binary under a wrapper (make check-valgrind sets it to
# valgrind); cases with a "# slow" line are skipped then, and so are the
# unit tests and fuzz replays, which make check already ran.
#
# Usage: LA_BIN=path LA_BUILD=dir sh tests/run.sh [NAME-PATTERN]
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
LA_BIN=${LA_BIN:-$top/build/labelaudit}
LA_BUILD=${LA_BUILD:-$top/build}
pattern=${1:-}
export LC_ALL=C TZ=UTC
export LA="${LA_WRAP:+$LA_WRAP }$LA_BIN" LEX="$top/tests/lexicons" CASES="$top/tests/cases" \
       CORPORA="$top/corpora" TOP="$top" LA_TOOLS="$LA_BUILD"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/la-tests.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0 fail=0 skip=0

ok()   { pass=$((pass + 1)); echo "ok   $1"; }
bad()  { fail=$((fail + 1)); echo "FAIL $1"; }

# ---- unit tests and fuzz seed replays -----------------------------------
[ -n "${LA_WRAP:-}" ] || for b in "$LA_BUILD"/unit/test_*; do
    [ -x "$b" ] || continue
    name=unit/$(basename "$b")
    case "$name" in *"$pattern"*) ;; *) continue ;; esac
    if (cd "$top" && "$b") > "$tmp/out" 2>&1; then ok "$name"; else
        bad "$name"; sed 's/^/    /' "$tmp/out" | head -40
    fi
done
[ -n "${LA_WRAP:-}" ] || for b in "$LA_BUILD"/fuzz/fuzz_*-replay; do
    [ -x "$b" ] || continue
    h=$(basename "$b" -replay)
    name=fuzz/$h
    case "$name" in *"$pattern"*) ;; *) continue ;; esac
    if "$b" "$top/tests/fuzz/seeds/${h#fuzz_}" > "$tmp/out" 2>&1; then ok "$name"; else
        bad "$name"; sed 's/^/    /' "$tmp/out" | head -20
    fi
done

# ---- script checks (tests/report/*.sh): 0 pass, 77 skip, else fail ---------
[ -n "${LA_WRAP:-}" ] || for sc in "$top"/tests/report/*.sh; do
    [ -f "$sc" ] || continue
    name=report/$(basename "$sc" .sh)
    case "$name" in *"$pattern"*) ;; *) continue ;; esac
    (cd "$top" && LA="$LA_BIN" LA_BUILD="$LA_BUILD" sh "$sc") > "$tmp/out" 2>&1
    st=$?
    if [ "$st" = 0 ]; then ok "$name"
    elif [ "$st" = 77 ]; then skip=$((skip + 1)); echo "skip $name: $(tail -1 "$tmp/out")"
    else bad "$name"; sed 's/^/    /' "$tmp/out" | tail -20; fi
done

# ---- golden CLI cases ------------------------------------------------------
split_case() { # $1 case file, $2 output dir: one file per section
    rm -rf "$2"; mkdir -p "$2"
    awk -v d="$2" '
        /^--- [a-z-]+$/ { sec = substr($0, 5); f = d "/" sec; printf "" > f; next }
        sec == "" { next }
        { print >> f }' "$1"
}
for c in "$top"/tests/cases/*.case; do
    [ -f "$c" ] || continue
    name=$(basename "$c" .case)
    case "$name" in *"$pattern"*) ;; *) continue ;; esac
    if [ -n "${LA_WRAP:-}" ] && grep -q '^# slow' "$c"; then
        skip=$((skip + 1)); echo "skip $name (slow under $LA_WRAP)"; continue
    fi
    d="$tmp/case"; split_case "$c" "$d"
    T="$tmp/scratch"; rm -rf "$T"; mkdir -p "$T"; export T
    if [ -f "$d/stdin-printf" ]; then
        printf '%b' "$(cat "$d/stdin-printf")" > "$d/in"
    elif [ -f "$d/stdin" ]; then cp "$d/stdin" "$d/in"
    else : > "$d/in"; fi
    t0=$(date +%s)
    (cd "$T" && sh -c "$(cat "$d/cmd")" < "$d/in" > "$d/out" 2> "$d/err")
    st=$?
    secs=$(( $(date +%s) - t0 ))
    [ "$secs" -lt 5 ] || name="$name (${secs}s)"
    [ -f "$d/stdout" ] || : > "$d/stdout"
    [ -f "$d/stderr" ] || : > "$d/stderr"
    want_st=0; [ -f "$d/status" ] && want_st=$(tr -d ' \n' < "$d/status")
    if [ "${UPDATE:-}" = 1 ]; then
        awk '/^--- (stdout|stderr|status)$/ { skip = 1; next }
             /^--- / { skip = 0 } !skip { print }' "$c" > "$tmp/new"
        if [ -s "$d/out" ]; then echo "--- stdout" >> "$tmp/new"; cat "$d/out" >> "$tmp/new"; fi
        if [ -s "$d/err" ]; then echo "--- stderr" >> "$tmp/new"; cat "$d/err" >> "$tmp/new"; fi
        if [ "$st" != 0 ]; then printf -- '--- status\n%s\n' "$st" >> "$tmp/new"; fi
        cp "$tmp/new" "$c"
        ok "$name (updated)"; continue
    fi
    if cmp -s "$d/out" "$d/stdout" && cmp -s "$d/err" "$d/stderr" && [ "$st" = "$want_st" ]; then
        ok "$name"
    else
        bad "$name"
        [ "$st" = "$want_st" ] || echo "    status: want $want_st, got $st"
        cmp -s "$d/out" "$d/stdout" || diff "$d/stdout" "$d/out" | head -20 | sed 's/^/    stdout /'
        cmp -s "$d/err" "$d/stderr" || diff "$d/stderr" "$d/err" | head -20 | sed 's/^/    stderr /'
    fi
done

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
