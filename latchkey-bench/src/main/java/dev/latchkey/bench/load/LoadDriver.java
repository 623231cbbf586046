package dev.latchkey.bench.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Drives one {@link Workload} over {@code connections} keep-alive connections, one platform thread each, for a
 * warm-up and then a measured window, and reports throughput and latency percentiles of the window.
 *
 * <p>Two modes. <b>Closed loop</b> ({@code rate == 0}): each connection sends its next request as soon as the last
 * reply is read; that finds the maximum throughput. A closed loop hides stalls (coordinated omission: while a
 * request is stuck, the requests that would have been sent are never sent and never measured), so each connection
 * records with HdrHistogram's {@code recordValueWithExpectedInterval}, the expected interval being that
 * connection's median latency in the warm-up: a reply that takes 10x the median also records the missing
 * requests behind it. <b>Open loop</b> ({@code rate > 0}, in requests per second over all connections, as wrk2):
 * each connection has a fixed schedule and a latency is measured from the request's scheduled time, so a stall
 * counts against every request that should have gone out during it.
 *
 * <p>Connection {@code i} goes to {@code targets[i % targets.size()]}: several nodes are loaded evenly.
 */
final class LoadDriver {
  /** Latencies above a minute are clamped; a request that slow is reported as an error anyway. */
  private static final long HIGHEST_MICROS = 60_000_000L;

  record Target(String host, int port) {}

  record Spec(int connections, Duration warmup, Duration measure, double rate) {
    Spec {
      if (connections < 1) {
        throw new IllegalArgumentException("connections must be at least 1, was " + connections);
      }
    }
  }

  private LoadDriver() {}

  static LoadResult run(String scenario, String targetName, List<Target> targets, List<Long> serverPids,
      Workload workload, Spec spec) throws InterruptedException {
    long start = System.nanoTime() + 50_000_000L;  // 50 ms for every thread to connect
    long measureStart = start + spec.warmup().toNanos();
    long end = measureStart + spec.measure().toNanos();
    long interval = spec.rate() > 0 ? Math.max(1, (long) (1e9 * spec.connections() / spec.rate())) : 0;
    List<Worker> workers = new ArrayList<>();
    AtomicReference<String> firstError = new AtomicReference<>();
    for (int c = 0; c < spec.connections(); c++) {
      Worker w = new Worker(c, spec.connections(), targets.get(c % targets.size()), workload, start, measureStart,
          end, interval, firstError);
      workers.add(w);
      w.thread.start();
    }
    sleepUntil(measureStart);
    long driverCpu0 = driverCpuNanos();
    long serverCpu0 = serverCpuNanos(serverPids);
    sleepUntil(end);
    long driverCpu1 = driverCpuNanos();
    long serverCpu1 = serverCpuNanos(serverPids);
    Histogram all = new Histogram(HIGHEST_MICROS, 3);
    long ok = 0;
    long errors = 0;
    for (Worker w : workers) {
      w.thread.join();
      all.add(w.measured);
      ok += w.ok;
      errors += w.errors;
    }
    double window = (end - measureStart) / 1e9;
    double windowNanos = end - measureStart;
    return new LoadResult(scenario, targetName, spec.connections(), ok, errors, all.getTotalCount(), window,
        all.getValueAtPercentile(50), all.getValueAtPercentile(90), all.getValueAtPercentile(99),
        all.getValueAtPercentile(99.9), all.getMaxValue(),
        100.0 * (driverCpu1 - driverCpu0) / windowNanos,
        serverPids.isEmpty() || serverCpu0 < 0 || serverCpu1 < 0 ? Double.NaN
            : 100.0 * (serverCpu1 - serverCpu0) / windowNanos,
        firstError.get());
  }

  private static final class Worker implements Runnable {
    final Thread thread;
    final Histogram warm = new Histogram(HIGHEST_MICROS, 3);
    final Histogram measured = new Histogram(HIGHEST_MICROS, 3);
    private final int connection;
    private final int connections;
    private final Target target;
    private final Workload workload;
    private final long start;
    private final long measureStart;
    private final long end;
    private final long interval;
    private final AtomicReference<String> firstError;
    long ok;
    long errors;

    Worker(int connection, int connections, Target target, Workload workload, long start, long measureStart,
        long end, long interval, AtomicReference<String> firstError) {
      this.connection = connection;
      this.connections = connections;
      this.target = target;
      this.workload = workload;
      this.start = start;
      this.measureStart = measureStart;
      this.end = end;
      this.interval = interval;
      this.firstError = firstError;
      this.thread = new Thread(this, "load-" + connection);
      thread.setDaemon(true);
    }

    @Override
    public void run() {
      HttpConnection conn = null;
      long expectedInterval = -1;
      // Open loop: the connections' schedules are staggered evenly across one interval.
      long next = start + interval * connection / connections;
      sleepUntil(start);
      for (long seq = 0; ; seq++) {
        long now = System.nanoTime();
        if (now >= end) {
          break;
        }
        byte[] request = workload.request(connection, seq);
        if (request == null) {
          break;
        }
        long sent;
        if (interval > 0) {
          sent = next;
          next += interval;
          if (sent >= end) {
            break;
          }
          sleepUntil(sent);
        } else {
          sent = System.nanoTime();
        }
        boolean success;
        try {
          if (conn == null) {
            conn = new HttpConnection(target.host(), target.port());
          }
          HttpConnection.Reply reply = conn.exchange(request, true);
          success = reply.status() == workload.expectedStatus();
          if (!success) {
            firstError.compareAndSet(null, "HTTP " + reply.status() + ": " + abbreviate(reply.text()));
          }
        } catch (IOException | RuntimeException e) {
          success = false;
          firstError.compareAndSet(null, e.getClass().getSimpleName() + ": " + e.getMessage());
          if (conn != null) {
            conn.close();
            conn = null;
          }
        }
        long done = System.nanoTime();
        long micros = Math.min(HIGHEST_MICROS, Math.max(1, (done - sent) / 1_000));
        if (sent >= measureStart && done <= end) {
          if (expectedInterval < 0) {
            // Closed loop: a connection's expected time between sends is its median warm-up latency.
            expectedInterval = interval > 0 || warm.getTotalCount() == 0 ? 0 : warm.getValueAtPercentile(50);
          }
          if (expectedInterval > 0) {
            measured.recordValueWithExpectedInterval(micros, expectedInterval);
          } else {
            measured.recordValue(micros);
          }
          if (success) {
            ok++;
          } else {
            errors++;
          }
        } else if (done < measureStart) {
          warm.recordValue(micros);
        }
      }
      if (conn != null) {
        conn.close();
      }
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  static void sleepUntil(long nanoTime) {
    for (long left = nanoTime - System.nanoTime(); left > 0; left = nanoTime - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }

  private static long driverCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Sum of user + system CPU of the processes, from /proc (clock ticks of 10 ms); -1 when unreadable. */
  static long serverCpuNanos(List<Long> pids) {
    long total = 0;
    for (long pid : pids) {
      try {
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"),
            StandardCharsets.US_ASCII);
        // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        total += (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
      } catch (IOException | RuntimeException e) {
        return -1;
      }
    }
    return total;
  }
}
