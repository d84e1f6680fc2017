#!/bin/sh
# The man page and --help must list the same options. Extracts the long
# option names from the OPTIONS section of src/labelaudit.1 (the tag line
# after each .TP) and from the option lines of "$LA --help" (lines that
# start with "--name" or "-x, --name"), and compares the two sets. Also
# checks that groff formats the page without warnings, and that every
# reason code and exit status is documented.
#
# Usage: LA=path/to/labelaudit sh tests/report/manpage.sh
# Exit status: 0 same lists, 1 they differ, 77 skipped (no binary).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
LA=${LA:-${LA_BIN:-$top/build/labelaudit}}
page=${MAN_PAGE:-$top/src/labelaudit.1}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/la-man.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
bad=0

if [ ! -x "$LA" ]; then
    echo "skip: no labelaudit binary at $LA"
    exit 77
fi

# Options in the man page: tag lines of .TP inside .SH OPTIONS.
awk '
    /^\.SH / { in_opts = ($0 ~ /^\.SH "?OPTIONS"?$/); next }
    in_opts && tp { print; tp = 0; next }
    in_opts && /^\.TP/ { tp = 1 }
' "$page" | sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' |
    grep -o -- '--[a-z][a-z0-9-]*' | sort -u > "$tmp/man"

# Options in --help: only the option lines, not mentions in descriptions.
"$LA" --help > "$tmp/help.txt" 2>&1 || { echo "FAIL: $LA --help exited non-zero"; exit 1; }
sed -n 's/^ *\(-[A-Za-z0-9], \)\{0,1\}\(--[a-z][a-z0-9-]*\).*/\2/p' "$tmp/help.txt" |
    sort -u > "$tmp/help"

if [ ! -s "$tmp/man" ] || [ ! -s "$tmp/help" ]; then
    echo "FAIL: no options found (man: $(wc -l < "$tmp/man"), help: $(wc -l < "$tmp/help"))"
    exit 1
fi
if ! cmp -s "$tmp/man" "$tmp/help"; then
    echo "FAIL: option lists differ (< only in the man page, > only in --help):"
    diff "$tmp/man" "$tmp/help" | grep '^[<>]' | sed 's/^/    /'
    bad=1
fi

# Short options: -j, -q, -h, -V in both.
for s in j q h V; do
    grep -q "^\\\\fB\\\\-$s\\\\fR, " "$page" ||
        { echo "FAIL: -$s missing from the man page"; bad=1; }
    grep -q "^ *-$s, --" "$tmp/help.txt" ||
        { echo "FAIL: -$s missing from --help"; bad=1; }
done

# Every reason code (from the public header) has an entry.
codes=$(sed -n '/typedef enum la_reason/,/} la_reason;/s/^ *LA_R_\([A-Z_]*\).*/\1/p' \
        "$top/include/labelaudit.h" | grep -v '^_')
n=0
for c in $codes; do
    n=$((n + 1))
    grep -q "^\.B $c\$" "$page" || { echo "FAIL: reason $c not in REASON CODES"; bad=1; }
done
[ "$n" = 14 ] || { echo "FAIL: expected 14 reason codes in labelaudit.h, found $n"; bad=1; }

# Exit statuses 0..4, the formats, the sections.
for st in 0 1 2 3 4; do
    awk '/^\.SH "EXIT STATUS"/ { on = 1; next } /^\.SH / { on = 0 } on' "$page" |
        grep -q "^\.B $st\$" || { echo "FAIL: exit status $st not documented"; bad=1; }
done
for f in jsonl csv 'label\\-studio' argilla prodigy; do
    grep -q "^\.B $f\$" "$page" || { echo "FAIL: format $f not documented"; bad=1; }
done
for s in NAME SYNOPSIS DESCRIPTION OPTIONS '"REASON CODES"' '"OUTPUT FORMATS"' \
         '"QUEUE ROW"' SUMMARY '"EXIT STATUS"' EXAMPLES FILES; do
    grep -q "^\.SH $s\$" "$page" || { echo "FAIL: section $s missing"; bad=1; }
done

# groff formats it without warnings.
if command -v groff > /dev/null 2>&1; then
    groff -man -Tutf8 -ww -z "$page" > "$tmp/groff" 2>&1
    if [ -s "$tmp/groff" ]; then
        echo "FAIL: groff warnings:"; sed 's/^/    /' "$tmp/groff"; bad=1
    fi
fi

if [ "$bad" = 0 ]; then
    echo "ok   man page and --help list the same $(wc -l < "$tmp/man") long options"
fi
exit $bad
