#!/usr/bin/env bash
# Stability of the Clout Score on the bundled SNAP Higgs data, day by day, with and
# without smoothing (docs/HISTORY.md). Runs as of each day 2012-07-01..07-07 into two
# histories (--smooth=true and false), and prints, per day, the median |delta_day| as
# `clout diff` reports it between consecutive partitions: over all users in both runs,
# and over those with any engagement in the earlier run.
#
#   scripts/history-stability.sh            growing windows: each run --since 2012-07-01
#                                           (every event from the start of the data to
#                                           the end of its day)
#   WINDOW=3 scripts/history-stability.sh   sliding windows: each run sees its last 3 days
#   SMOOTH="--smooth-alpha 0.25 --smooth-cap 5" scripts/history-stability.sh
#                                           another smoothing rule for the smoothed history
#
# Work folder: ${CLOUT_CACHE:-~/.cache/clout}/history.
set -euo pipefail
cd "$(dirname "$0")/.."
cache=${CLOUT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/clout}
work="$cache/history"
window=${WINDOW:-}
rm -rf "$work/smooth" "$work/raw"
mkdir -p "$work"
go build -o "$work/clout" ./cmd/clout
days="01 02 03 04 05 06 07"
for mode in smooth raw; do
	flag=true
	[ "$mode" = raw ] && flag=false
	for d in $days; do
		since=2012-07-01
		[ -n "$window" ] && since=$(date -u -d "2012-07-$d -$((window - 1)) days" +%F)
		"$work/clout" score --history "$work/$mode" --as-of "2012-07-$d" --since "${since}T00:00:00Z" \
			--smooth="$flag" ${SMOOTH:-} --progress never --top 0 --edges=false 2>/dev/null
	done
done
echo "| as of | users in both | median, all (raw) | median, all (smoothed) | median, engaged (raw) | median, engaged (smoothed) | p90, engaged (raw) | p90, engaged (smoothed) | ≥ 30 points, engaged (raw) | ≥ 30 points, engaged (smoothed) |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
prev=01
for d in 02 03 04 05 06 07; do
	row="| 2012-07-$d"
	declare -A s=()
	for mode in raw smooth; do
		out=$("$work/clout" diff -n 0 "$work/$mode/run=2012-07-$prev" "$work/$mode/run=2012-07-$d")
		all=$(grep '^|Δ clout| over the users in both' <<<"$out")
		eng=$(grep '^|Δ clout| over those engaged' <<<"$out")
		s[n]=$(sed -E 's/.*\(([0-9]+)\).*/\1/' <<<"$all")
		s[all_$mode]=$(sed -E 's/.*median ([0-9.]+),.*/\1/' <<<"$all")
		s[eng_$mode]=$(sed -E 's/.*median ([0-9.]+),.*/\1/' <<<"$eng")
		s[p90_$mode]=$(sed -E 's/.*p90 ([0-9.]+),.*/\1/' <<<"$eng")
		s[ge30_$mode]=$(sed -E 's/.*, ([0-9.]+) % ≥ 30.*/\1/' <<<"$eng")
	done
	echo "$row | ${s[n]} | ${s[all_raw]} | ${s[all_smooth]} | ${s[eng_raw]} | ${s[eng_smooth]} | ${s[p90_raw]} | ${s[p90_smooth]} | ${s[ge30_raw]} % | ${s[ge30_smooth]} % |"
	prev=$d
done
