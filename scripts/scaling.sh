#!/usr/bin/env bash
# Scaling curve: the whole `clout score` run (defaults: edges.parquet written, log
# count transform) on seeded R-MAT graphs of growing scale, one at a time, under
# /usr/bin/time -v. Prints a Markdown table row per scale; bytes/edge divide the peak
# RSS by the edges in the file, ns/edge/iter the time of the PageRank iterations
# (score.pagerank.iterate) by the distinct edges and the iterations.
#
#   SCALES="18 20 21 22 23" scripts/scaling.sh
#
# Inputs are generated once as $DIR/rmat-v2-sS.tsv.gz (DIR defaults to /tmp; v2: the
# generator of 2026-12-02, quadrant columns fixed), outputs go
# to $DIR/scaling-sS; the binary is built to $DIR/clout-scaling.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${DIR:-/tmp}
scales=${SCALES:-"18 20 21 22 23"}
bin="$dir/clout-scaling"
go build -o "$bin" ./cmd/clout
field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$1" "$2"; }
echo "| scale | users | edges in file | distinct | wall | ingest s | build s | PageRank build s | iterations s (n) | ns/edge/iter | signals+scale s | write s | peak RSS MB | bytes/edge | s per M edges | load avg (1 min) before |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for s in $scales; do
  in="$dir/rmat-v2-s$s.tsv.gz"
  [ -s "$in" ] || nice "$bin" gen rmat --scale "$s" --edge-factor 16 --seed 1 --out "$in"
  out="$dir/scaling-s$s"
  rm -rf "$out"
  load=$(cut -d' ' -f1 /proc/loadavg)
  nice /usr/bin/time -v -o "$out.time" "$bin" score --follows "$in" --out "$out" --top 0 --progress never 2>"$out.log"
  kb=$(awk -F: '/Maximum resident/ {gsub(/ /,"",$2); print $2}' "$out.time")
  wall=$(awk '/Elapsed \(wall/ {print $NF}' "$out.time")
  rj="$out/run.json"
  raw=$(field "$rj" "d['inputs'][0]['records']")
  m=$(field "$rj" "d['graph']['edges']")
  n=$(field "$rj" "d['graph']['users']")
  it=$(field "$rj" "d['pagerank']['iterations']")
  tj() { field "$rj" "d['timings_seconds']['$1']"; }
  ti=$(tj ingest); tb=$(tj build); tpb=$(tj score.pagerank.build); tp=$(tj score.pagerank.iterate); tw=$(tj write)
  tss=$(field "$rj" "d['timings_seconds']['score.signals']+d['timings_seconds']['score.scale']")
  secs=$(echo "$wall" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  awk -v s="$s" -v n="$n" -v raw="$raw" -v m="$m" -v wall="$wall" -v secs="$secs" -v ti="$ti" -v tb="$tb" -v tpb="$tpb" -v tp="$tp" -v it="$it" -v tss="$tss" -v tw="$tw" -v kb="$kb" -v load="$load" 'BEGIN {
    printf "| %s | %d | %d | %d | %s | %.1f | %.1f | %.1f | %.1f (%d) | %.2f | %.1f | %.1f | %.0f | %.1f | %.2f | %s |\n",
      s, n, raw, m, wall, ti, tb, tpb, tp, it, tp*1e9/m/it, tss, tw, kb/1024, kb*1024/raw, secs/(raw/1e6), load }'
done
