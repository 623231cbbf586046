package dev.latchkey.bench.load;

/**
 * The measured window of one load run. Latencies are in microseconds and include the coordinated-omission
 * correction (see {@link LoadDriver}); {@code requests} and {@code errors} count only calls completed inside the
 * window, {@code recorded} the latency samples (more than the calls when the correction filled in held-back
 * ones). CPU figures are the share of one core used during the window (200% is both cores of a 2-core box).
 */
record LoadResult(String scenario, String target, int connections, long requests, long errors, long recorded,
    double seconds,
    double p50Micros, double p90Micros, double p99Micros, double p999Micros, double maxMicros,
    double driverCpuPercent, double serverCpuPercent, String firstError) {

  double throughput() {
    return seconds <= 0 ? 0 : requests / seconds;
  }
}
