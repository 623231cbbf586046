# Sourced by the measuring scripts (alloc-per-request.sh, preemptions.sh): starts the built server, one session, and
# the wrk script of a session check.
#
#   start_check_server ROOT WORK PORT
#
# Runs `ROOT/bin/latchkey serve` on PORT (JVM flags from LATCHKEY_JAVA_OPTS, as bin/latchkey takes them) with a
# throw-away data directory in WORK, signs one user up, and writes WORK/auth.lua: wrk posting
# `{"session_token": ...}` to /v1/sessions/authenticate with the project's Basic credentials. Sets `server` (the
# launcher's pid, to kill) and `pid` (the server JVM's, to measure). The caller's EXIT trap kills `server`.
start_check_server() {
  local root=$1 work=$2 port=$3
  local project=project-test-11111111-1111-1111-1111-111111111111
  local secret=secret-test-abcdefghijklmnopqrstuvwxyz
  LATCHKEY_PORT=$port LATCHKEY_DATA_DIR="$work/data" LATCHKEY_PROJECT_ID=$project LATCHKEY_SECRET=$secret \
  LATCHKEY_PUBLIC_TOKEN=public-token-test-11111111-1111-1111-1111-111111111111 \
  LATCHKEY_ARGON2_MEMORY_KIB=8192 LATCHKEY_ARGON2_ITERATIONS=1 \
    "$root/bin/latchkey" serve > "$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 60); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 1; done
  local token
  token="$(curl -sf -u "$project:$secret" "http://127.0.0.1:$port/v1/passwords" \
    -d '{"email":"check@example.com","password":"correct horse battery staple","session_duration_minutes":600}' \
    | sed -n 's/.*"session_token":"\([^"]*\)".*/\1/p')"
  cat > "$work/auth.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"session_token":"$token"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Basic $(printf '%s:%s' "$project" "$secret" | base64 -w0)"
LUA
  pid="$(pgrep -P "$server" java || echo "$server")"
}
