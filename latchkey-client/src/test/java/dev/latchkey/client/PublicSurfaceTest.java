package dev.latchkey.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.model.AuthenticateResponse;
import dev.latchkey.model.Session;
import dev.latchkey.model.User;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The public surface stays small, the document stays in step with it, and bad settings are refused by name. */
class PublicSurfaceTest {
  private static final Path DOC = Path.of(System.getProperty("user.dir")).getParent().resolve("docs/client-sdk.md");

  @Test
  void onlyTheDocumentedTypesArePublic() throws IOException, ClassNotFoundException {
    Path classes = Path.of(LatchkeyClient.class.getProtectionDomain().getCodeSource().getLocation().getPath())
        .resolve("dev/latchkey/client");
    List<String> publicTypes = new ArrayList<>();
    try (Stream<Path> files = Files.list(classes)) {
      for (String n : files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".class")).toList()) {
        String name = n.substring(0, n.length() - ".class".length());
        if (Modifier.isPublic(Class.forName("dev.latchkey.client." + name).getModifiers())) {
          publicTypes.add(name);
        }
      }
    }
    assertThat(publicTypes).containsExactlyInAnyOrder("LatchkeyClient", "LatchkeyClient$Builder", "SessionClient",
        "UserClient", "PasswordClient", "SessionTokens", "SessionOptions", "RevokeOptions", "Subscription",
        "SessionInfo", "UserInfo", "TokenStore", "StoredSession", "Transport", "Transport$Request",
        "Transport$Response", "LatchkeyClientException", "MagicLinkClient", "OtpClient", "TotpClient", "EmailSent",
        "TotpRegistration", "OAuthClient", "OAuthStartOptions", "OAuthStartOptions$Builder", "WebAuthnClient");
    String doc = Files.readString(DOC);
    for (String type : publicTypes) {
      assertThat(doc).as("docs/client-sdk.md mentions %s", type).contains(type.replace('$', '.').replaceAll(
          "\\.(Builder|Request|Response)$", ""));
    }
  }

  @Test
  void everySettingIsInTheDocumentsTable() throws IOException {
    String doc = Files.readString(DOC);
    for (java.lang.reflect.Method m : LatchkeyClient.Builder.class.getMethods()) {
      if (m.getDeclaringClass() == LatchkeyClient.Builder.class && !m.getName().equals("build")) {
        assertThat(doc).as("settings table row for %s", m.getName()).contains("| `" + m.getName() + "` |");
      }
    }
  }

  @Test
  void settingsOutOfRangeAreRefusedWithTheirNameAndRange() {
    assertThatThrownBy(() -> LatchkeyClient.builder().refreshInterval(Duration.ofMillis(50)))
        .hasMessage("refreshInterval is PT0.05S; it must be between PT0.1S and PT1H");
    assertThatThrownBy(() -> LatchkeyClient.builder().retryBackoff(Duration.ofSeconds(10), Duration.ofSeconds(5)))
        .hasMessage("retryBackoff initial is PT10S; it must not exceed max PT5S");
    assertThatThrownBy(() -> LatchkeyClient.builder().baseUrl(URI.create("ftp://example.com")))
        .hasMessageStartingWith("baseUrl is ftp://example.com; it must be an http or https URL");
    assertThatThrownBy(() -> LatchkeyClient.builder().publicToken(" ")).hasMessage("publicToken must not be blank");
    assertThatThrownBy(() -> LatchkeyClient.builder().baseUrl(URI.create("http://127.0.0.1:1")).build())
        .hasMessageStartingWith("publicToken is required");
    assertThatThrownBy(() -> new SessionTokens("token", "")).hasMessage("sessionJwt must not be blank");
  }

  @Test
  void closeIsIdempotentAndCallsAfterItFailWithClientClosed() {
    LatchkeyClient client = LatchkeyClient.builder().baseUrl(URI.create("http://127.0.0.1:1"))
        .publicToken("public-token-test").build();
    client.session().updateSession(new SessionTokens("session-token-secret", "session-jwt-secret"));
    client.close();
    client.close();
    assertThat(Fixture.failure(client.session().authenticate(SessionOptions.checkOnly())).errorType())
        .isEqualTo(LatchkeyClientException.CLIENT_CLOSED);
    assertThat(client.toString()).doesNotContain("session-token-secret").doesNotContain("session-jwt-secret");
  }

  /** Compile-only: how the API reads from Java 17. Never run; it only has to compile. */
  @SuppressWarnings("unused")
  private static void howTheApiReads() {
    try (LatchkeyClient client = LatchkeyClient.builder()
        .baseUrl(URI.create("http://127.0.0.1:8080"))
        .publicToken("public-token-test")
        .tokenStore(TokenStore.file(Path.of(System.getProperty("user.home"), ".myapp", "session")))
        .refreshInterval(Duration.ofMinutes(3))
        .keepSessionAlive(true)
        .build()) {
      Session s = client.session().getSync();
      boolean cached = client.session().getInfo().fromCache();
      Subscription sub = client.session().onChange(session -> { });
      CompletableFuture<AuthenticateResponse> r = client.session().authenticate(SessionOptions.durationMinutes(60));
      SessionTokens t = client.session().getTokens();
      client.session().updateSession(new SessionTokens("token", "jwt"));
      CompletableFuture<Void> revoked = client.session().revoke(RevokeOptions.forceClear());
      User u = client.user().getSync();
      client.user().onChange(user -> { });
      client.passwords().authenticate("ada@example.com", "password", 60);
      EmailSent sent = client.otps().loginOrCreate("ada@example.com").join();
      client.otps().authenticate(sent.methodId(), "123456", 60);
      client.magicLinks().send("ada@example.com");
      client.magicLinks().authenticate("token-from-the-link", 60);
      TotpRegistration reg = client.totps().create(60).join();
      client.totps().authenticate("123456", 60);
      client.passwords().resetByEmailStart("ada@example.com");
      sub.unsubscribe();
    }
  }
}
