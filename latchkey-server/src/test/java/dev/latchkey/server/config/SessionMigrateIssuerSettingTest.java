package dev.latchkey.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code LATCHKEY_SESSION_MIGRATE_ISSUER}: the access tokens of {@code POST /v1/sessions/migrate} are sent to this
 * provider, so only https is accepted (plain http only to a loopback host), and a bad value stops the start.
 */
class SessionMigrateIssuerSettingTest {
  private static Settings load(String value) {
    return Settings.load(Map.of("LATCHKEY_SESSION_MIGRATE_ISSUER", value));
  }

  @Test
  void unsetMeansMigrationIsOff() {
    assertThat(Settings.load(Map.of()).sessionMigrateIssuer()).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://login.example.com", "https://login.example.com/realms/app",
      "http://127.0.0.1:8081/default", "http://localhost:9000/legacy", "http://[::1]:9000/legacy"})
  void anHttpsIssuerOrAnHttpOneOnLoopbackIsAccepted(String value) {
    assertThat(load(value).sessionMigrateIssuer()).isEqualTo(URI.create(value));
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://login.example.com", "http://10.0.0.7/idp", "login.example.com",
      "ftp://login.example.com", "https://user:pw@login.example.com", "https://login.example.com/?x=1",
      "https://login.example.com/#f", "http://127.0.0.1.example.com/idp"})
  void anythingElseIsRefusedNamingTheSetting(String value) {
    assertThatThrownBy(() -> load(value)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("LATCHKEY_SESSION_MIGRATE_ISSUER=" + value + " (from the environment) ")
        .hasMessageContaining("https");
  }
}
