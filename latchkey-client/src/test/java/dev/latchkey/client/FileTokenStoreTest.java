package dev.latchkey.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.model.Attributes;
import dev.latchkey.model.AuthenticationFactor;
import dev.latchkey.model.Session;
import dev.latchkey.model.WireJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTokenStoreTest {
  @TempDir
  Path dir;

  static Session session(String id) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    return new Session(id, "user-test-1", now, now, now.plusSeconds(3600), new Attributes("", ""),
        List.of(AuthenticationFactor.password(now)), Map.of("plan", "pro"), List.of("stytch_user"));
  }

  static StoredSession stored(String id) {
    return new StoredSession(new SessionTokens("token-" + id, "jwt-" + id), session(id), null);
  }

  @Test
  void aNewStoreOnTheSameFileSeesTheSavedSessionAsARestartedAppWould() {
    Path file = dir.resolve("app/session.json");
    StoredSession saved = stored("a");
    TokenStore.file(file).save(saved);

    StoredSession loaded = TokenStore.file(file).load();

    assertThat(loaded).isEqualTo(saved);
    assertThat(loaded.tokens()).isEqualTo(new SessionTokens("token-a", "jwt-a"));
    assertThat(loaded.session().sessionId()).isEqualTo("a");
    assertThat(loaded.session().customClaims()).isEqualTo(Map.of("plan", "pro"));
  }

  @Test
  void theFileAndANewDirectoryAreReadableByTheOwnerOnly() throws Exception {
    Path file = dir.resolve("new-dir/session.json");
    TokenStore.file(file).save(stored("a"));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
        .isEqualTo("rwx------");
  }

  @Test
  void aHalfWrittenTemporaryFileFromACrashIsIgnoredAndTheLastCompleteSessionLoads() throws Exception {
    Path file = dir.resolve("session.json");
    TokenStore.file(file).save(stored("complete"));
    // A crash after the temporary file was opened and before the rename: half a JSON document.
    Files.writeString(dir.resolve("session.json.tmp"), "{\"tokens\":{\"session_token\":\"tok");

    assertThat(TokenStore.file(file).load().session().sessionId()).isEqualTo("complete");

    TokenStore.file(file).save(stored("next"));
    assertThat(TokenStore.file(file).load().session().sessionId()).isEqualTo("next");
    assertThat(dir.resolve("session.json.tmp")).doesNotExist();
  }

  @Test
  void aSaveReplacesTheFileWholeSoAReaderNeverSeesAMixOfOldAndNew() throws Exception {
    Path file = dir.resolve("session.json");
    TokenStore store = TokenStore.file(file);
    store.save(stored("a-much-longer-session-id-than-the-next-one"));
    store.save(stored("b"));

    ObjectMapper json = WireJson.mapper();
    StoredSession onDisk = json.readValue(Files.readAllBytes(file), StoredSession.class);
    assertThat(onDisk.session().sessionId()).isEqualTo("b");
  }

  @Test
  void aCorruptOrForeignFileLoadsAsSignedOutRatherThanFailingTheApp() throws Exception {
    Path file = dir.resolve("session.json");
    Files.write(file, "not json at all".getBytes(StandardCharsets.UTF_8));
    assertThat(TokenStore.file(file).load()).isNull();

    Files.writeString(file, "{\"tokens\":null}");
    assertThat(TokenStore.file(file).load()).isNull();
  }

  @Test
  void clearRemovesTheFileAndAMissingFileLoadsAsNoSession() {
    Path file = dir.resolve("session.json");
    TokenStore store = TokenStore.file(file);
    assertThat(store.load()).isNull();
    store.save(stored("a"));
    store.clear();
    assertThat(file).doesNotExist();
    assertThat(store.load()).isNull();
  }

  @Test
  void aLeadingTildeIsTheHomeDirectory() {
    FileTokenStore store = new FileTokenStore(Path.of("~/.myapp/session"));
    assertThat(store.path()).isEqualTo(Path.of(System.getProperty("user.home"), ".myapp", "session"));
  }

  @Test
  void theInMemoryStoreKeepsTheLastSaveUntilCleared() {
    TokenStore store = TokenStore.inMemory();
    store.save(stored("a"));
    assertThat(store.load().session().sessionId()).isEqualTo("a");
    store.clear();
    assertThat(store.load()).isNull();
  }

  @Test
  void tokensNeverAppearInToString() {
    assertThat(stored("secret").toString()).doesNotContain("token-secret").doesNotContain("jwt-secret");
  }
}
