package dev.latchkey.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The public surface stays small, and the document stays in step with it. */
class PublicSurfaceTest {
  private static final Path DOC = Path.of(System.getProperty("user.dir")).getParent().resolve("docs/backend-sdk.md");

  @Test
  void onlyTheDocumentedTypesArePublic() throws IOException, ClassNotFoundException {
    Path classes = Path.of(LatchkeyBackend.class.getProtectionDomain().getCodeSource().getLocation().getPath())
        .resolve("dev/latchkey/backend");
    List<String> publicTypes;
    try (Stream<Path> files = Files.list(classes)) {
      List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".class"))
          .map(n -> "dev.latchkey.backend." + n.substring(0, n.length() - 6)).toList();
      publicTypes = new java.util.ArrayList<>();
      for (String n : names) {
        if (Modifier.isPublic(Class.forName(n).getModifiers())) {
          publicTypes.add(n.substring("dev.latchkey.backend.".length()));
        }
      }
    }
    assertThat(publicTypes).containsExactlyInAnyOrder("LatchkeyBackend", "LatchkeyBackend$Builder",
        "LatchkeyBackend$FailSafe", "Sessions",
        "Users", "Passwords", "VerifiedSession", "VerifiedSession$Source", "LatchkeyException",
        "LatchkeyException$Reason", "LatchkeyFilter", "LatchkeyFilter$Builder", "WebhookVerifier",
        "WebhookVerifier$Builder");
  }

  @Test
  void theDocumentListsEveryReasonAndEveryFilterAnswer() throws IOException {
    String doc = Files.readString(DOC);
    for (LatchkeyException.Reason r : LatchkeyException.Reason.values()) {
      assertThat(doc).contains("| `" + r.name() + "` | " + (r.isRejection() ? "yes" : "no") + " |");
    }
    for (String type : List.of("session_required", "session_invalid", "insufficient_factors",
        "session_check_unavailable")) {
      assertThat(doc).contains("`" + type + "`");
    }
    assertThat(doc).contains("`\"" + LatchkeyFilter.SESSION_ATTRIBUTE + "\"`");
  }

  @Test
  void theDocumentsRouteExampleIsUnderTenLines() throws IOException {
    String doc = Files.readString(DOC);
    String example = doc.substring(doc.indexOf("## Protect a route"));
    example = example.substring(example.indexOf("```java") + 7, example.indexOf("```", example.indexOf("```java") + 7));
    assertThat(Arrays.stream(example.split("\n")).filter(l -> !l.isBlank()).count()).isLessThan(10);
  }

  /** Compile-only: how the API reads from Java. Never run; it only has to compile. */
  @SuppressWarnings("unused")
  private static void howTheApiReads(jakarta.servlet.http.HttpServletRequest request) {
    try (LatchkeyBackend backend = LatchkeyBackend.builder()
        .baseUrl(URI.create("http://127.0.0.1:8080"))
        .projectId("project-test-00000000-0000-0000-0000-000000000000")
        .secret("secret")
        .leeway(Duration.ZERO)
        .build()) {
      LatchkeyFilter filter = LatchkeyFilter.builder(backend).requiredFactors(2).skipPaths("/health").build();
      VerifiedSession fromFilter = LatchkeyFilter.session(request);
      try {
        VerifiedSession s = backend.sessions().authenticateJwt("jwt", Duration.ofMinutes(1));
        String user = s.userId();
      } catch (LatchkeyException e) {
        boolean answer401 = e.isRejection();
        String type = e.errorType();
      }
    }
  }
}
