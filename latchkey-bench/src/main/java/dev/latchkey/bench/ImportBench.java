package dev.latchkey.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.password4j.PBKDF2Function;
import com.password4j.types.Hmac;
import dev.latchkey.server.crypto.Ids;
import dev.latchkey.server.store.ProjectRecord;
import dev.latchkey.server.store.Stores;
import dev.latchkey.server.store.jdbc.JdbcStores;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * The {@code latchkey import} benchmark: generates {@code --users} users (default 100,000) of mixed hash types
 * (bcrypt, pbkdf_2, md_5 with salts, sha_1, sha_512, phpass, argon_2id, scrypt; every fifth with an external id and
 * a name) into a JSON-lines file, then runs the real launcher command, {@code latchkey import --from <file>}, in a
 * child JVM on a fresh SQLite file (with {@code -Xmx256m}, as {@code bin/latchkey}), and times it from process start
 * to exit (JVM start, schema migration and the SHA-256 of the input included). Then runs it again on the same file
 * plus one line, where every user is already there (the idempotent path). Prints a Markdown table.
 *
 * <pre>
 * mvn -q -pl latchkey-bench -am package -DskipTests
 * java -cp latchkey-bench/target/benchmarks.jar dev.latchkey.bench.ImportBench --users 100000
 * </pre>
 */
public final class ImportBench {
  private ImportBench() {}

  public static void main(String[] args) throws Exception {
    int users = 100_000;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--users")) {
        users = Integer.parseInt(args[++i]);
      }
    }
    Path dir = Files.createTempDirectory("latchkey-import-bench-");
    Path input = dir.resolve("users.jsonl");
    generate(input, users);
    String projectId = "project-test-" + java.util.UUID.randomUUID();
    Path db = dir.resolve("latchkey.db");
    try (Stores stores = JdbcStores.open("jdbc:sqlite:" + db, Duration.ofSeconds(10))) {
      stores.project().createIfAbsent(new ProjectRecord(projectId, "0".repeat(64), Ids.newPublicToken(projectId),
          Instant.now()));
    }
    Map<String, String> env = Map.of("LATCHKEY_DATA_DIR", dir.toString(), "LATCHKEY_PROJECT_ID", projectId);
    long size = Files.size(input);
    double first = run(dir, env, input);
    Path grown = dir.resolve("users-again.jsonl");
    Files.copy(input, grown);
    Files.writeString(grown, "{\"email\":\"one-more@example.com\",\"hash_type\":\"md_5\",\"hash\":\""
        + "0".repeat(32) + "\"}\n", java.nio.file.StandardOpenOption.APPEND);
    double second = run(dir, env, grown);
    System.out.println("| Run | Users | Input | Wall time (JVM start to exit) | Users/s |");
    System.out.println("| --- | --- | --- | --- | --- |");
    System.out.printf("| fresh import into an empty SQLite file | %,d | %.1f MB | %.1f s | %,.0f |%n", users,
        size / 1e6, first, users / first);
    System.out.printf("| the same users again, plus one (all unchanged) | %,d | %.1f MB | %.1f s | %,.0f |%n",
        users + 1, size / 1e6, second, (users + 1) / second);
  }

  private static double run(Path dir, Map<String, String> env, Path input) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", absolute(System.getProperty("java.class.path")), "dev.latchkey.server.Main", "import", "--from",
        input.toString()));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).inheritIO();
    pb.environment().keySet().removeIf(k -> k.startsWith("LATCHKEY_"));
    pb.environment().putAll(env);
    long start = System.nanoTime();
    int code = pb.start().waitFor();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (code != 0) {
      throw new IllegalStateException("latchkey import exited with " + code);
    }
    return seconds;
  }

  private static String absolute(String classPath) {
    return java.util.Arrays.stream(classPath.split(java.io.File.pathSeparator))
        .map(p -> Path.of(p).toAbsolutePath().toString()).collect(java.util.stream.Collectors.joining(
            java.io.File.pathSeparator));
  }

  /** One hash per type, made once (the import checks form, not passwords); users differ by email. */
  private static void generate(Path file, int users) throws Exception {
    byte[] salt = "sixteen byte slt".getBytes(StandardCharsets.US_ASCII);
    String b64salt = Base64.getEncoder().encodeToString(salt);
    List<Map<String, Object>> kinds = List.of(
        Map.of("hash_type", "bcrypt", "hash", OpenBSDBCrypt.generate("2b", "pw".toCharArray(), salt, 10)),
        Map.of("hash_type", "pbkdf_2", "hash", Base64.getEncoder().encodeToString(
            PBKDF2Function.getInstance(Hmac.SHA256, 100_000, 256).hash("pw".getBytes(), salt).getBytes()),
            "pbkdf_2_config", Map.of("salt", b64salt, "iteration_amount", 100_000, "key_length", 32,
                "algorithm", "sha256")),
        Map.of("hash_type", "md_5", "hash", hex("MD5", "pre" + "pw" + "post"), "md_5_config",
            Map.of("prepend_salt", "pre", "append_salt", "post")),
        Map.of("hash_type", "sha_1", "hash", hex("SHA-1", "pw")),
        Map.of("hash_type", "sha_512", "hash", hex("SHA-512", "pw")),
        Map.of("hash_type", "phpass", "hash", "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0"),
        Map.of("hash_type", "argon_2id", "hash",
            "$argon2id$v=19$m=65536,t=3,p=4$c2l4dGVlbiBieXRlIHNsdA$0aAbXxh3ZSD+ed8dB5ENQ0f2nPpo2aDhz0pmvdeZxe4"),
        Map.of("hash_type", "scrypt", "hash", "$scrypt$ln=14,r=8,p=1$" + b64salt.replace("=", "")
            + "$" + "A".repeat(43)));
    ObjectMapper json = new ObjectMapper();
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int i = 0; i < users; i++) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("email", "bench-" + i + "@example.com");
        body.putAll(kinds.get(i % kinds.size()));
        if (i % 5 == 0) {
          body.put("external_id", "legacy-" + i);
          body.put("name", Map.of("first_name", "User", "last_name", "N" + i));
        }
        w.write(json.writeValueAsString(body));
        w.newLine();
      }
    }
  }

  private static String hex(String algorithm, String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
