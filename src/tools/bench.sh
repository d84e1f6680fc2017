#!/bin/sh
# make bench: throughput and memory of labelaudit against two floors on a
# generated corpus, all measured in one run with public tools
# (/usr/bin/time from Debian's "time" package).
#   BENCH_ROWS   rows in the generated corpus (default 1000000)
#   BENCH_JOBS   thread count for the parallel run (default: online cores)
#   BENCH_FORMAT_ROWS  rows of the input-format comparison (default 200000)
# Every run reads the same file; the corpus is generated once and kept.
# Reported per run: wall seconds, rows/s, MB/s, peak RSS (GNU time's
# %e and %M) and the ratio of the parse-only floor's seconds to the run's
# (1.00 = as fast as parsing). The load average is printed first and last:
# on a shared machine other processes take cores, which shows in -jN.
# Then, from the same runs: where the time goes (the summary's "stages":
# per-row stages sampled on one row in 16, the ordered consumer, output
# and the end-of-stream stages; "read, batching, rest" is the -j1 wall
# time not in any stage), each in ns per row and as a share of the run,
# next to the parse floor; and the scaling table over thread counts.
#   BENCH_SCALE  thread counts of the scaling table (default: 1 2 4 ... up
#                to the online cores)
#   BENCH_SPILL_ROWS  row counts of the spill table (default: BENCH_ROWS;
#                0 skips it): each corpus is audited with all checks twice,
#                with the state kept for the end of the stream in memory
#                (--memory 64G) and spilled (--memory BENCH_SPILL_MEMORY,
#                default 64M); with two counts or more, the growth of peak
#                RSS per row between the first and the last. Corpora of
#                other sizes are generated once and kept like the main one
#                (10M rows is about 1.1 GB and several minutes per run).
set -eu
build=${1:-build}
rows=${BENCH_ROWS:-1000000}
jobs=${BENCH_JOBS:-$(getconf _NPROCESSORS_ONLN)}
cc=${CC:-cc}
dir=$build/bench
mkdir -p "$dir"
if [ ! -x /usr/bin/time ]; then
    echo "bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 1
fi
$cc -O2 -o "$dir/gencorpus" src/tools/gencorpus.c
$cc -O2 -o "$dir/parsefloor" src/tools/parsefloor.c $(pkg-config --cflags --libs libcjson)
corpus=$dir/corpus-$rows.jsonl
[ -s "$corpus" ] || "$dir/gencorpus" --rows "$rows" --variety --annotations --seed 42 > "$corpus"
bytes=$(wc -c < "$corpus")
la=$build/labelaudit
echo "corpus: $corpus ($rows rows, $bytes bytes); $(getconf _NPROCESSORS_ONLN) cores"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
printf '%-44s %9s %10s %9s %10s %8s\n' run seconds rows/s MB/s peakRSS_MB ratio
floor=""
measure() { # name, summary file or -, command...
    name=$1; sum=$2; shift 2
    if [ "$sum" != - ]; then set -- "$@" --stage-times --summary "$sum"; fi
    st=0
    /usr/bin/time -f '%e %M' -o "$dir/time.txt" "$@" > /dev/null 2> "$dir/err.txt" || st=$?
    # labelaudit exits 1 when lines were rejected; anything else is a failure
    if [ "$st" -gt 1 ]; then
        echo "bench: $name failed (exit $st):" >&2; tail -5 "$dir/err.txt" >&2; exit 1
    fi
    set -- $(tail -1 "$dir/time.txt")
    secs=$1; rss=$2
    awk -v n="$name" -v s="$secs" -v r="$rows" -v b="$bytes" -v m="$rss" -v f="$floor" 'BEGIN {
        if (s <= 0) s = 0.001
        ratio = (f == "") ? "-" : sprintf("%.2f", f / s)
        printf "%-44s %9.2f %10.0f %9.1f %10.1f %8s\n", n, s, r / s, b / s / 1e6, m / 1024, ratio }'
    last=$secs; last_rss=$rss
}
measure "cat (read floor)" - cat "$corpus"
measure "parse-only floor (cJSON + text)" - "$dir/parsefloor" "$corpus"
floor=$last
echo "(ratio = parse-only floor seconds / run seconds: 1.00 is parse speed)"
measure "labelaudit -j1 --no-learn" "$dir/sum-j1.json" "$la" -q -j1 --no-learn "$corpus"
j1=$last
measure "labelaudit -j1 --no-learn --no-near-dups" - "$la" -q -j1 --no-learn --no-near-dups "$corpus"
measure "labelaudit -j$jobs --no-learn" - "$la" -q -j"$jobs" --no-learn "$corpus"
jn=$last
measure "labelaudit -j1 (all checks, classifier)" "$dir/sum-j1-all.json" "$la" -q -j1 "$corpus"
j1all=$last
measure "labelaudit -j$jobs (all checks, classifier)" - "$la" -q -j"$jobs" "$corpus"
jnall=$last; rss_all=$last_rss

