package dev.latchkey.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Follows {@code GET /v1/sessions/events} and keeps a deny-list of revoked (and expired) session ids, each until a
 * JWT minted before its revocation can no longer verify (the JWT lifetime plus the leeway plus a margin). Starts by
 * replaying all the server keeps ({@code Last-Event-ID: 0}, at least a JWT lifetime of events), resumes after the
 * last event seen, and reconnects with exponential backoff. It reports since when it has been down, so that
 * {@link Sessions} can fail safe when that is longer than the configured bound.
 */
final class RevocationStream implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(RevocationStream.class.getName());
  /** The server heartbeats at least every 25 s; silence longer than this means the connection is dead. */
  static final Duration SILENCE_LIMIT = Duration.ofSeconds(40);
  private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
  private static final Duration MARGIN = Duration.ofSeconds(30);

  private final Transport transport;
  private final ObjectMapper json;
  private final Clock clock;
  private final Duration denyFor;
  private final Map<String, Instant> denied = new ConcurrentHashMap<>();
  private final Thread reader;
  private final Thread watchdog;
  private volatile boolean closed;
  private volatile InputStream current;
  /** Null while connected; otherwise when the stream was last known up (or the start). */
  private volatile Instant downSince;
  private volatile Instant lastHeard;
  private volatile String lastEventId = "0";

  RevocationStream(Transport transport, Clock clock, Duration leeway) {
    this.transport = transport;
    this.json = transport.json();
    this.clock = clock;
    this.denyFor = dev.latchkey.model.SessionJwtContract.LIFETIME.plus(leeway).plus(MARGIN);
    this.downSince = clock.instant();
    this.lastHeard = clock.instant();
    this.reader = new Thread(this::run, "latchkey-revocation-stream");
    reader.setDaemon(true);
    this.watchdog = new Thread(this::watch, "latchkey-revocation-watchdog");
    watchdog.setDaemon(true);
    reader.start();
    watchdog.start();
  }

  /** True when the session was revoked or expired and a JWT of it could still verify. */
  boolean isDenied(String sessionId) {
    Instant until = denied.get(sessionId);
    return until != null && clock.instant().isBefore(until);
  }

  /** How long the stream has been down now (zero while it is up). */
  Duration downFor() {
    Instant since = downSince;
    return since == null ? Duration.ZERO : Duration.between(since, clock.instant());
  }

  private void run() {
    Duration backoff = MIN_BACKOFF;
    while (!closed) {
      try {
        HttpResponse<InputStream> r = transport.openStream("/v1/sessions/events", lastEventId);
        try (InputStream body = r.body()) {
          if (r.statusCode() == 410) {
            // Events were pruned while we were away: they are older than any JWT that could still verify, so
            // replaying what is kept is a complete deny-list again.
            lastEventId = "0";
            throw new IOException("the server no longer has the events after our last one; replaying what it keeps");
          }
          if (r.statusCode() != 200) {
            throw new IOException("the server answered " + r.statusCode());
          }
          current = body;
          lastHeard = clock.instant();
          downSince = null;
          backoff = MIN_BACKOFF;
          read(body);
        }
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.FINE, "Revocation stream interrupted: {0}", e.getMessage());
      } catch (InterruptedException e) {
        if (closed) {
          return;
        }
      } finally {
        current = null;
        if (downSince == null) {
          downSince = lastHeard;
        }
      }
      if (closed) {
        return;
      }
      try {
        Thread.sleep(backoff.toMillis());
      } catch (InterruptedException e) {
        // The watchdog's nudge, or close().
        if (closed) {
          return;
        }
      }
      backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
    }
  }

  private void read(InputStream body) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    String id = null;
    String type = null;
    String data = null;
    String line;
    while ((line = in.readLine()) != null) {
      lastHeard = clock.instant();
      if (line.isEmpty()) {
        if (type != null && data != null) {
          handle(type, data);
        }
        if (id != null) {
          lastEventId = id;
        }
        id = null;
        type = null;
        data = null;
      } else if (line.startsWith("id:")) {
        id = line.substring(3).trim();
      } else if (line.startsWith("event:")) {
        type = line.substring(6).trim();
      } else if (line.startsWith("data:")) {
        data = line.substring(5).trim();
      }
    }
  }

  private void handle(String type, String data) throws IOException {
    if (type.equals("resync")) {
      lastEventId = "0";
      throw new IOException("the server asked for a resync");
    }
    if (!type.equals("session.revoked") && !type.equals("session.expired")) {
      return;
    }
    JsonNode e = json.readTree(data);
    Instant at = Instant.parse(e.path("occurred_at").asText());
    Instant until = at.plus(denyFor);
    // The server's clock stamped the event: never keep an entry for less than the full window from now either.
    Instant fromNow = clock.instant().plus(denyFor);
    denied.put(e.path("session_id").asText(), until.isAfter(fromNow) ? until : fromNow);
    if (denied.size() % 1024 == 0) {
      evictExpired();
    }
  }

  private void evictExpired() {
    Instant now = clock.instant();
    for (Iterator<Map.Entry<String, Instant>> it = denied.entrySet().iterator(); it.hasNext(); ) {
      if (!now.isBefore(it.next().getValue())) {
        it.remove();
      }
    }
  }

  /** Closes a connection that has gone silent (no heartbeat), so the reader reconnects; evicts old entries. */
  private void watch() {
    while (!closed) {
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return;
      }
      InputStream body = current;
      if (body != null && Duration.between(lastHeard, clock.instant()).compareTo(SILENCE_LIMIT) > 0) {
        // A read blocked on a silent connection ends when its thread is interrupted.
        closeQuietly(body);
        reader.interrupt();
      }
      evictExpired();
    }
  }

  private static void closeQuietly(InputStream body) {
    try {
      body.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    closed = true;
    InputStream body = current;
    if (body != null) {
      closeQuietly(body);
    }
    reader.interrupt();
    watchdog.interrupt();
  }
}
