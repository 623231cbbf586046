package dev.latchkey.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * wrk (an HTTP load driver not written here: Debian's {@code wrk} 4.x) driving POSTs whose bodies come from a file,
 * one per line. Two threads, keep-alive, as the performance issue measured. wrk is closed-loop and does not correct
 * for coordinated omission; its figures are read next to the same driver's figures for the bare endpoint.
 *
 * <p>The figures come from the script's {@code done()} (percentiles of wrk's own latency record, in microseconds),
 * not from parsing wrk's rounded text.
 */
final class Wrk {
  static final int THREADS = 2;

  /** How the bodies of the file are used. */
  enum Mode {
    /** Each call picks a body at random: repeatable calls (a check, a refresh). */
    CYCLE,
    /**
     * Each body is used once, the file split between the threads; a thread stops when its share is used. For calls
     * that consume what they name (a sign-out): the rate is the calls completed over the time they took.
     */
    CONSUME
  }

  /** A POST to {@code path} with these headers and one body per line of {@code bodies}. */
  record Call(String path, String contentType, String authorization, Path bodies, Mode mode) {}

  private static final Pattern DONE = Pattern.compile(
      "WRK-RESULT duration_us=(\\d+) requests=(\\d+) status_errors=(\\d+) socket_errors=(\\d+) "
          + "p50=(\\d+) p90=(\\d+) p99=(\\d+) p999=(\\d+) max=(\\d+)");

  private static final String SCRIPT = """
      -- Written by dev.latchkey.bench.load.Wrk: POSTs with bodies from a file, one per line.
      local ffi = require("ffi")
      ffi.cdef[[
        typedef struct { long tv_sec; long tv_nsec; } latchkey_timespec;
        int clock_gettime(int clock_id, latchkey_timespec *tp);
      ]]
      local clock = ffi.new("latchkey_timespec")
      local function now_us()
        ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
        return tonumber(clock.tv_sec) * 1000000 + math.floor(tonumber(clock.tv_nsec) / 1000)
      end

      -- A thread that has used its share says so (the harness interrupts wrk once every thread has) and stops.
      function thread_done()
        io.write("WRK-THREAD-DONE\\n")
        io.flush()
        wrk.thread:stop()
      end

      local bodies = {}
      local next_index, last_index, mode
      local threads = {}

      function setup(thread)
        threads[#threads + 1] = thread
        thread:set("thread_number", #threads)
      end

      function init(args)
        local f = assert(io.open(args[1], "r"))
        for line in f:lines() do
          bodies[#bodies + 1] = line
        end
        f:close()
        mode = args[2]
        local thread_count = tonumber(args[3])
        wrk.method = "POST"
        wrk.headers["Content-Type"] = args[4]
        if args[5] ~= "" then
          wrk.headers["Authorization"] = args[5]
        end
        if mode == "consume" then
          -- wrk runs for its whole -d whatever the threads do, so a consuming run times itself: from its first
          -- request to the reply that uses up its share, per thread.
          local share = math.floor(#bodies / thread_count)
          next_index = (thread_number - 1) * share + 1
          last_index = thread_number * share
          local answered = 0
          response = function(status, headers, body)
            answered = answered + 1
            if answered >= share and finished_at == nil then
              finished_at = now_us()
              thread_done()
            end
          end
        end
        math.randomseed(os.time() + thread_number)
      end

      function request()
        local body
        if mode == "consume" then
          if started_at == nil then
            started_at = now_us()
          end
          if next_index > last_index then
            -- Used up while replies are still on their way: stop here (the one sent now repeats the last body).
            if finished_at == nil then
              finished_at = now_us()
              thread_done()
            end
            body = bodies[last_index]
          else
            body = bodies[next_index]
            next_index = next_index + 1
          end
        else
          body = bodies[math.random(#bodies)]
        end
        return wrk.format(nil, nil, nil, body)
      end

      function done(summary, latency, requests)
        local e = summary.errors
        local first, last, unfinished = nil, nil, false
        for _, t in ipairs(threads) do
          local s, f = t:get("started_at"), t:get("finished_at")
          if s ~= nil and (first == nil or s < first) then first = s end
          if f == nil then unfinished = true elseif last == nil or f > last then last = f end
        end
        local active = summary.duration
        if first ~= nil and last ~= nil and not unfinished then
          active = last - first
        end
        io.write(string.format(
          "WRK-RESULT duration_us=%d requests=%d status_errors=%d socket_errors=%d p50=%d p90=%d p99=%d p999=%d max=%d\\n",
          active, summary.requests, e.status, e.connect + e.read + e.write + e.timeout,
          latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
          latency.max))
      end
      """;

