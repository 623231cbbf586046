#!/usr/bin/env bash
# How often the virtual threads' carriers are taken off the CPU per session check, against the bare ceiling: the
# server (one session, POST /v1/sessions/authenticate by token, no extension) and the ceiling (benchmarks.jar's
# Ceiling, a reply of the same size) are each driven by wrk at 16 connections, 15 s of warm-up then 10 s measured, and
# the counters of their ForkJoinPool carrier threads are read from /proc before and after: involuntary context
# switches (preempted), voluntary ones (parked), CPU and run-queue wait (schedstat), each per request.
#
#   latchkey-bench/scripts/preemptions.sh [repo-root]    (build first: bin/bench builds benchmarks.jar and the server)
#
# Needs wrk (apt-get install wrk) and Linux's /proc/<pid>/task/*/{status,schedstat}.
set -euo pipefail
root="$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")/../..}" && pwd)"
. "$root/bin/env.sh"
command -v wrk >/dev/null || { echo "preemptions: wrk is missing (apt-get install wrk)" >&2; exit 1; }
work="$(mktemp -d /tmp/latchkey-preempt.XXXXXX)"
port=18193
ceiling_port=18194
server=""
ceiling=""
trap 'kill $server $ceiling 2>/dev/null || true; rm -rf "$work"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/check-server.sh"
start_check_server "$root" "$work" $port
# The ceiling gets the server's JVM flags, as in bin/bench.
"$JAVA_HOME/bin/java" ${LATCHKEY_JAVA_OPTS-$LATCHKEY_DEFAULT_JAVA_OPTS} \
  -cp "$root/latchkey-bench/target/benchmarks.jar" dev.latchkey.bench.load.Ceiling $ceiling_port 2827 \
  > "$work/ceiling.log" 2>&1 &
ceiling=$!
sleep 3

# tid voluntary involuntary cpu_ns wait_ns for every carrier thread (comm is cut to 15 characters: "ForkJoinPool-1-").
carriers() {
  for t in /proc/"$1"/task/*; do
    if [ "$(cat "$t/comm" 2>/dev/null)" = "ForkJoinPool-1-" ]; then
      printf '%s %s %s %s\n' "$(basename "$t")" \
        "$(awk '/^voluntary_ctxt/ {v=$2} /^nonvoluntary_ctxt/ {n=$2} END {print v, n}' "$t/status" 2>/dev/null)" \
        "$(awk '{print $1, $2}' "$t/schedstat" 2>/dev/null)"
    fi
  done | sort
}

measure() { # name pid port path
  wrk -t2 -c16 -d15s -s "$work/auth.lua" "http://127.0.0.1:$3$4" >/dev/null
  carriers "$2" > "$work/before"
  wrk -t2 -c16 -d10s --latency -s "$work/auth.lua" "http://127.0.0.1:$3$4" > "$work/wrk.txt"
  carriers "$2" > "$work/after"
  local n p90 p99
  n=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
  p90=$(awk '$1 == "90%" {print $2}' "$work/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
  join "$work/before" "$work/after" | awk -v name="$1" -v r="$n" -v p90="$p90" -v p99="$p99" \
    '{v += $6 - $2; i += $7 - $3; c += $8 - $4; w += $9 - $5}
     END {printf "%-9s %9d requests  p90 %-8s p99 %-8s  per request: preempted %.3f, parked %.3f, CPU %.1f us, run-queue wait %.1f us\n",
          name, r, p90, p99, i / r, v / r, c / 1000 / r, w / 1000 / r}'
}
measure Latchkey "$pid" $port /v1/sessions/authenticate
measure ceiling "$ceiling" $ceiling_port /authenticate
