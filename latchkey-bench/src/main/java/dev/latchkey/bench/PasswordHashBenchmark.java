package dev.latchkey.bench;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One Argon2id hash at the server's default cost (19,456 KiB, 2 passes, 1 lane, 32 bytes) by password4j, the library
 * the server hashes with, and by Bouncy Castle's {@code Argon2BytesGenerator} (what Keycloak hashes with), on the
 * same parameters: the per-unit cost a password sign-in is compared on with Keycloak in {@code bin/bench peers}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PasswordHashBenchmark {
  private static final int MEMORY_KIB = 19_456;
  private static final int PASSES = 2;
  private static final String PASSWORD = "correct horse battery staple 1987!";
  private static final byte[] SALT = "sixteen byte slt".getBytes(StandardCharsets.US_ASCII);

  @Param({"password4j", "bouncycastle"})
  public String library;

  private Argon2Function password4j;

  @Setup
  public void setUp() {
    password4j = Argon2Function.getInstance(MEMORY_KIB, PASSES, 1, 32, Argon2.ID);
  }

  @Benchmark
  public byte[] argon2id() {
    if (library.equals("password4j")) {
      return Password.hash(PASSWORD).addSalt(SALT).with(password4j).getBytes();
    }
    Argon2BytesGenerator g = new Argon2BytesGenerator();
    g.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withMemoryAsKB(MEMORY_KIB).withIterations(PASSES).withParallelism(1).withSalt(SALT).build());
    byte[] out = new byte[32];
    g.generateBytes(PASSWORD.getBytes(StandardCharsets.UTF_8), out);
    return out;
  }
}
