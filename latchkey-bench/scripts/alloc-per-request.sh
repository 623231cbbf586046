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
project=project-test-11111111-1111-1111-1111-111111111111
secret=secret-test-abcdefghijklmnopqrstuvwxyz
LATCHKEY_JAVA_OPTS="-XX:+UnlockExperimentalVMOptions -XX:+UseEpsilonGC -Xms6g -Xmx6g -XX:-UseTLAB" \
LATCHKEY_PORT=$port LATCHKEY_DATA_DIR="$work/data" LATCHKEY_PROJECT_ID=$project LATCHKEY_SECRET=$secret \
LATCHKEY_PUBLIC_TOKEN=public-token-test-11111111-1111-1111-1111-111111111111 \
LATCHKEY_ARGON2_MEMORY_KIB=8192 LATCHKEY_ARGON2_ITERATIONS=1 \
  "$root/bin/latchkey" serve > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 1; done
token="$(curl -sf -u "$project:$secret" "http://127.0.0.1:$port/v1/passwords" \
  -d '{"email":"alloc@example.com","password":"correct horse battery staple","session_duration_minutes":600}' \
  | sed -n 's/.*"session_token":"\([^"]*\)".*/\1/p')"
cat > "$work/auth.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"session_token":"$token"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Basic $(printf '%s:%s' "$project" "$secret" | base64 -w0)"
LUA
pid="$(pgrep -P $server java || echo $server)"
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
