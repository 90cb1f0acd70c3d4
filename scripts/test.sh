#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting and vet, the Go tests (with the
# second Parquet readers and a real Neo4j where the tests need them), and a bounded
# run of every fuzz target.
#
#   scripts/test.sh            everything
#   FUZZTIME=0 scripts/test.sh skip the fuzzing
#
# Installs what the tests need into the cache folder (${CLOUT_CACHE:-~/.cache/clout}):
# a Python virtualenv with pyarrow and duckdb (second readers of our Parquet).
set -euo pipefail
cd "$(dirname "$0")/.."
here=$PWD
cache=${CLOUT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/clout}
fuzztime=${FUZZTIME:-10s}

echo "== gofmt, go vet"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi
go vet ./...

echo "== Python second readers (pyarrow, duckdb) in $cache/venv"
"$here/scripts/pyenv.sh" >/dev/null
export CLOUT_PYTHON="$cache/venv/bin/python"

echo "== go test"
go test -count=1 ./...

if [ "$fuzztime" != "0" ]; then
  echo "== fuzz ($fuzztime each)"
  for pkg in $(go list ./...); do
    dir=$(go list -f '{{.Dir}}' "$pkg")
    for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
      echo "-- $pkg $target"
      go test -run='^$' -fuzz="^${target}\$" -fuzztime="$fuzztime" "$pkg"
    done
  done
fi
echo "== all tests passed"
