#!/bin/sh
# Runs one test of tests/run.sh and leaves its result for run.sh to print:
# tests/run.sh lists the tests in $RUN_DIR/list (one "KIND NAME PATH"
# line each) and calls this script, several at a time, with the line
# number. The result goes to $RUN_DIR/res/N, written whole and then
# renamed, so run.sh never prints half a result; its first word is "ok",
# "FAIL" or "skip". Every test has its own folder, $RUN_DIR/w/N, removed
# once the result is written, so concurrent tests share no file.
# Prints N on stdout when done: run.sh reads those lines to know when to
# look for results.
#
# Usage (from tests/run.sh only): sh tests/run-one.sh N
set -u
i=$1
res="$RUN_DIR/res/$i"
w="$RUN_DIR/w/$i"
mkdir -p "$w"
read -r kind name path <<END
$(sed -n "${i}p" "$RUN_DIR/list")
END

# ---- unit tests, fuzz seed replays, script checks ---------------------------
run_cmd() { # the command and its arguments: runs it from the top folder
    (cd "$TOP" && "$@") > "$w/out" 2>&1
}
verdict() { # $1 status, $2 head or tail, $3 lines: of the output, on failure
    if [ "$1" = 0 ]; then echo "ok   $name"
    elif [ "$1" = 77 ] && [ "$kind" = report ]; then echo "skip $name: $(tail -1 "$w/out")"
    else echo "FAIL $name"; $2 -n "$3" "$w/out" | sed 's/^/    /'; fi
}

# ---- golden CLI cases ------------------------------------------------------
split_case() { # $1 case file, $2 output dir: one file per section
    rm -rf "$2"; mkdir -p "$2"
    awk -v d="$2" '
        /^--- [a-z-]+$/ { sec = substr($0, 5); f = d "/" sec; printf "" > f; next }
        sec == "" { next }
        { print >> f }' "$1"
}
run_case() { # $1 case file
    c=$1 d="$w/case"
    split_case "$c" "$d"
    T="$w/scratch"; mkdir -p "$T"; export T
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
             /^--- / { skip = 0 } !skip { print }' "$c" > "$w/new"
        if [ -s "$d/out" ]; then echo "--- stdout" >> "$w/new"; cat "$d/out" >> "$w/new"; fi
        if [ -s "$d/err" ]; then echo "--- stderr" >> "$w/new"; cat "$d/err" >> "$w/new"; fi
        if [ "$st" != 0 ]; then printf -- '--- status\n%s\n' "$st" >> "$w/new"; fi
        cp "$w/new" "$c"
        echo "ok   $name (updated)"; return
    fi
    if cmp -s "$d/out" "$d/stdout" && cmp -s "$d/err" "$d/stderr" && [ "$st" = "$want_st" ]; then
        echo "ok   $name"
    else
        echo "FAIL $name"
        [ "$st" = "$want_st" ] || echo "    status: want $want_st, got $st"
        cmp -s "$d/out" "$d/stdout" || diff "$d/stdout" "$d/out" | head -20 | sed 's/^/    stdout /'
        cmp -s "$d/err" "$d/stderr" || diff "$d/stderr" "$d/err" | head -20 | sed 's/^/    stderr /'
    fi
}

# $LA may hold a wrapper command; the script checks want a path.
case $kind in
unit)   run_cmd "$path"; verdict $? head 40 ;;
fuzz)   run_cmd "$path" "$TOP/tests/fuzz/seeds/${name#fuzz/fuzz_}"; verdict $? head 20 ;;
report) run_cmd env LA="$LA_BIN" sh "$path"; verdict $? tail 20 ;;
case)   run_case "$path" ;;
esac > "$res.tmp"
mv "$res.tmp" "$res"
rm -rf "$w"
echo "$i"
