#!/bin/sh
# make fuzz: builds each libFuzzer harness in tests/fuzz with clang, ASan
# and UBSan, and runs it for FUZZ_SECONDS seconds (argument 1) on a copy
# of its seed corpus. New crashing inputs are left in build/fuzz-run/NAME/
# as crash-*; copy them into tests/fuzz/seeds/NAME/ as regression seeds.
set -eu
secs=${1:-60}
out=build/fuzz-run
mkdir -p "$out"
pkg=$(pkg-config --cflags --libs libutf8proc libcjson hunspell zlib libzstd)
lib_src=$(ls src/*.c | grep -v '^src/main.c$')
make --no-print-directory build/lexicons_data.c >/dev/null
for h in tests/fuzz/fuzz_*.c; do
    name=$(basename "$h" .c)
    short=${name#fuzz_}
    echo "== $name ($secs s)"
    clang -g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
        -Iinclude -Ibuild -o "$out/$name" "$h" $lib_src build/lexicons_data.c $pkg -lpthread -lm
    mkdir -p "$out/$short/corpus"
    cp -r "tests/fuzz/seeds/$short/." "$out/$short/corpus/" 2>/dev/null || true
    (cd "$out/$short" && "../$name" -max_total_time="$secs" -print_final_stats=1 \
        -max_len=4096 corpus 2>&1 | grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss|.*cov:)' | tail -3) || true
done
