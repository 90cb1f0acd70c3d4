#!/usr/bin/env bash
# Makes (once) a Python virtualenv with the benchmark peers and second readers Clout's
# tests and benchmarks use: pyarrow and duckdb (read our Parquet), python-igraph and
# networkit (PageRank peers). Never needed to run Clout itself.
#
#   scripts/pyenv.sh          prints the venv's python
#   PYENV_EXTRA="igraph networkit" scripts/pyenv.sh
set -euo pipefail
cache=${CLOUT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/clout}
venv="$cache/venv"
want="pyarrow duckdb ${PYENV_EXTRA:-}"
mkdir -p "$cache"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip >&2
fi
missing=()
for p in $want; do
  mod=$p
  [ "$p" = "python-igraph" ] && mod=igraph
  "$venv/bin/python" -c "import $mod" 2>/dev/null || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  "$venv/bin/pip" install --quiet "${missing[@]}" >&2
fi
echo "$venv/bin/python"
