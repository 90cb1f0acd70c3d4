#!/usr/bin/env bash
# scripts/neo4j-bench.sh - time one Neo4j command of Clout the way docs/neo4j.md
# ("Performance") reports it: the load average before, the wall time, and the CPU
# seconds the Neo4j server JVM spent meanwhile (from /proc, so that runs can be
# compared independently of what else the machine does).
#
# Usage: scripts/neo4j-bench.sh COMMAND [ARGS...]
#   scripts/neo4j-bench.sh /tmp/clout load neo4j --run /tmp/rrun --progress never
#   scripts/neo4j-bench.sh scripts/neo4j.sh import /tmp/rimport
#
# On a shared machine, run it under the CPU lock: flock /tmp/clout-cpu.lock scripts/neo4j-bench.sh …
# The command's own output goes to stderr; a summary line to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
(( $# > 0 )) || { sed -n '2,12p' "$0" >&2; exit 2; }

# server_cpu prints the user+system CPU seconds of the Neo4j server JVM (the child
# of the bootloader whose pid scripts/neo4j.sh records), or 0 when none runs.
server_cpu() {
  local boot pid
  boot="$(cat "$(scripts/neo4j.sh home)/run/neo4j-console.pid" 2>/dev/null)" || { echo 0; return; }
  pid="$(pgrep -P "$boot" java 2>/dev/null | head -n 1)" || true
  [[ -n "$pid" && -r "/proc/$pid/stat" ]] || { echo 0; return; }
  # Fields 14 and 15 of /proc/PID/stat (after the parenthesised name): utime, stime.
  awk -v hz="$(getconf CLK_TCK)" '{sub(/.*\) /, ""); printf "%.1f\n", ($12 + $13) / hz}' "/proc/$pid/stat"
}

load="$(cut -d' ' -f1-3 /proc/loadavg)"
cpu0="$(server_cpu)"
t0="$(date +%s.%N)"
rc=0
"$@" >&2 || rc=$?
t1="$(date +%s.%N)"
cpu1="$(server_cpu)"
awk -v t0="$t0" -v t1="$t1" -v c0="$cpu0" -v c1="$cpu1" -v load="$load" -v rc="$rc" -v cmd="$*" \
  'BEGIN { printf "neo4j-bench: %s: exit %d, wall %.1f s, Neo4j server CPU %.1f s, load average before %s\n", cmd, rc, t1 - t0, c1 - c0, load }'
exit "$rc"