  private Wrk() {}

  /** Whether {@code wrk} is on the PATH. */
  static boolean available() {
    try {
      Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      p.waitFor(10, TimeUnit.SECONDS);
      return true;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Writes {@code lines} to a new file in {@code dir}, for a {@link Call}'s bodies. */
  static Path bodies(Path dir, String name, List<String> lines) {
    try {
      Path file = dir.resolve(name + ".bodies");
      Files.write(file, lines, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Runs wrk for {@code duration} (a {@link Mode#CONSUME} run ends earlier when its bodies are used) against
   * {@code host:port} and returns the window as a {@link LoadResult}: calls answered with a status below 400 are
   * {@code requests}, the others and socket errors {@code errors}; server CPU is read from /proc around the run.
   */
  static LoadResult run(String scenario, String targetName, String host, int port, List<Long> serverPids, Call call,
      int connections, Duration duration, Path workDir) throws InterruptedException {
    try {
      Path script = workDir.resolve("latchkey-bench.lua");
      Files.writeString(script, SCRIPT);
      List<String> command = new ArrayList<>(List.of("wrk", "-t" + Math.min(THREADS, connections),
          "-c" + connections, "-d" + Math.max(1, duration.toSeconds()) + "s", "--timeout", "30s", "-s",
          script.toString(), "http://" + host + ":" + port + call.path(), "--", call.bodies().toString(),
          call.mode() == Mode.CONSUME ? "consume" : "cycle", String.valueOf(Math.min(THREADS, connections)),
          call.contentType(), call.authorization() == null ? "" : call.authorization()));
      long cpu0 = LoadDriver.serverCpuNanos(serverPids);
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      StringBuilder out = new StringBuilder();
      int threadsDone = 0;
      try (java.io.BufferedReader r = p.inputReader(StandardCharsets.UTF_8)) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          out.append(line).append('\n');
          // wrk sleeps through its whole -d whatever its threads do; SIGINT ends the sleep, and wrk still reports.
          if (line.equals("WRK-THREAD-DONE") && ++threadsDone == Math.min(THREADS, connections)) {
            new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor();
          }
        }
      }
      int exit = p.waitFor();
      long cpu1 = LoadDriver.serverCpuNanos(serverPids);
      return parse(scenario, targetName, connections, out.toString(), exit, cpu1 - cpu0, cpu0 < 0 || cpu1 < 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run wrk (bin/bench installs Debian's wrk when it is missing)", e);
    }
  }

  static LoadResult parse(String scenario, String targetName, int connections, String out, int exit,
      long serverCpuNanos, boolean cpuUnknown) {
    Matcher m = DONE.matcher(out);
    if (exit != 0 || !m.find()) {
      throw new IllegalStateException("wrk failed (exit " + exit + "):\n" + out);
    }
    double seconds = Long.parseLong(m.group(1)) / 1e6;
    long total = Long.parseLong(m.group(2));
    long statusErrors = Long.parseLong(m.group(3));
    long socketErrors = Long.parseLong(m.group(4));
    long ok = Math.max(0, total - statusErrors);
    String firstError = statusErrors + socketErrors == 0 ? null
        : statusErrors + " replies with status >= 400, " + socketErrors + " socket errors";
    return new LoadResult(scenario, targetName, connections, ok, statusErrors + socketErrors, total, seconds,
        Long.parseLong(m.group(5)), Long.parseLong(m.group(6)), Long.parseLong(m.group(7)),
        Long.parseLong(m.group(8)), Long.parseLong(m.group(9)), Double.NaN,
        cpuUnknown ? Double.NaN : 100.0 * serverCpuNanos / (seconds * 1e9), firstError);
  }
}
