package dev.latchkey.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * {@code LATCHKEY_CORS_ORIGINS}: origins are compared with the browser's {@code Origin} header as strings, so one
 * written any other way than a browser writes it would silently never match; it is refused at start instead.
 */
class CorsOriginsSettingTest {
  private static Settings load(String value) {
    return Settings.load(Map.of("LATCHKEY_CORS_ORIGINS", value));
  }

  @Test
  void unsetMeansNoOrigins() {
    assertThat(Settings.load(Map.of()).corsOrigins()).isEmpty();
  }

  @Test
  void aCommaSeparatedListIsReadInOrderWithSpacesAndDuplicatesDropped() {
    assertThat(load("https://app.example.com, http://localhost:3000,http://127.0.0.1:8081,https://app.example.com")
        .corsOrigins())
        .containsExactly("https://app.example.com", "http://localhost:3000", "http://127.0.0.1:8081");
    assertThat(load("http://[::1]:5173").corsOrigins()).containsExactly("http://[::1]:5173");
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://app.example.com/", "https://app.example.com/login", "app.example.com",
      "ftp://app.example.com", "https://App.Example.com", "https://*.example.com", "https://app.example.com,",
      "https://a.example.com,,https://b.example.com", "http://localhost:99999", "https://x.example.com:0443"})
  void anythingButAnOriginAsBrowsersSendItIsRefusedNamingTheSettingAndTheEntry(String value) {
    assertThatThrownBy(() -> load(value)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("LATCHKEY_CORS_ORIGINS=" + value + " (from the environment) is not valid: ")
        .hasMessageContaining("e.g. https://app.example.com,http://localhost:3000");
  }

  @Test
  void aWildcardIsRefusedBecauseItWouldLetAnySiteActForTheUser() {
    assertThatThrownBy(() -> load("*")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("'*' would let any site act for a signed-in user");
  }

  @Test
  void aDefaultPortIsRefusedBecauseBrowsersLeaveItOut() {
    assertThatThrownBy(() -> load("https://app.example.com:443")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("drop :443");
    assertThatThrownBy(() -> load("http://localhost:80")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("drop :80");
  }
}
