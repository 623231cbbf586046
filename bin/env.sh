# Sourced by the scripts in bin/: pins the JDK and makes sure Maven is there.
LATCHKEY_JDK=/usr/lib/jvm/temurin-25-jdk-amd64
if [ ! -x "$LATCHKEY_JDK/bin/java" ]; then
  echo "latchkey: the Temurin JDK 25 is missing at $LATCHKEY_JDK (Latchkey builds and runs with it)." >&2
  echo "latchkey: install the temurin-25-jdk package, or put a JDK 25 there." >&2
  exit 1
fi
export JAVA_HOME="$LATCHKEY_JDK"
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
