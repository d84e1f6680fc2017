#!/bin/sh
# make eval: audits every development benchmark found next to the
# repository (../shared/data/dev_noisy_*.jsonl) with the same default
# options, scores each queue with the benchmark's scorer, and prints the
# figures side by side with the reference queue in baselines/ (when
# present): flagged-set P/R/F1, group-aware F1, P@100, AP, and the
# precision of every reason the queue holds. Prints a note and succeeds
# when the benchmarks are absent (users do not have them).
set -eu
build=${1:-build}
data=${LA_EVAL_DATA:-../shared/data}
score=${LA_EVAL_SCORE:-../shared/eval/score.py}
if [ ! -d "$data" ] || [ ! -f "$score" ]; then
    echo "eval: no development benchmarks at $data; nothing to score"
    exit 0
fi
out=$build/eval
mkdir -p "$out"
sets=""
for f in "$data"/dev_noisy_*.jsonl; do
    case $f in *.truth.jsonl) continue ;; esac
    [ -f "$f" ] || continue
    set_=$(basename "$f" .jsonl)
    [ -f "$data/$set_.truth.jsonl" ] || continue
    $build/labelaudit -q --summary "$out/$set_.summary.json" "$f" > "$out/$set_.queue.jsonl" || true
    python3 "$score" "$out/$set_.queue.jsonl" "$data/$set_.truth.jsonl" --json \
        > "$out/$set_.score.json"
    base="$data/baselines/$set_.cleanlab.jsonl"
    if [ -f "$base" ]; then
        python3 "$score" "$base" "$data/$set_.truth.jsonl" --json > "$out/$set_.base.json"
    fi
    sets="$sets $set_"
done
python3 - "$out" $sets <<'EOF'
import json, os, sys
out, sets = sys.argv[1], sys.argv[2:]
def load(p):
    return json.load(open(p)) if os.path.exists(p) else None
def row(d):
    if not d:
        return "%5s %6s %6s %6s %6s %6s %6s" % ("-",) * 7
    p100 = d.get("at_k", {}).get("100", {}).get("precision", 0)
    return "%5d %6.3f %6.3f %6.3f %6.3f %6.3f %6.3f" % (
        d["n_flagged"], d["precision"], d["recall"], d["f1"],
        d["group_aware"]["f1"], p100, d.get("average_precision") or 0)
head = "%5s %6s %6s %6s %6s %6s %6s" % ("n", "P", "R", "F1", "gF1", "P@100", "AP")
print("%-26s %s | baseline %s" % ("benchmark", head, head))
ga, gb, n = 0.0, 0.0, 0
for s in sets:
    a, b = load("%s/%s.score.json" % (out, s)), load("%s/%s.base.json" % (out, s))
    print("%-26s %s | baseline %s" % (s, row(a), row(b)))
    if a and b:
        ga += a["group_aware"]["f1"]; gb += b["group_aware"]["f1"]; n += 1
if n:
    print("mean group-aware F1: %.3f, baseline %.3f (%+.3f)" % (ga / n, gb / n, (ga - gb) / n))
print()
print("precision per reason (true positives / queued rows carrying it):")
for s in sets:
    a = load("%s/%s.score.json" % (out, s))
    if not a:
        continue
    parts = ["%s %d/%d=%.2f" % (k, v["tp"], v["flagged"], v["precision"])
             for k, v in sorted(a["per_reason"].items())]
    print("  %-24s %s" % (s, ", ".join(parts)))
EOF
