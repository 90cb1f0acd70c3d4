#!/usr/bin/env bash
# Benchmark suite: Clout's stages on seeded R-MAT graphs, and PageRank peers (gonum,
# python-igraph, NetworKit) on the same graphs in the same run, with agreement checks.
#
#   scripts/bench.sh                      scales 20 and 23, all peers
#   SCALES="18 19 20 21 22 23 24" scripts/bench.sh     a scaling curve
#   PEERS=0 scripts/bench.sh              Clout only
#   GONUM_MAX_SCALE=18 scripts/bench.sh   largest scale gonum is run on (it needs
#                                         ~250 bytes/edge and minutes at scale 20)
#
# Prints a Markdown table per scale (docs/BENCHMARKS.md holds a copy with the
# machine's facts). Graphs and results go to ${CLOUT_CACHE:-~/.cache/clout}/bench.
set -euo pipefail
cd "$(dirname "$0")/.."
here=$PWD
cache=${CLOUT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/clout}
work="$cache/bench"
mkdir -p "$work"
scales=${SCALES:-"20 23"}
ef=${EDGE_FACTOR:-16}
seed=${SEED:-1}
damping=0.85
tol=${TOL:-1e-10}
peers=${PEERS:-1}
gonum_max=${GONUM_MAX_SCALE:-20}

echo "## Machine"
echo
echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), nproc $(nproc)"
echo "- memory: $(free -g | awk '/Mem:/ {print $2}') GiB; $(go version)"
echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); clout $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo

go build -o "$work/clout" ./cmd/clout
go build -o "$work/gonumpr" ./scripts/bench/gonumpr
py=""
if [ "$peers" != 0 ]; then
  py=$(PYENV_EXTRA="igraph networkit" "$here/scripts/pyenv.sh")
fi

# field FILE KEY: a number from run.json's timings or the top level (jq-free).
field() { "${py:-python3}" -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$1" "$2"; }

for s in $scales; do
  edges_file="$work/rmat-v2-s$s-ef$ef-seed$seed.tsv.gz" # v2: the generator of 2026-12-02 (quadrant columns fixed)
  if [ ! -s "$edges_file" ]; then
    t0=$(date +%s.%N)
    "$work/clout" gen rmat --scale "$s" --edge-factor "$ef" --seed "$seed" --out "$edges_file"
    echo "generated $edges_file in $(echo "$(date +%s.%N) - $t0" | bc) s" >&2
  fi
  bytes=$(stat -c %s "$edges_file")
  out="$work/run-s$s"
  rm -rf "$out"
  # --count-transform binary: every distinct edge weighs 1, like the peers'.
  score=("$work/clout" score --follows "$edges_file" --count-transform binary --damping "$damping"
    --tolerance "$tol" --max-iter 1000 --edges=false --top 0 --progress never)
  /usr/bin/time -v -o "$work/time-s$s.txt" "${score[@]}" --out "$out" 2>"$work/clout-s$s.log"
  # The same run on one thread (GOMAXPROCS=1, --workers 1), for the per-core figures.
  out1="$work/run-s$s-1thread"
  rm -rf "$out1"
  GOMAXPROCS=1 "${score[@]}" --out "$out1" --workers 1 2>"$work/clout-s$s-1thread.log"
  rss_kb=$(awk -F: '/Maximum resident/ {gsub(/ /,"",$2); print $2}' "$work/time-s$s.txt")
  wall=$(awk '/Elapsed \(wall/ {print $NF}' "$work/time-s$s.txt")
  rj="$out/run.json"
  m=$(field "$rj" "d['graph']['edges']")
  n=$(field "$rj" "d['graph']['users']")
  iters=$(field "$rj" "d['pagerank']['iterations']")
  raw=$(field "$rj" "d['inputs'][0]['records']")
  # tj RUN_JSON STAGE: a stage's seconds from run.json's timings.
  tj() { field "$1" "d['timings_seconds']['$2']"; }
  rj1="$out1/run.json"
  t_ing=$(tj "$rj" ingest); t_bld=$(tj "$rj" build); t_wr=$(tj "$rj" write)
  t_pr=$(tj "$rj" score.pagerank); t_prb=$(tj "$rj" score.pagerank.build); t_pri=$(tj "$rj" score.pagerank.iterate)
  t1_bld=$(tj "$rj1" build)
  t1_pr=$(tj "$rj1" score.pagerank); t1_prb=$(tj "$rj1" score.pagerank.build); t1_pri=$(tj "$rj1" score.pagerank.iterate)
  t_sig=$(field "$rj" "d['timings_seconds']['score.signals']+d['timings_seconds']['score.scale']")
  echo "## R-MAT scale $s, edge factor $ef, seed $seed: $n users, $raw edges in the file, $m distinct"
  echo
  echo "| stage | time | rate |"
  echo "| --- | --- | --- |"
  awk -v b="$bytes" -v r="$raw" -v t="$t_ing" 'BEGIN {printf "| ingest (gzip edge list, %.0f MB) | %.2f s | %.1f MB/s, %.1f M edges/s |\n", b/1e6, t, b/1e6/t, r/1e6/t}'
  awk -v m="$m" -v t="$t_bld" -v r="$raw" 'BEGIN {printf "| build (out-CSRs: fill, sort, merge) | %.2f s | %.1f M edges/s |\n", t, r/1e6/t}'
  awk -v m="$m" -v t="$t_prb" -v t1="$t1_prb" 'BEGIN {printf "| PageRank build (relabelled in-adjacency), 2 threads / 1 | %.2f s / %.2f s | %.1f / %.1f ns/edge |\n", t, t1, t*1e9/m, t1*1e9/m}'
  awk -v m="$m" -v t="$t_pri" -v t1="$t1_pri" -v i="$iters" 'BEGIN {printf "| PageRank, %d iterations to L1 < '"$tol"', 2 threads / 1 | %.2f s / %.2f s | %.2f / %.2f ns/edge/iter |\n", i, t, t1, t*1e9/m/i, t1*1e9/m/i}'
  awk -v n="$n" -v t="$t_sig" 'BEGIN {printf "| signals and scaling | %.2f s | %.1f M users/s |\n", t, n/1e6/t}'
  awk -v n="$n" -v t="$t_wr" 'BEGIN {printf "| Parquet write (scores) | %.2f s | %.0f k rows/s |\n", t, n/1e3/t}'
  awk -v w="$wall" -v kb="$rss_kb" -v m="$raw" 'BEGIN {printf "| end to end (`clout score`) | %s | peak RSS %.0f MB = %.1f bytes/edge |\n", w, kb/1024, kb*1024/m}'
  echo

  if [ "$peers" != 0 ]; then
    extra=()
    if [ "$s" -le "$gonum_max" ]; then
      /usr/bin/time -v -o "$work/time-gonum-s$s.txt" "$work/gonumpr" -damping "$damping" -tol "$tol" \
        -out "$work/gonum-s$s.tsv" "$edges_file" 2>"$work/gonum-s$s.json" || true
      extra=(--gonum "$work/gonum-s$s.tsv" --gonum-json "$work/gonum-s$s.json" --gonum-time "$work/time-gonum-s$s.txt")
    fi
    "$py" "$here/scripts/bench/peers.py" "$edges_file" "$out/scores.parquet" --damping "$damping" --tol "$tol" \
      --clout-pagerank-s "$t_pr" --clout-build-s "$t_bld" --clout-iters "$iters" \
      --clout1-pagerank-s "$t1_pr" --clout1-build-s "$t1_bld" "${extra[@]}"
    echo
  fi
done
