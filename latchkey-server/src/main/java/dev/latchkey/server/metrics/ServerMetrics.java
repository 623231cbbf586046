package dev.latchkey.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.ToDoubleFunction;

/**
 * What one server counts and times, in one Micrometer registry served at {@code GET /metrics} in the Prometheus
 * text format. Names follow Prometheus' conventions once rendered ({@code latchkey_mails_sent_total},
 * {@code http_server_requests_seconds_bucket{route=...}}); every label has a small, fixed set of values (route
 * templates, never paths with ids in them; error types; limit names).
 *
 * <p>Meters are looked up once and kept, so counting on the request path is an increment, not a registry lookup.
 */
public final class ServerMetrics {
  private final PrometheusMeterRegistry registry;
  private final ConcurrentMap<RequestKey, Timer> requests = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> rateLimitTrips = new ConcurrentHashMap<>();
  private final Counter sessionsCreated;
  private final Counter sessionsAuthenticated;
  private final Counter sessionsRevoked;
  private final Counter jwtsMinted;
  private final Counter jwtsReused;
  private final Counter passwordHashes;
  private final Counter mailsSent;
  private final Counter mailsFailed;

  private record RequestKey(String method, String route, int status) {}

  public ServerMetrics() {
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    this.sessionsCreated = counter("latchkey.sessions.started", "Sessions started by a sign-in (not named _created: Prometheus reads that suffix as a creation timestamp)");
    this.sessionsAuthenticated = counter("latchkey.sessions.authenticated", "Sessions authenticated (checked)");
    this.sessionsRevoked = counter("latchkey.sessions.revoked", "Sessions revoked");
    this.jwtsMinted = counter("latchkey.jwts.minted", "Session JWTs signed");
    this.jwtsReused = counter("latchkey.jwts.reused", "Session JWTs returned again instead of signing a new one");
    this.passwordHashes = counter("latchkey.password.hashes", "Argon2id password hashes computed");
    this.mailsSent = counter("latchkey.mails.sent", "Mails accepted by the SMTP server (or the dev outbox)");
    this.mailsFailed = counter("latchkey.mails.failed", "Mails the SMTP server did not accept");
  }

  private Counter counter(String name, String description) {
    return Counter.builder(name).description(description).register(registry);
  }

  /** One HTTP request: its method, route template (or {@code unmatched}), status and duration. */
  public void request(String method, String route, int status, Duration duration) {
    requests.computeIfAbsent(new RequestKey(method, route, status), k -> Timer.builder("http.server.requests")
        .description("HTTP requests by route and status")
        .tag("method", k.method()).tag("route", k.route()).tag("status", String.valueOf(k.status()))
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry)).record(duration);
  }

  /** A database pool's gauge (active, idle, waiting, total connections), read at each scrape. */
  public <T> void poolGauge(String state, T pool, ToDoubleFunction<T> value) {
    Gauge.builder("latchkey.db.pool.connections", pool, value).description("Database pool connections by state")
        .tag("state", state).register(registry);
  }

  public void sessionCreated() {
    sessionsCreated.increment();
  }

  public void sessionAuthenticated() {
    sessionsAuthenticated.increment();
  }

  public void sessionsRevoked(int count) {
    sessionsRevoked.increment(count);
  }

  public void jwtMinted() {
    jwtsMinted.increment();
  }

  public void jwtReused() {
    jwtsReused.increment();
  }

  public void passwordHashed() {
    passwordHashes.increment();
  }

  public void mailSent() {
    mailsSent.increment();
  }

  public void mailFailed() {
    mailsFailed.increment();
  }

  /** A request refused by an abuse limit; {@code limit} names which (a fixed set of names). */
  public void rateLimitTripped(String limit) {
    rateLimitTrips.computeIfAbsent(limit, l -> Counter.builder("latchkey.rate.limit.trips")
        .description("Requests refused by an abuse limit, by limit").tag("limit", l).register(registry)).increment();
  }

  /** Everything, in the Prometheus text exposition format (version 0.0.4). */
  public String scrape() {
    return registry.scrape();
  }

  /** The content type of {@link #scrape()}. */
  public static String contentType() {
    return "text/plain; version=0.0.4; charset=utf-8";
  }

  /**
   * Read-only, for the admin console's live view: how many times every counter or timer named {@code name} has
   * counted, summed over those whose tag {@code tag} has a value {@code tagValue} accepts (a meter without the tag
   * counts as the empty value). {@code total("latchkey.sessions.started", "", v -> true)} is every sign-in so far.
   */
  public double total(String name, String tag, java.util.function.Predicate<String> tagValue) {
    double sum = 0;
    for (io.micrometer.core.instrument.Meter m : registry.find(name).meters()) {
      String value = m.getId().getTag(tag);
      if (!tagValue.test(value == null ? "" : value)) {
        continue;
      }
      if (m instanceof Counter c) {
        sum += c.count();
      } else if (m instanceof Timer t) {
        sum += t.count();
      }
    }
    return sum;
  }
}
