package dev.latchkey.server.factor.password;

import dev.latchkey.server.metrics.ServerMetrics;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id with the configured cost. Hashes are PHC strings ({@code $argon2id$v=19$m=...,t=...,p=...$salt$hash},
 * standard Base64 without padding) that carry their own parameters, so raising the cost later still verifies old
 * hashes. Every hash and check (migrated legacy hashes included) runs on the {@link HashingPool}, never on the
 * request's virtual thread.
 *
 * <p>The KDF is Bouncy Castle's {@code Argon2BytesGenerator}. password4j's (used before, and still for the legacy
 * hashes it verifies) allocated 101.6 MB per hash at the default cost, five times the 19 MiB the cost asks for, and
 * was 1.3x slower on two threads in the server's 256 MiB heap (61.7 against 47.0 ms; {@code PasswordHashBenchmark},
 * docs/benchmarks.md). The strings are the same, so hashes made by either verify with the other.
 */
public final class PasswordHasher {
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;

  private static final Pattern PHC = Pattern.compile(
      "\\$argon2id\\$v=19\\$m=(\\d{1,8}),t=(\\d{1,3}),p=(\\d{1,3})\\$([A-Za-z0-9+/]{11,})\\$([A-Za-z0-9+/]{22,})");
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();

  private final int memoryKib;
  private final int iterations;
  private final int parallelism;
  private final HashingPool pool;
  private final ServerMetrics metrics;
  /** A hash of a random password with the configured cost: verified against when the email is unknown. */
  private final String decoy;

  public PasswordHasher(int memoryKib, int iterations, int parallelism, HashingPool pool) {
    this(memoryKib, iterations, parallelism, pool, new ServerMetrics());
  }

  /** With the server's {@code metrics}, which count every Argon2id hash computed (made or checked). */
  public PasswordHasher(int memoryKib, int iterations, int parallelism, HashingPool pool, ServerMetrics metrics) {
    this.memoryKib = memoryKib;
    this.iterations = iterations;
    this.parallelism = parallelism;
    this.pool = pool;
    this.metrics = metrics;
    this.decoy = hashHere(dev.latchkey.server.crypto.Secrets.randomToken(24));
  }

  public String hash(String password) {
    return pool.run(() -> {
      metrics.passwordHashed();
      return hashHere(password);
    });
  }

  public boolean verify(String password, String hash) {
    return pool.run(() -> {
      metrics.passwordHashed();
      return check(password, hash);
    });
  }

  /** A migrated hash checked with its own algorithm; an unreadable stored hash never matches. */
  public boolean verifyLegacy(String password, String storedHash) {
    return pool.run(() -> {
      try {
        return LegacyHash.decode(storedHash).verify(password);
      } catch (RuntimeException e) {
        return false;
      }
    });
  }

  /** Spends the same work as a real verification, so an unknown email takes as long as a wrong password. */
  public void verifyDecoy(String password) {
    verify(password, decoy);
  }

  private String hashHere(String password) {
    byte[] salt = dev.latchkey.server.crypto.Secrets.randomBytes(SALT_BYTES);
    byte[] hash = argon2id(password, salt, memoryKib, iterations, parallelism, HASH_BYTES);
    return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + "$" + B64.encodeToString(salt)
        + "$" + B64.encodeToString(hash);
  }

  /** Whether {@code password} matches the PHC string {@code stored}; one that does not parse never matches. */
  static boolean check(String password, String stored) {
    Matcher m = stored == null ? null : PHC.matcher(stored);
    if (m == null || !m.matches()) {
      return false;
    }
    byte[] salt;
    byte[] expected;
    try {
      salt = Base64.getDecoder().decode(m.group(4));
      expected = Base64.getDecoder().decode(m.group(5));
    } catch (IllegalArgumentException e) {
      return false;
    }
    int memory = Integer.parseInt(m.group(1));
    int passes = Integer.parseInt(m.group(2));
    int lanes = Integer.parseInt(m.group(3));
    // The bounds of the LATCHKEY_ARGON2_* settings: a string past them was not written by this server.
    if (memory < 8 * lanes || memory > 1_048_576 || passes < 1 || passes > 10 || lanes < 1 || lanes > 16) {
      return false;
    }
    return MessageDigest.isEqual(expected, argon2id(password, salt, memory, passes, lanes, expected.length));
  }

  private static byte[] argon2id(String password, byte[] salt, int memoryKib, int iterations, int parallelism,
      int length) {
    Argon2BytesGenerator g = new Argon2BytesGenerator();
    g.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withMemoryAsKB(memoryKib).withIterations(iterations).withParallelism(parallelism).withSalt(salt).build());
    byte[] out = new byte[length];
    g.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
    return out;
  }
}