# Input formats: the same rows as JSON Lines, CSV, TSV and a JSON array,
# plain and compressed, each read by the same run settings; the ratio
# column is JSON Lines CPU seconds / the format's (1.00 = as fast); every
# format must give the same queue as JSON Lines.
frows=${BENCH_FORMAT_ROWS:-200000}
$cc -O2 -o "$dir/convert" src/tools/convert.c $(pkg-config --cflags --libs libcjson)
fbase=$dir/formats-$frows
if [ ! -s "$fbase.jsonl.zst" ]; then
    "$dir/gencorpus" --rows "$frows" --variety --annotations --seed 7 > "$fbase.jsonl"
    for f in csv tsv json; do "$dir/convert" $f < "$fbase.jsonl" > "$fbase.$f"; done
    gzip -c "$fbase.jsonl" > "$fbase.jsonl.gz"
    gzip -c "$fbase.csv" > "$fbase.csv.gz"
    zstd -q -c "$fbase.jsonl" > "$fbase.jsonl.zst"
fi
echo
echo "input formats: $frows rows, labelaudit -j$jobs --no-learn; CPU = user + system seconds,"
echo "which a busy machine disturbs less than wall time; ratio = JSON Lines CPU / run CPU"
printf '%-34s %8s %8s %10s %10s %10s %7s\n' run wall_s cpu_s rows/cpu_s MB/cpu_s peakRSS_MB ratio
jsonl_cpu=""
for f in jsonl csv tsv json jsonl.gz jsonl.zst csv.gz; do
    fbytes=$(wc -c < "$fbase.$f")
    st=0
    /usr/bin/time -f '%e %U %S %M' -o "$dir/time.txt" "$la" -q -j"$jobs" --no-learn \
        "$fbase.$f" > "$dir/q-$f.jsonl" 2> "$dir/err.txt" || st=$?
    if [ "$st" -gt 1 ]; then
        echo "bench: $f failed (exit $st):" >&2; tail -5 "$dir/err.txt" >&2; exit 1
    fi
    set -- $(tail -1 "$dir/time.txt")
    cpu=$(awk -v u="$2" -v s="$3" 'BEGIN { printf "%.2f", u + s }')
    [ "$f" = jsonl ] && jsonl_cpu=$cpu
    awk -v n="$f ($fbytes B)" -v w="$1" -v c="$cpu" -v r="$frows" -v b="$fbytes" -v m="$4" \
        -v j="$jsonl_cpu" 'BEGIN { if (c <= 0) c = 0.01
        printf "%-34s %8.2f %8.2f %10.0f %10.1f %10.1f %7.2f\n", n, w, c, r / c, b / c / 1e6,
               m / 1024, j / c }'
    # every format must give the JSON Lines queue (line numbers aside)
    if [ "$f" != jsonl ] && ! cmp -s "$dir/q-jsonl.jsonl" "$dir/q-$f.jsonl"; then
        sed 's/"line":[0-9]*,//' "$dir/q-jsonl.jsonl" > "$dir/a.txt"
        sed 's/"line":[0-9]*,//' "$dir/q-$f.jsonl" > "$dir/b.txt"
        cmp -s "$dir/a.txt" "$dir/b.txt" || echo "bench: $f gives another queue than jsonl" >&2
    fi
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"

