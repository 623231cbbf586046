# Sourced by bin/test: starts a throw-away PostgreSQL for the tests and stops it when the calling shell exits.
#
#   . bin/test-postgres.sh && start_test_postgres
#
# Installs Debian's postgresql package when no initdb is found (CI is a fresh Debian machine running as root),
# runs `initdb` into a temporary directory and starts the server on a free loopback port. PostgreSQL refuses to
# run as root, so as root the cluster belongs to the unprivileged user "nobody" and every pg_ctl call goes through
# runuser. Exports:
#   LATCHKEY_TEST_POSTGRES_URL    jdbc:postgresql://127.0.0.1:<port>/postgres?user=latchkey&password=...
#   LATCHKEY_TEST_POSTGRES_CTL    a script that runs pg_ctl on this cluster ("stop -m fast", "start"), for the
#                                 outage tests that stop the database in the middle of a stream of requests
#   LATCHKEY_TEST_POSTGRES_REQUIRED=true   so the PostgreSQL tests fail, instead of skipping, without the URL

find_pg_bin() {
  local dir
  # "|| true": under bin/test's pipefail a missing directory must mean "not installed", not "exit".
  dir="$( (ls -d /usr/lib/postgresql/*/bin 2>/dev/null || true) | sort -V | tail -n 1)"
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; fi
}

ensure_postgres() {
  if [ -n "$(find_pg_bin)" ]; then return 0; fi
  if [ "$(id -u)" = 0 ]; then
    echo "latchkey: installing PostgreSQL (apt-get install postgresql)..." >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    # The package starts a system cluster on port 5432; the tests use their own cluster and leave it alone.
    if [ -n "$(find_pg_bin)" ]; then return 0; fi
    echo "latchkey: apt-get did not provide /usr/lib/postgresql/*/bin/initdb." >&2
  else
    echo "latchkey: PostgreSQL is missing (the tests start a real one): run 'sudo apt-get install postgresql'." >&2
  fi
  exit 1
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' \
    2>/dev/null || echo $((20000 + RANDOM % 20000))
}

start_test_postgres() {
  ensure_postgres
  local bin port dir password runas=()
  bin="$(find_pg_bin)"
  port="$(free_port)"
  dir="$(mktemp -d /tmp/latchkey-pg.XXXXXX)"
  password="test-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  chmod 755 "$dir"
  if [ "$(id -u)" = 0 ]; then
    chown nobody "$dir"
    runas=(runuser -u nobody --)
  fi
  printf '%s\n' "$password" > "$dir/pwfile"
  chmod 644 "$dir/pwfile"
  "${runas[@]}" "$bin/initdb" -D "$dir/data" -U latchkey --pwfile="$dir/pwfile" -A scram-sha-256 \
    --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; echo "latchkey: initdb failed" >&2; exit 1; }
  rm -f "$dir/pwfile"
  # Loopback only, socket in the temp dir (not /var/run/postgresql, which may not exist or be writable).
  cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 300
fsync = on
EOF
  cat >"$dir/pgctl" <<EOF
#!/usr/bin/env bash
# pg_ctl on the test cluster in $dir, as its owner; -w waits until the operation is done.
exec ${runas[*]} "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 "\$@"
EOF
  chmod 755 "$dir/pgctl"
  "$dir/pgctl" start >/dev/null || { cat "$dir/postgres.log" >&2; echo "latchkey: PostgreSQL did not start" >&2; exit 1; }
  LATCHKEY_TEST_POSTGRES_DIR="$dir"
  export LATCHKEY_TEST_POSTGRES_URL="jdbc:postgresql://127.0.0.1:$port/postgres?user=latchkey&password=$password"
  export LATCHKEY_TEST_POSTGRES_CTL="$dir/pgctl"
  export LATCHKEY_TEST_POSTGRES_REQUIRED=true
  trap stop_test_postgres EXIT
  echo "latchkey: test PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($dir)" >&2
}

stop_test_postgres() {
  if [ -n "${LATCHKEY_TEST_POSTGRES_DIR:-}" ] && [ -d "$LATCHKEY_TEST_POSTGRES_DIR" ]; then
    "$LATCHKEY_TEST_POSTGRES_DIR/pgctl" stop -m immediate >/dev/null 2>&1 || true
    rm -rf "$LATCHKEY_TEST_POSTGRES_DIR"
  fi
}
