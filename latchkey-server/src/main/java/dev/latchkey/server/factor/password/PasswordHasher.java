package dev.latchkey.server.factor.password;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import dev.latchkey.server.metrics.ServerMetrics;

/**
 * Argon2id with the configured cost. Hashes are PHC strings ({@code $argon2id$v=19$m=...}) that carry their own
 * parameters, so raising the cost later still verifies old hashes. Every hash and check (migrated legacy hashes
 * included) runs on the {@link HashingPool}, never on the request's virtual thread.
 */
public final class PasswordHasher {
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;

  private final Argon2Function argon2;
  private final HashingPool pool;
  private final ServerMetrics metrics;
  /** A hash of a random password with the configured cost: verified against when the email is unknown. */
  private final String decoy;

  public PasswordHasher(int memoryKib, int iterations, int parallelism, HashingPool pool) {
    this(memoryKib, iterations, parallelism, pool, new ServerMetrics());
  }

  /** With the server's {@code metrics}, which count every Argon2id hash computed (made or checked). */
  public PasswordHasher(int memoryKib, int iterations, int parallelism, HashingPool pool, ServerMetrics metrics) {
    this.argon2 = Argon2Function.getInstance(memoryKib, iterations, parallelism, HASH_BYTES, Argon2.ID);
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
      return Argon2Function.getInstanceFromHash(hash).check(password, hash);
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
    return Password.hash(password).addRandomSalt(SALT_BYTES).with(argon2).getResult();
  }
}
