#!/usr/bin/env bash
# Bytes the server allocates per session check (POST /v1/sessions/authenticate by token, no extension), exactly:
# the server runs with Epsilon (no GC) and without TLABs, so the heap's used size grows by exactly what is
# allocated; wrk drives the load; `jcmd GC.heap_info` reads the heap before and after.
#
#   latchkey-bench/scripts/alloc-per-request.sh [repo-root]     (default: this checkout; build it first: bin/start
#                                                               or mvn -DskipTests -pl latchkey-server -am package)
#
# Prints "bytes/request N" for a 6 s run after a 10 s warm-up at 16 connections. Needs wrk (apt-get install wrk).
set -euo pipefail
root="$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")/../..}" && pwd)"
. "$root/bin/env.sh"
command -v wrk >/dev/null || { echo "alloc-per-request: wrk is missing (apt-get install wrk)" >&2; exit 1; }
work="$(mktemp -d /tmp/latchkey-alloc.XXXXXX)"
port=18181
server=""
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/check-server.sh"
LATCHKEY_JAVA_OPTS="-XX:+UnlockExperimentalVMOptions -XX:+UseEpsilonGC -Xms6g -Xmx6g -XX:-UseTLAB" \
  start_check_server "$root" "$work" $port
used() {
  "$JAVA_HOME/bin/jcmd" "$pid" GC.heap_info | grep -o '\[0x[0-9a-f]*, 0x[0-9a-f]*' | head -1 \
    | { IFS=', ' read -r a b; echo $(( ${b} - ${a#[} )); }
}
wrk -t2 -c16 -d10s -s "$work/auth.lua" "http://127.0.0.1:$port/v1/sessions/authenticate" >/dev/null
u0=$(used); u1=$(used)
wrk -t2 -c16 -d6s -s "$work/auth.lua" "http://127.0.0.1:$port/v1/sessions/authenticate" > "$work/wrk.txt"
u2=$(used)
n=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
echo "requests $n"
echo "bytes/request $(( (u2 - u1 - (u1 - u0)) / n ))"
