#!/bin/sh
# One runner for every test: the unit test binaries, the fuzz seed replays,
# the script checks (tests/report/*.sh) and the golden CLI cases
# (tests/cases/*.case). Prints one line per test, always in that order,
# and closes with "N passed, N failed, N skipped"; the exit status is 0
# when none failed.
#
# A case file reads like a transcript:
#   # why the case exists (comment lines at the top)
#   --- cmd            a shell command; $LA is the binary, $LEX the test
#                      lexicons, $CASES this folder, $CORPORA the sample
#                      corpora, $LA_TOOLS the build folder (gencorpus),
#                      and the command runs in a scratch folder ($T)
#   --- stdin          bytes fed to the command (absent: no input)
#   --- stdin-printf   the same, through printf '%b' (for \r, \0, no \n)
#   --- stdout         exact expected stdout (absent: empty)
#   --- stderr         exact expected stderr (absent: empty)
#   --- status         expected exit status (absent: 0)
# Every run pins LC_ALL=C and TZ=UTC. UPDATE=1 rewrites the expectations
# from the actual results; review them with git diff.
#
# Tests run LA_JOBS at a time (default: one per online core), each in its
# own folder (tests/run-one.sh runs one); results are still printed in the
# order above, each as soon as those before it are done. Cases with a
# "# slow" line and the script checks start first, so that no long test is
# left running alone at the end. A case with a "# serial" line runs alone
# after all the others: what it checks (a time ratio) would be thrown off
# by tests running beside it.
#
# LA_WRAP runs the binary under a wrapper (make check-valgrind sets it to
# valgrind); cases with a "# slow" line are skipped then, and so are the
# unit tests, fuzz replays and script checks, which make check already ran.
#
# Usage: LA_BIN=path LA_BUILD=dir [LA_JOBS=n] sh tests/run.sh [NAME-PATTERN]
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
LA_BIN=${LA_BIN:-$top/build/labelaudit}
LA_BUILD=${LA_BUILD:-$top/build}
pattern=${1:-}
jobs=${LA_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)}
case $jobs in
''|*[!0-9]*|0) echo "tests/run.sh: LA_JOBS must be a whole number above 0, not '$jobs'" >&2; exit 2 ;;
esac
export LC_ALL=C TZ=UTC
export LA="${LA_WRAP:+$LA_WRAP }$LA_BIN" LEX="$top/tests/lexicons" CASES="$top/tests/cases" \
       CORPORA="$top/corpora" TOP="$top" LA_TOOLS="$LA_BUILD" LA_BIN LA_BUILD
RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/la-tests.XXXXXX") || exit 2
export RUN_DIR
trap 'rm -rf "$RUN_DIR"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir "$RUN_DIR/res" "$RUN_DIR/w"
: > "$RUN_DIR/list"; : > "$RUN_DIR/first"; : > "$RUN_DIR/pool"; : > "$RUN_DIR/serial"; : > "$RUN_DIR/none"

# ---- which tests, in the order they are printed ------------------------------
# The list has one "KIND NAME PATH" line per test; the line numbers of the
# tests to run go to "first" (the long ones), "pool" or "serial". A test
# that is skipped outright gets its result here, and its number goes to
# "none".
n=0
add() { # $1 kind, $2 name, $3 path, $4 first, pool or serial (skipped: none)
    case "$2" in *"$pattern"*) ;; *) return 1 ;; esac
    n=$((n + 1))
    printf '%s %s %s\n' "$1" "$2" "$3" >> "$RUN_DIR/list"
    echo "$n" >> "$RUN_DIR/$4"
}
if [ -z "${LA_WRAP:-}" ]; then
    for b in "$LA_BUILD"/unit/test_*; do
        [ -x "$b" ] && add unit "unit/$(basename "$b")" "$b" pool
    done
    for b in "$LA_BUILD"/fuzz/fuzz_*-replay; do
        [ -x "$b" ] && add fuzz "fuzz/$(basename "$b" -replay)" "$b" pool
    done
    for sc in "$top"/tests/report/*.sh; do
        [ -f "$sc" ] && add report "report/$(basename "$sc" .sh)" "$sc" first
    done
fi
for c in "$top"/tests/cases/*.case; do
    [ -f "$c" ] || continue
    name=$(basename "$c" .case)
    if [ -n "${LA_WRAP:-}" ] && grep -q '^# slow' "$c"; then
        add case "$name" "$c" none && echo "skip $name (slow under $LA_WRAP)" > "$RUN_DIR/res/$n"
    elif grep -q '^# serial' "$c"; then add case "$name" "$c" serial
    elif grep -q '^# slow' "$c"; then add case "$name" "$c" first
    else add case "$name" "$c" pool
    fi
done

# ---- run them; print the results in list order as they come in ------------
# xargs keeps LA_JOBS tests going; each prints its line number when its
# result is written, which is when the printer looks for results again.
one="$top/tests/run-one.sh"
run_tests() {
    cat "$RUN_DIR/first" "$RUN_DIR/pool" > "$RUN_DIR/todo"
    [ ! -s "$RUN_DIR/todo" ] || xargs -n 1 -P "$jobs" sh "$one" < "$RUN_DIR/todo"
    [ ! -s "$RUN_DIR/serial" ] || xargs -n 1 sh "$one" < "$RUN_DIR/serial"
}
pass=0 fail=0 skip=0 next=1
show() { # prints the next results in list order, up to one not yet written
    while [ "$next" -le "$n" ] && [ -f "$RUN_DIR/res/$next" ]; do
        read -r word _ < "$RUN_DIR/res/$next"
        case $word in
        ok)   pass=$((pass + 1)) ;;
        skip) skip=$((skip + 1)) ;;
        *)    fail=$((fail + 1)) ;;
        esac
        cat "$RUN_DIR/res/$next"
        next=$((next + 1))
    done
}
print_results() {
    show
    while read -r _; do show; done
    # A test that left no result (its runner was killed) fails.
    while [ "$next" -le "$n" ]; do
        [ -f "$RUN_DIR/res/$next" ] || sed -n "${next}p" "$RUN_DIR/list" |
            { read -r _ name _; echo "FAIL $name (no result: its runner was killed)"; } > "$RUN_DIR/res/$next"
        show
    done
    echo "$pass passed, $fail failed, $skip skipped"
    [ "$fail" = 0 ]
}
run_tests | print_results
