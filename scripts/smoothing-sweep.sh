#!/usr/bin/env bash
# The smoothing rule's two constants against each other on the bundled Higgs data
# (docs/HISTORY.md, "Choosing the smoothing constants"): for each --smooth-alpha and
# --smooth-cap, the stability of the published score (scripts/history-stability.sh,
# growing windows: the median daily move among the engaged, mean over 2–7 July, and
# the largest 90th percentile) and what it costs in prediction (clout eval --history
# over daily runs as of 1–5 July: the published score's NDCG@100 and Spearman, mean
# over the four splits, per target). About a minute per rule on 2 cores.
#
#   scripts/smoothing-sweep.sh                       the grid below
#   ALPHAS="0.5" CAPS="10" scripts/smoothing-sweep.sh   one rule
#
# Work folder: ${CLOUT_CACHE:-~/.cache/clout}/sweep.
set -euo pipefail
cd "$(dirname "$0")/.."
cache=${CLOUT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/clout}
work="$cache/sweep"
mkdir -p "$work"
go build -o "$work/clout" ./cmd/clout
echo "| alpha per day | cap per day | median move, engaged (mean 2–7 July) | largest p90, engaged | published NDCG@100, engagers | published Spearman, engagers | published NDCG@100, retweets | published Spearman, retweets |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for a in ${ALPHAS:-0.25 0.5 0.75 1}; do
	for c in ${CAPS:-5 10 20}; do
		stab=$(SMOOTH="--smooth-alpha $a --smooth-cap $c" CLOUT_CACHE="$work" scripts/history-stability.sh |
			awk -F'|' '/^\| 2012-07-0[2-7]/ { m += $7; if ($9 > p) p = $9; n++ } END { printf "%.2f | %.2f", m / n, p }')
		rm -rf "$work/h"
		for d in 01 02 03 04 05; do
			"$work/clout" score --history "$work/h" --as-of 2012-07-$d --smooth-alpha "$a" --smooth-cap "$c" \
				--progress never --top 0 --edges=false 2>/dev/null
		done
		pred=$("$work/clout" eval --history "$work/h" 2>/dev/null |
			awk -F'|' '/^Target: unique/ { t = 0 } /^Target: retweets/ { t = 1 }
				/published Clout Score/ { sp[t] += $4; nd[t] += $5; n[t]++ }
				END { printf "%.3f | %.3f | %.3f | %.3f", nd[0] / n[0], sp[0] / n[0], nd[1] / n[1], sp[1] / n[1] }')
		echo "| $a | $c | $stab | $pred |"
	done
done
