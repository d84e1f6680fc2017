#!/bin/sh
# Renders HTML reports in a real headless browser (Debian's chromium) and
# checks that each one rendered cleanly:
#   - the screenshot is written and is a PNG;
#   - the browser logged no console message at all (the report has no
#     scripts, and its Content-Security-Policy makes the browser block and
#     log any request for an external resource, so a console line means a
#     broken or leaking page);
#   - the rendered DOM holds every section of the report and its charts.
# Before the real reports it renders a deliberately broken page (one
# external stylesheet under the report's policy) and requires the check to
# fail on it, so the check itself is known to work.
#
# Usage: sh tests/report/render.sh [REPORT.html...]
#   With no argument it renders the sample report that the unit test
#   binary writes ($LA_BUILD/unit/test_formats --write-report) and, when
#   $LA is a built CLI, the report of corpora/sample.jsonl, the report of
#   the sample after its shipped review (corpora/sample.review.csv, with
#   the review outcome) and the page of labelaudit diff between the two.
#   SHOT_DIR (default: a scratch folder) keeps the screenshots.
# Exit status: 0 all rendered cleanly, 1 a check failed, 77 skipped
# (chromium is not installed, or there is nothing to render).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
LA_BUILD=${LA_BUILD:-$top/build}
LA=${LA:-${LA_BIN:-$top/build/labelaudit}}

browser=
for b in chromium chromium-browser google-chrome; do
    if command -v "$b" > /dev/null 2>&1; then browser=$b; break; fi
done
if [ -z "$browser" ]; then
    echo "skip: no chromium on PATH (apt-get install chromium to run this check)"
    exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/la-render.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
shots=${SHOT_DIR:-$tmp}
mkdir -p "$shots"

run_browser() { # $1 html, then extra flags; stdout and stderr to files
    html=$1; shift
    profile=$(mktemp -d "$tmp/profile.XXXXXX")
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking --disable-component-update \
        --disable-sync --disable-extensions --user-data-dir="$profile" \
        "$@" "file://$html"
}

# check HTML PNG NAME: prints the problems found; returns 1 if any.
check() {
    html=$1 png=$2 name=$3 bad=0
    rm -f "$png"
    run_browser "$html" --enable-logging=stderr --v=0 --window-size=1280,2000 \
        --screenshot="$png" > "$tmp/shot.out" 2> "$tmp/shot.err"
    st=$?
    if [ "$st" != 0 ]; then echo "  $name: browser exited with status $st"; bad=1; fi
    if [ ! -s "$png" ] || [ "$(head -c 4 "$png" | tail -c 3)" != PNG ]; then
        echo "  $name: no screenshot written"; bad=1
    fi
    if grep -q ':CONSOLE' "$tmp/shot.err"; then
        echo "  $name: console messages:"
        grep ':CONSOLE' "$tmp/shot.err" | sed 's/^[^]]*] /    /' | head -10
        bad=1
    fi
    run_browser "$html" --dump-dom > "$tmp/dom.html" 2> /dev/null
    # a report, or the page of labelaudit diff (its one section)
    sections="overview reasons labels scores purity clusters agreement queue"
    title='labelaudit report'
    if grep -q '<section id="diff"' "$html"; then
        sections=diff title='labelaudit: before and after'
    fi
    for id in $sections; do
        if ! grep -q "<section id=\"$id\"" "$tmp/dom.html"; then
            echo "  $name: section #$id missing from the rendered DOM"; bad=1
        fi
    done
    grep -q "<title>$title</title>" "$tmp/dom.html" ||
        { echo "  $name: title missing from the rendered DOM"; bad=1; }
    return $bad
}

pass=0 fail=0

# 1. The check must catch a broken page.
printf '%s\n' '<!DOCTYPE html><html><head><meta charset="utf-8">' \
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">" \
    '<title>labelaudit report</title><link rel="stylesheet" href="https://example.invalid/x.css">' \
    '</head><body></body></html>' > "$tmp/broken.html"
if check "$tmp/broken.html" "$tmp/broken.png" broken > "$tmp/broken.log"; then
    echo "FAIL render/self-test: a page with an external request passed the check"
    fail=$((fail + 1))
elif grep -q 'violates the following Content Security Policy' "$tmp/broken.log"; then
    echo "ok   render/self-test (a blocked external request is caught)"
    pass=$((pass + 1))
else
    echo "FAIL render/self-test: the broken page failed, but not on its console error"
    sed 's/^/    /' "$tmp/broken.log"
    fail=$((fail + 1))
fi

# 2. The reports.
if [ $# = 0 ]; then
    if [ -x "$LA_BUILD/unit/test_formats" ] &&
       (cd "$top" && "$LA_BUILD/unit/test_formats" --write-report "$tmp/sample-report.html"); then
        set -- "$tmp/sample-report.html"
    fi
    if [ -x "$LA" ] && "$LA" -q --report "$tmp/cli-report.html" --summary "$tmp/s1.json" \
            "$top/corpora/sample.jsonl" > /dev/null 2>&1 && [ -s "$tmp/cli-report.html" ]; then
        set -- "$@" "$tmp/cli-report.html"
        # the review loop's page: the sample after its shipped review, and
        # the report with the review outcome
        if "$LA" apply -q --decisions "$top/corpora/sample.review.csv" \
               --output "$tmp/fixed.jsonl" --calibration "$tmp/cal.json" \
               "$top/corpora/sample.jsonl" > /dev/null 2>&1 &&
           "$LA" -q --calibration "$tmp/cal.json" --summary "$tmp/s2.json" \
               --report "$tmp/cli-review-report.html" "$tmp/fixed.jsonl" > /dev/null 2>&1 &&
           "$LA" diff --html "$tmp/cli-diff.html" "$tmp/s1.json" "$tmp/s2.json" > /dev/null 2>&1
        then
            set -- "$@" "$tmp/cli-review-report.html" "$tmp/cli-diff.html"
        fi
    fi
    if [ $# = 0 ]; then
        echo "skip: no report to render (build test_formats or labelaudit first)"
        exit 77
    fi
fi
for f in "$@"; do
    case $f in /*) ;; *) f=$PWD/$f ;; esac
    name=$(basename "$f" .html)
    if check "$f" "$shots/$name.png" "$name"; then
        echo "ok   render/$name ($shots/$name.png)"
        pass=$((pass + 1))
    else
        echo "FAIL render/$name"
        fail=$((fail + 1))
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
