#!/bin/sh
# Installs what labelaudit needs on Debian/Ubuntu, and nothing when it is
# all there already (so `make demo` and `make check` can call it each time).
#   install-deps.sh          build and run (compiler, libraries, dictionary)
#   install-deps.sh test     also what the test suite uses (valgrind, clang,
#                            chromium for the HTML report check, GNU time,
#                            Dask for the sharded-run check)
#   install-deps.sh bench    also GNU time for make bench
set -e
need="build-essential pkg-config libutf8proc-dev libhunspell-dev libcjson-dev zlib1g-dev libzstd-dev hunspell-en-us"
case "${1:-}" in
test)  need="$need valgrind clang chromium time python3-distributed python3-dask" ;;
bench) need="$need time gzip zstd" ;;
esac
missing=""
for p in $need; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
    echo "labelaudit: missing packages:$missing (install them with your package manager)" >&2
    exit 1
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
        echo "labelaudit: missing packages:$missing; run as root: apt-get install$missing" >&2
        exit 1
    fi
fi
echo "labelaudit: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends $missing
