#!/bin/sh
# A sharded run on Dask must audit exactly like a single run: the same
# queue byte for byte, the same rejects, the same summary apart from its
# timing keys ("seconds", "mb_per_s", "stages", at any depth).
#
# The corpus is generated (gencorpus, 3000 rows with annotations and
# variety: exact and near duplicates, label conflicts, spam, junk, enough
# rows per class for the classifier), then extended so that shards must
# meet each other's rows: copies of every 40th row with the label flipped
# are appended (each lands in another shard than its original for most
# shard counts), and one malformed line and one blank line are inserted,
# so the exit status 1 of rejected rows is passed through too.
#
# scripts/labelaudit-dask runs it on a LocalCluster of 2 workers with 1, 2
# and 7 shards; each result is compared with the single run's.
#
# Exit status: 0 all equal, 1 a difference, 77 skipped (no
# python3-distributed).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
LA_BUILD=${LA_BUILD:-$top/build}
LA=${LA:-${LA_BIN:-$top/build/labelaudit}}
py=/usr/bin/python3

if ! "$py" -c 'import distributed' > /dev/null 2>&1; then
    echo "skip: python3-distributed is not installed"
    exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/la-shard.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp" || exit 1

"$LA_BUILD/gencorpus" --rows 3000 --annotations --variety --seed 5 > gen.jsonl || exit 1
"$py" - gen.jsonl > corpus.jsonl <<'EOF' || exit 1
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
flip = {"toxic": "non_toxic", "non_toxic": "toxic"}
copies = []
for n, line in enumerate(lines[::40]):
    row = json.loads(line)
    if row.get("label") in flip:
        row["id"] = "copy-%d" % n
        row["label"] = flip[row["label"]]
        copies.append(json.dumps(row, ensure_ascii=False))
lines[1500:1500] = ['{"id":"broken","text":"an unterminated string,"label":"toxic"}', ""]
sys.stdout.write("\n".join(lines + copies) + "\n")
EOF

opts="--sort --removals"
"$LA" $opts -q --summary s1.json --rejects r1.txt corpus.jsonl > q1.jsonl 2> err1.txt
st1=$?
echo "single run: status $st1, $(wc -l < q1.jsonl) queued rows of $(wc -l < corpus.jsonl) lines"
"$py" - s1.json <<'EOF' || exit 1
import json, sys
s = json.load(open(sys.argv[1]))
c, a = s["clusters"], s["agreement"]
seen = {"exact duplicates": c["exact_duplicates"], "near duplicates": c["near_duplicates"],
        "label conflicts": c["conflicts"], "rows with annotations": a["rows_with_judgments"],
        "rejected rows": s["rows_rejected"], "classifier fitted": "MODEL_DISAGREES" in s["reasons"]}
print("  corpus: " + ", ".join("%s %s" % kv for kv in seen.items()))
missing = [k for k, v in seen.items() if not v]
if missing:
    sys.exit("the corpus does not exercise: " + ", ".join(missing))
EOF

# same_summary A B: equal once the timing keys are removed, at any depth
# ("seconds" is also the classifier's training time in "model"); prints
# the path of each difference
same_summary() {
    "$py" - "$1" "$2" <<'EOF'
import json, sys
TIMING = ("seconds", "mb_per_s", "stages")
def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in TIMING}
    return [strip(x) for x in v] if isinstance(v, list) else v
def diff(a, b, path):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            diff(a.get(k), b.get(k), "%s.%s" % (path, k))
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, "%s[%d]" % (path, i))
    elif a != b:
        print("    summary %s: single %s, dask %s"
              % (path, json.dumps(a)[:200], json.dumps(b)[:200]))
a, b = (strip(json.load(open(f))) for f in sys.argv[1:])
diff(a, b, "")
sys.exit(a != b)
EOF
}

fail=0
for n in 1 2 7; do
    "$py" "$top/scripts/labelaudit-dask" --workers 2 --parts "$n" --labelaudit "$LA" \
        -- $opts -q --summary "s$n-dask.json" --rejects "r$n-dask.txt" corpus.jsonl \
        > "q$n-dask.jsonl" 2> "err$n.txt"
    st=$?
    bad=
    if [ "$st" != "$st1" ]; then
        bad=1
        echo "  $n shards: status $st, single run $st1"
        sed 's/^/    /' "err$n.txt"
    fi
    if [ "$st" -le 1 ]; then
        if ! cmp q1.jsonl "q$n-dask.jsonl" > cmp.txt 2>&1; then
            bad=1
            echo "  $n shards: queues differ: $(cat cmp.txt)"
            line=$(sed -n 's/.*, line \([0-9]*\).*/\1/p' cmp.txt)
            if [ -n "$line" ]; then
                echo "    single: $(sed -n "${line}p" q1.jsonl | cut -c1-300)"
                echo "    dask:   $(sed -n "${line}p" "q$n-dask.jsonl" | cut -c1-300)"
            fi
        fi
        cmp -s r1.txt "r$n-dask.txt" || { bad=1; echo "  $n shards: rejects differ"; }
        same_summary s1.json "s$n-dask.json" || bad=1
    fi
    if [ -z "$bad" ]; then
        echo "ok   $n shards on 2 workers: status $st, queue, rejects and summary (less timing keys) equal"
    else
        echo "FAIL $n shards on 2 workers"
        fail=1
    fi
done
exit $fail
