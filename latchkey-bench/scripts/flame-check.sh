#!/usr/bin/env bash
# Flame graphs of the session check under wrk: runs `bin/bench check` at 64 connections with async-profiler 4.1
# (Maven Central's tools.profiler:async-profiler, fetched into the local Maven repository when missing) attached to
# the server and the ceiling, one HTML flame graph per 5 s window, and copies the server's window that lies wholly
# inside its wrk measurement to OUT (default docs/flamegraphs/session-check.html).
#
#   latchkey-bench/scripts/flame-check.sh [OUT]       # builds unless LATCHKEY_BENCH_NO_BUILD=1
#
# perf events are not available on every VM, so the profile samples by CPU time (event=itimer).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$root/bin/env.sh"
out="${1:-$root/docs/flamegraphs/session-check.html}"
version=4.1
jar="$HOME/.m2/repository/tools/profiler/async-profiler/$version/async-profiler-$version-linux-x64.jar"
if [ ! -f "$jar" ]; then
  ensure_maven
  mvn -q -B -ntp dependency:get -Dartifact="tools.profiler:async-profiler:$version:jar:linux-x64" >&2
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && unzip -q "$jar" 'linux-x64/*')
agent="$work/linux-x64/libasyncProfiler.so"
frames="$work/frames"
mkdir -p "$frames"
log="$work/bench.log"
# Each log line stamped with the epoch second, to find the measured window afterwards.
"$root/bin/bench" check --connections 64 --out "$work/report.md" --jvm-flags \
  "${LATCHKEY_DEFAULT_JAVA_OPTS:--Xmx256m} -agentpath:$agent=start,event=itimer,interval=1ms,loop=5s,file=$frames/%p-%t.html" \
  2> >(while IFS= read -r line; do printf '%s %s\n' "$(date +%s)" "$line"; done > "$log")
sleep 1
# The server's wrk measurement runs from the line that announces it to the next line.
start="$(grep -m1 'check: Latchkey, 64 connections, wrk' "$log" | cut -d' ' -f1)"
end="$(awk -v s="$start" '$1 > s && /check: / {print $1; exit}' "$log")"
# The ceiling's process is the one whose frames name its class (the flame graph's names are compressed, so the
# server is told by elimination).
ceiling_pids="$(grep -l 'Ceiling' "$frames"/*.html | xargs -n1 basename | cut -d- -f1 | sort -u)"
best=""
for f in "$frames"/*.html; do
  pid="$(basename "$f" | cut -d- -f1)"
  if printf '%s\n' "$ceiling_pids" | grep -qx "$pid"; then
    continue
  fi
  # async-profiler's %t in loop mode is when the window's file is written, i.e. the window's end (yyyymmdd-hhmmss).
  stamp="$(basename "$f" .html | cut -d- -f2-)"
  t="$(date -d "${stamp:0:8} ${stamp:9:2}:${stamp:11:2}:${stamp:13:2}" +%s)"
  if [ $((t - 5)) -ge "$start" ] && [ "$t" -le "$end" ]; then
    best="$f"
    break
  fi
done
if [ -z "$best" ]; then
  echo "flame-check: no 5 s window of the server lay inside its wrk run ($start..$end); frames in $frames" >&2
  trap - EXIT
  exit 1
fi
mkdir -p "$(dirname "$out")"
cp "$best" "$out"
sed -n '/| Driver/,/^$/p' "$work/report.md" >&2
echo "flame-check: $out (server window $(basename "$best"), wrk from $(date -d @"$start" +%T) to $(date -d @"$end" +%T))" >&2
