package dev.latchkey.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The HTTP scenarios against a running {@link LatchkeyCluster}. The fixture's sessions are split: indexes
 * {@code [0, authSessions)} are authenticated at random, {@code [authSessions, total)} are consumed one per call
 * by {@code revoke} (a revoked session cannot be revoked twice).
 */
final class Scenarios {
  static final String PASSWORD = "correct horse battery staple 1987!";
  /** Password users created at set-up; each sign-up costs one Argon2id hash at the default cost. */
  static final int PASSWORD_USERS = 16;
  /** JWTs minted at set-up for the by-JWT scenario (the server accepts a JWT past its exp for a live session). */
  static final int JWTS = 256;

  static final List<String> ALL = List.of("auth-token", "auth-token-extend", "auth-jwt", "password", "revoke");

  private Scenarios() {}

  static String describe(String name) {
    return switch (name) {
      case "ceiling" -> "bare Jetty 12 endpoint, same-size JSON reply";
      case "auth-token" -> "POST /v1/sessions/authenticate {session_token}, no extension";
      case "auth-token-extend" -> "POST /v1/sessions/authenticate {session_token, session_duration_minutes: 60}";
      case "auth-jwt" -> "POST /v1/sessions/authenticate {session_jwt}";
      case "password" -> "POST /v1/passwords/authenticate at the default Argon2id cost";
      case "revoke" -> "POST /v1/sessions/revoke {session_token}, a different session each call";
      default -> name;
    };
  }

  /** Builds the workload for {@code name}, doing its set-up calls (JWTs, password users) on the cluster. */
  static Workload workload(String name, LatchkeyCluster cluster, LoadDriver.Target t, long authSessions,
      long totalSessions) {
    String user = cluster.projectId;
    String pw = cluster.secret;
    long seed = cluster.seed;
    return switch (name) {
      case "auth-token" -> (c, s) -> Workload.post(t.host(), t.port(), "/v1/sessions/authenticate", user, pw,
          "{\"session_token\":\"" + SessionFixture.token(seed, randomIndex(authSessions)) + "\"}");
      case "auth-token-extend" -> (c, s) -> Workload.post(t.host(), t.port(), "/v1/sessions/authenticate", user, pw,
          "{\"session_token\":\"" + SessionFixture.token(seed, randomIndex(authSessions))
              + "\",\"session_duration_minutes\":60}");
      case "auth-jwt" -> {
        List<byte[]> requests = new ArrayList<>();
        for (int i = 0; i < JWTS; i++) {
          String reply = cluster.post("/v1/sessions/authenticate",
              "{\"session_token\":\"" + SessionFixture.token(seed, randomIndex(authSessions)) + "\"}");
          requests.add(Workload.post(t.host(), t.port(), "/v1/sessions/authenticate", user, pw,
              "{\"session_jwt\":\"" + LatchkeyCluster.field(reply, "session_jwt") + "\"}"));
        }
        yield (c, s) -> requests.get(ThreadLocalRandom.current().nextInt(requests.size()));
      }
      case "password" -> {
        List<byte[]> requests = new ArrayList<>();
        String run = Long.toHexString(seed);
        for (int i = 0; i < PASSWORD_USERS; i++) {
          String email = "bench-" + run + "-" + i + "@example.com";
          cluster.post("/v1/passwords", "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD
              + "\",\"session_duration_minutes\":60}");
          requests.add(Workload.post(t.host(), t.port(), "/v1/passwords/authenticate", user, pw,
              "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\",\"session_duration_minutes\":60}"));
        }
        yield (c, s) -> requests.get(c % requests.size());
      }
      case "revoke" -> {
        yield (c, s) -> {
          long i = authSessions + cluster.revoked.getAndIncrement();
          return i >= totalSessions ? null : Workload.post(t.host(), t.port(), "/v1/sessions/revoke", user, pw,
              "{\"session_token\":\"" + SessionFixture.token(seed, i) + "\"}");
        };
      }
      default -> throw new IllegalArgumentException("unknown scenario " + name + "; known: " + ALL);
    };
  }

  /**
   * {@code auth-token} for the scale scenario: {@code active} sessions spread evenly over all {@code stored} ones
   * (every {@code stored/active}-th), picked at random; {@code active} 0 or at least {@code stored}: any session.
   * Spread, so that lookups land all over the table and its index; a fixed number, so that every size sees the same
   * share of calls within the JWT reuse window (a session called less than once a minute needs a new signature
   * whatever the store size: docs/benchmarks.md).
   */
  static Workload activeSet(LatchkeyCluster cluster, LoadDriver.Target t, long stored, long active) {
    long n = active <= 0 || active >= stored ? stored : active;
    long stride = stored / n;
    return (c, s) -> Workload.post(t.host(), t.port(), "/v1/sessions/authenticate", cluster.projectId,
        cluster.secret, "{\"session_token\":\"" + SessionFixture.token(cluster.seed, randomIndex(n) * stride) + "\"}");
  }

  private static long randomIndex(long bound) {
    return ThreadLocalRandom.current().nextLong(bound);
  }
}
