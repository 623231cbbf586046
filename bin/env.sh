# Sourced by the scripts in bin/: pins the JDK and makes sure Maven is there.
LATCHKEY_JDK=/usr/lib/jvm/temurin-25-jdk-amd64
if [ ! -x "$LATCHKEY_JDK/bin/java" ]; then
  echo "latchkey: the Temurin JDK 25 is missing at $LATCHKEY_JDK (Latchkey builds and runs with it)." >&2
  echo "latchkey: install the temurin-25-jdk package, or put a JDK 25 there." >&2
  exit 1
fi
export JAVA_HOME="$LATCHKEY_JDK"
# JVM options bin/latchkey starts the server with unless LATCHKEY_JAVA_OPTS is set (bin/bench uses the same). The
# server keeps at most a bounded number of sessions in memory (the JWT reuse map, about 90 MB at its largest, and
# on SQLite the row cache, a few tens of MB); 256 MiB holds both with room to spare (docs/benchmarks.md, "Scale").
# Without -Xmx the JVM would size its heap from the machine. -Xms is the same: left to shrink, G1 kept the heap near
# 110 MB under load and ran a concurrent mark every 300 ms, a third of the server's CPU (docs/benchmarks.md).
# -Xmn64m fixes the young generation: left to G1, it grew to 150 MB beside the caches' 100 MB, and the minute in which
# 10,000 sessions' JWTs were signed again (every row, JWT and reply kept anew) overflowed it: evacuation failures and
# full collections of 74-86 ms (docs/benchmarks.md, "Round four").
LATCHKEY_DEFAULT_JAVA_OPTS="-Xms256m -Xmx256m -Xmn64m"
# JVM flags bin/latchkey always passes, whatever LATCHKEY_JAVA_OPTS says: SQLite's driver loads its native library
# with System.load, which JDK 24+ warns about on every start unless native access is granted. LauncherTest starts
# the server with exactly this line's flags and checks that no such warning is printed.
LATCHKEY_JVM_FLAGS="--enable-native-access=ALL-UNNAMED"
export PATH="$JAVA_HOME/bin:$PATH"

ensure_maven() {
  if command -v mvn >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" = 0 ]; then
    echo "latchkey: installing Maven (apt-get install maven)..." >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven >/dev/null
  else
    echo "latchkey: Maven is missing: run 'sudo apt-get install maven'." >&2
    exit 1
  fi
}

# Node.js 18+ and npm run the official Stytch Node SDK in the conformance tests (compat/node).
ensure_node() {
  if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    local major
    major="$(node -p 'process.versions.node.split(".")[0]')"
    if [ "$major" -ge 18 ]; then return 0; fi
    echo "latchkey: Node.js $(node --version) is too old: the Stytch Node SDK needs Node.js 18 or newer." >&2
    exit 1
  fi
  if [ "$(id -u)" = 0 ]; then
    echo "latchkey: installing Node.js and npm (apt-get install nodejs npm)..." >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
    command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && return 0
    echo "latchkey: apt-get did not provide node and npm; install Node.js 18+ with npm by hand." >&2
    exit 1
  fi
  echo "latchkey: Node.js and npm are missing (the Node SDK conformance test needs them):" >&2
  echo "latchkey: run 'sudo apt-get install nodejs npm', or install Node.js 18+ with npm." >&2
  exit 1
}

# The metrics test parses GET /metrics with Prometheus' own text-format parser (Debian's python3-prometheus-client,
# for the system Python at /usr/bin/python3).
ensure_prometheus_parser() {
  if /usr/bin/python3 -c 'import prometheus_client.parser' >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" = 0 ]; then
    echo "latchkey: installing Prometheus' text-format parser (apt-get install python3-prometheus-client)..." >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-prometheus-client >/dev/null
    /usr/bin/python3 -c 'import prometheus_client.parser' >/dev/null 2>&1 && return 0
    echo "latchkey: apt-get did not provide python3-prometheus-client." >&2
    exit 1
  fi
  echo "latchkey: the metrics test needs Prometheus' parser: run 'sudo apt-get install python3-prometheus-client'." >&2
  exit 1
}

# wrk, the HTTP load driver not written here that bin/bench peers (and the allocation script) measure with.
ensure_wrk() {
  if command -v wrk >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" = 0 ]; then
    echo "latchkey: installing wrk (apt-get install wrk)..." >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
    command -v wrk >/dev/null 2>&1 && return 0
    echo "latchkey: apt-get did not provide wrk." >&2
    exit 1
  fi
  echo "latchkey: bin/bench peers needs wrk: run 'sudo apt-get install wrk'." >&2
  exit 1
}