# stages: the "ns_per_row" members of a summary (cJSON's layout: one
# member per line), against the run's wall time per row
stages() { # title, summary, wall seconds
    echo
    echo "where the time goes, $1 (ns per row; share of the -j1 wall time):"
    awk -v s="$3" -v r="$rows" -v f="$floor" '
        /"ns_per_row"/ { on = 1; next }
        on && /}/ { on = 0 }
        on { gsub(/[",\t ]/, ""); split($0, kv, ":"); n++; name[n] = kv[1]; ns[n] = kv[2]; sum += kv[2] }
        END {
            wall = s * 1e9 / r
            printf "  %-28s %9.0f ns %6.1f%%\n", "parse floor (for scale)", f * 1e9 / r, 100 * f * 1e9 / r / wall
            for (i = 1; i <= n; i++)
                printf "  %-28s %9.0f ns %6.1f%%\n", name[i], ns[i], 100 * ns[i] / wall
            rest = wall - sum; if (rest < 0) rest = 0
            printf "  %-28s %9.0f ns %6.1f%%\n", "read, batching, rest", rest, 100 * rest / wall
            printf "  %-28s %9.0f ns\n", "total (wall)", wall
        }' "$2"
}
stages "-j1 --no-learn" "$dir/sum-j1.json" "$j1"
stages "-j1, all checks" "$dir/sum-j1-all.json" "$j1all"

scale=${BENCH_SCALE:-}
if [ -z "$scale" ]; then
    t=1
    while [ "$t" -le "$(getconf _NPROCESSORS_ONLN)" ]; do scale="$scale $t"; t=$((t * 2)); done
fi
echo
echo "scaling (--no-learn, then all checks; speed-up over -j1 of the same kind):"
printf '  %-8s %10s %10s %8s %10s %10s %8s\n' threads seconds rows/s x all_secs rows/s x
for t in $scale; do
    measure "-j$t --no-learn" - "$la" -q -j"$t" --no-learn "$corpus" > /dev/null
    a=$last
    measure "-j$t all checks" - "$la" -q -j"$t" "$corpus" > /dev/null
    c=$last
    awk -v t="$t" -v a="$a" -v c="$c" -v a1="$j1" -v c1="$j1all" -v r="$rows" 'BEGIN {
        if (a <= 0) a = 0.001; if (c <= 0) c = 0.001
        printf "  -j%-6s %10.2f %10.0f %7.2fx %10.2f %10.0f %7.2fx\n", t, a, r / a, a1 / a, c, r / c, c1 / c }'
done

spill_rows=${BENCH_SPILL_ROWS:-$rows}
spill_mem=${BENCH_SPILL_MEMORY:-64M}
if [ "$spill_rows" != 0 ]; then
    echo
    echo "spilling (all checks, -j$jobs; in memory = --memory 64G, spilled = --memory $spill_mem):"
    printf '  %-10s %10s %10s %12s %12s %8s\n' rows mem_secs mem_RSS_MB spill_secs spill_RSS_MB x
    first_n=""; first_rss=""
    for n in $spill_rows; do
        c=$dir/corpus-$n.jsonl
        [ -s "$c" ] || "$dir/gencorpus" --rows "$n" --variety --annotations --seed 42 > "$c"
        measure "in memory" - "$la" -q -j"$jobs" --memory 64G "$c" > /dev/null
        ms=$last; mr=$last_rss
        measure "spilled" - "$la" -q -j"$jobs" --memory "$spill_mem" --tmpdir "$dir" "$c" > /dev/null
        ss=$last; sr=$last_rss
        awk -v n="$n" -v a="$ms" -v b="$mr" -v c="$ss" -v d="$sr" 'BEGIN { if (a <= 0) a = 0.001
            printf "  %-10s %10.2f %10.1f %12.2f %12.1f %7.2fx\n", n, a, b / 1024, c, d / 1024, c / a }'
        [ -n "$first_n" ] || { first_n=$n; first_rss=$sr; }
        last_n=$n; last_rss_spill=$sr
    done
    if [ "$last_n" != "$first_n" ]; then
        awk -v a="$first_n" -v b="$last_n" -v x="$first_rss" -v y="$last_rss_spill" 'BEGIN {
            printf "  spilled peak RSS grows %.0f bytes per row from %d to %d rows (target <= 120)\n",
                   (y - x) * 1024 / (b - a), a, b }'
    fi
fi

echo
echo "targets:"
awk -v f="$floor" -v a="$j1" -v c="$j1all" 'BEGIN {
    printf "  -j1 audit / parse floor: %.3fx without classifier (target >= 0.10), %.3fx with (target >= 0.05)\n", f / a, f / c }'
awk -v a="$j1" -v b="$jn" -v c="$j1all" -v d="$jnall" -v j="$jobs" 'BEGIN {
    printf "  -j%s over -j1: %.2fx without classifier, %.2fx with (target >= 1.8 at -j2)\n", j, a / b, c / d }'
awk -v m="$rss_all" -v r="$rows" 'BEGIN {
    printf "  peak RSS, default settings (near duplicates, classifier): %.0f MiB for %d rows (target <= 1024 MiB for 1M)\n", m / 1024, r }'
