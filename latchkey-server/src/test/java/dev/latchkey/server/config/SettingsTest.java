package dev.latchkey.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SettingsTest {
  private static final String UUID_1 = "0b9b6c8e-4f0e-4a53-9a49-1f0b1f6b2d8e";

  @TempDir
  Path dir;

  private static Settings load(String... keyValues) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      env.put(keyValues[i], keyValues[i + 1]);
    }
    return Settings.load(env);
  }

  private static String failure(String... keyValues) {
    try {
      load(keyValues);
    } catch (ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected a ConfigException for " + String.join(" ", keyValues));
  }

  private Path configFile(String text) throws IOException {
    Path file = dir.resolve("latchkey.properties");
    Files.writeString(file, text);
    return file;
  }

  // ---------------------------------------------------------------------------------------------------- defaults

  @Test
  void withNothingSetEverySettingHasItsDocumentedDefault() {
    Settings s = Settings.load(Map.of());

    assertThat(s.port()).isEqualTo(8080);
    assertThat(s.bind()).isEqualTo("127.0.0.1");
    assertThat(s.dataDir()).isEqualTo(Path.of("./data"));
    assertThat(s.databaseUrl()).isEqualTo("jdbc:sqlite:" + Path.of("./data").resolve("latchkey.db"));
    assertThat(s.projectId()).isNull();
    assertThat(s.secret()).isNull();
    assertThat(s.publicToken()).isNull();
    assertThat(s.keyEncryptionKey()).isNull();
    assertThat(s.keyRetention()).isEqualTo(Duration.ofHours(1));
    assertThat(s.keyRefreshInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.argon2MemoryKib()).isEqualTo(19456);
    assertThat(s.argon2Iterations()).isEqualTo(2);
    assertThat(s.argon2Parallelism()).isEqualTo(1);
    assertThat(s.purgeInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(s.databaseTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.totpIssuer()).isEqualTo("Latchkey");
    assertThat(s.totpMaxFailedAttempts()).isEqualTo(5);
    assertThat(s.totpLockout()).isEqualTo(Duration.ofMinutes(15));
    assertThat(s.lastAccessedWriteInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(s.cryptoProvider()).isEqualTo("auto");
  }

  @Test
  void anEmptyEnvironmentVariableCountsAsUnset() {
    assertThat(load("LATCHKEY_PORT", "").port()).isEqualTo(8080);
  }

  @Test
  void theDatabaseFileFollowsTheDataDirectory() {
    Settings s = load("LATCHKEY_DATA_DIR", "/var/lib/latchkey");

    assertThat(s.dataDir()).isEqualTo(Path.of("/var/lib/latchkey"));
    assertThat(s.databaseUrl()).isEqualTo("jdbc:sqlite:/var/lib/latchkey/latchkey.db");
  }

  // -------------------------------------------------------------------------------------------------- numbers

  @ParameterizedTest
  @CsvSource({
      "LATCHKEY_PORT, 0, 65535, 8080",
      "LATCHKEY_ARGON2_MEMORY_KIB, 8192, 1048576, 19456",
      "LATCHKEY_ARGON2_ITERATIONS, 1, 10, 2",
      "LATCHKEY_ARGON2_PARALLELISM, 1, 16, 1",
      "LATCHKEY_TOTP_MAX_FAILED_ATTEMPTS, 1, 100, 5"})
  void aWholeNumberSettingAcceptsBothEndsOfItsRange(String name, int min, int max, int fallback) {
    assertThat(intSetting(load(name, String.valueOf(min)), name)).isEqualTo(min);
    assertThat(intSetting(load(name, String.valueOf(max)), name)).isEqualTo(max);
  }

  @ParameterizedTest
  @CsvSource({
      "LATCHKEY_PORT, 0, 65535, 8080",
      "LATCHKEY_ARGON2_MEMORY_KIB, 8192, 1048576, 19456",
      "LATCHKEY_ARGON2_ITERATIONS, 1, 10, 2",
      "LATCHKEY_ARGON2_PARALLELISM, 1, 16, 1",
      "LATCHKEY_TOTP_MAX_FAILED_ATTEMPTS, 1, 100, 5"})
  void aWholeNumberSettingRefusesValuesOutsideItsRangeAndNonNumbers(String name, int min, int max, int fallback) {
    for (String bad : new String[] {String.valueOf(min - 1), String.valueOf((long) max + 1), "eight", "12.5",
        "99999999999999999999"}) {
      assertThat(failure(name, bad)).isEqualTo(name + "=" + bad + " (from the environment) is not valid: use a whole "
          + "number from " + min + " to " + max + " (default " + fallback + ")");
    }
  }

  private static int intSetting(Settings s, String name) {
    return switch (name) {
      case "LATCHKEY_PORT" -> s.port();
      case "LATCHKEY_ARGON2_MEMORY_KIB" -> s.argon2MemoryKib();
      case "LATCHKEY_ARGON2_ITERATIONS" -> s.argon2Iterations();
      case "LATCHKEY_ARGON2_PARALLELISM" -> s.argon2Parallelism();
      case "LATCHKEY_TOTP_MAX_FAILED_ATTEMPTS" -> s.totpMaxFailedAttempts();
      default -> throw new IllegalArgumentException(name);
    };
  }

  // ------------------------------------------------------------------------------------------------- durations

  @ParameterizedTest
  @CsvSource({
      "30s, PT30S",
      "15m, PT15M",
      "1h, PT1H",
      "1d, PT24H",
      "PT5M, PT5M",
      "pt5m, PT5M",
      "P1D, PT24H"})
  void durationsAcceptUnitSuffixesAndIso8601(String text, Duration expected) {
    assertThat(load("LATCHKEY_PURGE_INTERVAL", text).purgeInterval()).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
      "LATCHKEY_KEY_RETENTION, 5m, 6m, 366d, 1h",
      "LATCHKEY_KEY_RETENTION, 367d, 6m, 366d, 1h",
      "LATCHKEY_KEY_REFRESH_INTERVAL, 0s, 1s, 1m, 30s",
      "LATCHKEY_KEY_REFRESH_INTERVAL, 61s, 1s, 1m, 30s",
      "LATCHKEY_PURGE_INTERVAL, 999ms, 1s, 1d, 1m",
      "LATCHKEY_PURGE_INTERVAL, 25h, 1s, 1d, 1m",
      "LATCHKEY_PURGE_INTERVAL, PT-5M, 1s, 1d, 1m",
      "LATCHKEY_DATABASE_TIMEOUT, 0s, 1s, 1m, 10s",
      "LATCHKEY_DATABASE_TIMEOUT, 2m, 1s, 1m, 10s",
      "LATCHKEY_TOTP_LOCKOUT, 59s, 1m, 1d, 15m",
      "LATCHKEY_TOTP_LOCKOUT, 2d, 1m, 1d, 15m",
      "LATCHKEY_LAST_ACCESSED_WRITE_INTERVAL, 61m, 0s, 1h, 1m",
      "LATCHKEY_LAST_ACCESSED_WRITE_INTERVAL, PT-1S, 0s, 1h, 1m"})
  void aDurationSettingRefusesValuesOutsideItsRange(String name, String bad, String min, String max,
      String fallback) {
    assertThat(failure(name, bad)).isEqualTo(name + "=" + bad + " (from the environment) is not valid: use a duration "
        + "such as 30s, 15m, 1h or PT5M, from " + min + " to " + max + " (default " + fallback + ")");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "0s", "PT0S"})
  void aZeroLastAccessedWriteIntervalMeansEveryTimeAndNeedsNoUnit(String zero) {
    assertThat(load("LATCHKEY_LAST_ACCESSED_WRITE_INTERVAL", zero).lastAccessedWriteInterval())
        .isEqualTo(Duration.ZERO);
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "accp", "auto"})
  void theCryptoProviderIsOneOfJdkAccpAndAuto(String choice) {
    assertThat(load("LATCHKEY_CRYPTO_PROVIDER", choice).cryptoProvider()).isEqualTo(choice);
  }

  @Test
  void anUnknownCryptoProviderIsRefusedWithTheChoices() {
    assertThat(failure("LATCHKEY_CRYPTO_PROVIDER", "bouncycastle")).isEqualTo("LATCHKEY_CRYPTO_PROVIDER=bouncycastle "
        + "(from the environment) is not valid: use one of jdk, accp or auto (default auto)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"10", "ten seconds", "1.5h", "5 m", "1w", "PT", "-5s"})
  void aDurationWithoutAKnownUnitIsRefused(String bad) {
    assertThat(failure("LATCHKEY_DATABASE_TIMEOUT", bad)).isEqualTo("LATCHKEY_DATABASE_TIMEOUT=" + bad
        + " (from the environment) is not valid: use a duration such as 30s, 15m, 1h or PT5M, from 1s to 1m "
        + "(default 10s)");
  }

  @Test
  void theTotpIssuerIsTakenAsGivenAndRefusedWithAColonOrControlCharacterOrPast64Characters() {
    assertThat(load("LATCHKEY_TOTP_ISSUER", "Acme Corp").totpIssuer()).isEqualTo("Acme Corp");
    assertThat(load("LATCHKEY_TOTP_ISSUER", "x".repeat(64)).totpIssuer()).hasSize(64);
    assertThat(load("LATCHKEY_TOTP_LOCKOUT", "1h").totpLockout()).isEqualTo(Duration.ofHours(1));
    for (String bad : new String[] {"Acme:Corp", "Acme\tCorp", "x".repeat(65)}) {
      assertThat(failure("LATCHKEY_TOTP_ISSUER", bad)).isEqualTo("LATCHKEY_TOTP_ISSUER=" + bad
          + " (from the environment) is not valid: use 1 to 64 characters without ':' or control characters "
          + "(default Latchkey)");
    }
  }

  @Test
  void durationSettingsAreReadIntoTheirFields() {
    Settings s = load("LATCHKEY_KEY_RETENTION", "2h", "LATCHKEY_KEY_REFRESH_INTERVAL", "5s",
        "LATCHKEY_DATABASE_TIMEOUT", "PT3S");

    assertThat(s.keyRetention()).isEqualTo(Duration.ofHours(2));
    assertThat(s.keyRefreshInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.databaseTimeout()).isEqualTo(Duration.ofSeconds(3));
  }

  // ----------------------------------------------------------------------------------------------- config file

  @Test
  void theConfigFileIsReadAndTheEnvironmentWinsOverIt() throws IOException {
    Path file = configFile("LATCHKEY_PORT=9000\nLATCHKEY_BIND=0.0.0.0\n# a comment\nLATCHKEY_PURGE_INTERVAL = 5m\n");

    Settings s = load("LATCHKEY_CONFIG_FILE", file.toString(), "LATCHKEY_PORT", "9001");

    assertThat(s.port()).isEqualTo(9001);
    assertThat(s.bind()).isEqualTo("0.0.0.0");
    assertThat(s.purgeInterval()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void aBadValueInTheConfigFileNamesTheFile() throws IOException {
    Path file = configFile("LATCHKEY_ARGON2_ITERATIONS=11\n");

    assertThat(failure("LATCHKEY_CONFIG_FILE", file.toString())).isEqualTo("LATCHKEY_ARGON2_ITERATIONS=11 (from the "
        + "config file " + file + ") is not valid: use a whole number from 1 to 10 (default 2)");
  }

  @Test
  void aGoodEnvironmentValueHidesABadOneInTheConfigFile() throws IOException {
    Path file = configFile("LATCHKEY_PORT=99999\n");

    assertThat(load("LATCHKEY_CONFIG_FILE", file.toString(), "LATCHKEY_PORT", "8081").port()).isEqualTo(8081);
  }

  @Test
  void aKeyThatIsNotALatchkeySettingIsRefusedInTheConfigFile() throws IOException {
    Path file = configFile("PORT=9000\n");

    assertThat(failure("LATCHKEY_CONFIG_FILE", file.toString())).isEqualTo("Unknown key PORT in " + file
        + ": the config file takes only the LATCHKEY_* settings listed in the README");
  }

  @Test
  void aMisspelledLatchkeySettingIsRefusedInTheConfigFile() throws IOException {
    Path file = configFile("LATCHKEY_PROT=9000\n");

    assertThat(failure("LATCHKEY_CONFIG_FILE", file.toString())).isEqualTo("Unknown key LATCHKEY_PROT in " + file
        + ": the config file takes only the LATCHKEY_* settings listed in the README");
  }

  @Test
  void aMissingConfigFileIsRefusedByName() {
    Path missing = dir.resolve("nope.properties");

    assertThat(failure("LATCHKEY_CONFIG_FILE", missing.toString()))
        .startsWith("LATCHKEY_CONFIG_FILE=" + missing + ": cannot read it (");
  }

  // --------------------------------------------------------------------------------------------------- secrets

  @Test
  void aTooShortSecretIsRefusedWithoutEchoingIt() {
    String secret = "hunter2-hunter2";

    String message = failure("LATCHKEY_SECRET", secret);

    assertThat(message).isEqualTo("LATCHKEY_SECRET (from the environment) is not valid: use 24 to 256 printable "
        + "characters without spaces or ':' (it was 15 characters)");
    assertThat(message).doesNotContain(secret);
  }

  @Test
  void aSecretWithAColonIsRefusedWithoutEchoingIt() throws IOException {
    String secret = "secret-live-abcdefghij:klmnopqrstuvwxyz";
    Path file = configFile("LATCHKEY_SECRET=" + secret + "\n");

    String message = failure("LATCHKEY_CONFIG_FILE", file.toString());

    assertThat(message).isEqualTo("LATCHKEY_SECRET (from the config file " + file + ") is not valid: use 24 to 256 "
        + "printable characters without spaces or ':' (it was 39 characters)");
    assertThat(message).doesNotContain(secret);
  }

  @Test
  void aLongEnoughSecretIsAccepted() {
    String secret = "secret-live-" + "x".repeat(24);

    assertThat(load("LATCHKEY_SECRET", secret).secret()).isEqualTo(secret);
  }

  @Test
  void theKeyEncryptionKeyIsTheBase64OfThirtyTwoBytes() {
    byte[] key = new byte[32];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) (i * 7);
    }

    assertThat(load("LATCHKEY_KEY_ENCRYPTION_KEY", Base64.getEncoder().encodeToString(key)).keyEncryptionKey())
        .isEqualTo(key);
  }

  @ParameterizedTest
  @ValueSource(strings = {"AAECAwQFBgcICQoLDA0ODw==", "not base64 at all!!", "c2hvcnQ"})
  void aKeyEncryptionKeyOfTheWrongSizeOrNotBase64IsRefusedWithoutEchoingIt(String bad) {
    String message = failure("LATCHKEY_KEY_ENCRYPTION_KEY", bad);

    assertThat(message).isEqualTo("LATCHKEY_KEY_ENCRYPTION_KEY (from the environment) is not valid: use the base64 "
        + "of exactly 32 random bytes, e.g. the output of: openssl rand -base64 32");
    assertThat(message).doesNotContain(bad);
  }

  @Test
  void toStringRedactsTheSecretAndTheKey() {
    String secret = "secret-live-" + "y".repeat(24);
    String key = Base64.getEncoder().encodeToString(new byte[32]);

    String text = load("LATCHKEY_SECRET", secret, "LATCHKEY_KEY_ENCRYPTION_KEY", key).toString();

    assertThat(text).doesNotContain(secret).doesNotContain(key).contains("secret=<redacted>")
        .contains("keyEncryptionKey=<redacted>");
  }

  // ------------------------------------------------------------------------------------------ project identity

  @ParameterizedTest
  @ValueSource(strings = {"project-live-" + UUID_1, "project-test-" + UUID_1})
  void aProjectIdInStytchFormatIsAccepted(String id) {
    assertThat(load("LATCHKEY_PROJECT_ID", id).projectId()).isEqualTo(id);
  }

  @ParameterizedTest
  @ValueSource(strings = {"project-prod-" + UUID_1, "project-live-123", UUID_1, "project-live-" + UUID_1 + "x"})
  void aProjectIdInAnotherFormatIsRefused(String bad) {
    assertThat(failure("LATCHKEY_PROJECT_ID", bad)).isEqualTo("LATCHKEY_PROJECT_ID=" + bad + " (from the "
        + "environment) is not valid: use project-live-<uuid> or project-test-<uuid>");
  }

  @ParameterizedTest
  @ValueSource(strings = {"public-token-live-" + UUID_1, "public-token-test-" + UUID_1})
  void aPublicTokenInStytchFormatIsAccepted(String token) {
    assertThat(load("LATCHKEY_PUBLIC_TOKEN", token).publicToken()).isEqualTo(token);
  }

  @ParameterizedTest
  @ValueSource(strings = {"public-token-" + UUID_1, "token-live-" + UUID_1, "public-token-live-abc"})
  void aPublicTokenInAnotherFormatIsRefused(String bad) {
    assertThat(failure("LATCHKEY_PUBLIC_TOKEN", bad)).isEqualTo("LATCHKEY_PUBLIC_TOKEN=" + bad + " (from the "
        + "environment) is not valid: use public-token-live-<uuid> or public-token-test-<uuid>");
  }

  // -------------------------------------------------------------------------------------------------- database

  @Test
  void aSqliteDatabaseUrlBecomesAJdbcUrl() {
    assertThat(load("LATCHKEY_DATABASE_URL", "sqlite:/srv/latchkey.db").databaseUrl())
        .isEqualTo("jdbc:sqlite:/srv/latchkey.db");
  }

  @Test
  void aJdbcSqliteDatabaseUrlIsKept() {
    assertThat(load("LATCHKEY_DATABASE_URL", "jdbc:sqlite:/srv/latchkey.db").databaseUrl())
        .isEqualTo("jdbc:sqlite:/srv/latchkey.db");
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
      "postgresql://db.internal:5432/latchkey; jdbc:postgresql://db.internal:5432/latchkey",
      "postgres://db.internal/latchkey; jdbc:postgresql://db.internal/latchkey",
      "postgresql://latchkey:s3cr3t@db.internal/latchkey?sslmode=require; "
          + "jdbc:postgresql://db.internal/latchkey?sslmode=require&user=latchkey&password=s3cr3t",
      "jdbc:postgresql://db.internal/latchkey?user=u; jdbc:postgresql://db.internal/latchkey?user=u"})
  void aPostgresqlUrlBecomesAJdbcUrlWithTheCredentialsAsParameters(String url, String jdbcUrl) {
    assertThat(load("LATCHKEY_DATABASE_URL", url).databaseUrl()).isEqualTo(jdbcUrl);
  }

  @Test
  void thePostgresqlPasswordIsRedactedWhenTheSettingsArePrinted() {
    String shown = load("LATCHKEY_DATABASE_URL", "postgresql://latchkey:s3cr3t-pw@db.internal/latchkey").toString();

    assertThat(shown).contains("databaseUrl=jdbc:postgresql://db.internal/latchkey?user=latchkey&password=<redacted>")
        .doesNotContain("s3cr3t-pw");
  }

  @Test
  void aBadDatabaseUrlWithAPasswordIsRefusedWithoutEchoingThePassword() {
    String message = failure("LATCHKEY_DATABASE_URL", "mysql://latchkey:s3cr3t-pw@db.internal/latchkey");

    assertThat(message).isEqualTo("LATCHKEY_DATABASE_URL=mysql://latchkey:<redacted>@db.internal/latchkey "
        + "(from the environment) is not a database URL: use " + DatabaseUrl.ACCEPTED);
    assertThat(message).doesNotContain("s3cr3t-pw");
  }

  @Test
  void thePoolSizeDefaultsToTenAndIsBounded() {
    assertThat(Settings.load(Map.of()).databasePoolSize()).isEqualTo(10);
    assertThat(load("LATCHKEY_DATABASE_POOL_SIZE", "50").databasePoolSize()).isEqualTo(50);
    assertThat(failure("LATCHKEY_DATABASE_POOL_SIZE", "0")).isEqualTo("LATCHKEY_DATABASE_POOL_SIZE=0 (from the "
        + "environment) is not valid: use a whole number from 1 to 200 (default 10)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"mysql://db/latchkey", "sqlite:", "jdbc:sqlite:", "latchkey.db"})
  void anythingElseIsNotADatabaseUrl(String url) {
    assertThat(failure("LATCHKEY_DATABASE_URL", url)).isEqualTo("LATCHKEY_DATABASE_URL=" + url + " (from the "
        + "environment) is not a database URL: use " + DatabaseUrl.ACCEPTED);
  }
}
