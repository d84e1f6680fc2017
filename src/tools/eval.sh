#!/bin/sh
# make eval: scores labelaudit's queue on the development benchmarks when
# they are present next to the repository (../shared/data); prints a note
# and succeeds when they are not (users do not have them).
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
for set in dev_noisy_toxicity dev_noisy_spam; do
    [ -f "$data/$set.jsonl" ] || continue
    for mode in heuristics model combined; do
        case $mode in
        heuristics) args="--no-learn" ;;
        model) args="--learn --reasons MODEL_DISAGREES" ;;
        combined) args="--learn" ;;
        esac
        $build/labelaudit -q $args "$data/$set.jsonl" > "$out/$set-$mode.jsonl" || true
        echo "== $set, $mode ($args)"
        python3 "$score" "$out/$set-$mode.jsonl" "$data/$set.truth.jsonl" | sed -n '1,12p'
    done
done
